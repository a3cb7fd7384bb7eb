// Text report tests. The snapshot tests compare with files under
// tests/reporters/golden/; after an intended change to the layout, regenerate
// them with
//   PGADVISE_UPDATE_GOLDEN=1 build/pgadvise_tests --gtest_filter='TextReporter*'
// and review the diff before committing it.
#include "app/report/report_facts.hpp"
#include "core/text.hpp"
#include "model/index_set.hpp"
#include "model/live_analysis.hpp"
#include "reporters/ansi.hpp"
#include "reporters/report.hpp"
#include "reporters/sample_report.hpp"
#include "reporters/terminal_text.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

using namespace pgadvise;

namespace text_reporter_test {

// The full layout (-v): every finding with its help, evidence and whole fix.
reporters::ReportInput verbose(reporters::ReportInput input) {
  input.verbose = true;
  return input;
}

// With the registry's rule metadata, as a lint run gives it (which rules'
// findings are each an action of their own, for one).
std::string render(reporters::ReportInput input) {
  if (input.rules.empty()) {
    input.rules = app::describe_rules();
  }
  std::ostringstream out;
  reporters::write_text(out, input);
  return out.str();
}

// Escape codes made visible so the colored golden file stays readable.
std::string show_escapes(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '\x1b') {
      out += "<ESC>";
    } else {
      out += c;
    }
  }
  return out;
}

void expect_matches_golden(const std::string& actual, const std::string& name) {
  const std::filesystem::path path =
      std::filesystem::path(PGADVISE_SOURCE_DIR) / "tests" / "reporters" / "golden" / name;
  const char* update = std::getenv("PGADVISE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    std::cout << "updated " << path << "\n";
    return;
  }
  std::ifstream file(path, std::ios::binary);
  ASSERT_TRUE(file) << "missing golden file " << path << " (run with PGADVISE_UPDATE_GOLDEN=1)";
  std::ostringstream expected;
  expected << file.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "text report differs from " << path
                                    << "; if intended, regenerate with PGADVISE_UPDATE_GOLDEN=1";
}

std::vector<std::string> lines_of(const std::string& text) {
  return core::split(text, '\n');
}

// The first line at or after `from` that starts with `prefix`.
std::size_t line_index(const std::vector<std::string>& lines, std::string_view prefix, std::size_t from = 0) {
  for (std::size_t i = from; i < lines.size(); ++i) {
    if (lines[i].rfind(prefix, 0) == 0) {
      return i;
    }
  }
  ADD_FAILURE() << "no line starts with " << prefix;
  return lines.size();
}

TEST(TextReporter, MatchesGoldenPlain) {
  const engine::RunReport run = test::sample_run();
  expect_matches_golden(render(test::sample_input(run)), "report_plain.txt");
}

TEST(TextReporter, MatchesGoldenColorVerbose) {
  const engine::RunReport run = test::sample_run();
  reporters::ReportInput input = test::sample_input(run);
  input.color = true;
  input.verbose = true;
  expect_matches_golden(show_escapes(render(input)), "report_color_verbose.txt");
}

TEST(TextReporter, GroupsByFileThenLineWithFilelessLast) {
  const engine::RunReport run = test::sample_run();
  const auto lines = lines_of(render(verbose(test::sample_input(run))));
  const std::size_t init_group = line_index(lines, "== drizzle/0000_init.sql (1 finding)");
  const std::size_t posts_group = line_index(lines, "== drizzle/0001_posts.sql (3 findings)");
  const std::size_t fileless_group = line_index(lines, "== without a file location (2 findings)");
  EXPECT_LT(init_group, posts_group);
  EXPECT_LT(posts_group, fileless_group);

  const std::size_t parse = line_index(lines, "drizzle/0000_init.sql:7:1  high  parse-error  ");
  const std::size_t line4 = line_index(lines, "drizzle/0001_posts.sql:4  medium  json-in-text-column  ");
  const std::size_t fk = line_index(lines, "drizzle/0001_posts.sql:12:3  critical  unindexed-foreign-key  ");
  const std::size_t hint = line_index(lines, "drizzle/0001_posts.sql:12:3  low  json-in-text-column  ");
  EXPECT_TRUE(init_group < parse && parse < posts_group);
  EXPECT_TRUE(posts_group < line4 && line4 < fk && fk < hint && hint < fileless_group);

  // Without a file, the object says where; without an object either, "-".
  const std::size_t live =
      line_index(lines, "billing.invoices(customer_id) invoices_customer_fk  high  unindexed");
  const std::size_t project = line_index(lines, "-  info  push-in-production  ");
  EXPECT_TRUE(fileless_group < live && live < project);
}

