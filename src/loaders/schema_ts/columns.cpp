// Column builders and their modifiers: `email: text().notNull().unique()`.
#include "core/text.hpp"
#include "loaders/schema_ts/names.hpp"
#include "loaders/schema_ts/reader.hpp"
#include "model/type_ref.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace pgadvise::loaders::drizzle_reader {

using ts::NodeKind;

namespace {

constexpr int k_max_spread_depth = 8;

// A token as the source spelled it (strings in their own quotes), added to `out`.
void append_spelled(std::string& out, const ts::Token& t) {
  switch (t.kind) {
  case ts::TokenKind::string: {
    const char quote = t.quote != 0 ? t.quote : '"';
    out += quote;
    for (char c : t.text) {
      if (c == quote || c == '\\') {
        out += '\\';
      }
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += quote;
    return;
  }
  case ts::TokenKind::template_full: out.append("`").append(t.text).append("`"); return;
  case ts::TokenKind::template_head: out.append("`").append(t.text).append("${"); return;
  case ts::TokenKind::template_middle: out.append("}").append(t.text).append("${"); return;
  case ts::TokenKind::template_tail: out.append("}").append(t.text).append("`"); return;
  default: out += t.text; return;
  }
}

// Tokens first..last as one line: comments left out, a line-broken chain
// (`\n  .notNull()`) joined, other gaps one space.
std::string written_on_one_line(const ts::Program& program, std::size_t first, std::size_t last) {
  std::string out;
  for (std::size_t i = first; i <= last && i < program.lex.tokens.size(); ++i) {
    const ts::Token& t = program.token(i);
    if (i > first) {
      const ts::Token& prev = program.token(i - 1);
      const bool gap = t.offset > prev.offset + prev.length;
      const bool broken = t.line > prev.end_line;
      const bool glued =
          t.is_punct(".") || t.is_punct("?.") || prev.is_punct(".") ||
          (broken && (prev.is_punct("(") || prev.is_punct("[") || t.is_punct(")") || t.is_punct("]")));
      if (gap && !glued) {
        out += ' ';
      }
    }
    append_spelled(out, t);
  }
  return out;
}

// Modifiers that change nothing pgadvise models and are read without a
// note (the `$`-prefixed ones are TypeScript types and runtime values).
constexpr std::array<std::string_view, 1> k_ignored_modifiers = {"generatedAlwaysAs"};

std::string with_modifiers(std::string_view base, const std::vector<std::string>& mods) {
  std::string out(base);
  if (!mods.empty()) {
    out += "(" + core::join(mods, ", ") + ")";
  }
  return out;
}

std::vector<std::string> number_mods(const JsValue* config, std::initializer_list<std::string_view> names) {
  std::vector<std::string> mods;
  if (config == nullptr) {
    return mods;
  }
  for (std::string_view name : names) {
    const JsValue* value = config->field(name);
    if (value == nullptr || value->kind != JsValue::Kind::number) {
      break;
    }
    mods.push_back(value->text);
  }
  return mods;
}

// The SQL type drizzle-orm's builder of that name produces (its
// getSQLType()), or nothing for a name that is not a pg-core column builder.
// `kit_1`: drizzle-orm 1.0's spelling where it differs (geometry's srid).
std::optional<std::string> builder_sql_type(std::string_view builder, const JsValue* config, bool kit_1) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 21> k_plain = {{
      {"uuid", "uuid"},           {"text", "text"},
      {"integer", "integer"},     {"smallint", "smallint"},
      {"bigint", "bigint"},       {"serial", "serial"},
      {"bigserial", "bigserial"}, {"smallserial", "smallserial"},
      {"boolean", "boolean"},     {"date", "date"},
      {"real", "real"},           {"doublePrecision", "double precision"},
      {"json", "json"},           {"jsonb", "jsonb"},
      {"inet", "inet"},           {"cidr", "cidr"},
      {"macaddr", "macaddr"},     {"macaddr8", "macaddr8"},
      {"point", "point"},         {"line", "line"},
      {"interval", "interval"},
  }};
  for (const auto& [name, sql] : k_plain) {
    if (builder == name) {
      return std::string(sql);
    }
  }
  const bool with_tz = config != nullptr && config->bool_field("withTimezone").value_or(false);
  if (builder == "varchar" || builder == "char") {
    return with_modifiers(builder, number_mods(config, {"length"}));
  }
  if (builder == "timestamp" || builder == "time") {
    return with_modifiers(builder, number_mods(config, {"precision"})) + (with_tz ? " with time zone" : "");
  }
  if (builder == "numeric" || builder == "decimal") {
    return with_modifiers("numeric", number_mods(config, {"precision", "scale"}));
  }
  if (builder == "vector" || builder == "halfvec" || builder == "bit" || builder == "sparsevec") {
    return with_modifiers(builder, number_mods(config, {"dimensions"}));
  }
  if (builder == "geometry") {
    // geometry(point): drizzle-orm 0.45 leaves out the srid, 1.0 writes it.
    const std::optional<long long> srid = config != nullptr ? config->integer_field("srid") : std::nullopt;
    return "geometry(point" + (kit_1 && srid ? "," + std::to_string(*srid) : std::string()) + ")";
  }
  return std::nullopt;
}

// PostgreSQL's name for a serial column's sequence: <table>_<column>_seq,
// the longer part clipped first so the whole fits in 63 bytes.
std::string sequence_name(const std::string& table, const std::string& column) {
  std::string a = table;
  std::string b = column;
  const std::size_t budget = 63 - 5; // two underscores and "seq"
  while (a.size() + b.size() > budget) {
    std::string& longer = a.size() >= b.size() ? a : b;
    longer = core::truncate_identifier(longer, longer.size() - 1);
  }
  return a + "_" + b + "_seq";
}

// The primary key and unique constraint a column's `.primaryKey()` and `.unique()` declare.
void add_column_keys(model::Table& table, const model::Column& column, const ColumnModifiers& modifiers) {
  const std::vector<model::IndexKey> keys{model::IndexKey{column.name, {}, false, {}, {}}};
  if (modifiers.primary && table.primary_key() == nullptr) {
    model::Index pk;
    pk.name = drizzle_names::pkey_name(table.name);
    pk.kind = model::IndexKind::primary_key;
    pk.unique = true;
    pk.keys = keys;
    pk.location = column.location;
    table.indexes.push_back(std::move(pk));
  }
  if (modifiers.unique_constraint) {
    model::Index unique;
    unique.name = core::truncate_identifier(*modifiers.unique_constraint);
    unique.kind = model::IndexKind::unique_constraint;
    unique.unique = true;
    unique.keys = keys;
    unique.location = column.location;
    table.indexes.push_back(std::move(unique));
  }
}

// A sequence option's value: a number, or the string drizzle-orm also
// takes for values past 2^53 (`maxValue: "9223372036854775807"`).
std::optional<std::int64_t> sequence_option(const JsValue& options, std::string_view name) {
  const JsValue* value = options.field(name);
  if (value == nullptr || (value->kind != JsValue::Kind::number && value->kind != JsValue::Kind::string)) {
    return std::nullopt;
  }
  std::int64_t out = 0;
  const char* begin = value->text.data();
  const char* end = begin + value->text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, out);
  return ec == std::errc() && ptr == end ? std::optional<std::int64_t>(out) : std::nullopt;
}

} // namespace

