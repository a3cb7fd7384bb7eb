#include "loaders/project/conditions.hpp"

#include "core/text.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace {

constexpr std::size_t k_max_frames = 32; // open blocks and early exits followed per script

bool identifier_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool reference_char(char c) {
  return identifier_char(c) || c == '.' || c == '-';
}

// `github.event.inputs.x` -> `inputs.x`, `env.X` -> `X`, `$CI_COMMIT_BRANCH` -> `CI_COMMIT_BRANCH`.
std::string normalize_reference(std::string_view reference) {
  std::string out(core::trim(reference));
  if (!out.empty() && out[0] == '$') {
    out.erase(0, 1);
  }
  if (out.rfind("github.event.inputs.", 0) == 0) {
    out = "inputs." + out.substr(20);
  } else if (out.rfind("env.", 0) == 0) {
    out = out.substr(4);
  }
  if (out.empty() || !std::all_of(out.begin(), out.end(), reference_char) || out[0] == '.' ||
      (out[0] >= '0' && out[0] <= '9')) {
    return {};
  }
  return out;
}

model::Guard unreadable(std::string text, const core::SourceLocation& at) {
  model::Guard guard;
  guard.text = std::move(text);
  guard.location = at;
  return guard;
}

// `a || b`, `a -o b` at the top level of a test's words.
std::vector<std::vector<std::string>> split_words(const std::vector<std::string>& words,
                                                  std::initializer_list<std::string_view> separators) {
  std::vector<std::vector<std::string>> parts(1);
  for (const std::string& word : words) {
    if (std::find(separators.begin(), separators.end(), word) != separators.end()) {
      parts.emplace_back();
    } else {
      parts.back().push_back(word);
    }
  }
  return parts;
}

struct Comparison {
  std::string variable;
  std::string value;
  bool not_equal = false;
};

// `$X = v`, `v == "$X"`, `-n`/`-z` and the like are not comparisons of a variable with a value.
std::optional<Comparison> comparison(const std::vector<std::string>& words) {
  if (words.size() != 3) {
    return std::nullopt;
  }
  const std::string& op = words[1];
  if (op != "=" && op != "==" && op != "!=") {
    return std::nullopt;
  }
  std::string left = variable_of(words[0]);
  std::string right = variable_of(words[2]);
  if (left.empty() == right.empty()) {
    return std::nullopt; // two variables, or two literals
  }
  return Comparison{left.empty() ? right : left, left.empty() ? words[0] : words[2], op == "!="};
}

// One guard from comparisons joined by `or` (all `=` on one variable) or by
// `and` (all `!=` on one variable); nullopt otherwise.
std::optional<model::Guard> combine(const std::vector<Comparison>& comparisons, bool joined_by_or) {
  if (comparisons.empty()) {
    return std::nullopt;
  }
  model::Guard guard;
  guard.variable = comparisons.front().variable;
  guard.negated = comparisons.front().not_equal;
  if (comparisons.size() > 1 && guard.negated == joined_by_or) {
    return std::nullopt; // `X = a && X = b`, `X != a || X != b`: not one set of values
  }
  for (const Comparison& c : comparisons) {
    if (c.variable != guard.variable || c.not_equal != guard.negated) {
      return std::nullopt;
    }
    guard.values.push_back(c.value);
  }
  return guard;
}

// Joins `${{`, `inputs.x`, `}}` back into one word.
std::vector<std::string> join_expressions(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "${{") {
      std::string joined = words[i];
      while (i + 1 < words.size() && words[i] != "}}") {
        joined += " " + words[++i];
      }
      out.push_back(joined);
    } else {
      out.push_back(words[i]);
    }
  }
  return out;
}

std::string strip_quotes(std::string_view text) {
  text = core::trim(text);
  if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') && text.back() == text.front()) {
    text = text.substr(1, text.size() - 2);
  }
  return std::string(text);
}

