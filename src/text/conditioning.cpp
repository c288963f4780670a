// Builds ConditioningPlan: AND split -> schedules -> per-subprompt forward batches with empty-chunk
// padding, mirroring webui's prompt_parser + FrozenCLIPEmbedderWithCustomWords.forward.
#include "text/conditioning.h"

#include <algorithm>
#include <map>

#include "text/multicond.h"

namespace easel::text {

std::vector<TokenizedLine> chunk_batch(const Tokenizer& tok, const std::vector<std::string>& texts,
                                       const ChunkOptions& opt) {
  std::map<std::string, TokenizedLine> cache;  // identical texts are chunked once
  std::vector<TokenizedLine> out;
  size_t K = 0;
  for (auto& t : texts) {
    auto it = cache.find(t);
    if (it == cache.end()) it = cache.emplace(t, tokenize_line(tok, t, opt)).first;
    out.push_back(it->second);
    K = std::max(K, out.back().chunks.size());
  }
  const Chunk empty = empty_chunk(tok);
  for (auto& line : out)
    while (line.chunks.size() < K) line.chunks.push_back(empty);
  return out;
}

PromptPlan plan_prompt(const Tokenizer& tok, const std::string& prompt, const ScheduleOptions& sched,
                       const ChunkOptions& chunk, bool multicond) {
  PromptPlan plan;
  std::vector<std::pair<std::string, std::optional<double>>> parts;
  if (multicond) {
    MulticondList m = get_multicond_prompt_list({prompt});
    for (auto& ref : m.indexes[0]) parts.push_back({m.flat[ref.index], ref.weight});
  } else {
    parts.push_back({prompt, std::nullopt});
  }
  std::map<std::string, std::vector<ScheduledChunks>> done;  // repeated AND parts share their conds
  for (auto& [text, weight] : parts) {
    SubpromptPlan sp;
    sp.weight = weight;
    sp.text = text;
    auto it = done.find(text);
    if (it == done.end()) {
      PromptSchedule schedule = prompt_schedule(text, sched);
      std::vector<std::string> texts;
      for (auto& e : schedule) texts.push_back(e.text);
      std::vector<TokenizedLine> lines = chunk_batch(tok, texts, chunk);
      std::vector<ScheduledChunks> entries;
      for (size_t i = 0; i < schedule.size(); ++i)
        entries.push_back({schedule[i].end_at_step, schedule[i].text, std::move(lines[i].chunks), lines[i].token_count});
      it = done.emplace(text, std::move(entries)).first;
    }
    sp.schedule = it->second;
    plan.subprompts.push_back(std::move(sp));
  }
  return plan;
}

ConditioningPlan plan_conditioning(const Tokenizer& tok, const ConditioningRequest& req) {
  ConditioningPlan plan;
  ScheduleOptions sched{req.steps, req.hires_steps, req.options.use_old_scheduling};
  ExtractedPrompt pos = extract_extra_networks(req.prompt);
  plan.extra_networks = std::move(pos.tags);
  plan.cond = plan_prompt(tok, pos.text, sched, req.options.chunk, true);
  plan.uncond = plan_prompt(tok, req.negative_prompt, sched, req.options.chunk, false);
  plan.clip_skip = req.options.clip_skip;
  plan.emphasis = req.options.chunk.emphasis;
  plan.padding = req.options.padding;
  return plan;
}

}  // namespace easel::text
