/*
 * libFuzzer entry point: sflow-emu's topology parsers (switch/emu/topo.c,
 * and mn.c's JSON reader for MiniEdit's .mn files, which topo_read() takes
 * when the input starts with '{').  One input = one topology file
 * (--topo-file), read with topo_read(); its first line is also given to
 * topo_build() as a --topo spec and to shape_spec() as --link.  A topology
 * that loads is named and printed as the CLI prints it, and must hold
 * together: every link joins two nodes that exist, every host has its one
 * link, and port numbers stay within their switch's count.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* Topologies up to this many nodes are checked in full. */
#define SMALL 2000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Settings that were taken are within what shape_parse() allows. */
static void
check_shape(const struct emu_shape *s)
{
    char buf[160];

    if ((s->set & ~(SHAPE_BW | SHAPE_NETEM | SHAPE_QUEUE)) ||
        ((s->set & SHAPE_BW) && !(s->bw > 0 && s->bw <= 1000)) ||
        ((s->set & SHAPE_LOSS) && !(s->loss >= 0 && s->loss <= 100)) ||
        ((s->set & SHAPE_QUEUE) && s->queue < 1))
        abort();
    shape_str(s, buf, sizeof(buf));
}

static void
check(struct emu_topo *t)
{
    static FILE *sink;

    if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
        abort();
    for (int i = 0; i < t->nlinks; i++) {
        const struct emu_link *l = &t->link[i];

        if (l->a < 0 || l->a >= t->nnodes || l->b < 0 || l->b >= t->nnodes ||
            t->node[l->b].kind != EMU_SWITCH || l->b_port < 1 ||
            l->b_port > t->node[l->b].nports ||
            (t->node[l->a].kind == EMU_SWITCH && (l->a_port < 1 || l->a_port > t->node[l->a].nports)) ||
            l->ntrunk < 0 || l->ntrunk > EMU_MAX_VLANS)
            abort();
        check_shape(&l->shape);
    }
    for (int i = 0; i < t->nnodes; i++) {
        const struct emu_node *n = &t->node[i];

        if (n->kind == EMU_HOST && (n->uplink < 0 || n->uplink >= t->nlinks ||
            t->link[n->uplink].a != i))
            abort();
    }
    topo_name_links(t, "sfe99");
    topo_print_nodes(t, sink);
    topo_print_links(t, sink);
    topo_print_dump(t, "sfe99", sink);
    /* Both take time in the square of the nodes: 65536 hosts would time out. */
    if (t->nnodes > SMALL)
        return;
    topo_print_net(t, sink);
    for (int i = 0; i < t->nnodes; i++)
        if (topo_find(t, t->node[i].name) < 0)
            abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct emu_topo t;
    struct emu_shape link;
    char spec[128], err[256];
    size_t n = 0;
    FILE *f;

    while (n < size && n < sizeof(spec) - 1 && data[n] != '\n' && data[n] != '\0')
        n++;
    memcpy(spec, data, n);
    spec[n] = '\0';
    err[0] = '\0';
    if (topo_build(&t, spec, err, sizeof(err)) == 0) {
        check(&t);
        topo_free(&t);
    } else if (err[0] == '\0') {
        abort();                /* A refusal must say why. */
    }
    err[0] = '\0';
    if (shape_spec(&link, spec, err, sizeof(err)) == 0)
        check_shape(&link);
    else if (err[0] == '\0')
        abort();
    if (size == 0)
        return 0;               /* fmemopen() refuses an empty buffer. */
    if ((f = fmemopen((void *)data, size, "r")) == NULL)
        abort();
    err[0] = '\0';
    if (topo_read(&t, f, "fuzz", err, sizeof(err)) == 0) {
        check(&t);
        topo_free(&t);
    } else if (err[0] == '\0') {
        abort();
    }
    fclose(f);
    return 0;
}
