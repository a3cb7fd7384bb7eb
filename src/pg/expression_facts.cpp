#include "pg/expression_facts.hpp"

#include "core/sql_quoted.hpp"
#include "core/text.hpp"
#include "core/utf8.hpp"
#include "pg/owned.hpp"
#include "pg/parser.hpp"

#include <cctype>
#include <pg_query.h>

namespace pgadvise::pg {

namespace {

using Json = nlohmann::json;

// The expression is parsed as the one target of a SELECT.
constexpr std::string_view k_prefix = "SELECT ";

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The end of a dotted name (`auth.uid`, `"Posts"."userId"`) starting at `from`.
std::size_t skip_name(std::string_view text, std::size_t from) {
  std::size_t i = from;
  while (i < text.size()) {
    if (text[i] == '"') {
      i = core::sql_quoted_end(text, i);
    } else if (is_name_char(text[i])) {
      while (i < text.size() && is_name_char(text[i])) {
        ++i;
      }
    } else {
      break;
    }
    if (i < text.size() && text[i] == '.' && i + 1 < text.size() &&
        (text[i + 1] == '"' || is_name_char(text[i + 1]) || text[i + 1] == '*')) {
      ++i;
      if (text[i] == '*') {
        return i + 1;
      }
      continue;
    }
    break;
  }
  return i;
}

// The end of a call whose name starts at `from`: past the parenthesis that
// closes its argument list (quotes and nested parentheses skipped).
std::size_t skip_call(std::string_view text, std::size_t from) {
  std::size_t i = skip_name(text, from);
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) {
    ++i;
  }
  if (i >= text.size() || text[i] != '(') {
    return i;
  }
  int depth = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      i = core::sql_quoted_end(text, i);
      continue;
    }
    if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return i + 1;
    }
    ++i;
  }
  return text.size();
}

std::vector<std::string> names_of(const Json* list) {
  std::vector<std::string> out;
  if (list == nullptr || !list->is_array()) {
    return out;
  }
  for (const Json& item : *list) {
    const auto string = item.find("String");
    if (string != item.end() && string->is_object()) {
      out.push_back(string->value("sval", ""));
    }
  }
  return out;
}

std::optional<std::size_t> location_of(const Json& node) {
  const auto location = node.find("location");
  if (location == node.end() || !location->is_number_integer() || location->get<long long>() < 0) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(location->get<long long>());
}

using OwnedProtobuf = Owned<PgQueryProtobufParseResult, pg_query_free_protobuf_parse_result>;
using OwnedDeparse = Owned<PgQueryDeparseResult, pg_query_free_deparse_result>;

class Walker {
public:
  Walker(std::string_view sql, ExpressionFacts& facts) : m_sql(sql), m_facts(facts) {}

  void walk(const Json& node, bool in_subquery) {
    if (node.is_array()) {
      for (const Json& item : node) {
        walk(item, in_subquery);
      }
      return;
    }
    if (!node.is_object()) {
      return;
    }
    for (const auto& [key, value] : node.items()) {
      if (key == "FuncCall" && value.is_object() && !in_subquery) {
        add_call(value);
      } else if (key == "ColumnRef" && value.is_object()) {
        add_column(value);
      }
      walk(value, in_subquery || key == "SubLink");
    }
  }

private:
  // Offsets in the tree are into "SELECT " + expression.
  [[nodiscard]] std::optional<std::size_t> start(const Json& node) const {
    const std::optional<std::size_t> location = location_of(node);
    if (!location || *location < k_prefix.size() || *location >= m_sql.size()) {
      return std::nullopt;
    }
    return location;
  }

  [[nodiscard]] TextRange range(std::size_t begin, std::size_t end) const {
    return TextRange{begin - k_prefix.size(), end - begin};
  }

  void add_call(const Json& call) {
    const std::optional<std::size_t> begin = start(call);
    const std::vector<std::string> names = names_of(call.contains("funcname") ? &call["funcname"] : nullptr);
    if (!begin || names.empty()) {
      return;
    }
    m_facts.direct_calls.push_back(
        ExpressionCall{core::to_lower(core::join(names, ".")), range(*begin, skip_call(m_sql, *begin))});
  }

  void add_column(const Json& ref) {
    const std::optional<std::size_t> begin = start(ref);
    const std::vector<std::string> names = names_of(ref.contains("fields") ? &ref["fields"] : nullptr);
    if (!begin || names.empty()) {
      return;
    }
    ExpressionColumn column;
    column.column = names.back();
    column.qualifier = names.size() > 1 ? names[names.size() - 2] : std::string();
    column.range = range(*begin, skip_name(m_sql, *begin));
    m_facts.columns.push_back(std::move(column));
  }

  std::string_view m_sql;
  ExpressionFacts& m_facts;
};

} // namespace

ExpressionFacts expression_facts(std::string_view expression) {
  ExpressionFacts facts;
  const std::string sql = std::string(k_prefix) + std::string(expression);
  const ParseResult parsed = parse(sql);
  if (!parsed.ok()) {
    return facts;
  }
  const Json* stmts = parsed.tree.contains("stmts") ? &parsed.tree["stmts"] : nullptr;
  if (stmts == nullptr || !stmts->is_array() || stmts->size() != 1) {
    return facts;
  }
  const Json& stmt = (*stmts)[0];
  const auto select = stmt.contains("stmt") ? stmt["stmt"].find("SelectStmt") : Json::const_iterator();
  if (!stmt.contains("stmt") || select == stmt["stmt"].end() || !select->is_object()) {
    return facts;
  }
  const auto targets = select->find("targetList");
  // One target and nothing else: "1, 2" or "1 FROM t" is not one expression.
  if (targets == select->end() || !targets->is_array() || targets->size() != 1 ||
      select->contains("fromClause") || select->contains("whereClause") || select->contains("sortClause") ||
      select->contains("limitCount") || select->contains("groupClause")) {
    return facts;
  }
  facts.parsed = true;
  Walker(sql, facts).walk(*targets, false);
  return facts;
}

std::optional<std::string> deparse_expression(std::string_view expression) {
  std::string sql = std::string(k_prefix) + std::string(expression);
  core::utf8::replace_invalid(sql);
  if (!expression_facts(expression).parsed) {
    return std::nullopt;
  }
  const OwnedProtobuf parsed(pg_query_parse_protobuf(sql.c_str()));
  if (parsed->error != nullptr) {
    return std::nullopt;
  }
  const OwnedDeparse deparsed(pg_query_deparse_protobuf(parsed->parse_tree));
  if (deparsed->error != nullptr || deparsed->query == nullptr) {
    return std::nullopt;
  }
  const std::string_view text(deparsed->query);
  if (text.substr(0, k_prefix.size()) != k_prefix) {
    return std::nullopt;
  }
  return std::string(text.substr(k_prefix.size()));
}

} // namespace pgadvise::pg
