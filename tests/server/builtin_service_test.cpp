// The server offers the built-in model: listed after everything in the models folder, and the
// default checkpoint only when the folder has none.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "io/safetensors.h"
#include "pipeline/model_finder.h"
#include "pipeline/sidecar_config.h"
#include "server/pipeline_service.h"
#include "server/tiny_engine.h"

namespace easel::test {
namespace {
namespace fs = std::filesystem;

const fs::path kModels = fs::path(EASEL_SOURCE_DIR) / "models";

TEST(BuiltinService, FoundInTheRepositoryModelsFolder) {
  const std::string p = builtin_model_path(kModels.string());
  ASSERT_FALSE(p.empty()) << "built-in model not found in " << kModels;
  EXPECT_TRUE(fs::equivalent(p, kModels / "easel-shapes/easel-shapes.safetensors"));
  EXPECT_TRUE(fs::equivalent(tokenizer_beside(p), kModels / "easel-shapes/tokenizer"));
  EXPECT_TRUE(tokenizer_beside((kModels / "no-such.safetensors").string()).empty());  // models/ has no tokenizer/
  EXPECT_TRUE(tokenizer_beside("/nonexistent/x.safetensors").empty());
}

TEST(BuiltinService, DefaultOnlyWhenTheModelsFolderIsEmpty) {
  const fs::path dir = fs::path(EASEL_BINARY_DIR) / "builtin-service";
  fs::remove_all(dir);
  fs::create_directories(dir / "Stable-diffusion");
  server::PipelineServiceOptions o;
  o.models_dir = dir.string();
  o.load.hash = false;
  o.builtin_model = builtin_model_path(kModels.string());
  ASSERT_FALSE(o.builtin_model.empty()) << "built-in model not found in " << kModels;
  {
    server::PipelineService s(o);
    auto list = s.checkpoints();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].model_name, "easel-shapes");
    EXPECT_EQ(s.current_checkpoint(), list[0].title);
    // Its native size (128 at the time of writing) as the loader reads it from the metadata.
    const int want = read_sidecar_config(o.builtin_model, load_safetensors(o.builtin_model).metadata).image_size.value_or(0);
    EXPECT_GT(want, 0);
    EXPECT_EQ(list[0].native_size, want);
  }
  // A checkpoint in the folder comes first and is the default; the built-in one stays listed.
  fs::copy_file(o.builtin_model, dir / "Stable-diffusion" / "mine.safetensors");
  server::PipelineService s(o);
  auto list = s.checkpoints();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].model_name, "mine");
  EXPECT_EQ(list[1].model_name, "easel-shapes");
  EXPECT_EQ(s.current_checkpoint(), list[0].title);
}

// A --tokenizer given for the SD checkpoints must not replace the built-in model's own vocabulary
// (tokenizer/ beside it) when the user switches to it. Here the "built-in" model is a copy of the
// oracle's tiny model with CLIP's tokenizer beside it, and the explicit tokenizer has one token more
// than any text encoder here has rows: the loader refuses it for the ordinary checkpoint (naming both
// sizes) and the built-in one loads with its own.
TEST(BuiltinService, ExplicitTokenizerDoesNotReplaceTheBuiltinModelsOwn) {
  const fs::path tiny = tiny_model_dir() / "tiny-sd15.safetensors", clip_tok = tiny_model_dir() / "model" / "tokenizer";
  if (!fs::exists(tiny)) GTEST_SKIP() << "oracle tiny model not found at " << tiny;
  const fs::path dir = fs::path(EASEL_BINARY_DIR) / "builtin-tokenizer";
  fs::remove_all(dir);
  fs::create_directories(dir / "Stable-diffusion");
  fs::create_directories(dir / "builtin" / "tokenizer");
  fs::create_directories(dir / "big-tokenizer");
  fs::copy_file(tiny, dir / "builtin" / "shapes.safetensors");
  fs::copy_file(tiny_model_dir() / "tiny-sd15.hparams.json", dir / "builtin" / "shapes.hparams.json");  // head counts
  for (const char* f : {"vocab.json", "merges.txt"}) fs::copy_file(clip_tok / f, dir / "builtin" / "tokenizer" / f);
  fs::copy_file(clip_tok / "merges.txt", dir / "big-tokenizer" / "merges.txt");
  nlohmann::json vocab = nlohmann::json::parse(std::ifstream(clip_tok / "vocab.json"));
  const size_t rows = vocab.size();
  vocab["zzextra</w>"] = rows;
  std::ofstream(dir / "big-tokenizer" / "vocab.json") << vocab.dump();

  server::PipelineServiceOptions o;
  o.models_dir = dir.string();
  o.extra_models = {tiny.string()};
  o.builtin_model = (dir / "builtin" / "shapes.safetensors").string();
  o.load.hash = false;
  o.load.tokenizer_dir = (dir / "big-tokenizer").string();
  server::PipelineService s(o);
  auto list = s.checkpoints();
  ASSERT_EQ(list.size(), 2u);
  ASSERT_EQ(list[0].model_name, "tiny-sd15");
  ASSERT_EQ(list[1].model_name, "shapes");
  try {
    s.select_checkpoint(list[0].title);
    ADD_FAILURE() << "a tokenizer with more tokens than the embedding has rows was accepted";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(std::to_string(rows + 1) + " tokens"), std::string::npos) << msg;
    EXPECT_NE(msg.find(std::to_string(rows) + " rows"), std::string::npos) << msg;
    EXPECT_NE(msg.find("big-tokenizer"), std::string::npos) << msg;
  }
  ASSERT_NO_THROW(s.select_checkpoint(list[1].title));
  EXPECT_EQ(s.current_checkpoint(), list[1].title);
  EXPECT_EQ(s.count_tokens("a red circle", 20), std::make_pair(3, 75));
}

}  // namespace
}  // namespace easel::test
