/*
 * ctl_db: the switch's objects as Open vSwitch database tables; see
 * ctl_db.h.  Values are read and printed in the OVSDB syntax ovs-vsctl
 * uses: a set is "[a, b]" (brackets optional on input), a string is
 * quoted unless it is a plain word, a reference is a _uuid or "@name".
 */
#include "ctl_db.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "ctl.h"
#include "json.h"
#include "sflow_dp.h"

#define ATOM_MAX (SENDER_NAME_MAX + 32)

enum atype { A_INT, A_STR, A_UUID, A_BOOL };
/* Exactly one value, at most one, any number, or key=value pairs (atoms 2i and 2i+1). */
enum kind { K_ONE, K_OPT, K_SET, K_MAP };

struct column;

/* A column's value: its atoms as text (integers in decimal, strings unquoted). */
struct datum {
    const struct column *col;
    enum atype type;
    enum kind kind;
    size_t n, cap;
    char (*a)[ATOM_MAX];
    bool nomem;
};

enum tbl { T_BRIDGE, T_PORT, T_IFACE, T_SFLOW, T_MIRROR, T_NETFLOW };

/* A row: a bridge, a port, a port as an interface, or sFlow settings (a bridge's or a new row's). */
struct row {
    enum tbl t;
    struct bridge *br;
    struct port *p;
    struct ctl_db_new *nw;
    struct mirror *m;           /* A mirror of 'br'. */
};

struct ctx {
    struct sw *sw;
    struct ctl_db *db;
    FILE *out, *err;
};

struct column {
    const char *name;
    enum atype type;
    enum kind kind;
    void (*get)(const struct ctx *, const struct row *, struct datum *);
    /* Changes a row; NULL for read-only columns (and those of sFlow, which use 'sf'). */
    int (*set)(struct ctx *, const struct row *, const struct datum *);
    /* Changes sFlow settings. */
    int (*sf)(struct sw_sflow *, const struct datum *, FILE *);
    /* A number of sFlow settings: where, its largest value, its default. */
    size_t off;
    uint32_t max, dflt;
    /* Changes a mirror (ctx: to find the ports named), or NetFlow settings. */
    int (*mir)(struct ctx *, struct mirror *, const struct datum *);
    int (*nf)(struct nfdp_cfg *, const struct datum *, FILE *);
};

struct table {
    const char *name;
    enum tbl t;
    const struct column *cols;  /* _uuid, then the others by name. */
    size_t n_cols;
};

/* ---- values ---- */

static void
d_init(struct datum *d, const struct column *c)
{
    memset(d, 0, sizeof(*d));
    d->col = c;
    d->type = c->type;
    d->kind = c->kind;
}

static void
d_put(struct datum *d, const char *s)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 4;
        void *p = realloc(d->a, cap * sizeof(*d->a));

        if (p == NULL) {
            d->nomem = true;
            return;
        }
        d->a = p;
        d->cap = cap;
    }
    snprintf(d->a[d->n++], ATOM_MAX, "%s", s);
}

static void
d_putu(struct datum *d, unsigned long long v)
{
    char b[24];

    snprintf(b, sizeof(b), "%llu", v);
    d_put(d, b);
}

