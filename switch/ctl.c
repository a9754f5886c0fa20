/*
 * ctl: the command interpreter; see ctl.h.
 */
#include "ctl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge.h"
#include "ctl_db.h"
#include "ctl_of.h"
#include "flow_parse.h"
#include "mirror.h"
#include "netflow_dp.h"
#include "rollback.h"
#include "sflow_dp.h"
#include "state.h"

struct cmd_ctx {
    struct sw *sw;
    struct bridge *br;          /* argv[1], for commands with 'on_bridge'. */
    FILE *out, *err;
    bool may_exist, if_exists, strict, restoring, all;
    struct ctl_db *db;          /* What the commands of one call share. */
};

static struct bridge *
need_bridge(struct cmd_ctx *c, const char *name)
{
    struct bridge *br = sw_find_bridge(c->sw, name);

    if (br == NULL)
        fprintf(c->err, "no bridge named %s\n", name);
    return br;
}

static int
parse_u32(const char *s, uint32_t max, uint32_t *v)
{
    char *end;
    unsigned long long x;

    if (*s < '0' || *s > '9')
        return EINVAL;
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno || *end || x > max)
        return EINVAL;
    *v = (uint32_t)x;
    return 0;
}

/*
 * Applies port settings "tag=N", "trunks=L", "vlan_mode=M", "ofport=N" or
 * "ofport_request=N" ('*requested' then set) to 'vc'/'ofport'.
 */
static int
port_setting(struct cmd_ctx *c, const char *kv, struct vlan_cfg *vc, uint32_t *ofport, bool *requested)
{
    const char *eq = strchr(kv, '=');
    const char *v = eq ? eq + 1 : "";
    size_t n = eq ? (size_t)(eq - kv) : strlen(kv);

    if (n == 3 && strncmp(kv, "tag", 3) == 0) {
        if (strcmp(v, "[]") == 0 || *v == '\0') {
            vc->tag = 0;
            return 0;
        }
        if (vlan_parse_id(v, false, &vc->tag) != 0) {
            fprintf(c->err, "tag: \"%s\" is not a VLAN id 1-4095\n", v);
            return EINVAL;
        }
        return 0;
    }
    if (n == 6 && strncmp(kv, "trunks", 6) == 0) {
        if (vlan_parse_trunks(vc, v) != 0) {
            fprintf(c->err, "trunks: \"%s\" is not a list of VLAN ids 1-4095 (e.g. 10,20,30-40)\n", v);
            return EINVAL;
        }
        return 0;
    }
    if (n == 9 && strncmp(kv, "vlan_mode", 9) == 0) {
        if (vlan_parse_mode(vc, strcmp(v, "[]") == 0 ? "" : v) != 0) {
            fprintf(c->err, "vlan_mode: \"%s\" is not one of access, trunk, native-tagged, native-untagged\n", v);
            return EINVAL;
        }
        return 0;
    }
    if (ofport && ((n == 6 && strncmp(kv, "ofport", 6) == 0) ||
        (n == 14 && strncmp(kv, "ofport_request", 14) == 0))) {
        if (parse_u32(v, BRIDGE_MAX_OFPORT, ofport) != 0 || *ofport == 0) {
            fprintf(c->err, "ofport: \"%s\" is not 1-%d\n", v, BRIDGE_MAX_OFPORT);
            return EINVAL;
        }
        *requested = n == 14;
        return 0;
    }
    fprintf(c->err, "unknown port setting \"%s\" (tag=N, trunks=LIST, vlan_mode=MODE%s)\n", kv,
        ofport ? ", ofport=N" : "");
    return EINVAL;
}

/* ---- commands ---- */

static int
cmd_add_br(struct cmd_ctx *c, int argc, char **argv)
{
    int e;

    (void)argc;
    if (sw_find_bridge(c->sw, argv[1]) && c->may_exist)
        return CTL_OK;
    if (sw_find_port(c->sw, argv[1])) {
        fprintf(c->err, "cannot create a bridge named %s because a port named %s already exists\n",
            argv[1], argv[1]);
        return CTL_ERROR;
    }
    if ((e = sw_add_bridge(c->sw, argv[1], NULL)) != 0) {
        if (e == EEXIST)
            fprintf(c->err, "cannot create a bridge named %s because a bridge named %s already exists\n",
                argv[1], argv[1]);
        else if (e == EINVAL)
            fprintf(c->err, "invalid bridge name \"%s\" (1-%d characters, no spaces or slashes)\n",
                argv[1], BRIDGE_NAME_MAX - 1);
        else
            fprintf(c->err, "cannot create bridge %s: %s\n", argv[1], strerror(e));
        return CTL_ERROR;
    }
    return CTL_OK;
}

