#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace unindexed_foreign_key_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "unindexed-foreign-key";

model::Table users() {
  model::Table t = table("users", {column("id")});
  t.indexes.push_back(primary_key("users_pkey", {"id"}));
  return t;
}

model::Table orgs() {
  model::Table t = table("orgs", {column("id")});
  t.indexes.push_back(primary_key("orgs_pkey", {"id"}));
  return t;
}

// memberships(org_id, user_id, role) with FKs to orgs and users; `indexes`
// are its only indexes.
model::Catalog memberships_with(std::vector<model::Index> indexes) {
  model::Table m = table("memberships", {column("org_id"), column("user_id"), column("role", "text")}, 10);
  m.foreign_keys.push_back(foreign_key("memberships_org_id_fk", {"org_id"}, "orgs", {"id"}, 14));
  m.foreign_keys.push_back(foreign_key("memberships_user_id_fk", {"user_id"}, "users", {"id"}, 15));
  m.indexes = std::move(indexes);
  return catalog_of({orgs(), users(), m});
}

// ---- covered: no finding -------------------------------------------------

TEST(UnindexedForeignKey, CompositePrimaryKeyCoversItsFirstColumnOnly) {
  const auto findings =
      run_rule(k_rule, memberships_with({primary_key("memberships_pkey", {"org_id", "user_id"}, 12)}));
  // org_id leads the PK: covered. user_id is second: not covered.
  EXPECT_EQ(constraints(findings), std::vector<std::string>{"memberships_user_id_fk"});
}

TEST(UnindexedForeignKey, UniqueConstraintCovers) {
  const auto findings =
      run_rule(k_rule, memberships_with({unique_constraint("m_user_org_key", {"user_id", "org_id"}),
                                         index("m_org_idx", {"org_id"})}));
  EXPECT_TRUE(findings.empty());
}

TEST(UnindexedForeignKey, UniqueIndexAndMultiColumnIndexLeadingWithItCover) {
  const auto findings = run_rule(k_rule, memberships_with({unique_index("m_org_role_key", {"org_id", "role"}),
                                                           index("m_user_role_idx", {"user_id", "role"})}));
  EXPECT_TRUE(findings.empty());
}

TEST(UnindexedForeignKey, MultiColumnForeignKeyCoveredInAnyOrder) {
  model::Table parent = table("pairs", {column("a"), column("b")});
  parent.indexes.push_back(primary_key("pairs_pkey", {"a", "b"}));
  model::Table child = table("child", {column("x"), column("a"), column("b")});
  child.foreign_keys.push_back(foreign_key("child_pair_fk", {"a", "b"}, "pairs", {"a", "b"}));
  child.indexes.push_back(index("child_b_a_x_idx", {"b", "a", "x"}));
  EXPECT_TRUE(run_rule(k_rule, catalog_of({parent, child})).empty());
}

TEST(UnindexedForeignKey, IndexOnPartitionedParentCoversPartitionForeignKey) {
  model::Table parent = table("events", {column("id"), column("user_id")});
  parent.partitioned = true;
  parent.indexes.push_back(index("events_user_id_idx", {"user_id"}));
  parent.foreign_keys.push_back(foreign_key("events_user_id_fk", {"user_id"}, "users"));
  model::Table partition = table("events_2024", {column("id"), column("user_id")});
  partition.partition_of = "public.events";
  partition.foreign_keys.push_back(foreign_key("events_2024_user_id_fk", {"user_id"}, "users"));
  EXPECT_TRUE(run_rule(k_rule, catalog_of({users(), parent, partition})).empty());
}

TEST(UnindexedForeignKey, PartitionedParentCoveredWhenEveryPartitionIsIndexed) {
  model::Table parent = table("events", {column("id"), column("user_id")});
  parent.partitioned = true;
  parent.foreign_keys.push_back(foreign_key("events_user_id_fk", {"user_id"}, "users"));
  model::Table p1 = table("events_2024", {column("id"), column("user_id")});
  p1.partition_of = "public.events";
  p1.indexes.push_back(index("events_2024_user_id_idx", {"user_id"}));
  EXPECT_TRUE(run_rule(k_rule, catalog_of({users(), parent, p1})).empty());
  model::Table p2 = table("events_2025", {column("id"), column("user_id")});
  p2.partition_of = "public.events";
  EXPECT_EQ(constraints(run_rule(k_rule, catalog_of({users(), parent, p1, p2}))),
            std::vector<std::string>{"events_user_id_fk"});
}

// ---- not covered: one finding --------------------------------------------

