/*
 * flow_parse: rules in ovs-ofctl's text syntax, both ways.
 *
 *   priority=100,tcp,nw_dst=10.0.0.0/24,tp_dst=80,idle_timeout=10 actions=output:2
 *
 * Fields and actions are separated by commas or spaces; "actions=" takes
 * the rest of the string.  Supported: priority, idle_timeout, hard_timeout,
 * cookie, table (0 only); in_port, dl_src, dl_dst, dl_vlan (0xffff =
 * untagged), dl_type, nw_src, nw_dst (CIDR or dotted mask), nw_proto,
 * tp_src, tp_dst; the shorthands ip arp icmp tcp udp sctp ipv6 tcp6 udp6
 * icmp6; "*" or "ANY" as a value wildcards the field.  Actions: normal,
 * flood, all, drop, in_port, output:N (or N), mod_dl_src:MAC,
 * mod_dl_dst:MAC, mod_vlan_vid:N, strip_vlan.
 *
 * Upper-layer fields need their lower-layer prerequisites, as in OpenFlow:
 * nw_src/nw_dst need ip or arp, nw_proto needs ip, ipv6 or arp, tp_src and
 * tp_dst need tcp, udp, sctp, icmp or their IPv6 forms.  A rule missing one
 * is rejected with a message that names the field, never accepted silently.
 */
#ifndef SFK_FLOW_PARSE_H
#define SFK_FLOW_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "flow_table.h"

#define FLOW_DEFAULT_PRIORITY 32768

enum flow_parse_mode {
    FLOW_PARSE_ADD,             /* Match, settings and actions (actions required). */
    FLOW_PARSE_DEL,             /* Match and priority only. */
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
 * ("priority=100,idle_timeout=5,tcp,tp_dst=80 actions=drop").
 */
void flow_format_rule(const struct flow_rule *r, char *buf, size_t size);

#endif /* SFK_FLOW_PARSE_H */
