/*
 * libFuzzer entry point: one input = one UDP payload.  Decodes it and runs
 * every renderer over the result, so that a decode the renderers
 * misunderstand is found too.  Built by 'make fuzz-build' with clang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "line.h"
#include "sflow_decode.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sflow_datagram *dg;
    static struct text_fields *fields;
    static struct obuf sink;
    struct dgram_meta meta;
    uint8_t *copy;

    if (dg == NULL) {
        dg = malloc(sizeof(*dg));
        fields = text_fields_parse("agent,srcIP,dstIP,inputPort,headerBytes");
        if (dg == NULL)
            abort();
    }
    /* An exact-size copy, so that any over-read hits ASan's redzone. */
    copy = malloc(size ? size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    memset(&meta, 0, sizeof(meta));
    strcpy(meta.src, "192.0.2.1");
    meta.size = size;
    sflow_decode(copy, size, dg);
    text_datagram(&sink, NULL, &meta, dg);
    text_grep_datagram(&sink, NULL, &meta, dg);
    if (fields)
        text_fields_datagram(&sink, fields, NULL, &meta, dg);
    line_datagram(&sink, &meta, dg);
    json_datagram(&sink, NULL, &meta, dg, 0);
    json_datagram(&sink, NULL, &meta, dg, JSON_PRETTY | JSON_STRINGS);
    obuf_clear(&sink);
    free(copy);
    return 0;
}
