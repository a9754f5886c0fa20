/*
 * ipfix: the IPFIX message (RFC 7011 section 3.1).
 *
 *   header (16):  version(10) length export_time sequence observation_domain
 *
 * 'length' is the whole message's.  'sequence' counts the data records
 * (options data included; templates not) that the observation domain sent
 * before this message.  The sets come from flowset.c.
 */
#ifndef SFK_IPFIX_H
#define SFK_IPFIX_H

#include <stddef.h>
#include <stdint.h>

#include "flowset.h"

#define IPFIX_VERSION 10
#define IPFIX_HEADER_LEN 16

struct ipfix_header {
    uint32_t export_time;       /* Seconds since the epoch. */
    uint32_t sequence;          /* Data records sent before this message. */
    uint32_t domain;            /* Observation domain id. */
};

/*
 * Starts a message in 'buf' of 'cap' bytes; a flow time of monotonic
 * millisecond T is written as T + 'epoch_shift' milliseconds since the epoch.
 */
void ipfix_begin(struct flowset_msg *m, void *buf, size_t cap, int64_t epoch_shift);

/* Writes the header 'h'.  Returns the message's length, or 0 if it did not fit. */
size_t ipfix_end(struct flowset_msg *m, const struct ipfix_header *h);

#endif /* SFK_IPFIX_H */
