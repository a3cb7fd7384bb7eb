// pgadvise advise without a database: --budget's sizes and shares, and the
// set written as text and JSON from a model::IndexSet.
#include "app/advise/advise.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pgadvise::app {
namespace advise_test {

TEST(AdviseBudget, SizesInPostgresUnitsAndSharesOfTheData) {
  EXPECT_EQ(parse_budget("20MB")->bytes, 20LL * 1024 * 1024);
  EXPECT_EQ(parse_budget("1.5GB")->bytes, static_cast<std::int64_t>(1.5 * 1024 * 1024 * 1024));
  EXPECT_EQ(parse_budget("512 kB")->bytes, 512LL * 1024);
  EXPECT_EQ(parse_budget("2GiB")->bytes, 2LL * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_budget("4096")->bytes, 4096);
  EXPECT_DOUBLE_EQ(*parse_budget("0.25x")->share, 0.25);
  EXPECT_DOUBLE_EQ(*parse_budget("50%")->share, 0.5);
  const auto none = parse_budget("");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->bytes.has_value());
  EXPECT_FALSE(none->share.has_value());
  for (const char* bad : {"lots", "-1MB", "12 parsecs", "x"}) {
    const auto parsed = parse_budget(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find("--budget"), std::string::npos);
  }
}

model::IndexSet two_indexes() {
  model::IndexSet set;
  set.unit = "ms";
  set.cost_none = 1000;
  set.cost_chosen = 100;
  set.data_bytes = 40 * 1024 * 1024;
  set.budget_bytes = 20 * 1024 * 1024;
  set.size_bytes = 12 * 1024 * 1024;
  set.queries = 3;
  set.candidates = 17;
  set.evaluations = 120;
  set.seconds = 0.5;
  model::IndexSetEntry tags;
  tags.proposal.schema = "public";
  tags.proposal.table = "post_tags";
  tags.proposal.columns = {"tag_id", "post_id"};
  tags.proposal.name = "post_tags_tag_id_post_id_idx";
  tags.proposal.ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS post_tags_tag_id_post_id_idx ON post_tags "
                      "(tag_id, post_id);";
  tags.proposal.drizzle = "index(\"post_tags_tag_id_post_id_idx\").on(table.tagId, table.postId)";
  tags.size_bytes = 8 * 1024 * 1024;
  tags.saving = 700;
  tags.share = 0.7777;
  tags.redundant = {"post_tags_tag_id_idx"};
  tags.queries.push_back({0x1234, "SELECT post_id FROM post_tags WHERE tag_id = $1", 3385, 19, 0.2});
  model::IndexSetEntry logins;
  logins.proposal.schema = "public";
  logins.proposal.table = "users";
  logins.proposal.columns = {"last_login_at"};
  logins.proposal.name = "users_last_login_at_idx";
  logins.proposal.ddl =
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_last_login_at_idx ON users (last_login_at);";
  logins.size_bytes = 4 * 1024 * 1024;
  logins.saving = 200;
  logins.share = 0.2223;
  logins.write_cost = 3;
  set.entries = {tags, logins};
  model::IndexProposal gin;
  gin.ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS settings_prefs_gin_idx ON settings USING gin (prefs);";
  set.not_costed = {gin};
  return set;
}

TEST(AdviseReport, TextSaysTheOrderSharesSizesQueriesRedundantAndDdl) {
  std::ostringstream out;
  write_index_set_text(two_indexes(), out);
  const std::string text = out.str();
  EXPECT_NE(text.find("budget 20.0 MB (0.50x the 40.0 MB of data)"), std::string::npos) << text;
  EXPECT_NE(text.find("chosen: 2 indexes, 12.0 MB"), std::string::npos) << text;
  EXPECT_NE(text.find("(90% less, writes included)"), std::string::npos) << text;
  const auto first = text.find("1. post_tags_tag_id_post_id_idx on post_tags (tag_id, post_id)");
  const auto second = text.find("2. users_last_login_at_idx on users (last_login_at)");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_NE(text.find("78% of the saving"), std::string::npos) << text;
  EXPECT_NE(text.find("makes redundant: post_tags_tag_id_idx"), std::string::npos) << text;
  EXPECT_NE(text.find("serves: SELECT post_id FROM post_tags WHERE tag_id = $1 (plan cost 3385.0 -> 19.0)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Drizzle: index(\"post_tags_tag_id_post_id_idx\")"), std::string::npos) << text;
  EXPECT_NE(text.find("writes cost"), std::string::npos) << text;
  EXPECT_NE(text.find("Not costed (HypoPG cannot simulate GIN"), std::string::npos) << text;
}

TEST(AdviseReport, JsonKeepsTheBuildOrderAndEveryFigure) {
  std::ostringstream out;
  write_index_set_json(two_indexes(), out);
  const nlohmann::json doc = nlohmann::json::parse(out.str());
  ASSERT_EQ(doc["indexes"].size(), 2U);
  EXPECT_EQ(doc["indexes"][0]["name"], "post_tags_tag_id_post_id_idx");
  EXPECT_EQ(doc["indexes"][0]["redundant"][0], "post_tags_tag_id_idx");
  EXPECT_EQ(doc["indexes"][0]["queries"][0]["fingerprint"], "0000000000001234");
  EXPECT_DOUBLE_EQ(doc["relative_cost"].get<double>(), 0.1);
  EXPECT_EQ(doc["budget_bytes"], 20 * 1024 * 1024);
  EXPECT_EQ(doc["not_costed"].size(), 1U);
}

} // namespace advise_test
} // namespace pgadvise::app
