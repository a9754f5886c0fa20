/*
 * ctl_of: ovs-ofctl's commands beyond add-flow, del-flows and dump-flows
 * (ctl.c): show, dump-ports-desc, dump-tables, dump-aggregate, add-flows,
 * mod-flows, replace-flows, diff-flows and mod-port, printed in Open
 * vSwitch 3.1's layouts.
 *
 * A flow file travels to the switch as one word: sfctl reads the file (or
 * its standard input for "-") and sends "\nNAME\nTEXT", NAME being the
 * file's name for messages.  No bridge name can start with a newline, so
 * diff-flows tells a file from a bridge by that first byte.
 */
#ifndef SFK_CTL_OF_H
#define SFK_CTL_OF_H

#include <stdbool.h>
#include <stdio.h>

#include "sw.h"

/* Whether command word 'w' holds a flow file (see above). */
static inline bool
ctl_of_is_file(const char *w)
{
    return w[0] == '\n';
}

/*
 * The commands, on bridge 'br' of 'sw'.  Output goes to 'out', an error
 * message to 'err'.  Each returns a CTL_* status (ctl.h).
 */
/*
 * Parses flow 's' for adding (add-flow, the lines of a flow file) and checks
 * its port numbers; 0, or EINVAL after "PREFIX: message" on 'err'.
 */
int ctl_of_parse_rule(const char *s, struct flow_rule *r, const char *prefix, FILE *err);

int ctl_of_show(struct sw *sw, struct bridge *br, FILE *out, FILE *err);
int ctl_of_dump_ports_desc(struct sw *sw, struct bridge *br, const char *port, FILE *out,
    FILE *err);
int ctl_of_dump_tables(struct sw *sw, struct bridge *br, FILE *out, FILE *err);

/* 'match' is NULL for the whole table. */
int ctl_of_dump_aggregate(struct sw *sw, struct bridge *br, const char *match, FILE *out, FILE *err);

/* 'file' is a flow file word (see above); all of its rules are checked before any is added. */
int ctl_of_add_flows(struct sw *sw, struct bridge *br, const char *file, FILE *out, FILE *err);

/*
 * Changes the actions of the rules 'flow' selects (with 'strict', the one
 * whose match and priority equal 'flow''s), keeping their counters; adds
 * 'flow' when it selects none, as ovs-ofctl 3.1 (OpenFlow 1.0) does.
 */
int ctl_of_mod_flows(struct sw *sw, struct bridge *br, const char *flow, bool strict,
    FILE *out, FILE *err);

/*
 * Makes 'br''s table hold the rules of 'file': rules not in it are
 * deleted, rules it changes are replaced, rules it holds unchanged keep
 * their counters.
 */
int ctl_of_replace_flows(struct sw *sw, struct bridge *br, const char *file, FILE *out, FILE *err);

/*
 * Prints the rules that differ between 'src1' and 'src2' (each a bridge
 * name or a flow file word): "-RULE" for 'src1''s, "+RULE" for 'src2''s.
 * Returns CTL_NO when they differ, CTL_OK when they do not.
 */
int ctl_of_diff_flows(struct sw *sw, const char *src1, const char *src2, FILE *out, FILE *err);

/*
 * Port 'name' of 'br' as ovs-ofctl names one: an OpenFlow number, LOCAL
 * (in any case) or a port's name; NULL if none, after ovs-ofctl's words
 * for it on 'err'.
 */
struct port *ctl_of_find_port(struct bridge *br, const char *name, FILE *err);

/*
 * mod-port BR PORT up|down: 'port' a name, an OpenFlow number or LOCAL.
 * Down sets the port's interface administratively down (so nothing is
 * received or sent on it) until "up"; the setting is kept in the state.
 */
int ctl_of_mod_port(struct sw *sw, struct bridge *br, const char *port, const char *action,
    bool restoring, FILE *out, FILE *err);

#endif /* SFK_CTL_OF_H */
