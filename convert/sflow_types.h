/*
 * sflow_types: the decoded form of an sFlow v5 datagram.
 *
 * Reference: sflow.org sFlow Version 5 (SFLOW-DATAGRAM5), sflow_host.txt,
 * sflow_tunnels.txt, sflow_drops.txt, sflow_lag.txt, sflow_optics.txt;
 * summarised in SFLOW_V5_NOTES.md.
 *
 *   sample_datagram  = version, agent address, sub_agent_id, sequence_number,
 *                      uptime, sample_record<>
 *   sample_record    = data_format sample_type, opaque sample_data<>
 *   flow/counter rec = data_format, opaque data<>
 *   data_format      = enterprise (20 bits) << 12 | format (12 bits)
 *
 * The decoder fills one struct sflow_datagram per datagram.  It points into
 * the datagram's bytes (zero-copy) and holds fixed-size arrays, so decoding
 * allocates nothing.  The arrays are sized for the most that the largest
 * UDP datagram can carry, so that nothing the wire allows is cut; only a
 * longer "datagram" read from a capture file can fill them, and that is
 * an error, not a reason to allocate.
 *
 * Records with a fixed layout of plain fields are described by a schema
 * (sflow_schema.c): one table drives the decoder, the encoder and every
 * renderer, so a record type is added in one place.
 */
#ifndef SFK_SFLOW_TYPES_H
#define SFK_SFLOW_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "pkt_parse.h"

#define SFLOW_PORT 6343
#define SFLOW_VERSION 5

#define SFLOW_TAG(ent, fmt) ((uint32_t)(ent) << 12 | ((uint32_t)(fmt) & 0xfff))
#define SFLOW_ENTERPRISE(tag) ((uint32_t)(tag) >> 12)
#define SFLOW_FORMAT(tag) ((uint32_t)(tag) & 0xfff)

/* Sample types (enterprise 0). */
enum {
    SFLOW_FLOW_SAMPLE = 1,
    SFLOW_COUNTERS_SAMPLE = 2,
    SFLOW_FLOW_SAMPLE_EXPANDED = 3,
    SFLOW_COUNTERS_SAMPLE_EXPANDED = 4,
    SFLOW_DISCARDED_PACKET = 5,
};

/* Flow record formats (enterprise 0) that have names in the code. */
enum {
    SFLOW_FLOW_HEADER = 1,
    SFLOW_FLOW_ETHERNET = 2,
    SFLOW_FLOW_IPV4 = 3,
    SFLOW_FLOW_IPV6 = 4,
    SFLOW_FLOW_EX_SWITCH = 1001,
    SFLOW_FLOW_EX_ROUTER = 1002,
    SFLOW_FLOW_EX_GATEWAY = 1003,
    SFLOW_FLOW_EX_TIMESTAMP = 1043,
};

/* Counter record formats (enterprise 0) that have names in the code. */
enum {
    SFLOW_CTR_GENERIC = 1,
    SFLOW_CTR_ETHERNET = 2,
    SFLOW_CTR_OPENFLOW_PORT = 1004,
    SFLOW_CTR_PORT_NAME = 1005,
    SFLOW_CTR_HOST_DESCR = 2000,
    SFLOW_CTR_HOST_ADAPTERS = 2001,
    SFLOW_CTR_HOST_CPU = 2003,
    SFLOW_CTR_HOST_MEMORY = 2004,
    SFLOW_CTR_HOST_DISK = 2005,
    SFLOW_CTR_HOST_NET = 2006,
};

/* Data source classes (source_id type). */
enum {
    SFLOW_DS_IFINDEX = 0,
    SFLOW_DS_VLAN = 1,
    SFLOW_DS_PHYSICAL = 2,
    SFLOW_DS_LOGICAL = 3,
};

/* Interface formats (input/output words). */
enum {
    SFLOW_IF_INDEX = 0,         /* value = ifIndex; 0 unknown */
    SFLOW_IF_DISCARD = 1,       /* value = reason code */
    SFLOW_IF_MULTIPLE = 2,      /* value = number of ports; 0 unknown */
};
#define SFLOW_IF_INTERNAL 0x3FFFFFFFu

