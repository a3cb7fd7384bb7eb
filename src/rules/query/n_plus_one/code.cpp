// n-plus-one's code half: the Drizzle call in the project's TypeScript
// (model::QueryCall, from loaders/project/query_calls) that issues a per-row
// statement, and the fix written for that loop.
#include "rules/query/n_plus_one/code.hpp"

#include "advisor/drizzle_render.hpp"
#include "advisor/query_evidence.hpp"
#include "core/text.hpp"
#include "rules/query/n_plus_one/code_literal.hpp"
#include "rules/query/n_plus_one/loop_guard.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

namespace pgadvise::rules::n_plus_one {

namespace {

using model::ColumnUse;
using model::QueryStats;
using model::StatementKind;

bool uses_drizzle(const engine::RuleContext& context) {
  return context.project != nullptr && context.project->uses_drizzle;
}

// `name` as a whole identifier in a JavaScript expression.
bool contains_word(std::string_view text, std::string_view name) {
  const auto word_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
  };
  for (std::size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
    const std::size_t end = at + name.size();
    if ((at == 0 || !word_char(text[at - 1])) && (end == text.size() || !word_char(text[end]))) {
      return true;
    }
  }
  return false;
}

bool same_kind(StatementKind kind, model::QueryCallKind call) {
  switch (kind) {
  case StatementKind::select:
    return call == model::QueryCallKind::select || call == model::QueryCallKind::find_first ||
           call == model::QueryCallKind::find_many;
  case StatementKind::insert: return call == model::QueryCallKind::insert;
  case StatementKind::update: return call == model::QueryCallKind::update;
  case StatementKind::delete_: return call == model::QueryCallKind::remove;
  default: return false;
  }
}

// `src/routes/feed.ts` ends with `routes/feed.ts`, not with `ed.ts`.
bool path_ends_with(const std::string& file, const std::string& tail) {
  std::string_view t = tail;
  while (t.rfind("./", 0) == 0) {
    t.remove_prefix(2);
  }
  return !t.empty() && file.size() >= t.size() && file.compare(file.size() - t.size(), t.size(), t) == 0 &&
         (file.size() == t.size() || file[file.size() - t.size() - 1] == '/');
}

// "the for...of loop at a.ts:9:3", or for a function that calls itself
// "breadcrumbs()'s call of itself at a.ts:9:3".
std::string loop_at(const model::QueryCall& call) {
  return (call.loop == "recursion" ? call.loop_variable + "()'s call of itself"
                                   : "the " + call.loop + " loop") +
         " at " + call.loop_location.to_string();
}

// The rows a loop walks and one of them as an arrow function over them
// takes it: `for (const [index, row] of rows.entries())` walks `rows`, one
// `row`; another destructured element stays a pattern (`([key, value]) =>`).
struct LoopRows {
  std::string rows;
  std::string row;
  std::string params;  // an arrow's parameters over them: `row` or `row, index`
  std::string prelude; // `const rows = await ...;` when the loop walks a query's result in place
};

LoopRows loop_rows(const model::QueryCall& call) {
  LoopRows out{call.loop_iterable.empty() ? std::string("rows") : call.loop_iterable,
               call.loop_variable.empty() ? std::string("row") : call.loop_variable,
               {},
               {}};
  out.params = out.row;
  // `for (const order of await db.select()...)`: the rows bound once, then mapped.
  if (out.rows.rfind("await ", 0) == 0) {
    out.prelude = "const rows = " + out.rows + ";\n";
    out.rows = "rows";
  }
  const std::string_view entries = ".entries()";
  const std::size_t comma = out.row.find(',');
  if (out.rows.size() > entries.size() &&
      std::string_view(out.rows).substr(out.rows.size() - entries.size()) == entries &&
      out.row.front() == '[' && out.row.back() == ']' && comma != std::string::npos) {
    const std::string element(core::trim(out.row.substr(comma + 1, out.row.size() - comma - 2)));
    const std::string index(core::trim(out.row.substr(1, comma - 1)));
    if (!element.empty() && element.find_first_of("[]{},:.= ") == std::string::npos) {
      out.rows.resize(out.rows.size() - entries.size());
      out.row = element;
      out.params = index.empty() ? element : element + ", " + index;
    }
  }
  return out;
}

// `value` names the loop's element (or, destructured, one of its names).
bool names_row(const std::string& value, const std::string& row) {
  std::string word;
  for (const char c : row + " ") {
    const bool part = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
    if (part) {
      word += c;
    } else if (!word.empty()) {
      if (contains_word(value, word)) {
        return true;
      }
      word.clear();
    }
  }
  return false;
}

// The key column (the loop row's first, never a literal's; "" when all are: a join's) and its values.
std::pair<std::string, std::string> row_keys(const model::QueryCall& call,
                                             const std::vector<std::string>& props) {
  const LoopRows walk = loop_rows(call);
  const std::size_t none = call.key_columns.size();
  std::size_t chosen = none;
  int literals = 0; // keys compared with a literal, until one is not: then -1
  for (std::size_t i = 0; i < call.key_columns.size() && i < call.key_values.size(); ++i) {
    if (std::find(props.begin(), props.end(), call.key_columns[i]) == props.end()) {
      continue;
    }
    const bool literal = is_code_literal(call.key_values[i]);
    literals = literal && literals >= 0 ? literals + 1 : -1;
    if (!call.loop_variable.empty() && names_row(call.key_values[i], walk.row)) {
      chosen = i;
      break;
    }
    chosen = chosen == none && !literal ? i : chosen;
  }
  if (chosen == none) {
    return {literals > 0 ? std::string() : props.empty() ? std::string("id") : props.front(), "ids"};
  }
  std::string ids = "ids";
  const std::string& value = call.key_values[chosen];
  if (!call.loop_iterable.empty() && value == walk.row) {
    ids = walk.rows; // the rows are the keys
  } else if (!call.loop_iterable.empty() && !call.loop_variable.empty() && names_row(value, walk.row)) {
    ids = walk.rows + ".map((" + walk.params + ") => " + value + ")";
  }
  return {call.key_columns[chosen], ids};
}

// The handle the fix runs on: the loop body's own (`tx` inside a
// transaction, `ctx.db`, `this.db`) when the query sits in the loop's body;
// `db` when it is in a helper, whose handle the loop cannot see.
std::string handle_of(const model::QueryCall& call) {
  return call.chain.empty() && call.via.empty() && !call.receiver.empty() ? call.receiver : std::string("db");
}

// `value` (a helper's, in the loop's terms) can be written at the loop:
// the loop's own body sees its names; through a helper, only literals,
// `new Date()`, `sql` and the loop's element are known there (a helper's
// parameter that no caller passed from the loop is not).
bool in_loop_scope(const model::QueryCall& call, const std::string& value) {
  if (call.chain.empty() && call.via.empty()) {
    return true;
  }
  static const std::set<std::string, std::less<>> k_known = {"new",   "Date", "sql",      "true",
                                                             "false", "null", "undefined"};
  std::string word;
  char quote = 0;
  for (const char c : value + " ") {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') { // a template's text is read as code: its `${...}` can name anything
      quote = c;
      word.clear();
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$') {
      word += c;
      continue;
    }
    const bool number = !word.empty() && std::isdigit(static_cast<unsigned char>(word.front())) != 0;
    if (!word.empty() && !number && k_known.count(word) == 0 && !names_row(word, call.loop_variable)) {
      return false;
    }
    word.clear();
  }
  return true;
}

