/*
 * sflow_encode: sFlow v5 datagrams into a struct wbuf (the decoder in reverse).
 *
 * A datagram is written in nested begin/end pairs:
 *
 *     size_t dg = sflow_enc_datagram_begin(w, &agent, 0, seq, uptime);
 *     size_t s = sflow_enc_sample_begin(w, &smp);
 *     sflow_enc_header(w, PKT_PROTO_ETHERNET, frame_len, 4, hdr, hdr_len);
 *     sflow_enc_record(w, tag, schema, v);
 *     if (sflow_enc_sample_end(w, s) == ENOSPC)
 *         wbuf_cancel(w, s);          (send what fits, start a new datagram)
 *     sflow_enc_datagram_end(w, dg);
 *
 * Every "begin" returns the offset where its item starts; the matching "end"
 * patches the item's length and its count of samples or records.  The counts
 * are found by walking the items written since the begin, not kept in a
 * struct, so cancelling a sample or a record with wbuf_cancel() at its start
 * offset leaves nothing to undo.  It also means items are written one at a
 * time: end (or cancel) a sample before beginning the next.
 *
 * Errors are wbuf's sticky 'error': ENOSPC when the buffer is full, ERANGE
 * for a value the wire form cannot hold (an ifIndex >= 2^24 in a compact
 * sample), EINVAL for a malformed argument (an unknown sample type, an
 * address type other than 0, 1, 2, a list whose bytes do not match its
 * count).  Only ENOSPC goes away by starting a new datagram.
 */
#ifndef SFK_SFLOW_ENCODE_H
#define SFK_SFLOW_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "sflow_types.h"
#include "wbuf.h"

/*
 * Writes the datagram header for 'agent' (type 1 or 2; 0 writes the
 * "unknown" address), with num_samples reserved.  Returns the offset of the
 * datagram in 'w', to give to sflow_enc_datagram_end().
 */
size_t sflow_enc_datagram_begin(struct wbuf *w, const struct sflow_addr *agent,
    uint32_t sub_agent, uint32_t seq, uint32_t uptime);

/*
 * Patches num_samples of the datagram at 'start' to the samples written
 * since.  Returns 0 or w->error.
 */
int sflow_enc_datagram_end(struct wbuf *w, size_t start);

/* Samples written so far in the datagram at 'start'. */
uint32_t sflow_enc_datagram_samples(const struct wbuf *w, size_t start);

/*
 * Writes the header of a sample of type 'smp->tag' (enterprise 0, format
 * 1-5) from its fields: seq, ds_class, ds_index, sampling_rate, sample_pool,
 * drops, input_format/input, output_format/output, reason, as each type has
 * them.  Compact forms (1, 2) pack ds_class << 24 | ds_index and
 * format << 30 | value; discarded_packet (5) has plain input and output
 * ifIndex words.  The length and num_records are reserved.  Returns the
 * sample's offset for sflow_enc_sample_end() or wbuf_cancel().
 */
size_t sflow_enc_sample_begin(struct wbuf *w, const struct sflow_sample *smp);

/*
 * Patches the length and num_records of the sample at 'start'.  Returns 0
 * or w->error; on error the caller should wbuf_cancel(w, start).
 */
int sflow_enc_sample_end(struct wbuf *w, size_t start);

/*
 * Writes one record 'tag' whose body is laid out by 'schema', from 'v'
 * (one value per schema field, as sflow_decode() fills them):
 *   SFT_MAC/IP4/IP6/UUID  'b.p' holds 6, 4, 16, 16 bytes (NULL = zeros);
 *   SFT_STR/OPAQUE        'b.p', 'b.len'; a string longer than the field's
 *                         max is cut to max, as the spec asks of agents;
 *   SFT_U32_LIST/LANES    'b.count' items in wire form (big-endian) at 'b.p';
 *   SFT_AS_PATH/ADAPTERS  'b.count' items in wire form, 'b.len' bytes.
 * Returns 0 or w->error.
 */
int sflow_enc_record(struct wbuf *w, uint32_t tag,
    const struct sflow_schema *schema, const union sflow_value *v);

/* The three steps of sflow_enc_record(), for writers that add bytes of their own. */
size_t sflow_enc_record_begin(struct wbuf *w, uint32_t tag);
void sflow_enc_fields(struct wbuf *w, const struct sflow_schema *schema,
    const union sflow_value *v);
void sflow_enc_record_end(struct wbuf *w, size_t start);

/*
 * Writes a sampled_header record (0:1): 'len' bytes of the packet at 'hdr',
 * captured with 'header_protocol' from a frame of 'frame_length' bytes of
 * which 'stripped' were removed (4 for an Ethernet FCS).  Returns 0 or
 * w->error.
 */
int sflow_enc_header(struct wbuf *w, uint32_t header_protocol,
    uint32_t frame_length, uint32_t stripped, const void *hdr, uint32_t len);

/*
 * Writes 'tag', then 'len' bytes at 'body' as an opaque<> (padded): a record
 * or a sample this module has no layout for, e.g. a vendor's.
 */
int sflow_enc_opaque(struct wbuf *w, uint32_t tag, const void *body, uint32_t len);

#endif /* SFK_SFLOW_ENCODE_H */
