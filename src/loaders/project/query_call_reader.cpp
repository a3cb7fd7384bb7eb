#include "loaders/project/query_call_reader.hpp"

#include "core/json_string.hpp"

#include <algorithm>
#include <set>

namespace pgadvise::loaders::scan {

using ts::Token;
using ts::TokenKind;

namespace {

constexpr std::size_t k_npos = k_no_token;

const std::set<std::string, std::less<>>& control_words() {
  static const std::set<std::string, std::less<>> k_words = {
      "if",  "for", "while", "switch", "catch",  "with", "await", "return", "typeof", "function", "async",
      "new", "do",  "else",  "void",   "delete", "in",   "of",    "yield",  "super",  "import"};
  return k_words;
}

bool modifier(const Token& t) {
  return t.kind == TokenKind::identifier &&
         (t.text == "private" || t.text == "public" || t.text == "protected" || t.text == "readonly" ||
          t.text == "static" || t.text == "declare" || t.text == "override" || t.text == "abstract");
}

} // namespace

// Reads one file's tokens into its FileIndex.
class FileIndexBuilder {
public:
  FileIndexBuilder(FileIndex& index, const ts::Program& program)
      : m_index(index), m_tokens(program.lex.tokens) {
    m_index.m_imports = program.imports;
  }

  void build() {
    for (const ts::Import& import : m_index.m_imports) {
      m_imported.insert(import.local);
      if (import.imported == "*" || import.imported == "default") {
        m_namespaces.insert(import.local);
      } else {
        m_aliases[import.local] = import.imported;
      }
    }
    match_brackets();
    find_type_imports();
    find_classes();
    find_functions();
    find_loops();
    for (LoopInfo& loop : m_index.m_loops) {
      loop.location = where(loop.keyword);
      loop.constant = constant_array(loop.iterable_tokens);
    }
    std::stable_sort(m_index.m_functions.begin(), m_index.m_functions.end(),
                     [](const FunctionInfo& a, const FunctionInfo& b) { return a.begin < b.begin; });
    std::stable_sort(m_index.m_loops.begin(), m_index.m_loops.end(),
                     [](const LoopInfo& a, const LoopInfo& b) { return a.begin < b.begin; });
    paint();
    find_calls();
    find_sites();
    find_fields();
    find_relations();
  }

private:
  FileIndex& m_index;
  const std::vector<Token>& m_tokens;
  std::vector<std::size_t> m_match;   // the matching bracket of each bracket token
  std::vector<std::size_t> m_open_of; // the innermost open bracket around each token
  std::map<std::string, std::string> m_aliases;
  std::set<std::string, std::less<>> m_namespaces;
  std::set<std::string, std::less<>> m_imported;
  std::set<std::size_t> m_function_names; // name tokens of declared functions and methods

  [[nodiscard]] const Token& tok(std::size_t i) const {
    return i < m_tokens.size() ? m_tokens[i] : m_tokens.back(); // the end token
  }
  [[nodiscard]] bool punct(std::size_t i, std::string_view s) const { return tok(i).is_punct(s); }
  [[nodiscard]] bool ident(std::size_t i) const { return tok(i).kind == TokenKind::identifier; }
  [[nodiscard]] bool ident(std::size_t i, std::string_view s) const { return tok(i).is_ident(s); }
  [[nodiscard]] core::SourceLocation where(std::size_t token) const {
    const Token& t = tok(token);
    return {m_index.m_path, t.line, t.column};
  }

  // The source text of tokens [first, last] (strings quoted).
  [[nodiscard]] std::string text(std::size_t first, std::size_t last) const {
    if (first > last || last >= m_tokens.size()) {
      return {};
    }
    std::string out;
    for (std::size_t i = first; i <= last; ++i) {
      if (i > first && m_tokens[i].offset > m_tokens[i - 1].offset + m_tokens[i - 1].length) {
        out += ' ';
      }
      out += m_tokens[i].kind == TokenKind::string ? core::quote_json_string(m_tokens[i].text)
                                                   : m_tokens[i].text;
    }
    return out;
  }
  [[nodiscard]] std::string text(TokenRange range) const { return text(range.first, range.last); }

  // Template substitutions are brackets too: `${` opens, `}` (middle/tail) closes.
  void match_brackets() {
    std::vector<std::size_t>& match = m_match;
    match.assign(m_tokens.size(), k_npos);
    m_open_of.assign(m_tokens.size(), k_npos);
    std::vector<std::size_t> stack;
    for (std::size_t i = 0; i < m_tokens.size(); ++i) {
      const Token& t = m_tokens[i];
      const bool opens = (t.kind == TokenKind::punct && (t.text == "(" || t.text == "[" || t.text == "{")) ||
                         t.kind == TokenKind::template_head;
      const bool closes = (t.kind == TokenKind::punct && (t.text == ")" || t.text == "]" || t.text == "}")) ||
                          t.kind == TokenKind::template_tail || t.kind == TokenKind::template_middle;
      if (closes && !stack.empty()) {
        match[stack.back()] = i;
        match[i] = stack.back();
        stack.pop_back();
      }
      m_open_of[i] = stack.empty() ? k_npos : stack.back();
      if (opens || t.kind == TokenKind::template_middle) {
        stack.push_back(i);
      }
    }
  }

