/*
 * rrd: generic interface counters (0:1) into RRD files, one per agent and
 * ifIndex, written through librrd (--rrd DIR, --rrdcached ADDR), and the
 * traffic graph of one such file (--graph).
 *
 *   DIR/<agent>/if<ifIndex>.rrd     agent: 10.0.0.1, or 2001:db8::1
 *
 * Every file has the same layout, so that graphs and scripts can rely on it:
 * step RRD_STEP seconds, heartbeat RRD_HEARTBEAT, and the data sources
 * below, updated at the datagram's own time (the capture's timestamp for
 * -r), so an old capture fills its files at the times it was taken.
 *
 * The octet counters are 64 bits wide and never wrap, so a decrease means
 * the agent restarted: DERIVE with minimum 0 turns that interval into
 * unknown instead of a spike.  The packet, discard and error counters are
 * 32 bits wide and wrap within minutes on a busy 10G port: COUNTER adds the
 * 2^32 back.
 *
 * librrd refuses an update that is not later than the file's last one; the
 * sink keeps each file's last update time and counts such samples as
 * skipped instead of asking librrd and logging its refusal.
 */
#include "rrd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "log.h"
#include "sflow_schema.h"
#include "stats.h"

#define RRD_STEP 20             /* s: the usual sFlow counter polling interval. */
#define RRD_HEARTBEAT 120       /* s: survives a lost sample or 60 s polling. */
#define RRD_RETRY 60            /* s before trying again to create a file that failed. */
#define RRD_WARN_PER_SECOND 10

/* Data sources: name, schema field, type.  The order is the file's. */
static const struct rrd_ds {
    const char *ds;
    const char *field;
    const char *type;
} rrd_ds[] = {
    { "in_octets", "ifInOctets", "DERIVE" },
    { "out_octets", "ifOutOctets", "DERIVE" },
    { "in_ucast", "ifInUcastPkts", "COUNTER" },
    { "out_ucast", "ifOutUcastPkts", "COUNTER" },
    { "in_mcast", "ifInMulticastPkts", "COUNTER" },
    { "out_mcast", "ifOutMulticastPkts", "COUNTER" },
    { "in_bcast", "ifInBroadcastPkts", "COUNTER" },
    { "out_bcast", "ifOutBroadcastPkts", "COUNTER" },
    { "in_discards", "ifInDiscards", "COUNTER" },
    { "out_discards", "ifOutDiscards", "COUNTER" },
    { "in_errors", "ifInErrors", "COUNTER" },
    { "out_errors", "ifOutErrors", "COUNTER" },
};
#define RRD_N_DS (sizeof(rrd_ds) / sizeof(rrd_ds[0]))

/*
 * Archives: 1 day at the step, 31 days of hourly average and maximum,
 * 366 days of daily average and maximum.  rrd_graph_draw() relies on the
 * finest coming first.
 */
static const char *const rrd_rra[] = {
    "RRA:AVERAGE:0.5:1:4320",
    "RRA:AVERAGE:0.5:180:744",
    "RRA:MAX:0.5:180:744",
    "RRA:AVERAGE:0.5:4320:366",
    "RRA:MAX:0.5:4320:366",
};
#define RRD_N_RRA (sizeof(rrd_rra) / sizeof(rrd_rra[0]))

/* One (agent, ifIndex) file. */
struct rrd_file {
    struct rrd_file *next;      /* Hash chain. */
    struct sflow_addr agent;
    uint32_t if_index;
    char *path;
    int ready;                  /* The file exists and 'last_us' is its last update. */
    int64_t last_us;            /* µs since the epoch. */
    time_t retry_after;         /* Not ready: wall time of the next creation attempt. */
    int warned;                 /* An error of this file was logged. */
};

struct rrd_sink {
    struct sink sink;
    char *dir;
    const char *daemon;         /* rrdcached address, or NULL. */
    int from_file;              /* Datagrams came from a capture: flush at close. */

