/*
 * ctl_sock: sflow-switch's control socket, a unix stream socket served by
 * the forwarding loop without ever blocking it.
 *
 * One command per connection: the client writes the command's words,
 * each ended by a NUL byte, and shuts down its writing side.  The daemon
 * answers with the exit status in decimal and a newline, then the
 * command's output (or the error message), and closes.  sfctl is the
 * usual client; `printf 'show\0' | socat - UNIX:PATH` works too.
 *
 * A batch: the client's first word is "--batch".  Then each command is
 * its number of words in decimal, NUL-terminated, followed by the words,
 * each NUL-terminated (spaces added for reading):
 *
 *     --batch\0  3\0 add-port\0 s1\0 s1-eth1\0  2\0 add-br\0 s2\0 ...
 *
 * The daemon runs each command as soon as it has all of it and answers
 * in order "STATUS LENGTH\n" and LENGTH bytes of text (the output, or the
 * error message).  The client may write every command before reading
 * anything (answers wait in the daemon's memory; it stops reading a client
 * that lets more than CTL_SOCK_MAX_OUT bytes of answers pile up), and
 * shuts down its writing side when done; the daemon closes after the last
 * answer.  A connection silent for CTL_SOCK_IDLE_MS is closed, and when
 * all CTL_SOCK_MAX_CONNS are taken a new client takes the place of the one silent
 * the longest, so idle clients cannot lock the others out.
 *
 * A change is answered only once it is saved (state.h): the commands run
 * together (one, or those of a batch that came in one read) are saved
 * together, and if that fails they are undone (rollback.h) and each of
 * them that changed something is answered with the error instead.
 */
#ifndef SFK_CTL_SOCK_H
#define SFK_CTL_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "sw.h"

#define CTL_SOCK_MAX_OUT (1 << 20)
#define CTL_SOCK_IDLE_MS 10000
#define CTL_SOCK_MAX_CONNS 64

/*
 * Creates the listening socket at 'path', mode 0600 (its directory is
 * created if missing, and must be owned by this user and writable by
 * nobody else; a stale socket file is replaced).  Returns the descriptor,
 * or -1 with errno set and a message in 'msg' ('msglen' bytes).
 */
int ctl_sock_listen(const char *path, char *msg, size_t msglen);

/* Accepts the clients waiting on listening socket 'lfd' into 'sw''s epoll. */
void ctl_sock_accept(struct sw *sw, int lfd);

/* Serves connection 'ev' (an SW_EV_CTL event) on epoll events 'events'. */
void ctl_sock_event(struct sw *sw, struct sw_ev *ev, uint32_t events);

/* Closes connections idle since before 'now_ms' - CTL_SOCK_IDLE_MS. */
void ctl_sock_tick(struct sw *sw, uint64_t now_ms);

/* Closes every connection. */
void ctl_sock_close_all(void);

#endif /* SFK_CTL_SOCK_H */