TEST(TextReporter, LabelsHelpEvidenceAndFix) {
  const engine::RunReport run = test::sample_run();
  const auto lines = lines_of(render(verbose(test::sample_input(run))));
  const std::size_t fk = line_index(lines, "drizzle/0001_posts.sql:12:3  critical  unindexed-foreign-key");
  const std::size_t help = line_index(lines, "    help: Create an index whose leading columns", fk);
  const std::size_t evidence = line_index(lines, "    evidence (ddl) drizzle/0001_posts.sql:12:3", fk);
  const std::size_t sql = line_index(lines, "    fix (SQL):", fk);
  const std::size_t drizzle = line_index(lines, "    fix (Drizzle):", fk);
  const std::size_t safety = line_index(lines, "    safety: CREATE INDEX CONCURRENTLY cannot run", fk);
  EXPECT_TRUE(fk < help && help < evidence && evidence < sql && sql < drizzle && drizzle < safety);
  ASSERT_LT(sql + 1, lines.size());
  // DDL is printed whole on its own line, never wrapped, so it can be pasted.
  EXPECT_EQ(lines[sql + 1], "        " + run.findings[0].fix->statements());
  EXPECT_EQ(lines[drizzle + 1], "        " + run.findings[0].fix->code_text());
  EXPECT_EQ(lines[evidence + 1], "        " + run.findings[0].evidence[0].detail);

  // A multi-line DDL keeps its lines.
  const std::size_t alter = line_index(lines, "        ALTER TABLE posts");
  EXPECT_EQ(lines[alter + 1], "          ALTER COLUMN settings TYPE jsonb USING settings::jsonb;");
}

TEST(TextReporter, DrizzleFixSaysWhereTheLineGoesAndWhatToRun) {
  const engine::RunReport run = test::sample_run();
  const auto lines = lines_of(render(verbose(test::sample_input(run))));
  const std::size_t fk = line_index(lines, "drizzle/0001_posts.sql:12:3  critical  unindexed-foreign-key");
  const std::size_t drizzle = line_index(lines, "    fix (Drizzle):", fk);
  const std::size_t in = line_index(lines, "    in: src/db/schema.ts:41, table `posts`", fk);
  const std::size_t run_line = line_index(lines, "    then run:", fk);
  EXPECT_TRUE(drizzle < in && in < run_line);
  ASSERT_LT(run_line + 1, lines.size());
  EXPECT_EQ(lines[run_line + 1], "        npm run db:generate && npm run db:migrate");
}

TEST(TextReporter, ShellCommandsAreNotLabelledSql) {
  const engine::RunReport run = test::sample_run();
  const auto lines = lines_of(render(verbose(test::sample_input(run))));
  const std::size_t push = line_index(lines, "-  info  push-in-production  ");
  const std::size_t shell = line_index(lines, "    fix (shell):", push);
  ASSERT_LT(shell + 1, lines.size());
  EXPECT_EQ(lines[shell + 1], "        npx drizzle-kit generate");
  EXPECT_EQ(std::count(lines.begin() + static_cast<std::ptrdiff_t>(push), lines.end(), "    fix (SQL):"), 0);
}

