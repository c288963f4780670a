// `easel info --json` on every tiny-sd15 layout, run as a subprocess: the reported format,
// family, parameter counts and dtypes, and hashes checked against independent computations
// (the raw file's tensors, the sha256sum tool); plus usage errors and a bad file.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "common/oracle.h"
#include "io/model_files.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Proc {
  int rc;
  std::string out;
};

Proc run(const std::string& args) {
  static const fs::path cache = easel::test::temp_dir("cli-info-cache");
  std::string cmd = "XDG_CACHE_HOME='" + cache.string() + "' '" EASEL_BINARY_DIR "/easel' " + args + " 2>&1";
  Proc r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string sh(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[256];
  size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (p) pclose(p);
  return out.substr(0, out.find(' '));
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST(CliInfo, TinySd15LayoutsReportTheSameModel) {
  const fs::path dir = easel::test::oracle_dir() / "tiny-sd15";
  std::vector<fs::path> inputs;
  for (auto& f : easel::test::oracle_files("tiny-sd15", ".safetensors")) inputs.push_back(f);
  for (auto& f : easel::test::oracle_files("tiny-sd15", ".ckpt")) inputs.push_back(f);
  if (fs::is_directory(dir / "model")) inputs.push_back(dir / "model");
  ASSERT_GE(inputs.size(), 3u);

  // Independent expectation: the float elements of the single file, per LDM prefix.
  std::map<std::string, int64_t> want;
  auto raw = easel::load_weights((dir / "tiny-sd15.safetensors").string());
  const std::pair<const char*, const char*> prefixes[] = {
      {"model.diffusion_model.", "unet"}, {"first_stage_model.", "vae"}, {"cond_stage_model.", "text_encoder"}};
  for (auto& [name, t] : raw.tensors)
    for (auto [pre, comp] : prefixes)
      if (name.rfind(pre, 0) == 0 && easel::dtype_is_float(t.dtype())) want[comp] += t.numel();

  for (auto& in : inputs) {
    SCOPED_TRACE(in.string());
    for (int pass = 0; pass < 2; ++pass) {  // the second pass reads the hashes from the cache
      Proc r = run("info --json " + q(in));
      ASSERT_EQ(r.rc, 0) << r.out;
      json j = json::parse(r.out);
      bool folder = fs::is_directory(in);
      EXPECT_EQ(j["format"], folder ? "diffusers" : easel::detect_weights_format(in.string()) == "torch-zip" ? "ckpt" : "safetensors");
      EXPECT_EQ(j["family"], "SD 1.x");
      ASSERT_EQ(j["components"].size(), want.size());
      for (auto& [comp, params] : want) {
        EXPECT_EQ(j["components"][comp]["params"].get<int64_t>(), params) << comp;
        EXPECT_EQ(j["components"][comp]["dtype"], "F32") << comp;
      }
      EXPECT_TRUE(j["accounting"]["unexplained"].empty());
      if (pass == 0)
        std::printf("%s: format %s, family %s, params unet %lld vae %lld text_encoder %lld, AutoV2 %s, legacy %s\n",
                    in.filename().c_str(), j["format"].get<std::string>().c_str(), j["family"].get<std::string>().c_str(),
                    (long long)j["components"]["unet"]["params"].get<int64_t>(),
                    (long long)j["components"]["vae"]["params"].get<int64_t>(),
                    (long long)j["components"]["text_encoder"]["params"].get<int64_t>(), j["autov2"].dump().c_str(),
                    j["legacy_hash"].dump().c_str());
      if (folder) {
        EXPECT_TRUE(j["sha256"].is_null());
        EXPECT_TRUE(j["autov2"].is_null());
        EXPECT_TRUE(j["legacy_hash"].is_null());
        continue;
      }
      std::string sha = sh("sha256sum " + q(in));
      std::string legacy = sh("tail -c +1048577 " + q(in) + " | head -c 65536 | sha256sum").substr(0, 8);
      ASSERT_EQ(sha.size(), 64u);
      EXPECT_EQ(j["sha256"], sha);
      EXPECT_EQ(j["autov2"], sha.substr(0, 10));
      EXPECT_EQ(j["legacy_hash"], legacy);
      EXPECT_EQ(j["hash_cached"].get<bool>(), pass == 1);
    }
  }
}

TEST(CliInfo, UsageAndBadInput) {
  EXPECT_EQ(run("info --help").rc, 0);
  Proc none = run("info");
  EXPECT_EQ(none.rc, 2);
  EXPECT_NE(none.out.find("missing PATH"), std::string::npos) << none.out;
  Proc bad_opt = run("info --frobnicate x");
  EXPECT_EQ(bad_opt.rc, 2);
  EXPECT_NE(bad_opt.out.find("--frobnicate"), std::string::npos) << bad_opt.out;
  Proc missing = run("info /nonexistent/model.safetensors");
  EXPECT_EQ(missing.rc, 1);
  EXPECT_NE(missing.out.find("/nonexistent/model.safetensors"), std::string::npos) << missing.out;
  // Not a model: a text file.
  fs::path junk = easel::test::temp_dir("cli-info-junk") / "junk.safetensors";
  FILE* f = std::fopen(junk.c_str(), "w");
  std::fputs("this is not a model\n", f);
  std::fclose(f);
  Proc j = run("info " + q(junk));
  EXPECT_EQ(j.rc, 1) << j.out;
  EXPECT_NE(j.out.find("error"), std::string::npos) << j.out;
}
