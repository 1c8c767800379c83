// probes.cpp: wildcard matching of attach points (spec 1.2).
#include "probes/probes.h"

#include "btc/wildcard.h"

namespace btc::probes {

bool wildcard_match(std::string_view pattern, std::string_view text) {
  return btc::wildcard_match(pattern, text);
}

} // namespace btc::probes
