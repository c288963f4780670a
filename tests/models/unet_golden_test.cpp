// UNet eps against the diffusers goldens (unet*.json): every timestep case (integer, per-sample,
// non-integer) and the CFG batch, on each backend and file layout. Tolerances: see
// clip_golden_test.cpp (the oracle measured float64-vs-float32 rel <= 2e-6 for these outputs).
#include <gtest/gtest.h>

#include <cstdio>

#include "backend/backend.h"
#include "core/error.h"
#include "golden_support.h"
#include "io/safetensors.h"
#include "models/unet/unet.h"

using namespace easel;
using namespace easel::test;

namespace {
std::vector<float> values(const Tensor& t) {
  Tensor f = t.to_f32();
  return std::vector<float>(f.f32(), f.f32() + f.numel());
}
}  // namespace

TEST(UNetGolden, EpsCases) {
  auto sets = golden_sets();
  ASSERT_FALSE(sets.empty()) << "no oracle model sets under " << oracle_dir();
  int files = 0;
  for (auto& set : sets) {
    for (auto& jf : golden_files(set, "unet")) {
      ++files;
      TensorStore g = load_safetensors(std::filesystem::path(jf).replace_extension(".safetensors"));
      // Cases: every "<name>.eps" with "<name>.timesteps"; inputs "<name>.sample"/"<name>.context"
      // when the case has its own, else the shared "sample"/"context".
      std::vector<std::string> cases;
      for (auto& [name, t] : g.tensors)
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".eps") == 0) cases.push_back(name.substr(0, name.size() - 4));
      ASSERT_FALSE(cases.empty()) << jf;
      auto layouts = layout_stores(set);
      EXPECT_FALSE(layouts.empty()) << "no model file in " << set.dir;
      for (auto& layout : layouts) {
        const UNetConfig cfg = unet_config(layout);
        for (auto& bname : golden_backends()) {
          auto be = make_backend(bname);
          UNet unet(*be, layout.components.at("unet"), cfg);
          const std::string tag = set.model + "/" + jf.filename().string() + "/" + layout.label + "/" + bname;
          int pass = 0;
          size_t reserved = 0;
          for (auto& c : cases) {
            const Tensor& x = g.has(c + ".sample") ? g.at(c + ".sample") : g.at("sample");
            const Tensor& ctx = g.has(c + ".context") ? g.at(c + ".context") : g.at("context");
            auto ts = values(g.at(c + ".timesteps"));
            Tensor eps = unet.forward(x.to_f32(), ts, ctx.to_f32());
            pass += check_close(tag, c + ".eps", eps, g.at(c + ".eps"));
            // Steady state: the first evaluation sized the arena; later ones of the same shape reuse it.
            if (!reserved) reserved = be->arena().reserved();
            EXPECT_EQ(be->arena().reserved(), reserved) << tag << " " << c << ": the arena grew after the first evaluation";
          }
          std::printf("[%s] %d/%zu cases pass; arena %.2f MiB\n", tag.c_str(), pass, cases.size(),
                      unet.arena_bytes() / 1048576.0);
        }
      }
    }
  }
  EXPECT_GT(files, 0) << "no unet golden files";
}

TEST(UNetGolden, BadInputsFailClearly) {
  auto sets = golden_sets();
  if (sets.empty()) GTEST_SKIP() << "no oracle";
  auto layouts = layout_stores(sets[0]);
  ASSERT_FALSE(layouts.empty());
  auto be = make_backend("ref");
  const UNetConfig cfg = unet_config(layouts[0]);
  UNet unet(*be, layouts[0].components.at("unet"), cfg);
  std::vector<float> t{1.f};
  Tensor ctx = Tensor::zeros({1, 77, cfg.context_dim});
  EXPECT_THROW(unet.forward(Tensor::zeros({1, cfg.in_channels, 7, 8}), t, ctx), Error);  // not a multiple of 8
  EXPECT_THROW(unet.forward(Tensor::zeros({1, cfg.in_channels + 1, 8, 8}), t, ctx), Error);
  EXPECT_THROW(unet.forward(Tensor::zeros({1, cfg.in_channels, 8, 8}), std::vector<float>{1.f, 2.f}, ctx), Error);
  EXPECT_THROW(unet.forward(Tensor::zeros({1, cfg.in_channels, 8, 8}), t, Tensor::zeros({1, 77, cfg.context_dim + 1})),
               Error);
  // A config that does not match the weights fails naming the tensor.
  UNetConfig wrong = cfg;
  wrong.model_channels *= 2;
  try {
    UNet bad(*be, layouts[0].components.at("unet"), wrong);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("time_embed.0.weight"), std::string::npos) << e.what();
  }
}

// SD 2.x / SDXL store proj_in/proj_out as Linear [C, C] instead of 1x1 convs [C, C, 1, 1]: the same
// weights in that form, with linear_projection set, must give the golden eps too.
TEST(UNetGolden, LinearProjectionMatchesConv) {
  auto sets = golden_sets();
  if (sets.empty()) GTEST_SKIP() << "no oracle";
  auto layouts = layout_stores(sets[0]);
  ASSERT_FALSE(layouts.empty());
  auto files = golden_files(sets[0], "unet");
  ASSERT_FALSE(files.empty());
  TensorStore g = load_safetensors(std::filesystem::path(files[0]).replace_extension(".safetensors"));
  const TensorStore& conv_store = layouts[0].components.at("unet");
  TensorStore lin = conv_store;
  int changed = 0;
  for (auto& [name, t] : lin.tensors) {
    const bool proj = name.find(".proj_in.weight") != std::string::npos || name.find(".proj_out.weight") != std::string::npos;
    if (proj && t.ndim() == 4) {
      t = t.reshaped({t.dim(0), t.dim(1)});
      ++changed;
    }
  }
  ASSERT_GT(changed, 0);
  UNetConfig cfg = unet_config(layouts[0]);
  cfg.linear_projection = true;
  auto be = make_backend("cpu");
  UNet unet(*be, lin, cfg);
  std::vector<std::string> cases;
  for (auto& [name, t] : g.tensors)
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".eps") == 0 && g.has(name.substr(0, name.size() - 4) + ".timesteps"))
      cases.push_back(name.substr(0, name.size() - 4));
  ASSERT_FALSE(cases.empty());
  const std::string& c = cases[0];
  const Tensor& x = g.has(c + ".sample") ? g.at(c + ".sample") : g.at("sample");
  const Tensor& ctx = g.has(c + ".context") ? g.at(c + ".context") : g.at("context");
  Tensor eps = unet.forward(x.to_f32(), values(g.at(c + ".timesteps")), ctx.to_f32());
  EXPECT_TRUE(check_close("linear-projection/cpu", c + ".eps", eps, g.at(c + ".eps")));
}
