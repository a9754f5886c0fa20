/*
 * num_parse: numbers as a user types them on a command line or in a
 * configuration file, taken whole or refused.  "64x", "", " 5", "nan"
 * and values outside the caller's range are refused; the caller words
 * the message, since only it knows the option's name.
 */
#ifndef SFK_NUM_PARSE_H
#define SFK_NUM_PARSE_H

/* A decimal integer in [min, max] into '*out'; 0, or -1 (nothing stored). */
int num_parse_long(const char *s, long min, long max, long *out);

/* A finite decimal number in [min, max] into '*out'; 0, or -1 (nothing stored). */
int num_parse_double(const char *s, double min, double max, double *out);

#endif /* SFK_NUM_PARSE_H */
