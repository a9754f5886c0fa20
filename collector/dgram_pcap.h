/*
 * dgram_pcap: -M, every received datagram whole, as a pcap stream on
 * stdout (raw IP link type), so that tcpdump, tshark or sflowcollect -r
 * read the sFlow feed itself back.  Each datagram gets an IPv4 or IPv6
 * and UDP header from its sender (the capture's, for -r; the agent when
 * unknown, as for -R) to the listening port, at the -b address or the
 * unspecified one; its time is the datagram's.
 */
#ifndef SFK_DGRAM_PCAP_H
#define SFK_DGRAM_PCAP_H

#include <stddef.h>

#include "config.h"
#include "sink.h"

struct sink *dgram_pcap_open(const struct config *cfg, char *err, size_t errlen);

#endif /* SFK_DGRAM_PCAP_H */
