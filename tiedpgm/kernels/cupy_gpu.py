"""GPU HMM kernels (``backend="cupy"``): same functions, shapes and results as :mod:`.reference`.

``forward_backward``, ``score`` and ``viterbi`` take the reference's arguments --
``log_startprob`` (K,), ``log_transmat`` (K, K), ``log_frameprob`` (N, K) with the
sequences concatenated, ``offsets`` (S + 1,) -- as NumPy **or CuPy** arrays and return
**NumPy** arrays (the dispatcher's contract: the model layer pools statistics on the
host). ``forward_backward(..., keep_on_device=True)`` instead leaves the (N, K)
posteriors on the device (a CuPy array on a GPU) so that only the (S,) log-likelihoods
and the (K, K) expected transition counts, already reduced on the device, cross the bus.

``kernel="auto"`` (default) runs the warp kernels (several sequences per warp, no block
barriers) for K <= 32 and the block kernels (one block per sequence) above, except for
few long sequences (the longest holds at least 1/n_SM of all frames and has at least
4096 of them, K <= 64), which go to the chunked path of :mod:`.cuda_long` (the time
axis split over many blocks and stitched exactly, Viterbi included).
``"warp"``/``"block"``/``"chunked"`` force one (tests, timings). See :mod:`.cuda_kernels`.

``dtype=np.float64`` (default) or ``np.float32`` selects the arithmetic of the
recursions; log-likelihoods and expected transition counts are accumulated in float64
in both cases, posteriors come back in ``dtype``. float32 agrees with the reference to
about 1e-4 relative on log-likelihoods of sequences of ~10**3 frames (the error of a
scaled recursion grows like ``T * eps``) -- see ``docs/gpu.md`` for the measured tolerance
used by the tests. Viterbi paths in float32 can differ from the float64 reference where
two paths are within rounding of each other.

Why Numba-CUDA rather than CuPy ``RawKernel``
---------------------------------------------
The kernels (:mod:`.cuda_kernels`) are written once in Python with ``numba.cuda.jit``
and launched on CuPy arrays through ``__cuda_array_interface__`` (zero copy). The same
source runs under Numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``) on any CPU, so the
kernel logic -- ragged offsets, barriers, shared-memory reductions, the device-side xi
reduction, the Viterbi traceback -- is tested in CI, which has no GPU, against the NumPy
oracle; and ``numba.cuda.compile_ptx`` checks that it compiles for sm_90 without a
driver. A ``RawKernel`` is a CUDA C string that can only be compiled and run on a
machine with a GPU, so none of that would be tested before it reached one. Numba is
already a dependency (the CPU backend); CuPy stays an optional extra for users who keep
their data on the GPU.

Sequences that underflow a scale factor (probability zero, or a frame spanning more
nats than the dtype holds) are flagged by the kernel and redone on the host by
:mod:`.numba_cpu` in float64, so the result for them is the reference's (``-inf`` and
NaN posteriors for a sequence of probability zero).

Not done yet (issue 7): a tensor-core kernel for large K.
"""
import math

import numpy as np
from numba import config as _numba_config
from ._numba_cuda import cuda

from . import cuda_kernels, cuda_long

# threads per block are a power of two >= K; on a real GPU at least one warp
_MIN_THREADS_GPU = 32
_MAX_THREADS = 1024
# cap on the per-block expected-transition buffers (blocks, K, K) float64
_XI_PART_BYTES = 256 * 2**20
# warp kernels (K <= 32): warps per block (small blocks: the kernels need many registers,
# and register-limited occupancy is granted in whole blocks)
_WARP_MAX_K = cuda_kernels.WARP
_WARPS_PER_BLOCK = 2
_WARPS_PER_BLOCK_SIM = 2   # two warps per simulated block: exercises the per-warp slices
_KERNELS = ("auto", "warp", "block", "chunked")
# the chunked path multiplies K x K matrices per frame (K**3): only for moderate K
_CHUNKED_MAX_K = 64
_CHUNKED_MIN_LEN = 4096


