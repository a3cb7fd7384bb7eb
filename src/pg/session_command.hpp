#pragma once

#include <string>
#include <string_view>

// What one statement of a migration does to the session that runs it, for
// code above pg/ that replays a script statement by statement
// (app/live/verify_locks) without seeing libpg_query's node names.
namespace pgadvise::pg {

struct SessionCommand {
  enum class Kind {
    unparsed,    // not exactly one statement that parses
    transaction, // BEGIN, START TRANSACTION, COMMIT, ROLLBACK, END, SAVEPOINT, ...
    set,         // SET [LOCAL] name ...; `setting` holds the name, lower case
    other,       // anything else
  };
  Kind kind = Kind::unparsed;
  std::string setting;
};

SessionCommand session_command(std::string_view sql);

} // namespace pgadvise::pg
