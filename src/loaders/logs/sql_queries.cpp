#include "loaders/logs/sql_queries.hpp"

#include "core/source_location.hpp"
#include "pg/parser.hpp"

namespace pgadvise::loaders {

void read_sql_workload_text(std::string_view text, ShapeRegistry& registry, LogFold& fold) {
  EventBuilder builder(registry);
  BlockResult block;
  const core::LineIndex lines(text);
  pg::ParseError error;
  const auto spans = pg::split(text, &error);
  if (!spans) {
    fold.warn(lines.line_of(error.offset), model::ReaderWarning::Kind::unparsed_statement,
              "the file cannot be split into statements: " + error.message);
    return;
  }
  for (const pg::StatementSpan& span : *spans) {
    std::string_view sql = text.substr(span.offset, span.length);
    // The split keeps leading comments and blank lines with the statement.
    std::size_t skip = 0;
    while (skip < sql.size()) {
      if (sql[skip] == ' ' || sql[skip] == '\n' || sql[skip] == '\t' || sql[skip] == '\r') {
        ++skip;
      } else if (sql.substr(skip, 2) == "--") {
        const std::size_t nl = sql.find('\n', skip);
        skip = nl == std::string_view::npos ? sql.size() : nl + 1;
      } else {
        break;
      }
    }
    sql.remove_prefix(skip);
    if (sql.empty()) {
      continue;
    }
    LogRecord record;
    record.line = static_cast<std::uint32_t>(lines.line_of(span.offset + skip));
    builder.add_statement(record, sql, {}, block);
  }
  // Lines are absolute already: count none so the fold adds no base.
  fold.consume(block);
}

} // namespace pgadvise::loaders
