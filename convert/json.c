/*
 * json: a datagram as JSON, a visitor of sflow_walk.
 *
 * The shape is sflowtool -J's, so the JSON carries exactly what the text
 * output carries (one walk feeds both):
 *
 *   { header members...,
 *     "samples":[ { sample members...,
 *                   "elements":[ { element members...,
 *                                  "adaptor_list":[ { ..., "mac_list":[ "..", .. ] } ] } ] } ],
 *     "error":{...} }
 *
 * Where it differs from sflowtool on purpose:
 *
 * - Values the walk marks numeric are JSON numbers, not strings.
 * - Strings are escaped: '"', '\\', control characters as \u00XX, and any
 *   byte that is not part of a well-formed UTF-8 sequence as \u00XX (the
 *   byte read as Latin-1), so the output is valid JSON whatever an agent
 *   put in hostname or http_uri.  sflowtool copies such bytes raw.
 * - The output is valid JSON even when the decode stopped part way:
 *   every open array and object is closed, and the datagram object gets a
 *   last member "error" naming 'dg->err': {"code":"sample_length",
 *   "message":"...","offset":N[,"tag":"E:F"][,"expected":N,"found":N]}.
 *   sflowtool stops printing mid-object instead.
 * - The walk's free-text notes ("skipping unknown ...") are left out, as
 *   sflowtool's JSON leaves them out; an element it did not understand
 *   still appears, holding only its tag, as in sflowtool's JSON.
 *
 * -J indents as sflowtool does (one space per open object or array, arrays'
 * first object on the '[' line) and ends each datagram with a blank line;
 * -j prints one datagram per line with no spaces.
 *
 * Output goes through a buffer flushed with fwrite() when it fills and at
 * the end of the datagram, so a datagram costs a few stdio calls.
 */
#include "json.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sflow_decode.h"
#include "sflow_walk.h"
#include "sflow_walk_impl.h"

/*
 * Nesting: datagram, samples, sample, elements, element, adaptor_list,
 * adaptor, mac_list is 8; the rest is headroom.  A walk deeper than this
 * is a bug in the walk: its extra containers are dropped, not overflowed.
 */
#define JSON_MAX_DEPTH 16

/* String bytes escaped per pass: the buffer holds them all escaped (x 6). */
#define STR_CHUNK 1024
#define JSON_BUF 32768
_Static_assert(JSON_BUF >= STR_CHUNK * 6 + 8, "JSON_BUF too small for STR_CHUNK");

enum ctype { C_OBJECT, C_ARRAY };

struct json {
    FILE *f;
    int pretty;
    int depth;                  /* Open containers. */
    int dropped;                /* Containers not opened past JSON_MAX_DEPTH. */
    int open;                   /* Between DATAGRAM_BEGIN and DATAGRAM_END. */
    int cfast;                  /* Compact, inside a container, none dropped:
                                 * containers open and close in place. */
    int discarded;              /* In a discarded packet's sample. */
    char closer[JSON_MAX_DEPTH];        /* Per open container: '}' or ']'... */
    char *outer_lim[JSON_MAX_DEPTH];    /* ...and 'lim' outside it. */
    int samples_depth;          /* Depth of the open "samples" array, or 0. */
    int elements_depth;         /* Depth of the open "elements" array, or 0. */
    struct walk_buf out;        /* out.lim: 'end' when 'cfast', in an object
                                 * and not in a discarded packet's sample. */
    char own[JSON_BUF];
};

static const char hexdig[] = "0123456789abcdef";

/*
 * Every member is written with a comma after it, and a closing bracket
 * takes back the last one (unwrite_comma()): no member has to know
 * whether it is the first.  So the buffer is written out all but its last
 * byte, which may be that comma.
 */
static void
flush(struct json *j)
{
    if (j->out.cur == j->out.buf)
        return;
    sflow_walk_write(j->f, j->out.buf, (size_t)(j->out.cur - j->out.buf) - 1);
    j->out.buf[0] = j->out.cur[-1];
    j->out.cur = j->out.buf + 1;
}

/* Before a closing bracket: the comma of the container's last member. */
static inline void
unwrite_comma(struct json *j)
{
    j->out.cur -= j->out.cur > j->out.buf && j->out.cur[-1] == ',';
}

static inline void
put_c(struct json *j, char c)
{
    if (j->out.cur == j->out.end)
        flush(j);
    *j->out.cur++ = c;
}

