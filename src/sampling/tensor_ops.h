// Elementwise float32 maps over same-shaped tensors for the samplers: the lambda spells the torch
// expression in torch's operation order, so each step rounds exactly like the upstream code.
#pragma once
#include <cstdint>
#include <tuple>

#include "core/error.h"
#include "core/tensor.h"
#include "core/thread_pool.h"

namespace easel {

template <class F, class... Ts>
Tensor emap(F f, const Tensor& a, const Ts&... rest) {
  const int64_t n = a.numel();
  if (((rest.numel() != n) || ...)) fail("sampler: tensor shapes differ ({})", shape_str(a.shape()));
  Tensor out = Tensor::empty(a.shape());
  float* o = out.f32();
  auto ptrs = std::make_tuple(a.f32(), rest.f32()...);
  auto body = [&](int64_t b, int64_t e) {
    std::apply([&](auto... p) {
      for (int64_t i = b; i < e; ++i) o[i] = f(p[i]...);
    }, ptrs);
  };
  if (n >= (1 << 16)) parallel_for(n, body, 1 << 14);
  else body(0, n);
  return out;
}

}  // namespace easel
