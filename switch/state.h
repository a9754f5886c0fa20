/*
 * state: the switch's configuration on disk, so that a restart loses no
 * bridges, ports, VLAN settings, rules or sFlow settings.
 *
 * The file is a list of control commands, one per line, words separated
 * by TAB (flow text may contain spaces, never tabs):
 *
 *     add-br<TAB>br0
 *     add-port<TAB>br0<TAB>veth1<TAB>ofport=1<TAB>tag=10
 *     add-flow<TAB>br0<TAB>priority=100,in_port=1 actions=drop
 *     set-sflow<TAB>br0<TAB>target=127.0.0.1:6343<TAB>sampling=64...
 *
 * It is written to a temporary file in the same directory, fsync()ed and
 * renamed over the old one, so a crash leaves the old or the new file,
 * never half of one.  main.c writes it at most every STATE_SAVE_MS and at
 * exit, not after every command.  Rule counters and ages are not kept;
 * timeouts start again at restore.
 */
#ifndef SFK_STATE_H
#define SFK_STATE_H

#include <stdio.h>

#include "sw.h"

/* Writes 'sw''s configuration to 'path' atomically; 0 or an errno. */
int state_save(const struct sw *sw, const char *path);

/*
 * Replays 'path' into 'sw'; a missing file is an empty configuration.
 * Lines that fail are logged and skipped.  Returns 0 or an errno.
 */
int state_load(struct sw *sw, const char *path);

/*
 * Replays the lines of 'f' into 'sw' as state_load() does ('name' is for
 * the log: the file's path).  Returns 0 or EIO on a read error.
 */
int state_replay(struct sw *sw, FILE *f, const char *name);

#endif /* SFK_STATE_H */
