// The project scanner's index of Drizzle query calls (loaders/project/query_calls):
// which table and key column each call reads and the loop around it.

#include "loaders/project/scan.hpp"
#include "query_calls_test_support.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <set>

namespace query_calls_test {

using namespace pgadvise;
using query_calls_test_support::chains;
using query_calls_test_support::scan;
using query_calls_test_support::write_db_package;
using test::TempTree;

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
  EXPECT_EQ(comments->loop_location.line, 5); // `Promise.all(`, the loop a fix rewrites
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

TEST(QueryCalls, ALoopsHelperIsFollowedThroughImportsBarrelsAndWorkspacePackages) {
  TempTree tree;
  write_db_package(tree);
  tree.write("apps/web/package.json", R"({ "name": "@acme/web", "dependencies": { "@acme/db": "*" } })");
  tree.write("apps/web/tsconfig.json", R"({
  // JSONC, as tsconfig files are
  "compilerOptions": { "baseUrl": ".", "paths": { "~/*": ["./src/*"] } },
})");
  tree.write("apps/web/src/lib/authors.ts", R"(import { userRepo, type Db } from "@acme/db";

// A helper of the app around a helper of the package: two levels.
export default async function authorOf(db: Db, id: number) {
  const [author] = await userRepo.findUser(db, id);
  return author;
}
)");
  tree.write("apps/web/src/page.ts", R"(import { db, postsOf, tagsForPost } from "@acme/db";
import * as userRepo from "@acme/db/repo/user.repo";
import authorOf from "~/lib/authors";

export async function page(rows: { id: number; userId: number }[]) {
  for (const row of rows) {
    await userRepo.findUser(db, row.userId);
  }
  await Promise.all(rows.map((row) => postsOf(db, { userId: row.userId })));
  rows.forEach((row) => tagsForPost(db, row.id));
  for (const row of rows) await authorOf(db, row.userId);
}
)");
  const auto calls = scan(tree);
  EXPECT_EQ(chains(calls),
            (std::vector<std::string>{
                "apps/web/src/page.ts:10 -> tagsForPost (packages/db/src/repo/tag.repo.ts:5) : tags",
                "apps/web/src/page.ts:11 -> authorOf (apps/web/src/lib/authors.ts:4) -> userRepo.findUser "
                "(packages/db/src/repo/user.repo.ts:5) : users",
                "apps/web/src/page.ts:6 -> userRepo.findUser (packages/db/src/repo/user.repo.ts:5) : users",
                "apps/web/src/page.ts:9 -> postsOf (packages/db/src/repo/post.repo.ts:5) : posts",
            }));
  // The keys in the loop's terms: the argument passed for the helper's parameter.
  for (const model::QueryCall& call : calls) {
    if (call.chain.empty()) {
      continue;
    }
    ASSERT_EQ(call.key_values.size(), 1U) << call.loop_location.to_string();
    EXPECT_EQ(call.key_values[0], call.table == "tags" ? "row.id" : "row.userId")
        << call.loop_location.to_string();
    EXPECT_EQ(call.loop_variable, "row");
    EXPECT_EQ(call.via, call.chain.front().callee);
  }
}

