/*
 * ports: the Linux-bridge front end's view of interfaces, through libnl-3
 * (route): bridge members from the link cache, link events from an
 * RTNLGRP_LINK subscription, 64-bit link statistics, the bridge FDB, port
 * PVIDs from the bridge's VLAN settings, and the agent address.
 */
#ifndef SFK_PORTS_H
#define SFK_PORTS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "records.h"
#include "sflow_types.h"

struct ports;

struct port_info {
    int ifindex;
    int bridge;                 /* ifIndex of the bridge it is a port of; 0 if named with -i. */
    char name[IF_NAMESIZE];
    bool up;                    /* Administratively up and operating. */
};

/* Where a bridge sends a frame, from its FDB (see ports_fdb_lookup()). */
enum port_dest {
    PORT_DEST_UNKNOWN,          /* Flooded (no entry, or multicast). */
    PORT_DEST_PORT,             /* Learned on one port. */
    PORT_DEST_LOCAL,            /* The bridge's own address: the packet ends in this host. */
};

/* Opens the netlink sockets and subscribes to link events; 0 or an errno. */
int ports_open(struct ports **pp);
void ports_close(struct ports *p);

/* The event socket's descriptor, to poll for reading. */
int ports_event_fd(const struct ports *p);

/* Reads pending link events; true if any link changed (or events were lost). */
bool ports_events(struct ports *p);

/* Reloads the link cache and the bridge VLAN settings; 0 or an errno. */
int ports_refresh(struct ports *p);

/*
 * Lists the ports to sample: the members of bridges 'bridges' ('nb' names)
 * and the interfaces 'ifaces' ('ni' names) that exist, at most 'cap' into
 * 'out'.  Returns how many.  'missing' (may be NULL) is set to the number of
 * named bridges or interfaces not found.
 */
size_t ports_list(struct ports *p, char *const *bridges, size_t nb,
    char *const *ifaces, size_t ni, struct port_info *out, size_t cap, size_t *missing);

/*
 * Whether 'name' is a bridge in the link cache: 0, ENODEV (no such link) or
 * EMEDIUMTYPE (a link, not a bridge).
 */
int ports_bridge_check(struct ports *p, const char *name);

/* Reads the kernel's received-packets counter of 'ifindex' (one request); 0 or an errno. */
int ports_rx_packets(struct ports *p, int ifindex, uint64_t *rx);

/* Fills the counters of 'ifindex' from a fresh link dump and ethtool; 0 or an errno. */
int ports_counters(struct ports *p, int ifindex, struct records_port *rp);

/* The port's PVID from the bridge's VLAN settings, or 0. */
uint32_t ports_pvid(struct ports *p, int ifindex);

/*
 * Looks up 'mac' in bridge 'bridge''s FDB (refilled at most once a second,
 * at 'now_ms'); sets '*ifindex' for PORT_DEST_PORT.
 */
enum port_dest ports_fdb_lookup(struct ports *p, int bridge, const uint8_t mac[6],
    uint16_t vlan, uint64_t now_ms, int *ifindex);

/*
 * The agent address: the first global address of interface 'ifname', or of
 * any interface if NULL (IPv4 before IPv6, non-loopback before loopback).
 * 0, or ENOENT if there is none.
 */
int ports_agent_address(struct ports *p, const char *ifname, struct sflow_addr *a);

#endif /* SFK_PORTS_H */
