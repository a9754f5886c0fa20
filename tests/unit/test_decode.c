/*
 * Hostile input for convert/sflow_decode.c: every prefix of several valid
 * datagrams, lying lengths, absurd counts, over-long strings and lists, bad
 * versions and address types.  Each case asserts the sflow_err code; every
 * decode reads an exact-size heap copy, so ASan sees any read past the end.
 * The datagrams are written with convert/sflow_encode.c.  Also: every named
 * field position of sflow_schema.h against its field's name in the schema.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sflow_decode.h"
#include "sflow_encode.h"
#include "sflow_schema.h"
#include "wbuf.h"

static struct sflow_datagram dg;

struct dgram {
    uint8_t b[8192];
    size_t n;
};

static const uint8_t ip4_agent[4] = { 10, 0, 0, 1 };
static const uint8_t ip6_agent[16] = {
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 };

/* Eth / IPv4 / UDP 53: 46 bytes. */
static const uint8_t frame_udp[] = {
    0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
    10, 0, 0, 1, 10, 0, 0, 2,
    0xc3, 0x50, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 'a', 'b', 'c', 'd',
};

/* Decodes 'len' bytes of 'p' from an exact-size heap copy. */
static enum sflow_err
decode_copy(const uint8_t *p, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    enum sflow_err e;

    assert_non_null(copy);
    memcpy(copy, p, len);
    e = sflow_decode(copy, len, &dg);
    /* 'dg' points into 'copy': the caller looks only at numbers. */
    free(copy);
    return e;
}

static void
set_agent(struct sflow_addr *a, int v6)
{
    memset(a, 0, sizeof(*a));
    a->type = v6 ? SFLOW_ADDR_IP6 : SFLOW_ADDR_IP4;
    memcpy(a->a, v6 ? ip6_agent : ip4_agent, v6 ? 16 : 4);
}

static void
sample_of(struct sflow_sample *smp, uint32_t fmt)
{
    memset(smp, 0, sizeof(*smp));
    smp->tag = SFLOW_TAG(0, fmt);
    smp->seq = 17;
    smp->ds_index = 5;
    smp->sampling_rate = 1024;
    smp->sample_pool = 4096;
    smp->input = 1;
    smp->output = 2;
    smp->reason = 259;
}

/* Values for 'schema' with a little content in every list and string. */
static void
values_of(const struct sflow_schema *s, union sflow_value *v, uint8_t *mem)
{
    size_t i;

    memset(v, 0, sizeof(*v) * SFLOW_MAX_FIELDS);
    for (i = 0; i < 64; i++)
        mem[i] = (uint8_t)(i + 1);
    /* One-element lists: {type 2, one ASN}, {ifIndex, one MAC}: word 1 = 1. */
    memset(mem + 64, 0, 64);
    mem[64 + 3] = 2;
    mem[64 + 7] = 1;
    for (i = 0; i < s->n_fields; i++) {
        switch (s->fields[i].type) {
        case SFT_U32: case SFT_U64: case SFT_U8:
            v[i].u = 1000 + i;
            break;
        case SFT_S32: case SFT_PERCENT:
            v[i].s = -1;
            break;
        case SFT_FLOAT:
            v[i].f = 0.5f;
            break;
        case SFT_ADDR:
            v[i].addr.type = SFLOW_ADDR_IP4;
            memcpy(v[i].addr.a, ip4_agent, 4);
            break;
        case SFT_MAC: case SFT_IP4: case SFT_IP6: case SFT_UUID:
            v[i].b.p = mem;
            break;
        case SFT_STR:
            v[i].b.p = mem;
            v[i].b.len = 7;
            break;
        case SFT_OPAQUE:
            v[i].b.p = frame_udp;
            v[i].b.len = sizeof frame_udp;
            break;
        case SFT_U32_LIST:
            v[i].b.p = mem;
            v[i].b.count = 2;
            v[i].b.len = 8;
            break;
        case SFT_LANES:
            v[i].b.p = mem;
            v[i].b.count = 1;
            v[i].b.len = 40;
            break;
        case SFT_AS_PATH:
            v[i].b.p = mem + 64;
            v[i].b.count = 1;
            v[i].b.len = 12;
            break;
        case SFT_ADAPTERS:
            v[i].b.p = mem + 64;
            v[i].b.count = 1;
            v[i].b.len = 16;
            break;
        }
    }
    if (s->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER)) {
        v[0].u = PKT_PROTO_ETHERNET;
        v[1].u = 64;
        v[2].u = 4;
    }
}

static void
add_record(struct wbuf *w, uint32_t tag, int counter)
{
    const struct sflow_schema *s = sflow_schema_find(tag, counter);
    union sflow_value v[SFLOW_MAX_FIELDS];
    uint8_t mem[128];

    assert_non_null(s);
    values_of(s, v, mem);
    assert_int_equal(sflow_enc_record(w, tag, s, v), 0);
}

/*
 * Golden datagrams, 0-2: IPv4 agent with compact samples; IPv6 agent with
 * expanded and discarded samples and variable-length records; vendor
 * records and samples.
 */
