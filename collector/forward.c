/* forward: raw datagram forwarding (-f HOST/PORT).  Not implemented yet. */
#include "forward.h"

#include <stdio.h>

struct sink *
forward_open(const struct config *cfg, char *err, size_t errlen)
{
    (void)cfg;
    snprintf(err, errlen, "raw datagram forwarding (-f HOST/PORT): not implemented yet");
    return NULL;
}
