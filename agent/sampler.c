/*
 * sampler: skip-counter sampling and the kernel's 1-in-N filter; see
 * sampler.h and SFLOW_V5_NOTES.md section 5.
 */
#include "sampler.h"

#include <linux/if_packet.h>

void
sampler_init(struct sampler *sp, uint32_t rate, uint64_t seed)
{
    sp->seq = 0;
    sp->pool = 0;
    sp->drops = 0;
    if (seed != 0)
        rng_seed(&sp->rng, seed);
    else
        rng_seed_random(&sp->rng);
    sampler_set_rate(sp, rate);
}

void
sampler_set_rate(struct sampler *sp, uint32_t rate)
{
    if (rate > SAMPLER_MAX_RATE)
        rate = SAMPLER_MAX_RATE;
    sp->rate = rate;
    /*
     * The first skip is uniform in [1, N], not [1, 2N-1]: a sampler that
     * starts in the middle of the stream has on average N/2 to go.
     */
    sp->skip = rate <= 1 ? 1 : 1 + rng_below(&sp->rng, rate);
}

uint32_t
sampler_next_skip(struct sampler *sp)
{
    if (sp->rate <= 1)
        return 1;
    return 1 + rng_below(&sp->rng, 2 * sp->rate - 1);
}

void
sampler_lost(struct sampler *sp, uint64_t n)
{
    sp->pool += n;
    if (sp->rate == 0)
        return;
    /* 'skip' is at least 1 on entry and on exit. */
    while (n >= sp->skip) {
        n -= sp->skip;
        sp->drops++;
        sp->skip = sampler_next_skip(sp);
    }
    sp->skip -= (uint32_t)n;
}

/*
 * The kernel filter:
 *
 *     ld  pkttype                  SKF_AD_PKTTYPE
 *     jeq #PACKET_OUTGOING, drop
 *     ld  rand                     SKF_AD_RANDOM (prandom_u32)
 *     mod #N
 *     jneq #0, drop
 *     ret #snaplen
 *   drop:
 *     ret #0
 *
 * 'rand mod N == 0' is a Bernoulli(1/N) trial per packet; the bias of the
 * modulo is below N / 2^32.  Outgoing packets are dropped here as well as by
 * PACKET_IGNORE_OUTGOING, which kernels before 4.20 lack.
 */
size_t
sampler_bpf(uint32_t rate, uint32_t snaplen, struct sock_filter *prog, size_t cap)
{
    size_t n = 0;

    if (rate == 0 || cap < 7)
        return 0;
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
        (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE));
    if (rate > 1) {
        prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
            PACKET_OUTGOING, 4, 0);
        prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
            (uint32_t)(SKF_AD_OFF + SKF_AD_RANDOM));
        prog[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, rate);
        prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
    } else {
        prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
            PACKET_OUTGOING, 1, 0);
    }
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, snaplen);
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
    return n;
}
