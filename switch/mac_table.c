/*
 * mac_table: learned (MAC, VLAN) -> port with aging; see mac_table.h.
 */
#include "mac_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
mac_table_init(struct mac_table *t, size_t capacity, uint32_t aging_s)
{
    size_t n = 1;

    while (n * MAC_TABLE_WAYS < capacity)
        n <<= 1;
    memset(t, 0, sizeof(*t));
    t->e = calloc(n * MAC_TABLE_WAYS, sizeof(*t->e));
    if (t->e == NULL)
        return ENOMEM;
    t->n_buckets = n;
    t->aging_ms = (uint64_t)aging_s * 1000;
    return 0;
}

void
mac_table_destroy(struct mac_table *t)
{
    free(t->e);
    t->e = NULL;
    t->n_buckets = t->count = 0;
}

/*
 * The low bits of a MAC are the most random (vendors number their NICs
 * sequentially), so a multiplicative hash over all 64 bits of the key
 * spreads them over the buckets.
 */
static size_t
bucket_of(const struct mac_table *t, const uint8_t mac[6], uint16_t vlan)
{
    uint64_t k = (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
        (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 |
        (uint64_t)mac[4] << 8 | mac[5];

    k ^= (uint64_t)vlan << 48;
    k *= 0x9E3779B97F4A7C15ull;
    return (size_t)(k >> 32) & (t->n_buckets - 1);
}

static bool
live(const struct mac_table *t, const struct mac_entry *e, uint64_t now_ms)
{
    return e->port != 0 && now_ms - e->seen_ms < t->aging_ms;
}

bool
mac_table_learn(struct mac_table *t, const uint8_t mac[6], uint16_t vlan,
    uint16_t port, uint64_t now_ms)
{
    struct mac_entry *b = &t->e[bucket_of(t, mac, vlan) * MAC_TABLE_WAYS];
    struct mac_entry *victim = NULL;

    for (size_t i = 0; i < MAC_TABLE_WAYS; i++) {
        struct mac_entry *e = &b[i];

        if (e->port != 0 && e->vlan == vlan && memcmp(e->mac, mac, 6) == 0) {
            bool moved = e->port != port || !live(t, e, now_ms);

            e->port = port;
            e->seen_ms = now_ms;
            return moved;
        }
        if (e->port == 0) {
            if (victim == NULL || victim->port != 0)
                victim = e;
        } else if (victim == NULL || (victim->port != 0 && e->seen_ms < victim->seen_ms)) {
            victim = e;
        }
    }
    if (victim->port == 0)
        t->count++;
    memcpy(victim->mac, mac, 6);
    victim->vlan = vlan;
    victim->port = port;
    victim->seen_ms = now_ms;
    return true;
}

uint16_t
mac_table_lookup(const struct mac_table *t, const uint8_t mac[6], uint16_t vlan,
    uint64_t now_ms)
{
    const struct mac_entry *b = &t->e[bucket_of(t, mac, vlan) * MAC_TABLE_WAYS];

    for (size_t i = 0; i < MAC_TABLE_WAYS; i++) {
        const struct mac_entry *e = &b[i];

        if (e->port != 0 && e->vlan == vlan && memcmp(e->mac, mac, 6) == 0)
            return live(t, e, now_ms) ? e->port : 0;
    }
    return 0;
}

size_t
mac_table_flush_port(struct mac_table *t, uint16_t port)
{
    size_t n = 0;

    for (size_t i = 0; i < t->n_buckets * MAC_TABLE_WAYS; i++) {
        if (t->e[i].port != 0 && (port == 0 || t->e[i].port == port)) {
            t->e[i].port = 0;
            n++;
        }
    }
    t->count -= n;
    return n;
}

size_t
mac_table_expire(struct mac_table *t, uint64_t now_ms)
{
    size_t n = 0;

    for (size_t i = 0; i < t->n_buckets * MAC_TABLE_WAYS; i++) {
        if (t->e[i].port != 0 && !live(t, &t->e[i], now_ms)) {
            t->e[i].port = 0;
            n++;
        }
    }
    t->count -= n;
    return n;
}

void
mac_table_foreach(const struct mac_table *t, uint64_t now_ms,
    void (*fn)(void *arg, const struct mac_entry *e), void *arg)
{
    for (size_t i = 0; i < t->n_buckets * MAC_TABLE_WAYS; i++)
        if (live(t, &t->e[i], now_ms))
            fn(arg, &t->e[i]);
}
