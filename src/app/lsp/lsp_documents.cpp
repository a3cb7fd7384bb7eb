#include "app/lsp/lsp_documents.hpp"

#include "app/lsp/lsp_json.hpp"
#include "core/file.hpp"

#include <algorithm>
#include <cstdint>

namespace pgadvise::app::lsp {

namespace fs = std::filesystem;

namespace {

// The line (from 0) of the first character where `after` differs from `before`.
std::size_t first_changed_line(std::string_view before, std::string_view after) {
  const auto differ = std::mismatch(before.begin(), before.end(), after.begin(), after.end());
  return static_cast<std::size_t>(std::count(after.begin(), differ.second, '\n'));
}

} // namespace

Documents::~Documents() {
  for (const auto& [uri, document] : m_by_uri) {
    core::clear_file_overlay(document.path);
  }
}

Document& Documents::open(const std::string& uri, const fs::path& path, std::string text, int version) {
  Document& document = m_by_uri[uri];
  document.path = path;
  document.text = std::move(text);
  document.version = version;
  document.edited_line = 0;
  core::set_file_overlay(document.path, document.text);
  return document;
}

Document* Documents::change(const std::string& uri, const nlohmann::json& changes, std::optional<int> version,
                            PositionEncoding encoding) {
  const auto found = m_by_uri.find(uri);
  if (found == m_by_uri.end()) {
    return nullptr;
  }
  Document& document = found->second;
  if (changes.is_array()) {
    for (const nlohmann::json& change : changes) {
      const std::string text = string_at(change, "text");
      if (const std::optional<Range> range = range_of(member(change, "range"))) {
        const LineMap lines(document.text);
        const std::size_t from = lines.offset(range->start, encoding);
        const std::size_t to = std::max(from, lines.offset(range->end, encoding));
        document.text.replace(from, to - from, text);
        document.edited_line = static_cast<std::size_t>(std::max(0, range->start.line));
      } else {
        document.edited_line = first_changed_line(document.text, text);
        document.text = text;
      }
    }
  }
  if (version) {
    document.version = *version;
  }
  core::set_file_overlay(document.path, document.text);
  return &document;
}

std::optional<Document> Documents::close(const std::string& uri) {
  const auto found = m_by_uri.find(uri);
  if (found == m_by_uri.end()) {
    return std::nullopt;
  }
  Document document = std::move(found->second);
  m_by_uri.erase(found);
  // Another URI of the same file (differently escaped) keeps its overlay.
  if (const Document* other = find_path(document.path)) {
    core::set_file_overlay(other->path, other->text);
  } else {
    core::clear_file_overlay(document.path);
  }
  return document;
}

const Document* Documents::find(const std::string& uri) const {
  const auto found = m_by_uri.find(uri);
  return found == m_by_uri.end() ? nullptr : &found->second;
}

const Document* Documents::find_path(const fs::path& path) const {
  for (const auto& [uri, document] : m_by_uri) {
    if (document.path == path) {
      return &document;
    }
  }
  return nullptr;
}

std::string Documents::text_of(const fs::path& path) const {
  if (const Document* document = find_path(path)) {
    return document->text;
  }
  auto text = core::read_file(path, std::uintmax_t{64} * 1024 * 1024);
  return text ? *text : std::string();
}

} // namespace pgadvise::app::lsp
