// A minimal, strict zip reader for torch checkpoints: the central directory (zip64 included) of
// an in-memory image, stored entries as spans into it, deflated entries inflated into owned memory.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace easel {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;  // 0 stored, 8 deflated (the only ones accepted)
  uint32_t crc = 0;
  uint64_t comp_size = 0, size = 0;
  uint64_t local_offset = 0, data_offset = 0;  // local header / first data byte in the image
};

// Parses and validates the directory: names (no "..", absolute or duplicate names), sizes,
// every entry's bytes inside the image and no two entries overlapping. `what` names the file.
std::vector<ZipEntry> read_zip_directory(const uint8_t* data, size_t size, const std::string& what);

struct ZipBytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::shared_ptr<const void> owned;  // set when the bytes were inflated
};
// An entry's contents: a span into the image when stored, else inflated (CRC checked).
ZipBytes zip_entry_bytes(const uint8_t* data, size_t size, const ZipEntry& e, const std::string& what);

}  // namespace easel
