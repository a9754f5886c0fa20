/*
 * pace: replays a capture at X times its recorded speed (-P X, as
 * sflowtool's): an item stamped T in the capture is handed on when
 * (T - T0) / X has passed on the monotonic clock since the first item (T0).
 * Time going backwards in the capture is not waited for.
 */
#ifndef SFK_PACE_H
#define SFK_PACE_H

#include <stdint.h>
#include <sys/time.h>

struct pace {
    double speed;               /* X; 0 = as fast as possible */
    int started;
    uint64_t mono_base_us;
    uint64_t cap_base_us;
};

/* Sleeps until the item stamped 'ts' in the capture is due. */
void pace_wait(struct pace *, const struct timeval *ts);

#endif /* SFK_PACE_H */
