/* caps: keeping only the network capabilities; see caps.h. */
#include "caps.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/capability.h>
#include <sys/prctl.h>

static const cap_value_t caps_kept[] = { CAP_NET_RAW, CAP_NET_ADMIN };
#define N_KEPT (sizeof(caps_kept) / sizeof(caps_kept[0]))

static bool
kept(cap_value_t v)
{
    for (size_t i = 0; i < N_KEPT; i++)
        if (caps_kept[i] == v)
            return true;
    return false;
}

int
caps_keep_net(void)
{
    static const cap_flag_t flags[] = { CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE };
    cap_t c = cap_get_proc();
    cap_flag_value_t setpcap = CAP_CLEAR;
    int e = 0;

    if (c == NULL)
        return errno;
    (void)cap_get_flag(c, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap);
    for (cap_value_t v = 0; v < (cap_value_t)cap_max_bits(); v++) {
        if (kept(v))
            continue;
        /* The bounding set first: dropping it takes CAP_SETPCAP, cleared below. */
        if (setpcap == CAP_SET && CAP_IS_SUPPORTED(v) && cap_drop_bound(v) != 0) {
            e = errno;
            goto out;
        }
        for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
            cap_set_flag(c, flags[i], 1, &v, CAP_CLEAR);
    }
    /* Nothing inheritable: a program run from here gains nothing. */
    cap_clear_flag(c, CAP_INHERITABLE);
    if (cap_set_proc(c) != 0 || (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() != 0) ||
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        e = errno;
out:
    cap_free(c);
    return e;
}