TEST(QueryCalls, TransactionsPerIterationAndLoopsInsideOne) {
  TempTree tree;
  write_db_package(tree);
  tree.write("packages/db/src/copy.ts", R"(import { desc, eq } from "drizzle-orm";
import { db, type Db } from "./client";
import { tags } from "./schema";

// Its own transaction: one per call.
export const addTag = (db: Db, postId: number) =>
  db.transaction(async (tx) => {
    const last = await tx.select().from(tags).where(eq(tags.postId, postId)).orderBy(desc(tags.id));
    await tx.insert(tags).values({ postId });
    return last;
  });

export async function copy(postIds: number[]) {
  for (const postId of postIds) {
    await addTag(db, postId);
  }
  await db.transaction(async (tx) => {
    for (const postId of postIds) {
      await tx.insert(tags).values({ postId });
    }
  });
  for (const postId of postIds) {
    await db.transaction(async (tx) => {
      await tx.insert(tags).values({ postId });
    });
  }
}
)");
  const auto calls = scan(tree);
  int checked = 0;
  for (const model::QueryCall& call : calls) {
    if (call.loop.empty()) {
      EXPECT_FALSE(call.in_transaction);
      continue;
    }
    ++checked;
    switch (call.loop_location.line) {
    case 14: // addTag's transaction, once per row
      EXPECT_TRUE(call.in_transaction) << call.location.to_string();
      EXPECT_FALSE(call.loop_in_transaction);
      break;
    case 18: // one transaction around the loop
      EXPECT_FALSE(call.in_transaction);
      EXPECT_TRUE(call.loop_in_transaction);
      break;
    case 22: // a transaction opened in the loop's body
      EXPECT_TRUE(call.in_transaction);
      EXPECT_FALSE(call.loop_in_transaction);
      break;
    default: ADD_FAILURE() << call.loop_location.to_string();
    }
  }
  EXPECT_EQ(checked, 4); // addTag's select and insert, and the two inserts
}

TEST(QueryCalls, ALoopOverAConstantListSaysHowLong) {
  TempTree tree;
  write_db_package(tree);
  tree.write("packages/db/src/roles.ts", R"(export const SYSTEM_ROLES = ["owner", "admin", "guest"] as const;
export const LIMITS = [1, 2, compute()];
)");
  tree.write("packages/db/src/setup.ts", R"(import { eq } from "drizzle-orm";
import { db } from "./client";
import { LIMITS, SYSTEM_ROLES } from "./roles";
import { users } from "./schema";

const LOCAL = ["a", "b"];

export async function setup(emails: string[]) {
  for (const role of SYSTEM_ROLES) await db.select().from(users).where(eq(users.email, role));
  for (const name of LOCAL) await db.select().from(users).where(eq(users.email, name));
  for (const id of [1, 2, 3, 4]) await db.select().from(users).where(eq(users.id, id));
  for (const limit of LIMITS) await db.select().from(users).where(eq(users.id, limit));
  for (const email of emails) await db.select().from(users).where(eq(users.email, email));
}
)");
  const auto calls = scan(tree);
  std::map<int, std::size_t> constant;
  for (const model::QueryCall& call : calls) {
    if (!call.loop.empty()) {
      constant[call.loop_location.line] = call.loop_constant;
    }
  }
  EXPECT_EQ(constant, (std::map<int, std::size_t>{{9, 3}, {10, 2}, {11, 4}, {12, 0}, {13, 0}}));
}

TEST(QueryCalls, FilesAreJudgedByWhatTheyImportAndNothingIsGuessed) {
  TempTree tree;
  write_db_package(tree);
  // Looks like Drizzle, imports nothing that reaches it: never tokenized.
  tree.write("packages/ui/src/list.ts", R"(import { useState } from "react";
export function List(rows: { id: number }[], db: any, users: any, eq: any) {
  for (const row of rows) db.select().from(users).where(eq(users.id, row.id));
}
)");
  // node_modules is never entered.
  tree.write("node_modules/some-lib/index.ts", R"(import { eq } from "drizzle-orm";
export const f = (db: any, t: any, rows: any[]) => rows.map((r) => db.select().from(t).where(eq(t.id, r)));
)");
  // A helper of the same name that this file does not import, and calls no
  // name leads to: no chain is guessed.
  tree.write("packages/db/src/elsewhere.ts", R"(import { db } from "./client";
function findUser(id: number) {
  return id;
}
export async function run(ids: number[], deps: { repo: { findUser: (id: number) => unknown } }) {
  for (const id of ids) {
    findUser(id);
    deps.repo.findUser(id);
    (await import("./repo/user.repo")).findUser(db, id);
  }
}
)");
  model::Project project;
  project.root = tree.root();
  loaders::scan_project(project);
  for (const model::QueryCall& call : project.query_calls) {
    EXPECT_EQ(call.location.file.str().rfind("packages/db/src/repo/", 0), 0U) << call.location.to_string();
    EXPECT_TRUE(call.chain.empty()) << call.loop_location.to_string();
  }
  // Every source outside node_modules was read for its imports.
  EXPECT_EQ(project.query_files_searched, 8U);
}

