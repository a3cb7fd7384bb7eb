#pragma once

#include "loaders/logs/envelope.hpp"
#include "loaders/logs/event.hpp"
#include "loaders/logs/fold.hpp"
#include "loaders/logs/input.hpp"
#include "loaders/logs/prefix.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pgadvise::loaders {

// How a file's blocks are parsed.
struct BlockFormat {
  LogFormat format = LogFormat::stderr_text;
  Envelope envelope = Envelope::none;
  bool header = false; // unwrapped lines start with the envelope's time and pid
};

// Parses a log input's blocks on worker threads and hands their results to
// the fold in input order. A plain file is read by the workers themselves,
// in ranges (LogInput::read_range); any other input is read here, block by
// block. At most 2 x threads + 1 blocks are in flight; their buffers are
// recycled whole, so steady-state reading allocates nothing per block.
class ParallelBlocks {
public:
  ParallelBlocks(LogInput& input, const BlockFormat& format, const LogPrefix& prefix, ShapeRegistry& registry)
      : m_input(input), m_format(format), m_prefix(prefix), m_registry(registry), m_ranged(input.ranged()) {}

  // Reads the whole input into `fold`; `progress` is called after each block.
  void run(LogFold& fold, unsigned threads, const std::function<void()>& progress);

private:
  struct Slot {
    std::string data;
    std::size_t index = 0; // ranged input: the block to read
    LogInput::Range range;
    BlockResult result;
    bool claimed = false;
    bool done = false;
  };

  void work();
  Slot* claim();
  void parse(Slot& slot, EventBuilder& builder, std::string& unwrapped);
  void fill_queue();
  std::unique_ptr<Slot> next_done();
  void fold_block(Slot& slot, LogFold& fold);
  void recycle(std::unique_ptr<Slot> slot);

  LogInput& m_input;
  BlockFormat m_format;
  const LogPrefix& m_prefix;
  ShapeRegistry& m_registry;
  bool m_ranged;

  std::mutex m_mutex;
  std::condition_variable m_work_ready;
  std::condition_variable m_work_done;
  std::deque<std::unique_ptr<Slot>> m_queue; // in input order
  bool m_stop = false;

  // The reading side's state (the thread that folds).
  std::vector<std::unique_ptr<Slot>> m_spare;
  std::size_t m_max_in_flight = 1;
  bool m_eof = false;
  bool m_shrunk = false; // ranged input: the file shrank; later blocks are not folded
  std::size_t m_next_index = 0;
  std::size_t m_ranges = 0;
};

} // namespace pgadvise::loaders
