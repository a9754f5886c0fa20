/*
 * sflow_schema: record layouts of sFlow v5 (enterprise 0).
 *
 * Field order is wire order.  Names are sflowtool's, so that text output and
 * scripts written for it keep working.  Sources: sflow_version_5.txt section
 * 5 (flow_data, counter_data), sflow_host.txt, sflow_host_ip.txt,
 * sflow_tunnels.txt, sflow_drops.txt, sflow_lag.txt, sflow_optics.txt,
 * sflow_jvm.txt, sflow_http.txt, sflow_application.txt.
 */
#include "sflow_schema.h"

#include <stdio.h>
#include <string.h>

#define F(t, n) { SFT_##t, n, sizeof(n) - 1, 0, 0 }
#define S(n, m) { SFT_STR, n, sizeof(n) - 1, m, 0 }
#define OPT(t, n) { SFT_##t, n, sizeof(n) - 1, 0, 1 }   /* Absent from older agents' records. */
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Flow records ---- */

static const struct sflow_field f_header[] = {
    F(U32, "headerProtocol"), F(U32, "sampledPacketSize"),
    F(U32, "strippedBytes"), F(OPAQUE, "headerBytes"),
};
static const struct sflow_field f_ethernet[] = {
    F(U32, "ethernet_len"), F(MAC, "ethernet_src"), F(MAC, "ethernet_dst"),
    F(U32, "ethernet_type"),
};
static const struct sflow_field f_ipv4[] = {
    F(U32, "sampledPacketSize"), F(U32, "IPProtocol"), F(IP4, "srcIP"),
    F(IP4, "dstIP"), F(U32, "srcPort"), F(U32, "dstPort"),
    F(U32, "TCPFlags"), F(U32, "IPTOS"),
};
static const struct sflow_field f_ipv6[] = {
    F(U32, "sampledPacketSize"), F(U32, "IPProtocol"), F(IP6, "srcIP6"),
    F(IP6, "dstIP6"), F(U32, "srcPort"), F(U32, "dstPort"),
    F(U32, "TCPFlags"), F(U32, "priority"),
};
static const struct sflow_field f_switch[] = {
    F(U32, "in_vlan"), F(U32, "in_priority"), F(U32, "out_vlan"),
    F(U32, "out_priority"),
};
static const struct sflow_field f_router[] = {
    F(ADDR, "nextHop"), F(U32, "srcSubnetMask"), F(U32, "dstSubnetMask"),
};
static const struct sflow_field f_gateway[] = {
    F(ADDR, "bgp_nexthop"), F(U32, "my_as"), F(U32, "src_as"),
    F(U32, "src_peer_as"), F(AS_PATH, "dst_as_path"),
    F(U32_LIST, "BGP_communities"), F(U32, "BGP_localpref"),
};
static const struct sflow_field f_user[] = {
    F(U32, "src_user_charset"), S("src_user", 0),
    F(U32, "dst_user_charset"), S("dst_user", 0),
};
static const struct sflow_field f_url[] = {
    F(U32, "url_direction"), S("url", 0), S("host", 0),
};
static const struct sflow_field f_mpls[] = {
    F(ADDR, "mpls_nexthop"), F(U32_LIST, "mpls_input_stack"),
    F(U32_LIST, "mpls_output_stack"),
};
static const struct sflow_field f_nat[] = {
    F(ADDR, "nat_src"), F(ADDR, "nat_dst"),
};
static const struct sflow_field f_mpls_tunnel[] = {
    S("mpls_tunnel_lsp_name", 0), F(U32, "mpls_tunnel_id"), F(U32, "mpls_tunnel_cos"),
};
static const struct sflow_field f_mpls_vc[] = {
    S("mpls_vc_name", 0), F(U32, "mpls_vll_vc_id"), F(U32, "mpls_vc_cos"),
};
static const struct sflow_field f_mpls_ftn[] = {
    S("mpls_ftn_descr", 0), F(U32, "mpls_ftn_mask"),
};
static const struct sflow_field f_mpls_ldp_fec[] = {
    F(U32, "mpls_fec_addr_prefix_len"),
};
static const struct sflow_field f_vlantunnel[] = {
    F(U32_LIST, "vlan_tunnel"),
};
static const struct sflow_field f_nat_port[] = {
    F(U32, "nat_src_port"), F(U32, "nat_dst_port"),
};
static const struct sflow_field f_l2_tunnel_out[] = {
    F(U32, "tunnel_l2_out_ethernet_len"), F(MAC, "tunnel_l2_out_ethernet_src"),
    F(MAC, "tunnel_l2_out_ethernet_dst"), F(U32, "tunnel_l2_out_ethernet_type"),
};
static const struct sflow_field f_l2_tunnel_in[] = {
    F(U32, "tunnel_l2_in_ethernet_len"), F(MAC, "tunnel_l2_in_ethernet_src"),
    F(MAC, "tunnel_l2_in_ethernet_dst"), F(U32, "tunnel_l2_in_ethernet_type"),
};
static const struct sflow_field f_ipv4_tunnel_out[] = {
    F(U32, "tunnel_ipv4_out_sampledPacketSize"), F(U32, "tunnel_ipv4_out_IPProtocol"),
    F(IP4, "tunnel_ipv4_out_srcIP"), F(IP4, "tunnel_ipv4_out_dstIP"),
    F(U32, "tunnel_ipv4_out_srcPort"), F(U32, "tunnel_ipv4_out_dstPort"),
    F(U32, "tunnel_ipv4_out_TCPFlags"), F(U32, "tunnel_ipv4_out_IPTOS"),
};
static const struct sflow_field f_ipv4_tunnel_in[] = {
    F(U32, "tunnel_ipv4_in_sampledPacketSize"), F(U32, "tunnel_ipv4_in_IPProtocol"),
    F(IP4, "tunnel_ipv4_in_srcIP"), F(IP4, "tunnel_ipv4_in_dstIP"),
    F(U32, "tunnel_ipv4_in_srcPort"), F(U32, "tunnel_ipv4_in_dstPort"),
    F(U32, "tunnel_ipv4_in_TCPFlags"), F(U32, "tunnel_ipv4_in_IPTOS"),
};
static const struct sflow_field f_ipv6_tunnel_out[] = {
    F(U32, "tunnel_ipv6_out_sampledPacketSize"), F(U32, "tunnel_ipv6_out_IPProtocol"),
    F(IP6, "tunnel_ipv6_out_srcIP6"), F(IP6, "tunnel_ipv6_out_dstIP6"),
    F(U32, "tunnel_ipv6_out_srcPort"), F(U32, "tunnel_ipv6_out_dstPort"),
    F(U32, "tunnel_ipv6_out_TCPFlags"), F(U32, "tunnel_ipv6_out_priority"),
};
static const struct sflow_field f_ipv6_tunnel_in[] = {
    F(U32, "tunnel_ipv6_in_sampledPacketSize"), F(U32, "tunnel_ipv6_in_IPProtocol"),
    F(IP6, "tunnel_ipv6_in_srcIP6"), F(IP6, "tunnel_ipv6_in_dstIP6"),
    F(U32, "tunnel_ipv6_in_srcPort"), F(U32, "tunnel_ipv6_in_dstPort"),
    F(U32, "tunnel_ipv6_in_TCPFlags"), F(U32, "tunnel_ipv6_in_priority"),
};
static const struct sflow_field f_decap_out[] = { F(U32, "out_decap_inner_header_offset") };
static const struct sflow_field f_decap_in[] = { F(U32, "in_decap_inner_header_offset") };
static const struct sflow_field f_vni_out[] = { F(U32, "out_VNI") };
static const struct sflow_field f_vni_in[] = { F(U32, "in_VNI") };
static const struct sflow_field f_egress_queue[] = { F(U32, "egress_queue_id") };
static const struct sflow_field f_function[] = { S("symbol", 0) };
static const struct sflow_field f_transit[] = { F(U32, "transit_delay_nS") };
static const struct sflow_field f_queue[] = { F(U32, "queue_depth_bytes") };
static const struct sflow_field f_hw_trap[] = { S("hw_trap_group", 0), S("hw_trap_name", 0) };
static const struct sflow_field f_linux_reason[] = { S("linux_drop_reason", 0) };
static const struct sflow_field f_timestamp[] = { F(U64, "timestamp_nS") };
static const struct sflow_field f_socket4[] = {
    F(U32, "socket4_ip_protocol"), F(IP4, "socket4_local_ip"),
    F(IP4, "socket4_remote_ip"), F(U32, "socket4_local_port"),
    F(U32, "socket4_remote_port"),
};
static const struct sflow_field f_socket6[] = {
    F(U32, "socket6_ip_protocol"), F(IP6, "socket6_local_ip"),
    F(IP6, "socket6_remote_ip"), F(U32, "socket6_local_port"),
    F(U32, "socket6_remote_port"),
};
static const struct sflow_field f_proxy_socket4[] = {
    F(U32, "proxy_socket4_ip_protocol"), F(IP4, "proxy_socket4_local_ip"),
    F(IP4, "proxy_socket4_remote_ip"), F(U32, "proxy_socket4_local_port"),
    F(U32, "proxy_socket4_remote_port"),
};
static const struct sflow_field f_proxy_socket6[] = {
    F(U32, "proxy_socket6_ip_protocol"), F(IP6, "proxy_socket6_local_ip"),
    F(IP6, "proxy_socket6_remote_ip"), F(U32, "proxy_socket6_local_port"),
    F(U32, "proxy_socket6_remote_port"),
};
static const struct sflow_field f_http_request[] = {
    F(U32, "http_method"), F(U32, "http_protocol"), S("http_uri", 255),
    S("http_host", 64), S("http_referrer", 255), S("http_useragent", 128),
    S("http_xff", 64), S("http_authuser", 32), S("http_mimetype", 64),
    F(U64, "http_request_bytes"), F(U64, "http_bytes"),
    F(U32, "http_duration_uS"), F(U32, "http_status"),
};
/* The first http_request (sflow_http.txt draft): no xff, no request bytes. */
static const struct sflow_field f_http_request_v1[] = {
    F(U32, "http_method"), F(U32, "http_protocol"), S("http_uri", 255),
    S("http_host", 64), S("http_referrer", 255), S("http_useragent", 128),
    S("http_authuser", 32), S("http_mimetype", 64), F(U64, "http_bytes"),
    F(U32, "http_duration_uS"), F(U32, "http_status"),
};
static const struct sflow_field f_tcp_info[] = {
    F(U32, "tcpinfo_direction"), F(U32, "tcpinfo_send_mss"),
    F(U32, "tcpinfo_receive_mss"), F(U32, "tcpinfo_unacked_pkts"),
    F(U32, "tcpinfo_lost_pkts"), F(U32, "tcpinfo_retrans_pkts"),
    F(U32, "tcpinfo_path_mtu"), F(U32, "tcpinfo_rtt_uS"),
    F(U32, "tcpinfo_rtt_uS_var"), F(U32, "tcpinfo_send_congestion_win"),
    F(U32, "tcpinfo_reordering"), F(U32, "tcpinfo_rtt_uS_min"),
};
static const struct sflow_field f_entities[] = {
    F(U32, "entities_src_class"), F(U32, "entities_src_index"),
    F(U32, "entities_dst_class"), F(U32, "entities_dst_index"),
};

