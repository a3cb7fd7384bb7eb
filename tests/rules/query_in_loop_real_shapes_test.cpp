// query-in-loop on projects in the shapes of public Drizzle apps
// (fixtures/real-shapes/, each README lists its loops and look-alikes): the
// exact set of loops reported, each with its severity, and none of the loops
// that run a fixed number of times or a slice, a page or a retry per turn.

#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace query_in_loop_real_shapes_test {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_shapes = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes";

// file:line -> the finding, for every query-in-loop finding of `lint .` in the fixture.
std::map<std::string, json> loops_of(const std::string& fixture) {
  const pgadvise::test::ProcessResult result =
      pgadvise::test::run_pgadvise_in((k_shapes / fixture).string(), {"lint", ".", "--format", "json"});
  EXPECT_LE(result.exit_code, 1) << result.err;
  std::map<std::string, json> out;
  for (const json& finding :
       pgadvise::test::findings_of(pgadvise::test::report_of(result), "query-in-loop")) {
    out[finding["location"]["file"].get<std::string>() + ":" +
        std::to_string(finding["location"]["line"].get<int>())] = finding;
  }
  return out;
}

std::map<std::string, std::string> severities(const std::map<std::string, json>& loops) {
  std::map<std::string, std::string> out;
  for (const auto& [at, finding] : loops) {
    out[at] = finding["severity"].get<std::string>();
  }
  return out;
}

// A NestJS API with a queue worker: the per-row loops (a repository method
// per invoice, Promise.allSettled of updates, a write per row inside one
// transaction, a reduce over promises, a .then() chain, p-map, a write per
// key of the request) are reported; the loops over slices (`i += CHUNK`,
// chunk(ids, 200)), a retry loop up to MAX_ATTEMPTS, the keys of a constant
// object, a constant list, the worker's poll loop and the one-off backfill
// are not.
TEST(QueryInLoopRealShapes, LedgerNestWorkerLoopsAndLookAlikes) {
  const std::map<std::string, json> loops = loops_of("ledger-nest-worker");
  EXPECT_EQ(severities(loops), (std::map<std::string, std::string>{
                                   {"src/invoices/invoices.service.ts:21", "medium"},
                                   {"src/invoices/invoices.service.ts:29", "medium"},
                                   {"src/invoices/invoices.service.ts:60", "medium"},
                                   {"src/payments/payments.service.ts:21", "medium"},
                                   {"src/payments/payments.service.ts:34", "medium"},
                                   {"src/payments/payments.service.ts:45", "medium"},
                                   {"src/settings/settings.service.ts:40", "medium"},
                                   {"src/worker/main.ts:29", "medium"},
                               }));
  const auto message = [&](const std::string& at) {
    const auto found = loops.find(at);
    return found == loops.end() ? std::string() : found->second["message"].get<std::string>();
  };
  // The element of a reduce is its second parameter; allSettled is named as such.
  EXPECT_NE(message("src/payments/payments.service.ts:21").find("once per payment of received"),
            std::string::npos);
  EXPECT_NE(message("src/invoices/invoices.service.ts:29").find("Promise.allSettled(.map) loop"),
            std::string::npos);
  EXPECT_NE(
      message("src/payments/payments.service.ts:45").find("pMap loop updates accounts once per balance"),
      std::string::npos);
  const auto fix = [&](const std::string& at) {
    const auto found = loops.find(at);
    return found == loops.end() ? std::string() : found->second["fix"]["drizzle"].get<std::string>();
  };
  // Each row sets its own balance: one `inArray` update would give them all
  // one value, so the value goes through `case`, keyed by the loop's where.
  EXPECT_NE(fix("src/payments/payments.service.ts:45")
                .find("set({ balanceCents: sql`(case ${accounts.id} ${sql.join(balances.map((balance) => "
                      "sql`when ${balance.accountId} then ${balance.balanceCents}`), sql` `)} end)` })"
                      ".where(inArray(accounts.id, balances.map((balance) => balance.accountId)))"),
            std::string::npos)
      << fix("src/payments/payments.service.ts:45");
  // `for (const [index, row] of rows.entries())`: the rows are `rows`, the index a parameter of the map.
  EXPECT_NE(fix("src/invoices/invoices.service.ts:60")
                .find("sql.join(rows.map((row, index) => sql`when ${row.id} then ${index + 1}`), sql` `)"),
            std::string::npos)
      << fix("src/invoices/invoices.service.ts:60");
  // The same value for every row stays a plain update.
  EXPECT_NE(fix("src/invoices/invoices.service.ts:29")
                .find("await this.drizzle.db.update(invoices).set({ status: \"overdue\" "
                      "}).where(inArray(invoices.id, ids));"),
            std::string::npos)
      << fix("src/invoices/invoices.service.ts:29");
}

