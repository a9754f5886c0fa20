/*
 * flowset: the templates and records that NetFlow v9 (RFC 3954) and IPFIX
 * (RFC 7011, information elements of RFC 7012 / IANA) share, written into
 * one export message.  netflow9.c and ipfix.c add their message headers.
 *
 * A message is a header and sets; each set is
 *
 *   set_id (2)  length (2)  records...  padding to 4 bytes
 *
 * Templates (set 0 in v9, 2 in IPFIX): template_id field_count {type length}...
 * Options templates (set 1 in v9, 3 in IPFIX) differ in their header:
 *   v9:    template_id scope_length option_length {type length}...
 *   IPFIX: template_id field_count scope_field_count {type length}...
 * Data sets carry their template's id (256 and up) and its records.
 *
 * Templates sent: IPv4 flows (256), IPv6 flows (257), and an options
 * template for the exporter (258 for an IPv4 agent, 259 for IPv6) whose one
 * record gives the sampling interval and algorithm and the agent's address.
 * Every element but the timestamps has the same number in both protocols;
 * v9 stamps flows in sysUptime milliseconds (22/21), IPFIX in milliseconds
 * since the epoch (flowStartMilliseconds 152, flowEndMilliseconds 153).
 */
#ifndef SFK_FLOWSET_H
#define SFK_FLOWSET_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"
#include "wbuf.h"

enum flowset_dialect { FLOWSET_V9, FLOWSET_IPFIX };

#define FLOWSET_TMPL_IPV4 256
#define FLOWSET_TMPL_IPV6 257
#define FLOWSET_TMPL_OPT_IPV4 258
#define FLOWSET_TMPL_OPT_IPV6 259

/* samplingAlgorithm (element 35). */
#define FLOWSET_SAMPLING_DETERMINISTIC 1
#define FLOWSET_SAMPLING_RANDOM 2

/* One message being written.  Filled by netflow9_begin() / ipfix_begin(). */
struct flowset_msg {
    struct wbuf w;
    enum flowset_dialect dialect;
    size_t set_off;             /* Header of the open set. */
    uint16_t set_id;            /* Of the open set. */
    int set_open;               /* A set is open (its length not yet patched). */
    uint32_t records;           /* Every record written (v9's count). */
    uint32_t data_records;      /* Data and options data records (IPFIX's sequence). */
    int64_t time_shift;         /* Added to flowrec first_ms/last_ms for the wire. */
    size_t len4, len6;          /* Bytes of an IPv4 / IPv6 data record. */
};

/* What the options record says about its exporter. */
struct flowset_options {
    uint32_t domain;            /* v9 source id / IPFIX observation domain. */
    uint32_t sampling_interval; /* 1: counts are not sampled (or already scaled). */
    uint8_t sampling_algorithm; /* FLOWSET_SAMPLING_* */
    int agent_v6;
    uint8_t agent[16];          /* IPv4 in the first 4 bytes. */
};

/* Starts 'm' over 'buf' of 'cap' bytes, with 'header_len' bytes left for the header. */
void flowset_begin(struct flowset_msg *m, void *buf, size_t cap, enum flowset_dialect d,
    size_t header_len, int64_t time_shift);

/*
 * Writes the IPv4 and IPv6 templates and the options template for an
 * agent of the family of 'opt', then the options record 'opt'.  Returns 0, or
 * ENOSPC with nothing written.
 */
int flowset_templates(struct flowset_msg *m, const struct flowset_options *opt);

/* Adds 'f' to the data set of its family.  Returns 0, or ENOSPC with nothing written. */
int flowset_add(struct flowset_msg *m, const struct flowrec *f);

/* Closes the open set.  Returns the message's length, or 0 after an error. */
size_t flowset_end(struct flowset_msg *m);

/* Bytes of one data record of family 'family' (4 or 6). */
size_t flowset_record_len(enum flowset_dialect d, int family);

#endif /* SFK_FLOWSET_H */
