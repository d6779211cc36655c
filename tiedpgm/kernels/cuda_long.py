"""Long sequences on the GPU: the time axis split into chunks, stitched exactly.

One block per sequence (:mod:`.cuda_kernels`) leaves a GPU idle when there are few
sequences: a single 10**6-frame sequence would run on one multiprocessor. Here every
sequence is cut into chunks of ``L`` frames and each chunk gets its own block, in three
passes:

1. **Chunk products** (device, one block per chunk). The forward recursion over a chunk
   is a product of matrices ``A diag(b_t)``; each block multiplies its chunk's ``L``
   factors into a K x K matrix ``R_c`` (the first chunk of a sequence starts from
   ``diag(pi * b_0)`` instead). Each row is renormalised to maximum 1 after every
   factor, its log scale kept in ``sigma_c`` (float64): row ``i`` is "started in state
   ``i``", so rows never have to share one scale.
2. **Stitching** (host, ``C`` steps of K x K work): the normalised forward vector at the
   end of each chunk ``a_c ~ a_{c-1} R_c`` and the backward vector at the end of the chunk
   before ``b_{c-1} ~ R_c b_c``, both in log-sum-exp form over the row scales, and the
   log-likelihood ``sum_c (max + log sum)`` plus the frames' row maxima.
3. **Chunk forward-backward** (device, one block per chunk): the scaled recursion of
   :mod:`.cuda_kernels` started from ``a_{c-1}`` and ended at ``b_c`` instead of the start
   probabilities and ones, plus the one transition into the chunk. Posteriors and each
   step's expected transitions are normalised per step, so nothing depends on how the
   chunk's vectors were scaled: the results are the sequential recursion's up to rounding.

The product costs K**3 per frame instead of K**2, so this path is for few long
sequences and moderate K (``cupy_gpu`` decides). As elsewhere, a chunk whose
normaliser underflows flags its sequence and the host redoes it with the CPU backend.
"""
import functools
import math
from typing import NamedTuple

import numba
import numpy as np
from numba import float32, float64

from ._numba_cuda import cuda
from .cuda_kernels import _simulated

TINY = {"float64": 1e-280, "float32": 1e-30}


class LongKernels(NamedTuple):
    dtype: np.dtype
    row_max: object
    products: object
    chunk_fb: object
    vit_products: object
    chunk_viterbi: object


