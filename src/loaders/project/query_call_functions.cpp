#include "loaders/project/query_call_functions.hpp"

#include <algorithm>

namespace pgadvise::loaders::scan {

namespace {

using ts::Token;
using ts::TokenKind;

constexpr std::size_t k_npos = k_no_token;

class FunctionReader {
public:
  FunctionReader(const TokenReader& tokens, const std::vector<ClassInfo>& classes, FunctionReading& out)
      : m_t(tokens), m_classes(classes), m_out(out) {}

  void read() {
    for (std::size_t i = 0; i < m_t.size(); ++i) {
      if (m_t.ident(i, "function") && !(i > 0 && m_t.punct(i - 1, "."))) {
        // `function name(...): Type {`: the body is the first brace after the parameters.
        std::size_t open = i + 1;
        if (m_t.punct(open, "*")) {
          ++open;
        }
        const std::size_t name = m_t.ident(open) ? open : k_npos;
        open += m_t.ident(open) ? 1U : 0U;
        std::size_t j = m_t.punct(open, "(") ? m_t.close_of(open) : k_npos;
        if (j == k_npos) {
          continue;
        }
        for (++j;
             j < m_t.size() && !m_t.punct(j, "{") && !m_t.punct(j, ";") && m_t.tok(j).kind != TokenKind::end;
             ++j) {
          const std::size_t close = m_t.close_of(j);
          j = close != k_npos && !m_t.punct(j, "{") ? close : j;
        }
        if (m_t.punct(j, "{")) {
          FunctionInfo function;
          function.begin = j;
          function.end = m_t.body_end(j);
          function.name = name != k_npos ? m_t.tok(name).text : std::string();
          function.name_token = name;
          function.handler = handler_argument(i > 0 && m_t.ident(i - 1, "async") ? i - 1 : i);
          // `const name = function (...) {`
          if (name == k_npos && i >= 2 && m_t.punct(i - 1, "=") && m_t.ident(i - 2)) {
            function.name = m_t.tok(i - 2).text;
            function.name_token = i - 2;
          }
          add_function(std::move(function), open);
        }
      } else if (m_t.punct(i, "=>")) {
        arrow(i);
      } else if (m_t.punct(i, "{")) {
        const std::size_t params = method_params(m_t, i);
        if (params == k_npos || params == 0 || !m_t.ident(params - 1)) {
          continue;
        }
        const bool declared =
            (params >= 2 && m_t.ident(params - 2, "function")) ||
            (params >= 3 && m_t.punct(params - 2, "*") && m_t.ident(params - 3, "function"));
        if (is_control_word(m_t.tok(params - 1)) || declared) {
          continue; // control flow; a `function` (or `function*`) declaration is read above
        }
        FunctionInfo function;
        function.begin = i;
        function.end = m_t.body_end(i);
        function.name = m_t.tok(params - 1).text;
        function.name_token = params - 1;
        add_function(std::move(function), params);
      }
    }
  }

  // An arrow function at `=>`: its parameters, its name when it is bound
  // to one (`const name = async (..): T =>`, `name: (..) =>`), and whether
  // it is the callback of `<db>.transaction(`.
  void arrow(std::size_t i) {
    std::size_t params = k_npos;
    for (std::size_t j = i; j > 0 && j + 40 > i; --j) {
      if (m_t.punct(j - 1, ")") && m_t.open_of(j - 1) != k_npos && (j == i || m_t.punct(j, ":"))) {
        params = m_t.open_of(j - 1);
        break;
      }
    }
    std::size_t p = i;
    std::vector<std::string> names;
    if (params != k_npos) {
      p = params;
    } else if (p > 0 && m_t.ident(p - 1)) {
      p = p - 1; // `x => ...`
      names.push_back(std::string(m_t.tok(p).text));
    } else if (p > 0) {
      p = p - 1;
    }
    if (p > 0 && m_t.ident(p - 1, "async")) {
      --p;
    }
    FunctionInfo function;
    function.begin = i + 1;
    function.end = m_t.punct(i + 1, "{") ? m_t.body_end(i + 1) : m_t.expression_end(i + 1, m_t.size());
    const std::size_t wrapped = wrapper_name(p);
    if (p >= 2 && (m_t.punct(p - 1, "=") || m_t.punct(p - 1, ":")) && m_t.ident(p - 2)) {
      function.name = m_t.tok(p - 2).text;
      function.name_token = p - 2;
    } else if (wrapped != k_npos) {
      function.name = m_t.tok(wrapped).text;
      function.name_token = wrapped;
    } else if (p >= 2 && m_t.punct(p - 1, "=")) {
      // `const name: Type = (...) =>`
      for (std::size_t j = p - 1; j > 0 && j + 30 > p; --j) {
        if ((m_t.ident(j - 1, "const") || m_t.ident(j - 1, "let") || m_t.ident(j - 1, "var")) &&
            m_t.ident(j)) {
          function.name = m_t.tok(j).text;
          function.name_token = j;
          break;
        }
      }
    }
    function.transaction = p >= 3 && m_t.punct(p - 1, "(") && m_t.ident(p - 2, "transaction") &&
                           (m_t.punct(p - 3, ".") || m_t.punct(p - 3, "?."));
    function.handler = handler_argument(p);
    function.params = std::move(names);
    add_function(std::move(function), params);
  }

