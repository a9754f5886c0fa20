/*
 * owndir: files of a daemon in directories only its own user can write.
 *
 * A directory that another user can write lets that user plant a symbolic
 * link where the daemon will write (its temporary state file, its
 * pidfile) or a file it will trust (its state file).  So the daemon opens
 * each directory it writes in once, checks that it is owned by the
 * daemon's user and writable by nobody else, keeps the descriptor, and
 * creates files relative to it with O_NOFOLLOW|O_EXCL.
 */
#ifndef SFK_OWNDIR_H
#define SFK_OWNDIR_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Splits 'path' into its directory (into 'dir', 'dirlen' bytes; "." when
 * it has no slash) and returns its last component (a pointer into 'path').
 * Returns NULL when 'dir' is too small or the last component is empty.
 */
const char *owndir_split(const char *path, char *dir, size_t dirlen);

/*
 * Opens directory 'dir' (creating it, mode 0755, when its parent exists
 * and it does not), never through a symbolic link as its last component,
 * and checks it with owndir_check().  Returns the descriptor, or -1 with
 * a message in 'msg' ('msglen' bytes) and errno set.
 */
int owndir_open(const char *dir, char *msg, size_t msglen);

/*
 * Whether 'fd', the file or directory 'name', is owned by the calling
 * process's effective user and not writable by group or others.  Returns
 * 0, or EPERM with a message in 'msg'.
 */
int owndir_check(int fd, const char *name, char *msg, size_t msglen);

/*
 * Replaces file 'name' in directory 'dirfd' with the 'len' bytes at
 * 'data' (mode 'mode'): written to a new temporary file (O_EXCL,
 * O_NOFOLLOW), fsync()ed and renamed over 'name', so a reader sees the
 * old or the new file, never half of one, and a symbolic link at 'name'
 * is replaced rather than followed.  Returns 0 or an errno (the old file
 * is then intact).
 */
int owndir_replace(int dirfd, const char *name, const void *data, size_t len, mode_t mode);

#endif /* SFK_OWNDIR_H */
