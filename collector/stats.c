/* stats: counting what the collector saw; see stats.h. */
#include "stats.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "sflow_decode.h"

void
stats_init(struct stats *st)
{
    size_t i;

    memset(st, 0, sizeof(*st));
    for (i = 0; i < STATS_TAGS; i++)
        st->tags[i].counter = 2;
    seqtrack_init(&st->seq);
}

void
stats_free(struct stats *st)
{
    seqtrack_free(&st->seq);
}

static void
stats_tag(struct stats *st, uint32_t tag, uint32_t counter)
{
    size_t i = ((tag * 2654435761u) ^ counter) & (STATS_TAGS - 1), probes;

    for (probes = 0; probes < STATS_TAGS; probes++) {
        struct stats_tag *t = &st->tags[i];

        /* Found is the usual case; a free slot (counter 2) never matches. */
        if (t->tag == tag && t->counter == counter) {
            t->n++;
            return;
        }
        if (t->counter == 2) {
            t->tag = tag;
            t->counter = counter;
            t->n++;
            return;
        }
        i = (i + 1) & (STATS_TAGS - 1);
    }
    st->tags_other++;
}

/* The stream kind of each known sample format (1-5). */
static const uint32_t sample_kinds[6] = {
    [SFLOW_FLOW_SAMPLE] = SEQ_FLOW,
    [SFLOW_COUNTERS_SAMPLE] = SEQ_COUNTER,
    [SFLOW_FLOW_SAMPLE_EXPANDED] = SEQ_FLOW,
    [SFLOW_COUNTERS_SAMPLE_EXPANDED] = SEQ_COUNTER,
    [SFLOW_DISCARDED_PACKET] = SEQ_DISCARD,
};

void
stats_datagram(struct stats *st, const struct sflow_datagram *dg)
{
    const struct sflow_record *r, *end;
    struct seq_key key;
    uint64_t agent_hash;
    uint32_t i, fmt;

    st->datagrams++;
    st->bytes += dg->len;
    st->errors[dg->err.code]++;
    if (dg->err.code == SFLOW_OK)
        st->decoded++;
    if (dg->stage < 2)
        return;

    memset(&key, 0, sizeof(key));
    key.agent = dg->agent;
    key.sub_agent = dg->sub_agent_id;
    key.kind = SEQ_DATAGRAM;
    agent_hash = seqtrack_hash_agent(&key);
    seqtrack_update_agent(&st->seq, &key, agent_hash, dg->seq, dg->uptime);

    for (i = 0; i < dg->n_samples; i++) {
        const struct sflow_sample *s = &dg->samples[i];

        fmt = SFLOW_FORMAT(s->tag);
        if (!s->known) {
            st->samples[0]++;
            continue;
        }
        st->samples[fmt]++;
        if (s->header_ok) {
            key.kind = sample_kinds[fmt];
            key.ds_class = s->ds_class;
            key.ds_index = s->ds_index;
            seqtrack_update_agent(&st->seq, &key, agent_hash, s->seq, 0);
        }
        st->records += s->n_records;
        r = &dg->records[s->first_record];
        for (end = r + s->n_records; r < end; r++) {
            if (r->schema == NULL)
                st->unknown_records++;
            stats_tag(st, r->tag, key.kind == SEQ_COUNTER);
        }
    }
}

const char *
stats_addr(const struct sflow_addr *a, char *buf, size_t len)
{
    if (a->type == SFLOW_ADDR_IP4)
        return inet_ntop(AF_INET, a->a, buf, len);
    if (a->type == SFLOW_ADDR_IP6)
        return inet_ntop(AF_INET6, a->a, buf, len);
    snprintf(buf, len, "unknown");
    return buf;
}

static const char *const kind_names[] = { "datagrams", "flow", "counters", "discards" };

/* Most datagrams first. */
static int
by_traffic(const void *x, const void *y)
{
    const struct seq_stream *a = *(const struct seq_stream *const *)x;
    const struct seq_stream *b = *(const struct seq_stream *const *)y;

    return a->seen < b->seen ? 1 : a->seen > b->seen ? -1 : 0;
}

/*
 * One line per agent for the 'top' agents that sent the most datagrams
 * (all if 'top' is 0), then their total: anyone can make up agents, and
 * a report of a million lines helps nobody.
 */
