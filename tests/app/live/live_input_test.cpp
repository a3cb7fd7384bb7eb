// The pure parts of `--db`: which connection settings a command line gives,
// and how the live catalog takes locations from the schema files.
#include "app/live/live_input.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace live_input_test {

using namespace pgadvise;

bool has_note(const std::vector<std::string>& notes, std::string_view text) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& note) { return note.find(text) != std::string::npos; });
}

TEST(LiveConnectOptions, EnvAndABareDbMeanThePgEnvironment) {
  for (const char* value : {"", "env"}) {
    app::LiveOptions options;
    options.db_given = true;
    options.db = value;
    auto connect = app::connect_options(options);
    ASSERT_TRUE(connect.ok()) << value;
    EXPECT_EQ(connect->conninfo, "") << value;
  }
}

TEST(LiveConnectOptions, UrisAndKeyValueStringsAreKeptAndTimeoutsApplied) {
  app::LiveOptions options;
  options.db_given = true;
  options.db = "postgresql://app@db.internal:5433/app";
  options.statement_timeout_ms = 1234;
  options.lock_timeout_ms = 56;
  auto connect = app::connect_options(options);
  ASSERT_TRUE(connect.ok());
  EXPECT_EQ(connect->conninfo, options.db);
  EXPECT_EQ(connect->statement_timeout.count(), 1234);
  EXPECT_EQ(connect->lock_timeout.count(), 56);
  options.db = "host=db.internal dbname=app";
  ASSERT_TRUE(app::connect_options(options).ok());
}

// `--db TARGET` (a bare `--db` when empty), and `--verify`.
app::LiveOptions with_db(std::string target, advisor::VerifyMode verify = advisor::VerifyMode::hypopg) {
  app::LiveOptions options;
  options.db_given = true;
  options.db = std::move(target);
  options.verify = verify;
  return options;
}

TEST(LiveConnectOptions, TheMainSessionStaysReadOnlyEvenForRealVerification) {
  const auto connect = app::connect_options(with_db("", advisor::VerifyMode::real));
  ASSERT_TRUE(connect.ok());
  EXPECT_TRUE(connect->read_only);
}

TEST(LiveConnectOptions, APlainWordIsAUsageErrorWithoutItsPassword) {
  const auto connect = app::connect_options(with_db("production"));
  ASSERT_FALSE(connect.ok());
  EXPECT_NE(connect.error().message.find("--db"), std::string::npos);
}

model::Table live_posts() {
  model::Table posts;
  posts.name = "posts";
  for (const char* name : {"id", "author_id"}) {
    model::Column column;
    column.name = name;
    column.type = model::parse_type_text("integer");
    column.not_null = true;
    posts.columns.push_back(column);
  }
  model::Index pk;
  pk.name = "posts_pkey";
  pk.kind = model::IndexKind::primary_key;
  model::IndexKey key;
  key.column = "id";
  pk.keys.push_back(key);
  posts.indexes.push_back(pk);
  model::ForeignKey fk;
  fk.name = "posts_author_id_users_id_fk";
  fk.columns = {"author_id"};
  fk.ref_table = "users";
  posts.foreign_keys.push_back(fk);
  return posts;
}

TEST(OverlayFileLocations, MatchingObjectsKeepTheirFileLocationsAndDrizzleNames) {
  model::Catalog live;
  live.source = model::SchemaSource::live;
  live.tables.push_back(live_posts());
  model::Table only_live;
  only_live.name = "sessions";
  live.tables.push_back(only_live);

  model::Catalog files;
  files.source = model::SchemaSource::sql_replay;
  files.source_description = "SQL replay of drizzle/";
  model::Table posts = live_posts();
  posts.location = {"drizzle/0000.sql", 10, 1};
  posts.property = "posts";
  posts.columns[1].location = {"drizzle/0000.sql", 12, 3};
  posts.columns[1].set_property("authorId");
  posts.indexes[0].location = {"drizzle/0000.sql", 11, 3};
  posts.foreign_keys[0].location = {"drizzle/0000.sql", 30, 1};
  files.tables.push_back(posts);
  model::Table only_files;
  only_files.name = "drafts";
  files.tables.push_back(only_files);

  std::vector<std::string> notes;
  app::overlay_file_locations(live, files, notes);
  const model::Table* merged = live.find_table("public", "posts");
  ASSERT_NE(merged, nullptr);
  EXPECT_EQ(merged->location.line, 10);
  EXPECT_EQ(merged->property, "posts");
  EXPECT_EQ(merged->columns[1].location.line, 12);
  EXPECT_EQ(merged->columns[1].property(), "authorId");
  EXPECT_FALSE(merged->columns[0].location.known()); // `id` had no location in the files
  EXPECT_EQ(merged->indexes[0].location.line, 11);
  EXPECT_EQ(merged->foreign_keys[0].location.file, "drizzle/0000.sql");
  EXPECT_EQ(merged->foreign_keys[0].location.line, 30);
  // The live catalog stays the schema: nothing from the files is added.
  EXPECT_EQ(live.tables.size(), 2U);
  EXPECT_EQ(live.find_table("public", "drafts"), nullptr);
  EXPECT_TRUE(has_note(notes, "not in the database (not checked): public.drafts"));
  EXPECT_TRUE(has_note(notes, "not in the schema files (no file locations): public.sessions"));
}

TEST(OverlayFileLocations, ObjectsMatchByNameNotByPosition) {
  model::Catalog live;
  live.tables.push_back(live_posts());
  model::Catalog files;
  model::Table posts = live_posts();
  posts.foreign_keys[0].name = "posts_author_fk_renamed";
  posts.foreign_keys[0].location = {"drizzle/0000.sql", 30, 1};
  files.tables.push_back(posts);
  std::vector<std::string> notes;
  app::overlay_file_locations(live, files, notes);
  EXPECT_FALSE(live.tables[0].foreign_keys[0].location.known());
}

} // namespace live_input_test