// The where of one statement for the loop's rows: the key's `inArray`,
// with every other condition of the loop's statement kept. A key compared
// with a value the loop can write there (`eq(t.isLocked, false)`, the
// request's `eq(t.teamId, teamId)`) stays as it is; one that differs per row
// (`eq(t.teamId, row.teamId)`) or that the loop cannot see, and the filters
// that are no equality (`isNull(t.archivedAt)`), stand in a comment: a
// batched UPDATE or DELETE without them writes rows the loop never touched.
std::string batch_filter(const model::QueryCall& call, const std::string& var, const std::string& member,
                         const std::string& ids) {
  std::vector<std::string> parts = {"inArray(" + member + ", " + ids + ")"};
  bool others = call.other_conditions;
  for (std::size_t i = 0; i < call.key_columns.size() && i < call.key_values.size(); ++i) {
    const std::string column = advisor::drizzle_member(var, call.key_columns[i]);
    if (column == member) {
      continue;
    }
    const std::string& value = call.key_values[i];
    // A row's own value, or one the loop cannot see, stays with the other
    // conditions; a value of the loop's scope guards the batch too.
    const bool per_row = !call.loop_variable.empty() && names_row(value, call.loop_variable);
    if (!per_row && in_loop_scope(call, value)) {
      parts.push_back("eq(" + column + ", " + value + ")");
    } else {
      others = true;
    }
  }
  if (others) {
    parts.push_back("/* the other conditions of " + call.location.to_string() + " */");
  }
  return parts.size() == 1 ? parts.front() : "and(" + core::join(parts, ", ") + ")";
}

