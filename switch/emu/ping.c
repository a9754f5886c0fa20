/*
 * emu_ping: Mininet's reachability tests (pingall, pingallfull, pingpair)
 * with a bounded wait.  One process per sending host joins its namespace,
 * sends one ICMP echo request to each destination at once and waits for
 * the replies until its wait has passed: a host whose link was cut fails
 * at once (no route) or after that wait, never holds the CLI.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu.h"
#include "mono.h"

/* How long a host waits for its replies unless told (Mininet's ping waits up to 10 s). */
#define PING_WAIT_S 2.0
#define PING_PAYLOAD 56          /* ping(8)'s default. */

/* What a host's process reports of one ping. */
struct ping_result {
    int32_t idx;
    int32_t ok;
    double rtt_ms;
};

/*
 * The checksum of an echo request whose payload is zeros: the one's
 * complement sum of its only non-zero words, type and code, id, sequence.
 */
static uint16_t
echo_csum(uint16_t id, uint16_t seq)
{
    uint32_t s = (ICMP_ECHO << 8) + (uint32_t)id + seq;

    s = (s & 0xffff) + (s >> 16);
    return htons((uint16_t)~s);
}

/* The pinging host's side: sends pings 'idx[0..n-1]' of 'p', writes their results to 'out'. */
static void
host_pings(const struct emu_topo *t, const char *prefix, const struct emu_ping *p,
    const int *idx, int n, double wait_s, int out)
{
    char ns[64];
    uint8_t buf[128];
    uint16_t id = (uint16_t)(getpid() & 0xffff);
    double *sent_at = calloc((size_t)n + 1, sizeof(*sent_at)), deadline;
    int sk, left = 0;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    snprintf(ns, sizeof(ns), "%s-%s", prefix, t->node[p[idx[0]].src].name);
    if (sent_at == NULL)
        _exit(EMU_EXIT_NOMEM);
    if (netns_enter(ns) != 0)
        _exit(EMU_EXIT_NETNS);
    if ((sk = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP)) < 0)
        _exit(EMU_EXIT_ICMP);
    for (int k = 0; k < n; k++) {
        struct icmphdr *ic = (struct icmphdr *)buf;
        struct sockaddr_in dst = { .sin_family = AF_INET,
            .sin_addr.s_addr = htonl(t->node[p[idx[k]].dst].ip) };

        memset(buf, 0, 8 + PING_PAYLOAD);
        ic->type = ICMP_ECHO;
        ic->un.echo.id = htons(id);
        ic->un.echo.sequence = htons((uint16_t)k);
        ic->checksum = echo_csum(id, (uint16_t)k);
        sent_at[k] = mono_s();
        /* No route (the link is gone): a failure now, no wait. */
        if (sendto(sk, buf, 8 + PING_PAYLOAD, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
            sent_at[k] = -1;
        else
            left++;
    }
    deadline = mono_s() + wait_s;
    while (left > 0) {
        struct pollfd pfd = { .fd = sk, .events = POLLIN };
        double now = mono_s();
        ssize_t got;

        if (now >= deadline || poll(&pfd, 1, (int)((deadline - now) * 1000) + 1) < 0)
            break;
        while ((got = recv(sk, buf, sizeof(buf), 0)) >= 28) {
            size_t ihl = (size_t)(buf[0] & 15) * 4;
            const struct icmphdr *ic = (const struct icmphdr *)(buf + ihl);
            int k;

            if ((size_t)got < ihl + 8 || ic->type != ICMP_ECHOREPLY || ntohs(ic->un.echo.id) != id)
                continue;
            k = ntohs(ic->un.echo.sequence);
            if (k >= n || sent_at[k] <= 0)
                continue;
            {
                struct ping_result r = { .idx = idx[k], .ok = 1,
                    .rtt_ms = (mono_s() - sent_at[k]) * 1000 };

                if (write(out, &r, sizeof(r)) != (ssize_t)sizeof(r))
                    _exit(EMU_EXIT_RESULT);
            }
            sent_at[k] = 0;
            left--;
        }
    }
    _exit(EMU_EXIT_OK);
}

/*
 * Runs pings 'p[0..n-1]' (src and dst set; ok and rtt_ms filled in here),
 * those of each sending host in a process of its own, all at once, each
 * waiting up to 'wait_s' seconds for its replies (0: PING_WAIT_S).
 * Returns 0 or an errno (EINTR: stopped by a signal).
 */
int
ping_run(const struct emu_topo *t, const char *prefix, struct emu_ping *p, int n, double wait_s)
{
    int *idx = malloc((size_t)n * sizeof(*idx) + 1), *fd = malloc((size_t)n * sizeof(*fd) + 1);
    pid_t *pid = calloc((size_t)n + 1, sizeof(*pid));
    int nkids = 0, e = 0, open_fds;
    double deadline;

    if (idx == NULL || fd == NULL || pid == NULL) {
        e = ENOMEM;
        goto out;
    }
    if (wait_s <= 0)
        wait_s = PING_WAIT_S;
    for (int i = 0; i < n; i++)
        p[i].ok = false, p[i].rtt_ms = 0;
    /* One process per sending host, with the indexes of its pings. */
    for (int i = 0; i < n && e == 0; i++) {
        int m = 0, pp[2];
        bool first = true;

        for (int k = 0; k < i && first; k++)
            first = p[k].src != p[i].src;
        if (!first)
            continue;
        for (int k = i; k < n; k++)
            if (p[k].src == p[i].src)
                idx[m++] = k;
        if (pipe2(pp, O_CLOEXEC) < 0) {
            e = errno;
            break;
        }
        fflush(NULL);
        if ((pid[nkids] = fork()) < 0) {
            e = errno;
            close(pp[0]);
            close(pp[1]);
            break;
        }
        if (pid[nkids] == 0) {
            close(pp[0]);
            host_pings(t, prefix, p, idx, m, wait_s, pp[1]);
        }
        close(pp[1]);
        fd[nkids++] = pp[0];
    }
    /* Every process ends by its own deadline; this one is for those that cannot. */
    deadline = mono_s() + wait_s + 3;
    open_fds = nkids;
    while (e == 0 && open_fds > 0) {
        struct pollfd *pfd = calloc((size_t)nkids, sizeof(*pfd));
        double now = mono_s();
        int r;

        if (pfd == NULL) {
            e = ENOMEM;
            break;
        }
        for (int k = 0; k < nkids; k++)
            pfd[k] = (struct pollfd){ .fd = fd[k], .events = POLLIN };
        r = now < deadline ? poll(pfd, (nfds_t)nkids, (int)((deadline - now) * 1000) + 1) : 0;
        if (r < 0 && errno == EINTR && !emu_stop) {
            free(pfd);
            continue;
        }
        if (r <= 0) {
            e = r < 0 ? EINTR : 0;
            free(pfd);
            break;
        }
        for (int k = 0; k < nkids; k++) {
            struct ping_result res;
            ssize_t got;

            if (!(pfd[k].revents & (POLLIN | POLLHUP)))
                continue;
            got = read(fd[k], &res, sizeof(res));
            if (got == (ssize_t)sizeof(res) && res.idx >= 0 && res.idx < n) {
                p[res.idx].ok = res.ok != 0;
                p[res.idx].rtt_ms = res.rtt_ms;
            } else if (got <= 0) {
                close(fd[k]);
                fd[k] = -1;     /* poll() skips negative descriptors. */
                open_fds--;
            }
        }
        free(pfd);
    }
    for (int k = 0; k < nkids; k++) {
        if (fd[k] >= 0)
            close(fd[k]);
        kill(pid[k], SIGKILL);  /* Gone already, unless it outlived its deadline. */
        while (waitpid(pid[k], NULL, 0) < 0 && errno == EINTR)
            ;
    }
out:
    free(idx);
    free(fd);
    free(pid);
    return e;
}

/*
 * Mininet's ping tests between every ordered pair of 'hosts' (node
 * indexes): the reachability matrix with X for a failure, then the loss
 * or, with 'full', each ping's round trip.  Each ping waits up to 'wait_s'
 * seconds (0: PING_WAIT_S).  Sets '*lost'; returns 0 or an errno (a message
 * printed).
 */
int
ping_print(const struct emu_topo *t, const char *prefix, const int *hosts, int nhosts,
    bool full, double wait_s, int *lost, FILE *out)
{
    struct emu_ping *p = calloc((size_t)nhosts * (size_t)nhosts + 1, sizeof(*p));
    int n = 0, e;

    *lost = 0;
    if (p == NULL)
        return ENOMEM;
    for (int a = 0; a < nhosts; a++)
        for (int b = 0; b < nhosts; b++)
            if (a != b)
                p[n++] = (struct emu_ping){ .src = hosts[a], .dst = hosts[b] };
    fprintf(out, "*** Ping: testing ping reachability\n");
    fflush(out);
    if ((e = ping_run(t, prefix, p, n, wait_s)) != 0) {
        fprintf(out, "*** ping: %s\n", strerror(e));
        free(p);
        return e;
    }
    for (int k = 0; k < n; k++) {
        if (k == 0 || p[k].src != p[k - 1].src)
            fprintf(out, "%s%s -> ", k ? "\n" : "", t->node[p[k].src].name);
        fprintf(out, "%s ", p[k].ok ? t->node[p[k].dst].name : "X");
        *lost += !p[k].ok;
    }
    if (n > 0)
        fprintf(out, "\n");
    if (n == 0)
        fprintf(out, "*** Warning: No packets sent\n");
    else if (!full)
        fprintf(out, "*** Results: %d%% dropped (%d/%d received)\n", *lost * 100 / n,
            n - *lost, n);
    else {
        fprintf(out, "*** Results: \n");
        for (int k = 0; k < n; k++)
            fprintf(out, " %s->%s: 1/%d, rtt min/avg/max/mdev %0.3f/%0.3f/%0.3f/%0.3f ms\n",
                t->node[p[k].src].name, t->node[p[k].dst].name, p[k].ok, p[k].rtt_ms,
                p[k].rtt_ms, p[k].rtt_ms, 0.0);
    }
    free(p);
    return 0;
}
