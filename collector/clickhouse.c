/*
 * clickhouse: the ClickHouse sink; see clickhouse.h and docs/clickhouse.md.
 *
 * The receive path (clickhouse_datagram(), under the collector's lock)
 * only adds rows, column by column, to the open batch of the agent's node
 * and, when a batch is full (--ch-batch-rows) or old (--ch-batch-ms, at a
 * tick), puts it on that node's queue.  A sender thread per node does the
 * rest: it creates the tables, seals each batch into one Native block (rows
 * in ORDER BY order), posts it, spools what the node did not take and
 * replays the spool, oldest first, once the node answers.  A full queue
 * drops the batch (counted): the receive path never waits.
 *
 * Exactly once: every row carries its batch's id (column 'batch').  A batch
 * whose insert may have reached the server unseen (the connection broke
 * after the request went out) is marked in the spool, and its replay first
 * asks the server for rows of that id.  A batch is one insert block (one
 * Native block of at most 1,000,000 rows; a RowBinary replay of an earlier
 * version's is below the server's max_insert_block_size), which MergeTree
 * stores whole or not at all.
 */
#include "clickhouse.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "ch_curl.h"
#include "ch_row.h"
#include "ch_spool.h"
#include "forward_hash.h"
#include "geoip.h"
#include "log.h"
#include "mono.h"
#include "num_parse.h"

#define CH_QUEUE 16                     /* Batches waiting in memory per node... */
#define CH_QUEUE_ROWS 4000000           /* ...and their rows (~200 bytes each). */
#define CH_MAX_ROWS 1000000             /* One insert block (see above). */
#define CH_CONNECT_MS 2000
#define CH_TIMEOUT_MS 30000
#define CH_BACKOFF_MAX_MS 2000
#define CH_STOP_GRACE_MS 10000          /* After stop, or the last insert since: then spool. */
#define CH_TTL_EVERY_MS 3600000
#define CH_SLOW_MS 1000                 /* An insert this old: the node is slow. */

struct ch_batch {
    enum ch_table table;
    uint64_t seq;                       /* Order of completion (spool file order). */
    uint64_t id;                        /* In every row's 'batch' column. */
    uint32_t rows;
    uint64_t opened_ms;
    struct ch_block blk;                /* The rows, until the sender seals them... */
    struct ch_buf buf;                  /* ...into a body (Native): this one when spooled. */
};

/* How a post ended. */
enum ch_result {
    CH_OK,
    CH_REFUSED,                         /* Nothing reached the server. */
    CH_REJECTED,                        /* The server answered with an error. */
    CH_UNKNOWN,                         /* The request may have been executed. */
};

struct ch_node_stats {
    atomic_ullong rows, batches, spooled, replayed, dropped, dropped_rows;
    atomic_ullong failed, duplicates_avoided, spool_errors;
    atomic_ullong latency_us_sum, latency_us_max, partitions_dropped;
    atomic_ullong spool_waiting;        /* Copy of the spool's count, for other threads. */
};

struct ch_node {
    struct clickhouse *ch;
    char url[512];
    char name[17];                      /* Spool subdirectory: hash of 'url'. */
    CURL *curl;
    char resp[1024];                    /* Start of the last response body. */
    size_t resp_len;
    struct ch_spool *spool;             /* NULL without --ch-spool. */
    pthread_mutex_t spool_lock;         /* The sender and the spooler share 'spool'. */

    /* Receive side: the open batch of each table. */
    struct ch_batch *open[CH_TABLES];
    /*
     * Columns of a sealed batch, kept for the next one of the table (under
     * 'lock'), and the sender's body: fresh memory for every batch would
     * cost a page fault per 4 KiB, a quarter of the collector's time.
     */
    struct ch_block spare[CH_TABLES];
    struct ch_buf body;

    /* Shared with the sender thread, under 'lock'. */
    pthread_mutex_t lock;
    pthread_cond_t cond;                /* Work for the sender. */
    pthread_cond_t room;                /* Room in the queue (file input waits). */
    struct ch_batch *queue[CH_QUEUE];
    int q_head, q_len;
    uint64_t q_rows;
    int stop;
    uint64_t stop_ms;

    /* The threads: sender, and (with a spool) spooler. */
    pthread_t tid, spooler_tid;
    int started, spooler_started;
    atomic_ullong busy_since;           /* mono_ms() when a post began; 0 idle. */

    /* Sender thread only. */
    int tables_ready;
    uint64_t backoff_ms, retry_at, ttl_at;
    uint64_t acked_ms;                  /* mono_ms() of the last acknowledged insert. */
    time_t warn_second;

    struct ch_node_stats st;
};

struct clickhouse {
    struct sink sink;
    struct ch_curl libcurl;             /* Loaded by clickhouse_open(). */
    struct ch_node nodes[CONFIG_MAX_TARGETS];
    uint64_t keys[CONFIG_MAX_TARGETS];
    int n_nodes;
    uint32_t batch_rows;
    uint64_t batch_ms;
    const char *engine;                 /* Of the tables it creates. */
    long ttl_days;
    struct ch_spool_budget budget;
    struct geoip *geo;
    atomic_ullong next_seq;             /* Of the next batch handed to a sender. */
    uint64_t id_base, next_id;

    /* Receive side.  Reading a file (-r), a full queue makes the reader
     * wait instead of dropping: nothing is lost by waiting. */
    int from_file;
    /* For --stats: what the rows hold. */
    uint64_t flow_rows, counter_rows, packets, bytes, skipped_counters;
};

