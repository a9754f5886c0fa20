/*
 * ch_row: flow and counter samples as rows of ClickHouse tables, gathered
 * column by column and sent as one block of the Native format (the
 * server's own columnar format, accepted over HTTP by every version, 18.16
 * included: the server copies each column in whole, with no per-row
 * parsing).
 *
 * A Native block is the number of columns and of rows (LEB128), then per
 * column its name and type (LEB128 length and bytes) and its values one
 * after the other: integers little-endian in their width, DateTime a
 * UInt32 of Unix seconds, FixedString(N) exactly N bytes.  The block's
 * rows are put in the table's ORDER BY order, so that the server, finding
 * them sorted, skips its own sort.  The column lists in ch_row.c are the
 * one place that names, types and orders the columns and the sort key: the
 * DDL, the INSERT column list and the blocks are built from them, so
 * encoder and table cannot disagree.
 *
 * RowBinary (the same values row after row, no header) is the format of
 * batches spooled by earlier versions; they are still replayed as they are.
 *
 * Addresses are FixedString(16): IPv6 as is, IPv4 mapped (::ffff:a.b.c.d),
 * so one column holds both and IPv6NumToString() prints either.  Servers
 * before 19.x have no IPv4/IPv6 types.  Unknown is sixteen zero bytes.
 *
 * No I/O: rows are appended to blocks, blocks to buffers, owned by the caller.
 */
#ifndef SFK_CH_ROW_H
#define SFK_CH_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "sflow_types.h"

/* The body formats of an insert. */
enum ch_format { CH_ROWBINARY, CH_NATIVE };

/* A growable byte buffer.  'error' (ENOMEM) is sticky; rows then are lost. */
struct ch_buf {
    uint8_t *p;
    size_t len;
    size_t cap;
    int error;
};

/* Frees the bytes and leaves 'b' empty. */
void ch_buf_free(struct ch_buf *b);

/* Room for 'n' more bytes (their place), or NULL with 'error' set. */
uint8_t *ch_buf_reserve(struct ch_buf *b, size_t n);

/* One flow sample, as the flows table stores it. */
struct ch_flow {
    uint32_t time;                      /* Unix seconds. */
    uint8_t agent[16];
    uint32_t sub_agent;
    uint32_t seq;                       /* Sample sequence number. */
    uint32_t source_class;
    uint32_t source_index;
    uint32_t sampling_rate;
    uint32_t sample_pool;
    uint32_t drops;
    uint32_t input;                     /* Interface value (ifIndex when format 0). */
    uint32_t output;
    uint8_t input_format;
    uint8_t output_format;
    uint16_t in_vlan;
    uint16_t out_vlan;
    uint8_t src_mac[6];
    uint8_t dst_mac[6];
    uint16_t eth_type;
    uint8_t ip_version;                 /* 4, 6, or 0 when no IP was seen. */
    uint8_t src_ip[16];
    uint8_t dst_ip[16];
    uint8_t proto;
    uint8_t tos;
    uint8_t ttl;
    uint8_t tcp_flags;
    uint16_t src_port;                  /* ICMP: type. */
    uint16_t dst_port;                  /* ICMP: code. */
    uint32_t frame_length;
    uint64_t packets;                   /* sampling_rate: packets this sample stands for. */
    uint64_t bytes;                     /* frame_length * sampling_rate. */
    uint32_t src_as;
    uint32_t dst_as;
    char src_country[2];
    char dst_country[2];
    uint8_t tunnel;                     /* enum pkt_encap: 0 none. */
    uint32_t vni;                       /* VXLAN VNI or GRE key. */
    uint8_t inner_src_ip[16];
    uint8_t inner_dst_ip[16];
    uint8_t inner_proto;
    uint16_t inner_src_port;
    uint16_t inner_dst_port;
    uint64_t batch;                     /* Set by the sender: see docs/clickhouse.md. */
};

enum ch_table { CH_FLOWS, CH_COUNTERS, CH_TABLES };

struct ch_column {
    const char *name;
    const char *type;                   /* ClickHouse type, as in the DDL. */
    size_t size;                        /* Bytes of a value (every type is fixed-size). */
};

#define CH_MAX_COLUMNS 48

/* Rows of one table, column by column.  'error' (ENOMEM) is sticky; rows then are lost. */
struct ch_block {
    enum ch_table table;
    uint32_t rows;
    uint32_t cap;                       /* Rows the columns have room for. */
    uint8_t *col[CH_MAX_COLUMNS];
    int error;
};

/* Bytes of one row of 'table' (every column has a fixed size). */
size_t ch_row_size(enum ch_table table);

/* Column 'i' of 'table' (from 0, in order), or NULL past the last. */
const struct ch_column *ch_row_column(enum ch_table table, size_t i);

/* The sort key of 'table', as the ORDER BY clause lists it ("time, agent"). */
const char *ch_row_order_by(enum ch_table table);

/* The name of 'format' in SQL ("Native"). */
const char *ch_row_format_name(enum ch_format format);

/* Frees the columns and leaves 'b' empty, for 'table'. */
void ch_block_reset(struct ch_block *b, enum ch_table table);

/*
 * Appends 'b' to 'out' as one Native block, its rows sorted by the table's
 * key (stable: rows of equal keys keep their order).  Returns 0, or ENOMEM.
 */
int ch_block_native(const struct ch_block *b, struct ch_buf *out);

/* Rows in 'len' bytes of an insert body of 'table' in 'format'; 0 if malformed. */
uint64_t ch_row_count(enum ch_format format, enum ch_table table, const uint8_t *p,
    size_t len);

/*
 * Fills 'f' from flow sample 's' (0:1 or 0:3) of 'dg': the sample's fields,
 * then its records in wire order (the sampled header's outer packet, the
 * 0:2 Ethernet, 0:3/0:4 IP records where no header gave those keys, 0:1001
 * VLANs, 0:1003 source and destination AS as sflowtool reports them: the
 * record's src_as, the AS path's last).  'time' and 'batch' are left 0.  Returns 1, or
 * 0 when 's' is no decoded flow sample.
 */
int ch_row_flow_from_sample(const struct sflow_datagram *dg,
    const struct sflow_sample *s, struct ch_flow *f);

/* Appends 'f' as one row of the flows table. */
void ch_row_put_flow(struct ch_block *b, const struct ch_flow *f);

/*
 * Appends counters sample 's' of 'dg' as one row of the counters table,
 * stamped 'time' and 'batch', if it holds generic interface counters
 * (0:1); Ethernet counters (0:2) fill their columns, else zeros.  Returns
 * 1 if a row was written, else 0.
 */
int ch_row_put_counters(struct ch_block *b, const struct sflow_datagram *dg,
    const struct sflow_sample *s, uint32_t time, uint64_t batch);

/* 'a' as the 16 bytes of an address column (IPv4 mapped). */
void ch_row_addr(uint8_t out[16], const struct sflow_addr *a);

#endif /* SFK_CH_ROW_H */
