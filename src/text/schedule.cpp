// The schedule grammar (webui's lark grammar) parsed by recursive descent. Inside a bracket group
// only nested groups, plain text and whitespace may appear; at top level a bracket that does not
// open a valid group is literal text. Where the upstream Earley parser is ambiguous (a group directly
// followed by a literal bracket or colon, e.g. "[a:b:5]]") its choice depends on Python's hash
// seed, so webui itself differs between runs; easel prefers the group unless told otherwise.
#include "text/schedule.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "core/error.h"
#include "text/py_number.h"
#include "text/utf8.h"

namespace easel::text {

namespace {

struct Node;
using Seq = std::vector<Node>;

struct Node {
  enum Kind { Text, Scheduled, Alternate } kind = Text;
  U32String text;                       // Text
  std::unique_ptr<Seq> before;          // Scheduled: null when "[to:when]"
  std::vector<Seq> parts;               // Scheduled: {after}; Alternate: the options
  U32String number;                     // Scheduled: the NUMBER token
  long long when = 0;                   // Scheduled: resolved step
};

class Parser {
 public:
  explicit Parser(const U32String& s) : s_(s) {}

  // start: the whole text, or false when it does not parse.
  bool parse_start(Seq& out) {
    size_t i = 0;
    while (i < s_.size()) {
      char32_t c = s_[i];
      if (c == '(' || c == '[') {
        size_t j = i;
        Seq group;
        if (parse_group(j, group)) {
          bool alternate = group.size() == 1 && group[0].kind == Node::Alternate;
          if (!alternate && literal_follows(j)) {
            // Upstream may also read the brackets as literal text (then its interior is top-level text).
            if (literal_when_ambiguous_) {
              add_text(out, i, i + 1);
              ++i;
              continue;
            }
          }
          for (auto& g : group) out.push_back(std::move(g));
          i = j;
          continue;
        }
        add_text(out, i, i + 1);
        ++i;
        continue;
      }
      if (c == ')' || c == ']' || c == ':') {
        add_text(out, i, i + 1);
        ++i;
        continue;
      }
      if (c == '|') return false;  // only an alternate may hold '|'
      if (c == '\\') {
        if (i + 1 >= s_.size() || s_[i + 1] == '\n') return false;  // escapes nothing
        add_text(out, i, i + 2);
        i += 2;
        continue;
      }
      add_plain_run(i, out);
    }
    return true;
  }

  void set_literal_when_ambiguous(bool v) { literal_when_ambiguous_ = v; }

 private:
  const U32String& s_;
  bool literal_when_ambiguous_ = false;

  // Whether a group closing just before j is followed by a top-level literal that upstream's grammar
  // could merge with the closing bracket: ] ) : always, ( [ when no group opens there.
  bool literal_follows(size_t j) {
    if (j >= s_.size()) return false;
    char32_t c = s_[j];
    if (c == ']' || c == ')' || c == ':') return true;
    if (c != '(' && c != '[') return false;
    Seq tmp;
    size_t k = j;
    return !parse_group(k, tmp);
  }

  static bool is_special(char32_t c) {
    return c == ':' || c == '|' || c == ']' || c == ')' || c == '(' || c == '[' || c == '\\';
  }

  // Text from i up to the next special character (at least one character); i moves past it.
  void add_plain_run(size_t& i, Seq& out) {
    size_t j = i + 1;
    while (j < s_.size() && !is_special(s_[j])) ++j;
    add_text(out, i, j);
    i = j;
  }

  void add_text(Seq& out, size_t a, size_t b) {
    if (b <= a) return;
    if (!out.empty() && out.back().kind == Node::Text) {
      out.back().text.append(s_, a, b - a);
      return;
    }
    Node n;
    n.text = s_.substr(a, b - a);
    out.push_back(std::move(n));
  }
  void add_lit(Seq& out, const char32_t* lit) {
    if (!out.empty() && out.back().kind == Node::Text) {
      out.back().text += lit;
      return;
    }
    Node n;
    n.text = lit;
    out.push_back(std::move(n));
  }

