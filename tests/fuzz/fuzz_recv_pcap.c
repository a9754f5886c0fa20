/*
 * libFuzzer entry point: one input = one capture file (pcap or pcapng),
 * read by collector/recv_pcap.c as sflowcollect -r reads it.  The reader
 * takes a path, so the bytes go into a memfd opened by its /proc name.
 * Each datagram it hands over is checked against the frame it came from
 * and decoded from an exact-size copy, so that an over-read is seen.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "recv_pcap.h"
#include "sflow_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    struct sflow_datagram *dg;
    size_t file_size;
    uint64_t datagrams;
};

static int
on_datagram(void *ctx, const uint8_t *p, size_t len, const struct dgram_meta *meta)
{
    struct seen *s = ctx;
    uint8_t *copy;

    /* A datagram is never longer than the file it came from. */
    if (len > s->file_size || meta->size != len || meta->frame == 0 ||
        memchr(meta->src, '\0', sizeof(meta->src)) == NULL)
        abort();
    copy = malloc(len ? len : 1);
    if (copy == NULL)
        return 1;
    memcpy(copy, p, len);
    sflow_decode(copy, len, s->dg);
    free(copy);
    s->datagrams++;
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sflow_datagram *dg;
    static int fd = -1;
    struct recv_pcap_stats st;
    struct seen s;
    char path[64], err[256];

    if (fd < 0) {
        if ((fd = memfd_create("fuzz_recv_pcap", 0)) < 0 || (dg = malloc(sizeof(*dg))) == NULL)
            abort();
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    memset(&st, 0, sizeof(st));
    memset(&s, 0, sizeof(s));
    s.dg = dg;
    s.file_size = size;
    err[0] = '\0';
    if (recv_pcap_file(path, on_datagram, &s, &st, err, sizeof(err)) != 0) {
        if (err[0] == '\0')
            abort();            /* A failure must say why. */
        return 0;
    }
    if (s.datagrams + st.not_udp + st.not_sflow != st.frames)
        abort();                /* Every frame is counted once. */
    return 0;
}
