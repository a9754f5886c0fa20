/*
 * state: the switch's configuration on disk, so that a restart loses no
 * bridges, ports, VLAN settings, rules or sFlow settings.
 *
 * The file is a list of control commands, one per line, words separated
 * by TAB (flow text may contain spaces, never tabs):
 *
 *     add-br<TAB>br0
 *     add-port<TAB>br0<TAB>veth1<TAB>ofport=1<TAB>tag=10<TAB>other_config={a=b}
 *     mod-port<TAB>br0<TAB>veth1<TAB>down
 *     set<TAB>interface<TAB>veth1<TAB>external_ids={iface-id=a}
 *     set<TAB>bridge<TAB>br0<TAB>external_ids={owner=lab}
 *     add-flow<TAB>br0<TAB>priority=100,in_port=1 actions=drop
 *     set-sflow<TAB>br0<TAB>target=127.0.0.1:6343<TAB>sampling=64...
 *
 * A state file decides where the switch sends sampled packets, so only
 * its own user may have written it: its directory and the file must be
 * owned by the daemon's user and writable by nobody else (owndir.h), and
 * it is written to a temporary file created there with O_EXCL|O_NOFOLLOW,
 * fsync()ed and renamed over the old one, so a crash leaves the old or the
 * new file, never half of one.
 *
 * A change is committed (saved) before the switch acknowledges it
 * (ctl_sock.c); one that cannot be saved is rolled back (rollback.h).
 * Rule counters and ages are not kept; timeouts start again at restore.
 */
#ifndef SFK_STATE_H
#define SFK_STATE_H

#include <stdio.h>

#include "sw.h"

/*
 * Opens the state file 'path' for this process: checks its directory
 * (created if missing) and, if it exists, the file.  Returns 0, or an
 * errno with a message in 'msg' ('msglen' bytes).
 */
int state_open(const char *path, char *msg, size_t msglen);

/* The path given to state_open(). */
const char *state_path(void);

/*
 * Replays the state file into 'sw'; a missing file is an empty
 * configuration.  A line that fails (including one holding a NUL byte) is
 * reported on 'report' as "PATH:LINE: message", and the file as it was is
 * copied to PATH.bad (or PATH.bad.N, the first that is free) before any
 * later save can drop the line; '*n_bad' is how many failed.  Returns 0,
 * or an errno with a message on 'report': the file could not be read, is
 * not trusted, or has failing lines of which no copy could be kept.
 */
int state_load(struct sw *sw, FILE *report, unsigned *n_bad);

/*
 * Replays one state line 'line' ('len' bytes, without its newline) into
 * 'sw' as a restoring command.  Returns 0, or EINVAL with a message on
 * 'err' (a line holding a NUL byte, too many words, or a command that
 * failed).  Comments and empty lines are 0.
 */
int state_replay_line(struct sw *sw, const char *line, size_t len, FILE *err);

/* 'sw''s configuration as state file text (malloc'd, NUL-terminated), or NULL without memory. */
char *state_format(const struct sw *sw);

/*
 * The configuration as last saved, or as it is now when it has changed
 * since (malloc'd): what rollback_to() returns to.  NULL without memory.
 */
char *state_snapshot(const struct sw *sw);

/* Saves 'sw''s configuration if it changed since the last save; 0 or an errno. */
int state_commit(struct sw *sw);

#endif /* SFK_STATE_H */
