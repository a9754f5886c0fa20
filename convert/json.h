/* json: one datagram as JSON (compact: one line; pretty: indented). */
#ifndef SFK_JSON_H
#define SFK_JSON_H

#include <stddef.h>

#include "dgram_meta.h"
#include "obuf.h"
#include "sflow_types.h"
#include "sflow_walk.h"

#define JSON_PRETTY 1           /* Indented as sflowtool -J, a blank line after each. */
#define JSON_STRINGS 2          /* Numbers as strings, as sflowtool prints them. */

void json_datagram(struct obuf *, const struct sflow_enrich *, const struct dgram_meta *,
    const struct sflow_datagram *, int flags);

/*
 * 's' ('len' bytes, any content) as a JSON string, quotes included, at
 * 'o', which has room for len * 6 + 2 bytes; returns the end.
 */
char *json_put_string(char *o, const char *s, size_t len);

/* Whether 's' is a JSON number (RFC 8259 section 6). */
int json_is_number(const char *s, size_t len);

/* Whether 's' ('len' bytes) is well-formed UTF-8 (RFC 3629), as a JSON text's strings must be. */
int json_is_utf8(const char *s, size_t len);

#endif /* SFK_JSON_H */
