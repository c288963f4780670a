// The three layouts of tiny-sd15 (diffusers folder, LDM .safetensors, LDM .ckpt) through the
// real readers: the same canonical tensors bit for bit, and nothing unexplained.
#include <gtest/gtest.h>

#include <cstring>

#include "naming/canonical_model.h"
#include "naming_test_util.h"

using namespace easel;

TEST(Layouts, TinySd15AllLayoutsGiveIdenticalCanonicalTensors) {
  const std::string dir = easel::test::tiny_dir();
  const std::string paths[] = {dir + "/model", dir + "/tiny-sd15.safetensors", dir + "/tiny-sd15.ckpt"};
  std::vector<CanonicalModel> models;
  for (auto& p : paths) {
    models.push_back(load_model(p));
    auto& m = models.back();
    EXPECT_TRUE(m.accounting.unexplained.empty()) << p;
    std::printf("%s: format %s, layout %s, %zu tensors (%zu mapped, %zu ignored)\n", p.c_str(), m.format.c_str(),
                m.layout.c_str(), m.accounting.total, m.accounting.mapped, m.accounting.ignored);
  }
  EXPECT_EQ(models[0].format, "diffusers");
  EXPECT_EQ(models[1].format, "safetensors");
  EXPECT_FALSE(models[0].tokenizer_dir.empty());
  for (size_t k = 1; k < models.size(); ++k) {
    size_t compared = 0, differ = 0;
    ASSERT_EQ(models[k].components.size(), models[0].components.size());
    for (auto& [comp, store] : models[0].components) {
      auto& other = models[k].at(comp);
      EXPECT_EQ(other.tensors.size(), store.tensors.size()) << comp;
      for (auto& [name, t] : store.tensors) {
        ++compared;
        auto it = other.tensors.find(name);
        bool same = it != other.tensors.end() && it->second.dtype() == t.dtype() && it->second.shape() == t.shape() &&
                    std::memcmp(it->second.raw(), t.raw(), t.nbytes()) == 0;
        if (!same) {
          ++differ;
          ADD_FAILURE() << paths[k] << ": " << comp << "/" << name << " differs from the diffusers folder";
        }
      }
    }
    std::printf("%s vs folder: %zu canonical tensors, %zu differ\n", paths[k].c_str(), compared, differ);
  }
}
