// Composable diffusion: webui's get_multicond_prompt_list splits positive prompts on AND and reads
// an optional ":weight" suffix per part. Negative prompts are never split.
#pragma once
#include <string>
#include <vector>

namespace easel::text {

struct SubpromptRef {
  size_t index = 0;     // into MulticondList::flat
  double weight = 1.0;  // multiplies cfg_scale for this part
  bool operator==(const SubpromptRef&) const = default;
};

struct MulticondList {
  std::vector<std::vector<SubpromptRef>> indexes;  // per input prompt
  std::vector<std::string> flat;                   // distinct part texts, in order of first appearance
};

MulticondList get_multicond_prompt_list(const std::vector<std::string>& prompts);

// One part: text without a trailing ":number" (and trailing whitespace), and that number or 1.0.
struct WeightedPart {
  std::string text;
  double weight = 1.0;
};
WeightedPart split_part_weight(const std::string& part);
std::vector<std::string> split_on_and(const std::string& prompt);  // re.split(r"\bAND\b", prompt)

}  // namespace easel::text
