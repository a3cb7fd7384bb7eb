// The Drizzle query calls of the project's TypeScript (`db.select().from(t)
// .where(eq(t.col, v))`, `db.query.t.findFirst({ where })`, `db.insert(t)`,
// `db.update(t)`, `db.delete(t)`) with the loop around each: what lets
// n-plus-one name the line that issues a per-row statement. Read from the
// token stream, since the statement parser (loaders/typescript) reads only
// declarations and these calls sit inside function bodies.
#include "core/json_string.hpp"
#include "core/text.hpp"
#include "loaders/project/context.hpp"
#include "loaders/typescript/parser.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pgadvise::loaders::scan {

namespace {

using ts::Token;
using ts::TokenKind;

constexpr std::size_t k_npos = static_cast<std::size_t>(-1);
constexpr std::size_t k_max_calls = 20000; // a project with more is searched only that far

bool source_file(const std::string& file) {
  static const std::vector<std::string> k_ext = {".ts", ".tsx", ".mts", ".cts",
                                                 ".js", ".jsx", ".mjs", ".cjs"};
  if (file.size() > 5 && file.compare(file.size() - 5, 5, ".d.ts") == 0) {
    return false;
  }
  return std::any_of(k_ext.begin(), k_ext.end(), [&](const std::string& ext) {
    return file.size() > ext.size() && file.compare(file.size() - ext.size(), ext.size(), ext) == 0;
  });
}

// A loop's body, or a loop method's argument list: [begin, end] tokens.
struct Loop {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t keyword = 0; // `for` / `while` / `do`, or the method name
  std::string kind;
  std::string variable;
  std::string iterable;
};

// A function body (braces or an arrow's expression) and its name when it has one.
struct Function {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string name;
};

struct Call {
  model::QueryCall call;
  std::size_t token = 0;
};

// A call of a named function inside a loop: `loadAuthor(post.userId)`.
struct LoopCall {
  std::string callee;
  core::SourceLocation location;
  model::QueryCall loop; // only the loop fields
};

struct FileIndex {
  std::string path;
  std::vector<Loop> loops;
  std::vector<Function> functions;
  std::vector<Call> calls;
  std::vector<LoopCall> loop_calls;
  std::set<std::string> imported_names; // what the file imports by name (helpers it can call)
};

class FileReader {
public:
  FileReader(std::string path, const ts::Program& program) : m_tokens(program.lex.tokens) {
    m_index.path = std::move(path);
    for (const ts::Import& import : program.imports) {
      if (import.imported == "*" || import.imported == "default") {
        m_namespaces.insert(import.local);
      } else {
        m_aliases[import.local] = import.imported;
      }
      m_index.imported_names.insert(import.imported == "*" || import.imported == "default" ? import.local
                                                                                           : import.imported);
    }
    match_brackets();
  }

  FileIndex read() {
    find_functions();
    find_loops();
    find_calls();
    attach_loops();
    find_loop_calls();
    return m_index;
  }

private:
  const std::vector<Token>& m_tokens;
  std::vector<std::size_t> m_match;
  std::map<std::string, std::string> m_aliases;
  std::set<std::string> m_namespaces;
  FileIndex m_index;

  [[nodiscard]] const Token& tok(std::size_t i) const {
    return i < m_tokens.size() ? m_tokens[i] : m_tokens.back(); // the end token
  }
  [[nodiscard]] bool punct(std::size_t i, std::string_view s) const { return tok(i).is_punct(s); }
  [[nodiscard]] bool ident(std::size_t i) const { return tok(i).kind == TokenKind::identifier; }
  [[nodiscard]] bool ident(std::size_t i, std::string_view s) const { return tok(i).is_ident(s); }

  core::SourceLocation where(std::size_t i) const { return {m_index.path, tok(i).line, tok(i).column}; }

