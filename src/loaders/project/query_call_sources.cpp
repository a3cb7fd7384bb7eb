#include "loaders/project/query_call_sources.hpp"

#include "core/file.hpp"
#include "core/parallel.hpp"
#include "loaders/project/query_call_files.hpp"
#include "loaders/typescript/parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <thread>

namespace pgadvise::loaders::scan {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t k_max_source_bytes = 16U << 20U;

// The room a thread keeps for the files it reads: given back after a
// larger one.
constexpr std::size_t k_kept_room = std::size_t{1} << 20U;

// `take` given the file's text (read_file_into) when it can be read: one
// open, read and close per file through room this thread keeps, nothing
// allocated or zero-filled per file. A scan reads each of tens of
// thousands of sources once and keeps no text.
template <typename Take> void read_text(const fs::path& path, std::uintmax_t max_bytes, Take&& take) {
  thread_local std::string room;
  if (const auto text = core::read_file_into(path, room, max_bytes)) {
    take(*text);
  }
  if (room.size() > k_kept_room) {
    std::string().swap(room);
  }
}

// A source's text to keep: the same read, then one allocation of its size.
std::optional<std::string> read_source_text(const fs::path& path) {
  std::optional<std::string> out;
  read_text(path, k_max_source_bytes, [&out](std::string_view text) { out.emplace(text); });
  return out;
}

// `./x`, `../x`, `/x`, and the usual alias prefixes `@/`, `~/`, `#`: paths
// into the project, not package names.
bool project_specifier(std::string_view specifier) {
  return specifier.rfind("./", 0) == 0 || specifier.rfind("../", 0) == 0 || specifier.rfind('/', 0) == 0 ||
         specifier.rfind("@/", 0) == 0 || specifier.rfind("~/", 0) == 0 || specifier.rfind('#', 0) == 0 ||
         specifier == "." || specifier == "..";
}

// A stylesheet, an image, a font, JSON or a document (`./x.module.css`,
// `@/assets/logo.svg`): what a bundler imports, never the db client.
bool asset_specifier(std::string_view specifier) {
  static constexpr std::array<std::string_view, 24> k_assets = {
      ".css",  ".scss", ".sass",  ".less", ".json", ".svg",  ".png",  ".jpg",
      ".jpeg", ".gif",  ".webp",  ".avif", ".ico",  ".md",   ".mdx",  ".txt",
      ".html", ".woff", ".woff2", ".ttf",  ".otf",  ".wasm", ".yaml", ".yml"};
  const std::size_t slash = specifier.find_last_of('/');
  const std::string_view name = slash == std::string_view::npos ? specifier : specifier.substr(slash + 1);
  const std::size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos) {
    return false;
  }
  const std::string_view extension = name.substr(dot, name.find('?', dot) - dot); // `?raw`, `?url`
  return std::find(k_assets.begin(), k_assets.end(), extension) != k_assets.end();
}

