/*
 * sflow_walk: the walk of sflow_walk.h.  The order and names are those of
 * sflowtool 6.11's text output, learnt from its output on the shared
 * corpus.  Most records are written straight from their schema
 * (sflow_schema.c: sflowtool's names in wire order); the walk special-cases
 * only what a schema cannot say (the sampled header's packet, fields in
 * another order than on the wire, joined lists, derived fields).
 *
 * The first half writes members in the format's syntax: walk_begin()
 * writes what comes before a value (the -g context, indentation, the key,
 * a quote) and returns where the value goes; walk_end() writes what comes
 * after it.  The second half finds the values and formats each in place.
 */
#include "sflow_walk.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "drop_reason.h"
#include "flowrec.h"
#include "fmt.h"
#include "json.h"
#include "rd.h"
#include "sflow_decode.h"
#include "sflow_schema.h"
#include "text.h"

/*
 * Sampled headers longer than this are shown cut short: agents send 128
 * bytes by default (sFlowFsMaximumHeaderSize).  Joined lists (AS paths,
 * label stacks) and strings are cut at WALK_VAL_MAX.
 */
#define WALK_HEX_MAX 4096
#define WALK_VAL_MAX (WALK_HEX_MAX * 3 + 64)
#define WALK_KEY_MAX 192
#define WALK_PREFIX_MAX 48
#define WALK_LIST_DEPTH 4
/* datagram, samples, sample, elements, element, list, item, list */
#define WALK_JSON_DEPTH 8
/* -g: a time, an address, two numbers, a source id and two tags: 135 bytes at most. */
#define WALK_CTX_MAX 160
#define WALK_CTX_COPY 64
/* Around a value: indentation, quotes, colon, comma, newline. */
#define WALK_MEMBER_EXTRA (WALK_JSON_DEPTH + 8)
/* The longest value a member writes without asking for room (a number, an address, a tag). */
#define WALK_VALUE_SMALL 64
/* Room for any member with a short value: its context, key and separators. */
#define WALK_SLACK (WALK_CTX_MAX + WALK_KEY_MAX + WALK_MEMBER_EXTRA + WALK_VALUE_SMALL)
/* A kind of our own: a value that the caller writes quoted, or not, itself. */
#define WALK_BARE ((enum sflow_walk_kind)2)

/* What few datagrams hold (tunnels, gateway records...), out of the way of what most hold. */
#define WALK_RARE __attribute__((cold))

/* A string literal and its length, as two arguments. */
#define K(s) ("" s), (sizeof("" s) - 1)

/*
 * What a member's key and value are framed with, by the value's kind
 * (SFLOW_WALK_NUM, SFLOW_WALK_STR, WALK_BARE): data, so that the same few
 * moves write the members of every format.
 */
struct walk_punct {
    char open;                          /* Before the key... */
    uint8_t open_len;
    char sep[3][4];                     /* ...after it... */
    uint8_t sep_len[3];
    char close[3][4];                   /* ...and after the value. */
    uint8_t close_len[3];
};

struct walker {
    /*
     * The walk writes at 'cur' in the caller's buffer, which holds
     * WALK_SLACK bytes past 'lim': a member with a short value only checks
     * that 'cur' has not passed 'lim' (walk_begin(), 'plain_lim'), longer
     * ones ask for room first (walk_reserve()).  Once the buffer cannot grow, the walk
     * writes into 'spare' and its output is lost (the buffer says ENOMEM).
     */
    struct obuf *out;
    char *cur, *lim;
    uintptr_t plain_lim;                /* 'lim' for plain members without context... */
    uintptr_t context_lim;              /* ...and with (-g); else 0 (walk_mode()). */
    int dropped;
    const struct walk_format *fmt;
    struct text_fields *fields;         /* -L, or NULL. */
    const struct dgram_meta *meta;
    const struct sflow_datagram *dg;
    const struct sflow_sample *sample;  /* Current sample, or NULL. */
    uint32_t element_tag;               /* Current element's tag, or 0. */
    struct walk_punct punct;            /* The format's. */
    int lists;                          /* Open lists... */
    const char *list_name[WALK_LIST_DEPTH];     /* ...their text names... */
    uint32_t list_index[WALK_LIST_DEPTH];       /* ...and positions. */
    int depth;                          /* JSON: open containers... */
    char closer[WALK_JSON_DEPTH];       /* ...and their closing brackets. */
    int samples_at, elements_at;        /* JSON: depth of "samples", "elements", or 0. */
    size_t ctx_len, ctx_dg, ctx_smp;    /* -g: the context, and where its parts start. */
    char ctx[WALK_CTX_MAX];
    uint64_t pick_mask;                 /* -L: text_fields_keys() */
    const char *pick_key;               /* -L: the key of the value being written... */
    size_t pick_klen;
    char *pick_val;                     /* ...and where it starts. */
    size_t prefix_len;                  /* Keys take this prefix ("discarded_", "inner_"). */
    char prefix[WALK_PREFIX_MAX];
    char key[WALK_KEY_MAX];             /* Keys as the format shows them. */
    char val[WALK_VAL_MAX];             /* Joined lists. */
    char spare[1 + WALK_SLACK];
};

/* ---- Keys, separators and brackets ---- */

static size_t
append(char *buf, size_t size, size_t o, const char *s, size_t n)
{
    if (o >= size)
        return o;
    if (n > size - 1 - o)
        n = size - 1 - o;
    memcpy(buf + o, s, n);
    buf[o + n] = '\0';
    return o + n;
}

/* Appends to 'buf' ('size' bytes) at 'o', printf-style, cut at its end; returns the new end. */
static __attribute__((format(printf, 4, 5))) size_t
buf_put(char *buf, size_t size, size_t o, const char *format, ...)
{
    va_list ap;
    int n;

    if (o >= size - 1)
        return o;
    va_start(ap, format);
    n = vsnprintf(buf + o, size - o, format, ap);
    va_end(ap);
    if (n < 0)
        return o;
    return o + (size_t)n < size ? o + (size_t)n : size - 1;
}

/*
 * A plain member is written as its context (-g), its key, a separator
 * and its value: no indentation, no list or prefix in its name, not
 * picked by -L.  Plain members, most of the text and -g output, are
 * written where the walk finds them, up to the limit of their format;
 * the others out of line.  Set again whenever a prefix, a list or the
 * buffer changes.  (The walk passes no NULL key, a list's scalar, outside
 * lists.)
 */
static void
walk_mode(struct walker *wk)
{
    int plain = wk->prefix_len == 0 && wk->lists == 0 && wk->fields == NULL &&
        !wk->fmt->pretty;
    uintptr_t lim = plain ? (uintptr_t)wk->lim : 0;

    wk->plain_lim = wk->fmt->context ? 0 : lim;
    wk->context_lim = wk->fmt->context ? lim : 0;
}

/* The walk writes where the caller's buffer ends, with room for 'n' bytes; 0 if none. */
static int
walk_attach(struct walker *wk, size_t n)
{
    struct obuf *out = wk->out;

    if (!wk->dropped && obuf_reserve(out, n + WALK_SLACK) != NULL) {
        wk->cur = out->buf + out->len;
        wk->lim = out->buf + out->cap - WALK_SLACK;
        walk_mode(wk);
        return 1;
    }
    wk->dropped = 1;
    wk->cur = wk->lim = wk->spare + 1;     /* json_unwrite_comma() reads cur[-1]. */
    walk_mode(wk);
    return 0;
}

/* The caller's buffer takes what the walk wrote. */
static void
walk_detach(struct walker *wk)
{
    if (!wk->dropped)
        obuf_end(wk->out, wk->cur);
}

static __attribute__((cold, noinline)) int
walk_grow(struct walker *wk, size_t n)
{
    walk_detach(wk);
    return walk_attach(wk, n);
}

/* Room for a member whose value takes up to 'n' bytes; 0 if there is none. */
static inline int
walk_reserve(struct walker *wk, size_t n)
{
    if (n <= WALK_VALUE_SMALL && wk->cur <= wk->lim)
        return 1;
    if (wk->lim - wk->cur + WALK_VALUE_SMALL >= (ptrdiff_t)n)
        return 1;
    return walk_grow(wk, n);
}

/* -L: the line of a sample, which text.c writes to the caller's buffer itself. */
static void
walk_fields_line(struct walker *wk, int print)
{
    walk_detach(wk);
    text_fields_end_sample(wk->fields, wk->out, print);
    walk_attach(wk, 0);
}

/*
 * A key as the format shows it, where the walk's name is not enough:
 * behind the walk's prefix ("discarded_<key>", "inner_<key>"); in text,
 * inside lists, "<list>_<i>_" for each open list before it, or for a
 * scalar member (key NULL) "<list>_<i>".  JSON keeps a NULL key: an array
 * member has none.  Points '*key' at the name and returns its length.
 */