  // prompt: plain text, whitespace and nested groups, up to one of : | ] ) or the end.
  bool parse_prompt(size_t& i, Seq& out) {
    while (i < s_.size()) {
      char32_t c = s_[i];
      if (c == ':' || c == '|' || c == ']' || c == ')') return true;
      if (c == '(' || c == '[') {
        if (!parse_group(i, out)) return false;
        continue;
      }
      if (c == '\\') {
        // plain's escape: a backslash and any character but a newline.
        if (i + 1 >= s_.size() || s_[i + 1] == '\n') return true;
        add_text(out, i, i + 2);
        i += 2;
        continue;
      }
      add_plain_run(i, out);
    }
    return true;
  }

  // [WS] NUMBER [WS] "]" at i; on success i is past the ']'.
  bool number_tail(size_t& i, U32String& number) {
    size_t j = i;
    while (j < s_.size() && py_isspace(s_[j])) ++j;
    size_t n0 = j;
    auto digit = [&](size_t k) { return k < s_.size() && s_[k] >= '0' && s_[k] <= '9'; };
    if (j < s_.size() && (s_[j] == '+' || s_[j] == '-')) ++j;
    size_t d0 = j;
    while (digit(j)) ++j;
    bool int_part = j > d0;
    if (j < s_.size() && s_[j] == '.') {
      size_t f0 = ++j;
      while (digit(j)) ++j;
      if (!int_part && j == f0) return false;
    } else if (!int_part) {
      return false;
    }
    if (j < s_.size() && (s_[j] == 'e' || s_[j] == 'E')) {
      size_t k = j + 1;
      if (k < s_.size() && (s_[k] == '+' || s_[k] == '-')) ++k;
      size_t e0 = k;
      while (digit(k)) ++k;
      if (k > e0) j = k;
    }
    size_t n1 = j;
    while (j < s_.size() && py_isspace(s_[j])) ++j;
    if (j >= s_.size() || s_[j] != ']') return false;
    number = s_.substr(n0, n1 - n0);
    i = j + 1;
    return true;
  }

  // A group starting at s_[i] ('(' or '['): emphasized, scheduled or alternate. Appends to out.
  bool parse_group(size_t& i, Seq& out) {
    size_t j = i + 1;
    Seq p1;
    if (!parse_prompt(j, p1)) return false;
    if (j >= s_.size()) return false;
    char32_t open = s_[i], c = s_[j];
    if (open == '(') {
      if (c == ')') {
        add_lit(out, U"(");
        append(out, std::move(p1));
        add_lit(out, U")");
        i = j + 1;
        return true;
      }
      if (c != ':') return false;
      ++j;
      Seq p2;
      if (!parse_prompt(j, p2) || j >= s_.size() || s_[j] != ')') return false;
      add_lit(out, U"(");
      append(out, std::move(p1));
      add_lit(out, U":");
      append(out, std::move(p2));
      add_lit(out, U")");
      i = j + 1;
      return true;
    }
    if (c == ']') {
      add_lit(out, U"[");
      append(out, std::move(p1));
      add_lit(out, U"]");
      i = j + 1;
      return true;
    }
    if (c == '|') {
      Node n;
      n.kind = Node::Alternate;
      n.parts.push_back(std::move(p1));
      while (j < s_.size() && s_[j] == '|') {
        ++j;
        Seq opt;
        if (!parse_prompt(j, opt)) return false;
        n.parts.push_back(std::move(opt));
      }
      if (j >= s_.size() || s_[j] != ']') return false;
      out.push_back(std::move(n));
      i = j + 1;
      return true;
    }
    if (c != ':') return false;
    ++j;
    Node n;
    n.kind = Node::Scheduled;
    size_t k = j;
    if (number_tail(k, n.number)) {
      n.parts.push_back(std::move(p1));
      out.push_back(std::move(n));
      i = k;
      return true;
    }
    Seq p2;
    if (!parse_prompt(j, p2) || j >= s_.size() || s_[j] != ':') return false;
    ++j;
    if (!number_tail(j, n.number)) return false;
    n.before = std::make_unique<Seq>(std::move(p1));
    n.parts.push_back(std::move(p2));
    out.push_back(std::move(n));
    i = j;
    return true;
  }

