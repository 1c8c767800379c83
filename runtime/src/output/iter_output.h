// attach_iter.h: iter probes (BPF iterators): the link, and the tool's output read from it.
//
// Input: the loaded bpf_object and an iter AttachPoint (ProbeDesc target = iterator name,
// func = PIN as written). Output: a bpf_link; then either the iterator's text, read to EOF
// into the tool's output, or the link pinned under bpffs with bpftrace 0.17's message.
// Example: iter:task:list -> link pinned at /sys/fs/bpf/list, "Program pinned to
// /sys/fs/bpf/list" printed; `cat /sys/fs/bpf/list` runs the program.
#pragma once

#include "attach/plan.h"
#include "output/sink.h"

#include <string>
#include <vector>

struct bpf_link;
struct bpf_object;

namespace btc::rt {

bool attach_iter_probe(bpf_object* obj, const AttachPoint& point, std::vector<LinkPtr>& links,
                       std::string& err);

// The script's iter probe, if any (sema allows one, with BEGIN/END only).
const abi::ProbeDesc* find_iter_probe(const abi::Manifest& m);

// Where iter:NAME:PIN pins: PIN if absolute, else /sys/fs/bpf/PIN.
std::string iter_pin_path(const std::string& pin);

// iter_output.cpp: runs the iterator of `link` (no PIN): creates an iterator fd and copies
// what it reads into `sink`; with a PIN, pins the link and writes "Program pinned to PATH".
// On failure `err` holds a complete "ERROR: ..." line.
bool run_iterator(bpf_link* link, const std::string& pin, Sink& sink, std::string& err);

// Copies everything readable from `fd` into `sink` (EINTR retried); false with errno set.
bool copy_fd(int fd, Sink& sink);

} // namespace btc::rt
