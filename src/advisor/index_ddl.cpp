#include "advisor/index_ddl.hpp"

#include "core/text.hpp"
#include "model/catalog.hpp"

namespace pgadvise::advisor {

std::string render_create_index(std::string_view schema, std::string_view table,
                                const std::vector<std::string>& columns, std::string_view name,
                                bool concurrently) {
  std::vector<std::string> quoted;
  quoted.reserve(columns.size());
  for (const std::string& column : columns) {
    quoted.push_back(core::quote_ident(column));
  }
  return render_create_index_elements(schema, table, quoted, name, concurrently);
}

std::string render_create_index_elements(std::string_view schema, std::string_view table,
                                         const std::vector<std::string>& elements, std::string_view name,
                                         bool concurrently, std::string_view method) {
  const std::string using_clause =
      method.empty() || core::to_lower(method) == "btree" ? std::string() : " USING " + std::string(method);
  return std::string(concurrently ? "CREATE INDEX CONCURRENTLY" : "CREATE INDEX") + " IF NOT EXISTS " +
         core::quote_ident(name) + " ON " + core::qualified_name(schema, table) + using_clause + " (" +
         core::join(elements, ", ") + ");";
}

std::string transactional_create_index(std::string_view ddl) {
  std::string out(core::trim(ddl));
  while (!out.empty() && (out.back() == ';' || out.back() == ' ')) {
    out.pop_back();
  }
  for (std::string_view word : {" CONCURRENTLY", " IF NOT EXISTS"}) {
    // Only in the head (before ON): an expression may hold the same words in a literal.
    const std::size_t on = out.find(" ON ");
    const std::size_t at = out.find(word);
    if (at != std::string::npos && (on == std::string::npos || at < on)) {
      out.erase(at, word.size());
    }
  }
  return out;
}

std::string render_drop_index(std::string_view schema, std::string_view name, bool concurrently) {
  return std::string(concurrently ? "DROP INDEX CONCURRENTLY" : "DROP INDEX") + " IF EXISTS " +
         core::qualified_name(schema, name) + ";";
}

std::string render_drop_constraint(std::string_view schema, std::string_view table, std::string_view name) {
  return "ALTER TABLE " + core::qualified_name(schema, table) + " DROP CONSTRAINT " +
         core::quote_ident(name) + ";";
}

core::SharedText concurrently_safety_note(std::string_view verb, const model::Catalog* catalog) {
  const std::string action(verb);
  if (catalog != nullptr && catalog->migrations_runner == model::MigrationTransaction::prisma) {
    return core::SharedText::interned(
        action +
        " CONCURRENTLY cannot run inside a transaction block, and Prisma Migrate runs a migration of "
        "several statements as one: make the change in schema.prisma (the model's @@index), write its "
        "migration with `prisma migrate dev --create-only`, and make that file this CONCURRENTLY statement "
        "alone; for a small table the plain form the migration has is fine (it blocks writes to the table "
        "while it runs).");
  }
  // Interned: every index fix of a big schema carries these 400 bytes.
  return core::SharedText::interned(
      action +
      " CONCURRENTLY cannot run inside a transaction block, and drizzle-kit migrate (like "
      "drizzle-orm's migrate()) applies all pending migrations in one transaction: run this statement "
      "outside the migrator (psql or a deploy step), or, for a small table, drop CONCURRENTLY and put it "
      "in a migration -- the plain form blocks writes to the table while it runs.");
}

} // namespace pgadvise::advisor