static __attribute__((noinline)) size_t
walk_key_name(struct walker *wk, const char **key, size_t klen)
{
    size_t o = 0;
    int k, n = wk->lists < WALK_LIST_DEPTH ? wk->lists : WALK_LIST_DEPTH;

    if (wk->fmt->syntax == WALK_JSON && wk->fields == NULL) {
        if (*key == NULL || wk->prefix_len == 0)
            return klen;
        n = 0;
    }
    for (k = 0; k < n; k++)
        o = buf_put(wk->key, sizeof(wk->key), o, "%s_%u%s", wk->list_name[k],
            wk->list_index[k], k < n - 1 || *key != NULL ? "_" : "");
    if (*key != NULL) {
        o = append(wk->key, sizeof(wk->key), o, wk->prefix, wk->prefix_len);
        o = append(wk->key, sizeof(wk->key), o, *key, klen);
    }
    *key = wk->key;
    return o;
}

/* JSON: the indentation of the next member, for -J. */
static inline char *
json_indent(const struct walker *wk, char *p)
{
    *p++ = '\n';
    memset(p, ' ', (size_t)wk->depth);
    return p + wk->depth;
}

/*
 * Keys are short: two moves, overlapping in the middle, cover a length
 * in [w, 2w]; a memcpy() of a variable length was most of a line's cost.
 * Longer ones, rare, go in steps of 16 bytes.
 */
