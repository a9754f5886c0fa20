/* pace: -P replay speed; see pace.h. */
#include "pace.h"

#include <errno.h>
#include <time.h>

static uint64_t
pace_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void
pace_wait(struct pace *p, const struct timeval *ts)
{
    uint64_t cap = (uint64_t)ts->tv_sec * 1000000 + (uint64_t)ts->tv_usec, due, now;
    struct timespec d;

    if (p->speed <= 0)
        return;
    if (!p->started) {
        p->started = 1;
        p->mono_base_us = pace_mono_us();
        p->cap_base_us = cap;
        return;
    }
    if (cap <= p->cap_base_us)
        return;
    due = p->mono_base_us + (uint64_t)((double)(cap - p->cap_base_us) / p->speed);
    while ((now = pace_mono_us()) < due) {
        d.tv_sec = (time_t)((due - now) / 1000000);
        d.tv_nsec = (long)((due - now) % 1000000) * 1000;
        if (nanosleep(&d, NULL) != 0 && errno != EINTR)
            break;
    }
}
