#include "reporters/json_writer.hpp"

#include "core/json_string.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace pgadvise::reporters {

void JsonWriter::newline() {
  m_out += '\n';
  m_out.append(2 * static_cast<std::size_t>(m_depth), ' ');
}

void JsonWriter::open(char bracket) {
  m_out += bracket;
  ++m_depth;
  m_first.push_back(true);
}

void JsonWriter::close(char bracket) {
  --m_depth;
  const bool empty = m_first.back();
  m_first.pop_back();
  if (!empty) {
    newline();
  }
  m_out += bracket;
}

void JsonWriter::item() {
  if (!m_first.back()) {
    m_out += ',';
  }
  m_first.back() = false;
  newline();
}

void JsonWriter::key(std::string_view name) {
  item();
  m_out += '"';
  m_out += name;
  m_out += "\": ";
}

void JsonWriter::strings(const std::vector<std::string>& values) {
  open('[');
  for (const std::string& value : values) {
    item();
    text(value);
  }
  close(']');
}

void JsonWriter::text_or_null(std::string_view value) {
  if (value.empty()) {
    null();
  } else {
    text(value);
  }
}

void JsonWriter::number(std::int64_t value) {
  m_out += std::to_string(value);
}

void JsonWriter::number_or_null(int value) {
  if (value > 0) {
    number(value);
  } else {
    null();
  }
}

void JsonWriter::text(std::string_view value) {
  const bool ascii =
      std::all_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) {
    using json = nlohmann::ordered_json;
    m_out += json(value).dump(2, ' ', false, json::error_handler_t::replace);
    return;
  }
  core::append_json_string(m_out, value);
}

std::size_t empty_array_end(std::string_view document, std::string_view key, int depth) {
  if (key.empty()) {
    return document.substr(0, 2) == "[]" ? 1 : std::string_view::npos;
  }
  std::string needle = "\n";
  needle.append(2 * static_cast<std::size_t>(depth), ' ');
  needle += '"';
  needle += key;
  needle += "\": []";
  const std::size_t at = document.find(needle);
  return at == std::string_view::npos ? at : at + needle.size() - 1;
}

} // namespace pgadvise::reporters
