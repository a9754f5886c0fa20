/* pcap_sink: pcap of sampled headers (-t, -T, -w, -x).  Not implemented yet. */
#include "pcap_sink.h"

#include <stdio.h>

struct sink *
pcap_sink_open(const struct config *cfg, char *err, size_t errlen)
{
    (void)cfg;
    snprintf(err, errlen, "pcap of sampled headers (-t, -T, -w, -x): not implemented yet");
    return NULL;
}
