#include "loaders/sql/replay_names.hpp"

#include "core/text.hpp"

namespace pgadvise::loaders::replay {

namespace {

constexpr std::size_t k_max_identifier = 63; // NAMEDATALEN - 1

} // namespace

std::string make_object_name(std::string_view name1, std::string_view name2, std::string_view label) {
  std::size_t overhead = 0;
  if (!name2.empty()) {
    ++overhead; // separating underscore
  }
  if (!label.empty()) {
    overhead += label.size() + 1;
  }
  const std::size_t available = overhead < k_max_identifier ? k_max_identifier - overhead : 0;
  std::size_t chars1 = name1.size();
  std::size_t chars2 = name2.size();
  while (chars1 + chars2 > available) {
    if (chars1 > chars2) {
      --chars1;
    } else {
      --chars2;
    }
  }
  std::string out = core::truncate_identifier(name1, chars1);
  if (!name2.empty()) {
    out += "_" + core::truncate_identifier(name2, chars2);
  }
  if (!label.empty()) {
    out += "_";
    out += label;
  }
  return out;
}

std::string choose_name(std::string_view name1, std::string_view name2, std::string_view label,
                        const std::function<bool(const std::string&)>& taken) {
  std::string modified(label);
  for (int pass = 1; pass < 10000; ++pass) {
    std::string candidate = make_object_name(name1, name2, modified);
    if (!taken(candidate)) {
      return candidate;
    }
    modified = std::string(label) + std::to_string(pass);
  }
  return make_object_name(name1, name2, modified);
}

std::string join_column_names(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& column : columns) {
    if (!out.empty()) {
      out += '_';
    }
    out += column;
    if (out.size() >= k_max_identifier + 1) {
      break;
    }
  }
  return core::truncate_identifier(out, k_max_identifier + 1);
}

} // namespace pgadvise::loaders::replay
