/*
 * shape: Mininet's TCLink on the emulator's links, through libnl's qdisc
 * and class API.  Settings come from "--link tc,bw=10,delay=5ms,loss=1,
 * max_queue_size=100" (every link) and from a link's line in a topology
 * file (that link; what it gives wins).  Both ends of a link get the same
 * qdiscs, as TCLink configures both its interfaces, each shaping what
 * leaves by it: bw as an htb class (root 5:, class 5:1 the default, a
 * 15 KiB burst, Mininet's numbers); delay, jitter and loss as netem below
 * it (10:) with max_queue_size as netem's limit; max_queue_size alone as
 * a pfifo's limit, as netem without delay would be (docs/compat.md).
 * Kernels built without netem refuse it: shape_check() finds that out in a
 * namespace of its own before anything is built.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/route/class.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/fifo.h>
#include <netlink/route/qdisc/htb.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/tc.h>

#include "emu.h"
#include "num_parse.h"

/* Mininet's TCIntf refuses a bw outside 0..1000 (Mbit/s). */
#define BW_MAX 1000.0
#define DELAY_MAX_US 1000000000u     /* 1000 s; netem takes an int of microseconds. */
#define QUEUE_MAX 1000000u
#define HTB_BURST 15360              /* Mininet's "burst 15k". */
#define HTB_MAJOR 5
#define LEAF_MAJOR 0x10          /* tc reads handles in hex: Mininet's "10:". */

/*
 * A time as tc reads it: a number with us/usec, ms/msec or s/sec/secs, a
 * bare number being microseconds.  Into '*us'; 0 or -1.
 */
static int
parse_time(const char *s, uint32_t *us)
{
    static const struct { const char *unit; double mult; } units[] = {
        { "", 1 }, { "us", 1 }, { "usec", 1 }, { "ms", 1e3 }, { "msec", 1e3 },
        { "s", 1e6 }, { "sec", 1e6 }, { "secs", 1e6 },
    };
    size_t n = strspn(s, "0123456789.");
    char num[32];
    double v;

    /* Digits and a point only, then the unit (no exponents: "1e3ms" is no time). */
    if (n == 0 || n >= sizeof(num) || s[0] == '.')
        return -1;
    memcpy(num, s, n);
    num[n] = '\0';
    if (num_parse_double(num, 0, DELAY_MAX_US, &v) != 0)
        return -1;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (strcmp(s + n, units[i].unit) == 0) {
            v *= units[i].mult;
            if (v > DELAY_MAX_US)
                return -1;
            *us = (uint32_t)lround(v);
            return 0;
        }
    return -1;
}

/*
 * One setting "KEY=VALUE" (bw=MBIT, delay=TIME, jitter=TIME, loss=PCT,
 * max_queue_size=N) into 's'.  Returns 0; 1 when KEY is none of those;
 * -1 with the reason in 'why' when VALUE is bad.
 */
int
shape_parse(struct emu_shape *s, const char *opt, char *why, size_t whylen)
{
    const char *eq = strchr(opt, '=');
    size_t klen = eq ? (size_t)(eq - opt) : 0;
    const char *v = eq ? eq + 1 : "";
    double x;

#define KEY(k) (klen == sizeof(k) - 1 && strncmp(opt, k, klen) == 0)
    if (KEY("bw")) {
        if (num_parse_double(v, 0, BW_MAX, &x) != 0 || x <= 0) {
            snprintf(why, whylen, "%s: bw is Mbit/s, above 0 and at most %.0f", opt, BW_MAX);
            return -1;
        }
        s->bw = x;
        s->set |= SHAPE_BW;
    } else if (KEY("delay") || KEY("jitter")) {
        bool delay = opt[0] == 'd';

        if (parse_time(v, delay ? &s->delay_us : &s->jitter_us) != 0) {
            snprintf(why, whylen, "%s: a time such as 5ms, 100us or 1s (a bare number is"
                " microseconds, as tc reads it), at most 1000s", opt);
            return -1;
        }
        s->set |= delay ? SHAPE_DELAY : SHAPE_JITTER;
    } else if (KEY("loss")) {
        if (num_parse_double(v, 0, 100, &s->loss) != 0) {
            snprintf(why, whylen, "%s: loss is a percentage, 0 to 100", opt);
            return -1;
        }
        s->set |= SHAPE_LOSS;
    } else if (KEY("max_queue_size")) {
        if (num_parse_double(v, 1, QUEUE_MAX, &x) != 0 || x != floor(x)) {
            snprintf(why, whylen, "%s: max_queue_size is packets, 1 to %u", opt, QUEUE_MAX);
            return -1;
        }
        s->queue = (uint32_t)x;
        s->set |= SHAPE_QUEUE;
    } else {
        return 1;
    }
#undef KEY
    return 0;
}

