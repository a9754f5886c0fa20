/*
 * fmt: the tables of fmt.h's formatters.
 */
#include "fmt.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FMT_HAVE_SSSE3 1
#endif

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
#define FMT_DIGITS_50(d) \
    FMT_DIGITS_10(d), FMT_DIGITS_10(d), FMT_DIGITS_10(d), FMT_DIGITS_10(d), FMT_DIGITS_10(d)
const uint8_t fmt_dec_u8_digits[256] = {
    FMT_DIGITS_10(1),                                           /* 0-9 */
    FMT_DIGITS_50(2), FMT_DIGITS_10(2), FMT_DIGITS_10(2),       /* 10-79 */
    FMT_DIGITS_10(2), FMT_DIGITS_10(2),                         /* 80-99 */
    FMT_DIGITS_50(3), FMT_DIGITS_50(3), FMT_DIGITS_50(3),       /* 100-249 */
    3, 3, 3, 3, 3, 3,                                           /* 250-255 */
};

/* "00" to "ff": one load per byte instead of two shifts and two loads. */
#define FMT_HEX2_ROW(h) \
    h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" \
    h "8" h "9" h "a" h "b" h "c" h "d" h "e" h "f"
const char fmt_hex2_lower[256 * 2 + 1] =
    FMT_HEX2_ROW("0") FMT_HEX2_ROW("1") FMT_HEX2_ROW("2") FMT_HEX2_ROW("3")
    FMT_HEX2_ROW("4") FMT_HEX2_ROW("5") FMT_HEX2_ROW("6") FMT_HEX2_ROW("7")
    FMT_HEX2_ROW("8") FMT_HEX2_ROW("9") FMT_HEX2_ROW("a") FMT_HEX2_ROW("b")
    FMT_HEX2_ROW("c") FMT_HEX2_ROW("d") FMT_HEX2_ROW("e") FMT_HEX2_ROW("f");

/* "00-" to "FF-", padded to four bytes so that each byte costs one 4-byte move. */
#define FMT_HEX_ROW(h) \
    h "0- " h "1- " h "2- " h "3- " h "4- " h "5- " h "6- " h "7- " \
    h "8- " h "9- " h "A- " h "B- " h "C- " h "D- " h "E- " h "F- "
static const char fmt_hex_dash_tab[256 * 4 + 1] =
    FMT_HEX_ROW("0") FMT_HEX_ROW("1") FMT_HEX_ROW("2") FMT_HEX_ROW("3")
    FMT_HEX_ROW("4") FMT_HEX_ROW("5") FMT_HEX_ROW("6") FMT_HEX_ROW("7")
    FMT_HEX_ROW("8") FMT_HEX_ROW("9") FMT_HEX_ROW("A") FMT_HEX_ROW("B")
    FMT_HEX_ROW("C") FMT_HEX_ROW("D") FMT_HEX_ROW("E") FMT_HEX_ROW("F");

/* The bytes the vector loop left, each with its dash. */
static char *
fmt_hex_dash_tail(char *o, const uint8_t *p, size_t n)
{
    size_t i = 0;

    for (; i + 4 <= n; i += 4, o += 12) {
        memcpy(o, fmt_hex_dash_tab + 4 * p[i], 4);
        memcpy(o + 3, fmt_hex_dash_tab + 4 * p[i + 1], 4);
        memcpy(o + 6, fmt_hex_dash_tab + 4 * p[i + 2], 4);
        memcpy(o + 9, fmt_hex_dash_tab + 4 * p[i + 3], 4);
    }
    for (; i < n; i++, o += 3)
        memcpy(o, fmt_hex_dash_tab + 4 * p[i], 4);
    return o;
}

#ifdef FMT_HAVE_SSSE3
/*
 * The shuffles of the vector loops, per 16 bytes of input: the digits by
 * nibble; where output byte j of each 16 takes its digit, (j / 3) * 2 +
 * j % 3 of the 32 (-128: none); and the dashes at the other places.
 */
enum { HD_DIGITS, HD_AT0, HD_AT1A, HD_AT1B, HD_AT2, HD_DASH0, HD_DASH1, HD_DASH2, HD_N };
static const int8_t fmt_hex_dash_shuf[HD_N][16] = {
    [HD_DIGITS] = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D',
        'E', 'F' },
    [HD_AT0] = { 0, 1, -128, 2, 3, -128, 4, 5, -128, 6, 7, -128, 8, 9, -128, 10 },
    [HD_AT1A] = { 11, -128, 12, 13, -128, 14, 15, -128, -128, -128, -128, -128, -128, -128,
        -128, -128 },
    [HD_AT1B] = { -128, -128, -128, -128, -128, -128, -128, -128, 0, 1, -128, 2, 3, -128,
        4, 5 },
    [HD_AT2] = { -128, 6, 7, -128, 8, 9, -128, 10, 11, -128, 12, 13, -128, 14, 15, -128 },
    [HD_DASH0] = { 0, 0, '-', 0, 0, '-', 0, 0, '-', 0, 0, '-', 0, 0, '-', 0 },
    [HD_DASH1] = { 0, '-', 0, 0, '-', 0, 0, '-', 0, 0, '-', 0, 0, '-', 0, 0 },
    [HD_DASH2] = { '-', 0, 0, '-', 0, 0, '-', 0, 0, '-', 0, 0, '-', 0, 0, '-' },
};

