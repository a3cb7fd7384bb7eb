#pragma once

#include "loaders/project/context.hpp"
#include "loaders/project/query_call_reader.hpp"
#include "loaders/typescript/module_graph.hpp"

#include <atomic>
#include <cstddef>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

// The project's sources as the query-call scan reads them
// (query_call_sources.cpp): each JS/TS file read once and its imports
// listed without tokenizing it; only the files whose imports reach
// drizzle-orm are parsed and indexed, once, and adopted by the module graph
// that resolves names across files. Reading and parsing are shared out over
// the cores (core::parallel_for), the results taken in the files' order.
namespace pgadvise::loaders::scan {

// What one file's named functions hold: its Drizzle calls and call sites,
// by the named function around each (null: the file's top level).
struct FileFunctions {
  std::map<const FunctionInfo*, std::vector<const DirectCall*>> calls;
  std::map<const FunctionInfo*, std::vector<const CallSite*>> sites;
};

class SourceReadAhead;

class QuerySources {
public:
  // Reads the JS/TS sources among `files` (relative to the project root),
  // or takes them from `read_ahead` when it read them.
  QuerySources(ScanContext& context, const std::vector<std::string>& files,
               SourceReadAhead* read_ahead = nullptr);
  QuerySources(const QuerySources&) = delete; // the resolver and graph call back into it
  QuerySources& operator=(const QuerySources&) = delete;
  ~QuerySources() = default;

  // Marks the sources whose imports reach drizzle-orm and indexes those.
  void index();

  [[nodiscard]] const std::vector<std::unique_ptr<FileIndex>>& files() const { return m_files; }
  [[nodiscard]] ts::ModuleGraph& graph() { return m_graph; }
  // The absolute, normal path of an indexed file: the graph's key for it.
  [[nodiscard]] const std::filesystem::path& path_of(const FileIndex& file) const {
    return m_paths.at(&file);
  }
  // The indexed file of a module the graph holds; null for one the scan did not index.
  [[nodiscard]] const FileIndex* file_of(const ts::SourceModule* module) const;
  [[nodiscard]] const FileFunctions& functions_of(const FileIndex& file) const;
  // The element count of the constant array `name` names in `file` (a
  // `const` of that file or one it imports); 0 when it is not one.
  [[nodiscard]] std::size_t constant_array(const FileIndex& file, const std::string& name);
  // A call site's arguments, read back from its file the first time they
  // are asked for (the index keeps none: CallSite) and kept from then on.
  // None when the file has changed since it was indexed.
  [[nodiscard]] const std::vector<Argument>& arguments(const FileIndex& file, const CallSite& site);
  // Whether `path` is a source no name can be followed through to an
  // indexed file: its imports, followed, lead to none (on sim, 1,140 of the
  // files helpers' names led into, 160 ms of reading them for nothing).
  [[nodiscard]] bool dead_end(const std::filesystem::path& path) const;
  // The checkout a file belongs to in a folder of checkouts: the outermost
  // package folder above it when the root itself is no package (a folder
  // of whole projects); "" for every file of one project.
  [[nodiscard]] std::string_view checkout_of(const FileIndex& file) const;

  // A source as the scan keeps it before it knows whether the file matters:
  // its imports, never its text (memory bounded by what is kept, not by
  // what is read: a reaching file is read again to be tokenized).
  struct Specifier {
    std::string text;
    bool type_only = false; // module_imports
    bool reexport = false;
  };
  struct Source {
    std::string relative;
    std::string path; // absolute, normal (a string: an fs::path holds a list of its components)
    std::vector<Specifier> specifiers;
    bool reaches_drizzle = false; // may hold a Drizzle call or call a helper that makes one
    bool leads_to_index = false;  // reaches_drizzle, or imports a file that leads to one
  };
  // `relative` read from under `root` (absolute, normal) and its imports
  // listed; none when it cannot be read.
  [[nodiscard]] static std::optional<Source> read_source(const std::filesystem::path& root,
                                                         const std::string& relative);

private:
  // Each source's importers (by the index of the source imported): those
  // taking values, those taking only types, and those passing it on.
  struct Importers {
    std::vector<std::vector<std::size_t>> values;
    std::vector<std::vector<std::size_t>> types;
    std::vector<std::vector<std::size_t>> reexports;
  };

  // A reaching source as a worker thread leaves it for the graph to adopt.
  struct Parsed {
    std::optional<ts::Program> program; // without its tokens and trees
    std::unique_ptr<FileIndex> index;
    std::map<std::string, std::size_t, std::less<>> constants; // top-level constant arrays' counts
  };

