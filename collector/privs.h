/*
 * privs: sflowcollect gives up root once its sockets and outputs are open
 * (-u USER; started as root without -u it becomes 'nobody', -u root keeps
 * root).  A decoder bug reachable from the network then runs as a user who
 * owns nothing.
 */
#ifndef SFK_PRIVS_H
#define SFK_PRIVS_H

#include <stddef.h>

/* A directory the collector still writes after the drop, and its option. */
struct privs_dir {
    const char *opt;            /* "--rrd"; NULL ends a list */
    const char *path;           /* NULL: option not given */
};

/*
 * Becomes 'user' (NULL: 'nobody' when running as root, else nothing to
 * do): supplementary groups, group and user, and no_new_privs.  Each of
 * 'dirs', where files are still to be created, is handed to the user first
 * where root owns it (with what root owns in it, two levels deep), and
 * must be writable afterwards.  Returns 0, or -1 with a message in 'err'.
 */
int privs_drop(const char *user, const struct privs_dir *dirs, char *err, size_t errlen);

#endif /* SFK_PRIVS_H */
