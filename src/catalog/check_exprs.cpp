// check_exprs.cpp — names, columns and pretty text of registered CHECK constraints.
#include "check_exprs.hpp"

#include <algorithm>
#include <cctype>

namespace riffq::catalog {
namespace {

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
}

// Copies a quoted token ('…' or "…", doubled quotes inside) starting at s[i]; returns its end.
size_t quoted_end(const std::string& s, size_t i) {
  const char q = s[i];
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] != q) continue;
    if (j + 1 < s.size() && s[j + 1] == q) {
      ++j;
      continue;
    }
    return j + 1;
  }
  return s.size();
}

// The expression as text runs and parenthesised groups; a group after a name or after
// ANY / ALL / ARRAY is a call's argument list and keeps its parentheses.
struct Piece {
  bool group = false;
  bool call = false;
  bool array_op = false;  // the list of `x op ANY / ALL (…)`
  std::string text;
  std::vector<Piece> kids;
};

std::vector<Piece> parse(const std::string& s, size_t& i) {
  std::vector<Piece> out;
  auto text = [&]() -> std::string& {
    if (out.empty() || out.back().group) out.push_back(Piece{});
    return out.back().text;
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\'' || c == '"') {
      const size_t end = quoted_end(s, i);
      text() += s.substr(i, end - i);
      i = end;
    } else if (c == ')') {
      ++i;
      return out;
    } else if (c == '(') {
      Piece g;
      g.group = true;
      if (!out.empty() && !out.back().group) {
        const std::string& before = out.back().text;
        size_t end = before.find_last_not_of(' ');
        size_t start = end == std::string::npos ? 0 : end;
        while (start > 0 && ident_char(before[start - 1])) --start;
        std::string word = end == std::string::npos ? "" : before.substr(start, end - start + 1);
        for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        g.array_op = word == "ANY" || word == "ALL" || word == "SOME";
        g.call = (!before.empty() && (ident_char(before.back()) || before.back() == '"')) ||
                 g.array_op || word == "IN";
      }
      ++i;
      g.kids = parse(s, i);
      out.push_back(std::move(g));
    } else {
      text() += c;
      ++i;
    }
  }
  return out;
}

// What a sequence is at its own level: an OR, an AND, a NOT, or anything else ("op").
char kind(const std::vector<Piece>& seq) {
  bool has_and = false;
  for (const Piece& p : seq) {
    if (p.group) continue;
    if (p.text.find(" OR ") != std::string::npos) return 'o';
    if (p.text.find(" AND ") != std::string::npos) has_and = true;
  }
  if (has_and) return 'a';
  if (!seq.empty() && !seq.front().group && seq.front().text.rfind("NOT ", 0) == 0) return 'n';
  return 'x';
}

bool atom(const std::vector<Piece>& seq) {
  return seq.size() == 1 && !seq[0].group && seq[0].text.find(' ') == std::string::npos;
}

// A ScalarArrayOpExpr (x = ANY (…)): PostgreSQL's isSimpleNode does not know it, so it keeps its
// parentheses under AND / OR / NOT.
bool array_op(const std::vector<Piece>& seq) {
  return std::any_of(seq.begin(), seq.end(), [](const Piece& p) { return p.array_op; });
}

// The operator of a binary arithmetic expression `x + y` (operands plain words or groups), or 0.
char arithmetic(const std::vector<Piece>& seq) {
  std::string shape;
  for (const Piece& p : seq) shape += p.group ? "#" : p.text;
  const size_t a = shape.find(' ');
  if (a == std::string::npos || a + 3 > shape.size() || shape[a + 2] != ' ') return 0;
  const char op = shape[a + 1];
  if (std::string_view("+-*/%").find(op) == std::string_view::npos) return 0;
  const auto plain = [](std::string_view w) { return !w.empty() && w.find(' ') == w.npos; };
  return plain(std::string_view(shape).substr(0, a)) && plain(std::string_view(shape).substr(a + 3))
             ? op
             : 0;
}

