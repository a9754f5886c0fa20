/*
 * drop_reason: reason codes of sflow.org sflow_drops.txt, "Drop Reasons".
 *
 * Codes 0-15 reuse the ICMP destination-unreachable codes (RFC 792, RFC
 * 1812); 256 and up are named reasons, most of them Linux devlink trap and
 * kernel skb drop reasons.  The names are those of the spec, which
 * host-sflow (sflow_drop.h) and sflowtool print.  host-sflow's list gives
 * dev_hdr and tc_egress the codes 33 and 36, a typo for the spec's 332 and
 * 366; we follow the spec.
 */
#include "drop_reason.h"

#include <stddef.h>

#define DROP_ICMP_MAX 15
#define DROP_NAMED_MIN 256

static const char *const drop_icmp[DROP_ICMP_MAX + 1] = {
    "net_unreachable", "host_unreachable", "protocol_unreachable",
    "port_unreachable", "frag_needed", "src_route_failed", "dst_net_unknown",
    "dst_host_unknown", "src_host_isolated", "dst_net_prohibited",
    "dst_host_prohibited", "dst_net_tos_unreachable",
    "dst_host_tos_unreacheable", "comm_admin_prohibited",
    "host_precedence_violation", "precedence_cutoff",
};

/* Code DROP_NAMED_MIN + i. */
static const char *const drop_named[] = {
    "unknown", "ttl_exceeded", "acl", "no_buffer_space", "red",
    "traffic_shaping", "pkt_too_big", "src_mac_is_multicast",
    "vlan_tag_mismatch", "ingress_vlan_filter",
    /* 266 */
    "ingress_spanning_tree_filter", "port_list_is_empty",
    "port_loopback_filter", "blackhole_route", "non_ip",
    "uc_dip_over_mc_dmac", "dip_is_loopback_address", "sip_is_mc",
    "sip_is_loopback_address", "ip_header_corrupted",
    /* 276 */
    "ipv4_sip_is_limited_bc", "ipv6_mc_dip_reserved_scope",
    "ipv6_mc_dip_interface_local_scope", "unresolved_neigh",
    "mc_reverse_path_forwarding", "non_routable_packet", "decap_error",
    "overlay_smac_is_mc", "unknown_l2", "unknown_l3",
    /* 286 */
    "unknown_l3_exception", "unknown_buffer", "unknown_tunnel", "unknown_l4",
    "sip_is_unspecified", "mlag_port_isolation", "blackhole_arp_neigh",
    "src_mac_is_dmac", "dmac_is_reserved", "sip_is_class_e",
    /* 296 */
    "mc_dmac_mismatch", "sip_is_dip", "dip_is_local_network",
    "dip_is_link_local", "overlay_smac_is_dmac", "egress_vlan_filter",
    "uc_reverse_path_forwarding", "split_horizon", "locked_port",
    "dmac_filter",
    /* 306 */
    "blackhole_nexthop", "vxlan_parsing", "llc_snap_parsing", "vlan_parsing",
    "pppoe_ppp_parsing", "mpls_parsing", "arp_parsing", "ip_1_parsing",
    "ip_n_parsing", "gre_parsing",
    /* 316 */
    "udp_parsing", "tcp_parsing", "ipsec_parsing", "sctp_parsing",
    "dccp_parsing", "gtp_parsing", "esp_parsing", "unknown_parsing",
    "pkt_too_small", "unhandled_proto",
    /* 326 */
    "ipv6disabled", "invalid_proto", "ip_noproto", "skb_csum",
    "skb_ucopy_fault", "dev_ready", "dev_hdr", "dup_frag", "skb_gso_seg",
    "reverse_path_forwarding",
    /* 336 */
    "icmp_parsing", "tcp_md5notfound", "tcp_md5unexpected", "tcp_md5failure",
    "tcp_flags", "tcp_zerowindow", "tcp_old_data", "tcp_overwindow",
    "tcp_ofomerge", "tcp_rfc7323_paws",
    /* 346 */
    "tcp_invalid_sequence", "tcp_reset", "tcp_invalid_syn", "tcp_close",
    "tcp_fastopen", "tcp_old_ack", "tcp_too_old_ack", "tcp_ack_unsent_data",
    "tcp_ofo_queue_prune", "tcp_ofo_drop",
    /* 356 */
    "tcp_minttl", "ipv6_bad_exthdr", "ipv6_ndisc_frag",
    "ipv6_ndisc_hop_limit", "ipv6_ndisc_bad_code", "ipv6_ndisc_bad_options",
    "ipv6_ndisc_ns_otherhost", "tap_filter", "tap_txfilter", "tc_ingress",
    /* 366 */
    "tc_egress", "xdp", "cpu_backlog", "bpf_cgroup_egress", "xfrm_policy",
    "socket_filter", "bgp_flowspec",
};

const char *
drop_reason_name(uint32_t code)
{
    if (code <= DROP_ICMP_MAX)
        return drop_icmp[code];
    if (code >= DROP_NAMED_MIN &&
        code - DROP_NAMED_MIN < sizeof(drop_named) / sizeof(drop_named[0]))
        return drop_named[code - DROP_NAMED_MIN];
    return NULL;
}
