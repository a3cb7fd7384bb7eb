#pragma once

#include "core/source_location.hpp"
#include "loaders/project/query_call_tokens.hpp"

#include <cstddef>
#include <string>
#include <vector>

// The loops of one JS/TS file's tokens (query_call_loops.cpp): `for`,
// `for...of`, `while`, `do`, the array methods that call back per element
// (`.map`, `.forEach`, ...), `Promise.all(x.map(...))` and p-map's
// `pMap(xs, fn)`. A loop over slices (`i += size`, `chunk(ids, 100)`) is
// none: its statement takes a slice at a time.
namespace pgadvise::loaders::scan {

// A loop's body, or a loop method's argument list: [begin, end] tokens.
struct LoopInfo {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t keyword =
      0; // `for` / `while` / `do`, the method name, or `Promise` of `Promise.all(x.map(...))`
  std::string kind;
  std::string variable;
  std::string iterable;
  TokenRange iterable_tokens;
  core::SourceLocation location; // of `keyword`
  // The loop runs a fixed number of times: over an array literal of this
  // many constants, or a counted `for` up to this number (a retry loop).
  std::size_t constant = 0;
  std::string bound; // a counted `for`'s bound when a name (`attempt <= MAX_ATTEMPTS`)
};

// The loops in the order their keywords stand, with their locations and constant iterables.
std::vector<LoopInfo> read_loops(const TokenReader& tokens);

} // namespace pgadvise::loaders::scan
