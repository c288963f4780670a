// encode_conditioning / make_model_eval: webui's get_(multicond_)learned_conditioning and the
// context assembly of CFGDenoiser.forward, written against the text plans.
#include "pipeline/conditioner.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "core/error.h"
#include "text/emphasis.h"

namespace easel {
namespace {

// One subprompt: all of its schedule entries in one encoder batch per chunk index (webui passes
// the entries' texts together, so emphasis renormalises over all of them).
std::vector<Tensor> encode_subprompt(const std::vector<text::ScheduledChunks>& entries, const TextEncodeFn& encode,
                                     text::EmphasisMode mode) {
  const int E = int(entries.size());
  if (E == 0) fail("conditioning: a prompt with no schedule entries");
  const size_t K = entries[0].chunks.size();
  for (auto& e : entries)
    if (e.chunks.size() != K) fail("conditioning: schedule entries with different chunk counts");
  std::vector<Tensor> per_chunk;
  int64_t C = 0;
  for (size_t k = 0; k < K; ++k) {
    std::vector<int32_t> ids;
    std::vector<float> mult;
    for (auto& e : entries) {
      const auto& ch = e.chunks[k];
      for (size_t j = 0; j < ch.tokens.size(); ++j) ids.push_back(ch.tokens[j]), mult.push_back(float(ch.multipliers[j]));
    }
    const int T = int(entries[0].chunks[k].tokens.size());
    Tensor z = encode(ids, E);
    if (z.ndim() != 3 || z.dim(0) != E || z.dim(1) != T) fail("conditioning: text encoder returned {}", shape_str(z.shape()));
    C = z.dim(2);
    text::apply_emphasis(mode, z.f32(), mult.data(), E, T, int(C));
    per_chunk.push_back(z);
  }
  std::vector<Tensor> out;
  for (int e = 0; e < E; ++e) {  // torch.hstack of the chunk outputs
    int64_t L = 0;
    for (auto& z : per_chunk) L += z.dim(1);
    Tensor t = Tensor::empty({L, C});
    float* dst = t.f32();
    for (auto& z : per_chunk) {
      const int64_t n = z.dim(1) * C;
      std::memcpy(dst, z.f32() + e * n, size_t(n) * sizeof(float));
      dst += n;
    }
    out.push_back(t);
  }
  return out;
}

struct Encoder {
  const TextEncodeFn& encode;
  text::EmphasisMode mode;
  EncodedConds& out;
  std::map<std::string, CondSchedule> cache;  // key: subprompt text + kind

  CondSchedule get(const text::SubpromptPlan& sp, bool uncond) {
    const std::string key = (uncond ? "u:" : "c:") + sp.text;
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    std::vector<Tensor> z = encode_subprompt(sp.schedule, encode, mode);
    CondSchedule s;
    for (size_t i = 0; i < z.size(); ++i) {
      const int id = int(out.table.size());
      out.table.push_back(z[i]);
      if (uncond) out.uncond_ids.insert(id);
      s.push_back({sp.schedule[i].end_at_step, id});
    }
    return cache[key] = s;
  }
};

}  // namespace

EncodedConds encode_conditioning(const std::vector<text::ConditioningPlan>& plans, const TextEncodeFn& encode,
                                 double scale) {
  EncodedConds out;
  out.cfg.scale = scale;
  if (plans.empty()) fail("conditioning: no prompts");
  Encoder enc{encode, plans[0].emphasis, out, {}};
  for (const auto& plan : plans) {
    std::vector<CondPart> parts;
    for (const auto& sp : plan.cond.subprompts) parts.push_back({enc.get(sp, false), sp.weight.value_or(1.0)});
    out.cfg.cond.push_back(std::move(parts));
    if (plan.uncond.subprompts.size() != 1) fail("conditioning: the negative prompt must be one subprompt");
    out.cfg.uncond.push_back(enc.get(plan.uncond.subprompts[0], true));
  }
  return out;
}

ModelEval make_model_eval(const EncodedConds& conds, UNetFn unet) {
  const EncodedConds* c = &conds;
  return [c, unet = std::move(unet)](const Tensor& x, const std::vector<float>& t, const std::vector<int>& ids) {
    const int64_t rows = x.dim(0), per = x.numel() / rows;
    std::vector<int64_t> grp[2];  // 0: cond rows, 1: uncond rows
    for (int64_t r = 0; r < rows; ++r) {
      const int id = ids[size_t(r)];
      if (id < 0 || id >= int(c->table.size())) fail("CFG: conditioning id {} out of range", id);
      grp[c->uncond_ids.count(id) ? 1 : 0].push_back(r);
    }
    int64_t L[2] = {0, 0}, C = c->table[0].dim(1);
    for (int g = 0; g < 2; ++g)
      for (int64_t r : grp[g]) L[g] = std::max(L[g], c->table[size_t(ids[size_t(r)])].dim(0));
    // Context of a list of rows at length len (last vector repeated).
    auto context = [&](const std::vector<int64_t>& rs, int64_t len) {
      Tensor ctx = Tensor::empty({int64_t(rs.size()), len, C});
      for (size_t i = 0; i < rs.size(); ++i) {
        const Tensor& e = c->table[size_t(ids[size_t(rs[i])])];
        float* dst = ctx.f32() + int64_t(i) * len * C;
        std::memcpy(dst, e.f32(), size_t(e.numel()) * sizeof(float));
        for (int64_t j = e.dim(0); j < len; ++j) std::memcpy(dst + j * C, e.f32() + (e.dim(0) - 1) * C, size_t(C) * sizeof(float));
      }
      return ctx;
    };
    auto run = [&](const std::vector<int64_t>& rs, int64_t len, Tensor& out) {
      if (rs.empty()) return;
      Shape s = x.shape();
      s[0] = int64_t(rs.size());
      Tensor xs = Tensor::empty(s);
      std::vector<float> ts;
      for (size_t i = 0; i < rs.size(); ++i) {
        std::memcpy(xs.f32() + int64_t(i) * per, x.f32() + rs[i] * per, size_t(per) * sizeof(float));
        ts.push_back(t[size_t(rs[i])]);
      }
      Tensor o = unet(xs, ts, context(rs, len));
      if (o.numel() != xs.numel()) fail("UNet returned {} for {}", shape_str(o.shape()), shape_str(xs.shape()));
      for (size_t i = 0; i < rs.size(); ++i)
        std::memcpy(out.f32() + rs[i] * per, o.f32() + int64_t(i) * per, size_t(per) * sizeof(float));
    };
    Tensor out = Tensor::empty(x.shape());
    if (grp[0].empty() || grp[1].empty() || L[0] == L[1]) {
      // One batch: rows keep their order (cond parts first, then uncond, as CFGDenoiser built them).
      std::vector<int64_t> all(static_cast<size_t>(rows));
      for (int64_t r = 0; r < rows; ++r) all[size_t(r)] = r;
      const int64_t len = std::max(L[0], L[1]);
      run(all, len, out);
    } else {
      run(grp[0], L[0], out);
      run(grp[1], L[1], out);
    }
    return out;
  };
}

}  // namespace easel
