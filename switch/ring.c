/*
 * ring: AF_PACKET TPACKET_V3 receive ring and sendmmsg() transmit; see
 * ring.h.
 */
#include "ring.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Blocks of 256 KiB hold a 64 KiB GSO frame with room to spare (a V3
 * frame must fit in one block); 16 of them give 4 MiB per port.  A block
 * is handed to user space when full or after RING_BLOCK_TOV_MS, so a
 * lone packet waits at most that long.
 */
#define RING_BLOCK_SIZE (1u << 18)
#define RING_BLOCK_NR 16
#define RING_FRAME_SIZE 2048
#define RING_BLOCK_TOV_MS 1

int
ring_open(struct ring *r, int ifindex, const char **what)
{
    struct tpacket_req3 req;
    struct sockaddr_ll sll;
    struct packet_mreq mr;
    int v, e;

    memset(r, 0, sizeof(*r));
    r->fd = -1;
    /* Protocol 0: no packet is queued before the ring exists; bind() sets ETH_P_ALL. */
    *what = "socket";
    r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (r->fd < 0)
        return errno;
    v = TPACKET_V3;
    *what = "PACKET_VERSION";
    if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
        goto fail;
    v = 1;
    r->vnet = setsockopt(r->fd, SOL_PACKET, PACKET_VNET_HDR, &v, sizeof(v)) == 0;
    memset(&req, 0, sizeof(req));
    req.tp_block_size = RING_BLOCK_SIZE;
    req.tp_block_nr = RING_BLOCK_NR;
    req.tp_frame_size = RING_FRAME_SIZE;
    req.tp_frame_nr = RING_BLOCK_SIZE / RING_FRAME_SIZE * RING_BLOCK_NR;
    req.tp_retire_blk_tov = RING_BLOCK_TOV_MS;
    *what = "PACKET_RX_RING";
    if (setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
        goto fail;
    r->block_size = RING_BLOCK_SIZE;
    r->block_nr = RING_BLOCK_NR;
    r->map_len = (size_t)RING_BLOCK_SIZE * RING_BLOCK_NR;
    *what = "mmap";
    r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, 0);
    if (r->map == MAP_FAILED) {
        r->map = NULL;
        goto fail;
    }
    /* Kernels before 4.20 lack it; the switch then sees its own frames (and drops them by MAC learning). */
    v = 1;
    (void)setsockopt(r->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &v, sizeof(v));
    memset(&sll, 0, sizeof(sll));
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifindex;
    *what = "bind";
    if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
        goto fail;
    memset(&mr, 0, sizeof(mr));
    mr.mr_ifindex = ifindex;
    mr.mr_type = PACKET_MR_PROMISC;
    *what = "PACKET_ADD_MEMBERSHIP";
    if (setsockopt(r->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
        goto fail;
    return 0;
fail:
    e = errno;
    ring_close(r);
    return e;
}

void
ring_close(struct ring *r)
{
    if (r->map)
        munmap(r->map, r->map_len);
    if (r->fd >= 0)
        close(r->fd);
    r->map = NULL;
    r->fd = -1;
}

void *
ring_block(struct ring *r)
{
    struct tpacket_block_desc *bd;

    if (r->map == NULL)
        return NULL;
    bd = (struct tpacket_block_desc *)(r->map + (size_t)r->next * r->block_size);
    if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
        return NULL;
    return bd;
}

uint32_t
ring_block_frames(const void *block, const void **first)
{
    const struct tpacket_block_desc *bd = block;

    *first = (const uint8_t *)block + bd->hdr.bh1.offset_to_first_pkt;
    return bd->hdr.bh1.num_pkts;
}

const void *
ring_frame_get(const struct ring *r, const void *pkt, struct ring_frame *f)
{
    const struct tpacket3_hdr *h = pkt;

    f->data = (const uint8_t *)pkt + h->tp_mac;
    f->len = h->tp_snaplen;
    f->wire_len = h->tp_len;
    f->has_vlan = (h->tp_status & TP_STATUS_VLAN_VALID) != 0;
    f->tci = f->has_vlan ? (uint16_t)h->hv1.tp_vlan_tci : 0;
    f->vnet = r->vnet ? (const struct virtio_net_hdr *)(f->data - sizeof(struct virtio_net_hdr)) : NULL;
    return (const uint8_t *)pkt + h->tp_next_offset;
}

void
ring_release(struct ring *r, void *block)
{
    struct tpacket_block_desc *bd = block;

    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    r->next = (r->next + 1) % r->block_nr;
}

uint64_t
ring_drops(struct ring *r)
{
    struct tpacket_stats_v3 st;
    socklen_t len = sizeof(st);

    if (r->fd < 0 || getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
        return 0;
    return st.tp_drops;
}

unsigned
ring_tx_flush(struct ring *r, struct ring_tx *tx, bool *sent)
{
    unsigned i = 0, ok = 0;

    while (i < tx->n) {
        int n = sendmmsg(r->fd, &tx->msg[i], tx->n - i, MSG_DONTWAIT);

        if (n <= 0) {
            /* The message at 'i' failed (full queue, too big, link down): skip it. */
            if (n < 0 && errno == EINTR)
                continue;
            sent[i++] = false;
            continue;
        }
        for (int k = 0; k < n; k++)
            sent[i++] = true;
        ok += (unsigned)n;
    }
    tx->n = 0;
    return ok;
}
