#include "loaders/project/query_call_classes.hpp"

#include "loaders/project/query_call_functions.hpp"

#include <algorithm>
#include <set>

namespace pgadvise::loaders::scan {

namespace {

using ts::TokenKind;

constexpr std::size_t k_npos = k_no_token;

class ClassReader {
public:
  explicit ClassReader(const TokenReader& tokens) : m_t(tokens) {}

  // `import type { A } from "m"` and `import { type A } from "m"`.
  void read_type_imports(std::vector<TypeImport>& out) const {
    for (std::size_t i = 0; i + 3 < m_t.size(); ++i) {
      if (!m_t.ident(i, "import") || (i > 0 && (m_t.punct(i - 1, ".") || m_t.ident(i - 1)))) {
        continue;
      }
      const bool all_types = m_t.ident(i + 1, "type") && m_t.punct(i + 2, "{");
      const std::size_t open = all_types ? i + 2 : (m_t.punct(i + 1, "{") ? i + 1 : k_npos);
      const std::size_t close = open == k_npos ? k_npos : m_t.close_of(open);
      if (close == k_npos || !m_t.ident(close + 1, "from") || m_t.tok(close + 2).kind != TokenKind::string) {
        continue;
      }
      const std::string module(m_t.tok(close + 2).text);
      for (const TokenRange& part : m_t.parts(open)) {
        std::size_t j = part.first;
        const bool typed = all_types || (m_t.ident(j, "type") && j < part.last);
        if (!typed) {
          continue;
        }
        j += m_t.ident(j, "type") && j < part.last ? 1U : 0U;
        if (!m_t.ident(j)) {
          continue;
        }
        TypeImport import{std::string(m_t.tok(j).text), std::string(m_t.tok(j).text), module};
        if (j + 2 <= part.last && m_t.ident(j + 1, "as") && m_t.ident(j + 2)) {
          import.local = m_t.tok(j + 2).text;
        }
        out.push_back(std::move(import));
      }
    }
  }

  void read_classes(std::vector<ClassInfo>& out) const {
    for (std::size_t i = 0; i + 1 < m_t.size(); ++i) {
      if (!m_t.ident(i, "class") || (i > 0 && (m_t.punct(i - 1, ".") || m_t.punct(i - 1, "?.")))) {
        continue;
      }
      std::size_t j = i + 1;
      std::string name = "default";
      if (m_t.ident(j) && !m_t.ident(j, "extends") && !m_t.ident(j, "implements")) {
        name = m_t.tok(j).text;
        ++j;
      }
      // `class Service<T extends PgTableWithColumns<{ name: string }>>`: the
      // type parameters (whose object types are no body).
      j = skip_angles(j);
      const std::string base = m_t.ident(j, "extends") ? constructed(j + 1) : std::string();
      // The heritage clause, up to the body.
      for (std::size_t k = 0; k < 40 && !m_t.punct(j, "{") && m_t.tok(j).kind != TokenKind::end; ++k) {
        if (m_t.punct(j, "<")) {
          j = skip_angles(j);
          continue;
        }
        const std::size_t close = m_t.close_of(j);
        j = (close != k_npos ? close : j) + 1;
      }
      if (!m_t.punct(j, "{") || m_t.close_of(j) == k_npos) {
        continue;
      }
      if (name == "default" && !(i > 0 && m_t.ident(i - 1, "default"))) {
        continue; // a class expression without a name
      }
      out.push_back({name, j, m_t.close_of(j), {}, base, {}, {}, {}});
    }
  }

  // The token after a type argument or parameter list `<...>` at `i` (`i`
  // itself when it is no `<`); brackets inside are skipped whole.
  [[nodiscard]] std::size_t skip_angles(std::size_t i) const {
    if (!m_t.punct(i, "<")) {
      return i;
    }
    int angle = 0;
    for (; i < m_t.size() && m_t.tok(i).kind != TokenKind::end; ++i) {
      if (const int step = angle_step(i); step != 0) {
        angle += step;
      } else if (const std::size_t close = m_t.close_of(i); close != k_npos) {
        i = close;
      }
      if (angle <= 0) {
        return i + 1;
      }
    }
    return i;
  }

  // How a token changes the depth of `<...>`: `<` opens one, `>`, `>>` and
  // `>>>` (lexed as shifts) close one, two or three.
  [[nodiscard]] int angle_step(std::size_t i) const {
    if (m_t.punct(i, "<")) {
      return 1;
    }
    return m_t.punct(i, ">") ? -1 : m_t.punct(i, ">>") ? -2 : m_t.punct(i, ">>>") ? -3 : 0;
  }

