// Text repair as transformers' CLIPTokenizer runs it through ftfy 6 `fix_text` (default settings):
// HTML entities, mojibake, C1 controls, ligatures, full-width forms, quotes, line breaks, controls, NFC.
#pragma once
#include "text/utf8.h"

namespace easel::text {

// The whole of ftfy.fix_text(text): line-by-line segments, each fixed until it stops changing.
U32String fix_text(const U32String& text);

// Individual steps, exposed for tests.
U32String unescape_html(const U32String& s);
U32String fix_encoding(const U32String& s);  // mojibake repair (subset of ftfy's; see mojibake.cpp)
char32_t cp1252_char(unsigned byte);          // sloppy Windows-1252: undefined bytes map to U+0080+n
int cp1252_byte(char32_t c);                  // inverse of cp1252_char, -1 when not encodable

}  // namespace easel::text
