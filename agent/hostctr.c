/*
 * hostctr: host counters from /proc; see hostctr.h.
 */
#include "hostctr.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sflow_encode.h"
#include "sflow_schema.h"
#include "sflow_types.h"

/* Looks up 'key' in a "Key: value" or "key value" file; the first number after it, or 0. */
static uint64_t
keyed(const char *path, const char *key, int *found)
{
    char line[512];
    size_t klen = strlen(key);
    uint64_t v = 0;
    FILE *f = fopen(path, "re");

    if (found)
        *found = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, key, klen) != 0 ||
            (line[klen] != ':' && !isspace((unsigned char)line[klen])))
            continue;
        v = strtoull(line + klen + (line[klen] == ':'), NULL, 10);
        if (found)
            *found = 1;
        break;
    }
    fclose(f);
    return v;
}

static uint32_t
jiffies_ms(uint64_t j)
{
    long hz = sysconf(_SC_CLK_TCK);

    return (uint32_t)(hz > 0 ? j * 1000 / (uint64_t)hz : j * 10);
}

/* The cpu line of /proc/stat, columns as proc(5) names them. */
enum { CPU_USER, CPU_NICE, CPU_SYSTEM, CPU_IDLE, CPU_IOWAIT, CPU_IRQ,
    CPU_SOFTIRQ, CPU_STEAL, CPU_GUEST, CPU_GUEST_NICE, CPU_NCOLS };

static void
read_cpu(struct hostctr *h)
{
    char line[4096], *p, *end;
    uint64_t col[CPU_NCOLS] = { 0 };
    double mhz;
    FILE *f;

    f = fopen("/proc/stat", "re");
    if (f != NULL) {
        while (fgets(line, sizeof(line), f)) {
            if (strncmp(line, "cpu ", 4) == 0) {
                p = line + 4;
                for (size_t i = 0; i < CPU_NCOLS; i++) {
                    col[i] = strtoull(p, &end, 10);
                    if (end == p)
                        break;
                    p = end;
                }
            } else if (strncmp(line, "intr ", 5) == 0) {
                h->interrupts = (uint32_t)strtoull(line + 5, NULL, 10);
            } else if (strncmp(line, "ctxt ", 5) == 0) {
                h->contexts = (uint32_t)strtoull(line + 5, NULL, 10);
            }
        }
        fclose(f);
    }
    h->cpu_user = jiffies_ms(col[CPU_USER]);
    h->cpu_nice = jiffies_ms(col[CPU_NICE]);
    h->cpu_system = jiffies_ms(col[CPU_SYSTEM]);
    h->cpu_idle = jiffies_ms(col[CPU_IDLE]);
    h->cpu_wio = jiffies_ms(col[CPU_IOWAIT]);
    h->cpu_intr = jiffies_ms(col[CPU_IRQ]);
    h->cpu_sintr = jiffies_ms(col[CPU_SOFTIRQ]);
    h->cpu_steal = jiffies_ms(col[CPU_STEAL]);
    h->cpu_guest = jiffies_ms(col[CPU_GUEST]);
    h->cpu_guest_nice = jiffies_ms(col[CPU_GUEST_NICE]);

    f = fopen("/proc/loadavg", "re");
    if (f != NULL) {
        if (fscanf(f, "%f %f %f %u/%u", &h->load[0], &h->load[1], &h->load[2],
                &h->proc_run, &h->proc_total) != 5)
            h->load[0] = h->load[1] = h->load[2] = 0;
        fclose(f);
    }
    f = fopen("/proc/uptime", "re");
    if (f != NULL) {
        double up;

        if (fscanf(f, "%lf", &up) == 1)
            h->uptime = (uint32_t)up;
        fclose(f);
    }
    h->cpu_num = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
    f = fopen("/proc/cpuinfo", "re");
    if (f != NULL) {
        while (fgets(line, sizeof(line), f))
            if (strncmp(line, "cpu MHz", 7) == 0 && (p = strchr(line, ':')) &&
                sscanf(p + 1, "%lf", &mhz) == 1) {
                h->cpu_speed = (uint32_t)mhz;
                break;
            }
        fclose(f);
    }
}