/* address: type 0 unknown, 1 IPv4, 2 IPv6. */
enum { SFLOW_ADDR_UNKNOWN = 0, SFLOW_ADDR_IP4 = 1, SFLOW_ADDR_IP6 = 2 };
struct sflow_addr {
    uint32_t type;
    uint8_t a[16];
};

/* Bytes inside the datagram: a string<>, an opaque<> or a validated list. */
struct sflow_bytes {
    const uint8_t *p;
    uint32_t len;               /* Bytes at 'p'. */
    uint32_t count;             /* Elements, for lists. */
};

/* Wire types of schema fields. */
enum sflow_ftype {
    SFT_U32,
    SFT_U64,
    SFT_S32,
    SFT_U8,                     /* One byte, packed with its neighbours. */
    SFT_FLOAT,                  /* XDR float. */
    SFT_PERCENT,                /* int, hundredths of a percent; -1 unknown. */
    SFT_MAC,                    /* mac: 6 bytes + 2 pad. */
    SFT_IP4,                    /* 4 bytes. */
    SFT_IP6,                    /* 16 bytes. */
    SFT_ADDR,                   /* address union. */
    SFT_STR,                    /* string<max>. */
    SFT_UUID,                   /* opaque[16]. */
    SFT_OPAQUE,                 /* opaque<> (sampled header bytes). */
    SFT_U32_LIST,               /* unsigned int<> (communities, MPLS labels, VLAN stack). */
    SFT_AS_PATH,                /* as_path_type<>: {type, unsigned int<>} segments. */
    SFT_ADAPTERS,               /* host_adapters: {ifIndex, mac<>} <>. */
    SFT_LANES,                  /* sfp_lane<>: 10 x u32 each. */
};

union sflow_value {
    uint64_t u;                 /* SFT_U32, U64, U8 */
    int64_t s;                  /* SFT_S32, PERCENT */
    float f;                    /* SFT_FLOAT */
    struct sflow_bytes b;       /* SFT_MAC, IP4, IP6, STR, UUID, OPAQUE, lists */
    struct sflow_addr addr;     /* SFT_ADDR */
};

struct sflow_field {
    enum sflow_ftype type;
    const char *name;           /* sflowtool's name for the field... */
    uint8_t name_len;           /* ...and its length (a literal's, at compile time). */
    uint32_t max;               /* SFT_STR: longest allowed; 0 = any. */
    int optional;               /* Added by a later spec revision: may be absent. */
};

#define SFLOW_MAX_FIELDS 28

struct sflow_schema {
    uint32_t tag;               /* enterprise:format */
    int counter;                /* 1 counter record, 0 flow record. */
    const char *type_name;      /* sflowtool's extendedType/flowSampleType, or NULL... */
    uint8_t type_name_len;      /* ...and its length. */
    size_t n_fields;
    const struct sflow_field *fields;
    /*
     * How many leading fields have a fixed size on the wire (not strings,
     * lists, addresses or optional fields), and their bytes: the decoder
     * checks a record's length once for all of them.  'fixed_u32' when
     * they are all unsigned ints, the commonest layout, read without
     * looking at their types.  Worked out by sflow_schema.c before main()
     * runs; 0 (no such fields) is always safe.
     */
    uint32_t n_fixed;
    uint32_t fixed_size;
    int fixed_u32;
    char tag_text[12];          /* The tag as printers show it, "0:1001"... */
    uint8_t tag_text_len;       /* ...and its length (also before main()). */
};

struct sflow_record {
    uint32_t tag;               /* enterprise:format */
    uint32_t length;            /* Declared length of the body. */
    const uint8_t *data;        /* Body (zero-copy). */
    size_t offset;              /* Offset of the record header in the datagram. */
    const struct sflow_schema *schema;  /* NULL: unknown, skipped by length. */
    int error;                  /* Nonzero: body short or malformed; values invalid. */
    struct pkt_info *pkt;       /* Parsed sampled header (0:1), else NULL. */
    uint32_t n_values;          /* Schema fields present: trailing optional ones may be absent. */
    union sflow_value v[SFLOW_MAX_FIELDS];  /* Per schema field, in order. */
};