// One update for the loop's rows. When each row sets values of its own
// (`.set({ balance: row.balance })`), one `inArray` update would give every
// row the same: those columns take each row's value through
// `case <key> when ... then ... end` (Drizzle's "update many with
// different values"), keyed by what the loop's where compares.
std::string update_fix(const model::QueryCall& call, const std::string& var, const std::string& member,
                       const std::string& ids) {
  const LoopRows walk = loop_rows(call);
  std::string key_value;
  for (std::size_t i = 0; i < call.key_values.size(); ++i) {
    if (advisor::drizzle_member(var, call.key_columns[i]) == member &&
        names_row(call.key_values[i], call.loop_variable)) {
      key_value = call.key_values[i];
    }
  }
  std::string set;
  bool per_row = false;
  bool unknown = false;
  for (std::size_t i = 0; i < call.set_columns.size() && i < call.set_values.size(); ++i) {
    const std::string& value = call.set_values[i];
    unknown = unknown || !in_loop_scope(call, value);
    if (call.set_columns[i] == "...") { // `.set(data)`: the object the loop's body passes
      set += (set.empty() ? "..." : ", ...") + value;
      continue;
    }
    set += (set.empty() ? "" : ", ") + call.set_columns[i] + ": ";
    if (!key_value.empty() && !call.loop_variable.empty() && names_row(value, call.loop_variable)) {
      per_row = true;
      set += "sql`(case ${" + member + "} ${sql.join(" + walk.rows + ".map((" + walk.params +
             ") => sql`when ${" + key_value + "} then ${" + value + "}`), sql` `)} end)`";
    } else {
      set += value;
    }
  }
  std::string out = "await " + handle_of(call) + ".update(" + var + ").set({ " +
                    (set.empty() || unknown ? "/* the values */" : set) + " }).where(" +
                    batch_filter(call, var, member, ids) + ");";
  if (per_row && !unknown) {
    out += "\n// each row keeps its own value through case ... end; cast a value that is not text to the "
           "column's type (then ${value}::integer), and import { sql } from \"drizzle-orm\"";
  }
  return out;
}

// Every `a.b` (or `schema.a.b`) in `text` names a column of `table`: the
// fields of a select without joins, which one read of `table` can give.
bool columns_of_only(std::string_view text, std::string_view table) {
  const auto word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
  };
  std::vector<std::string_view> chain;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && word_char(text[i])) {
      std::size_t end = i;
      while (end < text.size() && word_char(text[end])) {
        ++end;
      }
      chain.push_back(text.substr(i, end - i));
      i = end;
      if (i < text.size() && text[i] == '.') {
        continue; // the chain goes on
      }
    }
    if (chain.size() >= 2 && chain[chain.size() - 2] != table) {
      return false;
    }
    chain.clear();
  }
  return true;
}

// One read for the loop's rows: the key's `inArray`, with the loop's
// other conditions kept, its fields with the key to match rows by, and,
// for an aggregate (`{ n: count() }`), one group per key.
std::string select_fix(const model::QueryCall& call, const std::string& var, const std::string& prop,
                       const std::string& member, const std::string& ids) {
  std::string filter = "inArray(" + member + ", " + ids + ")";
  if (call.object_filter) {
    // drizzle-orm 1.0's relational where takes no inArray(): its object's `in`.
    filter =
        "{ " + prop + ": { in: " + ids + " }" +
        (call.other_conditions ? ", /* the other conditions of " + call.location.to_string() + " */" : "") +
        " }";
  } else {
    filter = batch_filter(call, var, member, ids);
  }
  if (call.kind == model::QueryCallKind::find_first || call.kind == model::QueryCallKind::find_many) {
    return "const found = await " + handle_of(call) + ".query." + var + ".findMany({ where: " + filter +
           " });";
  }
  std::string fields;
  const std::string& given = call.fields;
  if (given.size() > 2 && given.front() == '{' && given.back() == '}' && columns_of_only(given, var)) {
    const std::string inner(core::trim(std::string_view(given).substr(1, given.size() - 2)));
    fields = contains_word(inner, prop) || inner.find(member) != std::string::npos
                 ? "{ " + inner + " }"
                 : "{ " + prop + ": " + member + ", " + inner + " }";
  }
  bool aggregate = false;
  for (const char* function : {"count(", "countDistinct(", "sum(", "avg(", "min(", "max("}) {
    aggregate = aggregate || contains_word(fields, std::string_view(function, std::strlen(function) - 1));
  }
  return "const found = await " + handle_of(call) + ".select(" + fields + ").from(" + var + ").where(" +
         filter + ")" + (aggregate ? ".groupBy(" + member + ")" : std::string()) + ";";
}

