#include "pg/expression.hpp"

#include "pg/parser.hpp"
#include "pg/tree_access.hpp"

namespace pgadvise::pg {

namespace {

using Json = nlohmann::json;

constexpr int k_max_depth = 100;

using tree::member;
using tree::string_of;

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

// A_Const: protobuf's JSON leaves out zeros and empty strings, so a key
// present with no value is 0, "" or false.
void read_constant(const Json& constant, Expression& out) {
  using Constant = Expression::Constant;
  if (member(constant, "isnull").is_boolean()) {
    out.constant = Constant::null;
  } else if (const Json& text = member(member(constant, "sval"), "sval"); text.is_string()) {
    out.constant = Constant::string;
    out.value = text.get<std::string>();
  } else if (constant.contains("sval")) {
    out.constant = Constant::string;
  } else if (const Json& ival = member(constant, "ival"); ival.is_object()) {
    const Json& number = member(ival, "ival");
    out.constant = Constant::integer;
    out.value = number.is_number_integer() ? std::to_string(number.get<std::int64_t>()) : std::string("0");
  } else if (const Json& fval = member(member(constant, "fval"), "fval"); fval.is_string()) {
    out.constant = Constant::number;
    out.value = fval.get<std::string>();
  } else if (const Json& boolean = member(constant, "boolval"); boolean.is_object()) {
    const Json& flag = member(boolean, "boolval");
    out.constant = Constant::boolean;
    out.value = flag.is_boolean() && flag.get<bool>() ? "true" : "false";
  }
}

Expression convert(const Json& node, int depth);

void read_cast(const Json& cast, Expression& out, int depth) {
  const Json& type = member(cast, "typeName");
  out.args.push_back(convert(member(cast, "arg"), depth + 1));
  out.names = names_of(member(type, "names"));
  if (const Json& mods = member(type, "typmods"); mods.is_array()) {
    for (const Json& mod : mods) {
      out.type_modifiers.push_back(convert(mod, depth + 1));
    }
  }
  out.array_bounds = member(type, "arrayBounds").size();
}

void read_call(const Json& call, Expression& out, int depth) {
  out.names = names_of(member(call, "funcname"));
  if (const Json& args = member(call, "args"); args.is_array()) {
    for (const Json& arg : args) {
      out.args.push_back(convert(arg, depth + 1));
    }
  }
  out.plain = !(member(call, "agg_star").is_boolean() || member(call, "agg_distinct").is_boolean() ||
                member(call, "func_variadic").is_boolean() || !member(call, "over").is_null() ||
                !member(call, "agg_order").is_null() || !member(call, "agg_filter").is_null());
  const Json& format = member(call, "funcformat");
  out.sql_syntax = format.is_string() && format.get<std::string>() == "COERCE_SQL_SYNTAX";
}

Expression convert(const Json& node, int depth) {
  Expression out;
  if (depth > k_max_depth || !node.is_object()) {
    return out;
  }
  if (const Json& ref = member(node, "ColumnRef"); !ref.is_null()) {
    out.kind = Expression::Kind::column;
    if (const Json& fields = member(ref, "fields"); fields.is_array()) {
      for (const Json& field : fields) {
        out.names.push_back(string_of(field));
      }
    }
  } else if (const Json& constant = member(node, "A_Const"); !constant.is_null()) {
    out.kind = Expression::Kind::constant;
    read_constant(constant, out);
  } else if (const Json& cast = member(node, "TypeCast"); !cast.is_null()) {
    out.kind = Expression::Kind::cast;
    read_cast(cast, out, depth);
  } else if (const Json& call = member(node, "FuncCall"); !call.is_null()) {
    out.kind = Expression::Kind::call;
    read_call(call, out, depth);
  } else if (const Json& expr = member(node, "A_Expr"); !expr.is_null()) {
    const Json& kind = member(expr, "kind");
    if (kind.is_string() && kind.get<std::string>() == "AEXPR_OP") {
      out.kind = Expression::Kind::op;
      out.names = names_of(member(expr, "name"));
      if (const Json& left = member(expr, "lexpr"); !left.is_null()) {
        out.args.push_back(convert(left, depth + 1));
      }
      out.args.push_back(convert(member(expr, "rexpr"), depth + 1));
    }
  }
  return out;
}

} // namespace

std::string Expression::column() const {
  return kind == Kind::column && !names.empty() ? names.back() : std::string();
}

Expression to_expression(const nlohmann::json& node) {
  return convert(node, 0);
}

std::optional<Expression> parse_expression(std::string_view sql) {
  const ParseResult parsed = parse("SELECT " + std::string(sql));
  if (!parsed.ok()) {
    return std::nullopt;
  }
  const Json& stmts = member(parsed.tree, "stmts");
  if (!stmts.is_array() || stmts.size() != 1) {
    return std::nullopt;
  }
  const Json& targets = member(member(member(stmts[0], "stmt"), "SelectStmt"), "targetList");
  if (!targets.is_array() || targets.size() != 1) {
    return std::nullopt;
  }
  return to_expression(member(member(targets[0], "ResTarget"), "val"));
}

} // namespace pgadvise::pg
