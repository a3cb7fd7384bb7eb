#include "loaders/typescript/reparse.hpp"

#include "loaders/typescript/parser.hpp"
#include "loaders/typescript/parser_internal.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace pgadvise::loaders::ts {

namespace {

constexpr std::size_t k_none = static_cast<std::size_t>(-1);
// Trees kept clear of the budget a reparse checks against: its count is the
// full parse's, but the full parse stops only once past it.
constexpr std::size_t k_budget_margin = 64;

std::size_t line_start(std::string_view text, std::size_t at) {
  const std::size_t newline = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
  return newline == std::string_view::npos ? 0 : newline + 1;
}

// The first thing of a statement's first token: its first leading comment,
// else the token. Its line's start is where the statement's text begins.
struct Lead {
  std::size_t offset = 0;
  int line = 1;
};

Lead lead(const Program& program, std::size_t token) {
  const Token& t = program.lex.tokens[token];
  if (t.comments_begin < t.comments_end) {
    const Comment& comment = program.lex.comments[t.comments_begin];
    return {comment.offset, comment.line};
  }
  return {t.offset, t.line};
}

// Where unit `k`'s lines begin, when the token before it ends on an earlier
// line (so the unit's text is whole lines); k_none otherwise.
std::size_t boundary(const Program& program, std::string_view text, std::size_t k) {
  if (k == 0) {
    return 0;
  }
  const std::size_t first = program.units[k].first_token;
  const Lead at = lead(program, first);
  if (program.lex.tokens[first - 1].end_line >= at.line) {
    return k_none;
  }
  return line_start(text, at.offset);
}

bool closes(const Token& open, const Token& close) {
  if (open.kind == TokenKind::template_head) {
    return close.kind == TokenKind::template_tail;
  }
  return (open.is_punct("(") && close.is_punct(")")) || (open.is_punct("[") && close.is_punct("]")) ||
         (open.is_punct("{") && close.is_punct("}"));
}

// Whether tokens [0, count) close every bracket they open and open every
// one they close: then they match the same brackets wherever they stand.
bool balanced(const std::vector<Token>& tokens, std::size_t count) {
  std::vector<const Token*> open;
  for (std::size_t i = 0; i < count; ++i) {
    if (detail::is_opener(tokens[i])) {
      open.push_back(&tokens[i]);
    } else if (detail::is_closer(tokens[i])) {
      if (open.empty() || !closes(*open.back(), tokens[i])) {
        return false;
      }
      open.pop_back();
    }
  }
  return open.empty();
}

// The statements of one side of the edit (the old text's or the new's),
// parsed alone with the token after them as context.
struct Region {
  Program program;
  std::size_t tokens = 0; // its own tokens, the context (and the end token) after them
  std::size_t comments = 0;
};

// The text [begin, end) parsed alone, up to `context_offset` (the token
// after it, relative to `begin`; k_none: to the end of the file). Nullopt
// when it does not stand alone: a problem of the tokenizer, an unbalanced
// bracket, a statement that reads past the context or ends beyond it, or
// what is not placed by its tokens (export lists, a default export, a rest
// pattern's keys).
std::optional<Region> parse_region(std::string_view text, std::size_t begin, std::size_t end,
                                   std::size_t context_offset, const Token* context) {
  Region region;
  const bool at_eof = context == nullptr;
  const std::size_t length = (at_eof ? end : begin + context_offset + context->length) - begin;
  region.program = at_eof ? parse_program(std::string(text.substr(begin, length)))
                          : parse_statements_before(std::string(text.substr(begin, length)), context_offset);
  const Program& program = region.program;
  const std::vector<Token>& tokens = program.lex.tokens;
  if (!program.lex.problems.empty()) {
    return std::nullopt;
  }
  if (at_eof) {
    region.tokens = tokens.size();
    region.comments = program.lex.comments.size();
  } else {
    if (tokens.size() < 2) {
      return std::nullopt;
    }
    const Token& last = tokens[tokens.size() - 2];
    if (last.offset != context_offset || last.kind != context->kind || last.text != context->text) {
      return std::nullopt;
    }
    region.tokens = tokens.size() - 2;
    region.comments = last.comments_begin;
    // Nothing of the region reaches into the context's lines: a comment
    // opened in it may close in a comment before the context.
    const std::size_t region_length = end - begin;
    const std::size_t leading = last.comments_end - last.comments_begin;
    if (leading != context->comments_end - context->comments_begin ||
        (leading > 0 && program.lex.comments[last.comments_begin].offset < region_length) ||
        (region.tokens > 0 &&
         tokens[region.tokens - 1].offset + tokens[region.tokens - 1].length > region_length)) {
      return std::nullopt;
    }
  }
  if (!balanced(tokens, region.tokens)) {
    return std::nullopt;
  }
  for (const Unit& unit : program.units) {
    if (!at_eof && (unit.end_token > region.tokens || unit.furthest > region.tokens)) {
      return std::nullopt;
    }
  }
  // What is not placed by its tokens cannot be put in place.
  if (!program.export_names.empty() || !program.export_list.empty() || !program.default_export.empty() ||
      program.default_expression || !program.rest_omits.empty()) {
    return std::nullopt;
  }
  return region;
}

bool same_token(const Token& a, const Token& b) {
  // A `/` is read by what comes before it (a division or a regular expression).
  return a.kind == b.kind && a.text == b.text && (a.text.empty() || a.text.front() != '/');
}

// Moves views of the old source to the same characters of the new one.
class Rebase {
public:
  Rebase(std::string_view from, std::string_view to) : m_from(from), m_to(to) {}
  [[nodiscard]] std::string_view operator()(std::string_view view, std::size_t shift) const {
    const char* at = view.data();
    if (at == nullptr || at < m_from.data() || at > m_from.data() + m_from.size()) {
      return view; // a decoded string's: it stays where it is
    }
    return {m_to.data() + (static_cast<std::size_t>(at - m_from.data()) + shift), view.size()};
  }

private:
  std::string_view m_from;
  std::string_view m_to;
};

void shift_tokens(Node& node, std::size_t by) {
  node.first_token += by;
  node.last_token += by;
  node.name_token += by;
  for (Property& property : node.properties) {
    property.key_token += by;
    property.last_token += by;
  }
}

std::size_t first_token(const Import& i) {
  return i.token;
}
std::size_t first_token(const NamedStatement& s) {
  return s.first_token;
}
std::size_t first_token(const ReExport& r) {
  return r.token;
}
std::size_t first_token(const Declaration& d) {
  return d.first_token;
}

NodeId moved(NodeId id, std::size_t base) {
  return id == k_no_node ? k_no_node : static_cast<NodeId>(id + base);
}

// The items of the region (`fresh`, placed by their first token) put in
// place of the old ones in [first, last), each moved by `first` and given
// to `adopt` (its nodes renumbered); those after move by `shift`.
template <typename Item, typename Move, typename Adopt>
void splice(std::vector<Item>& items, const std::vector<Item>& fresh, std::size_t first, std::size_t last,
            std::size_t shift, Move move, Adopt adopt) {
  std::vector<Item> out;
  out.reserve(items.size() + fresh.size());
  std::size_t i = 0;
  for (; i < items.size() && first_token(items[i]) < first; ++i) {
    out.push_back(std::move(items[i]));
  }
  for (Item item : fresh) {
    move(item, first);
    adopt(item);
    out.push_back(std::move(item));
  }
  for (; i < items.size(); ++i) {
    if (first_token(items[i]) >= last) {
      move(items[i], shift);
      out.push_back(std::move(items[i]));
    }
  }
  items = std::move(out);
}

// Where an edit falls: old text [begin, end) is the new text [begin, new_end),
// the whole lines of units [k0, k1), tokens [first, last) (to the end of the
// file, its end token included, when at_eof).
struct Edit {
  std::size_t k0 = 0;
  std::size_t k1 = 0;
  std::size_t first = 0;
  std::size_t last = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t new_end = 0;
  bool at_eof = false;
  std::ptrdiff_t delta = 0;
};

// The lines of the units the edit from `old_text` to `text` touched, from
// the start of the first to the start of the unit after them, which the edit
// left as it was. Nullopt when a unit before them read into them.
std::optional<Edit> locate(const Program& program, std::string_view old_text, std::string_view text) {
  const std::vector<Token>& tokens = program.lex.tokens;
  const std::vector<Unit>& units = program.units;
  // What changed: old [prefix, changed_end).
  const std::size_t shorter = std::min(old_text.size(), text.size());
  const auto prefix = static_cast<std::size_t>(
      std::mismatch(old_text.begin(), old_text.begin() + static_cast<std::ptrdiff_t>(shorter), text.begin())
          .first -
      old_text.begin());
  std::size_t suffix = 0;
  while (suffix < shorter - prefix &&
         old_text[old_text.size() - 1 - suffix] == text[text.size() - 1 - suffix]) {
    ++suffix;
  }
  const std::size_t changed_end = old_text.size() - suffix;
  Edit edit;
  edit.k0 = static_cast<std::size_t>(std::upper_bound(units.begin(), units.end(), prefix,
                                                      [&](std::size_t at, const Unit& unit) {
                                                        return at < tokens[unit.first_token].offset;
                                                      }) -
                                     units.begin());
  edit.k0 = edit.k0 == 0 ? 0 : edit.k0 - 1;
  edit.begin = boundary(program, old_text, edit.k0);
  while (edit.begin == k_none || edit.begin > prefix) {
    --edit.k0; // unit 0 begins at 0
    edit.begin = boundary(program, old_text, edit.k0);
  }
  edit.end = old_text.size();
  for (edit.k1 = edit.k0 + 1; edit.k1 < units.size(); ++edit.k1) {
    const std::size_t at = boundary(program, old_text, edit.k1);
    if (at != k_none && at > 0 && at - 1 >= changed_end && at - 1 >= prefix) {
      edit.end = at;
      break;
    }
  }
  edit.at_eof = edit.k1 >= units.size();
  edit.first = units[edit.k0].first_token;
  edit.last = edit.at_eof ? tokens.size() : units[edit.k1].first_token;
  for (std::size_t k = 0; k < edit.k0; ++k) {
    if (units[k].furthest > edit.first) {
      return std::nullopt;
    }
  }
  edit.delta = static_cast<std::ptrdiff_t>(text.size()) - static_cast<std::ptrdiff_t>(old_text.size());
  edit.new_end = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(edit.end) + edit.delta);
  return edit;
}

