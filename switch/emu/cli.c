/*
 * emu_cli: the interactive CLI, Mininet's commands and their output
 * shapes, with libedit's line editing and history.  A command run in a
 * host ("h1 ping h2") or by "sh" gets the terminal as a shell's job does:
 * a process group of its own, the terminal's foreground one while it
 * runs, so Ctrl-C interrupts it and never the CLI, which prompts again;
 * Ctrl-Z sends it to the background.  "HOST CMD &" runs in a process group
 * of its own, listed by "jobs", stopped by "kill".
 */
#include <editline/readline.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "emu.h"
#include "mono.h"
#include "num_parse.h"

#define MAX_JOBS 32
/* 'source' files may source others, this deep. */
#define MAX_SOURCE_DEPTH 8
/* Mininet's iperf defaults: port 5001, 5 seconds. */
#define IPERF_PORT "5001"
#define IPERF_SECONDS "5"

static int command(struct emu_ctx *, char *line);

struct job {
    pid_t pid;
    char cmd[128];
};
static struct job jobs[MAX_JOBS];

static void
help(void)
{
    printf("commands (Mininet's):\n"
        "  nodes | net | intfs | ports | links | dump   the network\n"
        "  pingall [TIMEOUT] | pingallfull  ping between every pair of hosts\n"
        "  pingpair | pingpairfull [H H]    ping between two hosts (default the first two)\n"
        "  iperf [CLIENT SERVER]            TCP bandwidth with iperf3 (default first, last host)\n"
        "  iperfudp [BW CLIENT SERVER]      UDP at BW (default 10M) with iperf3\n"
        "  HOST CMD... [&]                  run CMD in HOST (host names become addresses)\n"
        "  sh CMD...                        run CMD in the root namespace\n"
        "  dpctl CMD [ARGS]                 sfctl CMD SWITCH ARGS on every switch\n"
        "  time CMD | noecho CMD | source FILE\n"
        "  xterm | gterm | x HOST...        (no display: prints the command to use instead)\n"
        "  jobs | kill N                    background commands\n"
        "  link A B up|down                 bring the link between A and B up or down\n"
        "  switch SWITCH start|stop         bring all the ports of SWITCH up or down\n"
        "  traffic [pairs|mix|flows FILE] [SECONDS]   traffic with exact accounting\n"
        "  report [json]                    sFlow's estimates beside the truth\n"
        "  sflow                            collector statistics\n"
        "  help | exit | quit\n"
        "Ctrl-C interrupts the command running, Ctrl-Z sends it to the background.\n");
}

/* Replaces words that name hosts by their addresses, as Mininet does. */
static void
expand(const struct emu_topo *t, char **argv, int argc, char *out, size_t len)
{
    size_t o = 0;

    out[0] = '\0';
    for (int i = 0; i < argc && o < len; i++) {
        int n = topo_find(t, argv[i]);
        char ip[16];
        const char *w = argv[i];

        if (n >= 0 && t->node[n].kind == EMU_HOST)
            w = topo_ipstr(t->node[n].ip, ip, sizeof(ip));
        o += (size_t)snprintf(out + o, len - o, "%s%s", i ? " " : "", w);
    }
}

static void
reap_jobs(void)
{
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i].pid > 0 && waitpid(jobs[i].pid, NULL, WNOHANG) == jobs[i].pid) {
            printf("[%d] done  %s\n", i + 1, jobs[i].cmd);
            jobs[i].pid = 0;
        }
}

/* The namespace of host 'node'. */
static char *
host_ns(const struct emu_ctx *c, int node, char *ns, size_t len)
{
    snprintf(ns, len, "%s-%s", c->run.prefix, c->topo.node[node].name);
    return ns;
}

/* A free slot of 'jobs', or -1 (and a message). */
static int
job_slot(void)
{
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i].pid == 0)
            return i;
    printf("too many jobs\n");
    return -1;
}

