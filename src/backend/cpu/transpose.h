// Threaded tiled transposes shared by the layout ops and the convolution's activation reorders.
#pragma once
#include <cstdint>

namespace easel::cpu {

// For each of `batch` matrices: dst[l * C + c] = src[c * L + l] (src [C, L] -> dst [L, C]).
void transpose_batched(const float* src, float* dst, int64_t batch, int64_t C, int64_t L);

// NCHW <-> channel-blocked nChw{B}c (C a multiple of B), S = H * W.
void nchw_to_blocked(const float* src, float* dst, int64_t N, int64_t C, int64_t S, int64_t B);
void blocked_to_nchw(const float* src, float* dst, int64_t N, int64_t C, int64_t S, int64_t B);

// A run of L spatial positions of C channels (C a multiple of B) whose channels lie `ld` floats
// apart in NCHW (a band of rows of one image) <-> the same run channel-blocked, [C/B][L][B].
void nchw_run_to_blocked(const float* src, int64_t ld, float* dst, int64_t C, int64_t L, int64_t B);
void blocked_to_nchw_run(const float* src, float* dst, int64_t ld, int64_t C, int64_t L, int64_t B);

}  // namespace easel::cpu
