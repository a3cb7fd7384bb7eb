// ARCHITECTURE.md is the map of src/: every folder, and every file of app/
// (what a command does), must be named there, so the map cannot fall behind
// the code without this test failing.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <regex>
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
  std::vector<fs::path> parents = {src, src / "loaders", src / "rules"};
  for (const fs::directory_entry& category : fs::directory_iterator(src / "rules")) {
    if (category.is_directory()) {
      parents.push_back(category.path()); // a rule's private folder: rules/query/n_plus_one/
    }
  }
  for (const fs::path& parent : parents) {
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
const std::vector<std::string> k_app_order = {"lsp",  "inspect", "fix",    "lint",  "advise",
                                              "live", "config",  "inputs", "scope", "report"};

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

// The #include "..." lines of a file.
std::vector<std::string> includes_of(const fs::path& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  std::string line;
  const std::string prefix = "#include \"";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) {
      out.push_back(line.substr(prefix.size(), line.find('"', prefix.size()) - prefix.size()));
    }
  }
  return out;
}

// Every source file of src/, by its path relative to src/.
std::vector<std::string> source_files() {
  const fs::path src = fs::path(PGADVISE_SOURCE_DIR) / "src";
  std::vector<std::string> out;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(src)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".cpp" || ext == ".hpp")) {
      out.push_back(fs::relative(entry.path(), src).generic_string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A rule's private folder (rules/<category>/<folder>/, as clang-tidy keeps a
// check's helpers beside it) is included only by its own category's files:
// never from outside src/rules/, never by another category's rules.
TEST(ArchitectureDoc, RulePrivateFoldersStayInTheirCategory) {
  std::size_t private_includes = 0;
  for (const std::string& file : source_files()) {
    for (const std::string& include : includes_of(fs::path(PGADVISE_SOURCE_DIR) / "src" / file)) {
      // rules/<category>/<folder>/<name>.hpp: three slashes.
      if (include.rfind("rules/", 0) != 0 || std::count(include.begin(), include.end(), '/') != 3) {
        continue;
      }
      ++private_includes;
      const std::string category = include.substr(0, include.find('/', 6) + 1); // "rules/query/"
      EXPECT_EQ(file.rfind(category, 0), 0U)
          << "src/" << file << " includes " << include << ", private to the rules of src/" << category;
    }
  }
  EXPECT_GT(private_includes, 0U) << "no rule's private folder is included: is the test still looking?";
}

// rules/support/ holds only what two or more rules use; a helper of one
// rule lives in a folder beside it.
TEST(ArchitectureDoc, RulesSupportHoldsOnlyWhatSeveralRulesUse) {
  const std::vector<std::string> files = source_files();
  for (const std::string& header : files) {
    if (header.rfind("rules/support/", 0) != 0 || header.substr(header.size() - 4) != ".hpp") {
      continue;
    }
    std::set<std::string> users; // rule files, and the rules' own folders
    for (const std::string& file : files) {
      if (file.rfind("rules/", 0) != 0 || file.rfind("rules/support/", 0) == 0) {
        continue;
      }
      const auto includes = includes_of(fs::path(PGADVISE_SOURCE_DIR) / "src" / file);
      if (std::find(includes.begin(), includes.end(), header) != includes.end()) {
        const bool in_private = std::count(file.begin(), file.end(), '/') == 3;
        users.insert(in_private ? file.substr(0, file.rfind('/')) : file);
      }
    }
    EXPECT_GE(users.size(), 2U) << "src/" << header << " is used by " << users.size()
                                << " rule(s): move it beside that rule, in its private folder";
  }
}

// Facts are typed, not searched for in display text (issue 50): a
// fingerprint is made from an explicit identity, never by editing the
// finding's object, hashing it and putting it back; no rule searches a
// migration step's text for who runs it.
TEST(ArchitectureDoc, FingerprintsAndRunnersAreTypedFacts) {
  // `finding.object.constraint = ...` or `.clear()`: an edit of the object.
  const std::regex k_object_edit(R"(\.object\.\w+(\s*=[^=]|\.clear\(\)))");
  std::size_t fingerprints = 0;
  for (const std::string& file : source_files()) {
    std::ifstream in(fs::path(PGADVISE_SOURCE_DIR) / "src" / file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      lines.push_back(line);
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
      EXPECT_EQ(lines[i].find("transaction.find("), std::string::npos)
          << "src/" << file << ":" << i + 1
          << " searches a transaction's text: test MigrationStep::transaction";
      if (lines[i].find("compute_fingerprint(") == std::string::npos) {
        continue;
      }
      ++fingerprints;
      for (std::size_t j = i + 1; j < std::min(lines.size(), i + 6); ++j) {
        EXPECT_FALSE(std::regex_search(lines[j], k_object_edit))
            << "src/" << file << ":" << j + 1
            << " restores the object after hashing it: pass a core::FingerprintIdentity instead";
      }
    }
  }
  EXPECT_GT(fingerprints, 10U) << "is the test still looking?";
}

// An index's identity is computed once, when the index enters the model
// (pg::identify_index), and compared as a value (issue 50): only the
// identity itself parses an expression into its key, and SQL text is
// normalised only where the advisor compares the candidates it writes.
TEST(ArchitectureDoc, IndexesAreComparedByTheirIdentity) {
  const std::map<std::string, std::set<std::string>> allowed = {
      {"expression_key(",
       {"pg/expression_key.hpp", "pg/expression_key.cpp", "pg/index_identity.cpp",
        "advisor/expression_key.hpp", "advisor/expression_key.cpp",
        "rules/schema/snapshot_drift.cpp"}}, // a column's default, not an index
      {"normalize_sql(",
       {"advisor/index_match.hpp", "advisor/index_match.cpp", "advisor/index_advisor.cpp",
        "advisor/index_set_candidates.cpp"}},
      {"same_expression(", {}},
  };
  std::map<std::string, std::size_t> seen;
  for (const std::string& file : source_files()) {
    std::ifstream in(fs::path(PGADVISE_SOURCE_DIR) / "src" / file);
    std::size_t number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      for (const auto& [call, files] : allowed) {
        const std::size_t at = line.find(call);
        // A whole name: `set_key_of(` or `my_normalize_sql(` are others.
        if (at == std::string::npos ||
            (at > 0 &&
             (std::isalnum(static_cast<unsigned char>(line[at - 1])) != 0 || line[at - 1] == '_'))) {
          continue;
        }
        ++seen[call];
        EXPECT_TRUE(files.count(file) > 0)
            << "src/" << file << ":" << number << " calls " << call
            << "): compare indexes with advisor::same_definition / same_key, which read the identity "
               "pg::identify_index set when the index entered the model";
      }
    }
  }
  EXPECT_GT(seen["expression_key("], 3U) << "is the test still looking?";
  EXPECT_GT(seen["normalize_sql("], 3U) << "is the test still looking?";
}

// A fix is one of three typed changes (core::SqlChange, ShellChange,
// CodeChange, issue 50): its kind is the alternative it holds, never a
// field set beside texts whose meaning depends on it. Only the report's
// writers and readers see the flat fields every kind shares (FixFields).
TEST(ArchitectureDoc, FixesAreTypedAlternatives) {
  const std::set<std::string> wire = {"core/finding.hpp", "core/finding.cpp", "core/finding_spill.cpp",
                                      "reporters/json_reporter.cpp", "app/report/merge.cpp"};
  const std::regex k_kind_set(R"((\.|->)kind\s*=\s*core::FixKind::)");
  std::size_t flat = 0;
  for (const std::string& file : source_files()) {
    std::ifstream in(fs::path(PGADVISE_SOURCE_DIR) / "src" / file);
    std::size_t number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      EXPECT_EQ(line.find("ddl_is_sql("), std::string::npos)
          << "src/" << file << ":" << number << ": ask the fix (Fix::kind, statements_are_sql)";
      EXPECT_FALSE(std::regex_search(line, k_kind_set))
          << "src/" << file << ":" << number << " sets a fix's kind: emplace the change of that kind";
      if (line.find("fix_fields(") != std::string::npos ||
          line.find("fix_from_fields(") != std::string::npos) {
        ++flat;
        EXPECT_TRUE(wire.count(file) > 0)
            << "src/" << file << ":" << number
            << " reads a fix as the report's flat fields: read its change (Fix::sql, shell, code)";
      }
    }
  }
  EXPECT_GE(flat, 4U) << "is the test still looking?";
}

} // namespace architecture_doc_test
