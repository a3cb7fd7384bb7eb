#include "pg/index_identity.hpp"

#include "pg/expression_key.hpp"

#include <functional>
#include <string>

namespace pgadvise::pg {

std::uint64_t expression_identity(std::string_view expression) {
  if (expression.empty()) {
    return 0;
  }
  const std::uint64_t hash = std::hash<std::string>{}(expression_key(expression));
  return hash == 0 ? 1 : hash;
}

void identify_index(model::Index& index) {
  for (model::IndexKey& key : index.keys) {
    key.identity = key.column.empty() ? expression_identity(key.expression.str()) : 0;
  }
  index.predicate_identity = expression_identity(index.predicate.str());
}

} // namespace pgadvise::pg
