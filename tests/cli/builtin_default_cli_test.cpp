// `easel txt2img` with no -m paints with the built-in model at its own size (128x128), and the
// picture carries the built-in model's name and A1111 hash; explicit sizes and a wrong
// $EASEL_BUILTIN_MODEL behave as a user expects.
#include <gtest/gtest.h>

#include <chrono>

#include "cli/pipeline_cli_util.h"
#include "io/image.h"
#include "naming/file_hash.h"

namespace easel::test {
namespace {
namespace fs = std::filesystem;

const fs::path kBuiltin = fs::path(EASEL_SOURCE_DIR) / "models/easel-shapes/easel-shapes.safetensors";

TEST(BuiltinDefaultCli, NoModelFlagUsesTheBuiltinModel) {
  ASSERT_TRUE(fs::exists(kBuiltin)) << kBuiltin << " is missing";
  const fs::path dir = fs::path(EASEL_BINARY_DIR) / "cli-builtin-default";
  fs::remove_all(dir);
  const fs::path empty_models = dir / "empty-models";  // another models folder: still found
  fs::create_directories(empty_models);
  const auto t0 = std::chrono::steady_clock::now();
  RunResult r = run_easel({"txt2img", "-p", "a red circle on a blue background", "--sampler", "Euler a", "--seed", "7",
                           "-q", "-o", (dir / "out").string()},
                          dir / "run", "EASEL_MODELS_DIR=" + shell_quote(empty_models.string()));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.code, 0) << r.err;
  std::printf("easel txt2img with the built-in model, 128x128, 20 steps: %.2f s wall (process start to exit)\n", secs);
  auto pngs = files_in(dir / "out");
  ASSERT_EQ(pngs.size(), 1u);
  Image im = read_image(pngs[0].string());
  EXPECT_EQ(im.width, 128);
  EXPECT_EQ(im.height, 128);
  const std::string info = im.text.at("parameters");
  EXPECT_NE(info.find("Size: 128x128"), std::string::npos) << info;
  EXPECT_NE(info.find("Model: easel-shapes"), std::string::npos) << info;
  EXPECT_NE(info.find("Model hash: " + file_hashes(kBuiltin.string()).autov2()), std::string::npos) << info;
}

TEST(BuiltinDefaultCli, ExplicitSizeWins) {
  ASSERT_TRUE(fs::exists(kBuiltin)) << kBuiltin << " is missing";
  const fs::path dir = fs::path(EASEL_BINARY_DIR) / "cli-builtin-size";
  fs::remove_all(dir);
  RunResult r = run_easel({"txt2img", "-p", "a blue square", "--steps", "2", "--seed", "1", "-W", "64", "-H", "96", "-q",
                           "-o", (dir / "out").string()},
                          dir / "run");
  ASSERT_EQ(r.code, 0) << r.err;
  auto pngs = files_in(dir / "out");
  ASSERT_EQ(pngs.size(), 1u);
  Image im = read_image(pngs[0].string());
  EXPECT_EQ(im.width, 64);
  EXPECT_EQ(im.height, 96);
}

TEST(BuiltinDefaultCli, WrongBuiltinPathIsAnError) {
  const fs::path dir = fs::path(EASEL_BINARY_DIR) / "cli-builtin-wrong";
  fs::remove_all(dir);
  RunResult r = run_easel({"txt2img", "-p", "x", "-o", (dir / "out").string()}, dir / "run",
                          "EASEL_BUILTIN_MODEL=/nonexistent/model.safetensors");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("EASEL_BUILTIN_MODEL"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/model.safetensors"), std::string::npos) << r.err;
  EXPECT_TRUE(files_in(dir / "out").empty());
}

}  // namespace
}  // namespace easel::test
