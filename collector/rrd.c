/* rrd: generic interface counters into RRD files (--rrd).  Not implemented yet. */
#include "rrd.h"

#include <stdio.h>

struct sink *
rrd_sink_open(const struct config *cfg, char *err, size_t errlen)
{
    (void)cfg;
    snprintf(err, errlen, "generic interface counters into RRD files (--rrd): not implemented yet");
    return NULL;
}

int
rrd_graph_draw(const char *dir, const char *agent, unsigned int if_index,
    const char *out, char *err, size_t errlen)
{
    (void)dir, (void)agent, (void)if_index, (void)out;
    snprintf(err, errlen, "--graph: not implemented yet");
    return -1;
}
