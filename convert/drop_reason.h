/*
 * drop_reason: names of the discarded-packet reason codes of sflow_drops.txt
 * (the 'reason' of sample 0:5 and the value of an input/output word of
 * format 1).
 */
#ifndef SFK_DROP_REASON_H
#define SFK_DROP_REASON_H

#include <stdint.h>

/* The name of reason 'code' ("unknown_l4"), or NULL if the code has none. */
const char *drop_reason_name(uint32_t code);

#endif /* SFK_DROP_REASON_H */
