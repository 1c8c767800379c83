// iter_output.h: the output of an iter probe (BPF iterator): its text read to EOF into the
// tool's output, or its link pinned under bpffs with bpftrace 0.17's message.
//
// Input: the iter probe's bpf_link and PIN (ProbeDesc::func as written, may be empty).
// Output: the iterator's text on a Sink, or the pin and "Program pinned to PATH".
// Example: iter:task:list -> link pinned at /sys/fs/bpf/list, "Program pinned to
// /sys/fs/bpf/list" printed; `cat /sys/fs/bpf/list` runs the program.
#pragma once

#include "output/sink.h"

#include <string>

struct bpf_link;

namespace btc::rt {

// Where iter:NAME:PIN pins: PIN if absolute, else /sys/fs/bpf/PIN.
std::string iter_pin_path(const std::string& pin);

// Runs the iterator of `link` (no PIN): creates an iterator fd and copies what it reads into
// `sink`; with a PIN, pins the link and writes "Program pinned to PATH". On failure `err`
// holds a complete "ERROR: ..." line.
bool run_iterator(bpf_link* link, const std::string& pin, Sink& sink, std::string& err);

// Copies everything readable from `fd` into `sink` (EINTR retried); false with errno set.
bool copy_fd(int fd, Sink& sink);

} // namespace btc::rt
