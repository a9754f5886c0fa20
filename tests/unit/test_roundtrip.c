/*
 * Round trips through convert/sflow_encode.c and convert/sflow_decode.c.
 *
 * Every schema of sflow_schema_all() is filled with deterministic values
 * (strings, lists, AS paths, adapters and lanes with real content), encoded
 * in each sample type it may appear in, behind an IPv4 and an IPv6 agent,
 * decoded, and compared value by value.  The decoded values are also encoded
 * again: the bytes must be the ones on the wire.  On a mismatch both byte
 * strings are printed in hex.
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

/* The decoded datagram is large (fixed arrays); keep it off the stack. */
static struct sflow_datagram dg;
static uint8_t buf[65536];

static const uint8_t ip4_agent[4] = { 192, 0, 2, 77 };
static const uint8_t ip6_agent[16] = {
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53, 0x01 };

/* ---- Values ---- */

struct fill {
    union sflow_value v[SFLOW_MAX_FIELDS];
    uint8_t mem[SFLOW_MAX_FIELDS][320];
};

static uint32_t
mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/*
 * Ethernet / IPv4 / TCP (ACK|PSH, 10.1.2.3:443 -> 172.16.0.9:50000) with 24
 * payload bytes: 78 bytes, not a multiple of 4, so the opaque is padded.
 */
static size_t
frame_tcp(uint8_t *p)
{
    static const uint8_t head[] = {
        0x00, 0x1b, 0x21, 0x01, 0x02, 0x03,     /* dst */
        0x00, 0x1c, 0x73, 0x00, 0x00, 0x01,     /* src */
        0x08, 0x00,
        0x45, 0x10, 0x00, 0x40, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
        10, 1, 2, 3, 172, 16, 0, 9,
        0x01, 0xbb, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0x01, 0xf6,
        0x00, 0x00, 0x00, 0x00,
    };
    size_t i;

    memcpy(p, head, sizeof head);
    for (i = 0; i < 24; i++)
        p[sizeof head + i] = (uint8_t)(0x17 + i);
    return sizeof head + 24;
}

/* Fills 'fl' with values that differ per schema 'si' and per field. */
static void
fill_values(struct fill *fl, size_t si, const struct sflow_schema *s)
{
    size_t i, j, n;
    uint32_t k;
    uint8_t *m;

    memset(fl, 0, sizeof(*fl));
    for (i = 0; i < s->n_fields; i++) {
        const struct sflow_field *f = &s->fields[i];
        union sflow_value *v = &fl->v[i];

        k = (uint32_t)(si * 37 + i);
        m = fl->mem[i];
        switch (f->type) {
        case SFT_U32:
            v->u = mix32(k);
            break;
        case SFT_U64:
            v->u = (uint64_t)mix32(k) << 32 | mix32(k + 7777);
            break;
        case SFT_S32:
            v->s = -(int64_t)(mix32(k) & 0xFFFFF) - 1;
            break;
        case SFT_PERCENT:
            v->s = k % 2 ? -1 : (int64_t)(mix32(k) % 10001);
            break;
        case SFT_U8:
            v->u = mix32(k) & 0xFF;
            break;
        case SFT_FLOAT:
            v->f = (float)k * 0.25f + 0.5f;
            break;
        case SFT_MAC:
        case SFT_IP4:
        case SFT_IP6:
        case SFT_UUID:
            n = f->type == SFT_MAC ? 6 : f->type == SFT_IP4 ? 4 : 16;
            for (j = 0; j < n; j++)
                m[j] = (uint8_t)mix32(k * 16 + (uint32_t)j);
            v->b.p = m;
            v->b.len = (uint32_t)n;
            break;
        case SFT_ADDR:
            v->addr.type = k % 3 == 0 ? SFLOW_ADDR_IP6 : k % 3 == 1 ?
                SFLOW_ADDR_IP4 : SFLOW_ADDR_UNKNOWN;
            if (v->addr.type != SFLOW_ADDR_UNKNOWN)
                for (j = 0; j < (v->addr.type == SFLOW_ADDR_IP4 ? 4u : 16u); j++)
                    v->addr.a[j] = (uint8_t)mix32(k * 16 + (uint32_t)j);
            break;
        case SFT_STR:
            /* A bounded string is filled to its bound; others get odd lengths. */
            n = f->max ? f->max : strlen(f->name) + k % 3;
            for (j = 0; j < n; j++)
                m[j] = (uint8_t)f->name[j % strlen(f->name)];
            v->b.p = m;
            v->b.len = v->b.count = (uint32_t)n;
            break;
        case SFT_OPAQUE:
            v->b.len = v->b.count = (uint32_t)frame_tcp(m);
            v->b.p = m;
            break;
        case SFT_U32_LIST:
            for (j = 0; j < 3; j++)
                put_be32(m + 4 * j, mix32(k + (uint32_t)j));
            v->b.p = m;
            v->b.count = 3;
            v->b.len = 12;
            break;
        case SFT_LANES:
            for (j = 0; j < 20; j++)
                put_be32(m + 4 * j, j % 10 == 0 ? (uint32_t)(j / 10 + 1) : mix32(k + (uint32_t)j));
            v->b.p = m;
            v->b.count = 2;
            v->b.len = 80;
            break;
        case SFT_AS_PATH: {
            /* AS_SEQUENCE 65001 65002 65003, AS_SET 64512 4200000000. */
            static const uint32_t w[] = { 2, 3, 65001, 65002, 65003,
                1, 2, 64512, 4200000000u };
            for (j = 0; j < 9; j++)
                put_be32(m + 4 * j, w[j]);
            v->b.p = m;
            v->b.count = 2;
            v->b.len = 36;
            break;
        }
        case SFT_ADAPTERS:
            /* ifIndex 3 with one MAC, ifIndex 7 with two. */
            memset(m, 0, 40);
            put_be32(m, 3);
            put_be32(m + 4, 1);
            memcpy(m + 8, "\x02\x00\x5e\x00\x00\x03", 6);
            put_be32(m + 16, 7);
            put_be32(m + 20, 2);
            memcpy(m + 24, "\x02\x00\x5e\x00\x00\x07", 6);
            memcpy(m + 32, "\x02\x00\x5e\x00\x01\x07", 6);
            v->b.p = m;
            v->b.count = 2;
            v->b.len = 40;
            break;
        }
    }
    if (s->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER)) {
        fl->v[0].u = PKT_PROTO_ETHERNET;
        fl->v[1].u = fl->v[3].b.len + 4;
        fl->v[2].u = 4;
    }
}

