// CLIP text encoder (Hugging Face CLIPTextModel semantics): token + position embeddings,
// pre-LayerNorm transformer layers with a causal mask, final LayerNorm. SD 1.x/2.x/SDXL towers.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "backend/backend.h"
#include "models/common/layers.h"
#include "models/configs.h"

namespace easel {

class ClipTextEncoder {
 public:
  // `weights` holds canonical names (text_model.*); ops are made (weights converted) here and
  // nothing refers to the store afterwards, so it (and its file mapping) may be dropped.
  ClipTextEncoder(Backend& be, const TensorStore& weights, const ClipTextConfig& cfg);

  // ids: batch x max_positions token ids (row-major). Returns [batch, max_positions, hidden] on
  // the host: the hidden state `clip_skip - 1` layers before the last (clip_skip 1 = last
  // layer), passed through the final LayerNorm when `final_norm` (A1111 "CLIP skip"; SDXL
  // uses the penultimate state without it).
  Tensor encode(std::span<const int32_t> ids, int batch, int clip_skip = 1, bool final_norm = true);

  // Analytic FLOPs of one encode of `batch` sequences.
  double flops(int batch, int clip_skip = 1) const;
  const ClipTextConfig& config() const { return cfg_; }
  size_t arena_bytes() const { return arena_peak_; }

 private:
  struct Layer {
    Norm ln1, ln2;
    Linear q, k, v, out, fc1, fc2;
  };
  Backend& be_;
  ClipTextConfig cfg_;
  Act act_;
  Tensor token_emb_;  // [vocab, hidden] in the stored dtype; rows converted on lookup
  Tensor pos_emb_;    // [positions, hidden] float32
  std::vector<Layer> layers_;
  Norm final_ln_;
  Tensor staging_;    // host embeddings, reused across calls
  size_t arena_peak_ = 0;
};

}  // namespace easel
