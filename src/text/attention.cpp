// parse_prompt_attention, hand-compiled from webui's re_attention alternation (Python `re` on str,
// so \s, \d and \b are Unicode-aware) and its BREAK splitter.
#include "text/attention.h"

#include "core/error.h"
#include "text/py_number.h"
#include "text/utf8.h"

namespace easel::text {

namespace {

// re.split(r"\s*\bBREAK\b\s*", s): appends the parts with BREAK pieces between them.
void append_with_breaks(const U32String& s, std::vector<WeightedText>& res) {
  static const U32String kBreak = U"BREAK";
  size_t part = 0, i = 0, n = s.size();
  while (i < n) {
    size_t j = i;
    while (j < n && py_isspace(s[j])) ++j;
    bool ok = s.compare(j, 5, kBreak) == 0 && (j == 0 || !py_is_word(s[j - 1])) && (j + 5 == n || !py_is_word(s[j + 5]));
    if (!ok) {
      ++i;
      continue;
    }
    size_t k = j + 5;
    while (k < n && py_isspace(s[k])) ++k;
    res.push_back({utf8_encode(std::u32string_view(s).substr(part, i - part)), 1.0});
    res.push_back({"BREAK", -1.0});
    part = i = k;
  }
  res.push_back({utf8_encode(std::u32string_view(s).substr(part)), 1.0});
}

bool special(char32_t c) { return c == '\\' || c == '(' || c == ')' || c == '[' || c == ']' || c == ':'; }

}  // namespace

std::vector<WeightedText> parse_prompt_attention(const std::string& text_utf8) {
  const U32String s = utf8_decode(text_utf8);
  std::vector<WeightedText> res;
  std::vector<size_t> round, square;
  auto multiply_range = [&](size_t start, double m) {
    for (size_t p = start; p < res.size(); ++p) res[p].weight *= m;
  };
  const double round_mult = 1.1, square_mult = 1 / 1.1;
  size_t i = 0, n = s.size();
  while (i < n) {
    char32_t c = s[i];
    if (c == '\\') {
      // \( \) \[ \] \\ give the literal character; a lone backslash gives an empty piece.
      if (i + 1 < n && (s[i + 1] == '(' || s[i + 1] == ')' || s[i + 1] == '[' || s[i + 1] == ']' || s[i + 1] == '\\')) {
        res.push_back({utf8_encode(std::u32string_view(s).substr(i + 1, 1)), 1.0});
        i += 2;
      } else {
        res.push_back({"", 1.0});
        i += 1;
      }
      continue;
    }
    if (c == '(') {
      round.push_back(res.size());
      ++i;
      continue;
    }
    if (c == '[') {
      square.push_back(res.size());
      ++i;
      continue;
    }
    if (c == ':') {
      // :\s*([+-]?[.\d]+)\s*\)
      size_t j = i + 1;
      while (j < n && py_isspace(s[j])) ++j;
      size_t w0 = j;
      if (j < n && (s[j] == '+' || s[j] == '-')) ++j;
      size_t d0 = j;
      while (j < n && (s[j] == '.' || is_decimal(s[j]))) ++j;
      size_t w1 = j;
      while (j < n && py_isspace(s[j])) ++j;
      if (w1 > d0 && j < n && s[j] == ')') {
        if (!round.empty()) {
          U32String w = s.substr(w0, w1 - w0);
          auto v = py_float(w);
          if (!v) fail("prompt: could not convert string to float: '{}' (attention weight in \"{}\")", utf8_encode(w), text_utf8);
          multiply_range(round.back(), *v);
          round.pop_back();
        } else {
          append_with_breaks(s.substr(i, j + 1 - i), res);
        }
        i = j + 1;
        continue;
      }
      append_with_breaks(U":", res);
      ++i;
      continue;
    }
    if (c == ')' && !round.empty()) {
      multiply_range(round.back(), round_mult);
      round.pop_back();
      ++i;
      continue;
    }
    if (c == ']' && !square.empty()) {
      multiply_range(square.back(), square_mult);
      square.pop_back();
      ++i;
      continue;
    }
    if (c == ')' || c == ']') {
      append_with_breaks(U32String(1, c), res);
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && !special(s[j])) ++j;
    append_with_breaks(s.substr(i, j - i), res);
    i = j;
  }
  for (size_t p : round) multiply_range(p, round_mult);
  for (size_t p : square) multiply_range(p, square_mult);
  if (res.empty()) res.push_back({"", 1.0});
  for (size_t k = 0; k + 1 < res.size();) {
    if (res[k].weight == res[k + 1].weight) {
      res[k].text += res[k + 1].text;
      res.erase(res.begin() + long(k) + 1);
    } else {
      ++k;
    }
  }
  return res;
}

}  // namespace easel::text