/* ---- Comparison ---- */

static void
hex(const char *what, const uint8_t *p, size_t n)
{
    size_t i;

    fprintf(stderr, "  %s (%zu bytes):", what, n);
    for (i = 0; i < n; i++)
        fprintf(stderr, "%s%02x", i % 32 ? (i % 4 ? "" : " ") : "\n    ", p[i]);
    fprintf(stderr, "\n");
}

static size_t
addr_len(uint32_t type)
{
    return type == SFLOW_ADDR_IP4 ? 4 : type == SFLOW_ADDR_IP6 ? 16 : 0;
}

static int
value_equal(const struct sflow_field *f, const union sflow_value *a,
    const union sflow_value *b)
{
    uint32_t la, lb;

    switch (f->type) {
    case SFT_U32:
    case SFT_U64:
    case SFT_U8:
        return a->u == b->u;
    case SFT_S32:
    case SFT_PERCENT:
        return a->s == b->s;
    case SFT_FLOAT:
        return memcmp(&a->f, &b->f, sizeof(a->f)) == 0;
    case SFT_MAC:
        return b->b.p && memcmp(a->b.p, b->b.p, 6) == 0;
    case SFT_IP4:
        return b->b.p && memcmp(a->b.p, b->b.p, 4) == 0;
    case SFT_IP6:
    case SFT_UUID:
        return b->b.p && memcmp(a->b.p, b->b.p, 16) == 0;
    case SFT_ADDR:
        return a->addr.type == b->addr.type &&
            memcmp(a->addr.a, b->addr.a, addr_len(a->addr.type)) == 0;
    case SFT_STR:
    case SFT_OPAQUE:
        la = f->max && a->b.len > f->max ? f->max : a->b.len;
        lb = b->b.len;
        return la == lb && (la == 0 || memcmp(a->b.p, b->b.p, la) == 0);
    case SFT_U32_LIST:
    case SFT_LANES:
    case SFT_AS_PATH:
    case SFT_ADAPTERS:
        return a->b.count == b->b.count && a->b.len == b->b.len &&
            (a->b.len == 0 || memcmp(a->b.p, b->b.p, a->b.len) == 0);
    }
    return 0;
}

/* Encodes 'v' alone as record 'tag' into 'out'; returns its size. */
static size_t
encode_alone(uint8_t *out, size_t cap, uint32_t tag, const struct sflow_schema *s,
    const union sflow_value *v)
{
    struct wbuf w;

    wbuf_init(&w, out, cap);
    assert_int_equal(sflow_enc_record(&w, tag, s, v), 0);
    return w.size;
}

