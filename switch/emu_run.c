/*
 * emu_run: what a run owns, written down so that another process can
 * remove it.  A run takes the first free number N and is "sfeN": its
 * record /run/sflowkit-emu/sfeN.run holds the emulator's pid and start
 * time, its link group and the pids (with start times, so a recycled pid
 * is never signalled) of the processes it started; its directory
 * /run/sflowkit-emu/sfeN/ holds their logs.  `sflow-emu --cleanup` removes
 * the runs whose emulator is gone, and objects named sfeN... for which no
 * record exists at all, and nothing else.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"

/* Field 22 of /proc/PID/stat: when the process started, in clock ticks; 0 if gone. */
static unsigned long long
start_time(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long long st = 0;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* The command name may hold spaces and parentheses: count from the last ')'. */
    if ((p = strrchr(buf, ')')) == NULL)
        return 0;
    for (int field = 2; field < 22 && p != NULL; field++)
        p = strchr(p + 1, ' ');
    if (p != NULL)
        st = strtoull(p + 1, NULL, 10);
    return st;
}

static void
rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[512];

    if (d != NULL) {
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/*
 * Takes the first free run number and writes its record.  Returns 0 or an
 * errno (EBUSY when all EMU_MAX_RUNS are taken).
 */
int
run_register(struct emu_run *r)
{
    char path[128];

    if (mkdir(EMU_RUN_DIR, 0755) < 0 && errno != EEXIST)
        return errno;
    for (int id = 0; id < EMU_MAX_RUNS; id++) {
        int fd;

        snprintf(path, sizeof(path), "%s/%s%d.run", EMU_RUN_DIR, EMU_PREFIX_BASE, id);
        if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
            if (errno == EEXIST)
                continue;
            return errno;
        }
        close(fd);
        memset(r, 0, sizeof(*r));
        r->id = id;
        snprintf(r->prefix, sizeof(r->prefix), "%s%d", EMU_PREFIX_BASE, id);
        r->group = EMU_GROUP_BASE + (uint32_t)id;
        snprintf(r->dir, sizeof(r->dir), "%s/%s", EMU_RUN_DIR, r->prefix);
        rm_tree(r->dir);        /* A stale directory of a cleaned run. */
        if (mkdir(r->dir, 0755) < 0 && errno != EEXIST)
            return errno;
        run_save(r, NULL);
        return 0;
    }
    return EBUSY;
}

/* Rewrites the run's record (atomically); 't' adds a description line. */
void
run_save(const struct emu_run *r, const struct emu_topo *t)
{
    char path[128], tmp[140];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s.run", EMU_RUN_DIR, r->prefix);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if ((f = fopen(tmp, "w")) == NULL)
        return;
    fprintf(f, "pid %d %llu\ngroup %u\n", (int)getpid(), start_time(getpid()), r->group);
    for (int i = 0; i < r->npids; i++)
        fprintf(f, "child %d %llu\n", (int)r->pids[i], start_time(r->pids[i]));
    if (t != NULL)
        fprintf(f, "topo %s hosts %d switches %d\n", t->desc, t->nhosts, t->nswitches);
    if (fclose(f) == 0)
        rename(tmp, path);
    else
        unlink(tmp);
}

/* Removes the run's record and directory (after teardown). */
void
run_forget(struct emu_run *r)
{
    char path[128];

    rm_tree(r->dir);
    snprintf(path, sizeof(path), "%s/%s.run", EMU_RUN_DIR, r->prefix);
    unlink(path);
}

/*
 * Starts 'argv' in its own process group (the terminal's Ctrl-C is the
 * emulator's to handle), with stdout on 'out_fd' (or the log) and stderr
 * on 'log_path' (or inherited when NULL), dying with the emulator.
 * Records its pid in the run.  Returns the pid or -1.
 */
pid_t
run_spawn(struct emu_run *r, char *const argv[], const char *log_path, int out_fd)
{
    pid_t ppid = getpid(), pid;

    if (r->npids >= (int)(sizeof(r->pids) / sizeof(r->pids[0])))
        return -1;
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        int fd = -1;

        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != ppid)
            _exit(127);
        if (log_path != NULL && (fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
            dup2(fd, STDERR_FILENO);
            if (out_fd < 0)
                dup2(fd, STDOUT_FILENO);
            close(fd);
        }
        if (out_fd >= 0)
            dup2(out_fd, STDOUT_FILENO);
        execv(argv[0], argv);
        dprintf(STDERR_FILENO, "sflow-emu: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    r->pids[r->npids++] = pid;
    return pid;
}

/* Stops a process of a dead run, if it is still the one recorded ('st'). */
static void
stop_pid(pid_t pid, unsigned long long st)
{
    if (start_time(pid) != st)
        return;                 /* Gone, or a stranger with a recycled pid. */
    kill(pid, SIGTERM);
    for (int i = 0; i < 100; i++) {
        if (start_time(pid) != st)
            return;
        usleep(10000);
    }
    if (start_time(pid) == st)
        kill(pid, SIGKILL);
}

/*
 * SIGTERM to all the run's own children at once, SIGKILL to those still
 * there after a second (a switch or agent closing a thousand packet
 * sockets would take longer, and the kernel finishes that as fast
 * either way), and reaps them.
 */
void
run_stop_children(struct emu_run *r)
{
    int left = r->npids;

    for (int i = 0; i < r->npids; i++)
        kill(r->pids[i], SIGTERM);
    for (int t = 0; t < 100 && left > 0; t++) {
        for (int i = 0; i < r->npids; i++)
            if (r->pids[i] > 0 && waitpid(r->pids[i], NULL, WNOHANG) == r->pids[i]) {
                r->pids[i] = 0;
                left--;
            }
        if (left > 0)
            usleep(10000);
    }
    for (int i = 0; i < r->npids; i++)
        if (r->pids[i] > 0) {
            kill(r->pids[i], SIGKILL);
            waitpid(r->pids[i], NULL, 0);
        }
    r->npids = 0;
}

/* Waits until file 'path' contains 'needle'; 0, or ETIMEDOUT. */
int
run_wait_log(const char *path, const char *needle, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 20) {
        FILE *f = fopen(path, "r");
        char line[512];

        if (f != NULL) {
            while (fgets(line, sizeof(line), f) != NULL)
                if (strstr(line, needle) != NULL) {
                    fclose(f);
                    return 0;
                }
            fclose(f);
        }
        usleep(20000);
    }
    return ETIMEDOUT;
}

