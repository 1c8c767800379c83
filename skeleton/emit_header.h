// skeleton/emit_header.h: writes a libbpf skeleton header (<name>.skel.h) for a BPF object.
//
// Input: the SkeletonModel of an object and the object's bytes. Output: C source shaped like
// what `bpftool gen skeleton` writes: `struct <name>` with maps/progs/links and datasec
// pointers (rodata, bss, ...), <name>__open/__open_opts/__load/__open_and_load/__attach/
// __detach/__destroy, the object embedded as a string literal behind <name>__elf_bytes(), the
// C++ static member wrappers and a __assert() of the variable sizes. Unlike bpftool the header
// also defines the named types its datasec variables use, so it compiles on its own.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "model.h"

namespace btc::skel {

std::string emit_header(const SkeletonModel& model, std::span<const uint8_t> obj);

} // namespace btc::skel