  // The class named by `X` or `ns.X` at `i` (the last name).
  [[nodiscard]] std::string constructed(std::size_t i) const {
    if (!m_t.ident(i)) {
      return {};
    }
    while (m_t.punct(i + 1, ".") && m_t.ident(i + 2)) {
      i += 2;
    }
    return std::string(m_t.tok(i).text);
  }

  // The property an initializer at `i` reads, when it is nothing else: `a.b.orders`
  // (ended by `;` or the line) -> orders, `c.get("orders")` -> orders; empty otherwise.
  [[nodiscard]] std::string property_read(std::size_t i) const {
    if (!m_t.ident(i) || !m_t.punct(i + 1, ".")) {
      return {};
    }
    while (m_t.punct(i + 1, ".") && m_t.ident(i + 2)) {
      i += 2;
    }
    if (m_t.ident(i, "get") && m_t.punct(i + 1, "(") && m_t.tok(i + 2).kind == TokenKind::string &&
        m_t.punct(i + 3, ")")) {
      i += 3;
      return ends_statement(i) ? std::string(m_t.tok(i - 1).text) : std::string();
    }
    return ends_statement(i) ? std::string(m_t.tok(i).text) : std::string();
  }
  [[nodiscard]] bool ends_statement(std::size_t last) const {
    return m_t.punct(last + 1, ";") || m_t.tok(last + 1).kind == TokenKind::end ||
           m_t.tok(last + 1).line > m_t.tok(last).line;
  }

  // name -> type, "" once the file gives the name two types.
  static void add_typed(std::map<std::string, std::string>& names, const std::string& name,
                        const std::string& type) {
    const auto [it, inserted] = names.try_emplace(name, type);
    if (!inserted && it->second != type) {
      it->second.clear();
    }
  }

  // The name of a type reference at `i` (`Repo`, `ns.Repo`, `Repo<T>`); empty for other types.
  [[nodiscard]] std::string type_name(std::size_t i) const {
    const std::string name = constructed(i);
    static const std::set<std::string, std::less<>> k_builtin = {
        "string", "number", "boolean", "any", "unknown", "object", "void", "never", "bigint", "symbol"};
    return k_builtin.count(name) > 0 ? std::string() : name;
  }

  // The token after a type annotation starting at `i`: up to `=`, `;`, `,` or a closing bracket.
  [[nodiscard]] std::size_t skip_type(std::size_t i) const {
    int angle = 0;
    while (i < m_t.size() && m_t.tok(i).kind != TokenKind::end) {
      if (angle == 0 && (m_t.punct(i, "=") || m_t.punct(i, ";") || m_t.punct(i, ",") || m_t.punct(i, ")"))) {
        return i;
      }
      angle += angle_step(i);
      const std::size_t close = m_t.close_of(i);
      i = (close != k_npos ? close : i) + 1;
    }
    return i;
  }

  // `const x = new X(...)` anywhere: x -> X. And the properties the file
  // fills with an instance: `{ orders: new OrdersService(db) }`, `{ orders }`
  // after `const orders = new OrdersService(db)`, `req.orders = new
  // OrdersService(db)`: orders -> OrdersService ("" when the file gives
  // one name instances of two classes).
  //
  // Also the names whose class the code says: a parameter or a local typed
  // with it (`orders: OrdersService`), and the locals taken from an
  // object's properties (`const { orders } = req.services`: orders -> orders).
  void read_new_locals(NewInstances& instances) const {
    std::map<std::string, std::string>& out = instances.locals;
    std::map<std::string, std::string>& properties = instances.properties;
    std::map<std::string, std::string>& taken = instances.taken;
    std::vector<std::size_t> shorthand;                      // `{ orders, ... }`: known once every local is
    std::vector<std::pair<std::string, std::string>> stored; // `.set("orders", orders)`: key, local
    const auto add_property = [&](const std::string& name, const std::string& type) {
      add_typed(properties, name, type);
    };
    for (std::size_t i = 0; i + 4 < m_t.size(); ++i) {
      const bool declares = m_t.ident(i, "const") || m_t.ident(i, "let") || m_t.ident(i, "var");
      if (declares && m_t.ident(i + 1)) {
        read_declaration(i, instances);
        continue;
      }
      if (read_set_call(i, properties, stored)) {
        continue;
      }
      // `const { orders, users: people } = req.services`: locals that are properties.
      if (declares && m_t.punct(i + 1, "{") && m_t.close_of(i + 1) != k_npos &&
          m_t.punct(m_t.close_of(i + 1) + 1, "=")) {
        for (const TokenRange& part : m_t.parts(i + 1)) {
          if (part.first == part.last && m_t.ident(part.first)) {
            taken.try_emplace(std::string(m_t.tok(part.first).text), std::string(m_t.tok(part.first).text));
          } else if (part.last == part.first + 2 && m_t.ident(part.first) && m_t.punct(part.first + 1, ":") &&
                     m_t.ident(part.last)) {
            taken.try_emplace(std::string(m_t.tok(part.last).text), std::string(m_t.tok(part.first).text));
          }
        }
        continue;
      }
      if (!m_t.ident(i) || i == 0) {
        continue;
      }
      read_typed_parameter(i, instances.typed);
      const bool in_object = m_t.punct(i - 1, "{") || m_t.punct(i - 1, ",");
      if (in_object && m_t.punct(i + 1, ":") && m_t.ident(i + 2, "new")) {
        if (std::string type = constructed(i + 3); !type.empty()) {
          add_property(std::string(m_t.tok(i).text), type);
        }
      } else if (m_t.punct(i - 1, ".") && m_t.punct(i + 1, "=") && m_t.ident(i + 2, "new")) {
        if (std::string type = constructed(i + 3); !type.empty()) {
          add_property(std::string(m_t.tok(i).text), type);
        }
      } else if (in_object && (m_t.punct(i + 1, ",") || m_t.punct(i + 1, "}"))) {
        const std::size_t open = m_t.enclosing(i);
        if (open != k_npos && m_t.punct(open, "{")) {
          shorthand.push_back(i);
        }
      }
    }
    for (const std::size_t i : shorthand) {
      if (const auto local = out.find(std::string(m_t.tok(i).text)); local != out.end()) {
        add_property(local->first, local->second);
      }
    }
    for (const auto& [key, name] : stored) {
      if (const auto local = out.find(name); local != out.end()) {
        add_property(key, local->second);
      }
    }
  }