@functools.lru_cache(maxsize=None)
def build(dtype_name="float64"):
    """The two device kernels of ``dtype_name`` in {"float64", "float32"}."""
    if dtype_name not in TINY:
        raise ValueError(f"dtype={dtype_name!r} is not supported; use 'float64' or 'float32'.")
    ftype = float64 if dtype_name == "float64" else float32

    @cuda.jit(device=True)
    def block_sum(buf, tid, val):
        buf[tid] = val
        cuda.syncthreads()
        step = cuda.blockDim.x // 2
        while step > 0:
            if tid < step:
                buf[tid] += buf[tid + step]
            cuda.syncthreads()
            step //= 2
        total = buf[0]
        cuda.syncthreads()
        return total

    @cuda.jit
    def row_max(lfp, fmax):
        """fmax[r] = max_k lfp[r, k], or 0 where the row has no finite maximum."""
        for r in range(cuda.grid(1), lfp.shape[0], cuda.gridsize(1)):
            m = lfp[r, 0]
            for k in range(1, lfp.shape[1]):
                if lfp[r, k] > m:
                    m = lfp[r, k]
            fmax[r] = m if (m > -math.inf and m < math.inf) else ftype(0.0)

    @cuda.jit
    def products(start, trans, lfp, fmax, cstart, cfirst, R, R2, sigma):
        """R[c] (row-normalised) and sigma[c] (row log scales) of every chunk c."""
        c = cuda.blockIdx.x
        j = cuda.threadIdx.x
        K = lfp.shape[1]
        a = cstart[c]
        b = cstart[c + 1]
        first = cfirst[c] != 0
        if j < K:  # thread j owns row j: the identity, or diag(pi * b_a) scaled to max 1
            for k in range(K):
                R[c, j, k] = ftype(0.0)
            sigma[c, j] = 0.0
            if first:
                m = start[j] * math.exp(lfp[a, j] - fmax[a])
                if m > 0:
                    sigma[c, j] = math.log(float64(m))
                else:
                    sigma[c, j] = -math.inf
            R[c, j, j] = ftype(1.0) if (not first or sigma[c, j] > -math.inf) else ftype(0.0)
        cuda.syncthreads()
        for t in range(a + 1 if first else a, b):
            if j < K:
                bj = math.exp(lfp[t, j] - fmax[t])
                for i in range(K):
                    acc = ftype(0.0)
                    for k in range(K):
                        acc += R[c, i, k] * trans[k, j]
                    R2[c, i, j] = acc * bj
            cuda.syncthreads()
            if j < K:  # thread j now owns row j
                m = ftype(0.0)
                for k in range(K):
                    if R2[c, j, k] > m:
                        m = R2[c, j, k]
                if m > 0:
                    inv = ftype(1.0) / m
                    for k in range(K):
                        R[c, j, k] = R2[c, j, k] * inv
                    sigma[c, j] += math.log(float64(m))
                else:
                    for k in range(K):
                        R[c, j, k] = ftype(0.0)
                    sigma[c, j] = -math.inf
            cuda.syncthreads()

    @cuda.jit
    def chunk_fb(start, trans, trans_t, lfp, fmax, cstart, cfirst, a_prev, b_end, tiny,
                 post, xi_part, flag):
        """Posteriors of chunk c's frames and its expected transitions into xi_part[c]."""
        P = cuda.blockDim.x
        buf = cuda.shared.array(0, ftype)
        sa = buf[0:P]
        sw = buf[P:2 * P]
        sred = buf[2 * P:3 * P]
        c = cuda.blockIdx.x
        tid = cuda.threadIdx.x
        K = lfp.shape[1]
        active = tid < K
        a = cstart[c]
        b = cstart[c + 1]
        first = cfirst[c] != 0
        if active:
            for i in range(K):
                xi_part[c, i, tid] = 0.0
            sa[tid] = a_prev[c, tid]
        cuda.syncthreads()
        ok = True
        for t in range(a, b):
            v = ftype(0.0)
            if active:
                if t == a and first:
                    v = start[tid]
                else:
                    for i in range(K):
                        v += sa[i] * trans[i, tid]
                v *= math.exp(lfp[t, tid] - fmax[t])
            s = block_sum(sred, tid, v)
            if not (s >= tiny):
                ok = False
                break
            if active:
                v = v / s
                sa[tid] = v
                post[t, tid] = v
            cuda.syncthreads()
        if not ok:
            if tid == 0:
                flag[c] = 1
            return
        # last frame of the chunk: posterior ~ alpha_hat * b_end
        beta = ftype(0.0)
        x = ftype(0.0)
        if active:
            x = post[b - 1, tid]
            if x > 0:
                beta = b_end[c, tid]
        g = block_sum(sred, tid, x * beta)
        if not (g >= tiny):
            if tid == 0:
                flag[c] = 1
            return
        if active:
            post[b - 1, tid] = x * beta / g
            beta = beta / g
        lo = a if first else a - 1
        for t in range(b - 2, lo - 1, -1):
            w = ftype(0.0)
            if active:
                w = math.exp(lfp[t + 1, tid] - fmax[t + 1]) * beta
                sw[tid] = w
            cuda.syncthreads()
            u = ftype(0.0)
            x = ftype(0.0)
            if active:
                for k in range(K):
                    u += trans_t[k, tid] * sw[k]
                x = post[t, tid] if t >= a else a_prev[c, tid]
            g = block_sum(sred, tid, x * u)
            if not (g >= tiny):
                ok = False
                break
            if active:
                xg = x / g
                sa[tid] = xg
                if t >= a:
                    post[t, tid] = xg * u
                beta = u / g if x > 0 else ftype(0.0)
            cuda.syncthreads()
            if active:
                for i in range(K):
                    xi_part[c, i, tid] += float64(sa[i] * trans[i, tid] * w)
        if not ok and tid == 0:
            flag[c] = 1

    @cuda.jit
    def vit_products(log_start, log_trans, lfp, cstart, cfirst, R, R2):
        """(max, +) product of each chunk: R[c, i, j] = best log-score of a path from state
        i at the frame before the chunk (the first chunk: i at its first frame, start
        score included) to state j at its last frame."""
        c = cuda.blockIdx.x
        j = cuda.threadIdx.x
        K = lfp.shape[1]
        a = cstart[c]
        b = cstart[c + 1]
        first = cfirst[c] != 0
        if j < K:  # thread j owns column j
            for i in range(K):
                R[c, i, j] = -math.inf
            R[c, j, j] = log_start[j] + lfp[a, j] if first else ftype(0.0)
        cuda.syncthreads()
        for t in range(a + 1 if first else a, b):
            if j < K:
                e = lfp[t, j]
                for i in range(K):
                    best = R[c, i, 0] + log_trans[0, j]
                    for k in range(1, K):
                        v = R[c, i, k] + log_trans[k, j]
                        if v > best:
                            best = v
                    R2[c, i, j] = best + e
            cuda.syncthreads()
            if j < K:
                for i in range(K):
                    R[c, i, j] = R2[c, i, j]
            cuda.syncthreads()

    @cuda.jit
    def chunk_viterbi(log_start, log_trans, lfp, cstart, cfirst, prev_state, end_state,
                      back, states):
        """Best path through chunk c from ``prev_state[c]`` at the frame before it (the
        first chunk: the start probabilities) to ``end_state[c]`` at its last frame, into
        ``states``; ties go to the lowest state index."""
        delta = cuda.shared.array(0, ftype)
        c = cuda.blockIdx.x
        tid = cuda.threadIdx.x
        K = lfp.shape[1]
        active = tid < K
        a = cstart[c]
        b = cstart[c + 1]
        if active:
            if cfirst[c] != 0:
                delta[tid] = log_start[tid] + lfp[a, tid]
            else:
                delta[tid] = log_trans[prev_state[c], tid] + lfp[a, tid]
        cuda.syncthreads()
        for t in range(a + 1, b):
            best = ftype(0.0)
            arg = 0
            if active:
                best = delta[0] + log_trans[0, tid]
                for i in range(1, K):
                    v = delta[i] + log_trans[i, tid]
                    if v > best:
                        best = v
                        arg = i
                back[t, tid] = arg
            cuda.syncthreads()
            if active:
                delta[tid] = best + lfp[t, tid]
            cuda.syncthreads()
        if tid == 0:
            states[b - 1] = end_state[c]
            for t in range(b - 1, a, -1):
                states[t - 1] = back[t, states[t]]

    return LongKernels(np.dtype(dtype_name), row_max, products, chunk_fb, vit_products,
                       chunk_viterbi)


