#!/usr/bin/env python3
"""Generate the lane-unrolled kernel modules from their templates.

Outputs (template -> generated module):

* tools/kernels_lanes.py.in -> tiedpgm/pairhmm/kernels_lanes.py
* tools/numba_cpu.py.in -> tiedpgm/kernels/numba_cpu.py

The lane kernels write every per-lane statement out once per SIMD lane (numba cannot tell
LLVM that arrays do not alias, so a loop over lanes would stay scalar; see the module
docstrings). A template holds each such statement once, with ``{l}`` where the lane
number goes; this script writes it out for lanes 0..7, in order, one line per lane, so
the generated statement order (e.g. all loads, then the arithmetic, then the stores) is
the template's. Template rules:

* a line containing ``{l}`` is written out ``LANES`` times, ``{l}`` replaced by 0, 1, ...;
* a line starting with ``#%`` (after indentation) is a template comment and is dropped;
* every other line is copied verbatim (so a lane-unrolled block in another pattern, e.g.
  a statement spanning two lines per lane, is simply kept as written).

Usage (from anywhere)::

    python3 tools/gen_lanes.py           # regenerate every output
    python3 tools/gen_lanes.py --check   # write nothing; exit 1, with a diff, if any
                                         # output is out of date
"""
import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: (template, generated module), relative to the repository root
TARGETS = [
    ("tools/kernels_lanes.py.in", "tiedpgm/pairhmm/kernels_lanes.py"),
    ("tools/numba_cpu.py.in", "tiedpgm/kernels/numba_cpu.py"),
]
LANES = 8
MARK = "{l}"
TEMPLATE_COMMENT = "#%"

HEADER = """\
# GENERATED FILE, do not edit by hand: made by tools/gen_lanes.py from the template
# {template} (each template line containing {{l}} is written out here once
# per lane, l = 0..7). Edit the template, then regenerate with:
#     python3 tools/gen_lanes.py
# tests/test_generated_sources.py fails when this file and the template disagree.
"""


def _rel(path):
    path = Path(path)
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def expand(template_text, template_name, lanes=LANES):
    """The generated module text (header included) for the given template text;
    ``template_name`` is the template's path as named in the header."""
    out = []
    for line in template_text.split("\n"):
        if line.lstrip().startswith(TEMPLATE_COMMENT):
            continue
        if MARK in line:
            out.extend(line.replace(MARK, str(l)) for l in range(lanes))
        else:
            out.append(line)
    return HEADER.format(template=template_name) + "\n".join(out)


def generate(template):
    template = ROOT / template
    return expand(template.read_bytes().decode("utf-8"), _rel(template).as_posix())


def check_one(template, target):
    """A unified diff (list of lines) from ``target`` to what ``template`` generates;
    empty when they agree."""
    want = generate(template)
    target = ROOT / target
    have = target.read_bytes().decode("utf-8") if target.exists() else ""
    if have == want:
        return []
    rel = _rel(target)
    return list(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                     f"{rel} (on disk)", f"{rel} (from template)"))


def check(targets=TARGETS):
    """``{target: diff}`` for every output that differs from what its template generates
    (empty when all agree)."""
    bad = {}
    for template, target in targets:
        diff = check_one(template, target)
        if diff:
            bad[target] = (template, diff)
    return bad


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 (printing a diff) if any output is out of "
                         "date")
    args = ap.parse_args(argv)
    if args.check:
        bad = check()
        for target, (template, diff) in bad.items():
            sys.stdout.writelines(diff)
            print(f"\n{target} is out of date with {template}", file=sys.stderr)
        if bad:
            print("run python3 tools/gen_lanes.py", file=sys.stderr)
            return 1
        return 0
    for template, target in TARGETS:
        text = generate(template).encode("utf-8")
        path = ROOT / target
        if not path.exists() or path.read_bytes() != text:
            path.write_bytes(text)
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
