// Test-only format writers (see builders.h).
#include "io/builders.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace easel::test {

Pickle& Pickle::integer(int64_t v) {
  if (v >= 0 && v < 256) {
    b += 'K';
    b += char(v);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    b += 'J';
    u32(uint32_t(int32_t(v)));
  } else {
    b += '\x8a';
    b += char(8);
    u64(uint64_t(v));
  }
  return *this;
}

Pickle& Pickle::stack_global(const std::string& module, const std::string& name) {
  for (auto* s : {&module, &name}) {
    b += '\x8c';
    b += char(s->size());
    b += *s;
  }
  b += '\x93';
  return *this;
}

std::string torch_pickle(const std::vector<CkptTensor>& ts, bool wrap, const std::string& extra) {
  Pickle p;
  p.proto(2).op('}');
  if (wrap) p.mark().str("state_dict").op('}');
  p.mark();
  for (auto& t : ts) {
    p.str(t.name);
    if (t.parameter) p.global("torch._utils", "_rebuild_parameter").mark();
    p.global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().str("storage").global("torch", t.storage).str(t.key).str("cpu").integer(t.numel).op('t').op('Q');
    p.integer(t.offset).mark();
    for (auto s : t.size) p.integer(s);
    p.op('t').mark();
    for (auto s : t.stride) p.integer(s);
    p.op('t').op('\x89').global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
    if (t.parameter) p.op('\x89').global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
  }
  p.op('u');
  if (wrap) {
    p.raw(extra);
    p.op('u');
  }
  return p.stop().b;
}

namespace {
void le(std::string& s, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s += char(v >> (8 * i));
}
}  // namespace

std::string make_zip(const std::vector<ZipItem>& items, bool zip64) {
  std::string out, cd;
  for (auto& it : items) {
    std::string data = it.data;
    if (it.deflate) {
      z_stream zs{};
      deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
      std::string buf(deflateBound(&zs, it.data.size()), '\0');
      zs.next_in = (Bytef*)it.data.data();
      zs.avail_in = uInt(it.data.size());
      zs.next_out = (Bytef*)buf.data();
      zs.avail_out = uInt(buf.size());
      deflate(&zs, Z_FINISH);
      buf.resize(zs.total_out);
      deflateEnd(&zs);
      data = buf;
    }
    uint32_t crc = uint32_t(crc32(0, (const Bytef*)it.data.data(), uInt(it.data.size())));
    uint64_t off = out.size();
    // Torch pads the local extra field so entry data starts on a 64-byte boundary.
    size_t base = off + 30 + it.name.size() + 4;
    size_t pad = (64 - base % 64) % 64;
    std::string extra;
    le(extra, 0x4246, 2);
    le(extra, pad, 2);
    extra += std::string(pad, 'Z');
    std::string lh = "PK\x03\x04";
    le(lh, 20, 2), le(lh, 0, 2), le(lh, it.deflate ? 8 : 0, 2), le(lh, 0, 4), le(lh, crc, 4);
    le(lh, zip64 ? 0xffffffff : data.size(), 4), le(lh, zip64 ? 0xffffffff : it.data.size(), 4);
    le(lh, it.name.size(), 2), le(lh, extra.size(), 2);
    out += lh + it.name + extra + data;

    std::string x64;
    if (zip64) {
      le(x64, 1, 2), le(x64, 24, 2), le(x64, it.data.size(), 8), le(x64, data.size(), 8), le(x64, off, 8);
    }
    std::string ch = "PK\x01\x02";
    le(ch, 45, 2), le(ch, 45, 2), le(ch, 0, 2), le(ch, it.deflate ? 8 : 0, 2), le(ch, 0, 4), le(ch, crc, 4);
    le(ch, zip64 ? 0xffffffff : data.size(), 4), le(ch, zip64 ? 0xffffffff : it.data.size(), 4);
    le(ch, it.name.size(), 2), le(ch, x64.size(), 2), le(ch, 0, 2), le(ch, 0, 2), le(ch, 0, 2), le(ch, 0, 4);
    le(ch, zip64 ? 0xffffffff : off, 4);
    cd += ch + it.name + x64;
  }
  uint64_t cd_off = out.size();
  out += cd;
  if (zip64) {
    uint64_t z = out.size();
    std::string r = "PK\x06\x06";
    le(r, 44, 8), le(r, 45, 2), le(r, 45, 2), le(r, 0, 4), le(r, 0, 4), le(r, items.size(), 8);
    le(r, items.size(), 8), le(r, cd.size(), 8), le(r, cd_off, 8);
    r += "PK\x06\x07";
    le(r, 0, 4), le(r, z, 8), le(r, 1, 4);
    out += r;
  }
  std::string e = "PK\x05\x06";
  le(e, 0, 4), le(e, zip64 ? 0xffff : items.size(), 2), le(e, zip64 ? 0xffff : items.size(), 2);
  le(e, zip64 ? 0xffffffff : cd.size(), 4), le(e, zip64 ? 0xffffffff : cd_off, 4), le(e, 0, 2);
  return out + e;
}

size_t central_header(const std::string& zip, const std::string& name) {
  size_t p = 0;
  while ((p = zip.find("PK\x01\x02", p)) != std::string::npos) {
    uint16_t n = uint8_t(zip[p + 28]) | uint8_t(zip[p + 29]) << 8;
    if (zip.compare(p + 46, n, name) == 0 && n == name.size()) return p;
    p += 4;
  }
  throw std::runtime_error("central_header: no entry " + name);
}

void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f.write(bytes.data(), std::streamsize(bytes.size()));
}
std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
std::string f32_bytes(const std::vector<float>& v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

}  // namespace easel::test
