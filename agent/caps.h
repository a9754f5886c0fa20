/*
 * caps: sflow-agent and sflow-switch need root only for what they open:
 * packet sockets and their filters (CAP_NET_RAW) and interface settings
 * (CAP_NET_ADMIN: up, promiscuous, SO_RCVBUFFORCE), also for ports added
 * later.  Once started they keep those two capabilities and give up every
 * other, for good (bounding set too, and no_new_privs).
 */
#ifndef SFK_CAPS_H
#define SFK_CAPS_H

/*
 * Limits this process to CAP_NET_RAW and CAP_NET_ADMIN (those of them it
 * has).  Returns 0, or an errno value.
 */
int caps_keep_net(void);

#endif /* SFK_CAPS_H */