Chain flatten_chain(const Reader& reader, Ref value) {
  Chain chain;
  std::vector<ChainCall> outer_first;
  Ref current = value;
  for (int guard = 0; guard < 256 && current.valid(); ++guard) {
    const ts::Node& n = reader.node(current);
    if (n.kind == NodeKind::identifier || n.kind == NodeKind::member) {
      // A variable holding (the start of) the chain, or a property of a
      // shared object of columns (`createdAt: timestampColumns.createdAt`).
      const Ref resolved = reader.resolve_alias(current);
      if (resolved.node == current.node && resolved.file == current.file) {
        break;
      }
      current = resolved;
      continue;
    }
    if (n.kind != NodeKind::call) {
      break;
    }
    const Ref callee = reader.child(current, 0);
    const ts::Node& callee_node = reader.node(callee);
    if (callee_node.kind == NodeKind::member) {
      const Ref object = reader.child(callee, 0);
      const ts::Node& object_node = reader.node(object);
      std::size_t found = 0;
      const bool chained = object_node.kind != NodeKind::identifier ||
                           reader.lookup(object.file, object_node.text, &found) != nullptr;
      if (chained && reader.builtin(callee).empty()) {
        outer_first.push_back(ChainCall{callee_node.text, current, callee_node.name_token});
        current = object;
        continue;
      }
    }
    if (const Ref result = reader.helper_result(current); result.valid()) {
      current = result; // const id = () => text("id").primaryKey()
      continue;
    }
    chain.base = current;
    break;
  }
  chain.methods.assign(outer_first.rbegin(), outer_first.rend());
  return chain;
}

