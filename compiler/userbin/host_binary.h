// host_binary.h: a traced user binary as this host finds it.
#pragma once

#include <string>

namespace btc::userbin {

// The binary a uprobe/usdt names (a path, or a name looked up in $PATH) on this host; "" if
// not found or not readable.
std::string host_binary(const std::string& target);

} // namespace btc::userbin
