/*
 * dgram_meta: what the receiver knows about a datagram besides its bytes.
 */
#ifndef SFK_DGRAM_META_H
#define SFK_DGRAM_META_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct dgram_meta {
    struct timeval ts;          /* Receive time, or the capture's timestamp. */
    int from_file;              /* 1: read from a capture file ('ts' is its timestamp). */
    char src[48];               /* Sender's address as text ("-" if unknown):
                                 * printers copy it as it is. */
    uint16_t src_port;
    uint8_t src_ver;            /* 4 or 6: 'src_ip' holds the sender's address; 0 unknown. */
    uint8_t src_ip[16];         /* 4 bytes for IPv4 (IPv4-mapped shown as IPv4). */
    size_t size;                /* UDP payload bytes. */
    uint64_t frame;             /* from_file: the frame number in the capture, from 1. */
};

#endif /* SFK_DGRAM_META_H */
