#pragma once

#include "loaders/logs/event.hpp"
#include "loaders/logs/prefix.hpp"

#include <string_view>

namespace pgadvise::loaders {

enum class LogFormat { stderr_text, csvlog, jsonlog };

// Each parses a block of whole records (see log_input.hpp for how blocks are
// cut) into events. They run in parallel on different blocks.
void parse_stderr_block(std::string_view block, const LogPrefix& prefix, EventBuilder& builder,
                        BlockResult& out);
void parse_csv_block(std::string_view block, EventBuilder& builder, BlockResult& out);
void parse_json_block(std::string_view block, EventBuilder& builder, BlockResult& out);

// Splits one CSV record at `pos` into fields (quotes removed, "" kept as is:
// `needs_unquote` says so). Returns the position after the record.
struct CsvField {
  std::string_view text;
  bool needs_unquote = false;
};
std::size_t split_csv_record(std::string_view block, std::size_t pos, std::vector<CsvField>& fields,
                             std::uint32_t& newlines);
std::string unquote_csv(std::string_view text);

} // namespace pgadvise::loaders
