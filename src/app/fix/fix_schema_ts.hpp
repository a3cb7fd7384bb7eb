#pragma once

#include "core/text_edit.hpp"

#include <set>
#include <string>
#include <string_view>
#include <vector>

// `pgadvise fix` in a Drizzle schema file: where each Drizzle line a finding
// proposes goes, as text edits on the file (app/fix/fix.cpp applies them). The
// file is read with the TypeScript parser (loaders/typescript), so edits
// land in the table's own declaration whatever its layout, and they follow
// the file's style: its quotes, indentation and trailing commas, and the
// form its extra-config callback already has.
namespace pgadvise::app {

enum class SchemaEditKind {
  add_index,      // `entry` joins the table's extra-config callback (made when missing)
  remove_index,   // the callback's entry building index `name` goes
  replace_column, // column `name`'s builder becomes `entry`'s (`jsonb` of `jsonb("c")`), nothing else
  // column `name`'s builder call gets the option `entry` (`withTimezone: true`) in its options
  // object, the options it has kept (`{ mode: 'string', precision: 3 }`), made when it has none
  set_column_option,
};

struct SchemaEdit {
  SchemaEditKind kind = SchemaEditKind::add_index;
  std::string table; // the table's variable in the file
  std::string entry; // add_index: `index("x").on(t.a)`; replace_column: `jsonb("c")...`;
                     // set_column_option: `withTimezone: true`
  std::string name;  // add_index / remove_index: the index name; replace_column: the property
  // The table is made by a function of the app's own (model::Table::drizzle_factory).
  bool factory = false;
  // add_index: the key lint's line gives it in the older object form
  // (`teamIdIdx: index(...)`, in the file's own style); empty when none.
  std::string key{};
};

struct SchemaEditPlan {
  std::vector<core::TextEdit> edits;
  // Requested edits that were already done (idempotence: a second run
  // changes nothing) and those that could not be placed, with why.
  std::vector<std::string> already_done;
  std::vector<std::string> problems;
  std::set<std::string> left_out; // the indexes of the problems: not added

  // What a reviewer must know of an edit (a default's cast changed with the type).
  std::vector<std::string> notes;
  // The builders a type change replaced (`json`, `text`, ...).
  std::set<std::string> retyped_from;
};

// The text edits that make `requests` in the schema file `source`; the
// drizzle-orm imports the new entries use are added too.
SchemaEditPlan plan_schema_ts_edits(std::string_view source, const std::vector<SchemaEdit>& requests);

} // namespace pgadvise::app
