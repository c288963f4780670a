// Zip central-directory parsing. Every offset read from the file is checked against the image
// size before use, and all arithmetic is done in 64 bits with explicit overflow guards.
#include "io/zip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "core/error.h"

namespace easel {

namespace {
constexpr uint32_t kEocdSig = 0x06054b50, kZip64LocSig = 0x07064b50, kZip64EocdSig = 0x06064b50;
constexpr uint32_t kCentralSig = 0x02014b50, kLocalSig = 0x04034b50;
// Deflate cannot expand data more than ~1032:1; a larger declared ratio is a zip bomb.
constexpr uint64_t kMaxDeflateRatio = 1032;
constexpr uint64_t kMaxInflated = 16ull << 30;
constexpr size_t kMaxEntries = 1u << 20;

struct Reader {
  const uint8_t* base;
  size_t size;
  const std::string& what;
  void need(uint64_t off, uint64_t n, const char* field) const {
    if (off > size || n > size - off)
      fail("{}: zip {} at offset {} ({} bytes) runs past the end of the file ({} bytes)", what, field, off, n, size);
  }
  uint64_t le(uint64_t off, int n) const {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | base[off + i];
    return v;
  }
};

void check_name(const std::string& n, const std::string& what) {
  if (n.empty()) fail("{}: zip entry with an empty name", what);
  if (n.find('\0') != std::string::npos) fail("{}: zip entry name contains a NUL byte", what);
  if (n[0] == '/' || n[0] == '\\') fail("{}: zip entry '{}' has an absolute name", what, n);
  if (n.find('\\') != std::string::npos) fail("{}: zip entry '{}' contains a backslash", what, n);
  size_t b = 0;
  while (b <= n.size()) {
    size_t e = n.find('/', b);
    if (e == std::string::npos) e = n.size();
    if (n.compare(b, e - b, "..") == 0 && e - b == 2) fail("{}: zip entry '{}' contains a '..' component", what, n);
    b = e + 1;
  }
}

// Fills the zip64 fields of `e` that the central header marked with 0xFFFFFFFF.
void read_zip64_extra(const Reader& r, uint64_t xoff, uint64_t xlen, ZipEntry& e, bool need_usize, bool need_csize,
                      bool need_off) {
  uint64_t p = xoff, end = xoff + xlen;
  while (p + 4 <= end) {
    uint64_t id = r.le(p, 2), len = r.le(p + 2, 2);
    p += 4;
    if (len > end - p) fail("{}: zip entry '{}': extra field runs past its header", r.what, e.name);
    if (id == 1) {
      uint64_t q = p, qe = p + len;
      auto take = [&](uint64_t& dst) {
        if (q + 8 > qe) fail("{}: zip entry '{}': zip64 extra field too short", r.what, e.name);
        dst = r.le(q, 8);
        q += 8;
      };
      if (need_usize) take(e.size);
      if (need_csize) take(e.comp_size);
      if (need_off) take(e.local_offset);
      return;
    }
    p += len;
  }
  fail("{}: zip entry '{}': sizes need a zip64 extra field, none found", r.what, e.name);
}
}  // namespace

std::vector<ZipEntry> read_zip_directory(const uint8_t* data, size_t size, const std::string& what) {
  Reader r{data, size, what};
  if (size < 22) fail("{}: not a zip file ({} bytes)", what, size);
  // The end-of-central-directory record sits in the last 22 + 65535 bytes.
  uint64_t eocd = UINT64_MAX;
  uint64_t lo = size > 22 + 65535 ? size - 22 - 65535 : 0;
  for (uint64_t p = size - 22 + 1; p-- > lo;)
    if (r.le(p, 4) == kEocdSig && p + 22 + r.le(p + 20, 2) <= size) {
      eocd = p;
      break;
    }
  if (eocd == UINT64_MAX) fail("{}: zip end-of-central-directory record not found (truncated file?)", what);
  uint64_t disk = r.le(eocd + 4, 2), cd_disk = r.le(eocd + 6, 2);
  uint64_t count = r.le(eocd + 10, 2), cd_size = r.le(eocd + 12, 4), cd_off = r.le(eocd + 16, 4);
  if (count == 0xffff || cd_size == 0xffffffff || cd_off == 0xffffffff) {
    if (eocd < 20 || r.le(eocd - 20, 4) != kZip64LocSig)
      fail("{}: zip64 end-of-central-directory locator missing", what);
    uint64_t z = r.le(eocd - 20 + 8, 8);
    r.need(z, 56, "zip64 end-of-central-directory record");
    if (r.le(z, 4) != kZip64EocdSig) fail("{}: bad zip64 end-of-central-directory signature", what);
    disk = r.le(z + 16, 4);
    cd_disk = r.le(z + 20, 4);
    count = r.le(z + 32, 8);
    cd_size = r.le(z + 40, 8);
    cd_off = r.le(z + 48, 8);
  }
  if (disk != 0 || cd_disk != 0) fail("{}: multi-disk zip archives are not supported", what);
  r.need(cd_off, cd_size, "central directory");
  if (count > kMaxEntries || count > cd_size / 46)
    fail("{}: zip declares {} entries in a {} byte central directory", what, count, cd_size);

  std::vector<ZipEntry> out;
  out.reserve(count);
  std::unordered_set<std::string> names;
  uint64_t p = cd_off, cd_end = cd_off + cd_size;
  for (uint64_t i = 0; i < count; ++i) {
    if (p + 46 > cd_end || r.le(p, 4) != kCentralSig)
      fail("{}: zip central directory entry {} is malformed or truncated", what, i);
    ZipEntry e;
    uint64_t flags = r.le(p + 8, 2);
    e.method = uint16_t(r.le(p + 10, 2));
    e.crc = uint32_t(r.le(p + 16, 4));
    e.comp_size = r.le(p + 20, 4);
    e.size = r.le(p + 24, 4);
    uint64_t nlen = r.le(p + 28, 2), xlen = r.le(p + 30, 2), clen = r.le(p + 32, 2);
    e.local_offset = r.le(p + 42, 4);
    if (p + 46 + nlen + xlen + clen > cd_end) fail("{}: zip central directory entry {} is truncated", what, i);
    e.name.assign(reinterpret_cast<const char*>(data + p + 46), nlen);
    check_name(e.name, what);
    bool zu = e.size == 0xffffffff, zc = e.comp_size == 0xffffffff, zo = e.local_offset == 0xffffffff;
    if (zu || zc || zo) read_zip64_extra(r, p + 46 + nlen, xlen, e, zu, zc, zo);
    p += 46 + nlen + xlen + clen;

    if (flags & 1) fail("{}: zip entry '{}' is encrypted", what, e.name);
    if (e.method != 0 && e.method != 8)
      fail("{}: zip entry '{}' uses compression method {} (only stored and deflate are supported)", what, e.name,
           e.method);
    if (e.method == 0 && e.comp_size != e.size)
      fail("{}: zip entry '{}' is stored but declares {} compressed and {} uncompressed bytes", what, e.name,
           e.comp_size, e.size);
    if (e.method == 8 && (e.size > kMaxInflated || e.size > e.comp_size * kMaxDeflateRatio + 1024))
      fail("{}: zip entry '{}' declares an absurd uncompressed size {} for {} compressed bytes", what, e.name, e.size,
           e.comp_size);
    if (!names.insert(e.name).second) fail("{}: zip entry '{}' appears twice", what, e.name);

    // The local header repeats the name and may carry a different extra field (torch pads it
    // to align the data to 64 bytes), so the data offset comes from it.
    r.need(e.local_offset, 30, "local header");
    if (r.le(e.local_offset, 4) != kLocalSig) fail("{}: zip entry '{}': bad local header signature", what, e.name);
    uint64_t lnlen = r.le(e.local_offset + 26, 2), lxlen = r.le(e.local_offset + 28, 2);
    r.need(e.local_offset + 30, lnlen + lxlen, "local header name");
    if (lnlen != nlen || std::memcmp(data + e.local_offset + 30, e.name.data(), nlen) != 0)
      fail("{}: zip entry '{}': local header names a different file", what, e.name);
    e.data_offset = e.local_offset + 30 + lnlen + lxlen;
    r.need(e.data_offset, e.comp_size, ("entry '" + e.name + "' data").c_str());
    if (e.data_offset + e.comp_size > cd_off)
      fail("{}: zip entry '{}' overlaps the central directory", what, e.name);
    out.push_back(std::move(e));
  }
  std::vector<const ZipEntry*> s;
  for (auto& e : out) s.push_back(&e);
  std::sort(s.begin(), s.end(), [](auto* a, auto* b) { return a->local_offset < b->local_offset; });
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i]->local_offset < s[i - 1]->data_offset + s[i - 1]->comp_size)
      fail("{}: zip entries '{}' and '{}' overlap", what, s[i - 1]->name, s[i]->name);
  return out;
}