// Whether the program's items in the old region are those its parse alone gave.
bool same_items(const Program& program, const Edit& edit, const Program& old_region) {
  const auto count = [&](const auto& items) {
    return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [&](const auto& item) {
      return first_token(item) >= edit.first && first_token(item) < edit.last;
    }));
  };
  return count(program.declarations) == old_region.declarations.size() &&
         count(program.imports) == old_region.imports.size() &&
         count(program.statements) == old_region.statements.size() &&
         count(program.re_exports) == old_region.re_exports.size();
}

// Views of the region's own text moved to the same characters of the new
// file's text; its decoded strings copied to the new text's.
class RegionViews {
public:
  RegionViews(const LexedText& region, LexedText& lexed, std::size_t begin)
      : m_region(region.source), m_to(lexed.source.data() + begin) {
    for (const std::string& decoded : region.decoded) {
      lexed.decoded.push_back(decoded);
      m_decoded.emplace(decoded.data(), std::pair(decoded.size(), &lexed.decoded.back()));
    }
  }
  [[nodiscard]] std::string_view operator()(std::string_view view) const {
    const char* at = view.data();
    if (at == nullptr) {
      return view;
    }
    if (at >= m_region.data() && at <= m_region.data() + m_region.size()) {
      return {m_to + static_cast<std::size_t>(at - m_region.data()), view.size()};
    }
    auto found = m_decoded.upper_bound(at);
    if (found == m_decoded.begin()) {
      return view;
    }
    --found;
    const auto within = static_cast<std::size_t>(at - found->first);
    return within + view.size() <= found->second.first
               ? std::string_view(*found->second.second).substr(within, view.size())
               : view;
  }

private:
  std::string_view m_region;
  const char* m_to;
  // By where each decoded string of the region was: its length and its copy.
  std::map<const char*, std::pair<std::size_t, const std::string*>> m_decoded;
};

