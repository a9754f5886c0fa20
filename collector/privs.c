/* privs: running as an unprivileged user after start-up; see privs.h. */
#include "privs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The package's own user when it is there (make deb creates it), else nobody. */
#define PRIVS_OWN_USER "sflowkit"
#define PRIVS_FALLBACK_USER "nobody"

/*
 * Gives directory 'dir' (option 'opt') to 'pw' when root owns it
 * (sflowcollect made it, or the administrator did for it), with what root
 * owns inside it two levels deep: the RRD files of DIR/AGENT/ and the
 * spool batches of DIR/NODE/ that an earlier run as root left.  What
 * another user owns is left as it is.  Opened without following a
 * symlink, then changed through descriptors, so nothing planted can
 * redirect a chown.
 */
static int
privs_give(int at, const char *name, int depth, const struct passwd *pw)
{
    struct stat st;
    struct dirent *de;
    DIR *d;
    int fd, e = 0;

    if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return depth == 0 ? -1 : 0;     /* Below the top: gone meanwhile. */
    if (depth == 0 && !S_ISDIR(st.st_mode)) {
        errno = S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR;
        return -1;
    }
    if (S_ISLNK(st.st_mode))
        return 0;
    if (st.st_uid == 0 && fchownat(at, name, pw->pw_uid, pw->pw_gid, AT_SYMLINK_NOFOLLOW) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode) || depth == 2)
        return 0;
    if ((fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return -1;
    if ((d = fdopendir(fd)) == NULL) {
        close(fd);
        return -1;
    }
    while (e == 0 && (de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            e = privs_give(dirfd(d), de->d_name, depth + 1, pw);
    closedir(d);
    return e;
}

int
privs_drop(const char *user, const struct privs_dir *dirs, char *err, size_t errlen)
{
    const struct privs_dir *d;
    struct passwd *pw;

    if (user == NULL) {
        if (geteuid() != 0)
            return 0;
        user = getpwnam(PRIVS_OWN_USER) != NULL ? PRIVS_OWN_USER : PRIVS_FALLBACK_USER;
    }
    errno = 0;
    if ((pw = getpwnam(user)) == NULL) {
        snprintf(err, errlen, "-u %s: %s", user, errno ? strerror(errno) : "no such user");
        return -1;
    }
    if (pw->pw_uid == geteuid() && pw->pw_uid == getuid())
        return 0;
    if (geteuid() != 0) {
        snprintf(err, errlen, "-u %s: only root can change to another user", user);
        return -1;
    }
    for (d = dirs; d->opt != NULL; d++)
        if (d->path != NULL && privs_give(AT_FDCWD, d->path, 0, pw) != 0) {
            snprintf(err, errlen, "%s %s: handing it to %s: %s", d->opt, d->path, pw->pw_name,
                strerror(errno));
            return -1;
        }
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0) {
        snprintf(err, errlen, "-u %s: %s", user, strerror(errno));
        return -1;
    }
    /* Belt and braces: root must be out of reach now. */
    if (pw->pw_uid != 0 && setuid(0) == 0) {
        snprintf(err, errlen, "-u %s: root could be regained", user);
        return -1;
    }
    (void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    for (d = dirs; d->opt != NULL; d++)
        if (d->path != NULL && access(d->path, W_OK | X_OK) != 0) {
            snprintf(err, errlen, "%s %s: not writable as user %s (%s); see -u",
                d->opt, d->path, user, strerror(errno));
            return -1;
        }
    return 0;
}
