/* forward: raw datagram forwarding (-f HOST/PORT). */
#ifndef SFK_FORWARD_H
#define SFK_FORWARD_H

#include <stddef.h>

#include "config.h"
#include "sink.h"

/*
 * Opens the sink as 'cfg' asks.  Returns it, or NULL with a message for the
 * user in 'err'.
 */
struct sink *forward_open(const struct config *cfg, char *err, size_t errlen);

#endif /* SFK_FORWARD_H */
