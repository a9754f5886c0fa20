/*
 * JSON output (convert/json.c): always valid JSON, strings escaped, numbers
 * unquoted (quoted with JSON_STRINGS).
 *
 * A small strict RFC 8259 parser (which also insists on well-formed UTF-8)
 * checks every output: a datagram whose strings hold quotes, backslashes,
 * control characters and broken UTF-8; every prefix of it, as a truncated
 * datagram; and every single-byte corruption of it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sflow_decode.h"
#include "sflow_encode.h"
#include "sflow_schema.h"
#include "wbuf.h"

static struct sflow_datagram dg;
static uint8_t wire[65536];
static size_t wire_len;
static uint8_t work[65536];

/* ---- A strict JSON checker ---- */

struct jp {
    const unsigned char *p, *end;
    int depth;
};

static int jp_value(struct jp *);

static void
jp_ws(struct jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int
jp_lit(struct jp *j, const char *s)
{
    size_t n = strlen(s);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n) != 0)
        return 0;
    j->p += n;
    return 1;
}

static int
jp_digits(struct jp *j)
{
    const unsigned char *s = j->p;

    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    return j->p > s;
}

static int
jp_number(struct jp *j)
{
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (j->p >= j->end || *j->p < '1' || *j->p > '9' || !jp_digits(j))
        return 0;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (!jp_digits(j))
            return 0;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (!jp_digits(j))
            return 0;
    }
    return 1;
}

/*
 * The length of the well-formed UTF-8 sequence at 's' ('left' bytes), or
 * 0: RFC 3629 read another way than json.c does, the code point decoded
 * from the lead byte's length, then overlong forms, surrogates and what
 * lies past U+10FFFF refused.
 */
static size_t
ref_utf8_seq(const uint8_t *s, size_t left)
{
    static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t n, k;
    uint32_t cp;

    n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 :
        (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || left < n)
        return 0;
    cp = n == 1 ? s[0] : s[0] & (0x7fu >> n);
    for (k = 1; k < n; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3fu);
    }
    if (cp < min[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return n;
}

static int
jp_utf8(struct jp *j)
{
    size_t n = ref_utf8_seq(j->p, (size_t)(j->end - j->p));

    j->p += n;
    return n != 0;
}

static int
jp_string(struct jp *j)
{
    int i;

    if (j->p >= j->end || *j->p != '"')
        return 0;
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        if (*j->p < 0x20)
            return 0;
        if (*j->p == '\\') {
            j->p++;
            if (j->p >= j->end)
                return 0;
            if (*j->p == 'u') {
                for (i = 0; i < 4; i++)
                    if (++j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p))
                        return 0;
            } else if (!strchr("\"\\/bfnrt", *j->p) || *j->p == 0) {
                return 0;
            }
            j->p++;
        } else if (*j->p >= 0x80) {
            if (!jp_utf8(j))
                return 0;
        } else {
            j->p++;
        }
    }
    if (j->p >= j->end)
        return 0;
    j->p++;
    return 1;
}

static int
jp_container(struct jp *j, char close, int object)
{
    j->p++;
    if (++j->depth > 64)
        return 0;
    jp_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 1;
    }
    for (;;) {
        jp_ws(j);
        if (object) {
            if (!jp_string(j))
                return 0;
            jp_ws(j);
            if (j->p >= j->end || *j->p++ != ':')
                return 0;
            jp_ws(j);
        }
        if (!jp_value(j))
            return 0;
        jp_ws(j);
        if (j->p >= j->end)
            return 0;
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != close)
            return 0;
        j->depth--;
        return 1;
    }
}

static int
jp_value(struct jp *j)
{
    if (j->p >= j->end)
        return 0;
    switch (*j->p) {
    case '{':
        return jp_container(j, '}', 1);
    case '[':
        return jp_container(j, ']', 0);
    case '"':
        return jp_string(j);
    case 't':
        return jp_lit(j, "true");
    case 'f':
        return jp_lit(j, "false");
    case 'n':
        return jp_lit(j, "null");
    default:
        return jp_number(j);
    }
}

