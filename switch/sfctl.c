/*
 * sfctl: command-line client of sflow-switch's control socket (the
 * commands of ovs-vsctl and ovs-ofctl that labs use; see sfctl(8)).
 *
 * Sends the words of the command NUL-terminated, reads "STATUS\n" and the
 * text, prints the text on stdout (or stderr for an error) and exits with
 * the status.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/run/sflowkit/switch.sock"

static void
usage(FILE *f)
{
    fprintf(f,
        "usage: sfctl [--socket PATH] [--timeout SECS] [--may-exist|--if-exists|--strict] COMMAND [ARG...]\n"
        "bridges and ports (ovs-vsctl):\n"
        "  add-br BR | del-br BR | list-br | br-exists BR | list-ports BR\n"
        "  add-port BR IF [tag=N] [trunks=LIST] [ofport=N] | del-port [BR] IF | port-to-br IF\n"
        "  set port IF tag=N|trunks=LIST | show\n"
        "  set-sflow BR target=HOST:PORT [sampling=N] [polling=S] [header=B] [agent=IF|ADDR]\n"
        "  clear-sflow BR\n"
        "flows and counters (ovs-ofctl):\n"
        "  add-flow BR FLOW | del-flows BR [MATCH] | dump-flows BR [MATCH]\n"
        "  dump-ports BR [PORT] | fdb-show BR\n");
}

static int
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    const char *sock = getenv("SFCTL_SOCKET") ? getenv("SFCTL_SOCKET") : DEFAULT_SOCKET;
    int timeout = 10, i = 1, fd, status;
    struct sockaddr_un sun;
    char *resp = NULL, *nl;
    size_t len = 0, cap = 0;

    while (i < argc && argv[i][0] == '-' && argv[i][1] == '-') {
        if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            sock = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--socket=", 9) == 0) {
            sock = argv[i++] + 9;
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout = atoi(argv[i + 1]);
            i += 2;
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            break;              /* --may-exist and friends go to the daemon. */
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 1;
    }
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(sock) >= sizeof(sun.sun_path)) {
        fprintf(stderr, "sfctl: socket path too long: %s\n", sock);
        return 1;
    }
    strcpy(sun.sun_path, sock);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        fprintf(stderr, "sfctl: cannot connect to %s: %s (is sflow-switch running?)\n",
            sock, strerror(errno));
        return 1;
    }
    for (int k = i; k < argc; k++) {
        if (write_all(fd, argv[k], strlen(argv[k]) + 1) < 0) {
            fprintf(stderr, "sfctl: %s: %s\n", sock, strerror(errno));
            return 1;
        }
    }
    shutdown(fd, SHUT_WR);
    for (;;) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        ssize_t r;
        int pr = poll(&pfd, 1, timeout > 0 ? timeout * 1000 : -1);

        if (pr == 0) {
            fprintf(stderr, "sfctl: no answer from %s in %d s\n", sock, timeout);
            return 1;
        }
        if (pr < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "sfctl: poll: %s\n", strerror(errno));
            return 1;
        }
        if (len + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            resp = realloc(resp, cap + 1);
            if (resp == NULL) {
                fprintf(stderr, "sfctl: out of memory\n");
                return 1;
            }
        }
        r = read(fd, resp + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fprintf(stderr, "sfctl: %s: %s\n", sock, strerror(errno));
            return 1;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    if (resp == NULL || (nl = memchr(resp, '\n', len)) == NULL) {
        fprintf(stderr, "sfctl: %s closed the connection without an answer\n", sock);
        return 1;
    }
    resp[len] = '\0';
    status = atoi(resp);
    nl++;
    if (status == 0)
        fwrite(nl, 1, len - (size_t)(nl - resp), stdout);
    else if (len > (size_t)(nl - resp))
        fprintf(stderr, "sfctl: %s", nl);
    free(resp);
    return status;
}