// How the lines, tokens and comments after the region move, and where the
// region's own start.
struct Shifts {
  std::size_t bytes = 0;
  std::size_t tokens = 0;
  std::size_t comments = 0;
  int lines = 0;
  std::size_t comments_first = 0; // the region's first comment
  std::size_t comments_last = 0;  // the first comment after it
  int first_line = 1;             // the region's first line
};

Shifts shifts(const Program& program, const Edit& edit, const Region& after, std::string_view old_text,
              std::string_view text) {
  const std::vector<Token>& tokens = program.lex.tokens;
  Shifts out;
  out.bytes = static_cast<std::size_t>(edit.delta);
  out.tokens = after.tokens - (edit.last - edit.first);
  out.comments_first = tokens[edit.first].comments_begin;
  out.comments_last = edit.at_eof ? program.lex.comments.size() : tokens[edit.last].comments_begin;
  out.comments = after.comments - (out.comments_last - out.comments_first);
  const auto lines = [](std::string_view span) { return std::count(span.begin(), span.end(), '\n'); };
  out.lines = static_cast<int>(lines(text.substr(edit.begin, edit.new_end - edit.begin)) -
                               lines(old_text.substr(edit.begin, edit.end - edit.begin)));
  out.first_line = edit.k0 == 0 ? 1 : lead(program, edit.first).line;
  return out;
}

