// CfgDenoiser::operator() follows sd_samplers_cfg_denoiser.CFGDenoiser.forward with the default
// options (batch_cond_uncond, no NGMS/skip_early_cond/padding): x_in = [parts of image 0...,
// parts of image 1..., x], one model call, combine_denoised in float32.
#include "sampling/cfg_denoiser.h"

#include <cstring>

#include "sampling/tensor_ops.h"

namespace easel {
namespace {

int pick(const CondSchedule& s, int64_t step) {
  if (s.empty()) fail("CFG: empty conditioning schedule");
  for (const auto& [end, id] : s)
    if (step <= end) return id;
  return s.front().second;  // upstream falls back to the first entry
}

}  // namespace

CfgDenoiser::CfgDenoiser(WrappedModel model, CfgConds conds, const std::atomic<bool>* cancel)
    : model_(std::move(model)), conds_(std::move(conds)), cancel_(cancel) {
  if (conds_.cond.empty() || conds_.cond.size() != conds_.uncond.size())
    fail("CFG: {} conditioned images but {} unconditional ones", conds_.cond.size(), conds_.uncond.size());
  for (const auto& parts : conds_.cond)
    if (parts.empty()) fail("CFG: an image has no prompt parts");
}

Tensor CfgDenoiser::operator()(const Tensor& x, float sigma) {
  if (cancel_ && cancel_->load(std::memory_order_relaxed)) throw Interrupted();
  const int64_t B = x.dim(0);
  if (B != int64_t(conds_.cond.size())) fail("CFG: latent batch {} but {} prompts", B, conds_.cond.size());
  const int64_t per = x.numel() / B;
  std::vector<int64_t> src;  // x row of every model row
  std::vector<int> ids;
  for (int64_t i = 0; i < B; ++i)
    for (const auto& part : conds_.cond[size_t(i)]) src.push_back(i), ids.push_back(pick(part.cond, step_));
  const size_t n_cond = src.size();
  for (int64_t i = 0; i < B; ++i) src.push_back(i), ids.push_back(pick(conds_.uncond[size_t(i)], step_));
  Shape shp = x.shape();
  shp[0] = int64_t(src.size());
  Tensor x_in = Tensor::empty(shp);
  for (size_t r = 0; r < src.size(); ++r)
    std::memcpy(x_in.f32() + int64_t(r) * per, x.f32() + src[r] * per, size_t(per) * sizeof(float));
  Tensor out = model_(x_in, sigma, ids);
  batch_sizes_.push_back(int(src.size()));
  if (out.shape() != shp) fail("CFG: model returned {} for a {} batch", shape_str(out.shape()), shape_str(shp));
  const float* o = out.f32();
  Tensor den = Tensor::empty(x.shape());
  float* d = den.f32();
  std::memcpy(d, o + int64_t(n_cond) * per, size_t(B * per) * sizeof(float));
  last_prediction_ = Tensor::empty(x.shape());
  size_t row = 0;
  for (int64_t i = 0; i < B; ++i) {
    const float* unc = o + (int64_t(n_cond) + i) * per;
    std::memcpy(last_prediction_.f32() + i * per, o + int64_t(row) * per, size_t(per) * sizeof(float));
    for (const auto& part : conds_.cond[size_t(i)]) {
      const float w = float(part.weight * (conds_.scale * multiplier_));
      const float* c = o + int64_t(row++) * per;
      float* di = d + i * per;
      for (int64_t k = 0; k < per; ++k) di[k] += (c[k] - unc[k]) * w;
    }
  }
  if (keep_uncond_) last_uncond_ = Tensor::from(x.shape(), {o + int64_t(n_cond) * per, size_t(B * per)});
  ++step_;
  return den;
}

void CfgDenoiser::enable_cfgpp(double multiplier) {
  multiplier_ = multiplier;
  keep_uncond_ = true;
}

Tensor CfgDenoiser::last_uncond() const {
  if (!last_uncond_.defined()) fail("CFG++: no unconditional output yet");
  return last_uncond_;
}

}  // namespace easel