/* ---- Counter records ---- */

static const struct sflow_field c_generic[] = {
    F(U32, "ifIndex"), F(U32, "networkType"), F(U64, "ifSpeed"),
    F(U32, "ifDirection"), F(U32, "ifStatus"), F(U64, "ifInOctets"),
    F(U32, "ifInUcastPkts"), F(U32, "ifInMulticastPkts"),
    F(U32, "ifInBroadcastPkts"), F(U32, "ifInDiscards"), F(U32, "ifInErrors"),
    F(U32, "ifInUnknownProtos"), F(U64, "ifOutOctets"),
    F(U32, "ifOutUcastPkts"), F(U32, "ifOutMulticastPkts"),
    F(U32, "ifOutBroadcastPkts"), F(U32, "ifOutDiscards"),
    F(U32, "ifOutErrors"), F(U32, "ifPromiscuousMode"),
};
static const struct sflow_field c_ethernet[] = {
    F(U32, "dot3StatsAlignmentErrors"), F(U32, "dot3StatsFCSErrors"),
    F(U32, "dot3StatsSingleCollisionFrames"),
    F(U32, "dot3StatsMultipleCollisionFrames"),
    F(U32, "dot3StatsSQETestErrors"), F(U32, "dot3StatsDeferredTransmissions"),
    F(U32, "dot3StatsLateCollisions"), F(U32, "dot3StatsExcessiveCollisions"),
    F(U32, "dot3StatsInternalMacTransmitErrors"),
    F(U32, "dot3StatsCarrierSenseErrors"), F(U32, "dot3StatsFrameTooLongs"),
    F(U32, "dot3StatsInternalMacReceiveErrors"), F(U32, "dot3StatsSymbolErrors"),
};
static const struct sflow_field c_tokenring[] = {
    F(U32, "dot5StatsLineErrors"), F(U32, "dot5StatsBurstErrors"),
    F(U32, "dot5StatsACErrors"), F(U32, "dot5StatsAbortTransErrors"),
    F(U32, "dot5StatsInternalErrors"), F(U32, "dot5StatsLostFrameErrors"),
    F(U32, "dot5StatsReceiveCongestions"), F(U32, "dot5StatsFrameCopiedErrors"),
    F(U32, "dot5StatsTokenErrors"), F(U32, "dot5StatsSoftErrors"),
    F(U32, "dot5StatsHardErrors"), F(U32, "dot5StatsSignalLoss"),
    F(U32, "dot5StatsTransmitBeacons"), F(U32, "dot5StatsRecoverys"),
    F(U32, "dot5StatsLobeWires"), F(U32, "dot5StatsRemoves"),
    F(U32, "dot5StatsSingles"), F(U32, "dot5StatsFreqErrors"),
};
static const struct sflow_field c_vg[] = {
    F(U32, "dot12InHighPriorityFrames"), F(U64, "dot12InHighPriorityOctets"),
    F(U32, "dot12InNormPriorityFrames"), F(U64, "dot12InNormPriorityOctets"),
    F(U32, "dot12InIPMErrors"), F(U32, "dot12InOversizeFrameErrors"),
    F(U32, "dot12InDataErrors"), F(U32, "dot12InNullAddressedFrames"),
    F(U32, "dot12OutHighPriorityFrames"), F(U64, "dot12OutHighPriorityOctets"),
    F(U32, "dot12TransitionIntoTrainings"),
    F(U64, "dot12HCInHighPriorityOctets"), F(U64, "dot12HCInNormPriorityOctets"),
    F(U64, "dot12HCOutHighPriorityOctets"),
};
static const struct sflow_field c_vlan[] = {
    F(U32, "in_vlan"), F(U64, "octets"), F(U32, "ucastPkts"),
    F(U32, "multicastPkts"), F(U32, "broadcastPkts"), F(U32, "discards"),
};
static const struct sflow_field c_lag[] = {
    F(MAC, "actorSystemID"), F(MAC, "partnerSystemID"), F(U32, "attachedAggID"),
    F(U8, "actorAdminPortState"), F(U8, "actorOperPortState"),
    F(U8, "partnerAdminPortState"), F(U8, "partnerOperPortState"),
    F(U32, "LACPDUsRx"), F(U32, "markerPDUsRx"), F(U32, "markerResponsePDUsRx"),
    F(U32, "unknownRx"), F(U32, "illegalRx"), F(U32, "LACPDUsTx"),
    F(U32, "markerPDUsTx"), F(U32, "markerResponsePDUsTx"),
};
static const struct sflow_field c_sfp[] = {
    F(U32, "sfp_module_id"), F(U32, "sfp_module_total_lanes"),
    F(U32, "sfp_module_supply_voltage"), F(S32, "sfp_module_temperature"),
    F(LANES, "sfp_lanes"),
};
static const struct sflow_field c_processor[] = {
    F(PERCENT, "5s_cpu"), F(PERCENT, "1m_cpu"), F(PERCENT, "5m_cpu"),
    F(U64, "total_memory_bytes"), F(U64, "free_memory_bytes"),
};
static const struct sflow_field c_radio[] = {
    F(U32, "radio_elapsed_time"), F(U32, "radio_on_channel_time"),
    F(U32, "radio_on_channel_busy_time"),
};
static const struct sflow_field c_of_port[] = {
    F(U64, "openflow_datapath_id"), F(U32, "openflow_port"),
};
static const struct sflow_field c_port_name[] = { S("ifName", 255) };
static const struct sflow_field c_host_descr[] = {
    S("hostname", 64), F(UUID, "UUID"), F(U32, "machine_type"),
    F(U32, "os_name"), S("os_release", 32),
};
static const struct sflow_field c_host_adapters[] = { F(ADAPTERS, "adaptor_list") };
static const struct sflow_field c_host_parent[] = {
    F(U32, "parent_dsClass"), F(U32, "parent_dsIndex"),
};
static const struct sflow_field c_host_cpu[] = {
    F(FLOAT, "cpu_load_one"), F(FLOAT, "cpu_load_five"),
    F(FLOAT, "cpu_load_fifteen"), F(U32, "cpu_proc_run"),
    F(U32, "cpu_proc_total"), F(U32, "cpu_num"), F(U32, "cpu_speed"),
    F(U32, "cpu_uptime"), F(U32, "cpu_user"), F(U32, "cpu_nice"),
    F(U32, "cpu_system"), F(U32, "cpu_idle"), F(U32, "cpu_wio"),
    F(U32, "cpuintr"), F(U32, "cpu_sintr"), F(U32, "cpuinterrupts"),
    F(U32, "cpu_contexts"), OPT(U32, "cpu_steal"), OPT(U32, "cpu_guest"),
    OPT(U32, "cpu_guest_nice"),
};
static const struct sflow_field c_host_memory[] = {
    F(U64, "mem_total"), F(U64, "mem_free"), F(U64, "mem_shared"),
    F(U64, "mem_buffers"), F(U64, "mem_cached"), F(U64, "swap_total"),
    F(U64, "swap_free"), F(U32, "page_in"), F(U32, "page_out"),
    F(U32, "swap_in"), F(U32, "swap_out"),
};
static const struct sflow_field c_host_disk[] = {
    F(U64, "disk_total"), F(U64, "disk_free"),
    F(PERCENT, "disk_partition_max_used"), F(U32, "disk_reads"),
    F(U64, "disk_bytes_read"), F(U32, "disk_read_time"),
    F(U32, "disk_writes"), F(U64, "disk_bytes_written"),
    F(U32, "disk_write_time"),
};
static const struct sflow_field c_host_net[] = {
    F(U64, "nio_bytes_in"), F(U32, "nio_pkts_in"), F(U32, "nio_errs_in"),
    F(U32, "nio_drops_in"), F(U64, "nio_bytes_out"), F(U32, "nio_pkts_out"),
    F(U32, "nio_errs_out"), F(U32, "nio_drops_out"),
};
static const struct sflow_field c_mib2_ip[] = {
    F(U32, "ipForwarding"), F(U32, "ipDefaultTTL"), F(U32, "ipInReceives"),
    F(U32, "ipInHdrErrors"), F(U32, "ipInAddrErrors"),
    F(U32, "ipForwDatagrams"), F(U32, "ipInUnknownProtos"),
    F(U32, "ipInDiscards"), F(U32, "ipInDelivers"), F(U32, "ipOutRequests"),
    F(U32, "ipOutDiscards"), F(U32, "ipOutNoRoutes"), F(U32, "ipReasmTimeout"),
    F(U32, "ipReasmReqds"), F(U32, "ipReasmOKs"), F(U32, "ipReasmFails"),
    F(U32, "ipFragOKs"), F(U32, "ipFragFails"), F(U32, "ipFragCreates"),
};
static const struct sflow_field c_mib2_icmp[] = {
    F(U32, "icmpInMsgs"), F(U32, "icmpInErrors"), F(U32, "icmpInDestUnreachs"),
    F(U32, "icmpInTimeExcds"), F(U32, "icmpInParamProbs"),
    F(U32, "icmpInSrcQuenchs"), F(U32, "icmpInRedirects"),
    F(U32, "icmpInEchos"), F(U32, "icmpInEchoReps"),
    F(U32, "icmpInTimestamps"), F(U32, "icmpInAddrMasks"),
    F(U32, "icmpInAddrMaskReps"), F(U32, "icmpOutMsgs"),
    F(U32, "icmpOutErrors"), F(U32, "icmpOutDestUnreachs"),
    F(U32, "icmpOutTimeExcds"), F(U32, "icmpOutParamProbs"),
    F(U32, "icmpOutSrcQuenchs"), F(U32, "icmpOutRedirects"),
    F(U32, "icmpOutEchos"), F(U32, "icmpOutEchoReps"),
    F(U32, "icmpOutTimestamps"), F(U32, "icmpOutTimestampReps"),
    F(U32, "icmpOutAddrMasks"), F(U32, "icmpOutAddrMaskReps"),
};
static const struct sflow_field c_mib2_tcp[] = {
    F(U32, "tcpRtoAlgorithm"), F(U32, "tcpRtoMin"), F(U32, "tcpRtoMax"),
    F(U32, "tcpMaxConn"), F(U32, "tcpActiveOpens"), F(U32, "tcpPassiveOpens"),
    F(U32, "tcpAttemptFails"), F(U32, "tcpEstabResets"),
    F(U32, "tcpCurrEstab"), F(U32, "tcpInSegs"), F(U32, "tcpOutSegs"),
    F(U32, "tcpRetransSegs"), F(U32, "tcpInErrs"), F(U32, "tcpOutRsts"),
    F(U32, "tcpInCsumErrors"),
};
static const struct sflow_field c_mib2_udp[] = {
    F(U32, "udpInDatagrams"), F(U32, "udpNoPorts"), F(U32, "udpInErrors"),
    F(U32, "udpOutDatagrams"), F(U32, "udpRcvbufErrors"),
    F(U32, "udpSndbufErrors"), F(U32, "udpInCsumErrors"),
};
static const struct sflow_field c_virt_node[] = {
    F(U32, "vnode_mhz"), F(U32, "vnode_cpus"), F(U64, "vnode_memory"),
    F(U64, "vnode_memory_free"), F(U32, "vnode_num_domains"),
};
static const struct sflow_field c_virt_cpu[] = {
    F(U32, "vcpu_state"), F(U32, "vcpu_cpu_mS"), F(U32, "vcpu_cpuCount"),
};
static const struct sflow_field c_virt_memory[] = {
    F(U64, "vmem_memory"), F(U64, "vmem_maxMemory"),
};
static const struct sflow_field c_virt_disk[] = {
    F(U64, "vdsk_capacity"), F(U64, "vdsk_allocation"),
    F(U64, "vdsk_available"), F(U32, "vdsk_rd_req"), F(U64, "vdsk_rd_bytes"),
    F(U32, "vdsk_wr_req"), F(U64, "vdsk_wr_bytes"), F(U32, "vdsk_errs"),
};
static const struct sflow_field c_virt_net[] = {
    F(U64, "vnio_bytes_in"), F(U32, "vnio_pkts_in"), F(U32, "vnio_errs_in"),
    F(U32, "vnio_drops_in"), F(U64, "vnio_bytes_out"), F(U32, "vnio_pkts_out"),
    F(U32, "vnio_errs_out"), F(U32, "vnio_drops_out"),
};
static const struct sflow_field c_jvm_runtime[] = {
    S("jvm_name", 64), S("jvm_vendor", 32), S("jvm_version", 32),
};
static const struct sflow_field c_jvm_stats[] = {
    F(U64, "heap_mem_initial"), F(U64, "heap_mem_used"),
    F(U64, "heap_mem_committed"), F(U64, "heap_mem_max"),
    F(U64, "non_heap_mem_initial"), F(U64, "non_heap_mem_used"),
    F(U64, "non_heap_mem_committed"), F(U64, "non_heap_mem_max"),
    F(U32, "gc_count"), F(U32, "gc_mS"), F(U32, "classes_loaded"),
    F(U32, "classes_total"), F(U32, "classes_unloaded"),
    F(U32, "compilation_mS"), F(U32, "threads_live"),
    F(U32, "threads_daemon"), F(U32, "threads_started"), F(U32, "fds_open"),
    F(U32, "fds_max"),
};
static const struct sflow_field c_http[] = {
    F(U32, "http_method_option_count"), F(U32, "http_method_get_count"),
    F(U32, "http_method_head_count"), F(U32, "http_method_post_count"),
    F(U32, "http_method_put_count"), F(U32, "http_method_delete_count"),
    F(U32, "http_method_trace_count"), F(U32, "http_methd_connect_count"),
    F(U32, "http_method_other_count"), F(U32, "http_status_1XX_count"),
    F(U32, "http_status_2XX_count"), F(U32, "http_status_3XX_count"),
    F(U32, "http_status_4XX_count"), F(U32, "http_status_5XX_count"),
    F(U32, "http_status_other_count"),
};
static const struct sflow_field c_app_resources[] = {
    F(U32, "user_time"), F(U32, "system_time"), F(U64, "memory_used"),
    F(U64, "memory_max"), F(U32, "files_open"), F(U32, "files_max"),
    F(U32, "connections_open"), F(U32, "connections_max"),
};
static const struct sflow_field c_app_workers[] = {
    F(U32, "workers_active"), F(U32, "workers_idle"), F(U32, "workers_max"),
    F(U32, "requests_delayed"), F(U32, "requests_dropped"),
};
static const struct sflow_field c_ovs_dp[] = {
    F(U32, "OVS_dp_hits"), F(U32, "OVS_dp_misses"), F(U32, "OVS_dp_lost"),
    F(U32, "OVS_dp_mask_hits"), F(U32, "OVS_dp_flows"), F(U32, "OVS_dp_masks"),
};

