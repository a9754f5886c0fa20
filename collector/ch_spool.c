/* ch_spool: the ClickHouse sink's on-disk queue; see ch_spool.h. */
#include "ch_spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ch_spool {
    int dirfd;
    uid_t uid;                          /* The directory's owner, and so its files'. */
    gid_t gid;
    struct ch_spool_budget *budget;
    struct ch_spool_item *items;        /* Oldest first, from 'head'. */
    size_t head, n, cap;
    uint64_t next_seq;
};

static const char table_letter[CH_TABLES] = { 'f', 'c' };

static void
item_name(const struct ch_spool_item *it, char *buf, size_t len)
{
    snprintf(buf, len, "%016" PRIx64 "-%016" PRIx64 ".%c%s%s", it->seq, it->id,
        table_letter[it->table], it->format == CH_NATIVE ? "n" : "",
        it->attempted ? ".a" : "");
}

/* A file name of ours, parsed; 0 if it is something else. */
static int
item_parse(const char *name, struct ch_spool_item *it)
{
    char t, a[3] = "";
    int end = 0;

    if (strlen(name) < 35 || strspn(name, "0123456789abcdef") != 16 || name[16] != '-' ||
        strspn(name + 17, "0123456789abcdef") != 16 || name[33] != '.')
        return 0;
    if (sscanf(name, "%16" SCNx64 "-%16" SCNx64 ".%c%n%2s", &it->seq, &it->id, &t, &end,
        a) < 3)
        return 0;
    if (t == 'f')
        it->table = CH_FLOWS;
    else if (t == 'c')
        it->table = CH_COUNTERS;
    else
        return 0;
    it->format = name[end] == 'n' ? CH_NATIVE : CH_ROWBINARY;
    end += it->format == CH_NATIVE;
    it->attempted = strcmp(name + end, ".a") == 0;
    return it->attempted || name[end] == '\0';
}

