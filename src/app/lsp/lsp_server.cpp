#include "app/lsp/lsp_server.hpp"

#include "app/lsp/json_rpc.hpp"
#include "app/lsp/lsp_analysis.hpp"
#include "app/lsp/lsp_code_actions.hpp"
#include "app/lsp/lsp_diagnostics.hpp"
#include "app/lsp/lsp_documents.hpp"
#include "app/lsp/lsp_hover.hpp"
#include "app/lsp/lsp_json.hpp"
#include "app/lsp/lsp_text.hpp"
#include "core/file.hpp"
#include "core/text.hpp"
#include "loaders/schema_ts/schema_ts.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <exception>
#include <filesystem>
#include <malloc.h>
#include <map>
#include <memory>
#include <optional>
#include <poll.h>
#include <set>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace pgadvise::app::lsp {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// Quiet time after a run before its freed heap goes back to the system.
constexpr std::chrono::milliseconds k_idle_before_trim{1000};

bool is_under(const fs::path& path, const fs::path& folder) {
  const fs::path relative = path.lexically_relative(folder);
  return !relative.empty() && *relative.begin() != ".." && !relative.is_absolute();
}

// Where an analysis's time went, as its log line says it: "; discovery 3,
// schema replay 12, rules 20 ms".
std::string stage_times(const core::TimingsSnapshot& timings) {
  std::string out;
  for (std::size_t i = 0; i < core::k_stage_count; ++i) {
    const core::StageCost& cost = timings.stages[i];
    if (cost.ran) {
      out += (out.empty() ? "; " : ", ") + std::string(core::to_string(static_cast<core::Stage>(i))) + " " +
             std::to_string(static_cast<long>(cost.wall_ms));
    }
  }
  return out.empty() ? out : out + " ms";
}

// The protocol's side of the server: messages in and out, the documents,
// and when each unit (the workspace folder, or a file opened outside it)
// is analysed again. What a diagnostic, a quick fix or a hover says is
// lsp_diagnostics', lsp_code_actions' and lsp_hover's.
class Server {
public:
  Server(LspOptions options, int in_fd, int out_fd)
      : m_options(std::move(options)), m_in(in_fd), m_out(out_fd), m_parent(getppid()) {}

