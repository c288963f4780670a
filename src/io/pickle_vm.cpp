// The pickle opcode loop. Every read is bounds-checked, every allocation and copy is charged to
// the limits, and nothing recurses, so a hostile pickle ends in an Error, never a crash or hang.
#include <bit>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "io/pickle_machine.h"

namespace easel::pickle {

namespace {
void utf8_append(std::string& s, uint32_t c) {
  if (c < 0x80) {
    s += char(c);
  } else if (c < 0x800) {
    s += char(0xc0 | c >> 6), s += char(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    s += char(0xe0 | c >> 12), s += char(0x80 | (c >> 6 & 0x3f)), s += char(0x80 | (c & 0x3f));
  } else {
    s += char(0xf0 | c >> 18), s += char(0x80 | (c >> 12 & 0x3f)), s += char(0x80 | (c >> 6 & 0x3f)),
        s += char(0x80 | (c & 0x3f));
  }
}
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string_view kind_name(Kind k) {
  static constexpr std::string_view names[] = {"None", "bool", "int",    "int", "float",   "str",   "bytes", "tuple",
                                               "list", "dict", "set",    "global", "object", "storage", "tensor"};
  return names[size_t(k)];
}

Machine::Machine(const uint8_t* d, size_t n, const std::string& what, const Limits& lim)
    : d_(d), n_(n), what_(what), lim_(lim) {
  heap_.values.emplace_back();  // ref 0: None
}

void Machine::error(const std::string& msg) const { fail("{}: pickle: {} (at byte {})", what_, msg, pos_); }

void Machine::charge(uint64_t steps) {
  work_ += steps;
  if (work_ > lim_.max_work) error(fmt::format("work limit of {} steps exceeded", lim_.max_work));
}

Ref Machine::make(Value v) {
  if (heap_.values.size() >= lim_.max_objects) error(fmt::format("more than {} objects", lim_.max_objects));
  charge(1 + v.str.size() + v.items.size());
  heap_.values.push_back(std::move(v));
  return Ref(heap_.values.size() - 1);
}
Ref Machine::make_int(int64_t i) {
  Value v;
  v.kind = Kind::Int;
  v.i = i;
  return make(std::move(v));
}
Ref Machine::make_str(std::string s, Kind k) {
  Value v;
  v.kind = k;
  v.str = std::move(s);
  return make(std::move(v));
}

const uint8_t* Machine::take(uint64_t k, const char* what) {
  if (k > n_ - pos_) error(fmt::format("{} needs {} bytes but only {} remain", what, k, n_ - pos_));
  const uint8_t* p = d_ + pos_;
  pos_ += k;
  return p;
}
uint64_t Machine::le(int bytes, const char* what) {
  const uint8_t* p = take(bytes, what);
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}
std::string Machine::line(const char* what) {
  const void* nl = std::memchr(d_ + pos_, '\n', n_ - pos_);
  if (!nl) error(fmt::format("{}: missing end of line", what));
  size_t len = static_cast<const uint8_t*>(nl) - (d_ + pos_);
  std::string s(reinterpret_cast<const char*>(d_ + pos_), len);
  pos_ += len + 1;
  charge(len);
  return s;
}

void Machine::push(Ref r) {
  if (stack_.size() >= lim_.max_stack) error(fmt::format("stack deeper than {}", lim_.max_stack));
  stack_.push_back(r);
}
Ref Machine::pop() {
  if (stack_.size() <= fence()) error("stack underflow");
  Ref r = stack_.back();
  stack_.pop_back();
  return r;
}
Ref& Machine::top() {
  if (stack_.size() <= fence()) error("stack underflow");
  return stack_.back();
}
std::vector<Ref> Machine::pop_mark() {
  if (marks_.empty()) error("no MARK on the stack");
  size_t m = marks_.back();
  marks_.pop_back();
  std::vector<Ref> r(stack_.begin() + m, stack_.end());
  stack_.resize(m);
  charge(r.size());
  return r;
}
void Machine::memo_put(uint64_t idx) {
  Ref v = top();
  if (memo_.size() >= lim_.max_memo && !memo_.count(idx)) error(fmt::format("memo larger than {}", lim_.max_memo));
  memo_[idx] = v;
}
Ref Machine::memo_get(uint64_t idx) {
  auto it = memo_.find(idx);
  if (it == memo_.end()) error(fmt::format("memo key {} not found", idx));
  return it->second;
}
Ref Machine::expect(Ref r, Kind k, const char* ctx) {
  if (at(r).kind != k) error(fmt::format("{} expects a {}, got a {}", ctx, kind_name(k), kind_name(at(r).kind)));
  return r;
}

// Keys hash by value for scalars (as Python would) and by identity for containers.
std::string Machine::dict_key(Ref k) {
  const Value& v = at(k);
  charge(v.str.size());
  std::string key(1, 'r');
  switch (v.kind) {
    case Kind::None: key[0] = 'n'; break;
    case Kind::Bool:
    case Kind::Int: key[0] = 'i', key += std::to_string(v.i); break;
    case Kind::Float: key[0] = 'f', key += std::to_string(std::bit_cast<uint64_t>(v.f)); break;
    case Kind::Str: key[0] = 's', key += v.str; break;
    case Kind::Bytes: key[0] = 'b', key += v.str; break;
    case Kind::BigInt: key[0] = 'I', key += v.str; break;
    default: key += std::to_string(k);
  }
  return key;
}
void Machine::dict_set(Ref dict, Ref key, Ref value) {
  expect(dict, Kind::Dict, "SETITEM");
  auto& idx = dict_index_[dict];
  auto [it, fresh] = idx.emplace(dict_key(key), at(dict).dict.size());
  if (fresh) at(dict).dict.emplace_back(key, value);
  else at(dict).dict[it->second].second = value;
}

namespace {
bool parse_i64(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno || end != s.c_str() + s.size()) return false;
  out = v;
  return true;
}
}  // namespace

Heap Machine::run() {
  while (true) {
    if (pos_ >= n_) error("ends without STOP");
    uint8_t op = d_[pos_++];
    charge(1);
    if (!step(op)) break;
  }
  return std::move(heap_);
}

bool Machine::step(uint8_t op) {
  switch (op) {
    case 0x80: {  // PROTO
      uint64_t p = le(1, "PROTO");
      if (p > 5) error(fmt::format("unsupported protocol {}", p));
      return true;
    }
    case 0x95: {  // FRAME: framing is only a read-ahead hint
      uint64_t len = le(8, "FRAME");
      if (len > n_ - pos_) error(fmt::format("FRAME of {} bytes runs past the end", len));
      return true;
    }
    case '.': heap_.root = pop(); return false;  // STOP
    case '(':                                     // MARK
      if (marks_.size() >= lim_.max_marks) error(fmt::format("more than {} nested MARKs", lim_.max_marks));
      marks_.push_back(stack_.size());
      return true;
    case '0': pop(); return true;       // POP
    case '1': pop_mark(); return true;  // POP_MARK
    case '2': push(top()); return true; // DUP

    case 'N': push(0); return true;
    case 0x88:
    case 0x89: {
      Value v;
      v.kind = Kind::Bool;
      v.i = op == 0x88;
      push(make(std::move(v)));
      return true;
    }
    case 'I': {  // INT (text); "00"/"01" are protocol 0's False/True
      std::string s = line("INT");
      int64_t i;
      if (s == "00" || s == "01") {
        Value v;
        v.kind = Kind::Bool;
        v.i = s == "01";
        push(make(std::move(v)));
      } else if (parse_i64(s, i)) {
        push(make_int(i));
      } else {
        error("INT: bad integer '" + s.substr(0, 40) + "'");
      }
      return true;
    }
    case 'L': {  // LONG (text, trailing L optional)
      std::string s = line("LONG");
      if (!s.empty() && s.back() == 'L') s.pop_back();
      int64_t i;
      if (parse_i64(s, i)) {
        push(make_int(i));
      } else {
        for (size_t k = 0; k < s.size(); ++k)
          if (!(std::isdigit(uint8_t(s[k])) || (k == 0 && (s[k] == '-' || s[k] == '+'))))
            error("LONG: bad integer '" + s.substr(0, 40) + "'");
        if (s.empty()) error("LONG: empty integer");
        push(make_str(s, Kind::BigInt));
      }
      return true;
    }
    case 'J': push(make_int(int32_t(uint32_t(le(4, "BININT"))))); return true;
    case 'K': push(make_int(int64_t(le(1, "BININT1")))); return true;
    case 'M': push(make_int(int64_t(le(2, "BININT2")))); return true;
    case 0x8a:
    case 0x8b: {  // LONG1 / LONG4: little-endian two's complement
      uint64_t n = op == 0x8a ? le(1, "LONG1") : le(4, "LONG4");
      if (op == 0x8b && int32_t(uint32_t(n)) < 0) error("LONG4 with a negative length");
      const uint8_t* p = take(n, "LONG");
      if (n <= 8) {
        uint64_t v = 0;
        for (uint64_t k = n; k-- > 0;) v = v << 8 | p[k];
        if (n > 0 && n < 8 && (p[n - 1] & 0x80)) v |= ~uint64_t(0) << (8 * n);
        push(make_int(int64_t(v)));
      } else {
        std::string hex = "0x";
        for (uint64_t k = n; k-- > 0;) hex += fmt::format("{:02x}", p[k]);
        push(make_str(std::move(hex), Kind::BigInt));
      }
      return true;
    }
    case 'F': {  // FLOAT (text)
      std::string s = line("FLOAT");
      char* end = nullptr;
      double f = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size()) error("FLOAT: bad number '" + s.substr(0, 40) + "'");
      Value v;
      v.kind = Kind::Float;
      v.f = f;
      push(make(std::move(v)));
      return true;
    }
    case 'G': {  // BINFLOAT: big-endian double
      const uint8_t* p = take(8, "BINFLOAT");
      uint64_t b = 0;
      for (int k = 0; k < 8; ++k) b = b << 8 | p[k];
      Value v;
      v.kind = Kind::Float;
      v.f = std::bit_cast<double>(b);
      push(make(std::move(v)));
      return true;
    }

    case 'S': {  // STRING: a quoted Python 2 repr
      std::string s = line("STRING");
      if (s.size() < 2 || (s[0] != '\'' && s[0] != '"') || s.back() != s[0]) error("STRING: not a quoted string");
      std::string out;
      for (size_t k = 1; k + 1 < s.size(); ++k) {
        char c = s[k];
        if (c != '\\') {
          out += c;
          continue;
        }
        if (k + 2 >= s.size()) error("STRING: dangling backslash");
        char e = s[++k];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '\\': case '\'': case '"': out += e; break;
          case 'x': {
            if (k + 3 >= s.size() || hexval(s[k + 1]) < 0 || hexval(s[k + 2]) < 0) error("STRING: bad \\x escape");
            out += char(hexval(s[k + 1]) * 16 + hexval(s[k + 2]));
            k += 2;
            break;
          }
          default:
            if (e >= '0' && e <= '7') {
              int v = e - '0';
              for (int j = 0; j < 2 && k + 2 < s.size() && s[k + 1] >= '0' && s[k + 1] <= '7'; ++j) v = v * 8 + (s[++k] - '0');
              out += char(v & 0xff);
            } else {
              out += '\\', out += e;
            }
        }
      }
      push(make_str(std::move(out)));
      return true;
    }
    case 'V': {  // UNICODE: raw-unicode-escape (only \uXXXX and \UXXXXXXXX; other bytes are latin-1)
      std::string s = line("UNICODE"), out;
      for (size_t k = 0; k < s.size(); ++k) {
        uint8_t c = uint8_t(s[k]);
        size_t digits = 0;
        if (c == '\\' && k + 1 < s.size()) digits = s[k + 1] == 'u' ? 4 : s[k + 1] == 'U' ? 8 : 0;
        if (digits) {
          if (k + 1 + digits >= s.size()) error("UNICODE: truncated escape");
          uint32_t cp = 0;
          for (size_t j = 0; j < digits; ++j) {
            int h = hexval(s[k + 2 + j]);
            if (h < 0) error("UNICODE: bad escape");
            cp = cp << 4 | uint32_t(h);
          }
          if (cp > 0x10ffff) error("UNICODE: code point out of range");
          utf8_append(out, cp);
          k += 1 + digits;
        } else {
          utf8_append(out, c);
        }
      }
      push(make_str(std::move(out)));
      return true;
    }
    // Length-prefixed strings (str for BIN*STRING too: torch loads with encoding='utf-8').
    case 'T': case 'U': case 'X': case 0x8c: case 0x8d:
    case 'B': case 'C': case 0x8e: case 0x96: {
      int lb = (op == 'U' || op == 0x8c || op == 'C') ? 1 : (op == 0x8d || op == 0x8e || op == 0x96) ? 8 : 4;
      uint64_t n = le(lb, "string length");
      if (op == 'T' && int32_t(uint32_t(n)) < 0) error("BINSTRING with a negative length");
      const uint8_t* p = take(n, "string");
      bool bytes = op == 'B' || op == 'C' || op == 0x8e || op == 0x96;
      push(make_str(std::string(reinterpret_cast<const char*>(p), n), bytes ? Kind::Bytes : Kind::Str));
      return true;
    }

