/*
 * clickhouse: the ClickHouse sink (--clickhouse URL, repeatable).  Flow
 * samples become rows of table 'flows', counter samples with generic
 * interface counters rows of 'counters' (columns: convert/ch_row.c), sent
 * in batches (Native blocks) over the HTTP interface with libcurl, loaded
 * when the sink opens (ch_curl.c).  Each URL is
 * a node; an agent's rows all go to one node (forward_hash.c).  A batch a
 * node does not take waits in the spool (ch_spool.c) when --ch-spool is
 * given.  docs/clickhouse.md is the user's guide.
 */
#ifndef SFK_CLICKHOUSE_H
#define SFK_CLICKHOUSE_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "sink.h"

struct sink *clickhouse_open(const struct config *cfg, char *err, size_t errlen);

/*
 * Parses the value of an --ch-* option 'opt' into 'cfg'.  Returns 0, or -1
 * with a message in 'err'.
 */
int clickhouse_option(struct config *cfg, const char *opt, const char *val,
    char *err, size_t errlen);

#endif /* SFK_CLICKHOUSE_H */
