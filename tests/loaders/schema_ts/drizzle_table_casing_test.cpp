// How a table names the columns its keys declare: drizzle-orm 1.0's
// snakeCase.table(...) / camelCase.table(...) and snakeCase.schema(...), and
// the drizzle.config `casing`, which drizzle-kit 0.x reads and 1.0 does not
// (it removed it in 1.0.0-rc.1 and generates the keys as column names).
#include "loaders/schema_ts/schema_ts.hpp"
#include "support/files.hpp"

#include <gtest/gtest.h>
#include <string>

namespace pgadvise::loaders {
namespace drizzle_table_casing_test {

const model::Column* column(const SchemaLoad& load, const std::string& schema, const std::string& table,
                            const std::string& name) {
  const model::Table* found = load.catalog.find_table(schema, table);
  return found == nullptr ? nullptr : found->find_column(name);
}

TEST(DrizzleTableCasing, CasingTablesAndSchemasNameTheirColumns) {
  const SchemaLoad load = load_drizzle_schema_sources({{"src/db/schema.ts", R"ts(
import { camelCase, index, integer, snakeCase, text, uuid } from "drizzle-orm/pg-core";
const ledger = snakeCase.schema("ledger");
export const vendorContacts = snakeCase.table("vendor_contacts", {
  id: uuid().primaryKey(),
  phoneNumber: text().notNull(),
});
export const ledgerEntries = ledger.table("entries", {
  id: integer().primaryKey(),
  vendorContactId: uuid().references(() => vendorContacts.id),
}, (t) => [index().on(t.vendorContactId)]);
export const legacy_rows = camelCase.table("legacy_rows", { row_label: text() });
)ts"}},
                                                      "");
  EXPECT_NE(column(load, "public", "vendor_contacts", "phone_number"), nullptr);
  ASSERT_NE(column(load, "ledger", "entries", "vendor_contact_id"), nullptr);
  EXPECT_EQ(column(load, "ledger", "entries", "vendor_contact_id")->property(), "vendorContactId");
  EXPECT_NE(column(load, "public", "legacy_rows", "rowLabel"), nullptr);
  const model::Table* entries = load.catalog.find_table("ledger", "entries");
  ASSERT_NE(entries, nullptr);
  ASSERT_EQ(entries->foreign_keys.size(), 1U);
  EXPECT_EQ(entries->foreign_keys[0].columns, std::vector<std::string>{"vendor_contact_id"});
  EXPECT_NE(entries->find_index("entries_vendor_contact_id_index"), nullptr);
}

// One schema.ts, a config saying `casing: "snake_case"`: drizzle-kit 0.31
// generates snake_case columns, drizzle-kit 1.0 the keys (and a note says why).
TEST(DrizzleTableCasing, DrizzleKitOneDoesNotReadTheConfigCasing) {
  test::TempTree tree;
  const auto schema = tree.write("src/db/schema.ts", R"ts(
import { pgTable, text, uuid } from "drizzle-orm/pg-core";
export const vendorContacts = pgTable("vendor_contacts", {
  id: uuid().primaryKey(),
  phoneNumber: text().notNull(),
});
)ts");
  const SchemaLoad kit_0 = load_drizzle_schema({schema}, "snake_case", /*kit_1_names=*/false);
  const SchemaLoad kit_1 = load_drizzle_schema({schema}, "snake_case", /*kit_1_names=*/true);
  EXPECT_NE(column(kit_0, "public", "vendor_contacts", "phone_number"), nullptr);
  EXPECT_NE(column(kit_1, "public", "vendor_contacts", "phoneNumber"), nullptr);
  EXPECT_EQ(column(kit_1, "public", "vendor_contacts", "phone_number"), nullptr);
  bool noted = false;
  for (const std::string& note : kit_1.notes) {
    noted = noted || note.find("casing") != std::string::npos;
  }
  EXPECT_TRUE(noted);
}

} // namespace drizzle_table_casing_test
} // namespace pgadvise::loaders
