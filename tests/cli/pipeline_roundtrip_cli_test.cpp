// txt2img -> pnginfo -> txt2img --from-png gives the same image bit for bit; flags override the
// stored settings; models are found by name and hash in an A1111-style models folder; batches
// are numbered like A1111's outputs; previews are written every N steps.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/image.h"
#include "pipeline/golden_sets.h"
#include "pipeline_cli_util.h"

namespace easel::test {
namespace {
namespace fs = std::filesystem;

struct Fixture {
  E2ESet set;
  fs::path single;  // an LDM single file of the set
};

Fixture fixture() {
  auto sets = e2e_sets();
  if (sets.empty()) throw std::runtime_error("no model set with goldens under the oracle");
  Fixture f{sets[0], {}};
  for (auto& l : f.set.layouts)
    if (l.path.extension() == ".safetensors") f.single = l.path;
  if (f.single.empty()) throw std::runtime_error("no single-file model in " + f.set.dir.string());
  return f;
}

TEST(PipelineCli, PngInfoFromPngRoundTrip) {
  Fixture fx = fixture();
  auto dir = temp_dir("cli-roundtrip");
  // Two batches with the default GPU (NV) RNG; the second image (seed 124) is reproduced alone.
  RunResult a = run_easel({"txt2img", "-m", fx.single.string(), "--tokenizer", fx.set.tokenizer.string(), "-p",
                           "a (red:1.2) fox, [snow:rain:2]", "-n", "blurry", "--sampler", "Euler a", "--steps", "5",
                           "--seed", "123", "-W", "64", "-H", "64", "--batch-count", "2", "--clip-skip", "2", "-o",
                           (dir / "a").string(), "--preview-every", "2", "--preview-dir", (dir / "prev").string(), "-q"},
                          dir / "run-a");
  ASSERT_EQ(a.code, 0) << a.err;
  auto first = files_in(dir / "a");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].filename().string(), "00000-123.png");
  EXPECT_EQ(first[1].filename().string(), "00001-124.png");
  EXPECT_EQ(files_in(dir / "prev").size(), 4u);  // steps 2 and 4 of each image

  RunResult info = run_easel({"pnginfo", first[1].string(), "--json"}, dir / "run-info");
  ASSERT_EQ(info.code, 0) << info.err;
  auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["seed"], 124);
  EXPECT_EQ(j["sampler"], "Euler a");
  EXPECT_EQ(j["clip_skip"], 2);
  EXPECT_EQ(j["prompt"], "a (red:1.2) fox, [snow:rain:2]");
  EXPECT_EQ(j["model"], fx.single.stem().string());
  EXPECT_EQ(j["model_hash"].get<std::string>().size(), 10u);
  std::printf("[cli roundtrip] parameters: %s\n", j["parameters"].get<std::string>().c_str());

  RunResult b = run_easel({"txt2img", "--from-png", first[1].string(), "-m", fx.single.string(), "--tokenizer",
                           fx.set.tokenizer.string(), "-o", (dir / "b").string(), "-q"},
                          dir / "run-b");
  ASSERT_EQ(b.code, 0) << b.err;
  auto second = files_in(dir / "b");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].filename().string(), "00000-124.png");
  Image x = read_image(first[1].string()), y = read_image(second[0].string());
  EXPECT_EQ(x.rgb, y.rgb) << "the --from-png image differs";
  EXPECT_EQ(x.text["parameters"], y.text["parameters"]);
  EXPECT_EQ(slurp(first[1]), slurp(second[0])) << "PNG files differ";

  // An explicit flag overrides the stored value; the output counter continues in the folder.
  RunResult c = run_easel({"txt2img", "--from-png", first[1].string(), "-m", fx.single.string(), "--tokenizer",
                           fx.set.tokenizer.string(), "--steps", "3", "-o", (dir / "b").string(), "-q"},
                          dir / "run-c");
  ASSERT_EQ(c.code, 0) << c.err;
  auto third = files_in(dir / "b");
  ASSERT_EQ(third.size(), 2u);
  EXPECT_EQ(third[1].filename().string(), "00001-124.png");
  EXPECT_NE(read_image(third[1].string()).text["parameters"].find("Steps: 3,"), std::string::npos);
  EXPECT_NE(read_image(third[1].string()).rgb, x.rgb);
}

