/*
 * records: port counter and flow records; see records.h.  Field order is
 * the schema's (convert/sflow_schema.c), which is wire order.
 */
#include "records.h"

#include <errno.h>
#include <string.h>

#include "sflow_encode.h"
#include "sflow_schema.h"
#include "sflow_types.h"

/* Writes record 'format' with 'n' values; EINVAL if the schema does not match. */
static int
put_record(struct wbuf *w, int counter, uint32_t format,
    const union sflow_value *v, size_t n)
{
    uint32_t tag = SFLOW_TAG(0, format);
    const struct sflow_schema *sc = sflow_schema_find(tag, counter);

    if (sc == NULL || sc->n_fields != n)
        return EINVAL;
    return sflow_enc_record(w, tag, sc, v);
}

void
records_port_unknown(struct records_port *p)
{
    memset(p, 0, sizeof(*p));
    p->in_octets = p->out_octets = RECORDS_UNKNOWN64;
    p->in_ucast = p->in_mcast = p->in_bcast = RECORDS_UNKNOWN32;
    p->in_discards = p->in_errors = p->in_unknown = RECORDS_UNKNOWN32;
    p->out_ucast = p->out_mcast = p->out_bcast = RECORDS_UNKNOWN32;
    p->out_discards = p->out_errors = RECORDS_UNKNOWN32;
    for (size_t i = 0; i < 13; i++)
        p->dot3[i] = RECORDS_UNKNOWN32;
}

int
records_port_counters(struct wbuf *w, void *arg)
{
    const struct records_port *p = arg;
    union sflow_value v[19];
    size_t n = 0;
    int error;

    memset(v, 0, sizeof(v));
    v[n++].u = p->ifindex;
    v[n++].u = p->iftype;
    v[n++].u = p->speed;
    v[n++].u = p->direction;
    v[n++].u = p->status;
    v[n++].u = p->in_octets;
    v[n++].u = p->in_ucast;
    v[n++].u = p->in_mcast;
    v[n++].u = p->in_bcast;
    v[n++].u = p->in_discards;
    v[n++].u = p->in_errors;
    v[n++].u = p->in_unknown;
    v[n++].u = p->out_octets;
    v[n++].u = p->out_ucast;
    v[n++].u = p->out_mcast;
    v[n++].u = p->out_bcast;
    v[n++].u = p->out_discards;
    v[n++].u = p->out_errors;
    v[n++].u = p->promisc;
    error = put_record(w, 1, SFLOW_CTR_GENERIC, v, n);
    if (error)
        return error;

    memset(v, 0, sizeof(v));
    for (n = 0; n < 13; n++)
        v[n].u = p->dot3[n];
    error = put_record(w, 1, SFLOW_CTR_ETHERNET, v, n);
    if (error)
        return error;

    memset(v, 0, sizeof(v));
    v[SF_PORTNAME_IFNAME].b.p = (const uint8_t *)p->name;
    v[SF_PORTNAME_IFNAME].b.len = (uint32_t)strnlen(p->name, sizeof(p->name));
    return put_record(w, 1, SFLOW_CTR_PORT_NAME, v, 1);
}

int
records_flow(struct wbuf *w, void *arg)
{
    const struct records_flow *f = arg;
    union sflow_value v[4];
    int error;

    error = sflow_enc_header(w, f->header_protocol, f->frame_length, f->stripped,
        f->header, f->header_len);
    if (error)
        return error;
    memset(v, 0, sizeof(v));
    v[SF_SWITCH_IN_VLAN].u = f->in_vlan;
    v[SF_SWITCH_IN_PRIORITY].u = f->in_priority;
    v[SF_SWITCH_OUT_VLAN].u = f->out_vlan;
    v[SF_SWITCH_OUT_PRIORITY].u = f->out_priority;
    return put_record(w, 0, SFLOW_FLOW_EX_SWITCH, v, 4);
}
