/* vlan_filter: -V / -v flow sample filters; see vlan_filter.h. */
#include "vlan_filter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sflow_schema.h"

/* Reads a VLAN number at '*s', moving past it; -1 if there is none. */
static long
vf_number(const char **s)
{
    char *end;
    long v;

    if (**s < '0' || **s > '9')
        return -1;
    errno = 0;
    v = strtol(*s, &end, 10);
    if (errno != 0 || v > VLAN_FILTER_MAX)
        return -1;
    *s = end;
    return v;
}

int
vlan_filter_add(struct vlan_filter *f, const char *list, int keep)
{
    const char *s = list;
    long lo, hi, v;

    /* Validate the whole list before changing anything. */
    do {
        if ((lo = vf_number(&s)) < 0)
            return EINVAL;
        hi = lo;
        if (*s == '-') {
            s++;
            if ((hi = vf_number(&s)) < lo)
                return EINVAL;
        }
    } while (*s++ == ',');
    if (s[-1] != '\0')
        return EINVAL;
    if (!f->active) {
        memset(f->keep, keep ? 0 : 1, sizeof(f->keep));
        f->active = 1;
    }
    s = list;
    do {
        lo = hi = vf_number(&s);
        if (*s == '-') {
            s++;
            hi = vf_number(&s);
        }
        for (v = lo; v <= hi; v++)
            f->keep[v] = (uint8_t)(keep != 0);
    } while (*s++ == ',');
    return 0;
}

/* The VLAN a flow sample was seen on. */
static uint32_t
vf_sample_vlan(const struct sflow_datagram *dg, const struct sflow_sample *s)
{
    const struct sflow_record *rec;
    uint32_t i, vlan = 0;
    int from_switch = 0;

    for (i = 0; i < s->n_records && s->first_record + i < dg->n_records; i++) {
        rec = &dg->records[s->first_record + i];
        if (rec->schema == NULL || rec->error || rec->n_values < rec->schema->n_fields)
            continue;
        if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_EX_SWITCH)) {
            vlan = (uint32_t)rec->v[SF_SWITCH_IN_VLAN].u;
            from_switch = 1;
        } else if (rec->tag == SFLOW_TAG(0, SFLOW_FLOW_HEADER) && !from_switch &&
            rec->pkt != NULL && rec->pkt->outer.n_vlans > 0) {
            vlan = rec->pkt->outer.vlan_id[0];
        }
    }
    return vlan;
}

void
vlan_filter_apply(struct vlan_filter *f, struct sflow_datagram *dg)
{
    uint32_t i, n = 0, fmt, vlan;
    const struct sflow_sample *s;

    if (!f->active)
        return;
    for (i = 0; i < dg->n_samples && i < SFLOW_MAX_SAMPLES; i++) {
        s = &dg->samples[i];
        fmt = SFLOW_FORMAT(s->tag);
        if (SFLOW_ENTERPRISE(s->tag) == 0 && s->header_ok &&
            (fmt == SFLOW_FLOW_SAMPLE || fmt == SFLOW_FLOW_SAMPLE_EXPANDED)) {
            vlan = vf_sample_vlan(dg, s);
            if (vlan > VLAN_FILTER_MAX || !f->keep[vlan]) {
                f->dropped++;
                continue;
            }
        }
        if (n != i)
            dg->samples[n] = *s;
        n++;
    }
    dg->n_samples = n;
}
