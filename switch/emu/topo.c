/*
 * emu_topo: the emulated network as data.  Builds Mininet's topologies by
 * their meanings (single,N: N hosts on s1; linear,N: s1..sN in a line, hI
 * on sI; tree,D,F: a complete F-ary tree of switches of depth D, numbered
 * depth first from the root s1, hosts at the leaves), or reads a topology
 * file (format in sflow-emu(1)).  Hosts get 10.0.0.I/8 and MAC
 * 00:00:00:00:II:II in order; ports are numbered per switch in the order
 * its links were added, as Mininet does.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define MAX_NODES 100000
/* add_tree() recurses once per level: a deeper tree (fanout 1) overflowed the stack. */
#define MAX_TREE_DEPTH 64

/*
 * Makes room for element 'n' of 'arr' (elements of 'size' bytes, 'n' of
 * them in use): the capacity is 'n' rounded up to a power of two, so it
 * doubles when 'n' reaches one.  Returns the array, moved or not, or NULL
 * (with 'arr' still valid) when memory runs out.
 */
void *
emu_grow(void *arr, int n, size_t size)
{
    if (n & (n - 1))
        return arr;
    return realloc(arr, (size_t)(n ? n * 2 : 1) * size);
}

static int
add_node(struct emu_topo *t, enum emu_kind kind, const char *name)
{
    struct emu_node *n;
    void *p;
    int i;

    if (t->nnodes >= MAX_NODES || strlen(name) >= sizeof(n->name))
        return -1;
    if ((p = emu_grow(t->node, t->nnodes, sizeof(*t->node))) == NULL)
        return -1;
    t->node = p;
    i = t->nnodes++;
    n = &t->node[i];
    memset(n, 0, sizeof(*n));
    snprintf(n->name, sizeof(n->name), "%s", name);
    n->kind = kind;
    n->netns_fd = -1;
    n->uplink = -1;
    if (kind == EMU_HOST) {
        uint32_t h = (uint32_t)++t->nhosts;

        n->ip = (10u << 24) + h;
        n->plen = 8;
        n->mac[2] = (uint8_t)(h >> 24);
        n->mac[3] = (uint8_t)(h >> 16);
        n->mac[4] = (uint8_t)(h >> 8);
        n->mac[5] = (uint8_t)h;
    } else {
        t->nswitches++;
    }
    return i;
}

static int
add_link(struct emu_topo *t, int a, int b)
{
    struct emu_link *l;
    void *p;

    bool swapped = t->node[b].kind == EMU_HOST;

    if (swapped) {
        int x = a;

        a = b;
        b = x;
    }
    if (t->node[b].kind == EMU_HOST)
        return -1;              /* Host to host links are not supported. */
    if (t->node[a].kind == EMU_HOST && t->node[a].uplink >= 0)
        return -1;              /* One interface per host. */
    if ((p = emu_grow(t->link, t->nlinks, sizeof(*t->link))) == NULL)
        return -1;
    t->link = p;
    l = &t->link[t->nlinks];
    memset(l, 0, sizeof(*l));
    l->a = a;
    l->b = b;
    l->host_second = swapped;
    if (t->node[a].kind == EMU_SWITCH)
        l->a_port = ++t->node[a].nports;
    else
        t->node[a].uplink = t->nlinks;
    l->b_port = ++t->node[b].nports;
    return t->nlinks++;
}

static int
add_switch(struct emu_topo *t, int *num)
{
    char name[16];

    snprintf(name, sizeof(name), "s%d", ++*num);
    return add_node(t, EMU_SWITCH, name);
}

static int
add_host(struct emu_topo *t)
{
    char name[16];

    snprintf(name, sizeof(name), "h%d", t->nhosts + 1);
    return add_node(t, EMU_HOST, name);
}

