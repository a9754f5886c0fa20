/*
 * rollback: returns the switch's configuration to a snapshot (state file
 * text, state_snapshot()), undoing the changes of commands that could not
 * be saved.
 *
 * It compares the snapshot with the configuration as it is now, line by
 * line, and undoes only what differs: bridges made since are deleted, ports
 * made or changed since are deleted and those of the snapshot added again
 * (their counters start from zero), a bridge's flow table is replaced by
 * the snapshot's when its rules differ (their counters and timeouts start
 * again), and sFlow settings are set as they were.  What did not change is
 * not touched: its ports, MAC table, rules and counters stay.
 */
#ifndef SFK_ROLLBACK_H
#define SFK_ROLLBACK_H

#include <stdio.h>

#include "sw.h"

/*
 * Returns 'sw' to 'snap' (state file text).  A line of the snapshot that
 * cannot be replayed (an interface gone meanwhile is not such a line: the
 * port is kept closed) is reported on 'err'.  Returns 0, or ENOMEM.
 */
int rollback_to(struct sw *sw, const char *snap, FILE *err);

#endif /* SFK_ROLLBACK_H */
