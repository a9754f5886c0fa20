/*
 * sflow_decode: decodes sFlow v5 datagrams (sflow_version_5.txt, section 5).
 *
 *   datagram : version(4) agent_address(4+4|16) sub_agent_id(4)
 *              sequence_number(4) uptime(4) num_samples(4) sample[]
 *   sample   : data_format(4) length(4) body
 *     1 flow_sample           seq source_id rate pool drops input output n rec[]
 *     2 counters_sample       seq source_id n rec[]
 *     3 flow_sample_expanded  seq ds_class ds_index rate pool drops
 *                             in_fmt in_val out_fmt out_val n rec[]
 *     4 counters_expanded     seq ds_class ds_index n rec[]
 *     5 discarded_packet      seq ds_class ds_index drops input output reason n rec[]
 *   record   : data_format(4) length(4) body (opaque, padded to 4)
 *
 * Every read goes through struct rd.  A record is read inside a sub-cursor
 * that ends where its declared length ends, so a record never reads into
 * its neighbour; unknown records are skipped by that length.  A sample's
 * records are read up to the end of the datagram and the bytes they used
 * are then compared with the sample's declared length, as sflowtool does, so
 * that a lying sample length is reported with both numbers.
 */
#include "sflow_decode.h"

#include <string.h>

#include "rd.h"
#include "sflow_schema.h"

/* Records the first error only; 'expected'/'found' go with it (0 if not a length). */
static void
decode_fail_len(struct sflow_datagram *dg, enum sflow_err code, const uint8_t *at,
    uint32_t tag, uint32_t expected, uint32_t found)
{
    if (dg->err.code != SFLOW_OK)
        return;
    dg->err.code = code;
    dg->err.offset = at ? (size_t)(at - dg->data) : dg->len;
    dg->err.tag = tag;
    dg->err.expected = expected;
    dg->err.found = found;
}

static void
decode_fail(struct sflow_datagram *dg, enum sflow_err code, const uint8_t *at,
    uint32_t tag)
{
    decode_fail_len(dg, code, at, tag, 0, 0);
}

/*
 * inline: everything else here is inlined into sflow_decode(), and one call
 * that took the cursor's address would keep the cursor in memory, to be
 * loaded and stored at every read, for the whole datagram.
 */
static inline void
decode_addr(struct rd *r, struct sflow_addr *addr)
{
    const uint8_t *p;

    memset(addr, 0, sizeof(*addr));
    addr->type = rd_u32(r);
    if (addr->type == SFLOW_ADDR_IP4) {
        if ((p = rd_bytes(r, 4)) != NULL)
            memcpy(addr->a, p, 4);
    } else if (addr->type == SFLOW_ADDR_IP6) {
        if ((p = rd_bytes(r, 16)) != NULL)
            memcpy(addr->a, p, 16);
    } else if (addr->type != SFLOW_ADDR_UNKNOWN) {
        r->error = EBADMSG;
    }
}

/* A list of 'count' items of 'item' bytes each: checks it fits, then skips it. */
static void
decode_list(struct rd *r, uint32_t item, struct sflow_bytes *b)
{
    b->count = rd_u32(r);
    if (r->error)
        return;
    if (b->count > r->left / item) {
        r->error = EBADMSG;
        return;
    }
    b->len = b->count * item;
    b->p = rd_bytes(r, b->len);
}

/* as_path_type<>: segments of {type, unsigned int<>}. */
static void
decode_as_path(struct rd *r, struct sflow_bytes *b)
{
    uint32_t i, n;
    const uint8_t *start;

    b->count = rd_u32(r);
    start = r->p;
    for (i = 0; i < b->count && !r->error; i++) {
        rd_u32(r);              /* segment type */
        n = rd_u32(r);
        if (!r->error && n > r->left / 4)
            r->error = EBADMSG;
        rd_skip(r, (size_t)n * 4);
    }
    b->p = start;
    b->len = r->error ? 0 : (uint32_t)(r->p - start);
}

/* host_adapters: {ifIndex, mac<>}<>. */
static void
decode_adapters(struct rd *r, struct sflow_bytes *b)
{
    uint32_t i, n;
    const uint8_t *start;

    b->count = rd_u32(r);
    start = r->p;
    for (i = 0; i < b->count && !r->error; i++) {
        rd_u32(r);              /* ifIndex */
        n = rd_u32(r);
        if (!r->error && n > r->left / 8)
            r->error = EBADMSG;
        rd_skip(r, (size_t)n * 8);
    }
    b->p = start;
    b->len = r->error ? 0 : (uint32_t)(r->p - start);
}