#define FLOW(fmt, name, f) { .tag = SFLOW_TAG(0, fmt), .counter = 0, .type_name = name, \
    .n_fields = N(f), .fields = f }
#define CTR(fmt, f) { .tag = SFLOW_TAG(0, fmt), .counter = 1, .n_fields = N(f), .fields = f }

/* Not const: what schema_index_build() works out is filled in before main(). */
static struct sflow_schema schemas[] = {
    FLOW(1, "HEADER", f_header),
    FLOW(2, "ETHERNET", f_ethernet),
    FLOW(3, "IPV4", f_ipv4),
    FLOW(4, "IPV6", f_ipv6),
    FLOW(1001, "SWITCH", f_switch),
    FLOW(1002, "ROUTER", f_router),
    FLOW(1003, "GATEWAY", f_gateway),
    FLOW(1004, "USER", f_user),
    FLOW(1005, "URL", f_url),
    FLOW(1006, "MPLS", f_mpls),
    FLOW(1007, "NAT", f_nat),
    FLOW(1008, NULL, f_mpls_tunnel),
    FLOW(1009, NULL, f_mpls_vc),
    FLOW(1010, NULL, f_mpls_ftn),
    FLOW(1011, NULL, f_mpls_ldp_fec),
    FLOW(1012, NULL, f_vlantunnel),
    FLOW(1020, "NAT PORT", f_nat_port),
    FLOW(1021, "tunnel_l2_out_ETHERNET", f_l2_tunnel_out),
    FLOW(1022, "tunnel_l2_in_ETHERNET", f_l2_tunnel_in),
    FLOW(1023, "tunnel_ipv4_out_IPV4", f_ipv4_tunnel_out),
    FLOW(1024, "tunnel_ipv4_in_IPV4", f_ipv4_tunnel_in),
    FLOW(1025, "tunnel_ipv6_out_IPV6", f_ipv6_tunnel_out),
    FLOW(1026, "tunnel_ipv6_in_IPV6", f_ipv6_tunnel_in),
    FLOW(1027, "out_decap", f_decap_out),
    FLOW(1028, "in_decap", f_decap_in),
    FLOW(1029, "out_VNI", f_vni_out),
    FLOW(1030, "in_VNI", f_vni_in),
    FLOW(1036, "egress_queue", f_egress_queue),
    FLOW(1038, "function", f_function),
    FLOW(1039, "transit_delay", f_transit),
    FLOW(1040, "queue_depth", f_queue),
    FLOW(1041, "hw_trap", f_hw_trap),
    FLOW(1042, "linux_reason", f_linux_reason),
    FLOW(1043, "timestamp", f_timestamp),
    FLOW(2100, "socket4", f_socket4),
    FLOW(2101, "socket6", f_socket6),
    FLOW(2102, "proxy_socket4", f_proxy_socket4),
    FLOW(2103, "proxy_socket6", f_proxy_socket6),
    FLOW(2201, "http", f_http_request_v1),
    FLOW(2206, "http", f_http_request),
    FLOW(2209, NULL, f_tcp_info),
    FLOW(2210, "entities", f_entities),

