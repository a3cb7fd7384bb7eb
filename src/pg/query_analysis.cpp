#include "pg/query_analysis.hpp"

#include "core/text.hpp"
#include "pg/parser.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string>

namespace pgadvise::pg {

namespace {

using model::ColumnUse;
using nlohmann::json;

const json k_null;

const json& member(const json& node, const char* key) {
  if (!node.is_object()) {
    return k_null;
  }
  const auto it = node.find(key);
  return it == node.end() ? k_null : *it;
}

std::string string_of(const json& node) {
  const json& value = member(member(node, "String"), "sval");
  return value.is_string() ? value.get<std::string>() : std::string();
}

// A set operation's branch: libpg_query writes larg/rarg as bare SelectStmt
// bodies (typed fields), not wrapped in {"SelectStmt": ...} like other nodes.
const json& set_branch(const json& body, const char* side) {
  const json& node = member(body, side);
  const json& wrapped = member(node, "SelectStmt");
  return wrapped.is_null() ? node : wrapped;
}

// Last name of a qualified operator or function name list.
std::string last_name(const json& names) {
  if (!names.is_array() || names.empty()) {
    return {};
  }
  return string_of(names.back());
}

// $n, also under a cast ($1::int).
int param_number(const json& node) {
  const json& cast = member(member(node, "TypeCast"), "arg");
  const json& number = member(member(cast.is_null() ? node : cast, "ParamRef"), "number");
  return number.is_number_integer() ? number.get<int>() : 0;
}

// What the whole statement contains wherever it sits: parameters, function
// calls, writes. Collected over every node, as a parameter or a write can
// hide anywhere (a CTE, a subquery, a RETURNING list).
void inventory(const json& node, model::QueryShape& shape, int depth) {
  if (depth > 10'000) {
    return; // libpg_query's own depth limit is far below; this only guards the stack
  }
  if (node.is_array()) {
    for (const json& item : node) {
      inventory(item, shape, depth + 1);
    }
    return;
  }
  if (!node.is_object()) {
    return;
  }
  for (const auto& [key, value] : node.items()) {
    if (key == "InsertStmt" || key == "UpdateStmt" || key == "DeleteStmt" || key == "MergeStmt" ||
        key == "intoClause") {
      shape.modifies = true;
    } else if (key == "ParamRef") {
      const json& number = member(value, "number");
      if (number.is_number_integer()) {
        shape.max_param = std::max(shape.max_param, number.get<int>());
      }
    } else if (key == "FuncCall") {
      const json& names = member(value, "funcname");
      if (names.is_array() && !names.empty()) {
        const json& name = member(member(names.back(), "String"), "sval");
        if (name.is_string()) {
          std::string text = core::to_lower(name.get<std::string>());
          if (std::find(shape.functions.begin(), shape.functions.end(), text) == shape.functions.end()) {
            shape.functions.push_back(std::move(text));
          }
        }
      }
    }
    if (value.is_structured()) {
      inventory(value, shape, depth + 1);
    }
  }
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

bool is_json_function(std::string_view name) {
  return name.rfind("json", 0) == 0 || name.rfind("jsonb", 0) == 0;
}

bool is_aggregate(std::string_view name) {
  static constexpr std::array<std::string_view, 12> k_aggs = {
      "count",   "sum",   "avg",       "min",        "max",      "bool_and",
      "bool_or", "every", "array_agg", "string_agg", "json_agg", "jsonb_agg"};
  return std::find(k_aggs.begin(), k_aggs.end(), name) != k_aggs.end();
}

struct Relation {
  std::string schema;
  std::string name;
};

// The relations one query level can name: alias (or bare name) -> table.
struct Scope {
  const Scope* parent = nullptr;
  std::map<std::string, Relation> names;
  std::vector<Relation> relations; // in FROM order, including subquery placeholders
  bool has_subquery = false;

  [[nodiscard]] const Relation* lookup(const std::string& name) const {
    for (const Scope* scope = this; scope != nullptr; scope = scope->parent) {
      const auto it = scope->names.find(name);
      if (it != scope->names.end()) {
        return &it->second;
      }
    }
    return nullptr;
  }
};

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
      top_level_select(body);
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

  void record_read(const model::ColumnUsage& usage) {
    if (m_reads == nullptr || usage.table.empty()) {
      return;
    }
    const bool seen =
        std::any_of(m_reads->reads.begin(), m_reads->reads.end(), [&](const model::ColumnUsage& r) {
          return r.table == usage.table && r.schema == usage.schema && r.column == usage.column;
        });
    if (!seen) {
      m_reads->reads.push_back(usage);
    }
  }

  void record_write(const json& body, bool update) {
    if (m_reads == nullptr) {
      return;
    }
    const json& relation = member(body, "relation");
    if (member(relation, "relname").is_string()) {
      m_reads->target_table = member(relation, "relname").get<std::string>();
      const json& schema = member(relation, "schemaname");
      m_reads->target_schema = schema.is_string() ? schema.get<std::string>() : std::string();
    }
    if (!update) {
      return;
    }
    for (const json& target : member(body, "targetList")) {
      const json& name = member(member(target, "ResTarget"), "name");
      if (name.is_string() && std::find(m_reads->updated.begin(), m_reads->updated.end(),
                                        name.get<std::string>()) == m_reads->updated.end()) {
        m_reads->updated.push_back(name.get<std::string>());
      }
    }
  }
  std::vector<std::string> m_cte_names;

  // UNION / INTERSECT / EXCEPT: the statement reads all rows only if one of
  // its branches does, and shows `*` or aggregates if any branch does; the
  // LIMIT of the whole statement is the top node's.
  void set_operation_branches(const json& body) {
    bool all_filtered = true;
    for (const char* side : {"larg", "rarg"}) {
      const json& branch = set_branch(body, side);
      model::QueryShape part;
      Analyzer nested(part);
      nested.top_level_select(branch);
      all_filtered = all_filtered && part.has_where;
      m_shape.select_star = m_shape.select_star || part.select_star;
      m_shape.has_aggregate = m_shape.has_aggregate || part.has_aggregate;
    }
    m_shape.has_where = all_filtered;
  }

  void top_level_select(const json& body) {
    if (member(body, "op").is_string() && member(body, "op").get<std::string>() != "SETOP_NONE") {
      set_operation_branches(body);
      limit(member(body, "limitCount"), m_shape.has_limit, m_shape.limit);
      limit(member(body, "limitOffset"), m_shape.has_offset, m_shape.offset);
      return;
    }
    m_shape.has_where = !member(body, "whereClause").is_null();
    for (const json& target : member(body, "targetList")) {
      const json& val = member(member(target, "ResTarget"), "val");
      const json& fields = member(member(val, "ColumnRef"), "fields");
      if (fields.is_array() && !fields.empty() && fields.back().contains("A_Star")) {
        m_shape.select_star = true;
      }
      const json& call = member(val, "FuncCall");
      if (!call.is_null() && is_aggregate(last_name(member(call, "funcname")))) {
        m_shape.has_aggregate = true;
      }
    }
    if (member(body, "groupClause").is_array()) {
      m_shape.has_aggregate = true;
    }
    limit(member(body, "limitCount"), m_shape.has_limit, m_shape.limit);
    limit(member(body, "limitOffset"), m_shape.has_offset, m_shape.offset);
  }

  static void limit(const json& node, bool& present, std::optional<std::int64_t>& value) {
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

  void limit_param(const json& node, const char* clause) {
    if (const int number = param_number(node); number > 0) {
      m_shape.param_clauses.emplace(number, clause);
    }
  }

  // `column op $n` (also IN ($1, $2), = ANY($1), BETWEEN $1 AND $2): the
  // parameter takes a value of the column's type.
  void param_targets(const json& column_side, const json& other, const Scope& scope) {
    const auto usage = resolve(column_side, scope);
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
    if (member(body, "op").is_string() && member(body, "op").get<std::string>() != "SETOP_NONE") {
      select(set_branch(body, "larg"), parent);
      select(set_branch(body, "rarg"), parent);
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

  // The column a ColumnRef names, resolved through the scope's aliases.
  [[nodiscard]] std::optional<model::ColumnUsage> resolve(const json& node, const Scope& scope) const {
    const json* target = &node;
    if (const json& cast = member(node, "TypeCast"); !cast.is_null()) {
      target = &member(cast, "arg");
    }
    const json& fields = member(member(*target, "ColumnRef"), "fields");
    if (!fields.is_array() || fields.empty() || fields.back().contains("A_Star")) {
      return std::nullopt;
    }
    model::ColumnUsage usage;
    usage.column = string_of(fields.back());
    if (fields.size() == 1) {
      if (scope.relations.size() == 1 && !scope.has_subquery) {
        usage.schema = scope.relations.front().schema;
        usage.table = scope.relations.front().name;
      }
    } else {
      const std::string qualifier = string_of(fields[fields.size() - 2]);
      if (const Relation* relation = scope.lookup(qualifier); relation != nullptr) {
        usage.schema = relation->schema;
        usage.table = relation->name;
      } else {
        usage.table = qualifier;
        usage.schema = fields.size() >= 3 ? string_of(fields[fields.size() - 3]) : std::string();
      }
    }
    if (usage.column.empty()) {
      return std::nullopt;
    }
    return usage;
  }

  // Whether a column reference names a relation of this very scope (not of
  // an enclosing query's); an unqualified one counts as local.
  static bool resolves_locally(const json& node, const Scope& scope) {
    const json* target = &node;
    if (const json& cast = member(node, "TypeCast"); !cast.is_null()) {
      target = &member(cast, "arg");
    }
    const json& fields = member(member(*target, "ColumnRef"), "fields");
    if (!fields.is_array() || fields.size() < 2) {
      return true;
    }
    const std::string qualifier = string_of(fields[fields.size() - 2]);
    if (scope.names.count(qualifier) != 0) {
      return true;
    }
    return scope.parent == nullptr || scope.parent->lookup(qualifier) == nullptr;
  }

  bool column_use(const json& node, ColumnUse use, const Scope& scope) {
    auto usage = resolve(node, scope);
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

  static bool is_column(const json& node) {
    const json& inner = node.contains("TypeCast") ? member(member(node, "TypeCast"), "arg") : node;
    return !member(inner, "ColumnRef").is_null();
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
        expression_filter(member(test, "arg"), k_null, ColumnUse::is_null, "", scope);
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
    std::optional<ColumnUse> use;
    if (kind == "AEXPR_OP") {
      if (op == "=") {
        use = (left_col && right_col) ? ColumnUse::join : ColumnUse::equality;
      } else if (op == "<" || op == "<=" || op == ">" || op == ">=") {
        use = (left_col && right_col && in_join) ? ColumnUse::join : ColumnUse::range;
      } else if (op == "~~" || op == "~~*") {
        use = ColumnUse::like;
      }
    } else if (kind == "AEXPR_IN" || kind == "AEXPR_OP_ANY") {
      use = op == "=" ? std::optional<ColumnUse>(ColumnUse::in_list) : std::nullopt;
      // `= ANY(x)` takes a set whatever x is; `IN (a)` with one value is a
      // plain equality, `IN (a, b)` a set.
      const std::size_t values = member(member(right, "List"), "items").size();
      m_shape.set_filter = m_shape.set_filter || kind == "AEXPR_OP_ANY" || values != 1;
    } else if (kind == "AEXPR_BETWEEN" || kind == "AEXPR_BETWEEN_SYM") {
      use = ColumnUse::range;
      m_shape.set_filter = true;
    } else if (kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE") {
      use = ColumnUse::like;
    }
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

  // Records `side` as an ExpressionFilter when it is an expression (a bare
  // column only for the JSON operators) over one table's columns and
  // `other` reads no column.
  void expression_filter(const json& side, const json& other, ColumnUse use, const std::string& op,
                         const Scope& scope) {
    if (m_filters == nullptr || !side.is_object() || (use != ColumnUse::json_operator && is_column(side)) ||
        references_columns(other)) {
      return;
    }
    std::vector<const json*> refs;
    if (!collect_column_refs(side, refs, 0) || refs.empty()) {
      return;
    }
    ExpressionFilter filter;
    for (const json* ref : refs) {
      const auto usage = resolve(*ref, scope);
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
    const bool seen = std::any_of(m_filters->begin(), m_filters->end(), [&](const ExpressionFilter& f) {
      return f.table == filter.table && f.schema == filter.schema && f.use == filter.use &&
             f.op == filter.op && f.expression == filter.expression;
    });
    if (!seen) {
      m_filters->push_back(std::move(filter));
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
      if (const auto usage = resolve(node, scope)) {
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
  inventory(member(stmts.front(), "stmt"), shape, 0);
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