void Reader::build_columns(TableInfo& info, Ref columns, int depth, const SpreadScope& scope) {
  Ref object = resolve_alias(columns);
  if (node(object).kind == NodeKind::arrow) {
    // pgTable("x", (t) => ({ id: t.uuid() }))
    if (!node(object).params.empty()) {
      info.builder_param = node(object).params[0].name;
      info.table.drizzle_column_param =
          info.builder_param; // what fixes call the builders in new column lines
    }
    object = Ref{object.file, node(object).body};
  }
  if (!object.valid() || node(object).kind != NodeKind::object) {
    const std::size_t token = object.valid() ? node(object).first_token : node(columns).first_token;
    const std::string what = object.valid() && node(object).kind == NodeKind::call
                                 ? "the columns of table `" + info.table.name + "`, built by a function call"
                                 : "the columns of table `" + info.table.name + "`";
    unresolved(object.valid() ? object.file : columns.file, token, what);
    info.table.columns_unread = true;
    return;
  }
  const auto omitted = [&](const std::string& key) {
    return std::find(scope.omitted.begin(), scope.omitted.end(), key) != scope.omitted.end();
  };
  for (const ts::Property& property : node(object).properties) {
    const Ref value{object.file, property.value};
    if ((property.kind == ts::PropertyKind::value || property.kind == ts::PropertyKind::shorthand ||
         property.kind == ts::PropertyKind::method) &&
        omitted(property.key)) {
      continue; // `const { name, ...rest } = base`: rest has no `name`
    }
    switch (property.kind) {
    case ts::PropertyKind::value:
    case ts::PropertyKind::shorthand: {
      const std::size_t before = info.table.columns.size();
      build_column(info, property, object.file, value);
      if (depth > 0 && !scope.object.empty() && info.table.columns.size() > before) {
        info.table.columns.back().set_drizzle_shared(
            model::DrizzleSharedColumn{location(object.file, property.key_token), scope.object});
      } else if (info.table.columns.size() > before) {
        mark_destructured(value, info.table.columns.back());
      }
      break;
    }
    case ts::PropertyKind::spread: build_spread_columns(info, object.file, property, depth, scope); break;
    case ts::PropertyKind::computed:
      unresolved(object.file, property.key_token,
                 "a computed column name in table `" + info.table.name + "`");
      info.table.columns_unread = true;
      break;
    case ts::PropertyKind::method:
      if (const Ref returned = getter_result(object.file, property); returned.valid()) {
        build_column(info, property, object.file, returned); // `get createdAt() { return timestamp(...) }`
        break;
      }
      unresolved(object.file, property.key_token,
                 "column `" + property.key + "` of table `" + info.table.name + "`, declared as a method");
      info.table.columns_unread = true;
      break;
    }
  }
}

void Reader::build_spread_columns(TableInfo& info, std::size_t file, const ts::Property& property, int depth,
                                  const SpreadScope& scope) {
  const Ref value{file, property.value};
  const std::size_t mark = binding_mark();
  SpreadScope inner{scope.omitted, {}};
  Ref target = rest_source(value, inner.omitted);
  if (const Ref result = helper_result(target); result.valid()) {
    target = resolve_alias(result); // ...timestamps() where timestamps = () => ({ ... })
  }
  if (depth < k_max_spread_depth && target.valid() && node(target).kind == NodeKind::object) {
    inner.object = declared_name(target);
    build_columns(info, target, depth + 1, inner);
    unbind(mark);
    return;
  }
  unbind(mark);
  const ts::Node& spread = node(value);
  const std::string callee = spread.kind == NodeKind::call ? dotted_name(child(value, 0)) : std::string();
  const std::string name = spread.kind == NodeKind::identifier ? spread.text
                           : !callee.empty()                   ? callee + "()"
                                                               : std::string("(...)");
  unresolved(file, property.key_token,
             "the spread `..." + name + "` in the columns of table `" + info.table.name + "`");
  info.table.columns_unread = true;
}

