#include "advisor/expression_immutable.hpp"

#include "core/text.hpp"
#include "model/type_ref.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace pgadvise::advisor {

namespace {

using pg::Expression;
using Kind = pg::Expression::Kind;

// A call's unqualified function name, lower case; "" when qualified.
std::string function_name(const Expression& call) {
  return call.names.size() == 1 ? core::to_lower(call.names.front()) : std::string();
}

bool is_datetime(std::string_view type) {
  static constexpr std::array<std::string_view, 6> k_types = {"timestamp", "timestamptz", "date",
                                                              "time",      "timetz",      "interval"};
  return std::find(k_types.begin(), k_types.end(), type) != k_types.end();
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

bool json_access(const Expression& op) {
  return op.names.size() == 1 && (op.names.front() == "->" || op.names.front() == "->>" ||
                                  op.names.front() == "#>" || op.names.front() == "#>>");
}

std::optional<std::string> check(const Expression& node, const model::Table& table, int depth);

std::optional<std::string> check_all(const std::vector<Expression>& nodes, const model::Table& table,
                                     int depth) {
  for (const Expression& node : nodes) {
    if (auto reason = check(node, table, depth + 1)) {
      return reason;
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_call(const Expression& call, const model::Table& table, int depth) {
  const std::string name = function_name(call);
  if (name == "date_trunc" || name == "date_part" || name == "extract") {
    const std::string shown = name == "extract" ? "EXTRACT" : name;
    const std::string type = call.args.size() == 2 ? expression_type(call.args[1], table) : std::string();
    const bool ok = type == "timestamp" || ((name == "date_part" || name == "extract") && type == "date");
    if (!ok) {
      return shown + "() on " + (type.empty() ? std::string("a value of unknown type") : type) +
             " is not IMMUTABLE (on timestamptz it depends on the session's TimeZone), and PostgreSQL "
             "accepts only IMMUTABLE functions in an index; filter on a range of the column instead "
             "(col >= $1 AND col < $1 + interval '1 day'), which a plain index serves";
    }
    return check_all(call.args, table, depth);
  }
  if (!immutable_function(name)) {
    return (name.empty() ? std::string("a schema-qualified function") : name + "()") +
           " is not known to be IMMUTABLE (now(), random(), to_char() and the like change with the "
           "clock, the session or each call), and PostgreSQL accepts only IMMUTABLE functions in an index";
  }
  return check_all(call.args, table, depth);
}

std::optional<std::string> check_cast(const Expression& cast, const model::Table& table, int depth) {
  const Expression& arg = cast.args.front();
  if (arg.kind == Kind::constant) {
    return std::nullopt; // a typed literal is a constant
  }
  const std::string from = expression_type(arg, table);
  const std::string to = cast.names.empty() ? std::string() : model::canonical_type_name(cast.names.back());
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

std::optional<std::string> check_operator(const Expression& op, const model::Table& table, int depth) {
  if (json_access(op)) {
    const std::string type = op.args.size() == 2 ? expression_type(op.args.front(), table) : std::string();
    if (type != "json" && type != "jsonb") {
      return op.names.front() + " needs json or jsonb, not " +
             (type.empty() ? std::string("an unknown type") : type) +
             " (cast the column, or convert it: json-in-text-column)";
    }
  }
  for (const Expression& side : op.args) {
    const std::string type = expression_type(side, table);
    if (type == "timestamptz" || type == "timetz") {
      return "arithmetic on " + type +
             " is not IMMUTABLE (it depends on the session's TimeZone), and PostgreSQL accepts only "
             "IMMUTABLE expressions in an index";
    }
    if (auto reason = check(side, table, depth + 1)) {
      return reason;
    }
  }
  return std::nullopt;
}

std::optional<std::string> check(const Expression& node, const model::Table& table, int depth) {
  if (depth > 64) {
    return std::string("the expression is too deeply nested");
  }
  switch (node.kind) {
  case Kind::column:
    if (table.find_column(node.column()) == nullptr) {
      return node.column() + " is not a column of " + table.name;
    }
    return std::nullopt;
  case Kind::constant: return std::nullopt;
  case Kind::cast: return check_cast(node, table, depth);
  case Kind::call: return check_call(node, table, depth);
  case Kind::op: return check_operator(node, table, depth);
  case Kind::other: break;
  }
  return std::string("the expression has a part pgadvise does not render as an index key");
}

} // namespace

std::string expression_type(const pg::Expression& expression, const model::Table& table) {
  switch (expression.kind) {
  case Kind::column: {
    const model::Column* column = table.find_column(expression.column());
    return column == nullptr || column->type.is_array() ? std::string() : column->type.name.str();
  }
  case Kind::cast:
    return expression.names.empty() || expression.array_bounds > 0
               ? std::string()
               : model::canonical_type_name(expression.names.back());
  case Kind::op:
    if (expression.names.size() == 1 &&
        (expression.names.front() == "->>" || expression.names.front() == "#>>")) {
      return "text";
    }
    if (expression.names.size() == 1 &&
        (expression.names.front() == "->" || expression.names.front() == "#>")) {
      return expression.args.size() == 2 ? expression_type(expression.args.front(), table) : std::string();
    }
    return {};
  case Kind::call: {
    const std::string name = function_name(expression);
    if (name == "lower" || name == "upper" || name == "btrim" || name == "md5" ||
        name == "jsonb_extract_path_text" || name == "json_extract_path_text") {
      return "text";
    }
    return {};
  }
  case Kind::constant: return "unknown";
  case Kind::other: return {};
  }
  return {};
}

std::optional<std::string> not_immutable_reason(const pg::Expression& expression, const model::Table& table) {
  return check(expression, table, 0);
}

} // namespace pgadvise::advisor
