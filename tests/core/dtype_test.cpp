// DType conversions against exhaustive/bit-level expectations.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "core/dtype.h"
#include "core/tensor.h"

using namespace easel;

TEST(DType, F16RoundTripsEveryValue) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float f = f16_to_f32(uint16_t(h));
    if (std::isnan(f)) continue;
    EXPECT_EQ(f32_to_f16(f), h) << h;
  }
}

TEST(DType, F16KnownValues) {
  EXPECT_EQ(f16_to_f32(0x3c00), 1.0f);
  EXPECT_EQ(f16_to_f32(0xc000), -2.0f);
  EXPECT_EQ(f16_to_f32(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(f16_to_f32(0x7bff), 65504.0f);
  EXPECT_TRUE(std::isinf(f16_to_f32(0x7c00)));
  // Ties round to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
  EXPECT_EQ(f32_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  EXPECT_EQ(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  EXPECT_EQ(f32_to_f16(1e6f), 0x7c00);
}

TEST(DType, BF16AndF8) {
  EXPECT_EQ(bf16_to_f32(0x3f80), 1.0f);
  EXPECT_EQ(f32_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(f8e4m3_to_f32(0x38), 1.0f);   // 0 0111 000
  EXPECT_EQ(f8e4m3_to_f32(0x7e), 448.0f); // max normal
  EXPECT_TRUE(std::isnan(f8e4m3_to_f32(0x7f)));
  EXPECT_EQ(f8e4m3_to_f32(0x01), std::ldexp(1.0f, -9));
  EXPECT_EQ(f8e5m2_to_f32(0x3c), 1.0f);
  EXPECT_EQ(f8e5m2_to_f32(0xc0), -2.0f);
}

TEST(DType, Names) {
  for (auto n : {"F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2"}) {
    auto t = dtype_from_name(n);
    ASSERT_TRUE(t.has_value()) << n;
    EXPECT_EQ(dtype_name(*t), n);
  }
  EXPECT_FALSE(dtype_from_name("f32").has_value());
  EXPECT_FALSE(dtype_from_name("Q4_0").has_value());
}

TEST(Tensor, ConvertAndReshape) {
  uint16_t h[3] = {0x3c00, 0x4000, 0xbc00};
  Tensor v = Tensor::view({3}, DType::F16, h, nullptr);
  Tensor f = v.to_f32();
  EXPECT_EQ(f.f32()[0], 1.0f);
  EXPECT_EQ(f.f32()[1], 2.0f);
  EXPECT_EQ(f.f32()[2], -1.0f);
  EXPECT_THROW(v.f32(), std::exception);
  EXPECT_THROW(f.reshaped({2, 2}), std::exception);
  EXPECT_EQ(f.reshaped({1, 3}).dim(1), 3);
}