/* Whether 's' is exactly one JSON object plus whitespace. */
static int
json_ok(const char *s, size_t len)
{
    struct jp j = { (const unsigned char *)s, (const unsigned char *)s + len, 0 };

    jp_ws(&j);
    if (j.p >= j.end || *j.p != '{' || !jp_value(&j))
        return 0;
    jp_ws(&j);
    return j.p == j.end;
}

/* ---- Datagrams ---- */

static const char nasty[] =
    "a\"b\\c\x01\n\x7f" "\xff" "\xc3(" "\xc3\xa9" "\xc0\xaf" "\xed\xa0\x80"
    "\xf0\x9f\x98\x80" "\xf4\x90\x80\x80" "z";
static const char nasty_json[] =
    "\"a\\\"b\\\\c\\u0001\\u000a\x7f" "\\u00ff" "\\u00c3(" "\xc3\xa9"
    "\\u00c0\\u00af" "\\u00ed\\u00a0\\u0080" "\xf0\x9f\x98\x80"
    "\\u00f4\\u0090\\u0080\\u0080" "z\"";

static void
str_value(union sflow_value *v, const char *s)
{
    v->b.p = (const uint8_t *)s;
    v->b.len = v->b.count = (uint32_t)strlen(s);
}

/*
 * A flow sample 'smp' holding 'len' bytes of a 'frame_len'-byte frame and
 * an extended switch record with VLANs 'in' and 'out'.
 */
static void
put_flow_sample(struct wbuf *w, const struct sflow_sample *smp, const uint8_t *hdr,
    uint32_t len, uint32_t frame_len, uint32_t in, uint32_t out)
{
    union sflow_value v[SFLOW_MAX_FIELDS];
    size_t so = sflow_enc_sample_begin(w, smp);

    assert_int_equal(sflow_enc_header(w, 1, frame_len, 4, hdr, len), 0);
    memset(v, 0, sizeof v);
    v[0].u = in;
    v[2].u = out;
    assert_int_equal(sflow_enc_record(w, SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH),
        sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), 0), v), 0);
    assert_int_equal(sflow_enc_sample_end(w, so), 0);
}

/* A counters sample with nasty strings and a flow sample with a TCP header. */
static void
build(void)
{
    static const uint8_t agent4[4] = { 192, 0, 2, 9 };
    static const uint8_t uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    static const uint8_t frame[] = {
        0x00, 0x1b, 0x21, 0x01, 0x02, 0x03, 0x00, 0x1c, 0x73, 0x00, 0x00, 0x01,
        0x81, 0x00, 0x00, 0x0a, 0x08, 0x00,
        0x45, 0x10, 0x00, 0x40, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
        10, 1, 2, 3, 172, 16, 0, 9,
        0x01, 0xbb, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0x01, 0xf6,
        0x00, 0x00, 0x00, 0x00,
    };
    union sflow_value v[SFLOW_MAX_FIELDS];
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, so;

    memset(&agent, 0, sizeof agent);
    agent.type = SFLOW_ADDR_IP4;
    memcpy(agent.a, agent4, 4);
    wbuf_init(&w, wire, sizeof wire);
    dgo = sflow_enc_datagram_begin(&w, &agent, 3, 77, 123456);

    memset(&smp, 0, sizeof smp);
    smp.tag = SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE);
    smp.seq = 5;
    smp.ds_index = 2;
    so = sflow_enc_sample_begin(&w, &smp);
    memset(v, 0, sizeof v);
    str_value(&v[0], nasty);
    v[1].b.p = uuid;
    v[1].b.len = 16;
    v[2].u = 3;
    v[3].u = 2;
    str_value(&v[4], "rel\"ease");
    assert_int_equal(sflow_enc_record(&w, SFLOW_TAG(0, SFLOW_CTR_HOST_DESCR),
        sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_HOST_DESCR), 1), v), 0);
    memset(v, 0, sizeof v);
    str_value(&v[0], nasty);
    assert_int_equal(sflow_enc_record(&w, SFLOW_TAG(0, SFLOW_CTR_PORT_NAME),
        sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_PORT_NAME), 1), v), 0);
    assert_int_equal(sflow_enc_sample_end(&w, so), 0);

    memset(&smp, 0, sizeof smp);
    smp.tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE);
    smp.seq = 6;
    smp.ds_index = 2;
    smp.sampling_rate = 1000;
    smp.sample_pool = 9000;
    smp.input = 2;
    smp.output = 3;
    put_flow_sample(&w, &smp, frame, sizeof frame, 1518, 10, 20);

    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    assert_int_equal(w.error, 0);
    wire_len = w.size;
}

