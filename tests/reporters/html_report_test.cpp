#include "reporters/report.hpp"
#include "reporters/sample_report.hpp"
#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"
#include "support/test_label.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

// The HTML report rendered by a real browser (Debian's chromium, headless,
// offline): every finding of the JSON report is in the DOM and the counts
// agree. The screenshot is kept where PGADVISE_SCREENSHOT names (a .png path)
// for people to look at; else it goes with the test's folder.
namespace pgadvise::test {
namespace {

namespace fs = std::filesystem;

const std::string k_root = PGADVISE_SOURCE_DIR;

// pgadvise lint on the Drizzle app and its log, as FORMAT into OUTPUT.
int lint(const std::string& format, const fs::path& output) {
  return run_pgadvise({"lint", k_root + "/fixtures/drizzle-app", "--log",
                       k_root + "/fixtures/logs/stderr_session.log", "--log-line-prefix",
                       "%m %c %x %v [%p] %q%u@%d/%a ", "--fail-on", "none", "--format", format, "-o",
                       output.string()})
      .exit_code;
}

// Headless Chromium with a throwaway profile; ARGS after the common flags.
ProcessResult chromium(const fs::path& profile, std::vector<std::string> args) {
  // sh finds chromium on PATH; the arguments reach it unsplit ("$@").
  std::vector<std::string> all = {"-c",
                                  "exec chromium \"$@\"",
                                  "sh",
                                  "--headless",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--no-first-run",
                                  "--disable-background-networking",
                                  "--user-data-dir=" + profile.string()};
  all.insert(all.end(), args.begin(), args.end());
  return run_process("/bin/sh", all);
}

TEST(HtmlReport, ChromiumRendersEveryFindingOfTheJsonReport) {
  const std::string mislabeled = label_mismatch("browser");
  ASSERT_TRUE(mislabeled.empty()) << mislabeled;
  const TempTree tree; // removed even when an assertion stops the test
  const fs::path& dir = tree.root();
  ASSERT_EQ(lint("json", dir / "report.json"), 0);
  ASSERT_EQ(lint("html", dir / "report.html"), 0);
  const nlohmann::json report = nlohmann::json::parse(read_text(dir / "report.json"));
  ASSERT_GE(report["findings"].size(), 5U);

  const ProcessResult dumped = chromium(dir / "profile", {"--dump-dom", file_url(dir / "report.html")});
  ASSERT_EQ(dumped.exit_code, 0) << "chromium failed (scripts/install-deps.sh installs it): " << dumped.err;
  const std::string& dom = dumped.out;
  ASSERT_NE(dom.find("<section id=\"findings\">"), std::string::npos) << dom.substr(0, 500);

  EXPECT_EQ(count_of(dom, "class=\"finding\""), report["findings"].size());
  for (const auto& finding : report["findings"]) {
    const std::string fingerprint = finding["fingerprint"];
    EXPECT_NE(dom.find("data-fingerprint=\"" + fingerprint + "\""), std::string::npos)
        << finding["rule"] << " " << fingerprint;
    EXPECT_NE(dom.find("data-rule=\"" + finding["rule"].get<std::string>() + "\""), std::string::npos);
  }
  EXPECT_NE(dom.find("<b id=\"total\">" + std::to_string(report["findings"].size()) + "</b>"),
            std::string::npos);
  for (const auto& [severity, count] : report["summary"]["by_severity"].items()) {
    EXPECT_NE(dom.find("id=\"count-" + severity + "\">" + std::to_string(count.get<int>()) + "</b>"),
              std::string::npos)
        << severity;
  }
  for (const char* chart : {"chart-top-queries", "chart-bursts", "chart-rules", "chart-indexes"}) {
    EXPECT_NE(dom.find(std::string("id=\"") + chart + "\""), std::string::npos) << chart;
  }
  EXPECT_GE(count_of(dom, "<svg"), 4U); // every chart has data in this run
  // Self-contained: nothing is fetched from anywhere.
  EXPECT_EQ(dom.find("src=\"http"), std::string::npos);
  EXPECT_EQ(dom.find("href=\"http"), std::string::npos);
  // Literals from the log stay redacted.
  EXPECT_EQ(dom.find("@example.com"), std::string::npos);

  const char* keep = std::getenv("PGADVISE_SCREENSHOT");
  const std::string screenshot =
      keep != nullptr && *keep != '\0' ? std::string(keep) : (dir / "report.png").string();
  EXPECT_EQ(chromium(dir / "profile",
                     {"--window-size=1280,2400", "--screenshot=" + screenshot, file_url(dir / "report.html")})
                .exit_code,
            0);
  EXPECT_TRUE(fs::exists(screenshot));
}

// A code fix's text is the code to write at the loop, not a Drizzle schema
// line: its block says so and where.
TEST(HtmlReporter, CodeFixIsTitledAsACodeChange) {
  engine::RunReport run;
  core::Finding loop;
  loop.rule = "query-in-loop";
  loop.message = "Query in a loop";
  loop.fix = core::Fix{};
  loop.fix->change.emplace<core::CodeChange>();
  loop.fix->code().code = "await db.insert(invoices).values(rows);";
  loop.fix->code().at = "src/jobs/recurring-invoices.ts:14";
  loop.compute_fingerprint();
  run.findings.push_back(loop);
  std::ostringstream out;
  reporters::write_html(out, sample_input(run));
  EXPECT_NE(out.str().find("<small>Code change (src/jobs/recurring-invoices.ts:14)</small>"),
            std::string::npos);
  EXPECT_EQ(out.str().find("<small>Drizzle"), std::string::npos);
  const engine::RunReport sample = sample_run();
  std::ostringstream schema_fix;
  reporters::write_html(schema_fix, sample_input(sample));
  EXPECT_NE(schema_fix.str().find("<small>Drizzle (src/db/schema.ts:41)</small>"), std::string::npos);
}

} // namespace
} // namespace pgadvise::test
