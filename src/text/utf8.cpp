// UTF-8 conversion, Unicode predicates and normalisation, all backed by utf8proc's tables.
#include "text/utf8.h"

#include <utf8proc.h>

#include <cstdlib>

namespace easel::text {

U32String utf8_decode(std::string_view s) {
  U32String out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t n = utf8proc_ssize_t(s.size()), i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      out.push_back(p[i++]);
      continue;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate(p + i, n - i, &c);
    if (k <= 0) {
      out.push_back(0xFFFD);
      ++i;
    } else {
      out.push_back(char32_t(c));
      i += k;
    }
  }
  return out;
}

void utf8_append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(char(c));
  } else if (c < 0x800) {
    out.push_back(char(0xC0 | (c >> 6)));
    out.push_back(char(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(char(0xE0 | (c >> 12)));
    out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(char(0x80 | (c & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (c >> 18)));
    out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(char(0x80 | (c & 0x3F)));
  }
}

std::string utf8_encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) utf8_append(out, c);
  return out;
}

static utf8proc_category_t cat(char32_t c) { return utf8proc_category(utf8proc_int32_t(c)); }

bool is_white_space(char32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

bool py_isspace(char32_t c) {
  if (c >= 0x1C && c <= 0x1F) return true;  // bidi class B/S, which Python counts as space
  return is_white_space(c);
}

bool is_letter(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  auto k = cat(c);
  return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

bool is_number(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  auto k = cat(c);
  return k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO;
}

bool is_decimal(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return cat(c) == UTF8PROC_CATEGORY_ND;
}

int decimal_value(char32_t c) {
  if (c >= '0' && c <= '9') return int(c - '0');
  if (!is_decimal(c)) return -1;
  U32String k = nfkc(U32String(1, c));
  if (k.size() == 1 && k[0] >= '0' && k[0] <= '9') return int(k[0] - '0');
  // Decimal digits come in contiguous runs of ten starting at a code point whose NFKD is not
  // necessarily '0', so the value is found by walking back to the start of the run.
  int v = 0;
  while (v < 9 && is_decimal(c - 1)) {
    --c;
    ++v;
  }
  return v;
}

bool py_is_word(char32_t c) { return c == '_' || is_letter(c) || is_number(c); }

static U32String normalize(const U32String& s, int options) {
  bool ascii = true;
  for (char32_t c : s) ascii &= c < 0x80;
  if (ascii) return s;
  std::string u = utf8_encode(s);
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(u.data()), utf8proc_ssize_t(u.size()),
                                    &out, utf8proc_option_t(options));
  if (n < 0) return s;
  U32String r = utf8_decode(std::string_view(reinterpret_cast<char*>(out), size_t(n)));
  std::free(out);
  return r;
}

U32String nfc(const U32String& s) { return normalize(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE); }
U32String nfkc(const U32String& s) { return normalize(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT); }

// Unicode "Cased" and "Case_Ignorable" approximated from the general category and case mappings,
// which is all the final-sigma rule needs.
static bool is_cased(char32_t c) {
  auto k = cat(c);
  if (k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL || k == UTF8PROC_CATEGORY_LT) return true;
  return utf8proc_tolower(utf8proc_int32_t(c)) != utf8proc_int32_t(c) ||
         utf8proc_toupper(utf8proc_int32_t(c)) != utf8proc_int32_t(c);
}
static bool is_case_ignorable(char32_t c) {
  if (c == '\'' || c == '.' || c == ':' || c == 0xB7 || c == 0x2019 || c == 0x2018 || c == 0x2024 || c == 0xAD ||
      c == 0x5F4 || c == 0x2027 || c == 0xFE13 || c == 0xFE52 || c == 0xFE55 || c == 0xFF07 || c == 0xFF0E ||
      c == 0xFF1A)
    return true;
  auto k = cat(c);
  return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_ME || k == UTF8PROC_CATEGORY_CF ||
         k == UTF8PROC_CATEGORY_LM || k == UTF8PROC_CATEGORY_SK;
}

U32String py_lower(const U32String& s) {
  U32String out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char32_t c = s[i];
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
    } else if (c == 0x130) {  // the one unconditional multi-character lower-case mapping
      out.push_back('i');
      out.push_back(0x307);
    } else if (c == 0x3A3) {
      // Final sigma: preceded by a cased letter and not followed by one (skipping case-ignorables).
      bool before = false, after = false;
      for (size_t j = i; j-- > 0;) {
        if (is_case_ignorable(s[j])) continue;
        before = is_cased(s[j]);
        break;
      }
      for (size_t j = i + 1; j < s.size(); ++j) {
        if (is_case_ignorable(s[j])) continue;
        after = is_cased(s[j]);
        break;
      }
      out.push_back(before && !after ? 0x3C2 : 0x3C3);
    } else {
      out.push_back(char32_t(utf8proc_tolower(utf8proc_int32_t(c))));
    }
  }
  return out;
}

}  // namespace easel::text
