/*
 * sflow_walk: a decoded datagram as text, in sflowtool's order and with
 * sflowtool's names, in one of the formats described below.  The default
 * text, -g, -L and JSON outputs are one walk each, so they cannot disagree
 * on what a datagram contains; what differs between them is data: a
 * struct walk_format (text.c, json.c) saying how keys, values, lines and
 * brackets are written.
 *
 * What the walk writes, as a grammar of what it finds:
 *
 *   datagram := header-member* sample* [error]
 *   sample   := member* enrichment* element*
 *   element  := tag-member (member | note | list)*
 *   list     := (item | scalar)*           item := (member | list)*
 *
 * - Text (sflowtool's default output): a "key value" line per member,
 *   between startDatagram/endDatagram and startSample/endSample lines
 *   (no endSample after a sample whose decoding failed); notes are lines
 *   of their own ("skipping unknown counters_sample_element: 4300:2
 *   len=20"); lists are flattened with indices (adaptor_0_MAC_1).
 * - -g: the same lines, each after its context (text.c).  -L: no line of
 *   its own; text.c prints the picked members of each sample as a line.
 * - JSON: objects and arrays in sflowtool -J's shape (json.c); notes are
 *   left out; a datagram whose decoding failed gets a last member "error".
 *
 * Keys inside a discarded-packet sample's elements (0:5) take the prefix
 * "discarded_", as sflowtool names them.  Deliberate differences from
 * sflowtool are in docs/compat.md.
 */
#ifndef SFK_SFLOW_WALK_H
#define SFK_SFLOW_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "dgram_meta.h"
#include "obuf.h"
#include "sflow_types.h"

enum sflow_walk_kind {
    SFLOW_WALK_NUM,             /* Unquoted in JSON (if a valid number). */
    SFLOW_WALK_STR,             /* Quoted and escaped in JSON. */
};

/*
 * Enrichment (GeoIP, ASN): for every flow sample (0:1, 0:3) that carries
 * an IP packet (the sampled header's outer packet, else a 0:3/0:4
 * record), the walk calls 'fn' with the packet's addresses ('ipv6' 0: 4
 * bytes each, else 16); 'fn' calls 'emit' with 'emit_arg' for each member
 * it adds, which the walk writes after the sample's own members.
 */
typedef void (*sflow_walk_emit_fn)(void *emit_arg, const char *key, const char *val,
    size_t len, enum sflow_walk_kind kind);
struct sflow_enrich {
    void (*fn)(void *arg, int ipv6, const uint8_t *src, const uint8_t *dst,
        sflow_walk_emit_fn emit, void *emit_arg);
    void *arg;
};

enum walk_syntax {
    WALK_TEXT,                  /* "key value" lines. */
    WALK_JSON,                  /* Nested objects and arrays. */
};

struct text_fields;

/* A line of text of its own, and its length (0: none): WALK_LINE("..."). */
struct walk_line {
    char text[48];
    size_t len;
};
#define WALK_LINE(s) { "" s, sizeof(s) - 1 }

/* How a format writes what the walk finds. */
struct walk_format {
    enum walk_syntax syntax;
    /* Text: the lines around datagrams and samples, if any. */
    struct walk_line start_datagram, end_datagram, start_sample, end_sample;
    int notes;                  /* Text: write notes. */
    int context;                /* Text: every line after its context (-g). */
    int pretty;                 /* JSON: indented as sflowtool -J. */
    int quote_numbers;          /* JSON: numbers as strings (--json-strings). */
};

/*
 * Appends datagram 'dg', received as 'meta' says, to 'out' in format
 * 'fmt'.  With 'fields' (-L, text syntax) nothing is appended but the
 * lines text_fields makes of the picked members.  'enrich' may be NULL.
 * Whatever 'dg->err' says, every decoded part is written.
 */
void sflow_walk(struct obuf *out, const struct walk_format *fmt, struct text_fields *fields,
    const struct sflow_enrich *enrich, const struct dgram_meta *meta,
    const struct sflow_datagram *dg);

/*
 * sflowtool's timestamp format (ISO 8601, local time of the environment's
 * TZ, "%Y-%m-%dT%H:%M:%S%z") of 'sec' into 'buf' of 'size' bytes.  Returns
 * the length written (0 if it does not fit).  Caches the last conversion.
 */
size_t sflow_walk_time(char *buf, size_t size, long long sec);

#endif /* SFK_SFLOW_WALK_H */
