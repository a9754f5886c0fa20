/*
 * emu_netns: host namespaces, made in this process.  A host is a network
 * namespace that unshare(CLONE_NEWNET) creates for the calling thread; a
 * bind mount of the thread's /proc entry onto /run/netns/NAME keeps it
 * alive after the thread moves back to the root namespace, and is what
 * `ip netns exec NAME` and `ip netns list` look for.
 *
 * /run/netns must be a shared mount point for such mounts to be seen by
 * processes in other mount namespaces (and to be unmountable from them);
 * iproute2 makes it one the same way on first use, so namespaces made by
 * either tool behave the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu.h"

static int root_fd = -1;

/*
 * Makes EMU_NETNS_DIR exist and be a shared mount point.  Holds a lock
 * while doing it: two programs making it a mount point at once would stack
 * two bind mounts, and the namespaces mounted under the lower one would be
 * hidden from everyone (the lock-up iproute2 met in Debian bug 949235).
 * Returns 0 or an errno.
 */
int
netns_prepare_dir(void)
{
    int lock, e = 0;

    if (root_fd < 0 && (root_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
        return errno;
    if (mkdir(EMU_NETNS_DIR, 0755) < 0 && errno != EEXIST)
        return errno;
    if ((lock = open(EMU_NETNS_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return errno;
    if (flock(lock, LOCK_EX) < 0) {
        e = errno;
        close(lock);
        return e;
    }
    /* Already a mount point: marking it shared again is harmless. */
    if (mount("", EMU_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
        if (errno != EINVAL ||
            mount(EMU_NETNS_DIR, EMU_NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0 ||
            mount("", EMU_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
            e = errno;
    }
    flock(lock, LOCK_UN);
    close(lock);
    return e;
}

static void
write_sysctl(const char *path, const char *val)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);

    if (fd >= 0) {
        if (write(fd, val, strlen(val)) < 0) {
            /* No IPv6 in this kernel: nothing to turn off. */
        }
        close(fd);
    }
}

/*
 * Creates namespace 'name' and leaves the calling thread in the root
 * namespace.  IPv6 is off in it (no router solicitations or MLD reports:
 * every packet a host sends is one the emulator accounts for).  '*fd'
 * gets a descriptor of the new namespace.  Returns 0 or an errno.
 */
int
netns_create(const char *name, int *fd)
{
    char path[128];
    int f, e = 0;

    snprintf(path, sizeof(path), "%s/%s", EMU_NETNS_DIR, name);
    if ((f = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0)) < 0)
        return errno;
    close(f);
    if (unshare(CLONE_NEWNET) < 0) {
        e = errno;
        unlink(path);
        return e;
    }
    /*
     * /proc/sys/net is resolved against the opener's namespace, so these
     * reach the new one; "default" covers devices made in it later.
     */
    write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
    write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
    if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
        e = errno;
    else if ((*fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
        e = errno;
    if (setns(root_fd, CLONE_NEWNET) < 0)
        abort();                /* Stuck in a host's namespace: nothing is safe now. */
    if (e != 0) {
        umount2(path, MNT_DETACH);
        unlink(path);
    }
    return e;
}

/* Unmounts and removes namespace 'name'; 0 or an errno (ENOENT if absent). */
int
netns_remove(const char *name)
{
    char path[128];

    snprintf(path, sizeof(path), "%s/%s", EMU_NETNS_DIR, name);
    if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
        return errno;
    if (unlink(path) < 0)
        return errno;
    return 0;
}

/* Moves the calling process (single-threaded child) into namespace 'name'. */
int
netns_enter(const char *name)
{
    char path[128];
    int fd, e = 0;

    snprintf(path, sizeof(path), "%s/%s", EMU_NETNS_DIR, name);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return errno;
    if (setns(fd, CLONE_NEWNET) < 0)
        e = errno;
    close(fd);
    return e;
}
