/*
 * num_parse: strict decimal numbers.  strtol() and strtod() skip leading
 * space, stop at the first stray character and read "nan" or "inf"; a
 * value a user typed is taken only when all of it is the number.
 */
#include "num_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A sign only where the range has negative numbers; then a digit, or '.' and one. */
static int
starts_number(const char *s, int negative_ok)
{
    if (*s == '-' && negative_ok)
        s++;
    if (*s == '.')
        s++;
    return isdigit((unsigned char)*s);
}

int
num_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (!starts_number(s, min < 0) || *s == '.')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int
num_parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    double v;

    /* Decimal only: strtod() would also read hexadecimal ("0x1p4"). */
    if (!starts_number(s, min < 0) || s[strspn(s, "0123456789.eE+-")] != '\0')
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v) || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}