// A Next.js app in create-t3-app's layout on neon-http: the per-row loops
// of a tRPC router (ctx.db), a server component (through a helper and
// through React's cache()), a server action and a cron route are reported;
// the loops over constant lists (`DEFAULT_COLUMNS.entries()`) and the
// updates built in a loop and sent by one `db.batch([...])` are not.
TEST(QueryInLoopRealShapes, BoardsNextNeonLoopsAndLookAlikes) {
  const std::map<std::string, json> loops = loops_of("boards-next-neon");
  EXPECT_EQ(severities(loops), (std::map<std::string, std::string>{
                                   {"src/app/actions/labels.ts:12", "medium"},
                                   {"src/app/api/cron/digest/route.ts:15", "medium"},
                                   {"src/app/boards/[id]/page.tsx:14", "medium"},
                                   {"src/app/boards/[id]/page.tsx:16", "medium"},
                                   {"src/server/api/routers/board.ts:13", "medium"},
                                   {"src/server/api/routers/board.ts:47", "medium"},
                               }));
  const auto found = loops.find("src/app/boards/[id]/page.tsx:16");
  ASSERT_NE(found, loops.end());
  EXPECT_NE(found->second["message"].get<std::string>().find("through getColumnTasks()"), std::string::npos);
  const auto fix = [&](const std::string& at) {
    const auto loop = loops.find(at);
    return loop == loops.end() ? std::string() : loop->second["fix"]["drizzle"].get<std::string>();
  };
  // A count per board: one count per group, with the key to match boards by.
  EXPECT_NE(
      fix("src/server/api/routers/board.ts:13")
          .find("const found = await ctx.db.select({ boardId: tasks.boardId, n: count() }).from(tasks)"
                ".where(inArray(tasks.boardId, rows.map((board) => board.id))).groupBy(tasks.boardId);"),
      std::string::npos)
      << fix("src/server/api/routers/board.ts:13");
  // The loop's other conditions (the due date, not archived) are kept.
  EXPECT_NE(
      fix("src/app/api/cron/digest/route.ts:15")
          .find("const found = await db.select({ assigneeId: tasks.assigneeId, title: tasks.title "
                "}).from(tasks)"
                ".where(and(inArray(tasks.assigneeId, subscribers.map((user) => user.id)), /* the other "
                "conditions of src/app/api/cron/digest/route.ts:16:23 */));"),
      std::string::npos)
      << fix("src/app/api/cron/digest/route.ts:15");
}

