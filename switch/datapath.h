/*
 * datapath: the forwarding loop's work on one received frame: VLAN
 * classification, the flow table (or the learning switch when the table
 * is empty), actions, transmit queues, counters and the sFlow sampler.
 */
#ifndef SFK_DATAPATH_H
#define SFK_DATAPATH_H

#include "sw.h"

/* Forwards every frame waiting in 'in''s ring; returns how many. */
size_t dp_input(struct sw *sw, struct port *in);

/* Sends the frames queued on every port. */
void dp_flush(struct sw *sw);

#endif /* SFK_DATAPATH_H */