TEST(TextReporter, FitsA100ColumnTerminal) {
  engine::RunReport run = test::sample_run();
  // A path so long that not even the message's first word fits after it.
  core::Finding deep = run.findings[0];
  deep.location.file = "apps/billing/packages/db/drizzle/0042_invoice_reminders.sql";
  deep.message = "Foreign key invoices(customer_id) -> customers(id) has no index";
  run.findings.push_back(deep);
  reporters::ReportInput input = test::sample_input(run);
  input.verbose = true;
  const std::string text = render(input);
  for (const std::string& line : lines_of(text)) {
    // DDL is exempt: it is printed whole so that it can be pasted.
    const bool ddl = std::any_of(run.findings.begin(), run.findings.end(), [&](const core::Finding& f) {
      return f.fix && line == "        " + f.fix->statements();
    });
    if (!ddl) {
      EXPECT_LE(reporters::display_width(line), 100U) << line;
    }
  }
  // The long critical message had to wrap onto an indented line.
  EXPECT_NE(text.find("\n    "), std::string::npos);
  EXPECT_NE(
      text.find(deep.location.to_string() + "  critical  unindexed-foreign-key\n    Foreign key invoices"),
      std::string::npos);
}

TEST(TextReporter, NoEscapeCodesWithoutColorEvenFromInput) {
  engine::RunReport run = test::sample_run();
  run.findings[0].message = "table \x1b[31mred\x1b[0m \xc2\x9b"
                            "2J";
  const std::string text = render(test::sample_input(run));
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);
  EXPECT_NE(text.find("table \\x1b[31mred\\x1b[0m \\xc2\\x9b2J"), std::string::npos);
}

TEST(TextReporter, ColorsEachSeverity) {
  const engine::RunReport run = test::sample_run();
  reporters::ReportInput input = test::sample_input(run);
  input.color = true;
  input.verbose = true;
  const std::string text = render(input);
  for (const core::Finding& finding : run.findings) {
    const std::string painted = "\x1b[" + std::string(reporters::severity_sgr(finding.severity)) + "m" +
                                std::string(core::to_string(finding.severity)) + "\x1b[0m";
    EXPECT_NE(text.find("  " + painted + "  " + finding.rule), std::string::npos) << painted;
  }
  EXPECT_EQ(reporters::severity_sgr(core::Severity::critical), "1;31");
  EXPECT_EQ(reporters::severity_sgr(core::Severity::high), "31");
  EXPECT_EQ(reporters::severity_sgr(core::Severity::medium), "33");
  EXPECT_EQ(reporters::severity_sgr(core::Severity::low), "36");
  EXPECT_EQ(reporters::severity_sgr(core::Severity::info), "2");
}

TEST(TextReporter, HeaderNamesTheSchemaSource) {
  const engine::RunReport run = test::sample_run();
  reporters::ReportInput input = test::sample_input(run);
  EXPECT_EQ(lines_of(render(input)).front(), "Schema: " + input.schema_description);
  input.schema_description.clear();
  EXPECT_EQ(lines_of(render(input)).front(), "Schema: sql");
}

TEST(TextReporter, SummaryCountsSeveritiesSuppressedAndHidden) {
  engine::RunReport run = test::sample_run();
  const auto lines = lines_of(render(test::sample_input(run)));
  ASSERT_GE(lines.size(), 3U);
  // Too wide for one line of 100 columns: the parenthesis moves to the next.
  EXPECT_EQ(lines.rbegin()[2], "6 findings: 1 critical, 2 high, 1 medium, 1 low, 1 info");
  EXPECT_EQ(lines.rbegin()[1], "    (2 suppressed, 1 hidden below --min-severity)");

  run.hidden = 0;
  EXPECT_EQ(lines_of(render(test::sample_input(run))).rbegin()[1],
            "6 findings: 1 critical, 2 high, 1 medium, 1 low, 1 info (2 suppressed)");

  run.findings.erase(run.findings.begin() + 1, run.findings.end());
  run.suppressed = 0;
  run.hidden = 0;
  EXPECT_EQ(lines_of(render(test::sample_input(run))).rbegin()[1], "1 finding: 1 critical");
}

TEST(TextReporter, NoFindings) {
  engine::RunReport run;
  EXPECT_EQ(lines_of(render(test::sample_input(run))).rbegin()[1], "No findings.");
  run.suppressed = 3;
  EXPECT_EQ(lines_of(render(test::sample_input(run))).rbegin()[1], "No findings (3 suppressed).");
  EXPECT_EQ(render(test::sample_input(run)).find("=="), std::string::npos);
}

