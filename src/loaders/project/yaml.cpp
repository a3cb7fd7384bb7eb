#include "loaders/project/yaml.hpp"

#include <algorithm>
#include <cstddef>
#include <sstream>
#include <string>
#include <utility>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace pgadvise::loaders::yaml {

const Node* Node::get(std::string_view key) const {
  if (kind != Kind::mapping) {
    return nullptr;
  }
  for (const Entry& entry : entries) {
    if (entry.key == key) {
      return &entry.value;
    }
  }
  return nullptr;
}

std::string Node::get_scalar(std::string_view key) const {
  const Node* node = get(key);
  return node != nullptr && node->is_scalar() ? node->scalar : std::string{};
}

namespace {

// Deeper trees are not CI files; the cut keeps hostile input from recursing
// without bound (an alias can also point back into its own anchor).
constexpr int k_max_depth = 100;
// Aliases are shared in yaml-cpp's tree but copied here: nested anchors
// (`b: [*a, *a, *a]`, `c: [*b, *b, *b]`, ...) would expand to billions of
// nodes from a few hundred bytes. A real workflow or compose file has a few
// thousand; past this many the rest of the file is not read.
constexpr std::size_t k_max_nodes = 200000;

int line_of(const YAML::Mark& mark) {
  return mark.is_null() ? 0 : mark.line + 1;
}

class Converter {
public:
  Converter(std::string_view text, std::vector<Problem>& problems) : m_text(text), m_problems(problems) {}

  Node convert(const YAML::Node& in, int depth) {
    Node out;
    out.line = line_of(in.Mark());
    if (++m_nodes > k_max_nodes) {
      if (m_nodes == k_max_nodes + 1) {
        m_problems.push_back({"aliases expand to more than " + std::to_string(k_max_nodes) +
                                  " nodes; the rest of the file is not read",
                              out.line});
      }
      return out;
    }
    if (depth > k_max_depth) {
      m_problems.push_back(
          {"nesting deeper than " + std::to_string(k_max_depth) + " levels is not read", out.line});
      return out;
    }
    switch (in.Type()) {
    case YAML::NodeType::Scalar: scalar(in, out); break;
    case YAML::NodeType::Sequence:
      out.kind = Node::Kind::sequence;
      for (const YAML::Node& item : in) {
        out.items.push_back(convert(item, depth + 1));
      }
      break;
    case YAML::NodeType::Map:
      out.kind = Node::Kind::mapping;
      mapping(in, out, depth);
      break;
    default: break;
    }
    return out;
  }

private:
  // A block scalar's mark is its `|` or `>` indicator; its text starts on the
  // next line. yaml-cpp keeps the final newline of a clipped block, which no
  // reader here wants.
  void scalar(const YAML::Node& in, Node& out) const {
    out.kind = Node::Kind::scalar;
    out.scalar = in.Scalar();
    const YAML::Mark mark = in.Mark();
    if (mark.is_null() || mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= m_text.size()) {
      return;
    }
    const char indicator = m_text[static_cast<std::size_t>(mark.pos)];
    if (indicator == '|' || indicator == '>') {
      out.block_scalar = indicator == '|';
      out.line += 1;
      if (!out.scalar.empty() && out.scalar.back() == '\n') {
        out.scalar.pop_back();
      }
    }
  }

  void mapping(const YAML::Node& in, Node& out, int depth) {
    std::vector<Entry> merged; // from `<<`, overridden by the mapping's own keys
    for (const auto& pair : in) {
      const YAML::Node& key = pair.first;
      if (!key.IsScalar()) {
        m_problems.push_back({"a mapping key that is not a scalar is not read", line_of(key.Mark())});
        continue;
      }
      if (key.Scalar() == "<<" && key.Tag() != "tag:yaml.org,2002:str") {
        merge(pair.second, merged, depth);
        continue;
      }
      out.entries.push_back({key.Scalar(), line_of(key.Mark()), convert(pair.second, depth + 1)});
    }
    for (Entry& entry : merged) {
      if (out.get(entry.key) == nullptr) {
        out.entries.push_back(std::move(entry));
      }
    }
  }

  // `<<: *anchor` or `<<: [*a, *b]`: earlier sources win over later ones.
  void merge(const YAML::Node& source, std::vector<Entry>& merged, int depth) {
    std::vector<YAML::Node> sources;
    if (source.IsSequence()) {
      for (const YAML::Node& item : source) {
        sources.push_back(item);
      }
    } else {
      sources.push_back(source);
    }
    for (const YAML::Node& item : sources) {
      if (!item.IsMap()) {
        m_problems.push_back({"`<<` merges only mappings", line_of(item.Mark())});
        continue;
      }
      Node node = convert(item, depth + 1);
      for (Entry& entry : node.entries) {
        bool seen = false;
        for (const Entry& existing : merged) {
          seen = seen || existing.key == entry.key;
        }
        if (!seen) {
          merged.push_back(std::move(entry));
        }
      }
    }
  }

  std::string_view m_text;
  std::vector<Problem>& m_problems;
  std::size_t m_nodes = 0;
};

// Records where each document of a stream starts; builds nothing.
class DocumentStarts : public YAML::EventHandler {
public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnScalar(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {}
  void OnSequenceStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                       YAML::EmitterStyle::value /*style*/) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {}
  void OnMapEnd() override {}
};

// How many documents the stream holds, and where the second starts. Not
// YAML::LoadAll: yaml-cpp 0.7 (Debian 12's) loops forever on some malformed
// streams, a lone "," among them (fixed upstream in pull request 1319), each
// turn adding one more empty document. A stream cannot hold more documents
// than it has `---` lines, plus one, which bounds the loop here.
std::pair<std::size_t, int> count_documents(std::string_view text) {
  std::size_t markers = text.substr(0, 3) == "---" ? 1 : 0;
  for (std::size_t at = text.find("\n---"); at != std::string_view::npos; at = text.find("\n---", at + 1)) {
    ++markers;
  }
  if (markers == 0) {
    return {1, 0}; // one document at most: no second parse (a CI workflow's usual case)
  }
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentStarts handler;
  while (handler.starts.size() <= markers && parser.HandleNextDocument(handler)) {
  }
  const std::size_t count = std::min(handler.starts.size(), markers + 1);
  return {count, count > 1 ? line_of(handler.starts[1]) : 0};
}

} // namespace

Document parse(std::string_view text) {
  Document doc;
  try {
    // The first document alone: one turn of the parser.
    const YAML::Node first = YAML::Load(std::string(text));
    Converter converter(text, doc.problems);
    doc.root = converter.convert(first, 0);
    if (const auto [count, line] = count_documents(text); count > 1) {
      doc.problems.push_back(
          {"only the first of " + std::to_string(count) + " YAML documents is read", line});
    }
  } catch (const YAML::Exception& error) {
    doc.root = Node{};
    doc.problems.push_back({error.msg, line_of(error.mark)});
  } catch (const std::exception& error) {
    doc.root = Node{};
    doc.problems.push_back({error.what(), 0});
  }
  return doc;
}

} // namespace pgadvise::loaders::yaml
