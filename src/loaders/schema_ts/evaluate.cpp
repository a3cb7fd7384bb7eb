// The evaluator of schema.ts expressions pgadvise reads without running
// them: literals, arrays, objects, variables, member access, template
// literals and JSON.stringify; and, with a function's parameters bound
// (a custom type's dataType(config)), the conditionals, comparisons and
// logic that pick a branch, string concatenation, toString() and join().
#include "loaders/schema_ts/reader.hpp"

namespace pgadvise::loaders::drizzle_reader {

using ts::NodeKind;

namespace {

bool truthy(const JsValue& value) {
  switch (value.kind) {
  case JsValue::Kind::undefined:
  case JsValue::Kind::null: return false;
  case JsValue::Kind::boolean: return value.text == "true";
  case JsValue::Kind::number: return value.text != "0" && value.text != "-0" && value.text != "NaN";
  case JsValue::Kind::string: return !value.text.empty();
  case JsValue::Kind::array:
  case JsValue::Kind::object: return true;
  }
  return false;
}

JsValue boolean(bool yes) {
  JsValue out;
  out.kind = JsValue::Kind::boolean;
  out.text = yes ? "true" : "false";
  return out;
}

// `===` on values the evaluator makes (no objects compared by identity).
std::optional<bool> strictly_equal(const JsValue& a, const JsValue& b) {
  if (a.kind == JsValue::Kind::array || a.kind == JsValue::Kind::object || b.kind == JsValue::Kind::array ||
      b.kind == JsValue::Kind::object) {
    return std::nullopt;
  }
  return a.kind == b.kind && a.text == b.text;
}

bool nullish(const JsValue& value) {
  return value.kind == JsValue::Kind::undefined || value.kind == JsValue::Kind::null;
}

// String(value) for the values a type name is built from; nullopt for an
// array or object (whose spelling the evaluator does not reproduce).
std::optional<std::string> as_text(const JsValue& value) {
  switch (value.kind) {
  case JsValue::Kind::undefined: return "undefined";
  case JsValue::Kind::null: return "null";
  case JsValue::Kind::boolean:
  case JsValue::Kind::number:
  case JsValue::Kind::string: return value.text;
  case JsValue::Kind::array:
  case JsValue::Kind::object: return std::nullopt;
  }
  return std::nullopt;
}

JsValue string_value(std::string text) {
  JsValue out;
  out.kind = JsValue::Kind::string;
  out.text = std::move(text);
  return out;
}

// `a + b` when either side is a string: their concatenation.
std::optional<JsValue> concatenate(const JsValue& left, const JsValue& right) {
  if (left.kind != JsValue::Kind::string && right.kind != JsValue::Kind::string) {
    return std::nullopt;
  }
  const std::optional<std::string> a = as_text(left);
  const std::optional<std::string> b = as_text(right);
  return a && b ? std::optional<JsValue>(string_value(*a + *b)) : std::nullopt;
}

// The string methods a custom type's dataType(config) spells its type with:
// `x.toString()` and `list.join(separator)`.
std::optional<JsValue> string_method(std::string_view method, const JsValue& object,
                                     const std::optional<JsValue>& argument) {
  if (method == "toString" && !argument) {
    const std::optional<std::string> text = as_text(object);
    return text && object.kind != JsValue::Kind::undefined && object.kind != JsValue::Kind::null
               ? std::optional<JsValue>(string_value(*text))
               : std::nullopt;
  }
  if (method != "join" || object.kind != JsValue::Kind::array ||
      (argument && argument->kind != JsValue::Kind::string)) {
    return std::nullopt;
  }
  std::string joined;
  for (std::size_t i = 0; i < object.items.size(); ++i) {
    const std::optional<std::string> item =
        nullish(object.items[i]) ? std::string() : as_text(object.items[i]);
    if (!item) {
      return std::nullopt;
    }
    joined += (i == 0 ? std::string() : (argument ? argument->text : std::string(","))) + *item;
  }
  return string_value(std::move(joined));
}

// `==`, `!=`, `===` or `!==` of two values; nullopt when the result is not
// certain, or for another operator.
std::optional<JsValue> compare(std::string_view op, const JsValue& left, const JsValue& right) {
  if (op == "==" || op == "!=") {
    // Only the loose comparisons with null/undefined are certain here.
    if (!nullish(left) && !nullish(right)) {
      const std::optional<bool> same = strictly_equal(left, right);
      if (!same || left.kind != right.kind) {
        return std::nullopt;
      }
      return boolean(*same == (op == "=="));
    }
    return boolean((nullish(left) && nullish(right)) == (op == "=="));
  }
  if (op == "===" || op == "!==") {
    const std::optional<bool> same = strictly_equal(left, right);
    return same ? std::optional<JsValue>(boolean(*same == (op == "==="))) : std::nullopt;
  }
  return std::nullopt;
}

// An untagged template literal whose substitutions `part(i)` evaluates: a
// string, when each substitution is a string, number or boolean.
template <typename Part> std::optional<JsValue> template_string(const ts::Node& n, const Part& part) {
  JsValue value;
  value.kind = JsValue::Kind::string;
  for (std::size_t i = 0; i < n.quasis.size(); ++i) {
    value.text += n.quasis[i];
    if (i < n.children.size()) {
      const std::optional<JsValue> each = part(i);
      if (!each || (each->kind != JsValue::Kind::string && each->kind != JsValue::Kind::number &&
                    each->kind != JsValue::Kind::boolean)) {
        return std::nullopt;
      }
      value.text += each->text;
    }
  }
  return value;
}

} // namespace

std::optional<JsValue> Reader::eval_with(Ref ref, const std::vector<JsField>& env, int depth) const {
  if (!ref.valid() || depth > k_max_eval_depth) {
    return std::nullopt;
  }
  const ts::Node& n = node(ref);
  const auto sub = [&](std::size_t i) { return eval_with(child(ref, i), env, depth + 1); };
  if (n.kind == NodeKind::identifier) {
    for (const JsField& binding : env) {
      if (binding.first == n.text) {
        return binding.second;
      }
    }
    return eval(ref, depth);
  }
  if (n.kind == NodeKind::member) {
    const std::optional<JsValue> object = sub(0);
    if (!object || nullish(*object)) {
      // config?.precision on an absent config is undefined (a plain
      // config.precision would throw in drizzle-kit, so code that runs guards it).
      return object ? std::optional<JsValue>(JsValue{}) : std::nullopt;
    }
    if (object->kind != JsValue::Kind::object) {
      return std::nullopt;
    }
    const JsValue* field = object->field(n.text);
    return field != nullptr ? *field : JsValue{};
  }
  if (n.kind == NodeKind::template_literal && n.tag == ts::k_no_node) {
    return template_string(n, sub);
  }
  if (n.kind == NodeKind::call && n.children.size() <= 2 && node(child(ref, 0)).kind == NodeKind::member) {
    const Ref callee = child(ref, 0);
    const std::optional<JsValue> object = eval_with(child(callee, 0), env, depth + 1);
    const std::optional<JsValue> argument = n.children.size() == 2 ? sub(1) : std::nullopt;
    if (object && (n.children.size() == 1 || argument)) {
      if (std::optional<JsValue> result = string_method(node(callee).text, *object, argument)) {
        return result;
      }
    }
  }
  if (n.kind != NodeKind::other) {
    return eval(ref, depth);
  }
  if (n.text == "?:" && n.children.size() == 3) {
    const std::optional<JsValue> test = sub(0);
    if (!test) {
      return std::nullopt;
    }
    return sub(truthy(*test) ? 1 : 2);
  }
  if (n.text == "!" && n.children.size() == 1) {
    const std::optional<JsValue> operand = sub(0);
    return operand ? std::optional<JsValue>(boolean(!truthy(*operand))) : std::nullopt;
  }
  if (n.children.size() != 2) {
    return std::nullopt;
  }
  const std::optional<JsValue> left = sub(0);
  if (!left) {
    return std::nullopt;
  }
  if (n.text == "&&") {
    return truthy(*left) ? sub(1) : left;
  }
  if (n.text == "||") {
    return truthy(*left) ? left : sub(1);
  }
  if (n.text == "??") {
    return nullish(*left) ? sub(1) : left;
  }
  const std::optional<JsValue> right = sub(1);
  if (!right) {
    return std::nullopt;
  }
  return n.text == "+" ? concatenate(*left, *right) : compare(n.text, *left, *right);
}

std::optional<std::string> Reader::custom_data_type(const VarInfo& var,
                                                    const std::optional<JsValue>& config) const {
  if (!var.data_type.valid()) {
    return var.name;
  }
  const ts::Node& fn = node(var.data_type);
  const std::vector<JsField> env = {{fn.params[0].name, config.value_or(JsValue{})}};
  const std::optional<JsValue> type = eval_with(Ref{var.data_type.file, fn.body}, env);
  if (!type || type->kind != JsValue::Kind::string) {
    return std::nullopt;
  }
  return type->text;
}

std::optional<JsValue> Reader::eval(Ref ref, int depth) const {
  if (!ref.valid() || depth > k_max_eval_depth) {
    return std::nullopt;
  }
  const ts::Node& n = node(ref);
  JsValue value;
  switch (n.kind) {
  case NodeKind::string:
    value.kind = JsValue::Kind::string;
    value.text = n.text;
    return value;
  case NodeKind::number:
    value.kind = JsValue::Kind::number;
    value.text = drizzle_values::normalize_number(n.text);
    if (value.text.empty()) {
      return std::nullopt;
    }
    return value;
  case NodeKind::boolean:
    value.kind = JsValue::Kind::boolean;
    value.text = n.text;
    return value;
  case NodeKind::null_value: value.kind = JsValue::Kind::null; return value;
  case NodeKind::template_literal:
    if (n.tag != ts::k_no_node) {
      return std::nullopt;
    }
    return template_string(n, [&](std::size_t i) { return eval(Ref{ref.file, n.children[i]}, depth + 1); });
  case NodeKind::array: return eval_array(ref, depth);
  case NodeKind::object: return eval_object(ref, depth);
  case NodeKind::identifier: {
    if (n.text == "undefined") {
      return value;
    }
    if (const std::optional<Ref> argument = bound_argument(ref)) {
      return argument->valid() ? eval(*argument, depth + 1) : std::optional<JsValue>(value);
    }
    std::size_t found = 0;
    const ts::Declaration* decl = lookup(ref.file, n.text, &found);
    if (decl == nullptr) {
      return std::nullopt;
    }
    return eval(Ref{found, decl->init}, depth + 1);
  }
  case NodeKind::member: {
    const std::optional<JsValue> object = eval(child(ref, 0), depth + 1);
    if (object && object->kind == JsValue::Kind::object) {
      if (const JsValue* field = object->field(n.text)) {
        return *field;
      }
    }
    return std::nullopt;
  }
  case NodeKind::call: return eval_json_stringify(ref, depth);
  default: return std::nullopt;
  }
}

std::optional<JsValue> Reader::eval_array(Ref ref, int depth) const {
  const ts::Node& n = node(ref);
  JsValue value;
  value.kind = JsValue::Kind::array;
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    const Ref item = child(ref, i);
    if (!item.valid()) {
      value.items.emplace_back(); // a hole
      continue;
    }
    if (node(item).kind == NodeKind::spread) {
      const std::optional<JsValue> spread = eval(child(item, 0), depth + 1);
      if (!spread || spread->kind != JsValue::Kind::array) {
        return std::nullopt;
      }
      value.items.insert(value.items.end(), spread->items.begin(), spread->items.end());
      continue;
    }
    std::optional<JsValue> element = eval(item, depth + 1);
    if (!element) {
      return std::nullopt;
    }
    value.items.push_back(std::move(*element));
  }
  return value;
}