/*
 * Mininet's --link: "default" (plain links), "tc" or "tc,KEY=VALUE,...".
 * Returns 0, or -1 with a message in 'err'.
 */
int
shape_spec(struct emu_shape *s, const char *spec, char *err, size_t errlen)
{
    char buf[256], why[160], *save = NULL, *opt;

    memset(s, 0, sizeof(*s));
    if (strcmp(spec, "default") == 0)
        return 0;
    if (strlen(spec) >= sizeof(buf) || strncmp(spec, "tc", 2) != 0 ||
        (spec[2] != '\0' && spec[2] != ',')) {
        snprintf(err, errlen, "--link %.200s: default or tc[,bw=MBIT][,delay=TIME][,jitter=TIME]"
            "[,loss=PCT][,max_queue_size=N]", spec);
        return -1;
    }
    snprintf(buf, sizeof(buf), "%s", spec + 2);
    for (opt = strtok_r(buf, ",", &save); opt != NULL; opt = strtok_r(NULL, ",", &save)) {
        int r = shape_parse(s, opt, why, sizeof(why));

        if (r == 1)
            snprintf(why, sizeof(why), "%s: unknown (bw, delay, jitter, loss, max_queue_size)",
                opt);
        if (r != 0) {
            snprintf(err, errlen, "--link %s", why);
            return -1;
        }
    }
    return 0;
}

/* Gives every link of 't' what 'd' sets and the link does not set itself. */
void
shape_default(struct emu_topo *t, const struct emu_shape *d)
{
    for (int i = 0; i < t->nlinks; i++) {
        struct emu_shape *s = &t->link[i].shape;
        unsigned take = d->set & ~s->set;

        if (take & SHAPE_BW)
            s->bw = d->bw;
        if (take & SHAPE_DELAY)
            s->delay_us = d->delay_us;
        if (take & SHAPE_JITTER)
            s->jitter_us = d->jitter_us;
        if (take & SHAPE_LOSS)
            s->loss = d->loss;
        if (take & SHAPE_QUEUE)
            s->queue = d->queue;
        s->set |= take;
    }
}

/* A time in the largest unit that keeps it whole: "5ms", "1s", "250us". */
static int
put_time(char *buf, size_t len, const char *key, uint32_t us)
{
    if (us != 0 && us % 1000000 == 0)
        return snprintf(buf, len, "%s=%us ", key, us / 1000000);
    if (us != 0 && us % 1000 == 0)
        return snprintf(buf, len, "%s=%ums ", key, us / 1000);
    return snprintf(buf, len, "%s=%uus ", key, us);
}

/* What 's' sets as the topology file says it ("bw=10 delay=5ms"; "" if nothing). */
char *
shape_str(const struct emu_shape *s, char *buf, size_t len)
{
    size_t o = 0;

    buf[0] = '\0';
    if (s->set & SHAPE_BW)
        o += (size_t)snprintf(buf + o, len - o, "bw=%g ", s->bw);
    if ((s->set & SHAPE_DELAY) && o < len)
        o += (size_t)put_time(buf + o, len - o, "delay", s->delay_us);
    if ((s->set & SHAPE_JITTER) && o < len)
        o += (size_t)put_time(buf + o, len - o, "jitter", s->jitter_us);
    if ((s->set & SHAPE_LOSS) && o < len)
        o += (size_t)snprintf(buf + o, len - o, "loss=%g ", s->loss);
    if ((s->set & SHAPE_QUEUE) && o < len)
        o += (size_t)snprintf(buf + o, len - o, "max_queue_size=%u ", s->queue);
    if (o > 0 && o <= len)
        buf[o - 1] = '\0';
    return buf;
}

/* Sends 'tc' (a qdisc or class of 'kind', set up by the caller) as a creating request. */
static int
send_tc(struct nlbatch *b, struct rtnl_tc *tc, bool is_class)
{
    struct nl_msg *msg = NULL;
    int e = is_class ?
        rtnl_class_build_add_request((struct rtnl_class *)tc, NLM_F_CREATE | NLM_F_EXCL, &msg) :
        rtnl_qdisc_build_add_request((struct rtnl_qdisc *)tc, NLM_F_CREATE | NLM_F_EXCL, &msg);

    return e < 0 ? ENOMEM : link_send(b, msg);
}

