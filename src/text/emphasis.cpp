// Emphasis arithmetic: torch's z * m[..., None] and mean restoration, in float32 like webui
// (means are accumulated in double here; the ratio is a float32 division as torch does it).
#include "text/emphasis.h"

#include <cstddef>

namespace easel::text {

std::optional<EmphasisMode> emphasis_from_name(const std::string& n) {
  if (n == "Original") return EmphasisMode::Original;
  if (n == "No norm") return EmphasisMode::NoNorm;
  if (n == "Ignore") return EmphasisMode::Ignore;
  if (n == "None") return EmphasisMode::None;
  return std::nullopt;
}

const char* emphasis_name(EmphasisMode m) {
  switch (m) {
    case EmphasisMode::Original: return "Original";
    case EmphasisMode::NoNorm: return "No norm";
    case EmphasisMode::Ignore: return "Ignore";
    case EmphasisMode::None: return "None";
  }
  return "?";
}

static double mean(const float* z, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += z[i];
  return n ? s / double(n) : 0.0;
}

void apply_emphasis(EmphasisMode mode, float* z, const float* m, int B, int T, int C) {
  if (mode == EmphasisMode::Ignore || mode == EmphasisMode::None) return;
  const size_t n = size_t(B) * size_t(T) * size_t(C);
  const float before = float(mean(z, n));
  for (size_t bt = 0; bt < size_t(B) * size_t(T); ++bt) {
    float* row = z + bt * size_t(C);
    const float w = m[bt];
    for (int c = 0; c < C; ++c) row[c] = row[c] * w;
  }
  if (mode == EmphasisMode::NoNorm) return;
  const float after = float(mean(z, n));
  const float ratio = before / after;
  for (size_t i = 0; i < n; ++i) z[i] = z[i] * ratio;
}

}  // namespace easel::text
