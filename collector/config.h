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

    /* NetFlow v5 / v9 / IPFIX export. */
    struct target nf[CONFIG_MAX_TARGETS];       /* -c HOST -d PORT */
    int n_nf;
    int nf_raw_counts;          /* -s: no pre-scaling; rate in sampling_interval */
    int nf_aggregate;           /* --nf-aggregate */
    int nf_active_timeout;      /* seconds (--nf-active-timeout) */
    int nf_inactive_timeout;    /* seconds (--nf-inactive-timeout) */
    int nf_version;             /* -N: 5, 9 or 10 (IPFIX) */
    int nf_peer_as;             /* -e: neighbour AS numbers, not origin */
    int nf_tmpl_packets;        /* --nf-template-refresh PACKETS,SECONDS */
    int nf_tmpl_seconds;
    int spoof;                  /* -S: NetFlow and -f leave from the agent's address */

    /* sflowtool's general options. */
    int keep_going;             /* -k: a receive error waits a second, not exits */
    int allow_dns;              /* -D: -c/-f hosts may be names */
    int clf;                    /* -H: HTTP Common Log Format on stdout */
    int pcap_dgrams;            /* -M: the datagrams whole as pcap on stdout */
    uint32_t resample_rate;     /* -R N: -r is raw packets, sampled 1-in-N into sFlow */
    double playback;            /* -P X: replay -r at X times its speed; 0 at once */

    /* Forwarding. */
    struct target fwd[CONFIG_MAX_TARGETS];      /* -f HOST/PORT */
    int n_fwd;
    int fwd_by_agent;           /* --forward-by agent */

    /* RRD. */
    const char *rrd_dir;        /* --rrd DIR */
    const char *rrdcached;      /* --rrdcached ADDR */

    /* GeoIP. */
    const char *geoip_country;  /* --geoip-country FILE.mmdb */
    const char *geoip_asn;      /* --geoip-asn FILE.mmdb */

    /* ClickHouse (collector/clickhouse.c). */
    const char *ch_url[CONFIG_MAX_TARGETS];     /* --clickhouse URL */
    int n_ch;
    long ch_batch_rows;         /* --ch-batch-rows; 0 = default */
    long ch_batch_ms;           /* --ch-batch-ms; 0 = default */
    long ch_ttl_days;           /* --ch-ttl-days; 0 = keep */
    const char *ch_engine;      /* --ch-engine ENGINE; NULL = MergeTree */
    const char *ch_spool;       /* --ch-spool DIR */
    unsigned long long ch_spool_max;    /* --ch-spool-max bytes; 0 = default */

    const char *metrics;        /* --metrics ADDR:PORT */
    int stats;                  /* --stats */

    /* Who may send, what may be created, who we run as. */
    long rrd_max_files;         /* --rrd-max-files: files at most; 0 = no limit */
    const char *user;           /* -u: run as this user after start-up */
};

#endif /* SFK_CONFIG_H */
