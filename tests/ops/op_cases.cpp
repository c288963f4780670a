// The op case tables: SD 1.5 shapes scaled down, odd shapes (channel counts, sizes not multiples
// of 8, batch 1 and 2, 77 keys), and the full-size shapes timed by the perf mode.
#include "ops/op_cases.h"

#include <random>

#include "core/dtype.h"

namespace easel::test {

Tensor random_tensor(const Shape& s, uint32_t seed, float a) {
  Tensor t = Tensor::empty(s);
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> u(-a, a);
  for (auto& v : t.span_f32()) v = u(g);
  return t;
}

namespace {

// fp32 GEMM-like accumulation over K terms: relative error ~ eps * sqrt(K) for random signs
// (eps = 6e-8, K <= 3000 gives NMSE ~ 1e-11); the bound leaves two orders of magnitude.
constexpr double kGemmBound = 1e-9;
// Single-pass float kernels against the double reference (one or two roundings per element plus
// vectorised exp/erf within a few ulp): NMSE ~ 1e-14.
constexpr double kExactish = 1e-10;

Tensor to_dtype(const Tensor& t, DType d) {
  if (d == DType::F32) return t;
  Tensor r = Tensor::empty(t.shape(), d);
  auto* p = static_cast<uint16_t*>(r.raw());
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = d == DType::F16 ? f32_to_f16(t.f32()[i]) : f32_to_bf16(t.f32()[i]);
  return r;
}

OpCase conv(std::string name, int64_t N, int64_t Ci, int64_t Co, int64_t H, int64_t W, int k, Conv2dDesc d,
            bool bias, bool residual, DType wd = DType::F32) {
  const int64_t Ho = (H + d.pad_t + d.pad_b - k) / d.stride + 1, Wo = (W + d.pad_l + d.pad_r - k) / d.stride + 1;
  OpCase c{std::move(name), kGemmBound, 2.0 * N * Co * Ho * Wo * Ci * k * k, {}};
  c.build = [=](Backend& be) {
    const float ws = 1.f / std::sqrt(float(Ci * k * k));
    Tensor w = to_dtype(random_tensor({Co, Ci, k, k}, 1, ws), wd), b = random_tensor({Co}, 2);
    auto op = be.make_conv2d(w, bias ? &b : nullptr, d);
    Tensor x = random_tensor({N, Ci, H, W}, 3), r = random_tensor({N, Co, Ho, Wo}, 4);
    Tensor y = Tensor::empty(op->output_shape(x.shape()));
    return std::function<Tensor()>([=, op = std::shared_ptr<Conv2dOp>(std::move(op))]() mutable {
      op->forward(x, y, residual ? &r : nullptr);
      return y;
    });
  };
  return c;
}

OpCase linear(std::string name, Shape xs, int64_t N, bool bias, Act act, bool residual, DType wd = DType::F32) {
  const int64_t K = xs.back(), M = shape_numel(xs) / K;
  OpCase c{std::move(name), kGemmBound, 2.0 * M * N * K, {}};
  c.build = [=](Backend& be) {
    Tensor w = to_dtype(random_tensor({N, K}, 5, 1.f / std::sqrt(float(K))), wd), b = random_tensor({N}, 6);
    auto op = be.make_linear(w, bias ? &b : nullptr);
    Shape ys = xs;
    ys.back() = N;
    Tensor x = random_tensor(xs, 7, 2.f), r = random_tensor(ys, 8), y = Tensor::empty(ys);
    return std::function<Tensor()>([=, op = std::shared_ptr<LinearOp>(std::move(op))]() mutable {
      op->forward(x, y, residual ? &r : nullptr, act);
      return y;
    });
  };
  return c;
}

// A case for a stateless op: `f(be, inputs, y)` with inputs random of the given shapes.
OpCase simple(std::string name, double bound, std::vector<Shape> in, Shape out,
              std::function<void(Backend&, std::vector<Tensor>&, Tensor&)> f, double flops = 0) {
  OpCase c{std::move(name), bound, flops, {}};
  c.build = [=](Backend& be) {
    std::vector<Tensor> xs;
    for (size_t i = 0; i < in.size(); ++i) xs.push_back(random_tensor(in[i], 11 + uint32_t(i), 3.f));
    Tensor y = Tensor::empty(out);
    return std::function<Tensor()>([=, &be]() mutable {
      f(be, xs, y);
      return y;
    });
  };
  return c;
}

OpCase group_norm(std::string name, Shape s, int groups, float eps, bool silu) {
  const int64_t C = s[1];
  return simple(std::move(name), kExactish, {s, {C}, {C}}, s, [=](Backend& be, std::vector<Tensor>& x, Tensor& y) {
    be.group_norm(x[0], y, x[1], x[2], groups, eps, silu);
  });
}

OpCase layer_norm(std::string name, Shape s, float eps) {
  const int64_t D = s.back();
  return simple(std::move(name), kExactish, {s, {D}, {D}}, s,
                [=](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.layer_norm(x[0], y, x[1], x[2], eps); });
}

OpCase attention(std::string name, int64_t B, int64_t Nq, int64_t Nk, int64_t C, int heads, bool causal) {
  OpCase c{std::move(name), kGemmBound, 4.0 * B * Nq * Nk * C, {}};
  c.build = [=](Backend& be) {
    Tensor q = random_tensor({B, Nq, C}, 21, 2.f), k = random_tensor({B, Nk, C}, 22, 2.f);
    Tensor v = random_tensor({B, Nk, C}, 23), o = Tensor::empty({B, Nq, C});
    return std::function<Tensor()>([=, &be]() mutable {
      be.attention(q, k, v, o, heads, causal);
      return o;
    });
  };
  return c;
}

void add_elementwise(std::vector<OpCase>& v) {
  const std::pair<const char*, Act> acts[] = {
      {"silu", Act::SiLU}, {"gelu", Act::GELU}, {"quick_gelu", Act::QuickGELU}, {"none", Act::None}};
  for (auto [n, a] : acts)
    for (Shape s : {Shape{2, 77, 3072}, Shape{3, 1001}, Shape{5}})
      v.push_back(simple(std::string("activation_") + n + shape_str(s), kExactish, {s}, s,
                         [a](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.activation(x[0], y, a); }));
  for (Shape s : {Shape{2, 256, 2 * 1280}, Shape{3, 7, 2 * 33}}) {
    Shape o = s;
    o.back() /= 2;
    v.push_back(simple("geglu" + shape_str(s), kExactish, {s}, o,
                       [](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.geglu(x[0], y); }));
  }
  auto add = [](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.add(x[0], x[1], y); };
  v.push_back(simple("add[2,320,16,16]", 0, {{2, 320, 16, 16}, {2, 320, 16, 16}}, {2, 320, 16, 16}, add));
  v.push_back(simple("add[3,1,7,5]", 0, {{3, 1, 7, 5}, {3, 1, 7, 5}}, {3, 1, 7, 5}, add));
  v.push_back(simple("add_bcast[2,77,768]+[77,768]", 0, {{2, 77, 768}, {77, 768}}, {2, 77, 768}, add));
  v.push_back(simple("add_bcast[3,5,13]+[13]", 0, {{3, 5, 13}, {13}}, {3, 5, 13}, add));
  for (Shape s : {Shape{2, 320, 16, 16}, Shape{1, 33, 7, 9}, Shape{2, 1280, 1, 1}})
    v.push_back(simple("add_channel_bias" + shape_str(s), 0, {s, {s[0], s[1]}}, s,
                       [](Backend& be, std::vector<Tensor>& x, Tensor& y) {
                         be.copy(x[0], y);
                         be.add_channel_bias(y, x[1]);
                       }));
  for (Shape s : {Shape{2, 4, 64, 64}, Shape{13}})
    v.push_back(simple("scale" + shape_str(s), 0, {s}, s,
                       [](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.scale(x[0], y, 0.18215f); }));
  for (Shape s : {Shape{2, 8, 77, 77}, Shape{3, 1001}, Shape{4, 1}, Shape{2, 3, 4096}})
    v.push_back(simple("softmax" + shape_str(s), kExactish, {s}, s,
                       [](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.softmax(x[0], y); }));
  for (int64_t dim : {320, 7}) {
    OpCase c{"timestep_embedding_dim" + std::to_string(dim), 0, 0, {}};
    c.build = [dim](Backend& be) {
      Tensor t = Tensor::from({3}, std::vector<float>{999.f, 1.f, 500.5f}), y = Tensor::empty({3, dim});
      return std::function<Tensor()>([=, &be]() mutable {
        be.timestep_embedding(t, y);
        return y;
      });
    };
    v.push_back(c);
  }
}

void add_layout(std::vector<OpCase>& v) {
  for (Shape s : {Shape{2, 320, 8, 8}, Shape{1, 3, 5, 7}})
    v.push_back(simple("upsample_nearest2x" + shape_str(s), 0, {s}, {s[0], s[1], 2 * s[2], 2 * s[3]},
                       [](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.upsample_nearest2x(x[0], y); }));
  auto cat = [](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.concat_channels(x[0], x[1], y); };
  v.push_back(simple("concat[2,320,8,8]+[2,640,8,8]", 0, {{2, 320, 8, 8}, {2, 640, 8, 8}}, {2, 960, 8, 8}, cat));
  v.push_back(simple("concat[1,3,5,7]+[1,5,5,7]", 0, {{1, 3, 5, 7}, {1, 5, 5, 7}}, {1, 8, 5, 7}, cat));
  for (Shape s : {Shape{2, 320, 16, 16}, Shape{1, 5, 7, 3}, Shape{2, 1280, 8, 8}}) {
    v.push_back(simple("nchw_to_nlc" + shape_str(s), 0, {s}, {s[0], s[2] * s[3], s[1]},
                       [](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.nchw_to_nlc(x[0], y); }));
    const int64_t h = s[2], w = s[3];
    v.push_back(simple("nlc_to_nchw" + shape_str(s), 0, {{s[0], h * w, s[1]}}, s,
                       [h, w](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.nlc_to_nchw(x[0], y, h, w); }));
  }
  OpCase c{"copy_f16_to_f32", 0, 0, {}};
  c.build = [](Backend& be) {
    Tensor h = to_dtype(random_tensor({3, 77, 5}, 31), DType::F16), y = Tensor::empty({3, 77, 5});
    return std::function<Tensor()>([=, &be]() mutable {
      be.copy(h, y);
      return y;
    });
  };
  v.push_back(c);
}

}  // namespace

std::vector<OpCase> conformance_cases() {
  std::vector<OpCase> v;
  const auto s1 = Conv2dDesc::same(1), s3 = Conv2dDesc::same(3), down = Conv2dDesc::same(3, 2);
  const Conv2dDesc vae_down{2, 0, 0, 1, 1};
  v.push_back(conv("conv3x3_320_320_16x16_b2_res", 2, 320, 320, 16, 16, 3, s3, true, true));
  v.push_back(conv("conv3x3_4_320_13x11_b1", 1, 4, 320, 13, 11, 3, s3, true, false));
  v.push_back(conv("conv3x3_320_4_9x10_b2", 2, 320, 4, 9, 10, 3, s3, true, false));
  v.push_back(conv("conv3x3_s2_64_64_15x17_b2", 2, 64, 64, 15, 17, 3, down, true, false));
  v.push_back(conv("conv3x3_s2_vae_pad0101_32_32_16x16", 1, 32, 32, 16, 16, 3, vae_down, true, false));
  v.push_back(conv("conv3x3_s2_vae_pad0101_24_40_9x7_b2", 2, 24, 40, 9, 7, 3, vae_down, true, false));
  v.push_back(conv("conv1x1_96_48_7x9_b2_res", 2, 96, 48, 7, 9, 1, s1, true, true));
  v.push_back(conv("conv1x1_640_320_8x8_b2_nobias", 2, 640, 320, 8, 8, 1, s1, false, false));
  v.push_back(conv("conv3x3_3_5_6x5_nobias", 1, 3, 5, 6, 5, 3, s3, false, false));
  v.push_back(conv("conv3x3_128_3_12x12_f16w", 1, 128, 3, 12, 12, 3, s3, true, false, DType::F16));
  v.push_back(conv("conv3x3_33_17_11x13_bf16w_res", 2, 33, 17, 11, 13, 3, s3, true, true, DType::BF16));

  v.push_back(linear("linear_clip_q[2,77,768]x768", {2, 77, 768}, 768, true, Act::None, false));
  v.push_back(linear("linear_clip_fc1_quick_gelu", {2, 77, 768}, 3072, true, Act::QuickGELU, false));
  v.push_back(linear("linear_clip_fc2_res", {2, 77, 3072}, 768, true, Act::None, true));
  v.push_back(linear("linear_geglu_proj[2,256,320]x2560", {2, 256, 320}, 2560, true, Act::None, false));
  v.push_back(linear("linear_time_embed_silu[2,320]x1280", {2, 320}, 1280, true, Act::SiLU, false));
  v.push_back(linear("linear_gelu_res_nobias", {2, 64, 96}, 80, false, Act::GELU, true));
  v.push_back(linear("linear_odd[7,33]x17", {7, 33}, 17, true, Act::None, false));
  v.push_back(linear("linear_k_nobias_f16w[2,77,768]x320", {2, 77, 768}, 320, false, Act::None, false, DType::F16));
  v.push_back(linear("linear_m1_bf16w_silu_res", {1, 1, 1280}, 1280, true, Act::SiLU, true, DType::BF16));

  v.push_back(group_norm("group_norm[2,320,16,16]g32", {2, 320, 16, 16}, 32, 1e-5f, false));
  v.push_back(group_norm("group_norm_silu[2,320,16,16]g32", {2, 320, 16, 16}, 32, 1e-5f, true));
  v.push_back(group_norm("group_norm_silu[1,128,33,17]g32", {1, 128, 33, 17}, 32, 1e-6f, true));
  v.push_back(group_norm("group_norm[2,96,5,7]g32", {2, 96, 5, 7}, 32, 1e-6f, false));
  v.push_back(group_norm("group_norm_silu[2,15,3,3]g5", {2, 15, 3, 3}, 5, 1e-5f, true));
  v.push_back(group_norm("group_norm[2,64,100]g32", {2, 64, 100}, 32, 1e-6f, false));
  v.push_back(layer_norm("layer_norm[2,77,768]", {2, 77, 768}, 1e-5f));
  v.push_back(layer_norm("layer_norm[2,256,320]", {2, 256, 320}, 1e-5f));
  v.push_back(layer_norm("layer_norm[3,5,33]", {3, 5, 33}, 1e-6f));

  v.push_back(attention("attn_self[2,256,320]h8", 2, 256, 256, 320, 8, false));
  v.push_back(attention("attn_cross[2,256,320]k77h8", 2, 256, 77, 320, 8, false));
  v.push_back(attention("attn_self[2,64,1280]h8", 2, 64, 64, 1280, 8, false));
  v.push_back(attention("attn_self[2,128,640]h8", 2, 128, 128, 640, 8, false));
  v.push_back(attention("attn_clip_causal[2,77,768]h12", 2, 77, 77, 768, 12, true));
  v.push_back(attention("attn_vae[1,256,512]h1", 1, 256, 256, 512, 1, false));
  v.push_back(attention("attn_odd[1,67,72]k67h3", 1, 67, 67, 72, 3, false));
  v.push_back(attention("attn_odd_cross[2,37,20]k5h2", 2, 37, 5, 20, 2, false));
  v.push_back(attention("attn_odd_causal[1,13,12]h1", 1, 13, 13, 12, 1, true));
  add_elementwise(v);
  add_layout(v);
  return v;
}

std::vector<OpCase> perf_cases() {
  std::vector<OpCase> v;
  const auto s1 = Conv2dDesc::same(1), s3 = Conv2dDesc::same(3);
  v.push_back(conv("conv3x3_320_320_64x64_b2", 2, 320, 320, 64, 64, 3, s3, true, false));
  v.push_back(conv("conv3x3_320_320_64x64_b2_res", 2, 320, 320, 64, 64, 3, s3, true, true));
  v.push_back(conv("conv3x3_640_640_32x32_b2", 2, 640, 640, 32, 32, 3, s3, true, false));
  v.push_back(conv("conv3x3_1280_1280_16x16_b2", 2, 1280, 1280, 16, 16, 3, s3, true, false));
  v.push_back(conv("conv3x3_1280_1280_8x8_b2", 2, 1280, 1280, 8, 8, 3, s3, true, false));
  v.push_back(conv("conv3x3_s2_320_320_64x64_b2", 2, 320, 320, 64, 64, 3, Conv2dDesc::same(3, 2), true, false));
  v.push_back(conv("conv1x1_960_320_64x64_b2", 2, 960, 320, 64, 64, 1, s1, true, true));
  v.push_back(conv("conv3x3_128_128_512x512_b1", 1, 128, 128, 512, 512, 3, s3, true, false));
  v.push_back(conv("conv3x3_512_512_64x64_b1", 1, 512, 512, 64, 64, 3, s3, true, false));
  v.push_back(linear("linear_8192x320x1280", {2, 4096, 320}, 1280, true, Act::None, false));
  v.push_back(linear("linear_8192x320x320", {2, 4096, 320}, 320, true, Act::None, false));
  v.push_back(linear("linear_geglu_8192x320x2560", {2, 4096, 320}, 2560, true, Act::None, false));
  v.push_back(linear("linear_8192x1280x320_res", {2, 4096, 1280}, 320, true, Act::None, true));
  v.push_back(linear("linear_clip_fc1_154x768x3072", {2, 77, 768}, 3072, true, Act::QuickGELU, false));
  v.push_back(attention("attn_self_4096_h8x40_b2", 2, 4096, 4096, 320, 8, false));
  v.push_back(attention("attn_self_1024_h8x80_b2", 2, 1024, 1024, 640, 8, false));
  v.push_back(attention("attn_self_256_h8x160_b2", 2, 256, 256, 1280, 8, false));
  v.push_back(attention("attn_cross_4096_k77_h8x40_b2", 2, 4096, 77, 320, 8, false));
  v.push_back(attention("attn_vae_4096_h1x512", 1, 4096, 4096, 512, 1, false));
  v.push_back(attention("attn_clip_77_h12x64_b2_causal", 2, 77, 77, 768, 12, true));
  v.push_back(group_norm("group_norm_silu[1,128,512,512]", {1, 128, 512, 512}, 32, 1e-6f, true));
  v.push_back(group_norm("group_norm_silu[2,320,64,64]", {2, 320, 64, 64}, 32, 1e-5f, true));
  v.push_back(layer_norm("layer_norm[2,4096,320]", {2, 4096, 320}, 1e-5f));
  v.push_back(simple("geglu[2,4096,2560]", 0, {{2, 4096, 2560}}, {2, 4096, 1280},
                     [](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.geglu(x[0], y); }));
  v.push_back(simple("nchw_to_nlc[2,320,64,64]", 0, {{2, 320, 64, 64}}, {2, 4096, 320},
                     [](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.nchw_to_nlc(x[0], y); }));
  v.push_back(simple("upsample[1,512,256,256]", 0, {{1, 512, 256, 256}}, {1, 512, 512, 512},
                     [](Backend& be, std::vector<Tensor>& x, Tensor& y) { be.upsample_nearest2x(x[0], y); }));
  return v;
}

}  // namespace easel::test