void splice_tokens(std::vector<Token>& all, const Edit& edit, const Shifts& by, const Rebase& rebase,
                   const RegionViews& views, const Region& after) {
  for (std::size_t i = 0; i < edit.first; ++i) {
    all[i].text = rebase(all[i].text, 0);
  }
  for (std::size_t i = edit.last; i < all.size(); ++i) {
    Token& t = all[i];
    t.text = rebase(t.text, by.bytes);
    t.offset = static_cast<std::uint32_t>(t.offset + by.bytes);
    t.line += by.lines;
    t.end_line += by.lines;
    t.comments_begin = static_cast<std::uint32_t>(t.comments_begin + by.comments);
    t.comments_end = static_cast<std::uint32_t>(t.comments_end + by.comments);
  }
  const std::vector<Token>& fresh = after.program.lex.tokens;
  std::vector<Token> inserted(fresh.begin(), fresh.begin() + static_cast<std::ptrdiff_t>(after.tokens));
  for (Token& t : inserted) {
    t.text = views(t.text);
    t.offset = static_cast<std::uint32_t>(t.offset + edit.begin);
    t.line += by.first_line - 1;
    t.end_line += by.first_line - 1;
    t.comments_begin = static_cast<std::uint32_t>(t.comments_begin + by.comments_first);
    t.comments_end = static_cast<std::uint32_t>(t.comments_end + by.comments_first);
  }
  all.erase(all.begin() + static_cast<std::ptrdiff_t>(edit.first),
            all.begin() + static_cast<std::ptrdiff_t>(edit.last));
  all.insert(all.begin() + static_cast<std::ptrdiff_t>(edit.first), inserted.begin(), inserted.end());
}

void splice_comments(std::vector<Comment>& comments, const Edit& edit, const Shifts& by, const Rebase& rebase,
                     const RegionViews& views, const Region& after) {
  for (std::size_t i = 0; i < by.comments_first; ++i) {
    comments[i].text = rebase(comments[i].text, 0);
  }
  for (std::size_t i = by.comments_last; i < comments.size(); ++i) {
    Comment& c = comments[i];
    c.text = rebase(c.text, by.bytes);
    c.offset += by.bytes;
    c.line += by.lines;
    c.end_line += by.lines;
  }
  const std::vector<Comment>& fresh = after.program.lex.comments;
  std::vector<Comment> inserted(fresh.begin(), fresh.begin() + static_cast<std::ptrdiff_t>(after.comments));
  for (Comment& c : inserted) {
    c.text = views(c.text);
    c.offset += edit.begin;
    c.line += by.first_line - 1;
    c.end_line += by.first_line - 1;
  }
  comments.erase(comments.begin() + static_cast<std::ptrdiff_t>(by.comments_first),
                 comments.begin() + static_cast<std::ptrdiff_t>(by.comments_last));
  comments.insert(comments.begin() + static_cast<std::ptrdiff_t>(by.comments_first), inserted.begin(),
                  inserted.end());
}

// The tokens, comments and text of the new file: the region's new ones put
// in place of the old, those after it moved, every view of the old text
// moved to the new one (the decoded strings of both kept: views of them
// stay valid).
void splice_lexed(Program& program, const Edit& edit, const Shifts& by, const Region& after,
                  std::string& text) {
  std::shared_ptr<const LexedText> old_lexed = std::move(program.lex.text);
  auto lexed = std::make_shared<LexedText>();
  lexed->source = std::move(text);
  lexed->decoded = std::move(const_cast<LexedText&>(*old_lexed).decoded);
  const Rebase rebase(old_lexed->source, lexed->source);
  const RegionViews views(*after.program.lex.text, *lexed, edit.begin);
  splice_tokens(program.lex.tokens, edit, by, rebase, views, after);
  splice_comments(program.lex.comments, edit, by, rebase, views, after);
  program.lex.text = std::move(lexed);
}

