#pragma once

#include "core/source_location.hpp"
#include "loaders/project/query_call_tokens.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <utility>
#include <vector>

// The calls of named functions and methods in one JS/TS file's tokens
// (query_call_sites.cpp), with their arguments: what the scan follows from
// a loop to the helper that issues a query.
namespace pgadvise::loaders::scan {

// An argument's source text; for an object literal, its properties' too.
struct Argument {
  std::string text;
  std::vector<std::pair<std::string, std::string>> properties; // `{ a: x, b }`: (a, x), (b, b)
};

// Any other call: `archive(db, id)`, `repo.find(db, id)`, `this.repo.find(id)`.
struct CallSite {
  std::vector<std::string> path; // {"this", "repo", "find"}
  std::size_t token = 0;         // the called name's token
  core::SourceLocation location; // of that token
  std::vector<Argument> args;
};

// `f(`, `a.f(`, `this.a.f(`; not declarations (`function_names`: the name
// tokens of the file's declared functions and methods), `new X(` or control words.
std::vector<CallSite> read_call_sites(const TokenReader& tokens, const std::set<std::size_t>& function_names);

} // namespace pgadvise::loaders::scan
