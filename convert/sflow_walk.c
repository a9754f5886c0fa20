/*
 * sflow_walk: the callback API of sflow_walk.h, one instantiation of the
 * walk in sflow_walk_impl.h, and what every instantiation shares: the
 * enrichment hook, the timestamp cache and the lengths of schema names.
 *
 * The callback API is for the renderers that are not on a hot path (-g,
 * -L) and for tests; the default text and JSON outputs compile the walk
 * with their own visitors (text.c, json.c).
 */
#include "sflow_walk.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sflow_schema.h"
#include "sflow_walk_impl.h"

/* ---- Shared by every instantiation ---- */

static sflow_walk_enrich_fn walk_enrich_fn;
static void *walk_enrich_arg;

void
sflow_walk_set_enrich(sflow_walk_enrich_fn fn, void *arg)
{
    walk_enrich_fn = fn;
    walk_enrich_arg = arg;
}

size_t
sflow_walk_time(char *buf, size_t size, long long sec)
{
    /*
     * One strftime() per distinct second: captures hold many datagrams per
     * second, and localtime_r() reads the zone rules each time.
     */
    static _Thread_local long long cached_sec = -1;
    static _Thread_local char cached[64];
    static _Thread_local size_t cached_len;
    static int tz_set;
    struct tm tm;
    time_t t = (time_t)sec;

    if (sec != cached_sec) {
        if (!tz_set) {
            tzset();
            tz_set = 1;
        }
        if (localtime_r(&t, &tm) == NULL)
            return 0;
        cached_len = strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S%z", &tm);
        if (cached_len == 0)
            return 0;
        cached_sec = sec;
    }
    if (cached_len >= size)
        return 0;
    memcpy(buf, cached, cached_len + 1);
    return cached_len;
}

/* ---- Held output ---- */

static struct {
    FILE *f;                    /* The held stream, or NULL. */
    size_t n;                   /* Bytes in 'buf'. */
    char buf[SFLOW_WALK_OUT_SIZE];
} walk_out;

void
sflow_walk_write(FILE *f, const char *buf, size_t n)
{
    ssize_t r;
    int fd;

    if (n == 0)
        return;
    if (f != walk_out.f || fflush(f) != 0 || (fd = fileno(f)) < 0) {
        fwrite(buf, 1, n, f);
        return;
    }
    while (n > 0) {
        r = write(fd, buf, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        buf += r;
        n -= (size_t)r;
    }
    /* stdio tries again and keeps the error for ferror() and fflush(). */
    if (n > 0)
        fwrite(buf, 1, n, f);
}

char *
sflow_walk_out_take(FILE *f, size_t *n)
{
    if (f == NULL || f != walk_out.f)
        return NULL;
    *n = walk_out.n;
    return walk_out.buf;
}

void
sflow_walk_out_give(size_t n)
{
    walk_out.n = n;
}

void
sflow_walk_flush(void)
{
    size_t n = walk_out.n;

    walk_out.n = 0;
    if (walk_out.f != NULL)
        sflow_walk_write(walk_out.f, walk_out.buf, n);
}

void
sflow_walk_hold(FILE *f)
{
    sflow_walk_flush();
    walk_out.f = f;
}

/* ---- The callback instantiation ---- */

/* Values formatted in place go to 'val', then to ops->kv. */
struct walk_cb {
    const struct sflow_walk_ops *ops;
    char val[SFLOW_WALK_VALUE_MAX + 1];
};

#define WALK_VISITOR struct walk_cb

static inline void
walk_v_datagram_begin(struct walk_cb *v, const struct sflow_walk *w)
{
    if (v->ops->datagram_begin != NULL)
        v->ops->datagram_begin(w);
}

static inline void
walk_v_datagram_end(struct walk_cb *v, const struct sflow_walk *w)
{
    if (v->ops->datagram_end != NULL)
        v->ops->datagram_end(w);
}

static inline void
walk_v_sample_begin(struct walk_cb *v, const struct sflow_walk *w)
{
    if (v->ops->sample_begin != NULL)
        v->ops->sample_begin(w);
}

static inline void
walk_v_sample_end(struct walk_cb *v, const struct sflow_walk *w, int complete)
{
    if (v->ops->sample_end != NULL)
        v->ops->sample_end(w, complete);
}

static inline void
walk_v_element_begin(struct walk_cb *v, const struct sflow_walk *w, uint32_t tag, int known)
{
    if (v->ops->element_begin != NULL)
        v->ops->element_begin(w, tag, known);
}

static inline void
walk_v_element_end(struct walk_cb *v, const struct sflow_walk *w)
{
    if (v->ops->element_end != NULL)
        v->ops->element_end(w);
}

static inline void
walk_v_list_begin(struct walk_cb *v, const struct sflow_walk *w, const char *json_name,
    const char *text_name)
{
    if (v->ops->list_begin != NULL)
        v->ops->list_begin(w, json_name, text_name);
}

static inline void
walk_v_list_end(struct walk_cb *v, const struct sflow_walk *w)
{
    if (v->ops->list_end != NULL)
        v->ops->list_end(w);
}

static inline void
walk_v_item_begin(struct walk_cb *v, const struct sflow_walk *w)
{
    if (v->ops->item_begin != NULL)
        v->ops->item_begin(w);
}

static inline void
walk_v_item_end(struct walk_cb *v, const struct sflow_walk *w)
{
    if (v->ops->item_end != NULL)
        v->ops->item_end(w);
}

/* The note callback takes a C string; the walk's notes are NUL-terminated. */
static inline void
walk_v_note(struct walk_cb *v, const struct sflow_walk *w, const char *text, size_t len)
{
    (void)len;
    if (v->ops->note != NULL)
        v->ops->note(w, text);
}

static inline void
walk_v_kv(struct walk_cb *v, const struct sflow_walk *w, const char *key, size_t klen,
    const char *val, size_t len, enum sflow_walk_kind kind)
{
    (void)klen;
    if (v->ops->kv != NULL)
        v->ops->kv(w, key, val, len, kind);
}

static inline char *
walk_v_value_begin(struct walk_cb *v, const struct sflow_walk *w, const char *key,
    size_t klen, size_t max, enum sflow_walk_kind kind)
{
    (void)w, (void)key, (void)klen, (void)max, (void)kind;
    return v->val;
}

static inline void
walk_v_value_end(struct walk_cb *v, const struct sflow_walk *w, const char *key,
    size_t klen, char *start, char *end, enum sflow_walk_kind kind)
{
    *end = '\0';
    walk_v_kv(v, w, key, klen, start, (size_t)(end - start), kind);
}

#include "sflow_walk_impl.h"

sflow_walk_enrich_fn
sflow_walk_enrich_get(void **arg)
{
    *arg = walk_enrich_arg;
    return walk_enrich_fn;
}

void
sflow_walk(const struct sflow_walk_ops *ops, void *arg,
    const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    struct walk_cb v;

    v.ops = ops;
    walk_run(&v, arg, meta, dg);
}
