/*
 * sflow_walk: a decoded datagram as a stream of named values, in sflowtool's
 * order and with sflowtool's names.  The text, grep, -L field and JSON
 * renderers are visitors of this one walk, so they cannot disagree on what a
 * datagram contains, and none of them formats a value itself.
 *
 * The stream for one datagram, as a grammar (callbacks in capitals):
 *
 *   datagram := DATAGRAM_BEGIN header-kv* sample* DATAGRAM_END
 *   sample   := SAMPLE_BEGIN kv* element* SAMPLE_END
 *   element  := ELEMENT_BEGIN (kv | note | list)* ELEMENT_END
 *   list     := LIST_BEGIN (item | KV-with-NULL-key)* LIST_END
 *   item     := ITEM_BEGIN (kv | list)* ITEM_END
 *
 * - DATAGRAM_BEGIN/END come once per datagram, even one that failed to
 *   decode at its first byte: sflowtool prints startDatagram / endDatagram
 *   around whatever it could read.
 * - SAMPLE_END's 'complete' is 0 when decoding stopped inside this sample
 *   (sflowtool then prints no endSample line, though JSON must still close
 *   the object).  Nothing follows a failed sample but DATAGRAM_END.
 * - Every element (flow/counter record) starts with a kv "flowBlock_tag" or
 *   "counterBlock_tag" "E:F".  An element the decoder did not understand
 *   ('known' 0 in ELEMENT_BEGIN) carries only that tag and a note;
 *   sflowtool's JSON keeps such elements with their tag only; the note is text-only.
 * - Inside a discarded-packet sample (0:5) every element key carries the
 *   prefix "discarded_" already ("discarded_srcIP"); visitors never add it.
 * - Lists: host adapters (0:2001) are the only nested data in sflowtool's
 *   output.  JSON names them ("adaptor_list":[{"ifIndex":..,"MACs":..,
 *   "mac_list":["..",..]}]); text flattens them with an index
 *   (adaptor_0_ifIndex, adaptor_0_MAC_0).  LIST_BEGIN gives both names:
 *   'json_name' ("adaptor_list", "mac_list") and 'text_name' ("adaptor",
 *   "MAC").  A list holds either items (objects: ITEM_BEGIN, kvs, ITEM_END)
 *   or scalars, which come as KV with key NULL; the text name of a scalar
 *   is "<text_name>_<index>", that of an item's kv "<text_name>_<index>_<key>".
 *   'index' in struct sflow_walk counts items/scalars from 0 in the
 *   innermost open list.
 * - Values come formatted exactly as sflowtool prints them in text mode;
 *   'kind' says whether the value is a number (SFLOW_WALK_NUM: digits, with
 *   at most a sign and a decimal point, safe to print unquoted in JSON) or a
 *   string (SFLOW_WALK_STR: may need JSON escaping; strings from the wire
 *   are passed through as sflowtool passes them, bytes unchanged).
 * - Notes are sflowtool's free-text lines that are not key/value pairs,
 *   such as "skipping unknown counters_sample_element: 4300:2 len=20".
 *
 * Deliberate differences from sflowtool (docs/compat.md): unixSecondsUTC,
 * unixSecondsUTC_uS and localtime give the datagram's time (meta->ts);
 * datagramSourceIP gives meta->src; IPID is not byte-swapped.
 *
 * Strings passed to callbacks live only until the callback returns.  The
 * walk allocates nothing and keeps its state on the stack.
 */
#ifndef SFK_SFLOW_WALK_H
#define SFK_SFLOW_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dgram_meta.h"
#include "sflow_types.h"

enum sflow_walk_kind {
    SFLOW_WALK_NUM,             /* Unquoted in JSON. */
    SFLOW_WALK_STR,             /* Quoted (and escaped) in JSON. */
};

/* Where the walk is; passed to every callback, read-only. */
struct sflow_walk {
    const struct dgram_meta *meta;
    const struct sflow_datagram *dg;
    const struct sflow_sample *sample;  /* Current sample, or NULL. */
    const struct sflow_record *record;  /* Current element, or NULL. */
    uint32_t element_tag;               /* Current element's tag, or 0. */
    int discarded;                      /* Inside a 0:5 sample. */
    int depth;                          /* Open lists. */
    uint32_t index;                     /* Position in the innermost list. */
    void *arg;                          /* The visitor's own state. */
};

