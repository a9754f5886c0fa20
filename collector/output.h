/* output: the stdout sink: sflowtool text, -g, -L, -l lines, -j/-J JSON. */
#ifndef SFK_OUTPUT_H
#define SFK_OUTPUT_H

#include <stddef.h>

#include "config.h"
#include "sink.h"

struct sink *output_open(const struct config *cfg, char *err, size_t errlen);

#endif /* SFK_OUTPUT_H */