/* A qdisc or class of 'kind' on 'ifindex' under 'parent' with 'handle', or NULL. */
static struct rtnl_tc *
new_tc(bool is_class, int ifindex, uint32_t parent, uint32_t handle, const char *kind)
{
    struct rtnl_tc *tc = is_class ? TC_CAST(rtnl_class_alloc()) : TC_CAST(rtnl_qdisc_alloc());

    if (tc == NULL)
        return NULL;
    rtnl_tc_set_ifindex(tc, ifindex);
    rtnl_tc_set_parent(tc, parent);
    rtnl_tc_set_handle(tc, handle);
    if (rtnl_tc_set_kind(tc, kind) < 0) {
        nl_object_put(OBJ_CAST(tc));
        return NULL;
    }
    return tc;
}

/*
 * Queues on 'b' the qdiscs (and class) 's' asks for on interface
 * 'ifindex' of the batch's namespace; 0 or an errno.
 */
static int
send_end(struct nlbatch *b, int ifindex, const struct emu_shape *s)
{
    uint32_t parent = TC_H_ROOT, leaf = TC_HANDLE(LEAF_MAJOR, 0);
    struct rtnl_tc *tc;
    int e = 0;

    if (s->set & SHAPE_BW) {
        uint32_t rate = (uint32_t)llround(s->bw * 1e6 / 8);

        if ((tc = new_tc(false, ifindex, TC_H_ROOT, TC_HANDLE(HTB_MAJOR, 0), "htb")) == NULL)
            return ENOMEM;
        rtnl_htb_set_defcls((struct rtnl_qdisc *)tc, 1);
        e = send_tc(b, tc, false);
        nl_object_put(OBJ_CAST(tc));
        if (e != 0)
            return e;
        parent = TC_HANDLE(HTB_MAJOR, 1);
        if ((tc = new_tc(true, ifindex, TC_HANDLE(HTB_MAJOR, 0), parent, "htb")) == NULL)
            return ENOMEM;
        rtnl_htb_set_rate((struct rtnl_class *)tc, rate);
        rtnl_htb_set_ceil((struct rtnl_class *)tc, rate);
        rtnl_htb_set_rbuffer((struct rtnl_class *)tc, HTB_BURST);
        rtnl_htb_set_cbuffer((struct rtnl_class *)tc, HTB_BURST);
        e = send_tc(b, tc, true);
        nl_object_put(OBJ_CAST(tc));
        if (e != 0)
            return e;
    }
    if (s->set & SHAPE_NETEM) {
        struct rtnl_qdisc *q;

        if ((tc = new_tc(false, ifindex, parent, leaf, "netem")) == NULL)
            return ENOMEM;
        q = (struct rtnl_qdisc *)tc;
        if (s->set & SHAPE_DELAY)
            rtnl_netem_set_delay(q, (int)s->delay_us);
        if (s->set & SHAPE_JITTER)
            rtnl_netem_set_jitter(q, (int)s->jitter_us);
        /* netem's loss is a fraction of 2^32 - 1; libnl passes the int on as u32. */
        if (s->set & SHAPE_LOSS)
            rtnl_netem_set_loss(q, (int)(uint32_t)llround(s->loss / 100 * UINT32_MAX));
        if (s->set & SHAPE_QUEUE)
            rtnl_netem_set_limit(q, (int)s->queue);
        e = send_tc(b, tc, false);
        nl_object_put(OBJ_CAST(tc));
    } else if (s->set & SHAPE_QUEUE) {
        if ((tc = new_tc(false, ifindex, parent, leaf, "pfifo")) == NULL)
            return ENOMEM;
        rtnl_qdisc_fifo_set_limit((struct rtnl_qdisc *)tc, (int)s->queue);
        e = send_tc(b, tc, false);
        nl_object_put(OBJ_CAST(tc));
    }
    return e;
}

/* The first link of 't' with any of 'bits' set, or -1. */
static int
first_with(const struct emu_topo *t, unsigned bits)
{
    for (int i = 0; i < t->nlinks; i++)
        if (t->link[i].shape.set & bits)
            return i;
    return -1;
}

/*
 * Opens batch '*b' on a socket in a new network namespace, ours alone: it
 * goes when the socket closes.  The calling thread comes back to its own
 * namespace.  Returns 0 or an errno.
 */