/* Renders 'len' bytes at 'p' as JSON with 'flags'; the caller frees the result. */
static char *
render(const uint8_t *p, size_t len, int flags, size_t *outlen)
{
    struct obuf out = OBUF_INITIALIZER;
    struct dgram_meta meta;
    char *s;

    memset(&meta, 0, sizeof meta);
    meta.ts.tv_sec = 1700000000;
    meta.from_file = 1;
    strcpy(meta.src, "192.0.2.1");
    meta.size = len;
    meta.frame = 1;
    sflow_decode(p, len, &dg);
    json_datagram(&out, NULL, &meta, &dg, flags);
    assert_int_equal(out.error, 0);
    s = strndup(out.buf, out.len);
    assert_non_null(s);
    *outlen = out.len;
    obuf_free(&out);
    return s;
}

/* Whether every value outside arrays and objects is a string (JSON_STRINGS). */
static int
all_strings(const char *s, size_t n)
{
    size_t i;
    int in_str = 0;

    for (i = 0; i < n; i++) {
        if (in_str) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                in_str = 0;
        } else if (s[i] == '"') {
            in_str = 1;
        } else if ((s[i] == ':' || s[i] == ',' || s[i] == '[') && i + 1 < n &&
            s[i + 1] != '"' && s[i + 1] != '{' && s[i + 1] != '[' && s[i + 1] != ']' &&
            s[i + 1] != '\n') {
            return 0;
        }
    }
    return 1;
}

/*
 * -J's output without its indentation and blank line: -j's, byte for byte
 * (the two take different paths through the buffer).  Removes the
 * whitespace outside strings, in place; returns the new length.
 */
static size_t
minify(char *s, size_t n)
{
    size_t i, o = 0;
    int in_str = 0;

    for (i = 0; i < n; i++) {
        if (in_str) {
            if (s[i] == '\\' && i + 1 < n)
                s[o++] = s[i++];
            else if (s[i] == '"')
                in_str = 0;
        } else if (s[i] == ' ' || s[i] == '\n') {
            continue;
        } else if (s[i] == '"') {
            in_str = 1;
        }
        s[o++] = s[i];
    }
    return o;
}

