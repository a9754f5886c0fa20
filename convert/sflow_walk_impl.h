/*
 * sflow_walk_impl: the walk itself, as a template compiled once per visitor.
 *
 * The order and names are those of sflowtool 6.11's text output, learnt
 * from its output on the shared corpus.  Most records are printed straight
 * from their schema (sflow_schema.c: sflowtool's names in wire order); the
 * walk special-cases only what a schema cannot say:
 *
 *   0:1      sampled header: the hex bytes, then the packet's fields
 *            (dstMAC, decodedVLAN, IPSize, srcIP, TCPSrcPort, ...)
 *   0:2,3,4  sampled Ethernet/IPv4/IPv6 (and the tunnel copies 1021-1026):
 *            printed in another order than on the wire, with derived
 *            fields (IPSize, TCPSrcPort or UDPSrcPort by protocol)
 *   0:1003   gateway: AS path segments and derived dst_as / dst_peer_as
 *   0:1004   user: charsets before the names
 *   0:1006   MPLS, 0:1012 VLAN tunnel: label stacks
 *   0:2209   tcp_info: direction as a word
 *   c 0:10   SFP lanes, c 0:1004 OpenFlow datapath id in hex,
 *   c 0:2001 host adapters (a nested list)
 *
 * Why a template: a datagram prints as some 300 lines, and through
 * function pointers every line cost a formatted copy in a temporary
 * buffer, an indirect call and a strlen() of its key, several times what
 * the renderer's own work costs.  Here the walk is written once and each
 * renderer compiles it with its visitor inlined, so that numbers and
 * addresses are formatted straight into the renderer's output buffer and
 * key lengths are known at compile time (or looked up once per schema).
 * sflow_walk.c instantiates it for the callback API of sflow_walk.h.
 *
 * To instantiate, a .c file defines, before including this file:
 *
 *   WALK_VISITOR   the type of the visitor's state ('V' below)
 *
 * and these functions (static inline), which see the walk's state 'w' as
 * callbacks of struct sflow_walk_ops do (sflow_walk.h gives the grammar):
 *
 *   walk_v_datagram_begin(V *, w)          walk_v_datagram_end(V *, w)
 *   walk_v_sample_begin(V *, w)            walk_v_sample_end(V *, w, complete)
 *   walk_v_element_begin(V *, w, tag, known)  walk_v_element_end(V *, w)
 *   walk_v_list_begin(V *, w, json_name, text_name)  walk_v_list_end(V *, w)
 *   walk_v_item_begin(V *, w)              walk_v_item_end(V *, w)
 *   walk_v_note(V *, w, text, len)
 *   walk_v_kv(V *, w, key, klen, val, len, kind)
 *       A value of any bytes ('val' NUL-terminated), to escape as needed.
 *   char *walk_v_value_begin(V *, w, key, klen, max, kind)
 *   walk_v_value_end(V *, w, key, klen, start, end, kind)
 *       A value the walk formats itself, in place: begin returns where to
 *       write at most 'max' bytes (plus one of slack), and end gets the
 *       bytes written, 'start' to 'end', not NUL-terminated.  Such values
 *       are plain printable ASCII that needs no escaping, and one of kind
 *       SFLOW_WALK_NUM is always a valid JSON number.  'max' is at most
 *       SFLOW_WALK_VALUE_MAX; 'key' is one of the walk's names, at most
 *       SFLOW_WALK_KEY_MAX bytes.
 *
 * A visitor may also take most values with one test, by defining WALK_FAST
 * and
 *
 *   char *walk_v_value_begin_fast(V *, key, klen, max, kind)
 *       As walk_v_value_begin(), or NULL to have the walk call that: it
 *       must return NULL for a NULL 'key' and throughout a sample whose
 *       'w->discarded' is set at walk_v_sample_begin() (its keys take a
 *       prefix that the walk adds only on the way to walk_v_value_begin()).
 *   walk_v_value_end_fast(V *, end, kind)
 *       Ends a value that walk_v_value_begin_fast() (or, below,
 *       walk_v_fkey_begin()) took: the bytes written end at 'end'.  Values
 *       that the slow way took end with walk_v_value_end().
 *
 * A visitor may also have the keys of schema fields (sflowtool's names of
 * counters and record fields, most of a datagram's lines) rendered once,
 * at start-up, in its own form ("ifInOctets " for text, "\"ifInOctets\":"
 * for JSON), so that a field's line costs a fixed-size copy of its key,
 * with no length, escaping or type decided per line.  It then defines
 * WALK_FKEY (with WALK_FAST) and:
 *
 *   size_t walk_v_key_render(char *dst, size_t size, const char *key, size_t klen)
 *       Writes the rendering of 'key' at 'dst' (at most 'size' bytes) and
 *       returns its length, or 0 if it cannot (the fields of that schema
 *       then take walk_v_value_begin()).  Runs before main(), once a name.
 *   char *walk_v_fkey_begin(V *, const struct walk_fkey *fk, max, kind)
 *       As walk_v_value_begin_fast() for key fk->name (fk->len bytes); the
 *       rendering is fk->r, fk->rlen bytes, and the WALK_FKEY_SLOT bytes of
 *       fk->r may be copied whole (zero padding) if there is room for them.
 *       Never called inside a list or a discarded-packet sample.
 *
 * 'key' is NULL for a scalar list member ('klen' 0).  The file defines
 * static functions named walk_* and fmt_*, and the entry point
 *
 *   static void walk_run(V *, void *arg, const struct dgram_meta *,
 *       const struct sflow_datagram *);
 *
 * Included without WALK_VISITOR defined, the file declares only what a
 * visitor may use (WALK_K, walk_copy(), the size limits); included again
 * once the visitor is defined, it compiles the walk, once per .c file.
 */
#ifndef SFK_SFLOW_WALK_IMPL_H
#define SFK_SFLOW_WALK_IMPL_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "drop_reason.h"
#include "fmt.h"
#include "rd.h"
#include "sflow_decode.h"
#include "sflow_schema.h"
#include "sflow_walk.h"

/*
 * Sampled headers longer than this are shown cut short: agents send 128
 * bytes by default (sFlowFsMaximumHeaderSize), and this bounds the hex
 * buffer, which lives on the stack.
 */
#define WALK_HEX_MAX 4096

/* The longest key and in-place value the walk passes to a visitor. */
#define SFLOW_WALK_KEY_MAX 128
#define SFLOW_WALK_VALUE_MAX (WALK_HEX_MAX * 3 + 64)

#define WALK_LIST_DEPTH 4

/*
 * A line's emitter is inlined where the line is written, so that its key's
 * length and the copy of the key fold to constants; what is rare (a key to
 * rename, a buffer to flush) stays out of line.
 */
#define WALK_INLINE static inline __attribute__((always_inline))
#define WALK_COLD static __attribute__((cold, noinline))

/*
 * The fast way is the likely one: said so, the compiler moves the slow
 * way's calls out of the hot code, which then takes fewer cache lines.
 */
#define WALK_LIKELY(x) __builtin_expect(!!(x), 1)

/*
 * A string literal and its length, as two arguments: keys cost no strlen()
 * at run time.  The "" makes anything but a literal a compile error.
 */
#define WALK_K(s) ("" s), (sizeof("" s) - 1)

/*
 * Keys and values are short: a few fixed-size moves beat a call to
 * memcpy() for a variable length, which was most of a line's cost.
 */
WALK_INLINE char *
walk_copy(char *dst, const char *src, size_t n)
{
    /* Two moves, overlapping in the middle, cover 'n' in [w, 2w]. */
    if (n >= 8) {
        if (n <= 16) {
            memcpy(dst, src, 8);
            memcpy(dst + n - 8, src + n - 8, 8);
        } else if (n <= 32) {
            memcpy(dst, src, 16);
            memcpy(dst + n - 16, src + n - 16, 16);
        } else {
            memcpy(dst, src, n);
        }
        return dst + n;
    }
    if (n >= 4) {
        memcpy(dst, src, 4);
        memcpy(dst + n - 4, src + n - 4, 4);
        return dst + n;
    }
    while (n-- > 0)
        *dst++ = *src++;
    return dst;
}

/*
 * A schema field's key as a visitor renders it (WALK_FKEY above); 'r' is
 * zero-padded to its whole size, which fits the longest name rendered.
 */
#define WALK_FKEY_SLOT 48

struct walk_fkey {
    char r[WALK_FKEY_SLOT];
    const char *name;                   /* The field's name... */
    uint8_t len;                        /* ...and its length. */
    uint8_t rlen;                       /* Bytes of 'r' that are the key. */
    uint8_t num;                        /* An unsigned integer (SFT_U8/U32/U64). */
};

/* ---- What sflow_walk.c keeps for every instantiation ---- */

/*
 * The held output of sflow_walk_hold(): a renderer asks for it with its
 * stream 'f' and gets the buffer (SFLOW_WALK_OUT_SIZE bytes, '*n' of them
 * in use) if 'f' is held, else NULL; it gives back how many bytes are in
 * use when its datagram is done.  sflow_walk_write() is how a renderer
 * empties any of its buffers.
 */
#define SFLOW_WALK_OUT_SIZE (1 << 16)
char *sflow_walk_out_take(FILE *f, size_t *n);
void sflow_walk_out_give(size_t n);
void sflow_walk_write(FILE *f, const char *buf, size_t n);

