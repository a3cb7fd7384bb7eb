#include "loaders/schema_ts/schema_ts.hpp"

#include "core/file.hpp"
#include "loaders/schema_ts/read_memo.hpp"
#include "loaders/schema_ts/reader.hpp"
#include "loaders/sql/migrations.hpp"
#include "loaders/typescript/module_graph.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>

namespace pgadvise::loaders {

namespace fs = std::filesystem;

namespace {

// Re-exported files are followed up to this many files in all, so that a
// cycle or a huge tree cannot run away.
constexpr std::size_t k_max_files = 1000;

} // namespace

SchemaLoad load_drizzle_schema(const std::vector<fs::path>& files, const std::string& casing,
                               bool kit_1_names) {
  if (files.empty()) {
    return load_drizzle_schema(files, casing, kit_1_names, nullptr);
  }
  ts::ModuleResolver resolver(ts::find_workspace(ts::find_workspace_root(files.front())));
  return load_drizzle_schema(files, casing, kit_1_names, &resolver);
}

namespace {

// Each default import of a project file (`import identity from
// "@domain/identity/entity"`, a table its file default-exports) as the file
// and name it leads to, so `.references(() => identity.id)` finds the table.
void resolve_default_imports(ts::ModuleGraph& graph, const ts::SourceModule& module,
                             drizzle_reader::SourceFile& source) {
  const fs::path& path = module.path;
  for (const ts::Import& import : module.program.imports) {
    if (import.imported != "default" || import.module.rfind("drizzle-orm", 0) == 0) {
      continue;
    }
    const std::optional<ts::Symbol> symbol = graph.resolve_local(path, import.local);
    if (symbol && symbol->module != nullptr && symbol->declaration != nullptr) {
      source.default_imports.emplace(import.local,
                                     std::make_pair(display_path(symbol->module->path), symbol->name));
    }
  }
}

} // namespace

namespace {

// What drizzle-kit sees: the values the entries export, by the file that
// declares each.
std::map<const ts::SourceModule*, std::set<std::string>>
visible_values(ts::ModuleGraph& graph, const std::vector<fs::path>& entries) {
  std::map<const ts::SourceModule*, std::set<std::string>> visible;
  for (const fs::path& entry : entries) {
    for (const auto& [name, symbol] : graph.exports(entry)) {
      if (symbol.kind == ts::SymbolKind::value && symbol.module != nullptr) {
        visible[symbol.module].insert(symbol.name);
      }
    }
  }
  return visible;
}

// The schema entries, absolute, so the nearest tsconfig.json above a file
// is found from any working directory (its `paths` resolve aliased
// imports); labels stay relative to the working directory (display_path).
std::vector<fs::path> absolute_entries(const std::vector<fs::path>& files) {
  std::vector<fs::path> entries;
  for (const fs::path& file : files) {
    std::error_code ec;
    const fs::path path = fs::absolute(file, ec).lexically_normal();
    if (std::find(entries.begin(), entries.end(), path) == entries.end()) {
      entries.push_back(path);
    }
  }
  return entries;
}

// load_drizzle_schema, and in `read` every file it read.
// With `programs`, the files' programs are reparsed from there (those of
// the read before) and left there for the next read; with `memo`, the
// tables too (drizzle_reader::ReadMemo).
SchemaLoad load_reading(const std::vector<fs::path>& files, const std::string& casing, bool kit_1_names,
                        ts::ModuleResolver* resolver, std::vector<fs::path>* read_paths,
                        std::map<std::string, ts::Program>* programs = nullptr,
                        drizzle_reader::ReadMemo* memo = nullptr) {
  std::vector<drizzle_reader::SourceFile> sources;
  std::vector<core::Finding> problems;
  const std::vector<fs::path> entries = absolute_entries(files);
  ts::ModuleResolver none(ts::Workspace{});
  // The files the schema entries re-export, found the way TypeScript finds
  // them (relative paths, tsconfig aliases, workspace packages): drizzle-kit
  // imports the entries and takes every table they export.
  ts::ModuleGraph graph(resolver != nullptr ? *resolver : none);
  graph.reuse(programs);
  const std::vector<const ts::SourceModule*> modules = graph.re_export_closure(entries, k_max_files);
  for (const fs::path& entry : entries) {
    if (graph.load(entry) == nullptr) {
      problems.push_back(make_diagnostic(k_parse_error, core::Severity::high, "file cannot be read",
                                         {display_path(entry), 0, 0},
                                         "Check the drizzle.config `schema` entry and the path."));
    }
  }
  const std::map<const ts::SourceModule*, std::set<std::string>> visible = visible_values(graph, entries);
  std::vector<const ts::SourceModule*> read;
  for (const ts::SourceModule* module : modules) {
    const auto names = visible.find(module);
    sources.push_back(drizzle_reader::SourceFile{
        display_path(module->path), {}, names == visible.end() ? std::set<std::string>{} : names->second});
    read.push_back(module);
  }
  // The project files they import for custom types and shared columns
  // (drizzle-kit runs those imports too), two imports deep.
  for (const ts::SourceModule* module : graph.import_closure(modules, 2, k_max_files)) {
    sources.push_back(
        drizzle_reader::SourceFile{display_path(module->path), {}, std::set<std::string>{}, true});
    read.push_back(module);
  }
  for (std::size_t i = 0; i < sources.size(); ++i) {
    resolve_default_imports(graph, *read[i], sources[i]);
  }
  if (read_paths != nullptr) {
    *read_paths = entries; // an entry that cannot be read yet too
    for (const ts::SourceModule* module : read) {
      read_paths->push_back(module->path);
    }
  }
  // The graph is done with: the reader takes the trees over.
  for (std::size_t i = 0; i < sources.size(); ++i) {
    sources[i].program = graph.release(read[i]);
  }
  // drizzle-kit 1.0 removed the config's `casing` (1.0.0-rc.1: a table's
  // casing is snakeCase.table(...)); it names columns by their keys.
  const bool casing_ignored = kit_1_names && !casing.empty();
  drizzle_reader::Reader reader(std::move(sources), casing_ignored ? std::string() : casing,
                                kit_1_names ? drizzle_names::Naming::kit_1 : drizzle_names::Naming::kit_0);
  reader.keep_tables(memo);
  SchemaLoad load = reader.run();
  if (programs != nullptr) {
    programs->clear();
    std::vector<ts::Program> parsed = reader.release_programs();
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      programs->insert_or_assign(read[i]->path.native(), std::move(parsed[i]));
    }
  }
  if (casing_ignored) {
    load.notes.push_back("drizzle.config `casing: \"" + casing +
                         "\"` is not read by drizzle-kit 1.0 (removed in 1.0.0-rc.1): columns without a name "
                         "are named by their keys, as drizzle-kit 1.0 generates them, unless their table is "
                         "snakeCase.table(...) / camelCase.table(...)");
  }
  load.diagnostics.insert(load.diagnostics.begin(), problems.begin(), problems.end());
  for (const std::string& problem : graph.resolver().problems()) {
    load.notes.push_back("schema.ts imports: " + problem);
  }
  return load;
}

// A file's text as a loader reads it now (0 when it cannot be read), told
// apart from another within this process only: libstdc++'s hash reads 8
// bytes a step where FNV-1a reads one (a 5 MB schema.ts, hashed twice a
// keystroke: 6 ms each -> about 1 ms).
std::uint64_t text_hash(const fs::path& file) {
  const core::Result<std::string> text = core::read_file(file);
  return text ? std::hash<std::string_view>{}(text.value()) : 0;
}

} // namespace

