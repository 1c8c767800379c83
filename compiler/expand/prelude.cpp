// prelude.cpp: btc's standard macros: bpftrace 0.2x functions that are plain bpftrace over
// other builtins (ppid is the parent task's pid, ...). They are expanded like the script's
// own macros, which take precedence over a prelude macro of the same name and arity. A
// prelude macro's nodes take the location of the call that expands them.
#include "expand/prelude.h"

#include "btc/check.h"
#include "parse/parser.h"

#include <cstdio>

namespace btc::expand {

namespace {

constexpr const char* kPrelude = R"(
macro ppid(task) { ((struct task_struct *)task)->real_parent->pid }
macro ppid() { curtask->real_parent->pid }
macro pcomm(task) { ((struct task_struct *)task)->real_parent->comm }
macro pcomm() { curtask->real_parent->comm }
macro leader_tid(task) { ((struct task_struct *)task)->group_leader->pid }
macro leader_tid() { curtask->group_leader->pid }
macro leader_comm(task) { ((struct task_struct *)task)->group_leader->comm }
macro leader_comm() { curtask->group_leader->comm }
macro is_err(ptr) { (uint64)ptr >= (uint64)-4095 }
macro has_cpid() { cpid != 0 }
macro assert(cond, msg) { if (!(cond)) { errorf("assert failed: %s", msg); exit(1); } }
macro find(@map, key, $var) { let $found = has_key(@map, key); if ($found) { $var = @map[key]; } $found }
BEGIN {}
)";

} // namespace

const std::vector<ast::MacroDef>& prelude_macros() {
  static const std::vector<ast::MacroDef> macros = [] {
    source::SourceFile file("<btc prelude>", kPrelude);
    diag::Diagnostics diags;
    ast::Program p = parse::parse(file, diags);
    if (diags.has_errors()) std::fputs(diag::render_all(diags, file).c_str(), stderr);
    BTC_CHECK(!diags.has_errors(), "the prelude parses");
    return std::move(p.macros);
  }();
  return macros;
}

} // namespace btc::expand