/*
 * A renderer's output: the held buffer or its own, where the next byte
 * goes, and 'lim', below which a value takes the renderer's fast way
 * ('end' when it may, else 'buf': one test per value stands for both).
 */
struct walk_buf {
    char *buf, *cur, *end, *lim;
    int held;
};

/* Takes the held output of 'f', or else 'own' ('size' bytes), fast way closed. */
static inline void
walk_buf_open(struct walk_buf *b, FILE *f, char *own, size_t size)
{
    size_t n = 0;

    b->buf = sflow_walk_out_take(f, &n);
    b->held = b->buf != NULL;
    if (!b->held) {
        b->buf = own;
        n = 0;
    }
    b->cur = b->buf + n;
    b->end = b->buf + (b->held ? SFLOW_WALK_OUT_SIZE : size);
    b->lim = b->buf;
}

/* The datagram is done: held output stays held, the own goes to 'f'. */
static inline void
walk_buf_close(struct walk_buf *b, FILE *f)
{
    if (b->held)
        sflow_walk_out_give((size_t)(b->cur - b->buf));
    else
        sflow_walk_write(f, b->buf, (size_t)(b->cur - b->buf));
    b->cur = b->buf;
}

static inline size_t
walk_buf_room(const struct walk_buf *b)
{
    return (size_t)(b->end - b->cur);
}

/* Whether a value of 'n' bytes may take the fast way (compared by difference:
 * no pointer past the buffer). */
static inline int
walk_buf_fast(const struct walk_buf *b, size_t n)
{
    return b->lim - b->cur >= (ptrdiff_t)n;
}

/* The enrichment hook (sflow_walk_set_enrich()); 'arg' gets its argument. */
sflow_walk_enrich_fn sflow_walk_enrich_get(void **arg);

/* Schemas of sflow_schema_all() that have rendered keys (WALK_FKEY). */
#define SFLOW_WALK_SCHEMAS_MAX 256

#endif /* SFK_SFLOW_WALK_IMPL_H */

/* The template: once per file, where the visitor is defined. */
#if defined(WALK_VISITOR) && !defined(SFK_SFLOW_WALK_TEMPLATE)
#define SFK_SFLOW_WALK_TEMPLATE

struct walker {
    struct sflow_walk w;                /* What visitors see. */
    WALK_VISITOR *v;
    int prefix;                         /* Keys take "discarded_". */
    uint32_t index_stack[WALK_LIST_DEPTH];
    char key[SFLOW_WALK_KEY_MAX];       /* Prefixed keys are built here. */
    char val[WALK_HEX_MAX * 3 + 64];    /* Joined lists are built here. */
};

/* ---- Formatting: straight into the visitor's buffer, no NUL ---- */

static const char walk_dec2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static const uint64_t walk_pow10[20] = {
    UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
    UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
    UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
    UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
    UINT64_C(1000000000000000), UINT64_C(10000000000000000),
    UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
    UINT64_C(10000000000000000000),
};

/* 'v' (< 10000) as exactly four digits. */
WALK_INLINE void
fmt_4(char *p, uint32_t v)
{
    memcpy(p, walk_dec2 + 2 * (v / 100), 2);
    memcpy(p + 2, walk_dec2 + 2 * (v % 100), 2);
}

/*
 * Writes 'v' (>= 100) in decimal at 'buf' (20 bytes suffice); returns its
 * end, so that the caller keeps nothing across the call.  The length comes first (from the bit length, "Bit Twiddling
 * Hacks"), so the digits go straight to their place, four per division:
 * counters are long numbers, and each division costs a multiplication.
 */
static char *
fmt_u64_long(char *buf, uint64_t v)
{
    size_t n, t;
    char *p;
    uint32_t v32, r;

    if (v < 1000) {
        buf[0] = (char)('0' + v / 100);
        memcpy(buf + 1, walk_dec2 + 2 * (v % 100), 2);
        return buf + 3;
    }
    if (v < 10000) {
        fmt_4(buf, (uint32_t)v);
        return buf + 4;
    }
    /* Counters of a busy port, pools, sequence numbers: five or six digits. */
    if (v < 100000) {
        buf[0] = (char)('0' + v / 10000);
        fmt_4(buf + 1, (uint32_t)(v % 10000));
        return buf + 5;
    }
    if (v < 1000000) {
        memcpy(buf, walk_dec2 + 2 * (v / 10000), 2);
        fmt_4(buf + 2, (uint32_t)(v % 10000));
        return buf + 6;
    }
    t = (size_t)((64 - __builtin_clzll(v)) * 1233) >> 12;
    n = t + (v >= walk_pow10[t]);
    p = buf + n;
    /* One 64-bit division per eight digits; what is left is above 42. */
    while (v > UINT32_MAX) {
        r = (uint32_t)(v % 100000000);
        v /= 100000000;
        p -= 8;
        fmt_4(p, r / 10000);
        fmt_4(p + 4, r % 10000);
    }
    for (v32 = (uint32_t)v; v32 >= 10000; v32 /= 10000) {
        p -= 4;
        fmt_4(p, v32 % 10000);
    }
    if (v32 >= 100) {
        p -= 2;
        memcpy(p, walk_dec2 + 2 * (v32 % 100), 2);
        v32 /= 100;
    }
    if (v32 >= 10)
        memcpy(p - 2, walk_dec2 + 2 * v32, 2);
    else
        p[-1] = (char)('0' + v32);
    return buf + n;
}

/* Most values are small (ports, TTLs, VLANs): those without a call. */
WALK_INLINE size_t
fmt_u64(char *buf, uint64_t v)
{
    if (v < 10) {
        buf[0] = (char)('0' + v);
        return 1;
    }
    if (v < 100) {
        memcpy(buf, walk_dec2 + 2 * v, 2);
        return 2;
    }
    return (size_t)(fmt_u64_long(buf, v) - buf);
}

static size_t
fmt_s64(char *buf, int64_t v)
{
    if (v < 0) {
        buf[0] = '-';
        return 1 + fmt_u64(buf + 1, (uint64_t)0 - (uint64_t)v);
    }
    return fmt_u64(buf, (uint64_t)v);
}

/* Two lowercase hex digits per byte, no separator (MACs, UUIDs). */
static inline size_t
fmt_hex(char *buf, const uint8_t *p, size_t n)
{
    return (size_t)(fmt_hex_lower(buf, p, n) - buf);
}

/* Sampled header bytes: "AE-18-B0"; writes one byte of slack past the end. */
static size_t
fmt_hex_dashed(char *buf, const uint8_t *p, size_t n)
{
    return (size_t)(fmt_hex_dash(buf, p, n) - buf);
}

