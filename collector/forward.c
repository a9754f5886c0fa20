/*
 * forward: replicates every raw datagram, unchanged, to other collectors
 * (-f HOST/PORT, repeatable), while decoding goes on.
 *
 * One non-blocking UDP socket per address family serves all targets of that
 * family.  Datagrams are copied into a batch and sent with sendmmsg() when
 * the batch fills and at every tick (the end of each receive batch), so a
 * burst costs one system call per family, not one per datagram and target.
 * A full socket buffer never stalls the collector: what does not fit is
 * dropped and counted per target, as are other send errors.
 *
 * With --forward-by agent each datagram goes to one target only, chosen by
 * a hash of its agent address (forward_hash.c), so each target sees whole
 * agents and adding a target moves only the agents it wins.
 */
#include "forward.h"
#include "fwd_guard.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "forward_hash.h"
#include "spoof.h"

#define FWD_BATCH 64            /* Messages per sendmmsg(). */
#define FWD_ARENA (1 << 18)     /* Bytes of datagrams held for one batch. */
#define FWD_SNDBUF (4 << 20)

struct fwd_target {
    char name[300];             /* HOST/PORT as given. */
    struct sockaddr_storage addr;
    socklen_t addrlen;
    int fam;                    /* Index into forward.socks. */
    uint64_t sent, dropped, failed;
    int last_errno;             /* Of the last failure, for the report. */
};

struct fwd_sock {
    int fd;                     /* -1: no target of this family. */
    struct mmsghdr msgs[FWD_BATCH];
    struct iovec iov[FWD_BATCH];
    struct fwd_target *to[FWD_BATCH];
    unsigned int n;
};

struct forward {
    struct sink sink;
    struct fwd_target targets[CONFIG_MAX_TARGETS];
    int n_targets;
    struct fwd_sock socks[2];   /* AF_INET, AF_INET6 */
    uint8_t *arena;             /* Copies of queued datagrams. */
    size_t arena_used;
    struct fwd_guard guard;
    uint64_t looped;            /* Came back after we forwarded them: not sent again. */
    struct spoof *spoof;        /* -S: sent from the agent's address, else NULL */
    int by_agent;               /* --forward-by agent: one target per agent. */
    uint64_t keys[CONFIG_MAX_TARGETS];  /* forward_hash_key() of each target. */
};

/* Sends what socket 's' has queued; never waits. */
static void
sock_flush(struct fwd_sock *s)
{
    unsigned int off = 0, i;
    int rc;

    while (off < s->n) {
        rc = sendmmsg(s->fd, s->msgs + off, s->n - off, MSG_DONTWAIT);
        if (rc > 0) {
            for (i = off; i < off + (unsigned int)rc; i++)
                s->to[i]->sent++;
            off += (unsigned int)rc;
            continue;
        }
        if (rc < 0 && errno == EINTR)
            continue;
        /* The message at 'off' failed: count it and go on with the next. */
        if (rc == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
            s->to[off]->dropped++;
        } else {
            s->to[off]->failed++;
            s->to[off]->last_errno = errno;
        }
        off++;
    }
    s->n = 0;
}

static void
forward_flush(struct forward *fw)
{
    int i;

    for (i = 0; i < 2; i++)
        if (fw->socks[i].n > 0)
            sock_flush(&fw->socks[i]);
    fw->arena_used = 0;
}

static void
forward_datagram(void *ctx, const uint8_t *raw, size_t len,
    const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    struct forward *fw = ctx;
    struct fwd_sock *s;
    uint8_t *copy;
    int i, pick;

    (void)meta;
    if (fwd_guard_seen(&fw->guard, raw, len, dg)) {
        fw->looped++;
        return;
    }
    if (len > FWD_ARENA)
        len = FWD_ARENA;        /* Cannot happen with UDP; a capture may lie. */
    if (fw->arena_used + len > FWD_ARENA)
        forward_flush(fw);
    for (i = 0; i < 2; i++)
        if (fw->socks[i].n + (unsigned int)fw->n_targets > FWD_BATCH)
            forward_flush(fw);
    copy = fw->arena + fw->arena_used;
    memcpy(copy, raw, len);
    fw->arena_used += len;
    pick = fw->by_agent ? forward_hash_pick(&dg->agent, fw->keys, fw->n_targets) : -1;
    for (i = 0; i < fw->n_targets; i++) {
        struct fwd_target *t = &fw->targets[i];
        struct mmsghdr *m;

        if (pick >= 0 && i != pick)
            continue;

        if (fw->spoof != NULL && dg->stage >= 2 && spoof_send(fw->spoof, &dg->agent,
            SFLOW_PORT, (struct sockaddr *)&t->addr, raw, len) == 0) {
            t->sent++;
            continue;
        }
        s = &fw->socks[t->fam];
        m = &s->msgs[s->n];
        s->iov[s->n].iov_base = copy;
        s->iov[s->n].iov_len = len;
        memset(m, 0, sizeof(*m));
        m->msg_hdr.msg_name = &t->addr;
        m->msg_hdr.msg_namelen = t->addrlen;
        m->msg_hdr.msg_iov = &s->iov[s->n];
        m->msg_hdr.msg_iovlen = 1;
        s->to[s->n] = t;
        s->n++;
    }
}

