// Layer loading (weights converted by the backend once) and the per-stage activation accounting.
#include "models/common/layers.h"

#include <algorithm>

#include "core/error.h"
#include "core/log.h"

namespace easel {

void Conv::load(Backend& be, WeightReader& w, const std::string& prefix, int64_t ci, int64_t co, int k,
                const Conv2dDesc& d, bool bias) {
  cin = ci;
  cout = co;
  this->k = k;
  const Tensor& wt = w.get(prefix + ".weight", {co, ci, k, k});
  const Tensor* b = bias ? &w.get(prefix + ".bias", {co}) : nullptr;
  op = be.make_conv2d(wt, b, d);
}

void Linear::load(Backend& be, WeightReader& w, const std::string& prefix, int64_t i, int64_t o, bool bias,
                  bool kernel_1x1) {
  in = i;
  out = o;
  Tensor wt = kernel_1x1 ? w.get(prefix + ".weight", {o, i, 1, 1}).reshaped({o, i}) : w.get(prefix + ".weight", {o, i});
  const Tensor* b = bias ? &w.get(prefix + ".bias", {o}) : nullptr;
  op = be.make_linear(wt, b);
}

void Norm::load(WeightReader& w, const std::string& prefix, int64_t channels) {
  gamma = w.f32(prefix + ".weight", {channels});
  beta = w.f32(prefix + ".bias", {channels});
}

Stage::Stage(Backend& b, const char* name, size_t& recorded_peak)
    : be(b), arena_(b.arena()), scope_(b.arena()), name_(name), recorded_(recorded_peak),
      base_(b.arena().in_use()), global_peak_before_(b.arena().peak()) {}

Stage::~Stage() {
  // Ops may take scratch from the arena too (the CPU backend's reorders), unseen by alloc():
  // when this stage raised the arena's high-water mark, that mark is this stage's true peak.
  if (arena_.peak() > global_peak_before_) peak_ = std::max(peak_, arena_.peak() - base_);
  if (peak_ > recorded_) {
    recorded_ = peak_;
    log_info("{}: activation arena {:.1f} MiB", name_, double(peak_) / (1 << 20));
  }
}

Tensor Stage::alloc(const Shape& shape) {
  Tensor t = arena_.alloc(shape);
  size_t used = arena_.in_use() - base_;
  if (used > peak_) peak_ = used;
  return t;
}

Tensor Stage::view(const Tensor& buf, const Shape& shape) {
  if (shape_numel(shape) > buf.numel())
    fail("internal: activation view {} exceeds its buffer {}", shape_str(shape), shape_str(buf.shape()));
  return Tensor::view(shape, DType::F32, const_cast<void*>(buf.raw()), buf.holder());
}

}  // namespace easel