/* 'v' in lowercase hex without leading zeros ("%x"). */
static size_t
fmt_hex_u32(char *buf, uint32_t v)
{
    char tmp[8];
    size_t n = 0, i;

    do {
        tmp[n++] = fmt_hex2_lower[2 * (v & 0xf) + 1];
        v >>= 4;
    } while (v != 0);
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

/* Dotted quad; the one formatter is convert/fmt.h's, shared with the receivers. */
static size_t
fmt_ip4(char *buf, const uint8_t *p)
{
    return (size_t)(fmt_ipv4(buf, p) - buf);
}

/* IPv6 in full: the one formatter is convert/fmt.h's, shared with -l. */
static size_t
fmt_ip6(char *buf, const uint8_t *p)
{
    return (size_t)(fmt_ipv6(buf, p) - buf);
}

static size_t
fmt_uuid(char *buf, const uint8_t *p)
{
    static const uint8_t groups[] = { 4, 2, 2, 2, 6 };
    size_t o = 0, i;

    for (i = 0; i < sizeof(groups); i++) {
        if (i > 0)
            buf[o++] = '-';
        o += fmt_hex(buf + o, p, groups[i]);
        p += groups[i];
    }
    return o;
}

/* "enterprise:format" */
static size_t
fmt_tag(char *buf, uint32_t tag)
{
    size_t o = fmt_u64(buf, SFLOW_ENTERPRISE(tag));

    buf[o++] = ':';
    return o + fmt_u64(buf + o, SFLOW_FORMAT(tag));
}

/* Appends 'src' to 'buf' of 'size' bytes holding 'o' bytes; truncates; NUL-terminates. */
static size_t
fmt_append(char *buf, size_t size, size_t o, const char *src, size_t n)
{
    if (o >= size)
        return o;
    if (n > size - 1 - o)
        n = size - 1 - o;
    memcpy(buf + o, src, n);
    buf[o + n] = '\0';
    return o + n;
}

/* Appends 'v' in decimal, as fmt_append(). */
static size_t
fmt_append_u64(char *buf, size_t size, size_t o, uint64_t v)
{
    char num[24];

    return fmt_append(buf, size, o, num, fmt_u64(num, v));
}

/* ---- Emitting events ---- */

/* sflowtool names what describes a dropped packet "discarded_...". */
WALK_COLD void
walk_prefix_key(struct walker *wk, const char **key, size_t *klen)
{
    size_t n = *klen;

    if (n > sizeof(wk->key) - 11)
        n = sizeof(wk->key) - 11;
    /* memmove: the key may have been built in wk->key. */
    memmove(wk->key + 10, *key, n);
    memcpy(wk->key, "discarded_", 10);
    wk->key[10 + n] = '\0';
    *key = wk->key;
    *klen = 10 + n;
}

WALK_INLINE void
walk_fix_key(struct walker *wk, const char **key, size_t *klen)
{
    if (wk->prefix && *key != NULL)
        walk_prefix_key(wk, key, klen);
}

/* After a value: a scalar list member moves the list's index on. */
WALK_INLINE void
walk_kv_done(struct walker *wk, const char *key)
{
    if (key == NULL && wk->w.depth > 0)
        wk->w.index++;
}

static void
walk_kv(struct walker *wk, const char *key, size_t klen, const char *val, size_t len,
    enum sflow_walk_kind kind)
{
    walk_fix_key(wk, &key, &klen);
    walk_v_kv(wk->v, &wk->w, key, klen, val, len, kind);
    walk_kv_done(wk, key);
}

/*
 * A value formatted in place: walk_value_begin() returns where to write at
 * most 'max' bytes and sets '*fast' if the visitor's fast path took it;
 * walk_value_end() gets the start, the length and that flag back.  The
 * fast path ends with no test at all: it is most of a datagram's lines.
 */
WALK_COLD char *
walk_value_begin_slow(struct walker *wk, const char **key, size_t *klen, size_t max,
    enum sflow_walk_kind kind)
{
    walk_fix_key(wk, key, klen);
    return walk_v_value_begin(wk->v, &wk->w, *key, *klen, max, kind);
}

WALK_INLINE char *
walk_value_begin(struct walker *wk, const char **key, size_t *klen, size_t max,
    enum sflow_walk_kind kind, int *fast)
{
#ifdef WALK_FAST
    /* The visitor's one test covers the key's prefix too (see WALK_FAST). */
    char *p = walk_v_value_begin_fast(wk->v, *key, *klen, max, kind);

    *fast = p != NULL;
    if (WALK_LIKELY(p != NULL))
        return p;
#else
    *fast = 0;
#endif
    return walk_value_begin_slow(wk, key, klen, max, kind);
}

WALK_INLINE void
walk_value_end(struct walker *wk, const char *key, size_t klen, char *start, size_t len,
    enum sflow_walk_kind kind, int fast)
{
#ifdef WALK_FAST
    if (WALK_LIKELY(fast)) {
        walk_v_value_end_fast(wk->v, start + len, kind);
        return;
    }
#endif
    (void)fast;
    walk_v_value_end(wk->v, &wk->w, key, klen, start, start + len, kind);
    walk_kv_done(wk, key);
}

WALK_INLINE void
walk_num(struct walker *wk, const char *key, size_t klen, uint64_t v)
{
    int fast;
    char *p = walk_value_begin(wk, &key, &klen, 20, SFLOW_WALK_NUM, &fast);

    walk_value_end(wk, key, klen, p, fmt_u64(p, v), SFLOW_WALK_NUM, fast);
}

WALK_INLINE void
walk_snum(struct walker *wk, const char *key, size_t klen, int64_t v)
{
    int fast;
    char *p = walk_value_begin(wk, &key, &klen, 21, SFLOW_WALK_NUM, &fast);

    walk_value_end(wk, key, klen, p, fmt_s64(p, v), SFLOW_WALK_NUM, fast);
}

/*
 * 's' is one of the walk's own words (a type name, "FLOWSAMPLE", a drop
 * reason), NUL-terminated: printable ASCII without '"' or '\\', so it is
 * written in place like a formatted value.  Anything else goes to walk_kv().
 */
WALK_INLINE void
walk_word(struct walker *wk, const char *key, size_t klen, const char *s, size_t n)
{
    char *p;
    int fast;

    if (n > 64) {
        walk_kv(wk, key, klen, s, n, SFLOW_WALK_STR);
        return;
    }
    p = walk_value_begin(wk, &key, &klen, n, SFLOW_WALK_STR, &fast);
    walk_value_end(wk, key, klen, p, (size_t)(walk_copy(p, s, n) - p), SFLOW_WALK_STR, fast);
}

WALK_INLINE void
walk_str(struct walker *wk, const char *key, size_t klen, const char *s)
{
    walk_word(wk, key, klen, s, strlen(s));
}

/* A record's type name (flowSampleType, extendedType). */
WALK_INLINE void
walk_type_name(struct walker *wk, const char *key, size_t klen, const struct sflow_schema *s)
{
    walk_word(wk, key, klen, s->type_name, s->type_name_len);
}

WALK_INLINE void
walk_tag(struct walker *wk, const char *key, size_t klen, uint32_t tag)
{
    int fast;
    char *p = walk_value_begin(wk, &key, &klen, 24, SFLOW_WALK_STR, &fast);

    walk_value_end(wk, key, klen, p, fmt_tag(p, tag), SFLOW_WALK_STR, fast);
}

WALK_INLINE void
walk_mac(struct walker *wk, const char *key, size_t klen, const uint8_t *mac)
{
    int fast;
    char *p = walk_value_begin(wk, &key, &klen, 12, SFLOW_WALK_STR, &fast);

    walk_value_end(wk, key, klen, p, fmt_hex(p, mac, 6), SFLOW_WALK_STR, fast);
}

/* Addresses: IPv4 inline, where its key is a literal, as most are. */
WALK_INLINE void
walk_ip4(struct walker *wk, const char *key, size_t klen, const uint8_t *a)
{
    int fast;
    char *p = walk_value_begin(wk, &key, &klen, 16, SFLOW_WALK_STR, &fast);

    walk_value_end(wk, key, klen, p, fmt_ip4(p, a), SFLOW_WALK_STR, fast);
}

static void
walk_ip6(struct walker *wk, const char *key, size_t klen, const uint8_t *a)
{
    int fast;
    char *p = walk_value_begin(wk, &key, &klen, 40, SFLOW_WALK_STR, &fast);

    walk_value_end(wk, key, klen, p, fmt_ip6(p, a), SFLOW_WALK_STR, fast);
}

WALK_INLINE void
walk_ip(struct walker *wk, const char *key, size_t klen, const uint8_t *a, int v6)
{
    if (v6)
        walk_ip6(wk, key, klen, a);
    else
        walk_ip4(wk, key, klen, a);
}

static void
walk_note(struct walker *wk, const char *text, size_t len)
{
    walk_v_note(wk->v, &wk->w, text, len);
}

/* "skipping unknown <what>: E:F len=N", as sflowtool says it (len is signed). */
static void
walk_skip_note(struct walker *wk, const char *what, uint32_t tag, uint32_t len)
{
    char buf[128];
    size_t o = 0;
    char num[24];

    o = fmt_append(buf, sizeof(buf), o, "skipping unknown ", 17);
    o = fmt_append(buf, sizeof(buf), o, what, strlen(what));
    o = fmt_append(buf, sizeof(buf), o, ": ", 2);
    o = fmt_append(buf, sizeof(buf), o, num, fmt_tag(num, tag));
    o = fmt_append(buf, sizeof(buf), o, " len=", 5);
    o = fmt_append(buf, sizeof(buf), o, num, fmt_s64(num, (int32_t)len));
    walk_note(wk, buf, o);
}

static void
walk_list_begin(struct walker *wk, const char *json_name, const char *text_name)
{
    if (wk->w.depth < WALK_LIST_DEPTH)
        wk->index_stack[wk->w.depth] = wk->w.index;
    wk->w.depth++;
    wk->w.index = 0;
    walk_v_list_begin(wk->v, &wk->w, json_name, text_name);
}

static void
walk_list_end(struct walker *wk)
{
    walk_v_list_end(wk->v, &wk->w);
    wk->w.depth--;
    wk->w.index = wk->w.depth < WALK_LIST_DEPTH ? wk->index_stack[wk->w.depth] : 0;
}

static void
walk_item_begin(struct walker *wk)
{
    walk_v_item_begin(wk->v, &wk->w);
}

static void
walk_item_end(struct walker *wk)
{
    walk_v_item_end(wk->v, &wk->w);
    wk->w.index++;
}

/*
 * Builds 'prefix' + 'name' in wk->key (for tunnel copies of sampled
 * records); returns its length.
 */
static size_t
walk_key(struct walker *wk, const char *prefix, size_t plen, const char *name)
{
    size_t o = fmt_append(wk->key, sizeof(wk->key), 0, prefix, plen);

    return fmt_append(wk->key, sizeof(wk->key), o, name, strlen(name));
}

/* ---- Schema keys rendered by the visitor (WALK_FKEY) ---- */

#ifdef WALK_FKEY
#define WALK_FKEYS_MAX 1024

static struct walk_fkey walk_fkeys[WALK_FKEYS_MAX];
/* Per schema of sflow_schema_all(): 1 + index of its first field's key, or 0. */
static uint16_t walk_fkey_base[SFLOW_WALK_SCHEMAS_MAX];
static const struct sflow_schema *walk_fkey_schemas;
static size_t walk_fkey_n_schemas;

/*
 * Before main(), as sflow_walk.c's name lengths: read-only after.  A
 * schema whose names do not all render keeps no keys, so that a key in
 * the table is always usable.
 */
__attribute__((constructor)) static void
walk_fkeys_build(void)
{
    const struct sflow_schema *all;
    struct walk_fkey *fk;
    size_t n, i, k, len, rlen, used = 0;
    int ok;

    all = sflow_schema_all(&n);
    if (n > SFLOW_WALK_SCHEMAS_MAX)
        n = SFLOW_WALK_SCHEMAS_MAX;
    for (i = 0; i < n; i++) {
        if (all[i].n_fields > WALK_FKEYS_MAX - used)
            break;
        ok = 1;
        for (k = 0; k < all[i].n_fields && ok; k++) {
            fk = &walk_fkeys[used + k];
            len = all[i].fields[k].name_len;
            rlen = len <= SFLOW_WALK_KEY_MAX ?
                walk_v_key_render(fk->r, sizeof(fk->r), all[i].fields[k].name, len) : 0;
            if (rlen == 0 || rlen > sizeof(fk->r))
                ok = 0;
            fk->name = all[i].fields[k].name;
            fk->len = (uint8_t)len;
            fk->rlen = (uint8_t)rlen;
            fk->num = all[i].fields[k].type == SFT_U8 || all[i].fields[k].type == SFT_U32 ||
                all[i].fields[k].type == SFT_U64;
        }
        if (!ok)
            continue;
        walk_fkey_base[i] = (uint16_t)(used + 1);
        used += all[i].n_fields;
    }
    walk_fkey_n_schemas = n;
    walk_fkey_schemas = all;
}
#endif

/* The rendered keys of the fields of 'schema', if the walk may use them now. */
static inline const struct walk_fkey *
walk_fkey(const struct walker *wk, const struct sflow_schema *schema)
{
#ifdef WALK_FKEY
    size_t k = ((uintptr_t)schema - (uintptr_t)walk_fkey_schemas) / sizeof(*schema);

    if (wk->prefix || wk->w.depth > 0 || (uintptr_t)schema < (uintptr_t)walk_fkey_schemas ||
        k >= walk_fkey_n_schemas || walk_fkey_base[k] == 0)
        return NULL;
    return &walk_fkeys[walk_fkey_base[k] - 1];
#else
    (void)wk, (void)schema;
    return NULL;
#endif
}

/* walk_value_begin() for a field with a rendered key. */
WALK_INLINE char *
walk_fkey_begin(struct walker *wk, const struct walk_fkey *fk, size_t max,
    enum sflow_walk_kind kind, int *fast)
{
    const char *key = fk->name;
    size_t klen = fk->len;
#ifdef WALK_FKEY
    char *p = walk_v_fkey_begin(wk->v, fk, max, kind);

    *fast = p != NULL;
    if (WALK_LIKELY(p != NULL))
        return p;
    return walk_value_begin_slow(wk, &key, &klen, max, kind);
#else
    return walk_value_begin(wk, &key, &klen, max, kind, fast);
#endif
}

/* Where field 'key' goes: after its rendered key 'fk', if it has one. */
WALK_INLINE char *
walk_field_begin(struct walker *wk, const struct walk_fkey *fk, const char **key,
    size_t *klen, size_t max, enum sflow_walk_kind kind, int *fast)
{
    if (fk != NULL)
        return walk_fkey_begin(wk, fk, max, kind, fast);
    return walk_value_begin(wk, key, klen, max, kind, fast);
}

/* ---- Schema fields ---- */

static void
walk_percent(struct walker *wk, const char *key, size_t klen, int64_t hundredths)
{
    char buf[64];
    int n;

    if ((uint32_t)hundredths == UINT32_MAX) {
        walk_str(wk, key, klen, "unknown");
        return;
    }
    /* As sflowtool: through a float, so large values round the same way. */
    n = snprintf(buf, sizeof(buf), "%.2f", (double)((float)(uint32_t)hundredths / 100.0f));
    if (n > 0 && (size_t)n < sizeof(buf))
        walk_kv(wk, key, klen, buf, (size_t)n, SFLOW_WALK_NUM);
}

/* A string<>: up to its first NUL, as sflowtool copies it into a C string. */
static void
walk_string(struct walker *wk, const char *key, size_t klen, const struct sflow_bytes *b)
{
    size_t n = b->len;
    const void *nul;

    if (b->p == NULL)
        n = 0;
    else if ((nul = memchr(b->p, 0, n)) != NULL)
        n = (size_t)((const uint8_t *)nul - b->p);
    if (n > sizeof(wk->val) - 1)
        n = sizeof(wk->val) - 1;
    if (n > 0)
        memcpy(wk->val, b->p, n);
    wk->val[n] = '\0';
    walk_kv(wk, key, klen, wk->val, n, SFLOW_WALK_STR);
}

static void
walk_u32_list(struct walker *wk, const char *key, size_t klen, const struct sflow_bytes *b)
{
    size_t o = 0;
    uint32_t i;

    wk->val[0] = '\0';
    for (i = 0; i < b->count; i++) {
        if (i > 0)
            o = fmt_append(wk->val, sizeof(wk->val), o, "-", 1);
        o = fmt_append_u64(wk->val, sizeof(wk->val), o, sflow_list_u32(b, i));
    }
    walk_kv(wk, key, klen, wk->val, o, SFLOW_WALK_STR);
}

static void
walk_addr(struct walker *wk, const char *key, size_t klen, const struct sflow_addr *a)
{
    if (a->type == SFLOW_ADDR_IP4 || a->type == SFLOW_ADDR_IP6)
        walk_ip(wk, key, klen, a->a, a->type == SFLOW_ADDR_IP6);
    else
        walk_str(wk, key, klen, "-");
}

/*
 * host_adapters: text flattens it to adaptor_<i>_ifIndex, adaptor_<i>_MACs,
 * adaptor_<i>_MAC_<j>; JSON nests "adaptor_list" / "mac_list".
 */
static void
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
        walk_num(wk, WALK_K("ifIndex"), if_index);
        walk_num(wk, WALK_K("MACs"), n_macs);
        walk_list_begin(wk, "mac_list", "MAC");
        for (j = 0; j < n_macs; j++)
            walk_mac(wk, NULL, 0, macs + (size_t)j * 8);
        walk_list_end(wk);
        walk_item_end(wk);
        pos = next;
    }
    walk_list_end(wk);
}