static int
cmp_int(const void *a, const void *b)
{
    unsigned long long x = strtoull(a, NULL, 10), y = strtoull(b, NULL, 10);

    return x < y ? -1 : x > y;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Sets and maps (by key) are printed sorted, as OVSDB keeps them. */
static void
d_sort(struct datum *d)
{
    if (d->kind == K_MAP && d->n > 2)
        qsort(d->a, d->n / 2, 2 * sizeof(*d->a), cmp_str);
    else if (d->kind != K_MAP && d->n > 1)
        qsort(d->a, d->n, sizeof(*d->a), d->type == A_INT ? cmp_int : cmp_str);
}

/* A stable _uuid for row 'name' of table 'tname': FNV-1a, twice, shaped as a version 4 UUID. */
static void
make_uuid(const char *tname, const char *name, char *buf, size_t len)
{
    uint64_t h[2] = { 0xcbf29ce484222325ull, 0x84222325cbf29ce4ull };

    for (int k = 0; k < 2; k++) {
        for (const char *s = tname; *s; s++)
            h[k] = (h[k] ^ (uint8_t)*s) * 0x100000001b3ull;
        h[k] = (h[k] ^ 0xff) * 0x100000001b3ull;
        for (const char *s = name; *s; s++)
            h[k] = (h[k] ^ (uint8_t)*s) * 0x100000001b3ull;
        /* Spread every input bit over the whole word (splitmix64's finish). */
        h[k] = (h[k] ^ (h[k] >> 30)) * 0xbf58476d1ce4e5b9ull;
        h[k] = (h[k] ^ (h[k] >> 27)) * 0x94d049bb133111ebull;
        h[k] ^= h[k] >> 31;
    }
    snprintf(buf, len, "%08llx-%04llx-4%03llx-%04llx-%012llx",
        (unsigned long long)(h[0] >> 32), (unsigned long long)(h[0] >> 16 & 0xffff),
        (unsigned long long)(h[0] & 0xfff), (unsigned long long)(0x8000 | (h[1] >> 48 & 0x3fff)),
        (unsigned long long)(h[1] & 0xffffffffffffull));
}

static void
row_uuid(const struct ctl_db *db, const struct row *r, char *buf, size_t len)
{
    static const char *const tnames[] = { "Bridge", "Port", "Interface", "sFlow", "Mirror", "NetFlow" };
    char name[BRIDGE_NAME_MAX + MIRROR_NAME_MAX + 8];
    const struct bridge *br = r->nw ? r->nw->br : r->br;

    if (r->nw != NULL && br == NULL)
        snprintf(name, sizeof(name), "new%zu", (size_t)(r->nw - db->rows));
    else if (r->t == T_MIRROR)      /* A mirror's name is its bridge's alone. */
        snprintf(name, sizeof(name), "%s/%s", br->name, r->nw ? r->nw->mir.name : r->m->name);
    else
        snprintf(name, sizeof(name), "%s", r->t == T_PORT || r->t == T_IFACE ? r->p->name : br->name);
    make_uuid(tnames[r->t], name, buf, len);
}

/*
 * Whether ovs-vsctl prints string 's' in quotes: anything but a word that
 * starts with a letter or '_' and goes on with those, digits, '-', '.'.
 */
static bool
needs_quotes(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return true;
    for (const char *p = s + 1; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.')
            return true;
    return strcmp(s, "true") == 0 || strcmp(s, "false") == 0;
}

/* 's' as a JSON string (json.h); what is printed is an atom, a name or a map entry, shorter than ATOM_MAX. */
static void
put_json_string(FILE *f, const char *s)
{
    char buf[ATOM_MAX * 6 + 2];
    size_t n = strnlen(s, ATOM_MAX - 1);

    fwrite(buf, 1, (size_t)(json_put_string(buf, s, n) - buf), f);
}

enum style { S_TEXT, S_BARE, S_JSON };

static void
put_atom(FILE *f, enum atype t, const char *a, enum style st)
{
    if (st == S_JSON && t == A_STR)
        put_json_string(f, a);
    else if (st == S_JSON && t == A_UUID)
        fprintf(f, "[\"uuid\",\"%s\"]", a);
    else if (st == S_TEXT && t == A_STR && needs_quotes(a))
        put_json_string(f, a);
    else
        fputs(a, f);
}

/* A map: {k=v, ...}, ["map",[["k","v"],...]] in JSON, k=v k=v bare. */
static void
put_map(FILE *f, const struct datum *d, enum style st)
{
    fputs(st == S_JSON ? "[\"map\",[" : st == S_TEXT ? "{" : "", f);
    for (size_t i = 0; i + 1 < d->n; i += 2) {
        if (i)
            fputs(st == S_JSON ? "," : st == S_TEXT ? ", " : " ", f);
        fputs(st == S_JSON ? "[" : "", f);
        put_atom(f, A_STR, d->a[i], st);
        fputs(st == S_JSON ? "," : "=", f);
        put_atom(f, A_STR, d->a[i + 1], st);
        fputs(st == S_JSON ? "]" : "", f);
    }
    fputs(st == S_JSON ? "]]" : st == S_TEXT ? "}" : "", f);
}

static void
put_datum(FILE *f, const struct datum *d, enum style st)
{
    bool one = d->kind == K_ONE || (d->n == 1 && (d->kind == K_OPT || st != S_TEXT));

    if (d->kind == K_MAP) {
        put_map(f, d, st);
        return;
    }
    if (one || st == S_BARE) {
        for (size_t i = 0; i < d->n; i++) {
            if (i)
                fputc(' ', f);
            put_atom(f, d->type, d->a[i], st);
        }
        return;
    }
    fputs(st == S_JSON ? "[\"set\",[" : "[", f);
    for (size_t i = 0; i < d->n; i++) {
        if (i)
            fputs(st == S_JSON ? "," : ", ", f);
        put_atom(f, d->type, d->a[i], st);
    }
    fputs(st == S_JSON ? "]]" : "]", f);
}

static int set_port_trunks(struct ctx *, const struct row *, const struct datum *);
static int nf_active(struct nfdp_cfg *, const struct datum *, FILE *);

/* The four hex digits at 's' (at least 4 bytes) into '*cp'; false if they are not. */
static bool
read_hex4(const char *s, unsigned *cp)
{
    *cp = 0;
    for (int i = 0; i < 4; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return false;
        *cp = *cp << 4 | (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
    }
    return true;
}

/*
 * JSON's escape at 's' (after its backslash; 'n' bytes there) as UTF-8
 * bytes into 'out' (room for 4); returns how many it wrote, 0 if it is
 * malformed.  '*used' gets the bytes it took after the backslash.  A
 * character beyond U+FFFF is a surrogate pair (\ud83d\ude00), as JSON
 * writes it and ovs-vsctl reads it.
 */
static size_t
read_escape(const char *s, size_t n, char *out, size_t *used)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e = n > 0 ? strchr(from, s[0]) : NULL;
    unsigned cp, lo;

    *used = 1;
    if (e != NULL && *e != '\0') {
        out[0] = to[e - from];
        return 1;
    }
    if (n < 5 || s[0] != 'u' || !read_hex4(s + 1, &cp))
        return 0;
    *used = 5;
    if (cp >= 0xd800 && cp <= 0xdbff && n >= 11 && s[5] == '\\' && s[6] == 'u' &&
        read_hex4(s + 7, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
        *used = 11;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        out[0] = (char)(0xf0 | cp >> 18);
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[3] = (char)(0x80 | (cp & 0x3f));
        return 4;
    }
    if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;               /* A NUL would end the string; a lone surrogate is no character. */
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    out[0] = (char)(0xe0 | cp >> 12);
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
}

/*
 * Atom 's' ('n' bytes) without blanks around it and its quotes, into
 * 'buf', a quoted one with its JSON escapes read (the inverse of
 * put_json_string()).  EINVAL if malformed, EILSEQ if not UTF-8 (the
 * database's strings are UTF-8, as in Open vSwitch).
 */
static int
read_atom(const char *s, size_t n, char *buf, size_t len)
{
    size_t o = 0, used;

    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || *s != '"') {
        if (n >= len)
            return EINVAL;
        memcpy(buf, s, n);
        o = n;
    } else {
        if (n < 2 || s[n - 1] != '"')
            return EINVAL;
        for (size_t i = 1; i + 1 < n; i++) {
            char c[4];
            size_t k = 1;

            c[0] = s[i];
            if (s[i] == '\\') {
                if ((k = read_escape(s + i + 1, n - 2 - i, c, &used)) == 0)
                    return EINVAL;
                i += used;
            }
            if (o + k >= len)
                return EINVAL;
            memcpy(buf + o, c, k);
            o += k;
        }
    }
    buf[o] = '\0';
    return json_is_utf8(buf, o) ? 0 : EILSEQ;
}

/* Length of 'v' ('len' bytes) up to the first 'stop' byte outside quotes. */
static size_t
span_unquoted(const char *v, size_t len, char stop)
{
    bool q = false;
    size_t n = 0;

    for (; n < len && (q || v[n] != stop); n++) {
        if (v[n] == '\\' && q && n + 1 < len)
            n++;
        else if (v[n] == '"')
            q = !q;
    }
    return n;
}

/*
 * Parses 'v', the value of column 'c', into 'd': one atom, or for a set a
 * list separated by commas, in brackets or not.  A value that starts with
 * '[' but does not end with ']' ("[::1]:6343") is one atom.  0, or EINVAL
 * after a message on 'err'.
 */
static int parse_map(const char *tname, const struct column *c, const char *v, struct datum *d,
    bool keys, FILE *err);

static int
parse_datum(const char *tname, const struct column *c, const char *v, struct datum *d, FILE *err)
{
    size_t len = strlen(v);
    char atom[ATOM_MAX];
    bool list = c->kind == K_SET;
    int e;

    if (c->kind == K_MAP)
        return parse_map(tname, c, v, d, false, err);
    d_init(d, c);
    if (c->kind != K_ONE && len >= 2 && v[0] == '[' && v[len - 1] == ']') {
        v++;
        len -= 2;
        list = true;
    }
    for (bool first = true; len > 0 || (first && !list); first = false) {
        size_t n = list ? span_unquoted(v, len, ',') : len;

        if ((e = read_atom(v, n, atom, sizeof(atom))) != 0) {
            fprintf(err, "%s column %s: \"%.*s\" is not %s\n", tname, c->name, (int)n, v,
                e == EILSEQ ? "valid UTF-8" : "a valid value");
            return EINVAL;
        }
        /* Trunks also take ranges (10-20), as add-port does. */
        if (c->type == A_INT && (atom[0] == '\0' || strlen(atom) > 18 ||
            strspn(atom, c->set == set_port_trunks || c->nf == nf_active ? "0123456789-" : "0123456789") != strlen(atom))) {
            fprintf(err, "%s column %s: \"%s\" is not an integer\n", tname, c->name, atom);
            return EINVAL;
        }
        if (c->type == A_BOOL && strcmp(atom, "true") != 0 && strcmp(atom, "false") != 0) {
            fprintf(err, "%s column %s: \"%s\" is not true or false\n", tname, c->name, atom);
            return EINVAL;
        }
        if (atom[0] != '\0' || c->type == A_STR)
            d_put(d, atom);
        v += n < len ? n + 1 : n;
        len -= n < len ? n + 1 : n;
    }
    if (d->nomem) {
        fprintf(err, "out of memory\n");
        return ENOMEM;
    }
    if (d->n > 1 && c->kind != K_SET) {
        fprintf(err, "%s column %s takes one value, not %zu\n", tname, c->name, d->n);
        return EINVAL;
    }
    if (d->n == 0 && c->kind == K_ONE) {
        fprintf(err, "%s column %s must have a value\n", tname, c->name);
        return EINVAL;
    }
    d_sort(d);
    return 0;
}

/*
 * Parses map 'v' ("{k=v, k2=v2}", braces optional) of column 'c' into
 * 'd'.  With 'keys', an element may be a key alone (remove's syntax),
 * which becomes the pair (key, "\n"): no value can hold a newline.  0, or
 * EINVAL after a message.
 */
static int
parse_map(const char *tname, const struct column *c, const char *v, struct datum *d, bool keys, FILE *err)
{
    size_t len = strlen(v);
    char k[ATOM_MAX], val[ATOM_MAX];

    d_init(d, c);
    if (len >= 2 && v[0] == '{' && v[len - 1] == '}') {
        v++;
        len -= 2;
    }
    while (len > 0) {
        size_t n = span_unquoted(v, len, ','), eq = span_unquoted(v, n, '=');

        int ek = read_atom(v, eq, k, sizeof(k));
        int ev = eq < n ? read_atom(v + eq + 1, n - eq - 1, val, sizeof(val)) : keys ? 0 : EINVAL;

        if (ek != 0 || k[0] == '\0' || ev != 0) {
            fprintf(err, "%s column %s: \"%.*s\" is not %s\n", tname, c->name, (int)n, v,
                ek == EILSEQ || ev == EILSEQ ? "valid UTF-8" : "KEY=VALUE");
            return EINVAL;
        }
        d_put(d, k);
        d_put(d, eq < n ? val : "\n");
        v += n < len ? n + 1 : n;
        len -= n < len ? n + 1 : n;
    }
    if (d->nomem) {
        fprintf(err, "out of memory\n");
        return ENOMEM;
    }
    d_sort(d);
    return 0;
}

/* The row this chain created in table 't' that 'name' (its @id or _uuid) names, or NULL. */
static struct ctl_db_new *
new_row(struct ctl_db *db, enum tbl t, const char *name)
{
    static const enum tbl of[] = { T_SFLOW, T_MIRROR, T_NETFLOW };
    char u[40];

    for (size_t i = 0; i < db->n_rows; i++) {
        struct row nr = { of[db->rows[i].table], NULL, NULL, &db->rows[i], NULL };

        if (nr.t != t)
            continue;
        row_uuid(db, &nr, u, sizeof(u));
        if (strcmp(db->rows[i].id, name) == 0 || strcmp(u, name) == 0)
            return &db->rows[i];
    }
    return NULL;
}

/* ---- the columns ---- */

static const struct sw_sflow *
row_sflow(const struct row *r)
{
    return r->nw ? &r->nw->cfg : &r->br->sf;
}

static void
get_uuid(const struct ctx *x, const struct row *r, struct datum *d)
{
    char u[40];

    row_uuid(x->db, r, u, sizeof(u));
    d_put(d, u);
}

static void
get_name(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    d_put(d, r->t == T_BRIDGE ? r->br->name : r->p->name);
}

static void
get_br_dpid(const struct ctx *x, const struct row *r, struct datum *d)
{
    char b[20];

    (void)x;
    snprintf(b, sizeof(b), "%016llx", (unsigned long long)r->br->dpid);
    d_put(d, b);
}

static void
get_br_ports(const struct ctx *x, const struct row *r, struct datum *d)
{
    for (size_t i = 0; i < r->br->n_ports; i++) {
        struct row pr = { T_PORT, r->br, r->br->ports[i], NULL, NULL };

        get_uuid(x, &pr, d);
    }
}

static void
get_br_sflow(const struct ctx *x, const struct row *r, struct datum *d)
{
    struct row sr = { T_SFLOW, r->br, NULL, NULL, NULL };

    if (r->br->sf.on)
        get_uuid(x, &sr, d);
}

/* "set bridge BR sflow=@name|UUID|[]": applies (or removes) sFlow settings. */
static int
set_br_sflow(struct ctx *x, const struct row *r, const struct datum *d)
{
    struct sw_sflow cfg;
    struct ctl_db_new *nw = NULL;
    char msg[256], u[40];

    if (d->n == 0) {
        sfdp_clear(r->br);
        return 0;
    }
    nw = new_row(x->db, T_SFLOW, d->a[0]);
    if (nw != NULL) {
        cfg = nw->cfg;
    } else {
        const struct bridge *from = NULL;

        for (size_t i = 0; i < x->sw->n_br && from == NULL; i++) {
            struct row sr = { T_SFLOW, x->sw->br[i], NULL, NULL, NULL };

            row_uuid(x->db, &sr, u, sizeof(u));
            if (x->sw->br[i]->sf.on && strcmp(u, d->a[0]) == 0)
                from = x->sw->br[i];
        }
        if (from == NULL) {
            fprintf(x->err, "no row \"%s\" in table sFlow\n", d->a[0]);
            return EINVAL;
        }
        cfg = from->sf;
    }
    cfg.on = true;
    if (sfdp_configure(r->br, &cfg, msg, sizeof(msg)) != 0) {
        fprintf(x->err, "sFlow of bridge %s: %s\n", r->br->name, msg);
        return EINVAL;
    }
    if (nw != NULL)
        nw->br = r->br;
    return 0;
}

static void
get_port_ifaces(const struct ctx *x, const struct row *r, struct datum *d)
{
    struct row ir = { T_IFACE, r->br, r->p, NULL, NULL };

    get_uuid(x, &ir, d);
}

static void
get_port_tag(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    if (r->p->vlan.tag)
        d_putu(d, r->p->vlan.tag);
}

static void
get_port_trunks(const struct ctx *x, const struct row *r, struct datum *d)
{
    const struct vlan_cfg *vc = &r->p->vlan;

    (void)x;
    for (unsigned v = 1; vc->has_trunks && v <= VLAN_MAX; v++)
        if (vc->trunks[v >> 6] >> (v & 63) & 1)
            d_putu(d, v);
}

static int
set_port_tag(struct ctx *x, const struct row *r, const struct datum *d)
{
    struct vlan_cfg vc = r->p->vlan;

    vc.tag = 0;
    if (d->n == 1 && vlan_parse_id(d->a[0], false, &vc.tag) != 0) {
        fprintf(x->err, "Port column tag: %s is not a VLAN id 1-4095\n", d->a[0]);
        return EINVAL;
    }
    bridge_set_vlan(r->p, &vc);
    return 0;
}

static int
set_port_trunks(struct ctx *x, const struct row *r, const struct datum *d)
{
    struct vlan_cfg vc = r->p->vlan;
    char *list = calloc(d->n + 1, 8);

    if (list == NULL) {
        fprintf(x->err, "out of memory\n");
        return ENOMEM;
    }
    for (size_t i = 0; i < d->n; i++)
        snprintf(list + strlen(list), 8, "%s%s", i ? "," : "", d->a[i]);
    if (vlan_parse_trunks(&vc, list) != 0) {
        fprintf(x->err, "Port column trunks: [%s] is not a list of VLAN ids 1-4095\n", list);
        free(list);
        return EINVAL;
    }
    free(list);
    bridge_set_vlan(r->p, &vc);
    return 0;
}

static void
get_port_vlan_mode(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    if (r->p->vlan.mode != VLAN_MODE_AUTO)
        d_put(d, vlan_mode_name(&r->p->vlan));
}

static int
set_port_vlan_mode(struct ctx *x, const struct row *r, const struct datum *d)
{
    struct vlan_cfg vc = r->p->vlan;

    if (vlan_parse_mode(&vc, d->n ? d->a[0] : "") != 0 || (d->n && d->a[0][0] == '\0')) {
        fprintf(x->err, "Port column vlan_mode: %s is not one of access, trunk, native-tagged, "
            "native-untagged (dot1q-tunnel is not implemented)\n", d->a[0]);
        return EINVAL;
    }
    bridge_set_vlan(r->p, &vc);
    return 0;
}

/* The map of column 'c' in row 'r' (a bridge's or a port's, at the column's offset). */
static struct kvmap **
row_map(const struct row *r, const struct column *c)
{
    return (struct kvmap **)(void *)((r->t == T_BRIDGE ? (char *)r->br : (char *)r->p) + c->off);
}

static void
get_map(const struct ctx *x, const struct row *r, struct datum *d)
{
    const struct kvmap *m = *row_map(r, d->col);

    (void)x;
    for (size_t i = 0; m != NULL && i < m->n; i++) {
        d_put(d, m->key[i]);
        d_put(d, m->value[i]);
    }
}

static int
set_map(struct ctx *x, const struct row *r, const struct datum *d)
{
    struct kvmap *m = d->n ? kvmap_new() : NULL, **slot = row_map(r, d->col);
    int e = 0;

    if (d->n && m == NULL) {
        fprintf(x->err, "out of memory\n");
        return ENOMEM;
    }
    for (size_t i = 0; i + 1 < d->n && e == 0; i += 2)
        if ((e = kvmap_set(m, d->a[i], d->a[i + 1])) != 0)
            fprintf(x->err, "%s column %s: %s=%s: %s\n",
                r->t == T_BRIDGE ? "Bridge" : r->t == T_PORT ? "Port" : "Interface",
                d->col->name, d->a[i], d->a[i + 1],
                e == ENOSPC ? "more than 16 keys" : e == EINVAL ? "control characters are refused" :
                "a key is at most 63 bytes, a value 127");
    if (e != 0) {
        free(m);
        return e;
    }
    free(*slot);
    *slot = m;
    x->sw->config_gen++;
    return 0;
}

static void
get_if_error(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    if (r->p->ring.fd < 0)
        d_put(d, r->p->error);
}

static void
get_if_ifindex(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    if (r->p->ring.fd >= 0 && r->p->ifindex > 0)
        d_putu(d, (unsigned)r->p->ifindex);
}

static void
get_if_ofport(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    d_putu(d, r->p->ofport);
}

static void
get_if_ofport_request(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    if (r->p->ofport_request)
        d_putu(d, r->p->ofport_request);
}

/* The port takes the number at once; cleared, it keeps the number it has. */
static int
set_if_ofport_request(struct ctx *x, const struct row *r, const struct datum *d)
{
    unsigned long long n = d->n ? strtoull(d->a[0], NULL, 10) : 0;
    char msg[128];

    if (d->n && (n == 0 || n > BRIDGE_MAX_OFPORT)) {
        fprintf(x->err, "Interface column ofport_request: %s is not 1-%d\n", d->a[0], BRIDGE_MAX_OFPORT);
        return EINVAL;
    }
    if (n && bridge_set_ofport(r->p, (uint16_t)n, msg, sizeof(msg)) != 0) {
        fprintf(x->err, "Interface column ofport_request: %s\n", msg);
        return EINVAL;
    }
    if (r->p->ofport_request != n)
        x->sw->config_gen++;
    r->p->ofport_request = (uint16_t)n;
    return 0;
}

static void
get_if_type(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    d_put(d, r->p->local ? "internal" : "");
}

static void
get_sf_agent(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    if (row_sflow(r)->agent[0])
        d_put(d, row_sflow(r)->agent);
}

/* A number of sFlow settings (header, polling, sampling), as its column 'd->col' says. */
static void
get_sf_num(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    d_putu(d, *(const uint32_t *)(const void *)((const char *)row_sflow(r) + d->col->off));
}

/* Column targets of the sFlow and NetFlow tables: 'n' of 'targets' into 'd'. */
static void
get_targets(const char (*targets)[SENDER_NAME_MAX], size_t n, struct datum *d)
{
    for (size_t i = 0; i < n; i++)
        d_put(d, targets[i]);
}

static void
get_sf_targets(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    get_targets(row_sflow(r)->targets, row_sflow(r)->n_targets, d);
}

static int
sf_agent(struct sw_sflow *cfg, const struct datum *d, FILE *err)
{
    if (d->n == 1 && strlen(d->a[0]) >= sizeof(cfg->agent)) {
        fprintf(err, "sFlow column agent: \"%s\" is too long\n", d->a[0]);
        return EINVAL;
    }
    snprintf(cfg->agent, sizeof(cfg->agent), "%s", d->n ? d->a[0] : "");
    return 0;
}

/* Cleared (no value), a setting takes the switch's default. */
static int
sf_num(struct sw_sflow *cfg, const struct datum *d, FILE *err)
{
    const struct column *c = d->col;
    uint32_t *v = (uint32_t *)(void *)((char *)cfg + c->off);
    unsigned long long x = d->n ? strtoull(d->a[0], NULL, 10) : c->dflt;

    if (x > c->max) {
        fprintf(err, "sFlow column %s: %s is more than %u\n", c->name, d->a[0], c->max);
        return EINVAL;
    }
    *v = (uint32_t)x;
    return 0;
}

/* Column targets of table 'tname' := 'd', into 'targets' ('*n' of at most 'max'). */
static int
put_targets(const char *tname, char (*targets)[SENDER_NAME_MAX], size_t *n, size_t max,
    const struct datum *d, FILE *err)
{
    if (d->n > max) {
        fprintf(err, "%s column targets: %zu targets, at most %zu\n", tname, d->n, max);
        return EINVAL;
    }
    for (size_t i = 0; i < d->n; i++) {
        if (strlen(d->a[i]) >= SENDER_NAME_MAX) {
            fprintf(err, "%s column targets: \"%s\" is too long\n", tname, d->a[i]);
            return EINVAL;
        }
        snprintf(targets[i], SENDER_NAME_MAX, "%s", d->a[i]);
    }
    *n = d->n;
    return 0;
}

static int
sf_targets(struct sw_sflow *cfg, const struct datum *d, FILE *err)
{
    return put_targets("sFlow", cfg->targets, &cfg->n_targets, SW_SFLOW_MAX_TARGETS, d, err);
}

/* ---- Mirror and NetFlow ---- */

bool
ctl_db_has_id(const struct ctl_db *db, const char *name, size_t len)
{
    for (size_t i = 0; i < db->n_rows; i++)
        if (strlen(db->rows[i].id) == len && strncmp(db->rows[i].id, name, len) == 0)
            return true;
    for (size_t i = 0; i < db->n_refs; i++)
        if (strlen(db->refs[i].id) == len && strncmp(db->refs[i].id, name, len) == 0)
            return true;
    return false;
}

/* Whether --id 'id' already named a row of this chain (as in ovs-vsctl, an id is given once), after a message. */
static bool
id_taken(const struct ctl_db *db, const char *id, FILE *err)
{
    if (!ctl_db_has_id(db, id, strlen(id)))
        return false;
    fprintf(err, "row id \"%s\" may only be specified on one --id option\n", id);
    return true;
}

/* "--id=@name get port P": '@name' stands for port P in this chain's later values. */
static int
remember_ref(struct ctx *x, const struct table *t, const struct row *r)
{
    struct ctl_db *db = x->db;

    if (db->id[0] != '@' || strlen(db->id) >= CTL_DB_ID_MAX || (t->t != T_PORT && t->t != T_IFACE)) {
        fprintf(x->err, "--id=%s get: sflow-switch names Port rows only, as @NAME\n", db->id);
        return EINVAL;
    }
    if (id_taken(db, db->id, x->err))
        return EINVAL;
    if (db->n_refs == CTL_DB_MAX_NEW) {
        fprintf(x->err, "get: at most %d --id rows in one call\n", CTL_DB_MAX_NEW);
        return EINVAL;
    }
    snprintf(db->refs[db->n_refs].id, CTL_DB_ID_MAX, "%s", db->id);
    db->refs[db->n_refs++].p = r->p;
    return 0;
}

/* The port that 'a' names: an @id of "get", a Port _uuid, or a port name; NULL after a message. */
static struct port *
resolve_port(struct ctx *x, const char *col, const char *a)
{
    char u[40];

    for (size_t i = 0; i < x->db->n_refs; i++)
        if (strcmp(x->db->refs[i].id, a) == 0)
            return x->db->refs[i].p;
    for (size_t i = 0; i < x->sw->n_br; i++) {
        struct bridge *br = x->sw->br[i];

        for (size_t j = 0; j < br->n_ports; j++) {
            struct row pr = { T_PORT, br, br->ports[j], NULL, NULL };

            row_uuid(x->db, &pr, u, sizeof(u));
            if (strcmp(u, a) == 0 || strcmp(br->ports[j]->name, a) == 0)
                return br->ports[j];
        }
    }
    fprintf(x->err, "Mirror column %s: no row \"%s\" in table Port\n", col, a);
    return NULL;
}

static const struct mirror *
row_mirror(const struct row *r)
{
    return r->nw ? &r->nw->mir : r->m;
}

static const struct nfdp_cfg *
row_netflow(const struct row *r)
{
    return r->nw ? &r->nw->nf : nfdp_config(r->br);
}

static void
put_ports(const struct ctx *x, struct port *const *ps, size_t n, struct datum *d)
{
    for (size_t k = 0; k < n; k++) {
        struct row pr = { T_PORT, ps[k]->br, ps[k], NULL, NULL };

        get_uuid(x, &pr, d);
    }
}

static void
put_vlans(const uint64_t *bits, struct datum *d)
{
    for (unsigned v = 0; v <= VLAN_MAX; v++)
        if (bits[v >> 6] >> (v & 63) & 1)
            d_putu(d, v);
}

static void
get_mir_name(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    d_put(d, row_mirror(r)->name);
}

static void
get_mir_all(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    d_put(d, row_mirror(r)->select_all ? "true" : "false");
}

static void
get_mir_src(const struct ctx *x, const struct row *r, struct datum *d)
{
    put_ports(x, row_mirror(r)->src, row_mirror(r)->n_src, d);
}

static void
get_mir_dst(const struct ctx *x, const struct row *r, struct datum *d)
{
    put_ports(x, row_mirror(r)->dst, row_mirror(r)->n_dst, d);
}

static void
get_mir_vlans(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    if (row_mirror(r)->has_vlans)
        put_vlans(row_mirror(r)->vlans, d);
}

static void
get_mir_out(const struct ctx *x, const struct row *r, struct datum *d)
{
    if (row_mirror(r)->out != NULL)
        put_ports(x, &row_mirror(r)->out, 1, d);
}

static void
get_mir_out_vlan(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    if (row_mirror(r)->out_vlan != 0)
        d_putu(d, row_mirror(r)->out_vlan);
}

static int
mir_name(struct ctx *x, struct mirror *m, const struct datum *d)
{
    /* The state file and its TAB-separated words must be able to hold it. */
    if (strlen(d->a[0]) >= sizeof(m->name) || strpbrk(d->a[0], "\t\n\r\",[]") != NULL) {
        fprintf(x->err, "Mirror column name: \"%s\" is too long or holds a tab, newline, quote, comma or bracket\n",
            d->a[0]);
        return EINVAL;
    }
    snprintf(m->name, sizeof(m->name), "%s", d->a[0]);
    return 0;
}

static int
mir_all(struct ctx *x, struct mirror *m, const struct datum *d)
{
    (void)x;
    m->select_all = strcmp(d->a[0], "true") == 0;
    return 0;
}

/* Sets the 'n' ports at 'ps' to those 'd' names. */
static int
mir_ports(struct ctx *x, struct port **ps, size_t *n, const struct datum *d)
{
    if (d->n > BRIDGE_MAX_PORTS) {
        fprintf(x->err, "Mirror column %s: %zu ports, at most %d\n", d->col->name, d->n, BRIDGE_MAX_PORTS);
        return EINVAL;
    }
    for (size_t k = 0; k < d->n; k++)
        if ((ps[k] = resolve_port(x, d->col->name, d->a[k])) == NULL)
            return EINVAL;
    *n = d->n;
    return 0;
}

static int
mir_src(struct ctx *x, struct mirror *m, const struct datum *d)
{
    return mir_ports(x, m->src, &m->n_src, d);
}

static int
mir_dst(struct ctx *x, struct mirror *m, const struct datum *d)
{
    return mir_ports(x, m->dst, &m->n_dst, d);
}

static int
mir_vlans(struct ctx *x, struct mirror *m, const struct datum *d)
{
    memset(m->vlans, 0, sizeof(m->vlans));
    m->has_vlans = d->n > 0;
    for (size_t k = 0; k < d->n; k++) {
        uint16_t v;

        if (vlan_parse_id(d->a[k], true, &v) != 0) {
            fprintf(x->err, "Mirror column select_vlan: %s is not a VLAN id 0-4095\n", d->a[k]);
            return EINVAL;
        }
        m->vlans[v >> 6] |= 1ull << (v & 63);
    }
    return 0;
}

static int
mir_out(struct ctx *x, struct mirror *m, const struct datum *d)
{
    m->out = NULL;
    return d->n == 0 || (m->out = resolve_port(x, "output_port", d->a[0])) != NULL ? 0 : EINVAL;
}

static int
mir_out_vlan(struct ctx *x, struct mirror *m, const struct datum *d)
{
    m->out_vlan = 0;
    if (d->n == 1 && vlan_parse_id(d->a[0], false, &m->out_vlan) != 0) {
        fprintf(x->err, "Mirror column output_vlan: %s is not a VLAN id 1-4095\n", d->a[0]);
        return EINVAL;
    }
    return 0;
}

/* Column 'c' := 'd' on a Mirror row: a new row's settings, or a bridge's mirror, applied at once. */
static int
set_mirror_value(struct ctx *x, const struct column *c, const struct row *r, const struct datum *d)
{
    struct mirror *m = malloc(sizeof(*m));
    char msg[256];
    int e, i;

    if (m == NULL) {
        fprintf(x->err, "out of memory\n");
        return ENOMEM;
    }
    *m = *row_mirror(r);
    if ((e = c->mir(x, m, d)) == 0 && r->nw != NULL) {
        r->nw->mir = *m;
        if (r->nw->br != NULL)
            e = EINVAL;         /* Already applied: a later change would be lost. */
    } else if (e == 0) {
        i = mirror_find(r->br, r->m->name);
        if (strcmp(m->name, r->m->name) != 0 && mirror_find(r->br, m->name) >= 0) {
            fprintf(x->err, "bridge %s has a mirror named %s already\n", r->br->name, m->name);
            e = EEXIST;
        } else if ((e = mirror_set(r->br, m, msg, sizeof(msg))) != 0) {
            fprintf(x->err, "%s\n", msg);
        } else if (i >= 0 && strcmp(r->br->mirrors[i]->name, m->name) != 0) {
            mirror_del(r->br, (size_t)i);       /* Renamed: the old one goes. */
        }
    }
    if (e == EINVAL && r->nw != NULL && r->nw->br != NULL)
        fprintf(x->err, "Mirror row %s: change it before it is added to a bridge\n", r->nw->id);
    free(m);
    return e;
}

static void
get_nf_targets(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    get_targets(row_netflow(r)->targets, row_netflow(r)->n_targets, d);
}

static void
get_nf_active(const struct ctx *x, const struct row *r, struct datum *d)
{
    char b[16];

    (void)x;
    snprintf(b, sizeof(b), "%d", (int)row_netflow(r)->active_timeout);
    d_put(d, b);
}

static void
get_nf_engine(const struct ctx *x, const struct row *r, struct datum *d)
{
    const struct nfdp_cfg *cfg = row_netflow(r);
    int v = strcmp(d->col->name, "engine_id") == 0 ? cfg->engine_id : cfg->engine_type;

    (void)x;
    if (v >= 0)
        d_putu(d, (unsigned)v);
}

static void
get_nf_add_id(const struct ctx *x, const struct row *r, struct datum *d)
{
    (void)x;
    d_put(d, row_netflow(r)->add_id_to_interface ? "true" : "false");
}

static int
nf_targets(struct nfdp_cfg *cfg, const struct datum *d, FILE *err)
{
    return put_targets("NetFlow", cfg->targets, &cfg->n_targets, NFDP_MAX_TARGETS, d, err);
}

static int
nf_active(struct nfdp_cfg *cfg, const struct datum *d, FILE *err)
{
    char *end;
    long v = strtol(d->a[0], &end, 10);

    if (*end != '\0' || v < -1 || v > 86400 * 365) {
        fprintf(err, "NetFlow column active_timeout: %s is not -1 or a number of seconds\n", d->a[0]);
        return EINVAL;
    }
    cfg->active_timeout = (int32_t)v;
    return 0;
}

static int
nf_engine(struct nfdp_cfg *cfg, const struct datum *d, FILE *err)
{
    int16_t *v = strcmp(d->col->name, "engine_id") == 0 ? &cfg->engine_id : &cfg->engine_type;
    unsigned long x = d->n ? strtoul(d->a[0], NULL, 10) : 0;

    if (x > 255) {
        fprintf(err, "NetFlow column %s: %s is more than 255\n", d->col->name, d->a[0]);
        return EINVAL;
    }
    *v = d->n ? (int16_t)x : -1;
    return 0;
}

static int
nf_add_id(struct nfdp_cfg *cfg, const struct datum *d, FILE *err)
{
    (void)err;
    cfg->add_id_to_interface = strcmp(d->a[0], "true") == 0;
    return 0;
}

/* Column 'c' := 'd' on a NetFlow row: a new row's settings, or a bridge's export, applied at once. */
static int
set_netflow_value(struct ctx *x, const struct column *c, const struct row *r, const struct datum *d)
{
    struct nfdp_cfg cfg = *row_netflow(r);
    char msg[256];
    int e;

    if ((e = c->nf(&cfg, d, x->err)) != 0)
        return e;
    if (r->nw != NULL) {
        r->nw->nf = cfg;
        return 0;
    }
    if ((e = nfdp_configure(r->br, &cfg, msg, sizeof(msg))) != 0)
        fprintf(x->err, "NetFlow of bridge %s: %s\n", r->br->name, msg);
    return e;
}

static void
get_br_mirrors(const struct ctx *x, const struct row *r, struct datum *d)
{
    for (size_t i = 0; i < r->br->n_mirrors; i++) {
        struct row mr = { T_MIRROR, r->br, NULL, NULL, r->br->mirrors[i] };

        get_uuid(x, &mr, d);
    }
}

/*
 * "set bridge BR mirrors=@m,UUID..." (and add, remove, clear): the bridge's
 * mirrors become those named, rows made in this chain or mirrors it has.
 */
static int
set_br_mirrors(struct ctx *x, const struct row *r, const struct datum *d)
{
    struct mirror *ms;
    struct ctl_db_new *nws[SW_MAX_MIRRORS] = { NULL };
    char msg[256], u[40];
    int e = 0;

    if (d->n > SW_MAX_MIRRORS) {
        fprintf(x->err, "bridge %s: %zu mirrors, at most %d\n", r->br->name, d->n, SW_MAX_MIRRORS);
        return EINVAL;
    }
    if ((ms = calloc(d->n + 1, sizeof(*ms))) == NULL) {
        fprintf(x->err, "out of memory\n");
        return ENOMEM;
    }
    for (size_t k = 0; k < d->n && e == 0; k++) {
        const struct mirror *found = NULL;

        if ((nws[k] = new_row(x->db, T_MIRROR, d->a[k])) != NULL)
            found = &nws[k]->mir;
        for (size_t i = 0; i < r->br->n_mirrors && found == NULL; i++) {
            struct row mr = { T_MIRROR, r->br, NULL, NULL, r->br->mirrors[i] };

            row_uuid(x->db, &mr, u, sizeof(u));
            if (strcmp(u, d->a[k]) == 0)
                found = r->br->mirrors[i];
        }
        if (found == NULL) {
            fprintf(x->err, "no row \"%s\" in table Mirror\n", d->a[k]);
            e = EINVAL;
        } else {
            ms[k] = *found;
        }
    }
    /* All checked before the first goes in, so that a failure changes nothing. */
    for (size_t k = 0; k < d->n && e == 0; k++) {
        for (size_t j = 0; j < k && e == 0; j++)
            if (strcmp(ms[j].name, ms[k].name) == 0) {
                fprintf(x->err, "bridge %s: two mirrors named %s\n", r->br->name, ms[k].name);
                e = EINVAL;
            }
        if (e == 0 && (e = mirror_check(r->br, &ms[k], msg, sizeof(msg))) != 0)
            fprintf(x->err, "%s\n", msg);
    }
    if (e == 0) {
        mirror_clear(r->br);
        for (size_t k = 0; k < d->n; k++) {
            (void)mirror_set(r->br, &ms[k], msg, sizeof(msg));
            if (nws[k] != NULL)
                nws[k]->br = r->br;
        }
    }
    free(ms);
    return e;
}

static void
get_br_netflow(const struct ctx *x, const struct row *r, struct datum *d)
{
    struct row nr = { T_NETFLOW, r->br, NULL, NULL, NULL };

    if (r->br->nf != NULL)
        get_uuid(x, &nr, d);
}

/* "set bridge BR netflow=@nf|UUID|[]": starts (or stops) the bridge's NetFlow export. */
static int
set_br_netflow(struct ctx *x, const struct row *r, const struct datum *d)
{
    const struct nfdp_cfg *cfg = NULL;
    struct ctl_db_new *nw;
    char msg[256], u[40];

    if (d->n == 0) {
        nfdp_clear(r->br);
        return 0;
    }
    if ((nw = new_row(x->db, T_NETFLOW, d->a[0])) != NULL)
        cfg = &nw->nf;
    for (size_t i = 0; i < x->sw->n_br && cfg == NULL; i++) {
        struct row nr = { T_NETFLOW, x->sw->br[i], NULL, NULL, NULL };

        row_uuid(x->db, &nr, u, sizeof(u));
        if (x->sw->br[i]->nf != NULL && strcmp(u, d->a[0]) == 0)
            cfg = nfdp_config(x->sw->br[i]);
    }
    if (cfg == NULL) {
        fprintf(x->err, "no row \"%s\" in table NetFlow\n", d->a[0]);
        return EINVAL;
    }
    if (nfdp_configure(r->br, cfg, msg, sizeof(msg)) != 0) {
        fprintf(x->err, "NetFlow of bridge %s: %s\n", r->br->name, msg);
        return EINVAL;
    }
    if (nw != NULL)
        nw->br = r->br;
    return 0;
}

#define COL(name, type, kind, get, set, sf) { name, type, kind, get, set, sf, 0, 0, 0, NULL, NULL }
#define MIR(name, type, kind, get, fn) { name, type, kind, get, NULL, NULL, 0, 0, 0, fn, NULL }
#define NF(name, type, kind, get, fn) { name, type, kind, get, NULL, NULL, 0, 0, 0, NULL, fn }
#define SF_NUM(name, max, dflt) \
    { #name, A_INT, K_OPT, get_sf_num, NULL, sf_num, offsetof(struct sw_sflow, name), max, dflt, NULL, NULL }
#define UUID_COL COL("_uuid", A_UUID, K_ONE, get_uuid, NULL, NULL)
#define MAP_COL(name, type, field) \
    { #name, A_STR, K_MAP, get_map, set_map, NULL, offsetof(type, field), 0, 0, NULL, NULL }

static const struct column bridge_cols[] = {
    UUID_COL,
    COL("datapath_id", A_STR, K_OPT, get_br_dpid, NULL, NULL),
    MAP_COL(external_ids, struct bridge, external_ids),
    COL("mirrors", A_UUID, K_SET, get_br_mirrors, set_br_mirrors, NULL),
    COL("name", A_STR, K_ONE, get_name, NULL, NULL),
    COL("netflow", A_UUID, K_OPT, get_br_netflow, set_br_netflow, NULL),
    MAP_COL(other_config, struct bridge, other_config),
    COL("ports", A_UUID, K_SET, get_br_ports, NULL, NULL),
    COL("sflow", A_UUID, K_OPT, get_br_sflow, set_br_sflow, NULL),
};
static const struct column port_cols[] = {
    UUID_COL,
    MAP_COL(external_ids, struct port, external_ids),
    COL("interfaces", A_UUID, K_SET, get_port_ifaces, NULL, NULL),
    COL("name", A_STR, K_ONE, get_name, NULL, NULL),
    MAP_COL(other_config, struct port, other_config),
    COL("tag", A_INT, K_OPT, get_port_tag, set_port_tag, NULL),
    COL("trunks", A_INT, K_SET, get_port_trunks, set_port_trunks, NULL),
    COL("vlan_mode", A_STR, K_OPT, get_port_vlan_mode, set_port_vlan_mode, NULL),
};
static const struct column iface_cols[] = {
    UUID_COL,
    COL("error", A_STR, K_OPT, get_if_error, NULL, NULL),
    MAP_COL(external_ids, struct port, if_external_ids),
    COL("ifindex", A_INT, K_OPT, get_if_ifindex, NULL, NULL),
    COL("name", A_STR, K_ONE, get_name, NULL, NULL),
    COL("ofport", A_INT, K_OPT, get_if_ofport, NULL, NULL),
    COL("ofport_request", A_INT, K_OPT, get_if_ofport_request, set_if_ofport_request, NULL),
    MAP_COL(other_config, struct port, if_other_config),
    COL("type", A_STR, K_ONE, get_if_type, NULL, NULL),
};
static const struct column sflow_cols[] = {
    UUID_COL,
    COL("agent", A_STR, K_OPT, get_sf_agent, NULL, sf_agent),
    SF_NUM(header, SFDP_MAX_HEADER, SFDP_DEFAULT_HEADER),
    SF_NUM(polling, 86400, SFDP_DEFAULT_POLLING),
    SF_NUM(sampling, SAMPLER_MAX_RATE, SFDP_DEFAULT_SAMPLING),
    COL("targets", A_STR, K_SET, get_sf_targets, NULL, sf_targets),
};

static const struct column mirror_cols[] = {
    UUID_COL,
    MIR("name", A_STR, K_ONE, get_mir_name, mir_name),
    MIR("output_port", A_UUID, K_OPT, get_mir_out, mir_out),
    MIR("output_vlan", A_INT, K_OPT, get_mir_out_vlan, mir_out_vlan),
    MIR("select_all", A_BOOL, K_ONE, get_mir_all, mir_all),
    MIR("select_dst_port", A_UUID, K_SET, get_mir_dst, mir_dst),
    MIR("select_src_port", A_UUID, K_SET, get_mir_src, mir_src),
    MIR("select_vlan", A_INT, K_SET, get_mir_vlans, mir_vlans),
};
static const struct column netflow_cols[] = {
    UUID_COL,
    NF("active_timeout", A_INT, K_ONE, get_nf_active, nf_active),
    NF("add_id_to_interface", A_BOOL, K_ONE, get_nf_add_id, nf_add_id),
    NF("engine_id", A_INT, K_OPT, get_nf_engine, nf_engine),
    NF("engine_type", A_INT, K_OPT, get_nf_engine, nf_engine),
    NF("targets", A_STR, K_SET, get_nf_targets, nf_targets),
};

#define TABLE(n, t, c) { n, t, c, sizeof(c) / sizeof(c[0]) }
/* In the order of enum tbl. */
static const struct table tables[] = {
    TABLE("Bridge", T_BRIDGE, bridge_cols),
    TABLE("Port", T_PORT, port_cols),
    TABLE("Interface", T_IFACE, iface_cols),
    TABLE("sFlow", T_SFLOW, sflow_cols),
    TABLE("Mirror", T_MIRROR, mirror_cols),
    TABLE("NetFlow", T_NETFLOW, netflow_cols),
};

/* ---- tables, columns and rows by name ---- */

/* Open vSwitch's other tables, which a script may name: refused by name. */
static const char *const ovs_tables[] = {
    "Open_vSwitch", "Controller", "Manager", "QoS", "Queue", "SSL", "IPFIX",
    "Flow_Sample_Collector_Set", "Flow_Table", "AutoAttach", "Datapath", "CT_Zone",
    "CT_Timeout_Policy",
};

/* Table 'name' (any case, or a unique prefix, as ovs-vsctl takes it); NULL after a message. */
static const struct table *
find_table(const char *name, FILE *err)
{
    const struct table *found = NULL;
    size_t n = strlen(name), hits = 0;

    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        if (strcasecmp(tables[i].name, name) == 0)
            return &tables[i];
        if (n > 0 && strncasecmp(tables[i].name, name, n) == 0) {
            found = &tables[i];
            hits++;
        }
    }
    if (hits == 1)
        return found;
    for (size_t i = 0; i < sizeof(ovs_tables) / sizeof(ovs_tables[0]); i++)
        if (strcasecmp(ovs_tables[i], name) == 0) {
            fprintf(err, "table %s is not implemented by sflow-switch (it has Bridge, Port, Interface, sFlow, Mirror, NetFlow)\n",
                ovs_tables[i]);
            return NULL;
        }
    fprintf(err, "unknown table \"%s\" (sflow-switch has Bridge, Port, Interface, sFlow, Mirror, NetFlow)\n", name);
    return NULL;
}

/* Column 'name' (or a unique prefix) of 't'; NULL after a message naming both. */
static const struct column *
find_column(const struct table *t, const char *given, FILE *err)
{
    const struct column *found = NULL;
    char name[64];
    size_t n, hits = 0;

    /* ovs-vsctl takes "select-src-port" for "select_src_port". */
    snprintf(name, sizeof(name), "%s", given);
    for (char *c = name; *c; c++)
        if (*c == '-')
            *c = '_';
    n = strlen(name);

    for (size_t i = 0; i < t->n_cols; i++) {
        if (strcmp(t->cols[i].name, name) == 0)
            return &t->cols[i];
        if (n > 0 && strncmp(t->cols[i].name, name, n) == 0) {
            found = &t->cols[i];
            hits++;
        }
    }
    if (hits == 1)
        return found;
    fprintf(err, "%s does not contain a column whose name matches \"%s\" (sflow-switch implements:", t->name, name);
    for (size_t i = 0; i < t->n_cols; i++)
        fprintf(err, "%s %s", i ? "," : "", t->cols[i].name);
    fprintf(err, ")\n");
    return NULL;
}

/*
 * The rows of 't' (malloc'd, '*n' of them; NULL and 0 when there are
 * none); false without memory.
 */
static bool
all_rows(struct sw *sw, const struct table *t, struct row **rows, size_t *n)
{
    size_t cap = 0;

    *rows = NULL;
    *n = 0;
    for (size_t i = 0; i < sw->n_br; i++)
        cap += t->t == T_PORT || t->t == T_IFACE ? sw->br[i]->n_ports :
            t->t == T_MIRROR ? sw->br[i]->n_mirrors : 1;
    if (cap == 0)
        return true;
    if ((*rows = calloc(cap, sizeof(**rows))) == NULL)
        return false;
    for (size_t i = 0; i < sw->n_br; i++) {
        struct bridge *br = sw->br[i];

        if (t->t == T_PORT || t->t == T_IFACE) {
            for (size_t j = 0; j < br->n_ports; j++)
                (*rows)[(*n)++] = (struct row){ t->t, br, br->ports[j], NULL, NULL };
        } else if (t->t == T_MIRROR) {
            for (size_t j = 0; j < br->n_mirrors; j++)
                (*rows)[(*n)++] = (struct row){ t->t, br, NULL, NULL, br->mirrors[j] };
        } else if (t->t == T_NETFLOW) {
            if (br->nf != NULL)
                (*rows)[(*n)++] = (struct row){ t->t, br, NULL, NULL, NULL };
        } else if (t->t == T_BRIDGE || br->sf.on) {
            (*rows)[(*n)++] = (struct row){ t->t, br, NULL, NULL, NULL };
        }
    }
    return true;
}

/*
 * Row 'name' of 't': a _uuid, a name (an sFlow row by its bridge's name,
 * as ovs-vsctl allows), or "@id" of a row this chain created.  0, ENOENT
 * (message unless --if-exists), or ENOMEM.
 */
static int
find_row(struct ctx *x, const struct table *t, const char *name, struct row *r)
{
    struct row *rows;
    size_t n;
    char u[40];

    if ((r->nw = new_row(x->db, t->t, name)) != NULL) {
        r->t = t->t;
        r->br = NULL;
        r->p = NULL;
        r->m = NULL;
        return 0;
    }
    if (!all_rows(x->sw, t, &rows, &n)) {
        fprintf(x->err, "out of memory\n");
        return ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const char *nm = t->t == T_PORT || t->t == T_IFACE ? rows[i].p->name :
            t->t == T_MIRROR ? rows[i].m->name : rows[i].br->name;

        row_uuid(x->db, &rows[i], u, sizeof(u));
        if (strcmp(nm, name) == 0 || strcmp(u, name) == 0) {
            *r = rows[i];
            free(rows);
            return 0;
        }
    }
    free(rows);
    if (!x->db->if_exists)
        fprintf(x->err, "no row \"%s\" in table %s\n", name, t->name);
    return ENOENT;
}

/*
 * The table 'argv[0]' and its row 'argv[1]' (as set, clear, get, add and
 * remove name them) into '*t' and '*r'; true with both found.  Else '*st'
 * is what the command returns: CTL_OK for a missing row under --if-exists,
 * CTL_ERROR after a message.
 */
static bool
table_row(struct ctx *x, char **argv, const struct table **t, struct row *r, int *st)
{
    int e;

    *st = CTL_ERROR;
    if ((*t = find_table(argv[0], x->err)) == NULL)
        return false;
    if ((e = find_row(x, *t, argv[1], r)) != 0) {
        if (e == ENOENT && x->db->if_exists)
            *st = CTL_OK;
        return false;
    }
    return true;
}

/* ---- changing rows ---- */

/* Whether column 'c' of 't' cannot be changed, after a message saying so. */
static bool
read_only(const struct table *t, const struct column *c, FILE *err)
{
    if (c->set != NULL || c->sf != NULL || c->mir != NULL || c->nf != NULL)
        return false;
    fprintf(err, "cannot modify read-only column %s in table %s\n", c->name, t->name);
    return true;
}

/*
 * Sets column 'c' of 'r' to 'd'.  sFlow settings of a bridge are applied
 * as a whole, so they are checked together.  0, or an errno after a message.
 */
static int
set_value(struct ctx *x, const struct table *t, const struct column *c, const struct row *r,
    const struct datum *d)
{
    struct sw_sflow cfg;
    char msg[256];
    int e;

    if (read_only(t, c, x->err))
        return EINVAL;
    if (c->set != NULL)
        return c->set(x, r, d);
    if (c->mir != NULL)
        return set_mirror_value(x, c, r, d);
    if (c->nf != NULL)
        return set_netflow_value(x, c, r, d);
    cfg = *row_sflow(r);
    if ((e = c->sf(&cfg, d, x->err)) != 0)
        return e;
    if (r->nw != NULL) {
        r->nw->cfg = cfg;
        return 0;
    }
    if (sfdp_configure(r->br, &cfg, msg, sizeof(msg)) != 0) {
        fprintf(x->err, "sFlow of bridge %s: %s\n", r->br->name, msg);
        return EINVAL;
    }
    return 0;
}

/*
 * Map column 'c' of 'r' with one key set, as "KEY=VALUE" at 'kv' says,
 * into 'd' (to free).  0, or EINVAL after a message.
 */
static int
map_with_key(struct ctx *x, const struct table *t, const struct column *c, const struct row *r,
    const char *kv, struct datum *d)
{
    struct datum one;
    size_t k;

    if (parse_map(t->name, c, kv, &one, false, x->err) != 0 || one.n != 2) {
        if (one.n > 2)
            fprintf(x->err, "%s column %s: \"%s\" sets more than one key\n", t->name, c->name, kv);
        free(one.a);
        d_init(d, c);
        return EINVAL;
    }
    d_init(d, c);
    c->get(x, r, d);
    for (k = 0; k < d->n && strcmp(d->a[k], one.a[0]) != 0; k += 2)
        continue;
    if (k < d->n) {
        snprintf(d->a[k + 1], ATOM_MAX, "%s", one.a[1]);
    } else {
        d_put(d, one.a[0]);
        d_put(d, one.a[1]);
    }
    free(one.a);
    if (d->nomem) {
        fprintf(x->err, "out of memory\n");
        return ENOMEM;
    }
    return 0;
}

/* Applies the "COLUMN=VALUE" words 'argv' ('argc') to 'r'. */
static int
set_columns(struct ctx *x, const struct table *t, const struct row *r, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        char name[64];
        const char *eq = strchr(argv[i], '=');
        const struct column *c;
        struct datum d;
        int e;

        if (eq == NULL) {
            fprintf(x->err, "\"%s\" is not COLUMN=VALUE\n", argv[i]);
            return CTL_ERROR;
        }
        /* "column:key=value" (a map's key) names column "column". */
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[i], ":="), argv[i]);
        if ((c = find_column(t, name, x->err)) == NULL)
            return CTL_ERROR;
        if (argv[i][strlen(name)] == ':' && c->kind != K_MAP) {
            fprintf(x->err, "%s column %s is not a map\n", t->name, c->name);
            return CTL_ERROR;
        }
        if (argv[i][strlen(name)] == ':') {
            if (map_with_key(x, t, c, r, argv[i] + strlen(name) + 1, &d) != 0)
                return CTL_ERROR;
        } else if (parse_datum(t->name, c, eq + 1, &d, x->err) != 0) {
            free(d.a);
            return CTL_ERROR;
        }
        e = set_value(x, t, c, r, &d);
        free(d.a);
        if (e != 0)
            return CTL_ERROR;
    }
    return CTL_OK;
}

