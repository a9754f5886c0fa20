/*
 * sflow_schema: the layout of every sFlow v5 record this project knows,
 * as data.  The decoder, the encoder and the renderers all walk these
 * tables, so a record type is described once.
 */
#ifndef SFK_SFLOW_SCHEMA_H
#define SFK_SFLOW_SCHEMA_H

#include "sflow_types.h"

/* Returns the schema of flow ('counter' 0) or counter ('counter' 1) record 'tag', or NULL. */
const struct sflow_schema *sflow_schema_find(uint32_t tag, int counter);

/* Index of field 'name' in 'schema', or -1. */
int sflow_schema_field(const struct sflow_schema *schema, const char *name);

/* All schemas, for tests that walk every record type. */
const struct sflow_schema *sflow_schema_all(size_t *n);

/* Bytes a field of 'type' takes on the wire, or 0 if that varies. */
uint32_t sflow_type_size(enum sflow_ftype type);

/*
 * Positions of the fields that code reads by name, in the order of the
 * schema tables (test_decode checks each against its field's name).
 */
enum sflow_header_field {       /* 0:1 sampled_header */
    SF_HEADER_PROTOCOL, SF_HEADER_FRAME_LENGTH, SF_HEADER_STRIPPED, SF_HEADER_BYTES,
};
enum sflow_ethernet_field {     /* 0:2 sampled_ethernet, 0:1021, 0:1022 */
    SF_ETH_LENGTH, SF_ETH_SRC, SF_ETH_DST, SF_ETH_TYPE,
};
enum sflow_ip_field {           /* 0:3 sampled_ipv4, 0:4 sampled_ipv6, 0:1023 to 0:1026 */
    SF_IP_LENGTH, SF_IP_PROTOCOL, SF_IP_SRC, SF_IP_DST, SF_IP_SRC_PORT, SF_IP_DST_PORT,
    SF_IP_TCP_FLAGS, SF_IP_TOS,
};
enum sflow_switch_field {       /* 0:1001 extended_switch */
    SF_SWITCH_IN_VLAN, SF_SWITCH_IN_PRIORITY, SF_SWITCH_OUT_VLAN, SF_SWITCH_OUT_PRIORITY,
};
enum sflow_router_field {       /* 0:1002 extended_router */
    SF_ROUTER_NEXTHOP, SF_ROUTER_SRC_MASK, SF_ROUTER_DST_MASK,
};
enum sflow_gateway_field {      /* 0:1003 extended_gateway */
    SF_GW_NEXTHOP, SF_GW_MY_AS, SF_GW_SRC_AS, SF_GW_SRC_PEER_AS, SF_GW_AS_PATH,
    SF_GW_COMMUNITIES, SF_GW_LOCALPREF,
};
enum sflow_user_field {         /* 0:1004 extended_user */
    SF_USER_SRC_CHARSET, SF_USER_SRC, SF_USER_DST_CHARSET, SF_USER_DST,
};
enum sflow_mpls_field {         /* 0:1006 extended_mpls */
    SF_MPLS_NEXTHOP, SF_MPLS_IN_STACK, SF_MPLS_OUT_STACK,
};
enum sflow_socket_field {       /* 0:2100 socket4, 0:2101 socket6 */
    SF_SOCKET_PROTOCOL, SF_SOCKET_LOCAL_IP, SF_SOCKET_REMOTE_IP,
};
#define SF_VLANTUNNEL_STACK 0   /* 0:1012 extended_vlantunnel */
#define SF_TCPINFO_DIRECTION 0  /* 0:2209 tcp_info */

enum sflow_ifcounter_field {    /* counters 0:1 generic interface */
    SF_IFC_INDEX, SF_IFC_TYPE, SF_IFC_SPEED, SF_IFC_DIRECTION, SF_IFC_STATUS,
    SF_IFC_IN_OCTETS, SF_IFC_IN_UCAST, SF_IFC_IN_MULTICAST, SF_IFC_IN_BROADCAST,
    SF_IFC_IN_DISCARDS, SF_IFC_IN_ERRORS, SF_IFC_IN_UNKNOWN_PROTOS,
    SF_IFC_OUT_OCTETS, SF_IFC_OUT_UCAST, SF_IFC_OUT_MULTICAST, SF_IFC_OUT_BROADCAST,
    SF_IFC_OUT_DISCARDS, SF_IFC_OUT_ERRORS, SF_IFC_PROMISCUOUS,
};
enum sflow_dot3_field {         /* counters 0:2 ethernet */
    SF_DOT3_ALIGNMENT_ERRORS, SF_DOT3_FCS_ERRORS, SF_DOT3_SINGLE_COLLISION_FRAMES,
    SF_DOT3_MULTIPLE_COLLISION_FRAMES, SF_DOT3_SQE_TEST_ERRORS,
    SF_DOT3_DEFERRED_TRANSMISSIONS, SF_DOT3_LATE_COLLISIONS,
    SF_DOT3_EXCESSIVE_COLLISIONS, SF_DOT3_INTERNAL_MAC_TRANSMIT_ERRORS,
    SF_DOT3_CARRIER_SENSE_ERRORS, SF_DOT3_FRAME_TOO_LONGS,
    SF_DOT3_INTERNAL_MAC_RECEIVE_ERRORS, SF_DOT3_SYMBOL_ERRORS,
};
enum sflow_ofport_field {       /* counters 0:1004 of_port */
    SF_OFPORT_DATAPATH, SF_OFPORT_PORT,
};
#define SF_PORTNAME_IFNAME 0    /* counters 0:1005 port_name */
enum sflow_host_descr_field {   /* counters 0:2000 host_descr */
    SF_HOST_HOSTNAME, SF_HOST_UUID, SF_HOST_MACHINE_TYPE, SF_HOST_OS_NAME, SF_HOST_OS_RELEASE,
};

#endif /* SFK_SFLOW_SCHEMA_H */
