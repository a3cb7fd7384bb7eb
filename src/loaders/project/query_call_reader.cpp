#include "loaders/project/query_call_reader.hpp"

#include <algorithm>

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

// Intervals sorted by begin, painted outer first so that inner ones overwrite them.
void FileIndex::paint(std::size_t tokens) {
  m_function_of.assign(tokens, 0);
  m_loop_of.assign(tokens, 0);
  for (std::size_t f = 0; f < m_functions.size(); ++f) {
    const FunctionInfo& function = m_functions[f];
    for (std::size_t t = function.begin; t <= function.end && t < tokens; ++t) {
      m_function_of[t] = static_cast<std::uint32_t>(f + 1);
    }
  }
  for (std::size_t l = 0; l < m_loops.size(); ++l) {
    const LoopInfo& loop = m_loops[l];
    for (std::size_t t = loop.begin; t <= loop.end && t < tokens; ++t) {
      m_loop_of[t] = static_cast<std::uint32_t>(l + 1);
    }
  }
}

const FunctionInfo* FileIndex::function_at(std::size_t token) const {
  const std::uint32_t f = token < m_function_of.size() ? m_function_of[token] : 0;
  return f == 0 ? nullptr : &m_functions[f - 1];
}

const LoopInfo* FileIndex::loop_at(std::size_t token) const {
  const std::uint32_t l = token < m_loop_of.size() ? m_loop_of[token] : 0;
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
