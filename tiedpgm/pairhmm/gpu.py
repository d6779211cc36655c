"""Pair-HMM batches on the GPU (``backend="cupy"``): host side of :mod:`.kernels_cuda`.

The functions take the pairs as lists of int code arrays (already in the orientation to
evaluate) and the reference's log tables (``PairHMM._log_args()``), and return NumPy
arrays; they never validate (the model does). Pairs are processed longest first, one
warp per pair, in chunks whose device buffers stay below ``chunk_bytes`` (4 GiB by
default): the posterior buffer (one ``dtype`` value per cell) plus the MEA direction
bytes (one byte per cell).

A pair that has probability 0 (a structural zero) comes back with ``flags`` set; the
caller redoes it on the CPU, as for the Numba kernels' flags.

Only Numba-CUDA is needed (not CuPy): the kernels run on Numba device arrays. Viterbi
alignments and the expected counts of ``fit`` are not implemented on the GPU; the model
runs them with the Numba CPU kernels (see ``docs/gpu.md``).
"""
import math

import numpy as np

from . import kernels_cuda as kc

CHUNK_BYTES = 4 * 2**30
SIM_LANES = 4                 # default rows per strip under the CUDA simulator
_THREADS_GPU = 128            # 4 warps per block


def require_device():
    """Raise a clear error unless numba.cuda sees a GPU (or the simulator is on)."""
    try:
        from ..kernels._numba_cuda import cuda
    except Exception as exc:  # noqa: BLE001 - numba-cuda missing or broken
        raise ImportError("backend='cupy' needs numba with CUDA support (numba-cuda): "
                          "pip install 'tiedpgm[gpu]', or use backend='numba'.") from exc
    if kc.simulated():
        return cuda
    try:
        ok = cuda.is_available()
    except Exception:  # noqa: BLE001
        ok = False
    if not ok:
        raise RuntimeError("backend='cupy' needs an NVIDIA GPU with a working CUDA driver "
                           "(numba.cuda found none); use backend='numba' on the CPU.")
    return cuda


def _dtype_name(dtype):
    name = np.dtype(dtype).name
    if name not in kc.NEG:
        raise ValueError(f"dtype={dtype!r} is not supported by backend='cupy'; "
                         "use np.float64 (default) or np.float32.")
    return name


def _tables(log_args, dtype_name):
    """Log tables with -inf replaced by the finite sentinel, in the kernel dtype."""
    neg = kc.NEG[dtype_name]
    out = []
    for a in log_args:
        a = np.array(a, dtype=np.float64)
        a[~np.isfinite(a)] = neg
        out.append(np.ascontiguousarray(a.astype(dtype_name)))
    return out


class _Batch:
    """Concatenated codes and offsets of a list of pairs, on the device."""

    def __init__(self, cuda, xs, ys):
        self.P = len(xs)
        self.n = np.array([len(a) for a in xs], dtype=np.int64)
        self.m = np.array([len(b) for b in ys], dtype=np.int64)
        xoff = np.zeros(self.P + 1, np.int64)
        yoff = np.zeros(self.P + 1, np.int64)
        xoff[1:] = np.cumsum(self.n)
        yoff[1:] = np.cumsum(self.m)
        xcat = np.concatenate([np.asarray(a, np.uint8) for a in xs] + [np.zeros(1, np.uint8)])
        ycat = np.concatenate([np.asarray(b, np.uint8) for b in ys] + [np.zeros(1, np.uint8)])
        self.d_x, self.d_y = cuda.to_device(xcat), cuda.to_device(ycat)
        self.d_xoff, self.d_yoff = cuda.to_device(xoff), cuda.to_device(yoff)
        # longest first (by cells), so that the long pairs start first
        self.order = np.argsort(-(self.n + 1) * (self.m + 1), kind="stable").astype(np.int64)


