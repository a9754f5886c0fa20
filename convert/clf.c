/* clf: HTTP Common Log Format from http_request records; see clf.h. */
#include "clf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <time.h>

#include "sflow_schema.h"

/* http_method values (sflow_http.txt). */
static const char *const clf_methods[] = {
    "-", "OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT",
};

/* The value of field 'name' of 'rec', or NULL. */
static const union sflow_value *
clf_field(const struct sflow_record *rec, const char *name)
{
    int i = sflow_schema_field(rec->schema, name);

    return i >= 0 && (uint32_t)i < rec->n_values ? &rec->v[i] : NULL;
}

static void
clf_string(FILE *f, const union sflow_value *v)
{
    uint32_t i;
    uint8_t c;

    if (v == NULL || v->b.len == 0) {
        fputc('-', f);
        return;
    }
    for (i = 0; i < v->b.len; i++) {
        c = v->b.p[i];
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
}

static void
clf_line(FILE *f, const struct dgram_meta *meta, const struct sflow_record *http,
    const struct sflow_record *sock)
{
    const union sflow_value *method = clf_field(http, "http_method");
    const union sflow_value *proto = clf_field(http, "http_protocol");
    const union sflow_value *status = clf_field(http, "http_status");
    const union sflow_value *bytes = clf_field(http, "http_bytes");
    const union sflow_value *remote;
    char addr[INET6_ADDRSTRLEN] = "", when[64];
    time_t t = meta->ts.tv_sec;
    struct tm tm;

    if (sock != NULL && (remote = clf_field(sock, sock->tag == SFLOW_TAG(0, 2100) ?
        "socket4_remote_ip" : "socket6_remote_ip")) != NULL) {
        inet_ntop(sock->tag == SFLOW_TAG(0, 2100) ? AF_INET : AF_INET6, remote->b.p,
            addr, sizeof(addr));
    }
    localtime_r(&t, &tm);
    strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S %z", &tm);
    fprintf(f, "%s - ", addr);
    clf_string(f, clf_field(http, "http_authuser"));
    fprintf(f, " [%s] \"%s ", when, method != NULL && method->u <
        sizeof(clf_methods) / sizeof(clf_methods[0]) ? clf_methods[method->u] : "-");
    clf_string(f, clf_field(http, "http_uri"));
    fprintf(f, " HTTP/%u.%u\" %u %llu \"", proto ? (unsigned)(proto->u / 1000) : 0,
        proto ? (unsigned)(proto->u % 1000) : 0, status ? (unsigned)status->u : 0,
        bytes ? (unsigned long long)bytes->u : 0);
    clf_string(f, clf_field(http, "http_referrer"));
    fputs("\" \"", f);
    clf_string(f, clf_field(http, "http_useragent"));
    fputs("\"\n", f);
}

unsigned int
clf_datagram(FILE *f, const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    const struct sflow_record *rec, *http, *sock;
    const struct sflow_sample *s;
    unsigned int lines = 0;
    uint32_t i, j;

    for (i = 0; i < dg->n_samples && i < SFLOW_MAX_SAMPLES; i++) {
        s = &dg->samples[i];
        if (SFLOW_ENTERPRISE(s->tag) != 0 || (SFLOW_FORMAT(s->tag) != SFLOW_FLOW_SAMPLE &&
            SFLOW_FORMAT(s->tag) != SFLOW_FLOW_SAMPLE_EXPANDED))
            continue;
        http = sock = NULL;
        for (j = 0; j < s->n_records && s->first_record + j < dg->n_records; j++) {
            rec = &dg->records[s->first_record + j];
            if (rec->schema == NULL || rec->error || rec->n_values < rec->schema->n_fields)
                continue;
            if (rec->tag == SFLOW_TAG(0, 2201) || rec->tag == SFLOW_TAG(0, 2206))
                http = rec;
            else if (rec->tag == SFLOW_TAG(0, 2100) || rec->tag == SFLOW_TAG(0, 2101))
                sock = rec;
        }
        if (http != NULL) {
            clf_line(f, meta, http, sock);
            lines++;
        }
    }
    return lines;
}
