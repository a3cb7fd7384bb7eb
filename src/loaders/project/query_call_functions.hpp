#pragma once

#include "core/source_location.hpp"
#include "loaders/project/query_call_classes.hpp"
#include "loaders/project/query_call_tokens.hpp"

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

// The functions of one JS/TS file's tokens (query_call_functions.cpp):
// declarations, methods of classes and object literals, and arrow
// functions, with their names, parameters and the class or object each is
// a method of.
namespace pgadvise::loaders::scan {

// A function body (braces or an arrow's expression).
struct FunctionInfo {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string name;                    // empty when anonymous
  std::size_t name_token = k_no_token; // the name's token
  core::SourceLocation name_location;
  std::string container; // the class or object literal it is a method of ("default": `export default {`)
  std::vector<std::string> params; // parameter names in order ("" for a destructured one)
  // Names bound to a parameter's properties: `({ id, team: teamId }) =>`
  // or `const { id, teamId } = params;` at the top of the body: name ->
  // "<parameter position>.<property>".
  std::map<std::string, std::pair<std::size_t, std::string>> destructured;
  bool transaction = false; // the callback of `<db>.transaction(...)`
  // A handler given to a router or an emitter (`app.get("/x", async (c) =>
  // ...)`, `.on("message", ...)`): it runs per request or event, not where
  // it is written.
  bool handler = false;
};

struct FunctionReading {
  std::vector<FunctionInfo> functions; // in the order they are met, not sorted
  std::set<std::size_t> name_tokens;   // the name tokens of declared functions and methods
};

// `classes`: the file's classes, whose methods are named by their class.
FunctionReading read_functions(const TokenReader& tokens, const std::vector<ClassInfo>& classes);

// The `(` of a method's parameters when the brace at `brace` is its body:
// `name(...) {` or `name(...): Type {`; k_no_token otherwise.
std::size_t method_params(const TokenReader& tokens, std::size_t brace);

} // namespace pgadvise::loaders::scan
