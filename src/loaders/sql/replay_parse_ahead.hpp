#pragma once

#include "loaders/sql/lexer.hpp"
#include "pg/json_tree.hpp"

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

// Parses a script's statements on a second thread, ahead of the replay. A
// statement's tree depends on its text alone, while the replay must walk the
// trees in order: so libpg_query (a third of a big migration's replay) runs
// beside the walk instead of before each step of it. Only scripts with many
// statements are worth the thread.
namespace pgadvise::loaders::replay {

class ParseAhead {
public:
  // Scripts with fewer statements are parsed by the replay itself.
  static constexpr std::size_t k_min_statements = 512;

  // `text` and `spans` (offsets into it) outlive the object.
  ParseAhead(std::string_view text, const std::vector<TextSpan>& spans);
  ~ParseAhead();
  ParseAhead(const ParseAhead&) = delete;
  ParseAhead& operator=(const ParseAhead&) = delete;
  ParseAhead(ParseAhead&&) = delete;
  ParseAhead& operator=(ParseAhead&&) = delete;

  // The parse of spans[index] (its text clamped to `text`, as
  // Replay::set_statement clamps it). Indexes must grow from call to call;
  // the spans skipped between two calls are dropped.
  pg::TreeParse take(std::size_t index);

private:
  static constexpr std::size_t k_window = 256; // parsed trees held at most

  void run();

  std::string_view m_text;
  const std::vector<TextSpan>& m_spans;
  std::vector<std::optional<pg::TreeParse>> m_slots; // spans[i] in m_slots[i % k_window]
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::size_t m_produced = 0; // spans[0, m_produced) are parsed
  std::size_t m_consumed = 0; // spans[0, m_consumed) are taken or dropped
  bool m_stop = false;
  std::thread m_worker;
};

} // namespace pgadvise::loaders::replay