/* Mininet's TreeTopo.addTree(): depth first, children before the parent's link. */
static int
add_tree(struct emu_topo *t, int depth, int fanout, int *swnum)
{
    int me, child;

    if (depth == 0)
        return add_host(t);
    if ((me = add_switch(t, swnum)) < 0)
        return -1;
    for (int i = 0; i < fanout; i++) {
        if ((child = add_tree(t, depth - 1, fanout, swnum)) < 0)
            return -1;
        if (add_link(t, me, child) < 0)
            return -1;
    }
    return me;
}

/* Mininet's TorusTopo: switches row by row, each with its hosts, then the wrap-around links. */
static int
add_torus(struct emu_topo *t, int x, int y, int per)
{
    int first = t->nnodes, stride = per + 1;
    char name[40];

    for (int i = 0; i < x; i++)
        for (int j = 0; j < y; j++) {
            int s, h;

            snprintf(name, sizeof(name), "s%dx%d", i + 1, j + 1);
            if ((s = add_node(t, EMU_SWITCH, name)) < 0)
                return -1;
            for (int k = 0; k < per; k++) {
                if (per == 1)
                    snprintf(name, sizeof(name), "h%dx%d", i + 1, j + 1);
                else
                    snprintf(name, sizeof(name), "h%dx%dx%d", i + 1, j + 1, k + 1);
                if ((h = add_node(t, EMU_HOST, name)) < 0 || add_link(t, h, s) < 0)
                    return -1;
            }
        }
    /* Switch (i, j) is node first + (i * y + j) * stride. */
    for (int i = 0; i < x; i++)
        for (int j = 0; j < y; j++) {
            int me = first + (i * y + j) * stride;

            if (add_link(t, me, first + (i * y + (j + 1) % y) * stride) < 0 ||
                add_link(t, me, first + (((i + 1) % x) * y + j) * stride) < 0)
                return -1;
        }
    return 0;
}

static int
parse_ints(const char *s, int *v, int max)
{
    int n = 0;
    char *end;

    while (*s != '\0') {
        long x;

        /* No number past 'max' passed over; a digit first (strtol() takes " +2"). */
        if (n == max || !isdigit((unsigned char)*s))
            return -1;
        x = strtol(s, &end, 10);
        if (x > MAX_NODES)
            return -1;
        v[n++] = (int)x;
        if (*end == '\0')
            break;
        if (*end != ',')
            return -1;
        s = end + 1;
    }
    return n;
}

/*
 * Builds topology 'name' ("minimal", "single,N", "linear,N", "tree,D[,F]",
 * "torus,X,Y[,N]") into 't'.
 * Returns 0, or -1 with a message in 'err'.
 */
