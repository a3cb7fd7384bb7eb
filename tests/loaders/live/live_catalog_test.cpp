#include "core/text.hpp"
#include "loaders/live/catalog.hpp"
#include "loaders/sql/migrations.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace pgadvise::loaders {
namespace {

using test_support::ClusterTest;

// DDL that exercises what the Catalog models: schemas, enums, domains,
// serial and identity keys, composite and multi-column keys, FK actions,
// partial / expression / DESC / INCLUDE / hash / opclass indexes, checks,
// and a partitioned table with a partition.
constexpr std::string_view k_schema_sql = R"sql(
CREATE SCHEMA billing;
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE DOMAIN email_address AS varchar(320);
CREATE TABLE users (
  id serial PRIMARY KEY,
  email email_address NOT NULL,
  name varchar(255),
  settings jsonb DEFAULT '{}'::jsonb NOT NULL,
  tags text[],
  created_at timestamp(3) with time zone DEFAULT now() NOT NULL,
  CONSTRAINT users_email_key UNIQUE (email)
);
CREATE TABLE billing.accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  balance numeric(12,2) DEFAULT 0 NOT NULL,
  CONSTRAINT accounts_balance_check CHECK (balance >= 0)
);
CREATE TABLE orders (
  id uuid PRIMARY KEY,
  user_id integer NOT NULL,
  account_id bigint,
  status order_status DEFAULT 'pending' NOT NULL,
  total numeric(10,2),
  deleted_at timestamptz,
  CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE
);
ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id)
  REFERENCES billing.accounts (id) ON DELETE SET NULL;
CREATE TABLE order_lines (
  order_id uuid NOT NULL,
  line_no smallint NOT NULL,
  sku text NOT NULL,
  qty int4 DEFAULT 1 NOT NULL,
  CONSTRAINT order_lines_pkey PRIMARY KEY (order_id, line_no),
  CONSTRAINT order_lines_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
);
CREATE TABLE line_notes (
  id bigserial PRIMARY KEY,
  order_id uuid NOT NULL,
  line_no smallint NOT NULL,
  note text,
  CONSTRAINT line_notes_line_fk FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no)
);
CREATE INDEX orders_user_idx ON orders (user_id);
CREATE INDEX orders_live_idx ON orders (user_id, status) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_lower_email_idx ON users (lower(email));
CREATE INDEX orders_status_total_idx ON orders (status, total DESC) INCLUDE (deleted_at);
CREATE INDEX order_lines_sku_hash ON order_lines USING hash (sku);
CREATE INDEX users_name_pattern_idx ON users (name varchar_pattern_ops);
CREATE TABLE events (
  id bigint NOT NULL,
  happened_at timestamptz NOT NULL,
  payload jsonb
) PARTITION BY RANGE (happened_at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX events_happened_idx ON events (happened_at);
)sql";

std::string kind_name(model::IndexKind kind) {
  switch (kind) {
  case model::IndexKind::primary_key: return "pk";
  case model::IndexKind::unique_constraint: return "unique-constraint";
  case model::IndexKind::index: return "index";
  }
  return "?";
}

std::string describe_index(const model::Index& index) {
  std::string keys;
  int expressions = 0;
  for (const model::IndexKey& key : index.keys) {
    if (key.column.empty()) {
      ++expressions;
      keys += "<expr> ";
    } else {
      keys +=
          key.column + (key.descending ? " desc" : "") + (key.opclass.empty() ? "" : " " + key.opclass) + " ";
    }
  }
  return "index " + index.name + " " + kind_name(index.kind) + " unique=" + std::to_string(index.unique) +
         " method=" + index.method + " partial=" + std::to_string(index.is_partial()) +
         " valid=" + std::to_string(index.valid) + " keys=[" + keys + "] include=[" +
         core::join(index.include, ",") + "]";
}

std::string describe_fk(const model::ForeignKey& fk) {
  return "fk " + fk.name + " (" + core::join(fk.columns, ",") + ") -> " + fk.ref_schema + "." + fk.ref_table +
         " (" + core::join(fk.ref_columns, ",") + ") delete=" + std::string(model::to_string(fk.on_delete)) +
         " update=" + std::string(model::to_string(fk.on_update));
}

std::string type_text(const model::TypeRef& type) {
  // name(modifiers), one * per array dimension, and serial.
  return (type.schema.empty() ? "" : type.schema + ".") + type.name + "(" + core::join(type.modifiers, ",") +
         ")" + std::string(static_cast<std::size_t>(type.array_dims), '*') + (type.serial ? " serial" : "");
}

