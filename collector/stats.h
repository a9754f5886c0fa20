/*
 * stats: the collector's accounting, so that nothing is lost silently:
 * datagrams, samples per type, records per enterprise:format, unknown
 * records, decode errors by reason, sequence gaps and restarts per agent and
 * per data source.  Printed as text by --stats (at exit and on SIGUSR1).
 */
#ifndef SFK_STATS_H
#define SFK_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "dgram_meta.h"
#include "seqtrack.h"
#include "sflow_types.h"

#define STATS_TAGS 512

struct stats_tag {
    uint32_t tag;
    uint32_t counter;           /* 1 counter record, 0 flow record; 2 = slot unused. */
    uint64_t n;
};

struct stats {
    uint64_t datagrams;
    uint64_t bytes;
    uint64_t decoded;           /* Datagrams decoded to their end. */
    uint64_t errors[SFLOW_E_MAX];
    uint64_t samples[6];        /* By sample format 1-5; [0] unknown types. */
    uint64_t records;
    uint64_t unknown_records;   /* Skipped by length. */
    uint64_t tags_other;        /* Records past STATS_TAGS distinct tags. */
    struct stats_tag tags[STATS_TAGS];
    struct seqtrack seq;

    /* Filled by the receivers. */
    uint64_t frames, not_udp, not_sflow;
    uint64_t socket_drops;
    uint64_t not_allowed;       /* Senders outside --allow, dropped undecoded. */
};

void stats_init(struct stats *);
void stats_free(struct stats *);
void stats_datagram(struct stats *, const struct sflow_datagram *);
/* The report: the 'top' busiest agents (0: all) each on a line, then their total. */
void stats_print(const struct stats *, size_t top, FILE *);
/* An agent's address as text in 'buf' (INET6_ADDRSTRLEN), or "unknown". */
const char *stats_addr(const struct sflow_addr *, char *buf, size_t len);

#endif /* SFK_STATS_H */
