/*
 * json: a datagram as JSON, a format of sflow_walk.  The shape is
 * sflowtool -J's, so the JSON carries exactly what the text output carries
 * (one walk writes both):
 *
 *   { header members...,
 *     "samples":[ { sample members...,
 *                   "elements":[ { element members...,
 *                                  "adaptor_list":[ { ..., "mac_list":[ "..", .. ] } ] } ] } ],
 *     "error":{...} }
 *
 * Numbers are JSON numbers (JSON_STRINGS quotes them, as sflowtool does),
 * strings are escaped to valid JSON whatever their bytes, and a datagram
 * decoded only in part still closes every bracket and ends with "error":
 * docs/compat.md lists these differences from sflowtool.  -j prints a
 * datagram per line; -J indents as sflowtool does, a blank line after each.
 */
#include "json.h"

#include <stdint.h>

#include "fmt.h"

static const struct walk_format json_formats[4] = {
    { .syntax = WALK_JSON },
    { .syntax = WALK_JSON, .pretty = 1 },
    { .syntax = WALK_JSON, .quote_numbers = 1 },
    { .syntax = WALK_JSON, .pretty = 1, .quote_numbers = 1 },
};

void
json_datagram(struct obuf *out, const struct sflow_enrich *enrich,
    const struct dgram_meta *meta, const struct sflow_datagram *dg, int flags)
{
    sflow_walk(out, &json_formats[flags & (JSON_PRETTY | JSON_STRINGS)], NULL, enrich,
        meta, dg);
}

/*
 * Length of the well-formed UTF-8 sequence at 's' (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if there is none.
 */
static size_t
utf8_len(const uint8_t *s, size_t left)
{
    uint8_t c = s[0], lo = 0x80, hi = 0xbf;
    size_t n, i;

    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;          /* Overlong. */
        else if (c == 0xed)
            hi = 0x9f;          /* Surrogates. */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;          /* Overlong. */
        else if (c == 0xf4)
            hi = 0x8f;          /* Above U+10FFFF. */
    } else {
        return 0;
    }
    if (left < n || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

char *
json_put_string(char *o, const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s, *end = p + len;
    size_t n;
    uint8_t c;

    *o++ = '"';
    while (p < end) {
        c = *p;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            *o++ = (char)c;
            p++;
        } else if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
            p++;
        } else if (c >= 0x80 && (n = utf8_len(p, (size_t)(end - p))) != 0) {
            memcpy(o, p, n);
            o += n;
            p += n;
        } else {
            /* A control character, or a byte outside valid UTF-8. */
            memcpy(o, "\\u00", 4);
            o = fmt_hex_lower(o + 4, p++, 1);
        }
    }
    *o++ = '"';
    return o;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
int
json_is_number(const char *s, size_t len)
{
    const char *end = s + len;

    if (s < end && *s == '-')
        s++;
    if (s == end)
        return 0;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (s < end && *s >= '0' && *s <= '9')
            s++;
    else
        return 0;
    if (s < end && *s == '.') {
        if (++s == end || *s < '0' || *s > '9')
            return 0;
        while (s < end && *s >= '0' && *s <= '9')
            s++;
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < end && (*s == '+' || *s == '-'))
            s++;
        if (s == end || *s < '0' || *s > '9')
            return 0;
        while (s < end && *s >= '0' && *s <= '9')
            s++;
    }
    return s == end;
}

int
json_is_utf8(const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s, *end = p + len;
    size_t n;

    while (p < end) {
        if (*p < 0x80)
            p++;
        else if ((n = utf8_len(p, (size_t)(end - p))) != 0)
            p += n;
        else
            return 0;
    }
    return 1;
}