/*
 * Checks decoded record 'rec' against the values 'want' it was encoded from,
 * and that its decoded values encode to its bytes on the wire.
 */
static void
check_record(const struct sflow_record *rec, const struct sflow_schema *s,
    const union sflow_value *want)
{
    static uint8_t a[4096], b[4096];
    size_t i, na, nb;
    int bad = 0;

    assert_ptr_equal(rec->schema, s);
    assert_int_equal(rec->tag, s->tag);
    assert_int_equal(rec->error, 0);
    assert_int_equal(rec->n_values, s->n_fields);
    na = encode_alone(a, sizeof a, s->tag, s, want);
    nb = encode_alone(b, sizeof b, rec->tag, s, rec->v);
    for (i = 0; i < s->n_fields; i++) {
        if (!value_equal(&s->fields[i], &want[i], &rec->v[i])) {
            fprintf(stderr, "record %u:%u (%s) field %zu '%s' differs\n",
                SFLOW_ENTERPRISE(s->tag), SFLOW_FORMAT(s->tag),
                s->type_name ? s->type_name : "counter", i, s->fields[i].name);
            bad = 1;
        }
    }
    if (!bad && (na != nb || memcmp(a, b, na) != 0 ||
        memcmp(a, dg.data + rec->offset, na) != 0)) {
        fprintf(stderr, "record %u:%u: bytes differ after a round trip\n",
            SFLOW_ENTERPRISE(s->tag), SFLOW_FORMAT(s->tag));
        bad = 1;
    }
    if (bad) {
        hex("encoded", a, na);
        hex("decoded, encoded again", b, nb);
        hex("on the wire", dg.data + rec->offset, 8 + (size_t)rec->length);
        fail();
    }
}

/* ---- Samples ---- */

static void
fill_sample(struct sflow_sample *smp, uint32_t fmt, uint32_t k)
{
    memset(smp, 0, sizeof(*smp));
    smp->tag = SFLOW_TAG(0, fmt);
    smp->seq = 1000 + k;
    if (fmt == SFLOW_FLOW_SAMPLE || fmt == SFLOW_COUNTERS_SAMPLE) {
        smp->ds_class = k % 4;
        smp->ds_index = 0xABCDE0 + k % 16;
    } else {
        smp->ds_class = SFLOW_DS_LOGICAL;
        smp->ds_index = 100000000 + k;  /* Needs the expanded form. */
    }
    switch (fmt) {
    case SFLOW_FLOW_SAMPLE:
        smp->sampling_rate = 1024 + k;
        smp->sample_pool = 0xFFFFFF00u + k;
        smp->drops = k;
        smp->input = SFLOW_IF_INTERNAL;
        smp->output_format = SFLOW_IF_MULTIPLE;
        smp->output = 7;
        break;
    case SFLOW_FLOW_SAMPLE_EXPANDED:
        smp->sampling_rate = 400;
        smp->sample_pool = 4000000000u + k;
        smp->drops = 3;
        smp->input = 100000001;
        smp->output_format = SFLOW_IF_DISCARD;
        smp->output = 258;
        break;
    case SFLOW_DISCARDED_PACKET:
        smp->drops = 99 + k;
        smp->input = 100000002;
        smp->output = 0;
        smp->reason = 258;
        break;
    }
}

static void
check_sample(const struct sflow_sample *got, const struct sflow_sample *want,
    uint32_t n_records)
{
    uint32_t fmt = SFLOW_FORMAT(want->tag);

    assert_int_equal(got->tag, want->tag);
    assert_true(got->known);
    assert_true(got->header_ok);
    assert_int_equal(got->error, 0);
    assert_int_equal(got->seq, want->seq);
    assert_int_equal(got->ds_class, want->ds_class);
    assert_int_equal(got->ds_index, want->ds_index);
    assert_int_equal(got->n_records_declared, n_records);
    assert_int_equal(got->n_records, n_records);
    if (fmt == SFLOW_FLOW_SAMPLE || fmt == SFLOW_FLOW_SAMPLE_EXPANDED) {
        assert_int_equal(got->sampling_rate, want->sampling_rate);
        assert_int_equal(got->sample_pool, want->sample_pool);
        assert_int_equal(got->drops, want->drops);
        assert_int_equal(got->input_format, want->input_format);
        assert_int_equal(got->input, want->input);
        assert_int_equal(got->output_format, want->output_format);
        assert_int_equal(got->output, want->output);
    } else if (fmt == SFLOW_DISCARDED_PACKET) {
        assert_int_equal(got->drops, want->drops);
        assert_int_equal(got->input, want->input);
        assert_int_equal(got->output, want->output);
        assert_int_equal(got->reason, want->reason);
    }
}

