// Interrupting a job: as A1111, the running batch is decoded from the sampler's last prediction
// and delivered, later batches are not run, and the caller is told (Interrupted).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>

#include "golden_sets.h"
#include "pipeline/generate.h"
#include "sampling/cfg_denoiser.h"

namespace easel::test {
namespace {

TEST(Interrupt, RunningBatchIsDecodedFromTheLastPrediction) {
  auto sets = e2e_sets();
  ASSERT_FALSE(sets.empty());
  ModelLoadOptions lo;
  lo.tokenizer_dir = sets[0].tokenizer.string();
  auto m = SDModel::load(sets[0].layouts[0].path.string(), lo);
  GenerationParams p;
  p.prompt = "a cat";
  p.steps = 20;
  p.sampler = "Euler";
  p.width = p.height = 64;
  p.seed = 11;
  p.batch_size = 2;
  p.batch_count = 3;
  std::atomic<bool> cancel{false};
  int steps_seen = 0;
  Tensor last_x;
  std::vector<GeneratedImage> got;
  GenerateCallbacks cb;
  cb.on_step = [&](const StepEvent& e) {
    ++steps_seen;
    last_x = e.x.clone();
    if (e.batch == 0 && e.step == 3) cancel = true;
  };
  cb.on_image = [&](const GeneratedImage& g) { got.push_back(g); };
  EXPECT_THROW(Generator(*m).generate(p, cb, &cancel), Interrupted);
  EXPECT_EQ(steps_seen, 4);
  ASSERT_EQ(got.size(), 2u) << "the interrupted batch is still delivered";
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(got[size_t(i)].seed, 11 + i);
    EXPECT_EQ(got[size_t(i)].image.width, 64);
    // The delivered latent is the model's prediction, not the noisy sampler state.
    const float* a = got[size_t(i)].latent.f32();
    const float* x = last_x.f32() + i * got[size_t(i)].latent.numel();
    double diff = 0;
    for (int64_t k = 0; k < got[size_t(i)].latent.numel(); ++k) {
      ASSERT_TRUE(std::isfinite(a[k]));
      diff += std::abs(a[k] - x[k]);
    }
    EXPECT_GT(diff, 0.0);
  }
  // Cancelled before a batch starts: A1111 breaks out of its batch loop, nothing is sampled.
  cancel = true;
  got.clear();
  steps_seen = 0;
  EXPECT_THROW(Generator(*m).generate(p, cb, &cancel), Interrupted);
  EXPECT_EQ(got.size(), 0u);
  EXPECT_EQ(steps_seen, 0);
}

}  // namespace
}  // namespace easel::test
