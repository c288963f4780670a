// MappedFile: a read-only memory map of a whole file. Shared so tensor views keep it alive;
// converted weights can hand their source pages back (release_pages).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace easel {

class MappedFile {
 public:
  // Throws Error naming the path if it cannot be opened or mapped.
  static std::shared_ptr<MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Drops the resident pages of the whole pages inside [p, p + n) when that range lies in a live
  // MappedFile, so a weight converted to another copy stops counting in RSS. The mapping is
  // read-only and private, so its pages are clean: a later access reads them again from the
  // file (page cache). Other memory (heap, arena) is never touched. Returns the bytes released.
  static size_t release_pages(const void* p, size_t n);

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace easel