std::optional<JsValue> Reader::eval_object(Ref ref, int depth) const {
  JsValue value;
  value.kind = JsValue::Kind::object;
  for (const ts::Property& property : node(ref).properties) {
    if (property.kind == ts::PropertyKind::spread) {
      const std::optional<JsValue> spread = eval(Ref{ref.file, property.value}, depth + 1);
      if (!spread || spread->kind != JsValue::Kind::object) {
        return std::nullopt;
      }
      value.fields.insert(value.fields.end(), spread->fields.begin(), spread->fields.end());
      continue;
    }
    if (property.kind != ts::PropertyKind::value && property.kind != ts::PropertyKind::shorthand) {
      return std::nullopt;
    }
    std::optional<JsValue> field = eval(Ref{ref.file, property.value}, depth + 1);
    if (!field) {
      return std::nullopt;
    }
    value.fields.emplace_back(property.key, std::move(*field));
  }
  return value;
}

// JSON.stringify(<literal>): a common way to write a JSON default.
std::optional<JsValue> Reader::eval_json_stringify(Ref ref, int depth) const {
  const ts::Node& callee = node(child(ref, 0));
  if (callee.kind == NodeKind::member && callee.text == "stringify" && node(ref).children.size() == 2 &&
      node(child(child(ref, 0), 0)).kind == NodeKind::identifier &&
      node(child(child(ref, 0), 0)).text == "JSON") {
    const std::optional<JsValue> inner = eval(child(ref, 1), depth + 1);
    if (!inner) {
      return std::nullopt;
    }
    JsValue value;
    value.kind = JsValue::Kind::string;
    value.text = drizzle_values::json_stringify(*inner);
    return value;
  }
  return std::nullopt;
}

} // namespace pgadvise::loaders::drizzle_reader
