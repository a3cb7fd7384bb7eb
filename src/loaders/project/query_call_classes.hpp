#pragma once

#include "loaders/project/query_call_tokens.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

// The classes of one JS/TS file's tokens and the types their fields hold
// (query_call_classes.cpp): what `this.repo.find(...)` and `x.find(...)`
// after `const x = new Repo(db)` call.
namespace pgadvise::loaders::scan {

// A class: its body and the types of its fields, from constructor parameter
// properties (`private readonly repo: Repo`) and field declarations
// (`repo: Repo`, `repo = new Repo(db)`).
struct ClassInfo {
  std::string name;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::map<std::string, std::string> field_types;
  // A generic base repository's parts (`class TimerRepository extends
  // BaseRepository<typeof timer> { constructor(db) { super(db, timer, "id") } }`,
  // whose methods query `this.table`): the class it extends (`BaseRepository`,
  // empty when none), its constructor's `super(...)` arguments as written,
  // the fields its constructor sets from a parameter (`this.table = table`,
  // or a parameter property `protected table: T`: table -> that parameter's
  // position), and its constructor's parameters, in order (what a class
  // between a subclass and the base passes on: `super(db, table, "id")`).
  std::string base;
  std::vector<std::string> super_args;
  std::map<std::string, std::size_t> field_params;
  std::vector<std::string> constructor_params;
};

// `import type { A as B } from "m"`: the declaration parser keeps only value
// imports, but a field's type names a class through one.
struct TypeImport {
  std::string local;
  std::string imported;
  std::string module;
};

// `import type { A } from "m"` and `import { type A } from "m"`.
std::vector<TypeImport> read_type_imports(const TokenReader& tokens);
// The classes with their bodies (`export default class` as "default"); no field types yet.
std::vector<ClassInfo> read_classes(const TokenReader& tokens);
// The innermost class whose body holds `token`; null outside any.
const ClassInfo* class_at(const std::vector<ClassInfo>& classes, std::size_t token);
// The instances a file makes: `const x = new X(...)` anywhere in the file
// (x -> X), and the properties it fills with one (`{ orders: new
// OrdersService(db) }`, `{ orders }` of such a local, `req.orders = new
// OrdersService(db)`: orders -> OrdersService; "" when the file gives one
// name instances of two classes).
// Also the names whose class the code says: a parameter or local typed with
// one (`orders: OrdersService`: orders -> OrdersService, "" when one name
// has two types in the file), and the locals taken from an object's
// properties (`const { orders } = req.services`: orders -> orders).
struct NewInstances {
  std::map<std::string, std::string> locals;
  std::map<std::string, std::string> properties;
  std::map<std::string, std::string> typed;
  std::map<std::string, std::string> taken;
};
NewInstances read_new_locals(const TokenReader& tokens);
// A class's field types; `constructor_body` is the brace of its
// constructor's body (k_no_token when it has none).
void read_field_types(const TokenReader& tokens, ClassInfo& info, std::size_t constructor_body);
// Its constructor's `super(...)` arguments and the fields it sets from its
// parameters (`params`, in order).
void read_constructor_bindings(const TokenReader& tokens, ClassInfo& info, std::size_t constructor_body,
                               const std::vector<std::string>& params);

} // namespace pgadvise::loaders::scan
