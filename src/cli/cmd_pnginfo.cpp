// `easel pnginfo IMAGE [--json]`: the generation parameters stored in an image (A1111's PNG Info),
// current and pre-1.9 infotext formats; --json adds the parsed values easel would reuse.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/cli_parse.h"
#include "cli/command.h"
#include "core/error.h"
#include "io/image.h"
#include "pipeline/infotext.h"
#include "pipeline/params.h"
#include "sampling/sampler_registry.h"

namespace {
using namespace easel;
using nlohmann::json;

json params_json(const std::string& text) {
  ParsedInfotext t = parse_infotext(text);
  GenerationParams p = params_from_infotext(text);
  json fields = json::object();
  for (auto& [k, v] : t.fields) fields[k] = v;
  std::string sampler = p.sampler, scheduler = p.scheduler;
  if (SamplerChoice c = find_sampler(p.sampler); c.sampler) {  // pre-1.9 "DPM++ 2M Karras"
    sampler = std::string(c.sampler->name);
    if (c.scheduler && !t.get("Schedule type")) scheduler = std::string(c.scheduler->label);
  }
  json out = {{"prompt", p.prompt},     {"negative_prompt", p.negative_prompt}, {"steps", p.steps},
              {"sampler", sampler},     {"scheduler", scheduler},               {"cfg_scale", p.cfg_scale},
              {"seed", p.seed},         {"width", p.width},                     {"height", p.height},
              {"clip_skip", p.clip_skip}, {"rng", p.rng},                       {"model", p.model_name},
              {"model_hash", p.model_hash}, {"fields", fields}};
  if (p.subseed_strength != 0) out["subseed"] = p.subseed, out["subseed_strength"] = p.subseed_strength;
  if (p.ensd != 0) out["ensd"] = p.ensd;
  if (p.eta) out["eta"] = *p.eta;
  if (t.get("Denoising strength")) out["denoising_strength"] = p.denoising_strength;
  return out;
}

int run_pnginfo(const std::vector<std::string>& args) {
  CLI::App app{"Show the generation parameters stored in an image (A1111 PNG Info)", "easel pnginfo"};
  std::string path;
  bool as_json = false;
  app.add_option("image", path, "PNG (or other image) written by A1111 or easel")->required();
  app.add_flag("--json", as_json, "print the parsed parameters as JSON");
  if (auto rc = cli::parse_command_line(app, args, "easel pnginfo")) return *rc;
  Image img;
  std::string text;
  try {
    img = read_image(path);
    auto it = img.text.find("parameters");
    if (it == img.text.end()) fail("{}: no 'parameters' text in the image", path);
    text = it->second;
    if (as_json) {
      json j = params_json(text);
      j["file"] = path;
      j["parameters"] = text;
      std::printf("%s\n", j.dump(1).c_str());
    } else {
      std::printf("%s\n", text.c_str());
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "easel pnginfo: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
}  // namespace
EASEL_COMMAND("pnginfo", "show the generation parameters stored in an image (--json to parse them)", run_pnginfo);
