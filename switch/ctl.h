/*
 * ctl: the control protocol of sflow-switch, and the commands it carries.
 *
 * A client connects to the unix stream socket, writes the words of one
 * command each ended by a NUL byte, and shuts down its writing side.  The
 * daemon answers with the exit status in decimal and a newline, then the
 * command's output (or the error message), and closes.  sfctl is the
 * usual client; `printf 'show\0' | socat - UNIX:PATH` works too.
 *
 * The state file replays commands through the same ctl_exec(), so what a
 * user can say and what survives a restart are one language.
 */
#ifndef SFK_CTL_H
#define SFK_CTL_H

#include <stdio.h>

#include "sw.h"

#define CTL_MAX_ARGS 64
#define CTL_MAX_REQUEST 65536

/* Exit statuses (as sfctl returns them). */
enum { CTL_OK = 0, CTL_ERROR = 1, CTL_NO = 2 };

/*
 * Runs command 'argv' ('argc' words, options like --may-exist first) on
 * 'sw'.  Output goes to 'out', a message for a failure to 'err'.  With
 * 'restoring', ports whose interface is missing are kept (closed) instead
 * of rejected.  Returns a CTL_* status.
 */
int ctl_exec(struct sw *sw, int argc, char **argv, FILE *out, FILE *err, int restoring);

/*
 * Creates the listening socket at 'path' (its directory is created if
 * missing; a stale socket file is replaced).  Returns the descriptor or -1
 * with errno set.
 */
int ctl_listen(const char *path);

/* Serves one client waiting on listening socket 'lfd'. */
void ctl_serve(struct sw *sw, int lfd);

#endif /* SFK_CTL_H */