/* ---- Options ---- */

/* The power of two a size's last character stands for: k, M or G; 0 if it is none. */
static unsigned
size_unit_shift(char c)
{
    switch (c) {
    case 'k': case 'K': return 10;
    case 'm': case 'M': return 20;
    case 'g': case 'G': return 30;
    default: return 0;
    }
}

/* A size in bytes, with an optional k, M or G (binary) after the number; 1 byte to 1 PiB. */
static int
parse_size(const char *s, unsigned long long *out)
{
    char num[24];
    size_t n = strlen(s);
    unsigned shift = n > 0 ? size_unit_shift(s[n - 1]) : 0;
    long v;

    if (shift != 0)
        n--;
    if (n >= sizeof(num))
        return -1;
    memcpy(num, s, n);
    num[n] = '\0';
    if (num_parse_long(num, 1, (1L << 50) >> shift, &v) != 0)
        return -1;
    *out = (unsigned long long)v << shift;
    return 0;
}

int
clickhouse_option(struct config *cfg, const char *opt, const char *val, char *err,
    size_t errlen)
{
    if (strcmp(opt, "clickhouse") == 0) {
        if (cfg->n_ch == CONFIG_MAX_TARGETS) {
            snprintf(err, errlen, "at most %d --clickhouse URLs", CONFIG_MAX_TARGETS);
            return -1;
        }
        if (strncmp(val, "http://", 7) != 0 && strncmp(val, "https://", 8) != 0) {
            snprintf(err, errlen, "--clickhouse wants an http:// or https:// URL, not '%s'", val);
            return -1;
        }
        if (strlen(val) >= sizeof(((struct ch_node *)0)->url)) {
            snprintf(err, errlen, "--clickhouse URL too long");
            return -1;
        }
        cfg->ch_url[cfg->n_ch++] = val;
        return 0;
    }
    if (strcmp(opt, "ch-engine") == 0) {
        cfg->ch_engine = val;
        return 0;
    }
    if (strcmp(opt, "ch-spool") == 0) {
        cfg->ch_spool = val;
        return 0;
    }
    if (strcmp(opt, "ch-spool-max") == 0) {
        if (parse_size(val, &cfg->ch_spool_max) == 0)
            return 0;
        snprintf(err, errlen, "--ch-spool-max wants bytes (suffix K, M or G), not '%s'", val);
        return -1;
    }
    if (strcmp(opt, "ch-batch-rows") == 0 &&
        num_parse_long(val, 1, CH_MAX_ROWS, &cfg->ch_batch_rows) == 0)
        return 0;
    if (strcmp(opt, "ch-batch-ms") == 0 &&
        num_parse_long(val, 1, 3600000, &cfg->ch_batch_ms) == 0)
        return 0;
    if (strcmp(opt, "ch-ttl-days") == 0 && num_parse_long(val, 1, 100000, &cfg->ch_ttl_days) == 0)
        return 0;
    snprintf(err, errlen, "--%s: bad value '%s' (see sflowcollect(1))", opt, val);
    return -1;
}

/* ---- HTTP ---- */

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
    struct ch_node *node = arg;
    size_t len = size * n, room = sizeof(node->resp) - 1 - node->resp_len;

    memcpy(node->resp + node->resp_len, p, len < room ? len : room);
    node->resp_len += len < room ? len : room;
    node->resp[node->resp_len] = '\0';
    return len;
}

/* Rate-limited warning of the sender thread: a dead node must not flood the log. */
static void
node_warn(struct ch_node *node, const char *what)
{
    time_t now = time(NULL);

    if (now - node->warn_second < 10)
        return;
    node->warn_second = now;
    log_warnx("clickhouse %s: %s", node->url, what);
}

/*
 * Posts 'body' (may be NULL) with query 'sql'.  The response body's start
 * lands in node->resp.  'us' gets the time taken.
 */
static enum ch_result
node_post(struct ch_node *node, const char *sql, const void *body, size_t len, uint64_t *us)
{
    const struct ch_curl *curl = &node->ch->libcurl;
    char *q, url[1024 + 2048], msg[1200];
    struct timespec a, b;
    long status = 0;
    CURLcode rc;

    q = curl->easy_escape(node->curl, sql, 0);
    if (q == NULL)
        return CH_REFUSED;
    snprintf(url, sizeof(url), "%s%squery=%s", node->url,
        strchr(node->url, '?') ? "&" : "?", q);
    curl->free(q);
    node->resp_len = 0;
    node->resp[0] = '\0';
    curl->easy_setopt(node->curl, CURLOPT_URL, url);
    curl->easy_setopt(node->curl, CURLOPT_POST, 1L);
    curl->easy_setopt(node->curl, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
    curl->easy_setopt(node->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? len : 0));
    clock_gettime(CLOCK_MONOTONIC, &a);
    node->busy_since = mono_ms();
    rc = curl->easy_perform(node->curl);
    node->busy_since = 0;
    clock_gettime(CLOCK_MONOTONIC, &b);
    *us = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000u + (uint64_t)((b.tv_nsec - a.tv_nsec) / 1000);
    if (rc == CURLE_OK)
        curl->easy_getinfo(node->curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc == CURLE_OK && status == 200)
        return CH_OK;
    if (rc == CURLE_OK) {
        snprintf(msg, sizeof(msg), "HTTP %ld: %.*s", status, (int)strcspn(node->resp, "\n"),
            node->resp);
        node_warn(node, msg);
        return CH_REJECTED;
    }
    node_warn(node, curl->easy_strerror(rc));
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
        rc == CURLE_COULDNT_RESOLVE_PROXY)
        return CH_REFUSED;
    return CH_UNKNOWN;
}

