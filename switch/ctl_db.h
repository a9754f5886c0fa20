/*
 * ctl_db: ovs-vsctl's database commands (create, set, clear, add, remove,
 * get, list, find) over the switch's objects, seen as the Open vSwitch tables Bridge,
 * Port, Interface and sFlow.
 *
 * There is no database behind them: a row is a bridge, a port (which is
 * also its one interface) or a bridge's sFlow settings, and its _uuid is
 * made from the table and the name, so it stays the same across calls and
 * restarts.  An sFlow row made by "--id=@name create sflow ..." lives only
 * for the chain of commands (ctl.h) that made it; "set bridge BR
 * sflow=@name" applies it to the bridge.
 */
#ifndef SFK_CTL_DB_H
#define SFK_CTL_DB_H

#include <stdbool.h>
#include <stdio.h>

#include "mirror.h"
#include "netflow_dp.h"
#include "sw.h"

#define CTL_DB_MAX_NEW 8        /* Rows one chain may create. */
#define CTL_DB_ID_MAX 32

enum ctl_db_format { CTL_DB_LIST, CTL_DB_TABLE, CTL_DB_CSV, CTL_DB_JSON };

/* The tables 'create' makes rows of. */
enum ctl_db_new_table { CTL_DB_NEW_SFLOW, CTL_DB_NEW_MIRROR, CTL_DB_NEW_NETFLOW };

/* A row made by 'create' in this chain. */
struct ctl_db_new {
    char id[CTL_DB_ID_MAX];     /* "@name" of --id, or "". */
    enum ctl_db_new_table table;
    struct sw_sflow cfg;        /* An sFlow row's settings ('on' unused). */
    struct mirror mir;          /* A Mirror row's. */
    struct nfdp_cfg nf;         /* A NetFlow row's. */
    const struct bridge *br;    /* The bridge it was applied to, or NULL. */
};

/* A row named by "--id=@name get TABLE RECORD" (a port, for a mirror's columns). */
struct ctl_db_ref {
    char id[CTL_DB_ID_MAX];
    struct port *p;
};

/* What the commands of one chain share, and the options of the current one. */
struct ctl_db {
    /* For the whole call: --format=, --bare, --no-headings. */
    enum ctl_db_format format;
    bool bare, no_headings;
    /* For the current command: --id=@name, --columns=LIST, --if-exists. */
    const char *id;
    const char *columns;
    bool if_exists, all;
    struct ctl_db_new rows[CTL_DB_MAX_NEW];
    size_t n_rows;
    struct ctl_db_ref refs[CTL_DB_MAX_NEW];
    size_t n_refs;
};

/*
 * The commands, each on 'sw' with the 'argc' words of 'argv' after the
 * command's name (TABLE, RECORD, ...).  Output goes to 'out', an error
 * message to 'err'.  Return a CTL_* status (ctl.h).
 */
int ctl_db_create(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err);
int ctl_db_set(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err);
int ctl_db_clear(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err);
int ctl_db_get(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err);
int ctl_db_list(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err);
int ctl_db_find(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err);
int ctl_db_add(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err);
int ctl_db_remove(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err);
int ctl_db_destroy(struct sw *sw, struct ctl_db *db, int argc, char **argv, FILE *out, FILE *err);

/*
 * ovs-vsctl's "show": bridges, their ports with tag and trunks, each
 * port's interface with its error if it is not open; indented by four.
 */
int ctl_db_show(struct sw *sw, FILE *out, FILE *err);

/* Prints map 'm' as ovs-vsctl does ({a=b, c="1"}), which set reads back. */
void ctl_db_put_map(FILE *f, const struct kvmap *m);

/* Whether '@name' ('len' bytes) was given to a row by --id (of create or get) in this chain so far. */
bool ctl_db_has_id(const struct ctl_db *db, const char *name, size_t len);

/* Prints the _uuid of row 'i' that 'create' made (what ovs-vsctl prints for it). */
void ctl_db_print_new(const struct ctl_db *db, size_t i, FILE *out);

/*
 * Applies sFlow setting 'key' (a column of the sFlow table, or a unique
 * prefix of one, like ovs-vsctl's "target") = 'value' (OVSDB syntax:
 * "127.0.0.1:6343", ["a:1","b:2"], [::1]:6343) to 'cfg'.  Returns 0, or
 * EINVAL with a message on 'err'.
 */
int ctl_db_sflow_setting(struct sw_sflow *cfg, const char *key, const char *value, FILE *err);

/*
 * sflow-switch's short forms of a Mirror row and a bridge's NetFlow row
 * (the state file keeps them so): add-mirror BRIDGE COLUMN=VALUE... adds
 * (or replaces, by name) a mirror of 'br'; set-netflow BRIDGE
 * COLUMN=VALUE... sets its NetFlow export.  Port references may be port
 * names.  Return a CTL_* status, after a message on 'err' for an error.
 */
int ctl_db_add_mirror(struct sw *sw, struct bridge *br, int argc, char **argv, FILE *err);
int ctl_db_set_netflow(struct sw *sw, struct bridge *br, int argc, char **argv, FILE *err);

/* Writes 'br''s mirrors and NetFlow as those short forms, one a line, TAB-separated, to 'f'. */
void ctl_db_write_state(const struct bridge *br, FILE *f);

#endif /* SFK_CTL_DB_H */