static int
item_cmp(const void *a, const void *b)
{
    const struct ch_spool_item *x = a, *y = b;

    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
spool_push(struct ch_spool *sp, const struct ch_spool_item *it)
{
    struct ch_spool_item *p;
    size_t cap, i;

    if (sp->head > 0 && sp->head + sp->n == sp->cap) {
        memmove(sp->items, sp->items + sp->head, sp->n * sizeof(*p));
        sp->head = 0;
    }
    if (sp->head + sp->n == sp->cap) {
        cap = sp->cap ? sp->cap * 2 : 64;
        if ((p = realloc(sp->items, cap * sizeof(*p))) == NULL)
            return ENOMEM;
        sp->items = p;
        sp->cap = cap;
    }
    /* In order of 'seq': a batch whose insert failed may be older than some spooled meanwhile. */
    for (i = sp->head + sp->n; i > sp->head && sp->items[i - 1].seq > it->seq; i--)
        sp->items[i] = sp->items[i - 1];
    sp->items[i] = *it;
    sp->n++;
    if (it->seq >= sp->next_seq)
        sp->next_seq = it->seq + 1;
    return 0;
}

/* Opens 'name' under 'at' as a directory we own, creating it first if need be. */
static int
open_owned_dir(int at, const char *name, const char *shown, char *err, size_t errlen)
{
    struct stat st;
    int fd;

    if (mkdirat(at, name, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "spool %s: %s", shown, strerror(errno));
        return -1;
    }
    fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "spool %s: %s%s", shown, strerror(errno),
            errno == ELOOP || errno == ENOTDIR ? " (not a directory, or a symlink)" : "");
        return -1;
    }
    if (fstat(fd, &st) != 0 || (st.st_uid != geteuid() && geteuid() != 0) ||
        (st.st_mode & (S_IWGRP | S_IWOTH))) {
        snprintf(err, errlen, "spool %s: must be owned by uid %u and writable by it alone",
            shown, (unsigned int)geteuid());
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * Root opening a spool that another user owns (the one the collector will
 * run as, -u): the node's subdirectory gets that owner too, or the files
 * could not be written once root is given up.
 */
static int
same_owner(int parent, int fd)
{
    struct stat p, st;

    if (geteuid() != 0 || fstat(parent, &p) != 0 || fstat(fd, &st) != 0)
        return 0;
    if (p.st_uid == st.st_uid && p.st_gid == st.st_gid)
        return 0;
    return fchown(fd, p.st_uid, p.st_gid);
}

/* Lists the batches of the open directory; removes temporaries a crash left. */
static int
spool_scan(struct ch_spool *sp, char *err, size_t errlen)
{
    struct ch_spool_item it;
    struct dirent *de;
    struct stat st;
    DIR *d;
    int fd;

    if ((fd = dup(sp->dirfd)) < 0 || (d = fdopendir(fd)) == NULL) {
        snprintf(err, errlen, "spool: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, ".tmp-", 5) == 0) {
            unlinkat(sp->dirfd, de->d_name, 0);
            continue;
        }
        if (!item_parse(de->d_name, &it) ||
            fstatat(sp->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        it.size = (size_t)st.st_size;
        if (spool_push(sp, &it) != 0) {
            closedir(d);
            snprintf(err, errlen, "spool: out of memory");
            return -1;
        }
        atomic_fetch_add(&sp->budget->used, it.size);
    }
    closedir(d);
    if (sp->n > 1)
        qsort(sp->items, sp->n, sizeof(*sp->items), item_cmp);
    return 0;
}

int
ch_spool_open(const char *dir, const char *node, struct ch_spool_budget *budget,
    struct ch_spool **out, char *err, size_t errlen)
{
    struct ch_spool *sp;
    struct stat st;
    int top;

    *out = NULL;
    if ((sp = calloc(1, sizeof(*sp))) == NULL) {
        snprintf(err, errlen, "spool: out of memory");
        return ENOMEM;
    }
    sp->budget = budget;
    sp->dirfd = -1;
    top = open_owned_dir(AT_FDCWD, dir, dir, err, errlen);
    if (top >= 0) {
        sp->dirfd = open_owned_dir(top, node, dir, err, errlen);
        if (sp->dirfd >= 0 && same_owner(top, sp->dirfd) != 0) {
            snprintf(err, errlen, "spool %s: chown: %s", dir, strerror(errno));
            close(sp->dirfd);
            sp->dirfd = -1;
        }
        close(top);
    }
    if (sp->dirfd >= 0 && fstat(sp->dirfd, &st) == 0) {
        sp->uid = st.st_uid;
        sp->gid = st.st_gid;
    }
    if (sp->dirfd < 0 || spool_scan(sp, err, errlen) != 0) {
        ch_spool_close(sp);
        return EINVAL;
    }
    *out = sp;
    return 0;
}

void
ch_spool_close(struct ch_spool *sp)
{
    if (sp == NULL)
        return;
    if (sp->dirfd >= 0)
        close(sp->dirfd);
    free(sp->items);
    free(sp);
}

size_t
ch_spool_count(const struct ch_spool *sp)
{
    return sp->n;
}

uint64_t
ch_spool_next_seq(const struct ch_spool *sp)
{
    return sp->next_seq;
}

int
ch_spool_put(struct ch_spool *sp, const struct ch_spool_item *in, const void *p, size_t len)
{
    struct ch_spool_item it = *in;
    char tmp[80], name[64];
    const uint8_t *q = p;
    size_t left = len;
    ssize_t n;
    int fd, e = 0;

    if (atomic_fetch_add(&sp->budget->used, len) + len > sp->budget->max) {
        atomic_fetch_sub(&sp->budget->used, len);
        return ENOSPC;
    }
    it.size = len;
    item_name(&it, name, sizeof(name));
    snprintf(tmp, sizeof(tmp), ".tmp-%s", name);
    fd = openat(sp->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        e = errno;
        goto fail;
    }
    /* Root writing for the user it will become: the file is that user's. */
    if (geteuid() == 0 && sp->uid != 0 && fchown(fd, sp->uid, sp->gid) != 0)
        e = errno;
    while (e == 0 && left > 0) {
        n = write(fd, q, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = n < 0 ? errno : EIO;
            break;
        }
        q += n;
        left -= (size_t)n;
    }
    /* On disk before it counts as spooled: the batch has no other copy. */
    if (e == 0 && fdatasync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e == 0 && renameat(sp->dirfd, tmp, sp->dirfd, name) != 0)
        e = errno;
    if (e == 0 && (e = spool_push(sp, &it)) == 0)
        return 0;
    unlinkat(sp->dirfd, tmp, 0);
fail:
    atomic_fetch_sub(&sp->budget->used, len);
    return e;
}

int
ch_spool_peek(const struct ch_spool *sp, struct ch_spool_item *it)
{
    if (sp->n == 0)
        return ENOENT;
    *it = sp->items[sp->head];
    return 0;
}

int
ch_spool_read(struct ch_spool *sp, struct ch_buf *b)
{
    const struct ch_spool_item *it;
    char name[64];
    struct stat st;
    uint8_t *p;
    size_t got = 0;
    ssize_t n;
    int fd, e = 0;

    if (sp->n == 0)
        return ENOENT;
    it = &sp->items[sp->head];
    item_name(it, name, sizeof(name));
    fd = openat(sp->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno;
    if (fstat(fd, &st) != 0) {
        e = errno;
        close(fd);
        return e;
    }
    b->len = 0;
    if ((p = ch_buf_reserve(b, (size_t)st.st_size)) == NULL) {
        close(fd);
        return ENOMEM;
    }
    while (got < (size_t)st.st_size) {
        n = read(fd, p + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = n < 0 ? errno : EIO;
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    return e;
}

int
ch_spool_mark(struct ch_spool *sp)
{
    struct ch_spool_item *it;
    char from[64], to[64];

    if (sp->n == 0)
        return ENOENT;
    it = &sp->items[sp->head];
    if (it->attempted)
        return 0;
    item_name(it, from, sizeof(from));
    it->attempted = 1;
    item_name(it, to, sizeof(to));
    if (renameat(sp->dirfd, from, sp->dirfd, to) != 0) {
        it->attempted = 0;
        return errno;
    }
    return 0;
}

int
ch_spool_remove(struct ch_spool *sp)
{
    struct ch_spool_item *it;
    char name[64];

    if (sp->n == 0)
        return ENOENT;
    it = &sp->items[sp->head];
    item_name(it, name, sizeof(name));
    if (unlinkat(sp->dirfd, name, 0) != 0 && errno != ENOENT)
        return errno;
    atomic_fetch_sub(&sp->budget->used, it->size);
    sp->head++;
    sp->n--;
    if (sp->n == 0)
        sp->head = 0;
    return 0;
}
