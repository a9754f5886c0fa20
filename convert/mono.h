/*
 * mono: the monotonic clock in the units the programs use (milliseconds for
 * timers and sFlow uptime, seconds as a double for the emulator's pacing).
 * One definition for the agent, the switch, the emulator and the collector.
 */
#ifndef SFK_MONO_H
#define SFK_MONO_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline double
mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif /* SFK_MONO_H */
