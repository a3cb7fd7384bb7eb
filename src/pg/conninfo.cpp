#include "pg/conninfo.hpp"

#include "core/text.hpp"

#include <cctype>

namespace pgadvise::pg {

namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// Secret-bearing libpq keywords: password and sslpassword (the key file's
// passphrase).
bool is_secret_key(std::string_view key) {
  const std::string lower = core::to_lower(key);
  return lower == "password" || lower == "sslpassword";
}

// Redacts password=... and sslpassword=... in a URI query (after '?').
std::string redact_uri_query(std::string_view query) {
  std::string out;
  bool first = true;
  for (const std::string& pair : core::split(query, '&')) {
    const auto eq = pair.find('=');
    if (!first) {
      out += '&';
    }
    first = false;
    if (eq != std::string::npos && is_secret_key(pair.substr(0, eq))) {
      out += pair.substr(0, eq + 1);
      out += k_redacted;
    } else {
      out += pair;
    }
  }
  return out;
}

// The userinfo part of a URI ends at the '@' that libpq takes as the
// designator: the first '@' before any '/'. A malformed URI with a raw '@'
// later on is handled by looking for the last '@' before the query too, so
// that a password is over- rather than under-redacted.
std::size_t userinfo_end(std::string_view rest) {
  const auto slash = rest.find_first_of("/?");
  const auto at = rest.find('@');
  if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash)) {
    const auto query = rest.find('?');
    const auto last = rest.substr(0, query).rfind('@');
    return last != std::string_view::npos ? last : at;
  }
  return std::string_view::npos;
}

std::string redact_uri(std::string_view uri) {
  const auto scheme_end = uri.find("://");
  std::string out(uri.substr(0, scheme_end + 3));
  std::string_view rest = uri.substr(scheme_end + 3);
  if (const auto at = userinfo_end(rest); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      out += userinfo.substr(0, colon + 1);
      out += k_redacted;
    } else {
      out += userinfo;
    }
    out += '@';
    rest = rest.substr(at + 1);
  }
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    out += rest.substr(0, question + 1);
    out += redact_uri_query(rest.substr(question + 1));
  } else {
    out += rest;
  }
  return out;
}

// Length of a key=value value starting at `pos`: a single-quoted value with
// backslash escapes, or everything up to the next whitespace.
std::size_t value_length(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  if (end < text.size() && text[end] == '\'') {
    ++end;
    while (end < text.size() && text[end] != '\'') {
      end += text[end] == '\\' ? std::size_t{2} : std::size_t{1};
    }
    return std::min(end + 1, text.size()) - pos;
  }
  while (end < text.size() && !is_space(text[end])) {
    end += text[end] == '\\' ? std::size_t{2} : std::size_t{1};
  }
  return std::min(end, text.size()) - pos;
}

std::string redact_key_value(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  // A bare word right after a secret is most likely the rest of an unquoted
  // password with a space in it: redact it too.
  bool after_secret = false;
  while (pos < text.size()) {
    if (is_space(text[pos])) {
      out += text[pos++];
      continue;
    }
    // A keyword, optional spaces, '=', optional spaces, a value.
    std::size_t key_end = pos;
    while (key_end < text.size() && text[key_end] != '=' && !is_space(text[key_end])) {
      ++key_end;
    }
    std::size_t eq = key_end;
    while (eq < text.size() && is_space(text[eq])) {
      ++eq;
    }
    if (eq >= text.size() || text[eq] != '=') {
      // Not key=value: keep it, unless it may be part of a password.
      out += after_secret ? k_redacted : text.substr(pos, key_end - pos);
      pos = key_end;
      continue;
    }
    std::size_t value = eq + 1;
    while (value < text.size() && is_space(text[value])) {
      ++value;
    }
    const std::size_t length = value_length(text, value);
    out += text.substr(pos, value - pos);
    after_secret = is_secret_key(text.substr(pos, key_end - pos));
    if (after_secret) {
      out += k_redacted;
    } else {
      out += text.substr(value, length);
    }
    pos = value + length;
  }
  return out;
}

} // namespace

bool is_connection_uri(std::string_view conninfo) {
  conninfo = core::trim(conninfo);
  return core::starts_with_ci(conninfo, "postgresql://") || core::starts_with_ci(conninfo, "postgres://");
}

std::string redact_conninfo(std::string_view conninfo) {
  return is_connection_uri(conninfo) ? redact_uri(core::trim(conninfo)) : redact_key_value(conninfo);
}

std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  for (const std::string& secret : secrets) {
    if (secret.size() < 4) {
      continue;
    }
    for (auto at = out.find(secret); at != std::string::npos; at = out.find(secret, at + k_redacted.size())) {
      out.replace(at, secret.size(), k_redacted);
    }
  }
  return out;
}

std::string with_database(std::string_view conninfo, std::string_view database) {
  const std::string_view trimmed = core::trim(conninfo);
  if (is_connection_uri(trimmed)) {
    const auto scheme_end = trimmed.find("://") + 3;
    const auto query = trimmed.find('?', scheme_end);
    const std::string_view before_query = trimmed.substr(0, query);
    const auto at = userinfo_end(before_query.substr(scheme_end));
    const std::size_t host_start = at == std::string_view::npos ? scheme_end : scheme_end + at + 1;
    const auto path = before_query.find('/', host_start);
    std::string out(before_query.substr(0, path));
    out += "/" + std::string(database); // database names pgadvise makes need no escaping
    if (query != std::string_view::npos) {
      out += trimmed.substr(query);
    }
    return out;
  }
  std::string out(trimmed);
  if (!out.empty()) {
    out += ' ';
  }
  return out + "dbname='" + std::string(database) + "'";
}

std::string one_line(std::string_view text) {
  std::string out;
  for (const std::string& line : core::split(text, '\n')) {
    const std::string_view trimmed = core::trim(line);
    if (trimmed.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += "; ";
    }
    out += trimmed;
  }
  return out;
}

} // namespace pgadvise::pg
