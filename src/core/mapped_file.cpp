// mmap-backed read-only file, and a registry of the live mappings so that release_pages only
// ever advises file-backed memory (MADV_DONTNEED on anonymous memory would zero it).
#include "core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "core/error.h"

namespace easel {

namespace {
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::map<uintptr_t, uintptr_t>& registry() {  // begin -> end of each live mapping
  static std::map<uintptr_t, uintptr_t> r;
  return r;
}
}  // namespace

std::shared_ptr<MappedFile> MappedFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("{}: cannot open: {}", path, std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail("{}: not a regular file", path);
  }
  std::shared_ptr<MappedFile> f(new MappedFile());
  f->path_ = path;
  f->size_ = size_t(st.st_size);
  if (f->size_ > 0) {
    void* p = mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      fail("{}: cannot mmap: {}", path, std::strerror(e));
    }
    f->data_ = static_cast<const uint8_t*>(p);
    std::lock_guard<std::mutex> lk(registry_mutex());
    registry()[uintptr_t(p)] = uintptr_t(p) + f->size_;
  }
  ::close(fd);
  return f;
}

MappedFile::~MappedFile() {
  if (!data_) return;
  {
    std::lock_guard<std::mutex> lk(registry_mutex());
    registry().erase(uintptr_t(data_));
  }
  munmap(const_cast<uint8_t*>(data_), size_);
}

size_t MappedFile::release_pages(const void* p, size_t n) {
  static const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
  const uintptr_t b = (uintptr_t(p) + page - 1) & ~(page - 1), e = (uintptr_t(p) + n) & ~(page - 1);
  if (!p || e <= b) return 0;
  std::lock_guard<std::mutex> lk(registry_mutex());  // the mapping stays alive while advised
  auto it = registry().upper_bound(uintptr_t(p));
  if (it == registry().begin()) return 0;
  --it;
  if (uintptr_t(p) < it->first || uintptr_t(p) + n > it->second) return 0;
  return madvise(reinterpret_cast<void*>(b), e - b, MADV_DONTNEED) == 0 ? e - b : 0;
}

}  // namespace easel
