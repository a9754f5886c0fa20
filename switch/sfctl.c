/*
 * sfctl: command-line client of sflow-switch's control socket (the
 * commands of ovs-vsctl and ovs-ofctl that labs use; see sfctl(8)).
 *
 * Sends the words of the command NUL-terminated, reads "STATUS\n" and the
 * text, prints the text on stdout (or stderr for an error) and exits with
 * the status.
 *
 * With --batch it reads commands from its input, one per line, and sends
 * them all on one connection (the framing is in ctl_sock.h) while reading
 * the answers as they come: a thousand commands cost one connection and
 * no waiting between them.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "paths.h"
#include "version.h"

static void
usage(FILE *f)
{
    fprintf(f,
        "usage: sfctl [--socket PATH] [--timeout SECS] [--may-exist|--if-exists|--strict] COMMAND [ARG...]\n"
        "       sfctl [--socket PATH] [--timeout SECS] --batch < COMMANDS\n"
        "       sfctl --help | --version\n"
        "  --batch: one command per line (words split at blanks, '...' and \"...\" quote,\n"
        "  # starts a comment), all sent on one connection; the exit status is the\n"
        "  first failure's\n"
        "bridges and ports (ovs-vsctl):\n"
        "  add-br BR | del-br BR | list-br | br-exists BR | list-ports BR\n"
        "  add-port BR IF [tag=N] [trunks=LIST] [vlan_mode=MODE] [ofport=N] [other_config:K=V]...\n"
        "  del-port [BR] IF | port-to-br IF\n"
        "  list-ifaces BR | iface-to-br IF | br-to-vlan BR | br-to-parent BR\n"
        "  show\n"
        "  set-sflow BR target=HOST:PORT [sampling=N] [polling=S] [header=B] [agent=IF|ADDR]\n"
        "  clear-sflow BR\n"
        "the database (ovs-vsctl; tables Bridge, Port, Interface, sFlow):\n"
        "  [--id=@NAME] create sflow COL=VAL... | set TABLE REC COL=VAL... | clear TABLE REC COL...\n"
        "  add TABLE REC COL VAL... | remove TABLE REC COL VAL...\n"
        "  get TABLE REC COL[:KEY]... | list TABLE [REC...] | find TABLE [COL=VAL|COL!=VAL]...\n"
        "  [--all] destroy TABLE [REC...]; maps: set T R other_config:K=V, remove T R other_config K\n"
        "  list/find: [--columns=COL,...] [--format=list|table|csv|json] [--bare] [--no-headings]\n"
        "  CMD1 -- CMD2 -- ...: one call, all or nothing\n"
        "flows and counters (ovs-ofctl):\n"
        "  add-flow BR FLOW | del-flows BR [MATCH] | dump-flows BR [MATCH]\n"
        "  add-flows BR FILE | [--strict] mod-flows BR FLOW | replace-flows BR FILE (FILE - : stdin)\n"
        "  diff-flows BR|FILE BR|FILE | dump-aggregate BR [MATCH] | dump-tables BR\n"
        "  show BR | dump-ports-desc BR [PORT] | mod-port BR PORT up|down\n"
        "  dump-ports BR [PORT] | fdb-show BR\n");
}

/* Writes 'n' bytes at 'p' to socket 'fd'; 0, or -1 with errno (EPIPE when the daemon closed). */
static int
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/*
 * Reads flow file 'name' ("-": standard input) into a word for the switch:
 * "\nNAME\nTEXT" (see ctl_of.h).  The word (malloc'd), or NULL after a
 * message.
 */
static char *
file_word(const char *name)
{
    FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "r");
    char *w = NULL, buf[4096];
    size_t len = 0, n;
    FILE *m;
    int e;

    if (f == NULL) {
        fprintf(stderr, "sfctl: %s: %s\n", name, strerror(errno));
        return NULL;
    }
    if ((m = open_memstream(&w, &len)) == NULL) {
        fprintf(stderr, "sfctl: out of memory\n");
        if (f != stdin)
            fclose(f);
        return NULL;
    }
    /* A newline in the name would end it early: messages then name the file "-". */
    fprintf(m, "\n%s\n", strchr(name, '\n') ? "-" : name);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, m);
    e = ferror(f) ? (errno ? errno : EIO) : 0;
    if (f != stdin)
        fclose(f);
    if (fclose(m) != 0 && e == 0)
        e = ENOMEM;
    if (e == 0 && strlen(w) != len)
        e = EINVAL;
    if (e != 0) {
        fprintf(stderr, "sfctl: %s: %s\n", name, e == EINVAL ? "holds a NUL byte" : strerror(e));
        free(w);
        return NULL;
    }
    return w;
}