  int run();

private:
  // The wire.
  void send(const json& message) { write_bytes(frame_message(message)); }
  // A message written as JSON text (one with a file's diagnostics): its
  // header, then the text itself, not a copy of it.
  void send_body(std::string_view body) {
    write_bytes("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n");
    write_bytes(body);
  }
  void write_bytes(std::string_view bytes);
  void respond(const json& id, json result) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
  }
  void respond_error(const json& id, int code, const std::string& message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
  void notify(const std::string& method, json params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  void log(const std::string& text, int type = 4) {
    notify("window/logMessage", {{"type", type}, {"message", text}});
  }
  bool parent_gone() const;
  void read_batch(const char* bytes, std::size_t size);
  // Handles what the client sent while a run went on (the didOpen that
  // follows `initialized`), reading only what is already there.
  void handle_waiting_input();

  void handle(const Frame& frame);
  void handle_request(const std::string& method, const json& id, const json& params);
  void handle_notification(const std::string& method, const json& params);

  json initialize(const json& params);
  void did_open(const json& params);
  // The unit's open documents when each is a migration its last run
  // replayed (AnalysisPass::open_migrations); nullopt otherwise.
  [[nodiscard]] std::optional<std::set<std::string>> open_migrations(const fs::path& unit) const;
  void did_change(const json& params);
  void did_save(const json& params);
  void did_close(const json& params);
  void did_change_watched_files(const json& params);
  // The response to textDocument/diagnostic: its items are written as text.
  void pull_diagnostics(const json& id, const json& params);
  json code_actions(const json& params);
  json hover(const json& params);

  // The analyses.
  fs::path unit_of(const fs::path& file) const;
  // `file` was edited (or changed on disk): its unit is analysed again once
  // the edits pause; `full` when the edit can change what discovery and the
  // project scan found.
  void edited(const fs::path& file, bool full);
  void mark_dirty(const fs::path& unit, bool now, bool full);
  void analyse_dirty();
  void release_free_memory();
  const Analysis* analysis_for(const fs::path& file);
  void log_analysis(const fs::path& unit, const Analysis& analysis);
  void log_heap_in_use();
  void publish(const std::string& uri);
  void publish_unit(const fs::path& unit);
  // The file a request's textDocument names (absolute, normal), if a file.
  static std::optional<fs::path> file_of(const json& params);

  LspOptions m_options;
  int m_in;
  int m_out;
  pid_t m_parent;
  std::optional<pid_t> m_client_pid;
  bool m_initialized = false;
  bool m_shutdown = false;
  std::optional<int> m_exit;
  EditOptions m_edits; // the position encoding and documentChanges, as negotiated
  bool m_push = true;
  std::optional<fs::path> m_root;
  Documents m_documents;
  std::map<fs::path, std::unique_ptr<Analysis>> m_analyses;
  struct KeptUnit {
    loaders::ReplayCache replay;
    loaders::SchemaTsCache schema_ts;
    engine::TableMemo tables;
  };
  std::set<fs::path> m_unscoped;                        // units whose next run judges every table
  std::map<fs::path, std::unique_ptr<KeptUnit>> m_kept; // by unit, kept between its runs
  std::set<fs::path> m_dirty;
  std::set<fs::path> m_full; // dirty units whose folder is walked and scanned again
  std::optional<Clock::time_point> m_deadline;
  // When the heap's free pages go back to the system: a while after the
  // last run, unless another comes first.
  std::optional<Clock::time_point> m_trim_at;
  std::set<std::string> m_cancelled; // ids (dumped) cancelled in the batch being handled
  std::string m_last_log;
  MessageReader m_reader;
  std::vector<char> m_buffer = std::vector<char>(std::size_t{64} * 1024);
};

void Server::write_bytes(std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(m_out, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      m_exit = 1; // the client is gone
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

bool Server::parent_gone() const {
  if (getppid() != m_parent) {
    return true;
  }
  return m_client_pid && ::kill(*m_client_pid, 0) != 0 && errno == ESRCH;
}

// Everything that has arrived is one batch: a $/cancelRequest in it
// reaches a request before that request is handled.
void Server::read_batch(const char* bytes, std::size_t size) {
  m_reader.feed(std::string_view(bytes, size));
  std::vector<Frame> batch;
  while (std::optional<Frame> frame = m_reader.next()) {
    if (frame->message && string_at(*frame->message, "method") == "$/cancelRequest") {
      const json& id = member(member(*frame->message, "params"), "id");
      if (!id.is_null()) {
        m_cancelled.insert(id.dump());
      }
      continue;
    }
    batch.push_back(std::move(*frame));
  }
  for (const Frame& frame : batch) {
    if (m_exit) {
      break;
    }
    handle(frame);
  }
  m_cancelled.clear();
}

int Server::run() {
  auto last_parent_check = Clock::now();
  while (!m_exit) {
    int timeout = 1000;
    if (const std::optional<Clock::time_point> wake = m_deadline ? m_deadline : m_trim_at) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*wake - Clock::now());
      timeout = static_cast<int>(std::clamp<long long>(wait.count(), 0, 1000));
    }
    pollfd in{m_in, POLLIN, 0};
    const int ready = ::poll(&in, 1, timeout);
    if (ready < 0 && errno != EINTR) {
      return 1;
    }
    if (ready > 0) {
      const ssize_t n = ::read(m_in, m_buffer.data(), m_buffer.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        continue;
      }
      if (n <= 0) {
        return m_shutdown ? 0 : 1; // the client closed our input
      }
      read_batch(m_buffer.data(), static_cast<std::size_t>(n));
    }
    if (m_exit) {
      break;
    }
    if (Clock::now() - last_parent_check >= std::chrono::seconds(1)) {
      last_parent_check = Clock::now();
      if (parent_gone()) {
        return 1;
      }
    }
    if (m_deadline && Clock::now() >= *m_deadline) {
      // Only once the client is quiet: more input first (typing goes on).
      pollfd more{m_in, POLLIN, 0};
      if (::poll(&more, 1, 0) > 0) {
        continue;
      }
      analyse_dirty();
    } else if (!m_deadline && m_trim_at && Clock::now() >= *m_trim_at) {
      // The editor is idle: the free heap a run left goes back, so the
      // server's size after many edits is its size after one.
      pollfd more{m_in, POLLIN, 0};
      if (::poll(&more, 1, 0) > 0) {
        continue;
      }
      release_free_memory();
    }
  }
  return *m_exit;
}

void Server::handle_waiting_input() {
  pollfd in{m_in, POLLIN, 0};
  // A message partly read (a large didOpen comes a pipe's buffer at a
  // time) is waited for a while; otherwise only what is there is read.
  const auto wait = [this] { return m_reader.pending() > 0 ? 1000 : 0; };
  while (!m_exit && ::poll(&in, 1, wait()) > 0) {
    const ssize_t n = ::read(m_in, m_buffer.data(), m_buffer.size());
    if (n <= 0) {
      return; // an error or the end of the input: run() sees it on its next read
    }
    read_batch(m_buffer.data(), static_cast<std::size_t>(n));
  }
}

void Server::handle(const Frame& frame) {
  if (!frame.message) {
    respond_error(frame.id, frame.error_code, frame.error);
    return;
  }
  const json& message = *frame.message;
  const std::string method = string_at(message, "method");
  if (method.empty()) {
    return; // a response to a request of ours (none are sent)
  }
  const json& params = member(message, "params");
  const bool request = message.contains("id") && !message["id"].is_null();
  try {
    if (request) {
      if (m_cancelled.count(message["id"].dump()) > 0) {
        respond_error(message["id"], k_request_cancelled, "cancelled");
        return;
      }
      handle_request(method, message["id"], params);
    } else {
      handle_notification(method, params);
    }
  } catch (const std::exception& e) {
    if (request) {
      respond_error(message["id"], k_internal_error, std::string("pgadvise: ") + e.what());
    } else {
      log(std::string("pgadvise: ") + method + ": " + e.what(), 1);
    }
  }
}

void Server::handle_request(const std::string& method, const json& id, const json& params) {
  if (method == "initialize") {
    if (m_initialized) {
      respond_error(id, k_invalid_request, "initialize was already sent");
      return;
    }
    respond(id, initialize(params));
    return;
  }
  if (!m_initialized) {
    respond_error(id, k_server_not_initialized, "the server is not initialized");
    return;
  }
  if (m_shutdown) {
    respond_error(id, k_invalid_request, "the server is shut down");
    return;
  }
  if (method == "shutdown") {
    m_shutdown = true;
    respond(id, nullptr);
  } else if (method == "textDocument/diagnostic") {
    pull_diagnostics(id, params);
  } else if (method == "textDocument/codeAction") {
    respond(id, code_actions(params));
  } else if (method == "textDocument/hover") {
    respond(id, hover(params));
  } else {
    respond_error(id, k_method_not_found, "unknown method " + method);
  }
}

void Server::handle_notification(const std::string& method, const json& params) {
  if (method == "exit") {
    m_exit = m_shutdown ? 0 : 1;
    return;
  }
  if (!m_initialized || m_shutdown) {
    return; // notifications before initialize (or after shutdown) are dropped
  }
  if (method == "initialized") {
    if (m_root) {
      mark_dirty(*m_root, true, true); // the project is analysed once at start-up
    }
  } else if (method == "textDocument/didOpen") {
    did_open(params);
  } else if (method == "textDocument/didChange") {
    did_change(params);
  } else if (method == "textDocument/didSave") {
    did_save(params);
  } else if (method == "textDocument/didClose") {
    did_close(params);
  } else if (method == "workspace/didChangeWatchedFiles") {
    did_change_watched_files(params);
  }
}

json Server::initialize(const json& params) {
  m_initialized = true;
  if (const json& pid = member(params, "processId"); pid.is_number_integer()) {
    m_client_pid = pid.get<pid_t>();
  }
  const json& capabilities = member(params, "capabilities");
  const json& encodings = member(member(capabilities, "general"), "positionEncodings");
  if (encodings.is_array() && std::find(encodings.begin(), encodings.end(), "utf-8") != encodings.end()) {
    m_edits.encoding = PositionEncoding::utf8;
  }
  // A client that pulls diagnostics gets them when it asks, not pushed too.
  m_push = !member(member(capabilities, "textDocument"), "diagnostic").is_object();
  m_edits.document_changes =
      member(member(member(capabilities, "workspace"), "workspaceEdit"), "documentChanges") == true;
  const json& init = member(params, "initializationOptions");
  if (const json& debounce = member(init, "debounceMs"); debounce.is_number_integer()) {
    m_options.debounce_ms = std::max(0, debounce.get<int>());
  }
  if (const json& files = member(init, "firstPassFiles"); files.is_number_unsigned()) {
    m_options.first_pass_files = files.get<std::size_t>();
  }
  if (const json& most = member(init, "maxDiagnosticsPerFile"); most.is_number_unsigned()) {
    m_options.max_diagnostics_per_file = most.get<std::size_t>();
  }
  if (const json& push = member(init, "pushDiagnostics"); push.is_boolean()) {
    m_push = push.get<bool>();
  }
  if (const std::string config = string_at(init, "config"); !config.empty()) {
    m_options.lint.config = config;
  }
  std::optional<fs::path> root;
  if (const std::string uri = string_at(params, "rootUri"); !uri.empty()) {
    root = uri_to_path(uri);
  } else if (const json& folders = member(params, "workspaceFolders");
             folders.is_array() && !folders.empty()) {
    root = uri_to_path(string_at(folders[0], "uri"));
  } else if (const std::string path = string_at(params, "rootPath"); !path.empty()) {
    root = fs::path(path);
  }
  if (root && core::is_dir(*root)) {
    m_root = fs::path(file_key(*root));
    // Findings name files relative to the working directory, and lint finds
    // .pgadvise.toml from there up: the workspace is where lint would run.
    if (m_options.change_directory) {
      std::error_code ec;
      fs::current_path(*m_root, ec);
    }
  }
  json result;
  result["serverInfo"] = {{"name", "pgadvise"}, {"version", PGADVISE_VERSION}};
  json& server = result["capabilities"];
  server["positionEncoding"] = m_edits.encoding == PositionEncoding::utf8 ? "utf-8" : "utf-16";
  server["textDocumentSync"] = {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}};
  server["diagnosticProvider"] = {
      {"identifier", "pgadvise"}, {"interFileDependencies", true}, {"workspaceDiagnostics", false}};
  server["codeActionProvider"] = {{"codeActionKinds", json::array({"quickfix"})}};
  server["hoverProvider"] = true;
  return result;
}

