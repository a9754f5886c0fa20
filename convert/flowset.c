/* flowset: NetFlow v9 / IPFIX templates and records; see flowset.h. */
#include "flowset.h"

#include <errno.h>
#include <string.h>

/* Information element numbers (RFC 3954 section 8; IANA IPFIX registry). */
enum {
    IE_OCTETS = 1, IE_PACKETS = 2, IE_PROTOCOL = 4, IE_TOS = 5, IE_TCP_FLAGS = 6,
    IE_SRC_PORT = 7, IE_SRC_IPV4 = 8, IE_SRC_MASK = 9, IE_INPUT = 10, IE_DST_PORT = 11,
    IE_DST_IPV4 = 12, IE_DST_MASK = 13, IE_OUTPUT = 14, IE_NEXTHOP_IPV4 = 15,
    IE_SRC_AS = 16, IE_DST_AS = 17, IE_LAST_SWITCHED = 21, IE_FIRST_SWITCHED = 22,
    IE_SRC_IPV6 = 27, IE_DST_IPV6 = 28, IE_SRC_MASK_IPV6 = 29, IE_DST_MASK_IPV6 = 30,
    IE_SAMPLING_INTERVAL = 34, IE_SAMPLING_ALGORITHM = 35, IE_SRC_MAC = 56,
    IE_SRC_VLAN = 58, IE_DST_VLAN = 59, IE_NEXTHOP_IPV6 = 62, IE_DST_MAC = 80,
    IE_EXPORTER_IPV4 = 130, IE_EXPORTER_IPV6 = 131, IE_OBSERVATION_DOMAIN = 149,
    IE_START_MS = 152, IE_END_MS = 153,
};

/* v9 options scope type 1: the system (the exporter as a whole). */
#define V9_SCOPE_SYSTEM 1

struct fs_field {
    uint16_t ie;
    uint16_t len;
};

/* Field order of the data records; the addresses differ by family. */
static const struct fs_field fs_ipv4[] = {
    { IE_SRC_IPV4, 4 }, { IE_DST_IPV4, 4 }, { IE_SRC_MASK, 1 }, { IE_DST_MASK, 1 },
    { IE_NEXTHOP_IPV4, 4 },
};
static const struct fs_field fs_ipv6[] = {
    { IE_SRC_IPV6, 16 }, { IE_DST_IPV6, 16 }, { IE_SRC_MASK_IPV6, 1 },
    { IE_DST_MASK_IPV6, 1 }, { IE_NEXTHOP_IPV6, 16 },
};
static const struct fs_field fs_common[] = {
    { IE_SRC_PORT, 2 }, { IE_DST_PORT, 2 }, { IE_PROTOCOL, 1 }, { IE_TCP_FLAGS, 1 },
    { IE_TOS, 1 }, { IE_INPUT, 4 }, { IE_OUTPUT, 4 }, { IE_SRC_VLAN, 2 },
    { IE_DST_VLAN, 2 }, { IE_SRC_MAC, 6 }, { IE_DST_MAC, 6 }, { IE_PACKETS, 8 },
    { IE_OCTETS, 8 }, { IE_SRC_AS, 4 }, { IE_DST_AS, 4 },
};
static const struct fs_field fs_time_v9[] = { { IE_FIRST_SWITCHED, 4 }, { IE_LAST_SWITCHED, 4 } };
static const struct fs_field fs_time_ipfix[] = { { IE_START_MS, 8 }, { IE_END_MS, 8 } };

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define FS_ADDR_FIELDS N(fs_ipv4)

/* The fields of the data template of 'family' in dialect 'd', in order. */
static void
fs_layout(enum flowset_dialect d, int family, const struct fs_field *parts[3], size_t n[3])
{
    parts[0] = family == 6 ? fs_ipv6 : fs_ipv4;
    n[0] = FS_ADDR_FIELDS;
    parts[1] = fs_common;
    n[1] = N(fs_common);
    parts[2] = d == FLOWSET_IPFIX ? fs_time_ipfix : fs_time_v9;
    n[2] = N(fs_time_v9);
}

