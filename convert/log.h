/*
 * log: the one place that formats messages for a person (stderr or syslog).
 * Library code returns errors; only main.c files and this module print them.
 */
#ifndef SFK_LOG_H
#define SFK_LOG_H

#include <stdarg.h>

void log_init(const char *progname, int debug, int use_syslog);
void log_warn(const char *, ...) __attribute__((__format__(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((__format__(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((__format__(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((__format__(printf, 1, 2)));
void fatal(const char *, ...) __attribute__((__format__(printf, 1, 2), __noreturn__));
void fatalx(const char *, ...) __attribute__((__format__(printf, 1, 2), __noreturn__));

#endif /* SFK_LOG_H */
