// The allow-list: the only globals a pickle may name, and what calling, instantiating or BUILDing
// each one means — always construction of inert values, never code from the file.
#include <cstring>
#include <map>

#include "io/pickle_machine.h"

namespace easel::pickle {

namespace {
const std::map<std::string, DType, std::less<>>& storage_types() {
  static const std::map<std::string, DType, std::less<>> m = {
      {"torch.FloatStorage", DType::F32},  {"torch.HalfStorage", DType::F16},  {"torch.BFloat16Storage", DType::BF16},
      {"torch.DoubleStorage", DType::F64}, {"torch.LongStorage", DType::I64},  {"torch.IntStorage", DType::I32},
      {"torch.ShortStorage", DType::I16},  {"torch.CharStorage", DType::I8},   {"torch.ByteStorage", DType::U8},
      {"torch.BoolStorage", DType::BOOL},
  };
  return m;
}

// Globals other than storage types. Real SD 1.x checkpoints carry pytorch_lightning's
// ModelCheckpoint state and numpy scalars (global_step); both become inert values.
bool allowed(const std::string& g) {
  static const char* const names[] = {
      "collections.OrderedDict",
      "torch._utils._rebuild_tensor",
      "torch._utils._rebuild_tensor_v2",
      "torch._utils._rebuild_parameter",
      "torch._utils._rebuild_parameter_with_state",
      "torch.serialization._get_layout",
      "torch.strided",
      "torch.device",
      "pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint",
      "numpy.core.multiarray.scalar",
      "numpy.dtype",
      "_codecs.encode",
      "builtins.set",
      "builtins.frozenset",
  };
  for (const char* n : names)
    if (g == n) return true;
  return storage_types().count(g) != 0;
}

// Decodes UTF-8 to code points (Str values hold UTF-8); false on malformed input.
bool utf8_to_latin1(const std::string& s, std::string& out) {
  for (size_t i = 0; i < s.size();) {
    uint8_t c = uint8_t(s[i]);
    uint32_t cp;
    if (c < 0x80) {
      cp = c, i += 1;
    } else if ((c & 0xe0) == 0xc0 && i + 1 < s.size() && (uint8_t(s[i + 1]) & 0xc0) == 0x80) {
      cp = (c & 0x1fu) << 6 | (uint8_t(s[i + 1]) & 0x3fu), i += 2;
    } else {
      return false;  // anything longer encodes a code point >= 0x800, not latin-1
    }
    if (cp > 0xff) return false;
    out += char(cp);
  }
  return true;
}
}  // namespace

std::string Machine::resolve_global(const std::string& module, const std::string& name) const {
  std::string m = module;
  // Protocol 2 pickles written by Python 3 name builtins by their Python 2 module.
  if (m == "__builtin__") m = "builtins";
  if (m == "numpy._core.multiarray") m = "numpy.core.multiarray";
  std::string g = m + "." + name;
  if (!allowed(g)) {
    std::string shown = module + "." + name;  // as the file spells it
    if (shown.size() > 120) shown = shown.substr(0, 120) + "...";
    fail("{}: pickle global '{}' is not allowed (at byte {})", what_, shown, pos_);
  }
  return g;
}

Ref Machine::persistent_load(Ref pid) {
  const Value& p = at(pid);
  if (p.kind != Kind::Tuple || p.items.size() != 5 || at(p.items[0]).kind != Kind::Str || at(p.items[0]).str != "storage")
    error("persistent id is not a torch ('storage', type, key, location, numel) tuple");
  const Value& type = at(p.items[1]);
  auto st = type.kind == Kind::Global ? storage_types().find(type.str) : storage_types().end();
  if (st == storage_types().end()) error("persistent id names no known torch storage type");
  const Value& key = at(p.items[2]);
  const Value& numel = at(p.items[4]);
  if (key.kind != Kind::Str || at(p.items[3]).kind != Kind::Str || numel.kind != Kind::Int || numel.i < 0)
    error("persistent id: key and location must be strings and numel a non-negative int");
  Value v;
  v.kind = Kind::Storage;
  v.dtype = st->second;
  v.str = key.str;
  v.i = numel.i;
  return make(std::move(v));
}

Ref Machine::call(Ref f, Ref args_ref) {
  if (at(f).kind != Kind::Global) error(fmt::format("REDUCE/INST/OBJ on a {}, not a callable", kind_name(at(f).kind)));
  expect(args_ref, Kind::Tuple, "a call's arguments");
  const std::string g = at(f).str;
  const std::vector<Ref> args = at(args_ref).items;
  auto arg = [&](size_t i, Kind k) -> const Value& {
    if (i >= args.size()) error(fmt::format("{} needs at least {} arguments", g, i + 1));
    if (at(args[i]).kind != k)
      error(fmt::format("{} argument {} must be a {}, got a {}", g, i, kind_name(k), kind_name(at(args[i]).kind)));
    return at(args[i]);
  };

  if (g == "torch._utils._rebuild_tensor_v2" || g == "torch._utils._rebuild_tensor") {
    if (args.size() < 4 || args.size() > 7) error(fmt::format("{} takes 4 to 7 arguments, got {}", g, args.size()));
    arg(0, Kind::Storage);
    Value t;
    t.kind = Kind::Tensor;
    t.items = {args[0]};
    t.i = arg(1, Kind::Int).i;
    if (t.i < 0) error("tensor storage offset is negative");
    const auto& size = arg(2, Kind::Tuple).items;
    const auto& stride = arg(3, Kind::Tuple).items;
    if (size.size() != stride.size() || size.size() > 16)
      error(fmt::format("tensor size has {} dims and stride {} (at most 16, equal)", size.size(), stride.size()));
    for (size_t k = 0; k < size.size(); ++k) {
      const Value &s = at(size[k]), &st = at(stride[k]);
      if (s.kind != Kind::Int || st.kind != Kind::Int || s.i < 0 || st.i < 0 || s.i > (1ll << 48) || st.i > (1ll << 48))
        error("tensor size and stride entries must be non-negative ints below 2^48");
      t.shape.push_back(s.i);
      t.stride.push_back(st.i);
    }
    // The element count must fit comfortably in 64 bits before anyone multiplies by it.
    uint64_t numel = 1;
    for (int64_t d : t.shape)
      if (d && numel > (1ull << 48) / uint64_t(d)) error("tensor has more than 2^48 elements");
      else numel *= uint64_t(d);
    return make(std::move(t));
  }
  if (g == "torch._utils._rebuild_parameter" || g == "torch._utils._rebuild_parameter_with_state") {
    arg(0, Kind::Tensor);
    return args[0];
  }
  if (g == "collections.OrderedDict" || g == "builtins.set" || g == "builtins.frozenset") {
    bool dict = g == "collections.OrderedDict";
    Value v;
    v.kind = dict ? Kind::Dict : Kind::Set;
    Ref r = make(std::move(v));
    if (args.size() > 1) error(fmt::format("{} takes at most 1 argument", g));
    if (args.size() == 1) {
      const Value& src = at(args[0]);
      if (src.kind != Kind::List && src.kind != Kind::Tuple && src.kind != Kind::Set)
        error(fmt::format("{} argument must be a list, tuple or set", g));
      std::vector<Ref> items = src.items;
      charge(items.size());
      for (Ref it : items) {
        if (!dict) {
          at(r).items.push_back(it);
          continue;
        }
        const Value& pair = at(it);
        if ((pair.kind != Kind::Tuple && pair.kind != Kind::List) || pair.items.size() != 2)
          error("OrderedDict items must be (key, value) pairs");
        Ref k = pair.items[0], val = pair.items[1];
        dict_set(r, k, val);
      }
    }
    return r;
  }
  if (g == "_codecs.encode") {
    const std::string& s = arg(0, Kind::Str).str;
    std::string enc = args.size() > 1 ? arg(1, Kind::Str).str : "utf-8";
    charge(s.size());
    std::string out;
    if (enc == "latin1" || enc == "latin-1" || enc == "iso-8859-1") {
      if (!utf8_to_latin1(s, out)) error("_codecs.encode: string is not latin-1");
    } else if (enc == "utf-8" || enc == "utf8" || enc == "ascii") {
      out = s;
    } else {
      error("_codecs.encode: unsupported encoding '" + enc.substr(0, 40) + "'");
    }
    return make_str(std::move(out), Kind::Bytes);
  }
  if (g == "numpy.core.multiarray.scalar") {
    const Value& dt = arg(0, Kind::Object);
    if (dt.str != "numpy.dtype" || dt.items.empty() || at(dt.items[0]).kind != Kind::Str)
      error("numpy scalar needs a numpy.dtype");
    if (args.size() < 2 || (at(args[1]).kind != Kind::Bytes && at(args[1]).kind != Kind::Str))
      error("numpy scalar needs its bytes");
    std::string code = at(dt.items[0]).str, raw = at(args[1]).str;
    bool big = false;
    if (dt.has_state && at(dt.state).kind == Kind::Tuple && at(dt.state).items.size() > 1) {
      const Value& bo = at(at(dt.state).items[1]);
      big = bo.kind == Kind::Str && bo.str == ">";
    }
    size_t width = code.size() == 2 && code[1] >= '1' && code[1] <= '8' ? size_t(code[1] - '0') : 0;
    if (width && raw.size() == width && std::strchr("iufb", code[0])) {
      uint64_t bits = 0;
      for (size_t k = 0; k < width; ++k) bits |= uint64_t(uint8_t(raw[big ? width - 1 - k : k])) << (8 * k);
      Value v;
      if (code[0] == 'f' && (width == 4 || width == 8)) {
        v.kind = Kind::Float;
        v.f = width == 8 ? std::bit_cast<double>(bits) : double(std::bit_cast<float>(uint32_t(bits)));
        return make(std::move(v));
      }
      if (code[0] == 'i' || code[0] == 'u' || code[0] == 'b') {
        v.kind = code[0] == 'b' ? Kind::Bool : Kind::Int;
        if (code[0] == 'i' && width < 8 && (bits >> (8 * width - 1) & 1)) bits |= ~uint64_t(0) << (8 * width);
        v.i = int64_t(bits);
        return make(std::move(v));
      }
    }
    Value v;  // an exotic scalar stays an inert object
    v.kind = Kind::Object;
    v.str = "numpy.scalar";
    v.items = args;
    return make(std::move(v));
  }
  if (g == "numpy.dtype" || g == "torch.device" || g == "torch.serialization._get_layout" ||
      g == "pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint") {
    Value v;
    v.kind = Kind::Object;
    v.str = g == "torch.serialization._get_layout" ? "torch.layout" : g;
    v.items = args;
    return make(std::move(v));
  }
  error(fmt::format("global '{}' cannot be called", g));
}

Ref Machine::instantiate(Ref cls, Ref args) {
  if (at(cls).kind != Kind::Global) error(fmt::format("NEWOBJ on a {}, not a class", kind_name(at(cls).kind)));
  expect(args, Kind::Tuple, "NEWOBJ arguments");
  const std::string& g = at(cls).str;
  if (g == "collections.OrderedDict" || g == "builtins.set" || g == "builtins.frozenset") {
    Value v;
    v.kind = g == "collections.OrderedDict" ? Kind::Dict : Kind::Set;
    return make(std::move(v));
  }
  if (g == "pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint" || g == "torch.device") {
    Value v;
    v.kind = Kind::Object;
    v.str = g;
    v.items = at(args).items;
    return make(std::move(v));
  }
  error(fmt::format("global '{}' cannot be instantiated", g));
}

void Machine::build(Ref obj, Ref state) {
  Value& o = at(obj);
  if (o.kind == Kind::Object) {
    o.state = state;
    o.has_state = true;
    return;
  }
  // An OrderedDict's pickled state is its instance __dict__ (normally empty); items come via SETITEMS.
  if (o.kind == Kind::Dict && (at(state).kind == Kind::None || at(state).kind == Kind::Dict)) return;
  error(fmt::format("BUILD on a {} is not supported", kind_name(o.kind)));
}

}  // namespace easel::pickle
