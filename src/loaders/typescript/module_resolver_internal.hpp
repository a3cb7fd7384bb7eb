#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

// The resolver's own helpers, shared by its source files
// (module_resolver*.cpp); not part of its interface (module_resolver.hpp).
namespace pgadvise::loaders::ts::detail {

// tsconfig.json and package.json files larger than this are not read.
inline constexpr std::uintmax_t k_max_config_bytes = 4U << 20U;

bool is_relative(std::string_view specifier);
// A `*` pattern against a specifier: the text the star stands for.
std::optional<std::string> match_star(std::string_view pattern, std::string_view text);
std::string replace_star(const std::string& target, const std::string& star);
// Where `specifier` names its package: `@scope/name/sub` -> ("@scope/name", "./sub").
std::pair<std::string, std::string> split_package(std::string_view specifier);
// A string member of a JSON object; "" when there is none.
std::string string_field(const nlohmann::ordered_json& object, const char* key);
// `folder / name` as text into `out` (no slash doubled): the resolver
// builds hundreds of thousands of such paths, a path object per one was
// an object per name in it.
void join_name(std::string& out, std::string_view folder, std::string_view name);

} // namespace pgadvise::loaders::ts::detail
