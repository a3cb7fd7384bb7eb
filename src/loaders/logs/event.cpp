#include "loaders/logs/event.hpp"

#include "core/utf8.hpp"
#include "loaders/logs/sqlcommenter.hpp"

#include <array>
#include <cstring>
#include <string>

namespace pgadvise::loaders {

namespace {

// Prefixes are short words of a known length ("duration: "): a memcmp of
// a constant size, which the compiler turns into a load or two and a
// compare (a loop over the bytes took 17 M instructions of 400 M on the
// bench log's first 20 MB).
template <std::size_t N> bool starts_with(std::string_view text, const char (&prefix)[N]) {
  return text.size() >= N - 1 && std::memcmp(text.data(), prefix, N - 1) == 0;
}

// The key of a statement's remembered analysis: its whole text, 16 bytes a
// step in two independent lanes (fast_hash's one lane waits on a multiply
// every 8 bytes; this runs on every logged statement).
std::uint64_t text_hash(std::string_view text) {
  constexpr std::uint64_t k_a = 0x9fb21c651e98df25ULL;
  constexpr std::uint64_t k_b = 0xc2b2ae3d27d4eb4fULL;
  std::uint64_t a = 0x3c6ef372fe94f82bULL ^ text.size();
  std::uint64_t b = 0xa54ff53a5f1d36f1ULL;
  const char* p = text.data();
  std::size_t n = text.size();
  while (n >= 16) {
    std::uint64_t w1 = 0;
    std::uint64_t w2 = 0;
    std::memcpy(&w1, p, 8);
    std::memcpy(&w2, p + 8, 8);
    a = (a ^ w1) * k_a;
    a ^= a >> 29U;
    b = (b ^ w2) * k_b;
    b ^= b >> 31U;
    p += 16;
    n -= 16;
  }
  std::array<std::uint64_t, 2> tail{};
  if (n > 0) {
    std::memcpy(tail.data(), p, n);
  }
  a = (a ^ tail[0]) * k_a;
  b = (b ^ tail[1] ^ n) * k_b;
  std::uint64_t h = a ^ ((b << 32U) | (b >> 32U));
  h ^= h >> 33U;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33U;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33U;
  return h;
}

// "<name>: text" -> text (the name may be "<unnamed>" or "S_1/C_2").
std::string_view after_name(std::string_view text) {
  const std::size_t colon = text.find(": ");
  return colon == std::string_view::npos ? std::string_view() : text.substr(colon + 2);
}

std::string_view strip_parameters(std::string_view detail) {
  return starts_with(detail, "parameters: ") ? detail.substr(12) : std::string_view();
}

// The place values of a fraction's digits, 0.1, 0.01, ..., each the one
// before divided by 10 as the digit loop once made them (so that every
// duration is the same double, bit for bit), without a division per digit:
// a division waits some fifteen cycles, and every logged statement has a
// duration.
constexpr std::size_t k_places = 24;
const std::array<double, k_places> k_place_values = [] {
  std::array<double, k_places> values{};
  double scale = 0.1;
  for (double& value : values) {
    value = scale;
    scale /= 10;
  }
  return values;
}();

double place_value(std::size_t place) {
  if (place < k_places) {
    return k_place_values[place];
  }
  double scale = k_place_values[k_places - 1];
  for (std::size_t i = k_places - 1; i < place; ++i) {
    scale /= 10;
  }
  return scale;
}

// Every three-digit fraction ("1.234 ms"), summed digit by digit as
// parse_decimal's loop sums it (so each is the same double, bit for bit).
const std::array<double, 1000> k_milli_fractions = [] {
  std::array<double, 1000> values{};
  for (std::size_t n = 0; n < values.size(); ++n) {
    const std::array<int, 3> digits = {static_cast<int>(n / 100), static_cast<int>(n / 10 % 10),
                                       static_cast<int>(n % 10)};
    double fraction = 0;
    for (std::size_t place = 0; place < digits.size(); ++place) {
      fraction += digits[place] * place_value(place);
    }
    values[n] = fraction;
  }
  return values;
}();

// The value of parameter $n in a DETAIL line's "$1 = '5', $2 = 'x'", as an
// integer (nullopt when absent or not one).
std::optional<std::int64_t> integer_parameter(std::string_view params, int number) {
  const std::string key = "$" + std::to_string(number) + " = '";
  std::size_t at = params.find(key);
  while (at != std::string_view::npos && at > 0 && params[at - 1] != ' ' && params[at - 1] != ',') {
    at = params.find(key, at + 1);
  }
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  std::size_t i = at + key.size();
  const std::size_t start = i;
  while (i < params.size() && params[i] >= '0' && params[i] <= '9' && i - start < 18) {
    value = value * 10 + (params[i] - '0');
    ++i;
  }
  if (i == start || i >= params.size() || params[i] != '\'') {
    return std::nullopt;
  }
  return value;
}

} // namespace

std::uint64_t params_text_hash(std::string_view params) {
  return fast_hash(params, 0x51ed270b);
}

std::optional<std::int64_t> clause_parameter(const QueryInfo& info, std::string_view params,
                                             std::string_view clause) {
  for (const auto& [number, named] : info.shape.param_clauses) {
    if (named == clause) {
      return integer_parameter(params, number);
    }
  }
  return std::nullopt;
}

ParamFacts param_facts(const QueryInfo& info, std::string_view params) {
  ParamFacts facts;
  facts.info = &info;
  facts.hash = params_text_hash(params);
  facts.limit = clause_parameter(info, params, "limit");
  facts.offset = clause_parameter(info, params, "offset");
  facts.values = param_values(info.params, params);
  return facts;
}

void EventBuilder::add_param_facts(LogEvent& event, const QueryInfo& info, BlockResult& out) {
  out.param_facts.push_back(param_facts(info, event.params));
  event.facts = static_cast<std::uint32_t>(out.param_facts.size());
}

bool parse_decimal(std::string_view text, double& value, std::size_t* consumed) {
  const char* const s = text.data();
  const std::size_t n = text.size();
  const auto digit = [s](std::size_t at) { return static_cast<unsigned>(s[at]) - '0'; };
  std::size_t i = 0;
  std::uint64_t whole = 0;
  for (const std::size_t limit = std::min<std::size_t>(n, 18); i < limit && digit(i) <= 9; ++i) {
    whole = whole * 10 + digit(i);
  }
  if (i == 0) {
    return false;
  }
  double fraction = 0;
  if (i < n && s[i] == '.') {
    ++i;
    if (n - i >= 3 && digit(i) <= 9 && digit(i + 1) <= 9 && digit(i + 2) <= 9 &&
        (n - i == 3 || digit(i + 3) > 9)) {
      // Three digits, as the server writes every duration: the sum the loop
      // below makes of them, looked up.
      fraction = k_milli_fractions[digit(i) * 100 + digit(i + 1) * 10 + digit(i + 2)];
      i += 3;
    } else {
      for (std::size_t place = 0; i < n && digit(i) <= 9; ++place) {
        fraction += (s[i] - '0') * place_value(place);
        ++i;
      }
    }
  }
  value = static_cast<double>(whole) + fraction;
  if (consumed != nullptr) {
    *consumed = i;
  }
  return true;
}

std::string unescape_continuations(std::string_view text, bool escaped, std::size_t max_bytes) {
  if (!escaped) {
    return sanitized_copy(text, max_bytes);
  }
  std::string raw;
  raw.reserve(std::min(text.size(), max_bytes));
  for (std::size_t i = 0; i < text.size() && raw.size() < max_bytes; ++i) {
    raw.push_back(text[i]);
    if (text[i] == '\n' && i + 1 < text.size() && text[i + 1] == '\t') {
      ++i;
    }
  }
  return sanitized_copy(raw, max_bytes);
}

void EventBuilder::warn(BlockResult& out, std::uint32_t line, model::ReaderWarning::Kind kind,
                        std::string message) {
  model::ReaderWarning warning;
  warning.kind = kind;
  warning.message = std::move(message);
  warning.location.line = static_cast<int>(line);
  out.warnings.push_back(std::move(warning));
}

const EventBuilder::Analysis& EventBuilder::analyse(std::string_view text) {
  if (m_analyses.empty()) {
    m_analyses.resize(k_analysis_slots);
  }
  const std::uint64_t hash = text_hash(text);
  Analysis& slot = m_analyses[hash & (k_analysis_slots - 1)];
  if (slot.text_hash == hash && slot.text_size == text.size()) {
    return slot;
  }
  slot.text_hash = hash;
  slot.text_size = text.size();
  // Literals that differ each time (values inlined in the SQL): a
  // statement of a kept template is read from it.
  const std::uint64_t signature = template_signature(text);
  if (!m_templates.find(text, signature, slot.key)) {
    m_literals.spans.clear();
    m_literals.other = false;
    slot.key = shape_key(text, nullptr, &m_literals);
    m_templates.keep(text, signature, slot.key, m_literals);
  }
  slot.info = nullptr;
  slot.invalid_utf8 = false;
  slot.tags_offset = 0;
  slot.tags_size = 0;
  slot.request = 0;
  slot.trace = 0;
  if (slot.key.has_nul) {
    return slot;
  }
  slot.invalid_utf8 = slot.key.non_ascii && !core::utf8::valid(text);
  slot.info = m_cache.find(slot.key.key);
  if (slot.info == nullptr) {
    shape_key(text, &m_stripped); // the literal-free text, for statements that do not parse
    slot.info = m_cache.resolve(slot.key, text, m_stripped);
  }
  // The request the statement belongs to, when the application says
  // (sqlcommenter): one trace id per request, else the tags themselves.
  const std::string_view tags = sqlcommenter_tags(text);
  if (!tags.empty()) {
    slot.tags_offset = static_cast<std::uint32_t>(tags.data() - text.data());
    slot.tags_size = static_cast<std::uint32_t>(tags.size());
    const std::string_view trace = sqlcommenter_value(tags, "traceparent");
    const std::string_view trace_id = traceparent_trace_id(trace);
    slot.request = fast_hash(trace.empty() ? tags : trace_id.empty() ? trace : trace_id, 0x7e9a1c3bULL) | 1U;
    slot.trace = trace_id.empty() ? 0 : fast_hash(trace_id, 0x3c6ef372ULL) | 1U;
  }
  return slot;
}

void EventBuilder::statement_event(LogEvent& event, EventKind kind, const RecordText& record,
                                   std::string_view text, bool has_duration, double duration,
                                   BlockResult& out) {
  event.kind = kind;
  event.has_duration = has_duration;
  event.duration_ms = duration;
  event.text = text;
  event.text_escaped = record.tab_continuations;
  if (text.size() > k_max_statement_bytes) {
    warn(out, record.line, model::ReaderWarning::Kind::oversized,
         "statement of " + std::to_string(text.size() / 1024) + " KiB is counted but not analysed (limit " +
             std::to_string(k_max_statement_bytes / 1024) + " KiB)");
    event.params_hash = text.size();
    return;
  }
  const Analysis& analysis = analyse(text);
  if (analysis.key.has_nul) {
    warn(out, record.line, model::ReaderWarning::Kind::binary,
         "statement contains NUL bytes (binary data); not analysed");
    return;
  }
  if (analysis.invalid_utf8) {
    warn(out, record.line, model::ReaderWarning::Kind::invalid_utf8,
         "statement is not valid UTF-8; invalid bytes are replaced in output");
  }
  event.info = analysis.info;
  event.params_hash = analysis.key.literals;
  event.tags = text.substr(analysis.tags_offset, analysis.tags_size);
  event.request = analysis.request;
  event.trace = analysis.trace;
  event.limit = analysis.key.limit;
  event.offset = analysis.key.offset;
  if (!event.info->parsed && (kind == EventKind::statement || kind == EventKind::execute)) {
    warn(out, record.line, model::ReaderWarning::Kind::unparsed_statement,
         "statement does not parse: " + event.info->error);
  }
}

void EventBuilder::add_statement(const LogRecord& record, std::string_view text, std::string_view params,
                                 BlockResult& out) {
  ++out.records;
  LogEvent& event = out.events.emplace_back();
  event.line = record.line;
  event.fields = record.fields;
  statement_event(event, EventKind::statement, record, text, false, 0, out);
  if (!params.empty()) {
    out.events.back().params = params;
  }
}

// A LOG message: a duration line (with its statement, bind, parse or plan),
// a statement, a connection line, or anything else.
void EventBuilder::log_message(const RecordText& record, LogEvent& event, BlockResult& out) {
  const std::string_view msg = record.message;
  if (starts_with(msg, "duration: ")) {
    duration_message(record, event, out);
  } else if (starts_with(msg, "statement: ")) {
    statement_event(event, EventKind::statement, record, msg.substr(11), false, 0, out);
  } else if (starts_with(msg, "execute ")) {
    statement_event(event, EventKind::execute, record, after_name(msg.substr(8)), false, 0, out);
  } else if (starts_with(msg, "connection received: ")) {
    event.kind = EventKind::connection_received;
    event.text = msg.substr(21);
  } else if (starts_with(msg, "connection authorized: ")) {
    event.kind = EventKind::connection_authorized;
    event.text = msg.substr(23);
  } else if (starts_with(msg, "disconnection: ")) {
    event.kind = EventKind::disconnection;
    event.text = msg.substr(15);
  } else {
    event.kind = EventKind::other;
  }
}

// "duration: 1.234 ms" alone, or before its statement, bind, parse or plan.
void EventBuilder::duration_message(const RecordText& record, LogEvent& event, BlockResult& out) {
  const std::string_view msg = record.message;
  double duration = 0;
  std::size_t used = 0;
  if (!parse_decimal(msg.substr(10), duration, &used)) {
    out.events.pop_back(); // no event
    return;
  }
  std::string_view rest = msg.substr(10 + used);
  if (starts_with(rest, " ms")) {
    rest.remove_prefix(3);
  }
  if (rest.empty()) {
    event.kind = EventKind::duration;
    event.has_duration = true;
    event.duration_ms = duration;
    return;
  }
  while (!rest.empty() && rest.front() == ' ') {
    rest.remove_prefix(1);
  }
  if (starts_with(rest, "statement: ")) {
    statement_event(event, EventKind::statement, record, rest.substr(11), true, duration, out);
  } else if (starts_with(rest, "execute ")) {
    statement_event(event, EventKind::execute, record, after_name(rest.substr(8)), true, duration, out);
  } else if (starts_with(rest, "bind ")) {
    event.kind = EventKind::bind;
    event.has_duration = true;
    event.duration_ms = duration;
  } else if (starts_with(rest, "parse ")) {
    event.kind = EventKind::parse;
    event.has_duration = true;
    event.duration_ms = duration;
  } else if (starts_with(rest, "plan:")) {
    event.kind = EventKind::plan;
    event.has_duration = true;
    event.duration_ms = duration;
    event.text = rest.substr(5);
    event.text_escaped = record.tab_continuations;
  } else {
    event.kind = EventKind::other;
  }
}

void EventBuilder::add(const LogRecord& record, BlockResult& out) {
  // The record's event is built where it is kept (an event is a few hundred
  // bytes); a record that gives none takes it back.
  out.events.emplace_back().fields = record.fields;
  build(record, record.fields, out);
}

void EventBuilder::add_in_place(const RecordText& record, BlockResult& out) {
  build(record, out.events.back().fields, out);
}

void EventBuilder::build(const RecordText& record, const LogFields& fields, BlockResult& out) {
  ++out.records;
  const std::string_view msg = record.message;
  const std::size_t before = out.events.size() - 1;
  LogEvent& event = out.events.back();
  event.line = record.line;
  switch (record.severity) {
  case LogSeverity::log: log_message(record, event, out); break;
  case LogSeverity::detail:
    if (const std::string_view params = strip_parameters(msg); !params.empty()) {
      event.kind = EventKind::parameters;
      event.params = params;
      event.text_escaped = record.tab_continuations;
      // The server writes a statement's DETAIL right after its line: the
      // record before is its statement when it is of the same session.
      if (out.events.size() >= 2) {
        const LogEvent& statement = out.events[out.events.size() - 2];
        if ((statement.kind == EventKind::execute || statement.kind == EventKind::statement) &&
            statement.info != nullptr && statement.fields.pid == fields.pid &&
            statement.fields.session_id == fields.session_id) {
          add_param_facts(event, *statement.info, out);
        }
      }
    }
    break;
  case LogSeverity::error:
  case LogSeverity::fatal:
    event.kind = EventKind::error;
    if (!record.query.empty()) {
      LogEvent& statement = out.events.emplace_back(); // `event` and `fields` may move
      statement.line = record.line;
      statement.fields = out.events[out.events.size() - 2].fields;
      statement_event(statement, EventKind::error_statement, record, record.query, false, 0, out);
    }
    break;
  case LogSeverity::statement:
    statement_event(event, EventKind::error_statement, record, msg, false, 0, out);
    break;
  default: break;
  }
  // csvlog / jsonlog: the parameters come in the same record.
  if (!record.detail.empty() && out.events.size() > before) {
    LogEvent& last = out.events.back();
    if (last.kind == EventKind::execute || last.kind == EventKind::statement) {
      last.params = strip_parameters(record.detail);
      if (last.info != nullptr && !last.params.empty()) {
        add_param_facts(last, *last.info, out);
      }
    }
  }
}

} // namespace pgadvise::loaders
