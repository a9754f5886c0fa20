/*
 * state: configuration file, checked, written atomically, replayed
 * through ctl; see state.h.
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_db.h"
#include "flow_parse.h"
#include "owndir.h"

#define STATE_MAX_BYTES (64u << 20)     /* 64 MiB: far beyond any real configuration. */
#define BAD_COPIES 100

static int dirfd_ = -1;                 /* The checked directory of the file. */
static char path_[4096];
static const char *name_;               /* Last component, in 'path_'. */
static uint32_t saved_gen;
static char *saved_text;                /* What the file holds, as last written or read. */

/* "'what'{k=v, ...}" for a map that is not empty. */
static void
write_map(FILE *f, const char *what, const struct kvmap *m)
{
    if (m == NULL || m->n == 0)
        return;
    fputs(what, f);
    ctl_db_put_map(f, m);
}

/* Map column 'col' of row 'rec' of 'table' (a bridge's, an interface's) as a line of its own. */
static void
write_map_line(FILE *f, const char *table, const char *rec, const char *col, const struct kvmap *m)
{
    if (m == NULL || m->n == 0)
        return;
    fprintf(f, "set\t%s\t%s\t%s=", table, rec, col);
    ctl_db_put_map(f, m);
    fputc('\n', f);
}

/*
 * Port 'p' of 'br': an add-port line with its columns, or, for the local
 * port that add-br makes, a set line for each column it has (one a line,
 * so that a rollback undoes them one by one).
 */
static void
write_port(FILE *f, const struct bridge *br, const struct port *p)
{
    char col[3][1040], buf[1024];
    size_t n = 0;

    if (p->vlan.tag)
        snprintf(col[n++], sizeof(col[0]), "tag=%u", p->vlan.tag);
    if (p->vlan.has_trunks) {
        vlan_format_trunks(&p->vlan, buf, sizeof(buf));
        snprintf(col[n++], sizeof(col[0]), "trunks=%s", buf);
    }
    if (p->vlan.mode != VLAN_MODE_AUTO)
        snprintf(col[n++], sizeof(col[0]), "vlan_mode=%s", vlan_mode_name(&p->vlan));
    if (p->local) {
        for (size_t i = 0; i < n; i++)
            fprintf(f, "set\tport\t%s\t%s\n", p->name, col[i]);
        write_map_line(f, "port", p->name, "other_config", p->other_config);
        write_map_line(f, "port", p->name, "external_ids", p->external_ids);
        return;
    }
    fprintf(f, "add-port\t%s\t%s\t%s=%u", br->name, p->name,
        p->ofport_request ? "ofport_request" : "ofport", p->ofport);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "\t%s", col[i]);
    write_map(f, "\tother_config=", p->other_config);
    write_map(f, "\texternal_ids=", p->external_ids);
    fprintf(f, "\n");
}

static void
write_config(const struct sw *sw, FILE *f)
{
    char buf[1024];

    fprintf(f, "# sflow-switch state; written by the daemon, replayed at start\n");
    for (size_t i = 0; i < sw->n_br; i++) {
        const struct bridge *br = sw->br[i];

        fprintf(f, "add-br\t%s\n", br->name);
        for (size_t j = 0; j < br->n_ports; j++)
            write_port(f, br, br->ports[j]);
        /* After the ports, whose interfaces add-port brings up. */
        for (size_t j = 0; j < br->n_ports; j++) {
            const struct port *p = br->ports[j];

            if (p->down)
                fprintf(f, "mod-port\t%s\t%s\tdown\n", br->name, p->name);
            write_map_line(f, "interface", p->name, "other_config", p->if_other_config);
            write_map_line(f, "interface", p->name, "external_ids", p->if_external_ids);
        }
        write_map_line(f, "bridge", br->name, "other_config", br->other_config);
        write_map_line(f, "bridge", br->name, "external_ids", br->external_ids);
        for (size_t j = 0; j < br->flows.n; j++) {
            flow_format_rule(&br->flows.rules[j], buf, sizeof(buf));
            fprintf(f, "add-flow\t%s\t%s\n", br->name, buf);
        }
        if (br->sf.on) {
            fprintf(f, "set-sflow\t%s\ttarget=", br->name);
            for (size_t k = 0; k < br->sf.n_targets; k++)
                fprintf(f, "%s%s", k ? "," : "", br->sf.targets[k]);
            fprintf(f, "\tsampling=%u\tpolling=%u\theader=%u", br->sf.sampling,
                br->sf.polling, br->sf.header);
            if (br->sf.agent[0])
                fprintf(f, "\tagent=%s", br->sf.agent);
            fprintf(f, "\n");
        }
        ctl_db_write_state(br, f);
    }
}

