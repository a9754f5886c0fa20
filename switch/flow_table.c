/*
 * flow_table: prioritised match-action rules with an exact-match cache;
 * see flow_table.h.
 */
#include "flow_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct flow_key) == 144 && sizeof(struct flow_key) % 8 == 0,
    "flow_key has no hidden padding and is whole 64-bit words");

/* Word 'i' of 'k' (memcpy: the key is compared as bytes, without aliasing tricks). */
static inline uint64_t
word(const struct flow_key *k, size_t i)
{
    uint64_t w;

    memcpy(&w, (const uint8_t *)k + i * 8, 8);
    return w;
}

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

/*
 * Every change to the rules goes through here, which invalidates the cache
 * and gathers the bits the rules match.
 */
static void
changed(struct flow_table *t)
{
    if (++t->gen == 0)
        t->gen = 1;
    memset(t->used, 0, sizeof(t->used));
    for (size_t i = 0; i < t->n; i++)
        for (size_t w = 0; w < FLOW_KEY_WORDS; w++)
            t->used[w] |= word(&t->rules[i].match.mask, w);
    t->n_used = 0;
    for (size_t w = 0; w < FLOW_KEY_WORDS; w++)
        if (t->used[w] != 0)
            t->used_word[t->n_used++] = (uint8_t)w;
}

bool
flow_match_key(const struct flow_match *m, const struct flow_key *k)
{
    for (size_t i = 0; i < FLOW_KEY_WORDS; i++)
        if ((word(k, i) ^ word(&m->key, i)) & word(&m->mask, i))
            return false;
    return true;
}

bool
flow_match_equal(const struct flow_match *a, const struct flow_match *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}

bool
flow_rule_equal(const struct flow_rule *a, const struct flow_rule *b)
{
    return flow_match_equal(&a->match, &b->match) && a->priority == b->priority &&
        a->table_id == b->table_id && a->flags == b->flags && a->cookie == b->cookie &&
        a->idle_timeout == b->idle_timeout && a->hard_timeout == b->hard_timeout &&
        a->n_actions == b->n_actions &&
        memcmp(a->actions, b->actions, a->n_actions * sizeof(a->actions[0])) == 0;
}

bool
flow_match_covers(const struct flow_match *m, const struct flow_match *r)
{
    for (size_t i = 0; i < FLOW_KEY_WORDS; i++) {
        uint64_t mm = word(&m->mask, i);

        if ((mm & ~word(&r->mask, i)) != 0 || ((word(&r->key, i) ^ word(&m->key, i)) & mm) != 0)
            return false;
    }
    return true;
}

bool
flow_rule_selected(const struct flow_rule *sel, const struct flow_rule *r, bool strict)
{
    if (sel->table_id != FLOW_TABLE_ALL && sel->table_id != r->table_id)
        return false;
    if ((sel->cookie ^ r->cookie) & sel->cookie_mask)
        return false;
    if (strict)
        return r->priority == sel->priority && flow_match_equal(&r->match, &sel->match);
    return flow_match_covers(&sel->match, &r->match);
}

int
flow_table_add(struct flow_table *t, const struct flow_rule *r, uint64_t now_ms)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        if (t->rules[i].table_id == r->table_id && t->rules[i].priority == r->priority &&
            flow_match_equal(&t->rules[i].match, &r->match)) {
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
    /* After the tables before its own and, in its own, every rule of higher
     * or equal priority: the older one wins ties. */
    for (i = 0; i < t->n && (t->rules[i].table_id < r->table_id ||
        (t->rules[i].table_id == r->table_id && t->rules[i].priority >= r->priority)); i++)
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
flow_table_del(struct flow_table *t, const struct flow_rule *sel, bool strict)
{
    bool *kill;
    size_t n;

    if (t->n == 0)
        return 0;
    kill = calloc(t->n, sizeof(*kill));
    if (kill == NULL)
        return 0;
    for (size_t i = 0; i < t->n; i++)
        kill[i] = flow_rule_selected(sel, &t->rules[i], strict);
    n = compact(t, kill);
    free(kill);
    return n;
}

/*
 * Per packet: a rotate and an add per word the rules use, one multiply at
 * the end.  Two keys that collide only cost a miss, never a wrong rule.
 */
static size_t
hash_key(const struct flow_table *t, uint8_t table, const struct flow_key *k)
{
    uint64_t h = 0x243F6A8885A308D3ull ^ table;

    for (size_t i = 0; i < t->n_used; i++) {
        size_t w = t->used_word[i];

        h = ((h << 23) | (h >> 41)) + (word(k, w) & t->used[w]);
    }
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 40) & (FLOW_CACHE_SIZE - 1);
}

/* Whether cache entry 'c' (a masked key) holds 'k'. */
static bool
cache_holds(const struct flow_table *t, const struct flow_cache_entry *c, const struct flow_key *k)
{
    for (size_t i = 0; i < t->n_used; i++) {
        size_t w = t->used_word[i];

        if ((word(k, w) & t->used[w]) != word(&c->key, w))
            return false;
    }
    return true;
}

/* The first rule of table 'table' or of a later one: rules are sorted by table. */
static size_t
table_start(const struct flow_table *t, uint8_t table)
{
    size_t lo = 0, hi = t->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->rules[mid].table_id < table)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct flow_rule *
flow_table_lookup(struct flow_table *t, uint8_t table, const struct flow_key *key)
{
    struct flow_cache_entry *c;
    int32_t found = -1;

    if (t->n == 0)
        return NULL;
    c = &t->cache[hash_key(t, table, key)];
    if (c->gen == t->gen && c->table == table && cache_holds(t, c, key)) {
        t->cache_hits++;
        t->n_matched += c->rule >= 0;
        return c->rule < 0 ? NULL : &t->rules[c->rule];
    }
    t->cache_misses++;
    for (size_t i = table_start(t, table); i < t->n && t->rules[i].table_id == table; i++) {
        if (flow_match_key(&t->rules[i].match, key)) {
            found = (int32_t)i;
            break;
        }
    }
    /* Only the words cache_holds() reads; the others never count (n_used changes with gen). */
    for (size_t i = 0; i < t->n_used; i++) {
        size_t w = t->used_word[i];
        uint64_t v = word(key, w) & t->used[w];

        memcpy((uint8_t *)&c->key + w * 8, &v, 8);
    }
    c->gen = t->gen;
    c->table = table;
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
