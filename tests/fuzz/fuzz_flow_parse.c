/*
 * libFuzzer entry point: switch/flow_parse.c.  One input = one rule text,
 * parsed as add-flow and as del-flows read it.  A rule that parses must
 * print (flow_format_rule(), what the state file keeps, into a buffer of
 * the state file's size) to text that parses again to an equal rule, and
 * must match its own key; anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_parse.h"

/* switch/state.c formats each rule into a buffer of this size. */
#define STATE_LINE 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_match(const struct flow_match *a, const struct flow_match *b)
{
    const struct flow_key *x = &a->key, *y = &b->key;
    uint32_t f = a->fields;

    if (a->fields != b->fields)
        return 0;
    return (!(f & FM_IN_PORT) || x->in_port == y->in_port) &&
        (!(f & FM_DL_SRC) || memcmp(x->dl_src, y->dl_src, 6) == 0) &&
        (!(f & FM_DL_DST) || memcmp(x->dl_dst, y->dl_dst, 6) == 0) &&
        (!(f & FM_DL_VLAN) || x->dl_vlan == y->dl_vlan) &&
        (!(f & FM_DL_TYPE) || x->dl_type == y->dl_type) &&
        (!(f & FM_NW_SRC) || (x->nw_src == y->nw_src && a->nw_src_len == b->nw_src_len)) &&
        (!(f & FM_NW_DST) || (x->nw_dst == y->nw_dst && a->nw_dst_len == b->nw_dst_len)) &&
        (!(f & FM_NW_PROTO) || x->nw_proto == y->nw_proto) &&
        (!(f & FM_TP_SRC) || x->tp_src == y->tp_src) &&
        (!(f & FM_TP_DST) || x->tp_dst == y->tp_dst);
}

static int
same_actions(const struct flow_rule *a, const struct flow_rule *b)
{
    if (a->n_actions != b->n_actions)
        return 0;
    for (size_t i = 0; i < a->n_actions; i++) {
        const struct flow_action *x = &a->actions[i], *y = &b->actions[i];

        if (x->type != y->type)
            return 0;
        if ((x->type == FA_OUTPUT || x->type == FA_MOD_VLAN_VID) && x->arg != y->arg)
            return 0;
        if ((x->type == FA_MOD_DL_SRC || x->type == FA_MOD_DL_DST) &&
            memcmp(x->mac, y->mac, 6) != 0)
            return 0;
    }
    return 1;
}

static void
fail(const char *what, const char *in, const char *printed, const char *err)
{
    fprintf(stderr, "%s\n  input:   \"%s\"\n  printed: \"%s\"\n  error:   %s\n",
        what, in, printed, err);
    abort();
}

static void
check_add(const char *text)
{
    struct flow_rule r, back;
    char out[STATE_LINE], err[256] = "";

    if (flow_parse(text, FLOW_PARSE_ADD, &r, err, sizeof(err)) != 0) {
        if (err[0] == '\0')
            fail("add: refused without a message", text, "", "");
        return;
    }
    flow_format_rule(&r, out, sizeof(out));
    if (strlen(out) >= sizeof(out) - 1)
        fail("add: does not fit the state file's line", text, out, "");
    if (flow_parse(out, FLOW_PARSE_ADD, &back, err, sizeof(err)) != 0)
        fail("add: printed rule does not parse", text, out, err);
    if (back.priority != r.priority || back.cookie != r.cookie ||
        back.idle_timeout != r.idle_timeout || back.hard_timeout != r.hard_timeout ||
        !same_match(&r.match, &back.match) || !same_actions(&r, &back))
        fail("add: printed rule parses to another rule", text, out, "");
    if (!flow_match_key(&r.match, &r.match.key))
        fail("add: rule does not match its own key", text, out, "");
    flow_format_match(&r.match, out, sizeof(out));
    flow_format_actions(&r, out, sizeof(out));
}

static void
check_del(const char *text)
{
    struct flow_rule r, back;
    char out[STATE_LINE], m[STATE_LINE], err[256] = "";

    if (flow_parse(text, FLOW_PARSE_DEL, &r, err, sizeof(err)) != 0) {
        if (err[0] == '\0')
            fail("del: refused without a message", text, "", "");
        return;
    }
    flow_format_match(&r.match, m, sizeof(m));
    snprintf(out, sizeof(out), "priority=%u%s%s", r.priority, m[0] ? "," : "", m);
    if (flow_parse(out, FLOW_PARSE_DEL, &back, err, sizeof(err)) != 0)
        fail("del: printed match does not parse", text, out, err);
    if (back.priority != r.priority || !same_match(&r.match, &back.match))
        fail("del: printed match parses to another match", text, out, "");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    check_add(text);
    check_del(text);
    free(text);
    return 0;
}
