/* json: one datagram as JSON (compact: one line; pretty: indented). */
#ifndef SFK_JSON_H
#define SFK_JSON_H

#include <stdio.h>

#include "dgram_meta.h"
#include "sflow_types.h"

void json_datagram(FILE *, const struct dgram_meta *, const struct sflow_datagram *, int pretty);

#endif /* SFK_JSON_H */
