#include "loaders/schema_ts/read_memo.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <string_view>
#include <unordered_set>

namespace pgadvise::loaders::drizzle_reader {

namespace {

std::uint64_t text_hash(std::string_view text) {
  return std::hash<std::string_view>{}(text);
}

// The offset where the line holding `offset` begins.
std::size_t line_begin(std::string_view text, std::size_t offset) {
  const std::size_t newline = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  return newline == std::string_view::npos ? 0 : newline + 1;
}

// The offset after the line holding `offset` (its newline included).
std::size_t line_end(std::string_view text, std::size_t offset) {
  const std::size_t newline = text.find('\n', offset);
  return newline == std::string_view::npos ? text.size() : newline + 1;
}

// The unit (top-level statement) holding a token: its tokens' text.
std::string_view unit_text(const ts::Program& program, std::size_t token) {
  const auto unit = std::upper_bound(program.units.begin(), program.units.end(), token,
                                     [](std::size_t at, const ts::Unit& u) { return at < u.first_token; });
  if (unit == program.units.begin() || program.lex.tokens.empty()) {
    return {};
  }
  const ts::Unit& found = *std::prev(unit);
  const std::size_t last = std::min(found.end_token, program.lex.tokens.size()) - 1;
  const ts::Token& first = program.token(found.first_token);
  const ts::Token& end = program.token(std::max(last, found.first_token));
  return std::string_view(program.lex.text->source)
      .substr(first.offset, end.offset + end.length - first.offset);
}

// What of a file every declaration's read may depend on besides the
// declarations: its imports and exports, and the statements not read as
// declarations (classes, enums, default-exported functions).
std::string file_shape(const ts::Program& program, std::size_t parsed_declarations) {
  std::string shape;
  const auto add = [&shape](std::string_view part) {
    shape += part;
    shape += '\x1f';
  };
  for (const ts::Import& import : program.imports) {
    add(import.local);
    add(import.imported);
    add(import.module);
  }
  add("exports");
  for (const ts::ExportName& name : program.export_list) {
    add(name.local);
    add(name.exported);
  }
  for (const std::string& name : program.export_names) {
    add(name);
  }
  for (const ts::ReExport& re_export : program.re_exports) {
    add(re_export.module);
    add(re_export.star ? "*" : "");
    add(re_export.namespace_name);
    for (const ts::ExportName& name : re_export.names) {
      add(name.local);
      add(name.exported);
    }
  }
  add(program.default_export);
  add(program.default_expression ? unit_text(program, program.default_expression_token) : "");
  for (const auto& [name, keys] : program.rest_omits) {
    add(name);
    for (const std::string& key : keys) {
      add(key);
    }
  }
  add("statements");
  // Functions are declarations too (declare_functions): their texts are theirs.
  std::unordered_set<std::size_t> functions;
  for (std::size_t d = parsed_declarations; d < program.declarations.size(); ++d) {
    functions.insert(program.declarations[d].first_token);
  }
  for (const ts::NamedStatement& statement : program.statements) {
    add(statement.name);
    add(functions.count(statement.first_token) > 0 ? "declared" : unit_text(program, statement.first_token));
  }
  return shape;
}

void shift(core::SourceLocation& location, int delta) {
  if (location.line > 0) {
    location.line += delta;
  }
}

// Every place a table read from schema.ts names, moved `delta` lines.
void shift_table(model::Table& table, int delta) {
  shift(table.location, delta);
  shift(table.drizzle_location, delta);
  for (model::Column& column : table.columns) {
    shift(column.location, delta);
    if (const model::DrizzleSharedColumn* shared = column.drizzle_shared()) {
      model::DrizzleSharedColumn moved = *shared;
      shift(moved.location, delta);
      column.set_drizzle_shared(std::move(moved));
    }
  }
  for (model::Index& index : table.indexes) {
    shift(index.location, delta);
  }
  for (model::ForeignKey& key : table.foreign_keys) {
    shift(key.location, delta);
  }
  for (model::CheckConstraint& check : table.checks) {
    shift(check.location, delta);
  }
  for (model::Policy& policy : table.policies) {
    shift(policy.location, delta);
  }
}

// Whether every place the table names is in `label` within lines
// [first, last] (or unknown): then moving them with the lines is right.
bool within(const model::Table& table, const std::string& label, int first, int last) {
  const auto in = [&](const core::SourceLocation& location) {
    return location.line <= 0 || (location.file == label && location.line >= first && location.line <= last);
  };
  bool all = in(table.location) && in(table.drizzle_location);
  for (const model::Column& column : table.columns) {
    all = all && in(column.location) &&
          (column.drizzle_shared() == nullptr || in(column.drizzle_shared()->location));
  }
  for (const model::Index& index : table.indexes) {
    all = all && in(index.location);
  }
  for (const model::ForeignKey& key : table.foreign_keys) {
    all = all && in(key.location);
  }
  for (const model::CheckConstraint& check : table.checks) {
    all = all && in(check.location);
  }
  for (const model::Policy& policy : table.policies) {
    all = all && in(policy.location);
  }
  return all;
}

bool findings_within(const std::vector<core::Finding>& findings, const std::string& label, int first,
                     int last) {
  return std::all_of(findings.begin(), findings.end(), [&](const core::Finding& finding) {
    return finding.location.file == label && finding.location.line >= first &&
           finding.location.line <= last && finding.evidence.empty();
  });
}

bool suppressions_within(const std::vector<core::Suppression>& suppressions, const std::string& label,
                         int first, int last) {
  return std::all_of(suppressions.begin(), suppressions.end(), [&](const core::Suppression& suppression) {
    return suppression.file == label && !suppression.whole_file && suppression.first_line >= first &&
           suppression.last_line <= last && suppression.directive_line >= first &&
           suppression.directive_line <= last;
  });
}

} // namespace

Reader::DeclarationText Reader::declaration_text(std::size_t file, const ts::Declaration& decl) const {
  const ts::Program& program = m_files[file].program;
  const std::vector<ts::Token>& tokens = program.lex.tokens;
  if (decl.first_token >= tokens.size() || decl.last_token >= tokens.size() || !program.lex.text) {
    return {};
  }
  const std::string_view text = program.lex.text->source;
  const ts::Token& first = tokens[decl.first_token];
  const ts::Token& last = tokens[decl.last_token];
  // From the line of the first comment before it (a pgadvise-ignore there
  // is its own) to the end of the line it ends on, where a comment after
  // its `,` or `;` may start and run on.
  std::size_t begin = first.offset;
  int first_line = first.line;
  if (first.comments_begin < first.comments_end) {
    const ts::Comment& comment = program.lex.comments[first.comments_begin];
    begin = std::min(begin, comment.offset);
    first_line = std::min(first_line, comment.line);
  }
  std::size_t end = last.offset + last.length;
  int last_line = last.end_line;
  for (std::size_t after = decl.last_token + 1; after < tokens.size() && after <= decl.last_token + 2;
       ++after) {
    for (std::size_t c = tokens[after].comments_begin; c < tokens[after].comments_end; ++c) {
      const ts::Comment& comment = program.lex.comments[c];
      if (comment.line == last.end_line) {
        end = std::max(end, comment.offset + comment.text.size());
        last_line = std::max(last_line, comment.end_line);
      }
    }
  }
  begin = line_begin(text, begin);
  end = line_end(text, std::min(end, text.size()));
  return DeclarationText{text_hash(text.substr(begin, end - begin)), first_line, last_line};
}

void Reader::plan_reuse() {
  m_texts.assign(m_files.size(), {});
  m_shapes.assign(m_files.size(), {});
  m_usable.assign(m_files.size(), {});
  m_named.assign(m_files.size(), {});
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    const std::vector<ts::Declaration>& declarations = m_files[f].program.declarations;
    m_texts[f].reserve(declarations.size());
    for (const ts::Declaration& decl : declarations) {
      m_texts[f].push_back(declaration_text(f, decl));
    }
    m_shapes[f] = file_shape(m_files[f].program, m_parsed_declarations[f]);
    m_usable[f].assign(declarations.size(), nullptr);
    m_named[f].assign(declarations.size(), {});
  }
  m_memo->reused = 0;
  if (!same_sources()) {
    return;
  }
  Names changed = changed_names();
  // The candidates: kept tables whose declarations read as before.
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    const std::vector<ts::Declaration>& declarations = m_files[f].program.declarations;
    for (std::size_t d = 0; d < declarations.size(); ++d) {
      const auto found = m_memo->files[f].tables.find(declarations[d].name);
      if (found != m_memo->files[f].tables.end() && found->second.text == m_texts[f][d].hash &&
          changed.count(declarations[d].name) == 0) {
        m_usable[f][d] = &found->second;
      }
    }
  }
  read_through(std::move(changed));
}

