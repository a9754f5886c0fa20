/*
 * rollback: undo by difference with a snapshot; see rollback.h.
 *
 * Both sides are state file text: "add-br\tBR", "add-port\tBR\tIF\t...",
 * "mod-port\tBR\tIF\tdown", "add-flow\tBR\t...", "set-sflow\tBR\t...",
 * "add-mirror\tBR\tname=M\t...", "set-netflow\tBR\t...",
 * "set\tbridge\tBR\tCOLUMN={...}", "set\tinterface\tIF\tCOLUMN={...}".  The undo is made of the
 * commands users have, replayed through state_replay_line() or ctl_exec().
 * It runs only when a save failed, so plain quadratic comparisons do.
 */
#include "rollback.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "state.h"

struct lines {
    char *text;                 /* A copy, its newlines made NULs. */
    char **l;
    size_t n;
};

static int
split(const char *text, struct lines *ls)
{
    size_t cap = 1;

    memset(ls, 0, sizeof(*ls));
    if ((ls->text = strdup(text)) == NULL)
        return ENOMEM;
    for (const char *p = text; *p; p++)
        cap += *p == '\n';
    if ((ls->l = calloc(cap, sizeof(*ls->l))) == NULL) {
        free(ls->text);
        return ENOMEM;
    }
    for (char *p = ls->text; *p != '\0';) {
        char *nl = strchr(p, '\n');

        if (nl != NULL)
            *nl = '\0';
        if (*p != '\0' && *p != '#')
            ls->l[ls->n++] = p;
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    return 0;
}

static void
lines_free(struct lines *ls)
{
    free(ls->text);
    free(ls->l);
}

/* Whether 'line' starts with command word 'cmd'. */
static bool
is(const char *line, const char *cmd)
{
    size_t n = strlen(cmd);

    return strncmp(line, cmd, n) == 0 && line[n] == '\t';
}

/* Word 'i' (0: the command) of 'line' into 'buf'; "" when it has fewer. */
static const char *
word(const char *line, int i, char *buf, size_t len)
{
    const char *p = line, *e;

    for (; i > 0 && p != NULL; i--)
        if ((p = strchr(p, '\t')) != NULL)
            p++;
    if (p == NULL) {
        buf[0] = '\0';
        return buf;
    }
    e = strchr(p, '\t');
    snprintf(buf, len, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
    return buf;
}

static bool
has_line(const struct lines *ls, const char *line)
{
    for (size_t i = 0; i < ls->n; i++)
        if (strcmp(ls->l[i], line) == 0)
            return true;
    return false;
}

static bool
has_bridge(const struct lines *ls, const char *br)
{
    char b[64];

    for (size_t i = 0; i < ls->n; i++)
        if (is(ls->l[i], "add-br") && strcmp(word(ls->l[i], 1, b, sizeof(b)), br) == 0)
            return true;
    return false;
}

/* Whether bridge 'br''s rules differ between 'a' and 'b' (their lines, in order). */
static bool
flows_differ(const struct lines *a, const struct lines *b, const char *br)
{
    char x[64], y[64];
    size_t i = 0, j = 0;

    for (;;) {
        while (i < a->n && !(is(a->l[i], "add-flow") && strcmp(word(a->l[i], 1, x, sizeof(x)), br) == 0))
            i++;
        while (j < b->n && !(is(b->l[j], "add-flow") && strcmp(word(b->l[j], 1, y, sizeof(y)), br) == 0))
            j++;
        if (i == a->n || j == b->n)
            return i != a->n || j != b->n;
        if (strcmp(a->l[i++], b->l[j++]) != 0)
            return true;
    }
}

/* Runs the command of 'argc' words at 'argv' as a restoring one, its output dropped. */
static void
run(struct sw *sw, int argc, char **argv, FILE *err)
{
    char *obuf = NULL;
    size_t olen = 0;
    FILE *out = open_memstream(&obuf, &olen);

    if (out == NULL)
        return;
    ctl_exec(sw, argc, argv, out, err, 1);
    fclose(out);
    free(obuf);
}

static void
exec2(struct sw *sw, const char *cmd, const char *arg, FILE *err)
{
    char *argv[3] = { (char *)cmd, (char *)arg, NULL };

    run(sw, 2, argv, err);
}

/*
 * Undoes state line 'line' of 'now' that the snapshot lacks, where no
 * del-br or del-port does: a port taken down comes up, a map column is
 * cleared (the snapshot's is replayed after).
 */
static void
undo_setting(struct sw *sw, const char *line, FILE *err)
{
    char w1[64], w2[64], col[64];

    word(line, 1, w1, sizeof(w1));
    word(line, 2, w2, sizeof(w2));
    if (is(line, "mod-port")) {
        char *argv[4] = { "mod-port", w1, w2, "up" };

        run(sw, 4, argv, err);
    } else if (is(line, "set")) {
        char *argv[4] = { "clear", w1, w2, col };

        word(line, 3, col, sizeof(col));
        col[strcspn(col, "=")] = '\0';
        run(sw, 4, argv, err);
    }
}

/* Whether 'line' sets something of a port other than its add-port line: mod-port, an Interface map. */
static bool
port_line(const char *line)
{
    return is(line, "mod-port") || strncmp(line, "set\tinterface\t", 14) == 0;
}

/*
 * Whether the add-port line of port 'name' in 'was' is not in 'now' (so
 * the port is deleted, or made again, by the rollback).
 */
static bool
port_redone(const struct lines *was, const struct lines *now, const char *name)
{
    char w[64];

    for (size_t i = 0; i < was->n; i++)
        if (is(was->l[i], "add-port") && strcmp(word(was->l[i], 2, w, sizeof(w)), name) == 0)
            return !has_line(now, was->l[i]);
    return false;
}

static void
replay(struct sw *sw, const char *line, FILE *err)
{
    if (state_replay_line(sw, line, strlen(line), err) != 0)
        fprintf(err, "rollback: could not restore: %s\n", line);
}

int
rollback_to(struct sw *sw, const char *snap, FILE *err)
{
    struct lines was, now;
    char *cur = state_format(sw), b[64], w[128];
    bool *redo_flows;

    if (cur == NULL || split(snap, &was) != 0) {
        free(cur);
        return ENOMEM;
    }
    if (split(cur, &now) != 0) {
        free(cur);
        lines_free(&was);
        return ENOMEM;
    }
    free(cur);
    if ((redo_flows = calloc(was.n + 1, sizeof(*redo_flows))) == NULL) {
        lines_free(&was);
        lines_free(&now);
        return ENOMEM;
    }
    /* Undo what is new: bridges, then ports (names are global), flows and sFlow of the others. */
    for (size_t i = 0; i < now.n; i++) {
        const char *br = word(now.l[i], 1, b, sizeof(b));

        if (is(now.l[i], "add-br") && !has_bridge(&was, br))
            exec2(sw, "del-br", br, err);
    }
    for (size_t i = 0; i < now.n; i++) {
        /* "set<TAB>bridge<TAB>BR<TAB>...": the bridge is the third word. */
        const char *br = word(now.l[i], is(now.l[i], "set") ? 2 : 1, b, sizeof(b));

        if (has_line(&was, now.l[i]))
            continue;
        /* A port's other lines: undone unless the port itself is (deleted, or made again). */
        if (port_line(now.l[i])) {
            if (!port_redone(&now, &was, word(now.l[i], 2, w, sizeof(w))))
                undo_setting(sw, now.l[i], err);
            continue;
        }
        if (!has_bridge(&was, br))
            continue;
        if (is(now.l[i], "add-port"))
            exec2(sw, "del-port", word(now.l[i], 2, w, sizeof(w)), err);
        else if (is(now.l[i], "set-sflow"))
            exec2(sw, "clear-sflow", br, err);
        else if (is(now.l[i], "set-netflow"))
            exec2(sw, "clear-netflow", br, err);
        else if (is(now.l[i], "add-mirror")) {     /* Its word 2 is "name=NAME". */
            char *argv[3] = { "del-mirror", (char *)br, w + 5 };

            word(now.l[i], 2, w, sizeof(w));
            run(sw, 3, argv, err);
        } else if (is(now.l[i], "set"))
            undo_setting(sw, now.l[i], err);
    }
    /* Redo what went: whole bridges, ports, rule tables that differ, sFlow settings. */
    for (size_t i = 0; i < was.n; i++) {
        const char *br = word(was.l[i], 1, b, sizeof(b));

        if (is(was.l[i], "add-br") && has_bridge(&now, br) && flows_differ(&was, &now, br)) {
            exec2(sw, "del-flows", br, err);
            redo_flows[i] = true;
        }
        if (is(was.l[i], "set-sflow") && !has_line(&now, was.l[i]) && has_bridge(&now, br))
            exec2(sw, "clear-sflow", br, err);
    }
    for (size_t i = 0, k = 0; i < was.n; i++) {
        const char *br = word(was.l[i], 1, b, sizeof(b));

        if (is(was.l[i], "add-br"))
            k = i;
        if (is(was.l[i], "add-flow") ? !has_bridge(&now, br) || redo_flows[k] :
            !has_line(&now, was.l[i]) ||
            (port_line(was.l[i]) && port_redone(&was, &now, word(was.l[i], 2, w, sizeof(w)))))
            replay(sw, was.l[i], err);
    }
    free(redo_flows);
    lines_free(&was);
    lines_free(&now);
    return 0;
}
