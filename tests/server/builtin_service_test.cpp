// The server offers the built-in model: listed after everything in the models folder, and the
// default checkpoint only when the folder has none.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/safetensors.h"
#include "pipeline/model_finder.h"
#include "pipeline/sidecar_config.h"
#include "server/pipeline_service.h"

namespace easel::test {
namespace {
namespace fs = std::filesystem;

const fs::path kModels = fs::path(EASEL_SOURCE_DIR) / "models";

TEST(BuiltinService, FoundInTheRepositoryModelsFolder) {
  const std::string p = builtin_model_path(kModels.string());
  if (p.empty()) GTEST_SKIP() << "built-in model not exported yet";
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
  if (o.builtin_model.empty()) GTEST_SKIP() << "built-in model not exported yet";
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

}  // namespace
}  // namespace easel::test