/* sfp_lane: 10 unsigned ints per lane. */
static void
walk_lanes(struct walker *wk, const struct sflow_bytes *b)
{
    static const char *const names[10] = {
        "index", "tx_bias_current_uA", "tx_power_uW", "tx_power_min_uW",
        "tx_power_max_uW", "tx_wavelength_nM", "rx_power_uW",
        "rx_power_min_uW", "rx_power_max_uW", "rx_wavelength_nM",
    };
    uint32_t i, k;

    walk_num(wk, WALK_K("sfp_module_active_lanes"), b->count);
    walk_list_begin(wk, "sfp_lanes", "sfp_lane");
    for (i = 0; i < b->count; i++) {
        walk_item_begin(wk);
        for (k = 0; k < 10; k++)
            walk_num(wk, names[k], strlen(names[k]), sflow_list_u32(b, i * 10 + k));
        walk_item_end(wk);
    }
    walk_list_end(wk);
}

/* An opaque<> field ('fk' its rendered key, or NULL) as dashed hex bytes. */
WALK_INLINE void
walk_opaque(struct walker *wk, const struct walk_fkey *fk, const char *key, size_t klen,
    const struct sflow_bytes *b)
{
    size_t n = b->len < WALK_HEX_MAX ? b->len : WALK_HEX_MAX;
    char *p;
    int fast;

    if (b->p == NULL)
        n = 0;
    p = walk_field_begin(wk, fk, &key, &klen, n * 3, SFLOW_WALK_STR, &fast);
    walk_value_end(wk, key, klen, p, fmt_hex_dashed(p, b->p, n), SFLOW_WALK_STR, fast);
}

/* One schema field, formatted by its type; 'fk' is its rendered key, or NULL. */
static void
walk_field(struct walker *wk, const struct walk_fkey *fk, const char *key, size_t klen,
    const struct sflow_field *f, const union sflow_value *v)
{
    char buf[64];
    char *p;
    int len, fast;

    switch (f->type) {
    case SFT_U32:
    case SFT_U64:
    case SFT_U8:
        p = walk_field_begin(wk, fk, &key, &klen, 20, SFLOW_WALK_NUM, &fast);
        walk_value_end(wk, key, klen, p, fmt_u64(p, v->u), SFLOW_WALK_NUM, fast);
        break;
    case SFT_S32:
        p = walk_field_begin(wk, fk, &key, &klen, 21, SFLOW_WALK_NUM, &fast);
        walk_value_end(wk, key, klen, p, fmt_s64(p, v->s), SFLOW_WALK_NUM, fast);
        break;
    case SFT_FLOAT:
        /* Through walk_kv(): printf may say "nan", which JSON checks. */
        len = snprintf(buf, sizeof(buf), "%.3f", (double)v->f);
        if (len > 0 && (size_t)len < sizeof(buf))
            walk_kv(wk, key, klen, buf, (size_t)len, SFLOW_WALK_NUM);
        break;
    case SFT_PERCENT:
        walk_percent(wk, key, klen, v->s);
        break;
    case SFT_MAC:
        if (v->b.p != NULL) {
            p = walk_field_begin(wk, fk, &key, &klen, 12, SFLOW_WALK_STR, &fast);
            walk_value_end(wk, key, klen, p, fmt_hex(p, v->b.p, 6), SFLOW_WALK_STR, fast);
        }
        break;
    case SFT_IP4:
    case SFT_IP6:
        if (v->b.p != NULL) {
            p = walk_field_begin(wk, fk, &key, &klen, 40, SFLOW_WALK_STR, &fast);
            walk_value_end(wk, key, klen, p,
                f->type == SFT_IP6 ? fmt_ip6(p, v->b.p) : fmt_ip4(p, v->b.p), SFLOW_WALK_STR, fast);
        }
        break;
    case SFT_ADDR:
        walk_addr(wk, key, klen, &v->addr);
        break;
    case SFT_STR:
        walk_string(wk, key, klen, &v->b);
        break;
    case SFT_UUID:
        if (v->b.p != NULL) {
            p = walk_field_begin(wk, fk, &key, &klen, 36, SFLOW_WALK_STR, &fast);
            walk_value_end(wk, key, klen, p, fmt_uuid(p, v->b.p), SFLOW_WALK_STR, fast);
        }
        break;
    case SFT_OPAQUE:
        walk_opaque(wk, fk, key, klen, &v->b);
        break;
    case SFT_U32_LIST:
        walk_u32_list(wk, key, klen, &v->b);
        break;
    case SFT_AS_PATH:
        break;                  /* Only in 0:1003, which has its own walk. */
    case SFT_ADAPTERS:
        walk_adapters(wk, &v->b);
        break;
    case SFT_LANES:
        walk_lanes(wk, &v->b);
        break;
    }
}

