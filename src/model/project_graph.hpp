#pragma once

#include "core/source_location.hpp"

#include <string>
#include <string_view>
#include <vector>

// Where a project runs its commands: package scripts, Dockerfiles, CI jobs,
// platform configs, shell scripts and Makefile targets, each command split
// into the invocations that can lead to `drizzle-kit push`. The project
// scanner (loaders/project_scan) fills it; rules only read it.
namespace pgadvise::model {

enum class InvocationKind {
  drizzle_push,     // drizzle-kit push (or push:pg, ...)
  drizzle_migrate,  // drizzle-kit migrate
  drizzle_generate, // drizzle-kit generate: writes migrations, never touches a database (its --config says
                    // where they are)
  run_script,       // npm run X, pnpm X, yarn X, bun run X, turbo run X, run-s X ...
  run_file,         // ./entrypoint.sh, sh scripts/deploy.sh, source x.sh
  make_target,      // make X, make -C dir X
  run_program,      // node seed.js, tsx src/db/seed.ts, bun scripts/x.ts, npx tsx x.ts: target is the file
};

// A condition a command runs under, as the shell or the CI writes it:
// `[ "$ENVIRONMENT" = dev ]`, `case $ENV in prod*)`, `if: github.ref ==
// 'refs/heads/main'`. The command runs only when `variable`'s value matches
// one of `values` (shell globs), or none of them when `negated`. An empty
// variable is a condition pgadvise cannot read (`if command -v x`): it may
// hold or not.
struct Guard {
  std::string variable; // "ENVIRONMENT", "inputs.environment", "github.ref", "matrix.env"
  std::vector<std::string> values;
  bool negated = false;
  std::string text; // the condition as written
  core::SourceLocation location;
};

// The values a variable can take where it is known: a workflow_dispatch
// choice's options, a matrix axis, the branches a workflow runs on.
struct VariableDomain {
  std::string variable; // "inputs.environment", "matrix.env", "github.ref_name"
  std::vector<std::string> values;
  std::string source; // "the workflow_dispatch choice", "the matrix", "the branch filter"
  core::SourceLocation location;
};

// One simple command of a command line (`a && b; c` has three).
struct Invocation {
  InvocationKind kind = InvocationKind::run_script;
  std::string text;             // the segment as written: "npm run db:push -- --force"
  std::string target;           // script name (may hold '*'), file path relative to root, or make target
  std::string package_dir;      // directory the segment runs in, relative to root ("" = root)
  std::string workspace;        // -w / --filter / `yarn workspace` selector; "*" = every workspace
  std::string makefile;         // make_target: the Makefile, relative to root
  bool force = false;           // drizzle-kit --force, or --force forwarded to a script (`-- --force`)
  std::string config;           // drizzle-kit --config
  std::vector<std::string> env; // KEY=VALUE set for the segment; "dotenv:FILE" for dotenv -e FILE
  std::vector<Guard> guards;    // if / case / && / || conditions the segment runs under
};

struct Command {
  std::string text;
  core::SourceLocation location;
  std::vector<Invocation> invocations;
};

// A package.json "scripts" entry; location is the line of its key.
struct Script {
  std::string name;
  Command command;
};

struct Package {
  std::string dir;                          // relative to root, "" = root
  std::string manifest;                     // "server/package.json"
  std::string name;                         // the "name" field
  std::string package_manager = "npm";      // npm, pnpm, yarn or bun (lockfile or packageManager)
  std::vector<std::string> workspace_globs; // "workspaces" / pnpm-workspace.yaml packages
  std::vector<Script> scripts;

