/*
 * sender: UDP datagrams to sFlow collectors; see sender.h.
 */
#include "sender.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datagram.h"
#include "sflow_types.h"

void
sender_init(struct sender *s)
{
    memset(s, 0, sizeof(*s));
    s->fd4 = -1;
    s->fd6 = -1;
}

/* Splits 'spec' into host and port strings; 0 or EINVAL. */
static int
split_spec(const char *spec, char *host, size_t hostsz, char *port, size_t portsz)
{
    const char *colon, *end;
    size_t hlen;

    snprintf(port, portsz, "%d", SFLOW_PORT);
    if (spec[0] == '[') {
        end = strchr(spec, ']');
        if (end == NULL)
            return EINVAL;
        hlen = (size_t)(end - spec - 1);
        if (hlen == 0 || hlen >= hostsz)
            return EINVAL;
        memcpy(host, spec + 1, hlen);
        host[hlen] = '\0';
        if (end[1] == '\0')
            return 0;
        if (end[1] != ':' || end[2] == '\0' || strlen(end + 2) >= portsz)
            return EINVAL;
        strcpy(port, end + 2);
        return 0;
    }
    colon = strchr(spec, ':');
    if (colon != NULL && strchr(colon + 1, ':') != NULL)
        colon = NULL;           /* A bare IPv6 address. */
    hlen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (hlen == 0 || hlen >= hostsz)
        return EINVAL;
    memcpy(host, spec, hlen);
    host[hlen] = '\0';
    if (colon != NULL) {
        if (colon[1] == '\0' || strlen(colon + 1) >= portsz)
            return EINVAL;
        strcpy(port, colon + 1);
    }
    return 0;
}

static int
open_socket(int family)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    return fd < 0 ? -errno : fd;
}

int
sender_add(struct sender *s, const char *spec)
{
    char host[SENDER_NAME_MAX], port[16];
    struct addrinfo hints, *res = NULL;
    struct sender_dst *d;
    char *end;
    long pn;
    int *fdp, fd;

    if (s->n == SENDER_MAX)
        return E2BIG;
    if (strlen(spec) >= SENDER_NAME_MAX || split_spec(spec, host, sizeof(host), port, sizeof(port)))
        return EINVAL;
    pn = strtol(port, &end, 10);
    if (*end != '\0' || pn < 1 || pn > 65535)
        return EINVAL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL)
        return ENOENT;
    d = &s->dst[s->n];
    memset(d, 0, sizeof(*d));
    snprintf(d->name, sizeof(d->name), "%s", spec);
    memcpy(&d->ss, res->ai_addr, res->ai_addrlen);
    d->sslen = res->ai_addrlen;
    freeaddrinfo(res);

    fdp = d->ss.ss_family == AF_INET6 ? &s->fd6 : &s->fd4;
    if (*fdp < 0) {
        fd = open_socket(d->ss.ss_family);
        if (fd < 0)
            return -fd;
        *fdp = fd;
    }
    s->n++;
    return 0;
}

void
sender_keep_seq(struct sender *s, const struct sender *old)
{
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = 0; j < old->n; j++)
            if (s->dst[i].sslen == old->dst[j].sslen &&
                memcmp(&s->dst[i].ss, &old->dst[j].ss, s->dst[i].sslen) == 0) {
                s->dst[i].seq = old->dst[j].seq;
                s->dst[i].sent = old->dst[j].sent;
                s->dst[i].errors = old->dst[j].errors;
                break;
            }
}

void
sender_output(void *ctx, uint8_t *buf, size_t len, size_t seq_off)
{
    struct sender *s = ctx;

    for (size_t i = 0; i < s->n; i++) {
        struct sender_dst *d = &s->dst[i];
        int fd = d->ss.ss_family == AF_INET6 ? s->fd6 : s->fd4;
        uint32_t seq = ++d->seq;

        dgram_set_seq(buf, len, seq_off, seq);
        /*
         * The sequence number advances even when the send fails: the
         * datagram is lost, and the collector should see the gap.
         */
        if (sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
                (struct sockaddr *)&d->ss, d->sslen) < 0) {
            d->errors++;
            d->last_errno = errno;
        } else {
            d->sent++;
            d->last_errno = 0;
        }
    }
}

void
sender_close(struct sender *s)
{
    if (s->fd4 >= 0)
        close(s->fd4);
    if (s->fd6 >= 0)
        close(s->fd6);
    s->fd4 = s->fd6 = -1;
    s->n = 0;
}