fs::path Server::unit_of(const fs::path& file) const {
  if (m_root && is_under(file, *m_root)) {
    return *m_root;
  }
  return file; // a file outside any workspace is linted on its own
}

std::optional<fs::path> Server::file_of(const json& params) {
  if (const std::optional<fs::path> path = uri_to_path(string_at(member(params, "textDocument"), "uri"))) {
    return fs::path(file_key(*path));
  }
  return std::nullopt;
}

void Server::mark_dirty(const fs::path& unit, bool now, bool full) {
  m_dirty.insert(unit);
  if (full) {
    m_full.insert(unit);
  }
  // Each edit pushes the run out by the debounce: it starts once typing pauses.
  m_deadline = Clock::now() + std::chrono::milliseconds(now ? 0 : m_options.debounce_ms);
}

void Server::did_open(const json& params) {
  const json& item = member(params, "textDocument");
  const std::string uri = string_at(item, "uri");
  const std::optional<fs::path> path = uri_to_path(uri);
  if (!path) {
    return;
  }
  const fs::path file(file_key(*path));
  const json& version = member(item, "version");
  std::string text = string_at(item, "text");
  auto on_disk = core::read_file(file);
  const bool same = on_disk && *on_disk == text;
  m_documents.open(uri, file, std::move(text), version.is_number_integer() ? version.get<int>() : 0);
  const fs::path unit = unit_of(file);
  if (m_analyses.count(unit) == 0) {
    mark_dirty(unit, true, true);
  } else if (!same) {
    edited(file, false);
  } else if (!m_analyses[unit]->covers(file)) {
    mark_dirty(unit, false, false); // its findings were not all worked out: the file was not open
  } else if (m_dirty.count(unit) == 0) {
    publish(uri);
  }
}

