#include "core/file.hpp"
#include "loaders/typescript/parser.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

// parse_declarations must give what the query-call scan reads of a file
// (its imports, exports, declarations and statements at their tokens, and
// the element counts of its constant literals) exactly as parse_program
// does: the scan was switched from one to the other with its reports
// unchanged.
namespace parse_declarations_test {

namespace fs = std::filesystem;
using namespace pgadvise::loaders::ts; // NOLINT(google-build-using-namespace)

bool literal(const Program& program, NodeId id) {
  const NodeKind kind = id == k_no_node ? NodeKind::other : program.node(id).kind;
  return kind == NodeKind::string || kind == NodeKind::number || kind == NodeKind::boolean;
}

// What a reader may take from a declaration's value without its tree: the
// element count of an array of literals, the property count of an object
// of literal values, or a number's text; "-" otherwise.
std::string constant(const Program& program, NodeId init) {
  if (init == k_no_node) {
    return "-";
  }
  const Node& node = program.node(init);
  if (node.kind == NodeKind::array && !node.children.empty() &&
      std::all_of(node.children.begin(), node.children.end(),
                  [&](NodeId element) { return literal(program, element); })) {
    return "[" + std::to_string(node.children.size()) + "]";
  }
  if (node.kind == NodeKind::object && !node.properties.empty() &&
      std::all_of(node.properties.begin(), node.properties.end(), [&](const Property& p) {
        return p.kind == PropertyKind::value && literal(program, p.value);
      })) {
    return "{" + std::to_string(node.properties.size()) + "}";
  }
  return node.kind == NodeKind::number ? node.text : "-";
}

// One line per fact, so that a failure shows which one differs.
std::vector<std::string> facts(const Program& program) {
  std::vector<std::string> out;
  for (const Import& i : program.imports) {
    out.push_back("import " + i.local + " = " + i.imported + " from " + i.module);
  }
  for (const Declaration& d : program.declarations) {
    out.push_back("declaration " + d.name + (d.exported ? " exported" : "") + (d.rest ? " rest" : "") +
                  " tokens " + std::to_string(d.first_token) + ".." + std::to_string(d.name_token) + ".." +
                  std::to_string(d.last_token) + " value " + constant(program, d.init));
  }
  for (const auto& [name, keys] : program.rest_omits) {
    std::string line = "rest " + name + " omits";
    for (const std::string& key : keys) {
      line += " " + key;
    }
    out.push_back(line);
  }
  for (const ExportName& e : program.export_list) {
    out.push_back("export " + e.local + " as " + e.exported);
  }
  for (const ReExport& r : program.re_exports) {
    std::string line = "re-export from " + r.module + " at " + std::to_string(r.token) +
                       (r.star ? " *" : "") + " " + r.namespace_name;
    for (const ExportName& n : r.names) {
      line += " " + n.local + ">" + n.exported;
    }
    out.push_back(line);
  }
  for (const NamedStatement& s : program.statements) {
    out.push_back("statement " + s.name + " kind " + std::to_string(static_cast<int>(s.kind)) +
                  (s.exported ? " exported" : "") + (s.default_export ? " default" : "") + " tokens " +
                  std::to_string(s.first_token) + ".." + std::to_string(s.name_token));
  }
  out.push_back("default " + program.default_export + " expression " +
                (program.default_expression ? std::to_string(program.default_expression_token) : "-"));
  return out;
}

bool source_file(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".ts" || ext == ".tsx" || ext == ".js" || ext == ".mjs" || ext == ".cjs" || ext == ".jsx";
}

TEST(ParseDeclarations, GivesTheFullParsesDeclarationsOnEveryFixtureSource) {
  const fs::path fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures";
  std::size_t files = 0;
  std::size_t declarations = 0;
  std::size_t constants = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fixtures)) {
    if (!entry.is_regular_file() || !source_file(entry.path()) ||
        entry.path().string().find("node_modules") != std::string::npos) {
      continue;
    }
    const auto text = pgadvise::core::read_file(entry.path(), std::size_t{16} << 20U);
    ASSERT_TRUE(text.ok()) << entry.path();
    const Program full = parse_program(*text);
    const Program light = parse_declarations(*text);
    ASSERT_EQ(facts(full), facts(light)) << entry.path();
    ++files;
    declarations += full.declarations.size();
    constants += static_cast<std::size_t>(
        std::count_if(full.declarations.begin(), full.declarations.end(),
                      [&](const Declaration& d) { return constant(full, d.init) != "-"; }));
  }
  // The comparison covered real ground: hundreds of sources, hundreds of
  // declarations, constants among them.
  EXPECT_GT(files, 300U);
  EXPECT_GT(declarations, 800U);
  EXPECT_GT(constants, 10U);
}

TEST(ParseDeclarations, PassesOverBodiesCallsAndNestedLiteralsButReadsPlainConstants) {
  const std::string source = R"(import { db } from "./db";
export const ROLES = ["owner", "admin", "member"];
export const LIMITS = { page: 50, max: 500 };
const MAX_ATTEMPTS = 5;
export const getUser = async (id: string) => {
  const rows = await db.select().from(users).where(eq(users.id, id));
  return rows[0] ?? null;
};
export const tool = { id: "x", params: { a: { type: "string" } }, run: async () => ({ ok: true }) };
export function helper() { return [1, 2, 3].map((n) => n * 2); }
const later = useMemo(() => compute(a, [b, c]), [a]);
)";
  const Program full = parse_program(source);
  const Program light = parse_declarations(source);
  EXPECT_EQ(facts(full), facts(light));
  // The trees it did not build: far fewer nodes for the same facts.
  EXPECT_LT(light.nodes.size() * 2, full.nodes.size());
  const auto value = [&](const std::string& name) {
    for (const Declaration& d : light.declarations) {
      if (d.name == name) {
        return constant(light, d.init);
      }
    }
    return std::string("missing");
  };
  EXPECT_EQ(value("ROLES"), "[3]");
  EXPECT_EQ(value("LIMITS"), "{2}");
  EXPECT_EQ(value("MAX_ATTEMPTS"), "5");
  EXPECT_EQ(value("tool"), "-");
  EXPECT_EQ(value("later"), "-");
}

// A component whose body returns JSX: the full parse reads the return as
// an expression and can run past the function's end, losing the
// declarations after it; passing over the body (its braces are matched)
// does not. (Found on a real app's route component.)
TEST(ParseDeclarations, AFunctionReturningJsxDoesNotHideTheDeclarationsAfterIt) {
  const std::string source = R"(const Badge = memo<{ record: any }>(({ record }) => {
  const status: string | null = record.status;
  if (!status || status === 'pending')
    return <Tag status="default" text={<Text>{t('run.status.pending')}</Text>} />;
  if (status === 'passed') return <Tag color="green">{t('table.filter.passed')}</Tag>;
  return <span className={cn("x", status)}>{status}</span>;
});

export const RETRYABLE = ["failed", "timeout"];

export function Table() {
  return <div>{rows.map((r) => <Badge status={r.status} />)}</div>;
}
)";
  const Program light = parse_declarations(source);
  std::vector<std::string> names;
  for (const Declaration& d : light.declarations) {
    names.push_back(d.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Badge", "RETRYABLE"}));
  ASSERT_EQ(light.statements.size(), 1U);
  EXPECT_EQ(light.statements[0].name, "Table");
  EXPECT_TRUE(light.statements[0].exported);
}

} // namespace parse_declarations_test
