// ICU calls behind a header without ICU types (see include/recur_icu.h).
#include "recur_icu.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/udat.h>
#include <unicode/unorm2.h>
#include <unicode/unum.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

const char *recur_icu_error_name(int32_t code) { return u_errorName((UErrorCode)code); }

// UTF-8 → freshly allocated UTF-16. Returns NULL on failure (error in *status).
static UChar *to_utf16(const char *text, int32_t length, int32_t *outLength, UErrorCode *status) {
    int32_t needed = 0;
    UErrorCode probe = U_ZERO_ERROR;
    u_strFromUTF8(NULL, 0, &needed, text, length, &probe);
    if (probe != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(probe)) { *status = probe; return NULL; }
    UChar *buffer = (UChar *)malloc(sizeof(UChar) * (size_t)(needed + 1));
    if (!buffer) { *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    u_strFromUTF8(buffer, needed + 1, outLength, text, length, status);
    if (U_FAILURE(*status)) { free(buffer); return NULL; }
    return buffer;
}

// UTF-16 → UTF-8 into the caller's buffer; returns the bytes needed or -error.
static int32_t to_utf8(const UChar *text, int32_t length, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = 0;
    u_strToUTF8(out, capacity, &needed, text, length, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) return needed;
    if (U_FAILURE(status)) return -(int32_t)status;
    return needed;
}

int32_t recur_icu_normalize(int32_t form, const char *text, int32_t length, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *normalizer = NULL;
    switch (form) {
    case 0: normalizer = unorm2_getNFCInstance(&status); break;
    case 1: normalizer = unorm2_getNFKCInstance(&status); break;
    case 2: normalizer = unorm2_getNFDInstance(&status); break;
    default: normalizer = unorm2_getNFKDInstance(&status); break;
    }
    if (U_FAILURE(status)) return -(int32_t)status;
    int32_t sourceLength = 0;
    UChar *source = to_utf16(text, length, &sourceLength, &status);
    if (!source) return -(int32_t)status;
    int32_t capacity16 = sourceLength * 3 + 16;  // NFKC can expand; retried below if not enough
    UChar *normalized = (UChar *)malloc(sizeof(UChar) * (size_t)capacity16);
    int32_t normalizedLength = unorm2_normalize(normalizer, source, sourceLength, normalized, capacity16, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        status = U_ZERO_ERROR;
        free(normalized);
        capacity16 = normalizedLength + 1;
        normalized = (UChar *)malloc(sizeof(UChar) * (size_t)capacity16);
        normalizedLength = unorm2_normalize(normalizer, source, sourceLength, normalized, capacity16, &status);
    }
    free(source);
    int32_t result = U_FAILURE(status) ? -(int32_t)status : to_utf8(normalized, normalizedLength, out, capacity);
    free(normalized);
    return result;
}

int32_t recur_icu_word_boundaries(const char *locale, const char *text, int32_t length,
                                  int32_t *offsets, int32_t *statuses, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t length16 = 0;
    UChar *text16 = to_utf16(text, length, &length16, &status);
    if (!text16) return -(int32_t)status;
    UBreakIterator *iterator = ubrk_open(UBRK_WORD, locale, text16, length16, &status);
    if (U_FAILURE(status)) { free(text16); return -(int32_t)status; }

    // Walk UTF-16 boundaries and the UTF-8 offsets alongside: each UTF-16 unit maps to 1–3
    // bytes, and a surrogate pair to 4.
    int32_t count = 0, position16 = 0, position8 = 0;
    for (int32_t boundary = ubrk_first(iterator); boundary != UBRK_DONE; boundary = ubrk_next(iterator)) {
        while (position16 < boundary) {
            UChar unit = text16[position16];
            if (U16_IS_LEAD(unit) && position16 + 1 < length16 && U16_IS_TRAIL(text16[position16 + 1])) {
                position8 += 4; position16 += 2;
            } else {
                position8 += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3; position16 += 1;
            }
        }
        if (count < capacity) {
            offsets[count] = position8;
            statuses[count] = ubrk_getRuleStatus(iterator);
        }
        count++;
    }
    ubrk_close(iterator);
    free(text16);
    return count;
}

int32_t recur_icu_script(uint32_t codePoint) {
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript((UChar32)codePoint, &status);
    return U_FAILURE(status) ? 0 : (int32_t)script;
}

int32_t recur_icu_general_category(uint32_t codePoint) { return (int32_t)u_charType((UChar32)codePoint); }

int32_t recur_icu_lowercase(const char *locale, const char *text, int32_t length, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t length16 = 0;
    UChar *text16 = to_utf16(text, length, &length16, &status);
    if (!text16) return -(int32_t)status;
    int32_t capacity16 = length16 * 2 + 16;
    UChar *lower = (UChar *)malloc(sizeof(UChar) * (size_t)capacity16);
    int32_t lowerLength = u_strToLower(lower, capacity16, text16, length16, locale, &status);
    free(text16);
    int32_t result = U_FAILURE(status) ? -(int32_t)status : to_utf8(lower, lowerLength, out, capacity);
    free(lower);
    return result;
}

int32_t recur_icu_spellout(const char *locale, int64_t number, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UNumberFormat *format = unum_open(UNUM_SPELLOUT, NULL, 0, locale, NULL, &status);
    if (U_FAILURE(status)) return -(int32_t)status;
    UChar buffer[512];
    int32_t length = unum_formatInt64(format, number, buffer, 512, NULL, &status);
    unum_close(format);
    if (U_FAILURE(status)) return -(int32_t)status;
    return to_utf8(buffer, length, out, capacity);
}

int32_t recur_icu_format_date(const char *locale, double millis, int32_t style, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    static const UChar utc[] = {'U', 'T', 'C', 0};
    UDateFormat *format = udat_open(UDAT_NONE, (UDateFormatStyle)style, locale, utc, -1, NULL, 0, &status);
    if (U_FAILURE(status)) return -(int32_t)status;
    UChar buffer[512];
    int32_t length = udat_format(format, millis, buffer, 512, NULL, &status);
    udat_close(format);
    if (U_FAILURE(status)) return -(int32_t)status;
    return to_utf8(buffer, length, out, capacity);
}

struct recur_icu_word_breaker {
    UBreakIterator *iterator;
    UText *text;  // reused: utext_openUTF8 re-initialises it in place
};

recur_icu_word_breaker *recur_icu_word_breaker_open(const char *locale, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *iterator = ubrk_open(UBRK_WORD, locale, NULL, 0, &status);
    if (U_FAILURE(status)) { *error = -(int32_t)status; return NULL; }
    recur_icu_word_breaker *breaker = (recur_icu_word_breaker *)calloc(1, sizeof *breaker);
    if (!breaker) { ubrk_close(iterator); *error = -(int32_t)U_MEMORY_ALLOCATION_ERROR; return NULL; }
    breaker->iterator = iterator;
    *error = 0;
    return breaker;
}

void recur_icu_word_breaker_close(recur_icu_word_breaker *breaker) {
    if (!breaker) return;
    ubrk_close(breaker->iterator);
    if (breaker->text) utext_close(breaker->text);
    free(breaker);
}

int32_t recur_icu_word_breaker_boundaries(recur_icu_word_breaker *breaker, const char *text,
                                          int32_t length, int32_t *offsets, int32_t *statuses,
                                          int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    breaker->text = utext_openUTF8(breaker->text, text, length, &status);
    if (U_FAILURE(status)) return -(int32_t)status;
    ubrk_setUText(breaker->iterator, breaker->text, &status);
    if (U_FAILURE(status)) return -(int32_t)status;
    int32_t count = 0;
    for (int32_t boundary = ubrk_first(breaker->iterator); boundary != UBRK_DONE;
         boundary = ubrk_next(breaker->iterator)) {
        if (count < capacity) {
            offsets[count] = boundary;
            statuses[count] = ubrk_getRuleStatus(breaker->iterator);
        }
        count++;
    }
    return count;
}
