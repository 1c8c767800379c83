// man_page.h: a generated tool's manual page (btc --emit=man), in man(7) roff.
//
// Input: the tool's manifest (header comment, getopt() options, positional parameters,
// version, script hash) and a date. Output: roff text for section 8, e.g. for opensnoop:
//   .TH OPENSNOOP 8 2026-12-07 "btc 0.1.0" "btc tools"
//   .SH NAME
//   opensnoop \- Trace open() syscalls.
// then SYNOPSIS, DESCRIPTION (the header comment, as written), OPTIONS, SCRIPT OPTIONS,
// POSITIONAL PARAMETERS, EXIT STATUS, ENVIRONMENT, SEE ALSO.
#pragma once

#include "btc/abi.h"

#include <string>
#include <string_view>

namespace btc::manifest {

std::string man_page(const abi::Manifest& m, std::string_view tool_name, std::string_view date);

// The date a man page carries: SOURCE_DATE_EPOCH's (reproducible builds), else today's;
// YYYY-MM-DD.
std::string man_page_date();

} // namespace btc::manifest
