/*
 * session: what a user does with a built network, from the CLI or from
 * --test: run traffic with its truth, report sFlow's estimates against
 * it, show the collector's statistics.  main.c builds the network and
 * hands the run here; cli.c calls these for its commands.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu.h"
#include "log.h"

static void
wait_samples_settled(struct emu_ctx *c)
{
    struct stat st;
    off_t last = -1;

    /* The agent holds a sample up to 0.5 s, the collector flushes once a second. */
    usleep(1200000);
    for (int i = 0; i < 30; i++) {
        if (stat(c->datagrams_path, &st) != 0 || st.st_size == last)
            break;
        last = st.st_size;
        usleep(1100000);
    }
}

int
session_traffic(struct emu_ctx *c, const char *kind, const char *file, double duration)
{
    struct emu_traffic tr = { 0 };
    char err[256];
    uint64_t *p0, *b0;
    int e;

    err[0] = '\0';
    if (file != NULL)
        e = traffic_load(&tr, &c->topo, file, duration, err, sizeof(err));
    else if (strcmp(kind, "pairs") == 0)
        e = traffic_pairs(&tr, &c->topo, duration, c->rate, c->size, c->seed);
    else if (strcmp(kind, "mix") == 0)
        e = traffic_mix(&tr, &c->topo, duration, c->rate, c->seed);
    else {
        snprintf(err, sizeof(err), "traffic %s: pairs, mix or --flows FILE", kind);
        e = EINVAL;
    }
    if (e != 0) {
        if (err[0] == '\0')
            snprintf(err, sizeof(err), "traffic %s: %s", kind,
                e == EINVAL ? "needs at least two hosts" : strerror(e));
        log_warnx("%s", err);
        traffic_free(&tr);
        return e;
    }
    p0 = calloc((size_t)c->topo.nnodes, sizeof(*p0));
    b0 = calloc((size_t)c->topo.nnodes, sizeof(*b0));
    free(c->if_pkts);
    free(c->if_bytes);
    c->if_pkts = calloc((size_t)c->topo.nnodes, sizeof(*p0));
    c->if_bytes = calloc((size_t)c->topo.nnodes, sizeof(*b0));
    if (p0 == NULL || b0 == NULL || c->if_pkts == NULL || c->if_bytes == NULL) {
        free(p0);
        free(b0);
        traffic_free(&tr);
        return ENOMEM;
    }
    printf("*** traffic: %d flows for %.1f s\n", tr.nflows, duration);
    fflush(stdout);
    /* The report counts the datagrams received from now on: this traffic's. */
    gettimeofday(&c->traffic_start, NULL);
    link_rx_stats(&c->topo, p0, b0);
    e = traffic_run(&tr, &c->topo, c->run.prefix, true, err, sizeof(err));
    link_rx_stats(&c->topo, c->if_pkts, c->if_bytes);
    for (int i = 0; i < c->topo.nnodes; i++) {
        c->if_pkts[i] -= p0[i];
        c->if_bytes[i] -= b0[i];
    }
    free(p0);
    free(b0);
    if (e != 0) {
        log_warnx("%s", err);
        traffic_free(&tr);
        return e;
    }
    traffic_free(&c->traffic);
    c->traffic = tr;
    c->have_traffic = true;
    if (c->collector > 0)
        wait_samples_settled(c);
    return 0;
}

int
session_report(struct emu_ctx *c, bool json, FILE *out)
{
    struct emu_report_opts o = {
        .datagrams_path = c->datagrams_path, .since = c->traffic_start, .sampling = c->sampling,
        .top = c->top, .json = json, .out = out, .if_pkts = c->if_pkts, .if_bytes = c->if_bytes,
    };
    char err[256];
    int e;

    if (!c->have_traffic) {
        fprintf(out, "no traffic yet: run 'traffic' first\n");
        return -1;
    }
    if (c->collector <= 0) {
        if (!json)              /* The JSON is all that goes to a --json file. */
            fprintf(out, "sFlow is off (--no-sflow): truth only\n");
        o.datagrams_path = NULL;
    }
    if ((e = report_print(&c->topo, &c->traffic, &o, err, sizeof(err))) != 0)
        log_warnx("report: %s", err);
    return e;
}

void
session_sflow_stats(struct emu_ctx *c, FILE *out)
{
    char path[160], line[512];
    FILE *f;

    if (c->collector <= 0) {
        fprintf(out, "sFlow is off\n");
        return;
    }
    fprintf(out, "collector: sflowcollect on 127.0.0.1:%d (pid %d), agent sampling 1 in %d,"
        " polling %d s\n", c->collector_port, (int)c->collector, c->sampling, c->polling);
    kill(c->collector, SIGUSR1);
    usleep(300000);
    snprintf(path, sizeof(path), "%s/collector.log", c->run.dir);
    if ((f = fopen(path, "r")) == NULL)
        return;
    /* The last statistics block the collector wrote. */
    {
        long start = 0, pos;

        while ((pos = ftell(f)), fgets(line, sizeof(line), f) != NULL)
            if (line[0] != ' ')
                start = pos;
        fseek(f, start, SEEK_SET);
        while (fgets(line, sizeof(line), f) != NULL)
            fputs(line, out);
    }
    fclose(f);
}
