/*
 * libFuzzer entry point: sflow-agent's config file (-f FILE), read by
 * config_read() (agent/config.c), then merged with an empty command line
 * and checked as sflow-agent does.  A file that loads must give settings
 * within their documented ranges.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "datagram.h"
#include "sampler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config file, cli, merged;
    char err[512];
    FILE *f;
    int e;

    if (size == 0)
        return 0;               /* fmemopen() refuses an empty buffer. */
    if ((f = fmemopen((void *)data, size, "r")) == NULL)
        abort();
    config_init(&file);
    config_init(&cli);
    err[0] = '\0';
    e = config_read(&file, f, "fuzz", err, sizeof(err));
    fclose(f);
    if (e != 0 && err[0] == '\0')
        abort();                /* A refusal must say why. */
    config_merge(&merged, &file, &cli);
    if (merged.nb > CONFIG_MAX_LIST || merged.ni > CONFIG_MAX_LIST ||
        merged.nc > CONFIG_MAX_LIST || merged.rate < 1 || merged.rate > SAMPLER_MAX_RATE ||
        merged.polling > 86400 || merged.datagram_bytes < DGRAM_MIN_BYTES ||
        merged.datagram_bytes > DGRAM_MAX_BYTES)
        abort();
    (void)config_check(&merged, err, sizeof(err));
    config_free(&merged);
    config_free(&file);
    config_free(&cli);
    return 0;
}