// Where the characters of a CI expression stand, read one at a time: in a
// quoted string or not, and how deep in parentheses.
class Nesting {
public:
  // Reads `c`; true when it stands outside quotes and is not a quote itself
  // (a parenthesis has then changed depth()).
  bool step(char c) {
    if (m_quote != 0) {
      m_quote = c == m_quote ? '\0' : m_quote;
      return false;
    }
    if (c == '\'' || c == '"') {
      m_quote = c;
      return false;
    }
    if (c == '(') {
      ++m_depth;
    } else if (c == ')') {
      --m_depth;
    }
    return true;
  }
  [[nodiscard]] int depth() const { return m_depth; }

private:
  int m_depth = 0;
  char m_quote = 0;
};

// Splits a CI expression on a top-level operator (outside quotes and
// parentheses; no operator starts with a quote or a parenthesis).
std::vector<std::string> split_expression(std::string_view text, std::string_view op) {
  std::vector<std::string> parts;
  Nesting nesting;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (nesting.step(text[i]) && nesting.depth() == 0 && text.substr(i, op.size()) == op) {
      parts.emplace_back(core::trim(text.substr(start, i - start)));
      start = i + op.size();
      i = start - 1;
    }
  }
  parts.emplace_back(core::trim(text.substr(start)));
  return parts;
}

// `(a && b)` wraps its whole text; `(a) && (b)` does not.
bool wrapped(std::string_view text) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') {
    return false;
  }
  Nesting nesting;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (nesting.step(text[i]) && text[i] == ')' && nesting.depth() == 0) {
      return false; // closed before the end
    }
  }
  return true;
}

std::string_view strip_parentheses(std::string_view text) {
  text = core::trim(text);
  while (wrapped(text)) {
    text = core::trim(text.substr(1, text.size() - 2));
  }
  return text;
}

// `/^feature/` -> `feature*`, `/^release-.*$/` -> `release-*`; nullopt for anything richer.
std::optional<std::string> regex_as_glob(std::string_view regex) {
  regex = core::trim(regex);
  if (regex.size() < 2 || regex.front() != '/') {
    return std::nullopt;
  }
  const std::size_t close = regex.rfind('/');
  if (close == 0) {
    return std::nullopt;
  }
  std::string body(regex.substr(1, close - 1));
  std::string out = body.rfind('^', 0) == 0 ? std::string{} : std::string("*");
  if (!body.empty() && body[0] == '^') {
    body.erase(0, 1);
  }
  const bool anchored_end = !body.empty() && body.back() == '$';
  if (anchored_end) {
    body.pop_back();
  }
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body.compare(i, 2, ".*") == 0) {
      out += '*';
      ++i;
    } else if (body[i] == '\\' && i + 1 < body.size() &&
               (body[i + 1] == '/' || body[i + 1] == '-' || body[i + 1] == '.')) {
      out += body[++i];
    } else if (std::string_view("\\[](){}+?|.*").find(body[i]) != std::string_view::npos) {
      return std::nullopt;
    } else {
      out += body[i];
    }
  }
  if (!anchored_end && (out.empty() || out.back() != '*')) {
    out += '*';
  }
  return out;
}

