#include "loaders/project/query_call_sites.hpp"

#include <limits>

namespace pgadvise::loaders::scan {

namespace {

constexpr std::size_t k_npos = k_no_token;

class CallSiteReader {
public:
  CallSiteReader(const TokenReader& tokens, const std::set<std::size_t>& function_names,
                 std::vector<CallSite>& out)
      : m_t(tokens), m_function_names(function_names), m_out(out) {}

  // Calls of named functions and methods: `f(`, `a.f(`, `this.a.f(`.
  void read() {
    for (std::size_t i = 0; i + 1 < m_t.size(); ++i) {
      if (!m_t.ident(i) || !m_t.punct(i + 1, "(") || m_function_names.count(i) > 0 ||
          is_control_word(m_t.tok(i))) {
        continue;
      }
      std::size_t first = i;
      std::vector<std::string> path; // from the call back to the receiver's root
      path.push_back(std::string(m_t.tok(i).text));
      while (first >= 2 && (m_t.punct(first - 1, ".") || m_t.punct(first - 1, "?."))) {
        if (m_t.ident(first - 2)) {
          first -= 2;
          path.push_back(std::string(m_t.tok(first).text));
        } else if (const std::size_t key = keyed_get(first - 2); key != k_npos) {
          path.push_back(m_t.text(key - 2, first - 2)); // `c.get("orders").find(`: the store's key
          first = key - 2;
        } else {
          break;
        }
      }
      if (first >= 1 && (m_t.punct(first - 1, ".") || m_t.punct(first - 1, "?.") ||
                         m_t.ident(first - 1, "new") || m_t.ident(first - 1, "function"))) {
        continue; // `f().g(`: a receiver no name leads to; `new X(`; a declaration
      }
      const std::size_t close = m_t.close_of(i + 1);
      if (close == k_npos || m_t.punct(close + 1, "{") || m_t.punct(close + 1, "=>")) {
        continue; // a declaration's parameters
      }
      CallSite site;
      site.path.assign(path.rbegin(), path.rend());
      site.token = i;
      site.location = m_t.where(i);
      const ts::Token& name = m_t.tok(i);
      const ts::Token& end = m_t.tok(close);
      if (end.offset + end.length <= std::numeric_limits<std::uint32_t>::max()) {
        site.offset = static_cast<std::uint32_t>(name.offset);
        site.length = static_cast<std::uint32_t>(end.offset + end.length - name.offset);
      }
      m_out.push_back(std::move(site));
    }
  }

private:
  // `get("key")` ending with the `)` at `close`, after a receiver (`c.get("orders")`):
  // the key's token; k_npos otherwise.
  [[nodiscard]] std::size_t keyed_get(std::size_t close) const {
    const std::size_t key = close - 1;
    return close >= 5 && m_t.punct(close, ")") && m_t.tok(key).kind == ts::TokenKind::string &&
                   m_t.punct(key - 1, "(") && m_t.ident(key - 2, "get") && m_t.punct(key - 3, ".") &&
                   m_t.ident(key - 4)
               ? key
               : k_npos;
  }

  const TokenReader& m_t;
  const std::set<std::size_t>& m_function_names;
  std::vector<CallSite>& m_out;
};

// An argument's text, and its properties when it is an object literal.
Argument argument(const TokenReader& t, TokenRange range) {
  Argument out{t.text(range), {}};
  if (!t.punct(range.first, "{") || t.close_of(range.first) != range.last) {
    return out;
  }
  for (std::size_t i = range.first + 1; i < range.last; ++i) {
    const bool starts = t.punct(i - 1, "{") || t.punct(i - 1, ",");
    if (starts && t.ident(i) && t.punct(i + 1, ":")) {
      std::size_t end = i + 2;
      while (end < range.last && !t.punct(end, ",")) {
        const std::size_t close = t.close_of(end);
        end = (close != k_npos ? close : end) + 1;
      }
      out.properties.emplace_back(t.tok(i).text, t.text(i + 2, end - 1));
      i = end - 1;
      continue;
    }
    if (starts && t.ident(i) && (t.punct(i + 1, ",") || i + 1 == range.last)) {
      out.properties.emplace_back(t.tok(i).text, t.tok(i).text); // shorthand
      continue;
    }
    const std::size_t close = t.close_of(i);
    i = close != k_npos && close < range.last ? close : i;
  }
  return out;
}

} // namespace

std::vector<CallSite> read_call_sites(const TokenReader& tokens,
                                      const std::set<std::size_t>& function_names) {
  std::vector<CallSite> sites;
  CallSiteReader(tokens, function_names, sites).read();
  return sites;
}

std::vector<Argument> read_arguments(const TokenReader& tokens, std::size_t name) {
  std::vector<Argument> out;
  for (const TokenRange& part : tokens.parts(name + 1)) {
    out.push_back(argument(tokens, part));
  }
  return out;
}

} // namespace pgadvise::loaders::scan
