// Test-only writers for the formats the loaders read: pickle byte strings, zip archives (stored,
// deflated, zip64, torch-style 64-byte alignment) and torch checkpoints built from both.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace easel::test {

// Appends pickle opcodes; every method returns *this so pickles read left to right.
struct Pickle {
  std::string b;
  Pickle& raw(const std::string& s) { b += s; return *this; }
  Pickle& op(char c) { b += c; return *this; }
  Pickle& proto(int p) { b += '\x80'; b += char(p); return *this; }
  Pickle& u32(uint32_t v) { for (int i = 0; i < 4; ++i) b += char(v >> (8 * i)); return *this; }
  Pickle& u64(uint64_t v) { for (int i = 0; i < 8; ++i) b += char(v >> (8 * i)); return *this; }
  Pickle& str(const std::string& s) { b += 'X'; u32(uint32_t(s.size())); b += s; return *this; }
  Pickle& bytes(const std::string& s) { b += 'B'; u32(uint32_t(s.size())); b += s; return *this; }
  Pickle& integer(int64_t v);
  Pickle& global(const std::string& module, const std::string& name) { b += 'c' + module + '\n' + name + '\n'; return *this; }
  Pickle& stack_global(const std::string& module, const std::string& name);
  Pickle& mark() { return op('('); }
  Pickle& stop() { return op('.'); }
};

// A tensor to place in a synthetic torch checkpoint.
struct CkptTensor {
  std::string name, key;                // state-dict name, storage key
  std::string storage = "FloatStorage";
  int64_t numel = 0;                    // storage elements
  int64_t offset = 0;
  std::vector<int64_t> size, stride;
  bool parameter = false;               // wrap in _rebuild_parameter
};
// The data.pkl torch.save writes for {"state_dict": {...}, extras...} (or the bare dict when
// `wrap` is false). `extra` is raw pickle appended as more top-level key/value pairs.
std::string torch_pickle(const std::vector<CkptTensor>& ts, bool wrap = true, const std::string& extra = "");

struct ZipItem {
  std::string name, data;
  bool deflate = false;
};
// Writes a zip image; entry data is 64-byte aligned like torch's writer; `zip64` forces
// zip64 records for every size and offset.
std::string make_zip(const std::vector<ZipItem>& items, bool zip64 = false);
// Offset of the central-directory header of `name` in a zip image made by make_zip.
size_t central_header(const std::string& zip, const std::string& name);

void write_file(const std::filesystem::path& p, const std::string& bytes);
std::string read_file(const std::filesystem::path& p);
// Bytes of n little-endian floats.
std::string f32_bytes(const std::vector<float>& v);

// The message of the easel::Error `f` throws, or "<no error>". Any other exception escapes.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const easel::Error& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace easel::test

// Expects `stmt` to throw easel::Error whose message contains `needle`.
#define EXPECT_ERROR(stmt, needle)                                                            \
  do {                                                                                        \
    std::string m_ = easel::test::error_of([&] { stmt; });                                    \
    EXPECT_NE(m_.find(needle), std::string::npos) << "expected '" << (needle) << "', got: " << m_; \
  } while (0)