int
ctl_db_create(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    struct ctx x = { sw, db, out, err };
    const struct table *t;
    struct ctl_db_new *nw;
    struct row r;

    if ((t = find_table(argv[0], err)) == NULL)
        return CTL_ERROR;
    if (t->t != T_SFLOW && t->t != T_MIRROR && t->t != T_NETFLOW) {
        fprintf(err, "create: sflow-switch does not create %s rows: %s\n", t->name,
            t->t == T_BRIDGE ? "add-br BRIDGE makes a bridge" : "add-port BRIDGE PORT makes a port and its interface");
        return CTL_ERROR;
    }
    if (db->id != NULL) {
        if (db->id[0] != '@' || strlen(db->id) >= CTL_DB_ID_MAX) {
            fprintf(err, "--id=%s: a row id is @NAME (at most %d characters)\n", db->id, CTL_DB_ID_MAX - 2);
            return CTL_ERROR;
        }
        if (id_taken(db, db->id, err))
            return CTL_ERROR;
    }
    if (db->n_rows == CTL_DB_MAX_NEW) {
        fprintf(err, "create: at most %d rows in one call\n", CTL_DB_MAX_NEW);
        return CTL_ERROR;
    }
    nw = &db->rows[db->n_rows];
    memset(nw, 0, sizeof(*nw));
    snprintf(nw->id, sizeof(nw->id), "%s", db->id ? db->id : "");
    nw->table = t->t == T_MIRROR ? CTL_DB_NEW_MIRROR : t->t == T_NETFLOW ? CTL_DB_NEW_NETFLOW : CTL_DB_NEW_SFLOW;
    sfdp_defaults(&nw->cfg);
    nfdp_defaults(&nw->nf);
    r = (struct row){ t->t, NULL, NULL, nw, NULL };
    if (set_columns(&x, t, &r, argc - 1, argv + 1) != CTL_OK)
        return CTL_ERROR;
    db->n_rows++;
    return CTL_OK;
}

