// The zip reader: stored/deflated/zip64 entries read back exactly; hostile directories (path
// traversal, absurd sizes, entries past the end or overlapping, truncation) are refused by name.
#include <gtest/gtest.h>

#include <cstring>

#include "io/builders.h"
#include "io/zip_reader.h"

using namespace easel;
using namespace easel::test;

namespace {
std::vector<ZipEntry> dir_of(const std::string& z) {
  return read_zip_directory(reinterpret_cast<const uint8_t*>(z.data()), z.size(), "t.zip");
}
std::string contents(const std::string& z, const ZipEntry& e) {
  auto b = zip_entry_bytes(reinterpret_cast<const uint8_t*>(z.data()), z.size(), e, "t.zip");
  return std::string(reinterpret_cast<const char*>(b.data), b.size);
}
void put(std::string& z, size_t off, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) z[off + i] = char(v >> (8 * i));
}
std::string sample(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = char((i * 31) % 7 == 0 ? i : 'a' + i % 3);
  return s;
}
}  // namespace

TEST(Zip, StoredDeflatedAndZip64ReadBack) {
  for (bool z64 : {false, true}) {
    std::vector<ZipItem> items = {{"a/data.pkl", "hello"}, {"a/data/0", sample(1000)}, {"a/data/1", sample(70000), true},
                                  {"a/empty", ""}};
    std::string z = make_zip(items, z64);
    auto es = dir_of(z);
    ASSERT_EQ(es.size(), items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(es[i].name, items[i].name);
      EXPECT_EQ(contents(z, es[i]), items[i].data) << items[i].name << (z64 ? " zip64" : "");
      if (!items[i].deflate) {
        EXPECT_EQ(es[i].data_offset % 64, 0u) << "torch-style alignment";
        // Stored entries are spans into the image, not copies.
        auto b = zip_entry_bytes(reinterpret_cast<const uint8_t*>(z.data()), z.size(), es[i], "t.zip");
        EXPECT_EQ(b.owned, nullptr);
        EXPECT_EQ(reinterpret_cast<const char*>(b.data), z.data() + es[i].data_offset);
      }
    }
  }
}

TEST(Zip, HostileNames) {
  const char* bad[] = {"../evil", "a/../../evil", "/etc/passwd", "a\\..\\b", "..", "a/.."};
  for (const char* n : bad) {
    std::string z = make_zip({{"a/data.pkl", "x"}, {n, "y"}});
    std::string e = error_of([&] { dir_of(z); });
    EXPECT_NE(e.find(n), std::string::npos) << n << ": " << e;
    EXPECT_TRUE(e.find("'..' component") != std::string::npos || e.find("absolute") != std::string::npos ||
                e.find("backslash") != std::string::npos)
        << e;
  }
  EXPECT_ERROR(dir_of(make_zip({{"a/x", "1"}, {"a/x", "2"}})), "'a/x' appears twice");
  EXPECT_ERROR(dir_of(make_zip({{"", "1"}})), "empty name");
  EXPECT_ERROR(dir_of(make_zip({{std::string("a\0b", 3), "1"}})), "NUL");
}

TEST(Zip, HostileSizesAndOffsets) {
  const std::string base = make_zip({{"a/data.pkl", "hello world"}, {"a/data/0", sample(300)}, {"a/data/1", sample(5000), true}});
  auto patched = [&](const std::string& name, size_t field, uint64_t v, int n) {
    std::string z = base;
    put(z, central_header(z, name) + field, v, n);
    return z;
  };
  // Central header fields: 10 method, 20 compressed size, 24 size, 42 local offset, 8 flags.
  EXPECT_ERROR(dir_of(patched("a/data/0", 20, 0x7fffffff, 4)), "stored but declares");
  EXPECT_ERROR(dir_of(patched("a/data/1", 24, 0xfffffff0u, 4)), "absurd uncompressed size");
  EXPECT_ERROR(dir_of(patched("a/data/0", 42, 0x7ffffff0u, 4)), "runs past the end of the file");
  {
    std::string z = patched("a/data/0", 20, 100000, 4);
    put(z, central_header(z, "a/data/0") + 24, 100000, 4);
    EXPECT_ERROR(dir_of(z), "entry 'a/data/0' data");
  }
  {  // data.pkl's range swallowing the next entry's local header
    std::string z = patched("a/data.pkl", 20, 200, 4);
    put(z, central_header(z, "a/data.pkl") + 24, 200, 4);
    EXPECT_ERROR(dir_of(z), "overlap");
  }
  {  // two central entries pointing at one local header: the name check catches it
    std::string z = base;
    size_t off1 = uint8_t(z[central_header(z, "a/data/0") + 42]) | uint8_t(z[central_header(z, "a/data/0") + 43]) << 8;
    put(z, central_header(z, "a/data/1") + 42, off1, 4);
    EXPECT_ERROR(dir_of(z), "local header names a different file");
  }
  EXPECT_ERROR(dir_of(patched("a/data/0", 8, 1, 2)), "encrypted");
  EXPECT_ERROR(dir_of(patched("a/data/0", 10, 12, 2)), "compression method 12");
  {  // corrupt deflate stream and a wrong CRC
    auto es = dir_of(base);
    std::string z = base;
    for (size_t i = 0; i < 16; ++i) z[es[2].data_offset + 10 + i] ^= 0x5a;
    std::string e = error_of([&] { contents(z, es[2]); });
    EXPECT_TRUE(e.find("corrupt") != std::string::npos || e.find("CRC") != std::string::npos || e.find("inflates to") != std::string::npos) << e;
    std::string z2 = patched("a/data/1", 16, 0x12345678, 4);
    auto es2 = dir_of(z2);
    EXPECT_ERROR(contents(z2, es2[2]), "CRC mismatch");
  }
  {  // EOCD claiming more entries than its directory can hold
    std::string z = base;
    put(z, z.size() - 22 + 10, 60000, 2);
    EXPECT_ERROR(dir_of(z), "declares 60000 entries");
  }
  {  // zip64 locator pointing past the end
    std::string z = make_zip({{"a/x", "1"}}, true);
    put(z, z.size() - 22 - 20 + 8, 1ull << 40, 8);
    EXPECT_ERROR(dir_of(z), "zip64 end-of-central-directory record");
  }
  EXPECT_ERROR(dir_of("PK"), "not a zip file");
  EXPECT_ERROR(dir_of(std::string(100, 'x')), "end-of-central-directory record not found");
}

TEST(Zip, EveryTruncationFails) {
  std::string z = make_zip({{"a/data.pkl", "hello"}, {"a/data/0", sample(200)}, {"a/data/1", sample(3000), true}});
  size_t refused = 0;
  for (size_t n = 0; n < z.size(); ++n) {
    std::string cut = z.substr(0, n);
    std::string e = error_of([&] {
      auto es = dir_of(cut);
      for (auto& x : es) contents(cut, x);
    });
    EXPECT_NE(e, "<no error>") << "truncated at " << n;
    refused += e != "<no error>";
  }
  std::printf("zip: %zu/%zu truncations refused\n", refused, z.size());
}
