// Which files the query-call scan reads further (query_call_files.hpp,
// QuerySources::mark_reaching): what a source imports, and whether it takes
// values or only types from it.

#include "loaders/project/query_call_files.hpp"
#include "loaders/project/query_call_sources.hpp"
#include "query_calls_test_support.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace query_calls_test_support;
using loaders::scan::module_imports;
using loaders::scan::ModuleImport;

// Each import as "specifier[ type][ reexport]".
std::vector<std::string> described(std::string_view text) {
  std::vector<std::string> out;
  for (const ModuleImport& found : module_imports(text)) {
    out.push_back(std::string(found.specifier) + (found.type_only ? " type" : "") +
                  (found.reexport ? " reexport" : ""));
  }
  return out;
}

TEST(ModuleImports, SaysWhichImportsTakeOnlyTypesAndWhichArePassedOn) {
  EXPECT_EQ(
      described(R"(import type { Db } from "./a";
import { type A, type B } from "./b";
import type Default from "./c";
import type * as ns from "./d";
export type { Db } from "./e";
export type * from "./f";
import type, { g } from "./g";
import type from "./h";
import { type as renamed } from "./i";
import { type A, b } from "./j";
import Client, { type C } from "./k";
export * from "./l";
export { m as n } from "./m";
import "./side-effect";
const lazy = await import("./lazy");
const old = require("./old");
import { /* a comment */ type P } from "./p";
import {
  type Q,
  type R,
} from "./q";
)"),
      (std::vector<std::string>{"./a type", "./b type", "./c type", "./d type", "./e type reexport",
                                "./f type reexport", "./g", "./h", "./i", "./j", "./k", "./l reexport",
                                "./m reexport", "./side-effect", "./lazy", "./old", "./p", "./q type"}));
  // Neither `Array.from` nor a word in a string starts a clause.
  EXPECT_EQ(described(R"(const x = Array.from("abc"); const s = "import type { A } from"; export const y = 1;
import { z } from "./z";)"),
            (std::vector<std::string>{"./z"}));
}

// The pass skips runs of plain code and reads what each ends with: a word
// and its string may be apart by blanks and comments, not by other code;
// `import` and `export` count as whole words only.
TEST(ModuleImports, AWordAndItsStringMayBeApartByCommentsOnly) {
  EXPECT_EQ(
      described(R"(reimport "./no1"; importer "./no2"; x.import("./dot") ;
import/* c */"./c1"; import // c
  "./c2";
require /* c */ ("./r1"); require ( "./r2" ); require + ("./no3");
export { a } /* c */ from "./e1"; import { b } from  // c
"./i1";
import { x } from "./i2" ; export const q = 1;
import)"),
      (std::vector<std::string>{"./dot", "./c1", "./c2", "./r1", "./r2", "./e1 reexport", "./i1", "./i2"}));
}

// The files under apps/ the scan found calls in (packages/db's
// repositories have theirs).
std::set<std::string> files_with_calls(const std::vector<model::QueryCall>& calls) {
  std::set<std::string> out;
  for (const model::QueryCall& call : calls) {
    if (call.location.file.str().rfind("apps/", 0) == 0) {
      out.insert(call.location.file.str());
    }
  }
  return out;
}

// Each file below holds the same loop of query-shaped calls on an untyped
// `db`: the scan reports it when it reads the file, so which files report
// it says which files were read.
constexpr std::string_view k_loop = R"(
export function list(rows: number[], db: any, users: any, eq: any) {
  for (const row of rows) db.select().from(users).where(eq(users.id, row));
}
)";

