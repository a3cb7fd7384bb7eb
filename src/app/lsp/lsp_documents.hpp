#pragma once

#include "app/lsp/lsp_text.hpp"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

// The documents the editor has open: their unsaved texts and versions.
// Each open text is also the file's core::file_overlay, so every loader of
// lint's pipeline reads what the editor shows, saved or not.
namespace pgadvise::app::lsp {

struct Document {
  std::filesystem::path path; // absolute and normal (lsp_analysis's file_key)
  std::string text;
  int version = 0;
  // The line (from 0) of the last edit, where the developer is at work: the
  // diagnostics nearest it are shown first when a file has more than the
  // editor is sent. The top of the file until the first edit.
  std::size_t edited_line = 0;
};

class Documents {
public:
  Documents() = default;
  Documents(const Documents&) = delete;
  Documents& operator=(const Documents&) = delete;
  Documents(Documents&&) = delete;
  Documents& operator=(Documents&&) = delete;
  ~Documents(); // the overlays go with the documents

  // didOpen: the document's text and version; the one it replaces, if any.
  Document& open(const std::string& uri, const std::filesystem::path& path, std::string text, int version);
  // didChange: `changes` (the protocol's contentChanges: whole texts or
  // ranges in `encoding`) applied in order. Null when the URI is not open.
  Document* change(const std::string& uri, const nlohmann::json& changes, std::optional<int> version,
                   PositionEncoding encoding);
  // didClose: the document as it was, or nullopt when it was not open.
  std::optional<Document> close(const std::string& uri);

  [[nodiscard]] const Document* find(const std::string& uri) const;
  [[nodiscard]] const Document* find_path(const std::filesystem::path& path) const;
  // The text of `path`: its open buffer, else the file on disk (empty when
  // unreadable).
  [[nodiscard]] std::string text_of(const std::filesystem::path& path) const;
  [[nodiscard]] const std::map<std::string, Document>& all() const { return m_by_uri; }

private:
  std::map<std::string, Document> m_by_uri;
};

} // namespace pgadvise::app::lsp