bool Reader::same_sources() const {
  const ReadMemo& memo = *m_memo;
  bool same = memo.casing == m_casing && memo.naming == m_naming && memo.files.size() == m_files.size();
  for (std::size_t f = 0; same && f < m_files.size(); ++f) {
    const KeptFile& kept = memo.files[f];
    const SourceFile& file = m_files[f];
    same = kept.label == file.label && kept.helper == file.helper &&
           kept.schema_names.has_value() == file.schema_names.has_value() &&
           kept.default_imports == file.default_imports && kept.shape == m_shapes[f];
  }
  return same;
}

Reader::Names Reader::changed_names() const {
  Names changed;
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    const std::vector<ts::Declaration>& declarations = m_files[f].program.declarations;
    std::unordered_map<std::string_view, std::uint64_t> now;
    for (std::size_t d = 0; d < declarations.size(); ++d) {
      const auto [at, added] = now.try_emplace(declarations[d].name, m_texts[f][d].hash);
      if (!added) {
        at->second = 0;
      }
    }
    const auto& before = m_memo->files[f].declared;
    for (const auto& [name, hash] : now) {
      const auto found = before.find(std::string(name));
      if (hash == 0 || found == before.end() || found->second != hash) {
        changed.emplace(name);
      }
    }
    for (const auto& [name, hash] : before) {
      if (now.count(name) == 0) {
        changed.insert(name);
      }
    }
    // What the schema entries export decides which declaration a name finds
    // in another file (Reader::lookup).
    if (const auto& visible = m_files[f].schema_names; visible && visible != m_memo->files[f].schema_names) {
      const std::set<std::string>& then = *m_memo->files[f].schema_names;
      std::set_symmetric_difference(visible->begin(), visible->end(), then.begin(), then.end(),
                                    std::inserter(changed, changed.end()));
    }
  }
  return changed;
}