static void
put_mem(struct json *j, const char *s, size_t len)
{
    size_t room;

    /* Short values (numbers) without a call to memcpy. */
    if (len <= 32 && walk_buf_room(&j->out) >= len) {
        while (len--)
            *j->out.cur++ = *s++;
        return;
    }

    while (len) {
        if (j->out.cur == j->out.end)
            flush(j);
        room = walk_buf_room(&j->out);
        if (room > len)
            room = len;
        memcpy(j->out.cur, s, room);
        j->out.cur += room;
        s += room;
        len -= room;
    }
}

static void
put_u64(struct json *j, uint64_t v)
{
    char tmp[20];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put_c(j, tmp[--n]);
}

static void
indent(struct json *j, int level)
{
    size_t n = level > 0 ? (size_t)level : 0;

    if (n + 1 > walk_buf_room(&j->out))
        flush(j);
    *j->out.cur++ = '\n';
    memset(j->out.cur, ' ', n);             /* level <= JSON_MAX_DEPTH */
    j->out.cur += n;
}

/*
 * Length of the well-formed UTF-8 sequence at 's' (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if there is none.
 */
static size_t
utf8_len(const uint8_t *s, size_t left)
{
    uint8_t c = s[0];
    size_t n, i;
    uint8_t lo = 0x80, hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;          /* Overlong. */
        else if (c == 0xed)
            hi = 0x9f;          /* Surrogates. */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;          /* Overlong. */
        else if (c == 0xf4)
            hi = 0x8f;          /* Above U+10FFFF. */
    } else
        return 0;
    if (left < n)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/*
 * Whether any of the 8 bytes in 'w' is not plain printable ASCII or is a
 * quote or a backslash (bit tricks from "Bit Twiddling Hacks": a byte
 * below n sets its high bit in (w - n * ONES) & ~w & HIGHS; exact as a
 * yes/no for the whole word).
 */
static inline int
needs_escape(uint64_t w)
{
    uint64_t q = w ^ (ONES * '"');
    uint64_t b = w ^ (ONES * '\\');

    return ((w & HIGHS) |
            ((w - ONES * 0x20) & ~w & HIGHS) |
            ((q - ONES) & ~q & HIGHS) |
            ((b - ONES) & ~b & HIGHS)) != 0;
}

/*
 * Escapes the bytes from 'p' on into the buffer, which has room for six
 * output bytes per input byte up to 'limit' and for a UTF-8 sequence that
 * straddles it; returns where it stopped ('limit' or a little past it).
 */
static const uint8_t *
put_str_run(struct json *j, const uint8_t *p, const uint8_t *end, const uint8_t *limit)
{
    char *o = j->out.cur;
    size_t n;
    uint8_t c;

    while (p < limit) {
        /* Eight plain bytes at a time: the sampled header's hex is long. */
        while (limit - p >= 8) {
            uint64_t w;

            memcpy(&w, p, 8);
            if (needs_escape(w))
                break;
            memcpy(o, p, 8);
            o += 8;
            p += 8;
        }
        if (p >= limit)
            break;
        c = *p;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            *o++ = (char)c;
            p++;
        } else if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
            p++;
        } else if (c >= 0x80 && (n = utf8_len(p, (size_t)(end - p))) != 0) {
            memcpy(o, p, n);
            o += n;
            p += n;
        } else {
            /* A control character, or a byte outside valid UTF-8. */
            memcpy(o, "\\u00", 4);
            o[4] = hexdig[c >> 4];
            o[5] = hexdig[c & 0xf];
            o += 6;
            p++;
        }
    }
    j->out.cur = o;
    return p;
}

