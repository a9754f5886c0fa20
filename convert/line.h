/* line: sflowtool -l output, one CSV line per sample (FLOW,... / CNTR,...). */
#ifndef SFK_LINE_H
#define SFK_LINE_H

#include "dgram_meta.h"
#include "obuf.h"
#include "sflow_types.h"

void line_datagram(struct obuf *, const struct dgram_meta *, const struct sflow_datagram *);

#endif /* SFK_LINE_H */