/*
 * Strings the agent left empty are not printed, as sflowtool does for all
 * but the user and URL records.
 */
static int
walk_field_present(const struct sflow_record *rec, size_t i)
{
    const struct sflow_field *f = &rec->schema->fields[i];

    if (f->type != SFT_STR || rec->v[i].b.len > 0)
        return 1;
    return rec->tag == SFLOW_TAG(0, 1005);
}

/* Field 'i' of 'rec' by its schema name. */
static void
walk_field_i(struct walker *wk, const struct sflow_record *rec, size_t i)
{
    const struct sflow_schema *s = rec->schema;
    const struct walk_fkey *fk = walk_fkey(wk, s);

    if (fk != NULL)
        walk_field(wk, &fk[i], fk[i].name, fk[i].len, &s->fields[i], &rec->v[i]);
    else
        walk_field(wk, NULL, s->fields[i].name, s->fields[i].name_len, &s->fields[i],
            &rec->v[i]);
}

/* Fields 'from' to 'to' - 1 of 'rec' (as many as it has), in order. */
WALK_INLINE void
walk_fields_range(struct walker *wk, const struct sflow_record *rec, size_t from, size_t to)
{
    const struct sflow_schema *s = rec->schema;
    const struct walk_fkey *fk = walk_fkey(wk, s);
    size_t i, n = rec->n_values < s->n_fields ? rec->n_values : s->n_fields;
#ifdef WALK_FKEY
    WALK_VISITOR *v = wk->v;
    const union sflow_value *val = rec->v;
    char *p;
#endif

    if (to < n)
        n = to;
    if (fk == NULL) {
        for (i = from; i < n; i++)
            if (walk_field_present(rec, i))
                walk_field_i(wk, rec, i);
        return;
    }
    /*
     * Counters are runs of integers: those lines cost a copy of their
     * rendered key and the digits, nothing looked up or decided per line.
     * Anything else, or a key the visitor cannot take the fast way, goes
     * through walk_field().
     */
    for (i = from; i < n; i++) {
#ifdef WALK_FKEY
        if (fk[i].num && (p = walk_v_fkey_begin(v, &fk[i], 20, SFLOW_WALK_NUM)) != NULL) {
            walk_v_value_end_fast(v, p + fmt_u64(p, val[i].u), SFLOW_WALK_NUM);
            continue;
        }
#endif
        if (walk_field_present(rec, i))
            walk_field(wk, &fk[i], fk[i].name, fk[i].len, &s->fields[i], &rec->v[i]);
    }
}

static void
walk_fields(struct walker *wk, const struct sflow_record *rec)
{
    walk_fields_range(wk, rec, 0, SFLOW_MAX_FIELDS);
}

/* ---- Special flow records ---- */

/* Field 'i' of 'rec', if present; for records printed out of order. */
static void
walk_field_at(struct walker *wk, const struct sflow_record *rec, size_t i)
{
    if (i < rec->n_values && i < rec->schema->n_fields)
        walk_field_i(wk, rec, i);
}

/*
 * Field 'name' (a literal) of a packet in a sampled header, written with
 * 'emit' (walk_num, walk_ip4...): the outer packet's key is the literal,
 * that of a tunnel's payload 'pfx' ("inner_") and the literal, built in
 * wk->key.  Where 'pfx' is a constant the test folds away.
 */
#define WALK_PKT(emit, wk, pfx, name, ...) do {                                 \
        if ((pfx) == NULL) {                                                    \
            emit((wk), WALK_K(name), __VA_ARGS__);                              \
        } else {                                                                \
            size_t walk_pkt_n_ = walk_key((wk), (pfx), strlen(pfx), "" name);   \
            emit((wk), (wk)->key, walk_pkt_n_, __VA_ARGS__);                    \
        }                                                                       \
    } while (0)

/* Layer 4 of a decoded packet header; sflowtool wants 8 bytes of it. */
WALK_INLINE void
walk_pkt_l4(struct walker *wk, const struct pkt_layer *l, uint32_t proto,
    size_t captured, const char *pfx)
{
    if (l->l4 == 0 || l->l4 != (int)proto || l->l4_offset + 8 > captured)
        return;
    switch (proto) {
    case 1:
        WALK_PKT(walk_num, wk, pfx, "ICMPType", l->icmp_type);
        WALK_PKT(walk_num, wk, pfx, "ICMPCode", l->icmp_code);
        break;
    case 6:
        WALK_PKT(walk_num, wk, pfx, "TCPSrcPort", l->src_port);
        WALK_PKT(walk_num, wk, pfx, "TCPDstPort", l->dst_port);
        WALK_PKT(walk_num, wk, pfx, "TCPFlags", l->tcp_flags);
        break;
    case 17:
        WALK_PKT(walk_num, wk, pfx, "UDPSrcPort", l->src_port);
        WALK_PKT(walk_num, wk, pfx, "UDPDstPort", l->dst_port);
        WALK_PKT(walk_num, wk, pfx, "UDPBytes", l->udp_len);
        break;
    default:
        break;
    }
}

WALK_INLINE void
walk_pkt_ipv4(struct walker *wk, const struct pkt_layer *l, size_t captured, const char *pfx)
{
    /*
     * IPID: sflowtool prints the field without converting it from network
     * byte order; we print its value (docs/compat.md).
     */
    WALK_PKT(walk_num, wk, pfx, "ip.tot_len", l->ip_total_len);
    WALK_PKT(walk_ip4, wk, pfx, "srcIP", l->src_ip);
    WALK_PKT(walk_ip4, wk, pfx, "dstIP", l->dst_ip);
    WALK_PKT(walk_num, wk, pfx, "IPProtocol", l->proto);
    WALK_PKT(walk_num, wk, pfx, "IPTOS", l->tos);
    WALK_PKT(walk_num, wk, pfx, "IPTTL", l->ttl);
    WALK_PKT(walk_num, wk, pfx, "IPID", l->ip_id);
    if (l->ip_frag_off > 0) {
        WALK_PKT(walk_num, wk, pfx, "IPFragmentOffset", l->ip_frag_off);
        return;
    }
    walk_pkt_l4(wk, l, l->proto, captured, pfx);
}

/*
 * sflowtool walks IPv6 extension headers itself, naming each one, and
 * sizes them all as (len + 1) * 8 bytes; the names and the protocol it
 * ends on are reproduced from the bytes, the transport fields come from
 * pkt_parse when both walks end on the same protocol.
 */
static void
walk_pkt_ipv6(struct walker *wk, const struct pkt_layer *l, const uint8_t *p,
    size_t captured, const char *pfx)
{
    size_t off = l->l3_offset + 40;
    uint32_t nh = l->ip6_first_nh;
    int n = 0, walked_ok = 1, fast;
    const char *key;
    size_t klen;
    char *o;

    WALK_PKT(walk_num, wk, pfx, "IPTOS", l->tos);
    key = "IP6_label";
    klen = sizeof("IP6_label") - 1;
    if (pfx != NULL) {
        klen = walk_key(wk, pfx, strlen(pfx), key);
        key = wk->key;
    }
    o = walk_value_begin(wk, &key, &klen, 10, SFLOW_WALK_STR, &fast);
    o[0] = '0';
    o[1] = 'x';
    walk_value_end(wk, key, klen, o, 2 + fmt_hex_u32(o + 2, l->ip6_flow_label),
        SFLOW_WALK_STR, fast);
    if (l->ip6_payload_len == 0)
        WALK_PKT(walk_str, wk, pfx, "IPV6_payloadLen", "<jumbo>");
    else
        WALK_PKT(walk_num, wk, pfx, "IPV6_payloadLen", l->ip6_payload_len);
    WALK_PKT(walk_num, wk, pfx, "IPTTL", l->ttl);
    WALK_PKT(walk_ip6, wk, pfx, "srcIP6", l->src_ip);
    WALK_PKT(walk_ip6, wk, pfx, "dstIP6", l->dst_ip);
    while ((nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60) && n < 16) {
        WALK_PKT(walk_num, wk, pfx, "IP6HeaderExtension", nh);
        if (off + 2 > captured) {
            walked_ok = 0;
            break;
        }
        nh = p[off];
        off += ((size_t)p[off + 1] + 1) * 8;
        n++;
        if (off > captured)
            return;             /* sflowtool stops here: ran off the header. */
    }
    if (!walked_ok)
        return;
    WALK_PKT(walk_num, wk, pfx, "IPProtocol", nh);
    if (nh == l->proto)
        walk_pkt_l4(wk, l, nh, captured, pfx);
}

