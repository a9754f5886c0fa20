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
void wbuf_put_u8(struct wbuf *, uint8_t);
void wbuf_put_u16(struct wbuf *, uint16_t);
void wbuf_put_u32(struct wbuf *, uint32_t);
void wbuf_put_u64(struct wbuf *, uint64_t);
void wbuf_put_bytes(struct wbuf *, const void *, size_t);
void wbuf_put_zeros(struct wbuf *, size_t);
void wbuf_put_pad(struct wbuf *);
void wbuf_put_opaque(struct wbuf *, const void *, uint32_t len);
size_t wbuf_open_len(struct wbuf *);
void wbuf_close_len(struct wbuf *, size_t offset);
void wbuf_patch_u32(struct wbuf *, size_t offset, uint32_t);

/* Drops everything written after 'offset' (and clears a later error). */
static inline void
wbuf_cancel(struct wbuf *w, size_t offset)
{
    w->size = offset;
    w->error = 0;
}

#endif /* SFK_WBUF_H */
