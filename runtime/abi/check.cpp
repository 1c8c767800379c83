// check.cpp: the report of a broken invariant (btc/check.h).
#include "btc/check.h"

#include <cstdio>
#include <cstdlib>

namespace btc {

void invariant_failed(const char* file, int line, const char* what) {
  std::fprintf(stderr, "btc: internal error at %s:%d: %s (please report this bug)\n", file, line,
               what);
  std::abort();
}

} // namespace btc