/* Removes the interfaces (link group 'group' if not 0, and by name) and namespaces named 'prefix'. */
void
run_clean(const char *prefix, uint32_t group, bool verbose)
{
    static char names[65536][64];
    int n, links;

    if (group != 0)
        link_delete_group(group);
    links = link_delete_prefix(prefix);
    n = netns_list_prefix(prefix, names, 65536);
    for (int i = 0; i < n; i++)
        netns_remove(names[i]);
    if (verbose)
        printf("%s: removed %d namespace(s)%s%s\n", prefix, n,
            group ? ", its link group" : "", links > 0 ? " and leftover links" : "");
}

/* Is 'name' EMU_PREFIX_BASE + digits followed by 'term'? Stores the number. */
static bool
parse_prefix(const char *name, int *id, const char *terms)
{
    size_t n = strlen(EMU_PREFIX_BASE);
    char *end;
    long v;

    if (strncmp(name, EMU_PREFIX_BASE, n) != 0 || !isdigit((unsigned char)name[n]))
        return false;
    v = strtol(name + n, &end, 10);
    if (v < 0 || v >= EMU_MAX_RUNS || strchr(terms, *end) == NULL || *end == '\0')
        return false;
    *id = (int)v;
    return true;
}

/*
 * Removes what runs whose emulator has gone left behind: their processes,
 * interfaces, namespaces and records.  Live runs are left alone.  Returns
 * the number of runs cleaned.
 */
int
run_cleanup(bool verbose)
{
    bool live[EMU_MAX_RUNS] = { false }, seen[EMU_MAX_RUNS] = { false };
    int cleaned = 0;
    DIR *d;
    struct dirent *de;

    if ((d = opendir(EMU_RUN_DIR)) != NULL) {
        while ((de = readdir(d)) != NULL) {
            char path[300], line[256], prefix[16];
            unsigned long long st;
            uint32_t group = 0;
            int id, pid;
            FILE *f;

            if (!parse_prefix(de->d_name, &id, ".") || strcmp(strchr(de->d_name, '.'), ".run") != 0)
                continue;
            seen[id] = true;
            snprintf(path, sizeof(path), "%s/%s", EMU_RUN_DIR, de->d_name);
            if ((f = fopen(path, "r")) == NULL)
                continue;
            if (fgets(line, sizeof(line), f) != NULL &&
                sscanf(line, "pid %d %llu", &pid, &st) == 2 && pid > 0 &&
                pid != getpid() && st != 0 && start_time(pid) == st) {
                live[id] = true;
                fclose(f);
                if (verbose)
                    printf("%s%d: run of pid %d is alive; left alone\n", EMU_PREFIX_BASE, id, pid);
                continue;
            }
            while (fgets(line, sizeof(line), f) != NULL) {
                if (sscanf(line, "child %d %llu", &pid, &st) == 2 && pid > 0 && st != 0)
                    stop_pid(pid, st);
                else
                    sscanf(line, "group %u", &group);
            }
            fclose(f);
            snprintf(prefix, sizeof(prefix), "%s%d", EMU_PREFIX_BASE, id);
            run_clean(prefix, group, verbose);
            snprintf(path, sizeof(path), "%s/%s", EMU_RUN_DIR, prefix);
            rm_tree(path);
            snprintf(path, sizeof(path), "%s/%s.run", EMU_RUN_DIR, prefix);
            unlink(path);
            cleaned++;
        }
        closedir(d);
    }
    /* Orphans: names of ours whose run record is gone too. */
    if ((d = opendir(EMU_NETNS_DIR)) != NULL) {
        while ((de = readdir(d)) != NULL) {
            int id;
            char prefix[16];

            if (!parse_prefix(de->d_name, &id, "-") || seen[id] || live[id])
                continue;
            seen[id] = true;
            snprintf(prefix, sizeof(prefix), "%s%d", EMU_PREFIX_BASE, id);
            run_clean(prefix, EMU_GROUP_BASE + (uint32_t)id, verbose);
            cleaned++;
        }
        closedir(d);
    }
    for (int id = 0; id < EMU_MAX_RUNS; id++) {
        char prefix[16];

        if (seen[id] || live[id])
            continue;
        snprintf(prefix, sizeof(prefix), "%s%d", EMU_PREFIX_BASE, id);
        if (link_count_prefix(prefix) > 0) {
            run_clean(prefix, EMU_GROUP_BASE + (uint32_t)id, verbose);
            cleaned++;
        }
    }
    return cleaned;
}
