#pragma once

#include <cstddef>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

// JSON-RPC 2.0 over the Language Server Protocol's base protocol: each
// message is a header block (`Content-Length: N`, optionally
// `Content-Type`, each line ended by \r\n, the block by an empty line) and
// N bytes of UTF-8 JSON. The reader takes bytes as they arrive, in pieces of
// any size, and never throws on what it is given.
namespace pgadvise::app::lsp {

// The JSON-RPC error codes the server answers with.
inline constexpr int k_parse_error = -32700;
inline constexpr int k_invalid_request = -32600;
inline constexpr int k_method_not_found = -32601;
inline constexpr int k_invalid_params = -32602;
inline constexpr int k_internal_error = -32603;
inline constexpr int k_server_not_initialized = -32002;
inline constexpr int k_request_cancelled = -32800;

// One framed message: its JSON, or why it is not one (a header without a
// length, a body that is not JSON, a message that is no JSON-RPC request,
// response or notification). `id` is the request's id when it could be read.
struct Frame {
  std::optional<nlohmann::json> message;
  int error_code = 0;
  std::string error;
  nlohmann::json id = nullptr;
};

class MessageReader {
public:
  // The largest body accepted; a longer Content-Length is an error and its
  // bytes are skipped.
  static constexpr std::size_t k_max_body = std::size_t{256} * 1024 * 1024;

  void feed(std::string_view bytes);
  // The next complete frame, or nullopt until more bytes come.
  std::optional<Frame> next();
  // Bytes held that are not yet a whole frame.
  [[nodiscard]] std::size_t pending() const { return m_buffer.size() - m_start; }

private:
  std::string m_buffer;
  std::size_t m_start = 0; // where the unread bytes begin
  std::size_t m_skip = 0;  // body bytes still to drop (an oversized message)
  void compact();
};

// A message framed for the wire.
std::string frame_message(const nlohmann::json& message);

// Checks a parsed body as a JSON-RPC 2.0 message: the frame it makes.
Frame classify_message(nlohmann::json message);

} // namespace pgadvise::app::lsp
