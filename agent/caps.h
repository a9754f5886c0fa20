/*
 * caps: sflow-agent needs root only for what it opens: packet sockets and
 * their filters (CAP_NET_RAW) and interface settings (CAP_NET_ADMIN).
 * Once started it keeps those two capabilities and gives up every other,
 * for good (bounding set too, and no_new_privs).
 */
#ifndef SFK_CAPS_H
#define SFK_CAPS_H

/*
 * Limits this process to CAP_NET_RAW and CAP_NET_ADMIN (those of them it
 * has).  Returns 0, or an errno value.
 */
int caps_keep_net(void);

#endif /* SFK_CAPS_H */
