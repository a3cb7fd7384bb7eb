#include "loaders/sql/sql_replay_test_support.hpp"

#include <gtest/gtest.h>

// fixtures/sql/pg_dump_schema.sql is real `pg_dump --schema-only` output of
// PostgreSQL 15 (regenerate with fixtures/sql/make_pg_dump.sh). Expected
// lines are looked up in the dump so a regenerated dump keeps the tests valid.
namespace pgadvise {
namespace {

using model::FkAction;
using test::find_fk;
using test::line_containing;

class PgDumpReplay : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    s_sql = new std::string(test::read_text(test::sql_fixture("pg_dump_schema.sql")));
    s_load = new loaders::SchemaLoad(test::replay(*s_sql, "pg_dump_schema.sql"));
  }
  static void TearDownTestSuite() {
    delete s_load;
    delete s_sql;
    s_load = nullptr;
    s_sql = nullptr;
  }
  static const model::Table& table(const std::string& schema, const std::string& name) {
    const model::Table* found = s_load->catalog.find_table(schema, name);
    if (found == nullptr) {
      ADD_FAILURE() << "missing table " << schema << "." << name;
      static const model::Table empty;
      return empty;
    }
    return *found;
  }
  static int line_of(std::string_view needle) { return line_containing(*s_sql, needle); }

  static std::string* s_sql;
  static loaders::SchemaLoad* s_load;
};

std::string* PgDumpReplay::s_sql = nullptr;
loaders::SchemaLoad* PgDumpReplay::s_load = nullptr;

TEST_F(PgDumpReplay, ReplaysWithoutDiagnostics) {
  ASSERT_FALSE(s_sql->empty());
  EXPECT_TRUE(s_load->diagnostics.empty())
      << s_load->diagnostics.front().location.to_string() << ": " << s_load->diagnostics.front().message;
}

TEST_F(PgDumpReplay, TablesSchemasAndNoViews) {
  std::vector<std::string> names;
  for (const model::Table& t : s_load->catalog.tables) {
    names.push_back(t.qualified());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names,
            (std::vector<std::string>{"billing.invoices", "public.AuditLog", "public.events",
                                      "public.events_2024", "public.events_2025", "public.organizations",
                                      "public.projects", "public.tasks", "public.users"}));
  EXPECT_TRUE(s_load->catalog.has_schema("billing"));
  EXPECT_EQ(table("public", "users").location.line, line_of("CREATE TABLE public.users ("));
}

