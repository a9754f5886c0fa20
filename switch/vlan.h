/*
 * vlan: a port's 802.1Q configuration, in Open vSwitch's terms.
 *
 *   tag=N, no trunks   access port: untagged on the wire, VLAN N inside;
 *                      tagged frames arriving are dropped.
 *   trunks=A,B,...     trunk port: tagged frames of those VLANs; with tag=N
 *                      as well, N is the native VLAN, carried untagged.
 *   neither            trunk of every VLAN; untagged frames are VLAN 0
 *                      (no VLAN) and leave untagged.
 *
 * An explicit vlan_mode (Open vSwitch's Port column) overrides that guess:
 *   access             tag=N only; tagged frames are dropped, trunks ignored.
 *   trunk              tagged frames of the trunks (all without a list);
 *                      untagged ones are VLAN 0; tag is ignored.
 *   native-tagged      a trunk whose untagged frames are in the native VLAN
 *                      (tag=N), which leaves tagged.
 *   native-untagged    the same, the native VLAN leaving untagged.
 * In both native modes the native VLAN is carried whether or not it is
 * among the trunks.
 *
 * Inside a bridge, VLAN 0 means "untagged"; 1..4095 are VLAN ids.
 */
#ifndef SFK_VLAN_H
#define SFK_VLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VLAN_MAX 4095

enum vlan_mode {
    VLAN_MODE_AUTO,                     /* None set: from tag and trunks (above). */
    VLAN_MODE_ACCESS,
    VLAN_MODE_TRUNK,
    VLAN_MODE_NATIVE_TAGGED,
    VLAN_MODE_NATIVE_UNTAGGED,
};

struct vlan_cfg {
    uint16_t tag;                       /* Access or native VLAN; 0 = none. */
    uint8_t mode;                       /* enum vlan_mode. */
    bool has_trunks;                    /* A trunks list was set. */
    uint64_t trunks[(VLAN_MAX + 64) / 64];  /* Bit per VLAN id. */
};

/* An unconfigured port: trunk of all VLANs. */
void vlan_cfg_init(struct vlan_cfg *c);

/*
 * Parses 'list' ("10,20,30-40"; "" or "[]" clears) into 'c''s trunks.
 * Returns 0 or EINVAL (and leaves 'c' unchanged).
 */
int vlan_parse_trunks(struct vlan_cfg *c, const char *list);

/* Parses a VLAN id 1..4095 ('allow0': 0 too) from 's'; 0 or EINVAL. */
int vlan_parse_id(const char *s, bool allow0, uint16_t *vid);

/* Writes 'c''s trunk list as "10,20,30-40" into 'buf'; empty if none. */
void vlan_format_trunks(const struct vlan_cfg *c, char *buf, size_t size);

/* Sets 'c''s mode from its name ("access", ..., "" for none); 0 or EINVAL. */
int vlan_parse_mode(struct vlan_cfg *c, const char *name);

/* The name of 'c''s mode; "" when none is set. */
const char *vlan_mode_name(const struct vlan_cfg *c);

static inline bool
vlan_trunked(const struct vlan_cfg *c, uint16_t vid)
{
    return !c->has_trunks || (c->trunks[vid >> 6] >> (vid & 63) & 1);
}

/*
 * The VLAN a frame arriving on a port with 'c' belongs to: 'tagged' and
 * 'vid' describe the frame's 802.1Q tag.  Returns false if the port does
 * not accept it.
 */
static inline bool
vlan_ingress(const struct vlan_cfg *c, bool tagged, uint16_t vid, uint16_t *vlan)
{
    if (!tagged || vid == 0) {          /* Priority-tagged counts as untagged. */
        *vlan = c->mode == VLAN_MODE_TRUNK ? 0 : c->tag;
        return true;
    }
    switch (c->mode) {
    case VLAN_MODE_AUTO:
        if (c->tag != 0 && !c->has_trunks)      /* Access port. */
            return false;
        break;
    case VLAN_MODE_ACCESS:
        return false;
    case VLAN_MODE_TRUNK:
        break;
    default:                            /* The native modes carry their own VLAN. */
        if (vid == c->tag) {
            *vlan = vid;
            return true;
        }
        break;
    }
    if (!vlan_trunked(c, vid))
        return false;
    *vlan = vid;
    return true;
}

/* vlan_egress() for a port with an explicit vlan_mode. */
static inline bool
vlan_egress_mode(const struct vlan_cfg *c, uint16_t vlan, bool *tagged)
{
    *tagged = false;
    switch (c->mode) {
    case VLAN_MODE_ACCESS:
        return vlan == c->tag;
    case VLAN_MODE_TRUNK:
        break;
    default:
        if (vlan == c->tag && c->tag != 0) {
            *tagged = c->mode == VLAN_MODE_NATIVE_TAGGED;
            return true;
        }
        break;
    }
    if (vlan == 0)                      /* Untagged traffic of a trunk. */
        return c->mode == VLAN_MODE_TRUNK || c->tag == 0;
    if (!vlan_trunked(c, vlan))
        return false;
    *tagged = true;
    return true;
}

/*
 * Whether a frame of 'vlan' may leave a port with 'c'; '*tagged' says if it
 * leaves with a tag.
 */
static inline bool
vlan_egress(const struct vlan_cfg *c, uint16_t vlan, bool *tagged)
{
    if (c->mode != VLAN_MODE_AUTO)
        return vlan_egress_mode(c, vlan, tagged);
    if (vlan == c->tag) {
        *tagged = false;
        return true;
    }
    if (c->tag != 0 && !c->has_trunks)
        return false;
    if (vlan == 0) {                    /* Untagged traffic of a tag-less trunk. */
        *tagged = false;
        return c->tag == 0;
    }
    if (c->has_trunks && !(c->trunks[vlan >> 6] >> (vlan & 63) & 1))
        return false;
    *tagged = true;
    return true;
}

#endif /* SFK_VLAN_H */