  // Constructor parameter properties: `constructor(private readonly repo: Repo)`;
  // each is also a field set from its parameter (`protected table: T`).
  void read_parameter_properties(ClassInfo& info, std::size_t constructor_body) const {
    const std::size_t open = constructor_body == k_npos ? k_npos : method_params(m_t, constructor_body);
    std::size_t position = 0;
    for (const TokenRange& part : open == k_npos ? std::vector<TokenRange>{} : m_t.parts(open)) {
      std::size_t j = part.first;
      bool property = false;
      while (j < part.last && is_modifier(m_t.tok(j)) && m_t.ident(j + 1)) {
        property = property || !m_t.ident(j, "static");
        ++j;
      }
      if (property && m_t.ident(j)) {
        info.field_params.try_emplace(std::string(m_t.tok(j).text), position);
      }
      ++position;
      if (property && m_t.ident(j) && j + 2 <= part.last && m_t.punct(j + 1, ":")) {
        const std::string type = type_name(j + 2);
        if (!type.empty()) {
          info.field_types[std::string(m_t.tok(j).text)] = type;
        }
      }
    }
  }

  // Field declarations at the top of the class body: `repo: Repo`, `repo = new Repo(db)`.
  void read_field_declarations(ClassInfo& info) const {
    for (std::size_t j = info.begin + 1; j < info.end; ++j) {
      if (m_t.enclosing(j) != info.begin) {
        continue;
      }
      const bool starts = m_t.punct(j - 1, "{") || m_t.punct(j - 1, ";") || m_t.punct(j - 1, "}") ||
                          m_t.tok(j - 1).line < m_t.tok(j).line || is_modifier(m_t.tok(j - 1));
      if (!starts || !m_t.ident(j) || is_modifier(m_t.tok(j))) {
        continue;
      }
      std::size_t k = j + 1;
      if (m_t.punct(k, "?") || m_t.punct(k, "!")) {
        ++k;
      }
      if (m_t.punct(k, ":")) {
        const std::string type = type_name(k + 1);
        if (!type.empty()) {
          info.field_types[std::string(m_t.tok(j).text)] = type;
        }
      } else if (m_t.punct(k, "=") && m_t.ident(k + 1, "new")) {
        const std::string type = constructed(k + 2);
        if (!type.empty()) {
          info.field_types[std::string(m_t.tok(j).text)] = type;
        }
      }
    }
  }

