/*
 * geoip: country and AS number/organisation of IP addresses, from MaxMind
 * DB files (--geoip-country, --geoip-asn) read with libmaxminddb.
 *
 * One instance is shared by every sink that asks for it (the stdout
 * renderers through an enrichment passed to the walk, and the NetFlow export),
 * so each file is opened once and one cache serves all.  Not thread-safe.
 */
#ifndef SFK_GEOIP_H
#define SFK_GEOIP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "sflow_walk.h"

struct geoip;

struct geoip_info {
    char country[4];            /* ISO 3166 code, "" if unknown. */
    uint32_t asn;               /* 0 if unknown. */
    char org[96];               /* AS organisation, "" if unknown (may be cut). */
};

/*
 * Takes a reference to the shared instance for the files 'cfg' names,
 * opening them on first use.  Returns 0 with '*out' NULL when 'cfg' names
 * no file, 0 with '*out' set, or an errno value with a message in 'err'.
 */
int geoip_acquire(const struct config *cfg, struct geoip **out, char *err, size_t errlen);

/* Drops a reference from geoip_acquire(); the last closes the files. */
void geoip_release(struct geoip *);

/*
 * Looks up 'addr' (4 bytes if 'ipv6' is 0, else 16) into 'out'.  Returns 1
 * if any database knew something about it, else 0 ('out' then empty).
 */
int geoip_lookup(struct geoip *, int ipv6, const uint8_t *addr, struct geoip_info *out);

/*
 * The enrichment of the stdout renderers (sflow_walk.h) for 'g': they add
 * srcCountry, dstCountry, srcAS, dstAS, srcASOrg, dstASOrg.  With 'g'
 * NULL, none.
 */
void geoip_enrichment(struct geoip *g, struct sflow_enrich *e);

/* Lookups, cache hits and misses, for --stats. */
void geoip_stats(const struct geoip *, FILE *);

#endif /* SFK_GEOIP_H */
