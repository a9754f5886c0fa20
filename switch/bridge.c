/*
 * bridge: bridge and port lifetime; see bridge.h.
 */
#include "bridge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "mirror.h"
#include "netflow_dp.h"
#include "port.h"
#include "sflow_dp.h"

#define MAC_TABLE_CAPACITY 8192

int
sw_init(struct sw *sw, uint64_t now_ms)
{
    int e;

    memset(sw, 0, sizeof(*sw));
    sw->now_ms = sw->boot_ms = now_ms;
    rng_seed_random(&sw->rng);
    if ((sw->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
        return errno;
    if ((sw->rx = ring_rx_new()) == NULL) {
        e = errno ? errno : ENOMEM;
        close(sw->epfd);
        return e;
    }
    return 0;
}

void
sw_destroy(struct sw *sw)
{
    while (sw->n_br > 0)
        sw_del_bridge(sw, sw->br[sw->n_br - 1]);
    /* The ports' sockets close in parallel (see ring.h); be done before exit. */
    ring_close_wait();
    ring_rx_free(sw->rx);
    close(sw->epfd);
}

struct bridge *
sw_find_bridge(const struct sw *sw, const char *name)
{
    for (size_t i = 0; i < sw->n_br; i++)
        if (strcmp(sw->br[i]->name, name) == 0)
            return sw->br[i];
    return NULL;
}

struct port *
sw_find_port(const struct sw *sw, const char *ifname)
{
    for (size_t i = 0; i < sw->n_br; i++)
        for (size_t j = 0; j < sw->br[i]->n_ports; j++)
            if (strcmp(sw->br[i]->ports[j]->name, ifname) == 0)
                return sw->br[i]->ports[j];
    return NULL;
}

static bool
valid_name(const char *name, size_t max)
{
    size_t n = strlen(name);

    if (n == 0 || n >= max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (name[i] <= ' ' || name[i] == '/' || name[i] == ':' || name[i] == 0x7f)
            return false;
    return true;
}

/* FNV-1a of the name: a stable datapath id, different per bridge. */
static uint64_t
dpid_of(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (; *name; name++) {
        h ^= (uint8_t)*name;
        h *= 0x100000001b3ull;
    }
    return h & 0x0000ffffffffffffull;
}

/* Adds 'br''s port LOCAL (first in its list); false without memory. */
static bool
add_local(struct bridge *br)
{
    struct port *p = calloc(1, sizeof(*p));

    if (p == NULL)
        return false;
    snprintf(p->name, sizeof(p->name), "%s", br->name);
    p->ring.fd = -1;
    p->ofport = SW_OFPORT_LOCAL;
    p->br = br;
    p->local = true;
    vlan_cfg_init(&p->vlan);
    if (port_open(p) != 0)
        p->retry_ms = br->sw->now_ms + 1000;
    br->ports[br->n_ports++] = p;
    br->local = p;
    sfdp_port_added(br, p);     /* A data source as any port, as in Open vSwitch. */
    return true;
}

void
bridge_local_mac(const struct bridge *br, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)(br->dpid >> (40 - 8 * i));
    mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
}

int
sw_add_bridge(struct sw *sw, const char *name, struct bridge **out)
{
    struct bridge *br;

    if (!valid_name(name, BRIDGE_NAME_MAX))
        return EINVAL;
    if (sw_find_bridge(sw, name) != NULL)
        return EEXIST;
    if (sw->n_br == SW_MAX_BRIDGES)
        return ENOSPC;
    br = calloc(1, sizeof(*br));
    if (br == NULL)
        return ENOMEM;
    snprintf(br->name, sizeof(br->name), "%s", name);
    br->sw = sw;
    br->dpid = dpid_of(name);
    if (mac_table_init(&br->mac, MAC_TABLE_CAPACITY, MAC_TABLE_DEFAULT_AGING_S) != 0 ||
        flow_table_init(&br->flows) != 0) {
        mac_table_destroy(&br->mac);
        free(br);
        return ENOMEM;
    }
    sfdp_init(br);
    if (!add_local(br)) {
        mac_table_destroy(&br->mac);
        flow_table_destroy(&br->flows);
        free(br);
        return ENOMEM;
    }
    sw->br[sw->n_br++] = br;
    sw->config_gen++;
    if (out)
        *out = br;
    return 0;
}

void
sw_del_bridge(struct sw *sw, struct bridge *br)
{
    size_t i;

    mirror_clear(br);
    nfdp_clear(br);
    while (br->n_ports > 0)
        bridge_del_port(br, br->ports[br->n_ports - 1]);
    sfdp_clear(br);
    mac_table_destroy(&br->mac);
    flow_table_destroy(&br->flows);
    free(br->other_config);
    free(br->external_ids);
    for (i = 0; i < sw->n_br && sw->br[i] != br; i++)
        continue;
    if (i < sw->n_br) {
        memmove(&sw->br[i], &sw->br[i + 1], (sw->n_br - i - 1) * sizeof(sw->br[0]));
        sw->n_br--;
    }
    free(br);
    sw->config_gen++;
}

int
bridge_add_port(struct bridge *br, const char *ifname, uint16_t ofport,
    const struct vlan_cfg *vlan, bool must_open, char *err, size_t errsz)
{
    struct port *p;
    int e;

    if (!valid_name(ifname, IF_NAMESIZE)) {
        snprintf(err, errsz, "invalid interface name \"%s\"", ifname);
        return EINVAL;
    }
    if ((p = sw_find_port(br->sw, ifname)) != NULL) {
        snprintf(err, errsz, "cannot create a port named %s because a port named %s "
            "already exists on bridge %s", ifname, ifname, p->br->name);
        return EEXIST;
    }
    if (br->n_ports == BRIDGE_MAX_PORTS) {
        snprintf(err, errsz, "bridge %s has %d ports already", br->name, BRIDGE_MAX_PORTS);
        return ENOSPC;
    }
    if (ofport > BRIDGE_MAX_OFPORT) {
        snprintf(err, errsz, "ofport %u out of range 1-%d", ofport, BRIDGE_MAX_OFPORT);
        return EINVAL;
    }
    if (ofport != 0 && br->by_ofport[ofport] != NULL) {
        snprintf(err, errsz, "ofport %u is taken by %s", ofport, br->by_ofport[ofport]->name);
        return EEXIST;
    }
    if (ofport == 0) {
        /* OVS numbers ports 1, 2, 3... in the order they are added. */
        for (ofport = 1; ofport <= BRIDGE_MAX_OFPORT && br->by_ofport[ofport]; ofport++)
            continue;
        if (ofport > BRIDGE_MAX_OFPORT) {
            snprintf(err, errsz, "no free OpenFlow port number");
            return ENOSPC;
        }
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL) {
        snprintf(err, errsz, "out of memory");
        return ENOMEM;
    }
    snprintf(p->name, sizeof(p->name), "%s", ifname);
    p->ring.fd = -1;
    p->ofport = ofport;
    p->br = br;
    p->vlan = *vlan;
    if ((e = port_open(p)) != 0) {
        if (must_open) {
            snprintf(err, errsz, "%s: %s", ifname, p->error);
            free(p);
            return e;
        }
        p->retry_ms = br->sw->now_ms + 1000;
    }
    br->ports[br->n_ports++] = p;
    br->by_ofport[ofport] = p;
    sfdp_port_added(br, p);
    br->sw->config_gen++;
    return 0;
}

void
bridge_del_port(struct bridge *br, struct port *p)
{
    size_t i;

    /* Queued frames point into the ring: send them before it goes. */
    if (p->dirty) {
        struct port **pp;

        port_flush(p);
        for (pp = &br->sw->dirty; *pp; pp = &(*pp)->dirty_next) {
            if (*pp == p) {
                *pp = p->dirty_next;
                break;
            }
        }
    }
    port_close(p);
    if (br->n_mirrors > 0)
        mirror_port_gone(br, p);
    mac_table_flush_port(&br->mac, p->ofport);
    if (p->ofport <= BRIDGE_MAX_OFPORT)
        br->by_ofport[p->ofport] = NULL;
    for (i = 0; i < br->n_ports && br->ports[i] != p; i++)
        continue;
    if (i < br->n_ports) {
        memmove(&br->ports[i], &br->ports[i + 1], (br->n_ports - i - 1) * sizeof(br->ports[0]));
        br->n_ports--;
    }
    br->sw->config_gen++;
    br->sw->ports_freed++;
    free(p->other_config);
    free(p->external_ids);
    free(p->if_other_config);
    free(p->if_external_ids);
    free(p);
}

void
bridge_set_vlan(struct port *p, const struct vlan_cfg *vlan)
{
    p->vlan = *vlan;
    mac_table_flush_port(&p->br->mac, p->ofport);
    p->br->sw->config_gen++;
}

int
bridge_set_ofport(struct port *p, uint16_t ofport, char *err, size_t errsz)
{
    struct bridge *br = p->br;

    if (ofport == 0 || ofport > BRIDGE_MAX_OFPORT) {
        snprintf(err, errsz, "ofport %u out of range 1-%d", ofport, BRIDGE_MAX_OFPORT);
        return EINVAL;
    }
    if (p->local) {
        /* Its number is outside by_ofport[]: nothing there to move. */
        snprintf(err, errsz, "%s is the bridge's local port, always LOCAL (%u)", p->name, SW_OFPORT_LOCAL);
        return EINVAL;
    }
    if (br->by_ofport[ofport] != NULL && br->by_ofport[ofport] != p) {
        snprintf(err, errsz, "ofport %u is taken by %s", ofport, br->by_ofport[ofport]->name);
        return EEXIST;
    }
    if (ofport == p->ofport)
        return 0;
    mac_table_flush_port(&br->mac, p->ofport);
    br->by_ofport[p->ofport] = NULL;
    br->by_ofport[ofport] = p;
    p->ofport = ofport;
    br->sw->config_gen++;
    return 0;
}
