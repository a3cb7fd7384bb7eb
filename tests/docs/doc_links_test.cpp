// The README is short and points into docs/; a moved or renamed page must
// not leave a link that leads nowhere. Every relative link in README.md,
// ARCHITECTURE.md and docs/*.md must name a file or folder of the checkout,
// and the README must stay a page a user reads (docs/ holds the reference).
#include "support/files.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <regex>
#include <string>
#include <vector>

namespace doc_links_test {

namespace fs = std::filesystem;

std::vector<fs::path> documents() {
  const fs::path root(PGADVISE_SOURCE_DIR);
  std::vector<fs::path> out{root / "README.md", root / "ARCHITECTURE.md"};
  for (const fs::directory_entry& entry : fs::directory_iterator(root / "docs")) {
    if (entry.path().extension() == ".md") {
      out.push_back(entry.path());
    }
  }
  return out;
}

TEST(DocLinks, EveryRelativeLinkResolves) {
  const std::regex link(R"(\]\(([^)#\s]+)(#[^)]*)?\))");
  std::size_t checked = 0;
  for (const fs::path& doc : documents()) {
    const std::string text = pgadvise::test::read_text(doc);
    ASSERT_FALSE(text.empty()) << doc;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), link); it != std::sregex_iterator(); ++it) {
      const std::string target = (*it)[1].str();
      if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0 ||
          target.rfind("mailto:", 0) == 0) {
        continue;
      }
      ++checked;
      std::error_code ec;
      EXPECT_TRUE(fs::exists(doc.parent_path() / target, ec))
          << doc.filename().string() << " links to " << target << ", which does not exist";
    }
  }
  EXPECT_GT(checked, 40U); // the rules table alone links every rule page
}

TEST(DocLinks, ReadmeStaysShortAndLinksEveryDocsPage) {
  const fs::path root(PGADVISE_SOURCE_DIR);
  const std::string readme = pgadvise::test::read_text(root / "README.md");
  const auto lines = static_cast<std::size_t>(std::count(readme.begin(), readme.end(), '\n'));
  EXPECT_LE(lines, 300U) << "README.md is for users: move reference material to docs/";
  for (const fs::directory_entry& entry : fs::directory_iterator(root / "docs")) {
    if (entry.path().extension() == ".md") {
      EXPECT_NE(readme.find("docs/" + entry.path().filename().string()), std::string::npos)
          << "README.md does not link docs/" << entry.path().filename().string();
    }
  }
}

} // namespace doc_links_test
