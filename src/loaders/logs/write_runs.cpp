#include "loaders/logs/write_runs.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace pgadvise::loaders {

namespace {

// The table a statement writes, or empty when it is not a plain write.
std::string written_table(const model::Workload& workload, std::uint64_t fingerprint) {
  const model::QueryStats* stats = workload.find(fingerprint);
  if (stats == nullptr || !stats->parsed || stats->shape.tables.empty()) {
    return {};
  }
  const model::StatementKind kind = stats->shape.kind;
  if (kind != model::StatementKind::insert && kind != model::StatementKind::update &&
      kind != model::StatementKind::delete_) {
    return {};
  }
  const model::TableUse& target = stats->shape.tables.front();
  return target.schema.empty() ? target.name : target.schema + "." + target.name;
}

// Whether `text` names a column `name` (not a longer name ending in it).
bool names_column(std::string_view text, std::string_view name) {
  for (std::size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
    const char before = at == 0 ? ' ' : text[at - 1];
    const std::size_t end = at + name.size();
    const char after = end == text.size() ? ' ' : text[end];
    const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
    if (!word(before) && !word(after)) {
      return true;
    }
  }
  return false;
}

// Whether `child` may carry the key the INSERT ... RETURNING `parent` made:
// the new id goes back to the application, so no logged value links the
// two, but a child row names its parent's key after the parent's table
// (orders -> "order_id" or "orderId").
bool carries_new_key(const model::Workload& workload, std::uint64_t parent, std::uint64_t child) {
  const model::QueryStats* made = workload.find(parent);
  const model::QueryStats* next = workload.find(child);
  if (made == nullptr || next == nullptr || made->shape.kind != model::StatementKind::insert ||
      made->shape.tables.empty() || !names_column(core::to_lower(made->normalized), "returning")) {
    return false;
  }
  std::string stem = core::to_lower(made->shape.tables.front().name);
  if (stem.size() > 3 && stem.compare(stem.size() - 3, 3, "ies") == 0) {
    stem.replace(stem.size() - 3, 3, "y");
  } else if (stem.size() > 1 && stem.back() == 's') {
    stem.pop_back();
  }
  const std::string text = core::to_lower(next->normalized);
  return names_column(text, stem + "_id") || names_column(text, stem + "id");
}

struct Run {
  std::vector<std::uint64_t> fingerprints;
  std::vector<std::string> tables;  // distinct
  std::vector<std::uint64_t> links; // the values its writes gave, capped
  int first_line = 0;
  std::size_t last = 0; // the group position of its latest write
};

constexpr std::size_t k_max_links = 16;
constexpr std::size_t k_max_open_runs = 16;

bool has_links(const ParamLinks& links) {
  return links[0] != 0;
}

bool shares(const Run& run, const ParamLinks& links) {
  for (const std::uint64_t link : links) {
    if (link != 0 && std::find(run.links.begin(), run.links.end(), link) != run.links.end()) {
      return true;
    }
  }
  return false;
}

void add_links(Run& run, const ParamLinks& links) {
  for (const std::uint64_t link : links) {
    if (link != 0 && run.links.size() < k_max_links &&
        std::find(run.links.begin(), run.links.end(), link) == run.links.end()) {
      run.links.push_back(link);
    }
  }
}

void flush(model::Workload& workload, const std::string& session, const std::string& file, Run& run) {
  if (run.tables.size() >= 2) {
    workload.write_runs.add(run.fingerprints, session, core::SourceLocation{file, run.first_line, 0});
  }
  run = Run{};
}

// The open runs of one group: a write joins the latest run it shares a
// value with, or else a run whose last step made the row it refers to;
// one without logged values joins the latest run; otherwise it starts one.
class OpenRuns {
public:
  OpenRuns(model::Workload& workload, const std::string& session, const std::string& file)
      : m_workload(workload), m_session(session), m_file(file) {}

  void add(const GroupStatement& statement, const std::string& table, std::size_t position) {
    Run& run = run_for(statement);
    run.last = position;
    if (!run.fingerprints.empty() && run.fingerprints.back() == statement.fingerprint) {
      add_links(run, statement.links);
      return; // one statement per row: the same step
    }
    if (std::find(run.fingerprints.begin(), run.fingerprints.end(), statement.fingerprint) !=
        run.fingerprints.end()) {
      flush(m_workload, m_session, m_file, run); // the operation starts over
      run.last = position;
    }
    if (run.fingerprints.empty()) {
      run.first_line = statement.line;
    }
    run.fingerprints.push_back(statement.fingerprint);
    if (std::find(run.tables.begin(), run.tables.end(), table) == run.tables.end()) {
      run.tables.push_back(table);
    }
    add_links(run, statement.links);
  }

  void finish() {
    std::sort(m_runs.begin(), m_runs.end(),
              [](const Run& a, const Run& b) { return a.first_line < b.first_line; });
    for (Run& run : m_runs) {
      flush(m_workload, m_session, m_file, run);
    }
    m_runs.clear();
  }

private:
  Run& run_for(const GroupStatement& statement) {
    const ParamLinks& links = statement.links;
    Run* latest = nullptr;
    Run* linked = nullptr;
    Run* made = nullptr;
    for (Run& run : m_runs) {
      if (latest == nullptr || run.last > latest->last) {
        latest = &run;
      }
      if (has_links(links) && shares(run, links) && (linked == nullptr || run.last > linked->last)) {
        linked = &run;
      }
    }
    for (Run& run : m_runs) { // no value in common: the key a RETURNING made?
      if (linked == nullptr && has_links(links) && !run.fingerprints.empty() &&
          (made == nullptr || run.last > made->last) &&
          carries_new_key(m_workload, run.fingerprints.back(), statement.fingerprint)) {
        made = &run;
      }
    }
    linked = linked != nullptr ? linked : made;
    if (linked != nullptr) {
      return *linked;
    }
    if (latest != nullptr && (!has_links(links) || latest->links.empty())) {
      return *latest; // no values to tell by: the write before it is its request's
    }
    if (m_runs.size() >= k_max_open_runs) {
      Run& oldest = *std::min_element(m_runs.begin(), m_runs.end(),
                                      [](const Run& a, const Run& b) { return a.last < b.last; });
      flush(m_workload, m_session, m_file, oldest);
      return oldest;
    }
    return m_runs.emplace_back();
  }

  model::Workload& m_workload;
  const std::string& m_session;
  const std::string& m_file;
  std::vector<Run> m_runs;
};

} // namespace

void record_write_runs(model::Workload& workload, const std::string& session, const std::string& file,
                       const std::vector<GroupStatement>& group) {
  OpenRuns runs(workload, session, file);
  for (std::size_t i = 0; i < group.size(); ++i) {
    const GroupStatement& statement = group[i];
    if (statement.ts_us == 0) {
      return;
    }
    const std::string table = written_table(workload, statement.fingerprint);
    if (!table.empty()) { // reads between the writes belong to the same operation
      runs.add(statement, table, i);
    }
  }
  runs.finish();
}

} // namespace pgadvise::loaders
