// The end-to-end goldens of every oracle model set (<set>/golden/txt2img_a1111_*.json) and the
// model file layouts the set ships (LDM single files and diffusers folders), shared by the
// pipeline and CLI golden tests (header-only: both test executables include it).
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "common/oracle.h"
#include "io/safetensors.h"
#include "io/tensor_store.h"
#include "sampling/sampler_registry.h"

namespace easel::test {
namespace fs = std::filesystem;

struct ModelLayout {
  std::string label;            // "diffusers folder", "single-file safetensors", ...
  std::filesystem::path path;
};

struct E2EGolden {
  std::filesystem::path json_path;
  nlohmann::json meta;
  std::string name;             // file stem, e.g. "txt2img_a1111_euler"
  std::string sampler;          // A1111 UI name resolved from the k-diffusion function
  std::string scheduler;        // "Karras" for get_sigmas_karras, else "Automatic"
};

struct E2ESet {
  std::filesystem::path dir;
  std::vector<ModelLayout> layouts;
  std::filesystem::path tokenizer;  // a diffusers folder's tokenizer/ (single files carry none)
  std::vector<E2EGolden> goldens;
};

inline std::vector<E2ESet> e2e_sets(const std::string& prefix = "txt2img_a1111_") {
  std::vector<E2ESet> out;
  if (!fs::is_directory(oracle_dir())) return out;
  for (auto& e : fs::directory_iterator(oracle_dir())) {
    if (!e.is_directory() || !fs::is_directory(e.path() / "golden")) continue;
    E2ESet s;
    s.dir = e.path();
    for (auto& g : fs::directory_iterator(e.path() / "golden")) {
      const std::string n = g.path().filename().string();
      if (n.rfind(prefix, 0) != 0 || g.path().extension() != ".json") continue;
      std::ifstream f(g.path());
      E2EGolden eg{g.path(), nlohmann::json::parse(f), g.path().stem().string(), "", "Automatic"};
      std::string fn = eg.meta.value("k_diffusion_function", "");
      fn = fn.substr(fn.rfind('.') + 1);
      const SamplerDef* d = find_sampler_by_upstream(fn);
      if (!d) throw std::runtime_error(g.path().string() + ": no sampler reproduces " + fn);
      eg.sampler = std::string(d->name);
      const std::string sched = eg.meta.value("schedule", "");
      if (sched.rfind("get_sigmas_", 0) == 0) {
        std::string name = sched.substr(11, sched.find('(') - 11);
        if (const SchedulerDef* sd = find_scheduler(name)) eg.scheduler = std::string(sd->label);
      }
      s.goldens.push_back(std::move(eg));
    }
    if (s.goldens.empty()) continue;
    std::sort(s.goldens.begin(), s.goldens.end(), [](auto& a, auto& b) { return a.name < b.name; });
    for (auto& m : fs::directory_iterator(e.path())) {
      const auto& p = m.path();
      if (m.is_directory() && fs::exists(p / "model_index.json")) {
        s.layouts.push_back({"diffusers folder", p});
        if (fs::exists(p / "tokenizer" / "vocab.json")) s.tokenizer = p / "tokenizer";
      } else if (m.is_regular_file() && (p.extension() == ".safetensors" || p.extension() == ".ckpt")) {
        s.layouts.push_back({"single-file " + p.extension().string().substr(1), p});
      }
    }
    std::sort(s.layouts.begin(), s.layouts.end(), [](auto& a, auto& b) { return a.path < b.path; });
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.dir < b.dir; });
  return out;
}

inline TensorStore load_golden_tensors(const E2EGolden& g) {
  return load_safetensors(fs::path(g.json_path).replace_extension(".safetensors").string());
}

inline double rel_err(const float* a, const float* b, size_t n) {
  double m = 0, r = 0;
  for (size_t i = 0; i < n; ++i) {
    m = std::max(m, double(std::fabs(a[i] - b[i])));
    r = std::max(r, double(std::fabs(b[i])));
  }
  return r > 0 ? m / r : m;
}

}  // namespace easel::test
