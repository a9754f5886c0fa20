/*
 * ctl_sock: control socket, connections, framing of commands and answers;
 * see ctl_sock.h.  A connection is a pair of buffers: what came in and is
 * not yet a whole command, and answers not yet written.
 */
#include "ctl_sock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"

#define MAX_CONNS 64
#define BATCH_MAGIC "--batch"

struct conn {
    struct sw_ev ev;            /* First: the epoll event points here. */
    int fd;
    bool decided, batch;        /* Whether the first word said "--batch". */
    bool eof;                   /* The client shut down its writing side. */
    bool done;                  /* Close once the answers are written. */
    uint32_t events;            /* As registered with epoll. */
    char *in;                   /* Bytes of commands not yet run. */
    size_t in_len, in_cap;
    char *out;                  /* Answers; 'out_off' of them written. */
    size_t out_len, out_off, out_cap;
    uint64_t last_ms;
    struct conn *next, **pprev;
};

static struct conn *conns;
static unsigned n_conns;

static int
mkdirs(const char *path)
{
    char buf[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char *s;

    snprintf(buf, sizeof(buf), "%s", path);
    s = strrchr(buf, '/');
    if (s == NULL || s == buf)
        return 0;
    *s = '\0';
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int
ctl_sock_listen(const char *path)
{
    struct sockaddr_un sun;
    int fd, probe, e;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sun.sun_path, path);
    if (mkdirs(path) < 0)
        return -1;
    /* A socket file nobody answers on is left over from a crash: replace it. */
    probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
            close(probe);
            errno = EADDRINUSE;
            return -1;
        }
        close(probe);
    }
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 128) < 0) {
        e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    chmod(path, 0600);
    return fd;
}