/*
 * A field of fixed size (sflow_type_size() != 0) from 'p', whose bytes the
 * caller checked: the one decoding of those types, for both ways in.
 * Returns the bytes it took.
 */
static inline uint32_t
decode_at(enum sflow_ftype type, const uint8_t *p, union sflow_value *v)
{
    uint32_t u;

    switch (type) {
    case SFT_U64:
        v->u = (uint64_t)rd_be32(p) << 32 | rd_be32(p + 4);
        return 8;
    case SFT_S32:
    case SFT_PERCENT:
        v->s = (int32_t)rd_be32(p);
        return 4;
    case SFT_U8:
        v->u = *p;
        return 1;
    case SFT_FLOAT:
        u = rd_be32(p);
        memcpy(&v->f, &u, sizeof(v->f));
        return 4;
    case SFT_MAC:
        v->b.p = p;
        v->b.len = 6;
        return 8;
    case SFT_IP4:
        v->b.p = p;
        v->b.len = 4;
        return 4;
    case SFT_IP6:
    case SFT_UUID:
        v->b.p = p;
        v->b.len = 16;
        return 16;
    default:                    /* SFT_U32 */
        v->u = rd_be32(p);
        return 4;
    }
}

/* A string<> or opaque<> field. */
static inline void
decode_bytes(struct rd *r, const struct sflow_field *f, union sflow_value *v)
{
    v->b.len = rd_u32(r);
    v->b.count = v->b.len;
    if (f->max && v->b.len > f->max)
        r->error = EBADMSG;
    v->b.p = rd_opaque(r, v->b.len);
}

/* One field through the cursor (a record whose fixed prefix is short, or past it). */
static void
decode_field(struct rd *r, const struct sflow_field *f, union sflow_value *v)
{
    const uint8_t *p;

    switch (f->type) {
    case SFT_ADDR:
        decode_addr(r, &v->addr);
        break;
    case SFT_STR:
    case SFT_OPAQUE:
        decode_bytes(r, f, v);
        break;
    case SFT_U32_LIST:
        decode_list(r, 4, &v->b);
        break;
    case SFT_LANES:
        decode_list(r, 40, &v->b);
        break;
    case SFT_AS_PATH:
        decode_as_path(r, &v->b);
        break;
    case SFT_ADAPTERS:
        decode_adapters(r, &v->b);
        break;
    default:                    /* The types of fixed size. */
        if ((p = rd_bytes(r, sflow_type_size(f->type))) != NULL)
            decode_at(f->type, p, v);
        else
            memset(v, 0, sizeof(*v));
        break;
    }
}

/*
 * The leading fixed-size fields of schema 's' into 'v': the caller checked
 * once that their bytes are there, so there is no check per field.
 */
static void
decode_fixed(const struct sflow_schema *s, union sflow_value *v, const uint8_t *p)
{
    const struct sflow_field *f = s->fields;
    size_t i, n = s->n_fixed;

    if (s->fixed_u32) {
        /* Two words a turn: the loop's own steps cost as much as a word's. */
#pragma GCC unroll 2
        for (i = 0; i < n; i++)
            v[i].u = rd_be32(p + i * 4);
        return;
    }
    for (i = 0; i < n; i++) {
        /* Most fields are unsigned ints: a compare beats the jump table. */
        if (f[i].type == SFT_U32) {
            v[i].u = rd_be32(p);
            p += 4;
            continue;
        }
        p += decode_at(f[i].type, p, &v[i]);
    }
}

static void
decode_fields(struct sflow_datagram *dg, struct sflow_record *rec, struct rd *body)
{
    const struct sflow_schema *s = rec->schema;
    size_t i = 0;

    /* The fixed-size fields in front, if all there, with one check; the rest one by one. */
    if (s->n_fixed > 0 && body->left >= s->fixed_size) {
        decode_fixed(s, rec->v, body->p);
        rd_skip(body, s->fixed_size);
        i = s->n_fixed;
        /* Then bytes last, the sampled header's layout, the commonest record: directly. */
        if (i + 1 == s->n_fields && !s->fields[i].optional &&
            (s->fields[i].type == SFT_OPAQUE || s->fields[i].type == SFT_STR)) {
            decode_bytes(body, &s->fields[i], &rec->v[i]);
            i++;
        }
    }
    for (; i < s->n_fields && !body->error; i++) {
        if (s->fields[i].optional && body->left == 0)
            break;
        decode_field(body, &s->fields[i], &rec->v[i]);
    }
    rec->n_values = (uint32_t)i;
    if (body->error) {
        rec->error = 1;
        return;
    }
    /* Sampled header: parse the packet too, so no sink has to. */
    if (!s->counter && s->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER)) {
        if (dg->n_pkts >= SFLOW_MAX_HEADERS)
            return;
        rec->pkt = &dg->pkts[dg->n_pkts++];
        if (pkt_parse(rec->v[SF_HEADER_BYTES].b.p, rec->v[SF_HEADER_BYTES].b.len,
            (uint32_t)rec->v[SF_HEADER_PROTOCOL].u, rec->pkt) != 0)
            rec->pkt = NULL, dg->n_pkts--;
    }
}