def _simulated():
    return bool(_numba_config.ENABLE_CUDASIM)


def _require_device():
    if _simulated():
        return
    if not cuda.is_available():
        raise RuntimeError(
            "backend='cupy' needs an NVIDIA GPU with a working CUDA driver (numba.cuda found "
            "none); use backend='numba' on the CPU.")


def _dtype_name(dtype):
    name = np.dtype(dtype).name
    if name not in cuda_kernels.TINY:
        raise ValueError(f"dtype={dtype!r} is not supported by backend='cupy'; "
                         "use np.float64 (default) or np.float32.")
    return name


def _host(x, dtype):
    """A small array on the host (parameters, offsets)."""
    if not _simulated() and cuda.is_cuda_array(x):
        x = cuda.as_cuda_array(x).copy_to_host()
    return np.ascontiguousarray(np.asarray(x), dtype=dtype)


def _device(x, dtype):
    """``x`` as a C-contiguous device array of ``dtype``. Device arrays (CuPy, numba, anything
    with ``__cuda_array_interface__``) that already have that dtype and layout are not
    copied; others are converted on the device with CuPy."""
    if not _simulated() and cuda.is_cuda_array(x):
        d = cuda.as_cuda_array(x)
        if d.dtype == dtype and d.is_c_contiguous():
            return d
        import cupy
        return cuda.as_cuda_array(cupy.ascontiguousarray(cupy.asarray(x), dtype=dtype))
    return cuda.to_device(np.ascontiguousarray(np.asarray(x), dtype=dtype))


