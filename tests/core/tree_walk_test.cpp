#include "core/tree_walk.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace pgadvise::core;

namespace tree_walk_test {

void touch(const fs::path& file) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file);
  out << "x";
}

struct Seen {
  std::string path;
  std::string name;
  TreeEntryKind kind;
  int depth;
};

std::vector<Seen> walk_all(const fs::path& root, std::size_t max_entries = 1000, bool* whole = nullptr) {
  std::vector<Seen> seen;
  const bool all = walk_tree(root, max_entries, [&seen](const TreeEntry& entry) {
    seen.push_back({std::string(entry.path), std::string(entry.name), entry.kind, entry.depth});
    return entry.name != "skipped";
  });
  if (whole != nullptr) {
    *whole = all;
  }
  return seen;
}

const Seen* find(const std::vector<Seen>& seen, const std::string& path) {
  for (const Seen& each : seen) {
    if (each.path == path) {
      return &each;
    }
  }
  return nullptr;
}

// Every file and folder with its path from the root, its name and depth;
// a folder's contents come right after it, and a folder the visitor turns
// down is reported but not entered.
TEST(WalkTree, ReportsEachEntryWithItsPathAndDepthFolderFirst) {
  const pgadvise::test::TempTree tree;
  touch(tree.root() / "package.json");
  touch(tree.root() / "apps/web/src/db.ts");
  touch(tree.root() / "apps/web/skipped/hidden.ts");
  fs::create_directories(tree.root() / "empty");
  bool whole = false;
  const std::vector<Seen> seen = walk_all(tree.root(), 1000, &whole);
  EXPECT_TRUE(whole);
  ASSERT_EQ(seen.size(), 7U);
  const Seen* db = find(seen, "apps/web/src/db.ts");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->name, "db.ts");
  EXPECT_EQ(db->kind, TreeEntryKind::file);
  EXPECT_EQ(db->depth, 3);
  const Seen* apps = find(seen, "apps");
  ASSERT_NE(apps, nullptr);
  EXPECT_EQ(apps->kind, TreeEntryKind::directory);
  EXPECT_EQ(apps->depth, 0);
  EXPECT_NE(find(seen, "apps/web/skipped"), nullptr);
  EXPECT_EQ(find(seen, "apps/web/skipped/hidden.ts"), nullptr);
  EXPECT_NE(find(seen, "empty"), nullptr);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    // Each entry's folder was reported before it (depth first, pre-order).
    const std::size_t slash = seen[i].path.rfind('/');
    if (slash == std::string::npos) {
      continue;
    }
    const std::string parent = seen[i].path.substr(0, slash);
    bool before = false;
    for (std::size_t j = 0; j < i; ++j) {
      before = before || seen[j].path == parent;
    }
    EXPECT_TRUE(before) << seen[i].path;
  }
}

// A link to a file is a file; a link to a folder is reported as one but
// never entered (a link back up cannot loop the walk); a broken link is
// not reported.
TEST(WalkTree, FollowsLinksToTellWhatTheyAreButNeverWalksIntoOne) {
  const pgadvise::test::TempTree tree;
  touch(tree.root() / "real/schema.ts");
  fs::create_symlink(tree.root() / "real/schema.ts", tree.root() / "linked.ts");
  fs::create_directory_symlink(tree.root(), tree.root() / "real/loop");
  fs::create_symlink(tree.root() / "missing.ts", tree.root() / "broken.ts");
  const std::vector<Seen> seen = walk_all(tree.root());
  const Seen* linked = find(seen, "linked.ts");
  ASSERT_NE(linked, nullptr);
  EXPECT_EQ(linked->kind, TreeEntryKind::file);
  const Seen* loop = find(seen, "real/loop");
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->kind, TreeEntryKind::linked_directory);
  EXPECT_EQ(find(seen, "real/loop/real"), nullptr);
  EXPECT_EQ(find(seen, "broken.ts"), nullptr);
  EXPECT_EQ(seen.size(), 4U); // real, real/schema.ts, linked.ts, real/loop
}

// The bound counts every entry; a walk cut by it says so.
TEST(WalkTree, StopsAtTheBoundAndSaysItDid) {
  const pgadvise::test::TempTree tree;
  for (int i = 0; i < 10; ++i) {
    touch(tree.root() / ("f" + std::to_string(i) + ".ts"));
  }
  bool whole = true;
  EXPECT_EQ(walk_all(tree.root(), 4, &whole).size(), 4U);
  EXPECT_FALSE(whole);
  EXPECT_EQ(walk_all(tree.root(), 10, &whole).size(), 10U);
  EXPECT_TRUE(whole);
}

TEST(WalkTree, AMissingRootHasNoEntries) {
  const pgadvise::test::TempTree tree;
  bool whole = false;
  EXPECT_TRUE(walk_all(tree.root() / "absent", 1000, &whole).empty());
  EXPECT_TRUE(whole);
  touch(tree.root() / "file.ts");
  EXPECT_TRUE(walk_all(tree.root() / "file.ts").empty()); // a file is no folder to walk
}

// A root given through a link to a folder is walked (the link is the
// user's own choice of where to look).
TEST(WalkTree, WalksARootGivenThroughALink) {
  const pgadvise::test::TempTree tree;
  touch(tree.root() / "app/src/db.ts");
  fs::create_directory_symlink(tree.root() / "app", tree.root() / "current");
  const std::vector<Seen> seen = walk_all(tree.root() / "current");
  EXPECT_NE(find(seen, "src/db.ts"), nullptr);
}

} // namespace tree_walk_test

namespace tree_walk_listing_test {

// What a walk saw answers for the folders it listed, by their absolute
// paths (the root's own, with or without a slash, included); a folder it
// did not list, or a path outside the root, is left to the file system.
TEST(FolderListing, AnswersForTheFoldersItListedOnly) {
  pgadvise::core::FolderListing listing("/work/app");
  listing.add_folder("");
  listing.add_folder("packages/db");
  listing.add_entry("tsconfig.json");
  listing.add_entry("packages/db/node_modules");
  EXPECT_EQ(listing.holds("/work/app", "tsconfig.json"), std::optional<bool>(true));
  EXPECT_EQ(listing.holds("/work/app", "jsconfig.json"), std::optional<bool>(false));
  EXPECT_EQ(listing.holds("/work/app/packages/db", "node_modules"), std::optional<bool>(true));
  EXPECT_EQ(listing.holds("/work/app/packages/db", "tsconfig.json"), std::optional<bool>(false));
  EXPECT_EQ(listing.holds("/work/app/packages", "tsconfig.json"), std::nullopt); // not listed
  EXPECT_EQ(listing.holds("/work", "tsconfig.json"), std::nullopt);              // above the root
  EXPECT_EQ(listing.holds("/work/application", "tsconfig.json"), std::nullopt);  // beside it
  pgadvise::core::FolderListing with_slash("/work/app/");
  with_slash.add_folder("");
  with_slash.add_entry("tsconfig.json");
  EXPECT_EQ(with_slash.holds("/work/app", "tsconfig.json"), std::optional<bool>(true));
}

} // namespace tree_walk_listing_test
