// UniPC (A1111 UniPCCFG over uni_pc.UniPC, multistep, data prediction): steps = len(timesteps),
// discrete VP schedule from alphas_cumprod, variants bh1/bh2/vary_coeff, time_uniform/logSNR.
// Small linear systems are solved in double and rounded to float32 (upstream: float32 LAPACK).
#include <cmath>

#include "sampling/samplers/common.h"

namespace easel {
namespace {

struct VpSchedule {
  std::vector<float> t, log_alpha;  // t_i = (i+1)/N, log_alpha = 0.5 log(alphas_cumprod)
  int total_n = 0;
  explicit VpSchedule(const DiscreteSchedule& s) {
    const auto& ac = s.alphas_cumprod();
    total_n = int(ac.size());
    auto lin = torch_linspace_f32(0.f, 1.f, total_n + 1);
    t.assign(lin.begin() + 1, lin.end());
    for (float a : ac) log_alpha.push_back(0.5f * std::log(a));
  }
  // uni_pc.interpolate_fn for increasing xp (extrapolates with the end segments).
  static float interp(float x, const std::vector<float>& xp, const std::vector<float>& yp) {
    const size_t k = xp.size();
    size_t j = 0;
    if (x >= xp[k - 1]) j = k - 2;
    else if (x > xp[0]) {
      size_t lo = 0, hi = k - 1;
      while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (xp[mid] <= x) lo = mid; else hi = mid;
      }
      j = lo;
    }
    return yp[j] + (x - xp[j]) * (yp[j + 1] - yp[j]) / (xp[j + 1] - xp[j]);
  }
  float log_mean(float tt) const { return interp(tt, t, log_alpha); }
  float std_(float tt) const { return std::sqrt(1.0f - std::exp(2.0f * log_mean(tt))); }
  float lambda(float tt) const {
    const float lm = log_mean(tt);
    return lm - 0.5f * std::log(1.0f - std::exp(2.0f * lm));
  }
  float inverse_lambda(float lamb) const {
    const float z = -2.0f * lamb;
    const float lae = std::fmax(0.f, z) + std::log1p(std::exp(-std::fabs(z)));  // logaddexp(0, z)
    const float la = -0.5f * lae;
    std::vector<float> xs(log_alpha.rbegin(), log_alpha.rend()), ys(t.rbegin(), t.rend());
    return interp(la, xs, ys);
  }
};

std::vector<double> solve(std::vector<std::vector<double>> a, std::vector<double> b) {
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c) {
    size_t p = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    std::swap(a[c], a[p]);
    std::swap(b[c], b[p]);
    if (a[c][c] == 0) fail("UniPC: singular coefficient system");
    for (size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      for (size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(n);
  for (size_t i = n; i-- > 0;) {
    double s = b[i];
    for (size_t k = i + 1; k < n; ++k) s -= a[i][k] * x[k];
    x[i] = s / a[i][i];
  }
  return x;
}

std::vector<std::vector<double>> inverse(const std::vector<std::vector<double>>& a) {
  const size_t n = a.size();
  std::vector<std::vector<double>> out(n, std::vector<double>(n));
  for (size_t c = 0; c < n; ++c) {
    std::vector<double> e(n, 0.0);
    e[c] = 1;
    auto col = solve(a, e);
    for (size_t r = 0; r < n; ++r) out[r][c] = double(float(col[r]));
  }
  return out;
}

// sum_k w[k] * ts[k], accumulated in order as einsum over a small k.
Tensor weighted(const std::vector<Tensor>& ts, const std::vector<float>& w) {
  Tensor acc = emap([c = w[0]](float v) { return c * v; }, ts[0]);
  for (size_t k = 1; k < ts.size(); ++k) acc = emap([c = w[k]](float a, float v) { return a + c * v; }, acc, ts[k]);
  return acc;
}

struct UniPc {
  SamplerRun& r;
  VpSchedule ns;
  std::string variant;

  Tensor model_x0(const Tensor& x, float t) {
    const float t_in = (t - float(1.0 / ns.total_n)) * 1000.0f;
    Tensor e = r.denoise(x, t_in);
    const float lm = ns.log_mean(t), a = std::exp(lm), s = std::sqrt(1.0f - std::exp(2.0f * lm));
    return emap([=](float v, float p) { return (v - s * p) / a; }, x, e);
  }

  std::pair<Tensor, Tensor> update(const Tensor& x, const std::vector<Tensor>& mp, const std::vector<float>& tp, float t,
                                   int order, bool use_corrector) {
    const float t0 = tp.back();
    const float l0 = ns.lambda(t0), lt = ns.lambda(t);
    const Tensor& m0 = mp.back();
    const float s0 = ns.std_(t0), st = ns.std_(t), at = std::exp(ns.log_mean(t));
    const float h = lt - l0;
    std::vector<float> rks;
    std::vector<Tensor> d1s;
    for (int i = 1; i < order; ++i) {
      const float li = ns.lambda(tp[tp.size() - 1 - size_t(i)]);
      const float rk = (li - l0) / h;
      rks.push_back(rk);
      d1s.push_back(emap([rk](float a, float b) { return (a - b) / rk; }, mp[mp.size() - 1 - size_t(i)], m0));
    }
    rks.push_back(1.0f);
    const float hh = -h, h_phi_1 = std::expm1(hh);
    const float k0 = st / s0, k1 = at * h_phi_1;
    Tensor x_t_ = emap([=](float v, float m) { return k0 * v - k1 * m; }, x, m0);
    Tensor model_t;
    if (variant == "vary_coeff") {
      const size_t K = rks.size();
      std::vector<std::vector<double>> C(K, std::vector<double>(K));
      std::vector<float> col(K, 1.0f);
      for (size_t k = 1; k <= K; ++k) {
        for (size_t rr = 0; rr < K; ++rr) C[rr][k - 1] = col[rr];
        for (size_t rr = 0; rr < K; ++rr) col[rr] = col[rr] * rks[rr] / float(k + 1);
      }
      std::vector<float> hpk;
      float hp = h_phi_1;
      double fact = 1;
      for (size_t k = 1; k <= K + 1; ++k) {
        hpk.push_back(hp);
        hp = hp / hh - float(1.0 / fact);
        fact *= double(k + 1);
      }
      Tensor xt = x_t_;
      if (!d1s.empty()) {
        std::vector<std::vector<double>> Cp(K - 1, std::vector<double>(K - 1));
        for (size_t a = 0; a + 1 < K; ++a)
          for (size_t b = 0; b + 1 < K; ++b) Cp[a][b] = C[a][b];
        auto Ap = inverse(Cp);
        for (size_t k = 0; k + 1 < K; ++k) {
          std::vector<float> w(Ap[k].begin(), Ap[k].end());
          const float c = at * hpk[k + 1];
          Tensor s = weighted(d1s, w);
          xt = emap([c](float v, float q) { return v - c * q; }, xt, s);
        }
      }
      if (use_corrector) {
        model_t = model_x0(xt, t);
        auto Ac = inverse(C);
        xt = x_t_;
        size_t k = 0;
        for (k = 0; k + 1 < K; ++k) {
          std::vector<float> w(Ac[k].begin(), Ac[k].end() - 1);
          const float c = at * hpk[k + 1];
          Tensor s = weighted(d1s, w);
          xt = emap([c](float v, float q) { return v - c * q; }, xt, s);
        }
        if (K > 1) --k;
        const float c = at * hpk[K], w = float(Ac[k].back());
        xt = emap([=](float v, float mt, float m) { return v - c * ((mt - m) * w); }, xt, model_t, m0);
      }
      return {xt, model_t};
    }
    float b_h;
    if (variant == "bh1") b_h = hh;
    else if (variant == "bh2") b_h = std::expm1(hh);
    else fail("UniPC: unknown variant '{}' (bh1, bh2, vary_coeff)", variant);
    std::vector<std::vector<double>> R;
    std::vector<double> b;
    float hpk = h_phi_1 / hh - 1.0f;
    double fact = 1;
    for (int i = 1; i <= order; ++i) {
      std::vector<double> row;
      for (float rk : rks) row.push_back(i == 1 ? 1.0 : i == 2 ? double(rk) : double(rk * rk));
      R.push_back(row);
      b.push_back(double(hpk * float(fact) / b_h));
      fact *= double(i + 1);
      hpk = hpk / hh - float(1.0 / fact);
    }
    const float c = at * b_h;
    Tensor xt;
    if (!d1s.empty()) {
      std::vector<float> rp;
      if (order == 2) rp = {0.5f};
      else {
        std::vector<std::vector<double>> Rp(size_t(order - 1), std::vector<double>(size_t(order - 1)));
        for (int a = 0; a + 1 < order; ++a)
          for (int bb = 0; bb + 1 < order; ++bb) Rp[size_t(a)][size_t(bb)] = R[size_t(a)][size_t(bb)];
        auto sol = solve(Rp, std::vector<double>(b.begin(), b.end() - 1));
        rp.assign(sol.begin(), sol.end());
      }
      Tensor pr = weighted(d1s, rp);
      xt = emap([c](float v, float p) { return v - c * p; }, x_t_, pr);
    } else {
      xt = emap([c](float v) { return v - c * 0.0f; }, x_t_);
    }
    if (use_corrector) {
      std::vector<float> rc;
      if (order == 1) rc = {0.5f};
      else {
        auto sol = solve(R, b);
        rc.assign(sol.begin(), sol.end());
      }
      model_t = model_x0(xt, t);
      const float rl = rc.back();
      if (!d1s.empty()) {
        Tensor cr = weighted(d1s, std::vector<float>(rc.begin(), rc.end() - 1));
        xt = emap([=](float v, float q, float mt, float m) { return v - c * (q + rl * (mt - m)); }, x_t_, cr, model_t, m0);
      } else {
        xt = emap([=](float v, float mt, float m) { return v - c * (0.0f + rl * (mt - m)); }, x_t_, model_t, m0);
      }
    }
    return {xt, model_t};
  }
};

}  // namespace

Tensor sample_unipc(SamplerRun& r, Tensor x) {
  if (!r.schedule) fail("UniPC needs the model's alphas_cumprod");
  const int steps = int(r.timesteps.size()), order = r.opts.unipc_order;
  if (order < 1 || order > 3) fail("UniPC: order must be 1, 2 or 3, got {}", order);
  if (steps < order) fail("UniPC: order ({}) must be <= sampling steps ({})", order, steps);
  UniPc u{r, VpSchedule(*r.schedule), r.opts.unipc_variant};
  const float t_T = 1.0f, t_0 = float(1.0 / u.ns.total_n);
  std::vector<float> ts;
  if (r.opts.unipc_skip_type == "time_uniform") {
    ts = torch_linspace_f32(t_T, t_0, steps + 1);
  } else if (r.opts.unipc_skip_type == "logSNR") {
    auto lam = torch_linspace_f32(u.ns.lambda(t_T), u.ns.lambda(t_0), steps + 1);
    for (float l : lam) ts.push_back(u.ns.inverse_lambda(l));
  } else if (r.opts.unipc_skip_type == "time_quadratic") {
    auto q = torch_linspace_f32(std::sqrt(t_T), float(std::sqrt(1.0 / u.ns.total_n)), steps + 1);
    for (float v : q) ts.push_back(v * v);
  } else {
    fail("UniPC: unknown skip type '{}' (time_uniform, logSNR, time_quadratic)", r.opts.unipc_skip_type);
  }
  std::vector<Tensor> mp = {u.model_x0(x, ts[0])};
  std::vector<float> tp = {ts[0]};
  int index = 0;
  for (int io = 1; io < order; ++io) {
    auto [nx, mx] = u.update(x, mp, tp, ts[size_t(io)], io, true);
    x = nx;
    r.report(index++, 0.f, 0.f, x, mx);
    mp.push_back(mx);
    tp.push_back(ts[size_t(io)]);
  }
  for (int step = order; step <= steps; ++step) {
    const int so = r.opts.unipc_lower_order_final ? std::min(order, steps + 1 - step) : order;
    const bool corr = step != steps;
    auto [nx, mx] = u.update(x, mp, tp, ts[size_t(step)], so, corr);
    x = nx;
    r.report(index++, 0.f, 0.f, x, mx);
    for (int i = 0; i + 1 < order; ++i) {
      tp[size_t(i)] = tp[size_t(i + 1)];
      mp[size_t(i)] = mp[size_t(i + 1)];
    }
    tp.back() = ts[size_t(step)];
    if (step < steps) mp.back() = mx;
  }
  return x;
}

}  // namespace easel