void
ctl_db_print_new(const struct ctl_db *db, size_t i, FILE *out)
{
    static const enum tbl of[] = { T_SFLOW, T_MIRROR, T_NETFLOW };
    struct row r = { of[db->rows[i].table], NULL, NULL, (struct ctl_db_new *)&db->rows[i], NULL };
    char u[40];

    row_uuid(db, &r, u, sizeof(u));
    fprintf(out, "%s\n", u);
}

int
ctl_db_set(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    struct ctx x = { sw, db, out, err };
    const struct table *t;
    struct row r;
    int st;

    if (!table_row(&x, argv, &t, &r, &st))
        return st;
    return set_columns(&x, t, &r, argc - 2, argv + 2);
}

int
ctl_db_clear(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    struct ctx x = { sw, db, out, err };
    const struct table *t;
    struct row r;
    int st;

    if (!table_row(&x, argv, &t, &r, &st))
        return st;
    for (int i = 2; i < argc; i++) {
        const struct column *c = find_column(t, argv[i], err);
        struct datum d;

        if (c == NULL)
            return CTL_ERROR;
        d_init(&d, c);
        if (set_value(&x, t, c, &r, &d) != 0)
            return CTL_ERROR;
    }
    return CTL_OK;
}

/* Whether 'd' holds atom 'a'. */
static bool
d_has(const struct datum *d, const char *a)
{
    for (size_t i = 0; i < d->n; i++)
        if ((d->type == A_INT ? cmp_int(d->a[i], a) : strcmp(d->a[i], a)) == 0)
            return true;
    return false;
}

