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

/* fmt.c: byte 'v' in decimal at [4 * v], padded with dots to four bytes... */
extern const char fmt_dec_u8_dot[256 * 4 + 1];
/* ...and its number of digits at [v]. */
extern const uint8_t fmt_dec_u8_digits[256];

/* Digits of byte 'v': no branch, as addresses' bytes are random to a predictor. */
static inline unsigned int
fmt_dec_u8_len(unsigned int v)
{
    return fmt_dec_u8_digits[v];
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
 * byte's table entry brings its own dot, kept by stepping over it.
 */
static inline char *
fmt_ipv4(char *o, const uint8_t *a)
{
    o = fmt_dec_u8(o, a[0]) + 1;
    o = fmt_dec_u8(o, a[1]) + 1;
    o = fmt_dec_u8(o, a[2]) + 1;
    return fmt_dec_u8(o, a[3]);
}

/* fmt.c: byte 'v' in lowercase hex at [2 * v]. */
extern const char fmt_hex2_lower[256 * 2 + 1];

/* 'n' bytes in lowercase hex, no separator (MACs: 12 bytes). */
static inline char *
fmt_hex_lower(char *o, const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++, o += 2)
        memcpy(o, fmt_hex2_lower + 2 * p[i], 2);
    return o;
}

/* IPv6 as sflowtool prints it: 8 groups of 4 digits, no "::" (39 bytes). */
static inline char *
fmt_ipv6(char *o, const uint8_t *a)
{
    int i;

    for (i = 0; i < 16; i += 2) {
        if (i > 0)
            *o++ = ':';
        o = fmt_hex_lower(o, a + i, 2);
    }
    return o;
}

/*
 * 'n' bytes in uppercase hex joined by dashes ("AE-18-B0"), as sflowtool
 * prints a sampled header: 3n - 1 bytes, and one of slack past the end.
 */
char *fmt_hex_dash(char *o, const uint8_t *p, size_t n);

#endif /* SFK_FMT_H */
