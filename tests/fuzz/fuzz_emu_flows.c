/*
 * libFuzzer entry point: sflow-emu's flows file (--flows FILE), read by
 * traffic_read() (switch/emu/traffic.c) against the topology tree,2,2
 * (hosts h1-h4, switches s1-s3).  Every flow it accepts must be one the
 * traffic generator can run: two different hosts, a frame size within
 * Ethernet's, a finite positive rate, and a start within the run.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define DURATION 10.0

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* switch/emu/main.c's stop flag, which traffic_run() polls; this is the main program here. */
volatile sig_atomic_t emu_stop;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct emu_topo topo;
    static int ready;
    struct emu_traffic tr;
    char err[256];
    FILE *f;

    if (!ready) {
        if (topo_build(&topo, "tree,2,2", err, sizeof(err)) != 0)
            abort();
        ready = 1;
    }
    if (size == 0)
        return 0;               /* fmemopen() refuses an empty buffer. */
    if ((f = fmemopen((void *)data, size, "r")) == NULL)
        abort();
    memset(&tr, 0, sizeof(tr));
    err[0] = '\0';
    if (traffic_read(&tr, &topo, f, "fuzz", DURATION, err, sizeof(err)) != 0 && err[0] == '\0')
        abort();                /* A refusal must say why. */
    fclose(f);
    for (int i = 0; i < tr.nflows; i++) {
        const struct emu_flow *fl = &tr.flow[i];

        if (fl->src < 0 || fl->src >= topo.nnodes || fl->dst < 0 || fl->dst >= topo.nnodes ||
            fl->src == fl->dst || topo.node[fl->src].kind != EMU_HOST ||
            topo.node[fl->dst].kind != EMU_HOST || fl->size < 42 || fl->size > 1514 ||
            fl->count == 0 || !isfinite(fl->rate) || fl->rate <= 0 ||
            !isfinite(fl->start) || fl->start < 0 || fl->start >= DURATION) {
            fprintf(stderr, "flow %d: %d -> %d proto %d size %u count %llu rate %g start %g\n",
                i, fl->src, fl->dst, fl->proto, fl->size, (unsigned long long)fl->count,
                fl->rate, fl->start);
            abort();
        }
    }
    traffic_free(&tr);
    return 0;
}