/* 's' ('len' bytes, any content) as a JSON string. */
static void
put_str(struct json *j, const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;
    const uint8_t *end = p + len;
    size_t chunk, i;
    char *o;

    /*
     * Keys and short words (type names, times) are plain ASCII: checked a
     * word at a time and copied whole, without put_str_run()'s setup.
     */
    if (len < 8 && walk_buf_room(&j->out) >= len + 2) {
        o = j->out.cur;
        for (i = 0; i < len; i++) {
            if (p[i] < 0x20 || p[i] >= 0x80 || p[i] == '"' || p[i] == '\\')
                goto escape;
            o[i + 1] = (char)p[i];
        }
        o[0] = '"';
        o[len + 1] = '"';
        j->out.cur += len + 2;
        return;
    }
    if (len <= 32 && walk_buf_room(&j->out) >= len + 2) {
        uint64_t w;

        /* Whole words, the last one overlapping: no byte-by-byte loop. */
        for (i = 0; i + 8 < len; i += 8) {
            memcpy(&w, p + i, 8);
            if (needs_escape(w))
                goto escape;
        }
        memcpy(&w, p + len - 8, 8);
        if (needs_escape(w))
            goto escape;
        o = j->out.cur;
        o[0] = '"';
        walk_copy(o + 1, (const char *)p, len);
        o[len + 1] = '"';
        j->out.cur += len + 2;
        return;
    }
escape:
    put_c(j, '"');
    while (p < end) {
        chunk = (size_t)(end - p);
        if (chunk > STR_CHUNK)
            chunk = STR_CHUNK;
        /* Room for every byte escaped, plus a UTF-8 sequence past the chunk. */
        if (walk_buf_room(&j->out) < chunk * 6 + 8)
            flush(j);
        p = put_str_run(j, p, end, p + chunk);
    }
    put_c(j, '"');
}

/* Whether 's' is a JSON number (RFC 8259 6): -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
is_number(const char *s, size_t len)
{
    const char *end = s + len;

    if (s < end && *s == '-')
        s++;
    if (s == end)
        return 0;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (s < end && *s >= '0' && *s <= '9')
            s++;
    else
        return 0;
    if (s < end && *s == '.') {
        if (++s == end || *s < '0' || *s > '9')
            return 0;
        while (s < end && *s >= '0' && *s <= '9')
            s++;
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < end && (*s == '+' || *s == '-'))
            s++;
        if (s == end || *s < '0' || *s > '9')
            return 0;
        while (s < end && *s >= '0' && *s <= '9')
            s++;
    }
    return s == end;
}

/* Whether the innermost container is an object (there is one). */
static inline int
in_object(const struct json *j)
{
    return j->closer[j->depth - 1] == '}';
}

/*
 * Whether containers and values may take their fast paths: one test per
 * value.  A fast close restores the 'lim' of the container around it
 * (outer_lim), which is what this would compute there.
 */
static inline void
update_fast(struct json *j)
{
    j->cfast = !j->pretty && !j->dropped && j->depth > 0;
    j->out.lim = j->cfast && !j->discarded && in_object(j) ? j->out.end : j->out.buf;
}

/*
 * '"key":' for one of the walk's names (SFLOW_WALK_KEY_MAX bytes at most,
 * printable ASCII that needs no escaping, as the walk promises): copied
 * as it is, like the compact output's keys.
 */
static inline char *
key_at(char *p, const char *key, size_t klen)
{
    *p++ = '"';
    p = walk_copy(p, key, klen);
    *p++ = '"';
    *p++ = ':';
    return p;
}

static void
put_key(struct json *j, const char *key, size_t klen)
{
    if (klen + 3 > walk_buf_room(&j->out))
        flush(j);
    j->out.cur = key_at(j->out.cur, key, klen);
}

/*
 * Starts the next member of the innermost container: the indentation and,
 * in an object, the key.  An array's first object goes on the '[' line,
 * as sflowtool prints it.  A key in an array is dropped and an object
 * member without key gets "value": the walk's grammar rules both out, but
 * the output stays valid JSON if it breaks them.
 */
static void
next_member(struct json *j, const char *key, size_t klen, int is_object)
{
    if (j->depth == 0)
        return;
    if (in_object(j)) {
        if (j->pretty)
            indent(j, j->depth);
        put_key(j, key ? key : "value", key ? klen : 5);
    } else if (j->pretty && !(is_object && j->out.cur > j->out.buf && j->out.cur[-1] == '[')) {
        indent(j, j->depth);
    }
}

static void
open_container_slow(struct json *j, const char *key, size_t klen, enum ctype type)
{
    /* Outside the datagram object nothing may be written. */
    if (!j->open)
        return;
    if (j->depth == JSON_MAX_DEPTH) {
        j->dropped++;
        update_fast(j);
        return;
    }
    next_member(j, key, klen, type == C_OBJECT);
    put_c(j, type == C_OBJECT ? '{' : '[');
    j->closer[j->depth] = type == C_OBJECT ? '}' : ']';
    j->outer_lim[j->depth] = j->out.lim;
    j->depth++;
    update_fast(j);
}

/* Room for a member's indentation, quoted key and colon, quotes and comma. */
#define MEMBER_EXTRA (JSON_MAX_DEPTH + 10)