/* Decodes the records of sample 'smp' from 'r'; returns 0 or an error. */
static int
decode_records(struct sflow_datagram *dg, struct sflow_sample *smp,
    struct rd *r, int counter)
{
    uint32_t i;
    struct sflow_record *rec;
    struct rd body;
    const uint8_t *h;

    smp->first_record = dg->n_records;
    for (i = 0; i < smp->n_records_declared; i++) {
        const uint8_t *at = r->p;

        if (dg->n_records >= SFLOW_MAX_RECORDS) {
            decode_fail(dg, SFLOW_E_TOO_MANY_RECORDS, at, smp->tag);
            return -1;
        }
        /* data_format and length: both or neither, with one check. */
        if ((h = rd_bytes(r, 8)) == NULL) {
            decode_fail(dg, SFLOW_E_RECORD_SHORT, at, smp->tag);
            return -1;
        }
        rec = &dg->records[dg->n_records];
        rec->tag = rd_be32(h);
        rec->length = rd_be32(h + 4);
        rec->offset = (size_t)(at - dg->data);
        rec->schema = sflow_schema_find(rec->tag, counter);
        rec->pkt = NULL;
        rec->error = 0;
        rec->n_values = 0;
        dg->n_records++;
        smp->n_records++;
        body = rd_sub(r, rec->length);
        rec->data = body.p;
        if (body.error) {
            rec->error = 1;
            decode_fail_len(dg, SFLOW_E_RECORD_SHORT, at, rec->tag, rec->length,
                (uint32_t)r->left);
            return -1;
        }
        if (rec->schema == NULL) {
            dg->n_unknown++;
            continue;
        }
        /* A longer record is fine: vendors may append fields (spec 5). */
        decode_fields(dg, rec, &body);
        if (rec->error)
            decode_fail(dg, SFLOW_E_RECORD_BODY, at, rec->tag);
    }
    return 0;
}

static void
decode_interface(uint32_t word, uint32_t *format, uint32_t *value)
{
    *format = word >> 30;
    *value = word & 0x3FFFFFFF;
}

/* source_id: type in the top 8 bits, index in the low 24. */
static void
decode_source_id(uint32_t word, struct sflow_sample *smp)
{
    smp->ds_class = word >> 24;
    smp->ds_index = word & 0x00FFFFFF;
}

/* Word 'i' of 'p', whose bytes the caller has bounds-checked. */
static inline uint32_t
word_at(const uint8_t *p, size_t i)
{
    return rd_be32(p + i * 4);
}

/*
 * The fields before a sample's records: a fixed run of words for each
 * sample type, taken with one bounds check.  A sample cut short leaves them
 * 0 and the cursor in error; its header_ok stays unset and nothing reads
 * them.
 */
