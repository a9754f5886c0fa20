/*
 * ctl and ctl_db: ovs-vsctl's database form through ctl_exec() on a switch
 * with bridges but no ports (no root needed): the guides' sFlow chain,
 * OVSDB value syntax, the output formats as Open vSwitch 3.1 prints them,
 * all-or-nothing chains, errors naming table and column, and dump-flows'
 * header and lines; map columns (other_config, external_ids) and destroy;
 * ovs-ofctl's flow-file commands (add-flows, mod-flows, replace-flows,
 * diff-flows, dump-aggregate) in Open vSwitch 3.1's output.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bridge.h"
#include "ctl.h"
#include "ctl_db.h"
#include "flow_parse.h"
#include "state.h"

static char out_text[65536], err_text[4096];

/* Runs command 'argv' ('argc' words) on 'sw'; the output and error in out_text and err_text. */
static int
exec_words(struct sw *sw, int argc, char **argv)
{
    char *ob = NULL, *eb = NULL;
    size_t ol = 0, el = 0;
    FILE *out = open_memstream(&ob, &ol), *err = open_memstream(&eb, &el);
    int st;

    assert_non_null(out);
    assert_non_null(err);
    argv[argc] = NULL;
    st = ctl_exec(sw, argc, argv, out, err, 0);
    fclose(out);
    fclose(err);
    snprintf(out_text, sizeof(out_text), "%s", ob);
    snprintf(err_text, sizeof(err_text), "%s", eb);
    free(ob);
    free(eb);
    return st;
}

/* Runs 'line', its words split at spaces. */
static int
run(struct sw *sw, const char *line)
{
    char buf[1024], *argv[CTL_MAX_ARGS + 1], *save = NULL;
    int argc = 0;

    snprintf(buf, sizeof(buf), "%s", line);
    for (char *w = strtok_r(buf, " ", &save); w && argc < CTL_MAX_ARGS; w = strtok_r(NULL, " ", &save))
        argv[argc++] = w;
    return exec_words(sw, argc, argv);
}