TEST(UnindexedForeignKey, SecondColumnOfCompositePrimaryKeyIsReportedWithEvidence) {
  const auto findings =
      run_rule(k_rule, memberships_with({primary_key("memberships_pkey", {"org_id", "user_id"}, 12)}));
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& f = findings[0];
  EXPECT_EQ(f.rule, "unindexed-foreign-key");
  EXPECT_EQ(f.severity, core::Severity::critical);
  EXPECT_EQ(f.object.table, "memberships");
  EXPECT_EQ(f.object.columns, std::vector<std::string>{"user_id"});
  EXPECT_EQ(f.location, at(15)); // the FK's own line
  ASSERT_EQ(f.evidence.size(), 2U);
  EXPECT_EQ(f.evidence[0].location, at(15));
  EXPECT_EQ(f.evidence[0].kind, core::Evidence::Kind::ddl);
  EXPECT_NE(f.evidence[0].detail.find("REFERENCES users (id)"), std::string::npos);
  EXPECT_EQ(f.evidence[1].location, at(12));
  EXPECT_NE(f.evidence[1].detail.find("memberships_pkey"), std::string::npos);
  EXPECT_NE(f.evidence[1].detail.find("user_id in position 2"), std::string::npos) << f.evidence[1].detail;
  ASSERT_TRUE(f.fix);
  EXPECT_EQ(f.fix->statements(),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS memberships_user_id_idx ON memberships (user_id);");
  EXPECT_NE(f.fix->safety_note.find("transaction"), std::string::npos);
  EXPECT_TRUE(f.fix->code_text().empty()); // no project: no Drizzle line
}

// Replayed from Prisma Migrate's folder, the note says where the change
// goes (schema.prisma) and how Prisma runs a CONCURRENTLY build; otherwise
// drizzle-kit migrate's transaction.
TEST(UnindexedForeignKey, APrismaFoldersNoteSendsTheIndexThroughSchemaPrisma) {
  model::Catalog catalog = memberships_with({primary_key("memberships_pkey", {"org_id", "user_id"}, 12)});
  const auto drizzle = run_rule(k_rule, catalog);
  ASSERT_EQ(drizzle.size(), 1U);
  ASSERT_TRUE(drizzle[0].fix);
  EXPECT_NE(drizzle[0].fix->safety_note.find("drizzle-kit migrate"), std::string::npos);
  catalog.migrations_runner = model::MigrationTransaction::prisma;
  const auto prisma = run_rule(k_rule, catalog);
  ASSERT_EQ(prisma.size(), 1U);
  ASSERT_TRUE(prisma[0].fix);
  const std::string note(prisma[0].fix->safety_note.view());
  EXPECT_NE(note.find("make the change in schema.prisma"), std::string::npos) << note;
  EXPECT_NE(note.find("prisma migrate dev --create-only"), std::string::npos) << note;
  EXPECT_EQ(note.find("drizzle"), std::string::npos) << note;
}

TEST(UnindexedForeignKey, NearMissesAreNotCoverage) {
  model::Index partial = index("m_user_partial_idx", {"user_id"}, 20);
  partial.predicate = "role <> 'guest'";
  model::Index expression = keyed_index("m_user_expr_idx", {expression_key("(user_id + 0)")}, 21);
  model::Index invalid = index("m_user_invalid_idx", {"user_id"}, 23);
  invalid.valid = false;
  model::Index trailing = index("m_role_user_idx", {"role", "user_id"}, 24);
  model::Index org_pk = primary_key("memberships_pkey", {"org_id", "role"});
  const auto findings = run_rule(k_rule, memberships_with({org_pk, partial, expression, invalid, trailing}));
  ASSERT_EQ(constraints(findings), std::vector<std::string>{"memberships_user_id_fk"});
  std::vector<int> evidence_lines;
  for (const auto& e : findings[0].evidence) {
    evidence_lines.push_back(e.location.line);
  }
  // The FK, then every index that mentions user_id but cannot serve it.
  EXPECT_EQ(evidence_lines, (std::vector<int>{15, 20, 21, 23, 24}));
  EXPECT_NE(findings[0].evidence[2].detail.find("expression (user_id + 0)"), std::string::npos)
      << findings[0].evidence[2].detail;
}

// The lookup of a deleted parent's key (user_id = $1) runs on these on
// PostgreSQL 15, as pg-index-health also counts them: a hash index on the
// one column, and a partial index whose predicate the equality implies.
TEST(UnindexedForeignKey, HashAndNotNullPartialIndexesServeTheLookup) {
  model::Index hash = index("m_user_hash_idx", {"user_id"}, 22);
  hash.method = "hash";
  const model::Index org_pk = primary_key("memberships_pkey", {"org_id", "role"});
  EXPECT_TRUE(run_rule(k_rule, memberships_with({org_pk, hash})).empty());
  for (const std::string predicate :
       {"user_id IS NOT NULL", "(\"user_id\" IS NOT NULL)", "user_id IS NOT NULL AND user_id IS NOT NULL"}) {
    model::Index partial = index("m_user_set_idx", {"user_id"}, 20);
    partial.predicate = predicate;
    EXPECT_TRUE(run_rule(k_rule, memberships_with({org_pk, partial})).empty()) << predicate;
  }
  for (const std::string predicate :
       {"role IS NOT NULL", "user_id IS NULL", "user_id IS NOT NULL OR true", "user_id IS NOT NULL AND"}) {
    model::Index partial = index("m_user_some_idx", {"user_id"}, 20);
    partial.predicate = predicate;
    EXPECT_EQ(run_rule(k_rule, memberships_with({org_pk, partial})).size(), 1U) << predicate;
  }
}

TEST(UnindexedForeignKey, MultiColumnForeignKeyNeedsAllColumnsLeading) {
  model::Table parent = table("pairs", {column("a"), column("b")});
  parent.indexes.push_back(primary_key("pairs_pkey", {"a", "b"}));
  model::Table child = table("child", {column("x"), column("a"), column("b")});
  child.foreign_keys.push_back(foreign_key("child_pair_fk", {"a", "b"}, "pairs", {"a", "b"}));
  child.indexes.push_back(index("child_a_x_b_idx", {"a", "x", "b"}));
  const auto findings = run_rule(k_rule, catalog_of({parent, child}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(findings[0].fix->statements(),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS child_a_b_idx ON child (a, b);");
}

TEST(UnindexedForeignKey, DrizzleLineWhenTheProjectUsesDrizzle) {
  model::Catalog catalog = memberships_with({primary_key("memberships_pkey", {"org_id", "user_id"})});
  catalog.tables[2].find_column("user_id")->set_property("memberId");
  model::Project project;
  project.uses_drizzle = true;
  const auto findings = run_rule(k_rule, catalog, {}, &project);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].fix->code_text(), "index(\"memberships_user_id_idx\").on(table.memberId)");
}

TEST(UnindexedForeignKey, ProposedNameAvoidsAnExistingIndexName) {
  // An index already named memberships_user_id_idx, but on other columns:
  // reusing the name with IF NOT EXISTS would silently do nothing.
  model::Index misnamed = index("memberships_user_id_idx", {"role"});
  const auto findings =
      run_rule(k_rule, memberships_with({primary_key("memberships_pkey", {"org_id", "user_id"}), misnamed}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].fix->statements(),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS memberships_user_id_idx1 ON memberships (user_id);");
}

TEST(UnindexedForeignKey, QuotesNamesThatNeedIt) {
  model::Table parent = table("User", {column("id")});
  parent.schema = "App";
  parent.indexes.push_back(primary_key("User_pkey", {"id"}));
  model::Table child = table("Order", {column("id"), column("userId")});
  child.schema = "App";
  child.indexes.push_back(primary_key("Order_pkey", {"id"}));
  child.foreign_keys.push_back(foreign_key("Order_userId_fk", {"userId"}, "User"));
  child.foreign_keys.back().ref_schema = "App";
  const auto findings = run_rule(k_rule, catalog_of({parent, child}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(
      findings[0].fix->statements(),
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"Order_userId_idx\" ON \"App\".\"Order\" (\"userId\");");
}

TEST(UnindexedForeignKey, PartitionedTableGetsAPlainCreateIndexAndPartitionsDoNotRepeatIt) {
  model::Table parent = table("events", {column("id"), column("user_id")});
  parent.partitioned = true;
  parent.foreign_keys.push_back(foreign_key("events_user_id_fk", {"user_id"}, "users"));
  model::Table partition = table("events_2024", {column("id"), column("user_id")});
  partition.partition_of = "public.events";
  partition.foreign_keys.push_back(foreign_key("events_2024_user_id_fk", {"user_id"}, "users"));
  const auto findings = run_rule(k_rule, catalog_of({users(), parent, partition}));
  ASSERT_EQ(constraints(findings), std::vector<std::string>{"events_user_id_fk"});
  EXPECT_EQ(findings[0].fix->statements(),
            "CREATE INDEX IF NOT EXISTS events_user_id_idx ON events (user_id);");
}

TEST(UnindexedForeignKey, FingerprintFollowsTableAndColumnsNotLinesOrConstraintName) {
  const auto base = run_rule(k_rule, memberships_with({}));
  ASSERT_EQ(base.size(), 2U);
  EXPECT_NE(base[0].fingerprint, base[1].fingerprint);

  model::Catalog moved = memberships_with({});
  for (auto& fk : moved.tables[2].foreign_keys) {
    fk.location = at(fk.location.line + 40);
    fk.name += "_renamed";
  }
  const auto after = run_rule(k_rule, moved);
  ASSERT_EQ(after.size(), 2U);
  EXPECT_EQ(after[0].fingerprint, base[0].fingerprint);
  EXPECT_EQ(after[1].fingerprint, base[1].fingerprint);
}

} // namespace unindexed_foreign_key_test
