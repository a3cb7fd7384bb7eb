#include "app/lsp/json_rpc.hpp"

#include "core/text.hpp"

#include <charconv>

namespace pgadvise::app::lsp {

namespace {

Frame error_frame(int code, std::string message, nlohmann::json id = nullptr) {
  Frame frame;
  frame.error_code = code;
  frame.error = std::move(message);
  frame.id = std::move(id);
  return frame;
}

bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

} // namespace

void MessageReader::feed(std::string_view bytes) {
  if (m_skip > 0) {
    const std::size_t dropped = std::min(m_skip, bytes.size());
    m_skip -= dropped;
    bytes.remove_prefix(dropped);
  }
  m_buffer.append(bytes);
}

void MessageReader::compact() {
  if (m_start > 0 && (m_start >= m_buffer.size() || m_start > 65536)) {
    m_buffer.erase(0, m_start);
    m_start = 0;
  }
}

std::optional<Frame> MessageReader::next() {
  if (m_skip > 0) {
    return std::nullopt;
  }
  const std::string_view unread = std::string_view(m_buffer).substr(m_start);
  const std::size_t header_end = unread.find("\r\n\r\n");
  if (header_end == std::string_view::npos) {
    // A header block never runs this long: the bytes are not the protocol.
    if (unread.size() > 65536) {
      m_start = m_buffer.size();
      compact();
      return error_frame(k_parse_error, "a header block longer than 64 KiB");
    }
    return std::nullopt;
  }
  const std::string_view header = unread.substr(0, header_end);
  std::optional<std::size_t> length;
  std::string problem;
  std::size_t line_start = 0;
  while (line_start <= header.size()) {
    std::size_t line_end = header.find("\r\n", line_start);
    if (line_end == std::string_view::npos) {
      line_end = header.size();
    }
    const std::string_view line = header.substr(line_start, line_end - line_start);
    line_start = line_end + 2;
    if (line.empty()) {
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      problem = "a header line without ':'";
      continue;
    }
    const std::string_view name = core::trim(line.substr(0, colon));
    const std::string_view value = core::trim(line.substr(colon + 1));
    if (ascii_iequals(name, "Content-Length")) {
      std::size_t parsed = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
        problem = "Content-Length is not a number";
      } else {
        length = parsed;
      }
    }
  }
  const std::size_t body_start = m_start + header_end + 4;
  if (!length || !problem.empty()) {
    // Without a usable length the body cannot be found: drop the header and
    // read on from there.
    m_start = body_start;
    compact();
    return error_frame(k_parse_error, problem.empty() ? "a header without Content-Length" : problem);
  }
  if (*length > k_max_body) {
    const std::size_t available = m_buffer.size() - body_start;
    m_skip = *length - std::min(*length, available);
    m_start = std::min(m_buffer.size(), body_start + *length);
    compact();
    return error_frame(k_invalid_request, "a message of " + std::to_string(*length) +
                                              " bytes (the limit is " + std::to_string(k_max_body) + ")");
  }
  if (m_buffer.size() - body_start < *length) {
    return std::nullopt;
  }
  const std::string_view body = std::string_view(m_buffer).substr(body_start, *length);
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  m_start = body_start + *length;
  Frame frame = parsed.is_discarded() ? error_frame(k_parse_error, "the message is not JSON")
                                      : classify_message(std::move(parsed));
  compact();
  return frame;
}

Frame classify_message(nlohmann::json message) {
  if (!message.is_object()) {
    return error_frame(k_invalid_request, "a JSON-RPC message is an object");
  }
  nlohmann::json id = nullptr;
  if (const auto found = message.find("id"); found != message.end()) {
    if (found->is_string() || found->is_number_integer() || found->is_number_unsigned()) {
      id = *found;
    } else if (!found->is_null()) {
      return error_frame(k_invalid_request, "id is a number or a string");
    }
  }
  if (const auto version = message.find("jsonrpc"); version == message.end() || *version != "2.0") {
    return error_frame(k_invalid_request, "jsonrpc is \"2.0\"", id);
  }
  if (const auto method = message.find("method"); method != message.end()) {
    if (!method->is_string()) {
      return error_frame(k_invalid_request, "method is a string", id);
    }
    if (const auto params = message.find("params");
        params != message.end() && !params->is_object() && !params->is_array()) {
      return error_frame(k_invalid_request, "params is an object or an array", id);
    }
  } else if (!message.contains("result") && !message.contains("error")) {
    return error_frame(k_invalid_request, "a message without method, result or error", id);
  }
  Frame frame;
  frame.id = std::move(id);
  frame.message = std::move(message);
  return frame;
}

std::string frame_message(const nlohmann::json& message) {
  const std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

} // namespace pgadvise::app::lsp
