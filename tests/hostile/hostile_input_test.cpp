// The hostile-input corpus (issue 12, fixtures/hostile/): each case runs the
// pgadvise binary under run_bounded's limits (20 s watchdog, 1 GiB) and
// checks the located message, the README's exit code (0 clean, 1 findings
// at or above --fail-on, 2 no usable input or unreadable path), and that the
// input after the hostile one is still read.
#include "core/file.hpp"
#include "hostile/bounded_run.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>
#include <vector>

namespace hostile_input_test {

namespace fs = std::filesystem;
using pgadvise::test::BoundedOptions;
using pgadvise::test::BoundedResult;
using pgadvise::test::run_bounded;

const fs::path k_hostile = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "hostile";
const fs::path k_good_log = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "logs" / "stderr_debian.log";
constexpr long k_one_gib_kib = 1024L * 1024L;

struct LintRun {
  BoundedResult process;
  nlohmann::json report; // the JSON report (null when none was printed)

  // Whether an element of the report's `list` ("findings", "notes") satisfies `test`.
  template <class Test> [[nodiscard]] bool any_of(const char* list, Test test) const {
    if (!report.is_object() || !report.contains(list)) {
      return false;
    }
    const auto& items = report[list];
    return std::any_of(items.begin(), items.end(), test);
  }

  // Whether a finding of `rule` is located in `file` (at `line` when > 0).
  [[nodiscard]] bool has(const std::string& rule, const std::string& file, int line = 0) const {
    return any_of("findings", [&](const nlohmann::json& finding) {
      const auto& where = finding["location"];
      return finding["rule"] == rule && where["file"] == file && (line == 0 || where["line"] == line);
    });
  }
  [[nodiscard]] bool has_table_finding(const std::string& table) const {
    return any_of("findings",
                  [&](const nlohmann::json& finding) { return finding["object"]["table"] == table; });
  }
  // The README's exit code for the default --fail-on high.
  [[nodiscard]] bool any_at_or_above_high() const {
    return any_of("findings", [](const nlohmann::json& finding) {
      return finding["severity"] == "high" || finding["severity"] == "critical";
    });
  }
  [[nodiscard]] bool note_contains(const std::string& text) const {
    return any_of("notes", [&](const nlohmann::json& note) {
      return note.get<std::string>().find(text) != std::string::npos;
    });
  }
};

class HostileInput : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    // The process id keeps two runs of one case (ctest beside a filtered
    // run) out of each other's folder. A parameterized case's name holds a
    // '/' ("Case/Param"): one folder, not a folder in a folder TearDown
    // would leave behind.
    std::string name = info->name();
    std::replace(name.begin(), name.end(), '/', '-');
    m_dir = fs::path(::testing::TempDir()) / ("hostile-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    // Readable by the unprivileged user some cases run as.
    fs::permissions(m_dir, fs::perms::all & ~fs::perms::group_write & ~fs::perms::others_write);
    fs::copy_file(k_hostile / "zz_after.sql", m_dir / "zz_after.sql");
  }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(m_dir / "unreadable.log", fs::perms::owner_all, ignored);
    fs::remove_all(m_dir, ignored);
  }

  [[nodiscard]] const fs::path& dir() const { return m_dir; }

  void copy(const std::string& fixture, const std::string& as = "") const {
    fs::copy(k_hostile / fixture, m_dir / (as.empty() ? fixture : as), fs::copy_options::recursive);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(m_dir / name, std::ios::binary) << text;
  }
  void copy_good_log() const { fs::copy_file(k_good_log, m_dir / "good.log"); }

  // `pgadvise lint -f json --verbose ARGS...` in the case's folder, with the
  // bounds every case shares.
  [[nodiscard]] LintRun lint(std::vector<std::string> args, bool as_nobody = false,
                             bool stdin_held_open = false) const {
    args.insert(args.begin(), {"lint", "--format", "json", "--verbose"});
    BoundedOptions options;
    options.cwd = m_dir.string();
    options.as_nobody = as_nobody;
    options.stdin_held_open = stdin_held_open;
    LintRun run{run_bounded(args, options), nullptr};
    EXPECT_FALSE(run.process.timed_out) << "killed by the 20 s watchdog";
    EXPECT_LT(run.process.peak_rss_kib, k_one_gib_kib) << "peak RSS over 1 GiB";
    EXPECT_EQ(run.process.err.find("Sanitizer"), std::string::npos) << run.process.err;
    EXPECT_EQ(run.process.err.find("runtime error"), std::string::npos) << run.process.err;
    if (run.process.exit_code != 2) {
      run.report = nlohmann::json::parse(run.process.out, nullptr, false);
      EXPECT_FALSE(run.report.is_discarded()) << run.process.out.substr(0, 500) << run.process.err;
    }
    return run;
  }

