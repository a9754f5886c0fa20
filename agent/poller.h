/*
 * poller: when each counter source is due (SFLOW_V5_NOTES.md section 6).
 *
 * A source is polled at most every 'interval' seconds (sFlowCpInterval).
 * Its first poll comes after a random offset in (0, interval], so that the
 * sources of one agent, and of agents started together, do not poll in
 * step.  After that it keeps its phase: a late tick does not shift later
 * polls, and a source that fell more than an interval behind (a stopped
 * process) restarts one interval from now.
 */
#ifndef SFK_POLLER_H
#define SFK_POLLER_H

#include <stdbool.h>
#include <stdint.h>

#include "rng.h"

struct poller_src {
    uint32_t interval_ms;   /* 0 = never. */
    uint64_t next_ms;       /* Due time, in the caller's clock. */
    uint32_t seq;           /* Counter samples sent (sequence_number). */
};

/* Schedules 'src' every 'interval_s' seconds, first at a random offset from 'now_ms'. */
void poller_start(struct poller_src *src, uint32_t interval_s, uint64_t now_ms,
    struct rng *rng);

/* Changes the interval; reschedules at a random offset if it changed. */
void poller_set_interval(struct poller_src *src, uint32_t interval_s,
    uint64_t now_ms, struct rng *rng);

/*
 * True if 'src' is due at 'now_ms'; then it is scheduled for its next
 * interval and its sequence number is advanced (read it from 'src->seq').
 */
bool poller_due(struct poller_src *src, uint64_t now_ms);

/* Milliseconds from 'now_ms' until 'src' is due (0 if due); UINT64_MAX if never. */
uint64_t poller_wait_ms(const struct poller_src *src, uint64_t now_ms);

#endif /* SFK_POLLER_H */
