/* clf_sink: -H, HTTP Common Log Format (convert/clf.c) on stdout. */
#ifndef SFK_CLF_SINK_H
#define SFK_CLF_SINK_H

#include <stddef.h>

#include "config.h"
#include "sink.h"

struct sink *clf_sink_open(const struct config *cfg, char *err, size_t errlen);

#endif /* SFK_CLF_SINK_H */
