/* text: sflowtool-compatible text renderers (default, -g grep, -L fields). */
#ifndef SFK_TEXT_H
#define SFK_TEXT_H

#include <stdio.h>

#include "dgram_meta.h"
#include "sflow_types.h"

/* sflowtool's default output: "name value" lines. */
void text_datagram(FILE *, const struct dgram_meta *, const struct sflow_datagram *);

/* -g: every line prefixed with the datagram and sample context, for grep. */
void text_grep_datagram(FILE *, const struct dgram_meta *, const struct sflow_datagram *);

/* -L: one CSV line per sample holding the named fields ('fields' is "a,b,c"). */
struct text_fields;
struct text_fields *text_fields_parse(const char *list);   /* NULL on a bad list. */
void text_fields_free(struct text_fields *);
void text_fields_datagram(FILE *, const struct text_fields *, const struct dgram_meta *,
    const struct sflow_datagram *);

#endif /* SFK_TEXT_H */