static void
stats_print_agents(const struct seqtrack *t, size_t top, FILE *f)
{
    const struct seq_stream **agents;
    struct seq_stream sum;
    char addr[INET6_ADDRSTRLEN];
    size_t i, n = 0, n_agents = 0;

    memset(&sum, 0, sizeof(sum));
    agents = calloc(t->n ? t->n : 1, sizeof(*agents));
    for (i = 0; i < t->cap; i++) {
        const struct seq_stream *s = &t->tab[i];

        if (s->hash == 0 || s->key.kind != SEQ_DATAGRAM)
            continue;
        sum.seen += s->seen;
        sum.lost += s->lost;
        sum.restarts += s->restarts;
        sum.duplicates += s->duplicates;
        n_agents++;
        if (agents != NULL && n < t->n)
            agents[n++] = s;
    }
    if (agents == NULL)
        fprintf(f, "  (agents not listed: out of memory)\n");
    else
        qsort(agents, n, sizeof(*agents), by_traffic);
    if (top == 0 || top > n)
        top = n;
    for (i = 0; i < top; i++) {
        const struct seq_stream *s = agents[i];

        fprintf(f, "  agent %s sub-agent %u: datagrams %llu lost %llu restarts %llu"
            " duplicates %llu\n", stats_addr(&s->key.agent, addr, sizeof(addr)),
            s->key.sub_agent, (unsigned long long)s->seen,
            (unsigned long long)s->lost, (unsigned long long)s->restarts,
            (unsigned long long)s->duplicates);
    }
    free(agents);
    fprintf(f, "  agents %zu (%zu listed): datagrams %llu lost %llu restarts %llu"
        " duplicates %llu\n", n_agents, top, (unsigned long long)sum.seen,
        (unsigned long long)sum.lost, (unsigned long long)sum.restarts,
        (unsigned long long)sum.duplicates);
}

static void
stats_print_streams(const struct stats *st, size_t top, FILE *f)
{
    const struct seqtrack *t = &st->seq;
    char addr[INET6_ADDRSTRLEN];
    size_t i, shown = 0;

    stats_print_agents(t, top, f);
    for (i = 0; i < t->cap; i++) {
        const struct seq_stream *s = &t->tab[i];

        if (s->hash == 0 || s->key.kind == SEQ_DATAGRAM ||
            (s->lost == 0 && s->restarts == 0))
            continue;
        if (++shown > 100) {
            fprintf(f, "  (more sources with gaps not shown)\n");
            break;
        }
        fprintf(f, "  agent %s sub-agent %u source %u:%u %s samples %llu lost %llu"
            " restarts %llu\n", stats_addr(&s->key.agent, addr, sizeof(addr)),
            s->key.sub_agent, s->key.ds_class, s->key.ds_index,
            kind_names[s->key.kind], (unsigned long long)s->seen,
            (unsigned long long)s->lost, (unsigned long long)s->restarts);
    }
    if (t->untracked)
        fprintf(f, "  streams not tracked (table full) %llu\n",
            (unsigned long long)t->untracked);
}

void
stats_print(const struct stats *st, size_t top, FILE *f)
{
    size_t i;
    int e;

    fprintf(f, "sflowcollect statistics\n");
    if (st->frames)
        fprintf(f, "  frames %llu not_udp %llu not_sflow %llu\n",
            (unsigned long long)st->frames, (unsigned long long)st->not_udp,
            (unsigned long long)st->not_sflow);
    fprintf(f, "  datagrams %llu bytes %llu decoded %llu socket_drops %llu\n",
        (unsigned long long)st->datagrams, (unsigned long long)st->bytes,
        (unsigned long long)st->decoded, (unsigned long long)st->socket_drops);
    if (st->not_allowed)
        fprintf(f, "  not_allowed %llu (senders outside --allow, dropped undecoded)\n",
            (unsigned long long)st->not_allowed);
    fprintf(f, "  samples flow %llu counters %llu flow_expanded %llu"
        " counters_expanded %llu discarded %llu unknown %llu\n",
        (unsigned long long)st->samples[1], (unsigned long long)st->samples[2],
        (unsigned long long)st->samples[3], (unsigned long long)st->samples[4],
        (unsigned long long)st->samples[5], (unsigned long long)st->samples[0]);
    fprintf(f, "  records %llu unknown %llu\n", (unsigned long long)st->records,
        (unsigned long long)st->unknown_records);
    for (i = 0; i < STATS_TAGS; i++) {
        const struct stats_tag *t = &st->tags[i];

        if (t->counter == 2)
            continue;
        fprintf(f, "  %s %u:%u %llu\n", t->counter ? "counter_record" : "flow_record",
            SFLOW_ENTERPRISE(t->tag), SFLOW_FORMAT(t->tag), (unsigned long long)t->n);
    }
    if (st->tags_other)
        fprintf(f, "  records of other tags %llu\n", (unsigned long long)st->tags_other);
    for (e = 1; e < SFLOW_E_MAX; e++)
        if (st->errors[e])
            fprintf(f, "  error %s %llu\n", sflow_errname((enum sflow_err)e),
                (unsigned long long)st->errors[e]);
    stats_print_streams(st, top, f);
    fflush(f);
}