  [[nodiscard]] std::size_t close_of(std::size_t open) const {
    const std::vector<std::size_t>& match = m_match;
    return open < match.size() && match[open] != k_npos && match[open] > open ? match[open] : k_npos;
  }
  [[nodiscard]] std::size_t open_of(std::size_t close) const {
    const std::vector<std::size_t>& match = m_match;
    return close < match.size() && match[close] != k_npos && match[close] < close ? match[close] : k_npos;
  }

  // The end of the expression starting at `i`: the token before the first
  // `,` `;` or unmatched closing bracket at its depth.
  [[nodiscard]] std::size_t expression_end(std::size_t i, std::size_t limit) const {
    std::size_t last = i;
    while (i <= limit && i < m_tokens.size() && tok(i).kind != TokenKind::end) {
      if (punct(i, ",") || punct(i, ";") || punct(i, ")") || punct(i, "]") || punct(i, "}")) {
        break;
      }
      const std::size_t close = close_of(i);
      last = close != k_npos ? close : i;
      i = last + 1;
    }
    return last;
  }

  // The statement or block after a loop header.
  [[nodiscard]] std::size_t body_end(std::size_t begin) const {
    if (punct(begin, "{")) {
      const std::size_t close = close_of(begin);
      return close != k_npos ? close : begin;
    }
    std::size_t i = begin;
    while (i < m_tokens.size() && tok(i).kind != TokenKind::end && !punct(i, ";") && !punct(i, "}")) {
      const std::size_t close = close_of(i);
      i = (close != k_npos ? close : i) + 1;
    }
    return i;
  }

  // `a.b.c` or `a?.b` (and calls in it) ending at `last`: the receiver of `.map`.
  [[nodiscard]] std::size_t receiver_start(std::size_t last) const {
    std::size_t i = last;
    while (true) {
      if ((punct(i, ")") || punct(i, "]")) && open_of(i) != k_npos) {
        i = open_of(i);
        if (i > 0 && ident(i - 1)) {
          --i;
        } else {
          return i;
        }
      }
      if (!ident(i) && !punct(i, ")")) {
        return i;
      }
      if (i >= 2 && (punct(i - 1, ".") || punct(i - 1, "?.")) && (ident(i - 2) || punct(i - 2, ")"))) {
        i -= 2;
        continue;
      }
      return i;
    }
  }

  // Comma-separated parts of the bracket at `open`.
  [[nodiscard]] std::vector<TokenRange> parts(std::size_t open) const {
    std::vector<TokenRange> out;
    const std::size_t close = close_of(open);
    if (close == k_npos || close == open + 1) {
      return out;
    }
    std::size_t first = open + 1;
    for (std::size_t i = open + 1; i <= close; ++i) {
      if (i == close || punct(i, ",")) {
        if (i > first) {
          out.push_back({first, i - 1});
        }
        first = i + 1;
        continue;
      }
      const std::size_t inner = close_of(i);
      i = inner != k_npos && inner < close ? inner : i;
    }
    return out;
  }

  // Parameter names of the list at `open` (modifiers and `...` skipped;
  // a destructured parameter has no name).
  [[nodiscard]] std::vector<std::string> param_names(std::size_t open) const {
    std::vector<std::string> out;
    for (const TokenRange& part : parts(open)) {
      std::size_t i = part.first;
      while (i < part.last && modifier(tok(i)) && ident(i + 1)) {
        ++i;
      }
      if (punct(i, "...")) {
        ++i;
      }
      out.push_back(ident(i) ? tok(i).text : std::string());
    }
    return out;
  }

  // An argument's text, and its properties when it is an object literal.
  [[nodiscard]] Argument argument(TokenRange range) const {
    Argument out{text(range), {}};
    if (!punct(range.first, "{") || close_of(range.first) != range.last) {
      return out;
    }
    for (std::size_t i = range.first + 1; i < range.last; ++i) {
      const bool starts = punct(i - 1, "{") || punct(i - 1, ",");
      if (starts && ident(i) && punct(i + 1, ":")) {
        std::size_t end = i + 2;
        while (end < range.last && !punct(end, ",")) {
          const std::size_t close = close_of(end);
          end = (close != k_npos ? close : end) + 1;
        }
        out.properties.emplace_back(tok(i).text, text(i + 2, end - 1));
        i = end - 1;
        continue;
      }
      if (starts && ident(i) && (punct(i + 1, ",") || i + 1 == range.last)) {
        out.properties.emplace_back(tok(i).text, tok(i).text); // shorthand
        continue;
      }
      const std::size_t close = close_of(i);
      i = close != k_npos && close < range.last ? close : i;
    }
    return out;
  }

