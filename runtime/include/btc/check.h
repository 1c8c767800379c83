// btc/check.h: broken invariants, for the compiler and the runtime alike.
//
// A state the code rules out (a switch that fell through every enumerator, a side table
// without the entry sema promised) is a bug in btc, never a user mistake: it stops the process
// with the place and the reason instead of carrying on with a made-up value.
// Example: BTC_CHECK(it != slots.end(), "sema types every args field");
#pragma once

namespace btc {

[[noreturn]] void invariant_failed(const char* file, int line, const char* what);

} // namespace btc

#define BTC_UNREACHABLE(what) ::btc::invariant_failed(__FILE__, __LINE__, what)
#define BTC_CHECK(cond, what)                                                                      \
  do {                                                                                             \
    if (!(cond)) ::btc::invariant_failed(__FILE__, __LINE__, "check failed: " #cond ": " what);    \
  } while (0)
