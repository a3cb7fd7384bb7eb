// loaders/sql/replay_cache: the language server's kept replay gives what a
// replay from scratch gives, after edits of any migration, and replays
// again only from the first changed one.
#include "core/file.hpp"
#include "core/text_generation.hpp"
#include "loaders/sql/migrations.hpp"
#include "loaders/sql/replay_cache.hpp"
#include "support/files.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace sql_replay_cache_test {

namespace fs = std::filesystem;
using pgadvise::loaders::ReplayCache;
using pgadvise::loaders::SchemaLoad;

// What a replay made, as text: tables with their columns, indexes and
// foreign keys, the steps, the diagnostics, the files read.
std::string summary(const SchemaLoad& load) {
  std::string out;
  for (const auto& table : load.catalog.tables) {
    out += "table " + table.name + ":";
    for (const auto& column : table.columns) {
      out += " " + column.name;
    }
    for (const auto& index : table.indexes) {
      out += " index " + index.name;
    }
    for (const auto& fk : table.foreign_keys) {
      out += " fk " + fk.name + "@" + std::to_string(fk.location.line);
    }
    out += "\n";
  }
  out += std::to_string(load.catalog.migration_steps.size()) + " steps\n";
  for (const auto& step : load.catalog.migration_steps) {
    out += step.statement.str() + " @" + step.location.file.str() + ":" + std::to_string(step.location.line) +
           "\n";
  }
  for (const auto& diagnostic : load.diagnostics) {
    out +=
        diagnostic.rule + " " + diagnostic.message + " @" + std::to_string(diagnostic.location.line) + "\n";
  }
  for (const std::string& file : load.replayed_files) {
    out += "read " + file + "\n";
  }
  return out;
}

std::string fresh(const std::vector<fs::path>& files) {
  SchemaLoad load;
  pgadvise::loaders::replay_sql_files(files, load);
  return summary(load);
}

std::string kept(ReplayCache& cache, const std::vector<fs::path>& files, std::uint64_t start = 0) {
  SchemaLoad load;
  cache.replay(files, start, load);
  return summary(load);
}

TEST(SqlReplayCache, ReplaysFromTheFirstChangedMigrationAndGivesWhatAFreshReplayGives) {
  const pgadvise::test::TempTree tree;
  const std::vector<fs::path> files = {
      tree.write("drizzle/0000_init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                                          "CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint);\n"),
      tree.write("drizzle/0001_fk.sql", "ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY "
                                        "(author_id) REFERENCES users (id);\n"),
      tree.write("drizzle/0002_index.sql", "CREATE INDEX users_email_idx ON users (email);\n"
                                           "ALTER TABLE users ADD COLUMN name text;\n")};
  ReplayCache cache;
  EXPECT_EQ(kept(cache, files), fresh(files));
  EXPECT_EQ(cache.reused(), 0U);

  // Editing 0001 (an editor's unsaved buffer): the state before it is kept
  // from now on, and each later run replays 0001 and 0002 only.
  const std::vector<std::string> edits = {
      "\nALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id);\n",
      "\nALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id);\n"
      "CREATE INDEX posts_author_idx ON posts (author_id);\n",
      "ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES userz (id);\n",
      "ALTER TABLE nowhere ADD COLUMN x int;\nCREATE TABL oops;\n"};
  for (std::size_t i = 0; i < edits.size(); ++i) {
    SCOPED_TRACE(i);
    pgadvise::core::set_file_overlay(files[1], edits[i]);
    EXPECT_EQ(kept(cache, files), fresh(files));
    if (i > 0) {
      EXPECT_EQ(cache.reused(), 1U);
    }
  }
  // 0000 edited: nothing before it to keep.
  pgadvise::core::set_file_overlay(files[0],
                                   "CREATE TABLE users (id bigint PRIMARY KEY, email text, x int);\n"
                                   "CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint);\n");
  EXPECT_EQ(kept(cache, files), fresh(files));
  EXPECT_EQ(cache.reused(), 0U);
  pgadvise::core::clear_file_overlay(files[0]);
  pgadvise::core::clear_file_overlay(files[1]);
  // 0000 back as it was: the state kept before 0001 was made from the
  // other 0000, so it is not used. Unchanged after that: all three kept
  // once, then nothing replayed.
  EXPECT_EQ(kept(cache, files), fresh(files));
  EXPECT_EQ(cache.reused(), 0U);
  EXPECT_EQ(kept(cache, files), fresh(files));
  EXPECT_EQ(cache.reused(), 0U);
  EXPECT_EQ(kept(cache, files), fresh(files));
  EXPECT_EQ(cache.reused(), 3U);
  // Another start (a baseline snapshot's tables first): everything again.
  EXPECT_EQ(kept(cache, files, 42), fresh(files));
  EXPECT_EQ(cache.reused(), 0U);
}

