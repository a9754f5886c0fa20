/*
 * libFuzzer entry point: the switch's state file loader (state_replay(),
 * what sflow-switch runs at start on --state FILE).  One input = one state
 * file.  What it builds must survive a restart: saved (state_save()),
 * loaded into an empty switch and saved again, the two files must be the
 * same byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_sw.h"
#include "state.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], saved[2][96];

static void
remove_dir(void)
{
    unlink(saved[0]);
    unlink(saved[1]);
    rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_sw();
    /* tmpfs when there is one: every input saves twice, with fsync(). */
    snprintf(dir, sizeof(dir), "%s/sflowkit-fuzz-state.XXXXXX",
        access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(saved[0], sizeof(saved[0]), "%s/first", dir);
    snprintf(saved[1], sizeof(saved[1]), "%s/second", dir);
    atexit(remove_dir);
    return 0;
}

/* The contents of 'path', NUL-terminated; the caller frees it. */
static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0;

    if (f == NULL)
        abort();
    *len = 0;
    for (;;) {
        size_t n;

        if (cap - *len < 4096 && (buf = realloc(buf, cap += 65536)) == NULL)
            abort();
        if ((n = fread(buf + *len, 1, cap - *len - 1, f)) == 0)
            break;
        *len += n;
    }
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw *sw = fuzz_sw();
    size_t len[2];
    char *text[2];
    FILE *f;

    if (size == 0)
        return 0;               /* fmemopen() refuses an empty buffer. */
    if ((f = fmemopen((void *)data, size, "r")) == NULL)
        abort();
    if (state_replay(sw, f, "fuzz") != 0)
        abort();
    fclose(f);
    if (state_save(sw, saved[0]) != 0)
        abort();
    fuzz_sw_reset(sw);
    if (state_load(sw, saved[0]) != 0 || state_save(sw, saved[1]) != 0)
        abort();
    fuzz_sw_reset(sw);
    text[0] = slurp(saved[0], &len[0]);
    text[1] = slurp(saved[1], &len[1]);
    if (len[0] != len[1] || memcmp(text[0], text[1], len[0]) != 0) {
        fprintf(stderr, "the state file changed across a restart:\n--- saved\n%s--- restored and saved\n%s",
            text[0], text[1]);
        abort();
    }
    free(text[0]);
    free(text[1]);
    return 0;
}
