#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace pgadvise::engine {

// The rules/*.md pages compiled into the binary: (id, markdown), sorted by id.
const std::vector<std::pair<std::string_view, std::string_view>>& rule_pages();

std::optional<std::string_view> find_rule_page(std::string_view id);

} // namespace pgadvise::engine