SchemaLoad load_drizzle_schema(const std::vector<fs::path>& files, const std::string& casing,
                               bool kit_1_names, ts::ModuleResolver* resolver) {
  return load_reading(files, casing, kit_1_names, resolver, nullptr);
}

SchemaTsCache::SchemaTsCache() = default;
SchemaTsCache::~SchemaTsCache() = default;
SchemaTsCache::SchemaTsCache(SchemaTsCache&&) noexcept = default;
SchemaTsCache& SchemaTsCache::operator=(SchemaTsCache&&) noexcept = default;

std::size_t SchemaTsCache::tables_kept() const {
  return m_memo && !m_reused ? m_memo->reused : 0;
}

SchemaLoad SchemaTsCache::load(const std::vector<fs::path>& files, const std::string& casing,
                               bool kit_1_names, ts::ModuleResolver* resolver) {
  const bool same_texts = std::all_of(m_read.begin(), m_read.end(),
                                      [](const Seen& seen) { return text_hash(seen.file) == seen.hash; });
  m_reused = m_kept && files == m_files && casing == m_casing && kit_1_names == m_kit_1_names && same_texts;
  if (m_reused) {
    return *m_kept;
  }
  // A file changed since the last read: it is being edited, and this read
  // keeps its tables for the next (a first read, or the same texts read
  // again, need not copy them).
  if (m_read.empty() || same_texts) {
    m_memo.reset();
  } else if (!m_memo) {
    m_memo = std::make_unique<drizzle_reader::ReadMemo>();
  }
  std::vector<fs::path> read;
  const std::uint64_t overlays = core::file_overlay_changes();
  SchemaLoad load = load_reading(files, casing, kit_1_names, resolver, &read, &m_programs, m_memo.get());
  m_kept.reset();
  if (core::file_overlay_changes() != overlays) {
    m_read.clear();
    return load; // an editor's buffer changed while it read: the hashes below might not be of what it read
  }
  std::vector<Seen> seen;
  for (fs::path& file : read) {
    const std::uint64_t hash = text_hash(file);
    seen.push_back({std::move(file), hash});
  }
  // Files that changed since the last read are being edited: the next read
  // differs again, so no copy is kept (a 10,000-table load's copy and its
  // freeing were 70 ms of each keystroke in its schema.ts), and the next
  // read reparses the programs this one parsed. The next read of the same
  // texts keeps a copy and frees the programs (250 MB at 10,000 tables:
  // not held while the migrations are edited).
  const bool changing = !m_read.empty() && seen != m_read;
  m_read = std::move(seen);
  m_files = files;
  m_casing = casing;
  m_kit_1_names = kit_1_names;
  if (!changing) {
    m_kept = std::make_unique<SchemaLoad>(load);
    m_programs.clear();
    m_memo.reset();
  }
  return load;
}

