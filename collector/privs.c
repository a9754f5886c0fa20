/* privs: running as an unprivileged user after start-up; see privs.h. */
#include "privs.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define PRIVS_DEFAULT_USER "nobody"

/*
 * Gives the RRD directory to 'pw' when root owns it (sflowcollect made it,
 * or the administrator did for it); a directory of another user is left as
 * it is.  Opened without following a symlink, then changed through the
 * descriptor, so nothing planted can redirect the chown.
 */
static int
privs_give_dir(const char *dir, const struct passwd *pw, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0) {
        snprintf(err, errlen, "--rrd %s: %s", dir, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) == 0 && st.st_uid == 0 && fchown(fd, pw->pw_uid, pw->pw_gid) != 0) {
        snprintf(err, errlen, "--rrd %s: chown to %s: %s", dir, pw->pw_name, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int
privs_drop(const char *user, const char *rrd_dir, char *err, size_t errlen)
{
    struct passwd *pw;

    if (user == NULL) {
        if (geteuid() != 0)
            return 0;
        user = PRIVS_DEFAULT_USER;
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
    if (rrd_dir != NULL && privs_give_dir(rrd_dir, pw, err, errlen) != 0)
        return -1;
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
    if (rrd_dir != NULL && access(rrd_dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "--rrd %s: not writable as user %s (%s); see -u",
            rrd_dir, user, strerror(errno));
        return -1;
    }
    return 0;
}
