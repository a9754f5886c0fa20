/*
 * wbuf: a fixed-size write buffer with typed XDR puts (big-endian).
 *
 * A put that does not fit sets 'error' (sticky) and writes nothing, so a
 * writer may put a whole structure and test 'error' once.  A length that
 * precedes its body is reserved with wbuf_open_len() and patched by
 * wbuf_close_len(); offsets, not pointers, are kept.
 */
#ifndef SFK_WBUF_H
#define SFK_WBUF_H

#include <stddef.h>
#include <stdint.h>

struct wbuf {
    uint8_t *base;
    size_t size;        /* Bytes written. */
    size_t cap;
    int error;          /* 0, or ENOSPC; sticky. */
};

void wbuf_init(struct wbuf *, void *base, size_t cap);
/* wbuf_reserve() when 'n' bytes do not fit or an error is pending: NULL. */
uint8_t *wbuf_reserve_slow(struct wbuf *, size_t n);

/*
 * Room for 'n' more bytes, or NULL (and ENOSPC) if they do not fit.  The
 * typed writes are inline: an agent encodes some 25 words per sample, and
 * a call each was a third of a sample's cost.
 */
static inline uint8_t *
wbuf_reserve(struct wbuf *w, size_t n)
{
    uint8_t *p;

    if (w->error != 0 || w->cap - w->size < n)
        return wbuf_reserve_slow(w, n);
    p = w->base + w->size;
    w->size += n;
    return p;
}

/*
 * Big-endian stores into room wbuf_reserve() gave, each returning the byte
 * after: a record written through one reservation tests the room once.
 */
static inline uint8_t *
wbuf_store_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

static inline uint8_t *
wbuf_store_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return p + 4;
}

static inline uint8_t *
wbuf_store_u64(uint8_t *p, uint64_t v)
{
    return wbuf_store_u32(wbuf_store_u32(p, (uint32_t)(v >> 32)), (uint32_t)v);
}

static inline void
wbuf_put_u8(struct wbuf *w, uint8_t v)
{
    uint8_t *p = wbuf_reserve(w, 1);

    if (p)
        p[0] = v;
}

static inline void
wbuf_put_u16(struct wbuf *w, uint16_t v)
{
    uint8_t *p = wbuf_reserve(w, 2);

    if (p)
        wbuf_store_u16(p, v);
}

static inline void
wbuf_put_u32(struct wbuf *w, uint32_t v)
{
    uint8_t *p = wbuf_reserve(w, 4);

    if (p)
        wbuf_store_u32(p, v);
}

static inline void
wbuf_put_u64(struct wbuf *w, uint64_t v)
{
    wbuf_put_u32(w, (uint32_t)(v >> 32));
    wbuf_put_u32(w, (uint32_t)v);
}
void wbuf_put_bytes(struct wbuf *, const void *, size_t);
void wbuf_put_zeros(struct wbuf *, size_t);
void wbuf_put_pad(struct wbuf *);
void wbuf_put_opaque(struct wbuf *, const void *, uint32_t len);
size_t wbuf_open_len(struct wbuf *);
void wbuf_close_len(struct wbuf *, size_t offset);
void wbuf_patch_u32(struct wbuf *, size_t offset, uint32_t);
void wbuf_patch_u16(struct wbuf *, size_t offset, uint16_t);

/* Drops everything written after 'offset' (and clears a later error). */
static inline void
wbuf_cancel(struct wbuf *w, size_t offset)
{
    w->size = offset;
    w->error = 0;
}

#endif /* SFK_WBUF_H */
