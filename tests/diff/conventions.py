"""conventions.py: how a differential script is run, shared by run_diff.py and record.py.

Input:  a script NAME.bt and its leading comment block; a work directory; the directory of
        test programs (tests/targets) for scripts that trace one.
Output: the argv to run it under bpftrace 0.17, to compile it with btc, and to run the tool.

Conventions (the same for bpftrace and btc, so the two runs are comparable):
  unsafe_*           `--unsafe`;
  json_*             (also unsafe_json_*) `-f json`;
  // args: A B       positional parameters, after the script (bpftrace) or the options (tool);
  // run: OPTIONS    more run-time options, shell-split, e.g. `-c "{target:uvalues} 2"`;
  {target:NAME}      anywhere in the script or `// run:`: the path of tests/targets/NAME.c,
                     compiled once per work directory (cc -O0 -g -fno-omit-frame-pointer) and
                     copied for each script: a uprobe traces every process running its file,
                     so scripts running side by side must not share one. A script holding
                     placeholders is run from a substituted copy in the work directory.
"""

import re
import shlex
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Dict, List, Optional

TARGET_RE = re.compile(r"\{target:([A-Za-z0-9_]+)\}")
CC_FLAGS = ["-O0", "-g", "-fno-omit-frame-pointer"]


class ConventionError(Exception):
    """A script that cannot be prepared (unknown target, compiler failure)."""


class Targets:
    """Builds tests/targets/NAME.c into WORKDIR/targets/NAME on first use (thread-safe)."""

    def __init__(self, source_dir: Optional[Path], workdir: Path):
        self.source_dir = source_dir
        self.out_dir = workdir / "targets"
        self.lock = threading.Lock()
        self.built: Dict[str, Path] = {}

    def path(self, name: str, user: str) -> Path:
        """The program NAME for script `user`: its own copy of the built binary."""
        copy = self.out_dir / f"{name}.{user}"
        shutil.copy2(self.build(name), copy)
        return copy

    def build(self, name: str) -> Path:
        with self.lock:
            if name in self.built:
                return self.built[name]
            if self.source_dir is None:
                raise ConventionError(f"{{target:{name}}} used but no targets directory given")
            source = self.source_dir / f"{name}.c"
            if not source.exists():
                raise ConventionError(f"no test program {source}")
            self.out_dir.mkdir(parents=True, exist_ok=True)
            out = self.out_dir / name
            proc = subprocess.run(["cc", *CC_FLAGS, "-I", str(self.source_dir), "-o", str(out),
                                   str(source)], capture_output=True, text=True)
            if proc.returncode != 0:
                raise ConventionError(f"cc {source} failed:\n{proc.stderr}")
            self.built[name] = out
            return out


def leading_comment(script_text: str) -> List[str]:
    lines = []
    for line in script_text.splitlines():
        if line and not line.startswith("/"):
            break
        lines.append(line)
    return lines


def header_value(script_text: str, key: str) -> Optional[str]:
    """The text after `// KEY:` in the leading comment block, or None."""
    prefix = f"// {key}:"
    for line in leading_comment(script_text):
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    return None


class Prepared:
    """One script, ready to run: the file both tools read and their options."""

    def __init__(self, script: Path, workdir: Path, targets: Targets):
        self.name = script.stem
        original = script.read_text(errors="replace")
        paths: Dict[str, str] = {}

        def target_path(match: re.Match) -> str:
            name = match.group(1)
            if name not in paths:
                paths[name] = str(targets.path(name, self.name))
            return paths[name]

        text = TARGET_RE.sub(target_path, original)
        if text != original:
            self.path = workdir / f"{self.name}.bt"
            self.path.write_text(text)
        else:
            self.path = script
        self.unsafe = self.name.startswith("unsafe_")
        self.options: List[str] = []
        if self.name.startswith("json_") or self.name.startswith("unsafe_json_"):
            self.options += ["-f", "json"]
        run = header_value(text, "run")
        if run:
            self.options += shlex.split(run)
        args = header_value(text, "args")
        self.args: List[str] = args.split() if args else []

    def bpftrace_argv(self, bpftrace: str) -> List[str]:
        return [bpftrace] + (["--unsafe"] if self.unsafe else []) + self.options + \
            [str(self.path)] + self.args

    def btc_argv(self, btc: Path, binary: Path) -> List[str]:
        return [str(btc)] + (["--unsafe"] if self.unsafe else []) + [str(self.path), "-o",
                                                                      str(binary)]

    def tool_argv(self, binary: Path) -> List[str]:
        return [str(binary)] + self.options + self.args
