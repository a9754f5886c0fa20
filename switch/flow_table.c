/*
 * flow_table: prioritised match-action rules with an exact-match cache;
 * see flow_table.h.
 */
#include "flow_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct flow_key) == 32, "flow_key has no hidden padding");

int
flow_table_init(struct flow_table *t)
{
    memset(t, 0, sizeof(*t));
    t->cache = calloc(FLOW_CACHE_SIZE, sizeof(*t->cache));
    if (t->cache == NULL)
        return ENOMEM;
    t->gen = 1;
    return 0;
}

void
flow_table_destroy(struct flow_table *t)
{
    free(t->rules);
    free(t->cache);
    memset(t, 0, sizeof(*t));
}

/* Every change to the rules goes through here, which invalidates the cache. */
static void
changed(struct flow_table *t)
{
    if (++t->gen == 0)
        t->gen = 1;
}

static uint32_t
prefix_mask(uint8_t len)
{
    return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

bool
flow_match_key(const struct flow_match *m, const struct flow_key *k)
{
    uint32_t f = m->fields;
    const struct flow_key *v = &m->key;

    if (f == 0)
        return true;
    if ((f & FM_IN_PORT) && k->in_port != v->in_port)
        return false;
    if ((f & FM_DL_SRC) && memcmp(k->dl_src, v->dl_src, 6) != 0)
        return false;
    if ((f & FM_DL_DST) && memcmp(k->dl_dst, v->dl_dst, 6) != 0)
        return false;
    if ((f & FM_DL_VLAN) && k->dl_vlan != v->dl_vlan)
        return false;
    if ((f & FM_DL_TYPE) && k->dl_type != v->dl_type)
        return false;
    if ((f & FM_NW_PROTO) && k->nw_proto != v->nw_proto)
        return false;
    if ((f & FM_NW_SRC) && ((k->nw_src ^ v->nw_src) & prefix_mask(m->nw_src_len)))
        return false;
    if ((f & FM_NW_DST) && ((k->nw_dst ^ v->nw_dst) & prefix_mask(m->nw_dst_len)))
        return false;
    if ((f & FM_TP_SRC) && k->tp_src != v->tp_src)
        return false;
    if ((f & FM_TP_DST) && k->tp_dst != v->tp_dst)
        return false;
    return true;
}

static bool
match_equal(const struct flow_match *a, const struct flow_match *b)
{
    return a->fields == b->fields && flow_match_key(a, &b->key) &&
        (!(a->fields & FM_NW_SRC) || a->nw_src_len == b->nw_src_len) &&
        (!(a->fields & FM_NW_DST) || a->nw_dst_len == b->nw_dst_len);
}

/* True if every packet 'r' matches is also matched by 'm' (for non-strict delete). */
static bool
match_covers(const struct flow_match *m, const struct flow_match *r)
{
    if ((m->fields & r->fields) != m->fields)
        return false;
    if ((m->fields & FM_NW_SRC) && r->nw_src_len < m->nw_src_len)
        return false;
    if ((m->fields & FM_NW_DST) && r->nw_dst_len < m->nw_dst_len)
        return false;
    return flow_match_key(m, &r->key);
}

int
flow_table_add(struct flow_table *t, const struct flow_rule *r, uint64_t now_ms)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        if (t->rules[i].priority == r->priority && match_equal(&t->rules[i].match, &r->match)) {
            t->rules[i] = *r;
            t->rules[i].added_ms = t->rules[i].used_ms = now_ms;
            t->rules[i].n_packets = t->rules[i].n_bytes = 0;
            changed(t);
            return 0;
        }
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct flow_rule *nr = realloc(t->rules, cap * sizeof(*nr));

        if (nr == NULL)
            return ENOMEM;
        t->rules = nr;
        t->cap = cap;
    }
    /* After every rule of higher or equal priority: the older one wins ties. */
    for (i = 0; i < t->n && t->rules[i].priority >= r->priority; i++)
        continue;
    memmove(&t->rules[i + 1], &t->rules[i], (t->n - i) * sizeof(*t->rules));
    t->rules[i] = *r;
    t->rules[i].added_ms = t->rules[i].used_ms = now_ms;
    t->rules[i].n_packets = t->rules[i].n_bytes = 0;
    t->n++;
    changed(t);
    return 0;
}

/* Removes the rules for which 'kill' is set, keeping the order; returns how many. */
static size_t
compact(struct flow_table *t, const bool *kill)
{
    size_t j = 0;

    for (size_t i = 0; i < t->n; i++)
        if (!kill[i])
            t->rules[j++] = t->rules[i];
    if (j != t->n) {
        size_t n = t->n - j;

        t->n = j;
        changed(t);
        return n;
    }
    return 0;
}

size_t
flow_table_del(struct flow_table *t, const struct flow_match *m, bool strict,
    uint16_t priority)
{
    bool *kill;
    size_t n;

    if (t->n == 0)
        return 0;
    kill = calloc(t->n, sizeof(*kill));
    if (kill == NULL)
        return 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct flow_rule *r = &t->rules[i];

        kill[i] = strict ? r->priority == priority && match_equal(&r->match, m)
            : match_covers(m, &r->match);
    }
    n = compact(t, kill);
    free(kill);
    return n;
}

static size_t
hash_key(const struct flow_key *k)
{
    uint64_t w[4], h = 0x243F6A8885A308D3ull;

    memcpy(w, k, sizeof(w));
    for (size_t i = 0; i < 4; i++) {
        h ^= w[i];
        h *= 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    return (size_t)h & (FLOW_CACHE_SIZE - 1);
}

struct flow_rule *
flow_table_lookup(struct flow_table *t, const struct flow_key *key)
{
    struct flow_cache_entry *c;
    int32_t found = -1;

    if (t->n == 0)
        return NULL;
    c = &t->cache[hash_key(key)];
    t->n_lookup++;
    if (c->gen == t->gen && memcmp(&c->key, key, sizeof(*key)) == 0) {
        t->cache_hits++;
        t->n_matched += c->rule >= 0;
        return c->rule < 0 ? NULL : &t->rules[c->rule];
    }
    t->cache_misses++;
    for (size_t i = 0; i < t->n; i++) {
        if (flow_match_key(&t->rules[i].match, key)) {
            found = (int32_t)i;
            break;
        }
    }
    c->key = *key;
    c->gen = t->gen;
    c->rule = found;
    t->n_matched += found >= 0;
    return found < 0 ? NULL : &t->rules[found];
}

static bool
expired(const struct flow_rule *r, uint64_t now_ms)
{
    return (r->hard_timeout && now_ms - r->added_ms >= (uint64_t)r->hard_timeout * 1000) ||
        (r->idle_timeout && now_ms - r->used_ms >= (uint64_t)r->idle_timeout * 1000);
}

size_t
flow_table_expire(struct flow_table *t, uint64_t now_ms)
{
    bool *kill;
    size_t first = 0, n;

    /* Most ticks expire nothing: look before allocating. */
    while (first < t->n && !expired(&t->rules[first], now_ms))
        first++;
    if (first == t->n)
        return 0;
    kill = calloc(t->n, sizeof(*kill));
    if (kill == NULL)
        return 0;
    for (size_t i = first; i < t->n; i++)
        kill[i] = expired(&t->rules[i], now_ms);
    n = compact(t, kill);
    free(kill);
    return n;
}

bool
flow_match_equal(const struct flow_match *a, const struct flow_match *b)
{
    return match_equal(a, b);
}

bool
flow_match_covers(const struct flow_match *m, const struct flow_match *r)
{
    return match_covers(m, r);
}
