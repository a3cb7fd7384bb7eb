#include "advisor/index_set_render.hpp"

#include "advisor/drizzle_render.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"
#include "advisor/index_naming.hpp"
#include "advisor/query_index_candidate.hpp"
#include "core/text.hpp"

namespace pgadvise::advisor {

namespace {

std::string index_elements_ddl(const SetCandidate& candidate, const std::string& name) {
  std::vector<std::string> elements;
  for (const SetKey& key : candidate.keys) {
    elements.push_back(key.sql());
  }
  const model::Table& table = *candidate.table;
  std::string ddl = render_create_index_elements(table.schema, table.name, elements, name, !table.partitioned,
                                                 candidate.method == "btree" ? "" : candidate.method);
  if (!ddl.empty() && ddl.back() == ';') {
    ddl.pop_back();
  }
  if (!candidate.include.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& column : candidate.include) {
      quoted.push_back(core::quote_ident(column));
    }
    ddl += " INCLUDE (" + core::join(quoted, ", ") + ")";
  }
  if (!candidate.predicate.empty()) {
    ddl += " WHERE " + candidate.predicate;
  }
  return ddl + ";";
}

std::string drizzle_line(const SetCandidate& candidate, const std::string& name) {
  const model::Table& table = *candidate.table;
  const std::string param =
      table.drizzle_config_param.empty() ? std::string("table") : table.drizzle_config_param.str();
  std::vector<std::string> members;
  for (const SetKey& key : candidate.keys) {
    members.push_back(key.column.empty() ? key.drizzle_key
                                         : drizzle_member(param, drizzle_property(table, key.column)));
  }
  std::string out = "index(" + js_string_for(table, name) + ")";
  out += candidate.method == "btree"
             ? ".on(" + core::join(members, ", ") + ")"
             : ".using(" + js_string_for(table, candidate.method) + ", " + core::join(members, ", ") + ")";
  if (!candidate.predicate.empty()) {
    out += ".where(sql`" + candidate.predicate + "`)";
  }
  return out;
}

std::vector<std::string> name_words(const SetCandidate& candidate) {
  std::vector<std::string> words;
  for (const SetKey& key : candidate.keys) {
    words.insert(words.end(), key.name_parts.begin(), key.name_parts.end());
  }
  return words;
}

} // namespace

std::string SetIndexNamer::operator()(const SetCandidate& candidate) {
  const model::Table& table = *candidate.table;
  std::string name = unique_index_name(m_catalog, table.schema, table.name, name_words(candidate),
                                       candidate.method == "gin"     ? "gin_idx"
                                       : candidate.predicate.empty() ? index_suffix_for(table)
                                                                     : "partial_idx");
  for (int n = 2; m_names.count(table.schema + "." + name) != 0; ++n) {
    name = core::truncate_identifier(name, 62 - std::to_string(n).size()) + "_" + std::to_string(n);
  }
  m_names.insert(table.schema + "." + name);
  return name;
}

model::IndexProposal set_index_proposal(const SetCandidate& candidate, SetIndexNamer& namer, bool drizzle) {
  model::IndexProposal proposal;
  proposal.schema = candidate.table->schema;
  proposal.table = candidate.table->name;
  for (const SetKey& key : candidate.keys) {
    proposal.columns.push_back(key.column.empty() ? key.element : key.column);
  }
  proposal.predicate = candidate.predicate;
  proposal.name = namer(candidate);
  proposal.ddl = index_elements_ddl(candidate, proposal.name);
  if (drizzle) {
    proposal.drizzle = drizzle_line(candidate, proposal.name);
  }
  return proposal;
}

std::vector<std::string> made_redundant(const model::Catalog& catalog, const SetCandidate& candidate) {
  std::vector<std::string> out;
  const model::Index proposed = candidate.as_index();
  for (const model::Index* existing : usable_indexes(catalog, *candidate.table)) {
    if (existing->kind != model::IndexKind::index || existing->unique || existing->backs_exclusion ||
        existing->replica_identity || existing->inherited) {
      continue;
    }
    if (is_left_prefix_of(*existing, proposed)) {
      out.push_back(existing->name);
    }
  }
  return out;
}

} // namespace pgadvise::advisor
