/*
 * emu_ctl: sflow-switch's control protocol, spoken directly (what sfctl
 * does, without a process per command: a tree,2,32 network needs over a
 * thousand add-port commands).  One command per connection: the words,
 * each NUL-terminated, then end of stream; the answer is "STATUS\n" and
 * text until the daemon closes.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "emu.h"

#define CTL_TIMEOUT_MS 10000

/*
 * Sends command 'argv' (NULL-terminated) to the daemon at 'sock'; its text
 * goes to 'out' (NUL-terminated, cut to 'outlen').  Returns the daemon's
 * status (0 success), or -1 if it could not be asked.
 */
int
ctl_cmdv(const char *sock, char *out, size_t outlen, char *const argv[])
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    char buf[8192];
    size_t len = 0;
    int fd, status;
    char *nl;

    if (strlen(sock) >= sizeof(sun.sun_path))
        return -1;
    memcpy(sun.sun_path, sock, strlen(sock) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        close(fd);
        return -1;
    }
    for (int i = 0; argv[i] != NULL; i++) {
        size_t n = strlen(argv[i]) + 1;

        if (send(fd, argv[i], n, MSG_NOSIGNAL) != (ssize_t)n) {
            close(fd);
            return -1;
        }
    }
    shutdown(fd, SHUT_WR);
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t r;

        if (poll(&pfd, 1, CTL_TIMEOUT_MS) <= 0) {
            close(fd);
            return -1;
        }
        r = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
        if (len == sizeof(buf) - 1)
            break;
    }
    close(fd);
    buf[len] = '\0';
    if ((nl = strchr(buf, '\n')) == NULL)
        return -1;
    status = atoi(buf);
    if (out != NULL && outlen > 0)
        snprintf(out, outlen, "%s", nl + 1);
    return status;
}

/* ctl_cmdv() with the words as arguments, NULL last. */
int
ctl_cmd(const char *sock, char *out, size_t outlen, ...)
{
    char *argv[16];
    int n = 0;
    va_list ap;

    va_start(ap, outlen);
    while (n < 15 && (argv[n] = va_arg(ap, char *)) != NULL)
        n++;
    va_end(ap);
    argv[n] = NULL;
    return ctl_cmdv(sock, out, outlen, argv);
}
