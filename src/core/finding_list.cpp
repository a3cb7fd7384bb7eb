#include "core/finding_list.hpp"

#include "core/finding_order.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace pgadvise::core {

namespace {

// How much of the spill file one read brings back, and how many such
// windows are kept: a pass in report order reads a few rules' findings
// side by side (severity, then place), each rule's in the order written.
constexpr std::size_t k_window_bytes = std::size_t{256} << 10U;
constexpr std::size_t k_windows = 8;

// The rank of each text of `texts` in text order (equal texts, equal ranks).
template <class Text> std::vector<std::uint32_t> text_ranks(const std::vector<Text>& texts) {
  std::vector<std::uint32_t> by_text(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    by_text[i] = static_cast<std::uint32_t>(i);
  }
  std::sort(by_text.begin(), by_text.end(),
            [&](std::uint32_t a, std::uint32_t b) { return texts[a].str() < texts[b].str(); });
  std::vector<std::uint32_t> rank(texts.size());
  std::uint32_t next = 0;
  for (std::size_t i = 0; i < by_text.size(); ++i) {
    if (i > 0 && texts[by_text[i - 1]].str() != texts[by_text[i]].str()) {
      ++next;
    }
    rank[by_text[i]] = next;
  }
  return rank;
}

} // namespace

const std::string& FindingList::Entry::rule() const {
  return m_list.rule(m_index);
}

const FilePath& FindingList::Entry::file() const {
  return m_list.file(m_index);
}

Severity FindingList::Entry::severity() const {
  return m_list.severity(m_index);
}

FindingList::Held FindingList::Entry::finding() const {
  return m_list.at(m_index);
}

Finding FindingList::Entry::take() {
  if (!m_list.m_stored) {
    return std::move(m_list.m_vector[m_index]);
  }
  const Record& record = m_list.m_records[m_index];
  if (record.size == 0) {
    return std::move(m_list.m_memory[record.at]);
  }
  return m_list.load(m_index);
}

FindingList::Loaded::Iterator::Iterator(const FindingList* list, std::size_t index)
    : m_list(list), m_index(index) {
  if (m_list->m_stored && m_index < m_list->size()) {
    m_owned = std::make_shared<Finding>(m_list->load(m_index));
  }
}

FindingList::Loaded::Iterator& FindingList::Loaded::Iterator::operator++() {
  ++m_index;
  if (m_list->m_stored) {
    if (m_index < m_list->size()) {
      *m_owned = m_list->load(m_index);
    } else {
      m_owned.reset();
    }
  }
  return *this;
}

FindingList& FindingList::operator=(std::vector<Finding> findings) {
  clear();
  m_vector = std::move(findings);
  return *this;
}

FindingList FindingList::stored(std::shared_ptr<FindingSpill> spill) {
  FindingList list;
  list.m_stored = true;
  list.m_spill = std::move(spill);
  return list;
}

FindingList::Record FindingList::record_of(const Finding& finding) {
  Record record;
  const FilePath& file = finding.location.file;
  auto [at_file, new_file] =
      m_file_index.try_emplace(&file.str(), static_cast<std::uint32_t>(m_files.size()));
  if (new_file) {
    m_files.push_back(file);
  }
  record.file = at_file->second;
  const InternedText rule(finding.rule);
  auto [at_rule, new_rule] =
      m_rule_index.try_emplace(&rule.str(), static_cast<std::uint32_t>(m_rules.size()));
  if (new_rule) {
    if (m_rules.size() > std::numeric_limits<std::uint16_t>::max()) {
      throw std::length_error("more than 65,536 rule ids in one list of findings");
    }
    m_rules.push_back(rule);
  }
  record.rule = static_cast<std::uint16_t>(at_rule->second);
  record.line = finding.location.line;
  record.column = finding.location.column;
  record.weight = finding.weight;
  record.severity = static_cast<std::uint8_t>(finding.severity);
  return record;
}

void FindingList::reserve(std::size_t count) {
  if (!m_stored) { // records grow a block at a time, never copied
    m_vector.reserve(count);
  }
}

void FindingList::hold(Record& record, Finding finding) {
  record.at = m_memory.size();
  record.size = 0;
  m_memory.push_back(std::move(finding));
}

