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
  const auto [N, C, S] = bk::check_group_norm_shapes(x, y, gamma, beta, groups);
  if (x.numel()) k->group_norm(x.f32(), y.f32(), gamma.f32(), beta.f32(), N, C, S, groups, eps, silu);
}

void CpuBackend::layer_norm(const Tensor& x, Tensor& y, const Tensor& gamma, const Tensor& beta, float eps) {
  const cpu::KernelTable* k = cpu::best_kernels();
  if (!k) return RefBackend::layer_norm(x, y, gamma, beta, eps);
  bk::need_f32(x, "layer_norm", "x");
  bk::need_f32(y, "layer_norm", "y");
  bk::need_f32(gamma, "layer_norm", "gamma");
  bk::need_f32(beta, "layer_norm", "beta");
  const int64_t D = bk::check_layer_norm_shapes(x, y, gamma, beta);
  if (x.numel()) k->layer_norm(x.f32(), y.f32(), gamma.f32(), beta.f32(), x.numel() / D, D, eps);
}

void CpuBackend::activation(const Tensor& x, Tensor& y, Act act) {
  const cpu::KernelTable* k = cpu::best_kernels();
  if (!k) return RefBackend::activation(x, y, act);
  bk::check_same_numel(x, y, "activation");
  k->activation(x.f32(), y.f32(), x.numel(), act);
}

void CpuBackend::geglu(const Tensor& x, Tensor& y) {
  const cpu::KernelTable* k = cpu::best_kernels();
  if (!k) return RefBackend::geglu(x, y);
  const int64_t F = bk::check_geglu(x, y);
  if (F) k->geglu(x.f32(), y.f32(), x.numel() / (2 * F), F);
}

void CpuBackend::softmax(const Tensor& x, Tensor& y) {
  const cpu::KernelTable* k = cpu::best_kernels();
  if (!k) return RefBackend::softmax(x, y);
  bk::check_softmax(x, y);
  k->softmax(x.f32(), y.f32(), x.numel() / x.dim(-1), x.dim(-1));
}

void CpuBackend::attention(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, int heads, bool causal) {
  const cpu::KernelTable* kt = cpu::best_kernels();
  if (!kt) return RefBackend::attention(q, k, v, out, heads, causal);
  const auto [B, Nq, Nk, C] = bk::check_attention(q, k, v, out, heads);
  if (out.raw() == q.raw() || out.raw() == k.raw() || out.raw() == v.raw())
    fail("attention: out must not alias q, k or v");
  if (B * Nq == 0) return;
  ArenaScope scope(arena());
  Tensor pack = arena().alloc({int64_t(kt->attention_pack_floats(B, Nk, C, heads))});
  kt->attention({q.f32(), k.f32(), v.f32(), out.f32(), B, Nq, Nk, C, heads, causal, pack.f32()});
}

}  // namespace easel
