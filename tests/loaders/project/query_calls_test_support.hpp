#pragma once

// What the query-call scan's tests share (query_calls_test.cpp and
// query_call_services_test.cpp).

#include "loaders/project/scan.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace query_calls_test_support {

using namespace pgadvise;
using test::TempTree;

inline std::vector<model::QueryCall> scan(const TempTree& tree) {
  model::Project project;
  project.root = tree.root();
  loaders::scan_project(project);
  return project.query_calls;
}

// The loop's calls of helpers whose queries it issues, as "loop file:line
// <- callee -> ... : table".
inline std::vector<std::string> chains(const std::vector<model::QueryCall>& calls) {
  std::vector<std::string> out;
  for (const model::QueryCall& call : calls) {
    if (call.chain.empty()) {
      continue;
    }
    std::string line = call.loop_location.file + ":" + std::to_string(call.loop_location.line);
    for (const model::QueryCallStep& step : call.chain) {
      line += " -> " + step.callee + " (" + step.declaration.file + ":" +
              std::to_string(step.declaration.line) + ")";
    }
    out.push_back(line + " : " + call.table);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A monorepo's shared schema and db client (packages/db, "@acme/db").
inline void write_db_package(const TempTree& tree) {
  tree.write("package.json",
             R"({ "name": "acme", "private": true, "workspaces": ["apps/*", "packages/*"] })");
  tree.write("packages/db/package.json", R"({
  "name": "@acme/db",
  "exports": {
    ".": { "types": "./src/index.ts", "default": "./src/index.ts" },
    "./repo/*": { "default": "./src/repo/*.ts" }
  }
})");
  tree.write("packages/db/src/schema.ts",
             R"(import { integer, pgTable, serial, text } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: serial("id").primaryKey(), email: text("email") });
export const posts = pgTable("posts", { id: serial("id").primaryKey(), userId: integer("user_id") });
export const tags = pgTable("tags", { id: serial("id").primaryKey(), postId: integer("post_id") });
)");
  tree.write("packages/db/src/client.ts", R"(import { drizzle } from "drizzle-orm/node-postgres";
export const db = drizzle(process.env.DATABASE_URL!);
export type Db = typeof db;
)");
  tree.write("packages/db/src/repo/user.repo.ts", R"(import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { users } from "../schema";

export const findUser = (db: Db, id: number) =>
  db.select().from(users).where(eq(users.id, id));
)");
  tree.write("packages/db/src/repo/post.repo.ts", R"(import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { posts } from "../schema";

export async function postsOf(db: Db, input: { userId: number }) {
  return db.query.posts.findMany({ where: eq(posts.userId, input.userId) });
}
)");
  tree.write("packages/db/src/repo/tag.repo.ts", R"(import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { tags } from "../schema";

export function tagsOf(db: Db, postId: number) {
  return db.select().from(tags).where(eq(tags.postId, postId));
}
)");
  tree.write("packages/db/src/index.ts", R"(export * from "./client";
export * as userRepo from "./repo/user.repo";
export * from "./repo/post.repo";
export { tagsOf as tagsForPost } from "./repo/tag.repo";
)");
}

} // namespace query_calls_test_support