// A Hono API on postgres.js: a write per line inside a transaction (the
// fix runs on its `tx`), and a read per order of each page an async
// generator yields, which is medium (the generator reads the orders, in a
// page loop of its own), and a walk up a category tree that reads a level
// per call of itself (low); the generator's page loop, Promise.all of two
// reads, a loop that only totals rows and a recursion that probes for a
// free name are not reported.
TEST(QueryInLoopRealShapes, HonoPostgresJsTransactionAndGenerator) {
  const std::map<std::string, json> loops = loops_of("hono-postgres-js");
  EXPECT_EQ(severities(loops), (std::map<std::string, std::string>{
                                   {"src/routes/export.ts:23", "medium"},
                                   {"src/routes/orders.ts:18", "medium"},
                                   {"src/services/reports.ts:8", "medium"},
                                   {"src/services/reports.ts:16", "medium"},
                                   {"src/services/restock.ts:7", "medium"},
                                   {"src/services/categories.ts:10", "low"},
                               }));
  const auto drizzle = [&](const std::string& at) {
    const auto loop = loops.find(at);
    return loop == loops.end() ? std::string() : loop->second["fix"]["drizzle"].get<std::string>();
  };
  // reserve()'s `.set({ stock: sql`${products.stock} - ${quantity}` })` names its own
  // parameter, which the loop cannot see: the values are left to the reader.
  EXPECT_EQ(drizzle("src/services/restock.ts:7")
                .rfind("await db.update(products).set({ /* the values */ }).where(inArray(products.id, "
                       "lines.map((line) => line.productId)));",
                       0),
            0U)
      << drizzle("src/services/restock.ts:7");
  // A loop over a query's result in place: the rows are bound once, then mapped.
  EXPECT_EQ(drizzle("src/services/reports.ts:8")
                .rfind("const rows = await db.select().from(orders).limit(20);\n"
                       "const found = await db.select().from(orderItems).where(inArray(orderItems.orderId, "
                       "rows.map((order) => order.id)));",
                       0),
            0U)
      << drizzle("src/services/reports.ts:8");
  // A destructured element is the map's parameter, and each row's email goes through case.
  EXPECT_NE(
      drizzle("src/services/reports.ts:16")
          .find("sql.join(Object.entries(byEmail).map(([email, ids]) => sql`when ${ids[0]!} then ${email}`)"),
      std::string::npos)
      << drizzle("src/services/reports.ts:16");
  // breadcrumbs() calls itself with the row's parentId: one read per level
  // up the tree, one recursive CTE instead (freeName()'s probe per
  // collision calls itself too, with a key it computes: not reported).
  EXPECT_EQ(drizzle("src/services/categories.ts:10"),
            "const levels = await db.execute(sql`WITH RECURSIVE levels AS (SELECT * FROM categories WHERE id "
            "= ${categoryId} UNION ALL SELECT t.* FROM categories t JOIN levels ON t.id = levels.parent_id) "
            "SELECT * FROM levels`);");
  const auto found = loops.find("src/routes/orders.ts:18");
  ASSERT_NE(found, loops.end());
  EXPECT_EQ(found->second["fix"]["drizzle"].get<std::string>().rfind(
                "await tx.insert(orderItems).values(body.lines.map((line) => ({", 0),
            0U)
      << found->second["fix"]["drizzle"];
}

// drizzle-orm 1.0's relational queries take object filters (`where: {
// authorId: author.id }`) and relations from defineRelations(): the fix is
// written in that syntax (`{ authorId: { in: ... } }`; the inArray(...) it
// wrote does not type-check there), and names the relation defineRelations
// declares (it said `<relation to posts>`).
TEST(QueryInLoopRealShapes, RelationsV2FixesUseObjectFiltersAndDefinedRelations) {
  const std::map<std::string, json> loops = loops_of("relations-v2-feed");
  EXPECT_EQ(severities(loops), (std::map<std::string, std::string>{{"src/services/feed.ts:7", "medium"},
                                                                   {"src/services/feed.ts:20", "low"},
                                                                   {"src/services/feed.ts:28", "low"}}));
  const auto drizzle = [&](const std::string& at) {
    const auto found = loops.find(at);
    return found == loops.end() ? std::string() : found->second["fix"].value("drizzle", "");
  };
  // feed() takes each author's three newest posts (limit: 3): the relation
  // keeps three for each author; one `in` query would take three in all.
  EXPECT_EQ(drizzle("src/services/feed.ts:7").substr(0, drizzle("src/services/feed.ts:7").find('\n')),
            "const found = await db.query.authors.findMany({ with: { posts: { limit: 3 } } });")
      << drizzle("src/services/feed.ts:7");
  EXPECT_NE(drizzle("src/services/feed.ts:7").find("the relation posts (src/db/relations.ts:5:14) takes 3"),
            std::string::npos)
      << drizzle("src/services/feed.ts:7");
  EXPECT_EQ(drizzle("src/services/feed.ts:20").substr(0, drizzle("src/services/feed.ts:20").find('\n')),
            "const found = await db.query.posts.findMany({ where: { authorId: { in: followed.map((author) => "
            "author.id) }, /* the other conditions of src/services/feed.ts:22:7 */ } });");
  EXPECT_EQ(drizzle("src/services/feed.ts:28").substr(0, drizzle("src/services/feed.ts:28").find('\n')),
            "const found = await db.query.posts.findMany({ where: { id: { in: ids } } });");
}

