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
    if (!flow_rule_equal(&r, &back))
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
    if (back.priority != r.priority || !flow_match_equal(&r.match, &back.match))
        fail("del: printed match parses to another match", text, out, "");
    if (!flow_rule_selected(&r, &r, true))
        fail("del: a selection does not select a rule equal to itself", text, out, "");
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
