/*
 * fmt: small formatters for hot paths, where snprintf() and inet_ntop()
 * (which calls sprintf) cost more than the work around them.  Each writes
 * into 'buf' without a terminating NUL and returns the end of what it wrote;
 * some write a byte of slack past that end, as they say.
 */
#ifndef SFK_FMT_H
#define SFK_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* fmt.c: byte 'v' in decimal at [4 * v], padded with dots to four bytes. */
extern const char fmt_dec_u8_dot[256 * 4 + 1];

/* Digits of byte 'v': no branch, as addresses' bytes are random to a predictor. */
static inline unsigned int
fmt_dec_u8_len(unsigned int v)
{
    return 1u + (v >= 10) + (v >= 100);
}

/* One byte in decimal; writes up to four bytes (one of slack past the end). */
static inline char *
fmt_dec_u8(char *o, unsigned int v)
{
    memcpy(o, fmt_dec_u8_dot + 4 * (v & 0xff), 4);
    return o + fmt_dec_u8_len(v & 0xff);
}

/*
 * Dotted quad: at most 15 bytes, and one byte of slack past the end.  Each
 * byte's table entry brings its own dot.
 */
static inline char *
fmt_ipv4(char *o, const uint8_t *a)
{
    memcpy(o, fmt_dec_u8_dot + 4 * a[0], 4);
    o += fmt_dec_u8_len(a[0]) + 1;
    memcpy(o, fmt_dec_u8_dot + 4 * a[1], 4);
    o += fmt_dec_u8_len(a[1]) + 1;
    memcpy(o, fmt_dec_u8_dot + 4 * a[2], 4);
    o += fmt_dec_u8_len(a[2]) + 1;
    return fmt_dec_u8(o, a[3]);
}

/*
 * 'n' bytes in uppercase hex joined by dashes ("AE-18-B0"), as sflowtool
 * prints a sampled header: 3n - 1 bytes, and one of slack past the end.
 */
char *fmt_hex_dash(char *o, const uint8_t *p, size_t n);

#endif /* SFK_FMT_H */
