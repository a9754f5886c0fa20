/*
 * fuzz_sw: one sflow-switch for the control and state file harnesses, in a
 * network namespace of the harness's own, since set-sflow sends UDP and
 * add-port opens interfaces.
 */
#ifndef SFK_FUZZ_SW_H
#define SFK_FUZZ_SW_H

#include "sw.h"

/*
 * The switch, set up on the first call: the process moves to a new
 * network namespace first, or exits 77 (skipped) when it may not.
 */
struct sw *fuzz_sw(void);

/* Removes every bridge, so that the next input starts from nothing. */
void fuzz_sw_reset(struct sw *sw);

#endif /* SFK_FUZZ_SW_H */