// A read that takes `.limit(5)` for each row: one inArray() query with
// that limit would take five rows for all the rows together, so the batch
// keeps the limit per key: the relation's own `limit` (a relational query
// limits each parent's rows), for one row `selectDistinctOn` (PostgreSQL's
// DISTINCT ON: the first row of each key in the query's order), else a
// sketch to complete by hand (rows numbered per key in a subquery), never
// the plain inArray() query. The query's own orderBy goes into each.
std::string limited_fix(const model::QueryCall& call, const std::string& var, const std::string& prop,
                        const std::string& member, const std::string& ids, const std::string& parent_var,
                        const std::vector<model::DrizzleRelation>& relations) {
  const std::string rows = call.limit == "1" ? " row" : " rows";
  const std::string why = "// " + call.location.to_string() + " takes " + call.limit + rows +
                          " for each row of " + loop_at(call) + ": one inArray(" + member + ", " + ids +
                          ") query would take " + call.limit + rows + " in all, not " + call.limit +
                          " for each " + prop;
  // The order as the fix names the table (`schema.ticketEvents.createdAt`
  // of a namespace import is `ticketEvents.createdAt`, as in the fix's from()).
  std::vector<std::string> order_by;
  for (std::string each : call.order_by) {
    const std::string qualified = "." + var + ".";
    for (std::size_t at = each.find(qualified); at != std::string::npos; at = each.find(qualified, at + 1)) {
      std::size_t begin = at;
      while (begin > 0 && (std::isalnum(static_cast<unsigned char>(each[begin - 1])) != 0 ||
                           each[begin - 1] == '_' || each[begin - 1] == '$' || each[begin - 1] == '.')) {
        --begin;
      }
      each.erase(begin, at + 1 - begin);
      at = begin;
    }
    order_by.push_back(std::move(each));
  }
  const std::string order = core::join(order_by, ", ");
  for (const model::DrizzleRelation& relation : relations) {
    if (relation.table == parent_var && relation.target == var && relation.many) {
      // drizzle-orm 1.0's relational orderBy is an object, not these expressions.
      const std::string ordered = order.empty() || call.object_filter ? "" : "orderBy: [" + order + "], ";
      return "const found = await " + handle_of(call) + ".query." + parent_var + ".findMany({ with: { " +
             relation.name + ": { " + ordered + "limit: " + call.limit + " } } });\n" + why +
             "; the relation " + relation.name + " (" + relation.location.to_string() + ") takes " +
             call.limit + " for each " + parent_var + " row (keep the query's where" +
             (ordered.empty() ? " and orderBy" : "") + " in it)";
    }
  }
  // The key leads the order (DISTINCT ON and the numbering's partition both
  // want it first); the query's own order follows, without the key again.
  std::vector<std::string> rest;
  for (const std::string& each : order_by) {
    if (each != member) {
      rest.push_back(each);
    }
  }
  if (call.limit == "1") {
    const std::string filter = batch_filter(call, var, member, ids);
    return "const found = await " + handle_of(call) + ".selectDistinctOn([" + member + "]).from(" + var +
           ").where(" + filter + ").orderBy(" + member + (rest.empty() ? "" : ", " + core::join(rest, ", ")) +
           ");\n" + why + "; selectDistinctOn keeps one row for each " + prop +
           ", the first in the orderBy (PostgreSQL wants the DISTINCT ON expressions first in ORDER BY)" +
           (rest.empty() ? ", any one when the query gives no order" : "") +
           "; then take each row's match from `found` (by " + prop + ") inside the loop";
  }
  std::string numbered = "<the query's orderBy>";
  if (!rest.empty()) {
    numbered.clear();
    for (const std::string& each : rest) {
      numbered += (numbered.empty() ? "${" : ", ${") + each + "}";
    }
  }
  return "// not batched: " + why.substr(3) + ".\n// Keep " + call.limit + " for each " + prop +
         " by numbering the rows: a subquery of " + var + " where inArray(" + member + ", " + ids +
         ") with sql`row_number() over (partition by ${" + member + "} order by " + numbered +
         ")`.as(\"rank\"), then the rows whose rank <= " + call.limit +
         " (or a LATERAL join); else keep the loop";
}

