/*
 * text: sflowtool's text outputs, as formats of sflow_walk.
 *
 *   default  "name value" lines between startDatagram/endDatagram and
 *            startSample/endSample markers (sflowtool with no option)
 *   -g       the same lines, each after its context: time, agent, sub-agent,
 *            datagram sequence, source id, sample and element tags
 *   -L a,b   one comma-separated line per sample with the named fields
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>

/* The default and -g formats differ only in -g's context prefix. */
#define TEXT_FORMAT_MARKERS \
    .syntax = WALK_TEXT, \
    .start_datagram = WALK_LINE("startDatagram ================================="), \
    .end_datagram = WALK_LINE("endDatagram   ================================="), \
    .start_sample = WALK_LINE("startSample ----------------------"), \
    .end_sample = WALK_LINE("endSample   ----------------------"), \
    .notes = 1

static const struct walk_format text_format = { TEXT_FORMAT_MARKERS };

static const struct walk_format grep_format = { TEXT_FORMAT_MARKERS, .context = 1 };

void
text_datagram(struct obuf *out, const struct sflow_enrich *enrich,
    const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    sflow_walk(out, &text_format, NULL, enrich, meta, dg);
}

void
text_grep_datagram(struct obuf *out, const struct sflow_enrich *enrich,
    const struct dgram_meta *meta, const struct sflow_datagram *dg)
{
    sflow_walk(out, &grep_format, NULL, enrich, meta, dg);
}

/* ---- -L field lists ---- */

#define FIELDS_MAX 64
#define FIELDS_ARENA 8192

/*
 * The picked values live in an arena: the datagram's first, then the
 * current sample's, which are dropped when the sample ends.  A line is
 * printed at the end of every complete sample that set at least one of
 * its fields, as sflowtool does.  Lines hold the first FIELDS_MAX fields.
 */
struct text_fields {
    size_t n;
    uint64_t keys;                      /* text_fields_keys() */
    const char *names[FIELDS_MAX];      /* Point into 'list'... */
    size_t lens[FIELDS_MAX];            /* ...and their lengths. */
    char *list;
    size_t off[FIELDS_MAX], len[FIELDS_MAX];
    int set[FIELDS_MAX];        /* 0 unset, 1 datagram, 2 sample. */
    int sample_fields;
    size_t used, dgram_used;
    char arena[FIELDS_ARENA];
};

struct text_fields *
text_fields_parse(const char *list)
{
    struct text_fields *tf;
    char *p, *name;

    if (list == NULL || *list == '\0' || (tf = calloc(1, sizeof(*tf))) == NULL)
        return NULL;
    if ((tf->list = strdup(list)) == NULL) {
        free(tf);
        return NULL;
    }
    for (p = tf->list; p != NULL; tf->n++) {
        name = strsep(&p, ",");
        if (*name == '\0') {
            text_fields_free(tf);
            return NULL;
        }
        if (tf->n < FIELDS_MAX) {
            tf->names[tf->n] = name;
            tf->lens[tf->n] = strlen(name);
            tf->keys |= text_fields_bit(name, tf->lens[tf->n]);
        }
    }
    return tf;
}

void
text_fields_free(struct text_fields *tf)
{
    if (tf == NULL)
        return;
    free(tf->list);
    free(tf);
}

static size_t
fields_kept(const struct text_fields *tf)
{
    return tf->n < FIELDS_MAX ? tf->n : FIELDS_MAX;
}

void
text_fields_begin_datagram(struct text_fields *tf)
{
    memset(tf->set, 0, sizeof(tf->set));
    tf->sample_fields = 0;
    tf->used = tf->dgram_used = 0;
}

uint64_t
text_fields_keys(const struct text_fields *tf)
{
    return tf->keys;
}

void
text_fields_begin_sample(struct text_fields *tf)
{
    tf->dgram_used = tf->used;
}

void
text_fields_take(struct text_fields *tf, const char *key, size_t klen, const char *val,
    size_t len, int in_sample)
{
    size_t i;

    for (i = 0; i < fields_kept(tf); i++) {
        if (tf->lens[i] != klen || tf->names[i][klen - 1] != key[klen - 1] ||
            memcmp(tf->names[i], key, klen) != 0)
            continue;
        if (len > FIELDS_ARENA - tf->used)
            len = FIELDS_ARENA - tf->used;
        memcpy(tf->arena + tf->used, val, len);
        tf->off[i] = tf->used;
        tf->len[i] = len;
        tf->used += len;
        tf->set[i] = in_sample ? 2 : 1;
        tf->sample_fields += in_sample;
    }
}

void
text_fields_end_sample(struct text_fields *tf, struct obuf *out, int print)
{
    size_t i;

    if (print && tf->sample_fields > 0) {
        for (i = 0; i < fields_kept(tf); i++) {
            if (i > 0)
                obuf_put_char(out, ',');
            if (tf->set[i])
                obuf_put(out, tf->arena + tf->off[i], tf->len[i]);
        }
        obuf_put_char(out, '\n');
    }
    for (i = 0; i < fields_kept(tf); i++)
        if (tf->set[i] == 2)
            tf->set[i] = 0;
    tf->sample_fields = 0;
    tf->used = tf->dgram_used;
}

void
text_fields_datagram(struct obuf *out, struct text_fields *tf,
    const struct sflow_enrich *enrich, const struct dgram_meta *meta,
    const struct sflow_datagram *dg)
{
    if (tf != NULL)
        sflow_walk(out, &text_format, tf, enrich, meta, dg);
}
