#include "loaders/sql/replay.hpp"
#include "loaders/sql/replay_script.hpp"
#include "loaders/sql/sql_replay_test_support.hpp"

#include <gtest/gtest.h>
#include <string>

namespace pgadvise::sql_replay_names_test {

using loaders::replay::Replay;
using loaders::replay::ReplayNames;
using loaders::replay::ScriptText;
using test::index_names;
using test::rule_ids;

void replay_file(loaders::SchemaLoad& load, const std::string& label, const std::string& sql,
                 ReplayNames& names) {
  ScriptText text(sql);
  Replay replay(load, label, text, &names);
  loaders::replay::replay_script(replay);
}

// replay_sql_files hands one file's name caches to the next: the second
// file finds the first's table and index names through them, and a
// catalog changed between two files (here its tables emptied) is looked
// up afresh, not through names it no longer holds.
TEST(SqlReplayNames, AFileTakesTheNamesTheFileBeforeLeftUnlessTheCatalogChangedBetween) {
  loaders::SchemaLoad load;
  ReplayNames names;
  replay_file(load, "0000.sql", "CREATE TABLE a (id int);\nCREATE INDEX a_id_idx ON a (id);\n", names);
  EXPECT_TRUE(names.valid);
  EXPECT_EQ(names.tables, 1U);
  EXPECT_TRUE(load.diagnostics.empty()) << rule_ids(load).size();

  replay_file(load, "0001.sql", "ALTER TABLE a ADD COLUMN b int;\nCREATE INDEX a_id_idx ON a (b);\n", names);
  ASSERT_EQ(load.catalog.tables.size(), 1U);
  EXPECT_EQ(load.catalog.tables[0].columns.size(), 2U);
  EXPECT_EQ(index_names(load.catalog.tables[0]), std::vector<std::string>{"a_id_idx"});
  ASSERT_EQ(load.diagnostics.size(), 1U); // the name is taken: the second index is not made
  EXPECT_EQ(load.diagnostics[0].location.file.str(), "0001.sql");

  load.catalog.tables.clear();
  load.diagnostics.clear();
  replay_file(load, "0002.sql", "CREATE TABLE c (id int);\nCREATE INDEX a_id_idx ON c (id);\n", names);
  ASSERT_EQ(load.catalog.tables.size(), 1U);
  EXPECT_EQ(index_names(load.catalog.tables[0]), std::vector<std::string>{"a_id_idx"});
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
}

} // namespace pgadvise::sql_replay_names_test
