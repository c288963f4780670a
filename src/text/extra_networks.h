// Extra-network tags in prompts (<lora:name:0.8>, <hypernet:name:1>): webui removes them from the
// text (re.sub(r"<(\w+):([^>]+)>", "")) and applies them separately.
#pragma once
#include <string>
#include <vector>

namespace easel::text {

struct ExtraNetworkTag {
  std::string kind;                // "lora", "hypernet", ...
  std::vector<std::string> items;  // the text after "kind:" split on ':' ({"name", "0.8"})
  bool operator==(const ExtraNetworkTag&) const = default;
};

struct ExtractedPrompt {
  std::string text;  // the prompt with every tag removed
  std::vector<ExtraNetworkTag> tags;
};

ExtractedPrompt extract_extra_networks(const std::string& prompt);

}  // namespace easel::text