/*
 * A visitor.  Any callback may be NULL.  'complete' is 0 for a sample whose
 * decoding failed; 'known' is 0 for an element skipped by length.
 */
struct sflow_walk_ops {
    void (*datagram_begin)(const struct sflow_walk *);
    void (*datagram_end)(const struct sflow_walk *);
    void (*sample_begin)(const struct sflow_walk *);
    void (*sample_end)(const struct sflow_walk *, int complete);
    void (*element_begin)(const struct sflow_walk *, uint32_t tag, int known);
    void (*element_end)(const struct sflow_walk *);
    void (*list_begin)(const struct sflow_walk *, const char *json_name,
        const char *text_name);
    void (*list_end)(const struct sflow_walk *);
    void (*item_begin)(const struct sflow_walk *);
    void (*item_end)(const struct sflow_walk *);
    /* 'key' NULL: a scalar list member.  'val' is 'len' bytes, NUL-terminated. */
    void (*kv)(const struct sflow_walk *, const char *key, const char *val,
        size_t len, enum sflow_walk_kind kind);
    void (*note)(const struct sflow_walk *, const char *text);
};

/*
 * Walks datagram 'dg', received as 'meta' says, calling 'ops' with 'arg' in
 * struct sflow_walk.  Whatever 'dg->err' says, every decoded part is
 * visited and DATAGRAM_END comes last.
 */
void sflow_walk(const struct sflow_walk_ops *ops, void *arg,
    const struct dgram_meta *meta, const struct sflow_datagram *dg);

/*
 * Enrichment (GeoIP, ASN): an optional, process-wide hook.  For every flow
 * sample (0:1, 0:3) that carries an IP packet (the sampled header's outer
 * packet, else a 0:3/0:4 record), the walk calls 'fn' with the packet's
 * addresses ('ipv6' 0: 4 bytes each, else 16); 'fn' calls 'emit' with
 * 'emit_arg' for each value it wants to add.  Those come as sample-level
 * KVs after the sample's own fields and before its first element (where
 * every renderer, JSON included, can take a sample member).  With no hook
 * (the default, or 'fn' NULL) the output is unchanged.  Not thread-safe:
 * set it before walking.
 */
typedef void (*sflow_walk_emit_fn)(void *emit_arg, const char *key, const char *val,
    size_t len, enum sflow_walk_kind kind);
typedef void (*sflow_walk_enrich_fn)(void *arg, int ipv6, const uint8_t *src,
    const uint8_t *dst, sflow_walk_emit_fn emit, void *emit_arg);
void sflow_walk_set_enrich(sflow_walk_enrich_fn fn, void *arg);

/*
 * Output held across datagrams.  By default each renderer of the walk
 * (text.c, json.c) hands a datagram's bytes to stdio before it returns.
 * After sflow_walk_hold('f'), what they render to 'f' stays in one
 * process-wide buffer until it fills, then goes to f's descriptor with
 * write(2), after fflush('f') so that the order of bytes on 'f' is kept:
 * no copy into stdio and one system call per 64 KiB.  A failed or short
 * write hands the rest to stdio, so that 'f' shows the error as it would
 * have (ferror(), a failing fflush() at the end, SIGPIPE as before).
 *
 * sflow_walk_flush() writes what is held; call it before anything else
 * writes to 'f' and at the end.  sflow_walk_hold(NULL) flushes and stops
 * holding.  Not thread-safe: the renderers' callers serialise them.
 */
void sflow_walk_hold(FILE *f);
void sflow_walk_flush(void);

/*
 * sflowtool's timestamp format (ISO 8601, local time of the environment's
 * TZ, "%Y-%m-%dT%H:%M:%S%z") of 'sec' into 'buf' of 'size' bytes.  Returns
 * the length written (0 if it does not fit).  Caches the last conversion.
 */
size_t sflow_walk_time(char *buf, size_t size, long long sec);

#endif /* SFK_SFLOW_WALK_H */
