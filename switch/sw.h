/*
 * sw: the objects of one sflow-switch process: the switch (a set of
 * bridges), each bridge (ports, MAC table, flow table, sFlow settings),
 * each port (an AF_PACKET ring on an interface, VLAN settings, counters,
 * sampler and counter poller).
 *
 * Everything runs in one thread: the forwarding loop, the control socket
 * and the timers, so nothing here is locked.  (ring.c's closer threads
 * only ever close() descriptors handed to them.)
 */
#ifndef SFK_SW_H
#define SFK_SW_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "datagram.h"
#include "flow_table.h"
#include "kvmap.h"
#include "mac_table.h"
#include "poller.h"
#include "ring.h"
#include "rng.h"
#include "sampler.h"
#include "sender.h"
#include "vlan.h"

#define SW_MAX_BRIDGES 256
#define BRIDGE_MAX_PORTS 256
#define BRIDGE_MAX_OFPORT 1023          /* OpenFlow port numbers 1..this. */
#define BRIDGE_NAME_MAX 16              /* Same limit as an interface name. */
#define SW_SFLOW_MAX_TARGETS 8
#define SW_SFLOW_AGENT_MAX 64
#define SW_OFPORT_LOCAL FLOW_PORT_LOCAL /* OpenFlow's LOCAL: the bridge's own device (tap.h). */
#define SW_MAX_MIRRORS 32               /* Per bridge: a bit each in a port's masks. */

struct port_stats {
    uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
    uint64_t rx_ucast, rx_mcast, rx_bcast;
    uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
    uint64_t tx_ucast, tx_mcast, tx_bcast;
};

enum cast { CAST_UCAST, CAST_MCAST, CAST_BCAST };

struct bridge;

/*
 * What an epoll event of the switch's loop points to: the first member of
 * a port or of a control connection, or the listening socket's.
 */
enum sw_ev_kind { SW_EV_PORT, SW_EV_CTL, SW_EV_LISTEN };
struct sw_ev {
    enum sw_ev_kind kind;
};

struct port {
    struct sw_ev ev;            /* Registered with the switch's epoll while open. */
    char name[IF_NAMESIZE];
    int ifindex;                /* 0 while the interface is missing. */
    uint16_t ofport;
    struct bridge *br;
    struct vlan_cfg vlan;
    struct ring ring;           /* ring.fd < 0 while not open. */
    char error[128];            /* Why it is not open. */
    uint64_t retry_ms;          /* When to try opening it again. */

    struct ring_tx tx;
    uint32_t tx_bytes[RING_TX_BATCH];   /* Per queued message, for the counters. */
    uint16_t tx_segs[RING_TX_BATCH];
    uint8_t tx_cast[RING_TX_BATCH];
    struct port *dirty_next;    /* On the switch's list of ports with queued frames. */
    bool dirty;

    struct port_stats st;
    uint64_t ring_drops;        /* Frames the kernel dropped for lack of socket buffer. */
    uint64_t drops_read_ms;     /* When port_read_drops() last ran for a flow sample. */
    struct sampler smp;
    struct poller_src poll;

    /* Settings of the database and mod-port (none on the forwarding path). */
    bool down;                  /* mod-port down: its interface is kept down. */
    uint16_t ofport_request;    /* The number asked for (Interface ofport_request); 0 = none. */
    struct kvmap *other_config, *external_ids;  /* Port columns, kept for the user; NULL: empty. */
    struct kvmap *if_other_config, *if_external_ids;    /* Its Interface's. */
    bool local;                 /* The bridge-local port (tap.h), OpenFlow port LOCAL. */
    bool local_up;              /* Its device is up; while down, nothing goes to it. */
    /* Mirrors (mirror.h): bits of the bridge's mirrors that select its traffic. */
    uint32_t mirror_src, mirror_dst;
    bool mirror_out;            /* Some mirror's output_port: it forwards nothing else. */
};

struct sw_sflow {
    bool on;
    uint32_t sampling, polling, header;
    char agent[SW_SFLOW_AGENT_MAX];     /* Interface name or address; "" = any. */
    char targets[SW_SFLOW_MAX_TARGETS][SENDER_NAME_MAX];
    size_t n_targets;
    struct dgram *dg;
    struct sender snd;
    struct sflow_addr agent_addr;
};

struct mirror;
struct nfdp;

struct bridge {
    char name[BRIDGE_NAME_MAX];
    struct port *ports[BRIDGE_MAX_PORTS];       /* In the order they were added. */
    size_t n_ports;
    struct port *by_ofport[BRIDGE_MAX_OFPORT + 1];
    struct mac_table mac;
    struct flow_table flows;
    struct sw_sflow sf;
    uint64_t dpid;              /* OpenFlow datapath id (from the name). */
    struct kvmap *other_config, *external_ids;  /* Bridge columns, kept for the user; NULL: empty. */
    struct sw *sw;
    struct port *local;         /* Port LOCAL (also in 'ports'), never NULL. */
    struct mirror *mirrors[SW_MAX_MIRRORS];     /* mirror.h */
    size_t n_mirrors;
    uint32_t mirror_all;        /* Bits of the mirrors with select_all. */
    struct nfdp *nf;            /* NetFlow (netflow_dp.h), or NULL when off. */
};

struct sw {
    struct bridge *br[SW_MAX_BRIDGES];
    size_t n_br;
    uint64_t now_ms;            /* CLOCK_MONOTONIC, refreshed by the loop. */
    uint64_t boot_ms;
    struct rng rng;
    uint32_t config_gen;        /* Bumped on every configuration change. */
    uint64_t ports_freed;       /* Bumped whenever a port is freed. */
    struct port *dirty;         /* Ports with frames queued for transmit. */
    struct ring_rx *rx;         /* The receive batch all ports share. */
    int epfd;                   /* The loop's epoll: ports and control connections. */
    uint8_t hdr[256 + 4];       /* A sampled frame's header as it arrived (sfdp_keep_header())... */
    uint32_t hdr_len;           /* ...its bytes, 0 for none... */
    uint32_t hdr_frame_len;     /* ...and the length of the wire packet it starts. */
};

#endif /* SFK_SW_H */