/*
 * The fields of one packet of a sampled header, 'proto' saying how it
 * starts (sFlow header protocol): the outer packet's ('pfx' NULL), or a
 * tunnel's payload, whose keys take 'pfx'.
 */
WALK_INLINE void
walk_pkt_fields(struct walker *wk, const struct sflow_record *rec, const struct pkt_layer *l,
    uint32_t proto, const char *pfx)
{
    int64_t size;
    int i, n;
    char name[48];

    if (proto == PKT_PROTO_ETHERNET) {
        if (!l->has_eth)
            return;
        WALK_PKT(walk_mac, wk, pfx, "dstMAC", l->dst_mac);
        WALK_PKT(walk_mac, wk, pfx, "srcMAC", l->src_mac);
        for (i = 0; i < l->n_vlans; i++) {
            if (i == 0) {
                WALK_PKT(walk_num, wk, pfx, "decodedVLAN", l->vlan_id[i]);
                WALK_PKT(walk_num, wk, pfx, "decodedPriority", l->vlan_prio[i]);
                continue;
            }
            n = snprintf(name, sizeof(name), "%sdecodedVLAN.%d", pfx ? pfx : "", i);
            walk_num(wk, name, (size_t)n, l->vlan_id[i]);
            n = snprintf(name, sizeof(name), "%sdecodedPriority.%d", pfx ? pfx : "", i);
            walk_num(wk, name, (size_t)n, l->vlan_prio[i]);
        }
        if (l->eth_type == 0)
            return;
        WALK_PKT(walk_num, wk, pfx, "ethernet_type", l->eth_type);
    }
    if (l->l3 == 0 && proto == PKT_PROTO_ETHERNET)
        return;
    /* The IP packet's size on the wire, from what the agent says it cut. */
    size = (int64_t)(int32_t)((uint32_t)rec->v[1].u - (uint32_t)rec->v[2].u -
        (uint32_t)l->l3_offset);
    WALK_PKT(walk_snum, wk, pfx, "IPSize", size);
    if (l->l3 == 4)
        walk_pkt_ipv4(wk, l, rec->v[3].b.len, pfx);
    else if (l->l3 == 6)
        walk_pkt_ipv6(wk, l, rec->v[3].b.p, rec->v[3].b.len, pfx);
}

/* MPLS label stack entry 'lse' as "label.exp.bos.ttl", appended to 'buf'. */
static size_t
fmt_append_lse(char *buf, size_t size, size_t o, uint32_t lse)
{
    o = fmt_append_u64(buf, size, o, lse >> 12);
    o = fmt_append(buf, size, o, ".", 1);
    o = fmt_append_u64(buf, size, o, (lse >> 9) & 7);
    o = fmt_append(buf, size, o, ".", 1);
    o = fmt_append_u64(buf, size, o, (lse >> 8) & 1);
    o = fmt_append(buf, size, o, ".", 1);
    return fmt_append_u64(buf, size, o, lse & 255);
}

/*
 * A tunnel that pkt_parse opened in a sampled header (sflowtool stops at
 * the outer packet): its type and identifiers, then the packet it carries,
 * with the outer packet's field names behind the prefix "inner_".
 */
static void
walk_tunnel(struct walker *wk, const struct sflow_record *rec, const struct pkt_info *pkt)
{
    const struct pkt_layer *in = &pkt->inner;
    size_t o = 0;
    int i;

    switch (pkt->encap) {
    case PKT_ENCAP_VXLAN:
        walk_str(wk, WALK_K("tunnelType"), "VXLAN");
        walk_num(wk, WALK_K("tunnelVNI"), pkt->vni);
        break;
    case PKT_ENCAP_GRE:
        walk_str(wk, WALK_K("tunnelType"), "GRE");
        walk_num(wk, WALK_K("tunnelGREProtocol"), pkt->gre_proto);
        if (pkt->gre_has_key)
            walk_num(wk, WALK_K("tunnelGREKey"), pkt->gre_key);
        break;
    case PKT_ENCAP_MPLS:
        walk_str(wk, WALK_K("tunnelType"), "MPLS");
        for (i = 0; i < pkt->n_mpls; i++) {
            if (i > 0)
                o = fmt_append(wk->val, sizeof(wk->val), o, "-", 1);
            o = fmt_append_lse(wk->val, sizeof(wk->val), o, pkt->mpls_label[i]);
        }
        walk_kv(wk, WALK_K("tunnelMPLSLabels"), wk->val, o, SFLOW_WALK_STR);
        break;
    default:
        return;
    }
    if (in->has_eth || in->l3 != 0)
        walk_pkt_fields(wk, rec, in, in->has_eth ? PKT_PROTO_ETHERNET : PKT_PROTO_IPV4,
            "inner_");
}

/* 0:1 sampled_header. */
static void
walk_header(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_schema *s = rec->schema;
    const struct pkt_info *pkt = rec->pkt;
    uint32_t proto = (uint32_t)rec->v[0].u;
    const struct walk_fkey *fk;
    int n;
    char buf[48];

    /* The layout is the schema's (walk_flow_record() checked the count). */
    walk_type_name(wk, WALK_K("flowSampleType"), s);
    walk_fields_range(wk, rec, 0, 3);   /* protocol, frame length, stripped */
    walk_num(wk, WALK_K("headerLen"), rec->v[3].b.len);
    fk = walk_fkey(wk, s);
    walk_opaque(wk, fk != NULL ? &fk[3] : NULL, s->fields[3].name, s->fields[3].name_len,
        &rec->v[3].b);
    if (pkt == NULL) {
        if (proto >= 2 && proto <= 16 && proto != 11 && proto != 12) {
            n = snprintf(buf, sizeof(buf), "NO_DECODE headerProtocol=%u", (unsigned)proto);
            if (n > 0 && (size_t)n < sizeof(buf))
                walk_note(wk, buf, (size_t)n);
        }
        return;
    }
    walk_pkt_fields(wk, rec, &pkt->outer, proto, NULL);
    if (pkt->encap != PKT_ENCAP_NONE)
        walk_tunnel(wk, rec, pkt);
}

/* Length of the "tunnel_ipv4_out_" prefix of a tunnel copy's first field. */
static size_t
walk_prefix_len(const struct sflow_record *rec, const char *first)
{
    size_t n = rec->schema->fields[0].name_len, m = strlen(first);

    return n > m ? n - m : 0;
}

/* 0:2 sampled_ethernet, 1021/1022 its tunnel copies: type first. */
static void
walk_sampled_ethernet(struct walker *wk, const struct sflow_record *rec)
{
    walk_type_name(wk, WALK_K("flowSampleType"), rec->schema);
    walk_field_at(wk, rec, 3);
    walk_field_at(wk, rec, 0);
    walk_field_at(wk, rec, 1);
    walk_field_at(wk, rec, 2);
}

/* 0:3 sampled_ipv4 / 0:4 sampled_ipv6 and their tunnel copies 1023-1026. */
static void
walk_sampled_ip(struct walker *wk, const struct sflow_record *rec, int v6)
{
    const char *pfx = rec->schema->fields[0].name;
    size_t plen = walk_prefix_len(rec, "sampledPacketSize"), n;
    uint32_t proto = (uint32_t)rec->v[1].u;

    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_type_name(wk, WALK_K("flowSampleType"), rec->schema);
    n = walk_key(wk, pfx, plen, "sampledPacketSize");
    walk_num(wk, wk->key, n, rec->v[0].u);
    n = walk_key(wk, pfx, plen, "IPSize");
    walk_num(wk, wk->key, n, rec->v[0].u);
    n = walk_key(wk, pfx, plen, v6 ? "srcIP6" : "srcIP");
    walk_ip(wk, wk->key, n, rec->v[2].b.p, v6);
    n = walk_key(wk, pfx, plen, v6 ? "dstIP6" : "dstIP");
    walk_ip(wk, wk->key, n, rec->v[3].b.p, v6);
    n = walk_key(wk, pfx, plen, "IPProtocol");
    walk_num(wk, wk->key, n, proto);
    n = walk_key(wk, pfx, plen, v6 ? "priority" : "IPTOS");
    walk_num(wk, wk->key, n, rec->v[7].u);
    switch (proto) {
    case 1:
        /* Agents disagree on where ICMP goes; sflowtool takes dst_port. */
        n = walk_key(wk, pfx, plen, "ICMPType");
        walk_num(wk, wk->key, n, rec->v[5].u);
        break;
    case 6:
        n = walk_key(wk, pfx, plen, "TCPSrcPort");
        walk_num(wk, wk->key, n, rec->v[4].u);
        n = walk_key(wk, pfx, plen, "TCPDstPort");
        walk_num(wk, wk->key, n, rec->v[5].u);
        n = walk_key(wk, pfx, plen, "TCPFlags");
        walk_num(wk, wk->key, n, rec->v[6].u);
        break;
    case 17:
        n = walk_key(wk, pfx, plen, "UDPSrcPort");
        walk_num(wk, wk->key, n, rec->v[4].u);
        n = walk_key(wk, pfx, plen, "UDPDstPort");
        walk_num(wk, wk->key, n, rec->v[5].u);
        break;
    default:
        break;
    }
}

/*
 * 0:1003 extended_gateway.  The AS path prints as its ASNs joined by '-',
 * AS_SET segments in parentheses; dst_peer_as is its first ASN, dst_as its
 * last.  Empty path and communities are not printed.
 */
