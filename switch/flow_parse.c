/*
 * flow_parse: ovs-ofctl flow syntax to struct flow_rule and back; see
 * flow_parse.h.
 */
#include "flow_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ETH_IP 0x0800
#define ETH_ARP 0x0806
#define ETH_IP6 0x86dd

static int
fail(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return EINVAL;
}

/* Unsigned number (decimal, or hex with 0x) no larger than 'max'; 0 or EINVAL. */
static int
parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return EINVAL;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0' || v > max)
        return EINVAL;
    *out = v;
    return 0;
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    int n = 0;

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &n) != 6 ||
        s[n] != '\0' || n != 17)
        return EINVAL;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    return 0;
}

/* "a.b.c.d", "a.b.c.d/len" or "a.b.c.d/m.m.m.m" (contiguous); 0 or EINVAL. */
static int
parse_prefix(const char *s, uint32_t *addr, uint8_t *len)
{
    char buf[64];
    char *slash;
    struct in_addr a;
    uint64_t l = 32;

    if (strlen(s) >= sizeof(buf))
        return EINVAL;
    strcpy(buf, s);
    slash = strchr(buf, '/');
    if (slash != NULL) {
        *slash++ = '\0';
        if (strchr(slash, '.') != NULL) {
            struct in_addr m;
            uint32_t mask;

            if (inet_pton(AF_INET, slash, &m) != 1)
                return EINVAL;
            mask = ntohl(m.s_addr);
            if (mask != 0 && (~mask & (~mask + 1)) != 0)
                return EINVAL;      /* Not contiguous. */
            l = 0;
            while (mask & 0x80000000u) {
                l++;
                mask <<= 1;
            }
        } else if (parse_uint(slash, 32, &l) != 0) {
            return EINVAL;
        }
    }
    if (inet_pton(AF_INET, buf, &a) != 1)
        return EINVAL;
    *addr = ntohl(a.s_addr);
    *len = (uint8_t)l;
    if (l < 32)
        *addr &= l == 0 ? 0 : 0xffffffffu << (32 - l);
    return 0;
}

struct shorthand {
    const char *name;
    uint16_t dl_type;
    int nw_proto;               /* -1: none. */
};

static const struct shorthand shorthands[] = {
    { "ip", ETH_IP, -1 }, { "arp", ETH_ARP, -1 }, { "icmp", ETH_IP, 1 },
    { "tcp", ETH_IP, 6 }, { "udp", ETH_IP, 17 }, { "sctp", ETH_IP, 132 },
    { "ipv6", ETH_IP6, -1 }, { "tcp6", ETH_IP6, 6 }, { "udp6", ETH_IP6, 17 },
    { "icmp6", ETH_IP6, 58 }, { "sctp6", ETH_IP6, 132 },
};

static const struct shorthand *
find_shorthand(const char *name)
{
    for (size_t i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++)
        if (strcmp(shorthands[i].name, name) == 0)
            return &shorthands[i];
    return NULL;
}

static int
set_dl_type(struct flow_match *m, uint16_t t, const char *what, char *err, size_t errsz)
{
    if ((m->fields & FM_DL_TYPE) && m->key.dl_type != t)
        return fail(err, errsz, "%s: conflicts with dl_type=0x%04x", what, m->key.dl_type);
    m->fields |= FM_DL_TYPE;
    m->key.dl_type = t;
    return 0;
}

static int
set_nw_proto(struct flow_match *m, uint8_t p, const char *what, char *err, size_t errsz)
{
    if ((m->fields & FM_NW_PROTO) && m->key.nw_proto != p)
        return fail(err, errsz, "%s: conflicts with nw_proto=%u", what, m->key.nw_proto);
    m->fields |= FM_NW_PROTO;
    m->key.nw_proto = p;
    return 0;
}