static void
decode_sample_fields(struct rd *r, struct sflow_sample *smp)
{
    const uint8_t *p;

    switch (SFLOW_FORMAT(smp->tag)) {
    case SFLOW_FLOW_SAMPLE:     /* seq source_id rate pool drops input output n */
        if ((p = rd_bytes(r, 8 * 4)) == NULL)
            return;
        smp->seq = word_at(p, 0);
        decode_source_id(word_at(p, 1), smp);
        smp->sampling_rate = word_at(p, 2);
        smp->sample_pool = word_at(p, 3);
        smp->drops = word_at(p, 4);
        decode_interface(word_at(p, 5), &smp->input_format, &smp->input);
        decode_interface(word_at(p, 6), &smp->output_format, &smp->output);
        smp->n_records_declared = word_at(p, 7);
        break;
    case SFLOW_COUNTERS_SAMPLE: /* seq source_id n */
        if ((p = rd_bytes(r, 3 * 4)) == NULL)
            return;
        smp->seq = word_at(p, 0);
        decode_source_id(word_at(p, 1), smp);
        smp->n_records_declared = word_at(p, 2);
        break;
    case SFLOW_FLOW_SAMPLE_EXPANDED:
        /* seq ds_class ds_index rate pool drops in_fmt in_val out_fmt out_val n */
        if ((p = rd_bytes(r, 11 * 4)) == NULL)
            return;
        smp->seq = word_at(p, 0);
        smp->ds_class = word_at(p, 1);
        smp->ds_index = word_at(p, 2);
        smp->sampling_rate = word_at(p, 3);
        smp->sample_pool = word_at(p, 4);
        smp->drops = word_at(p, 5);
        smp->input_format = word_at(p, 6);
        smp->input = word_at(p, 7);
        smp->output_format = word_at(p, 8);
        smp->output = word_at(p, 9);
        smp->n_records_declared = word_at(p, 10);
        break;
    case SFLOW_COUNTERS_SAMPLE_EXPANDED: /* seq ds_class ds_index n */
        if ((p = rd_bytes(r, 4 * 4)) == NULL)
            return;
        smp->seq = word_at(p, 0);
        smp->ds_class = word_at(p, 1);
        smp->ds_index = word_at(p, 2);
        smp->n_records_declared = word_at(p, 3);
        break;
    case SFLOW_DISCARDED_PACKET:
        /* seq ds_class ds_index drops input output reason n */
        if ((p = rd_bytes(r, 8 * 4)) == NULL)
            return;
        smp->seq = word_at(p, 0);
        smp->ds_class = word_at(p, 1);
        smp->ds_index = word_at(p, 2);
        smp->drops = word_at(p, 3);
        smp->input = word_at(p, 4);
        smp->output = word_at(p, 5);
        smp->reason = word_at(p, 6);
        smp->n_records_declared = word_at(p, 7);
        break;
    }
}

/* A sample starts empty: copied, this costs a tenth of what memset() does. */
static const struct sflow_sample sample_empty;

/* Decodes one sample at 'r'; returns 0 to go on, -1 to stop the datagram. */
static int
decode_sample(struct sflow_datagram *dg, struct rd *r)
{
    struct sflow_sample *smp;
    const uint8_t *at = r->p, *h;
    size_t body_left, used;
    uint32_t fmt;

    if (dg->n_samples >= SFLOW_MAX_SAMPLES) {
        decode_fail(dg, SFLOW_E_TOO_MANY_SAMPLES, at, 0);
        return -1;
    }
    /* sample_type and length: both or neither, with one check. */
    if ((h = rd_bytes(r, 8)) == NULL) {
        decode_fail(dg, SFLOW_E_SAMPLE_SHORT, at, 0);
        return -1;
    }
    smp = &dg->samples[dg->n_samples];
    *smp = sample_empty;
    smp->offset = (size_t)(at - dg->data);
    smp->tag = rd_be32(h);
    smp->length = rd_be32(h + 4);
    dg->n_samples++;
    fmt = SFLOW_FORMAT(smp->tag);
    smp->known = SFLOW_ENTERPRISE(smp->tag) == 0 && fmt >= SFLOW_FLOW_SAMPLE &&
        fmt <= SFLOW_DISCARDED_PACKET;
    if (!smp->known) {
        dg->n_unknown++;
        (void)rd_opaque(r, smp->length);     /* sample_data is opaque<>: padded. */
        if (r->error) {
            smp->error = 1;
            decode_fail(dg, SFLOW_E_SAMPLE_SHORT, at, smp->tag);
            return -1;
        }
        return 0;
    }

    body_left = r->left;
    decode_sample_fields(r, smp);
    if (r->error) {
        smp->error = 1;
        decode_fail(dg, SFLOW_E_SAMPLE_SHORT, at, smp->tag);
        return -1;
    }
    smp->header_ok = 1;
    if (decode_records(dg, smp, r, fmt == SFLOW_COUNTERS_SAMPLE ||
        fmt == SFLOW_COUNTERS_SAMPLE_EXPANDED) != 0) {
        smp->error = 1;
        return -1;
    }
    used = body_left - r->left;
    if (used != smp->length) {
        smp->error = 1;
        decode_fail_len(dg, SFLOW_E_SAMPLE_LENGTH, at, smp->tag, smp->length,
            (uint32_t)used);
        return -1;
    }
    return 0;
}

