// The server offers the built-in model: listed after everything in the models folder, and the
// default checkpoint only when the folder has none.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "pipeline/model_finder.h"
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
