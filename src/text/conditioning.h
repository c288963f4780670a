// The whole text path of one generation, as data: prompt -> extra-network tags, AND parts with
// weights, schedules, and for every schedule entry the 77-token chunks with multipliers that the
// text encoder receives. The pipeline encodes each chunk index of a subprompt as one batch.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "text/chunks.h"
#include "text/extra_networks.h"
#include "text/schedule.h"
#include "text/tokenizer.h"

namespace easel::text {

// How cond and uncond of different token counts meet in the UNet batch (webui options).
enum class CondUncondPadding {
  Separate,     // default: no padding, cond and uncond run as separate UNet batches
  EmptyPrompt,  // pad_cond_uncond: the shorter gets copies of the encoded "" (77 tokens each)
  RepeatLast,   // pad_cond_uncond_v0: uncond repeats its last vector or is cut to cond's length
};

struct ConditioningOptions {
  ChunkOptions chunk;               // comma backtrack, emphasis mode
  bool use_old_scheduling = false;
  int clip_skip = 1;                // 1 = last layer; n > 1 = n layers from the end, then final norm
  CondUncondPadding padding = CondUncondPadding::Separate;
};

struct ConditioningRequest {
  std::string prompt;
  std::string negative_prompt;
  int steps = 20;                  // total denoiser calls of the pass (2x for 2nd-order samplers)
  std::optional<int> hires_steps;  // set for the hires-fix second pass
  ConditioningOptions options;
};

struct ScheduledChunks {
  int end_at_step = 0;
  std::string text;
  std::vector<Chunk> chunks;  // K chunks: every entry of a subprompt has the same count
  int token_count = 0;        // of this text alone, as "N/75" shows it
};

struct SubpromptPlan {
  std::optional<double> weight;  // AND weight; empty for the negative prompt
  std::string text;
  std::vector<ScheduledChunks> schedule;
};

struct PromptPlan {
  std::vector<SubpromptPlan> subprompts;
};

struct ConditioningPlan {
  PromptPlan cond;    // positive: one subprompt per AND part
  PromptPlan uncond;  // negative: one subprompt
  std::vector<ExtraNetworkTag> extra_networks;  // removed from the positive prompt
  int clip_skip = 1;
  EmphasisMode emphasis = EmphasisMode::Original;
  CondUncondPadding padding = CondUncondPadding::Separate;
};

// One prompt through webui's get_multicond_learned_conditioning (multicond = true) or
// get_learned_conditioning (negative prompt: no AND split, weight left empty).
PromptPlan plan_prompt(const Tokenizer& tok, const std::string& prompt, const ScheduleOptions& sched,
                       const ChunkOptions& chunk, bool multicond);

// The positive prompt has its extra-network tags extracted first; the negative prompt keeps its text.
ConditioningPlan plan_conditioning(const Tokenizer& tok, const ConditioningRequest& req);

// The chunks of one forward() batch: each text chunked, then padded with empty chunks to the
// longest, so that chunk index i of every text is encoded (and emphasis-normalised) together.
std::vector<TokenizedLine> chunk_batch(const Tokenizer& tok, const std::vector<std::string>& texts,
                                       const ChunkOptions& opt);

}  // namespace easel::text
