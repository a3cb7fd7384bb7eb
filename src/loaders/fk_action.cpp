#include "loaders/fk_action.hpp"

#include "core/text.hpp"

namespace pgadvise::loaders {

model::FkAction fk_action_from_code(std::string_view code) {
  if (code == "r") {
    return model::FkAction::restrict;
  }
  if (code == "c") {
    return model::FkAction::cascade;
  }
  if (code == "n") {
    return model::FkAction::set_null;
  }
  if (code == "d") {
    return model::FkAction::set_default;
  }
  return model::FkAction::no_action;
}

std::optional<model::FkAction> fk_action_from_words(std::string_view words) {
  const std::string lower = core::to_lower(core::trim(words));
  for (const model::FkAction action :
       {model::FkAction::no_action, model::FkAction::restrict, model::FkAction::cascade,
        model::FkAction::set_null, model::FkAction::set_default}) {
    if (lower == model::to_string(action)) {
      return action;
    }
  }
  return std::nullopt;
}

} // namespace pgadvise::loaders
