// ast.h: the syntax tree of a bpftrace program, produced by the parser and annotated by sema.
//
// Expressions and statements are variants over small node structs; every node carries its
// SourceRange. Sema fills Expr::type (and a few resolved fields); nothing else mutates the tree.
// Example: `kprobe:f /pid > 1/ { @x[comm] = count(); }` becomes
//   Program{ probes: [Probe{ attach_points: ["kprobe:f"], predicate: Binary(>, Builtin pid,
//   IntLit 1), body: [Assign(MapRef @x [Builtin comm], Call count())] }] }
#pragma once

#include "ast/type.h"
#include "source/source.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace btc::builtins {
struct VarDesc;
struct FuncDesc;
} // namespace btc::builtins

namespace btc::ast {

using source::SourceRange;

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

// A type as written in a cast or sizeof: `uint32`, `struct task_struct *`, `path **`; or
// 0.26's `typeof(EXPR)`, the type of an expression that is never evaluated (`of`; name
// "typeof"). Copies deep-copy `of` (clone.cpp).
struct TypeName {
  std::string name;           // "uint32", "task_struct", "path" (without struct/union/enum)
  enum class Tag { None, Struct, Union, Enum } tag = Tag::None;
  int pointer_depth = 0;      // number of '*'
  std::optional<uint32_t> array_size; // `uint8[4]`; 0: `uint8[]` (an array cast's size)
  SourceRange range;
  ExprPtr of;
  bool in_typeof = false; // written `typeof(name)`: a macro parameter `name` is substituted