  // The element count of a constant array literal at [first, last] (strings,
  // numbers, booleans; `as const` allowed); 0 when it is not one.
  [[nodiscard]] std::size_t constant_array(TokenRange range) const {
    if (range.first > range.last || range.last >= m_tokens.size() || !punct(range.first, "[")) {
      return 0;
    }
    const std::size_t close = close_of(range.first);
    if (close == k_npos || close > range.last) {
      return 0;
    }
    // Only `as const` may follow the literal.
    if (close != range.last &&
        !(close + 2 == range.last && ident(close + 1, "as") && ident(close + 2, "const"))) {
      return 0;
    }
    std::size_t count = 0;
    bool expect_value = true;
    for (std::size_t i = range.first + 1; i < close; ++i) {
      const Token& t = tok(i);
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

  // The name of the class or object literal whose body the brace at `open` is.
  [[nodiscard]] std::string container_of(std::size_t open) const {
    if (open == k_npos || !punct(open, "{") || open == 0) {
      return {};
    }
    if (const ClassInfo* info = m_index.class_at(open + 1); info != nullptr && info->begin == open) {
      return info->name;
    }
    if (ident(open - 1, "default") && open >= 2 && ident(open - 2, "export")) {
      return "default";
    }
    if (punct(open - 1, "=")) {
      // `const name = {`, `const name: Type = {`, `name = {`
      for (std::size_t j = open - 1; j > 0 && j + 30 > open; --j) {
        if ((ident(j - 1, "const") || ident(j - 1, "let") || ident(j - 1, "var")) && ident(j)) {
          return tok(j).text;
        }
      }
      if (open >= 2 && ident(open - 2)) {
        return tok(open - 2).text;
      }
    }
    return {};
  }

  // `import type { A } from "m"` and `import { type A } from "m"`.
  void find_type_imports() {
    for (std::size_t i = 0; i + 3 < m_tokens.size(); ++i) {
      if (!ident(i, "import") || (i > 0 && (punct(i - 1, ".") || ident(i - 1)))) {
        continue;
      }
      const bool all_types = ident(i + 1, "type") && punct(i + 2, "{");
      const std::size_t open = all_types ? i + 2 : (punct(i + 1, "{") ? i + 1 : k_npos);
      const std::size_t close = open == k_npos ? k_npos : close_of(open);
      if (close == k_npos || !ident(close + 1, "from") || tok(close + 2).kind != TokenKind::string) {
        continue;
      }
      const std::string& module = tok(close + 2).text;
      for (const TokenRange& part : parts(open)) {
        std::size_t j = part.first;
        const bool typed = all_types || (ident(j, "type") && j < part.last);
        if (!typed) {
          continue;
        }
        j += ident(j, "type") && j < part.last ? 1U : 0U;
        if (!ident(j)) {
          continue;
        }
        TypeImport import{tok(j).text, tok(j).text, module};
        if (j + 2 <= part.last && ident(j + 1, "as") && ident(j + 2)) {
          import.local = tok(j + 2).text;
        }
        m_index.m_type_imports.push_back(std::move(import));
      }
    }
  }

  void find_classes() {
    for (std::size_t i = 0; i + 1 < m_tokens.size(); ++i) {
      if (!ident(i, "class") || (i > 0 && (punct(i - 1, ".") || punct(i - 1, "?.")))) {
        continue;
      }
      std::size_t j = i + 1;
      std::string name = "default";
      if (ident(j) && !ident(j, "extends") && !ident(j, "implements")) {
        name = tok(j).text;
        ++j;
      }
      // The heritage clause, up to the body.
      for (std::size_t k = 0; k < 40 && !punct(j, "{") && tok(j).kind != TokenKind::end; ++k) {
        const std::size_t close = close_of(j);
        j = (close != k_npos ? close : j) + 1;
      }
      if (!punct(j, "{") || close_of(j) == k_npos) {
        continue;
      }
      if (name == "default" && !(i > 0 && ident(i - 1, "default"))) {
        continue; // a class expression without a name
      }
      m_index.m_classes.push_back({name, j, close_of(j), {}});
    }
  }

  // The `(` of a method's parameters when the brace at `brace` is its body:
  // `name(...) {` or `name(...): Type {`.
  [[nodiscard]] std::size_t method_params(std::size_t brace) const {
    if (brace == 0) {
      return k_npos;
    }
    if (punct(brace - 1, ")")) {
      return open_of(brace - 1);
    }
    // A return type: walk back over it to `):`.
    std::size_t j = brace - 1;
    for (std::size_t steps = 0; steps < 60 && j > 1; ++steps) {
      if (punct(j, ":") && punct(j - 1, ")")) {
        return open_of(j - 1);
      }
      const Token& t = tok(j);
      const bool type_token =
          ident(j) ||
          (t.kind == TokenKind::punct &&
           (t.text == "." || t.text == "<" || t.text == ">" || t.text == ">>" || t.text == "," ||
            t.text == "|" || t.text == "&" || t.text == "[" || t.text == "]" || t.text == "?")) ||
          t.kind == TokenKind::string;
      if ((punct(j, "}") || punct(j, ")")) && open_of(j) != k_npos) {
        j = open_of(j) - 1;
        continue;
      }
      if (!type_token) {
        return k_npos;
      }
      --j;
    }
    return k_npos;
  }

  void add_function(FunctionInfo function, std::size_t params_open) {
    if (params_open != k_npos && punct(params_open, "(")) {
      function.params = param_names(params_open);
    }
    if (function.name_token != k_npos) {
      function.name_location = where(function.name_token);
      m_function_names.insert(function.name_token);
      function.container = container_of(m_open_of[function.name_token]);
    }
    m_index.m_functions.push_back(std::move(function));
  }

  void find_functions() {
    for (std::size_t i = 0; i < m_tokens.size(); ++i) {
      if (ident(i, "function") && !(i > 0 && punct(i - 1, "."))) {
        // `function name(...): Type {`: the body is the first brace after the parameters.
        std::size_t open = i + 1;
        if (punct(open, "*")) {
          ++open;
        }
        const std::size_t name = ident(open) ? open : k_npos;
        open += ident(open) ? 1U : 0U;
        std::size_t j = punct(open, "(") ? close_of(open) : k_npos;
        if (j == k_npos) {
          continue;
        }
        for (++j; j < m_tokens.size() && !punct(j, "{") && !punct(j, ";") && tok(j).kind != TokenKind::end;
             ++j) {
          const std::size_t close = close_of(j);
          j = close != k_npos && !punct(j, "{") ? close : j;
        }
        if (punct(j, "{")) {
          FunctionInfo function;
          function.begin = j;
          function.end = body_end(j);
          function.name = name != k_npos ? tok(name).text : std::string();
          function.name_token = name;
          // `const name = function (...) {`
          if (name == k_npos && i >= 2 && punct(i - 1, "=") && ident(i - 2)) {
            function.name = tok(i - 2).text;
            function.name_token = i - 2;
          }
          add_function(std::move(function), open);
        }
      } else if (punct(i, "=>")) {
        arrow(i);
      } else if (punct(i, "{")) {
        const std::size_t params = method_params(i);
        if (params == k_npos || params == 0 || !ident(params - 1)) {
          continue;
        }
        const std::string& before = tok(params - 1).text;
        if (control_words().count(before) > 0 || (params >= 2 && ident(params - 2, "function"))) {
          continue; // control flow; a `function` declaration is read above
        }
        FunctionInfo function;
        function.begin = i;
        function.end = body_end(i);
        function.name = before;
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
      if (punct(j - 1, ")") && open_of(j - 1) != k_npos && (j == i || punct(j, ":"))) {
        params = open_of(j - 1);
        break;
      }
    }
    std::size_t p = i;
    std::vector<std::string> names;
    if (params != k_npos) {
      p = params;
    } else if (p > 0 && ident(p - 1)) {
      p = p - 1; // `x => ...`
      names.push_back(tok(p).text);
    } else if (p > 0) {
      p = p - 1;
    }
    if (p > 0 && ident(p - 1, "async")) {
      --p;
    }
    FunctionInfo function;
    function.begin = i + 1;
    function.end = punct(i + 1, "{") ? body_end(i + 1) : expression_end(i + 1, m_tokens.size());
    if (p >= 2 && (punct(p - 1, "=") || punct(p - 1, ":")) && ident(p - 2)) {
      function.name = tok(p - 2).text;
      function.name_token = p - 2;
    } else if (p >= 2 && punct(p - 1, "=")) {
      // `const name: Type = (...) =>`
      for (std::size_t j = p - 1; j > 0 && j + 30 > p; --j) {
        if ((ident(j - 1, "const") || ident(j - 1, "let") || ident(j - 1, "var")) && ident(j)) {
          function.name = tok(j).text;
          function.name_token = j;
          break;
        }
      }
    }
    function.transaction = p >= 3 && punct(p - 1, "(") && ident(p - 2, "transaction") &&
                           (punct(p - 3, ".") || punct(p - 3, "?."));
    function.params = std::move(names);
    add_function(std::move(function), params);
  }

  void find_loops() {
    for (std::size_t i = 0; i + 1 < m_tokens.size(); ++i) {
      const bool member = i > 0 && (punct(i - 1, ".") || punct(i - 1, "?."));
      if (!member && (ident(i, "for") || ident(i, "while"))) {
        std::size_t open = i + 1;
        if (ident(open, "await")) {
          ++open;
        }
        const std::size_t close = punct(open, "(") ? close_of(open) : k_npos;
        if (close == k_npos) {
          continue;
        }
        LoopInfo loop{close + 1, body_end(close + 1), i, tok(i).text, {}, {}, {1, 0}, {}, 0};
        if (ident(i, "for")) {
          for (std::size_t j = open + 1; j < close; ++j) {
            if ((ident(j, "of") || ident(j, "in")) && j > open + 1) {
              loop.kind = "for..." + tok(j).text;
              std::size_t first = open + 1;
              if (ident(first, "const") || ident(first, "let") || ident(first, "var")) {
                ++first;
              }
              loop.variable = text(first, j - 1);
              loop.iterable = text(j + 1, close - 1);
              loop.iterable_tokens = {j + 1, close - 1};
              break;
            }
            const std::size_t inner = close_of(j);
            j = inner != k_npos ? inner : j;
          }
        }
        m_index.m_loops.push_back(std::move(loop));
      } else if (!member && ident(i, "do") && punct(i + 1, "{")) {
        m_index.m_loops.push_back({i + 1, body_end(i + 1), i, "do...while", {}, {}, {1, 0}, {}, 0});
      } else if (member && punct(i + 1, "(") && i >= 2) {
        static const std::set<std::string, std::less<>> k_methods = {"map",    "forEach", "flatMap", "reduce",
                                                                     "filter", "some",    "every"};
        if (k_methods.count(tok(i).text) == 0) {
          continue;
        }
        const std::size_t close = close_of(i + 1);
        if (close == k_npos) {
          continue;
        }
        LoopInfo loop{i + 1, close, i, "." + tok(i).text, {}, {}, {1, 0}, {}, 0};
        const std::size_t receiver = receiver_start(i - 2);
        loop.iterable = text(receiver, i - 2);
        loop.iterable_tokens = {receiver, i - 2};
        // The callback's first parameter: `(post) =>`, `async (post) =>`, `post =>`.
        std::size_t p = i + 2;
        if (ident(p, "async")) {
          ++p;
        }
        if (punct(p, "(") && ident(p + 1)) {
          loop.variable = tok(p + 1).text;
        } else if (ident(p) && punct(p + 1, "=>")) {
          loop.variable = tok(p).text;
        }
        if (receiver >= 4 && punct(receiver - 1, "(") && ident(receiver - 2, "all") &&
            punct(receiver - 3, ".") && ident(receiver - 4, "Promise")) {
          loop.kind = "Promise.all(." + tok(i).text + ")";
          loop.keyword = receiver - 4; // the finding sits at `Promise.all(`
        }
        m_index.m_loops.push_back(std::move(loop));
      }
    }
  }

  // Innermost function and loop of every token: intervals sorted by begin,
  // painted outer first so that inner ones overwrite them.
  void paint() {
    m_index.m_function_of.assign(m_tokens.size(), 0);
    m_index.m_loop_of.assign(m_tokens.size(), 0);
    const std::size_t n = m_tokens.size();
    for (std::size_t f = 0; f < m_index.m_functions.size(); ++f) {
      const FunctionInfo& function = m_index.m_functions[f];
      for (std::size_t t = function.begin; t <= function.end && t < n; ++t) {
        m_index.m_function_of[t] = static_cast<std::uint32_t>(f + 1);
      }
    }
    for (std::size_t l = 0; l < m_index.m_loops.size(); ++l) {
      const LoopInfo& loop = m_index.m_loops[l];
      for (std::size_t t = loop.begin; t <= loop.end && t < n; ++t) {
        m_index.m_loop_of[t] = static_cast<std::uint32_t>(l + 1);
      }
    }
  }

  // The exported table name a table expression (`users`, `u`, `schema.users`) stands for.
  [[nodiscard]] std::string table_name(std::size_t first, std::size_t last) const {
    if (first == last && ident(first)) {
      const auto alias = m_aliases.find(tok(first).text);
      return alias != m_aliases.end() ? alias->second : tok(first).text;
    }
    if (last == first + 2 && ident(first) && punct(first + 1, ".") && ident(last) &&
        m_imported.count(tok(first).text) > 0) {
      return tok(last).text;
    }
    return {};
  }

  // `eq(<object>.<column>, <value>)` inside [first, last], for objects that
  // name the call's table: its local names, or the where callback's parameter.
  void equalities(std::size_t first, std::size_t last, const std::set<std::string>& objects,
                  model::QueryCall& call) const {
    last = std::min(last, m_tokens.size() - 1); // an unclosed bracket reads to the end, no further
    for (std::size_t i = first; i + 5 <= last; ++i) {
      if (!ident(i, "eq") || !punct(i + 1, "(") || (i > 0 && punct(i - 1, "."))) {
        continue;
      }
      const std::size_t close = close_of(i + 1);
      std::size_t a = i + 2;
      if (close == k_npos) {
        continue;
      }
      // `schema.users.id`: the namespace is dropped.
      if (ident(a) && m_imported.count(tok(a).text) > 0 && punct(a + 1, ".") && ident(a + 2) &&
          punct(a + 3, ".")) {
        a += 2;
      }
      if (!(ident(a) && punct(a + 1, ".") && ident(a + 2) && punct(a + 3, ","))) {
        continue;
      }
      const std::string object = tok(a).text;
      const auto alias = m_aliases.find(object);
      if (objects.count(object) == 0 && (alias == m_aliases.end() || objects.count(alias->second) == 0)) {
        continue;
      }
      call.key_columns.push_back(tok(a + 2).text);
      call.key_values.push_back(text(a + 4, close - 1));
    }
  }

  // `where: ...` in the object literal [open, close]: the value's token range.
  [[nodiscard]] std::pair<std::size_t, std::size_t> where_value(std::size_t open, std::size_t close) const {
    close = std::min(close, m_tokens.size() - 1);
    for (std::size_t i = open + 1; i < close; ++i) {
      if (ident(i, "where") && punct(i + 1, ":") && (punct(i - 1, "{") || punct(i - 1, ","))) {
        return {i + 2, expression_end(i + 2, close - 1)};
      }
      const std::size_t inner = close_of(i);
      i = inner != k_npos ? inner : i;
    }
    return {k_npos, k_npos};
  }

  // From the `)` at `close`, the chained calls after it: `.where(...)` etc.
  // Returns the `(` of `.<method>(` or k_npos.
  [[nodiscard]] std::size_t chained(std::size_t close, std::string_view method) const {
    std::size_t i = close + 1;
    while (punct(i, ".") && ident(i + 1) && punct(i + 2, "(")) {
      if (tok(i + 1).text == method) {
        return i + 2;
      }
      const std::size_t next = close_of(i + 2);
      if (next == k_npos) {
        return k_npos;
      }
      i = next + 1;
    }
    return k_npos;
  }

  // The first token of the receiver of `.select(` etc.: `db`, `this.db`, `tx`.
  [[nodiscard]] std::size_t call_start(std::size_t dot) const {
    std::size_t i = dot;
    while (i >= 2 && punct(i, ".") && ident(i - 1)) {
      i -= 2;
      if (!punct(i, ".")) {
        return i + 1;
      }
    }
    return dot > 0 ? dot - 1 : 0;
  }

  void add(model::QueryCall call, std::size_t token) {
    if (!call.table.empty()) {
      call.location = where(token);
      m_index.m_calls.push_back({std::move(call), token});
    }
  }

  void find_calls() {
    for (std::size_t i = 0; i + 3 < m_tokens.size(); ++i) {
      if (!punct(i, ".") || !ident(i + 1) || !punct(i + 2, "(")) {
        if (punct(i, ".") && ident(i + 1, "query") && punct(i + 2, ".") && ident(i + 3)) {
          relational(i);
        }
        continue;
      }
      const std::string& method = tok(i + 1).text;
      const std::size_t open = i + 2;
      const std::size_t close = close_of(open);
      if (close == k_npos) {
        continue;
      }
      if (method == "from") {
        select_from(i, open, close);
      } else if (method == "insert" || method == "update" || method == "delete") {
        const std::string table = table_name(open + 1, close - 1);
        const std::size_t next = chained(close, method == "insert" ? "values" : "where");
        if (table.empty() || next == k_npos) {
          continue;
        }
        model::QueryCall call;
        call.kind = method == "insert"   ? model::QueryCallKind::insert
                    : method == "update" ? model::QueryCallKind::update
                                         : model::QueryCallKind::remove;
        call.table = table;
        if (method != "insert") {
          equalities(next + 1, close_of(next), table_objects(open + 1, close - 1), call);
        }
        add(std::move(call), call_start(i));
      }
    }
  }

  // The names by which a where refers to the table given as [first, last].
  [[nodiscard]] std::set<std::string> table_objects(std::size_t first, std::size_t last) const {
    std::set<std::string> out;
    if (first == last) {
      out.insert(tok(first).text);
    } else if (last == first + 2) {
      out.insert(tok(last).text);
    }
    return out;
  }

  // `<db>.select(...).from(t)...where(...)`: `.from` must follow a select call.
  void select_from(std::size_t dot, std::size_t open, std::size_t close) {
    if (dot == 0 || !punct(dot - 1, ")") || open_of(dot - 1) == k_npos) {
      return;
    }
    const std::size_t select_open = open_of(dot - 1);
    if (select_open < 2 || !ident(select_open - 1) || !punct(select_open - 2, ".")) {
      return;
    }
    const std::string& select = tok(select_open - 1).text;
    if (select != "select" && select != "selectDistinct" && select != "selectDistinctOn") {
      return;
    }
    model::QueryCall call;
    call.kind = model::QueryCallKind::select;
    call.table = table_name(open + 1, close - 1);
    const std::size_t where = chained(close, "where");
    if (where != k_npos) {
      equalities(where + 1, close_of(where), table_objects(open + 1, close - 1), call);
    }
    add(std::move(call), call_start(select_open - 2));
  }

  // `<db>.query.<key>.findFirst({ where })` / `findMany`.
  void relational(std::size_t dot) {
    const std::size_t key = dot + 3;
    if (!punct(key + 1, ".") || !(ident(key + 2, "findFirst") || ident(key + 2, "findMany")) ||
        !punct(key + 3, "(")) {
      return;
    }
    model::QueryCall call;
    call.kind =
        ident(key + 2, "findFirst") ? model::QueryCallKind::find_first : model::QueryCallKind::find_many;
    call.table = tok(key).text;
    const std::size_t close = close_of(key + 3);
    if (close != k_npos && punct(key + 4, "{")) {
      const auto [first, last] = where_value(key + 4, close_of(key + 4));
      if (first != k_npos) {
        std::set<std::string> objects = {call.table};
        // `where: (posts, { eq }) => eq(posts.authorId, id)`: the first parameter is the table.
        std::size_t p = first;
        if (ident(p, "async")) {
          ++p;
        }
        if (punct(p, "(") && ident(p + 1)) {
          objects.insert(tok(p + 1).text);
        }
        equalities(first, last, objects, call);
        // drizzle-orm 1.0's object filters: `where: { authorId: id }`.
        if (punct(first, "{") && close_of(first) != k_npos && close_of(first) <= last) {
          const std::size_t end = close_of(first);
          for (std::size_t i = first + 1; i < end; ++i) {
            if (ident(i) && punct(i + 1, ":") && (punct(i - 1, "{") || punct(i - 1, ","))) {
              const std::size_t value_end = expression_end(i + 2, end - 1);
              if (!punct(i + 2, "{")) { // `{ gt: 3 }` is not an equality
                call.key_columns.push_back(tok(i).text);
                call.key_values.push_back(text(i + 2, value_end));
              }
              i = value_end;
            }
          }
        }
      }
    }
    add(std::move(call), call_start(dot));
  }

  // Calls of named functions and methods: `f(`, `a.f(`, `this.a.f(`.
  void find_sites() {
    for (std::size_t i = 0; i + 1 < m_tokens.size(); ++i) {
      if (!ident(i) || !punct(i + 1, "(") || m_function_names.count(i) > 0 ||
          control_words().count(tok(i).text) > 0) {
        continue;
      }
      std::size_t first = i;
      while (first >= 2 && (punct(first - 1, ".") || punct(first - 1, "?.")) && ident(first - 2)) {
        first -= 2;
      }
      if (first >= 1 && (punct(first - 1, ".") || punct(first - 1, "?.") || ident(first - 1, "new") ||
                         ident(first - 1, "function"))) {
        continue; // `f().g(`: a receiver no name leads to; `new X(`; a declaration
      }
      const std::size_t close = close_of(i + 1);
      if (close == k_npos || punct(close + 1, "{") || punct(close + 1, "=>")) {
        continue; // a declaration's parameters
      }
      CallSite site;
      for (std::size_t j = first; j <= i; j += 2) {
        site.path.push_back(tok(j).text);
      }
      site.token = i;
      site.location = where(i);
      for (const TokenRange& part : parts(i + 1)) {
        site.args.push_back(argument(part));
      }
      m_index.m_sites.push_back(std::move(site));
    }
  }

  // `relations(posts, ({ one, many }) => ({ comments: many(comments), author:
  // one(users, {...}) }))`: each key with the table it leads to.
  void find_relations() {
    for (std::size_t i = 0; i + 3 < m_tokens.size(); ++i) {
      if (!ident(i, "relations") || !punct(i + 1, "(") || (i > 0 && punct(i - 1, ".")) || !ident(i + 2) ||
          !punct(i + 3, ",")) {
        continue;
      }
      const std::size_t close = close_of(i + 1);
      if (close == k_npos) {
        continue;
      }
      const std::string table = table_name(i + 2, i + 2);
      // The callback's object literal: `=> ({` ... `})`.
      std::size_t open = i + 4;
      while (open < close && !(punct(open, "=>") && punct(open + 1, "(") && punct(open + 2, "{"))) {
        ++open;
      }
      if (open >= close || close_of(open + 2) == k_npos) {
        continue;
      }
      for (const TokenRange& part : parts(open + 2)) {
        const std::size_t key = part.first;
        if (!ident(key) || !punct(key + 1, ":") || !(ident(key + 2, "many") || ident(key + 2, "one")) ||
            !punct(key + 3, "(") || !ident(key + 4)) {
          continue;
        }
        model::DrizzleRelation relation;
        relation.table = table;
        relation.name = tok(key).text;
        relation.target = table_name(key + 4, key + 4);
        relation.many = ident(key + 2, "many");
        relation.location = where(key);
        m_index.m_relations.push_back(std::move(relation));
      }
      i = close;
    }
  }

  // `const x = new X(...)`, and class fields with their types.
  void find_fields() {
    for (std::size_t i = 0; i + 4 < m_tokens.size(); ++i) {
      if ((ident(i, "const") || ident(i, "let") || ident(i, "var")) && ident(i + 1)) {
        std::size_t j = i + 2;
        if (punct(j, ":")) { // a type annotation
          j = skip_type(j + 1);
        }
        if (punct(j, "=") && ident(j + 1, "new")) {
          const std::string type = constructed(j + 2);
          if (!type.empty()) {
            m_index.m_new_locals[tok(i + 1).text] = type;
          }
        }
      }
    }
    for (ClassInfo& info : m_index.m_classes) {
      // Constructor parameter properties.
      if (const FunctionInfo* constructor = m_index.find_function(info.name, "constructor")) {
        const std::size_t open = method_params(constructor->begin);
        for (const TokenRange& part : open == k_npos ? std::vector<TokenRange>{} : parts(open)) {
          std::size_t j = part.first;
          bool property = false;
          while (j < part.last && modifier(tok(j)) && ident(j + 1)) {
            property = property || !ident(j, "static");
            ++j;
          }
          if (property && ident(j) && j + 2 <= part.last && punct(j + 1, ":")) {
            const std::string type = type_name(j + 2);
            if (!type.empty()) {
              info.field_types[tok(j).text] = type;
            }
          }
        }
      }
      // Field declarations at the top of the class body.
      for (std::size_t j = info.begin + 1; j < info.end; ++j) {
        if (m_open_of[j] != info.begin) {
          continue;
        }
        const bool starts = punct(j - 1, "{") || punct(j - 1, ";") || punct(j - 1, "}") ||
                            tok(j - 1).line < tok(j).line || modifier(tok(j - 1));
        if (!starts || !ident(j) || modifier(tok(j))) {
          continue;
        }
        std::size_t k = j + 1;
        if (punct(k, "?") || punct(k, "!")) {
          ++k;
        }
        if (punct(k, ":")) {
          const std::string type = type_name(k + 1);
          if (!type.empty()) {
            info.field_types[tok(j).text] = type;
          }
        } else if (punct(k, "=") && ident(k + 1, "new")) {
          const std::string type = constructed(k + 2);
          if (!type.empty()) {
            info.field_types[tok(j).text] = type;
          }
        }
      }
    }
  }

  // The class named by `X` or `ns.X` at `i` (the last name).
  [[nodiscard]] std::string constructed(std::size_t i) const {
    if (!ident(i)) {
      return {};
    }
    while (punct(i + 1, ".") && ident(i + 2)) {
      i += 2;
    }
    return tok(i).text;
  }

  // The name of a type reference at `i` (`Repo`, `ns.Repo`, `Repo<T>`); empty for other types.
  [[nodiscard]] std::string type_name(std::size_t i) const {
    const std::string name = constructed(i);
    static const std::set<std::string, std::less<>> k_builtin = {
        "string", "number", "boolean", "any", "unknown", "object", "void", "never", "bigint", "symbol"};
    return k_builtin.count(name) > 0 ? std::string() : name;
  }

  // The token after a type annotation starting at `i`: up to `=`, `;`, `,` or a closing bracket.
  [[nodiscard]] std::size_t skip_type(std::size_t i) const {
    int angle = 0;
    while (i < m_tokens.size() && tok(i).kind != TokenKind::end) {
      if (angle == 0 && (punct(i, "=") || punct(i, ";") || punct(i, ",") || punct(i, ")"))) {
        return i;
      }
      if (punct(i, "<")) {
        ++angle;
      } else if (punct(i, ">")) {
        --angle;
      } else if (punct(i, ">>")) {
        angle -= 2;
      }
      const std::size_t close = close_of(i);
      i = (close != k_npos ? close : i) + 1;
    }
    return i;
  }
};

FileIndex::FileIndex(std::string path, const ts::Program& program) : m_path(std::move(path)) {
  FileIndexBuilder(*this, program).build();
}

const FunctionInfo* FileIndex::function_at(std::size_t token) const {
  const std::uint32_t f = token < m_function_of.size() ? m_function_of[token] : 0;
  return f == 0 ? nullptr : &m_functions[f - 1];
}

const LoopInfo* FileIndex::loop_at(std::size_t token) const {
  const std::uint32_t l = token < m_loop_of.size() ? m_loop_of[token] : 0;
  return l == 0 ? nullptr : &m_loops[l - 1];
}

// A function's `begin` is its body; the token before it lies in its own
// header, which belongs to the function around it: each step goes out one
// function, to a strictly earlier begin.
const FunctionInfo* FileIndex::named_function_at(std::size_t token) const {
  const FunctionInfo* function = function_at(token);
  while (function != nullptr && function->name.empty()) {
    function = function->begin > 0 ? function_at(function->begin - 1) : nullptr;
  }
  return function;
}

const FunctionInfo* FileIndex::transaction_at(std::size_t token) const {
  const FunctionInfo* function = function_at(token);
  while (function != nullptr && !function->transaction) {
    function = function->begin > 0 ? function_at(function->begin - 1) : nullptr;
  }
  return function;
}

const FunctionInfo* FileIndex::find_function(std::string_view container, std::string_view name) const {
  for (const FunctionInfo& function : m_functions) {
    if (function.name == name && function.container == container) {
      return &function;
    }
  }
  return nullptr;
}

const ClassInfo* FileIndex::class_at(std::size_t token) const {
  const ClassInfo* best = nullptr;
  for (const ClassInfo& info : m_classes) {
    if (info.begin < token && token < info.end && (best == nullptr || info.begin > best->begin)) {
      best = &info;
    }
  }
  return best;
}

const ClassInfo* FileIndex::find_class(std::string_view name) const {
  for (const ClassInfo& info : m_classes) {
    if (info.name == name) {
      return &info;
    }
  }
  return nullptr;
}

} // namespace pgadvise::loaders::scan