def _launch_shape(K, S, max_blocks):
    if K > _MAX_THREADS:
        raise ValueError(f"backend='cupy' supports at most {_MAX_THREADS} states per kernel "
                         f"launch, got K={K}; use backend='numba'.")
    threads = 1 << max(K - 1, 0).bit_length()
    if not _simulated():
        threads = max(threads, _MIN_THREADS_GPU)
    if max_blocks is None:
        if _simulated():
            max_blocks = 4
        else:
            # enough blocks to fill every SM several times over; more only grows xi_part
            n_sm = cuda.get_current_device().MULTIPROCESSOR_COUNT
            max_blocks = max(1, min(8 * n_sm, _XI_PART_BYTES // (8 * K * K)))
    blocks = max(1, min(S, max_blocks))
    return blocks, threads


def _use_chunked(log_transmat, offsets, kernel):
    """Whether forward_backward/score take the chunked path of :mod:`.cuda_long`."""
    if kernel not in _KERNELS:
        raise ValueError(f"kernel={kernel!r} is not one of {_KERNELS}.")
    if kernel != "auto":
        return kernel == "chunked"
    K = np.shape(log_transmat)[0]
    off = _host(offsets, np.int64)
    if K > _CHUNKED_MAX_K or len(off) < 2:
        return False
    longest = int(np.max(np.diff(off)))
    n_sm = 4 if _simulated() else cuda.get_current_device().MULTIPROCESSOR_COUNT
    return longest >= _CHUNKED_MIN_LEN and longest * n_sm >= int(off[-1])


def _use_warp(K, kernel):
    if kernel not in _KERNELS:
        raise ValueError(f"kernel={kernel!r} is not one of {_KERNELS}.")
    if kernel == "warp" and K > _WARP_MAX_K:
        raise ValueError(f"kernel='warp' takes at most {_WARP_MAX_K} states, got K={K}; "
                         "use kernel='auto' or 'block'.")
    return kernel == "warp" or (kernel == "auto" and K <= _WARP_MAX_K)


def _warp_kernels(name, K):
    warps = _WARPS_PER_BLOCK_SIM if _simulated() else _WARPS_PER_BLOCK
    return cuda_kernels.build_warp(name, K, warps)


def _warp_launch(wk, S, max_blocks):
    """(blocks, threads): one warp per task of G sequences, so the hardware hands tasks
    (longest first, in block order) to SMs as warps finish; a grid-stride loop over tasks
    only beyond the cap on the per-warp xi partials (or ``max_blocks``)."""
    n_tasks = -(-S // wk.G)
    if max_blocks is None:
        max_blocks = 2 if _simulated() else max(1, _XI_PART_BYTES // (8 * wk.K * wk.K * wk.warps))
    blocks = max(1, min(-(-n_tasks // wk.warps), max_blocks))
    return blocks, cuda_kernels.WARP * wk.warps


def _reduce_partials(wk, part, K):
    out = cuda.device_array((K, K), dtype=np.float64)
    if _simulated():
        wk.reduce_partials[2, 4](part, out)
    else:
        wk.reduce_partials[max(1, min(K * K, 1024)), 128](part, out)
    return out.copy_to_host()


def _prepare(log_startprob, log_transmat, log_frameprob, offsets, dtype_name):
    dt = np.dtype(dtype_name)
    log_pi = _host(log_startprob, np.float64)
    log_A = _host(log_transmat, np.float64)
    offsets = _host(offsets, np.int64)
    lengths = np.diff(offsets)
    # longest first: with a grid-stride loop the long sequences start first
    order = np.argsort(-lengths, kind="stable").astype(np.int64)
    lfp = _device(log_frameprob, dt)
    return dt, log_pi, log_A, offsets, order, lfp


def _row_max(kern, lfp, dt):
    N = lfp.shape[0]
    fmax = cuda.device_array(N, dtype=dt)
    threads = 128 if not _simulated() else 1
    blocks = max(1, min(math.ceil(N / threads), 4096 if not _simulated() else 8))
    kern.row_max[blocks, threads](lfp, fmax)
    return fmax


def _subset(log_frameprob, offsets, seqs):
    """Rows and offsets of the sequences ``seqs`` on the host, float64."""
    lfp = log_frameprob
    on_device = not _simulated() and cuda.is_cuda_array(lfp)
    if on_device:
        lfp = cuda.as_cuda_array(lfp)
    parts = [lfp[offsets[s]:offsets[s + 1]] for s in seqs]
    parts = [p.copy_to_host() if on_device else np.asarray(p) for p in parts]
    sub = np.ascontiguousarray(np.concatenate(parts), dtype=np.float64)
    sub_off = np.concatenate(([0], np.cumsum([len(p) for p in parts]))).astype(np.int64)
    return sub, sub_off


def _zeros(shape, dt):
    """A zero-filled device array (memset on the device when CuPy is there)."""
    if not _simulated():
        try:
            import cupy
        except ImportError:
            pass
        else:
            return cuda.as_cuda_array(cupy.zeros(shape, dtype=dt))
    return cuda.to_device(np.zeros(shape, dtype=dt))


def _outer_sum(xa, xw):
    """``xa.T @ xw`` in float64, (K, K) on the host: one matrix product (cuBLAS through
    CuPy on a GPU) over all frames of all sequences."""
    if not _simulated():
        try:
            import cupy
        except ImportError:
            pass
        else:
            a = cupy.asarray(xa).astype(cupy.float64, copy=False)
            w = cupy.asarray(xw).astype(cupy.float64, copy=False)
            return cupy.asnumpy(a.T @ w)
    return xa.copy_to_host().astype(np.float64).T @ xw.copy_to_host().astype(np.float64)


def _as_cupy_if_possible(dev):
    try:
        import cupy
    except ImportError:
        return dev
    return cupy.asarray(dev)


def forward_backward(log_startprob, log_transmat, log_frameprob, offsets, *,
                     dtype=np.float64, keep_on_device=False, max_blocks=None, kernel="auto"):
    """Posteriors and expected transition counts of all sequences on the GPU.

    Parameters
    ----------
    log_startprob : array, shape (K,)
    log_transmat : array, shape (K, K)
    log_frameprob : array, shape (N, K)
        NumPy or CuPy; sequences concatenated along axis 0.
    offsets : array of int, shape (S + 1,)
    dtype : np.float64 or np.float32
        Arithmetic of the recursions.
    keep_on_device : bool
        Return the posteriors as a device array instead of NumPy: a CuPy array when
        CuPy is installed, else a numba ``DeviceNDArray`` (NumPy under the simulator).
    max_blocks : int, optional
        Cap on the grid size (blocks loop over sequences); for tests and tuning.
    kernel : {"auto", "warp", "block", "chunked"}
        ``"warp"``: several sequences per warp (K <= 32); ``"block"``: one block per
        sequence; ``"chunked"``: each sequence's time axis split over many blocks
        (:mod:`.cuda_long`); ``"auto"`` (default): chunked for few long sequences, else
        warp for K <= 32, else block.

    Returns
    -------
    log_prob : ndarray, shape (S,), float64
    posteriors : ndarray, shape (N, K), ``dtype``
    xi_sum : ndarray, shape (K, K), float64
    """
    _require_device()
    name = _dtype_name(dtype)
    if _use_chunked(log_transmat, offsets, kernel):
        return cuda_long.forward_backward(log_startprob, log_transmat, log_frameprob,
                                          _host(offsets, np.int64), dtype=dtype,
                                          keep_on_device=keep_on_device)
    kern = cuda_kernels.build(name)
    dt, log_pi, log_A, offsets_h, order, lfp = _prepare(
        log_startprob, log_transmat, log_frameprob, offsets, name)
    N, K = lfp.shape
    S = len(offsets_h) - 1
    with np.errstate(over="ignore", under="ignore"):
        A = np.exp(log_A)
    log_prob_d = cuda.device_array(S, dtype=np.float64)
    post = cuda.device_array((N, K), dtype=dt)
    flag = cuda.device_array(S, dtype=np.int32)
    if _use_warp(K, kernel):
        wk = _warp_kernels(name, K)
        blocks, threads = _warp_launch(wk, S, max_blocks)
        part = cuda.device_array((blocks * wk.warps, K, K), dtype=np.float64)
        wk.forward_backward[blocks, threads](
            cuda.to_device(np.exp(log_pi).astype(dt)), cuda.to_device(A.astype(dt)), lfp,
            cuda.to_device(offsets_h), cuda.to_device(order), cuda_kernels.TINY[name],
            log_prob_d, post, part, flag)
        # the kernel sums alpha_hat_t(i) / g_t * w_{t+1}(j); A_ij multiplies once here
        with np.errstate(invalid="ignore"):
            xi_sum = _reduce_partials(wk, part, K) * A
    else:
        blocks, threads = _launch_shape(K, S, max_blocks)
        fmax = _row_max(kern, lfp, dt)
        xa, xw = _zeros((N, K), dt), _zeros((N, K), dt)
        kern.forward_backward[blocks, threads, 0, 3 * threads * dt.itemsize](
            cuda.to_device(np.exp(log_pi).astype(dt)), cuda.to_device(A.astype(dt)),
            cuda.to_device(np.ascontiguousarray(A.T, dtype=dt)), lfp, fmax,
            cuda.to_device(offsets_h), cuda.to_device(order), cuda_kernels.TINY[name],
            log_prob_d, post, xa, xw, flag)
        with np.errstate(invalid="ignore"):
            xi_sum = _outer_sum(xa, xw) * A
    log_prob = log_prob_d.copy_to_host()
    bad = np.flatnonzero(flag.copy_to_host())
    fixes = None
    if len(bad):
        from . import numba_cpu
        sub, sub_off = _subset(log_frameprob, offsets_h, bad)
        lp_b, post_b, xi_b = numba_cpu.forward_backward(log_pi, log_A, sub, sub_off)
        log_prob[bad] = lp_b
        xi_sum = xi_sum + xi_b
        fixes = (sub_off, post_b)
    if fixes is not None:  # flagged sequences: the host's rows replace the device's
        for k, s in enumerate(bad):
            rows = np.ascontiguousarray(fixes[1][fixes[0][k]:fixes[0][k + 1]], dtype=dt)
            post[offsets_h[s]:offsets_h[s + 1]].copy_to_device(rows)
    if keep_on_device and not _simulated():
        return log_prob, _as_cupy_if_possible(post), xi_sum
    return log_prob, post.copy_to_host(), xi_sum


def score(log_startprob, log_transmat, log_frameprob, offsets, *, dtype=np.float64,
          max_blocks=None, kernel="auto"):
    """Log-likelihood of each sequence, shape (S,) float64 (forward pass on the GPU)."""
    _require_device()
    name = _dtype_name(dtype)
    if _use_chunked(log_transmat, offsets, kernel):
        return cuda_long.score(log_startprob, log_transmat, log_frameprob,
                               _host(offsets, np.int64), dtype=dtype)
    kern = cuda_kernels.build(name)
    dt, log_pi, log_A, offsets_h, order, lfp = _prepare(
        log_startprob, log_transmat, log_frameprob, offsets, name)
    N, K = lfp.shape
    S = len(offsets_h) - 1
    log_prob_d = cuda.device_array(S, dtype=np.float64)
    flag = cuda.device_array(S, dtype=np.int32)
    A = np.exp(log_A).astype(dt)
    if _use_warp(K, kernel):
        wk = _warp_kernels(name, K)
        blocks, threads = _warp_launch(wk, S, max_blocks)
        wk.forward[blocks, threads](
            cuda.to_device(np.exp(log_pi).astype(dt)), cuda.to_device(A), lfp,
            cuda.to_device(offsets_h), cuda.to_device(order), cuda_kernels.TINY[name],
            log_prob_d, flag)
    else:
        blocks, threads = _launch_shape(K, S, max_blocks)
        fmax = _row_max(kern, lfp, dt)
        kern.forward[blocks, threads, 0, 2 * threads * dt.itemsize](
            cuda.to_device(np.exp(log_pi).astype(dt)), cuda.to_device(A),
            lfp, fmax, cuda.to_device(offsets_h), cuda.to_device(order),
            cuda_kernels.TINY[name], log_prob_d, flag)
    log_prob = log_prob_d.copy_to_host()
    bad = np.flatnonzero(flag.copy_to_host())
    if len(bad):
        from . import numba_cpu
        sub, sub_off = _subset(log_frameprob, offsets_h, bad)
        log_prob[bad] = numba_cpu.score(log_pi, log_A, sub, sub_off)
    return log_prob


def viterbi(log_startprob, log_transmat, log_frameprob, offsets, *, dtype=np.float64,
            max_blocks=None, kernel="auto"):
    """Best state path of each sequence on the GPU: (log_prob (S,) float64, states (N,) int64).

    Ties go to the lowest state index, as in the reference (on the chunked path, where
    two paths tie exactly across a chunk boundary, the one chosen may differ)."""
    _require_device()
    name = _dtype_name(dtype)
    if _use_chunked(log_transmat, offsets, kernel):
        return cuda_long.viterbi(log_startprob, log_transmat, log_frameprob,
                                 _host(offsets, np.int64), dtype=dtype)
    kern = cuda_kernels.build(name)
    dt, log_pi, log_A, offsets_h, order, lfp = _prepare(
        log_startprob, log_transmat, log_frameprob, offsets, name)
    N, K = lfp.shape
    S = len(offsets_h) - 1
    log_prob_d = cuda.device_array(S, dtype=np.float64)
    states = cuda.device_array(N, dtype=np.int64)
    warp = _use_warp(K, kernel)
    # backpointers: int8 for the warp kernels (K <= 32), a quarter of the int32 traffic
    back = cuda.device_array((N, K), dtype=np.int8 if warp else np.int32)
    args = (cuda.to_device(log_pi.astype(dt)), cuda.to_device(log_A.astype(dt)), lfp,
            cuda.to_device(offsets_h), cuda.to_device(order), log_prob_d, back, states)
    if warp:
        wk = _warp_kernels(name, K)
        blocks, threads = _warp_launch(wk, S, max_blocks)
        wk.viterbi[blocks, threads](*args)
    else:
        blocks, threads = _launch_shape(K, S, max_blocks)
        kern.viterbi[blocks, threads, 0, threads * dt.itemsize](*args)
    return log_prob_d.copy_to_host(), states.copy_to_host()