size_t
flowset_record_len(enum flowset_dialect d, int family)
{
    const struct fs_field *parts[3];
    size_t n[3], i, j, len = 0;

    fs_layout(d, family, parts, n);
    for (i = 0; i < 3; i++)
        for (j = 0; j < n[i]; j++)
            len += parts[i][j].len;
    return len;
}

void
flowset_begin(struct flowset_msg *m, void *buf, size_t cap, enum flowset_dialect d,
    size_t header_len, int64_t time_shift)
{
    memset(m, 0, sizeof(*m));
    wbuf_init(&m->w, buf, cap);
    wbuf_put_zeros(&m->w, header_len);
    m->dialect = d;
    m->time_shift = time_shift;
    m->len4 = flowset_record_len(d, 4);
    m->len6 = flowset_record_len(d, 6);
}

/* Where a message stood before a put that may not fit. */
struct fs_mark {
    size_t size, set_off;
    uint16_t set_id;
    int set_open;
    uint32_t records, data_records;
};

static void
fs_mark(const struct flowset_msg *m, struct fs_mark *k)
{
    k->size = m->w.size;
    k->set_off = m->set_off;
    k->set_id = m->set_id;
    k->set_open = m->set_open;
    k->records = m->records;
    k->data_records = m->data_records;
}

/* 0 if everything since 'k' fitted, else ENOSPC with 'm' back at 'k'. */
static int
fs_settle(struct flowset_msg *m, const struct fs_mark *k)
{
    if (m->w.error == 0)
        return 0;
    wbuf_cancel(&m->w, k->size);
    m->set_off = k->set_off;
    m->set_id = k->set_id;
    m->set_open = k->set_open;
    m->records = k->records;
    m->data_records = k->data_records;
    return ENOSPC;
}

static void
fs_close_set(struct flowset_msg *m)
{
    if (!m->set_open)
        return;
    wbuf_put_pad(&m->w);
    wbuf_patch_u16(&m->w, m->set_off + 2, (uint16_t)(m->w.size - m->set_off));
    m->set_open = 0;
}

/* Makes 'id' the open set, closing another. */
static void
fs_open_set(struct flowset_msg *m, uint16_t id)
{
    if (m->set_open && m->set_id == id)
        return;
    fs_close_set(m);
    m->set_off = m->w.size;
    m->set_id = id;
    m->set_open = 1;
    wbuf_put_u16(&m->w, id);
    wbuf_put_u16(&m->w, 0);
}

static void
fs_put_fields(struct wbuf *w, const struct fs_field *f, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        wbuf_put_u16(w, f[i].ie);
        wbuf_put_u16(w, f[i].len);
    }
}

static void
fs_data_template(struct flowset_msg *m, uint16_t id, int family)
{
    const struct fs_field *parts[3];
    size_t n[3], i;

    fs_layout(m->dialect, family, parts, n);
    wbuf_put_u16(&m->w, id);
    wbuf_put_u16(&m->w, (uint16_t)(n[0] + n[1] + n[2]));
    for (i = 0; i < 3; i++)
        fs_put_fields(&m->w, parts[i], n[i]);
    m->records++;
}

static void
fs_options_template(struct flowset_msg *m, const struct flowset_options *opt)
{
    const struct fs_field scope_v9 = { V9_SCOPE_SYSTEM, 4 };
    const struct fs_field scope_ipfix = { IE_OBSERVATION_DOMAIN, 4 };
    const struct fs_field fields[] = {
        { IE_SAMPLING_INTERVAL, 4 }, { IE_SAMPLING_ALGORITHM, 1 },
        { opt->agent_v6 ? IE_EXPORTER_IPV6 : IE_EXPORTER_IPV4, opt->agent_v6 ? 16 : 4 },
    };

    wbuf_put_u16(&m->w, opt->agent_v6 ? FLOWSET_TMPL_OPT_IPV6 : FLOWSET_TMPL_OPT_IPV4);
    if (m->dialect == FLOWSET_V9) {
        wbuf_put_u16(&m->w, 4);                         /* scope bytes */
        wbuf_put_u16(&m->w, (uint16_t)(N(fields) * 4)); /* option bytes */
        fs_put_fields(&m->w, &scope_v9, 1);
    } else {
        wbuf_put_u16(&m->w, (uint16_t)(N(fields) + 1));
        wbuf_put_u16(&m->w, 1);
        fs_put_fields(&m->w, &scope_ipfix, 1);
    }
    fs_put_fields(&m->w, fields, N(fields));
    m->records++;
}

