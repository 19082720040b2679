// ICU's C API (Debian: libicu-dev; pkg-config `icu-i18n`). Imported only by the C target
// `_ICUShim`: no Swift module may import these headers (see Package.swift).
#include <unicode/utypes.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/unum.h>
#include <unicode/udat.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