    /* Schema indices of ifIndex and of each data source's field. */
    int fi_index;
    int fi[RRD_N_DS];
    int fi_wide[RRD_N_DS];      /* 64-bit field: all-ones is 2^64-1. */

    struct rrd_file **buckets;
    size_t n_buckets;           /* A power of two. */
    size_t n_files;
    size_t max_files;           /* --rrd-max-files; 0: no limit. */

    uint64_t created, updates, skipped, unknown_values, errors;
    uint64_t over_limit;        /* Samples of interfaces refused a file by the limit. */

    time_t warn_second;
    unsigned int warn_count;
    uint64_t warn_suppressed;
};

static char *
file_path(const char *dir, const char *agent, uint32_t if_index)
{
    size_t len = strlen(dir) + strlen(agent) + 32;
    char *p = malloc(len);

    if (p != NULL)
        snprintf(p, len, "%s/%s/if%" PRIu32 ".rrd", dir, agent, if_index);
    return p;
}

/* A remote sender can make every update fail (a new agent per datagram). */
static void
rrd_warn(struct rrd_sink *r, struct rrd_file *f, const char *what)
{
    time_t now = time(NULL);
    const char *e = rrd_get_error();

    if (f->warned)
        goto out;
    f->warned = 1;
    if (now != r->warn_second) {
        if (r->warn_suppressed)
            log_warnx("rrd: %" PRIu64 " more errors not shown", r->warn_suppressed);
        r->warn_second = now;
        r->warn_count = 0;
        r->warn_suppressed = 0;
    }
    if (++r->warn_count > RRD_WARN_PER_SECOND)
        r->warn_suppressed++;
    else
        log_warnx("rrd: %s %s: %s", what, f->path, e != NULL && *e ? e : "failed");
out:
    rrd_clear_error();
}

static size_t
hash(const struct sflow_addr *agent, uint32_t if_index)
{
    uint64_t h = 1469598103934665603ull;    /* FNV-1a */
    size_t i;

    for (i = 0; i < sizeof(agent->a); i++)
        h = (h ^ agent->a[i]) * 1099511628211ull;
    h = (h ^ agent->type) * 1099511628211ull;
    h = (h ^ if_index) * 1099511628211ull;
    return (size_t)(h ^ h >> 32);
}

static void
grow(struct rrd_sink *r)
{
    size_t n = r->n_buckets * 2, i;
    struct rrd_file **b = calloc(n, sizeof(*b));
    struct rrd_file *f, *next;

    if (b == NULL)
        return;             /* Longer chains, still correct. */
    for (i = 0; i < r->n_buckets; i++)
        for (f = r->buckets[i]; f != NULL; f = next) {
            size_t h = hash(&f->agent, f->if_index) & (n - 1);

            next = f->next;
            f->next = b[h];
            b[h] = f;
        }
    free(r->buckets);
    r->buckets = b;
    r->n_buckets = n;
}

/*
 * The entry of ('agent', 'if_index'), added if new; NULL if out of memory
 * or, counted and logged once, when --rrd-max-files entries exist: each is
 * a file of ~600 KB that anyone able to send a datagram can ask for.
 * All 16 bytes of the address key it: the decoder zeroes those past an
 * IPv4 address (decode_addr() in convert/sflow_decode.c).
 */
