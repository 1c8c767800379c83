// usdt.h: usdt attach points, resolved on the host where the tool runs (the usdt provider is
// in usdt.cpp; these are the pieces of its resolution that tests reach directly).
//
// Input: the manifest's usdt ProbeDescs (target = BIN as written, possibly empty or with '*';
// func = "NAME" or "NS:NAME"), -p PID, the ELF notes of the matched files. Output: one
// AttachPoint per matched (file, provider, name), each with one uprobe per probe site; the
// btc_usdt_specs map (btc/usdt.h) sized before load and filled before each attach.
// Example: usdt:/usr/bin/python3.11:gc__start -> "usdt:/usr/bin/python3.11:python:gc__start",
// one site at file offset 0x287f3, ref_ctr_offset 0x28426e, arg0 = {Deref, rsp + 112, 4, signed}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

// "NS:NAME" / "NAME" split; ns empty when absent.
struct UsdtName {
  std::string ns, name;
};
UsdtName split_usdt_name(std::string_view func);

// The files mapped by a process (/proc/PID/maps text), in order, without duplicates or
// non-file mappings.
std::vector<std::string> mapped_files(std::string_view maps);

} // namespace btc::rt
