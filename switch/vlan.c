/*
 * vlan: parsing and printing of port VLAN settings; see vlan.h.
 */
#include "vlan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
vlan_cfg_init(struct vlan_cfg *c)
{
    memset(c, 0, sizeof(*c));
}

int
vlan_parse_id(const char *s, bool allow0, uint16_t *vid)
{
    char *end;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return EINVAL;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > VLAN_MAX || (v == 0 && !allow0))
        return EINVAL;
    *vid = (uint16_t)v;
    return 0;
}

/* Reads one id at '*p' (advancing it); 0 or EINVAL. */
static int
read_id(const char **p, uint16_t *vid)
{
    char num[8];
    size_t n = 0;

    while (**p >= '0' && **p <= '9' && n < sizeof(num) - 1)
        num[n++] = *(*p)++;
    num[n] = '\0';
    return n == 0 ? EINVAL : vlan_parse_id(num, false, vid);
}

int
vlan_parse_trunks(struct vlan_cfg *c, const char *list)
{
    uint64_t bits[sizeof(c->trunks) / sizeof(c->trunks[0])];
    const char *p = list;
    bool any = false;

    memset(bits, 0, sizeof(bits));
    if (strcmp(list, "[]") == 0 || *list == '\0') {
        memset(c->trunks, 0, sizeof(c->trunks));
        c->has_trunks = false;
        return 0;
    }
    if (*p == '[')
        p++;
    for (;;) {
        uint16_t lo, hi;

        if (read_id(&p, &lo) != 0)
            return EINVAL;
        hi = lo;
        if (*p == '-') {
            p++;
            if (read_id(&p, &hi) != 0 || hi < lo)
                return EINVAL;
        }
        for (uint32_t v = lo; v <= hi; v++)
            bits[v >> 6] |= 1ull << (v & 63);
        any = true;
        if (*p == ',') {
            p++;
            continue;
        }
        break;
    }
    if (*p == ']')
        p++;
    if (*p != '\0' || !any)
        return EINVAL;
    memcpy(c->trunks, bits, sizeof(bits));
    c->has_trunks = true;
    return 0;
}

void
vlan_format_trunks(const struct vlan_cfg *c, char *buf, size_t size)
{
    size_t n = 0;

    if (size == 0)
        return;
    buf[0] = '\0';
    if (!c->has_trunks)
        return;
    for (uint32_t v = 1; v <= VLAN_MAX; v++) {
        uint32_t end = v;
        int w;

        if (!(c->trunks[v >> 6] >> (v & 63) & 1))
            continue;
        while (end + 1 <= VLAN_MAX && (c->trunks[(end + 1) >> 6] >> ((end + 1) & 63) & 1))
            end++;
        if (end > v + 1)
            w = snprintf(buf + n, size - n, "%s%u-%u", n ? "," : "", v, end);
        else if (end == v + 1)
            w = snprintf(buf + n, size - n, "%s%u,%u", n ? "," : "", v, end);
        else
            w = snprintf(buf + n, size - n, "%s%u", n ? "," : "", v);
        if (w < 0 || (size_t)w >= size - n) {
            buf[n] = '\0';
            return;
        }
        n += (size_t)w;
        v = end;
    }
}

static const char *const mode_names[] = {
    [VLAN_MODE_AUTO] = "",
    [VLAN_MODE_ACCESS] = "access",
    [VLAN_MODE_TRUNK] = "trunk",
    [VLAN_MODE_NATIVE_TAGGED] = "native-tagged",
    [VLAN_MODE_NATIVE_UNTAGGED] = "native-untagged",
};

int
vlan_parse_mode(struct vlan_cfg *c, const char *name)
{
    for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
        if (strcmp(name, mode_names[i]) == 0) {
            c->mode = (uint8_t)i;
            return 0;
        }
    return EINVAL;
}

const char *
vlan_mode_name(const struct vlan_cfg *c)
{
    return c->mode < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[c->mode] : "";
}
