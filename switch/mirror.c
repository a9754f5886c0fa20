/*
 * mirror: a bridge's mirrors and the bits its ports carry; see mirror.h.
 */
#include "mirror.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sets the bits of every port of 'br' from its mirrors. */
static void
rebuild(struct bridge *br)
{
    br->mirror_all = 0;
    for (size_t j = 0; j < br->n_ports; j++) {
        br->ports[j]->mirror_src = br->ports[j]->mirror_dst = 0;
        br->ports[j]->mirror_out = false;
    }
    for (size_t i = 0; i < br->n_mirrors; i++) {
        const struct mirror *m = br->mirrors[i];
        uint32_t bit = 1u << i;

        if (m->select_all)
            br->mirror_all |= bit;
        for (size_t k = 0; k < m->n_src; k++)
            m->src[k]->mirror_src |= bit;
        for (size_t k = 0; k < m->n_dst; k++)
            m->dst[k]->mirror_dst |= bit;
        if (m->out != NULL)
            m->out->mirror_out = true;
    }
    br->sw->config_gen++;
}

static bool
on_bridge(const struct bridge *br, struct port *const *ps, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (ps[k]->br != br)
            return false;
    return true;
}

int
mirror_check(const struct bridge *br, const struct mirror *m, char *err, size_t errsz)
{
    if (m->name[0] == '\0') {
        snprintf(err, errsz, "a mirror needs a name");
        return EINVAL;
    }
    if ((m->out == NULL) == (m->out_vlan == 0)) {
        snprintf(err, errsz, "mirror %s: give exactly one of output_port and output_vlan", m->name);
        return EINVAL;
    }
    if (!on_bridge(br, m->src, m->n_src) || !on_bridge(br, m->dst, m->n_dst) ||
        (m->out != NULL && m->out->br != br)) {
        snprintf(err, errsz, "mirror %s: its ports must be on bridge %s", m->name, br->name);
        return EINVAL;
    }
    if (mirror_find(br, m->name) < 0 && br->n_mirrors == SW_MAX_MIRRORS) {
        snprintf(err, errsz, "bridge %s has %d mirrors already", br->name, SW_MAX_MIRRORS);
        return ENOSPC;
    }
    return 0;
}

int
mirror_set(struct bridge *br, const struct mirror *m, char *err, size_t errsz)
{
    int i, e;

    if ((e = mirror_check(br, m, err, errsz)) != 0)
        return e;
    if ((i = mirror_find(br, m->name)) < 0) {
        if ((br->mirrors[br->n_mirrors] = malloc(sizeof(*m))) == NULL) {
            snprintf(err, errsz, "out of memory");
            return ENOMEM;
        }
        i = (int)br->n_mirrors++;
    }
    *br->mirrors[i] = *m;
    rebuild(br);
    return 0;
}

int
mirror_find(const struct bridge *br, const char *name)
{
    for (size_t i = 0; i < br->n_mirrors; i++)
        if (strcmp(br->mirrors[i]->name, name) == 0)
            return (int)i;
    return -1;
}

void
mirror_del(struct bridge *br, size_t i)
{
    free(br->mirrors[i]);
    memmove(&br->mirrors[i], &br->mirrors[i + 1], (br->n_mirrors - i - 1) * sizeof(br->mirrors[0]));
    br->n_mirrors--;
    rebuild(br);
}

void
mirror_clear(struct bridge *br)
{
    while (br->n_mirrors > 0)
        mirror_del(br, br->n_mirrors - 1);
}

/* Removes 'p' from the 'n' ports at 'ps'. */
static void
drop_port(struct port **ps, size_t *n, const struct port *p)
{
    for (size_t k = *n; k-- > 0;)
        if (ps[k] == p)
            memmove(&ps[k], &ps[k + 1], (--*n - k) * sizeof(ps[0]));
}

void
mirror_port_gone(struct bridge *br, const struct port *p)
{
    for (size_t i = br->n_mirrors; i-- > 0;) {
        struct mirror *m = br->mirrors[i];

        drop_port(m->src, &m->n_src, p);
        drop_port(m->dst, &m->n_dst, p);
        if (m->out == p)
            mirror_del(br, i);
    }
    rebuild(br);
}
