/*
 * emu_samples: the emulator's report reads each sample of a pcap of
 * datagrams (samples.c) as sflowcollect -L prints it, which is how the
 * report read them before it decoded them itself: for sfgen's mix (IPv4,
 * IPv6, counters), for the same datagrams as sflowcollect -M writes them
 * (raw IP, what the emulator reads), and for every pcap of the shared
 * corpus (real agents, tunnels, discards, odd interface formats).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu.h"

/* The sflowtool names of what struct emu_sample holds, in the order compare() reads them. */
#define FIELDS "sampleType,sourceId,inputPort,srcIP,dstIP,IPProtocol,UDPSrcPort,UDPDstPort," \
    "TCPSrcPort,TCPDstPort,ICMPType,ICMPCode,IPSize,meanSkipCount,samplePool,dropEvents," \
    "ifIndex,ifInDiscards,ifOutDiscards"
enum { C_TYPE, C_SOURCE, C_IN, C_SRC, C_DST, C_PROTO, C_USPORT, C_UDPORT, C_TSPORT, C_TDPORT,
    C_ICMPTYPE, C_ICMPCODE, C_IPSIZE, C_RATE, C_POOL, C_DROPS, C_IFINDEX, C_DISCARDS,
    C_OUT_DISCARDS, C_N };

static char bindir[PATH_MAX];
static char tmpdir[] = "/tmp/test_emu_samples.XXXXXX";

struct got {
    struct emu_sample *s;
    long n;
};

static void
collect(void *arg, const struct emu_sample *smp)
{
    struct got *g = arg;

    g->s = realloc(g->s, (size_t)(g->n + 1) * sizeof(*g->s));
    assert_non_null(g->s);
    g->s[g->n++] = *smp;
}

static int
split(char *line, char **col, int max)
{
    int n = 0;
    char *p;

    line[strcspn(line, "\n")] = '\0';
    while ((p = strsep(&line, ",")) != NULL && n < max)
        col[n++] = p;
    return n;
}

static uint32_t
ip4(const char *s, bool *ok)
{
    struct in_addr a;

    *ok = inet_pton(AF_INET, s, &a) == 1;
    return *ok ? ntohl(a.s_addr) : 0;
}

/* One line of sflowcollect -L FIELDS against the sample read from the same bytes. */
static void
compare(char **col, const struct emu_sample *s, const char *what)
{
    const char *id = strchr(col[C_SOURCE], ':');
    bool src_ok, dst_ok;
    uint32_t src = ip4(col[C_SRC], &src_ok), dst = ip4(col[C_DST], &dst_ok);
    int proto = atoi(col[C_PROTO]);

    if (strcmp(col[C_TYPE], "COUNTERSSAMPLE") == 0) {
        assert_int_equal(s->kind, EMU_SAMPLE_COUNTERS);
        assert_int_equal(s->has_discards, col[C_DISCARDS][0] != '\0');
        if (s->has_discards) {
            assert_int_equal(s->ifindex, strtoul(col[C_IFINDEX], NULL, 10));
            assert_int_equal(s->in_discards, strtoul(col[C_DISCARDS], NULL, 10));
            assert_int_equal(s->out_discards, strtoul(col[C_OUT_DISCARDS], NULL, 10));
        }
        return;
    }
    if (s->kind != EMU_SAMPLE_FLOW)
        fail_msg("%s: a flow sample read as counters", what);
    assert_int_equal(s->source, strtoul(id ? id + 1 : col[C_SOURCE], NULL, 10));
    assert_int_equal(s->input, (uint32_t)atoi(col[C_IN]));
    assert_int_equal(s->rate, strtoul(col[C_RATE], NULL, 10));
    assert_int_equal(s->pool, strtoul(col[C_POOL], NULL, 10));
    assert_int_equal(s->drops, strtoul(col[C_DROPS], NULL, 10));
    assert_true(s->ip_size == (int64_t)atof(col[C_IPSIZE]));
    assert_int_equal(s->has_ip4, src_ok && dst_ok);
    if (!s->has_ip4)
        return;
    assert_int_equal(s->src, src);
    assert_int_equal(s->dst, dst);
    assert_int_equal(s->proto, (uint32_t)proto);
    if (proto == 17) {
        assert_int_equal(s->sport, (uint32_t)atoi(col[C_USPORT]));
        assert_int_equal(s->dport, (uint32_t)atoi(col[C_UDPORT]));
    } else if (proto == 6) {
        assert_int_equal(s->sport, (uint32_t)atoi(col[C_TSPORT]));
        assert_int_equal(s->dport, (uint32_t)atoi(col[C_TDPORT]));
    } else {
        assert_int_equal(s->sport, (uint32_t)atoi(col[C_ICMPTYPE]));
        assert_int_equal(s->dport, (uint32_t)atoi(col[C_ICMPCODE]));
    }
}

