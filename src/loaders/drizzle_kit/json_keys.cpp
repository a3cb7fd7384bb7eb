#include "loaders/drizzle_kit/json_keys.hpp"

#include <utility>

namespace pgadvise::loaders {

namespace {

// One open object or array while scanning.
struct Frame {
  bool object = true;
  bool expect_key = true; // objects: the next string is a key
  std::size_t index = 0;  // arrays: the element being read
  std::string segment;    // the key or index a nested value sits under
};

// Reads a JSON string starting at the opening quote; returns its decoded
// value (escapes other than \uXXXX kept verbatim: keys in snapshots are
// names, and a mismatch only costs a location) and moves `i` past it.
std::string read_string(std::string_view text, std::size_t& i) {
  std::string out;
  ++i; // opening quote
  while (i < text.size() && text[i] != '"') {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char escaped = text[i + 1];
      switch (escaped) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      default: out += escaped; break; // \" \\ \/ and, approximately, \u
      }
      i += 2;
      continue;
    }
    out += text[i];
    ++i;
  }
  ++i; // closing quote
  return out;
}

} // namespace

JsonKeyLines::JsonKeyLines(std::string_view text, std::string file) : m_file(std::move(file)) {
  scan(text);
}

std::string JsonKeyLines::join_path(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& segment : path) {
    out += segment;
    out += '\x1f'; // a separator no snapshot key contains
  }
  return out;
}

void JsonKeyLines::scan(std::string_view text) {
  std::vector<Frame> stack;
  std::vector<std::string> path;
  int line = 1;
  std::size_t line_start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
      line_start = i;
      continue;
    }
    if (c == '"') {
      const int column = static_cast<int>(i - line_start) + 1;
      std::string value = read_string(text, i);
      if (!stack.empty() && stack.back().object && stack.back().expect_key) {
        stack.back().expect_key = false;
        stack.back().segment = std::move(value);
        path.clear();
        for (const Frame& frame : stack) {
          path.push_back(frame.segment);
        }
        m_keys.emplace(join_path(path), Position{line, column});
      }
      continue;
    }
    if (c == '{' || c == '[') {
      Frame frame;
      frame.object = c == '{';
      frame.segment = frame.object ? std::string() : "0";
      stack.push_back(std::move(frame));
    } else if (c == '}' || c == ']') {
      if (stack.empty()) {
        return;
      }
      stack.pop_back();
    } else if (c == ',' && !stack.empty()) {
      Frame& top = stack.back();
      if (top.object) {
        top.expect_key = true;
      } else {
        ++top.index;
        top.segment = std::to_string(top.index);
      }
    }
    ++i;
  }
}

core::SourceLocation JsonKeyLines::locate(const std::vector<std::string>& path) const {
  core::SourceLocation where;
  where.file = m_file;
  if (auto it = m_keys.find(join_path(path)); it != m_keys.end()) {
    where.line = it->second.line;
    where.column = it->second.column;
  }
  return where;
}

} // namespace pgadvise::loaders