// A loop that takes a few rows for each parent (`.orderBy(desc(...))
// .limit(5)` per author, findMany's `limit: 3` per post): a batched
// inArray() query would take five (three) rows in all, so the fix keeps the
// limit per parent through the relation (`with: { comments: { limit: 3 } }`)
// or says the loop cannot become one plain query, and how to number the
// rows per key; it never proposes the plain inArray() query.
TEST(QueryInLoopRealShapes, APerParentLimitIsKeptOrTheFixSaysWhy) {
  const std::map<std::string, json> loops = loops_of("digest-per-author");
  ASSERT_EQ(severities(loops), (std::map<std::string, std::string>{{"src/digest.ts:9", "medium"},
                                                                   {"src/digest.ts:27", "medium"}}));
  const std::string digest = loops.at("src/digest.ts:9")["fix"].value("drizzle", "");
  // The query's own order goes into the relation (it said "keep the
  // query's orderBy"; a relational query of drizzle-orm 0.x takes these).
  EXPECT_EQ(digest.substr(0, digest.find('\n')),
            "const found = await db.query.authors.findMany({ with: { posts: { orderBy: "
            "[desc(posts.publishedAt)], limit: 5 } } });")
      << digest;
  EXPECT_EQ(digest.find("inArray(posts.authorId, active.map((author) => author.id)));"), std::string::npos)
      << digest;
  const std::string front = loops.at("src/digest.ts:27")["fix"].value("drizzle", "");
  EXPECT_EQ(front.substr(0, front.find('\n')),
            "const found = await db.query.posts.findMany({ with: { comments: { orderBy: "
            "[desc(comments.createdAt)], limit: 3 } } });")
      << front;
  EXPECT_NE(front.find("would take 3 rows in all, not 3 for each postId"), std::string::npos) << front;
}

// A loop that takes one row for each parent with no relation to carry the
// limit (dispatch-pool's dashboard: latestFor() is
// .orderBy(desc(trackingEvents.recordedAt)).limit(1) per shipment): one
// selectDistinctOn query, the key leading its orderBy as PostgreSQL's
// DISTINCT ON requires, then the query's own order (it was a sketch with a
// `<the query's orderBy>` placeholder).
TEST(QueryInLoopRealShapes, OneRowForEachParentIsSelectDistinctOnInTheQuerysOrder) {
  const std::map<std::string, json> loops = loops_of("dispatch-pool");
  ASSERT_EQ(loops.count("src/handlers/dashboard.ts:7"), 1U);
  const std::string fix = loops.at("src/handlers/dashboard.ts:7")["fix"].value("drizzle", "");
  EXPECT_EQ(fix.substr(0, fix.find('\n')),
            "const found = await db.selectDistinctOn([trackingEvents.shipmentId]).from(trackingEvents)"
            ".where(inArray(trackingEvents.shipmentId, recent.map((shipment) => shipment.id)))"
            ".orderBy(trackingEvents.shipmentId, desc(trackingEvents.recordedAt));")
      << fix;
  EXPECT_NE(fix.find("would take 1 row in all, not 1 for each shipmentId"), std::string::npos) << fix;
  EXPECT_EQ(fix.find("<the query's orderBy>"), std::string::npos) << fix;
}

// The helper's order reads the table through a namespace import
// (`desc(schema.ticketEvents.createdAt)`): the fix names it as its from()
// does, `ticketEvents` (fixtures/nplus1-app, the digest's latestFor() loop).
TEST(QueryInLoopRealShapes, TheOrderNamesTheTableAsTheFixDoes) {
  const std::map<std::string, json> loops = loops_of("../nplus1-app");
  ASSERT_EQ(loops.count("apps/api/src/services/digest.service.ts:15"), 1U);
  const std::string fix = loops.at("apps/api/src/services/digest.service.ts:15")["fix"].value("drizzle", "");
  EXPECT_NE(fix.find(".from(ticketEvents).where(inArray(ticketEvents.ticketId, watched.map((watch) => "
                     "watch.ticketId))).orderBy(ticketEvents.ticketId, desc(ticketEvents.createdAt));"),
            std::string::npos)
      << fix;
}

