#pragma once

#include "loaders/typescript/ast.hpp"

#include <string>
#include <vector>

// Everything a reader of a parsed TypeScript program may look at (its
// tokens, comments, problems, declarations with their trees, imports,
// exports, statements and units), one line per fact: two programs with the
// same facts read the same. The reparse tests and fuzz target compare a
// reparsed program with the full parse of the same text by them.
namespace pgadvise::loaders::ts::test_support {

inline void tree(const Program& program, NodeId id, std::string& out) {
  if (id == k_no_node) {
    out += "~";
    return;
  }
  const Node& n = program.node(id);
  out += "(" + std::to_string(static_cast<int>(n.kind)) + " '" + n.text + "' " +
         std::to_string(n.first_token) + ":" + std::to_string(n.name_token) + ":" +
         std::to_string(n.last_token);
  for (const NodeId child : n.children) {
    out += " ";
    tree(program, child, out);
  }
  for (const std::string& quasi : n.quasis) {
    out += " q'" + quasi + "'";
  }
  out += " tag ";
  tree(program, n.tag, out);
  for (const Property& p : n.properties) {
    out += " p" + std::to_string(static_cast<int>(p.kind)) + " " + p.key + " " + std::to_string(p.key_token) +
           ".." + std::to_string(p.last_token) + " ";
    tree(program, p.value, out);
  }
  for (const Param& p : n.params) {
    out += " param " + p.name;
    for (const auto& [local, property] : p.bindings) {
      out += " " + local + "=" + property;
    }
  }
  out += " body ";
  tree(program, n.body, out);
  out += ")";
}

inline std::vector<std::string> program_facts(const Program& program) {
  std::vector<std::string> out;
  for (const Token& t : program.lex.tokens) {
    out.push_back("token " + std::to_string(static_cast<int>(t.kind)) + " '" + std::string(t.text) + "' at " +
                  std::to_string(t.offset) + "+" + std::to_string(t.length) + " " + std::to_string(t.line) +
                  ":" + std::to_string(t.column) + "-" + std::to_string(t.end_line) + " q" +
                  std::to_string(t.quote) + " s" + std::to_string(t.spelling) + " c" +
                  std::to_string(t.comments_begin) + ".." + std::to_string(t.comments_end));
  }
  for (const Comment& c : program.lex.comments) {
    out.push_back("comment '" + std::string(c.text) + "' at " + std::to_string(c.offset) + " " +
                  std::to_string(c.line) + "-" + std::to_string(c.end_line));
  }
  for (const LexProblem& p : program.lex.problems) {
    out.push_back("problem " + p.message + " " + std::to_string(p.line) + ":" + std::to_string(p.column));
  }
  out.push_back("source " + std::to_string(program.lex.text->source.size()));
  for (const Import& i : program.imports) {
    out.push_back("import " + i.local + " = " + i.imported + " from " + i.module + " at " +
                  std::to_string(i.token));
  }
  for (const Declaration& d : program.declarations) {
    std::string line = "declaration " + d.name + (d.exported ? " exported" : "") + (d.rest ? " rest" : "") +
                       " " + std::to_string(d.first_token) + ".." + std::to_string(d.name_token) + ".." +
                       std::to_string(d.last_token) + " ";
    tree(program, d.init, line);
    out.push_back(line);
  }
  for (const auto& [name, keys] : program.rest_omits) {
    out.push_back("rest " + name + " " + std::to_string(keys.size()));
  }
  for (const ExportName& e : program.export_list) {
    out.push_back("export " + e.local + " as " + e.exported);
  }
  for (const std::string& name : program.export_names) {
    out.push_back("export name " + name);
  }
  for (const ReExport& r : program.re_exports) {
    out.push_back("re-export " + r.module + " " + std::to_string(r.token));
  }
  for (const NamedStatement& s : program.statements) {
    std::string line = "statement " + s.name + " " + std::to_string(s.first_token) + ".." +
                       std::to_string(s.name_token) + " ";
    tree(program, s.function, line);
    out.push_back(line);
  }
  out.push_back("default " + program.default_export + " " +
                (program.default_expression ? std::to_string(program.default_expression_token) : "-"));
  for (const Unit& u : program.units) {
    out.push_back("unit " + std::to_string(u.first_token) + ".." + std::to_string(u.end_token) + " read to " +
                  std::to_string(u.furthest));
  }
  return out;
}

} // namespace pgadvise::loaders::ts::test_support