/* ---- Tables ---- */

static const char *const table_names[CH_TABLES] = { "flows", "counters" };

/* 'engine' with "{table}" replaced by the table's name, into 'out'. */
static void
engine_text(const char *engine, enum ch_table t, char *out, size_t len)
{
    const char *at = strstr(engine, "{table}");

    if (at == NULL)
        snprintf(out, len, "%s", engine);
    else
        snprintf(out, len, "%.*s%s%s", (int)(at - engine), engine, table_names[t],
            at + strlen("{table}"));
}

/* The INSERT of table 't' with a body in 'format', or its CREATE TABLE ('format' NULL). */
static void
table_sql(const struct clickhouse *ch, enum ch_table t, const char *format, char *buf,
    size_t len)
{
    const struct ch_column *c;
    int create = format == NULL;
    char engine[512];
    size_t i, off;

    off = (size_t)snprintf(buf, len, create ? "CREATE TABLE IF NOT EXISTS %s (" :
        "INSERT INTO %s (", table_names[t]);
    for (i = 0; (c = ch_row_column(t, i)) != NULL && off < len; i++) {
        if (create)
            off += (size_t)snprintf(buf + off, len - off, "%s%s %s", i ? ", " : "",
                c->name, c->type);
        else
            off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", c->name);
    }
    engine_text(ch->engine, t, engine, sizeof(engine));
    if (off < len && create)
        snprintf(buf + off, len - off, ") ENGINE = %s PARTITION BY toDate(time) ORDER BY (%s)",
            engine, ch_row_order_by(t));
    else if (off < len)
        snprintf(buf + off, len - off, ") FORMAT %s", format);
}

static enum ch_result
node_create_tables(struct ch_node *node)
{
    char sql[4096];
    enum ch_result r = CH_OK;
    uint64_t us;
    int t;

    for (t = 0; t < CH_TABLES && r == CH_OK; t++) {
        table_sql(node->ch, (enum ch_table)t, NULL, sql, sizeof(sql));
        r = node_post(node, sql, NULL, 0, &us);
    }
    return r;
}

/*
 * --ch-ttl-days: the server (18.16) has no TTL clause, so the sender drops
 * the day partitions older than the limit itself, before its first insert
 * and then before the first insert of every hour.
 */
