/*
 * libFuzzer entry point: what sflow-emu's report reads from a datagram
 * (switch/emu/samples.c).  One input = one sFlow datagram as the collector
 * received it; every sample handed on must be a flow or counter sample of
 * the decoded ones, with ports only for a packet whose addresses were read.
 */
#include <stdint.h>
#include <stdlib.h>

#include "emu.h"
#include "sflow_types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(void *arg, const struct emu_sample *s)
{
    (void)arg;
    if (s->kind != EMU_SAMPLE_FLOW && s->kind != EMU_SAMPLE_COUNTERS)
        abort();
    if (s->kind == EMU_SAMPLE_COUNTERS && (s->has_ip4 || s->rate != 0))
        abort();
    if (!s->has_ip4 && (s->src != 0 || s->dst != 0))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sflow_datagram *dg;
    int n;

    if (dg == NULL && (dg = malloc(sizeof(*dg))) == NULL)
        abort();
    n = samples_datagram(data, size, dg, check, NULL);
    if (n < 0 || (uint32_t)n > dg->n_samples)
        abort();
    return 0;
}