static inline __attribute__((always_inline)) char *
walk_copy(char *dst, const char *src, size_t n)
{
    if (n > 32) {
        for (; n > 16; n -= 16, dst += 16, src += 16)
            memcpy(dst, src, 16);
        memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 16) {
        memcpy(dst, src, 16);
        memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 8) {
        memcpy(dst, src, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4) {
        memcpy(dst, src, 4);
        memcpy(dst + n - 4, src + n - 4, 4);
    } else {
        while (n-- > 0)
            *dst++ = *src++;
        return dst;
    }
    return dst + n;
}

/* Whether the walk writes JSON. */
static inline int
walk_json(const struct walker *wk)
{
    return wk->fmt->syntax == WALK_JSON && wk->fields == NULL;
}

/* Whether a JSON value of 'kind' is written between quotes. */
static inline int
walk_quoted(const struct walker *wk, enum sflow_walk_kind kind)
{
    return kind == SFLOW_WALK_STR || (kind == SFLOW_WALK_NUM && wk->fmt->quote_numbers);
}

/* -g: a context longer than WALK_CTX_COPY (an IPv6 agent's with long tags), rare. */
static __attribute__((noinline)) char *
walk_put_long_context(const struct walker *wk, char *p)
{
    return walk_copy(p, wk->ctx, wk->ctx_len);
}

/*
 * -g: the context before a line.  Most contexts (an IPv4 agent's) are
 * shorter than WALK_CTX_COPY, copied whole as one fixed-size move; the
 * slack past 'cur' holds WALK_CTX_MAX bytes.
 */
static inline char *
walk_put_context(const struct walker *wk, char *p)
{
    if (wk->ctx_len > WALK_CTX_COPY)
        return walk_put_long_context(wk, p);
    memcpy(p, wk->ctx, WALK_CTX_COPY);
    return p + wk->ctx_len;
}

/* Text, JSON, JSON with numbers quoted (--json-strings). */
static const struct walk_punct punct_text = { 0, 0, { " ", " ", " " }, { 1, 1, 1 },
    { "\n", "\n", "\n" }, { 1, 1, 1 } };
static const struct walk_punct punct_json = { '"', 1, { "\":", "\":\"", "\":" }, { 2, 3, 2 },
    { ",", "\",", "," }, { 1, 2, 1 } };
static const struct walk_punct punct_json_strings = { '"', 1, { "\":\"", "\":\"", "\":" },
    { 3, 3, 2 }, { "\",", "\",", "," }, { 2, 2, 1 } };

/* The key of a member, framed as 'kind' says, at 'p'; returns where the value goes. */
static inline __attribute__((always_inline)) char *
walk_put_key(const struct walker *wk, char *p, const char *key, size_t klen,
    enum sflow_walk_kind kind)
{
    const struct walk_punct *pu = &wk->punct;

    *p = pu->open;
    p = walk_copy(p + pu->open_len, key, klen);
    memcpy(p, pu->sep[kind], 4);
    return p + pu->sep_len[kind];
}

/* -L: a value that no field can want is not even formatted (here: no prefix, no list). */
static inline int
walk_unwanted(const struct walker *wk, const char *key, size_t klen)
{
    return wk->fields != NULL && wk->prefix_len == 0 && wk->lists == 0 && key != NULL &&
        !(wk->pick_mask & text_fields_bit(key, klen));
}

/*
 * walk_begin() out of line: a full buffer, members in lists, with a
 * prefix, -L and -J.
 */
static __attribute__((noinline)) char *
walk_begin_rest(struct walker *wk, const char *key, size_t klen, enum sflow_walk_kind kind)
{
    char *p;

    if (wk->cur > wk->lim)
        walk_grow(wk, 0);
    p = wk->cur;
    if (wk->prefix_len > 0 || wk->lists > 0 || key == NULL)
        klen = walk_key_name(wk, &key, klen);
    if (wk->fields != NULL) {
        if (!(wk->pick_mask & text_fields_bit(key, klen)))
            return NULL;
        wk->pick_key = key;
        wk->pick_klen = klen;
        return wk->pick_val = p;
    }
    if (wk->ctx_len > 0)
        p = walk_put_context(wk, p);
    if (wk->fmt->pretty)
        p = json_indent(wk, p);
    if (key != NULL)
        return walk_put_key(wk, p, key, klen, kind);
    /* JSON: an array's member. */
    if (walk_quoted(wk, kind))
        *p++ = '"';
    return p;
}

/*
 * walk_begin_rest()'s door: small, so that the common case of -L, a key
 * it does not want, pays for no more.
 */
static __attribute__((noinline)) char *
walk_begin_other(struct walker *wk, const char *key, size_t klen, enum sflow_walk_kind kind)
{
    if (walk_unwanted(wk, key, klen))
        return NULL;
    return walk_begin_rest(wk, key, klen, kind);
}

/*
 * Starts a member: what precedes its value in the format.  Returns where
 * the value goes, with room for WALK_VALUE_SMALL bytes, or as many as
 * walk_reserve() made; NULL for a value that is not wanted (-L).  Most
 * members are plain (see walk_mode()), and take the few lines here.
 */
static inline __attribute__((always_inline)) char *
walk_begin(struct walker *wk, const char *key, size_t klen, enum sflow_walk_kind kind)
{
    /* One test passes plain text members, a second -g's; a full buffer fails both. */
    char *p = wk->cur;

    if ((uintptr_t)p > wk->plain_lim) {
        if ((uintptr_t)p > wk->context_lim)
            return walk_begin_other(wk, key, klen, kind);
        p = walk_put_context(wk, p);
    }
    return walk_put_key(wk, p, key, klen, kind);
}

/* -L: text.c takes the value of a picked key. */
static __attribute__((noinline)) void
walk_pick(struct walker *wk, char *end)
{
    text_fields_take(wk->fields, wk->pick_key, wk->pick_klen, wk->pick_val,
        (size_t)(end - wk->pick_val), wk->sample != NULL);
}

/* Ends the member whose value ends at 'end'. */
static inline __attribute__((always_inline)) void
walk_end(struct walker *wk, char *end, enum sflow_walk_kind kind)
{
    if (wk->fields != NULL) {
        walk_pick(wk, end);
        return;
    }
    memcpy(end, wk->punct.close[kind], 4);
    wk->cur = end + wk->punct.close_len[kind];
}

/* From now on keys take 'pfx' ('n' bytes) too; returns what walk_prefix_pop() restores. */
static size_t
walk_prefix_push(struct walker *wk, const char *pfx, size_t n)
{
    size_t old = wk->prefix_len;

    wk->prefix_len = append(wk->prefix, sizeof(wk->prefix), old, pfx, n);
    walk_mode(wk);
    return old;
}

static void
walk_prefix_pop(struct walker *wk, size_t old)
{
    wk->prefix_len = old;
    walk_mode(wk);
}

/*
 * A line of text of its own (markers, notes), after the -g context; 'copy'
 * bytes of 's' (its length, or more) are copied, the line ends at 'n'.
 */
static void
walk_line(struct walker *wk, const char *s, size_t n, size_t copy)
{
    char *p;

    if (!walk_reserve(wk, copy))
        return;
    p = wk->ctx_len > 0 ? walk_put_context(wk, wk->cur) : wk->cur;
    memcpy(p, s, copy);
    p[n] = '\n';
    wk->cur = p + n + 1;
}

/* Markers are copied whole, a fixed-size move. */
static void
walk_marker(struct walker *wk, const struct walk_line *line)
{
    if (line->len > 0 && wk->fields == NULL)
        walk_line(wk, line->text, line->len, sizeof(line->text));
}

static void
walk_note(struct walker *wk, const char *text, size_t len)
{
    if (wk->fmt->notes && wk->fields == NULL)
        walk_line(wk, text, len, len);
}

/*
 * JSON: the comma after the last member goes before a closing bracket.
 * An opening bracket always precedes, so cur[-1] is there to read.
 */
static void
json_unwrite_comma(struct walker *wk)
{
    if (wk->cur[-1] == ',')
        wk->cur--;
}

/*
 * JSON: opens an object ('{') or array ('[') as the next member, named
 * 'key' in an object.  In -J an array's first object stays on the '['
 * line, as sflowtool prints it.
 */
static void
json_open(struct walker *wk, const char *key, size_t klen, char open)
{
    char *p;

    if (wk->depth == WALK_JSON_DEPTH)
        return;
    if (wk->cur > wk->lim)
        walk_grow(wk, 0);
    p = wk->cur;
    /* The datagram's object has no indentation; an array's first object none either. */
    if (wk->fmt->pretty && wk->depth > 0 && !(open == '{' && key == NULL && p[-1] == '['))
        p = json_indent(wk, p);
    if (key != NULL) {
        *p++ = '"';
        p = walk_copy(p, key, klen);
        *p++ = '"';
        *p++ = ':';
    }
    *p++ = open;
    wk->closer[wk->depth++] = open == '{' ? '}' : ']';
    wk->cur = p;
}

/* JSON: closes containers until 'depth' remain open (their brackets fit in WALK_SLACK). */
static void
json_close_containers(struct walker *wk, int depth)
{
    char *p;

    json_unwrite_comma(wk);
    if (wk->cur > wk->lim)
        walk_grow(wk, 0);
    p = wk->cur;
    while (wk->depth > depth) {
        wk->depth--;
        if (wk->fmt->pretty)
            p = json_indent(wk, p);
        *p++ = wk->closer[wk->depth];
    }
    *p++ = ',';
    wk->cur = p;
    if (wk->elements_at > wk->depth)
        wk->elements_at = 0;
    if (wk->samples_at > wk->depth)
        wk->samples_at = 0;
}

static inline void
json_close_to(struct walker *wk, int depth)
{
    if (wk->depth > depth)
        json_close_containers(wk, depth);
}

/*
 * JSON: the next object of array 'name' in the object at depth 'parent';
 * '*at' is the array's depth, or 0 until it is opened.
 */
static inline void
json_next_object(struct walker *wk, int *at, int parent, const char *name, size_t nlen)
{
    if (*at == 0) {
        json_close_to(wk, parent);
        json_open(wk, name, nlen, '[');
        *at = wk->depth;
    }
    json_close_to(wk, *at);
    json_open(wk, NULL, 0, '{');
}

static void
walk_list_begin(struct walker *wk, const char *json_name, const char *text_name)
{
    if (walk_json(wk))
        json_open(wk, json_name, strlen(json_name), '[');
    else if (wk->lists < WALK_LIST_DEPTH) {
        wk->list_name[wk->lists] = text_name;
        wk->list_index[wk->lists] = 0;
    }
    wk->lists++;
    walk_mode(wk);
}

/* The innermost list's next member (an item or a scalar). */
static void
walk_list_next(struct walker *wk)
{
    if (wk->lists > 0 && wk->lists <= WALK_LIST_DEPTH)
        wk->list_index[wk->lists - 1]++;
}

static void
walk_list_end(struct walker *wk)
{
    if (walk_json(wk))
        json_close_to(wk, wk->depth - 1);
    wk->lists--;
    walk_mode(wk);
}

static void
walk_item_begin(struct walker *wk)
{
    if (walk_json(wk))
        json_open(wk, NULL, 0, '{');
}

static void
walk_item_end(struct walker *wk)
{
    if (walk_json(wk))
        json_close_to(wk, wk->depth - 1);
    walk_list_next(wk);
}

/* -g: the context of the datagram, then of the sample, then of the element. */
enum walk_level { LEVEL_DATAGRAM, LEVEL_SAMPLE, LEVEL_ELEMENT };

static void
walk_context(struct walker *wk, enum walk_level level)
{
    const struct sflow_datagram *dg = wk->dg;
    const struct sflow_sample *s = wk->sample;
    char *p = wk->ctx;

    if (!wk->fmt->context)
        return;
    /* Each part is far shorter than 'ctx' (a time, an address, 8 numbers). */
    if (level == LEVEL_DATAGRAM) {
        p += sflow_walk_time(p, 64, (long long)wk->meta->ts.tv_sec);
        *p++ = ' ';
        if (dg->stage >= 2 && dg->agent.type == SFLOW_ADDR_IP4)
            p = fmt_ipv4(p, dg->agent.a);
        else if (dg->stage >= 2 && dg->agent.type == SFLOW_ADDR_IP6)
            p = fmt_ipv6(p, dg->agent.a);
        else
            *p++ = '-';
        *p++ = ' ';
        p = fmt_u64(p, dg->stage >= 2 ? dg->sub_agent_id : 0);
        *p++ = ' ';
        p = fmt_u64(p, dg->stage >= 2 ? dg->seq : 0);
        *p++ = ' ';
        wk->ctx_dg = (size_t)(p - wk->ctx);
    }
    p = wk->ctx + wk->ctx_dg;
    if (level <= LEVEL_SAMPLE) {
        p = fmt_u64(p, s != NULL ? s->ds_class : 0);
        *p++ = ':';
        p = fmt_u64(p, s != NULL ? s->ds_index : 0);
        *p++ = ' ';
        p = fmt_tag(p, s != NULL ? s->tag : 0);
        *p++ = ' ';
        wk->ctx_smp = (size_t)(p - wk->ctx);
    }
    p = fmt_tag(wk->ctx + wk->ctx_smp, wk->element_tag);
    *p++ = ' ';
    wk->ctx_len = (size_t)(p - wk->ctx);
}

/* ---- Values ---- */

static inline __attribute__((always_inline)) void
walk_num(struct walker *wk, const char *key, size_t klen, uint64_t v)
{
    char *p = walk_begin(wk, key, klen, SFLOW_WALK_NUM);

    if (p != NULL)
        walk_end(wk, fmt_u64(p, v), SFLOW_WALK_NUM);
}

static void
walk_snum(struct walker *wk, const char *key, size_t klen, int64_t v)
{
    char *p = walk_begin(wk, key, klen, SFLOW_WALK_NUM);

    if (p != NULL)
        walk_end(wk, fmt_s64(p, v), SFLOW_WALK_NUM);
}

/* One of the walk's own words (type names, times, tags): printable, never escaped. */
static inline __attribute__((always_inline)) void
walk_word(struct walker *wk, const char *key, size_t klen, const char *s, size_t n)
{
    char *p;

    if (n > WALK_VALUE_SMALL && !walk_reserve(wk, n))
        return;
    p = walk_begin(wk, key, klen, SFLOW_WALK_STR);
    if (p != NULL)
        walk_end(wk, walk_copy(p, s, n), SFLOW_WALK_STR);
}

/*
 * Any bytes (strings from the wire, the enrichment's values, printf's
 * numbers): JSON escapes a string, and takes a number only if it is one.
 */
static void
walk_bytes(struct walker *wk, const char *key, size_t klen, const char *val, size_t len,
    enum sflow_walk_kind kind)
{
    char *p;

    if (!walk_json(wk) || (kind == SFLOW_WALK_NUM && json_is_number(val, len))) {
        if (!walk_reserve(wk, len))
            return;
        p = walk_begin(wk, key, klen, kind);
        if (p != NULL) {
            memcpy(p, val, len);
            walk_end(wk, p + len, kind);
        }
        return;
    }
    /* Room for every byte escaped, and the quotes. */
    if (walk_reserve(wk, len * 6 + 2) && (p = walk_begin(wk, key, klen, WALK_BARE)) != NULL)
        walk_end(wk, json_put_string(p, val, len), WALK_BARE);
}

static void
walk_tag(struct walker *wk, const char *key, size_t klen, uint32_t tag)
{
    char *p = walk_begin(wk, key, klen, SFLOW_WALK_STR);

    if (p != NULL)
        walk_end(wk, fmt_tag(p, tag), SFLOW_WALK_STR);
}

static inline __attribute__((always_inline)) void
walk_mac(struct walker *wk, const char *key, size_t klen, const uint8_t *mac)
{
    char *p = walk_begin(wk, key, klen, SFLOW_WALK_STR);

    if (p != NULL)
        walk_end(wk, fmt_mac(p, mac), SFLOW_WALK_STR);
}

static inline __attribute__((always_inline)) void
walk_ip(struct walker *wk, const char *key, size_t klen, const uint8_t *a, int v6)
{
    char *p = walk_begin(wk, key, klen, SFLOW_WALK_STR);

    if (p != NULL)
        walk_end(wk, v6 ? fmt_ipv6(p, a) : fmt_ipv4(p, a), SFLOW_WALK_STR);
}

static void
walk_addr(struct walker *wk, const char *key, size_t klen, const struct sflow_addr *a)
{
    if (a->type == SFLOW_ADDR_IP4 || a->type == SFLOW_ADDR_IP6)
        walk_ip(wk, key, klen, a->a, a->type == SFLOW_ADDR_IP6);
    else
        walk_word(wk, key, klen, K("-"));
}

/* Opaque bytes (a sampled header) as dashed uppercase hex, cut at WALK_HEX_MAX. */
static void
walk_hex_dump(struct walker *wk, const char *key, size_t klen, const struct sflow_bytes *b)
{
    size_t n = b->p == NULL ? 0 : b->len < WALK_HEX_MAX ? b->len : WALK_HEX_MAX;
    char *p;

    if (walk_reserve(wk, n * 3) && (p = walk_begin(wk, key, klen, SFLOW_WALK_STR)) != NULL)
        walk_end(wk, fmt_hex_dash(p, b->p, n), SFLOW_WALK_STR);
}
/* "skipping unknown <what>: E:F len=N", as sflowtool says it (len is signed). */
static WALK_RARE void
walk_skip_note(struct walker *wk, const char *what, uint32_t tag, uint32_t len)
{
    char buf[128];
    int n = snprintf(buf, sizeof(buf), "skipping unknown %s: %u:%u len=%d", what, tag >> 12,
        tag & 0xfff, (int32_t)len);

    if (n > 0 && (size_t)n < sizeof(buf))
        walk_note(wk, buf, (size_t)n);
}

/* ---- Schema fields ---- */

/* A string<>: up to its first NUL, as sflowtool copies it into a C string. */
static void
walk_string(struct walker *wk, const char *key, size_t klen, const struct sflow_bytes *b)
{
    size_t n = b->p == NULL ? 0 : b->len;
    const void *nul = n > 0 ? memchr(b->p, 0, n) : NULL;

    if (nul != NULL)
        n = (size_t)((const uint8_t *)nul - b->p);
    if (n > WALK_VAL_MAX - 1)
        n = WALK_VAL_MAX - 1;
    walk_bytes(wk, key, klen, (const char *)b->p, n, SFLOW_WALK_STR);
}
/* Unsigned ints joined by '-' (BGP communities). */
static WALK_RARE void
walk_u32_list(struct walker *wk, const char *key, size_t klen, const struct sflow_bytes *b)
{
    size_t o = 0;
    uint32_t i;

    wk->val[0] = '\0';
    for (i = 0; i < b->count; i++)
        o = buf_put(wk->val, sizeof(wk->val), o, "%s%u", i > 0 ? "-" : "",
            sflow_list_u32(b, i));
    walk_bytes(wk, key, klen, wk->val, o, SFLOW_WALK_STR);
}

/* host_adapters: text flattens it (adaptor_0_MAC_0), JSON nests it. */
static WALK_RARE void
walk_adapters(struct walker *wk, const struct sflow_bytes *b)
{
    size_t pos = 0, next;
    uint32_t i, j, if_index, n_macs;
    const uint8_t *macs;

    walk_list_begin(wk, "adaptor_list", "adaptor");
    for (i = 0; i < b->count; i++) {
        next = sflow_adapters_next(b, pos, &if_index, &n_macs, &macs);
        if (next == 0)
            break;
        walk_item_begin(wk);
        walk_num(wk, K("ifIndex"), if_index);
        walk_num(wk, K("MACs"), n_macs);
        walk_list_begin(wk, "mac_list", "MAC");
        for (j = 0; j < n_macs; j++) {
            walk_mac(wk, NULL, 0, macs + (size_t)j * 8);
            walk_list_next(wk);
        }
        walk_list_end(wk);
        walk_item_end(wk);
        pos = next;
    }
    walk_list_end(wk);
}

/* sfp_lane: 10 unsigned ints per lane. */
static WALK_RARE void
walk_lanes(struct walker *wk, const struct sflow_bytes *b)
{
    static const char *const names[10] = {
        "index", "tx_bias_current_uA", "tx_power_uW", "tx_power_min_uW",
        "tx_power_max_uW", "tx_wavelength_nM", "rx_power_uW",
        "rx_power_min_uW", "rx_power_max_uW", "rx_wavelength_nM",
    };
    uint32_t i, k;

    walk_num(wk, K("sfp_module_active_lanes"), b->count);
    walk_list_begin(wk, "sfp_lanes", "sfp_lane");
    for (i = 0; i < b->count; i++) {
        walk_item_begin(wk);
        for (k = 0; k < 10; k++)
            walk_num(wk, names[k], strlen(names[k]), sflow_list_u32(b, i * 10 + k));
        walk_item_end(wk);
    }
    walk_list_end(wk);
}

/* A UUID: 8-4-4-4-12 digits. */
static WALK_RARE void
walk_uuid(struct walker *wk, const char *key, size_t klen, const uint8_t *u)
{
    int i;
    char *p = walk_begin(wk, key, klen, SFLOW_WALK_STR);

    if (p == NULL)
        return;
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        p = fmt_hex_lower(p, u + i, 1);
    }
    walk_end(wk, p, SFLOW_WALK_STR);
}