int
topo_build(struct emu_topo *t, const char *name, char *err, size_t errlen)
{
    /* Mininet's MinimalTopo is its SingleSwitchTopo with two hosts. */
    const char *spec = strcmp(name, "minimal") == 0 ? "single,2" : name;
    const char *comma = strchr(spec, ',');
    size_t klen = comma ? (size_t)(comma - spec) : strlen(spec);
    int v[3] = { 0, 0, 0 }, n = 0, swnum = 0, prev = -1;
    long total;

    memset(t, 0, sizeof(*t));
    snprintf(t->desc, sizeof(t->desc), "%s", name);
    if (comma != NULL && (n = parse_ints(comma + 1, v, 3)) < 0) {
        snprintf(err, errlen, "%s: bad numbers", spec);
        return -1;
    }
    if (klen == 5 && strncmp(spec, "torus", 5) == 0) {
        if (n < 2 || n > 3 || v[0] < 3 || v[1] < 3 || (n == 3 && v[2] < 1)) {
            snprintf(err, errlen, "%s: torus,X,Y[,N] needs X and Y of 3 or more"
                " (as Mininet since 2.1) and N of 1 or more", spec);
            topo_free(t);
            return -1;
        }
        if ((long)v[0] * v[1] * (n == 3 ? v[2] : 1) > 65536)
            goto big;
        if (add_torus(t, v[0], v[1], n == 3 ? v[2] : 1) < 0)
            goto mem;
    } else if (klen == 6 && strncmp(spec, "single", 6) == 0) {
        int s;

        if (n == 0)
            v[0] = 2;
        if (n > 1 || v[0] < 1)
            goto bad;
        if ((s = add_switch(t, &swnum)) < 0)
            goto mem;
        for (int i = 0; i < v[0]; i++) {
            int h = add_host(t);

            if (h < 0 || add_link(t, h, s) < 0)
                goto mem;
        }
    } else if (klen == 6 && strncmp(spec, "linear", 6) == 0) {
        if (n == 0)
            v[0] = 2;
        if (n > 1 || v[0] < 1)
            goto bad;
        for (int i = 0; i < v[0]; i++) {
            int h = add_host(t), s = add_switch(t, &swnum);

            if (h < 0 || s < 0 || add_link(t, h, s) < 0)
                goto mem;
            if (prev >= 0 && add_link(t, s, prev) < 0)
                goto mem;
            prev = s;
        }
    } else if (klen == 4 && strncmp(spec, "tree", 4) == 0) {
        if (n == 0)
            v[0] = 1;
        if (n < 2)
            v[1] = 2;
        if (n > 2 || v[0] < 1 || v[1] < 1)
            goto bad;
        if (v[0] > MAX_TREE_DEPTH) {
            snprintf(err, errlen, "%s: a tree is at most %d levels deep", spec, MAX_TREE_DEPTH);
            topo_free(t);
            return -1;
        }
        total = 1;
        for (int i = 0; i < v[0]; i++) {
            total *= v[1];
            if (total > 65536)
                goto big;
        }
        if (add_tree(t, v[0], v[1], &swnum) < 0)
            goto mem;
    } else {
        snprintf(err, errlen, "%s: unknown topology (minimal single,N linear,N tree,D,F"
            " torus,X,Y or --topo-file)",
            spec);
        return -1;
    }
    if (t->nhosts > 65536)
        goto big;
    return 0;
bad:
    snprintf(err, errlen, "%s: bad parameters", spec);
    topo_free(t);
    return -1;
big:
    snprintf(err, errlen, "%s: more than 65536 hosts", spec);
    topo_free(t);
    return -1;
mem:
    snprintf(err, errlen, "%s: out of memory or too many nodes", spec);
    topo_free(t);
    return -1;
}

static int
parse_vlans(const char *s, int *v, int max)
{
    int n = parse_ints(s, v, max);

    for (int i = 0; i < n; i++)
        if (v[i] < 1 || v[i] > 4094)
            return -1;
    return n;
}

/*
 * "XX:XX:XX:XX:XX:XX" (one or two hex digits each) into 'mac'; 0 or -1.
 * sscanf's %x alone took "100" (stored as 00), signs and trailing bytes.
 */
static int
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned m[6];
    int end = 0;

    if (strspn(s, "0123456789abcdefABCDEF:") != strlen(s) ||
        sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
        &end) != 6 || s[end] != '\0')
        return -1;
    for (int b = 0; b < 6; b++)
        mac[b] = (uint8_t)m[b];
    return 0;
}

/*
 * Adds node 'name' of 'kind' as a topology file names it: 1-10 letters,
 * digits or '_', a letter first, not named before.  Returns its index, or
 * -1 with the reason in 'why'.
 */
int
topo_add(struct emu_topo *t, enum emu_kind kind, const char *name, char *why, size_t whylen)
{
    const char *what = kind == EMU_HOST ? "host" : "switch";
    int i;

    if (strlen(name) < 1 || strlen(name) > 10 || !isalpha((unsigned char)name[0])) {
        snprintf(why, whylen, "%s needs a name of 1-10 characters starting with a letter", what);
        return -1;
    }
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') {
            snprintf(why, whylen, "%s: letters, digits and '_' only", name);
            return -1;
        }
    if (topo_find(t, name) >= 0) {
        snprintf(why, whylen, "%s defined twice", name);
        return -1;
    }
    if ((i = add_node(t, kind, name)) < 0)
        snprintf(why, whylen, "too many nodes");
    return i;
}

