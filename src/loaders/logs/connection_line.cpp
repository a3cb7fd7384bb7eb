#include "loaders/logs/connection_line.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace {

// "user=a database=b application_name=c" -> value of `key`.
std::string_view key_value(std::string_view text, std::string_view key, bool to_end = false) {
  std::size_t at = 0;
  while (true) {
    at = text.find(key, at);
    if (at == std::string_view::npos) {
      return {};
    }
    if (at == 0 || text[at - 1] == ' ') {
      break;
    }
    at += key.size();
  }
  const std::string_view rest = text.substr(at + key.size());
  if (to_end) {
    const std::size_t ssl = rest.find(" SSL enabled");
    const std::size_t gss = rest.find(" GSS ");
    return rest.substr(0, std::min(ssl, gss));
  }
  return rest.substr(0, rest.find(' '));
}

// "0:00:00.023" -> milliseconds.
std::optional<double> session_time_ms(std::string_view text) {
  const std::size_t c1 = text.find(':');
  const std::size_t c2 = c1 == std::string_view::npos ? c1 : text.find(':', c1 + 1);
  if (c2 == std::string_view::npos) {
    return std::nullopt;
  }
  double hours = 0;
  double minutes = 0;
  double seconds = 0;
  if (!parse_decimal(text.substr(0, c1), hours) ||
      !parse_decimal(text.substr(c1 + 1, c2 - c1 - 1), minutes) ||
      !parse_decimal(text.substr(c2 + 1), seconds)) {
    return std::nullopt;
  }
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

} // namespace

std::string known_field(std::string_view value) {
  return value == "[unknown]" ? std::string() : sanitized_copy(value, 256);
}

std::optional<double> read_connection_line(const LogEvent& event, model::SessionRecord& record,
                                           model::ConnectionStats& stats) {
  std::optional<double> session_ms;
  const std::int64_t ts = event.fields.ts_us;
  if (event.kind == EventKind::connection_received) {
    ++stats.connections_received;
    record.client = known_field(key_value(event.text, "host="));
    if (const std::string_view port = key_value(event.text, "port="); !port.empty()) {
      record.client += "(" + known_field(port) + ")";
    }
    record.connect_us = ts;
  } else if (event.kind == EventKind::connection_authorized) {
    ++stats.connections_authorized;
    record.user = known_field(key_value(event.text, "user="));
    record.database = known_field(key_value(event.text, "database="));
    record.application = known_field(key_value(event.text, "application_name=", true));
    if (record.connect_us == 0) {
      record.connect_us = ts;
    }
  } else {
    ++stats.disconnections;
    record.disconnect_us = ts;
    session_ms = session_time_ms(key_value(event.text, "time: "));
    if (session_ms) {
      record.duration_ms = *session_ms;
    }
    if (record.user.empty()) {
      record.user = known_field(key_value(event.text, "user="));
      record.database = known_field(key_value(event.text, "database="));
    }
  }
  if (event.kind != EventKind::disconnection && ts != 0) {
    if (stats.first_connect_us == 0 || ts < stats.first_connect_us) {
      stats.first_connect_us = ts;
    }
    stats.last_connect_us = std::max(stats.last_connect_us, ts);
  }
  return session_ms;
}

} // namespace pgadvise::loaders
