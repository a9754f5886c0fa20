/* netflow9: NetFlow v9 message header; see netflow9.h. */
#include "netflow9.h"

void
netflow9_begin(struct flowset_msg *m, void *buf, size_t cap, uint64_t uptime_base)
{
    flowset_begin(m, buf, cap, FLOWSET_V9, NETFLOW9_HEADER_LEN, -(int64_t)uptime_base);
}

size_t
netflow9_end(struct flowset_msg *m, const struct netflow9_header *h)
{
    size_t len = flowset_end(m);
    struct wbuf w;

    if (len == 0 || m->records > UINT16_MAX)
        return 0;
    wbuf_init(&w, m->w.base, NETFLOW9_HEADER_LEN);
    wbuf_put_u16(&w, NETFLOW9_VERSION);
    wbuf_put_u16(&w, (uint16_t)m->records);
    wbuf_put_u32(&w, h->sys_uptime);
    wbuf_put_u32(&w, h->unix_secs);
    wbuf_put_u32(&w, h->sequence);
    wbuf_put_u32(&w, h->source_id);
    return w.error ? 0 : len;
}