static void
node_expire(struct ch_node *node)
{
    char sql[256], parts[sizeof(node->resp)], *line, *save;
    uint64_t us;
    int t;

    for (t = 0; t < CH_TABLES; t++) {
        snprintf(sql, sizeof(sql), "SELECT DISTINCT partition FROM system.parts WHERE "
            "database = currentDatabase() AND table = '%s' AND active AND "
            "toDate(partition) < today() - %ld ORDER BY partition LIMIT 50",
            table_names[t], node->ch->ttl_days);
        if (node_post(node, sql, NULL, 0, &us) != CH_OK)
            return;
        memcpy(parts, node->resp, node->resp_len + 1);
        for (line = strtok_r(parts, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            /* Only what a Date partition looks like goes back into SQL. */
            if (strlen(line) != 10 || strspn(line, "0123456789-") != 10)
                continue;
            snprintf(sql, sizeof(sql), "ALTER TABLE %s DROP PARTITION '%s'",
                table_names[t], line);
            if (node_post(node, sql, NULL, 0, &us) == CH_OK)
                node->st.partitions_dropped++;
        }
    }
}

/* ---- Batches ---- */

static void
batch_free(struct ch_batch *b)
{
    if (b == NULL)
        return;
    ch_block_reset(&b->blk, b->table);
    ch_buf_free(&b->buf);
    free(b);
}

static struct ch_batch *
batch_new(struct ch_node *node, enum ch_table t)
{
    struct ch_batch *b = calloc(1, sizeof(*b));
    struct clickhouse *ch = node->ch;

    if (b == NULL)
        return NULL;
    b->table = t;
    pthread_mutex_lock(&node->lock);
    b->blk = node->spare[t];
    memset(&node->spare[t], 0, sizeof(node->spare[t]));
    pthread_mutex_unlock(&node->lock);
    b->blk.table = t;
    b->id = ch->id_base + ch->next_id++;
    b->opened_ms = mono_ms();
    return b;
}

/* Whether node's queue is full ('part' 1), or half full (2).  Under node->lock. */
static int
queue_full(const struct ch_node *node, int part)
{
    return node->q_len >= CH_QUEUE / part || node->q_rows >= CH_QUEUE_ROWS / (uint64_t)part;
}

/* Hands node's open batch of table 't' to its sender; drops it if the queue is full. */
static void
node_enqueue(struct ch_node *node, enum ch_table t)
{
    struct ch_batch *b = node->open[t];

    node->open[t] = NULL;
    if (b == NULL)
        return;
    if (b->rows == 0 || b->blk.error) {
        if (b->blk.error) {
            node->st.dropped++;
            node->st.dropped_rows += b->rows;
        }
        batch_free(b);
        return;
    }
    b->seq = atomic_fetch_add(&node->ch->next_seq, 1);
    pthread_mutex_lock(&node->lock);
    while (queue_full(node, 1) && node->ch->from_file)
        pthread_cond_wait(&node->room, &node->lock);
    if (queue_full(node, 1)) {
        pthread_mutex_unlock(&node->lock);
        node->st.dropped++;
        node->st.dropped_rows += b->rows;
        batch_free(b);
        return;
    }
    node->queue[(node->q_head + node->q_len++) % CH_QUEUE] = b;
    node->q_rows += b->rows;
    /* The sender, and the spooler watching the queue's length. */
    pthread_cond_broadcast(&node->cond);
    pthread_mutex_unlock(&node->lock);
}

/* The open batch of table 't' for 'node', with a row's worth of room promised. */
static struct ch_batch *
node_batch(struct ch_node *node, enum ch_table t)
{
    if (node->open[t] == NULL)
        node->open[t] = batch_new(node, t);
    return node->open[t];
}

static void
node_row_added(struct ch_node *node, enum ch_table t)
{
    if (++node->open[t]->rows >= node->ch->batch_rows)
        node_enqueue(node, t);
}

/* ---- The sender thread ---- */

/*
 * Turns the rows of 'b' into the body 'out' (emptied first), off the
 * receive path (the sender's or spooler's thread), and keeps its columns
 * for a next batch.  Returns 0, or ENOMEM: then 'b' is counted dropped
 * and freed.
 */
static int
batch_seal(struct ch_node *node, struct ch_batch *b, struct ch_buf *out)
{
    int e;

    out->len = 0;
    e = ch_block_native(&b->blk, out);
    b->blk.rows = 0;
    pthread_mutex_lock(&node->lock);
    if (node->spare[b->table].cap == 0 && !b->blk.error) {
        node->spare[b->table] = b->blk;
        memset(&b->blk, 0, sizeof(b->blk));
    }
    pthread_mutex_unlock(&node->lock);
    ch_block_reset(&b->blk, b->table);
    if (e != 0) {
        node->st.dropped++;
        node->st.dropped_rows += b->rows;
        node_warn(node, strerror(e));
        batch_free(b);
    }
    return e;
}

/* Puts 'b' into the spool (or counts it dropped); frees it.  'body': sealed already, or NULL. */
static void
node_spool_batch(struct ch_node *node, struct ch_batch *b, int attempted,
    const struct ch_buf *body)
{
    struct ch_spool_item it;
    int e;

    if (node->spool != NULL && body == NULL) {
        if (batch_seal(node, b, &b->buf) != 0)
            return;
        body = &b->buf;
    }
    if (node->spool == NULL) {
        node->st.dropped++;
        node->st.dropped_rows += b->rows;
        batch_free(b);
        return;
    }
    memset(&it, 0, sizeof(it));
    it.seq = b->seq;
    it.id = b->id;
    it.table = b->table;
    it.format = CH_NATIVE;
    it.attempted = attempted;
    pthread_mutex_lock(&node->spool_lock);
    e = ch_spool_put(node->spool, &it, body->p, body->len);
    node->st.spool_waiting = ch_spool_count(node->spool);
    pthread_mutex_unlock(&node->spool_lock);
    if (e == 0) {
        node->st.spooled++;
    } else {
        if (e != ENOSPC) {
            node->st.spool_errors++;
            node_warn(node, strerror(e));
        }
        node->st.dropped++;
        node->st.dropped_rows += b->rows;
    }
    batch_free(b);
}

static void
node_latency(struct ch_node *node, uint64_t us)
{
    unsigned long long max = atomic_load(&node->st.latency_us_max);

    node->st.latency_us_sum += us;
    while (us > max && !atomic_compare_exchange_weak(&node->st.latency_us_max, &max, us))
        ;
}

static enum ch_result
node_insert(struct ch_node *node, enum ch_table t, enum ch_format format,
    const struct ch_buf *buf)
{
    char sql[2048];
    enum ch_result r;
    uint64_t us;

    if (!node->tables_ready) {
        if ((r = node_create_tables(node)) != CH_OK)
            return r == CH_UNKNOWN ? CH_REFUSED : r;
        node->tables_ready = 1;
    }
    if (node->ch->ttl_days > 0 && mono_ms() >= node->ttl_at) {
        node_expire(node);
        node->ttl_at = mono_ms() + CH_TTL_EVERY_MS;
    }
    table_sql(node->ch, t, ch_row_format_name(format), sql, sizeof(sql));
    r = node_post(node, sql, buf->p, buf->len, &us);
    if (r == CH_OK) {
        node->st.batches++;
        node_latency(node, us);
    } else {
        node->st.failed++;
        /* The server may have restarted empty: check the tables again. */
        node->tables_ready = 0;
    }
    return r;
}

/* Whether batch 'id' of table 't' is already stored: 1 yes, 0 no, -1 cannot tell. */
static int
node_has_batch(struct ch_node *node, enum ch_table t, uint64_t id)
{
    char sql[160];
    uint64_t us;

    if (!node->tables_ready) {
        if (node_create_tables(node) != CH_OK)
            return -1;
        node->tables_ready = 1;
    }
    snprintf(sql, sizeof(sql), "SELECT count() FROM %s WHERE batch = %" PRIu64,
        table_names[t], id);
    if (node_post(node, sql, NULL, 0, &us) != CH_OK)
        return -1;
    return strtoull(node->resp, NULL, 10) > 0;
}

/* Removes the spool's oldest batch (one the server has). */
static void
node_spool_remove(struct ch_node *node)
{
    int e;

    pthread_mutex_lock(&node->spool_lock);
    e = ch_spool_remove(node->spool);
    node->st.spool_waiting = ch_spool_count(node->spool);
    pthread_mutex_unlock(&node->spool_lock);
    if (e != 0) {
        node->st.spool_errors++;
        node_warn(node, strerror(e));
    }
}

/*
 * Replays the spool's oldest batch.  Returns 0 if done with it, -1 on
 * failure.  Only the sender removes from the spool, so the oldest stays
 * the oldest while the lock is let go for the server's answers.
 */
static int
node_replay(struct ch_node *node, struct ch_buf *buf)
{
    struct ch_spool_item it;
    int have, e;

    pthread_mutex_lock(&node->spool_lock);
    e = ch_spool_peek(node->spool, &it);
    pthread_mutex_unlock(&node->spool_lock);
    if (e != 0)
        return 0;
    if (it.attempted) {
        if ((have = node_has_batch(node, it.table, it.id)) < 0)
            return -1;
        if (have) {
            node->st.duplicates_avoided++;
            node_spool_remove(node);
            return 0;
        }
    }
    pthread_mutex_lock(&node->spool_lock);
    if ((e = ch_spool_read(node->spool, buf)) == 0 && (e = ch_spool_mark(node->spool)) != 0)
        buf->len = 0;
    pthread_mutex_unlock(&node->spool_lock);
    if (e != 0) {
        /* Unreadable: retried, the file kept for a person to look at. */
        node->st.spool_errors++;
        node_warn(node, strerror(e));
        return -1;
    }
    if (node_insert(node, it.table, it.format, buf) != CH_OK)
        return -1;
    node->st.replayed++;
    node->st.rows += ch_row_count(it.format, it.table, buf->p, buf->len);
    node_spool_remove(node);
    return 0;
}

/* Sends batch 'b' (taken off the queue); on failure spools it.  Frees it. */
static int
node_send(struct ch_node *node, struct ch_batch *b)
{
    enum ch_result r;

    if (batch_seal(node, b, &node->body) != 0)
        return 0;
    r = node_insert(node, b->table, CH_NATIVE, &node->body);
    if (r == CH_OK) {
        node->st.rows += b->rows;
        batch_free(b);
        return 0;
    }
    node_spool_batch(node, b, r == CH_UNKNOWN, &node->body);
    return -1;
}

static struct ch_batch *
queue_pop(struct ch_node *node)
{
    struct ch_batch *b;

    if (node->q_len == 0)
        return NULL;
    b = node->queue[node->q_head];
    node->q_head = (node->q_head + 1) % CH_QUEUE;
    node->q_len--;
    node->q_rows -= b->rows;
    pthread_cond_signal(&node->room);
    return b;
}

/* Every queued batch to the spool (where they wait in order), or dropped without one. */
static void
node_spool_queue(struct ch_node *node)
{
    struct ch_batch *b;

    for (;;) {
        pthread_mutex_lock(&node->lock);
        b = queue_pop(node);
        pthread_mutex_unlock(&node->lock);
        if (b == NULL)
            break;
        node_spool_batch(node, b, 0, NULL);
    }
}

/* Failure: back off, and empty the queue so that it never stays full. */
static void
node_failed(struct ch_node *node)
{
    node->backoff_ms = node->backoff_ms ? node->backoff_ms * 2 : 100;
    if (node->backoff_ms > CH_BACKOFF_MAX_MS)
        node->backoff_ms = CH_BACKOFF_MAX_MS;
    node->retry_at = mono_ms() + node->backoff_ms;
    node_spool_queue(node);
}

static void
wait_until(struct ch_node *node, uint64_t at_ms)
{
    struct timespec ts;
    uint64_t now = mono_ms(), wait = at_ms > now ? at_ms - now : 0;

    if (wait > 1000)
        wait = 1000;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(wait / 1000);
    ts.tv_nsec += (long)(wait % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&node->cond, &node->lock, &ts);
}

/*
 * What the sender does next: 1 replay the spool, 2 send from the queue
 * ('*b'), 3 spool from the queue ('*b', while backing off or when the
 * replay falls behind), 0 nothing yet, -1 finish.  Waits a little when
 * idle or backing off.  After stop it delivers while the node acknowledges
 * inserts (the last less than CH_STOP_GRACE_MS ago: a long queue of big
 * batches on a busy server takes its time), until a failure, then spools
 * what is left and finishes.
 */
static int
node_next(struct ch_node *node, struct ch_batch **b)
{
    int spooled = atomic_load(&node->st.spool_waiting) > 0;
    uint64_t now = mono_ms();
    int act = 0;

    pthread_mutex_lock(&node->lock);
    if (node->stop && (node->retry_at > 0 ||
        now > (node->acked_ms > node->stop_ms ? node->acked_ms : node->stop_ms) + CH_STOP_GRACE_MS ||
        (node->q_len == 0 && !spooled))) {
        act = -1;
    } else if (now < node->retry_at && node->spool != NULL &&
        (*b = queue_pop(node)) != NULL) {
        act = 3;
    } else if (now < node->retry_at) {
        wait_until(node, node->retry_at);
    } else if (spooled && queue_full(node, 2)) {
        /* Replay is behind: a spool write is quicker than an insert. */
        *b = queue_pop(node);
        act = 3;
    } else if (spooled) {
        act = 1;
    } else if ((*b = queue_pop(node)) != NULL) {
        act = 2;
    } else {
        wait_until(node, now + 1000);
    }
    pthread_mutex_unlock(&node->lock);
    return act;
}

static void *
node_thread(void *arg)
{
    struct ch_node *node = arg;
    struct ch_buf buf = { 0 };
    struct ch_batch *b;
    int act, rc;

    /* Tables at start; a node not up yet gets them before its first insert. */
    if (node_create_tables(node) == CH_OK)
        node->tables_ready = 1;
    while ((act = node_next(node, &b)) >= 0) {
        if (act == 0)
            continue;
        if (act == 3) {
            node_spool_batch(node, b, 0, NULL);
            continue;
        }
        rc = act == 1 ? node_replay(node, &buf) : node_send(node, b);
        if (rc != 0) {
            node_failed(node);
            continue;
        }
        node->backoff_ms = 0;
        node->retry_at = 0;
        node->acked_ms = mono_ms();
    }
    /* Finishing: what is still queued goes to the spool, or is dropped. */
    node_spool_queue(node);
    ch_buf_free(&buf);
    return NULL;
}

/*
 * The spooler: while an insert has been waiting for CH_SLOW_MS (a slow or
 * hung node; the sender is stuck in it) and the queue is half full, it
 * moves queued batches to the spool, so that the queue does not overflow
 * into drops.
 */
static void *
spooler_thread(void *arg)
{
    struct ch_node *node = arg;
    struct ch_batch *b;
    uint64_t busy;

    pthread_mutex_lock(&node->lock);
    while (!node->stop) {
        busy = atomic_load(&node->busy_since);
        if (queue_full(node, 2) && busy != 0 && mono_ms() - busy >= CH_SLOW_MS) {
            b = queue_pop(node);
            pthread_mutex_unlock(&node->lock);
            node_spool_batch(node, b, 0, NULL);
            pthread_mutex_lock(&node->lock);
            continue;
        }
        wait_until(node, mono_ms() + 100);
    }
    pthread_mutex_unlock(&node->lock);
    return NULL;
}

/* ---- The sink ---- */

static uint32_t
row_time(const struct dgram_meta *meta)
{
    return (uint32_t)meta->ts.tv_sec;
}

static void
enrich(struct clickhouse *ch, struct ch_flow *f)
{
    struct geoip_info gi;
    int v6 = f->ip_version == 6;

    if (ch->geo == NULL || f->ip_version == 0)
        return;
    if (geoip_lookup(ch->geo, v6, v6 ? f->src_ip : f->src_ip + 12, &gi)) {
        if (gi.asn)
            f->src_as = gi.asn;
        if (gi.country[0])
            memcpy(f->src_country, gi.country, 2);
    }
    if (geoip_lookup(ch->geo, v6, v6 ? f->dst_ip : f->dst_ip + 12, &gi)) {
        if (gi.asn)
            f->dst_as = gi.asn;
        if (gi.country[0])
            memcpy(f->dst_country, gi.country, 2);
    }
}

static void
clickhouse_datagram(void *ctx, const uint8_t *raw, size_t len,
    const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    struct clickhouse *ch = ctx;
    struct ch_node *node;
    struct ch_batch *b;
    struct ch_flow f;
    uint32_t i;

    (void)raw, (void)len;
    ch->from_file = meta->from_file;
    if (dg->stage < 2 || dg->n_samples == 0)
        return;
    node = &ch->nodes[forward_hash_pick(&dg->agent, ch->keys, ch->n_nodes)];
    for (i = 0; i < dg->n_samples; i++) {
        const struct sflow_sample *s = &dg->samples[i];

        if (ch_row_flow_from_sample(dg, s, &f)) {
            if ((b = node_batch(node, CH_FLOWS)) == NULL)
                continue;
            f.time = row_time(meta);
            f.batch = b->id;
            enrich(ch, &f);
            ch_row_put_flow(&b->blk, &f);
            ch->flow_rows++;
            ch->packets += f.packets;
            ch->bytes += f.bytes;
            node_row_added(node, CH_FLOWS);
        } else if (SFLOW_FORMAT(s->tag) == SFLOW_COUNTERS_SAMPLE ||
            SFLOW_FORMAT(s->tag) == SFLOW_COUNTERS_SAMPLE_EXPANDED) {
            if ((b = node_batch(node, CH_COUNTERS)) == NULL)
                continue;
            if (!ch_row_put_counters(&b->blk, dg, s, row_time(meta), b->id)) {
                ch->skipped_counters++;
                continue;
            }
            ch->counter_rows++;
            node_row_added(node, CH_COUNTERS);
        }
    }
}

static void
clickhouse_tick(void *ctx, const struct timeval *now)
{
    struct clickhouse *ch = ctx;
    uint64_t ms = mono_ms();
    int n, t;

    (void)now;
    for (n = 0; n < ch->n_nodes; n++)
        for (t = 0; t < CH_TABLES; t++)
            if (ch->nodes[n].open[t] != NULL &&
                ms - ch->nodes[n].open[t]->opened_ms >= ch->batch_ms)
                node_enqueue(&ch->nodes[n], (enum ch_table)t);
}

static void
clickhouse_stats(void *ctx, FILE *f)
{
    struct clickhouse *ch = ctx;
    unsigned long long b;
    int n;

    fprintf(f, "  clickhouse rows flows %llu counters %llu packets %llu bytes %llu"
        " counters_without_generic %llu\n", (unsigned long long)ch->flow_rows,
        (unsigned long long)ch->counter_rows, (unsigned long long)ch->packets,
        (unsigned long long)ch->bytes, (unsigned long long)ch->skipped_counters);
    for (n = 0; n < ch->n_nodes; n++) {
        struct ch_node *node = &ch->nodes[n];
        struct ch_node_stats *s = &node->st;

        b = s->batches;
        fprintf(f, "  clickhouse %s inserted rows %llu batches %llu spooled %llu"
            " replayed %llu dropped %llu (rows %llu) failed %llu duplicates_avoided %llu"
            " spool_errors %llu spool_waiting %zu latency_ms avg %.1f max %.1f"
            " partitions_dropped %llu\n", node->url, (unsigned long long)s->rows, b,
            (unsigned long long)s->spooled, (unsigned long long)s->replayed,
            (unsigned long long)s->dropped, (unsigned long long)s->dropped_rows,
            (unsigned long long)s->failed, (unsigned long long)s->duplicates_avoided,
            (unsigned long long)s->spool_errors,
            (size_t)s->spool_waiting,
            b ? (double)s->latency_us_sum / (double)b / 1000.0 : 0.0,
            (double)s->latency_us_max / 1000.0, (unsigned long long)s->partitions_dropped);
    }
}

static void
clickhouse_metrics(void *ctx, FILE *f)
{
    static const struct {
        const char *name, *help;    /* Name: with _total, unless a gauge. */
        size_t off;
    } per_node[] = {
        { "inserted_rows_total", "Rows the node acknowledged.", offsetof(struct ch_node_stats, rows) },
        { "inserted_batches_total", "Inserts the node acknowledged.",
            offsetof(struct ch_node_stats, batches) },
        { "spooled_batches_total", "Batches written to the spool.",
            offsetof(struct ch_node_stats, spooled) },
        { "replayed_batches_total", "Spooled batches inserted.",
            offsetof(struct ch_node_stats, replayed) },
        { "dropped_batches_total", "Batches lost (queue or spool full, no spool).",
            offsetof(struct ch_node_stats, dropped) },
        { "dropped_rows_total", "Rows of the dropped batches.",
            offsetof(struct ch_node_stats, dropped_rows) },
        { "insert_failures_total", "Inserts that failed.", offsetof(struct ch_node_stats, failed) },
        { "duplicates_avoided_total", "Replays skipped: the node had the batch already.",
            offsetof(struct ch_node_stats, duplicates_avoided) },
        { "spool_errors_total", "Spool files that could not be written, read or removed.",
            offsetof(struct ch_node_stats, spool_errors) },
        { "spool_batches", "Batches in the spool now.",
            offsetof(struct ch_node_stats, spool_waiting) },
    };
    struct clickhouse *ch = ctx;
    size_t i;
    int n;

    fprintf(f, "# HELP sflowcollect_clickhouse_rows_total Rows encoded, by table.\n"
        "# TYPE sflowcollect_clickhouse_rows_total counter\n"
        "sflowcollect_clickhouse_rows_total{table=\"flows\"} %llu\n"
        "sflowcollect_clickhouse_rows_total{table=\"counters\"} %llu\n",
        (unsigned long long)ch->flow_rows, (unsigned long long)ch->counter_rows);
    for (i = 0; i < sizeof(per_node) / sizeof(per_node[0]); i++) {
        fprintf(f, "# HELP sflowcollect_clickhouse_%s %s\n"
            "# TYPE sflowcollect_clickhouse_%s %s\n", per_node[i].name, per_node[i].help,
            per_node[i].name, strstr(per_node[i].name, "_total") ? "counter" : "gauge");
        for (n = 0; n < ch->n_nodes; n++)
            fprintf(f, "sflowcollect_clickhouse_%s{node=\"%d\"} %llu\n",
                per_node[i].name, n, (unsigned long long)atomic_load(
                (atomic_ullong *)((char *)&ch->nodes[n].st + per_node[i].off)));
    }
    fprintf(f, "# HELP sflowcollect_clickhouse_insert_seconds Time of acknowledged inserts.\n"
        "# TYPE sflowcollect_clickhouse_insert_seconds summary\n");
    for (n = 0; n < ch->n_nodes; n++)
        fprintf(f, "sflowcollect_clickhouse_insert_seconds_sum{node=\"%d\"} %.6f\n"
            "sflowcollect_clickhouse_insert_seconds_count{node=\"%d\"} %llu\n", n,
            (double)ch->nodes[n].st.latency_us_sum / 1e6, n,
            (unsigned long long)ch->nodes[n].st.batches);
}

/* Hands every open batch to the senders, and waits until they finished. */
static void
clickhouse_finish(void *ctx)
{
    struct clickhouse *ch = ctx;
    struct ch_node *node;
    int n, t;

    for (n = 0; n < ch->n_nodes; n++) {
        node = &ch->nodes[n];
        for (t = 0; t < CH_TABLES; t++)
            node_enqueue(node, (enum ch_table)t);
        pthread_mutex_lock(&node->lock);
        node->stop = 1;
        node->stop_ms = mono_ms();
        pthread_cond_broadcast(&node->cond);
        pthread_mutex_unlock(&node->lock);
    }
    for (n = 0; n < ch->n_nodes; n++) {
        node = &ch->nodes[n];
        if (node->spooler_started)
            pthread_join(node->spooler_tid, NULL);
        if (node->started)
            pthread_join(node->tid, NULL);
        node->started = node->spooler_started = 0;
    }
}

static void
clickhouse_close(void *ctx)
{
    struct clickhouse *ch = ctx;
    struct ch_node *node;
    int n, t;

    clickhouse_finish(ch);
    for (n = 0; n < ch->n_nodes; n++) {
        node = &ch->nodes[n];
        if (node->curl)
            ch->libcurl.easy_cleanup(node->curl);
        ch_buf_free(&node->body);
        for (t = 0; t < CH_TABLES; t++)
            ch_block_reset(&node->spare[t], (enum ch_table)t);
        ch_spool_close(node->spool);
        pthread_mutex_destroy(&node->lock);
        pthread_cond_destroy(&node->cond);
        pthread_cond_destroy(&node->room);
        pthread_mutex_destroy(&node->spool_lock);
    }
    if (ch->geo)
        geoip_release(ch->geo);
    ch->libcurl.global_cleanup();
    free(ch);
}

static int
node_init(struct clickhouse *ch, struct ch_node *node, const char *url, const struct config *cfg,
    char *err, size_t errlen)
{
    pthread_condattr_t ca;

    node->ch = ch;
    snprintf(node->url, sizeof(node->url), "%s", url);
    snprintf(node->name, sizeof(node->name), "%016" PRIx64, forward_hash_key(url));
    pthread_mutex_init(&node->lock, NULL);
    /* wait_until() counts on CLOCK_MONOTONIC, which jumps of the wall clock leave alone. */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&node->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&node->room, NULL);
    pthread_mutex_init(&node->spool_lock, NULL);
    if ((node->curl = ch->libcurl.easy_init()) == NULL) {
        snprintf(err, errlen, "clickhouse: curl_easy_init failed");
        return -1;
    }
    ch->libcurl.easy_setopt(node->curl, CURLOPT_NOSIGNAL, 1L);
    ch->libcurl.easy_setopt(node->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)CH_CONNECT_MS);
    ch->libcurl.easy_setopt(node->curl, CURLOPT_TIMEOUT_MS, (long)CH_TIMEOUT_MS);
    ch->libcurl.easy_setopt(node->curl, CURLOPT_WRITEFUNCTION, on_body);
    ch->libcurl.easy_setopt(node->curl, CURLOPT_WRITEDATA, node);
    ch->libcurl.easy_setopt(node->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (cfg->ch_spool && ch_spool_open(cfg->ch_spool, node->name, &ch->budget, &node->spool,
        err, errlen) != 0)
        return -1;
    if (node->spool)
        node->st.spool_waiting = ch_spool_count(node->spool);
    if (node->spool && ch_spool_next_seq(node->spool) > atomic_load(&ch->next_seq))
        atomic_store(&ch->next_seq, ch_spool_next_seq(node->spool));
    return 0;
}

