#include "loaders/logs/drizzle_logger.hpp"

namespace pgadvise::loaders {

void read_drizzle_log_text(std::string_view text, ShapeRegistry& registry, LogFold& fold) {
  EventBuilder builder(registry);
  BlockResult block;
  std::size_t pos = 0;
  std::uint32_t line_no = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    const std::size_t at = line.find("Query: ");
    if (at == std::string_view::npos) {
      continue; // the application's own output
    }
    std::string_view sql = line.substr(at + 7);
    std::string_view params;
    // Drizzle appends " -- params: [json, ...]" when there are parameters.
    if (const std::size_t marker = sql.rfind(" -- params: [");
        marker != std::string_view::npos && !sql.empty() && sql.back() == ']') {
      params = sql.substr(marker + 12);
      sql = sql.substr(0, marker);
    }
    LogRecord record;
    record.line = line_no;
    builder.add_statement(record, sql, params, block);
  }
  block.lines = line_no;
  fold.consume(block);
}

} // namespace pgadvise::loaders
