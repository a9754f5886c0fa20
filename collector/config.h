/*
 * config: sflowcollect's settings, as parsed from the command line by
 * main.c and read by the sinks' constructors.
 */
#ifndef SFK_CONFIG_H
#define SFK_CONFIG_H

#include <stdint.h>

#define CONFIG_MAX_TARGETS 16

enum output {
    OUT_TEXT, OUT_LINE, OUT_FIELDS, OUT_GREP, OUT_JSON, OUT_JSON_PRETTY, OUT_NONE,
};

struct target {
    const char *host;
    const char *port;
};

struct config {
    /* Input. */
    const char *file;           /* -r */
    const char *bind_addr;      /* -b */
    uint16_t port;              /* -p */
    int family;                 /* -4 / -6: AF_INET, AF_INET6, else AF_UNSPEC */
    int rcvbuf;                 /* --rcvbuf */
    int threads;                /* --threads */

    /* stdout output. */
    enum output output;
    const char *fields;         /* -L */
    int output_set;             /* An output format was chosen explicitly. */
    int json_strings;           /* --json-strings */

    /* pcap sink. */
    int pcap_flows;             /* -t: sampled headers of flow samples */
    int pcap_discards;          /* -T: headers of discarded-packet samples */
    const char *pcap_file;      /* -w FILE (else stdout) */
    int pcap_cut_payload;       /* -x */

    /* NetFlow v5 export. */
    struct target nf[CONFIG_MAX_TARGETS];       /* -c HOST -d PORT */
    int n_nf;
    int nf_raw_counts;          /* -s: no pre-scaling; rate in sampling_interval */
    int nf_aggregate;           /* --nf-aggregate */
    int nf_active_timeout;      /* seconds (--nf-active-timeout) */
    int nf_inactive_timeout;    /* seconds (--nf-inactive-timeout) */

    /* Forwarding. */
    struct target fwd[CONFIG_MAX_TARGETS];      /* -f HOST/PORT */
    int n_fwd;

    /* RRD. */
    const char *rrd_dir;        /* --rrd DIR */
    const char *rrdcached;      /* --rrdcached ADDR */

    /* GeoIP. */
    const char *geoip_country;  /* --geoip-country FILE.mmdb */
    const char *geoip_asn;      /* --geoip-asn FILE.mmdb */

    int stats;                  /* --stats */
};

#endif /* SFK_CONFIG_H */
