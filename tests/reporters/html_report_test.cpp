#include "support/files.hpp"
#include "support/reports.hpp"
#include "support/test_label.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

// The HTML report rendered by a real browser (Debian's chromium, headless,
// offline): every finding of the JSON report is in the DOM and the counts
// agree. A screenshot is left in /tmp for people to look at.
namespace pgadvise::test {
namespace {

namespace fs = std::filesystem;

const std::string k_root = PGADVISE_SOURCE_DIR;

std::string run(const std::string& command, int* status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *status = -1;
    return out;
  }
  std::array<char, 65536> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    out.append(buffer.data(), n);
  }
  const int raw = pclose(pipe);
  *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

std::string lint_command(const std::string& format, const std::string& output) {
  return std::string(PGADVISE_BINARY) + " lint " + k_root + "/fixtures/drizzle-app --log " + k_root +
         "/fixtures/logs/stderr_session.log --log-line-prefix '%m %c %x %v [%p] %q%u@%d/%a ' --fail-on none "
         "--format " +
         format + " -o " + output;
}

TEST(HtmlReport, ChromiumRendersEveryFindingOfTheJsonReport) {
  const std::string mislabeled = label_mismatch("browser");
  ASSERT_TRUE(mislabeled.empty()) << mislabeled;
  const fs::path dir = fs::temp_directory_path() / ("pgadvise-html-" + std::to_string(getpid()));
  fs::create_directories(dir);
  int status = 0;
  run(lint_command("json", (dir / "report.json").string()), &status);
  ASSERT_EQ(status, 0);
  run(lint_command("html", (dir / "report.html").string()), &status);
  ASSERT_EQ(status, 0);
  const nlohmann::json report = nlohmann::json::parse(read_text(dir / "report.json"));
  ASSERT_GE(report["findings"].size(), 5U);

  const std::string chromium = "chromium --headless --no-sandbox --disable-gpu --no-first-run "
                               "--disable-background-networking --user-data-dir=" +
                               (dir / "profile").string();
  const std::string dom =
      run(chromium + " --dump-dom file://" + (dir / "report.html").string() + " 2>/dev/null", &status);
  ASSERT_EQ(status, 0) << "chromium failed (scripts/install-deps.sh installs it)";
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

  const std::string screenshot = (fs::temp_directory_path() / "pgadvise-html-report.png").string();
  run(chromium + " --window-size=1280,2400 --screenshot=" + screenshot + " file://" +
          (dir / "report.html").string() + " >/dev/null 2>&1",
      &status);
  EXPECT_EQ(status, 0);
  EXPECT_TRUE(fs::exists(screenshot));
  std::error_code ec;
  fs::remove_all(dir, ec);
}

} // namespace
} // namespace pgadvise::test