/*
 * Opens a container as the next member: named 'key' ('klen' bytes, one of
 * the walk's names, which need no escaping) in an object, NULL in an array.
 * A datagram opens some 35 of them: compact output takes them in place.
 */
static inline void
open_container(struct json *j, const char *key, size_t klen, enum ctype type)
{
    char *p;

    if (!j->cfast || j->depth == JSON_MAX_DEPTH || klen + MEMBER_EXTRA > walk_buf_room(&j->out))
        goto slow;
    if (in_object(j) != (key != NULL))
        goto slow;
    p = j->out.cur;
    if (key != NULL)
        p = key_at(p, key, klen);
    *p++ = type == C_OBJECT ? '{' : '[';
    j->out.cur = p;
    j->closer[j->depth] = type == C_OBJECT ? '}' : ']';
    j->outer_lim[j->depth] = j->out.lim;
    j->depth++;
    j->out.lim = type == C_OBJECT && !j->discarded ? j->out.end : j->out.buf;
    return;
slow:
    open_container_slow(j, key, klen, type);
}

/* A closed container is a member of the one around it: it takes a comma. */
static void
close_container_slow(struct json *j)
{
    if (j->dropped) {
        j->dropped--;
        update_fast(j);
        return;
    }
    if (j->depth == 0)
        return;
    unwrite_comma(j);
    if (j->pretty)
        indent(j, j->depth - 1);
    put_c(j, j->closer[j->depth - 1]);
    put_c(j, ',');
    j->depth--;
    update_fast(j);
}

/*
 * The next object of the innermost container, an array, opened in place;
 * 0 if it must take open_container()'s slow way.  Samples and elements
 * are most of a datagram's objects.
 */
static inline int
open_item_fast(struct json *j)
{
    if (!j->cfast || j->depth == JSON_MAX_DEPTH || j->out.cur == j->out.end || in_object(j))
        return 0;
    *j->out.cur++ = '{';
    j->closer[j->depth] = '}';
    j->outer_lim[j->depth] = j->out.lim;
    j->depth++;
    j->out.lim = j->discarded ? j->out.buf : j->out.end;
    return 1;
}

/* The innermost container closed in place, or 0 for the slow way. */
static inline int
close_fast(struct json *j)
{
    if (!j->cfast || walk_buf_room(&j->out) < 2)
        return 0;
    j->depth--;
    j->out.cur -= j->out.cur[-1] == ',';
    *j->out.cur++ = j->closer[j->depth];
    *j->out.cur++ = ',';
    j->out.lim = j->outer_lim[j->depth];
    j->cfast = j->depth > 0;
    return 1;
}

/* Closes containers until 'depth' remain open (and forgets those closed). */
static inline __attribute__((always_inline)) void
close_to(struct json *j, int depth)
{
    if (j->dropped) {
        j->dropped = 0;
        update_fast(j);
    }
    while (j->depth > depth)
        if (!close_fast(j))
            close_container_slow(j);
    if (j->samples_depth > j->depth)
        j->samples_depth = 0;
    if (j->elements_depth > j->depth)
        j->elements_depth = 0;
}

static inline void
close_container(struct json *j)
{
    if (j->dropped || j->depth == 0)
        close_container_slow(j);
    else
        close_to(j, j->depth - 1);
}

static void
member_str(struct json *j, const char *key, const char *val)
{
    next_member(j, key, strlen(key), 0);
    put_str(j, val, strlen(val));
    put_c(j, ',');
}

static void
member_u64(struct json *j, const char *key, uint64_t v)
{
    next_member(j, key, strlen(key), 0);
    put_u64(j, v);
    put_c(j, ',');
}

/* The datagram object's last bracket is closed: the line ends. */
static void
end_datagram(struct json *j)
{
    close_to(j, 0);
    unwrite_comma(j);
    j->open = 0;
    put_c(j, '\n');
    if (j->pretty)
        put_c(j, '\n');
}

/* ---- Visitor ---- */

/*
 * The walk is compiled with this visitor inlined (sflow_walk_impl.h):
 * numbers and the walk's own strings (addresses, tags, the sampled
 * header's hex) are written straight into the buffer, unescaped, as the
 * template promises they need no escaping.
 */
#define WALK_VISITOR struct json

static inline void
walk_v_datagram_begin(struct json *j, const struct sflow_walk *w)
{
    (void)w;
    j->depth = 0;
    j->dropped = 0;
    j->discarded = 0;
    j->samples_depth = 0;
    j->elements_depth = 0;
    j->open = 1;
    open_container(j, NULL, 0, C_OBJECT);
}

