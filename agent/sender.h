/*
 * sender: UDP to the collectors, one datagram stream each.
 *
 * Every collector gets its own datagram sequence_number (SFLOW_V5_NOTES.md
 * section 7): the datagram is encoded once and its sequence word patched
 * before each send, so a collector counts its own losses only.  Sends never
 * block; a collector that is down (ICMP unreachable, no route) costs an
 * error count, not a stall.
 */
#ifndef SFK_SENDER_H
#define SFK_SENDER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define SENDER_MAX 16
#define SENDER_NAME_MAX 128

struct sender_dst {
    char name[SENDER_NAME_MAX];     /* As given: "host[:port]". */
    struct sockaddr_storage ss;
    socklen_t sslen;
    uint32_t seq;                   /* Last sequence_number sent. */
    uint64_t sent, errors;
    int last_errno;                 /* Of the last failed send; 0 after a success. */
};

struct sender {
    int fd4, fd6;                   /* -1 until a collector of that family is added. */
    size_t n;
    struct sender_dst dst[SENDER_MAX];
};

void sender_init(struct sender *s);

/*
 * Adds collector 'spec': "HOST", "HOST:PORT", "[V6ADDR]:PORT" or a bare
 * IPv6 address; port 6343 when none is given.  HOST may be a name.
 * Returns 0, EINVAL (bad spec or port), ENOENT (name not resolved),
 * E2BIG (too many collectors) or a socket() errno.
 */
int sender_add(struct sender *s, const char *spec);

/* Carries the sequence numbers of collectors that are in both 'old' and 's' over to 's'. */
void sender_keep_seq(struct sender *s, const struct sender *old);

/* dgram_out_fn: sends 'buf' to every collector, each with its own sequence number. */
void sender_output(void *ctx, uint8_t *buf, size_t len, size_t seq_off);

void sender_close(struct sender *s);

#endif /* SFK_SENDER_H */
