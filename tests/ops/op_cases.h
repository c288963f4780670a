// The op cases shared by the conformance test and the perf mode: each case builds its inputs
// (deterministic from a seed) and weights on a backend and returns a closure that runs the op.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace easel::test {

struct OpCase {
  std::string name;
  // NMSE bound against the reference backend (0: must be bit-identical).
  double nmse_bound = 0;
  // Analytic floating-point operations of one run (multiply-add = 2), 0 when not meaningful.
  double flops = 0;
  // Prepares weights and inputs on `be`; the returned closure runs the op and returns its output.
  std::function<std::function<Tensor()>(Backend& be)> build;
};

// Small SD-shaped and odd-shaped cases (the reference backend runs them in seconds).
std::vector<OpCase> conformance_cases();
// Full-size SD 1.5 shapes for the perf mode.
std::vector<OpCase> perf_cases();

// Uniform [-a, a] values from a fixed seed.
Tensor random_tensor(const Shape& s, uint32_t seed, float a = 1.f);

}  // namespace easel::test
