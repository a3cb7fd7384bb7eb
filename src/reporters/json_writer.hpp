#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

// Writing JSON straight into a buffer, laid out byte for byte as nlohmann's
// dump(2, ' ', false, replace) lays it out: building an ordered_json tree
// per finding and dumping it was a quarter of a 10,000-table run, and a
// whole SARIF tree took 670 MB there. The JSON, SARIF and GitLab reports
// share it: each dumps its small frame with nlohmann and streams the one
// big array (findings, results, issues) into it with write_spliced.
namespace pgadvise::reporters {

class JsonWriter {
public:
  // `depth`: the indent level of the value about to be written.
  explicit JsonWriter(std::string& out, int depth = 0) : m_out(out), m_depth(depth) {}

  void set_depth(int depth) { m_depth = depth; }

  // '{' or '['; close() writes the matching bracket, and an empty object or
  // array as {} or [] the way nlohmann does.
  void open(char bracket);
  void close(char bracket);
  // Before an array element: the separator and the indent.
  void item();
  // Before an object member: the separator, the indent and "name": .
  void key(std::string_view name);

  // A JSON string; a value holding a non-ASCII byte is escaped by nlohmann
  // itself, so invalid UTF-8 becomes U+FFFD exactly as dump() makes it.
  void text(std::string_view value);
  void text_or_null(std::string_view value); // null when empty
  void strings(const std::vector<std::string>& values);
  void number(std::int64_t value);
  void number_or_null(int value); // null unless positive
  // An object member whose value is a string: key(name), then text(value)
  // or text_or_null(value).
  void field(std::string_view name, std::string_view value) {
    key(name);
    text(value);
  }
  void field_or_null(std::string_view name, std::string_view value) {
    key(name);
    text_or_null(value);
  }
  void null() { m_out += "null"; }

private:
  void newline();

  std::string& m_out;
  int m_depth = 0;
  std::vector<bool> m_first;
};

// Where the elements go in `document` (a dump with indent 2): just after the
// '[' of the empty array that is the value of `key` at indent level `depth`
// (an empty key: `document` itself is that array). npos when not found.
// Strings hold no raw newline, so a member at that indent is found only
// where the structure has it.
std::size_t empty_array_end(std::string_view document, std::string_view key, int depth);

inline constexpr std::size_t k_json_chunk_bytes = 1U << 16U;

// Writes `document` with the elements `write_element(writer, element)`
// writes in place of the empty array that ends at `open` (see
// empty_array_end), elements at indent level `depth + 1`. Memory holds a
// chunk of the elements' JSON, never all of it.
template <typename Range, typename WriteElement>
void write_spliced(std::ostream& out, std::string_view document, std::size_t open, int depth,
                   const Range& elements, WriteElement write_element) {
  if (open == std::string_view::npos || elements.empty()) {
    out << document;
    return;
  }
  out.write(document.data(), static_cast<std::streamsize>(open));
  std::string buffer;
  JsonWriter writer(buffer);
  const std::string indent(2 * static_cast<std::size_t>(depth + 1), ' ');
  bool first = true;
  for (const auto& element : elements) {
    buffer += first ? "\n" : ",\n";
    first = false;
    buffer += indent;
    writer.set_depth(depth + 1);
    write_element(writer, element);
    if (buffer.size() >= k_json_chunk_bytes) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
  }
  buffer += '\n';
  buffer.append(2 * static_cast<std::size_t>(depth), ' ');
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  const std::string_view rest = document.substr(open);
  out.write(rest.data(), static_cast<std::streamsize>(rest.size()));
}

} // namespace pgadvise::reporters
