#include "loaders/project/toml.hpp"

#include <algorithm>
#include <sstream>
#include <toml++/toml.h>

namespace pgadvise::loaders::toml {

const Value* Document::find(std::string_view table, std::string_view key) const {
  for (const Value& value : values) {
    if (value.table == table && value.key == key) {
      return &value;
    }
  }
  return nullptr;
}

namespace {

int line_of(const ::toml::node& node) {
  return static_cast<int>(node.source().begin.line);
}

std::string rendered(const ::toml::node& node) {
  if (const auto* text = node.as_string()) {
    return text->get();
  }
  std::ostringstream out;
  node.visit([&out](const auto& value) { out << value; });
  return out.str();
}

std::string joined(const std::string& table, std::string_view key) {
  return table.empty() ? std::string(key) : table + "." + std::string(key);
}

void flatten(const ::toml::table& table, const std::string& path, std::vector<Value>& out) {
  for (const auto& [key, node] : table) {
    if (const auto* child = node.as_table()) {
      flatten(*child, joined(path, key.str()), out);
      continue;
    }
    const auto* array = node.as_array();
    if (array != nullptr && array->is_array_of_tables()) {
      for (const ::toml::node& item : *array) {
        flatten(*item.as_table(), joined(path, key.str()), out);
      }
      continue;
    }
    Value value;
    value.table = path;
    value.key = std::string(key.str());
    value.line = line_of(node);
    if (array != nullptr) {
      value.is_array = true;
      for (const ::toml::node& item : *array) {
        value.array.push_back(rendered(item));
      }
    } else {
      value.text = rendered(node);
    }
    out.push_back(std::move(value));
  }
}

} // namespace

Document parse(std::string_view text) {
  Document doc;
  try {
    const ::toml::table root = ::toml::parse(text);
    flatten(root, "", doc.values);
    // toml++ keeps keys sorted; the scanners report in file order.
    std::stable_sort(doc.values.begin(), doc.values.end(),
                     [](const Value& a, const Value& b) { return a.line < b.line; });
  } catch (const ::toml::parse_error& error) {
    doc.problems.push_back({std::string(error.description()), static_cast<int>(error.source().begin.line)});
  }
  return doc;
}

} // namespace pgadvise::loaders::toml