private:
  fs::path m_dir;
};

TEST_F(HostileInput, EmptySqlFileAndEmptyLog) {
  copy("empty.sql", "0000_empty.sql");
  copy("empty.log");
  copy_good_log();
  const LintRun run = lint({"0000_empty.sql", "zz_after.sql", "--log", "empty.log", "--log", "good.log"});
  EXPECT_EQ(run.process.exit_code, run.any_at_or_above_high() ? 1 : 0);
  EXPECT_TRUE(run.has("parse-error", "empty.log", 1)) << run.process.out;
  EXPECT_TRUE(run.has_table_finding("after_hostile"));
  EXPECT_TRUE(run.note_contains("read good.log: stderr log"));
}

// A hostile SQL file of the corpus: a parse error at the line where it
// goes wrong, and the next file is still read.
struct HostileSqlCase {
  const char* name;
  const char* file;
  int line;
};

void PrintTo(const HostileSqlCase& c, std::ostream* out) {
  *out << c.file << " (parse error at line " << c.line << ")";
}

class HostileSqlFile : public HostileInput, public ::testing::WithParamInterface<HostileSqlCase> {};

TEST_P(HostileSqlFile, ParseErrorAtItsLineAndTheNextFileIsRead) {
  const HostileSqlCase& c = GetParam();
  copy(c.file);
  const LintRun run = lint({c.file, "zz_after.sql"});
  EXPECT_EQ(run.process.exit_code, 1);
  EXPECT_TRUE(run.has("parse-error", c.file, c.line)) << run.process.out;
  EXPECT_TRUE(run.has_table_finding("after_hostile"));
}

INSTANTIATE_TEST_SUITE_P(
    HostileInput, HostileSqlFile,
    ::testing::Values(HostileSqlCase{"BinaryFile", "binary.sql", 1},
                      HostileSqlCase{"TruncatedMultiLineStatement", "truncated.sql", 5},
                      HostileSqlCase{"UnterminatedDollarQuote", "unterminated_dollar.sql", 2}),
    [](const ::testing::TestParamInfo<HostileSqlCase>& test) { return test.param.name; });

TEST_F(HostileInput, TenMegabyteStatement) {
  write("big.sql", "CREATE TABLE big (id int PRIMARY KEY, note text DEFAULT '" +
                       std::string(10U << 20U, 'x') + "');\nCREATE TABLE after_big (id int);\n");
  const LintRun run = lint({"big.sql", "zz_after.sql"});
  EXPECT_EQ(run.process.exit_code, 0); // the cap's warning is medium
  EXPECT_TRUE(run.has("parse-error", "big.sql", 1)) << run.process.out.substr(0, 2000); // over the cap
  EXPECT_FALSE(run.has_table_finding("big"));
  EXPECT_TRUE(run.has_table_finding("after_big"));
  EXPECT_TRUE(run.has_table_finding("after_hostile"));
}