/* -j, -J and --json-strings of 'len' bytes at 'p': valid JSON, and the same JSON. */
static void
check(const uint8_t *p, size_t len, const char *what, size_t arg)
{
    size_t n, i, lines, compact_n = 0;
    char *out, *compact = NULL;
    int flags;

    for (flags = 0; flags <= (JSON_PRETTY | JSON_STRINGS); flags++) {
        out = render(p, len, flags, &n);
        if (!json_ok(out, n)) {
            fprintf(stderr, "%s %zu (flags %d): invalid JSON:\n%.*s\n", what, arg, flags,
                (int)n, out);
            fail();
        }
        for (i = 0, lines = 0; i < n; i++)
            lines += out[i] == '\n';
        if (!(flags & JSON_PRETTY) && (lines != 1 || out[n - 1] != '\n')) {
            fprintf(stderr, "%s %zu: -j output is %zu lines\n", what, arg, lines);
            fail();
        }
        if (dg.err.code != SFLOW_OK && strstr(out, "\"error\":") == NULL) {
            fprintf(stderr, "%s %zu: no error member for %s\n", what, arg,
                sflow_errname(dg.err.code));
            fail();
        }
        if ((flags & JSON_STRINGS) && !all_strings(out, n)) {
            fprintf(stderr, "%s %zu: a bare number with JSON_STRINGS:\n%.*s\n", what, arg,
                (int)n, out);
            fail();
        }
        if (flags == 0) {
            compact = out;
            compact_n = n - 1;          /* Without the newline. */
            continue;
        }
        if (flags == JSON_PRETTY) {
            n = minify(out, n);
            if (n != compact_n || memcmp(out, compact, n) != 0) {
                fprintf(stderr, "%s %zu: -J differs from -j:\n%.*s\n%.*s\n", what, arg,
                    (int)compact_n, compact, (int)n, out);
                fail();
            }
        }
        free(out);
    }
    free(compact);
}

static void
test_escaping(void **state)
{
    size_t n;
    char *out;

    (void)state;
    build();
    check(wire, wire_len, "whole", wire_len);
    out = render(wire, wire_len, 0, &n);
    assert_int_equal(dg.err.code, SFLOW_OK);
    assert_null(strstr(out, "\"error\""));
    /* Numbers bare, strings quoted. */
    assert_non_null(strstr(out, "\"samplesInPacket\":2,"));
    assert_non_null(strstr(out, "\"meanSkipCount\":1000,"));
    assert_non_null(strstr(out, "\"agent\":\"192.0.2.9\""));
    assert_non_null(strstr(out, "\"os_release\":\"rel\\\"ease\""));
    /* Quotes, backslashes, controls and bad UTF-8 escaped; good UTF-8 kept. */
    if (strstr(out, nasty_json) == NULL) {
        fprintf(stderr, "expected %s in\n%s\n", nasty_json, out);
        fail();
    }
    free(out);
    /* --json-strings: the same numbers, as strings. */
    out = render(wire, wire_len, JSON_STRINGS, &n);
    assert_non_null(strstr(out, "\"samplesInPacket\":\"2\","));
    assert_non_null(strstr(out, "\"meanSkipCount\":\"1000\","));
    assert_non_null(strstr(out, "\"agent\":\"192.0.2.9\""));
    free(out);
}

/*
 * A datagram of many flow samples, whose JSON is larger than the
 * buffer's first allocation: it grows, and -j and -J still agree.
 */
static void
test_large(void **state)
{
    uint8_t frame[128];
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, n;
    uint32_t i;
    char *out;

    (void)state;
    memset(&agent, 0, sizeof agent);
    agent.type = SFLOW_ADDR_IP6;
    agent.a[0] = 0x20;
    for (i = 0; i < sizeof frame; i++)
        frame[i] = (uint8_t)(i * 7);
    frame[12] = 0x08;                   /* IPv4 */
    frame[13] = 0x00;
    frame[14] = 0x45;
    wbuf_init(&w, wire, sizeof wire);
    dgo = sflow_enc_datagram_begin(&w, &agent, 1, 2, 3);
    for (i = 0; i < 150; i++) {
        memset(&smp, 0, sizeof smp);
        smp.tag = SFLOW_TAG(0, SFLOW_FLOW_SAMPLE);
        smp.seq = i;
        smp.ds_index = i;
        smp.sampling_rate = 1 + i * 977;
        smp.input = i;
        smp.output_format = 2;          /* "multiple" */
        smp.output = i;
        put_flow_sample(&w, &smp, frame, 64 + i % 65, 1500 + i, i, i * 3);
    }
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    assert_int_equal(w.error, 0);
    wire_len = w.size;

    out = render(wire, wire_len, 0, &n);
    assert_int_equal(dg.err.code, SFLOW_OK);
    assert_true(n > 2 * 32768);
    free(out);
    check(wire, wire_len, "large", wire_len);
    /* Cut short at a few places: the error member comes last. */
    for (n = wire_len / 2; n < wire_len; n += 997) {
        memcpy(work, wire, n);
        check(work, n, "large prefix", n);
    }
}

