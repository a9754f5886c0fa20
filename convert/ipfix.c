/* ipfix: IPFIX message header; see ipfix.h. */
#include "ipfix.h"

void
ipfix_begin(struct flowset_msg *m, void *buf, size_t cap, int64_t epoch_shift)
{
    flowset_begin(m, buf, cap, FLOWSET_IPFIX, IPFIX_HEADER_LEN, epoch_shift);
}

size_t
ipfix_end(struct flowset_msg *m, const struct ipfix_header *h)
{
    size_t len = flowset_end(m);
    struct wbuf w;

    if (len == 0 || len > UINT16_MAX)
        return 0;
    wbuf_init(&w, m->w.base, IPFIX_HEADER_LEN);
    wbuf_put_u16(&w, IPFIX_VERSION);
    wbuf_put_u16(&w, (uint16_t)len);
    wbuf_put_u32(&w, h->export_time);
    wbuf_put_u32(&w, h->sequence);
    wbuf_put_u32(&w, h->domain);
    return w.error ? 0 : len;
}
