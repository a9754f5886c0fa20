/*
 * clf: HTTP Common Log Format (sflowcollect -H), one line per flow sample
 * that carries an http_request record (0:2201 or 0:2206), as sflowtool's -H:
 *
 *   CLIENT - AUTHUSER [TIME] "METHOD URI HTTP/MAJOR.MINOR" STATUS BYTES "REFERRER" "USERAGENT"
 *
 * CLIENT is the remote address of the sample's socket record (0:2100 or
 * 0:2101), empty without one; empty strings print as '-'.  TIME is the
 * datagram's (the capture's for -r) in local time.  Bytes that are not
 * printable ASCII, and '"' and '\', print as \xHH: the strings come from
 * the network.
 */
#ifndef SFK_CLF_H
#define SFK_CLF_H

#include <stdint.h>
#include <stdio.h>

#include "dgram_meta.h"
#include "sflow_types.h"

/* Writes the lines of 'dg' (received as 'meta' says) to 'f'; returns how many. */
unsigned int clf_datagram(FILE *f, const struct dgram_meta *meta,
    const struct sflow_datagram *dg);

#endif /* SFK_CLF_H */