void Reader::read_through(Names changed) {
  NameCheck check;
  std::vector<std::vector<char>> through(m_files.size());
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    const std::vector<ts::Declaration>& declarations = m_files[f].program.declarations;
    through[f].resize(declarations.size());
    for (std::size_t d = 0; d < declarations.size(); ++d) {
      through[f][d] = static_cast<char>(changed.count(declarations[d].name) > 0);
    }
  }
  Names fresh = changed;
  while (!fresh.empty()) {
    // What imports a changed name under another is changed too.
    for (const SourceFile& file : m_files) {
      for (const ts::Import& import : file.program.imports) {
        if (fresh.count(import.imported) > 0 && changed.insert(import.local).second) {
          fresh.insert(import.local);
          check.aliases.insert(import.local);
        }
      }
      for (const auto& [local, target] : file.default_imports) {
        if (fresh.count(target.second) > 0 && changed.insert(local).second) {
          fresh.insert(local);
          check.aliases.insert(local);
        }
      }
    }
    check.names = std::unordered_set<std::string_view>(fresh.begin(), fresh.end());
    Names next;
    for (std::size_t f = 0; f < m_files.size(); ++f) {
      for (std::size_t d = 0; d < through[f].size(); ++d) {
        if (through[f][d] == 0 && reads_through(f, d, check)) {
          through[f][d] = 1;
          m_usable[f][d] = nullptr;
          if (const std::string& name = m_files[f].program.declarations[d].name;
              changed.insert(name).second) {
            next.insert(name);
          }
        }
      }
    }
    fresh = std::move(next);
  }
  for (std::vector<std::vector<NamedTable>>& file : m_named) {
    for (std::vector<NamedTable>& named : file) {
      std::sort(named.begin(), named.end());
      named.erase(std::unique(named.begin(), named.end(),
                              [](const NamedTable& a, const NamedTable& b) { return !(a < b) && !(b < a); }),
                  named.end());
    }
  }
}

bool Reader::reads_through(std::size_t file, std::size_t declaration, NameCheck& check) {
  const ts::Program& program = m_files[file].program;
  const ts::Declaration& decl = program.declarations[declaration];
  const KeptTable* kept = m_usable[file][declaration];
  const auto read_later = [&](std::size_t token) {
    return kept != nullptr &&
           std::any_of(kept->config_tokens.begin(), kept->config_tokens.end(), [&](const auto& range) {
             return token - decl.first_token >= range.first && token - decl.first_token <= range.second;
           });
  };
  for (std::size_t t = decl.first_token; t <= decl.last_token && t < program.lex.tokens.size(); ++t) {
    const ts::Token& token = program.token(t);
    if (token.kind != ts::TokenKind::identifier || check.names.count(token.text) == 0) {
      continue;
    }
    if (!read_later(t) || check.aliases.count(token.text) > 0 || !only_tables(token.text, check)) {
      return true;
    }
    const bool member = t + 2 < program.lex.tokens.size() && program.token(t + 1).text == "." &&
                        program.token(t + 2).kind == ts::TokenKind::identifier;
    m_named[file][declaration].push_back(
        {std::string(token.text), member ? std::string(program.token(t + 2).text) : ""});
  }
  return false;
}

