/*
 * libFuzzer entry point: the switch's control protocol (ctl_sock.c: the
 * framing of one command or a --batch) and its command executor (ctl.c).
 * One input = a byte of chunk size, then what a client writes on its
 * connection.  The bytes go over a real unix socket, 'chunk' at a time,
 * and the switch's epoll is served until the daemon closes the
 * connection, as sflow-switch's loop serves it; a connection that stalls
 * after the client shut down its writing side is a hang, and aborts.  The
 * answers must be framed as ctl_sock.h says: "STATUS\n" and text for one
 * command, "STATUS LENGTH\n" and LENGTH bytes for each of a batch.
 * The switch runs in a network namespace of its own (fuzz_sw.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_sock.h"
#include "fuzz_sw.h"

/* Rounds without progress before a connection counts as stalled. */
#define STALL_ROUNDS 1000
/* The first word of a batch, with its NUL. */
#define BATCH "--batch"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sockaddr_un addr;
static socklen_t addr_len;
static int lfd = -1;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_sw();
    /* An abstract name: it belongs to the namespace and leaves no file. */
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path + 1, "sflowkit-fuzz-ctl", 17);
    addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + 17);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, addr_len) != 0 || listen(lfd, 8) != 0)
        abort();
    return 0;
}

/* Aborts unless 'len' bytes at 'p' are answers framed as ctl_sock.h says. */
static void
check_answers(const char *p, size_t len, bool batch)
{
    const char *end = p + len;

    if (!batch) {
        /* One status digit and a newline, or nothing (an empty or dropped request). */
        if (len != 0 && (len < 2 || p[0] < '0' || p[0] > '2' || p[1] != '\n'))
            abort();
        return;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        unsigned long n;
        char *e;

        if (nl == NULL || p[0] < '0' || p[0] > '2' || p[1] != ' ')
            abort();
        n = strtoul(p + 2, &e, 10);
        if (e != nl || n > (size_t)(end - nl - 1))
            abort();
        p = nl + 1 + n;
    }
}

/* Serves the switch's epoll once; returns how many events it handled. */
static int
serve(struct sw *sw)
{
    struct epoll_event evs[8];
    int n = epoll_wait(sw->epfd, evs, 8, 0);

    for (int i = 0; i < n; i++) {
        struct sw_ev *ev = evs[i].data.ptr;

        if (ev->kind == SW_EV_CTL)
            ctl_sock_event(sw, ev, evs[i].events);
    }
    return n > 0 ? n : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw *sw = fuzz_sw();
    size_t chunk, off = 0, got_len = 0, got_cap = 0;
    char *got = NULL;
    bool shut = false, closed = false;
    int fd, stalled = 0;

    if (size == 0)
        return 0;
    chunk = (size_t)data[0] * 16 + 1;
    data++;
    size--;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, addr_len) != 0)
        abort();
    ctl_sock_accept(sw, lfd);
    while (!closed) {
        int progress = serve(sw);
        ssize_t r;

        if (off < size) {
            r = send(fd, data + off, size - off < chunk ? size - off : chunk, MSG_NOSIGNAL);
            if (r > 0) {
                off += (size_t)r;
                progress++;
            } else if (r < 0 && errno != EAGAIN) {
                off = size;     /* The daemon closed on us: what is left is not read. */
            }
        }
        if (off == size && !shut) {
            shutdown(fd, SHUT_WR);
            shut = true;
            progress++;
        }
        for (;;) {
            if (got_len == got_cap) {
                got_cap = got_cap ? got_cap * 2 : 4096;
                if ((got = realloc(got, got_cap)) == NULL)
                    abort();
            }
            if ((r = read(fd, got + got_len, got_cap - got_len)) <= 0)
                break;
            got_len += (size_t)r;
            progress++;
        }
        if (r == 0 || (r < 0 && errno != EAGAIN))
            closed = true;
        if (progress > 0)
            stalled = 0;
        else if (++stalled == STALL_ROUNDS) {
            fprintf(stderr, "control connection stalled: %zu of %zu bytes written\n", off, size);
            abort();
        }
    }
    close(fd);
    check_answers(got, got_len, size >= sizeof(BATCH) && memcmp(data, BATCH, sizeof(BATCH)) == 0);
    free(got);
    serve(sw);
    ctl_sock_close_all();
    fuzz_sw_reset(sw);
    return 0;
}
