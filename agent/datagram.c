/*
 * datagram: sample assembly into size-limited sFlow v5 datagrams; see
 * datagram.h.
 *
 * Header (SFLOW_V5_NOTES.md section 2):
 *
 *     version | agent address (4 + 4|16) | sub_agent_id | sequence_number |
 *     uptime | num_samples | samples...
 */
#include "datagram.h"

#include <errno.h>
#include <string.h>

#include "sflow_encode.h"

int
dgram_init(struct dgram *d, const struct sflow_addr *agent, uint32_t sub_agent,
    size_t max_bytes, uint64_t boot_ms, dgram_out_fn out, void *out_ctx)
{
    if (max_bytes < DGRAM_MIN_BYTES || max_bytes > DGRAM_MAX_BYTES || out == NULL)
        return EINVAL;
    if (agent->type > SFLOW_ADDR_IP6)
        return EINVAL;
    memset(d, 0, sizeof(*d));
    d->max = max_bytes;
    d->agent = *agent;
    d->sub_agent = sub_agent;
    d->boot_ms = boot_ms;
    d->out = out;
    d->out_ctx = out_ctx;
    wbuf_init(&d->w, d->buf, d->max);
    return 0;
}

static size_t
addr_len(uint32_t type)
{
    return type == SFLOW_ADDR_IP4 ? 4 : type == SFLOW_ADDR_IP6 ? 16 : 0;
}

static void
open_datagram(struct dgram *d, uint64_t now_ms)
{
    wbuf_init(&d->w, d->buf, d->max);
    sflow_enc_datagram_begin(&d->w, &d->agent, d->sub_agent, 0, 0);
    d->seq_off = 4 + 4 + addr_len(d->agent.type) + 4;
    d->uptime_off = d->seq_off + 4;
    d->open = true;
    d->oldest_ms = now_ms;
}

/* Writes one sample at the end of the open datagram; 0 or the wbuf error. */
static int
put_sample(struct dgram *d, const struct sflow_sample *smp,
    dgram_write_fn write, void *arg)
{
    size_t s = sflow_enc_sample_begin(&d->w, smp);
    int error;

    error = d->w.error;
    if (error == 0)
        error = write(&d->w, arg);
    if (error == 0)
        error = d->w.error;
    if (error == 0)
        error = sflow_enc_sample_end(&d->w, s);
    if (error != 0)
        wbuf_cancel(&d->w, s);
    return error;
}

int
dgram_add(struct dgram *d, const struct sflow_sample *smp,
    dgram_write_fn write, void *arg, uint64_t now_ms)
{
    int error;

    if (!d->open)
        open_datagram(d, now_ms);
    error = put_sample(d, smp, write, arg);
    if (error == ENOSPC && sflow_enc_datagram_samples(&d->w, 0) > 0) {
        dgram_flush(d, now_ms);
        open_datagram(d, now_ms);
        error = put_sample(d, smp, write, arg);
    }
    if (error == ENOSPC) {
        d->too_big++;
        return EMSGSIZE;
    }
    if (error == 0)
        d->samples++;
    return error;
}

void
dgram_flush(struct dgram *d, uint64_t now_ms)
{
    if (!d->open)
        return;
    d->open = false;
    if (sflow_enc_datagram_samples(&d->w, 0) == 0)
        return;
    wbuf_patch_u32(&d->w, d->uptime_off, (uint32_t)(now_ms - d->boot_ms));
    if (sflow_enc_datagram_end(&d->w, 0) != 0)
        return;
    d->datagrams++;
    d->out(d->out_ctx, d->buf, d->w.size, d->seq_off);
}

bool
dgram_stale(const struct dgram *d, uint64_t now_ms, uint64_t max_age_ms)
{
    return d->open && sflow_enc_datagram_samples(&d->w, 0) > 0 &&
        now_ms - d->oldest_ms >= max_age_ms;
}

void
dgram_set_agent(struct dgram *d, const struct sflow_addr *agent, uint64_t now_ms)
{
    dgram_flush(d, now_ms);
    d->agent = *agent;
}

void
dgram_set_seq(uint8_t *buf, size_t len, size_t seq_off, uint32_t seq)
{
    if (seq_off + 4 <= len) {
        buf[seq_off] = (uint8_t)(seq >> 24);
        buf[seq_off + 1] = (uint8_t)(seq >> 16);
        buf[seq_off + 2] = (uint8_t)(seq >> 8);
        buf[seq_off + 3] = (uint8_t)seq;
    }
}
