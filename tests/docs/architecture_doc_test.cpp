// ARCHITECTURE.md is the map of src/: every folder, and every file of app/
// (what a command does), must be named there, so the map cannot fall behind
// the code without this test failing.
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sstream>
#include <string>

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
       fs::directory_iterator(fs::path(PGADVISE_SOURCE_DIR) / "src" / "app")) {
    const std::string stem = entry.path().stem().string();
    if (text.find("`" + stem) == std::string::npos && text.find("/" + stem) == std::string::npos) {
      missing.insert(entry.path().filename().string());
    }
  }
  for (const std::string& file : missing) {
    ADD_FAILURE() << "ARCHITECTURE.md does not name src/app/" << file;
  }
}

} // namespace architecture_doc_test
