// A1111's parse_prompt_attention: (a), [a], (a:1.5), escapes, BREAK; weights as the exact doubles
// webui computes. A ("BREAK", -1) piece is a chunk break.
#pragma once
#include <string>
#include <vector>

namespace easel::text {

struct WeightedText {
  std::string text;
  double weight = 1.0;
  bool operator==(const WeightedText&) const = default;
};

// Fails (easel::Error) where webui raises ValueError, e.g. "(a:1.2.3)".
std::vector<WeightedText> parse_prompt_attention(const std::string& text);

inline bool is_break(const WeightedText& w) { return w.weight == -1 && w.text == "BREAK"; }

}  // namespace easel::text
