// Text conditioning of a batch, as A1111 prepares it for the CFG denoiser: every prompt-schedule
// entry and AND part encoded once (each chunk index of a subprompt as one encoder batch, with
// emphasis), collected in one table, and the per-image schedules that index it. Also the
// model-evaluation glue that turns conditioning ids into a UNet context.
#pragma once
#include <functional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "sampling/cfg_denoiser.h"
#include "sampling/model_wrap.h"
#include "text/conditioning.h"

namespace easel {

// ids: batch x 77 token ids -> [batch, 77, C] encoder output (CLIP skip applied).
using TextEncodeFn = std::function<Tensor(std::span<const int32_t> ids, int batch)>;

struct EncodedConds {
  std::vector<Tensor> table;  // id -> [L, C] (L = 77 * chunks)
  std::set<int> uncond_ids;   // ids that belong to negative prompts
  CfgConds cfg;               // per image
};

// Encodes the plans of one batch (one prompt and negative prompt per image; identical texts
// are encoded once). `scale` is the CFG scale.
EncodedConds encode_conditioning(const std::vector<text::ConditioningPlan>& plans, const TextEncodeFn& encode,
                                 double scale);

// The UNet call behind WrappedModel: rows' contexts are gathered from the table; cond rows and
// uncond rows are each padded to their longest by repeating the last vector (A1111's
// reconstruct_*cond_batch), and run as one batch when the lengths agree, else as two.
using UNetFn = std::function<Tensor(const Tensor& x, std::span<const float> t, const Tensor& context)>;
ModelEval make_model_eval(const EncodedConds& conds, UNetFn unet);

}  // namespace easel
