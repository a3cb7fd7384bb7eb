#include "loaders/project/query_call_sources.hpp"

#include "core/file.hpp"
#include "loaders/project/query_call_files.hpp"
#include "loaders/typescript/parser.hpp"

#include <algorithm>
#include <cctype>
#include <deque>

namespace pgadvise::loaders::scan {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t k_max_source_bytes = 16U << 20U;

// `./x`, `../x`, `/x`, and the usual alias prefixes `@/`, `~/`, `#`: paths
// into the project, not package names.
bool project_specifier(std::string_view specifier) {
  return specifier.rfind("./", 0) == 0 || specifier.rfind("../", 0) == 0 || specifier.rfind('/', 0) == 0 ||
         specifier.rfind("@/", 0) == 0 || specifier.rfind("~/", 0) == 0 || specifier.rfind('#', 0) == 0 ||
         specifier == "." || specifier == "..";
}

bool literal(const ts::Program& program, ts::NodeId id) {
  const ts::NodeKind kind = id == ts::k_no_node ? ts::NodeKind::other : program.node(id).kind;
  return kind == ts::NodeKind::string || kind == ts::NodeKind::number || kind == ts::NodeKind::boolean;
}

// How many times a loop over `init` runs whatever the data: the element
// count of an array literal of strings, numbers and booleans, the property
// count of an object literal of them (`Object.entries(DEFAULTS)`), or a
// small whole number (a retry loop's `MAX_ATTEMPTS`); 0 otherwise.
std::size_t constant_count(const ts::Program& program, ts::NodeId init) {
  if (init == ts::k_no_node || init >= program.nodes.size()) {
    return 0;
  }
  const ts::Node& node = program.node(init);
  if (node.kind == ts::NodeKind::array && !node.children.empty()) {
    const bool all = std::all_of(node.children.begin(), node.children.end(),
                                 [&](ts::NodeId element) { return literal(program, element); });
    return all ? node.children.size() : 0;
  }
  if (node.kind == ts::NodeKind::object && !node.properties.empty()) {
    const bool all = std::all_of(node.properties.begin(), node.properties.end(), [&](const ts::Property& p) {
      return p.kind == ts::PropertyKind::value && literal(program, p.value);
    });
    return all ? node.properties.size() : 0;
  }
  const bool whole =
      node.kind == ts::NodeKind::number && !node.text.empty() && node.text.size() <= 4 &&
      std::all_of(node.text.begin(), node.text.end(), [](unsigned char c) { return std::isdigit(c); });
  return whole ? static_cast<std::size_t>(std::stoul(node.text)) : 0;
}

} // namespace

QuerySources::QuerySources(ScanContext& context, const std::vector<std::string>& files)
    : m_root(fs::absolute(context.project().root).lexically_normal()),
      m_resolver(workspace(context.project(), m_root), [this](const fs::path& path) { return known(path); }),
      m_graph(m_resolver, [this](const fs::path& path) { return read_for_graph(path); }) {
  m_graph.drop_tokens(); // the scan reads no token of a module the graph loads
  read_sources(context, files);
}

void QuerySources::index() {
  mark_reaching();
  index_files();
}

ts::Workspace QuerySources::workspace(const model::Project& project, const fs::path& root) {
  ts::Workspace out;
  out.root = root;
  for (const model::Package& package : project.packages) {
    if (!package.name.empty()) {
      out.packages.push_back({package.name, (root / package.dir).lexically_normal()});
    }
  }
  return out;
}

// Whether a source file is there, from the walk (no file-system call):
// resolution never leaves the files the scan may read.
bool QuerySources::known(const fs::path& path) const {
  return m_by_path.count(path.lexically_normal().string()) > 0;
}

// The graph reads only the project's own sources, again from the disk:
// the scan keeps no file's text.
std::optional<std::string> QuerySources::read_for_graph(const fs::path& path) {
  const auto found = m_by_path.find(path.lexically_normal().string());
  if (found == m_by_path.end()) {
    return std::nullopt; // outside the scanned files (node_modules, build output)
  }
  auto text = core::read_file(m_sources[found->second].path, k_max_source_bytes);
  return text ? std::optional<std::string>(std::move(*text)) : std::nullopt;
}

// Each source read once for its imports; its text goes at once.
void QuerySources::read_sources(ScanContext& context, const std::vector<std::string>& files) {
  for (const std::string& file : files) {
    if (!query_source_file(file)) {
      continue;
    }
    const std::optional<std::string> text = context.read(file);
    if (!text) {
      continue;
    }
    ++context.project().query_files_searched;
    std::string path = (m_root / file).lexically_normal().string();
    m_by_path.emplace(path, m_sources.size());
    std::vector<std::string> specifiers;
    for (const std::string_view specifier : import_specifiers(*text)) {
      specifiers.emplace_back(specifier);
    }
    m_sources.push_back({file, std::move(path), std::move(specifiers), false});
  }
}

// The resolver answers with normal paths; one that is not is normalized.
std::unordered_map<std::string, std::size_t>::const_iterator
QuerySources::find_source(const fs::path& path) const {
  const auto found = m_by_path.find(path.native());
  return found != m_by_path.end() ? found : m_by_path.find(path.lexically_normal().string());
}