__attribute__((target("ssse3"))) static inline __m128i
hd_shuf128(int k)
{
    return _mm_loadu_si128((const __m128i *)(const void *)fmt_hex_dash_shuf[k]);
}

/* The same in both 128-bit lanes. */
__attribute__((target("avx2"))) static inline __m256i
hd_shuf256(int k)
{
    return _mm256_broadcastsi128_si256(hd_shuf128(k));
}

/*
 * Sixteen bytes a round: their nibbles become digits by one table shuffle
 * each, and three more shuffles lay the 32 digits out with the dashes in
 * 48 bytes.  A sampled header is a third of a datagram's text; this is
 * three times faster than the table above.
 */
__attribute__((target("ssse3"))) static size_t
fmt_hex_dash_ssse3(char *o, const uint8_t *p, size_t n)
{
    const __m128i digits = hd_shuf128(HD_DIGITS), low = _mm_set1_epi8(0x0f);
    const __m128i at0 = hd_shuf128(HD_AT0), at1a = hd_shuf128(HD_AT1A);
    const __m128i at1b = hd_shuf128(HD_AT1B), at2 = hd_shuf128(HD_AT2);
    const __m128i dash0 = hd_shuf128(HD_DASH0), dash1 = hd_shuf128(HD_DASH1);
    const __m128i dash2 = hd_shuf128(HD_DASH2);
    size_t i;

    for (i = 0; i + 16 <= n; i += 16, o += 48) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i hi = _mm_shuffle_epi8(digits, _mm_and_si128(_mm_srli_epi16(v, 4), low));
        __m128i lo = _mm_shuffle_epi8(digits, _mm_and_si128(v, low));
        __m128i a = _mm_unpacklo_epi8(hi, lo);
        __m128i b = _mm_unpackhi_epi8(hi, lo);

        _mm_storeu_si128((__m128i *)(void *)o,
            _mm_or_si128(_mm_shuffle_epi8(a, at0), dash0));
        _mm_storeu_si128((__m128i *)(void *)(o + 16),
            _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(a, at1a), _mm_shuffle_epi8(b, at1b)),
            dash1));
        _mm_storeu_si128((__m128i *)(void *)(o + 32),
            _mm_or_si128(_mm_shuffle_epi8(b, at2), dash2));
    }
    return i;
}

/*
 * The same, 32 bytes a turn: each 128-bit lane does what the SSSE3 loop
 * does for its 16 bytes, and three lane permutes put the two 48-byte
 * results one after the other.
 */
__attribute__((target("avx2"))) static size_t
fmt_hex_dash_avx2(char *o, const uint8_t *p, size_t n)
{
    const __m256i digits = hd_shuf256(HD_DIGITS), low = _mm256_set1_epi8(0x0f);
    const __m256i at0 = hd_shuf256(HD_AT0), at1a = hd_shuf256(HD_AT1A);
    const __m256i at1b = hd_shuf256(HD_AT1B), at2 = hd_shuf256(HD_AT2);
    const __m256i dash0 = hd_shuf256(HD_DASH0), dash1 = hd_shuf256(HD_DASH1);
    const __m256i dash2 = hd_shuf256(HD_DASH2);
    size_t i;

    for (i = 0; i + 32 <= n; i += 32, o += 96) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
        __m256i hi = _mm256_shuffle_epi8(digits, _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
        __m256i lo = _mm256_shuffle_epi8(digits, _mm256_and_si256(v, low));
        __m256i a = _mm256_unpacklo_epi8(hi, lo);
        __m256i b = _mm256_unpackhi_epi8(hi, lo);
        /* Per lane: the 48 bytes of that lane's 16 input bytes, in three parts. */
        __m256i x = _mm256_or_si256(_mm256_shuffle_epi8(a, at0), dash0);
        __m256i y = _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(a, at1a),
            _mm256_shuffle_epi8(b, at1b)), dash1);
        __m256i z = _mm256_or_si256(_mm256_shuffle_epi8(b, at2), dash2);

        _mm256_storeu_si256((__m256i *)(void *)o, _mm256_permute2x128_si256(x, y, 0x20));
        _mm256_storeu_si256((__m256i *)(void *)(o + 32), _mm256_permute2x128_si256(z, x, 0x30));
        _mm256_storeu_si256((__m256i *)(void *)(o + 64), _mm256_permute2x128_si256(y, z, 0x31));
    }
    return i;
}
#endif

char *
fmt_hex_dash(char *o, const uint8_t *p, size_t n)
{
    size_t done = 0;

    if (n == 0)
        return o;
#ifdef FMT_HAVE_SSSE3
    size_t more;

    if (n >= 32 && __builtin_cpu_supports("avx2")) {
        done = fmt_hex_dash_avx2(o, p, n);
        o += 3 * done;
    }
    if (n - done >= 16 && __builtin_cpu_supports("ssse3")) {
        more = fmt_hex_dash_ssse3(o, p + done, n - done);
        o += 3 * more;
        done += more;
    }
#endif
    /* The last dash is the byte of slack. */
    return fmt_hex_dash_tail(o, p + done, n - done) - 1;
}
