/*
 * sflow_schema: the layout of every sFlow v5 record this project knows,
 * as data.  The decoder, the encoder and the renderers all walk these
 * tables, so a record type is described once.
 */
#ifndef SFK_SFLOW_SCHEMA_H
#define SFK_SFLOW_SCHEMA_H

#include "sflow_types.h"

/* Returns the schema of flow ('counter' 0) or counter ('counter' 1) record 'tag', or NULL. */
const struct sflow_schema *sflow_schema_find(uint32_t tag, int counter);

/* Index of field 'name' in 'schema', or -1. */
int sflow_schema_field(const struct sflow_schema *schema, const char *name);

/* All schemas, for tests that walk every record type. */
const struct sflow_schema *sflow_schema_all(size_t *n);

/* Bytes a field of 'type' takes on the wire, or 0 if that varies. */
uint32_t sflow_type_size(enum sflow_ftype type);

#endif /* SFK_SFLOW_SCHEMA_H */