TEST_F(PgDumpReplay, ColumnsTypesAndDefaults) {
  const model::Table& users = table("public", "users");
  const model::Column* id = users.find_column("id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->type.name, "int4");
  EXPECT_TRUE(id->identity); // ALTER TABLE ... ADD GENERATED ALWAYS AS IDENTITY
  const model::Column* email = users.find_column("email");
  EXPECT_EQ(email->type.schema, "public");
  EXPECT_EQ(email->type.name, "email_address");
  EXPECT_EQ(s_load->catalog.resolve_type(email->type).name, "citext");
  EXPECT_EQ(email->location.line, line_of("    email public.email_address NOT NULL"));
  EXPECT_EQ(email->location.column, 5);
  EXPECT_EQ(users.find_column("deleted_at")->type.display(), "timestamptz(3)");
  EXPECT_EQ(users.find_column("tags")->default_expr.value_or(""), "'{}'::text[]");
  EXPECT_EQ(users.find_column("metadata")->type.name, "text");

  const model::Column* org_id = table("public", "organizations").find_column("id");
  EXPECT_EQ(org_id->default_expr.value_or(""), "nextval('public.organizations_id_seq'::regclass)");
  EXPECT_TRUE(org_id->not_null);
  EXPECT_EQ(table("public", "organizations").find_column("slug")->type.display(), "varchar(64)");
  EXPECT_EQ(table("public", "tasks").find_column("payload")->type.name, "json");
  EXPECT_EQ(table("public", "tasks").find_column("status")->default_expr.value_or(""),
            "'todo'::public.task_status");
  const model::Column* currency = table("billing", "invoices").find_column("currency");
  EXPECT_EQ(currency->type.schema, "billing");
  EXPECT_EQ(currency->type.name, "currency");
  EXPECT_EQ(table("billing", "invoices").checks.at(0).name, "invoices_amount_check");
}

TEST_F(PgDumpReplay, EnumsAndDomains) {
  const model::Enum* status = s_load->catalog.find_enum("public", "task_status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->values, (std::vector<std::string>{"todo", "doing", "done"}));
  EXPECT_EQ(status->location.line, line_of("CREATE TYPE public.task_status AS ENUM"));
  EXPECT_NE(s_load->catalog.find_enum("billing", "currency"), nullptr);
  EXPECT_NE(s_load->catalog.find_domain("public", "email_address"), nullptr);
}

TEST_F(PgDumpReplay, ConstraintsAddedByAlterTableOnly) {
  const model::Table& users = table("public", "users");
  ASSERT_NE(users.primary_key(), nullptr);
  EXPECT_EQ(users.primary_key()->name, "users_pkey");
  EXPECT_EQ(users.primary_key()->location.line, line_of("ADD CONSTRAINT users_pkey PRIMARY KEY"));
  const model::Table& projects = table("public", "projects");
  EXPECT_EQ(projects.primary_key()->leading_columns(), (std::vector<std::string>{"organization_id", "id"}));
  const model::Index* unique = projects.find_index("projects_org_name_key");
  ASSERT_NE(unique, nullptr);
  EXPECT_EQ(unique->kind, model::IndexKind::unique_constraint);
  const model::Table& audit = table("public", "AuditLog");
  EXPECT_EQ(audit.primary_key()->name, "AuditLog_pkey");
  EXPECT_EQ(audit.primary_key()->leading_columns(), std::vector<std::string>{"Id"});
}

TEST_F(PgDumpReplay, ForeignKeys) {
  const model::Table& tasks = table("public", "tasks");
  const model::ForeignKey* composite = find_fk(tasks, "tasks_organization_id_project_id_fkey");
  ASSERT_NE(composite, nullptr);
  EXPECT_EQ(composite->columns, (std::vector<std::string>{"organization_id", "project_id"}));
  EXPECT_EQ(composite->ref_schema, "public");
  EXPECT_EQ(composite->ref_table, "projects");
  EXPECT_EQ(composite->ref_columns, (std::vector<std::string>{"organization_id", "id"}));
  EXPECT_EQ(composite->on_delete, FkAction::cascade);
  EXPECT_EQ(composite->on_update, FkAction::cascade);
  EXPECT_EQ(composite->location.line, line_of("ADD CONSTRAINT tasks_organization_id_project_id_fkey"));
  EXPECT_FALSE(find_fk(tasks, "tasks_reporter_fk")->valid);
  EXPECT_TRUE(find_fk(tasks, "tasks_assignee_fk")->valid);
  EXPECT_EQ(find_fk(table("public", "projects"), "projects_owner_id_fkey")->on_delete, FkAction::set_null);
  const model::ForeignKey* audit = find_fk(table("public", "AuditLog"), "AuditLog_userId_fkey");
  ASSERT_NE(audit, nullptr);
  EXPECT_EQ(audit->columns, std::vector<std::string>{"userId"});
  EXPECT_EQ(find_fk(table("billing", "invoices"), "invoices_organization_id_fkey")->ref_table,
            "organizations");
}

TEST_F(PgDumpReplay, Indexes) {
  const model::Table& users = table("public", "users");
  const model::Index* live = users.find_index("users_email_live_idx");
  ASSERT_NE(live, nullptr);
  EXPECT_TRUE(live->unique);
  EXPECT_EQ(live->keys.at(0).expression, "lower((email)::text)");
  EXPECT_EQ(live->predicate, "deleted_at IS NULL");
  EXPECT_EQ(live->location.line, line_of("CREATE UNIQUE INDEX users_email_live_idx"));
  const model::Index* trgm = users.find_index("users_name_trgm_idx");
  EXPECT_EQ(trgm->method, "gin");
  EXPECT_EQ(trgm->keys.at(0).column, "display_name");
  EXPECT_EQ(trgm->keys.at(0).opclass, "gin_trgm_ops");
  const model::Table& tasks = table("public", "tasks");
  EXPECT_EQ(tasks.find_index("tasks_project_idx")->include, std::vector<std::string>{"status"});
  EXPECT_EQ(tasks.find_index("tasks_project_idx")->leading_columns(),
            (std::vector<std::string>{"organization_id", "project_id"}));
  EXPECT_TRUE(tasks.find_index("tasks_created_idx")->keys.at(0).descending);
  EXPECT_EQ(tasks.find_index("tasks_open_idx")->predicate, "status <> 'done'::public.task_status");
}

TEST_F(PgDumpReplay, PartitionsAndTheirIndexes) {
  const model::Table& events = table("public", "events");
  EXPECT_TRUE(events.partitioned);
  EXPECT_EQ(table("public", "events_2024").partition_of, "public.events");
  EXPECT_EQ(table("public", "events_2025").partition_of, "public.events");
  // ON ONLY / ALTER TABLE ONLY indexes are valid once every partition's index is attached.
  EXPECT_TRUE(events.find_index("events_org_time_idx")->valid);
  EXPECT_TRUE(events.primary_key()->valid);
  // The parent's foreign key exists on each partition, as in the real catalog.
  EXPECT_NE(find_fk(table("public", "events_2024"), "events_organization_id_fkey"), nullptr);
  EXPECT_NE(table("public", "events_2025").find_index("events_2025_organization_id_occurred_at_idx"),
            nullptr);
}

TEST(PgDumpPartial, OnOnlyIndexIsInvalidUntilAttached) {
  const std::string sql = test::read_text(test::sql_fixture("pg_dump_schema.sql"));
  const auto cut = sql.find("ALTER INDEX public.events_org_time_idx ATTACH PARTITION");
  ASSERT_NE(cut, std::string::npos);
  const auto load = test::replay(std::string_view(sql).substr(0, cut));
  const model::Table* events = load.catalog.find_table("public", "events");
  ASSERT_NE(events, nullptr);
  EXPECT_FALSE(events->find_index("events_org_time_idx")->valid);
}

} // namespace
} // namespace pgadvise
