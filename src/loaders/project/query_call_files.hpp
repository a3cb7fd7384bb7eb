#pragma once

#include <string_view>
#include <vector>

// Which of a project's files the query-call scan reads further: JavaScript
// and TypeScript sources (not declaration files), judged by what they
// import before any is tokenized. A file that imports neither drizzle-orm
// nor (through its own imports) a file that does can hold no Drizzle call
// and call no helper that makes one; nor can a file that takes only types
// from one (query_call_sources.cpp says which files those types may reach).
namespace pgadvise::loaders::scan {

// `.ts`, `.tsx`, `.mts`, `.cts`, `.js`, `.jsx`, `.mjs`, `.cjs`; not `.d.ts`.
bool query_source_file(std::string_view file);

// A test's own file, by its name (`x.test.ts`, `x.spec.tsx`, anything in a
// `__tests__` folder): the scan reads none. Its loops are not a request's
// cost (n-plus-one leaves them out), and no application source imports it,
// so no helper of one reaches the application's code. A fifth to two
// fifths of a real monorepo's TypeScript.
bool test_file(std::string_view file);

// A module a source names in `import ... from "x"`, `export ... from "x"`,
// `import "x"`, `import("x")` or `require("x")`: the view points into the
// source's text.
struct ModuleImport {
  std::string_view specifier;
  // Only types are taken from it (`import type`, `export type ... from`,
  // `import { type A, type B }`): no function to call, no client, no table.
  bool type_only = false;
  // The source passes what it takes on (`export ... from`).
  bool reexport = false;
};

// The modules a source imports, in one pass over its text: comments are
// skipped, and a string counts only right after one of those words. A
// clause the pass cannot read whole counts as taking values.
std::vector<ModuleImport> module_imports(std::string_view text);

// `drizzle-orm` or one of its entry points (`drizzle-orm/pg-core`).
bool drizzle_specifier(std::string_view specifier);

} // namespace pgadvise::loaders::scan
