#include "pg/query_expression_filters.hpp"

#include <algorithm>

namespace pgadvise::pg {

namespace {

using nlohmann::json;

// True when `node` reads a column (or is too deep to tell: then no index
// candidate is made from it).
bool references_columns(const json& node, int depth = 0) {
  if (depth > 200) {
    return true;
  }
  if (node.is_object() && node.contains("ColumnRef")) {
    return true;
  }
  if (!node.is_structured()) {
    return false;
  }
  return std::any_of(node.begin(), node.end(),
                     [&](const json& item) { return references_columns(item, depth + 1); });
}

// The column references of an expression; false when it holds something no
// index expression can (a parameter, a subquery, `*`).
bool collect_column_refs(const json& node, std::vector<const json*>& refs, int depth) {
  if (depth > 200) {
    return false;
  }
  if (node.is_array()) {
    return std::all_of(node.begin(), node.end(),
                       [&](const json& item) { return collect_column_refs(item, refs, depth + 1); });
  }
  if (!node.is_object()) {
    return true;
  }
  for (const auto& [key, value] : node.items()) {
    if (key == "ParamRef" || key == "SubLink" || key == "SelectStmt" || key == "A_Star") {
      return false;
    }
    if (key == "ColumnRef") {
      refs.push_back(&node);
      continue;
    }
    if (value.is_structured() && !collect_column_refs(value, refs, depth + 1)) {
      return false;
    }
  }
  return true;
}

// `t.col` and `col` are the same column of an index expression's table.
void unqualify_columns(json& node) {
  if (node.is_array()) {
    for (json& item : node) {
      unqualify_columns(item);
    }
    return;
  }
  if (!node.is_object()) {
    return;
  }
  if (auto ref = node.find("ColumnRef"); ref != node.end() && ref->is_object()) {
    if (auto fields = ref->find("fields"); fields != ref->end() && fields->is_array() && fields->size() > 1) {
      json last = fields->back();
      *fields = json::array({std::move(last)});
    }
    return;
  }
  for (auto& [key, value] : node.items()) {
    unqualify_columns(value);
  }
}

} // namespace

void add_expression_filter(std::vector<ExpressionFilter>& filters, const json& side, const json& other,
                           model::ColumnUse use, const std::string& op, const Scope& scope) {
  if (!side.is_object() || (use != model::ColumnUse::json_operator && is_column(side)) ||
      references_columns(other)) {
    return;
  }
  std::vector<const json*> refs;
  if (!collect_column_refs(side, refs, 0) || refs.empty()) {
    return;
  }
  ExpressionFilter filter;
  for (const json* ref : refs) {
    const auto usage = resolve_column(*ref, scope);
    if (!usage || usage->table.empty()) {
      return;
    }
    if (filter.table.empty()) {
      filter.schema = usage->schema;
      filter.table = usage->table;
    } else if (filter.table != usage->table || filter.schema != usage->schema) {
      return; // an expression over two tables: no index holds it
    }
    if (std::find(filter.columns.begin(), filter.columns.end(), usage->column) == filter.columns.end()) {
      filter.columns.push_back(usage->column);
    }
  }
  json tree = side;
  unqualify_columns(tree);
  filter.expression = to_expression(tree);
  filter.use = use;
  filter.op = op;
  const bool seen = std::any_of(filters.begin(), filters.end(), [&](const ExpressionFilter& f) {
    return f.table == filter.table && f.schema == filter.schema && f.use == filter.use && f.op == filter.op &&
           f.expression == filter.expression;
  });
  if (!seen) {
    filters.push_back(std::move(filter));
  }
}

} // namespace pgadvise::pg
