#pragma once

#include <string>
#include <string_view>
#include <vector>

// CI and deployment YAML files (GitHub workflows, GitLab CI, compose,
// render.yaml, pnpm-workspace.yaml) read with yaml-cpp and turned into this
// small tree, which keeps the 1-based line of every key and value (yaml-cpp's
// marks) so findings point at file:line. Aliases are resolved and `<<` merge
// keys applied. A file yaml-cpp cannot parse gives one located problem and an
// empty root.
namespace pgadvise::loaders::yaml {

struct Entry;

struct Node {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  std::string scalar;
  std::vector<Node> items;    // sequence
  std::vector<Entry> entries; // mapping, in file order
  int line = 0;               // 1-based line where the value starts
  bool block_scalar = false;  // `|` literal: line + i is the line of the scalar's i-th line

  [[nodiscard]] bool is_map() const { return kind == Kind::mapping; }
  [[nodiscard]] bool is_seq() const { return kind == Kind::sequence; }
  [[nodiscard]] bool is_scalar() const { return kind == Kind::scalar; }
  // The value under `key`, or nullptr (also when this is not a mapping).
  [[nodiscard]] const Node* get(std::string_view key) const;
  // The scalar under `key`, or empty.
  [[nodiscard]] std::string get_scalar(std::string_view key) const;
};

struct Entry {
  std::string key;
  int line = 0;
  Node value;
};

struct Problem {
  std::string message;
  int line = 0;
};

struct Document {
  Node root;
  std::vector<Problem> problems;
};

Document parse(std::string_view text);

} // namespace pgadvise::loaders::yaml