void FindingList::add_spilled(const FindingSpill::Batch& batch, const std::function<bool(Finding&)>& admit) {
  std::string bytes;
  for (const FindingSpill::Chunk& chunk : batch) {
    bytes.resize(chunk.size);
    m_spill->read_bytes(chunk.offset, bytes.size(), bytes.data());
    const char* at = bytes.data();
    for (std::size_t i = 0; i < chunk.count; ++i) {
      const char* start = at;
      Finding finding = FindingSpill::decode(at, bytes.data() + bytes.size());
      if (admit(finding)) {
        Record record = record_of(finding);
        if (finding.saving_ms != 0) { // records keep no saving: such a finding is held
          hold(record, std::move(finding));
        } else {
          record.at = chunk.offset + static_cast<std::uint64_t>(start - bytes.data());
          record.size = static_cast<std::uint32_t>(at - start);
          record.admitted = true;
        }
        m_records.push_back(record);
      }
    }
  }
}

void FindingList::push_back(Finding finding) {
  if (!m_stored) {
    m_vector.push_back(std::move(finding));
    return;
  }
  Record record = record_of(finding);
  hold(record, std::move(finding));
  m_records.push_back(record);
}

Severity FindingList::severity(std::size_t i) const {
  return m_stored ? static_cast<Severity>(m_records[i].severity) : m_vector[i].severity;
}

const std::string& FindingList::rule(std::size_t i) const {
  return m_stored ? m_rules[m_records[i].rule].str() : m_vector[i].rule;
}

const FilePath& FindingList::file(std::size_t i) const {
  return m_stored ? m_files[m_records[i].file] : m_vector[i].location.file;
}

double FindingList::saving_ms(std::size_t i) const {
  if (!m_stored) {
    return m_vector[i].saving_ms;
  }
  const Record& record = m_records[i];
  return record.size == 0 ? m_memory[record.at].saving_ms : 0; // a spilled finding has none
}

SourceLocation FindingList::location(std::size_t i) const {
  if (!m_stored) {
    return m_vector[i].location;
  }
  const Record& r = m_records[i];
  return {m_files[r.file], r.line, r.column};
}

std::uint32_t FindingList::weight(std::size_t i) const {
  return m_stored ? m_records[i].weight : m_vector[i].weight;
}

FindingList::Held FindingList::at(std::size_t i) const {
  if (!m_stored) {
    return Held(&m_vector[i]);
  }
  const Record& record = m_records[i];
  return record.size == 0 ? Held(&m_memory[record.at]) : Held(load(i));
}

Finding FindingList::load(std::size_t i) const {
  if (!m_stored) {
    return m_vector[i];
  }
  const Record& record = m_records[i];
  if (record.size == 0) {
    return m_memory[record.at];
  }
  const std::uint64_t end = record.at + record.size;
  auto window = std::find_if(m_windows.begin(), m_windows.end(), [&](const Window& w) {
    return w.offset <= record.at && end <= w.offset + w.bytes.size();
  });
  if (window == m_windows.end()) {
    if (m_windows.size() < k_windows) {
      window = m_windows.emplace(m_windows.end());
    } else {
      window = std::min_element(m_windows.begin(), m_windows.end(),
                                [](const Window& a, const Window& b) { return a.used < b.used; });
    }
    const std::uint64_t room = m_spill->size() - record.at;
    window->offset = record.at;
    window->bytes.resize(std::max<std::size_t>(record.size, std::min<std::uint64_t>(k_window_bytes, room)));
    m_spill->read_bytes(window->offset, window->bytes.size(), window->bytes.data());
  }
  window->used = ++m_uses;
  const char* at = window->bytes.data() + (record.at - window->offset);
  Finding finding = FindingSpill::decode(at, at + record.size);
  // What admission set on the way in (engine::run): the severity override
  // and a fingerprint computed for a finding that came without one.
  if (record.admitted) {
    finding.severity = static_cast<Severity>(record.severity);
    if (finding.fingerprint.empty()) {
      finding.compute_fingerprint();
    }
  }
  return finding;
}

