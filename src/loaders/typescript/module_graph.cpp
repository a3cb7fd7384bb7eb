#include "loaders/typescript/module_graph.hpp"

#include "core/file.hpp"
#include "loaders/typescript/parser.hpp"
#include "loaders/typescript/reparse.hpp"

#include <deque>

namespace pgadvise::loaders::ts {

namespace fs = std::filesystem;

namespace {

// Source files larger than this are not read (a bundle, a generated dump).
constexpr std::uintmax_t k_max_source_bytes = 16U << 20U;

SymbolKind kind_of(StatementKind kind) {
  switch (kind) {
  case StatementKind::function: return SymbolKind::function;
  case StatementKind::class_declaration: return SymbolKind::class_declaration;
  case StatementKind::enumeration: return SymbolKind::enumeration;
  }
  return SymbolKind::value;
}

} // namespace

int Symbol::line() const {
  if (module == nullptr || token >= module->program.lex.tokens.size()) {
    return 0;
  }
  return module->program.token(token).line;
}

ModuleGraph::ModuleGraph(ModuleResolver& resolver, Reader reader)
    : m_resolver(resolver), m_reader(std::move(reader)) {
  if (!m_reader) {
    m_reader = [](const fs::path& path) -> std::optional<std::string> {
      auto text = core::read_file(path, k_max_source_bytes);
      return text ? std::optional<std::string>(std::move(*text)) : std::nullopt;
    };
  }
}

// A module's key is its path's normal text, worked out as text and only
// when the path is not normal already: a search through helpers loads
// (mostly finds again) 30,000 modules on a real monorepo, and the path
// library's normal form was a quarter of that search's time.
const SourceModule* ModuleGraph::load(const fs::path& path) {
  const bool normal = core::is_lexically_normal(path.native());
  const auto found =
      normal ? m_modules.find(path.native()) : m_modules.find(core::lexically_normal(path.native()));
  if (found != m_modules.end()) {
    return found->second.get();
  }
  const fs::path key = normal ? path : fs::path(core::lexically_normal(path.native()));
  std::unique_ptr<SourceModule> module;
  if (auto text = m_reader(key)) {
    std::optional<Program> kept = take_kept(key.native(), *text);
    module = std::make_unique<SourceModule>(SourceModule{key, kept ? std::move(*kept)
                                                              : m_declarations_only
                                                                  ? parse_declarations(std::move(*text))
                                                                  : parse_program(std::move(*text))});
    if (m_declarations_only) {
      std::vector<Token>().swap(module->program.lex.tokens); // `= {}` would keep the capacity
      std::vector<Comment>().swap(module->program.lex.comments);
      module->program.lex.text.reset();
    }
  } else {
    m_unreadable.push_back(key.generic_string() + ": cannot be read");
  }
  return m_modules.emplace(key.native(), std::move(module)).first->second.get();
}

std::optional<Program> ModuleGraph::take_kept(const std::string& key, std::string& text) {
  if (m_kept == nullptr || m_declarations_only) {
    return std::nullopt;
  }
  const auto found = m_kept->find(key);
  if (found == m_kept->end()) {
    return std::nullopt;
  }
  std::optional<Program> program(std::move(found->second));
  m_kept->erase(found);
  // Parsed whole again once a quarter of its nodes are replaced ones.
  if (program->unreachable_nodes * 4 > program->nodes.size() || !reparse(*program, text)) {
    return std::nullopt;
  }
  return program;
}

const SourceModule* ModuleGraph::adopt(const fs::path& path, Program program) {
  const fs::path key =
      core::is_lexically_normal(path.native()) ? path : fs::path(core::lexically_normal(path.native()));
  auto& slot = m_modules[key.native()];
  if (!slot) {
    slot = std::make_unique<SourceModule>(SourceModule{key, std::move(program)});
  }
  return slot.get();
}

Program ModuleGraph::release(const SourceModule* module) {
  const auto found = m_modules.find(module->path.native());
  if (found == m_modules.end() || found->second.get() != module) {
    return module->program; // not this graph's
  }
  return std::move(found->second->program);
}

const ModuleGraph::LocalNames& ModuleGraph::locals_of(const SourceModule& module) {
  if (const auto found = m_locals.find(&module); found != m_locals.end()) {
    return found->second;
  }
  LocalNames names;
  const Program& program = module.program;
  for (const Declaration& decl : program.declarations) {
    names.declared.emplace(decl.name,
                           Symbol{&module, decl.name, SymbolKind::value, decl.name_token, &decl, nullptr});
  }
  for (const NamedStatement& statement : program.statements) {
    if (statement.name != "default") {
      names.declared.emplace(statement.name, Symbol{&module, statement.name, kind_of(statement.kind),
                                                    statement.name_token, nullptr, nullptr});
    }
  }
  for (const Import& import : program.imports) {
    names.imported.emplace(import.local, &import);
  }
  return m_locals.emplace(&module, std::move(names)).first->second;
}

std::optional<Symbol> ModuleGraph::resolve_local(const fs::path& file, std::string_view local) {
  const SourceModule* module = load(file);
  if (module == nullptr) {
    return std::nullopt;
  }
  const LocalNames& names = locals_of(*module);
  if (const auto own = names.declared.find(local); own != names.declared.end()) {
    return own->second;
  }
  const auto imported = names.imported.find(local);
  if (imported == names.imported.end()) {
    return std::nullopt;
  }
  const Import& import = *imported->second;
  const std::optional<fs::path> target_path = m_resolver.resolve(module->path, import.module);
  if (!target_path) {
    return std::nullopt; // a package outside the project
  }
  if (import.imported == "*") {
    const SourceModule* target = load(*target_path);
    if (target == nullptr) {
      return std::nullopt;
    }
    return Symbol{target, import.local, SymbolKind::module_namespace, 0, nullptr, target};
  }
  return find_export(*target_path, import.imported);
}

const ModuleGraph::ExportMap& ModuleGraph::exports_of(const SourceModule& module) {
  if (const auto found = m_exports.find(&module); found != m_exports.end()) {
    return found->second;
  }
  static const ExportMap k_empty;
  if (!m_in_progress.insert(&module).second) {
    return k_empty; // a cycle of `export *`: what the outer call finds is enough
  }
  ExportMap out;
  const Program& program = module.program;
  for (const Declaration& decl : program.declarations) {
    if (decl.exported) {
      out.emplace(decl.name, Symbol{&module, decl.name, SymbolKind::value, decl.name_token, &decl, nullptr});
    }
  }
  for (const NamedStatement& statement : program.statements) {
    if (statement.exported) {
      out.emplace(
          statement.default_export ? "default" : statement.name,
          Symbol{&module, statement.name, kind_of(statement.kind), statement.name_token, nullptr, nullptr});
    }
  }
  for (const ExportName& name : program.export_list) {
    if (auto symbol = resolve_local(module.path, name.local)) {
      out.emplace(name.exported, std::move(*symbol));
    }
  }
  if (program.default_expression) {
    out.emplace("default", Symbol{&module, "default", SymbolKind::value, program.default_expression_token,
                                  nullptr, nullptr});
  }
  if (!program.default_export.empty()) {
    if (auto symbol = resolve_local(module.path, program.default_export)) {
      out.emplace("default", std::move(*symbol));
    }
  }
  // Named re-exports before stars: an explicit name wins over `export *`.
  for (const ReExport& re_export : program.re_exports) {
    if (re_export.star && re_export.namespace_name.empty()) {
      continue;
    }
    const std::optional<fs::path> path = m_resolver.resolve(module.path, re_export.module);
    const SourceModule* target = path ? load(*path) : nullptr;
    if (target == nullptr) {
      continue;
    }
    if (re_export.star) {
      out.emplace(re_export.namespace_name,
                  Symbol{target, re_export.namespace_name, SymbolKind::module_namespace, 0, nullptr, target});
      continue;
    }
    const ExportMap& theirs = exports_of(*target);
    for (const ExportName& name : re_export.names) {
      if (const auto it = theirs.find(name.local); it != theirs.end()) {
        out.emplace(name.exported, it->second);
      }
    }
  }
  for (const ReExport& re_export : program.re_exports) {
    if (!re_export.star || !re_export.namespace_name.empty()) {
      continue;
    }
    const std::optional<fs::path> path = m_resolver.resolve(module.path, re_export.module);
    const SourceModule* target = path ? load(*path) : nullptr;
    if (target == nullptr) {
      continue;
    }
    for (const auto& [name, symbol] : exports_of(*target)) {
      if (name != "default") {
        out.emplace(name, symbol); // the first star to export a name keeps it
      }
    }
  }
  m_in_progress.erase(&module);
  return m_exports.emplace(&module, std::move(out)).first->second;
}

const ModuleGraph::ExportMap& ModuleGraph::exports(const fs::path& file) {
  static const ExportMap k_empty;
  const SourceModule* module = load(file);
  return module == nullptr ? k_empty : exports_of(*module);
}

std::optional<Symbol> ModuleGraph::find_export(const fs::path& file, std::string_view name) {
  const ExportMap& map = exports(file);
  const auto it = map.find(name);
  if (it == map.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<const SourceModule*> ModuleGraph::re_export_closure(const std::vector<fs::path>& entries,
                                                                std::size_t limit) {
  std::vector<const SourceModule*> out;
  std::set<const SourceModule*> seen;
  std::deque<const SourceModule*> queue;
  for (const fs::path& entry : entries) {
    const SourceModule* module = load(entry);
    if (module != nullptr && seen.insert(module).second) {
      queue.push_back(module);
    }
  }
  while (!queue.empty() && out.size() < limit) {
    const SourceModule* module = queue.front();
    queue.pop_front();
    out.push_back(module);
    for (const ReExport& re_export : module->program.re_exports) {
      if (!re_export.namespace_name.empty()) {
        continue; // `export * as ns`: one object, not the tables themselves
      }
      const std::optional<fs::path> path = m_resolver.resolve(module->path, re_export.module);
      const SourceModule* target = path ? load(*path) : nullptr;
      if (target != nullptr && seen.insert(target).second) {
        queue.push_back(target);
      }
    }
  }
  return out;
}

std::vector<const SourceModule*> ModuleGraph::import_closure(const std::vector<const SourceModule*>& modules,
                                                             std::size_t depth, std::size_t limit) {
  std::set<const SourceModule*> seen(modules.begin(), modules.end());
  std::vector<const SourceModule*> out;
  std::vector<const SourceModule*> level = modules;
  for (std::size_t step = 0; step < depth && !level.empty(); ++step) {
    std::vector<const SourceModule*> next;
    for (const SourceModule* module : level) {
      for (const Import& import : module->program.imports) {
        if (out.size() >= limit) {
          return out;
        }
        const std::optional<fs::path> path = m_resolver.resolve(module->path, import.module);
        if (!path || path->generic_string().find("/node_modules/") != std::string::npos) {
          continue;
        }
        const SourceModule* target = load(*path);
        if (target != nullptr && seen.insert(target).second) {
          out.push_back(target);
          next.push_back(target);
        }
      }
    }
    level = std::move(next);
  }
  return out;
}

std::vector<std::string> ModuleGraph::problems() const {
  std::vector<std::string> out = m_unreadable;
  out.insert(out.end(), m_resolver.problems().begin(), m_resolver.problems().end());
  return out;
}

} // namespace pgadvise::loaders::ts
