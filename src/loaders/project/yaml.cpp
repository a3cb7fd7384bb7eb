#include "loaders/project/yaml.hpp"

#include "core/text.hpp"

#include <map>

namespace pgadvise::loaders::yaml {

const Node* Node::get(std::string_view key) const {
  if (kind != Kind::mapping) {
    return nullptr;
  }
  for (const Entry& entry : entries) {
    if (entry.key == key) {
      return &entry.value;
    }
  }
  return nullptr;
}

std::string Node::get_scalar(std::string_view key) const {
  const Node* node = get(key);
  return node != nullptr && node->is_scalar() ? node->scalar : std::string{};
}

namespace {

constexpr int k_max_depth = 100;

struct Line {
  std::string_view raw;
  int indent = 0;
  std::string content; // after the indent, comment stripped, right-trimmed
};

bool is_blank(const Line& line) {
  return line.content.empty();
}

// Cuts a trailing `# comment` (a # at the start or after a blank, outside quotes).
std::string strip_comment(std::string_view text) {
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if ((c == '"' || c == '\'') &&
        (i == 0 || text[i - 1] == ' ' || text[i - 1] == '[' || text[i - 1] == '{' || text[i - 1] == ',' ||
         text[i - 1] == ':' || text[i - 1] == '-')) {
      quote = c;
    } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
      return std::string(core::trim(text.substr(0, i)));
    }
  }
  return std::string(core::trim(text));
}

// Position of the ':' that ends a mapping key in `text`, or npos.
std::size_t find_key_colon(std::string_view text) {
  if (text.empty() || text[0] == '[' || text[0] == '{' || text[0] == '-' || text[0] == '|' ||
      text[0] == '>' || text[0] == '*') {
    if (!(text.size() > 1 && text[0] == '-' && text[1] != ' ')) {
      return std::string_view::npos;
    }
  }
  std::size_t start = 0;
  if (text[0] == '"' || text[0] == '\'') {
    const char quote = text[0];
    std::size_t i = 1;
    for (; i < text.size() && text[i] != quote; ++i) {
      if (text[i] == '\\' && quote == '"') {
        ++i;
      }
    }
    if (i >= text.size()) {
      return std::string_view::npos;
    }
    start = i + 1;
  }
  for (std::size_t i = start; i < text.size(); ++i) {
    if (text[i] == ':' && (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\t')) {
      return i;
    }
    if (start > 0 && text[i] != ' ') {
      return std::string_view::npos; // "quoted" followed by something else
    }
  }
  return std::string_view::npos;
}

std::string unquote(std::string_view text) {
  text = core::trim(text);
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
    std::string out;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
      out += text[i];
      if (text[i] == '\'' && text[i + 1] == '\'') {
        ++i;
      }
    }
    return out;
  }
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
      if (text[i] == '\\' && i + 2 < text.size()) {
        const char next = text[++i];
        switch (next) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        default: out += next; break;
        }
      } else {
        out += text[i];
      }
    }
    return out;
  }
  return std::string(text);
}

class Parser {
public:
  explicit Parser(std::string_view text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) {
        end = text.size();
      }
      std::string_view raw = text.substr(start, end - start);
      if (!raw.empty() && raw.back() == '\r') {
        raw.remove_suffix(1);
      }
      add_line(raw);
      if (end == text.size()) {
        break;
      }
      start = end + 1;
    }
  }

  Document run() {
    Document doc;
    doc.root = parse_block(0, 0);
    while (m_pos < m_lines.size()) {
      if (!is_blank(m_lines[m_pos])) {
        problem("unexpected content after the document's top level", m_pos);
        Node rest = parse_block(0, 0);
        if (rest.is_map() && doc.root.is_map()) {
          for (Entry& entry : rest.entries) {
            doc.root.entries.push_back(std::move(entry));
          }
        }
        continue;
      }
      ++m_pos;
    }
    doc.problems = std::move(m_problems);
    return doc;
  }

