/* nf_export: NetFlow v5, v9 and IPFIX export (-c/-d, -N, -s, -e, -S, --nf-*). */
#ifndef SFK_NF_EXPORT_H
#define SFK_NF_EXPORT_H

#include <stddef.h>

#include "config.h"
#include "sink.h"

/*
 * Opens the sink as 'cfg' asks.  Returns it, or NULL with a message for the
 * user in 'err'.
 */
struct sink *nf_export_open(const struct config *cfg, char *err, size_t errlen);

#endif /* SFK_NF_EXPORT_H */