// The Drizzle that replaces the loop's per-row statements with one: the
// code first (the line a short report shows), then what it replaces.
std::string batched_statement(const model::QueryCall& call, StatementKind kind, const std::string& var,
                              const std::vector<std::string>& props, const std::string& parent_var,
                              const std::vector<model::DrizzleRelation>& relations) {
  const std::string where = loop_at(call);
  const std::string transaction =
      !call.in_transaction
          ? std::string()
          : "\n// " +
                (call.chain.empty() || call.transaction_in_body ? std::string("the loop's body")
                                                                : call.chain.back().callee + "()") +
                " opens a transaction for each row: one statement for all rows needs none";
  if (kind == StatementKind::insert) {
    const LoopRows walk = loop_rows(call);
    return "await " + handle_of(call) + ".insert(" + var + ").values(" + walk.rows + ".map((" + walk.params +
           ") => ({ /* the row's values */ })));\n// one insert for all rows instead of one per row in " +
           where + transaction;
  }
  const auto [prop, ids] = row_keys(call, props);
  if (prop.empty()) { // an inArray() on a column the where compares with a literal batches by a constant
    std::vector<std::string> constants;
    for (std::size_t i = 0; i < call.key_columns.size() && i < call.key_values.size(); ++i) {
      constants.push_back(advisor::drizzle_member(var, call.key_columns[i]) + " = " + call.key_values[i]);
    }
    const LoopRows walk = loop_rows(call);
    return "// not batched: " + call.location.to_string() + " compares " + var + " only with literals (" +
           core::join(constants, ", ") + "); each " + walk.row +
           "'s rows come through another table's column "
           "(a join's).\n// Batch by it: inArray(<that column>, " +
           walk.rows + ".map((" + walk.params +
           ") => <its value>)) with these conditions kept, the column among the fields (and in groupBy() for "
           "an aggregate); then take each " +
           walk.row + "'s match from the result" + transaction;
  }
  const std::string member = advisor::drizzle_member(var, prop);
  if (kind == StatementKind::update) {
    return update_fix(call, var, member, ids) + "\n// one update for all rows instead of one per row in " +
           where + transaction;
  }
  if (kind == StatementKind::delete_) {
    return "await " + handle_of(call) + ".delete(" + var + ").where(" + batch_filter(call, var, member, ids) +
           ");\n// one delete for all rows instead of one per row in " + where + transaction;
  }
  if (!call.limit.empty()) {
    return limited_fix(call, var, prop, member, ids, parent_var, relations) + transaction;
  }
  std::string text = select_fix(call, var, prop, member, ids);
  text += "\n// one query for all rows instead of one per row in " + where +
          "; then take each row's match from "
          "`found` (by " +
          prop + ") inside the loop" + transaction;
  if (parent_var.empty()) {
    return text;
  }
  // The relation relations() declares from the parent's table to this one.
  const model::DrizzleRelation* relation = nullptr;
  for (const model::DrizzleRelation& candidate : relations) {
    if (candidate.table == parent_var && candidate.target == var && (relation == nullptr || candidate.many)) {
      relation = &candidate;
    }
  }
  if (relation != nullptr) {
    return text + "\n// or load them with the parent rows (relation " + relation->name + " at " +
           relation->location.to_string() + "): db.query." + parent_var + ".findMany({ with: { " +
           relation->name + ": true } })";
  }
  return text + "\n// or load them with the parent rows, given a relation in relations(): db.query." +
         parent_var + ".findMany({ with: { <relation to " + var + ">: true } })";
}

std::string drizzle_fix(const model::QueryCall& call, StatementKind kind, const std::string& var,
                        const std::vector<std::string>& props, const std::string& parent_var,
                        const std::vector<model::DrizzleRelation>& relations) {
  return loop_guard_note(call, kind) + loop_rows(call).prelude + // the warning of a write under an `if`
         batched_statement(call, kind, var, props, parent_var, relations);
}

// The calls that can issue the statement: those in a loop that follows a
// read of the parent's table, and where else it is read.
struct CallSearch {
  std::vector<const model::QueryCall*> in_loops;
  std::vector<std::string> elsewhere; // the same read, not in a loop over the parent's rows
  std::size_t issuers = 0;            // calls in loops that can issue the statement
  std::size_t constant_issuers = 0;   // of them, in loops over constant lists
  const model::QueryCall* constant_loop = nullptr;
};

