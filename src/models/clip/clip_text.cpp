// CLIP text encoder forward pass on the backend; embeddings are gathered on the host.
#include "models/clip/clip_text.h"

#include <fmt/format.h>

#include "core/error.h"

namespace easel {

ClipTextEncoder::ClipTextEncoder(Backend& be, const TensorStore& weights, const ClipTextConfig& cfg)
    : be_(be), cfg_(cfg) {
  if (cfg.act == "quick_gelu")
    act_ = Act::QuickGELU;
  else if (cfg.act == "gelu")
    act_ = Act::GELU;
  else
    fail("text encoder: unsupported activation '{}' (expected quick_gelu or gelu)", cfg.act);
  if (cfg.hidden <= 0 || cfg.heads <= 0 || cfg.hidden % cfg.heads != 0)
    fail("text encoder: hidden size {} is not divisible by {} heads", cfg.hidden, cfg.heads);
  WeightReader w(weights, "text_encoder");
  const int64_t D = cfg.hidden, F = cfg.intermediate;
  // An owned copy in the stored dtype (76 MB at fp16 for SD 1.x): the model must not keep the
  // weights file mapped once it is built.
  token_emb_ = w.get("text_model.embeddings.token_embedding.weight", {cfg.vocab_size, D}).clone();
  pos_emb_ = w.f32("text_model.embeddings.position_embedding.weight", {cfg.max_positions, D});
  w.ignore("text_model.embeddings.position_ids");
  for (int i = 0; i < cfg.layers; ++i) {
    std::string p = fmt::format("text_model.encoder.layers.{}.", i);
    Layer L;
    L.ln1.load(w, p + "layer_norm1", D);
    L.ln2.load(w, p + "layer_norm2", D);
    L.q.load(be, w, p + "self_attn.q_proj", D, D);
    L.k.load(be, w, p + "self_attn.k_proj", D, D);
    L.v.load(be, w, p + "self_attn.v_proj", D, D);
    L.out.load(be, w, p + "self_attn.out_proj", D, D);
    L.fc1.load(be, w, p + "mlp.fc1", D, F);
    L.fc2.load(be, w, p + "mlp.fc2", F, D);
    layers_.push_back(std::move(L));
  }
  final_ln_.load(w, "text_model.final_layer_norm", D);
  // The pooled projection belongs to the caller (SDXL), not to the hidden states computed here.
  w.ignore("text_projection.weight");
  w.check_all_used();
}

double ClipTextEncoder::flops(int batch, int clip_skip) const {
  const int64_t rows = int64_t(batch) * cfg_.max_positions;
  double f = 0;
  for (int i = 0; i < cfg_.layers - (clip_skip - 1); ++i) {
    const Layer& L = layers_[i];
    f += L.q.flops(rows) + L.k.flops(rows) + L.v.flops(rows) + L.out.flops(rows) + L.fc1.flops(rows) +
         L.fc2.flops(rows) + attention_flops(batch, cfg_.max_positions, cfg_.max_positions, cfg_.hidden);
  }
  return f;
}

Tensor ClipTextEncoder::encode(std::span<const int32_t> ids, int batch, int clip_skip, bool final_norm) {
  const int64_t L = cfg_.max_positions, D = cfg_.hidden, B = batch;
  if (batch <= 0 || int64_t(ids.size()) != B * L)
    fail("text encoder: expected {} x {} token ids, got {}", batch, L, ids.size());
  if (clip_skip < 1 || clip_skip > cfg_.layers)
    fail("text encoder: CLIP skip {} out of range 1..{}", clip_skip, cfg_.layers);
  const int n_layers = cfg_.layers - (clip_skip - 1);

  // Token + position embeddings in float32, as torch adds them.
  if (!staging_.defined() || staging_.numel() < B * L * D) staging_ = Tensor::empty({B, L, D});
  Tensor emb = Stage::view(staging_, {B, L, D});
  const size_t row_bytes = size_t(D) * dtype_size(token_emb_.dtype());
  for (int64_t t = 0; t < B * L; ++t) {
    int32_t id = ids[t];
    if (id < 0 || id >= cfg_.vocab_size)
      fail("text encoder: token id {} at position {} is outside the vocabulary (0..{})", id, t,
           cfg_.vocab_size - 1);
    float* dst = emb.f32() + t * D;
    convert_to_f32(token_emb_.dtype(), static_cast<const uint8_t*>(token_emb_.raw()) + size_t(id) * row_bytes, dst,
                   size_t(D));
    const float* pos = pos_emb_.f32() + (t % L) * D;
    for (int64_t j = 0; j < D; ++j) dst[j] += pos[j];
  }

  Tensor result = Tensor::empty({B, L, D});
  {
    Stage st(be_, "text encoder", arena_peak_);
    Backend& be = st.be;
    Tensor x = st.alloc({B, L, D}), x2 = st.alloc({B, L, D});
    Tensor a = st.alloc({B, L, D}), q = st.alloc({B, L, D}), k = st.alloc({B, L, D}), v = st.alloc({B, L, D});
    Tensor o = st.alloc({B, L, D}), h = st.alloc({B, L, cfg_.intermediate});
    be.copy(emb, x);
    for (int i = 0; i < n_layers; ++i) {
      Layer& Ly = layers_[i];
      be.layer_norm(x, a, Ly.ln1.gamma, Ly.ln1.beta, cfg_.eps);
      Ly.q.op->forward(a, q);
      Ly.k.op->forward(a, k);
      Ly.v.op->forward(a, v);
      be.attention(q, k, v, o, cfg_.heads, /*causal=*/true);
      Ly.out.op->forward(o, x2, &x);
      std::swap(x, x2);
      be.layer_norm(x, a, Ly.ln2.gamma, Ly.ln2.beta, cfg_.eps);
      Ly.fc1.op->forward(a, h, nullptr, act_);
      Ly.fc2.op->forward(h, x2, &x);
      std::swap(x, x2);
    }
    if (final_norm) be.layer_norm(x, x, final_ln_.gamma, final_ln_.beta, cfg_.eps);
    be.copy(x, result);
  }
  be_.arena().consolidate();
  return result;
}

}  // namespace easel
