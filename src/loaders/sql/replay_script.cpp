#include "loaders/sql/replay_script.hpp"

#include "core/suppression.hpp"
#include "loaders/sql/migrations.hpp"
#include "loaders/sql/replay_alter.hpp"
#include "loaders/sql/replay_index.hpp"
#include "loaders/sql/replay_locks.hpp"
#include "loaders/sql/replay_objects.hpp"
#include "loaders/sql/replay_parse_ahead.hpp"
#include "loaders/sql/replay_policy.hpp"
#include "loaders/sql/replay_rows.hpp"
#include "loaders/sql/replay_table.hpp"
#include "loaders/sql/replay_views.hpp"
#include "loaders/sql/statement_split.hpp"
#include "pg/parser.hpp"

#include <exception>
#include <optional>

namespace pgadvise::loaders::replay {

namespace {

constexpr std::size_t k_mib = std::size_t{1024} * 1024;

// Statements inside a DO block that hold another DO block are not replayed.
constexpr int k_max_do_depth = 1;
// How many following pieces a `BEGIN ATOMIC` function body may span.
constexpr std::size_t k_max_atomic_pieces = 64;

// `-- pgadvise-ignore ...` in the comments before the statement (not a
// trailing comment of the previous statement's last line).
void collect_suppressions(Replay& replay) {
  const SqlTokens& tokens = replay.tokens();
  const Token& first = tokens.tokens().front();
  const Token& last = tokens.tokens().back();
  const std::size_t base = replay.statement_offset();
  const int previous_line = base > 0 ? replay.line_of(base - 1) : 0;
  for (const Token& comment : tokens.comments()) {
    if (comment.begin >= first.begin) {
      break;
    }
    if (replay.line_of(base + comment.begin) == previous_line) {
      continue;
    }
    if (auto directive = core::parse_ignore(tokens.spelling(comment))) {
      replay.load().suppressions.add(core::make_suppression(
          replay.file(), replay.line_of(base + comment.begin), replay.line_of(base + first.begin),
          replay.line_of(base + last.end - 1), std::move(*directive)));
    }
  }
}

void replay_tree(Replay& replay, const Json& tree, int depth);

struct InnerStatement {
  TextSpan span; // in the file
  pg::JsonTree tree;
  bool guarded = false; // inside `IF NOT EXISTS (...) THEN ... END IF`
};

// How a DO body piece moves through `IF NOT EXISTS (SELECT ... FROM pg_enum
// / pg_type / pg_constraint ...) THEN ... END IF`: the statements inside run
// only when the object is absent, so finding it present is no problem.
bool opens_not_exists_guard(std::string_view piece) {
  const SqlTokens tokens(piece);
  return tokens.tokens().size() > 3 && tokens.is_word(0, "if") && tokens.is_word(1, "not") &&
         tokens.is_word(2, "exists");
}

bool closes_guard(std::string_view piece) {
  const SqlTokens tokens(piece);
  return tokens.tokens().size() == 2 && tokens.is_word(0, "end") && tokens.is_word(1, "if");
}

// The SQL statement of one piece of a DO body: plain SQL, or the branch of
// an `IF ... THEN` guard; `END IF` and `NULL` pieces hold none. False when
// the piece is PL/pgSQL pgadvise does not follow.
bool inner_statement(std::string_view text, TextSpan piece, std::optional<TextSpan>* statement) {
  const SqlTokens tokens(text.substr(piece.offset, piece.length));
  const auto& list = tokens.tokens();
  if (list.empty() || (list.size() == 2 && tokens.is_word(0, "end") && tokens.is_word(1, "if")) ||
      (list.size() == 1 && tokens.is_word(0, "null"))) {
    return true;
  }
  if (tokens.is_word(0, "else") || tokens.is_word(0, "elsif") || tokens.is_word(0, "elseif")) {
    return false;
  }
  std::size_t start = 0;
  if (tokens.is_word(0, "if")) {
    int depth = 0;
    std::size_t then = 0;
    for (std::size_t i = 1; i < list.size() && then == 0; ++i) {
      depth += tokens.is_punct(i, '(') ? 1 : tokens.is_punct(i, ')') ? -1 : 0;
      if (depth == 0 && tokens.is_word(i, "then")) {
        then = i;
      }
    }
    if (then == 0 || then + 1 >= list.size()) {
      return false;
    }
    start = list[then + 1].begin;
  }
  *statement = TextSpan{piece.offset + start, piece.length - start};
  return true;
}

// Where the statements of a DO body are: [first, last) in the statement,
// and whether an EXCEPTION section makes existing objects expected.
struct DoRegion {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool handles_exceptions = false;
};

// The block's BEGIN: its first token, or the first BEGIN after a DECLARE
// section (variables the statements may read: trigger.dev adds a column
// and fills it from two declared arrays).
std::optional<std::size_t> do_begin(const SqlTokens& tokens) {
  const auto& list = tokens.tokens();
  if (list.empty()) {
    return std::nullopt;
  }
  if (tokens.is_word(0, "begin")) {
    return 0;
  }
  if (!tokens.is_word(0, "declare")) {
    return std::nullopt;
  }
  int depth = 0;
  for (std::size_t i = 1; i < list.size(); ++i) {
    depth += tokens.is_punct(i, '(') || tokens.is_punct(i, '[')   ? 1
             : tokens.is_punct(i, ')') || tokens.is_punct(i, ']') ? -1
                                                                  : 0;
    if (depth == 0 && tokens.is_word(i, "begin")) {
      return i;
    }
  }
  return std::nullopt;
}

std::optional<DoRegion> do_region(const SqlTokens& tokens) {
  const auto& list = tokens.tokens();
  const std::optional<std::size_t> first = do_begin(tokens);
  if (!first) {
    return std::nullopt;
  }
  int depth = 0;
  for (std::size_t i = *first + 1; i < list.size(); ++i) {
    depth += tokens.is_punct(i, '(') ? 1 : tokens.is_punct(i, ')') ? -1 : 0;
    if (depth == 0 && tokens.is_word(i, "exception")) {
      return DoRegion{list[*first].end, list[i].begin, true};
    }
  }
  // The block ends with END [label] [;].
  for (std::size_t back = 1; back <= 3 && back + *first <= list.size() - 1; ++back) {
    const std::size_t i = list.size() - back;
    if (tokens.is_word(i, "end")) {
      return DoRegion{list[*first].end, list[i].begin, false};
    }
  }
  return std::nullopt;
}

// Offset of a DO block's body in the statement: just after the opening
// $tag$ or quote, when the text there is the body verbatim.
std::optional<std::size_t> body_offset(std::string_view statement, std::size_t location,
                                       const std::string& body) {
  if (location >= statement.size()) {
    return std::nullopt;
  }
  std::size_t start = location + 1;
  if (statement[location] == '$') {
    const std::size_t close = statement.find('$', location + 1);
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    start = close + 1;
  }
  if (statement.substr(start, body.size()) != body) {
    return std::nullopt;
  }
  return start;
}

void skip_do_block(Replay& replay, const std::string& why) {
  replay.count_skipped("DO block");
  replay.note(replay.at_statement().to_string() + ": DO block skipped (" + why + ")");
}

void replay_do_block(Replay& replay, const Json& stmt, int depth) {
  std::string body;
  std::optional<std::size_t> location;
  std::string language = "plpgsql";
  if (const Json* args = list_items(child(stmt, "args"))) {
    for (const Json& item : items_of(args)) {
      const Json* elem = as(item, "DefElem");
      const Json* arg = elem != nullptr ? child(*elem, "arg") : nullptr;
      const Json* value = arg != nullptr ? as(*arg, "String") : nullptr;
      if (value == nullptr) {
        continue;
      }
      if (string_field(*elem, "defname") == "as") {
        body = string_field(*value, "sval");
        location = location_field(*elem);
      } else if (string_field(*elem, "defname") == "language") {
        language = string_field(*value, "sval");
      }
    }
  }
  const auto start = location ? body_offset(replay.statement_text(), *location, body) : std::nullopt;
  if (language != "plpgsql" || depth >= k_max_do_depth || !start) {
    skip_do_block(replay, "not a PL/pgSQL block pgadvise can follow");
    return;
  }
  const SqlTokens tokens(body);
  const auto region = do_region(tokens);
  if (!region) {
    skip_do_block(replay, "it does not start with BEGIN or DECLARE ... BEGIN");
    return;
  }
  const std::size_t region_offset = replay.statement_offset() + *start + region->begin;
  const std::string_view text = replay.text().substr(region_offset, region->end - region->begin);
  std::vector<InnerStatement> statements;
  bool guarded = false;
  for (const TextSpan& piece : split_statements(text)) {
    const std::string_view piece_text = text.substr(piece.offset, piece.length);
    guarded = opens_not_exists_guard(piece_text) || (guarded && !closes_guard(piece_text));
    std::optional<TextSpan> statement;
    if (!inner_statement(text, piece, &statement)) {
      skip_do_block(replay, "its body is PL/pgSQL, not plain SQL statements");
      return;
    }
    if (!statement) {
      continue;
    }
    pg::TreeParse parsed = pg::parse_tree(text.substr(statement->offset, statement->length));
    if (!parsed.ok()) {
      skip_do_block(replay, "its body is PL/pgSQL, not plain SQL statements");
      return;
    }
    statements.push_back(
        {{region_offset + statement->offset, statement->length}, std::move(parsed.tree), guarded});
  }
  const bool was_quiet = replay.quiet_duplicates();
  for (const InnerStatement& inner : statements) {
    replay.set_quiet_duplicates(was_quiet || region->handles_exceptions || inner.guarded);
    replay.set_statement(inner.span.offset, inner.span.length);
    collect_suppressions(replay);
    replay_tree(replay, inner.tree.root(), depth + 1);
  }
  replay.set_quiet_duplicates(was_quiet);
}

void dispatch(Replay& replay, const Json& node, int depth) {
  const std::string_view type = node_type(node);
  const Json* stmt = body(node);
  if (stmt == nullptr) {
    return;
  }
  if (type == "CreateStmt") {
    create_table(replay, *stmt);
  } else if (type == "AlterTableStmt") {
    alter_table(replay, *stmt);
  } else if (type == "IndexStmt") {
    create_index(replay, *stmt);
  } else if (type == "RenameStmt") {
    rename_object(replay, *stmt);
  } else if (type == "DropStmt") {
    drop_objects(replay, *stmt);
  } else if (type == "AlterObjectSchemaStmt") {
    set_object_schema(replay, *stmt);
  } else if (type == "CreateEnumStmt") {
    create_enum(replay, *stmt);
  } else if (type == "AlterEnumStmt") {
    alter_enum(replay, *stmt);
  } else if (type == "CreateDomainStmt") {
    create_domain(replay, *stmt);
  } else if (type == "CreateSchemaStmt") {
    create_schema(replay, *stmt);
  } else if (type == "VariableSetStmt") {
    set_variable(replay, *stmt);
  } else if (type == "SelectStmt") {
    select_statement(replay, *stmt);
  } else if (type == "CreatePolicyStmt") {
    create_policy(replay, *stmt);
  } else if (type == "AlterPolicyStmt") {
    alter_policy(replay, *stmt);
  } else if (type == "TransactionStmt") {
    transaction_control(replay, *stmt);
  } else if (type == "ReindexStmt") {
    reindex(replay, *stmt);
  } else if (type == "ClusterStmt") {
    cluster(replay, *stmt);
  } else if (type == "VacuumStmt") {
    vacuum(replay, *stmt);
  } else if (type == "TruncateStmt") {
    lock_tables(replay, *stmt, "TRUNCATE");
  } else if (type == "LockStmt") {
    lock_tables(replay, *stmt, "LOCK");
  } else if (type == "AlterDomainStmt") {
    alter_domain(replay, *stmt);
  } else if (type == "CreateFunctionStmt") {
    create_function(replay, *stmt);
  } else if (type == "DoStmt") {
    replay_do_block(replay, *stmt, depth);
  } else if (type == "CreateSeqStmt") {
    create_untracked(replay, or_null(child(*stmt, "sequence")), "CREATE SEQUENCE");
  } else if (type == "ViewStmt") {
    create_view(replay, *stmt);
  } else if (type == "CreateTableAsStmt") {
    const Json* into = child(*stmt, "into");
    const Json* rel = into != nullptr ? child(*into, "rel") : nullptr;
    create_untracked(replay, or_null(rel), "CREATE TABLE AS / MATERIALIZED VIEW");
    create_materialized_view(replay, *stmt);
  } else if (type == "RefreshMatViewStmt") {
    refresh_view(replay, *stmt);
  } else if (type == "UpdateStmt") {
    update_rows(replay, *stmt);
  } else if (type == "DeleteStmt") {
    delete_rows(replay, *stmt);
  } else if (type == "InsertStmt" || type == "CopyStmt") {
    add_rows(replay, *stmt, type);
  } else if (type == "CreateForeignTableStmt") {
    const Json* base = child(*stmt, "base");
    const Json* rel = base != nullptr ? child(*base, "relation") : nullptr;
    create_untracked(replay, or_null(rel), "CREATE FOREIGN TABLE");
  } else {
    replay.count_skipped(words_of(type, "Stmt"));
  }
}

void replay_tree(Replay& replay, const Json& tree, int depth) {
  const Json* stmts = child(tree, "stmts");
  if (!is_array(stmts)) {
    return;
  }
  for (const Json& raw : items_of(stmts)) {
    const Json* stmt = child(raw, "stmt");
    if (stmt == nullptr) {
      continue;
    }
    try {
      dispatch(replay, *stmt, depth);
    } catch (const std::exception& error) {
      // A tree shape this replay did not expect: report it, keep going.
      replay.warn(std::string("could not replay this statement: ") + error.what(), replay.at_statement());
    }
  }
}

bool is_begin_atomic(const SqlTokens& tokens) {
  for (std::size_t i = 0; i + 1 < tokens.tokens().size(); ++i) {
    if (tokens.is_word(i, "begin") && tokens.is_word(i + 1, "atomic")) {
      return true;
    }
  }
  return false;
}

// A `CREATE FUNCTION ... BEGIN ATOMIC ...; ... END` body is split at its
// inner semicolons: join pieces until the whole parses. Returns how many
// extra pieces were consumed, or 0.
std::size_t join_atomic_body(Replay& replay, const std::vector<TextSpan>& spans, std::size_t index,
                             pg::TreeParse* parsed) {
  for (std::size_t extra = 1; extra <= k_max_atomic_pieces && index + extra < spans.size(); ++extra) {
    const TextSpan& last = spans[index + extra];
    const std::size_t end = last.offset + last.length;
    pg::TreeParse joined =
        pg::parse_tree(replay.text().substr(spans[index].offset, end - spans[index].offset));
    if (joined.ok()) {
      replay.set_statement(spans[index].offset, end - spans[index].offset);
      *parsed = std::move(joined);
      return extra;
    }
  }
  return 0;
}

void report_parse_error(Replay& replay, const pg::ParseError& error) {
  const auto where = error.offset > 0 ? replay.at(error.offset) : replay.at_statement();
  replay.parse_error("statement could not be parsed: " + error.message, where);
}

// Replays the statements of `spans` (file offsets), with their trees from
// `ahead` when it parses them.
void replay_spans(Replay& replay, const std::vector<TextSpan>& spans, ParseAhead* ahead) {
  for (std::size_t i = 0; i < spans.size(); ++i) {
    replay.set_statement(spans[i].offset, spans[i].length);
    if (replay.statement_empty()) {
      continue;
    }
    ++replay.load().statements;
    if (spans[i].length > k_max_sql_statement_bytes) {
      replay.load().diagnostics.push_back(
          make_diagnostic(k_parse_error, core::Severity::medium,
                          "statement is " + std::to_string(spans[i].length / k_mib) + " MiB, over the " +
                              std::to_string(k_max_sql_statement_bytes / k_mib) + " MiB limit; skipped",
                          replay.at_statement(),
                          "Objects it creates are missing from the schema; the rest of the file was read."));
      continue;
    }
    collect_suppressions(replay);
    pg::TreeParse parsed = ahead != nullptr ? ahead->take(i) : pg::parse_tree(replay.statement_text());
    if (ahead != nullptr) {
      // The worker has parsed spans[i] (take() waits for it) and reads only
      // later statements now: the text well behind this one can go.
      replay.release_text_before_statement();
    }
    if (!parsed.ok() && is_begin_atomic(replay.tokens())) {
      const pg::ParseError error = *parsed.error;
      const std::size_t consumed = join_atomic_body(replay, spans, i, &parsed);
      if (consumed == 0) {
        parsed.error = error;
      }
      i += consumed;
    }
    if (!parsed.ok()) {
      // The scanner keeps ';' inside unbalanced parentheses: split once
      // more so one bad statement does not hide the next ones.
      const std::vector<TextSpan> pieces = split_at_semicolons(replay.statement_text());
      if (pieces.size() > 1) {
        std::vector<TextSpan> absolute;
        for (const TextSpan& piece : pieces) {
          absolute.push_back({replay.statement_offset() + piece.offset, piece.length});
        }
        --replay.load().statements;
        replay_spans(replay, absolute, nullptr);
        continue;
      }
      report_parse_error(replay, *parsed.error);
      continue;
    }
    replay_tree(replay, parsed.tree.root(), 0);
  }
}

} // namespace

void replay_script(Replay& replay) {
  const std::vector<TextSpan> spans = split_statements(replay.text());
  // A query of one statement is not a transaction block: Prisma Migrate's
  // migration of one CREATE INDEX CONCURRENTLY runs.
  if (replay.transaction() == model::MigrationTransaction::prisma && spans.size() == 1) {
    replay.set_runner_transaction(model::MigrationTransaction::none);
  }
  if (spans.size() >= ParseAhead::k_min_statements) {
    ParseAhead ahead(replay.text(), spans);
    replay_spans(replay, spans, &ahead);
  } else {
    replay_spans(replay, spans, nullptr);
  }
}

} // namespace pgadvise::loaders::replay