def chunk_layout(offsets, chunk_len):
    """Chunk boundaries (C + 1,), first-chunk flags (C,), sequence of each chunk (C,)."""
    starts, first, seq = [], [], []
    for s in range(len(offsets) - 1):
        a, b = int(offsets[s]), int(offsets[s + 1])
        for c0 in range(a, b, chunk_len):
            starts.append(c0)
            first.append(c0 == a)
            seq.append(s)
    starts.append(int(offsets[-1]))
    return (np.asarray(starts, dtype=np.int64), np.asarray(first, dtype=np.int32),
            np.asarray(seq, dtype=np.int64))


@numba.njit(cache=True)
def stitch(R, sigma, cfirst, cseq, S):
    """Forward vectors at chunk ends, backward vectors at chunk ends, per-sequence log
    likelihood (without the frames' row maxima) and a flag per sequence."""
    C, K, _ = R.shape
    a_end = np.zeros((C, K))
    b_end = np.zeros((C, K))
    loglik = np.zeros(S)
    bad = np.zeros(S, dtype=np.bool_)
    z = np.empty(K)
    v = np.empty(K)
    for c in range(C):
        s = cseq[c]
        m = -np.inf
        for i in range(K):
            w = 0.0 if cfirst[c] else (np.log(a_end[c - 1, i]) if a_end[c - 1, i] > 0
                                       else -np.inf)
            z[i] = w + sigma[c, i]
            if z[i] > m:
                m = z[i]
        if not (m > -np.inf) or bad[s]:
            bad[s] = True
            continue
        for j in range(K):
            v[j] = 0.0
        for i in range(K):
            e = np.exp(z[i] - m)
            if e > 0:
                for j in range(K):
                    v[j] += e * R[c, i, j]
        tot = 0.0
        for j in range(K):
            tot += v[j]
        if not (tot > 0):
            bad[s] = True
            continue
        for j in range(K):
            a_end[c, j] = v[j] / tot
        if cfirst[c]:
            loglik[s] = 0.0
        loglik[s] += m + np.log(tot)
    for c in range(C - 1, -1, -1):
        s = cseq[c]
        if bad[s]:
            continue
        if c == C - 1 or cseq[c + 1] != s:
            for j in range(K):
                b_end[c, j] = 1.0
            continue
        n = c + 1
        m = -np.inf
        for i in range(K):
            acc = 0.0
            for j in range(K):
                acc += R[n, i, j] * b_end[n, j]
            z[i] = sigma[n, i] + np.log(acc) if acc > 0 and sigma[n, i] > -np.inf else -np.inf
            if z[i] > m:
                m = z[i]
        if not (m > -np.inf):
            bad[s] = True
            continue
        for i in range(K):
            b_end[c, i] = np.exp(z[i] - m)
    return a_end, b_end, loglik, bad