/* Runs the 'argc' words that follow, as they come (a flow file word holds spaces and newlines). */
static int
runv(struct sw *sw, int argc, ...)
{
    char *argv[CTL_MAX_ARGS + 1];
    va_list ap;

    va_start(ap, argc);
    for (int i = 0; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    return exec_words(sw, argc, argv);
}

static void
ok(struct sw *sw, const char *line)
{
    if (run(sw, line) != CTL_OK)
        fail_msg("%s: %s", line, err_text);
}

/* 'line' must fail with 'want' in its message, and print nothing. */
static void
bad(struct sw *sw, const char *line, const char *want)
{
    if (run(sw, line) == CTL_OK)
        fail_msg("%s: succeeded", line);
    if (strstr(err_text, want) == NULL)
        fail_msg("%s: error \"%s\" lacks \"%s\"", line, err_text, want);
    assert_string_equal(out_text, "");
}

static void
expect_out(struct sw *sw, const char *line, const char *want)
{
    ok(sw, line);
    if (strcmp(out_text, want) != 0)
        fail_msg("%s:\n--- got\n%s--- want\n%s", line, out_text, want);
}

static int
setup(void **state)
{
    struct sw *sw = calloc(1, sizeof(*sw));

    assert_non_null(sw);
    assert_int_equal(sw_init(sw, 1000), 0);
    ok(sw, "add-br br0");
    ok(sw, "add-br br1");
    *state = sw;
    return 0;
}

static int
teardown(void **state)
{
    sw_destroy(*state);
    free(*state);
    return 0;
}

/* A switch of its own (as setup() makes) that has replayed state file line 'line'. */
static void *
replayed(const char *line)
{
    void *sw;

    setup(&sw);
    assert_int_equal(state_replay_line(sw, line, strcspn(line, "\n"), stderr), 0);
    return sw;
}

static void
test_guides_chain(void **state)
{
    struct sw *sw = *state;
    char uuid[64], want[1024];

    ok(sw, "-- --id=@s create sflow agent=lo target=\"127.0.0.1:9\" header=128 sampling=64 polling=10"
        " -- set bridge br0 sflow=@s");
    assert_int_equal(strlen(out_text), 37);
    snprintf(uuid, sizeof(uuid), "%.40s", out_text);
    expect_out(sw, "get bridge br0 sflow", uuid);
    snprintf(want, sizeof(want),
        "_uuid               : %s"
        "agent               : lo\n"
        "header              : 128\n"
        "polling             : 10\n"
        "sampling            : 64\n"
        "targets             : [\"127.0.0.1:9\"]\n", uuid);
    expect_out(sw, "list sflow", want);
    /* The same row by its bridge's name, and a column by a prefix. */
    expect_out(sw, "get sflow br0 sampl target", "64\n[\"127.0.0.1:9\"]\n");
    assert_true(sw->br[0]->sf.on);
    assert_int_equal(sw->br[0]->sf.sampling, 64);
    ok(sw, "clear bridge br0 sflow");
    assert_false(sw->br[0]->sf.on);
    expect_out(sw, "list sflow", "");
    /* Created and not referenced: nothing changes. */
    ok(sw, "create sflow targets=127.0.0.1:9");
    assert_false(sw->br[0]->sf.on || sw->br[1]->sf.on);
}

static void
test_formats(void **state)
{
    struct sw *sw = *state;
    char u0[64], u1[64], want[2048];

    ok(sw, "add-br 1x");
    ok(sw, "-- --id=@a create sflow targets=127.0.0.1:9 -- set bridge br0 sflow=@a");
    run(sw, "get bridge br0 _uuid");
    snprintf(u0, sizeof(u0), "%.36s", out_text);
    run(sw, "get bridge br0 sflow");
    snprintf(u1, sizeof(u1), "%.36s", out_text);
    /* A name with a digit after the first letter needs no quotes; one starting with a digit does. */
    expect_out(sw, "--columns=name,sflow list bridge br1 1x",
        "name                : br1\n"
        "sflow               : []\n"
        "\n"
        "name                : \"1x\"\n"
        "sflow               : []\n");
    snprintf(want, sizeof(want),
        "_uuid                                name sflow\n"
        "------------------------------------ ---- ------------------------------------\n"
        "%s br0  %s\n", u0, u1);
    expect_out(sw, "--format=table --columns=_uuid,name,sflow list bridge br0", want);
    expect_out(sw, "--format=table --no-headings --columns=name,sflow list bridge br1", "br1 []\n");
    snprintf(want, sizeof(want), "name,sflow,datapath_id\nbr0,%s,\"\"\"%016llx\"\"\"\n", u1,
        (unsigned long long)sw->br[0]->dpid);
    expect_out(sw, "--format=csv --columns=name,sflow,datapath_id list bridge br0", want);
    snprintf(want, sizeof(want),
        "{\"data\":[[[\"uuid\",\"%s\"],[\"set\",[]],64,\"127.0.0.1:9\"]],"
        "\"headings\":[\"_uuid\",\"agent\",\"sampling\",\"targets\"]}\n", u1);
    expect_out(sw, "--format=json --columns=_uuid,agent,sampling,targets list sflow", want);
    expect_out(sw, "--bare --columns=name,sflow find bridge sflow=[]", "br1\n\n\n1x\n\n");
    expect_out(sw, "--bare --columns=name find bridge name!=br1 name!=1x", "br0\n");
    ok(sw, "set sflow br0 targets=[\"127.0.0.1:9\",\"127.0.0.1:7\"]");
    expect_out(sw, "get sflow br0 targets", "[\"127.0.0.1:7\", \"127.0.0.1:9\"]\n");
    ok(sw, "add sflow br0 targets 127.0.0.1:5 [\"127.0.0.1:7\",127.0.0.1:6]");
    ok(sw, "remove sflow br0 targets 127.0.0.1:6 127.0.0.1:4");
    expect_out(sw, "get sflow br0 targets", "[\"127.0.0.1:5\", \"127.0.0.1:7\", \"127.0.0.1:9\"]\n");
    ok(sw, "remove sflow br0 targets 127.0.0.1:5");
    bad(sw, "add sflow br0 header 64", "sFlow column header takes one value, not 2");
    bad(sw, "add bridge br0 name x", "cannot modify read-only column name in table Bridge");
    expect_out(sw, "--no-wait -- br-to-vlan br0 -- br-to-parent br1", "0\nbr1\n");
    /* get ignores --bare, as ovs-vsctl's does. */
    expect_out(sw, "--bare get sflow br0 targets", "[\"127.0.0.1:7\", \"127.0.0.1:9\"]\n");
}

static void
test_all_or_nothing(void **state)
{
    struct sw *sw = *state;
    char *before, *after;
    uint32_t gen;

    ok(sw, "set-sflow br0 target=127.0.0.1:9 sampling=64");
    before = state_format(sw);
    assert_non_null(before);
    gen = sw->config_gen;
    bad(sw, "-- set sflow br0 sampling=128 polling=3 -- add-br br9 -- clear bridge br0 sflow -- set bridge br1 nosuch=1",
        "Bridge does not contain a column whose name matches \"nosuch\"");
    assert_true(sw->config_gen != gen);         /* It did change, and was undone. */
    after = state_format(sw);
    assert_string_equal(before, after);
    free(after);
    assert_true(sw->br[0]->sf.on);
    assert_int_equal(sw->br[0]->sf.sampling, 64);
    assert_null(sw_find_bridge(sw, "br9"));
    bad(sw, "-- --id=@s create sflow targets=127.0.0.1:9 -- --id=@s create sflow targets=127.0.0.1:9",
        "row id \"@s\" may only be specified on one --id option");
    /* get's --id and create's share the names, as ovs-vsctl's do. */
    bad(sw, "-- --id=@p get port br0 -- --id=@p get port br1", "row id \"@p\" may only be specified on one --id option");
    bad(sw, "-- --id=@p get port br0 -- --id=@p create sflow targets=127.0.0.1:9",
        "row id \"@p\" may only be specified on one --id option");
    bad(sw, "-- --id=@s create sflow targets=127.0.0.1:9 -- --id=@s get port br0",
        "row id \"@s\" may only be specified on one --id option");
    bad(sw, "-- set sflow br0 sampling=100 -- set bridge br1 sflow=@nope", "no row \"@nope\" in table sFlow");
    after = state_format(sw);
    assert_string_equal(before, after);
    free(after);
    free(before);
    /* One command setting several columns is all or nothing too. */
    bad(sw, "set sflow br0 sampling=5 polling=7 nosuch=1", "sFlow does not contain a column whose name matches \"nosuch\"");
    assert_int_equal(sw->br[0]->sf.sampling, 64);
    assert_int_equal(sw->br[0]->sf.polling, 20);
    /* A good chain: all of it, its outputs in order. */
    expect_out(sw, "-- set sflow br0 sampling=100 -- get sflow br0 sampling -- list-br", "100\nbr0\nbr1\n");
}

static void
test_errors(void **state)
{
    struct sw *sw = *state;

    bad(sw, "set bridge br0 fail_mode=secure", "Bridge does not contain a column whose name matches \"fail_mode\"");
    bad(sw, "set bridge br0 name:a=b", "Bridge column name is not a map");
    bad(sw, "list qos", "table QoS is not implemented by sflow-switch");
    bad(sw, "get port p1 vlan_mode", "no row \"p1\" in table Port");
    bad(sw, "list nosuch", "unknown table \"nosuch\"");
    bad(sw, "set bridge br0 name=x", "cannot modify read-only column name in table Bridge");
    bad(sw, "create bridge name=x", "does not create Bridge rows: add-br");
    bad(sw, "create sflow sampling=x", "sFlow column sampling: \"x\" is not an integer");
    bad(sw, "create sflow header=[1,2]", "sFlow column header takes one value, not 2");
    bad(sw, "create sflow header=1,2", "sFlow column header: \"1,2\" is not an integer");
    bad(sw, "clear bridge br0 name", "cannot modify read-only column name in table Bridge");
    bad(sw, "get sflow br1 sampling", "no row \"br1\" in table sFlow");
    bad(sw, "--format=xml list bridge", "unknown output format \"xml\"");
    bad(sw, "-- --format=xml list bridge", "unknown output format \"xml\"");
    bad(sw, "--frob list bridge", "unknown option --frob");
    bad(sw, "-- --frob -- list bridge", "unknown option --frob");
    bad(sw, "-- --id=s create sflow targets=127.0.0.1:9", "a row id is @NAME");
    /* A column both Port and Interface lack names its table. */
    bad(sw, "find interface mtu=1500", "Interface does not contain a column whose name matches \"mtu\"");
    ok(sw, "--if-exists get sflow br1 sampling");
    bad(sw, "--columns=, list bridge", "--columns: no column named");
    bad(sw, "--columns=name,name,name,name,name,name,name,name,name,name,name,name,name,name,name,name,name list bridge",
        "--columns: at most 16 columns");
    bad(sw, "--id=@b get bridge br0", "--id=@b get: sflow-switch names Port rows only, as @NAME");
    bad(sw, "create sflow header=1 -- create sflow header=1 -- create sflow header=1 -- create sflow header=1 -- "
        "create sflow header=1 -- create sflow header=1 -- create sflow header=1 -- create sflow header=1 -- "
        "create sflow header=1", "create: at most 8 rows in one call");
    /* Counts of words as ovs-vsctl 3.1 words them: create takes a column at least. */
    bad(sw, "create sflow", "'create' command requires at least 2 arguments");
    bad(sw, "frobnicate", "unknown command 'frobnicate'; use --help for help");
    bad(sw, "list-br br0", "'list-br' command takes at most 0 arguments");
}

static void
test_sflow_targets(void **state)
{
    struct sw_sflow cfg;
    FILE *err = fopen("/dev/null", "w");

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    assert_non_null(err);
    assert_int_equal(ctl_db_sflow_setting(&cfg, "target", "[::1]:6343", err), 0);
    assert_int_equal(cfg.n_targets, 1);
    assert_string_equal(cfg.targets[0], "[::1]:6343");
    assert_int_equal(ctl_db_sflow_setting(&cfg, "targets", "[127.0.0.1:1,[::1]:6343]", err), 0);
    assert_int_equal(cfg.n_targets, 2);
    assert_string_equal(cfg.targets[0], "127.0.0.1:1");
    assert_string_equal(cfg.targets[1], "[::1]:6343");
    assert_int_equal(ctl_db_sflow_setting(&cfg, "targets", "\"[::1]:1\", \"a,b:2\"", err), 0);
    assert_int_equal(cfg.n_targets, 2);
    assert_string_equal(cfg.targets[0], "[::1]:1");
    assert_string_equal(cfg.targets[1], "a,b:2");
    assert_int_equal(ctl_db_sflow_setting(&cfg, "targets", "\"unclosed", err), EINVAL);
    assert_int_equal(ctl_db_sflow_setting(&cfg, "sampling", "4294967296", err), EINVAL);
    assert_int_equal(ctl_db_sflow_setting(&cfg, "polling", "[]", err), 0);
    assert_int_equal(cfg.polling, 20);
    fclose(err);
}

static void
test_dump_flows(void **state)
{
    struct sw *sw = *state;

    ok(sw, "add-flow br0 tcp,tp_dst=80,actions=drop");
    ok(sw, "add-flow br0 priority=10,udp,actions=normal");
    ok(sw, "add-flow br0 priority=0,actions=normal");
    expect_out(sw, "dump-flows br0 tcp",
        "NXST_FLOW reply: 1 flows\n"
        " cookie=0x0, duration=0s, table=0, n_packets=0, n_bytes=0, idle_age=0, tcp,tp_dst=80 actions=drop\n");
    sw->now_ms += 2500;
    expect_out(sw, "dump-flows br0 udp",
        "NXST_FLOW reply: 1 flows\n"
        " cookie=0x0, duration=2.5s, table=0, n_packets=0, n_bytes=0, idle_age=2, priority=10,udp actions=NORMAL\n");
    ok(sw, "dump-flows br0");
    assert_non_null(strstr(out_text, "NXST_FLOW reply: 3 flows\n"));
    assert_non_null(strstr(out_text, "idle_age=2, priority=0 actions=NORMAL\n"));
}

static void
test_maps(void **state)
{
    struct sw *sw = *state;
    char *text, *line;
    void *sw2;

    ok(sw, "set bridge br0 other_config:foo=bar external_ids:a=b");
    expect_out(sw, "get bridge br0 other_config external_ids", "{foo=bar}\n{a=b}\n");
    expect_out(sw, "get bridge br0 other_config:foo", "bar\n");
    bad(sw, "get bridge br0 other_config:nokey", "no key \"nokey\" in Bridge record \"br0\" column other_config");
    expect_out(sw, "--if-exists get bridge br0 other_config:nokey", "\n");
    /* add replaces a key's value (as ovs-vsctl 3.1); remove takes a key alone, or a pair whose value matches. */
    ok(sw, "add bridge br0 other_config x=1 y=2 foo=other");
    expect_out(sw, "get bridge br0 other_config", "{foo=other, x=\"1\", y=\"2\"}\n");
    ok(sw, "remove bridge br0 other_config x=1 foo y=3 nosuch");
    expect_out(sw, "get bridge br0 other_config", "{y=\"2\"}\n");
    expect_out(sw, "--format=json --columns=name,other_config list bridge br0",
        "{\"data\":[[\"br0\",[\"map\",[[\"y\",\"2\"]]]]],\"headings\":[\"name\",\"other_config\"]}\n");
    expect_out(sw, "--bare --columns=other_config list bridge br0", "y=2\n");
    expect_out(sw, "--format=csv --columns=other_config list bridge br0", "other_config\n\"{y=\"\"2\"\"}\"\n");
    expect_out(sw, "--columns=external_ids list bridge br1", "external_ids        : {}\n");
    expect_out(sw, "--bare --columns=name find bridge other_config:y=2", "br0\n");
    expect_out(sw, "--bare --columns=name find bridge other_config:y!=2", "br1\n");
    bad(sw, "find bridge name:y=2", "Bridge column name is not a map");
    /* A whole map, quoted keys and values; then what the state file keeps replays to the same. */
    ok(sw, "set bridge br0 other_config={\"k,2\"=\"v=x\",a=b}");
    expect_out(sw, "get bridge br0 other_config", "{a=b, \"k,2\"=\"v=x\"}\n");
    text = state_format(sw);
    assert_non_null(text);
    assert_non_null(line = strstr(text, "set\tbridge\tbr0\tother_config={a=b, \"k,2\"=\"v=x\"}\n"));
    sw2 = replayed(line);
    expect_out(sw2, "get bridge br0 other_config", "{a=b, \"k,2\"=\"v=x\"}\n");
    /*
     * Strings are UTF-8, as in Open vSwitch; JSON escapes are read as JSON
     * says, so what the state file writes replays to the same bytes (a
     * byte outside UTF-8 was once written as \u00b2 and read back as
     * "u00b2", and the port's line failed to replay: found by fuzz_switch_state).
     */
    assert_int_equal(runv(sw, 4, "set", "bridge", "br0", "other_config:k\xb2=v"), CTL_ERROR);
    assert_non_null(strstr(err_text, "is not valid UTF-8"));
    assert_int_equal(runv(sw, 4, "set", "bridge", "br0", "external_ids:k=\xc3"), CTL_ERROR);
    assert_non_null(strstr(err_text, "is not valid UTF-8"));
    bad(sw, "set bridge br0 other_config:k=\"\\q\"", "is not KEY=VALUE");
    bad(sw, "set bridge br0 other_config:k=\"\\u0000\"", "is not KEY=VALUE");
    /* A lone surrogate is no character; an escape needs four hex digits. */
    bad(sw, "set bridge br0 other_config:k=\"\\ud800\"", "is not KEY=VALUE");
    bad(sw, "set bridge br0 other_config:k=\"\\u12\"", "is not KEY=VALUE");
    bad(sw, "set bridge br0 other_config:k=\"\\u12g4\"", "is not KEY=VALUE");
    /* Beyond U+FFFF: a surrogate pair, as ovs-vsctl reads it; its halves apart or crossed are refused. */
    ok(sw, "set bridge br0 other_config:e=\"\\ud83d\\ude00x\"");
    ok(sw, "get bridge br0 other_config:e");
    assert_non_null(strstr(out_text, "\xf0\x9f\x98\x80x"));
    ok(sw, "remove bridge br0 other_config e");
    bad(sw, "set bridge br0 other_config:k=\"\\ude00\\ud83d\"", "is not KEY=VALUE");
    bad(sw, "set bridge br0 other_config:k=\"\\ud83d\\u0041\"", "is not KEY=VALUE");
    bad(sw, "set bridge br0 other_config:k=\"\\ud83d\\ude0\"", "is not KEY=VALUE");
    bad(sw, "set bridge br0 other_config:k=\"ab\\\"", "is not KEY=VALUE");
    /* A column that is no map reads its atoms the same way. */
    assert_int_equal(runv(sw, 3, "create", "sflow", "agent=\"a\xb2\""), CTL_ERROR);
    assert_non_null(strstr(err_text, "sFlow column agent: \"\"a\xb2\"\" is not valid UTF-8"));
    bad(sw, "create sflow agent=\"\\x\"", "sFlow column agent: \"\"\\x\"\" is not a valid value");
    ok(sw, "-- --id=@s create sflow targets=[\"\\u0031.2.3.4:1\",\"[::1]:2\"] -- --columns=targets list sflow @s");
    assert_non_null(strstr(out_text, "\ntargets             : [\"1.2.3.4:1\", \"[::1]:2\"]\n"));
    ok(sw, "set bridge br0 other_config={caf\xc3\xa9=\"\\u00e9\\u20ac\\\"\\\\\"}");
    expect_out(sw, "get bridge br0 other_config:caf\xc3\xa9", "\"\xc3\xa9\xe2\x82\xac\\\"\\\\\"\n");
    free(text);
    text = state_format(sw);
    assert_non_null(text);
    assert_non_null(line = strstr(text, "set\tbridge\tbr0\tother_config="));
    teardown(&sw2);
    sw2 = replayed(line);
    expect_out(sw2, "get bridge br0 other_config:caf\xc3\xa9", "\"\xc3\xa9\xe2\x82\xac\\\"\\\\\"\n");
    teardown(&sw2);
    ok(sw, "set bridge br0 other_config={\"k,2\"=\"v=x\",a=b}");
    free(text);
    /* All or nothing, and the bounds. */
    bad(sw, "-- set bridge br0 other_config:z=1 -- set bridge br0 nosuch=1", "nosuch");
    expect_out(sw, "get bridge br0 other_config", "{a=b, \"k,2\"=\"v=x\"}\n");
    bad(sw, "set bridge br0 other_config={a=1,b=1,c=1,d=1,e=1,f=1,g=1,h=1,i=1,j=1,k=1,l=1,m=1,n=1,o=1,p=1,q=1}",
        "more than 16 keys");
    bad(sw, "set bridge br0 other_config:=x", "is not KEY=VALUE");
    bad(sw, "set bridge br0 other_config:a", "is not COLUMN=VALUE");
    bad(sw, "set bridge br0 external_ids=\"unclosed", "is not KEY=VALUE");
    assert_int_equal(runv(sw, 4, "set", "bridge", "br0", "other_config:t=a\tb"), CTL_ERROR);
    assert_non_null(strstr(err_text, "control characters are refused"));
    /* destroy: every row here is referenced, so it stays (as in Open vSwitch); missing rows are errors. */
    ok(sw, "destroy bridge br0");
    ok(sw, "--all destroy sflow");
    assert_non_null(sw_find_bridge(sw, "br0"));
    bad(sw, "destroy sflow nosuch", "no row \"nosuch\" in table sFlow");
    ok(sw, "--if-exists destroy sflow nosuch");
    bad(sw, "destroy bridge", "name a RECORD of Bridge, or use --all");
    bad(sw, "--all destroy bridge br0", "destroy: --all takes no RECORD");
    /* A quote and a backslash are escaped as JSON escapes them, in text as in --format=json. */
    ok(sw, "set bridge br1 external_ids:q=\"a\\\"b\\\\c\"");
    expect_out(sw, "get bridge br1 external_ids", "{q=\"a\\\"b\\\\c\"}\n");
    expect_out(sw, "--format=json --columns=external_ids list bridge br1",
        "{\"data\":[[[\"map\",[[\"q\",\"a\\\"b\\\\c\"]]]]],\"headings\":[\"external_ids\"]}\n");
}

/* The file words sfctl sends for FILE (ctl_of.h). */
static char file1[] = "\nf1\n# the first\n\npriority=100,tcp,tp_dst=80 actions=output:2\n"
    "  in_port=1 actions=normal  # learn\npriority=0 actions=drop\n";
static char file2[] = "\nf2\npriority=100,tcp,tp_dst=80 actions=output:4\nin_port=1 actions=output:3\n"
    "cookie=0x5,udp actions=drop";

static void
test_flow_files(void **state)
{
    struct sw *sw = *state;
    struct flow_table *t = &sw->br[0]->flows;
    char bad_file[] = "\nbad\nin_port=1 actions=normal\nbogus=1 actions=drop\n";

    assert_int_equal(runv(sw, 3, "add-flows", "br0", file1), CTL_OK);
    expect_out(sw, "dump-aggregate br0", "NXST_AGGREGATE reply (xid=0x4): packet_count=0 byte_count=0 flow_count=3\n");
    /* One bad line: nothing of the file is added, and the message says where. */
    assert_int_equal(runv(sw, 3, "add-flows", "br0", bad_file), CTL_ERROR);
    assert_true(strncmp(err_text, "bad:2: ", 7) == 0);
    assert_int_equal(t->n, 3);
    for (size_t i = 0; i < t->n; i++) {
        t->rules[i].n_packets = 7;
        t->rules[i].n_bytes = 700;
    }
    expect_out(sw, "dump-aggregate br0 tcp", "NXST_AGGREGATE reply (xid=0x8): packet_count=7 byte_count=700 flow_count=1\n");
    /* mod-flows changes the actions and keeps the counters; selecting nothing, it adds. */
    ok(sw, "mod-flows br0 in_port=1,actions=output:3");
    expect_out(sw, "dump-flows br0 in_port=1",
        "NXST_FLOW reply: 1 flows\n"
        " cookie=0x0, duration=0s, table=0, n_packets=7, n_bytes=700, idle_age=0, in_port=1 actions=output:3\n");
    ok(sw, "--strict mod-flows br0 priority=100,tcp,actions=drop");
    expect_out(sw, "dump-aggregate br0", "NXST_AGGREGATE reply (xid=0x4): packet_count=21 byte_count=2100 flow_count=4\n");
    ok(sw, "del-flows br0 tcp,priority=100");
    ok(sw, "add-flow br0 priority=100,tcp,tp_dst=80,actions=output:2");
    ok(sw, "--strict del-flows br0 priority=100,tcp");
    /* diff-flows: "-" and "+" lines in the first source's order, then the second's new rules; status 2. */
    assert_int_equal(runv(sw, 3, "diff-flows", "br0", file2), CTL_NO);
    assert_string_equal(out_text,
        "-priority=100,tcp,tp_dst=80 actions=output:2\n"
        "+priority=100,tcp,tp_dst=80 actions=output:4\n"
        "-priority=0 actions=drop\n"
        "+udp cookie=0x5 actions=drop\n");
    assert_int_equal(runv(sw, 3, "diff-flows", file1, file2), CTL_NO);
    assert_string_equal(out_text,
        "-priority=100,tcp,tp_dst=80 actions=output:2\n"
        "+priority=100,tcp,tp_dst=80 actions=output:4\n"
        "-in_port=1 actions=NORMAL\n"
        "+in_port=1 actions=output:3\n"
        "-priority=0 actions=drop\n"
        "+udp cookie=0x5 actions=drop\n");
    assert_int_equal(runv(sw, 3, "diff-flows", file1, file1), CTL_OK);
    assert_string_equal(out_text, "");
    assert_int_equal(runv(sw, 3, "diff-flows", "nosuch", file1), CTL_ERROR);
    assert_non_null(strstr(err_text, "nosuch is neither a bridge nor a file"));
    /* replace-flows: the unchanged rule keeps its counters, the changed one starts again, the rest go. */
    assert_int_equal(runv(sw, 3, "replace-flows", "br0", file2), CTL_OK);
    assert_int_equal(runv(sw, 3, "diff-flows", "br0", file2), CTL_OK);
    assert_int_equal(t->n, 3);
    for (size_t i = 0; i < t->n; i++) {
        char m[FLOW_TEXT_MAX];
        bool kept;

        flow_format_match(&t->rules[i].match, m, sizeof(m));
        kept = strcmp(m, "in_port=1") == 0;

        assert_int_equal(t->rules[i].n_packets, kept ? 7 : 0);
    }
    bad(sw, "replace-flows br0 notafile", "is not a flow file");
    bad(sw, "mod-port br0 p1 down", "br0: couldn't find port `p1'");
    bad(sw, "mod-port br0 1 bogus", "unknown mod-port command 'bogus'");
    bad(sw, "mod-port br0 1 no-flood", "sflow-switch changes only up and down");
    /* dump-ports and mod-port take a port as ovs-ofctl does: a number, LOCAL in any case, a name. */
    expect_out(sw, "dump-ports br0 local", "OFPST_PORT reply: 1 ports\n"
        "  port LOCAL: rx pkts=0, bytes=0, drop=0, errs=0, frame=0, over=0, crc=0\n"
        "           tx pkts=0, bytes=0, drop=0, errs=0, coll=0\n"
        "           rx ucast=0, mcast=0, bcast=0; tx ucast=0, mcast=0, bcast=0 (br0)\n");
    ok(sw, "dump-ports br0 LOCAL");
    assert_non_null(strstr(out_text, "OFPST_PORT reply: 1 ports\n  port LOCAL: rx pkts="));
    assert_non_null(strstr(out_text, " (br0)\n"));
    ok(sw, "dump-ports br0 65534");
    assert_non_null(strstr(out_text, "  port LOCAL: rx pkts="));
    ok(sw, "dump-ports br0 br0");
    assert_non_null(strstr(out_text, "  port LOCAL: rx pkts="));
    bad(sw, "dump-ports br0 br1", "br0: couldn't find port `br1'");
    bad(sw, "dump-ports br0 65534x", "br0: couldn't find port `65534x'");
    bad(sw, "mod-port br0 65534x down", "br0: couldn't find port `65534x'");
}

/*
 * As root, the switch under test makes its bridges' local ports (tap
 * devices named br0...): they go in a network namespace of the test's own,
 * whose loopback (agent=lo) is brought up.  Elsewhere they fail to open,
 * which the database commands do not mind.
 */
static void
own_netns(void)
{
    struct ifreq ifr = { .ifr_name = "lo" };
    int fd;

    if (unshare(CLONE_NEWNET) != 0)
        return;
    if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return;
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        (void)ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    close(fd);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_guides_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_formats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test(test_sflow_targets),
        cmocka_unit_test_setup_teardown(test_dump_flows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_maps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flow_files, setup, teardown),
    };

    own_netns();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
