#include "loaders/typescript/jsonc.hpp"
#include "loaders/typescript/module_graph.hpp"
#include "loaders/typescript/module_resolver.hpp"
#include "loaders/typescript/parser.hpp"
#include "support/files.hpp"

#include <gtest/gtest.h>

namespace module_graph_test {

namespace fs = std::filesystem;
using namespace pgadvise::loaders::ts; // NOLINT(google-build-using-namespace)
using pgadvise::test::TempTree;

// The path below the tree's root a resolution ended at ("" for none).
std::string relative(const TempTree& tree, const std::optional<fs::path>& path) {
  return path ? path->lexically_relative(tree.root()).generic_string() : std::string();
}

std::string where(const TempTree& tree, const std::optional<Symbol>& symbol) {
  if (!symbol || symbol->module == nullptr) {
    return "";
  }
  return symbol->module->path.lexically_relative(tree.root()).generic_string() + ":" +
         std::to_string(symbol->line()) + " " + symbol->name;
}

TEST(TsParserExports, ReadsReExportSpecifiersStatementsAndDefaults) {
  const Program program = parse_program(R"(export * from "./a";
export * as ns from "./b";
export { x, y as z, type T, default as d } from "./c";
export type { U } from "./d";
const local = 1;
export { local as renamed };
export async function load(id: string): Promise<{ a: number }> {
  return { a: 1 };
}
export class Repo {}
function hidden() {}
export default helper;
)");
  ASSERT_EQ(program.re_exports.size(), 3U);
  EXPECT_TRUE(program.re_exports[0].star);
  EXPECT_EQ(program.re_exports[0].module, "./a");
  EXPECT_EQ(program.re_exports[1].namespace_name, "ns");
  ASSERT_EQ(program.re_exports[2].names.size(), 3U); // the type is not a value
  EXPECT_EQ(program.re_exports[2].names[1].local, "y");
  EXPECT_EQ(program.re_exports[2].names[1].exported, "z");
  EXPECT_EQ(program.re_exports[2].names[2].local, "default");
  ASSERT_EQ(program.export_list.size(), 1U);
  EXPECT_EQ(program.export_list[0].exported, "renamed");
  ASSERT_EQ(program.statements.size(), 3U);
  EXPECT_EQ(program.statements[0].name, "load");
  EXPECT_TRUE(program.statements[0].exported);
  EXPECT_EQ(program.statements[1].kind, StatementKind::class_declaration);
  EXPECT_FALSE(program.statements[2].exported);
  EXPECT_EQ(program.default_export, "helper");
  ASSERT_EQ(program.declarations.size(), 1U); // the function bodies were skipped whole
}

TEST(Jsonc, CommentsAndTrailingCommasAreDroppedAndErrorsNameTheLine) {
  const auto parsed =
      parse_jsonc("{\n  // paths\n  \"a\": [1, 2,], /* b */\n  \"s\": \"// not a comment,]\",\n}\n");
  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed["a"].size(), 2U);
  EXPECT_EQ(parsed["s"], "// not a comment,]");
  std::string error;
  EXPECT_TRUE(parse_jsonc("{\n\n  \"a\": 1\n  \"b\": 2\n}", &error).is_discarded());
  EXPECT_EQ(error.rfind("line 4:", 0), 0U) << error;
}

TEST(ModuleResolver, RelativeImportsFindTypeScriptSourcesAndIndexFiles) {
  TempTree tree;
  tree.write("src/db/users.ts", "");
  tree.write("src/db/schema/index.ts", "");
  tree.write("src/db/legacy.d.ts", "");
  const fs::path from = tree.write("src/db/index.ts", "");
  ModuleResolver resolver(find_workspace(tree.root()));
  EXPECT_EQ(relative(tree, resolver.resolve(from, "./users.js")), "src/db/users.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "./users")), "src/db/users.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "./schema")), "src/db/schema/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "./legacy")), ""); // declarations hold no source
  EXPECT_EQ(relative(tree, resolver.resolve(from, "drizzle-orm/pg-core")), "");
}

