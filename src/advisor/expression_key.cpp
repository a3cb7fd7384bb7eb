#include "advisor/expression_key.hpp"

#include "pg/expression_key.hpp"

namespace pgadvise::advisor {

std::string expression_key(std::string_view expression) {
  return pg::expression_key(expression);
}

} // namespace pgadvise::advisor
