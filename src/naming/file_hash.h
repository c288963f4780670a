// The model hashes A1111 and Civitai show: SHA-256 of the whole file (AutoV2 = its first 10 hex
// digits) and A1111's legacy hash (first 8 hex of the SHA-256 of 64 KiB at offset 1 MiB), cached
// by path + size + mtime in a small JSON file outside the repository.
#pragma once
#include <string>

namespace easel {

struct FileHashes {
  std::string sha256;  // 64 lowercase hex digits
  std::string legacy;  // 8 hex digits
  bool cached = false; // true when read from the cache instead of the file
  std::string autov2() const { return sha256.substr(0, 10); }
};

// Hashes a regular file; with use_cache, consults and updates the cache (failures to read or
// write the cache only cost a recomputation). Throws Error if the file cannot be read.
FileHashes file_hashes(const std::string& path, bool use_cache = true);

std::string sha256_hex_file(const std::string& path);
std::string legacy_hash_file(const std::string& path);
std::string sha256_hex(const void* data, size_t n);

// $XDG_CACHE_HOME/easel/hashes.json, else $HOME/.cache/easel/hashes.json; "" if neither is set.
std::string hash_cache_path();

}  // namespace easel
