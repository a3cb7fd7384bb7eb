#include "loaders/logs/prefix.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <string>

// A log_line_prefix pattern compiled into the tokens LogPrefix::match
// reads (prefix.cpp reads lines with them).
namespace pgadvise::loaders {

std::optional<LogPrefix> LogPrefix::compile(std::string_view pattern, std::string* error) {
  LogPrefix prefix;
  prefix.m_pattern = std::string(pattern);
  auto add_literal = [&](char c) {
    if (prefix.m_tokens.empty() || prefix.m_tokens.back().field != Field::literal) {
      prefix.m_tokens.push_back({Field::literal, {}});
    }
    prefix.m_tokens.back().literal.push_back(c);
  };
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      add_literal(pattern[i]);
      continue;
    }
    if (i + 1 >= pattern.size()) {
      add_literal('%');
      break;
    }
    const char escape = pattern[++i];
    Field field = Field::literal;
    switch (escape) {
    case 'a': field = Field::application; break;
    case 'u': field = Field::user; break;
    case 'd': field = Field::database; break;
    case 'r': field = Field::remote; break;
    case 'h': field = Field::host; break;
    case 'b': field = Field::backend_type; break;
    case 'p': field = Field::pid; break;
    case 'P': field = Field::leader_pid; break;
    case 'm': field = Field::ts_ms; break;
    case 't': field = Field::ts; break;
    case 'n': field = Field::ts_epoch; break;
    case 'i': field = Field::command_tag; break;
    case 'e': field = Field::sql_state; break;
    case 'c':
      field = Field::session_id;
      prefix.m_has_session_id = true;
      break;
    case 'l': field = Field::line_number; break;
    case 's': field = Field::session_start; break;
    case 'v': field = Field::vxid; break;
    case 'x': field = Field::xid; break;
    case 'Q': field = Field::query_id; break;
    case 'q': field = Field::session_only; break;
    case '%': add_literal('%'); continue;
    default:
      if (error != nullptr) {
        *error = std::string("unknown escape %") + escape + " in log_line_prefix";
      }
      return std::nullopt;
    }
    prefix.m_tokens.push_back({field, {}});
  }
  prefix.plan_tokens();
  return prefix;
}

void LogPrefix::plan_tokens() {
  static std::atomic<std::uint64_t> s_ids{0};
  m_id = ++s_ids;
  m_tail_memo = !m_tokens.empty() && (m_tokens[0].field == Field::ts_ms || m_tokens[0].field == Field::ts);
  for (std::size_t t = 1; t < m_tokens.size(); ++t) {
    switch (m_tokens[t].field) {
    case Field::literal:
    case Field::pid:
    case Field::session_only:
    case Field::user:
    case Field::database:
    case Field::application:
    case Field::remote:
    case Field::host: break;
    default: m_tail_memo = false; break;
    }
  }
  for (std::size_t t = 0; t < m_tokens.size(); ++t) {
    Token& token = m_tokens[t];
    switch (token.field) {
    case Field::literal:
      token.step = token.literal.size() <= 8 ? Step::literal_word : Step::literal;
      if (token.step == Step::literal_word) {
        // The mask in memory order, as the literal: the load compares the same bytes on any byte order.
        std::array<unsigned char, 8> mask{};
        std::fill_n(mask.begin(), token.literal.size(), 0xff);
        std::memcpy(&token.word, token.literal.data(), token.literal.size());
        std::memcpy(&token.mask, mask.data(), mask.size());
      }
      continue;
    case Field::session_only: token.step = Step::session_only; continue;
    default: break;
    }
    if (!free_text(token.field)) {
      token.step = token.field == Field::pid ? Step::pid : Step::fixed;
      continue;
    }
    // A free-text field runs to the next literal (or to the next space when
    // the pattern ends or another field follows).
    const bool literal_next = t + 1 < m_tokens.size() && m_tokens[t + 1].field == Field::literal;
    token.step = literal_next && m_tokens[t + 1].literal.size() != 1 ? Step::to_text : Step::to_byte;
    token.delimiter = literal_next ? m_tokens[t + 1].literal[0] : ' ';
    switch (token.field) {
    case Field::application: token.target = &LogFields::application; break;
    case Field::user: token.target = &LogFields::user; break;
    case Field::database: token.target = &LogFields::database; break;
    case Field::remote:
    case Field::host: token.target = &LogFields::client; break;
    default: token.target = nullptr; break;
    }
  }
}

LogPrefix LogPrefix::generic() {
  LogPrefix prefix;
  prefix.m_pattern = "(unrecognized: timestamp and [pid] taken from before the severity word)";
  prefix.m_generic = true;
  return prefix;
}

std::size_t LogPrefix::field_count() const {
  return static_cast<std::size_t>(std::count_if(m_tokens.begin(), m_tokens.end(),
                                                [](const Token& t) { return t.field != Field::literal; }));
}

} // namespace pgadvise::loaders
