/*
 * text: sflowtool's text renderers, as visitors of sflow_walk.
 *
 *   default  "name value" lines between startDatagram/endDatagram and
 *            startSample/endSample markers (sflowtool with no option)
 *   -g       the same lines, each prefixed with its context: time, agent,
 *            sub-agent, datagram sequence, source id, sample and element
 *            tags, so one grep finds a field with where it came from
 *   -L a,b   one comma-separated line per sample with the named fields
 *
 * A datagram's lines are gathered in a buffer on the stack and written with
 * one fwrite(), or, for a stream held by sflow_walk_hold(), left in the
 * held output with the datagrams before it: at tens of thousands of
 * datagrams a second, stdio's per-call locking and copying and printf's
 * format parsing are what would cost.
 */
#include "text.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sflow_walk.h"
#include "sflow_walk_impl.h"

#define TEXT_BUF 16384
#define TEXT_DEPTH 4
#define TEXT_KEY_MAX 192

/* Flattens list members into sflowtool's text names (adaptor_0_MAC_1). */
struct text_names {
    int depth;
    const char *name[TEXT_DEPTH];
    uint32_t index[TEXT_DEPTH];
    char key[TEXT_KEY_MAX];
};

struct text_out {
    FILE *f;
    struct walk_buf out;        /* out.lim: 'end' in no list and not in a
                                 * discarded packet (WALK_FAST). */
    char ctx[256];              /* -g: the context prefix of every line... */
    size_t ctx_len;
    size_t ctx_dg, ctx_smp;     /* ...and where its sample's, element's part start. */
    struct text_names names;
    int discarded;              /* In a discarded packet's sample. */
    char own[TEXT_BUF];
};

static void
update_fast(struct text_out *o)
{
    o->out.lim = o->names.depth == 0 && !o->discarded ? o->out.end : o->out.buf;
}



/* ---- Output buffer ---- */

static void
out_flush(struct text_out *o)
{
    sflow_walk_write(o->f, o->out.buf, (size_t)(o->out.cur - o->out.buf));
    o->out.cur = o->out.buf;
}

static void
out_put(struct text_out *o, const char *s, size_t n)
{
    if (n > walk_buf_room(&o->out)) {
        out_flush(o);
        if (n > walk_buf_room(&o->out)) {
            sflow_walk_write(o->f, s, n);
            return;
        }
    }
    memcpy(o->out.cur, s, n);
    o->out.cur += n;
}

static void
out_line_slow(struct text_out *o, const char *s, size_t n)
{
    if (o->ctx_len > 0)
        out_put(o, o->ctx, o->ctx_len);
    out_put(o, s, n);
    out_put(o, "\n", 1);
}

/* The start/end markers: inlined where their length is a constant. */
static inline __attribute__((always_inline)) void
out_line(struct text_out *o, const char *s, size_t n)
{
    char *p;

    if (o->ctx_len > 0 || n + 1 > walk_buf_room(&o->out)) {
        out_line_slow(o, s, n);
        return;
    }
    p = walk_copy(o->out.cur, s, n);
    *p = '\n';
    o->out.cur = p + 1;
}

/* ---- List names ---- */

static size_t
names_append(char *buf, size_t o, const char *s, size_t n)
{
    if (o + n >= TEXT_KEY_MAX)
        n = o < TEXT_KEY_MAX - 1 ? TEXT_KEY_MAX - 1 - o : 0;
    memcpy(buf + o, s, n);
    buf[o + n] = '\0';
    return o + n;
}

static size_t
names_append_num(char *buf, size_t o, uint32_t v)
{
    char tmp[12];
    size_t n = sizeof(tmp);

    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return names_append(buf, o, tmp + n, sizeof(tmp) - n);
}

static void
names_begin(struct text_names *t, const char *text_name)
{
    if (t->depth < TEXT_DEPTH) {
        t->name[t->depth] = text_name;
        t->index[t->depth] = 0;
    }
    t->depth++;
}

