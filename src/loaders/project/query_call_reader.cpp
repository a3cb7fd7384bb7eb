#include "loaders/project/query_call_reader.hpp"

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
class FileIndexBuilder : public TokenReader {
public:
  FileIndexBuilder(FileIndex& index, const ts::Program& program)
      : TokenReader(program.lex.tokens, index.m_path), m_index(index) {
    m_index.m_imports = program.imports;
  }

  void build() {
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
    DrizzleReading drizzle = read_drizzle_calls(*this, m_index.m_imports);
    m_index.m_calls = std::move(drizzle.calls);
    m_index.m_relations = std::move(drizzle.relations);
    find_sites();
    find_fields();
  }

private:
  FileIndex& m_index;
  std::set<std::size_t> m_function_names; // name tokens of declared functions and methods

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
      function.container = container_of(enclosing(function.name_token));
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
        if (enclosing(j) != info.begin) {
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
