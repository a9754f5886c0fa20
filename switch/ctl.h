/*
 * ctl: the commands of sflow-switch (ovs-vsctl's and ovs-ofctl's that labs
 * use), as the control socket (ctl_sock.h) and the state file hand them
 * over: a list of words.
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

#endif /* SFK_CTL_H */