// The files whose imports reach drizzle-orm, directly or through the
// project's own files: a breadth-first walk back along import edges.
void QuerySources::mark_reaching() {
  std::vector<std::vector<std::size_t>> importers(m_sources.size());
  std::deque<std::size_t> queue;
  for (std::size_t i = 0; i < m_sources.size(); ++i) {
    Source& source = m_sources[i];
    for (const std::string& specifier : source.specifiers) {
      if (drizzle_specifier(specifier)) {
        if (!source.reaches_drizzle) {
          source.reaches_drizzle = true;
          queue.push_back(i);
        }
        continue;
      }
      const std::optional<fs::path> target = m_resolver.resolve(fs::path(source.path), specifier);
      if (!target) {
        // A project path that leads nowhere the scan can see (a missing
        // file, an alias it cannot read) may be the db client: the file
        // is kept. A package outside the project holds no project code.
        if (project_specifier(specifier) && !source.reaches_drizzle) {
          source.reaches_drizzle = true;
          queue.push_back(i);
        }
        continue;
      }
      const auto found = find_source(*target);
      if (found != m_by_path.end() && found->second != i) {
        importers[found->second].push_back(i);
      }
    }
  }
  while (!queue.empty()) {
    const std::size_t reached = queue.front();
    queue.pop_front();
    for (const std::size_t importer : importers[reached]) {
      if (!m_sources[importer].reaches_drizzle) {
        m_sources[importer].reaches_drizzle = true;
        queue.push_back(importer);
      }
    }
  }
  for (Source& source : m_sources) {
    std::vector<std::string>().swap(source.specifiers); // read; a file that reaches none is never tokenized
  }
}

// Each reaching file parsed once; its index taken from the tokens, which
// then go (the module graph keeps the declarations, imports and exports).
void QuerySources::index_files() {
  for (Source& source : m_sources) {
    if (!source.reaches_drizzle) {
      continue;
    }
    const auto text = core::read_file(source.path, k_max_source_bytes);
    if (!text) {
      continue;
    }
    ts::Program program = ts::parse_program(*text);
    auto index = std::make_unique<FileIndex>(source.relative, program);
    // What the module graph needs stays (imports, exports, declarations by
    // name); the tokens and expression trees go, but for the element
    // counts of top-level constant arrays, kept aside.
    std::map<std::string, std::size_t, std::less<>> constants;
    for (ts::Declaration& declaration : program.declarations) {
      if (const std::size_t count = constant_count(program, declaration.init); count > 0) {
        constants.emplace(declaration.name, count);
      }
      declaration.init = ts::k_no_node;
    }
    for (ts::NamedStatement& statement : program.statements) {
      statement.function = ts::k_no_node;
    }
    std::vector<ts::Token>().swap(program.lex.tokens); // `= {}` would keep the capacity
    std::vector<ts::Comment>().swap(program.lex.comments);
    std::vector<ts::Node>().swap(program.nodes);
    fs::path path(source.path);
    const ts::SourceModule* module = m_graph.adopt(path, std::move(program));
    if (!constants.empty()) {
      m_constants.emplace(module, std::move(constants));
    }
    add_file(std::move(index), module, std::move(path));
  }
}

// An indexed file, with its calls and sites by the named function around each.
void QuerySources::add_file(std::unique_ptr<FileIndex> index, const ts::SourceModule* module, fs::path path) {
  m_files.push_back(std::move(index));
  const FileIndex& file = *m_files.back();
  m_by_module[module] = &file;
  m_paths.emplace(&file, std::move(path));
  FileFunctions& functions = m_functions[&file];
  for (const DirectCall& call : file.calls()) {
    functions.calls[file.named_function_at(call.token)].push_back(&call);
  }
  for (const CallSite& site : file.sites()) {
    functions.sites[file.named_function_at(site.token)].push_back(&site);
  }
}

const FileIndex* QuerySources::file_of(const ts::SourceModule* module) const {
  const auto found = m_by_module.find(module);
  return found == m_by_module.end() ? nullptr : found->second;
}

const FileFunctions& QuerySources::functions_of(const FileIndex& file) const {
  static const FileFunctions k_none;
  const auto found = m_functions.find(&file);
  return found == m_functions.end() ? k_none : found->second;
}

std::size_t QuerySources::constant_array(const FileIndex& file, const std::string& name) {
  const std::optional<ts::Symbol> symbol = m_graph.resolve_local(path_of(file), name);
  if (!symbol || symbol->module == nullptr || symbol->kind != ts::SymbolKind::value) {
    return 0;
  }
  if (const auto kept = m_constants.find(symbol->module); kept != m_constants.end()) {
    const auto count = kept->second.find(symbol->name);
    return count == kept->second.end() ? 0 : count->second;
  }
  // A module the graph read itself (it reaches no database): its tree is whole.
  return symbol->declaration == nullptr ? 0
                                        : constant_count(symbol->module->program, symbol->declaration->init);
}

} // namespace pgadvise::loaders::scan
