"""tiedpgm: probabilistic models with tied parameters.

Hidden Markov models whose states share emission and transition parameters,
symmetric pair HMMs for alignment, MAP estimators that share parameters softly
or hard, and convolution as one weight vector tied across local factors.

Submodules are imported lazily, so ``import tiedpgm`` is cheap and never
compiles a kernel or needs an optional dependency (CuPy, Dask, Biopython).
"""
from importlib import import_module

from ._version import __version__

# public name -> submodule that defines it
_LAZY = {
    "GaussianHMM": "hmm",
    "CategoricalHMM": "hmm",
    "PoissonHMM": "hmm",
    "GMMHMM": "hmm",
    "TiedMixtureHMM": "hmm",
    "ConvergenceMonitor": "engine",
    "load": "io",
    "PairHMM": "pairhmm",
    "Alignment": "pairhmm",
    "ConvFactorModel": "factors",
    "Unit": "composite",
    "Lexicon": "composite",
    "CompositeHMM": "composite",
    "cluster_states": "composite",
    "word_error_rate": "composite",
}
_SUBMODULES = {
    "ties", "engine", "kernels", "emissions", "hmm", "io", "datasets",
    "pairhmm", "sharing", "factors", "composite", "distributed", "cli",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    if name in _SUBMODULES:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tiedpgm' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
