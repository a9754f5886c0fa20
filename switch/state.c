/*
 * state: configuration file, written atomically, replayed through ctl;
 * see state.h.
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "flow_parse.h"
#include "log.h"

static void
write_config(const struct sw *sw, FILE *f)
{
    char buf[1024];

    fprintf(f, "# sflow-switch state; written by the daemon, replayed at start\n");
    for (size_t i = 0; i < sw->n_br; i++) {
        const struct bridge *br = sw->br[i];

        fprintf(f, "add-br\t%s\n", br->name);
        for (size_t j = 0; j < br->n_ports; j++) {
            const struct port *p = br->ports[j];

            fprintf(f, "add-port\t%s\t%s\tofport=%u", br->name, p->name, p->ofport);
            if (p->vlan.tag)
                fprintf(f, "\ttag=%u", p->vlan.tag);
            if (p->vlan.has_trunks) {
                vlan_format_trunks(&p->vlan, buf, sizeof(buf));
                fprintf(f, "\ttrunks=%s", buf);
            }
            fprintf(f, "\n");
        }
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
    }
}

int
state_save(const struct sw *sw, const char *path)
{
    char tmp[4096];
    FILE *f;
    int fd, e = 0;

    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp))
        return ENAMETOOLONG;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno;
    f = fdopen(fd, "w");
    if (f == NULL) {
        e = errno;
        close(fd);
        unlink(tmp);
        return e;
    }
    write_config(sw, f);
    if (fflush(f) != 0 || ferror(f) || fsync(fd) != 0)
        e = errno ? errno : EIO;
    if (fclose(f) != 0 && e == 0)
        e = errno;
    if (e == 0 && rename(tmp, path) != 0)
        e = errno;
    if (e != 0)
        unlink(tmp);
    return e;
}

int
state_replay(struct sw *sw, FILE *f, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;

    while ((n = getline(&line, &cap, f)) >= 0) {
        char *argv[CTL_MAX_ARGS + 1], *save = NULL, *w;
        char *ebuf = NULL;
        size_t elen = 0;
        FILE *err;
        int argc = 0;

        lineno++;
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        for (w = strtok_r(line, "\t", &save); w && argc < CTL_MAX_ARGS; w = strtok_r(NULL, "\t", &save))
            argv[argc++] = w;
        argv[argc] = NULL;
        err = open_memstream(&ebuf, &elen);
        if (err == NULL)
            continue;
        if (ctl_exec(sw, argc, argv, stdout, err, 1) != CTL_OK) {
            fflush(err);
            log_warnx("%s:%u: %s: %.*s", name, lineno, argc ? argv[0] : "",
                (int)(elen && ebuf[elen - 1] == '\n' ? elen - 1 : elen), ebuf);
        }
        fclose(err);
        free(ebuf);
    }
    free(line);
    return ferror(f) ? EIO : 0;
}

int
state_load(struct sw *sw, const char *path)
{
    FILE *f = fopen(path, "r");
    int e;

    if (f == NULL)
        return errno == ENOENT ? 0 : errno;
    e = state_replay(sw, f, path);
    fclose(f);
    return e;
}
