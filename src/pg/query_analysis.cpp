#include "pg/query_analysis.hpp"

#include "pg/parser.hpp"
#include "pg/query_column_reads.hpp"
#include "pg/query_expression_filters.hpp"
#include "pg/query_inventory.hpp"
#include "pg/query_scope.hpp"
#include "pg/query_top_level.hpp"
#include "pg/tree_access.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace pgadvise::pg {

namespace {

using model::ColumnUse;
using nlohmann::json;
using tree::last_name;
using tree::member;
using tree::string_of;

// $n, also under a cast ($1::int).
int param_number(const json& node) {
  const json& cast = member(member(node, "TypeCast"), "arg");
  const json& number = member(member(cast.is_null() ? node : cast, "ParamRef"), "number");
  return number.is_number_integer() ? number.get<int>() : 0;
}

bool is_json_operator(std::string_view op) {
  static constexpr std::array<std::string_view, 12> k_ops = {"->", "->>", "#>", "#>>", "@>", "<@",
                                                             "?",  "?|",  "?&", "#-",  "@?", "@@"};
  return std::find(k_ops.begin(), k_ops.end(), op) != k_ops.end();
}

// The JSON operators a GIN index on jsonb answers (jsonb_ops: all four;
// jsonb_path_ops: @> only).
bool is_gin_jsonb_operator(std::string_view op) {
  return op == "@>" || op == "?" || op == "?|" || op == "?&";
}

// A function that reads its first argument as JSON (json_extract_path,
// jsonb_set, json_array_elements, ...). The constructors and aggregates
// that build JSON out of any values are not: json_build_array(name, ...)
// and json_agg(...) are how Drizzle's relational queries (`with:`) return
// related rows, and `json_populate_record(base, from_json)` takes a record
// first.
bool is_json_function(std::string_view name) {
  if (name.rfind("json", 0) != 0) {
    return false;
  }
  std::string_view rest = name.substr(name.rfind("jsonb", 0) == 0 ? 5 : 4);
  static constexpr std::array<std::string_view, 8> k_builders = {
      "_build_array",     "_build_object",      "_agg", "_agg_strict",
      "_object",          "_object_agg", // and _object_agg_strict, _unique, ...
      "_populate_record", "_populate_recordset"};
  for (const std::string_view builder : k_builders) {
    if (rest == builder || (builder == "_object_agg" && rest.rfind(builder, 0) == 0)) {
      return false;
    }
  }
  // SQL/JSON's constructors (PostgreSQL 16): JSON_ARRAY(...), JSON_OBJECTAGG(...).
  return !(rest == "_array" || rest == "_scalar" || rest == "_arrayagg" || rest == "_objectagg");
}

// The use a comparison (an A_Expr of `kind`) makes of its column side
// (nullopt: one the shape does not record); `both_columns` when each side
// is a column.
std::optional<ColumnUse> comparison_use(const std::string& kind, const std::string& op, bool both_columns,
                                        bool in_join) {
  if (kind == "AEXPR_OP") {
    if (op == "=") {
      return both_columns ? ColumnUse::join : ColumnUse::equality;
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      return (both_columns && in_join) ? ColumnUse::join : ColumnUse::range;
    }
    if (op == "~~" || op == "~~*") {
      return ColumnUse::like;
    }
    return std::nullopt;
  }
  if (kind == "AEXPR_IN" || kind == "AEXPR_OP_ANY") {
    return op == "=" ? std::optional<ColumnUse>(ColumnUse::in_list) : std::nullopt;
  }
  if (kind == "AEXPR_BETWEEN" || kind == "AEXPR_BETWEEN_SYM") {
    return ColumnUse::range;
  }
  if (kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE") {
    return ColumnUse::like;
  }
  return std::nullopt;
}

// Whether a comparison takes a set of values: `= ANY(x)` whatever x is,
// `IN (a, b)` (`IN (a)` with one value is a plain equality), BETWEEN.
bool takes_set(const std::string& kind, const json& right) {
  if (kind == "AEXPR_IN" || kind == "AEXPR_OP_ANY") {
    return kind == "AEXPR_OP_ANY" || member(member(right, "List"), "items").size() != 1;
  }
  return kind == "AEXPR_BETWEEN" || kind == "AEXPR_BETWEEN_SYM";
}

class Analyzer {
public:
  explicit Analyzer(model::QueryShape& shape, std::vector<ExpressionFilter>* filters = nullptr,
                    ColumnReads* reads = nullptr)
      : m_shape(shape), m_filters(filters), m_reads(reads) {}

