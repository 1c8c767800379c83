// tracepoint_types.h: the sema Type of a tracepoint format field (`args->NAME`), as bpftrace
// 0.17 types them: integers by size/sign, `char[N]` as string[N], pointers as 64-bit pointers
// (user-space for syscalls:* tracepoints), `__data_loc` strings as a kernel pointer to the
// data inside the record (read them with str()).
#pragma once

#include "ast/type.h"
#include "btf/tracepoint.h"

#include <string>

namespace btc::btf {

ast::Type tracepoint_field_type(const btf::TracepointField& f, const std::string& tracepoint,
                                const btf::KernelBtf* btf = nullptr);

} // namespace btc::btf
