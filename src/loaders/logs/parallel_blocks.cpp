#include "loaders/logs/parallel_blocks.hpp"

#include "loaders/logs/formats.hpp"

#include <algorithm>
#include <thread>

namespace pgadvise::loaders {

void ParallelBlocks::run(LogFold& fold, unsigned threads, const std::function<void()>& progress) {
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    workers.emplace_back([this]() { work(); });
  }
  m_max_in_flight = static_cast<std::size_t>(threads) * 2 + 1;
  m_ranges = m_ranged ? m_input.range_count() : 0;
  while (true) {
    fill_queue();
    std::unique_ptr<Slot> front = next_done();
    if (!front) {
      break;
    }
    fold_block(*front, fold);
    recycle(std::move(front));
    progress();
  }
  {
    const std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_work_ready.notify_all();
  for (std::thread& t : workers) {
    t.join();
  }
}

// A worker: parses the blocks it claims until told to stop.
void ParallelBlocks::work() {
  EventBuilder builder(m_registry);
  std::string unwrapped;
  while (Slot* slot = claim()) {
    parse(*slot, builder, unwrapped);
    {
      const std::lock_guard lock(m_mutex);
      slot->done = true;
    }
    m_work_done.notify_all();
  }
}

// The first block no worker has claimed, waiting for one (nullptr: stopping
// and nothing left).
ParallelBlocks::Slot* ParallelBlocks::claim() {
  std::unique_lock lock(m_mutex);
  const auto unclaimed = [](const auto& s) { return !s->claimed; };
  m_work_ready.wait(lock, [&]() { return m_stop || std::any_of(m_queue.begin(), m_queue.end(), unclaimed); });
  const auto it = std::find_if(m_queue.begin(), m_queue.end(), unclaimed);
  if (it == m_queue.end()) {
    return nullptr;
  }
  (*it)->claimed = true;
  return it->get();
}

void ParallelBlocks::parse(Slot& slot, EventBuilder& builder, std::string& unwrapped) {
  std::string_view text = slot.data;
  if (m_ranged) {
    slot.range = m_input.read_range(slot.index, slot.data);
    text = std::string_view(slot.data).substr(slot.range.skip, slot.range.end - slot.range.skip);
  }
  if (m_format.envelope != Envelope::none) {
    // The block's events point into its text: the unwrapped text becomes the block.
    unwrapped.clear();
    unwrap_block(text, m_format.envelope, m_format.header, unwrapped);
    slot.data.swap(unwrapped);
    text = slot.data;
  }
  // Room for the block's events at once: a vector grown by doubling
  // touches every smaller buffer it leaves behind, and each fresh page
  // costs a fault (only the pages used are ever touched, so room to
  // spare is free).
  if (auto& events = slot.result.events; events.capacity() < text.size() / 32) {
    events.reserve(text.size() / 32 + text.size() / 128); // blocks differ a little in size
  }
  switch (m_format.format) {
  case LogFormat::stderr_text: parse_stderr_block(text, m_prefix, builder, slot.result); break;
  case LogFormat::csvlog: parse_csv_block(text, builder, slot.result); break;
  case LogFormat::jsonlog: parse_json_block(text, builder, slot.result); break;
  }
}

// Queues blocks (a range to read, or the input's next block) until the
// queue is full or the input ends.
void ParallelBlocks::fill_queue() {
  while (!m_eof) {
    {
      const std::lock_guard lock(m_mutex);
      if (m_queue.size() >= m_max_in_flight) {
        break;
      }
    }
    std::unique_ptr<Slot> slot;
    if (m_spare.empty()) {
      slot = std::make_unique<Slot>();
    } else {
      slot = std::move(m_spare.back());
      m_spare.pop_back();
    }
    if (m_ranged) {
      if (m_next_index == m_ranges) {
        m_eof = true;
        break;
      }
      slot->index = m_next_index++;
    } else if (!m_input.next(slot->data)) {
      m_eof = true;
      break;
    }
    {
      const std::lock_guard lock(m_mutex);
      m_queue.push_back(std::move(slot));
    }
    m_work_ready.notify_one();
  }
}

// The oldest block once parsed (nullptr: the queue is empty).
std::unique_ptr<ParallelBlocks::Slot> ParallelBlocks::next_done() {
  std::unique_lock lock(m_mutex);
  if (m_queue.empty()) {
    return nullptr;
  }
  m_work_done.wait(lock, [&]() { return m_queue.front()->done; });
  std::unique_ptr<Slot> front = std::move(m_queue.front());
  m_queue.pop_front();
  return front;
}

void ParallelBlocks::fold_block(Slot& slot, LogFold& fold) {
  if (m_shrunk) {
    return;
  }
  fold.consume(slot.result);
  if (m_ranged) {
    m_input.count_range(slot.range, slot.range.end - slot.range.skip);
    m_shrunk = slot.range.shrunk;
    m_eof = m_eof || m_shrunk;
  }
}

// Slots are recycled whole: their block buffer and event vector keep their
// capacity.
void ParallelBlocks::recycle(std::unique_ptr<Slot> slot) {
  BlockResult& used = slot->result;
  used.events.clear();
  used.param_facts.clear();
  used.warnings.clear();
  used.arena.clear();
  used.lines = 0;
  used.records = 0;
  used.unrecognized = 0;
  slot->claimed = false;
  slot->done = false;
  m_spare.push_back(std::move(slot));
}

} // namespace pgadvise::loaders
