/*
 * rrd: generic interface counters (0:1) into RRD files (--rrd DIR), one
 * per agent and ifIndex: DIR/<agent address>/if<ifIndex>.rrd, step 20 s,
 * data sources in_/out_ octets, ucast, mcast, bcast, discards, errors.
 */
#ifndef SFK_RRD_H
#define SFK_RRD_H

#include <stddef.h>

#include "config.h"
#include "sink.h"

/*
 * Opens the sink as 'cfg' asks.  Returns it, or NULL with a message for the
 * user in 'err'.
 */
struct sink *rrd_sink_open(const struct config *cfg, char *err, size_t errlen);

/*
 * Draws the traffic (bits/s in and out) of interface 'if_index' of 'agent'
 * (an IPv4 or IPv6 address in any text form) from the RRD files under
 * 'dir' into the PNG 'out', over the time the file holds data for.
 * Returns 0, or -1 with a message in 'err'.
 */
int rrd_graph_draw(const char *dir, const char *agent, unsigned int if_index,
    const char *out, char *err, size_t errlen);

#endif /* SFK_RRD_H */