static void
agent_addr(struct sflow_addr *a, int v6)
{
    memset(a, 0, sizeof(*a));
    a->type = v6 ? SFLOW_ADDR_IP6 : SFLOW_ADDR_IP4;
    memcpy(a->a, v6 ? ip6_agent : ip4_agent, v6 ? 16 : 4);
}

static void
check_header(const struct sflow_addr *agent, uint32_t seq, uint32_t n_samples)
{
    assert_int_equal(dg.version, 5);
    assert_int_equal(dg.agent.type, agent->type);
    assert_memory_equal(dg.agent.a, agent->a, 16);
    assert_int_equal(dg.sub_agent_id, 100000);
    assert_int_equal(dg.seq, seq);
    assert_int_equal(dg.uptime, 0xFEDCBA98u);
    assert_int_equal(dg.n_samples_declared, n_samples);
    assert_int_equal(dg.n_samples, n_samples);
}

static void
decode_ok(const struct wbuf *w)
{
    enum sflow_err e = sflow_decode(w->base, w->size, &dg);

    if (e != SFLOW_OK) {
        fprintf(stderr, "decode: %s at %zu (tag %u:%u)\n", sflow_strerror(e),
            dg.err.offset, SFLOW_ENTERPRISE(dg.err.tag), SFLOW_FORMAT(dg.err.tag));
        hex("datagram", w->base, w->size);
    }
    assert_int_equal(e, SFLOW_OK);
}

static const uint32_t flow_types[] = {
    SFLOW_FLOW_SAMPLE, SFLOW_FLOW_SAMPLE_EXPANDED, SFLOW_DISCARDED_PACKET };
static const uint32_t counter_types[] = {
    SFLOW_COUNTERS_SAMPLE, SFLOW_COUNTERS_SAMPLE_EXPANDED };

/* Each schema alone, in each sample type it belongs in, behind both agents. */
static void
test_every_schema(void **state)
{
    const struct sflow_schema *all, *s;
    static struct fill fl;
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t n, si, t, n_types, dgo, so;
    const uint32_t *types;
    int v6;
    uint32_t seq = 0, checked = 0;

    (void)state;
    all = sflow_schema_all(&n);
    assert_true(n > 60);
    for (si = 0; si < n; si++) {
        s = &all[si];
        fill_values(&fl, si, s);
        types = s->counter ? counter_types : flow_types;
        n_types = s->counter ? 2 : 3;
        for (t = 0; t < n_types; t++) {
            for (v6 = 0; v6 < 2; v6++) {
                agent_addr(&agent, v6);
                fill_sample(&smp, types[t], (uint32_t)si);
                wbuf_init(&w, buf, sizeof buf);
                dgo = sflow_enc_datagram_begin(&w, &agent, 100000, ++seq, 0xFEDCBA98u);
                so = sflow_enc_sample_begin(&w, &smp);
                assert_int_equal(sflow_enc_record(&w, s->tag, s, fl.v), 0);
                assert_int_equal(sflow_enc_sample_end(&w, so), 0);
                assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
                decode_ok(&w);
                check_header(&agent, seq, 1);
                check_sample(&dg.samples[0], &smp, 1);
                assert_int_equal(dg.n_records, 1);
                assert_int_equal(dg.n_unknown, 0);
                check_record(&dg.records[0], s, fl.v);
                checked++;
            }
        }
    }
    assert_true(checked >= 2 * (2 * n));
}