TEST_F(HostileInput, TenMegabyteLogLine) {
  write("big.log",
        "2026-11-21 16:09:00.455 UTC [15178] app@app LOG:  duration: 0.120 ms  statement: SELECT '" +
            std::string(10U << 20U, 'x') + "' AS big;\n");
  copy_good_log();
  const LintRun run = lint({"zz_after.sql", "--log", "big.log", "--log", "good.log"});
  EXPECT_TRUE(run.note_contains("read big.log: stderr log")) << run.process.out.substr(0, 2000);
  EXPECT_TRUE(run.note_contains("read good.log: stderr log"));
  EXPECT_TRUE(run.has_table_finding("after_hostile"));
}

TEST_F(HostileInput, InvalidUtf8InIdentifiers) {
  copy("invalid_utf8_identifier.sql");
  const LintRun run = lint({"invalid_utf8_identifier.sql"});
  EXPECT_EQ(run.process.exit_code, 0);
  EXPECT_TRUE(run.has_table_finding("after_hostile")); // the line after the bad names
}

TEST_F(HostileInput, InvalidUtf8InLogText) {
  copy("invalid_utf8.log");
  const LintRun run = lint({"zz_after.sql", "--log", "invalid_utf8.log"});
  EXPECT_TRUE(run.note_contains("read invalid_utf8.log: stderr log")) << run.process.out.substr(0, 2000);
  EXPECT_FALSE(run.note_contains(", 0 statements"));
}

TEST_F(HostileInput, FiftyThousandNestedParentheses) {
  write("parens.sql", "SELECT " + std::string(50000, '(') + "1" + std::string(50000, ')') + ";\n");
  const LintRun run = lint({"parens.sql", "zz_after.sql"});
  EXPECT_EQ(run.process.exit_code, 1);
  EXPECT_TRUE(run.has("parse-error", "parens.sql", 1));
  EXPECT_TRUE(run.has_table_finding("after_hostile"));
}

// The query-call scan follows a project's TypeScript through helpers: deep
// brackets, an unterminated template, binary bytes and helpers that call
// each other in a cycle are read as far as they go, without a crash, a hang
// or a runaway.
TEST_F(HostileInput, TypeScriptTheQueryCallScanCannotMakeSenseOf) {
  fs::create_directories(dir() / "app" / "src");
  fs::create_directories(dir() / "app" / "migrations");
  fs::copy_file(dir() / "zz_after.sql", dir() / "app" / "migrations" / "0000_after.sql");
  const std::string head = "import { eq } from \"drizzle-orm\";\nimport * as repo from \"./cycle\";\n";
  write("app/package.json", R"({"name":"app","dependencies":{"drizzle-orm":"1"}})");
  write("app/src/deep.ts", head + "for (const x of rows) " + std::string(50000, '(') +
                               std::string(50000, '{') + "repo.f(db, x.id)\n");
  write("app/src/unterminated.ts",
        head + "for (const x of rows) { repo.f(db, x.id); export default { m(`${`${ for (\n");
  write("app/src/binary.ts",
        head + std::string("\x00\xff\x1f\x8b`${{((\"'", 12) + std::string(100000, '\x01'));
  write("app/src/cycle.ts", head +
                                "export function f(db, a) { return g(db, a); }\n"
                                "export function g(db, a) { for (const b of a) f(db, b); return f(db, a); }\n"
                                "export class A { constructor(private readonly r: A) {} m(id: number) { "
                                "return this.r.m(id); } }\n");
  const LintRun run = lint({"app"});
  EXPECT_TRUE(run.process.exit_code == 0 || run.process.exit_code == 1) << run.process.err;
  EXPECT_TRUE(run.has_table_finding("after_hostile")) << run.process.out.substr(0, 2000);
}

TEST_F(HostileInput, TwoHundredThousandElementInList) {
  std::string list = "1";
  for (int i = 2; i <= 200000; ++i) {
    list += "," + std::to_string(i);
  }
  write("in_list.sql", "SELECT * FROM t WHERE id IN (" + list + ");\nCREATE TABLE after_in (id int);\n");
  const LintRun run = lint({"in_list.sql", "zz_after.sql"});
  EXPECT_TRUE(run.has_table_finding("after_in"));
  EXPECT_TRUE(run.has_table_finding("after_hostile"));
}