// One sorted line per fact the two loaders must agree on. Default
// expressions are compared by presence: PostgreSQL deparses them
// ('pending'::order_status), the replay keeps them as written.
std::vector<std::string> describe(const model::Catalog& catalog) {
  std::vector<std::string> out;
  for (const model::Table& table : catalog.tables) {
    const std::string prefix = table.qualified() + ": ";
    out.push_back(prefix + "table partitioned=" + std::to_string(table.partitioned) +
                  " of=" + table.partition_of);
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      const model::Column& column = table.columns[i];
      out.push_back(prefix + "column " + std::to_string(i) + " " + column.name + " " +
                    type_text(column.type) + " not_null=" + std::to_string(column.not_null) +
                    " identity=" + std::to_string(column.identity) +
                    " default=" + std::to_string(column.default_expr.has_value()));
    }
    // A partition's indexes come from its parent's; the replay does not
    // create them.
    if (table.partition_of.empty()) {
      for (const model::Index& index : table.indexes) {
        out.push_back(prefix + describe_index(index));
      }
    }
    for (const model::ForeignKey& fk : table.foreign_keys) {
      out.push_back(prefix + describe_fk(fk));
    }
    for (const model::CheckConstraint& check : table.checks) {
      out.push_back(prefix + "check " + check.name);
    }
  }
  for (const model::Enum& created : catalog.enums) {
    out.push_back("enum " + created.schema + "." + created.name + " " + core::join(created.values, ","));
  }
  for (const model::Domain& domain : catalog.domains) {
    out.push_back("domain " + domain.schema + "." + domain.name + " " + type_text(domain.base));
  }
  std::sort(out.begin(), out.end());
  return out;
}

class LiveCatalogTest : public ClusterTest {
protected:
  // A fresh database holding `sql`; its name in `database_`.
  void create(std::string_view sql) {
    std::string why;
    database_ = cluster().create_database("livecat", &why);
    ASSERT_FALSE(database_.empty()) << why;
    auto admin = cluster().admin(database_);
    ASSERT_TRUE(admin.ok()) << admin.error().to_string();
    auto applied = admin->run_script(sql);
    ASSERT_TRUE(applied.ok()) << applied.error().to_string();
    // The counters of what the script wrote are visible before it returns.
    ASSERT_TRUE(admin->query("SELECT pg_stat_force_next_flush()").ok());
  }

  pg::DbResult<pg::Connection> connect(const std::string& conninfo) const {
    pg::ConnectOptions options;
    options.conninfo = conninfo;
    return pg::Connection::open(options);
  }

  core::Result<SchemaLoad> load_as_superuser() const {
    auto connection = connect(cluster().admin_conninfo(database_));
    if (!connection.ok()) {
      return connection.error().to_error();
    }
    return load_live_catalog(*connection);
  }

  std::string database_;
};

TEST_F(LiveCatalogTest, MatchesTheSqlReplayOfTheSameDdl) {
  ASSERT_NO_FATAL_FAILURE(create(k_schema_sql));
  auto live = load_as_superuser();
  ASSERT_TRUE(live.ok()) << live.error().to_string();
  EXPECT_EQ(live->catalog.source, model::SchemaSource::live);

  SchemaLoad replayed;
  replay_sql(k_schema_sql, "schema.sql", replayed);
  for (const core::Finding& diagnostic : replayed.diagnostics) {
    ADD_FAILURE() << "replay: " << diagnostic.rule << " " << diagnostic.location.to_string() << " "
                  << diagnostic.message;
  }
  ASSERT_FALSE(replayed.catalog.tables.empty()) << "the SQL replay produced nothing";
  EXPECT_EQ(describe(live->catalog), describe(replayed.catalog));
}