bool Reader::only_tables(std::string_view name, NameCheck& check) const {
  const auto [at, added] = check.table_only.try_emplace(std::string(name), true);
  for (std::size_t f = 0; added && f < m_files.size(); ++f) {
    const bool kept = m_memo->files[f].tables.count(at->first) > 0;
    const bool declared_now = declared(f, name) != nullptr;
    const bool declared_then = m_memo->files[f].declared.count(at->first) > 0;
    at->second = at->second && (kept || (!declared_now && !declared_then));
  }
  return at->second;
}

namespace {

bool same_column(const ColumnInfo* a, const ColumnInfo* b) {
  return (a == nullptr) == (b == nullptr) &&
         (a == nullptr || (a->property == b->property && a->raw_name == b->raw_name && a->name == b->name));
}

} // namespace

bool Reader::named_tables_same(std::size_t table) {
  const TableInfo& info = m_tables[table];
  for (const NamedTable& named : m_named[info.file][m_reads[table].declaration]) {
    const auto [answer, added] = m_named_same.try_emplace({named.name, named.property}, true);
    for (std::size_t f = 0; added && f < m_files.size(); ++f) {
      const auto then = m_memo->files[f].tables.find(named.name);
      const TableInfo* before = then == m_memo->files[f].tables.end() ? nullptr : &then->second.info;
      const auto var = m_vars.find({f, named.name});
      const TableInfo* now =
          var != m_vars.end() && var->second.kind == VarKind::table ? &m_tables[var->second.index] : nullptr;
      bool same = (before == nullptr) == (now == nullptr);
      if (same && before != nullptr) {
        same = before->table.schema == now->table.schema && before->table.name == now->table.name;
        if (named.property.empty()) {
          same = same && before->columns.size() == now->columns.size();
          for (std::size_t c = 0; same && c < before->columns.size(); ++c) {
            same = same_column(&before->columns[c], &now->columns[c]);
          }
        } else {
          same = same && same_column(before->column_by_property(named.property),
                                     now->column_by_property(named.property));
        }
      }
      answer->second = answer->second && same;
    }
    if (!answer->second) {
      return false;
    }
  }
  return true;
}

void Reader::read_again(std::size_t table) {
  const std::size_t file = m_tables[table].file;
  const ts::Declaration& decl = *m_tables[table].decl;
  // What it reports is the kept table's, given already: its columns read
  // as before, as nothing they name changed.
  std::vector<core::Finding> problems = std::move(m_load.diagnostics);
  core::Suppressions suppressions = std::move(m_load.suppressions);
  const std::size_t unresolved_constructs = m_load.unresolved_constructs;
  m_load.diagnostics.clear();
  m_load.suppressions = {};
  const std::size_t before = m_tables.size();
  collect_declaration(file, decl);
  m_load.diagnostics = std::move(problems);
  m_load.suppressions = std::move(suppressions);
  m_load.unresolved_constructs = unresolved_constructs;
  if (m_tables.size() == before + 1) {
    m_tables[table] = std::move(m_tables.back());
    m_tables.pop_back();
    m_vars[{file, decl.name}].index = table;
    m_reads[table].kept = nullptr;
    --m_memo->reused;
  }
}

bool Reader::reuse_table(std::size_t file, std::size_t declaration) {
  KeptTable* kept = m_usable.empty() ? nullptr : m_usable[file][declaration];
  if (kept == nullptr) {
    return false;
  }
  const ts::Declaration& decl = m_files[file].program.declarations[declaration];
  const int delta = m_texts[file][declaration].first_line - kept->first_line;
  TableRead read{kept, declaration};
  read.problems_begin = m_load.diagnostics.size();
  for (core::Finding problem : kept->read_problems) {
    shift(problem.location, delta);
    m_load.diagnostics.push_back(std::move(problem));
  }
  read.problems_end = m_load.diagnostics.size();
  m_load.unresolved_constructs += kept->read_problems.size();
  read.suppressions_begin = m_load.suppressions.size();
  for (core::Suppression suppression : kept->suppressions) {
    suppression.first_line += delta;
    suppression.last_line += delta;
    suppression.directive_line += delta;
    m_load.suppressions.add(std::move(suppression));
  }
  read.suppressions_end = m_load.suppressions.size();
  TableInfo info = kept->info;
  info.decl = &decl;
  info.exported = is_exported(file, decl);
  if (delta != 0) {
    shift_table(info.table, delta);
  }
  m_vars[{file, decl.name}] =
      VarInfo{VarKind::table, info.table.name, info.table.schema, true, m_tables.size(), {}};
  m_tables.push_back(std::move(info));
  m_reads.push_back(read);
  ++m_memo->reused;
  return true;
}