  void statement(const json& stmt) {
    if (!stmt.is_object() || stmt.empty()) {
      return;
    }
    const std::string& command = stmt.begin().key();
    const json& body = stmt.begin().value();
    if (command == "SelectStmt") {
      m_shape.kind =
          member(body, "intoClause").is_null() ? model::StatementKind::select : model::StatementKind::other;
      describe_top_level_select(body, m_shape);
      select(body, nullptr);
    } else if (command == "InsertStmt") {
      m_shape.kind = model::StatementKind::insert;
      record_write(body, false);
      Scope scope;
      add_relation(member(body, "relation"), scope);
      with_clause(member(body, "withClause"), scope);
      const json& source = member(member(body, "selectStmt"), "SelectStmt");
      if (!source.is_null()) {
        select(source, &scope);
      }
    } else if (command == "UpdateStmt" || command == "DeleteStmt") {
      m_shape.kind = command == "UpdateStmt" ? model::StatementKind::update : model::StatementKind::delete_;
      m_shape.has_where = !member(body, "whereClause").is_null();
      record_write(body, command == "UpdateStmt");
      Scope scope;
      with_clause(member(body, "withClause"), scope);
      add_relation(member(body, "relation"), scope);
      from_list(member(body, command == "UpdateStmt" ? "fromClause" : "usingClause"), scope);
      predicate(member(body, "whereClause"), scope, false);
      expressions(member(body, "targetList"), scope);
    } else if (command == "TransactionStmt") {
      m_shape.transaction_control = true;
    } else if (command == "ExplainStmt") {
      statement(member(body, "query"));
      m_shape.kind = model::StatementKind::other;
    }
  }

private:
  model::QueryShape& m_shape;
  std::vector<ExpressionFilter>* m_filters = nullptr; // collected when set
  ColumnReads* m_reads = nullptr;                     // collected when set
  std::vector<std::string> m_cte_names;

  void record_read(const model::ColumnUsage& usage) {
    if (m_reads != nullptr) {
      add_column_read(*m_reads, usage);
    }
  }

  void record_write(const json& body, bool update) {
    if (m_reads != nullptr) {
      add_written_target(*m_reads, body, update);
    }
  }

  void expression_filter(const json& side, const json& other, ColumnUse use, const std::string& op,
                         const Scope& scope) {
    if (m_filters != nullptr) {
      add_expression_filter(*m_filters, side, other, use, op, scope);
    }
  }

  void limit_param(const json& node, const char* clause) {
    if (const int number = param_number(node); number > 0) {
      m_shape.param_clauses.emplace(number, clause);
    }
  }

  // `column op $n` (also IN ($1, $2), = ANY($1), BETWEEN $1 AND $2): the
  // parameter takes a value of the column's type.
  void param_targets(const json& column_side, const json& other, const Scope& scope) {
    const auto usage = resolve_column(column_side, scope);
    if (!usage) {
      return;
    }
    const auto add = [&](const json& node) {
      if (const int number = param_number(node); number > 0) {
        m_shape.param_columns.emplace(number, *usage);
      }
    };
    add(other);
    for (const json& item : member(member(other, "List"), "items")) {
      add(item);
    }
  }

  void with_clause(const json& with, Scope& scope) {
    for (const json& cte : member(member(with, "WithClause"), "ctes")) {
      const json& body = member(cte, "CommonTableExpr");
      const json& name = member(body, "ctename");
      if (name.is_string()) {
        m_cte_names.push_back(name.get<std::string>());
      }
      const json& query = member(member(body, "ctequery"), "SelectStmt");
      if (!query.is_null()) {
        select(query, &scope);
      } else {
        Analyzer nested(m_shape, m_filters, m_reads);
        nested.m_cte_names = m_cte_names;
        const model::QueryShape saved = m_shape;
        nested.statement(member(body, "ctequery"));
        // A data-modifying CTE contributes tables and columns, not the kind.
        m_shape.kind = saved.kind;
        m_shape.has_where = saved.has_where;
      }
    }
    (void)scope;
  }

