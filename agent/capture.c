/*
 * capture: kernel-sampled AF_PACKET capture with a TPACKET_V3 ring; see
 * capture.h and packet(7).
 */
#include "capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sampler.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/*
 * 8 blocks of 64 KiB: with 128-byte snaps, about 2,000 samples in flight.
 * A block is handed over when full or after 100 ms, which bounds the delay
 * a sample adds before it can go into a datagram.
 */
#define BLOCK_SIZE (1u << 16)
#define BLOCK_NR 8
#define FRAME_SIZE 2048
#define BLOCK_TIMEOUT_MS 100

static int
attach_filter(int fd, uint32_t rate, uint32_t snaplen)
{
    struct sock_filter prog[16];
    struct sock_fprog fprog;

    fprog.len = (unsigned short)sampler_bpf(rate, snaplen, prog, 16);
    fprog.filter = prog;
    if (fprog.len == 0)
        return EINVAL;
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0)
        return errno;
    return 0;
}

int
capture_open(struct capture *c, int ifindex, uint32_t rate, uint32_t snaplen)
{
    struct tpacket_req3 req;
    struct sockaddr_ll sll;
    int v = TPACKET_V3, one = 1, error;

    memset(c, 0, sizeof(*c));
    c->ifindex = ifindex;
    /*
     * Protocol 0: the socket receives nothing until bind() names one, so no
     * packet arrives before the filter is in place.
     */
    c->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (c->fd < 0)
        return errno;
    if ((error = attach_filter(c->fd, rate, snaplen)) != 0)
        goto fail;
    /* Kernels before 4.20 lack it; the filter drops outgoing packets anyway. */
    (void)setsockopt(c->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
    if (setsockopt(c->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
        goto fail_errno;
    memset(&req, 0, sizeof(req));
    req.tp_block_size = BLOCK_SIZE;
    req.tp_block_nr = BLOCK_NR;
    req.tp_frame_size = FRAME_SIZE;
    req.tp_frame_nr = BLOCK_SIZE / FRAME_SIZE * BLOCK_NR;
    req.tp_retire_blk_tov = BLOCK_TIMEOUT_MS;
    if (setsockopt(c->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
        goto fail_errno;
    c->block_size = BLOCK_SIZE;
    c->block_nr = BLOCK_NR;
    c->ring_len = (size_t)BLOCK_SIZE * BLOCK_NR;
    c->ring = mmap(NULL, c->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED,
        c->fd, 0);
    if (c->ring == MAP_FAILED)
        c->ring = mmap(NULL, c->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
    if (c->ring == MAP_FAILED) {
        c->ring = NULL;
        goto fail_errno;
    }
    memset(&sll, 0, sizeof(sll));
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifindex;
    if (bind(c->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
        goto fail_errno;
    return 0;

fail_errno:
    error = errno;
fail:
    capture_close(c);
    return error;
}

int
capture_set_rate(struct capture *c, uint32_t rate, uint32_t snaplen)
{
    return attach_filter(c->fd, rate, snaplen);
}

static struct tpacket_block_desc *
block(const struct capture *c, unsigned i)
{
    return (struct tpacket_block_desc *)(c->ring + (size_t)i * c->block_size);
}

bool
capture_ready(const struct capture *c)
{
    return c->ring != NULL &&
        (__atomic_load_n(&block(c, c->next_block)->hdr.bh1.block_status,
            __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
}

size_t
capture_read(struct capture *c, capture_fn fn, void *arg)
{
    size_t n = 0;

    for (unsigned b = 0; b < c->block_nr && capture_ready(c); b++) {
        struct tpacket_block_desc *bd = block(c, c->next_block);
        uint32_t npkts = bd->hdr.bh1.num_pkts;
        uint32_t off = bd->hdr.bh1.offset_to_first_pkt;

        for (uint32_t i = 0; i < npkts; i++) {
            const struct tpacket3_hdr *h;

            /* The kernel wrote these offsets; still, stay inside the block. */
            if (off < sizeof(*bd) || off + sizeof(*h) > c->block_size)
                break;
            h = (const struct tpacket3_hdr *)((const uint8_t *)bd + off);
            if ((size_t)off + h->tp_mac + h->tp_snaplen <= c->block_size)
                fn(arg, (const uint8_t *)h + h->tp_mac, h->tp_snaplen, h->tp_len,
                    (h->tp_status & TP_STATUS_VLAN_VALID) != 0, h->hv1.tp_vlan_tci);
            n++;
            if (h->tp_next_offset == 0)
                break;
            off += h->tp_next_offset;
        }
        __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        c->next_block = (c->next_block + 1) % c->block_nr;
    }
    return n;
}

uint64_t
capture_drops(struct capture *c)
{
    struct tpacket_stats_v3 st;
    socklen_t len = sizeof(st);

    if (c->fd >= 0 && getsockopt(c->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
        c->drops += st.tp_drops;
    return c->drops;
}

void
capture_close(struct capture *c)
{
    if (c->ring != NULL)
        munmap(c->ring, c->ring_len);
    if (c->fd >= 0)
        close(c->fd);
    c->ring = NULL;
    c->fd = -1;
}
