#include "loaders/identifiers.hpp"

#include "core/text.hpp"

namespace pgadvise::loaders {

namespace {

// A std::string or a pooled name (core::InternedText).
template <typename Name> void cut(Name& name) {
  if (name.size() > 63) {
    name = core::truncate_identifier(name);
  }
}

void cut_all(core::RareVector<std::string>& names) {
  for (std::string& name : names) {
    cut(name);
  }
}

void cut_all(core::NameList& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].size() > 63) {
      names.set(i, core::truncate_identifier(names[i]));
    }
  }
}

} // namespace

void truncate_identifiers(model::Catalog& catalog) {
  for (model::Table& table : catalog.tables) {
    cut(table.name);
    for (model::Column& column : table.columns) {
      cut(column.name);
    }
    for (model::Index& index : table.indexes) {
      cut(index.name);
      cut_all(index.include);
      for (model::IndexKey& key : index.keys) {
        cut(key.column);
      }
    }
    for (model::ForeignKey& fk : table.foreign_keys) {
      cut(fk.name);
      cut(fk.ref_table);
      cut_all(fk.columns);
      cut_all(fk.ref_columns);
    }
    for (model::CheckConstraint& check : table.checks) {
      cut(check.name);
    }
  }
  for (model::Enum& item : catalog.enums) {
    cut(item.name);
  }
}

} // namespace pgadvise::loaders