static struct rrd_file *
lookup(struct rrd_sink *r, const struct sflow_addr *agent, uint32_t if_index)
{
    size_t h = hash(agent, if_index) & (r->n_buckets - 1);
    char text[INET6_ADDRSTRLEN];
    struct rrd_file *f;

    for (f = r->buckets[h]; f != NULL; f = f->next)
        if (f->if_index == if_index && f->agent.type == agent->type &&
            memcmp(f->agent.a, agent->a, sizeof(agent->a)) == 0)
            return f;
    if (r->max_files && r->n_files >= r->max_files) {
        if (r->over_limit++ == 0)
            log_warnx("rrd: --rrd-max-files %zu reached: counters of further interfaces"
                " are not stored (counted as over_limit)", r->max_files);
        return NULL;
    }
    f = calloc(1, sizeof(*f));
    if (f == NULL)
        return NULL;
    /* The agent's address as text (hex digits, dots, colons): no path from a sender's bytes. */
    stats_addr(agent, text, sizeof(text));
    f->path = file_path(r->dir, text, if_index);
    if (f->path == NULL) {
        free(f);
        return NULL;
    }
    f->agent = *agent;
    f->if_index = if_index;
    f->next = r->buckets[h];
    r->buckets[h] = f;
    if (++r->n_files > r->n_buckets)
        grow(r);
    return f;
}

/* mkdir of the file's directory; 0 or an errno. */
static int
make_parent(const char *path)
{
    char *dir = strdup(path), *slash;
    int rc = 0;

    if (dir == NULL)
        return ENOMEM;
    slash = strrchr(dir, '/');
    if (slash != NULL) {
        *slash = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            rc = errno;
    }
    free(dir);
    return rc;
}

/*
 * Makes 'f' ready for an update at 'ts_sec': finds the last update of an
 * existing file, or creates the file to start just before 'ts_sec'.
 * Returns 0, or -1 (counted, logged, retried later).
 */
static int
prepare(struct rrd_sink *r, struct rrd_file *f, time_t ts_sec)
{
    const char *argv[RRD_N_DS + RRD_N_RRA];
    char ds[RRD_N_DS][64];
    time_t now = time(NULL), last;
    size_t i, n = 0;
    int rc;

    if (f->retry_after != 0 && now < f->retry_after)
        return -1;
    /*
     * A file left by an earlier run goes on from its last update; the
     * daemon answers with the update it has not written yet.  Its
     * sub-second part is not available, so the whole second counts.
     */
    last = r->daemon ? rrdc_last(f->path) : rrd_last_r(f->path);
    if (last > 0) {
        rrd_clear_error();
        f->last_us = (int64_t)last * 1000000 + 999999;
        f->ready = 1;
        return 0;
    }
    rrd_clear_error();
    if ((rc = make_parent(f->path)) != 0) {
        rrd_set_error("mkdir: %s", strerror(rc));
        goto fail;
    }
    for (i = 0; i < RRD_N_DS; i++) {
        snprintf(ds[i], sizeof(ds[i]), "DS:%s:%s:%d:0:U", rrd_ds[i].ds, rrd_ds[i].type,
            RRD_HEARTBEAT);
        argv[n++] = ds[i];
    }
    for (i = 0; i < RRD_N_RRA; i++)
        argv[n++] = rrd_rra[i];
    /* no_overwrite: another collector may have created it meanwhile. */
    if (r->daemon)
        rc = rrdc_create_r2(f->path, RRD_STEP, ts_sec - 1, 1, NULL, NULL, (int)n, argv);
    else
        rc = rrd_create_r2(f->path, RRD_STEP, ts_sec - 1, 1, NULL, NULL, (int)n, argv);
    if (rc != 0)
        goto fail;
    r->created++;
    f->last_us = ((int64_t)ts_sec - 1) * 1000000;
    f->ready = 1;
    f->retry_after = 0;
    return 0;
fail:
    r->errors++;
    f->retry_after = now + RRD_RETRY;
    rrd_warn(r, f, "create");
    return -1;
}

static int
all_ones(uint64_t v, int wide)
{
    return wide ? v == UINT64_MAX : v == UINT32_MAX;
}