/* All flow records in one sample and all counter records in another. */
static void
test_all_in_one(void **state)
{
    const struct sflow_schema *all;
    static struct fill fl[128];
    struct sflow_sample smp[3];
    struct sflow_addr agent;
    struct wbuf w;
    size_t n, si, dgo, so, n_flow = 0, n_ctr = 0;
    uint32_t r;
    int pass;

    (void)state;
    all = sflow_schema_all(&n);
    assert_true(n <= 128);
    agent_addr(&agent, 1);
    fill_sample(&smp[0], SFLOW_FLOW_SAMPLE_EXPANDED, 1);
    fill_sample(&smp[1], SFLOW_COUNTERS_SAMPLE, 2);
    fill_sample(&smp[2], SFLOW_DISCARDED_PACKET, 3);
    wbuf_init(&w, buf, sizeof buf);
    dgo = sflow_enc_datagram_begin(&w, &agent, 100000, 42, 0xFEDCBA98u);
    for (pass = 0; pass < 3; pass++) {
        so = sflow_enc_sample_begin(&w, &smp[pass]);
        for (si = 0; si < n; si++) {
            if (all[si].counter != (pass == 1))
                continue;
            fill_values(&fl[si], si, &all[si]);
            assert_int_equal(sflow_enc_record(&w, all[si].tag, &all[si], fl[si].v), 0);
            if (pass == 0)
                n_flow++;
            else if (pass == 1)
                n_ctr++;
        }
        assert_int_equal(sflow_enc_sample_end(&w, so), 0);
    }
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    assert_int_equal(sflow_enc_datagram_samples(&w, dgo), 3);
    decode_ok(&w);
    check_header(&agent, 42, 3);
    check_sample(&dg.samples[0], &smp[0], (uint32_t)n_flow);
    check_sample(&dg.samples[1], &smp[1], (uint32_t)n_ctr);
    check_sample(&dg.samples[2], &smp[2], (uint32_t)n_flow);
    assert_int_equal(dg.n_records, 2 * n_flow + n_ctr);
    r = 0;
    for (pass = 0; pass < 3; pass++)
        for (si = 0; si < n; si++)
            if (all[si].counter == (pass == 1))
                check_record(&dg.records[r++], &all[si], fl[si].v);
    /* Two sampled headers (flow and discarded samples), both parsed. */
    assert_int_equal(dg.n_pkts, 2);
}

/* Vendor records and samples are skipped by their length and counted. */
static void
test_unknown_skipped(void **state)
{
    static const uint8_t odd[5] = { 1, 2, 3, 4, 5 };
    static const uint8_t vendor_sample[12] = { 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3 };
    const struct sflow_schema *sw = sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), 0);
    const struct sflow_schema *gen = sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_GENERIC), 1);
    static struct fill fsw, fgen;
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, so;

    (void)state;
    assert_non_null(sw);
    assert_non_null(gen);
    fill_values(&fsw, 1, sw);
    fill_values(&fgen, 2, gen);
    agent_addr(&agent, 0);
    wbuf_init(&w, buf, sizeof buf);
    dgo = sflow_enc_datagram_begin(&w, &agent, 100000, 7, 0xFEDCBA98u);

    fill_sample(&smp, SFLOW_FLOW_SAMPLE, 0);
    so = sflow_enc_sample_begin(&w, &smp);
    assert_int_equal(sflow_enc_opaque(&w, SFLOW_TAG(9999, 1), odd, sizeof odd), 0);
    assert_int_equal(sflow_enc_record(&w, sw->tag, sw, fsw.v), 0);
    assert_int_equal(sflow_enc_opaque(&w, SFLOW_TAG(0, 4000), NULL, 0), 0);
    assert_int_equal(sflow_enc_sample_end(&w, so), 0);

    /* A sample type nobody knows, between two known ones. */
    assert_int_equal(sflow_enc_opaque(&w, SFLOW_TAG(4413, 9), vendor_sample,
        sizeof vendor_sample), 0);

    fill_sample(&smp, SFLOW_COUNTERS_SAMPLE_EXPANDED, 0);
    so = sflow_enc_sample_begin(&w, &smp);
    assert_int_equal(sflow_enc_opaque(&w, SFLOW_TAG(5703, 1), odd, 3), 0);
    assert_int_equal(sflow_enc_record(&w, gen->tag, gen, fgen.v), 0);
    assert_int_equal(sflow_enc_sample_end(&w, so), 0);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);

    decode_ok(&w);
    check_header(&agent, 7, 3);
    assert_int_equal(dg.n_unknown, 4);
    assert_false(dg.samples[1].known);
    assert_int_equal(dg.samples[0].n_records, 3);
    assert_null(dg.records[0].schema);
    assert_int_equal(dg.records[0].length, 5);
    assert_memory_equal(dg.records[0].data, odd, 5);
    check_record(&dg.records[1], sw, fsw.v);
    assert_null(dg.records[2].schema);
    assert_int_equal(dg.records[2].length, 0);
    assert_int_equal(dg.samples[2].n_records, 2);
    assert_null(dg.records[3].schema);
    check_record(&dg.records[4], gen, fgen.v);
}

