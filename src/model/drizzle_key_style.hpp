#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::model {

// How a schema.ts file keys the entries of its object-form extra configs
// (`(t) => ({ userIdIdx: index(...).on(t.userId) })`), learned from the keys
// it has (loaders/schema_ts/key_style), so that a proposed index's key reads
// like the file's own: `teamIdIdx` beside `userIdIdx`, `team_id_idx` beside
// `org_id_idx`, `teamIdx` beside `authorIdx`. A key is `prefix`, the words
// of the index's columns, `suffix`; or the index's own name.
struct DrizzleKeyStyle {
  bool index_name = false;   // the key is the index's name (`users_email_idx: index("users_email_idx")`)
  bool camel_name = false;   // the key is that name in camelCase (`usersEmailIdx: index("users_email_idx")`)
  bool first_column = false; // the first column's word only (`chatIdIdx` on chatId, createdAt)
  bool drop_id = false;      // a column's word without its trailing Id (`userIdx` on userId)
  bool snake = false; // the columns' SQL names joined by `_` (`user_id_idx`), else camelCase properties
  std::string prefix; // before the words (`by` in `byUserId`)
  std::string suffix; // after them (`Idx`, `Index`, `_idx`)
  bool operator==(const DrizzleKeyStyle&) const = default;
};

// A column of an index as a key names it: its Drizzle property and its SQL name.
struct KeyColumn {
  std::string property;
  std::string name;
};

// The key `style` gives an index on `columns` named `name`; nullopt when it
// makes no JavaScript identifier (an index name with a `-`, no columns).
std::optional<std::string> drizzle_key(const DrizzleKeyStyle& style, const std::vector<KeyColumn>& columns,
                                       std::string_view name);

} // namespace pgadvise::model
