// Element types found in model files (the safetensors set) and their conversion to float32.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace easel {

enum class DType : uint8_t { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL, F8_E4M3, F8_E5M2 };

size_t dtype_size(DType t);
std::string_view dtype_name(DType t);                    // safetensors spelling: "F32", "BF16", ...
std::optional<DType> dtype_from_name(std::string_view s);  // exact safetensors spelling
bool dtype_is_float(DType t);

float f16_to_f32(uint16_t h);
uint16_t f32_to_f16(float f);  // round to nearest even, as torch's .half()
float bf16_to_f32(uint16_t h);
uint16_t f32_to_bf16(float f);  // round to nearest even
float f8e4m3_to_f32(uint8_t v);
float f8e5m2_to_f32(uint8_t v);

// Converts n elements of type `t` at `src` (little-endian, any alignment) to float32.
// Large inputs are converted on all threads (vectorised where the CPU has AVX2/F16C).
void convert_to_f32(DType t, const void* src, float* dst, size_t n);
// The plain per-element loops, one thread: the reference the fast path is tested against.
void convert_to_f32_scalar(DType t, const void* src, float* dst, size_t n);

}  // namespace easel
