// Scalar definitions of the activation functions (the reference semantics, in double) shared by
// the reference backend and the scalar tails of optimised kernels.
#pragma once
#include <cmath>

#include "backend/backend.h"

namespace easel::bk {

inline double gelu_erf(double x) { return 0.5 * x * (1.0 + std::erf(x * 0.70710678118654752440)); }
inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double silu(double x) { return x * sigmoid(x); }
inline double quick_gelu(double x) { return x * sigmoid(1.702 * x); }

inline double apply_act(Act a, double x) {
  switch (a) {
    case Act::None: return x;
    case Act::SiLU: return silu(x);
    case Act::GELU: return gelu_erf(x);
    case Act::QuickGELU: return quick_gelu(x);
  }
  return x;
}

}  // namespace easel::bk