TEST(TextReporter, VerboseShowsNotesAndSkippedRules) {
  const engine::RunReport run = test::sample_run();
  reporters::ReportInput input = test::sample_input(run);
  const std::string quiet = render(input);
  input.verbose = true;
  const std::string verbose = render(input);
  for (const std::string& note : input.notes) {
    EXPECT_EQ(quiet.find(note), std::string::npos);
    EXPECT_NE(verbose.find("  note: " + note), std::string::npos);
  }
  for (const std::string& skipped : run.skipped) {
    EXPECT_EQ(quiet.find(skipped), std::string::npos);
    EXPECT_NE(verbose.find("    " + skipped + "\n"), std::string::npos);
  }
  EXPECT_NE(verbose.find("Rules run (2): json-in-text-column, unindexed-foreign-key"), std::string::npos);
}

// A run that found no schema says where it looked under the header, not
// only with -v: "No findings." alone reads as a clean schema.
TEST(TextReporter, WithoutASchemaTheNotesSayWhereItLookedWithoutVerbose) {
  const engine::RunReport run;
  reporters::ReportInput input = test::sample_input(run);
  input.schema_description.clear();
  input.schema_source = "none";
  input.notes_explain_no_schema = true; // as lint sets it: no schema, no log
  input.notes = {"looked in ./ for drizzle.config.{ts,js,mjs,cjs,json}: none found",
                 "no schema found: only the project's scripts, CI and containers were linted"};
  const auto lines = lines_of(render(input));
  ASSERT_GE(lines.size(), 4U);
  EXPECT_EQ(lines[0], "Schema: none");
  EXPECT_EQ(lines[1], "    note: " + input.notes[0]);
  EXPECT_EQ(lines[2], "    note: " + input.notes[1]);
  // Otherwise (a schema, or a log judged alone) the same notes stay under -v.
  input.notes_explain_no_schema = false;
  EXPECT_EQ(render(input).find("looked in"), std::string::npos);
}

// A live run's caveat on its index set (tables VACUUM has not reached) is
// read under the header of the default report, before the findings, not
// only among -v's notes; -v says it once.
TEST(TextReporter, LiveCaveatsAreUnderTheHeaderWithoutVerbose) {
  const engine::RunReport run = test::sample_run();
  reporters::ReportInput input = test::sample_input(run);
  const std::string caveat = "index set: few pages are all-visible in shipments (0% of 1,250 pages, never "
                             "vacuumed) (a fresh load that autovacuum has not reached yet)";
  auto set = std::make_shared<model::IndexSet>();
  set->notes = {"index set: the search stopped at its work budget", caveat};
  set->caveats = {caveat};
  model::LiveAnalysis live;
  live.index_set = set;
  input.live_analysis = &live;
  input.notes.insert(input.notes.end(), set->notes.begin(), set->notes.end());
  const auto lines = lines_of(render(input));
  ASSERT_GE(lines.size(), 4U);
  EXPECT_EQ(lines[0], "Schema: " + input.schema_description);
  EXPECT_EQ(
      lines[1].rfind("    note: index set: few pages are all-visible in shipments (0% of 1,250 pages,", 0),
      0U)
      << lines[1];
  EXPECT_EQ(lines[2].rfind("          ", 0), 0U) << lines[2]; // wrapped under its first line
  const std::string quiet = render(input);
  EXPECT_EQ(quiet.find("work budget"), std::string::npos); // the other notes stay under -v
  input.verbose = true;
  const std::string loud = render(input);
  EXPECT_NE(loud.find("  note: index set: few pages are all-visible"), std::string::npos) << loud;
  EXPECT_EQ(loud.find("few pages are all-visible"), loud.rfind("few pages are all-visible")) << loud;
  // No live run, no caveat.
  input.verbose = false;
  input.live_analysis = nullptr;
  EXPECT_EQ(render(input).find("all-visible"), std::string::npos);
}

