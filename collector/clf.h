/*
 * clf: -H, one line of HTTP Common Log Format on stdout per flow sample
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

#include <stddef.h>

#include "config.h"
#include "sink.h"

struct sink *clf_open(const struct config *cfg, char *err, size_t errlen);

#endif /* SFK_CLF_H */