TEST(QueryCalls, TypesOfTheClientReachTheFilesTheyAreImportedIntoAndNoFurther) {
  TempTree tree;
  write_db_package(tree);
  // The client's type re-exported, then imported: the file that takes it
  // may query through a parameter so typed.
  tree.write("packages/db/src/types.ts", "export type { Db } from \"./client\";\n");
  tree.write("apps/web/src/feed.ts",
             std::string("import type { Db } from \"../../../packages/db/src/types\";\n") +
                 std::string(k_loop));
  // A module of types that imports the client's type: read itself...
  tree.write("apps/web/src/shapes.ts",
             std::string("import type { Db } from \"../../../packages/db/src/client\";\nexport type Page = "
                         "{ rows: number[] };\n") +
                 std::string(k_loop));
  // ... but the types it gives out are its own.
  tree.write("apps/web/src/list.ts", "import type { Page } from \"./shapes\";\n" + std::string(k_loop));
  // Condition helpers (drizzle-orm's root alone): read, not passed on.
  tree.write(
      "apps/web/src/conditions.ts",
      "import { eq, or } from \"drizzle-orm\";\nexport const either = (a: any, b: any) => or(a, b);\n" +
          std::string(k_loop));
  tree.write("apps/web/src/report.ts", "import { either } from \"./conditions\";\n" + std::string(k_loop));
  // A stylesheet and generated code the checkout lacks lead to no client.
  tree.write("apps/web/src/card.tsx", "import styles from \"./card.module.css\";\nimport meta from "
                                      "\"./generated/meta\";\nimport docs from \"@/.source/server\";\n" +
                                          std::string(k_loop));
  // A path that leads nowhere the scan can see may be the client.
  tree.write("apps/web/src/unknown.ts", "import { db } from \"./missing/db\";\n" + std::string(k_loop));
  EXPECT_EQ(files_with_calls(scan(tree)),
            (std::set<std::string>{"apps/web/src/conditions.ts", "apps/web/src/feed.ts",
                                   "apps/web/src/shapes.ts", "apps/web/src/unknown.ts"}));
}

// A test's own files (by name: `.test.`, `.spec.`, a `__tests__` folder)
// are not read, the loops in them least of all; files whose names only
// look alike are, and so is a test folder's helper an application imports.
TEST(QueryCalls, ATestsOwnFilesAreNotRead) {
  TempTree tree;
  write_db_package(tree);
  const std::string client = "import { db } from \"../../../packages/db/src/client\";\n";
  for (const char* test :
       {"apps/web/src/feed.test.ts", "apps/web/src/feed.spec.tsx", "apps/web/src/page.test.js"}) {
    tree.write(test, client + std::string(k_loop));
  }
  tree.write("apps/web/src/__tests__/helpers.ts",
             "import { db } from \"../../../../packages/db/src/client\";\n" + std::string(k_loop));
  for (const char* application : {"apps/web/src/latest.ts", "apps/web/src/contest.ts",
                                  "apps/web/src/test-utils.ts", "apps/web/src/spec.ts"}) {
    tree.write(application, client + std::string(k_loop));
  }
  tree.write("apps/web/tests/seed.ts",
             "import { db } from \"../../../packages/db/src/client\";\n" + std::string(k_loop));
  // A deferred scan lists what it will read (what the language server
  // counts as pending): the same files.
  model::Project deferred;
  deferred.root = tree.root();
  loaders::scan_project(deferred, loaders::CodeScan::deferred);
  ASSERT_TRUE(deferred.deferred_query_files.has_value());
  std::set<std::string> listed;
  for (const std::string& file : *deferred.deferred_query_files) {
    if (file.rfind("apps/", 0) == 0) {
      listed.insert(file);
    }
  }
  EXPECT_EQ(listed, (std::set<std::string>{"apps/web/src/contest.ts", "apps/web/src/latest.ts",
                                           "apps/web/src/spec.ts", "apps/web/src/test-utils.ts",
                                           "apps/web/tests/seed.ts"}));
  EXPECT_EQ(
      files_with_calls(scan(tree)),
      (std::set<std::string>{"apps/web/src/contest.ts", "apps/web/src/latest.ts", "apps/web/src/spec.ts",
                             "apps/web/src/test-utils.ts", "apps/web/tests/seed.ts"}));
}