std::optional<std::set<std::string>> Server::open_migrations(const fs::path& unit) const {
  const auto found = m_analyses.find(unit);
  if (found == m_analyses.end()) {
    return std::nullopt;
  }
  std::set<std::string> files;
  for (const auto& [uri, document] : m_documents.all()) {
    if (unit_of(document.path) != unit) {
      continue;
    }
    if (found->second->migration_files.count(document.path.string()) == 0) {
      return std::nullopt;
    }
    files.insert(document.path.string());
  }
  if (files.empty()) {
    return std::nullopt;
  }
  return files;
}

void Server::edited(const fs::path& file, bool full) {
  const fs::path unit = unit_of(file);
  if (!full) {
    const auto found = m_analyses.find(unit);
    full = found == m_analyses.end() || changes_project(file, *found->second);
  }
  mark_dirty(unit, false, full);
}

void Server::did_change(const json& params) {
  const json& item = member(params, "textDocument");
  const json& version = member(item, "version");
  const Document* document = m_documents.change(
      string_at(item, "uri"), member(params, "contentChanges"),
      version.is_number_integer() ? std::optional(version.get<int>()) : std::nullopt, m_edits.encoding);
  if (document != nullptr) {
    edited(document->path, false);
  }
}

void Server::did_save(const json& params) {
  const std::string uri = string_at(member(params, "textDocument"), "uri");
  if (const Document* document = m_documents.find(uri);
      document && m_dirty.count(unit_of(document->path)) == 0) {
    publish(uri);
  }
}