static void
conn_free(struct sw *sw, struct conn *c)
{
    (void)epoll_ctl(sw->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (c->next)
        c->next->pprev = c->pprev;
    *c->pprev = c->next;
    n_conns--;
    free(c->in);
    free(c->out);
    free(c);
}

void
ctl_sock_accept(struct sw *sw, int lfd)
{
    for (;;) {
        struct epoll_event ev;
        struct conn *c;
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

        if (fd < 0)
            return;
        if (n_conns == MAX_CONNS || (c = calloc(1, sizeof(*c))) == NULL) {
            log_warnx("ctl: too many clients; one refused");
            close(fd);
            continue;
        }
        c->ev.kind = SW_EV_CTL;
        c->fd = fd;
        c->last_ms = sw->now_ms;
        c->events = EPOLLIN;
        ev.events = c->events;
        ev.data.ptr = &c->ev;
        if (epoll_ctl(sw->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close(fd);
            free(c);
            continue;
        }
        c->next = conns;
        if (conns)
            conns->pprev = &c->next;
        c->pprev = &conns;
        conns = c;
        n_conns++;
    }
}

/* Appends 'n' bytes at 'p' to the answers of 'c'; false without memory. */
static bool
out_put(struct conn *c, const char *p, size_t n)
{
    if (n == 0)
        return true;
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        char *b;

        while (cap < c->out_len + n)
            cap *= 2;
        if ((b = realloc(c->out, cap)) == NULL)
            return false;
        c->out = b;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    return true;
}

/*
 * Runs the 'argc' words at 'argv' and queues the answer: "STATUS\n" and
 * the text, or in a batch "STATUS LENGTH\n" and the text.  False when the
 * connection must be dropped.
 */
static bool
run(struct sw *sw, struct conn *c, int argc, char **argv)
{
    char *obuf = NULL, *ebuf = NULL, head[32];
    size_t olen = 0, elen = 0, tlen;
    FILE *out = open_memstream(&obuf, &olen), *err = open_memstream(&ebuf, &elen);
    bool ok;
    int st;

    if (out == NULL || err == NULL) {
        if (out)
            fclose(out);
        if (err)
            fclose(err);
        free(obuf);
        free(ebuf);
        return false;
    }
    st = ctl_exec(sw, argc, argv, out, err, 0);
    fclose(out);
    fclose(err);
    if (st == CTL_ERROR)
        log_info("ctl: %s: %.*s", argc > 0 ? argv[0] : "", (int)(elen && ebuf[elen - 1] == '\n' ? elen - 1 : elen),
            ebuf);
    tlen = st == CTL_OK ? olen : elen;
    if (c->batch)
        snprintf(head, sizeof(head), "%d %zu\n", st, tlen);
    else
        snprintf(head, sizeof(head), "%d\n", st);
    ok = out_put(c, head, strlen(head)) && out_put(c, st == CTL_OK ? obuf : ebuf, tlen);
    free(obuf);
    free(ebuf);
    return ok;
}

/*
 * The next whole command of a batch at 'c->in' + '*off': its words in
 * 'argv', 'argc' of them, and '*off' past it.  Returns 1, 0 if it has not
 * all come yet, -1 if it is malformed.
 */
static int
next_command(struct conn *c, size_t *off, int *argc, char **argv)
{
    char *p = c->in + *off, *end = c->in + c->in_len, *z, *e;
    unsigned long n;

    if ((z = memchr(p, '\0', (size_t)(end - p))) == NULL)
        return end - p > 16 ? -1 : 0;     /* A count is a few digits. */
    errno = 0;
    n = strtoul(p, &e, 10);
    if (e == p || e != z || errno || n == 0 || n > CTL_MAX_ARGS)
        return -1;
    p = z + 1;
    for (unsigned long i = 0; i < n; i++) {
        if ((z = memchr(p, '\0', (size_t)(end - p))) == NULL)
            return 0;
        argv[i] = p;
        p = z + 1;
    }
    argv[n] = NULL;
    *argc = (int)n;
    *off = (size_t)(p - c->in);
    return 1;
}

/* Whether 'c' has so many answers waiting that it must not take more commands. */
static bool
backlogged(const struct conn *c)
{
    return c->out_len - c->out_off >= CTL_SOCK_MAX_OUT;
}

/*
 * Runs what 'c' has received that can run now, and sets 'c->done' when
 * nothing more will come; false to drop the connection.
 */
static bool
process(struct sw *sw, struct conn *c)
{
    static const char magic[] = BATCH_MAGIC;    /* With its NUL. */
    char *argv[CTL_MAX_ARGS + 1];
    size_t off = 0;
    int argc, r = 0;

    if (!c->decided) {
        size_t n = c->in_len < sizeof(magic) ? c->in_len : sizeof(magic);
        bool prefix = n > 0 && memcmp(c->in, magic, n) == 0;

        if (n == sizeof(magic) || (n > 0 && !prefix) || c->eof) {
            c->decided = true;
            c->batch = n == sizeof(magic) && prefix;
            if (c->batch)
                off = sizeof(magic);
        } else {
            return true;        /* Could still become "--batch". */
        }
    }
    if (!c->batch) {
        /* The request ends with the stream; an empty one gets no answer. */
        if (!c->eof)
            return c->in_len < CTL_MAX_REQUEST;
        if (c->in_len == 0)
            return false;
        argc = 0;
        for (char *p = c->in; p < c->in + c->in_len && argc < CTL_MAX_ARGS; p += strlen(p) + 1)
            argv[argc++] = p;
        argv[argc] = NULL;
        c->done = true;
        return run(sw, c, argc, argv);
    }
    while (!backlogged(c) && (r = next_command(c, &off, &argc, argv)) != 0) {
        if (r < 0 || !run(sw, c, argc, argv))
            return false;
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    if (c->in_len >= CTL_MAX_REQUEST)
        return false;
    /* No whole command left and no more to come (a command cut short is dropped). */
    if (c->eof && r == 0 && !backlogged(c))
        c->done = true;
    return true;
}

/* Reads what is waiting on 'c' (stopping at CTL_MAX_REQUEST); false on error. */
static bool
read_in(struct conn *c)
{
    for (;;) {
        ssize_t r;

        if (c->in_len == c->in_cap) {
            size_t cap = c->in_cap ? c->in_cap * 2 : 4096;
            char *b;

            if (c->in_cap >= CTL_MAX_REQUEST)
                return true;    /* Full: process() runs or refuses it. */
            if ((b = realloc(c->in, cap + 1)) == NULL)
                return false;
            c->in = b;
            c->in_cap = cap;
        }
        r = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return errno == EAGAIN;
        if (r == 0) {
            c->eof = true;
            return true;
        }
        c->in_len += (size_t)r;
        c->in[c->in_len] = '\0';
    }
}

/* Writes what it can of the answers; false on error. */
static bool
write_out(struct conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno == EAGAIN;
        c->out_off += (size_t)w;
    }
    c->out_off = c->out_len = 0;
    return true;
}

void
ctl_sock_event(struct sw *sw, struct sw_ev *ev, uint32_t events)
{
    struct conn *c = (struct conn *)(void *)ev;
    uint32_t want;

    c->last_ms = sw->now_ms;
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !c->eof && !c->done &&
        !backlogged(c) && !read_in(c)) {
        conn_free(sw, c);
        return;
    }
    /* Answers that went out make room for the commands that waited on them. */
    for (;;) {
        size_t before = c->in_len;
        bool was_backlogged = backlogged(c);

        if (!c->done && !process(sw, c)) {
            conn_free(sw, c);
            return;
        }
        if (!write_out(c)) {
            conn_free(sw, c);
            return;
        }
        if (c->done || backlogged(c) || (!was_backlogged && c->in_len == before))
            break;
    }
    if (c->done && c->out_len == 0) {
        conn_free(sw, c);
        return;
    }
    /* Read while answers do not pile up; wait to write when they do not go. */
    want = 0;
    if (!c->eof && !c->done && !backlogged(c))
        want |= EPOLLIN;
    if (c->out_len > 0)
        want |= EPOLLOUT;
    if (want != c->events) {
        struct epoll_event e;

        e.events = want;
        e.data.ptr = &c->ev;
        if (epoll_ctl(sw->epfd, EPOLL_CTL_MOD, c->fd, &e) < 0) {
            conn_free(sw, c);
            return;
        }
        c->events = want;
    }
}

void
ctl_sock_tick(struct sw *sw, uint64_t now_ms)
{
    struct conn *c = conns, *next;

    for (; c; c = next) {
        next = c->next;
        if (now_ms - c->last_ms > CTL_SOCK_IDLE_MS)
            conn_free(sw, c);
    }
}

void
ctl_sock_close_all(void)
{
    while (conns) {
        struct conn *c = conns;

        close(c->fd);
        conns = c->next;
        free(c->in);
        free(c->out);
        free(c);
    }
    n_conns = 0;
}
