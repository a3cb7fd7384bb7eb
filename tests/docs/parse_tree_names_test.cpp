// libpg_query's node names stay in src/pg/ (ARCHITECTURE.md, "Parse trees:
// one transformer each"): the code above pg/ reads pgadvise's own shapes
// (model::QueryShape, pg::Expression, pg::ExpressionFacts,
// pg::SessionCommand), never "ColumnRef" or "FuncCall". The one other
// reader of the tree is the DDL replay, loaders/sql/replay_*, which walks
// migrations straight into the Catalog through loaders/sql/replay_tree.
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sstream>
#include <string>

namespace parse_tree_names_test {

namespace fs = std::filesystem;

// Every node type of the parse tree: the json_name of each field of
// `message Node` in libpg_query's pg_query.proto.
std::set<std::string> node_names() {
  std::ifstream in(pgadvise::test::pg_query_proto());
  std::set<std::string> names;
  std::string line;
  bool in_node = false;
  while (std::getline(in, line)) {
    if (line.rfind("message Node ", 0) == 0) {
      in_node = true;
    } else if (in_node && line.rfind('}', 0) == 0) {
      break;
    } else if (const auto at = line.find("json_name=\""); in_node && at != std::string::npos) {
      const std::size_t start = at + 11;
      names.insert(line.substr(start, line.find('"', start) - start));
    }
  }
  return names;
}

bool allowed(const fs::path& relative) {
  const std::string path = relative.generic_string();
  return path.rfind("pg/", 0) == 0 || path.rfind("loaders/sql/replay", 0) == 0;
}

TEST(ParseTreeNames, TheNodeListIsRead) {
  const std::set<std::string> names = node_names();
  EXPECT_GT(names.size(), 200U) << pgadvise::test::pg_query_proto();
  for (const char* name : {"ColumnRef", "FuncCall", "A_Expr", "TypeCast", "A_Const", "SelectStmt"}) {
    EXPECT_EQ(names.count(name), 1U) << name;
  }
}

TEST(ParseTreeNames, NoNodeNameOutsidePg) {
  const std::set<std::string> names = node_names();
  ASSERT_FALSE(names.empty());
  const fs::path src = fs::path(PGADVISE_SOURCE_DIR) / "src";
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(src)) {
    const fs::path relative = fs::relative(entry.path(), src);
    const std::string extension = entry.path().extension().string();
    if (!entry.is_regular_file() || (extension != ".cpp" && extension != ".hpp") || allowed(relative)) {
      continue;
    }
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const std::string code = line.substr(0, line.find("//")); // comments may name EXPLAIN's words
      for (std::size_t open = code.find('"'); open != std::string::npos; open = code.find('"', open + 1)) {
        const std::size_t close = code.find('"', open + 1);
        if (close == std::string::npos) {
          break;
        }
        const std::string word = code.substr(open + 1, close - open - 1);
        if (names.count(word) > 0) {
          ADD_FAILURE() << "src/" << relative.generic_string() << ":" << number
                        << " names the parse tree node " << word
                        << "; read it in src/pg/ into a shape of pgadvise's own";
        }
        open = close;
      }
    }
  }
}

} // namespace parse_tree_names_test