  [[nodiscard]] static ts::Workspace workspace(const model::Project& project,
                                               const std::filesystem::path& root);
  [[nodiscard]] bool known(const std::string& path) const;
  std::optional<std::string> read_for_graph(const std::filesystem::path& path);
  void read_sources(ScanContext& context, const std::vector<std::string>& files, SourceReadAhead* read_ahead);
  [[nodiscard]] std::unordered_map<std::string, std::size_t>::const_iterator
  find_source(const std::string& path) const;
  void mark_reaching();
  // An import edge, as a share of importers() finds it.
  struct Edge {
    std::size_t target = 0;
    std::size_t importer = 0;
    bool type_only = false;
    bool reexport = false;
  };
  [[nodiscard]] Importers importers(std::vector<char>& values, std::vector<char>& own);
  [[nodiscard]] std::vector<std::size_t> share_bounds(std::size_t shares) const;
  void resolve_imports(ts::ModuleResolver& resolver, std::size_t i, std::vector<char>& values,
                       std::vector<char>& own, std::vector<Edge>& edges) const;
  [[nodiscard]] static Parsed parse_source(const Source& source);
  void index_files();
  void add_file(std::unique_ptr<FileIndex> index, const ts::SourceModule* module, std::filesystem::path path);

  std::filesystem::path m_root;
  std::vector<std::string> m_checkouts; // checkout_of's folders, relative; none for one project
  ts::ModuleResolver m_resolver;
  ts::ModuleGraph m_graph;
  std::vector<Source> m_sources;
  std::unordered_map<std::string, std::size_t> m_by_path; // absolute normal path -> source
  std::vector<std::unique_ptr<FileIndex>> m_files;
  std::unordered_map<const ts::SourceModule*, const FileIndex*> m_by_module;
  std::unordered_map<const FileIndex*, std::filesystem::path> m_paths;
  std::unordered_map<const FileIndex*, FileFunctions> m_functions;
  // The element counts of each indexed module's top-level constant arrays
  // (its expression trees are let go once it is indexed).
  std::map<const ts::SourceModule*, std::map<std::string, std::size_t, std::less<>>> m_constants;
  std::unordered_map<const CallSite*, std::vector<Argument>> m_arguments;
  // The text of the last few files arguments were read from, the most
  // recent first: the sites asked about come a few files at a time, in
  // turns. Only each call is tokenized again, from its name to its `)`:
  // on a real monorepo (sim), tokenizing the 306 files whole again took a
  // third of the time spent following helpers.
  struct KeptText {
    const FileIndex* file = nullptr;
    std::optional<std::string> text;
  };
  static constexpr std::size_t k_texts_kept = 6;
  std::deque<KeptText> m_texts;
  const std::optional<std::string>& text_of(const FileIndex& file);
};

// The sources a deferred scan will read, read from when the walk listed
// them (scan_project): on a thread of its own while the project scan's
// serial rest goes on (package files, CI, scripts, drizzle configs), then
// by every core once the scan asks for them (take). Each file is read by
// whichever thread claims it first.
class SourceReadAhead {
public:
  // `root` absolute and normal; `files` relative to it.
  SourceReadAhead(std::filesystem::path root, std::vector<std::string> files);
  SourceReadAhead(const SourceReadAhead&) = delete;
  SourceReadAhead& operator=(const SourceReadAhead&) = delete;
  SourceReadAhead(SourceReadAhead&&) = delete;
  SourceReadAhead& operator=(SourceReadAhead&&) = delete;
  ~SourceReadAhead(); // stops claiming files and waits for the one being read

  // The sources of `files` under `root`, in their order (none for a file
  // that cannot be read), the rest read now on every core. Asked once:
  // nullopt when these are not the files read ahead (the reading ahead
  // then stops, its work unwanted), and at every later ask.
  [[nodiscard]] std::optional<std::vector<std::optional<QuerySources::Source>>>
  take(const std::filesystem::path& root, const std::vector<std::string>& files);

private:
  void read_claimed();

  const std::filesystem::path m_root;
  const std::vector<std::string> m_files;
  std::vector<std::optional<QuerySources::Source>> m_read;
  std::atomic<std::size_t> m_next{0};
  std::exception_ptr m_failed; // the thread's own, rethrown by take
  std::thread m_thread;
  bool m_taken = false;
};

} // namespace pgadvise::loaders::scan
