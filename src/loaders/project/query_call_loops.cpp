#include "loaders/project/query_call_loops.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace pgadvise::loaders::scan {

namespace {

using ts::Token;
using ts::TokenKind;

constexpr std::size_t k_npos = k_no_token;

class LoopReader {
public:
  LoopReader(const TokenReader& tokens, std::vector<LoopInfo>& out) : m_t(tokens), m_out(out) {}

  void read() {
    for (std::size_t i = 0; i + 1 < m_t.size(); ++i) {
      const bool member = i > 0 && (m_t.punct(i - 1, ".") || m_t.punct(i - 1, "?."));
      if (!member && (m_t.ident(i, "for") || m_t.ident(i, "while"))) {
        statement_loop(i);
      } else if (!member && m_t.ident(i, "do") && m_t.punct(i + 1, "{")) {
        m_out.push_back({i + 1, m_t.body_end(i + 1), i, "do...while", {}, {}, {1, 0}, {}, 0, {}});
      } else if (!member && m_t.ident(i, "pMap") && m_t.punct(i + 1, "(")) {
        p_map(i);
      } else if (member && m_t.punct(i + 1, "(") && i >= 2) {
        method_loop(i);
      }
    }
  }

  // `for (...)`, `for await (...)`, `while (...)` at `i`.
  void statement_loop(std::size_t i) {
    std::size_t open = i + 1;
    if (m_t.ident(open, "await")) {
      ++open;
    }
    const std::size_t close = m_t.punct(open, "(") ? m_t.close_of(open) : k_npos;
    if (close == k_npos) {
      return;
    }
    LoopInfo loop{close + 1, m_t.body_end(close + 1), i, std::string(m_t.tok(i).text), {}, {}, {1, 0}, {}, 0,
                  {}};
    if (m_t.ident(i, "for") && !for_of(open, close, loop) && !counted(open, close, loop)) {
      return; // a loop that steps through slices: one statement per slice, not per row
    }
    if (loop.kind != "for" && batched_iterable(loop.iterable_tokens)) {
      return;
    }
    m_out.push_back(std::move(loop));
  }

  // `for (const x of xs)` / `for (k in o)`: the variable and the iterable.
  bool for_of(std::size_t open, std::size_t close, LoopInfo& loop) const {
    for (std::size_t j = open + 1; j < close; ++j) {
      if ((m_t.ident(j, "of") || m_t.ident(j, "in")) && j > open + 1) {
        loop.kind = "for..." + std::string(m_t.tok(j).text);
        std::size_t first = open + 1;
        if (m_t.ident(first, "const") || m_t.ident(first, "let") || m_t.ident(first, "var")) {
          ++first;
        }
        loop.variable = m_t.text(first, j - 1);
        loop.iterable = m_t.text(j + 1, close - 1);
        loop.iterable_tokens = {j + 1, close - 1};
        return true;
      }
      const std::size_t inner = m_t.close_of(j);
      j = inner != k_npos ? inner : j;
    }
    return false;
  }

  // `for (init; test; update)`: false when the update steps by more than
  // one (`i += size`: a slice per turn); a test against a number
  // (`attempt <= 3`, `i < MAX_ATTEMPTS`) is a fixed count, whatever the data.
  bool counted(std::size_t open, std::size_t close, LoopInfo& loop) const {
    std::vector<std::size_t> semicolons;
    for (std::size_t j = open + 1; j < close; ++j) {
      if (m_t.punct(j, ";")) {
        semicolons.push_back(j);
      }
      const std::size_t inner = m_t.close_of(j);
      j = inner != k_npos ? inner : j;
    }
    if (semicolons.size() != 2) {
      return true;
    }
    // `i += size` (the lexer gives `+` `=`), or `i = i + size`.
    for (std::size_t j = semicolons[1] + 1; j + 1 < close; ++j) {
      if (!m_t.punct(j, "+") && !m_t.punct(j, "-")) {
        continue;
      }
      std::size_t by = k_npos;
      if (m_t.punct(j + 1, "=")) {
        by = j + 2;
      } else if (m_t.ident(j - 1) && (m_t.ident(j + 1) || m_t.tok(j + 1).kind == TokenKind::number)) {
        by = j + 1;
      }
      if (by != k_npos && by < close && !(by + 1 == close && m_t.tok(by).text == "1")) {
        return false;
      }
    }
    // The test: `<name> < <bound>` or `<name> <= <bound>`, the bound a number or a plain name.
    const std::size_t test = semicolons[0] + 1;
    if (semicolons[1] == test + 3 && m_t.ident(test) &&
        (m_t.punct(test + 1, "<") || m_t.punct(test + 1, "<="))) {
      const ts::Token& bound = m_t.tok(test + 2);
      if (bound.kind == TokenKind::number) {
        loop.constant = small_count(std::string(bound.text));
      } else if (bound.kind == TokenKind::identifier) {
        loop.bound = bound.text;
      }
    }
    return true;
  }

