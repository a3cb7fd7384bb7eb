// The project scanner's index of Drizzle query calls (loaders/project/query_calls):
// which table and key column each call reads and the loop around it.

#include "loaders/project/scan.hpp"
#include "support/files.hpp"

#include <gtest/gtest.h>

namespace query_calls_test {

using namespace pgadvise;
using test::TempTree;

std::vector<model::QueryCall> scan(const TempTree& tree) {
  model::Project project;
  project.root = tree.root();
  loaders::scan_project(project);
  return project.query_calls;
}

const model::QueryCall* call_at(const std::vector<model::QueryCall>& calls, std::string_view file, int line) {
  for (const model::QueryCall& call : calls) {
    if (call.location.file == file && call.location.line == line) {
      return &call;
    }
  }
  return nullptr;
}

TEST(QueryCalls, SelectInAForOfLoopWithItsKeyAndRows) {
  TempTree tree;
  tree.write("src/feed.ts", R"(import { desc, eq } from "drizzle-orm";
import { db } from "./db";
import { posts, users as people } from "./schema";

export async function feed(offset: number): Promise<unknown[]> {
  const page = await db.select().from(posts).orderBy(desc(posts.id)).limit(10);
  const items = [];
  for (const post of page) {
    const [author] = await db
      .select()
      .from(people)
      .where(eq(people.id, post.userId));
    items.push({ ...post, author });
  }
  return items;
}
)");
  const auto calls = scan(tree);
  ASSERT_EQ(calls.size(), 2U);
  const model::QueryCall* page = call_at(calls, "src/feed.ts", 6);
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->table, "posts");
  EXPECT_TRUE(page->loop.empty());
  const model::QueryCall* lookup = call_at(calls, "src/feed.ts", 9);
  ASSERT_NE(lookup, nullptr);
  EXPECT_EQ(lookup->kind, model::QueryCallKind::select);
  EXPECT_EQ(lookup->table, "users"); // the import alias resolved
  ASSERT_EQ(lookup->key_columns, std::vector<std::string>{"id"});
  EXPECT_EQ(lookup->key_values, std::vector<std::string>{"post.userId"});
  EXPECT_EQ(lookup->loop, "for...of");
  EXPECT_EQ(lookup->loop_location.line, 8);
  EXPECT_EQ(lookup->loop_variable, "post");
  EXPECT_EQ(lookup->loop_iterable, "page");
  EXPECT_EQ(lookup->tables_before, std::vector<std::string>{"posts"});
}

TEST(QueryCalls, RelationalQueriesInPromiseAllMapAndCallbackWheres) {
  TempTree tree;
  tree.write("src/discussion.ts", R"(import * as schema from "./schema";
import { db } from "./db";

export const discussion = async (rows: { id: number }[]) =>
  Promise.all(
    rows.map(async (post) => ({
      comments: await db.query.comments.findMany({
        where: (c, { eq }) => eq(c.postId, post.id),
        with: { author: { where: (a, { eq }) => eq(a.id, 1) } },
      }),
      first: await db.query.users.findFirst({ where: { id: post.id } }),
    })),
  );

export async function single(id: number) {
  return db.select().from(schema.users).where(eq(schema.users.email, id));
}
)");
  const auto calls = scan(tree);
  ASSERT_EQ(calls.size(), 3U);
  const model::QueryCall* comments = call_at(calls, "src/discussion.ts", 7);
  ASSERT_NE(comments, nullptr);
  EXPECT_EQ(comments->kind, model::QueryCallKind::find_many);
  EXPECT_EQ(comments->table, "comments");
  // Only the top-level where: the nested `with` filter is another table's.
  EXPECT_EQ(comments->key_columns, std::vector<std::string>{"postId"});
  EXPECT_EQ(comments->loop, "Promise.all(.map)");
  EXPECT_EQ(comments->loop_location.line, 6);
  EXPECT_EQ(comments->loop_variable, "post");
  EXPECT_EQ(comments->loop_iterable, "rows");
  const model::QueryCall* first = call_at(calls, "src/discussion.ts", 11);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->kind, model::QueryCallKind::find_first);
  EXPECT_EQ(first->key_columns, std::vector<std::string>{"id"}); // drizzle-orm 1.0's object filter
  const model::QueryCall* single = call_at(calls, "src/discussion.ts", 16);
  ASSERT_NE(single, nullptr);
  EXPECT_EQ(single->table, "users"); // `schema.users` through the namespace import
  EXPECT_EQ(single->key_columns, std::vector<std::string>{"email"});
  EXPECT_TRUE(single->loop.empty());
}

