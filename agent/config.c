/*
 * config: settings from the command line and a config file; see config.h.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datagram.h"
#include "num_parse.h"
#include "sampler.h"

#define DEFAULT_RATE 256
#define DEFAULT_POLLING 20
#define DEFAULT_HEADER 128
#define MAX_HEADER 1024

void
config_init(struct config *c)
{
    memset(c, 0, sizeof(*c));
    c->rate = DEFAULT_RATE;
    c->polling = DEFAULT_POLLING;
    c->header_bytes = DEFAULT_HEADER;
    c->datagram_bytes = DGRAM_DEFAULT_BYTES;
}

static void
free_list(char **l, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free(l[i]);
    *n = 0;
}

void
config_free(struct config *c)
{
    free_list(c->bridges, &c->nb);
    free_list(c->ifaces, &c->ni);
    free_list(c->collectors, &c->nc);
    free(c->agent);
    free(c->pidfile);
    c->agent = c->pidfile = NULL;
}

static int
parse_u32(const char *v, uint32_t lo, uint32_t hi, uint32_t *out)
{
    long n;

    if (num_parse_long(v, lo, hi, &n) != 0)
        return EINVAL;
    *out = (uint32_t)n;
    return 0;
}

static int
add_list(char **l, size_t *n, const char *v, char *err, size_t errsz)
{
    if (*n == CONFIG_MAX_LIST) {
        snprintf(err, errsz, "more than %d entries", CONFIG_MAX_LIST);
        return EINVAL;
    }
    if ((l[*n] = strdup(v)) == NULL) {
        snprintf(err, errsz, "out of memory");
        return ENOMEM;
    }
    (*n)++;
    return 0;
}

static int
set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = strdup(v);
    return *dst ? 0 : ENOMEM;
}

int
config_set(struct config *c, const char *name, const char *value,
    char *err, size_t errsz)
{
    if (value == NULL || value[0] == '\0') {
        snprintf(err, errsz, "%s: missing value", name);
        return EINVAL;
    }
    if (strcmp(name, "bridge") == 0)
        return add_list(c->bridges, &c->nb, value, err, errsz);
    if (strcmp(name, "interface") == 0)
        return add_list(c->ifaces, &c->ni, value, err, errsz);
    if (strcmp(name, "collector") == 0)
        return add_list(c->collectors, &c->nc, value, err, errsz);
    if (strcmp(name, "sampling") == 0) {
        if (parse_u32(value, 1, SAMPLER_MAX_RATE, &c->rate))
            goto range;
        c->set[CK_RATE] = true;
        return 0;
    }
    if (strcmp(name, "polling") == 0) {
        if (parse_u32(value, 0, 86400, &c->polling))
            goto range;
        c->set[CK_POLLING] = true;
        return 0;
    }
    if (strcmp(name, "header-bytes") == 0) {
        if (parse_u32(value, 14, MAX_HEADER, &c->header_bytes))
            goto range;
        c->set[CK_HEADER] = true;
        return 0;
    }
    if (strcmp(name, "datagram-bytes") == 0) {
        if (parse_u32(value, DGRAM_MIN_BYTES, DGRAM_MAX_BYTES, &c->datagram_bytes))
            goto range;
        c->set[CK_DGRAM] = true;
        return 0;
    }
    if (strcmp(name, "agent") == 0) {
        c->set[CK_AGENT] = true;
        return set_str(&c->agent, value);
    }
    if (strcmp(name, "pidfile") == 0) {
        c->set[CK_PIDFILE] = true;
        return set_str(&c->pidfile, value);
    }
    if (strcmp(name, "host-counters") == 0) {
        if (strcmp(value, "yes") == 0 || strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
            c->host_counters = true;
        else if (strcmp(value, "no") == 0 || strcmp(value, "off") == 0 || strcmp(value, "0") == 0)
            c->host_counters = false;
        else
            goto range;
        c->set[CK_HOST] = true;
        return 0;
    }
    snprintf(err, errsz, "unknown setting '%s'", name);
    return EINVAL;
range:
    snprintf(err, errsz, "%s: bad value '%s' (sampling 1-%u, polling 0-86400, header-bytes 14-%d, "
        "datagram-bytes %d-%d, host-counters yes|no)", name, value, SAMPLER_MAX_RATE, MAX_HEADER,
        DGRAM_MIN_BYTES, DGRAM_MAX_BYTES);
    return EINVAL;
}

int
config_load(struct config *c, const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "re");
    int e;

    if (f == NULL) {
        e = errno;
        snprintf(err, errsz, "%s: %s", path, strerror(e));
        return e;
    }
    e = config_read(c, f, path, err, errsz);
    fclose(f);
    return e;
}

int
config_read(struct config *c, FILE *f, const char *path, char *err, size_t errsz)
{
    char line[1024], msg[256];
    unsigned lineno = 0;
    int e = 0;

    while (fgets(line, sizeof(line), f)) {
        char *p = line, *name, *value, *end;

        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            snprintf(err, errsz, "%s:%u: line too long", path, lineno);
            e = EINVAL;
            break;
        }
        if ((end = strchr(p, '#')) != NULL)
            *end = '\0';
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            continue;
        name = p;
        while (*p && !isspace((unsigned char)*p) && *p != '=')
            p++;
        if (*p)
            *p++ = '\0';
        while (isspace((unsigned char)*p) || *p == '=')
            p++;
        value = p;
        end = value + strlen(value);
        while (end > value && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if ((e = config_set(c, name, value, msg, sizeof(msg))) != 0) {
            snprintf(err, errsz, "%s:%u: %s", path, lineno, msg);
            break;
        }
    }
    return e;
}

static void
copy_list(char **dst, size_t *nd, char *const *src, size_t ns)
{
    for (size_t i = 0; i < ns; i++) {
        char *s = strdup(src[i]);

        if (s != NULL)
            dst[(*nd)++] = s;
    }
}

void
config_merge(struct config *out, const struct config *file, const struct config *cli)
{
    const struct config *src;

    config_init(out);
    copy_list(out->bridges, &out->nb, cli->nb || cli->ni ? cli->bridges : file->bridges,
        cli->nb || cli->ni ? cli->nb : file->nb);
    copy_list(out->ifaces, &out->ni, cli->nb || cli->ni ? cli->ifaces : file->ifaces,
        cli->nb || cli->ni ? cli->ni : file->ni);
    copy_list(out->collectors, &out->nc, cli->nc ? cli->collectors : file->collectors,
        cli->nc ? cli->nc : file->nc);
#define PICK(key) (src = cli->set[key] ? cli : file->set[key] ? file : NULL)
    if (PICK(CK_RATE))
        out->rate = src->rate;
    if (PICK(CK_POLLING))
        out->polling = src->polling;
    if (PICK(CK_HEADER))
        out->header_bytes = src->header_bytes;
    if (PICK(CK_DGRAM))
        out->datagram_bytes = src->datagram_bytes;
    if (PICK(CK_HOST))
        out->host_counters = src->host_counters;
    if (PICK(CK_AGENT))
        out->agent = strdup(src->agent);
    if (PICK(CK_PIDFILE))
        out->pidfile = strdup(src->pidfile);
#undef PICK
}

int
config_check(const struct config *c, char *err, size_t errsz)
{
    if (c->nb == 0 && c->ni == 0) {
        snprintf(err, errsz, "nothing to sample: give a bridge (-b) or an interface (-i)");
        return EINVAL;
    }
    if (c->nc == 0) {
        snprintf(err, errsz, "no collector: give one with -c HOST[:PORT]");
        return EINVAL;
    }
    return 0;
}