void Reader::mark_destructured(Ref value, model::Column& column) const {
  if (node(value).kind != NodeKind::identifier || bound_argument(value)) {
    return;
  }
  std::size_t found = 0;
  const ts::Declaration* decl = lookup(value.file, node(value).text, &found);
  if (decl == nullptr || decl->init == ts::k_no_node ||
      node(Ref{found, decl->init}).kind != NodeKind::member) {
    return;
  }
  const Ref member{found, decl->init};
  const Ref object = resolve_alias(child(member, 0));
  const std::string name =
      object.valid() && node(object).kind == NodeKind::object ? declared_name(object) : "";
  if (name.empty()) {
    return;
  }
  for (const ts::Property& property : node(object).properties) {
    if (property.kind == ts::PropertyKind::value && property.key == node(member).text) {
      column.set_drizzle_shared(model::DrizzleSharedColumn{location(object.file, property.key_token), name});
      const Ref entry{object.file, property.value};
      keep_chain(entry, flatten_chain(*this, entry), column); // the chain as the object's entry writes it
      return;
    }
  }
}

// `.generatedAlwaysAsIdentity({ name, startWith, increment, minValue,
// maxValue, cache, cycle })`: what the column's sequence is declared with.
std::string Reader::dotted_name(Ref ref) const {
  if (!ref.valid()) {
    return {};
  }
  const ts::Node& n = node(ref);
  if (n.kind == NodeKind::identifier) {
    return n.text;
  }
  if (n.kind == NodeKind::member) {
    const std::string object = dotted_name(child(ref, 0));
    return object.empty() ? std::string() : object + "." + n.text;
  }
  return {};
}

void Reader::read_identity_options(const TableInfo& info, Ref options, model::Column& column,
                                   const std::string& where) {
  const std::optional<JsValue> value = eval(options);
  if (!value || value->kind != JsValue::Kind::object) {
    unresolved(options.file, node(options).first_token, "the identity options of column " + where);
    return;
  }
  model::ColumnSequence& sequence = column.sequence_facts();
  sequence.name = value->string_field("name").value_or("");
  sequence.start = sequence_option(*value, "startWith");
  sequence.increment = sequence_option(*value, "increment");
  sequence.min_value = sequence_option(*value, "minValue");
  sequence.max_value = sequence_option(*value, "maxValue");
  sequence.cache = sequence_option(*value, "cache");
  sequence.cycle = value->bool_field("cycle").value_or(false);
  model::keep_declared_options(info.table, column);
}

void Reader::build_column(TableInfo& info, const ts::Property& property, std::size_t key_file, Ref value) {
  // The parameters of helpers the value calls stay bound while the column is read.
  const std::size_t mark = binding_mark();
  read_column(info, property, key_file, value);
  unbind(mark);
}

void Reader::read_column(TableInfo& info, const ts::Property& property, std::size_t key_file, Ref value) {
  const std::string where = "`" + info.table.name + "." + property.key + "`";
  const Chain chain = flatten_chain(*this, value);
  if (!chain.base.valid()) {
    unresolved(key_file, property.key_token, "column " + where + ": its value is not a column builder call");
    return;
  }
  const std::optional<ColumnArguments> args = column_arguments(chain, where);
  if (!args) {
    return;
  }
  model::Column column;
  std::string sql_type;
  if (!column_type(info, chain, *args, column, sql_type, where)) {
    info.table.unresolved_columns.push_back(
        args->explicit_name ? *args->explicit_name : drizzle_names::apply_casing(property.key, info.casing));
    return;
  }

  ColumnInfo names;
  names.property = property.key;
  names.raw_name = args->explicit_name.value_or(property.key);
  names.name =
      args->explicit_name ? *args->explicit_name : drizzle_names::apply_casing(property.key, info.casing);
  column.name = names.name;
  column.set_property(property.key);
  column.drizzle_unnamed = !args->explicit_name;
  column.location = location(key_file, property.key_token);
  keep_chain(value, chain, column);

  const ColumnModifiers modifiers = read_modifiers(info, chain, names, column, sql_type, where);
  if (modifiers.default_arg.valid()) {
    read_default(info, modifiers, sql_type, column, where);
  }
  if (column.type.serial) {
    column.not_null = true;
    const std::string sequence = sequence_name(info.table.name, column.name);
    column.default_expr =
        "nextval(" +
        core::quote_literal(info.table.schema == "public" ? sequence : info.table.schema + "." + sequence) +
        "::regclass)";
  }
  add_column_keys(info.table, column, modifiers);
  add_suppressions(key_file, property.key_token, property.last_token);
  info.columns.push_back(std::move(names));
  info.table.columns.push_back(std::move(column));
}

