/*
 * geoip: lookups of addresses in MaxMind DB files, behind a small cache;
 * see geoip.h.
 *
 * Country databases (GeoIP2/GeoLite2-Country, -City) are read at
 * country/iso_code, else registered_country/iso_code (anycast and
 * satellite networks have only the latter); ASN databases (GeoLite2-ASN)
 * at autonomous_system_number and autonomous_system_organization.
 *
 * The cache is direct-mapped: a fixed array indexed by a hash of the
 * address, a new address replacing whatever was in its slot.  Flow data
 * repeats a few addresses very often, a tree walk in the database costs
 * far more than a miss here, and memory stays fixed whatever is sent.
 */
#include "geoip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sflow_walk.h"

#define GEOIP_CACHE_SLOTS 4096          /* A power of two. */

struct geoip_slot {
    uint8_t used;
    uint8_t ipv6;
    uint8_t addr[16];
    uint8_t found;
    struct geoip_info info;
};

struct geoip {
    int refs;
    MMDB_s country;
    MMDB_s asn;
    int have_country, have_asn;
    uint64_t lookups, hits, misses, not_found, errors;
    struct geoip_slot cache[GEOIP_CACHE_SLOTS];
};

static struct geoip *shared;

static int
geoip_open_db(const char *path, MMDB_s *db, char *err, size_t errlen)
{
    int rc = MMDB_open(path, MMDB_MODE_MMAP, db);

    if (rc == MMDB_SUCCESS)
        return 0;
    if (rc == MMDB_IO_ERROR)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    else
        snprintf(err, errlen, "%s: %s", path, MMDB_strerror(rc));
    return rc == MMDB_IO_ERROR && errno != 0 ? errno : EINVAL;
}

int
geoip_acquire(const struct config *cfg, struct geoip **out, char *err, size_t errlen)
{
    struct geoip *g;
    int rc;

    *out = NULL;
    if (cfg->geoip_country == NULL && cfg->geoip_asn == NULL)
        return 0;
    if (shared != NULL) {
        shared->refs++;
        *out = shared;
        return 0;
    }
    if ((g = calloc(1, sizeof(*g))) == NULL) {
        snprintf(err, errlen, "out of memory");
        return ENOMEM;
    }
    if (cfg->geoip_country != NULL) {
        if ((rc = geoip_open_db(cfg->geoip_country, &g->country, err, errlen)) != 0) {
            free(g);
            return rc;
        }
        g->have_country = 1;
    }
    if (cfg->geoip_asn != NULL) {
        if ((rc = geoip_open_db(cfg->geoip_asn, &g->asn, err, errlen)) != 0) {
            if (g->have_country)
                MMDB_close(&g->country);
            free(g);
            return rc;
        }
        g->have_asn = 1;
    }
    g->refs = 1;
    shared = g;
    *out = g;
    return 0;
}

void
geoip_release(struct geoip *g)
{
    if (g == NULL || --g->refs > 0)
        return;
    if (g->have_country)
        MMDB_close(&g->country);
    if (g->have_asn)
        MMDB_close(&g->asn);
    if (shared == g)
        shared = NULL;
    free(g);
}

/* The entry for 'sa' in 'db', or 0 if none. */
static int
geoip_find(struct geoip *g, MMDB_s *db, const struct sockaddr *sa,
    MMDB_lookup_result_s *res)
{
    int mmdb_error = MMDB_SUCCESS;

    *res = MMDB_lookup_sockaddr(db, sa, &mmdb_error);
    if (mmdb_error != MMDB_SUCCESS) {
        g->errors++;
        return 0;
    }
    return res->found_entry;
}

/*
 * Reads the value at the path of keys after 'entry' into 'd'; 1 if it is
 * there.  A corrupt database shows here, not at open: libmaxminddb then
 * reports an error, and 'd' may hold anything (a string type with no
 * bytes, say), so it is never read; the lookup is counted as an error.
 */
static int
geoip_value(struct geoip *g, MMDB_entry_s *entry, MMDB_entry_data_s *d, ...)
{
    va_list keys;
    int rc;

    memset(d, 0, sizeof(*d));
    va_start(keys, d);
    rc = MMDB_vget_value(entry, d, keys);
    va_end(keys);
    if (rc == MMDB_SUCCESS)
        return d->has_data;
    if (rc != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR)
        g->errors++;
    memset(d, 0, sizeof(*d));
    return 0;
}

static void
geoip_string(const MMDB_entry_data_s *d, char *out, size_t size)
{
    size_t n;

    if (!d->has_data || d->type != MMDB_DATA_TYPE_UTF8_STRING || d->utf8_string == NULL)
        return;
    n = d->data_size < size - 1 ? d->data_size : size - 1;
    memcpy(out, d->utf8_string, n);
    out[n] = '\0';
}