static void
build(struct dgram *d, int which)
{
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, so;
    int i;

    wbuf_init(&w, d->b, sizeof d->b);
    set_agent(&agent, which == 1);
    dgo = sflow_enc_datagram_begin(&w, &agent, 0, 1 + which, 123456);
    switch (which) {
    case 0:
        for (i = 0; i < 2; i++) {
            sample_of(&smp, SFLOW_FLOW_SAMPLE);
            so = sflow_enc_sample_begin(&w, &smp);
            add_record(&w, SFLOW_TAG(0, SFLOW_FLOW_HEADER), 0);
            add_record(&w, SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), 0);
            sflow_enc_sample_end(&w, so);
        }
        sample_of(&smp, SFLOW_COUNTERS_SAMPLE);
        so = sflow_enc_sample_begin(&w, &smp);
        add_record(&w, SFLOW_TAG(0, SFLOW_CTR_GENERIC), 1);
        add_record(&w, SFLOW_TAG(0, SFLOW_CTR_ETHERNET), 1);
        sflow_enc_sample_end(&w, so);
        break;
    case 1:
        sample_of(&smp, SFLOW_FLOW_SAMPLE_EXPANDED);
        so = sflow_enc_sample_begin(&w, &smp);
        add_record(&w, SFLOW_TAG(0, SFLOW_FLOW_HEADER), 0);
        add_record(&w, SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY), 0);
        add_record(&w, SFLOW_TAG(0, 1005), 0);           /* url */
        add_record(&w, SFLOW_TAG(0, 1012), 0);           /* vlan tunnel */
        sflow_enc_sample_end(&w, so);
        sample_of(&smp, SFLOW_COUNTERS_SAMPLE_EXPANDED);
        so = sflow_enc_sample_begin(&w, &smp);
        add_record(&w, SFLOW_TAG(0, SFLOW_CTR_HOST_DESCR), 1);
        add_record(&w, SFLOW_TAG(0, SFLOW_CTR_HOST_ADAPTERS), 1);
        add_record(&w, SFLOW_TAG(0, 10), 1);             /* sfp lanes */
        add_record(&w, SFLOW_TAG(0, 7), 1);              /* lag, u8 fields */
        sflow_enc_sample_end(&w, so);
        sample_of(&smp, SFLOW_DISCARDED_PACKET);
        so = sflow_enc_sample_begin(&w, &smp);
        add_record(&w, SFLOW_TAG(0, SFLOW_FLOW_HEADER), 0);
        add_record(&w, SFLOW_TAG(0, 1042), 0);           /* linux drop reason */
        sflow_enc_sample_end(&w, so);
        break;
    case 2:
        sflow_enc_opaque(&w, SFLOW_TAG(4413, 2), frame_udp, 12);
        sample_of(&smp, SFLOW_FLOW_SAMPLE);
        so = sflow_enc_sample_begin(&w, &smp);
        sflow_enc_opaque(&w, SFLOW_TAG(9999, 3), frame_udp, 5);
        add_record(&w, SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), 0);
        sflow_enc_sample_end(&w, so);
        break;
    }
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    d->n = w.size;
}

/* ---- Truncation ---- */

/* What the decoder must say about the prefix of 'len' bytes of 'd'. */
struct layout {
    size_t hdr;
    uint32_t n_samples;
    struct { size_t off, end, records; int known; } s[16];
    uint32_t n_records;
    size_t rec_off[64], rec_end[64];    /* rec_end: before the pad. */
};

static void
layout_of(const struct dgram *d, struct layout *lo)
{
    uint32_t i, j;

    assert_int_equal(decode_copy(d->b, d->n), SFLOW_OK);
    memset(lo, 0, sizeof(*lo));
    lo->hdr = dg.agent.type == SFLOW_ADDR_IP6 ? 40 : 28;
    lo->n_samples = dg.n_samples;
    assert_true(dg.n_samples <= 16 && dg.n_records <= 64);
    for (i = 0; i < dg.n_samples; i++) {
        const struct sflow_sample *s = &dg.samples[i];

        lo->s[i].off = s->offset;
        lo->s[i].end = s->offset + 8 + s->length;
        lo->s[i].known = s->known;
        /* Fixed fields end where records begin: 4 words per field after tag/len. */
        lo->s[i].records = s->n_records ? dg.records[s->first_record].offset :
            lo->s[i].end;
    }
    lo->n_records = dg.n_records;
    for (j = 0; j < dg.n_records; j++) {
        lo->rec_off[j] = dg.records[j].offset;
        lo->rec_end[j] = dg.records[j].offset + 8 + dg.records[j].length;
    }
}

static void
expect_prefix(const struct layout *lo, size_t len, enum sflow_err *code, size_t *offset)
{
    uint32_t i, j;

    if (len < lo->hdr) {
        *code = SFLOW_E_SHORT_HEADER;
        *offset = 0;
        return;
    }
    for (i = 0; i < lo->n_samples; i++) {
        if (len == lo->s[i].off) {
            *code = SFLOW_E_COUNT;
            *offset = len;
            return;
        }
        if (len < lo->s[i].end)
            break;
    }
    assert_true(i < lo->n_samples);
    if (!lo->s[i].known || len < lo->s[i].records) {
        *code = SFLOW_E_SAMPLE_SHORT;
        *offset = lo->s[i].off;
        return;
    }
    /*
     * The record cut, or the one after it when only the pad of an odd-length
     * record is missing: rd_opaque() tolerates that, and the next record
     * header is then what runs short.
     */
    *code = SFLOW_E_RECORD_SHORT;
    *offset = 0;
    for (j = 0; j < lo->n_records; j++)
        if (lo->rec_off[j] <= len)
            *offset = len >= lo->rec_end[j] ? len : lo->rec_off[j];
}

