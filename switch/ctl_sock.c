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
#include "owndir.h"
#include "rollback.h"
#include "state.h"

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

int
ctl_sock_listen(const char *path, char *msg, size_t msglen)
{
    struct sockaddr_un sun;
    char dir[sizeof(sun.sun_path)];
    int fd, probe, e;
    mode_t mask;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path) || owndir_split(path, dir, sizeof(dir)) == NULL) {
        snprintf(msg, msglen, "%s: not a socket path (at most %zu bytes)", path, sizeof(sun.sun_path) - 1);
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sun.sun_path, path);
    /* Another user able to write there could replace the socket under sfctl. */
    if ((fd = owndir_open(dir, msg, msglen)) < 0)
        return -1;
    close(fd);
    /* A socket file nobody answers on is left over from a crash: replace it. */
    probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
            close(probe);
            snprintf(msg, msglen, "%s: another sflow-switch answers there", path);
            errno = EADDRINUSE;
            return -1;
        }
        close(probe);
    }
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(msg, msglen, "socket: %s", strerror(errno));
        return -1;
    }
    /* Mode 0600 from the start: no moment when others may connect. */
    mask = umask(0177);
    e = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 128) < 0 ? errno : 0;
    umask(mask);
    if (e != 0) {
        snprintf(msg, msglen, "%s: %s", path, strerror(e));
        close(fd);
        errno = e;
        return -1;
    }
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

/*
 * Makes room for a new client by closing the one silent the longest:
 * clients that connect and say nothing must not lock the others out.
 */