/* Vendors may append fields to a standard record: decode what is known. */
static void
test_trailing_bytes(void **state)
{
    const struct sflow_schema *sw = sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), 0);
    const struct sflow_schema *hd = sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_HOST_DESCR), 1);
    const struct sflow_schema *eth = sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_ETHERNET), 1);
    static struct fill fsw, fhd, feth;
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, so, ro;
    size_t i;

    (void)state;
    fill_values(&fsw, 3, sw);
    fill_values(&fhd, 4, hd);
    fill_values(&feth, 5, eth);
    agent_addr(&agent, 1);
    wbuf_init(&w, buf, sizeof buf);
    dgo = sflow_enc_datagram_begin(&w, &agent, 100000, 8, 0xFEDCBA98u);

    fill_sample(&smp, SFLOW_FLOW_SAMPLE, 0);
    so = sflow_enc_sample_begin(&w, &smp);
    ro = sflow_enc_record_begin(&w, sw->tag);
    sflow_enc_fields(&w, sw, fsw.v);
    wbuf_put_u32(&w, 0xDEADBEEF);
    wbuf_put_u64(&w, 0x0102030405060708ULL);
    sflow_enc_record_end(&w, ro);
    assert_int_equal(sflow_enc_sample_end(&w, so), 0);

    fill_sample(&smp, SFLOW_COUNTERS_SAMPLE, 0);
    so = sflow_enc_sample_begin(&w, &smp);
    for (i = 0; i < 2; i++) {
        const struct sflow_schema *s = i ? eth : hd;

        ro = sflow_enc_record_begin(&w, s->tag);
        sflow_enc_fields(&w, s, i ? feth.v : fhd.v);
        wbuf_put_opaque(&w, "future", 6);
        sflow_enc_record_end(&w, ro);
    }
    assert_int_equal(sflow_enc_sample_end(&w, so), 0);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);

    decode_ok(&w);
    check_header(&agent, 8, 2);
    assert_int_equal(dg.n_records, 3);
    assert_int_equal(dg.records[0].length, 16 + 12);
    for (i = 0; i < sw->n_fields; i++)
        assert_true(value_equal(&sw->fields[i], &fsw.v[i], &dg.records[0].v[i]));
    for (i = 0; i < hd->n_fields; i++)
        assert_true(value_equal(&hd->fields[i], &fhd.v[i], &dg.records[1].v[i]));
    assert_int_equal(dg.records[2].length, 52 + 12);
    for (i = 0; i < eth->n_fields; i++)
        assert_true(value_equal(&eth->fields[i], &feth.v[i], &dg.records[2].v[i]));
    assert_int_equal(dg.n_unknown, 0);
}

/* Records from older agents lack the optional trailing fields. */
static void
test_optional_absent(void **state)
{
    const struct sflow_schema *all;
    static struct fill fl;
    struct sflow_schema older;
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t n, si, i, dgo, so, tested = 0;

    (void)state;
    all = sflow_schema_all(&n);
    for (si = 0; si < n; si++) {
        older = all[si];
        while (older.n_fields > 0 && older.fields[older.n_fields - 1].optional)
            older.n_fields--;
        if (older.n_fields == all[si].n_fields)
            continue;
        fill_values(&fl, si, &all[si]);
        agent_addr(&agent, 0);
        wbuf_init(&w, buf, sizeof buf);
        dgo = sflow_enc_datagram_begin(&w, &agent, 100000, 13, 0xFEDCBA98u);
        fill_sample(&smp, all[si].counter ? SFLOW_COUNTERS_SAMPLE : SFLOW_FLOW_SAMPLE, 0);
        so = sflow_enc_sample_begin(&w, &smp);
        assert_int_equal(sflow_enc_record(&w, all[si].tag, &older, fl.v), 0);
        assert_int_equal(sflow_enc_sample_end(&w, so), 0);
        assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
        decode_ok(&w);
        assert_ptr_equal(dg.records[0].schema, &all[si]);
        assert_int_equal(dg.records[0].error, 0);
        assert_int_equal(dg.records[0].n_values, older.n_fields);
        for (i = 0; i < older.n_fields; i++)
            assert_true(value_equal(&older.fields[i], &fl.v[i], &dg.records[0].v[i]));
        tested++;
    }
    assert_true(tested >= 1);   /* host_cpu at least */
}