@numba.njit(cache=True)
def stitch_viterbi(R, cfirst, cseq, S):
    """Chunk-boundary states of each sequence's best path: (log_prob (S,), state before
    each chunk (C,), state at each chunk's end (C,)); ties to the lowest index."""
    C, K, _ = R.shape
    delta = np.empty((C, K))
    for c in range(C):
        for j in range(K):
            best = -np.inf
            for i in range(K):
                v = R[c, i, j] + (0.0 if cfirst[c] else delta[c - 1, i])
                if v > best:
                    best = v
            delta[c, j] = best
    log_prob = np.full(S, -np.inf)
    prev = np.zeros(C, dtype=np.int64)
    end = np.zeros(C, dtype=np.int64)
    for c in range(C - 1, -1, -1):
        s = cseq[c]
        if c == C - 1 or cseq[c + 1] != s:  # last chunk of its sequence
            arg = 0
            for j in range(1, K):
                if delta[c, j] > delta[c, arg]:
                    arg = j
            end[c] = arg
            log_prob[s] = delta[c, arg]
        else:
            end[c] = prev[c + 1]
        if not cfirst[c]:
            arg = 0
            best = delta[c - 1, 0] + R[c, 0, end[c]]
            for i in range(1, K):
                v = delta[c - 1, i] + R[c, i, end[c]]
                if v > best:
                    best = v
                    arg = i
            prev[c] = arg
    return log_prob, prev, end