static void
test_truncation_sweep(void **state)
{
    static struct dgram d;
    struct layout lo;
    enum sflow_err want;
    size_t len, off;
    int which;

    (void)state;
    for (which = 0; which < 3; which++) {
        build(&d, which);
        layout_of(&d, &lo);
        for (len = 0; len < d.n; len++) {
            enum sflow_err e = decode_copy(d.b, len);

            expect_prefix(&lo, len, &want, &off);
            if (e != want || dg.err.code != want || dg.err.offset != off)
                fprintf(stderr, "datagram %d cut at %zu/%zu: %s at %zu, want %s at %zu\n",
                    which, len, d.n, sflow_errname(e), dg.err.offset,
                    sflow_errname(want), off);
            assert_int_equal(e, want);
            assert_int_equal(dg.err.code, want);
            assert_int_equal(dg.err.offset, off);
        }
        assert_int_equal(decode_copy(d.b, d.n), SFLOW_OK);
    }
}

/* Random bytes overwritten in the golden datagrams: any result, no crash. */
static void
test_corruption(void **state)
{
    static struct dgram d, c;
    uint32_t x = 12345, i, k;
    int which;

    (void)state;
    for (which = 0; which < 3; which++) {
        build(&d, which);
        for (i = 0; i < 20000; i++) {
            c = d;
            for (k = 0; k < 1 + i % 4; k++) {
                x = x * 1103515245 + 12345;
                c.b[(x >> 8) % c.n] = (uint8_t)(x >> 20) |
                    ((x & 3) == 0 ? 0xF0 : 0);
            }
            (void)decode_copy(c.b, (x >> 4) % 8 ? c.n : (x >> 10) % c.n);
            assert_true(dg.n_samples <= SFLOW_MAX_SAMPLES);
            assert_true(dg.err.code < SFLOW_E_MAX);
        }
    }
}

/* ---- Header ---- */

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void
test_version(void **state)
{
    static struct dgram d;
    static const uint32_t bad[] = { 4, 2, 0, 0x05000000, 0xFFFFFFFF, 6 };
    size_t i;

    (void)state;
    build(&d, 0);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put32(d.b, bad[i]);
        assert_int_equal(decode_copy(d.b, d.n), SFLOW_E_VERSION);
        assert_int_equal(dg.stage, 1);
        assert_int_equal(dg.version, bad[i]);
        assert_int_equal(dg.n_samples, 0);
        /* The version alone decides, however short the datagram. */
        assert_int_equal(decode_copy(d.b, 4), SFLOW_E_VERSION);
    }
}

static void
test_agent_address_type(void **state)
{
    static struct dgram d;
    static const uint32_t bad[] = { 3, 4, 0x100, 0xFFFFFFFF };
    struct sflow_addr agent;
    struct wbuf w;
    size_t i, dgo;

    (void)state;
    build(&d, 0);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put32(d.b + 4, bad[i]);
        assert_int_equal(decode_copy(d.b, d.n), SFLOW_E_ADDR_TYPE);
        assert_int_equal(dg.err.offset, 4);
        assert_int_equal(dg.n_samples, 0);
    }

    /* IPv6 agent cut inside its address. */
    build(&d, 1);
    assert_int_equal(decode_copy(d.b, 20), SFLOW_E_SHORT_HEADER);

    /* Type 0 ("unknown") is a valid XDR union arm with no body. */
    memset(&agent, 0, sizeof agent);
    wbuf_init(&w, d.b, sizeof d.b);
    dgo = sflow_enc_datagram_begin(&w, &agent, 0, 1, 2);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    assert_int_equal(w.size, 24);
    assert_int_equal(decode_copy(d.b, w.size), SFLOW_OK);
    assert_int_equal(dg.agent.type, SFLOW_ADDR_UNKNOWN);
}

/* ---- Lengths ---- */

static void
test_lying_record_length(void **state)
{
    static struct dgram d, c;
    static const uint32_t lies[] = { 0xFFFFFFF0, 0xFFFFFFFF, 0x80000000, 0 };
    size_t i, rec_off, left;
    uint32_t tag;

    (void)state;
    build(&d, 0);
    assert_int_equal(decode_copy(d.b, d.n), SFLOW_OK);
    rec_off = dg.records[1].offset;     /* extended_switch of sample 0 */
    tag = dg.records[1].tag;
    left = d.n - rec_off - 8;
    for (i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        c = d;
        put32(c.b + rec_off + 4, lies[i] ? lies[i] : (uint32_t)left + 1);
        assert_int_equal(decode_copy(c.b, c.n), SFLOW_E_RECORD_SHORT);
        assert_int_equal(dg.err.offset, rec_off);
        assert_int_equal(dg.err.tag, tag);
        assert_int_equal(dg.err.expected, lies[i] ? lies[i] : left + 1);
        assert_int_equal(dg.err.found, left);
        assert_int_equal(dg.n_samples, 1);
        assert_int_equal(dg.samples[0].error, 1);
    }

    /* Shorter than the layout: this record is bad, the datagram goes on. */
    c = d;
    put32(c.b + rec_off + 4, 8);
    put32(c.b + rec_off + 16, tag);             /* the rest becomes a record */
    put32(c.b + rec_off + 20, 0);
    put32(c.b + dg.samples[0].offset + 8 + 28, 3);      /* num_records */
    assert_int_equal(decode_copy(c.b, c.n), SFLOW_E_RECORD_BODY);
    assert_int_equal(dg.err.offset, rec_off);
    assert_int_equal(dg.err.tag, tag);
    assert_int_equal(dg.records[1].error, 1);
    assert_int_equal(dg.records[2].error, 1);
    assert_int_equal(dg.n_samples, 3);
    assert_int_equal(dg.samples[2].n_records, 2);
    assert_int_equal(dg.records[dg.samples[2].first_record].error, 0);
}

