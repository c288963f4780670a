// DType conversions against exhaustive/bit-level expectations.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <vector>

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

// The vectorised, threaded F16/BF16 paths give the scalar loops' bits for every 16-bit pattern
// (NaN payloads included), at every offset of a vector (tails) and across thread chunks.
TEST(DType, BulkConvertMatchesScalarBitwise) {
  for (DType t : {DType::F16, DType::BF16}) {
    std::vector<uint16_t> all(65536 * 3 + 5);
    for (size_t i = 0; i < all.size(); ++i) all[i] = uint16_t(i * 40503u);  // odd stride: every value
    for (size_t off : {size_t(0), size_t(1), size_t(3), size_t(7)}) {
      const size_t n = all.size() - off;
      std::vector<float> fast(n), ref(n);
      convert_to_f32(t, all.data() + off, fast.data(), n);
      convert_to_f32_scalar(t, all.data() + off, ref.data(), n);
      size_t bad = 0;
      for (size_t i = 0; i < n; ++i) bad += std::bit_cast<uint32_t>(fast[i]) != std::bit_cast<uint32_t>(ref[i]);
      EXPECT_EQ(bad, 0u) << dtype_name(t) << " offset " << off;
    }
  }
  // The scalar reference itself: every half once, NaNs keep their payload.
  EXPECT_EQ(std::bit_cast<uint32_t>(f16_to_f32(0x7c01)), 0x7f802000u);
  EXPECT_EQ(std::bit_cast<uint32_t>(f16_to_f32(0xfe00)), 0xffc00000u);
}
