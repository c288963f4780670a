// The shape of the name-mapping tables: each file layout (LDM single file, standalone VAE,
// LoRA, diffusers component, ...) is a list of routes to components, each route a table of
// pattern rules, plus explicit ignore patterns. The tables themselves are data in tables_*.cpp.
#pragma once
#include <span>
#include <string_view>

namespace easel::naming {

// What happens to the tensor besides renaming. All are views except Transpose (a copy).
enum class Xform : unsigned char {
  None,
  Conv1x1,   // to LDM 1x1-conv shapes: weight [C,C] -> [C,C,1,1], bias [C,1,1] -> [C]
  SplitQKV,  // fused [3C, ...] -> three [C, ...] views named with {qkv} = q, k, v
  Transpose, // 2-D transpose (OpenCLIP text_projection is x @ W; Hugging Face is x @ W^T)
};

struct RuleTable;

// One rule: a source pattern and its canonical name (an empty `to` keeps the name). With `inner`, the text captured by `*` is
// mapped by that table and substituted for `*` in `to`. `when`: the rule applies only if some
// name in the same routed set matches it (captured variables substituted first).
struct NameRule {
  std::string_view from, to;
  const RuleTable* inner = nullptr;
  Xform xform = Xform::None;
  std::string_view when = {};
};

// A table-wide variable: 1 + the largest value of `capture` over names matching `pattern`
// (e.g. n = res blocks per level, L = number of levels).
struct VarDef {
  std::string_view name, pattern, capture;
};

struct RuleTable {
  std::string_view name;
  std::span<const NameRule> rules;  // first match wins
  std::span<const VarDef> vars = {};
};

// Routes a source name (matched against `from`, which must end in `*`) to a component; the
// `*` part is mapped by `table`.
struct Route {
  std::string_view from, component;
  const RuleTable* table;
};

// A name that is present in real files but deliberately not used. `flag`, if set, is recorded
// on the model (e.g. a "v_pred" marker tensor).
struct IgnoreRule {
  std::string_view pattern, why, flag = {};
};

struct Layout {
  std::string_view name, description;
  std::span<const Route> routes;  // first match wins
  std::span<const IgnoreRule> ignores;
};

// Layouts a single weights file may have, in preference order (ties in coverage go to the first).
std::span<const Layout* const> single_file_layouts();
// The layout for one diffusers component folder ("unet", "vae", "text_encoder", ...), or nullptr
// for a component easel does not know.
const Layout* diffusers_component_layout(std::string_view component);
// Diffusers components present in real pipelines that easel deliberately does not load.
std::span<const IgnoreRule> ignored_diffusers_components();

}  // namespace easel::naming
