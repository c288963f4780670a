// CpuBackend ops that run the per-ISA vectorised kernels (kernels.h): norms, activations,
// GEGLU, softmax and flash attention. Without AVX2 they fall back to the reference loops.
#include "backend/checks.h"
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/kernels.h"

namespace easel {

void CpuBackend::group_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, int groups,
                            float eps, bool silu) {
  const cpu::KernelTable* k = cpu::best_kernels();
  if (!k) return RefBackend::group_norm(x, y, gamma, beta, groups, eps, silu);
  bk::need_f32(x, "group_norm", "x");
  bk::need_f32(y, "group_norm", "y");
  bk::need_f32(gamma, "group_norm", "gamma");
  bk::need_f32(beta, "group_norm", "beta");
  if (x.ndim() < 2) fail("group_norm: x {} needs [N, C, ...]", shape_str(x.shape()));
  bk::need_shape(y, x.shape(), "group_norm", "y");
  const int64_t N = x.dim(0), C = x.dim(1), S = x.numel() / std::max<int64_t>(1, N * C);
  if (groups < 1 || C % groups) fail("group_norm: {} channels not divisible into {} groups", C, groups);
  bk::need_numel(gamma, C, "group_norm", "gamma");
  bk::need_numel(beta, C, "group_norm", "beta");
  if (x.numel()) k->group_norm(x.f32(), y.f32(), gamma.f32(), beta.f32(), N, C, S, groups, eps, silu);
}

void CpuBackend::layer_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, float eps) {
  const cpu::KernelTable* k = cpu::best_kernels();
  if (!k) return RefBackend::layer_norm(x, y, gamma, beta, eps);
  bk::need_f32(x, "layer_norm", "x");
  bk::need_f32(y, "layer_norm", "y");
  bk::need_f32(gamma, "layer_norm", "gamma");
  bk::need_f32(beta, "layer_norm", "beta");
  if (x.ndim() < 1) fail("layer_norm: x must have a feature dimension");
  bk::need_shape(y, x.shape(), "layer_norm", "y");
  const int64_t D = x.dim(-1);
  bk::need_numel(gamma, D, "layer_norm", "gamma");
  bk::need_numel(beta, D, "layer_norm", "beta");
  if (x.numel()) k->layer_norm(x.f32(), y.f32(), gamma.f32(), beta.f32(), x.numel() / D, D, eps);
}

void CpuBackend::activation(const Tensor& x, Tensor& y, Act act) {
  const cpu::KernelTable* k = cpu::best_kernels();
  if (!k) return RefBackend::activation(x, y, act);
  bk::need_f32(x, "activation", "x");
  bk::need_f32(y, "activation", "y");
  bk::need_numel(y, x.numel(), "activation", "y");
  k->activation(x.f32(), y.f32(), x.numel(), act);
}

void CpuBackend::geglu(const Tensor& x, Tensor& y) {
  const cpu::KernelTable* k = cpu::best_kernels();
  if (!k) return RefBackend::geglu(x, y);
  bk::need_f32(x, "geglu", "x");
  bk::need_f32(y, "geglu", "y");
  if (x.ndim() < 1 || x.dim(-1) % 2) fail("geglu: x {} needs an even last dimension", shape_str(x.shape()));
  const int64_t F = x.dim(-1) / 2;
  Shape ys = x.shape();
  ys.back() = F;
  bk::need_shape(y, ys, "geglu", "y");
  if (F) k->geglu(x.f32(), y.f32(), x.numel() / (2 * F), F);
}

void CpuBackend::softmax(const Tensor& x, Tensor& y) {
  const cpu::KernelTable* k = cpu::best_kernels();
  if (!k) return RefBackend::softmax(x, y);
  bk::need_f32(x, "softmax", "x");
  bk::need_f32(y, "softmax", "y");
  bk::need_shape(y, x.shape(), "softmax", "y");
  if (x.ndim() < 1 || x.dim(-1) < 1) fail("softmax: x {} has no last dimension", shape_str(x.shape()));
  k->softmax(x.f32(), y.f32(), x.numel() / x.dim(-1), x.dim(-1));
}

void CpuBackend::attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, int heads, bool causal) {
  const cpu::KernelTable* kt = cpu::best_kernels();
  if (!kt) return RefBackend::attention(q, k, v, out, heads, causal);
  bk::need_f32(q, "attention", "q");
  bk::need_f32(k, "attention", "k");
  bk::need_f32(v, "attention", "v");
  bk::need_f32(out, "attention", "out");
  bk::need_rank(q, 3, "attention", "q");
  bk::need_rank(k, 3, "attention", "k");
  const int64_t B = q.dim(0), Nq = q.dim(1), C = q.dim(2), Nk = k.dim(1);
  if (heads < 1 || C % heads) fail("attention: {} channels not divisible into {} heads", C, heads);
  bk::need_shape(k, {B, Nk, C}, "attention", "k");
  bk::need_shape(v, {B, Nk, C}, "attention", "v");
  bk::need_shape(out, q.shape(), "attention", "out");
  if (Nk < 1) fail("attention: no keys");
  if (out.raw() == q.raw() || out.raw() == k.raw() || out.raw() == v.raw())
    fail("attention: out must not alias q, k or v");
  if (B * Nq == 0) return;
  ArenaScope scope(arena());
  Tensor pack = arena().alloc({int64_t(kt->attention_pack_floats(B, Nk, C, heads))});
  kt->attention({q.f32(), k.f32(), v.f32(), out.f32(), B, Nq, Nk, C, heads, causal, pack.f32()});
}

}  // namespace easel