// The type matching what the SQL replay of drizzle-kit's DDL for the same
// column gives.
model::TypeRef Reader::normalized_type(const std::string& sql) {
  const auto [known, added] = m_types.try_emplace(sql);
  if (added) {
    known->second = model::parse_type_text(sql);
    if (known->second.name == "bpchar" && known->second.modifiers.empty()) {
      known->second.modifiers.emplace_back("1"); // PostgreSQL reads a bare `char` as char(1)
    }
  }
  return known->second;
}

// What follows the builder call, as written, and the quote of the file's
// strings: the Drizzle lines of findings write the column so. Only where
// the property's value is the chain itself (not a helper's or a variable's).
void Reader::keep_chain(Ref value, const Chain& chain, model::Column& column) const {
  if (value.file != chain.base.file || node(value).first_token != node(chain.base).first_token) {
    return;
  }
  const ts::Program& program = m_files[value.file].program;
  const std::size_t base_end = node(chain.base).last_token;
  const std::size_t value_end = node(value).last_token;
  char quote = 0;
  for (std::size_t i = node(chain.base).first_token; i <= value_end && quote == 0; ++i) {
    quote = program.token(i).kind == ts::TokenKind::string ? program.token(i).quote : char{0};
  }
  // A column without a string of its own (`id: uuid().primaryKey()`) writes
  // the file's: its first string, the import's module as a rule.
  for (std::size_t i = 0; i < program.lex.tokens.size() && quote == 0; ++i) {
    quote = program.token(i).kind == ts::TokenKind::string ? program.token(i).quote : char{0};
  }
  column.set_drizzle_chain(value_end > base_end ? written_on_one_line(program, base_end + 1, value_end)
                                                : std::string(),
                           quote != 0 ? quote : '"');
  // The builder's options (`{ mode: 'string', precision: 3 }`): a fix that
  // adds one (withTimezone) keeps them.
  const ts::Node& base = node(chain.base);
  for (std::size_t i = 1; i < base.children.size(); ++i) {
    const ts::Node& argument = node(child(chain.base, i));
    if (argument.kind == ts::NodeKind::object) {
      column.set_drizzle_options(written_on_one_line(program, argument.first_token, argument.last_token));
    }
  }
}

std::optional<ColumnArguments> Reader::column_arguments(const Chain& chain, const std::string& where) {
  ColumnArguments out;
  out.config_ref = child(chain.base, 1);
  if (out.config_ref.valid()) {
    const std::optional<JsValue> first = eval(out.config_ref);
    if (first && first->kind == JsValue::Kind::string) {
      out.explicit_name = first->text;
      out.config_ref = child(chain.base, 2);
    } else if (node(resolve_alias(out.config_ref)).kind != NodeKind::object) {
      unresolved(chain.base.file, node(out.config_ref).first_token, "the name of column " + where);
      return std::nullopt;
    }
  }
  if (out.config_ref.valid()) {
    out.config = eval(out.config_ref);
    if (!out.config) {
      unresolved(chain.base.file, node(out.config_ref).first_token, "the options of column " + where);
    }
  }
  return out;
}