enum sflow_err
sflow_decode(const uint8_t *p, size_t len, struct sflow_datagram *dg)
{
    struct rd r = rd_init(p, len);
    uint32_t i;

    dg->data = p;
    dg->len = len;
    dg->stage = 0;
    dg->n_samples = dg->n_records = dg->n_pkts = dg->n_unknown = 0;
    dg->n_samples_declared = 0;
    memset(&dg->err, 0, sizeof(dg->err));

    dg->version = rd_u32(&r);
    if (r.error) {
        decode_fail(dg, SFLOW_E_SHORT_HEADER, p, 0);
        return dg->err.code;
    }
    dg->stage = 1;
    if (dg->version != SFLOW_VERSION) {
        decode_fail(dg, SFLOW_E_VERSION, p, 0);
        return dg->err.code;
    }
    decode_addr(&r, &dg->agent);
    if (r.error && dg->agent.type > SFLOW_ADDR_IP6) {
        decode_fail(dg, SFLOW_E_ADDR_TYPE, p + 4, 0);
        return dg->err.code;
    }
    dg->sub_agent_id = rd_u32(&r);
    dg->seq = rd_u32(&r);
    dg->uptime = rd_u32(&r);
    dg->n_samples_declared = rd_u32(&r);
    if (r.error) {
        decode_fail(dg, SFLOW_E_SHORT_HEADER, p, 0);
        return dg->err.code;
    }
    dg->stage = 2;
    for (i = 0; i < dg->n_samples_declared; i++) {
        if (r.left == 0) {
            /* Fewer samples than declared: an absurd or lying count. */
            decode_fail_len(dg, SFLOW_E_COUNT, r.p, 0, dg->n_samples_declared, i);
            break;
        }
        if (decode_sample(dg, &r) != 0)
            break;
    }
    return dg->err.code;
}

uint32_t
sflow_list_u32(const struct sflow_bytes *list, uint32_t i)
{
    return i < list->count ? rd_be32(list->p + (size_t)i * 4) : 0;
}

/* Lists below were validated by the decoder, so they are walked unchecked. */
size_t
sflow_as_path_next(const struct sflow_bytes *path, size_t pos, uint32_t *type,
    uint32_t *n, const uint8_t **asns)
{
    if (pos + 8 > path->len)
        return 0;
    *type = rd_be32(path->p + pos);
    *n = rd_be32(path->p + pos + 4);
    *asns = path->p + pos + 8;
    return pos + 8 + (size_t)*n * 4;
}

size_t
sflow_adapters_next(const struct sflow_bytes *list, size_t pos,
    uint32_t *if_index, uint32_t *n_macs, const uint8_t **macs)
{
    if (pos + 8 > list->len)
        return 0;
    *if_index = rd_be32(list->p + pos);
    *n_macs = rd_be32(list->p + pos + 4);
    *macs = list->p + pos + 8;
    return pos + 8 + (size_t)*n_macs * 8;
}

static const struct {
    const char *name;
    const char *text;
} sflow_errors[SFLOW_E_MAX] = {
    [SFLOW_OK] = { "ok", "no error" },
    [SFLOW_E_SHORT_HEADER] = { "short_header", "datagram shorter than its header" },
    [SFLOW_E_VERSION] = { "version", "not an sFlow version 5 datagram" },
    [SFLOW_E_ADDR_TYPE] = { "agent_address_type", "unknown agent address type" },
    [SFLOW_E_SAMPLE_SHORT] = { "sample_truncated", "sample runs past the end of the datagram" },
    [SFLOW_E_SAMPLE_LENGTH] = { "sample_length", "sample length disagrees with its records" },
    [SFLOW_E_RECORD_SHORT] = { "record_truncated", "record length runs past the end of the datagram" },
    [SFLOW_E_RECORD_BODY] = { "record_malformed", "record body shorter than its layout or malformed" },
    [SFLOW_E_TOO_MANY_SAMPLES] = { "too_many_samples", "more samples than the decoder holds" },
    [SFLOW_E_TOO_MANY_RECORDS] = { "too_many_records", "more records than the decoder holds" },
    [SFLOW_E_COUNT] = { "sample_count", "fewer samples than the datagram declares" },
};

const char *
sflow_strerror(enum sflow_err err)
{
    return err < SFLOW_E_MAX ? sflow_errors[err].text : "unknown error";
}

const char *
sflow_errname(enum sflow_err err)
{
    return err < SFLOW_E_MAX ? sflow_errors[err].name : "unknown";
}