  TypeName();
  TypeName(const TypeName& other);
  TypeName(TypeName&& other) noexcept;
  TypeName& operator=(const TypeName& other);
  TypeName& operator=(TypeName&& other) noexcept;
  ~TypeName();
};

enum class BinOp {
  Add, Sub, Mul, Div, Mod, Shl, Shr, BitAnd, BitOr, BitXor,
  Lt, Le, Gt, Ge, Eq, Ne, LogAnd, LogOr,
};
enum class UnOp { Neg, LogNot, BitNot, Deref, AddrOf };

struct IntLit {
  uint64_t value = 0;          // two's complement bits; literals are int64 in 0.17
};
struct StrLit {
  std::string value;           // escapes already decoded
};
struct BoolLit {
  bool value = false; // true / false (bpftrace 0.2x)
};
// A builtin identifier: pid, comm, nsecs, arg0, retval, args, curtask, probe, kstack, ...
struct Builtin {
  std::string name;
  // Set by sema: the builtin's descriptor (and N of argN/sargN), which codegen dispatches on.
  const builtins::VarDesc* desc = nullptr;
  uint32_t index = 0;
};
// An identifier that is not a builtin (enum constant, #define leftover, `stack` legacy...).
struct Ident {
  std::string name;
};
struct Positional {
  uint32_t index = 0;          // $1 -> 1
};
struct PositionalCount {};     // $#
struct Var {
  std::string name;            // "$x" including the '$'
};
struct MapRef {
  std::string name;            // "@x", "@" for the anonymous map
  std::vector<ExprPtr> keys;   // empty: scalar map
};
struct Call {
  std::string name;            // printf, count, hist, str, ...
  std::vector<ExprPtr> args;
  SourceRange name_range;
  const builtins::FuncDesc* desc = nullptr; // set by sema: what codegen dispatches on
};
struct Binary {
  BinOp op;
  ExprPtr lhs, rhs;
};
struct Unary {
  UnOp op;
  ExprPtr operand;
};
// ++x, x++, --x, x-- on a $var or @map.
struct IncDec {
  ExprPtr target;
  bool increment = true;
  bool prefix = false;
};
struct Ternary {
  ExprPtr cond, then_expr, else_expr;
};
struct FieldAccess {
  ExprPtr base;
  std::string field;
  bool arrow = false;          // base->field (true) or base.field (false)
};
struct TupleIndex {
  ExprPtr base;
  uint32_t index = 0;          // t.0
};
struct Index {
  ExprPtr base;
  ExprPtr index;               // a[i]
};
struct Cast {
  TypeName type;
  ExprPtr operand;
};
struct Tuple {
  std::vector<ExprPtr> elems; // 0.17 writes >= 2 elements; 0.2x also `()` and `(x,)`
};
// A record literal `(name = "x", size = 2)` (bpftrace 0.2x): fields in written order.
struct RecordLit {
  std::vector<std::string> names;
  std::vector<ExprPtr> values;
};
// A block expression `{ let $b = 1; $b }` (bpftrace 0.2x; also what a macro call expands
// into): the statements run, then `value` (null: the block has no value).
struct BlockExpr {
  std::vector<StmtPtr> stmts;
  ExprPtr value;
};
struct Sizeof {
  std::variant<TypeName, ExprPtr> arg;
};
struct Offsetof {
  TypeName type;
  std::vector<std::string> fields;
};

using ExprNode =
    std::variant<IntLit, StrLit, BoolLit, Builtin, Ident, Positional, PositionalCount, Var, MapRef,
                 Call, Binary, Unary, IncDec, Ternary, FieldAccess, TupleIndex, Index, Cast, Tuple,
                 RecordLit, BlockExpr, Sizeof, Offsetof>;

struct Expr {
  ExprNode node;
  SourceRange range;
  Type type;                   // filled by sema
  template <class T> T* as() { return std::get_if<T>(&node); }
  template <class T> const T* as() const { return std::get_if<T>(&node); }
};

enum class AssignOp { Assign, Add, Sub, Mul, Div, Mod, BitAnd, BitOr, BitXor, Shl, Shr };

// ops.cpp: "+", "<=", "&&", ... as written in a script.
const char* binop_text(BinOp op);
const char* unop_text(UnOp op);
// The operator a compound assignment applies (`+=` -> Add); Add for plain `=` (never asked).
BinOp compound_binop(AssignOp op);

struct ExprStmt {
  ExprPtr expr;
};
// target is a Var or MapRef.
struct AssignStmt {
  AssignOp op = AssignOp::Assign;
  ExprPtr target;
  ExprPtr value;
  SourceRange op_range; // the `=` / `+=` token (0.17 locates map-update failures of `=` there)
};
struct IfStmt {
  ExprPtr cond;
  Block then_block;
  Block else_block;            // `else if` is an else block holding one IfStmt
  bool has_else = false;
  bool comptime = false; // 0.26's `if comptime (cond)`: decided when compiling
};
struct UnrollStmt {
  ExprPtr count;               // IntLit or Positional
  Block body;
};
struct WhileStmt {
  ExprPtr cond;
  Block body;
};
// `let $x[: TYPE] [= value];` (bpftrace 0.2x). The expand phase gives each declaration a name
// of its own for its block (so sema sees distinct variables) and keeps the statement so sema
// learns the declared type; `value` may be null.
struct LetStmt {
  std::string name;             // "$x" (after expand: the block-unique name)
  std::optional<TypeName> type; // declared type, if any
  ExprPtr value;
  SourceRange name_range;
  Type var_type; // filled by sema: the variable's type (None: never assigned)
};
// `for ($kv : @map) { ... }` or `for ($i : lo..hi) { ... }` (bpftrace 0.2x). The expand phase
// rewrites ranges into a while loop; map iteration reaches sema and codegen.
struct ForStmt {
  std::string var; // "$kv"
  ExprPtr map;     // a MapRef without keys, or null for a range
  ExprPtr lo, hi;  // the range's bounds (hi exclusive)
  Block body;
  SourceRange var_range;
};
struct BreakStmt {};
struct ContinueStmt {};
struct ReturnStmt {
  ExprPtr value; // `return 1;` (0.26: a test probe's result), or none
};

using StmtNode = std::variant<ExprStmt, AssignStmt, IfStmt, UnrollStmt, WhileStmt, LetStmt, ForStmt,
                              BreakStmt, ContinueStmt, ReturnStmt>;

struct Stmt {
  StmtNode node;
  SourceRange range;
  template <class T> T* as() { return std::get_if<T>(&node); }
  template <class T> const T* as() const { return std::get_if<T>(&node); }
};

// A node at `r` (the parser's and the expand phase's constructors).
inline ExprPtr make_expr(ExprNode node, SourceRange r) {
  auto e = std::make_unique<Expr>();
  e->node = std::move(node);
  e->range = r;
  return e;
}
inline StmtPtr make_stmt(StmtNode node, SourceRange r) {
  auto s = std::make_unique<Stmt>();
  s->node = std::move(node);
  s->range = r;
  return s;
}

// One attach point exactly as written (after positional-parameter text substitution is NOT
// done: `i:ms:$1` stays as is). The probes registry parses `text` into provider and parts.
struct AttachPoint {
  std::string text;
  SourceRange range;
};

struct Probe {
  std::vector<AttachPoint> attach_points;
  ExprPtr predicate;           // may be null
  Block body;
  SourceRange range;
};

// Preamble lines before the first probe.
struct Define {
  std::string name;
  std::string value;           // replacement text (object-like macros only)
  SourceRange range;           // a header's macros: the #include line
  bool from_header = false;    // read from an #included header
};
struct Include {
  std::string path;            // <linux/sched.h> -> "linux/sched.h"
  bool system = true;          // <...> vs "..."
  SourceRange range;
};
// A C struct/union/enum definition, kept as text for the C declaration parser.
struct CDefinition {
  std::string text;
  SourceRange range;
};

// `config = { key = value; ... }` (bpftrace 0.2x): one assignment as written.
struct ConfigItem {
  std::string key;   // as written: `max_strlen`, `BPFTRACE_MAX_STRLEN`, ...
  std::string value; // the text of an identifier, number or string
  enum class Kind { Ident, Int, String, Bool } kind = Kind::Ident;
  SourceRange range, value_range;
};
// `macro name(x, $v, @m) { ... }` (bpftrace 0.2x), expanded at its call sites by the expand
// phase. Parameters keep their sigil: "x" (an expression), "$v" (a variable), "@m" (a map).
struct MacroDef {
  std::string name;
  std::vector<std::string> params;
  std::vector<StmtPtr> body;
  ExprPtr value; // the body's trailing expression, if any
  SourceRange range, name_range;
};
// `let @m = lruhash(N);` (bpftrace 0.2x).
struct MapDecl {
  std::string name; // "@m"
  std::string kind; // hash, lruhash, percpuhash, percpulruhash, percpuarray
  uint64_t max_entries = 0;
  SourceRange range, kind_range;
};

struct Program {
  std::vector<ConfigItem> config;
  std::vector<MacroDef> macros;
  std::vector<MapDecl> map_decls;
  std::vector<Define> defines;
  std::vector<Include> includes;
  std::vector<CDefinition> c_definitions;
  std::vector<Probe> probes;
};

} // namespace btc::ast
