#!/usr/bin/env python3
"""compare_backtrace.py GDB_OUTPUT TOOL_OUTPUT: checks a dw_ustack against gdb's backtrace.

GDB_OUTPUT is `gdb -batch ... -ex bt` output ("#1  0x... in middle (x=3) at unwind.c:21"),
TOOL_OUTPUT a file holding one stack as btc prints it (indented frames "middle+12", or a bare
hexadecimal address for a function without a symbol). gdb stops at main; the stack must have
at least as many frames as gdb's physical ones (inlined calls share a frame), and where both
name a frame the names must be the same.
Exit status 0 when they agree, 1 with the two lists printed otherwise.
"""
import re
import sys


def normalize(name):
    # glibc's internal aliases (gdb reads libc's debug information when installed).
    return re.sub(r"^__GI_", "", name)


def gdb_frames(text):
    """Physical frames: #0, then the frames with a return address ("#N  0x... in f (");
    frames gdb lists for inlined calls ("#N  f (" after #0) share their caller's frame."""
    names = []
    for line in text.splitlines():
        m = re.match(r"^#(\d+)\s+(0x[0-9a-f]+ in )?(\S+) \(", line)
        if not m or (int(m.group(1)) > 0 and not m.group(2)):
            continue
        names.append(None if m.group(3) == "??" else normalize(m.group(3)))
    return names


def tool_frames(text):
    names = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("Attaching"):
            continue
        if re.match(r"^(0x)?[0-9a-f]+$", line):
            names.append(None)
        else:
            names.append(line.split("+")[0])
    return names


def main():
    want = gdb_frames(open(sys.argv[1]).read())
    got = tool_frames(open(sys.argv[2]).read())
    ok = len(want) >= 4 and len(got) >= len(want)
    for w, g in zip(want, got):
        if w is not None and g is not None and w != g:
            ok = False
    named = sum(1 for w, g in zip(want, got) if w is not None and w == g)
    if not ok or named < 3:
        print("gdb:       ", want)
        print("dw_ustack: ", got)
        return 1
    print(f"agree: {len(want)} frames, {named} named")
    return 0


if __name__ == "__main__":
    sys.exit(main())