static void
names_end(struct text_names *t)
{
    if (t->depth > 0)
        t->depth--;
}

static void
names_next(struct text_names *t)
{
    if (t->depth > 0 && t->depth <= TEXT_DEPTH)
        t->index[t->depth - 1]++;
}

/*
 * The text name of 'key' at the current depth: "<list>_<i>_" for every open
 * list, then 'key', or for a scalar member (key NULL) "<list>_<i>".
 */
static const char *
names_key(struct text_names *t, const char *key, size_t *len)
{
    size_t o = 0;
    int k, depth = t->depth < TEXT_DEPTH ? t->depth : TEXT_DEPTH;

    if (depth == 0) {
        *len = strlen(key);
        return key;
    }
    for (k = 0; k < depth; k++) {
        o = names_append(t->key, o, t->name[k], strlen(t->name[k]));
        o = names_append(t->key, o, "_", 1);
        o = names_append_num(t->key, o, t->index[k]);
        if (k < depth - 1 || key != NULL)
            o = names_append(t->key, o, "_", 1);
    }
    if (key != NULL)
        o = names_append(t->key, o, key, strlen(key));
    *len = o;
    return t->key;
}

/* ---- Default and -g visitors ---- */

static const char start_datagram[] = "startDatagram =================================";
static const char end_datagram[] = "endDatagram   =================================";
static const char start_sample[] = "startSample ----------------------";
static const char end_sample[] = "endSample   ----------------------";

static void
text_datagram_begin(const struct sflow_walk *w)
{
    out_line(w->arg, start_datagram, sizeof(start_datagram) - 1);
}

static void
text_datagram_end(const struct sflow_walk *w)
{
    out_line(w->arg, end_datagram, sizeof(end_datagram) - 1);
}

static void
text_sample_begin(const struct sflow_walk *w)
{
    out_line(w->arg, start_sample, sizeof(start_sample) - 1);
}

/* sflowtool prints no endSample for a sample whose decoding failed. */
static void
text_sample_end(const struct sflow_walk *w, int complete)
{
    if (complete)
        out_line(w->arg, end_sample, sizeof(end_sample) - 1);
}

static void
text_list_begin(const struct sflow_walk *w, const char *json_name, const char *text_name)
{
    struct text_out *o = w->arg;

    (void)json_name;
    names_begin(&o->names, text_name);
}

static void
text_list_end(const struct sflow_walk *w)
{
    struct text_out *o = w->arg;

    names_end(&o->names);
}

static void
text_item_end(const struct sflow_walk *w)
{
    struct text_out *o = w->arg;

    names_next(&o->names);
}

/* "key value" line; 'klen' is -1 when 'key' is to be measured. */
static void
text_line(struct text_out *o, const char *key, size_t klen, const char *val, size_t len)
{
    const char *name = key;
    size_t n = klen, total;
    char *p;

    if (o->names.depth > 0 || key == NULL)
        name = names_key(&o->names, key, &n);
    else if (klen == (size_t)-1)
        n = strlen(key);
    total = o->ctx_len + n + len + 2;
    if (total > walk_buf_room(&o->out)) {
        out_flush(o);
        if (total > walk_buf_room(&o->out)) {
            /* Only a huge sampled header gets here. */
            out_put(o, o->ctx, o->ctx_len);
            out_put(o, name, n);
            out_put(o, " ", 1);
            out_put(o, val, len);
            out_put(o, "\n", 1);
            goto next;
        }
    }
    /* The hot path of every renderer: one bounds check per line. */
    p = o->out.cur;
    if (o->ctx_len > 0) {
        memcpy(p, o->ctx, o->ctx_len);
        p += o->ctx_len;
    }
    p = walk_copy(p, name, n);
    *p++ = ' ';
    p = walk_copy(p, val, len);
    *p++ = '\n';
    o->out.cur = p;
next:
    if (key == NULL)
        names_next(&o->names);
}