static void
job_add(int slot, pid_t pid, const char *label, const char *cmd)
{
    jobs[slot].pid = pid;
    snprintf(jobs[slot].cmd, sizeof(jobs[slot].cmd), "%s %.*s", label,
        (int)(sizeof(jobs[slot].cmd) - 2 - strlen(label)), cmd);
}

/*
 * Whether a foreground command can be given the terminal as a shell gives
 * a job: our input is a terminal whose foreground process group is ours.
 */
static bool
job_control(void)
{
    return isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
}

/*
 * Waits for foreground command 'pid'.  With job control ('jc') it is
 * the terminal's foreground process group meanwhile, so Ctrl-C, Ctrl-\
 * and Ctrl-Z reach it and not the CLI; stopped (Ctrl-Z), it goes on in
 * the background as a job.  The terminal comes back to the CLI after.
 */
static void
wait_foreground(pid_t pid, bool jc, const char *label, const char *cmd)
{
    int st = 0, slot;

    if (jc) {
        setpgid(pid, pid);      /* The child does it too: whoever runs first. */
        tcsetpgrp(STDIN_FILENO, pid);
    }
    while (waitpid(pid, &st, jc ? WUNTRACED : 0) < 0 && errno == EINTR)
        ;
    if (jc)
        tcsetpgrp(STDIN_FILENO, getpgrp());
    if (jc && WIFSTOPPED(st)) {
        printf("\n");
        if ((slot = job_slot()) < 0) {
            kill(-pid, SIGTERM);
            kill(-pid, SIGCONT);
            waitpid(pid, NULL, 0);
            return;
        }
        job_add(slot, pid, label, cmd);
        kill(-pid, SIGCONT);
        printf("[%d] %d stopped: goes on in the background (jobs, kill %d)\n", slot + 1,
            (int)pid, slot + 1);
    } else if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGQUIT)) {
        printf("\n");          /* The command's line was left open, as a shell sees it. */
    }
}

/*
 * Runs 'cmd' with /bin/sh in namespace 'ns' (NULL: the emulator's own):
 * in the foreground (wait_foreground()), or with 'bg' as a job named
 * 'label' in a process group of its own.  Without job control (input not
 * a terminal) a foreground command stays in our process group and the CLI
 * ignores SIGINT until it ends.
 */
static void
run_shell(const char *ns, const char *label, const char *cmd, bool bg)
{
    struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_ttou;
    bool jc = !bg && job_control();
    pid_t pid;
    int slot = -1;

    if (bg && (slot = job_slot()) < 0)
        return;
    fflush(stdout);
    /* A background process group that sets the terminal's gets SIGTTOU: the CLI taking it back. */
    sigaction(SIGTTOU, &ign, &old_ttou);
    if (!bg && !jc)
        sigaction(SIGINT, &ign, &old_int);
    if ((pid = fork()) < 0) {
        perror("fork");
    } else if (pid == 0) {
        if (bg || jc)
            setpgid(0, 0);
        if (jc)
            tcsetpgrp(STDIN_FILENO, getpid());
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGTTOU, SIG_DFL);
        if (ns != NULL && netns_enter(ns) != 0) {
            fprintf(stderr, "%s: %s\n", ns, strerror(errno));
            _exit(EMU_EXIT_EXEC);
        }
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(EMU_EXIT_EXEC);
    } else if (bg) {
        job_add(slot, pid, label, cmd);
        printf("[%d] %d\n", slot + 1, (int)pid);
    } else {
        wait_foreground(pid, jc, label, cmd);
    }
    if (!bg && !jc)
        sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTTOU, &old_ttou, NULL);
    if (!bg && emu_stop == SIGINT)
        emu_stop = 0;           /* A Ctrl-C meant for the command is not for us. */
}

