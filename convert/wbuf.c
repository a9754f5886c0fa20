/* wbuf: typed XDR writes into a fixed buffer; see wbuf.h. */
#include "wbuf.h"

#include <errno.h>
#include <string.h>

void
wbuf_init(struct wbuf *w, void *base, size_t cap)
{
    w->base = base;
    w->size = 0;
    w->cap = cap;
    w->error = 0;
}

uint8_t *
wbuf_reserve_slow(struct wbuf *w, size_t n)
{
    if (w->error == 0 && w->cap - w->size < n)
        w->error = ENOSPC;
    return NULL;
}

void
wbuf_put_bytes(struct wbuf *w, const void *src, size_t n)
{
    uint8_t *p = wbuf_reserve(w, n);

    if (p && n)
        memcpy(p, src, n);
}

void
wbuf_put_zeros(struct wbuf *w, size_t n)
{
    uint8_t *p = wbuf_reserve(w, n);

    if (p && n)
        memset(p, 0, n);
}

void
wbuf_put_pad(struct wbuf *w)
{
    wbuf_put_zeros(w, (4 - (w->size & 3)) & 3);
}

void
wbuf_put_opaque(struct wbuf *w, const void *src, uint32_t len)
{
    wbuf_put_u32(w, len);
    wbuf_put_bytes(w, src, len);
    wbuf_put_pad(w);
}

size_t
wbuf_open_len(struct wbuf *w)
{
    size_t offset = w->size;

    wbuf_put_u32(w, 0);
    return offset;
}

void
wbuf_close_len(struct wbuf *w, size_t offset)
{
    if (!w->error)
        wbuf_patch_u32(w, offset, (uint32_t)(w->size - offset - 4));
}

void
wbuf_patch_u32(struct wbuf *w, size_t offset, uint32_t v)
{
    if (w->error || offset + 4 > w->size)
        return;
    wbuf_store_u32(w->base + offset, v);
}

void
wbuf_patch_u16(struct wbuf *w, size_t offset, uint16_t v)
{
    if (w->error || offset + 2 > w->size)
        return;
    wbuf_store_u16(w->base + offset, v);
}