static void
text_kv(const struct sflow_walk *w, const char *key, const char *val, size_t len,
    enum sflow_walk_kind kind)
{
    (void)kind;
    text_line(w->arg, key, (size_t)-1, val, len);
}

static void
text_note(const struct sflow_walk *w, const char *text)
{
    out_line(w->arg, text, strlen(text));
}

/*
 * The default output compiles the walk with this visitor inlined
 * (sflow_walk_impl.h): numbers and addresses are formatted straight into
 * the output buffer.  -g and -L, slower by nature, use the callbacks.
 */
#define WALK_VISITOR struct text_out

static inline void
walk_v_datagram_begin(struct text_out *o, const struct sflow_walk *w)
{
    (void)w;
    out_line(o, start_datagram, sizeof(start_datagram) - 1);
}

static inline void
walk_v_datagram_end(struct text_out *o, const struct sflow_walk *w)
{
    (void)w;
    out_line(o, end_datagram, sizeof(end_datagram) - 1);
}

static inline void
walk_v_sample_begin(struct text_out *o, const struct sflow_walk *w)
{
    out_line(o, start_sample, sizeof(start_sample) - 1);
    o->discarded = w->discarded;
    update_fast(o);
}

static inline void
walk_v_sample_end(struct text_out *o, const struct sflow_walk *w, int complete)
{
    (void)w;
    if (complete)
        out_line(o, end_sample, sizeof(end_sample) - 1);
    o->discarded = 0;
    update_fast(o);
}

static inline void
walk_v_element_begin(struct text_out *o, const struct sflow_walk *w, uint32_t tag,
    int known)
{
    (void)o, (void)w, (void)tag, (void)known;
}

static inline void
walk_v_element_end(struct text_out *o, const struct sflow_walk *w)
{
    (void)o, (void)w;
}

static inline void
walk_v_list_begin(struct text_out *o, const struct sflow_walk *w, const char *json_name,
    const char *text_name)
{
    (void)w, (void)json_name;
    names_begin(&o->names, text_name);
    update_fast(o);
}

static inline void
walk_v_list_end(struct text_out *o, const struct sflow_walk *w)
{
    (void)w;
    names_end(&o->names);
    update_fast(o);
}

static inline void
walk_v_item_begin(struct text_out *o, const struct sflow_walk *w)
{
    (void)o, (void)w;
}

static inline void
walk_v_item_end(struct text_out *o, const struct sflow_walk *w)
{
    (void)w;
    names_next(&o->names);
}

static inline void
walk_v_note(struct text_out *o, const struct sflow_walk *w, const char *text, size_t len)
{
    (void)w;
    out_line(o, text, len);
}

static inline void
walk_v_kv(struct text_out *o, const struct sflow_walk *w, const char *key, size_t klen,
    const char *val, size_t len, enum sflow_walk_kind kind)
{
    (void)w, (void)kind;
    text_line(o, key, klen, val, len);
}

/* Any value the fast way cannot take: inside a list, with the buffer full... */
static __attribute__((cold, noinline)) char *
walk_v_value_begin(struct text_out *o, const struct sflow_walk *w, const char *key,
    size_t klen, size_t max, enum sflow_walk_kind kind)
{
    char *p;

    (void)w, (void)kind;
    if (o->names.depth > 0 || key == NULL)
        key = names_key(&o->names, key, &klen);
    if (klen + max + 3 > walk_buf_room(&o->out))
        out_flush(o);
    p = walk_copy(o->out.cur, key, klen);
    *p++ = ' ';
    return p;
}

/* "key " now, the value in place, then walk_v_value_end()'s newline. */
#define WALK_FAST 1

static inline __attribute__((always_inline)) char *
walk_v_value_begin_fast(struct text_out *o, const char *key, size_t klen, size_t max,
    enum sflow_walk_kind kind)
{
    char *p;

