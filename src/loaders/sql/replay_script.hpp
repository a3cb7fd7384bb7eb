#pragma once

#include "loaders/sql/replay.hpp"

namespace pgadvise::loaders::replay {

// Replays every statement of the Replay's text in order: split with
// libpg_query's scanner (with a fallback when it gives up), each statement
// parsed once; `-- pgadvise-ignore` comments become suppressions, statements
// that do not parse become parse-errors, and the statements of drizzle-kit's
// `DO $$ BEGIN ... EXCEPTION WHEN duplicate_object ... END $$` blocks are
// replayed at their own lines.
void replay_script(Replay& replay);

} // namespace pgadvise::loaders::replay
