/*
 * ctl_of: ovs-ofctl's port, table and flow-file commands; see ctl_of.h.
 *
 * The layouts are those of ovs-ofctl 3.1 speaking OpenFlow 1.0 to
 * ovs-vswitchd, its default: the same header lines (with their xids), the
 * same port blocks, the same diff lines.
 */
#include "ctl_of.h"

#include <errno.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bridge.h"
#include "ctl.h"
#include "flow_parse.h"
#include "num_parse.h"
#include "port.h"

#define OF_PORT_LOCAL 0xfffe    /* OpenFlow 1.0's OFPP_LOCAL. */
#define RULE_TEXT 1024                  /* A match, or an action list, as text. */
#define DIFF_TEXT (3 * RULE_TEXT)       /* Both, with the settings between them. */

/* ---- port descriptions ---- */

/* What the kernel says of an interface, for a port block. */
struct iface_desc {
    uint8_t mac[6];
    bool up, running;
    uint32_t speed;             /* Mb/s; 0 = unknown. */
    bool full, fibre, autoneg;
};

/* Reads 'name''s address, flags and link settings into 'd'; false if it is not there. */
static bool
iface_describe(const char *name, struct iface_desc *d)
{
    struct ethtool_cmd ec;
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool ok;

    memset(d, 0, sizeof(*d));
    if (fd < 0)
        return false;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    ok = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
    if (ok) {
        d->up = (ifr.ifr_flags & IFF_UP) != 0;
        d->running = (ifr.ifr_flags & IFF_RUNNING) != 0;
    }
    if (ok && ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
        memcpy(d->mac, ifr.ifr_hwaddr.sa_data, 6);
    /* Link settings: what ovs-vswitchd reads through ethtool too (none for some devices). */
    memset(&ec, 0, sizeof(ec));
    ec.cmd = ETHTOOL_GSET;
    ifr.ifr_data = (char *)&ec;
    if (ok && ioctl(fd, SIOCETHTOOL, &ifr) == 0 && ethtool_cmd_speed(&ec) != (uint32_t)SPEED_UNKNOWN) {
        d->speed = ethtool_cmd_speed(&ec);
        d->full = ec.duplex == DUPLEX_FULL;
        d->fibre = ec.port == PORT_FIBRE;
        d->autoneg = ec.autoneg == AUTONEG_ENABLE;
    }
    close(fd);
    return ok;
}

/* The OpenFlow 1.0 feature name of a speed and duplex ("10GB-FD"), or "OTHER". */
static const char *
speed_feature(uint32_t speed, bool full)
{
    static const struct {
        uint32_t speed;
        const char *hd, *fd;
    } names[] = {
        { 10, "10MB-HD", "10MB-FD" }, { 100, "100MB-HD", "100MB-FD" },
        { 1000, "1GB-HD", "1GB-FD" }, { 10000, NULL, "10GB-FD" },
        { 40000, NULL, "40GB-FD" }, { 100000, NULL, "100GB-FD" }, { 1000000, NULL, "1TB-FD" },
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].speed == speed && (full ? names[i].fd : names[i].hd) != NULL)
            return full ? names[i].fd : names[i].hd;
    return "OTHER";
}

