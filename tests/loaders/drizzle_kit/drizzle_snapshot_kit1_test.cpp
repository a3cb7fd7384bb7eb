// drizzle-kit 1.0 snapshots (fixtures/discovery, made by drizzle-kit
// 1.0.0-rc.5): a base snapshot, then diffs whose deltas create, drop and
// alter rows; the newest folder's snapshot is the state after all of them.
#include "loaders/drizzle_kit/snapshot.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"
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

// fixtures/real-shapes/kit1-long-names, written by drizzle-kit 1.0.0-rc.5:
// the SQL, the snapshot and schema.ts read alike. Composite foreign keys
// whose default names pass 63 characters carry drizzle-kit's hashed names
// (<table>_<hash>_fkey; the hash alone after a 45-character table), the
// snapshot's {"name", "default"} operator class is read, a custom type
// that spells a generated column is its type (tsvector), and an array's
// default, an interval with fields and geometry(point,4326) read alike.
TEST(DrizzleSnapshotKit1, SqlSnapshotAndSchemaTsOfRealShapesAgree) {
  const fs::path project = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes" / "kit1-long-names";
  fs::path folder;
  for (const auto& entry : fs::directory_iterator(project / "drizzle")) {
    folder = entry.path();
  }
  const SchemaLoad snapshot = load_ok(folder / "snapshot.json");
  SchemaLoad sql;
  replay_sql_files({folder / "migration.sql"}, sql);
  const SchemaLoad schema_ts =
      load_drizzle_schema({project / "src" / "db" / "schema.ts"}, "", /*kit_1_names=*/true);
  for (const char* table : {"appointment_slots", "practitioner_roster_archived_copies_by_region"}) {
    const model::Table* from_sql = sql.catalog.find_table("public", table);
    const model::Table* from_snapshot = snapshot.catalog.find_table("public", table);
    const model::Table* from_ts = schema_ts.catalog.find_table("public", table);
    ASSERT_TRUE(from_sql != nullptr && from_snapshot != nullptr && from_ts != nullptr) << table;
    ASSERT_EQ(from_sql->foreign_keys.size(), 1U) << table;
    ASSERT_EQ(from_ts->foreign_keys.size(), 1U) << table;
    EXPECT_GT(from_sql->foreign_keys[0].name.size(), 10U);
    EXPECT_EQ(from_ts->foreign_keys[0].name, from_sql->foreign_keys[0].name) << table;
    ASSERT_EQ(from_snapshot->foreign_keys.size(), 1U) << table;
    EXPECT_EQ(from_snapshot->foreign_keys[0].name, from_sql->foreign_keys[0].name) << table;
  }
  const model::Table* rosters = snapshot.catalog.find_table("public", "practitioner_rosters");
  ASSERT_NE(rosters, nullptr);
  const model::Index* trigram = rosters->find_index("practitioner_rosters_name_trgm");
  ASSERT_NE(trigram, nullptr);
  ASSERT_EQ(trigram->keys.size(), 1U);
  EXPECT_EQ(trigram->keys[0].opclass, "gin_trgm_ops");
  for (const SchemaLoad* load : std::vector<const SchemaLoad*>{&sql, &snapshot, &schema_ts}) {
    const model::Table* table = load->catalog.find_table("public", "practitioner_rosters");
    ASSERT_NE(table, nullptr);
    ASSERT_NE(table->find_column("notes_search"), nullptr);
    EXPECT_EQ(table->find_column("notes_search")->type.display(), "tsvector");
    EXPECT_NE(table->find_index("practitioner_rosters_notes_search"), nullptr);
    for (const char* name : {"specialties", "slot_length", "clinic_point"}) {
      const model::Column* from_sql =
          sql.catalog.find_table("public", "practitioner_rosters")->find_column(name);
      const model::Column* here = table->find_column(name);
      ASSERT_TRUE(from_sql != nullptr && here != nullptr) << name;
      EXPECT_EQ(here->type.display(), from_sql->type.display()) << name;
      EXPECT_EQ(here->default_expr, from_sql->default_expr) << name;
    }
  }
}

} // namespace drizzle_snapshot_kit1_test
} // namespace pgadvise::loaders
