/*
 * priv: keep CAP_NET_RAW and CAP_NET_ADMIN, drop the rest (libcap); see
 * priv.h.
 */
#include "priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

static const cap_value_t keep[] = { CAP_NET_RAW, CAP_NET_ADMIN };
#define N_KEEP ((int)(sizeof(keep) / sizeof(keep[0])))

static int
fail(char *msg, size_t msglen, const char *what)
{
    int e = errno ? errno : EPERM;

    snprintf(msg, msglen, "dropping capabilities: %s: %s", what, strerror(e));
    return e;
}

/* Whether 'v' is one of 'keep'. */
static int
kept(cap_value_t v)
{
    for (int i = 0; i < N_KEEP; i++)
        if (keep[i] == v)
            return 1;
    return 0;
}

int
priv_drop(char *msg, size_t msglen)
{
    cap_t now = cap_get_proc(), want = cap_init();
    cap_flag_value_t setpcap = CAP_CLEAR;
    int e = 0;

    if (now == NULL || want == NULL) {
        e = fail(msg, msglen, "cap_get_proc");
        goto out;
    }
    /* Only what is permitted now can be kept. */
    for (int i = 0; i < N_KEEP; i++) {
        cap_flag_value_t v = CAP_CLEAR;

        if (cap_get_flag(now, keep[i], CAP_PERMITTED, &v) == 0 && v == CAP_SET &&
            (cap_set_flag(want, CAP_PERMITTED, 1, &keep[i], CAP_SET) != 0 ||
             cap_set_flag(want, CAP_EFFECTIVE, 1, &keep[i], CAP_SET) != 0)) {
            e = fail(msg, msglen, "cap_set_flag");
            goto out;
        }
    }
    /* The bounding set needs CAP_SETPCAP, so it goes first. */
    if (cap_get_flag(now, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap) == 0 && setpcap == CAP_SET) {
        for (cap_value_t v = 0; v <= (cap_value_t)cap_max_bits() - 1; v++)
            if (!kept(v) && CAP_IS_SUPPORTED(v) && cap_drop_bound(v) != 0) {
                e = fail(msg, msglen, "cap_drop_bound");
                goto out;
            }
    }
    if (cap_reset_ambient() != 0 && errno != EINVAL) {
        e = fail(msg, msglen, "cap_reset_ambient");
        goto out;
    }
    if (cap_set_proc(want) != 0) {
        e = fail(msg, msglen, "cap_set_proc");
        goto out;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        e = fail(msg, msglen, "PR_SET_NO_NEW_PRIVS");
out:
    if (now)
        cap_free(now);
    if (want)
        cap_free(want);
    return e;
}
