// `easel prompt "TEXT"`: shows how easel (and A1111) reads a prompt: extra-network tags, AND parts,
// the schedule, attention spans, and the 77-token chunks with ids and multipliers ("12/75").
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

#include "cli/cli_parse.h"
#include "cli/command.h"
#include "core/error.h"
#include "text/attention.h"
#include "text/conditioning.h"
#include "text/schedule.h"
#include "text/tokenizer.h"

namespace {

namespace fs = std::filesystem;
using namespace easel;
using nlohmann::json;

fs::path exe_dir() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p.parent_path();
}

// --tokenizer, else $EASEL_TOKENIZER, else <models>/tokenizer ($EASEL_MODELS or models/ beside the
// executable), else ../shared/oracle/tokenizer from the working directory as a last resort.
fs::path find_tokenizer(const std::string& given) {
  if (!given.empty()) return given;
  fs::path models;
  if (const char* m = std::getenv("EASEL_MODELS"); m && *m) models = m;
  else if (!exe_dir().empty()) models = exe_dir() / "models";
  fs::path d = text::Tokenizer::default_dir(models);
  if (d.empty())
    fail("no CLIP tokenizer found: pass --tokenizer DIR (a folder with vocab.json and merges.txt), or set "
         "EASEL_TOKENIZER");
  return d;
}

std::string fmt_weight(double w) { return json(w).dump(); }

// webui's token counter: "N/M" with M = ceil(max(N, 1) / 75) * 75.
std::string count_display(int n) { return std::to_string(n) + "/" + std::to_string((std::max(n, 1) + 74) / 75 * 75); }

std::string token_label(const text::Tokenizer& tok, int id) {
  std::string t = tok.decode({id});
  while (!t.empty() && t.back() == ' ') t.pop_back();
  if (id == tok.bos()) return "<bos>";
  if (id == tok.eos()) return "<eos>";
  return t;
}

json chunk_json(const text::Tokenizer& tok, const text::Chunk& c) {
  json toks = json::array();
  for (size_t i = 0; i < c.tokens.size(); ++i)
    toks.push_back({{"id", c.tokens[i]}, {"text", token_label(tok, c.tokens[i])}, {"multiplier", c.multipliers[i]}});
  return {{"tokens", c.tokens}, {"multipliers", c.multipliers}, {"detail", toks}};
}

json spans_json(const std::string& t, text::EmphasisMode mode) {
  json a = json::array();
  if (mode == text::EmphasisMode::None) {
    a.push_back(json::array({t, 1.0}));
    return a;
  }
  for (auto& p : text::parse_prompt_attention(t)) a.push_back(json::array({p.text, p.weight}));
  return a;
}

json plan_json(const text::Tokenizer& tok, const text::PromptPlan& plan, text::EmphasisMode mode) {
  json subs = json::array();
  for (auto& sp : plan.subprompts) {
    json sched = json::array();
    for (auto& e : sp.schedule) {
      json chunks = json::array();
      for (auto& c : e.chunks) chunks.push_back(chunk_json(tok, c));
      sched.push_back({{"end_at_step", e.end_at_step},
                       {"text", e.text},
                       {"spans", spans_json(e.text, mode)},
                       {"token_count", e.token_count},
                       {"token_count_display", count_display(e.token_count)},
                       {"chunks", chunks}});
    }
    subs.push_back({{"text", sp.text}, {"weight", sp.weight ? json(*sp.weight) : json()}, {"schedule", sched}});
  }
  return subs;
}

void print_plan(const text::Tokenizer& tok, const char* title, const text::PromptPlan& plan, text::EmphasisMode mode) {
  std::printf("%s\n", title);
  size_t n = plan.subprompts.size();
  for (size_t s = 0; s < n; ++s) {
    auto& sp = plan.subprompts[s];
    if (sp.weight) std::printf("  part %zu/%zu, AND weight %s: %s\n", s + 1, n, fmt_weight(*sp.weight).c_str(), json(sp.text).dump().c_str());
    for (auto& e : sp.schedule) {
      std::printf("    until step %d: %s\n", e.end_at_step, json(e.text).dump().c_str());
      std::printf("      spans:");
      for (auto& sj : spans_json(e.text, mode)) std::printf(" %s", sj.dump().c_str());
      std::printf("\n      tokens: %s, %zu chunk%s\n", count_display(e.token_count).c_str(), e.chunks.size(),
                  e.chunks.size() == 1 ? "" : "s");
      for (size_t c = 0; c < e.chunks.size(); ++c) {
        auto& ch = e.chunks[c];
        std::printf("      chunk %zu:", c);
        // Trailing padding is summarised; BOS/EOS are shown so the layout stays visible.
        size_t last = ch.tokens.size() - 1;
        while (last > 1 && ch.tokens[last - 1] == tok.eos() && ch.multipliers[last - 1] == 1.0) --last;
        for (size_t i = 0; i < ch.tokens.size(); ++i) {
          if (i == last && last + 1 < ch.tokens.size()) {
            std::printf(" <eos>x%zu", ch.tokens.size() - last);
            break;
          }
          std::printf(" %s(%d)", token_label(tok, ch.tokens[i]).c_str(), ch.tokens[i]);
          if (ch.multipliers[i] != 1.0) std::printf("*%s", fmt_weight(ch.multipliers[i]).c_str());
        }
        std::printf("\n");
      }
    }
  }
}

