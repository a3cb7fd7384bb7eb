#include "loaders/live/catalog_sql.hpp"

namespace pgadvise::loaders::live_sql {

namespace {

// Schemas of the user's own objects: not the system ones, not temporary.
std::string user_schema(const std::string& nsp) {
  return nsp + ".nspname NOT IN ('pg_catalog', 'information_schema') AND " + nsp +
         ".nspname NOT LIKE 'pg\\_toast%' AND " + nsp + ".nspname NOT LIKE 'pg\\_temp\\_%'";
}

// Not created by CREATE EXTENSION (PostGIS tables, pg_stat_statements views'
// types, ...): those are not the team's schema to lint.
std::string not_extension_member(const std::string& catalog, const std::string& oid) {
  return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = '" + catalog +
         "'::regclass AND dep.objid = " + oid + " AND dep.deptype = 'e')";
}

// Tables (plain and partitioned) of the user's schemas, as `c` in `n`.
std::string user_tables() {
  return "c.relkind IN ('r', 'p') AND " + user_schema("n") + " AND " +
         not_extension_member("pg_catalog.pg_class", "c.oid");
}

const std::string k_table_join = " JOIN pg_catalog.pg_class c ON c.oid = %REL%"
                                 " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ";

std::string join_table(const std::string& relation_column) {
  std::string out = k_table_join;
  out.replace(out.find("%REL%"), 5, relation_column);
  return out;
}

// The schema of a type's element type (the type itself unless it is an
// array), as `nsp`.nspname: it tells user-defined types (enums, domains,
// extension types) from built-in ones.
std::string join_element_schema(const std::string& type, const std::string& element, const std::string& nsp) {
  return " JOIN pg_catalog.pg_type " + element + " ON " + element + ".oid = CASE WHEN " + type +
         ".typcategory = 'A' AND " + type +
         ".typelem <> 0"
         "   THEN " +
         type + ".typelem ELSE " + type +
         ".oid END"
         " JOIN pg_catalog.pg_namespace " +
         nsp + " ON " + nsp + ".oid = " + element + ".typnamespace";
}

// Types of one pg_type.typtype ('e' enum, 'd' domain) in the user's
// schemas, as `t` in `n`.
std::string user_types(const std::string& typtype) {
  return "t.typtype = '" + typtype + "' AND " + user_schema("n") + " AND " +
         not_extension_member("pg_catalog.pg_type", "t.oid");
}

const std::string k_type_namespace =
    " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace";

} // namespace

std::string header() {
  return "SELECT current_database() AS database,"
         " current_setting('server_version_num')::int AS version_num,"
         " current_setting('server_version') AS version,"
         " current_setting('block_size')::int8 AS block_size,"
         " d.stats_reset::text AS stats_reset,"
         " extract(epoch FROM now() - coalesce(d.stats_reset, pg_postmaster_start_time()))::float8 AS "
         "stats_age,"
         " d.stats_reset IS NULL AS since_start"
         " FROM pg_catalog.pg_stat_database d WHERE d.datname = current_database()";
}

std::string schemas() {
  return "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE " + user_schema("n") + " AND " +
         not_extension_member("pg_catalog.pg_namespace", "n.oid") + " ORDER BY 1";
}

std::string tables() {
  return "SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind = 'p' AS partitioned,"
         " c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages,"
         " (SELECT pn.nspname || '.' || pc.relname FROM pg_catalog.pg_inherits h"
         "   JOIN pg_catalog.pg_class pc ON pc.oid = h.inhparent"
         "   JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace"
         "   WHERE h.inhrelid = c.oid AND c.relispartition) AS partition_of"
         " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
         " WHERE " +
         user_tables() + " ORDER BY n.nspname, c.relname";
}

std::string columns() {
  // Serial columns are the ones whose default draws from a sequence the column owns (an 'a' dependency;
  // identity sequences have 'i').
  return "SELECT a.attrelid::text AS table_oid, a.attname AS name,"
         " pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, tn.nspname AS type_schema,"
         " a.attnotnull AS not_null, a.attidentity <> '' AS identity, a.attidentity = 'a' AS "
         "identity_always, a.attgenerated <> '' AS generated,"
         " CASE WHEN a.atthasdef THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END AS default_expr,"
         " EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_class s ON s.oid = dep.objid"
         "   AND s.relkind = 'S' WHERE dep.classid = 'pg_catalog.pg_class'::regclass"
         "   AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a') AS "
         "owns_sequence,"
         " (SELECT s.last_value FROM pg_catalog.pg_depend dep"
         "   JOIN pg_catalog.pg_class sc ON sc.oid = dep.objid AND sc.relkind = 'S'"
         "   JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace"
         "   JOIN pg_catalog.pg_sequences s ON s.schemaname = sn.nspname AND s.sequencename = sc.relname"
         "   WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refobjid = a.attrelid"
         "   AND dep.refobjsubid = a.attnum AND dep.deptype IN ('a', 'i') LIMIT 1) AS sequence_last_value"
         " FROM pg_catalog.pg_attribute a" +
         join_table("a.attrelid") + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid" +
         join_element_schema("t", "et", "tn") +
         " LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
         " WHERE a.attnum > 0 AND NOT a.attisdropped AND " +
         user_tables() + " ORDER BY a.attrelid, a.attnum";
}

std::string enums() {
  return "SELECT n.nspname AS schema, t.typname AS name, e.enumlabel AS label" + k_type_namespace +
         " JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid WHERE " + user_types("e") +
         " ORDER BY n.nspname, t.typname, e.enumsortorder";
}

std::string domains() {
  return "SELECT n.nspname AS schema, t.typname AS name,"
         " pg_catalog.format_type(t.typbasetype, t.typtypmod) AS base, bn.nspname AS base_schema" +
         k_type_namespace + " JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype" +
         join_element_schema("b", "eb", "bn") + " WHERE " + user_types("d") +
         " ORDER BY n.nspname, t.typname";
}

std::string indexes() {
  // The constraint an index backs (PRIMARY KEY, UNIQUE, EXCLUDE) is the one
  // on the same table whose conindid is the index: a foreign key's conindid
  // points at the referenced table's index instead.
  return "SELECT i.indexrelid::text AS oid, i.indrelid::text AS table_oid, ic.relname AS name,"
         " i.indisunique AS is_unique, i.indisvalid AS valid, i.indisreplident AS replica_identity,"
         " am.amname AS method, pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate,"
         " pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, ic.relpages::int8 AS relpages,"
         " con.contype::text AS constraint_type, con.conname AS constraint_name,"
         " EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid) AS inherited"
         " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid" +
         join_table("i.indrelid") +
         " JOIN pg_catalog.pg_am am ON am.oid = ic.relam"
         " LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = "
         "i.indrelid"
         "   AND con.contype IN ('p', 'u', 'x')"
         " WHERE " +
         user_tables() + " ORDER BY n.nspname, c.relname, ic.relname";
}

std::string index_keys() {
  // One row per key and INCLUDE column. int2vector/oidvector subscripts
  // start at 0; indoption and indclass cover key columns only.
  return "SELECT i.indexrelid::text AS oid, k.n AS position, k.n > i.indnkeyatts AS included,"
         " a.attname AS column_name, pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true) AS key_text,"
         " coalesce((i.indoption[k.n - 1] & 1) = 1, false) AS descending,"
         " opc.opcname AS opclass, opc.opcdefault AS opclass_default"
         " FROM pg_catalog.pg_index i" +
         join_table("i.indrelid") +
         " CROSS JOIN LATERAL generate_series(1, i.indnatts::int) AS k(n)"
         " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n - 1]"
         "   AND i.indkey[k.n - 1] <> 0"
         " LEFT JOIN pg_catalog.pg_opclass opc ON k.n <= i.indnkeyatts AND opc.oid = i.indclass[k.n - 1]"
         " WHERE " +
         user_tables() + " ORDER BY i.indexrelid, k.n";
}

std::string foreign_keys() {
  // conparentid <> 0 marks the copies PostgreSQL keeps for partitions (on
  // the referencing or the referenced side): the parent's constraint is the
  // one users declared.
  return "SELECT con.oid::text AS oid, con.conrelid::text AS table_oid, con.conname AS name,"
         " con.convalidated AS valid, con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,"
         " rn.nspname AS ref_schema, rc.relname AS ref_table, a.attname AS column_name, ra.attname AS "
         "ref_column"
         " FROM pg_catalog.pg_constraint con" +
         join_table("con.conrelid") +
         " JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid"
         " JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
         " CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS u(attnum, ref_attnum, ord)"
         " JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = u.attnum"
         " JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = u.ref_attnum"
         " WHERE con.contype = 'f' AND con.conparentid = 0 AND " +
         user_tables() + " ORDER BY n.nspname, c.relname, con.conname, u.ord";
}

std::string checks() {
  // Only constraints declared on the table itself: a partition repeats its
  // parent's checks (conislocal = false).
  return "SELECT con.conrelid::text AS table_oid, con.conname AS name,"
         " pg_catalog.pg_get_expr(con.conbin, con.conrelid, true) AS expression, con.convalidated AS valid"
         " FROM pg_catalog.pg_constraint con" +
         join_table("con.conrelid") + " WHERE con.contype = 'c' AND con.conislocal AND " + user_tables() +
         " ORDER BY n.nspname, c.relname, con.conname";
}

std::string table_counters() {
  return "SELECT s.relid::text AS oid, s.seq_scan, s.seq_tup_read, coalesce(s.idx_scan, 0) AS idx_scan,"
         " coalesce(s.idx_tup_fetch, 0) AS idx_tup_fetch, s.n_tup_ins, s.n_tup_upd, s.n_tup_del,"
         " s.n_live_tup, s.n_dead_tup FROM pg_catalog.pg_stat_user_tables s";
}

std::string index_counters(int version) {
  // last_idx_scan exists from PostgreSQL 16 on.
  const std::string last = version >= 160000 ? "s.last_idx_scan::text" : "NULL::text";
  return "SELECT s.indexrelid::text AS oid, s.idx_scan, s.idx_tup_read, " + last +
         " AS last_idx_scan FROM pg_catalog.pg_stat_user_indexes s";
}

std::string relation_sizes() {
  return "SELECT c.oid::text AS oid, pg_catalog.pg_table_size(c.oid) AS bytes"
         " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
         " WHERE " +
         user_tables() +
         " UNION ALL SELECT i.indexrelid::text, pg_catalog.pg_relation_size(i.indexrelid)"
         " FROM pg_catalog.pg_index i" +
         join_table("i.indrelid") + " WHERE " + user_tables();
}

std::string column_stats() {
  // A partitioned table has only inherited (whole-tree) statistics; any
  // other table's own are the non-inherited ones.
  return "SELECT c.oid::text AS table_oid, s.attname AS name, s.null_frac::float8 AS null_frac,"
         " s.n_distinct::float8 AS n_distinct, s.most_common_vals::text AS most_common_vals,"
         " s.most_common_freqs::text AS most_common_freqs, s.correlation::float8 AS correlation"
         " FROM pg_catalog.pg_stats s"
         " JOIN pg_catalog.pg_namespace n ON n.nspname = s.schemaname"
         " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename"
         " WHERE s.inherited = (c.relkind = 'p') AND " +
         user_tables();
}

} // namespace pgadvise::loaders::live_sql
