/*
 * bridge: creating and removing bridges and their ports, and finding them
 * by name.  Every change bumps the switch's config_gen, which is what makes
 * main.c write the state file.
 */
#ifndef SFK_BRIDGE_H
#define SFK_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw.h"

/* Sets up an empty switch (its epoll and receive batch); 0 or an errno. */
int sw_init(struct sw *sw, uint64_t now_ms);

/* Removes every bridge and waits for the ports' sockets to be closed. */
void sw_destroy(struct sw *sw);

struct bridge *sw_find_bridge(const struct sw *sw, const char *name);

/* The port on interface 'ifname', in any bridge, or NULL. */
struct port *sw_find_port(const struct sw *sw, const char *ifname);

/*
 * Adds bridge 'name', with its local port (tap.h): OpenFlow port LOCAL on
 * a device of the same name.  A device that cannot be made leaves the
 * port closed, with the reason as its error, and retried every second;
 * the bridge works without it.  Returns 0, EEXIST, EINVAL (bad name), ENOSPC (too
 * many bridges) or ENOMEM.
 */
int sw_add_bridge(struct sw *sw, const char *name, struct bridge **out);

/* Removes 'br' with its ports. */
void sw_del_bridge(struct sw *sw, struct bridge *br);

/*
 * Adds interface 'ifname' to 'br' as OpenFlow port 'ofport' (0: the lowest
 * free number), with VLAN settings 'vlan'.  With 'must_open', a port whose
 * interface cannot be opened is not added (the error says why); without,
 * it is added closed and retried every second (used when restoring the
 * state file, as interfaces may come later).  Returns 0, EEXIST, ENOSPC,
 * EINVAL, or the errno of the failed open, with a message in 'err'.
 */
int bridge_add_port(struct bridge *br, const char *ifname, uint16_t ofport,
    const struct vlan_cfg *vlan, bool must_open, char *err, size_t errsz);

/* Removes 'p' from its bridge, forgetting its MAC addresses, and frees it. */
void bridge_del_port(struct bridge *br, struct port *p);

/*
 * Gives 'p' OpenFlow port number 'ofport' (1..BRIDGE_MAX_OFPORT), forgetting
 * the MAC addresses learned on it.  Returns 0, or EINVAL (a number out of
 * range, or the local port, which is always LOCAL) or EEXIST with a
 * message in 'err'.
 */
int bridge_set_ofport(struct port *p, uint16_t ofport, char *err, size_t errsz);
/* The port of 'br' with OpenFlow number 'ofport' (LOCAL included), or NULL. */
static inline struct port *
bridge_port(const struct bridge *br, uint32_t ofport)
{
    if (ofport <= BRIDGE_MAX_OFPORT)
        return br->by_ofport[ofport];
    return ofport == SW_OFPORT_LOCAL ? br->local : NULL;
}

/*
 * The Ethernet address of 'br''s local port: the datapath id's 48 bits,
 * made unicast and locally administered, so that it stays across restarts.
 */
void bridge_local_mac(const struct bridge *br, uint8_t mac[6]);

/* Changes the VLAN settings of 'p'; forgets the MAC addresses learned on it. */
void bridge_set_vlan(struct port *p, const struct vlan_cfg *vlan);

#endif /* SFK_BRIDGE_H */