/*
 * add and remove on map column 'c' of 'r': add puts the pairs of each
 * VALUE ('argv', 'argc'), replacing the value of a key that is there (as
 * ovs-vsctl 3.1 does); remove takes out each key named alone, and each
 * KEY=VALUE pair where the value is the same.
 */
static int
map_add_remove(struct ctx *x, bool add, const struct table *t, const struct column *c,
    const struct row *r, int argc, char **argv)
{
    struct datum cur, v;
    int e = 0;

    d_init(&cur, c);
    c->get(x, r, &cur);
    for (int i = 0; i < argc && e == 0; i++) {
        if ((e = parse_map(t->name, c, argv[i], &v, !add, x->err)) != 0) {
            free(v.a);
            break;
        }
        for (size_t k = 0; k + 1 < v.n; k += 2) {
            size_t j = 0;

            while (j < cur.n && strcmp(cur.a[j], v.a[k]) != 0)
                j += 2;
            if (add && j == cur.n) {
                d_put(&cur, v.a[k]);
                d_put(&cur, v.a[k + 1]);
            } else if (add) {
                snprintf(cur.a[j + 1], ATOM_MAX, "%s", v.a[k + 1]);
            } else if (!add && j < cur.n && (strcmp(v.a[k + 1], "\n") == 0 || strcmp(v.a[k + 1], cur.a[j + 1]) == 0)) {
                memmove(cur.a[j], cur.a[j + 2], (cur.n - j - 2) * sizeof(cur.a[0]));
                cur.n -= 2;
            }
        }
        free(v.a);
    }
    if (e == 0 && cur.nomem) {
        fprintf(x->err, "out of memory\n");
        e = ENOMEM;
    }
    if (e == 0)
        e = set_value(x, t, c, r, &cur);
    free(cur.a);
    return e == 0 ? CTL_OK : CTL_ERROR;
}