static void
store(struct rrd_sink *r, const struct sflow_addr *agent, const struct sflow_record *rec,
    const struct timeval *ts)
{
    char buf[32 + RRD_N_DS * 21], *p = buf;
    const char *argv[1];
    int64_t t_us = (int64_t)ts->tv_sec * 1000000 + ts->tv_usec;
    uint32_t if_index = (uint32_t)rec->v[r->fi_index].u;
    struct rrd_file *f;
    size_t i;
    int rc;

    f = lookup(r, agent, if_index);
    if (f == NULL) {
        if (r->max_files == 0 || r->n_files < r->max_files)
            r->errors++;
        return;
    }
    if (!f->ready && prepare(r, f, ts->tv_sec) != 0)
        return;
    if (t_us <= f->last_us) {
        r->skipped++;
        return;
    }
    p += snprintf(p, sizeof(buf), "%lld.%06ld", (long long)ts->tv_sec, (long)ts->tv_usec);
    for (i = 0; i < RRD_N_DS; i++) {
        uint64_t v = rec->v[r->fi[i]].u;

        if (all_ones(v, r->fi_wide[i])) {
            r->unknown_values++;
            p += snprintf(p, (size_t)(buf + sizeof(buf) - p), ":U");
        } else
            p += snprintf(p, (size_t)(buf + sizeof(buf) - p), ":%" PRIu64, v);
    }
    argv[0] = buf;
    if (r->daemon)
        rc = rrdc_update(f->path, 1, argv);
    else
        rc = rrd_update_r(f->path, NULL, 1, argv);
    if (rc != 0) {
        r->errors++;
        /* Removed or replaced under us: look at the file again next time. */
        f->ready = 0;
        rrd_warn(r, f, "update");
        return;
    }
    f->last_us = t_us;
    r->updates++;
}

static void
rrd_datagram(void *ctx, const uint8_t *raw, size_t len, const struct dgram_meta *meta,
    const struct sflow_datagram *dg)
{
    struct rrd_sink *r = ctx;
    uint32_t i, j;

    (void)raw, (void)len;
    if (dg->stage < 2)
        return;
    if (meta->from_file)
        r->from_file = 1;
    /* Samples decoded before an error are whole; records carry their own error. */
    for (i = 0; i < dg->n_samples; i++) {
        const struct sflow_sample *s = &dg->samples[i];

        if (s->tag != SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE) &&
            s->tag != SFLOW_TAG(0, SFLOW_COUNTERS_SAMPLE_EXPANDED))
            continue;
        if (!s->header_ok)
            continue;
        for (j = 0; j < s->n_records; j++) {
            const struct sflow_record *rec;

            if (s->first_record + j >= dg->n_records)
                break;
            rec = &dg->records[s->first_record + j];
            if (rec->tag != SFLOW_TAG(0, SFLOW_CTR_GENERIC) || rec->error ||
                rec->schema == NULL || rec->n_values < rec->schema->n_fields)
                continue;
            store(r, &dg->agent, rec, &meta->ts);
        }
    }
}

static void
rrd_stats(void *ctx, FILE *out)
{
    struct rrd_sink *r = ctx;

    fprintf(out, "rrd: %zu files, %" PRIu64 " created, %" PRIu64 " updates, %" PRIu64
        " skipped (not after the last update), %" PRIu64 " unknown values, %" PRIu64
        " errors, %" PRIu64 " over_limit\n", r->n_files, r->created, r->updates, r->skipped,
        r->unknown_values, r->errors, r->over_limit);
}

static void
rrd_close(void *ctx)
{
    struct rrd_sink *r = ctx;
    struct rrd_file *f, *next;
    size_t i;

    for (i = 0; i < r->n_buckets; i++)
        for (f = r->buckets[i]; f != NULL; f = next) {
            next = f->next;
            /* A capture is done: its files should be complete when we exit. */
            if (r->daemon && r->from_file && f->ready && rrdc_flush(f->path) != 0)
                rrd_warn(r, f, "flush");
            free(f->path);
            free(f);
        }
    if (r->daemon)
        rrdc_disconnect();
    free(r->buckets);
    free(r->dir);
    free(r);
}