// `transaction_per_row`: the log's runs are a transaction per row, so only
// a loop that opens one per row can issue them (the same insert in a loop
// inside one transaction, a copy's, is another code path).
CallSearch search_calls(const model::Project& project, const model::Table& table, StatementKind kind,
                        const std::vector<std::string>& props, const std::string& parent_var,
                        bool transaction_per_row) {
  CallSearch found;
  for (const model::QueryCall& call : project.query_calls) {
    if (call.table != table.property || !same_kind(kind, call.kind)) {
      continue;
    }
    const bool by_key =
        kind == StatementKind::insert ||
        std::any_of(call.key_columns.begin(), call.key_columns.end(), [&](const std::string& c) {
          return std::find(props.begin(), props.end(), c) != props.end();
        });
    if (!by_key) {
      continue;
    }
    found.issuers += call.loop.empty() ? 0U : 1U;
    if (call.loop_constant > 0) {
      ++found.constant_issuers;
      found.constant_loop = found.constant_loop != nullptr ? found.constant_loop : &call;
    }
    const bool after_parent =
        parent_var.empty() || std::find(call.tables_before.begin(), call.tables_before.end(), parent_var) !=
                                  call.tables_before.end();
    const bool per_row_transaction = !transaction_per_row || opens_transaction_per_row(call);
    if (!call.loop.empty() && after_parent && per_row_transaction) {
      found.in_loops.push_back(&call);
    } else if (found.elsewhere.size() < 3) {
      const core::SourceLocation& at = call.via.empty() ? call.location : call.via_location;
      found.elsewhere.push_back(
          at.to_string() + (call.loop.empty() ? " (outside any loop)"
                            : !after_parent ? " (in a loop that does not follow a read of " + parent_var + ")"
                                            : " (in a loop that does not open a transaction per row)"));
    }
  }
  return found;
}

// The loop runs over the parent's rows: it follows a read of the parent's
// table in the same function (when the parent is known).
std::string parent_variable(const engine::RuleContext& context, const QueryStats* parent) {
  if (parent == nullptr || parent->shape.tables.empty()) {
    return {};
  }
  const model::Table* parent_table = advisor::find_table(context.catalog, parent->shape.tables.front().schema,
                                                         parent->shape.tables.front().name);
  return parent_table != nullptr ? parent_table->property.str() : std::string();
}

// sqlcommenter's file= names the code path's file (`file='src/routes/feed.ts:14'`).
std::string file_tag_of(const model::Workload::CodePath* path) {
  std::string file_tag = path != nullptr ? path->file : std::string();
  if (const std::size_t colon = file_tag.find(':'); colon != std::string::npos) {
    file_tag.resize(colon);
  }
  return file_tag;
}

// The loops in the tagged file (all when untagged); several calls in one
// loop are one place to change.
std::vector<const model::QueryCall*> distinct_loops(std::vector<const model::QueryCall*> in_loops,
                                                    const std::string& file_tag) {
  if (!file_tag.empty()) {
    std::erase_if(in_loops, [&](const model::QueryCall* call) {
      return !path_ends_with(call->location.file, file_tag) &&
             !path_ends_with(call->loop_location.file, file_tag);
    });
  }
  std::vector<const model::QueryCall*> loops;
  for (const model::QueryCall* call : in_loops) {
    if (std::none_of(loops.begin(), loops.end(), [&](const model::QueryCall* seen) {
          return seen->loop_location == call->loop_location;
        })) {
      loops.push_back(call);
    }
  }
  return loops;
}

// Every call that can issue it runs in a loop over a constant list: the
// same few statements whatever the data, so no N+1 (at most info), even
// where the log's parent does not single the loop out.
void constant_only(const CallSearch& found, std::size_t loops, core::Finding& finding) {
  const model::QueryCall* constant_loop = found.constant_loop;
  if (constant_loop == nullptr || found.issuers != found.constant_issuers || loops == 1) {
    return;
  }
  finding.severity = std::min(finding.severity, core::Severity::info);
  finding.message += "; the only code that issues it is the " + constant_loop->loop + " loop at " +
                     constant_loop->loop_location.to_string() + " over a constant list of " +
                     std::to_string(constant_loop->loop_constant) + " (" + constant_loop->loop_iterable +
                     "), which makes that many statements whatever the data";
}

