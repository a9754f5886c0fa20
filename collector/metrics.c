/* metrics: Prometheus text format over HTTP; see metrics.h. */
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sflow_decode.h"

#define METRICS_REQUEST_MAX 4096
#define METRICS_READ_MS 2000

struct metrics {
    int fd;
    int stop_pipe[2];
    metrics_render_fn *render;
    void *arg;
    pthread_t tid;
};

/* ---- Rendering ---- */

static void
counter(FILE *f, const char *name, const char *help, unsigned long long v)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name, v);
}

/* One per-agent series: a counter of struct seq_stream at 'off'. */
struct agent_series {
    const char *name;
    const char *help;
    size_t off;
};

static uint64_t
stream_value(const struct seq_stream *s, size_t off)
{
    uint64_t v;

    memcpy(&v, (const char *)s + off, sizeof(v));
    return v;
}

/* Per-agent datagram streams, the busiest METRICS_TOP_AGENTS labelled. */
static void
render_agents(const struct seqtrack *t, FILE *f)
{
    static const struct agent_series series[] = {
        { "sflowcollect_agent_datagrams_total", "Datagrams per agent.",
            offsetof(struct seq_stream, seen) },
        { "sflowcollect_agent_sequence_lost_total",
            "Datagrams missing from each agent's sequence numbers.",
            offsetof(struct seq_stream, lost) },
        { "sflowcollect_agent_restarts_total", "Sequence restarts per agent.",
            offsetof(struct seq_stream, restarts) },
    };
    const struct seq_stream *top[METRICS_TOP_AGENTS], *s;
    unsigned long long rest[3] = { 0, 0, 0 };
    size_t i, n = 0, j, k, agents = 0;
    char addr[INET6_ADDRSTRLEN];

    for (i = 0; i < t->cap; i++) {
        s = &t->tab[i];
        if (s->hash == 0 || s->key.kind != SEQ_DATAGRAM)
            continue;
        agents++;
        /* Insertion into the top list, busiest first; what falls off is summed. */
        if (n == METRICS_TOP_AGENTS && top[n - 1]->seen >= s->seen) {
            for (k = 0; k < 3; k++)
                rest[k] += stream_value(s, series[k].off);
            continue;
        }
        if (n == METRICS_TOP_AGENTS) {
            n--;
            for (k = 0; k < 3; k++)
                rest[k] += stream_value(top[n], series[k].off);
        }
        for (j = n; j > 0 && top[j - 1]->seen < s->seen; j--)
            top[j] = top[j - 1];
        top[j] = s;
        n++;
    }
    fprintf(f, "# HELP sflowcollect_agents Agents (agent, sub-agent) seen.\n"
        "# TYPE sflowcollect_agents gauge\nsflowcollect_agents %zu\n", agents);
    for (k = 0; k < 3; k++) {
        fprintf(f, "# HELP %s %s (the %d busiest agents; agent=\"other\" for the rest)\n"
            "# TYPE %s counter\n", series[k].name, series[k].help, METRICS_TOP_AGENTS,
            series[k].name);
        for (i = 0; i < n; i++)
            fprintf(f, "%s{agent=\"%s\",sub_agent=\"%u\"} %llu\n", series[k].name,
                stats_addr(&top[i]->key.agent, addr, sizeof(addr)), top[i]->key.sub_agent,
                (unsigned long long)stream_value(top[i], series[k].off));
        if (agents > n)
            fprintf(f, "%s{agent=\"other\",sub_agent=\"\"} %llu\n", series[k].name, rest[k]);
    }
}

void
metrics_render_stats(const struct stats *st, FILE *f)
{
    static const char *const sample_types[6] = {
        "unknown", "flow", "counters", "flow_expanded", "counters_expanded", "discarded",
    };
    int i;

    counter(f, "sflowcollect_datagrams_total", "sFlow datagrams received.", st->datagrams);
    counter(f, "sflowcollect_datagram_bytes_total", "Bytes of sFlow datagrams received.",
        st->bytes);
    counter(f, "sflowcollect_datagrams_decoded_total", "Datagrams decoded to their end.",
        st->decoded);
    counter(f, "sflowcollect_socket_drops_total",
        "Datagrams the kernel dropped (updated when receiving stops).", st->socket_drops);
    counter(f, "sflowcollect_records_unknown_total", "Records skipped by length.",
        st->unknown_records);
    fprintf(f, "# HELP sflowcollect_samples_total Samples by type.\n"
        "# TYPE sflowcollect_samples_total counter\n");
    for (i = 0; i < 6; i++)
        fprintf(f, "sflowcollect_samples_total{type=\"%s\"} %llu\n", sample_types[i],
            (unsigned long long)st->samples[i]);
    fprintf(f, "# HELP sflowcollect_decode_errors_total Datagrams that failed to decode,"
        " by reason.\n# TYPE sflowcollect_decode_errors_total counter\n");
    for (i = 1; i < SFLOW_E_MAX; i++)
        fprintf(f, "sflowcollect_decode_errors_total{reason=\"%s\"} %llu\n",
            sflow_errname((enum sflow_err)i), (unsigned long long)st->errors[i]);
    render_agents(&st->seq, f);
}