struct sink *
rrd_sink_open(const struct config *cfg, char *err, size_t errlen)
{
    const struct sflow_schema *sc = sflow_schema_find(SFLOW_TAG(0, SFLOW_CTR_GENERIC), 1);
    struct rrd_sink *r;
    size_t i, n;

    if (sc == NULL) {
        snprintf(err, errlen, "--rrd: no schema for generic interface counters");
        return NULL;
    }
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        goto nomem;
    n = strlen(cfg->rrd_dir);
    while (n > 1 && cfg->rrd_dir[n - 1] == '/')
        n--;
    r->dir = strndup(cfg->rrd_dir, n);
    r->max_files = (size_t)cfg->rrd_max_files;
    r->n_buckets = 256;
    r->buckets = calloc(r->n_buckets, sizeof(*r->buckets));
    if (r->dir == NULL || r->buckets == NULL)
        goto nomem;
    r->fi_index = sflow_schema_field(sc, "ifIndex");
    for (i = 0; i < RRD_N_DS; i++) {
        r->fi[i] = sflow_schema_field(sc, rrd_ds[i].field);
        if (r->fi[i] < 0 || r->fi_index < 0) {
            snprintf(err, errlen, "--rrd: generic counters lack %s", rrd_ds[i].field);
            goto fail;
        }
        r->fi_wide[i] = sc->fields[r->fi[i]].type == SFT_U64;
    }
    if (mkdir(r->dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "--rrd %s: %s", r->dir, strerror(errno));
        goto fail;
    }
    if (cfg->rrdcached != NULL) {
        r->daemon = cfg->rrdcached;
        if (rrdc_connect(r->daemon) != 0) {
            const char *e = rrd_get_error();

            snprintf(err, errlen, "--rrdcached %s: %s", r->daemon,
                e != NULL && *e ? e : "cannot connect");
            rrd_clear_error();
            goto fail;
        }
    }
    r->sink.name = "rrd";
    r->sink.ctx = r;
    r->sink.datagram = rrd_datagram;
    r->sink.stats = rrd_stats;
    r->sink.close = rrd_close;
    return &r->sink;
nomem:
    snprintf(err, errlen, "out of memory");
fail:
    if (r != NULL) {
        free(r->buckets);
        free(r->dir);
        free(r);
    }
    return NULL;
}

/* Backslashes before the colons of 'path', which rrd_graph reads as separators. */
static void
escape_colons(const char *path, char *buf, size_t len)
{
    size_t o = 0;

    for (; *path != '\0' && o + 2 < len; path++) {
        if (*path == ':' || *path == '\\')
            buf[o++] = '\\';
        buf[o++] = *path;
    }
    buf[o] = '\0';
}

/*
 * The first time with data in 'path', or -1 if there is none.  The
 * archives are searched from the finest: the first whose window begins with
 * unknown rows and then has data shows where the data begins; while the
 * data reaches back to the start of a window, a coarser archive may reach
 * further.
 */
static time_t
data_start(const char *path, time_t last)
{
    time_t found = -1;
    int rra;

    for (rra = 0; ; rra++) {
        time_t first = rrd_first_r(path, rra), start, end, t;
        unsigned long step = 1, n_ds, i, row = 0;
        char **names = NULL;
        rrd_value_t *data = NULL, *v;
        int known = 0;

        if (first < 0)
            break;
        start = first;
        end = last;
        if (rrd_fetch_r(path, "AVERAGE", &start, &end, &step, &n_ds, &names, &data) != 0)
            break;
        for (t = start + (time_t)step, v = data; t <= end && !known;
            t += (time_t)step, row++, v += n_ds)
            for (i = 0; i < n_ds; i++)
                if (!isnan(v[i]))
                    known = 1;
        for (i = 0; i < n_ds; i++)
            rrd_freemem(names[i]);
        rrd_freemem(names);
        rrd_freemem(data);
        if (!known)
            continue;
        t = start + (time_t)(row - 1) * (time_t)step;
        if (found < 0 || t < found)
            found = t;
        if (row > 1)
            break;
    }
    rrd_clear_error();
    return found;
}