SchemaLoad load_drizzle_schema_sources(const std::vector<SchemaTsSource>& sources,
                                       const std::string& casing) {
  std::vector<drizzle_reader::SourceFile> files;
  files.reserve(sources.size());
  for (const SchemaTsSource& source : sources) {
    files.push_back(drizzle_reader::SourceFile{source.label, ts::parse_program(source.text), std::nullopt});
  }
  return drizzle_reader::Reader(std::move(files), casing).run();
}

void adopt_drizzle_facts(model::Table& table, const model::Table& declared) {
  if (table.property.empty()) {
    table.property = declared.property;
  }
  if (!table.drizzle_location.known()) {
    table.drizzle_location = declared.drizzle_location;
  }
  if (table.drizzle_config_param.empty()) {
    table.drizzle_config_param = declared.drizzle_config_param;
  }
  if (table.drizzle_column_param.empty()) {
    table.drizzle_column_param = declared.drizzle_column_param;
  }
  table.drizzle_config_object = table.drizzle_config_object || declared.drizzle_config_object;
  table.drizzle_unnamed_indexes = table.drizzle_unnamed_indexes || declared.drizzle_unnamed_indexes;
  if (!table.drizzle_key_style) {
    table.drizzle_key_style = declared.drizzle_key_style;
  }
  for (model::Column& column : table.columns) {
    const model::Column* match = declared.find_column(column.name);
    if (match == nullptr || !column.property().empty()) {
      continue;
    }
    column.set_property(match->property());
    column.drizzle_unnamed = match->drizzle_unnamed;
    column.set_drizzle_chain(std::string(match->drizzle_chain()), match->drizzle_quote());
    column.set_drizzle_options(std::string(match->drizzle_options()));
    if (const model::DrizzleSharedColumn* shared = match->drizzle_shared()) {
      column.set_drizzle_shared(*shared);
    }
  }
  for (model::Index& index : table.indexes) {
    const model::Index* match = declared.find_index(index.name);
    if (match != nullptr && index.property.empty()) {
      index.property = match->property;
    }
  }
}

} // namespace pgadvise::loaders