/* One schema field, formatted by its type. */
static void
walk_field(struct walker *wk, const char *key, size_t klen, const struct sflow_field *f,
    const union sflow_value *v)
{
    char buf[64];
    int len = -1;

    switch (f->type) {
    case SFT_U32:
    case SFT_U64:
    case SFT_U8:
        walk_num(wk, key, klen, v->u);
        break;
    case SFT_S32:
        walk_snum(wk, key, klen, v->s);
        break;
    case SFT_FLOAT:
        len = snprintf(buf, sizeof(buf), "%.3f", (double)v->f);
        break;
    case SFT_PERCENT:
        /* As sflowtool: through a float, so large values round the same way. */
        if ((uint32_t)v->s != UINT32_MAX)
            len = snprintf(buf, sizeof(buf), "%.2f", (double)((float)(uint32_t)v->s / 100.0f));
        else
            walk_word(wk, key, klen, K("unknown"));
        break;
    case SFT_ADDR:
        walk_addr(wk, key, klen, &v->addr);
        break;
    case SFT_STR:
        walk_string(wk, key, klen, &v->b);
        break;
    case SFT_OPAQUE:
        walk_hex_dump(wk, key, klen, &v->b);
        break;
    case SFT_U32_LIST:
        walk_u32_list(wk, key, klen, &v->b);
        break;
    case SFT_ADAPTERS:
        walk_adapters(wk, &v->b);
        break;
    case SFT_LANES:
        walk_lanes(wk, &v->b);
        break;
    case SFT_MAC:
    case SFT_UUID:
    case SFT_IP4:
    case SFT_IP6:
        if (v->b.p == NULL)
            break;
        if (f->type == SFT_MAC)
            walk_mac(wk, key, klen, v->b.p);
        else if (f->type == SFT_UUID)
            walk_uuid(wk, key, klen, v->b.p);
        else
            walk_ip(wk, key, klen, v->b.p, f->type == SFT_IP6);
        break;
    default:
        break;                  /* SFT_AS_PATH: only in 0:1003, which has its own walk. */
    }
    if (len > 0 && (size_t)len < sizeof(buf))
        walk_bytes(wk, key, klen, buf, (size_t)len, SFLOW_WALK_NUM);
}

/* Field 'i' of 'rec', if present, by its schema name. */
static void
walk_field_at(struct walker *wk, const struct sflow_record *rec, size_t i)
{
    const struct sflow_field *f = &rec->schema->fields[i];

    if (i < rec->n_values && i < rec->schema->n_fields)
        walk_field(wk, f->name, f->name_len, f, &rec->v[i]);
}

/*
 * Fields 'from' to 'to' - 1 of 'rec', in order.  Strings the agent left
 * empty are not written, as sflowtool does for all but the URL record;
 * counters, most of a datagram, are integers and take the short way.
 */
