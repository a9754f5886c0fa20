/*
 * emu: the sflow-emu emulator's shared types.  One run owns a prefix
 * ("sfe" + a small run number); every namespace, interface and process it
 * makes carries that prefix and is written in its record before it is made,
 * and teardown and `sflow-emu --cleanup` remove what records list, nothing
 * found by its name alone.
 *
 * Files: topo.c (topologies and the topology file), mn.c (MiniEdit's .mn
 * files), shape.c (Mininet's TCLink settings as qdiscs), netns.c (host
 * namespaces), link.c (veths, bridges, batched rtnetlink), ctl.c
 * (sflow-switch's control socket), ping.c (Mininet's ping tests), run.c
 * (run registry, child processes, cleanup), traffic.c (traffic with
 * exact accounting), report.c (sFlow estimates against the truth),
 * session.c (traffic, report and statistics of a built network), cli.c
 * (the interactive CLI), main.c (options, building and teardown).
 * Calls go one way: main.c -> cli.c -> session.c -> traffic.c, report.c.
 */
#ifndef SFK_EMU_H
#define SFK_EMU_H

#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <sys/types.h>

#define EMU_RUN_DIR "/run/sflowkit-emu"
#define EMU_NETNS_DIR "/run/netns"
#define EMU_PREFIX_BASE "sfe"
#define EMU_MAX_RUNS 100
/* Link group of a run's root-namespace interfaces: one RTM_DELLINK removes them all (when all are its own). */
#define EMU_GROUP_BASE 0x5fe00000u
#define EMU_MAX_VLANS 8

struct nlbatch;
struct nl_msg;

/* shape.c: what Mininet's TCLink sets on a link (--link tc,..., a link's line in a file). */
enum { SHAPE_BW = 1, SHAPE_DELAY = 2, SHAPE_JITTER = 4, SHAPE_LOSS = 8, SHAPE_QUEUE = 16 };
#define SHAPE_NETEM (SHAPE_DELAY | SHAPE_JITTER | SHAPE_LOSS)
struct emu_shape {
    unsigned set;               /* SHAPE_* given. */
    double bw;                  /* Mbit/s. */
    uint32_t delay_us, jitter_us;
    double loss;                /* Percent. */
    uint32_t queue;             /* max_queue_size: packets. */
};

enum emu_kind { EMU_HOST, EMU_SWITCH };

struct emu_node {
    char name[16];              /* h1, s1, or a name from the topology file. */
    enum emu_kind kind;
    uint32_t ip;                /* Host order; hosts only. */
    int plen;                   /* Prefix length of 'ip'. */
    uint8_t mac[6];
    int nports;                 /* Switches: ports numbered 1..nports. */
    int netns_fd;               /* Hosts: while building, else -1. */
    struct nlbatch *nlb;        /* Hosts: rtnetlink in its namespace, while building. */
    int ifindex;                /* Switches: bridge ifindex (bridge mode). */
    int uplink;                 /* Hosts: index of its link. */
};

/* What an end of a link is found to be (link_status()); Mininet says OK or MISSING. */
enum emu_end_state { END_OK, END_DOWN, END_MISSING };

struct emu_link {
    int a, b;                   /* Node indexes; a host is always 'a'. */
    int a_port, b_port;         /* Switch port numbers (0 for a host end). */
    char a_if[IF_NAMESIZE];     /* Interface names: a host end lives in its */
    char b_if[IF_NAMESIZE];     /* namespace, switch ends in the root one. */
    int a_ifindex, b_ifindex;   /* Root-namespace ifindexes (0 for a host end). */
    int vlan;                   /* Access VLAN of a host's switch port; 0 none. */
    int trunk[EMU_MAX_VLANS];   /* Switch-switch: VLANs carried; none = all. */
    int ntrunk;
    bool down;
    bool host_second;           /* Added as (switch, host): Mininet names it that way round. */
    bool blocked;               /* Closes a loop: no traffic (topo_span()). */
    enum emu_end_state a_state, b_state;
    struct emu_shape shape;     /* The same on both ends, as Mininet's TCLink. */
};

struct emu_topo {
    struct emu_node *node;
    int nnodes, nhosts, nswitches;
    struct emu_link *link;
    int nlinks;
    char desc[128];             /* "tree,2,2" or the file name. */
    bool has_vlans;
};

