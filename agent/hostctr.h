/*
 * hostctr: host counters of sflow_host.txt for data source 2:1 (the
 * physical host): host_descr (2000), host_cpu (2003), host_memory (2004),
 * host_disk_io (2005), host_net_io (2006).
 *
 * Values come from /proc and statvfs(); files with a header or keys are
 * read by name, never by position (hsflowd's positional /proc/net/snmp
 * reader shifted when the kernel added columns).  /proc/stat's cpu line and
 * /proc/diskstats have no header; their columns are named here after
 * proc(5) and Documentation/admin-guide/iostats.rst, in one table each.
 */
#ifndef SFK_HOSTCTR_H
#define SFK_HOSTCTR_H

#include <stdint.h>

#include "wbuf.h"

struct hostctr {
    /* host_descr */
    char hostname[65];
    uint8_t uuid[16];
    uint32_t machine_type, os_name;
    char os_release[33];
    /* host_cpu */
    float load[3];
    uint32_t proc_run, proc_total, cpu_num, cpu_speed, uptime;
    uint32_t cpu_user, cpu_nice, cpu_system, cpu_idle, cpu_wio, cpu_intr, cpu_sintr;
    uint32_t interrupts, contexts, cpu_steal, cpu_guest, cpu_guest_nice;
    /* host_memory (bytes) */
    uint64_t mem_total, mem_free, mem_shared, mem_buffers, mem_cached;
    uint64_t swap_total, swap_free;
    uint32_t page_in, page_out, swap_in, swap_out;
    /* host_disk_io */
    uint64_t disk_total, disk_free;
    int32_t part_max_used;      /* hundredths of a percent; -1 unknown */
    uint32_t reads, read_time, writes, write_time;
    uint64_t bytes_read, bytes_written;
    /* host_net_io, all interfaces but loopback */
    uint64_t bytes_in, bytes_out;
    uint32_t pkts_in, errs_in, drops_in, pkts_out, errs_out, drops_out;
};

/* Fills 'h' from the running system (unreadable values stay 0 or unknown). */
void hostctr_read(struct hostctr *h);

/* dgram_write_fn: the five records from 'arg', a struct hostctr. */
int hostctr_write(struct wbuf *w, void *arg);

#endif /* SFK_HOSTCTR_H */