static void
read_mem(struct hostctr *h)
{
    const char *mi = "/proc/meminfo", *vm = "/proc/vmstat";

    h->mem_total = keyed(mi, "MemTotal", NULL) * 1024;
    h->mem_free = keyed(mi, "MemFree", NULL) * 1024;
    h->mem_shared = keyed(mi, "Shmem", NULL) * 1024;
    h->mem_buffers = keyed(mi, "Buffers", NULL) * 1024;
    h->mem_cached = keyed(mi, "Cached", NULL) * 1024;
    h->swap_total = keyed(mi, "SwapTotal", NULL) * 1024;
    h->swap_free = keyed(mi, "SwapFree", NULL) * 1024;
    h->page_in = (uint32_t)keyed(vm, "pgpgin", NULL);
    h->page_out = (uint32_t)keyed(vm, "pgpgout", NULL);
    h->swap_in = (uint32_t)keyed(vm, "pswpin", NULL);
    h->swap_out = (uint32_t)keyed(vm, "pswpout", NULL);
}

/* /proc/diskstats columns after major, minor and name (iostats.rst). */
enum { DS_READS, DS_READS_MERGED, DS_SECTORS_READ, DS_MS_READING,
    DS_WRITES, DS_WRITES_MERGED, DS_SECTORS_WRITTEN, DS_MS_WRITING, DS_NCOLS };

static void
read_disk(struct hostctr *h)
{
    char line[1024], dev[256], mnt[256], seen[16][256], path[300];
    size_t nseen = 0;
    struct statvfs sv;
    struct stat st;
    FILE *f;

    h->part_max_used = -1;
    f = fopen("/proc/mounts", "re");
    if (f != NULL) {
        while (fgets(line, sizeof(line), f)) {
            size_t i;

            if (sscanf(line, "%255s %255s", dev, mnt) != 2 || strncmp(dev, "/dev/", 5) != 0)
                continue;
            for (i = 0; i < nseen && strcmp(seen[i], dev) != 0; i++)
                ;
            if (i < nseen || statvfs(mnt, &sv) != 0 || sv.f_blocks == 0)
                continue;
            if (nseen < 16)
                snprintf(seen[nseen++], sizeof(seen[0]), "%s", dev);
            h->disk_total += (uint64_t)sv.f_blocks * sv.f_frsize;
            h->disk_free += (uint64_t)sv.f_bavail * sv.f_frsize;
            int32_t used = (int32_t)(10000 - (uint64_t)sv.f_bavail * 10000 / sv.f_blocks);
            if (used > h->part_max_used)
                h->part_max_used = used;
        }
        fclose(f);
    }
    f = fopen("/proc/diskstats", "re");
    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f)) {
        unsigned long long c[DS_NCOLS];
        unsigned maj, min;

        if (sscanf(line, "%u %u %255s %llu %llu %llu %llu %llu %llu %llu %llu", &maj, &min,
                dev, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]) != 11)
            continue;
        /* Whole disks only (partitions would count twice); no loop or ram disks. */
        snprintf(path, sizeof(path), "/sys/block/%s", dev);
        if (stat(path, &st) != 0 || strncmp(dev, "loop", 4) == 0 || strncmp(dev, "ram", 3) == 0)
            continue;
        h->reads += (uint32_t)c[DS_READS];
        h->bytes_read += c[DS_SECTORS_READ] * 512;
        h->read_time += (uint32_t)c[DS_MS_READING];
        h->writes += (uint32_t)c[DS_WRITES];
        h->bytes_written += c[DS_SECTORS_WRITTEN] * 512;
        h->write_time += (uint32_t)c[DS_MS_WRITING];
    }
    fclose(f);
}

/*
 * /proc/net/dev: two header lines name the columns, grouped by the first
 * ("Receive", "Transmit"), so they are found by "group:name".
 */
