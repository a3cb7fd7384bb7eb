#include "pg/query_top_level.hpp"

#include "pg/tree_access.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace pgadvise::pg {

namespace {

using nlohmann::json;
using tree::last_name;
using tree::member;

bool is_aggregate(std::string_view name) {
  static constexpr std::array<std::string_view, 12> k_aggs = {
      "count",   "sum",   "avg",       "min",        "max",      "bool_and",
      "bool_or", "every", "array_agg", "string_agg", "json_agg", "jsonb_agg"};
  return std::find(k_aggs.begin(), k_aggs.end(), name) != k_aggs.end();
}

// LIMIT / OFFSET: present unless ALL or NULL; its value when a constant.
void limit(const json& node, bool& present, std::optional<std::int64_t>& value) {
  if (node.is_null()) {
    return;
  }
  const json& constant = member(node, "A_Const");
  if (!constant.is_null() && member(constant, "isnull").is_boolean()) {
    return; // LIMIT ALL / LIMIT NULL
  }
  present = true;
  const json& ival = member(constant, "ival");
  if (ival.is_object()) {
    const json& number = member(ival, "ival");
    value = number.is_number_integer() ? number.get<std::int64_t>() : 0; // protobuf JSON omits 0
  }
}

void set_operation_branches(const json& body, model::QueryShape& shape) {
  bool all_filtered = true;
  for (const char* side : {"larg", "rarg"}) {
    model::QueryShape part;
    describe_top_level_select(tree::set_branch(body, side), part);
    all_filtered = all_filtered && part.has_where;
    shape.select_star = shape.select_star || part.select_star;
    shape.has_aggregate = shape.has_aggregate || part.has_aggregate;
  }
  shape.has_where = all_filtered;
}

// Whether the FROM list reads only sub-selects that filter or limit their
// own rows (`SELECT ... FROM (SELECT id FROM timer WHERE ... LIMIT 30) due`,
// a Drizzle `.from(sq)`): the outer SELECT's rows are theirs, so it is no
// whole-table read even without a WHERE of its own.
bool reads_bounded_subselects(const json& body) {
  const json& from = member(body, "fromClause");
  if (!from.is_array() || from.empty()) {
    return false;
  }
  return std::all_of(from.begin(), from.end(), [](const json& item) {
    const json& sub = member(item, "RangeSubselect");
    if (sub.is_null()) {
      return false;
    }
    model::QueryShape inner;
    describe_top_level_select(member(member(sub, "subquery"), "SelectStmt"), inner);
    return inner.has_where || inner.has_limit;
  });
}

} // namespace

void describe_top_level_select(const json& body, model::QueryShape& shape) {
  if (tree::is_set_operation(body)) {
    set_operation_branches(body, shape);
  } else {
    shape.has_where = !member(body, "whereClause").is_null() || reads_bounded_subselects(body);
    for (const json& target : member(body, "targetList")) {
      const json& val = member(member(target, "ResTarget"), "val");
      const json& fields = member(member(val, "ColumnRef"), "fields");
      if (fields.is_array() && !fields.empty() && fields.back().contains("A_Star")) {
        shape.select_star = true;
      }
      const json& call = member(val, "FuncCall");
      if (!call.is_null() && is_aggregate(last_name(member(call, "funcname")))) {
        shape.has_aggregate = true;
      }
    }
    if (member(body, "groupClause").is_array()) {
      shape.has_aggregate = true;
    }
  }
  limit(member(body, "limitCount"), shape.has_limit, shape.limit);
  limit(member(body, "limitOffset"), shape.has_offset, shape.offset);
}

} // namespace pgadvise::pg