TEST_F(HostileInput, JournalNamingFilesOutsideTheFolder) {
  copy("journal_traversal", "journal_traversal");
  const LintRun run = lint({"journal_traversal/migrations"});
  EXPECT_EQ(run.process.exit_code, 0);
  EXPECT_TRUE(run.note_contains("_journal.json: entry \"../../etc/passwd\"")) << run.process.out;
  EXPECT_TRUE(run.note_contains("_journal.json: entry \"../outside\""));
  EXPECT_FALSE(run.has_table_finding("outside_must_not_be_read"));
  EXPECT_TRUE(run.has_table_finding("after_hostile"));
}

TEST_F(HostileInput, SnapshotJsonWithWrongTypes) {
  copy("snapshot_wrong_types", "snapshot_wrong_types");
  const LintRun run = lint({"snapshot_wrong_types/meta/0000_snapshot.json"});
  EXPECT_EQ(run.process.exit_code, 1);
  EXPECT_TRUE(run.has("parse-error", "snapshot_wrong_types/meta/0000_snapshot.json", 1)) << run.process.out;
  EXPECT_TRUE(run.has_table_finding("posts") || run.note_contains("posts")) << run.process.out;
}

// A run under a small address-space limit (ulimit -v, a container's):
// the rules share a few workers, not a thread (a stack and often a malloc
// arena) each, which failed this run at 300 MB with "Resource temporarily
// unavailable" and, now and then on a loaded machine, at the 1 GiB the
// other cases allow. Sanitizer builds need a large address space: there
// the limit is not set.
TEST_F(HostileInput, ATightAddressSpaceLimitStillRunsEveryRule) {
  copy("unknown_prefix.log");
  copy_good_log();
  BoundedOptions options;
  options.cwd = dir().string();
  options.memory_limit_mib = 256;
  const BoundedResult run = run_bounded(
      {"lint", "--format", "json", "zz_after.sql", "--log", "unknown_prefix.log", "--log", "good.log"},
      options);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err.find("Resource temporarily unavailable"), std::string::npos) << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << run.out << run.err;
  EXPECT_FALSE(report["rules_run"].empty());
}

TEST_F(HostileInput, LogWithUnknownPrefix) {
  copy("unknown_prefix.log");
  copy_good_log();
  const LintRun run = lint({"zz_after.sql", "--log", "unknown_prefix.log", "--log", "good.log"});
  EXPECT_TRUE(run.has("parse-error", "unknown_prefix.log", 1));
  EXPECT_TRUE(run.note_contains("read good.log: stderr log"));
}

TEST_F(HostileInput, CorruptGzip) {
  copy("corrupt.log.gz");
  copy_good_log();
  const LintRun run = lint({"zz_after.sql", "--log", "corrupt.log.gz", "--log", "good.log"});
  EXPECT_TRUE(run.has("parse-error", "corrupt.log.gz")) << run.process.out.substr(0, 3000);
  EXPECT_TRUE(run.note_contains("read good.log: stderr log"));
}

// The other three compressions, corrupted rather than cut short: 64 bytes
// in the middle of real compressed logs are scrambled, so the stream's own
// checks (block CRCs, the xz and zstd checksums) fail part-way.
TEST_F(HostileInput, CorruptBzip2XzAndZstd) {
  copy_good_log();
  std::vector<std::string> args = {"zz_after.sql"};
  const std::vector<std::string> names = {"corrupt.log.bz2", "corrupt.log.xz", "corrupt.log.zst"};
  for (const std::string& name : names) {
    const fs::path real = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "logs" / "real" / "compressed" /
                          ("requests.log" + fs::path(name).extension().string());
    std::string bytes = pgadvise::core::read_file(real).value();
    for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64 && i < bytes.size(); ++i) {
      bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
    }
    std::ofstream(dir() / name, std::ios::binary) << bytes;
    args.insert(args.end(), {"--log", name});
  }
  args.insert(args.end(), {"--log", "good.log"});
  const LintRun run = lint(args);
  for (const std::string& name : names) {
    EXPECT_TRUE(run.has("parse-error", name)) << name << "\n" << run.process.out.substr(0, 3000);
  }
  EXPECT_TRUE(run.note_contains("read good.log: stderr log"));
}

