/*
 * obuf: a growing output buffer with typed appends, in the manner of Open
 * vSwitch's 'struct ds'.  The caller owns it: the renderers append a
 * datagram's text to it, and whoever holds it decides when to write it out
 * and empties it (collector/output.c).  It never writes anything itself.
 *
 * A failed allocation makes the buffer drop every later append and sets
 * 'error' (ENOMEM), which stays until obuf_clear().
 */
#ifndef SFK_OBUF_H
#define SFK_OBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fmt.h"

struct obuf {
    char *buf;
    size_t len;                 /* Bytes in use. */
    size_t cap;                 /* Bytes allocated. */
    int error;                  /* 0, or ENOMEM: appends are being dropped. */
};

#define OBUF_INITIALIZER { NULL, 0, 0, 0 }

void obuf_free(struct obuf *);
/* Empties the buffer (and forgets an error); keeps its memory. */
void obuf_clear(struct obuf *);
/* Out of line: makes room for 'n' more bytes; NULL after a failure. */
char *obuf_grow(struct obuf *, size_t n);

/*
 * Where 'n' bytes may be written past the end, or NULL: a writer fills
 * them and sets the new end with obuf_end().  What it does not end with
 * obuf_end() is not part of the buffer.
 */
static inline char *
obuf_reserve(struct obuf *b, size_t n)
{
    if (b->cap - b->len >= n)
        return b->buf + b->len;
    return obuf_grow(b, n);
}

static inline void
obuf_end(struct obuf *b, char *end)
{
    b->len = (size_t)(end - b->buf);
}

static inline void
obuf_put(struct obuf *b, const void *s, size_t n)
{
    char *p = obuf_reserve(b, n);

    if (p != NULL && n > 0) {
        memcpy(p, s, n);
        b->len += n;
    }
}

static inline void
obuf_putc(struct obuf *b, char c)
{
    char *p = obuf_reserve(b, 1);

    if (p != NULL) {
        *p = c;
        b->len++;
    }
}

static inline void
obuf_u64(struct obuf *b, uint64_t v)
{
    char *p = obuf_reserve(b, FMT_U64_MAX);

    if (p != NULL)
        obuf_end(b, fmt_u64(p, v));
}

static inline void
obuf_s64(struct obuf *b, int64_t v)
{
    char *p = obuf_reserve(b, FMT_S64_MAX);

    if (p != NULL)
        obuf_end(b, fmt_s64(p, v));
}

static inline void
obuf_ipv4(struct obuf *b, const uint8_t *a)
{
    char *p = obuf_reserve(b, FMT_IPV4_MAX);

    if (p != NULL)
        obuf_end(b, fmt_ipv4(p, a));
}

static inline void
obuf_ipv6(struct obuf *b, const uint8_t *a)
{
    char *p = obuf_reserve(b, FMT_IPV6_MAX);

    if (p != NULL)
        obuf_end(b, fmt_ipv6(p, a));
}

/* 'n' bytes in lowercase hex, no separator: a MAC is obuf_hex(b, mac, 6). */
static inline void
obuf_hex(struct obuf *b, const uint8_t *s, size_t n)
{
    char *p = obuf_reserve(b, 2 * n);

    if (p != NULL)
        obuf_end(b, fmt_hex_lower(p, s, n));
}

#endif /* SFK_OBUF_H */