static int
cmd_del_br(struct cmd_ctx *c, int argc, char **argv)
{
    struct bridge *br = sw_find_bridge(c->sw, argv[1]);

    (void)argc;
    if (br == NULL) {
        if (c->if_exists)
            return CTL_OK;
        fprintf(c->err, "no bridge named %s\n", argv[1]);
        return CTL_ERROR;
    }
    sw_del_bridge(c->sw, br);
    return CTL_OK;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Prints the 'n' names at 'names' sorted, one per line, as ovs-vsctl lists bridges and ports. */
static int
print_sorted(struct cmd_ctx *c, const char **names, size_t n)
{
    qsort(names, n, sizeof(*names), cmp_name);
    for (size_t i = 0; i < n; i++)
        fprintf(c->out, "%s\n", names[i]);
    return CTL_OK;
}

static int
cmd_list_br(struct cmd_ctx *c, int argc, char **argv)
{
    const char *names[SW_MAX_BRIDGES];

    (void)argc;
    (void)argv;
    for (size_t i = 0; i < c->sw->n_br; i++)
        names[i] = c->sw->br[i]->name;
    return print_sorted(c, names, c->sw->n_br);
}

static int
cmd_br_exists(struct cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    return sw_find_bridge(c->sw, argv[1]) ? CTL_OK : CTL_NO;
}

/* sflow-switch has no fake bridges: each is its own parent, on no VLAN. */
static int
cmd_br_to_vlan(struct cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(c->out, "0\n");
    return CTL_OK;
}

static int
cmd_br_to_parent(struct cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(c->out, "%s\n", c->br->name);
    return CTL_OK;
}

static int
cmd_list_ports(struct cmd_ctx *c, int argc, char **argv)
{
    const char *names[BRIDGE_MAX_PORTS];
    size_t n = 0;

    (void)argc;
    (void)argv;

    /* As ovs-vsctl, without the bridge's own (local) port. */
    for (size_t i = 0; i < c->br->n_ports; i++)
        if (!c->br->ports[i]->local)
            names[n++] = c->br->ports[i]->name;
    return print_sorted(c, names, n);
}

/* Whether add-port's setting 'kv' is one of a Port map column ("other_config:k=v", "external_ids={...}"). */
static bool
map_setting(const char *kv)
{
    return strncmp(kv, "other_config", 12) == 0 || strncmp(kv, "external_ids", 12) == 0;
}

/*
 * add-port BRIDGE PORT [SETTING...]: tag, trunks, vlan_mode and ofport
 * shape the port before it opens; map columns are set on it after, through
 * the database's "set" (a failure removes the port again).
 */
static int
cmd_add_port(struct cmd_ctx *c, int argc, char **argv)
{
    struct bridge *br = c->br;
    struct vlan_cfg vc;
    uint32_t ofport = 0;
    char msg[256], *set[CTL_MAX_ARGS + 2];
    int n_set = 2;
    bool requested = false;
    struct port *p;

    if ((p = sw_find_port(c->sw, argv[2])) != NULL && c->may_exist && p->br == br)
        return CTL_OK;
    if (sw_find_bridge(c->sw, argv[2])) {
        fprintf(c->err, "cannot create a port named %s because a bridge named %s already exists\n",
            argv[2], argv[2]);
        return CTL_ERROR;
    }
    vlan_cfg_init(&vc);
    set[0] = "port";
    set[1] = argv[2];
    for (int i = 3; i < argc; i++) {
        if (map_setting(argv[i]))
            set[n_set++] = argv[i];
        else if (port_setting(c, argv[i], &vc, &ofport, &requested) != 0)
            return CTL_ERROR;
    }
    if (bridge_add_port(br, argv[2], (uint16_t)ofport, &vc, !c->restoring, msg, sizeof(msg)) != 0) {
        fprintf(c->err, "%s\n", msg);
        return CTL_ERROR;
    }
    if (requested)
        sw_find_port(c->sw, argv[2])->ofport_request = (uint16_t)ofport;
    if (n_set > 2 && ctl_db_set(c->sw, c->db, n_set, set, c->out, c->err) != CTL_OK) {
        bridge_del_port(br, sw_find_port(c->sw, argv[2]));
        return CTL_ERROR;
    }
    return CTL_OK;
}

static int
cmd_del_port(struct cmd_ctx *c, int argc, char **argv)
{
    const char *ifname = argv[argc - 1];
    struct port *p = sw_find_port(c->sw, ifname);

    if (argc == 3 && need_bridge(c, argv[1]) == NULL)
        return CTL_ERROR;
    if (p == NULL || (argc == 3 && strcmp(p->br->name, argv[1]) != 0)) {
        if (c->if_exists)
            return CTL_OK;
        if (argc == 3)
            fprintf(c->err, "bridge %s does not have a port %s\n", argv[1], ifname);
        else
            fprintf(c->err, "no port named %s\n", ifname);
        return CTL_ERROR;
    }
    if (p->local) {
        fprintf(c->err, "cannot delete port %s because it is the local port for bridge %s "
            "(deleting this port requires deleting the entire bridge)\n", p->name, p->br->name);
        return CTL_ERROR;
    }
    bridge_del_port(p->br, p);
    return CTL_OK;
}

static int
cmd_port_to_br(struct cmd_ctx *c, int argc, char **argv)
{
    struct port *p = sw_find_port(c->sw, argv[1]);

    (void)argc;
    if (p == NULL) {
        fprintf(c->err, "no port named %s\n", argv[1]);
        return CTL_ERROR;
    }
    fprintf(c->out, "%s\n", p->br->name);
    return CTL_OK;
}

/* "show" is ovs-vsctl's; "show BRIDGE" ovs-ofctl's. */
static int
cmd_show(struct cmd_ctx *c, int argc, char **argv)
{
    struct bridge *br;

    if (argc == 1)
        return ctl_db_show(c->sw, c->out, c->err);
    if ((br = need_bridge(c, argv[1])) == NULL)
        return CTL_ERROR;
    return ctl_of_show(c->sw, br, c->out, c->err);
}

/* ovs-ofctl's commands of ctl_of.h. */
static int
cmd_dump_ports_desc(struct cmd_ctx *c, int argc, char **argv)
{
    return ctl_of_dump_ports_desc(c->sw, c->br, argc > 2 ? argv[2] : NULL, c->out, c->err);
}

static int
cmd_dump_tables(struct cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return ctl_of_dump_tables(c->sw, c->br, c->out, c->err);
}

static int
cmd_dump_aggregate(struct cmd_ctx *c, int argc, char **argv)
{
    return ctl_of_dump_aggregate(c->sw, c->br, argc > 2 ? argv[2] : NULL, c->out, c->err);
}

static int
cmd_add_flows(struct cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    return ctl_of_add_flows(c->sw, c->br, argv[2], c->out, c->err);
}

static int
cmd_mod_flows(struct cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    return ctl_of_mod_flows(c->sw, c->br, argv[2], c->strict, c->out, c->err);
}

static int
cmd_replace_flows(struct cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    return ctl_of_replace_flows(c->sw, c->br, argv[2], c->out, c->err);
}

static int
cmd_diff_flows(struct cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    return ctl_of_diff_flows(c->sw, argv[1], argv[2], c->out, c->err);
}

static int
cmd_mod_port(struct cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    return ctl_of_mod_port(c->sw, c->br, argv[2], argv[3], c->restoring, c->out, c->err);
}

static int
cmd_add_flow(struct cmd_ctx *c, int argc, char **argv)
{
    struct bridge *br = c->br;
    struct flow_rule r;

    (void)argc;
    if (ctl_of_parse_rule(argv[2], &r, "", c->err) != 0)
        return CTL_ERROR;
    if (flow_table_add(&br->flows, &r, c->sw->now_ms) != 0) {
        fprintf(c->err, "out of memory\n");
        return CTL_ERROR;
    }
    c->sw->config_gen++;
    return CTL_OK;
}

static int
cmd_del_flows(struct cmd_ctx *c, int argc, char **argv)
{
    struct bridge *br = c->br;
    struct flow_rule r;
    char msg[256];

    if (flow_parse(argc > 2 ? argv[2] : "", FLOW_PARSE_DEL, &r, msg, sizeof(msg)) != 0) {
        fprintf(c->err, "%s\n", msg);
        return CTL_ERROR;
    }
    if (flow_table_del(&br->flows, &r, c->strict) > 0)
        c->sw->config_gen++;
    return CTL_OK;
}

/*
 * One line of dump-flows for 'r' at 'now_ms', in ovs-ofctl 3.1's layout:
 * the duration with its trailing zeros dropped, idle_age, and priority only
 * when it is not the default.
 */
static void
dump_flow_line(FILE *f, const struct flow_rule *r, uint64_t now_ms)
{
    uint64_t d = now_ms - r->added_ms;
    uint64_t used = r->used_ms > r->added_ms ? r->used_ms : r->added_ms;
    char m[FLOW_TEXT_MAX], a[FLOW_TEXT_MAX], frac[8] = "";

    if (d % 1000) {
        snprintf(frac, sizeof(frac), ".%03u", (unsigned)(d % 1000));
        while (frac[strlen(frac) - 1] == '0')
            frac[strlen(frac) - 1] = '\0';
    }
    flow_format_match(&r->match, m, sizeof(m));
    flow_format_actions(r, a, sizeof(a));
    fprintf(f, " cookie=0x%llx, duration=%llu%ss, table=%u, n_packets=%llu, n_bytes=%llu, ",
        (unsigned long long)r->cookie, (unsigned long long)(d / 1000), frac, r->table_id,
        (unsigned long long)r->n_packets, (unsigned long long)r->n_bytes);
    if (r->idle_timeout)
        fprintf(f, "idle_timeout=%u, ", r->idle_timeout);
    if (r->hard_timeout)
        fprintf(f, "hard_timeout=%u, ", r->hard_timeout);
    if (r->flags & FLOW_FLAG_SEND_FLOW_REM)
        fprintf(f, "send_flow_rem ");
    fprintf(f, "idle_age=%llu, ", (unsigned long long)((now_ms - used) / 1000));
    if (r->priority != FLOW_DEFAULT_PRIORITY)
        fprintf(f, "priority=%u%s", r->priority, m[0] ? "," : " ");
    fprintf(f, "%s%sactions=%s\n", m, m[0] ? " " : "", a);
}

static int
cmd_dump_flows(struct cmd_ctx *c, int argc, char **argv)
{
    struct bridge *br = c->br;
    struct flow_rule filter;
    char msg[256];
    size_t n = 0;

    if (flow_parse(argc > 2 ? argv[2] : "", FLOW_PARSE_DEL, &filter, msg, sizeof(msg)) != 0) {
        fprintf(c->err, "%s\n", msg);
        return CTL_ERROR;
    }
    /* The header counts what is listed, not the whole table. */
    for (size_t i = 0; i < br->flows.n; i++)
        n += flow_rule_selected(&filter, &br->flows.rules[i], c->strict);
    fprintf(c->out, "NXST_FLOW reply: %zu flows\n", n);
    for (size_t i = 0; i < br->flows.n; i++)
        if (flow_rule_selected(&filter, &br->flows.rules[i], c->strict))
            dump_flow_line(c->out, &br->flows.rules[i], c->sw->now_ms);
    return CTL_OK;
}

static int
cmd_dump_ports(struct cmd_ctx *c, int argc, char **argv)
{
    struct bridge *br = c->br;
    const struct port *only = NULL;     /* dump-ports' optional PORT. */
    size_t n = br->n_ports;

    if (argc >= 3) {
        if ((only = ctl_of_find_port(br, argv[2], c->err)) == NULL)
            return CTL_ERROR;
        n = 1;
    }
    fprintf(c->out, "OFPST_PORT reply: %zu ports\n", n);
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct port *p = br->ports[i];
        const struct port_stats *s = &p->st;

        if (only != NULL && p != only)
            continue;
        if (p->local)
            fprintf(c->out, "  port LOCAL");
        else
            fprintf(c->out, "  port %2u", p->ofport);
        fprintf(c->out, ": rx pkts=%llu, bytes=%llu, drop=%llu, errs=%llu, frame=0, over=0, crc=0\n",
            (unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes,
            (unsigned long long)(s->rx_dropped + p->ring_drops), (unsigned long long)s->rx_errors);
        fprintf(c->out, "           tx pkts=%llu, bytes=%llu, drop=%llu, errs=%llu, coll=0\n",
            (unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
            (unsigned long long)s->tx_dropped, (unsigned long long)s->tx_errors);
        fprintf(c->out, "           rx ucast=%llu, mcast=%llu, bcast=%llu; tx ucast=%llu, mcast=%llu, bcast=%llu (%s)\n",
            (unsigned long long)s->rx_ucast, (unsigned long long)s->rx_mcast,
            (unsigned long long)s->rx_bcast, (unsigned long long)s->tx_ucast,
            (unsigned long long)s->tx_mcast, (unsigned long long)s->tx_bcast, p->name);
    }
    return CTL_OK;
}

struct fdb_ctx {
    FILE *out;
    uint64_t now;
};

static void
fdb_line(void *arg, const struct mac_entry *e)
{
    struct fdb_ctx *f = arg;

    fprintf(f->out, "%5u  %4u  %02x:%02x:%02x:%02x:%02x:%02x  %3llu\n", e->port, e->vlan,
        e->mac[0], e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5],
        (unsigned long long)((f->now - e->seen_ms) / 1000));
}

static int
cmd_fdb_show(struct cmd_ctx *c, int argc, char **argv)
{
    struct bridge *br = c->br;
    struct fdb_ctx f;

    (void)argc;
    (void)argv;
    f.out = c->out;
    f.now = c->sw->now_ms;
    fprintf(c->out, " port  VLAN  MAC                Age\n");
    mac_table_foreach(&br->mac, c->sw->now_ms, fdb_line, &f);
    return CTL_OK;
}

/*
 * set-sflow BR KEY=VALUE...: the sFlow table's columns (ctl_db.h), on
 * top of the bridge's settings or the defaults.  Several target= add up.
 */
static int
cmd_set_sflow(struct cmd_ctx *c, int argc, char **argv)
{
    struct bridge *br = c->br;
    struct sw_sflow cfg;
    char msg[256], targets[SW_SFLOW_MAX_TARGETS * (SENDER_NAME_MAX + 3) + 8] = "";

    if (br->sf.on)
        cfg = br->sf;
    else
        sfdp_defaults(&cfg);
    for (int i = 2; i < argc; i++) {
        char *eq = strchr(argv[i], '=');

        if (eq == NULL) {
            fprintf(c->err, "set-sflow: \"%s\" is not KEY=VALUE\n", argv[i]);
            return CTL_ERROR;
        }
        *eq = '\0';
        if (strncmp(argv[i], "target", 6) == 0 && strspn(argv[i] + 6, "s") == strlen(argv[i] + 6)) {
            size_t n = strlen(targets);

            if (snprintf(targets + n, sizeof(targets) - n, "%s%s", n ? "," : "", eq + 1) >= (int)(sizeof(targets) - n)) {
                fprintf(c->err, "set-sflow: too many or too long targets\n");
                return CTL_ERROR;
            }
        } else if (ctl_db_sflow_setting(&cfg, argv[i], eq + 1, c->err) != 0) {
            return CTL_ERROR;
        }
    }
    if (targets[0] != '\0' && ctl_db_sflow_setting(&cfg, "targets", targets, c->err) != 0)
        return CTL_ERROR;
    cfg.on = true;
    if (sfdp_configure(br, &cfg, msg, sizeof(msg)) != 0) {
        fprintf(c->err, "set-sflow: %s\n", msg);
        return CTL_ERROR;
    }
    return CTL_OK;
}

static int
cmd_clear_sflow(struct cmd_ctx *c, int argc, char **argv)
{
    struct bridge *br = c->br;

    (void)argc;
    (void)argv;
    sfdp_clear(br);
    return CTL_OK;
}

/* add-mirror BR COLUMN=VALUE...: a Mirror row in one command (ctl_db.h). */
static int
cmd_add_mirror(struct cmd_ctx *c, int argc, char **argv)
{
    return ctl_db_add_mirror(c->sw, c->br, argc - 2, argv + 2, c->err);
}

static int
cmd_del_mirror(struct cmd_ctx *c, int argc, char **argv)
{
    int i = mirror_find(c->br, argv[2]);

    (void)argc;
    if (i < 0) {
        if (c->if_exists)
            return CTL_OK;
        fprintf(c->err, "bridge %s has no mirror %s\n", c->br->name, argv[2]);
        return CTL_ERROR;
    }
    mirror_del(c->br, (size_t)i);
    return CTL_OK;
}

/* set-netflow BR COLUMN=VALUE...: the NetFlow table's columns, on top of the bridge's settings. */
static int
cmd_set_netflow(struct cmd_ctx *c, int argc, char **argv)
{
    return ctl_db_set_netflow(c->sw, c->br, argc - 2, argv + 2, c->err);
}

static int
cmd_clear_netflow(struct cmd_ctx *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    nfdp_clear(c->br);
    return CTL_OK;
}

/* dump-netflow BR: what the bridge's NetFlow export counted (netflow_dp.h). */
static int
cmd_dump_netflow(struct cmd_ctx *c, int argc, char **argv)
{
    const struct nfdp_stats *st = nfdp_stats(c->br);

    (void)argc;
    (void)argv;
    if (st == NULL) {
        fprintf(c->err, "bridge %s has no NetFlow export\n", c->br->name);
        return CTL_ERROR;
    }
    fprintf(c->out, "flows exported %llu (early, the cache full: %llu); packets not IPv4 %llu; "
        "datagrams sent %llu, send errors %llu\n", (unsigned long long)st->flows,
        (unsigned long long)st->full_flushes, (unsigned long long)st->not_ipv4,
        (unsigned long long)st->datagrams, (unsigned long long)st->send_errors);
    return CTL_OK;
}

/* The database commands (ctl_db.h), with the words after their name. */
#define DB_COMMAND(name)                                                    \
    static int                                                              \
    cmd_db_##name(struct cmd_ctx *c, int argc, char **argv)                 \
    {                                                                       \
        c->db->if_exists = c->if_exists;                                    \
        c->db->all = c->all;                                                \
        return ctl_db_##name(c->sw, c->db, argc - 1, argv + 1, c->out, c->err); \
    }
DB_COMMAND(create)
DB_COMMAND(set)
DB_COMMAND(clear)
DB_COMMAND(get)
DB_COMMAND(list)
DB_COMMAND(find)
DB_COMMAND(add)
DB_COMMAND(remove)
DB_COMMAND(destroy)

struct command {
    const char *name;
    int min_args, max_args;     /* Words after the name. */
    bool on_bridge;             /* The first word names an existing bridge. */
    int (*fn)(struct cmd_ctx *, int, char **);
};

static const struct command commands[] = {
    { "add-br", 1, 1, false, cmd_add_br },
    { "del-br", 1, 1, false, cmd_del_br },
    { "list-br", 0, 0, false, cmd_list_br },
    { "br-exists", 1, 1, false, cmd_br_exists },
    { "list-ports", 1, 1, true, cmd_list_ports },
    { "add-port", 2, CTL_MAX_ARGS, true, cmd_add_port },
    { "del-port", 1, 2, false, cmd_del_port },
    { "port-to-br", 1, 1, false, cmd_port_to_br },
    { "create", 2, CTL_MAX_ARGS, false, cmd_db_create },
    { "set", 3, CTL_MAX_ARGS, false, cmd_db_set },
    { "clear", 3, CTL_MAX_ARGS, false, cmd_db_clear },
    { "get", 2, CTL_MAX_ARGS, false, cmd_db_get },
    { "list", 1, CTL_MAX_ARGS, false, cmd_db_list },
    { "find", 1, CTL_MAX_ARGS, false, cmd_db_find },
    { "add", 4, CTL_MAX_ARGS, false, cmd_db_add },
    { "remove", 4, CTL_MAX_ARGS, false, cmd_db_remove },
    { "destroy", 1, CTL_MAX_ARGS, false, cmd_db_destroy },
    { "list-ifaces", 1, 1, true, cmd_list_ports },
    { "iface-to-br", 1, 1, false, cmd_port_to_br },
    { "br-to-vlan", 1, 1, true, cmd_br_to_vlan },
    { "br-to-parent", 1, 1, true, cmd_br_to_parent },
    { "show", 0, 1, false, cmd_show },
    { "add-flow", 2, 2, true, cmd_add_flow },
    { "del-flows", 1, 2, true, cmd_del_flows },
    { "dump-flows", 1, 2, true, cmd_dump_flows },
    { "dump-ports", 1, 2, true, cmd_dump_ports },
    { "fdb-show", 1, 1, true, cmd_fdb_show },
    { "dump-ports-desc", 1, 2, true, cmd_dump_ports_desc },
    { "dump-tables", 1, 1, true, cmd_dump_tables },
    { "dump-aggregate", 1, 2, true, cmd_dump_aggregate },
    { "add-flows", 2, 2, true, cmd_add_flows },
    { "mod-flows", 2, 2, true, cmd_mod_flows },
    { "replace-flows", 2, 2, true, cmd_replace_flows },
    { "diff-flows", 2, 2, false, cmd_diff_flows },
    { "mod-port", 3, 3, true, cmd_mod_port },
    { "set-sflow", 1, CTL_MAX_ARGS, true, cmd_set_sflow },
    { "clear-sflow", 1, 1, true, cmd_clear_sflow },
    { "add-mirror", 2, CTL_MAX_ARGS, true, cmd_add_mirror },
    { "del-mirror", 2, 2, true, cmd_del_mirror },
    { "set-netflow", 2, CTL_MAX_ARGS, true, cmd_set_netflow },
    { "clear-netflow", 1, 1, true, cmd_clear_netflow },
    { "dump-netflow", 1, 1, true, cmd_dump_netflow },
};

/*
 * Takes option 'o' for the whole call (--format=, --bare, --no-headings)
 * into 'db', or for the command it precedes into 'c' and 'db'.  False
 * after a message on 'err' if unknown, in ovs-vsctl's words for a format.
 */
static bool
take_option(struct cmd_ctx *c, struct ctl_db *db, char *o, FILE *err)
{
    static const char *const formats[] = { "list", "table", "csv", "json" };

    if (strcmp(o, "--may-exist") == 0)
        c->may_exist = true;
    else if (strcmp(o, "--if-exists") == 0)
        c->if_exists = true;
    else if (strcmp(o, "--strict") == 0)
        c->strict = true;
    else if (strcmp(o, "--all") == 0)
        c->all = true;
    else if (strcmp(o, "--no-wait") == 0)
        ;                       /* Every change is in effect before the answer anyway. */
    else if (strncmp(o, "--id=", 5) == 0)
        db->id = o + 5;
    else if (strncmp(o, "--columns=", 10) == 0)
        db->columns = o + 10;
    else if (strcmp(o, "--bare") == 0)
        db->bare = true;
    else if (strcmp(o, "--no-headings") == 0)
        db->no_headings = true;
    else if (strncmp(o, "--format=", 9) == 0) {
        for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
            if (strcmp(o + 9, formats[i]) == 0) {
                db->format = (enum ctl_db_format)i;
                return true;
            }
        fprintf(err, "unknown output format \"%s\"\n", o + 9);
        return false;
    } else {
        fprintf(err, "unknown option %s\n", o);
        return false;
    }
    return true;
}

/* Runs one command, 'argc' words at 'argv' with its options first, in context 'c'. */
static int
exec_one(struct cmd_ctx *c, int argc, char **argv)
{
    int i = 0;

    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++)
        if (!take_option(c, c->db, argv[i], c->err))
            return CTL_ERROR;
    if (i == argc) {
        fprintf(c->err, "missing command\n");
        return CTL_ERROR;
    }
    for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
        const struct command *cmd = &commands[k];
        int n = argc - i - 1;

        if (strcmp(cmd->name, argv[i]) != 0)
            continue;
        /* In ovs-vsctl's and ovs-ofctl's words. */
        if (n < cmd->min_args) {
            fprintf(c->err, "'%s' command requires at least %d arguments\n", cmd->name,
                cmd->min_args);
            return CTL_ERROR;
        }
        if (n > cmd->max_args) {
            fprintf(c->err, "'%s' command takes at most %d arguments\n", cmd->name,
                cmd->max_args);
            return CTL_ERROR;
        }
        if (cmd->on_bridge && (c->br = need_bridge(c, argv[i + 1])) == NULL)
            return CTL_ERROR;
        return cmd->fn(c, n + 1, argv + i);
    }
    fprintf(c->err, "unknown command '%s'; use --help for help\n", argv[i]);
    return CTL_ERROR;
}

