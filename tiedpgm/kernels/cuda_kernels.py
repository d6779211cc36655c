"""Numba-CUDA kernels for ragged batched HMM forward-backward, scoring and Viterbi.

These are the device kernels behind :mod:`tiedpgm.kernels.cupy_gpu`; they take
device arrays only, never validate, and never know about tie groups. The same
source runs on an NVIDIA GPU and, with ``NUMBA_ENABLE_CUDASIM=1`` set before numba
is imported, on the CPU under Numba's CUDA simulator (that is how CI tests them).

Layout
------
The sequences are concatenated: ``log_frameprob`` (N, K) with sequence ``s`` in rows
``offsets[s]:offsets[s + 1]``. Each block handles one sequence at a time with
``P = blockDim.x`` threads (a power of two >= K; thread ``k < K`` owns state ``k``)
and walks a grid-stride loop over ``order`` (sequence ids, longest first, so the
longest sequences start first and blocks finish at about the same time). Per time
step a block does one K x K vector-matrix product (thread ``j`` computes column
``j``), one shared-memory tree reduction and three barriers.

Numerics (forward-backward)
---------------------------
Scaled probability-space recursion (Rabiner 1989), as in :mod:`.numba_cpu`: frame
``t`` is exponentiated after subtracting its row maximum (precomputed by
``row_max``, added back into the log-likelihood), alpha is renormalised by its sum
``c_t`` at every step and ``log c_t`` is accumulated in float64. The backward variable
is normalised by ``g_t = sum_i alpha_t(i) u_t(i)`` with ``u_t = A (b_{t+1} * beta_{t+1})``,
which makes each step's xi and the posteriors sum to one exactly as written; beta is
set to 0 where alpha is 0 so that states alpha cannot reach never overflow. If some
``c_t`` is below ``tiny`` (or not a number) the sequence is flagged and skipped; the
host redoes flagged sequences on the CPU (they have probability zero, or a frame that
spans more nats than the dtype can hold).

Expected transition counts are reduced on the device: thread ``j`` of block ``b``
adds ``alpha_t(i) / g_t * A[i, j] * w_{t+1}(j)`` to ``xi_part[b, i, j]`` (float64, no
atomics -- each entry has one writer), and ``reduce_blocks`` sums ``xi_part`` over
blocks in a fixed order, so the result is deterministic.

Viterbi is max-plus in log space with backpointers ``back`` (N, K) int32 on the device;
ties go to the lowest state index (``np.argmax`` semantics) so paths equal the
reference's; thread 0 of the block does the traceback of its sequence.

Kernels are built per floating dtype (float64 default, float32 option) by
:func:`build`; log-likelihoods and ``xi_part`` are always float64.
"""
import functools
import math
from typing import NamedTuple

import numpy as np
from numba import float32, float64

from ._numba_cuda import cuda

# a scale factor below this is treated as underflow; the host redoes the sequence
TINY = {"float64": 1e-280, "float32": 1e-30}


class Kernels(NamedTuple):
    """The kernels of one floating dtype (numba CUDA dispatchers)."""
    dtype: np.dtype
    row_max: object        # [blocks, threads](lfp, fmax)
    forward_backward: object
    forward: object
    viterbi: object
    reduce_blocks: object  # [blocks, threads](xi_part, xi_sum)