static void
read_net(struct hostctr *h)
{
    char l1[512], l2[512], line[1024];
    int ncol = 0, in_bytes = -1, in_pkts = -1, in_errs = -1, in_drop = -1;
    int out_bytes = -1, out_pkts = -1, out_errs = -1, out_drop = -1;
    FILE *f = fopen("/proc/net/dev", "re");
    char *p, *tok, *save;

    if (f == NULL)
        return;
    if (!fgets(l1, sizeof(l1), f) || !fgets(l2, sizeof(l2), f)) {
        fclose(f);
        return;
    }
    /* l2: " face |bytes packets ...|bytes packets ..."; l1 says which group is which. */
    {
        char *g1 = strchr(l1, '|'), *g2 = g1 ? strchr(g1 + 1, '|') : NULL;
        int rx_first = g1 && g2 && strstr(g1, "Receive") && (!strstr(g1, "Transmit") ||
            strstr(g1, "Receive") < strstr(g1, "Transmit"));
        char *s1 = strchr(l2, '|'), *s2 = s1 ? strchr(s1 + 1, '|') : NULL;

        if (s1 == NULL || s2 == NULL) {
            fclose(f);
            return;
        }
        *s2 = '\0';
        for (int grp = 0; grp < 2; grp++) {
            int rx = (grp == 0) == (rx_first != 0);

            for (tok = strtok_r(grp == 0 ? s1 + 1 : s2 + 1, " \t\n", &save); tok && ncol < 32;
                tok = strtok_r(NULL, " \t\n", &save)) {
                if (strcmp(tok, "bytes") == 0)
                    *(rx ? &in_bytes : &out_bytes) = ncol;
                else if (strcmp(tok, "packets") == 0)
                    *(rx ? &in_pkts : &out_pkts) = ncol;
                else if (strcmp(tok, "errs") == 0)
                    *(rx ? &in_errs : &out_errs) = ncol;
                else if (strcmp(tok, "drop") == 0)
                    *(rx ? &in_drop : &out_drop) = ncol;
                ncol++;
            }
        }
    }
    while (fgets(line, sizeof(line), f)) {
        unsigned long long v[32] = { 0 };
        int n = 0;

        p = strchr(line, ':');
        if (p == NULL)
            continue;
        *p = '\0';
        tok = line + strspn(line, " ");
        if (strcmp(tok, "lo") == 0)
            continue;
        for (tok = strtok_r(p + 1, " \t\n", &save); tok && n < ncol;
            tok = strtok_r(NULL, " \t\n", &save))
            v[n++] = strtoull(tok, NULL, 10);
#define COL(i) ((i) >= 0 && (i) < n ? v[i] : 0)
        h->bytes_in += COL(in_bytes);
        h->pkts_in += (uint32_t)COL(in_pkts);
        h->errs_in += (uint32_t)COL(in_errs);
        h->drops_in += (uint32_t)COL(in_drop);
        h->bytes_out += COL(out_bytes);
        h->pkts_out += (uint32_t)COL(out_pkts);
        h->errs_out += (uint32_t)COL(out_errs);
        h->drops_out += (uint32_t)COL(out_drop);
#undef COL
    }
    fclose(f);
}

/* sflow_host.txt machine_type from uname's machine. */
static uint32_t
machine_type(const char *m)
{
    if (strcmp(m, "x86_64") == 0)
        return 3;
    if (m[0] == 'i' && strcmp(m + 2, "86") == 0)
        return 2;
    if (strcmp(m, "ia64") == 0)
        return 4;
    if (strncmp(m, "sparc", 5) == 0)
        return 5;
    if (strncmp(m, "alpha", 5) == 0)
        return 6;
    if (strncmp(m, "ppc", 3) == 0 || strncmp(m, "powerpc", 7) == 0)
        return 7;
    if (strncmp(m, "m68k", 4) == 0)
        return 8;
    if (strncmp(m, "mips", 4) == 0)
        return 9;
    if (strncmp(m, "arm", 3) == 0 || strcmp(m, "aarch64") == 0)
        return 10;
    if (strncmp(m, "parisc", 6) == 0)
        return 11;
    if (strncmp(m, "s390", 4) == 0)
        return 12;
    return 1;
}

/* Copies 'src' into 'dst', cut to fit: the schema's string maxima are smaller than uname's. */
static void
copy_cut(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);

    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void
read_descr(struct hostctr *h)
{
    struct utsname u;
    char id[64];
    FILE *f;

    if (uname(&u) == 0) {
        copy_cut(h->hostname, sizeof(h->hostname), u.nodename);
        copy_cut(h->os_release, sizeof(h->os_release), u.release);
        h->machine_type = machine_type(u.machine);
    }
    h->os_name = 2;             /* linux */
    /* machine-id: 32 hex digits, the host's stable identity. */
    f = fopen("/etc/machine-id", "re");
    if (f != NULL) {
        if (fgets(id, sizeof(id), f) && strspn(id, "0123456789abcdef") >= 32)
            for (int i = 0; i < 16; i++) {
                char byte[3] = { id[2 * i], id[2 * i + 1], 0 };
                h->uuid[i] = (uint8_t)strtoul(byte, NULL, 16);
            }
        fclose(f);
    }
}

