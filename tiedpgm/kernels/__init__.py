"""Kernel dispatch: one place that maps a backend name to a kernel module.

Every backend module exposes the same array-only functions as
:mod:`tiedpgm.kernels.reference` (the oracle):

- ``forward_backward(log_startprob, log_transmat, log_frameprob, offsets)``
  returns ``(log_prob (S,), posteriors (N, K), xi_sum (K, K))``;
- ``score(log_startprob, log_transmat, log_frameprob, offsets)`` returns ``log_prob (S,)``;
- ``viterbi(log_startprob, log_transmat, log_frameprob, offsets)`` returns
  ``(log_prob (S,), states (N,))``.

Backends are an explicit choice recorded on fitted models as ``backend_``.
``"auto"`` is documented: ``"cupy"`` when the problem is large enough to pay for the GPU
(``n_samples * n_components**2 >= GPU_AUTO_MIN_WORK`` and ``n_components <= 1024``) *and*
CuPy is importable *and* numba.cuda sees a usable GPU; ``"numba"`` otherwise (and
whenever the size is not known). Nothing here imports CuPy or numba.cuda unless a
problem is that large, so ``import tiedpgm`` never needs either.
"""
import importlib.util
from importlib import import_module

import numpy as np

BACKENDS = ("numpy", "numba", "cupy")

_MODULES = {"numpy": "reference", "numba": "numba_cpu", "cupy": "cupy_gpu"}

#: ``backend="auto"`` runs on the GPU from this much work per EM iteration,
#: ``n_samples * n_components**2`` (e.g. 10**6 frames with 10 states). Below it the
#: fixed costs of the GPU path (compiling its kernels once per process, a dozen launches
#: and small copies per iteration) outweigh what it saves over the numba CPU kernels.
GPU_AUTO_MIN_WORK = 10**8
#: ... and only up to this many states (one thread block per sequence, a thread per state).
GPU_AUTO_MAX_STATES = 1024

_GPU_USABLE = None


def gpu_usable():
    """True when CuPy imports, numba.cuda sees a GPU and CuPy counts at least one device
    (never under the CUDA simulator). Checked once per process."""
    global _GPU_USABLE
    if _GPU_USABLE is None:
        _GPU_USABLE = _probe_gpu()
    return _GPU_USABLE


def _probe_gpu():
    import os
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return False
    try:
        import cupy
        from ._numba_cuda import cuda
        return bool(cuda.is_available()) and cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - no CuPy, no driver, no device: not usable
        return False


def resolve_backend(backend, n_samples=None, n_components=None):
    """Turn a user's ``backend`` argument into a concrete backend name.

    ``"auto"`` (or None) gives ``"cupy"`` only when ``n_samples`` and ``n_components``
    are given, ``n_samples * n_components**2 >= GPU_AUTO_MIN_WORK``, ``n_components <=
    GPU_AUTO_MAX_STATES`` and :func:`gpu_usable`; otherwise ``"numba"``.
    """
    if backend is None or backend == "auto":
        if (n_samples is not None and n_components is not None
                and n_components <= GPU_AUTO_MAX_STATES
                and int(n_samples) * int(n_components) ** 2 >= GPU_AUTO_MIN_WORK
                and gpu_usable()):
            return "cupy"
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
