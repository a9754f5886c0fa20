/*
 * obuf: a growing output buffer, in the manner of Open vSwitch's 'struct
 * ds'.  The caller owns it: the renderers append a datagram's text to it,
 * and whoever holds it decides when to write it out and empties it
 * (collector/output.c).  It never writes anything itself.
 *
 * Text goes in through the typed appends below (a byte, bytes, integers,
 * addresses, a MAC, hex), each built on fmt.h's writer of its type.  The
 * walk (sflow_walk.c), which writes a whole record at once, formats with
 * fmt.h at its own cursor instead: obuf_reserve() room for the most it
 * can write, then obuf_end() where it stopped.
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
obuf_put_char(struct obuf *b, char c)
{
    char *p = obuf_reserve(b, 1);

    if (p != NULL) {
        *p = c;
        b->len++;
    }
}

/* 'v' in decimal. */
static inline void
obuf_put_u64(struct obuf *b, uint64_t v)
{
    char *p = obuf_reserve(b, FMT_U64_MAX);

    if (p != NULL)
        obuf_end(b, fmt_u64(p, v));
}

static inline void
obuf_put_s64(struct obuf *b, int64_t v)
{
    char *p = obuf_reserve(b, FMT_S64_MAX);

    if (p != NULL)
        obuf_end(b, fmt_s64(p, v));
}

/* "%0*x": 'v' in lowercase hex, zero-padded to 'width' (at most 8) digits. */
static inline void
obuf_put_hex_u32(struct obuf *b, uint32_t v, unsigned int width)
{
    char *p = obuf_reserve(b, 8);
    unsigned int digits = v != 0 ? (35 - (unsigned int)__builtin_clz(v)) / 4 : 1;

    if (p == NULL)
        return;
    if (width > 8)
        width = 8;
    if (width > digits) {
        memset(p, '0', width - digits);
        p += width - digits;
    }
    obuf_end(b, fmt_hex_u32(p, v));
}

/* A dotted quad (4 bytes at 'a'). */
static inline void
obuf_put_ipv4(struct obuf *b, const uint8_t *a)
{
    char *p = obuf_reserve(b, FMT_IPV4_MAX);

    if (p != NULL)
        obuf_end(b, fmt_ipv4(p, a));
}

/* 16 bytes at 'a' as sflowtool prints them: 8 groups of 4 digits, no "::". */
static inline void
obuf_put_ipv6(struct obuf *b, const uint8_t *a)
{
    char *p = obuf_reserve(b, FMT_IPV6_MAX);

    if (p != NULL)
        obuf_end(b, fmt_ipv6(p, a));
}

/* A MAC (6 bytes at 'm') as 12 lowercase hex digits. */
static inline void
obuf_put_mac(struct obuf *b, const uint8_t *m)
{
    char *p = obuf_reserve(b, 12);

    if (p != NULL)
        obuf_end(b, fmt_mac(p, m));
}

#endif /* SFK_OBUF_H */
