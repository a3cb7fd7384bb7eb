#include "loaders/project/toml.hpp"

#include "core/text.hpp"

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

// Reads a basic ("...") or literal ('...') string starting at text[pos].
std::string read_string(std::string_view text, std::size_t& pos) {
  const char quote = text[pos];
  std::string out;
  ++pos;
  while (pos < text.size() && text[pos] != quote) {
    if (quote == '"' && text[pos] == '\\' && pos + 1 < text.size()) {
      const char next = text[++pos];
      out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
    } else {
      out += text[pos];
    }
    ++pos;
  }
  if (pos < text.size()) {
    ++pos;
  }
  return out;
}

std::string key_part(std::string_view key) {
  std::string out;
  for (const std::string& part : core::split(key, '.')) {
    std::string piece(core::trim(part));
    if (piece.size() >= 2 && (piece.front() == '"' || piece.front() == '\'') &&
        piece.back() == piece.front()) {
      piece = piece.substr(1, piece.size() - 2);
    }
    out += out.empty() ? piece : "." + piece;
  }
  return out;
}

bool closed_array(std::string_view text) {
  int level = 0;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') {
        ++i;
      }
    } else if (c == '[') {
      ++level;
    } else if (c == ']') {
      --level;
    }
  }
  return level <= 0;
}

void read_array(std::string_view text, Value& value) {
  value.is_array = true;
  std::size_t pos = 1;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"' || c == '\'') {
      value.array.push_back(read_string(text, pos));
    } else if (c == '#') {
      while (pos < text.size() && text[pos] != '\n') {
        ++pos;
      }
    } else {
      ++pos;
    }
  }
}

} // namespace

Document parse(std::string_view text) {
  Document doc;
  const std::vector<std::string> lines = core::split(text, '\n');
  std::string table;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    std::string_view line = core::trim(lines[i]);
    if (line.empty() || line[0] == '#') {
      continue;
    }
    if (line[0] == '[') {
      const bool array_table = line.size() > 1 && line[1] == '[';
      const std::size_t close = line.find(']');
      if (close == std::string_view::npos) {
        doc.problems.push_back({"unterminated table header", line_no});
        continue;
      }
      const std::size_t start = array_table ? 2 : 1;
      table = key_part(line.substr(start, close - start));
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      doc.problems.push_back({"expected `key = value`", line_no});
      continue;
    }
    Value value;
    value.table = table;
    value.key = key_part(line.substr(0, eq));
    value.line = line_no;
    std::string rest(core::trim(line.substr(eq + 1)));
    if (rest.rfind("\"\"\"", 0) == 0 || rest.rfind("'''", 0) == 0) {
      const std::string fence = rest.substr(0, 3);
      std::string body = rest.substr(3);
      std::size_t end = body.find(fence);
      while (end == std::string::npos && i + 1 < lines.size()) {
        body += '\n' + lines[++i];
        end = body.find(fence);
      }
      if (end == std::string::npos) {
        doc.problems.push_back({"unterminated multi-line string", line_no});
      }
      value.text = body.substr(0, end);
      if (!value.text.empty() && value.text[0] == '\n') {
        value.text.erase(0, 1);
      }
    } else if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
      std::size_t pos = 0;
      value.text = read_string(rest, pos);
      if (rest.find(rest[0], 1) == std::string::npos) {
        doc.problems.push_back({"unterminated string", line_no});
      }
    } else if (!rest.empty() && rest[0] == '[') {
      while (!closed_array(rest) && i + 1 < lines.size()) {
        rest += '\n' + lines[++i];
      }
      if (!closed_array(rest)) {
        doc.problems.push_back({"unterminated array", line_no});
      }
      read_array(rest, value);
      value.text = rest;
    } else {
      const std::size_t hash = rest.find(" #");
      value.text = std::string(core::trim(rest.substr(0, hash)));
    }
    doc.values.push_back(std::move(value));
  }
  return doc;
}

} // namespace pgadvise::loaders::toml
