/*
 * paths: where sflow-switch keeps its files by default, which sfctl must
 * agree on: run-time files in /run/sflowkit/ (a tmpfs, gone at reboot;
 * systemd's RuntimeDirectory=sflowkit), the configuration in
 * /var/lib/sflowkit/ (StateDirectory=sflowkit).  Both directories must be
 * writable by the daemon's user alone (owndir.h).
 */
#ifndef SFK_PATHS_H
#define SFK_PATHS_H

#define PATHS_SWITCH_SOCKET "/run/sflowkit/switch.sock"
#define PATHS_SWITCH_PIDFILE "/run/sflowkit/switch.pid"
#define PATHS_SWITCH_STATE "/var/lib/sflowkit/switch.state"

#endif /* SFK_PATHS_H */
