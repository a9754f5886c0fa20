/*
 * port: a switch port's interface: opening its ring (bringing the
 * interface up first), closing it, and its counters as sFlow records.
 * The bridge-local port (p->local) is a tap device instead (tap.h),
 * which the switch makes and leaves down.
 */
#ifndef SFK_PORT_H
#define SFK_PORT_H

#include <stdbool.h>
#include <stddef.h>

#include "records.h"
#include "sw.h"

/*
 * Sets interface 'name' administratively up or down (ovs-vswitchd brings
 * its ports up; ovs-ofctl mod-port takes them down).  0 or an errno.
 */
int port_link_set(const char *name, bool up);

/*
 * Opens 'p''s interface by name.  Returns 0, or an errno with the reason
 * in 'p->error' (the port then stays closed; see port_retry()).
 */
int port_open(struct port *p);
void port_close(struct port *p);

/*
 * After an error on 'p''s socket: clears it and returns true if the
 * interface is still there; else closes the port (to be retried) and
 * returns false.
 */
bool port_check(struct port *p);

/* Tries again to open a closed port whose retry time passed at 'now_ms'. */
void port_retry(struct port *p, uint64_t now_ms);

/*
 * Whether 'p''s socket is still bound to its interface; if not (the
 * interface was removed), closes the port to be retried and returns false.
 */
bool port_bound(struct port *p);

/*
 * Reads the frames the kernel dropped on 'p''s socket since the last call
 * (it resets its count on each read) into 'p->ring_drops', and into 'p''s
 * sampler: packets that reached the port unread still join sample_pool
 * and, where a sample would have fallen, drops.
 */
void port_read_drops(struct port *p);

/* Fills 'rp' with 'p''s counters (if_counters, ethernet unknown, port_name). */
void port_records(const struct port *p, struct records_port *rp);

/*
 * Reads whether the device of local port 'p' is up (p->local_up): a
 * device the host left down gets nothing, as a port whose link is down
 * in Open vSwitch.
 */
void port_local_poll(struct port *p);

/*
 * Takes the frames waiting on 'p' into 'rx', as ring_recv() (the local
 * port's from its tap device).
 */
unsigned port_recv(struct port *p, struct ring_rx *rx);

/* Sends the frames queued on 'p'; counts what went and what did not. */
void port_flush(struct port *p);

#endif /* SFK_PORT_H */