/*
 * add and remove: 'argv' is TABLE RECORD COLUMN VALUE...; each VALUE (one
 * value, or a set for a set column) joins the column's values, or leaves
 * them.
 */
static int
add_remove(struct ctx *x, bool add, int argc, char **argv)
{
    const struct table *t;
    const struct column *c;
    struct datum cur, v, res;
    struct row r;
    int st = CTL_ERROR;

    if (!table_row(x, argv, &t, &r, &st))
        return st;
    if ((c = find_column(t, argv[2], x->err)) == NULL)
        return CTL_ERROR;
    if (read_only(t, c, x->err))
        return CTL_ERROR;
    if (c->kind == K_MAP)
        return map_add_remove(x, add, t, c, &r, argc - 3, argv + 3);
    d_init(&cur, c);
    d_init(&res, c);
    c->get(x, &r, &cur);
    for (int i = 3; i < argc; i++) {
        if (parse_datum(t->name, c, argv[i], &v, x->err) != 0) {
            free(v.a);
            goto out;
        }
        for (size_t k = 0; k < v.n; k++) {
            if (add && !d_has(&cur, v.a[k]))
                d_put(&cur, v.a[k]);
            for (size_t j = cur.n; !add && j-- > 0;)
                if ((cur.type == A_INT ? cmp_int(cur.a[j], v.a[k]) : strcmp(cur.a[j], v.a[k])) == 0)
                    memcpy(cur.a[j], cur.a[--cur.n], sizeof(cur.a[0]));
        }
        free(v.a);
    }
    for (size_t k = 0; k < cur.n; k++)
        d_put(&res, cur.a[k]);
    if (cur.nomem || res.nomem) {
        fprintf(x->err, "out of memory\n");
        goto out;
    }
    if (res.n > 1 && c->kind != K_SET) {
        fprintf(x->err, "%s column %s takes one value, not %zu\n", t->name, c->name, res.n);
        goto out;
    }
    if (res.n == 0 && c->kind == K_ONE) {
        fprintf(x->err, "%s column %s must have a value\n", t->name, c->name);
        goto out;
    }
    d_sort(&res);
    st = set_value(x, t, c, &r, &res) == 0 ? CTL_OK : CTL_ERROR;
out:
    free(cur.a);
    free(res.a);
    return st;
}