/*
 * Whether the command 'w' ('n' words) refers to an @name that no --id has
 * made yet: ovs-vsctl lets "set bridge br0 mirrors=@m" come before the
 * "--id=@m create mirror ..." it names, as the guides write it.
 */
static bool
refers_ahead(const struct ctl_db *db, char **w, int n)
{
    for (int k = 0; k < n; k++) {
        if (strncmp(w[k], "--", 2) == 0)
            continue;
        for (const char *p = strchr(w[k], '@'); p; p = strchr(p + 1, '@')) {
            size_t len = strcspn(p, ",] \"");

            if ((p == w[k] || strchr("=,[ \"", p[-1]) != NULL) && !ctl_db_has_id(db, p, len))
                return true;
        }
    }
    return false;
}

/*
 * A chain: commands separated by "--" words (or just one), run in order,
 * except that those that name an @id made later run after the others.
 * Their output is printed in their order, only when all succeeded (a
 * row's _uuid once known); when one fails, what the others changed is
 * undone through rollback_to(), the same undo as for a change that cannot
 * be saved, so nothing of the chain remains and nothing new is saved.
 */
static int
exec_chain(struct sw *sw, int argc, char **argv, FILE *out, FILE *err, int restoring)
{
    struct ctl_db *db = calloc(1, sizeof(*db));
    char *snap = state_format(sw), *text[CTL_MAX_ARGS] = { NULL };
    uint32_t gen = sw->config_gen;
    size_t len[CTL_MAX_ARGS] = { 0 };
    int made[CTL_MAX_ARGS], n = 0, st = CTL_OK;
    bool later[CTL_MAX_ARGS] = { false };

    if (db == NULL || snap == NULL) {
        fprintf(err, "out of memory\n");
        free(db);
        free(snap);
        return CTL_ERROR;
    }
    for (int k = 0; k < CTL_MAX_ARGS; k++)
        made[k] = -1;
    for (int pass = 0; pass < 2 && st == CTL_OK; pass++) {
        n = 0;
        for (int i = 0; i < argc && st == CTL_OK;) {
            int j = i;
            struct cmd_ctx c;
            bool opts_only = true;  /* Global options may stand alone before a "--". */
            FILE *f;

            while (j < argc && strcmp(argv[j], "--") != 0)
                j++;
            for (int k = i; k < j; k++)
                opts_only &= strncmp(argv[k], "--", 2) == 0;
            if (opts_only) {
                memset(&c, 0, sizeof(c));
                for (int k = i; k < j && st == CTL_OK && pass == 0; k++)
                    if (!take_option(&c, db, argv[k], err))
                        st = CTL_ERROR;
                i = j + 1;
                continue;
            }
            if (pass == 0)
                later[n] = refers_ahead(db, argv + i, j - i);
            if (later[n] != (pass == 1)) {
                n++;
                i = j + 1;
                continue;
            }
            memset(&c, 0, sizeof(c));
            c.sw = sw;
            c.err = err;
            c.restoring = restoring != 0;
            c.db = db;
            db->id = db->columns = NULL;
            if ((f = open_memstream(&text[n], &len[n])) == NULL) {
                fprintf(err, "out of memory\n");
                st = CTL_ERROR;
                break;
            }
            c.out = f;
            made[n] = (int)db->n_rows;
            st = exec_one(&c, j - i, argv + i);
            made[n] = (int)db->n_rows > made[n] ? made[n] : -1;
            if (fclose(f) != 0 && st == CTL_OK) {
                fprintf(err, "out of memory\n");
                st = CTL_ERROR;
            }
            n++;
            i = j + 1;
        }
    }
    /* Only a chain that changed something has anything to undo (rollback_to() compares every line). */
    if (st != CTL_OK && sw->config_gen != gen && rollback_to(sw, snap, err) != 0)
        fprintf(err, "out of memory: the commands before the failed one were not undone\n");
    for (int k = 0; k < CTL_MAX_ARGS; k++) {
        if (st == CTL_OK && made[k] >= 0)
            ctl_db_print_new(db, (size_t)made[k], out);
        else if (st == CTL_OK && text[k] != NULL)
            fwrite(text[k], 1, len[k], out);
        free(text[k]);
    }
    free(snap);
    free(db);
    return st;
}

int
ctl_exec(struct sw *sw, int argc, char **argv, FILE *out, FILE *err, int restoring)
{
    struct ctl_db db;
    struct cmd_ctx c;
    int st;

    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--") == 0)
            return exec_chain(sw, argc, argv, out, err, restoring);
    /* A database command that changes several columns is all or nothing too: a chain of one. */
    for (int i = 0; i < argc; i++) {
        static const char *const partial[] = { "set", "clear", "add", "remove" };

        if (strncmp(argv[i], "--", 2) == 0)
            continue;
        for (size_t k = 0; k < sizeof(partial) / sizeof(partial[0]); k++)
            if (strcmp(argv[i], partial[k]) == 0 && argc - i > 4)
                return exec_chain(sw, argc, argv, out, err, restoring);
        break;
    }
    memset(&c, 0, sizeof(c));
    memset(&db, 0, sizeof(db));
    c.sw = sw;
    c.out = out;
    c.err = err;
    c.restoring = restoring != 0;
    c.db = &db;
    st = exec_one(&c, argc, argv);
    if (st == CTL_OK && db.n_rows == 1)
        ctl_db_print_new(&db, 0, out);
    return st;
}