static void
put_error(struct json *j, const struct sflow_datagram *dg)
{
    char tag[24];

    open_container(j, WALK_K("error"), C_OBJECT);
    member_str(j, "code", sflow_errname(dg->err.code));
    member_str(j, "message", sflow_strerror(dg->err.code));
    member_u64(j, "offset", dg->err.offset);
    if (dg->err.tag) {
        snprintf(tag, sizeof(tag), "%u:%u", SFLOW_ENTERPRISE(dg->err.tag),
            SFLOW_FORMAT(dg->err.tag));
        member_str(j, "tag", tag);
    }
    if (dg->err.expected || dg->err.found) {
        member_u64(j, "expected", dg->err.expected);
        member_u64(j, "found", dg->err.found);
    }
    close_container(j);
}

static inline void
walk_v_datagram_end(struct json *j, const struct sflow_walk *w)
{
    if (!j->open)
        return;
    close_to(j, 1);
    if (w->dg->err.code != SFLOW_OK)
        put_error(j, w->dg);
    end_datagram(j);
}

static inline void
walk_v_sample_begin(struct json *j, const struct sflow_walk *w)
{
    if (j->samples_depth && j->depth == j->samples_depth) {
        j->discarded = w->discarded;
        if (open_item_fast(j))
            return;
    }
    /* A sample always sits in "samples", in the datagram object. */
    close_to(j, j->samples_depth ? j->samples_depth : 1);
    if (!j->samples_depth) {
        open_container(j, WALK_K("samples"), C_ARRAY);
        j->samples_depth = j->depth;
    }
    open_container(j, NULL, 0, C_OBJECT);
    j->discarded = w->discarded;
    update_fast(j);
}

static inline void
walk_v_sample_end(struct json *j, const struct sflow_walk *w, int complete)
{
    (void)w, (void)complete;
    if (j->samples_depth)
        close_to(j, j->samples_depth);
    j->discarded = 0;
    update_fast(j);
}

static inline void
walk_v_element_begin(struct json *j, const struct sflow_walk *w, uint32_t tag, int known)
{
    (void)w, (void)tag, (void)known;
    if (j->depth == j->elements_depth && open_item_fast(j))
        return;
    if (j->elements_depth)
        close_to(j, j->elements_depth);
    else {
        /* The sample object is the innermost container past "samples". */
        if (j->samples_depth)
            close_to(j, j->samples_depth + 1);
        open_container(j, WALK_K("elements"), C_ARRAY);
        j->elements_depth = j->depth;
    }
    open_container(j, NULL, 0, C_OBJECT);
}

static inline void
walk_v_element_end(struct json *j, const struct sflow_walk *w)
{
    (void)w;
    if (j->elements_depth && j->depth == j->elements_depth + 1 && close_fast(j))
        return;
    if (j->elements_depth)
        close_to(j, j->elements_depth);
}

static inline void
walk_v_list_begin(struct json *j, const struct sflow_walk *w, const char *json_name,
    const char *text_name)
{
    (void)w, (void)text_name;
    open_container(j, json_name, strlen(json_name), C_ARRAY);
}

static inline void
walk_v_list_end(struct json *j, const struct sflow_walk *w)
{
    (void)w;
    close_container(j);
}

static inline void
walk_v_item_begin(struct json *j, const struct sflow_walk *w)
{
    (void)w;
    open_container(j, NULL, 0, C_OBJECT);
}

static inline void
walk_v_item_end(struct json *j, const struct sflow_walk *w)
{
    (void)w;
    close_container(j);
}

/* The walk's free-text notes are text-only, as in sflowtool's JSON. */
static inline void
walk_v_note(struct json *j, const struct sflow_walk *w, const char *text, size_t len)
{
    (void)j, (void)w, (void)text, (void)len;
}

static inline void
walk_v_kv(struct json *j, const struct sflow_walk *w, const char *key, size_t klen,
    const char *val, size_t len, enum sflow_walk_kind kind)
{
    (void)w;
    if (j->dropped || j->depth == 0)
        return;
    next_member(j, key, klen, 0);
    /* The walk's idea of a number is checked: a bad one must not break the JSON. */
    if (kind == SFLOW_WALK_NUM && is_number(val, len))
        put_mem(j, val, len);
    else
        put_str(j, val, len);
    put_c(j, ',');
}

