// The oracle's tiny SD 1.5 in its three layouts: the .ckpt must load to exactly the tensors of the
// .safetensors (names, dtypes, shapes, bytes); the diffusers folder must load every component.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>

#include "common/oracle.h"
#include "io/model_files.h"
#include "io/safetensors.h"

using namespace easel;
namespace fs = std::filesystem;

namespace {
// Every <stem>.ckpt in an oracle model folder that has a <stem>.safetensors beside it.
std::vector<fs::path> ckpt_cases() {
  std::vector<fs::path> out;
  for (auto& e : fs::directory_iterator(test::oracle_dir())) {
    if (!e.is_directory()) continue;
    for (auto& p : test::oracle_files(e.path().filename().string(), ".ckpt"))
      if (fs::exists(fs::path(p).replace_extension(".safetensors"))) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t param_count(const TensorStore& s) {
  int64_t n = 0;
  for (auto& [k, t] : s.tensors) n += t.numel();
  return n;
}
}  // namespace

TEST(OracleLayouts, CkptMatchesSafetensorsBitwise) {
  auto cases = ckpt_cases();
  ASSERT_FALSE(cases.empty()) << "no oracle .ckpt/.safetensors pairs under " << test::oracle_dir();
  for (auto& ck : cases) {
    auto st_path = fs::path(ck).replace_extension(".safetensors").string();
    auto t0 = std::chrono::steady_clock::now();
    TensorStore a = load_weights(ck.string());
    auto t1 = std::chrono::steady_clock::now();
    TensorStore b = load_weights(st_path);
    auto t2 = std::chrono::steady_clock::now();
    std::printf("load times: %s %.1f ms, %s %.1f ms\n", ck.filename().c_str(),
                std::chrono::duration<double, std::milli>(t1 - t0).count(), fs::path(st_path).filename().c_str(),
                std::chrono::duration<double, std::milli>(t2 - t1).count());
    EXPECT_EQ(a.format, "ckpt");
    EXPECT_EQ(b.format, "safetensors");
    ASSERT_EQ(a.tensors.size(), b.tensors.size()) << ck;
    size_t same = 0, views = 0;
    for (auto& [name, tb] : b.tensors) {
      ASSERT_TRUE(a.has(name)) << ck << ": missing " << name;
      const Tensor& ta = a.at(name);
      EXPECT_EQ(ta.dtype(), tb.dtype()) << name;
      EXPECT_EQ(ta.shape(), tb.shape()) << name;
      bool eq = ta.nbytes() == tb.nbytes() && std::memcmp(ta.raw(), tb.raw(), tb.nbytes()) == 0;
      EXPECT_TRUE(eq) << name;
      same += eq;
      views += ta.holder() == a.tensors.begin()->second.holder();
    }
    std::printf("%s: %zu/%zu tensors bitwise identical to the .safetensors, %zu zero-copy views, %lld params\n",
                ck.filename().c_str(), same, b.tensors.size(), views, (long long)param_count(a));
    EXPECT_EQ(views, a.tensors.size()) << "stored entries should be mmap views";
  }
}

TEST(OracleLayouts, DiffusersFolderLoads) {
  size_t folders = 0;
  for (auto& e : fs::directory_iterator(test::oracle_dir())) {
    fs::path m = e.path() / "model";
    if (!is_diffusers_folder(m.string())) continue;
    ++folders;
    DiffusersFolder f = load_diffusers(m.string());
    for (const char* c : {"unet", "vae", "text_encoder"}) {
      ASSERT_TRUE(f.components.count(c)) << m << " lacks " << c;
      auto& comp = f.components.at(c);
      EXPECT_TRUE(comp.config.contains("_class_name") || comp.config.contains("architectures"))
          << c;
      EXPECT_FALSE(comp.weights.tensors.empty());
      std::printf("%s/%s: %zu tensors, %lld params, format %s\n", m.c_str(), c, comp.weights.tensors.size(),
                  (long long)param_count(comp.weights), comp.weights.format.c_str());
    }
    EXPECT_EQ(f.components.count("scheduler"), 0u);
    EXPECT_FALSE(f.tokenizer_dir.empty());
    EXPECT_TRUE(f.tokenizer_2_dir.empty());
    // The single-file layout holds the same numbers of parameters, split by prefix.
    fs::path single = e.path() / (e.path().filename().string() + ".safetensors");
    if (fs::exists(single)) {
      TensorStore s = load_weights(single.string());
      std::map<std::string, int64_t> by_prefix;
      for (auto& [k, t] : s.tensors) {
        if (k.rfind("model.diffusion_model.", 0) == 0) by_prefix["unet"] += t.numel();
        else if (k.rfind("first_stage_model.", 0) == 0) by_prefix["vae"] += t.numel();
        else if (k.rfind("cond_stage_model.", 0) == 0) by_prefix["text_encoder"] += t.numel();
      }
      for (auto& [c, n] : by_prefix) {
        int64_t folder_n = param_count(f.components.at(c).weights);
        // The text encoder's position_ids buffer may be present in one layout only.
        if (c == "text_encoder") EXPECT_NEAR(double(folder_n), double(n), 77.0) << c;
        else EXPECT_EQ(folder_n, n) << c;
      }
    }
  }
  EXPECT_GT(folders, 0u);
}
