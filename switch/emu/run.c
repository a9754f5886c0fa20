/*
 * emu_run: what a run owns, written down so that another process can
 * remove it.  A run takes the first free number N and is "sfeN": its
 * record /run/sflowkit-emu/sfeN.run lists the emulator's pid, its link
 * group, the pids (with start times, so a recycled pid is never signalled)
 * of the processes it started, and each namespace and root-namespace
 * interface, written down before it is made.  The run holds a lock on its
 * record for its whole life; its directory /run/sflowkit-emu/sfeN/ holds
 * the logs of its processes.
 *
 * Teardown and `sflow-emu --cleanup` remove exactly what a record lists,
 * nothing found by its name alone: --cleanup takes the records whose lock
 * is free (their run is gone) and leaves the others alone.  An interface
 * is removed only if it is in the run's link group as well.  Records
 * decide what is deleted, so their directory and files must be root's
 * alone (owndir.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "owndir.h"

volatile sig_atomic_t emu_stop;

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

/* Appends one line to the run's record, in one write(); 0 or an errno. */
static int
note(struct emu_run *r, const char *fmt, ...) __attribute__((__format__(printf, 2, 3)));
static int
note(struct emu_run *r, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n <= 0 || (size_t)n >= sizeof(line))
        return ENAMETOOLONG;
    if (write(r->fd, line, (size_t)n) != n)
        return errno ? errno : EIO;
    return 0;
}

/* Opens EMU_RUN_DIR (made if missing) after checking it is root's alone; -1 with 'msg'. */
static int
open_run_dir(char *msg, size_t msglen)
{
    return owndir_open(EMU_RUN_DIR, msg, msglen);
}

/*
 * Takes the first free run number and writes its record, locked: made
 * under a temporary name, locked, then linked to sfeN.run, so no other
 * process ever sees it unlocked.  Returns 0 or an errno ('msg' says why).
 */
