/* line: sflowtool -l output, one CSV line per sample (FLOW,... / CNTR,...). */
#ifndef SFK_LINE_H
#define SFK_LINE_H

#include <stdio.h>

#include "dgram_meta.h"
#include "sflow_types.h"

void line_datagram(FILE *, const struct dgram_meta *, const struct sflow_datagram *);

#endif /* SFK_LINE_H */
