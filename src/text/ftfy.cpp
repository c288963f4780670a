// ftfy 6 `fix_text` for prompts: segments end after '\n'; HTML unescaping is switched off from the
// first segment containing '<'; each segment repeats the fixer round until it is stable.
#include "text/ftfy.h"

#include <algorithm>
#include <cstring>

namespace easel::text {

namespace {

struct Entity {
  const char* name;  // without the leading '&', with the trailing ';'
  const char* value;
};
constexpr Entity kEntities[] = {
#include "text/html_entities.inc"
};

bool is_alnum_ascii(char32_t c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// html.unescape() of one numeric reference "&#...;" (Python's rules for invalid code points).
bool numeric_reference(const U32String& body, U32String& out) {
  // body is what follows "&#", without the ';'.
  bool hex = !body.empty() && (body[0] == 'x' || body[0] == 'X');
  size_t start = hex ? 1 : 0;
  if (body.size() <= start) return false;
  unsigned long long v = 0;
  bool big = false;
  for (size_t i = start; i < body.size(); ++i) {
    char32_t c = body[i];
    int d;
    if (c >= '0' && c <= '9') d = int(c - '0');
    else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = int((c | 0x20) - 'a' + 10);
    else return false;
    v = v * (hex ? 16 : 10) + unsigned(d);
    if (v > 0x10FFFFull) big = true, v = 0x110000;
  }
  out.clear();
  if (v == 0) { out.push_back(0xFFFD); return true; }
  if (v == 0x0D) { out.push_back('\r'); return true; }
  if (v >= 0x80 && v <= 0x9F) {
    char32_t c = cp1252_char(unsigned(v));
    out.push_back(c);
    return true;
  }
  if (big || (v >= 0xD800 && v <= 0xDFFF)) { out.push_back(0xFFFD); return true; }
  if ((v >= 0x1 && v <= 0x8) || (v >= 0xE && v <= 0x1F) || (v >= 0x7F && v <= 0x9F) || (v >= 0xFDD0 && v <= 0xFDEF) ||
      v == 0xB || (v & 0xFFFE) == 0xFFFE)
    return true;  // Python drops these
  out.push_back(char32_t(v));
  return true;
}

const char* lookup_entity(const std::string& name) {
  auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                             [](const Entity& e, const std::string& n) { return std::strcmp(e.name, n.c_str()) < 0; });
  if (it != std::end(kEntities) && name == it->name) return it->value;
  return nullptr;
}

char32_t ligature(char32_t c, const char32_t*& rep) {
  static const char32_t ff[] = U"ff", fi[] = U"fi", fl[] = U"fl", ffi[] = U"ffi", ffl[] = U"ffl", st_long[] = U"\u017Ft",
                        st[] = U"st", IJ[] = U"IJ", ij[] = U"ij", n_apos[] = U"\u02BCn", DZ[] = U"DZ", Dz[] = U"Dz",
                        dz[] = U"dz", DZc[] = U"D\u017D", Dzc[] = U"D\u017E", dzc[] = U"d\u017E", LJ[] = U"LJ",
                        Lj[] = U"Lj", lj[] = U"lj", NJ[] = U"NJ", Nj[] = U"Nj", nj[] = U"nj";
  switch (c) {
    case 0xFB00: rep = ff; return 1;
    case 0xFB01: rep = fi; return 1;
    case 0xFB02: rep = fl; return 1;
    case 0xFB03: rep = ffi; return 1;
    case 0xFB04: rep = ffl; return 1;
    case 0xFB05: rep = st_long; return 1;
    case 0xFB06: rep = st; return 1;
    case 0x132: rep = IJ; return 1;
    case 0x133: rep = ij; return 1;
    case 0x149: rep = n_apos; return 1;
    case 0x1F1: rep = DZ; return 1;
    case 0x1F2: rep = Dz; return 1;
    case 0x1F3: rep = dz; return 1;
    case 0x1C4: rep = DZc; return 1;
    case 0x1C5: rep = Dzc; return 1;
    case 0x1C6: rep = dzc; return 1;
    case 0x1C7: rep = LJ; return 1;
    case 0x1C8: rep = Lj; return 1;
    case 0x1C9: rep = lj; return 1;
    case 0x1CA: rep = NJ; return 1;
    case 0x1CB: rep = Nj; return 1;
    case 0x1CC: rep = nj; return 1;
    default: return 0;
  }
}

bool is_removed_control(char32_t c) {
  return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || (c >= 0x206A && c <= 0x206F) ||
         c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
}

// One pass over the character-level fixers (C1 controls .. control characters), in ftfy's order.
U32String fix_chars(const U32String& in) {
  U32String a;
  a.reserve(in.size());
  // fix_c1_controls, fix_latin_ligatures, fix_character_width, uncurl_quotes: all per character.
  for (char32_t c : in) {
    if (c >= 0x80 && c <= 0x9F) c = cp1252_char(unsigned(c));
    const char32_t* rep = nullptr;
    if (ligature(c, rep)) {
      for (; *rep; ++rep) a.push_back(*rep);
      continue;
    }
    if (c >= 0xFF01 && c <= 0xFFEF) {
      U32String k = nfkc(U32String(1, c));
      for (char32_t x : k) {
        if (x == 0x2BC || (x >= 0x2018 && x <= 0x201B)) x = '\'';
        else if (x >= 0x201C && x <= 0x201F) x = '"';
        a.push_back(x);
      }
      continue;
    }
    if (c == 0x3000) c = ' ';
    if (c == 0x2BC || (c >= 0x2018 && c <= 0x201B)) c = '\'';
    else if (c >= 0x201C && c <= 0x201F) c = '"';
    a.push_back(c);
  }
  // fix_line_breaks
  U32String b;
  b.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    char32_t c = a[i];
    if (c == '\r') {
      if (i + 1 < a.size() && a[i + 1] == '\n') ++i;
      c = '\n';
    } else if (c == 0x2028 || c == 0x2029 || c == 0x85) {
      c = '\n';
    }
    b.push_back(c);
  }
  // remove_terminal_escapes: ESC '[' [0-9;]* [A-Za-z]
  U32String d;
  d.reserve(b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    if (b[i] == 0x1B && i + 1 < b.size() && b[i + 1] == '[') {
      size_t j = i + 2;
      while (j < b.size() && (is_decimal(b[j]) || b[j] == ';')) ++j;
      if (j < b.size() && b[j] < 0x80 && ((b[j] | 0x20) >= 'a' && (b[j] | 0x20) <= 'z')) {
        i = j;
        continue;
      }
    }
    d.push_back(b[i]);
  }
  // remove_control_chars
  U32String e;
  e.reserve(d.size());
  for (char32_t c : d)
    if (!is_removed_control(c)) e.push_back(c);
  return e;
}

U32String fix_segment(U32String text, bool entities) {
  for (int round = 0; round < 64; ++round) {  // ftfy loops until stable; the cap only guards pathologies
    U32String orig = text;
    if (entities) text = unescape_html(text);
    text = fix_encoding(text);
    text = nfc(fix_chars(text));
    if (text == orig) break;
  }
  return text;
}

}  // namespace