// A "billion laughs" workflow: 30 levels of anchors, three aliases each. It
// once took over 10 GB and never finished; the next workflow is still read.
TEST_F(HostileInput, YamlAliasBomb) {
  copy("yaml_alias_bomb");
  const LintRun run = lint({"yaml_alias_bomb"});
  EXPECT_TRUE(run.has("drizzle-push-in-production", "yaml_alias_bomb/.github/workflows/deploy.yml", 15))
      << run.process.out.substr(0, 3000);
  EXPECT_TRUE(run.note_contains("bomb.yml:4: malformed YAML: aliases expand to more than"));
}

TEST_F(HostileInput, DirectoryWhereAFileIsExpected) {
  fs::create_directory(dir() / "a_dir.log");
  const LintRun log = lint({"zz_after.sql", "--log", "a_dir.log"});
  EXPECT_EQ(log.process.exit_code, 2);
  EXPECT_NE(log.process.err.find("a_dir.log"), std::string::npos) << log.process.err;
  fs::create_directory(dir() / "a_dir.sql");
  const LintRun schema = lint({"a_dir.sql"});
  EXPECT_EQ(schema.process.exit_code, 2);
  EXPECT_NE(schema.process.err.find("a_dir.sql"), std::string::npos) << schema.process.err;
}

// chmod 000 does not stop root: the case runs as the unprivileged user
// (uid 65534), so the file really cannot be opened.
TEST_F(HostileInput, UnreadableFile) {
  copy_good_log();
  fs::copy_file(dir() / "good.log", dir() / "unreadable.log");
  fs::permissions(dir() / "unreadable.log", fs::perms::none);
  const LintRun run = lint({"zz_after.sql", "--log", "unreadable.log"}, true);
  EXPECT_EQ(run.process.exit_code, 2);
  EXPECT_NE(run.process.err.find("unreadable.log"), std::string::npos) << run.process.err;
  fs::copy_file(dir() / "zz_after.sql", dir() / "unreadable.sql");
  fs::permissions(dir() / "unreadable.sql", fs::perms::none);
  const LintRun schema = lint({"unreadable.sql"}, true);
  EXPECT_EQ(schema.process.exit_code, 2);
  EXPECT_NE(schema.process.err.find("unreadable.sql"), std::string::npos) << schema.process.err;
}

TEST_F(HostileInput, SymlinkLoops) {
  fs::create_symlink("loop_b.log", dir() / "loop_a.log");
  fs::create_symlink("loop_a.log", dir() / "loop_b.log");
  const LintRun log = lint({"zz_after.sql", "--log", "loop_a.log"});
  EXPECT_EQ(log.process.exit_code, 2);
  EXPECT_NE(log.process.err.find("loop_a.log"), std::string::npos) << log.process.err;

  // A project folder whose tree links back to itself is walked once.
  fs::create_directories(dir() / "project" / "migrations");
  fs::copy_file(dir() / "zz_after.sql", dir() / "project" / "migrations" / "0000_after.sql");
  fs::create_directory_symlink(".", dir() / "project" / "self");
  fs::create_directory_symlink("..", dir() / "project" / "migrations" / "up");
  const LintRun project = lint({"project"});
  EXPECT_TRUE(project.has_table_finding("after_hostile")) << project.process.out.substr(0, 2000);
}

// --timeout stops a run that would otherwise wait forever (a log on a pipe
// that never ends) with a message and exit code 2.
TEST_F(HostileInput, TimeoutStopsAWholeRun) {
  const LintRun run = lint({"zz_after.sql", "--timeout", "1", "--log", "-"}, false, true);
  EXPECT_EQ(run.process.exit_code, 2);
  EXPECT_NE(run.process.err.find("--timeout 1"), std::string::npos) << run.process.err;
}

} // namespace hostile_input_test