  void select(const json& body, const Scope* parent) {
    limit_param(member(body, "limitCount"), "limit");
    limit_param(member(body, "limitOffset"), "offset");
    if (tree::is_set_operation(body)) {
      select(tree::set_branch(body, "larg"), parent);
      select(tree::set_branch(body, "rarg"), parent);
      return;
    }
    Scope scope;
    scope.parent = parent;
    with_clause(member(body, "withClause"), scope);
    from_list(member(body, "fromClause"), scope);
    predicate(member(body, "whereClause"), scope, false);
    predicate(member(body, "havingClause"), scope, false);
    expressions(member(body, "targetList"), scope);
    if (m_reads != nullptr) {
      expressions(member(body, "groupClause"), scope);
    }
    for (const json& sort : member(body, "sortClause")) {
      const json& node = member(member(sort, "SortBy"), "node");
      if (!column_use(node, ColumnUse::order_by, scope)) {
        expressions(node, scope);
      }
    }
    for (const json& values : member(body, "valuesLists")) {
      expressions(values, scope);
    }
  }

  void add_relation(const json& range_var, Scope& scope) {
    if (!range_var.is_object()) {
      return;
    }
    const json& relname = member(range_var, "relname");
    if (!relname.is_string()) {
      return;
    }
    Relation relation;
    relation.name = relname.get<std::string>();
    const json& schema = member(range_var, "schemaname");
    relation.schema = schema.is_string() ? schema.get<std::string>() : std::string();
    const bool is_cte = relation.schema.empty() &&
                        std::find(m_cte_names.begin(), m_cte_names.end(), relation.name) != m_cte_names.end();
    const json& alias = member(member(range_var, "alias"), "aliasname");
    const std::string key = alias.is_string() ? alias.get<std::string>() : relation.name;
    if (is_cte) {
      scope.names[key] = Relation{};
      scope.relations.push_back(Relation{});
      scope.has_subquery = true;
      return;
    }
    scope.names[key] = relation;
    scope.relations.push_back(relation);
    model::TableUse use{relation.schema, relation.name};
    if (std::find(m_shape.tables.begin(), m_shape.tables.end(), use) == m_shape.tables.end()) {
      m_shape.tables.push_back(std::move(use));
    }
  }

  void from_list(const json& list, Scope& scope) {
    if (!list.is_array()) {
      return;
    }
    for (const json& item : list) {
      from_item(item, scope);
    }
  }

  void from_item(const json& item, Scope& scope) {
    if (const json& range_var = member(item, "RangeVar"); !range_var.is_null()) {
      add_relation(range_var, scope);
    } else if (const json& join = member(item, "JoinExpr"); !join.is_null()) {
      from_item(member(join, "larg"), scope);
      from_item(member(join, "rarg"), scope);
      predicate(member(join, "quals"), scope, true);
      join_using(join, scope);
    } else if (const json& sub = member(item, "RangeSubselect"); !sub.is_null()) {
      const json& alias = member(member(sub, "alias"), "aliasname");
      if (alias.is_string()) {
        scope.names[alias.get<std::string>()] = Relation{};
      }
      scope.relations.push_back(Relation{});
      scope.has_subquery = true;
      select(member(member(sub, "subquery"), "SelectStmt"), &scope);
    } else if (const json& func = member(item, "RangeFunction"); !func.is_null()) {
      scope.relations.push_back(Relation{});
      scope.has_subquery = true;
      expressions(member(func, "functions"), scope);
    }
  }

  // JOIN ... USING (a, b): each named column is a join key of the tables
  // directly on either side (nested joins and subqueries are not resolved).
  void join_using(const json& join, const Scope& scope) {
    for (const json& name : member(join, "usingClause")) {
      const std::string column = string_of(name);
      for (const char* side : {"larg", "rarg"}) {
        const json& range_var = member(member(join, side), "RangeVar");
        const json& relname = member(range_var, "relname");
        if (column.empty() || !relname.is_string()) {
          continue;
        }
        const json& alias = member(member(range_var, "alias"), "aliasname");
        const Relation* relation =
            scope.lookup(alias.is_string() ? alias.get<std::string>() : relname.get<std::string>());
        if (relation == nullptr || relation->name.empty()) {
          continue; // a CTE
        }
        model::ColumnUsage usage{relation->schema, relation->name, column, ColumnUse::join};
        if (std::find(m_shape.columns.begin(), m_shape.columns.end(), usage) == m_shape.columns.end()) {
          m_shape.columns.push_back(std::move(usage));
        }
      }
    }
  }

