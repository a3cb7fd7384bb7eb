#include "rules/support/index_statement.hpp"

#include "core/text.hpp"

#include <vector>

namespace pgadvise::rules {

namespace {

std::string key_text(const model::IndexKey& key) {
  std::string out = key.column.empty() ? "(" + key.expression + ")" : core::quote_ident(key.column);
  if (!key.opclass.empty()) {
    out += " " + key.opclass;
  }
  if (key.descending) {
    out += " DESC";
  }
  if (key.nulls_first && *key.nulls_first != key.descending) {
    out += *key.nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  return out;
}

} // namespace

std::string render_index_statement(std::string_view schema, std::string_view table, const model::Index& index,
                                   bool concurrently, bool if_not_exists) {
  std::vector<std::string> keys;
  for (const model::IndexKey& key : index.keys) {
    keys.push_back(key_text(key));
  }
  std::string out = std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " +
                    (concurrently ? "CONCURRENTLY " : "") + (if_not_exists ? "IF NOT EXISTS " : "") +
                    core::quote_ident(index.name) + " ON " + core::qualified_name(schema, table);
  const std::string method = core::to_lower(index.method.empty() ? "btree" : index.method);
  if (method != "btree") {
    out += " USING " + method;
  }
  out += " (" + core::join(keys, ", ") + ")";
  if (!index.include.empty()) {
    std::vector<std::string> include;
    for (const std::string& column : index.include) {
      include.push_back(core::quote_ident(column));
    }
    out += " INCLUDE (" + core::join(include, ", ") + ")";
  }
  if (index.is_partial()) {
    out += " WHERE " + index.predicate;
  }
  return out + ";";
}

} // namespace pgadvise::rules
