/*
 * vlan_filter: keeps or drops flow samples by VLAN (-V LIST keeps, -v LIST
 * drops), as sflowtool's filters do: the first list decides the default
 * (a -V list starts from "drop all", a -v list from "keep all"), later
 * lists change it, in order.  A LIST is "N", "N-M" or several of them
 * joined by commas; VLAN 0 is an untagged packet.
 *
 * A flow sample's VLAN is the in_vlan of its extended switch record
 * (0:1001), else the outer 802.1Q tag of its sampled header, else 0.
 * Other samples always pass.  Filtering removes the dropped samples from
 * the decoded datagram the sinks see; forwarding (-f) still gets the
 * datagram's bytes unchanged.
 */
#ifndef SFK_VLAN_FILTER_H
#define SFK_VLAN_FILTER_H

#include <stdint.h>

#include "sflow_types.h"

#define VLAN_FILTER_MAX 4095

struct vlan_filter {
    int active;
    uint8_t keep[VLAN_FILTER_MAX + 1];
    uint64_t dropped;           /* Flow samples removed. */
};

/* Adds 'list' as keep ('keep' 1, -V) or drop (-v).  Returns 0, or EINVAL. */
int vlan_filter_add(struct vlan_filter *, const char *list, int keep);

/* Removes the flow samples of 'dg' that the filter drops. */
void vlan_filter_apply(struct vlan_filter *, struct sflow_datagram *dg);

#endif /* SFK_VLAN_FILTER_H */
