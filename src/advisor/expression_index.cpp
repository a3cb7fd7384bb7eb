#include "advisor/expression_index.hpp"

#include "advisor/drizzle_render.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"
#include "advisor/index_naming.hpp"
#include "advisor/query_evidence.hpp"
#include "advisor/query_index_candidate.hpp"
#include "core/text.hpp"
#include "model/type_ref.hpp"
#include "pg/query_analysis.hpp"

#include <algorithm>
#include <array>
#include <functional>

namespace pgadvise::advisor {

namespace {

using Json = nlohmann::json;
using ColumnText = std::function<std::string(const std::string&)>;

const Json k_null;

const Json& member(const Json& node, const char* key) {
  if (!node.is_object()) {
    return k_null;
  }
  const auto it = node.find(key);
  return it == node.end() ? k_null : *it;
}

std::string string_of(const Json& node) {
  const Json& value = member(member(node, "String"), "sval");
  return value.is_string() ? value.get<std::string>() : std::string();
}

// A qualified name list without pg_catalog: {"pg_catalog", "int4"} -> {"int4"}.
std::vector<std::string> names_of(const Json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) {
    return out;
  }
  for (const Json& item : list) {
    out.push_back(string_of(item));
  }
  if (out.size() == 2 && out.front() == "pg_catalog") {
    out.erase(out.begin());
  }
  return out;
}

std::string function_name(const Json& call) {
  const auto names = names_of(member(call, "funcname"));
  return names.size() == 1 ? core::to_lower(names.front()) : std::string();
}

std::string column_of(const Json& ref) {
  const Json& fields = member(ref, "fields");
  return fields.is_array() && !fields.empty() ? string_of(fields.back()) : std::string();
}

std::optional<std::string> render_const(const Json& constant) {
  if (member(constant, "isnull").is_boolean()) {
    return std::string("NULL");
  }
  if (const Json& text = member(member(constant, "sval"), "sval"); text.is_string()) {
    return core::quote_literal(text.get<std::string>());
  }
  if (constant.contains("sval")) {
    return std::string("''"); // protobuf JSON omits the empty string
  }
  if (const Json& ival = member(constant, "ival"); ival.is_object()) {
    const Json& number = member(ival, "ival");
    return number.is_number_integer() ? std::to_string(number.get<std::int64_t>()) : std::string("0");
  }
  if (const Json& fval = member(member(constant, "fval"), "fval"); fval.is_string()) {
    return fval.get<std::string>();
  }
  if (const Json& boolean = member(constant, "boolval"); boolean.is_object()) {
    return std::string(
        member(boolean, "boolval").is_boolean() && member(boolean, "boolval").get<bool>() ? "true" : "false");
  }
  return std::nullopt;
}

std::optional<std::string> render_type(const Json& type_name) {
  std::vector<std::string> parts;
  for (const std::string& name : names_of(member(type_name, "names"))) {
    if (name.empty()) {
      return std::nullopt;
    }
    parts.push_back(core::quote_ident(name));
  }
  if (parts.empty()) {
    return std::nullopt;
  }
  std::string out = core::join(parts, ".");
  if (const Json& mods = member(type_name, "typmods"); mods.is_array() && !mods.empty()) {
    std::vector<std::string> values;
    for (const Json& mod : mods) {
      auto value = render_const(member(mod, "A_Const"));
      if (!value) {
        return std::nullopt;
      }
      values.push_back(*value);
    }
    out += "(" + core::join(values, ",") + ")";
  }
  for (std::size_t i = 0; i < member(type_name, "arrayBounds").size(); ++i) {
    out += "[]";
  }
  return out;
}

std::optional<std::string> render(const Json& node, const ColumnText& column, int depth);

// An operand of a cast or an operator: parenthesized unless it is atomic.
std::optional<std::string> operand(const Json& node, const ColumnText& column, int depth) {
  auto text = render(node, column, depth + 1);
  if (!text) {
    return std::nullopt;
  }
  // `::` binds tighter than any operator: a cast needs no parentheses of its own.
  const bool atomic = node.contains("ColumnRef") || node.contains("FuncCall") || node.contains("TypeCast") ||
                      (node.contains("A_Const") && text->front() != '-');
  return atomic ? *text : "(" + *text + ")";
}

std::optional<std::string> render_call(const Json& call, const ColumnText& column, int depth) {
  if (member(call, "agg_star").is_boolean() || member(call, "agg_distinct").is_boolean() ||
      member(call, "func_variadic").is_boolean() || !member(call, "over").is_null() ||
      !member(call, "agg_order").is_null() || !member(call, "agg_filter").is_null()) {
    return std::nullopt;
  }
  const auto names = names_of(member(call, "funcname"));
  if (names.empty()) {
    return std::nullopt;
  }
  std::vector<std::string> args;
  for (const Json& arg : member(call, "args")) {
    auto text = render(arg, column, depth + 1);
    if (!text) {
      return std::nullopt;
    }
    args.push_back(std::move(*text));
  }
  const std::string name = core::to_lower(names.back());
  const bool sql_syntax = member(call, "funcformat").is_string() &&
                          member(call, "funcformat").get<std::string>() == "COERCE_SQL_SYNTAX";
  if (names.size() == 1 && name == "extract" && sql_syntax && args.size() == 2) {
    // EXTRACT(day FROM x) parses to extract('day', x); the keyword form reads back the same.
    const Json& field = member(member(member(call, "args")[0], "A_Const"), "sval");
    if (!field.is_object() || !member(field, "sval").is_string()) {
      return std::nullopt;
    }
    return "EXTRACT(" + member(field, "sval").get<std::string>() + " FROM " + args[1] + ")";
  }
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const std::string& part : names) {
    quoted.push_back(core::quote_ident(part));
  }
  return core::join(quoted, ".") + "(" + core::join(args, ", ") + ")";
}