static int
parse_action(const char *a, struct flow_rule *r, char *err, size_t errsz)
{
    struct flow_action *fa;
    const char *arg = strchr(a, ':');
    char name[32];
    size_t nlen = arg ? (size_t)(arg - a) : strlen(a);
    uint64_t v;

    if (nlen >= sizeof(name))
        return fail(err, errsz, "unknown action \"%s\"", a);
    memcpy(name, a, nlen);
    name[nlen] = '\0';
    if (arg)
        arg++;
    if (strcasecmp(name, "drop") == 0 && arg == NULL)
        return 0;
    if (r->n_actions == FLOW_MAX_ACTIONS)
        return fail(err, errsz, "too many actions (at most %d)", FLOW_MAX_ACTIONS);
    fa = &r->actions[r->n_actions];
    memset(fa, 0, sizeof(*fa));
    if (arg == NULL && (strcasecmp(name, "normal") == 0)) {
        fa->type = FA_NORMAL;
    } else if (arg == NULL && (strcasecmp(name, "flood") == 0 || strcasecmp(name, "all") == 0)) {
        fa->type = FA_FLOOD;
    } else if (arg == NULL && strcasecmp(name, "in_port") == 0) {
        fa->type = FA_IN_PORT;
    } else if (arg == NULL && strcasecmp(name, "strip_vlan") == 0) {
        fa->type = FA_STRIP_VLAN;
    } else if (arg == NULL && parse_uint(name, 0xfeff, &v) == 0 && v > 0) {
        fa->type = FA_OUTPUT;
        fa->arg = (uint16_t)v;
    } else if (strcasecmp(name, "output") == 0 && arg) {
        if (strcasecmp(arg, "in_port") == 0) {
            fa->type = FA_IN_PORT;
        } else {
            if (parse_uint(arg, 0xfeff, &v) != 0 || v == 0)
                return fail(err, errsz, "output: bad port number \"%s\"", arg);
            fa->type = FA_OUTPUT;
            fa->arg = (uint16_t)v;
        }
    } else if ((strcasecmp(name, "mod_dl_src") == 0 || strcasecmp(name, "mod_dl_dst") == 0) && arg) {
        fa->type = strcasecmp(name, "mod_dl_src") == 0 ? FA_MOD_DL_SRC : FA_MOD_DL_DST;
        if (parse_mac(arg, fa->mac) != 0)
            return fail(err, errsz, "%s: bad MAC address \"%s\"", name, arg);
    } else if (strcasecmp(name, "mod_vlan_vid") == 0 && arg) {
        if (parse_uint(arg, 4095, &v) != 0)
            return fail(err, errsz, "mod_vlan_vid: bad VLAN id \"%s\" (0-4095)", arg);
        fa->type = FA_MOD_VLAN_VID;
        fa->arg = (uint16_t)v;
    } else {
        return fail(err, errsz, "unknown action \"%s\"", a);
    }
    r->n_actions++;
    return 0;
}

