#include "loaders/typescript/jsonc.hpp"

#include <algorithm>

namespace pgadvise::loaders::ts {

namespace {

// Where the comment or string starting at `i` ends (one past it).
std::size_t skip_string(std::string_view text, std::size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return text.size();
}

} // namespace

std::string strip_jsonc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // Where a comma was written in `out`, while only blanks and comments
  // follow it: dropped when `}` or `]` comes next.
  std::size_t pending_comma = std::string::npos;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t end = skip_string(text, i);
      out.append(text.substr(i, end - i));
      pending_comma = std::string::npos;
      i = end;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') {
        ++i;
      }
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      const std::size_t close = text.find("*/", i + 2);
      const std::size_t end = close == std::string_view::npos ? text.size() : close + 2;
      for (std::size_t k = i; k < end; ++k) {
        if (text[k] == '\n') {
          out.push_back('\n');
        }
      }
      out.push_back(' ');
      i = end;
    } else if (c == ',') {
      pending_comma = out.size();
      out.push_back(c);
      ++i;
    } else if (c == '}' || c == ']') {
      if (pending_comma != std::string::npos) {
        out[pending_comma] = ' ';
        pending_comma = std::string::npos;
      }
      out.push_back(c);
      ++i;
    } else {
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        pending_comma = std::string::npos;
      }
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

namespace {

// Only where a document stops being JSON: its byte offset and the reason.
struct ErrorFinder : nlohmann::json_sax<nlohmann::ordered_json> {
  std::size_t offset = 0;
  std::string message;
  bool null() override { return true; }
  bool boolean(bool /*value*/) override { return true; }
  bool number_integer(number_integer_t /*value*/) override { return true; }
  bool number_unsigned(number_unsigned_t /*value*/) override { return true; }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return true; }
  bool string(string_t& /*value*/) override { return true; }
  bool binary(binary_t& /*value*/) override { return true; }
  bool start_object(std::size_t /*size*/) override { return true; }
  bool key(string_t& /*value*/) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t /*size*/) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string& /*token*/,
                   const nlohmann::detail::exception& error) override {
    offset = position;
    message = error.what();
    return false;
  }
};

} // namespace

nlohmann::ordered_json parse_jsonc(std::string_view text, std::string* error) {
  const std::string stripped = strip_jsonc(text);
  nlohmann::ordered_json parsed =
      nlohmann::ordered_json::parse(stripped, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() && error != nullptr) {
    ErrorFinder finder;
    nlohmann::ordered_json::sax_parse(stripped, &finder);
    const std::size_t end = std::min(finder.offset, stripped.size());
    const auto line =
        1 + std::count(stripped.begin(), stripped.begin() + static_cast<std::ptrdiff_t>(end), '\n');
    *error = "line " + std::to_string(line) + ": not JSON (" + finder.message + ")";
  }
  return parsed;
}

} // namespace pgadvise::loaders::ts
