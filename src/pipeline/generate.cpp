// Generator::generate: process_images_inner of A1111 1.10 for txt2img and img2img (no hires fix,
// no scripts, no face restoration), built from the modules' entry points.
#include "pipeline/generate.h"

#include <filesystem>

#include "core/error.h"
#include "core/log.h"
#include "pipeline/conditioner.h"
#include "pipeline/image_convert.h"
#include "pipeline/img2img_init.h"
#include "pipeline/sampling_job.h"
#include "sampling/rng/image_rng.h"

namespace easel {

SamplerSelection select_sampler(const std::string& sampler, const std::string& scheduler) {
  SamplerChoice c = find_sampler(sampler);
  if (!c.sampler) {
    std::string names;
    for (auto& s : samplers()) names += (names.empty() ? "" : ", ") + std::string(s.name);
    fail("sampler: unknown '{}'; valid samplers: {}", sampler, names);
  }
  SamplerSelection sel{c.sampler, c.scheduler};
  const SchedulerDef* req = find_scheduler(scheduler.empty() ? "Automatic" : scheduler);
  if (!req) {
    std::string names;
    for (auto& s : schedulers()) names += (names.empty() ? "" : ", ") + std::string(s.label);
    fail("scheduler: unknown '{}'; valid schedule types: {}", scheduler, names);
  }
  if (req->name != "automatic" || !sel.scheduler) sel.scheduler = req->name == "automatic" ? nullptr : req;
  return sel;
}

std::string schedule_label(const SamplerSelection& s) {
  if (s.sampler->kind == SamplerKind::KDiffusion)
    if (const SchedulerDef* e = effective_scheduler(*s.sampler, s.scheduler)) return std::string(e->label);
  return s.scheduler ? std::string(s.scheduler->label) : "Automatic";
}

void check_request(const GenerationParams& p) {
  validate(p);
  select_sampler(p.sampler, p.scheduler);
  parse_randn_source(p.rng);
  if (p.is_img2img()) (void)read_image(p.init_image);
}

namespace {

bool uses_ensd(const SamplerDef& s, const std::optional<double>& eta) {
  const double e = eta ? *eta : (s.kind == SamplerKind::Timestep ? 0.0 : 1.0);
  return e != 0 && s.uses_ensd;
}

}  // namespace

void Generator::check(const GenerationParams& p) const {
  check_request(p);
  const int mult = m_.size_multiple();
  if (p.width % mult || p.height % mult)
    fail("size: {}x{} is not a multiple of {} in both sides, which this model's UNet needs (its latent is downsampled "
         "{} times)", p.width, p.height, mult, int(m_.unet_config().channel_mult.size()) - 1);
  if (p.is_img2img() && p.resize_mode == 3) {
    Image im = read_image(p.init_image);
    if (im.width % m_.latent_factor() || im.height % m_.latent_factor())
      fail("init image: latent upscale encodes the image at its own size, which must be a multiple of {}; {} is {}x{}",
           m_.latent_factor(), p.init_image, im.width, im.height);
  }
}

std::vector<GeneratedImage> Generator::generate(const GenerationParams& p, const GenerateCallbacks& cb,
                                                const std::atomic<bool>* cancel) {
  check(p);
  const SamplerSelection sel = select_sampler(p.sampler, p.scheduler);
  const RandnSource source = parse_randn_source(p.rng);
  const int f = m_.latent_factor();

  const uint64_t seed = resolve_seed(p.seed), subseed = resolve_seed(p.subseed);
  const int n_images = p.batch_count * p.batch_size;
  const JobSeeds seeds = plan_seeds(seed, subseed, p.subseed_strength, n_images);

  // Conditioning once for the job (every image has the same prompts; webui's cond cache).
  text::ConditioningRequest creq;
  creq.prompt = p.prompt;
  creq.negative_prompt = p.negative_prompt;
  creq.steps = p.steps * (sel.sampler->second_order ? 2 : 1);
  creq.options = opts_.conditioning;
  creq.options.clip_skip = p.clip_skip;
  text::ConditioningPlan plan = text::plan_conditioning(m_.tokenizer(), creq);
  if (!plan.extra_networks.empty())
    log_warn("prompt: extra networks (<{}:...>) are not supported yet and are ignored", plan.extra_networks[0].kind);
  const int clip_skip = p.clip_skip;
  TextEncodeFn encode = [&](std::span<const int32_t> ids, int batch) { return m_.encode_text(ids, batch, clip_skip); };
  EncodedConds conds = encode_conditioning(std::vector<text::ConditioningPlan>(size_t(p.batch_size), plan), encode, p.cfg_scale);
  ModelEval eval = make_model_eval(conds, [&](const Tensor& x, std::span<const float> t, const Tensor& ctx) { return m_.unet(x, t, ctx); });

  Tensor init_latent;
  if (p.is_img2img()) {
    Image src = read_image(p.init_image);
    Image prepared = img2img_prepare_image(src, p.resize_mode, p.width, p.height);
    init_latent = img2img_init_latent(m_, prepared, p.resize_mode, p.width, p.height, p.batch_size, seeds.seeds[0], source);
  }

  GenerationParams info = p;  // what the infotext shows
  info.sampler = std::string(sel.sampler->name);
  info.model_name = m_.name();
  info.model_hash = m_.hash_autov2();
  if (!uses_ensd(*sel.sampler, p.eta)) info.ensd = 0;
  const std::string label = schedule_label(sel);

  std::vector<GeneratedImage> out;
  for (int n = 0; n < p.batch_count; ++n) {
    if (cancel && cancel->load()) throw Interrupted();
    SamplingRequest req;
    req.sampler = sel.sampler;
    req.scheduler = sel.scheduler;
    req.steps = p.steps;
    req.eta = p.eta;
    req.s_churn = p.s_churn, req.s_tmin = p.s_tmin, req.s_tmax = p.s_tmax, req.s_noise = p.s_noise;
    req.rng.source = source;
    req.rng.shape = {m_.latent_channels(), p.height / f, p.width / f};
    const size_t first = size_t(n) * size_t(p.batch_size);
    req.rng.seeds.assign(seeds.seeds.begin() + first, seeds.seeds.begin() + first + p.batch_size);
    req.rng.subseeds.assign(seeds.subseeds.begin() + first, seeds.subseeds.begin() + first + p.batch_size);
    req.rng.subseed_strength = p.subseed_strength;
    req.rng.seed_resize_from_w = p.seed_resize_from_w;
    req.rng.seed_resize_from_h = p.seed_resize_from_h;
    req.rng.eta_noise_seed_delta = p.ensd;
    req.init_latent = init_latent;
    req.denoising_strength = p.denoising_strength;
    req.img2img_fix_steps = opts_.img2img_fix_steps;
    req.v_prediction = m_.v_prediction();
    ProgressFn progress;
    if (cb.on_step)
      progress = [&](const SamplingProgress& s) {
        cb.on_step(StepEvent{n, p.batch_count, int(first), p.batch_size, s.step, s.total, s.sigma, s.x, s.denoised});
      };
    SamplingResult res = run_sampling(req, eval, conds.cfg, m_.schedule(), progress, cancel);

    GenerationParams bi = info;
    InfotextFields extra(res.extra.begin(), res.extra.end());
    extra.insert(extra.end(), p.extra.begin(), p.extra.end());
    bi.extra.clear();
    for (auto& kv : extra) {  // a field from the run wins over a copy carried in p.extra
      bool dup = false;
      for (auto& have : bi.extra) dup |= have.first == kv.first;
      if (!dup) bi.extra.push_back(kv);
    }
    bi.eta.reset();  // eta goes through the sampler's own field ("Eta" / "Eta DDIM")
    const int64_t per = res.latent.numel() / p.batch_size;
    // An interrupted batch is still decoded and passed on (A1111 saves what the sampler had), then
    // the job stops: the caller tells interrupt (stop) from skip (go on with the next batch).
    for (int i = 0; i < p.batch_size; ++i) {
      Shape one = res.latent.shape();
      one[0] = 1;
      Tensor lat = Tensor::from(one, {res.latent.f32() + i * per, size_t(per)});
      Tensor decoded = m_.decode(lat);
      GeneratedImage g;
      g.index = int(first) + i;
      g.seed = int64_t(req.rng.seeds[size_t(i)]);
      g.subseed = int64_t(req.rng.subseeds[size_t(i)]);
      g.image = decoded_to_image(decoded, 0);
      g.infotext = make_infotext(bi, g.seed, g.subseed, label, opts_.version);
      g.image.text["parameters"] = g.infotext;
      g.latent = lat;
      if (cb.on_image) cb.on_image(g);
      out.push_back(std::move(g));
    }
    if (res.interrupted) throw Interrupted();
  }
  return out;
}

}  // namespace easel
