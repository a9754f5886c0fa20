/*
 * fmt: small formatters for hot paths, where snprintf() and inet_ntop()
 * (which calls sprintf) cost more than the work around them.  Each writes
 * into 'buf' without a terminating NUL and returns the end of what it wrote.
 */
#ifndef SFK_FMT_H
#define SFK_FMT_H

#include <stdint.h>

/* One byte in decimal. */
static inline char *
fmt_dec_u8(char *o, unsigned int v)
{
    if (v >= 100) {
        *o++ = (char)('0' + v / 100);
        v %= 100;
        *o++ = (char)('0' + v / 10);
        *o++ = (char)('0' + v % 10);
    } else if (v >= 10) {
        *o++ = (char)('0' + v / 10);
        *o++ = (char)('0' + v % 10);
    } else {
        *o++ = (char)('0' + v);
    }
    return o;
}

/* Dotted quad: at most 15 bytes. */
static inline char *
fmt_ipv4(char *o, const uint8_t *a)
{
    o = fmt_dec_u8(o, a[0]);
    *o++ = '.';
    o = fmt_dec_u8(o, a[1]);
    *o++ = '.';
    o = fmt_dec_u8(o, a[2]);
    *o++ = '.';
    return fmt_dec_u8(o, a[3]);
}

#endif /* SFK_FMT_H */