// No loop found: say what was searched and where else the statement is read.
void no_loop_evidence(const model::Project& project, const std::string& what, const std::string& parent_var,
                      const std::string& file_tag, const CallSearch& found, core::Finding& finding) {
  std::string detail =
      "no Drizzle call found in the project's TypeScript that reads " + what + " inside a loop" +
      (parent_var.empty() ? std::string() : " over rows read from " + parent_var) + " (" +
      std::to_string(project.query_files_searched) +
      (project.query_files_searched == 1 ? " file" : " files") + " searched" +
      (file_tag.empty() ? std::string() : ", in " + file_tag + " as the log's file= tag says") + ")";
  if (!found.elsewhere.empty()) {
    detail += "; it is read at " + core::join(found.elsewhere, ", ");
  }
  finding.evidence.push_back(core::Evidence{core::Evidence::Kind::code, detail, {}});
}

// The finding sits at the loop; its evidence follows the calls to the query.
void place_at_loop(const model::QueryCall& call, core::Finding& finding) {
  finding.location = call.loop_location;
  finding.message += ", issued by " + loop_at(call);
  if (!call.chain.empty()) {
    finding.message += " through " + call.chain.front().callee + "()";
  }
  finding.evidence.insert(finding.evidence.begin(),
                          core::Evidence{core::Evidence::Kind::code, call_place(call), call.location});
  if (call.loop_constant > 0) {
    // Always the same few statements, whatever the data: not an N+1.
    finding.severity = std::min(finding.severity, core::Severity::info);
    finding.message += "; the loop runs over a constant list of " + std::to_string(call.loop_constant) +
                       (call.loop_constant == 1 ? " element" : " elements") + " (" + call.loop_iterable +
                       "), so it makes that many statements whatever the data";
  }
}

} // namespace

StatementKind statement_kind(model::QueryCallKind kind) {
  switch (kind) {
  case model::QueryCallKind::insert: return StatementKind::insert;
  case model::QueryCallKind::update: return StatementKind::update;
  case model::QueryCallKind::remove: return StatementKind::delete_;
  default: return StatementKind::select;
  }
}

// A call that can issue a run of transactions, one per row: a transaction
// opens inside the loop (the helper the loop calls opens it) and the loop
// itself runs outside any (one inside a transaction would be a savepoint
// per row, never a BEGIN ... COMMIT of its own).
bool opens_transaction_per_row(const model::QueryCall& call) {
  return call.in_transaction && !call.loop_in_transaction;
}

// "the for...of loop at a.ts:9:3 over rows -> repo.find() (repo.ts:4:14,
// called at a.ts:10:5) -> the Drizzle call at repo.ts:5:10"
std::string call_place(const model::QueryCall& call) {
  std::string out =
      loop_at(call) + (call.loop_iterable.empty() ? std::string() : " over " + call.loop_iterable);
  for (const model::QueryCallStep& step : call.chain) {
    out += " -> " + step.callee + "() (" + step.declaration.to_string() + ", called at " +
           step.call.to_string() + ")";
  }
  if (call.chain.empty() && !call.via.empty()) {
    out += " -> " + call.via + "() (called at " + call.via_location.to_string() + ")";
  }
  return out + " -> the Drizzle call at " + call.location.to_string();
}

// Without a log there is no parent statement: the loop's rows come from a
// table read before it in its function, the one relations() links to the
// looked-up table first.
std::string loop_fix(const model::QueryCall& call, const model::Project& project) {
  std::string parent_var;
  for (const std::string& before : call.tables_before) {
    const bool related = std::any_of(
        project.drizzle_relations.begin(), project.drizzle_relations.end(),
        [&](const model::DrizzleRelation& r) { return r.table == before && r.target == call.table; });
    if (related || parent_var.empty()) {
      parent_var = before;
    }
    if (related) {
      break;
    }
  }
  return drizzle_fix(call, statement_kind(call.kind), call.table, call.key_columns, parent_var,
                     project.drizzle_relations);
}

// Columns the statement looks rows up by, on its first table.
std::vector<std::string> lookup_columns(const QueryStats& query) {
  std::vector<std::string> out;
  const std::string table = query.shape.tables.empty() ? std::string() : query.shape.tables.front().name;
  for (const model::ColumnUsage& usage : query.shape.columns) {
    if ((usage.use == ColumnUse::equality || usage.use == ColumnUse::in_list) &&
        (usage.table.empty() || usage.table == table) &&
        std::find(out.begin(), out.end(), usage.column) == out.end()) {
      out.push_back(usage.column);
    }
  }
  return out;
}

