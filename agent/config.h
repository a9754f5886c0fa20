/*
 * config: sflow-agent settings, from the command line and from a file with
 * the same names (one "name value" per line, '#' comments), merged so that
 * the command line wins: a list given on the command line replaces the
 * file's, a value given there overrides the file's.
 */
#ifndef SFK_CONFIG_H
#define SFK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_MAX_LIST 64

enum config_key {
    CK_RATE, CK_POLLING, CK_HEADER, CK_DGRAM, CK_AGENT, CK_HOST, CK_PIDFILE, CK_NKEYS
};

struct config {
    char *bridges[CONFIG_MAX_LIST];
    size_t nb;
    char *ifaces[CONFIG_MAX_LIST];
    size_t ni;
    char *collectors[CONFIG_MAX_LIST];
    size_t nc;
    uint32_t rate;              /* sampling: 1 in N */
    uint32_t polling;           /* seconds; 0 = no counters */
    uint32_t header_bytes;
    uint32_t datagram_bytes;
    char *agent;                /* address or interface name; NULL = automatic */
    bool host_counters;
    char *pidfile;
    bool set[CK_NKEYS];         /* Which scalars were given. */
};

/* Empty config with the defaults. */
void config_init(struct config *c);
void config_free(struct config *c);

/*
 * Applies setting 'name' (a long option name: bridge, interface, collector,
 * sampling, polling, header-bytes, agent, datagram-bytes, host-counters,
 * pidfile) = 'value'.  Returns 0, or EINVAL with a reason in 'err'.
 */
int config_set(struct config *c, const char *name, const char *value,
    char *err, size_t errsz);

/* Reads file 'path' into 'c'; 0, or an errno with "path:line: reason" in 'err'. */
int config_load(struct config *c, const char *path, char *err, size_t errsz);

/* config_load() of the lines of 'f' ('path' names it in messages). */
int config_read(struct config *c, FILE *f, const char *path, char *err, size_t errsz);

/* Sets 'out' to 'file' overridden by 'cli' (both kept; 'out' owns copies). */
void config_merge(struct config *out, const struct config *file, const struct config *cli);

/* Checks that 'c' is complete; 0 or EINVAL with a reason in 'err'. */
int config_check(const struct config *c, char *err, size_t errsz);

#endif /* SFK_CONFIG_H */
