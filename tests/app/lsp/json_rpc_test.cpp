// The language server's base protocol reader (app/lsp/json_rpc): frames read
// from bytes in pieces of any size, and every malformed input a frame with
// the error the server answers with, never an exception.
#include "app/lsp/json_rpc.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace json_rpc_test {

namespace fs = std::filesystem;
using pgadvise::app::lsp::Frame;
using pgadvise::app::lsp::MessageReader;

const fs::path k_messages = fs::path(PGADVISE_SOURCE_DIR) / "tests" / "app" / "lsp" / "messages";

std::vector<Frame> read_all(const std::string& bytes, std::size_t piece) {
  MessageReader reader;
  std::vector<Frame> frames;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    reader.feed(std::string_view(bytes).substr(at, piece));
    while (auto frame = reader.next()) {
      frames.push_back(std::move(*frame));
    }
  }
  return frames;
}

TEST(LspJsonRpc, ReadsASessionInPiecesOfAnySize) {
  const std::string session = pgadvise::test::read_text(k_messages / "session.jsonrpc");
  ASSERT_FALSE(session.empty());
  for (const std::size_t piece :
       {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{64}, session.size()}) {
    SCOPED_TRACE(piece);
    const std::vector<Frame> frames = read_all(session, piece);
    ASSERT_EQ(frames.size(), 8U);
    for (const Frame& frame : frames) {
      ASSERT_TRUE(frame.message.has_value()) << frame.error;
    }
    EXPECT_EQ((*frames[0].message)["method"], "initialize");
    EXPECT_EQ(frames[0].id, 1);
    // The UTF-16 escapes of the change arrive as UTF-8 text.
    EXPECT_EQ((*frames[3].message)["params"]["contentChanges"][0]["text"],
              "writerId \xC3\xA9\xF0\x9F\x98\x80");
    EXPECT_EQ((*frames[5].message)["method"], "$/cancelRequest");
    EXPECT_EQ((*frames[7].message)["method"], "exit");
  }
}

TEST(LspJsonRpc, MalformedInputIsAnErrorFrameAndReadingGoesOn) {
  const std::string bad = pgadvise::test::read_text(k_messages / "malformed.jsonrpc");
  for (const std::size_t piece : {std::size_t{1}, std::size_t{5}, bad.size()}) {
    SCOPED_TRACE(piece);
    const std::vector<Frame> frames = read_all(bad, piece);
    ASSERT_EQ(frames.size(), 6U);
    EXPECT_EQ(frames[0].error_code, pgadvise::app::lsp::k_parse_error); // {not json
    EXPECT_EQ(frames[1].error_code, pgadvise::app::lsp::k_parse_error); // Content-Length: x
    // A lower-case header name and a Content-Type are fine; an array is no message.
    EXPECT_EQ(frames[2].error_code, pgadvise::app::lsp::k_invalid_request);
    EXPECT_EQ(frames[3].error_code, pgadvise::app::lsp::k_invalid_request); // jsonrpc 1.0
    EXPECT_EQ(frames[3].id, "a");                                           // answered by its id
    EXPECT_EQ(frames[4].error_code, pgadvise::app::lsp::k_invalid_request); // id [1]
    EXPECT_EQ(frames[5].error_code, pgadvise::app::lsp::k_parse_error);     // a length past size_t
    for (const Frame& frame : frames) {
      EXPECT_FALSE(frame.message.has_value());
    }
  }
}

TEST(LspJsonRpc, AFrameIsTheLengthThenTheBody) {
  const std::string framed =
      pgadvise::app::lsp::frame_message({{"jsonrpc", "2.0"}, {"id", 1}, {"result", nullptr}});
  const std::string body = R"({"id":1,"jsonrpc":"2.0","result":null})";
  EXPECT_EQ(framed, "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  const std::vector<Frame> frames = read_all(framed + framed, 3);
  ASSERT_EQ(frames.size(), 2U);
  EXPECT_EQ((*frames[1].message)["id"], 1);
}

} // namespace json_rpc_test
