// Redaction (issue 12): a workload full of e-mail addresses, API tokens and
// card numbers, linted in every output format `pgadvise lint --help` lists
// (so formats added later are covered without touching this test), must
// not print any of them: not in the report, not on stderr, not in --output
// files. The log is read twice: once with a recognized prefix (statements,
// parameters, parse errors) and once with an unrecognized one (the
// diagnostics that quote the first lines).
#include "cli/process.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace redaction_test {

namespace fs = std::filesystem;
using pgadvise::test::ProcessOptions;
using pgadvise::test::run_process;

const std::vector<std::string> k_secrets{"alice.smith@example.com", "tok_live_9f8e7d6c5b4a39281706",
                                         "4111111111111111",        "4111 1111 1111 1111",
                                         "bob@corp.example.org",    "ghp_A1b2C3d4E5f6G7h8I9j0KlMnOpQrStUv",
                                         "carol@example.net"};

// The formats `lint --help` offers: "-f,--format TEXT:{text,json,...}".
std::vector<std::string> listed_formats() {
  const auto help = run_process(PGADVISE_BINARY, {"lint", "--help"});
  const std::regex pattern(R"(--format TEXT:\{([^}]*)\})");
  std::smatch match;
  std::vector<std::string> formats;
  if (std::regex_search(help.out, match, pattern)) {
    std::stringstream list(match[1].str());
    std::string name;
    while (std::getline(list, name, ',')) {
      formats.push_back(name);
    }
  }
  return formats;
}

std::string log_line(int i, const std::string& prefix, const std::string& secret) {
  const std::string statements[] = {
      "SELECT id, email FROM users WHERE email = '" + secret + "';",
      "UPDATE accounts SET api_token = '" + secret + "' WHERE id = " + std::to_string(i) + ";",
      "SELECT * FROM payments WHERE card_number = '" + secret + "' AND note LIKE '%" + secret + "%';",
      "INSERT INTO sessions (token, user_email) VALUES ('" + secret + "', 'carol@example.net');",
      "SELECT * FROM users WHERE email = '" + secret + "' AND (", // does not parse
  };
  return prefix + "LOG:  duration: 0.5" + std::to_string(i % 10) +
         " ms  statement: " + statements[static_cast<std::size_t>(i) % 5] + "\n";
}

void write_workload(const fs::path& dir) {
  std::ofstream known(dir / "secrets.log");
  std::ofstream unknown(dir / "unknown.log");
  for (int i = 0; i < 100; ++i) {
    const std::string& secret = k_secrets[static_cast<std::size_t>(i) % k_secrets.size()];
    const std::string pid = std::to_string(1000 + i % 4);
    known << log_line(i, "2026-11-21 16:09:00.455 UTC [" + pid + "] app@app ", secret);
    if (i % 10 == 0) {
      known << "2026-11-21 16:09:00.455 UTC [" << pid
            << "] app@app LOG:  duration: 0.3 ms  execute <unnamed>: SELECT * FROM users WHERE email = $1\n"
            << "2026-11-21 16:09:00.455 UTC [" << pid << "] app@app DETAIL:  parameters: $1 = '" << secret
            << "'\n";
    }
    unknown << log_line(i, "<<" + pid + ">> ", secret);
  }
  std::ofstream(dir / "schema.sql")
      << "CREATE TABLE users (id bigint PRIMARY KEY, email text DEFAULT 'alice.smith@example.com');\n"
         "CREATE TABLE accounts (id bigint PRIMARY KEY, api_token text);\n"
         "CREATE TABLE payments (id bigint PRIMARY KEY, card_number text, note text,"
         " user_id bigint REFERENCES users (id));\n"
         "CREATE TABLE sessions (token text, user_email text CHECK (user_email <> "
         "'bob@corp.example.org'));\n";
}

TEST(Redaction, NoLiteralReachesAnyOutputFormat) {
  const pgadvise::test::TempTree tree; // removed even when an assertion stops the test
  const fs::path& dir = tree.root();
  write_workload(dir);
  const std::vector<std::string> formats = listed_formats();
  ASSERT_GE(formats.size(), 2U) << "lint --help lists no formats";

  ProcessOptions options;
  options.cwd = dir.string();
  for (const std::string& format : formats) {
    for (const char* log : {"secrets.log", "unknown.log"}) {
      SCOPED_TRACE(format + " " + std::string(log));
      const fs::path report = dir / ("report." + format);
      const auto printed = run_process(
          PGADVISE_BINARY, {"lint", "schema.sql", "--verbose", "--format", format, "--log", log}, options);
      const auto written = run_process(
          PGADVISE_BINARY,
          {"lint", "schema.sql", "--format", format, "--output", report.string(), "--log", log}, options);
      ASSERT_EQ(printed.exit_code, 1) << printed.err; // the unindexed FK at least
      ASSERT_FALSE(printed.out.empty());
      const std::string file = pgadvise::test::read_text(report);
      ASSERT_FALSE(file.empty());
      for (const std::string& secret : k_secrets) {
        EXPECT_EQ(printed.out.find(secret), std::string::npos) << secret << " in stdout";
        EXPECT_EQ(printed.err.find(secret), std::string::npos) << secret << " in stderr";
        EXPECT_EQ(written.err.find(secret), std::string::npos) << secret << " in stderr";
        EXPECT_EQ(file.find(secret), std::string::npos) << secret << " in " << report;
      }
    }
  }
}

// The one way to see the values: --show-literals adds each cited query's
// logged execution to the findings that cite it, literals and parameters
// included; the same run without the flag stays clean (the test above).
TEST(Redaction, ShowLiteralsAddsTheLoggedExecution) {
  const pgadvise::test::TempTree tree;
  const fs::path& dir = tree.root();
  write_workload(dir);
  ProcessOptions options;
  options.cwd = dir.string();
  const auto shown = run_process(
      PGADVISE_BINARY, {"lint", "schema.sql", "--format", "json", "--log", "secrets.log", "--show-literals"},
      options);
  ASSERT_EQ(shown.exit_code, 1) << shown.err;
  EXPECT_NE(shown.out.find(R"("kind": "example")"), std::string::npos) << shown.out;
  std::size_t secrets_shown = 0;
  for (const std::string& secret : k_secrets) {
    secrets_shown += shown.out.find(secret) != std::string::npos ? 1U : 0U;
  }
  EXPECT_GT(secrets_shown, 0U) << shown.out;
  EXPECT_NE(shown.out.find("-- parameters: $1 = '"), std::string::npos)
      << "bind parameters of the execute line";
}

} // namespace redaction_test
