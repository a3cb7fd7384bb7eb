// The query-call scan follows a loop's calls into methods of objects and
// classes, services kept in objects and requests, generic repositories and
// destructured parameters (loaders/project/query_call_helpers).

#include "loaders/project/scan.hpp"
#include "query_calls_test_support.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <set>

namespace query_call_services_test {

using namespace pgadvise;
using query_calls_test_support::chains;
using query_calls_test_support::scan;
using query_calls_test_support::write_db_package;
using test::TempTree;

TEST(QueryCalls, MethodsOfObjectsAndClassesAreFollowed) {
  TempTree tree;
  write_db_package(tree);
  tree.write("packages/db/src/stores.ts", R"(import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { posts, tags } from "./schema";

export default {
  async byPost(db: Db, postId: number) {
    return db.select().from(tags).where(eq(tags.postId, postId));
  },
};

export const postStore = {
  byUser: (db: Db, userId: number) => db.select().from(posts).where(eq(posts.userId, userId)),
};

export class PostReader {
  constructor(private readonly db: Db) {}

  async one(id: number): Promise<unknown> {
    return this.db.select().from(posts).where(eq(posts.id, id));
  }
}
)");
  tree.write("packages/db/src/service.ts", R"(import type { Db } from "./client";
import tagStore, { postStore } from "./stores";
import type { PostReader } from "./stores";
import { PostReader as Reader } from "./stores";

export class FeedService {
  private readonly direct = new Reader(this.db);

  constructor(
    private readonly db: Db,
    private readonly reader: PostReader,
  ) {}

  async build(ids: number[]) {
    for (const id of ids) await this.reader.one(id);
    for (const id of ids) await this.direct.one(id);
    for (const id of ids) await this.load(id);
    ids.map((id) => tagStore.byPost(this.db, id));
    ids.map((id) => postStore.byUser(this.db, id));
    const local = new Reader(this.db);
    for (const id of ids) await local.one(id);
  }

  private async load(id: number) {
    return this.reader.one(id);
  }
}
)");
  const auto calls = scan(tree);
  EXPECT_EQ(
      chains(calls),
      (std::vector<std::string>{
          "packages/db/src/service.ts:15 -> this.reader.one (packages/db/src/stores.ts:18) : posts",
          "packages/db/src/service.ts:16 -> this.direct.one (packages/db/src/stores.ts:18) : posts",
          "packages/db/src/service.ts:17 -> this.load (packages/db/src/service.ts:24) -> this.reader.one "
          "(packages/db/src/stores.ts:18) : posts",
          "packages/db/src/service.ts:18 -> tagStore.byPost (packages/db/src/stores.ts:6) : tags",
          "packages/db/src/service.ts:19 -> postStore.byUser (packages/db/src/stores.ts:12) : posts",
          "packages/db/src/service.ts:21 -> local.one (packages/db/src/stores.ts:18) : posts",
      }));
}

// Services a framework hands the code instead of `db`: an object a
// middleware fills (`req.services = { orders: new OrdersService(db), users }`),
// a service taken out of it, one a middleware stores with `c.set("k", new
// X(db))` and the code reads with `c.get("k")`, and a helper given a
// service by a typed parameter. Each is the class's method; a property the project fills with
// instances of two classes, and a Map, are nobody's.
TEST(QueryCalls, ServicesKeptInObjectsAndTypedParametersAreFollowed) {
  TempTree tree;
  write_db_package(tree);
  tree.write("apps/api/package.json", R"({ "name": "@acme/api", "dependencies": { "@acme/db": "*" } })");
  tree.write("apps/api/src/services.ts", R"(import { eq } from "drizzle-orm";
import type { Db } from "@acme/db";
import { posts, users } from "../../../packages/db/src/schema";

export class PostsService {
  constructor(private readonly db: Db) {}
  get(id: number) {
    return this.db.select().from(posts).where(eq(posts.id, id));
  }
}

export class UsersService {
  constructor(private readonly db: Db) {}
  get(id: number) {
    return this.db.select().from(users).where(eq(users.id, id));
  }
}
)");
  tree.write("apps/api/src/app.ts", R"(import { db } from "@acme/db";
import { PostsService, UsersService } from "./services";

export function withServices(req: any, _res: unknown, next: () => void) {
  const people = new UsersService(db);
  req.services = { posts: new PostsService(db), people, either: new PostsService(db) };
  req.cache = new Map<number, unknown>();
  next();
}
)");
  tree.write("apps/api/src/other.ts", R"(import { db } from "@acme/db";
import { UsersService } from "./services";

export const deps = { either: new UsersService(db) };
)");
  tree.write("apps/api/src/edge.ts", R"(import { db } from "@acme/db";
import { PostsService } from "./services";

export async function withStore(c: any, next: () => Promise<void>) {
  c.set("stored", new PostsService(db));
  await next();
}

export async function threads(c: any, ids: number[]) {
  for (const id of ids) await c.get("stored").get(id);
  const kept = c.get("stored");
  for (const id of ids) await kept.get(id);
  for (const id of ids) await c.get("unknown").get(id);
}
)");
  tree.write("apps/api/src/routes.ts", R"(import type { PostsService } from "./services";

export async function lookup(req: any, ids: number[]) {
  for (const id of ids) await req.services.posts.get(id);
  const { people } = req.services;
  await Promise.all(ids.map((id) => people.get(id)));
  for (const id of ids) await req.services.either.get(id);
  for (const id of ids) req.cache.get(id);
}

export async function load(posts: PostsService, ids: number[]) {
  for (const id of ids) await posts.get(id);
}
)");
  const auto calls = scan(tree);
  EXPECT_EQ(chains(calls),
            (std::vector<std::string>{
                "apps/api/src/edge.ts:10 -> c.get(\"stored\").get (apps/api/src/services.ts:7) : posts",
                "apps/api/src/edge.ts:12 -> kept.get (apps/api/src/services.ts:7) : posts",
                "apps/api/src/routes.ts:12 -> posts.get (apps/api/src/services.ts:7) : posts",
                "apps/api/src/routes.ts:4 -> req.services.posts.get (apps/api/src/services.ts:7) : posts",
                "apps/api/src/routes.ts:6 -> people.get (apps/api/src/services.ts:14) : users",
            }));
  const model::QueryCall* posts = nullptr;
  for (const model::QueryCall& call : calls) {
    if (call.via == "req.services.posts.get") {
      posts = &call;
    }
  }
  ASSERT_NE(posts, nullptr);
  EXPECT_EQ(posts->key_columns, (std::vector<std::string>{"id"}));
  EXPECT_EQ(posts->key_values, (std::vector<std::string>{"id"}));
}

// A folder of two checkouts of one app: each fills `req.services.posts`
// for its own routes, and each loop's chain stays in its own checkout.
TEST(QueryCalls, AServiceKeptInARequestIsTheOwnCheckoutsInAFolderOfCheckouts) {
  TempTree tree;
  for (const std::string checkout : {"blog", "shop"}) {
    tree.write(checkout + "/package.json",
               R"({ "name": ")" + checkout + R"(", "dependencies": { "drizzle-orm": "*" } })");
    tree.write(checkout + "/src/schema.ts", R"(import { pgTable, serial } from "drizzle-orm/pg-core";
export const posts = pgTable("posts", { id: serial("id").primaryKey() });
)");
    tree.write(checkout + "/src/client.ts", R"(import { drizzle } from "drizzle-orm/node-postgres";
export const db = drizzle(process.env.DATABASE_URL!);
export type Db = typeof db;
)");
    tree.write(checkout + "/src/services.ts", R"(import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { posts } from "./schema";

export class PostsService {
  constructor(private readonly db: Db) {}
  get(id: number) {
    return this.db.select().from(posts).where(eq(posts.id, id));
  }
}
)");
    tree.write(checkout + "/src/app.ts", R"(import { db } from "./client";
import { PostsService } from "./services";

export function withServices(req: any) {
  req.services = { posts: new PostsService(db) };
}
)");
    tree.write(checkout + "/src/routes.ts", R"(import { db } from "./client";

export async function lookup(req: any, ids: number[]) {
  for (const id of ids) await req.services.posts.get(id);
}
)");
  }
  EXPECT_EQ(chains(scan(tree)),
            (std::vector<std::string>{
                "blog/src/routes.ts:4 -> req.services.posts.get (blog/src/services.ts:7) : posts",
                "shop/src/routes.ts:4 -> req.services.posts.get (shop/src/services.ts:7) : posts",
            }));
}

// A generic service (a real monorepo's packages/base-service): type
// parameters with object types, the table and its relational builder kept as
// constructor parameter properties, a class in between that only passes its
// arguments on, and callers that use the inherited methods directly on an
// instance, on a field holding one, and on `this`. Each loop's query is on the
// table the subclass gives super(), with the where's `this.table` keys.
TEST(QueryCalls, GenericServicesBindTheirTablesThroughParameterPropertiesAndEveryBase) {
  TempTree tree;
  write_db_package(tree);
  tree.write("packages/db/src/base.ts", R"(import { and, eq, isNull } from "drizzle-orm";
import type { PgTableWithColumns } from "drizzle-orm/pg-core";

export class BaseService<H extends Record<string, unknown>, T extends PgTableWithColumns<{ name: string; columns: Record<string, any> }>> {
  constructor(protected db: any, protected table: T, protected query: any) {}

  async createOne(data: T["$inferInsert"]) {
    return this.db.insert(this.table).values(data).returning();
  }

  async findOne(id: number) {
    return this.query.findFirst({ where: eq(this.table.id, id) });
  }

  async updateOne(id: number, data: Partial<T["$inferInsert"]>) {
    return this.db.update(this.table).set({ ...data }).where(and(eq(this.table.id, id), eq(this.table.locked, false)));
  }
}

export abstract class ArchivableService<H extends Record<string, unknown>, T extends PgTableWithColumns<{ name: string }>> extends BaseService<H, T> {
  constructor(db: any, table: T, query: any) {
    super(db, table, query);
  }

  async archive(id: number) {
    return this.db.update(this.table).set({ archived: true }).where(and(eq(this.table.id, id), isNull(this.table.archivedAt)));
  }
}
)");
  tree.write("packages/db/src/services.ts", R"(import { ArchivableService, BaseService } from "./base";
import { posts, tags, users } from "./schema";

export class TagService extends BaseService<{}, typeof tags> {
  constructor(db: any) {
    super(db, tags, db.query.tags);
  }
}

export class PostService extends ArchivableService<{}, typeof posts> {
  private tags: TagService;
  constructor(db: any) {
    super(db, posts, db.query.posts);
    this.tags = new TagService(db);
  }

  async tagAll(postId: number, names: string[]) {
    for (const name of names) await this.tags.createOne({ postId, name });
  }

  async lockAll(ids: number[]) {
    for (const id of ids) await this.updateOne(id, { title: "x" });
  }
}

export class UserService extends BaseService<{}, typeof users> {
  constructor(db: any) {
    super(db, users, db.query.users);
  }
}
)");
  tree.write("packages/db/src/jobs.ts", R"(import { PostService, UserService } from "./services";

const postService = new PostService(null);
const userService = new UserService(null);

export async function run(ids: number[]) {
  for (const id of ids) await postService.archive(id);
  await Promise.all(ids.map((id) => userService.findOne(id)));
  return userService.findOne(ids[0]);
}
)");
  const auto calls = scan(tree);
  EXPECT_EQ(chains(calls),
            (std::vector<std::string>{
                "packages/db/src/jobs.ts:7 -> postService.archive (packages/db/src/base.ts:25) : posts",
                "packages/db/src/jobs.ts:8 -> userService.findOne (packages/db/src/base.ts:11) : users",
                "packages/db/src/services.ts:18 -> this.tags.createOne (packages/db/src/base.ts:7) : tags",
                "packages/db/src/services.ts:22 -> this.updateOne (packages/db/src/base.ts:15) : posts",
            }));
  std::map<std::string, std::string> keys; // loop line -> key columns
  for (const model::QueryCall& call : calls) {
    if (!call.chain.empty()) {
      std::string columns;
      for (std::size_t i = 0; i < call.key_columns.size(); ++i) {
        columns += (columns.empty() ? "" : ",") + call.key_columns[i] + "=" + call.key_values[i];
      }
      keys[call.loop_location.file + ":" + std::to_string(call.loop_location.line)] = columns;
    }
  }
  EXPECT_EQ(keys, (std::map<std::string, std::string>{
                      {"packages/db/src/services.ts:18", ""},
                      {"packages/db/src/services.ts:22", "id=id,locked=false"},
                      {"packages/db/src/jobs.ts:7", "id=id"},
                      {"packages/db/src/jobs.ts:8", "id=id"},
                  }));
  // `.set({ ...data })` takes the object the caller passes.
  for (const model::QueryCall& call : calls) {
    if (call.loop_location.line == 22 && !call.chain.empty()) {
      EXPECT_EQ(call.set_columns, (std::vector<std::string>{"title"}));
    }
  }
}

// A soft-delete base repository whose subclass hands super() the key and
// the deletedAt columns themselves (`super(users, users.id, users.deletedAt)`)
// and whose methods compare `eq(this.idColumn, id)`, inside a helper of the
// database package and in both branches of a ternary: the key is the column
// super() names, once.
TEST(QueryCalls, AGenericRepositorysKeyColumnIsTheOneItsSubclassPasses) {
  TempTree tree;
  write_db_package(tree);
  tree.write("packages/db/src/base.repository.ts", R"(import { eq, isNull, and, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { db } from "./client";

const withoutDeleted = (column: PgColumn, where: SQL) => and(isNull(column), where);

export abstract class BaseRepository<TTable extends PgTable, TSelect = TTable["$inferSelect"]> {
  constructor(
    protected readonly table: TTable,
    protected readonly idColumn: PgColumn,
    protected readonly deletedAtColumn?: PgColumn,
  ) {}

  async findByIdActive(id: string): Promise<TSelect | undefined> {
    const rows = (await db
      .select()
      .from(this.table)
      .where(this.deletedAtColumn ? withoutDeleted(this.deletedAtColumn, eq(this.idColumn, id)) : eq(this.idColumn, id))
      .limit(1)) as TSelect[];
    return rows[0];
  }
}
)");
  tree.write("packages/db/src/user.repository.ts", R"(import { BaseRepository } from "./base.repository";
import { users } from "./schema";

export class UserRepository extends BaseRepository<typeof users> {
  constructor() {
    super(users, users.id, users.email);
  }
}

const repo = new UserRepository();

export async function profiles(ids: string[]) {
  return Promise.all(ids.map((id) => repo.findByIdActive(id)));
}
)");
  const auto calls = scan(tree);
  EXPECT_EQ(chains(calls),
            (std::vector<std::string>{"packages/db/src/user.repository.ts:13 -> repo.findByIdActive "
                                      "(packages/db/src/base.repository.ts:14) : users"}));
  for (const model::QueryCall& call : calls) {
    if (!call.chain.empty()) {
      EXPECT_EQ(call.key_columns, (std::vector<std::string>{"id"}));
      EXPECT_EQ(call.key_values, (std::vector<std::string>{"id"}));
    }
  }
}

// Query functions that take one object of parameters and destructure it,
// in the parameter list or at the top of the body (a real SaaS's
// packages/db/src/queries shape): the keys in the loop's terms are the
// properties the loop passes.
TEST(QueryCalls, DestructuredParametersAreTheCallersProperties) {
  TempTree tree;
  write_db_package(tree);
  tree.write("packages/db/src/queries.ts", R"(import { and, eq } from "drizzle-orm";
import { posts, tags } from "./schema";

export async function getPost(db: any, params: { id: number; userId: number }) {
  const { id, userId: owner } = params;
  return db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, owner)));
}

export const tagsOf = async (db: any, { postId }: { postId: number }) =>
  db.select().from(tags).where(eq(tags.postId, postId));
)");
  tree.write("packages/db/src/feed.ts", R"(import { getPost, tagsOf } from "./queries";

export async function feed(db: any, rows: { postId: number; author: number }[]) {
  for (const row of rows) {
    await getPost(db, { id: row.postId, userId: row.author });
    await tagsOf(db, { postId: row.postId });
  }
}
)");
  const auto calls = scan(tree);
  std::map<std::string, std::vector<std::string>> values; // table -> key values
  for (const model::QueryCall& call : calls) {
    if (!call.chain.empty()) {
      values[call.table] = call.key_values;
    }
  }
  EXPECT_EQ(values, (std::map<std::string, std::vector<std::string>>{
                        {"posts", {"row.postId", "row.author"}},
                        {"tags", {"row.postId"}},
                    }));
}

} // namespace query_call_services_test