static void
host_cmd(struct emu_ctx *c, int node, char **argv, int argc)
{
    char cmd[1024], ns[64];
    bool bg = argc > 0 && strcmp(argv[argc - 1], "&") == 0;

    if (bg)
        argc--;
    if (argc == 0) {
        printf("*** Please enter a command for node: %s <cmd>\n", c->topo.node[node].name);
        return;
    }
    expand(&c->topo, argv, argc, cmd, sizeof(cmd));
    run_shell(host_ns(c, node, ns, sizeof(ns)), c->topo.node[node].name, cmd, bg);
}

/* Joins argv[0..argc-1] with spaces into 'out'. */
static char *
join(char **argv, int argc, char *out, size_t len)
{
    size_t o = 0;

    out[0] = '\0';
    for (int i = 0; i < argc && o < len; i++)
        o += (size_t)snprintf(out + o, len - o, "%s%s", i ? " " : "", argv[i]);
    return out;
}

/* Node index of host 'name', or -1 with Mininet's message. */
static int
host_arg(const struct emu_ctx *c, const char *name)
{
    int n = topo_find(&c->topo, name);

    if (n < 0 || c->topo.node[n].kind != EMU_HOST) {
        printf(n < 0 ? "node '%s' not in network\n" : "%s is a switch, not a host\n", name);
        return -1;
    }
    return n;
}

/* Starts argv in namespace 'ns' with its stdout and stderr on '*out' (a pipe); its pid or -1. */
static pid_t
spawn_in(const char *ns, char *const argv[], int *out)
{
    int p[2];
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    fflush(NULL);
    if ((pid = fork()) < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        dup2(p[1], STDOUT_FILENO);
        dup2(p[1], STDERR_FILENO);
        if (netns_enter(ns) != 0) {
            fprintf(stderr, "%s: %s\n", ns, strerror(errno));
            _exit(EMU_EXIT_EXEC);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
        _exit(EMU_EXIT_EXEC);
    }
    close(p[1]);
    *out = p[0];
    return pid;
}

/*
 * Appends what 'fd' says to 'buf' (NUL-terminated, 'len' bytes) until
 * 'needle' appears in it (NULL: until end of file) or 'secs' pass.
 * Returns 0 when found (or at end of file), else -1.
 */
static int
read_until(int fd, char *buf, size_t len, const char *needle, double secs)
{
    double end = mono_s() + secs;
    size_t have = strlen(buf);

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        double now = mono_s();
        ssize_t n;

        if (needle != NULL && strstr(buf, needle) != NULL)
            return 0;
        if (now >= end || poll(&pfd, 1, (int)((end - now) * 1000) + 1) < 0)
            return -1;
        if (have + 1 >= len)
            return -1;
        if (pfd.revents == 0)
            continue;
        if ((n = read(fd, buf + have, len - 1 - have)) <= 0)
            return needle == NULL ? 0 : -1;
        have += (size_t)n;
        buf[have] = '\0';
    }
}

/* The rate ("9.41 Gbits/sec") on the line of 'out' that ends with 'role' into 'rate'. */
static void
iperf_rate(const char *out, const char *role, char *rate, size_t len)
{
    const char *line = out;

    rate[0] = '\0';
    while (line != NULL && *line != '\0') {
        const char *eol = strchr(line, '\n'), *unit = strstr(line, "/sec");
        const char *r = strstr(line, role);

        if (eol == NULL)
            eol = line + strlen(line);
        if (r != NULL && r < eol && unit != NULL && unit < eol) {
            const char *num = unit;

            /* Back over the unit ("Gbits") and the space to the number before it. */
            while (num > line && num[-1] != ' ')
                num--;
            if (num > line)
                num--;
            while (num > line && (num[-1] == '.' || (num[-1] >= '0' && num[-1] <= '9')))
                num--;
            snprintf(rate, len, "%.*s", (int)(unit + 4 - num), num);
        }
        line = *eol ? eol + 1 : NULL;
    }
}

/*
 * Mininet's iperf: iperf3's server in 'server', its client in 'client',
 * IPERF_SECONDS of TCP (or UDP at 'udp_bw'); prints the rates the server
 * and the client saw in Mininet's "*** Results: [...]" line.
 */