/* A sampled header written from raw bytes comes back parsed. */
static void
test_sampled_header(void **state)
{
    static const uint8_t ip6_udp[] = {
        0x60, 0x0b, 0x81, 0x23, 0x00, 0x10, 0x11, 0x40,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
        0x13, 0x88, 0x00, 0x35, 0x00, 0x10, 0x00, 0x00,
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',
    };
    uint8_t frame[128];
    size_t flen = frame_tcp(frame);
    const struct pkt_info *pi;
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, so;

    (void)state;
    agent_addr(&agent, 0);
    wbuf_init(&w, buf, sizeof buf);
    dgo = sflow_enc_datagram_begin(&w, &agent, 100000, 9, 0xFEDCBA98u);
    fill_sample(&smp, SFLOW_FLOW_SAMPLE, 0);
    so = sflow_enc_sample_begin(&w, &smp);
    assert_int_equal(sflow_enc_header(&w, PKT_PROTO_ETHERNET, 1518, 4, frame,
        (uint32_t)flen), 0);
    assert_int_equal(sflow_enc_header(&w, PKT_PROTO_IPV6, 60, 0, ip6_udp,
        sizeof ip6_udp), 0);
    assert_int_equal(sflow_enc_header(&w, 18, 100, 0, frame, 3), 0);
    assert_int_equal(sflow_enc_sample_end(&w, so), 0);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);

    decode_ok(&w);
    assert_int_equal(dg.n_records, 3);
    assert_int_equal(dg.records[0].v[0].u, PKT_PROTO_ETHERNET);
    assert_int_equal(dg.records[0].v[1].u, 1518);
    assert_int_equal(dg.records[0].v[2].u, 4);
    assert_int_equal(dg.records[0].v[3].b.len, flen);
    assert_int_equal(dg.records[0].length, 16 + ((flen + 3) & ~(size_t)3));
    pi = dg.records[0].pkt;
    assert_non_null(pi);
    assert_true(pi->outer.has_eth);
    assert_int_equal(pi->outer.eth_type, 0x0800);
    assert_int_equal(pi->outer.l3, 4);
    assert_memory_equal(pi->outer.src_ip, "\x0a\x01\x02\x03", 4);
    assert_memory_equal(pi->outer.dst_ip, "\xac\x10\x00\x09", 4);
    assert_int_equal(pi->outer.tos, 0x10);
    assert_int_equal(pi->outer.proto, 6);
    assert_int_equal(pi->outer.l4, 6);
    assert_int_equal(pi->outer.src_port, 443);
    assert_int_equal(pi->outer.dst_port, 50000);
    assert_int_equal(pi->outer.tcp_flags, 0x18);

    pi = dg.records[1].pkt;
    assert_non_null(pi);
    assert_false(pi->outer.has_eth);
    assert_int_equal(pi->outer.l3, 6);
    assert_int_equal(pi->outer.l4, 17);
    assert_int_equal(pi->outer.src_port, 5000);
    assert_int_equal(pi->outer.dst_port, 53);
    assert_int_equal(pi->outer.ip6_flow_label, 0xb8123);

    /* InfiniBand: not parsed, but the record is fine. */
    assert_null(dg.records[2].pkt);
    assert_int_equal(dg.records[2].error, 0);
    assert_int_equal(dg.records[2].v[3].b.len, 3);
    assert_int_equal(dg.n_pkts, 2);
}

/*
 * The agent's path: fill a datagram of one MTU with samples; the sample that
 * does not fit is cancelled, and what is left is a valid datagram.
 */
static void
test_cancel(void **state)
{
    const struct sflow_schema *sw = sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH), 0);
    static struct fill fsw;
    uint8_t frame[128], mtu[1400];
    size_t flen = frame_tcp(frame);
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, so, ro, keep;
    uint32_t i, fitted = 0, first_pass;
    int err;

    (void)state;
    fill_values(&fsw, 9, sw);
    agent_addr(&agent, 1);
    wbuf_init(&w, mtu, sizeof mtu);
    dgo = sflow_enc_datagram_begin(&w, &agent, 100000, 10, 0xFEDCBA98u);
    for (i = 0; i < 100; i++) {
        fill_sample(&smp, SFLOW_FLOW_SAMPLE, i);
        so = sflow_enc_sample_begin(&w, &smp);
        sflow_enc_header(&w, PKT_PROTO_ETHERNET, 1518, 4, frame, (uint32_t)flen);
        sflow_enc_record(&w, sw->tag, sw, fsw.v);
        err = sflow_enc_sample_end(&w, so);
        if (err) {
            assert_int_equal(err, ENOSPC);
            wbuf_cancel(&w, so);
            break;
        }
        fitted++;
    }
    assert_true(fitted > 5 && fitted < 100);
    assert_int_equal(sflow_enc_datagram_samples(&w, dgo), fitted);
    first_pass = fitted;

    /* A record that does not fit is cancelled alone; its sample goes out. */
    fill_sample(&smp, SFLOW_FLOW_SAMPLE, 500);
    keep = w.size;
    so = sflow_enc_sample_begin(&w, &smp);
    if (w.error == 0) {
        assert_int_equal(sflow_enc_record(&w, sw->tag, sw, fsw.v), 0);
        ro = w.size;
        err = sflow_enc_header(&w, PKT_PROTO_ETHERNET, 1518, 4, frame, (uint32_t)flen);
        if (err) {
            assert_int_equal(err, ENOSPC);
            wbuf_cancel(&w, ro);
        }
        if (sflow_enc_sample_end(&w, so) == 0)
            fitted++;
        else
            wbuf_cancel(&w, keep);
    } else {
        wbuf_cancel(&w, keep);
    }
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    assert_true(w.size <= sizeof mtu);

    decode_ok(&w);
    assert_int_equal(dg.n_samples, fitted);
    for (i = 0; i < fitted; i++)
        assert_int_equal(dg.samples[i].seq, i < first_pass ? 1000 + i : 1500);
    assert_int_equal(dg.samples[0].n_records, 2);
    check_record(&dg.records[1], sw, fsw.v);
}