std::optional<std::string> render(const Json& node, const ColumnText& column, int depth) {
  if (depth > 64 || !node.is_object()) {
    return std::nullopt;
  }
  if (const Json& ref = member(node, "ColumnRef"); !ref.is_null()) {
    const std::string name = column_of(ref);
    if (name.empty() || member(ref, "fields").size() != 1) {
      return std::nullopt;
    }
    return column(name);
  }
  if (const Json& constant = member(node, "A_Const"); !constant.is_null()) {
    return render_const(constant);
  }
  if (const Json& cast = member(node, "TypeCast"); !cast.is_null()) {
    auto arg = operand(member(cast, "arg"), column, depth);
    auto type = render_type(member(cast, "typeName"));
    if (!arg || !type) {
      return std::nullopt;
    }
    return *arg + "::" + *type;
  }
  if (const Json& call = member(node, "FuncCall"); !call.is_null()) {
    return render_call(call, column, depth);
  }
  if (const Json& expr = member(node, "A_Expr"); !expr.is_null()) {
    const Json& kind = member(expr, "kind");
    const auto op = names_of(member(expr, "name"));
    if (!kind.is_string() || kind.get<std::string>() != "AEXPR_OP" || op.size() != 1) {
      return std::nullopt;
    }
    auto right = operand(member(expr, "rexpr"), column, depth);
    if (!right) {
      return std::nullopt;
    }
    if (member(expr, "lexpr").is_null()) {
      return op.front() + *right;
    }
    auto left = operand(member(expr, "lexpr"), column, depth);
    if (!left) {
      return std::nullopt;
    }
    return *left + " " + op.front() + " " + *right;
  }
  return std::nullopt;
}

// The index element for an expression: a bare column or function call as
// it is, anything else in parentheses (CREATE INDEX's grammar).
std::string element_of(const Json& expression, const std::string& text) {
  const bool bare =
      expression.contains("ColumnRef") || (expression.contains("FuncCall") && text.rfind("EXTRACT(", 0) != 0);
  return bare ? text : "(" + text + ")";
}

// --- immutability -------------------------------------------------------

bool is_datetime(std::string_view type) {
  static constexpr std::array<std::string_view, 6> k_types = {"timestamp", "timestamptz", "date",
                                                              "time",      "timetz",      "interval"};
  return std::find(k_types.begin(), k_types.end(), type) != k_types.end();
}

