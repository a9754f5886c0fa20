/*
 * fmt_simd: the one formatter where vector instructions pay, the sampled
 * header's hex dump ("AE-18-B0-..."): a third of a text datagram's bytes,
 * and seven instructions a byte in the scalar loop against under one
 * here (callgrind, tests/bench's capture: 134 M against 18 M instructions
 * of 940 M for the whole text output).  fmt.c's scalar loop is the
 * reference; test_fmt checks this against it on every machine.
 */
#include "fmt.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/*
 * The shuffles, per 16 bytes of input: the digits by nibble; where output
 * byte j of each 16 takes its digit, (j / 3) * 2 + j % 3 of the 32 (-128:
 * none); and the dashes at the other places.
 */
enum { HD_DIGITS, HD_AT0, HD_AT1A, HD_AT1B, HD_AT2, HD_DASH0, HD_DASH1, HD_DASH2, HD_N };
static const int8_t hd_shuf[HD_N][16] = {
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
hd_load(int k)
{
    return _mm_loadu_si128((const __m128i *)(const void *)hd_shuf[k]);
}

/*
 * Sixteen bytes a round: their nibbles become digits by one table shuffle
 * each, and three more shuffles lay the 32 digits out with the dashes in
 * 48 bytes.
 */
__attribute__((target("ssse3"))) static size_t
hex_dash_ssse3(char *o, const uint8_t *p, size_t n)
{
    const __m128i digits = hd_load(HD_DIGITS), low = _mm_set1_epi8(0x0f);
    const __m128i at0 = hd_load(HD_AT0), at1a = hd_load(HD_AT1A);
    const __m128i at1b = hd_load(HD_AT1B), at2 = hd_load(HD_AT2);
    const __m128i dash0 = hd_load(HD_DASH0), dash1 = hd_load(HD_DASH1);
    const __m128i dash2 = hd_load(HD_DASH2);
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

size_t
fmt_simd_hex_dash(char *o, const uint8_t *p, size_t n)
{
    if (n < 16 || !__builtin_cpu_supports("ssse3"))
        return 0;
    return hex_dash_ssse3(o, p, n);
}

#else

size_t
fmt_simd_hex_dash(char *o, const uint8_t *p, size_t n)
{
    (void)o, (void)p, (void)n;
    return 0;
}

#endif