// A job runner's generic repository (fixtures/real-shapes/generic-repository):
// BaseRepository's methods query `this.table`, each subclass binds it in
// super(db, reminder, "id"), and the worker calls the subclasses in loops.
// Both loops are found through the inherited methods, on the subclass's
// table; updateById's key is the primary key super() names, the count's
// the one the subclass passes (account_id); the single findDue() before the
// loop is no finding.
TEST(QueryInLoopRealShapes, GenericRepositoryMethodsQueryTheSubclassTable) {
  const std::map<std::string, json> loops = loops_of("generic-repository");
  EXPECT_EQ(severities(loops), (std::map<std::string, std::string>{
                                   {"apps/worker/src/dispatch.ts:9", "medium"},
                                   {"apps/worker/src/dispatch.ts:16", "low"},
                               }));
  const auto field = [&](const std::string& at, const char* key) {
    const auto found = loops.find(at);
    return found == loops.end() ? std::string() : found->second[key].dump();
  };
  EXPECT_NE(
      field("apps/worker/src/dispatch.ts:9", "message").find("updates reminder through reminders.markSent()"),
      std::string::npos);
  // updateById's key is the column super() names ("id"), by the loop's rows'
  // ids; its .set(data) takes the object markSent passes.
  EXPECT_NE(
      field("apps/worker/src/dispatch.ts:9", "fix").find("update(reminder).set({ sentAt: new Date() })"),
      std::string::npos);
  EXPECT_NE(
      field("apps/worker/src/dispatch.ts:9", "fix").find("where(inArray(reminder.id, due.map((r) => r.id)))"),
      std::string::npos)
      << field("apps/worker/src/dispatch.ts:9", "fix");
  EXPECT_NE(field("apps/worker/src/dispatch.ts:16", "fix")
                .find("where(inArray(delivery.accountId, accountIds)).groupBy(delivery.accountId)"),
            std::string::npos)
      << field("apps/worker/src/dispatch.ts:16", "fix");
}

// A booking monorepo whose tables share one generic service
// (fixtures/real-shapes/generic-service): BaseService in its own workspace
// package keeps the table and its relational builder as constructor
// parameter properties, ArchivableService sits between it and RoomService,
// and the callers use the inherited methods on an instance, on a field of
// another service and on `this`. Every loop is found on the subclass's
// table (none was before: the base's type parameters hid its methods, and an
// inherited method called directly was never bound); the GET route's single
// findOne is no finding.
TEST(QueryInLoopRealShapes, GenericServiceInheritedMethodsOnInstancesFieldsAndTwoLevels) {
  const std::map<std::string, json> loops = loops_of("generic-service");
  EXPECT_EQ(severities(loops), (std::map<std::string, std::string>{
                                   {"apps/api/src/routes/rooms.ts:16", "low"},
                                   {"apps/api/src/routes/rooms.ts:23", "medium"},
                                   {"packages/db/src/services/booking.service.ts:17", "medium"},
                                   {"packages/db/src/services/booking.service.ts:24", "medium"},
                               }));
  const auto field = [&](const std::string& at, const char* key) {
    const auto found = loops.find(at);
    return found == loops.end() ? std::string() : found->second[key].dump();
  };
  // Two levels: archive() is ArchivableService's, its table RoomService's.
  EXPECT_NE(field("apps/api/src/routes/rooms.ts:23", "message").find("updates rooms through rooms.archive()"),
            std::string::npos);
  EXPECT_NE(field("apps/api/src/routes/rooms.ts:23", "fix").find("update(rooms)"), std::string::npos);
  // The relational builder the subclass passes (db.query.rooms), by the id.
  EXPECT_NE(field("apps/api/src/routes/rooms.ts:16", "fix")
                .find("db.query.rooms.findMany({ where: inArray(rooms.id, ids) })"),
            std::string::npos)
      << field("apps/api/src/routes/rooms.ts:16", "fix");
  // `.set({ ...data })` of the inherited updateOne takes what confirmAll passes.
  EXPECT_NE(
      field("packages/db/src/services/booking.service.ts:17", "fix").find("update(bookings).set({ status:"),
      std::string::npos)
      << field("packages/db/src/services/booking.service.ts:17", "fix");
  // The batched update keeps what the inherited one tests besides the id: the
  // lock guard as it is, archive()'s isNull() where the loop cannot write it.
  EXPECT_NE(field("packages/db/src/services/booking.service.ts:17", "fix")
                .find("where(and(inArray(bookings.id, ids), eq(bookings.isLocked, false)))"),
            std::string::npos)
      << field("packages/db/src/services/booking.service.ts:17", "fix");
  EXPECT_NE(field("apps/api/src/routes/rooms.ts:23", "fix")
                .find("where(and(inArray(rooms.id, ids), /* the other conditions of "
                      "packages/base-service/src/ArchivableService.ts:21:11 */))"),
            std::string::npos)
      << field("apps/api/src/routes/rooms.ts:23", "fix");
  // A field holding another service: its table, not the caller's.
  EXPECT_NE(field("packages/db/src/services/booking.service.ts:24", "message")
                .find("inserts into bookingReminders through this.reminders.createOne()"),
            std::string::npos);
}