/* topo.c */
int topo_build(struct emu_topo *, const char *spec, char *err, size_t errlen);
int topo_load(struct emu_topo *, const char *path, char *err, size_t errlen);
int topo_read(struct emu_topo *, FILE *f, const char *path, char *err, size_t errlen);
void topo_free(struct emu_topo *);
int topo_find(const struct emu_topo *, const char *name);
int topo_host(const struct emu_topo *, int nth);   /* Node index of the nth host. */
void topo_name_links(struct emu_topo *, const char *prefix);
void topo_print_nodes(const struct emu_topo *, FILE *);
void topo_print_net(const struct emu_topo *, FILE *);
void topo_print_links(const struct emu_topo *, FILE *);
void topo_print_intfs(const struct emu_topo *, FILE *);
void topo_print_ports(const struct emu_topo *, FILE *);
int topo_span(struct emu_topo *);
int topo_toward(const struct emu_topo *, int host, int *port);
void topo_print_dump(const struct emu_topo *, const char *prefix, FILE *);
char *topo_ipstr(uint32_t ip, char *buf, size_t len);
void *emu_grow(void *arr, int n, size_t size);
int topo_add(struct emu_topo *, enum emu_kind, const char *name, char *why, size_t whylen);
int topo_set_ip(struct emu_node *, const char *text);
int topo_connect(struct emu_topo *, const char *a, const char *b, char *why, size_t whylen);
int topo_complete(struct emu_topo *, const char *path, char *err, size_t errlen);

/* mn.c */
int mn_read(struct emu_topo *, FILE *f, const char *path, char *err, size_t errlen);

/* shape.c */
int shape_parse(struct emu_shape *, const char *opt, char *why, size_t whylen);
int shape_spec(struct emu_shape *, const char *spec, char *err, size_t errlen);
void shape_default(struct emu_topo *, const struct emu_shape *);
char *shape_str(const struct emu_shape *, char *buf, size_t len);
int shape_check(const struct emu_topo *, char *err, size_t errlen);
int shape_apply(struct emu_topo *, int li, char *err, size_t errlen);

/* netns.c */
int netns_prepare_dir(void);
int netns_create(const char *name, int *fd);
int netns_remove(const char *name);
int netns_enter(const char *name);

/* link.c */
int link_open(struct nlbatch **, int netns_fd);
void link_close(struct nlbatch *);
int link_send(struct nlbatch *, struct nl_msg *);
int link_finish(struct nlbatch *);
int link_build(struct emu_topo *, const char *prefix, uint32_t group, bool bridges,
    char *err, size_t errlen);
int link_configure_hosts(struct emu_topo *, char *err, size_t errlen);
int link_wait_up(struct emu_topo *, int timeout_ms);
void link_bridge_name(const char *prefix, const struct emu_node *sw, char name[IF_NAMESIZE]);
int link_delete_recorded(uint32_t group, char **names, size_t n);
int link_set_state(struct emu_topo *, int li, bool up);
int link_set_switch(struct emu_topo *, int sw, bool up);
int link_recreate(struct emu_topo *, int li, const char *prefix, uint32_t group, bool bridges);
int link_status(struct emu_topo *, const char *prefix);
int link_rx_stats(struct emu_topo *, uint64_t *pkts, uint64_t *bytes);
int link_neigh_add(int ifindex, uint32_t ip, const uint8_t mac[6]);

/* ping.c */
struct emu_ping {
    int src, dst;               /* Node indexes of hosts. */
    bool ok;                    /* A reply came in time. */
    double rtt_ms;
};
int ping_run(const struct emu_topo *, const char *prefix, struct emu_ping *, int n,
    double wait_s);
int ping_print(const struct emu_topo *, const char *prefix, const int *hosts, int nhosts,
    bool full, double wait_s, int *lost, FILE *out);

/* ctl.c */
int ctl_cmdv(const char *sock, char *out, size_t outlen, char *const argv[]);
int ctl_cmd(const char *sock, char *out, size_t outlen, ...);

