#include "engine/rule_pages.hpp"

namespace pgadvise::engine {

std::optional<std::string_view> find_rule_page(std::string_view id) {
  for (const auto& [page_id, text] : rule_pages()) {
    if (page_id == id) {
      return text;
    }
  }
  return std::nullopt;
}

} // namespace pgadvise::engine