// The sources lint reads ahead from the walk on (discovery's serial rest
// leaves a core idle) are taken once, in the files' order, by the scan
// that asks for exactly those files; anything else reads them itself.
TEST(SourceReadAhead, GivesTheFilesItWasGivenOnceInTheirOrder) {
  TempTree tree;
  tree.write("a.ts", "import { b } from \"./b\";\nexport type { T } from \"./t\";\n");
  tree.write("b.ts", "import { eq } from \"drizzle-orm\";\n");
  const std::filesystem::path root = std::filesystem::absolute(tree.root()).lexically_normal();
  const std::vector<std::string> files = {"a.ts", "b.ts", "gone.ts"};
  // Asked for other files (or from another root), it stops: nothing of
  // it is taken, then or later.
  for (const auto& [asked_root, asked] :
       {std::pair{root, std::vector<std::string>{"a.ts", "b.ts"}}, std::pair{root / "elsewhere", files}}) {
    loaders::scan::SourceReadAhead unwanted(root, files);
    EXPECT_FALSE(unwanted.take(asked_root, asked).has_value());
    EXPECT_FALSE(unwanted.take(root, files).has_value());
  }
  loaders::scan::SourceReadAhead ahead(root, files);
  auto read = ahead.take(root, files);
  ASSERT_TRUE(read.has_value());
  ASSERT_EQ(read->size(), 3U);
  ASSERT_TRUE((*read)[0].has_value());
  EXPECT_EQ((*read)[0]->relative, "a.ts");
  EXPECT_EQ((*read)[0]->path, root.string() + "/a.ts");
  ASSERT_EQ((*read)[0]->specifiers.size(), 2U);
  EXPECT_EQ((*read)[0]->specifiers[0].text, "./b");
  EXPECT_EQ((*read)[0]->specifiers[1].text, "./t");
  EXPECT_TRUE((*read)[0]->specifiers[1].type_only);
  EXPECT_TRUE((*read)[0]->specifiers[1].reexport);
  ASSERT_TRUE((*read)[1].has_value());
  ASSERT_EQ((*read)[1]->specifiers.size(), 1U);
  EXPECT_EQ((*read)[1]->specifiers[0].text, "drizzle-orm");
  EXPECT_FALSE((*read)[2].has_value());              // cannot be read
  EXPECT_FALSE(ahead.take(root, files).has_value()); // taken already
}

// A deferred scan that takes the sources read ahead finds what a scan that
// reads them itself finds.
TEST(SourceReadAhead, ADeferredScanFindsWithItWhatAScanFindsWithout) {
  TempTree tree;
  write_db_package(tree);
  const std::string client = "import { db } from \"../../../packages/db/src/client\";\n";
  for (const char* file : {"apps/web/src/feed.ts", "apps/web/src/latest.ts", "apps/api/src/jobs.ts",
                           "apps/web/src/feed.test.ts"}) {
    tree.write(file, client + std::string(k_loop));
  }
  model::Project deferred;
  deferred.root = tree.root();
  std::shared_ptr<loaders::scan::SourceReadAhead> ahead;
  loaders::scan_project(deferred, loaders::CodeScan::deferred, &ahead);
  ASSERT_NE(ahead, nullptr);
  ASSERT_TRUE(deferred.deferred_query_files.has_value());
  const std::vector<std::string> listed = *deferred.deferred_query_files;
  loaders::scan_deferred_query_calls(deferred, {}, ahead.get());
  // The scan took them: none is left to take.
  EXPECT_FALSE(ahead->take(std::filesystem::absolute(tree.root()).lexically_normal(), listed).has_value());
  EXPECT_EQ(
      files_with_calls(deferred.query_calls),
      (std::set<std::string>{"apps/api/src/jobs.ts", "apps/web/src/feed.ts", "apps/web/src/latest.ts"}));
  EXPECT_EQ(files_with_calls(deferred.query_calls), files_with_calls(scan(tree)));
  EXPECT_EQ(deferred.query_calls.size(), scan(tree).size());
}