/* Any value the fast way cannot take: buffer full, outside an open container... */
static __attribute__((cold, noinline)) char *
walk_v_value_begin(struct json *j, const struct sflow_walk *w, const char *key,
    size_t klen, size_t max, enum sflow_walk_kind kind)
{
    (void)w;
    if (klen + max + MEMBER_EXTRA > walk_buf_room(&j->out))
        flush(j);
    /* Nothing is to be written: the value goes where it is not kept. */
    if (j->dropped || j->depth == 0)
        return j->out.cur;
    next_member(j, key, klen, 0);
    if (kind == SFLOW_WALK_STR)
        *j->out.cur++ = '"';
    return j->out.cur;
}

/*
 * next_member() for the walk's own keys (one of its names, never bytes
 * from the wire: written unescaped), then the opening quote of a string.
 */
#define WALK_FAST 1

static inline __attribute__((always_inline)) char *
walk_v_value_begin_fast(struct json *j, const char *key, size_t klen, size_t max,
    enum sflow_walk_kind kind)
{
    char *p;

    /* 'lim' says the member goes in an object. */
    if (key == NULL || !walk_buf_fast(&j->out, klen + max + MEMBER_EXTRA))
        return NULL;
    p = key_at(j->out.cur, key, klen);
    if (kind == SFLOW_WALK_STR)
        *p++ = '"';
    return p;
}

/* A schema field's key, rendered once: "ifInOctets": (names need no escaping). */
#define WALK_FKEY 1

static size_t
walk_v_key_render(char *dst, size_t size, const char *key, size_t klen)
{
    size_t i;

    if (klen + 3 > size)
        return 0;
    for (i = 0; i < klen; i++)
        if ((uint8_t)key[i] < 0x20 || (uint8_t)key[i] >= 0x80 || key[i] == '"' ||
            key[i] == '\\')
            return 0;
    dst[0] = '"';
    memcpy(dst + 1, key, klen);
    dst[klen + 1] = '"';
    dst[klen + 2] = ':';
    return klen + 3;
}

static inline __attribute__((always_inline)) char *
walk_v_fkey_begin(struct json *j, const struct walk_fkey *fk, size_t max,
    enum sflow_walk_kind kind)
{
    char *p;

    if (!walk_buf_fast(&j->out, WALK_FKEY_SLOT + max + MEMBER_EXTRA))
        return NULL;
    /* Rendered keys are used only in an element's object (never in a list). */
    p = j->out.cur;
    memcpy(p, fk->r, WALK_FKEY_SLOT);
    p += fk->rlen;
    if (kind == SFLOW_WALK_STR)
        *p++ = '"';
    return p;
}

static inline __attribute__((always_inline)) void
walk_v_value_end_fast(struct json *j, char *end, enum sflow_walk_kind kind)
{
    if (kind == SFLOW_WALK_STR)
        *end++ = '"';
    *end++ = ',';
    j->out.cur = end;
}

static inline __attribute__((always_inline)) void
walk_v_value_end(struct json *j, const struct sflow_walk *w, const char *key,
    size_t klen, char *start, char *end, enum sflow_walk_kind kind)
{
    (void)w, (void)key, (void)klen, (void)start;
    if (j->dropped || j->depth == 0)
        return;
    walk_v_value_end_fast(j, end, kind);
}

#include "sflow_walk_impl.h"

_Static_assert(JSON_BUF >= SFLOW_WALK_KEY_MAX + SFLOW_WALK_VALUE_MAX + MEMBER_EXTRA + 1,
    "JSON_BUF too small for an in-place value");
_Static_assert(SFLOW_WALK_OUT_SIZE >= JSON_BUF, "held output smaller than JSON_BUF");

void
json_datagram(FILE *f, const struct dgram_meta *meta, const struct sflow_datagram *dg,
    int pretty)
{
    struct json j;

    j.f = f;
    walk_buf_open(&j.out, f, j.own, JSON_BUF);
    j.pretty = pretty;
    j.depth = 0;
    j.dropped = 0;
    j.open = 0;
    j.cfast = 0;
    j.discarded = 0;
    j.samples_depth = 0;
    j.elements_depth = 0;
    walk_run(&j, &j, meta, dg);
    /* Should the walk end without DATAGRAM_END, still leave valid JSON. */
    if (j.open)
        end_datagram(&j);
    walk_buf_close(&j.out, j.f);
}
