// An allow-list pickle VM: runs the opcodes torch checkpoints use (protocols 0-5) and produces
// inert values only. Nothing from the file is ever executed; globals off the list are errors.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/dtype.h"

namespace easel::pickle {

// Values live in a Heap and refer to each other by index, so hostile nesting or cycles can
// never recurse through destructors or traversals.
using Ref = uint32_t;

enum class Kind : uint8_t {
  None, Bool, Int, BigInt, Float, Str, Bytes,
  Tuple, List, Dict, Set,
  Global,   // an allow-listed callable/class; `str` = "module.name"
  Object,   // an inert instance: `str` = its class, `items` = args, `state` = BUILD state
  Storage,  // a torch storage persistent id: `dtype`, `str` = key, `i` = numel
  Tensor,   // _rebuild_tensor*: items[0] = storage, `i` = offset, `shape`, `stride`
};

std::string_view kind_name(Kind k);  // "int", "dict", ...

struct Value {
  Kind kind = Kind::None;
  DType dtype = DType::F32;  // Storage
  int64_t i = 0;             // Bool, Int, Storage numel, Tensor storage offset
  double f = 0;              // Float
  std::string str;           // Str (UTF-8), Bytes, BigInt (hex), Global/Object name, Storage key
  std::vector<Ref> items;    // Tuple, List, Set, Object args, Tensor storage
  std::vector<std::pair<Ref, Ref>> dict;  // Dict in insertion order
  std::vector<int64_t> shape, stride;     // Tensor
  Ref state = 0;             // Object: BUILD state (0 = none; ref 0 is always None)
  bool has_state = false;
};

// Bounds that keep hostile pickles from exhausting memory or time.
struct Limits {
  // A real SD checkpoint's pickle makes ~10 objects per tensor (tens of thousands in all).
  size_t max_objects = 2u << 20;
  size_t max_memo = 2u << 20;
  size_t max_stack = 1u << 20;
  size_t max_marks = 1u << 16;
  uint64_t max_work = 1ull << 28;  // abstract steps (opcode + bytes copied/hashed)
};

struct Heap {
  std::vector<Value> values;  // values[0] is None
  Ref root = 0;
  const Value& operator[](Ref r) const { return values[r]; }
  // Looks up a string key in a Dict; returns 0 (None) when absent.
  Ref get(Ref dict, const std::string& key) const;
};

// Runs a pickle held in memory; `what` names it in errors. Throws easel::Error on anything
// malformed, off the allow-list or over the limits.
Heap run(const uint8_t* data, size_t size, const std::string& what, const Limits& limits = {});

// A short human-readable rendering (depth and length bounded), e.g. for metadata.
std::string repr(const Heap& h, Ref r, size_t max_len = 256);

}  // namespace easel::pickle