/* run.c */
struct emu_run {
    int id;
    char prefix[16];            /* "sfe7" */
    uint32_t group;
    char dir[64];               /* /run/sflowkit-emu/sfe7 */
    pid_t pids[64];
    int npids;
    int nsaved;                 /* Of 'pids', those in the record. */
    int fd;                     /* The record, locked while the run lives. */
};
int run_register(struct emu_run *, char *msg, size_t msglen);
int run_note_netns(struct emu_run *, const char *name);
int run_note_link(struct emu_run *, const char *name);
void run_save(struct emu_run *, const struct emu_topo *);
void run_forget(struct emu_run *);
pid_t run_spawn(struct emu_run *, char *const argv[], const char *log_path, int out_fd);
void run_stop_children(struct emu_run *);
void run_clean(struct emu_run *);
/* The number of a signal that came (main.c's handler): whatever is waiting stops; SIGINT
 * only ends what runs in the CLI, SIGTERM and SIGHUP tear the run down. */
extern volatile sig_atomic_t emu_stop;
int run_cleanup(bool verbose, char *msg, size_t msglen);
int run_wait_log(const char *path, const char *needle, int timeout_ms);

/* traffic.c */
enum { FLOW_UDP = 17, FLOW_ICMP = 1, FLOW_TCP = 6 };
#define EMU_MAX_FRAME 1514      /* Ethernet without FCS: the largest frame a flow sends. */
struct emu_flow {
    int src, dst;               /* Node indexes of hosts. */
    int proto;
    uint16_t sport, dport;      /* ICMP: type and code, as sflowtool prints them. */
    uint32_t size;              /* Frame bytes (UDP: payload + 42). */
    uint64_t count;             /* Packets to send. */
    double rate;                /* Packets/s. */
    double start;               /* Seconds after the start of the run. */
    /* Truth, filled in by traffic_run(). */
    uint64_t sent_pkts, sent_bytes;
    uint64_t rcvd_pkts;
    bool reply;                 /* The kernel's echo replies to another flow. */
};
struct emu_traffic {
    struct emu_flow *flow;
    int nflows;
    double duration;
    uint64_t host_drops;        /* Dropped on the hosts' full receive sockets (traffic_run()). */
};
int traffic_pairs(struct emu_traffic *, const struct emu_topo *, double duration,
    double rate, uint32_t size, unsigned seed);
int traffic_mix(struct emu_traffic *, const struct emu_topo *, double duration,
    double rate, unsigned seed);
int traffic_load(struct emu_traffic *, const struct emu_topo *, const char *path,
    double duration, char *err, size_t errlen);
int traffic_read(struct emu_traffic *, const struct emu_topo *, FILE *f, const char *path,
    double duration, char *err, size_t errlen);
int traffic_run(struct emu_traffic *, const struct emu_topo *, const char *prefix,
    bool static_arp, char *err, size_t errlen);
void traffic_free(struct emu_traffic *);

/* samples.c */
struct sflow_datagram;
enum emu_sample_kind { EMU_SAMPLE_FLOW, EMU_SAMPLE_COUNTERS };
/* What the report reads from a sample; 0 for what the sample did not say. */
struct emu_sample {
    enum emu_sample_kind kind;
    uint32_t source;            /* source_id's index (the class is not looked at). */
    /* Flow samples. */
    uint32_t rate, pool, drops; /* sampling_rate, sample_pool, drops. */
    uint32_t input;             /* ifIndex it came in on; 0 if the input is not one. */
    bool has_ip4;               /* An IPv4 packet: 'src' and 'dst' are set. */
    uint32_t src, dst;          /* Host order. */
    uint32_t proto;
    uint32_t sport, dport;      /* UDP or TCP ports; any other protocol: ICMP type and code. */
    int64_t ip_size;            /* Bytes of the IP packet (its frame less the L2 header). */
    /* Counter samples: a port's generic counters (0:1), if 'has_discards'. */
    bool has_discards;
    uint32_t ifindex, in_discards, out_discards;
};
typedef void samples_fn(void *arg, const struct emu_sample *);
int samples_datagram(const uint8_t *p, size_t len, struct sflow_datagram *dg, samples_fn *fn,
    void *arg);
long samples_read(const char *path, const struct timeval *since, samples_fn *fn, void *arg,
    char *err, size_t errlen);

/* report.c */
struct emu_report_opts {
    const char *datagrams_path; /* The run's datagrams, a pcap (sflowcollect -M); NULL: none. */
    struct timeval since;       /* Those received from then on are the traffic's. */
    const uint64_t *if_pkts;    /* Per node: frames its link's switch end received */
    const uint64_t *if_bytes;   /* during the traffic (NULL: no check). */
    int sampling;
    int top;
    bool json;
    FILE *out;
};
int report_print(const struct emu_topo *, const struct emu_traffic *,
    const struct emu_report_opts *, char *err, size_t errlen);