// Apps that reach the database the ways frameworks hand it over (tRPC's
// ctx.db, NestJS injection, Express's req.services built in middleware and
// res.locals, Hono's c.get("db") / c.var.db and a service stored with
// c.set()): every per-row loop is reported
// with the helper it goes through, and none of the one-read handlers or the
// loop over a Map on the request.
TEST(QueryInLoopRealShapes, FrameworkContextsServicesAndInjectedHandles) {
  const std::map<std::string, json> loops = loops_of("framework-ctx");
  EXPECT_EQ(severities(loops), (std::map<std::string, std::string>{
                                   {"apps/api/src/users/users.controller.ts:12", "low"},
                                   {"apps/api/src/users/users.controller.ts:21", "low"},
                                   {"apps/edge/src/routes/comments.ts:12", "medium"},
                                   {"apps/edge/src/routes/comments.ts:21", "low"},
                                   {"apps/edge/src/routes/comments.ts:30", "medium"},
                                   {"apps/edge/src/routes/comments.ts:40", "low"},
                                   {"apps/edge/src/routes/comments.ts:50", "low"},
                                   {"apps/orders-express/src/routes/orders.ts:11", "low"},
                                   {"apps/orders-express/src/routes/orders.ts:21", "medium"},
                                   {"apps/orders-express/src/routes/orders.ts:34", "low"},
                                   {"apps/orders-express/src/services/load-orders.ts:5", "low"},
                                   {"apps/web/src/server/api/routers/order.ts:13", "medium"},
                                   {"apps/web/src/server/api/routers/order.ts:23", "medium"},
                                   {"apps/web/src/server/api/routers/post.ts:12", "medium"},
                                   {"apps/web/src/server/api/routers/post.ts:22", "medium"},
                                   {"apps/web/src/server/api/routers/post.ts:28", "medium"},
                               }));
  const auto message = [&](const std::string& at) {
    const auto found = loops.find(at);
    return found == loops.end() ? std::string() : found->second["message"].get<std::string>();
  };
  // The service a middleware builds per request is its class's, and so is
  // the one taken out of it and the one a helper is given by type.
  EXPECT_NE(message("apps/orders-express/src/routes/orders.ts:11")
                .find("reads orders through req.services.orders.get() once per id of ids"),
            std::string::npos);
  EXPECT_NE(
      message("apps/orders-express/src/routes/orders.ts:34").find("reads orderItems through orders.items()"),
      std::string::npos);
  EXPECT_NE(
      message("apps/orders-express/src/services/load-orders.ts:5").find("reads orders through orders.get()"),
      std::string::npos);
  // What a middleware stored with c.set("comments", new CommentsService(db)).
  EXPECT_NE(message("apps/edge/src/routes/comments.ts:40")
                .find("reads comments through c.get(\"comments\").forPost() once per postId of postIds"),
            std::string::npos);
  EXPECT_NE(message("apps/edge/src/routes/comments.ts:50").find("reads comments through service.forPost()"),
            std::string::npos);
}