int
rrd_graph_draw(const char *dir, const char *agent, unsigned int if_index,
    const char *out, char *err, size_t errlen)
{
    unsigned char addr[16];
    struct sflow_addr a;
    char text[INET6_ADDRSTRLEN], *path, *esc = NULL, *def_in = NULL, *def_out = NULL;
    char s_start[32], s_end[32], title[160];
    size_t len;
    time_t first, last;
    rrd_info_t *info;
    int rc = -1;

    memset(&a, 0, sizeof(a));
    if (inet_pton(AF_INET, agent, addr) == 1) {
        a.type = SFLOW_ADDR_IP4;
        memcpy(a.a, addr, 4);
    } else if (inet_pton(AF_INET6, agent, addr) == 1) {
        a.type = SFLOW_ADDR_IP6;
        memcpy(a.a, addr, 16);
    } else {
        snprintf(err, errlen, "--agent %s: not an IPv4 or IPv6 address", agent);
        return -1;
    }
    stats_addr(&a, text, sizeof(text));
    path = file_path(dir, text, if_index);
    if (path == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (access(path, R_OK) != 0) {
        snprintf(err, errlen, "%s: %s (no counters of %s ifIndex %u?)", path,
            strerror(errno), text, if_index);
        goto out;
    }
    last = rrd_last_r(path);
    if (last < 0) {
        snprintf(err, errlen, "%s: %s", path, rrd_get_error());
        rrd_clear_error();
        goto out;
    }
    first = data_start(path, last);
    if (first < 0 || first >= last)
        first = last - 3600;
    len = 2 * strlen(path) + 64;
    esc = malloc(len);
    def_in = malloc(len);
    def_out = malloc(len);
    if (esc == NULL || def_in == NULL || def_out == NULL) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    escape_colons(path, esc, len);
    snprintf(s_start, sizeof(s_start), "%lld", (long long)first);
    snprintf(s_end, sizeof(s_end), "%lld", (long long)last);
    snprintf(title, sizeof(title), "%s ifIndex %u traffic", text, if_index);
    snprintf(def_in, len, "DEF:ino=%s:in_octets:AVERAGE", esc);
    snprintf(def_out, len, "DEF:outo=%s:out_octets:AVERAGE", esc);
    {
        /* rrd_graph_v wants writable strings; it does not change them. */
        char *argv[] = {
            "graph", (char *)out, "--imgformat", "PNG",
            "--start", s_start, "--end", s_end,
            "--title", title, "--vertical-label", "bits per second",
            "--width", "720", "--height", "240", "--lower-limit", "0",
            def_in, def_out,
            "CDEF:in=ino,8,*", "CDEF:out=outo,8,*",
            "VDEF:in_avg=in,AVERAGE", "VDEF:in_max=in,MAXIMUM",
            "VDEF:out_avg=out,AVERAGE", "VDEF:out_max=out,MAXIMUM",
            "AREA:in#33cc33:in ",
            "GPRINT:in_avg:average %7.2lf %sbit/s",
            "GPRINT:in_max:maximum %7.2lf %sbit/s\\n",
            "LINE2:out#2255dd:out",
            "GPRINT:out_avg:average %7.2lf %sbit/s",
            "GPRINT:out_max:maximum %7.2lf %sbit/s\\n",
        };

        rrd_clear_error();
        info = rrd_graph_v((int)(sizeof(argv) / sizeof(argv[0])), argv);
        if (info == NULL || rrd_test_error()) {
            snprintf(err, errlen, "graph %s: %s", out, rrd_get_error());
            rrd_clear_error();
        } else
            rc = 0;
        rrd_info_free(info);
    }
out:
    free(def_out);
    free(def_in);
    free(esc);
    free(path);
    return rc;
}
