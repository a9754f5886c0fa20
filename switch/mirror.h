/*
 * mirror: port mirroring, as Open vSwitch's Mirror table has it.
 *
 * A mirror selects packets by the port they come in on (select_src_port),
 * the ports they go out of (select_dst_port), or all (select_all), and
 * among those only the VLANs of select_vlan if it is set; a copy of each
 * goes out of output_port, or, with output_vlan instead, out of every
 * other port that trunks that VLAN, tagged with it.  An output port is
 * the mirror's alone: nothing else is forwarded to it and what it
 * receives is dropped.  Removing a port removes it from the selections;
 * a mirror whose output port goes is removed with it.
 *
 * Each port carries a bit per mirror of its bridge in mirror_src and
 * mirror_dst (sw.h), so that the datapath selects with two ORs and one
 * test per packet; every change here sets them again.
 */
#ifndef SFK_MIRROR_H
#define SFK_MIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw.h"

#define MIRROR_NAME_MAX 64

struct mirror {
    char name[MIRROR_NAME_MAX];
    bool select_all;
    struct port *src[BRIDGE_MAX_PORTS];
    size_t n_src;
    struct port *dst[BRIDGE_MAX_PORTS];
    size_t n_dst;
    bool has_vlans;                     /* select_vlan is set. */
    uint64_t vlans[(VLAN_MAX + 64) / 64];
    struct port *out;                   /* output_port, or NULL... */
    uint16_t out_vlan;                  /* ...output_vlan (1-4095) instead. */
};

/*
 * Whether 'br' can take mirror 'm': 0, or EINVAL / ENOSPC with a message
 * in 'err': no name, a port of another bridge, not exactly one of
 * output_port and output_vlan, too many mirrors.
 */
int mirror_check(const struct bridge *br, const struct mirror *m, char *err, size_t errsz);

/*
 * Adds mirror 'm' to 'br', or replaces the one of the same name.  Returns
 * 0, or an errno of mirror_check() or ENOMEM, with a message in 'err'.
 */
int mirror_set(struct bridge *br, const struct mirror *m, char *err, size_t errsz);

/* The index of 'br''s mirror 'name', or -1. */
int mirror_find(const struct bridge *br, const char *name);

/* Removes mirror 'i' of 'br'. */
void mirror_del(struct bridge *br, size_t i);

/* Removes every mirror of 'br'. */
void mirror_clear(struct bridge *br);

/* Forgets 'p', which leaves 'br': out of the selections; a mirror it was the output of goes. */
void mirror_port_gone(struct bridge *br, const struct port *p);

/* Whether 'm' takes packets of VLAN 'vlan' (0: untagged). */
static inline bool
mirror_selects_vlan(const struct mirror *m, uint16_t vlan)
{
    return !m->has_vlans || (m->vlans[vlan >> 6] >> (vlan & 63) & 1);
}

#endif /* SFK_MIRROR_H */
