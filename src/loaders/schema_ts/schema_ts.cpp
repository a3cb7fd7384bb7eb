#include "loaders/schema_ts/schema_ts.hpp"

#include "core/file.hpp"
#include "loaders/schema_ts/reader.hpp"
#include "loaders/sql/migrations.hpp"

#include <set>

namespace pgadvise::loaders {

namespace fs = std::filesystem;

namespace {

// Re-exported files are followed up to this many files in all, so that a
// cycle or a huge tree cannot run away.
constexpr std::size_t k_max_files = 1000;

// The file an `export * from "./x"` names, the way TypeScript resolves a
// relative module: x.ts (also for "./x.js"), x.tsx, x.mts, x/index.ts.
std::optional<fs::path> resolve_module(const fs::path& from, const std::string& specifier) {
  if (specifier.empty() || specifier[0] != '.') {
    return std::nullopt; // a package, not part of the schema
  }
  const fs::path base = from.parent_path() / specifier;
  std::vector<fs::path> candidates;
  const std::string ext = base.extension().string();
  if (ext == ".js" || ext == ".mjs" || ext == ".cjs") {
    fs::path ts = base;
    ts.replace_extension(ext == ".js" ? ".ts" : ext == ".mjs" ? ".mts" : ".cts");
    candidates.push_back(ts);
  }
  candidates.push_back(base);
  for (const char* suffix : {".ts", ".tsx", ".mts", ".cts", ".js", ".mjs"}) {
    candidates.push_back(fs::path(base.string() + suffix));
  }
  candidates.push_back(base / "index.ts");
  candidates.push_back(base / "index.js");
  std::error_code ec;
  for (const fs::path& candidate : candidates) {
    if (fs::is_regular_file(candidate, ec)) {
      return candidate.lexically_normal();
    }
  }
  return std::nullopt;
}

} // namespace

SchemaLoad load_drizzle_schema(const std::vector<fs::path>& files, const std::string& casing,
                               bool kit_1_names) {
  std::vector<drizzle_reader::SourceFile> sources;
  std::vector<core::Finding> problems;
  std::set<fs::path> seen;
  std::vector<fs::path> queue;
  for (const fs::path& file : files) {
    if (seen.insert(file.lexically_normal()).second) {
      queue.push_back(file.lexically_normal());
    }
  }
  for (std::size_t i = 0; i < queue.size() && sources.size() < k_max_files; ++i) {
    const fs::path path = queue[i]; // a copy: the queue grows below
    const std::string label = display_path(path);
    const auto text = core::read_file(path);
    if (!text) {
      problems.push_back(make_diagnostic(k_parse_error, core::Severity::high, "file cannot be read",
                                         {label, 0, 0},
                                         "Check the drizzle.config `schema` entry and the path."));
      continue;
    }
    drizzle_reader::SourceFile source{label, ts::parse_program(*text)};
    for (const ts::ReExport& re_export : source.program.re_exports) {
      const std::optional<fs::path> target = resolve_module(path, re_export.module);
      if (target && seen.insert(*target).second) {
        queue.push_back(*target);
      }
    }
    sources.push_back(std::move(source));
  }
  SchemaLoad load =
      drizzle_reader::Reader(std::move(sources), casing,
                             kit_1_names ? drizzle_names::Naming::kit_1 : drizzle_names::Naming::kit_0)
          .run();
  load.diagnostics.insert(load.diagnostics.begin(), problems.begin(), problems.end());
  return load;
}

SchemaLoad load_drizzle_schema_sources(const std::vector<SchemaTsSource>& sources,
                                       const std::string& casing) {
  std::vector<drizzle_reader::SourceFile> files;
  files.reserve(sources.size());
  for (const SchemaTsSource& source : sources) {
    files.push_back(drizzle_reader::SourceFile{source.label, ts::parse_program(source.text)});
  }
  return drizzle_reader::Reader(std::move(files), casing).run();
}

} // namespace pgadvise::loaders