bool Reader::take_kept_config(std::size_t table) {
  if (m_reads[table].kept != nullptr && !named_tables_same(table)) {
    read_again(table);
  }
  const KeptTable* kept = m_reads[table].kept;
  if (kept == nullptr) {
    return false;
  }
  const int delta = m_texts[m_tables[table].file][m_reads[table].declaration].first_line - kept->first_line;
  for (core::Finding problem : kept->config_problems) {
    shift(problem.location, delta);
    m_load.diagnostics.push_back(std::move(problem));
  }
  m_load.unresolved_constructs += kept->config_problems.size();
  return true;
}

void Reader::keep_read() {
  ReadMemo next;
  next.casing = m_casing;
  next.naming = m_naming;
  next.reused = m_memo->reused;
  next.files.resize(m_files.size());
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    KeptFile& kept = next.files[f];
    kept.label = m_files[f].label;
    kept.helper = m_files[f].helper;
    kept.schema_names = m_files[f].schema_names;
    kept.default_imports = m_files[f].default_imports;
    kept.shape = std::move(m_shapes[f]);
    const std::vector<ts::Declaration>& declarations = m_files[f].program.declarations;
    for (std::size_t d = 0; d < declarations.size(); ++d) {
      const auto [at, added] = kept.declared.try_emplace(declarations[d].name, m_texts[f][d].hash);
      if (!added) {
        at->second = 0;
      }
    }
  }
  for (std::size_t t = 0; t < m_tables.size(); ++t) {
    const TableInfo& info = m_tables[t];
    const TableRead& read = m_reads[t];
    const DeclarationText& text = m_texts[info.file][read.declaration];
    KeptFile& file = next.files[info.file];
    if (file.declared[info.decl->name] == 0) {
      continue; // declared twice
    }
    if (read.kept != nullptr) {
      // As it was read, with the line it was read at (what it names is there).
      file.tables.insert_or_assign(info.decl->name, std::move(*read.kept));
      continue;
    }
    KeptTable kept;
    kept.text = text.hash;
    kept.first_line = text.first_line;
    const auto range = [](const auto& all, std::size_t begin, std::size_t end) {
      return std::vector(all.begin() + static_cast<std::ptrdiff_t>(begin),
                         all.begin() + static_cast<std::ptrdiff_t>(end));
    };
    kept.read_problems = range(m_load.diagnostics, read.problems_begin, read.problems_end);
    kept.config_problems = range(m_load.diagnostics, read.config_begin, read.config_end);
    kept.suppressions = range(m_load.suppressions.entries(), read.suppressions_begin, read.suppressions_end);
    const std::string& label = m_files[info.file].label;
    if (info.table.drizzle_factory || !info.factory_bindings.empty() ||
        !within(info.table, label, text.first_line, text.last_line) ||
        !findings_within(kept.read_problems, label, text.first_line, text.last_line) ||
        !findings_within(kept.config_problems, label, text.first_line, text.last_line) ||
        !suppressions_within(kept.suppressions, label, text.first_line, text.last_line)) {
      continue;
    }
    const ts::Declaration& decl = *info.decl;
    const auto read_later = [&](Ref ref) {
      if (ref.valid() && ref.file == info.file && node(ref).first_token >= decl.first_token &&
          node(ref).last_token <= decl.last_token) {
        kept.config_tokens.emplace_back(node(ref).first_token - decl.first_token,
                                        node(ref).last_token - decl.first_token);
      }
    };
    read_later(info.extra_config);
    for (const PendingReference& reference : info.references) {
      read_later(reference.target);
      read_later(reference.actions);
    }
    kept.info = info;
    kept.info.decl = nullptr;
    kept.info.references.clear();
    file.tables.insert_or_assign(info.decl->name, std::move(kept));
  }
  *m_memo = std::move(next);
}

} // namespace pgadvise::loaders::drizzle_reader
