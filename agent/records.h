/*
 * records: the flow and counter records an agent sends for a switch port,
 * from plain structs, through the schema-driven encoder.
 *
 *   flow sample:     sampled_header (0:1), extended_switch (0:1001)
 *   counter sample:  if_counters (0:1), ethernet_counters (0:2), port_name (0:1005)
 *
 * Unknown counters are all-ones (RECORDS_UNKNOWN32/64), as the spec asks;
 * a counter is either always known or always unknown for one port.
 */
#ifndef SFK_RECORDS_H
#define SFK_RECORDS_H

#include <stdint.h>

#include "wbuf.h"

#define RECORDS_UNKNOWN32 0xFFFFFFFFu
#define RECORDS_UNKNOWN64 0xFFFFFFFFFFFFFFFFull
#define RECORDS_NAME_MAX 64

/* ifType ethernetCsmacd (IANAifType 6). */
#define RECORDS_IFTYPE_ETHERNET 6

struct records_port {
    uint32_t ifindex, iftype;
    uint64_t speed;             /* bits/s; 0 unknown */
    uint32_t direction;         /* 0 unknown, 1 full, 2 half duplex */
    uint32_t status;            /* bit 0 admin up, bit 1 oper up */
    uint64_t in_octets;
    uint32_t in_ucast, in_mcast, in_bcast, in_discards, in_errors, in_unknown;
    uint64_t out_octets;
    uint32_t out_ucast, out_mcast, out_bcast, out_discards, out_errors;
    uint32_t promisc;
    uint32_t dot3[13];          /* ethernet_counters in wire order */
    char name[RECORDS_NAME_MAX];
};

struct records_flow {
    uint32_t header_protocol;   /* 1 = Ethernet */
    uint32_t frame_length;      /* Including the FCS. */
    uint32_t stripped;          /* 4 for the FCS. */
    const uint8_t *header;
    uint32_t header_len;
    uint32_t in_vlan, in_priority, out_vlan, out_priority;
};

/* dgram_write_fn for a port's counters ('arg' a struct records_port). */
int records_port_counters(struct wbuf *w, void *arg);

/* dgram_write_fn for a sampled packet ('arg' a struct records_flow). */
int records_flow(struct wbuf *w, void *arg);

/* Sets every counter of 'p' to unknown (all-ones) and the rest to zero. */
void records_port_unknown(struct records_port *p);

#endif /* SFK_RECORDS_H */