void Server::did_close(const json& params) {
  const std::string uri = string_at(member(params, "textDocument"), "uri");
  const std::optional<Document> closed = m_documents.close(uri);
  if (!closed) {
    return;
  }
  const fs::path unit = unit_of(closed->path);
  if (unit == closed->path) {
    m_analyses.erase(unit);
    m_kept.erase(unit);
    m_dirty.erase(unit);
    m_full.erase(unit);
  } else if (auto on_disk = core::read_file(closed->path); !on_disk || *on_disk != closed->text) {
    edited(closed->path, false); // the unsaved edits are gone: the file on disk counts again
  }
  if (m_push) {
    notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
  }
}

void Server::did_change_watched_files(const json& params) {
  const json& changes = member(params, "changes");
  if (!changes.is_array()) {
    return;
  }
  for (const json& change : changes) {
    const std::string uri = string_at(change, "uri");
    if (m_documents.find(uri) != nullptr) {
      continue; // the open buffer is what counts
    }
    if (const std::optional<fs::path> path = uri_to_path(uri)) {
      const fs::path file(file_key(*path));
      const fs::path unit = unit_of(file);
      if (m_analyses.count(unit) > 0 || unit == m_root) {
        // FileChangeType: 1 created, 2 changed, 3 deleted. A file that comes
        // or goes changes what discovery finds.
        const json& type = member(change, "type");
        edited(file, !(type.is_number_integer() && type.get<int>() == 2));
      }
    }
  }
}

