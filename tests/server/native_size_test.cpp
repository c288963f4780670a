// PipelineService::checkpoints() reports each checkpoint's native size from its safetensors
// metadata ("easel.config" image_size), read when the list is scanned; files that say nothing
// or cannot be read are listed with 0, never dropped and never an error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/tensor.h"
#include "io/safetensors.h"
#include "server/pipeline_service.h"

namespace easel::test {
namespace {
namespace fs = std::filesystem;

int native_size(const std::vector<server::CheckpointInfo>& list, const std::string& name) {
  for (auto& c : list)
    if (c.model_name == name) return c.native_size;
  ADD_FAILURE() << name << " not listed";
  return -1;
}

TEST(NativeSize, ReadFromSafetensorsMetadataWhenScanned) {
  const fs::path dir = fs::path(EASEL_BINARY_DIR) / "native-size-models";
  fs::remove_all(dir);
  const fs::path sd = dir / "Stable-diffusion";
  fs::create_directories(sd);
  const std::map<std::string, Tensor> dummy = {{"x", Tensor::zeros({2, 2})}};
  save_safetensors((sd / "small.safetensors").string(), dummy,
                   {{"easel.config", R"({"family": "sd1", "image_size": 96})"}});
  save_safetensors((sd / "plain.safetensors").string(), dummy);
  std::ofstream((sd / "corrupt.safetensors").string(), std::ios::binary) << "\xff\xff\xff\xff not a header";
  std::ofstream((sd / "empty.safetensors").string(), std::ios::binary);

  server::PipelineServiceOptions o;
  o.models_dir = dir.string();
  o.load.hash = false;
  server::PipelineService s(o);
  auto list = s.checkpoints();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(native_size(list, "small"), 96);
  EXPECT_EQ(native_size(list, "plain"), 0);
  EXPECT_EQ(native_size(list, "corrupt"), 0);
  EXPECT_EQ(native_size(list, "empty"), 0);

  // Cached per scan: the listing does not re-read the file until the list is refreshed.
  save_safetensors((sd / "plain.safetensors").string(), dummy, {{"easel.config", R"({"image_size": 64})"}});
  EXPECT_EQ(native_size(s.checkpoints(), "plain"), 0);
  s.refresh_checkpoints();
  EXPECT_EQ(native_size(s.checkpoints(), "plain"), 64);
  EXPECT_EQ(native_size(s.checkpoints(), "small"), 96);
}

}  // namespace
}  // namespace easel::test
