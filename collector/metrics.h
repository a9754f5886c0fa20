/*
 * metrics: the collector's counters in Prometheus' text exposition format
 * (version 0.0.4), served over HTTP on --metrics ADDR:PORT for a
 * Prometheus server to scrape (GET /metrics).
 *
 * A thread of its own accepts one connection at a time, reads the request
 * (at most 4 KiB, 2 s), asks its renderer for the page and writes it.  The
 * renderer (main.c's) takes the collector's lock and calls
 * metrics_render_stats() and the sinks' metrics hooks.
 */
#ifndef SFK_METRICS_H
#define SFK_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "stats.h"

/* Agents with a label of their own; the rest are summed into one series. */
#define METRICS_TOP_AGENTS 50

struct metrics;

/* Writes the page into 'f'. */
typedef void metrics_render_fn(void *arg, FILE *f);

/*
 * Binds 'addr_port' ("127.0.0.1:9108", "[::1]:9108", ":9108" for all) and
 * starts serving.  Returns 0 with '*out' set, or an errno value with a
 * message in 'err'.
 */
int metrics_start(const char *addr_port, metrics_render_fn *render, void *arg,
    struct metrics **out, char *err, size_t errlen);

/* Stops serving and frees 'm' (NULL is fine). */
void metrics_stop(struct metrics *m);

/* The counters of 'st' (datagrams, samples, errors by reason, per-agent gaps). */
void metrics_render_stats(const struct stats *st, FILE *f);

#endif /* SFK_METRICS_H */
