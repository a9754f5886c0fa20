/*
 * libFuzzer entry point: the switch's state file loader, line by line
 * (state_replay_line(), what state_load() runs for each line of --state
 * FILE at start).  One input = one state file.  What it builds must
 * survive a restart: its text (state_format()) replayed into an empty
 * switch must give the same text again, byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_sw.h"
#include "state.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *discard;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_sw();
    if ((discard = fopen("/dev/null", "w")) == NULL)
        abort();
    return 0;
}

/* Replays each line of 'text' ('len' bytes); returns how many failed. */
static unsigned
replay(struct sw *sw, const char *text, size_t len)
{
    const char *line = text, *end, *stop = text + len;
    unsigned bad = 0;

    for (; line < stop; line = end + 1) {
        if ((end = memchr(line, '\n', (size_t)(stop - line))) == NULL)
            end = stop;
        if (state_replay_line(sw, line, (size_t)(end - line), discard) != 0)
            bad++;
    }
    return bad;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw *sw = fuzz_sw();
    char *text[2];

    replay(sw, (const char *)data, size);
    if ((text[0] = state_format(sw)) == NULL)
        abort();
    fuzz_sw_reset(sw);
    if (replay(sw, text[0], strlen(text[0])) != 0) {
        fprintf(stderr, "a saved state line failed to replay:\n%s", text[0]);
        abort();
    }
    if ((text[1] = state_format(sw)) == NULL)
        abort();
    fuzz_sw_reset(sw);
    if (strcmp(text[0], text[1]) != 0) {
        fprintf(stderr, "the state file changed across a restart:\n--- saved\n%s--- restored and saved\n%s",
            text[0], text[1]);
        abort();
    }
    free(text[0]);
    free(text[1]);
    return 0;
}