private:
  std::vector<Line> m_lines;
  std::size_t m_pos = 0;
  std::vector<Problem> m_problems;
  std::map<std::string, Node> m_anchors;

  void add_line(std::string_view raw) {
    Line line;
    line.raw = raw;
    std::size_t i = 0;
    bool tab = false;
    while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) {
      tab = tab || raw[i] == '\t';
      ++i;
    }
    line.indent = static_cast<int>(i);
    std::string_view rest = raw.substr(i);
    if (rest == "---" || rest.rfind("--- ", 0) == 0 || rest == "..." || rest.rfind('%', 0) == 0) {
      rest = {}; // document markers and directives
    }
    line.content = strip_comment(rest);
    if (tab && !line.content.empty()) {
      m_problems.push_back(
          {"tab in indentation (YAML indents with spaces)", static_cast<int>(m_lines.size()) + 1});
    }
    m_lines.push_back(std::move(line));
  }

  void problem(std::string message, std::size_t index) {
    m_problems.push_back({std::move(message), static_cast<int>(index) + 1});
  }

  int line_no(std::size_t index) const { return static_cast<int>(index) + 1; }

  // Index of the next non-blank line at or after m_pos, or size().
  std::size_t next_content() const {
    std::size_t i = m_pos;
    while (i < m_lines.size() && is_blank(m_lines[i])) {
      ++i;
    }
    return i;
  }

  static bool starts_item(const std::string& content) {
    return content == "-" || content.rfind("- ", 0) == 0;
  }

  Node parse_block(int min_indent, int depth) {
    m_pos = next_content();
    if (m_pos >= m_lines.size() || m_lines[m_pos].indent < min_indent) {
      return {};
    }
    if (depth > k_max_depth) {
      problem("nesting too deep", m_pos);
      ++m_pos;
      return {};
    }
    const Line& line = m_lines[m_pos];
    if (starts_item(line.content)) {
      return parse_sequence(line.indent, depth);
    }
    if (find_key_colon(line.content) != std::string::npos) {
      return parse_mapping(line.indent, depth);
    }
    const std::size_t at = m_pos;
    ++m_pos;
    return parse_value(line.content, line.indent - 1, at, depth);
  }

  Node parse_mapping(int indent, int depth) {
    Node node;
    node.kind = Node::Kind::mapping;
    node.line = line_no(m_pos);
    while (true) {
      m_pos = next_content();
      if (m_pos >= m_lines.size() || m_lines[m_pos].indent < indent) {
        break;
      }
      const Line& line = m_lines[m_pos];
      if (line.indent > indent) {
        problem("unexpected indentation", m_pos);
        ++m_pos;
        continue;
      }
      const std::size_t colon = find_key_colon(line.content);
      if (colon == std::string::npos) {
        if (starts_item(line.content)) {
          break; // a sequence at the parent's indent: not ours
        }
        problem("expected `key: value`", m_pos);
        ++m_pos;
        continue;
      }
      Entry entry;
      entry.key = unquote(std::string_view(line.content).substr(0, colon));
      entry.line = line_no(m_pos);
      const std::string rest(core::trim(std::string_view(line.content).substr(colon + 1)));
      const std::size_t at = m_pos;
      ++m_pos;
      entry.value = parse_value(rest, indent, at, depth + 1);
      add_entry(node, std::move(entry));
    }
    return node;
  }

  static void add_entry(Node& map, Entry entry) {
    if (entry.key == "<<") {
      const auto merge = [&map](const Node& source) {
        for (const Entry& merged : source.entries) {
          if (map.get(merged.key) == nullptr) {
            map.entries.push_back(merged);
          }
        }
      };
      if (entry.value.is_map()) {
        merge(entry.value);
      } else if (entry.value.is_seq()) {
        for (const Node& item : entry.value.items) {
          merge(item);
        }
      }
      return;
    }
    for (Entry& existing : map.entries) {
      if (existing.key == entry.key) {
        existing = std::move(entry); // explicit keys override merged ones
        return;
      }
    }
    map.entries.push_back(std::move(entry));
  }

  Node parse_sequence(int indent, int depth) {
    Node node;
    node.kind = Node::Kind::sequence;
    node.line = line_no(m_pos);
    while (true) {
      m_pos = next_content();
      if (m_pos >= m_lines.size() || m_lines[m_pos].indent != indent ||
          !starts_item(m_lines[m_pos].content)) {
        break;
      }
      Line& line = m_lines[m_pos];
      std::string rest = line.content.size() > 1 ? line.content.substr(2) : std::string{};
      int extra = 2;
      while (!rest.empty() && rest[0] == ' ') {
        rest.erase(0, 1);
        ++extra;
      }
      if (!rest.empty() && (starts_item(rest) || find_key_colon(rest) != std::string::npos)) {
        // `- key: v` / `- - x`: the item is a block collection starting at this column.
        line.indent = indent + extra;
        line.content = rest;
        node.items.push_back(parse_block(indent + 1, depth + 1));
        continue;
      }
      const std::size_t at = m_pos;
      ++m_pos;
      node.items.push_back(parse_value(rest, indent, at, depth + 1));
    }
    return node;
  }

  // The value after `key:` or `- ` on line `at`, whose owner is at `indent`.
  Node parse_value(std::string rest, int indent, std::size_t at, int depth) {
    std::string anchor;
    while (!rest.empty() && (rest[0] == '&' || rest[0] == '!')) {
      const std::size_t end = rest.find(' ');
      if (rest[0] == '&') {
        anchor = rest.substr(1, end == std::string::npos ? std::string::npos : end - 1);
      }
      rest = end == std::string::npos ? std::string{} : std::string(core::trim(rest.substr(end)));
    }
    Node node = parse_value_body(rest, indent, at, depth);
    if (!anchor.empty()) {
      m_anchors[anchor] = node;
    }
    return node;
  }

  Node parse_value_body(const std::string& rest, int indent, std::size_t at, int depth) {
    if (rest.empty()) {
      const std::size_t next = next_content();
      if (next < m_lines.size() && m_lines[next].indent > indent) {
        return parse_block(indent + 1, depth);
      }
      if (next < m_lines.size() && m_lines[next].indent == indent && starts_item(m_lines[next].content)) {
        m_pos = next;
        return parse_sequence(indent, depth);
      }
      Node null_node;
      null_node.line = line_no(at);
      return null_node;
    }
    if (rest[0] == '|' || rest[0] == '>') {
      return parse_block_scalar(rest, indent, at);
    }
    if (rest[0] == '*') {
      auto it = m_anchors.find(rest.substr(1));
      if (it == m_anchors.end()) {
        problem("unknown alias " + rest, at);
        return {};
      }
      return it->second;
    }
    if (rest[0] == '[' || rest[0] == '{') {
      return parse_flow_text(rest, indent, at, depth);
    }
    Node node;
    node.kind = Node::Kind::scalar;
    node.line = line_no(at);
    if (rest[0] == '"' || rest[0] == '\'') {
      node.scalar = read_quoted(rest, at);
      return node;
    }
    std::string text = rest;
    // Plain scalars continue on more-indented lines, folded with spaces.
    while (m_pos < m_lines.size()) {
      const std::size_t next = next_content();
      if (next >= m_lines.size() || m_lines[next].indent <= indent || next != m_pos) {
        break;
      }
      text += ' ' + m_lines[next].content;
      m_pos = next + 1;
    }
    node.scalar = text;
    return node;
  }

  std::string read_quoted(const std::string& first, std::size_t at) {
    const char quote = first[0];
    std::string text = first;
    const auto closed = [quote](const std::string& s) {
      for (std::size_t i = 1; i < s.size(); ++i) {
        if (quote == '"' && s[i] == '\\') {
          ++i;
        } else if (s[i] == quote) {
          if (quote == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
            ++i;
            continue;
          }
          return i;
        }
      }
      return std::string::npos;
    };
    std::size_t end = closed(text);
    while (end == std::string::npos && m_pos < m_lines.size()) {
      text += ' ' + std::string(core::trim(m_lines[m_pos].raw));
      ++m_pos;
      end = closed(text);
    }
    if (end == std::string::npos) {
      problem("unterminated quoted string", at);
      return text.substr(1);
    }
    return unquote(text.substr(0, end + 1));
  }

  Node parse_block_scalar(const std::string& header, int indent, std::size_t at) {
    const bool literal = header[0] == '|';
    int explicit_indent = 0;
    for (char c : header.substr(1)) {
      if (c >= '1' && c <= '9') {
        explicit_indent = c - '0';
      }
    }
    Node node;
    node.kind = Node::Kind::scalar;
    node.block_scalar = literal;
    node.line = line_no(at) + 1;
    int block_indent = explicit_indent > 0 ? indent + explicit_indent : -1;
    std::vector<std::string> body;
    while (m_pos < m_lines.size()) {
      const Line& line = m_lines[m_pos];
      const bool blank = core::trim(line.raw).empty();
      if (!blank) {
        if (block_indent < 0) {
          block_indent = line.indent;
        }
        if (line.indent < block_indent || line.indent <= indent) {
          break;
        }
      }
      body.emplace_back(blank ? std::string_view{}
                              : line.raw.substr(static_cast<std::size_t>(
                                    std::min<int>(block_indent, static_cast<int>(line.raw.size())))));
      ++m_pos;
    }
    while (!body.empty() && body.back().empty()) {
      body.pop_back();
    }
    std::string text;
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (i > 0) {
        text += literal || body[i].empty() || body[i - 1].empty() ? '\n' : ' ';
      }
      text += body[i];
    }
    node.scalar = std::move(text);
    return node;
  }

  // A flow collection, possibly spread over several lines.
  Node parse_flow_text(const std::string& first, int indent, std::size_t at, int depth) {
    std::string text = first;
    while (!balanced(text) && m_pos < m_lines.size()) {
      const std::size_t next = next_content();
      if (next >= m_lines.size() || m_lines[next].indent <= indent) {
        break;
      }
      text += ' ' + m_lines[next].content;
      m_pos = next + 1;
    }
    std::size_t pos = 0;
    Node node = parse_flow(text, pos, line_no(at), depth);
    if (!balanced(text)) {
      problem("unbalanced brackets in a flow collection", at);
    }
    return node;
  }

  static bool balanced(std::string_view text) {
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
      } else if (c == '[' || c == '{') {
        ++level;
      } else if (c == ']' || c == '}') {
        --level;
      }
    }
    return level <= 0 && quote == 0;
  }

  static void skip_spaces(std::string_view text, std::size_t& pos) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) {
      ++pos;
    }
  }

  // A scalar inside a flow collection: quoted, or up to , ] } (and ':' for keys).
  std::string flow_scalar(std::string_view text, std::size_t& pos, bool key) {
    skip_spaces(text, pos);
    if (pos < text.size() && (text[pos] == '"' || text[pos] == '\'')) {
      const char quote = text[pos];
      std::size_t end = pos + 1;
      for (; end < text.size() && text[end] != quote; ++end) {
        if (text[end] == '\\' && quote == '"') {
          ++end;
        }
      }
      std::string out = unquote(text.substr(pos, std::min(end + 1, text.size()) - pos));
      pos = std::min(end + 1, text.size());
      return out;
    }
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != ',' && text[pos] != ']' && text[pos] != '}') {
      if (key && text[pos] == ':' && (pos + 1 == text.size() || text[pos + 1] == ' ')) {
        break;
      }
      ++pos;
    }
    return std::string(core::trim(text.substr(start, pos - start)));
  }

  Node parse_flow(std::string_view text, std::size_t& pos, int line, int depth) {
    skip_spaces(text, pos);
    Node node;
    node.line = line;
    if (depth > k_max_depth) {
      pos = text.size();
      return node;
    }
    if (pos >= text.size()) {
      return node;
    }
    const char open = text[pos];
    if (open != '[' && open != '{') {
      node.kind = Node::Kind::scalar;
      node.scalar = flow_scalar(text, pos, false);
      return node;
    }
    const char close = open == '[' ? ']' : '}';
    node.kind = open == '[' ? Node::Kind::sequence : Node::Kind::mapping;
    ++pos;
    while (pos < text.size()) {
      skip_spaces(text, pos);
      if (pos < text.size() && text[pos] == close) {
        ++pos;
        return node;
      }
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      const std::size_t before = pos;
      if (open == '[') {
        node.items.push_back(parse_flow(text, pos, line, depth + 1));
      } else {
        Entry entry;
        entry.line = line;
        entry.key = flow_scalar(text, pos, true);
        skip_spaces(text, pos);
        if (pos < text.size() && text[pos] == ':') {
          ++pos;
          entry.value = parse_flow(text, pos, line, depth + 1);
        }
        node.entries.push_back(std::move(entry));
      }
      if (pos == before) {
        ++pos; // never stall on a stray character
      }
    }
    return node;
  }
};

} // namespace

Document parse(std::string_view text) {
  return Parser(text).run();
}

} // namespace pgadvise::loaders::yaml
