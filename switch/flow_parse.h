/*
 * flow_parse: rules in ovs-ofctl's text syntax, both ways.
 *
 *   table=1,priority=100,tcp,nw_dst=10.0.0.0/24,tp_dst=80 actions=mod_tp_dst:8080,output:2
 *
 * Fields and actions are separated by commas or spaces; "actions=" takes
 * the rest of the string.  docs/sfctl.8 lists every field and action.
 * Settings: priority, idle_timeout, hard_timeout, cookie (cookie=V/MASK
 * when selecting), table, send_flow_rem.  Matches: in_port, dl_src,
 * dl_dst (MAC/MASK), dl_type, dl_vlan (0xffff = untagged), dl_vlan_pcp,
 * vlan_tci, nw_src, nw_dst, arp_spa, arp_tpa (address/prefix or mask),
 * arp_op, arp_sha, arp_tha, nw_proto, nw_tos, ip_dscp, nw_ecn, nw_ttl,
 * ipv6_src, ipv6_dst, ipv6_label, nd_target, tp_src, tp_dst (V/MASK),
 * icmp_type, icmp_code, tcp_flags (+syn-ack, syn|ack or V/MASK),
 * metadata, reg0-reg7, their OXM aliases (eth_src, ip_proto, tcp_dst...)
 * and the shorthands ip arp icmp tcp udp sctp ipv6 icmp6 tcp6 udp6 sctp6;
 * "*" or "ANY" wildcards a field.  Actions: output:N, N, in_port, LOCAL,
 * normal, flood, all, drop, mod_dl_src/dst, mod_vlan_vid/pcp, strip_vlan,
 * pop_vlan, push_vlan:0x8100, mod_nw_src/dst/tos/ecn/ttl, mod_tp_src/dst,
 * dec_ttl, set_field:V[/M]->FIELD, resubmit:P, resubmit([P],[T]),
 * goto_table:T.  An OpenFlow controller channel, connection tracking and
 * queues are refused by name.
 *
 * Upper-layer fields need their lower-layer prerequisites, as in OpenFlow:
 * nw_src needs ip or arp, tp_dst needs tcp, udp, sctp or icmp, and so on;
 * set_field and mod_* need them in the rule's match.  A rule missing one is
 * rejected with a message that names the field, never accepted silently.
 */
#ifndef SFK_FLOW_PARSE_H
#define SFK_FLOW_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "flow_table.h"

#define FLOW_DEFAULT_PRIORITY 32768

/* The longest text of one rule (the state file keeps each on one line). */
#define FLOW_TEXT_MAX 1024

enum flow_parse_mode {
    FLOW_PARSE_ADD,             /* Match, settings and actions (actions required). */
    FLOW_PARSE_DEL,             /* A selection: match, priority, table (default all), cookie/mask. */
};

/*
 * Parses 's' into 'r' (cleared first).  Returns 0, or EINVAL with a
 * message in 'err' ('errsz' bytes).
 */
int flow_parse(const char *s, enum flow_parse_mode mode, struct flow_rule *r,
    char *err, size_t errsz);

/* Writes 'm' as "tcp,in_port=1,nw_dst=10.0.0.0/24" ("" if it matches everything). */
void flow_format_match(const struct flow_match *m, char *buf, size_t size);

/* Writes 'r''s actions as "output:2,mod_vlan_vid:10" ("drop" if none). */
void flow_format_actions(const struct flow_rule *r, char *buf, size_t size);

/*
 * Writes 'r' as flow_parse() reads it: settings, match and actions
 * ("priority=100,table=1,idle_timeout=5,tcp,tp_dst=80 actions=drop").
 */
void flow_format_rule(const struct flow_rule *r, char *buf, size_t size);

#endif /* SFK_FLOW_PARSE_H */
