#pragma once

#include "core/finding.hpp"
#include "core/finding_spill.hpp"
#include "core/interned_text.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace pgadvise::core {

// A run's findings. Most runs hold them as a vector. A run whose rules
// spilled their findings (core::FindingSpill: 450,000 of them at 100,000
// tables) keeps them in the spill file and holds a 32-byte record of each
// instead: what sorting, the severity counts and the report's passes read
// (severity, place, rule, weight), and where the finding is; a finding is
// read back one at a time when a pass or a writer needs all of it. Findings
// added later (merged ones, summaries) and any with a measured saving are
// held in memory.
//
// The passes that know records (sort(), select(), remove_if(), loaded(),
// the accessors) work the same on both kinds, and move records in place.
// The vector interface (begin(), operator[], push_back, a
// std::vector<Finding>& argument) reads every spilled finding back first and
// then is a plain vector: a pass not written for records is right, only not
// lean.
class FindingList {
public:
  class Held;
  // A finding as the report's passes see it without reading it back. The
  // file and rule are numbers into the list's own tables of each (a run
  // names a few files and a few dozen rules): 32 bytes where pointers and
  // the saving made 56.
  struct Record {
    std::uint64_t at = 0;   // spilled: the finding's offset in the file; else its index in memory
    std::uint32_t size = 0; // spilled: the finding's encoded size; 0: held in memory
    std::uint32_t weight = 0;
    std::int32_t line = 0;
    std::int32_t column = 0;
    std::uint32_t file = 0; // in m_files
    std::uint16_t rule = 0; // in m_rules
    std::uint8_t severity = 0;
    bool admitted = false; // read back: set `severity`, and the fingerprint when it has none
  };

  // One finding as remove_if() offers it: its record's fields, and the
  // whole finding when asked.
  class Entry {
  public:
    [[nodiscard]] const std::string& rule() const;
    [[nodiscard]] const FilePath& file() const;
    [[nodiscard]] Severity severity() const;
    // The whole finding to read (read back when spilled, not copied when held).
    [[nodiscard]] Held finding() const;
    // The whole finding (read back when spilled), moved out: for a finding
    // the predicate removes and keeps elsewhere.
    Finding take();

  private:
    friend class FindingList;
    Entry(FindingList& list, std::size_t index) : m_list(list), m_index(index) {}
    FindingList& m_list;
    std::size_t m_index;
  };

  // The findings in order, each read back as the iteration reaches it (a
  // vector's are not copied): for writers that go through them once.
  class Loaded {
  public:
    class Iterator {
    public:
      const Finding& operator*() const { return m_owned ? *m_owned : m_list->m_vector[m_index]; }
      Iterator& operator++();
      bool operator!=(const Iterator& other) const { return m_index != other.m_index; }

    private:
      friend class Loaded;
      Iterator(const FindingList* list, std::size_t index);
      const FindingList* m_list;
      std::size_t m_index;
      std::shared_ptr<Finding> m_owned; // the finding read back (store only)
    };
    [[nodiscard]] Iterator begin() const { return {m_list, 0}; }
    [[nodiscard]] Iterator end() const { return {m_list, m_list->size()}; }
    [[nodiscard]] bool empty() const { return m_list->empty(); }

  private:
    friend class FindingList;
    explicit Loaded(const FindingList* list) : m_list(list) {}
    const FindingList* m_list;
  };

  FindingList() = default;
  FindingList(std::vector<Finding> findings)
      : m_vector(std::move(findings)) {} // NOLINT(google-explicit-constructor)
  FindingList& operator=(std::vector<Finding> findings);

  // An empty list whose spilled findings are in `spill`: add them with
  // add_spilled(), the others with push_back().
  static FindingList stored(std::shared_ptr<FindingSpill> spill);
  // Reads the findings of `batch` (written to this list's spill) back one
  // at a time and keeps a record of each one `admit` says yes to; admit()
  // may change a finding's severity and compute its fingerprint (each
  // read-back does that again), nothing else.
  void add_spilled(const FindingSpill::Batch& batch, const std::function<bool(Finding&)>& admit);
  // Whether findings are in a spill file (records) rather than a vector.
  [[nodiscard]] bool spilled() const { return m_stored; }

  [[nodiscard]] std::size_t size() const { return m_stored ? m_records.size() : m_vector.size(); }
  [[nodiscard]] bool empty() const { return size() == 0; }
  // Room for `count` findings in all (records when stored), made once: the
  // engine knows how many its rules wrote before it reads them back.
  void reserve(std::size_t count);
  void push_back(Finding finding);
  void emplace_back(Finding finding) { push_back(std::move(finding)); }

