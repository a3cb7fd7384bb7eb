#include "reporters/sample_report.hpp"

namespace pgadvise::test {

namespace {

core::Finding finding(std::string rule, core::Severity severity, std::string message, core::ObjectRef object,
                      core::SourceLocation location) {
  core::Finding f;
  f.rule = std::move(rule);
  f.severity = severity;
  f.message = std::move(message);
  f.object = std::move(object);
  f.location = std::move(location);
  f.compute_fingerprint();
  return f;
}

} // namespace

engine::RunReport sample_run() {
  engine::RunReport run;

  core::Finding fk = finding(
      "unindexed-foreign-key", core::Severity::critical,
      "Foreign key posts_author_id_users_id_fk on posts(author_id) has no index: every "
      "DELETE or UPDATE of a users row scans all of posts to check it.",
      {"public", "posts", {"author_id"}, "posts_author_id_users_id_fk"}, {"drizzle/0001_posts.sql", 12, 3});
  fk.help = "Create an index whose leading columns are the foreign key's columns.";
  fk.evidence.push_back({core::Evidence::Kind::ddl,
                         "\"author_id\" integer REFERENCES \"users\"(\"id\") ON DELETE cascade",
                         {"drizzle/0001_posts.sql", 12, 3}});
  fk.fix = core::Fix{
      core::SqlChange{"CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_author_id_idx ON posts (author_id);",
                      "index(\"posts_author_id_idx\").on(table.authorId),"},
      "CREATE INDEX CONCURRENTLY cannot run inside a transaction block: put it in a migration of "
      "its own, and check that the index is valid afterwards."};
  fk.fix->sql().drizzle_file = "src/db/schema.ts:41";
  fk.fix->sql().drizzle_table = "posts";
  fk.fix->sql().commands = "npm run db:generate && npm run db:migrate";
  // As the runner stamps each rule's fixes (RuleMeta::fix_applicability):
  // a new index and push -> migrate are safe, a type change unsafe.
  fk.fix->applicability = core::FixApplicability::safe;
  run.findings.push_back(fk);

  core::Finding hint = finding("json-in-text-column", core::Severity::low,
                               "Column posts.metadata is text but its name suggests JSON.",
                               {"public", "posts", {"metadata"}, ""}, {"drizzle/0001_posts.sql", 12, 3});
  hint.help = "Check a few values; if they are JSON, store them as jsonb.";
  run.findings.push_back(hint);

  core::Finding json_default =
      finding("json-in-text-column", core::Severity::medium,
              "Column posts.settings is text with a JSON default '{}'.",
              {"public", "posts", {"settings"}, ""}, {"drizzle/0001_posts.sql", 4, 0});
  json_default.evidence.push_back(
      {core::Evidence::Kind::ddl, "\"settings\" text DEFAULT '{}'", {"drizzle/0001_posts.sql", 4, 3}});
  json_default.fix = core::Fix{
      core::SqlChange{"ALTER TABLE posts\n  ALTER COLUMN settings TYPE jsonb USING settings::jsonb;",
                      "settings: jsonb(\"settings\").default({}),"},
      ""};
  run.findings.push_back(json_default);

  core::Finding parse = finding("parse-error", core::Severity::high, "syntax error at or near \"TABLEE\"", {},
                                {"drizzle/0000_init.sql", 7, 1});
  run.findings.push_back(parse);

  core::Finding live =
      finding("unindexed-foreign-key", core::Severity::high,
              "Foreign key invoices_customer_fk on billing.invoices(customer_id) has no index.",
              {"billing", "invoices", {"customer_id"}, "invoices_customer_fk"}, {});
  live.help = "Create an index on invoices(customer_id).";
  live.evidence.push_back(
      {core::Evidence::Kind::catalog, "pg_constraint: invoices_customer_fk, 0 matching indexes", {}});
  live.fix = core::Fix{core::SqlChange{"CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_customer_id_idx ON "
                                       "billing.invoices (customer_id);"},
                       ""};
  live.fix->applicability = core::FixApplicability::safe;
  run.findings.push_back(live);

  core::Finding project = finding("push-in-production", core::Severity::info,
                                  "drizzle-kit push is used in a production script.", {}, {});
  project.fix = core::Fix{};
  project.fix->change.emplace<core::ShellChange>();
  project.fix->shell().commands = "npx drizzle-kit generate\nnpx drizzle-kit migrate";
  project.fix->applicability = core::FixApplicability::safe;
  run.findings.push_back(project);

  core::sort_findings(run.findings);
  run.rules_run = {"json-in-text-column", "unindexed-foreign-key"};
  run.skipped = {"seq-scan-confirmed: no query plans (--db)", "missing-primary-key: disabled"};
  run.suppressed = 2;
  run.hidden = 1;
  return run;
}

reporters::ReportInput sample_input(const engine::RunReport& run) {
  reporters::ReportInput input;
  input.run = &run;
  input.schema_source = "sql";
  input.schema_description = "SQL replay of drizzle/ (2 migrations)";
  input.inputs = {"."};
  input.notes = {"drizzle.config.ts: out = ./drizzle",
                 "drizzle/meta/0001_snapshot.json ignored: SQL replay used"};
  return input;
}

} // namespace pgadvise::test
