// Shared helpers of the sampling oracle tests: loading a case set (X.json + X.safetensors),
// reading tensors as float/double/int vectors, and the README's tolerance check.
#pragma once
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

}  // namespace easel::test
