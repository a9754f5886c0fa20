/*
 * kvmap: a small string-to-string map, the value of an Open vSwitch map
 * column (other_config, external_ids) of a bridge, a port or an interface.
 *
 * Its owner holds a pointer, NULL while the map is empty, so that ports
 * without maps (nearly all) cost nothing; a map is fixed in size, a bound
 * on what one command can make the switch hold.  Keys are kept sorted, as
 * OVSDB prints them.
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

/* A new empty map (to free()), or NULL without memory. */
struct kvmap *kvmap_new(void);

/*
 * Sets 'key' to 'value' in 'm'.  Returns 0, ENAMETOOLONG (key or value too
 * long), EINVAL (a TAB, newline or other control byte: the state file
 * could not keep it) or ENOSPC (the map is full).
 */
int kvmap_set(struct kvmap *m, const char *key, const char *value);

#endif /* SFK_KVMAP_H */