    (void)kind;
    if (key == NULL || !walk_buf_fast(&o->out, klen + max + 3))
        return NULL;
    p = walk_copy(o->out.cur, key, klen);
    *p++ = ' ';
    return p;
}

/* A schema field's key, rendered once: "ifInOctets ". */
#define WALK_FKEY 1

static size_t
walk_v_key_render(char *dst, size_t size, const char *key, size_t klen)
{
    if (klen + 1 > size)
        return 0;
    memcpy(dst, key, klen);
    dst[klen] = ' ';
    return klen + 1;
}

static inline __attribute__((always_inline)) char *
walk_v_fkey_begin(struct text_out *o, const struct walk_fkey *fk, size_t max,
    enum sflow_walk_kind kind)
{
    char *p;

    (void)kind;
    if (!walk_buf_fast(&o->out, WALK_FKEY_SLOT + max + 2))
        return NULL;
    p = o->out.cur;
    memcpy(p, fk->r, WALK_FKEY_SLOT);
    return p + fk->rlen;
}

static inline __attribute__((always_inline)) void
walk_v_value_end(struct text_out *o, const struct sflow_walk *w, const char *key,
    size_t klen, char *start, char *end, enum sflow_walk_kind kind)
{
    (void)w, (void)klen, (void)start, (void)kind;
    *end++ = '\n';
    o->out.cur = end;
    if (key == NULL)
        names_next(&o->names);
}

static inline __attribute__((always_inline)) void
walk_v_value_end_fast(struct text_out *o, char *end, enum sflow_walk_kind kind)
{
    (void)kind;
    *end++ = '\n';
    o->out.cur = end;
}

#include "sflow_walk_impl.h"

/* The longest "key value\n" line, with the slack byte, fits in the buffer. */
_Static_assert(TEXT_BUF >= TEXT_KEY_MAX + SFLOW_WALK_VALUE_MAX + 3,
    "TEXT_BUF too small for an in-place value");

_Static_assert(SFLOW_WALK_OUT_SIZE >= TEXT_BUF, "held output smaller than TEXT_BUF");

static void
text_out_init(struct text_out *o, FILE *f)
{
    o->f = f;
    walk_buf_open(&o->out, f, o->own, TEXT_BUF);
    o->ctx_len = 0;
    o->names.depth = 0;
    o->discarded = 0;
    update_fast(o);
}

/* The datagram is done: held output stays held, our own goes to stdio. */
static void
text_out_done(struct text_out *o)
{
    walk_buf_close(&o->out, o->f);
}

void
text_datagram(FILE *f, const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    struct text_out o;

    text_out_init(&o, f);
    walk_run(&o, &o, meta, dg);
    text_out_done(&o);
}

/*
 * -g context: "<time> <agent> <sub_agent> <datagram seq> <class>:<index>
 * <sample tag> <element tag> ".  As in sflowtool, a sample's context holds
 * until the next sample begins, and an element's until the next element.
 * It is built in three parts, each when its level begins (the datagram's
 * at 'ctx_dg', the sample's at 'ctx_smp' past it), with the walk's own
 * formatters: printf here, some 25 times a datagram, was most of -g's cost.
 */
#define CTX_DATAGRAM 0
#define CTX_SAMPLE 1
#define CTX_ELEMENT 2

