/*
 * tap: the bridge-local port's device; see tap.h.
 */
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* Gives link 'ifindex' the Ethernet address 'mac'; 0 or an errno. */
static int
set_mac(int ifindex, const uint8_t mac[6])
{
    struct nl_sock *sk = nl_socket_alloc();
    struct rtnl_link *old = NULL, *chg = NULL;
    struct nl_addr *a = NULL;
    int e = ENOMEM;

    if (sk == NULL)
        return ENOMEM;
    if (nl_connect(sk, NETLINK_ROUTE) < 0) {
        e = EIO;
        goto out;
    }
    if (rtnl_link_get_kernel(sk, ifindex, NULL, &old) < 0) {
        e = ENODEV;
        goto out;
    }
    if ((chg = rtnl_link_alloc()) == NULL || (a = nl_addr_build(AF_LLC, mac, 6)) == NULL)
        goto out;
    rtnl_link_set_addr(chg, a);
    e = rtnl_link_change(sk, old, chg, 0) < 0 ? EIO : 0;
out:
    nl_addr_put(a);
    rtnl_link_put(chg);
    rtnl_link_put(old);
    nl_socket_free(sk);
    return e;
}

int
tap_open(struct ring *r, const char *name, const uint8_t mac[6], int *ifindex, const char **what)
{
    /* What the host may hand over unsegmented and with the checksum to fill in. */
    unsigned offload = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    struct ifreq ifr;
    int e;

    *what = "/dev/net/tun";
    r->vnet = true;
    if ((r->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
        return errno;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    /* IFF_TUN_EXCL: fail on a tap that exists rather than share it. */
    ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL);
    *what = "TUNSETIFF";
    if (ioctl(r->fd, TUNSETIFF, &ifr) < 0)
        goto fail;
    *what = "TUNSETOFFLOAD";
    if (ioctl(r->fd, TUNSETOFFLOAD, offload) < 0)
        goto fail;
    *what = "if_nametoindex";
    if ((*ifindex = (int)if_nametoindex(name)) == 0)
        goto fail;
    *what = "setting its address";
    if ((e = set_mac(*ifindex, mac)) != 0) {
        ring_close_now(r);
        return e;
    }
    return 0;
fail:
    e = errno;
    ring_close_now(r);
    return e;
}

unsigned
tap_tx_flush(struct ring *r, struct ring_tx *tx, bool *sent)
{
    unsigned ok = 0;

    for (unsigned i = 0; i < tx->n; i++) {
        ssize_t n;

        do
            n = writev(r->fd, tx->iov[i], 2);
        while (n < 0 && errno == EINTR);
        /* Down, or the host's queue full: the frame is dropped, as on a wire. */
        sent[i] = n > 0;
        ok += sent[i];
    }
    tx->n = 0;
    return ok;
}
