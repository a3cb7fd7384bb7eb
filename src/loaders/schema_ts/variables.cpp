// The variables a table declaration may name: pgSchema, pgEnum (also a
// schema's `.enum`), customType and pgTableCreator. Schemas first, since
// enums use them.
#include "loaders/schema_ts/reader.hpp"

#include <functional>

namespace pgadvise::loaders::drizzle_reader {

using ts::NodeKind;

void Reader::for_each_call_declaration(
    const std::function<void(std::size_t, const ts::Declaration&, Ref)>& visit) {
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    for (const ts::Declaration& decl : m_files[f].program.declarations) {
      const Ref init{f, decl.init};
      if (init.valid() && node(init).kind == NodeKind::call) {
        visit(f, decl, init);
      }
    }
  }
}

void Reader::collect_variables() {
  collect_schemas();
  for_each_call_declaration([&](std::size_t f, const ts::Declaration& decl, Ref init) {
    const Ref callee = child(init, 0);
    const std::string name = builtin(callee);
    std::string schema = "public";
    bool is_enum = name == "pgEnum";
    if (!is_enum && node(callee).kind == NodeKind::member && node(callee).text == "enum" &&
        node(child(callee, 0)).kind == NodeKind::identifier) {
      const VarInfo* owner = var_info(f, node(child(callee, 0)).text);
      if (owner != nullptr && owner->kind == VarKind::schema) {
        is_enum = true;
        schema = owner->name;
      }
    }
    if (is_enum) {
      collect_enum(decl, init, schema);
    } else if (name == "customType") {
      m_vars[{f, decl.name}] = custom_type(init);
    } else if (name == "pgTableCreator") {
      m_vars[{f, decl.name}] = table_creator(init);
    }
  });
}

void Reader::collect_schemas() {
  for_each_call_declaration([&](std::size_t f, const ts::Declaration& decl, Ref init) {
    // pgSchema("name"), or drizzle-orm 1.0's snakeCase.schema("name")
    // whose tables name their columns in that casing.
    const Ref callee = child(init, 0);
    std::optional<std::string> casing;
    if (node(callee).kind == NodeKind::member && node(callee).text == "schema") {
      casing = casing_object(child(callee, 0));
    }
    if (!casing && builtin(callee) != "pgSchema") {
      return;
    }
    const std::optional<JsValue> name = eval(child(init, 1));
    if (!name || name->kind != JsValue::Kind::string) {
      unresolved(f, node(init).first_token, "the name of schema `" + decl.name + "`");
      return;
    }
    m_vars[{f, decl.name}] = VarInfo{VarKind::schema, name->text, casing.value_or(""), true, 0, {}};
    if (is_exported(f, decl) && !m_load.catalog.has_schema(name->text)) {
      m_load.catalog.schemas.push_back(name->text);
    }
  });
}

// pgEnum("name", [values]) or schema.enum(...), in `schema`.
void Reader::collect_enum(const ts::Declaration& decl, Ref init, const std::string& schema) {
  const std::size_t f = init.file;
  const std::optional<JsValue> enum_name = eval(child(init, 1));
  if (!enum_name || enum_name->kind != JsValue::Kind::string) {
    unresolved(f, node(init).first_token, "the name of enum `" + decl.name + "`");
    return;
  }
  m_vars[{f, decl.name}] = VarInfo{VarKind::enumeration, enum_name->text, schema, true, 0, {}};
  model::Enum found;
  found.schema = schema;
  found.name = enum_name->text;
  found.location = location(f, decl.name_token);
  const std::optional<JsValue> values = eval(child(init, 2));
  if (values && values->kind == JsValue::Kind::array) {
    for (const JsValue& item : values->items) {
      found.values.push_back(item.text);
    }
  } else {
    unresolved(f, node(init).first_token, "the values of enum `" + enum_name->text + "`");
  }
  if (is_exported(f, decl)) {
    m_load.catalog.enums.push_back(std::move(found));
  }
}

// customType({ dataType() { return "bytea"; } }): the SQL type is the
// string dataType returns.
VarInfo Reader::custom_type(Ref init) const {
  VarInfo info{VarKind::custom_type, {}, {}, false, 0, {}};
  const Ref config = resolve_alias(child(init, 1));
  if (!config.valid() || node(config).kind != NodeKind::object) {
    return info;
  }
  for (const ts::Property& property : node(config).properties) {
    if (property.key == "dataType" && property.value != ts::k_no_node) {
      const ts::Node& fn = node(Ref{config.file, property.value});
      if (fn.kind == NodeKind::arrow && !fn.params.empty() && !fn.params[0].name.empty()) {
        info.data_type = Ref{config.file, property.value}; // dataType(config): per call
        info.resolved = true;
        continue;
      }
      const std::optional<JsValue> type =
          fn.kind == NodeKind::arrow ? eval_with(Ref{config.file, fn.body}, {}) : std::nullopt;
      if (type && type->kind == JsValue::Kind::string) {
        info.name = type->text;
        info.resolved = true;
      }
    }
  }
  return info;
}

// pgTableCreator((name) => `prefix_${name}`)
VarInfo Reader::table_creator(Ref init) const {
  VarInfo info{VarKind::table_creator, {}, {}, false, 0, {}};
  const Ref fn = child(init, 1);
  if (fn.valid() && node(fn).kind == NodeKind::arrow && node(fn).params.size() == 1) {
    const Ref body{init.file, node(fn).body};
    if (body.valid() && node(body).kind == NodeKind::template_literal && node(body).tag == ts::k_no_node &&
        node(body).children.size() == 1 && node(child(body, 0)).kind == NodeKind::identifier &&
        node(child(body, 0)).text == node(fn).params[0].name) {
      info.name = node(body).quasis[0];
      info.extra = node(body).quasis.size() > 1 ? node(body).quasis[1] : std::string();
      info.resolved = true;
    }
  }
  return info;
}

} // namespace pgadvise::loaders::drizzle_reader