  static void append(Seq& out, Seq&& more) {
    for (auto& m : more) {
      if (m.kind == Node::Text && !out.empty() && out.back().kind == Node::Text) out.back().text += m.text;
      else out.push_back(std::move(m));
    }
  }
};

struct Resolver {
  const ScheduleOptions& opt;
  int N;
  double int_offset, flt_offset;
  std::set<long long> bounds;
  bool alternate = false;

  void visit(Seq& seq) {
    for (auto& n : seq) {
      if (n.kind == Node::Scheduled) {
        auto v = py_float(n.number);
        if (!v) fail("prompt schedule: bad number '{}'", utf8_encode(n.number));
        double x = *v;
        if (opt.use_old_scheduling) {
          if (x < 1) x = x * N;
        } else if (n.number.find(U'.') != U32String::npos) {
          x = (x - flt_offset) * N;
        } else {
          x = x - int_offset;
        }
        if (!std::isfinite(x)) fail("prompt schedule: step '{}' is not a finite number", utf8_encode(n.number));
        double t = std::trunc(x);
        n.when = t >= N ? N : (t < -1e15 ? -1000000000000000LL : (long long)t);
        if (n.when >= 1) bounds.insert(n.when);
        if (n.before) visit(*n.before);
      } else if (n.kind == Node::Alternate) {
        alternate = true;
      }
      for (auto& p : n.parts) visit(p);
    }
  }
};

void render(const Seq& seq, long long step, U32String& out) {
  for (auto& n : seq) {
    switch (n.kind) {
      case Node::Text: out += n.text; break;
      case Node::Scheduled:
        if (step <= n.when) {
          if (n.before) render(*n.before, step, out);
        } else {
          render(n.parts[0], step, out);
        }
        break;
      case Node::Alternate: {
        long long k = (long long)n.parts.size(), idx = ((step - 1) % k + k) % k;  // Python modulo
        render(n.parts[size_t(idx)], step, out);
        break;
      }
    }
  }
}

}  // namespace

PromptSchedule prompt_schedule(const std::string& prompt, const ScheduleOptions& opt) {
  const bool hires = opt.hires_steps.has_value() && !opt.use_old_scheduling;
  const int N = hires ? *opt.hires_steps : opt.steps;
  U32String s = utf8_decode(prompt);
  Seq tree;
  Parser parser(s);
  parser.set_literal_when_ambiguous(opt.literal_when_ambiguous);
  if (!parser.parse_start(tree)) return {{N, prompt}};
  Resolver r{opt, N, hires ? double(opt.steps) : 0.0, hires ? 1.0 : 0.0, {}, false};
  r.bounds.insert(N);
  r.visit(tree);
  if (r.alternate)
    for (int t = 1; t <= N; ++t) r.bounds.insert(t);
  PromptSchedule out;
  for (long long t : r.bounds) {
    U32String text;
    render(tree, t, text);
    out.push_back({int(t), utf8_encode(text)});
  }
  return out;
}

std::vector<PromptSchedule> get_learned_conditioning_prompt_schedules(const std::vector<std::string>& prompts,
                                                                      const ScheduleOptions& opt) {
  std::map<std::string, PromptSchedule> cache;
  std::vector<PromptSchedule> out;
  for (auto& p : prompts) {
    auto it = cache.find(p);
    if (it == cache.end()) it = cache.emplace(p, prompt_schedule(p, opt)).first;
    out.push_back(it->second);
  }
  return out;
}

bool schedule_is_ambiguous(const std::string& prompt, const ScheduleOptions& opt) {
  ScheduleOptions lit = opt;
  lit.literal_when_ambiguous = !opt.literal_when_ambiguous;
  return prompt_schedule(prompt, opt) != prompt_schedule(prompt, lit);
}

size_t schedule_index_at(const PromptSchedule& s, int step) {
  for (size_t i = 0; i < s.size(); ++i)
    if (step <= s[i].end_at_step) return i;
  return 0;
}

}  // namespace easel::text
