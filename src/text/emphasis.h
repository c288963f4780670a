// Emphasis modes (webui's sd_emphasis) and their arithmetic on the text encoder output.
#pragma once
#include <optional>
#include <string>

namespace easel::text {

enum class EmphasisMode {
  Original,  // multiply by the multipliers, then restore the mean over the whole batch (default)
  NoNorm,    // "No norm": multiply only
  Ignore,    // parse weights and BREAK, but leave the encoder output alone
  None,      // no attention parsing at all: brackets and BREAK are literal text
};

std::optional<EmphasisMode> emphasis_from_name(const std::string& name);  // webui's option strings
const char* emphasis_name(EmphasisMode m);

// z: [B, T, C] float32 encoder output of one chunk index; multipliers: [B, T] float32.
// Applies the mode in place exactly as webui's after_transformers() does.
void apply_emphasis(EmphasisMode mode, float* z, const float* multipliers, int B, int T, int C);

}  // namespace easel::text
