// The built-in easel-shapes model, loaded once per test executable, and small helpers to paint
// with it the way the evaluation asks (Euler a, 20 steps, CFG 7, at the model's own 128x128).
#pragma once
#include <string>
#include <vector>

#include "builtin/shape_analyser.h"
#include "pipeline/generate.h"

namespace easel::test {

// Whether models/easel-shapes/easel-shapes.safetensors exists. It is committed, so a test that
// needs it fails without it.
bool have_builtin_model();
#define EASEL_REQUIRE_BUILTIN() \
  ASSERT_TRUE(::easel::test::have_builtin_model()) << "models/easel-shapes/easel-shapes.safetensors is missing"

// Loads models/easel-shapes/easel-shapes.safetensors (the shipped file); fails the test when it
// is missing.
SDModel& builtin_model();
const ShapeVocabulary& builtin_vocabulary();
// The analyser for the model's pictures: prototypes ideal and drawn through vae_round_trip.
const SceneAnalyser& builtin_analyser();

// The sharpest the model can draw `im`: the built-in VAE's encode (posterior mean) -> decode.
Image vae_round_trip(const Image& im);

// The evaluation's settings: Euler a, 20 steps, CFG 7, native size, GPU RNG, given prompt and seed.
GenerationParams eval_params(const std::string& prompt, int64_t seed);

// `n` images for seeds seed, seed+1, ... (A1111 batch seeds), generated in batches of up to 10.
std::vector<Image> paint(GenerationParams p, int n);

// Mean of a vector, and the share of pairs where a[i] > b[i].
double mean(const std::vector<double>& v);
double share_greater(const std::vector<double>& a, const std::vector<double>& b);

// Writes the images side by side (`cols` per row) to build/<name>.png for a person to look at.
void write_contact_sheet(const std::string& name, const std::vector<Image>& images, int cols);

}  // namespace easel::test