/* Whether diff-flows' 'source' names a file (or "-") rather than a bridge, as ovs-ofctl decides. */
static bool
is_file(const char *source)
{
    struct stat st;

    return strcmp(source, "-") == 0 || stat(source, &st) == 0;
}

/*
 * Replaces the FILE words of the command in 'words' ('n', options first)
 * by what the files hold: add-flows and replace-flows BRIDGE FILE,
 * diff-flows SOURCE SOURCE.  The replaced words are malloc'd into
 * 'owned' (two, NULL if unused).  False after a message.
 */
static bool
load_files(char **words, int n, char **owned)
{
    int c = 0;

    owned[0] = owned[1] = NULL;
    while (c < n && strncmp(words[c], "--", 2) == 0)
        c++;
    if (c + 2 >= n)
        return true;
    if (strcmp(words[c], "add-flows") == 0 || strcmp(words[c], "replace-flows") == 0)
        return (words[c + 2] = owned[0] = file_word(words[c + 2])) != NULL;
    if (strcmp(words[c], "diff-flows") != 0)
        return true;
    for (int k = 1; k <= 2; k++)
        if (is_file(words[c + k]) && (words[c + k] = owned[k - 1] = file_word(words[c + k])) == NULL)
            return false;
    return true;
}

/* Connects to the daemon at 'sock'; the descriptor, or -1 after a message. */
static int
connect_to(const char *sock)
{
    struct sockaddr_un sun;
    int fd;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(sock) >= sizeof(sun.sun_path)) {
        fprintf(stderr, "sfctl: socket path too long: %s\n", sock);
        return -1;
    }
    strcpy(sun.sun_path, sock);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        fprintf(stderr, "sfctl: cannot connect to %s: %s (is sflow-switch running?)\n",
            sock, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* A growing byte buffer. */
struct buf {
    char *p;
    size_t len, cap;
};

/* Makes room for 'n' more bytes and a NUL after them; false without memory. */
static bool
buf_reserve(struct buf *b, size_t n)
{
    size_t cap = b->cap ? b->cap : 4096;
    char *q;

    if (b->len + n + 1 <= b->cap)
        return true;
    while (cap < b->len + n + 1)
        cap *= 2;
    if ((q = realloc(b->p, cap)) == NULL)
        return false;
    b->p = q;
    b->cap = cap;
    return true;
}

static bool
buf_put(struct buf *b, const void *p, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return true;
}

/*
 * Waits up to 'timeout' seconds (0: for ever) for 'pfd' on the connection
 * to 'sock'.  Returns 1 when it is ready, 0 after a signal (poll again), or
 * -1 after a message.
 */
static int
wait_for(struct pollfd *pfd, int timeout, const char *sock)
{
    int pr = poll(pfd, 1, timeout > 0 ? timeout * 1000 : -1);

    if (pr == 0) {
        fprintf(stderr, "sfctl: no answer from %s in %d s\n", sock, timeout);
        return -1;
    }
    if (pr < 0) {
        if (errno == EINTR)
            return 0;
        fprintf(stderr, "sfctl: poll: %s\n", strerror(errno));
        return -1;
    }
    return 1;
}

/*
 * Splits 'line' into words in place (blanks separate, '...' and "..."
 * quote, # outside quotes ends the line).  Returns how many, at most
 * 'max', or -1 for an unclosed quote or too many words.
 */
static int
split_words(char *line, char **words, int max)
{
    char *r = line, *w = line;
    int n = 0;

    for (;;) {
        char q = 0;

        while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
            r++;
        if (*r == '\0' || *r == '#')
            return n;
        if (n == max)
            return -1;
        words[n++] = w;
        while (*r && (q || (*r != ' ' && *r != '\t' && *r != '\n' && *r != '\r'))) {
            if (q && *r == q)
                q = 0;
            else if (!q && (*r == '\'' || *r == '"'))
                q = *r;
            else
                *w++ = *r;
            r++;
        }
        if (q)
            return -1;
        if (*r)
            r++;
        *w++ = '\0';
    }
}

/*
 * --batch: frames the commands of 'in' for the daemon, sends them while
 * reading the answers, prints those.  Returns the first failure's status.
 */
static int
batch(const char *sock, int timeout, FILE *in)
{
    struct buf req = { 0 }, resp = { 0 };
    char *line = NULL, *words[64], num[16], *owned[2];
    size_t cap = 0, sent = 0, got = 0, lineno = 0;
    unsigned *lines = NULL;
    size_t n_cmds = 0, cap_cmds = 0, answered = 0;
    int fd, status = 0;
    ssize_t n;
    bool ok = buf_put(&req, "--batch", 8);

    while (ok && (n = getline(&line, &cap, in)) >= 0) {
        int nw;

        lineno++;
        if ((nw = split_words(line, words, 64)) < 0) {
            fprintf(stderr, "sfctl: line %zu: unclosed quote or too many words\n", lineno);
            status = status ? status : 1;
            continue;
        }
        if (nw == 0)
            continue;
        if (!load_files(words, nw, owned)) {
            status = status ? status : 1;
            continue;
        }
        snprintf(num, sizeof(num), "%d", nw);
        ok = buf_put(&req, num, strlen(num) + 1);
        for (int i = 0; ok && i < nw; i++)
            ok = buf_put(&req, words[i], strlen(words[i]) + 1);
        free(owned[0]);
        free(owned[1]);
        if (ok && n_cmds == cap_cmds) {
            unsigned *l = realloc(lines, (cap_cmds = cap_cmds ? cap_cmds * 2 : 64) * sizeof(*l));

            ok = l != NULL;
            lines = ok ? l : lines;
        }
        if (ok)
            lines[n_cmds++] = (unsigned)lineno;
    }
    free(line);
    fd = -1;
    if (!ok) {
        fprintf(stderr, "sfctl: out of memory\n");
        goto fail;
    }
    if (n_cmds == 0)
        goto out;
    if ((fd = connect_to(sock)) < 0)
        goto fail;
    while (answered < n_cmds) {
        struct pollfd pfd = { fd, POLLIN | (sent < req.len ? POLLOUT : 0), 0 };
        int pr = wait_for(&pfd, timeout, sock);
        char *nl, *end;

        if (pr < 0)
            goto fail;
        if (pr == 0)
            continue;
        if ((pfd.revents & POLLOUT) && sent < req.len) {
            ssize_t w = send(fd, req.p + sent, req.len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);

            if (w < 0 && errno != EINTR && errno != EAGAIN) {
                fprintf(stderr, "sfctl: %s: %s\n", sock, strerror(errno));
                goto fail;
            }
            if (w > 0 && (sent += (size_t)w) == req.len)
                shutdown(fd, SHUT_WR);
        }
        if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (!buf_reserve(&resp, 65536)) {
            fprintf(stderr, "sfctl: out of memory\n");
            goto fail;
        }
        n = read(fd, resp.p + resp.len, resp.cap - resp.len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "sfctl: %s closed the connection after %zu of %zu answers\n",
                sock, answered, n_cmds);
            goto fail;
        }
        resp.len += (size_t)n;
        resp.p[resp.len] = '\0';
        /* Every whole answer: "STATUS LENGTH\n" and LENGTH bytes. */
        while (got < resp.len && (nl = memchr(resp.p + got, '\n', resp.len - got)) != NULL) {
            unsigned long st = strtoul(resp.p + got, &end, 10), len;

            len = strtoul(end, NULL, 10);
            if ((size_t)(resp.len - (size_t)(nl + 1 - resp.p)) < len)
                break;
            /* Status 2 is an answer (br-exists' no, diff-flows' differences), on stdout. */
            if (st == 0 || st == 2)
                fwrite(nl + 1, 1, len, stdout);
            else
                fprintf(stderr, "sfctl: line %u: %.*s", lines[answered], (int)len, nl + 1);
            if (st != 0 && status == 0)
                status = (int)st;
            got = (size_t)(nl + 1 - resp.p) + len;
            answered++;
        }
    }
out:
    if (fd >= 0)
        close(fd);
    free(req.p);
    free(resp.p);
    free(lines);
    return status;
fail:
    status = 1;
    goto out;
}