int
ctl_db_add(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    struct ctx x = { sw, db, out, err };

    return add_remove(&x, true, argc, argv);
}

int
ctl_db_remove(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    struct ctx x = { sw, db, out, err };

    return add_remove(&x, false, argc, argv);
}

/* Prints column 'c' of 'r' as text in style 'st' into 'f'; false without memory. */
static bool
print_value(const struct ctx *x, const struct column *c, const struct row *r, enum style st, FILE *f)
{
    struct datum d;
    bool ok;

    d_init(&d, c);
    c->get(x, r, &d);
    d_sort(&d);
    ok = !d.nomem;
    if (ok)
        put_datum(f, &d, st);
    free(d.a);
    return ok;
}

/*
 * get's "COLUMN:KEY": the value of 'key' in map 'c' of 'r' (record
 * 'rname'), or an empty line under --if-exists when it is not there.
 */
static int
get_key(const struct ctx *x, const struct table *t, const struct column *c, const struct row *r,
    const char *rname, const char *key)
{
    char k[ATOM_MAX];
    struct datum d;
    size_t i;
    int st = CTL_OK;

    if (read_atom(key, strlen(key), k, sizeof(k)) != 0) {
        fprintf(x->err, "%s column %s: \"%s\" is not a valid key\n", t->name, c->name, key);
        return CTL_ERROR;
    }
    d_init(&d, c);
    c->get(x, r, &d);
    for (i = 0; i < d.n && strcmp(d.a[i], k) != 0; i += 2)
        continue;
    if (i < d.n) {
        put_atom(x->out, A_STR, d.a[i + 1], S_TEXT);
        fputc('\n', x->out);
    } else if (x->db->if_exists) {
        fputc('\n', x->out);
    } else {
        fprintf(x->err, "no key \"%s\" in %s record \"%s\" column %s\n", k, t->name, rname, c->name);
        st = CTL_ERROR;
    }
    free(d.a);
    return st;
}

int
ctl_db_get(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    struct ctx x = { sw, db, out, err };
    const struct table *t;
    struct row r;
    int st;

    if (!table_row(&x, argv, &t, &r, &st))
        return st;
    if (db->id != NULL && remember_ref(&x, t, &r) != 0)
        return CTL_ERROR;
    for (int i = 2; i < argc; i++) {
        char name[64];
        const char *key = strchr(argv[i], ':');
        const struct column *c;

        snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[i], ":"), argv[i]);
        if ((c = find_column(t, name, err)) == NULL)
            return CTL_ERROR;
        if (key != NULL && c->kind != K_MAP) {
            fprintf(err, "%s column %s is not a map\n", t->name, c->name);
            return CTL_ERROR;
        }
        if (key != NULL) {
            if (get_key(&x, t, c, &r, argv[1], key + 1) != CTL_OK)
                return CTL_ERROR;
            continue;
        }
        /* ovs-vsctl's get prints OVSDB syntax even with --bare. */
        if (!print_value(&x, c, &r, S_TEXT, out)) {
            fprintf(err, "out of memory\n");
            return CTL_ERROR;
        }
        fputc('\n', out);
    }
    return CTL_OK;
}

/* The columns to print: --columns=A,B or all of 't'; '*n' of them, or 0 after a message. */
static size_t
pick_columns(const struct ctl_db *db, const struct table *t, const struct column **cols, FILE *err)
{
    char list[256], *save = NULL;
    size_t n = 0;

    if (db->columns == NULL) {
        for (size_t i = 0; i < t->n_cols; i++)
            cols[i] = &t->cols[i];
        return t->n_cols;
    }
    snprintf(list, sizeof(list), "%s", db->columns);
    for (char *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (n == 16) {
            fprintf(err, "--columns: at most 16 columns\n");
            return 0;
        }
        if ((cols[n++] = find_column(t, w, err)) == NULL)
            return 0;
    }
    if (n == 0)
        fprintf(err, "--columns: no column named\n");
    return n;
}

