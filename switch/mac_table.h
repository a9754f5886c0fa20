/*
 * mac_table: the learned addresses of one bridge, keyed by (MAC, VLAN),
 * with aging.
 *
 * A set-associative hash table of fixed size: each key hashes to one bucket
 * of MAC_TABLE_WAYS entries.  Learning into a full bucket replaces its
 * oldest entry, so the table never allocates after init and a flood of
 * source addresses costs old entries, not memory.  Expired entries are
 * treated as absent by lookups and cleared by mac_table_expire().
 */
#ifndef SFK_MAC_TABLE_H
#define SFK_MAC_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAC_TABLE_WAYS 4
#define MAC_TABLE_DEFAULT_AGING_S 300

struct mac_entry {
    uint8_t mac[6];
    uint16_t vlan;
    uint16_t port;              /* OpenFlow port number; 0 = empty slot. */
    uint64_t seen_ms;           /* Last time the address was a source. */
};

struct mac_table {
    struct mac_entry *e;        /* n_buckets * MAC_TABLE_WAYS */
    size_t n_buckets;           /* A power of two. */
    size_t count;               /* Slots in use (expired ones included until cleared). */
    uint64_t aging_ms;
};

/*
 * Sets up 't' for at least 'capacity' entries aging after 'aging_s'
 * seconds.  Returns 0 or ENOMEM.
 */
int mac_table_init(struct mac_table *t, size_t capacity, uint32_t aging_s);
void mac_table_destroy(struct mac_table *t);

/*
 * Records that 'mac' on 'vlan' was seen on 'port' at 'now_ms'.  Returns
 * true if the entry is new or moved to another port.
 */
bool mac_table_learn(struct mac_table *t, const uint8_t mac[6], uint16_t vlan,
    uint16_t port, uint64_t now_ms);

/* The port 'mac' on 'vlan' was learned on, or 0 if unknown or aged out. */
uint16_t mac_table_lookup(const struct mac_table *t, const uint8_t mac[6],
    uint16_t vlan, uint64_t now_ms);

/* Forgets every address learned on 'port' (0: all); returns how many. */
size_t mac_table_flush_port(struct mac_table *t, uint16_t port);

/* Clears entries older than the aging time; returns how many. */
size_t mac_table_expire(struct mac_table *t, uint64_t now_ms);

/*
 * Calls 'fn'('arg', entry) for every live entry, in table order.
 */
void mac_table_foreach(const struct mac_table *t, uint64_t now_ms,
    void (*fn)(void *arg, const struct mac_entry *e), void *arg);

#endif /* SFK_MAC_TABLE_H */