TEST(PipelineCli, PngInfoReadsPre19CombinedSamplerNames) {
  auto dir = temp_dir("cli-pnginfo-old");
  Image im;
  im.width = im.height = 8;
  im.rgb.assign(8 * 8 * 3, 128);
  im.text["parameters"] =
      "a castle\nNegative prompt: fog\nSteps: 30, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 99, Size: 512x768, "
      "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Clip skip: 2, ENSD: 31337, Version: v1.6.0";
  write_png((dir / "old.png").string(), im);
  RunResult r = run_easel({"pnginfo", (dir / "old.png").string(), "--json"}, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["sampler"], "DPM++ 2M");
  EXPECT_EQ(j["scheduler"], "Karras");
  EXPECT_EQ(j["steps"], 30);
  EXPECT_EQ(j["cfg_scale"], 6.5);
  EXPECT_EQ(j["width"], 512);
  EXPECT_EQ(j["height"], 768);
  EXPECT_EQ(j["clip_skip"], 2);
  EXPECT_EQ(j["ensd"], 31337);
  EXPECT_EQ(j["negative_prompt"], "fog");
  RunResult plain = run_easel({"pnginfo", (dir / "old.png").string()}, dir / "plain");
  EXPECT_EQ(plain.out, im.text["parameters"] + "\n");
  RunResult none = run_easel({"pnginfo", (dir / "nothing.png").string()}, dir / "none");
  EXPECT_EQ(none.code, 2);
}

TEST(PipelineCli, ModelsFolderByNameAndHash) {
  Fixture fx = fixture();
  auto dir = temp_dir("cli-models-dir");
  auto sd = dir / "models" / "Stable-diffusion";
  fs::create_directories(sd);
  // The checkpoint with its sidecar files, and the tokenizer where A1111-style folders keep it.
  for (auto& e : fs::directory_iterator(fx.single.parent_path()))
    if (e.is_regular_file() && e.path().stem().string().rfind(fx.single.stem().string(), 0) == 0 &&
        e.path().extension() != ".ckpt")
      fs::create_symlink(e.path(), sd / e.path().filename());
  fs::create_directory_symlink(fx.set.tokenizer, dir / "models" / "tokenizer");
  const std::string models = (dir / "models").string();
  RunResult byname = run_easel({"txt2img", "-m", fx.single.stem().string(), "--models-dir", models, "-p", "a cat",
                                "--steps", "2", "-W", "64", "-H", "64", "--seed", "5", "-o", (dir / "n").string(), "-q"},
                               dir / "run-n");
  ASSERT_EQ(byname.code, 0) << byname.err;
  Image img = read_image(files_in(dir / "n").at(0).string());
  const std::string params = img.text["parameters"];
  auto h = params.find("Model hash: ");
  ASSERT_NE(h, std::string::npos) << params;
  const std::string hash = params.substr(h + 12, 10);
  RunResult byhash = run_easel({"txt2img", "-m", hash, "-p", "a cat", "--steps", "2", "-W", "64", "-H", "64", "--seed",
                                "5", "-o", (dir / "h").string(), "-q"},
                               dir / "run-h", "EASEL_MODELS_DIR=" + shell_quote(models));
  ASSERT_EQ(byhash.code, 0) << byhash.err;
  EXPECT_EQ(read_image(files_in(dir / "h").at(0).string()).rgb, img.rgb);
  // Without a tokenizer anywhere, the error says how to give one.
  fs::remove(dir / "models" / "tokenizer");
  RunResult notok = run_easel({"txt2img", "-m", fx.single.stem().string(), "--models-dir", models, "-p", "a cat", "-o",
                               (dir / "t").string()},
                              dir / "run-t");
  EXPECT_EQ(notok.code, 2);
  EXPECT_NE(notok.err.find("--tokenizer"), std::string::npos) << notok.err;
  EXPECT_FALSE(fs::exists(dir / "t"));
}

}  // namespace
}  // namespace easel::test