    case ')': {
      Value v;
      v.kind = Kind::Tuple;
      push(make(std::move(v)));
      return true;
    }
    case 't': case 0x85: case 0x86: case 0x87: {
      Value v;
      v.kind = Kind::Tuple;
      if (op == 't') {
        v.items = pop_mark();
      } else {
        v.items.resize(op - 0x84);
        for (size_t k = v.items.size(); k-- > 0;) v.items[k] = pop();
      }
      push(make(std::move(v)));
      return true;
    }
    case ']': case 'l': {
      Value v;
      v.kind = Kind::List;
      if (op == 'l') v.items = pop_mark();
      push(make(std::move(v)));
      return true;
    }
    case 'a': {
      Ref x = pop();
      Ref l = expect(top(), Kind::List, "APPEND");
      at(l).items.push_back(x);
      return true;
    }
    case 'e': {
      auto xs = pop_mark();
      Ref l = expect(top(), Kind::List, "APPENDS");
      at(l).items.insert(at(l).items.end(), xs.begin(), xs.end());
      return true;
    }
    case '}': case 'd': {
      Value v;
      v.kind = Kind::Dict;
      Ref r = make(std::move(v));
      if (op == 'd') {
        auto xs = pop_mark();
        if (xs.size() % 2) error("DICT with an odd number of items");
        for (size_t k = 0; k < xs.size(); k += 2) dict_set(r, xs[k], xs[k + 1]);
      }
      push(r);
      return true;
    }
    case 's': {
      Ref v = pop(), k = pop();
      dict_set(top(), k, v);
      return true;
    }
    case 'u': {
      auto xs = pop_mark();
      if (xs.size() % 2) error("SETITEMS with an odd number of items");
      Ref dict = top();
      for (size_t k = 0; k < xs.size(); k += 2) dict_set(dict, xs[k], xs[k + 1]);
      return true;
    }
    case 0x8f: case 0x91: {  // EMPTY_SET, FROZENSET
      Value v;
      v.kind = Kind::Set;
      if (op == 0x91) v.items = pop_mark();
      push(make(std::move(v)));
      return true;
    }
    case 0x90: {  // ADDITEMS
      auto xs = pop_mark();
      Ref s = expect(top(), Kind::Set, "ADDITEMS");
      at(s).items.insert(at(s).items.end(), xs.begin(), xs.end());
      return true;
    }