char *
state_format(const struct sw *sw)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (f == NULL)
        return NULL;
    write_config(sw, f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int
state_open(const char *path, char *msg, size_t msglen)
{
    char dir[sizeof(path_)];
    const char *name;
    int fd, e;

    if (strlen(path) >= sizeof(path_) || (name = owndir_split(path, dir, sizeof(dir))) == NULL) {
        snprintf(msg, msglen, "%s: not a file name", path);
        return EINVAL;
    }
    if ((fd = owndir_open(dir, msg, msglen)) < 0)
        return errno;
    if (dirfd_ >= 0)
        close(dirfd_);
    dirfd_ = fd;
    snprintf(path_, sizeof(path_), "%s", path);
    name_ = path_ + (name - path);
    /* Checked here too, so that a bad file stops the daemon before it forks. */
    fd = openat(dirfd_, name_, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0) {
        e = errno;
        snprintf(msg, msglen, "%s: %s", path,
            e == ELOOP ? "a symbolic link; refused" : strerror(e));
        return e;
    }
    e = owndir_check(fd, path, msg, msglen);
    close(fd);
    return e;
}

const char *
state_path(void)
{
    return path_;
}

int
state_replay_line(struct sw *sw, const char *line, size_t len, FILE *err)
{
    char *copy, *argv[CTL_MAX_ARGS + 1], *save = NULL, *w, *obuf = NULL;
    size_t olen = 0;
    FILE *out;
    int argc = 0, st;

    if (memchr(line, '\0', len) != NULL) {
        fprintf(err, "holds a NUL byte\n");
        return EINVAL;
    }
    if (len == 0 || line[0] == '#')
        return 0;
    if ((copy = malloc(len + 1)) == NULL) {
        fprintf(err, "out of memory\n");
        return EINVAL;
    }
    memcpy(copy, line, len);
    copy[len] = '\0';
    for (w = strtok_r(copy, "\t", &save); w; w = strtok_r(NULL, "\t", &save)) {
        if (argc == CTL_MAX_ARGS) {
            fprintf(err, "more than %d words\n", CTL_MAX_ARGS);
            free(copy);
            return EINVAL;
        }
        argv[argc++] = w;
    }
    argv[argc] = NULL;
    if (argc == 0) {
        free(copy);
        return 0;
    }
    /* What a replayed command prints (a "show" line would) goes nowhere. */
    if ((out = open_memstream(&obuf, &olen)) == NULL) {
        free(copy);
        fprintf(err, "out of memory\n");
        return EINVAL;
    }
    st = ctl_exec(sw, argc, argv, out, err, 1);
    fclose(out);
    free(obuf);
    free(copy);
    return st == CTL_OK ? 0 : EINVAL;
}

/* Reads all of 'fd' (a checked regular file) into a malloc'd buffer, NUL-terminated. */
static int
read_all(int fd, char **buf, size_t *len)
{
    struct stat st;
    size_t cap, n = 0;
    char *b;

    if (fstat(fd, &st) < 0)
        return errno;
    if (!S_ISREG(st.st_mode))
        return EINVAL;
    if ((size_t)st.st_size > STATE_MAX_BYTES)
        return EFBIG;
    cap = (size_t)st.st_size + 1;
    if ((b = malloc(cap)) == NULL)
        return ENOMEM;
    for (;;) {
        ssize_t r = read(fd, b + n, cap - 1 - n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(b);
            return errno;
        }
        if (r == 0 || (n += (size_t)r) == cap - 1)
            break;      /* A file that grows meanwhile is read as it was. */
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

/* Copies 'len' bytes at 'buf' to the first free NAME.bad[.N]; its name in 'out', or an errno. */
static int
keep_bad_copy(const char *buf, size_t len, char *out, size_t outlen)
{
    for (int i = 0; i < BAD_COPIES; i++) {
        char name[512];
        int fd;

        if (i == 0)
            snprintf(name, sizeof(name), "%s.bad", name_);
        else
            snprintf(name, sizeof(name), "%s.bad.%d", name_, i);
        fd = openat(dirfd_, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            return errno;
        for (size_t off = 0; off < len;) {
            ssize_t w = write(fd, buf + off, len - off);

            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                int e = w < 0 ? errno : EIO;

                close(fd);
                unlinkat(dirfd_, name, 0);
                return e;
            }
            off += (size_t)w;
        }
        if (fsync(fd) != 0 || close(fd) != 0)
            return errno;
        snprintf(out, outlen, "%.*s%s", (int)(name_ - path_), path_, name);
        return 0;
    }
    return EEXIST;
}

int
state_load(struct sw *sw, FILE *report, unsigned *n_bad)
{
    char msg[512], *buf = NULL, *line, *end, kept[sizeof(path_) + 16];
    size_t len = 0;
    unsigned lineno = 0;
    int fd, e;

    *n_bad = 0;
    fd = openat(dirfd_, name_, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        saved_gen = sw->config_gen;
        return 0;
    }
    if (fd < 0) {
        e = errno;
        fprintf(report, "%s: %s\n", path_, e == ELOOP ? "a symbolic link; refused" : strerror(e));
        return e;
    }
    if ((e = owndir_check(fd, path_, msg, sizeof(msg))) != 0 || (e = read_all(fd, &buf, &len)) != 0) {
        fprintf(report, "%s\n", e == EPERM ? msg : strerror(e));
        close(fd);
        return e;
    }
    close(fd);
    for (line = buf; line < buf + len; line = end + 1) {
        char *ebuf = NULL;
        size_t elen = 0;
        FILE *err;

        lineno++;
        if ((end = memchr(line, '\n', (size_t)(buf + len - line))) == NULL)
            end = buf + len;
        if ((err = open_memstream(&ebuf, &elen)) == NULL) {
            free(buf);
            return ENOMEM;
        }
        e = state_replay_line(sw, line, (size_t)(end - line), err);
        fclose(err);
        if (e != 0) {
            (*n_bad)++;
            fprintf(report, "%s:%u: %.*s", path_, lineno, (int)elen, ebuf);
        }
        free(ebuf);
    }
    if (*n_bad > 0) {
        /* Without a copy, the next save would drop those lines for good. */
        if ((e = keep_bad_copy(buf, len, kept, sizeof(kept))) != 0) {
            fprintf(report, "%s: %u line(s) failed to replay, and no copy of the file could be kept: %s\n",
                path_, *n_bad, strerror(e));
            free(buf);
            return e;
        }
        fprintf(report, "%s: %u line(s) failed to replay and are not applied; the next save "
            "drops them: the file as it was is kept in %s\n", path_, *n_bad, kept);
    }
    free(saved_text);
    saved_text = *n_bad == 0 ? state_format(sw) : NULL;     /* NULL: the file differs from 'sw'. */
    saved_gen = sw->config_gen;
    free(buf);
    return 0;
}

char *
state_snapshot(const struct sw *sw)
{
    if (sw->config_gen == saved_gen && saved_text != NULL)
        return strdup(saved_text);
    return state_format(sw);
}

int
state_commit(struct sw *sw)
{
    char *text;
    int e;

    if (sw->config_gen == saved_gen)
        return 0;
    if ((text = state_format(sw)) == NULL)
        return ENOMEM;
    /* A change undone (a rollback) needs no write. */
    if (saved_text != NULL && strcmp(text, saved_text) == 0) {
        free(text);
        saved_gen = sw->config_gen;
        return 0;
    }
    if ((e = owndir_replace(dirfd_, name_, text, strlen(text), 0600)) != 0) {
        free(text);
        return e;
    }
    free(saved_text);
    saved_text = text;
    saved_gen = sw->config_gen;
    return 0;
}
