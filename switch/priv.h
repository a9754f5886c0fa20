/*
 * priv: least privilege for sflow-switch after start-up.
 *
 * Once its socket, state and pidfile are open and its ports restored, the
 * switch needs only what adding ports later takes: CAP_NET_RAW (packet
 * sockets) and CAP_NET_ADMIN (bringing an interface up and setting it
 * promiscuous, SO_RCVBUFFORCE).  Its files are in directories it owns, so
 * it needs no capability to write them.  It creates no devices.
 */
#ifndef SFK_PRIV_H
#define SFK_PRIV_H

#include <stddef.h>

/*
 * Drops every capability but CAP_NET_RAW and CAP_NET_ADMIN from the
 * permitted, effective and inheritable sets (and from the bounding set
 * when allowed), clears the ambient set and sets no_new_privs, so not even
 * an exec could get more back.  A process without those two keeps what it
 * has of them.  Returns 0, or an errno with a message in 'msg'.
 */
int priv_drop(char *msg, size_t msglen);

#endif /* SFK_PRIV_H */
