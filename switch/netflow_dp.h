/*
 * netflow_dp: a bridge's own NetFlow v5 export (Open vSwitch's NetFlow
 * table): every packet the bridge forwards is counted by flow
 * (netflow_cache.h), and the flows that end, or pass the active timeout,
 * go to the targets as NetFlow v5 (convert/netflow5.h), 30 to a packet,
 * at the latest a tick after they were handed out.
 *
 * Counts are those of the switch's own counters: packets as they are on
 * the wire (a GSO super-frame counts its segments) and bytes of whole
 * Ethernet frames, so that a collector's totals equal the ports' and the
 * rules' (Open vSwitch counts frame bytes too).  NetFlow v5 carries IPv4
 * only: other packets are counted apart (nfdp_stats).
 *
 * Interfaces are OpenFlow port numbers; a packet that went nowhere has
 * output 65533 and one that went out of several ports 65534, as Open
 * vSwitch writes them.  With add_id_to_interface, the top 7 bits of both
 * are the low 7 of engine_id.
 */
#ifndef SFK_NETFLOW_DP_H
#define SFK_NETFLOW_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netflow_cache.h"
#include "sender.h"
#include "sw.h"

#define NFDP_MAX_TARGETS 8
#define NFDP_DEFAULT_ACTIVE_S 600       /* active_timeout=0 means this, as in Open vSwitch. */
#define NFDP_IDLE_S 10                  /* A flow idle this long is handed out. */
#define NFDP_CACHE_FLOWS 8192
#define NFDP_OUT_DROP 65533
#define NFDP_OUT_MULTI 65534

/* The columns of a NetFlow row. */
struct nfdp_cfg {
    char targets[NFDP_MAX_TARGETS][SENDER_NAME_MAX];    /* "IP:PORT" */
    size_t n_targets;
    int32_t active_timeout;     /* Seconds; 0: the default; -1: none. */
    int16_t engine_type, engine_id;     /* 0-255, or -1: not set (0 is sent). */
    bool add_id_to_interface;
};

struct nfdp_stats {
    uint64_t flows;             /* Records exported. */
    uint64_t full_flushes;      /* Of those, handed out early for a full cache. */
    uint64_t not_ipv4;          /* Packets NetFlow v5 cannot carry. */
    uint64_t datagrams, send_errors;
};

/* Fills 'cfg' with the defaults of a new row: no target, the default timeouts. */
void nfdp_defaults(struct nfdp_cfg *cfg);

/*
 * Starts or changes 'br''s NetFlow export to 'cfg' (flows counted under
 * the old settings are sent first).  Returns 0, or an errno with a
 * message in 'err' (the old settings then stay).
 */
int nfdp_configure(struct bridge *br, const struct nfdp_cfg *cfg, char *err, size_t errsz);

/* Stops 'br''s export, sending what is counted. */
void nfdp_clear(struct bridge *br);

/* The settings of 'br''s export, or NULL when it has none. */
const struct nfdp_cfg *nfdp_config(const struct bridge *br);

/* Its counters, or NULL. */
const struct nfdp_stats *nfdp_stats(const struct bridge *br);

/* What NetFlow keeps of a frame, read as it arrived (Open vSwitch's flow is its match). */
struct nfdp_pkt {
    struct nfc_key key;         /* Interfaces apart. */
    uint8_t tcp_flags;
    bool ipv4;                  /* NetFlow v5 carries nothing else. */
};

/*
 * Reads a frame's flow into 'p' before rules may rewrite it: 'l2' is its
 * bytes from the EtherType after any 802.1Q tag on ('len' of them).
 */
void nfdp_read(struct nfdp_pkt *p, const uint8_t *l2, uint32_t len);

/*
 * Counts the frame 'p' that 'br' forwarded: 'packets' wire packets of
 * 'bytes' bytes in all came in on OpenFlow port 'in' and went out of
 * 'out' (or NFDP_OUT_*).
 */
void nfdp_count(struct nfdp *nf, const struct nfdp_pkt *p, uint16_t in, uint16_t out,
    uint32_t packets, uint32_t bytes, uint64_t now_ms);

/* Hands out the flows due at 'sw->now_ms' and sends what waits. */
void nfdp_tick(struct sw *sw, struct bridge *br);

#endif /* SFK_NETFLOW_DP_H */
