// The command line is read once, into typed options: each command takes its
// options before or after its paths, --db's optional value never swallows a
// path, and every word-valued option arrives as its enum.
#include "cli/command_line.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

namespace command_line_test {

using namespace pgadvise;

// Parses `args` (without the program name); the parse error's text, or "".
std::string parse(cli::CommandLine& line, std::vector<std::string> args) {
  std::vector<std::string> words = {"pgadvise"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& word : words) {
    argv.push_back(word.data());
  }
  try {
    line.app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

std::unique_ptr<cli::CommandLine> parsed(const std::vector<std::string>& args) {
  auto line = cli::make_command_line();
  const std::string error = parse(*line, args);
  EXPECT_EQ(error, "") << "parsing failed";
  return line;
}

const std::string k_conninfo = "host=/tmp/nowhere dbname=app";

TEST(LintCommandLine, OptionsBeforeAndAfterThePathsReadTheSame) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"lint", "--db", k_conninfo, "--format", "json", "--fail-on", "none", "proj", "more"},
           {"lint", "proj", "more", "--db", k_conninfo, "--format", "json", "--fail-on", "none"},
           {"lint", "proj", "--db", k_conninfo, "more", "--format=json", "--fail-on=none"}}) {
    const auto line = parsed(args);
    const app::LintOptions& options = line->lint_options;
    EXPECT_EQ(options.paths, (std::vector<std::string>{"proj", "more"}));
    EXPECT_TRUE(options.live.db_given);
    EXPECT_EQ(options.live.db, k_conninfo);
    EXPECT_EQ(options.format->name, "json");
    ASSERT_TRUE(options.fail_on.has_value());
    EXPECT_FALSE(options.fail_on->at.has_value()); // none: never fail
  }
}

TEST(LintCommandLine, ABareDbBeforeAPathLeavesThePathAPath) {
  const auto line = parsed({"lint", "--db", ".", "--verbose"}); // "." exists: a path
  EXPECT_TRUE(line->lint_options.live.db_given);
  EXPECT_EQ(line->lint_options.live.db, ""); // the PG* environment
  EXPECT_EQ(line->lint_options.paths, std::vector<std::string>{"."});
  const auto uri = parsed({"lint", "--db", "postgresql://app@localhost/app", "."});
  EXPECT_EQ(uri->lint_options.live.db, "postgresql://app@localhost/app");
  EXPECT_EQ(uri->lint_options.paths, std::vector<std::string>{"."});
  const auto env = parsed({"lint", ".", "--db"});
  EXPECT_TRUE(env->lint_options.live.db_given);
  EXPECT_EQ(env->lint_options.paths, std::vector<std::string>{"."});
}

TEST(LintCommandLine, VerifyLocksIsAFlagThatNeverTakesAPath) {
  EXPECT_EQ(parsed({"lint", "."})->lint_options.verify_locks, app::VerifyLocks::off);
  const auto local = parsed({"lint", "--verify-locks", "."});
  EXPECT_EQ(local->lint_options.verify_locks, app::VerifyLocks::local);
  EXPECT_EQ(local->lint_options.paths, std::vector<std::string>{"."});
  const auto server =
      parsed({"lint", ".", "--db", k_conninfo, "--verify-locks-on-db-server", "--verify-locks"});
  EXPECT_EQ(server->lint_options.verify_locks, app::VerifyLocks::db_server);
}

TEST(LintCommandLine, WordsAreTypedWhereTheyAreRead) {
  const auto line = parsed({"lint", "--color", "never", "--verify", "real", "--min-severity", "MEDIUM",
                            "--severity", "unindexed-foreign-key=critical", "--option",
                            "n-plus-one.min-burst=3", "--rule", "n-plus-one", "--format", "sarif"});
  const app::LintOptions& options = line->lint_options;
  EXPECT_EQ(options.color, app::ColorMode::never);
  EXPECT_EQ(options.live.verify, advisor::VerifyMode::real);
  EXPECT_EQ(options.min_severity, core::Severity::medium);
  EXPECT_EQ(options.severities.at("unindexed-foreign-key"), core::Severity::critical);
  EXPECT_EQ(options.options.at("n-plus-one").at("min-burst"), "3");
  EXPECT_EQ(options.rules, std::vector<std::string>{"n-plus-one"});
  EXPECT_EQ(options.format->name, "sarif");
  const auto defaults = parsed({"lint"});
  EXPECT_EQ(defaults->lint_options.format->name, "text");
  EXPECT_FALSE(defaults->lint_options.fail_on.has_value()); // the config's, else high
  EXPECT_EQ(defaults->lint_options.live.verify, advisor::VerifyMode::hypopg);
}

TEST(LintCommandLine, UnknownWordsAreRefusedWithTheWordNamed) {
  for (const auto& [args, word] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"lint", "--fail-on", "bogus"}, "bogus"},
           {{"lint", "--min-severity", "severe"}, "severe"},
           {{"lint", "--rule", "no-such-rule"}, "no-such-rule"},
           {{"lint", "--disable", "no-such-rule"}, "no-such-rule"},
           {{"lint", "--severity", "unindexed-foreign-key=loud"}, "loud"},
           {{"lint", "--option", "n-plus-one.no-such-option=1"}, "no-such-option"},
           {{"lint", "--format", "yaml"}, "yaml"},
           {{"lint", "--color", "sometimes"}, "sometimes"},
           {{"lint", "--verify", "maybe"}, "maybe"}}) {
    auto line = cli::make_command_line();
    const std::string error = parse(*line, args);
    EXPECT_NE(error.find(word), std::string::npos) << args[1] << ": " << error;
  }
}