struct sflow_sample {
    uint32_t tag;               /* sample_type: enterprise:format */
    uint32_t length;            /* Declared sample_data length. */
    size_t offset;              /* Offset of the sample header in the datagram. */
    uint32_t seq;               /* sequence_number */
    uint32_t ds_class;          /* source_id type */
    uint32_t ds_index;          /* source_id index */
    uint32_t sampling_rate;     /* flow, discard: 0 */
    uint32_t sample_pool;
    uint32_t drops;
    uint32_t input_format, input;     /* Interface format and value. */
    uint32_t output_format, output;
    uint32_t reason;            /* discarded packet: drop reason */
    uint32_t n_records_declared;
    uint32_t first_record;      /* Index into sflow_datagram.records. */
    uint32_t n_records;         /* Records decoded. */
    int known;                  /* Sample type understood (else skipped). */
    int header_ok;              /* Fixed fields decoded. */
    int error;                  /* This sample ended the decode. */
};

/* Why a datagram could not be decoded to its end. */
enum sflow_err {
    SFLOW_OK = 0,
    SFLOW_E_SHORT_HEADER,       /* Datagram shorter than its header. */
    SFLOW_E_VERSION,            /* Not version 5. */
    SFLOW_E_ADDR_TYPE,          /* Agent address type not 0, 1 or 2. */
    SFLOW_E_SAMPLE_SHORT,       /* Sample fields run past the datagram. */
    SFLOW_E_SAMPLE_LENGTH,      /* Sample length disagrees with its contents. */
    SFLOW_E_RECORD_SHORT,       /* Record length runs past the datagram. */
    SFLOW_E_RECORD_BODY,        /* Record body shorter than its layout or malformed. */
    SFLOW_E_TOO_MANY_SAMPLES,   /* More samples than SFLOW_MAX_SAMPLES (capture files only). */
    SFLOW_E_TOO_MANY_RECORDS,   /* More records than SFLOW_MAX_RECORDS (capture files only). */
    SFLOW_E_COUNT,              /* Declared count larger than the bytes can hold. */
    SFLOW_E_MAX
};

struct sflow_error {
    enum sflow_err code;
    size_t offset;              /* Byte offset in the datagram. */
    uint32_t tag;               /* enterprise:format of the sample or record, if any. */
    uint32_t expected, found;   /* For length errors. */
};

/*
 * A UDP payload is at most 65535 bytes.  After the smallest datagram
 * header (24 bytes, agent address of type unknown) every sample and every
 * record takes at least 8 bytes (sample_type or data_format, and length),
 * and a sampled header record at least 24.
 */
#define SFLOW_MAX_DATAGRAM 65535
#define SFLOW_MAX_SAMPLES ((SFLOW_MAX_DATAGRAM - 24) / 8)
#define SFLOW_MAX_RECORDS ((SFLOW_MAX_DATAGRAM - 24) / 8)
#define SFLOW_MAX_HEADERS ((SFLOW_MAX_DATAGRAM - 24) / 24)

struct sflow_datagram {
    const uint8_t *data;        /* The datagram (not owned). */
    size_t len;

    int stage;                  /* 0 nothing, 1 version read, 2 header decoded. */
    uint32_t version;
    struct sflow_addr agent;
    uint32_t sub_agent_id;
    uint32_t seq;
    uint32_t uptime;            /* ms */
    uint32_t n_samples_declared;

    uint32_t n_samples;
    uint32_t n_records;
    uint32_t n_pkts;
    uint32_t n_unknown;         /* Records and samples skipped by length. */
    struct sflow_error err;

    struct sflow_sample samples[SFLOW_MAX_SAMPLES];
    struct sflow_record records[SFLOW_MAX_RECORDS];
    struct pkt_info pkts[SFLOW_MAX_HEADERS];
};

#endif /* SFK_SFLOW_TYPES_H */
