// Rebuilds a torch state dict from the zip entries: <prefix>/data.pkl (the pickle),
// <prefix>/data/<key> (one raw storage each) and <prefix>/byteorder ("little" when absent).
#include "io/torch_zip.h"

#include <cstring>
#include <map>

#include "core/error.h"
#include "core/mapped_file.h"
#include "io/pickle.h"
#include "io/zip_reader.h"

namespace easel {

namespace {
constexpr uint64_t kMaxPickle = 1ull << 30;

struct StorageBytes {
  const uint8_t* data;
  size_t size;
  std::shared_ptr<const void> holder;
};

bool is_contiguous(const Shape& shape, const std::vector<int64_t>& stride) {
  int64_t expect = 1;
  for (size_t k = shape.size(); k-- > 0;) {
    if (shape[k] != 1 && stride[k] != expect) return false;
    expect *= shape[k];
  }
  return true;
}

// Gathers a strided view into a new contiguous tensor (torch.save keeps views such as
// transposed weights as a storage plus strides).
Tensor gather(const uint8_t* base, DType dt, const Shape& shape, const std::vector<int64_t>& stride) {
  Tensor t = Tensor::empty(shape, dt);
  const size_t es = dtype_size(dt);
  const int64_t n = t.numel();
  const int nd = int(shape.size());
  std::vector<int64_t> idx(nd, 0);
  auto* out = static_cast<uint8_t*>(t.raw());
  int64_t src = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(out + i * es, base + src * es, es);
    for (int k = nd - 1; k >= 0; --k) {
      if (++idx[k] < shape[k]) {
        src += stride[k];
        break;
      }
      src -= stride[k] * (shape[k] - 1);
      idx[k] = 0;
    }
  }
  return t;
}

std::string find_prefix(const std::vector<ZipEntry>& entries, const std::string& what) {
  std::string prefix;
  for (auto& e : entries) {
    size_t slash = e.name.find('/');
    if (slash != std::string::npos && e.name.compare(slash, std::string::npos, "/data.pkl") == 0) {
      if (!prefix.empty()) fail("{}: torch zip has two pickles ('{}/data.pkl' and '{}')", what, prefix, e.name);
      prefix = e.name.substr(0, slash);
    }
  }
  if (prefix.empty()) fail("{}: zip archive has no '<name>/data.pkl' entry: not a torch checkpoint", what);
  return prefix;
}
}  // namespace