static int
open_scratch(struct nlbatch **b)
{
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), scratch = -1, e = 0;

    if (self < 0)
        return errno;
    if (unshare(CLONE_NEWNET) < 0)
        e = errno;
    else if ((scratch = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
        e = errno;
    if (setns(self, CLONE_NEWNET) < 0)
        abort();                /* Left in the scratch namespace: nothing is safe now. */
    close(self);
    if (e == 0)
        e = link_open(b, scratch);
    if (scratch >= 0)
        close(scratch);
    return e;
}

/*
 * Whether this kernel has the qdiscs the links of 't' ask for: each kind
 * is made once, on the loopback of a namespace of its own (open_scratch()),
 * before anything of the run is built.  Returns 0, or -1 with a message
 * naming the link, its settings and the kernel module missing.
 */
int
shape_check(const struct emu_topo *t, char *err, size_t errlen)
{
    static const struct { unsigned bits; const char *qdisc, *module, *what; } need[] = {
        { SHAPE_BW, "htb", "sch_htb, CONFIG_NET_SCH_HTB", "bw needs" },
        { SHAPE_NETEM, "netem", "sch_netem, CONFIG_NET_SCH_NETEM", "delay, jitter and loss need" },
        { SHAPE_QUEUE, "pfifo", "sch_fifo, CONFIG_NET_SCH_FIFO", "max_queue_size needs" },
    };

    for (size_t k = 0; k < sizeof(need) / sizeof(need[0]); k++) {
        int li = first_with(t, need[k].bits), e;
        const struct emu_link *l;
        struct emu_shape one;
        struct nlbatch *b;
        char set[160];

        if (li < 0)
            continue;
        l = &t->link[li];
        if ((e = open_scratch(&b)) != 0) {
            snprintf(err, errlen, "link settings: a namespace to try them in: %s", strerror(e));
            return -1;
        }
        /* One kind at a time, so that a refusal names its module. */
        one = l->shape;
        one.set &= need[k].bits;
        if ((e = send_end(b, 1, &one)) == 0)
            e = link_finish(b);
        link_close(b);
        if (e != 0) {
            /* The kernel says ENOENT for a qdisc kind it does not know. */
            snprintf(err, errlen, "link %s-%s (%s): this kernel %s %s qdisc (module %s),"
                " which %s%s%s; nothing was built", t->node[l->a].name, t->node[l->b].name,
                shape_str(&l->shape, set, sizeof(set)), e == ENOENT ? "has no" : "refused the",
                need[k].qdisc, need[k].module, need[k].what, e == ENOENT ? "" : ": ",
                e == ENOENT ? "" : strerror(e));
            return -1;
        }
    }
    return 0;
}

/*
 * Puts the qdiscs of link 'li' of 't' (-1: of every link) on both its
 * ends: a switch end in the root namespace, a host's (ifindex 2) in the
 * host's namespace, whose node netns_fd must be open.  Returns 0, or an
 * errno with a message in 'err'.
 */
int
shape_apply(struct emu_topo *t, int li, char *err, size_t errlen)
{
    struct nlbatch *root = NULL;
    int e = 0;

    for (int i = li < 0 ? 0 : li; i < (li < 0 ? t->nlinks : li + 1) && e == 0; i++) {
        struct emu_link *l = &t->link[i];
        const struct emu_node *a = &t->node[l->a];
        struct nlbatch *hb;

        if (l->shape.set == 0)
            continue;
        if (root == NULL && (e = link_open(&root, -1)) != 0)
            break;
        e = send_end(root, l->b_ifindex, &l->shape);
        if (e == 0 && a->kind == EMU_SWITCH)
            e = send_end(root, l->a_ifindex, &l->shape);
        else if (e == 0 && (e = a->netns_fd < 0 ? EBADF : link_open(&hb, a->netns_fd)) == 0) {
            if ((e = send_end(hb, 2, &l->shape)) == 0)
                e = link_finish(hb);
            link_close(hb);
        }
        if (e != 0)
            snprintf(err, errlen, "link %s-%s: qdiscs: %s", a->name, t->node[l->b].name,
                strerror(e));
    }
    if (root != NULL) {
        int r = link_finish(root);

        if (e == 0 && (e = r) != 0)
            snprintf(err, errlen, "link settings: qdiscs: %s", strerror(e));
        link_close(root);
    }
    return e;
}
