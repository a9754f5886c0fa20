/*
 * netflow9: the NetFlow v9 export message (RFC 3954 section 5).
 *
 *   header (20):  version(9) count sys_uptime unix_secs package_sequence source_id
 *
 * 'count' is every record of the message: templates, options templates,
 * data and options data records.  package_sequence counts the exporter's
 * messages (per source id), so a collector sees a lost message as a gap
 * of one whatever it held.  The sets come from flowset.c.
 */
#ifndef SFK_NETFLOW9_H
#define SFK_NETFLOW9_H

#include <stddef.h>
#include <stdint.h>

#include "flowset.h"

#define NETFLOW9_VERSION 9
#define NETFLOW9_HEADER_LEN 20

struct netflow9_header {
    uint32_t sys_uptime;        /* ms */
    uint32_t unix_secs;
    uint32_t sequence;          /* Messages sent before this one. */
    uint32_t source_id;
};

/*
 * Starts a message in 'buf' of 'cap' bytes; 'uptime_base' is the monotonic
 * millisecond at which sys_uptime was 0 (flow times are written relative to it).
 */
void netflow9_begin(struct flowset_msg *m, void *buf, size_t cap, uint64_t uptime_base);

/* Writes the header 'h'.  Returns the message's length, or 0 if it did not fit. */
size_t netflow9_end(struct flowset_msg *m, const struct netflow9_header *h);

#endif /* SFK_NETFLOW9_H */