/*
 * Exit statuses of the emulator's child processes.  A host process runs in
 * a host's namespace (traffic.c: a host's flows; ping.c: its pings) and
 * writes its results to a pipe; its status tells the parent whether they
 * are complete (EMU_EXIT_OK) or which step failed, which traffic_run()
 * names in its error.  ping_run() reads only the pipe: a ping process that
 * fails leaves its pings unanswered (X).
 */
enum emu_exit {
    EMU_EXIT_OK = 0,            /* Done: every result is written. */
    EMU_EXIT_ORPHAN = 1,        /* The emulator was gone before the child started. */
    EMU_EXIT_NETNS = 2,         /* Could not enter the host's namespace. */
    EMU_EXIT_RESULT = 3,        /* A result could not be written to the parent. */
    EMU_EXIT_ARP = 4,           /* The static ARP entries were refused. */
    EMU_EXIT_NOMEM = 5,         /* Out of memory. */
    EMU_EXIT_UDP_RECV = 6,      /* The UDP receiving socket (socket or bind). */
    EMU_EXIT_ICMP = 7,          /* The raw ICMP socket of pings. */
    EMU_EXIT_UDP_SEND = 8,      /* A UDP flow's socket (socket, bind or connect). */
    EMU_EXIT_READY = 9,         /* Could not tell the parent it is ready ('R'). */
    EMU_EXIT_DONE = 10,         /* Could not tell the parent it is done sending ('D'). */
    EMU_EXIT_POLL = 11,         /* poll() failed while sending or receiving. */
    EMU_EXIT_TAP = 12,          /* The packet socket that counts TCP frames. */
    EMU_EXIT_TCP_LISTEN = 13,   /* The TCP listening socket (socket, bind or listen). */
    EMU_EXIT_TCP_BIND = 14,     /* A TCP flow's socket (socket, options or bind). */
    EMU_EXIT_TCP_CONNECT = 15,  /* A TCP flow's connect(). */
    EMU_EXIT_TCP_SEND = 16,     /* A TCP flow's send() failed. */
    EMU_EXIT_TAP_DROPS = 17,    /* The tap dropped frames: the TCP truth would be wrong. */
    EMU_EXIT_EXEC = 127,        /* A command (cli.c) or daemon (run.c) could not be started:
                                 * namespace or exec failed, the shell's 127. */
};

/* The run, as main.c builds it and the CLI and the scripted tests drive it. */
enum emu_switch { EMU_SW_BRIDGE, EMU_SW_USER };
#define EMU_MAX_TARGETS 8       /* --sflow-target */
struct emu_ctx {
    struct emu_topo topo;
    struct emu_run run;
    enum emu_switch sw;
    int loops;                  /* Links that close a loop (topo_span()). */
    bool sflow;                 /* Agent and collector running. */
    int sampling, polling;
    char bindir[256];           /* Where sflow-agent and sflowcollect are. */
    const char *targets[EMU_MAX_TARGETS];      /* Extra sFlow collectors (HOST:PORT). */
    int ntargets;
    int collector_port;
    pid_t collector;
    pid_t sw_pid;               /* sflow-switch (--switch user). */
    char sw_sock[128];
    char datagrams_path[128];   /* What the collector received, a pcap (sflowcollect -M). */
    struct timeval traffic_start;       /* When the last traffic run began. */
    struct emu_traffic traffic; /* The last traffic run, for "report". */
    uint64_t *if_pkts, *if_bytes;
    bool have_traffic;
    const char *traffic_kind;   /* pairs | mix | pingall | flows */
    const char *flows_file;
    double duration, rate;
    uint32_t size;
    unsigned seed;
    int top;
    const char *json_path;
    FILE *json;                 /* --json's, open before the build (stdout for "-"). */
};

/* session.c */
int session_traffic(struct emu_ctx *, const char *kind, const char *file, double duration);
int session_report(struct emu_ctx *, bool json, FILE *out);
void session_sflow_stats(struct emu_ctx *, FILE *out);

/* cli.c */
int cli_run(struct emu_ctx *);
int cli_command(struct emu_ctx *, const char *line);

#endif /* SFK_EMU_H */