static void
walk_fields_range(struct walker *wk, const struct sflow_record *rec, size_t from, size_t to)
{
    const struct sflow_field *f = rec->schema->fields;
    size_t i, n = rec->n_values < rec->schema->n_fields ? rec->n_values : rec->schema->n_fields;

    if (n > to)
        n = to;
    for (i = from; i < n; i++) {
        if (f[i].type == SFT_U32 || f[i].type == SFT_U64 || f[i].type == SFT_U8)
            walk_num(wk, f[i].name, f[i].name_len, rec->v[i].u);
        else if (f[i].type != SFT_STR || rec->v[i].b.len > 0 ||
            rec->tag == SFLOW_TAG(0, 1005))
            walk_field(wk, f[i].name, f[i].name_len, &f[i], &rec->v[i]);
    }
}

/* ---- Sampled headers ---- */

/*
 * Layer 4 of a decoded packet header: sflowtool wants 8 bytes of it.  It
 * then prints the TCP flags even when their byte was not captured (it
 * reads past the header); we leave them out (docs/compat.md).
 */
static void
walk_pkt_l4(struct walker *wk, const struct pkt_layer *l, uint32_t proto, size_t captured)
{
    if (l->l4 == 0 || l->l4 != (int)proto || l->l4_offset + 8 > captured)
        return;
    switch (proto) {
    case 1:
        walk_num(wk, K("ICMPType"), l->icmp_type);
        walk_num(wk, K("ICMPCode"), l->icmp_code);
        break;
    case 6:
        walk_num(wk, K("TCPSrcPort"), l->src_port);
        walk_num(wk, K("TCPDstPort"), l->dst_port);
        if (l->has_tcp_flags)
            walk_num(wk, K("TCPFlags"), l->tcp_flags);
        break;
    case 17:
        walk_num(wk, K("UDPSrcPort"), l->src_port);
        walk_num(wk, K("UDPDstPort"), l->dst_port);
        walk_num(wk, K("UDPBytes"), l->udp_len);
        break;
    default:
        break;
    }
}

static void
walk_pkt_ipv4(struct walker *wk, const struct pkt_layer *l, size_t captured)
{
    /* IPID: sflowtool prints it unconverted from network order; we print its value. */
    walk_num(wk, K("ip.tot_len"), l->ip_total_len);
    walk_ip(wk, K("srcIP"), l->src_ip, 0);
    walk_ip(wk, K("dstIP"), l->dst_ip, 0);
    walk_num(wk, K("IPProtocol"), l->proto);
    walk_num(wk, K("IPTOS"), l->tos);
    walk_num(wk, K("IPTTL"), l->ttl);
    walk_num(wk, K("IPID"), l->ip_id);
    if (l->ip_frag_off > 0)
        walk_num(wk, K("IPFragmentOffset"), l->ip_frag_off);
    else
        walk_pkt_l4(wk, l, l->proto, captured);
}

/*
 * sflowtool walks IPv6 extension headers itself, naming each one, and
 * sizes them all as (len + 1) * 8 bytes; the names and the protocol it
 * ends on are reproduced from the bytes, the transport fields come from
 * pkt_parse when both walks end on the same protocol.
 */
static WALK_RARE void
walk_pkt_ipv6(struct walker *wk, const struct pkt_layer *l, const uint8_t *p,
    size_t captured)
{
    size_t off = l->l3_offset + 40;
    uint32_t nh = l->ip6_first_nh;
    char label[16];
    int n = 0, len = snprintf(label, sizeof(label), "0x%x", l->ip6_flow_label);

    walk_num(wk, K("IPTOS"), l->tos);
    walk_word(wk, K("IP6_label"), label, (size_t)len);
    if (l->ip6_payload_len == 0)
        walk_word(wk, K("IPV6_payloadLen"), K("<jumbo>"));
    else
        walk_num(wk, K("IPV6_payloadLen"), l->ip6_payload_len);
    walk_num(wk, K("IPTTL"), l->ttl);
    walk_ip(wk, K("srcIP6"), l->src_ip, 1);
    walk_ip(wk, K("dstIP6"), l->dst_ip, 1);
    while ((nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60) && n < 16) {
        walk_num(wk, K("IP6HeaderExtension"), nh);
        if (off + 2 > captured)
            return;
        nh = p[off];
        off += ((size_t)p[off + 1] + 1) * 8;
        n++;
        if (off > captured)
            return;             /* sflowtool stops here: ran off the header. */
    }
    walk_num(wk, K("IPProtocol"), nh);
    if (nh == l->proto)
        walk_pkt_l4(wk, l, nh, captured);
}

/* The Ethernet fields of a sampled header's packet; 0 if it has no more. */
static int
walk_pkt_ethernet(struct walker *wk, const struct pkt_layer *l)
{
    char name[48];
    int i, n;

    if (!l->has_eth)
        return 0;
    walk_mac(wk, K("dstMAC"), l->dst_mac);
    walk_mac(wk, K("srcMAC"), l->src_mac);
    for (i = 0; i < l->n_vlans; i++) {
        if (i == 0) {
            walk_num(wk, K("decodedVLAN"), l->vlan_id[i]);
            walk_num(wk, K("decodedPriority"), l->vlan_prio[i]);
            continue;
        }
        n = snprintf(name, sizeof(name), "decodedVLAN.%d", i);
        walk_num(wk, name, (size_t)n, l->vlan_id[i]);
        n = snprintf(name, sizeof(name), "decodedPriority.%d", i);
        walk_num(wk, name, (size_t)n, l->vlan_prio[i]);
    }
    if (l->eth_type == 0)
        return 0;
    walk_num(wk, K("ethernet_type"), l->eth_type);
    return l->l3 != 0;
}

/*
 * The fields of one packet of a sampled header, 'proto' saying how it
 * starts (sFlow header protocol): the outer packet, or a tunnel's payload.
 */
static void
walk_pkt_fields(struct walker *wk, const struct sflow_record *rec, const struct pkt_layer *l,
    uint32_t proto)
{
    const struct sflow_bytes *hdr = &rec->v[SF_HEADER_BYTES].b;
    int64_t size;

    if (proto == PKT_PROTO_ETHERNET && !walk_pkt_ethernet(wk, l))
        return;
    /* The IP packet's size on the wire, from what the agent says it cut. */
    size = (int64_t)(int32_t)((uint32_t)rec->v[SF_HEADER_FRAME_LENGTH].u -
        (uint32_t)rec->v[SF_HEADER_STRIPPED].u - (uint32_t)l->l3_offset);
    walk_snum(wk, K("IPSize"), size);
    if (l->l3 == 4)
        walk_pkt_ipv4(wk, l, hdr->len);
    else if (l->l3 == 6)
        walk_pkt_ipv6(wk, l, hdr->p, hdr->len);
}
/* MPLS label stack entry 'lse' as "label.exp.bos.ttl", appended to wk->val after 'sep'. */
static size_t
val_put_lse(struct walker *wk, size_t o, const char *sep, uint32_t lse)
{
    return buf_put(wk->val, sizeof(wk->val), o, "%s%u.%u.%u.%u", sep, lse >> 12,
        (lse >> 9) & 7, (lse >> 8) & 1, lse & 255);
}

/*
 * A tunnel that pkt_parse opened in a sampled header (sflowtool stops at
 * the outer packet): its type and identifiers, then the packet it carries,
 * with the outer packet's field names behind the prefix "inner_".
 */
static WALK_RARE void
walk_tunnel(struct walker *wk, const struct sflow_record *rec, const struct pkt_info *pkt)
{
    const struct pkt_layer *in = &pkt->inner;
    size_t o = 0, old;
    int i;

    switch (pkt->encap) {
    case PKT_ENCAP_VXLAN:
        walk_word(wk, K("tunnelType"), K("VXLAN"));
        walk_num(wk, K("tunnelVNI"), pkt->vni);
        break;
    case PKT_ENCAP_GRE:
        walk_word(wk, K("tunnelType"), K("GRE"));
        walk_num(wk, K("tunnelGREProtocol"), pkt->gre_proto);
        if (pkt->gre_has_key)
            walk_num(wk, K("tunnelGREKey"), pkt->gre_key);
        break;
    case PKT_ENCAP_MPLS:
        walk_word(wk, K("tunnelType"), K("MPLS"));
        for (i = 0; i < pkt->n_mpls; i++)
            o = val_put_lse(wk, o, i > 0 ? "-" : "", pkt->mpls_label[i]);
        walk_bytes(wk, K("tunnelMPLSLabels"), wk->val, o, SFLOW_WALK_STR);
        break;
    default:
        return;
    }
    if (in->has_eth || in->l3 != 0) {
        old = walk_prefix_push(wk, K("inner_"));
        walk_pkt_fields(wk, rec, in, in->has_eth ? PKT_PROTO_ETHERNET : PKT_PROTO_IPV4);
        walk_prefix_pop(wk, old);
    }
}

