// k-diffusion's DiscreteEpsDDPMDenoiser / CompVisVDenoiser and A1111's LCMCompVisDenoiser, with
// their float32 scalings in upstream order.
#include "sampling/model_wrap.h"

#include <cmath>

#include "sampling/tensor_ops.h"

namespace easel {

DiscreteSchedule lcm_schedule(const DiscreteSchedule& model) {
  const auto& ac = model.alphas_cumprod();
  const int n = 50, skip = int(ac.size()) / n;
  std::vector<float> valid(static_cast<size_t>(n));
  for (int x = 0; x < n; ++x) valid[size_t(n - 1 - x)] = ac[size_t(int(ac.size()) - 1 - x * skip)];
  return DiscreteSchedule(std::move(valid), model.kernel());
}

namespace {

int64_t lcm_t(const DiscreteSchedule& lcm, int skip, float sigma) {
  return lcm.sigma_to_t_quantized(sigma) * skip + (skip - 1);
}

}  // namespace

std::vector<float> lcm_get_sigmas(const DiscreteSchedule& model, int n) {
  const auto lcm = lcm_schedule(model);
  const int skip = model.size() / 50;
  const float start = float(lcm_t(lcm, skip, lcm.sigma_max())), end = float(lcm_t(lcm, skip, lcm.sigma_min()));
  std::vector<float> out;
  for (float t : torch_linspace_f32(start, end, n, model.kernel())) {
    float tt = (t - float(skip - 1)) / float(skip);
    tt = std::fmin(std::fmax(tt, 0.f), float(lcm.size() - 1));
    out.push_back(lcm.t_to_sigma(tt));
  }
  out.push_back(0.f);
  return out;
}

WrappedModel::WrappedModel(ModelEval eval, ModelWrap wrap, const DiscreteSchedule& schedule, bool v_prediction)
    : eval_(std::move(eval)), wrap_(wrap), sched_(schedule), lcm_(lcm_schedule(schedule)), v_(v_prediction) {}

Tensor WrappedModel::operator()(const Tensor& x, float sigma, const std::vector<int>& cond) const {
  const size_t rows = size_t(x.dim(0));
  if (wrap_ == ModelWrap::Eps) {
    Tensor out = eval_(x, std::vector<float>(rows, sigma), cond);
    if (v_) {  // CompVisTimestepsVDenoiser: eps = sqrt(a) * v + sqrt(1 - a) * x at int(t)
      const float a = sched_.alphas_cumprod()[size_t(int(sigma))];
      const float sa = std::sqrt(a), sb = std::sqrt(1.0f - a);
      out = emap([=](float v, float xi) { return sa * v + sb * xi; }, out, x);
    }
    return out;
  }
  const float c_in = 1.0f / std::sqrt(sigma * sigma + 1.0f);
  Tensor xin = emap([c_in](float v) { return v * c_in; }, x);
  if (wrap_ == ModelWrap::Lcm) {
    const int skip = sched_.size() / 50;
    const int64_t t = lcm_t(lcm_, skip, sigma);
    Tensor eps = eval_(xin, std::vector<float>(rows, float(t)), cond);
    const float st = float(t) * 10.0f, c_skip = 0.25f / (st * st + 0.25f), c_out = st / std::sqrt(st * st + 0.25f);
    return emap([=](float xi, float e) { return c_out * (xi + e * -sigma) + c_skip * xi; }, x, eps);
  }
  const float t = sched_.sigma_to_t(sigma);
  Tensor out = eval_(xin, std::vector<float>(rows, t), cond);
  if (v_) {
    const float s2 = sigma * sigma + 1.0f, c_skip = 1.0f / s2, c_out = -sigma * 1.0f / std::sqrt(s2);
    return emap([=](float v, float xi) { return v * c_out + xi * c_skip; }, out, x);
  }
  return emap([sigma](float xi, float e) { return xi + e * -sigma; }, x, out);
}

}  // namespace easel
