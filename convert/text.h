/* text: sflowtool-compatible text renderers (default, -g grep, -L fields). */
#ifndef SFK_TEXT_H
#define SFK_TEXT_H

#include "dgram_meta.h"
#include "obuf.h"
#include "sflow_types.h"
#include "sflow_walk.h"

/* sflowtool's default output: "name value" lines. */
void text_datagram(struct obuf *, const struct sflow_enrich *, const struct dgram_meta *,
    const struct sflow_datagram *);

/* -g: every line prefixed with the datagram and sample context, for grep. */
void text_grep_datagram(struct obuf *, const struct sflow_enrich *, const struct dgram_meta *,
    const struct sflow_datagram *);

/* -L: one CSV line per sample holding the named fields ('list' is "a,b,c"). */
struct text_fields *text_fields_parse(const char *list);   /* NULL on a bad list. */
void text_fields_free(struct text_fields *);
void text_fields_datagram(struct obuf *, struct text_fields *, const struct sflow_enrich *,
    const struct dgram_meta *, const struct sflow_datagram *);

/*
 * For sflow_walk.c: the walk hands -L every member it finds (the key as
 * text shows it, and the value), and says where datagrams and samples
 * begin and where a sample ends ('print' 0 for one that failed).
 */
void text_fields_begin_datagram(struct text_fields *);
/* The union of text_fields_bit() of the picked keys: a key outside it is not picked. */
uint64_t text_fields_keys(const struct text_fields *);

static inline uint64_t
text_fields_bit(const char *key, size_t klen)
{
    return (uint64_t)1 << ((klen * 7 + (klen > 0 ? (unsigned char)key[0] : 0)) & 63);
}

void text_fields_begin_sample(struct text_fields *);
void text_fields_take(struct text_fields *, const char *key, size_t klen, const char *val,
    size_t len, int in_sample);
void text_fields_end_sample(struct text_fields *, struct obuf *, int print);

#endif /* SFK_TEXT_H */