/* 0:1 sampled_header. */
static void
walk_header(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_schema *s = rec->schema;
    uint32_t proto = (uint32_t)rec->v[SF_HEADER_PROTOCOL].u;
    char buf[48];
    int n;

    walk_word(wk, K("flowSampleType"), s->type_name, s->type_name_len);
    walk_fields_range(wk, rec, SF_HEADER_PROTOCOL, SF_HEADER_BYTES);
    walk_num(wk, K("headerLen"), rec->v[SF_HEADER_BYTES].b.len);
    walk_field_at(wk, rec, SF_HEADER_BYTES);
    if (rec->pkt == NULL) {
        if (proto >= 2 && proto <= 16 && proto != 11 && proto != 12) {
            n = snprintf(buf, sizeof(buf), "NO_DECODE headerProtocol=%u", (unsigned)proto);
            if (n > 0 && (size_t)n < sizeof(buf))
                walk_note(wk, buf, (size_t)n);
        }
        return;
    }
    walk_pkt_fields(wk, rec, &rec->pkt->outer, proto);
    if (rec->pkt->encap != PKT_ENCAP_NONE)
        walk_tunnel(wk, rec, rec->pkt);
}

/* ---- Other special flow records ---- */

/* 0:2 sampled_ethernet, 1021/1022 its tunnel copies: type first. */
static WALK_RARE void
walk_sampled_ethernet(struct walker *wk, const struct sflow_record *rec)
{
    walk_word(wk, K("flowSampleType"), rec->schema->type_name, rec->schema->type_name_len);
    walk_field_at(wk, rec, SF_ETH_TYPE);
    walk_field_at(wk, rec, SF_ETH_LENGTH);
    walk_field_at(wk, rec, SF_ETH_SRC);
    walk_field_at(wk, rec, SF_ETH_DST);
}

/* The transport fields of 0:3 / 0:4, by protocol. */
static void
walk_sampled_l4(struct walker *wk, const struct sflow_record *rec)
{
    switch (rec->v[SF_IP_PROTOCOL].u) {
    case 1:
        /* Agents disagree on where ICMP goes; sflowtool takes dst_port. */
        walk_num(wk, K("ICMPType"), rec->v[SF_IP_DST_PORT].u);
        break;
    case 6:
        walk_num(wk, K("TCPSrcPort"), rec->v[SF_IP_SRC_PORT].u);
        walk_num(wk, K("TCPDstPort"), rec->v[SF_IP_DST_PORT].u);
        walk_num(wk, K("TCPFlags"), rec->v[SF_IP_TCP_FLAGS].u);
        break;
    case 17:
        walk_num(wk, K("UDPSrcPort"), rec->v[SF_IP_SRC_PORT].u);
        walk_num(wk, K("UDPDstPort"), rec->v[SF_IP_DST_PORT].u);
        break;
    default:
        break;
    }
}

/* 0:3 sampled_ipv4 / 0:4 sampled_ipv6 and their tunnel copies 1023-1026. */
static WALK_RARE void
walk_sampled_ip(struct walker *wk, const struct sflow_record *rec, int v6)
{
    static const char *const names[2][3] = {
        { "srcIP", "dstIP", "IPTOS" }, { "srcIP6", "dstIP6", "priority" },
    };
    /* The tunnel copies' names are the plain ones behind "tunnel_ipv4_out_". */
    size_t plen = rec->schema->fields[0].name_len - (sizeof("sampledPacketSize") - 1), old;
    const char *const *n = names[v6 != 0];

    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_word(wk, K("flowSampleType"), rec->schema->type_name, rec->schema->type_name_len);
    old = walk_prefix_push(wk, rec->schema->fields[0].name, plen);
    walk_num(wk, K("sampledPacketSize"), rec->v[SF_IP_LENGTH].u);
    walk_num(wk, K("IPSize"), rec->v[SF_IP_LENGTH].u);
    walk_ip(wk, n[0], strlen(n[0]), rec->v[SF_IP_SRC].b.p, v6);
    walk_ip(wk, n[1], strlen(n[1]), rec->v[SF_IP_DST].b.p, v6);
    walk_num(wk, K("IPProtocol"), rec->v[SF_IP_PROTOCOL].u);
    walk_num(wk, n[2], strlen(n[2]), rec->v[SF_IP_TOS].u);
    walk_sampled_l4(wk, rec);
    walk_prefix_pop(wk, old);
}

/*
 * 0:1003 extended_gateway.  The AS path prints as its ASNs joined by '-',
 * AS_SET segments in parentheses; dst_peer_as is its first ASN, dst_as its
 * last.  Empty path and communities are not printed.
 */
static WALK_RARE void
walk_gateway(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_bytes *path = &rec->v[SF_GW_AS_PATH].b;
    size_t pos = 0, next, o = 0;
    uint32_t type, n, i, seg, dst_as = 0, dst_peer_as = 0;
    const uint8_t *asns;

    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_word(wk, K("extendedType"), rec->schema->type_name, rec->schema->type_name_len);
    walk_fields_range(wk, rec, SF_GW_NEXTHOP, SF_GW_AS_PATH);
    wk->val[0] = '\0';
    for (seg = 0; seg < path->count; seg++) {
        if ((next = sflow_as_path_next(path, pos, &type, &n, &asns)) == 0)
            break;
        o = buf_put(wk->val, sizeof(wk->val), o, "%s", type == 1 ? "(" : "");
        for (i = 0; i < n; i++)
            o = buf_put(wk->val, sizeof(wk->val), o, "%s%u", i > 0 ? "-" : "",
                rd_be32(asns + (size_t)i * 4));
        o = buf_put(wk->val, sizeof(wk->val), o, "%s", type == 1 ? ")" : "");
        if (seg == 0 && n > 0)
            dst_peer_as = rd_be32(asns);
        dst_as = n > 0 ? rd_be32(asns + (size_t)(n - 1) * 4) : 0;
        pos = next;
    }
    if (path->count > 0)
        walk_bytes(wk, K("dst_as_path"), wk->val, o, SFLOW_WALK_STR);
    walk_num(wk, K("dst_as"), dst_as);
    walk_num(wk, K("dst_peer_as"), dst_peer_as);
    if (rec->v[SF_GW_COMMUNITIES].b.count > 0)
        walk_field_at(wk, rec, SF_GW_COMMUNITIES);
    walk_field_at(wk, rec, SF_GW_LOCALPREF);
}

/* 0:1004 extended_user: both charsets, then both names. */
static WALK_RARE void
walk_user(struct walker *wk, const struct sflow_record *rec)
{
    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_word(wk, K("extendedType"), rec->schema->type_name, rec->schema->type_name_len);
    walk_field_at(wk, rec, SF_USER_SRC_CHARSET);
    walk_field_at(wk, rec, SF_USER_DST_CHARSET);
    walk_field_at(wk, rec, SF_USER_SRC);
    walk_field_at(wk, rec, SF_USER_DST);
}

/* MPLS label stack entries of field 'f' as "label.exp.bos.ttl", joined by '-'. */
static WALK_RARE void
walk_label_stack(struct walker *wk, const struct sflow_record *rec, size_t f)
{
    const struct sflow_bytes *b = &rec->v[f].b;
    size_t o = 0;
    uint32_t i;

    if (b->count == 0)
        return;
    for (i = 0; i < b->count; i++)
        o = val_put_lse(wk, o, i > 0 ? "-" : "", sflow_list_u32(b, i));
    walk_bytes(wk, rec->schema->fields[f].name, rec->schema->fields[f].name_len,
        wk->val, o, SFLOW_WALK_STR);
}

/* 0:1006 extended_mpls. */
static WALK_RARE void
walk_mpls(struct walker *wk, const struct sflow_record *rec)
{
    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_word(wk, K("extendedType"), rec->schema->type_name, rec->schema->type_name_len);
    walk_field_at(wk, rec, SF_MPLS_NEXTHOP);
    walk_label_stack(wk, rec, SF_MPLS_IN_STACK);
    walk_label_stack(wk, rec, SF_MPLS_OUT_STACK);
}

/*
 * 0:1012 extended_vlantunnel: each 802.1Q tag as sflowtool shows it, the
 * TPID in hex immediately followed by "priority.CFI.VLAN".
 */
