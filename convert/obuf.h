/*
 * obuf: a growing output buffer, in the manner of Open vSwitch's 'struct
 * ds'.  The caller owns it: the renderers append a datagram's text to it
 * (fmt.h's writers format values at obuf_reserve()), and whoever holds it
 * decides when to write it out and empties it (collector/output.c).  It
 * never writes anything itself.
 *
 * A failed allocation makes the buffer drop every later append and sets
 * 'error' (ENOMEM), which stays until obuf_clear().
 */
#ifndef SFK_OBUF_H
#define SFK_OBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

#endif /* SFK_OBUF_H */