static void
grep_context(const struct sflow_walk *w, int level)
{
    struct text_out *o = w->arg;
    const struct sflow_datagram *dg = w->dg;
    const struct sflow_sample *s = w->sample;
    char *p = o->ctx;
    size_t n;

    /* Each part is far shorter than 'ctx' (a time, an address, 8 numbers). */
    if (level == CTX_DATAGRAM) {
        n = sflow_walk_time(p, 64, (long long)w->meta->ts.tv_sec);
        p += n;
        *p++ = ' ';
        if (dg->stage >= 2 && dg->agent.type == SFLOW_ADDR_IP4)
            p += fmt_ip4(p, dg->agent.a);
        else if (dg->stage >= 2 && dg->agent.type == SFLOW_ADDR_IP6)
            p += fmt_ip6(p, dg->agent.a);
        else
            *p++ = '-';
        *p++ = ' ';
        p += fmt_u64(p, dg->stage >= 2 ? dg->sub_agent_id : 0);
        *p++ = ' ';
        p += fmt_u64(p, dg->stage >= 2 ? dg->seq : 0);
        *p++ = ' ';
        o->ctx_dg = (size_t)(p - o->ctx);
    }
    p = o->ctx + o->ctx_dg;
    if (level <= CTX_SAMPLE) {
        p += fmt_u64(p, s != NULL ? s->ds_class : 0);
        *p++ = ':';
        p += fmt_u64(p, s != NULL ? s->ds_index : 0);
        *p++ = ' ';
        p += fmt_tag(p, s != NULL ? s->tag : 0);
        *p++ = ' ';
        o->ctx_smp = (size_t)(p - o->ctx);
    }
    p = o->ctx + o->ctx_smp;
    p += fmt_tag(p, w->element_tag);
    *p++ = ' ';
    o->ctx_len = (size_t)(p - o->ctx);
}

static void
grep_datagram_begin(const struct sflow_walk *w)
{
    grep_context(w, CTX_DATAGRAM);
    text_datagram_begin(w);
}

static void
grep_sample_begin(const struct sflow_walk *w)
{
    grep_context(w, CTX_SAMPLE);
    text_sample_begin(w);
}

static void
grep_element_begin(const struct sflow_walk *w, uint32_t tag, int known)
{
    (void)tag;
    (void)known;
    grep_context(w, CTX_ELEMENT);
}

static const struct sflow_walk_ops grep_ops = {
    .datagram_begin = grep_datagram_begin,
    .datagram_end = text_datagram_end,
    .sample_begin = grep_sample_begin,
    .sample_end = text_sample_end,
    .element_begin = grep_element_begin,
    .list_begin = text_list_begin,
    .list_end = text_list_end,
    .item_end = text_item_end,
    .kv = text_kv,
    .note = text_note,
};

void
text_grep_datagram(FILE *f, const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    struct text_out o;

    text_out_init(&o, f);
    sflow_walk(&grep_ops, &o, meta, dg);
    text_out_done(&o);
}

/* ---- -L field lists ---- */

struct text_fields {
    size_t n;
    char **names;               /* Point into 'list'. */
    char *list;
};

struct text_fields *
text_fields_parse(const char *list)
{
    struct text_fields *tf;
    size_t n = 1, i;
    const char *c;
    char *p;

    if (list == NULL || *list == '\0')
        return NULL;
    for (c = list; *c != '\0'; c++)
        if (*c == ',')
            n++;
    if ((tf = calloc(1, sizeof(*tf))) == NULL)
        return NULL;
    tf->list = strdup(list);
    tf->names = calloc(n, sizeof(*tf->names));
    if (tf->list == NULL || tf->names == NULL) {
        text_fields_free(tf);
        return NULL;
    }
    for (i = 0, p = tf->list; i < n; i++) {
        tf->names[i] = p;
        p = strchr(p, ',');
        if (p != NULL)
            *p++ = '\0';
        if (tf->names[i][0] == '\0') {
            text_fields_free(tf);
            return NULL;
        }
    }
    tf->n = n;
    return tf;
}

void
text_fields_free(struct text_fields *tf)
{
    if (tf == NULL)
        return;
    free(tf->names);
    free(tf->list);
    free(tf);
}

#define FIELDS_MAX 64
#define FIELDS_ARENA 8192

/*
 * Values live in an arena: the datagram's first, then the current sample's,
 * which are dropped when the sample ends.  A line is printed at the end of
 * every complete sample that set at least one of its fields, as sflowtool
 * does.
 */