struct sink *
clickhouse_open(const struct config *cfg, char *err, size_t errlen)
{
    struct clickhouse *ch;
    int n;

    if ((ch = calloc(1, sizeof(*ch))) == NULL) {
        snprintf(err, errlen, "clickhouse: out of memory");
        return NULL;
    }
    if (ch_curl_load(CH_CURL_LIB, &ch->libcurl, err, errlen) != 0) {
        free(ch);
        return NULL;
    }
    if (ch->libcurl.global_init(CURL_GLOBAL_DEFAULT) != 0) {
        snprintf(err, errlen, "clickhouse: curl_global_init failed");
        free(ch);
        return NULL;
    }
    ch->sink.name = "clickhouse";
    ch->sink.ctx = ch;
    ch->sink.datagram = clickhouse_datagram;
    ch->sink.tick = clickhouse_tick;
    ch->sink.finish = clickhouse_finish;
    ch->sink.metrics = clickhouse_metrics;
    ch->sink.stats = clickhouse_stats;
    ch->sink.close = clickhouse_close;
    ch->batch_rows = cfg->ch_batch_rows ? (uint32_t)cfg->ch_batch_rows : 1000000;
    ch->batch_ms = cfg->ch_batch_ms ? (uint64_t)cfg->ch_batch_ms : 1000;
    ch->ttl_days = cfg->ch_ttl_days;
    ch->engine = cfg->ch_engine ? cfg->ch_engine : "MergeTree";
    ch->budget.max = cfg->ch_spool_max ? cfg->ch_spool_max : 1ull << 30;
    /* Batch ids unique across collectors and restarts: a random base. */
    if (getrandom(&ch->id_base, sizeof(ch->id_base), 0) != sizeof(ch->id_base))
        ch->id_base = (uint64_t)time(NULL) << 32 ^ (uint64_t)getpid();
    ch->id_base &= ~0xffffffffull;
    ch->n_nodes = cfg->n_ch;
    for (n = 0; n < cfg->n_ch; n++) {
        ch->keys[n] = forward_hash_key(cfg->ch_url[n]);
        if (node_init(ch, &ch->nodes[n], cfg->ch_url[n], cfg, err, errlen) != 0)
            goto fail;
    }
    if (geoip_acquire(cfg, &ch->geo, err, errlen) != 0)
        goto fail;
    for (n = 0; n < ch->n_nodes; n++) {
        if ((errno = pthread_create(&ch->nodes[n].tid, NULL, node_thread,
            &ch->nodes[n])) != 0) {
            snprintf(err, errlen, "clickhouse: pthread_create: %s", strerror(errno));
            goto fail;
        }
        ch->nodes[n].started = 1;
        if (ch->nodes[n].spool == NULL)
            continue;
        if ((errno = pthread_create(&ch->nodes[n].spooler_tid, NULL, spooler_thread,
            &ch->nodes[n])) != 0) {
            snprintf(err, errlen, "clickhouse: pthread_create: %s", strerror(errno));
            goto fail;
        }
        ch->nodes[n].spooler_started = 1;
    }
    return &ch->sink;
fail:
    ch->n_nodes = n < cfg->n_ch ? n + 1 : n;
    clickhouse_close(ch);
    return NULL;
}
