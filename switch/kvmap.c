/*
 * kvmap: fixed-size sorted map of strings; see kvmap.h.
 */
#include "kvmap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The index of 'key' in 'm', or where it would go (with '*found' false). */
static size_t
locate(const struct kvmap *m, const char *key, bool *found)
{
    size_t i = 0;
    int c = 1;

    while (i < m->n && (c = strcmp(m->key[i], key)) < 0)
        i++;
    *found = i < m->n && c == 0;
    return i;
}

struct kvmap *
kvmap_new(void)
{
    return calloc(1, sizeof(struct kvmap));
}

static bool
printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

int
kvmap_set(struct kvmap *m, const char *key, const char *value)
{
    bool found;
    size_t i;

    if (strlen(key) >= KVMAP_KEY_MAX || strlen(value) >= KVMAP_VALUE_MAX)
        return ENAMETOOLONG;
    if (!printable(key) || !printable(value))
        return EINVAL;
    i = locate(m, key, &found);
    if (!found) {
        if (m->n == KVMAP_MAX)
            return ENOSPC;
        memmove(m->key[i + 1], m->key[i], (m->n - i) * sizeof(m->key[0]));
        memmove(m->value[i + 1], m->value[i], (m->n - i) * sizeof(m->value[0]));
        m->n++;
        snprintf(m->key[i], KVMAP_KEY_MAX, "%s", key);
    }
    snprintf(m->value[i], KVMAP_VALUE_MAX, "%s", value);
    return 0;
}
