/*
 * ch_spool: the ClickHouse sink's on-disk queue (--ch-spool DIR).  Batches
 * a server did not take wait here, one file each, and are replayed oldest
 * first; a file is removed only after the server acknowledged its insert.
 *
 * Each ClickHouse node has a subdirectory of DIR named for its URL.  A
 * batch is the file "SEQ-ID.Tn" (SEQ its order, ID the batch id its rows
 * carry, both hex; T 'f' flows or 'c' counters; 'n': its body is a Native
 * block), renamed to "SEQ-ID.Tn.a" before any attempt whose outcome may
 * go unseen, so that a replay first asks the server whether the batch is
 * already stored.  "SEQ-ID.T" without the 'n' is a RowBinary batch spooled
 * by an earlier version: it is replayed as RowBinary.
 *
 * Files are written under a temporary name (O_CREAT|O_EXCL|O_NOFOLLOW,
 * mode 0600), synced, then renamed; every path is relative to directory
 * descriptors opened once at start-up, so the collector may drop its
 * privileges afterwards if it keeps the ownership DIR had.  DIR must be a
 * directory (not a symlink) owned by the collector's user (when started as
 * root: by root or by the user it will run as), not writable by group or
 * others.  Root gives what it creates in a directory of another user's to
 * that user, who may then go on alone.
 *
 * One spool per node; callers serialise their calls (the node's sender and
 * spooler threads share a lock).  The byte budget (--ch-spool-max) is
 * shared by all nodes.  A batch put takes its place in order of sequence
 * number.
 */
#ifndef SFK_CH_SPOOL_H
#define SFK_CH_SPOOL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "ch_row.h"

struct ch_spool;

/* Bytes all spools may hold together. */
struct ch_spool_budget {
    atomic_ullong used;
    unsigned long long max;
};

/* The oldest batch of a spool. */
struct ch_spool_item {
    uint64_t seq;
    uint64_t id;
    enum ch_table table;
    enum ch_format format;      /* Of the body. */
    int attempted;              /* An attempt may have stored it. */
    size_t size;
};

/*
 * Opens (creating it, mode 0700, if missing) directory 'dir' and its node
 * subdirectory 'node', and lists the batches already there into the
 * budget.  Returns 0 with '*out' set, or an errno value with 'err' set.
 */
int ch_spool_open(const char *dir, const char *node, struct ch_spool_budget *budget,
    struct ch_spool **out, char *err, size_t errlen);

/* Closes the directory; files stay. */
void ch_spool_close(struct ch_spool *);

/* Batches waiting, and the next sequence number above all of them. */
size_t ch_spool_count(const struct ch_spool *);
uint64_t ch_spool_next_seq(const struct ch_spool *);

/*
 * Writes a batch.  Returns 0, ENOSPC when it would pass the budget
 * (nothing written: the spool keeps the oldest), or an errno value.
 */
int ch_spool_put(struct ch_spool *, const struct ch_spool_item *, const void *p, size_t len);

/* The oldest batch into '*it'.  Returns 0, or ENOENT when empty. */
int ch_spool_peek(const struct ch_spool *, struct ch_spool_item *it);

/* Reads the oldest batch into 'b' (replacing its contents).  Returns 0 or an errno. */
int ch_spool_read(struct ch_spool *, struct ch_buf *b);

/* Marks the oldest batch attempted (a rename).  Returns 0 or an errno. */
int ch_spool_mark(struct ch_spool *);

/* Removes the oldest batch.  Returns 0 or an errno. */
int ch_spool_remove(struct ch_spool *);

#endif /* SFK_CH_SPOOL_H */