TEST(FixCommandLine, OptionsBeforeAndAfterThePaths) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"fix", "--db", k_conninfo, "--rule", "unindexed-foreign-key", "--write", "app"},
           {"fix", "app", "--db", k_conninfo, "--rule", "unindexed-foreign-key", "--write"}}) {
    const auto line = parsed(args);
    EXPECT_EQ(line->fix_options.lint.paths, std::vector<std::string>{"app"});
    EXPECT_EQ(line->fix_options.lint.live.db, k_conninfo);
    EXPECT_EQ(line->fix_options.lint.rules, std::vector<std::string>{"unindexed-foreign-key"});
    EXPECT_TRUE(line->fix_options.write);
  }
}

TEST(BaselineCommandLine, OptionsBeforeAndAfterThePaths) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"baseline", "--min-severity", "high", "-o", "base.json", "app"},
           {"baseline", "app", "--min-severity", "high", "-o", "base.json"}}) {
    const auto line = parsed(args);
    EXPECT_EQ(line->baseline_options.paths, std::vector<std::string>{"app"});
    EXPECT_EQ(line->baseline_options.min_severity, core::Severity::high);
    EXPECT_EQ(line->baseline_options.record_baseline, "base.json");
  }
}

TEST(SchemaCommandLine, OptionsBeforeAndAfterThePaths) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"schema", "-f", "json", "app"},
                                                                {"schema", "app", "-f", "json"}}) {
    const auto line = parsed(args);
    EXPECT_EQ(line->schema_options.paths, std::vector<std::string>{"app"});
    EXPECT_EQ(line->schema_options.format, app::DocumentFormat::json);
  }
}

TEST(MergeCommandLine, OptionsBeforeAndAfterTheReports) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"merge", "-f", "html", "a.json", "b.json"}, {"merge", "a.json", "b.json", "-f", "html"}}) {
    const auto line = parsed(args);
    EXPECT_EQ(line->merge_options.reports, (std::vector<std::string>{"a.json", "b.json"}));
    EXPECT_EQ(line->merge_options.format, app::DocumentFormat::html);
  }
}

TEST(ExplainCommandLine, OptionsBeforeAndAfterTheStatements) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"explain", "--db", k_conninfo, "--format", "json", "-p", "app", "select 1"},
           {"explain", "select 1", "--db", k_conninfo, "--format", "json", "-p", "app"}}) {
    const auto line = parsed(args);
    EXPECT_EQ(line->explain_options.queries, std::vector<std::string>{"select 1"});
    EXPECT_EQ(line->explain_options.advisor.live.db, k_conninfo);
    EXPECT_EQ(line->explain_options.advisor.paths, std::vector<std::string>{"app"});
    EXPECT_EQ(line->explain_options.format, app::DocumentFormat::json);
  }
}

TEST(StatsCommandLine, DbIsRequiredAndTakesTheSameTimeouts) {
  const auto line = parsed({"stats", "--db", k_conninfo, "--statement-timeout", "500", "-o", "s.json"});
  EXPECT_EQ(line->stats_options.live.db, k_conninfo);
  EXPECT_EQ(line->stats_options.live.statement_timeout_ms, 500);
  auto missing = cli::make_command_line();
  EXPECT_NE(parse(*missing, {"stats", "-o", "s.json"}).find("--db"), std::string::npos);
  auto not_conninfo = cli::make_command_line();
  EXPECT_NE(parse(*not_conninfo, {"stats", "--db", "prod"}).find("'prod'"), std::string::npos);
}

TEST(ShellCommandLine, TakesTheLiveOptionsOfExplain) {
  const auto line = parsed({"shell", "-p", "app", "--db", k_conninfo, "--verify", "none"});
  EXPECT_EQ(line->shell_options.advisor.live.db, k_conninfo);
  EXPECT_EQ(line->shell_options.advisor.live.verify, advisor::VerifyMode::none);
}

TEST(AdviseCommandLine, BudgetCountTimeAndTheWorkloadBeforeOrAfterThePath) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"advise", "--db", k_conninfo, "--budget", "0.5x", "--max-indexes", "4", "--time-limit", "9",
            "--log", "app.log", "--format", "json", "app"},
           {"advise", "app", "--db", k_conninfo, "--budget=0.5x", "--max-indexes=4", "--time-limit=9",
            "--log", "app.log", "-f", "json"}}) {
    const auto line = parsed(args);
    const app::AdviseOptions& options = line->advise_options;
    EXPECT_EQ(options.paths, std::vector<std::string>{"app"});
    EXPECT_EQ(options.live.db, k_conninfo);
    EXPECT_EQ(options.budget, "0.5x");
    EXPECT_EQ(options.max_indexes, 4U);
    EXPECT_DOUBLE_EQ(options.time_limit_seconds, 9);
    EXPECT_EQ(options.workload.logs, std::vector<std::string>{"app.log"});
    EXPECT_EQ(options.format, app::DocumentFormat::json);
  }
  auto missing = cli::make_command_line();
  EXPECT_NE(parse(*missing, {"advise", "--log", "app.log"}).find("--db"), std::string::npos);
}

TEST(LintCommandLine, NoIndexSetTurnsTheWorkloadSetOff) {
  EXPECT_TRUE(parsed({"lint", "--db", k_conninfo})->lint_options.live.index_set);
  EXPECT_FALSE(parsed({"lint", "--db", k_conninfo, "--no-index-set"})->lint_options.live.index_set);
}

TEST(RulesCommandLine, FormatIsTyped) {
  const auto line = parsed({"rules", "--format", "markdown"});
  EXPECT_EQ(line->rules_options.format, cli::RulesFormat::markdown);
}

} // namespace command_line_test
