// Prompt editing and alternation ([from:to:when], [to:when], [from::when], [a|b|c]) as webui's
// get_learned_conditioning_prompt_schedules computes them, including hires-fix step counts.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace easel::text {

struct ScheduleEntry {
  int end_at_step = 0;  // this text is used while the denoiser call counter is <= end_at_step
  std::string text;
  bool operator==(const ScheduleEntry&) const = default;
};
using PromptSchedule = std::vector<ScheduleEntry>;

struct ScheduleOptions {
  int steps = 20;                    // first pass: total denoiser calls (2x steps for 2nd-order samplers)
  std::optional<int> hires_steps;    // set for the hires-fix pass; numbers then address that pass
  bool use_old_scheduling = false;   // webui's "use_old_scheduling" compatibility option
  // Upstream ambiguity (see schedule_is_ambiguous): read such text literally, as the reference
  // webui run recorded in the oracle did (false picks the scheduled reading).
  bool literal_when_ambiguous = true;
};

// The schedule of one prompt. Text that does not parse gives [[steps, text]] unchanged.
PromptSchedule prompt_schedule(const std::string& prompt, const ScheduleOptions& opt);

// The batch form: one schedule per prompt (identical prompts are parsed once).
std::vector<PromptSchedule> get_learned_conditioning_prompt_schedules(const std::vector<std::string>& prompts,
                                                                      const ScheduleOptions& opt);

// Whether webui's own result for this text depends on Python's hash seed: a bracket group directly
// followed by a literal bracket or ':' can be read as a group or as literal text by webui's
// ambiguous Earley grammar, and the choice varies between webui processes. True when the two
// readings give different schedules.
bool schedule_is_ambiguous(const std::string& prompt, const ScheduleOptions& opt);

// Which entry the sampler uses at denoiser call `step` (0-based counter): the first with
// step <= end_at_step, else entry 0 (webui's reconstruct_cond_batch).
size_t schedule_index_at(const PromptSchedule& s, int step);

}  // namespace easel::text