// Remix and React Router keep server-only modules, the db client among
// them, in `app/.server/`: read, and a path into it (here through an alias
// the scan cannot read) is not taken for generated code.
TEST(QueryCalls, TheServerOnlyFolderOfRemixIsRead) {
  TempTree tree;
  tree.write("apps/remix/app/.server/db.ts", R"(import { drizzle } from "drizzle-orm/node-postgres";
export const db = drizzle(process.env.DATABASE_URL!);
)");
  tree.write("apps/remix/app/.server/feed.ts", "import { db } from \"./db\";\n" + std::string(k_loop));
  tree.write("apps/remix/app/routes/home.tsx",
             "import { db } from \"~/.server/db\";\n" + std::string(k_loop));
  EXPECT_EQ(files_with_calls(scan(tree)),
            (std::set<std::string>{"apps/remix/app/.server/feed.ts", "apps/remix/app/routes/home.tsx"}));
}

TEST(QueryCalls, AFileDeepInANextJsRouteTreeIsRead) {
  TempTree tree;
  write_db_package(tree);
  const std::string dir =
      "apps/web/app/workspace/[workspaceId]/w/[workflowId]/components/panel/components/editor/components/"
      "sub-block/components/tag-dropdown/";
  tree.write(dir + "tags.ts", R"(import { eq } from "drizzle-orm";
import { db } from "../../../../../../../../../../../../../../../packages/db/src/client";
import { tags } from "../../../../../../../../../../../../../../../packages/db/src/schema";

export async function load(ids: number[]) {
  for (const id of ids) await db.select().from(tags).where(eq(tags.postId, id));
}
)");
  EXPECT_EQ(files_with_calls(scan(tree)), (std::set<std::string>{dir + "tags.ts"}));
}

// A project large enough that its imports are resolved in shares on two
// threads (QuerySources::importers): the loop's file is in the first share,
// the helper it imports and whose import of the client makes it reach
// Drizzle in the last; the edges of every share count.
TEST(QueryCalls, ImportsResolvedInSharesStillReachTheClient) {
  TempTree tree;
  tree.write("src/a_loop.ts", R"(import { one } from "./z_helper";

export async function all(ids: number[]) {
  for (const id of ids) await one(id);
}
)");
  tree.write("src/db.ts", R"(import { drizzle } from "drizzle-orm/node-postgres";
import { integer, pgTable } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: integer("id") });
export const db = drizzle(process.env.DATABASE_URL!);
)");
  for (int i = 0; i < 4200; ++i) {
    tree.write("src/f" + std::to_string(10000 + i) + ".ts", "export const v = 1;\n");
  }
  tree.write("src/z_helper.ts", R"(import { eq } from "drizzle-orm";
import { db, users } from "./db";

export const one = (id: number) => db.select().from(users).where(eq(users.id, id));
)");
  EXPECT_EQ(chains(scan(tree)),
            (std::vector<std::string>{"src/a_loop.ts:4 -> one (src/z_helper.ts:4) : users"}));
}

// A helper that queries through its parameter (its file imports
// drizzle-orm's operators only) reached through a barrel that itself
// reaches no client: the barrel is no dead end, as its import leads to an
// indexed file, so the helper is still followed (QuerySources::dead_end).
// A utility from a file that leads to none is not looked into.
TEST(QueryCalls, AHelperIsFollowedThroughABarrelThatReachesNoClient) {
  TempTree tree;
  tree.write("src/db.ts", R"(import { drizzle } from "drizzle-orm/node-postgres";
import { integer, pgTable } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: integer("id") });
export const db = drizzle(process.env.DATABASE_URL!);
)");
  tree.write("src/queries/by-id.ts", R"(import { eq } from "drizzle-orm";

export const byId = (db: any, users: any, id: number) => db.select().from(users).where(eq(users.id, id));
)");
  tree.write("src/queries/index.ts", "export { byId } from \"./by-id\";\n");
  tree.write("src/format.ts", "export const label = (id: number) => `#${id}`;\n");
  tree.write("src/feed.ts", R"(import { db, users } from "./db";
import { label } from "./format";
import { byId } from "./queries";

export async function all(ids: number[]) {
  for (const id of ids) {
    console.log(label(id));
    await byId(db, users, id);
  }
}
)");
  EXPECT_EQ(chains(scan(tree)),
            (std::vector<std::string>{"src/feed.ts:6 -> byId (src/queries/by-id.ts:3) : users"}));
}

} // namespace