void place_at_call(const engine::RuleContext& context, const model::QueryCall& call, const QueryStats& query,
                   const std::string& parent_var, core::Finding& finding, core::Fix& fix) {
  const model::Table* table = query.shape.tables.empty()
                                  ? nullptr
                                  : advisor::find_table(context.catalog, query.shape.tables.front().schema,
                                                        query.shape.tables.front().name);
  std::vector<std::string> props;
  for (const std::string& column : lookup_columns(query)) {
    props.push_back(table != nullptr ? advisor::drizzle_property(*table, column)
                                     : core::snake_to_camel(column));
  }
  place_at_loop(call, finding);
  fix.code().at = finding.location.file + ":" + std::to_string(finding.location.line);
  fix.code().code = drizzle_fix(call, query.shape.kind, table != nullptr ? table->property.str() : call.table,
                                props, parent_var, context.project->drizzle_relations);
}

void locate_in_code(const engine::RuleContext& context, const QueryStats& query, const QueryStats* parent,
                    const model::Workload::CodePath* path, LoggedRuns runs, core::Finding& finding,
                    core::Fix& fix) {
  const model::Project* project = context.project;
  if (project == nullptr || !project->scanned || !uses_drizzle(context) || query.shape.tables.empty()) {
    return;
  }
  const model::TableUse& ref = query.shape.tables.front();
  const model::Table* table = advisor::find_table(context.catalog, ref.schema, ref.name);
  if (table == nullptr || table->property.empty()) {
    finding.evidence.push_back(
        core::Evidence{core::Evidence::Kind::code,
                       "no Drizzle call looked up: the schema gives no Drizzle table variable for " +
                           ref.name + " (schema.ts not read)",
                       {}});
    return;
  }
  std::vector<std::string> props;
  for (const std::string& column : lookup_columns(query)) {
    props.push_back(advisor::drizzle_property(*table, column));
  }
  const std::string parent_var = parent_variable(context, parent);
  const StatementKind kind = query.shape.kind;
  const CallSearch found = search_calls(*project, *table, kind, props, parent_var, runs.transaction_per_row);
  const std::string file_tag = file_tag_of(path);
  std::vector<const model::QueryCall*> loops = distinct_loops(found.in_loops, file_tag);
  const std::string what =
      table->property + (props.empty() ? std::string() : " by " + core::join(props, ", "));
  constant_only(found, loops.size(), finding);
  // Each row a transaction of its own: only a loop that opens one per row
  // issues that, whichever statement the log shows before it (a pool's
  // other users' statements stand there as often as the loop's own). Runs
  // all grouped across a pool's backends were judged after a statement the
  // moment suggests: the loop is the one loop that issues the statement.
  const bool parent_unsaid =
      loops.empty() && (runs.transaction_per_row || runs.parent_unsure) && !parent_var.empty();
  if (parent_unsaid) {
    loops = distinct_loops(search_calls(*project, *table, kind, props, {}, runs.transaction_per_row).in_loops,
                           file_tag);
  }
  if (loops.empty()) {
    no_loop_evidence(*project, what, parent_var, file_tag, found, finding);
    return;
  }
  if (loops.size() > 1) {
    std::vector<std::string> places;
    for (const model::QueryCall* call : loops) {
      places.push_back(call_place(*call));
    }
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::code,
        std::to_string(loops.size()) + " Drizzle calls in loops " +
            (kind == StatementKind::select ? "read" : std::string(model::to_string(kind))) + " " + what +
            "; the log cannot tell which one issues these bursts: " + core::join(places, "; "),
        {}});
    return;
  }
  const model::QueryCall& call = *loops.front();
  place_at_loop(call, finding);
  if (parent_unsaid) {
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::code,
        "no read of " + parent_var +
            " (the statement the log shows before the runs) comes before the loop in its function; " +
            (runs.transaction_per_row
                 ? "it is the only loop that opens a transaction per row and issues this statement, and no "
                   "other code makes a transaction per row of it"
                 : "every run ran across a pool's backends, where the statement before them is other users' "
                   "as often as the loop's own, and it is the only loop that issues this statement"),
        {}});
  }
  fix.code().at = finding.location.file + ":" + std::to_string(finding.location.line);
  fix.code().code = drizzle_fix(call, kind, table->property, props,
                                parent_unsaid ? std::string() : parent_var, project->drizzle_relations);
}

} // namespace pgadvise::rules::n_plus_one