/* Reads 'pcap' both ways and compares them line by line; returns the samples. */
static long
check_pcap(const char *pcap)
{
    char cmd[PATH_MAX * 2 + 256], line[4096], err[256];
    struct got g = { NULL, 0 };
    long n, lines = 0;
    FILE *f;

    n = samples_read(pcap, NULL, collect, &g, err, sizeof(err));
    if (n < 0)
        fail_msg("%s: %s", pcap, err);
    assert_int_equal(n, g.n);
    snprintf(cmd, sizeof(cmd), "'%s/sflowcollect' -r '%s' -L '%s' 2>/dev/null", bindir, pcap,
        FIELDS);
    assert_non_null(f = popen(cmd, "r"));
    while (fgets(line, sizeof(line), f) != NULL) {
        char *col[C_N];

        assert_int_equal(split(line, col, C_N), C_N);
        if (strcmp(col[C_TYPE], "FLOWSAMPLE") != 0 && strcmp(col[C_TYPE], "COUNTERSSAMPLE") != 0)
            continue;
        if (lines >= g.n)
            fail_msg("%s: sflowcollect printed more samples than %ld", pcap, g.n);
        compare(col, &g.s[lines++], pcap);
    }
    pclose(f);
    if (lines != g.n)
        fail_msg("%s: sflowcollect printed %ld samples, samples_read() read %ld", pcap, lines, g.n);
    free(g.s);
    return n;
}

static void
run(const char *cmd)
{
    if (system(cmd) != 0)
        fail_msg("failed: %s", cmd);
}

/* sfgen's mix, as it writes it (Ethernet) and as sflowcollect -M writes it (raw IP). */
static void
test_sfgen(void **state)
{
    char cmd[PATH_MAX * 4], eth[PATH_MAX], raw[PATH_MAX], err[256];
    struct got g = { NULL, 0 };
    struct timeval future = { .tv_sec = INT_MAX };
    long n;

    (void)state;
    snprintf(eth, sizeof(eth), "%s/sfgen.pcap", tmpdir);
    snprintf(raw, sizeof(raw), "%s/raw.pcap", tmpdir);
    snprintf(cmd, sizeof(cmd), "'%s/sfgen' -n 300 --seed 7 --ipv6 25 --flows 50 -w '%s'",
        bindir, eth);
    run(cmd);
    snprintf(cmd, sizeof(cmd), "'%s/sflowcollect' -r '%s' -M > '%s' 2>/dev/null", bindir, eth, raw);
    run(cmd);
    n = check_pcap(eth);
    assert_true(n > 300 * 2);
    assert_int_equal(check_pcap(raw), n);
    /* Only what came from 'since' on. */
    assert_int_equal(samples_read(raw, &future, collect, &g, err, sizeof(err)), 0);
    assert_int_equal(g.n, 0);
}

/* Every pcap of the shared corpus. */
static void
test_corpus(void **state)
{
    char dir[PATH_MAX], path[PATH_MAX * 2];
    const char *shared = getenv("SHARED");
    struct dirent *d;
    int files = 0;
    DIR *dp;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/corpus/files", shared ? shared : "../shared");
    if ((dp = opendir(dir)) == NULL)
        skip();
    while ((d = readdir(dp)) != NULL) {
        size_t len = strlen(d->d_name);

        if (len < 5 || strcmp(d->d_name + len - 5, ".pcap") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
        check_pcap(path);
        files++;
    }
    closedir(dp);
    assert_true(files > 0);
}

static int
setup(void **state)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

    (void)state;
    if (n <= 0 || mkdtemp(tmpdir) == NULL)
        return -1;
    self[n] = '\0';
    snprintf(bindir, sizeof(bindir), "%s", dirname(self));
    return 0;
}

static int
teardown(void **state)
{
    char cmd[PATH_MAX + 16];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sfgen),
        cmocka_unit_test(test_corpus),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
