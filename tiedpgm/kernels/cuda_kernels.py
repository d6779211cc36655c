"""Numba-CUDA kernels for ragged batched HMM forward-backward, scoring and Viterbi.

These are the device kernels behind :mod:`tiedpgm.kernels.cupy_gpu`; they take
device arrays only, never validate, and never know about tie groups. The same
source runs on an NVIDIA GPU and, with ``NUMBA_ENABLE_CUDASIM=1`` set before numba
is imported, on the CPU under Numba's CUDA simulator (that is how CI tests them).

Two kernel families
-------------------
The sequences are concatenated: ``log_frameprob`` (N, K) with sequence ``s`` in rows
``offsets[s]:offsets[s + 1]``, walked in ``order`` (sequence ids, longest first).

* :func:`build_warp` (K <= 32, the default there): ``P`` = the next power of two >= K
  lanes per sequence, ``G = 32 // P`` sequences per warp; a warp takes a *task* of G
  consecutive sequences of ``order`` and steps to the longest of them. No block
  barriers: the alpha row is exchanged through the warp's own slice of shared memory
  with one ``syncwarp`` per step, the normaliser and row maximum are xor-shuffle
  butterflies within the P-lane group. Compiled per (dtype, K), so state loops unroll
  and a lane's column/row of ``A`` live in registers.
* :func:`build` (any K; used for K > 32): one block of ``P`` threads per sequence in a
  grid-stride loop, thread ``j`` computes column ``j`` of the vector-matrix product;
  the normaliser is a warp butterfly plus one barrier for the warp sums.

Numerics (forward-backward)
---------------------------
Scaled probability-space recursion (Rabiner 1989), as in :mod:`.numba_cpu`: frame
``t`` is exponentiated after subtracting its row maximum ``m_t`` (a separate
``row_max`` kernel for the block family, a group reduction in the warp kernels),
alpha is renormalised by its sum ``c_t`` at every step and ``log c_t + m_t`` is
accumulated in float64. The backward variable is normalised by
``g_t = sum_i alpha_t(i) u_t(i)`` with ``u_t = A (b_{t+1} * beta_{t+1})``, which makes
each step's xi and the posteriors sum to one exactly as written; beta is set to 0
where alpha is 0 so that states alpha cannot reach never overflow. If some ``c_t`` is
below ``tiny`` (or not a number) the sequence is flagged and skipped; the host redoes
flagged sequences on the CPU (they have probability zero, or a frame that spans more
nats than the dtype can hold).

Expected transition counts are reduced on the device without atomics, in a fixed
order (deterministic): the block kernel writes ``alpha_t / g_t`` and ``w_{t+1}`` of every
step into two (N, K) arrays whose product ``xa.T @ xw`` (one cuBLAS call over all
frames, float64) times ``A`` is the sum, instead of K read-modify-writes of a global
(K, K) buffer per thread and step (on an H100 those made the K = 128 E-step five times
slower than Viterbi, which has the same recursion without them); the warp kernel
accumulates ``alpha_t(i) / g_t * w_{t+1}(j)`` per warp, ``reduce_partials`` sums over
warps and the caller multiplies by ``A[i, j]``.

Viterbi is max-plus in log space with backpointers ``back`` (N, K) on the device (int32
for the block kernel, int8 for the warp kernel); ties go to the lowest state index
(``np.argmax`` semantics) so paths equal the reference's.

Log-likelihoods and xi partials are always float64; the recursions run in the kernels'
dtype (float64 default, float32 option).
"""
import functools
import math
from typing import NamedTuple

import numpy as np
from numba import float32, float64, int32, uint64

from ._numba_cuda import cuda

# a scale factor below this is treated as underflow; the host redoes the sequence
TINY = {"float64": 1e-280, "float32": 1e-30}
WARP = 32
FULL_MASK = 0xFFFFFFFF


class Kernels(NamedTuple):
    """The kernels of one floating dtype (numba CUDA dispatchers)."""
    dtype: np.dtype
    row_max: object        # [blocks, threads](lfp, fmax)
    forward_backward: object
    forward: object
    viterbi: object