static int
parse_actions(char *s, struct flow_rule *r, char *err, size_t errsz)
{
    char *save = NULL, *tok;
    bool drop = false;
    size_t n = 0;

    for (tok = strtok_r(s, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        int e;

        if (strcasecmp(tok, "drop") == 0)
            drop = true;
        if ((e = parse_action(tok, r, err, errsz)) != 0)
            return e;
        n++;
    }
    if (drop && n > 1)
        return fail(err, errsz, "drop must be the only action");
    return 0;
}

static int
parse_field(const char *name, const char *val, enum flow_parse_mode mode,
    struct flow_rule *r, char *err, size_t errsz)
{
    struct flow_match *m = &r->match;
    uint64_t v;

    if (strcmp(name, "priority") == 0) {
        if (parse_uint(val, 65535, &v) != 0)
            return fail(err, errsz, "priority: \"%s\" is not 0-65535", val);
        r->priority = (uint16_t)v;
        return 0;
    }
    if (strcmp(name, "idle_timeout") == 0 || strcmp(name, "hard_timeout") == 0) {
        if (mode != FLOW_PARSE_ADD)
            return fail(err, errsz, "%s: not allowed here", name);
        if (parse_uint(val, 65535, &v) != 0)
            return fail(err, errsz, "%s: \"%s\" is not 0-65535 seconds", name, val);
        if (name[0] == 'i')
            r->idle_timeout = (uint16_t)v;
        else
            r->hard_timeout = (uint16_t)v;
        return 0;
    }
    if (strcmp(name, "cookie") == 0) {
        if (parse_uint(val, UINT64_MAX, &v) != 0)
            return fail(err, errsz, "cookie: bad value \"%s\"", val);
        r->cookie = v;
        return 0;
    }
    if (strcmp(name, "table") == 0) {
        if (parse_uint(val, 255, &v) != 0 || v != 0)
            return fail(err, errsz, "table: only table 0 exists");
        return 0;
    }
    if (strcmp(val, "*") == 0 || strcasecmp(val, "ANY") == 0) {
        static const char *const known[] = { "in_port", "dl_src", "dl_dst", "dl_vlan",
            "dl_type", "nw_src", "nw_dst", "nw_proto", "tp_src", "tp_dst" };

        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            if (strcmp(name, known[i]) == 0)
                return 0;
        return fail(err, errsz, "unknown field \"%s\"", name);
    }
    if (strcmp(name, "in_port") == 0) {
        if (parse_uint(val, 0xfeff, &v) != 0 || v == 0)
            return fail(err, errsz, "in_port: bad port number \"%s\"", val);
        m->fields |= FM_IN_PORT;
        m->key.in_port = (uint16_t)v;
    } else if (strcmp(name, "dl_src") == 0 || strcmp(name, "dl_dst") == 0) {
        bool src = name[3] == 's';

        if (parse_mac(val, src ? m->key.dl_src : m->key.dl_dst) != 0)
            return fail(err, errsz, "%s: bad MAC address \"%s\"", name, val);
        m->fields |= src ? FM_DL_SRC : FM_DL_DST;
    } else if (strcmp(name, "dl_vlan") == 0) {
        if (parse_uint(val, 0xffff, &v) != 0 || (v > 4095 && v != 0xffff))
            return fail(err, errsz, "dl_vlan: \"%s\" is not 0-4095 or 0xffff", val);
        m->fields |= FM_DL_VLAN;
        m->key.dl_vlan = (uint16_t)v;
    } else if (strcmp(name, "dl_type") == 0) {
        if (parse_uint(val, 0xffff, &v) != 0)
            return fail(err, errsz, "dl_type: bad EtherType \"%s\"", val);
        return set_dl_type(m, (uint16_t)v, "dl_type", err, errsz);
    } else if (strcmp(name, "nw_src") == 0 || strcmp(name, "nw_dst") == 0) {
        bool src = name[3] == 's';
        uint32_t a;
        uint8_t len;

        if (parse_prefix(val, &a, &len) != 0)
            return fail(err, errsz, "%s: bad IPv4 address or prefix \"%s\"", name, val);
        if (len == 0)
            return 0;               /* /0 matches everything. */
        if (src) {
            m->fields |= FM_NW_SRC;
            m->key.nw_src = a;
            m->nw_src_len = len;
        } else {
            m->fields |= FM_NW_DST;
            m->key.nw_dst = a;
            m->nw_dst_len = len;
        }
    } else if (strcmp(name, "nw_proto") == 0) {
        if (parse_uint(val, 255, &v) != 0)
            return fail(err, errsz, "nw_proto: \"%s\" is not 0-255", val);
        return set_nw_proto(m, (uint8_t)v, "nw_proto", err, errsz);
    } else if (strcmp(name, "tp_src") == 0 || strcmp(name, "tp_dst") == 0) {
        if (parse_uint(val, 65535, &v) != 0)
            return fail(err, errsz, "%s: \"%s\" is not 0-65535", name, val);
        m->fields |= name[3] == 's' ? FM_TP_SRC : FM_TP_DST;
        if (name[3] == 's')
            m->key.tp_src = (uint16_t)v;
        else
            m->key.tp_dst = (uint16_t)v;
    } else {
        return fail(err, errsz, "unknown field \"%s\"", name);
    }
    return 0;
}

/* OpenFlow's prerequisites: upper-layer fields need the lower layer that has them. */
static int
check_prereqs(const struct flow_match *m, char *err, size_t errsz)
{
    bool has_type = m->fields & FM_DL_TYPE;
    uint16_t t = m->key.dl_type;
    bool ip = has_type && t == ETH_IP, ip6 = has_type && t == ETH_IP6;
    bool arp = has_type && t == ETH_ARP;
    static const char *const hint = "(add ip, arp, or dl_type=0x0800)";

    if ((m->fields & FM_NW_SRC) && !ip && !arp)
        return fail(err, errsz, "nw_src: prerequisites not met %s", hint);
    if ((m->fields & FM_NW_DST) && !ip && !arp)
        return fail(err, errsz, "nw_dst: prerequisites not met %s", hint);
    if ((m->fields & FM_NW_PROTO) && !ip && !ip6 && !arp)
        return fail(err, errsz, "nw_proto: prerequisites not met (add ip, ipv6 or arp)");
    if (m->fields & (FM_TP_SRC | FM_TP_DST)) {
        const char *f = (m->fields & FM_TP_SRC) ? "tp_src" : "tp_dst";
        uint8_t p = m->key.nw_proto;

        if (!(ip || ip6) || !(m->fields & FM_NW_PROTO) ||
            !(p == 6 || p == 17 || p == 132 || (ip && p == 1) || (ip6 && p == 58)))
            return fail(err, errsz,
                "%s: prerequisites not met (add tcp, udp, sctp, icmp or their IPv6 forms)", f);
    }
    return 0;
}

int
flow_parse(const char *s, enum flow_parse_mode mode, struct flow_rule *r,
    char *err, size_t errsz)
{
    char *copy, *acts = NULL, *p, *save = NULL, *tok;
    int e = 0;

    memset(r, 0, sizeof(*r));
    r->priority = FLOW_DEFAULT_PRIORITY;
    copy = strdup(s);
    if (copy == NULL)
        return fail(err, errsz, "out of memory");
    p = strstr(copy, "actions=");
    if (p != NULL && (p == copy || strchr(", \t", p[-1]) != NULL)) {
        *p = '\0';
        acts = p + strlen("actions=");
    } else if (p != NULL) {
        acts = NULL;
        e = fail(err, errsz, "misplaced \"actions=\"");
        goto out;
    }
    for (tok = strtok_r(copy, ", \t", &save); tok && e == 0; tok = strtok_r(NULL, ", \t", &save)) {
        char *eq = strchr(tok, '=');
        const struct shorthand *sh;

        if (eq == NULL) {
            if ((sh = find_shorthand(tok)) == NULL) {
                e = fail(err, errsz, "unknown keyword \"%s\"", tok);
                break;
            }
            e = set_dl_type(&r->match, sh->dl_type, tok, err, errsz);
            if (e == 0 && sh->nw_proto >= 0)
                e = set_nw_proto(&r->match, (uint8_t)sh->nw_proto, tok, err, errsz);
            continue;
        }
        *eq = '\0';
        if (eq[1] == '\0') {
            e = fail(err, errsz, "%s: missing value", tok);
            break;
        }
        e = parse_field(tok, eq + 1, mode, r, err, errsz);
    }
    if (e == 0)
        e = check_prereqs(&r->match, err, errsz);
    if (e == 0 && mode == FLOW_PARSE_ADD && acts == NULL)
        e = fail(err, errsz, "must specify actions (actions=...)");
    if (e == 0 && mode == FLOW_PARSE_DEL && acts != NULL)
        e = fail(err, errsz, "actions are not allowed when deleting flows");
    if (e == 0 && acts != NULL)
        e = parse_actions(acts, r, err, errsz);
out:
    free(copy);
    return e;
}

/* ---- formatting ---- */

struct sbuf {
    char *p;
    size_t size, n;
};

static void __attribute__((__format__(printf, 2, 3)))
sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (b->n >= b->size)
        return;
    va_start(ap, fmt);
    w = vsnprintf(b->p + b->n, b->size - b->n, fmt, ap);
    va_end(ap);
    if (w > 0)
        b->n = b->n + (size_t)w < b->size ? b->n + (size_t)w : b->size - 1;
}