TEST(ModuleResolver, TsconfigPathsFollowExtendsAndResolveAgainstTheirOwnFolder) {
  TempTree tree;
  // The base (a workspace package) sets baseUrl; the app's own config adds
  // paths, as JSONC with comments and trailing commas.
  tree.write("package.json", R"({ "name": "root", "workspaces": ["apps/*", "packages/*"] })");
  tree.write("packages/tsconfig/package.json", R"({ "name": "@acme/tsconfig" })");
  tree.write("packages/tsconfig/base.json", R"({ "compilerOptions": { "strict": true, "outDir": "dist" } })");
  tree.write("apps/web/tsconfig.json", R"({
  // the app's aliases
  "extends": "@acme/tsconfig/base.json",
  "compilerOptions": {
    "baseUrl": ".",
    "paths": {
      "~/*": ["./src/*"],
      "~/server/db/*": ["./src/server/database/*",], /* the longer prefix wins */
      "@schema": ["../../packages/db/src/schema/index.ts"],
    },
  },
})");
  tree.write("apps/web/src/lib/util.ts", "");
  tree.write("apps/web/src/server/database/schema.ts", "");
  tree.write("apps/web/src/config.ts", "");
  tree.write("packages/db/src/schema/index.ts", "");
  const fs::path from = tree.write("apps/web/src/app/page.ts", "");
  ModuleResolver resolver(find_workspace(tree.root()));
  EXPECT_EQ(relative(tree, resolver.resolve(from, "~/lib/util")), "apps/web/src/lib/util.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "~/server/db/schema")),
            "apps/web/src/server/database/schema.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "@schema")), "packages/db/src/schema/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "src/config")), "apps/web/src/config.ts"); // baseUrl
  EXPECT_TRUE(resolver.problems().empty());
}