TEST_F(LiveCatalogTest, ReadsKeysExpressionsAndPredicatesFromTheServer) {
  ASSERT_NO_FATAL_FAILURE(create(k_schema_sql));
  auto live = load_as_superuser();
  ASSERT_TRUE(live.ok()) << live.error().to_string();
  const model::Catalog& catalog = live->catalog;

  const model::Table* users = catalog.find_table("public", "users");
  ASSERT_NE(users, nullptr);
  const model::Index* lower_email = users->find_index("users_lower_email_idx");
  ASSERT_NE(lower_email, nullptr);
  ASSERT_EQ(lower_email->keys.size(), 1U);
  EXPECT_TRUE(lower_email->keys[0].column.empty());
  EXPECT_NE(lower_email->keys[0].expression.find("lower("), std::string::npos)
      << lower_email->keys[0].expression;
  EXPECT_NE(lower_email->definition.find("CREATE UNIQUE INDEX users_lower_email_idx"), std::string::npos);
  ASSERT_NE(users->find_column("id"), nullptr);
  EXPECT_TRUE(users->find_column("id")->type.serial);
  EXPECT_EQ(users->find_column("email")->type.schema, "public");
  EXPECT_EQ(users->find_column("tags")->type.array_dims, 1);
  EXPECT_EQ(users->find_column("created_at")->type.name, "timestamptz");

  const model::Table* orders = catalog.find_table("public", "orders");
  ASSERT_NE(orders, nullptr);
  const model::Index* live_idx = orders->find_index("orders_live_idx");
  ASSERT_NE(live_idx, nullptr);
  EXPECT_EQ(live_idx->predicate, "deleted_at IS NULL");
  const model::Index* status_total = orders->find_index("orders_status_total_idx");
  ASSERT_NE(status_total, nullptr);
  EXPECT_EQ(status_total->include, std::vector<std::string>{"deleted_at"});

  const model::Table* accounts = catalog.find_table("billing", "accounts");
  ASSERT_NE(accounts, nullptr);
  EXPECT_TRUE(accounts->find_column("id")->identity);
  EXPECT_TRUE(accounts->find_column("id")->identity_always); // GENERATED ALWAYS
  ASSERT_EQ(accounts->checks.size(), 1U);
  EXPECT_EQ(accounts->checks[0].expression, "balance >= 0::numeric");

  const model::Table* partition = catalog.find_table("public", "events_2024");
  ASSERT_NE(partition, nullptr);
  EXPECT_EQ(partition->partition_of, "public.events");
  ASSERT_EQ(partition->indexes.size(), 1U);
  EXPECT_TRUE(partition->indexes[0].inherited);

  EXPECT_TRUE(catalog.has_schema("billing"));
  EXPECT_FALSE(catalog.has_schema("pg_catalog"));
  EXPECT_FALSE(catalog.has_schema("information_schema"));
  EXPECT_EQ(catalog.database, database_);
  ASSERT_TRUE(catalog.server_version_num.has_value());
  EXPECT_EQ(*catalog.server_version_num / 10000, 15);
}

TEST_F(LiveCatalogTest, LeavesOutExtensionAndSystemObjects) {
  ASSERT_NO_FATAL_FAILURE(create("CREATE EXTENSION citext; CREATE TABLE people (handle citext);"
                                 "CREATE TEMP TABLE scratch (x int);"));
  auto live = load_as_superuser();
  ASSERT_TRUE(live.ok()) << live.error().to_string();
  ASSERT_EQ(live->catalog.tables.size(), 1U);
  const model::Column* handle = live->catalog.tables[0].find_column("handle");
  ASSERT_NE(handle, nullptr);
  EXPECT_EQ(handle->type.name, "citext");
  EXPECT_TRUE(handle->type.is_text_like());
  EXPECT_TRUE(live->catalog.domains.empty());
  for (const std::string& schema : live->catalog.schemas) {
    EXPECT_NE(schema.rfind("pg_", 0), 0U) << schema;
  }
}

// Statistics: seed rows, let the planner analyze them, and scan.
constexpr std::string_view k_stats_sql = R"sql(
CREATE TABLE items (id int PRIMARY KEY, kind text NOT NULL, note text);
CREATE INDEX items_kind_idx ON items (kind);
INSERT INTO items SELECT g, CASE WHEN g % 10 = 0 THEN 'rare' ELSE 'common' END, NULL FROM generate_series(1, 2000) g;
ANALYZE items;
)sql";

