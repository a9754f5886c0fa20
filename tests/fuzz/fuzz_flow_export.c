/*
 * libFuzzer entry point: one input = one UDP payload.  Decodes it, maps
 * every sample onto a flow record (flowrec.c) and encodes the records as
 * NetFlow v5, v9 and IPFIX (with templates), and renders the Common Log
 * Format lines of its http records, so that a decode the export path
 * misreads is found too.  An encoder that writes past its buffer or a
 * message whose header disagrees with its length aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clf.h"
#include "flowrec.h"
#include "ipfix.h"
#include "netflow5.h"
#include "netflow9.h"
#include "rd.h"
#include "sflow_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
encode_sets(const struct flowrec *f, int ipfix)
{
    struct flowset_options opt = { 1, 512, FLOWSET_SAMPLING_RANDOM, 0, { 192, 0, 2, 1 } };
    struct ipfix_header ih = { 1, 0, 1 };
    struct netflow9_header nh = { 1, 1, 0, 1 };
    uint8_t buf[1400];
    struct flowset_msg m;
    size_t len;

    if (ipfix)
        ipfix_begin(&m, buf, sizeof(buf), 0);
    else
        netflow9_begin(&m, buf, sizeof(buf), 0);
    if (flowset_templates(&m, &opt) != 0 || flowset_add(&m, f) != 0)
        abort();
    len = ipfix ? ipfix_end(&m, &ih) : netflow9_end(&m, &nh);
    if (len == 0 || len > sizeof(buf) || (ipfix && rd_be16(buf + 2) != len))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sflow_datagram *dg;
    static FILE *devnull;
    struct dgram_meta meta;
    struct netflow5_header h5;
    struct netflow5_record r5;
    uint8_t buf[NETFLOW5_MAX_LEN];
    struct flowrec f;
    uint8_t *copy;
    uint32_t i;

    if (dg == NULL && ((dg = malloc(sizeof(*dg))) == NULL ||
        (devnull = fopen("/dev/null", "w")) == NULL))
        abort();
    /* An exact-size copy, so that any over-read hits ASan's redzone. */
    copy = malloc(size ? size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    sflow_decode(copy, size, dg);
    memset(&meta, 0, sizeof(meta));
    clf_datagram(devnull, &meta, dg);
    for (i = 0; i < dg->n_samples && i < SFLOW_MAX_SAMPLES; i++) {
        if (flowrec_from_sample(dg, &dg->samples[i], &f) != FLOWREC_OK)
            continue;
        if (f.family != 4 && f.family != 6)
            abort();
        if (f.family == 4) {
            memset(&h5, 0, sizeof(h5));
            netflow5_from_flowrec(&f, &r5);
            if (netflow5_encode(buf, sizeof(buf), &h5, &r5, 1) !=
                NETFLOW5_HEADER_LEN + NETFLOW5_RECORD_LEN)
                abort();
        }
        encode_sets(&f, 0);
        encode_sets(&f, 1);
    }
    free(copy);
    return 0;
}
