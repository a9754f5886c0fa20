/*
 * poller: counter polling schedule; see poller.h.
 */
#include "poller.h"

void
poller_start(struct poller_src *src, uint32_t interval_s, uint64_t now_ms,
    struct rng *rng)
{
    src->seq = 0;
    src->interval_ms = interval_s * 1000u;
    src->next_ms = now_ms + 1 + (src->interval_ms ? rng_below(rng, src->interval_ms) : 0);
}

void
poller_set_interval(struct poller_src *src, uint32_t interval_s, uint64_t now_ms,
    struct rng *rng)
{
    uint32_t seq = src->seq;

    if (src->interval_ms == interval_s * 1000u)
        return;
    poller_start(src, interval_s, now_ms, rng);
    src->seq = seq;
}

bool
poller_due(struct poller_src *src, uint64_t now_ms)
{
    if (src->interval_ms == 0 || now_ms < src->next_ms)
        return false;
    src->next_ms += src->interval_ms;
    if (src->next_ms <= now_ms)
        src->next_ms = now_ms + src->interval_ms;
    src->seq++;
    return true;
}

uint64_t
poller_wait_ms(const struct poller_src *src, uint64_t now_ms)
{
    if (src->interval_ms == 0)
        return UINT64_MAX;
    return src->next_ms > now_ms ? src->next_ms - now_ms : 0;
}
