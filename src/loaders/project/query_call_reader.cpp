#include "loaders/project/query_call_reader.hpp"

#include <algorithm>
#include <iterator>

namespace pgadvise::loaders::scan {

FileIndex::FileIndex(std::string path, const ts::Program& program)
    : m_path(std::move(path)), m_imports(program.imports) {
  const TokenReader tokens(program.lex.tokens, m_path);
  m_type_imports = read_type_imports(tokens);
  m_classes = read_classes(tokens);
  FunctionReading functions = read_functions(tokens, m_classes);
  m_functions = std::move(functions.functions);
  m_loops = read_loops(tokens);
  std::stable_sort(m_functions.begin(), m_functions.end(),
                   [](const FunctionInfo& a, const FunctionInfo& b) { return a.begin < b.begin; });
  std::stable_sort(m_loops.begin(), m_loops.end(),
                   [](const LoopInfo& a, const LoopInfo& b) { return a.begin < b.begin; });
  paint(tokens.size());
  DrizzleReading drizzle = read_drizzle_calls(tokens, m_imports);
  m_calls = std::move(drizzle.calls);
  m_relations = std::move(drizzle.relations);
  m_batches = std::move(drizzle.batches);
  m_sites = read_call_sites(tokens, functions.name_tokens);
  NewInstances instances = read_new_locals(tokens);
  m_new_locals = std::move(instances.locals);
  m_new_properties = std::move(instances.properties);
  m_typed_locals = std::move(instances.typed);
  m_taken_locals = std::move(instances.taken);
  for (ClassInfo& info : m_classes) {
    const FunctionInfo* constructor = find_function(info.name, "constructor");
    read_field_types(tokens, info, constructor != nullptr ? constructor->begin : k_no_token);
    if (constructor != nullptr) {
      read_constructor_bindings(tokens, info, constructor->begin, constructor->params);
    }
  }
}

namespace {

// Intervals sorted by begin, painted outer first so that inner ones
// overwrite them, then kept as the runs of equal paint: a file's index
// holds a few entries per function, not one per token.
template <typename Interval>
std::vector<PaintRun> painted_runs(const std::vector<Interval>& intervals, std::size_t tokens) {
  std::vector<std::uint32_t> paint(tokens, 0);
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    for (std::size_t t = intervals[i].begin; t <= intervals[i].end && t < tokens; ++t) {
      paint[t] = static_cast<std::uint32_t>(i + 1);
    }
  }
  std::vector<PaintRun> runs;
  for (std::size_t t = 0; t < tokens; ++t) {
    if (runs.empty() ? paint[t] != 0 : paint[t] != runs.back().value) {
      runs.push_back({static_cast<std::uint32_t>(t), paint[t]});
    }
  }
  runs.push_back({static_cast<std::uint32_t>(tokens), 0}); // past the end: none
  return runs;
}

// The paint of a token: that of the last run starting at or before it.
std::uint32_t paint_at(const std::vector<PaintRun>& runs, std::size_t token) {
  const auto after = std::upper_bound(runs.begin(), runs.end(), token,
                                      [](std::size_t t, const PaintRun& run) { return t < run.begin; });
  return after == runs.begin() ? 0 : std::prev(after)->value;
}

} // namespace

void FileIndex::paint(std::size_t tokens) {
  m_function_runs = painted_runs(m_functions, tokens);
  m_loop_runs = painted_runs(m_loops, tokens);
}

const FunctionInfo* FileIndex::function_at(std::size_t token) const {
  const std::uint32_t f = paint_at(m_function_runs, token);
  return f == 0 ? nullptr : &m_functions[f - 1];
}

const LoopInfo* FileIndex::loop_at(std::size_t token) const {
  const std::uint32_t l = paint_at(m_loop_runs, token);
  return l == 0 ? nullptr : &m_loops[l - 1];
}

// A function's `begin` is its body; the token before it lies in its own
// header, which belongs to the function around it: each step goes out one
// function, to a strictly earlier begin.
const FunctionInfo* FileIndex::named_function_at(std::size_t token) const {
  const FunctionInfo* function = function_at(token);
  while (function != nullptr && function->name.empty()) {
    function = function->begin > 0 ? function_at(function->begin - 1) : nullptr;
  }
  return function;
}

const LoopInfo* FileIndex::loop_running(std::size_t token) const {
  const LoopInfo* loop = loop_at(token);
  if (loop == nullptr) {
    return nullptr;
  }
  for (const FunctionInfo* function = function_at(token);
       function != nullptr && function->begin > loop->begin;
       function = function->begin > 0 ? function_at(function->begin - 1) : nullptr) {
    if (function->handler) {
      return nullptr;
    }
  }
  return loop;
}

const FunctionInfo* FileIndex::transaction_at(std::size_t token) const {
  const FunctionInfo* function = function_at(token);
  while (function != nullptr && !function->transaction) {
    function = function->begin > 0 ? function_at(function->begin - 1) : nullptr;
  }
  return function;
}

bool FileIndex::batched(TokenRange built, std::size_t until) const {
  return std::any_of(m_batches.begin(), m_batches.end(), [&](const TokenRange& batch) {
    return (batch.first < built.first && built.last <= batch.last) ||
           (batch.first > built.last && batch.first <= until);
  });
}

const FunctionInfo* FileIndex::find_function(std::string_view container, std::string_view name) const {
  for (const FunctionInfo& function : m_functions) {
    if (function.name == name && function.container == container) {
      return &function;
    }
  }
  return nullptr;
}

const ClassInfo* FileIndex::class_at(std::size_t token) const {
  return scan::class_at(m_classes, token);
}

const ClassInfo* FileIndex::find_class(std::string_view name) const {
  for (const ClassInfo& info : m_classes) {
    if (info.name == name) {
      return &info;
    }
  }
  return nullptr;
}

} // namespace pgadvise::loaders::scan