#define SEP(b) ((b)->n ? "," : "")

static void
put_mac(struct sbuf *b, const char *name, const uint8_t *m)
{
    sb_printf(b, "%s%s=%02x:%02x:%02x:%02x:%02x:%02x", SEP(b), name,
        m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void
put_prefix(struct sbuf *b, const char *name, uint32_t a, uint8_t len)
{
    sb_printf(b, "%s%s=%u.%u.%u.%u", SEP(b), name, a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
    if (len < 32)
        sb_printf(b, "/%u", len);
}

static void
format_match(struct sbuf *b, const struct flow_match *m)
{
    uint32_t f = m->fields;
    const struct flow_key *k = &m->key;

    if (f & FM_DL_TYPE) {
        const struct shorthand *best = NULL;

        for (size_t i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++) {
            const struct shorthand *sh = &shorthands[i];

            if (sh->dl_type != k->dl_type)
                continue;
            if (sh->nw_proto < 0 && best == NULL)
                best = sh;
            else if (sh->nw_proto >= 0 && (f & FM_NW_PROTO) && sh->nw_proto == k->nw_proto)
                best = sh;
        }
        if (best) {
            sb_printf(b, "%s%s", SEP(b), best->name);
            if (best->nw_proto >= 0)
                f &= ~(uint32_t)FM_NW_PROTO;
        } else {
            sb_printf(b, "%sdl_type=0x%04x", SEP(b), k->dl_type);
        }
    }
    if (f & FM_IN_PORT)
        sb_printf(b, "%sin_port=%u", SEP(b), k->in_port);
    if (f & FM_DL_VLAN)
        sb_printf(b, k->dl_vlan == FLOW_VLAN_NONE ? "%sdl_vlan=0x%04x" : "%sdl_vlan=%u",
            SEP(b), k->dl_vlan);
    if (f & FM_DL_SRC)
        put_mac(b, "dl_src", k->dl_src);
    if (f & FM_DL_DST)
        put_mac(b, "dl_dst", k->dl_dst);
    if (f & FM_NW_SRC)
        put_prefix(b, "nw_src", k->nw_src, m->nw_src_len);
    if (f & FM_NW_DST)
        put_prefix(b, "nw_dst", k->nw_dst, m->nw_dst_len);
    if (f & FM_NW_PROTO)
        sb_printf(b, "%snw_proto=%u", SEP(b), k->nw_proto);
    if (f & FM_TP_SRC)
        sb_printf(b, "%stp_src=%u", SEP(b), k->tp_src);
    if (f & FM_TP_DST)
        sb_printf(b, "%stp_dst=%u", SEP(b), k->tp_dst);
}

void
flow_format_match(const struct flow_match *m, char *buf, size_t size)
{
    struct sbuf b = { buf, size, 0 };

    if (size)
        buf[0] = '\0';
    format_match(&b, m);
}

static void
format_actions(struct sbuf *b, const struct flow_rule *r)
{
    size_t start = b->n;

    if (r->n_actions == 0)
        sb_printf(b, "drop");
    for (size_t i = 0; i < r->n_actions; i++) {
        const struct flow_action *a = &r->actions[i];
        const char *sep = b->n > start ? "," : "";

        switch (a->type) {
        case FA_OUTPUT:
            sb_printf(b, "%soutput:%u", sep, a->arg);
            break;
        case FA_NORMAL:
            sb_printf(b, "%sNORMAL", sep);
            break;
        case FA_FLOOD:
            sb_printf(b, "%sFLOOD", sep);
            break;
        case FA_IN_PORT:
            sb_printf(b, "%sIN_PORT", sep);
            break;
        case FA_MOD_DL_SRC:
        case FA_MOD_DL_DST:
            sb_printf(b, "%smod_dl_%s:%02x:%02x:%02x:%02x:%02x:%02x", sep,
                a->type == FA_MOD_DL_SRC ? "src" : "dst",
                a->mac[0], a->mac[1], a->mac[2], a->mac[3], a->mac[4], a->mac[5]);
            break;
        case FA_MOD_VLAN_VID:
            sb_printf(b, "%smod_vlan_vid:%u", sep, a->arg);
            break;
        case FA_STRIP_VLAN:
            sb_printf(b, "%sstrip_vlan", sep);
            break;
        }
    }
}

void
flow_format_actions(const struct flow_rule *r, char *buf, size_t size)
{
    struct sbuf b = { buf, size, 0 };

    if (size)
        buf[0] = '\0';
    format_actions(&b, r);
}

void
flow_format_rule(const struct flow_rule *r, char *buf, size_t size)
{
    struct sbuf b = { buf, size, 0 };

    if (size)
        buf[0] = '\0';
    sb_printf(&b, "priority=%u", r->priority);
    if (r->cookie)
        sb_printf(&b, ",cookie=0x%llx", (unsigned long long)r->cookie);
    if (r->idle_timeout)
        sb_printf(&b, ",idle_timeout=%u", r->idle_timeout);
    if (r->hard_timeout)
        sb_printf(&b, ",hard_timeout=%u", r->hard_timeout);
    format_match(&b, &r->match);
    sb_printf(&b, " actions=");
    format_actions(&b, r);
}
