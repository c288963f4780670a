// MappedFile::release_pages: drops resident pages of a mapped file (RSS falls, the data reads
// back unchanged) and never advises memory that is not a live mapping.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "core/mapped_file.h"

using namespace easel;

namespace {

size_t resident_bytes() {
  std::ifstream f("/proc/self/statm");
  size_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * size_t(sysconf(_SC_PAGESIZE));
}

std::string write_file(size_t n) {
  char name[] = "/tmp/easel_mapped_XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  std::vector<uint8_t> data(n);
  for (size_t i = 0; i < n; ++i) data[i] = uint8_t(i * 7 + i / 4096);
  EXPECT_EQ(write(fd, data.data(), n), ssize_t(n));
  close(fd);
  return name;
}

}  // namespace

TEST(MappedFile, ReleasePagesDropsResidentFilePages) {
  const size_t n = size_t(32) << 20;
  const std::string path = write_file(n);
  {
    auto f = MappedFile::open(path);
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i += 512) sum += f->data()[i];  // fault every page in
    const size_t before = resident_bytes();
    // A range that is not page aligned: only the whole pages inside it go.
    const size_t released = MappedFile::release_pages(f->data() + 100, n - 200);
    EXPECT_EQ(released, n - 4096 * 2);
    const size_t after = resident_bytes();
    EXPECT_GT(before, after + n / 2) << "RSS before " << before << ", after " << after;
    uint64_t sum2 = 0;
    for (size_t i = 0; i < n; i += 512) sum2 += f->data()[i];
    EXPECT_EQ(sum, sum2);
    for (size_t i = 0; i < n; i += 4099) ASSERT_EQ(f->data()[i], uint8_t(i * 7 + i / 4096)) << i;
    // Past the end of the mapping: refused.
    EXPECT_EQ(MappedFile::release_pages(f->data() + n - 8192, 16384), 0u);
  }
  std::remove(path.c_str());
}

TEST(MappedFile, ReleasePagesIgnoresOtherMemory) {
  std::vector<uint8_t> heap(size_t(8) << 20, 0xab);
  EXPECT_EQ(MappedFile::release_pages(heap.data(), heap.size()), 0u);
  for (size_t i = 0; i < heap.size(); i += 4096) ASSERT_EQ(heap[i], 0xab);
  EXPECT_EQ(MappedFile::release_pages(nullptr, 1 << 20), 0u);
}
