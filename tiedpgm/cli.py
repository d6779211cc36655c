"""The ``tiedpgm`` command line.

Each feature area registers its own subcommands through a ``register(subparsers)``
function in the module named in ``_COMMAND_MODULES``; this file only builds the
parser, sets the common options and turns errors into one-line messages with a
non-zero exit status.
"""
import argparse
import sys
from importlib import import_module

from ._version import __version__

# modules that define register(subparsers); imported lazily, missing ones are skipped
_COMMAND_MODULES = (
    "tiedpgm.demo",
    "tiedpgm.pairhmm.cli",
    "tiedpgm.hmm_cli",
)


def add_common_options(parser):
    """Options every subcommand shares (bioinformatics/ML command-line conventions)."""
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads for the numba kernels (default: all cores)")
    parser.add_argument("--backend", default="auto", choices=["auto", "numpy", "numba", "cupy"],
                        help="kernel backend (default: auto = numba on the CPU)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    parser.add_argument("-o", "--output", default="-",
                        help="output file or folder ('-' = standard output)")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="tiedpgm",
        description="Probabilistic models with tied parameters.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  tiedpgm demo -o report\n  tiedpgm align seqs.fasta --preset protein\n"
               "  tiedpgm hmm fit X.npy --n-components 6 -o model.json",
    )
    parser.add_argument("--version", action="version", version=f"tiedpgm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def _set_threads(n):
    if n is not None:
        import numba
        numba.set_num_threads(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        _set_threads(getattr(args, "threads", None))
        return int(args.func(args) or 0)
    except (ValueError, TypeError, FileNotFoundError, ImportError, KeyError, RuntimeError) as exc:
        msg = exc.args[0] if exc.args else exc
        print(f"tiedpgm {args.command}: error: {msg}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
