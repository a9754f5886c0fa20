/* obuf: the growing part of obuf.h. */
#include "obuf.h"

#include <errno.h>
#include <stdlib.h>

/* A datagram's text is a few KiB: most buffers never grow past the first size. */
#define OBUF_FIRST (64 * 1024)

/*
 * After a failure the buffer says it is full ('cap' may understate what
 * is allocated, never overstate it), so that obuf_reserve()'s inline test
 * sends every later append here, to be dropped until obuf_clear().
 */
static char *
obuf_fail(struct obuf *b)
{
    b->error = ENOMEM;
    b->cap = b->len;
    return NULL;
}

char *
obuf_grow(struct obuf *b, size_t n)
{
    size_t cap = b->cap > 0 ? b->cap : OBUF_FIRST;
    char *buf;

    if (b->error)
        return NULL;
    while (cap - b->len < n) {
        if (cap > SIZE_MAX / 2)
            return obuf_fail(b);
        cap *= 2;
    }
    if (cap != b->cap) {
        if ((buf = realloc(b->buf, cap)) == NULL)
            return obuf_fail(b);
        b->buf = buf;
        b->cap = cap;
    }
    return b->buf + b->len;
}

void
obuf_clear(struct obuf *b)
{
    b->len = 0;
    b->error = 0;
}

void
obuf_free(struct obuf *b)
{
    free(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
    b->error = 0;
}