def default_chunk_len(lengths, n_sm):
    """About 8 chunks per multiprocessor, at least 64 frames each."""
    total = int(np.sum(lengths))
    return max(64, -(-total // max(1, 8 * n_sm)))



class _Layout(NamedTuple):
    kern: LongKernels
    dt: np.dtype
    offsets: np.ndarray
    lfp: object       # (N, K) device, dt
    cstart: np.ndarray
    cfirst: np.ndarray
    cseq: np.ndarray
    threads: int


def _layout(log_frameprob, offsets, dtype, chunk_len):
    """Kernels, frames on the device, chunk boundaries and block size of one call."""
    from .cupy_gpu import _device   # lazy: cupy_gpu imports this module
    name = np.dtype(dtype).name
    dt = np.dtype(name)
    offsets = np.asarray(offsets, dtype=np.int64)
    lfp = _device(log_frameprob, dt)
    K = lfp.shape[1]
    if chunk_len is None:
        n_sm = 4 if _simulated() else cuda.get_current_device().MULTIPROCESSOR_COUNT
        chunk_len = default_chunk_len(np.diff(offsets), n_sm)
    cstart, cfirst, cseq = chunk_layout(offsets, int(chunk_len))
    threads = 1 << max(K - 1, 0).bit_length()
    if not _simulated():
        threads = max(threads, 32)
    return _Layout(build(name), dt, offsets, lfp, cstart, cfirst, cseq, threads)


class _Stitched(NamedTuple):
    kern: LongKernels
    dt: np.dtype
    log_pi: np.ndarray
    log_A: np.ndarray
    offsets: np.ndarray
    lfp: object       # (N, K) device, dt
    fmax: object      # (N,) device, dt
    cstart: np.ndarray
    cfirst: np.ndarray
    cseq: np.ndarray
    threads: int
    log_prob: np.ndarray
    a_end: np.ndarray
    b_end: np.ndarray
    bad: np.ndarray


def _products_and_stitch(log_startprob, log_transmat, log_frameprob, offsets, dtype,
                         chunk_len):
    """Passes 1 and 2: chunk products on the device, stitched on the host."""
    kern, dt, offsets, lfp, cstart, cfirst, cseq, threads = _layout(
        log_frameprob, offsets, dtype, chunk_len)
    log_pi = np.asarray(log_startprob, dtype=np.float64)
    log_A = np.asarray(log_transmat, dtype=np.float64)
    S = len(offsets) - 1
    N, K = lfp.shape
    C = len(cfirst)
    fmax = cuda.device_array(N, dtype=dt)
    kern.row_max[max(1, min(-(-N // 128), 4096)), 128 if not _simulated() else 1](lfp, fmax)
    with np.errstate(over="ignore", under="ignore"):
        pi = np.exp(log_pi).astype(dt)
        A = np.exp(log_A).astype(dt)
    R = cuda.device_array((C, K, K), dtype=dt)
    R2 = cuda.device_array((C, K, K), dtype=dt)
    sigma = cuda.device_array((C, K), dtype=np.float64)
    kern.products[C, threads](cuda.to_device(pi), cuda.to_device(A), lfp, fmax,
                              cuda.to_device(cstart), cuda.to_device(cfirst), R, R2, sigma)
    a_end, b_end, loglik, bad = stitch(R.copy_to_host().astype(np.float64),
                                       sigma.copy_to_host(), cfirst, cseq, S)
    nonempty = np.diff(offsets) > 0
    log_prob = loglik.copy()
    if nonempty.any():  # reduceat over the non-empty sequences' starts (empty ones add 0)
        log_prob[nonempty] += np.add.reduceat(fmax.copy_to_host().astype(np.float64),
                                              offsets[:-1][nonempty])
    log_prob[bad] = -np.inf
    return _Stitched(kern, dt, log_pi, log_A, offsets, lfp, fmax, cstart, cfirst, cseq,
                     threads, log_prob, a_end, b_end, bad)


def _host_rows(st, s):
    a, b = st.offsets[s], st.offsets[s + 1]
    return np.ascontiguousarray(st.lfp[a:b].copy_to_host(), dtype=np.float64), a, b


def score(log_startprob, log_transmat, log_frameprob, offsets, *, dtype=np.float64,
          chunk_len=None):
    """:func:`cupy_gpu.score` for few long sequences (passes 1 and 2 only)."""
    st = _products_and_stitch(log_startprob, log_transmat, log_frameprob, offsets, dtype,
                              chunk_len)
    log_prob = st.log_prob
    if st.bad.any():
        from . import numba_cpu
        for s in np.flatnonzero(st.bad):
            rows, a, b = _host_rows(st, s)
            log_prob[s] = numba_cpu.score(st.log_pi, st.log_A, rows, np.array([0, b - a]))[0]
    return log_prob


def forward_backward(log_startprob, log_transmat, log_frameprob, offsets, *,
                     dtype=np.float64, chunk_len=None, keep_on_device=False):
    """:func:`cupy_gpu.forward_backward` for few long sequences: same arguments and results.

    ``chunk_len`` frames per block (default :func:`default_chunk_len`)."""
    st = _products_and_stitch(log_startprob, log_transmat, log_frameprob, offsets, dtype,
                              chunk_len)
    dt, lfp = st.dt, st.lfp
    N, K = lfp.shape
    C = len(st.cfirst)
    with np.errstate(over="ignore", under="ignore"):
        A = np.exp(st.log_A)
        pi = np.exp(st.log_pi)
    a_prev = np.zeros((C, K))
    a_prev[1:] = st.a_end[:-1]
    post = cuda.device_array((N, K), dtype=dt)
    xi_part = cuda.device_array((C, K, K), dtype=np.float64)
    flag = cuda.to_device(np.zeros(C, dtype=np.int32))
    st.kern.chunk_fb[C, st.threads, 0, 3 * st.threads * dt.itemsize](
        cuda.to_device(pi.astype(dt)), cuda.to_device(A.astype(dt)),
        cuda.to_device(np.ascontiguousarray(A.T, dtype=dt)), lfp, st.fmax,
        cuda.to_device(st.cstart), cuda.to_device(st.cfirst), cuda.to_device(a_prev.astype(dt)),
        cuda.to_device(st.b_end.astype(dt)), TINY[dt.name], post, xi_part, flag)
    S = len(st.offsets) - 1
    bad = st.bad | (np.bincount(st.cseq, weights=flag.copy_to_host(), minlength=S) > 0)
    log_prob = st.log_prob
    xi_sum = xi_part.copy_to_host()[~bad[st.cseq]].sum(axis=0)
    post_h = None if keep_on_device and not _simulated() else post.copy_to_host()
    if bad.any():
        from . import numba_cpu
        for s in np.flatnonzero(bad):
            rows, a, b = _host_rows(st, s)
            lp_s, post_s, xi_s = numba_cpu.forward_backward(st.log_pi, st.log_A, rows,
                                                            np.array([0, b - a]))
            log_prob[s] = lp_s[0]
            xi_sum = xi_sum + xi_s
            if post_h is None:
                post[a:b].copy_to_device(np.ascontiguousarray(post_s, dtype=dt))
            else:
                post_h[a:b] = post_s
    if post_h is None:
        import cupy
        return log_prob, cupy.asarray(post), xi_sum
    return log_prob, post_h, xi_sum


def viterbi(log_startprob, log_transmat, log_frameprob, offsets, *, dtype=np.float64,
            chunk_len=None):
    """:func:`cupy_gpu.viterbi` for few long sequences: (max, +) chunk products, the chunk
    boundaries' states stitched on the host, then each chunk's path between its fixed end
    states. The best log-probability equals the sequential recursion's up to rounding;
    where two paths tie exactly, the one chosen may differ from the reference's."""
    kern, dt, offsets, lfp, cstart, cfirst, cseq, threads = _layout(
        log_frameprob, offsets, dtype, chunk_len)
    S = len(offsets) - 1
    N, K = lfp.shape
    C = len(cfirst)
    d_pi = cuda.to_device(np.asarray(log_startprob, dtype=dt))
    d_A = cuda.to_device(np.ascontiguousarray(log_transmat, dtype=dt))
    d_cstart, d_cfirst = cuda.to_device(cstart), cuda.to_device(cfirst)
    R = cuda.device_array((C, K, K), dtype=dt)
    R2 = cuda.device_array((C, K, K), dtype=dt)
    kern.vit_products[C, threads](d_pi, d_A, lfp, d_cstart, d_cfirst, R, R2)
    log_prob, prev, end = stitch_viterbi(R.copy_to_host().astype(np.float64), cfirst, cseq, S)
    back = cuda.device_array((N, K), dtype=np.int32)
    states = cuda.device_array(N, dtype=np.int64)
    kern.chunk_viterbi[C, threads, 0, threads * dt.itemsize](
        d_pi, d_A, lfp, d_cstart, d_cfirst, cuda.to_device(prev), cuda.to_device(end), back,
        states)
    return log_prob, states.copy_to_host()


def signatures(dtype_name="float64"):
    """Argument types of each kernel, for ahead-of-time PTX checks (``cuda.compile_ptx``)."""
    from numba import int32, int64
    f = float64 if dtype_name == "float64" else float32
    v1, m2, m3 = f[::1], f[:, ::1], f[:, :, ::1]
    i64, i32 = int64[::1], int32[::1]
    return {
        "row_max": (m2, v1),
        "products": (v1, m2, m2, v1, i64, i32, m3, m3, float64[:, ::1]),
        "chunk_fb": (v1, m2, m2, m2, v1, i64, i32, m2, m2, float64, m2, float64[:, :, ::1],
                     i32),
        "vit_products": (v1, m2, m2, i64, i32, m3, m3),
        "chunk_viterbi": (v1, m2, m2, i64, i32, i64, i64, int32[:, ::1], i64),
    }
