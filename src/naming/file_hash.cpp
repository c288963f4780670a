// SHA-256 via OpenSSL's libcrypto (SHA-NI where the CPU has it) and the JSON hash cache.
#include "naming/file_hash.h"

#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"
#include "core/log.h"

namespace easel {

namespace {

struct Sha256 {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  Sha256() {
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) fail("SHA-256: cannot initialise libcrypto");
  }
  void update(const void* p, size_t n) { EVP_DigestUpdate(ctx.get(), p, n); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (unsigned i = 0; i < len; ++i) {
      s += digits[md[i] >> 4];
      s += digits[md[i] & 15];
    }
    return s;
  }
};

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_or_fail(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) fail("{}: cannot open for hashing", path);
  return f;
}

struct Stamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

Stamp stamp_of(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) fail("{}: cannot stat", path);
  if (!S_ISREG(st.st_mode)) fail("{}: not a regular file, cannot hash it", path);
  return {uint64_t(st.st_size), int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

nlohmann::json read_cache(const std::string& file) {
  std::ifstream in(file);
  if (!in) return nlohmann::json::object();
  try {
    auto j = nlohmann::json::parse(in);
    if (j.is_object()) return j;
  } catch (const std::exception&) {
  }
  log_warn("{}: hash cache unreadable, starting a new one", file);
  return nlohmann::json::object();
}

void write_cache(const std::string& file, const nlohmann::json& j) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
  std::string tmp = file + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp);
    if (!out) return;
    out << j.dump(1) << "\n";
    if (!out) return;
  }
  std::filesystem::rename(tmp, file, ec);  // atomic: concurrent writers never leave a torn file
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace

std::string sha256_hex(const void* data, size_t n) {
  Sha256 h;
  h.update(data, n);
  return h.hex();
}

std::string sha256_hex_file(const std::string& path) {
  File f = open_or_fail(path);
  Sha256 h;
  std::vector<unsigned char> buf(8u << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) h.update(buf.data(), n);
  if (std::ferror(f.get())) fail("{}: read error while hashing", path);
  return h.hex();
}

std::string legacy_hash_file(const std::string& path) {
  // A1111's model_hash(): seek to 1 MiB and hash up to 64 KiB (fewer, or none, if the file is
  // shorter: then it is the hash of what is there, e.g. of nothing).
  File f = open_or_fail(path);
  std::vector<unsigned char> buf(0x10000);
  size_t n = 0;
  if (std::fseek(f.get(), 0x100000, SEEK_SET) == 0) n = std::fread(buf.data(), 1, buf.size(), f.get());
  return sha256_hex(buf.data(), n).substr(0, 8);
}

std::string hash_cache_path() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/easel/hashes.json";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/easel/hashes.json";
  return "";
}

FileHashes file_hashes(const std::string& path, bool use_cache) {
  Stamp st = stamp_of(path);
  std::error_code ec;
  std::string key = std::filesystem::absolute(path, ec).lexically_normal().string();
  std::string cache_file = use_cache ? hash_cache_path() : "";
  nlohmann::json cache = cache_file.empty() ? nlohmann::json::object() : read_cache(cache_file);
  if (auto it = cache.find(key); it != cache.end() && it->is_object()) {
    const auto& e = *it;
    if (e.value("size", uint64_t(0)) == st.size && e.value("mtime_ns", int64_t(0)) == st.mtime_ns &&
        e.value("sha256", "").size() == 64 && e.value("legacy", "").size() == 8)
      return {e["sha256"].get<std::string>(), e["legacy"].get<std::string>(), true};
  }
  FileHashes h{sha256_hex_file(path), legacy_hash_file(path), false};
  if (!cache_file.empty()) {
    cache = read_cache(cache_file);  // re-read: another process may have added entries meanwhile
    cache[key] = {{"size", st.size}, {"mtime_ns", st.mtime_ns}, {"sha256", h.sha256}, {"legacy", h.legacy}};
    write_cache(cache_file, cache);
  }
  return h;
}

}  // namespace easel
