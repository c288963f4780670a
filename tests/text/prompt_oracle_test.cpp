// A1111 prompt-language oracle: every row of every prompt/*.jsonl, recognised by its fields
// (attention, schedules, multicond, chunks, pipeline, emphasis), compared exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <map>

#include "core/error.h"
#include "text/attention.h"
#include "text/chunks.h"
#include "text/conditioning.h"
#include "text/emphasis.h"
#include "text/multicond.h"
#include "text/schedule.h"
#include "text_test_util.h"

using namespace easel;
using namespace easel::test;
using nlohmann::json;

namespace {

enum class Kind { Attention, Schedule, Multicond, Chunks, Pipeline, Emphasis, Unknown };

Kind kind_of(const json& r) {
  if (r.contains("parsed")) return Kind::Attention;
  if (r.contains("flat")) return Kind::Multicond;
  if (r.contains("z_out")) return Kind::Emphasis;
  if (r.contains("kind") && r.contains("subprompts")) return Kind::Pipeline;
  if (r.contains("chunks") && r.contains("opts")) return Kind::Chunks;
  if (r.contains("schedule") && r.contains("steps")) return Kind::Schedule;
  return Kind::Unknown;
}

// Runs check(row) on every row of `kind` in every file; check returns "" on success.
void run_kind(Kind kind, const char* label, const std::function<std::string(const json&)>& check) {
  auto files = oracle_files("prompt", ".jsonl");
  ASSERT_FALSE(files.empty()) << "no prompt cases under " << oracle_dir();
  int all = 0;
  for (auto& f : files) {
    int pass = 0, total = 0, shown = 0;
    for (auto& row : read_jsonl(f)) {
      if (kind_of(row) != kind) continue;
      ++total;
      std::string err;
      try {
        err = check(row);
      } catch (const std::exception& e) {
        err = std::string("threw: ") + e.what();
      }
      if (err.empty()) ++pass;
      else if (shown++ < 10) ADD_FAILURE() << f.filename() << ": " << short_text(row.value("text", row.value("name", "")), 200) << "\n  " << err;
    }
    if (total) std::printf("[%s] %s: %d/%d pass\n", label, f.filename().c_str(), pass, total);
    EXPECT_EQ(pass, total) << f.filename();
    all += total;
  }
  EXPECT_GT(all, 0) << "no " << label << " rows found";
}

std::optional<int> opt_int(const json& v) { return v.is_null() ? std::nullopt : std::optional<int>(v.get<int>()); }

json chunks_json(const std::vector<text::Chunk>& chunks) {
  json a = json::array();
  for (auto& c : chunks) a.push_back({{"tokens", c.tokens}, {"multipliers", c.multipliers}});
  return a;
}

// Exact comparison of chunk lists: ids equal and multipliers equal as doubles.
std::string compare_chunks(const json& want, const std::vector<text::Chunk>& got) {
  if (want.size() != got.size()) return "chunk count " + std::to_string(got.size()) + " want " + std::to_string(want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (want[i].at("tokens").get<std::vector<int>>() != got[i].tokens)
      return "chunk " + std::to_string(i) + " tokens differ: got " + json(got[i].tokens).dump();
    auto wm = want[i].at("multipliers").get<std::vector<double>>();
    for (size_t k = 0; k < wm.size() && k < got[i].multipliers.size(); ++k)
      if (wm[k] != got[i].multipliers[k])
        return "chunk " + std::to_string(i) + " multiplier " + std::to_string(k) + ": got " +
               json(got[i].multipliers[k]).dump() + " want " + json(wm[k]).dump();
    if (wm.size() != got[i].multipliers.size()) return "multiplier count differs";
  }
  return "";
}

}  // namespace

TEST(PromptOracle, EveryRowHasAKnownKind) {
  for (auto& f : oracle_files("prompt", ".jsonl"))
    for (auto& row : read_jsonl(f)) EXPECT_NE(kind_of(row), Kind::Unknown) << f << ": " << row.dump().substr(0, 200);
}

TEST(PromptOracle, Attention) {
  run_kind(Kind::Attention, "attention", [](const json& r) -> std::string {
    std::string text = r.at("text");
    if (r.at("parsed").is_null()) {
      try {
        text::parse_prompt_attention(text);
      } catch (const Error&) {
        return "";
      }
      return "expected an error like " + r.value("error", std::string("?"));
    }
    auto got = text::parse_prompt_attention(text);
    json g = json::array();
    for (auto& p : got) g.push_back(json::array({p.text, p.weight}));
    const json& want = r.at("parsed");
    if (g.size() != want.size()) return "got " + g.dump();
    for (size_t i = 0; i < g.size(); ++i)
      if (g[i][0] != want[i][0] || g[i][1].get<double>() != want[i][1].get<double>()) return "got " + g.dump();
    return "";
  });
}