  // `pMap(items, (item) => ..., { concurrency })`: the mapper runs per element.
  void p_map(std::size_t i) {
    const std::vector<TokenRange> args = m_t.parts(i + 1);
    if (args.size() < 2 || args[1].first > args[1].last) {
      return;
    }
    LoopInfo loop{args[1].first, args[1].last, i, "pMap", {}, {}, args[0], {}, 0, {}};
    loop.iterable = m_t.text(args[0]);
    loop.variable = first_parameter(args[1].first);
    m_out.push_back(std::move(loop));
  }

  // `.map(`, `.forEach(`, ... at `i` (the method name), and `Promise.all(x.map(...))`.
  void method_loop(std::size_t i) {
    static const std::set<std::string, std::less<>> k_methods = {"map",    "forEach", "flatMap", "reduce",
                                                                 "filter", "some",    "every"};
    if (k_methods.count(m_t.tok(i).text) == 0) {
      return;
    }
    const std::size_t close = m_t.close_of(i + 1);
    if (close == k_npos) {
      return;
    }
    LoopInfo loop{i + 1, close, i, "." + std::string(m_t.tok(i).text), {}, {}, {1, 0}, {}, 0, {}};
    const std::size_t receiver = receiver_start(i - 2);
    loop.iterable = m_t.text(receiver, i - 2);
    loop.iterable_tokens = {receiver, i - 2};
    // `.reduce(async (previous, row) => ...)`: the element is the second parameter.
    loop.variable = m_t.ident(i, "reduce") ? second_parameter(i + 2) : first_parameter(i + 2);
    if (receiver >= 4 && m_t.punct(receiver - 1, "(") &&
        (m_t.ident(receiver - 2, "all") || m_t.ident(receiver - 2, "allSettled")) &&
        m_t.punct(receiver - 3, ".") && m_t.ident(receiver - 4, "Promise")) {
      loop.kind =
          "Promise." + std::string(m_t.tok(receiver - 2).text) + "(." + std::string(m_t.tok(i).text) + ")";
      loop.keyword = receiver - 4; // the finding sits at `Promise.all(`
    }
    m_out.push_back(std::move(loop));
  }

  // A callback's first parameter at `p`: `(post) =>`, `async (post) =>`, `post =>`.
  [[nodiscard]] std::string first_parameter(std::size_t p) const {
    if (m_t.ident(p, "async")) {
      ++p;
    }
    if (m_t.punct(p, "(") && m_t.ident(p + 1)) {
      return std::string(m_t.tok(p + 1).text);
    }
    if (m_t.punct(p, "(") && (m_t.punct(p + 1, "[") || m_t.punct(p + 1, "{")) &&
        m_t.close_of(p + 1) != k_npos) {
      return m_t.text(p + 1, m_t.close_of(p + 1)); // `([email, ids]) =>`
    }
    return m_t.ident(p) && m_t.punct(p + 1, "=>") ? std::string(m_t.tok(p).text) : std::string();
  }

