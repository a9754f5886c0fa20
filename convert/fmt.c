/*
 * fmt: the tables of fmt.h's formatters, and those too long to inline.
 */
#include "fmt.h"

const char fmt_dec2[200] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Each byte in decimal, then dots up to four bytes: "7...", "42..", "255.". */
const char fmt_dec_u8_dot[256 * 4 + 1] =
    "0...1...2...3...4...5...6...7...8...9...10..11..12..13..14..15.."
    "16..17..18..19..20..21..22..23..24..25..26..27..28..29..30..31.."
    "32..33..34..35..36..37..38..39..40..41..42..43..44..45..46..47.."
    "48..49..50..51..52..53..54..55..56..57..58..59..60..61..62..63.."
    "64..65..66..67..68..69..70..71..72..73..74..75..76..77..78..79.."
    "80..81..82..83..84..85..86..87..88..89..90..91..92..93..94..95.."
    "96..97..98..99..100.101.102.103.104.105.106.107.108.109.110.111."
    "112.113.114.115.116.117.118.119.120.121.122.123.124.125.126.127."
    "128.129.130.131.132.133.134.135.136.137.138.139.140.141.142.143."
    "144.145.146.147.148.149.150.151.152.153.154.155.156.157.158.159."
    "160.161.162.163.164.165.166.167.168.169.170.171.172.173.174.175."
    "176.177.178.179.180.181.182.183.184.185.186.187.188.189.190.191."
    "192.193.194.195.196.197.198.199.200.201.202.203.204.205.206.207."
    "208.209.210.211.212.213.214.215.216.217.218.219.220.221.222.223."
    "224.225.226.227.228.229.230.231.232.233.234.235.236.237.238.239."
    "240.241.242.243.244.245.246.247.248.249.250.251.252.253.254.255.";

#define FMT_DIGITS_10(d) d, d, d, d, d, d, d, d, d, d
const uint8_t fmt_dec_u8_digits[256] = {
    FMT_DIGITS_10(1),
    FMT_DIGITS_10(2), FMT_DIGITS_10(2), FMT_DIGITS_10(2), FMT_DIGITS_10(2), FMT_DIGITS_10(2),
    FMT_DIGITS_10(2), FMT_DIGITS_10(2), FMT_DIGITS_10(2), FMT_DIGITS_10(2),
    FMT_DIGITS_10(3), FMT_DIGITS_10(3), FMT_DIGITS_10(3), FMT_DIGITS_10(3), FMT_DIGITS_10(3),
    FMT_DIGITS_10(3), FMT_DIGITS_10(3), FMT_DIGITS_10(3), FMT_DIGITS_10(3), FMT_DIGITS_10(3),
    FMT_DIGITS_10(3), FMT_DIGITS_10(3), FMT_DIGITS_10(3), FMT_DIGITS_10(3), FMT_DIGITS_10(3),
    3, 3, 3, 3, 3, 3,
};

/* 'v' < 10000 in four digits, leading zeros included. */
static inline char *
dec4(char *o, uint32_t v)
{
    memcpy(o, fmt_dec2 + 2 * (v / 100), 2);
    memcpy(o + 2, fmt_dec2 + 2 * (v % 100), 2);
    return o + 4;
}

/* Three or four digits at once; past them, what precedes the last four (or eight), then those. */
char *
fmt_u64_long(char *o, uint64_t v)
{
    uint32_t low;

    if (v < 1000) {
        *o = (char)('0' + v / 100);
        memcpy(o + 1, fmt_dec2 + 2 * (v % 100), 2);
        return o + 3;
    }
    if (v < 10000)
        return dec4(o, (uint32_t)v);
    if (v >= 100000000) {
        low = (uint32_t)(v % 100000000);
        o = fmt_u64(o, v / 100000000);
        return dec4(dec4(o, low / 10000), low % 10000);
    }
    return dec4(fmt_u64(o, (uint32_t)v / 10000), (uint32_t)v % 10000);
}

#define FMT_HEX2_ROW(h) \
    h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" \
    h "8" h "9" h "a" h "b" h "c" h "d" h "e" h "f"
const char fmt_hex2_lower[256 * 2 + 1] =
    FMT_HEX2_ROW("0") FMT_HEX2_ROW("1") FMT_HEX2_ROW("2") FMT_HEX2_ROW("3")
    FMT_HEX2_ROW("4") FMT_HEX2_ROW("5") FMT_HEX2_ROW("6") FMT_HEX2_ROW("7")
    FMT_HEX2_ROW("8") FMT_HEX2_ROW("9") FMT_HEX2_ROW("a") FMT_HEX2_ROW("b")
    FMT_HEX2_ROW("c") FMT_HEX2_ROW("d") FMT_HEX2_ROW("e") FMT_HEX2_ROW("f");

/* "00-" to "FF-", padded to four bytes: each byte of a header is one move. */
#define FMT_HEX_ROW(h) \
    h "0- " h "1- " h "2- " h "3- " h "4- " h "5- " h "6- " h "7- " \
    h "8- " h "9- " h "A- " h "B- " h "C- " h "D- " h "E- " h "F- "
static const char fmt_hex_dash_tab[256 * 4 + 1] =
    FMT_HEX_ROW("0") FMT_HEX_ROW("1") FMT_HEX_ROW("2") FMT_HEX_ROW("3")
    FMT_HEX_ROW("4") FMT_HEX_ROW("5") FMT_HEX_ROW("6") FMT_HEX_ROW("7")
    FMT_HEX_ROW("8") FMT_HEX_ROW("9") FMT_HEX_ROW("A") FMT_HEX_ROW("B")
    FMT_HEX_ROW("C") FMT_HEX_ROW("D") FMT_HEX_ROW("E") FMT_HEX_ROW("F");

char *
fmt_hex_dash_scalar(char *o, const uint8_t *p, size_t n)
{
    size_t i;

    if (n == 0)
        return o;
    for (i = 0; i < n; i++, o += 3)
        memcpy(o, fmt_hex_dash_tab + 4 * p[i], 4);
    return o - 1;               /* The last byte's dash is the slack. */
}

char *
fmt_hex_dash(char *o, const uint8_t *p, size_t n)
{
    size_t done = fmt_simd_hex_dash(o, p, n);

    if (done == n)
        return o + (n > 0 ? 3 * n - 1 : 0);
    return fmt_hex_dash_scalar(o + 3 * done, p + done, n - done);
}

char *
fmt_hex_u32(char *o, uint32_t v)
{
    int shift = 28;

    while (shift > 0 && (v >> shift) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        *o++ = fmt_hex2_lower[2 * ((v >> shift) & 0xf) + 1];
    return o;
}

char *
fmt_tag(char *o, uint32_t tag)
{
    o = fmt_u64(o, tag >> 12);
    *o++ = ':';
    return fmt_u64(o, tag & 0xfff);
}
