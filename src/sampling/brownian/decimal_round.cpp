// Exact decimal rounding: x = m * 2^e, so x * 10^d = m * 10^d * 2^e is rounded to an integer N
// in 128-bit arithmetic; N and 10^d are exact doubles, so N / 10^d is the correctly rounded
// result CPython gets from its digit string.
#include "sampling/brownian/decimal_round.h"

#include <cmath>
#include <cstdint>

#include "core/error.h"

namespace easel {

double python_round(double x, int ndigits) {
  if (ndigits < 0 || ndigits > 15) fail("python_round: ndigits {} outside [0, 15]", ndigits);
  if (!std::isfinite(x) || x == 0) return x;
  const bool neg = x < 0;
  int exp2 = 0;
  // |x| = frac * 2^exp2 with frac in [0.5, 1): scale to a 53-bit integer mantissa.
  const double frac = std::frexp(std::fabs(x), &exp2);
  const uint64_t m = uint64_t(std::ldexp(frac, 53));
  const int e = exp2 - 53;  // |x| = m * 2^e
  uint64_t p10 = 1;
  for (int i = 0; i < ndigits; ++i) p10 *= 10;
  const unsigned __int128 scaled = (unsigned __int128)m * p10;  // < 2^53 * 10^15 < 2^103
  unsigned __int128 n;
  if (e >= 0) {
    if (e > 10) fail("python_round: {} is too large to round to {} decimals", x, ndigits);
    n = scaled << e;
  } else if (-e >= 110) {
    n = 0;  // scaled < 2^103: the value is below one half
  } else {
    const int sh = -e;
    n = scaled >> sh;
    const unsigned __int128 rem = scaled - (n << sh), half = (unsigned __int128)1 << (sh - 1);
    if (rem > half || (rem == half && (n & 1))) ++n;
  }
  if (n >= ((unsigned __int128)1 << 53)) fail("python_round: {} is too large to round to {} decimals", x, ndigits);
  const double r = double(uint64_t(n)) / double(p10);
  return neg ? -r : r;
}

}  // namespace easel