static void
test_truncated(void **state)
{
    size_t len;

    (void)state;
    build();
    for (len = 0; len < wire_len; len++) {
        memcpy(work, wire, len);
        check(work, len, "prefix", len);
    }
}

static void
test_corrupted(void **state)
{
    static const uint8_t bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
    size_t i, b;

    (void)state;
    build();
    for (i = 0; i < wire_len; i++) {
        for (b = 0; b < sizeof bytes; b++) {
            memcpy(work, wire, wire_len);
            work[i] = bytes[b];
            check(work, wire_len, "corrupt byte", i);
        }
    }
}

/* Whether all of 's' is well-formed UTF-8, by ref_utf8_seq(). */
static int
ref_utf8(const uint8_t *s, size_t len)
{
    size_t i, n;

    for (i = 0; i < len; i += n)
        if ((n = ref_utf8_seq(s + i, len - i)) == 0)
            return 0;
    return 1;
}

/*
 * json_is_utf8() against ref_utf8(): every string of one to three bytes,
 * four-byte ones over every lead and second byte, the RFC's examples.
 */
static void
test_is_utf8(void **state)
{
    /*
     * Valid strings of each length, from 128 ASCII bytes, 30 * 64 two-byte
     * sequences (C2..DF 80..BF) and 61440 three-byte ones (U+0800..U+FFFF
     * less the 2048 surrogates).
     */
    static const uint32_t valid[4] = { 0, 128, 128 * 128 + 1920,
        128 * 128 * 128 + 2 * 128 * 1920 + 61440 };
    uint8_t b[4];
    uint32_t v, n, c, good;

    (void)state;
    for (n = 1; n <= 3; n++) {
        good = 0;
        for (v = 0; v < 1u << (8 * n); v++) {
            for (c = 0; c < n; c++)
                b[c] = (uint8_t)(v >> (8 * (n - 1 - c)));
            if (json_is_utf8((const char *)b, n) != ref_utf8(b, n)) {
                fprintf(stderr, "%u bytes %02x %02x %02x\n", n, b[0], b[1], b[2]);
                fail();
            }
            good += (uint32_t)ref_utf8(b, n);
        }
        assert_int_equal(good, valid[n]);
    }
    /* Four bytes: every lead F0..FF and second byte, a few third and fourth bytes. */
    for (v = 0; v < 1u << 12; v++) {
        for (c = 0; c < 4; c++) {
            b[0] = (uint8_t)(0xf0 + (v >> 8));
            b[1] = (uint8_t)v;
            b[2] = (uint8_t)(0x80 + c * 0x1f);
            b[3] = (uint8_t)(c & 1 ? 0xbf : 0x41);
            assert_int_equal(json_is_utf8((const char *)b, 4), ref_utf8(b, 4));
        }
    }
    /* The spec's examples (RFC 3629 section 7), and the empty string. */
    assert_true(json_is_utf8("\x41\xe2\x89\xa2\xce\x91\x2e", 7));
    assert_true(json_is_utf8("\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", 9));
    assert_true(json_is_utf8("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9));
    assert_true(json_is_utf8("\xef\xbb\xbf\xf0\xa3\x8e\xb4", 7));
    assert_true(json_is_utf8("", 0));
    assert_false(json_is_utf8("\xc0\x80", 2));            /* Overlong NUL. */
    assert_false(json_is_utf8("\xed\xa0\x80", 3));        /* A surrogate. */
    assert_false(json_is_utf8("\xf4\x90\x80\x80", 4));    /* U+110000. */
    assert_false(json_is_utf8("\xe2\x89", 2));            /* Cut short. */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corrupted),
        cmocka_unit_test(test_is_utf8),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
