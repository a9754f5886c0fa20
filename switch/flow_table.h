/*
 * flow_table: OpenFlow-style tables of prioritised rules per bridge.
 *
 * A rule matches a packet's flow key under a mask: every bit its mask sets
 * must equal the rule's value, the others are wildcards (key & mask ==
 * value & mask over the whole key, so one loop of 64-bit words serves
 * every field, masked or exact).  A rule carries a list of actions,
 * timeouts and counters and lives in one of FLOW_N_TABLES tables; lookups
 * start in table 0 and go on to others through resubmit and goto_table.
 * In a table the highest priority matching rule wins; among equal
 * priorities the one added first.  Adding a rule whose table, match and
 * priority equal an existing rule's replaces that rule's actions (as
 * ovs-ofctl add-flow does) and resets its counters.
 *
 * Lookups go through an exact-match cache: a direct-mapped array of
 * (table, flow key) and the rule each resolved to, valid while the table's
 * generation is unchanged.  The key holds every field a rule can match,
 * and the cache keeps only the bits some rule matches, so two packets
 * equal in those always get the same rule, and a table that matches few
 * fields hashes and compares few words per packet; any change to the set
 * of rules bumps the generation, so a stale entry can never return a
 * deleted rule.
 */
#ifndef SFK_FLOW_TABLE_H
#define SFK_FLOW_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FLOW_N_REGS 8

/*
 * A packet's flow key, as the datapath extracts it (fields the packet does
 * not have are 0), plus the pipeline's registers and metadata, which
 * actions set and later tables match.  Numbers are in host order.
 * Padding is zeroed: the key is compared and hashed as bytes.
 */
struct flow_key {
    uint64_t metadata;
    uint32_t regs[FLOW_N_REGS];
    uint8_t ipv6_src[16], ipv6_dst[16];
    uint8_t nd_target[16];      /* ICMPv6 neighbour solicitation/advertisement. */
    uint32_t nw_src, nw_dst;    /* IPv4, or ARP sender/target addresses. */
    uint32_t ipv6_label;        /* Flow label (20 bits). */
    uint8_t dl_src[6], dl_dst[6];
    uint8_t arp_sha[6], arp_tha[6];
    uint16_t in_port;           /* OpenFlow port number. */
    uint16_t vlan_tci;          /* 802.1Q TCI with FLOW_TCI_PRESENT set; 0 if untagged. */
    uint16_t dl_type;           /* EtherType after the tag. */
    uint16_t tp_src, tp_dst;    /* TCP/UDP/SCTP ports; ICMP type and code. */
    uint16_t tcp_flags;         /* 12 bits. */
    uint8_t nw_proto;           /* IP protocol; ARP opcode (low 8 bits). */
    uint8_t nw_tos;             /* IPv4 TOS / IPv6 traffic class: DSCP << 2 | ECN. */
    uint8_t nw_ttl;             /* IPv4 TTL / IPv6 hop limit. */
    uint8_t pad[5];
};

#define FLOW_KEY_WORDS (sizeof(struct flow_key) / 8)

/* The CFI bit of a TCI, which no switch forwards, marks "tagged" (as in Open vSwitch). */
#define FLOW_TCI_PRESENT 0x1000

#define FLOW_N_TABLES 255       /* Tables 0-254; 255 means "all" in a selection. */
#define FLOW_TABLE_ALL 255
#define FLOW_PORT_LOCAL 0xfffe  /* OFPP_LOCAL. */
#define FLOW_PORT_IN 0xfff8     /* OFPP_IN_PORT: resubmit's "the packet's own in_port". */

struct flow_match {
    struct flow_key key;        /* Values, already masked. */
    struct flow_key mask;       /* 1 bits must match. */
};

enum flow_action_type {
    FA_OUTPUT,                  /* port: port number (FLOW_PORT_LOCAL too) */
    FA_NORMAL,
    FA_FLOOD,
    FA_ALL,
    FA_IN_PORT,                 /* back out of the port it came in on */
    FA_STRIP_VLAN,              /* strip_vlan, pop_vlan */
    FA_PUSH_VLAN,               /* push_vlan:0x8100 (a tag with VID 0, if there is none) */
    FA_SET_FIELD,               /* field, off, len, val, mask: key bytes (mod_*, set_field) */
    FA_DEC_TTL,
    FA_RESUBMIT,                /* port (FLOW_PORT_IN: unchanged), table */
    FA_GOTO_TABLE,              /* table */
};

#define FLOW_MAX_ACTIONS 16

