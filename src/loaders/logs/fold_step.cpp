#include "loaders/logs/fold_step.hpp"

namespace pgadvise::loaders {

FoldStep transaction_step(const std::vector<FoldStep>& steps, std::uint64_t session, std::int64_t pid) {
  FoldStep whole;
  std::uint64_t shape = 0x6a09e667f3bcc909ULL;
  std::uint64_t params = 0;
  const FoldStep* row = nullptr;
  for (const FoldStep& step : steps) {
    shape = (shape ^ step.id) * 0x100000001b3ULL;
    params = (params ^ step.params) * 0x100000001b3ULL + step.id;
    merge_param_keys(whole.keys, step.keys);
    whole.row = (whole.row ^ step.row) * 0x100000001b3ULL + step.id;
    if (row == nullptr || (step.writes && !row->writes)) {
      row = &step;
    }
    whole.duration_ms += step.duration_ms;
  }
  whole.id = shape | 1U;
  whole.statement = row != nullptr ? row->id : 0;
  whole.parent = steps.empty() ? 0 : steps.back().id;
  whole.params = params;
  whole.ts_us = steps.empty() ? 0 : steps.back().ts_us;
  whole.line = steps.empty() ? 0 : steps.front().line;
  whole.transaction = true;
  whole.child = true;
  whole.drives_loop = false;
  whole.code_path = steps.empty() ? 0 : steps.front().code_path;
  whole.session = session;
  whole.pid = pid;
  return whole;
}

} // namespace pgadvise::loaders
