// Python's round(x, ndigits) for a float: the nearest double to x rounded (half to even, on
// x's exact binary value) to ndigits decimals. torchsde quantises every tree time with it.
#pragma once

namespace easel {

// ndigits in [0, 15]; |x| * 10^ndigits must stay below 2^53 (else fails).
double python_round(double x, int ndigits);

}  // namespace easel