static void
walk_gateway(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_bytes *path = &rec->v[4].b;
    size_t pos = 0, next, o = 0;
    uint32_t type, n, i, seg, dst_as = 0, dst_peer_as = 0;
    const uint8_t *asns;

    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_type_name(wk, WALK_K("extendedType"), rec->schema);
    walk_field_at(wk, rec, 0);
    walk_field_at(wk, rec, 1);
    walk_field_at(wk, rec, 2);
    walk_field_at(wk, rec, 3);
    wk->val[0] = '\0';
    for (seg = 0; seg < path->count; seg++) {
        next = sflow_as_path_next(path, pos, &type, &n, &asns);
        if (next == 0)
            break;
        if (type == 1)
            o = fmt_append(wk->val, sizeof(wk->val), o, "(", 1);
        for (i = 0; i < n; i++) {
            if (i > 0)
                o = fmt_append(wk->val, sizeof(wk->val), o, "-", 1);
            o = fmt_append_u64(wk->val, sizeof(wk->val), o, rd_be32(asns + (size_t)i * 4));
        }
        if (type == 1)
            o = fmt_append(wk->val, sizeof(wk->val), o, ")", 1);
        if (seg == 0 && n > 0)
            dst_peer_as = rd_be32(asns);
        dst_as = n > 0 ? rd_be32(asns + (size_t)(n - 1) * 4) : 0;
        pos = next;
    }
    if (path->count > 0)
        walk_kv(wk, WALK_K("dst_as_path"), wk->val, o, SFLOW_WALK_STR);
    walk_num(wk, WALK_K("dst_as"), dst_as);
    walk_num(wk, WALK_K("dst_peer_as"), dst_peer_as);
    if (rec->v[5].b.count > 0)
        walk_field_at(wk, rec, 5);
    walk_field_at(wk, rec, 6);
}

/* 0:1004 extended_user: both charsets, then both names. */
static void
walk_user(struct walker *wk, const struct sflow_record *rec)
{
    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_type_name(wk, WALK_K("extendedType"), rec->schema);
    walk_field_at(wk, rec, 0);
    walk_field_at(wk, rec, 2);
    walk_field_at(wk, rec, 1);
    walk_field_at(wk, rec, 3);
}

/* MPLS label stack entries of field 'f' as "label.exp.bos.ttl", joined by '-'. */
static void
walk_label_stack(struct walker *wk, const struct sflow_record *rec, size_t f)
{
    const struct sflow_bytes *b = &rec->v[f].b;
    size_t o = 0;
    uint32_t i, lab;

    if (b->count == 0)
        return;
    for (i = 0; i < b->count; i++) {
        lab = sflow_list_u32(b, i);
        if (i > 0)
            o = fmt_append(wk->val, sizeof(wk->val), o, "-", 1);
        o = fmt_append_lse(wk->val, sizeof(wk->val), o, lab);
    }
    walk_kv(wk, rec->schema->fields[f].name, rec->schema->fields[f].name_len,
        wk->val, o, SFLOW_WALK_STR);
}

/* 0:1006 extended_mpls. */
static void
walk_mpls(struct walker *wk, const struct sflow_record *rec)
{
    if (rec->n_values < rec->schema->n_fields)
        return;
    walk_type_name(wk, WALK_K("extendedType"), rec->schema);
    walk_field_at(wk, rec, 0);
    walk_label_stack(wk, rec, 1);
    walk_label_stack(wk, rec, 2);
}

/*
 * 0:1012 extended_vlantunnel: each 802.1Q tag as sflowtool shows it, the
 * TPID in hex immediately followed by "priority.CFI.VLAN".
 */
static void
walk_vlan_tunnel(struct walker *wk, const struct sflow_record *rec)
{
    const struct sflow_bytes *b = &rec->v[0].b;
    size_t o = 0;
    uint32_t i, tag;
    char num[24];
    uint8_t tpid[2];

    if (rec->n_values < 1 || b->count == 0)
        return;
    for (i = 0; i < b->count; i++) {
        tag = sflow_list_u32(b, i);
        tpid[0] = (uint8_t)(tag >> 24);
        tpid[1] = (uint8_t)(tag >> 16);
        if (i > 0)
            o = fmt_append(wk->val, sizeof(wk->val), o, "-", 1);
        o = fmt_append(wk->val, sizeof(wk->val), o, "0x", 2);
        o = fmt_append(wk->val, sizeof(wk->val), o, num, fmt_hex(num, tpid, 2));
        o = fmt_append_u64(wk->val, sizeof(wk->val), o, (tag >> 13) & 7);
        o = fmt_append(wk->val, sizeof(wk->val), o, ".", 1);
        o = fmt_append_u64(wk->val, sizeof(wk->val), o, (tag >> 12) & 1);
        o = fmt_append(wk->val, sizeof(wk->val), o, ".", 1);
        o = fmt_append_u64(wk->val, sizeof(wk->val), o, tag & 4095);
    }
    walk_kv(wk, rec->schema->fields[0].name, rec->schema->fields[0].name_len,
        wk->val, o, SFLOW_WALK_STR);
}

/* 0:2209 extended_tcp_info: the direction as a word. */
static void
walk_tcp_info(struct walker *wk, const struct sflow_record *rec)
{
    static const char *const dirs[] = { "unknown", "received", "sent" };
    size_t i;

    if (rec->n_values < 1)
        return;
    walk_str(wk, WALK_K("tcpinfo_direction"),
        rec->v[0].u < 3 ? dirs[rec->v[0].u] : "<bad value>");
    for (i = 1; i < rec->n_values && i < rec->schema->n_fields; i++)
        walk_field_at(wk, rec, i);
}

/* Generic flow record: its type line, then its fields in wire order. */
static void
walk_flow_generic(struct walker *wk, const struct sflow_record *rec)
{
    if (rec->schema->type_name != NULL) {
        if (rec->tag == SFLOW_TAG(0, 2206))
            walk_type_name(wk, WALK_K("flowSampleType"), rec->schema);
        else
            walk_type_name(wk, WALK_K("extendedType"), rec->schema);
    }
    walk_fields(wk, rec);
}

static void
walk_flow_record(struct walker *wk, const struct sflow_record *rec)
{
    switch (rec->tag) {
    case SFLOW_TAG(0, SFLOW_FLOW_HEADER):
        if (rec->n_values == rec->schema->n_fields)
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
        walk_sampled_ip(wk, rec, 0);
        break;
    case SFLOW_TAG(0, SFLOW_FLOW_IPV6):
    case SFLOW_TAG(0, 1025):
    case SFLOW_TAG(0, 1026):
        walk_sampled_ip(wk, rec, 1);
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
        walk_flow_generic(wk, rec);
        break;
    }
}

/* ---- Special counter records ---- */

/* 0:1004 of_port: the datapath id is a hex string. */
static void
walk_of_port(struct walker *wk, const struct sflow_record *rec)
{
    const char *key;
    size_t klen;
    char *p;
    int i, fast;
    uint64_t v = rec->v[0].u;

    if (rec->n_values < rec->schema->n_fields)
        return;
    key = rec->schema->fields[0].name;
    klen = rec->schema->fields[0].name_len;
    p = walk_value_begin(wk, &key, &klen, 16, SFLOW_WALK_STR, &fast);
    for (i = 15; i >= 0; i--, v >>= 4)
        p[i] = fmt_hex2_lower[2 * (v & 0xf) + 1];
    walk_value_end(wk, key, klen, p, 16, SFLOW_WALK_STR, fast);
    walk_field_at(wk, rec, 1);
}

static void
walk_counter_record(struct walker *wk, const struct sflow_record *rec)
{
    if (rec->tag == SFLOW_TAG(0, SFLOW_CTR_OPENFLOW_PORT))
        walk_of_port(wk, rec);
    else
        walk_fields(wk, rec);
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

/* A record's tag: its schema's text, made before main(), if it has one. */
WALK_INLINE void
walk_record_tag(struct walker *wk, const char *key, size_t klen, const struct sflow_record *rec)
{
    if (rec->schema != NULL)
        walk_word(wk, key, klen, rec->schema->tag_text, rec->schema->tag_text_len);
    else
        walk_tag(wk, key, klen, rec->tag);
}

static void
walk_record(struct walker *wk, const struct sflow_record *rec, uint32_t sample_fmt)
{
    int counter = sample_fmt == SFLOW_COUNTERS_SAMPLE ||
        sample_fmt == SFLOW_COUNTERS_SAMPLE_EXPANDED;
    int known = rec->schema != NULL;
    const char *what;

    if (sample_fmt == SFLOW_DISCARDED_PACKET && !walk_discard_known(rec->tag))
        known = 0;
    wk->w.record = rec;
    wk->w.element_tag = rec->tag;
    wk->prefix = wk->w.discarded;
    walk_v_element_begin(wk->v, &wk->w, rec->tag, known);
    if (counter)
        walk_record_tag(wk, WALK_K("counterBlock_tag"), rec);
    else
        walk_record_tag(wk, WALK_K("flowBlock_tag"), rec);
    if (!known) {
        what = counter ? "counters_sample_element" :
            sample_fmt == SFLOW_DISCARDED_PACKET ? "discard_sample_element" :
            "flow_sample_element";
        walk_skip_note(wk, what, rec->tag, rec->length);
    } else if (!rec->error) {
        if (counter)
            walk_counter_record(wk, rec);
        else
            walk_flow_record(wk, rec);
    }
    walk_v_element_end(wk->v, &wk->w);
    wk->w.record = NULL;
    wk->prefix = 0;
}

/* An input/output word that is not an ifIndex: "dropCode N", "multiple N". */
static void
walk_port_format(struct walker *wk, const char *key, size_t klen, uint32_t format,
    uint32_t value)
{
    static const char forms[4][12] = { "", "dropCode ", "multiple ", "format==3 " };
    size_t n;
    char *p;
    int fast;

    if (format > 3) {
        walk_kv(wk, key, klen, "", 0, SFLOW_WALK_STR);
        return;
    }
    n = strlen(forms[format]);
    p = walk_value_begin(wk, &key, &klen, n + 20, SFLOW_WALK_STR, &fast);
    memcpy(p, forms[format], n);
    walk_value_end(wk, key, klen, p, n + fmt_u64(p + n, value), SFLOW_WALK_STR, fast);
}

/* An input/output word: an ifIndex, as most are, or walk_port_format()'s. */
WALK_INLINE void
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
    const char *key = "sourceId";
    size_t klen = sizeof("sourceId") - 1, o;
    int fast;
    char *p = walk_value_begin(wk, &key, &klen, 24, SFLOW_WALK_STR, &fast);

    o = fmt_u64(p, s->ds_class);
    p[o++] = ':';
    o += fmt_u64(p + o, s->ds_index);
    walk_value_end(wk, key, klen, p, o, SFLOW_WALK_STR, fast);
}