    CTR(1, c_generic),
    CTR(2, c_ethernet),
    CTR(3, c_tokenring),
    CTR(4, c_vg),
    CTR(5, c_vlan),
    CTR(7, c_lag),
    CTR(10, c_sfp),
    CTR(1001, c_processor),
    CTR(1002, c_radio),
    CTR(1004, c_of_port),
    CTR(1005, c_port_name),
    CTR(2000, c_host_descr),
    CTR(2001, c_host_adapters),
    CTR(2002, c_host_parent),
    CTR(2003, c_host_cpu),
    CTR(2004, c_host_memory),
    CTR(2005, c_host_disk),
    CTR(2006, c_host_net),
    CTR(2007, c_mib2_ip),
    CTR(2008, c_mib2_icmp),
    CTR(2009, c_mib2_tcp),
    CTR(2010, c_mib2_udp),
    CTR(2100, c_virt_node),
    CTR(2101, c_virt_cpu),
    CTR(2102, c_virt_memory),
    CTR(2103, c_virt_disk),
    CTR(2104, c_virt_net),
    CTR(2105, c_jvm_runtime),
    CTR(2106, c_jvm_stats),
    CTR(2201, c_http),
    CTR(2203, c_app_resources),
    CTR(2206, c_app_workers),
    CTR(2207, c_ovs_dp),
};