// isSimpleNode for an arithmetic operand of an arithmetic operator: * / % inside + -, or the
// left operand of an operator of the same priority ((a - b) - c, not a - (b - c)).
bool arithmetic_operand_simple(char child, char parent, bool left) {
  const auto high = [](char op) { return op == '*' || op == '/' || op == '%'; };
  if (child == 0 || parent == 0) return false;
  if (high(child) != high(parent)) return high(child);
  return left;
}

// The group follows CASE's WHEN / THEN / ELSE (whose keywords act as parentheses).
bool in_case(const std::vector<Piece>& seq, size_t n) {
  if (n == 0 || seq[n - 1].group) return false;
  const std::string& t = seq[n - 1].text;
  for (const char* kw : {"WHEN ", "THEN ", "ELSE "})
    if (t.size() >= 5 && t.compare(t.size() - 5, 5, kw) == 0) return true;
  return false;
}

std::string render(const std::vector<Piece>& seq) {
  const char k = kind(seq);
  std::string out;
  for (size_t n = 0; n < seq.size(); ++n) {
    const Piece& p = seq[n];
    if (!p.group) {
      out += p.text;
      continue;
    }
    bool unwrap = false;
    if (!p.call) {
      const bool cast_follows =
          n + 1 < seq.size() && !seq[n + 1].group && seq[n + 1].text.rfind("::", 0) == 0;
      const char child = kind(p.kids);
      if (cast_follows)  // an atom, or an expression keeping its own parentheses: ((a + b))::t
        unwrap = atom(p.kids) || (p.kids.size() == 1 && p.kids[0].group && !p.kids[0].call);
      else if (in_case(seq, n))
        unwrap = true;
      else if (child == 'x' && array_op(p.kids))
        unwrap = false;
      else if (k == 'a' || k == 'o')
        unwrap = child == 'x' || child == 'a' || child == 'n' || (child == 'o' && k == 'o');
      else if (k == 'n')
        unwrap = child == 'x';
      else
        unwrap = arithmetic_operand_simple(arithmetic(p.kids), arithmetic(seq), n == 0);
    }
    out += unwrap ? render(p.kids) : "(" + render(p.kids) + ")";
  }
  return out;
}

}  // namespace

std::vector<int64_t> check_attnums(const UserRelation& rel, const std::string& expr) {
  std::vector<int64_t> found;
  size_t i = 0;
  while (i < expr.size()) {
    const char c = expr[i];
    if (c == '\'') {
      i = quoted_end(expr, i);
      continue;
    }
    std::string name;
    const size_t start = i;
    if (c == '"') {
      const size_t end = quoted_end(expr, i);
      name = expr.substr(i + 1, end - i - 2);
      i = end;
    } else if (ident_char(c) && std::isdigit(static_cast<unsigned char>(c)) == 0) {
      while (i < expr.size() && ident_char(expr[i])) ++i;
      name = expr.substr(start, i - start);
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else {
      // Numbers are skipped whole, so "1e5" is not read as a column e5.
      while (i < expr.size() && ident_char(expr[i])) ++i;
      if (i == start) ++i;
      continue;
    }
    // A type after ::, and a function name before (, are not columns.
    const bool type_name = start >= 2 && expr.compare(start - 2, 2, "::") == 0;
    const bool function = i < expr.size() && expr[i] == '(';
    if (type_name || function) continue;
    for (size_t k = 0; k < rel.columns.size(); ++k) {
      const auto attnum = static_cast<int64_t>(k + 1);
      if (rel.columns[k].name == name &&
          std::find(found.begin(), found.end(), attnum) == found.end())
        found.push_back(attnum);
    }
  }
  return found;
}

std::string check_name(const UserRelation& rel, const UserCheck& check) {
  if (!check.name.empty()) return check.name;
  const std::vector<int64_t> cols = check_attnums(rel, check.expr);
  if (cols.size() == 1)
    return rel.name + "_" + rel.columns[static_cast<size_t>(cols[0] - 1)].name + "_check";
  return rel.name + "_check";
}

std::string pretty_check_expr(const std::string& expr) {
  size_t i = 0;
  std::vector<Piece> seq = parse(expr, i);
  // PostgreSQL wraps a whole operator or boolean expression in parentheses only when not pretty.
  if (seq.size() == 1 && seq[0].group && !seq[0].call) return render(seq[0].kids);
  return render(seq);
}

}  // namespace riffq::catalog