  // Template substitutions are brackets too: `${` opens, `}` (middle/tail) closes.
  void match_brackets() {
    m_match.assign(m_tokens.size(), k_npos);
    std::vector<std::size_t> stack;
    for (std::size_t i = 0; i < m_tokens.size(); ++i) {
      const Token& t = m_tokens[i];
      const bool opens = (t.kind == TokenKind::punct && (t.text == "(" || t.text == "[" || t.text == "{")) ||
                         t.kind == TokenKind::template_head;
      const bool closes = (t.kind == TokenKind::punct && (t.text == ")" || t.text == "]" || t.text == "}")) ||
                          t.kind == TokenKind::template_tail || t.kind == TokenKind::template_middle;
      if (closes && !stack.empty()) {
        m_match[stack.back()] = i;
        m_match[i] = stack.back();
        stack.pop_back();
      }
      if (opens || t.kind == TokenKind::template_middle) {
        stack.push_back(i);
      }
    }
  }

  [[nodiscard]] std::size_t close_of(std::size_t open) const {
    return open < m_match.size() && m_match[open] != k_npos && m_match[open] > open ? m_match[open] : k_npos;
  }

  // The source text of tokens [first, last].
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
      if ((punct(i, ")") || punct(i, "]")) && m_match[i] != k_npos && m_match[i] < i) {
        i = m_match[i];
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

  void find_functions() {
    for (std::size_t i = 0; i < m_tokens.size(); ++i) {
      if (ident(i, "function")) {
        // `function name(...): Type {`: the body is the first brace after the parameters.
        std::size_t open = i + 1;
        if (punct(open, "*")) {
          ++open;
        }
        const std::string name = ident(open) ? tok(open).text : std::string();
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
          m_index.functions.push_back({j, body_end(j), name});
        }
      } else if (punct(i, "=>")) {
        // The name: `const name = async (..): T =>`, `name: (..) =>`.
        std::string name;
        std::size_t p = i;
        std::size_t params = k_npos;
        for (std::size_t j = i; j > 0 && j + 40 > i; --j) {
          if (punct(j - 1, ")") && m_match[j - 1] != k_npos && (j == i || punct(j, ":"))) {
            params = m_match[j - 1];
            break;
          }
        }
        if (params != k_npos) {
          p = params;
        } else if (p > 0) {
          p = p - 1;
        }
        if (p > 0 && ident(p - 1, "async")) {
          --p;
        }
        if (p >= 2 && (punct(p - 1, "=") || punct(p - 1, ":")) && ident(p - 2)) {
          name = tok(p - 2).text;
        }
        const std::size_t begin = i + 1;
        const std::size_t end = punct(begin, "{") ? body_end(begin) : expression_end(begin, m_tokens.size());
        m_index.functions.push_back({begin, end, name});
      } else if (punct(i, "{") && i > 0 && punct(i - 1, ")") && m_match[i - 1] != k_npos) {
        // `function name(...) {`, `name(...) {` (a method), not `if (...) {`.
        const std::size_t open = m_match[i - 1];
        if (open == 0 || !ident(open - 1)) {
          continue;
        }
        static const std::set<std::string> k_control = {"if",    "for",  "while", "switch",
                                                        "catch", "with", "await"};
        const std::string& before = tok(open - 1).text;
        if (k_control.count(before) > 0 || before == "function" ||
            (open >= 2 && ident(open - 2, "function"))) {
          continue; // control flow; a `function` declaration is read above
        }
        m_index.functions.push_back({i, body_end(i), before});
      }
    }
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
        Loop loop{close + 1, body_end(close + 1), i, tok(i).text, {}, {}};
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
              break;
            }
            const std::size_t inner = close_of(j);
            j = inner != k_npos ? inner : j;
          }
        }
        m_index.loops.push_back(std::move(loop));
      } else if (!member && ident(i, "do") && punct(i + 1, "{")) {
        m_index.loops.push_back({i + 1, body_end(i + 1), i, "do...while", {}, {}});
      } else if (member && punct(i + 1, "(") && i >= 2) {
        static const std::set<std::string> k_methods = {"map",    "forEach", "flatMap", "reduce",
                                                        "filter", "some",    "every"};
        if (k_methods.count(tok(i).text) == 0) {
          continue;
        }
        const std::size_t close = close_of(i + 1);
        if (close == k_npos) {
          continue;
        }
        Loop loop{i + 1, close, i, "." + tok(i).text, {}, {}};
        const std::size_t receiver = receiver_start(i - 2);
        loop.iterable = text(receiver, i - 2);
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
        }
        m_index.loops.push_back(std::move(loop));
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
        m_namespaces.count(tok(first).text) > 0) {
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
      if (ident(a) && m_namespaces.count(tok(a).text) > 0 && punct(a + 1, ".")) {
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

  // From `.name(` at `dot`, the chained calls after it: `.where(...)` etc.
  // Returns the `(` of `.where(` or k_npos.
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
      m_index.calls.push_back({std::move(call), token});
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
    if (dot == 0 || !punct(dot - 1, ")") || m_match[dot - 1] == k_npos) {
      return;
    }
    const std::size_t select_open = m_match[dot - 1];
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

  [[nodiscard]] const Loop* innermost_loop(std::size_t token) const {
    const Loop* best = nullptr;
    for (const Loop& loop : m_index.loops) {
      if (loop.begin <= token && token <= loop.end && (best == nullptr || loop.begin > best->begin)) {
        best = &loop;
      }
    }
    return best;
  }

  [[nodiscard]] const Function* innermost_function(std::size_t token) const {
    const Function* best = nullptr;
    for (const Function& function : m_index.functions) {
      if (function.begin <= token && token <= function.end &&
          (best == nullptr || function.begin > best->begin)) {
        best = &function;
      }
    }
    return best;
  }

  void attach_loops() {
    for (Call& call : m_index.calls) {
      const Loop* loop = innermost_loop(call.token);
      if (loop == nullptr) {
        continue;
      }
      describe_loop(*loop, call.call);
    }
  }

  void describe_loop(const Loop& loop, model::QueryCall& call) const {
    call.loop = loop.kind;
    call.loop_location = where(loop.keyword);
    call.loop_variable = loop.variable;
    call.loop_iterable = loop.iterable;
    call.tables_before = tables_before(loop.keyword);
  }

  // The tables Drizzle calls read before `token` in the function around it.
  [[nodiscard]] std::vector<std::string> tables_before(std::size_t token) const {
    const Function* function = innermost_function(token);
    const std::size_t begin = function != nullptr ? function->begin : 0;
    std::vector<std::string> out;
    for (const Call& other : m_index.calls) {
      if (other.token >= begin && other.token < token &&
          std::find(out.begin(), out.end(), other.call.table) == out.end()) {
        out.push_back(other.call.table);
      }
    }
    return out;
  }

  void find_loop_calls() {
    for (std::size_t i = 0; i + 1 < m_tokens.size(); ++i) {
      if (!ident(i) || !punct(i + 1, "(") || (i > 0 && (punct(i - 1, ".") || ident(i - 1, "function")))) {
        continue;
      }
      const Loop* loop = innermost_loop(i);
      if (loop != nullptr) {
        LoopCall call{tok(i).text, where(i), {}};
        describe_loop(*loop, call.loop);
        m_index.loop_calls.push_back(std::move(call));
      }
    }
  }

public:
  // The name of the function a call sits in, when it is named.
  [[nodiscard]] std::string function_name(std::size_t token) const {
    const Function* function = innermost_function(token);
    return function != nullptr ? function->name : std::string();
  }
};

} // namespace

