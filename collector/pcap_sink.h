/* pcap_sink: pcap of sampled headers (-t, -T, -w, -x). */
#ifndef SFK_PCAP_SINK_H
#define SFK_PCAP_SINK_H

#include <stddef.h>

#include "config.h"
#include "sink.h"

/*
 * Opens the sink as 'cfg' asks.  Returns it, or NULL with a message for the
 * user in 'err'.
 */
struct sink *pcap_sink_open(const struct config *cfg, char *err, size_t errlen);

#endif /* SFK_PCAP_SINK_H */
