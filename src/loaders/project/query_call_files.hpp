#pragma once

#include <string_view>
#include <vector>

// Which of a project's files the query-call scan reads further: JavaScript
// and TypeScript sources (not declaration files), judged by what they
// import before any is tokenized. A file that imports neither drizzle-orm
// nor (through its own imports) a file that does can hold no Drizzle call
// and call no helper that makes one.
namespace pgadvise::loaders::scan {

// `.ts`, `.tsx`, `.mts`, `.cts`, `.js`, `.jsx`, `.mjs`, `.cjs`; not `.d.ts`.
bool query_source_file(std::string_view file);

// The module specifiers a source names in `import ... from "x"`, `export ...
// from "x"`, `import "x"`, `import("x")` and `require("x")`, in one pass over
// its text: comments are skipped, and a string counts only right after one
// of those words. The views point into `text`.
std::vector<std::string_view> import_specifiers(std::string_view text);

// `drizzle-orm` or one of its entry points (`drizzle-orm/pg-core`).
bool drizzle_specifier(std::string_view specifier);

} // namespace pgadvise::loaders::scan
