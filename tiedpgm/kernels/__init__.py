"""Kernel dispatch: one place that maps a backend name to a kernel module.

Every backend module exposes the same array-only functions as
:mod:`tiedpgm.kernels.reference` (the oracle):

- ``forward_backward(log_startprob, log_transmat, log_frameprob, offsets)``
  returns ``(log_prob (S,), posteriors (N, K), xi_sum (K, K))``;
- ``score(log_startprob, log_transmat, log_frameprob, offsets)`` returns ``log_prob (S,)``;
- ``viterbi(log_startprob, log_transmat, log_frameprob, offsets)`` returns
  ``(log_prob (S,), states (N,))``.

Backends are an explicit choice recorded on fitted models as ``backend_``;
``"auto"`` is documented: numba on the CPU (the GPU issue adds cupy).
"""
import importlib.util
from importlib import import_module

import numpy as np

BACKENDS = ("numpy", "numba", "cupy")

_MODULES = {"numpy": "reference", "numba": "numba_cpu", "cupy": "cupy_gpu"}


def resolve_backend(backend):
    """Turn a user's ``backend`` argument into a concrete backend name."""
    if backend is None or backend == "auto":
        return "numba"
    if backend not in BACKENDS:
        raise ValueError(
            f"backend={backend!r} is not known; use one of 'auto', 'numpy', 'numba', 'cupy'.")
    return backend


def get_kernels(backend):
    """Return the kernel module of a concrete backend name."""
    backend = resolve_backend(backend)
    if backend == "cupy":
        _check_cupy()
    return import_module(f".{_MODULES[backend]}", __name__)


def _check_cupy():
    """Raise a clear error unless CuPy, a GPU and the CuPy kernels are all present."""
    try:
        import cupy
    except ImportError as exc:
        raise ImportError(
            "backend='cupy' needs CuPy: pip install 'tiedpgm[gpu]', "
            "or use backend='numba' on the CPU.") from exc
    try:
        n_gpus = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # CUDA driver missing or broken
        raise RuntimeError(
            f"backend='cupy' found CuPy but no usable CUDA device ({exc}); "
            "use backend='numba' on the CPU.") from exc
    if n_gpus == 0:
        raise RuntimeError("backend='cupy' found no CUDA device; use backend='numba' on the CPU.")
    if importlib.util.find_spec(f"{__name__}.{_MODULES['cupy']}") is None:
        raise RuntimeError(
            "backend='cupy' is not available in this release of tiedpgm (the GPU kernels "
            "have not landed yet); use backend='numba'.")


def safe_log(p):
    """Elementwise log with log(0) = -inf and no warning (structural zeros)."""
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.log(p)