ZipBytes zip_entry_bytes(const uint8_t* data, size_t size, const ZipEntry& e, const std::string& what) {
  if (e.data_offset > size || e.comp_size > size - e.data_offset)
    fail("{}: zip entry '{}' runs past the end of the file", what, e.name);
  ZipBytes b;
  if (e.method == 0) {
    b.data = data + e.data_offset;
    b.size = e.size;
    return b;
  }
  std::shared_ptr<uint8_t[]> buf(new (std::nothrow) uint8_t[e.size ? e.size : 1]);
  if (!buf) fail("{}: zip entry '{}': cannot allocate {} bytes to inflate it", what, e.name, e.size);
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) fail("{}: zlib inflateInit failed", what);
  uint64_t in_left = e.comp_size, out_done = 0;
  const uint8_t* in = data + e.data_offset;
  int rc = Z_OK;
  // zlib counts in uInt, so large entries are fed in chunks.
  while (rc == Z_OK) {
    uInt in_chunk = uInt(std::min<uint64_t>(in_left, 1u << 30));
    uInt out_chunk = uInt(std::min<uint64_t>(e.size - out_done, 1u << 30));
    zs.next_in = const_cast<Bytef*>(in);
    zs.avail_in = in_chunk;
    zs.next_out = buf.get() + out_done;
    zs.avail_out = out_chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    in += in_chunk - zs.avail_in;
    in_left -= in_chunk - zs.avail_in;
    out_done += out_chunk - zs.avail_out;
    if (rc == Z_BUF_ERROR && (in_left == 0 || out_done == e.size)) break;
    if (rc == Z_OK && in_chunk == zs.avail_in && out_chunk == zs.avail_out) break;  // no progress
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END)
    fail("{}: zip entry '{}': deflate data is corrupt or larger than its declared {} bytes", what, e.name, e.size);
  if (out_done != e.size)
    fail("{}: zip entry '{}' inflates to {} bytes, declared {}", what, e.name, out_done, e.size);
  uint32_t crc = uint32_t(crc32_z(0, buf.get(), e.size));
  if (crc != e.crc) fail("{}: zip entry '{}': CRC mismatch (corrupt data)", what, e.name);
  b.data = buf.get();
  b.size = e.size;
  b.owned = buf;
  return b;
}

}  // namespace easel