/* ' 1(name): addr:...' and its lines, as ovs-ofctl show and dump-ports-desc print a port. */
static void
print_port(FILE *out, const struct port *p, const char *name, const struct iface_desc *d)
{
    char num[8];

    if (p->ofport == OF_PORT_LOCAL)
        snprintf(num, sizeof(num), "LOCAL");
    else
        snprintf(num, sizeof(num), "%u", p->ofport);
    fprintf(out, " %s(%s): addr:%02x:%02x:%02x:%02x:%02x:%02x\n", num, name,
        d->mac[0], d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
    fprintf(out, "     config:     %s\n", d->up ? "0" : "PORT_DOWN");
    fprintf(out, "     state:      %s\n", d->running ? "0" : "LINK_DOWN");
    if (d->speed != 0)
        fprintf(out, "     current:    %s %s%s\n", speed_feature(d->speed, d->full),
            d->fibre ? "FIBER" : "COPPER", d->autoneg ? " AUTO_NEG" : "");
    fprintf(out, "     speed: %u Mbps now, 0 Mbps max\n", d->speed);
}

static int
cmp_port(const void *a, const void *b)
{
    const struct port *x = *(const struct port *const *)a, *y = *(const struct port *const *)b;

    return (x->ofport > y->ofport) - (x->ofport < y->ofport);
}

/* Prints the ports of 'br' (or 'only') whose interface is there, by OpenFlow number (LOCAL last). */
static int
print_ports(const struct bridge *br, const struct port *only, FILE *out, FILE *err)
{
    const struct port **ps = calloc(br->n_ports + 1, sizeof(*ps));

    if (ps == NULL) {
        fprintf(err, "out of memory\n");
        return CTL_ERROR;
    }
    memcpy(ps, br->ports, br->n_ports * sizeof(*ps));
    qsort(ps, br->n_ports, sizeof(*ps), cmp_port);
    for (size_t i = 0; i < br->n_ports; i++) {
        struct iface_desc d;

        /* A port without its interface has no OpenFlow port in Open vSwitch either. */
        if ((only == NULL || ps[i] == only) && iface_describe(ps[i]->name, &d))
            print_port(out, ps[i], ps[i]->name, &d);
    }
    free(ps);
    return CTL_OK;
}

int
ctl_of_show(struct sw *sw, struct bridge *br, FILE *out, FILE *err)
{
    int st;

    (void)sw;
    fprintf(out, "OFPT_FEATURES_REPLY (xid=0x2): dpid:%016llx\n", (unsigned long long)br->dpid);
    fprintf(out, "n_tables:255, n_buffers:0\n");
    fprintf(out, "capabilities: FLOW_STATS TABLE_STATS PORT_STATS ARP_MATCH_IP\n");
    fprintf(out, "actions: output set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst\n");
    if ((st = print_ports(br, NULL, out, err)) != CTL_OK)
        return st;
    fprintf(out, "OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal miss_send_len=0\n");
    return CTL_OK;
}

int
ctl_of_dump_ports_desc(struct sw *sw, struct bridge *br, const char *port, FILE *out, FILE *err)
{
    const struct port *only = NULL;

    (void)sw;
    if (port != NULL && (only = ctl_of_find_port(br, port, err)) == NULL)
        return CTL_ERROR;
    fprintf(out, "OFPST_PORT_DESC reply (xid=0x2):\n");
    return print_ports(br, only, out, err);
}

int
ctl_of_dump_tables(struct sw *sw, struct bridge *br, FILE *out, FILE *err)
{
    const struct flow_table *t = &br->flows;

    (void)sw;
    (void)err;
    fprintf(out, "OFPST_TABLE reply (xid=0x2):\n");
    fprintf(out, "  table 0:\n");
    fprintf(out, "    active=%zu, lookup=%llu, matched=%llu\n", t->n,
        (unsigned long long)(t->cache_hits + t->cache_misses), (unsigned long long)t->n_matched);
    fprintf(out, "    max_entries=1000000\n");
    fprintf(out, "    matching:\n");
    fprintf(out, "      exact match or wildcard: in_port eth_{src,dst,type} vlan_{vid} ip_{src,dst} nw_{proto} tcp_{src,dst}\n");
    fprintf(out, "\n");
    return CTL_OK;
}

/* ---- rules ---- */

int
ctl_of_parse_rule(const char *s, struct flow_rule *r, const char *prefix, FILE *err)
{
    char msg[256];

    if (flow_parse(s, FLOW_PARSE_ADD, r, msg, sizeof(msg)) != 0) {
        fprintf(err, "%s%s%s\n", prefix, prefix[0] ? ": " : "", msg);
        return EINVAL;
    }
    for (size_t i = 0; i < r->n_actions; i++) {
        uint16_t port = r->actions[i].port;

        if ((r->actions[i].type == FA_OUTPUT || r->actions[i].type == FA_RESUBMIT) &&
            port > BRIDGE_MAX_OFPORT && port != FLOW_PORT_LOCAL && port != FLOW_PORT_IN) {
            fprintf(err, "%s%sport %u: port numbers go up to %d (or LOCAL)\n", prefix, prefix[0] ? ": " : "",
                port, BRIDGE_MAX_OFPORT);
            return EINVAL;
        }
    }
    return 0;
}

/* The rules of a flow file. */
struct rule_list {
    struct flow_rule *r;
    size_t n, cap;
};

/*
 * Reads flow file word 'file', an argument of command 'cmd', into 'rl'
 * (to free): each line a rule; '#' starts a comment, blank lines are
 * skipped.  0, or an errno after "NAME:LINE: message" on 'err'.
 */
static int
read_file(const char *cmd, const char *file, struct rule_list *rl, FILE *err)
{
    const char *name = file + 1, *text = strchr(name, '\n');
    char prefix[96];
    unsigned lineno = 0;
    int namelen;

    memset(rl, 0, sizeof(*rl));
    if (!ctl_of_is_file(file)) {
        fprintf(err, "%s: \"%s\" is not a flow file\n", cmd, file);
        return EINVAL;
    }
    if (text == NULL)
        text = name + strlen(name);
    namelen = (int)(text - name);
    while (*text != '\0') {
        const char *line = *text == '\n' ? text + 1 : text, *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *buf;

        lineno++;
        text = line + len;
        len = strcspn(line, "#\n") < len ? strcspn(line, "#\n") : len;
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
            len--;
        while (len > 0 && (*line == ' ' || *line == '\t')) {
            line++;
            len--;
        }
        if (len == 0)
            continue;
        if (rl->n == rl->cap) {
            size_t cap = rl->cap ? rl->cap * 2 : 16;
            struct flow_rule *nr = realloc(rl->r, cap * sizeof(*nr));

            if (nr == NULL) {
                fprintf(err, "out of memory\n");
                return ENOMEM;
            }
            rl->r = nr;
            rl->cap = cap;
        }
        if ((buf = strndup(line, len)) == NULL) {
            fprintf(err, "out of memory\n");
            return ENOMEM;
        }
        snprintf(prefix, sizeof(prefix), "%.*s:%u", namelen > 64 ? 64 : namelen, name, lineno);
        if (ctl_of_parse_rule(buf, &rl->r[rl->n], prefix, err) != 0) {
            free(buf);
            return EINVAL;
        }
        free(buf);
        rl->n++;
    }
    return 0;
}

/* Adds rule 'r' to 'br'; 0, or ENOMEM after a message. */
static int
add_rule(struct sw *sw, struct bridge *br, const struct flow_rule *r, FILE *err)
{
    if (flow_table_add(&br->flows, r, sw->now_ms) != 0) {
        fprintf(err, "out of memory\n");
        return ENOMEM;
    }
    sw->config_gen++;
    return 0;
}

int
ctl_of_add_flows(struct sw *sw, struct bridge *br, const char *file, FILE *out, FILE *err)
{
    struct rule_list rl;
    int st = CTL_OK;

    (void)out;
    if (read_file("add-flows", file, &rl, err) != 0)
        st = CTL_ERROR;
    for (size_t i = 0; i < rl.n && st == CTL_OK; i++)
        if (add_rule(sw, br, &rl.r[i], err) != 0)
            st = CTL_ERROR;
    free(rl.r);
    return st;
}

int
ctl_of_mod_flows(struct sw *sw, struct bridge *br, const char *flow, bool strict,
    FILE *out, FILE *err)
{
    struct flow_table *t = &br->flows;
    struct flow_rule r;
    size_t n = 0;

    (void)out;
    if (ctl_of_parse_rule(flow, &r, "", err) != 0)
        return CTL_ERROR;
    for (size_t i = 0; i < t->n; i++) {
        struct flow_rule *x = &t->rules[i];

        if (strict ? x->priority == r.priority && flow_match_equal(&x->match, &r.match)
            : flow_match_covers(&r.match, &x->match)) {
            /* In place: the counters stay, and the lookup cache still points to the rule. */
            memcpy(x->actions, r.actions, sizeof(x->actions));
            x->n_actions = r.n_actions;
            n++;
        }
    }
    if (n > 0) {
        sw->config_gen++;
        return CTL_OK;
    }
    return add_rule(sw, br, &r, err) == 0 ? CTL_OK : CTL_ERROR;
}

/*
 * Rule 'r' as ovs-ofctl diff-flows prints it: priority (unless the
 * default) and match, then cookie, timeouts and actions ("priority=100,tcp
 * idle_timeout=5 actions=drop"); its identity (priority and match) is the
 * text before the first space, or the text when it has none.
 */
static void
diff_text(const struct flow_rule *r, char *buf, size_t size)
{
    char m[RULE_TEXT], a[RULE_TEXT], pri[24] = "";
    size_t n;

    flow_format_match(&r->match, m, sizeof(m));
    flow_format_actions(r, a, sizeof(a));
    if (r->priority != FLOW_DEFAULT_PRIORITY)
        snprintf(pri, sizeof(pri), "priority=%u%s", r->priority, m[0] ? "," : "");
    n = (size_t)snprintf(buf, size, "%s%s", pri, m);
    if (r->cookie && n < size)
        n += (size_t)snprintf(buf + n, size - n, " cookie=0x%llx", (unsigned long long)r->cookie);
    if (r->idle_timeout && n < size)
        n += (size_t)snprintf(buf + n, size - n, " idle_timeout=%u", r->idle_timeout);
    if (r->hard_timeout && n < size)
        n += (size_t)snprintf(buf + n, size - n, " hard_timeout=%u", r->hard_timeout);
    if (n < size)
        snprintf(buf + n, size - n, " actions=%s", a);
}

/* The index in 'rules' ('n') of the rule with 'r''s priority and match, or -1. */
static long
find_same(const struct flow_rule *rules, size_t n, const struct flow_rule *r)
{
    for (size_t i = 0; i < n; i++)
        if (rules[i].table_id == r->table_id && rules[i].priority == r->priority &&
            flow_match_equal(&rules[i].match, &r->match))
            return (long)i;
    return -1;
}

/* Whether 'a' and 'b' (same priority and match) also have the same settings and actions. */
static bool
same_rule(const struct flow_rule *a, const struct flow_rule *b)
{
    char x[DIFF_TEXT], y[DIFF_TEXT];

    diff_text(a, x, sizeof(x));
    diff_text(b, y, sizeof(y));
    return strcmp(x, y) == 0;
}

int
ctl_of_replace_flows(struct sw *sw, struct bridge *br, const char *file, FILE *out, FILE *err)
{
    struct flow_table *t = &br->flows;
    struct rule_list rl;
    int st = CTL_OK;

    (void)out;
    if (read_file("replace-flows", file, &rl, err) != 0) {
        free(rl.r);
        return CTL_ERROR;
    }
    for (size_t i = t->n; i-- > 0;) {
        struct flow_rule sel = t->rules[i];     /* A copy: deleting moves the rules. */

        sel.cookie_mask = 0;
        if (find_same(rl.r, rl.n, &sel) < 0 && flow_table_del(t, &sel, true) > 0)
            sw->config_gen++;
    }
    for (size_t i = 0; i < rl.n && st == CTL_OK; i++) {
        long k = find_same(t->rules, t->n, &rl.r[i]);

        if ((k < 0 || !same_rule(&t->rules[k], &rl.r[i])) && add_rule(sw, br, &rl.r[i], err) != 0)
            st = CTL_ERROR;
    }
    free(rl.r);
    return st;
}

/* The rules of diff-flows source 'src' (a bridge's, copied, or a file's) into 'rl'; 0 or an errno. */
static int
diff_source(struct sw *sw, const char *src, struct rule_list *rl, FILE *err)
{
    struct bridge *br;

    if (ctl_of_is_file(src))
        return read_file("diff-flows", src, rl, err);
    memset(rl, 0, sizeof(*rl));
    if ((br = sw_find_bridge(sw, src)) == NULL) {
        fprintf(err, "%s is neither a bridge nor a file\n", src);
        return ENOENT;
    }
    if (br->flows.n == 0)
        return 0;
    if ((rl->r = malloc(br->flows.n * sizeof(*rl->r))) == NULL) {
        fprintf(err, "out of memory\n");
        return ENOMEM;
    }
    memcpy(rl->r, br->flows.rules, br->flows.n * sizeof(*rl->r));
    rl->n = rl->cap = br->flows.n;
    return 0;
}

int
ctl_of_diff_flows(struct sw *sw, const char *src1, const char *src2, FILE *out, FILE *err)
{
    struct rule_list a, b;
    char text[DIFF_TEXT];
    bool differ = false;
    int st;

    memset(&b, 0, sizeof(b));
    if (diff_source(sw, src1, &a, err) != 0 || diff_source(sw, src2, &b, err) != 0) {
        free(a.r);
        free(b.r);
        return CTL_ERROR;
    }
    /* Each rule of the first source, then those only the second has. */
    for (size_t i = 0; i < a.n; i++) {
        long k = find_same(b.r, b.n, &a.r[i]);

        if (k >= 0 && same_rule(&a.r[i], &b.r[k]))
            continue;
        diff_text(&a.r[i], text, sizeof(text));
        fprintf(out, "-%s\n", text);
        if (k >= 0) {
            diff_text(&b.r[k], text, sizeof(text));
            fprintf(out, "+%s\n", text);
        }
        differ = true;
    }
    for (size_t i = 0; i < b.n; i++) {
        if (find_same(a.r, a.n, &b.r[i]) >= 0)
            continue;
        diff_text(&b.r[i], text, sizeof(text));
        fprintf(out, "+%s\n", text);
        differ = true;
    }
    st = differ ? CTL_NO : CTL_OK;
    free(a.r);
    free(b.r);
    return st;
}

int
ctl_of_dump_aggregate(struct sw *sw, struct bridge *br, const char *match, FILE *out, FILE *err)
{
    const struct flow_table *t = &br->flows;
    unsigned long long packets = 0, bytes = 0;
    struct flow_rule filter;
    char msg[256];
    size_t n = 0;

    (void)sw;
    if (flow_parse(match ? match : "", FLOW_PARSE_DEL, &filter, msg, sizeof(msg)) != 0) {
        fprintf(err, "%s\n", msg);
        return CTL_ERROR;
    }
    for (size_t i = 0; i < t->n; i++) {
        if (!flow_match_covers(&filter.match, &t->rules[i].match))
            continue;
        packets += t->rules[i].n_packets;
        bytes += t->rules[i].n_bytes;
        n++;
    }
    /* ovs-ofctl's request for a match goes out with another xid. */
    fprintf(out, "NXST_AGGREGATE reply (xid=0x%x): packet_count=%llu byte_count=%llu flow_count=%zu\n",
        match ? 8 : 4, packets, bytes, n);
    return CTL_OK;
}

/* ---- ports ---- */

struct port *
ctl_of_find_port(struct bridge *br, const char *name, FILE *err)
{
    long num = OF_PORT_LOCAL;
    bool is_num = strcasecmp(name, "LOCAL") == 0 || num_parse_long(name, 0, LONG_MAX, &num) == 0;

    for (size_t i = 0; i < br->n_ports; i++)
        if (is_num ? br->ports[i]->ofport == num : strcmp(br->ports[i]->name, name) == 0)
            return br->ports[i];
    fprintf(err, "%s: couldn't find port `%s'\n", br->name, name);
    return NULL;
}

int
ctl_of_mod_port(struct sw *sw, struct bridge *br, const char *port, const char *action,
    bool restoring, FILE *out, FILE *err)
{
    static const char *const other[] = {
        "stp", "no-stp", "receive", "no-receive", "receive-stp", "no-receive-stp",
        "forward", "no-forward", "flood", "no-flood", "packet-in", "no-packet-in",
    };
    struct port *p;
    bool down;
    int e;

    (void)out;
    if (strcmp(action, "up") != 0 && strcmp(action, "down") != 0) {
        for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
            if (strcmp(action, other[i]) == 0) {
                fprintf(err, "mod-port %s: sflow-switch changes only up and down\n", action);
                return CTL_ERROR;
            }
        fprintf(err, "unknown mod-port command '%s'\n", action);
        return CTL_ERROR;
    }
    if ((p = ctl_of_find_port(br, port, err)) == NULL)
        return CTL_ERROR;
    down = strcmp(action, "down") == 0;
    /* A port restored before its interface is there gets the setting when it opens. */
    if ((e = port_link_set(p->name, !down)) != 0 && !(restoring && e == ENODEV)) {
        fprintf(err, "mod-port %s %s: %s\n", p->name, action, strerror(e));
        return CTL_ERROR;
    }
    if (p->down != down) {
        p->down = down;
        sw->config_gen++;
    }
    return CTL_OK;
}
