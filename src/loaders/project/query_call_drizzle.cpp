// The Drizzle query calls of one file's tokens: `db.select().from(t)
// .where(eq(t.col, v))`, `db.query.t.findFirst({ where })`, `db.insert(t)`,
// `db.update(t)`, `db.delete(t)`, with the table variable (import aliases and
// `schema.x` resolved) and the columns the where compares by equality; and
// its relations().
#include "loaders/project/query_call_drizzle.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pgadvise::loaders::scan {

namespace {

using ts::Token;
using ts::TokenKind;

constexpr std::size_t k_npos = k_no_token;

class DrizzleCallReader {
public:
  DrizzleCallReader(const TokenReader& tokens, const std::vector<ts::Import>& imports, DrizzleReading& out)
      : m_t(tokens), m_out(out) {
    for (const ts::Import& import : imports) {
      m_imported.insert(import.local);
      if (import.imported != "*" && import.imported != "default") {
        m_aliases[import.local] = import.imported;
      }
    }
  }

  void read() {
    find_calls();
    find_relations();
    find_defined_relations();
  }

private:
  const TokenReader& m_t;
  DrizzleReading& m_out;
  std::map<std::string, std::string, std::less<>> m_aliases;
  std::set<std::string, std::less<>> m_imported;

  // The exported table name a table expression (`users`, `u`, `schema.users`) stands for.
  [[nodiscard]] std::string table_name(std::size_t first, std::size_t last) const {
    if (first == last && m_t.ident(first)) {
      const auto alias = m_aliases.find(m_t.tok(first).text);
      return alias != m_aliases.end() ? alias->second : std::string(m_t.tok(first).text);
    }
    if (last == first + 2 && m_t.ident(first) && m_t.punct(first + 1, ".") && m_t.ident(last) &&
        m_imported.count(m_t.tok(first).text) > 0) {
      return std::string(m_t.tok(last).text);
    }
    // A generic repository's `this.table` (`this.table as any`): which table
    // is the subclass's (super(db, timer)), bound where the helper calls
    // are followed (HelperCalls); "this.table" until then.
    if (m_t.ident(first, "this") && m_t.punct(first + 1, ".") && m_t.ident(first + 2) &&
        (last == first + 2 || (last > first + 3 && m_t.ident(first + 3, "as")))) {
      return "this." + std::string(m_t.tok(first + 2).text);
    }
    return {};
  }
  // `eq(<object>.<column>, <value>)` inside [first, last], for objects that
  // name the call's table: its local names, or the where callback's parameter.
  void equalities(std::size_t first, std::size_t last, const std::set<std::string>& objects,
                  model::QueryCall& call) const {
    last = std::min(last, m_t.size() - 1); // an unclosed bracket reads to the end, no further
    for (std::size_t i = first; i + 5 <= last; ++i) {
      if (!m_t.ident(i, "eq") || !m_t.punct(i + 1, "(") || (i > 0 && m_t.punct(i - 1, "."))) {
        continue;
      }
      const std::size_t close = m_t.close_of(i + 1);
      std::size_t a = i + 2;
      if (close == k_npos) {
        continue;
      }
      // A generic repository's `eq(this.table.id, id)` (or `(this.table as
      // any).id`), on the table a subclass binds `this.table` to.
      if (const std::size_t column = this_member_column(a, call.table); column != k_npos) {
        if (m_t.punct(column + 1, ",")) {
          add_key(call, std::string(m_t.tok(column).text), m_t.text(column + 2, close - 1));
        }
        continue;
      }
      // `eq(this.idColumn, id)`: a column the subclass hands super()
      // (`super(users, users.id)`); "this.idColumn" until it is bound.
      if (call.table.rfind("this.", 0) == 0 && m_t.ident(a, "this") && m_t.punct(a + 1, ".") &&
          m_t.ident(a + 2) && m_t.punct(a + 3, ",")) {
        add_key(call, "this." + std::string(m_t.tok(a + 2).text), m_t.text(a + 4, close - 1));
        continue;
      }
      // `schema.users.id`: the namespace is dropped.
      if (m_t.ident(a) && m_imported.count(m_t.tok(a).text) > 0 && m_t.punct(a + 1, ".") &&
          m_t.ident(a + 2) && m_t.punct(a + 3, ".")) {
        a += 2;
      }
      if (!(m_t.ident(a) && m_t.punct(a + 1, ".") && m_t.ident(a + 2) && m_t.punct(a + 3, ","))) {
        continue;
      }
      const std::string object(m_t.tok(a).text);
      const auto alias = m_aliases.find(object);
      if (objects.count(object) == 0 && (alias == m_aliases.end() || objects.count(alias->second) == 0)) {
        continue;
      }
      call.key_columns.push_back(std::string(m_t.tok(a + 2).text));
      call.key_values.push_back(m_t.text(a + 4, close - 1));
    }
  }
  // A key column once: the two branches of `soft ? withoutDeleted(eq(...)) : eq(...)` compare one key.
  static void add_key(model::QueryCall& call, std::string column, std::string value) {
    for (std::size_t k = 0; k < call.key_columns.size() && k < call.key_values.size(); ++k) {
      if (call.key_columns[k] == column && call.key_values[k] == value) {
        return;
      }
    }
    call.key_columns.push_back(std::move(column));
    call.key_values.push_back(std::move(value));
  }
  // `this.<field>.<column>` or `(this.<field> as any).<column>` at `i`, for
  // a `table` of the form "this.<any field>" (a generic service keeps its
  // relational builder and its table in two fields a subclass binds to one
  // table: `this.query.findFirst({ where: eq(this.table.id, id) })`): the
  // column's token; k_npos otherwise.
  [[nodiscard]] std::size_t this_member_column(std::size_t i, const std::string& table) const {
    if (table.rfind("this.", 0) != 0) {
      return k_npos;
    }
    const bool paren = m_t.punct(i, "(");
    i += paren ? 1 : 0;
    if (!m_t.ident(i, "this") || !m_t.punct(i + 1, ".") || !m_t.ident(i + 2)) {
      return k_npos;
    }
    i += 3;
    if (paren) {
      if (m_t.ident(i, "as") && m_t.ident(i + 1)) {
        i += 2;
      }
      if (!m_t.punct(i++, ")")) {
        return k_npos;
      }
    }
    return m_t.punct(i, ".") && m_t.ident(i + 1) ? i + 1 : k_npos;
  }
  // `where: ...` in the object literal [open, close]: the value's token range.
  [[nodiscard]] std::pair<std::size_t, std::size_t> where_value(std::size_t open, std::size_t close,
                                                                ts::Spelling key = "where") const {
    close = std::min(close, m_t.size() - 1);
    for (std::size_t i = open + 1; i < close; ++i) {
      if (m_t.ident(i, key) && m_t.punct(i + 1, ":") && (m_t.punct(i - 1, "{") || m_t.punct(i - 1, ","))) {
        return {i + 2, m_t.expression_end(i + 2, close - 1)};
      }
      const std::size_t inner = m_t.close_of(i);
      i = inner != k_npos ? inner : i;
    }
    return {k_npos, k_npos};
  }
  // From the `)` at `close`, the chained calls after it: `.where(...)` etc.
  // Returns the `(` of `.<method>(` or k_npos.
  [[nodiscard]] std::size_t chained(std::size_t close, ts::Spelling method) const {
    std::size_t i = close + 1;
    while (m_t.punct(i, ".") && m_t.ident(i + 1) && m_t.punct(i + 2, "(")) {
      if (m_t.ident(i + 1, method)) {
        return i + 2;
      }
      const std::size_t next = m_t.close_of(i + 2);
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
    while (i >= 2 && m_t.punct(i, ".") && m_t.ident(i - 1)) {
      i -= 2;
      if (!m_t.punct(i, ".")) {
        return i + 1;
      }
    }
    return dot > 0 ? dot - 1 : 0;
  }
  // `(this.table as any)[this.primaryKey]` (or `this.table[this.key]`) at
  // `i`, for `field` "table": the key field's name ("primaryKey"); empty
  // when the tokens say something else.
  [[nodiscard]] std::string key_member(std::size_t i, const std::string& field) const {
    const bool paren = m_t.punct(i, "(");
    i += paren ? 1 : 0;
    if (!m_t.ident(i, "this") || !m_t.punct(i + 1, ".") || !m_t.named(i + 2, field)) {
      return {};
    }
    i += 3;
    if (m_t.ident(i, "as") && m_t.ident(i + 1)) {
      i += 2;
    }
    if (paren && !m_t.punct(i++, ")")) {
      return {};
    }
    if (!m_t.punct(i, "[") || !m_t.ident(i + 1, "this") || !m_t.punct(i + 2, ".") || !m_t.ident(i + 3)) {
      return {};
    }
    return std::string(m_t.tok(i + 3).text);
  }
  // A generic repository's by-key query: in the function around `dot`, the
  // key column `const column = (this.table as any)[this.primaryKey]` and
  // `eq(column, id)` (or the member inline in the eq). The key stays
  // `this.primaryKey` until a subclass's super() names it (HelperCalls).
  void generic_key(std::size_t dot, model::QueryCall& call) const {
    const std::string field = call.table.substr(5);
    std::size_t body = m_t.enclosing(dot);
    while (body != k_npos && !m_t.punct(body, "{")) {
      body = m_t.enclosing(body);
    }
    const std::size_t end = body == k_npos ? k_npos : m_t.close_of(body);
    if (end == k_npos) {
      return;
    }
    std::map<std::string, std::string> locals; // column variable -> key field
    for (std::size_t i = body + 1; i + 3 < end; ++i) {
      if (m_t.ident(i) && m_t.punct(i + 1, "=") && i > 0 &&
          (m_t.ident(i - 1, "const") || m_t.ident(i - 1, "let") || m_t.ident(i - 1, "var"))) {
        if (std::string member = key_member(i + 2, field); !member.empty()) {
          locals[std::string(m_t.tok(i).text)] = std::move(member);
        }
      }
      if (!m_t.ident(i, "eq") || !m_t.punct(i + 1, "(") || m_t.close_of(i + 1) == k_npos) {
        continue;
      }
      std::string member =
          m_t.ident(i + 2) && m_t.punct(i + 3, ",") && locals.count(std::string(m_t.tok(i + 2).text)) > 0
              ? locals[std::string(m_t.tok(i + 2).text)]
              : key_member(i + 2, field);
      const std::vector<TokenRange> parts = m_t.parts(i + 1);
      if (!member.empty() && parts.size() == 2) {
        call.key_columns.push_back("this." + member);
        call.key_values.push_back(m_t.text(parts[1]));
        return;
      }
    }
  }
  // The call made on the handle before the `.` at `dot` (`db`, `tx`, `this.db`).
  // `conditions`: how many the call's where tests (0: none or not known);
  // a generic repository's key found in the function counts among them.
  void add(model::QueryCall call, std::size_t dot, std::size_t conditions = 0) {
    if (call.key_columns.empty() && call.table.rfind("this.", 0) == 0) {
      generic_key(dot, call);
      if (!call.key_columns.empty() && conditions > 0) {
        call.other_conditions = conditions > call.key_columns.size();
      }
    }
    const std::size_t token = call_start(dot);
    if (!call.table.empty()) {
      call.receiver = dot > token ? m_t.text(token, dot - 1) : std::string();
      call.location = m_t.where(token);
      const std::size_t guard = guard_of(token);
      if (guard != k_npos) {
        call.condition = m_t.where(guard);
      }
      m_out.calls.push_back({std::move(call), token, token > 0 && m_t.ident(token - 1, "await"), guard});
    }
  }
  // The `if` (or `else`) whose branch holds the statement at `token`
  // (`if (x) { ... }`, `if (x) await ...`, `} else { ... }`); k_npos when
  // the innermost block around it is no branch.
  [[nodiscard]] std::size_t guard_of(std::size_t token) const {
    std::size_t start = token > 0 && m_t.ident(token - 1, "await") ? token - 1 : token;
    std::size_t open = m_t.enclosing(token);
    while (open != k_npos && !m_t.punct(open, "{")) {
      start = open;
      open = m_t.enclosing(open); // out of the call's own brackets
    }
    for (const std::size_t before : {start, open}) { // a branch without braces, then the block's
      if (before == k_npos || before == 0) {
        continue;
      }
      if (m_t.ident(before - 1, "else")) {
        return before - 1;
      }
      if (m_t.punct(before - 1, ")")) {
        const std::size_t paren = m_t.open_of(before - 1);
        if (paren != k_npos && paren > 0 && m_t.ident(paren - 1, "if")) {
          return paren - 1;
        }
      }
    }
    return k_npos;
  }
  void find_calls() {
    for (std::size_t i = 0; i + 3 < m_t.size(); ++i) {
      if (!m_t.punct(i, ".") || !m_t.ident(i + 1) || !m_t.punct(i + 2, "(")) {
        if (m_t.punct(i, ".") && m_t.ident(i + 1, "query") && m_t.punct(i + 2, ".") && m_t.ident(i + 3)) {
          relational(i);
        }
        continue;
      }
      const std::string_view method = m_t.tok(i + 1).text;
      const std::size_t open = i + 2;
      const std::size_t close = m_t.close_of(open);
      if (close == k_npos) {
        continue;
      }
      if (method == "batch") {
        m_out.batches.push_back({i + 1, close});
      } else if ((method == "findFirst" || method == "findMany") && i >= 3 && m_t.ident(i - 1) &&
                 m_t.punct(i - 2, ".") && m_t.ident(i - 3, "this") && !(i >= 4 && m_t.punct(i - 4, "."))) {
        // A generic service's relational builder (`super(db, rooms,
        // db.query.rooms)` kept as `this.query`): `this.query.findFirst(...)`.
        relational(i - 2, i - 1, "this.");
      } else if (method == "from") {
        select_from(i, open, close);
      } else if (method == "insert" || method == "update" || method == "delete") {
        const std::string table = table_name(open + 1, close - 1);
        const std::size_t next = method == "insert" ? chained(close, "values") : chained(close, "where");
        if (table.empty() || next == k_npos) {
          continue;
        }
        model::QueryCall call;
        call.kind = method == "insert"   ? model::QueryCallKind::insert
                    : method == "update" ? model::QueryCallKind::update
                                         : model::QueryCallKind::remove;
        call.table = table;
        std::size_t tested = 0;
        if (method != "insert") {
          equalities(next + 1, m_t.close_of(next), table_objects(open + 1, close - 1), call);
          tested = conditions(next + 1, m_t.close_of(next) - 1);
          call.other_conditions = tested > call.key_columns.size();
        }
        if (method == "update") {
          set_values(chained(close, "set"), call);
        }
        add(std::move(call), i, tested);
      }
    }
  }
  // `.set({ status: "paid", total: row.total, note })` at `open` (its `(`):
  // each column and its value's source text.
  void set_values(std::size_t open, model::QueryCall& call) const {
    if (open != k_npos && m_t.ident(open + 1) && !m_t.punct(open + 2, ".") && !m_t.punct(open + 2, "(")) {
      // `.set(data)` (`.set(data as any)`): an object the function is
      // given; the columns are its caller's (`{ sentAt: new Date() }`),
      // spread in where the helper calls are followed (query_calls).
      const std::size_t close = m_t.close_of(open);
      if (close == open + 2 || (close != k_npos && m_t.ident(open + 2, "as"))) {
        call.set_columns.push_back("...");
        call.set_values.push_back(std::string(m_t.tok(open + 1).text));
      }
      return;
    }
    if (open == k_npos || !m_t.punct(open + 1, "{")) {
      return;
    }
    // `.set({ ...data })`: a copy of the object the function is given, as `.set(data)`.
    if (m_t.punct(open + 2, "...") && m_t.ident(open + 3) && m_t.punct(open + 4, "}") &&
        m_t.close_of(open + 1) == open + 4) {
      call.set_columns.push_back("...");
      call.set_values.push_back(std::string(m_t.tok(open + 3).text));
      return;
    }
    const std::size_t close = std::min(m_t.close_of(open + 1), m_t.size() - 1);
    for (std::size_t i = open + 2; i < close; ++i) {
      if (m_t.ident(i) && m_t.punct(i + 1, ":")) {
        const std::size_t end = m_t.expression_end(i + 2, close - 1);
        call.set_columns.push_back(std::string(m_t.tok(i).text));
        call.set_values.push_back(m_t.text(i + 2, end));
        i = end + 1;
      } else if (m_t.ident(i) && (m_t.punct(i + 1, ",") || i + 1 == close)) {
        call.set_columns.push_back(std::string(m_t.tok(i).text)); // `{ note }`
        call.set_values.push_back(std::string(m_t.tok(i).text));
        ++i;
      } else {
        const std::size_t end = m_t.expression_end(i, close - 1); // a spread, a computed key
        i = end + 1;
      }
    }
  }
  // How many conditions the filter [first, last] tests: the arguments of a
  // top-level `and(...)`, else one (a where callback's body counts).
  [[nodiscard]] std::size_t conditions(std::size_t first, std::size_t last) const {
    if (first > last || last >= m_t.size()) {
      return 0;
    }
    for (std::size_t i = first; i < last; ++i) { // `(t, { eq, and }) => and(...)`
      if (m_t.punct(i, "=>")) {
        first = i + 1;
        break;
      }
      const std::size_t inner = m_t.close_of(i);
      i = inner != k_npos && inner < last ? inner : i;
    }
    const bool all = m_t.ident(first, "and") && m_t.punct(first + 1, "(") && m_t.close_of(first + 1) == last;
    return all ? m_t.parts(first + 1).size() : 1;
  }
  // The names by which a where refers to the table given as [first, last].
  [[nodiscard]] std::set<std::string> table_objects(std::size_t first, std::size_t last) const {
    std::set<std::string> out;
    if (first == last) {
      out.insert(std::string(m_t.tok(first).text));
    } else if (last == first + 2) {
      out.insert(std::string(m_t.tok(last).text));
    }
    return out;
  }
  // `<db>.select(...).from(t)...where(...)`: `.from` must follow a select call.
  void select_from(std::size_t dot, std::size_t open, std::size_t close) {
    if (dot == 0 || !m_t.punct(dot - 1, ")") || m_t.open_of(dot - 1) == k_npos) {
      return;
    }
    const std::size_t select_open = m_t.open_of(dot - 1);
    if (select_open < 2 || !m_t.ident(select_open - 1) || !m_t.punct(select_open - 2, ".")) {
      return;
    }
    const std::string select(m_t.tok(select_open - 1).text);
    if (select != "select" && select != "selectDistinct" && select != "selectDistinctOn") {
      return;
    }
    model::QueryCall call;
    std::size_t tested = 0;
    call.kind = model::QueryCallKind::select;
    call.table = table_name(open + 1, close - 1);
    const std::size_t where = chained(close, "where");
    if (where != k_npos) {
      equalities(where + 1, m_t.close_of(where), table_objects(open + 1, close - 1), call);
      tested = conditions(where + 1, m_t.close_of(where) - 1);
      call.other_conditions = tested > call.key_columns.size();
    }
    if (const std::size_t limit = chained(close, "limit"); limit != k_npos && m_t.close_of(limit) != k_npos) {
      call.limit = m_t.text(limit + 1, m_t.close_of(limit) - 1);
    }
    if (const std::size_t order = chained(close, "orderBy");
        order != k_npos && m_t.close_of(order) != k_npos) {
      for (const TokenRange& part : m_t.parts(order)) {
        call.order_by.push_back(m_t.text(part));
      }
    }
    const std::size_t select_close = m_t.close_of(select_open);
    if (select_close != k_npos && select_close > select_open + 1) {
      call.fields = m_t.text(select_open + 1, select_close - 1);
    }
    add(std::move(call), select_open - 2, tested);
  }
  // `<db>.query.<key>.findFirst({ where })` / `findMany` (`dot` the `.`
  // before `query`), or `this.<key>.findFirst(...)` (`dot` the `.` after
  // `this`, `prefix` "this.": bound where a subclass names the builder).
  void relational(std::size_t dot, std::size_t key = k_npos, const char* prefix = "") {
    key = key == k_npos ? dot + 3 : key;
    if (!m_t.punct(key + 1, ".") || !(m_t.ident(key + 2, "findFirst") || m_t.ident(key + 2, "findMany")) ||
        !m_t.punct(key + 3, "(")) {
      return;
    }
    model::QueryCall call;
    call.kind =
        m_t.ident(key + 2, "findFirst") ? model::QueryCallKind::find_first : model::QueryCallKind::find_many;
    call.table = prefix + std::string(m_t.tok(key).text);
    const std::size_t close = m_t.close_of(key + 3);
    if (close != k_npos && m_t.punct(key + 4, "{") && call.kind == model::QueryCallKind::find_many) {
      if (const auto [first, last] = where_value(key + 4, m_t.close_of(key + 4), "limit"); first != k_npos) {
        call.limit = m_t.text(first, last);
      }
      // `orderBy: [desc(posts.publishedAt)]` or `orderBy: desc(...)`; not a
      // callback's or drizzle-orm 1.0's object, which the select builder does not take.
      if (const auto [first, last] = where_value(key + 4, m_t.close_of(key + 4), "orderBy");
          first != k_npos) {
        if (m_t.punct(first, "[") && m_t.close_of(first) == last) {
          for (const TokenRange& part : m_t.parts(first)) {
            call.order_by.push_back(m_t.text(part));
          }
        } else if (m_t.ident(first) && m_t.punct(first + 1, "(") && m_t.close_of(first + 1) == last) {
          call.order_by.push_back(m_t.text(first, last));
        }
      }
    }
    if (close != k_npos && m_t.punct(key + 4, "{")) {
      const auto [first, last] = where_value(key + 4, m_t.close_of(key + 4));
      if (first != k_npos) {
        std::set<std::string> objects = {call.table};
        // `where: (posts, { eq }) => eq(posts.authorId, id)`: the first parameter is the table.
        std::size_t p = first;
        if (m_t.ident(p, "async")) {
          ++p;
        }
        if (m_t.punct(p, "(") && m_t.ident(p + 1)) {
          objects.insert(std::string(m_t.tok(p + 1).text));
        }
        equalities(first, last, objects, call);
        call.other_conditions = !m_t.punct(first, "{") && conditions(first, last) > call.key_columns.size();
        // drizzle-orm 1.0's object filters: `where: { authorId: id }`.
        if (m_t.punct(first, "{") && m_t.close_of(first) != k_npos && m_t.close_of(first) <= last) {
          call.object_filter = true;
          const std::size_t end = m_t.close_of(first);
          for (std::size_t i = first + 1; i < end; ++i) {
            if (m_t.ident(i) && m_t.punct(i + 1, ":") && (m_t.punct(i - 1, "{") || m_t.punct(i - 1, ","))) {
              const std::size_t value_end = m_t.expression_end(i + 2, end - 1);
              if (!m_t.punct(i + 2, "{")) { // `{ gt: 3 }` is not an equality
                call.key_columns.push_back(std::string(m_t.tok(i).text));
                call.key_values.push_back(m_t.text(i + 2, value_end));
              } else {
                call.other_conditions = true;
              }
              i = value_end;
            }
          }
        }
      }
    }
    add(std::move(call), dot);
  }
  // `relations(posts, ({ one, many }) => ({ comments: many(comments), author:
  // one(users, {...}) }))`: each key with the table it leads to.
  // drizzle-orm 1.0's `defineRelations(schema, (r) => ({ authors: { posts:
  // r.many.posts(), ... }, posts: { writer: r.one.authors({...}) } }))`:
  // each table's keys with the table they lead to.
  void find_defined_relations() {
    for (std::size_t i = 0; i + 1 < m_t.size(); ++i) {
      if (!(m_t.ident(i, "defineRelations") || m_t.ident(i, "defineRelationsPart")) ||
          !m_t.punct(i + 1, "(") || m_t.close_of(i + 1) == k_npos) {
        continue;
      }
      const std::size_t close = m_t.close_of(i + 1);
      std::size_t open = i + 2;
      while (open < close &&
             !(m_t.punct(open, "=>") && m_t.punct(open + 1, "(") && m_t.punct(open + 2, "{"))) {
        ++open;
      }
      if (open >= close || m_t.close_of(open + 2) == k_npos) {
        continue;
      }
      for (const TokenRange& table : m_t.parts(open + 2)) {
        if (!m_t.ident(table.first) || !m_t.punct(table.first + 1, ":") || !m_t.punct(table.first + 2, "{") ||
            m_t.close_of(table.first + 2) == k_npos) {
          continue;
        }
        for (const TokenRange& part : m_t.parts(table.first + 2)) {
          const std::size_t key = part.first;
          // name: r.many.target(...)
          if (!m_t.ident(key) || !m_t.punct(key + 1, ":") || !m_t.ident(key + 2) ||
              !m_t.punct(key + 3, ".") || !(m_t.ident(key + 4, "many") || m_t.ident(key + 4, "one")) ||
              !m_t.punct(key + 5, ".") || !m_t.ident(key + 6) || !m_t.punct(key + 7, "(")) {
            continue;
          }
          model::DrizzleRelation relation;
          relation.table = m_t.tok(table.first).text;
          relation.name = m_t.tok(key).text;
          relation.target = m_t.tok(key + 6).text;
          relation.many = m_t.ident(key + 4, "many");
          relation.location = m_t.where(key);
          m_out.relations.push_back(std::move(relation));
        }
      }
      i = close;
    }
  }
  void find_relations() {
    for (std::size_t i = 0; i + 3 < m_t.size(); ++i) {
      if (!m_t.ident(i, "relations") || !m_t.punct(i + 1, "(") || (i > 0 && m_t.punct(i - 1, ".")) ||
          !m_t.ident(i + 2) || !m_t.punct(i + 3, ",")) {
        continue;
      }
      const std::size_t close = m_t.close_of(i + 1);
      if (close == k_npos) {
        continue;
      }
      const std::string table = table_name(i + 2, i + 2);
      // The callback's object literal: `=> ({` ... `})`.
      std::size_t open = i + 4;
      while (open < close &&
             !(m_t.punct(open, "=>") && m_t.punct(open + 1, "(") && m_t.punct(open + 2, "{"))) {
        ++open;
      }
      if (open >= close || m_t.close_of(open + 2) == k_npos) {
        continue;
      }
      for (const TokenRange& part : m_t.parts(open + 2)) {
        const std::size_t key = part.first;
        if (!m_t.ident(key) || !m_t.punct(key + 1, ":") ||
            !(m_t.ident(key + 2, "many") || m_t.ident(key + 2, "one")) || !m_t.punct(key + 3, "(") ||
            !m_t.ident(key + 4)) {
          continue;
        }
        model::DrizzleRelation relation;
        relation.table = table;
        relation.name = m_t.tok(key).text;
        relation.target = table_name(key + 4, key + 4);
        relation.many = m_t.ident(key + 2, "many");
        relation.location = m_t.where(key);
        m_out.relations.push_back(std::move(relation));
      }
      i = close;
    }
  }
};

} // namespace

DrizzleReading read_drizzle_calls(const TokenReader& tokens, const std::vector<ts::Import>& imports) {
  DrizzleReading out;
  DrizzleCallReader(tokens, imports, out).read();
  return out;
}

} // namespace pgadvise::loaders::scan