static void
drop_idlest(struct sw *sw)
{
    static uint64_t logged_ms;
    static unsigned dropped;
    struct conn *idlest = conns;

    for (struct conn *c = conns; c; c = c->next)
        if (c->last_ms < idlest->last_ms)
            idlest = c;
    conn_free(sw, idlest);
    /* Anyone who may connect can make this happen: say it once in a while. */
    dropped++;
    if (logged_ms == 0 || sw->now_ms - logged_ms >= CTL_SOCK_IDLE_MS) {
        log_warnx("ctl: %d clients at once; closed %u idle one(s) to make room", CTL_SOCK_MAX_CONNS, dropped);
        logged_ms = sw->now_ms;
        dropped = 0;
    }
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
        if (n_conns == CTL_SOCK_MAX_CONNS)
            drop_idlest(sw);
        if ((c = calloc(1, sizeof(*c))) == NULL) {
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
 * The commands one process() call runs: their answers are queued but not
 * sent until their changes are saved (commit()).
 */
struct txn {
    char *snap;                 /* The configuration before the first of them. */
    struct {
        size_t off;             /* Where its answer starts in 'out'. */
        bool changed;
    } *cmd;
    size_t n, cap;
    bool changed;
};

/* Queues answer 'st' with text 'text' ('len' bytes) on 'c'; false without memory. */
static bool
answer(struct conn *c, int st, const char *text, size_t len)
{
    char head[32];

    if (c->batch)
        snprintf(head, sizeof(head), "%d %zu\n", st, len);
    else
        snprintf(head, sizeof(head), "%d\n", st);
    return out_put(c, head, strlen(head)) && out_put(c, text, len);
}

/*
 * Runs the 'argc' words at 'argv' and queues the answer: "STATUS\n" and
 * the text, or in a batch "STATUS LENGTH\n" and the text; notes it in
 * 't'.  False when the connection must be dropped.
 */
static bool
run(struct sw *sw, struct conn *c, struct txn *t, int argc, char **argv)
{
    char *obuf = NULL, *ebuf = NULL;
    size_t olen = 0, elen = 0;
    FILE *out = open_memstream(&obuf, &olen), *err = open_memstream(&ebuf, &elen);
    bool ok = true;
    uint32_t gen;
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
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        void *p = realloc(t->cmd, cap * sizeof(*t->cmd));

        if (p == NULL)
            ok = false;
        else {
            t->cmd = p;
            t->cap = cap;
        }
    }
    if (ok && t->snap == NULL && (t->snap = state_snapshot(sw)) == NULL)
        ok = false;
    if (!ok) {
        fclose(out);
        fclose(err);
        free(obuf);
        free(ebuf);
        return false;
    }
    gen = sw->config_gen;
    st = ctl_exec(sw, argc, argv, out, err, 0);
    fclose(out);
    fclose(err);
    if (st == CTL_ERROR)
        log_info("ctl: %s: %.*s", argc > 0 ? argv[0] : "", (int)(elen && ebuf[elen - 1] == '\n' ? elen - 1 : elen),
            ebuf);
    t->cmd[t->n].off = c->out_len;
    t->cmd[t->n].changed = sw->config_gen != gen;
    t->changed |= t->cmd[t->n++].changed;
    /* CTL_NO is an answer, not a failure: diff-flows prints its differences. */
    ok = answer(c, st, st != CTL_ERROR ? obuf : ebuf, st != CTL_ERROR ? olen : elen);
    free(obuf);
    free(ebuf);
    return ok;
}

static void
txn_free(struct txn *t)
{
    free(t->snap);
    free(t->cmd);
}

/*
 * Saves the changes of the commands in 't' before their answers go out.
 * When that fails, undoes them and turns each of their answers into an
 * error that says why: a change is never acknowledged unsaved.  False
 * without memory.
 */
static bool
commit(struct sw *sw, struct conn *c, struct txn *t)
{
    char msg[512], *old, *rb = NULL;
    size_t len, rblen = 0, start, n_changes = 0;
    FILE *rbf;
    bool ok = true;
    int e;

    if (!t->changed || (e = state_commit(sw)) == 0)
        return true;
    if ((rbf = open_memstream(&rb, &rblen)) == NULL)
        return false;
    if (rollback_to(sw, t->snap, rbf) != 0)
        fprintf(rbf, "out of memory\n");
    fclose(rbf);
    for (size_t i = 0; i < t->n; i++)
        n_changes += t->cmd[i].changed;
    log_warnx("%s: cannot save the configuration: %s; %zu change(s) undone and refused%s%.*s",
        state_path(), strerror(e), n_changes, rblen ? ": " : "",
        (int)(rblen && rb[rblen - 1] == '\n' ? rblen - 1 : rblen), rb);
    free(rb);
    len = (size_t)snprintf(msg, sizeof(msg), "cannot save the configuration to %s: %s; not applied\n",
        state_path(), strerror(e));
    /* Rebuild the answers from the first command's on. */
    start = t->cmd[0].off;
    if ((old = malloc(c->out_len - start + 1)) == NULL)
        return false;
    memcpy(old, c->out + start, c->out_len - start);
    len = len < sizeof(msg) ? len : sizeof(msg) - 1;
    for (size_t i = 0, end = c->out_len; i < t->n && ok; i++) {
        size_t a = t->cmd[i].off - start, b = (i + 1 < t->n ? t->cmd[i + 1].off : end) - start;

        if (i == 0)
            c->out_len = start;
        if (t->cmd[i].changed)
            ok = answer(c, CTL_ERROR, msg, len);
        else
            ok = out_put(c, old + a, b - a);
    }
    free(old);
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
    struct txn t = { 0 };
    size_t off = 0;
    int argc, r = 0;
    bool ok = true;

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
        if (!c->eof && c->in_len < CTL_MAX_REQUEST)
            return true;
        if (c->in_len == 0)
            return false;
        c->done = true;
        if (!c->eof) {
            char msg[64];
            int n = snprintf(msg, sizeof(msg), "command longer than %d bytes; refused\n", CTL_MAX_REQUEST);

            return answer(c, CTL_ERROR, msg, (size_t)n);
        }
        argc = 0;
        for (char *p = c->in; p < c->in + c->in_len && argc < CTL_MAX_ARGS; p += strlen(p) + 1)
            argv[argc++] = p;
        argv[argc] = NULL;
        ok = run(sw, c, &t, argc, argv) && commit(sw, c, &t);
        txn_free(&t);
        return ok;
    }
    while (ok && !backlogged(c) && (r = next_command(c, &off, &argc, argv)) != 0)
        ok = r > 0 && run(sw, c, &t, argc, argv);
    ok = commit(sw, c, &t) && ok;
    txn_free(&t);
    if (!ok)
        return false;
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