/* The encoder refuses what the wire cannot say, and cuts long strings. */
static void
test_encoder_errors(void **state)
{
    const struct sflow_schema *pn = sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_PORT_NAME), 1);
    const struct sflow_schema *gw = sflow_schema_find(SFLOW_TAG(0, SFLOW_FLOW_EX_GATEWAY), 0);
    static struct fill fgw;
    union sflow_value v[SFLOW_MAX_FIELDS];
    char name[300];
    struct sflow_sample smp;
    struct sflow_addr agent;
    struct wbuf w;
    size_t dgo, so;

    (void)state;
    agent_addr(&agent, 0);

    wbuf_init(&w, buf, sizeof buf);
    fill_sample(&smp, SFLOW_FLOW_SAMPLE, 0);
    smp.ds_index = 1u << 24;
    sflow_enc_sample_begin(&w, &smp);
    assert_int_equal(w.error, ERANGE);

    wbuf_init(&w, buf, sizeof buf);
    fill_sample(&smp, SFLOW_FLOW_SAMPLE, 0);
    smp.input = 0x40000000;
    sflow_enc_sample_begin(&w, &smp);
    assert_int_equal(w.error, ERANGE);

    wbuf_init(&w, buf, sizeof buf);
    smp.tag = SFLOW_TAG(0, 6);
    sflow_enc_sample_begin(&w, &smp);
    assert_int_equal(w.error, EINVAL);

    wbuf_init(&w, buf, sizeof buf);
    agent.type = 3;
    sflow_enc_datagram_begin(&w, &agent, 0, 0, 0);
    assert_int_equal(w.error, EINVAL);
    agent_addr(&agent, 0);

    /* An AS path whose bytes disagree with its count. */
    fill_values(&fgw, 11, gw);
    fgw.v[4].b.count = 3;
    wbuf_init(&w, buf, sizeof buf);
    assert_int_equal(sflow_enc_record(&w, gw->tag, gw, fgw.v), EINVAL);
    fgw.v[4].b.count = 2;
    fgw.v[4].b.len = 32;
    wbuf_init(&w, buf, sizeof buf);
    assert_int_equal(sflow_enc_record(&w, gw->tag, gw, fgw.v), EINVAL);

    /* ifName<255>: 300 bytes go out as 255. */
    memset(name, 'x', sizeof name);
    memset(v, 0, sizeof v);
    v[0].b.p = (const uint8_t *)name;
    v[0].b.len = sizeof name;
    wbuf_init(&w, buf, sizeof buf);
    dgo = sflow_enc_datagram_begin(&w, &agent, 100000, 11, 0xFEDCBA98u);
    fill_sample(&smp, SFLOW_COUNTERS_SAMPLE, 0);
    so = sflow_enc_sample_begin(&w, &smp);
    assert_int_equal(sflow_enc_record(&w, pn->tag, pn, v), 0);
    assert_int_equal(sflow_enc_sample_end(&w, so), 0);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    decode_ok(&w);
    assert_int_equal(dg.records[0].v[0].b.len, 255);
    assert_int_equal(dg.records[0].length, 4 + 256);

    /* A full buffer: ENOSPC, and nothing half-written counts. */
    wbuf_init(&w, buf, 30);
    dgo = sflow_enc_datagram_begin(&w, &agent, 100000, 12, 0xFEDCBA98u);
    assert_int_equal(w.error, 0);
    so = sflow_enc_sample_begin(&w, &smp);
    assert_int_equal(sflow_enc_sample_end(&w, so), ENOSPC);
    wbuf_cancel(&w, so);
    assert_int_equal(sflow_enc_datagram_end(&w, dgo), 0);
    assert_int_equal(w.size, 28);
    decode_ok(&w);
    assert_int_equal(dg.n_samples, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_schema),
        cmocka_unit_test(test_all_in_one),
        cmocka_unit_test(test_unknown_skipped),
        cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_optional_absent),
        cmocka_unit_test(test_sampled_header),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_encoder_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