  [[nodiscard]] std::string second_parameter(std::size_t p) const {
    if (m_t.ident(p, "async")) {
      ++p;
    }
    if (!m_t.punct(p, "(")) {
      return {};
    }
    const std::vector<TokenRange> params = m_t.parts(p);
    return params.size() >= 2 && m_t.ident(params[1].first) ? std::string(m_t.tok(params[1].first).text)
                                                            : std::string();
  }

  // `chunk(ids, 100)`, `_.chunk(rows, 500)`, `batches(items)`: a loop over
  // slices, whose statement takes a slice at a time.
  [[nodiscard]] bool batched_iterable(TokenRange range) const {
    if (range.first > range.last || range.last >= m_t.size()) {
      return false;
    }
    for (std::size_t j = range.first; j < range.last; ++j) {
      if (m_t.ident(j) && m_t.punct(j + 1, "(")) {
        std::string name(m_t.tok(j).text);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        return name.find("chunk") != std::string::npos || name == "batch" || name == "batches" ||
               name == "inbatches" || name == "tobatches";
      }
    }
    return false;
  }

  // A loop bound written as a number: its value when a small count, 0 otherwise.
  static std::size_t small_count(const std::string& text) {
    if (text.empty() || text.size() > 4 ||
        !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
      return 0;
    }
    return static_cast<std::size_t>(std::stoul(text));
  }

  // `a.b.c` or `a?.b` (and calls in it) ending at `last`: the receiver of `.map`.
  [[nodiscard]] std::size_t receiver_start(std::size_t last) const {
    std::size_t i = last;
    while (true) {
      if ((m_t.punct(i, ")") || m_t.punct(i, "]")) && m_t.open_of(i) != k_npos) {
        i = m_t.open_of(i);
        if (i > 0 && m_t.ident(i - 1)) {
          --i;
        } else {
          return i;
        }
      }
      if (!m_t.ident(i) && !m_t.punct(i, ")")) {
        return i;
      }
      if (i >= 2 && (m_t.punct(i - 1, ".") || m_t.punct(i - 1, "?.")) &&
          (m_t.ident(i - 2) || m_t.punct(i - 2, ")"))) {
        i -= 2;
        continue;
      }
      return i;
    }
  }

  // The element count of a constant array literal at [first, last] (strings,
  // numbers, booleans; `as const` allowed); 0 when it is not one.
  [[nodiscard]] std::size_t constant_array(TokenRange range) const {
    if (range.first > range.last || range.last >= m_t.size() || !m_t.punct(range.first, "[")) {
      return 0;
    }
    const std::size_t close = m_t.close_of(range.first);
    if (close == k_npos || close > range.last) {
      return 0;
    }
    // Only `as const` may follow the literal.
    if (close != range.last &&
        !(close + 2 == range.last && m_t.ident(close + 1, "as") && m_t.ident(close + 2, "const"))) {
      return 0;
    }
    std::size_t count = 0;
    bool expect_value = true;
    for (std::size_t i = range.first + 1; i < close; ++i) {
      const Token& t = m_t.tok(i);
      if (expect_value) {
        const bool literal = t.kind == TokenKind::string || t.kind == TokenKind::number ||
                             t.kind == TokenKind::template_full || t.is_ident("true") || t.is_ident("false");
        if (!literal) {
          return 0;
        }
        ++count;
        expect_value = false;
      } else if (t.is_punct(",")) {
        expect_value = true;
      } else {
        return 0;
      }
    }
    return count;
  }

private:
  const TokenReader& m_t;
  std::vector<LoopInfo>& m_out;
};

} // namespace

std::vector<LoopInfo> read_loops(const TokenReader& tokens) {
  std::vector<LoopInfo> loops;
  LoopReader reader(tokens, loops);
  reader.read();
  for (LoopInfo& loop : loops) {
    loop.location = tokens.where(loop.keyword);
    loop.constant = loop.constant > 0 ? loop.constant : reader.constant_array(loop.iterable_tokens);
  }
  return loops;
}

} // namespace pgadvise::loaders::scan
