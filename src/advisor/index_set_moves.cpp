#include "advisor/index_set_moves.hpp"

#include <limits>

namespace pgadvise::advisor {

Config with(Config config, std::size_t id) {
  config.push_back(id);
  std::sort(config.begin(), config.end());
  return config;
}

Config without(Config config, std::size_t id) {
  config.erase(std::remove(config.begin(), config.end(), id), config.end());
  return config;
}

Config replaced(const Config& config, std::size_t out, std::size_t in) {
  return with(without(config, out), in);
}

bool holds(const Config& config, std::size_t id) {
  return std::find(config.begin(), config.end(), id) != config.end();
}

bool SetSearch::fits(const Config& config) {
  if (m_options.max_indexes > 0 && config.size() > m_options.max_indexes) {
    return false;
  }
  for (std::size_t id : config) {
    if (!m_ev.size(id)) {
      return false;
    }
  }
  return !m_options.budget_bytes || m_ev.total_size(config) <= *m_options.budget_bytes;
}

const std::vector<std::size_t>& SetSearch::useful() {
  if (m_useful_done) {
    return m_useful;
  }
  const double base = none();
  std::vector<std::pair<double, std::size_t>> gains;
  const std::size_t count = m_ev.pool().size();
  for (std::size_t id = 0; id < count && !out_of_time(); ++id) {
    if (m_ev.pool()[id].method != "btree" || !m_ev.size(id) || !fits({id})) {
      continue;
    }
    const double gain = base - m_ev.objective({id});
    if (gain > k_fill_gain * base) {
      gains.emplace_back(gain, id);
      m_single_gain[id] = gain;
    }
  }
  std::stable_sort(gains.begin(), gains.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [gain, id] : gains) {
    m_useful.push_back(id);
  }
  m_useful_done = true;
  return m_useful;
}

std::vector<std::size_t> SetSearch::growths(std::size_t id) {
  if (const auto it = m_growths.find(id); it != m_growths.end()) {
    return it->second;
  }
  std::vector<std::size_t> out;
  const SetCandidate base = m_ev.pool()[id];
  const auto table = m_ev.pool().growth.find(table_key(*base.table));
  if (table != m_ev.pool().growth.end() && !base.keys.empty()) {
    const std::string lead = base.keys.front().sql();
    const std::vector<CandidatePool::Growth> steps = table->second;
    for (const CandidatePool::Growth& step : steps) {
      if (std::find(step.with.begin(), step.with.end(), lead) == step.with.end()) {
        continue;
      }
      if (auto grown = grow(base, step.key, m_options.max_width)) {
        const std::size_t grown_id = m_ev.pool().add(std::move(*grown));
        if (grown_id != id) {
          out.push_back(grown_id);
        }
      }
    }
  }
  m_growths[id] = out;
  return out;
}

std::optional<std::size_t> SetSearch::shrunk(std::size_t id) {
  const SetCandidate& base = m_ev.pool()[id];
  if (!base.include.empty()) {
    SetCandidate shorter = base;
    shorter.include.pop_back();
    return m_ev.pool().add(std::move(shorter));
  }
  if (base.keys.size() < 2) {
    return std::nullopt;
  }
  SetCandidate shorter = base;
  shorter.keys.pop_back();
  return m_ev.pool().add(std::move(shorter));
}

Config SetSearch::greedy(Config config, bool per_byte) {
  while (!out_of_time()) {
    const double current = m_ev.objective(config);
    double best_score = 0;
    std::optional<Config> best;
    const auto consider = [&](Config next, std::int64_t added_bytes) {
      if (!fits(next)) {
        return;
      }
      const double gain = current - m_ev.objective(next);
      if (gain <= min_gain(current)) {
        return;
      }
      const double score =
          per_byte ? gain / static_cast<double>(std::max<std::int64_t>(added_bytes, 1)) : gain;
      if (score > best_score) {
        best_score = score;
        best = std::move(next);
      }
    };
    for (std::size_t id : useful()) {
      if (out_of_time()) {
        break;
      }
      if (!holds(config, id)) {
        consider(with(config, id), *m_ev.size(id));
      }
    }
    for (std::size_t id : Config(config)) {
      for (std::size_t grown : growths(id)) {
        if (out_of_time()) {
          break;
        }
        const auto size = m_ev.size(grown);
        if (size && !holds(config, grown)) {
          consider(replaced(config, id, grown), *size - *m_ev.size(id));
        }
      }
    }
    if (!best) {
      break;
    }
    config = std::move(*best);
  }
  return config;
}

Config SetSearch::improve(Config config) {
  while (!out_of_time()) {
    const double current = m_ev.objective(config);
    double best_value = current - min_gain(current);
    std::optional<Config> best;
    const auto consider = [&](const Config& next) {
      if (!fits(next)) {
        return;
      }
      const double value = m_ev.objective(next);
      if (value < best_value) {
        best_value = value;
        best = next;
      }
    };
    for (std::size_t id : config) {
      consider(without(config, id));
    }
    for (std::size_t id : useful()) {
      if (out_of_time()) {
        break;
      }
      if (holds(config, id)) {
        continue;
      }
      consider(with(config, id));
      for (std::size_t out : config) {
        consider(replaced(config, out, id));
      }
    }
    for (std::size_t id : Config(config)) {
      for (std::size_t grown : growths(id)) {
        if (!holds(config, grown) && !out_of_time()) {
          consider(replaced(config, id, grown));
        }
      }
      if (auto shorter = shrunk(id); shorter && !holds(config, *shorter) && !out_of_time()) {
        consider(replaced(config, id, *shorter));
      }
    }
    if (!best && !out_of_time()) {
      best = split(config);
    }
    if (!best) {
      break;
    }
    config = std::move(*best);
  }
  return config;
}

std::optional<Config> SetSearch::split(const Config& config) {
  if (!m_options.split_move || (!m_options.budget_bytes && m_options.max_indexes == 0)) {
    return std::nullopt; // with room for everything, the adds above already reach smaller indexes
  }
  const double current = m_ev.objective(config);
  double best_value = current - min_gain(current);
  std::optional<Config> best;
  for (std::size_t id : config) {
    if (out_of_time()) {
      break;
    }
    const Config next = refill(without(config, id), *m_ev.size(id));
    if (next.size() <= config.size()) {
      continue; // nothing, or one index, in its place: a drop or a swap, tried above
    }
    const double value = m_ev.objective(next);
    if (value < best_value) {
      best_value = value;
      best = next;
    }
  }
  return best;
}

Config SetSearch::refill(Config config, std::int64_t below) {
  while (!out_of_time()) {
    const double current = m_ev.objective(config);
    double best_score = 0;
    std::optional<std::size_t> best;
    for (std::size_t id : useful()) {
      if (out_of_time()) {
        break;
      }
      const auto size = m_ev.size(id);
      if (!size || *size >= below || holds(config, id) || !fits(with(config, id))) {
        continue;
      }
      const double gain = current - m_ev.objective(with(config, id));
      const double score = gain / static_cast<double>(std::max<std::int64_t>(*size, 1));
      if (gain > min_gain(current) && score > best_score) {
        best_score = score;
        best = id;
      }
    }
    if (!best) {
      break;
    }
    config = with(config, *best);
  }
  return config;
}

Config SetSearch::prune(Config config) {
  bool changed = true;
  while (changed) {
    changed = false;
    const double current = m_ev.objective(config);
    for (std::size_t id : config) {
      if (m_ev.objective(without(config, id)) < current + min_gain(current)) {
        config = without(config, id);
        changed = true;
        break;
      }
    }
  }
  return config;
}

Config SetSearch::merge_overlaps(Config config) {
  while (!out_of_time()) {
    double best_value = std::numeric_limits<double>::infinity();
    std::optional<Config> best;
    const auto consider = [&](const Config& next) {
      if (fits(next)) {
        const double value = m_ev.objective(next);
        if (value < best_value) {
          best_value = value;
          best = next;
        }
      }
    };
    for (std::size_t i = 0; i < config.size(); ++i) {
      for (std::size_t j = i + 1; j < config.size(); ++j) {
        const std::size_t a = config[i];
        const std::size_t b = config[j];
        if (!overlapping(m_ev.pool()[a], m_ev.pool()[b])) {
          continue;
        }
        consider(without(config, a));
        consider(without(config, b));
        if (auto both = merged(m_ev.pool()[a], m_ev.pool()[b], m_options.max_width)) {
          const std::size_t id = m_ev.pool().add(std::move(*both));
          if (m_ev.size(id)) {
            consider(replaced(without(config, a), b, id));
          }
        }
      }
    }
    if (!best) {
      break;
    }
    config = std::move(*best);
  }
  return config;
}

Config SetSearch::fill(Config config) {
  while (!out_of_time()) {
    const double current = m_ev.objective(config);
    double best_score = 0;
    std::optional<std::size_t> best;
    for (std::size_t id : useful()) {
      if (out_of_time()) {
        break;
      }
      const bool overlaps = std::any_of(config.begin(), config.end(), [&](std::size_t member) {
        return overlapping(m_ev.pool()[member], m_ev.pool()[id]);
      });
      if (holds(config, id) || overlaps || !fits(with(config, id))) {
        continue;
      }
      const double gain = current - m_ev.objective(with(config, id));
      const double score = gain / static_cast<double>(std::max<std::int64_t>(*m_ev.size(id), 1));
      if (gain > k_fill_gain * current && score > best_score) {
        best_score = score;
        best = id;
      }
    }
    if (!best) {
      break;
    }
    config = with(config, *best);
  }
  return config;
}

SearchResult SetSearch::finish(const Config& config) {
  SearchResult result;
  auto [order, savings] = priority_order(m_ev, config);
  result.chosen = std::move(order);
  result.savings = std::move(savings);
  result.cost_none = none();
  result.cost_chosen = m_ev.objective(config);
  result.size_bytes = m_ev.total_size(config);
  result.evaluations = m_ev.evaluations();
  result.seconds = seconds();
  result.stopped_by_time_limit = timed_out();
  result.stopped_by_budget = budget_spent();
  return result;
}

} // namespace pgadvise::advisor