int
flowset_templates(struct flowset_msg *m, const struct flowset_options *opt)
{
    int ipfix = m->dialect == FLOWSET_IPFIX;
    struct fs_mark k;

    fs_mark(m, &k);
    fs_open_set(m, ipfix ? 2 : 0);
    fs_data_template(m, FLOWSET_TMPL_IPV4, 4);
    fs_data_template(m, FLOWSET_TMPL_IPV6, 6);
    fs_open_set(m, ipfix ? 3 : 1);
    fs_options_template(m, opt);
    fs_open_set(m, opt->agent_v6 ? FLOWSET_TMPL_OPT_IPV6 : FLOWSET_TMPL_OPT_IPV4);
    wbuf_put_u32(&m->w, opt->domain);
    wbuf_put_u32(&m->w, opt->sampling_interval);
    wbuf_put_u8(&m->w, opt->sampling_algorithm);
    wbuf_put_bytes(&m->w, opt->agent, opt->agent_v6 ? 16 : 4);
    m->records++;
    m->data_records++;
    /* The options record stands alone: close its set so data opens a new one. */
    fs_close_set(m);
    return fs_settle(m, &k);
}

/*
 * The record is written through one reservation of its whole length and
 * stores that move a pointer: a put per field, each testing the room, was
 * the largest cost of an export (callgrind: some 390 instructions a record).
 */
static uint8_t *
fs_bytes(uint8_t *p, const uint8_t *src, size_t n)
{
    memcpy(p, src, n);
    return p + n;
}

static uint8_t *
fs_time(const struct flowset_msg *m, uint8_t *p, uint64_t mono_ms)
{
    int64_t t = (int64_t)mono_ms + m->time_shift;

    return m->dialect == FLOWSET_IPFIX ? wbuf_store_u64(p, (uint64_t)t) :
        wbuf_store_u32(p, (uint32_t)t);
}

int
flowset_add(struct flowset_msg *m, const struct flowrec *f)
{
    static const uint8_t zero[16];
    size_t alen = f->family == 6 ? 16 : 4;
    size_t len = f->family == 6 ? m->len6 : m->len4;
    struct fs_mark k;
    uint8_t *p;

    fs_mark(m, &k);
    fs_open_set(m, f->family == 6 ? FLOWSET_TMPL_IPV6 : FLOWSET_TMPL_IPV4);
    if ((p = wbuf_reserve(&m->w, len)) == NULL)
        return fs_settle(m, &k);
    /* In the order of fs_ipv4/fs_ipv6, fs_common and the time fields. */
    p = fs_bytes(p, f->src, alen);
    p = fs_bytes(p, f->dst, alen);
    *p++ = f->src_mask;
    *p++ = f->dst_mask;
    p = fs_bytes(p, f->nexthop_family == f->family ? f->nexthop : zero, alen);
    p = wbuf_store_u16(p, f->src_port);
    p = wbuf_store_u16(p, f->dst_port);
    *p++ = f->prot;
    *p++ = f->tcp_flags;
    *p++ = f->tos;
    p = wbuf_store_u32(p, f->input);
    p = wbuf_store_u32(p, f->output);
    p = wbuf_store_u16(p, f->src_vlan);
    p = wbuf_store_u16(p, f->dst_vlan);
    p = fs_bytes(p, f->src_mac, 6);
    p = fs_bytes(p, f->dst_mac, 6);
    p = wbuf_store_u64(p, f->packets);
    p = wbuf_store_u64(p, f->octets);
    p = wbuf_store_u32(p, f->src_as);
    p = wbuf_store_u32(p, f->dst_as);
    p = fs_time(m, p, f->first_ms);
    fs_time(m, p, f->last_ms);
    m->records++;
    m->data_records++;
    return 0;
}

size_t
flowset_end(struct flowset_msg *m)
{
    fs_close_set(m);
    return m->w.error ? 0 : m->w.size;
}