// The language server begins a text generation once the replay kept its
// state (ReplayCache::after_keep): the kept state's generation holds none
// of the edited migration's texts, which go with the run that read them,
// and the kept state reads the same once that run is gone.
TEST(SqlReplayCache, TheKeptStateHoldsItsTextsWhenTheRunAfterItsKeepIsGone) {
  namespace generations = pgadvise::core::text_generation;
  const pgadvise::test::TempTree tree;
  const std::vector<fs::path> files = {
      tree.write("drizzle/0000_init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                                          "CREATE INDEX users_email_idx ON users (email);\n"),
      tree.write("drizzle/0001_more.sql", "ALTER TABLE users ADD COLUMN name text;\n")};
  ReplayCache cache;
  std::vector<std::uint32_t> later;
  cache.after_keep = [&later] { later.push_back(generations::begin()); };
  const std::uint32_t first = generations::begin();
  EXPECT_EQ(kept(cache, files), fresh(files));
  EXPECT_TRUE(later.empty()); // nothing unchanged before an edit yet: nothing kept
  generations::release(first);

  const std::uint32_t second = generations::begin();
  pgadvise::core::set_file_overlay(files[1], "ALTER TABLE users ADD COLUMN nick text;\n");
  SchemaLoad run;
  cache.replay(files, 0, run);
  EXPECT_EQ(summary(run), fresh(files));
  ASSERT_EQ(later.size(), 1U); // kept before 0001, then a generation for 0001's texts
  generations::release(second);
  generations::release(later[0]);
  const std::uint32_t third = generations::begin();
  // That run gone and the next begun, its 0001 texts are freed with their
  // generation (a freed text reads empty); 0000's are the kept state's,
  // still held.
  ASSERT_EQ(run.catalog.migration_steps.size(), 2U); // the CREATE INDEX and the ADD COLUMN
  for (const auto& step : run.catalog.migration_steps) {
    EXPECT_EQ(step.statement.str().empty(), step.location.file.str().find("0001") != std::string::npos)
        << step.location.file.str();
  }

  pgadvise::core::set_file_overlay(files[1], "ALTER TABLE users ADD COLUMN handle text;\n");
  EXPECT_EQ(kept(cache, files), fresh(files)); // 0000's statements read from the kept state
  EXPECT_EQ(cache.reused(), 1U);
  EXPECT_EQ(later.size(), 1U);
  generations::release(third);
  pgadvise::core::clear_file_overlay(files[1]);
}

// A file on disk is read again only when its stat moved since the last
// call; the editor's buffer is always read; a file changed just now is
// read at every call until it settles.
TEST(SqlReplayCache, ReadsAgainOnlyTheFilesWhoseStatMoved) {
  const pgadvise::test::TempTree tree;
  std::vector<fs::path> files = {
      tree.write("drizzle/0000_init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"),
      tree.write("drizzle/0001_posts.sql", "CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint);\n"),
      tree.write("drizzle/0002_index.sql", "CREATE INDEX users_email_idx ON users (email);\n")};
  ReplayCache cache(0); // every file settled at once
  EXPECT_EQ(kept(cache, files), fresh(files));
  EXPECT_EQ(cache.compared(), 3U);
  EXPECT_EQ(kept(cache, files), fresh(files));
  EXPECT_EQ(cache.compared(), 0U); // nothing read: every stat as it was

  pgadvise::core::set_file_overlay(files[1], "CREATE TABLE posts (id bigint PRIMARY KEY, author bigint);\n");
  EXPECT_EQ(kept(cache, files), fresh(files));
  EXPECT_EQ(cache.compared(), 1U);
  pgadvise::core::clear_file_overlay(files[1]);

  // 0002 rewritten on disk, the same size, its modification time set to
  // one of long ago: its stat moved, so it is read; 0001 is read as its
  // buffer is gone; 0000 is not.
  pgadvise::test::write_text(files[2], "CREATE INDEX users_emaiX_idx ON users (email);\n");
  const timespec times[2] = {{978307200, 0}, {978307200, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, files[2].c_str(), times, 0), 0);
  const std::string after = kept(cache, files);
  EXPECT_NE(after.find("index users_emaix_idx"), std::string::npos) << after;
  EXPECT_EQ(after, fresh(files));
  EXPECT_EQ(cache.compared(), 2U);

  // Files changed less than an hour ago, with an hour to settle: read at every call.
  ReplayCache wary(3'600'000'000'000);
  EXPECT_EQ(kept(wary, files), fresh(files));
  EXPECT_EQ(kept(wary, files), fresh(files));
  EXPECT_EQ(wary.compared(), 3U);
}

} // namespace sql_replay_cache_test