// A path into what a tool writes at build time (`@/tools/generated/x`,
// `@/.source/server` of fumadocs, `./__generated__/graphql`): absent from a
// checkout, and never the db client, which a project writes itself. Not
// every dot-folder: Remix and React Router keep the client in `.server/`.
bool generated_specifier(std::string_view specifier) {
  static constexpr std::array<std::string_view, 9> k_generated = {
      "generated", "__generated__", ".source",     ".contentlayer", ".velite",
      ".next",     ".nuxt",         ".svelte-kit", ".output"};
  std::size_t begin = 0;
  while (begin < specifier.size()) {
    const std::size_t end = std::min(specifier.find('/', begin), specifier.size());
    const std::string_view segment = specifier.substr(begin, end - begin);
    if (std::find(k_generated.begin(), k_generated.end(), segment) != k_generated.end()) {
      return true;
    }
    begin = end + 1;
  }
  return false;
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

QuerySources::QuerySources(ScanContext& context, const std::vector<std::string>& files,
                           SourceReadAhead* read_ahead)
    : m_root(fs::absolute(context.project().root).lexically_normal()),
      m_resolver(workspace(context.project(), m_root),
                 [this](const std::string& path) { return known(path); }),
      m_graph(m_resolver, [this](const fs::path& path) { return read_for_graph(path); }) {
  m_graph.read_declarations_only(); // the scan reads no token or tree of a module the graph loads
  const std::vector<model::Package>& packages = context.project().packages;
  const bool one_project = std::any_of(packages.begin(), packages.end(),
                                       [](const model::Package& package) { return package.dir.empty(); });
  for (const model::Package& package : packages) {
    const bool inner = std::any_of(packages.begin(), packages.end(), [&](const model::Package& other) {
      return other.dir.size() < package.dir.size() && package.dir.starts_with(other.dir + "/");
    });
    if (!one_project && !inner) {
      m_checkouts.push_back(package.dir);
    }
  }
  read_sources(context, files, read_ahead);
}

std::string_view QuerySources::checkout_of(const FileIndex& file) const {
  const std::string& path = file.path();
  for (const std::string& checkout : m_checkouts) {
    if (path.size() > checkout.size() && path.starts_with(checkout) && path[checkout.size()] == '/') {
      return checkout;
    }
  }
  return {};
}

void QuerySources::index() {
  mark_reaching();
  index_files();
}

ts::Workspace QuerySources::workspace(const model::Project& project, const fs::path& root) {
  ts::Workspace out;
  out.root = root;
  out.listing = project.folder_listing;
  for (const model::Package& package : project.packages) {
    if (!package.name.empty()) {
      out.packages.push_back({package.name, (root / package.dir).lexically_normal()});
    }
  }
  return out;
}

// Whether a source file is there, from the walk (no file-system call):
// resolution never leaves the files the scan may read.
bool QuerySources::known(const std::string& path) const {
  return find_source(path) != m_by_path.end();
}

bool QuerySources::dead_end(const fs::path& path) const {
  const auto found = find_source(path.native());
  return found != m_by_path.end() && !m_sources[found->second].leads_to_index;
}

// The graph reads only the project's own sources, again from the disk:
// the scan keeps no file's text.
std::optional<std::string> QuerySources::read_for_graph(const fs::path& path) {
  const auto found = find_source(path.native());
  if (found == m_by_path.end()) {
    return std::nullopt; // outside the scanned files (node_modules, build output)
  }
  return read_source_text(m_sources[found->second].path);
}

// The path joined and made normal as text (the walk's relative paths are
// normal already): std::filesystem's join and normal form were 100,000
// allocations over a real monorepo's 13,000 sources. The text is read
// into room each thread keeps (read_text) and goes once its imports are
// listed.
std::optional<QuerySources::Source> QuerySources::read_source(const fs::path& root,
                                                              const std::string& relative) {
  std::optional<Source> out;
  read_text(root / relative, k_max_file_bytes, [&](std::string_view text) {
    out.emplace(Source{relative, core::lexically_normal(root.native() + "/" + relative), {}, false});
    const std::vector<ModuleImport> imports = module_imports(text);
    out->specifiers.reserve(imports.size());
    for (const ModuleImport& found : imports) {
      out->specifiers.push_back({std::string(found.specifier), found.type_only, found.reexport});
    }
  });
  return out;
}

// Each source but a test's (test_file) read once for its imports, on every
// core (or taken from the reading ahead that began at the walk); its text
// goes at once. The sources are kept in the order of `files`, whichever
// thread read them.
void QuerySources::read_sources(ScanContext& context, const std::vector<std::string>& files,
                                SourceReadAhead* read_ahead) {
  std::vector<std::string> wanted;
  for (const std::string& file : files) {
    if (query_source_file(file) && !test_file(file)) {
      wanted.push_back(file);
    }
  }
  auto read = read_ahead != nullptr ? read_ahead->take(m_root, wanted) : std::nullopt;
  if (!read) {
    read.emplace(wanted.size());
    core::parallel_for(wanted.size(), [&](std::size_t i) { (*read)[i] = read_source(m_root, wanted[i]); });
  }
  for (std::optional<Source>& source : *read) {
    if (!source) {
      continue;
    }
    ++context.project().query_files_searched;
    m_by_path.emplace(source->path, m_sources.size());
    m_sources.push_back(std::move(*source));
  }
}

SourceReadAhead::SourceReadAhead(fs::path root, std::vector<std::string> files)
    : m_root(std::move(root)), m_files(std::move(files)), m_read(m_files.size()) {
  try {
    m_thread = std::thread([this] {
      try {
        read_claimed();
      } catch (...) {
        m_failed = std::current_exception();
        m_next = m_files.size();
      }
    });
  } catch (const std::system_error&) {
    // no thread to be had: take reads them all
  }
}

SourceReadAhead::~SourceReadAhead() {
  m_next = m_files.size();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void SourceReadAhead::read_claimed() {
  for (std::size_t i = m_next++; i < m_files.size(); i = m_next++) {
    m_read[i] = QuerySources::read_source(m_root, m_files[i]);
  }
}

std::optional<std::vector<std::optional<QuerySources::Source>>>
SourceReadAhead::take(const fs::path& root, const std::vector<std::string>& files) {
  if (m_taken) {
    return std::nullopt;
  }
  m_taken = true;
  if (root != m_root || files != m_files) {
    m_next = m_files.size(); // what it reads is not wanted: it stops at the file in hand
    return std::nullopt;
  }
  core::parallel_for(std::max(1U, std::thread::hardware_concurrency()),
                     [this](std::size_t) { read_claimed(); });
  if (m_thread.joinable()) {
    m_thread.join();
  }
  if (m_failed) {
    std::rethrow_exception(m_failed);
  }
  return std::move(m_read);
}

// A source by its path: the path's text, or its normal form when the text
// is not normal (the resolver answers with normal paths, and builds most of
// what it asks about normal).
std::unordered_map<std::string, std::size_t>::const_iterator
QuerySources::find_source(const std::string& path) const {
  const auto found = m_by_path.find(path);
  return found != m_by_path.end() || core::is_lexically_normal(path)
             ? found
             : m_by_path.find(core::lexically_normal(path));
}

// Each source's edges to the project's other sources. `values` marks the
// sources that import one of drizzle-orm's entry points (a driver's, which
// makes the client; pg-core, which makes the tables; types too) or take
// values from a project path the scan cannot see (it may be the db client).
// `own` marks those that may query through a parameter but give their
// importers nothing to query with: drizzle-orm's root alone (its operators,
// `sql`, its types: a module of condition helpers), or only types from a
// path the scan cannot see.
namespace {

// The fewest sources a share of importers() takes: a project of fewer than
// twice this many is resolved on one thread.
constexpr std::size_t k_sources_per_share = 2000;

} // namespace

// Where each of `shares` contiguous shares of the sources begins (and the
// last ends): shares of about equal work, which is mostly the imports
// named by a relative path, each new from each folder, while a package or
// alias name is resolved once for the whole project. By sources alone, the
// first share of real sim (its pages, deep route folders each importing
// their neighbours) took twice the second.
std::vector<std::size_t> QuerySources::share_bounds(std::size_t shares) const {
  const auto work = [](const Source& source) {
    std::size_t out = 1;
    for (const Specifier& specifier : source.specifiers) {
      out += project_specifier(specifier.text) ? 4U : 1U;
    }
    return out;
  };
  std::size_t total = 0;
  for (const Source& source : m_sources) {
    total += work(source);
  }
  std::vector<std::size_t> bounds(shares + 1, m_sources.size());
  bounds[0] = 0;
  std::size_t done = 0;
  std::size_t share = 1;
  for (std::size_t i = 0; i < m_sources.size() && share < shares; ++i) {
    done += work(m_sources[i]);
    if (done * shares >= total * share) {
      bounds[share++] = i + 1;
    }
  }
  return bounds;
}

// The sources are resolved in contiguous shares, one per core, each with a
// resolver of its own (the first share with the scan's, whose answers the
// graph reuses): resolving a real monorepo's every import was a serial
// fifth of its scan. The edges are merged in the shares' order, so the
// lists are those one thread would make.
QuerySources::Importers QuerySources::importers(std::vector<char>& values, std::vector<char>& own) {
  const std::size_t cores = std::max(1U, std::thread::hardware_concurrency());
  const std::size_t shares = std::clamp<std::size_t>(m_sources.size() / k_sources_per_share, 1, cores);
  std::vector<std::vector<Edge>> found_edges(shares);
  const std::vector<std::size_t> bounds = share_bounds(shares);
  core::parallel_for(shares, [&](std::size_t share) {
    std::optional<ts::ModuleResolver> own_resolver;
    if (share > 0) {
      own_resolver.emplace(m_resolver.workspace(), [this](const std::string& path) { return known(path); });
    }
    ts::ModuleResolver& resolver = share > 0 ? *own_resolver : m_resolver;
    const std::size_t begin = bounds[share];
    const std::size_t end = bounds[share + 1];
    for (std::size_t i = begin; i < end; ++i) {
      resolve_imports(resolver, i, values, own, found_edges[share]);
    }
  });
  Importers out{std::vector<std::vector<std::size_t>>(m_sources.size()),
                std::vector<std::vector<std::size_t>>(m_sources.size()),
                std::vector<std::vector<std::size_t>>(m_sources.size())};
  for (const std::vector<Edge>& share : found_edges) {
    for (const Edge& edge : share) {
      (edge.type_only ? out.types : out.values)[edge.target].push_back(edge.importer);
      if (edge.reexport) {
        out.reexports[edge.target].push_back(edge.importer);
      }
    }
  }
  return out;
}

// Source i's imports: its marks (`values`, `own`) and its edges to the
// project's other sources.
void QuerySources::resolve_imports(ts::ModuleResolver& resolver, std::size_t i, std::vector<char>& values,
                                   std::vector<char>& own, std::vector<Edge>& edges) const {
  const Source& source = m_sources[i];
  const std::size_t slash = source.path.rfind('/');
  const std::string_view dir =
      slash == 0 ? std::string_view("/") : std::string_view(source.path).substr(0, slash);
  for (const Specifier& specifier : source.specifiers) {
    if (drizzle_specifier(specifier.text)) {
      (specifier.text == "drizzle-orm" ? own : values)[i] = 1;
      continue;
    }
    const std::string* target = resolver.resolve_from(dir, specifier.text);
    if (target == nullptr) {
      // A package outside the project holds no project code.
      if (project_specifier(specifier.text) && !asset_specifier(specifier.text) &&
          !generated_specifier(specifier.text)) {
        (specifier.type_only ? own : values)[i] = 1;
      }
      continue;
    }
    const auto found = find_source(*target);
    if (found == m_by_path.end() || found->second == i) {
      continue;
    }
    edges.push_back({found->second, i, specifier.type_only, specifier.reexport});
  }
}

namespace {

// Marks every source `edges` lead to from a marked one (each of `edges`
// lists, by source, the sources it leads to).
void spread(std::vector<char>& marked,
            std::initializer_list<const std::vector<std::vector<std::size_t>>*> edges) {
  std::deque<std::size_t> queue;
  for (std::size_t i = 0; i < marked.size(); ++i) {
    if (marked[i] != 0) {
      queue.push_back(i);
    }
  }
  while (!queue.empty()) {
    const std::size_t reached = queue.front();
    queue.pop_front();
    for (const std::vector<std::vector<std::size_t>>* each : edges) {
      for (const std::size_t next : (*each)[reached]) {
        if (marked[next] == 0) {
          marked[next] = 1;
          queue.push_back(next);
        }
      }
    }
  }
}

} // namespace

// The files that may hold a Drizzle call or call a helper that makes one:
// - those whose value imports reach the client or the tables, directly or
//   through the project's own files (a walk back along the import edges);
// - those that import anything, types included, from one of them or from a
//   file that re-exports one's (`export type { Db } from "./client"`): a
//   function typed `(db: Db)` or `(tx: Transaction)` queries through its
//   parameter; and those `importers` marks as `own`. Such a file passes
//   nothing on to its importers: a type of the client reaches the files it
//   is imported into, not theirs, and a caller of a helper that queries
//   through its parameter has the client itself. On a real monorepo, the
//   types every component imports from a module that imports one billing
//   helper (which imports `eq` and `or`) had led to 12,000 of 15,000 files;
//   3,600 are read now.
void QuerySources::mark_reaching() {
  std::vector<char> values(m_sources.size(), 0);
  std::vector<char> own(m_sources.size(), 0);
  const Importers edges = importers(values, own);
  spread(values, {&edges.values});
  std::vector<char> typed = values; // whose types may be the client's or a transaction's
  spread(typed, {&edges.reexports});
  for (std::size_t i = 0; i < m_sources.size(); ++i) {
    m_sources[i].reaches_drizzle = values[i] != 0 || own[i] != 0;
  }
  for (std::size_t i = 0; i < m_sources.size(); ++i) {
    if (typed[i] == 0) {
      continue;
    }
    for (const std::vector<std::vector<std::size_t>>* edge : {&edges.values, &edges.types}) {
      for (const std::size_t importer : (*edge)[i]) {
        m_sources[importer].reaches_drizzle = true;
      }
    }
  }
  // The files whose imports, followed, lead to a file indexed (dead_end).
  std::vector<char> leads(m_sources.size(), 0);
  for (std::size_t i = 0; i < m_sources.size(); ++i) {
    leads[i] = static_cast<char>(m_sources[i].reaches_drizzle);
  }
  spread(leads, {&edges.values, &edges.types});
  for (std::size_t i = 0; i < m_sources.size(); ++i) {
    m_sources[i].leads_to_index = leads[i] != 0;
  }
  for (Source& source : m_sources) {
    std::vector<Specifier>().swap(source.specifiers); // read; a file that reaches none is never tokenized
  }
}

// A reaching file parsed and indexed: its index taken from the tokens,
// which then go (the module graph keeps the declarations, imports and
// exports), and the element counts of top-level constant arrays kept aside.
QuerySources::Parsed QuerySources::parse_source(const Source& source) {
  Parsed out;
  auto text = read_source_text(source.path);
  if (!text) {
    return out;
  }
  ts::Program program = ts::parse_declarations(std::move(*text));
  out.index = std::make_unique<FileIndex>(source.relative, program);
  for (ts::Declaration& declaration : program.declarations) {
    if (const std::size_t count = constant_count(program, declaration.init); count > 0) {
      out.constants.emplace(declaration.name, count);
    }
    declaration.init = ts::k_no_node;
  }
  for (ts::NamedStatement& statement : program.statements) {
    statement.function = ts::k_no_node;
  }
  std::vector<ts::Token>().swap(program.lex.tokens); // `= {}` would keep the capacity
  std::vector<ts::Comment>().swap(program.lex.comments);
  std::vector<ts::Node>().swap(program.nodes);
  program.lex.text.reset();
  out.program = std::move(program);
  return out;
}

// Each reaching file parsed once, the files shared out over the cores
// (parsing one depends on its text alone); the graph adopts them after, in
// the sources' order, so the outcome is the same whichever thread parsed what.
void QuerySources::index_files() {
  std::vector<const Source*> reaching;
  for (const Source& source : m_sources) {
    if (source.reaches_drizzle) {
      reaching.push_back(&source);
    }
  }
  std::vector<Parsed> parsed(reaching.size());
  core::parallel_for(reaching.size(), [&](std::size_t i) { parsed[i] = parse_source(*reaching[i]); });
  for (std::size_t i = 0; i < reaching.size(); ++i) {
    if (!parsed[i].program) {
      continue;
    }
    fs::path path(reaching[i]->path);
    const ts::SourceModule* module = m_graph.adopt(path, std::move(*parsed[i].program));
    if (!parsed[i].constants.empty()) {
      m_constants.emplace(module, std::move(parsed[i].constants));
    }
    add_file(std::move(parsed[i].index), module, std::move(path));
    parsed[i] = Parsed{}; // what the graph and the index did not take goes now
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

const std::optional<std::string>& QuerySources::text_of(const FileIndex& file) {
  const auto kept = std::find_if(m_texts.begin(), m_texts.end(),
                                 [&file](const KeptText& entry) { return entry.file == &file; });
  if (kept != m_texts.end()) {
    std::rotate(m_texts.begin(), kept, kept + 1);
    return m_texts.front().text;
  }
  m_texts.push_front({&file, read_source_text(path_of(file))});
  if (m_texts.size() > k_texts_kept) {
    m_texts.pop_back();
  }
  return m_texts.front().text;
}

// The call tokenized again on its own, from its name to its `)` (code
// reads the same there as in its file: the name starts no template or
// regular expression); none when the file changed since it was indexed.
const std::vector<Argument>& QuerySources::arguments(const FileIndex& file, const CallSite& site) {
  if (const auto kept = m_arguments.find(&site); kept != m_arguments.end()) {
    return kept->second;
  }
  std::vector<Argument>& out = m_arguments[&site];
  const std::optional<std::string>& text = text_of(file);
  if (!text || site.length == 0 || std::size_t{site.offset} + site.length > text->size()) {
    return out;
  }
  const ts::LexResult call = ts::tokenize(text->substr(site.offset, site.length));
  const std::vector<ts::Token>& tokens = call.tokens;
  if (tokens.size() < 4 || !tokens[0].is_named(site.path.back()) || !tokens[1].is_punct("(") ||
      !tokens[tokens.size() - 2].is_punct(")")) {
    return out;
  }
  const TokenReader reader(tokens, file.path());
  if (reader.close_of(1) == tokens.size() - 2) {
    out = read_arguments(reader, 0);
  }
  return out;
}

} // namespace pgadvise::loaders::scan