void scan_query_calls(ScanContext& context, const std::vector<std::string>& files) {
  model::Project& project = context.project();
  std::vector<FileIndex> indexes;
  // Helpers that issue a query outside any loop: (file, function) -> calls.
  std::vector<std::pair<std::string, model::QueryCall>> helpers;
  std::vector<std::string> others; // files without a Drizzle call: they may call a helper
  for (const std::string& file : files) {
    if (!source_file(file)) {
      continue;
    }
    const std::optional<std::string> text = context.read(file);
    if (!text) {
      continue;
    }
    ++project.query_files_searched;
    // Only files that can hold a Drizzle call are tokenized now.
    if (text->find(".from(") == std::string::npos && text->find(".query.") == std::string::npos &&
        text->find(".insert(") == std::string::npos && text->find(".update(") == std::string::npos &&
        text->find(".delete(") == std::string::npos) {
      others.push_back(file);
      continue;
    }
    const ts::Program program = ts::parse_program(*text);
    FileReader reader(file, program);
    FileIndex index = reader.read();
    for (const Call& call : index.calls) {
      if (project.query_calls.size() >= k_max_calls) {
        break;
      }
      project.query_calls.push_back(call.call);
      const std::string function = reader.function_name(call.token);
      if (call.call.loop.empty() && !function.empty()) {
        helpers.emplace_back(function, call.call);
      }
    }
    index.functions.clear();
    index.loops.clear();
    indexes.push_back(std::move(index));
  }
  // The other files are tokenized only when they name a helper.
  std::set<std::string> names;
  for (const auto& helper : helpers) {
    names.insert(helper.first + "(");
  }
  for (const std::string& file : names.empty() ? std::vector<std::string>{} : others) {
    const std::optional<std::string> text = context.read(file);
    if (!text || std::none_of(names.begin(), names.end(), [&](const std::string& name) {
          return text->find(name) != std::string::npos;
        })) {
      continue;
    }
    const ts::Program program = ts::parse_program(*text);
    FileIndex index = FileReader(file, program).read();
    index.functions.clear();
    index.loops.clear();
    indexes.push_back(std::move(index));
  }
  // A loop that calls a helper which makes the query: the loop issues it.
  // Only a helper the loop's file declares or imports by that name. The
  // files that can see a helper are looked up by path and by imported name,
  // not by trying every file for every helper (a monorepo has thousands of
  // each).
  std::map<std::string_view, std::vector<std::size_t>> by_path;
  std::map<std::string_view, std::vector<std::size_t>> by_import;
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    if (indexes[i].loop_calls.empty()) {
      continue;
    }
    by_path[indexes[i].path].push_back(i);
    for (const std::string& name : indexes[i].imported_names) {
      by_import[name].push_back(i);
    }
  }
  std::vector<std::size_t> seeing;
  for (const auto& [function, helper] : helpers) {
    seeing.clear();
    const auto add = [&seeing](const auto& seen_by, std::string_view key) {
      if (const auto at = seen_by.find(key); at != seen_by.end()) {
        seeing.insert(seeing.end(), at->second.begin(), at->second.end());
      }
    };
    add(by_path, helper.location.file.str());
    add(by_import, function);
    std::sort(seeing.begin(), seeing.end()); // the files' order, as before
    seeing.erase(std::unique(seeing.begin(), seeing.end()), seeing.end());
    for (const std::size_t position : seeing) {
      const FileIndex& index = indexes[position];
      for (const LoopCall& loop_call : index.loop_calls) {
        if (loop_call.callee != function || project.query_calls.size() >= k_max_calls) {
          continue;
        }
        model::QueryCall call = helper;
        call.via = function;
        call.via_location = loop_call.location;
        call.loop = loop_call.loop.loop;
        call.loop_location = loop_call.loop.loop_location;
        call.loop_variable = loop_call.loop.loop_variable;
        call.loop_iterable = loop_call.loop.loop_iterable;
        call.tables_before = loop_call.loop.tables_before;
        project.query_calls.push_back(std::move(call));
      }
    }
  }
}

} // namespace pgadvise::loaders::scan