// One alias, two apps, each with its own tsconfig: the answer is kept per
// tsconfig (not per folder), so a folder of the other app never gets the
// first app's file, and folders of one app share it.
TEST(ModuleResolver, AnAliasIsResolvedByTheTsconfigOfTheImportingFolder) {
  TempTree tree;
  tree.write("package.json", R"({ "name": "root", "workspaces": ["apps/*"] })");
  for (const std::string app : {"web", "admin"}) {
    tree.write("apps/" + app + "/package.json", R"({ "name": ")" + app + R"(" })");
    tree.write("apps/" + app + "/tsconfig.json",
               R"({ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } })");
    tree.write("apps/" + app + "/src/db/index.ts", "");
  }
  const fs::path web_page = tree.write("apps/web/src/app/page.ts", "");
  const fs::path web_route = tree.write("apps/web/src/api/route.ts", "");
  const fs::path admin_page = tree.write("apps/admin/src/app/page.ts", "");
  ModuleResolver resolver(find_workspace(tree.root()));
  EXPECT_EQ(relative(tree, resolver.resolve(web_page, "@/db")), "apps/web/src/db/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(admin_page, "@/db")), "apps/admin/src/db/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(web_route, "@/db")), "apps/web/src/db/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(admin_page, "@/missing")), "");
  EXPECT_EQ(relative(tree, resolver.resolve(web_page, "@/missing")), "");
}

// A folder of checkouts (two apps from one template, or one app checked out
// twice): each has its own `@acme/db`, and each app's import is its own
// checkout's, whichever the walk met first.
TEST(ModuleResolver, APackageNameTwoCheckoutsShareIsEachCheckoutsOwn) {
  TempTree tree;
  for (const std::string checkout : {"shop", "blog"}) {
    tree.write(checkout + "/package.json",
               R"({ "name": ")" + checkout + R"(", "workspaces": ["packages/*"] })");
    tree.write(checkout + "/packages/db/package.json", R"({ "name": "@acme/db", "main": "./src/index.ts" })");
    tree.write(checkout + "/packages/db/src/index.ts", "");
    tree.write(checkout + "/packages/db/src/orders.ts", "");
  }
  tree.write("shop/tsconfig.json", R"({ "compilerOptions": {} })");
  const fs::path shop = tree.write("shop/apps/web/page.ts", "");
  const fs::path blog = tree.write("blog/apps/web/page.ts", "");
  const fs::path blog_api = tree.write("blog/apps/api/route.ts", "");
  ModuleResolver resolver(find_workspace(tree.root()));
  EXPECT_EQ(relative(tree, resolver.resolve(shop, "@acme/db")), "shop/packages/db/src/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(blog, "@acme/db")), "blog/packages/db/src/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(blog_api, "@acme/db/src/orders")),
            "blog/packages/db/src/orders.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(shop, "@acme/db/src/orders")), "shop/packages/db/src/orders.ts");
}

TEST(ModuleResolver, WorkspacePackagesResolveThroughExportsConditionsPatternsAndMain) {
  TempTree tree;
  tree.write("pnpm-workspace.yaml", "packages:\n  - packages/*\n");
  tree.write("packages/server/package.json", R"({
  "name": "@x/server",
  "exports": {
    ".": { "types": "./dist/index.d.ts", "default": "./src/index.ts" },
    "./db/schema": { "import": { "types": "./dist/db/schema/index.d.ts", "default": "./dist/db/schema/index.js" } },
    "./db/*": "./src/db/*.ts",
    "./internal/*": null
  }
})");
  tree.write("packages/server/src/index.ts", "");
  tree.write("packages/server/src/db/schema/index.ts", ""); // not built: the source is read
  tree.write("packages/server/src/db/client.ts", "");
  tree.write("packages/legacy/package.json", R"({ "name": "legacy-db", "main": "./lib/index.js" })");
  tree.write("packages/legacy/src/index.ts", "");
  tree.write("packages/legacy/src/tables/users.ts", "");
  const fs::path from = tree.write("apps/api/src/db.ts", "");
  ModuleResolver resolver(find_workspace(tree.root()));
  EXPECT_EQ(relative(tree, resolver.resolve(from, "@x/server")), "packages/server/src/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "@x/server/db/schema")),
            "packages/server/src/db/schema/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "@x/server/db/client")),
            "packages/server/src/db/client.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "@x/server/internal/secret")), "");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "@x/server/src/index")), ""); // not exported
  EXPECT_EQ(relative(tree, resolver.resolve(from, "legacy-db")), "packages/legacy/src/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(from, "legacy-db/src/tables/users")),
            "packages/legacy/src/tables/users.ts");
  EXPECT_EQ(find_workspace_root(from.parent_path()), tree.root().lexically_normal());
}

// A workspace whose walk did not list every package: a package is found
// through the node_modules link nearest the importing folder (pnpm links
// each package's own dependencies beside it), above folders that hold no
// node_modules; a link into an installed package is not followed.
TEST(ModuleResolver, AnUnlistedPackageIsFoundThroughTheNearestNodeModulesLink) {
  TempTree tree;
  tree.write("packages/db/package.json", R"({ "name": "@acme/db", "main": "./src/index.ts" })");
  tree.write("packages/db/src/index.ts", "");
  tree.write("packages/db-next/package.json", R"({ "name": "@acme/db", "main": "./src/next.ts" })");
  tree.write("packages/db-next/src/next.ts", "");
  tree.write("node_modules/.pnpm/zod@3/node_modules/zod/package.json",
             R"({ "name": "zod", "main": "./index.ts" })");
  tree.write("node_modules/.pnpm/zod@3/node_modules/zod/index.ts", "");
  fs::create_directories(tree.root() / "node_modules/@acme");
  fs::create_directory_symlink("../../packages/db", tree.root() / "node_modules/@acme/db");
  fs::create_directories(tree.root() / "apps/web/node_modules/@acme");
  fs::create_directory_symlink("../../../../packages/db-next",
                               tree.root() / "apps/web/node_modules/@acme/db");
  fs::create_directory_symlink(".pnpm/zod@3/node_modules/zod", tree.root() / "node_modules/zod");
  const fs::path deep = tree.write("apps/api/src/routes/orders/list.ts", "");
  const fs::path web = tree.write("apps/web/src/app/page.ts", "");
  Workspace workspace{tree.root().lexically_normal(), {}, false, nullptr};
  ModuleResolver resolver(workspace);
  EXPECT_EQ(relative(tree, resolver.resolve(deep, "@acme/db")), "packages/db/src/index.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(web, "@acme/db")), "packages/db-next/src/next.ts");
  EXPECT_EQ(relative(tree, resolver.resolve(deep, "@acme/missing")), "");
  EXPECT_EQ(relative(tree, resolver.resolve(deep, "zod")), ""); // an installed package
}

TEST(ModuleResolver, BrokenConfigsAreNamedWithTheirLine) {
  TempTree tree;
  tree.write("tsconfig.json", "{\n  \"compilerOptions\": {\n    \"paths\": { \"@/*\": [\"./src/*\"] }\n  \n");
  const fs::path from = tree.write("src/a.ts", "");
  ModuleResolver resolver(find_workspace(tree.root()));
  EXPECT_FALSE(resolver.resolve(from, "@/b"));
  ASSERT_EQ(resolver.problems().size(), 1U);
  EXPECT_NE(resolver.problems()[0].find("tsconfig.json: line 5"), std::string::npos)
      << resolver.problems()[0];
}

TEST(ModuleGraph, NamesLeadToTheirDeclarationThroughBarrelsAliasesAndPackages) {
  TempTree tree;
  tree.write("pnpm-workspace.yaml", "packages:\n  - packages/*\n  - apps/*\n");
  tree.write("packages/db/package.json",
             R"({ "name": "@acme/db", "exports": { "./schema": "./src/schema/index.ts" } })");
  tree.write("packages/db/src/schema/index.ts",
             "export * from \"./users\";\nexport { posts as articles } from \"./posts.js\";\n"
             "export * as audit from \"./audit\";\nexport * from \"./index\"; // a cycle\n");
  tree.write("packages/db/src/schema/users.ts", "import { pgTable } from \"drizzle-orm/pg-core\";\n\n"
                                                "export const users = pgTable(\"users\", {});\n");
  tree.write("packages/db/src/schema/posts.ts", "export const posts = 1;\nexport const drafts = 2;\n");
  tree.write("packages/db/src/schema/audit.ts", "export const events = 3;\n");
  tree.write("apps/api/tsconfig.json", R"({ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } })");
  tree.write("apps/api/src/db/schema.ts", "export * from \"@acme/db/schema\";\n");
  tree.write("apps/api/src/repo/posts.ts", "const findPost = 1;\n\n// the helper a loop calls\n"
                                           "export async function loadAuthor(id: string) {\n  return id;\n}\n"
                                           "export { findPost as default };\n");
  const fs::path route =
      tree.write("apps/api/src/routes/feed.ts",
                 "import * as repo from \"@/repo/posts\";\nimport find from \"../repo/posts\";\n"
                 "import { users, articles as a, audit } from \"@/db/schema\";\n");
  ModuleResolver resolver(find_workspace(find_workspace_root(route)));
  ModuleGraph graph(resolver);
  const fs::path schema = tree.root() / "apps/api/src/db/schema.ts";
  EXPECT_EQ(where(tree, graph.find_export(schema, "users")), "packages/db/src/schema/users.ts:3 users");
  EXPECT_EQ(where(tree, graph.find_export(schema, "articles")), "packages/db/src/schema/posts.ts:1 posts");
  EXPECT_FALSE(graph.find_export(schema, "drafts")); // not re-exported
  EXPECT_FALSE(graph.find_export(schema, "posts"));
  EXPECT_EQ(where(tree, graph.resolve_local(route, "a")), "packages/db/src/schema/posts.ts:1 posts");
  const auto audit = graph.resolve_local(route, "audit");
  ASSERT_TRUE(audit && audit->kind == SymbolKind::module_namespace);
  EXPECT_EQ(where(tree, graph.find_export(audit->target->path, "events")),
            "packages/db/src/schema/audit.ts:1 events");
  const auto repo = graph.resolve_local(route, "repo");
  ASSERT_TRUE(repo && repo->target != nullptr);
  const auto helper = graph.find_export(repo->target->path, "loadAuthor");
  EXPECT_EQ(where(tree, helper), "apps/api/src/repo/posts.ts:4 loadAuthor");
  EXPECT_EQ(helper->kind, SymbolKind::function);
  EXPECT_EQ(where(tree, graph.resolve_local(route, "find")), "apps/api/src/repo/posts.ts:1 findPost");
  const fs::path service = tree.write("apps/api/src/service.ts", "\nexport default {\n  load() {},\n};\n");
  EXPECT_EQ(where(tree, graph.find_export(service, "default")), "apps/api/src/service.ts:2 default");
  // The schema's files, as drizzle-kit sees them: not the namespace's.
  std::vector<std::string> closure;
  for (const SourceModule* module : graph.re_export_closure({schema}, 100)) {
    closure.push_back(module->path.lexically_relative(tree.root()).generic_string());
  }
  EXPECT_EQ(closure,
            (std::vector<std::string>{"apps/api/src/db/schema.ts", "packages/db/src/schema/index.ts",
                                      "packages/db/src/schema/users.ts", "packages/db/src/schema/posts.ts"}));
}

TEST(ModuleGraph, EachFileIsReadOnce) {
  TempTree tree;
  for (int i = 0; i < 30; ++i) {
    tree.write("schema/t" + std::to_string(i) + ".ts", "export const t" + std::to_string(i) + " = 1;\n");
  }
  std::string barrel;
  for (int i = 0; i < 30; ++i) {
    barrel += "export * from \"./t" + std::to_string(i) + "\";\n";
  }
  const fs::path index = tree.write("schema/index.ts", barrel);
  tree.write("a.ts", "export * from \"./schema\";\n");
  tree.write("b.ts", "export * from \"./schema/index\";\nexport * from \"./a\";\n");
  int reads = 0;
  ModuleResolver resolver(find_workspace(tree.root()));
  ModuleGraph graph(resolver, [&reads](const fs::path& path) -> std::optional<std::string> {
    ++reads;
    return pgadvise::test::read_text(path);
  });
  for (int i = 0; i < 30; ++i) {
    EXPECT_TRUE(graph.find_export(tree.root() / "b.ts", "t" + std::to_string(i)));
    EXPECT_TRUE(graph.find_export(tree.root() / "a.ts", "t" + std::to_string(i)));
  }
  EXPECT_EQ(reads, 33);
  EXPECT_EQ(graph.exports(index).size(), 30U);
}

// Hostile shapes end, and say where: an `extends` cycle, exports that
// nest conditions forever, a barrel that re-exports itself.
TEST(ModuleResolver, CyclesAndDeepNestingEndAndAreNamed) {
  TempTree tree;
  tree.write("tsconfig.json",
             R"({ "extends": "./b.json", "compilerOptions": { "paths": { "@/*": ["./src/*"] } } })");
  tree.write("b.json", R"({ "extends": "./tsconfig.json" })");
  std::string nested = R"({"default": "./src/x.ts"})";
  for (int i = 0; i < 40; ++i) {
    nested = R"({"node": )" + nested + "}";
  }
  tree.write("packages/deep/package.json", R"({ "name": "deep", "exports": { ".": )" + nested + " } }");
  tree.write("packages/deep/src/x.ts", "");
  tree.write("src/a.ts", "export * from \"./a\";\nexport const a = 1;\n");
  const fs::path from = tree.write("src/main.ts", "");
  ModuleResolver resolver(find_workspace(tree.root()));
  EXPECT_EQ(relative(tree, resolver.resolve(from, "@/a")), "src/a.ts");
  EXPECT_FALSE(resolver.resolve(from, "deep")); // deeper than any real package nests them
  ASSERT_FALSE(resolver.problems().empty());
  EXPECT_NE(resolver.problems().front().find("`extends` goes deeper"), std::string::npos)
      << resolver.problems().front();
  ModuleGraph graph(resolver);
  EXPECT_EQ(where(tree, graph.find_export(tree.root() / "src/a.ts", "a")), "src/a.ts:2 a");
}

} // namespace module_graph_test