/* Links the nodes named 'a' and 'b'; the link's index, or -1 with the reason in 'why'. */
int
topo_connect(struct emu_topo *t, const char *a, const char *b, char *why, size_t whylen)
{
    int x = topo_find(t, a), y = topo_find(t, b), li;

    if (x < 0 || y < 0) {
        snprintf(why, whylen, "link needs two defined nodes (%.20s is not)", x < 0 ? a : b);
        return -1;
    }
    if ((li = add_link(t, x, y)) < 0)
        snprintf(why, whylen, "a link joins a switch to a host or a switch, and a host has one link");
    return li;
}

/*
 * The checks of a whole topology read from 'path': every host has its
 * link, and there is a host.  Returns 0, or -1 with a message in 'err'
 * and 't' freed.
 */
int
topo_complete(struct emu_topo *t, const char *path, char *err, size_t errlen)
{
    for (int i = 0; i < t->nnodes; i++)
        if (t->node[i].kind == EMU_HOST && t->node[i].uplink < 0) {
            snprintf(err, errlen, "%s: host %s has no link", path, t->node[i].name);
            topo_free(t);
            return -1;
        }
    if (t->nhosts == 0) {
        snprintf(err, errlen, "%s: no hosts", path);
        topo_free(t);
        return -1;
    }
    return 0;
}

/*
 * Host 'n''s address from "A.B.C.D" or "A.B.C.D/LEN" (the prefix length
 * stays as it was without one); 0, or -1 with 'n' unchanged.
 */
int
topo_set_ip(struct emu_node *n, const char *text)
{
    char addr[INET_ADDRSTRLEN + 4], *slash;
    struct in_addr a;
    long plen = n->plen;

    if (strlen(text) >= sizeof(addr))
        return -1;
    memcpy(addr, text, strlen(text) + 1);
    if ((slash = strchr(addr, '/')) != NULL) {
        char *end;

        *slash = '\0';
        plen = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || plen < 1 || plen > 32)
            return -1;
    }
    if (inet_pton(AF_INET, addr, &a) != 1)
        return -1;
    n->ip = ntohl(a.s_addr);
    n->plen = (int)plen;
    return 0;
}

