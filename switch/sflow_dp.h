/*
 * sflow_dp: sFlow in the forwarding loop, through the agent core
 * (agent/sampler, poller, datagram, sender, records).
 *
 * Each bridge is one sFlow agent stream (its own datagram sequence, agent
 * address and collectors); each port is a data source (ifIndex) with its
 * own sampler and counter poller.  The datapath calls sampler_take() on
 * the ingress port once per packet after the forwarding decision (once per
 * segment for a GSO super-frame, so sample_pool counts wire packets) and
 * sfdp_sample() when it says yes.  Frames the kernel dropped on a port's
 * socket before the loop read them join the pool, the flow samples' drops
 * and the port's ifInDiscards through port_read_drops().
 */
#ifndef SFK_SFLOW_DP_H
#define SFK_SFLOW_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw.h"

#define SFDP_DEFAULT_SAMPLING 64
#define SFDP_DEFAULT_POLLING 20
#define SFDP_DEFAULT_HEADER 128
#define SFDP_MAX_HEADER 256

/* Fills 'cfg' with the settings sFlow gets where none is given (off, no target). */
void sfdp_defaults(struct sw_sflow *cfg);

/* Sets up 'br''s sFlow state, off. */
void sfdp_init(struct bridge *br);

/*
 * Applies settings 'cfg' (on, sampling, polling, header, agent, targets;
 * the other members are ignored) to 'br'.  Returns 0, or an errno with a
 * message in 'err' (the old settings then stay).
 */
int sfdp_configure(struct bridge *br, const struct sw_sflow *cfg, char *err, size_t errsz);

/* Turns sFlow off on 'br' (sending what is pending). */
void sfdp_clear(struct bridge *br);

/* Starts the sampler and poller of a port just added to 'br'. */
void sfdp_port_added(struct bridge *br, struct port *p);

/* Where a sampled packet went. */
struct sfdp_out {
    uint32_t format;            /* SFLOW_IF_INDEX, _DISCARD or _MULTIPLE. */
    uint32_t value;             /* ifIndex, reason, or number of ports. */
    uint16_t in_vlan, out_vlan;
    uint8_t in_prio, out_prio;
};

/*
 * Keeps in 'sw' the header of frame 'f' received on 'in' as it arrived,
 * before rules rewrite it (Open vSwitch samples a packet as it came in),
 * for the samples sfdp_sample() sends of it; 'seg_len' is the length of
 * one wire packet, for a GSO super-frame.
 */
void sfdp_keep_header(struct sw *sw, const struct port *in, const struct ring_frame *f,
    uint32_t seg_len);

/* Sends a flow sample, received on 'in', of the frame whose header 'sw' keeps. */
void sfdp_sample(struct sw *sw, struct port *in, const struct sfdp_out *out);

/* Counter samples that are due, and datagrams older than a second. */
void sfdp_tick(struct sw *sw, struct bridge *br);

#endif /* SFK_SFLOW_DP_H */