struct flow_action {
    uint8_t type;               /* enum flow_action_type */
    uint8_t table;
    uint16_t port;
    /*
     * FA_SET_FIELD: bytes 'off'..'off + len' of struct flow_key become
     * (key & ~mask) | val; 'field' says how flow_parse names it.
     */
    uint8_t field, len;
    uint16_t off;
    uint8_t val[16], mask[16];
};

/* Rule flags (flow_rule.flags). */
#define FLOW_FLAG_SEND_FLOW_REM 0x1

struct flow_rule {
    struct flow_match match;
    uint16_t priority;
    uint8_t table_id;                       /* FLOW_TABLE_ALL only in a selection. */
    uint8_t flags;                          /* FLOW_FLAG_* */
    uint16_t idle_timeout, hard_timeout;    /* Seconds; 0 = none. */
    uint64_t cookie;
    uint64_t cookie_mask;                   /* Selections only: the cookie bits that must match. */
    size_t n_actions;                       /* 0 = drop. */
    struct flow_action actions[FLOW_MAX_ACTIONS];
    /* Kept by the table. */
    uint64_t added_ms, used_ms;
    uint64_t n_packets, n_bytes;
};

#define FLOW_CACHE_SIZE 4096    /* A power of two. */

struct flow_cache_entry {
    struct flow_key key;        /* Masked by the table's 'used' bits; only its used_word words are kept. */
    uint32_t gen;               /* Table generation it was filled in; 0 = empty. */
    int32_t rule;               /* Index into the table's rules; -1 = no match. */
    uint8_t table;
};

struct flow_table {
    struct flow_rule *rules;    /* By ascending table, then descending priority, stable. */
    size_t n, cap;
    uint32_t gen;
    struct flow_cache_entry *cache;
    uint64_t cache_hits, cache_misses;
    uint64_t n_matched;                 /* Lookups a rule matched (lookups: cache_hits + cache_misses). */
    /*
     * The bits any rule matches, as 64-bit words of the key, and which of
     * those words are not zero: the cache hashes and compares only these
     * (two keys equal in them get the same rule from every table).
     */
    uint64_t used[FLOW_KEY_WORDS];
    uint8_t used_word[FLOW_KEY_WORDS];
    size_t n_used;
};

int flow_table_init(struct flow_table *t);
void flow_table_destroy(struct flow_table *t);

/*
 * Adds 'r' (its counters are reset), or replaces the rule with the same
 * table, match and priority.  Returns 0 or ENOMEM.
 */
int flow_table_add(struct flow_table *t, const struct flow_rule *r, uint64_t now_ms);

/*
 * Whether selection 'sel' (as flow_parse() reads a del-flows or
 * dump-flows argument) takes rule 'r': its table (or every table if
 * FLOW_TABLE_ALL), its cookie under 'sel''s cookie_mask and, loosely,
 * every field 'sel' matches, the rule matches to the same value or more
 * narrowly; with 'strict', only a rule whose match and priority equal
 * 'sel''s.
 */
bool flow_rule_selected(const struct flow_rule *sel, const struct flow_rule *r, bool strict);

/* Deletes the rules flow_rule_selected() takes; returns how many. */
size_t flow_table_del(struct flow_table *t, const struct flow_rule *sel, bool strict);

/* True if every packet 'r' matches is also matched by 'm' (what non-strict commands select). */
bool flow_match_covers(const struct flow_match *m, const struct flow_match *r);

/* True if 'key' satisfies 'm'. */
bool flow_match_key(const struct flow_match *m, const struct flow_key *key);

/* True if 'a' and 'b' match the same packets the same way (same values and masks). */
bool flow_match_equal(const struct flow_match *a, const struct flow_match *b);

/*
 * True if 'a' and 'b' are the same rule as flow_parse() reads it: table,
 * priority, match, cookie, flags, timeouts and actions (counters and times
 * aside).  For diff-flows, replace-flows and round-trip checks.
 */
bool flow_rule_equal(const struct flow_rule *a, const struct flow_rule *b);

/*
 * The rule of table 'table' for 'key', or NULL if none matches.  Does not
 * count the packet; the caller adds to n_packets/n_bytes and sets used_ms.
 */
struct flow_rule *flow_table_lookup(struct flow_table *t, uint8_t table, const struct flow_key *key);

/* Removes rules whose idle or hard timeout passed at 'now_ms'; returns how many. */
size_t flow_table_expire(struct flow_table *t, uint64_t now_ms);

#endif /* SFK_FLOW_TABLE_H */