  // Record fields of finding `i`, without reading it back.
  [[nodiscard]] Severity severity(std::size_t i) const;
  [[nodiscard]] const std::string& rule(std::size_t i) const;
  [[nodiscard]] const FilePath& file(std::size_t i) const;
  [[nodiscard]] double saving_ms(std::size_t i) const;
  [[nodiscard]] SourceLocation location(std::size_t i) const;
  [[nodiscard]] std::uint32_t weight(std::size_t i) const;
  // Finding `i`, read back when spilled (a copy either way).
  [[nodiscard]] Finding load(std::size_t i) const;
  // Finding `i` as a reader sees it: the one in memory, or its copy read
  // back from the file.
  class Held {
  public:
    const Finding& operator*() const { return m_in_memory != nullptr ? *m_in_memory : m_read_back; }
    const Finding* operator->() const { return &**this; }

  private:
    friend class FindingList;
    explicit Held(const Finding* in_memory) : m_in_memory(in_memory) {}
    explicit Held(Finding read_back) : m_read_back(std::move(read_back)) {}
    const Finding* m_in_memory = nullptr;
    Finding m_read_back;
  };
  [[nodiscard]] Held at(std::size_t i) const;
  // Replaces finding `i`; in a spilled list the new finding goes to the
  // file too (held in memory when the file cannot take it).
  void replace(std::size_t i, Finding finding);
  [[nodiscard]] Loaded loaded() const { return Loaded(this); }

  // core::sort_findings' order, on the records (ties by object read the
  // tied findings back).
  void sort();
  // Puts the findings in the order `order` gives (order[i]: the finding
  // that goes to position i), in place; `order` may leave some out, which go.
  void select(const std::vector<std::size_t>& order);
  // Removes the findings `remove` says yes to, keeping the others' order;
  // returns how many went.
  std::size_t remove_if(const std::function<bool(Entry&)>& remove);

  // The vector interface: reads every spilled finding back first.
  std::vector<Finding>& vec();
  const std::vector<Finding>& vec() const;
  operator std::vector<Finding>&() { return vec(); }             // NOLINT(google-explicit-constructor)
  operator const std::vector<Finding>&() const { return vec(); } // NOLINT(google-explicit-constructor)
  using iterator = std::vector<Finding>::iterator;
  using const_iterator = std::vector<Finding>::const_iterator;
  using value_type = Finding;
  iterator begin() { return vec().begin(); }
  iterator end() { return vec().end(); }
  [[nodiscard]] const_iterator begin() const { return vec().begin(); }
  [[nodiscard]] const_iterator end() const { return vec().end(); }
  Finding& operator[](std::size_t i) { return vec()[i]; }
  const Finding& operator[](std::size_t i) const { return vec()[i]; }
  Finding& front() { return vec().front(); }
  [[nodiscard]] const Finding& front() const { return vec().front(); }
  Finding& back() { return vec().back(); }
  [[nodiscard]] const Finding& back() const { return vec().back(); }
  template <class It> iterator insert(const_iterator at, It first, It last) {
    return vec().insert(at, first, last);
  }
  iterator erase(const_iterator first, const_iterator last) { return vec().erase(first, last); }
  iterator erase(const_iterator at) { return vec().erase(at); }
  void resize(std::size_t size) { vec().resize(size); }
  void clear();

private:
  // Spilled findings read back through a few windows of the file, so a
  // pass in report order reads each part of the file about once.
  struct Window {
    std::uint64_t offset = 0;
    std::string bytes;
    std::uint64_t used = 0;
  };
  [[nodiscard]] Record record_of(const Finding& finding);
  // Holds `finding` in memory; its record says where.
  void hold(Record& record, Finding finding);
  void materialize() const;

  mutable std::vector<Finding> m_vector;
  mutable bool m_stored = false;
  // In a deque's 512-byte blocks, not one vector: 450,000 records (14 MB)
  // as one block came from a fresh mapping, while the blocks fill the free
  // heap the load and the rules left (at 100,000 tables the RSS after the
  // rules stays 263.5 MB from before the records to the sort; +13 MB as a
  // vector).
  mutable std::deque<Record> m_records;
  mutable std::vector<Finding> m_memory;     // findings of records not spilled, by Record::at
  mutable std::vector<FilePath> m_files;     // Record::file
  mutable std::vector<InternedText> m_rules; // Record::rule
  mutable std::unordered_map<const std::string*, std::uint32_t> m_file_index; // by the pooled text
  mutable std::unordered_map<const std::string*, std::uint32_t> m_rule_index;
  mutable std::shared_ptr<FindingSpill> m_spill;
  mutable std::vector<Window> m_windows;
  mutable std::uint64_t m_uses = 0;
};

} // namespace pgadvise::core