void Server::analyse_dirty() {
  m_deadline.reset();
  const std::set<fs::path> dirty = std::move(m_dirty);
  m_dirty.clear();
  const std::set<fs::path> full = std::move(m_full);
  m_full.clear();
  for (const fs::path& unit : dirty) {
    // After an edit of schema files only, the folder is not walked and
    // scanned again, nor the workload read: the last run's are taken.
    Analysis* previous = nullptr;
    if (const auto found = m_analyses.find(unit); found != m_analyses.end() && full.count(unit) == 0) {
      previous = found->second.get(); // replaced below by the new one, whatever happens
    }
    std::unique_ptr<KeptUnit>& loads = m_kept[unit];
    if (!loads) {
      loads = std::make_unique<KeptUnit>();
    } else if (full.count(unit) != 0) {
      // A file came or went: a re-export schema.ts follows may lead elsewhere.
      loads->schema_ts = loaders::SchemaTsCache();
    }
    const std::optional<std::set<std::string>> migrations =
        m_unscoped.erase(unit) > 0 ? std::nullopt : open_migrations(unit);
    AnalysisPass pass{
        previous, &loads->replay, &loads->schema_ts, 0, migrations ? &*migrations : nullptr, &loads->tables};
    if (previous == nullptr && m_analyses.count(unit) == 0) {
      // Start-up. A project with many JS/TS files gets the findings of its
      // schema, migrations and config first, before the TypeScript's query
      // calls are searched; the second run takes the first's discovery,
      // project scan and replay and adds the code's.
      pass.first_pass_files = m_options.first_pass_files;
      std::unique_ptr<Analysis> first = analyse(unit, m_options.lint, pass);
      log_analysis(unit, *first);
      const bool partial = first->code_pending > 0;
      m_analyses[unit] = std::move(first);
      log_heap_in_use();
      publish_unit(unit);
      if (!partial) {
        continue;
      }
      handle_waiting_input(); // the files opened meanwhile get the first pass's diagnostics
      const auto kept = m_analyses.find(unit);
      if (m_exit || kept == m_analyses.end() || kept->second->code_pending == 0) {
        continue; // closed, or analysed in full by a request handled meanwhile
      }
      pass = AnalysisPass{kept->second.get(), &loads->replay, &loads->schema_ts, 0, nullptr, &loads->tables};
    }
    std::unique_ptr<Analysis> analysis = analyse(unit, m_options.lint, pass);
    log_analysis(unit, *analysis);
    // The new run's diagnostics go out first; the old run is freed after
    // them (at 10,000 tables its findings, schemas and texts took about a
    // fifth of a keystroke to free).
    std::unique_ptr<Analysis> old = std::exchange(m_analyses[unit], std::move(analysis));
    publish_unit(unit);
    old.reset();
    log_heap_in_use();
  }
  // No malloc_trim here: giving every free page back after each run cost
  // 100-150 ms on a real monorepo, and the next run faulted them in again.
  // It is done once typing has paused a while (run()).
  m_trim_at = Clock::now() + k_idle_before_trim;
}

// The heap the server holds once a run is done and the analysis before it
// freed (glibc's count over every arena): what it keeps, apart from the free
// space the allocator has not given back yet. bench/lsp-latency.py reads it.
void Server::log_heap_in_use() {
#if defined(__GLIBC__)
  const struct mallinfo2 heap = mallinfo2();
  if (heap.arena > 0) { // else the heap is not glibc's (a sanitizer's allocator): nothing to count
    log("pgadvise: heap in use: " + std::to_string((heap.uordblks + heap.hblkhd) / 1024) + " kB");
  }
#endif
}