    case 'p': {
      int64_t i;
      if (!parse_i64(line("PUT"), i) || i < 0) error("PUT: bad memo index");
      memo_put(uint64_t(i));
      return true;
    }
    case 'q': memo_put(le(1, "BINPUT")); return true;
    case 'r': memo_put(le(4, "LONG_BINPUT")); return true;
    case 0x94: memo_put(memo_.size()); return true;  // MEMOIZE
    case 'g': {
      int64_t i;
      if (!parse_i64(line("GET"), i) || i < 0) error("GET: bad memo index");
      push(memo_get(uint64_t(i)));
      return true;
    }
    case 'h': push(memo_get(le(1, "BINGET"))); return true;
    case 'j': push(memo_get(le(4, "LONG_BINGET"))); return true;

    case 'c': {  // GLOBAL "module\nname\n"
      std::string m = line("GLOBAL module"), n = line("GLOBAL name");
      push(make_str(resolve_global(m, n), Kind::Global));
      return true;
    }
    case 0x93: {  // STACK_GLOBAL
      Ref n = pop(), m = pop();
      if (at(n).kind != Kind::Str || at(m).kind != Kind::Str) error("STACK_GLOBAL expects two strings");
      push(make_str(resolve_global(at(m).str, at(n).str), Kind::Global));
      return true;
    }
    case 'R': {  // REDUCE
      Ref args = pop(), f = pop();
      push(call(f, args));
      return true;
    }
    case 'b': {  // BUILD
      Ref state = pop();
      build(top(), state);
      return true;
    }
    case 0x81: {  // NEWOBJ
      Ref args = pop(), cls = pop();
      push(instantiate(cls, args));
      return true;
    }
    case 0x92: {  // NEWOBJ_EX
      Ref kwargs = pop(), args = pop(), cls = pop();
      expect(kwargs, Kind::Dict, "NEWOBJ_EX kwargs");
      if (!at(kwargs).dict.empty()) error("NEWOBJ_EX with keyword arguments is not supported");
      push(instantiate(cls, args));
      return true;
    }
    case 'i': {  // INST "module\nname\n", args from the mark
      std::string m = line("INST module"), n = line("INST name");
      Ref cls = make_str(resolve_global(m, n), Kind::Global);
      Value t;
      t.kind = Kind::Tuple;
      t.items = pop_mark();
      push(call(cls, make(std::move(t))));
      return true;
    }
    case 'o': {  // OBJ: class and args from the mark
      auto xs = pop_mark();
      if (xs.empty()) error("OBJ without a class");
      Value t;
      t.kind = Kind::Tuple;
      t.items.assign(xs.begin() + 1, xs.end());
      push(call(xs[0], make(std::move(t))));
      return true;
    }
    case 'Q': {  // BINPERSID
      Ref pid = pop();
      push(persistent_load(pid));
      return true;
    }
    case 'P': error("PERSID (text persistent id) is not used by torch checkpoints");
    case 0x82: case 0x83: case 0x84: error("EXT opcodes (copyreg extension registry) are not allowed");
    case 0x97: case 0x98: error("out-of-band buffers (NEXT_BUFFER/READONLY_BUFFER) are not allowed");
    default: error(fmt::format("unknown opcode 0x{:02x}", op));
  }
}

Heap run(const uint8_t* data, size_t size, const std::string& what, const Limits& limits) {
  return Machine(data, size, what, limits).run();
}

Ref Heap::get(Ref dict, const std::string& key) const {
  if (values[dict].kind != Kind::Dict) return 0;
  for (auto& [k, v] : values[dict].dict)
    if (values[k].kind == Kind::Str && values[k].str == key) return v;
  return 0;
}

}  // namespace easel::pickle
