// ARCHITECTURE.md is the map of src/: every folder, and every file of app/
// (what a command does), must be named there, so the map cannot fall behind
// the code without this test failing.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace architecture_doc_test {

namespace fs = std::filesystem;

std::string architecture_text() {
  std::ifstream in(fs::path(PGADVISE_SOURCE_DIR) / "ARCHITECTURE.md");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ArchitectureDoc, NamesEveryFolderOfSrc) {
  const std::string text = architecture_text();
  ASSERT_FALSE(text.empty());
  const fs::path src = fs::path(PGADVISE_SOURCE_DIR) / "src";
  std::set<std::string> missing;
  for (const fs::path& parent : {src, src / "loaders", src / "rules"}) {
    for (const fs::directory_entry& entry : fs::directory_iterator(parent)) {
      if (entry.is_directory() && text.find(entry.path().filename().string() + "/") == std::string::npos) {
        missing.insert(fs::relative(entry.path(), src).string());
      }
    }
  }
  for (const std::string& folder : missing) {
    ADD_FAILURE() << "ARCHITECTURE.md does not name src/" << folder << "/";
  }
}

TEST(ArchitectureDoc, NamesEveryFileOfApp) {
  const std::string text = architecture_text();
  std::set<std::string> missing;
  for (const fs::directory_entry& entry :
       fs::recursive_directory_iterator(fs::path(PGADVISE_SOURCE_DIR) / "src" / "app")) {
    const std::string stem = entry.path().stem().string();
    if (entry.is_directory()) {
      if (text.find("app/" + stem + "/") == std::string::npos) {
        missing.insert(stem + "/");
      }
    } else if (text.find("`" + stem) == std::string::npos && text.find("/" + stem) == std::string::npos) {
      missing.insert(entry.path().filename().string());
    }
  }
  for (const std::string& file : missing) {
    ADD_FAILURE() << "ARCHITECTURE.md does not name src/app/.../" << file;
  }
}

// The folders of app/, highest first: a file includes only its own folder
// and folders after it, so the use cases stack without a cycle
// (ARCHITECTURE.md says the same order).
const std::vector<std::string> k_app_order = {"inspect", "fix",    "lint",  "advise", "live",
                                              "config",  "inputs", "scope", "report"};

TEST(ArchitectureDoc, AppFoldersIncludeDownwardsOnly) {
  const fs::path app = fs::path(PGADVISE_SOURCE_DIR) / "src" / "app";
  const auto rank = [](const std::string& folder) {
    return std::find(k_app_order.begin(), k_app_order.end(), folder) - k_app_order.begin();
  };
  for (const fs::directory_entry& folder : fs::directory_iterator(app)) {
    if (!folder.is_directory()) {
      ADD_FAILURE() << "src/app/" << folder.path().filename().string() << " is not in a use-case folder";
      continue;
    }
    const std::string name = folder.path().filename().string();
    ASSERT_LT(static_cast<std::size_t>(rank(name)), k_app_order.size())
        << "src/app/" << name << "/ has no place in k_app_order";
    for (const fs::directory_entry& file : fs::directory_iterator(folder.path())) {
      std::ifstream in(file.path());
      std::string line;
      while (std::getline(in, line)) {
        const std::string prefix = "#include \"app/";
        if (line.rfind(prefix, 0) != 0) {
          continue;
        }
        const std::string target = line.substr(prefix.size(), line.find('/', prefix.size()) - prefix.size());
        EXPECT_GE(rank(target), rank(name)) << file.path().filename().string() << " (app/" << name
                                            << ") includes app/" << target << ", which is above it";
      }
    }
  }
}

} // namespace architecture_doc_test
