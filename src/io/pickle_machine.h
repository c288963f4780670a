// Internal to the pickle VM: the machine state shared by the opcode loop (pickle_vm.cpp) and
// the allow-listed globals (pickle_globals.cpp).
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "io/pickle.h"

namespace easel::pickle {

class Machine {
 public:
  Machine(const uint8_t* d, size_t n, const std::string& what, const Limits& lim);
  Heap run();

  // Value construction and access (every allocation counts against the limits).
  Ref make(Value v);
  Ref make_int(int64_t i);
  Ref make_str(std::string s, Kind k = Kind::Str);
  Value& at(Ref r) { return heap_.values[r]; }
  const std::string& what() const { return what_; }
  void charge(uint64_t steps);
  void dict_set(Ref dict, Ref key, Ref value);
  [[noreturn]] void error(const std::string& msg) const;

  // Globals (pickle_globals.cpp).
  std::string resolve_global(const std::string& module, const std::string& name) const;
  Ref call(Ref callable, Ref args);        // REDUCE, INST, OBJ
  Ref instantiate(Ref cls, Ref args);      // NEWOBJ, NEWOBJ_EX
  void build(Ref obj, Ref state);          // BUILD
  Ref persistent_load(Ref pid);            // BINPERSID

 private:
  // Input.
  const uint8_t* d_;
  size_t n_, pos_ = 0;
  const std::string& what_;
  Limits lim_;
  uint64_t work_ = 0;
  // State.
  Heap heap_;
  std::vector<Ref> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Ref> memo_;
  std::unordered_map<Ref, std::unordered_map<std::string, size_t>> dict_index_;

  const uint8_t* take(uint64_t k, const char* what);
  uint64_t le(int bytes, const char* what);
  std::string line(const char* what);
  void push(Ref r);
  Ref pop();
  Ref& top();
  std::vector<Ref> pop_mark();
  size_t fence() const { return marks_.empty() ? 0 : marks_.back(); }
  void memo_put(uint64_t idx);
  Ref memo_get(uint64_t idx);
  Ref expect(Ref r, Kind k, const char* ctx);
  std::string dict_key(Ref k);
  bool step(uint8_t op);
};

}  // namespace easel::pickle
