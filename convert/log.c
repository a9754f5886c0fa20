/* log: OpenBSD-daemon style logging to stderr or syslog; see log.h. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static const char *log_progname = "sflowkit";
static int log_debug_on;
static int log_to_syslog;

void
log_init(const char *progname, int debug, int use_syslog)
{
    const char *slash = strrchr(progname, '/');

    log_progname = slash ? slash + 1 : progname;
    log_debug_on = debug;
    log_to_syslog = use_syslog;
    if (use_syslog)
        openlog(log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void
log_vwrite(int pri, const char *fmt, va_list ap, const char *suffix)
{
    char msg[1024];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (log_to_syslog) {
        if (suffix)
            syslog(pri, "%s: %s", msg, suffix);
        else
            syslog(pri, "%s", msg);
        return;
    }
    if (suffix)
        fprintf(stderr, "%s: %s: %s\n", log_progname, msg, suffix);
    else
        fprintf(stderr, "%s: %s\n", log_progname, msg);
}

void
log_warn(const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    log_vwrite(LOG_WARNING, fmt, ap, strerror(saved));
    va_end(ap);
    errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vwrite(LOG_WARNING, fmt, ap, NULL);
    va_end(ap);
}

void
log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vwrite(LOG_INFO, fmt, ap, NULL);
    va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
    va_list ap;

    if (!log_debug_on)
        return;
    va_start(ap, fmt);
    log_vwrite(LOG_DEBUG, fmt, ap, NULL);
    va_end(ap);
}

void
fatal(const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    log_vwrite(LOG_CRIT, fmt, ap, strerror(saved));
    va_end(ap);
    exit(1);
}

void
fatalx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vwrite(LOG_CRIT, fmt, ap, NULL);
    va_end(ap);
    exit(1);
}
