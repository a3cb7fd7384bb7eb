#include "loaders/project/query_call_loops.hpp"

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
        std::size_t open = i + 1;
        if (m_t.ident(open, "await")) {
          ++open;
        }
        const std::size_t close = m_t.punct(open, "(") ? m_t.close_of(open) : k_npos;
        if (close == k_npos) {
          continue;
        }
        LoopInfo loop{close + 1, m_t.body_end(close + 1), i, m_t.tok(i).text, {}, {}, {1, 0}, {}, 0};
        if (m_t.ident(i, "for")) {
          for (std::size_t j = open + 1; j < close; ++j) {
            if ((m_t.ident(j, "of") || m_t.ident(j, "in")) && j > open + 1) {
              loop.kind = "for..." + m_t.tok(j).text;
              std::size_t first = open + 1;
              if (m_t.ident(first, "const") || m_t.ident(first, "let") || m_t.ident(first, "var")) {
                ++first;
              }
              loop.variable = m_t.text(first, j - 1);
              loop.iterable = m_t.text(j + 1, close - 1);
              loop.iterable_tokens = {j + 1, close - 1};
              break;
            }
            const std::size_t inner = m_t.close_of(j);
            j = inner != k_npos ? inner : j;
          }
        }
        m_out.push_back(std::move(loop));
      } else if (!member && m_t.ident(i, "do") && m_t.punct(i + 1, "{")) {
        m_out.push_back({i + 1, m_t.body_end(i + 1), i, "do...while", {}, {}, {1, 0}, {}, 0});
      } else if (member && m_t.punct(i + 1, "(") && i >= 2) {
        static const std::set<std::string, std::less<>> k_methods = {"map",    "forEach", "flatMap", "reduce",
                                                                     "filter", "some",    "every"};
        if (k_methods.count(m_t.tok(i).text) == 0) {
          continue;
        }
        const std::size_t close = m_t.close_of(i + 1);
        if (close == k_npos) {
          continue;
        }
        LoopInfo loop{i + 1, close, i, "." + m_t.tok(i).text, {}, {}, {1, 0}, {}, 0};
        const std::size_t receiver = receiver_start(i - 2);
        loop.iterable = m_t.text(receiver, i - 2);
        loop.iterable_tokens = {receiver, i - 2};
        // The callback's first parameter: `(post) =>`, `async (post) =>`, `post =>`.
        std::size_t p = i + 2;
        if (m_t.ident(p, "async")) {
          ++p;
        }
        if (m_t.punct(p, "(") && m_t.ident(p + 1)) {
          loop.variable = m_t.tok(p + 1).text;
        } else if (m_t.ident(p) && m_t.punct(p + 1, "=>")) {
          loop.variable = m_t.tok(p).text;
        }
        if (receiver >= 4 && m_t.punct(receiver - 1, "(") && m_t.ident(receiver - 2, "all") &&
            m_t.punct(receiver - 3, ".") && m_t.ident(receiver - 4, "Promise")) {
          loop.kind = "Promise.all(." + m_t.tok(i).text + ")";
          loop.keyword = receiver - 4; // the finding sits at `Promise.all(`
        }
        m_out.push_back(std::move(loop));
      }
    }
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
    loop.constant = reader.constant_array(loop.iterable_tokens);
  }
  return loops;
}

} // namespace pgadvise::loaders::scan