TEST(TerminalText, WrapsAtWidthWithHangingIndent) {
  const std::string wrapped = reporters::wrap("aaa bbb ccc ddd eee", 10, 2, "  ");
  EXPECT_EQ(wrapped, "aaa bbb\n  ccc ddd\n  eee");
  // A word wider than the line is kept whole on a line of its own.
  EXPECT_EQ(reporters::wrap("x averyveryverylongword y", 10, 0, ""), "x\naveryveryverylongword\ny");
  EXPECT_EQ(reporters::wrap("one\ntwo", 80, 0, "> "), "one\n> two");
}

TEST(TerminalText, SanitizesControlsButKeepsUtf8) {
  EXPECT_EQ(reporters::sanitize_for_terminal("a\x1b[1mb\x07"), "a\\x1b[1mb\\x07");
  EXPECT_EQ(reporters::sanitize_for_terminal("caf\xc3\xa9\n\t"), "caf\xc3\xa9\n  ");
  EXPECT_EQ(reporters::sanitize_for_terminal("\xc2\x9b"), "\\xc2\\x9b");
  EXPECT_EQ(reporters::display_width("caf\xc3\xa9"), 4U);
}

// ---- The default layout: order, grouping, fix lines ----

core::Finding located(std::string rule, core::Severity severity, std::string file, int line,
                      std::string table) {
  core::Finding f;
  f.rule = std::move(rule);
  f.severity = severity;
  f.message = f.rule + " on " + table + " at " + file;
  f.object = core::ObjectRef{"public", std::move(table), {"col"}, {}};
  f.location = {std::move(file), line, 1};
  f.compute_fingerprint(f.location.to_string());
  return f;
}

core::Finding unindexed_fk(int i) {
  core::Finding f = located("unindexed-foreign-key", core::Severity::critical,
                            "drizzle/000" + std::to_string(i) + "_t.sql", 4, "t" + std::to_string(i));
  f.fix = core::Fix{};
  f.fix->sql().ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS t" + std::to_string(i) + "_idx ON t" +
                     std::to_string(i) + " (col);";
  return f;
}

core::Finding timestamp_column(int i) {
  core::Finding f = located("timestamp-without-time-zone", core::Severity::low,
                            "drizzle/000" + std::to_string(i) + "_t.sql", 2, "t" + std::to_string(i));
  f.fix = core::Fix{};
  f.fix->sql().ddl = "SET timezone = 'UTC'; -- the zone the stored values were written in\nALTER TABLE t" +
                     std::to_string(i) + " ALTER COLUMN col TYPE timestamptz;";
  return f;
}

std::size_t index_of(const std::string& text, std::string_view needle) {
  const std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << "no \"" << needle << "\" in:\n" << text;
  return at;
}

