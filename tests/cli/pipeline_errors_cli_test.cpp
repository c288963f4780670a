// Bad txt2img/img2img requests: each gives exit code 2, one error line naming the problem, and
// writes nothing (the output folder is not even created).
#include <gtest/gtest.h>

#include "pipeline/golden_sets.h"
#include "pipeline_cli_util.h"

namespace easel::test {
namespace {

struct BadCase {
  std::string name;
  std::vector<std::string> args;  // after the common ones
  std::string expect;             // substring of the message
  bool img2img = false;
};

TEST(PipelineCli, BadInputsOneMessageNothingWritten) {
  auto sets = e2e_sets();
  ASSERT_FALSE(sets.empty());
  const auto& set = sets[0];
  ASSERT_FALSE(set.layouts.empty());
  const std::string model = set.layouts[0].path.string();
  auto root = temp_dir("cli-bad");
  std::ofstream(root / "not-an-image.png") << "this is text, not a PNG";
  const std::vector<BadCase> cases = {
      {"unknown sampler", {"--sampler", "Euler b"}, "valid samplers: DPM++ 2M"},
      {"unknown scheduler", {"--scheduler", "Karas"}, "valid schedule types"},
      {"width not multiple of 8", {"-W", "100"}, "width"},
      {"height not multiple of 8", {"-H", "60"}, "height"},
      {"size the UNet cannot take", {"-W", "72"}, "multiple of 64"},
      {"negative steps", {"--steps", "-5"}, "steps"},
      {"zero steps", {"--steps", "0"}, "steps"},
      {"bad rng", {"--rng", "tpu"}, "rng"},
      {"cfg out of range", {"--cfg-scale", "-1"}, "cfg"},
      {"missing model", {"-m", (root / "no-such-model.safetensors").string()}, "not found"},
      {"missing model name", {"-m", "no-such-model", "--models-dir", (root / "models").string()}, "not found"},
      {"unreadable image", {"-i", (root / "not-an-image.png").string()}, "not-an-image.png", true},
      {"missing image", {"-i", (root / "nothing.png").string()}, "nothing.png", true},
      {"strength out of range", {"-i", (set.dir / "golden" / "vae_encode_input.png").string(), "--denoising-strength", "1.5"},
       "denoising strength", true},
      {"bad resize mode", {"-i", (set.dir / "golden" / "vae_encode_input.png").string(), "--resize-mode", "stretch"},
       "resize mode", true},
  };
  int pass = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    auto out = root / ("out" + std::to_string(i));
    std::vector<std::string> args = {c.img2img ? "img2img" : "txt2img", "-m", model, "--tokenizer", set.tokenizer.string(),
                                     "-p", "a cat", "-W", "64", "-H", "64", "--steps", "2", "-o", out.string(),
                                     "--preview-every", "1", "--save-latents", (out / "lat").string()};
    args.insert(args.end(), c.args.begin(), c.args.end());  // later options win in CLI11
    RunResult r = run_easel(args, root / ("run" + std::to_string(i)));
    const size_t lines = std::count(r.err.begin(), r.err.end(), '\n');
    const bool ok = r.code == 2 && r.err.find(c.expect) != std::string::npos && lines == 1 && !std::filesystem::exists(out);
    EXPECT_TRUE(ok) << c.name << ": code " << r.code << ", stderr: " << r.err;
    pass += ok;
    std::printf("[cli errors] %-26s exit %d  %s", c.name.c_str(), r.code, r.err.c_str());
  }
  std::printf("[cli errors] %d/%zu bad inputs rejected cleanly\n", pass, cases.size());
}

}  // namespace
}  // namespace easel::test
