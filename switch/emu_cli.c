/*
 * emu_cli: the interactive CLI, Mininet's commands with libedit's line
 * editing and history.  A command run in a host ("h1 ping -c1 h2") gets
 * the terminal: it stays in the emulator's process group, so Ctrl-C
 * reaches it, while the emulator ignores SIGINT until it ends.  "HOST CMD &"
 * runs in a process group of its own, listed by "jobs", stopped by "kill".
 */
#include <editline/readline.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu.h"

#define MAX_JOBS 32

struct job {
    pid_t pid;
    char cmd[128];
};
static struct job jobs[MAX_JOBS];

static void
help(void)
{
    printf("commands:\n"
        "  nodes | net | links | dump      the network\n"
        "  pingall                         ping between every pair of hosts\n"
        "  pingpair [HOST HOST]            ping between two hosts (default the first two)\n"
        "  HOST CMD... [&]                 run CMD in HOST (host names become addresses)\n"
        "  jobs | kill N                   background commands\n"
        "  link A B up|down                bring the link between A and B up or down\n"
        "  traffic [pairs|mix|flows FILE] [SECONDS]   traffic with exact accounting\n"
        "  report [json]                   sFlow's estimates beside the truth\n"
        "  sflow                           collector statistics\n"
        "  help | exit\n");
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

static void
host_cmd(struct emu_ctx *c, int node, char **argv, int argc)
{
    char cmd[1024], ns[64];
    bool bg = argc > 0 && strcmp(argv[argc - 1], "&") == 0;
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    pid_t pid;
    int slot = -1;

    if (bg)
        argc--;
    if (argc == 0) {
        printf("usage: %s CMD...\n", c->topo.node[node].name);
        return;
    }
    if (bg) {
        for (int i = 0; i < MAX_JOBS && slot < 0; i++)
            if (jobs[i].pid == 0)
                slot = i;
        if (slot < 0) {
            printf("too many jobs\n");
            return;
        }
    }
    expand(&c->topo, argv, argc, cmd, sizeof(cmd));
    snprintf(ns, sizeof(ns), "%s-%s", c->run.prefix, c->topo.node[node].name);
    fflush(stdout);
    if (!bg)
        sigaction(SIGINT, &ign, &old);
    if ((pid = fork()) < 0) {
        perror("fork");
        if (!bg)
            sigaction(SIGINT, &old, NULL);
        return;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        if (bg)
            setpgid(0, 0);
        if (netns_enter(ns) != 0) {
            fprintf(stderr, "%s: %s\n", ns, strerror(errno));
            _exit(127);
        }
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    if (bg) {
        jobs[slot].pid = pid;
        {
            size_t o = (size_t)snprintf(jobs[slot].cmd, sizeof(jobs[slot].cmd), "%s ",
                c->topo.node[node].name), n = strlen(cmd);

            if (n > sizeof(jobs[slot].cmd) - 1 - o)
                n = sizeof(jobs[slot].cmd) - 1 - o;
            memcpy(jobs[slot].cmd + o, cmd, n);
            jobs[slot].cmd[o + n] = '\0';
        }
        printf("[%d] %d\n", slot + 1, (int)pid);
        return;
    }
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    sigaction(SIGINT, &old, NULL);
    emu_stop = 0;               /* A Ctrl-C meant for the command is not for us. */
}

static int
find_link(const struct emu_topo *t, int a, int b)
{
    for (int i = 0; i < t->nlinks; i++)
        if ((t->link[i].a == a && t->link[i].b == b) || (t->link[i].a == b && t->link[i].b == a))
            return i;
    return -1;
}

static void
pingpair(struct emu_ctx *c, char **argv, int argc)
{
    struct emu_traffic tr = { 0 };
    int a = argc > 2 ? topo_find(&c->topo, argv[1]) : topo_host(&c->topo, 0);
    int b = argc > 2 ? topo_find(&c->topo, argv[2]) : topo_host(&c->topo, 1);
    char err[256];

    if (a < 0 || b < 0 || a == b || c->topo.node[a].kind != EMU_HOST ||
        c->topo.node[b].kind != EMU_HOST) {
        printf("usage: pingpair [HOST HOST]\n");
        return;
    }
    traffic_pings(&tr, &c->topo, a, b, 1);
    traffic_pings(&tr, &c->topo, b, a, 1);
    if (traffic_run(&tr, &c->topo, c->run.prefix, false, err, sizeof(err)) != 0) {
        printf("%s\n", err);
    } else {
        int got = (tr.flow[0].rcvd_pkts > 0) + (tr.flow[2].rcvd_pkts > 0);

        printf("%s -> %s\n%s -> %s\n", c->topo.node[a].name,
            tr.flow[0].rcvd_pkts ? c->topo.node[b].name : "X", c->topo.node[b].name,
            tr.flow[2].rcvd_pkts ? c->topo.node[a].name : "X");
        printf("*** Results: %d%% dropped (%d/2 received)\n", (2 - got) * 50, got);
    }
    traffic_free(&tr);
}

/* Runs one command line; returns 1 on "exit". */
static int
command(struct emu_ctx *c, char *line)
{
    char *argv[64], *save = NULL, *p;
    int argc = 0, n, sent, lost;

    for (p = strtok_r(line, " \t\n", &save); p != NULL && argc < 63;
         p = strtok_r(NULL, " \t\n", &save))
        argv[argc++] = p;
    argv[argc] = NULL;
    if (argc == 0)
        return 0;
    if (strcmp(argv[0], "exit") == 0 || strcmp(argv[0], "quit") == 0)
        return 1;
    if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "?") == 0)
        help();
    else if (strcmp(argv[0], "nodes") == 0)
        topo_print_nodes(&c->topo, stdout);
    else if (strcmp(argv[0], "net") == 0)
        topo_print_net(&c->topo, stdout);
    else if (strcmp(argv[0], "links") == 0)
        topo_print_links(&c->topo, stdout);
    else if (strcmp(argv[0], "dump") == 0)
        topo_print_dump(&c->topo, c->run.prefix, stdout);
    else if (strcmp(argv[0], "pingall") == 0)
        traffic_pingall(&c->topo, c->run.prefix, &sent, &lost, stdout);
    else if (strcmp(argv[0], "pingpair") == 0)
        pingpair(c, argv, argc);
    else if (strcmp(argv[0], "jobs") == 0) {
        reap_jobs();
        for (int i = 0; i < MAX_JOBS; i++)
            if (jobs[i].pid > 0)
                printf("[%d] %d running  %s\n", i + 1, (int)jobs[i].pid, jobs[i].cmd);
    } else if (strcmp(argv[0], "kill") == 0) {
        int k = argc > 1 ? atoi(argv[1]) - 1 : -1;

        if (k < 0 || k >= MAX_JOBS || jobs[k].pid <= 0)
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

        if (li < 0 || (strcmp(argv[3], "up") != 0 && strcmp(argv[3], "down") != 0))
            printf("usage: link A B up|down (A and B linked)\n");
        else if ((e = link_set_state(&c->topo, li, strcmp(argv[3], "up") == 0)) != 0)
            printf("link: %s\n", strerror(e));
        else if (strcmp(argv[3], "up") == 0 && link_wait_up(&c->topo, 5000) != 0)
            printf("link: not up after 5 s\n");
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
        if (argc > ai)
            d = atof(argv[ai]);
        if (d <= 0) {
            printf("usage: traffic [pairs|mix|flows FILE] [SECONDS]\n");
            return 0;
        }
        if (emu_traffic_cmd(c, kind, file, d) == 0)
            emu_report(c, false, stdout);
    } else if (strcmp(argv[0], "report") == 0)
        emu_report(c, argc > 1 && strcmp(argv[1], "json") == 0, stdout);
    else if (strcmp(argv[0], "sflow") == 0)
        emu_sflow_stats(c, stdout);
    else if ((n = topo_find(&c->topo, argv[0])) >= 0 && c->topo.node[n].kind == EMU_HOST)
        host_cmd(c, n, argv + 1, argc - 1);
    else if (n >= 0)
        printf("%s is a switch: its ports are %s%s-eth1..%d in the root namespace\n",
            argv[0], c->run.prefix, argv[0], c->topo.node[n].nports);
    else
        printf("*** Unknown command: %s (try help)\n", argv[0]);
    fflush(stdout);
    return 0;
}

/* Reads commands until "exit", end of input, or SIGTERM/SIGHUP; returns 0. */
int
cli_run(struct emu_ctx *c)
{
    char *line;
    bool tty = isatty(STDIN_FILENO);

    if (tty) {
        using_history();
        printf("*** Starting CLI (help for commands, exit or Ctrl-D to stop):\n");
    }
    for (;;) {
        int done;

        emu_stop = 0;
        if (tty)
            line = readline("sflow-emu> ");
        else {
            static char buf[4096];

            line = fgets(buf, sizeof(buf), stdin) ? strdup(buf) : NULL;
        }
        if (line == NULL) {
            if (emu_stop && tty) {
                /* Ctrl-C at the prompt: a new prompt, as in a shell. */
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