static void
test_lying_sample_length(void **state)
{
    static struct dgram d, c;
    size_t s1, len1;
    uint32_t lie;

    (void)state;
    build(&d, 0);
    assert_int_equal(decode_copy(d.b, d.n), SFLOW_OK);
    s1 = dg.samples[1].offset;
    len1 = dg.samples[1].length;

    for (lie = 0; lie < 5; lie++) {
        static const uint32_t lies[] = { 0xFFFFFFF0, 0xFFFFFFFF, 0, 4, 0 };
        uint32_t v = lie == 2 ? (uint32_t)len1 - 4 : lie == 4 ? (uint32_t)len1 + 4 : lies[lie];

        c = d;
        put32(c.b + s1 + 4, v);
        assert_int_equal(decode_copy(c.b, c.n), SFLOW_E_SAMPLE_LENGTH);
        assert_int_equal(dg.err.offset, s1);
        assert_int_equal(dg.err.tag, SFLOW_TAG(0, SFLOW_FLOW_SAMPLE));
        assert_int_equal(dg.err.expected, v);
        assert_int_equal(dg.err.found, len1);
        assert_int_equal(dg.n_samples, 2);
        assert_int_equal(dg.samples[0].error, 0);
        assert_int_equal(dg.samples[1].error, 1);
    }

    /* An unknown sample type is skipped by its length: a lie runs off the end. */
    build(&d, 2);
    c = d;
    put32(c.b + 28 + 4, 0xFFFFFFF0);
    assert_int_equal(decode_copy(c.b, c.n), SFLOW_E_SAMPLE_SHORT);
    assert_int_equal(dg.err.offset, 28);
    assert_int_equal(dg.err.tag, SFLOW_TAG(4413, 2));
}

/* sample_data is an opaque<>: an unknown sample of odd length is padded. */
static void
test_unknown_sample_pad(void **state)
{
    static struct dgram d;
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, so;

    (void)state;
    set_agent(&agent, 0);
    wbuf_init(&w, d.b, sizeof d.b);
    dgo = sflow_enc_datagram_begin(&w, &agent, 0, 1, 2);
    sflow_enc_opaque(&w, SFLOW_TAG(4413, 2), frame_udp, 5);
    sample_of(&smp, SFLOW_FLOW_SAMPLE);
    so = sflow_enc_sample_begin(&w, &smp);
    add_record(&w, SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), 0);
    sflow_enc_sample_end(&w, so);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    assert_int_equal(w.size, 28 + 16 + 8 + 32 + 24);
    assert_int_equal(decode_copy(d.b, w.size), SFLOW_OK);
    assert_int_equal(dg.n_samples, 2);
    assert_int_equal(dg.n_unknown, 1);
    assert_int_equal(dg.samples[1].n_records, 1);
}

/* ---- Counts ---- */

static void
test_absurd_counts(void **state)
{
    static struct dgram d, c;
    static uint8_t big[SFLOW_MAX_DATAGRAM], huge[2 * SFLOW_MAX_DATAGRAM];
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, so, nrec_at;
    uint32_t i;

    (void)state;
    build(&d, 0);

    /* num_samples far above what is there. */
    c = d;
    put32(c.b + 24, 0xFFFFFFFF);
    assert_int_equal(decode_copy(c.b, c.n), SFLOW_E_COUNT);
    assert_int_equal(dg.err.expected, 0xFFFFFFFF);
    assert_int_equal(dg.err.found, 3);
    assert_int_equal(dg.err.offset, d.n);
    assert_int_equal(dg.n_samples, 3);

    /* num_records far above what is there. */
    assert_int_equal(decode_copy(d.b, d.n), SFLOW_OK);
    nrec_at = dg.records[dg.samples[2].first_record].offset - 4;
    c = d;
    put32(c.b + nrec_at, 0xFFFFFFFF);
    assert_int_equal(decode_copy(c.b, c.n), SFLOW_E_RECORD_SHORT);
    assert_int_equal(dg.err.offset, d.n);
    assert_int_equal(dg.samples[2].n_records, 2);

    /* num_records below what is there: the sample length catches it. */
    c = d;
    put32(c.b + nrec_at, 1);
    assert_int_equal(decode_copy(c.b, c.n), SFLOW_E_SAMPLE_LENGTH);

    /*
     * The largest UDP datagram filled with the smallest samples, then with
     * one counter sample of the smallest records: all decoded, none cut.
     */
    set_agent(&agent, 0);
    wbuf_init(&w, big, sizeof(big));
    dgo = sflow_enc_datagram_begin(&w, &agent, 0, 1, 2);
    for (i = 0; w.size + 8 <= sizeof(big); i++)
        sflow_enc_opaque(&w, SFLOW_TAG(9999, 1), NULL, 0);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    assert_true(i > 8000);
    assert_int_equal(decode_copy(big, w.size), SFLOW_OK);
    assert_int_equal(dg.n_samples, i);

    wbuf_init(&w, big, sizeof(big));
    dgo = sflow_enc_datagram_begin(&w, &agent, 0, 1, 2);
    sample_of(&smp, SFLOW_COUNTERS_SAMPLE);
    so = sflow_enc_sample_begin(&w, &smp);
    for (i = 0; w.size + 8 <= sizeof(big); i++)
        sflow_enc_opaque(&w, SFLOW_TAG(9999, 1), NULL, 0);
    assert_int_equal(sflow_enc_sample_end(&w, so), 0);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    assert_true(i > 8000);
    assert_int_equal(decode_copy(big, w.size), SFLOW_OK);
    assert_int_equal(dg.n_records, i);
    assert_int_equal(dg.samples[0].n_records, i);

    /* Only a capture can hold more than 64 KiB; past the arrays it is an error. */
    wbuf_init(&w, huge, sizeof(huge));
    dgo = sflow_enc_datagram_begin(&w, &agent, 0, 1, 2);
    for (i = 0; i < SFLOW_MAX_SAMPLES + 10; i++)
        sflow_enc_opaque(&w, SFLOW_TAG(9999, 1), NULL, 0);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    assert_int_equal(decode_copy(huge, w.size), SFLOW_E_TOO_MANY_SAMPLES);
    assert_int_equal(dg.n_samples, SFLOW_MAX_SAMPLES);
    assert_int_equal(dg.err.offset, 28 + 8 * SFLOW_MAX_SAMPLES);
}

