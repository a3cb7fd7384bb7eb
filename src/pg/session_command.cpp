#include "pg/session_command.hpp"

#include "core/text.hpp"
#include "pg/parser.hpp"

namespace pgadvise::pg {

SessionCommand session_command(std::string_view sql) {
  SessionCommand out;
  const ParseResult parsed = parse(sql);
  if (!parsed.ok()) {
    return out;
  }
  const auto& stmts = parsed.tree["stmts"];
  if (!stmts.is_array() || stmts.size() != 1 || !stmts[0].contains("stmt")) {
    return out;
  }
  const auto& stmt = stmts[0]["stmt"];
  if (stmt.contains("TransactionStmt")) {
    out.kind = SessionCommand::Kind::transaction;
  } else if (stmt.contains("VariableSetStmt")) {
    out.kind = SessionCommand::Kind::set;
    out.setting = core::to_lower(stmt["VariableSetStmt"].value("name", ""));
  } else {
    out.kind = SessionCommand::Kind::other;
  }
  return out;
}

} // namespace pgadvise::pg