  bool column_use(const json& node, ColumnUse use, const Scope& scope) {
    auto usage = resolve_column(node, scope);
    if (!usage) {
      return false;
    }
    usage->use = use;
    record_read(*usage);
    if (std::find(m_shape.columns.begin(), m_shape.columns.end(), *usage) == m_shape.columns.end()) {
      m_shape.columns.push_back(std::move(*usage));
    }
    return true;
  }

  // WHERE / ON / HAVING: AND/OR trees of comparisons.
  void predicate(const json& node, const Scope& scope, bool in_join) {
    if (node.is_null()) {
      return;
    }
    if (const json& boolean = member(node, "BoolExpr"); !boolean.is_null()) {
      for (const json& arg : member(boolean, "args")) {
        predicate(arg, scope, in_join);
      }
      return;
    }
    if (const json& test = member(node, "NullTest"); !test.is_null()) {
      if (!column_use(member(test, "arg"), ColumnUse::is_null, scope)) {
        expression_filter(member(test, "arg"), tree::null_node(), ColumnUse::is_null, "", scope);
        expressions(member(test, "arg"), scope);
      }
      return;
    }
    if (const json& link = member(node, "SubLink"); !link.is_null()) {
      const std::string type = member(link, "subLinkType").is_string()
                                   ? member(link, "subLinkType").get<std::string>()
                                   : std::string();
      if (type == "ANY_SUBLINK") {
        column_use(member(link, "testexpr"), ColumnUse::in_list, scope);
        m_shape.set_filter = true; // IN (SELECT ...) / = ANY (SELECT ...)
      }
      select(member(member(link, "subselect"), "SelectStmt"), &scope);
      return;
    }
    if (const json& expr = member(node, "A_Expr"); !expr.is_null()) {
      comparison(expr, scope, in_join);
      return;
    }
    expressions(node, scope);
  }

  void comparison(const json& expr, const Scope& scope, bool in_join) {
    const std::string kind = member(expr, "kind").is_string() ? member(expr, "kind").get<std::string>() : "";
    const std::string op = last_name(member(expr, "name"));
    const json& left = member(expr, "lexpr");
    const json& right = member(expr, "rexpr");
    const bool left_col = is_column(left);
    const bool right_col = is_column(right);
    param_targets(left, right, scope);
    param_targets(right, left, scope);
    if (kind == "AEXPR_OP" && is_json_operator(op)) {
      if (is_gin_jsonb_operator(op)) {
        expression_filter(left, right, ColumnUse::json_operator, op, scope);
      }
      if (!column_use(left, ColumnUse::json_operator, scope)) {
        expressions(left, scope);
      }
      expressions(right, scope);
      return;
    }
    std::optional<ColumnUse> use = comparison_use(kind, op, left_col && right_col, in_join);
    m_shape.set_filter = m_shape.set_filter || takes_set(kind, right);
    if (use && (*use == ColumnUse::equality || *use == ColumnUse::range || *use == ColumnUse::in_list)) {
      expression_filter(left, right, *use, op, scope);
      if (kind == "AEXPR_OP") {
        expression_filter(right, left, *use, op, scope);
      }
    }
    bool left_used = false;
    bool right_used = false;
    if (use && *use == ColumnUse::join && op == "=" && !in_join) {
      // A sub-select's column compared with an outer query's (a correlated
      // sub-select, a lateral join: Drizzle's relational `with:`): the
      // sub-select runs per outer row, looking its rows up by that column.
      const bool left_local = resolves_locally(left, scope);
      const bool right_local = resolves_locally(right, scope);
      if (left_local != right_local) {
        left_used = column_use(left, left_local ? ColumnUse::correlation : ColumnUse::join, scope);
        right_used = column_use(right, right_local ? ColumnUse::correlation : ColumnUse::join, scope);
        use.reset();
      }
    }
    if (use) {
      left_used = column_use(left, *use, scope);
      if (*use == ColumnUse::join || *use == ColumnUse::equality || *use == ColumnUse::range) {
        right_used = column_use(right, *use, scope);
      }
    }
    if (!left_used) {
      expressions(left, scope);
    }
    if (!right_used) {
      expressions(right, scope);
    }
  }

