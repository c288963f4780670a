// CLIP text encoder against the transformers goldens (text_encoder*.json): last hidden state,
// CLIP-skip-2 state and every layer's raw hidden state, on each backend and file layout.
//
// Tolerance: every output is a chain of float32 dot products (length <= a few thousand) and
// normalisations. Summation order differs from torch's (blocked oneDNN / plain loops), so each
// element carries an error of a few ulp times sqrt(K) relative to its magnitude; the oracle
// measured float64-vs-float32 differences of rel <= 2e-6 for these outputs. We allow rel 1e-4
// (50x headroom, as the oracle README suggests) and NMSE 1e-9 (RMS relative error ~3e-5); a real
// bug (wrong eps, order, mask, activation) gives rel >= 1e-3 and NMSE >= 1e-6.
#include <gtest/gtest.h>

#include <cstdio>

#include "backend/backend.h"
#include "core/error.h"
#include "golden_support.h"
#include "io/safetensors.h"
#include "models/clip/clip_text.h"

using namespace easel;
using namespace easel::test;

TEST(ClipGolden, TextEncoderStates) {
  auto sets = golden_sets();
  ASSERT_FALSE(sets.empty()) << "no oracle model sets under " << oracle_dir();
  int files = 0;
  for (auto& set : sets) {
    for (auto& jf : golden_files(set, "text_encoder")) {
      ++files;
      TensorStore g = load_safetensors(std::filesystem::path(jf).replace_extension(".safetensors"));
      std::vector<int> prompts;
      for (int p = 0; g.has("p" + std::to_string(p) + ".input_ids"); ++p) prompts.push_back(p);
      ASSERT_FALSE(prompts.empty()) << jf;
      const int B = int(prompts.size());
      const int L = int(g.at("p" + std::to_string(prompts[0]) + ".input_ids").numel());
      std::vector<int32_t> ids;
      for (int p : prompts) {
        Tensor t = g.at("p" + std::to_string(p) + ".input_ids").to_f32();
        ASSERT_EQ(t.numel(), L) << jf;
        for (int i = 0; i < L; ++i) ids.push_back(int32_t(t.f32()[i]));
      }
      auto layouts = layout_stores(set);
      EXPECT_FALSE(layouts.empty()) << "no model file in " << set.dir;
      for (auto& layout : layouts) {
        const ClipTextConfig cfg = clip_config(set, layout);
        ASSERT_EQ(cfg.max_positions, L) << jf;
        auto row = [&](const Tensor& batch, int p) {
          return Tensor::from({1, L, cfg.hidden}, std::span<const float>(batch.f32() + int64_t(p) * L * cfg.hidden,
                                                                        size_t(L) * cfg.hidden));
        };
        for (auto& bname : golden_backends()) {
          auto be = make_backend(bname);
          ClipTextEncoder enc(*be, layout.components.at("text_encoder"), cfg);
          const std::string tag = set.model + "/" + jf.filename().string() + "/" + layout.label + "/" + bname;
          int pass = 0, total = 0;
          // The whole prompt list as one batch: batch rows must not interact.
          Tensor last = enc.encode(ids, B, 1);
          const size_t reserved = be->arena().reserved();
          Tensor pen = enc.encode(ids, B, 2);
          EXPECT_EQ(be->arena().reserved(), reserved) << tag << ": the arena grew after the first evaluation";
          for (int p = 0; p < B; ++p) {
            const std::string pn = "p" + std::to_string(prompts[p]);
            total += 2;
            pass += check_close(tag, pn + ".last_hidden_state", row(last, p), g.at(pn + ".last_hidden_state"));
            pass += check_close(tag, pn + ".penultimate_normed", row(pen, p), g.at(pn + ".penultimate_normed"));
          }
          // Raw layer outputs (no final norm): hidden_states.K = output of layer K.
          for (int k = 1; k <= cfg.layers; ++k) {
            Tensor h = enc.encode(ids, B, cfg.layers - k + 1, /*final_norm=*/false);
            for (int p = 0; p < B; ++p) {
              const std::string name = "p" + std::to_string(prompts[p]) + ".hidden_states." + std::to_string(k);
              if (!g.has(name)) continue;
              ++total;
              pass += check_close(tag, name, row(h, p), g.at(name));
            }
          }
          std::printf("[%s] %d/%d outputs pass; arena %.2f MiB\n", tag.c_str(), pass, total,
                      enc.arena_bytes() / 1048576.0);
        }
      }
    }
  }
  EXPECT_GT(files, 0) << "no text_encoder golden files";
}

TEST(ClipGolden, BadTokenIdFailsClearly) {
  auto sets = golden_sets();
  if (sets.empty()) GTEST_SKIP() << "no oracle";
  auto layouts = layout_stores(sets[0]);
  ASSERT_FALSE(layouts.empty());
  auto be = make_backend("ref");
  const ClipTextConfig cfg = clip_config(sets[0], layouts[0]);
  ClipTextEncoder enc(*be, layouts[0].components.at("text_encoder"), cfg);
  std::vector<int32_t> ids(cfg.max_positions, cfg.vocab_size);
  EXPECT_THROW(enc.encode(ids, 1), Error);
  EXPECT_THROW(enc.encode(std::vector<int32_t>(5, 0), 1), Error);
  std::vector<int32_t> ok(cfg.max_positions, 0);
  EXPECT_THROW(enc.encode(ok, 1, cfg.layers + 1), Error);
}
