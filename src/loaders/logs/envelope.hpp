#pragma once

#include <string>
#include <string_view>

namespace pgadvise::loaders {

// What a host wraps PostgreSQL's log lines in. Told apart by content.
enum class Envelope {
  none,
  syslog,     // RFC 3164 / rsyslog file lines: "Mmm dd hh:mm:ss host postgres[pid]: [n-k] ..."
  syslog5424, // RFC 5424: "<pri>1 ts host postgres pid msgid sd [n-k] ...", optionally octet-counted
  heroku,     // logplex: "ts app[postgres.pid]: [DATABASE] [n-k] sql_error_code = ... LOG:  ..."
  cloudsql,   // Google Cloud Logging entries, one JSON object a line, the stderr line in textPayload
  cloudwatch, // CloudWatch Logs events ({"timestamp", "message"}) or subscription records (logEvents)
  cnpg,       // CloudNativePG: {"logger":"postgres","msg":"record","record":{csvlog columns}}
  azure       // Azure diagnostic records: {"properties":{"message":..., "errorLevel":...}}
};

std::string_view envelope_name(Envelope envelope);

// The envelope most of the first lines of `head` are in (none: plain).
Envelope detect_envelope(std::string_view head);

// true: the unwrapped lines are jsonlog records (CloudNativePG); false: stderr lines.
bool envelope_carries_jsonlog(Envelope envelope);
// true: the envelope has the time and pid (syslog, Heroku) and `unwrap_block`
// with `header` puts them first as "YYYY-MM-DD HH:MM:SS.ffffff UTC [pid] ".
bool envelope_has_header(Envelope envelope);

// Rewrites a block of whole envelope lines into the inner log's text (stderr
// lines, tab-indented continuations, or jsonlog objects), appended to `out`.
// Lines that are not in the envelope are passed through as they are (the
// parser then reports them). Each envelope line gives one line, except
// syslog chunks PostgreSQL split from one long line (joined) and JSON
// records that hold several lines or events.
void unwrap_block(std::string_view block, Envelope envelope, bool header, std::string& out);

} // namespace pgadvise::loaders
