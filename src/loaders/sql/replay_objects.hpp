#pragma once

#include "loaders/sql/replay.hpp"

#include <string_view>

namespace pgadvise::loaders::replay {

// Statements about whole objects: renames, drops, moves between schemas,
// enums, domains, schemas, the search_path, and the relations pgadvise does
// not model but must know exist (views, sequences, ...).

void rename_object(Replay& replay, const Json& stmt);     // RenameStmt
void drop_objects(Replay& replay, const Json& stmt);      // DropStmt
void set_object_schema(Replay& replay, const Json& stmt); // AlterObjectSchemaStmt
void create_enum(Replay& replay, const Json& stmt);       // CreateEnumStmt
void alter_enum(Replay& replay, const Json& stmt);        // AlterEnumStmt
void create_domain(Replay& replay, const Json& stmt);     // CreateDomainStmt
void create_schema(Replay& replay, const Json& stmt);     // CreateSchemaStmt
void set_variable(Replay& replay, const Json& stmt);      // VariableSetStmt (search_path)
void select_statement(Replay& replay, const Json& stmt);  // SelectStmt (pg_dump's set_config)
// CREATE SEQUENCE / VIEW / MATERIALIZED VIEW / TABLE AS / FOREIGN TABLE.
void create_untracked(Replay& replay, const Json& relation, std::string_view kind);

// After a table is renamed or moved: foreign keys, partitions and migration
// steps naming it.
void retarget_table_references(Replay& replay, const QualifiedName& from, const QualifiedName& to);
// After an enum or domain is renamed or moved: the columns of that type.
void retarget_type_references(Replay& replay, const QualifiedName& from, const QualifiedName& to);

} // namespace pgadvise::loaders::replay
