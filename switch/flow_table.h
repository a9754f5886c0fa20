/*
 * flow_table: an OpenFlow-style table of prioritised rules per bridge.
 *
 * A rule matches a subset of a packet's flow key (each field exact or
 * wildcarded, IPv4 addresses by prefix) and carries a list of actions,
 * timeouts and counters.  The highest priority matching rule wins; among
 * equal priorities the one added first.  Adding a rule whose match and
 * priority equal an existing rule's replaces that rule's actions (as
 * ovs-ofctl add-flow does) and resets its counters.
 *
 * Lookups go through an exact-match cache: a direct-mapped array of flow
 * keys and the rule each resolved to, valid while the table's generation is
 * unchanged.  Any change to the set of rules bumps the generation, so a
 * stale entry can never return a deleted rule.
 */
#ifndef SFK_FLOW_TABLE_H
#define SFK_FLOW_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A packet's flow key, as the datapath extracts it.  Padding is zeroed. */
struct flow_key {
    uint8_t dl_src[6];
    uint8_t dl_dst[6];
    uint16_t in_port;           /* OpenFlow port number. */
    uint16_t dl_vlan;           /* VLAN id of the tag on the wire; FLOW_VLAN_NONE if untagged. */
    uint16_t dl_type;           /* EtherType after the tag. */
    uint8_t nw_proto;           /* IP protocol; ARP opcode (low 8 bits). */
    uint8_t pad;
    uint32_t nw_src, nw_dst;    /* IPv4 or ARP addresses, host order. */
    uint16_t tp_src, tp_dst;    /* TCP/UDP ports; ICMP type and code. */
};

#define FLOW_VLAN_NONE 0xffff

/* Fields a match may set (bits of 'flow_match.fields'). */
enum {
    FM_IN_PORT = 1 << 0,
    FM_DL_SRC = 1 << 1,
    FM_DL_DST = 1 << 2,
    FM_DL_VLAN = 1 << 3,
    FM_DL_TYPE = 1 << 4,
    FM_NW_SRC = 1 << 5,
    FM_NW_DST = 1 << 6,
    FM_NW_PROTO = 1 << 7,
    FM_TP_SRC = 1 << 8,
    FM_TP_DST = 1 << 9,
};

struct flow_match {
    uint32_t fields;            /* FM_* set; the rest are wildcards. */
    struct flow_key key;        /* Values of the fields set. */
    uint8_t nw_src_len, nw_dst_len;     /* Prefix lengths, 1..32. */
};

enum flow_action_type {
    FA_OUTPUT,                  /* arg: port */
    FA_NORMAL,
    FA_FLOOD,
    FA_IN_PORT,                 /* back out of the port it came in on */
    FA_MOD_DL_SRC,              /* mac */
    FA_MOD_DL_DST,              /* mac */
    FA_MOD_VLAN_VID,            /* arg: vid (pushes a tag if there is none) */
    FA_STRIP_VLAN,
};

#define FLOW_MAX_ACTIONS 16

struct flow_action {
    enum flow_action_type type;
    uint16_t arg;
    uint8_t mac[6];
};

struct flow_rule {
    struct flow_match match;
    uint16_t priority;
    uint16_t idle_timeout, hard_timeout;    /* Seconds; 0 = none. */
    uint64_t cookie;
    size_t n_actions;                       /* 0 = drop. */
    struct flow_action actions[FLOW_MAX_ACTIONS];
    /* Kept by the table. */
    uint64_t added_ms, used_ms;
    uint64_t n_packets, n_bytes;
};

#define FLOW_CACHE_SIZE 4096    /* A power of two. */

struct flow_cache_entry {
    struct flow_key key;
    uint32_t gen;               /* Table generation it was filled in; 0 = empty. */
    int32_t rule;               /* Index into the table's rules; -1 = no match. */
};

struct flow_table {
    struct flow_rule *rules;    /* Sorted by descending priority, stable. */
    size_t n, cap;
    uint32_t gen;
    struct flow_cache_entry *cache;
    uint64_t cache_hits, cache_misses;
    uint64_t n_lookup, n_matched;       /* Packets looked up, and those a rule matched. */
};

int flow_table_init(struct flow_table *t);
void flow_table_destroy(struct flow_table *t);

/*
 * Adds 'r' (its counters are reset), or replaces the rule with the same
 * match and priority.  Returns 0 or ENOMEM.
 */
int flow_table_add(struct flow_table *t, const struct flow_rule *r, uint64_t now_ms);

/*
 * Deletes the rules that 'm' covers: every field 'm' sets, the rule sets
 * to the same value (or a longer prefix inside 'm''s).  With 'strict',
 * only the rule whose match equals 'm' at 'priority'.  Returns how many.
 */
size_t flow_table_del(struct flow_table *t, const struct flow_match *m,
    bool strict, uint16_t priority);

/* True if 'a' and 'b' match the same packets, written the same way. */
bool flow_match_equal(const struct flow_match *a, const struct flow_match *b);

/* True if every packet 'r' matches is also matched by 'm' (what non-strict commands select). */
bool flow_match_covers(const struct flow_match *m, const struct flow_match *r);

/* True if 'key' satisfies 'm'. */
bool flow_match_key(const struct flow_match *m, const struct flow_key *key);

/*
 * The rule for 'key', or NULL if none matches.  Does not count the packet;
 * the caller adds to n_packets/n_bytes and sets used_ms.
 */
struct flow_rule *flow_table_lookup(struct flow_table *t, const struct flow_key *key);

/* Removes rules whose idle or hard timeout passed at 'now_ms'; returns how many. */
size_t flow_table_expire(struct flow_table *t, uint64_t now_ms);

#endif /* SFK_FLOW_TABLE_H */