TEST(QueryCalls, RelationsOfTheSchemaForTheWithFix) {
  TempTree tree;
  tree.write("src/schema.ts", R"(import { relations } from "drizzle-orm";
import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { users as people } from "./users";

export const posts = pgTable("posts", { id: serial("id").primaryKey(), userId: integer("user_id") });
export const comments = pgTable("comments", { id: serial("id").primaryKey(), postId: integer("post_id") });

export const postsRelations = relations(posts, ({ one, many }) => ({
  author: one(people, { fields: [posts.userId], references: [people.id] }),
  comments: many(comments),
}));
)");
  model::Project project;
  project.root = tree.root();
  loaders::scan_project(project);
  ASSERT_EQ(project.drizzle_relations.size(), 2U);
  const model::DrizzleRelation& author = project.drizzle_relations[0];
  EXPECT_EQ(author.table, "posts");
  EXPECT_EQ(author.name, "author");
  EXPECT_EQ(author.target, "users"); // the import alias resolved
  EXPECT_FALSE(author.many);
  EXPECT_EQ(author.location, (core::SourceLocation{"src/schema.ts", 9, 3}));
  const model::DrizzleRelation& many = project.drizzle_relations[1];
  EXPECT_EQ(many.name, "comments");
  EXPECT_EQ(many.target, "comments");
  EXPECT_TRUE(many.many);
}

TEST(QueryCalls, TheFixtureAppsLoopsWithTheirHelperChains) {
  model::Project project;
  project.root = std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures/nplus1-app";
  loaders::scan_project(project);
  // Each loop that issues a query: file:line, the first helper and the table.
  std::set<std::string> loops;
  for (const model::QueryCall& call : project.query_calls) {
    if (!call.loop.empty()) {
      loops.insert(call.loop_location.file + ":" + std::to_string(call.loop_location.line) + " " +
                   (call.chain.empty() ? std::string("-") : call.chain.front().callee) + " " + call.table +
                   (call.loop_constant > 0 ? " constant" : "") +
                   (call.in_transaction ? " own-transaction" : "") +
                   (call.loop_in_transaction ? " in-transaction" : ""));
    }
  }
  EXPECT_EQ(
      loops,
      (std::set<std::string>{
          // The README's eight loops.
          "apps/api/src/routers/role.ts:13 permissionRepo.listForRole rolePermissions",
          "apps/api/src/routers/comment.ts:27 memberRepo.findByHandle users",
          "apps/api/src/routers/checklist.ts:31 checklistRepo.createItem checklistItems own-transaction",
          "apps/api/src/services/project-copy.ts:28 ticketRepo.insertCopy tickets in-transaction",
          "apps/api/src/services/project-copy.ts:28 tagRepo.attach ticketTags in-transaction",
          "apps/api/src/services/project-copy.ts:28 checklistRepo.insertCopies checklists in-transaction",
          "apps/api/src/services/project-copy.ts:28 checklistRepo.insertItems checklistItems "
          "in-transaction",
          "apps/api/src/services/project-copy.ts:28 eventRepo.recordCopied ticketEvents in-transaction",
          "apps/api/src/services/project-copy.ts:28 eventRepo.recordCopiedArchived ticketEvents "
          "in-transaction",
          "apps/api/src/services/notify.ts:6 createNotification notifications",
          "apps/api/src/routers/stage.ts:16 archiveTicket tickets",
          "apps/api/src/services/digest.service.ts:15 this.activity.latestFor ticketEvents",
          "apps/api/src/routers/ticket.ts:24 tagStore.forTicket ticketTags",
          // The look-alike over three constant roles.
          "apps/api/src/routers/role.ts:20 roleRepo.findSystemRole workspaceRoles constant",
          "apps/api/src/routers/role.ts:20 roleRepo.createSystemRole workspaceRoles constant",
      }));
}

} // namespace query_calls_test