struct fields_state {
    const struct text_fields *tf;
    struct text_out *out;
    struct text_names names;
    size_t off[FIELDS_MAX], len[FIELDS_MAX];
    int set[FIELDS_MAX];        /* 0 unset, 1 datagram, 2 sample. */
    int sample_fields;
    size_t used, dgram_used;
    char arena[FIELDS_ARENA];
};

static void
fields_clear(struct fields_state *fs, int scope)
{
    size_t i;

    for (i = 0; i < fs->tf->n && i < FIELDS_MAX; i++)
        if (fs->set[i] == scope)
            fs->set[i] = 0;
    fs->sample_fields = 0;
}

static void
fields_sample_begin(const struct sflow_walk *w)
{
    struct fields_state *fs = w->arg;

    fs->dgram_used = fs->used;
}

static void
fields_sample_end(const struct sflow_walk *w, int complete)
{
    struct fields_state *fs = w->arg;
    size_t i, n = fs->tf->n < FIELDS_MAX ? fs->tf->n : FIELDS_MAX;

    if (complete && fs->sample_fields > 0 && w->sample->known) {
        for (i = 0; i < n; i++) {
            if (i > 0)
                out_put(fs->out, ",", 1);
            if (fs->set[i])
                out_put(fs->out, fs->arena + fs->off[i], fs->len[i]);
        }
        out_put(fs->out, "\n", 1);
    }
    fields_clear(fs, 2);
    fs->used = fs->dgram_used;
}

static void
fields_list_begin(const struct sflow_walk *w, const char *json_name, const char *text_name)
{
    struct fields_state *fs = w->arg;

    (void)json_name;
    names_begin(&fs->names, text_name);
}

static void
fields_list_end(const struct sflow_walk *w)
{
    struct fields_state *fs = w->arg;

    names_end(&fs->names);
}

static void
fields_item_end(const struct sflow_walk *w)
{
    struct fields_state *fs = w->arg;

    names_next(&fs->names);
}

static void
fields_kv(const struct sflow_walk *w, const char *key, const char *val, size_t len,
    enum sflow_walk_kind kind)
{
    struct fields_state *fs = w->arg;
    const char *name;
    size_t n, i, nf = fs->tf->n < FIELDS_MAX ? fs->tf->n : FIELDS_MAX;

    (void)kind;
    name = names_key(&fs->names, key, &n);
    if (key == NULL)
        names_next(&fs->names);
    for (i = 0; i < nf; i++) {
        if (strlen(fs->tf->names[i]) != n || memcmp(fs->tf->names[i], name, n) != 0)
            continue;
        if (len > FIELDS_ARENA - fs->used)
            len = FIELDS_ARENA - fs->used;
        memcpy(fs->arena + fs->used, val, len);
        fs->off[i] = fs->used;
        fs->len[i] = len;
        fs->used += len;
        fs->set[i] = w->sample != NULL ? 2 : 1;
        if (w->sample != NULL)
            fs->sample_fields++;
    }
}

static const struct sflow_walk_ops fields_ops = {
    .sample_begin = fields_sample_begin,
    .sample_end = fields_sample_end,
    .list_begin = fields_list_begin,
    .list_end = fields_list_end,
    .item_end = fields_item_end,
    .kv = fields_kv,
};

void
text_fields_datagram(FILE *f, const struct text_fields *tf, const struct dgram_meta *meta,
    const struct sflow_datagram *dg)
{
    struct text_out o;
    struct fields_state fs;

    if (tf == NULL)
        return;
    text_out_init(&o, f);
    memset(fs.set, 0, sizeof(fs.set));
    fs.tf = tf;
    fs.out = &o;
    fs.names.depth = 0;
    fs.sample_fields = 0;
    fs.used = fs.dgram_used = 0;
    sflow_walk(&fields_ops, &fs, meta, dg);
    text_out_done(&o);
}
