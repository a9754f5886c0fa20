/*
 * fuzz_sw: the switch of the control and state file harnesses; see fuzz_sw.h.
 */
#include "fuzz_sw.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

struct sw *
fuzz_sw(void)
{
    static struct sw sw;
    static int ready;
    int e;

    if (ready)
        return &sw;
    /*
     * Nothing an input says may reach the machine's network: set-sflow
     * sends datagrams, add-port brings interfaces up.  Here only a loopback
     * exists, and it is ours.
     */
    if (unshare(CLONE_NEWNET) != 0) {
        fprintf(stderr, "cannot make a network namespace (%s): skipped\n", strerror(errno));
        exit(77);
    }
    signal(SIGPIPE, SIG_IGN);
    if ((e = sw_init(&sw, 1000)) != 0) {
        fprintf(stderr, "sw_init: %s\n", strerror(e));
        abort();
    }
    ready = 1;
    return &sw;
}

void
fuzz_sw_reset(struct sw *sw)
{
    while (sw->n_br > 0)
        sw_del_bridge(sw, sw->br[sw->n_br - 1]);
}
