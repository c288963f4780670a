// Shared helpers of the sampling oracle tests (also the pipeline's): loading a case set (X.json +
// X.safetensors), reading tensors as float/double/int vectors, the README's tolerance check on
// finals and trajectories, and the per-set pass/worst tally.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/oracle.h"
#include "core/tensor.h"
#include "io/safetensors.h"

namespace easel::test {

struct CaseSet {
  std::string name;  // file stem
  nlohmann::json meta;
  TensorStore store;

  std::vector<float> f32(const std::string& k) const {
    Tensor t = store.at(k).to_f32();
    return {t.f32(), t.f32() + t.numel()};
  }
  std::vector<double> f64(const std::string& k) const {
    const Tensor& t = store.at(k);
    std::vector<double> out(size_t(t.numel()));
    if (t.dtype() == DType::F64) std::memcpy(out.data(), t.raw(), out.size() * 8);
    else { auto f = f32(k); std::copy(f.begin(), f.end(), out.begin()); }
    return out;
  }
  std::vector<int64_t> i64(const std::string& k) const {
    const Tensor& t = store.at(k);
    if (t.dtype() != DType::I64) throw std::runtime_error(k + " is not I64");
    std::vector<int64_t> out(size_t(t.numel()));
    std::memcpy(out.data(), t.raw(), out.size() * 8);
    return out;
  }
  Tensor tensor(const std::string& k) const { return store.at(k).to_f32(); }
};

// Every "<stem>.json" in oracle/samplers whose safetensors twin exists and whose json matches `pred`.
template <class Pred>
std::vector<CaseSet> load_case_sets(Pred pred) {
  std::vector<CaseSet> out;
  for (const auto& p : oracle_files("samplers", ".json")) {
    auto st = p;
    st.replace_extension(".safetensors");
    if (!std::filesystem::exists(st)) continue;
    std::ifstream f(p);
    nlohmann::json j = nlohmann::json::parse(f);
    if (!pred(j)) continue;
    out.push_back({p.stem().string(), j, load_safetensors(st.string())});
  }
  return out;
}

// The first case of a case set's json, or null when it has no non-empty "cases" array; the set
// predicates below and in the tests look at its keys.
inline const nlohmann::json* first_case(const nlohmann::json& j) {
  if (!j.contains("cases") || !j["cases"].is_array() || j["cases"].empty()) return nullptr;
  return &j["cases"][0];
}

// End-to-end A1111 runs (seeds and a noise source per case).
inline bool is_pipeline_set(const nlohmann::json& j) {
  const nlohmann::json* c = first_case(j);
  return c && c->contains("seeds") && c->contains("source");
}

// The stored noise draws (samplers/noise.safetensors) that the toy-model cases replay.
inline CaseSet load_noise_set() {
  return {"noise", {}, load_safetensors((oracle_dir() / "samplers" / "noise.safetensors").string())};
}

// README tolerance: |a - b| <= tol * max(scale, |b|), elementwise; returns the worst ratio
// err / allowed (<= 1 passes). NaN must match NaN.
inline double tol_ratio(const float* got, const float* want, size_t n, double tol, double scale = 1.0) {
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(want[i]) || std::isnan(got[i])) {
      if (std::isnan(want[i]) != std::isnan(got[i])) return INFINITY;
      continue;
    }
    double allowed = tol * std::max(scale, std::fabs(double(want[i])));
    worst = std::max(worst, std::fabs(double(got[i]) - double(want[i])) / allowed);
  }
  return worst;
}

// Worst tolerance ratios of a recorded trajectory (per-step latents, denoised and callback sigmas,
// flattened) against the stored stacks of `per` elements a step: latents relative to
// max(1, sigma) of their step, denoised to 1. INFINITY for both when the step counts differ.
struct TrajectoryRatio {
  double x = 0, den = 0;
};
inline TrajectoryRatio trajectory_ratio(const std::vector<float>& xs, const std::vector<float>& den,
                                        const std::vector<float>& sigma, const std::vector<float>& want_x,
                                        const std::vector<float>& want_d, size_t per, double tol) {
  if (xs.size() != want_x.size()) return {INFINITY, INFINITY};
  TrajectoryRatio r;
  for (size_t k = 0; k * per < want_x.size(); ++k) {
    r.x = std::max(r.x, tol_ratio(xs.data() + k * per, want_x.data() + k * per, per, tol, std::max(1.0, double(sigma[k]))));
    r.den = std::max(r.den, tol_ratio(den.data() + k * per, want_d.data() + k * per, per, tol));
  }
  return r;
}

// Cases passed and the worst error (in tolerance units) of one case set, for the summary line.
struct SetTally {
  int pass = 0, total = 0;
  double worst = 0;
  std::string worst_case;
  void add(const std::string& name, bool ok, double r) {
    if (r > worst) worst = r, worst_case = name;
    pass += ok;
  }
  void print(const char* tag, const std::string& set) const {
    std::printf("[%s] %s: %d/%d cases pass, worst error %.3g of tolerance (%s)\n", tag, set.c_str(), pass, total, worst,
                worst_case.c_str());
  }
};

}  // namespace easel::test
