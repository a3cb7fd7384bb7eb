#pragma once

#include <string>

// The catalog queries of the live loader, one function per query. They run
// on PostgreSQL 13 to 17; `version` is server_version_num where a column
// exists only in some versions. Every query reads only pg_catalog and the
// statistics views, and none locks a user table (sizes, which do, are read
// by a separate query the loader may do without).
namespace pgadvise::loaders::live_sql {

// current_database(), server_version_num, server_version, stats_reset and
// the age of the counters.
std::string header();
std::string schemas();
std::string tables();
std::string columns();
std::string enums();
std::string domains();
std::string indexes();
std::string index_keys();
std::string foreign_keys();
std::string checks();

std::string table_counters();
std::string index_counters(int version);
std::string relation_sizes(); // takes AccessShareLock on every table and index
std::string column_stats();

} // namespace pgadvise::loaders::live_sql
