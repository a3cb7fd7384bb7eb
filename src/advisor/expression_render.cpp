#include "advisor/expression_render.hpp"

#include "core/text.hpp"

namespace pgadvise::advisor {

namespace {

using pg::Expression;
using Kind = pg::Expression::Kind;

std::optional<std::string> render_constant(const Expression& constant) {
  if (constant.kind != Kind::constant) {
    return std::nullopt;
  }
  switch (constant.constant) {
  case Expression::Constant::null: return std::string("NULL");
  case Expression::Constant::string: return core::quote_literal(constant.value);
  case Expression::Constant::integer:
  case Expression::Constant::number:
  case Expression::Constant::boolean: return constant.value;
  case Expression::Constant::other: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> render_type(const Expression& cast) {
  std::vector<std::string> parts;
  for (const std::string& name : cast.names) {
    if (name.empty()) {
      return std::nullopt;
    }
    parts.push_back(core::quote_ident(name));
  }
  if (parts.empty()) {
    return std::nullopt;
  }
  std::string out = core::join(parts, ".");
  if (!cast.type_modifiers.empty()) {
    std::vector<std::string> values;
    for (const Expression& modifier : cast.type_modifiers) {
      auto value = render_constant(modifier);
      if (!value) {
        return std::nullopt;
      }
      values.push_back(*value);
    }
    out += "(" + core::join(values, ",") + ")";
  }
  for (std::size_t i = 0; i < cast.array_bounds; ++i) {
    out += "[]";
  }
  return out;
}

std::optional<std::string> render(const Expression& node, const ColumnText& column, int depth);

// An operand of a cast or an operator: parenthesized unless it is atomic.
std::optional<std::string> operand(const Expression& node, const ColumnText& column, int depth) {
  auto text = render(node, column, depth + 1);
  if (!text) {
    return std::nullopt;
  }
  // `::` binds tighter than any operator: a cast needs no parentheses of its own.
  const bool atomic = node.kind == Kind::column || node.kind == Kind::call || node.kind == Kind::cast ||
                      (node.kind == Kind::constant && text->front() != '-');
  return atomic ? *text : "(" + *text + ")";
}

std::optional<std::string> render_call(const Expression& call, const ColumnText& column, int depth) {
  if (!call.plain || call.names.empty()) {
    return std::nullopt;
  }
  std::vector<std::string> args;
  for (const Expression& arg : call.args) {
    auto text = render(arg, column, depth + 1);
    if (!text) {
      return std::nullopt;
    }
    args.push_back(std::move(*text));
  }
  const std::string name = core::to_lower(call.names.back());
  if (call.names.size() == 1 && name == "extract" && call.sql_syntax && args.size() == 2) {
    // EXTRACT(day FROM x) parses to extract('day', x); the keyword form reads back the same.
    const Expression& field = call.args[0];
    if (field.kind != Kind::constant || field.constant != Expression::Constant::string ||
        field.value.empty()) {
      return std::nullopt;
    }
    return "EXTRACT(" + field.value + " FROM " + args[1] + ")";
  }
  std::vector<std::string> quoted;
  quoted.reserve(call.names.size());
  for (const std::string& part : call.names) {
    quoted.push_back(core::quote_ident(part));
  }
  return core::join(quoted, ".") + "(" + core::join(args, ", ") + ")";
}

std::optional<std::string> render_operator(const Expression& op, const ColumnText& column, int depth) {
  if (op.names.size() != 1 || op.args.empty()) {
    return std::nullopt;
  }
  auto right = operand(op.args.back(), column, depth);
  if (!right) {
    return std::nullopt;
  }
  if (op.args.size() == 1) {
    return op.names.front() + *right;
  }
  auto left = operand(op.args.front(), column, depth);
  if (!left) {
    return std::nullopt;
  }
  return *left + " " + op.names.front() + " " + *right;
}

std::optional<std::string> render(const Expression& node, const ColumnText& column, int depth) {
  if (depth > 64) {
    return std::nullopt;
  }
  switch (node.kind) {
  case Kind::column: {
    const std::string name = node.column();
    if (name.empty() || node.names.size() != 1) {
      return std::nullopt;
    }
    return column(name);
  }
  case Kind::constant: return render_constant(node);
  case Kind::cast: {
    auto arg = operand(node.args.front(), column, depth);
    auto type = render_type(node);
    if (!arg || !type) {
      return std::nullopt;
    }
    return *arg + "::" + *type;
  }
  case Kind::call: return render_call(node, column, depth);
  case Kind::op: return render_operator(node, column, depth);
  case Kind::other: return std::nullopt;
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> render_expression(const pg::Expression& expression, const ColumnText& column) {
  return render(expression, column, 0);
}

std::optional<std::string> render_expression(const pg::Expression& expression) {
  return render(
      expression, [](const std::string& name) { return core::quote_ident(name); }, 0);
}

std::string index_element(const pg::Expression& expression, const std::string& text) {
  const bool bare =
      expression.kind == Kind::column || (expression.kind == Kind::call && text.rfind("EXTRACT(", 0) != 0);
  return bare ? text : "(" + text + ")";
}

} // namespace pgadvise::advisor
