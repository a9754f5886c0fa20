/*
 * owndir: directories only the daemon's user can write; see owndir.h.
 */
#include "owndir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *
owndir_split(const char *path, char *dir, size_t dirlen)
{
    const char *slash = strrchr(path, '/');
    size_t n;

    if (slash == NULL) {
        snprintf(dir, dirlen, ".");
        return *path ? path : NULL;
    }
    n = slash == path ? 1 : (size_t)(slash - path);     /* "/x" lives in "/". */
    if (n >= dirlen || slash[1] == '\0')
        return NULL;
    memcpy(dir, path, n);
    dir[n] = '\0';
    return slash + 1;
}

int
owndir_check(int fd, const char *name, char *msg, size_t msglen)
{
    struct stat st;

    if (fstat(fd, &st) < 0) {
        snprintf(msg, msglen, "%s: %s", name, strerror(errno));
        return errno;
    }
    if (st.st_uid != geteuid()) {
        snprintf(msg, msglen, "%s: owned by uid %u, not by this process's user (uid %u); refused",
            name, (unsigned)st.st_uid, (unsigned)geteuid());
        return EPERM;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(msg, msglen, "%s: writable by %s (mode %04o); refused: only this process's user may write it",
            name, st.st_mode & S_IWOTH ? "others" : "its group", (unsigned)(st.st_mode & 07777));
        return EPERM;
    }
    return 0;
}

int
owndir_open(const char *dir, char *msg, size_t msglen)
{
    int fd, e;

    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        e = errno;
        snprintf(msg, msglen, "%s: cannot create: %s", dir, strerror(e));
        errno = e;
        return -1;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        snprintf(msg, msglen, "%s: %s", dir,
            e == ELOOP || e == ENOTDIR ? "not a directory (a symbolic link?); refused" : strerror(e));
        errno = e;
        return -1;
    }
    if ((e = owndir_check(fd, dir, msg, msglen)) != 0) {
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Creates 'tmp' in 'dirfd' afresh; a leftover of a crashed process with our pid goes first. */
static int
create_tmp(int dirfd, const char *tmp, mode_t mode)
{
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(dirfd, tmp, flags, mode);

    if (fd < 0 && errno == EEXIST && unlinkat(dirfd, tmp, 0) == 0)
        fd = openat(dirfd, tmp, flags, mode);
    return fd;
}

int
owndir_replace(int dirfd, const char *name, const void *data, size_t len, mode_t mode)
{
    char tmp[512];
    const char *p = data;
    int fd, e = 0;

    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", name, (long)getpid()) >= sizeof(tmp))
        return ENAMETOOLONG;
    if ((fd = create_tmp(dirfd, tmp, mode)) < 0)
        return errno;
    while (len > 0 && e == 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            e = w < 0 ? errno : EIO;
        else {
            p += w;
            len -= (size_t)w;
        }
    }
    if (e == 0 && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e == 0 && renameat(dirfd, tmp, dirfd, name) != 0)
        e = errno;
    if (e != 0)
        unlinkat(dirfd, tmp, 0);
    return e;
}