  // The function starting at `p` is an argument of a router's or an
  // emitter's registration: `.get(`, `.post(`, `.on(`, `.use(`, ...
  [[nodiscard]] bool handler_argument(std::size_t p) const {
    static const std::set<std::string, std::less<>> k_registrations = {
        "get",    "post",     "put", "patch", "delete", "all",       "options", "head",
        "on",     "once",     "use", "route", "handle", "subscribe", "process", "addEventListener",
        "listen", "schedule", "cron"};
    const std::size_t open = m_t.enclosing(p);
    return open != k_npos && open >= 2 && m_t.punct(open, "(") && m_t.ident(open - 1) &&
           (m_t.punct(open - 2, ".") || m_t.punct(open - 2, "?.")) &&
           k_registrations.count(m_t.tok(open - 1).text) > 0;
  }

  // `const name = cache(async (..) =>` (React's cache, unstable_cache, a
  // memoizer; `React.cache(`): the arrow at `p` is the first argument of a
  // call that is the whole initializer of `name`, which calls it. The
  // name's token, or k_no_token.
  [[nodiscard]] std::size_t wrapper_name(std::size_t p) const {
    if (p < 4 || !m_t.punct(p - 1, "(") || !m_t.ident(p - 2)) {
      return k_npos;
    }
    std::size_t before = p - 3;
    if (before >= 2 && m_t.punct(before, ".") && m_t.ident(before - 1)) {
      before -= 2;
    }
    return before >= 1 && m_t.punct(before, "=") && m_t.ident(before - 1) &&
                   (before < 2 || !m_t.punct(before - 2, "."))
               ? before - 1
               : k_npos;
  }

  void add_function(FunctionInfo function, std::size_t params_open) {
    if (params_open != k_npos && m_t.punct(params_open, "(")) {
      function.params = param_names(params_open);
      const std::vector<TokenRange> parts = m_t.parts(params_open);
      for (std::size_t i = 0; i < parts.size(); ++i) {
        if (m_t.punct(parts[i].first, "{")) {
          read_pattern(parts[i].first, i, function.destructured);
        }
      }
    }
    read_body_destructuring(function);
    if (function.name_token != k_npos) {
      function.name_location = m_t.where(function.name_token);
      m_out.name_tokens.insert(function.name_token);
      function.container = container_of(m_t.enclosing(function.name_token));
    }
    m_out.functions.push_back(std::move(function));
  }

  // An object pattern `{ a, b: c, d = 1, ...rest }` at `open`, of the
  // parameter at `position`: a -> a, c -> b, d -> d (a rest is no property).
  void read_pattern(std::size_t open, std::size_t position,
                    std::map<std::string, std::pair<std::size_t, std::string>>& out) const {
    if (m_t.close_of(open) == k_npos) {
      return;
    }
    for (const TokenRange& part : m_t.parts(open)) {
      const std::size_t j = part.first;
      if (!m_t.ident(j)) {
        continue;
      }
      if (m_t.punct(j + 1, ":") && m_t.ident(j + 2) && (j + 2 == part.last || m_t.punct(j + 3, "="))) {
        out.try_emplace(std::string(m_t.tok(j + 2).text), position, std::string(m_t.tok(j).text));
      } else if (j == part.last || m_t.punct(j + 1, "=")) {
        out.try_emplace(std::string(m_t.tok(j).text), position, std::string(m_t.tok(j).text));
      }
    }
  }