int
run_register(struct emu_run *r, char *msg, size_t msglen)
{
    char tmp[64], name[64];
    int dfd, e;

    memset(r, 0, sizeof(*r));
    r->fd = -1;
    if ((dfd = open_run_dir(msg, msglen)) < 0)
        return errno;
    snprintf(tmp, sizeof(tmp), ".new.%ld", (long)getpid());
    unlinkat(dfd, tmp, 0);
    r->fd = openat(dfd, tmp, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (r->fd < 0 || flock(r->fd, LOCK_EX) < 0) {
        e = errno;
        snprintf(msg, msglen, "%s/%s: %s", EMU_RUN_DIR, tmp, strerror(e));
        close(dfd);
        return e;
    }
    if ((e = note(r, "pid %d %llu\n", (int)getpid(), start_time(getpid()))) != 0) {
        snprintf(msg, msglen, "%s/%s: %s", EMU_RUN_DIR, tmp, strerror(e));
        unlinkat(dfd, tmp, 0);
        close(dfd);
        close(r->fd);
        r->fd = -1;
        return e;
    }
    for (int id = 0; id < EMU_MAX_RUNS; id++) {
        snprintf(name, sizeof(name), "%s%d.run", EMU_PREFIX_BASE, id);
        if (linkat(dfd, tmp, dfd, name, 0) < 0) {
            if (errno == EEXIST)
                continue;
            break;
        }
        unlinkat(dfd, tmp, 0);
        close(dfd);
        r->id = id;
        snprintf(r->prefix, sizeof(r->prefix), "%s%d", EMU_PREFIX_BASE, id);
        r->group = EMU_GROUP_BASE + (uint32_t)id;
        snprintf(r->dir, sizeof(r->dir), "%s/%s", EMU_RUN_DIR, r->prefix);
        if ((e = note(r, "group %u\n", r->group)) != 0) {
            snprintf(msg, msglen, "%s/%s: %s", EMU_RUN_DIR, name, strerror(e));
            return e;
        }
        rm_tree(r->dir);        /* A stale directory of a cleaned run. */
        if (mkdir(r->dir, 0755) < 0 && errno != EEXIST) {
            e = errno;
            snprintf(msg, msglen, "%s: %s", r->dir, strerror(e));
            return e;
        }
        return 0;
    }
    e = errno == EEXIST || errno == 0 ? EBUSY : errno;
    snprintf(msg, msglen, "%s: no free run number: %s", EMU_RUN_DIR, strerror(e));
    unlinkat(dfd, tmp, 0);
    close(dfd);
    close(r->fd);
    r->fd = -1;
    return e;
}

/* Records namespace 'name', before it is made: 0, or an errno (then do not make it). */
int
run_note_netns(struct emu_run *r, const char *name)
{
    return note(r, "netns %s\n", name);
}

/* Records root-namespace interface 'name' (in the run's link group), before it is made; 0 or an errno. */
int
run_note_link(struct emu_run *r, const char *name)
{
    return note(r, "link %s\n", name);
}

/* Records the processes started since the last call, and with 't' the topology. */
void
run_save(struct emu_run *r, const struct emu_topo *t)
{
    /* A child not recorded still dies with the emulator (PR_SET_PDEATHSIG). */
    for (; r->nsaved < r->npids; r->nsaved++)
        (void)note(r, "child %d %llu\n", (int)r->pids[r->nsaved], start_time(r->pids[r->nsaved]));
    if (t != NULL)
        (void)note(r, "topo %s hosts %d switches %d\n", t->desc, t->nhosts, t->nswitches);
}

/* Removes the run's record and directory (after teardown), which frees its number. */
void
run_forget(struct emu_run *r)
{
    char path[128];

    rm_tree(r->dir);
    snprintf(path, sizeof(path), "%s/%s.run", EMU_RUN_DIR, r->prefix);
    unlink(path);
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
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
            _exit(EMU_EXIT_ORPHAN);
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
        _exit(EMU_EXIT_EXEC);
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
    r->npids = r->nsaved = 0;
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

/* A growing list of names. */
struct names {
    char **v;
    size_t n, cap;
};

static void
names_add(struct names *ns, const char *name)
{
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 64;
        char **v = realloc(ns->v, cap * sizeof(*v));

        if (v == NULL)
            return;
        ns->v = v;
        ns->cap = cap;
    }
    if ((ns->v[ns->n] = strdup(name)) != NULL)
        ns->n++;
}

static void
names_free(struct names *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        free(ns->v[i]);
    free(ns->v);
}

/*
 * Removes what record 'fd' lists (read from its start): with 'stop', its
 * processes; its interfaces (those in its link group), then its
 * namespaces.  With 'verbose', says how many under 'prefix'.
 */
static void
remove_recorded(int fd, const char *prefix, bool stop, bool verbose)
{
    struct names links = { 0 }, nss = { 0 };
    char line[256], name[64];
    unsigned long long st;
    uint32_t group = 0;
    int pid, n_links = 0, n_ns = 0, dfd = dup(fd);
    FILE *f;

    if (dfd < 0 || lseek(dfd, 0, SEEK_SET) < 0 || (f = fdopen(dfd, "r")) == NULL) {
        if (dfd >= 0)
            close(dfd);
        return;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        if (sscanf(line, "child %d %llu", &pid, &st) == 2) {
            if (stop && pid > 0 && st != 0)
                stop_pid(pid, st);
        } else if (sscanf(line, "group %u", &group) == 1) {
            continue;
        } else if (sscanf(line, "netns %63s", name) == 1) {
            names_add(&nss, name);
        } else if (sscanf(line, "link %15s", name) == 1) {
            names_add(&links, name);
        }
    }
    fclose(f);
    /* Root ends first: the peers in the hosts go with them. */
    if (group != 0 && links.n > 0)
        n_links = link_delete_recorded(group, links.v, links.n);
    for (size_t i = 0; i < nss.n; i++)
        n_ns += netns_remove(nss.v[i]) == 0;
    if (verbose)
        printf("%s: removed %d namespace(s) and %d interface(s) of its record\n", prefix, n_ns,
            n_links > 0 ? n_links : 0);
    names_free(&links);
    names_free(&nss);
}

/* Removes what run 'r' recorded (its processes already stopped). */
void
run_clean(struct emu_run *r)
{
    if (r->fd >= 0)
        remove_recorded(r->fd, r->prefix, false, false);
}

/* Is 'name' EMU_PREFIX_BASE + digits + ".run"? Stores the number. */
static bool
parse_record_name(const char *name, int *id)
{
    size_t n = strlen(EMU_PREFIX_BASE);
    char *end;
    long v;

    if (strncmp(name, EMU_PREFIX_BASE, n) != 0 || !isdigit((unsigned char)name[n]))
        return false;
    v = strtol(name + n, &end, 10);
    if (v < 0 || v >= EMU_MAX_RUNS || strcmp(end, ".run") != 0)
        return false;
    *id = (int)v;
    return true;
}

/*
 * Whether the run of record 'fd' is alive: its emulator is (the pid and
 * start time recorded; records of older versions hold no lock), or its
 * lock is held.  A run whose emulator is gone may still have a child that
 * inherited the lock and is exiting (it dies with the emulator): give it
 * two seconds.
 */
static bool
record_busy(int fd)
{
    char line[64];
    unsigned long long st = 0;
    int pid = 0;
    ssize_t n = pread(fd, line, sizeof(line) - 1, 0);

    line[n > 0 ? n : 0] = '\0';
    if (sscanf(line, "pid %d %llu", &pid, &st) == 2 && pid > 0 && start_time(pid) == st)
        return true;
    for (int i = 0; i < 40; i++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return false;
        usleep(50000);
    }
    return true;
}

/*
 * Removes what runs whose emulator has gone left behind: their processes,
 * and the interfaces and namespaces their records list; then the records.
 * Live runs (their lock held) are left alone, and so is anything no record
 * lists, whatever its name.  Returns the number of runs cleaned, or -1
 * with a message in 'msg'.
 */
int
run_cleanup(bool verbose, char *msg, size_t msglen)
{
    int cleaned = 0, dfd;
    DIR *d;
    struct dirent *de;

    if ((dfd = open_run_dir(msg, msglen)) < 0)
        return -1;
    if ((d = fdopendir(dup(dfd))) == NULL) {
        snprintf(msg, msglen, "%s: %s", EMU_RUN_DIR, strerror(errno));
        close(dfd);
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        char prefix[16], path[300], why[300];
        int id, fd;

        if (strncmp(de->d_name, ".new.", 5) == 0) {
            /* A run that died registering: nothing recorded yet. */
            if ((fd = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
                if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                    unlinkat(dfd, de->d_name, 0);
                close(fd);
            }
            continue;
        }
        if (!parse_record_name(de->d_name, &id))
            continue;
        snprintf(prefix, sizeof(prefix), "%s%d", EMU_PREFIX_BASE, id);
        if ((fd = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            continue;
        if (owndir_check(fd, de->d_name, why, sizeof(why)) != 0) {
            if (verbose)
                printf("%s: record ignored: %s\n", prefix, why);
            close(fd);
            continue;
        }
        if (record_busy(fd)) {
            if (verbose)
                printf("%s: its run is alive; left alone\n", prefix);
            close(fd);
            continue;
        }
        remove_recorded(fd, prefix, true, verbose);
        snprintf(path, sizeof(path), "%s/%s", EMU_RUN_DIR, prefix);
        rm_tree(path);
        unlinkat(dfd, de->d_name, 0);   /* Still locked: the number is free only now. */
        close(fd);
        cleaned++;
    }
    closedir(d);
    close(dfd);
    return cleaned;
}
