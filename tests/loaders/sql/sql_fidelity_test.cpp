#include "core/text.hpp"
#include "loaders/sql/sql_replay_test_support.hpp"

#include <gtest/gtest.h>
#include <set>

// Replay fidelity without a server at test time: each source below was run
// through PostgreSQL 15 and dumped (fixtures/sql/make_pg_dump.sh). Replaying
// the source must give the catalog that replaying PostgreSQL's own dump gives:
// the same default names, NOT NULLs, keys, indexes, foreign keys, partitions.
namespace pgadvise {
namespace {

std::string key_text(const model::Index& index) {
  std::string keys;
  for (const model::IndexKey& key : index.keys) {
    keys += (key.column.empty() ? "expr" : key.column) + (key.descending ? " desc" : "") + ",";
  }
  return keys;
}

std::set<std::string> facts(const model::Catalog& catalog) {
  std::set<std::string> out;
  for (const model::Table& t : catalog.tables) {
    const std::string table = t.qualified();
    out.insert("table " + table + (t.partitioned ? " partitioned" : "") +
               (t.partition_of.empty() ? "" : " of " + t.partition_of));
    for (const model::Column& c : t.columns) {
      out.insert("column " + table + "." + c.name + " " + c.type.schema + "." + c.type.name + "(" +
                 core::join(c.type.modifiers, ",") + ")[" + std::to_string(c.type.array_dims) + "]" +
                 (c.not_null ? " not null" : "") + (c.default_expr ? " default" : "") +
                 (c.identity ? " identity" : ""));
    }
    for (const model::Index& i : t.indexes) {
      out.insert("index " + table + " " + i.name + " kind " + std::to_string(static_cast<int>(i.kind)) +
                 (i.unique ? " unique" : "") + " " + i.method + " (" + key_text(i) + ") include(" +
                 core::join(i.include, ",") + ")" + (i.is_partial() ? " partial" : "") +
                 (i.valid ? "" : " invalid"));
    }
    for (const model::ForeignKey& fk : t.foreign_keys) {
      out.insert("fk " + table + " " + fk.name + " (" + core::join(fk.columns, ",") + ") -> " +
                 fk.ref_schema + "." + fk.ref_table + "(" + core::join(fk.ref_columns, ",") + ") " +
                 std::string(model::to_string(fk.on_delete)) + "/" +
                 std::string(model::to_string(fk.on_update)) + (fk.valid ? "" : " not valid"));
    }
    for (const model::CheckConstraint& check : t.checks) {
      out.insert("check " + table + " " + check.name);
    }
  }
  for (const model::Enum& e : catalog.enums) {
    out.insert("enum " + e.schema + "." + e.name + "(" + core::join(e.values, ",") + ")");
  }
  return out;
}

void expect_same_as_dump(const std::string& source, const std::string& dump) {
  const auto from_source = test::replay(test::read_text(test::sql_fixture(source)), source);
  const auto from_dump = test::replay(test::read_text(test::sql_fixture(dump)), dump);
  EXPECT_TRUE(from_source.diagnostics.empty()) << from_source.diagnostics.front().location.to_string() << " "
                                               << from_source.diagnostics.front().message;
  EXPECT_TRUE(from_dump.diagnostics.empty())
      << from_dump.diagnostics.front().location.to_string() << " " << from_dump.diagnostics.front().message;
  const std::set<std::string> expected = facts(from_dump.catalog);
  const std::set<std::string> actual = facts(from_source.catalog);
  EXPECT_GT(expected.size(), 50U);
  for (const std::string& fact : expected) {
    EXPECT_EQ(actual.count(fact), 1U) << "missing from the replay of " << source << ": " << fact;
  }
  for (const std::string& fact : actual) {
    EXPECT_EQ(expected.count(fact), 1U) << "not in PostgreSQL's dump: " << fact;
  }
}

TEST(SqlReplayFidelity, TrickyMigrationMatchesPostgresDump) {
  expect_same_as_dump("fidelity/0001_tricky.sql", "fidelity_dump.sql");
}

TEST(SqlReplayFidelity, AppSchemaMatchesPostgresDump) {
  expect_same_as_dump("pg_dump_source.sql", "pg_dump_schema.sql");
}

} // namespace
} // namespace pgadvise