void FindingList::replace(std::size_t i, Finding finding) {
  if (!m_stored) {
    m_vector[i] = std::move(finding);
    return;
  }
  Record record = record_of(finding);
  if (finding.saving_ms != 0) { // records keep no saving
    hold(record, std::move(finding));
    m_records[i] = record;
    return;
  }
  std::vector<Finding> one;
  one.push_back(std::move(finding));
  const FindingSpill::Batch batch = m_spill->write(one);
  if (batch.size() == 1) { // in the file, as the finding it replaces was
    record.at = batch.front().offset;
    record.size = static_cast<std::uint32_t>(batch.front().size);
  } else { // the file could not take it: held
    hold(record, std::move(one.front()));
  }
  m_records[i] = record;
}

void FindingList::sort() {
  if (!m_stored) {
    sort_findings(m_vector);
    return;
  }
  // Files and rules compare by their texts: each table's texts are ranked
  // once, and records compare by rank (no key per finding is made).
  const std::vector<std::uint32_t> file_rank = text_ranks(m_files);
  const std::vector<std::uint32_t> rule_rank = text_ranks(m_rules);
  const auto compare = [&](std::size_t a, std::size_t b) {
    const Record& x = m_records[a];
    const Record& y = m_records[b];
    if (x.severity != y.severity) {
      return x.severity > y.severity ? -1 : 1; // most severe first
    }
    if (file_rank[x.file] != file_rank[y.file]) {
      return file_rank[x.file] < file_rank[y.file] ? -1 : 1;
    }
    if (x.line != y.line) {
      return x.line < y.line ? -1 : 1;
    }
    if (x.column != y.column) {
      return x.column < y.column ? -1 : 1;
    }
    if (rule_rank[x.rule] != rule_rank[y.rule]) {
      return rule_rank[x.rule] < rule_rank[y.rule] ? -1 : 1;
    }
    return 0;
  };
  const std::optional<std::vector<std::size_t>> order =
      sort_order_by(m_records.size(), compare, [&](std::size_t i) { return load(i).object.to_string(); });
  if (order) {
    select(*order);
  }
  struct Weighed {
    Severity severity;
    std::uint32_t weight;
  };
  order_by_weight(m_records, [](const Record& r) {
    return Weighed{static_cast<Severity>(r.severity), r.weight};
  });
}

void FindingList::select(const std::vector<std::size_t>& order) {
  if (m_stored) {
    select_in_place(m_records, order);
  } else {
    select_in_place(m_vector, order);
  }
}

std::size_t FindingList::remove_if(const std::function<bool(Entry&)>& remove) {
  const std::size_t before = size();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < before; ++i) {
    Entry entry(*this, i);
    if (remove(entry)) {
      continue;
    }
    if (i != kept) {
      if (m_stored) {
        m_records[kept] = m_records[i];
      } else {
        m_vector[kept] = std::move(m_vector[i]);
      }
    }
    ++kept;
  }
  if (m_stored) {
    m_records.resize(kept);
  } else {
    m_vector.erase(m_vector.begin() + static_cast<std::ptrdiff_t>(kept), m_vector.end());
  }
  return before - kept;
}

void FindingList::materialize() const {
  if (!m_stored) {
    return;
  }
  std::vector<Finding> out;
  out.reserve(m_records.size());
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    const Record& record = m_records[i];
    out.push_back(record.size == 0 ? std::move(m_memory[record.at]) : load(i));
  }
  m_vector = std::move(out);
  m_stored = false;
  std::deque<Record>().swap(m_records);
  std::vector<Finding>().swap(m_memory);
  std::vector<Window>().swap(m_windows);
  m_files.clear();
  m_rules.clear();
  m_file_index.clear();
  m_rule_index.clear();
  m_spill.reset();
}

std::vector<Finding>& FindingList::vec() {
  materialize();
  return m_vector;
}

const std::vector<Finding>& FindingList::vec() const {
  materialize();
  return m_vector;
}

void FindingList::clear() {
  m_vector.clear();
  m_stored = false;
  m_records.clear();
  m_memory.clear();
  m_windows.clear();
  m_files.clear();
  m_rules.clear();
  m_file_index.clear();
  m_rule_index.clear();
  m_spill.reset();
}

} // namespace pgadvise::core
