#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace random_uuid_primary_key_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "random-uuid-primary-key";

model::Table uuid_table(std::string name, std::string default_expr) {
  model::Table out = table(std::move(name), {column("id", "uuid", true, std::move(default_expr), 2)}, 1);
  out.indexes.push_back(primary_key(out.name + "_pkey", {"id"}));
  return out;
}

TEST(RandomUuidPrimaryKey, ReportsRandomDefaults) {
  const auto findings = run_rule(
      k_rule, catalog_of({uuid_table("a", "gen_random_uuid()"), uuid_table("b", "public.uuid_generate_v4()"),
                          uuid_table("c", "UUID_GENERATE_V4()")}));
  ASSERT_EQ(findings.size(), 3U);
  EXPECT_EQ(findings[0].object.to_string(), "public.a(id)");
  EXPECT_EQ(findings[0].location.line, 2);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements(), "ALTER TABLE a ALTER COLUMN id SET DEFAULT uuidv7();");
}

TEST(RandomUuidPrimaryKey, TimeOrderedOrNoDefaultIsClean) {
  model::Table none = table("n", {column("id", "uuid", true)});
  none.indexes.push_back(primary_key("n_pkey", {"id"}));
  model::Table not_key =
      table("k", {column("id", "int8"), column("token", "uuid", true, "gen_random_uuid()")});
  not_key.indexes.push_back(primary_key("k_pkey", {"id"}));
  EXPECT_TRUE(run_rule(k_rule, catalog_of({uuid_table("a", "uuidv7()"), uuid_table("b", "uuid_generate_v7()"),
                                           none, not_key}))
                  .empty());
}

TEST(RandomUuidPrimaryKey, SeverityGrowsWithSize) {
  model::Table big = uuid_table("big", "gen_random_uuid()");
  big.stats = model::TableStats{};
  big.stats->reltuples = 5'000'000;
  model::Table small = uuid_table("small", "gen_random_uuid()");
  small.stats = model::TableStats{};
  small.stats->reltuples = 200;
  const auto findings = run_rule(k_rule, catalog_of({big, small}));
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].severity, core::Severity::high);
  EXPECT_EQ(findings[1].severity, core::Severity::low);
}

} // namespace random_uuid_primary_key_test
