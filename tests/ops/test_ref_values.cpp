// The reference backend checked against values computed by hand, so the conformance reference is
// itself verified.
#include <gtest/gtest.h>

#include <cmath>

#include "backend/backend.h"
#include "core/error.h"

namespace easel {
namespace {

Tensor T(Shape s, std::vector<float> v) { return Tensor::from(s, v); }

void expect_near(const Tensor& t, std::vector<double> want, double tol = 1e-6) {
  ASSERT_EQ(size_t(t.numel()), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(t.f32()[i], want[i], tol) << "element " << i;
}

TEST(RefValues, Conv3x3OnesCountsNeighbours) {
  auto be = make_backend("ref");
  Tensor w = T({1, 1, 3, 3}, std::vector<float>(9, 1.f)), b = T({1}, {0.5f});
  auto op = be->make_conv2d(w, &b, Conv2dDesc::same(3));
  Tensor x = T({1, 1, 3, 3}, std::vector<float>(9, 1.f)), y = Tensor::empty(op->output_shape(x.shape()));
  op->forward(x, y);
  expect_near(y, {4.5, 6.5, 4.5, 6.5, 9.5, 6.5, 4.5, 6.5, 4.5});
}

TEST(RefValues, ConvStrideAsymmetricPadAndResidual) {
  auto be = make_backend("ref");
  // 2 input channels, 4x4 input 0..15 (channel 1 = 10 * channel 0); kernel sums channel 0 and
  // subtracts channel 1 over the window; padding (0,0,1,1) as the VAE downsampler.
  std::vector<float> xv(32), wv(18);
  for (int i = 0; i < 16; ++i) xv[i] = float(i), xv[16 + i] = 10.f * i;
  for (int i = 0; i < 9; ++i) wv[i] = 1.f, wv[9 + i] = -1.f;
  auto op = be->make_conv2d(T({1, 2, 3, 3}, wv), nullptr, Conv2dDesc{2, 0, 0, 1, 1});
  Tensor x = T({1, 2, 4, 4}, xv);
  ASSERT_EQ(op->output_shape(x.shape()), (Shape{1, 1, 2, 2}));
  Tensor y = Tensor::empty({1, 1, 2, 2}), r = T({1, 1, 2, 2}, {1, 2, 3, 4});
  op->forward(x, y, &r);
  // Windows (rows, cols): (0-2, 0-2) sum 45; (0-2, 2-3) 2+3+6+7+10+11 = 39; (2-3, 0-2) 8+9+10+12+13+14
  // = 66; (2-3, 2-3) 10+11+14+15 = 50. Result -9 * sum + residual.
  expect_near(y, {-405 + 1, -351 + 2, -594 + 3, -450 + 4});
}

TEST(RefValues, LinearBiasActResidual) {
  auto be = make_backend("ref");
  Tensor w = T({2, 2}, {1, 2, 3, 4}), b = T({2}, {0.5f, -7});
  auto op = be->make_linear(w, &b);
  Tensor x = T({1, 2}, {1, 1}), y = Tensor::empty({1, 2}), r = T({1, 2}, {10, 20});
  op->forward(x, y, &r, Act::GELU);
  // gelu(3.5) = 3.5 * Phi(3.5) = 3.499186; gelu(0) = 0.
  expect_near(y, {10 + 3.4991860, 20}, 1e-5);
  op->forward(x, y, nullptr, Act::SiLU);
  expect_near(y, {3.5 / (1 + std::exp(-3.5)), 0});
}

TEST(RefValues, Activations) {
  auto be = make_backend("ref");
  Tensor x = T({3}, {1, -1, 0}), y = Tensor::empty({3});
  be->activation(x, y, Act::GELU);
  expect_near(y, {0.8413447460685429, -0.15865525393145707, 0});
  be->activation(x, y, Act::SiLU);
  expect_near(y, {0.7310585786300049, -0.2689414213699951, 0});
  be->activation(x, y, Act::QuickGELU);
  expect_near(y, {0.845795769, -0.154204231, 0});  // x * sigmoid(1.702 x)
  Tensor g = T({1, 4}, {2, 3, 1, -1}), gy = Tensor::empty({1, 2});
  be->geglu(g, gy);
  expect_near(gy, {2 * 0.8413447460685429, 3 * -0.15865525393145707});
}

TEST(RefValues, GroupNormAndLayerNorm) {
  auto be = make_backend("ref");
  // One group over 2 channels x 2 positions: mean 2.5, variance 1.25.
  Tensor x = T({1, 2, 2}, {1, 2, 3, 4}), y = Tensor::empty({1, 2, 2});
  Tensor ga = T({2}, {1, 2}), be_ = T({2}, {0, 1});
  be->group_norm(x, y, ga, be_, 1, 0.f, false);
  const double s = 1 / std::sqrt(1.25);
  expect_near(y, {-1.5 * s, -0.5 * s, 0.5 * s * 2 + 1, 1.5 * s * 2 + 1});
  // Per channel: normalised [-1, 1]; channel 1 scaled by 2 and shifted by 1 to [-1, 3]; then SiLU.
  be->group_norm(x, y, ga, be_, 2, 0.f, true);
  expect_near(y, {-0.2689414213699951, 0.7310585786300049, -0.2689414213699951, 3 / (1 + std::exp(-3.0))});
  Tensor l = T({2, 2}, {1, 3, 6, 2}), ly = Tensor::empty({2, 2});
  be->layer_norm(l, ly, T({2}, {1, 1}), T({2}, {0, 0}), 0.f);
  expect_near(ly, {-1, 1, 1, -1});
}

TEST(RefValues, SoftmaxAndAttention) {
  auto be = make_backend("ref");
  Tensor x = T({1, 3}, {1, 2, 3}), y = Tensor::empty({1, 3});
  be->softmax(x, y);
  expect_near(y, {0.09003057317038046, 0.24472847105479764, 0.6652409557748219});
  // One head, D = 2: query 0 = [1, 0] scores [1, 0] / sqrt(2) over keys [1,0] and [0,1].
  Tensor q = T({1, 2, 2}, {1, 0, 0, 0}), k = T({1, 2, 2}, {1, 0, 0, 1}), v = T({1, 2, 2}, {1, 2, 3, 4});
  Tensor o = Tensor::empty({1, 2, 2});
  be->attention(q, k, v, o, 1, false);
  const double p = 1 / (1 + std::exp(-1 / std::sqrt(2.0)));
  expect_near(o, {p * 1 + (1 - p) * 3, p * 2 + (1 - p) * 4, 2, 3});
  be->attention(q, k, v, o, 1, true);  // causal: query 0 sees key 0 only
  expect_near(o, {1, 2, 2, 3});
}

TEST(RefValues, TimestepEmbedding) {
  auto be = make_backend("ref");
  Tensor t = T({2}, {0, 1}), y = Tensor::empty({2, 4});
  be->timestep_embedding(t, y);
  // half = 2: frequencies 1 and 10000^(-1/2) = 0.01.
  expect_near(y, {1, 1, 0, 0, std::cos(1.0), std::cos(0.01), std::sin(1.0), std::sin(0.01)});
}

TEST(RefValues, LayoutOps) {
  auto be = make_backend("ref");
  Tensor x = T({1, 1, 2, 2}, {1, 2, 3, 4}), u = Tensor::empty({1, 1, 4, 4});
  be->upsample_nearest2x(x, u);
  expect_near(u, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, 0);
  Tensor a = T({2, 1, 1, 2}, {1, 2, 3, 4}), b = T({2, 1, 1, 2}, {5, 6, 7, 8}), c = Tensor::empty({2, 2, 1, 2});
  be->concat_channels(a, b, c);
  expect_near(c, {1, 2, 5, 6, 3, 4, 7, 8}, 0);
  Tensor n = T({1, 2, 1, 3}, {1, 2, 3, 4, 5, 6}), l = Tensor::empty({1, 3, 2}), back = Tensor::empty({1, 2, 1, 3});
  be->nchw_to_nlc(n, l);
  expect_near(l, {1, 4, 2, 5, 3, 6}, 0);
  be->nlc_to_nchw(l, back, 1, 3);
  expect_near(back, {1, 2, 3, 4, 5, 6}, 0);
  Tensor s = T({2, 2, 1, 1}, {1, 2, 3, 4});
  be->add_channel_bias(s, T({2, 2}, {10, 20, 30, 40}));
  expect_near(s, {11, 22, 33, 44}, 0);
  Tensor ab = Tensor::empty({2, 2});
  be->add(T({2, 2}, {1, 2, 3, 4}), T({2}, {10, 20}), ab);
  expect_near(ab, {11, 22, 13, 24}, 0);
}

TEST(RefValues, BadShapesFailWithMessage) {
  for (const char* name : {"ref", "cpu"}) {
    auto be = make_backend(name);
    Tensor x = Tensor::zeros({1, 3, 4, 4}), y = Tensor::zeros({1, 3, 4, 5});
    EXPECT_THROW(be->upsample_nearest2x(x, y), Error) << name;
    EXPECT_THROW(be->group_norm(x, x, Tensor::zeros({3}), Tensor::zeros({3}), 2, 1e-5f, false), Error) << name;
    auto op = be->make_conv2d(Tensor::zeros({2, 5, 3, 3}), nullptr, Conv2dDesc::same(3));
    Tensor o = Tensor::zeros({1, 2, 4, 4});
    EXPECT_THROW(op->forward(x, o), Error) << name;
    Tensor q = Tensor::zeros({1, 4, 6});
    EXPECT_THROW(be->attention(q, q, q, q, 4, false), Error) << name;
  }
  EXPECT_THROW(make_backend("tpu"), Error);
}

}  // namespace
}  // namespace easel
