#pragma once

#include "loaders/typescript/lexer.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The syntax tree of a TypeScript file as parse_program (parser.hpp) reads
// it: top-level imports and `const` declarations, with their initializers
// parsed into a small expression tree (calls, member accesses, literals,
// objects, arrays, arrow functions, template literals). Types are skipped;
// whatever is not one of these becomes an `other` node, so any input parses.
namespace pgadvise::loaders::ts {

using NodeId = std::uint32_t;
inline constexpr NodeId k_no_node = std::numeric_limits<NodeId>::max();

enum class NodeKind {
  identifier,     // text = name
  member,         // children[0] = object; text = property name
  index,          // children = {object, index expression}
  call,           // children[0] = callee, then the arguments
  new_expression, // children[0] = callee, then the arguments
  string,         // text = decoded value
  number,         // text = literal as written (with a leading '-' when negated)
  boolean,        // text = "true" / "false"
  null_value,
  template_literal, // quasis / children = substitutions; tag when tagged
  object,           // properties
  array,            // children = elements (holes are k_no_node)
  arrow,            // params; body (k_no_node when a block has no `return`)
  spread,           // children[0] = the spread expression
  other,            // anything else; children = the parts that were parsed
};

struct Param {
  std::string name; // empty for a destructuring pattern
  // Destructured `{ prop: local }` bindings, as (local, prop).
  std::vector<std::pair<std::string, std::string>> bindings;
};

enum class PropertyKind { value, shorthand, spread, computed, method };

struct Property {
  PropertyKind kind = PropertyKind::value;
  std::string key; // empty for spread and computed properties
  std::size_t key_token = 0;
  NodeId value = k_no_node;
  std::size_t last_token = 0; // the last token of the property
};

struct Node {
  NodeKind kind = NodeKind::other;
  std::string text;
  std::size_t first_token = 0;
  std::size_t last_token = 0;
  std::size_t name_token = 0; // member: the property name; otherwise first_token
  std::vector<NodeId> children;
  std::vector<std::string> quasis; // template literal text chunks
  NodeId tag = k_no_node;          // tagged template: the tag expression
  std::vector<Property> properties;
  std::vector<Param> params;
  NodeId body = k_no_node;
};

struct Import {
  std::string local;
  std::string imported; // "*" for `import * as x`, "default" for a default import
  std::string module;
  std::size_t token = 0; // the statement's `import`
};

struct Declaration {
  std::string name;
  NodeId init = k_no_node;
  bool exported = false;
  // `const { name, ...rest } = init`: `rest` is `init` without the keys
  // named before it (`name`: Program::rest_omits), as JavaScript's rest
  // pattern gives. (The keys live in the Program: readers scan declarations
  // by name, and a wider Declaration made those scans a third slower.)
  bool rest = false;
  std::size_t name_token = 0;
  std::size_t first_token = 0; // the statement's first token (`export` or `const`)
  std::size_t last_token = 0;
};

// One name of an export list: `a` (local = exported = "a") or `a as b`.
// In a re-export, `local` is the name the other module exports.
struct ExportName {
  std::string local;
  std::string exported;
};

// `export * from "m"` / `export * as ns from "m"` / `export { a } from "m"`.
struct ReExport {
  std::string module;
  std::size_t token = 0;
  bool star = false;             // `export * ...`
  std::string namespace_name;    // `export * as ns from`: "ns"
  std::vector<ExportName> names; // `export { a, b as c } from`: the value names
};

enum class StatementKind { function, class_declaration, enumeration };

// A named `function`, `class` or `enum` statement. A top-level function is
// read as an arrow function would be (`function` below: its parameters and
// the expression its body returns); class and enum bodies are skipped.
struct NamedStatement {
  std::string name;
  StatementKind kind = StatementKind::function;
  bool exported = false;
  bool default_export = false; // `export default function f`
  std::size_t name_token = 0;
  std::size_t first_token = 0;
  NodeId function = k_no_node; // an `arrow` node; k_no_node for classes, enums and default exports
};

// One top-level statement as the parser read it: its tokens
// [first_token, end_token), and the furthest token it looked at (the next
// statement's first, most often). Its trees depend on nothing else, so
// reparse (reparse.hpp) parses a changed statement alone.
struct Unit {
  std::size_t first_token = 0;
  std::size_t end_token = 0;
  std::size_t furthest = 0;
};

struct Program {
  LexResult lex;
  std::vector<Node> nodes;
  std::vector<Import> imports;
  std::vector<Declaration> declarations;
  // A rest declaration's name -> the keys its pattern names before it.
  std::map<std::string, std::vector<std::string>, std::less<>> rest_omits;
  std::vector<std::string> export_names; // `export { a, b as c }` (local names)
  std::vector<ExportName> export_list;   // the same with the names they are exported as
  std::vector<ReExport> re_exports;
  std::vector<NamedStatement> statements; // functions, classes and enums
  std::string default_export;             // `export default x;`: "x"
  // `export default <expression>` (an object, a call, ...): its first token.
  std::size_t default_expression_token = 0;
  bool default_expression = false;
  std::vector<Unit> units;
  // Nodes no statement reaches any more: those of the statements reparse
  // replaced.
  std::size_t unreachable_nodes = 0;

  [[nodiscard]] const Node& node(NodeId id) const { return nodes[id]; }
  [[nodiscard]] const Token& token(std::size_t index) const { return lex.tokens[index]; }
};

} // namespace pgadvise::loaders::ts
