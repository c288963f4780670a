// Hand-written equivalent of transformers' CLIP pattern
//   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
// (regex module, IGNORECASE), with a byte-level fast path for plain ASCII prompts.
#include "text/clip_split.h"

#include "text/ftfy.h"
#include "text/utf8.h"

namespace easel::text {

namespace {

// Simple case folding of the characters that fold onto the ASCII letters the pattern mentions.
char32_t fold(char32_t c) {
  if (c == 0x17F) return 's';
  if (c == 0x212A) return 'k';
  return c;
}

// Length of a match of one of the literal alternatives at s[i], or 0.
template <typename S>
size_t literal_at(const S& s, size_t i) {
  static const char* const lits[] = {"<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
  for (const char* lit : lits) {
    size_t k = 0;
    for (; lit[k]; ++k)
      if (i + k >= s.size() || fold(char32_t(s[i + k])) != char32_t(lit[k])) break;
    if (!lit[k]) return k;
  }
  return 0;
}

enum Kind { Space, Letter, Number, Other };

Kind kind_ascii(unsigned char c) {
  if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return Space;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return Letter;
  if (c >= '0' && c <= '9') return Number;
  return Other;
}

Kind kind(char32_t c) {
  if (c < 0x80) return kind_ascii((unsigned char)c);
  if (is_white_space(c)) return Space;
  if (is_letter(c)) return Letter;
  if (is_number(c)) return Number;
  return Other;
}

template <typename S, typename KindFn, typename Emit>
void split(const S& s, KindFn kf, Emit emit) {
  size_t i = 0, n = s.size();
  while (i < n) {
    Kind k = kf(s[i]);
    if (k == Space) {
      ++i;
      continue;
    }
    size_t lit = s[i] == '<' || s[i] == '\'' ? literal_at(s, i) : 0;
    size_t j = i + 1;
    if (lit) j = i + lit;
    else if (k == Letter) while (j < n && kf(s[j]) == Letter) ++j;
    else if (k == Other) while (j < n && kf(s[j]) == Other) ++j;
    emit(i, j);
    i = j;
  }
}

// Plain printable ASCII (plus tab/newline/CR/FF) is untouched by ftfy.
bool ascii_fast(std::string_view t) {
  for (unsigned char c : t)
    if (c >= 0x7F || c == '&' || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')) return false;
  return true;
}

}  // namespace

void clip_split(std::string_view text, const std::function<void(std::string_view)>& word) {
  if (ascii_fast(text)) {
    // Whitespace clean and strip do not change the split (spaces only separate), so lower-case and go.
    char buf[256];
    std::string big;
    char* low = buf;
    if (text.size() > sizeof(buf)) {
      big.resize(text.size());
      low = big.data();
    }
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      low[i] = c >= 'A' && c <= 'Z' ? char(c + 32) : c;
    }
    std::string_view s(low, text.size());
    split(s, [](char c) { return kind_ascii((unsigned char)c); },
          [&](size_t a, size_t b) { word(s.substr(a, b - a)); });
    return;
  }
  U32String u = fix_text(utf8_decode(text));
  // whitespace_clean: runs of \s become one space; then strip. Spaces never join pieces, so only
  // the lower-casing needs the cleaned string (final sigma looks at neighbours across spaces).
  U32String cleaned;
  cleaned.reserve(u.size());
  bool pending = false;
  for (char32_t c : u) {
    if (is_white_space(c)) {
      pending = !cleaned.empty();
      continue;
    }
    if (pending) cleaned.push_back(' ');
    pending = false;
    cleaned.push_back(c);
  }
  U32String low = py_lower(cleaned);
  std::string piece;
  split(low, kind, [&](size_t a, size_t b) {
    piece = utf8_encode(std::u32string_view(low).substr(a, b - a));
    word(piece);
  });
}

}  // namespace easel::text
