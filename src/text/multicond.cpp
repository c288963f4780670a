// AND splitting (Python `re`, Unicode \b) and the re_weight suffix
//   ^((?:\s|.)*?)(?:\s*:\s*([-+]?(?:\d+\.?|\d*\.\d+)))?\s*$
// evaluated by hand: the lazy group takes the shortest prefix whose remainder fits the tail.
#include "text/multicond.h"

#include <map>

#include "core/error.h"
#include "text/py_number.h"
#include "text/utf8.h"

namespace easel::text {

std::vector<std::string> split_on_and(const std::string& prompt) {
  U32String s = utf8_decode(prompt);
  std::vector<std::string> parts;
  size_t part = 0, i = 0, n = s.size();
  while (i + 3 <= n) {
    if (s[i] == 'A' && s[i + 1] == 'N' && s[i + 2] == 'D' && (i == 0 || !py_is_word(s[i - 1])) &&
        (i + 3 == n || !py_is_word(s[i + 3]))) {
      parts.push_back(utf8_encode(std::u32string_view(s).substr(part, i - part)));
      i += 3;
      part = i;
    } else {
      ++i;
    }
  }
  parts.push_back(utf8_encode(std::u32string_view(s).substr(part)));
  return parts;
}

namespace {

// Whether s[a..] is \s* : \s* NUMBER \s* to the end; the number's span goes to num.
bool weight_tail(const U32String& s, size_t a, size_t& n0, size_t& n1) {
  size_t i = a, n = s.size();
  while (i < n && py_isspace(s[i])) ++i;
  if (i >= n || s[i] != ':') return false;
  ++i;
  while (i < n && py_isspace(s[i])) ++i;
  n0 = i;
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  size_t d0 = i;
  while (i < n && is_decimal(s[i])) ++i;
  size_t int_digits = i - d0;
  if (i < n && s[i] == '.') {
    ++i;
    size_t f0 = i;
    while (i < n && is_decimal(s[i])) ++i;
    if (int_digits == 0 && i == f0) return false;
  } else if (int_digits == 0) {
    return false;
  }
  n1 = i;
  while (i < n && py_isspace(s[i])) ++i;
  return i == n;
}

bool all_space(const U32String& s, size_t a) {
  for (size_t i = a; i < s.size(); ++i)
    if (!py_isspace(s[i])) return false;
  return true;
}

}  // namespace

WeightedPart split_part_weight(const std::string& part) {
  U32String s = utf8_decode(part);
  for (size_t p = 0; p <= s.size(); ++p) {
    size_t n0 = 0, n1 = 0;
    if (weight_tail(s, p, n0, n1)) {
      auto v = py_float(s.substr(n0, n1 - n0));
      if (!v) fail("prompt: bad AND weight in \"{}\"", part);
      return {utf8_encode(std::u32string_view(s).substr(0, p)), *v};
    }
    if (all_space(s, p)) return {utf8_encode(std::u32string_view(s).substr(0, p)), 1.0};
  }
  return {part, 1.0};
}

MulticondList get_multicond_prompt_list(const std::vector<std::string>& prompts) {
  MulticondList out;
  std::map<std::string, size_t> index;
  for (auto& prompt : prompts) {
    std::vector<SubpromptRef> refs;
    for (auto& sub : split_on_and(prompt)) {
      WeightedPart w = split_part_weight(sub);
      auto it = index.find(w.text);
      if (it == index.end()) {
        it = index.emplace(w.text, out.flat.size()).first;
        out.flat.push_back(w.text);
      }
      refs.push_back({it->second, w.weight});
    }
    out.indexes.push_back(std::move(refs));
  }
  return out;
}

}  // namespace easel::text
