/*
 * sflow_encode: writes sFlow v5 datagrams (sflow_version_5.txt, section 5);
 * the layouts are the ones sflow_decode.c reads:
 *
 *   datagram : version(4) agent_address(4+4|16) sub_agent_id(4)
 *              sequence_number(4) uptime(4) num_samples(4) sample[]
 *   sample   : data_format(4) length(4) fixed fields  num_records(4) record[]
 *   record   : data_format(4) length(4) body, padded to 4
 *
 * Counts and lengths are reserved as zero words and patched by the "end"
 * calls.  The ends count what is there by walking the tag/length chain from
 * the begin offset to the end of the buffer; the bytes are our own, written
 * by this file, so the walk trusts them.
 */
#include "sflow_encode.h"

#include <errno.h>
#include <string.h>

#include "sflow_schema.h"

static void
enc_fail(struct wbuf *w, int error)
{
    if (!w->error)
        w->error = error;
}

static uint32_t
enc_get_u32(const struct wbuf *w, size_t offset)
{
    const uint8_t *p = w->base + offset;

    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Tag/opaque<> items from 'pos' to the end of what was written. */
static uint32_t
enc_count_items(const struct wbuf *w, size_t pos)
{
    uint32_t n = 0;

    while (pos + 8 <= w->size) {
        pos += 8 + (((size_t)enc_get_u32(w, pos + 4) + 3) & ~(size_t)3);
        n++;
    }
    return n;
}

static void
enc_addr(struct wbuf *w, const struct sflow_addr *addr)
{
    switch (addr->type) {
    case SFLOW_ADDR_UNKNOWN:
        wbuf_put_u32(w, SFLOW_ADDR_UNKNOWN);
        break;
    case SFLOW_ADDR_IP4:
        wbuf_put_u32(w, SFLOW_ADDR_IP4);
        wbuf_put_bytes(w, addr->a, 4);
        break;
    case SFLOW_ADDR_IP6:
        wbuf_put_u32(w, SFLOW_ADDR_IP6);
        wbuf_put_bytes(w, addr->a, 16);
        break;
    default:
        enc_fail(w, EINVAL);
        break;
    }
}

/* Bytes of the datagram header, from its agent address type. */
static size_t
enc_header_size(uint32_t addr_type)
{
    return addr_type == SFLOW_ADDR_IP6 ? 40 : addr_type == SFLOW_ADDR_IP4 ? 28 : 24;
}

size_t
sflow_enc_datagram_begin(struct wbuf *w, const struct sflow_addr *agent,
    uint32_t sub_agent, uint32_t seq, uint32_t uptime)
{
    size_t start = w->size;

    wbuf_put_u32(w, SFLOW_VERSION);
    enc_addr(w, agent);
    wbuf_put_u32(w, sub_agent);
    wbuf_put_u32(w, seq);
    wbuf_put_u32(w, uptime);
    wbuf_put_u32(w, 0);                 /* num_samples, patched at the end. */
    return start;
}

uint32_t
sflow_enc_datagram_samples(const struct wbuf *w, size_t start)
{
    size_t hdr;

    if (start + 8 > w->size)
        return 0;
    hdr = enc_header_size(enc_get_u32(w, start + 4));
    if (start + hdr > w->size)
        return 0;
    return enc_count_items(w, start + hdr);
}

int
sflow_enc_datagram_end(struct wbuf *w, size_t start)
{
    size_t hdr;

    if (w->error)
        return w->error;
    if (start + 8 > w->size)
        return EINVAL;
    hdr = enc_header_size(enc_get_u32(w, start + 4));
    wbuf_patch_u32(w, start + hdr - 4, sflow_enc_datagram_samples(w, start));
    return w->error;
}

/* Words between a sample's length and its num_records, by sample format. */
static size_t
enc_sample_words(uint32_t tag)
{
    if (SFLOW_ENTERPRISE(tag) != 0)
        return 0;
    switch (SFLOW_FORMAT(tag)) {
    case SFLOW_FLOW_SAMPLE:
        return 7;
    case SFLOW_COUNTERS_SAMPLE:
        return 2;
    case SFLOW_FLOW_SAMPLE_EXPANDED:
        return 10;
    case SFLOW_COUNTERS_SAMPLE_EXPANDED:
        return 3;
    case SFLOW_DISCARDED_PACKET:
        return 7;
    }
    return 0;
}

static void
enc_compact_source(struct wbuf *w, const struct sflow_sample *smp)
{
    if (smp->ds_class > 0xFF || smp->ds_index > 0x00FFFFFF) {
        enc_fail(w, ERANGE);
        return;
    }
    wbuf_put_u32(w, smp->ds_class << 24 | smp->ds_index);
}

static void
enc_compact_interface(struct wbuf *w, uint32_t format, uint32_t value)
{
    if (format > 3 || value > 0x3FFFFFFF) {
        enc_fail(w, ERANGE);
        return;
    }
    wbuf_put_u32(w, format << 30 | value);
}

size_t
sflow_enc_sample_begin(struct wbuf *w, const struct sflow_sample *smp)
{
    size_t start = w->size;

    if (enc_sample_words(smp->tag) == 0) {
        enc_fail(w, EINVAL);
        return start;
    }
    wbuf_put_u32(w, smp->tag);
    wbuf_put_u32(w, 0);                 /* length, patched at the end. */
    wbuf_put_u32(w, smp->seq);
    switch (SFLOW_FORMAT(smp->tag)) {
    case SFLOW_FLOW_SAMPLE:
        enc_compact_source(w, smp);
        wbuf_put_u32(w, smp->sampling_rate);
        wbuf_put_u32(w, smp->sample_pool);
        wbuf_put_u32(w, smp->drops);
        enc_compact_interface(w, smp->input_format, smp->input);
        enc_compact_interface(w, smp->output_format, smp->output);
        break;
    case SFLOW_COUNTERS_SAMPLE:
        enc_compact_source(w, smp);
        break;
    case SFLOW_FLOW_SAMPLE_EXPANDED:
        wbuf_put_u32(w, smp->ds_class);
        wbuf_put_u32(w, smp->ds_index);
        wbuf_put_u32(w, smp->sampling_rate);
        wbuf_put_u32(w, smp->sample_pool);
        wbuf_put_u32(w, smp->drops);
        wbuf_put_u32(w, smp->input_format);
        wbuf_put_u32(w, smp->input);
        wbuf_put_u32(w, smp->output_format);
        wbuf_put_u32(w, smp->output);
        break;
    case SFLOW_COUNTERS_SAMPLE_EXPANDED:
        wbuf_put_u32(w, smp->ds_class);
        wbuf_put_u32(w, smp->ds_index);
        break;
    case SFLOW_DISCARDED_PACKET:
        wbuf_put_u32(w, smp->ds_class);
        wbuf_put_u32(w, smp->ds_index);
        wbuf_put_u32(w, smp->drops);
        wbuf_put_u32(w, smp->input);
        wbuf_put_u32(w, smp->output);
        wbuf_put_u32(w, smp->reason);
        break;
    }
    wbuf_put_u32(w, 0);                 /* num_records, patched at the end. */
    return start;
}

int
sflow_enc_sample_end(struct wbuf *w, size_t start)
{
    size_t count_at;

    if (w->error)
        return w->error;
    if (start + 8 > w->size)
        return EINVAL;
    count_at = start + 8 + 4 * enc_sample_words(enc_get_u32(w, start));
    if (count_at + 4 > w->size)
        return EINVAL;
    wbuf_patch_u32(w, count_at, enc_count_items(w, count_at + 4));
    wbuf_patch_u32(w, start + 4, (uint32_t)(w->size - start - 8));
    return w->error;
}

static void
enc_fixed(struct wbuf *w, const uint8_t *p, size_t n)
{
    if (p)
        wbuf_put_bytes(w, p, n);
    else
        wbuf_put_zeros(w, n);
}

/*
 * An as_path_type<> or host_adapters list in wire form: 'count' items of
 * {word, n, n * 'unit' bytes}.  Checked against 'b->len' before it is
 * written, so a caller's mistake cannot produce a datagram that lies.
 */
static void
enc_nested_list(struct wbuf *w, const struct sflow_bytes *b, size_t unit)
{
    size_t pos = 0, n;
    uint32_t i;

    for (i = 0; i < b->count; i++) {
        if (b->p == NULL || b->len - pos < 8) {
            enc_fail(w, EINVAL);
            return;
        }
        n = (uint32_t)b->p[pos + 4] << 24 | (uint32_t)b->p[pos + 5] << 16 |
            (uint32_t)b->p[pos + 6] << 8 | b->p[pos + 7];
        if (n > (b->len - pos - 8) / unit) {
            enc_fail(w, EINVAL);
            return;
        }
        pos += 8 + n * unit;
    }
    if (pos != b->len) {
        enc_fail(w, EINVAL);
        return;
    }
    wbuf_put_u32(w, b->count);
    if (pos)
        wbuf_put_bytes(w, b->p, pos);
}

static void
enc_list(struct wbuf *w, const struct sflow_bytes *b, size_t item)
{
    if (b->count > UINT32_MAX / item || (b->count && b->p == NULL)) {
        enc_fail(w, EINVAL);
        return;
    }
    wbuf_put_u32(w, b->count);
    if (b->count)
        wbuf_put_bytes(w, b->p, (size_t)b->count * item);
}

static void
enc_field(struct wbuf *w, const struct sflow_field *f, const union sflow_value *v)
{
    uint32_t u, len;

    switch (f->type) {
    case SFT_U32:
        wbuf_put_u32(w, (uint32_t)v->u);
        break;
    case SFT_U64:
        wbuf_put_u64(w, v->u);
        break;
    case SFT_S32:
    case SFT_PERCENT:
        wbuf_put_u32(w, (uint32_t)(int32_t)v->s);
        break;
    case SFT_U8:
        wbuf_put_u8(w, (uint8_t)v->u);
        break;
    case SFT_FLOAT:
        memcpy(&u, &v->f, sizeof(u));
        wbuf_put_u32(w, u);
        break;
    case SFT_MAC:
        enc_fixed(w, v->b.p, 6);
        wbuf_put_zeros(w, 2);
        break;
    case SFT_IP4:
        enc_fixed(w, v->b.p, 4);
        break;
    case SFT_IP6:
    case SFT_UUID:
        enc_fixed(w, v->b.p, 16);
        break;
    case SFT_ADDR:
        enc_addr(w, &v->addr);
        break;
    case SFT_STR:
    case SFT_OPAQUE:
        len = v->b.len;
        if (f->max && len > f->max)
            len = f->max;
        if (len && v->b.p == NULL) {
            enc_fail(w, EINVAL);
            break;
        }
        wbuf_put_opaque(w, v->b.p, len);
        break;
    case SFT_U32_LIST:
        enc_list(w, &v->b, 4);
        break;
    case SFT_LANES:
        enc_list(w, &v->b, 40);
        break;
    case SFT_AS_PATH:
        enc_nested_list(w, &v->b, 4);
        break;
    case SFT_ADAPTERS:
        enc_nested_list(w, &v->b, 8);
        break;
    default:
        enc_fail(w, EINVAL);
        break;
    }
}

size_t
sflow_enc_record_begin(struct wbuf *w, uint32_t tag)
{
    size_t start = w->size;

    wbuf_put_u32(w, tag);
    (void)wbuf_open_len(w);
    return start;
}

void
sflow_enc_fields(struct wbuf *w, const struct sflow_schema *schema,
    const union sflow_value *v)
{
    size_t i;

    if (schema == NULL || schema->n_fields > SFLOW_MAX_FIELDS) {
        enc_fail(w, EINVAL);
        return;
    }
    for (i = 0; i < schema->n_fields && !w->error; i++)
        enc_field(w, &schema->fields[i], &v[i]);
}

void
sflow_enc_record_end(struct wbuf *w, size_t start)
{
    /* Only SFT_U8 runs leave the body unaligned. */
    wbuf_put_pad(w);
    wbuf_close_len(w, start + 4);
}

int
sflow_enc_record(struct wbuf *w, uint32_t tag, const struct sflow_schema *schema,
    const union sflow_value *v)
{
    size_t start = sflow_enc_record_begin(w, tag);

    sflow_enc_fields(w, schema, v);
    sflow_enc_record_end(w, start);
    return w->error;
}

int
sflow_enc_header(struct wbuf *w, uint32_t header_protocol, uint32_t frame_length,
    uint32_t stripped, const void *hdr, uint32_t len)
{
    size_t start = sflow_enc_record_begin(w, SFLOW_TAG(0, SFLOW_FLOW_HEADER));

    wbuf_put_u32(w, header_protocol);
    wbuf_put_u32(w, frame_length);
    wbuf_put_u32(w, stripped);
    wbuf_put_opaque(w, hdr, len);
    sflow_enc_record_end(w, start);
    return w->error;
}

int
sflow_enc_opaque(struct wbuf *w, uint32_t tag, const void *body, uint32_t len)
{
    wbuf_put_u32(w, tag);
    wbuf_put_opaque(w, body, len);
    return w->error;
}