@functools.lru_cache(maxsize=None)
def build(dtype_name="float64"):
    """Compile-on-first-launch kernels for ``dtype_name`` in {"float64", "float32"}."""
    if dtype_name not in TINY:
        raise ValueError(f"dtype={dtype_name!r} is not supported; use 'float64' or 'float32'.")
    ftype = float64 if dtype_name == "float64" else float32

    @cuda.jit(device=True)
    def block_sum(buf, tid, val):
        """Sum of ``val`` over the block (tree reduction in ``buf``); every thread gets it."""
        buf[tid] = val
        cuda.syncthreads()
        step = cuda.blockDim.x // 2
        while step > 0:
            if tid < step:
                buf[tid] += buf[tid + step]
            cuda.syncthreads()
            step //= 2
        total = buf[0]
        cuda.syncthreads()  # nobody overwrites buf before everyone has read it
        return total

    @cuda.jit
    def row_max(lfp, fmax):
        """fmax[r] = max_k lfp[r, k], or 0 where the row has no finite maximum."""
        N, K = lfp.shape
        start = cuda.grid(1)
        stride = cuda.gridsize(1)
        for r in range(start, N, stride):
            m = lfp[r, 0]
            for k in range(1, K):
                if lfp[r, k] > m:
                    m = lfp[r, k]
            if not (m > -math.inf and m < math.inf):
                m = ftype(0.0)
            fmax[r] = m

    @cuda.jit(device=True)
    def forward_seq(start, trans, lfp, fmax, a, b, tiny, sa, sred, post, store):
        """Scaled forward pass of rows a:b; returns (log_prob, ok). Leaves alpha_hat in
        ``post`` when ``store``."""
        tid = cuda.threadIdx.x
        K = lfp.shape[1]
        active = tid < K
        log_prob = 0.0
        ok = True
        for t in range(a, b):
            v = ftype(0.0)
            if active:
                if t == a:
                    v = start[tid]
                else:
                    for i in range(K):
                        v += sa[i] * trans[i, tid]
                v *= math.exp(lfp[t, tid] - fmax[t])
            c = block_sum(sred, tid, v)
            if not (c >= tiny):  # also catches NaN
                ok = False
                break
            log_prob += math.log(float64(c)) + float64(fmax[t])
            if active:
                v = v / c
                sa[tid] = v
                if store:
                    post[t, tid] = v
            cuda.syncthreads()
        return log_prob, ok

    @cuda.jit
    def forward_backward(start, trans, trans_t, lfp, fmax, offsets, order, tiny,
                         log_prob, post, xi_part, flag):
        """Posteriors into ``post`` (N, K), per-block xi into ``xi_part`` (B, K, K), which
        the kernel zeroes itself (B must equal the grid size)."""
        P = cuda.blockDim.x
        buf = cuda.shared.array(0, ftype)
        sa = buf[0:P]
        sw = buf[P:2 * P]
        sred = buf[2 * P:3 * P]
        tid = cuda.threadIdx.x
        blk = cuda.blockIdx.x
        K = lfp.shape[1]
        active = tid < K
        if active:  # each thread zeroes the column of xi_part it alone accumulates into
            for i in range(K):
                xi_part[blk, i, tid] = 0.0
        for idx in range(blk, order.shape[0], cuda.gridDim.x):
            s = order[idx]
            a = offsets[s]
            b = offsets[s + 1]
            lp, ok = forward_seq(start, trans, lfp, fmax, a, b, tiny, sa, sred, post, True)
            if tid == 0:
                log_prob[s] = lp if ok else -math.inf
                flag[s] = 0 if ok else 1
            if not ok:
                cuda.syncthreads()
                continue
            # beta_{T-1} = 1 where alpha is positive (posteriors at T-1 are alpha_hat)
            beta = ftype(0.0)
            if active and post[b - 1, tid] > 0:
                beta = ftype(1.0)
            for t in range(b - 2, a - 1, -1):
                w = ftype(0.0)
                if active:
                    w = math.exp(lfp[t + 1, tid] - fmax[t + 1]) * beta
                    sw[tid] = w
                cuda.syncthreads()
                u = ftype(0.0)
                x = ftype(0.0)
                if active:
                    for j in range(K):
                        u += trans_t[j, tid] * sw[j]
                    x = post[t, tid]
                g = block_sum(sred, tid, x * u)
                if active:
                    xg = x / g
                    sa[tid] = xg
                    post[t, tid] = xg * u
                    beta = u / g if x > 0 else ftype(0.0)
                cuda.syncthreads()
                if active:
                    for i in range(K):
                        xi_part[blk, i, tid] += float64(sa[i] * trans[i, tid] * w)
                # sa and sw are next written after a barrier that every thread reaches
                # only when done reading them, so no barrier is needed here

    @cuda.jit
    def forward(start, trans, lfp, fmax, offsets, order, tiny, log_prob, flag):
        """Log-likelihood of each sequence (forward pass only)."""
        P = cuda.blockDim.x
        buf = cuda.shared.array(0, ftype)
        sa = buf[0:P]
        sred = buf[P:2 * P]
        tid = cuda.threadIdx.x
        for idx in range(cuda.blockIdx.x, order.shape[0], cuda.gridDim.x):
            s = order[idx]
            lp, ok = forward_seq(start, trans, lfp, fmax, offsets[s], offsets[s + 1], tiny,
                                 sa, sred, lfp, False)
            if tid == 0:
                log_prob[s] = lp if ok else -math.inf
                flag[s] = 0 if ok else 1
            cuda.syncthreads()

    @cuda.jit
    def viterbi(log_start, log_trans, lfp, offsets, order, log_prob, back, states):
        """Best path of each sequence into ``states`` (N,) and its log-probability."""
        delta = cuda.shared.array(0, ftype)
        tid = cuda.threadIdx.x
        K = lfp.shape[1]
        active = tid < K
        for idx in range(cuda.blockIdx.x, order.shape[0], cuda.gridDim.x):
            s = order[idx]
            a = offsets[s]
            b = offsets[s + 1]
            if active:
                delta[tid] = log_start[tid] + lfp[a, tid]
            cuda.syncthreads()
            for t in range(a + 1, b):
                best = ftype(0.0)
                arg = 0
                if active:
                    best = delta[0] + log_trans[0, tid]
                    for i in range(1, K):
                        v = delta[i] + log_trans[i, tid]
                        if v > best:  # strict: ties go to the lowest index
                            best = v
                            arg = i
                    back[t, tid] = arg
                cuda.syncthreads()
                if active:
                    delta[tid] = best + lfp[t, tid]
                cuda.syncthreads()
            if tid == 0:
                best = delta[0]
                arg = 0
                for i in range(1, K):
                    if delta[i] > best:
                        best = delta[i]
                        arg = i
                log_prob[s] = best
                states[b - 1] = arg
                for t in range(b - 1, a, -1):
                    states[t - 1] = back[t, states[t]]
            cuda.syncthreads()

    @cuda.jit
    def reduce_blocks(xi_part, xi_sum):
        """xi_sum[i, j] = sum_b xi_part[b, i, j], summed in block order (deterministic)."""
        B, K, _ = xi_part.shape
        for p in range(cuda.grid(1), K * K, cuda.gridsize(1)):
            i = p // K
            j = p - i * K
            acc = 0.0
            for blk in range(B):
                acc += xi_part[blk, i, j]
            xi_sum[i, j] = acc

    return Kernels(np.dtype(dtype_name), row_max, forward_backward, forward, viterbi,
                   reduce_blocks)


def signatures(dtype_name="float64"):
    """Argument types of each kernel, for ahead-of-time PTX checks (``cuda.compile_ptx``)."""
    f = float64 if dtype_name == "float64" else float32
    from numba import int32, int64
    v1, m2 = f[::1], f[:, ::1]
    i64 = int64[::1]
    return {
        "row_max": (m2, v1),
        "forward_backward": (v1, m2, m2, m2, v1, i64, i64, float64, float64[::1], m2,
                             float64[:, :, ::1], int32[::1]),
        "forward": (v1, m2, m2, v1, i64, i64, float64, float64[::1], int32[::1]),
        "viterbi": (v1, m2, m2, i64, i64, float64[::1], int32[:, ::1], int64[::1]),
        "reduce_blocks": (float64[:, :, ::1], float64[:, ::1]),
    }