def _grid(cuda, n_pairs, lanes, max_warps):
    if kc.simulated():
        warps = max(1, min(n_pairs, 2 if max_warps is None else max_warps))
        return warps, lanes, warps
    if max_warps is None:
        n_sm = cuda.get_current_device().MULTIPROCESSOR_COUNT
        max_warps = n_sm * 64
    per_block = _THREADS_GPU // 32
    blocks = max(1, min(math.ceil(n_pairs / per_block), max(1, max_warps // per_block)))
    return blocks, _THREADS_GPU, blocks * per_block


def _lanes(lanes):
    if lanes is None:
        # a warp on a GPU; under the simulator short strips, so small pairs span several
        return SIM_LANES if kc.simulated() else 32
    if not kc.simulated() and lanes != 32:
        raise ValueError("on a GPU a strip is one warp: lanes must be 32.")
    return int(lanes)


def _setup(xs, ys, log_args, dtype, lanes):
    cuda = require_device()
    name = _dtype_name(dtype)
    lanes = _lanes(lanes)
    lt, le, lm, lix, liy = _tables(log_args, name)
    K = lix.shape[0]
    kern = kc.build(name, K, lanes)
    tabs = [cuda.to_device(a) for a in (lt, le, lm, lix, liy)]
    return cuda, name, lanes, K, kern, tabs


def _finish_log_prob(lp, neg):
    lp = np.asarray(lp, dtype=np.float64)
    flags = ~(lp > neg / 2)
    lp = np.where(flags, -np.inf, lp)
    return lp, flags


def score(xs, ys, log_trans, log_end, log_match, log_ins_x, log_ins_y, dtype=np.float64,
          lanes=None, max_warps=None):
    """log P(x, y) of every pair.

    Returns
    -------
    log_prob : ndarray, shape (n_pairs,), float64 (-inf where flagged)
    flags : ndarray of bool, shape (n_pairs,): probability 0 here; redo on the CPU.
    """
    args = (log_trans, log_end, log_match, log_ins_x, log_ins_y)
    cuda, name, lanes, K, kern, tabs = _setup(xs, ys, args, dtype, lanes)
    if len(xs) == 0:
        return np.zeros(0), np.zeros(0, bool)
    b = _Batch(cuda, xs, ys)
    blocks, threads, warps = _grid(cuda, b.P, lanes, max_warps)
    bnd = cuda.device_array((1 + K, warps * (int(b.m.max()) + 1)), dtype=name)
    d_lp = cuda.device_array(b.P, dtype=np.float64)
    kern["score"][blocks, threads](b.d_x, b.d_xoff, b.d_y, b.d_yoff, cuda.to_device(b.order),
                                   *tabs, bnd, d_lp)
    return _finish_log_prob(d_lp.copy_to_host(), kern["neg"])


def _chunks(b, lanes, itemsize, chunk_bytes):
    """Split b.order into chunks of at most chunk_bytes of posterior + code buffers."""
    cells = kc.strip_cells(b.n, b.m, lanes)[b.order]
    per = cells * (itemsize + 1)
    out, start, acc = [], 0, 0
    for q in range(b.P):
        if q > start and acc + per[q] > chunk_bytes:
            out.append((start, q))
            start, acc = q, 0
        acc += per[q]
    out.append((start, b.P))
    return out, cells


def _posterior_chunks(xs, ys, log_args, dtype, lanes, max_warps, chunk_bytes, with_mea):
    """Yield (positions, chunk state) after running fwd_bwd (and mea) on each chunk."""
    cuda, name, lanes, K, kern, tabs = _setup(xs, ys, log_args, dtype, lanes)
    b = _Batch(cuda, xs, ys)
    chunk_bytes = CHUNK_BYTES if chunk_bytes is None else int(chunk_bytes)
    chunks, cells = _chunks(b, lanes, np.dtype(name).itemsize, chunk_bytes)
    d_lp = cuda.device_array(b.P, dtype=np.float64)
    d_score = cuda.to_device(np.zeros(b.P))
    maxm = int(b.m.max()) + 1
    for a, z in chunks:
        order = b.order[a:z]
        cell_off = np.zeros(len(order) + 1, np.int64)
        cell_off[1:] = np.cumsum(cells[a:z])
        blocks, threads, warps = _grid(cuda, len(order), lanes, max_warps)
        bnd = cuda.device_array((1 + K, warps * maxm), dtype=name)
        post = cuda.device_array(max(1, int(cell_off[-1])), dtype=name)
        d_order = cuda.to_device(order)
        d_cell_off = cuda.to_device(cell_off)
        kern["fwd_bwd"][blocks, threads](b.d_x, b.d_xoff, b.d_y, b.d_yoff, d_order,
                                         d_cell_off, *tabs, bnd, d_lp, post)
        res = {"order": order, "cell_off": cell_off, "post": post}
        if with_mea:
            L = b.n[order] + b.m[order]
            opoff = np.zeros(len(order) + 1, np.int64)
            opoff[1:] = np.cumsum(L)
            codes = cuda.device_array(post.shape[0], dtype=np.uint8)
            d_ops = cuda.device_array(max(1, int(opoff[-1])), dtype=np.int8)
            d_oplen = cuda.to_device(np.zeros(len(order), np.int32))
            kern["mea"][blocks, threads](b.d_xoff, b.d_yoff, d_order, d_cell_off, d_lp, post,
                                         codes, bnd, d_ops, cuda.to_device(opoff), d_oplen,
                                         d_score)
            res.update(opoff=opoff, ops=d_ops, oplen=d_oplen)
        yield b, res
    lp, flags = _finish_log_prob(d_lp.copy_to_host(), kern["neg"])
    yield None, {"log_prob": lp, "flags": flags, "score": d_score.copy_to_host(),
                 "lanes": lanes}


def posterior_match(xs, ys, log_trans, log_end, log_match, log_ins_x, log_ins_y,
                    dtype=np.float64, lanes=None, max_warps=None, chunk_bytes=None):
    """Match posteriors of every pair.

    Returns
    -------
    log_prob : ndarray (n_pairs,)
    flags : ndarray of bool (n_pairs,)
    post : list of ndarray, shape (len(x), len(y)) each, float64 (None where flagged)
    """
    args = (log_trans, log_end, log_match, log_ins_x, log_ins_y)
    out = [None] * len(xs)
    if len(xs) == 0:
        return np.zeros(0), np.zeros(0, bool), out
    final = None
    for b, res in _posterior_chunks(xs, ys, args, dtype, lanes, max_warps, chunk_bytes,
                                    False):
        if b is None:
            final = res
            break
        lanes_ = _lanes(lanes)
        flat = res["post"].copy_to_host()
        for q, p in enumerate(res["order"]):
            n, m = int(b.n[p]), int(b.m[p])
            idx = res["cell_off"][q] + kc.cell_index(n, m, lanes_)
            out[p] = flat[idx].astype(np.float64)
    for p in np.flatnonzero(final["flags"]):
        out[p] = None
    return final["log_prob"], final["flags"], out


def mea(xs, ys, log_trans, log_end, log_match, log_ins_x, log_ins_y, dtype=np.float64,
        lanes=None, max_warps=None, chunk_bytes=None):
    """Posteriors and the maximum expected accuracy alignment of every pair.

    Returns
    -------
    log_prob : ndarray (n_pairs,)
    flags : ndarray of bool (n_pairs,)
    score : ndarray (n_pairs,): summed match posteriors of the MEA alignment
    ops : list of int8 arrays (0 = M, 1 = I, 2 = D), None where flagged
    """
    args = (log_trans, log_end, log_match, log_ins_x, log_ins_y)
    ops = [None] * len(xs)
    if len(xs) == 0:
        return np.zeros(0), np.zeros(0, bool), np.zeros(0), ops
    final = None
    for b, res in _posterior_chunks(xs, ys, args, dtype, lanes, max_warps, chunk_bytes,
                                    True):
        if b is None:
            final = res
            break
        h_ops = res["ops"].copy_to_host()
        h_len = res["oplen"].copy_to_host()
        for q, p in enumerate(res["order"]):
            o = res["opoff"][q]
            ops[p] = h_ops[o:o + h_len[q]][::-1].copy()
    for p in np.flatnonzero(final["flags"]):
        ops[p] = None
    return final["log_prob"], final["flags"], final["score"], ops