static WALK_RARE void
walk_vlan_tunnel(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_field *f = &rec->schema->fields[SF_VLANTUNNEL_STACK];
    const struct sflow_bytes *b = &rec->v[SF_VLANTUNNEL_STACK].b;
    size_t o = 0;
    uint32_t i, tag;

    if (rec->n_values < 1 || b->count == 0)
        return;
    for (i = 0; i < b->count; i++) {
        tag = sflow_list_u32(b, i);
        o = buf_put(wk->val, sizeof(wk->val), o, "%s0x%04x%u.%u.%u", i > 0 ? "-" : "",
            tag >> 16, (tag >> 13) & 7, (tag >> 12) & 1, tag & 4095);
    }
    walk_bytes(wk, f->name, f->name_len, wk->val, o, SFLOW_WALK_STR);
}

/* 0:2209 extended_tcp_info: the direction as a word. */
static WALK_RARE void
walk_tcp_info(struct walker *wk, const struct sflow_record *rec)
{
    static const char *const dirs[] = { "unknown", "received", "sent" };
    uint64_t dir = rec->v[SF_TCPINFO_DIRECTION].u;
    const char *s = dir < 3 ? dirs[dir] : "<bad value>";

    if (rec->n_values < 1)
        return;
    walk_word(wk, K("tcpinfo_direction"), s, strlen(s));
    walk_fields_range(wk, rec, SF_TCPINFO_DIRECTION + 1, SFLOW_MAX_FIELDS);
}

static void
walk_flow_record(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_schema *s = rec->schema;

    switch (rec->tag) {
    case SFLOW_TAG(0, SFLOW_FLOW_HEADER):
        if (rec->n_values == s->n_fields)
            walk_header(wk, rec);
        break;
    case SFLOW_TAG(0, SFLOW_FLOW_ETHERNET):
    case SFLOW_TAG(0, 1021):
    case SFLOW_TAG(0, 1022):
        walk_sampled_ethernet(wk, rec);
        break;
    case SFLOW_TAG(0, SFLOW_FLOW_IPV4):
    case SFLOW_TAG(0, 1023):
    case SFLOW_TAG(0, 1024):
    case SFLOW_TAG(0, SFLOW_FLOW_IPV6):
    case SFLOW_TAG(0, 1025):
    case SFLOW_TAG(0, 1026):
        walk_sampled_ip(wk, rec, s->fields[SF_IP_SRC].type == SFT_IP6);
        break;
    case SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY):
        walk_gateway(wk, rec);
        break;
    case SFLOW_TAG(0, 1004):
        walk_user(wk, rec);
        break;
    case SFLOW_TAG(0, 1006):
        walk_mpls(wk, rec);
        break;
    case SFLOW_TAG(0, 1012):
        walk_vlan_tunnel(wk, rec);
        break;
    case SFLOW_TAG(0, 2209):
        walk_tcp_info(wk, rec);
        break;
    default:
        /* Its type line, then its fields in wire order. */
        if (s->type_name != NULL && rec->tag == SFLOW_TAG(0, 2206))
            walk_word(wk, K("flowSampleType"), s->type_name, s->type_name_len);
        else if (s->type_name != NULL)
            walk_word(wk, K("extendedType"), s->type_name, s->type_name_len);
        walk_fields_range(wk, rec, 0, SFLOW_MAX_FIELDS);
        break;
    }
}

/* Counters 0:1004 of_port: the datapath id is 16 hex digits. */
static WALK_RARE void
walk_of_port(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_field *f = &rec->schema->fields[SF_OFPORT_DATAPATH];
    char id[24];

    if (rec->n_values < rec->schema->n_fields)
        return;
    snprintf(id, sizeof(id), "%016llx", (unsigned long long)rec->v[SF_OFPORT_DATAPATH].u);
    walk_word(wk, f->name, f->name_len, id, 16);
    walk_fields_range(wk, rec, SF_OFPORT_DATAPATH + 1, SFLOW_MAX_FIELDS);
}

/* ---- Samples ---- */

/* The flow records sflowtool decodes inside a discarded-packet sample. */
static int
walk_discard_known(uint32_t tag)
{
    switch (tag) {
    case SFLOW_TAG(0, SFLOW_FLOW_HEADER):
    case SFLOW_TAG(0, 1036):
    case SFLOW_TAG(0, 1038):
    case SFLOW_TAG(0, 1041):
    case SFLOW_TAG(0, 1042):
        return 1;
    default:
        return 0;
    }
}

static void
walk_element_begin(struct walker *wk, uint32_t tag)
{
    wk->element_tag = tag;
    walk_context(wk, LEVEL_ELEMENT);
    if (walk_json(wk))
        json_next_object(wk, &wk->elements_at, wk->samples_at + 1, K("elements"));
}

static void
walk_record(struct walker *wk, const struct sflow_record *rec, uint32_t sample_fmt)
{
    int counter = sample_fmt == SFLOW_COUNTERS_SAMPLE ||
        sample_fmt == SFLOW_COUNTERS_SAMPLE_EXPANDED;
    int discard = sample_fmt == SFLOW_DISCARDED_PACKET;
    int known = rec->schema != NULL && (!discard || walk_discard_known(rec->tag));
    const char *key = counter ? "counterBlock_tag" : "flowBlock_tag";
    size_t klen = counter ? sizeof("counterBlock_tag") - 1 : sizeof("flowBlock_tag") - 1;
    size_t old = 0;

    walk_element_begin(wk, rec->tag);
    if (discard)
        old = walk_prefix_push(wk, K("discarded_"));
    if (rec->schema != NULL)
        walk_word(wk, key, klen, rec->schema->tag_text, rec->schema->tag_text_len);
    else
        walk_tag(wk, key, klen, rec->tag);
    if (!known)
        walk_skip_note(wk, counter ? "counters_sample_element" : discard ?
            "discard_sample_element" : "flow_sample_element", rec->tag, rec->length);
    else if (!rec->error && counter && rec->tag == SFLOW_TAG(0, SFLOW_CTR_OPENFLOW_PORT))
        walk_of_port(wk, rec);
    else if (!rec->error && counter)
        walk_fields_range(wk, rec, 0, SFLOW_MAX_FIELDS);
    else if (!rec->error)
        walk_flow_record(wk, rec);
    if (discard)
        walk_prefix_pop(wk, old);
    if (walk_json(wk))
        json_close_to(wk, wk->elements_at);
}

/* An input/output word that is not an ifIndex: "dropCode N", "multiple N". */
static WALK_RARE void
walk_port_format(struct walker *wk, const char *key, size_t klen, uint32_t format,
    uint32_t value)
{
    static const char forms[4][12] = { "", "dropCode ", "multiple ", "format==3 " };
    char buf[32];
    int n = format > 3 ? 0 : snprintf(buf, sizeof(buf), "%s%u", forms[format], value);

    walk_word(wk, key, klen, buf, n > 0 && n < (int)sizeof(buf) ? (size_t)n : 0);
}

/* An input/output word: an ifIndex, as most are, or walk_port_format()'s. */
static inline void
walk_port(struct walker *wk, const char *key, size_t klen, uint32_t format, uint32_t value)
{
    if (format == 0)
        walk_num(wk, key, klen, value);
    else
        walk_port_format(wk, key, klen, format, value);
}

static void
walk_source_id(struct walker *wk, const struct sflow_sample *s)
{
    char *p = walk_begin(wk, K("sourceId"), SFLOW_WALK_STR);

    if (p == NULL)
        return;
    p = fmt_u64(p, s->ds_class);
    *p++ = ':';
    walk_end(wk, fmt_u64(p, s->ds_index), SFLOW_WALK_STR);
}

static void
walk_sample_fields(struct walker *wk, const struct sflow_sample *s, uint32_t fmt)
{
    const char *name;

    walk_num(wk, K("sampleSequenceNo"), s->seq);
    walk_source_id(wk, s);
    switch (fmt) {
    case SFLOW_FLOW_SAMPLE:
    case SFLOW_FLOW_SAMPLE_EXPANDED:
        walk_num(wk, K("meanSkipCount"), s->sampling_rate);
        walk_num(wk, K("samplePool"), s->sample_pool);
        walk_num(wk, K("dropEvents"), s->drops);
        walk_port(wk, K("inputPort"), s->input_format, s->input);
        walk_port(wk, K("outputPort"), s->output_format, s->output);
        break;
    case SFLOW_DISCARDED_PACKET:
        walk_num(wk, K("dropEvents"), s->drops);
        walk_num(wk, K("inputPort"), s->input);
        walk_num(wk, K("outputPort"), s->output);
        walk_num(wk, K("discardCode"), s->reason);
        name = drop_reason_name(s->reason);
        name = name != NULL ? name : "NotFound";
        walk_word(wk, K("discardReason"), name, strlen(name));
        break;
    default:
        break;
    }
}