/* ---- Record bodies ---- */

/*
 * One datagram with one flow ('counter' 0) or counter sample holding one
 * record 'tag' whose body is the words 'body', then an extended_switch or
 * generic counters record that must still decode.
 */
static enum sflow_err
decode_body(uint32_t tag, int counter, const uint32_t *body, size_t n_words,
    const void *tail, size_t tail_len)
{
    static struct dgram d;
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, so, ro, i;
    enum sflow_err e;

    set_agent(&agent, 0);
    wbuf_init(&w, d.b, sizeof d.b);
    dgo = sflow_enc_datagram_begin(&w, &agent, 0, 1, 2);
    sample_of(&smp, counter ? SFLOW_COUNTERS_SAMPLE : SFLOW_FLOW_SAMPLE);
    so = sflow_enc_sample_begin(&w, &smp);
    ro = sflow_enc_record_begin(&w, tag);
    for (i = 0; i < n_words; i++)
        wbuf_put_u32(&w, body[i]);
    wbuf_put_bytes(&w, tail, tail_len);
    sflow_enc_record_end(&w, ro);
    add_record(&w, counter ? SFLOW_TAG(0, SFLOW_CTR_GENERIC) :
        SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), counter);
    assert_int_equal(sflow_enc_sample_end(&w, so), 0);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    d.n = w.size;
    e = decode_copy(d.b, d.n);
    assert_int_equal(dg.n_records, 2);
    assert_int_equal(dg.records[1].error, 0);
    if (e == SFLOW_E_RECORD_BODY) {
        assert_int_equal(dg.err.tag, tag);
        assert_int_equal(dg.err.offset, dg.records[0].offset);
        assert_int_equal(dg.records[0].error, 1);
    }
    return e;
}

static void
test_string_max(void **state)
{
    static char s[300];
    uint32_t w[1];

    (void)state;
    memset(s, 'a', sizeof s);
    /* ifName<255>: 255 is fine, 256 is not. */
    w[0] = 255;
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_CTR_PORT_NAME), 1, w, 1, s, 256),
        SFLOW_OK);
    assert_int_equal(dg.records[0].v[0].b.len, 255);
    w[0] = 256;
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_CTR_PORT_NAME), 1, w, 1, s, 256),
        SFLOW_E_RECORD_BODY);
    /* hostname<64> */
    w[0] = 65;
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_CTR_HOST_DESCR), 1, w, 1, s, 68),
        SFLOW_E_RECORD_BODY);
    /* A string longer than its record. */
    w[0] = 0xFFFFFFFC;
    assert_int_equal(decode_body(SFLOW_TAG(0, 1038), 0, w, 1, s, 8),
        SFLOW_E_RECORD_BODY);
}

static void
test_bad_lists(void **state)
{
    /* Counts that would need more bytes than the record has. */
    static const uint32_t vlan_stack[] = { 0x40000000, 1, 2 };
    static const uint32_t lanes[] = { 1, 2, 3, 4, 0x10000000, 0 };
    /* extended_gateway: nexthop 10.0.0.1, my/src/peer AS, then the path. */
    static const uint32_t as_path[] = {
        1, 0x0a000001, 65000, 65001, 65002, 1, 2, 0x3FFFFFFF, 65003, 0, 100 };
    static const uint32_t as_path_n[] = {
        1, 0x0a000001, 65000, 65001, 65002, 0xFFFFFFFF, 2, 1, 65003, 0, 100 };
    static const uint32_t adapters[] = { 1, 7, 0x20000000, 0 };
    static const uint32_t header[] = { 1, 64, 4, 200, 0, 0 };
    static const uint32_t router[] = { 7, 0, 24, 24 };
    static const uint32_t ok_path[] = {
        1, 0x0a000001, 65000, 65001, 65002, 1, 2, 1, 65003, 0, 100 };

    (void)state;
    assert_int_equal(decode_body(SFLOW_TAG(0, 1012), 0, vlan_stack, 3, NULL, 0),
        SFLOW_E_RECORD_BODY);
    assert_int_equal(decode_body(SFLOW_TAG(0, 10), 1, lanes, 6, NULL, 0),
        SFLOW_E_RECORD_BODY);
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY), 0, as_path,
        11, NULL, 0), SFLOW_E_RECORD_BODY);
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY), 0, as_path_n,
        11, NULL, 0), SFLOW_E_RECORD_BODY);
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_CTR_HOST_ADAPTERS), 1, adapters,
        4, NULL, 0), SFLOW_E_RECORD_BODY);
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_FLOW_HEADER), 0, header, 6, NULL, 0),
        SFLOW_E_RECORD_BODY);
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_FLOW_EX_ROUTER), 0, router, 4,
        NULL, 0), SFLOW_E_RECORD_BODY);
    /* And a good one of the same shape, to show the cases above are only the counts. */
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY), 0, ok_path, 11,
        NULL, 0), SFLOW_OK);
    assert_int_equal(dg.records[0].v[4].b.count, 1);
    assert_int_equal(dg.records[0].v[4].b.len, 12);
    assert_int_equal(dg.records[0].v[5].b.count, 0);
    assert_int_equal(dg.records[0].v[6].u, 100);
}