void
hostctr_read(struct hostctr *h)
{
    memset(h, 0, sizeof(*h));
    read_descr(h);
    read_cpu(h);
    read_mem(h);
    read_disk(h);
    read_net(h);
}

static int
put(struct wbuf *w, uint32_t format, const union sflow_value *v, size_t n)
{
    uint32_t tag = SFLOW_TAG(0, format);
    const struct sflow_schema *sc = sflow_schema_find(tag, 1);

    if (sc == NULL || sc->n_fields != n)
        return EINVAL;
    return sflow_enc_record(w, tag, sc, v);
}

int
hostctr_write(struct wbuf *w, void *arg)
{
    const struct hostctr *h = arg;
    union sflow_value v[20];
    size_t n;
    int e;

    memset(v, 0, sizeof(v));
    v[SF_HOST_HOSTNAME].b.p = (const uint8_t *)h->hostname;
    v[SF_HOST_HOSTNAME].b.len = (uint32_t)strlen(h->hostname);
    v[SF_HOST_UUID].b.p = h->uuid;
    v[SF_HOST_MACHINE_TYPE].u = h->machine_type;
    v[SF_HOST_OS_NAME].u = h->os_name;
    v[SF_HOST_OS_RELEASE].b.p = (const uint8_t *)h->os_release;
    v[SF_HOST_OS_RELEASE].b.len = (uint32_t)strlen(h->os_release);
    if ((e = put(w, SFLOW_CTR_HOST_DESCR, v, 5)))
        return e;

    memset(v, 0, sizeof(v));
    n = 0;
    v[n++].f = h->load[0];
    v[n++].f = h->load[1];
    v[n++].f = h->load[2];
    v[n++].u = h->proc_run;
    v[n++].u = h->proc_total;
    v[n++].u = h->cpu_num;
    v[n++].u = h->cpu_speed;
    v[n++].u = h->uptime;
    v[n++].u = h->cpu_user;
    v[n++].u = h->cpu_nice;
    v[n++].u = h->cpu_system;
    v[n++].u = h->cpu_idle;
    v[n++].u = h->cpu_wio;
    v[n++].u = h->cpu_intr;
    v[n++].u = h->cpu_sintr;
    v[n++].u = h->interrupts;
    v[n++].u = h->contexts;
    v[n++].u = h->cpu_steal;
    v[n++].u = h->cpu_guest;
    v[n++].u = h->cpu_guest_nice;
    if ((e = put(w, SFLOW_CTR_HOST_CPU, v, n)))
        return e;

    memset(v, 0, sizeof(v));
    n = 0;
    v[n++].u = h->mem_total;
    v[n++].u = h->mem_free;
    v[n++].u = h->mem_shared;
    v[n++].u = h->mem_buffers;
    v[n++].u = h->mem_cached;
    v[n++].u = h->swap_total;
    v[n++].u = h->swap_free;
    v[n++].u = h->page_in;
    v[n++].u = h->page_out;
    v[n++].u = h->swap_in;
    v[n++].u = h->swap_out;
    if ((e = put(w, SFLOW_CTR_HOST_MEMORY, v, n)))
        return e;

    memset(v, 0, sizeof(v));
    n = 0;
    v[n++].u = h->disk_total;
    v[n++].u = h->disk_free;
    v[n++].s = h->part_max_used;
    v[n++].u = h->reads;
    v[n++].u = h->bytes_read;
    v[n++].u = h->read_time;
    v[n++].u = h->writes;
    v[n++].u = h->bytes_written;
    v[n++].u = h->write_time;
    if ((e = put(w, SFLOW_CTR_HOST_DISK, v, n)))
        return e;

    memset(v, 0, sizeof(v));
    n = 0;
    v[n++].u = h->bytes_in;
    v[n++].u = h->pkts_in;
    v[n++].u = h->errs_in;
    v[n++].u = h->drops_in;
    v[n++].u = h->bytes_out;
    v[n++].u = h->pkts_out;
    v[n++].u = h->errs_out;
    v[n++].u = h->drops_out;
    return put(w, SFLOW_CTR_HOST_NET, v, n);
}
