#pragma once

#include "loaders/sql/replay.hpp"
#include "model/catalog.hpp"

// Migration statements that work on rows rather than on the schema -- a
// backfill UPDATE, REFRESH MATERIALIZED VIEW, the partition check ATTACH
// PARTITION runs -- recorded as model::MigrationSteps for the lock-safety
// rules (backfill-in-migration, wide-lock-window, ...).
namespace pgadvise::loaders::replay {

// UPDATE (an UpdateStmt) of a table the catalog has: an update_rows step,
// `scans` when it matches every row (no WHERE, WHERE true, or only IS NULL
// tests of columns this migration file added, which every row passes).
void update_rows(Replay& replay, const Json& stmt);

// DELETE (a DeleteStmt) of a table the catalog has: a delete_rows step,
// `scans` when it removes every row (no WHERE, or one every row passes:
// WHERE true, 1 = 1, IS NULL of a column this file added), `detail` why.
void delete_rows(Replay& replay, const Json& stmt);

// INSERT or COPY ... FROM (an InsertStmt or CopyStmt, `type`) into a table
// created earlier in the same file: the table has rows from then on
// (model::Table::rows_added: a later ADD COLUMN ... NOT NULL without a
// default fails). Counted as a skipped statement, as before.
void add_rows(Replay& replay, const Json& stmt, std::string_view type);

// CREATE MATERIALIZED VIEW (a CreateTableAsStmt of one): remembers the file
// that created it, so that a REFRESH in the same file is of a new view.
void create_materialized_view(Replay& replay, const Json& stmt);

// REFRESH MATERIALIZED VIEW [CONCURRENTLY] (a RefreshMatViewStmt): a
// refresh_view step named after the view (WITH NO DATA only empties it:
// not recorded).
void refresh_view(Replay& replay, const Json& stmt);

// A partition bound (a PartitionBoundSpec, CREATE TABLE ... PARTITION OF or
// ATTACH PARTITION) given to `partition`: remembers a DEFAULT one.
void note_partition_bound(Replay& replay, const model::Table& partition, const Json* bound);

// PARTITION BY (a PartitionSpec) of `table`: remembers its key when it is
// one plain column.
void note_partition_key(Replay& replay, const model::Table& table, const Json* spec);

// ATTACH PARTITION of `partition` to `parent` with `bound`: an
// attach_partition step on each table PostgreSQL checks under ACCESS
// EXCLUSIVE -- the partition, unless a valid CHECK of it names every value
// of the bound (the constraint that lets PostgreSQL skip the scan), and the
// parent's default partition, which must hold no row of the new one. Each
// step's value is the CHECK condition that would spare the scan, when the
// key is one column and the bound plain values (else empty).
void attach_partition_checks(Replay& replay, const model::Table& parent, const model::Table& partition,
                             const Json* bound);

// The DETACH of `partition`: it is no longer anyone's default partition.
void forget_default_partition(Replay& replay, const model::Table& partition);

} // namespace pgadvise::loaders::replay