TEST(QueryCalls, AHelperCalledInALoopIssuesItsQueryThere) {
  TempTree tree;
  tree.write("src/authors.ts", R"(import { eq } from "drizzle-orm";
import { db } from "./db";
import { users } from "./schema";

export async function loadAuthor(id: number) {
  const [author] = await db.select().from(users).where(eq(users.id, id));
  return author;
}
)");
  tree.write("src/feed.ts", R"(import { loadAuthor } from "./authors";

export async function feed(page: { userId: number }[]) {
  for (let i = 0; i < page.length; i++) {
    await loadAuthor(page[i].userId);
  }
}
)");
  // Not imported: a function of the same name elsewhere is not this helper.
  tree.write("src/other.ts", R"(export async function other(ids: number[]) {
  ids.forEach((id) => loadAuthor(id));
}
)");
  const auto calls = scan(tree);
  std::vector<const model::QueryCall*> via;
  for (const model::QueryCall& call : calls) {
    if (!call.via.empty()) {
      via.push_back(&call);
    }
  }
  ASSERT_EQ(via.size(), 1U);
  EXPECT_EQ(via[0]->via, "loadAuthor");
  EXPECT_EQ(via[0]->location, (core::SourceLocation{"src/authors.ts", 6, 26}));
  EXPECT_EQ(via[0]->via_location.file, "src/feed.ts");
  EXPECT_EQ(via[0]->via_location.line, 5);
  EXPECT_EQ(via[0]->loop, "for");
  EXPECT_EQ(via[0]->loop_location.line, 4);
}

TEST(QueryCalls, InsertUpdateDeleteAndLookAlikesThatAreNotDrizzle) {
  TempTree tree;
  tree.write("src/write.ts", R"(import { eq } from "drizzle-orm";
import { db } from "./db";
import { tags } from "./schema";

export async function save(rows: { id: number; name: string }[], cache: Map<number, string>) {
  for (const row of rows) {
    await db.insert(tags).values(row);
    await db.update(tags).set({ name: row.name }).where(eq(tags.id, row.id));
    cache.delete(row.id); // a Map, not a query
    const text = `from(${row.name})`;
  }
  while (rows.length > 0) db.delete(tags).where(eq(tags.id, rows.pop()!.id));
}
)");
  const auto calls = scan(tree);
  ASSERT_EQ(calls.size(), 3U);
  EXPECT_EQ(call_at(calls, "src/write.ts", 7)->kind, model::QueryCallKind::insert);
  EXPECT_EQ(call_at(calls, "src/write.ts", 8)->kind, model::QueryCallKind::update);
  EXPECT_EQ(call_at(calls, "src/write.ts", 8)->key_columns, std::vector<std::string>{"id"});
  const model::QueryCall* removal = call_at(calls, "src/write.ts", 12);
  ASSERT_NE(removal, nullptr);
  EXPECT_EQ(removal->kind, model::QueryCallKind::remove);
  EXPECT_EQ(removal->loop, "while");
}

TEST(QueryCalls, BrokenFilesAreReadAsFarAsTheyGo) {
  TempTree tree;
  tree.write("src/broken.ts",
             "for (const x of rows) { await db.select().from(users).where(eq(users.id, x.id)\n");
  tree.write("src/types.d.ts", "declare const x: typeof db.select().from(users);\n");
  model::Project project;
  project.root = tree.root();
  loaders::scan_project(project);
  EXPECT_EQ(project.query_files_searched, 1U); // the .d.ts is not searched
  for (const model::QueryCall& call : project.query_calls) {
    EXPECT_EQ(call.location.file, "src/broken.ts");
  }
}

} // namespace query_calls_test