// webui's schedule grammar is ambiguous when a bracket group is directly followed by a literal
// bracket or colon; easel reads such text literally by default (ScheduleOptions::
// literal_when_ambiguous), which is what the oracle's webui run did. Every row must match exactly.
TEST(PromptOracle, Schedules) {
  run_kind(Kind::Schedule, "schedules", [&](const json& r) -> std::string {
    text::ScheduleOptions o{r.at("steps").get<int>(), opt_int(r.at("hires_steps")), r.at("use_old_scheduling").get<bool>()};
    auto as_json = [](const text::PromptSchedule& s) {
      json g = json::array();
      for (auto& e : s) g.push_back(json::array({e.end_at_step, e.text}));
      return g;
    };
    json g = as_json(text::prompt_schedule(r.at("text"), o));
    if (g != r.at("schedule"))
      return "steps " + std::to_string(o.steps) + " hires " + r.at("hires_steps").dump() + " old " +
             r.at("use_old_scheduling").dump() + "\n  got  " + g.dump() + "\n  want " + r.at("schedule").dump();
    return "";
  });
}

TEST(PromptOracle, Multicond) {
  run_kind(Kind::Multicond, "multicond", [](const json& r) -> std::string {
    auto m = text::get_multicond_prompt_list({r.at("text").get<std::string>()});
    json idx = json::array();
    for (auto& ref : m.indexes[0]) idx.push_back(json::array({ref.index, ref.weight}));
    if (json(m.flat) != r.at("flat")) return "flat got " + json(m.flat).dump();
    const json& want = r.at("indexes");
    if (idx.size() != want.size()) return "indexes got " + idx.dump();
    for (size_t i = 0; i < idx.size(); ++i)
      if (idx[i][0] != want[i][0] || idx[i][1].get<double>() != want[i][1].get<double>()) return "indexes got " + idx.dump();
    return "";
  });
}

TEST(PromptOracle, Chunks) {
  auto tok = oracle_tokenizer();
  run_kind(Kind::Chunks, "chunks", [&](const json& r) -> std::string {
    text::ChunkOptions o;
    o.comma_padding_backtrack = r.at("opts").at("comma_padding_backtrack");
    auto mode = text::emphasis_from_name(r.at("opts").at("emphasis"));
    if (!mode) return "unknown emphasis " + r.at("opts").dump();
    o.emphasis = *mode;
    auto got = text::tokenize_line(*tok, r.at("text"), o);
    if (got.token_count != r.at("token_count").get<int>())
      return "token_count " + std::to_string(got.token_count) + " want " + r.at("token_count").dump();
    return compare_chunks(r.at("chunks"), got.chunks);
  });
}

TEST(PromptOracle, Pipeline) {
  auto tok = oracle_tokenizer();
  run_kind(Kind::Pipeline, "pipeline", [&](const json& r) -> std::string {
    text::ScheduleOptions so{r.at("steps").get<int>(), opt_int(r.at("hires_steps")), r.at("use_old_scheduling").get<bool>()};
    bool multicond = r.at("kind") == "prompt";
    auto plan = text::plan_prompt(*tok, r.at("text"), so, text::ChunkOptions{}, multicond);
    const json& subs = r.at("subprompts");
    if (subs.size() != plan.subprompts.size()) return "subprompt count " + std::to_string(plan.subprompts.size());
    for (size_t i = 0; i < subs.size(); ++i) {
      auto& sp = plan.subprompts[i];
      const json& w = subs[i].at("weight");
      if (w.is_null() != !sp.weight.has_value() || (!w.is_null() && w.get<double>() != *sp.weight))
        return "subprompt " + std::to_string(i) + " weight differs";
      const json& sched = subs[i].at("schedule");
      if (sched.size() != sp.schedule.size()) return "subprompt " + std::to_string(i) + " schedule length differs";
      for (size_t k = 0; k < sched.size(); ++k) {
        if (sched[k].at("end_at_step").get<int>() != sp.schedule[k].end_at_step) return "end_at_step differs";
        std::string e = compare_chunks(sched[k].at("chunks"), sp.schedule[k].chunks);
        if (!e.empty()) return "subprompt " + std::to_string(i) + " entry " + std::to_string(k) + ": " + e;
      }
    }
    return "";
  });
}

TEST(PromptOracle, Emphasis) {
  run_kind(Kind::Emphasis, "emphasis", [](const json& r) -> std::string {
    auto mode = text::emphasis_from_name(r.at("emphasis"));
    if (!mode) return "unknown emphasis";
    const json& zj = r.at("z");
    int B = int(zj.size()), T = int(zj[0].size()), C = int(zj[0][0].size());
    std::vector<float> z, m, want;
    for (auto& b : zj)
      for (auto& t : b)
        for (auto& c : t) z.push_back(c.get<float>());
    for (auto& b : r.at("z_out"))
      for (auto& t : b)
        for (auto& c : t) want.push_back(c.get<float>());
    for (auto& b : r.at("multipliers"))
      for (auto& t : b) m.push_back(float(t.get<double>()));
    text::apply_emphasis(*mode, z.data(), m.data(), B, T, C);
    auto d = compare(z.data(), want.data(), z.size());
    std::printf("[emphasis] %s: max rel err %.3g\n", r.at("name").get<std::string>().c_str(), d.rel());
    if (d.rel() > 2e-6) return "max rel err " + std::to_string(d.rel());
    return "";
  });
}
