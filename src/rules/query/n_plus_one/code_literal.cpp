#include "rules/query/n_plus_one/code_literal.hpp"

#include <algorithm>
#include <cctype>

namespace pgadvise::rules::n_plus_one {

bool is_code_literal(std::string_view value) {
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  if (value.empty() || value == "true" || value == "false" || value == "null") {
    return !value.empty();
  }
  if (value.front() == '"' || value.front() == '\'') {
    return value.size() >= 2 && value.back() == value.front();
  }
  return digit(value.back()) && std::all_of(value.begin(), value.end(), [&](char c) {
           return digit(c) || c == '.' || c == '-' || c == '_';
         });
}

} // namespace pgadvise::rules::n_plus_one