bool Reader::column_type(const TableInfo& info, const Chain& chain, const ColumnArguments& args,
                         model::Column& column, std::string& sql_type, const std::string& where) {
  const Ref callee = child(chain.base, 0);
  const ts::Node& callee_node = node(callee);
  std::string builder = builtin(callee);
  if (builder.empty() && callee_node.kind == NodeKind::member && !info.builder_param.empty() &&
      node(child(callee, 0)).kind == NodeKind::identifier &&
      node(child(callee, 0)).text == info.builder_param) {
    builder = callee_node.text;
  }
  const VarInfo* var =
      callee_node.kind == NodeKind::identifier ? var_info(callee.file, callee_node.text) : nullptr;
  if (var != nullptr && var->kind == VarKind::enumeration) {
    column.type.name = var->name;
    column.type.schema = var->extra;
    sql_type = "enum";
    return true;
  }
  if (var != nullptr && var->kind == VarKind::custom_type) {
    // A dataType(config) given options pgadvise could not read cannot tell
    // its type: no branch is picked for it.
    const bool config_unknown = args.config_ref.valid() && !args.config && var->data_type.valid();
    const std::optional<std::string> custom =
        var->resolved && !config_unknown ? custom_data_type(*var, args.config) : std::nullopt;
    if (!custom) {
      unresolved(chain.base.file, node(chain.base).first_token,
                 "the SQL type of custom type `" + callee_node.text + "` (column " + where + ")");
      return false;
    }
    sql_type = *custom;
    column.type = normalized_type(sql_type);
    return true;
  }
  const std::optional<std::string> type = builder_sql_type(builder, args.config ? &*args.config : nullptr,
                                                           m_naming == drizzle_names::Naming::kit_1);
  if (type && var == nullptr) {
    sql_type = *type;
    column.type = normalized_type(sql_type);
    if (column.type.name == "interval") {
      column.type.modifiers.clear();
    }
    return true;
  }
  const std::string shown = callee_node.kind == NodeKind::member ? "." + callee_node.text : callee_node.text;
  unresolved(chain.base.file, node(chain.base).first_token,
             "the column builder `" + (shown.empty() ? std::string("?") : shown) + "` of column " + where);
  return false;
}

ColumnModifiers Reader::read_modifiers(TableInfo& info, const Chain& chain, const ColumnInfo& names,
                                       model::Column& column, std::string& sql_type,
                                       const std::string& where) {
  ColumnModifiers out;
  for (const ChainCall& method : chain.methods) {
    const std::string& m = method.name;
    if (m == "primaryKey") {
      out.primary = true;
      column.not_null = true;
    } else if (m == "notNull") {
      column.not_null = true;
    } else if (m == "unique") {
      const std::optional<JsValue> name = eval(child(method.call, 1));
      out.unique_constraint = name && name->kind == JsValue::Kind::string
                                  ? name->text
                                  : drizzle_names::unique_name(info.table.name, {names.raw_name}, m_naming);
    } else if (m == "default") {
      out.default_arg = child(method.call, 1);
      out.default_token = method.token;
    } else if (m == "defaultNow") {
      column.default_expr = "now()";
      out.default_arg = Ref{};
    } else if (m == "defaultRandom") {
      column.default_expr = "gen_random_uuid()";
      out.default_arg = Ref{};
    } else if (m == "array") {
      ++column.type.array_dims;
      sql_type += "[]";
    } else if (m == "generatedAlwaysAsIdentity" || m == "generatedByDefaultAsIdentity") {
      column.identity = true;
      column.identity_always = m == "generatedAlwaysAsIdentity";
      column.not_null = true;
      if (const Ref options = child(method.call, 1); options.valid()) {
        read_identity_options(info, options, column, where);
      }
    } else if (m == "references") {
      info.references.push_back(PendingReference{info.columns.size(), child(method.call, 1),
                                                 child(method.call, 2), method.token, method.call.file});
    } else if (!m.empty() && m[0] == '$') {
      // $type, $defaultFn, $onUpdate, ...: TypeScript types and runtime values
    } else if (std::find(k_ignored_modifiers.begin(), k_ignored_modifiers.end(), m) ==
               k_ignored_modifiers.end()) {
      unresolved(method.call.file, method.token, "the modifier `." + m + "()` of column " + where);
    }
  }
  return out;
}

// `.default(x)`: sql`...` as written, a literal in SQL.
void Reader::read_default(const TableInfo& info, const ColumnModifiers& modifiers,
                          const std::string& sql_type, model::Column& column, const std::string& where) {
  const Ref default_arg = modifiers.default_arg;
  const ts::Node& arg = node(default_arg);
  if (arg.kind == NodeKind::template_literal && arg.tag != ts::k_no_node) {
    const std::optional<std::string> text = render_sql(default_arg, ColumnScope{&info, {}, {}}, false);
    if (text) {
      column.default_expr = *text;
    } else {
      unresolved(default_arg.file, arg.first_token, "the default of column " + where);
      column.default_unknown = true;
    }
  } else if (const std::optional<JsValue> literal = eval(default_arg)) {
    const std::string text = drizzle_values::sql_default(*literal, sql_type);
    if (!text.empty()) {
      column.default_expr = text;
    }
  } else {
    unresolved(default_arg.file, modifiers.default_token, "the default of column " + where);
    column.default_unknown = true;
  }
}

} // namespace pgadvise::loaders::drizzle_reader
