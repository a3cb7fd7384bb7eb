// drizzle-kit 1.0 snapshots (fixtures/discovery, made by drizzle-kit
// 1.0.0-rc.5): a base snapshot, then diffs whose deltas create, drop and
// alter rows; the newest folder's snapshot is the state after all of them.
#include "loaders/drizzle_kit/snapshot.hpp"
#include "model/catalog.hpp"
#include "support/drizzle_files.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <string>

namespace pgadvise::loaders {
namespace drizzle_snapshot_kit1_test {

namespace fs = std::filesystem;
using test::TempTree;

const fs::path k_layouts = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "discovery";

SchemaLoad load_ok(const fs::path& file) {
  auto load = load_drizzle_snapshot(file);
  EXPECT_TRUE(load.ok()) << (load.ok() ? "" : load.error().to_string());
  return load.ok() ? std::move(load).value() : SchemaLoad{};
}

TEST(DrizzleSnapshotKit1, BaseThenDiffIsTheWholeSchema) {
  const SchemaLoad load =
      load_ok(k_layouts / "kit-1.0" / "drizzle" / "20261123091827_comments" / "snapshot.json");
  const model::Table* posts = load.catalog.find_table("public", "posts");
  const model::Table* comments = load.catalog.find_table("public", "comments");
  const model::Table* users = load.catalog.find_table("public", "users");
  ASSERT_NE(posts, nullptr);    // from the base
  ASSERT_NE(comments, nullptr); // from the diff
  ASSERT_NE(users, nullptr);
  ASSERT_EQ(posts->foreign_keys.size(), 1U);
  EXPECT_EQ(posts->foreign_keys[0].name, "posts_author_id_users_id_fkey");
  EXPECT_EQ(posts->foreign_keys[0].on_delete, model::FkAction::cascade);
  EXPECT_EQ(comments->foreign_keys.size(), 2U);
  EXPECT_NE(comments->find_index("comments_post_id_idx"), nullptr);
  EXPECT_NE(users->find_index("users_email_key"), nullptr);
  ASSERT_NE(posts->primary_key(), nullptr);
  EXPECT_EQ(posts->primary_key()->name, "posts_pkey");
  ASSERT_NE(posts->find_column("price"), nullptr);
  EXPECT_EQ(posts->find_column("price")->type.modifiers, (std::vector<std::string>{"10", "2"}));
}

TEST(DrizzleSnapshotKit1, DropAndAlterDeltasApply) {
  const fs::path dir = k_layouts / "kit-1.0-changes" / "drizzle";
  const SchemaLoad load = load_ok(dir / "20261123093232_changes" / "snapshot.json");
  const model::Table* posts = load.catalog.find_table("public", "posts");
  const model::Table* comments = load.catalog.find_table("public", "comments");
  ASSERT_NE(posts, nullptr);
  ASSERT_NE(comments, nullptr);
  EXPECT_EQ(posts->find_column("rating"), nullptr); // dropped
  ASSERT_NE(posts->find_column("title"), nullptr);
  EXPECT_EQ(posts->find_column("title")->type.name, "varchar"); // altered from text
  EXPECT_NE(comments->find_column("created_at"), nullptr);      // created
  // The middle snapshot is the state before that migration.
  const SchemaLoad before = load_ok(dir / "20261123091827_comments" / "snapshot.json");
  ASSERT_NE(before.catalog.find_table("public", "posts"), nullptr);
  EXPECT_NE(before.catalog.find_table("public", "posts")->find_column("rating"), nullptr);
}

TEST(DrizzleSnapshotKit1, MissingParentIsAnErrorNamingTheSnapshot) {
  TempTree tree;
  const fs::path diff =
      tree.copy(k_layouts / "kit-1.0" / "drizzle" / "20261123091827_comments" / "snapshot.json",
                "drizzle/20261123091827_comments/snapshot.json");
  auto load = load_drizzle_snapshot(diff);
  ASSERT_FALSE(load.ok());
  EXPECT_NE(load.error().message.find("parent snapshot"), std::string::npos) << load.error().to_string();
  EXPECT_NE(load.error().location.file.find("snapshot.json"), std::string::npos);
}

} // namespace drizzle_snapshot_kit1_test
} // namespace pgadvise::loaders
