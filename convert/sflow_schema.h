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
#define SF_OFPORT_DATAPATH 0    /* counters 0:1004 of_port */

#endif /* SFK_SFLOW_SCHEMA_H */