static void
walk_sample_fields(struct walker *wk, const struct sflow_sample *s, uint32_t fmt)
{
    const char *name;

    walk_num(wk, WALK_K("sampleSequenceNo"), s->seq);
    walk_source_id(wk, s);
    switch (fmt) {
    case SFLOW_FLOW_SAMPLE:
    case SFLOW_FLOW_SAMPLE_EXPANDED:
        walk_num(wk, WALK_K("meanSkipCount"), s->sampling_rate);
        walk_num(wk, WALK_K("samplePool"), s->sample_pool);
        walk_num(wk, WALK_K("dropEvents"), s->drops);
        walk_port(wk, WALK_K("inputPort"), s->input_format, s->input);
        walk_port(wk, WALK_K("outputPort"), s->output_format, s->output);
        break;
    case SFLOW_DISCARDED_PACKET:
        walk_num(wk, WALK_K("dropEvents"), s->drops);
        walk_num(wk, WALK_K("inputPort"), s->input);
        walk_num(wk, WALK_K("outputPort"), s->output);
        walk_num(wk, WALK_K("discardCode"), s->reason);
        name = drop_reason_name(s->reason);
        walk_str(wk, WALK_K("discardReason"), name != NULL ? name : "NotFound");
        break;
    default:
        break;
    }
}

/* ---- Enrichment hook ---- */

static void
walk_enrich_emit(void *arg, const char *key, const char *val, size_t len,
    enum sflow_walk_kind kind)
{
    walk_kv(arg, key, key != NULL ? strlen(key) : 0, val, len, kind);
}

/* The sample's IP addresses, as netflow5.c finds them, for the hook. */
static void
walk_enrich(struct walker *wk, const struct sflow_sample *s, sflow_walk_enrich_fn fn,
    void *arg)
{
    const struct sflow_datagram *dg = wk->w.dg;
    const struct sflow_record *rec;
    uint32_t i;

    for (i = 0; i < s->n_records && s->first_record + i < dg->n_records; i++) {
        rec = &dg->records[s->first_record + i];
        if (rec->schema == NULL || rec->error || rec->n_values < rec->schema->n_fields)
            continue;
        if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER) && rec->pkt != NULL &&
            (rec->pkt->outer.l3 == 4 || rec->pkt->outer.l3 == 6)) {
            fn(arg, rec->pkt->outer.l3 == 6, rec->pkt->outer.src_ip,
                rec->pkt->outer.dst_ip, walk_enrich_emit, wk);
            return;
        }
        if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV4) ||
            rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV6)) {
            fn(arg, rec->tag == SFLOW_TAG(0, SFLOW_FLOW_IPV6),
                rec->v[2].b.p, rec->v[3].b.p, walk_enrich_emit, wk);
            return;
        }
    }
}

/* The standard sample types' tags, as fmt_tag() writes them. */
static const char walk_sample_tags[SFLOW_DISCARDED_PACKET][4] = {
    "0:1", "0:2", "0:3", "0:4", "0:5",
};

static void
walk_sample(struct walker *wk, const struct sflow_sample *s)
{
    const struct sflow_datagram *dg = wk->w.dg;
    uint32_t fmt = SFLOW_FORMAT(s->tag), i;
    sflow_walk_enrich_fn enrich;
    void *enrich_arg;

    wk->w.sample = s;
    wk->w.record = NULL;
    wk->w.element_tag = 0;
    wk->w.discarded = s->known && fmt == SFLOW_DISCARDED_PACKET;
    walk_v_sample_begin(wk->v, &wk->w);
    if (s->tag >= SFLOW_TAG(0, SFLOW_FLOW_SAMPLE) &&
        s->tag <= SFLOW_TAG(0, SFLOW_DISCARDED_PACKET))
        walk_word(wk, WALK_K("sampleType_tag"), walk_sample_tags[s->tag - 1], 3);
    else
        walk_tag(wk, WALK_K("sampleType_tag"), s->tag);
    if (!s->known) {
        walk_skip_note(wk, "sample", s->tag, s->length);
    } else {
        walk_str(wk, WALK_K("sampleType"),
            fmt == SFLOW_FLOW_SAMPLE || fmt == SFLOW_FLOW_SAMPLE_EXPANDED ? "FLOWSAMPLE" :
            fmt == SFLOW_DISCARDED_PACKET ? "DISCARD" : "COUNTERSSAMPLE");
        if (s->header_ok) {
            walk_sample_fields(wk, s, fmt);
            enrich = sflow_walk_enrich_get(&enrich_arg);
            if (enrich != NULL && SFLOW_ENTERPRISE(s->tag) == 0 &&
                (fmt == SFLOW_FLOW_SAMPLE || fmt == SFLOW_FLOW_SAMPLE_EXPANDED))
                walk_enrich(wk, s, enrich, enrich_arg);
            for (i = 0; i < s->n_records; i++) {
                if (s->first_record + i >= dg->n_records)
                    break;
                walk_record(wk, &dg->records[s->first_record + i], fmt);
            }
        }
    }
    walk_v_sample_end(wk->v, &wk->w, !s->error);
    wk->w.sample = NULL;
    wk->w.discarded = 0;
}

/* ---- Datagram ---- */

static void
walk_datagram_header(struct walker *wk)
{
    const struct dgram_meta *m = wk->w.meta;
    const struct sflow_datagram *dg = wk->w.dg;
    char buf[64];
    size_t n;

    /* sflowtool prints "-" and 0 here for a capture; we print what we know. */
    /* The address and the time are our own text, like the walk's words. */
    if (m->src[0] != '\0')
        walk_word(wk, WALK_K("datagramSourceIP"), m->src, strnlen(m->src, sizeof(m->src)));
    else
        walk_str(wk, WALK_K("datagramSourceIP"), "-");
    walk_num(wk, WALK_K("datagramSize"), dg->len);
    walk_num(wk, WALK_K("unixSecondsUTC"), (uint64_t)m->ts.tv_sec);
    walk_num(wk, WALK_K("unixSecondsUTC_uS"), (uint64_t)m->ts.tv_usec);
    n = sflow_walk_time(buf, sizeof(buf), (long long)m->ts.tv_sec);
    walk_word(wk, WALK_K("localtime"), buf, n);
    if (m->from_file) {
        walk_word(wk, WALK_K("pcapTimestamp"), buf, n);
        walk_num(wk, WALK_K("pcapTimestamp_uS"), (uint64_t)m->ts.tv_usec);
    }
    if (dg->stage < 1)
        return;
    walk_num(wk, WALK_K("datagramVersion"), dg->version);
    if (dg->stage < 2)
        return;
    walk_num(wk, WALK_K("agentSubId"), dg->sub_agent_id);
    walk_addr(wk, WALK_K("agent"), &dg->agent);
    walk_num(wk, WALK_K("packetSequenceNo"), dg->seq);
    walk_num(wk, WALK_K("sysUpTime"), dg->uptime);
    walk_num(wk, WALK_K("samplesInPacket"), dg->n_samples_declared);
}

/*
 * Walks datagram 'dg', received as 'meta' says, with visitor 'v'; 'arg' is
 * struct sflow_walk's.  Whatever 'dg->err' says, every decoded part is
 * visited and DATAGRAM_END comes last.
 */
static void
walk_run(WALK_VISITOR *v, void *arg, const struct dgram_meta *meta,
    const struct sflow_datagram *dg)
{
    struct walker wk;
    uint32_t i;

    memset(&wk.w, 0, sizeof(wk.w));
    wk.w.meta = meta;
    wk.w.dg = dg;
    wk.w.arg = arg;
    wk.v = v;
    wk.prefix = 0;
    walk_v_datagram_begin(v, &wk.w);
    walk_datagram_header(&wk);
    if (dg->stage >= 2)
        for (i = 0; i < dg->n_samples && i < SFLOW_MAX_SAMPLES; i++)
            walk_sample(&wk, &dg->samples[i]);
    walk_v_datagram_end(v, &wk.w);
}

#endif /* WALK_VISITOR && !SFK_SFLOW_WALK_TEMPLATE */
