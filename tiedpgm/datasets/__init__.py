"""Bundled real data sets (no download at run time).

- :func:`load_tidigits` — TIDIGITS MFCC frames from Debian's pocketsphinx-testdata.
- :func:`load_pfam_pairs` — pairwise reference alignments projected from Pfam seed alignments.
- :func:`load_epil` — the epilepsy trial of Thall & Vail (1990), 59 patients x 4 periods.

Provenance and licences: ``data/README.md`` in the source tree.
"""
from importlib import import_module

_LAZY = {
    "load_tidigits": "tidigits",
    "load_pfam_pairs": "pfam",
    "load_pfam_families": "pfam",
    "load_epil": "epil",
}

__all__ = sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'tiedpgm.datasets' has no attribute {name!r}")