static void
iperf(struct emu_ctx *c, int client, int server, const char *udp_bw)
{
    char sns[64], cns[64], ip[16], sout[4096] = "", cout[8192] = "", srate[48], crate[48];
    /* --forceflush: iperf3 buffers what it writes to a pipe, "listening" too. */
    char *sargv[] = { "iperf3", "-s", "-1", "--forceflush", "-p", IPERF_PORT, NULL };
    /* TCP: the list ends where UDP's options would start. */
    char *cargv[] = { "iperf3", "-c", ip, "-p", IPERF_PORT, "-t", IPERF_SECONDS,
        udp_bw ? "-u" : NULL, "-b", (char *)udp_bw, NULL };
    pid_t sp, cp = -1;
    int sfd = -1, cfd = -1;

    printf("*** Iperf: testing %s bandwidth between %s and %s \n", udp_bw ? "UDP" : "TCP",
        c->topo.node[client].name, c->topo.node[server].name);
    fflush(stdout);
    topo_ipstr(c->topo.node[server].ip, ip, sizeof(ip));
    if ((sp = spawn_in(host_ns(c, server, sns, sizeof(sns)), sargv, &sfd)) < 0) {
        printf("*** iperf: %s\n", strerror(errno));
        return;
    }
    if (read_until(sfd, sout, sizeof(sout), "listening", 5) != 0)
        printf("*** iperf3 server in %s did not start: %s\n", c->topo.node[server].name, sout);
    else if ((cp = spawn_in(host_ns(c, client, cns, sizeof(cns)), cargv, &cfd)) < 0)
        printf("*** iperf: %s\n", strerror(errno));
    else {
        read_until(cfd, cout, sizeof(cout), NULL, atoi(IPERF_SECONDS) + 10);
        iperf_rate(cout, "receiver", srate, sizeof(srate));
        iperf_rate(cout, "sender", crate, sizeof(crate));
        if (emu_stop)
            printf("*** Iperf: interrupted\n");
        else if (srate[0] == '\0' || crate[0] == '\0')
            printf("could not parse iperf output: %s\n", cout);
        else if (udp_bw)
            printf("*** Results: ['%s', '%s', '%s']\n", udp_bw, srate, crate);
        else
            printf("*** Results: ['%s', '%s']\n", srate, crate);
    }
    for (int k = 0; k < 2; k++) {
        pid_t pid = k ? cp : sp;
        int fd = k ? cfd : sfd;

        if (fd >= 0)
            close(fd);
        if (pid > 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
    }
}

/* "iperf [CLIENT SERVER]" and "iperfudp [BW CLIENT SERVER]", as Mininet counts them. */
static void
iperf_cmd(struct emu_ctx *c, char **argv, int argc)
{
    bool udp = strcmp(argv[0], "iperfudp") == 0;
    const char *bw = udp ? (argc > 1 ? argv[1] : "10M") : NULL;
    int first = udp ? 2 : 1, a, b;

    if (argc == 1) {
        a = topo_host(&c->topo, 0);
        b = topo_host(&c->topo, c->topo.nhosts - 1);
    } else if (argc == first + 2) {
        a = host_arg(c, argv[first]);
        b = host_arg(c, argv[first + 1]);
        if (a < 0 || b < 0)
            return;
    } else {
        printf(udp ? "invalid number of args: iperfudp bw src dst\nbw examples: 10M\n" :
            "invalid number of args: iperf src dst\n");
        return;
    }
    iperf(c, a, b, bw);
}

/*
 * Mininet's pingall [TIMEOUT], pingallfull, pingpair and pingpairfull;
 * pingpair and pingpairfull also take two hosts, and pingallfull passes
 * over its arguments as Mininet's does (docs/compat.md).
 */
static void
ping_cmd(struct emu_ctx *c, char **argv, int argc)
{
    bool pair = strncmp(argv[0], "pingpair", 8) == 0;
    bool full = strcmp(argv[0] + strlen(argv[0]) - 4, "full") == 0;
    int *hosts = malloc((size_t)c->topo.nhosts * sizeof(*hosts) + 1), n = 0, lost;
    double wait_s = 0;
    bool bad_args;

    if (hosts == NULL)
        return;
    if (pair)
        bad_args = argc != 1 && argc != 3;
    else if (full)
        bad_args = false;       /* Mininet's pingallfull passes over them. */
    else
        bad_args = argc > 2 || (argc == 2 && num_parse_double(argv[1], 0.001, 3600, &wait_s) != 0);
    if (bad_args) {
        printf("usage: %s %s\n", argv[0], pair ? "[HOST HOST]" : "[TIMEOUT]");
        goto out;
    }
    if (pair && argc == 3) {
        if ((hosts[0] = host_arg(c, argv[1])) >= 0 && (hosts[1] = host_arg(c, argv[2])) >= 0)
            n = 2;
        else
            goto out;
    } else {
        for (int i = 0; i < c->topo.nhosts && (!pair || n < 2); i++)
            hosts[n++] = topo_host(&c->topo, i);
    }
    ping_print(&c->topo, c->run.prefix, hosts, n, full, wait_s, &lost, stdout);
out:
    free(hosts);
}

/*
 * Mininet's dpctl: an ovs-ofctl-like command on every switch, as sfctl
 * takes it (dump-flows, add-flow, del-flows, dump-ports, fdb-show), the
 * switch's name as its first argument.
 */
static void
dpctl(struct emu_ctx *c, char **argv, int argc)
{
    static char out[8192];
    char *av[66];
    int n = 0;

    if (argc < 2) {
        printf("usage: dpctl command [arg1] [arg2] ...\n");
        return;
    }
    if (c->sw != EMU_SW_USER) {
        printf("*** dpctl: needs --switch user (Linux bridges have no flow table)\n");
        return;
    }
    av[n++] = argv[1];
    av[n++] = NULL;             /* The switch's name, below. */
    for (int i = 2; i < argc; i++)
        av[n++] = argv[i];
    av[n] = NULL;
    for (int i = 0; i < c->topo.nnodes; i++) {
        if (c->topo.node[i].kind != EMU_SWITCH)
            continue;
        av[1] = c->topo.node[i].name;
        printf("*** %s %.72s\n", av[1], "------------------------------------"
            "------------------------------------");
        if (ctl_cmdv(c->sw_sock, out, sizeof(out), av) < 0)
            printf("sflow-switch did not answer\n");
        else
            fputs(out, stdout);
    }
}

/* xterm, gterm, x: there is no display; say what to run instead. */
static void
term_cmd(struct emu_ctx *c, char **argv, int argc)
{
    char ns[64];

    if (argc < 2) {
        printf("usage: %s node1 node2 ...\n", argv[0]);
        return;
    }
    for (int i = 1; i < argc; i++) {
        int n = topo_find(&c->topo, argv[i]);

        if (n < 0)
            printf("node '%s' not in network\n", argv[i]);
        else if (c->topo.node[n].kind == EMU_SWITCH)
            printf("*** %s: no display; %s is in the root namespace: any shell there is one\n",
                argv[0], argv[i]);
        else
            printf("*** %s: no display; for a shell in %s run, in another terminal:\n"
                "ip netns exec %s ${SHELL:-sh}\n", argv[0], argv[i],
                host_ns(c, n, ns, sizeof(ns)));
    }
}

/* Runs the command lines of file 'path'. Returns 1 if one was "exit". */
static int
source(struct emu_ctx *c, const char *path)
{
    static int depth;
    char line[4096];
    FILE *f;
    int done = 0;

    if (depth >= MAX_SOURCE_DEPTH || (f = fopen(path, "r")) == NULL) {
        printf("error reading file %s\n", path);
        return 0;
    }
    depth++;
    while (!done && !emu_stop && fgets(line, sizeof(line), f) != NULL)
        done = command(c, line);
    depth--;
    fclose(f);
    return done;
}

/* "noecho CMD": CMD with the terminal's echo off (a password prompt, say). */
static int
noecho(struct emu_ctx *c, char *line)
{
    struct termios old, quiet;
    bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
    int done;

    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    done = command(c, line);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
    return done;
}

static int
find_link(const struct emu_topo *t, int a, int b)
{
    for (int i = 0; i < t->nlinks; i++)
        if ((t->link[i].a == a && t->link[i].b == b) || (t->link[i].a == b && t->link[i].b == a))
            return i;
    return -1;
}

/*
 * "link A B up|down": a link deleted from outside is made again by "up"
 * (Mininet's link up would fail on it); else its ends go up or down.
 */
static int
link_up_or_down(struct emu_ctx *c, int li, bool up)
{
    const struct emu_link *l = &c->topo.link[li];
    int e;

    if (up && (e = link_status(&c->topo, c->run.prefix)) == 0 &&
        (l->a_state == END_MISSING || l->b_state == END_MISSING)) {
        if ((e = link_recreate(&c->topo, li, c->run.prefix, c->run.group,
            c->sw == EMU_SW_BRIDGE)) == 0)
            printf("*** %s-eth%d<->%s-eth%d was deleted: made again\n",
                c->topo.node[l->a].name, l->a_port, c->topo.node[l->b].name, l->b_port);
        return e;
    }
    return link_set_state(&c->topo, li, up);
}

/* Runs one command line; returns 1 on "exit". */
static int
command(struct emu_ctx *c, char *line)
{
    char *argv[64], *save = NULL, *p, rest[4096];
    int argc = 0, n;

    /* What follows the first word, as typed: sh, time and noecho take it whole. */
    p = line + strspn(line, " \t\n");
    p += strcspn(p, " \t\n");
    snprintf(rest, sizeof(rest), "%s", p + strspn(p, " \t"));
    rest[strcspn(rest, "\n")] = '\0';
    for (p = strtok_r(line, " \t\n", &save); p != NULL && argc < 63;
         p = strtok_r(NULL, " \t\n", &save))
        argv[argc++] = p;
    argv[argc] = NULL;
    if (argc == 0 || argv[0][0] == '#')
        return 0;
    if (strcmp(argv[0], "exit") == 0 || strcmp(argv[0], "quit") == 0)
        return 1;
    if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "?") == 0)
        help();
    else if (strcmp(argv[0], "nodes") == 0)
        topo_print_nodes(&c->topo, stdout);
    else if (strcmp(argv[0], "net") == 0)
        topo_print_net(&c->topo, stdout);
    else if (strcmp(argv[0], "intfs") == 0)
        topo_print_intfs(&c->topo, stdout);
    else if (strcmp(argv[0], "ports") == 0)
        topo_print_ports(&c->topo, stdout);
    else if (strcmp(argv[0], "links") == 0) {
        int e = link_status(&c->topo, c->run.prefix);

        if (e != 0)
            printf("links: %s\n", strerror(e));
        else
            topo_print_links(&c->topo, stdout);
    } else if (strcmp(argv[0], "dump") == 0)
        topo_print_dump(&c->topo, c->run.prefix, stdout);
    else if (strcmp(argv[0], "pingall") == 0 || strcmp(argv[0], "pingallfull") == 0 ||
        strcmp(argv[0], "pingpair") == 0 || strcmp(argv[0], "pingpairfull") == 0)
        ping_cmd(c, argv, argc);
    else if (strcmp(argv[0], "iperf") == 0 || strcmp(argv[0], "iperfudp") == 0)
        iperf_cmd(c, argv, argc);
    else if (strcmp(argv[0], "dpctl") == 0)
        dpctl(c, argv, argc);
    else if (strcmp(argv[0], "sh") == 0) {
        if (rest[0] != '\0')
            run_shell(NULL, "sh", rest, false);
    } else if (strcmp(argv[0], "time") == 0) {
        double t0 = mono_s();
        int done = command(c, rest);

        printf("*** Elapsed time: %0.6f secs\n", mono_s() - t0);
        fflush(stdout);
        return done;
    } else if (strcmp(argv[0], "noecho") == 0)
        return noecho(c, rest);
    else if (strcmp(argv[0], "source") == 0) {
        if (argc != 2) {
            printf("usage: source <file>\n");
            return 0;
        }
        return source(c, argv[1]);
    } else if (strcmp(argv[0], "xterm") == 0 || strcmp(argv[0], "gterm") == 0 ||
        strcmp(argv[0], "x") == 0)
        term_cmd(c, argv, argc);
    else if (strcmp(argv[0], "jobs") == 0) {
        reap_jobs();
        for (int i = 0; i < MAX_JOBS; i++)
            if (jobs[i].pid > 0)
                printf("[%d] %d running  %s\n", i + 1, (int)jobs[i].pid, jobs[i].cmd);
    } else if (strcmp(argv[0], "kill") == 0) {
        long job = 0;
        int k;

        /* atoi() took "1x" for job 1 and killed it. */
        k = argc == 2 && num_parse_long(argv[1], 1, MAX_JOBS, &job) == 0 ? (int)job - 1 : -1;
        if (k < 0 || jobs[k].pid <= 0)
            printf("usage: kill N (see jobs)\n");
        else {
            kill(-jobs[k].pid, SIGTERM);
            waitpid(jobs[k].pid, NULL, 0);
            printf("[%d] killed  %s\n", k + 1, jobs[k].cmd);
            jobs[k].pid = 0;
        }
    } else if (strcmp(argv[0], "link") == 0) {
        int a = argc == 4 ? topo_find(&c->topo, argv[1]) : -1;
        int b = argc == 4 ? topo_find(&c->topo, argv[2]) : -1;
        int li = a >= 0 && b >= 0 ? find_link(&c->topo, a, b) : -1;
        int e;

        if (argc != 4)
            printf("invalid number of args: link end1 end2 [up down]\n");
        else if (strcmp(argv[3], "up") != 0 && strcmp(argv[3], "down") != 0)
            printf("invalid type: link end1 end2 [up down]\n");
        else if (li < 0)
            printf("*** Error: no link between %s and %s\n", argv[1], argv[2]);
        else if ((e = link_up_or_down(c, li, strcmp(argv[3], "up") == 0)) != 0)
            printf("link: %s\n", strerror(e));
        else if (strcmp(argv[3], "up") == 0 && link_wait_up(&c->topo, 5000) != 0)
            printf("link: not up after 5 s\n");
    } else if (strcmp(argv[0], "switch") == 0) {
        int sw = argc == 3 ? topo_find(&c->topo, argv[1]) : -1, e;

        if (argc != 3)
            printf("invalid number of args: switch <switch name>{start, stop}\n");
        else if (sw < 0 || c->topo.node[sw].kind != EMU_SWITCH)
            printf("invalid switch: %s\n", argv[1]);
        else if (strcmp(argv[2], "start") != 0 && strcmp(argv[2], "stop") != 0)
            printf("invalid command: switch <switch name> {start, stop}\n");
        else if ((e = link_set_switch(&c->topo, sw, strcmp(argv[2], "start") == 0)) != 0)
            printf("switch: %s\n", strerror(e));
        else if (strcmp(argv[2], "start") == 0 && link_wait_up(&c->topo, 5000) != 0)
            printf("switch: its links are not all up after 5 s\n");
    } else if (strcmp(argv[0], "traffic") == 0) {
        const char *kind = argc > 1 ? argv[1] : c->traffic_kind;
        const char *file = NULL;
        int ai = 2;
        double d = c->duration;

        if (strcmp(kind, "flows") == 0) {
            file = argc > 2 ? argv[2] : NULL;
            ai = 3;
            if (file == NULL) {
                printf("usage: traffic flows FILE [SECONDS]\n");
                return 0;
            }
        }
        /* As --duration: atof() ran "nan" as a duration and "5x" as 5. */
        if (argc > ai + 1 || (argc > ai && num_parse_double(argv[ai], 0.001, 86400, &d) != 0)) {
            printf("usage: traffic [pairs|mix|flows FILE] [SECONDS]\n");
            return 0;
        }
        if (session_traffic(c, kind, file, d) == 0)
            session_report(c, false, stdout);
    } else if (strcmp(argv[0], "report") == 0)
        session_report(c, argc > 1 && strcmp(argv[1], "json") == 0, stdout);
    else if (strcmp(argv[0], "sflow") == 0)
        session_sflow_stats(c, stdout);
    else if ((n = topo_find(&c->topo, argv[0])) >= 0 && c->topo.node[n].kind == EMU_HOST)
        host_cmd(c, n, argv + 1, argc - 1);
    else if (n >= 0)
        printf("%s is a switch: its ports are %s%s-eth1..%d in the root namespace"
            " (sh CMD runs CMD there)\n", argv[0], c->run.prefix, argv[0],
            c->topo.node[n].nports);
    else
        printf("*** Unknown command: %s\n", join(argv, argc, rest, sizeof(rest)));
    fflush(stdout);
    return 0;
}