/*
 * Format -> schema (NULL: none), per kind (flow, counter), filled before
 * main() runs so that lookups on the decode path are one load and
 * thread-safe.
 */
static const struct sflow_schema *schema_index[2][4096];

uint32_t
sflow_type_size(enum sflow_ftype type)
{
    switch (type) {
    case SFT_U32:
    case SFT_S32:
    case SFT_FLOAT:
    case SFT_PERCENT:
    case SFT_IP4:
        return 4;
    case SFT_U8:
        return 1;
    case SFT_U64:
    case SFT_MAC:
        return 8;
    case SFT_IP6:
    case SFT_UUID:
        return 16;
    default:
        return 0;
    }
}

__attribute__((constructor)) static void
schema_index_build(void)
{
    size_t i, j;
    uint32_t size, n;
    int u32;

    for (i = 0; i < N(schemas); i++) {
        schema_index[schemas[i].counter][SFLOW_FORMAT(schemas[i].tag)] = &schemas[i];
        size = 0;
        u32 = 1;
        for (j = 0; j < schemas[i].n_fields; j++) {
            /* An optional field may be absent: the fixed prefix ends before it. */
            if (schemas[i].fields[j].optional ||
                (n = sflow_type_size(schemas[i].fields[j].type)) == 0)
                break;
            size += n;
            u32 &= schemas[i].fields[j].type == SFT_U32;
        }
        schemas[i].n_fixed = (uint32_t)j;
        schemas[i].fixed_size = size;
        schemas[i].fixed_u32 = j > 0 && u32;
        if (schemas[i].type_name != NULL)
            schemas[i].type_name_len = (uint8_t)strlen(schemas[i].type_name);
        /* Enterprise 0, format < 4096: "0:4095" at most. */
        n = (uint32_t)snprintf(schemas[i].tag_text, sizeof(schemas[i].tag_text), "0:%u",
            (unsigned)SFLOW_FORMAT(schemas[i].tag));
        schemas[i].tag_text_len = (uint8_t)n;
    }
}

const struct sflow_schema *
sflow_schema_find(uint32_t tag, int counter)
{
    if (SFLOW_ENTERPRISE(tag) != 0)
        return NULL;
    return schema_index[counter != 0][SFLOW_FORMAT(tag)];
}

int
sflow_schema_field(const struct sflow_schema *schema, const char *name)
{
    size_t i;

    for (i = 0; i < schema->n_fields; i++)
        if (strcmp(schema->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

const struct sflow_schema *
sflow_schema_all(size_t *n)
{
    *n = N(schemas);
    return schemas;
}