TEST_F(LiveCatalogTest, ReadsCountersSizesAndPlannerStatistics) {
  ASSERT_NO_FATAL_FAILURE(create(k_stats_sql));
  {
    auto admin = cluster().admin(database_);
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE(admin->query("SELECT count(*) FROM items").ok());          // a seq scan
    ASSERT_TRUE(admin->query("SELECT kind FROM items WHERE id = 7").ok()); // an index scan
    ASSERT_TRUE(admin->query("SELECT pg_stat_force_next_flush()").ok());
  }
  auto live = load_as_superuser();
  ASSERT_TRUE(live.ok()) << live.error().to_string();
  const model::Table* items = live->catalog.find_table("public", "items");
  ASSERT_NE(items, nullptr);
  ASSERT_TRUE(items->stats.has_value());
  EXPECT_TRUE(items->stats->has_counters);
  EXPECT_EQ(items->stats->reltuples, 2000);
  EXPECT_EQ(items->stats->n_tup_ins, 2000);
  EXPECT_EQ(items->stats->n_live_tup, 2000);
  EXPECT_GE(items->stats->seq_scan, 1);
  EXPECT_GE(items->stats->seq_tup_read, 2000);
  EXPECT_GE(items->stats->idx_scan, 1);
  EXPECT_GT(items->stats->table_bytes, 0);

  const model::Index* pkey = items->find_index("items_pkey");
  ASSERT_NE(pkey, nullptr);
  ASSERT_TRUE(pkey->stats.has_value());
  EXPECT_GE(pkey->stats->idx_scan, 1);
  EXPECT_GT(pkey->stats->size_bytes, 0);
  const model::Index* kind_idx = items->find_index("items_kind_idx");
  ASSERT_NE(kind_idx, nullptr);
  ASSERT_TRUE(kind_idx->stats.has_value());
  EXPECT_EQ(kind_idx->stats->idx_scan, 0);

  const model::Column* kind = items->find_column("kind");
  ASSERT_NE(kind, nullptr);
  ASSERT_TRUE(kind->stats() != nullptr);
  EXPECT_EQ(kind->stats()->n_distinct, 2);
  EXPECT_EQ(kind->stats()->null_frac, 0);
  EXPECT_EQ(kind->stats()->most_common_vals, "{common,rare}");
  EXPECT_EQ(kind->stats()->most_common_freqs, "{0.9,0.1}");
  const model::Column* note = items->find_column("note");
  ASSERT_NE(note, nullptr);
  ASSERT_TRUE(note->stats() != nullptr);
  EXPECT_EQ(note->stats()->null_frac, 1);
  const model::Column* id = items->find_column("id");
  ASSERT_NE(id, nullptr);
  ASSERT_TRUE(id->stats() != nullptr);
  EXPECT_EQ(id->stats()->n_distinct, -1); // unique: minus the fraction of rows

  ASSERT_TRUE(live->catalog.stats_window.has_value());
  EXPECT_TRUE(live->catalog.stats_window->since_server_start); // never reset on a new cluster
  EXPECT_GE(live->catalog.stats_window->age_seconds, 0);
}

// Sum of the tuple counters of every user table, read fresh.
std::int64_t tuples_written(pg::Connection& admin) {
  auto result =
      admin.query("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables");
  return result.ok() && !result->rows.empty() ? std::stoll(result->rows[0][0].value_or("-1")) : -1;
}

TEST_F(LiveCatalogTest, SelectOnlyRoleLoadsEverythingAndWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(create(std::string(k_schema_sql) + std::string(k_stats_sql)));
  auto admin = cluster().admin(database_);
  ASSERT_TRUE(admin.ok());
  const std::string role = "livecat_reader_" + database_;
  const std::string password = "Select-Only-Pass-" + database_;
  ASSERT_TRUE(admin
                  ->run_script("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "';" +
                               "GRANT USAGE ON SCHEMA public, billing TO " + role + ";" +
                               "GRANT SELECT ON ALL TABLES IN SCHEMA public, billing TO " + role + ";")
                  .ok());

  // The counters move when something is written (so "no change" below
  // means something).
  const std::int64_t before_control = tuples_written(*admin);
  ASSERT_TRUE(admin->query("INSERT INTO items VALUES (100000, 'control', NULL)").ok());
  ASSERT_TRUE(admin->query("SELECT pg_stat_force_next_flush()").ok());
  const std::int64_t before = tuples_written(*admin);
  ASSERT_EQ(before, before_control + 1);

  {
    auto reader = connect(cluster().tcp_conninfo(database_, role, password));
    ASSERT_TRUE(reader.ok()) << reader.error().to_string();
    auto live = load_live_catalog(*reader);
    ASSERT_TRUE(live.ok()) << live.error().to_string();
    EXPECT_EQ(describe(live->catalog).size(), [&] {
      auto full = load_as_superuser();
      return full.ok() ? describe(full->catalog).size() : 0;
    }());
    const model::Table* items = live->catalog.find_table("public", "items");
    ASSERT_NE(items, nullptr);
    ASSERT_NE(items->find_column("kind"), nullptr);
    EXPECT_TRUE(items->find_column("kind")->stats() != nullptr)
        << "pg_stats hides columns the role cannot read";
    ASSERT_TRUE(reader->query("SELECT pg_stat_force_next_flush()").ok());
  }
  EXPECT_EQ(tuples_written(*admin), before);
}

TEST_F(LiveCatalogTest, ALostConnectionIsAnErrorNotACrash) {
  ASSERT_NO_FATAL_FAILURE(create("CREATE TABLE t (id int);"));
  auto connection = connect(cluster().admin_conninfo(database_));
  ASSERT_TRUE(connection.ok());
  auto pid = connection->query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  auto admin = cluster().admin(database_);
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->query("SELECT pg_terminate_backend($1::int, 5000)", {pid->rows[0][0]}).ok());
  auto live = load_live_catalog(*connection);
  ASSERT_FALSE(live.ok());
  EXPECT_EQ(live.error().message.rfind("live catalog (server): ", 0), 0U) << live.error().message;
  EXPECT_EQ(live.error().message.find('\n'), std::string::npos) << live.error().message;
}

} // namespace
} // namespace pgadvise::loaders
