/*
 * fmt: numbers, addresses and bytes as text, written at a pointer.  Each
 * writer returns the end of what it wrote (no NUL); the caller makes room
 * for the most a value can take (FMT_*_MAX), slack byte included.
 * snprintf() and inet_ntop() cost more than the rest of a line around them.
 */
#ifndef SFK_FMT_H
#define SFK_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FMT_U64_MAX 20
#define FMT_S64_MAX 21
#define FMT_IPV4_MAX 16         /* 15 and one byte of slack. */
#define FMT_IPV6_MAX 39
#define FMT_TAG_MAX 21          /* "E:F": 10 + 1 + 10 digits at most. */

/* fmt.c: "00" to "99", and byte 'v' in lowercase hex at [2 * v]. */
extern const char fmt_dec2[200];
extern const char fmt_hex2_lower[256 * 2 + 1];
/* fmt.c: byte 'v' in decimal at [4 * v], dot-padded to four bytes, and its digits at [v]. */
extern const char fmt_dec_u8_dot[256 * 4 + 1];
extern const uint8_t fmt_dec_u8_digits[256];

/* fmt.c: fmt_u64() past two digits. */
char *fmt_u64_long(char *o, uint64_t v);

/* 'v' in decimal.  Most numbers of a datagram have one or two digits. */
static inline char *
fmt_u64(char *o, uint64_t v)
{
    if (v < 10) {
        *o = (char)('0' + v);
        return o + 1;
    }
    if (v < 100) {
        memcpy(o, fmt_dec2 + 2 * v, 2);
        return o + 2;
    }
    return fmt_u64_long(o, v);
}

static inline char *
fmt_s64(char *o, int64_t v)
{
    if (v >= 0)
        return fmt_u64(o, (uint64_t)v);
    *o++ = '-';
    return fmt_u64(o, (uint64_t)0 - (uint64_t)v);
}

/* One byte in decimal; writes four bytes (the slack past the end is a dot). */
static inline char *
fmt_dec_u8(char *o, unsigned int v)
{
    memcpy(o, fmt_dec_u8_dot + 4 * (v & 0xff), 4);
    return o + fmt_dec_u8_digits[v & 0xff];
}

/* Dotted quad: each byte's table entry brings its dot, kept by stepping over it. */
static inline char *
fmt_ipv4(char *o, const uint8_t *a)
{
    o = fmt_dec_u8(o, a[0]) + 1;
    o = fmt_dec_u8(o, a[1]) + 1;
    o = fmt_dec_u8(o, a[2]) + 1;
    return fmt_dec_u8(o, a[3]);
}

/* 'n' bytes in lowercase hex, no separator (a MAC is 12 digits). */
static inline char *
fmt_hex_lower(char *o, const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++, o += 2)
        memcpy(o, fmt_hex2_lower + 2 * p[i], 2);
    return o;
}

/* A MAC: 12 digits. */
static inline char *
fmt_mac(char *o, const uint8_t *m)
{
    memcpy(o, fmt_hex2_lower + 2 * m[0], 2);
    memcpy(o + 2, fmt_hex2_lower + 2 * m[1], 2);
    memcpy(o + 4, fmt_hex2_lower + 2 * m[2], 2);
    memcpy(o + 6, fmt_hex2_lower + 2 * m[3], 2);
    memcpy(o + 8, fmt_hex2_lower + 2 * m[4], 2);
    memcpy(o + 10, fmt_hex2_lower + 2 * m[5], 2);
    return o + 12;
}

/* IPv6 as sflowtool prints it: 8 groups of 4 digits, no "::". */
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

/* fmt.c: "%x" (at most 8 bytes), and "E:F" of an sFlow tag. */
char *fmt_hex_u32(char *o, uint32_t v);
char *fmt_tag(char *o, uint32_t tag);

/*
 * fmt.c: a sampled header as uppercase hex joined by dashes ("AE-18-B0":
 * 3n - 1 bytes, and one of slack): fmt_simd's vector loop for the bulk
 * where the CPU has one, fmt_hex_dash_scalar()'s for the rest.
 */
char *fmt_hex_dash(char *o, const uint8_t *p, size_t n);
char *fmt_hex_dash_scalar(char *o, const uint8_t *p, size_t n);

/* fmt_simd.c: writes the dashed hex of the first bytes of 'p' it can take
 * (16 at a time), each with its dash; returns how many (0 without SSSE3). */
size_t fmt_simd_hex_dash(char *o, const uint8_t *p, size_t n);

#endif /* SFK_FMT_H */
