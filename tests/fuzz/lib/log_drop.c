/*
 * The log module of the harnesses: messages are formatted (so that a bad
 * format argument is still found) and dropped, as a fuzzer would print
 * millions; fatal() and fatalx() abort, since library code reached by
 * input must never end the program.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static void
drop(const char *fmt, va_list ap)
{
    char msg[1024];

    vsnprintf(msg, sizeof(msg), fmt, ap);
}

static void __attribute__((__noreturn__))
die(const char *fmt, va_list ap)
{
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nfatal() reached from fuzzed input\n");
    abort();
}

void
log_init(const char *progname, int debug, int use_syslog)
{
    (void)progname;
    (void)debug;
    (void)use_syslog;
}

void
log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    drop(fmt, ap);
    va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    drop(fmt, ap);
    va_end(ap);
}

void
log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    drop(fmt, ap);
    va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    drop(fmt, ap);
    va_end(ap);
}

void
fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    die(fmt, ap);
}

void
fatalx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    die(fmt, ap);
}