// The type of an expression as far as the checks below need it; "" when unknown.
std::string type_of(const Json& node, const model::Table& table) {
  if (const Json& ref = member(node, "ColumnRef"); !ref.is_null()) {
    const model::Column* column = table.find_column(column_of(ref));
    if (column == nullptr || column->type.is_array()) {
      return {};
    }
    return column->type.name;
  }
  if (const Json& cast = member(node, "TypeCast"); !cast.is_null()) {
    const auto names = names_of(member(member(cast, "typeName"), "names"));
    return names.empty() || !member(member(cast, "typeName"), "arrayBounds").is_null()
               ? std::string()
               : model::canonical_type_name(names.back());
  }
  if (const Json& expr = member(node, "A_Expr"); !expr.is_null()) {
    const auto op = names_of(member(expr, "name"));
    if (op.size() == 1 && (op.front() == "->>" || op.front() == "#>>")) {
      return "text";
    }
    if (op.size() == 1 && (op.front() == "->" || op.front() == "#>")) {
      return type_of(member(expr, "lexpr"), table);
    }
    return {};
  }
  if (const Json& call = member(node, "FuncCall"); !call.is_null()) {
    const std::string name = function_name(call);
    if (name == "lower" || name == "upper" || name == "btrim" || name == "md5" ||
        name == "jsonb_extract_path_text" || name == "json_extract_path_text") {
      return "text";
    }
  }
  if (const Json& constant = member(node, "A_Const"); !constant.is_null()) {
    return "unknown";
  }
  return {};
}

// Built-in functions PostgreSQL marks IMMUTABLE for every argument type an
// index on text or JSON would give them.
bool immutable_function(std::string_view name) {
  static constexpr std::array<std::string_view, 24> k_functions = {"lower",
                                                                   "upper",
                                                                   "btrim",
                                                                   "ltrim",
                                                                   "rtrim",
                                                                   "trim",
                                                                   "md5",
                                                                   "length",
                                                                   "char_length",
                                                                   "left",
                                                                   "right",
                                                                   "substr",
                                                                   "substring",
                                                                   "abs",
                                                                   "reverse",
                                                                   "split_part",
                                                                   "replace",
                                                                   "jsonb_extract_path_text",
                                                                   "jsonb_extract_path",
                                                                   "json_extract_path_text",
                                                                   "json_extract_path",
                                                                   "jsonb_typeof",
                                                                   "json_typeof",
                                                                   "array_length"};
  return std::find(k_functions.begin(), k_functions.end(), name) != k_functions.end();
}

std::optional<std::string> check(const Json& node, const model::Table& table, int depth);

