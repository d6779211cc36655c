#!/usr/bin/env python3
"""Generate tiedpgm/pairhmm/kernels_lanes.py from its template, tools/kernels_lanes.py.in.

The lane kernels write every per-lane statement out once per SIMD lane (numba cannot tell
LLVM that arrays do not alias, so a loop over lanes would stay scalar; see the module
docstring). The template holds each such statement once, with ``{l}`` where the lane
number goes; this script writes it out for lanes 0..7, in order, one line per lane, so
the generated statement order (all loads, then the arithmetic, then the stores) is the
template's. Template rules:

* a line containing ``{l}`` is written out ``LANES`` times, ``{l}`` replaced by 0, 1, ...;
* a line starting with ``#%`` (after indentation) is a template comment and is dropped;
* every other line is copied verbatim.

Usage (from anywhere)::

    python3 tools/gen_pair_lanes.py           # regenerate kernels_lanes.py
    python3 tools/gen_pair_lanes.py --check   # exit 1, with a diff, if it is out of date
"""
import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "tools" / "kernels_lanes.py.in"
TARGET = ROOT / "tiedpgm" / "pairhmm" / "kernels_lanes.py"
LANES = 8
MARK = "{l}"
TEMPLATE_COMMENT = "#%"

HEADER = """\
# GENERATED FILE, do not edit by hand: made by tools/gen_pair_lanes.py from the template
# tools/kernels_lanes.py.in (each template line containing {l} is written out here once
# per lane, l = 0..7). Edit the template, then regenerate with:
#     python3 tools/gen_pair_lanes.py
# tests/test_pairhmm_speedpaths.py fails when this file and the template disagree.
"""


def expand(template_text, lanes=LANES):
    """The generated module text (header included) for the given template text."""
    out = []
    for line in template_text.split("\n"):
        if line.lstrip().startswith(TEMPLATE_COMMENT):
            continue
        if MARK in line:
            out.extend(line.replace(MARK, str(l)) for l in range(lanes))
        else:
            out.append(line)
    return HEADER + "\n".join(out)


def generate(template=TEMPLATE):
    return expand(Path(template).read_bytes().decode("utf-8"))


def check(template=TEMPLATE, target=TARGET):
    """A unified diff (list of lines) from ``target`` to what ``template`` generates;
    empty when they agree."""
    want = generate(template)
    target = Path(target)
    have = target.read_bytes().decode("utf-8") if target.exists() else ""
    if have == want:
        return []
    rel = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    return list(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                     f"{rel} (on disk)", f"{rel} (from template)"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 (printing a diff) if the file is out of date")
    args = ap.parse_args(argv)
    if args.check:
        diff = check()
        if diff:
            sys.stdout.writelines(diff)
            print(f"\n{TARGET.relative_to(ROOT)} is out of date with "
                  f"{TEMPLATE.relative_to(ROOT)}: run python3 tools/gen_pair_lanes.py",
                  file=sys.stderr)
            return 1
        return 0
    text = generate()
    if not TARGET.exists() or TARGET.read_bytes() != text.encode("utf-8"):
        TARGET.write_bytes(text.encode("utf-8"))
        print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
