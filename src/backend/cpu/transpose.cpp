// Tiled transposes: 32 x 32 tiles (or B x 32 for channel blocks) so both sides stay in cache
// lines; all tiles of all matrices form one parallel range.
#include "backend/cpu/transpose.h"

#include <algorithm>

#include "core/thread_pool.h"

namespace easel::cpu {

void transpose_batched(const float* src, float* dst, int64_t batch, int64_t C, int64_t L) {
  constexpr int64_t T = 32;
  const int64_t tc = (C + T - 1) / T, tl = (L + T - 1) / T, per = tc * tl;
  parallel_for(batch * per, [&](int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t b = t / per, r = t % per;
      const int64_t c0 = r / tl * T, l0 = r % tl * T, c1 = std::min(C, c0 + T), l1 = std::min(L, l0 + T);
      const float* s = src + b * C * L;
      float* d = dst + b * C * L;
      for (int64_t l = l0; l < l1; ++l)
        for (int64_t c = c0; c < c1; ++c) d[l * C + c] = s[c * L + l];
    }
  }, 8);
}

void nchw_to_blocked(const float* src, float* dst, int64_t N, int64_t C, int64_t S, int64_t B) {
  // Each (n, channel block) is a [B, S] -> [S, B] transpose.
  transpose_batched(src, dst, N * (C / B), B, S);
}

void blocked_to_nchw(const float* src, float* dst, int64_t N, int64_t C, int64_t S, int64_t B) {
  transpose_batched(src, dst, N * (C / B), S, B);
}

}  // namespace easel::cpu

namespace easel::cpu {

namespace {
// Calls fn(b, l0, l1) over 64-position tiles of every channel block, in parallel.
template <typename F>
void block_tiles(int64_t C, int64_t L, int64_t B, F&& fn) {
  constexpr int64_t T = 64;
  const int64_t tl = (L + T - 1) / T;
  parallel_for((C / B) * tl, [&](int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; ++t) fn(t / tl, t % tl * T, std::min(L, t % tl * T + T));
  }, 4);
}
}  // namespace

void nchw_run_to_blocked(const float* src, int64_t ld, float* dst, int64_t C, int64_t L, int64_t B) {
  block_tiles(C, L, B, [&](int64_t b, int64_t l0, int64_t l1) {
    const float* s = src + b * B * ld;
    float* d = dst + b * L * B;
    for (int64_t l = l0; l < l1; ++l)
      for (int64_t c = 0; c < B; ++c) d[l * B + c] = s[c * ld + l];
  });
}

void blocked_to_nchw_run(const float* src, float* dst, int64_t ld, int64_t C, int64_t L, int64_t B) {
  block_tiles(C, L, B, [&](int64_t b, int64_t l0, int64_t l1) {
    const float* s = src + b * L * B;
    float* d = dst + b * B * ld;
    for (int64_t c = 0; c < B; ++c)
      for (int64_t l = l0; l < l1; ++l) d[c * ld + l] = s[l * B + c];
  });
}

}  // namespace easel::cpu