  // In the constructor's body: `super(a, b)`'s arguments, and `this.f = p;`
  // for a parameter p.
  void read_constructor_bindings(ClassInfo& info, std::size_t body,
                                 const std::vector<std::string>& params) const {
    const std::size_t end = body == k_npos ? k_npos : m_t.close_of(body);
    if (end == k_npos) {
      return;
    }
    info.constructor_params = params;
    for (std::size_t j = body + 1; j + 1 < end; ++j) {
      if (m_t.ident(j, "super") && m_t.punct(j + 1, "(") && info.super_args.empty()) {
        for (const TokenRange& part : m_t.parts(j + 1)) {
          info.super_args.push_back(m_t.text(part));
        }
      }
      if (m_t.ident(j, "this") && m_t.punct(j + 1, ".") && m_t.ident(j + 2) && m_t.punct(j + 3, "=") &&
          m_t.ident(j + 4) && j + 5 <= end && !m_t.punct(j + 5, ".") && !m_t.punct(j + 5, "(")) {
        const auto param = std::find(params.begin(), params.end(), m_t.tok(j + 4).text);
        if (param != params.end()) {
          info.field_params[std::string(m_t.tok(j + 2).text)] =
              static_cast<std::size_t>(param - params.begin());
        }
      }
    }
  }

private:
  // A declaration `const x ...` at `i`: x's type annotation (typed), the
  // class it is made a `new` instance of (locals) or the property it reads (taken).
  void read_declaration(std::size_t i, NewInstances& instances) const {
    std::size_t j = i + 2;
    if (m_t.punct(j, ":")) { // a type annotation
      if (std::string type = type_name(j + 1); !type.empty()) {
        add_typed(instances.typed, std::string(m_t.tok(i + 1).text), type);
      }
      j = skip_type(j + 1);
    }
    if (m_t.punct(j, "=") && m_t.ident(j + 1, "new")) {
      const std::string type = constructed(j + 2);
      if (!type.empty()) {
        instances.locals[std::string(m_t.tok(i + 1).text)] = type;
      }
    } else if (m_t.punct(j, "=")) {
      if (std::string property = property_read(j + 1); !property.empty()) {
        instances.taken.try_emplace(std::string(m_t.tok(i + 1).text), std::move(property));
      }
    }
  }

  // `c.set("orders", new OrdersService(db))` (or a local made so) at `i`:
  // the key is a property `c.get("orders")` reads back. False when `i` is
  // no such call.
  bool read_set_call(std::size_t i, std::map<std::string, std::string>& properties,
                     std::vector<std::pair<std::string, std::string>>& stored) const {
    if (!(m_t.ident(i, "set") && i > 0 && m_t.punct(i - 1, ".") && m_t.punct(i + 1, "(") &&
          m_t.tok(i + 2).kind == TokenKind::string && m_t.punct(i + 3, ","))) {
      return false;
    }
    if (m_t.ident(i + 4, "new")) {
      if (std::string type = constructed(i + 5); !type.empty()) {
        add_typed(properties, std::string(m_t.tok(i + 2).text), type);
      }
    } else if (m_t.ident(i + 4) && m_t.punct(i + 5, ")")) {
      stored.emplace_back(m_t.tok(i + 2).text, m_t.tok(i + 4).text);
    }
    return true;
  }

  // A parameter typed with a class (`async (orders: OrdersService, ids) =>`) at `i`.
  void read_typed_parameter(std::size_t i, std::map<std::string, std::string>& typed) const {
    const std::size_t around = m_t.enclosing(i);
    if ((m_t.punct(i - 1, "(") || m_t.punct(i - 1, ",")) && m_t.punct(i + 1, ":") && m_t.ident(i + 2) &&
        around != k_npos && m_t.punct(around, "(")) {
      const std::size_t after = skip_angles(i + 3);
      if (m_t.punct(after, ",") || m_t.punct(after, ")") || m_t.punct(after, "=")) {
        if (std::string type = type_name(i + 2); !type.empty()) {
          add_typed(typed, std::string(m_t.tok(i).text), type);
        }
      }
    }
  }

  const TokenReader& m_t;
};

} // namespace

std::vector<TypeImport> read_type_imports(const TokenReader& tokens) {
  std::vector<TypeImport> out;
  ClassReader(tokens).read_type_imports(out);
  return out;
}

std::vector<ClassInfo> read_classes(const TokenReader& tokens) {
  std::vector<ClassInfo> out;
  ClassReader(tokens).read_classes(out);
  return out;
}

const ClassInfo* class_at(const std::vector<ClassInfo>& classes, std::size_t token) {
  const ClassInfo* best = nullptr;
  for (const ClassInfo& info : classes) {
    if (info.begin < token && token < info.end && (best == nullptr || info.begin > best->begin)) {
      best = &info;
    }
  }
  return best;
}

NewInstances read_new_locals(const TokenReader& tokens) {
  NewInstances out;
  ClassReader(tokens).read_new_locals(out);
  return out;
}

void read_field_types(const TokenReader& tokens, ClassInfo& info, std::size_t constructor_body) {
  const ClassReader reader(tokens);
  reader.read_parameter_properties(info, constructor_body);
  reader.read_field_declarations(info);
}

void read_constructor_bindings(const TokenReader& tokens, ClassInfo& info, std::size_t constructor_body,
                               const std::vector<std::string>& params) {
  ClassReader(tokens).read_constructor_bindings(info, constructor_body, params);
}

} // namespace pgadvise::loaders::scan