static void
walk_enrich_emit(void *arg, const char *key, const char *val, size_t len,
    enum sflow_walk_kind kind)
{
    walk_bytes(arg, key, strnlen(key, WALK_KEY_MAX - 1), val, len, kind);
}

/*
 * The sample's IP addresses for the enrichment: those of its first record
 * that has them (a sampled header holding IP, a 0:3 or 0:4), in wire order.
 */
static void
walk_enrich(struct walker *wk, const struct sflow_sample *s, const struct sflow_enrich *e)
{
    const struct sflow_record *rec;
    const struct pkt_layer *l;
    uint32_t i;

    for (i = 0; (rec = flowrec_next_record(wk->dg, s, &i)) != NULL;) {
        if (rec->n_values < rec->schema->n_fields)
            continue;
        l = rec->pkt != NULL ? &rec->pkt->outer : NULL;
        if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER) && l != NULL &&
            (l->l3 == 4 || l->l3 == 6)) {
            e->fn(e->arg, l->l3 == 6, l->src_ip, l->dst_ip, walk_enrich_emit, wk);
            return;
        }
        if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV4) ||
            rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV6)) {
            e->fn(e->arg, rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV6),
                rec->v[SF_IP_SRC].b.p, rec->v[SF_IP_DST].b.p, walk_enrich_emit, wk);
            return;
        }
    }
}

static void
walk_sample_begin(struct walker *wk, const struct sflow_sample *s)
{
    wk->sample = s;
    wk->element_tag = 0;
    walk_context(wk, LEVEL_SAMPLE);
    walk_marker(wk, &wk->fmt->start_sample);
    if (wk->fields != NULL)
        text_fields_begin_sample(wk->fields);
    if (walk_json(wk))
        json_next_object(wk, &wk->samples_at, 1, K("samples"));
}

/* sflowtool prints no endSample, and no -L line, for a sample whose decoding failed. */
static void
walk_sample_end(struct walker *wk, const struct sflow_sample *s)
{
    if (!s->error)
        walk_marker(wk, &wk->fmt->end_sample);
    if (wk->fields != NULL)
        walk_fields_line(wk, !s->error && s->known);
    if (walk_json(wk)) {
        json_close_to(wk, wk->samples_at);
        wk->elements_at = 0;
    }
    wk->sample = NULL;
}

static void
walk_sample(struct walker *wk, const struct sflow_sample *s, const struct sflow_enrich *e)
{
    uint32_t fmt = SFLOW_FORMAT(s->tag), i;
    const char *type;

    walk_sample_begin(wk, s);
    walk_tag(wk, K("sampleType_tag"), s->tag);
    if (!s->known) {
        walk_skip_note(wk, "sample", s->tag, s->length);
    } else {
        type = fmt == SFLOW_FLOW_SAMPLE || fmt == SFLOW_FLOW_SAMPLE_EXPANDED ? "FLOWSAMPLE" :
            fmt == SFLOW_DISCARDED_PACKET ? "DISCARD" : "COUNTERSSAMPLE";
        walk_word(wk, K("sampleType"), type, strlen(type));
        if (s->header_ok) {
            walk_sample_fields(wk, s, fmt);
            if (e != NULL && e->fn != NULL && flowrec_is_flow_sample(s))
                walk_enrich(wk, s, e);
            for (i = 0; i < s->n_records && s->first_record + i < wk->dg->n_records; i++)
                walk_record(wk, &wk->dg->records[s->first_record + i], fmt);
        }
    }
    walk_sample_end(wk, s);
}

/* ---- Datagram ---- */

static void
walk_datagram_header(struct walker *wk)
{
    const struct dgram_meta *m = wk->meta;
    const struct sflow_datagram *dg = wk->dg;
    char buf[64];
    size_t n;

    /* sflowtool prints "-" and 0 here for a capture; we print what we know. */
    if (m->src[0] != '\0')
        walk_word(wk, K("datagramSourceIP"), m->src, strnlen(m->src, sizeof(m->src)));
    else
        walk_word(wk, K("datagramSourceIP"), K("-"));
    walk_num(wk, K("datagramSize"), dg->len);
    walk_num(wk, K("unixSecondsUTC"), (uint64_t)m->ts.tv_sec);
    walk_num(wk, K("unixSecondsUTC_uS"), (uint64_t)m->ts.tv_usec);
    n = sflow_walk_time(buf, sizeof(buf), (long long)m->ts.tv_sec);
    walk_word(wk, K("localtime"), buf, n);
    if (m->from_file) {
        walk_word(wk, K("pcapTimestamp"), buf, n);
        walk_num(wk, K("pcapTimestamp_uS"), (uint64_t)m->ts.tv_usec);
    }
    if (dg->stage < 1)
        return;
    walk_num(wk, K("datagramVersion"), dg->version);
    if (dg->stage < 2)
        return;
    walk_num(wk, K("agentSubId"), dg->sub_agent_id);
    walk_addr(wk, K("agent"), &dg->agent);
    walk_num(wk, K("packetSequenceNo"), dg->seq);
    walk_num(wk, K("sysUpTime"), dg->uptime);
    walk_num(wk, K("samplesInPacket"), dg->n_samples_declared);
}

/* JSON: the datagram's last member says why its decoding stopped. */
static WALK_RARE void
walk_error(struct walker *wk, const struct sflow_error *err)
{
    const char *s;

    json_open(wk, K("error"), '{');
    s = sflow_errname(err->code);
    walk_word(wk, K("code"), s, strlen(s));
    s = sflow_strerror(err->code);
    walk_word(wk, K("message"), s, strlen(s));
    walk_num(wk, K("offset"), err->offset);
    if (err->tag)
        walk_tag(wk, K("tag"), err->tag);
    if (err->expected || err->found) {
        walk_num(wk, K("expected"), err->expected);
        walk_num(wk, K("found"), err->found);
    }
    json_close_to(wk, wk->depth - 1);
}

static void
walk_datagram_end(struct walker *wk)
{
    char *p;

    walk_marker(wk, &wk->fmt->end_datagram);
    if (!walk_json(wk))
        return;
    json_close_to(wk, 1);
    if (wk->dg->err.code != SFLOW_OK)
        walk_error(wk, &wk->dg->err);
    json_close_to(wk, 0);
    json_unwrite_comma(wk);
    if (wk->cur > wk->lim)
        walk_grow(wk, 0);
    p = wk->cur;
    *p++ = '\n';
    if (wk->fmt->pretty)
        *p++ = '\n';
    wk->cur = p;
}

void
sflow_walk(struct obuf *out, const struct walk_format *fmt, struct text_fields *fields,
    const struct sflow_enrich *enrich, const struct dgram_meta *meta,
    const struct sflow_datagram *dg)
{
    struct walker wk;
    uint32_t i;

    memset(&wk, 0, offsetof(struct walker, key));
    wk.out = out;
    wk.fmt = fmt;
    walk_attach(&wk, 0);
    wk.fields = fields;
    wk.punct = fmt->syntax == WALK_TEXT ? punct_text :
        fmt->quote_numbers ? punct_json_strings : punct_json;
    wk.pick_mask = fields != NULL ? text_fields_keys(fields) : 0;
    wk.meta = meta;
    wk.dg = dg;
    walk_mode(&wk);
    if (fields != NULL)
        text_fields_begin_datagram(fields);
    walk_context(&wk, LEVEL_DATAGRAM);
    walk_marker(&wk, &fmt->start_datagram);
    if (walk_json(&wk))
        json_open(&wk, NULL, 0, '{');
    walk_datagram_header(&wk);
    if (dg->stage >= 2)
        for (i = 0; i < dg->n_samples && i < SFLOW_MAX_SAMPLES; i++)
            walk_sample(&wk, &dg->samples[i], enrich);
    walk_datagram_end(&wk);
    walk_detach(&wk);
}

size_t
sflow_walk_time(char *buf, size_t size, long long sec)
{
    /*
     * One strftime() per distinct second: captures hold many datagrams per
     * second, and localtime_r() reads the zone rules each time.
     */
    static _Thread_local long long cached_sec = -1;
    static _Thread_local char cached[64];
    static _Thread_local size_t cached_len;
    struct tm tm;
    time_t t = (time_t)sec;

    if (sec != cached_sec) {
        tzset();                /* localtime_r() need not read TZ itself. */
        if (localtime_r(&t, &tm) == NULL)
            return 0;
        cached_len = strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S%z", &tm);
        if (cached_len == 0)
            return 0;
        cached_sec = sec;
    }
    if (cached_len >= size)
        return 0;
    memcpy(buf, cached, cached_len + 1);
    return cached_len;
}