static void
put_csv(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/*
 * Prints rows 'rows' ('n') of 't' in the chosen format, as ovs-vsctl's
 * list and find do: "COLUMN : VALUE" records, or a table, CSV, or JSON
 * {"data":[...],"headings":[...]}.
 */
static int
print_rows(const struct ctx *x, const struct table *t, const struct row *rows, size_t n)
{
    const struct ctl_db *db = x->db;
    const struct column *cols[16];
    size_t nc = pick_columns(db, t, cols, x->err), width[16];
    enum style st = db->bare ? S_BARE : db->format == CTL_DB_JSON ? S_JSON : S_TEXT;
    char **cell;
    bool heads = !db->no_headings && !db->bare, ok = true;

    if (nc == 0)
        return CTL_ERROR;
    if ((cell = calloc(n * nc + 1, sizeof(*cell))) == NULL) {
        fprintf(x->err, "out of memory\n");
        return CTL_ERROR;
    }
    for (size_t j = 0; j < nc; j++)
        width[j] = heads ? strlen(cols[j]->name) : 0;
    for (size_t i = 0; i < n && ok; i++) {
        for (size_t j = 0; j < nc && ok; j++) {
            size_t len = 0;
            FILE *f = open_memstream(&cell[i * nc + j], &len);

            ok = f != NULL && print_value(x, cols[j], &rows[i], st, f);
            if (f != NULL && fclose(f) != 0)
                ok = false;
            if (ok && strlen(cell[i * nc + j]) > width[j])
                width[j] = strlen(cell[i * nc + j]);
        }
    }
    if (!ok) {
        fprintf(x->err, "out of memory\n");
    } else if (db->format == CTL_DB_JSON && !db->bare) {
        fprintf(x->out, "{\"data\":[");
        for (size_t i = 0; i < n; i++) {
            fprintf(x->out, "%s[", i ? "," : "");
            for (size_t j = 0; j < nc; j++)
                fprintf(x->out, "%s%s", j ? "," : "", cell[i * nc + j]);
            fprintf(x->out, "]");
        }
        fprintf(x->out, "],\"headings\":[");
        for (size_t j = 0; j < nc; j++)
            fprintf(x->out, "%s\"%s\"", j ? "," : "", cols[j]->name);
        fprintf(x->out, "]}\n");
    } else if (db->format == CTL_DB_CSV && !db->bare) {
        for (size_t i = heads ? 0 : 1; i <= n; i++) {
            for (size_t j = 0; j < nc; j++) {
                if (j)
                    fputc(',', x->out);
                put_csv(x->out, i == 0 ? cols[j]->name : cell[(i - 1) * nc + j]);
            }
            fputc('\n', x->out);
        }
    } else if (db->format == CTL_DB_TABLE && !db->bare) {
        for (size_t i = heads ? 0 : 2; i < n + 2; i++) {
            for (size_t j = 0; j < nc; j++) {
                const char *s = i == 0 ? cols[j]->name : i == 1 ? NULL : cell[(i - 2) * nc + j];
                int w = j + 1 < nc ? (int)width[j] : 0;

                if (j)
                    fputc(' ', x->out);
                if (s == NULL)
                    for (size_t k = 0; k < width[j]; k++)
                        fputc('-', x->out);
                else
                    fprintf(x->out, "%-*s", w, s);
            }
            fputc('\n', x->out);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            if (i)
                fputc('\n', x->out);
            for (size_t j = 0; j < nc; j++) {
                if (heads)
                    fprintf(x->out, "%-20s: ", cols[j]->name);
                fprintf(x->out, "%s\n", cell[i * nc + j]);
            }
        }
    }
    for (size_t i = 0; i < n * nc; i++)
        free(cell[i]);
    free(cell);
    return ok ? CTL_OK : CTL_ERROR;
}

int
ctl_db_list(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    struct ctx x = { sw, db, out, err };
    const struct table *t;
    struct row *rows;
    size_t n;
    int st;

    if ((t = find_table(argv[0], err)) == NULL)
        return CTL_ERROR;
    if (argc == 1) {
        if (!all_rows(sw, t, &rows, &n)) {
            fprintf(err, "out of memory\n");
            return CTL_ERROR;
        }
    } else {
        if ((rows = calloc((size_t)argc, sizeof(*rows))) == NULL) {
            fprintf(err, "out of memory\n");
            return CTL_ERROR;
        }
        n = 0;
        for (int i = 1; i < argc; i++) {
            int e = find_row(&x, t, argv[i], &rows[n]);

            if (e == 0)
                n++;
            else if (e != ENOENT || !db->if_exists) {
                free(rows);
                return CTL_ERROR;
            }
        }
    }
    st = print_rows(&x, t, rows, n);
    free(rows);
    return st;
}

/* Whether column 'c' of 'r' equals 'want' (a datum of that column), compared as printed. */
static int
row_matches(const struct ctx *x, const struct column *c, const struct row *r, const struct datum *want)
{
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    FILE *fa = open_memstream(&a, &la), *fb = open_memstream(&b, &lb);
    int m = -1;

    if (fa != NULL && fb != NULL && print_value(x, c, r, S_TEXT, fa)) {
        put_datum(fb, want, S_TEXT);
        if (fflush(fa) == 0 && fflush(fb) == 0)
            m = strcmp(a, b) == 0;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    free(a);
    free(b);
    return m;
}

/*
 * The pair of find's "KEY=VALUE" or "KEY!=VALUE" ('neg') at 'kv', for map
 * column 'c', into 'd' (to free).  0, or EINVAL after a message.
 */
static int
find_pair(const struct table *t, const struct column *c, const char *kv, bool neg, struct datum *d, FILE *err)
{
    char buf[2 * ATOM_MAX + 2];
    size_t eq = strcspn(kv, "=") - neg;

    snprintf(buf, sizeof(buf), "%.*s=%s", (int)eq, kv, kv + eq + 1 + neg);
    if (parse_map(t->name, c, buf, d, false, err) != 0)
        return EINVAL;
    if (d->n != 2) {
        fprintf(err, "%s column %s: \"%s\" is not KEY=VALUE\n", t->name, c->name, kv);
        return EINVAL;
    }
    return 0;
}

/* Whether map column 'c' of 'r' holds the pair in 'want'; -1 without memory. */
static int
row_has_pair(const struct ctx *x, const struct column *c, const struct row *r, const struct datum *want)
{
    struct datum d;
    int m = 0;

    d_init(&d, c);
    c->get(x, r, &d);
    for (size_t i = 0; i + 1 < d.n; i += 2)
        m |= strcmp(d.a[i], want->a[0]) == 0 && strcmp(d.a[i + 1], want->a[1]) == 0;
    m = d.nomem ? -1 : m;
    free(d.a);
    return m;
}

int
ctl_db_find(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    struct ctx x = { sw, db, out, err };
    const struct table *t;
    const struct column *col[CTL_MAX_ARGS];
    struct datum want[CTL_MAX_ARGS];
    bool neg[CTL_MAX_ARGS], keyed[CTL_MAX_ARGS];
    struct row *rows = NULL;
    size_t n = 0, kept = 0;
    int nc = 0, st = CTL_OK;

    if ((t = find_table(argv[0], err)) == NULL)
        return CTL_ERROR;
    /* The conditions are checked even when there is no row to test. */
    for (int k = 1; k < argc && st == CTL_OK; k++) {
        char name[64], *eq = strchr(argv[k], '=');

        if (eq == NULL) {
            fprintf(err, "\"%s\" is not COLUMN=VALUE or COLUMN!=VALUE\n", argv[k]);
            st = CTL_ERROR;
            break;
        }
        neg[nc] = eq > argv[k] && eq[-1] == '!';
        snprintf(name, sizeof(name), "%.*s", (int)(eq - argv[k] - neg[nc]), argv[k]);
        /* "COLUMN:KEY=VALUE" tests one key of a map: 'want' is that pair. */
        keyed[nc] = strchr(name, ':') != NULL;
        if (keyed[nc])
            name[strcspn(name, ":")] = '\0';
        if ((col[nc] = find_column(t, name, err)) == NULL)
            st = CTL_ERROR;
        else if (keyed[nc] && col[nc]->kind != K_MAP)
            fprintf(err, "%s column %s is not a map\n", t->name, col[nc]->name);
        else if (keyed[nc] ? find_pair(t, col[nc], argv[k] + strlen(name) + 1, neg[nc], &want[nc], err) != 0
            : parse_datum(t->name, col[nc], eq + 1, &want[nc], err) != 0)
            free(want[nc].a);
        else
            nc++;
        if (nc < k)
            st = CTL_ERROR;
    }
    if (st == CTL_OK && !all_rows(sw, t, &rows, &n)) {
        fprintf(err, "out of memory\n");
        st = CTL_ERROR;
    }
    for (size_t i = 0; i < n && st == CTL_OK; i++) {
        bool keep = true;

        for (int k = 0; k < nc && keep; k++) {
            int m = keyed[k] ? row_has_pair(&x, col[k], &rows[i], &want[k]) :
                row_matches(&x, col[k], &rows[i], &want[k]);

            if (m < 0) {
                fprintf(err, "out of memory\n");
                st = CTL_ERROR;
            }
            keep = m == !neg[k];
        }
        if (keep)
            rows[kept++] = rows[i];
    }
    if (st == CTL_OK)
        st = print_rows(&x, t, rows, kept);
    for (int k = 0; k < nc; k++)
        free(want[k].a);
    free(rows);
    return st;
}

/* Prints "'label': VALUE" indented by 'indent' for column 'c' of 'r' unless it is empty, as show does. */
static bool
show_value(const struct ctx *x, int indent, const char *label, const struct column *c, const struct row *r)
{
    struct datum d;
    bool ok;

    d_init(&d, c);
    c->get(x, r, &d);
    ok = !d.nomem;
    if (ok && d.n > 0) {
        fprintf(x->out, "%*s%s: ", indent, "", label);
        put_datum(x->out, &d, S_TEXT);
        fputc('\n', x->out);
    }
    free(d.a);
    return ok;
}

int
ctl_db_show(struct sw *sw, FILE *out, FILE *err)
{
    struct ctl_db db;
    struct ctx x = { sw, &db, out, err };
    char u[40];
    bool ok = true;

    memset(&db, 0, sizeof(db));
    make_uuid("Open_vSwitch", "", u, sizeof(u));
    fprintf(out, "%s\n", u);
    for (size_t i = 0; i < sw->n_br; i++) {
        struct bridge *br = sw->br[i];

        fprintf(out, "    Bridge ");
        put_atom(out, A_STR, br->name, S_TEXT);
        fputc('\n', out);
        for (size_t j = 0; j < br->n_ports && ok; j++) {
            struct row r = { T_PORT, br, br->ports[j], NULL, NULL };

            fprintf(out, "        Port ");
            put_atom(out, A_STR, r.p->name, S_TEXT);
            fputc('\n', out);
            ok = show_value(&x, 12, "tag", find_column(&tables[T_PORT], "tag", err), &r) &&
                show_value(&x, 12, "trunks", find_column(&tables[T_PORT], "trunks", err), &r);
            fprintf(out, "            Interface ");
            put_atom(out, A_STR, r.p->name, S_TEXT);
            fputc('\n', out);
            r.t = T_IFACE;
            if (r.p->local)
                fprintf(out, "                type: internal\n");
            ok = ok && show_value(&x, 16, "error", find_column(&tables[T_IFACE], "error", err), &r);
        }
    }
    if (!ok)
        fprintf(err, "out of memory\n");
    return ok ? CTL_OK : CTL_ERROR;
}

int
ctl_db_sflow_setting(struct sw_sflow *cfg, const char *key, const char *value, FILE *err)
{
    const struct table *t = &tables[T_SFLOW];
    const struct column *c = find_column(t, key, err);
    struct datum d;
    int e;

    if (c == NULL)
        return EINVAL;
    if (c->sf == NULL) {
        fprintf(err, "sFlow column %s is read-only\n", c->name);
        return EINVAL;
    }
    if ((e = parse_datum(t->name, c, value, &d, err)) == 0)
        e = c->sf(cfg, &d, err);
    free(d.a);
    return e;
}

/*
 * destroy: as in Open vSwitch, where a row still referenced (a bridge by
 * the Open_vSwitch row, a port by its bridge, sFlow settings by their
 * bridge: every row here) outlives the command, destroy checks that the
 * rows exist and changes nothing; del-br, del-port and "clear bridge BR
 * sflow" remove them.
 */
int
ctl_db_destroy(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err)
{
    struct ctx x = { sw, db, out, err };
    const struct table *t;
    struct row r;

    if ((t = find_table(argv[0], err)) == NULL)
        return CTL_ERROR;
    if (db->all && argc > 1) {
        fprintf(err, "destroy: --all takes no RECORD\n");
        return CTL_ERROR;
    }
    if (!db->all && argc == 1) {
        fprintf(err, "destroy: name a RECORD of %s, or use --all\n", t->name);
        return CTL_ERROR;
    }
    for (int i = 1; i < argc; i++) {
        int e = find_row(&x, t, argv[i], &r);

        if (e == ENOMEM || (e != 0 && !db->if_exists))
            return CTL_ERROR;
    }
    return CTL_OK;
}

void
ctl_db_put_map(FILE *f, const struct kvmap *m)
{
    fputc('{', f);
    for (size_t i = 0; i < m->n; i++) {
        fputs(i ? ", " : "", f);
        put_atom(f, A_STR, m->key[i], S_TEXT);
        fputc('=', f);
        put_atom(f, A_STR, m->value[i], S_TEXT);
    }
    fputc('}', f);
}

/*
 * add-mirror and set-netflow: the "COLUMN=VALUE" words 'argv' make a row
 * of table 't' (a Mirror, or a NetFlow row on top of the bridge's
 * settings), which goes to 'br' at once.
 */
static int
short_form(struct sw *sw, struct bridge *br, enum tbl t, int argc, char **argv, FILE *err)
{
    struct ctl_db *db = calloc(1, sizeof(*db));
    struct ctx x = { sw, db, NULL, err };
    struct ctl_db_new *nw;
    struct row r;
    char msg[256];
    int st = CTL_ERROR, e;

    if (db == NULL) {
        fprintf(err, "out of memory\n");
        return CTL_ERROR;
    }
    nw = &db->rows[0];
    nw->table = t == T_MIRROR ? CTL_DB_NEW_MIRROR : CTL_DB_NEW_NETFLOW;
    nfdp_defaults(&nw->nf);
    if (t == T_NETFLOW && br->nf != NULL)
        nw->nf = *nfdp_config(br);
    db->n_rows = 1;
    r = (struct row){ t, NULL, NULL, nw, NULL };
    if (set_columns(&x, &tables[t], &r, argc, argv) == CTL_OK) {
        e = t == T_MIRROR ? mirror_set(br, &nw->mir, msg, sizeof(msg)) :
            nfdp_configure(br, &nw->nf, msg, sizeof(msg));
        if (e != 0)
            fprintf(err, "%s\n", msg);
        else
            st = CTL_OK;
    }
    free(db);
    return st;
}

int
ctl_db_add_mirror(struct sw *sw, struct bridge *br, int argc, char **argv, FILE *err)
{
    return short_form(sw, br, T_MIRROR, argc, argv, err);
}

int
ctl_db_set_netflow(struct sw *sw, struct bridge *br, int argc, char **argv, FILE *err)
{
    return short_form(sw, br, T_NETFLOW, argc, argv, err);
}

/* Writes "\tCOLUMN=VALUE" for each column of 'r' in 't' that is not empty, ports by name. */
static void
write_columns(const struct table *t, const struct row *r, FILE *f)
{
    struct ctl_db db;
    struct ctx x = { NULL, &db, f, f };

    memset(&db, 0, sizeof(db));
    for (size_t i = 1; i < t->n_cols; i++) {
        const struct column *c = &t->cols[i];
        struct datum d;

        d_init(&d, c);
        c->get(&x, r, &d);
        if (c->type == A_UUID) {
            /* A Port's _uuid comes from its name: the name says the same and reads better. */
            const struct mirror *m = row_mirror(r);
            struct port *const *ps = c->mir == mir_src ? m->src : c->mir == mir_dst ? m->dst : &m->out;

            for (size_t k = 0; k < d.n; k++)
                snprintf(d.a[k], ATOM_MAX, "%s", ps[k]->name);
        }
        if (d.n > 0 && !d.nomem) {
            fprintf(f, "\t%s=", c->name);
            put_datum(f, &d, d.kind == K_SET ? S_TEXT : S_BARE);
        }
        free(d.a);
    }
}

void
ctl_db_write_state(const struct bridge *br, FILE *f)
{
    for (size_t i = 0; i < br->n_mirrors; i++) {
        struct row r = { T_MIRROR, (struct bridge *)br, NULL, NULL, br->mirrors[i] };

        fprintf(f, "add-mirror\t%s", br->name);
        write_columns(&tables[T_MIRROR], &r, f);
        fprintf(f, "\n");
    }
    if (br->nf != NULL) {
        struct row r = { T_NETFLOW, (struct bridge *)br, NULL, NULL, NULL };

        fprintf(f, "set-netflow\t%s", br->name);
        write_columns(&tables[T_NETFLOW], &r, f);
        fprintf(f, "\n");
    }
}