// The trees: those after the region move with their tokens, the region's
// new ones are appended, the old ones are left unreachable; then the
// declarations, imports, statements and units that point at them.
void splice_trees(Program& program, const Edit& edit, const Shifts& by, const Region& before,
                  const Region& after) {
  for (Node& node : program.nodes) {
    if (node.first_token >= edit.last) {
      shift_tokens(node, by.tokens);
    }
  }
  const std::size_t base = program.nodes.size();
  for (Node node : after.program.nodes) {
    shift_tokens(node, edit.first);
    for (NodeId& child : node.children) {
      child = moved(child, base);
    }
    node.tag = moved(node.tag, base);
    node.body = moved(node.body, base);
    for (Property& property : node.properties) {
      property.value = moved(property.value, base);
    }
    program.nodes.push_back(std::move(node));
  }
  program.unreachable_nodes += before.program.nodes.size();
  const auto keep = [](const auto&) {};
  splice(
      program.declarations, after.program.declarations, edit.first, edit.last, by.tokens,
      [](Declaration& d, std::size_t shift) {
        d.name_token += shift;
        d.first_token += shift;
        d.last_token += shift;
      },
      [&](Declaration& d) { d.init = moved(d.init, base); });
  splice(
      program.imports, after.program.imports, edit.first, edit.last, by.tokens,
      [](Import& i, std::size_t shift) { i.token += shift; }, keep);
  splice(
      program.statements, after.program.statements, edit.first, edit.last, by.tokens,
      [](NamedStatement& s, std::size_t shift) {
        s.first_token += shift;
        s.name_token += shift;
      },
      [&](NamedStatement& s) { s.function = moved(s.function, base); });
  splice(
      program.re_exports, after.program.re_exports, edit.first, edit.last, by.tokens,
      [](ReExport& r, std::size_t shift) { r.token += shift; }, keep);
  if (program.default_expression && program.default_expression_token >= edit.last) {
    program.default_expression_token += by.tokens;
  }
  std::vector<Unit> units(program.units.begin(),
                          program.units.begin() + static_cast<std::ptrdiff_t>(edit.k0));
  for (const Unit& unit : after.program.units) {
    units.push_back({unit.first_token + edit.first, unit.end_token + edit.first, unit.furthest + edit.first});
  }
  for (std::size_t k = edit.k1; k < program.units.size(); ++k) {
    const Unit& unit = program.units[k];
    units.push_back({unit.first_token + by.tokens, unit.end_token + by.tokens, unit.furthest + by.tokens});
  }
  program.units = std::move(units);
}

} // namespace

bool reparse(Program& program, std::string& text) {
  // A text the tokenizer had to repair (an unterminated template's `${`
  // leaves it inside a substitution to the end) may read otherwise in a part
  // tokenized alone.
  if (!program.lex.text || program.lex.text.use_count() != 1 || program.units.empty() ||
      !program.lex.problems.empty()) {
    return false;
  }
  const std::string_view old_text = program.lex.text->source;
  if (old_text == text) {
    return true;
  }
  const std::optional<Edit> edit = locate(program, old_text, text);
  if (!edit) {
    return false;
  }
  const Token* context = edit->at_eof ? nullptr : &program.lex.tokens[edit->last];
  if (context != nullptr && detail::is_opener(*context)) {
    return false; // parsed alone, its bracket would match nothing
  }
  const std::size_t context_offset = edit->at_eof ? k_none : context->offset - edit->begin;
  const std::optional<Region> before =
      parse_region(old_text, edit->begin, edit->end, context_offset, context);
  const std::optional<Region> after =
      parse_region(text, edit->begin, edit->new_end,
                   context_offset + (edit->at_eof ? 0 : edit->new_end - edit->end), context);
  if (!before || !after || before->tokens != edit->last - edit->first ||
      !same_items(program, *edit, before->program)) {
    return false;
  }
  // The statement before the region looked at its first token.
  if (edit->k0 > 0 && !same_token(after->program.lex.tokens[0], program.lex.tokens[edit->first])) {
    return false;
  }
  // A text near the trees its size allows (detail::node_budget) is parsed
  // whole, which stops where the budget runs out as no part parsed alone can.
  const std::size_t tokens = program.lex.tokens.size() - before->tokens + after->tokens;
  const std::size_t nodes = program.nodes.size() - program.unreachable_nodes - before->program.nodes.size() +
                            after->program.nodes.size();
  if (nodes + k_budget_margin >= detail::node_budget(tokens)) {
    return false;
  }
  const Shifts by = shifts(program, *edit, *after, old_text, text);
  splice_lexed(program, *edit, by, *after, text);
  splice_trees(program, *edit, by, *before, *after);
  return true;
}

} // namespace pgadvise::loaders::ts