std::optional<std::string> check_children(const Json& node, const model::Table& table, int depth) {
  if (node.is_array()) {
    for (const Json& item : node) {
      if (auto reason = check(item, table, depth + 1)) {
        return reason;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_call(const Json& call, const model::Table& table, int depth) {
  const std::string name = function_name(call);
  const Json& args = member(call, "args");
  if (name == "date_trunc" || name == "date_part" || name == "extract") {
    const std::string shown = name == "extract" ? "EXTRACT" : name;
    const std::string type = args.is_array() && args.size() == 2 ? type_of(args[1], table) : std::string();
    const bool ok = type == "timestamp" || ((name == "date_part" || name == "extract") && type == "date");
    if (!ok) {
      return shown + "() on " + (type.empty() ? std::string("a value of unknown type") : type) +
             " is not IMMUTABLE (on timestamptz it depends on the session's TimeZone), and PostgreSQL "
             "accepts only IMMUTABLE functions in an index; filter on a range of the column instead "
             "(col >= $1 AND col < $1 + interval '1 day'), which a plain index serves";
    }
    return check_children(args, table, depth);
  }
  if (!immutable_function(name)) {
    return (name.empty() ? std::string("a schema-qualified function") : name + "()") +
           " is not known to be IMMUTABLE (now(), random(), to_char() and the like change with the "
           "clock, the session or each call), and PostgreSQL accepts only IMMUTABLE functions in an index";
  }
  return check_children(args, table, depth);
}

std::optional<std::string> check_cast(const Json& cast, const model::Table& table, int depth) {
  const Json& arg = member(cast, "arg");
  if (arg.contains("A_Const")) {
    return std::nullopt; // a typed literal is a constant
  }
  const std::string from = type_of(arg, table);
  const auto names = names_of(member(member(cast, "typeName"), "names"));
  const std::string to = names.empty() ? std::string() : model::canonical_type_name(names.back());
  const bool reg = to.rfind("reg", 0) == 0 || from.rfind("reg", 0) == 0;
  const bool datetime = is_datetime(to) || is_datetime(from);
  const bool fixed =
      from == to || (from == "timestamp" && to == "date") || (from == "date" && to == "timestamp");
  if (reg || (datetime && (from.empty() || !fixed))) {
    return "the cast " + (from.empty() ? std::string("of an expression") : "from " + from) + " to " + to +
           " is not IMMUTABLE (it depends on the session's TimeZone, DateStyle or search_path), and "
           "PostgreSQL accepts only IMMUTABLE expressions in an index";
  }
  return check(arg, table, depth + 1);
}

std::optional<std::string> check(const Json& node, const model::Table& table, int depth) {
  if (depth > 64) {
    return std::string("the expression is too deeply nested");
  }
  if (const Json& ref = member(node, "ColumnRef"); !ref.is_null()) {
    if (table.find_column(column_of(ref)) == nullptr) {
      return column_of(ref) + " is not a column of " + table.name;
    }
    return std::nullopt;
  }
  if (node.contains("A_Const")) {
    return std::nullopt;
  }
  if (const Json& cast = member(node, "TypeCast"); !cast.is_null()) {
    return check_cast(cast, table, depth);
  }
  if (const Json& call = member(node, "FuncCall"); !call.is_null()) {
    return check_call(call, table, depth);
  }
  if (const Json& expr = member(node, "A_Expr"); !expr.is_null()) {
    const auto op = names_of(member(expr, "name"));
    if (op.size() == 1 &&
        (op.front() == "->" || op.front() == "->>" || op.front() == "#>" || op.front() == "#>>")) {
      const std::string type = type_of(member(expr, "lexpr"), table);
      if (type != "json" && type != "jsonb") {
        return op.front() + " needs json or jsonb, not " +
               (type.empty() ? std::string("an unknown type") : type) +
               " (cast the column, or convert it: json-in-text-column)";
      }
    }
    for (const char* side : {"lexpr", "rexpr"}) {
      const Json& operand_node = member(expr, side);
      if (operand_node.is_null()) {
        continue;
      }
      const std::string type = type_of(operand_node, table);
      if (type == "timestamptz" || type == "timetz") {
        return "arithmetic on " + type +
               " is not IMMUTABLE (it depends on the session's TimeZone), and PostgreSQL accepts only "
               "IMMUTABLE expressions in an index";
      }
      if (auto reason = check(operand_node, table, depth + 1)) {
        return reason;
      }
    }
    return std::nullopt;
  }
  return std::string("the expression has a part pgadvise does not render as an index key");
}

// --- names and Drizzle -------------------------------------------------

// Identifier-friendly words of an expression: columns, functions, string
// constants ("settings", "theme"), lower-cased, [a-z0-9_] only.
void name_words(const Json& node, std::vector<std::string>& words, int depth) {
  if (depth > 64) {
    return;
  }
  const auto add = [&](const std::string& text) {
    std::string word;
    for (char c : core::to_lower(text)) {
      const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (keep) {
        word += c;
      } else if (!word.empty() && word.back() != '_') {
        word += '_';
      }
    }
    while (!word.empty() && word.back() == '_') {
      word.pop_back();
    }
    if (!word.empty() && word.size() <= 24 && std::find(words.begin(), words.end(), word) == words.end()) {
      words.push_back(std::move(word));
    }
  };
  if (node.is_array()) {
    for (const Json& item : node) {
      name_words(item, words, depth + 1);
    }
    return;
  }
  if (!node.is_object()) {
    return;
  }
  if (const Json& ref = member(node, "ColumnRef"); !ref.is_null()) {
    add(column_of(ref));
    return;
  }
  if (const Json& text = member(member(member(node, "A_Const"), "sval"), "sval"); text.is_string()) {
    add(text.get<std::string>());
    return;
  }
  if (const Json& call = member(node, "FuncCall"); !call.is_null()) {
    add(function_name(call));
    name_words(member(call, "args"), words, depth + 1);
    return;
  }
  if (const Json& cast = member(node, "TypeCast"); !cast.is_null()) {
    name_words(member(cast, "arg"), words, depth + 1);
    return;
  }
  if (const Json& expr = member(node, "A_Expr"); !expr.is_null()) {
    name_words(member(expr, "lexpr"), words, depth + 1);
    name_words(member(expr, "rexpr"), words, depth + 1);
  }
}

// Text inside a JavaScript template literal: `, \ and ${ escaped.
std::string template_text(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '`' || c == '\\' || (c == '$' && i + 1 < text.size() && text[i + 1] == '{')) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string drizzle_param(const model::Table& table) {
  return table.drizzle_config_param.empty() ? std::string("table") : table.drizzle_config_param;
}

// --- coverage ----------------------------------------------------------

bool gin_opclass_serves(std::string_view existing, std::string_view wanted) {
  const std::string have = core::to_lower(existing);
  if (have.empty() || have == "jsonb_ops") {
    return true; // jsonb_ops answers @> and the ? operators
  }
  return have == "jsonb_path_ops" && wanted == "jsonb_path_ops";
}

void mark_covered(const model::Catalog& catalog, ExpressionIndexCandidate& candidate, const Json& expression,
                  const std::string& text, const std::string& opclass) {
  const std::string column = expression.contains("ColumnRef") ? column_of(expression["ColumnRef"]) : "";
  for (const model::Index* index : usable_indexes(catalog, *candidate.table)) {
    if (!index->valid || index->is_partial() || index->keys.empty() ||
        core::to_lower(index->method.empty() ? "btree" : index->method) != candidate.method) {
      continue;
    }
    const model::IndexKey& key = index->keys.front();
    const bool same =
        !column.empty() ? key.column == column : key.column.empty() && same_expression(key.expression, text);
    if (same && (candidate.method != "gin" || gin_opclass_serves(key.opclass, opclass))) {
      candidate.covered = true;
      candidate.covered_by = index->name;
      return;
    }
  }
}

struct Built {
  ExpressionIndexCandidate candidate;
  Json expression;
  std::string opclass;
};

std::vector<ExpressionIndexCandidate> candidates_from(const std::vector<pg::ExpressionFilter>& filters,
                                                      const model::Catalog& catalog,
                                                      std::vector<ExpressionSkip>* skipped) {
  std::vector<Built> built;
  for (const pg::ExpressionFilter& filter : filters) {
    const model::Table* table = find_table(&catalog, filter.schema, filter.table);
    if (table == nullptr) {
      continue;
    }
    const auto plain = [](const std::string& name) { return core::quote_ident(name); };
    const auto text = render(filter.expression, plain, 0);
    if (!text) {
      continue;
    }
    if (auto reason = not_immutable_reason(filter.expression, *table)) {
      if (skipped != nullptr) {
        skipped->push_back(ExpressionSkip{table, *text, std::move(*reason)});
      }
      continue;
    }
    const bool gin = filter.use == model::ColumnUse::json_operator;
    if (gin && type_of(filter.expression, *table) != "jsonb") {
      continue; // @> and ? on json, arrays or text: not a jsonb GIN index
    }
    const std::string method = gin ? "gin" : "btree";
    const std::string opclass = gin && filter.op == "@>" ? "jsonb_path_ops" : "";
    auto same = std::find_if(built.begin(), built.end(), [&](const Built& b) {
      return b.candidate.table == table && b.candidate.method == method && b.candidate.expression == *text;
    });
    if (same == built.end()) {
      Built entry;
      entry.candidate.table = table;
      entry.candidate.expression = *text;
      entry.candidate.method = method;
      entry.candidate.columns = filter.columns;
      entry.expression = filter.expression;
      entry.opclass = opclass;
      built.push_back(std::move(entry));
      same = std::prev(built.end());
    } else if (opclass.empty()) {
      same->opclass.clear(); // a ? operator needs jsonb_ops
    }
    const std::string label = filter.op.empty() ? "IS NULL" : filter.op;
    if (std::find(same->candidate.ops.begin(), same->candidate.ops.end(), label) ==
        same->candidate.ops.end()) {
      same->candidate.ops.push_back(label);
    }
  }
  std::vector<ExpressionIndexCandidate> out;
  for (Built& entry : built) {
    ExpressionIndexCandidate& candidate = entry.candidate;
    const model::Table& table = *candidate.table;
    const std::string param = drizzle_param(table);
    const auto drizzle_column = [&](const std::string& name) {
      return "${" + drizzle_member(param, drizzle_property(table, name)) + "}";
    };
    const std::string base = element_of(entry.expression, candidate.expression);
    candidate.element = base + (entry.opclass.empty() ? "" : " " + entry.opclass);
    const bool bare_column = entry.expression.contains("ColumnRef");
    if (bare_column) {
      const std::string member_text =
          drizzle_member(param, drizzle_property(table, column_of(entry.expression["ColumnRef"])));
      candidate.drizzle_key =
          entry.opclass.empty() ? member_text : member_text + ".op(" + js_string(entry.opclass) + ")";
    } else {
      const auto rendered = render(entry.expression, drizzle_column, 0);
      std::string body = element_of(entry.expression, rendered.value_or(candidate.expression));
      // Column references were made ${...} placeholders; escape only the SQL text between them.
      std::string escaped;
      std::size_t at = 0;
      while (at < body.size()) {
        const std::size_t open = body.find("${", at);
        if (open == std::string::npos) {
          escaped += template_text(body.substr(at));
          break;
        }
        const std::size_t close = body.find('}', open);
        escaped += template_text(body.substr(at, open - at)) + body.substr(open, close - open + 1);
        at = close + 1;
      }
      candidate.drizzle_key = "sql`" + escaped + (entry.opclass.empty() ? "" : " " + entry.opclass) + "`";
    }
    name_words(entry.expression, candidate.name_parts, 0);
    mark_covered(catalog, candidate, entry.expression, candidate.expression, entry.opclass);
    out.push_back(std::move(candidate));
  }
  return out;
}

} // namespace

std::optional<std::string> render_expression(const nlohmann::json& node) {
  return render(
      node, [](const std::string& name) { return core::quote_ident(name); }, 0);
}

std::optional<std::string> not_immutable_reason(const nlohmann::json& expression, const model::Table& table) {
  return check(expression, table, 0);
}

std::vector<ExpressionIndexCandidate> expression_index_candidates(const model::QueryStats& query,
                                                                  const model::Catalog& catalog,
                                                                  std::vector<ExpressionSkip>* skipped) {
  if (!query.parsed) {
    return {};
  }
  return expression_index_candidates_text(query.example.empty() ? query.normalized : query.example, catalog,
                                          skipped);
}

std::vector<ExpressionIndexCandidate> expression_index_candidates_text(std::string_view sql,
                                                                       const model::Catalog& catalog,
                                                                       std::vector<ExpressionSkip>* skipped) {
  return candidates_from(pg::expression_filters_text(sql), catalog, skipped);
}

std::string render_expression_index_ddl(const ExpressionIndexCandidate& candidate, std::string_view name) {
  const model::Table& table = *candidate.table;
  return render_create_index_elements(table.schema, table.name, {candidate.element}, name, !table.partitioned,
                                      candidate.method == "btree" ? "" : candidate.method);
}

std::string render_drizzle_expression_index(const ExpressionIndexCandidate& candidate,
                                            std::string_view name) {
  if (candidate.method == "btree") {
    return "index(" + js_string(name) + ").on(" + candidate.drizzle_key + ")";
  }
  return "index(" + js_string(name) + ").using(" + js_string(candidate.method) + ", " +
         candidate.drizzle_key + ")";
}

std::string expression_index_name(const model::Catalog& catalog, const ExpressionIndexCandidate& candidate) {
  const model::Table& table = *candidate.table;
  return unique_index_name(catalog, table.schema, table.name, candidate.name_parts,
                           candidate.method == "gin" ? "gin_idx" : "idx");
}

} // namespace pgadvise::advisor
