// `pgadvise lsp` in-process (app/lsp/lsp_server): the protocol's edges
// (initialize first, malformed messages, cancellation, shutdown then exit)
// and a file opened without a project, over a pair of pipes.
#include "app/lsp/json_rpc.hpp"
#include "app/lsp/lsp_server.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <functional>
#include <gtest/gtest.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <nlohmann/json.hpp>
#include <poll.h>
#include <string>
#include <thread>
#include <unistd.h>

namespace lsp_server_test {

using json = nlohmann::json;
namespace lsp = pgadvise::app::lsp;

// A server on a thread of this process, spoken to over two pipes.
class Session {
public:
  Session() {
    EXPECT_EQ(::pipe(m_to_server), 0);
    EXPECT_EQ(::pipe(m_from_server), 0);
    lsp::LspOptions options;
    options.change_directory = false;
    options.debounce_ms = 0;
    m_thread = std::thread([this, options] {
      m_exit_code = lsp::serve(options, m_to_server[0], m_from_server[1]);
      ::close(m_from_server[1]);
    });
  }
  ~Session() {
    close_input();
    if (m_thread.joinable()) {
      m_thread.join();
    }
    ::close(m_to_server[0]);
    ::close(m_from_server[0]);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;

  // Writes `bytes` in one write, so the server reads them as one batch.
  void write_raw(const std::string& bytes) const {
    ASSERT_EQ(::write(m_to_server[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  void send(const json& message) const { write_raw(lsp::frame_message(message)); }
  void request(int id, const std::string& method, json params = json::object()) const {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  }
  void notify(const std::string& method, json params = json::object()) const {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  void close_input() {
    if (m_to_server[1] >= 0) {
      ::close(m_to_server[1]);
      m_to_server[1] = -1;
    }
  }
  // The next message from the server that `wanted` accepts (the others are
  // skipped); null when the server closed its output first.
  json next(const std::function<bool(const json&)>& wanted) {
    while (true) {
      while (auto frame = m_reader.next()) {
        if (frame->message && wanted(*frame->message)) {
          return *frame->message;
        }
      }
      // A guard against a hung server, never an assertion on its speed.
      pollfd in{m_from_server[0], POLLIN, 0};
      if (::poll(&in, 1, 120000) <= 0) {
        return nullptr;
      }
      char buffer[65536];
      const ssize_t n = ::read(m_from_server[0], buffer, sizeof buffer);
      if (n <= 0) {
        return nullptr;
      }
      m_reader.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
  }
  json response(int id) {
    return next([id](const json& m) { return m.contains("id") && m["id"] == id && !m.contains("method"); });
  }
  json diagnostics(const std::string& uri, int version) {
    return next([&](const json& m) {
      return m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri &&
             m["params"].value("version", -1) == version;
    });
  }
  // Whether the server closes its output (it ended) before the guard's
  // time; what it writes meanwhile is skipped.
  bool closes() {
    while (true) {
      pollfd in{m_from_server[0], POLLIN, 0};
      if (::poll(&in, 1, 120000) <= 0) {
        return false;
      }
      char buffer[65536];
      const ssize_t n = ::read(m_from_server[0], buffer, sizeof buffer);
      if (n <= 0) {
        return n == 0;
      }
    }
  }
  int finish() {
    m_thread.join();
    return m_exit_code;
  }

private:
  int m_to_server[2] = {-1, -1};
  int m_from_server[2] = {-1, -1};
  std::thread m_thread;
  int m_exit_code = -1;
  lsp::MessageReader m_reader;
};

json initialize_params(bool utf8) {
  json params = {{"processId", ::getpid()}, {"rootUri", nullptr}, {"capabilities", json::object()}};
  if (utf8) {
    params["capabilities"]["general"]["positionEncodings"] = {"utf-8", "utf-16"};
  }
  return params;
}

// shutdown (request `id`), then exit: the server's exit code.
int shut_down(Session& session, int id) {
  session.request(id, "shutdown");
  session.response(id);
  session.notify("exit");
  return session.finish();
}

// initialize with `root` as the workspace, then initialized.
void start(Session& session, const std::filesystem::path& root) {
  json params = initialize_params(false);
  params["rootUri"] = pgadvise::test::file_url(root);
  session.request(1, "initialize", params);
  session.response(1);
  session.notify("initialized");
}

// Opens `file` and returns the diagnostics first published for it.
json opened_file_diagnostics(Session& session, const std::filesystem::path& file) {
  const std::string uri = pgadvise::test::file_url(file);
  session.notify("textDocument/didOpen", {{"textDocument",
                                           {{"uri", uri},
                                            {"languageId", "typescript"},
                                            {"version", 1},
                                            {"text", pgadvise::test::read_text(file)}}}});
  const json published = session.diagnostics(uri, 1);
  EXPECT_FALSE(published.is_null()) << file;
  return published.is_null() ? json::array() : published["params"]["diagnostics"];
}

// The same, those with `code` only.
json opened_diagnostics(Session& session, const std::filesystem::path& file, const std::string& code) {
  json out = json::array();
  for (const json& d : opened_file_diagnostics(session, file)) {
    if (d["code"] == code) {
      out.push_back(d);
    }
  }
  return out;
}

// A project of one drizzle.config at repo/ (out ./drizzle, schema
// ./src/schema.ts): its first migration and its schema file.
std::pair<std::filesystem::path, std::filesystem::path>
write_drizzle_project(const pgadvise::test::TempTree& tree, const std::string& migration,
                      const std::string& schema) {
  tree.write("repo/package.json", "{\"name\":\"repo\",\"private\":true}\n");
  tree.write("repo/drizzle.config.ts",
             "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n");
  return {tree.write("repo/drizzle/0000_init.sql", migration), tree.write("repo/src/schema.ts", schema)};
}

TEST(LspServer, ProtocolEdges) {
  auto session = std::make_unique<Session>();
  session->request(1, "textDocument/hover");
  EXPECT_EQ(session->response(1)["error"]["code"], lsp::k_server_not_initialized);

  session->request(2, "initialize", initialize_params(true));
  const json init = session->response(2);
  EXPECT_EQ(init["result"]["capabilities"]["positionEncoding"], "utf-8");
  EXPECT_EQ(init["result"]["capabilities"]["textDocumentSync"]["change"], 2);
  session->notify("initialized");

  // Not JSON: a parse error answered with a null id; the server reads on.
  session->write_raw("Content-Length: 9\r\n\r\n{not json");
  const json parse_error = session->next(
      [](const json& m) { return m.contains("error") && m.contains("id") && m["id"].is_null(); });
  EXPECT_EQ(parse_error["error"]["code"], lsp::k_parse_error);
  // JSON but no JSON-RPC message: Invalid Request, by its id.
  session->send({{"id", 3}, {"method", "textDocument/hover"}});
  EXPECT_EQ(session->response(3)["error"]["code"], lsp::k_invalid_request);

  // A request cancelled before it is handled is answered RequestCancelled.
  session->write_raw(
      lsp::frame_message({{"jsonrpc", "2.0"},
                          {"id", 4},
                          {"method", "textDocument/hover"},
                          {"params",
                           {{"textDocument", {{"uri", "file:///nowhere.sql"}}},
                            {"position", {{"line", 0}, {"character", 0}}}}}}) +
      lsp::frame_message({{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", 4}}}}));
  EXPECT_EQ(session->response(4)["error"]["code"], lsp::k_request_cancelled);

  session->request(5, "workspace/noSuchThing");
  EXPECT_EQ(session->response(5)["error"]["code"], lsp::k_method_not_found);

  session->request(6, "shutdown");
  EXPECT_TRUE(session->response(6)["result"].is_null());
  session->request(7, "textDocument/hover");
  EXPECT_EQ(session->response(7)["error"]["code"], lsp::k_invalid_request);
  session->notify("exit");
  EXPECT_EQ(session->finish(), 0);
  session.reset();
}

TEST(LspServer, ExitWithoutShutdownIsExitCodeOne) {
  Session session;
  session.request(1, "initialize", initialize_params(false));
  EXPECT_EQ(session.response(1)["result"]["capabilities"]["positionEncoding"], "utf-16");
  session.notify("exit");
  EXPECT_EQ(session.finish(), 1);
}

const std::string k_migration = "CREATE TABLE users (id bigint PRIMARY KEY);\n"
                                "\n"
                                "CREATE TABLE posts (\n"
                                "  id bigint PRIMARY KEY,\n"
                                "  author_id bigint NOT NULL REFERENCES users (id)\n"
                                ");\n";

// Whether a publishDiagnostics (or pull result) lists `rule`.
bool lists(const json& diagnostics, const std::string& rule) {
  for (const json& d : diagnostics) {
    if (d.value("code", "") == rule) {
      return true;
    }
  }
  return false;
}

TEST(LspServer, AFileWithoutAProjectGetsDiagnosticsFromItsUnsavedText) {
  const pgadvise::test::TempTree tree;
  const auto file = tree.write("loose/0001_posts.sql", k_migration);
  const std::string uri = pgadvise::test::file_url(file);
  Session session;
  session.request(1, "initialize", initialize_params(false));
  session.response(1);
  session.notify("initialized");
  session.notify(
      "textDocument/didOpen",
      {{"textDocument", {{"uri", uri}, {"languageId", "sql"}, {"version", 1}, {"text", k_migration}}}});
  const json first = session.diagnostics(uri, 1);
  ASSERT_FALSE(first.is_null());
  const json& diagnostics = first["params"]["diagnostics"];
  ASSERT_TRUE(lists(diagnostics, "unindexed-foreign-key")) << diagnostics.dump(2);
  for (const json& d : diagnostics) {
    EXPECT_EQ(d["source"], "pgadvise");
    EXPECT_TRUE(
        d["codeDescription"]["href"].get<std::string>().ends_with(d["code"].get<std::string>() + ".md"));
    EXPECT_GE(d["range"]["start"]["line"].get<int>(), 0);
  }

  // The quick fixes at the finding: the suppression lint honours, before the statement.
  json fk;
  for (const json& d : diagnostics) {
    if (d["code"] == "unindexed-foreign-key") {
      fk = d;
    }
  }
  session.request(2, "textDocument/codeAction",
                  {{"textDocument", {{"uri", uri}}},
                   {"range", fk["range"]},
                   {"context", {{"diagnostics", json::array({fk})}}}});
  const json actions = session.response(2)["result"];
  json ignore;
  for (const json& action : actions) {
    if (action["title"].get<std::string>().starts_with("Ignore unindexed-foreign-key")) {
      ignore = action;
    }
  }
  ASSERT_FALSE(ignore.is_null()) << actions.dump(2);
  const json& edit = ignore["edit"]["changes"][uri][0];
  EXPECT_EQ(edit["newText"], "-- pgadvise-ignore unindexed-foreign-key\n");
  EXPECT_EQ(edit["range"]["start"]["line"], 2); // CREATE TABLE posts

  // An unsaved edit adding the index: the finding is gone, the file untouched.
  session.notify(
      "textDocument/didChange",
      {{"textDocument", {{"uri", uri}, {"version", 2}}},
       {"contentChanges",
        {{{"range", {{"start", {{"line", 6}, {"character", 0}}}, {"end", {{"line", 6}, {"character", 0}}}}},
          {"text", "CREATE INDEX posts_author_id_idx ON posts (author_id);\n"}}}}});
  const json second = session.diagnostics(uri, 2);
  ASSERT_FALSE(second.is_null());
  EXPECT_FALSE(lists(second["params"]["diagnostics"], "unindexed-foreign-key")) << second.dump(2);
  EXPECT_EQ(pgadvise::test::read_text(file), k_migration);

  // Pull: the same as pushed.
  session.request(3, "textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
  const json pulled = session.response(3)["result"];
  EXPECT_EQ(pulled["kind"], "full");
  EXPECT_FALSE(lists(pulled["items"], "unindexed-foreign-key"));

  // Closing drops the buffer: the file on disk counts again (pulled).
  session.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
  session.request(4, "textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
  EXPECT_TRUE(lists(session.response(4)["result"]["items"], "unindexed-foreign-key"));

  EXPECT_EQ(shut_down(session, 5), 0);
}

TEST(LspServer, HoverShowsTheHelpAndTheDdl) {
  const pgadvise::test::TempTree tree;
  const auto file = tree.write("0001_posts.sql", k_migration);
  const std::string uri = pgadvise::test::file_url(file);
  Session session;
  session.request(1, "initialize", initialize_params(false));
  session.response(1);
  session.notify(
      "textDocument/didOpen",
      {{"textDocument", {{"uri", uri}, {"languageId", "sql"}, {"version", 1}, {"text", k_migration}}}});
  const json published = session.diagnostics(uri, 1);
  json fk;
  for (const json& d : published["params"]["diagnostics"]) {
    if (d["code"] == "unindexed-foreign-key") {
      fk = d;
    }
  }
  ASSERT_FALSE(fk.is_null()) << published.dump(2);
  session.request(2, "textDocument/hover",
                  {{"textDocument", {{"uri", uri}}}, {"position", fk["range"]["start"]}});
  const json hover = session.response(2)["result"];
  ASSERT_FALSE(hover.is_null());
  const std::string text = hover["contents"]["value"];
  EXPECT_NE(text.find("**unindexed-foreign-key**"), std::string::npos) << text;
  EXPECT_NE(text.find("CREATE INDEX"), std::string::npos) << text;
  session.notify("exit");
  EXPECT_EQ(session.finish(), 1);
}

// The message each analysis logs ("pgadvise: analysed <unit> in N ms",
// with "(the folder's files as last scanned)" when it took the last run's
// discovery and project scan).
json analysed(Session& session) {
  return session.next([](const json& m) {
    return m.value("method", "") == "window/logMessage" &&
           m["params"]["message"].get<std::string>().starts_with("pgadvise: analysed ");
  });
}

bool reused_scan(const json& log) {
  return log["params"]["message"].get<std::string>().find("as last scanned") != std::string::npos;
}

// Whether `diagnostics` holds `rule` on 0-based `line`.
bool lists_at(const json& diagnostics, const std::string& rule, int line) {
  for (const json& d : diagnostics) {
    if (d.value("code", "") == rule && d["range"]["start"]["line"] == line) {
      return true;
    }
  }
  return false;
}

TEST(LspServer, AnEditOfTheSchemaReusesTheProjectScanAndAnEditOfCodeScansAgain) {
  const pgadvise::test::TempTree tree;
  const auto root =
      tree.copy(std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / "drizzle-loop-app", "app");
  const auto schema = root / "src/db/schema.ts";
  const auto feed = root / "src/routes/feed.ts";
  const std::string schema_uri = pgadvise::test::file_url(schema);
  const std::string feed_uri = pgadvise::test::file_url(feed);
  const std::string schema_text = pgadvise::test::read_text(schema);
  const std::string feed_text = pgadvise::test::read_text(feed);
  Session session;
  json params = initialize_params(false);
  params["rootUri"] = pgadvise::test::file_url(root);
  session.request(1, "initialize", params);
  session.response(1);
  session.notify("initialized");
  const json started = analysed(session);
  EXPECT_FALSE(reused_scan(started)); // start-up: the folder walked and scanned
  // A project under --first-pass-files (2,000) is read in one pass.
  EXPECT_EQ(started["params"]["message"].get<std::string>().find("first pass"), std::string::npos);
  session.notify("textDocument/didOpen",
                 {{"textDocument",
                   {{"uri", feed_uri}, {"languageId", "typescript"}, {"version", 1}, {"text", feed_text}}}});
  // The for...of loop's query (lint: src/routes/feed.ts:9).
  EXPECT_TRUE(lists_at(session.diagnostics(feed_uri, 1)["params"]["diagnostics"], "query-in-loop", 8));
  session.notify(
      "textDocument/didOpen",
      {{"textDocument",
        {{"uri", schema_uri}, {"languageId", "typescript"}, {"version", 1}, {"text", schema_text}}}});
  const json schema_first = session.diagnostics(schema_uri, 1)["params"]["diagnostics"];
  EXPECT_TRUE(lists_at(schema_first, "unindexed-foreign-key", 13));
  // The loop's finding is the code's: not shown again at the posts table.
  EXPECT_FALSE(lists(schema_first, "query-in-loop")) << schema_first.dump(2);

  // The schema file, unsaved: posts.user_id indexed. Only the schema is read
  // again; the code's loop is still known from the last scan.
  std::string indexed = schema_text;
  const std::string posts_end =
      "  createdAt: timestamp(\"created_at\").notNull().defaultNow(),\n});\n\nexport const comments";
  ASSERT_NE(indexed.find(posts_end), std::string::npos) << indexed;
  indexed.replace(indexed.find(posts_end), posts_end.size(),
                  "  createdAt: timestamp(\"created_at\").notNull().defaultNow(),\n}, (t) => "
                  "[index(\"posts_user_id_idx\")"
                  ".on(t.userId)]);\n\nexport const comments");
  indexed = "import { index } from \"drizzle-orm/pg-core\";\n" + indexed;
  session.notify("textDocument/didChange", {{"textDocument", {{"uri", schema_uri}, {"version", 2}}},
                                            {"contentChanges", {{{"text", indexed}}}}});
  EXPECT_TRUE(reused_scan(analysed(session)));
  // Both open files are published again, in either order.
  json schema_after;
  json feed_after;
  while (schema_after.is_null() || feed_after.is_null()) {
    const json published = session.next(
        [](const json& m) { return m.value("method", "") == "textDocument/publishDiagnostics"; });
    ASSERT_FALSE(published.is_null());
    (published["params"]["uri"] == schema_uri ? schema_after : feed_after) =
        published["params"]["diagnostics"];
  }
#if defined(__GLIBC__)
  // Then the heap the server holds with the old analysis freed (what
  // bench/lsp-latency.py reports), after the files are published (the old
  // analysis is freed once they are); not under a sanitizer, whose
  // allocator glibc does not count.
  if (mallinfo2().arena > 0) {
    const json heap = session.next([](const json& m) {
      return m.value("method", "") == "window/logMessage" &&
             m["params"]["message"].get<std::string>().starts_with("pgadvise: heap in use: ");
    });
    ASSERT_FALSE(heap.is_null());
    EXPECT_GT(std::stol(heap["params"]["message"].get<std::string>().substr(23)), 0L) << heap.dump();
  }
#endif
  EXPECT_FALSE(lists_at(schema_after, "unindexed-foreign-key", 14)) << schema_after.dump(2);
  EXPECT_TRUE(lists(schema_after, "unindexed-foreign-key")) << schema_after.dump(2); // comments.post_id
  EXPECT_TRUE(lists_at(feed_after, "query-in-loop", 8)) << feed_after.dump(2);

  // The code, unsaved: the loop gone. The project is scanned again.
  std::string batched = feed_text;
  const std::size_t loop = batched.find("  for (const post of page)");
  const std::size_t loop_end = batched.find("  return items;");
  ASSERT_NE(loop, std::string::npos);
  ASSERT_NE(loop_end, std::string::npos);
  batched.replace(loop, loop_end - loop, "  items.push(...page);\n");
  session.notify("textDocument/didChange", {{"textDocument", {{"uri", feed_uri}, {"version", 2}}},
                                            {"contentChanges", {{{"text", batched}}}}});
  EXPECT_FALSE(reused_scan(analysed(session)));
  EXPECT_FALSE(lists(session.diagnostics(feed_uri, 2)["params"]["diagnostics"], "query-in-loop"));
  EXPECT_EQ(pgadvise::test::read_text(feed), feed_text);

  EXPECT_EQ(shut_down(session, 2), 0);
}

// An edit of one table in schema.ts judges that table (and those its keys
// join it to) again; the other tables' per-table findings are the last
// run's, copied (engine::TableMemo), and still shown where they were. From
// the second keystroke, schema.ts's other tables are not read again either.
TEST(LspServer, AnEditOfOneTableJudgesItAgainAndKeepsTheOtherTablesFindings) {
  const pgadvise::test::TempTree tree;
  tree.write("app/package.json", R"({"name": "app", "dependencies": {"drizzle-orm": "0.44.0"}})");
  const std::string schema_text = "import { integer, pgTable, serial, text } from \"drizzle-orm/pg-core\";\n"
                                  "export const a = pgTable(\"a\", { id: serial(\"id\").primaryKey(), prefs: "
                                  "text(\"prefs\").default(\"{}\") });\n"
                                  "export const b = pgTable(\"b\", { id: serial(\"id\").primaryKey(), prefs: "
                                  "text(\"prefs\").default(\"{}\") });\n"
                                  "export const c = pgTable(\"c\", { id: serial(\"id\").primaryKey(), aId: "
                                  "integer(\"a_id\").references(() => "
                                  "a.id) });\n";
  const auto schema = tree.write("app/src/db/schema.ts", schema_text);
  const auto root = schema.parent_path().parent_path().parent_path();
  const std::string uri = pgadvise::test::file_url(schema);
  Session session;
  start(session, root);
  analysed(session);
  session.notify("textDocument/didOpen",
                 {{"textDocument",
                   {{"uri", uri}, {"languageId", "typescript"}, {"version", 1}, {"text", schema_text}}}});
  const json before = session.diagnostics(uri, 1)["params"]["diagnostics"];
  ASSERT_TRUE(lists_at(before, "json-in-text-column", 1)) << before.dump(2);
  ASSERT_TRUE(lists_at(before, "json-in-text-column", 2)) << before.dump(2);
  ASSERT_TRUE(lists_at(before, "unindexed-foreign-key", 3)) << before.dump(2);

  // b's default, on its own line: b is judged again, a and c (joined by
  // c's key) are copied.
  std::string edited = schema_text;
  const std::size_t b_default = edited.find("\"{}\"", edited.find("\"b\""));
  edited.replace(b_default, 4, "\"[]\"");
  session.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                            {"contentChanges", {{{"text", edited}}}}});
  const std::string log = analysed(session)["params"]["message"].get<std::string>();
  EXPECT_NE(log.find("(2 tables' per-table findings kept)"), std::string::npos) << log;
  const json after = session.diagnostics(uri, 2)["params"]["diagnostics"];
  EXPECT_TRUE(lists_at(after, "json-in-text-column", 1)) << after.dump(2);
  EXPECT_TRUE(lists_at(after, "json-in-text-column", 2)) << after.dump(2); // '[]' is JSON too
  EXPECT_TRUE(lists_at(after, "unindexed-foreign-key", 3)) << after.dump(2);
  EXPECT_EQ(after.size(), before.size()) << after.dump(2);

  // The next keystroke in b: schema.ts's reader takes a and c from the read
  // before (loaders::SchemaTsCache), and the diagnostics are the same.
  edited.replace(edited.find("\"[]\""), 4, "\"{}\"");
  session.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 3}}},
                                            {"contentChanges", {{{"text", edited}}}}});
  const std::string next_log = analysed(session)["params"]["message"].get<std::string>();
  EXPECT_NE(next_log.find("(2 schema.ts tables not read again)"), std::string::npos) << next_log;
  EXPECT_EQ(session.diagnostics(uri, 3)["params"]["diagnostics"], before);
  EXPECT_EQ(shut_down(session, 2), 0);
}

// At start-up, a project with --first-pass-files JS/TS files or more gets
// its schema's diagnostics before the code is searched for query calls: the
// schema file is published from the first pass, a code file only once its
// query calls are known.
TEST(LspServer, AtStartUpTheSchemasDiagnosticsComeBeforeTheCodeIsSearched) {
  const pgadvise::test::TempTree tree;
  const auto root =
      tree.copy(std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / "drizzle-loop-app", "app");
  const std::string schema_uri = pgadvise::test::file_url(root / "src/db/schema.ts");
  const std::string feed_uri = pgadvise::test::file_url(root / "src/routes/feed.ts");
  Session session;
  json params = initialize_params(false);
  params["rootUri"] = pgadvise::test::file_url(root);
  params["initializationOptions"] = {{"firstPassFiles", 1}};
  session.request(1, "initialize", params);
  session.response(1);
  const auto opened = [&](const std::string& uri, const std::filesystem::path& file) {
    return lsp::frame_message({{"jsonrpc", "2.0"},
                               {"method", "textDocument/didOpen"},
                               {"params",
                                {{"textDocument",
                                  {{"uri", uri},
                                   {"languageId", "typescript"},
                                   {"version", 1},
                                   {"text", pgadvise::test::read_text(file)}}}}}});
  };
  // One batch: both files are open when the first pass ends.
  session.write_raw(lsp::frame_message({{"jsonrpc", "2.0"}, {"method", "initialized"}}) +
                    opened(schema_uri, root / "src/db/schema.ts") +
                    opened(feed_uri, root / "src/routes/feed.ts"));

  std::vector<std::string> events; // "analysed: ...", "schema", "feed", in order
  json schema_first;
  json feed_first;
  while (feed_first.is_null()) {
    const json m = session.next([](const json& message) {
      const std::string method = message.value("method", "");
      return method == "textDocument/publishDiagnostics" ||
             (method == "window/logMessage" &&
              message["params"]["message"].get<std::string>().starts_with("pgadvise: analysed "));
    });
    ASSERT_FALSE(m.is_null());
    if (m["method"] == "window/logMessage") {
      events.push_back(m["params"]["message"].get<std::string>());
    } else if (m["params"]["uri"] == schema_uri) {
      events.emplace_back("schema");
      if (schema_first.is_null()) {
        schema_first = m["params"]["diagnostics"];
      }
    } else if (m["params"]["uri"] == feed_uri) {
      events.emplace_back("feed");
      feed_first = m["params"]["diagnostics"];
    }
  }
  // The first pass, the schema file's diagnostics, the second pass (which
  // took the first's scan), then both files (in either order): the code
  // file is never published empty before its loop is known.
  ASSERT_GE(events.size(), 4U) << testing::PrintToString(events);
  EXPECT_NE(events[0].find("(first pass: the query calls of "), std::string::npos) << events[0];
  EXPECT_EQ(events[1], "schema");
  EXPECT_NE(events[2].find("as last scanned"), std::string::npos) << events[2];
  EXPECT_EQ(events[2].find("first pass"), std::string::npos) << events[2];
  EXPECT_EQ(events.back(), "feed");
  EXPECT_EQ(std::count(events.begin(), events.end(), "feed"), 1);
  EXPECT_TRUE(lists_at(schema_first, "unindexed-foreign-key", 13)) << schema_first.dump(2);
  EXPECT_TRUE(lists_at(feed_first, "query-in-loop", 8)) << feed_first.dump(2);

  EXPECT_EQ(shut_down(session, 2), 0);
}

// A process id no process has (the top of the id space, where ids are
// handed out last).
pid_t vanished_pid() {
  for (pid_t pid = 4194000; pid > 1000; --pid) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) {
      return pid;
    }
  }
  return 0;
}

TEST(LspServer, EndsWhenTheEditorThatStartedItIsGone) {
  const pid_t gone = vanished_pid();
  ASSERT_NE(gone, 0);
  Session session;
  json params = initialize_params(false);
  params["processId"] = gone;
  session.request(1, "initialize", params);
  session.response(1);
  // No shutdown, no exit, the input still open: the server sees that its
  // client is gone (within a second) and ends, exit code 1.
  EXPECT_TRUE(session.closes());
  EXPECT_EQ(session.finish(), 1);
}

TEST(LspServer, ABrokenFileIsADiagnosticAndTheServerGoesOn) {
  const pgadvise::test::TempTree tree;
  const std::string broken = "CREATE TABLE users (id bigint PRIMARY KEY);\n"
                             "CREATE TABL posts (id bigint);\n";
  const auto file = tree.write("0001_broken.sql", broken);
  const std::string uri = pgadvise::test::file_url(file);
  Session session;
  session.request(1, "initialize", initialize_params(false));
  session.response(1);
  session.notify("textDocument/didOpen",
                 {{"textDocument", {{"uri", uri}, {"languageId", "sql"}, {"version", 1}, {"text", broken}}}});
  const json diagnostics = session.diagnostics(uri, 1)["params"]["diagnostics"];
  EXPECT_TRUE(lists_at(diagnostics, "parse-error", 1)) << diagnostics.dump(2);
  session.request(2, "textDocument/hover",
                  {{"textDocument", {{"uri", uri}}}, {"position", {{"line", 1}, {"character", 9}}}});
  EXPECT_NE(session.response(2)["result"]["contents"]["value"].get<std::string>().find("parse-error"),
            std::string::npos);
  EXPECT_EQ(shut_down(session, 3), 0);
}

TEST(LspServer, TheIgnoreCommentSilencesTheFindingAsInLint) {
  const pgadvise::test::TempTree tree;
  const auto file = tree.write("0001_posts.sql", k_migration);
  const std::string uri = pgadvise::test::file_url(file);
  Session session;
  session.request(1, "initialize", initialize_params(false));
  session.response(1);
  session.notify(
      "textDocument/didOpen",
      {{"textDocument", {{"uri", uri}, {"languageId", "sql"}, {"version", 1}, {"text", k_migration}}}});
  ASSERT_TRUE(lists(session.diagnostics(uri, 1)["params"]["diagnostics"], "unindexed-foreign-key"));
  // The "Ignore ... here" action's edit, as an editor applies it.
  session.notify(
      "textDocument/didChange",
      {{"textDocument", {{"uri", uri}, {"version", 2}}},
       {"contentChanges",
        {{{"range", {{"start", {{"line", 2}, {"character", 0}}}, {"end", {{"line", 2}, {"character", 0}}}}},
          {"text", "-- pgadvise-ignore unindexed-foreign-key\n"}}}}});
  const json after = session.diagnostics(uri, 2)["params"]["diagnostics"];
  EXPECT_FALSE(lists(after, "unindexed-foreign-key")) << after.dump(2);
  EXPECT_EQ(shut_down(session, 2), 0);
}

TEST(LspServer, AFileChangedOnDiskIsReadAgainWhenTheClientSaysSo) {
  const pgadvise::test::TempTree tree;
  const auto root =
      tree.copy(std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / "drizzle-loop-app", "app");
  const auto invite = root / "src/routes/invite.ts";
  const std::string invite_uri = pgadvise::test::file_url(invite);
  Session session;
  json params = initialize_params(false);
  params["rootUri"] = pgadvise::test::file_url(root);
  params["capabilities"]["textDocument"]["diagnostic"] = json::object(); // a client that pulls
  session.request(1, "initialize", params);
  session.response(1);
  session.notify("initialized");
  session.request(2, "textDocument/diagnostic", {{"textDocument", {{"uri", invite_uri}}}});
  EXPECT_TRUE(lists(session.response(2)["result"]["items"], "query-in-loop")); // not open: read from disk

  // The loop is gone from the file on disk (a git checkout, another editor).
  std::string text = pgadvise::test::read_text(invite);
  const std::size_t loop = text.find("for (");
  ASSERT_NE(loop, std::string::npos) << text;
  pgadvise::test::write_text(invite, text.substr(0, loop) + "return [];\n}\n");
  session.notify("workspace/didChangeWatchedFiles", {{"changes", {{{"uri", invite_uri}, {"type", 2}}}}});
  EXPECT_FALSE(reused_scan(analysed(session))); // code: the folder scanned again
  session.request(3, "textDocument/diagnostic", {{"textDocument", {{"uri", invite_uri}}}});
  const json items = session.response(3)["result"]["items"];
  EXPECT_FALSE(lists(items, "query-in-loop")) << items.dump(2);
  EXPECT_EQ(shut_down(session, 4), 0);
}

// A monorepo of two apps, each with its own drizzle.config and schema
// (fixtures/real-shapes/twin-apps-turbo: both have a `sessions` table whose
// user_id has no index): each app's schema file lists its own findings,
// never the other app's, and the quick fix edits that file only.
TEST(LspServer, EachAppsSchemaFileListsItsOwnDatabasesFindings) {
  const pgadvise::test::TempTree tree;
  const auto root = tree.copy(
      std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes" / "twin-apps-turbo", "repo");
  const auto shop = root / "apps/shop/src/db/schema.ts";
  const auto backoffice = root / "apps/backoffice/src/db/schema/users.ts";
  Session session;
  start(session, root);
  const auto open = [&session](const std::filesystem::path& file) {
    return opened_diagnostics(session, file, "unindexed-foreign-key");
  };
  const json shop_fks = open(shop);
  EXPECT_EQ(shop_fks.size(), 2U) << shop_fks.dump(2); // sessions and orders, at shop's own tables
  const json backoffice_fks = open(backoffice);
  ASSERT_EQ(backoffice_fks.size(), 1U) << backoffice_fks.dump(2); // its sessions, not shop's too
  const std::string uri = pgadvise::test::file_url(backoffice);
  session.request(2, "textDocument/codeAction",
                  {{"textDocument", {{"uri", uri}}},
                   {"range", backoffice_fks[0]["range"]},
                   {"context", {{"diagnostics", backoffice_fks}}}});
  const json actions = session.response(2)["result"];
  ASSERT_FALSE(actions.empty());
  for (const json& action : actions) {
    for (const auto& [file, edits] : action["edit"]["changes"].items()) {
      EXPECT_EQ(file.find("apps/shop"), std::string::npos) << action.dump(2);
    }
  }
  EXPECT_EQ(shut_down(session, 3), 0);
}

// Two databases of one schema file (OpenCut's shape: apps/web's and
// packages/db's drizzle.configs both read packages/db/src/schema.ts, each
// with its own migrations): both lack the index, and the schema file shows
// the foreign key once.
TEST(LspServer, TwoDatabasesOfOneSchemaFileShowItsFindingOnce) {
  const pgadvise::test::TempTree tree;
  const std::string migration =
      "CREATE TABLE \"users\" (\"id\" text PRIMARY KEY NOT NULL);\n--> statement-breakpoint\n"
      "CREATE TABLE \"sessions\" (\"id\" text PRIMARY KEY NOT NULL, \"user_id\" text NOT NULL "
      "REFERENCES \"users\"(\"id\"));\n";
  tree.write("repo/package.json", "{\"name\":\"repo\",\"private\":true}\n");
  tree.write("repo/packages/db/drizzle.config.ts",
             "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './migrations' };\n");
  tree.write("repo/packages/db/migrations/0000_init.sql", migration);
  tree.write("repo/apps/web/drizzle.config.ts",
             "export default { dialect: 'postgresql', schema: '../../packages/db/src/schema.ts', out: "
             "'./migrations' };\n");
  tree.write("repo/apps/web/migrations/0000_init.sql", migration);
  const auto schema =
      tree.write("repo/packages/db/src/schema.ts",
                 "import { pgTable, text } from \"drizzle-orm/pg-core\";\n\n"
                 "export const users = pgTable(\"users\", {\n  id: text(\"id\").primaryKey(),\n});\n\n"
                 "export const sessions = pgTable(\"sessions\", {\n  id: text(\"id\").primaryKey(),\n"
                 "  userId: text(\"user_id\").notNull().references(() => users.id),\n});\n");
  Session session;
  start(session, tree.root() / "repo");
  const json fks = opened_diagnostics(session, schema, "unindexed-foreign-key");
  EXPECT_EQ(fks.size(), 1U) << fks.dump(2);
  EXPECT_EQ(shut_down(session, 2), 0);
}

// schema.ts declares one foreign key's index ("userId", a quoted camelCase
// column) that no migration creates yet: that finding stays on its
// migration; the other foreign key, whose table declares an index on
// another column only, is shown in schema.ts too.
TEST(LspServer, AnIndexSchemaTsDeclaresKeepsItsFindingOnTheMigration) {
  const pgadvise::test::TempTree tree;
  const auto [migration, schema] = write_drizzle_project(
      tree,
      "CREATE TABLE \"users\" (\"id\" text PRIMARY KEY NOT NULL);\n--> statement-breakpoint\n"
      "CREATE TABLE \"sessions\" (\"id\" text PRIMARY KEY NOT NULL, \"userId\" text NOT NULL "
      "REFERENCES \"users\"(\"id\"));\n--> statement-breakpoint\n"
      "CREATE TABLE \"posts\" (\"id\" text PRIMARY KEY NOT NULL, \"title\" text NOT NULL, \"author_id\" "
      "text NOT NULL REFERENCES \"users\"(\"id\"));\n",
      "import { index, pgTable, text } from \"drizzle-orm/pg-core\";\n\n"
      "export const users = pgTable(\"users\", {\n  id: text(\"id\").primaryKey(),\n});\n\n"
      "export const sessions = pgTable(\"sessions\", {\n  id: text(\"id\").primaryKey(),\n"
      "  userId: text(\"userId\").notNull().references(() => users.id),\n"
      "}, (t) => [index(\"sessions_user_id_idx\").on(t.userId)]);\n\n"
      "export const posts = pgTable(\"posts\", {\n  id: text(\"id\").primaryKey(),\n"
      "  title: text(\"title\").notNull(),\n"
      "  authorId: text(\"author_id\").notNull().references(() => users.id),\n"
      "}, (t) => [index(\"posts_title_idx\").on(t.title)]);\n");
  Session session;
  start(session, tree.root() / "repo");
  const auto foreign_keys = [&session](const std::filesystem::path& file) {
    return opened_diagnostics(session, file, "unindexed-foreign-key");
  };
  const json in_migration = foreign_keys(migration);
  EXPECT_EQ(in_migration.size(), 2U) << in_migration.dump(2);
  const json in_schema = foreign_keys(schema);
  ASSERT_EQ(in_schema.size(), 1U) << in_schema.dump(2);
  EXPECT_NE(in_schema[0]["message"].get<std::string>().find("posts"), std::string::npos) << in_schema.dump(2);
  EXPECT_EQ(shut_down(session, 2), 0);
}

// schema.ts shows the findings it declares (the foreign key's and the
// JSON column's, placed there when a JS/TS file is first asked for) beside
// the one lint locates in it (a drift at its index), in the run's order,
// the critical first, whether a migration was opened before it or not.
TEST(LspServer, TheSchemaFileShowsItsFindingsInTheRunsOrderWhateverWasOpenedFirst) {
  const pgadvise::test::TempTree tree;
  const auto project = write_drizzle_project(
      tree,
      "CREATE TABLE \"users\" (\"id\" text PRIMARY KEY NOT NULL);\n--> statement-breakpoint\n"
      "CREATE TABLE \"posts\" (\"id\" text PRIMARY KEY NOT NULL, \"title\" text NOT NULL, \"payload\" text, "
      "\"author_id\" text NOT NULL REFERENCES \"users\"(\"id\"));\n",
      "import { index, pgTable, text } from \"drizzle-orm/pg-core\";\n\n"
      "export const users = pgTable(\"users\", {\n  id: text(\"id\").primaryKey(),\n});\n\n"
      "export const posts = pgTable(\"posts\", {\n  id: text(\"id\").primaryKey(),\n"
      "  title: text(\"title\").notNull(),\n  payload: text(\"payload\").$type<{ a: number }>(),\n"
      "  authorId: text(\"author_id\").notNull().references(() => users.id),\n"
      "}, (t) => [index(\"posts_title_idx\").on(t.title)]);\n");
  const std::filesystem::path& migration = project.first; // a lambda may not capture a structured binding
  const std::filesystem::path& schema = project.second;
  const auto shown = [&](bool migration_first) {
    Session session;
    start(session, tree.root() / "repo");
    if (migration_first) {
      EXPECT_FALSE(opened_diagnostics(session, migration, "unindexed-foreign-key").empty());
    }
    const json published = opened_file_diagnostics(session, schema);
    EXPECT_EQ(shut_down(session, 2), 0);
    std::vector<std::string> out;
    for (const json& d : published) {
      out.push_back(d["code"].get<std::string>() + "@" +
                    std::to_string(d["range"]["start"]["line"].get<int>()));
    }
    return out;
  };
  const std::vector<std::string> after_migration = shown(true);
  // The foreign key (critical, declared at `.references`, line 11), then the
  // lows: the JSON column's (declared) and the drift lint locates at the
  // schema's index (line 12).
  ASSERT_GE(after_migration.size(), 3U);
  EXPECT_EQ(after_migration.front(), "unindexed-foreign-key@10");
  const auto at = [&](const std::string& entry) {
    return std::find(after_migration.begin(), after_migration.end(), entry) - after_migration.begin();
  };
  EXPECT_LT(at("json-in-text-column@9"), static_cast<long>(after_migration.size()));
  EXPECT_LT(at("snapshot-drift@11"), static_cast<long>(after_migration.size()));
  EXPECT_EQ(shown(false), after_migration);
}

// While every open document is a migration, an edit's run judges the
// per-table rules over those migrations' tables only; a migration opened
// next gets its own findings all the same (the server runs again for it).
TEST(LspServer, AnEditJudgesTheOpenMigrationsTablesAndAnotherOpenedLaterGetsItsFindings) {
  const pgadvise::test::TempTree tree;
  const auto project = write_drizzle_project(
      tree,
      "CREATE TABLE \"users\" (\"id\" text PRIMARY KEY NOT NULL);\n--> statement-breakpoint\n"
      "CREATE TABLE \"posts\" (\"id\" text PRIMARY KEY NOT NULL, \"author_id\" text NOT NULL "
      "REFERENCES \"users\"(\"id\"));\n",
      "import { pgTable, text } from \"drizzle-orm/pg-core\";\n\n"
      "export const users = pgTable(\"users\", {\n  id: text(\"id\").primaryKey(),\n});\n\n"
      "export const posts = pgTable(\"posts\", {\n  id: text(\"id\").primaryKey(),\n"
      "  authorId: text(\"author_id\").notNull().references(() => users.id),\n});\n\n"
      "export const comments = pgTable(\"comments\", {\n  id: text(\"id\").primaryKey(),\n"
      "  postId: text(\"post_id\").notNull().references(() => posts.id),\n});\n");
  const std::filesystem::path first = project.first;
  const std::filesystem::path second =
      tree.write("repo/drizzle/0001_comments.sql",
                 "CREATE TABLE \"comments\" (\"id\" text PRIMARY KEY NOT NULL, \"post_id\" text NOT NULL "
                 "REFERENCES \"posts\"(\"id\"));\n");
  Session session;
  start(session, tree.root() / "repo");
  const auto about = [](const json& diagnostics, const std::string& table) {
    return std::count_if(diagnostics.begin(), diagnostics.end(), [&](const json& d) {
      return d["code"] == "unindexed-foreign-key" &&
             d["message"].get<std::string>().find(table) != std::string::npos;
    });
  };
  EXPECT_EQ(about(opened_file_diagnostics(session, second), "comments"), 1);

  const std::string uri = pgadvise::test::file_url(second);
  session.notify("textDocument/didChange",
                 {{"textDocument", {{"uri", uri}, {"version", 2}}},
                  {"contentChanges", {{{"text", pgadvise::test::read_text(second) + "-- edited\n"}}}}});
  const json scoped = session.next([](const json& m) {
    return m.value("method", "") == "window/logMessage" &&
           m["params"]["message"].get<std::string>().find(
               "(the per-table rules over the tables of 1 open migration)") != std::string::npos;
  });
  EXPECT_FALSE(scoped.is_null());
  const json edited = session.diagnostics(uri, 2);
  ASSERT_FALSE(edited.is_null());
  EXPECT_EQ(about(edited["params"]["diagnostics"], "comments"), 1);

  // The last run judged comments alone: opening 0000 runs again.
  EXPECT_EQ(about(opened_file_diagnostics(session, first), "posts"), 1);
  EXPECT_EQ(shut_down(session, 2), 0);
}

// A file is sent maxDiagnosticsPerFile diagnostics at most: the most severe,
// the nearest its last edit first (the top of the file until one), in the
// run's order, then one that says how many more there are. (Each table's
// foreign key is critical; the drift of its name, at the same line, low.)
TEST(LspServer, AFileIsSentTheLimitsDiagnosticsNearestItsLastEditAndACountOfTheRest) {
  const pgadvise::test::TempTree tree;
  std::string migration = "CREATE TABLE \"users\" (\"id\" text PRIMARY KEY NOT NULL);\n";
  std::string schema = "import { pgTable, text } from \"drizzle-orm/pg-core\";\n\n"
                       "export const users = pgTable(\"users\", { id: text(\"id\").primaryKey() });\n";
  for (const std::string name : {"a", "b", "c", "d"}) {
    migration += "--> statement-breakpoint\nCREATE TABLE \"" + name +
                 "\" (\"id\" text PRIMARY KEY NOT NULL, \"ref\" text REFERENCES \"users\"(\"id\"));\n";
    schema += "export const " + name + " = pgTable(\"" + name +
              "\", { id: text(\"id\").primaryKey(), ref: text(\"ref\").references(() => users.id) });\n";
  }
  const auto project = write_drizzle_project(tree, migration, schema);
  const std::filesystem::path& file = project.second;
  Session session;
  json params = initialize_params(false);
  params["rootUri"] = pgadvise::test::file_url(tree.root() / "repo");
  params["initializationOptions"] = {{"maxDiagnosticsPerFile", 2}};
  session.request(1, "initialize", params);
  session.response(1);
  session.notify("initialized");
  // Each shown diagnostic as code@line, the count last.
  const auto shown = [](const json& diagnostics) {
    std::vector<std::string> out;
    for (const json& d : diagnostics) {
      out.push_back(d.contains("code") ? d["code"].get<std::string>() + "@" +
                                             std::to_string(d["range"]["start"]["line"].get<int>())
                                       : d["message"].get<std::string>().substr(0, 40));
    }
    return out;
  };
  const json opened = opened_file_diagnostics(session, file);
  ASSERT_EQ(opened.size(), 3U) << opened.dump(1);
  EXPECT_EQ(opened[2]["severity"], 3);
  EXPECT_EQ(shown(opened), (std::vector<std::string>{"unindexed-foreign-key@3", "unindexed-foreign-key@4",
                                                     "Not shown here: 6 more findings (an edit"}));

  // A whole-text change at d's line: d's and c's now.
  const std::string uri = pgadvise::test::file_url(file);
  const std::size_t d_line = schema.find("export const d");
  session.notify(
      "textDocument/didChange",
      {{"textDocument", {{"uri", uri}, {"version", 2}}},
       {"contentChanges", {{{"text", schema.substr(0, d_line) + "// d\n" + schema.substr(d_line)}}}}});
  const json edited = session.diagnostics(uri, 2);
  ASSERT_FALSE(edited.is_null());
  EXPECT_EQ(shown(edited["params"]["diagnostics"]),
            (std::vector<std::string>{"unindexed-foreign-key@5", "unindexed-foreign-key@7",
                                      "Not shown here: 6 more findings (an edit"}));

  // An edit on d's line itself: its drift (low) is as near as its foreign
  // key, and c's foreign key (critical) goes before it.
  session.notify(
      "textDocument/didChange",
      {{"textDocument", {{"uri", uri}, {"version", 3}}},
       {"contentChanges",
        {{{"range", {{"start", {{"line", 7}, {"character", 0}}}, {"end", {{"line", 7}, {"character", 0}}}}},
          {"text", "  "}}}}});
  const json on_line = session.diagnostics(uri, 3);
  ASSERT_FALSE(on_line.is_null());
  EXPECT_EQ(shown(on_line["params"]["diagnostics"]),
            (std::vector<std::string>{"unindexed-foreign-key@5", "unindexed-foreign-key@7",
                                      "Not shown here: 6 more findings (an edit"}));
  EXPECT_EQ(shut_down(session, 2), 0);
}

} // namespace lsp_server_test