  // Any other expression: look for JSON use of columns, aggregates and
  // subqueries.
  void expressions(const json& node, const Scope& scope) {
    if (node.is_array()) {
      for (const json& item : node) {
        expressions(item, scope);
      }
      return;
    }
    if (!node.is_object()) {
      return;
    }
    if (m_reads != nullptr && node.contains("ColumnRef")) {
      if (const auto usage = resolve_column(node, scope)) {
        record_read(*usage);
      }
      return;
    }
    if (const json& cast = member(node, "TypeCast"); !cast.is_null()) {
      const std::string type = last_name(member(member(cast, "typeName"), "names"));
      if ((type == "json" || type == "jsonb") &&
          column_use(member(cast, "arg"), ColumnUse::json_cast, scope)) {
        return;
      }
    }
    if (const json& expr = member(node, "A_Expr"); !expr.is_null()) {
      if (is_json_operator(last_name(member(expr, "name")))) {
        column_use(member(expr, "lexpr"), ColumnUse::json_operator, scope);
      }
    }
    if (const json& call = member(node, "FuncCall"); !call.is_null()) {
      const json& args = member(call, "args");
      if (is_json_function(last_name(member(call, "funcname"))) && args.is_array() && !args.empty()) {
        column_use(args.front(), ColumnUse::json_operator, scope);
      }
    }
    if (const json& link = member(node, "SubLink"); !link.is_null()) {
      predicate(node, scope, false);
      return;
    }
    if (const json& sub = member(node, "SelectStmt"); !sub.is_null()) {
      select(sub, &scope);
      return;
    }
    for (const auto& item : node.items()) {
      if (item.value().is_structured()) {
        expressions(item.value(), scope);
      }
    }
  }
};

} // namespace

model::QueryShape analyze_query(const nlohmann::json& tree) {
  model::QueryShape shape;
  const json& stmts = member(tree, "stmts");
  if (!stmts.is_array() || stmts.empty()) {
    return shape;
  }
  Analyzer analyzer(shape);
  analyzer.statement(member(stmts.front(), "stmt"));
  take_inventory(member(stmts.front(), "stmt"), shape);
  return shape;
}

std::vector<ExpressionFilter> expression_filters(const nlohmann::json& tree) {
  std::vector<ExpressionFilter> filters;
  const json& stmts = member(tree, "stmts");
  if (!stmts.is_array() || stmts.empty()) {
    return filters;
  }
  model::QueryShape scratch;
  Analyzer analyzer(scratch, &filters);
  analyzer.statement(member(stmts.front(), "stmt"));
  return filters;
}

std::vector<ExpressionFilter> expression_filters_text(std::string_view sql) {
  const ParseResult result = parse(sql);
  return result.ok() ? expression_filters(result.tree) : std::vector<ExpressionFilter>{};
}

ColumnReads column_reads(const nlohmann::json& tree) {
  ColumnReads reads;
  const json& stmts = member(tree, "stmts");
  if (!stmts.is_array() || stmts.empty()) {
    return reads;
  }
  model::QueryShape scratch;
  Analyzer analyzer(scratch, nullptr, &reads);
  analyzer.statement(member(stmts.front(), "stmt"));
  reads.star = scratch.select_star;
  return reads;
}

ColumnReads column_reads_text(std::string_view sql) {
  const ParseResult result = parse(sql);
  return result.ok() ? column_reads(result.tree) : ColumnReads{};
}

model::QueryShape analyze_query_text(std::string_view sql, bool* parsed) {
  const ParseResult result = parse(sql);
  if (parsed != nullptr) {
    *parsed = result.ok();
  }
  if (!result.ok()) {
    return {};
  }
  return analyze_query(result.tree);
}

} // namespace pgadvise::pg