char32_t cp1252_char(unsigned b) {
  static const char16_t hi[32] = {0x20AC, 0x81,   0x201A, 0x192,  0x201E, 0x2026, 0x2020, 0x2021,
                                  0x2C6,  0x2030, 0x160,  0x2039, 0x152,  0x8D,   0x17D,  0x8F,
                                  0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                  0x2DC,  0x2122, 0x161,  0x203A, 0x153,  0x9D,   0x17E,  0x178};
  if (b >= 0x80 && b <= 0x9F) return hi[b - 0x80];
  return char32_t(b);
}

int cp1252_byte(char32_t c) {
  if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) return int(c);
  for (unsigned b = 0x80; b <= 0x9F; ++b)
    if (cp1252_char(b) == c) return int(b);
  return -1;
}

U32String unescape_html(const U32String& s) {
  U32String out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    // &#?[0-9A-Za-z]{1,24};
    size_t j = i + 1;
    bool hash = j < s.size() && s[j] == '#';
    size_t k = hash ? j + 1 : j;
    size_t m = k;
    while (m < s.size() && m - k < 25 && is_alnum_ascii(s[m])) ++m;
    if (m > k && m - k <= 24 && m < s.size() && s[m] == ';') {
      U32String body(s.begin() + long(k), s.begin() + long(m));
      U32String rep;
      std::string name = (hash ? "#" : "") + utf8_encode(body) + ";";
      if (const char* v = lookup_entity(name)) {
        U32String r = utf8_decode(v);
        out += r;
        i = m + 1;
        continue;
      }
      if (hash && numeric_reference(body, rep)) {
        out += rep;
        i = m + 1;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

U32String fix_text(const U32String& text) {
  // Fast path: printable ASCII without entities or control characters is left as it is.
  bool plain = true;
  for (char32_t c : text)
    if (c >= 0x7F || (c < 0x20 && c != '\n' && c != '\t') || c == '&') {
      plain = false;
      break;
    }
  if (plain) return text;

  U32String out;
  bool entities = true;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find(U'\n', pos);
    size_t end = nl == U32String::npos ? text.size() : nl + 1;
    U32String seg = text.substr(pos, end - pos);
    if (entities && seg.find(U'<') != U32String::npos) entities = false;
    out += fix_segment(std::move(seg), entities);
    pos = end;
  }
  return out;
}

}  // namespace easel::text
