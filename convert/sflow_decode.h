/*
 * sflow_decode: sFlow v5 datagram -> struct sflow_datagram (zero-copy).
 */
#ifndef SFK_SFLOW_DECODE_H
#define SFK_SFLOW_DECODE_H

#include "sflow_types.h"

/*
 * Decodes the 'len' bytes at 'p' into 'dg', which keeps pointers into 'p'.
 * Returns SFLOW_OK, or the reason the decode stopped; 'dg' then holds what
 * was decoded before the error, and 'dg->err' says where it happened.
 */
enum sflow_err sflow_decode(const uint8_t *p, size_t len, struct sflow_datagram *dg);

/* A short phrase for 'err', for messages. */
const char *sflow_strerror(enum sflow_err err);

/* Short name of an error, for counters and JSON ("sample_length"). */
const char *sflow_errname(enum sflow_err err);

/* Word 'i' of a validated SFT_U32_LIST. */
uint32_t sflow_list_u32(const struct sflow_bytes *list, uint32_t i);

/*
 * Walks the segments of a validated SFT_AS_PATH: pass 'pos' = 0 first; each
 * call fills 'type', 'n' and 'asns' (n big-endian words, read them with
 * sflow_be32()) and returns the next 'pos', or 0 when no segment is left.
 */
size_t sflow_as_path_next(const struct sflow_bytes *path, size_t pos,
    uint32_t *type, uint32_t *n, const uint8_t **asns);

/*
 * Walks a validated SFT_ADAPTERS list the same way: each adapter has an
 * ifIndex and 'n_macs' MACs of 8 bytes (6 + pad) at 'macs'.
 */
size_t sflow_adapters_next(const struct sflow_bytes *list, size_t pos,
    uint32_t *if_index, uint32_t *n_macs, const uint8_t **macs);

#endif /* SFK_SFLOW_DECODE_H */