static void
forward_tick(void *ctx, const struct timeval *now)
{
    (void)now;
    forward_flush(ctx);
}

static void
forward_stats(void *ctx, FILE *f)
{
    struct forward *fw = ctx;
    int i;

    forward_flush(fw);
    for (i = 0; i < fw->n_targets; i++) {
        const struct fwd_target *t = &fw->targets[i];

        fprintf(f, "  forward %s sent %llu dropped %llu failed %llu", t->name,
            (unsigned long long)t->sent, (unsigned long long)t->dropped,
            (unsigned long long)t->failed);
        if (t->failed)
            fprintf(f, " (last: %s)", strerror(t->last_errno));
        fprintf(f, "\n");
    }
    fprintf(f, "  forward looped %llu (forwarded before, not sent again)\n",
        (unsigned long long)fw->looped);
}

static void
forward_close(void *ctx)
{
    struct forward *fw = ctx;
    int i;

    forward_flush(fw);
    for (i = 0; i < 2; i++)
        if (fw->socks[i].fd >= 0)
            close(fw->socks[i].fd);
    spoof_close(fw->spoof);
    free(fw->arena);
    free(fw);
}

/* Resolves target 'tg' into 't'; returns 0 or -1 with a message in 'err'. */
static int
resolve(const struct target *tg, struct fwd_target *t, char *err, size_t errlen)
{
    struct addrinfo hints, *res;
    char host[256];
    size_t n = strlen(tg->host);
    int rc;

    /* [2001:db8::1]/6343 as well as 2001:db8::1/6343. */
    if (n >= 2 && tg->host[0] == '[' && tg->host[n - 1] == ']') {
        snprintf(host, sizeof(host), "%.*s", (int)(n - 2), tg->host + 1);
    } else {
        snprintf(host, sizeof(host), "%s", tg->host);
    }
    snprintf(t->name, sizeof(t->name), "%s/%s", tg->host, tg->port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_protocol = IPPROTO_UDP;
    rc = getaddrinfo(host, tg->port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "-f %s: %s", t->name, gai_strerror(rc));
        return -1;
    }
    if (res->ai_addrlen > sizeof(t->addr) ||
        (res->ai_family != AF_INET && res->ai_family != AF_INET6)) {
        snprintf(err, errlen, "-f %s: not an IPv4 or IPv6 address", t->name);
        freeaddrinfo(res);
        return -1;
    }
    memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
    t->addrlen = res->ai_addrlen;
    t->fam = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return 0;
}

static int
open_sock(struct fwd_sock *s, int family, char *err, size_t errlen)
{
    int sndbuf = FWD_SNDBUF;

    s->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
    if (s->fd < 0) {
        snprintf(err, errlen, "-f: %s socket: %s",
            family == AF_INET ? "IPv4" : "IPv6", strerror(errno));
        return -1;
    }
    /* A larger buffer absorbs bursts; failing to get it only costs drops. */
    (void)setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
    return 0;
}

struct sink *
forward_open(const struct config *cfg, char *err, size_t errlen)
{
    struct forward *fw = calloc(1, sizeof(*fw));
    int i;

    if (fw == NULL || (fw->arena = malloc(FWD_ARENA)) == NULL) {
        free(fw);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    fw->socks[0].fd = fw->socks[1].fd = -1;
    for (i = 0; i < cfg->n_fwd && i < CONFIG_MAX_TARGETS; i++) {
        struct fwd_target *t = &fw->targets[i];

        if (resolve(&cfg->fwd[i], t, err, errlen) != 0)
            goto fail;
        if (fwd_guard_is_self(cfg, (const struct sockaddr *)&t->addr)) {
            snprintf(err, errlen, "-f %s: this collector listens there (a forwarding loop)",
                t->name);
            goto fail;
        }
        if (fw->socks[t->fam].fd < 0 &&
            open_sock(&fw->socks[t->fam], t->fam ? AF_INET6 : AF_INET, err, errlen) != 0)
            goto fail;
        fw->keys[i] = forward_hash_key(t->name);
        fw->n_targets++;
    }
    if (cfg->spoof && spoof_open(&fw->spoof, err, errlen) != 0)
        goto fail;
    fw->by_agent = cfg->fwd_by_agent;
    fw->sink.name = "forward";
    fw->sink.ctx = fw;
    fw->sink.datagram = forward_datagram;
    fw->sink.tick = forward_tick;
    fw->sink.stats = forward_stats;
    fw->sink.close = forward_close;
    return &fw->sink;

fail:
    forward_close(fw);
    return NULL;
}