  [[nodiscard]] const Script* find_script(std::string_view script) const;
};

// A shell script (target empty) or a Makefile target: commands others run.
struct CommandFile {
  std::string path;   // relative to root
  std::string target; // Makefile target, empty for a shell script
  core::SourceLocation location;
  std::vector<Command> commands;
};

enum class SiteKind {
  package_script, // a lifecycle script (start, build, postinstall, ...) or deploy/release/prod script
  dockerfile,     // RUN / CMD / ENTRYPOINT
  compose,        // docker-compose command / entrypoint
  procfile,       // release:, web:, ...
  github_actions, // a step's run:
  gitlab_ci,      // a job's script
  platform,       // vercel, netlify, fly, render, railway
};
std::string_view to_string(SiteKind kind);

// A hint at what a site is for, with what it is: {"job", "deploy"}.
struct NameHint {
  std::string what; // "workflow", "job", "step", "stage", "service", "file", "context", "process", "script"
  std::string name;
  core::SourceLocation location;
};

struct EnvVar {
  std::string name;
  std::string value; // as written, e.g. "${{ secrets.PROD_DATABASE_URL }}"
  core::SourceLocation location;
  std::string refers_to; // the value is this one variable: "inputs.environment" for ${{ inputs.environment }}
};

// Facts around a site that tell which environment it runs against. The
// scanner records them; classifying is the rule's business.
struct SiteContext {
  std::string environment; // GitHub/GitLab `environment:` name
  core::SourceLocation environment_location;
  std::string environment_variable;  // `environment: ${{ inputs.environment }}` -> "inputs.environment"
  std::vector<std::string> branches; // branch or tag filters the job runs on
  core::SourceLocation branches_location;
  std::vector<std::string> triggers;   // push, pull_request, merge_request, schedule, tags, ...
  std::vector<NameHint> names;         // purpose hints, most specific first
  std::vector<EnvVar> env;             // variables the command sees
  std::vector<std::string> services;   // CI service containers (images)
  bool final_stage = true;             // Dockerfile: the instruction is in the last stage
  std::string platform;                // vercel, netlify, fly, render, railway (SiteKind::platform)
  std::vector<Guard> guards;           // `if:` on the job and step, GitLab `rules: if:` / `except:`
  std::vector<VariableDomain> domains; // workflow_dispatch choices, matrix axes, branch filters
};

// A place that runs commands on its own: the roots of every chain.
struct ExecutionSite {
  SiteKind kind = SiteKind::package_script;
  std::string file;  // relative to root
  std::string label; // "ENTRYPOINT", "release", "job \"deploy\"", "\"start\"", "release_command"
  std::vector<Command> commands;
  SiteContext context;
};

// A statement that deletes rows: TRUNCATE, DELETE FROM, DROP TABLE/SCHEMA,
// drizzle's db.delete(...), drizzle-seed's reset(...).
struct DataDeletion {
  std::string what; // "TRUNCATE", "DELETE FROM", "db.delete(", "reset(" ...
  std::string text; // the line, trimmed
  core::SourceLocation location;
};

// A JavaScript/TypeScript file a command runs (node, tsx, ts-node, bun, deno),
// read for what the project rules need.
struct ProgramFile {
  std::string path;     // relative to root
  bool seed = false;    // named seed*, or uses drizzle-seed
  std::string seed_why; // "named seed.ts", "imports drizzle-seed"
  std::vector<DataDeletion> deletions;
};

// A Drizzle query call in the project's TypeScript (loaders/project/query_calls):
// what n-plus-one needs to name the line that issues a per-row statement.
enum class QueryCallKind { select, find_first, find_many, insert, update, remove };

// One step of the way from a loop to the query it issues: the call of a
// helper function (`permissionRepo.listForRole(db, role.id)`).
struct QueryCallStep {
  std::string callee;               // as the code calls it: "repo.find", "this.activity.latestFor", "archive"
  core::SourceLocation call;        // the call
  core::SourceLocation declaration; // the name of the function it reaches
};

struct QueryCall {
  QueryCallKind kind = QueryCallKind::select;
  // The table variable as its module exports it (import aliases and
  // `schema.x` resolved); for `db.query.<key>` the key.
  std::string table;
  std::vector<std::string> key_columns; // column properties the where compares by equality
  std::vector<std::string> key_values;  // the compared values' source text, one per key column
  // An update's `.set({ col: value })`: the column properties and the values' source text.
  std::vector<std::string> set_columns;
  std::vector<std::string> set_values;
  std::string fields; // a select's `.select({ n: count() })` argument as written; "" for all columns
  bool other_conditions = false; // the where tests more than the key equalities (`and(eq(...), lte(...))`)
  // The rows each call takes, as written: `.limit(5)`, findMany's `limit: 5`;
  // "" when it takes all. A batched query cannot keep it with one LIMIT.
  std::string limit;
  // Its order, each expression as written: `.orderBy(desc(posts.publishedAt))`,
  // findMany's `orderBy: [asc(c.createdAt)]`; empty when it gives none, or
  // gives it in a form the select builder does not take (a callback, an object).
  std::vector<std::string> order_by;
  // drizzle-orm 1.0's relational queries: the where is an object filter
  // (`{ authorId: author.id }`), so the fix's is one too (`{ authorId: { in: ids } }`).
  bool object_filter = false;
  std::string receiver;          // the handle it is made on, as written: `db`, `tx`, `ctx.db`, `this.db`
  core::SourceLocation location; // the call (its `db`)
  // The innermost loop around the call (or around the call of the helper
  // function that makes it: `via`); empty outside loops.
  std::string loop; // "for...of", "for", "while", ".map", ".forEach", ...
  core::SourceLocation loop_location;
  // `post` in `for (const post of rows)` / `rows.map((post) => ...)`; for a
  // "recursion" (a function that calls itself outside any loop, the call
  // standing for the loop) the function's name.
  std::string loop_variable;
  std::string loop_iterable; // `rows`
  // A recursion's: what the function passes itself for the value the query
  // looks up (`category.parentId` in `breadcrumbs(category.parentId)`).
  std::string recursion_key;
  // Tables other Drizzle calls read earlier in the function around the loop:
  // where the loop's rows can come from.
  std::vector<std::string> tables_before;
  std::string via;                   // the helper function the loop calls, when the query is in it
  core::SourceLocation via_location; // that call, inside the loop
  // Loop -> helper -> ... -> the function that holds the query (the first
  // step is `via`); empty when the query sits in the loop's own body.
  std::vector<QueryCallStep> chain;
  // The loop runs over a constant array literal of this many elements (its
  // own `[...]` or a `const` bound to one: three system roles); 0 otherwise.
  std::size_t loop_constant = 0;
  bool in_transaction = false;      // the query runs inside a `.transaction(...)` callback
  bool loop_in_transaction = false; // the loop itself runs inside one
  // The loop's own body opens the transaction around the call (a
  // `db.transaction(async (tx) => ...)` per row), not a helper it calls.
  bool transaction_in_body = false;
  // The `if` (or `else`) of the loop's body the call runs under, when it
  // is the loop's own (`if (remaining.length === 0) await tx.delete(...)`):
  // a batch of all rows would drop that test. Line 0 when none.
  core::SourceLocation condition;
};

// A relation declared with drizzle-orm's relations() (`relations(posts, ({
// many }) => ({ comments: many(comments) }))`): what `db.query.<table>
// .findMany({ with: { <name>: true } })` loads.
struct DrizzleRelation {
  std::string table;  // the table variable relations() declares it for ("posts")
  std::string name;   // its key ("comments")
  std::string target; // the related table variable ("comments")
  bool many = false;  // many(...), else one(...)
  core::SourceLocation location;
};

// A located problem met while scanning (malformed YAML, JSON or TOML).
struct ScanNote {
  std::string message;
  core::SourceLocation location;
};

struct Project;

// The package a command running in `dir` belongs to: the nearest package at or above it.
const Package* package_for_dir(const Project& project, std::string_view dir);

} // namespace pgadvise::model