int run_prompt(const std::vector<std::string>& args) {
  CLI::App app{"Show how a prompt is parsed, scheduled and chunked (A1111 semantics)", "easel prompt"};
  std::string prompt, negative, tokenizer_dir, emphasis = "Original";
  int steps = 20, backtrack = 20, clip_skip = 1;
  std::optional<int> hires;
  bool as_json = false, old_sched = false;
  app.add_option("prompt", prompt, "the prompt text")->required();
  app.add_option("--negative,-n", negative, "negative prompt");
  app.add_option("--steps", steps, "total denoiser calls of the pass (default 20)")->check(CLI::Range(1, 100000));
  app.add_option("--hires-steps", hires, "hires-fix second pass steps (schedules address that pass)")
      ->check(CLI::Range(1, 100000));
  app.add_flag("--old-scheduling", old_sched, "webui's use_old_scheduling");
  app.add_option("--emphasis", emphasis, "Original | \"No norm\" | Ignore | None")
      ->check(CLI::IsMember({"Original", "No norm", "Ignore", "None"}));
  app.add_option("--comma-backtrack", backtrack, "comma padding backtrack (default 20, 0 = off)")->check(CLI::Range(0, 74));
  app.add_option("--clip-skip", clip_skip, "CLIP skip carried in the request (default 1)")->check(CLI::Range(1, 12));
  app.add_option("--tokenizer", tokenizer_dir, "folder with vocab.json and merges.txt");
  app.add_flag("--json", as_json, "print JSON");
  if (auto rc = cli::parse_command_line(app, args, "easel prompt")) return *rc;

  fs::path dir = find_tokenizer(tokenizer_dir);
  auto tok = text::Tokenizer::load(dir);
  text::ConditioningRequest req;
  req.prompt = prompt;
  req.negative_prompt = negative;
  req.steps = steps;
  req.hires_steps = hires;
  req.options.use_old_scheduling = old_sched;
  req.options.chunk.comma_padding_backtrack = backtrack;
  req.options.chunk.emphasis = *text::emphasis_from_name(emphasis);
  req.options.clip_skip = clip_skip;
  text::ConditioningPlan plan = text::plan_conditioning(*tok, req);

  json nets = json::array();
  for (auto& t : plan.extra_networks) nets.push_back({{"kind", t.kind}, {"items", t.items}});
  if (as_json) {
    json out = {{"tokenizer", dir.string()},
                {"steps", steps},
                {"hires_steps", hires ? json(*hires) : json()},
                {"emphasis", emphasis},
                {"clip_skip", clip_skip},
                {"extra_networks", nets},
                {"prompt", plan_json(*tok, plan.cond, plan.emphasis)},
                {"negative_prompt", plan_json(*tok, plan.uncond, plan.emphasis)}};
    std::printf("%s\n", out.dump(1).c_str());
    return 0;
  }
  std::printf("tokenizer: %s\nsteps: %d%s, emphasis: %s, clip skip: %d\n", dir.string().c_str(), steps,
              hires ? (", hires steps: " + std::to_string(*hires)).c_str() : "", emphasis.c_str(), clip_skip);
  if (!plan.extra_networks.empty()) {
    std::printf("extra networks:");
    for (auto& t : plan.extra_networks) {
      std::printf(" <%s", t.kind.c_str());
      for (auto& it : t.items) std::printf(":%s", it.c_str());
      std::printf(">");
    }
    std::printf("\n");
  }
  for (auto& sp : plan.cond.subprompts)
    if (text::schedule_is_ambiguous(sp.text, {steps, hires, old_sched}))
      std::printf("note: A1111 reads %s either as prompt editing or as literal text, differently from run to run "
                  "(ambiguous grammar); easel uses prompt editing\n", json(sp.text).dump().c_str());
  print_plan(*tok, "prompt:", plan.cond, plan.emphasis);
  if (!negative.empty()) print_plan(*tok, "negative prompt:", plan.uncond, plan.emphasis);
  return 0;
}

}  // namespace

EASEL_COMMAND("prompt", "show how a prompt is parsed, scheduled and tokenized (A1111 semantics)", run_prompt);