TensorStore torch_zip_from_memory(const uint8_t* data, size_t size, std::shared_ptr<const void> holder,
                                  const std::string& what) {
  auto entries = read_zip_directory(data, size, what);
  std::map<std::string, const ZipEntry*> by_name;
  for (auto& e : entries) by_name[e.name] = &e;
  const std::string prefix = find_prefix(entries, what);

  bool big_endian = false;
  if (auto it = by_name.find(prefix + "/byteorder"); it != by_name.end()) {
    if (it->second->size > 16) fail("{}: byteorder entry is {} bytes", what, it->second->size);
    auto b = zip_entry_bytes(data, size, *it->second, what);
    std::string s(reinterpret_cast<const char*>(b.data), b.size);
    if (s != "little" && s != "big") fail("{}: byteorder entry is '{}', expected 'little' or 'big'", what, s);
    big_endian = s == "big";
  }

  const ZipEntry& pk = *by_name.at(prefix + "/data.pkl");
  if (pk.size > kMaxPickle) fail("{}: data.pkl is {} bytes (limit {})", what, pk.size, kMaxPickle);
  auto pbytes = zip_entry_bytes(data, size, pk, what);
  pickle::Heap h = pickle::run(pbytes.data, pbytes.size, what + ":" + pk.name);

  using pickle::Kind;
  if (h[h.root].kind != Kind::Dict) fail("{}: checkpoint pickle holds a {}, expected a dict", what, pickle::kind_name(h[h.root].kind));
  pickle::Ref sd = h.root;
  TensorStore store;
  store.format = "ckpt";
  store.path = what;
  if (pickle::Ref s = h.get(h.root, "state_dict"); s && h[s].kind == Kind::Dict) {
    sd = s;
    for (auto& [k, v] : h[h.root].dict)
      if (h[k].kind == Kind::Str && h[k].str != "state_dict") store.metadata[h[k].str] = pickle::repr(h, v);
  }

  std::map<std::string, StorageBytes> storages;
  auto storage = [&](const pickle::Value& st) -> const StorageBytes& {
    if (auto it = storages.find(st.str); it != storages.end()) return it->second;
    if (st.str.empty() || st.str.find('/') != std::string::npos)
      fail("{}: storage key '{}' is not a plain name", what, st.str);
    auto it = by_name.find(prefix + "/data/" + st.str);
    if (it == by_name.end()) fail("{}: storage '{}' has no entry '{}/data/{}'", what, st.str, prefix, st.str);
    const size_t es = dtype_size(st.dtype);
    if (it->second->size != uint64_t(st.i) * es)
      fail("{}: storage '{}' declares {} x {} ({} bytes) but its entry holds {} bytes", what, st.str, st.i,
           dtype_name(st.dtype), uint64_t(st.i) * es, it->second->size);
    auto b = zip_entry_bytes(data, size, *it->second, what);
    StorageBytes sb{b.data, b.size, b.owned ? b.owned : holder};
    if (big_endian && es > 1) {  // byte-swap once into owned memory
      std::shared_ptr<uint8_t[]> buf(new uint8_t[b.size ? b.size : 1]);
      for (size_t i = 0; i < b.size; i += es)
        for (size_t j = 0; j < es; ++j) buf[i + j] = b.data[i + es - 1 - j];
      sb = {buf.get(), b.size, buf};
    }
    return storages.emplace(st.str, sb).first->second;
  };

  for (auto& [k, v] : h[sd].dict) {
    if (h[k].kind != Kind::Str) fail("{}: state dict key is a {}, expected a string", what, pickle::kind_name(h[k].kind));
    const std::string& name = h[k].str;
    const pickle::Value& t = h[v];
    if (t.kind != Kind::Tensor) {
      store.metadata[name] = pickle::repr(h, v);
      continue;
    }
    const pickle::Value& st = h[t.items[0]];
    const Shape& shape = t.shape;
    const int64_t numel = shape_numel(shape);  // each dim < 2^48 and validated by the VM
    const auto& sb = storage(st);
    if (numel == 0) {
      store.tensors[name] = Tensor::empty(shape, st.dtype);
      continue;
    }
    // Last element index, in 128 bits: 16 dims of 2^48 x 2^48 overflow 64.
    unsigned __int128 last = uint64_t(t.i);
    for (size_t d = 0; d < shape.size(); ++d) last += (unsigned __int128)(shape[d] - 1) * uint64_t(t.stride[d]);
    if (last >= (unsigned __int128)uint64_t(st.i))
      fail("{}: tensor '{}' {} (offset {}) reaches past its storage '{}' of {} elements", what, name,
           shape_str(shape), t.i, st.str, st.i);
    const size_t es = dtype_size(st.dtype);
    const uint8_t* base = sb.data + size_t(t.i) * es;
    Tensor out;
    if (!is_contiguous(shape, t.stride)) {
      out = gather(base, st.dtype, shape, t.stride);
    } else {
      out = Tensor::view(shape, st.dtype, const_cast<uint8_t*>(base), sb.holder);
      if (reinterpret_cast<uintptr_t>(base) % es) out = out.clone();
    }
    store.tensors[name] = std::move(out);
  }
  return store;
}

TensorStore load_torch_zip(const std::string& path) {
  auto f = MappedFile::open(path);
  return torch_zip_from_memory(f->data(), f->size(), f, path);
}

}  // namespace easel