/* Runs command 'line' as typed at the prompt (--test iperf); returns 0. */
int
cli_command(struct emu_ctx *c, const char *line)
{
    char buf[4096];

    snprintf(buf, sizeof(buf), "%s", line);
    command(c, buf);
    fflush(stdout);
    return 0;
}

/*
 * libedit's read of a key at the prompt.  A Ctrl-C must end the line
 * wherever libedit is when it comes (an interrupted read() alone missed one
 * that came just before): the signals are blocked while emu_stop is
 * looked at and let in only inside ppoll().  Returns the key, or EOF on a
 * signal or at the end of input (readline() then returns NULL).
 */
static int
prompt_getc(FILE *in)
{
    struct pollfd pfd = { .fd = fileno(in), .events = POLLIN };
    sigset_t block, old;
    unsigned char ch;
    int stop;

    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    while (!emu_stop && ppoll(&pfd, 1, NULL, &old) < 0 && errno == EINTR)
        ;
    stop = emu_stop;
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (stop || read(pfd.fd, &ch, 1) != 1)
        return EOF;
    return ch;
}

/* Reads commands until "exit", end of input, or SIGTERM/SIGHUP; returns 0. */
int
cli_run(struct emu_ctx *c)
{
    char *line;
    bool tty = isatty(STDIN_FILENO);

    if (tty) {
        rl_getc_function = prompt_getc;
        /* Ctrl-\ at the prompt would leave the network behind (as a shell ignores it). */
        signal(SIGQUIT, SIG_IGN);
        using_history();
        printf("*** Starting CLI (help for commands, exit or Ctrl-D to stop):\n");
    }
    for (;;) {
        int done;

        if (emu_stop != 0 && emu_stop != SIGINT)
            break;
        emu_stop = 0;
        if (tty)
            line = readline("sflow-emu> ");
        else {
            static char buf[4096];

            line = fgets(buf, sizeof(buf), stdin) ? strdup(buf) : NULL;
        }
        if (line == NULL) {
            if (emu_stop == SIGINT && tty) {
                /* Ctrl-C at the prompt: a new prompt, as in a shell; SIGTERM and SIGHUP end the CLI. */
                printf("\n");
                continue;
            }
            break;
        }
        if (tty && line[0] != '\0')
            add_history(line);
        done = command(c, line);
        free(line);
        reap_jobs();
        if (done)
            break;
    }
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i].pid > 0) {
            kill(-jobs[i].pid, SIGTERM);
            waitpid(jobs[i].pid, NULL, 0);
            jobs[i].pid = 0;
        }
    if (tty)
        printf("\n");
    emu_stop = 0;
    return 0;
}