// A SaaS's query functions (midday's packages/db/src/queries shape) guard
// every write by the team: `and(eq(t.id, id), eq(t.teamId, teamId))`. A
// worker's loop passes each row's team; a request's loop the request's one.
// The batched statement keeps the guard (a batched write without it writes
// other teams' rows): here as the conditions to keep, since through the
// helper the fix cannot tell the team is the same for every row.
TEST(QueryInLoopRealShapes, BatchedWritesKeepTheTeamGuardOfEachQuery) {
  const pgadvise::test::TempTree tree;
  tree.write("package.json",
             R"({ "name": "ledger", "private": true, "dependencies": { "drizzle-orm": "^0.44.2" } })");
  tree.write("drizzle.config.ts",
             R"(export default { schema: "./src/schema.ts", out: "./migrations", dialect: "postgresql" };)");
  tree.write("src/schema.ts", R"(import { integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
export const teams = pgTable("teams", { id: uuid("id").primaryKey(), name: text("name") });
export const invoices = pgTable("invoices", {
  id: uuid("id").primaryKey(),
  teamId: uuid("team_id").notNull().references(() => teams.id),
  status: text("status").notNull(),
  sent: integer("sent").notNull().default(0),
});
)");
  tree.write("src/queries.ts", R"(import { and, eq } from "drizzle-orm";
import { invoices } from "./schema";

export async function markSent(db: any, params: { id: string; teamId: string }) {
  const { id, teamId } = params;
  return db.update(invoices).set({ status: "sent" }).where(and(eq(invoices.id, id), eq(invoices.teamId, teamId)));
}

export async function deleteInvoice(db: any, params: { id: string; teamId: string }) {
  return db.delete(invoices).where(and(eq(invoices.id, params.id), eq(invoices.teamId, params.teamId)));
}
)");
  tree.write("src/jobs.ts", R"(import { deleteInvoice, markSent } from "./queries";

export async function sendDue(db: any, due: { id: string; teamId: string }[]) {
  for (const invoice of due) {
    await markSent(db, { id: invoice.id, teamId: invoice.teamId });
  }
}

export async function deleteMany(db: any, teamId: string, ids: string[]) {
  for (const id of ids) {
    await deleteInvoice(db, { id, teamId });
  }
}

export async function sendEach(db: any, due: { id: string; teamId: string }[]) {
  for (const invoice of due) {
    await db.transaction(async (tx: any) => {
      await markSent(tx, { id: invoice.id, teamId: invoice.teamId });
    });
  }
}
)");
  const pgadvise::test::ProcessResult result =
      pgadvise::test::run_pgadvise_in(tree.root().string(), {"lint", ".", "--format", "json"});
  ASSERT_LE(result.exit_code, 1) << result.err;
  std::map<std::string, std::string> fixes;
  for (const json& finding :
       pgadvise::test::findings_of(pgadvise::test::report_of(result), "query-in-loop")) {
    fixes[finding["location"]["file"].get<std::string>() + ":" +
          std::to_string(finding["location"]["line"].get<int>())] =
        finding["fix"]["drizzle"].get<std::string>();
  }
  ASSERT_EQ(fixes.size(), 3U);
  // The loop's body opens the transaction around markSent(), which opens none.
  EXPECT_NE(fixes["src/jobs.ts:16"].find("// the loop's body opens a transaction for each row"),
            std::string::npos)
      << fixes["src/jobs.ts:16"];
  // The team is each row's (the worker) or a helper's parameter the loop
  // passes (the request): the guard stands as the conditions to keep.
  // markSent's `const { id, teamId } = params` are the caller's properties: the rows' ids.
  EXPECT_NE(
      fixes["src/jobs.ts:4"].find("update(invoices).set({ status: \"sent\" }).where(and(inArray(invoices.id, "
                                  "due.map((invoice) => invoice.id))"),
      std::string::npos)
      << fixes["src/jobs.ts:4"];
  EXPECT_NE(fixes["src/jobs.ts:4"].find(", /* the other conditions of src/queries.ts:6:10 */))"),
            std::string::npos)
      << fixes["src/jobs.ts:4"];
  EXPECT_NE(fixes["src/jobs.ts:10"].find("delete(invoices).where(and(inArray(invoices.id, ids), /* the other "
                                         "conditions of src/queries.ts:10:10 */))"),
            std::string::npos)
      << fixes["src/jobs.ts:10"];
}

} // namespace query_in_loop_real_shapes_test