/* topo_read() of the file 'path'. */
int
topo_load(struct emu_topo *t, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    int e;

    if (f == NULL) {
        memset(t, 0, sizeof(*t));
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    e = topo_read(t, f, path, err, errlen);
    fclose(f);
    return e;
}

/*
 * Reads a topology file from 'f' ('path' names it in messages): MiniEdit's
 * JSON when it starts with '{' (mn_read()), else one statement per line,
 * '#' comments:
 *   host NAME [ip=A.B.C.D[/LEN]] [mac=XX:XX:XX:XX:XX:XX]
 *   switch NAME
 *   link NODE NODE [vlan=N] [trunks=N,N,...] [bw=MBIT] [delay=TIME] [jitter=TIME]
 *        [loss=PCT] [max_queue_size=N]
 * Returns 0, or -1 with "path:line: reason" in 'err'.
 */
int
topo_read(struct emu_topo *t, FILE *f, const char *path, char *err, size_t errlen)
{
    char line[512], why[200];
    int lineno = 0, ch;

    /* Blank lines before the first statement are counted as lines read. */
    while ((ch = getc(f)) != EOF && isspace(ch))
        lineno += ch == '\n';
    if (ch == '{') {
        ungetc(ch, f);
        return mn_read(t, f, path, err, errlen);
    }
    if (ch != EOF)
        ungetc(ch, f);
    memset(t, 0, sizeof(*t));
    snprintf(t->desc, sizeof(t->desc), "file %s", path);
    while (fgets(line, sizeof(line), f) != NULL) {
        char *tok[16], *save = NULL, *p;
        int ntok = 0;

        lineno++;
        /* The rest of a longer line would be read as a statement of its own. */
        if (strchr(line, '\n') == NULL && !feof(f)) {
            snprintf(err, errlen, "%s:%d: line too long (at most %zu bytes)", path, lineno,
                sizeof(line) - 2);
            goto fail;
        }
        if ((p = strchr(line, '#')) != NULL)
            *p = '\0';
        for (p = strtok_r(line, " \t\r\n", &save); p != NULL && ntok < 16;
             p = strtok_r(NULL, " \t\r\n", &save))
            tok[ntok++] = p;
        if (ntok == 0)
            continue;
        if (strcmp(tok[0], "host") == 0 || strcmp(tok[0], "switch") == 0) {
            enum emu_kind k = tok[0][0] == 'h' ? EMU_HOST : EMU_SWITCH;
            int i;

            if ((i = topo_add(t, k, ntok < 2 ? "" : tok[1], why, sizeof(why))) < 0) {
                snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
                goto fail;
            }
            for (int j = 2; j < ntok; j++) {
                struct emu_node *n = &t->node[i];

                if (k == EMU_HOST && strncmp(tok[j], "ip=", 3) == 0) {
                    if (topo_set_ip(n, tok[j] + 3) != 0) {
                        snprintf(err, errlen, "%s:%d: bad address", path, lineno);
                        goto fail;
                    }
                } else if (k == EMU_HOST && strncmp(tok[j], "mac=", 4) == 0) {
                    if (parse_mac(tok[j] + 4, n->mac) != 0) {
                        snprintf(err, errlen, "%s:%d: bad MAC address %s", path, lineno, tok[j] + 4);
                        goto fail;
                    }
                } else {
                    snprintf(err, errlen, "%s:%d: unknown option %s", path, lineno, tok[j]);
                    goto fail;
                }
            }
        } else if (strcmp(tok[0], "link") == 0) {
            int li;

            if ((li = topo_connect(t, ntok < 3 ? "" : tok[1], ntok < 3 ? "" : tok[2], why,
                sizeof(why))) < 0) {
                snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
                goto fail;
            }
            for (int j = 3; j < ntok; j++) {
                struct emu_link *l = &t->link[li];
                int v[EMU_MAX_VLANS], r;

                if (strncmp(tok[j], "vlan=", 5) == 0 && t->node[l->a].kind == EMU_HOST &&
                    parse_vlans(tok[j] + 5, v, 1) == 1) {
                    l->vlan = v[0];
                    t->has_vlans = true;
                } else if (strncmp(tok[j], "trunks=", 7) == 0 &&
                    t->node[l->a].kind == EMU_SWITCH &&
                    (l->ntrunk = parse_vlans(tok[j] + 7, l->trunk, EMU_MAX_VLANS)) > 0) {
                    t->has_vlans = true;
                } else if ((r = shape_parse(&l->shape, tok[j], why, sizeof(why))) != 1) {
                    if (r < 0) {
                        snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
                        goto fail;
                    }
                } else {
                    snprintf(err, errlen, "%s:%d: bad option %s (vlan=N on a host link,"
                        " trunks=N,... on a switch link; bw, delay, jitter, loss,"
                        " max_queue_size)", path, lineno, tok[j]);
                    goto fail;
                }
            }
        } else {
            snprintf(err, errlen, "%s:%d: unknown statement %s", path, lineno, tok[0]);
            goto fail;
        }
    }
    return topo_complete(t, path, err, errlen);
fail:
    topo_free(t);
    return -1;
}

void
topo_free(struct emu_topo *t)
{
    free(t->node);
    free(t->link);
    t->node = NULL;
    t->link = NULL;
    t->nnodes = t->nlinks = t->nhosts = t->nswitches = 0;
}

int
topo_find(const struct emu_topo *t, const char *name)
{
    for (int i = 0; i < t->nnodes; i++)
        if (strcmp(t->node[i].name, name) == 0)
            return i;
    return -1;
}

/* Node index of host number 'nth' (0-based), or -1. */
int
topo_host(const struct emu_topo *t, int nth)
{
    for (int i = 0; i < t->nnodes; i++)
        if (t->node[i].kind == EMU_HOST && nth-- == 0)
            return i;
    return -1;
}

/*
 * Names every link's interfaces: a host end is "h1-eth0" inside its
 * namespace; a switch end is PREFIX + "s1-eth1" in the root namespace, or
 * PREFIX + "p" + a number when that would not fit IFNAMSIZ.
 */
void
topo_name_links(struct emu_topo *t, const char *prefix)
{
    for (int i = 0; i < t->nlinks; i++) {
        struct emu_link *l = &t->link[i];
        const struct emu_node *a = &t->node[l->a], *b = &t->node[l->b];
        char buf[64];

        if (a->kind == EMU_HOST) {
            snprintf(buf, sizeof(buf), "%s-eth0", a->name);
            if (strlen(buf) >= IF_NAMESIZE)
                snprintf(buf, sizeof(buf), "eth0");
        } else {
            snprintf(buf, sizeof(buf), "%s%s-eth%d", prefix, a->name, l->a_port);
            if (strlen(buf) >= IF_NAMESIZE)
                snprintf(buf, sizeof(buf), "%sp%da", prefix, i);
        }
        memcpy(l->a_if, buf, IF_NAMESIZE - 1);
        l->a_if[IF_NAMESIZE - 1] = '\0';
        snprintf(buf, sizeof(buf), "%s%s-eth%d", prefix, b->name, l->b_port);
        if (strlen(buf) >= IF_NAMESIZE)
            snprintf(buf, sizeof(buf), "%sp%db", prefix, i);
        memcpy(l->b_if, buf, IF_NAMESIZE - 1);
        l->b_if[IF_NAMESIZE - 1] = '\0';
    }
}

char *
topo_ipstr(uint32_t ip, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
    return buf;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Mininet's "nodes": the names, sorted. */
void
topo_print_nodes(const struct emu_topo *t, FILE *f)
{
    const char **name = malloc((size_t)t->nnodes * sizeof(*name) + 1);

    fprintf(f, "available nodes are: \n");
    if (name == NULL)
        return;
    for (int i = 0; i < t->nnodes; i++)
        name[i] = t->node[i].name;
    qsort(name, (size_t)t->nnodes, sizeof(*name), cmp_name);
    for (int i = 0; i < t->nnodes; i++)
        fprintf(f, "%s%s", i ? " " : "", name[i]);
    fprintf(f, "\n");
    free(name);
}

/*
 * Each node's links in port order, in one pass over the links: node i's
 * are (*at)[(*start)[i] .. (*start)[i + 1] - 1] (ports are handed out in
 * link order).  Returns 0 or -1 (no memory).
 */
static int
node_links(const struct emu_topo *t, int **start, int **at)
{
    int *s = calloc((size_t)t->nnodes + 2, sizeof(*s));
    int *a = malloc((size_t)t->nlinks * 2 * sizeof(*a) + 1);

    if (s == NULL || a == NULL) {
        free(s);
        free(a);
        return -1;
    }
    for (int j = 0; j < t->nlinks; j++) {
        s[t->link[j].a + 2]++;
        s[t->link[j].b + 2]++;
    }
    for (int i = 2; i < t->nnodes + 2; i++)
        s[i] += s[i - 1];
    for (int j = 0; j < t->nlinks; j++) {
        a[s[t->link[j].a + 1]++] = j;
        a[s[t->link[j].b + 1]++] = j;
    }
    *start = s;
    *at = a;
    return 0;
}

/* Mininet's order of nodes: hosts, then switches, each in the order added. */
static int
nth_in_order(const struct emu_topo *t, int *i)
{
    for (; *i < 2 * t->nnodes; ++*i) {
        int n = *i % t->nnodes;

        if ((*i < t->nnodes) == (t->node[n].kind == EMU_HOST))
            return n;
    }
    return -1;
}

enum line_kind { LINE_NET, LINE_INTFS, LINE_PORTS, LINE_DUMP };

/* One line of 'what' for node 'n', whose links 'ls' are in port order. */
static void
print_node(const struct emu_topo *t, int n, const int *ls, int nls, enum line_kind what,
    const char *prefix, FILE *f)
{
    const struct emu_node *me = &t->node[n];
    bool sw = me->kind == EMU_SWITCH;
    char ip[16];

    switch (what) {
    case LINE_NET:
        fprintf(f, "%s%s", me->name, sw ? " lo:  " : " ");
        break;
    case LINE_INTFS:
        fprintf(f, "%s: %s", me->name, sw ? "lo" : "");
        break;
    case LINE_PORTS:
        fprintf(f, "%s lo:0 ", me->name);
        break;
    case LINE_DUMP:
        fprintf(f, "<%s %s: %s", sw ? "Switch" : "Host", me->name, sw ? "lo:127.0.0.1" : "");
        break;
    }
    for (int k = 0; k < nls; k++) {
        const struct emu_link *l = &t->link[ls[k]];
        bool mine_a = l->a == n;
        int port = mine_a ? l->a_port : l->b_port, peer = mine_a ? l->b : l->a;
        int pport = mine_a ? l->b_port : l->a_port;
        const char *sep = k || sw ? (what == LINE_NET ? " " : ",") : "";

        switch (what) {
        case LINE_NET:
            fprintf(f, "%s%s-eth%d:%s-eth%d", k ? " " : "", me->name, port,
                t->node[peer].name, pport);
            break;
        case LINE_INTFS:
            fprintf(f, "%s%s-eth%d", sep, me->name, port);
            break;
        case LINE_PORTS:
            fprintf(f, "%s-eth%d:%d ", me->name, port, port);
            break;
        case LINE_DUMP:
            if (sw)
                fprintf(f, ",%s-eth%d:None", me->name, port);
            else
                fprintf(f, "%s-eth%d:%s", me->name, port, topo_ipstr(me->ip, ip, sizeof(ip)));
            break;
        }
    }
    if (what == LINE_DUMP)
        fprintf(f, " netns=%s%s%s> ", sw ? "" : prefix, sw ? "" : "-", sw ? "root" : me->name);
    fprintf(f, "\n");
}

/* A line of 'what' for each node in Mininet's order. */
static void
print_nodes_as(const struct emu_topo *t, enum line_kind what, const char *prefix, FILE *f)
{
    int *start, *at;

    if (node_links(t, &start, &at) != 0)
        return;
    for (int i = 0, n; (n = nth_in_order(t, &i)) >= 0; i++) {
        if (what == LINE_PORTS && t->node[n].kind != EMU_SWITCH)
            continue;
        print_node(t, n, at + start[n], start[n + 1] - start[n], what, prefix, f);
    }
    free(start);
    free(at);
}

/* Mininet's "net": each node and what its ports connect to. */
void
topo_print_net(const struct emu_topo *t, FILE *f)
{
    print_nodes_as(t, LINE_NET, NULL, f);
}

/* Mininet's "intfs": each node's interfaces. */
void
topo_print_intfs(const struct emu_topo *t, FILE *f)
{
    print_nodes_as(t, LINE_INTFS, NULL, f);
}

/* Mininet's "ports": each switch's interfaces and their port numbers. */
void
topo_print_ports(const struct emu_topo *t, FILE *f)
{
    print_nodes_as(t, LINE_PORTS, NULL, f);
}

/*
 * Mininet's "dump": one line per node with its interfaces and addresses
 * (a namespace where Mininet shows a shell's pid: hosts run no shell).
 */
void
topo_print_dump(const struct emu_topo *t, const char *prefix, FILE *f)
{
    print_nodes_as(t, LINE_DUMP, prefix, f);
}

static const char *
end_state(enum emu_end_state s)
{
    return s == END_OK ? "OK" : s == END_DOWN ? "DOWN" : "MISSING";
}

/*
 * Mininet's "links": both ends of each link and their state (link_status()
 * fills it in), then its VLANs and shaping if any.
 */
void
topo_print_links(const struct emu_topo *t, FILE *f)
{
    for (int j = 0; j < t->nlinks; j++) {
        const struct emu_link *l = &t->link[j];
        int x = l->host_second ? l->b : l->a, y = l->host_second ? l->a : l->b;
        int xp = l->host_second ? l->b_port : l->a_port, yp = l->host_second ? l->a_port : l->b_port;
        enum emu_end_state xs = l->host_second ? l->b_state : l->a_state;
        enum emu_end_state ys = l->host_second ? l->a_state : l->b_state;

        fprintf(f, "%s-eth%d<->%s-eth%d (%s %s)", t->node[x].name, xp, t->node[y].name, yp,
            end_state(xs), end_state(ys));
        if (l->vlan)
            fprintf(f, " vlan %d", l->vlan);
        if (l->ntrunk) {
            fprintf(f, " trunks");
            for (int k = 0; k < l->ntrunk; k++)
                fprintf(f, "%c%d", k ? ',' : ' ', l->trunk[k]);
        }
        if (l->shape.set) {
            char set[160];

            fprintf(f, " %s", shape_str(&l->shape, set, sizeof(set)));
        }
        fprintf(f, " \n");
    }
}

static int
root_of(int *up, int i)
{
    while (up[i] != i)
        i = up[i] = up[up[i]];
    return i;
}

/*
 * A spanning tree of the switches, as STP would leave it: every
 * switch-to-switch link that closes a loop (taken in link order) is marked
 * 'blocked'.  Returns how many were, or -1 (no memory).
 */
int
topo_span(struct emu_topo *t)
{
    int *up = malloc((size_t)t->nnodes * sizeof(*up) + 1), n = 0;

    if (up == NULL)
        return -1;
    for (int i = 0; i < t->nnodes; i++)
        up[i] = i;
    for (int j = 0; j < t->nlinks; j++) {
        struct emu_link *l = &t->link[j];
        int x = root_of(up, l->a), y = root_of(up, l->b);

        l->blocked = x == y;
        n += l->blocked;
        up[x] = y;
    }
    free(up);
    return n;
}

/*
 * For every switch, the port of its unblocked links that leads to node
 * 'host' (a breadth-first walk from the host): 'port' is indexed by node,
 * 0 where there is none.  Returns 0 or -1 (no memory).
 */
int
topo_toward(const struct emu_topo *t, int host, int *port)
{
    int *start, *at, *queue = malloc((size_t)t->nnodes * sizeof(*queue) + 1), head = 0, tail = 0;
    bool *seen = calloc((size_t)t->nnodes + 1, sizeof(*seen));

    if (queue == NULL || seen == NULL || node_links(t, &start, &at) != 0) {
        free(queue);
        free(seen);
        return -1;
    }
    memset(port, 0, (size_t)t->nnodes * sizeof(*port));
    queue[tail++] = host;
    seen[host] = true;
    while (head < tail) {
        int n = queue[head++];

        for (int k = start[n]; k < start[n + 1]; k++) {
            const struct emu_link *l = &t->link[at[k]];
            int peer = l->a == n ? l->b : l->a;

            if (l->blocked || seen[peer])
                continue;
            seen[peer] = true;
            port[peer] = l->a == n ? l->b_port : l->a_port;
            queue[tail++] = peer;
        }
    }
    free(start);
    free(at);
    free(queue);
    free(seen);
    return 0;
}