  // `const { id, teamId } = params;` directly in a function's body (not in
  // a nested block), for a parameter `params`.
  void read_body_destructuring(FunctionInfo& function) const {
    if (!m_t.punct(function.begin, "{") || function.params.empty()) {
      return;
    }
    const std::size_t end = std::min(function.end, m_t.size() - 1);
    for (std::size_t i = function.begin + 1; i + 3 < end; ++i) {
      if (m_t.enclosing(i) != function.begin) {
        continue;
      }
      if (!(m_t.ident(i, "const") || m_t.ident(i, "let")) || !m_t.punct(i + 1, "{")) {
        continue;
      }
      const std::size_t close = m_t.close_of(i + 1);
      if (close == k_npos || !m_t.punct(close + 1, "=") || !m_t.ident(close + 2) ||
          !(m_t.punct(close + 3, ";") || m_t.tok(close + 3).line > m_t.tok(close + 2).line ||
            m_t.punct(close + 3, "}"))) {
        continue;
      }
      const auto param = std::find(function.params.begin(), function.params.end(), m_t.tok(close + 2).text);
      if (param != function.params.end() && !param->empty()) {
        read_pattern(i + 1, static_cast<std::size_t>(param - function.params.begin()), function.destructured);
      }
    }
  }

  // Parameter names of the list at `open` (modifiers and `...` skipped;
  // a destructured parameter has no name).
  [[nodiscard]] std::vector<std::string> param_names(std::size_t open) const {
    std::vector<std::string> out;
    for (const TokenRange& part : m_t.parts(open)) {
      std::size_t i = part.first;
      while (i < part.last && is_modifier(m_t.tok(i)) && m_t.ident(i + 1)) {
        ++i;
      }
      if (m_t.punct(i, "...")) {
        ++i;
      }
      out.push_back(m_t.ident(i) ? std::string(m_t.tok(i).text) : std::string());
    }
    return out;
  }

  // The name of the class or object literal whose body the brace at `open` is.
  [[nodiscard]] std::string container_of(std::size_t open) const {
    if (open == k_npos || !m_t.punct(open, "{") || open == 0) {
      return {};
    }
    if (const ClassInfo* info = class_at(m_classes, open + 1); info != nullptr && info->begin == open) {
      return info->name;
    }
    if (m_t.ident(open - 1, "default") && open >= 2 && m_t.ident(open - 2, "export")) {
      return "default";
    }
    if (m_t.punct(open - 1, "=")) {
      // `const name = {`, `const name: Type = {`, `name = {`
      for (std::size_t j = open - 1; j > 0 && j + 30 > open; --j) {
        if ((m_t.ident(j - 1, "const") || m_t.ident(j - 1, "let") || m_t.ident(j - 1, "var")) &&
            m_t.ident(j)) {
          return std::string(m_t.tok(j).text);
        }
      }
      if (open >= 2 && m_t.ident(open - 2)) {
        return std::string(m_t.tok(open - 2).text);
      }
    }
    return {};
  }

private:
  const TokenReader& m_t;
  const std::vector<ClassInfo>& m_classes;
  FunctionReading& m_out;
};

} // namespace

FunctionReading read_functions(const TokenReader& tokens, const std::vector<ClassInfo>& classes) {
  FunctionReading out;
  FunctionReader(tokens, classes, out).read();
  return out;
}

std::size_t method_params(const TokenReader& tokens, std::size_t brace) {
  if (brace == 0) {
    return k_npos;
  }
  if (tokens.punct(brace - 1, ")")) {
    return tokens.open_of(brace - 1);
  }
  // A return type: walk back over it to `):`.
  std::size_t j = brace - 1;
  for (std::size_t steps = 0; steps < 60 && j > 1; ++steps) {
    if (tokens.punct(j, ":") && tokens.punct(j - 1, ")")) {
      return tokens.open_of(j - 1);
    }
    const Token& t = tokens.tok(j);
    const bool type_token = tokens.ident(j) || t.is_punct(".") || t.is_punct("<") || t.is_punct(">") ||
                            t.is_punct(">>") || t.is_punct(",") || t.is_punct("|") || t.is_punct("&") ||
                            t.is_punct("[") || t.is_punct("]") || t.is_punct("?") ||
                            t.kind == TokenKind::string;
    if ((tokens.punct(j, "}") || tokens.punct(j, ")")) && tokens.open_of(j) != k_npos) {
      j = tokens.open_of(j) - 1;
      continue;
    }
    if (!type_token) {
      return k_npos;
    }
    --j;
  }
  return k_npos;
}

} // namespace pgadvise::loaders::scan
