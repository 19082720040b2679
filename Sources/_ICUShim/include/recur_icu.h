// Recur's window on ICU. Only plain C types cross this header: Swift modules import it
// without seeing ICU's own headers (which clash with Foundation's private ICU copy).
//
// Strings are UTF-8. Functions that produce text write into a caller buffer and return the
// number of bytes needed (excluding the terminating NUL); when that is >= the capacity the
// caller retries with a larger buffer. A negative return value is an ICU error code, negated;
// `recur_icu_error_name` turns it into a readable name.
#ifndef RECUR_ICU_H
#define RECUR_ICU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The name of an ICU error code (as returned negated by the functions below).
const char *recur_icu_error_name(int32_t code);

/// Unicode normalisation. `form`: 0 = NFC, 1 = NFKC, 2 = NFD, 3 = NFKD.
int32_t recur_icu_normalize(int32_t form, const char *text, int32_t length,
                            char *out, int32_t capacity);

/// Word boundaries (UAX #29 with ICU's dictionaries for Thai, CJK, ...) of `text` for
/// `locale` (e.g. "en", "th", "" for root). Writes up to `capacity` byte offsets of the
/// boundaries (0 and `length` included) to `offsets` and, for the segment that ends at each
/// boundary, ICU's rule status (word kind: 0 none/punctuation/space, 100 number, 200 letter,
/// 300 kana, 400 ideograph) to `statuses`. Returns the number of boundaries.
int32_t recur_icu_word_boundaries(const char *locale, const char *text, int32_t length,
                                  int32_t *offsets, int32_t *statuses, int32_t capacity);

/// The Unicode script code (ICU's UScriptCode) of a code point; 0 common, 1 inherited.
int32_t recur_icu_script(uint32_t codePoint);

/// ICU's general category (UCharCategory) of a code point.
int32_t recur_icu_general_category(uint32_t codePoint);

/// Lower-case a string by the rules of `locale`.
int32_t recur_icu_lowercase(const char *locale, const char *text, int32_t length,
                            char *out, int32_t capacity);

/// `number` spelled out in words by ICU's rule-based number format for `locale`
/// ("en": 42 → "forty-two", "de": 42 → "zweiundvierzig").
int32_t recur_icu_spellout(const char *locale, int64_t number, char *out, int32_t capacity);

/// A date (`millis` since 1970-01-01 UTC, formatted in UTC) in `locale`'s format of the
/// given style: 0 full, 1 long, 2 medium, 3 short (ICU's UDateFormatStyle).
int32_t recur_icu_format_date(const char *locale, double millis, int32_t style,
                              char *out, int32_t capacity);

/// A reusable UAX #29 word break iterator for one locale. Opening an ICU break iterator
/// loads its rules and dictionaries, which costs far more than segmenting one line, so the
/// tokenizer opens one and feeds it line after line. Not thread-safe: one per thread.
typedef struct recur_icu_word_breaker recur_icu_word_breaker;

/// Opens a word breaker for `locale` ("" for root). Returns NULL and sets `*error` (an ICU
/// error code, negated) on failure.
recur_icu_word_breaker *recur_icu_word_breaker_open(const char *locale, int32_t *error);

/// Closes a breaker opened by `recur_icu_word_breaker_open`.
void recur_icu_word_breaker_close(recur_icu_word_breaker *breaker);

/// Word boundaries of UTF-8 `text`, as `recur_icu_word_boundaries` but without converting
/// to UTF-16: ICU reads the UTF-8 directly, so the offsets are UTF-8 byte offsets.
int32_t recur_icu_word_breaker_boundaries(recur_icu_word_breaker *breaker, const char *text,
                                          int32_t length, int32_t *offsets, int32_t *statuses,
                                          int32_t capacity);

#ifdef __cplusplus
}
#endif
#endif