// `github.ref == 'refs/heads/main'`, `startsWith(github.ref, 'refs/tags/')`, `$CI_COMMIT_BRANCH == "main"`.
std::optional<Comparison> ci_comparison(std::string_view text) {
  text = strip_parentheses(text);
  for (std::string_view prefix : {"startsWith(", "startswith("}) {
    if (text.rfind(prefix, 0) == 0 && text.back() == ')') {
      const std::vector<std::string> args =
          split_expression(text.substr(prefix.size(), text.size() - prefix.size() - 1), ",");
      if (args.size() == 2) {
        const std::string variable = normalize_reference(args[0]);
        if (!variable.empty()) {
          return Comparison{variable, strip_quotes(args[1]) + "*", false};
        }
      }
      return std::nullopt;
    }
  }
  for (std::string_view op : {"=~", "!~"}) {
    const std::vector<std::string> sides = split_expression(text, op);
    if (sides.size() == 2) {
      const std::string variable = normalize_reference(sides[0]);
      std::optional<std::string> pattern = regex_as_glob(sides[1]);
      if (variable.empty() || !pattern) {
        return std::nullopt;
      }
      return Comparison{variable, *pattern, op == "!~"};
    }
  }
  for (std::string_view op : {"==", "!="}) {
    const std::vector<std::string> sides = split_expression(text, op);
    if (sides.size() != 2) {
      continue;
    }
    // GitLab's $CI_DEFAULT_BRANCH is a branch name, compared like a literal.
    const auto literal = [](const std::string& side) {
      return (!side.empty() && (side[0] == '\'' || side[0] == '"')) || side == "$CI_DEFAULT_BRANCH";
    };
    const auto value = [](const std::string& side) {
      return side == "$CI_DEFAULT_BRANCH" ? side : strip_quotes(side);
    };
    std::string left = literal(sides[0]) ? std::string{} : normalize_reference(sides[0]);
    std::string right = literal(sides[1]) ? std::string{} : normalize_reference(sides[1]);
    if (!left.empty() && literal(sides[1])) {
      return Comparison{left, value(sides[1]), op == "!="};
    }
    if (!right.empty() && literal(sides[0])) {
      return Comparison{right, value(sides[0]), op == "!="};
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// Status functions say nothing about where a job deploys.
bool status_check(std::string_view text) {
  text = strip_parentheses(text);
  if (!text.empty() && text[0] == '!') {
    text = core::trim(text.substr(1));
  }
  return text == "success()" || text == "always()" || text == "failure()" || text == "cancelled()" ||
         text == "true" || text == "false";
}

} // namespace

std::string variable_of(std::string_view word) {
  word = core::trim(word);
  if (word.rfind("${{", 0) == 0) {
    const std::size_t end = word.rfind("}}");
    if (end == std::string_view::npos || end < 3) {
      return {};
    }
    return normalize_reference(word.substr(3, end - 3));
  }
  if (word.empty() || word[0] != '$') {
    return {};
  }
  word.remove_prefix(1);
  if (!word.empty() && word[0] == '{') {
    word.remove_prefix(1);
    std::size_t n = 0;
    while (n < word.size() && identifier_char(word[n])) {
      ++n;
    }
    // `${X}`, `${X:-dev}`, `${X-dev}`: X (a default does not change which variable is tested).
    const bool closes = n < word.size() && (word[n] == '}' || word[n] == ':' || word[n] == '-');
    return n > 0 && closes && word.back() == '}' ? std::string(word.substr(0, n)) : std::string{};
  }
  return !word.empty() && std::all_of(word.begin(), word.end(), identifier_char) ? std::string(word)
                                                                                 : std::string{};
}

std::optional<model::Guard> parse_test(const std::vector<std::string>& words,
                                       const core::SourceLocation& at) {
  std::size_t i = 0;
  bool negated = false;
  while (i < words.size() && words[i] == "!") {
    negated = !negated;
    ++i;
  }
  if (i >= words.size()) {
    return std::nullopt;
  }
  std::vector<std::string> inner;
  bool double_bracket = false;
  if (words[i] == "[" || words[i] == "[[") {
    double_bracket = words[i] == "[[";
    const std::string close = double_bracket ? "]]" : "]";
    std::size_t end = words.size();
    if (words.back() == close) {
      --end;
    }
    inner.assign(words.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                 words.begin() + static_cast<std::ptrdiff_t>(end));
  } else if (words[i] == "test") {
    inner.assign(words.begin() + static_cast<std::ptrdiff_t>(i) + 1, words.end());
  } else {
    return std::nullopt;
  }
  inner = join_expressions(inner);
  std::string text;
  for (const std::string& word : words) {
    text += (text.empty() ? "" : " ") + word;
  }
  std::optional<model::Guard> guard;
  const auto read = [&](std::initializer_list<std::string_view> separators, bool joined_by_or) {
    std::vector<Comparison> comparisons;
    for (const std::vector<std::string>& part : split_words(inner, separators)) {
      const std::optional<Comparison> c = comparison(part);
      if (!c) {
        return std::optional<model::Guard>{};
      }
      comparisons.push_back(*c);
    }
    return combine(comparisons, joined_by_or);
  };
  const bool has_or =
      std::any_of(inner.begin(), inner.end(), [](const std::string& w) { return w == "||" || w == "-o"; });
  const bool has_and =
      std::any_of(inner.begin(), inner.end(), [](const std::string& w) { return w == "&&" || w == "-a"; });
  if (has_or && has_and) {
    guard = std::nullopt;
  } else if (has_or) {
    guard = read({"||", "-o"}, true);
  } else {
    guard = read({"&&", "-a"}, false);
  }
  if (!guard) {
    return unreadable(text, at);
  }
  guard->negated = guard->negated != negated;
  guard->text = text;
  guard->location = at;
  return guard;
}

model::Guard negate(const model::Guard& guard) {
  model::Guard out = guard;
  if (!out.variable.empty()) {
    out.negated = !out.negated;
  }
  out.text = guard.text.rfind("not: ", 0) == 0 ? guard.text.substr(5) : "not: " + guard.text;
  return out;
}

std::vector<model::Guard> parse_ci_expression(std::string_view expression, const core::SourceLocation& at) {
  std::string_view text = core::trim(expression);
  if (text.rfind("${{", 0) == 0 && text.size() >= 5 && text.substr(text.size() - 2) == "}}") {
    text = core::trim(text.substr(3, text.size() - 5));
  }
  std::vector<model::Guard> guards;
  for (const std::string& conjunct : split_expression(text, "&&")) {
    if (status_check(conjunct)) {
      continue;
    }
    std::vector<Comparison> comparisons;
    bool readable = true;
    for (const std::string& disjunct : split_expression(strip_parentheses(conjunct), "||")) {
      if (const std::optional<Comparison> c = ci_comparison(disjunct)) {
        comparisons.push_back(*c);
      } else {
        readable = false;
      }
    }
    std::optional<model::Guard> guard = readable ? combine(comparisons, true) : std::nullopt;
    if (!guard) {
      guards.push_back(unreadable(std::string(strip_parentheses(conjunct)), at));
      continue;
    }
    guard->text = std::string(strip_parentheses(conjunct));
    guard->location = at;
    guards.push_back(std::move(*guard));
  }
  return guards;
}

std::vector<model::Guard> ShellConditions::active() const {
  std::vector<model::Guard> out = inherited;
  out.insert(out.end(), after_exit.begin(), after_exit.end());
  for (const Frame& frame : frames) {
    if (frame.is_case) {
      if (frame.in_patterns) {
        continue;
      }
      const bool fallback =
          std::find(frame.patterns.begin(), frame.patterns.end(), "*") != frame.patterns.end();
      model::Guard guard;
      guard.variable = frame.variable;
      guard.values = fallback ? frame.seen : frame.patterns;
      guard.negated = fallback;
      guard.text = frame.case_text + " " + core::join(frame.patterns, "|") + ")";
      guard.location = frame.location;
      if (guard.variable.empty() || (fallback && guard.values.empty())) {
        guard.variable.clear();
        guard.values.clear();
      }
      if (!(fallback && frame.seen.empty())) {
        out.push_back(std::move(guard));
      }
      continue;
    }
    out.insert(out.end(), frame.earlier.begin(), frame.earlier.end());
    if (!frame.in_condition && !frame.else_branch) {
      out.insert(out.end(), frame.condition.begin(), frame.condition.end());
    }
  }
  out.insert(out.end(), chain.begin(), chain.end());
  return out;
}

namespace {

using Frame = ShellConditions::Frame;

// The innermost open block when it is a `case` (is_case) or an `if` (not is_case).
Frame* top_frame(ShellConditions& conditions, bool is_case) {
  return !conditions.frames.empty() && conditions.frames.back().is_case == is_case ? &conditions.frames.back()
                                                                                   : nullptr;
}

// Past branches: a condition of several conjuncts negates to something pgadvise cannot read.
void close_branch(Frame& frame, const core::SourceLocation& at) {
  if (frame.condition.size() == 1) {
    frame.earlier.push_back(negate(frame.condition.front()));
  } else if (frame.condition.size() > 1) {
    frame.earlier.push_back(unreadable("not: " + frame.condition.front().text + " ...", at));
  }
  frame.condition.clear();
}

// `case WORD in`: a block whose branches are guarded by WORD's patterns.
void open_case(ShellConditions& conditions, std::vector<std::string>& w, const core::SourceLocation& at) {
  Frame frame;
  frame.is_case = true;
  frame.in_patterns = true;
  frame.variable = w.size() > 1 ? variable_of(w[1]) : std::string{};
  frame.case_text = "case " + (w.size() > 1 ? w[1] : std::string{}) + " in";
  frame.location = at;
  conditions.frames.push_back(std::move(frame));
  const auto in = std::find(w.begin(), w.end(), "in");
  w.erase(w.begin(), in == w.end() ? w.end() : in + 1);
}

// The leading keywords of a command (`if`, `then`, `else`, `fi`, `case`,
// `esac`, `do`, ...): the blocks they open and close; they leave `w`.
void read_keywords(ShellConditions& conditions, std::vector<std::string>& w, const core::SourceLocation& at) {
  const auto drop_first = [&w] { w.erase(w.begin()); };
  while (!w.empty()) {
    const std::string& keyword = w.front();
    Frame* const block = top_frame(conditions, false);
    if (keyword == "if") {
      if (conditions.frames.size() >= k_max_frames) {
        ++conditions.overflow; // nested too deep to follow: the blocks inside add no guards
      } else {
        conditions.frames.push_back(Frame{});
        conditions.frames.back().in_condition = true;
      }
      drop_first();
    } else if ((keyword == "fi" || keyword == "esac") && conditions.overflow > 0) {
      --conditions.overflow;
      drop_first();
    } else if (keyword == "elif" && block != nullptr) {
      close_branch(*block, at);
      block->in_condition = true;
      drop_first();
    } else if (keyword == "then" && block != nullptr) {
      block->in_condition = false;
      drop_first();
    } else if (keyword == "else" && block != nullptr) {
      close_branch(*block, at);
      block->else_branch = true;
      block->in_condition = false;
      drop_first();
    } else if ((keyword == "fi" && block != nullptr) ||
               (keyword == "esac" && top_frame(conditions, true) != nullptr)) {
      conditions.frames.pop_back();
      drop_first();
    } else if (keyword == "case" && conditions.frames.size() >= k_max_frames) {
      ++conditions.overflow;
      w.clear();
    } else if (keyword == "case") {
      open_case(conditions, w, at);
    } else if (keyword == "for" || keyword == "select") {
      w.clear(); // `for x in a b`: words, not a command
    } else if (keyword == "do" || keyword == "done" || keyword == "{" || keyword == "}" ||
               keyword == "while" || keyword == "until") {
      drop_first();
    } else {
      break;
    }
  }
}

// After each command: a list ends unless `op` chains the next command to
// this one, and `;;` ends a case branch.
void end_of_list(ShellConditions& conditions, std::string_view op) {
  if (op != "&&" && op != "||" && op != "|") {
    conditions.chain.clear();
    conditions.after_failure = false;
  }
  if (op == ";;") {
    if (Frame* frame = top_frame(conditions, true)) {
      frame->seen.insert(frame->seen.end(), frame->patterns.begin(), frame->patterns.end());
      frame->patterns.clear();
      frame->in_patterns = true;
    }
  }
  conditions.last_op = std::string(op);
}

// `a|b)` of an open case: the patterns of the branch that follows.
void read_patterns(Frame& frame, const std::vector<std::string>& w, std::string_view op,
                   const core::SourceLocation& at) {
  for (std::string word : w) {
    while (!word.empty() && word.front() == '(') {
      word.erase(0, 1);
    }
    if (!word.empty()) {
      frame.patterns.push_back(word);
    }
  }
  if (op == ")") {
    frame.in_patterns = false;
    frame.location = at;
  }
}

// A command between `if` and `then`: a test becomes the block's condition.
ShellStep read_condition(ShellConditions& conditions, Frame& frame, std::vector<std::string> w,
                         const core::SourceLocation& at) {
  ShellStep step;
  const std::optional<model::Guard> test = parse_test(w, at);
  if (conditions.last_op == "||" && !frame.condition.empty()) {
    frame.condition = {unreadable(frame.condition.front().text + " || ...", at)};
  } else {
    frame.condition.push_back(test ? *test : unreadable(core::join(w, " "), at));
  }
  if (!test) {
    // `if npm run check; then`: the condition is itself a command that runs.
    frame.in_condition = false;
    step.guards = conditions.active();
    frame.in_condition = true;
    step.command = std::move(w);
  }
  return step;
}

// `exit` or `return` under `guards`: what follows runs only when this exit did not.
void read_exit(ShellConditions& conditions, const std::vector<model::Guard>& guards,
               const core::SourceLocation& at) {
  // The guards of the open blocks and the line, not the script's.
  const std::size_t script = conditions.inherited.size() + conditions.after_exit.size();
  const std::size_t local = guards.size() - script;
  if (conditions.after_failure || conditions.after_exit.size() >= k_max_frames) {
    // `cmd || exit 1`: the script goes on when cmd succeeds, whatever the environment.
  } else if (local == 1) {
    conditions.after_exit.push_back(negate(guards[script]));
  } else if (local > 1) {
    conditions.after_exit.push_back(unreadable("not: " + guards[script].text + " ...", at));
  }
}

// `cmd || next`: next runs only when cmd fails: no environment, but an `exit` there is no guard.
void read_failure_branch(ShellConditions& conditions, const core::SourceLocation& at) {
  conditions.after_failure = true;
  // `[ c ] && a || b`: b is the else branch (it also runs when a fails).
  if (conditions.chain.size() == 1) {
    conditions.chain = {negate(conditions.chain.front())};
  } else if (conditions.chain.size() > 1) {
    conditions.chain = {unreadable("not: " + conditions.chain.front().text + " ...", at)};
  }
}

} // namespace

ShellStep read_step(ShellConditions& conditions, const std::vector<std::string>& words, std::string_view op,
                    const core::SourceLocation& at) {
  std::vector<std::string> w = words;
  read_keywords(conditions, w, at);
  ShellStep step;
  if (Frame* frame = top_frame(conditions, true); frame != nullptr && frame->in_patterns) {
    read_patterns(*frame, w, op, at);
    return step;
  }
  if (w.empty()) {
    end_of_list(conditions, op);
    return step;
  }
  if (Frame* frame = top_frame(conditions, false); frame != nullptr && frame->in_condition) {
    step = read_condition(conditions, *frame, std::move(w), at);
    end_of_list(conditions, op);
    return step;
  }
  step.guards = conditions.active();
  if (w.front() == "exit" || w.front() == "return") {
    read_exit(conditions, step.guards, at);
  } else if (const std::optional<model::Guard> test = parse_test(w, at)) {
    if (op == "&&") {
      conditions.chain.push_back(*test);
    } else if (op == "||") {
      conditions.chain.push_back(negate(*test));
    }
  } else {
    if (op == "||") {
      read_failure_branch(conditions, at);
    }
    step.command = std::move(w);
  }
  end_of_list(conditions, op);
  return step;
}

} // namespace pgadvise::loaders
