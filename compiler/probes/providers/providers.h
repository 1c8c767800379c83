// providers.h: the compiler's probe providers, one per family (internal to the registry).
//
// Each family's file defines its ProbeKindDesc(s) and a Provider subclass; the registry
// (../registry.cpp) maps every ProbeKind to one of these.
#pragma once

#include "probes/provider.h"

namespace btc::probes::providers {

const Provider& begin();
const Provider& self_signal();
const Provider& test();
const Provider& bench();
const Provider& end();
const Provider& tracepoint();
const Provider& interval();
const Provider& profile();
const Provider& software();
const Provider& hardware();
const Provider& kprobe();
const Provider& kretprobe();
const Provider& kfunc();
const Provider& kretfunc();
const Provider& uprobe();
const Provider& uretprobe();
const Provider& usdt();
const Provider& rawtracepoint();
const Provider& watchpoint();
const Provider& asyncwatchpoint();
const Provider& iter();

// Defines `const Provider& NAME()`: the one instance of provider TYPE, built from the rest.
#define BTC_PROVIDER(NAME, TYPE, ...)                                                              \
  const Provider& NAME() {                                                                         \
    static const TYPE instance(__VA_ARGS__);                                                       \
    return instance;                                                                               \
  }

// args->NAME of a probe typed from a BTF function prototype (kfunc/kretfunc; rawtracepoint:
// its btf_trace_EVENT prototype): every attach point must have the parameter, same type.
ast::Type btf_args_field(SemaContext& cx, ast::Expr& e, ast::FieldAccess& f);
// The lowering side: the parameter's u64 slot, which sema recorded.
llvm::Value* lower_btf_args_field(const Provider& p, LowerContext& lx, const ast::Expr& e,
                                  const ast::FieldAccess& f);

} // namespace btc::probes::providers