/* The sampled header: its fixed fields, then its bytes, then the packet parsed. */
static void
test_header_record(void **state)
{
    uint32_t w[4] = { 1, 64, 4, sizeof(frame_udp) };
    uint8_t tail[sizeof(frame_udp) + 2] = { 0 };
    const struct sflow_record *rec = &dg.records[0];

    (void)state;
    memcpy(tail, frame_udp, sizeof(frame_udp));
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_FLOW_HEADER), 0, w, 4, tail,
        sizeof(tail)), SFLOW_OK);
    assert_int_equal(rec->n_values, 4);
    assert_int_equal(rec->v[0].u, 1);
    assert_int_equal(rec->v[1].u, 64);
    assert_int_equal(rec->v[2].u, 4);
    assert_int_equal(rec->v[3].b.len, sizeof(frame_udp));
    assert_int_equal(rec->v[3].b.count, sizeof(frame_udp));
    assert_non_null(rec->pkt);
    assert_int_equal(rec->pkt->outer.l4, 17);
    assert_int_equal(rec->pkt->outer.dst_port, 53);

    /* Bytes past the record: an error, and no packet. */
    w[3] = sizeof(tail) + 1;
    assert_int_equal(decode_body(SFLOW_TAG(0, SFLOW_FLOW_HEADER), 0, w, 4, tail,
        sizeof(tail)), SFLOW_E_RECORD_BODY);
    assert_int_equal(rec->n_values, 4);
    assert_null(rec->pkt);
}

/* Every prefix of every record body of every schema: error or value, never a read past. */
static void
test_short_bodies(void **state)
{
    const struct sflow_schema *all;
    union sflow_value v[SFLOW_MAX_FIELDS];
    uint8_t mem[128], body[1024];
    struct wbuf w;
    struct sflow_schema required;
    size_t n, si, cut, full, min;
    enum sflow_err e;

    (void)state;
    all = sflow_schema_all(&n);
    for (si = 0; si < n; si++) {
        values_of(&all[si], v, mem);
        wbuf_init(&w, body, sizeof body);
        sflow_enc_fields(&w, &all[si], v);
        assert_int_equal(w.error, 0);
        full = w.size;
        /* Trailing optional fields may be absent: find the shortest good body. */
        required = all[si];
        while (required.n_fields > 0 && required.fields[required.n_fields - 1].optional)
            required.n_fields--;
        wbuf_init(&w, body, sizeof body);
        sflow_enc_fields(&w, &required, v);
        min = w.size;
        wbuf_init(&w, body, sizeof body);
        sflow_enc_fields(&w, &all[si], v);
        for (cut = 0; cut < full; cut += 4) {
            e = decode_body(all[si].tag, all[si].counter, NULL, 0, body, cut);
            if (cut >= min && e == SFLOW_OK) {
                assert_true(dg.records[0].n_values >= required.n_fields);
                assert_true(dg.records[0].n_values < all[si].n_fields);
                continue;
            }
            if (e != SFLOW_E_RECORD_BODY)
                fprintf(stderr, "record %u:%u cut at %zu of %zu: %s\n",
                    SFLOW_ENTERPRISE(all[si].tag), SFLOW_FORMAT(all[si].tag), cut,
                    full, sflow_errname(e));
            assert_int_equal(e, SFLOW_E_RECORD_BODY);
        }
        assert_int_equal(decode_body(all[si].tag, all[si].counter, NULL, 0, body, full),
            SFLOW_OK);
    }
}

/* ---- Named field positions (sflow_schema.h) against the schema's names ---- */

struct named_field {
    uint32_t format;
    int counter;
    int index;                  /* The constant. */
    const char *name;           /* Its field's name in sflow_schema.c. */
};

/* Field 'nf->index' of its record is named 'prefix' + 'nf->name'. */
static void
check_named(const struct named_field *nf, const char *prefix)
{
    const struct sflow_schema *sc = sflow_schema_find(SFLOW_TAG(0, nf->format), nf->counter);
    char want[96];

    assert_non_null(sc);
    snprintf(want, sizeof(want), "%s%s", prefix, nf->name);
    if (nf->index < 0 || (uint32_t)nf->index >= sc->n_fields ||
        strcmp(sc->fields[nf->index].name, want) != 0)
        fail_msg("%s:0:%u field %d is %s, not %s", nf->counter ? "counters " : "",
            nf->format, nf->index, (uint32_t)nf->index < sc->n_fields ?
            sc->fields[nf->index].name : "(none)", want);
}

/* Each of 'n' fields, named with 'prefix', in flow record 0:'format'. */
static void
check_layout(uint32_t format, const char *prefix, const struct named_field *fields, size_t n)
{
    struct named_field nf;
    size_t i;

    for (i = 0; i < n; i++) {
        nf = fields[i];
        nf.format = format;
        check_named(&nf, prefix);
    }
}
#define CHECK_LAYOUT(format, prefix, fields) \
    check_layout((format), (prefix), (fields), sizeof(fields) / sizeof((fields)[0]))