/* ---- Serving ---- */

static void
write_all(int fd, const char *p, size_t len)
{
    ssize_t n;

    while (len > 0) {
        n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

/* Reads up to the end of the request head; 0 if it came whole and in time. */
static int
read_request(int fd, char *buf, size_t cap)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    size_t len = 0;
    ssize_t n;

    while (len < cap - 1) {
        if (poll(&p, 1, METRICS_READ_MS) <= 0)
            return -1;
        n = recv(fd, buf + len, cap - 1 - len, 0);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
            return 0;
    }
    return -1;
}

static void
serve(struct metrics *m, int fd)
{
    char req[METRICS_REQUEST_MAX], head[160];
    char *page = NULL;
    size_t len = 0;
    FILE *f;

    if (read_request(fd, req, sizeof(req)) != 0)
        return;
    if (strncmp(req, "GET /metrics ", 13) != 0 && strncmp(req, "GET /metrics?", 13) != 0 &&
        strncmp(req, "GET / ", 6) != 0) {
        static const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n";

        write_all(fd, nf, sizeof(nf) - 1);
        return;
    }
    if ((f = open_memstream(&page, &len)) == NULL)
        return;
    m->render(m->arg, f);
    if (fclose(f) == 0) {
        snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Type: text/plain;"
            " version=0.0.4\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", len);
        write_all(fd, head, strlen(head));
        write_all(fd, page, len);
    }
    free(page);
}

static void *
metrics_thread(void *arg)
{
    struct metrics *m = arg;
    struct pollfd p[2] = { { .fd = m->fd, .events = POLLIN },
        { .fd = m->stop_pipe[0], .events = POLLIN } };
    int c;

    for (;;) {
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        if ((c = accept4(m->fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
            continue;
        serve(m, c);
        close(c);
    }
    return NULL;
}

/* Splits "HOST:PORT" / "[V6]:PORT" / ":PORT" into 'host' (NULL: any) and 'port'. */
static int
split_addr(char *s, char **host, char **port)
{
    char *colon = strrchr(s, ':');

    if (colon == NULL || colon[1] == '\0')
        return -1;
    *colon = '\0';
    *port = colon + 1;
    if (s[0] == '[') {
        size_t n = strlen(s);

        if (n < 2 || s[n - 1] != ']')
            return -1;
        s[n - 1] = '\0';
        s++;
    }
    *host = *s ? s : NULL;
    return 0;
}

int
metrics_start(const char *addr_port, metrics_render_fn *render, void *arg,
    struct metrics **out, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    char buf[300], *host, *port;
    struct metrics *m;
    int rc, e;

    *out = NULL;
    snprintf(buf, sizeof(buf), "%s", addr_port);
    if (split_addr(buf, &host, &port) != 0) {
        snprintf(err, errlen, "--metrics wants ADDR:PORT, not '%s'", addr_port);
        return EINVAL;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
        snprintf(err, errlen, "--metrics %s: %s", addr_port, gai_strerror(rc));
        return EINVAL;
    }
    if ((m = calloc(1, sizeof(*m))) == NULL) {
        freeaddrinfo(res);
        snprintf(err, errlen, "--metrics: out of memory");
        return ENOMEM;
    }
    m->render = render;
    m->arg = arg;
    m->stop_pipe[0] = m->stop_pipe[1] = -1;
    m->fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m->fd < 0 || bind(m->fd, res->ai_addr, res->ai_addrlen) != 0 ||
        listen(m->fd, 16) != 0 || pipe2(m->stop_pipe, O_CLOEXEC) != 0 ||
        (errno = pthread_create(&m->tid, NULL, metrics_thread, m)) != 0) {
        e = errno;
        snprintf(err, errlen, "--metrics %s: %s", addr_port, strerror(e));
        freeaddrinfo(res);
        if (m->fd >= 0)
            close(m->fd);
        if (m->stop_pipe[0] >= 0) {
            close(m->stop_pipe[0]);
            close(m->stop_pipe[1]);
        }
        free(m);
        return e;
    }
    freeaddrinfo(res);
    *out = m;
    return 0;
}

void
metrics_stop(struct metrics *m)
{
    if (m == NULL)
        return;
    if (write(m->stop_pipe[1], "x", 1) == 1)
        pthread_join(m->tid, NULL);
    close(m->stop_pipe[0]);
    close(m->stop_pipe[1]);
    close(m->fd);
    free(m);
}
