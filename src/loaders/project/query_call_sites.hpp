#pragma once

#include "core/source_location.hpp"
#include "loaders/project/query_call_tokens.hpp"

#include <cstddef>
#include <cstdint>
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
// Its arguments are not kept: most calls lead to no query, and their text
// (a callback's whole body, repeated at each call inside it) was most of
// what a scan held. QuerySources::arguments reads them back for a call that
// does lead to one.
struct CallSite {
  std::vector<std::string> path; // {"this", "repo", "find"}
  std::size_t token = 0;         // the called name's token
  core::SourceLocation location; // of that token
  // The call's bytes in its file, from the name to the closing `)`.
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

// `f(`, `a.f(`, `this.a.f(`; not declarations (`function_names`: the name
// tokens of the file's declared functions and methods), `new X(` or control words.
std::vector<CallSite> read_call_sites(const TokenReader& tokens, const std::set<std::size_t>& function_names);

// The arguments of the call whose name is the token at `name` (`f(a, { b: c })`).
std::vector<Argument> read_arguments(const TokenReader& tokens, std::size_t name);

} // namespace pgadvise::loaders::scan
