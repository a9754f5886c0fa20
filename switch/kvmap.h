/*
 * kvmap: a small string-to-string map, the value of an Open vSwitch map
 * column (other_config, external_ids) of a bridge or a port.
 *
 * Fixed size, inside its owner: nothing to free, and a bound on what one
 * command can make the switch hold.  Keys are kept sorted, as OVSDB
 * prints them.
 */
#ifndef SFK_KVMAP_H
#define SFK_KVMAP_H

#include <stddef.h>

#define KVMAP_MAX 16            /* Pairs in one map. */
#define KVMAP_KEY_MAX 64        /* Bytes of a key, with its NUL. */
#define KVMAP_VALUE_MAX 128     /* Bytes of a value, with its NUL. */

struct kvmap {
    size_t n;
    char key[KVMAP_MAX][KVMAP_KEY_MAX];
    char value[KVMAP_MAX][KVMAP_VALUE_MAX];
};

/* The value of 'key' in 'm', or NULL. */
const char *kvmap_get(const struct kvmap *m, const char *key);

/*
 * Sets 'key' to 'value' in 'm'.  Returns 0, ENAMETOOLONG (key or value too
 * long), EINVAL (a TAB, newline or other control byte: the state file
 * could not keep it) or ENOSPC (the map is full).
 */
int kvmap_set(struct kvmap *m, const char *key, const char *value);

/* Removes 'key' from 'm' if it is there. */
void kvmap_del(struct kvmap *m, const char *key);

#endif /* SFK_KVMAP_H */