/*
 * Flushes stdout: a reader gone (sfctl show | head -1) is an error said in
 * words, not a death by SIGPIPE.  Returns 'status', or 1 if that failed.
 */
static int
flush_stdout(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "sfctl: writing the answer: %s\n", strerror(errno ? errno : EIO));
        return 1;
    }
    return status;
}

int
main(int argc, char **argv)
{
    const char *sock = getenv("SFCTL_SOCKET") ? getenv("SFCTL_SOCKET") : PATHS_SWITCH_SOCKET;
    int timeout = 10, i = 1, fd, status, closed = 0;
    char *owned[2];
    struct buf resp = { 0 };
    char *nl;

    /* A daemon that closes on us, or a reader of our output that goes, is an error with a message. */
    signal(SIGPIPE, SIG_IGN);

    while (i < argc && argv[i][0] == '-' && argv[i][1] == '-') {
        if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            sock = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--socket=", 9) == 0) {
            sock = argv[i++] + 9;
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout = atoi(argv[i + 1]);
            i += 2;
        } else if (strncmp(argv[i], "--timeout=", 10) == 0) {
            timeout = atoi(argv[i++] + 10);
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("sfctl (sflowkit) %s\n", SFLOWKIT_VERSION);
            return 0;
        } else if (strcmp(argv[i], "--batch") == 0 && i + 1 == argc) {
            return flush_stdout(batch(sock, timeout, stdin));
        } else {
            break;              /* --may-exist and friends go to the daemon. */
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 1;
    }
    if (!load_files(argv + i, argc - i, owned))
        return 1;
    fd = connect_to(sock);
    for (int k = i; k < argc && !closed && fd >= 0; k++) {
        if (write_all(fd, argv[k], strlen(argv[k]) + 1) < 0) {
            /* The daemon may have refused the command and said why: read on. */
            if (errno != EPIPE && errno != ECONNRESET) {
                fprintf(stderr, "sfctl: %s: %s\n", sock, strerror(errno));
                close(fd);
                free(owned[0]);
                free(owned[1]);
                return 1;
            }
            closed = errno;
        }
    }
    free(owned[0]);
    free(owned[1]);
    if (fd < 0)
        return 1;
    if (!closed)
        shutdown(fd, SHUT_WR);
    for (;;) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        ssize_t r;
        int pr = wait_for(&pfd, timeout, sock);

        if (pr < 0)
            goto fail;
        if (pr == 0)
            continue;
        if (!buf_reserve(&resp, 4096)) {
            fprintf(stderr, "sfctl: out of memory\n");
            goto fail;
        }
        r = read(fd, resp.p + resp.len, resp.cap - resp.len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == ECONNRESET && resp.len > 0)
            break;
        if (r < 0) {
            fprintf(stderr, "sfctl: %s: %s\n", sock, strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        resp.len += (size_t)r;
    }
    close(fd);
    fd = -1;
    if (resp.len == 0 || (nl = memchr(resp.p, '\n', resp.len)) == NULL) {
        if (closed)
            fprintf(stderr, "sfctl: %s closed the connection before taking the whole command (%s)\n",
                sock, strerror(closed));
        else
            fprintf(stderr, "sfctl: %s closed the connection without an answer\n", sock);
        goto fail;
    }
    resp.p[resp.len] = '\0';
    status = atoi(resp.p);
    nl++;
    /* Status 2 is an answer ("no", or diff-flows' differences), not an error. */
    if (status == 0 || status == 2)
        fwrite(nl, 1, resp.len - (size_t)(nl - resp.p), stdout);
    else if (resp.len > (size_t)(nl - resp.p))
        fprintf(stderr, "sfctl: %s", nl);
    free(resp.p);
    return flush_stdout(status);
fail:
    if (fd >= 0)
        close(fd);
    free(resp.p);
    return 1;
}
