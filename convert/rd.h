/*
 * rd: a bounds-checked read cursor over untrusted bytes (XDR, big-endian).
 *
 * Every getter checks that its bytes are there before it reads them.  A short
 * read sets 'error' (sticky), returns 0 and moves nothing, so a caller may read
 * a whole structure and test 'error' once at the end.
 */
#ifndef SFK_RD_H
#define SFK_RD_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd {
    const uint8_t *p;   /* Next unread byte. */
    size_t left;        /* Bytes not yet read. */
    int error;          /* 0, or the first error (EBADMSG); sticky. */
};

/* Big-endian loads of bytes the caller has bounds-checked (rd_bytes()). */
static inline uint16_t
rd_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
rd_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline struct rd
rd_init(const void *p, size_t len)
{
    struct rd r = { (const uint8_t *)p, len, 0 };
    return r;
}

static inline int
rd_need(struct rd *r, size_t n)
{
    if (r->error)
        return 0;
    if (r->left < n) {
        r->error = EBADMSG;
        return 0;
    }
    return 1;
}

static inline uint32_t
rd_u32(struct rd *r)
{
    uint32_t v;

    if (!rd_need(r, 4))
        return 0;
    v = rd_be32(r->p);
    r->p += 4;
    r->left -= 4;
    return v;
}

static inline uint64_t
rd_u64(struct rd *r)
{
    uint64_t hi, lo;

    if (!rd_need(r, 8))
        return 0;
    hi = rd_u32(r);
    lo = rd_u32(r);
    return hi << 32 | lo;
}

static inline uint16_t
rd_u16(struct rd *r)
{
    uint16_t v;

    if (!rd_need(r, 2))
        return 0;
    v = rd_be16(r->p);
    r->p += 2;
    r->left -= 2;
    return v;
}

static inline uint8_t
rd_u8(struct rd *r)
{
    uint8_t v;

    if (!rd_need(r, 1))
        return 0;
    v = r->p[0];
    r->p++;
    r->left--;
    return v;
}

/* Returns a pointer to the next 'n' bytes and skips them, or NULL. */
static inline const uint8_t *
rd_bytes(struct rd *r, size_t n)
{
    const uint8_t *p;

    if (!rd_need(r, n))
        return NULL;
    p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}

static inline void
rd_skip(struct rd *r, size_t n)
{
    (void)rd_bytes(r, n);
}

/*
 * Reads an XDR opaque<> body of 'len' bytes plus its pad to a 4-byte
 * boundary.  'len' is compared before it is rounded, so a length near
 * UINT32_MAX cannot wrap.  Returns the body, or NULL.
 */
static inline const uint8_t *
rd_opaque(struct rd *r, uint32_t len)
{
    const uint8_t *p;
    size_t pad;

    if (!rd_need(r, len))
        return NULL;
    pad = (4 - (len & 3)) & 3;
    p = r->p;
    r->p += len;
    r->left -= len;
    if (pad > r->left)
        pad = r->left;  /* Tolerate a missing pad on the last item. */
    r->p += pad;
    r->left -= pad;
    return p;
}

/* Splits off the next 'len' bytes (and their pad) as a sub-cursor. */
static inline struct rd
rd_sub(struct rd *r, uint32_t len)
{
    struct rd sub = { NULL, 0, 0 };

    sub.p = rd_opaque(r, len);
    if (sub.p == NULL)
        sub.error = EBADMSG;
    else
        sub.left = len;
    return sub;
}

#endif /* SFK_RD_H */