/* Each constant names the last field of a record read whole: none is left out. */
static void
check_last(uint32_t format, int counter, int last)
{
    const struct sflow_schema *sc = sflow_schema_find(SFLOW_TAG(0, format), counter);

    assert_non_null(sc);
    assert_int_equal(sc->n_fields, last + 1);
}

static void
test_named_fields(void **state)
{
    /* Records of one layout: sampled Ethernet and the tunnels' (prefix, format). */
    static const struct { uint32_t format; const char *prefix; } eth[] = {
        { 2, "" }, { 1021, "tunnel_l2_out_" }, { 1022, "tunnel_l2_in_" },
    };
    static const struct named_field eth_fields[] = {
        { 0, 0, SF_ETH_LENGTH, "ethernet_len" }, { 0, 0, SF_ETH_SRC, "ethernet_src" },
        { 0, 0, SF_ETH_DST, "ethernet_dst" }, { 0, 0, SF_ETH_TYPE, "ethernet_type" },
    };
    /* sampled_ipv4 and sampled_ipv6 differ only in the names of three fields. */
    static const struct named_field ip_fields[] = {
        { 0, 0, SF_IP_LENGTH, "sampledPacketSize" }, { 0, 0, SF_IP_PROTOCOL, "IPProtocol" },
        { 0, 0, SF_IP_SRC_PORT, "srcPort" }, { 0, 0, SF_IP_DST_PORT, "dstPort" },
        { 0, 0, SF_IP_TCP_FLAGS, "TCPFlags" },
    };
    static const struct named_field ip4_fields[] = {
        { 0, 0, SF_IP_SRC, "srcIP" }, { 0, 0, SF_IP_DST, "dstIP" }, { 0, 0, SF_IP_TOS, "IPTOS" },
    };
    static const struct named_field ip6_fields[] = {
        { 0, 0, SF_IP_SRC, "srcIP6" }, { 0, 0, SF_IP_DST, "dstIP6" },
        { 0, 0, SF_IP_TOS, "priority" },
    };
    static const struct { uint32_t format; const char *prefix; int v6; } ip[] = {
        { 3, "", 0 }, { 4, "", 1 }, { 1023, "tunnel_ipv4_out_", 0 },
        { 1024, "tunnel_ipv4_in_", 0 }, { 1025, "tunnel_ipv6_out_", 1 },
        { 1026, "tunnel_ipv6_in_", 1 },
    };
    static const struct named_field socket_fields[] = {
        { 0, 0, SF_SOCKET_PROTOCOL, "ip_protocol" }, { 0, 0, SF_SOCKET_LOCAL_IP, "local_ip" },
        { 0, 0, SF_SOCKET_REMOTE_IP, "remote_ip" },
    };
    static const struct named_field one[] = {
        { 1, 0, SF_HEADER_PROTOCOL, "headerProtocol" },
        { 1, 0, SF_HEADER_FRAME_LENGTH, "sampledPacketSize" },
        { 1, 0, SF_HEADER_STRIPPED, "strippedBytes" },
        { 1, 0, SF_HEADER_BYTES, "headerBytes" },
        { 1001, 0, SF_SWITCH_IN_VLAN, "in_vlan" },
        { 1001, 0, SF_SWITCH_IN_PRIORITY, "in_priority" },
        { 1001, 0, SF_SWITCH_OUT_VLAN, "out_vlan" },
        { 1001, 0, SF_SWITCH_OUT_PRIORITY, "out_priority" },
        { 1002, 0, SF_ROUTER_NEXTHOP, "nextHop" },
        { 1002, 0, SF_ROUTER_SRC_MASK, "srcSubnetMask" },
        { 1002, 0, SF_ROUTER_DST_MASK, "dstSubnetMask" },
        { 1003, 0, SF_GW_NEXTHOP, "bgp_nexthop" }, { 1003, 0, SF_GW_MY_AS, "my_as" },
        { 1003, 0, SF_GW_SRC_AS, "src_as" }, { 1003, 0, SF_GW_SRC_PEER_AS, "src_peer_as" },
        { 1003, 0, SF_GW_AS_PATH, "dst_as_path" },
        { 1003, 0, SF_GW_COMMUNITIES, "BGP_communities" },
        { 1003, 0, SF_GW_LOCALPREF, "BGP_localpref" },
        { 1004, 0, SF_USER_SRC_CHARSET, "src_user_charset" },
        { 1004, 0, SF_USER_SRC, "src_user" },
        { 1004, 0, SF_USER_DST_CHARSET, "dst_user_charset" },
        { 1004, 0, SF_USER_DST, "dst_user" },
        { 1006, 0, SF_MPLS_NEXTHOP, "mpls_nexthop" },
        { 1006, 0, SF_MPLS_IN_STACK, "mpls_input_stack" },
        { 1006, 0, SF_MPLS_OUT_STACK, "mpls_output_stack" },
        { 1012, 0, SF_VLANTUNNEL_STACK, "vlan_tunnel" },
        { 2209, 0, SF_TCPINFO_DIRECTION, "tcpinfo_direction" },
        { 1, 1, SF_IFC_INDEX, "ifIndex" }, { 1, 1, SF_IFC_TYPE, "networkType" },
        { 1, 1, SF_IFC_SPEED, "ifSpeed" }, { 1, 1, SF_IFC_DIRECTION, "ifDirection" },
        { 1, 1, SF_IFC_STATUS, "ifStatus" }, { 1, 1, SF_IFC_IN_OCTETS, "ifInOctets" },
        { 1, 1, SF_IFC_IN_UCAST, "ifInUcastPkts" },
        { 1, 1, SF_IFC_IN_MULTICAST, "ifInMulticastPkts" },
        { 1, 1, SF_IFC_IN_BROADCAST, "ifInBroadcastPkts" },
        { 1, 1, SF_IFC_IN_DISCARDS, "ifInDiscards" },
        { 1, 1, SF_IFC_IN_ERRORS, "ifInErrors" },
        { 1, 1, SF_IFC_IN_UNKNOWN_PROTOS, "ifInUnknownProtos" },
        { 1, 1, SF_IFC_OUT_OCTETS, "ifOutOctets" },
        { 1, 1, SF_IFC_OUT_UCAST, "ifOutUcastPkts" },
        { 1, 1, SF_IFC_OUT_MULTICAST, "ifOutMulticastPkts" },
        { 1, 1, SF_IFC_OUT_BROADCAST, "ifOutBroadcastPkts" },
        { 1, 1, SF_IFC_OUT_DISCARDS, "ifOutDiscards" },
        { 1, 1, SF_IFC_OUT_ERRORS, "ifOutErrors" },
        { 1, 1, SF_IFC_PROMISCUOUS, "ifPromiscuousMode" },
        { 2, 1, SF_DOT3_ALIGNMENT_ERRORS, "dot3StatsAlignmentErrors" },
        { 2, 1, SF_DOT3_FCS_ERRORS, "dot3StatsFCSErrors" },
        { 2, 1, SF_DOT3_SINGLE_COLLISION_FRAMES, "dot3StatsSingleCollisionFrames" },
        { 2, 1, SF_DOT3_MULTIPLE_COLLISION_FRAMES, "dot3StatsMultipleCollisionFrames" },
        { 2, 1, SF_DOT3_SQE_TEST_ERRORS, "dot3StatsSQETestErrors" },
        { 2, 1, SF_DOT3_DEFERRED_TRANSMISSIONS, "dot3StatsDeferredTransmissions" },
        { 2, 1, SF_DOT3_LATE_COLLISIONS, "dot3StatsLateCollisions" },
        { 2, 1, SF_DOT3_EXCESSIVE_COLLISIONS, "dot3StatsExcessiveCollisions" },
        { 2, 1, SF_DOT3_INTERNAL_MAC_TRANSMIT_ERRORS, "dot3StatsInternalMacTransmitErrors" },
        { 2, 1, SF_DOT3_CARRIER_SENSE_ERRORS, "dot3StatsCarrierSenseErrors" },
        { 2, 1, SF_DOT3_FRAME_TOO_LONGS, "dot3StatsFrameTooLongs" },
        { 2, 1, SF_DOT3_INTERNAL_MAC_RECEIVE_ERRORS, "dot3StatsInternalMacReceiveErrors" },
        { 2, 1, SF_DOT3_SYMBOL_ERRORS, "dot3StatsSymbolErrors" },
        { 1004, 1, SF_OFPORT_DATAPATH, "openflow_datapath_id" },
        { 1004, 1, SF_OFPORT_PORT, "openflow_port" },
        { 1005, 1, SF_PORTNAME_IFNAME, "ifName" },
        { 2000, 1, SF_HOST_HOSTNAME, "hostname" }, { 2000, 1, SF_HOST_UUID, "UUID" },
        { 2000, 1, SF_HOST_MACHINE_TYPE, "machine_type" },
        { 2000, 1, SF_HOST_OS_NAME, "os_name" },
        { 2000, 1, SF_HOST_OS_RELEASE, "os_release" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(one) / sizeof(one[0]); i++)
        check_named(&one[i], "");
    for (i = 0; i < sizeof(eth) / sizeof(eth[0]); i++) {
        CHECK_LAYOUT(eth[i].format, eth[i].prefix, eth_fields);
        check_last(eth[i].format, 0, SF_ETH_TYPE);
    }
    for (i = 0; i < sizeof(ip) / sizeof(ip[0]); i++) {
        CHECK_LAYOUT(ip[i].format, ip[i].prefix, ip_fields);
        if (ip[i].v6)
            CHECK_LAYOUT(ip[i].format, ip[i].prefix, ip6_fields);
        else
            CHECK_LAYOUT(ip[i].format, ip[i].prefix, ip4_fields);
        check_last(ip[i].format, 0, SF_IP_TOS);
    }
    CHECK_LAYOUT(2100, "socket4_", socket_fields);
    CHECK_LAYOUT(2101, "socket6_", socket_fields);
    check_last(1, 0, SF_HEADER_BYTES);
    check_last(1001, 0, SF_SWITCH_OUT_PRIORITY);
    check_last(1002, 0, SF_ROUTER_DST_MASK);
    check_last(1003, 0, SF_GW_LOCALPREF);
    check_last(1004, 0, SF_USER_DST);
    check_last(1006, 0, SF_MPLS_OUT_STACK);
    check_last(1, 1, SF_IFC_PROMISCUOUS);
    check_last(2, 1, SF_DOT3_SYMBOL_ERRORS);
    check_last(1004, 1, SF_OFPORT_PORT);
    check_last(2000, 1, SF_HOST_OS_RELEASE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncation_sweep),
        cmocka_unit_test(test_corruption),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_agent_address_type),
        cmocka_unit_test(test_lying_record_length),
        cmocka_unit_test(test_lying_sample_length),
        cmocka_unit_test(test_unknown_sample_pad),
        cmocka_unit_test(test_absurd_counts),
        cmocka_unit_test(test_string_max),
        cmocka_unit_test(test_bad_lists),
        cmocka_unit_test(test_header_record),
        cmocka_unit_test(test_short_bodies),
        cmocka_unit_test(test_named_fields),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