void Server::release_free_memory() {
  m_trim_at.reset();
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

const Analysis* Server::analysis_for(const fs::path& file) {
  const fs::path unit = unit_of(file);
  const auto kept = m_analyses.find(unit);
  if (m_dirty.count(unit) > 0 || kept == m_analyses.end() || !kept->second->covers(file)) {
    if (kept == m_analyses.end()) {
      m_full.insert(unit);
    } else if (!kept->second->covers(file)) {
      m_unscoped.insert(unit); // asked of a file the open ones may not include: every table
    }
    m_dirty.insert(unit);
    analyse_dirty();
  }
  const auto found = m_analyses.find(unit);
  return found == m_analyses.end() ? nullptr : found->second.get();
}

void Server::log_analysis(const fs::path& unit, const Analysis& analysis) {
  if (!analysis.log.empty() && analysis.log != m_last_log) {
    m_last_log = analysis.log;
    log(analysis.log);
  }
  log("pgadvise: analysed " + unit.string() + " in " +
      std::to_string(static_cast<long>(analysis.milliseconds)) + " ms" +
      (analysis.reused_inputs ? " (the folder's files as last scanned)" : "") +
      (analysis.replay_reused > 0
           ? " (" + std::to_string(analysis.replay_reused) + " migrations' replay kept)"
           : std::string()) +
      (analysis.schema_ts_tables_kept > 0
           ? " (" + core::plural(analysis.schema_ts_tables_kept, "schema.ts table") + " not read again)"
           : std::string()) +
      (analysis.tables_reused > 0
           ? " (" + core::plural(analysis.tables_reused, "table") + "' per-table findings kept)"
           : std::string()) +
      (analysis.scoped_to ? " (the per-table rules over the tables of " +
                                core::plural(analysis.scoped_to->size(), "open migration") + ")"
                          : std::string()) +
      (analysis.code_pending > 0 ? " (first pass: the query calls of " +
                                       std::to_string(analysis.code_pending) + " JS/TS files next)"
                                 : std::string()) +
      stage_times(analysis.timings) +
      (analysis.run ? ", placing " + std::to_string(static_cast<long>(analysis.placing_milliseconds)) + " ms"
                    : std::string()));
}

// A first pass's findings are published only in the files whose findings
// do not wait for the code: its migrations, schema and config.
bool awaits_code(const fs::path& file, const Analysis& analysis) {
  if (analysis.code_pending == 0 || analysis.schema_files.count(file.string()) > 0) {
    return false;
  }
  return code_file(file);
}

void Server::publish(const std::string& uri) {
  const Document* document = m_documents.find(uri);
  if (!m_push || document == nullptr) {
    return;
  }
  const auto found = m_analyses.find(unit_of(document->path));
  if (found != m_analyses.end() && awaits_code(document->path, *found->second)) {
    return;
  }
  // {"jsonrpc", "method", "params": {"diagnostics", "uri", "version"}}, as
  // notify() would write it.
  std::string body =
      R"({"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"diagnostics":)";
  if (found == m_analyses.end()) {
    body += "[]";
  } else {
    append_file_diagnostics(body, *found->second, document->path, document->text, m_edits.encoding,
                            m_documents, {m_options.max_diagnostics_per_file, document->edited_line});
  }
  body += R"(,"uri":)";
  body += json(uri).dump(-1, ' ', false, json::error_handler_t::replace);
  body += R"(,"version":)";
  body += std::to_string(document->version);
  body += "}}";
  send_body(body);
}

void Server::publish_unit(const fs::path& unit) {
  for (const auto& [uri, document] : m_documents.all()) {
    if (unit_of(document.path) == unit) {
      publish(uri);
    }
  }
}

void Server::pull_diagnostics(const json& id, const json& params) {
  // {"id", "jsonrpc", "result": {"items", "kind"}}, as respond() would write it.
  std::string body = R"({"id":)" + id.dump(-1, ' ', false, json::error_handler_t::replace) +
                     R"(,"jsonrpc":"2.0","result":{"items":)";
  const std::optional<fs::path> file = file_of(params);
  const Analysis* analysis = file ? analysis_for(*file) : nullptr;
  if (analysis != nullptr) {
    const Document* open = m_documents.find_path(*file);
    append_file_diagnostics(body, *analysis, *file, m_documents.text_of(*file), m_edits.encoding, m_documents,
                            {m_options.max_diagnostics_per_file, open != nullptr ? open->edited_line : 0});
  } else {
    body += "[]";
  }
  body += R"(,"kind":"full"}})";
  send_body(body);
}

json Server::code_actions(const json& params) {
  const std::optional<fs::path> file = file_of(params);
  const std::optional<Range> wanted = range_of(member(params, "range"));
  if (!file || !wanted) {
    return json::array();
  }
  const json& only = member(member(params, "context"), "only");
  if (only.is_array() && !only.empty() &&
      std::none_of(only.begin(), only.end(), [](const json& kind) { return kind == "quickfix"; })) {
    return json::array();
  }
  const Analysis* analysis = analysis_for(*file);
  if (analysis == nullptr) {
    return json::array();
  }
  return lsp::code_actions(*analysis, *file, *wanted, m_edits, m_documents);
}

json Server::hover(const json& params) {
  const std::optional<fs::path> file = file_of(params);
  const std::optional<Position> at = position_of(member(params, "position"));
  if (!file || !at) {
    return nullptr;
  }
  const Analysis* analysis = analysis_for(*file);
  if (analysis == nullptr) {
    return nullptr;
  }
  return lsp::hover(*analysis, *file, m_documents.text_of(*file), *at, m_edits.encoding);
}

} // namespace

int serve(const LspOptions& options, int in_fd, int out_fd) {
  std::signal(SIGPIPE, SIG_IGN);
  Server server(options, in_fd, out_fd);
  return server.run();
}

} // namespace pgadvise::app::lsp
