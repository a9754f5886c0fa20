/* nf_export: NetFlow v5 export (-c/-d, -s, --nf-aggregate).  Not implemented yet. */
#include "nf_export.h"

#include <stdio.h>

struct sink *
nf_export_open(const struct config *cfg, char *err, size_t errlen)
{
    (void)cfg;
    snprintf(err, errlen, "NetFlow v5 export (-c/-d, -s, --nf-aggregate): not implemented yet");
    return NULL;
}
