// Base64 (RFC 4648, standard alphabet) for the images the A1111 API sends as strings.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easel::server {

std::string base64_encode(const uint8_t* data, size_t n);
inline std::string base64_encode(const std::vector<uint8_t>& v) { return base64_encode(v.data(), v.size()); }

// Decodes, ignoring whitespace; padding optional. A "data:<mime>;base64," prefix is skipped,
// as A1111 accepts it. nullopt on a character outside the alphabet or a dangling bit group.
std::optional<std::vector<uint8_t>> base64_decode(std::string_view s);

}  // namespace easel::server
