#pragma once

#include "loaders/typescript/ast.hpp"
#include "loaders/typescript/module_resolver.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

// The modules of a TypeScript project as TypeScript links them: each file
// read and parsed once, its imports resolved with the ModuleResolver, and
// what it exports -- its own declarations, `export { a as b }`, `export
// default`, and what it passes on from other files (`export * from`,
// `export * as ns from`, `export { x } from`) -- computed once per file, so
// that a name is followed to the file and line that declares it with map
// look-ups, never a text search. Schema loading (the files behind a
// drizzle.config `schema` barrel), fix (where a table is declared) and the
// query-call scan (the helper a loop calls through `import * as repo`) all
// use it.
namespace pgadvise::loaders::ts {

struct SourceModule {
  std::filesystem::path path;
  Program program;
};

enum class SymbolKind { value, function, class_declaration, enumeration, module_namespace };

// A declaration a name leads to.
struct Symbol {
  const SourceModule* module = nullptr; // the file that declares it
  std::string name;                     // its name there ("default" for an anonymous default export)
  SymbolKind kind = SymbolKind::value;
  std::size_t token = 0;                    // its name's token in module->program
  const Declaration* declaration = nullptr; // for `const`/`let`/`var`
  const SourceModule* target = nullptr;     // module_namespace: the module it stands for

  [[nodiscard]] int line() const;
};

class ModuleGraph {
public:
  // Reads a file's text; nullopt when it cannot.
  using Reader = std::function<std::optional<std::string>(const std::filesystem::path&)>;

  explicit ModuleGraph(ModuleResolver& resolver, Reader reader = {});

  // The file, read and parsed on first use; nullptr when it cannot be read.
  const SourceModule* load(const std::filesystem::path& path);
  // A file its caller parsed already (it is not read again).
  const SourceModule* adopt(const std::filesystem::path& path, Program program);
  // The module's program moved out to a caller that keeps it (schema
  // loading hands a 5 MB schema file's tree on instead of copying it); the
  // graph is not asked about that module afterwards.
  Program release(const SourceModule* module);
  // Modules loaded from now on are read with parse_declarations (their
  // imports, exports, declarations and statements; of what a declaration
  // computes, plain literals only) and keep no tokens or comments
  // (Symbol::line() is then 0): what the query-call scan asks of the
  // thousand files a monorepo's helpers are looked up in, which it did not
  // index (their names, and the size of a constant array), without their
  // every token and expression tree. On a real monorepo (sim) reading 1,142
  // such files took 228 ms with parse_program and 161 ms so, and the run's
  // peak 196 MB -> 163 MB.
  void read_declarations_only() { m_declarations_only = true; }
  // The programs of an earlier read of these files, by normal path (the
  // language server reading schema.ts after each keystroke): a module
  // among them loads as its program reparsed for the file's text now
  // (reparse.hpp), parsed whole only when the edit does not allow that.
  // Each is taken from `kept` as its module loads.
  void reuse(std::map<std::string, Program>* kept) { m_kept = kept; }

  // What `file` exports as `name` ("default" for its default export).
  std::optional<Symbol> find_export(const std::filesystem::path& file, std::string_view name);
  // Every name `file` exports, with what each leads to.
  const std::map<std::string, Symbol, std::less<>>& exports(const std::filesystem::path& file);
  // What the name `local` stands for in `file`: its own declaration, or the
  // declaration an import brings (`import { a as local }`, `import local
  // from`, `import * as local` as a module_namespace).
  std::optional<Symbol> resolve_local(const std::filesystem::path& file, std::string_view local);

  // The files `entries` reach through `export * from` and `export { } from`
  // (not `export * as ns`), entries first, breadth first; at most `limit`.
  std::vector<const SourceModule*> re_export_closure(const std::vector<std::filesystem::path>& entries,
                                                     std::size_t limit);

  // The project files `modules` import (`import { sealed } from "./utils"`),
  // and theirs, up to `depth` imports away, that are not among `modules`
  // nor in node_modules; at most `limit`. Schema files declare columns with
  // what such helpers define: custom types, shared column sets, creators.
  std::vector<const SourceModule*> import_closure(const std::vector<const SourceModule*>& modules,
                                                  std::size_t depth, std::size_t limit);

  std::optional<std::filesystem::path> resolve(const std::filesystem::path& from,
                                               std::string_view specifier) {
    return m_resolver.resolve(from, specifier);
  }
  [[nodiscard]] ModuleResolver& resolver() { return m_resolver; }

  // Files that could not be read, and the resolver's problems.
  [[nodiscard]] std::vector<std::string> problems() const;

private:
  using ExportMap = std::map<std::string, Symbol, std::less<>>;
  // A file's own names: its declarations, and the imports by local name.
  struct LocalNames {
    ExportMap declared;
    std::map<std::string, const Import*, std::less<>> imported;
  };
  // The kept program of `key` made that of `text`; nullopt when there is none or it cannot be.
  std::optional<Program> take_kept(const std::string& key, std::string& text);
  const LocalNames& locals_of(const SourceModule& module);
  const ExportMap& exports_of(const SourceModule& module);

  ModuleResolver& m_resolver;
  Reader m_reader;
  bool m_declarations_only = false;
  std::map<std::string, Program>* m_kept = nullptr;
  // By normal path, as a string: a path as a map's key is compared
  // component by component, and a monorepo's scan looks modules up
  // hundreds of thousands of times. Nothing walks these in order.
  std::unordered_map<std::string, std::unique_ptr<SourceModule>> m_modules; // nullptr: unreadable
  std::unordered_map<const SourceModule*, LocalNames> m_locals;
  std::unordered_map<const SourceModule*, ExportMap> m_exports;
  std::unordered_set<const SourceModule*> m_in_progress; // export maps being built (cycles)
  std::vector<std::string> m_unreadable;
};

} // namespace pgadvise::loaders::ts
