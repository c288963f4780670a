// Mojibake repair, the part of ftfy's fix_encoding that prompts meet: UTF-8 that was decoded as
// Latin-1 or Windows-1252 ("cafÃ©", "donâ€™t"), and Latin-1 C1 controls meant as Windows-1252.
// ftfy's full badness heuristic and its rarer code pages (1250, 1251, MacRoman, cp437) are not
// reproduced; the detector below only fires on byte patterns that are valid UTF-8 lead/continuation runs.
#include "text/ftfy.h"

namespace easel::text {

namespace {

bool is_c1(char32_t c) { return c >= 0x80 && c <= 0x9F; }
bool is_cont(int b) { return b >= 0x80 && b <= 0xBF; }

// Decodes strict UTF-8 (no surrogates, no overlongs); false on any error.
bool decode_utf8_strict(const std::string& bytes, U32String& out) {
  out.clear();
  size_t i = 0, n = bytes.size();
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  while (i < n) {
    unsigned c = p[i];
    if (c < 0x80) { out.push_back(c); ++i; continue; }
    int len;
    char32_t v;
    if (c >= 0xC2 && c <= 0xDF) len = 2, v = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, v = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, v = c & 0x07;
    else return false;
    if (i + size_t(len) > n) return false;
    for (int k = 1; k < len; ++k) {
      if (!is_cont(p[i + size_t(k)])) return false;
      v = (v << 6) | (p[i + size_t(k)] & 0x3F);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF))
      return false;
    out.push_back(v);
    i += size_t(len);
  }
  return true;
}

// Length of a UTF-8 sequence that starts at s[i] when each character is read back as a
// Windows-1252 byte; 0 if there is none.
int mojibake_seq(const U32String& s, size_t i) {
  int b = cp1252_byte(s[i]);
  int len = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
  if (!len || i + size_t(len) > s.size()) return 0;
  std::string bytes(1, char(b));
  for (int k = 1; k < len; ++k) {
    int c = cp1252_byte(s[i + size_t(k)]);
    if (!is_cont(c)) return 0;
    bytes.push_back(char(c));
  }
  U32String tmp;
  return decode_utf8_strict(bytes, tmp) ? len : 0;
}

// Leads whose mojibake is common enough to fix even inside otherwise sound text: Latin-1 letters
// (C2, C3), punctuation/kana/common CJK (E2..E9) and emoji (F0). Other leads, e.g. Korean EA..ED
// in "Brontë…”", are left alone unless the whole text decodes.
bool common_lead(int lead) { return lead == 0xC2 || lead == 0xC3 || (lead >= 0xE2 && lead <= 0xE9) || lead == 0xF0; }

// Whether the text shows signs of mojibake: C1 controls, or a lead character followed by
// continuation characters that include a non-letter (the letters among Windows-1252's 0x80..0xBF
// are rare after a lead), stricter for three-byte leads outside the common ones.
bool is_bad(const U32String& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (is_c1(s[i])) return true;
    int len = mojibake_seq(s, i);
    if (!len) continue;
    int lead = cp1252_byte(s[i]);
    if (lead == 0xC2 || lead == 0xC3) return true;
    bool symbol = false;
    for (int k = 1; k < len; ++k) symbol |= !is_letter(s[i + size_t(k)]);
    if (symbol && (len == 2 || common_lead(lead))) return true;
  }
  return false;
}

bool encode_single_byte(const U32String& s, bool latin1, std::string& out) {
  out.clear();
  for (char32_t c : s) {
    int b = latin1 ? (c <= 0xFF ? int(c) : -1) : cp1252_byte(c);
    if (b < 0) return false;
    out.push_back(char(b));
  }
  return true;
}

U32String fix_one_step(const U32String& s) {
  bool ascii = true;
  for (char32_t c : s) ascii &= c < 0x80;
  if (ascii || !is_bad(s)) return s;
  std::string bytes;
  U32String fixed;
  bool possible_latin1 = false, possible_1252 = false;
  for (int latin1 = 1; latin1 >= 0; --latin1) {
    if (!encode_single_byte(s, latin1 != 0, bytes)) continue;
    (latin1 ? possible_latin1 : possible_1252) = true;
    if (decode_utf8_strict(bytes, fixed)) return fixed;
  }
  // Mixed text: fix each mojibake run on its own.
  U32String out;
  bool changed = false;
  for (size_t i = 0; i < s.size();) {
    int len = mojibake_seq(s, i);
    int lead = len ? cp1252_byte(s[i]) : 0;
    if (len && common_lead(lead)) {
      std::string b;
      for (int k = 0; k < len; ++k) b.push_back(char(cp1252_byte(s[i + size_t(k)])));
      U32String d;
      decode_utf8_strict(b, d);
      out += d;
      i += size_t(len);
      changed = true;
    } else {
      out.push_back(s[i++]);
    }
  }
  if (changed) return out;
  // Latin-1 that is not Windows-1252 holds C1 controls: read them as Windows-1252 when all are defined there.
  if (possible_latin1 && !possible_1252) {
    U32String r;
    for (char32_t c : s) {
      if (is_c1(c)) {
        char32_t m = cp1252_char(unsigned(c));
        if (m == c) return s;  // undefined in strict Windows-1252: ftfy's decode fails here
        c = m;
      }
      r.push_back(c);
    }
    return r;
  }
  return s;
}

}  // namespace

U32String fix_encoding(const U32String& s) {
  U32String cur = s;
  for (int i = 0; i < 16; ++i) {
    U32String next = fix_one_step(cur);
    if (next == cur) break;
    cur = std::move(next);
  }
  return cur;
}

}  // namespace easel::text
