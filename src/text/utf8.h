// UTF-8 <-> code point conversion and the few Unicode predicates the text path needs (from utf8proc).
// Invalid UTF-8 decodes to U+FFFD, like Python's errors="replace".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace easel::text {

using U32String = std::u32string;

U32String utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view s);
void utf8_append(std::string& out, char32_t c);

// Python str.isspace() (used by `re` \s on str patterns; includes U+001C..U+001F).
bool py_isspace(char32_t c);
// Unicode White_Space property (the `regex` module's \s).
bool is_white_space(char32_t c);
bool is_letter(char32_t c);   // general category L*
bool is_number(char32_t c);   // general category N*
bool is_decimal(char32_t c);  // general category Nd (Python \d)
int decimal_value(char32_t c);  // 0..9 for Nd characters, -1 otherwise
// Python's \w for str patterns: letters, numbers (isalnum) and underscore.
bool py_is_word(char32_t c);

// Unicode normalisation through utf8proc.
U32String nfc(const U32String& s);
U32String nfkc(const U32String& s);

// Python str.lower(): full lower-case mapping including U+0130 and the final-sigma rule.
U32String py_lower(const U32String& s);

}  // namespace easel::text