static int
geoip_query(struct geoip *g, const struct sockaddr *sa, struct geoip_info *out)
{
    MMDB_lookup_result_s res;
    MMDB_entry_data_s d;
    int found = 0;

    if (g->have_country && geoip_find(g, &g->country, sa, &res)) {
        if (geoip_value(g, &res.entry, &d, "country", "iso_code", NULL) ||
            geoip_value(g, &res.entry, &d, "registered_country", "iso_code", NULL))
            geoip_string(&d, out->country, sizeof(out->country));
        found |= out->country[0] != '\0';
    }
    if (g->have_asn && geoip_find(g, &g->asn, sa, &res)) {
        if (geoip_value(g, &res.entry, &d, "autonomous_system_number", NULL)) {
            if (d.type == MMDB_DATA_TYPE_UINT32)
                out->asn = d.uint32;
            else if (d.type == MMDB_DATA_TYPE_UINT16)
                out->asn = d.uint16;
        }
        if (geoip_value(g, &res.entry, &d, "autonomous_system_organization", NULL))
            geoip_string(&d, out->org, sizeof(out->org));
        found |= out->asn != 0 || out->org[0] != '\0';
    }
    return found;
}

static uint32_t
geoip_hash(int ipv6, const uint8_t *addr)
{
    uint32_t h = 2166136261u;
    size_t i, n = ipv6 ? 16 : 4;

    for (i = 0; i < n; i++)
        h = (h ^ addr[i]) * 16777619u;
    return (h ^ (h >> 15)) & (GEOIP_CACHE_SLOTS - 1);
}

int
geoip_lookup(struct geoip *g, int ipv6, const uint8_t *addr, struct geoip_info *out)
{
    struct geoip_slot *s = &g->cache[geoip_hash(ipv6, addr)];
    size_t n = ipv6 ? 16 : 4;
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;

    g->lookups++;
    ipv6 = ipv6 != 0;
    if (s->used && s->ipv6 == ipv6 && memcmp(s->addr, addr, n) == 0) {
        g->hits++;
        *out = s->info;
        return s->found;
    }
    g->misses++;
    memset(s, 0, sizeof(*s));
    if (ipv6) {
        memset(&sin6, 0, sizeof(sin6));
        sin6.sin6_family = AF_INET6;
        memcpy(&sin6.sin6_addr, addr, 16);
        s->found = (uint8_t)geoip_query(g, (const struct sockaddr *)&sin6, &s->info);
    } else {
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        memcpy(&sin.sin_addr, addr, 4);
        s->found = (uint8_t)geoip_query(g, (const struct sockaddr *)&sin, &s->info);
    }
    if (!s->found)
        g->not_found++;
    s->used = 1;
    s->ipv6 = (uint8_t)ipv6;
    memcpy(s->addr, addr, n);
    *out = s->info;
    return s->found;
}

/* ---- Enrichment of the stdout renderers ---- */

/* The keys of one side of the packet: fixed, so none is built per sample. */
struct geoip_keys {
    const char *country, *as, *org;
};

static const struct geoip_keys geoip_src_keys = { "srcCountry", "srcAS", "srcASOrg" };
static const struct geoip_keys geoip_dst_keys = { "dstCountry", "dstAS", "dstASOrg" };

static void
geoip_emit_side(struct geoip *g, int ipv6, const uint8_t *addr,
    const struct geoip_keys *keys, sflow_walk_emit_fn emit, void *emit_arg)
{
    struct geoip_info info;
    char num[16];
    int n;

    if (!geoip_lookup(g, ipv6, addr, &info))
        return;
    if (info.country[0] != '\0')
        emit(emit_arg, keys->country, info.country, strlen(info.country), SFLOW_WALK_STR);
    if (info.asn != 0) {
        n = snprintf(num, sizeof(num), "%u", (unsigned int)info.asn);
        emit(emit_arg, keys->as, num, (size_t)n, SFLOW_WALK_NUM);
    }
    if (info.org[0] != '\0')
        emit(emit_arg, keys->org, info.org, strlen(info.org), SFLOW_WALK_STR);
}

static void
geoip_enrich(void *arg, int ipv6, const uint8_t *src, const uint8_t *dst,
    sflow_walk_emit_fn emit, void *emit_arg)
{
    geoip_emit_side(arg, ipv6, src, &geoip_src_keys, emit, emit_arg);
    geoip_emit_side(arg, ipv6, dst, &geoip_dst_keys, emit, emit_arg);
}

void
geoip_enrichment(struct geoip *g, struct sflow_enrich *e)
{
    e->fn = g != NULL ? geoip_enrich : NULL;
    e->arg = g;
}

void
geoip_stats(const struct geoip *g, FILE *f)
{
    if (g == NULL)
        return;
    fprintf(f, "  geoip lookups %llu cache_hits %llu cache_misses %llu not_found %llu"
        " errors %llu\n", (unsigned long long)g->lookups, (unsigned long long)g->hits,
        (unsigned long long)g->misses, (unsigned long long)g->not_found,
        (unsigned long long)g->errors);
}