std::size_t occurrences(const std::string& text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::string render_run(const engine::RunReport& run, const model::Catalog* catalog = nullptr,
                       bool expand = false) {
  reporters::ReportInput input = test::sample_input(run);
  input.catalog = catalog;
  input.expand_groups = expand;
  return render(input);
}

// Each N+1 loop has its own code and its own fix: seven loops are seven
// entries (a "like the first" fix would send the user to change six loops
// with the first one's code), and their SQL is not in the index block.
TEST(TextReporter, EachNPlusOneLoopIsItsOwnEntry) {
  engine::RunReport run;
  for (int i = 0; i < 7; ++i) {
    core::Finding f = located("n-plus-one", core::Severity::critical,
                              "src/routers/r" + std::to_string(i) + ".ts", 10 + i, "t" + std::to_string(i));
    f.fix = core::Fix{};
    f.fix->sql().ddl = "select * from t" + std::to_string(i) + " where parent_id = ANY($1)";
    f.fix->sql().drizzle = "db.select().from(t" + std::to_string(i) + ").where(inArray(t" +
                           std::to_string(i) + ".parentId, ids))";
    run.findings.push_back(f);
  }
  run.findings.push_back(unindexed_fk(0));
  run.findings.push_back(unindexed_fk(1));
  const std::string text = render_run(run);
  EXPECT_EQ(text.find("findings  critical  n-plus-one"), std::string::npos) << text;
  EXPECT_EQ(text.find("like the first"), std::string::npos) << text;
  for (const core::Finding& finding : run.findings) {
    EXPECT_EQ(occurrences(text, "  " + finding.location.to_string() + "  critical"), 1U) << text;
    if (finding.rule == "n-plus-one") {
      EXPECT_EQ(occurrences(text, finding.fix->code_text()), 1U) << text;
    }
  }
  const std::size_t block = index_of(text, "The 2 foreign-key indexes in one block");
  EXPECT_EQ(text.find("ANY($1)", block), std::string::npos) << text;
}

// Loops read from the code alone are suspicions, not measurements: a
// generated or copied handler layer can hold thousands, so past a handful
// they are one entry (the first few, and how to list them all), and the
// measured findings stay in sight.
TEST(TextReporter, ManyLoopsReadFromTheCodeAreOneEntry) {
  engine::RunReport run;
  for (int i = 0; i < 7; ++i) {
    core::Finding f = located("query-in-loop", core::Severity::medium,
                              "src/server/handler" + std::to_string(i) + ".ts", 4, "t" + std::to_string(i));
    f.fix = core::Fix{};
    f.fix->sql().drizzle = "await db.update(t" + std::to_string(i) + ").set({}).where(inArray(t" +
                           std::to_string(i) + ".id, ids));";
    run.findings.push_back(f);
  }
  run.findings.push_back(unindexed_fk(0));
  const std::string text = render_run(run);
  EXPECT_EQ(occurrences(text, "7 findings  medium  query-in-loop"), 1U) << text;
  EXPECT_NE(text.find("all 7: -v, or --rule query-in-loop"), std::string::npos) << text;
  EXPECT_EQ(occurrences(text, "src/server/handler6.ts:4"), 0U) << text;
  EXPECT_LT(index_of(text, "critical  unindexed-foreign-key"), index_of(text, "7 findings  medium"));
}

// A rule grouped once per severity (loops over earlier rows are medium, the
// others low) is one fix pattern in the To do line, with all its places.
TEST(TextReporter, ToDoNamesARuleGroupedPerSeverityOnce) {
  engine::RunReport run;
  for (int i = 0; i < 13; ++i) {
    const core::Severity severity = i < 7 ? core::Severity::medium : core::Severity::low;
    core::Finding f =
        located("query-in-loop", severity, "src/h" + std::to_string(i) + ".ts", 4, "t" + std::to_string(i));
    f.fix = core::Fix{};
    f.fix->sql().drizzle = "inArray(t" + std::to_string(i) + ".id, ids)";
    run.findings.push_back(f);
  }
  const std::string text = render_run(run);
  EXPECT_EQ(occurrences(text, "7 findings  medium  query-in-loop"), 1U) << text;
  EXPECT_EQ(occurrences(text, "6 findings  low  query-in-loop"), 1U) << text;
  const std::string todo = text.substr(index_of(text, "To do:"));
  EXPECT_NE(todo.find("1 fix pattern for many places (query-in-loop (13))"), std::string::npos) << todo;
}

TEST(TextReporter, LeadsWithCriticalAndHighThenImpactThenFileOrder) {
  engine::RunReport run;
  run.findings.push_back(located("timestamp-without-time-zone", core::Severity::low, "a/0000.sql", 1, "a"));
  run.findings.push_back(located("json-in-text-column", core::Severity::high, "a/0001.sql", 2, "small"));
  run.findings.push_back(located("json-in-text-column", core::Severity::high, "a/0009.sql", 5, "big"));
  run.findings.push_back(located("redundant-index", core::Severity::medium, "a/0002.sql", 3, "a"));
  core::Finding measured = located("filter-on-unindexed-column", core::Severity::medium, "", 0, "q");
  measured.saving_ms = 1200;
  run.findings.push_back(measured);
  run.findings.push_back(located("unindexed-foreign-key", core::Severity::critical, "a/0005.sql", 9, "c"));
  run.findings.push_back(located("json-in-text-column", core::Severity::high, "a/0003.sql", 7, "unknown"));
  model::Catalog catalog;
  for (const auto& [name, rows] : std::vector<std::pair<std::string, double>>{{"small", 100}, {"big", 5e6}}) {
    model::Table table;
    table.schema = "public";
    table.name = name;
    table.stats = model::TableStats{};
    table.stats->reltuples = rows;
    catalog.tables.push_back(table);
  }
  const std::string text = render_run(run, &catalog);
  const std::size_t critical = index_of(text, "a/0005.sql:9:1  critical");
  const std::size_t big = index_of(text, "a/0009.sql:5:1  high");
  const std::size_t small = index_of(text, "a/0001.sql:2:1  high");
  const std::size_t unknown = index_of(text, "a/0003.sql:7:1  high");
  const std::size_t then = index_of(text, "Then: medium and below");
  const std::size_t saving = index_of(text, "filter-on-unindexed-column");
  const std::size_t medium = index_of(text, "a/0002.sql:3:1  medium");
  const std::size_t low = index_of(text, "a/0000.sql:1:1  low");
  EXPECT_LT(index_of(text, "Do first: critical and high (4 entries)"), critical);
  EXPECT_LT(critical, big);  // severity
  EXPECT_LT(big, small);     // then rows
  EXPECT_LT(small, unknown); // then rows known before unknown
  EXPECT_LT(unknown, then);  // every critical and high before any other
  EXPECT_LT(then, saving);   // measured workload time first
  EXPECT_LT(saving, medium);
  EXPECT_LT(medium, low);
}

TEST(TextReporter, ManyFindingsOfOneShapeAreOneEntry) {
  engine::RunReport run;
  for (int i = 0; i < 7; ++i) {
    run.findings.push_back(timestamp_column(i));
    run.findings.push_back(unindexed_fk(i));
  }
  const std::string text = render_run(run);
  // One entry: the count, the first three with their locations, the fix
  // pattern, and how to see them all.
  EXPECT_EQ(occurrences(text, "  7 findings  low  timestamp-without-time-zone  "), 1U) << text;
  EXPECT_NE(text.find("      first: drizzle/0000_t.sql:2:1  timestamp-without-time-zone on t0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("             drizzle/0002_t.sql:2:1  "), std::string::npos) << text;
  EXPECT_EQ(text.find("drizzle/0003_t.sql:2:1"), std::string::npos) << text;
  EXPECT_NE(text.find("      like the first, fix (unsafe: --unsafe-fixes): ALTER TABLE t0 ALTER COLUMN col "
                      "TYPE timestamptz;"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("      all 7: -v, or --rule timestamp-without-time-zone\n"), std::string::npos) << text;
  // Each unindexed FK stays its own entry, and their DDL is also one block.
  const std::size_t block = index_of(text, "The 7 foreign-key indexes in one block");
  for (const core::Finding& finding : run.findings) {
    if (finding.rule == "unindexed-foreign-key") {
      const std::size_t row = index_of(text, "  " + finding.location.to_string() + "  critical");
      EXPECT_LT(row, block);
      EXPECT_EQ(occurrences(text, finding.fix->statements()), 2U)
          << finding.fix->statements(); // its entry and the block
      EXPECT_NE(text.find("\n  " + finding.fix->statements() + "\n", block), std::string::npos);
    }
  }
  EXPECT_NE(text.find("To do: 8 actions: create 7 indexes, 1 fix pattern for many places "
                      "(timestamp-without-time-zone (7))"),
            std::string::npos)
      << text;

  // A handful stay separate; --rule (expand) lists every one.
  run.findings.resize(10);
  EXPECT_EQ(render_run(run).find("findings  low  timestamp"), std::string::npos);
  run.findings.clear();
  for (int i = 0; i < 7; ++i) {
    run.findings.push_back(timestamp_column(i));
  }
  const std::string expanded = render_run(run, nullptr, true);
  EXPECT_EQ(expanded.find("7 findings  low"), std::string::npos) << expanded;
  for (const core::Finding& finding : run.findings) {
    EXPECT_NE(expanded.find("  " + finding.location.to_string() + "  low  timestamp"), std::string::npos);
  }
}

TEST(TextReporter, FixShowsTheStatementThatDoesTheWork) {
  engine::RunReport run;
  core::Finding serial = located("serial-primary-key", core::Severity::low, "a.sql", 1, "users");
  serial.fix = core::Fix{};
  serial.fix->sql().ddl =
      "BEGIN;\nSET LOCAL lock_timeout = '5s';\n-- why\nALTER TABLE users ALTER COLUMN id DROP "
      "DEFAULT;\nCOMMIT;";
  run.findings.push_back(serial);
  run.findings.push_back(timestamp_column(1));
  const std::string text = render_run(run);
  EXPECT_NE(text.find("fix (unsafe: --unsafe-fixes): ALTER TABLE users ALTER COLUMN id DROP DEFAULT;  (+4 "
                      "more lines, see -v)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("fix (unsafe: --unsafe-fixes): ALTER TABLE t1 ALTER COLUMN col TYPE timestamptz;  (+1 "
                      "more line, see -v)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("): BEGIN"), std::string::npos);
  EXPECT_EQ(text.find("): SET"), std::string::npos);
}

} // namespace text_reporter_test

namespace text_reporter_test {

// A schema of 20,000 tables with 19,999 unindexed foreign keys: each is an
// action of its own, but past k_many_actions of one rule and severity only
// the first ten stay entries and the rest are one, so a critical finding of
// another kind is still in sight and the report stays readable.
TEST(TextReporter, ManyCriticalActionsOfOneKindCannotBuryAnother) {
  engine::RunReport run;
  for (int i = 0; i < 19999; ++i) {
    run.findings.push_back(unindexed_fk(i));
  }
  core::Finding push = located("drizzle-push-in-production", core::Severity::critical, "Dockerfile", 12, "");
  push.fix = core::Fix{};
  push.fix->change.emplace<core::ShellChange>();
  push.fix->shell().commands = "npx drizzle-kit migrate";
  run.findings.push_back(push);
  run.findings.push_back(located("json-in-text-column", core::Severity::high, "drizzle/0001_t.sql", 3, "t"));
  const std::string text = render_run(run);
  EXPECT_NE(text.find("Do first: critical and high (13 entries)"), std::string::npos) << text.substr(0, 3000);
  EXPECT_EQ(occurrences(text, "  critical  unindexed-foreign-key  unindexed-foreign-key on t"), 10U);
  EXPECT_EQ(occurrences(text, "  19989 more findings  critical  unindexed-foreign-key  "), 1U)
      << text.substr(0, 3000);
  EXPECT_NE(text.find("all 19989: -v, or --rule unindexed-foreign-key"), std::string::npos);
  // Every distinct critical and high kind keeps its own entry.
  EXPECT_EQ(occurrences(text, "Dockerfile:12:1  critical  drizzle-push-in-production"), 1U);
  EXPECT_EQ(occurrences(text, "drizzle/0001_t.sql:3:1  high  json-in-text-column"), 1U);
  // The block names the first hundred statements and says how to get the rest.
  EXPECT_NE(text.find("The 19999 foreign-key indexes in one block"), std::string::npos);
  EXPECT_NE(text.find("  -- and 19899 more: --rule unindexed-foreign-key lists them all"), std::string::npos);
  EXPECT_LT(occurrences(text, "\n"), 250U);
  // --rule lists every one.
  run.findings.resize(30);
  const std::string expanded = render_run(run, nullptr, true);
  EXPECT_EQ(occurrences(expanded, "  critical  unindexed-foreign-key  "), 30U) << expanded;
  // Twenty stay entries of their own, as before.
  run.findings.resize(20);
  const std::string twenty = render_run(run);
  EXPECT_EQ(occurrences(twenty, "  critical  unindexed-foreign-key  "), 20U) << twenty;
  EXPECT_EQ(twenty.find("more findings"), std::string::npos) << twenty;
}

} // namespace text_reporter_test
