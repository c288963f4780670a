// core/torch_math: the scalar kernel is glibc, the AVX2 kernel is SLEEF u10 (within 1 ulp of the
// exact value, and not glibc), arrays and single values agree, and pow follows ATen's
// 16-element-block / scalar-tail split. Bit-exactness against torch is checked by the oracle
// tests of sampling (schedules) and pipeline (model timesteps, txt2img).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/torch_math.h"

namespace easel {
namespace {

using ArrayFn = void (*)(const float*, float*, int64_t, TorchKernel);
using OneFn = float (*)(float, TorchKernel);

struct Op {
  std::string name;
  ArrayFn array;
  OneFn one;
  double (*exact)(double);
  float lo, hi;  // input range swept
};

std::vector<Op> ops() {
  return {
      {"exp", torch_exp, torch_exp, [](double x) { return std::exp(x); }, -80.f, 80.f},
      {"log", torch_log, torch_log, [](double x) { return std::log(x); }, 1e-6f, 1e4f},
      {"sin", torch_sin, torch_sin, [](double x) { return std::sin(x); }, -2000.f, 2000.f},
      {"cos", torch_cos, torch_cos, [](double x) { return std::cos(x); }, -2000.f, 2000.f},
      {"tan", torch_tan, torch_tan, [](double x) { return std::tan(x); }, -1.5f, 1.5f},
      {"atan", torch_atan, torch_atan, [](double x) { return std::atan(x); }, -50.f, 50.f},
      {"acos", torch_acos, torch_acos, [](double x) { return std::acos(x); }, -1.f, 1.f},
      {"expm1", torch_expm1, torch_expm1, [](double x) { return std::expm1(x); }, -20.f, 20.f},
  };
}

std::vector<float> sweep(float lo, float hi, int n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[size_t(i)] = lo + (hi - lo) * (float(i) + 0.37f) / float(n);
  return v;
}

// Distance in units of the float spacing at the exact value.
double ulp_error(float got, double exact) {
  const float r = float(exact);
  const double spacing = std::nextafter(std::fabs(r), INFINITY) - std::fabs(r);
  return std::fabs(double(got) - exact) / spacing;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(TorchMath, ScalarKernelIsLibm) {
  for (const auto& op : ops()) {
    auto x = sweep(op.lo, op.hi, 4099);
    std::vector<float> y(x.size());
    op.array(x.data(), y.data(), int64_t(x.size()), TorchKernel::Scalar);
    int bad = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      float libm = 0;
      if (op.name == "exp") libm = std::exp(x[i]);
      if (op.name == "log") libm = std::log(x[i]);
      if (op.name == "sin") libm = std::sin(x[i]);
      if (op.name == "cos") libm = std::cos(x[i]);
      if (op.name == "tan") libm = std::tan(x[i]);
      if (op.name == "atan") libm = std::atan(x[i]);
      if (op.name == "acos") libm = std::acos(x[i]);
      if (op.name == "expm1") libm = std::expm1(x[i]);
      bad += !same_bits(y[i], libm);
    }
    EXPECT_EQ(bad, 0) << op.name;
  }
}

TEST(TorchMath, Avx2KernelIsSleefU10) {
  std::printf("[torch_math] SLEEF AVX2/FMA code on this CPU: %s\n", torch_math_has_avx2_fma() ? "yes" : "no (portable)");
  for (const auto& op : ops()) {
    auto x = sweep(op.lo, op.hi, 100003);
    std::vector<float> y(x.size());
    op.array(x.data(), y.data(), int64_t(x.size()), TorchKernel::Avx2);
    double worst = 0;
    int differ_from_libm = 0;
    std::vector<float> g(x.size());
    op.array(x.data(), g.data(), int64_t(x.size()), TorchKernel::Scalar);
    for (size_t i = 0; i < x.size(); ++i) {
      worst = std::max(worst, ulp_error(y[i], op.exact(double(x[i]))));
      differ_from_libm += !same_bits(y[i], g[i]);
    }
    std::printf("[torch_math] %-5s worst %.3f ulp, %d of %zu values differ from glibc\n", op.name.c_str(), worst,
                differ_from_libm, x.size());
    EXPECT_LE(worst, 1.0) << op.name;  // SLEEF's u10 bound
    EXPECT_GT(differ_from_libm, 0) << op.name << ": the AVX2 kernel gives glibc's results";
  }
}

TEST(TorchMath, ArraysTailsAndSingleValuesAgree) {
  for (const auto& op : ops()) {
    auto x = sweep(op.lo, op.hi, 37);
    for (auto k : {TorchKernel::Avx2, TorchKernel::Scalar})
      for (int64_t n = 1; n <= int64_t(x.size()); ++n) {
        std::vector<float> y(static_cast<size_t>(n)), inplace(x.begin(), x.begin() + n);
        op.array(x.data(), y.data(), n, k);
        op.array(inplace.data(), inplace.data(), n, k);
        for (int64_t i = 0; i < n; ++i) {
          ASSERT_TRUE(same_bits(y[size_t(i)], op.one(x[size_t(i)], k))) << op.name << " n=" << n << " i=" << i;
          ASSERT_TRUE(same_bits(y[size_t(i)], inplace[size_t(i)])) << op.name << " in place, n=" << n;
        }
      }
  }
}

TEST(TorchMath, PowSpecialExponents) {
  const auto x = sweep(0.01f, 30.f, 40);
  std::vector<float> y(x.size());
  struct Case {
    double e;
    float (*f)(float);
  };
  const Case cases[] = {
      {0.0, [](float) { return 1.0f; }},           {1.0, [](float v) { return v; }},
      {0.5, [](float v) { return std::sqrt(v); }}, {-0.5, [](float v) { return 1.0f / std::sqrt(v); }},
      {-1.0, [](float v) { return 1.0f / v; }},    {2.0, [](float v) { return v * v; }},
      {3.0, [](float v) { return v * v * v; }},    {-2.0, [](float v) { return 1.0f / (v * v); }},
  };
  for (const auto& c : cases)
    for (auto k : {TorchKernel::Avx2, TorchKernel::Scalar}) {
      torch_pow_scalar(x.data(), c.e, y.data(), int64_t(x.size()), k);
      for (size_t i = 0; i < x.size(); ++i) ASSERT_TRUE(same_bits(y[i], c.f(x[i]))) << "exponent " << c.e << " i=" << i;
    }
}

TEST(TorchMath, PowBlocksOf16AndScalarTail) {
  // Bases near 1 with exponent 7 (karras): the vector pow and double pow differ in some of them.
  std::vector<float> x;
  for (int i = 0; i < 4000; ++i) x.push_back(0.5f + float(i) * 3.7e-4f);
  const double e = 7.0;
  for (auto k : {TorchKernel::Avx2, TorchKernel::Scalar}) {
    // The vector function, per element: a 16-element call runs entirely through it.
    std::vector<float> vec(x.size());
    for (size_t b = 0; b + 16 <= x.size(); b += 16) torch_pow_scalar(x.data() + b, e, vec.data() + b, 16, k);
    int vec_vs_double = 0;
    for (size_t i = 0; i < x.size(); ++i) vec_vs_double += !same_bits(vec[i], float(std::pow(double(x[i]), e)));
    std::printf("[torch_math] pow(x, 7) %s: vector path differs from double pow in %d of %zu\n",
                k == TorchKernel::Avx2 ? "avx2" : "scalar", vec_vs_double, x.size());
    for (int64_t n : {1, 5, 15, 16, 17, 20, 26, 31, 32, 33, 50}) {
      std::vector<float> y(static_cast<size_t>(n));
      torch_pow_scalar(x.data(), e, y.data(), n, k);
      const int64_t head = n / 16 * 16;
      for (int64_t i = 0; i < n; ++i) {
        const float want = i < head ? vec[size_t(i)] : float(std::pow(double(x[size_t(i)]), e));
        ASSERT_TRUE(same_bits(y[size_t(i)], want)) << "n=" << n << " i=" << i;
      }
    }
  }
}

}  // namespace
}  // namespace easel
