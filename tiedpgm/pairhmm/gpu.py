"""Pair-HMM batches on the GPU (``backend="cupy"``): host side of :mod:`.kernels_cuda`.

The functions take the pairs as lists of int code arrays (already in the orientation to
evaluate) and the reference's log tables (``PairHMM._log_args()``), and return NumPy
arrays; they never validate (the model does). Pairs are processed longest first, one
warp per pair, in chunks whose device buffers stay below ``chunk_bytes`` (4 GiB by
default): the posterior buffer (one ``dtype`` value per cell) plus the MEA direction
bytes (one byte per cell).

A pair that has probability 0 (a structural zero) comes back with ``flags`` set; the
caller redoes it on the CPU, as for the Numba kernels' flags.

Only Numba-CUDA is needed (not CuPy): the kernels run on Numba device arrays.
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


def _chunks(b, lanes, cell_bytes, chunk_bytes):
    """Split b.order into chunks of at most chunk_bytes of per-cell buffers."""
    cells = kc.strip_cells(b.n, b.m, lanes)[b.order]
    per = cells * cell_bytes
    out, start, acc = [], 0, 0
    for q in range(b.P):
        if q > start and acc + per[q] > chunk_bytes:
            out.append((start, q))
            start, acc = q, 0
        acc += per[q]
    out.append((start, b.P))
    return out, cells


def _posterior_chunks(xs, ys, log_args, dtype, lanes, max_warps, chunk_bytes, then=None,
                      posteriors=True):
    """Yield (batch, chunk state) after running fwd_bwd (unless ``posteriors`` is False)
    and then ``then`` ("mea", "viterbi" or None) on each chunk; finally (None, totals)."""
    cuda, name, lanes, K, kern, tabs = _setup(xs, ys, log_args, dtype, lanes)
    b = _Batch(cuda, xs, ys)
    chunk_bytes = CHUNK_BYTES if chunk_bytes is None else int(chunk_bytes)
    itemsize = np.dtype(name).itemsize if posteriors else 0
    chunks, cells = _chunks(b, lanes, itemsize + 1, chunk_bytes)
    d_lp = cuda.device_array(b.P, dtype=np.float64)
    d_score = cuda.to_device(np.zeros(b.P))
    # pairs the Viterbi kernel skips (flagged by fwd_bwd) keep -inf
    d_vlp = cuda.to_device(np.full(b.P, -np.inf)) if then == "viterbi" else None
    maxm = int(b.m.max()) + 1
    for a, z in chunks:
        order = b.order[a:z]
        cell_off = np.zeros(len(order) + 1, np.int64)
        cell_off[1:] = np.cumsum(cells[a:z])
        n_cells = max(1, int(cell_off[-1]))
        blocks, threads, warps = _grid(cuda, len(order), lanes, max_warps)
        bnd = cuda.device_array((1 + K, warps * maxm), dtype=name)
        post = cuda.device_array(n_cells if posteriors else 1, dtype=name)
        d_order = cuda.to_device(order)
        d_cell_off = cuda.to_device(cell_off)
        if posteriors:
            kern["fwd_bwd"][blocks, threads](b.d_x, b.d_xoff, b.d_y, b.d_yoff, d_order,
                                             d_cell_off, *tabs, bnd, d_lp, post)
        res = {"order": order, "cell_off": cell_off, "post": post}
        if then is not None:
            L = b.n[order] + b.m[order]
            opoff = np.zeros(len(order) + 1, np.int64)
            opoff[1:] = np.cumsum(L)
            codes = cuda.device_array(n_cells, dtype=np.uint8)
            d_ops = cuda.device_array(max(1, int(opoff[-1])), dtype=np.int8)
            d_oplen = cuda.to_device(np.zeros(len(order), np.int32))
            d_opoff = cuda.to_device(opoff)
            if then == "mea":
                kern["mea"][blocks, threads](b.d_xoff, b.d_yoff, d_order, d_cell_off, d_lp,
                                             post, codes, bnd, d_ops, d_opoff, d_oplen,
                                             d_score)
            else:
                kern["viterbi"][blocks, threads](b.d_x, b.d_xoff, b.d_y, b.d_yoff, d_order,
                                                 d_cell_off, *tabs, bnd, d_lp, post,
                                                 int(posteriors), codes, d_ops, d_opoff,
                                                 d_oplen, d_vlp, d_score)
            res.update(opoff=opoff, ops=d_ops, oplen=d_oplen)
        yield b, res
    final = {"lanes": lanes}
    if posteriors:
        final["log_prob"], final["flags"] = _finish_log_prob(d_lp.copy_to_host(), kern["neg"])
        final["score"] = d_score.copy_to_host()
    else:
        final["log_prob"] = final["score"] = None
        final["flags"] = np.zeros(b.P, bool)
    if d_vlp is not None:
        final["path_log_prob"], vflags = _finish_log_prob(d_vlp.copy_to_host(), kern["neg"])
        final["flags"] = final["flags"] | vflags
    yield None, final


def _reversed_ops(b, res, out):
    """Copy the ops (or states) a chunk wrote reversed back into out[p], in path order."""
    h_ops = res["ops"].copy_to_host()
    h_len = res["oplen"].copy_to_host()
    for q, p in enumerate(res["order"]):
        o = res["opoff"][q]
        out[p] = h_ops[o:o + h_len[q]][::-1].copy()


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
    for b, res in _posterior_chunks(xs, ys, args, dtype, lanes, max_warps, chunk_bytes):
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
                                    "mea"):
        if b is None:
            final = res
            break
        _reversed_ops(b, res, ops)
    for p in np.flatnonzero(final["flags"]):
        ops[p] = None
    return final["log_prob"], final["flags"], final["score"], ops


def viterbi(xs, ys, log_trans, log_end, log_match, log_ins_x, log_ins_y, dtype=np.float64,
            lanes=None, max_warps=None, chunk_bytes=None, posteriors=True):
    """Viterbi alignment (most probable state path) of every pair.

    Same (max, +) sums and tie rule (lowest state index) as the Numba CPU kernel, so in
    float64 the paths and their log-probabilities are identical to it. With
    ``posteriors=True`` (what ``align_many`` needs) the forward-backward pass runs first
    and gives the forward log P and the match posteriors summed along the path.

    Returns
    -------
    log_prob : ndarray (n_pairs,): forward log P(x, y) (None without posteriors)
    flags : ndarray of bool (n_pairs,): probability 0 here; redo on the CPU.
    score : ndarray (n_pairs,): summed match posteriors along the path (None without
        posteriors)
    states : list of int8 arrays (0 = M, 1..K = X_k, K+1..2K = Y_k), None where flagged
    path_log_prob : ndarray (n_pairs,): log P of the Viterbi path (-inf where flagged)
    """
    args = (log_trans, log_end, log_match, log_ins_x, log_ins_y)
    states = [None] * len(xs)
    if len(xs) == 0:
        z = np.zeros(0) if posteriors else None
        return z, np.zeros(0, bool), z, states, np.zeros(0)
    final = None
    for b, res in _posterior_chunks(xs, ys, args, dtype, lanes, max_warps, chunk_bytes,
                                    "viterbi", posteriors):
        if b is None:
            final = res
            break
        _reversed_ops(b, res, states)
    for p in np.flatnonzero(final["flags"]):
        states[p] = None
    return (final["log_prob"], final["flags"], final["score"], states,
            final["path_log_prob"])


def expected_counts(xs, ys, log_trans, log_end, log_match, log_ins_x, log_ins_y,
                    dtype=np.float64, lanes=None, max_warps=None, chunk_bytes=None):
    """Expected sufficient statistics summed over the pairs (the E-step of ``fit``).

    The forward pass stores all S states of every cell (S values per cell: chunks of at
    most ``chunk_bytes`` of them); the backward pass adds each cell's transition counts
    and state posteriors. Counts are summed in float64 (one row per warp, then over
    warps on the host); the order of the atomic additions varies from run to run, so
    results agree to rounding, not bit for bit.

    Returns
    -------
    log_prob : ndarray (n_pairs,)
    flags : ndarray of bool (n_pairs,): probability 0; their counts are *not* included.
    trans : (S, S), end : (S,), match : (A, A), ins_x, ins_y : (K, A) float64
    """
    args = (log_trans, log_end, log_match, log_ins_x, log_ins_y)
    S = np.asarray(log_trans).shape[0]
    K = (S - 1) // 2
    A = np.asarray(log_match).shape[0]
    off, size = kc.count_layout(S, A)
    total = np.zeros(size)
    if len(xs) == 0:
        lp, flags = np.zeros(0), np.zeros(0, bool)
    else:
        cuda, name, lanes, K, kern, tabs = _setup(xs, ys, args, dtype, lanes)
        b = _Batch(cuda, xs, ys)
        chunk_bytes = CHUNK_BYTES if chunk_bytes is None else int(chunk_bytes)
        chunks, cells = _chunks(b, lanes, S * np.dtype(name).itemsize, chunk_bytes)
        d_lp = cuda.device_array(b.P, dtype=np.float64)
        maxm = int(b.m.max()) + 1
        for a, z in chunks:
            order = b.order[a:z]
            cell_off = np.zeros(len(order) + 1, np.int64)
            cell_off[1:] = np.cumsum(cells[a:z])
            blocks, threads, warps = _grid(cuda, len(order), lanes, max_warps)
            bnd = cuda.device_array((1 + K, warps * maxm), dtype=name)
            fbuf = cuda.device_array(S * max(1, int(cell_off[-1])), dtype=name)
            cnt = cuda.to_device(np.zeros((warps, size)))
            kern["counts"][blocks, threads](b.d_x, b.d_xoff, b.d_y, b.d_yoff,
                                            cuda.to_device(order), cuda.to_device(cell_off),
                                            *tabs, bnd, d_lp, fbuf, cnt)
            total += cnt.copy_to_host().sum(axis=0)
        lp, flags = _finish_log_prob(d_lp.copy_to_host(), kern["neg"])
    trans = total[:S * S].reshape(S, S)
    end = total[off["end"]:off["end"] + S]
    match = total[off["match"]:off["match"] + A * A].reshape(A, A)
    ins_x = total[off["ins_x"]:off["ins_x"] + K * A].reshape(K, A)
    ins_y = total[off["ins_y"]:off["ins_y"] + K * A].reshape(K, A)
    return lp, flags, trans, end, match, ins_x, ins_y
