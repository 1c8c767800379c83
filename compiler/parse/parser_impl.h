// parser_impl.h: the recursive-descent Parser shared by parse_program.cpp (preamble, probes),
// parse_stmt.cpp (blocks and statements) and parse_expr.cpp (expressions by precedence).
//
// Input: tokens from the Lexer, pulled lazily so that the parser can switch the lexer to raw
// attach-point/preamble reading between probes. Output: ast nodes; on a syntax error a parse
// function reports once, returns null, and the caller resynchronises.
#pragma once

#include "ast/ast.h"
#include "diag/diag.h"
#include "parse/lexer.h"
#include "parse/parser.h"

#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace btc::parse {

class Parser {
public:
  Parser(const source::SourceFile& file, diag::Diagnostics& diags, const ParseOptions& options);
  ast::Program parse_program();

private:
  // ---- token stream (parser.cpp) ----
  const Token& cur() { return peek(0); }
  const Token& peek(size_t n);
  Token take();
  bool at(Tok k) { return cur().kind == k; }
  bool accept(Tok k);
  // Consume a `k` or report "syntax error, unexpected X, expecting <expecting>".
  bool expect(Tok k, const std::string& expecting);
  void syntax_error(const Token& t, const std::string& expecting = {});
  void error(source::SourceRange r, std::string msg);
  // Skip to just after the next ';' or to the next '}' at the current nesting.
  void sync_statement();
  // Drop buffered tokens and put the lexer just after the last consumed token.
  void resync_lexer();
  bool too_many_errors() const;

  // ---- program level (parse_program.cpp) ----
  void parse_directive(ast::Program& prog, bool after_probes);
  void parse_c_definition(ast::Program& prog, bool after_probes);
  bool parse_probe(ast::Program& prog);
  bool parse_attach_points(ast::Probe& probe);
  ast::ExprPtr parse_predicate();
  void skip_probe_after_error();
  bool cond_active() const { return conds_.empty() || conds_.back().active; }

  // ---- preprocessor (preprocess.cpp) ----
  bool eval_condition(const std::string& expr, const ast::Program& prog) const;
  std::vector<std::string> header_dirs() const;
  std::optional<std::string> find_header(const std::string& name, bool system,
                                         const std::string& from_dir) const;
  void include_header(const std::string& path, ast::Program& prog, source::SourceRange at,
                      int depth);
  void header_enums(const std::string& code, ast::Program& prog, source::SourceRange at);
  void define_macro(ast::Program& prog, const std::string& name, const std::string& value,
                    bool function_like, source::SourceRange range, bool from_header = false);
  void undefine_macro(ast::Program& prog, const std::string& name);

  // ---- 0.2x top-level items (parse_items.cpp) ----
  bool parse_config(ast::Program& prog);
  bool parse_macro(ast::Program& prog);
  bool parse_map_decl(ast::Program& prog);
  bool parse_import(ast::Program& prog);

  // ---- statements (parse_stmt.cpp) ----
  // `trailing` (if given) tells whether the last statement was an expression without ';'.
  bool parse_block(ast::Block& out, bool* trailing = nullptr);
  // A block whose trailing expression (no ';') is its value: macro bodies, `{ ...; $b }`.
  bool parse_block_expr(ast::Block& stmts, ast::ExprPtr& value);
  ast::StmtPtr parse_let();
  ast::StmtPtr parse_for();
  // The condition of if/while: `(expr)` or, as 0.2x allows, a bare unary expression.
  ast::ExprPtr parse_condition();
  ast::StmtPtr parse_statement();
  ast::StmtPtr parse_if();
  ast::StmtPtr parse_while();
  ast::StmtPtr parse_unroll();
  ast::StmtPtr parse_assign_or_expr();

  // ---- expressions (parse_expr.cpp) ----
  ast::ExprPtr parse_expr();
  ast::ExprPtr parse_ternary();
  ast::ExprPtr parse_binary(int min_level);
  ast::ExprPtr parse_unary();
  ast::ExprPtr parse_postfix(ast::ExprPtr base);
  ast::ExprPtr parse_primary();
  ast::ExprPtr parse_paren();
  ast::ExprPtr parse_record(uint32_t begin);
  ast::ExprPtr parse_call(const Token& name);
  ast::ExprPtr parse_map();
  ast::ExprPtr parse_sizeof();
  ast::ExprPtr parse_offsetof();
  bool parse_expr_list(std::vector<ast::ExprPtr>& out, Tok close, const std::string& expecting);
  bool parse_type_name(ast::TypeName& out);
  bool cast_ahead();
  bool type_ahead();
  ast::ExprPtr make_incdec(ast::ExprPtr target, const Token& op, bool prefix,
                           source::SourceRange err_range);

  struct Cond {
    bool parent_active = true;
    bool active = true;
    bool taken = false;   // some branch of this #if chain was selected
    bool seen_else = false;
    source::SourceRange range;
  };

  const source::SourceFile& file_;
  diag::Diagnostics& diags_;
  const ParseOptions& options_;
  Lexer lex_;
  std::deque<Token> la_;          // lookahead buffer
  uint32_t last_end_ = 0;         // end offset of the last consumed token
  bool panic_ = false;            // an error was reported; suppress follow-ups until resync
  int depth_ = 0;                 // expression/block nesting (guards the native stack)
  std::vector<Cond> conds_;       // #if stack
  std::set<std::string> defined_; // names for #ifdef (incl. BPFTRACE_HAVE_BTF)
  size_t headers_read_ = 0;       // #include files read so far (bounded)
  bool allow_no_probes_ = false;  // an imported file may hold only macros
  std::vector<ast::Probe> imported_probes_; // probes of imported files: they come first
};

// Deepest nesting of blocks/expressions accepted before "nested too deeply" (protects the
// native stack from inputs such as 100000 opening parentheses).
inline constexpr int kMaxNesting = 200;

} // namespace btc::parse