@functools.lru_cache(maxsize=None)
def build(dtype_name="float64"):
    """Compile-on-first-launch kernels for ``dtype_name`` in {"float64", "float32"}."""
    if dtype_name not in TINY:
        raise ValueError(f"dtype={dtype_name!r} is not supported; use 'float64' or 'float32'.")
    ftype = float64 if dtype_name == "float64" else float32
    _, shfl_xor, shfl_idx = _warp_primitives()

    @cuda.jit(device=True)
    def block_sum(buf, tid, val):
        """Sum of ``val`` over the block; every thread gets the same value. An xor butterfly
        within each warp (no barrier), then, for blocks of several warps, the warp sums
        through ``buf[0:P // 32]`` behind one barrier, added in warp order by every thread.
        Every call site passes another barrier before its next call, so ``buf`` is never
        rewritten while a thread still reads it."""
        P = cuda.blockDim.x
        v = val
        off = (P if P < WARP else WARP) // 2
        while off > 0:
            v += shfl_xor(v, off)
            off //= 2
        if P <= WARP:   # the same bits in every lane (see the warp kernels' group_sum)
            return shfl_idx(v, 0)
        if tid % WARP == 0:
            buf[tid // WARP] = v
        cuda.syncthreads()
        total = buf[0]
        for w in range(1, P // WARP):
            total += buf[w]
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
                         log_prob, post, xa, xw, flag):
        """Posteriors into ``post`` (N, K). For the expected transitions, row ``t`` of
        ``xa`` gets ``alpha_hat_t / g_t`` and row ``t`` of ``xw`` gets ``w_{t+1}`` for every
        step t -> t+1 inside a sequence; rows of last frames (and of flagged sequences) are
        left as the caller set them (zeros), so ``xi = A * (xa.T @ xw)`` -- one matrix
        product for all sequences, done by the host code -- instead of K read-modify-writes
        of a global (K, K) buffer per thread and step."""
        P = cuda.blockDim.x
        buf = cuda.shared.array(0, ftype)
        sa = buf[0:P]
        sw = buf[P:2 * P]
        sred = buf[2 * P:3 * P]
        tid = cuda.threadIdx.x
        blk = cuda.blockIdx.x
        K = lfp.shape[1]
        active = tid < K
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
                    xa[t, tid] = xg
                    xw[t, tid] = w
                    post[t, tid] = xg * u
                    beta = u / g if x > 0 else ftype(0.0)
                # sw is next written after the barrier inside block_sum, which every
                # thread reaches only when done reading it

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

    return Kernels(np.dtype(dtype_name), row_max, forward_backward, forward, viterbi)


def signatures(dtype_name="float64"):
    """Argument types of each kernel, for ahead-of-time PTX checks (``cuda.compile_ptx``)."""
    f = float64 if dtype_name == "float64" else float32
    from numba import int32, int64
    v1, m2 = f[::1], f[:, ::1]
    i64 = int64[::1]
    return {
        "row_max": (m2, v1),
        "forward_backward": (v1, m2, m2, m2, v1, i64, i64, float64, float64[::1], m2, m2, m2,
                             int32[::1]),
        "forward": (v1, m2, m2, v1, i64, i64, float64, float64[::1], int32[::1]),
        "viterbi": (v1, m2, m2, i64, i64, float64[::1], int32[:, ::1], int64[::1]),
    }


# --------------------------------------------------------------------------------------
# Warp kernels for K <= 32: several sequences per warp, no block barriers
# --------------------------------------------------------------------------------------

def _simulated():
    from numba import config
    return bool(config.ENABLE_CUDASIM)


def _warp_primitives():
    """(syncwarp, shfl_xor, shfl_idx) device functions.

    On a GPU they are ``cuda.syncwarp`` and the ``shfl_*_sync`` intrinsics over the full
    warp. Numba's CUDA simulator has no warp primitives, so there they are emulated with a
    block-wide barrier (the simulator's barrier waits for the threads still alive, which
    is a valid -- stronger -- warp barrier because every lane of a warp executes the
    same sequence of calls, and the warp kernels never use a barrier for anything else)
    and a per-block exchange buffer.
    """
    if not _simulated():
        @cuda.jit(device=True)
        def syncwarp():
            cuda.syncwarp(FULL_MASK)

        @cuda.jit(device=True)
        def shfl_xor(value, lane_mask):
            return cuda.shfl_xor_sync(FULL_MASK, value, lane_mask)

        @cuda.jit(device=True)
        def shfl_idx(value, src_lane):
            return cuda.shfl_sync(FULL_MASK, value, src_lane)

        return syncwarp, shfl_xor, shfl_idx

    def syncwarp():
        cuda.syncthreads()

    import threading

    def _exchange(value, src):
        # two buffers used alternately by each thread's successive exchanges: a buffer is
        # rewritten two exchanges later, after a barrier every reader has passed
        bufs = cuda.shared.array((2, 1024), float64)   # one array per simulated block
        th = threading.current_thread()
        n = getattr(th, "_tiedpgm_exchanges", 0)
        th._tiedpgm_exchanges = n + 1
        buf = bufs[n % 2]
        buf[cuda.threadIdx.x] = value
        cuda.syncthreads()
        return type(value)(buf[src])

    def shfl_xor(value, lane_mask):
        tid = cuda.threadIdx.x
        return _exchange(value, tid ^ lane_mask)

    def shfl_idx(value, src_lane):
        tid = cuda.threadIdx.x
        return _exchange(value, tid - tid % WARP + src_lane)

    return syncwarp, shfl_xor, shfl_idx


class WarpKernels(NamedTuple):
    """The warp kernels of one (dtype, K) (numba CUDA dispatchers)."""
    dtype: np.dtype
    K: int
    P: int                 # lanes per sequence (power of two >= K)
    G: int                 # sequences per warp (32 // P)
    warps: int             # warps per block
    forward_backward: object
    forward: object
    viterbi: object
    reduce_partials: object  # [<= K * K blocks, <= 128 threads, power of two](part, out)


def lanes_per_sequence(K):
    return 1 << max(K - 1, 0).bit_length()


@functools.lru_cache(maxsize=None)
def build_warp(dtype_name, K, warps=2):
    """Warp kernels for ``K <= 32`` states, compiled for this ``K`` (so the state loops
    have constant trip counts and unroll, and the transition column/row and the xi
    accumulators of a lane live in registers)."""
    if dtype_name not in TINY:
        raise ValueError(f"dtype={dtype_name!r} is not supported; use 'float64' or 'float32'.")
    if not 1 <= K <= WARP:
        raise ValueError(f"the warp kernels take 1 <= K <= {WARP} states, got K={K}.")
    ftype = float64 if dtype_name == "float64" else float32
    P = lanes_per_sequence(K)
    G = WARP // P
    W = int(warps)
    HALF = K // 2
    ODD = K % 2 == 1
    # butterfly offsets: within a P-lane group, and across the G groups of a warp
    IN_GROUP = tuple(P >> (s + 1) for s in range(P.bit_length() - 1))
    ACROSS = tuple(P << s for s in range(G.bit_length() - 1))
    N_IN = len(IN_GROUP)
    N_ACROSS = len(ACROSS)
    SMEM = W * 4 * WARP   # per warp: two alpha buffers and two w buffers of 32 entries
    # running product of the scale factors stays in [PLO, PHI] (a factor is >= TINY and
    # <= K, so the product never leaves the normal range); float32 sums are moved into
    # float64 every FLUSH steps
    npf = np.dtype(dtype_name).type
    PLO, PHI = (npf(1e-20), npf(1e20)) if dtype_name == "float64" else (npf(1e-5), npf(1e5))
    FLUSH = 16
    # constants of the working dtype (a Python float would promote float32 code to float64)
    ZERO, ONE, NEG_INF, POS_INF = npf(0.0), npf(1.0), npf(-np.inf), npf(np.inf)
    U32, U64, U96 = np.uint64(WARP), np.uint64(2 * WARP), np.uint64(3 * WARP)
    SMX = W * K * WARP    # float64 xi accumulators, K per lane
    syncwarp, shfl_xor, shfl_idx = _warp_primitives()

    @cuda.jit(device=True)
    def group_sum(v):
        """Sum over the lane's P-lane group, the same bits in every lane of the group: the
        butterfly alone is symmetric only if no lane fuses its first add with the
        multiplication that produced ``v`` (ptxas may contract mul + add into an FMA), so
        the group's first lane's result is broadcast."""
        for s in range(N_IN):
            v += shfl_xor(v, P >> (s + 1))
        if N_IN > 0:
            lane = cuda.laneid
            v = shfl_idx(v, lane - lane % P)
        return v

    @cuda.jit(device=True)
    def group_max(v):
        for s in range(N_IN):
            o = shfl_xor(v, P >> (s + 1))
            if o > v:
                v = o
        return v

    @cuda.jit(device=True)
    def finite_or_zero(m):
        if not (m > NEG_INF and m < POS_INF):
            m = ZERO
        return m

    @cuda.jit(device=True)
    def task_bounds(task, g, offsets, order):
        """(first row, length) of group ``g``'s sequence in ``task`` (length 0: none), and
        the longest length in the task."""
        S = order.shape[0]
        a = 0
        T = 0
        Tmax = 0
        for gg in range(G):
            idx = task * G + gg
            if idx < S:
                s = order[idx]
                L = offsets[s + 1] - offsets[s]
                if L > Tmax:
                    Tmax = L
                if gg == g:
                    a = offsets[s]
                    T = L
        return a, T, Tmax

    @cuda.jit(device=True)
    def forward_task(pi_k, trans, lfp, a, T, Tmax, tiny, sbuf, a0, a1, k, post, store):
        """Scaled forward pass of one group's sequence (rows a:a+T), the warp stepping to
        Tmax. Returns (log_prob, ok); alpha_hat goes to ``post`` when ``store``.

        ``log_prob = sum_t (log c_t + m_t)`` is accumulated without a logarithm and a
        float64 conversion per step: the ``c_t`` are multiplied into ``prod`` (its log
        taken only when it leaves [PLO, PHI]) and the row maxima summed in ``msum``; both
        are added to the float64 total every FLUSH steps."""
        act = k < K
        acol = cuda.local.array(K, ftype)   # A[:, k], in registers (constant indices)
        for i in range(K):
            acol[i] = ZERO
            if act:
                acol[i] = trans[i, k]
        tiny_f = ftype(tiny)
        lp = 0.0
        ok = True
        prod = ONE
        lpc = ZERO
        msum = ZERO
        xn = NEG_INF
        if act and T > 0:
            xn = lfp[a, k]
        for t in range(Tmax):
            on = ok and t < T
            x = xn
            if on and act and t + 1 < T:
                xn = lfp[a + t + 1, k]       # next frame, loaded a step ahead
            m = NEG_INF
            if on and act:
                m = x
            m = finite_or_zero(group_max(m))
            e = ZERO
            if on and act:
                e = math.exp(x - m)
            if t == 0:
                v = pi_k * e
            else:
                av = a1 if (t & 1) == 0 else a0   # alpha_{t-1} of this group
                acc0 = ZERO
                acc1 = ZERO
                for i in range(HALF):
                    acc0 += sbuf[av + uint64(2 * i)] * acol[2 * i]
                    acc1 += sbuf[av + uint64(2 * i + 1)] * acol[2 * i + 1]
                if ODD:
                    acc0 += sbuf[av + uint64(K - 1)] * acol[K - 1]
                v = (acc0 + acc1) * e
            c = group_sum(v)
            if on:
                if c >= tiny_f:
                    prod *= c
                    msum += m
                    if prod < PLO or prod > PHI:
                        lpc += math.log(prod)
                        prod = ONE
                    if act:
                        v = v * (ONE / c)
                        if (t & 1) == 0:
                            sbuf[a0 + uint64(k)] = v
                        else:
                            sbuf[a1 + uint64(k)] = v
                        if store:
                            post[a + t, k] = v
                else:   # underflow or NaN: flagged, redone on the host
                    ok = False
            if (t & (FLUSH - 1)) == FLUSH - 1:
                lp += float64(lpc) + float64(msum)
                lpc = ZERO
                msum = ZERO
            syncwarp()
        lp += math.log(float64(prod)) + float64(lpc) + float64(msum)
        return lp, ok

    @cuda.jit(device=True)
    def warp_setup(sbuf):
        tid = cuda.threadIdx.x
        lane = tid % WARP
        wib = tid // WARP
        base = wib * 4 * WARP
        for j in range(4):   # finite contents: idle lanes multiply them by zero
            sbuf[base + j * WARP + lane] = ZERO
        syncwarp()
        gw = cuda.blockIdx.x * W + wib
        nw = cuda.gridDim.x * W
        g = lane // P
        # offsets of this group's entries in the warp's four buffers, unsigned: indexing
        # with an unsigned offset needs no negative-index fix-up, so an unrolled state loop
        # is one shared-memory load per term
        a0 = uint64(base + g * P)
        return g, lane % P, gw, nw, a0, a0 + U32, a0 + U64, a0 + U96

    @cuda.jit
    def forward_backward(start, trans, lfp, offsets, order, tiny, log_prob, post, xi_part, flag):
        """Posteriors into ``post``; per-warp partial sums of ``alpha_hat_t(i) / g_t *
        w_{t+1}(j)`` into ``xi_part[warp]`` (the host multiplies by ``A`` after
        ``reduce_partials``). ``xi_part`` needs one row per warp of the grid."""
        sbuf = cuda.shared.array(SMEM, ftype)
        g, k, gw, nw, a0, a1, w0, w1 = warp_setup(sbuf)
        act = k < K
        # float64 xi partial of column k (without A) of this lane, in shared memory (entry
        # i of lane l at xo + 32 i: conflict-free), so it costs no registers; the lane adds
        # its ftype registers Mf into it every FLUSH steps
        xs = cuda.shared.array(SMX, float64)
        xo = uint64((cuda.threadIdx.x // WARP) * K * WARP + cuda.threadIdx.x % WARP)
        for i in range(K):
            xs[xo + uint64(i * WARP)] = 0.0
        pi_k = ZERO
        if act:
            pi_k = start[k]
        S = order.shape[0]
        n_tasks = (S + G - 1) // G
        for task in range(gw, n_tasks, nw):
            a, T, Tmax = task_bounds(task, g, offsets, order)
            lp, ok = forward_task(pi_k, trans, lfp, a, T, Tmax, tiny, sbuf, a0, a1, k, post, True)
            if k == 0 and task * G + g < order.shape[0]:   # (an empty sequence: 0, ok)
                s = order[task * G + g]
                log_prob[s] = lp if ok else -math.inf
                flag[s] = 0 if ok else 1
            ok = ok and T > 0
            # backward: group g walks t = T-2 .. 0 while the warp counts r = 0 .. Tmax-2
            arow = cuda.local.array(K, ftype)   # A[k, :]
            Mf = cuda.local.array(K, ftype)     # the last < FLUSH steps of xi, in ftype
            for i in range(K):
                arow[i] = ZERO
                Mf[i] = ZERO
                if act:
                    arow[i] = trans[k, i]
            beta = ZERO
            if ok and act and post[a + T - 1, k] > ZERO:
                beta = ONE
            xn = NEG_INF
            xan = ZERO
            if ok and act and T >= 2:
                xn = lfp[a + T - 1, k]
                xan = post[a + T - 2, k]
            pending = False       # an xi update of the previous step waits for a syncwarp
            w_prev = ZERO
            for r in range(Tmax - 1):
                t = T - 2 - r
                on = ok and t >= 0
                x = xn
                xa = xan
                if on and act and t >= 1:   # rows of the next step, loaded a step ahead
                    xn = lfp[a + t, k]
                    xan = post[a + t - 1, k]
                m = NEG_INF
                if on and act:
                    m = x
                m = finite_or_zero(group_max(m))
                w = ZERO
                if on and act:
                    w = math.exp(x - m) * beta
                wv = w0 if (r & 1) == 0 else w1
                if act:
                    sbuf[wv + uint64(k)] = w
                syncwarp()
                if pending:   # xi of the previous step: its alpha_hat / g is in shared now
                    av = a1 if (r & 1) == 0 else a0
                    for i in range(K):
                        Mf[i] += sbuf[av + uint64(i)] * w_prev
                if (r & (FLUSH - 1)) == FLUSH - 1:
                    for i in range(K):
                        xs[xo + uint64(i * WARP)] += float64(Mf[i])
                        Mf[i] = ZERO
                u0 = ZERO
                u1 = ZERO
                for j in range(HALF):
                    u0 += arow[2 * j] * sbuf[wv + uint64(2 * j)]
                    u1 += arow[2 * j + 1] * sbuf[wv + uint64(2 * j + 1)]
                if ODD:
                    u0 += arow[K - 1] * sbuf[wv + uint64(K - 1)]
                u = u0 + u1
                gs = group_sum(xa * u)
                pending = False
                if on and act:
                    rgs = ONE / gs
                    xg = xa * rgs
                    post[a + t, k] = xg * u
                    if (r & 1) == 0:
                        sbuf[a0 + uint64(k)] = xg
                    else:
                        sbuf[a1 + uint64(k)] = xg
                    beta = u * rgs if xa > ZERO else ZERO
                    pending = True
                w_prev = w
            syncwarp()
            if pending:
                av = a0 if (Tmax & 1) == 0 else a1   # written at r = Tmax - 2
                for i in range(K):
                    Mf[i] += sbuf[av + uint64(i)] * w_prev
            for i in range(K):
                xs[xo + uint64(i * WARP)] += float64(Mf[i])
            syncwarp()   # the next task's forward pass overwrites these buffers
        # combine the G groups of the warp (fixed butterfly order: deterministic)
        for i in range(K):
            v = xs[xo + uint64(i * WARP)]
            for s in range(N_ACROSS):
                v += shfl_xor(v, P << s)
            if g == 0 and act:
                xi_part[gw, i, k] = v

    @cuda.jit
    def forward(start, trans, lfp, offsets, order, tiny, log_prob, flag):
        """Log-likelihood of each sequence (forward pass only)."""
        sbuf = cuda.shared.array(SMEM, ftype)
        g, k, gw, nw, a0, a1, w0, w1 = warp_setup(sbuf)
        pi_k = ZERO
        if k < K:
            pi_k = start[k]
        S = order.shape[0]
        n_tasks = (S + G - 1) // G
        for task in range(gw, n_tasks, nw):
            a, T, Tmax = task_bounds(task, g, offsets, order)
            lp, ok = forward_task(pi_k, trans, lfp, a, T, Tmax, tiny, sbuf, a0, a1, k, lfp, False)
            if k == 0 and task * G + g < order.shape[0]:   # (an empty sequence: 0, ok)
                s = order[task * G + g]
                log_prob[s] = lp if ok else -math.inf
                flag[s] = 0 if ok else 1

    @cuda.jit
    def viterbi(log_start, log_trans, lfp, offsets, order, log_prob, back, states):
        """Best path of each sequence into ``states`` and its log-probability; ties go to
        the lowest state index. ``back`` (N, K) int8 holds the backpointers."""
        sbuf = cuda.shared.array(SMEM, ftype)
        g, k, gw, nw, a0, a1, w0, w1 = warp_setup(sbuf)
        act = k < K
        lcol = cuda.local.array(K, ftype)
        for i in range(K):
            lcol[i] = ZERO
            if act:
                lcol[i] = log_trans[i, k]
        lpi = ZERO
        if act:
            lpi = log_start[k]
        S = order.shape[0]
        n_tasks = (S + G - 1) // G
        for task in range(gw, n_tasks, nw):
            a, T, Tmax = task_bounds(task, g, offsets, order)
            xn = ZERO
            if act and T > 0:
                sbuf[a0 + uint64(k)] = lpi + lfp[a, k]
                if T > 1:
                    xn = lfp[a + 1, k]
            syncwarp()
            for t in range(1, Tmax):
                on = t < T
                x = xn
                if on and act and t + 1 < T:
                    xn = lfp[a + t + 1, k]
                dv = a1 if (t & 1) == 0 else a0   # delta_{t-1} of this group
                best = sbuf[dv + uint64(0)] + lcol[0]
                arg = 0
                for i in range(1, K):
                    v = sbuf[dv + uint64(i)] + lcol[i]
                    if v > best:   # strict: ties go to the lowest index
                        best = v
                        arg = i
                if on and act:
                    back[a + t, k] = arg
                    if (t & 1) == 0:
                        sbuf[a0 + uint64(k)] = best + x
                    else:
                        sbuf[a1 + uint64(k)] = best + x
                syncwarp()
            # argmax of the last delta over the group; ties to the lowest index
            bv = NEG_INF
            bi = int32(k)
            if act and T > 0:
                bv = sbuf[a0 + uint64(k)] if (T & 1) == 1 else sbuf[a1 + uint64(k)]   # delta_{T-1}
            for s in range(N_IN):
                ov = shfl_xor(bv, P >> (s + 1))
                oi = shfl_xor(bi, P >> (s + 1))
                if ov > bv or (ov == bv and oi < bi):
                    bv = ov
                    bi = oi
            cur = bi
            if k == 0 and task * G + g < order.shape[0]:
                log_prob[order[task * G + g]] = bv if T > 0 else 0.0
                if T > 0:
                    states[a + T - 1] = cur
            # traceback: lane k holds back[t, k]; the group reads the entry of its state
            bn = int32(0)
            if act and T > 1:
                bn = int32(back[a + T - 1, k])
            for r in range(Tmax - 1):
                t = T - 1 - r
                bt = bn
                if act and t >= 2:
                    bn = int32(back[a + t - 1, k])   # independent of the path: loaded ahead
                nxt = shfl_idx(bt, g * P + cur)
                if t >= 1:
                    cur = nxt
                    if k == 0:
                        states[a + t - 1] = cur
            syncwarp()   # the next task overwrites this warp's delta buffers

    @cuda.jit
    def reduce_partials(part, out):
        """out[i, j] = sum_w part[w, i, j] in a fixed order: block b takes entries b,
        b + gridDim, ...; its threads (a power of two <= 128) sum strided partials, then
        a tree. Deterministic for a given launch shape."""
        buf = cuda.shared.array(128, float64)
        nw = part.shape[0]
        n = part.shape[1] * part.shape[2]
        tid = cuda.threadIdx.x
        nt = cuda.blockDim.x
        for p in range(cuda.blockIdx.x, n, cuda.gridDim.x):
            i = p // part.shape[2]
            j = p - i * part.shape[2]
            acc = 0.0
            for w in range(tid, nw, nt):
                acc += part[w, i, j]
            buf[tid] = acc
            cuda.syncthreads()
            step = nt // 2
            while step > 0:
                if tid < step:
                    buf[tid] += buf[tid + step]
                cuda.syncthreads()
                step //= 2
            if tid == 0:
                out[i, j] = buf[0]
            cuda.syncthreads()

    return WarpKernels(np.dtype(dtype_name), K, P, G, W, forward_backward, forward, viterbi,
                       reduce_partials)


def warp_signatures(dtype_name="float64"):
    """Argument types of each warp kernel, for ahead-of-time PTX checks."""
    f = float64 if dtype_name == "float64" else float32
    from numba import int8, int64
    v1, m2 = f[::1], f[:, ::1]
    i64 = int64[::1]
    return {
        "forward_backward": (v1, m2, m2, i64, i64, float64, float64[::1], m2,
                             float64[:, :, ::1], int32[::1]),
        "forward": (v1, m2, m2, i64, i64, float64, float64[::1], int32[::1]),
        "viterbi": (v1, m2, m2, i64, i64, float64[::1], int8[:, ::1], int64[::1]),
        "reduce_partials": (float64[:, :, ::1], float64[:, ::1]),
    }
