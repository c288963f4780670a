// Python float() on the restricted syntax used by prompt weights and schedule numbers.
#include "text/py_number.h"

#include <charconv>
#include <limits>

namespace easel::text {

std::optional<double> py_float(const U32String& s) {
  std::string a;
  a.reserve(s.size());
  for (char32_t c : s) {
    if (c < 0x80) {
      a.push_back(char(c));
    } else {
      int d = decimal_value(c);
      if (d < 0) return std::nullopt;
      a.push_back(char('0' + d));
    }
  }
  size_t i = 0;
  if (i < a.size() && (a[i] == '+' || a[i] == '-')) ++i;
  // Validate the grammar: digits [. digits] | . digits, then an optional exponent.
  size_t d0 = i;
  while (i < a.size() && a[i] >= '0' && a[i] <= '9') ++i;
  size_t int_digits = i - d0, frac_digits = 0;
  if (i < a.size() && a[i] == '.') {
    ++i;
    size_t f0 = i;
    while (i < a.size() && a[i] >= '0' && a[i] <= '9') ++i;
    frac_digits = i - f0;
  }
  if (int_digits + frac_digits == 0) return std::nullopt;
  if (i < a.size() && (a[i] == 'e' || a[i] == 'E')) {
    ++i;
    if (i < a.size() && (a[i] == '+' || a[i] == '-')) ++i;
    size_t e0 = i;
    while (i < a.size() && a[i] >= '0' && a[i] <= '9') ++i;
    if (i == e0) return std::nullopt;
  }
  if (i != a.size()) return std::nullopt;
  const char* b = a.data();
  if (*b == '+') ++b;
  double v = 0;
  auto r = std::from_chars(b, a.data() + a.size(), v);
  if (r.ec == std::errc::result_out_of_range) {
    // from_chars reports overflow/underflow instead of returning inf/0 as Python does.
    bool neg = *b == '-';
    size_t e = a.find_first_of("eE");
    bool tiny = e != std::string::npos && e + 1 < a.size() && a[e + 1] == '-';
    double inf = std::numeric_limits<double>::infinity();
    v = tiny ? (neg ? -0.0 : 0.0) : (neg ? -inf : inf);
  } else if (r.ec != std::errc()) {
    return std::nullopt;
  }
  return v;
}

}  // namespace easel::text
