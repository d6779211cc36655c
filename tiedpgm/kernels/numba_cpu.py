# GENERATED FILE, do not edit by hand: made by tools/gen_lanes.py from the template
# tools/numba_cpu.py.in (each template line containing {l} is written out here once
# per lane, l = 0..7). Edit the template, then regenerate with:
#     python3 tools/gen_lanes.py
# tests/test_generated_sources.py fails when this file and the template disagree.
"""Numba CPU HMM kernels: same functions, shapes and results as :mod:`.reference`.

``forward_backward``, ``score`` and ``viterbi`` take the concatenated
``log_frameprob`` (N, K) and ``offsets`` (S + 1,) of the reference and are
parallel over sequences (``prange`` over chunks of sequences balanced by total
length; each chunk accumulates its own (K, K) buffer, reduced serially at the end).
Within a chunk, ``forward_backward`` advances up to ``_BATCH`` sequences in lockstep
(:func:`_scaled_fb_batch`): per time step the vector-matrix products of the batch run
together (from K=16 on as one (batch, K) x (K, K) BLAS product), so the transition
matrix is read once per step for the batch and the dependency chains of the sequences
interleave. Work arrays are per thread and reused between calls.

``forward_backward_stats`` (not in the reference; a fit's fast path) runs the same
recursion but hands each posterior row to an accumulator of emission statistics
(categorical counts, or diagonal-Gaussian sums of x and x**2) instead of writing the
(N, K) posteriors, and can take its frames from a per-symbol table (categorical) or
compute diagonal-Gaussian log densities from X as each frame is used, so a fit's E-step
touches no (N, K) array at all.
For K <= ``_SOA_MAX_K`` it runs :func:`_scaled_fb_soa`: the batch of ``_BATCH``
sequences is laid out as structure of arrays (alpha and frames (T, K, _BATCH)), so the
per-step arithmetic (products, scale factors, normalisation, emission statistics)
runs across sequences in vector lanes; every sequence keeps its own order of
operations, so the results do not depend on which sequences share a batch, and they
are those of :func:`_scaled_fb_batch` up to rounding: the lane kernels are compiled with
``fastmath={'contract'}`` (a product and the sum it feeds may round once instead of
twice; nothing is reassociated, no other fast-math licence), and the lanes' vector-matrix
product sums each output in one chain over the states, where :func:`_vecmat` sums
pairs of products first. Its loops over lanes are written out (loads, then stores)
because numba cannot tell LLVM that arrays do not alias, and it is compiled with the SLP
vectoriser on (:func:`_slp_vectorize`) and, where the CPU has AVX-512, for 512-bit
vectors (:func:`tiedpgm.kernels._llvm.wide_vectors`: the 8 lanes are one register).
The expected transitions are summed inside the lane kernel, per lane, into a (K, K,
_BATCH) accumulator, 24 backward steps per pass in 4 x 4 tiles held in registers (no
per-lane transposes and no BLAS call per sequence, which together cost ~35% of a K=16
E-step); the diagonal-Gaussian statistics take four steps per pass over theirs (fewer
loads and stores). The categorical frames and counts move eight states of eight lanes
at a time through registers, transposed there (:mod:`tiedpgm.kernels._llvm`), where
element by element they cost a seventh of an E-step. A categorical table is flushed
(entries below ``_FLUSH`` to 0, as every other frame source is per step) once per call
instead of per step. Its frames are not kept for the backward pass (which gathers them
again) but in a ring of rows that stays in cache, and the backward pass asks for the
alpha rows it reads two steps ahead: (T, K, _BATCH) rows that leave L2 (sequences of
thousands of steps) had cost ~10% of a K=16 E-step.
The written-out lanes are generated: this module is made from tools/numba_cpu.py.in
(which holds each per-lane statement once; edit that, not this file).

Implementation note: hot loops index rows (``M[r, k]``) instead of taking row views
(``M[r]``): every view costs two atomic reference-count updates in numba, which
measured at ~40% of the kernel's time.

Numerics
--------
Forward-backward uses the scaled (probability-space) recursion of Rabiner (1989):
each frame is exponentiated after subtracting its row maximum (added back into the
log-likelihood) and alpha is renormalised at every step, so a single sequence of
10**6 frames does not underflow. Structural zeros (``-inf``) become exact zeros. The
backward variable is normalised by ``g_t = sum_i alpha_t(i) beta_t(i)`` (equal to the
forward scale factor ``c_{t+1}`` in exact arithmetic), which makes the posteriors and
each step's xi sum to one; its entries for states that alpha does not reach are zeroed
so they cannot overflow. If a scale factor is zero or below 1e-280 (the sequence has
probability zero, or one frame spans more than ~645 nats between states that matter),
that sequence is redone in log space, so the result is the reference's: ``log_prob =
-inf`` with NaN posteriors (and a NaN ``xi_sum``) for a sequence of probability zero,
otherwise the exact answer. Like every scaled implementation, frames more than 708
nats below their row maximum count as zero. The log-space recursions sum over the
finite entries of the log transition matrix only (:func:`_finite_lists`: a structural
zero adds exactly 0, so the result is the same bit for bit), so the fallback of a
sparse left-right chain costs O(nnz) exps per step, not O(K**2) (K=512 with 3 entries
per row: ~100x faster).

Per step the cost is two K x K vector-matrix products (forward with the transition
matrix, backward with its transpose, both as contiguous ``axpy`` loops that LLVM
vectorises without reassociating sums -- no fastmath beyond the contraction above),
one vectorised ``exp`` row and O(K) normalisations. Expected transition counts are not
accumulated per step in :func:`_scaled_fb_batch`: the backward pass keeps
``alpha_t / g_t`` and ``w_{t+1} = b_{t+1} * beta_{t+1}`` and xi of a whole sequence is
``A * (alpha/g)[:-1].T @ w[1:]``, one BLAS matrix product (BLAS is held to one thread
while numba's threads run); the lane kernel sums the same outer products in the lanes
(see above) and multiplies by ``A`` once at the end. Memory is O(T K) per sequence.

Viterbi is max-plus in log space with ties broken towards the lowest state index
(``np.argmax`` semantics), so paths equal the reference exactly.
"""
import contextlib
import math

import numpy as np
from numba.core import config as numba_config
from numba import get_num_threads, get_thread_id, njit, prange, set_parallel_chunksize

from ._llvm import add_transposed8, gather_transposed8, prefetch_line, wide_vectors
from ._scratch import kept_empty

# a scale factor below this is treated as underflow and the sequence is redone in log space
_TINY = 1e-280

# exp for x <= 0 written so that LLVM vectorises it (libm's exp is a scalar call):
# Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, degree-12 Taylor polynomial
# (truncation error < 2e-16 relative), 2**n built from its bits. Frames more than
# 708 nats below their row maximum (relative weight < 1e-307) are flushed to 0.
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_ROUND = 6755399441055744.0  # 1.5 * 2**52: adding and subtracting it rounds to an integer
#: the bits of a float64's mantissa, and the exponent bits of 0.5
_MANTISSA = (1 << 52) - 1
_HALF_EXP = 1022 << 52
_C2, _C3, _C4, _C5, _C6, _C7, _C8, _C9, _C10, _C11, _C12 = [
    1.0 / math.factorial(k) for k in range(2, 13)]


@njit(cache=True)
def _exp_row(lfp, r, m, dst, t, ibuf, pow2):
    """dst[t, k] = exp(lfp[r, k] - m) for k < K (m is the row maximum, so the argument is <= 0).

    ``ibuf`` (K,) int64 is work space and ``pow2`` its float64 view (made once by the
    caller: a view per call costs more than the exponentials)."""
    K = lfp.shape[1]
    for k in range(K):
        x = lfp[r, k] - m
        small = not x > -708.0
        x = x if x > -708.0 else -708.0
        n = (x * _LOG2E + _ROUND) - _ROUND
        y = (x - n * _LN2_HI) - n * _LN2_LO
        p = _C12
        p = p * y + _C11
        p = p * y + _C10
        p = p * y + _C9
        p = p * y + _C8
        p = p * y + _C7
        p = p * y + _C6
        p = p * y + _C5
        p = p * y + _C4
        p = p * y + _C3
        p = p * y + _C2
        p = p * y + 1.0
        p = p * y + 1.0
        dst[t, k] = p
        ibuf[k] = 0 if small else (np.int64(n) + 1023) << 52
    for k in range(K):
        dst[t, k] *= pow2[k]


# Reductions with four independent partial results: without fastmath LLVM may not
# reorder a floating-point sum, so a one-accumulator loop is a chain of dependent adds.
@njit(cache=True)
def _dot4(x, y):
    K = x.shape[0]
    s0 = s1 = s2 = s3 = 0.0
    k = 0
    while k + 4 <= K:
        s0 += x[k] * y[k]
        s1 += x[k + 1] * y[k + 1]
        s2 += x[k + 2] * y[k + 2]
        s3 += x[k + 3] * y[k + 3]
        k += 4
    while k < K:
        s0 += x[k] * y[k]
        k += 1
    return (s0 + s1) + (s2 + s3)


@njit(cache=True)
def _max4(x):
    K = x.shape[0]
    m0 = m1 = m2 = m3 = -np.inf
    k = 0
    while k + 4 <= K:
        m0 = x[k] if x[k] > m0 else m0
        m1 = x[k + 1] if x[k + 1] > m1 else m1
        m2 = x[k + 2] if x[k + 2] > m2 else m2
        m3 = x[k + 3] if x[k + 3] > m3 else m3
        k += 4
    while k < K:
        m0 = x[k] if x[k] > m0 else m0
        k += 1
    m0 = m1 if m1 > m0 else m0
    m2 = m3 if m3 > m2 else m2
    return m2 if m2 > m0 else m0


@njit(cache=True)
def _vecmat(x, M, out):
    """out[j] = sum_i x[i] M[i, j]; rows taken four at a time for independent adds."""
    K = out.shape[0]
    for j in range(K):
        out[j] = 0.0
    i = 0
    while i + 4 <= K:
        x0 = x[i]
        x1 = x[i + 1]
        x2 = x[i + 2]
        x3 = x[i + 3]
        for j in range(K):
            out[j] += (x0 * M[i, j] + x1 * M[i + 1, j]) + (x2 * M[i + 2, j] + x3 * M[i + 3, j])
        i += 4
    while i < K:
        xi = x[i]
        for j in range(K):
            out[j] += xi * M[i, j]
        i += 1


# Scaled recursions keep alpha relative to its largest entry, so a state whose share
# falls below ~1e-280 is flushed to zero. With every transition probability above
# 1e-100 that loss is harmless (the state is re-fed from the others at the next step,
# so the lost share stays below 1e-180 relative). With structural zeros (left-right
# chains) a flushed state may be one that later frames favour and that no other state
# can feed, so there the recursion checks each step and, on a loss, the sequence is
# redone in log space.
_GUARD_MIN_TRANSITION = 1e-100
_LOSS = 1e-280
_FLUSH = 1e-200

# the lane kernels let LLVM fuse a product and the sum it feeds into one multiply-add
# (one rounding instead of two); no other fast-math licence (no reassociation)
_CONTRACT = {"contract"}


@njit(cache=True)
def _needs_guard(A):
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if A[i, j] < _GUARD_MIN_TRANSITION:
                return True
    return False


@njit(cache=True)
def _lost_mass(fed, alpha, lfp_row):
    """True if a state fed with positive mass kept a share below _LOSS (or none) though
    its frame is possible: the scaled recursion may have dropped mass that matters."""
    for k in range(alpha.shape[0]):
        if fed[k] > 0.0 and alpha[k] < _LOSS and lfp_row[k] > -np.inf:
            return True
    return False


_BLAS_CONTROLLER = []


@contextlib.contextmanager
def _dynamic_schedule():
    """Hand the chunks of a ``prange`` to threads one at a time as they become free
    (numba's default splits the range into one static block per thread, so a thread
    slowed down by another process on a shared core holds up the whole call)."""
    old = set_parallel_chunksize(1)
    try:
        yield
    finally:
        set_parallel_chunksize(old)


@contextlib.contextmanager
def _slp_vectorize():
    """Compile with LLVM's SLP vectoriser on (numba leaves it off by default; the
    lane-unrolled loops of :func:`_vecmat_soa` and :func:`_dot4_soa`, and those of
    :mod:`tiedpgm.pairhmm.kernels_lanes`, rely on it to become vector instructions). It does not reorder floating-point operations, so results are
    unchanged; only code compiled inside the context is affected (cached code is kept
    as compiled)."""
    old = numba_config.SLP_VECTORIZE
    numba_config.SLP_VECTORIZE = 1
    try:
        yield
    finally:
        numba_config.SLP_VECTORIZE = old


def _blas_one_thread():
    """Context in which BLAS (the per-sequence xi product, called from numba's threads) uses
    one thread: a multithreaded BLAS inside ``prange`` oversubscribes the cores."""
    if not _BLAS_CONTROLLER:
        try:
            import scipy.linalg.cython_blas  # noqa: F401  (the BLAS numba calls; load it first)
            from threadpoolctl import ThreadpoolController
            _BLAS_CONTROLLER.append(ThreadpoolController())
        except Exception:  # noqa: BLE001 - no threadpoolctl: leave BLAS as it is
            _BLAS_CONTROLLER.append(None)
    if _BLAS_CONTROLLER[0] is None:
        return contextlib.nullcontext()
    return _BLAS_CONTROLLER[0].limit(limits=1, user_api="blas")


def _as_arrays(log_startprob, log_transmat, log_frameprob, offsets):
    return (np.ascontiguousarray(log_startprob, dtype=np.float64),
            np.ascontiguousarray(log_transmat, dtype=np.float64),
            np.ascontiguousarray(log_frameprob, dtype=np.float64),
            np.ascontiguousarray(offsets, dtype=np.int64))


def _chunk_bounds(offsets, n_chunks):
    """Split sequences into at most ``n_chunks`` contiguous runs of about equal total length.

    Returns ``bounds`` (n + 1,) int64: chunk ``c`` holds sequences ``bounds[c]:bounds[c + 1]``.
    """
    S = len(offsets) - 1
    if S == 0:
        return np.zeros(1, dtype=np.int64)
    N = offsets[-1]
    targets = (np.arange(1, n_chunks) * N) // n_chunks + offsets[0]
    # the chunk boundary is the first sequence that starts at or after the target
    cuts = np.searchsorted(offsets[:-1], targets, side="left")
    bounds = np.unique(np.concatenate(([0], cuts, [S]))).astype(np.int64)
    return bounds


def _n_chunks(offsets):
    # a few chunks per thread smooths out ragged lengths; 1 for a single sequence
    return max(1, min(len(offsets) - 1, 4 * get_num_threads()))


# ---------------------------------------------------------------------------
# forward-backward
# ---------------------------------------------------------------------------
@njit(cache=True)
def _finite_lists(log_A):
    """Where ``log_A`` is finite, by column and by row: ``(cptr, cidx, rptr, ridx)``;
    column ``j`` holds rows ``cidx[cptr[j]:cptr[j + 1]]`` (ascending), row ``i`` columns
    ``ridx[rptr[i]:rptr[i + 1]]``. The log-space loops run over these only: a structural
    zero adds ``exp(-inf) = 0`` exactly and never wins a maximum, so skipping it changes
    no bit of the result, and a sparse (e.g. left-right) matrix costs O(nnz) per step
    instead of O(K**2) exps."""
    K = log_A.shape[0]
    nnz = 0
    for i in range(K):
        for j in range(K):
            if log_A[i, j] > -np.inf:
                nnz += 1
    cptr = np.zeros(K + 1, dtype=np.int64)
    cidx = np.empty(nnz, dtype=np.int64)
    rptr = np.zeros(K + 1, dtype=np.int64)
    ridx = np.empty(nnz, dtype=np.int64)
    q = 0
    for j in range(K):
        for i in range(K):
            if log_A[i, j] > -np.inf:
                cidx[q] = i
                q += 1
        cptr[j + 1] = q
    q = 0
    for i in range(K):
        for j in range(K):
            if log_A[i, j] > -np.inf:
                ridx[q] = j
                q += 1
        rptr[i + 1] = q
    return cptr, cidx, rptr, ridx


@njit(cache=True)
def _log_fb_seq(log_pi, log_A, lfp, a, b, post, xi_acc):
    """Log-space forward-backward of rows a:b (fallback). Adds xi into ``xi_acc``.

    Sums run over the finite entries of ``log_A`` only (:func:`_finite_lists`; the
    same result, bit for bit, as over all of them)."""
    T = b - a
    K = lfp.shape[1]
    cptr, cidx, rptr, ridx = _finite_lists(log_A)
    la = np.empty((T, K))
    for k in range(K):
        la[0, k] = log_pi[k] + lfp[a, k]
    tmp = np.empty(K)
    for t in range(1, T):
        for j in range(K):
            m = -np.inf
            for q in range(cptr[j], cptr[j + 1]):
                i = cidx[q]
                v = la[t - 1, i] + log_A[i, j]
                if v > m:
                    m = v
            if m == -np.inf:
                la[t, j] = -np.inf
                continue
            acc = 0.0
            for q in range(cptr[j], cptr[j + 1]):
                i = cidx[q]
                acc += math.exp(la[t - 1, i] + log_A[i, j] - m)
            la[t, j] = m + math.log(acc) + lfp[a + t, j]
    m = -np.inf
    for k in range(K):
        if la[T - 1, k] > m:
            m = la[T - 1, k]
    if m == -np.inf:
        for t in range(T):
            for k in range(K):
                post[a + t, k] = np.nan
        for i in range(K):
            for j in range(K):
                xi_acc[i, j] = np.nan
        return -np.inf
    acc = 0.0
    for k in range(K):
        acc += math.exp(la[T - 1, k] - m)
    log_prob = m + math.log(acc)
    lb = np.zeros(K)
    nb = np.empty(K)
    for t in range(T - 1, -1, -1):
        # posteriors at t from la[t] + lb
        m = -np.inf
        for k in range(K):
            tmp[k] = la[t, k] + lb[k]
            if tmp[k] > m:
                m = tmp[k]
        acc = 0.0
        for k in range(K):
            tmp[k] = math.exp(tmp[k] - m)
            acc += tmp[k]
        for k in range(K):
            post[a + t, k] = tmp[k] / acc
        if t == 0:
            break
        # xi between t-1 and t (complete, unlike the scaled path's accumulator)
        for j in range(K):
            tmp[j] = lfp[a + t, j] + lb[j] - log_prob
        for i in range(K):
            for q in range(rptr[i], rptr[i + 1]):
                j = ridx[q]
                xi_acc[i, j] += math.exp(la[t - 1, i] + log_A[i, j] + tmp[j])
        for i in range(K):
            m = -np.inf
            for q in range(rptr[i], rptr[i + 1]):
                j = ridx[q]
                v = log_A[i, j] + tmp[j]
                if v > m:
                    m = v
            if m == -np.inf:
                nb[i] = -np.inf
                continue
            acc = 0.0
            for q in range(rptr[i], rptr[i + 1]):
                j = ridx[q]
                acc += math.exp(log_A[i, j] + tmp[j] - m)
            nb[i] = m + math.log(acc) + log_prob
        for k in range(K):
            lb[k] = nb[k]
    return log_prob


@njit(cache=True)
def _scaled_fb_seq(pi, A, AT, lfp, a, b, post, fbuf, abuf, beta, nb, ibuf, pow2, guard):
    """Scaled forward-backward of rows a:b. Returns (log_prob, ok); ok False on underflow.

    The one-sequence form of the recursion (kept as its readable statement);
    ``forward_backward`` runs :func:`_scaled_fb_batch`, which does the same per sequence.

    The forward pass keeps alpha in ``abuf`` (work space of the chunk, cache-resident),
    so the (N, K) output ``post`` is written once, by the backward pass.
    On return ``abuf[t] = alpha_t / g_t`` and ``fbuf[t + 1] = w_{t+1}``,
    so that xi summed over the sequence is ``A * (abuf[:T-1].T @ fbuf[1:T])``: one
    matrix product per sequence instead of a rank-one update per step.
    """
    T = b - a
    K = lfp.shape[1]
    log_prob = 0.0
    # product of scale factors since the last log: one log per ~20 steps, not per step
    prod = 1.0
    for t in range(T):
        r = a + t
        m = _max4(lfp[r])
        if m == -np.inf:
            return -np.inf, False
        _exp_row(lfp, r, m, fbuf, t, ibuf, pow2)
        log_prob += m
        if t == 0:
            for k in range(K):
                nb[k] = pi[k]
        else:
            _vecmat(abuf[t - 1], A, nb)
        c = _dot4(nb, fbuf[t])
        if not c > _TINY:
            return -np.inf, False
        inv = 1.0 / c
        for k in range(K):
            abuf[t, k] = nb[k] * fbuf[t, k] * inv
        if guard and _lost_mass(nb, abuf[t], lfp[r]):
            return -np.inf, False
        prod *= c
        if prod < 1e-20:
            log_prob += math.log(prod)
            prod = 1.0
    log_prob += math.log(prod)
    # Backward, normalised by g_t = sum_i alpha_t(i) beta_t(i) (= c_{t+1} in exact
    # arithmetic, so it cannot underflow where the forward pass did not), which makes
    # gamma_t = alpha_t beta_t / g_t and xi_t = alpha_t A w_{t+1} / g_t sum to one.
    # w_{t+1}(j) is zeroed where alpha_{t+1}(j) = 0 (then alpha_t(i) A_ij = 0 for all i,
    # so nothing changes), which stops beta of states alpha never reaches from growing
    # without bound and overflowing.
    for k in range(K):
        beta[k] = 1.0
        post[b - 1, k] = abuf[T - 1, k]
    for t in range(T - 2, -1, -1):
        r = a + t
        for j in range(K):
            fbuf[t + 1, j] = fbuf[t + 1, j] * beta[j] if abuf[t + 1, j] > 0.0 else 0.0
        _vecmat(fbuf[t + 1], AT, nb)
        g = _dot4(abuf[t], nb)
        if not g > _TINY:
            return -np.inf, False
        inv = 1.0 / g
        for k in range(K):
            beta[k] = nb[k] * inv
            post[r, k] = abuf[t, k] * beta[k]
            abuf[t, k] = abuf[t, k] * inv
        if not _max4(beta) < 1e300:
            return -np.inf, False
    return log_prob, True


@njit(cache=True)
def _vecmat_batch(src, base, t, act, M, out):
    """``out[b] = src[base[b] + t] @ M`` for every active ``b`` (same summation order as
    :func:`_vecmat`, so each sequence gets bitwise the same result). The rows of ``M``
    are taken four at a time and applied to all sequences of the batch before the next
    four, so they are read from L1 once per batch instead of once per sequence."""
    B = out.shape[0]
    K = out.shape[1]
    for b in range(B):
        if act[b]:
            for j in range(K):
                out[b, j] = 0.0
    i = 0
    while i + 4 <= K:
        for b in range(B):
            if not act[b]:
                continue
            r = base[b] + t
            x0 = src[r, i]
            x1 = src[r, i + 1]
            x2 = src[r, i + 2]
            x3 = src[r, i + 3]
            for j in range(K):
                out[b, j] += (x0 * M[i, j] + x1 * M[i + 1, j]) + (x2 * M[i + 2, j]
                                                                   + x3 * M[i + 3, j])
        i += 4
    while i < K:
        for b in range(B):
            if not act[b]:
                continue
            xi = src[base[b] + t, i]
            for j in range(K):
                out[b, j] += xi * M[i, j]
        i += 1


#: from _BLAS_MIN_K to _BLAS_MAX_K states, :func:`_scaled_fb_batch` runs the step's
#: vector-matrix products of the whole batch as one BLAS product
#: (:func:`_vecmat_batch_blas`); measured, one thread, 8 sequences: 1.7x the loop of
#: :func:`_vecmat_batch` at K=16, 2.6x at K=128. At K=512 the product alone was still
#: faster, but the K=512 left-right fit of benchmarks/hmm_families.py took 1.9x longer
#: (cause not found), so larger K keeps the loop.
_BLAS_MIN_K = 16
_BLAS_MAX_K = 256


@njit(cache=True)
def _vecmat_batch_blas(src, base, t, act, M, tmp, out):
    """:func:`_vecmat_batch` as one (B, K) x (K, K) BLAS product: the active rows are
    copied into ``tmp`` (B, K) (rows of inactive sequences are zeros, and so are their
    results). The sums are BLAS's, so they differ from :func:`_vecmat`'s by rounding."""
    B = out.shape[0]
    K = out.shape[1]
    for b in range(B):
        if act[b]:
            r = base[b] + t
            for k in range(K):
                tmp[b, k] = src[r, k]
        else:
            for k in range(K):
                tmp[b, k] = 0.0
    np.dot(tmp, M, out)


# Row-indexed forms of the reductions above. Taking ``M[r]`` as a view inside a hot loop
# costs two atomic reference-count updates (NRT incref/decref) per view, which measured
# at ~40% of the batched kernel's time (worse when threads share the array's meminfo);
# the kernels below index rows instead.
@njit(cache=True, inline="always")
def _max4r(M, r):
    K = M.shape[1]
    m0 = m1 = m2 = m3 = -np.inf
    k = 0
    while k + 4 <= K:
        m0 = M[r, k] if M[r, k] > m0 else m0
        m1 = M[r, k + 1] if M[r, k + 1] > m1 else m1
        m2 = M[r, k + 2] if M[r, k + 2] > m2 else m2
        m3 = M[r, k + 3] if M[r, k + 3] > m3 else m3
        k += 4
    while k < K:
        m0 = M[r, k] if M[r, k] > m0 else m0
        k += 1
    m0 = m1 if m1 > m0 else m0
    m2 = m3 if m3 > m2 else m2
    return m2 if m2 > m0 else m0


@njit(cache=True, inline="always")
def _dot4r(X, rx, Y, ry):
    K = X.shape[1]
    s0 = s1 = s2 = s3 = 0.0
    k = 0
    while k + 4 <= K:
        s0 += X[rx, k] * Y[ry, k]
        s1 += X[rx, k + 1] * Y[ry, k + 1]
        s2 += X[rx, k + 2] * Y[ry, k + 2]
        s3 += X[rx, k + 3] * Y[ry, k + 3]
        k += 4
    while k < K:
        s0 += X[rx, k] * Y[ry, k]
        k += 1
    return (s0 + s1) + (s2 + s3)


@njit(cache=True)
def _lost_mass_r(fed, rf, alpha, ra, lfp, rl):
    """:func:`_lost_mass` on rows ``fed[rf]``, ``alpha[ra]``, ``lfp[rl]``."""
    for k in range(alpha.shape[1]):
        if fed[rf, k] > 0.0 and alpha[ra, k] < _LOSS and lfp[rl, k] > -np.inf:
            return True
    return False


# row sinks of the forward-backward kernel: what happens to each posterior row
_SINK_POST = 0      # write it to the (N, K) posteriors
_SINK_COUNTS = 1    # categorical: counts[symbol[r]] += gamma_r
_SINK_DIAG = 2      # diagonal Gaussian: sum_w += gamma_r, sum_x[f] += gamma_r x_rf, sum_xx ...


@njit(cache=True)
def _sink_row(sink, r, gam, post, sym, X, cnt, sw, sx, sxx, b):
    """Hand the posterior row ``gam`` (K,) of frame ``r`` to the sink (accumulators of
    sequence ``b`` of the batch: ``cnt[b]`` (n_symbols, K); ``sw[b]`` (K,),
    ``sx[b]``/``sxx[b]`` (F, K))."""
    K = gam.shape[0]
    if sink == _SINK_POST:
        for k in range(K):
            post[r, k] = gam[k]
    elif sink == _SINK_COUNTS:
        s = sym[r]
        if s >= 0 and s < cnt.shape[1]:
            for k in range(K):
                cnt[b, s, k] += gam[k]
    else:
        for k in range(K):
            sw[b, k] += gam[k]
        for f in range(X.shape[1]):
            xf = X[r, f]
            xf2 = xf * xf
            for k in range(K):
                sx[b, f, k] += gam[k] * xf
                sxx[b, f, k] += gam[k] * xf2


# frame sources of the forward-backward kernel
_FRAMES_LFP = 0     # rows of log_frameprob (N, K)
_FRAMES_TABLE = 1   # rows of a table picked per frame (categorical: one row per symbol)
_FRAMES_DIAG = 2    # diagonal Gaussian log densities computed from X as the frame is used


@njit(cache=True, inline="always")
def _frame_row(ridx, fmode, r):
    """Row of the frame source holding frame ``r``'s log probabilities: ``r`` itself (the
    source is log_frameprob) or ``ridx[r]`` (the source is a table, e.g. one row per
    symbol)."""
    return ridx[r] if fmode == _FRAMES_TABLE else r


@njit(cache=True)
def _gauss_row(X, r, gmT, gpT, gconst, gslots, out, q, gacc):
    """``out[q, k]`` = diagonal Gaussian log density of ``X[r]`` under the group of state
    ``k`` (see :func:`tiedpgm.kernels.emission_numba.diag_gauss_loglik`, same arithmetic)."""
    F = X.shape[1]
    G = gmT.shape[1]
    for g in range(G):
        gacc[g] = 0.0
    for f in range(F):
        xf = X[r, f]
        for g in range(G):
            d = xf - gmT[f, g]
            gacc[g] += d * d * gpT[f, g]
    for k in range(gslots.shape[0]):
        out[q, k] = gconst[gslots[k]] - 0.5 * gacc[gslots[k]]


@njit(cache=True)
def _scaled_fb_batch(pi, A, AT, src, ridx, fmode, etab, emax, gmT, gpT, gconst, gslots,
                     lrows, gacc, starts, lens, base, fbuf, abuf, nb, beta, gam, ibuf, pow2,
                     guard, log_prob, ok, sink, post, sym, X, cnt, sw, sx, sxx, start):
    """:func:`_scaled_fb_seq` for a batch of sequences advanced in lockstep.

    Sequence ``b`` occupies frames ``starts[b]:starts[b] + lens[b]`` and rows
    ``base[b]:base[b] + lens[b]`` of the work arrays ``fbuf``/``abuf``. At each time
    step the vector-matrix products of all sequences run together
    (:func:`_vecmat_batch`, or for ``_BLAS_MIN_K`` to ``_BLAS_MAX_K`` states one BLAS
    product, :func:`_vecmat_batch_blas`): the per-step dependency chain of one sequence is
    interleaved with the others', and the transition matrix is read once per step for
    the batch. Every other per-sequence operation is the one of :func:`_scaled_fb_seq`
    in the same order, so without BLAS posteriors are bitwise those of the one-sequence
    kernel (with it, equal up to BLAS's rounding).

    Posterior rows go to the sink (:func:`_sink_row`) with sequence ``b``'s accumulators
    ``cnt[b]``, ``sw[b]``, ``sx[b]``, ``sxx[b]``, and the first row also to ``start[b]``
    (all zeroed here). On return ``ok[b]`` is False where sequence ``b`` underflowed:
    redo it in log space and drop its accumulators.
    """
    B = lens.shape[0]
    K = nb.shape[1]
    # Values below _FLUSH (relative to the row maximum or to one) are set to zero when
    # no transition probability is below 1e-100 (no guard): such a share is re-fed from
    # the other states at the next step (lost share < K * 1e-100 relative), and keeping
    # it would let products fall into subnormal numbers, ~100x slower per operation
    # (measured: 5x on a whole diagonal-Gaussian E-step). With the guard (structural
    # zeros) nothing is flushed, as in the one-sequence kernel.
    flush = 0.0 if guard else _FLUSH
    T_max = 0
    for b in range(B):
        ok[b] = lens[b] > 0
        log_prob[b] = 0.0
        if lens[b] > T_max:
            T_max = lens[b]
        if sink != _SINK_POST:
            cnt[b] = 0.0
            sw[b] = 0.0
            sx[b] = 0.0
            sxx[b] = 0.0
        start[b] = 0.0
    act = np.zeros(B, dtype=np.bool_)
    prod = np.ones(B)
    blas = _BLAS_MIN_K <= K <= _BLAS_MAX_K
    vtmp = np.empty((B if blas else 0, K))
    for t in range(T_max):
        for b in range(B):
            act[b] = ok[b] and t < lens[b]
            if not act[b]:
                continue
            fr = _frame_row(ridx, fmode, starts[b] + t)
            if fmode == _FRAMES_DIAG:
                # the frame's log densities into lrows[b] (kept for the guard below)
                _gauss_row(X, starts[b] + t, gmT, gpT, gconst, gslots, lrows, b, gacc)
                m = _max4r(lrows, b)
                if not m > -np.inf:           # also NaN (the caller excludes NaN in X)
                    ok[b] = False
                    act[b] = False
                    continue
                _exp_row(lrows, b, m, fbuf, base[b] + t, ibuf, pow2)
            elif fmode == _FRAMES_TABLE:
                # table rows were exponentiated once (the same _exp_row values)
                m = emax[fr]
                if m == -np.inf:
                    ok[b] = False
                    act[b] = False
                    continue
                row = base[b] + t
                for k in range(K):
                    fbuf[row, k] = etab[fr, k]
            else:
                m = _max4r(src, fr)
                if m == -np.inf:
                    ok[b] = False
                    act[b] = False
                    continue
                _exp_row(src, fr, m, fbuf, base[b] + t, ibuf, pow2)
            if flush > 0.0:
                row = base[b] + t
                for k in range(K):
                    v = fbuf[row, k]
                    fbuf[row, k] = v if v >= flush else 0.0
            log_prob[b] += m
            if t == 0:
                for k in range(K):
                    nb[b, k] = pi[k]
        if t > 0:
            if blas:
                _vecmat_batch_blas(abuf, base, t - 1, act, A, vtmp, nb)
            else:
                _vecmat_batch(abuf, base, t - 1, act, A, nb)
        for b in range(B):
            if not act[b]:
                continue
            row = base[b] + t
            c = _dot4r(nb, b, fbuf, row)
            if not c > _TINY:
                ok[b] = False
                continue
            inv = 1.0 / c
            for k in range(K):
                v = nb[b, k] * fbuf[row, k] * inv
                abuf[row, k] = v if v >= flush else 0.0
            if guard:
                if fmode == _FRAMES_DIAG:
                    lost = _lost_mass_r(nb, b, abuf, row, lrows, b)
                else:
                    lost = _lost_mass_r(nb, b, abuf, row, src,
                                        _frame_row(ridx, fmode, starts[b] + t))
                if lost:
                    ok[b] = False
                    continue
            prod[b] *= c
            if prod[b] < 1e-20:
                log_prob[b] += math.log(prod[b])
                prod[b] = 1.0
    for b in range(B):
        if ok[b]:
            log_prob[b] += math.log(prod[b])
            T = lens[b]
            for k in range(K):
                beta[b, k] = 1.0
                gam[k] = abuf[base[b] + T - 1, k]
            _sink_row(sink, starts[b] + T - 1, gam, post, sym, X, cnt, sw, sx, sxx, b)
            if T == 1:
                for k in range(K):
                    start[b, k] = gam[k]
    # backward (see _scaled_fb_seq); sequence b joins at its own last step t = lens[b] - 2
    for t in range(T_max - 2, -1, -1):
        for b in range(B):
            act[b] = ok[b] and t <= lens[b] - 2
            if not act[b]:
                continue
            row1 = base[b] + t + 1
            for j in range(K):
                v = fbuf[row1, j] * beta[b, j]
                fbuf[row1, j] = v if abuf[row1, j] > 0.0 and v >= flush else 0.0
        if blas:
            _vecmat_batch_blas(fbuf, base, t + 1, act, AT, vtmp, nb)
        else:
            _vecmat_batch(fbuf, base, t + 1, act, AT, nb)
        for b in range(B):
            if not act[b]:
                continue
            row = base[b] + t
            g = _dot4r(abuf, row, nb, b)
            if not g > _TINY:
                ok[b] = False
                continue
            inv = 1.0 / g
            for k in range(K):
                v = nb[b, k] * inv
                beta[b, k] = v if v >= flush else 0.0
                v = abuf[row, k] * beta[b, k]
                gam[k] = v if v >= flush else 0.0
                abuf[row, k] = abuf[row, k] * inv
            if not _max4r(beta, b) < 1e300:
                ok[b] = False
                continue
            # (the sink written out: a call with these arrays costs refcount updates)
            r = starts[b] + t
            if sink == _SINK_POST:
                _sink_row(sink, r, gam, post, sym, X, cnt, sw, sx, sxx, b)
            elif sink == _SINK_COUNTS:
                sy = sym[r]
                if sy >= 0 and sy < cnt.shape[1]:
                    for k in range(K):
                        cnt[b, sy, k] += gam[k]
            else:
                for k in range(K):
                    sw[b, k] += gam[k]
                for f in range(X.shape[1]):
                    xf = X[r, f]
                    xf2 = xf * xf
                    for k in range(K):
                        sx[b, f, k] += gam[k] * xf
                        sxx[b, f, k] += gam[k] * xf2
            if t == 0:
                for k in range(K):
                    start[b, k] = gam[k]


#: sequences advanced in lockstep by one thread in forward_backward
_BATCH = 8
#: the statistics sinks use the lane layout (:func:`_scaled_fb_soa`) up to this many
#: states; above it the per-sequence rows of :func:`_scaled_fb_batch` are faster (K=128:
#: 1.6x) since the K x K products already vectorise over states
_SOA_MAX_K = 32
#: backward steps whose expected transitions are summed in one pass (see _xi_steps)
_XI_STEPS = 24
#: rows of the categorical frames' ring in the lane kernel (see _fb_chunk_soa): a power
#: of two, more than the _XI_STEPS + 1 rows a backward step needs kept
_FRAME_RING = 32
assert _FRAME_RING & (_FRAME_RING - 1) == 0 and _FRAME_RING > _XI_STEPS + 1
#: backward steps ahead at which the lane kernel asks for the alpha rows it will read
#: (one to three measured the same; eight was slower)
_PREFETCH_STEPS = 2


@njit(cache=True, inline="always")
def _empty64(n, fill=np.nan):
    """``n`` float64 starting on a 64-byte boundary (filled with ``fill`` unless NaN): a
    512-bit load or store that crosses a cache line costs two, which made the lane
    kernel's 4 x 4 tiles of expected transitions ~30% slower."""
    buf = np.empty(n + 8)
    s = ((-buf.ctypes.data) % 64) // 8
    out = buf[s:s + n]
    if not np.isnan(fill):
        out[:] = fill
    return out


@njit(cache=True)
def _lines_of(buf, n):
    """``n`` float64 of the C-contiguous work array ``buf`` from its first 64-byte
    boundary on (see :func:`_empty64`); a fresh array if ``buf`` is too short."""
    flat = buf.reshape(buf.size)
    s = ((-flat.ctypes.data) % 64) // 8
    if s + n <= flat.shape[0]:
        return flat[s:s + n]
    return _empty64(n)


@njit(cache=True, fastmath=_CONTRACT)
def _scaled_fb_soa(pi, A, AT, src, ridx, fmode, etab, emax, gmT, gpT, gconst, gslots,
                   starts, lens, fS, fm, aS, xacc, guard, log_prob, ok, sink, sym, X,
                   cnt, sw, sx, sxx, start, bufc, xS):
    """:func:`_scaled_fb_batch` with the batch laid out as structure of arrays.

    Lane ``b`` (of ``_BATCH``) holds one sequence; ``fS``/``aS`` are (T_max, K, _BATCH),
    so every per-step loop (vector-matrix products, scale factors, exp row,
    normalisation, statistics) runs innermost over the lanes with unit stride and
    vectorises; each lane does the operations of :func:`_scaled_fb_seq`, except that a
    product followed by a sum may be one fused multiply-add (``fastmath={'contract'}``,
    one rounding instead of two) and the vector-matrix products sum each output in one
    chain (see the module docstring). Lanes whose sequence has not started its backward
    pass yet, has ended, has failed (``ok`` False) or is empty run on benign values
    (frame row of ones, alpha 1/K, beta ones) whose results are discarded.

    A table source (``fmode`` _FRAMES_TABLE) comes as ``etab`` (R, K), the exponentiated
    table, flushed (see :func:`_fb_chunk_soa`).

    Accumulators: ``cnt`` (_BATCH, n_sym + 1, K) (row ``n_sym`` takes the rows of lanes
    that are not live and of symbols out of range, and is discarded), ``sw`` (K, _BATCH), ``sx``/``sxx``
    (F, K, _BATCH), ``start`` (K, _BATCH), all zeroed here. ``xS`` (T_max, F, _BATCH),
    work rows when X is used (else empty), receives each step's rows of X in the lanes
    (zeros for lanes not active) in the forward pass, for the backward pass's
    statistics (copying them into the lanes a second time cost ~5% of a K=8 E-step).
    ``bufc`` (K, K) receives sum_t outer(alpha_t / g_t, w_{t+1}) of every good lane, in
    lane order; the sum is kept per lane in ``xacc`` (K, K, _BATCH), ``_XI_STEPS``
    backward steps at a time (:func:`_xi_steps`; the rows alpha_t / g_t wait in ``xa``,
    the rows w_{t+1} in ``fS``).
    """
    wide_vectors()
    L = _BATCH
    K = aS.shape[1]
    F = X.shape[1]
    G = gmT.shape[1]
    flush = 0.0 if guard else _FLUSH
    benign = 1.0 / K
    T_max = 0
    for b in range(L):
        ok[b] = lens[b] > 0
        log_prob[b] = 0.0
        if lens[b] > T_max:
            T_max = lens[b]
    if sink == _SINK_COUNTS:
        cnt[:] = 0.0
    elif sink == _SINK_DIAG:
        sw[:] = 0.0
        sx[:] = 0.0
        sxx[:] = 0.0
    start[:] = 0.0
    xacc[:] = 0.0
    xa = _empty64(_XI_STEPS * K * L).reshape((_XI_STEPS, K, L))
    n_xa = 0
    rsel = np.zeros(L, dtype=np.int64)
    last = np.zeros(L, dtype=np.int64)
    gbuf = _empty64(4 * K * L, 0.0).reshape((4, K, L))
    ng = 0
    xrow = np.zeros(L, dtype=np.int64)
    act = np.zeros(L, dtype=np.bool_)
    live = np.zeros(L, dtype=np.bool_)
    prod = _empty64(L, 1.0)
    pbits = prod.view(np.int64)
    pexp = _empty64(L, 0.0)
    mrow = _empty64(L, 0.0)
    cc = _empty64(L, 1.0)
    nb = _empty64(K * L).reshape((K, L))
    gam = _empty64(K * L, 0.0).reshape((K, L))
    lrow = _empty64(K * L, 0.0).reshape((K, L))
    pow2 = _empty64(K * L, 0.0)
    ibuf = pow2.view(np.int64)
    gacc = _empty64(G * L, 0.0).reshape((G, L))
    # each lane's last row (0 for an empty lane): a lane past its end reads that row
    # (a valid index, whose values the lane's benign frames then replace), so the
    # per-step lookups below need no branch
    for b in range(L):
        last[b] = starts[b] + max(lens[b] - 1, 0)
    if fmode == _FRAMES_TABLE:
        # the frames' row maxima, summed into the log-likelihood in step order before
        # the recursion (one pass per lane, not eight lookups and branches per step); a
        # symbol that no state emits makes the sequence fail at once
        for b in range(L):
            lp = 0.0
            for r in range(starts[b], starts[b] + lens[b]):
                lp += emax[ridx[r]]
            if lp == -np.inf:
                ok[b] = False
            else:
                log_prob[b] = lp
    for t in range(T_max):
        tf = t & fm
        act[0] = ok[0] and t < lens[0]
        act[1] = ok[1] and t < lens[1]
        act[2] = ok[2] and t < lens[2]
        act[3] = ok[3] and t < lens[3]
        act[4] = ok[4] and t < lens[4]
        act[5] = ok[5] and t < lens[5]
        act[6] = ok[6] and t < lens[6]
        act[7] = ok[7] and t < lens[7]
        if xS.shape[0] > 0:
            # lanes written out (a loop over the lanes stayed scalar); a lane not active
            # reads row 0 and stores 0
            for b in range(L):
                xrow[b] = starts[b] + t if act[b] else 0
            r0 = xrow[0]
            r1 = xrow[1]
            r2 = xrow[2]
            r3 = xrow[3]
            r4 = xrow[4]
            r5 = xrow[5]
            r6 = xrow[6]
            r7 = xrow[7]
            c0 = act[0]
            c1 = act[1]
            c2 = act[2]
            c3 = act[3]
            c4 = act[4]
            c5 = act[5]
            c6 = act[6]
            c7 = act[7]
            for f in range(F):
                v0 = X[r0, f]
                v1 = X[r1, f]
                v2 = X[r2, f]
                v3 = X[r3, f]
                v4 = X[r4, f]
                v5 = X[r5, f]
                v6 = X[r6, f]
                v7 = X[r7, f]
                xS[t, f, 0] = v0 if c0 else 0.0
                xS[t, f, 1] = v1 if c1 else 0.0
                xS[t, f, 2] = v2 if c2 else 0.0
                xS[t, f, 3] = v3 if c3 else 0.0
                xS[t, f, 4] = v4 if c4 else 0.0
                xS[t, f, 5] = v5 if c5 else 0.0
                xS[t, f, 6] = v6 if c6 else 0.0
                xS[t, f, 7] = v7 if c7 else 0.0
        # ---- frames: log rows into lrow (K, L), maxima into mrow
        if fmode == _FRAMES_TABLE:
            _table_frames(etab, ridx, starts, last, rsel, t, fS, tf)
        else:
            if fmode == _FRAMES_DIAG:
                # per group, the sum over features in registers (f ascending, as in
                # _gauss_row): no load and store of gacc per feature; four groups per
                # pass, so that four sums are in flight (one sum alone waits on its
                # previous multiply-add at every feature)
                g = 0
                while g + 4 <= G:
                    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
                    b0 = b1 = b2 = b3 = b4 = b5 = b6 = b7 = 0.0
                    e0 = e1 = e2 = e3 = e4 = e5 = e6 = e7 = 0.0
                    h0 = h1 = h2 = h3 = h4 = h5 = h6 = h7 = 0.0
                    for f in range(F):
                        gm0 = gmT[f, g]
                        gp0 = gpT[f, g]
                        gm1 = gmT[f, g + 1]
                        gp1 = gpT[f, g + 1]
                        gm2 = gmT[f, g + 2]
                        gp2 = gpT[f, g + 2]
                        gm3 = gmT[f, g + 3]
                        gp3 = gpT[f, g + 3]
                        x0 = xS[t, f, 0]
                        x1 = xS[t, f, 1]
                        x2 = xS[t, f, 2]
                        x3 = xS[t, f, 3]
                        x4 = xS[t, f, 4]
                        x5 = xS[t, f, 5]
                        x6 = xS[t, f, 6]
                        x7 = xS[t, f, 7]
                        d0 = x0 - gm0
                        d1 = x1 - gm0
                        d2 = x2 - gm0
                        d3 = x3 - gm0
                        d4 = x4 - gm0
                        d5 = x5 - gm0
                        d6 = x6 - gm0
                        d7 = x7 - gm0
                        a0 += d0 * d0 * gp0
                        a1 += d1 * d1 * gp0
                        a2 += d2 * d2 * gp0
                        a3 += d3 * d3 * gp0
                        a4 += d4 * d4 * gp0
                        a5 += d5 * d5 * gp0
                        a6 += d6 * d6 * gp0
                        a7 += d7 * d7 * gp0
                        d0 = x0 - gm1
                        d1 = x1 - gm1
                        d2 = x2 - gm1
                        d3 = x3 - gm1
                        d4 = x4 - gm1
                        d5 = x5 - gm1
                        d6 = x6 - gm1
                        d7 = x7 - gm1
                        b0 += d0 * d0 * gp1
                        b1 += d1 * d1 * gp1
                        b2 += d2 * d2 * gp1
                        b3 += d3 * d3 * gp1
                        b4 += d4 * d4 * gp1
                        b5 += d5 * d5 * gp1
                        b6 += d6 * d6 * gp1
                        b7 += d7 * d7 * gp1
                        d0 = x0 - gm2
                        d1 = x1 - gm2
                        d2 = x2 - gm2
                        d3 = x3 - gm2
                        d4 = x4 - gm2
                        d5 = x5 - gm2
                        d6 = x6 - gm2
                        d7 = x7 - gm2
                        e0 += d0 * d0 * gp2
                        e1 += d1 * d1 * gp2
                        e2 += d2 * d2 * gp2
                        e3 += d3 * d3 * gp2
                        e4 += d4 * d4 * gp2
                        e5 += d5 * d5 * gp2
                        e6 += d6 * d6 * gp2
                        e7 += d7 * d7 * gp2
                        d0 = x0 - gm3
                        d1 = x1 - gm3
                        d2 = x2 - gm3
                        d3 = x3 - gm3
                        d4 = x4 - gm3
                        d5 = x5 - gm3
                        d6 = x6 - gm3
                        d7 = x7 - gm3
                        h0 += d0 * d0 * gp3
                        h1 += d1 * d1 * gp3
                        h2 += d2 * d2 * gp3
                        h3 += d3 * d3 * gp3
                        h4 += d4 * d4 * gp3
                        h5 += d5 * d5 * gp3
                        h6 += d6 * d6 * gp3
                        h7 += d7 * d7 * gp3
                    gacc[g, 0] = a0
                    gacc[g, 1] = a1
                    gacc[g, 2] = a2
                    gacc[g, 3] = a3
                    gacc[g, 4] = a4
                    gacc[g, 5] = a5
                    gacc[g, 6] = a6
                    gacc[g, 7] = a7
                    gacc[g + 1, 0] = b0
                    gacc[g + 1, 1] = b1
                    gacc[g + 1, 2] = b2
                    gacc[g + 1, 3] = b3
                    gacc[g + 1, 4] = b4
                    gacc[g + 1, 5] = b5
                    gacc[g + 1, 6] = b6
                    gacc[g + 1, 7] = b7
                    gacc[g + 2, 0] = e0
                    gacc[g + 2, 1] = e1
                    gacc[g + 2, 2] = e2
                    gacc[g + 2, 3] = e3
                    gacc[g + 2, 4] = e4
                    gacc[g + 2, 5] = e5
                    gacc[g + 2, 6] = e6
                    gacc[g + 2, 7] = e7
                    gacc[g + 3, 0] = h0
                    gacc[g + 3, 1] = h1
                    gacc[g + 3, 2] = h2
                    gacc[g + 3, 3] = h3
                    gacc[g + 3, 4] = h4
                    gacc[g + 3, 5] = h5
                    gacc[g + 3, 6] = h6
                    gacc[g + 3, 7] = h7
                    g += 4
                while g < G:
                    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
                    for f in range(F):
                        gm = gmT[f, g]
                        gp = gpT[f, g]
                        d0 = xS[t, f, 0] - gm
                        d1 = xS[t, f, 1] - gm
                        d2 = xS[t, f, 2] - gm
                        d3 = xS[t, f, 3] - gm
                        d4 = xS[t, f, 4] - gm
                        d5 = xS[t, f, 5] - gm
                        d6 = xS[t, f, 6] - gm
                        d7 = xS[t, f, 7] - gm
                        a0 += d0 * d0 * gp
                        a1 += d1 * d1 * gp
                        a2 += d2 * d2 * gp
                        a3 += d3 * d3 * gp
                        a4 += d4 * d4 * gp
                        a5 += d5 * d5 * gp
                        a6 += d6 * d6 * gp
                        a7 += d7 * d7 * gp
                    gacc[g, 0] = a0
                    gacc[g, 1] = a1
                    gacc[g, 2] = a2
                    gacc[g, 3] = a3
                    gacc[g, 4] = a4
                    gacc[g, 5] = a5
                    gacc[g, 6] = a6
                    gacc[g, 7] = a7
                    g += 1
                for k in range(K):
                    q = gslots[k]
                    cq = gconst[q]
                    v0 = cq - 0.5 * gacc[q, 0]
                    v1 = cq - 0.5 * gacc[q, 1]
                    v2 = cq - 0.5 * gacc[q, 2]
                    v3 = cq - 0.5 * gacc[q, 3]
                    v4 = cq - 0.5 * gacc[q, 4]
                    v5 = cq - 0.5 * gacc[q, 5]
                    v6 = cq - 0.5 * gacc[q, 6]
                    v7 = cq - 0.5 * gacc[q, 7]
                    lrow[k, 0] = v0
                    lrow[k, 1] = v1
                    lrow[k, 2] = v2
                    lrow[k, 3] = v3
                    lrow[k, 4] = v4
                    lrow[k, 5] = v5
                    lrow[k, 6] = v6
                    lrow[k, 7] = v7
            else:
                for b in range(L):
                    if act[b]:
                        r = starts[b] + t
                        for k in range(K):
                            lrow[k, b] = src[r, k]
                    else:
                        for k in range(K):
                            lrow[k, b] = 0.0
            m0 = -np.inf
            m1 = -np.inf
            m2 = -np.inf
            m3 = -np.inf
            m4 = -np.inf
            m5 = -np.inf
            m6 = -np.inf
            m7 = -np.inf
            for k in range(K):
                v0 = lrow[k, 0]
                v1 = lrow[k, 1]
                v2 = lrow[k, 2]
                v3 = lrow[k, 3]
                v4 = lrow[k, 4]
                v5 = lrow[k, 5]
                v6 = lrow[k, 6]
                v7 = lrow[k, 7]
                m0 = v0 if v0 > m0 else m0
                m1 = v1 if v1 > m1 else m1
                m2 = v2 if v2 > m2 else m2
                m3 = v3 if v3 > m3 else m3
                m4 = v4 if v4 > m4 else m4
                m5 = v5 if v5 > m5 else m5
                m6 = v6 if v6 > m6 else m6
                m7 = v7 if v7 > m7 else m7
            mrow[0] = m0
            mrow[1] = m1
            mrow[2] = m2
            mrow[3] = m3
            mrow[4] = m4
            mrow[5] = m5
            mrow[6] = m6
            mrow[7] = m7
            for b in range(L):
                if act[b] and not mrow[b] > -np.inf:
                    ok[b] = False
                    act[b] = False
                if not act[b]:
                    mrow[b] = 0.0
            # exp row (see _exp_row), all lanes at once, lanes written out (a loop over
            # the lanes stayed scalar: a third of a K=8 Gaussian E-step)
            m0 = mrow[0]
            m1 = mrow[1]
            m2 = mrow[2]
            m3 = mrow[3]
            m4 = mrow[4]
            m5 = mrow[5]
            m6 = mrow[6]
            m7 = mrow[7]
            for k in range(K):
                x0 = lrow[k, 0] - m0
                x1 = lrow[k, 1] - m1
                x2 = lrow[k, 2] - m2
                x3 = lrow[k, 3] - m3
                x4 = lrow[k, 4] - m4
                x5 = lrow[k, 5] - m5
                x6 = lrow[k, 6] - m6
                x7 = lrow[k, 7] - m7
                s0 = not x0 > -708.0
                s1 = not x1 > -708.0
                s2 = not x2 > -708.0
                s3 = not x3 > -708.0
                s4 = not x4 > -708.0
                s5 = not x5 > -708.0
                s6 = not x6 > -708.0
                s7 = not x7 > -708.0
                x0 = x0 if x0 > -708.0 else -708.0
                x1 = x1 if x1 > -708.0 else -708.0
                x2 = x2 if x2 > -708.0 else -708.0
                x3 = x3 if x3 > -708.0 else -708.0
                x4 = x4 if x4 > -708.0 else -708.0
                x5 = x5 if x5 > -708.0 else -708.0
                x6 = x6 if x6 > -708.0 else -708.0
                x7 = x7 if x7 > -708.0 else -708.0
                n0 = (x0 * _LOG2E + _ROUND) - _ROUND
                n1 = (x1 * _LOG2E + _ROUND) - _ROUND
                n2 = (x2 * _LOG2E + _ROUND) - _ROUND
                n3 = (x3 * _LOG2E + _ROUND) - _ROUND
                n4 = (x4 * _LOG2E + _ROUND) - _ROUND
                n5 = (x5 * _LOG2E + _ROUND) - _ROUND
                n6 = (x6 * _LOG2E + _ROUND) - _ROUND
                n7 = (x7 * _LOG2E + _ROUND) - _ROUND
                y0 = (x0 - n0 * _LN2_HI) - n0 * _LN2_LO
                y1 = (x1 - n1 * _LN2_HI) - n1 * _LN2_LO
                y2 = (x2 - n2 * _LN2_HI) - n2 * _LN2_LO
                y3 = (x3 - n3 * _LN2_HI) - n3 * _LN2_LO
                y4 = (x4 - n4 * _LN2_HI) - n4 * _LN2_LO
                y5 = (x5 - n5 * _LN2_HI) - n5 * _LN2_LO
                y6 = (x6 - n6 * _LN2_HI) - n6 * _LN2_LO
                y7 = (x7 - n7 * _LN2_HI) - n7 * _LN2_LO
                p0 = _C12 * y0 + _C11
                p1 = _C12 * y1 + _C11
                p2 = _C12 * y2 + _C11
                p3 = _C12 * y3 + _C11
                p4 = _C12 * y4 + _C11
                p5 = _C12 * y5 + _C11
                p6 = _C12 * y6 + _C11
                p7 = _C12 * y7 + _C11
                p0 = p0 * y0 + _C10
                p1 = p1 * y1 + _C10
                p2 = p2 * y2 + _C10
                p3 = p3 * y3 + _C10
                p4 = p4 * y4 + _C10
                p5 = p5 * y5 + _C10
                p6 = p6 * y6 + _C10
                p7 = p7 * y7 + _C10
                p0 = p0 * y0 + _C9
                p1 = p1 * y1 + _C9
                p2 = p2 * y2 + _C9
                p3 = p3 * y3 + _C9
                p4 = p4 * y4 + _C9
                p5 = p5 * y5 + _C9
                p6 = p6 * y6 + _C9
                p7 = p7 * y7 + _C9
                p0 = p0 * y0 + _C8
                p1 = p1 * y1 + _C8
                p2 = p2 * y2 + _C8
                p3 = p3 * y3 + _C8
                p4 = p4 * y4 + _C8
                p5 = p5 * y5 + _C8
                p6 = p6 * y6 + _C8
                p7 = p7 * y7 + _C8
                p0 = p0 * y0 + _C7
                p1 = p1 * y1 + _C7
                p2 = p2 * y2 + _C7
                p3 = p3 * y3 + _C7
                p4 = p4 * y4 + _C7
                p5 = p5 * y5 + _C7
                p6 = p6 * y6 + _C7
                p7 = p7 * y7 + _C7
                p0 = p0 * y0 + _C6
                p1 = p1 * y1 + _C6
                p2 = p2 * y2 + _C6
                p3 = p3 * y3 + _C6
                p4 = p4 * y4 + _C6
                p5 = p5 * y5 + _C6
                p6 = p6 * y6 + _C6
                p7 = p7 * y7 + _C6
                p0 = p0 * y0 + _C5
                p1 = p1 * y1 + _C5
                p2 = p2 * y2 + _C5
                p3 = p3 * y3 + _C5
                p4 = p4 * y4 + _C5
                p5 = p5 * y5 + _C5
                p6 = p6 * y6 + _C5
                p7 = p7 * y7 + _C5
                p0 = p0 * y0 + _C4
                p1 = p1 * y1 + _C4
                p2 = p2 * y2 + _C4
                p3 = p3 * y3 + _C4
                p4 = p4 * y4 + _C4
                p5 = p5 * y5 + _C4
                p6 = p6 * y6 + _C4
                p7 = p7 * y7 + _C4
                p0 = p0 * y0 + _C3
                p1 = p1 * y1 + _C3
                p2 = p2 * y2 + _C3
                p3 = p3 * y3 + _C3
                p4 = p4 * y4 + _C3
                p5 = p5 * y5 + _C3
                p6 = p6 * y6 + _C3
                p7 = p7 * y7 + _C3
                p0 = p0 * y0 + _C2
                p1 = p1 * y1 + _C2
                p2 = p2 * y2 + _C2
                p3 = p3 * y3 + _C2
                p4 = p4 * y4 + _C2
                p5 = p5 * y5 + _C2
                p6 = p6 * y6 + _C2
                p7 = p7 * y7 + _C2
                p0 = p0 * y0 + 1.0
                p1 = p1 * y1 + 1.0
                p2 = p2 * y2 + 1.0
                p3 = p3 * y3 + 1.0
                p4 = p4 * y4 + 1.0
                p5 = p5 * y5 + 1.0
                p6 = p6 * y6 + 1.0
                p7 = p7 * y7 + 1.0
                p0 = p0 * y0 + 1.0
                p1 = p1 * y1 + 1.0
                p2 = p2 * y2 + 1.0
                p3 = p3 * y3 + 1.0
                p4 = p4 * y4 + 1.0
                p5 = p5 * y5 + 1.0
                p6 = p6 * y6 + 1.0
                p7 = p7 * y7 + 1.0
                fS[tf, k, 0] = p0
                fS[tf, k, 1] = p1
                fS[tf, k, 2] = p2
                fS[tf, k, 3] = p3
                fS[tf, k, 4] = p4
                fS[tf, k, 5] = p5
                fS[tf, k, 6] = p6
                fS[tf, k, 7] = p7
                ibuf[k * L + 0] = 0 if s0 else (np.int64(n0) + 1023) << 52
                ibuf[k * L + 1] = 0 if s1 else (np.int64(n1) + 1023) << 52
                ibuf[k * L + 2] = 0 if s2 else (np.int64(n2) + 1023) << 52
                ibuf[k * L + 3] = 0 if s3 else (np.int64(n3) + 1023) << 52
                ibuf[k * L + 4] = 0 if s4 else (np.int64(n4) + 1023) << 52
                ibuf[k * L + 5] = 0 if s5 else (np.int64(n5) + 1023) << 52
                ibuf[k * L + 6] = 0 if s6 else (np.int64(n6) + 1023) << 52
                ibuf[k * L + 7] = 0 if s7 else (np.int64(n7) + 1023) << 52
            # exp row: 2**n, and the flush (entries below ``flush`` to 0; a table comes
            # flushed: see _fb_chunk_soa); lanes not active are set to 1 below
            for k in range(K):
                v0 = fS[tf, k, 0] * pow2[k * L + 0]
                v1 = fS[tf, k, 1] * pow2[k * L + 1]
                v2 = fS[tf, k, 2] * pow2[k * L + 2]
                v3 = fS[tf, k, 3] * pow2[k * L + 3]
                v4 = fS[tf, k, 4] * pow2[k * L + 4]
                v5 = fS[tf, k, 5] * pow2[k * L + 5]
                v6 = fS[tf, k, 6] * pow2[k * L + 6]
                v7 = fS[tf, k, 7] * pow2[k * L + 7]
                fS[tf, k, 0] = v0 if v0 >= flush else 0.0
                fS[tf, k, 1] = v1 if v1 >= flush else 0.0
                fS[tf, k, 2] = v2 if v2 >= flush else 0.0
                fS[tf, k, 3] = v3 if v3 >= flush else 0.0
                fS[tf, k, 4] = v4 if v4 >= flush else 0.0
                fS[tf, k, 5] = v5 if v5 >= flush else 0.0
                fS[tf, k, 6] = v6 if v6 >= flush else 0.0
                fS[tf, k, 7] = v7 if v7 >= flush else 0.0
        for b in range(L):
            if not act[b]:
                for k in range(K):
                    fS[tf, k, b] = 1.0
            elif fmode != _FRAMES_TABLE:
                log_prob[b] += mrow[b]
        # ---- predicted state distribution nb (K, L)
        if t == 0:
            for k in range(K):
                pk = pi[k]
                for b in range(L):
                    nb[k, b] = pk
        else:
            _vecmat_soa(aS, t - 1, A, nb)
        # ---- scale factors (the four partial sums of _dot4)
        _dot4_soa(nb, fS, tf, cc)
        # lanes live (active, scale factor not vanishing) and the divisions, lanes
        # written out: no scalar stores of the lanes' values reloaded as one vector (a
        # load spanning several stores waits for them to reach the cache)
        sc0 = cc[0]
        sc1 = cc[1]
        sc2 = cc[2]
        sc3 = cc[3]
        sc4 = cc[4]
        sc5 = cc[5]
        sc6 = cc[6]
        sc7 = cc[7]
        lv0 = act[0] & (sc0 > _TINY)
        lv1 = act[1] & (sc1 > _TINY)
        lv2 = act[2] & (sc2 > _TINY)
        lv3 = act[3] & (sc3 > _TINY)
        lv4 = act[4] & (sc4 > _TINY)
        lv5 = act[5] & (sc5 > _TINY)
        lv6 = act[6] & (sc6 > _TINY)
        lv7 = act[7] & (sc7 > _TINY)
        live[0] = lv0
        live[1] = lv1
        live[2] = lv2
        live[3] = lv3
        live[4] = lv4
        live[5] = lv5
        live[6] = lv6
        live[7] = lv7
        ok[0] = ok[0] & (lv0 | (not act[0]))
        ok[1] = ok[1] & (lv1 | (not act[1]))
        ok[2] = ok[2] & (lv2 | (not act[2]))
        ok[3] = ok[3] & (lv3 | (not act[3]))
        ok[4] = ok[4] & (lv4 | (not act[4]))
        ok[5] = ok[5] & (lv5 | (not act[5]))
        ok[6] = ok[6] & (lv6 | (not act[6]))
        ok[7] = ok[7] & (lv7 | (not act[7]))
        i0 = 1.0 / (sc0 if lv0 else 1.0)
        i1 = 1.0 / (sc1 if lv1 else 1.0)
        i2 = 1.0 / (sc2 if lv2 else 1.0)
        i3 = 1.0 / (sc3 if lv3 else 1.0)
        i4 = 1.0 / (sc4 if lv4 else 1.0)
        i5 = 1.0 / (sc5 if lv5 else 1.0)
        i6 = 1.0 / (sc6 if lv6 else 1.0)
        i7 = 1.0 / (sc7 if lv7 else 1.0)
        for k in range(K):
            v0 = nb[k, 0] * fS[tf, k, 0] * i0
            v1 = nb[k, 1] * fS[tf, k, 1] * i1
            v2 = nb[k, 2] * fS[tf, k, 2] * i2
            v3 = nb[k, 3] * fS[tf, k, 3] * i3
            v4 = nb[k, 4] * fS[tf, k, 4] * i4
            v5 = nb[k, 5] * fS[tf, k, 5] * i5
            v6 = nb[k, 6] * fS[tf, k, 6] * i6
            v7 = nb[k, 7] * fS[tf, k, 7] * i7
            aS[t, k, 0] = v0 if v0 >= flush else 0.0
            aS[t, k, 1] = v1 if v1 >= flush else 0.0
            aS[t, k, 2] = v2 if v2 >= flush else 0.0
            aS[t, k, 3] = v3 if v3 >= flush else 0.0
            aS[t, k, 4] = v4 if v4 >= flush else 0.0
            aS[t, k, 5] = v5 if v5 >= flush else 0.0
            aS[t, k, 6] = v6 if v6 >= flush else 0.0
            aS[t, k, 7] = v7 if v7 >= flush else 0.0
        if guard:
            for b in range(L):
                if live[b]:
                    r = starts[b] + t
                    fr = ridx[r] if fmode == _FRAMES_TABLE else r
                    for k in range(K):
                        lv = lrow[k, b] if fmode != _FRAMES_TABLE else src[fr, k]
                        if nb[k, b] > 0.0 and aS[t, k, b] < _LOSS and lv > -np.inf:
                            ok[b] = False
                            live[b] = False
                            break
        # the running product of each live lane's scale factors, kept in [0.5, 1) by
        # exact powers of two whose exponents add up in ``pexp``: no branch that depends
        # on the data (taking a log whenever the product fell below a threshold was a
        # branch each lane took at its own irregular steps, often mispredicted)
        pr0 = prod[0] * sc0 if live[0] else prod[0]
        pr1 = prod[1] * sc1 if live[1] else prod[1]
        pr2 = prod[2] * sc2 if live[2] else prod[2]
        pr3 = prod[3] * sc3 if live[3] else prod[3]
        pr4 = prod[4] * sc4 if live[4] else prod[4]
        pr5 = prod[5] * sc5 if live[5] else prod[5]
        pr6 = prod[6] * sc6 if live[6] else prod[6]
        pr7 = prod[7] * sc7 if live[7] else prod[7]
        prod[0] = pr0
        prod[1] = pr1
        prod[2] = pr2
        prod[3] = pr3
        prod[4] = pr4
        prod[5] = pr5
        prod[6] = pr6
        prod[7] = pr7
        e0 = (pbits[0] >> 52) - 1022
        e1 = (pbits[1] >> 52) - 1022
        e2 = (pbits[2] >> 52) - 1022
        e3 = (pbits[3] >> 52) - 1022
        e4 = (pbits[4] >> 52) - 1022
        e5 = (pbits[5] >> 52) - 1022
        e6 = (pbits[6] >> 52) - 1022
        e7 = (pbits[7] >> 52) - 1022
        pbits[0] = (pbits[0] & _MANTISSA) | _HALF_EXP
        pbits[1] = (pbits[1] & _MANTISSA) | _HALF_EXP
        pbits[2] = (pbits[2] & _MANTISSA) | _HALF_EXP
        pbits[3] = (pbits[3] & _MANTISSA) | _HALF_EXP
        pbits[4] = (pbits[4] & _MANTISSA) | _HALF_EXP
        pbits[5] = (pbits[5] & _MANTISSA) | _HALF_EXP
        pbits[6] = (pbits[6] & _MANTISSA) | _HALF_EXP
        pbits[7] = (pbits[7] & _MANTISSA) | _HALF_EXP
        pexp[0] += e0
        pexp[1] += e1
        pexp[2] += e2
        pexp[3] += e3
        pexp[4] += e4
        pexp[5] += e5
        pexp[6] += e6
        pexp[7] += e7
        for b in range(L):
            if not live[b]:
                for k in range(K):
                    aS[t, k, b] = benign
                    fS[tf, k, b] = 1.0
    # ---- last frame of every good sequence
    for b in range(L):
        if ok[b]:
            log_prob[b] += math.log(prod[b]) + (pexp[b] * _LN2_HI + pexp[b] * _LN2_LO)
            T = lens[b]
            r = starts[b] + T - 1
            if sink == _SINK_COUNTS:
                sy = sym[r]
                if sy >= 0 and sy < cnt.shape[1] - 1:
                    for k in range(K):
                        cnt[b, sy, k] += aS[T - 1, k, b]
            elif sink == _SINK_DIAG:
                for k in range(K):
                    sw[k, b] += aS[T - 1, k, b]
                for f in range(F):
                    xf = X[r, f]
                    xf2 = xf * xf
                    for k in range(K):
                        sx[f, k, b] += aS[T - 1, k, b] * xf
                        sxx[f, k, b] += aS[T - 1, k, b] * xf2
            if T == 1:
                for k in range(K):
                    start[k, b] = aS[T - 1, k, b]
    # ---- backward (see _scaled_fb_seq); lane b joins at its own step t = lens[b] - 2.
    # Row t of ``fS`` becomes w_t = frames_t * beta_t (0 where alpha_t is) as soon as
    # beta_t is known, in step t's divisions; the last row's beta is ones
    if T_max >= 2:
        for k in range(K):
            v0 = fS[(T_max - 1) & fm, k, 0]
            v1 = fS[(T_max - 1) & fm, k, 1]
            v2 = fS[(T_max - 1) & fm, k, 2]
            v3 = fS[(T_max - 1) & fm, k, 3]
            v4 = fS[(T_max - 1) & fm, k, 4]
            v5 = fS[(T_max - 1) & fm, k, 5]
            v6 = fS[(T_max - 1) & fm, k, 6]
            v7 = fS[(T_max - 1) & fm, k, 7]
            a0 = aS[T_max - 1, k, 0]
            a1 = aS[T_max - 1, k, 1]
            a2 = aS[T_max - 1, k, 2]
            a3 = aS[T_max - 1, k, 3]
            a4 = aS[T_max - 1, k, 4]
            a5 = aS[T_max - 1, k, 5]
            a6 = aS[T_max - 1, k, 6]
            a7 = aS[T_max - 1, k, 7]
            fS[(T_max - 1) & fm, k, 0] = v0 if a0 > 0.0 and v0 >= flush else 0.0
            fS[(T_max - 1) & fm, k, 1] = v1 if a1 > 0.0 and v1 >= flush else 0.0
            fS[(T_max - 1) & fm, k, 2] = v2 if a2 > 0.0 and v2 >= flush else 0.0
            fS[(T_max - 1) & fm, k, 3] = v3 if a3 > 0.0 and v3 >= flush else 0.0
            fS[(T_max - 1) & fm, k, 4] = v4 if a4 > 0.0 and v4 >= flush else 0.0
            fS[(T_max - 1) & fm, k, 5] = v5 if a5 > 0.0 and v5 >= flush else 0.0
            fS[(T_max - 1) & fm, k, 6] = v6 if a6 > 0.0 and v6 >= flush else 0.0
            fS[(T_max - 1) & fm, k, 7] = v7 if a7 > 0.0 and v7 >= flush else 0.0
    for t in range(T_max - 2, -1, -1):
        tf = t & fm
        if t >= _PREFETCH_STEPS:
            # (the hardware prefetchers lose a descending stream at page boundaries)
            for k in range(K):
                prefetch_line(aS, t - _PREFETCH_STEPS, k)
        act[0] = ok[0] and t <= lens[0] - 2
        act[1] = ok[1] and t <= lens[1] - 2
        act[2] = ok[2] and t <= lens[2] - 2
        act[3] = ok[3] and t <= lens[3] - 2
        act[4] = ok[4] and t <= lens[4] - 2
        act[5] = ok[5] and t <= lens[5] - 2
        act[6] = ok[6] and t <= lens[6] - 2
        act[7] = ok[7] and t <= lens[7] - 2
        _vecmat_soa(fS, (t + 1) & fm, AT, nb)
        if fm >= 0:
            # frames kept in a ring of rows (see _fb_chunk_soa): gathered again, into
            # the row that w_t takes below
            _table_frames(etab, ridx, starts, last, rsel, t, fS, tf)
        _dot4_soa(nb, aS, t, cc)
        # lanes live and the divisions as in the forward pass; alpha_t / g_t goes to the
        # expected-transition rows ``xa`` (times 0 for lanes not live: they add zero; a
        # lane that fails later in this step is dropped at the end, so what it adds goes
        # nowhere); a lane not live keeps beta_t = 1 for w_t (its sequence ends at t or
        # later)
        sc0 = cc[0]
        sc1 = cc[1]
        sc2 = cc[2]
        sc3 = cc[3]
        sc4 = cc[4]
        sc5 = cc[5]
        sc6 = cc[6]
        sc7 = cc[7]
        lv0 = act[0] & (sc0 > _TINY)
        lv1 = act[1] & (sc1 > _TINY)
        lv2 = act[2] & (sc2 > _TINY)
        lv3 = act[3] & (sc3 > _TINY)
        lv4 = act[4] & (sc4 > _TINY)
        lv5 = act[5] & (sc5 > _TINY)
        lv6 = act[6] & (sc6 > _TINY)
        lv7 = act[7] & (sc7 > _TINY)
        live[0] = lv0
        live[1] = lv1
        live[2] = lv2
        live[3] = lv3
        live[4] = lv4
        live[5] = lv5
        live[6] = lv6
        live[7] = lv7
        ok[0] = ok[0] & (lv0 | (not act[0]))
        ok[1] = ok[1] & (lv1 | (not act[1]))
        ok[2] = ok[2] & (lv2 | (not act[2]))
        ok[3] = ok[3] & (lv3 | (not act[3]))
        ok[4] = ok[4] & (lv4 | (not act[4]))
        ok[5] = ok[5] & (lv5 | (not act[5]))
        ok[6] = ok[6] & (lv6 | (not act[6]))
        ok[7] = ok[7] & (lv7 | (not act[7]))
        i0 = 1.0 / (sc0 if lv0 else 1.0)
        i1 = 1.0 / (sc1 if lv1 else 1.0)
        i2 = 1.0 / (sc2 if lv2 else 1.0)
        i3 = 1.0 / (sc3 if lv3 else 1.0)
        i4 = 1.0 / (sc4 if lv4 else 1.0)
        i5 = 1.0 / (sc5 if lv5 else 1.0)
        i6 = 1.0 / (sc6 if lv6 else 1.0)
        i7 = 1.0 / (sc7 if lv7 else 1.0)
        c0 = 1.0 if lv0 else 0.0
        c1 = 1.0 if lv1 else 0.0
        c2 = 1.0 if lv2 else 0.0
        c3 = 1.0 if lv3 else 0.0
        c4 = 1.0 if lv4 else 0.0
        c5 = 1.0 if lv5 else 0.0
        c6 = 1.0 if lv6 else 0.0
        c7 = 1.0 if lv7 else 0.0
        x0 = -np.inf
        x1 = -np.inf
        x2 = -np.inf
        x3 = -np.inf
        x4 = -np.inf
        x5 = -np.inf
        x6 = -np.inf
        x7 = -np.inf
        for k in range(K):
            v0 = nb[k, 0] * i0
            v1 = nb[k, 1] * i1
            v2 = nb[k, 2] * i2
            v3 = nb[k, 3] * i3
            v4 = nb[k, 4] * i4
            v5 = nb[k, 5] * i5
            v6 = nb[k, 6] * i6
            v7 = nb[k, 7] * i7
            a0 = aS[t, k, 0]
            a1 = aS[t, k, 1]
            a2 = aS[t, k, 2]
            a3 = aS[t, k, 3]
            a4 = aS[t, k, 4]
            a5 = aS[t, k, 5]
            a6 = aS[t, k, 6]
            a7 = aS[t, k, 7]
            v0 = v0 if v0 >= flush else 0.0
            v1 = v1 if v1 >= flush else 0.0
            v2 = v2 if v2 >= flush else 0.0
            v3 = v3 if v3 >= flush else 0.0
            v4 = v4 if v4 >= flush else 0.0
            v5 = v5 if v5 >= flush else 0.0
            v6 = v6 if v6 >= flush else 0.0
            v7 = v7 if v7 >= flush else 0.0
            x0 = v0 if v0 > x0 else x0
            x1 = v1 if v1 > x1 else x1
            x2 = v2 if v2 > x2 else x2
            x3 = v3 if v3 > x3 else x3
            x4 = v4 if v4 > x4 else x4
            x5 = v5 if v5 > x5 else x5
            x6 = v6 if v6 > x6 else x6
            x7 = v7 if v7 > x7 else x7
            g0 = a0 * v0
            g1 = a1 * v1
            g2 = a2 * v2
            g3 = a3 * v3
            g4 = a4 * v4
            g5 = a5 * v5
            g6 = a6 * v6
            g7 = a7 * v7
            w0 = fS[tf, k, 0] * (v0 if lv0 else 1.0)
            w1 = fS[tf, k, 1] * (v1 if lv1 else 1.0)
            w2 = fS[tf, k, 2] * (v2 if lv2 else 1.0)
            w3 = fS[tf, k, 3] * (v3 if lv3 else 1.0)
            w4 = fS[tf, k, 4] * (v4 if lv4 else 1.0)
            w5 = fS[tf, k, 5] * (v5 if lv5 else 1.0)
            w6 = fS[tf, k, 6] * (v6 if lv6 else 1.0)
            w7 = fS[tf, k, 7] * (v7 if lv7 else 1.0)
            fS[tf, k, 0] = w0 if a0 > 0.0 and w0 >= flush else 0.0
            fS[tf, k, 1] = w1 if a1 > 0.0 and w1 >= flush else 0.0
            fS[tf, k, 2] = w2 if a2 > 0.0 and w2 >= flush else 0.0
            fS[tf, k, 3] = w3 if a3 > 0.0 and w3 >= flush else 0.0
            fS[tf, k, 4] = w4 if a4 > 0.0 and w4 >= flush else 0.0
            fS[tf, k, 5] = w5 if a5 > 0.0 and w5 >= flush else 0.0
            fS[tf, k, 6] = w6 if a6 > 0.0 and w6 >= flush else 0.0
            fS[tf, k, 7] = w7 if a7 > 0.0 and w7 >= flush else 0.0
            gam[k, 0] = g0 if g0 >= flush else 0.0
            gam[k, 1] = g1 if g1 >= flush else 0.0
            gam[k, 2] = g2 if g2 >= flush else 0.0
            gam[k, 3] = g3 if g3 >= flush else 0.0
            gam[k, 4] = g4 if g4 >= flush else 0.0
            gam[k, 5] = g5 if g5 >= flush else 0.0
            gam[k, 6] = g6 if g6 >= flush else 0.0
            gam[k, 7] = g7 if g7 >= flush else 0.0
            xa[n_xa, k, 0] = (a0 * i0) * c0
            xa[n_xa, k, 1] = (a1 * i1) * c1
            xa[n_xa, k, 2] = (a2 * i2) * c2
            xa[n_xa, k, 3] = (a3 * i3) * c3
            xa[n_xa, k, 4] = (a4 * i4) * c4
            xa[n_xa, k, 5] = (a5 * i5) * c5
            xa[n_xa, k, 6] = (a6 * i6) * c6
            xa[n_xa, k, 7] = (a7 * i7) * c7
        mrow[0] = x0
        mrow[1] = x1
        mrow[2] = x2
        mrow[3] = x3
        mrow[4] = x4
        mrow[5] = x5
        mrow[6] = x6
        mrow[7] = x7
        for b in range(L):
            if live[b] and not mrow[b] < 1e300:
                ok[b] = False
                live[b] = False
            if not live[b]:
                for k in range(K):
                    gam[k, b] = 0.0
        # expected transitions: xacc[i, j, b] += xa[., i, b] w_{t+1}(j), _XI_STEPS steps
        # at a time (see _xi_steps)
        n_xa += 1
        if n_xa == _XI_STEPS or t == 0:
            _xi_steps(xacc, xa, fS, fm, t + n_xa - 1, n_xa)
            n_xa = 0
        if sink == _SINK_COUNTS:
            # cnt[b, sym, k] += gam[k, b], eight states at a time transposed in registers
            # (see add_transposed8; the lanes are one register: _BATCH is 8), the rest
            # with the lanes written out; lanes without a row to add go to the spare row
            # n_sym
            n_sym = cnt.shape[1] - 1
            q0 = sym[min(starts[0] + t, last[0])]
            q1 = sym[min(starts[1] + t, last[1])]
            q2 = sym[min(starts[2] + t, last[2])]
            q3 = sym[min(starts[3] + t, last[3])]
            q4 = sym[min(starts[4] + t, last[4])]
            q5 = sym[min(starts[5] + t, last[5])]
            q6 = sym[min(starts[6] + t, last[6])]
            q7 = sym[min(starts[7] + t, last[7])]
            rsel[0] = q0 if live[0] and q0 >= 0 and q0 < n_sym else n_sym
            rsel[1] = q1 if live[1] and q1 >= 0 and q1 < n_sym else n_sym
            rsel[2] = q2 if live[2] and q2 >= 0 and q2 < n_sym else n_sym
            rsel[3] = q3 if live[3] and q3 >= 0 and q3 < n_sym else n_sym
            rsel[4] = q4 if live[4] and q4 >= 0 and q4 < n_sym else n_sym
            rsel[5] = q5 if live[5] and q5 >= 0 and q5 < n_sym else n_sym
            rsel[6] = q6 if live[6] and q6 >= 0 and q6 < n_sym else n_sym
            rsel[7] = q7 if live[7] and q7 >= 0 and q7 < n_sym else n_sym
            k = 0
            while k + 8 <= K:
                add_transposed8(gam, k, cnt, rsel)
                k += 8
            q0 = rsel[0]
            q1 = rsel[1]
            q2 = rsel[2]
            q3 = rsel[3]
            q4 = rsel[4]
            q5 = rsel[5]
            q6 = rsel[6]
            q7 = rsel[7]
            while k < K:
                g0 = gam[k, 0]
                g1 = gam[k, 1]
                g2 = gam[k, 2]
                g3 = gam[k, 3]
                g4 = gam[k, 4]
                g5 = gam[k, 5]
                g6 = gam[k, 6]
                g7 = gam[k, 7]
                cnt[0, q0, k] += g0
                cnt[1, q1, k] += g1
                cnt[2, q2, k] += g2
                cnt[3, q3, k] += g3
                cnt[4, q4, k] += g4
                cnt[5, q5, k] += g5
                cnt[6, q6, k] += g6
                cnt[7, q7, k] += g7
                k += 1
        elif sink == _SINK_DIAG:
            # (lanes not live have gam = 0: their rows of xS add nothing)
            # the sums of x and x**2 take four steps per pass over sx/sxx (gbuf[i]
            # holds the gam of step t + ng - 1 - i): a quarter of the loads and stores
            for k in range(K):
                g0 = gam[k, 0]
                g1 = gam[k, 1]
                g2 = gam[k, 2]
                g3 = gam[k, 3]
                g4 = gam[k, 4]
                g5 = gam[k, 5]
                g6 = gam[k, 6]
                g7 = gam[k, 7]
                w0 = sw[k, 0] + g0
                w1 = sw[k, 1] + g1
                w2 = sw[k, 2] + g2
                w3 = sw[k, 3] + g3
                w4 = sw[k, 4] + g4
                w5 = sw[k, 5] + g5
                w6 = sw[k, 6] + g6
                w7 = sw[k, 7] + g7
                sw[k, 0] = w0
                sw[k, 1] = w1
                sw[k, 2] = w2
                sw[k, 3] = w3
                sw[k, 4] = w4
                sw[k, 5] = w5
                sw[k, 6] = w6
                sw[k, 7] = w7
                gbuf[ng, k, 0] = g0
                gbuf[ng, k, 1] = g1
                gbuf[ng, k, 2] = g2
                gbuf[ng, k, 3] = g3
                gbuf[ng, k, 4] = g4
                gbuf[ng, k, 5] = g5
                gbuf[ng, k, 6] = g6
                gbuf[ng, k, 7] = g7
            ng += 1
            if ng == 4:
                _diag_four_steps(sx, sxx, xS, t, gbuf)
                ng = 0
            elif t == 0:
                for i in range(ng):
                    _diag_one_step(sx, sxx, xS, t + ng - 1 - i, gbuf[i])
                ng = 0
        if t == 0:
            for b in range(L):
                if live[b]:
                    for k in range(K):
                        start[k, b] = gam[k, b]
    # ---- expected transitions of the good sequences, in lane order
    for b in range(L):
        if ok[b] and lens[b] > 1:
            for i in range(K):
                for j in range(K):
                    bufc[i, j] += xacc[i, j, b]


@njit(cache=True, inline="always", fastmath=_CONTRACT)
def _diag_one_step(sx, sxx, xS, t, gam):
    """``sx[f, k, b] += gam[k, b] xS[t, f, b]``, ``sxx[f, k, b] += gam[k, b] xS[t, f, b]**2``
    (lanes written out)."""
    F = sx.shape[0]
    K = sx.shape[1]
    for f in range(F):
        x0 = xS[t, f, 0]
        x1 = xS[t, f, 1]
        x2 = xS[t, f, 2]
        x3 = xS[t, f, 3]
        x4 = xS[t, f, 4]
        x5 = xS[t, f, 5]
        x6 = xS[t, f, 6]
        x7 = xS[t, f, 7]
        q0 = x0 * x0
        q1 = x1 * x1
        q2 = x2 * x2
        q3 = x3 * x3
        q4 = x4 * x4
        q5 = x5 * x5
        q6 = x6 * x6
        q7 = x7 * x7
        for k in range(K):
            g0 = gam[k, 0]
            g1 = gam[k, 1]
            g2 = gam[k, 2]
            g3 = gam[k, 3]
            g4 = gam[k, 4]
            g5 = gam[k, 5]
            g6 = gam[k, 6]
            g7 = gam[k, 7]
            u0 = sx[f, k, 0] + g0 * x0
            u1 = sx[f, k, 1] + g1 * x1
            u2 = sx[f, k, 2] + g2 * x2
            u3 = sx[f, k, 3] + g3 * x3
            u4 = sx[f, k, 4] + g4 * x4
            u5 = sx[f, k, 5] + g5 * x5
            u6 = sx[f, k, 6] + g6 * x6
            u7 = sx[f, k, 7] + g7 * x7
            v0 = sxx[f, k, 0] + g0 * q0
            v1 = sxx[f, k, 1] + g1 * q1
            v2 = sxx[f, k, 2] + g2 * q2
            v3 = sxx[f, k, 3] + g3 * q3
            v4 = sxx[f, k, 4] + g4 * q4
            v5 = sxx[f, k, 5] + g5 * q5
            v6 = sxx[f, k, 6] + g6 * q6
            v7 = sxx[f, k, 7] + g7 * q7
            sx[f, k, 0] = u0
            sx[f, k, 1] = u1
            sx[f, k, 2] = u2
            sx[f, k, 3] = u3
            sx[f, k, 4] = u4
            sx[f, k, 5] = u5
            sx[f, k, 6] = u6
            sx[f, k, 7] = u7
            sxx[f, k, 0] = v0
            sxx[f, k, 1] = v1
            sxx[f, k, 2] = v2
            sxx[f, k, 3] = v3
            sxx[f, k, 4] = v4
            sxx[f, k, 5] = v5
            sxx[f, k, 6] = v6
            sxx[f, k, 7] = v7


@njit(cache=True, inline="always", fastmath=_CONTRACT)
def _diag_four_steps(sx, sxx, xS, t, gbuf):
    """:func:`_diag_one_step` for steps ``t + 3``, ``t + 2``, ``t + 1`` and ``t`` (gam
    ``gbuf[0]`` ... ``gbuf[3]``), in that order, in one pass over ``sx``/``sxx`` (each
    element's sum keeps the order of four single steps)."""
    F = sx.shape[0]
    K = sx.shape[1]
    for f in range(F):
        xa0 = xS[t + 3, f, 0]
        xa1 = xS[t + 3, f, 1]
        xa2 = xS[t + 3, f, 2]
        xa3 = xS[t + 3, f, 3]
        xa4 = xS[t + 3, f, 4]
        xa5 = xS[t + 3, f, 5]
        xa6 = xS[t + 3, f, 6]
        xa7 = xS[t + 3, f, 7]
        xb0 = xS[t + 2, f, 0]
        xb1 = xS[t + 2, f, 1]
        xb2 = xS[t + 2, f, 2]
        xb3 = xS[t + 2, f, 3]
        xb4 = xS[t + 2, f, 4]
        xb5 = xS[t + 2, f, 5]
        xb6 = xS[t + 2, f, 6]
        xb7 = xS[t + 2, f, 7]
        xc0 = xS[t + 1, f, 0]
        xc1 = xS[t + 1, f, 1]
        xc2 = xS[t + 1, f, 2]
        xc3 = xS[t + 1, f, 3]
        xc4 = xS[t + 1, f, 4]
        xc5 = xS[t + 1, f, 5]
        xc6 = xS[t + 1, f, 6]
        xc7 = xS[t + 1, f, 7]
        xd0 = xS[t, f, 0]
        xd1 = xS[t, f, 1]
        xd2 = xS[t, f, 2]
        xd3 = xS[t, f, 3]
        xd4 = xS[t, f, 4]
        xd5 = xS[t, f, 5]
        xd6 = xS[t, f, 6]
        xd7 = xS[t, f, 7]
        qa0 = xa0 * xa0
        qa1 = xa1 * xa1
        qa2 = xa2 * xa2
        qa3 = xa3 * xa3
        qa4 = xa4 * xa4
        qa5 = xa5 * xa5
        qa6 = xa6 * xa6
        qa7 = xa7 * xa7
        qb0 = xb0 * xb0
        qb1 = xb1 * xb1
        qb2 = xb2 * xb2
        qb3 = xb3 * xb3
        qb4 = xb4 * xb4
        qb5 = xb5 * xb5
        qb6 = xb6 * xb6
        qb7 = xb7 * xb7
        qc0 = xc0 * xc0
        qc1 = xc1 * xc1
        qc2 = xc2 * xc2
        qc3 = xc3 * xc3
        qc4 = xc4 * xc4
        qc5 = xc5 * xc5
        qc6 = xc6 * xc6
        qc7 = xc7 * xc7
        qd0 = xd0 * xd0
        qd1 = xd1 * xd1
        qd2 = xd2 * xd2
        qd3 = xd3 * xd3
        qd4 = xd4 * xd4
        qd5 = xd5 * xd5
        qd6 = xd6 * xd6
        qd7 = xd7 * xd7
        for k in range(K):
            ga0 = gbuf[0, k, 0]
            ga1 = gbuf[0, k, 1]
            ga2 = gbuf[0, k, 2]
            ga3 = gbuf[0, k, 3]
            ga4 = gbuf[0, k, 4]
            ga5 = gbuf[0, k, 5]
            ga6 = gbuf[0, k, 6]
            ga7 = gbuf[0, k, 7]
            gb0 = gbuf[1, k, 0]
            gb1 = gbuf[1, k, 1]
            gb2 = gbuf[1, k, 2]
            gb3 = gbuf[1, k, 3]
            gb4 = gbuf[1, k, 4]
            gb5 = gbuf[1, k, 5]
            gb6 = gbuf[1, k, 6]
            gb7 = gbuf[1, k, 7]
            gc0 = gbuf[2, k, 0]
            gc1 = gbuf[2, k, 1]
            gc2 = gbuf[2, k, 2]
            gc3 = gbuf[2, k, 3]
            gc4 = gbuf[2, k, 4]
            gc5 = gbuf[2, k, 5]
            gc6 = gbuf[2, k, 6]
            gc7 = gbuf[2, k, 7]
            gd0 = gbuf[3, k, 0]
            gd1 = gbuf[3, k, 1]
            gd2 = gbuf[3, k, 2]
            gd3 = gbuf[3, k, 3]
            gd4 = gbuf[3, k, 4]
            gd5 = gbuf[3, k, 5]
            gd6 = gbuf[3, k, 6]
            gd7 = gbuf[3, k, 7]
            u0 = (((sx[f, k, 0] + ga0 * xa0) + gb0 * xb0) + gc0 * xc0) + gd0 * xd0
            u1 = (((sx[f, k, 1] + ga1 * xa1) + gb1 * xb1) + gc1 * xc1) + gd1 * xd1
            u2 = (((sx[f, k, 2] + ga2 * xa2) + gb2 * xb2) + gc2 * xc2) + gd2 * xd2
            u3 = (((sx[f, k, 3] + ga3 * xa3) + gb3 * xb3) + gc3 * xc3) + gd3 * xd3
            u4 = (((sx[f, k, 4] + ga4 * xa4) + gb4 * xb4) + gc4 * xc4) + gd4 * xd4
            u5 = (((sx[f, k, 5] + ga5 * xa5) + gb5 * xb5) + gc5 * xc5) + gd5 * xd5
            u6 = (((sx[f, k, 6] + ga6 * xa6) + gb6 * xb6) + gc6 * xc6) + gd6 * xd6
            u7 = (((sx[f, k, 7] + ga7 * xa7) + gb7 * xb7) + gc7 * xc7) + gd7 * xd7
            v0 = (((sxx[f, k, 0] + ga0 * qa0) + gb0 * qb0) + gc0 * qc0) + gd0 * qd0
            v1 = (((sxx[f, k, 1] + ga1 * qa1) + gb1 * qb1) + gc1 * qc1) + gd1 * qd1
            v2 = (((sxx[f, k, 2] + ga2 * qa2) + gb2 * qb2) + gc2 * qc2) + gd2 * qd2
            v3 = (((sxx[f, k, 3] + ga3 * qa3) + gb3 * qb3) + gc3 * qc3) + gd3 * qd3
            v4 = (((sxx[f, k, 4] + ga4 * qa4) + gb4 * qb4) + gc4 * qc4) + gd4 * qd4
            v5 = (((sxx[f, k, 5] + ga5 * qa5) + gb5 * qb5) + gc5 * qc5) + gd5 * qd5
            v6 = (((sxx[f, k, 6] + ga6 * qa6) + gb6 * qb6) + gc6 * qc6) + gd6 * qd6
            v7 = (((sxx[f, k, 7] + ga7 * qa7) + gb7 * qb7) + gc7 * qc7) + gd7 * qd7
            sx[f, k, 0] = u0
            sx[f, k, 1] = u1
            sx[f, k, 2] = u2
            sx[f, k, 3] = u3
            sx[f, k, 4] = u4
            sx[f, k, 5] = u5
            sx[f, k, 6] = u6
            sx[f, k, 7] = u7
            sxx[f, k, 0] = v0
            sxx[f, k, 1] = v1
            sxx[f, k, 2] = v2
            sxx[f, k, 3] = v3
            sxx[f, k, 4] = v4
            sxx[f, k, 5] = v5
            sxx[f, k, 6] = v6
            sxx[f, k, 7] = v7


@njit(cache=True, inline="always", fastmath=_CONTRACT)
def _xi_steps(xacc, xa, fS, fm, hi, n):
    """``xacc[i, j, b] += xa[s, i, b] fS[hi - s + 1, j, b]`` for ``s = 0 .. n - 1`` in that
    order (backward steps ``hi, hi - 1, ...``), lanes written out. Tiles of 4 x 4 entries
    stay in registers over the ``n`` steps: 8 loads per 16 multiply-adds, where one step
    at a time loaded and stored ``xacc`` for each multiply-add."""
    K = xacc.shape[0]
    i = 0
    while i + 4 <= K:
        j = 0
        while j + 4 <= K:
            u00_0 = xacc[i, j, 0]
            u00_1 = xacc[i, j, 1]
            u00_2 = xacc[i, j, 2]
            u00_3 = xacc[i, j, 3]
            u00_4 = xacc[i, j, 4]
            u00_5 = xacc[i, j, 5]
            u00_6 = xacc[i, j, 6]
            u00_7 = xacc[i, j, 7]
            u01_0 = xacc[i, j + 1, 0]
            u01_1 = xacc[i, j + 1, 1]
            u01_2 = xacc[i, j + 1, 2]
            u01_3 = xacc[i, j + 1, 3]
            u01_4 = xacc[i, j + 1, 4]
            u01_5 = xacc[i, j + 1, 5]
            u01_6 = xacc[i, j + 1, 6]
            u01_7 = xacc[i, j + 1, 7]
            u02_0 = xacc[i, j + 2, 0]
            u02_1 = xacc[i, j + 2, 1]
            u02_2 = xacc[i, j + 2, 2]
            u02_3 = xacc[i, j + 2, 3]
            u02_4 = xacc[i, j + 2, 4]
            u02_5 = xacc[i, j + 2, 5]
            u02_6 = xacc[i, j + 2, 6]
            u02_7 = xacc[i, j + 2, 7]
            u03_0 = xacc[i, j + 3, 0]
            u03_1 = xacc[i, j + 3, 1]
            u03_2 = xacc[i, j + 3, 2]
            u03_3 = xacc[i, j + 3, 3]
            u03_4 = xacc[i, j + 3, 4]
            u03_5 = xacc[i, j + 3, 5]
            u03_6 = xacc[i, j + 3, 6]
            u03_7 = xacc[i, j + 3, 7]
            u10_0 = xacc[i + 1, j, 0]
            u10_1 = xacc[i + 1, j, 1]
            u10_2 = xacc[i + 1, j, 2]
            u10_3 = xacc[i + 1, j, 3]
            u10_4 = xacc[i + 1, j, 4]
            u10_5 = xacc[i + 1, j, 5]
            u10_6 = xacc[i + 1, j, 6]
            u10_7 = xacc[i + 1, j, 7]
            u11_0 = xacc[i + 1, j + 1, 0]
            u11_1 = xacc[i + 1, j + 1, 1]
            u11_2 = xacc[i + 1, j + 1, 2]
            u11_3 = xacc[i + 1, j + 1, 3]
            u11_4 = xacc[i + 1, j + 1, 4]
            u11_5 = xacc[i + 1, j + 1, 5]
            u11_6 = xacc[i + 1, j + 1, 6]
            u11_7 = xacc[i + 1, j + 1, 7]
            u12_0 = xacc[i + 1, j + 2, 0]
            u12_1 = xacc[i + 1, j + 2, 1]
            u12_2 = xacc[i + 1, j + 2, 2]
            u12_3 = xacc[i + 1, j + 2, 3]
            u12_4 = xacc[i + 1, j + 2, 4]
            u12_5 = xacc[i + 1, j + 2, 5]
            u12_6 = xacc[i + 1, j + 2, 6]
            u12_7 = xacc[i + 1, j + 2, 7]
            u13_0 = xacc[i + 1, j + 3, 0]
            u13_1 = xacc[i + 1, j + 3, 1]
            u13_2 = xacc[i + 1, j + 3, 2]
            u13_3 = xacc[i + 1, j + 3, 3]
            u13_4 = xacc[i + 1, j + 3, 4]
            u13_5 = xacc[i + 1, j + 3, 5]
            u13_6 = xacc[i + 1, j + 3, 6]
            u13_7 = xacc[i + 1, j + 3, 7]
            u20_0 = xacc[i + 2, j, 0]
            u20_1 = xacc[i + 2, j, 1]
            u20_2 = xacc[i + 2, j, 2]
            u20_3 = xacc[i + 2, j, 3]
            u20_4 = xacc[i + 2, j, 4]
            u20_5 = xacc[i + 2, j, 5]
            u20_6 = xacc[i + 2, j, 6]
            u20_7 = xacc[i + 2, j, 7]
            u21_0 = xacc[i + 2, j + 1, 0]
            u21_1 = xacc[i + 2, j + 1, 1]
            u21_2 = xacc[i + 2, j + 1, 2]
            u21_3 = xacc[i + 2, j + 1, 3]
            u21_4 = xacc[i + 2, j + 1, 4]
            u21_5 = xacc[i + 2, j + 1, 5]
            u21_6 = xacc[i + 2, j + 1, 6]
            u21_7 = xacc[i + 2, j + 1, 7]
            u22_0 = xacc[i + 2, j + 2, 0]
            u22_1 = xacc[i + 2, j + 2, 1]
            u22_2 = xacc[i + 2, j + 2, 2]
            u22_3 = xacc[i + 2, j + 2, 3]
            u22_4 = xacc[i + 2, j + 2, 4]
            u22_5 = xacc[i + 2, j + 2, 5]
            u22_6 = xacc[i + 2, j + 2, 6]
            u22_7 = xacc[i + 2, j + 2, 7]
            u23_0 = xacc[i + 2, j + 3, 0]
            u23_1 = xacc[i + 2, j + 3, 1]
            u23_2 = xacc[i + 2, j + 3, 2]
            u23_3 = xacc[i + 2, j + 3, 3]
            u23_4 = xacc[i + 2, j + 3, 4]
            u23_5 = xacc[i + 2, j + 3, 5]
            u23_6 = xacc[i + 2, j + 3, 6]
            u23_7 = xacc[i + 2, j + 3, 7]
            u30_0 = xacc[i + 3, j, 0]
            u30_1 = xacc[i + 3, j, 1]
            u30_2 = xacc[i + 3, j, 2]
            u30_3 = xacc[i + 3, j, 3]
            u30_4 = xacc[i + 3, j, 4]
            u30_5 = xacc[i + 3, j, 5]
            u30_6 = xacc[i + 3, j, 6]
            u30_7 = xacc[i + 3, j, 7]
            u31_0 = xacc[i + 3, j + 1, 0]
            u31_1 = xacc[i + 3, j + 1, 1]
            u31_2 = xacc[i + 3, j + 1, 2]
            u31_3 = xacc[i + 3, j + 1, 3]
            u31_4 = xacc[i + 3, j + 1, 4]
            u31_5 = xacc[i + 3, j + 1, 5]
            u31_6 = xacc[i + 3, j + 1, 6]
            u31_7 = xacc[i + 3, j + 1, 7]
            u32_0 = xacc[i + 3, j + 2, 0]
            u32_1 = xacc[i + 3, j + 2, 1]
            u32_2 = xacc[i + 3, j + 2, 2]
            u32_3 = xacc[i + 3, j + 2, 3]
            u32_4 = xacc[i + 3, j + 2, 4]
            u32_5 = xacc[i + 3, j + 2, 5]
            u32_6 = xacc[i + 3, j + 2, 6]
            u32_7 = xacc[i + 3, j + 2, 7]
            u33_0 = xacc[i + 3, j + 3, 0]
            u33_1 = xacc[i + 3, j + 3, 1]
            u33_2 = xacc[i + 3, j + 3, 2]
            u33_3 = xacc[i + 3, j + 3, 3]
            u33_4 = xacc[i + 3, j + 3, 4]
            u33_5 = xacc[i + 3, j + 3, 5]
            u33_6 = xacc[i + 3, j + 3, 6]
            u33_7 = xacc[i + 3, j + 3, 7]
            for s in range(n):
                r = (hi - s + 1) & fm
                a0_0 = xa[s, i, 0]
                a0_1 = xa[s, i, 1]
                a0_2 = xa[s, i, 2]
                a0_3 = xa[s, i, 3]
                a0_4 = xa[s, i, 4]
                a0_5 = xa[s, i, 5]
                a0_6 = xa[s, i, 6]
                a0_7 = xa[s, i, 7]
                a1_0 = xa[s, i + 1, 0]
                a1_1 = xa[s, i + 1, 1]
                a1_2 = xa[s, i + 1, 2]
                a1_3 = xa[s, i + 1, 3]
                a1_4 = xa[s, i + 1, 4]
                a1_5 = xa[s, i + 1, 5]
                a1_6 = xa[s, i + 1, 6]
                a1_7 = xa[s, i + 1, 7]
                a2_0 = xa[s, i + 2, 0]
                a2_1 = xa[s, i + 2, 1]
                a2_2 = xa[s, i + 2, 2]
                a2_3 = xa[s, i + 2, 3]
                a2_4 = xa[s, i + 2, 4]
                a2_5 = xa[s, i + 2, 5]
                a2_6 = xa[s, i + 2, 6]
                a2_7 = xa[s, i + 2, 7]
                a3_0 = xa[s, i + 3, 0]
                a3_1 = xa[s, i + 3, 1]
                a3_2 = xa[s, i + 3, 2]
                a3_3 = xa[s, i + 3, 3]
                a3_4 = xa[s, i + 3, 4]
                a3_5 = xa[s, i + 3, 5]
                a3_6 = xa[s, i + 3, 6]
                a3_7 = xa[s, i + 3, 7]
                f0_0 = fS[r, j, 0]
                f0_1 = fS[r, j, 1]
                f0_2 = fS[r, j, 2]
                f0_3 = fS[r, j, 3]
                f0_4 = fS[r, j, 4]
                f0_5 = fS[r, j, 5]
                f0_6 = fS[r, j, 6]
                f0_7 = fS[r, j, 7]
                f1_0 = fS[r, j + 1, 0]
                f1_1 = fS[r, j + 1, 1]
                f1_2 = fS[r, j + 1, 2]
                f1_3 = fS[r, j + 1, 3]
                f1_4 = fS[r, j + 1, 4]
                f1_5 = fS[r, j + 1, 5]
                f1_6 = fS[r, j + 1, 6]
                f1_7 = fS[r, j + 1, 7]
                f2_0 = fS[r, j + 2, 0]
                f2_1 = fS[r, j + 2, 1]
                f2_2 = fS[r, j + 2, 2]
                f2_3 = fS[r, j + 2, 3]
                f2_4 = fS[r, j + 2, 4]
                f2_5 = fS[r, j + 2, 5]
                f2_6 = fS[r, j + 2, 6]
                f2_7 = fS[r, j + 2, 7]
                f3_0 = fS[r, j + 3, 0]
                f3_1 = fS[r, j + 3, 1]
                f3_2 = fS[r, j + 3, 2]
                f3_3 = fS[r, j + 3, 3]
                f3_4 = fS[r, j + 3, 4]
                f3_5 = fS[r, j + 3, 5]
                f3_6 = fS[r, j + 3, 6]
                f3_7 = fS[r, j + 3, 7]
                u00_0 += a0_0 * f0_0
                u00_1 += a0_1 * f0_1
                u00_2 += a0_2 * f0_2
                u00_3 += a0_3 * f0_3
                u00_4 += a0_4 * f0_4
                u00_5 += a0_5 * f0_5
                u00_6 += a0_6 * f0_6
                u00_7 += a0_7 * f0_7
                u01_0 += a0_0 * f1_0
                u01_1 += a0_1 * f1_1
                u01_2 += a0_2 * f1_2
                u01_3 += a0_3 * f1_3
                u01_4 += a0_4 * f1_4
                u01_5 += a0_5 * f1_5
                u01_6 += a0_6 * f1_6
                u01_7 += a0_7 * f1_7
                u02_0 += a0_0 * f2_0
                u02_1 += a0_1 * f2_1
                u02_2 += a0_2 * f2_2
                u02_3 += a0_3 * f2_3
                u02_4 += a0_4 * f2_4
                u02_5 += a0_5 * f2_5
                u02_6 += a0_6 * f2_6
                u02_7 += a0_7 * f2_7
                u03_0 += a0_0 * f3_0
                u03_1 += a0_1 * f3_1
                u03_2 += a0_2 * f3_2
                u03_3 += a0_3 * f3_3
                u03_4 += a0_4 * f3_4
                u03_5 += a0_5 * f3_5
                u03_6 += a0_6 * f3_6
                u03_7 += a0_7 * f3_7
                u10_0 += a1_0 * f0_0
                u10_1 += a1_1 * f0_1
                u10_2 += a1_2 * f0_2
                u10_3 += a1_3 * f0_3
                u10_4 += a1_4 * f0_4
                u10_5 += a1_5 * f0_5
                u10_6 += a1_6 * f0_6
                u10_7 += a1_7 * f0_7
                u11_0 += a1_0 * f1_0
                u11_1 += a1_1 * f1_1
                u11_2 += a1_2 * f1_2
                u11_3 += a1_3 * f1_3
                u11_4 += a1_4 * f1_4
                u11_5 += a1_5 * f1_5
                u11_6 += a1_6 * f1_6
                u11_7 += a1_7 * f1_7
                u12_0 += a1_0 * f2_0
                u12_1 += a1_1 * f2_1
                u12_2 += a1_2 * f2_2
                u12_3 += a1_3 * f2_3
                u12_4 += a1_4 * f2_4
                u12_5 += a1_5 * f2_5
                u12_6 += a1_6 * f2_6
                u12_7 += a1_7 * f2_7
                u13_0 += a1_0 * f3_0
                u13_1 += a1_1 * f3_1
                u13_2 += a1_2 * f3_2
                u13_3 += a1_3 * f3_3
                u13_4 += a1_4 * f3_4
                u13_5 += a1_5 * f3_5
                u13_6 += a1_6 * f3_6
                u13_7 += a1_7 * f3_7
                u20_0 += a2_0 * f0_0
                u20_1 += a2_1 * f0_1
                u20_2 += a2_2 * f0_2
                u20_3 += a2_3 * f0_3
                u20_4 += a2_4 * f0_4
                u20_5 += a2_5 * f0_5
                u20_6 += a2_6 * f0_6
                u20_7 += a2_7 * f0_7
                u21_0 += a2_0 * f1_0
                u21_1 += a2_1 * f1_1
                u21_2 += a2_2 * f1_2
                u21_3 += a2_3 * f1_3
                u21_4 += a2_4 * f1_4
                u21_5 += a2_5 * f1_5
                u21_6 += a2_6 * f1_6
                u21_7 += a2_7 * f1_7
                u22_0 += a2_0 * f2_0
                u22_1 += a2_1 * f2_1
                u22_2 += a2_2 * f2_2
                u22_3 += a2_3 * f2_3
                u22_4 += a2_4 * f2_4
                u22_5 += a2_5 * f2_5
                u22_6 += a2_6 * f2_6
                u22_7 += a2_7 * f2_7
                u23_0 += a2_0 * f3_0
                u23_1 += a2_1 * f3_1
                u23_2 += a2_2 * f3_2
                u23_3 += a2_3 * f3_3
                u23_4 += a2_4 * f3_4
                u23_5 += a2_5 * f3_5
                u23_6 += a2_6 * f3_6
                u23_7 += a2_7 * f3_7
                u30_0 += a3_0 * f0_0
                u30_1 += a3_1 * f0_1
                u30_2 += a3_2 * f0_2
                u30_3 += a3_3 * f0_3
                u30_4 += a3_4 * f0_4
                u30_5 += a3_5 * f0_5
                u30_6 += a3_6 * f0_6
                u30_7 += a3_7 * f0_7
                u31_0 += a3_0 * f1_0
                u31_1 += a3_1 * f1_1
                u31_2 += a3_2 * f1_2
                u31_3 += a3_3 * f1_3
                u31_4 += a3_4 * f1_4
                u31_5 += a3_5 * f1_5
                u31_6 += a3_6 * f1_6
                u31_7 += a3_7 * f1_7
                u32_0 += a3_0 * f2_0
                u32_1 += a3_1 * f2_1
                u32_2 += a3_2 * f2_2
                u32_3 += a3_3 * f2_3
                u32_4 += a3_4 * f2_4
                u32_5 += a3_5 * f2_5
                u32_6 += a3_6 * f2_6
                u32_7 += a3_7 * f2_7
                u33_0 += a3_0 * f3_0
                u33_1 += a3_1 * f3_1
                u33_2 += a3_2 * f3_2
                u33_3 += a3_3 * f3_3
                u33_4 += a3_4 * f3_4
                u33_5 += a3_5 * f3_5
                u33_6 += a3_6 * f3_6
                u33_7 += a3_7 * f3_7
            xacc[i, j, 0] = u00_0
            xacc[i, j, 1] = u00_1
            xacc[i, j, 2] = u00_2
            xacc[i, j, 3] = u00_3
            xacc[i, j, 4] = u00_4
            xacc[i, j, 5] = u00_5
            xacc[i, j, 6] = u00_6
            xacc[i, j, 7] = u00_7
            xacc[i, j + 1, 0] = u01_0
            xacc[i, j + 1, 1] = u01_1
            xacc[i, j + 1, 2] = u01_2
            xacc[i, j + 1, 3] = u01_3
            xacc[i, j + 1, 4] = u01_4
            xacc[i, j + 1, 5] = u01_5
            xacc[i, j + 1, 6] = u01_6
            xacc[i, j + 1, 7] = u01_7
            xacc[i, j + 2, 0] = u02_0
            xacc[i, j + 2, 1] = u02_1
            xacc[i, j + 2, 2] = u02_2
            xacc[i, j + 2, 3] = u02_3
            xacc[i, j + 2, 4] = u02_4
            xacc[i, j + 2, 5] = u02_5
            xacc[i, j + 2, 6] = u02_6
            xacc[i, j + 2, 7] = u02_7
            xacc[i, j + 3, 0] = u03_0
            xacc[i, j + 3, 1] = u03_1
            xacc[i, j + 3, 2] = u03_2
            xacc[i, j + 3, 3] = u03_3
            xacc[i, j + 3, 4] = u03_4
            xacc[i, j + 3, 5] = u03_5
            xacc[i, j + 3, 6] = u03_6
            xacc[i, j + 3, 7] = u03_7
            xacc[i + 1, j, 0] = u10_0
            xacc[i + 1, j, 1] = u10_1
            xacc[i + 1, j, 2] = u10_2
            xacc[i + 1, j, 3] = u10_3
            xacc[i + 1, j, 4] = u10_4
            xacc[i + 1, j, 5] = u10_5
            xacc[i + 1, j, 6] = u10_6
            xacc[i + 1, j, 7] = u10_7
            xacc[i + 1, j + 1, 0] = u11_0
            xacc[i + 1, j + 1, 1] = u11_1
            xacc[i + 1, j + 1, 2] = u11_2
            xacc[i + 1, j + 1, 3] = u11_3
            xacc[i + 1, j + 1, 4] = u11_4
            xacc[i + 1, j + 1, 5] = u11_5
            xacc[i + 1, j + 1, 6] = u11_6
            xacc[i + 1, j + 1, 7] = u11_7
            xacc[i + 1, j + 2, 0] = u12_0
            xacc[i + 1, j + 2, 1] = u12_1
            xacc[i + 1, j + 2, 2] = u12_2
            xacc[i + 1, j + 2, 3] = u12_3
            xacc[i + 1, j + 2, 4] = u12_4
            xacc[i + 1, j + 2, 5] = u12_5
            xacc[i + 1, j + 2, 6] = u12_6
            xacc[i + 1, j + 2, 7] = u12_7
            xacc[i + 1, j + 3, 0] = u13_0
            xacc[i + 1, j + 3, 1] = u13_1
            xacc[i + 1, j + 3, 2] = u13_2
            xacc[i + 1, j + 3, 3] = u13_3
            xacc[i + 1, j + 3, 4] = u13_4
            xacc[i + 1, j + 3, 5] = u13_5
            xacc[i + 1, j + 3, 6] = u13_6
            xacc[i + 1, j + 3, 7] = u13_7
            xacc[i + 2, j, 0] = u20_0
            xacc[i + 2, j, 1] = u20_1
            xacc[i + 2, j, 2] = u20_2
            xacc[i + 2, j, 3] = u20_3
            xacc[i + 2, j, 4] = u20_4
            xacc[i + 2, j, 5] = u20_5
            xacc[i + 2, j, 6] = u20_6
            xacc[i + 2, j, 7] = u20_7
            xacc[i + 2, j + 1, 0] = u21_0
            xacc[i + 2, j + 1, 1] = u21_1
            xacc[i + 2, j + 1, 2] = u21_2
            xacc[i + 2, j + 1, 3] = u21_3
            xacc[i + 2, j + 1, 4] = u21_4
            xacc[i + 2, j + 1, 5] = u21_5
            xacc[i + 2, j + 1, 6] = u21_6
            xacc[i + 2, j + 1, 7] = u21_7
            xacc[i + 2, j + 2, 0] = u22_0
            xacc[i + 2, j + 2, 1] = u22_1
            xacc[i + 2, j + 2, 2] = u22_2
            xacc[i + 2, j + 2, 3] = u22_3
            xacc[i + 2, j + 2, 4] = u22_4
            xacc[i + 2, j + 2, 5] = u22_5
            xacc[i + 2, j + 2, 6] = u22_6
            xacc[i + 2, j + 2, 7] = u22_7
            xacc[i + 2, j + 3, 0] = u23_0
            xacc[i + 2, j + 3, 1] = u23_1
            xacc[i + 2, j + 3, 2] = u23_2
            xacc[i + 2, j + 3, 3] = u23_3
            xacc[i + 2, j + 3, 4] = u23_4
            xacc[i + 2, j + 3, 5] = u23_5
            xacc[i + 2, j + 3, 6] = u23_6
            xacc[i + 2, j + 3, 7] = u23_7
            xacc[i + 3, j, 0] = u30_0
            xacc[i + 3, j, 1] = u30_1
            xacc[i + 3, j, 2] = u30_2
            xacc[i + 3, j, 3] = u30_3
            xacc[i + 3, j, 4] = u30_4
            xacc[i + 3, j, 5] = u30_5
            xacc[i + 3, j, 6] = u30_6
            xacc[i + 3, j, 7] = u30_7
            xacc[i + 3, j + 1, 0] = u31_0
            xacc[i + 3, j + 1, 1] = u31_1
            xacc[i + 3, j + 1, 2] = u31_2
            xacc[i + 3, j + 1, 3] = u31_3
            xacc[i + 3, j + 1, 4] = u31_4
            xacc[i + 3, j + 1, 5] = u31_5
            xacc[i + 3, j + 1, 6] = u31_6
            xacc[i + 3, j + 1, 7] = u31_7
            xacc[i + 3, j + 2, 0] = u32_0
            xacc[i + 3, j + 2, 1] = u32_1
            xacc[i + 3, j + 2, 2] = u32_2
            xacc[i + 3, j + 2, 3] = u32_3
            xacc[i + 3, j + 2, 4] = u32_4
            xacc[i + 3, j + 2, 5] = u32_5
            xacc[i + 3, j + 2, 6] = u32_6
            xacc[i + 3, j + 2, 7] = u32_7
            xacc[i + 3, j + 3, 0] = u33_0
            xacc[i + 3, j + 3, 1] = u33_1
            xacc[i + 3, j + 3, 2] = u33_2
            xacc[i + 3, j + 3, 3] = u33_3
            xacc[i + 3, j + 3, 4] = u33_4
            xacc[i + 3, j + 3, 5] = u33_5
            xacc[i + 3, j + 3, 6] = u33_6
            xacc[i + 3, j + 3, 7] = u33_7
            j += 4
        i += 4
    # entries outside the 4 x 4 tiles (K not a multiple of 4), one at a time
    for i in range(K):
        j0 = K - K % 4 if i < K - K % 4 else 0
        for j in range(j0, K):
            u0 = xacc[i, j, 0]
            u1 = xacc[i, j, 1]
            u2 = xacc[i, j, 2]
            u3 = xacc[i, j, 3]
            u4 = xacc[i, j, 4]
            u5 = xacc[i, j, 5]
            u6 = xacc[i, j, 6]
            u7 = xacc[i, j, 7]
            for s in range(n):
                u0 += xa[s, i, 0] * fS[(hi - s + 1) & fm, j, 0]
                u1 += xa[s, i, 1] * fS[(hi - s + 1) & fm, j, 1]
                u2 += xa[s, i, 2] * fS[(hi - s + 1) & fm, j, 2]
                u3 += xa[s, i, 3] * fS[(hi - s + 1) & fm, j, 3]
                u4 += xa[s, i, 4] * fS[(hi - s + 1) & fm, j, 4]
                u5 += xa[s, i, 5] * fS[(hi - s + 1) & fm, j, 5]
                u6 += xa[s, i, 6] * fS[(hi - s + 1) & fm, j, 6]
                u7 += xa[s, i, 7] * fS[(hi - s + 1) & fm, j, 7]
            xacc[i, j, 0] = u0
            xacc[i, j, 1] = u1
            xacc[i, j, 2] = u2
            xacc[i, j, 3] = u3
            xacc[i, j, 4] = u4
            xacc[i, j, 5] = u5
            xacc[i, j, 6] = u6
            xacc[i, j, 7] = u7


@njit(cache=True, inline="always", fastmath=_CONTRACT)
def _vecmat_soa(src, t, M, out):
    """``out[:, b] = src[t, :, b] @ M`` for every lane ``b``: each output is one chain
    of multiply-adds over ``i`` ascending (``o = fma(src[i], M[i, j], o)``). Lanes are
    written out as scalar accumulators held over the sum (stores only at the end), so
    LLVM vectorises them across lanes; eight outputs share each load of a row of ``src``
    and keep eight chains in flight (a sum in pairs, e.g. ``(w a0 + x a1) + (y a2 + z
    a3)``, took six operations per four products instead of four). The eight
    entries of ``M`` a step reads are contiguous, so their addresses are one base
    register and constant offsets."""
    K = out.shape[0]
    j = 0
    while j + 8 <= K:
        o0_0 = 0.0
        o0_1 = 0.0
        o0_2 = 0.0
        o0_3 = 0.0
        o0_4 = 0.0
        o0_5 = 0.0
        o0_6 = 0.0
        o0_7 = 0.0
        o1_0 = 0.0
        o1_1 = 0.0
        o1_2 = 0.0
        o1_3 = 0.0
        o1_4 = 0.0
        o1_5 = 0.0
        o1_6 = 0.0
        o1_7 = 0.0
        o2_0 = 0.0
        o2_1 = 0.0
        o2_2 = 0.0
        o2_3 = 0.0
        o2_4 = 0.0
        o2_5 = 0.0
        o2_6 = 0.0
        o2_7 = 0.0
        o3_0 = 0.0
        o3_1 = 0.0
        o3_2 = 0.0
        o3_3 = 0.0
        o3_4 = 0.0
        o3_5 = 0.0
        o3_6 = 0.0
        o3_7 = 0.0
        o4_0 = 0.0
        o4_1 = 0.0
        o4_2 = 0.0
        o4_3 = 0.0
        o4_4 = 0.0
        o4_5 = 0.0
        o4_6 = 0.0
        o4_7 = 0.0
        o5_0 = 0.0
        o5_1 = 0.0
        o5_2 = 0.0
        o5_3 = 0.0
        o5_4 = 0.0
        o5_5 = 0.0
        o5_6 = 0.0
        o5_7 = 0.0
        o6_0 = 0.0
        o6_1 = 0.0
        o6_2 = 0.0
        o6_3 = 0.0
        o6_4 = 0.0
        o6_5 = 0.0
        o6_6 = 0.0
        o6_7 = 0.0
        o7_0 = 0.0
        o7_1 = 0.0
        o7_2 = 0.0
        o7_3 = 0.0
        o7_4 = 0.0
        o7_5 = 0.0
        o7_6 = 0.0
        o7_7 = 0.0
        for i in range(K):
            m0 = M[i, j]
            m1 = M[i, j + 1]
            m2 = M[i, j + 2]
            m3 = M[i, j + 3]
            m4 = M[i, j + 4]
            m5 = M[i, j + 5]
            m6 = M[i, j + 6]
            m7 = M[i, j + 7]
            w0 = src[t, i, 0]
            w1 = src[t, i, 1]
            w2 = src[t, i, 2]
            w3 = src[t, i, 3]
            w4 = src[t, i, 4]
            w5 = src[t, i, 5]
            w6 = src[t, i, 6]
            w7 = src[t, i, 7]
            o0_0 += w0 * m0
            o0_1 += w1 * m0
            o0_2 += w2 * m0
            o0_3 += w3 * m0
            o0_4 += w4 * m0
            o0_5 += w5 * m0
            o0_6 += w6 * m0
            o0_7 += w7 * m0
            o1_0 += w0 * m1
            o1_1 += w1 * m1
            o1_2 += w2 * m1
            o1_3 += w3 * m1
            o1_4 += w4 * m1
            o1_5 += w5 * m1
            o1_6 += w6 * m1
            o1_7 += w7 * m1
            o2_0 += w0 * m2
            o2_1 += w1 * m2
            o2_2 += w2 * m2
            o2_3 += w3 * m2
            o2_4 += w4 * m2
            o2_5 += w5 * m2
            o2_6 += w6 * m2
            o2_7 += w7 * m2
            o3_0 += w0 * m3
            o3_1 += w1 * m3
            o3_2 += w2 * m3
            o3_3 += w3 * m3
            o3_4 += w4 * m3
            o3_5 += w5 * m3
            o3_6 += w6 * m3
            o3_7 += w7 * m3
            o4_0 += w0 * m4
            o4_1 += w1 * m4
            o4_2 += w2 * m4
            o4_3 += w3 * m4
            o4_4 += w4 * m4
            o4_5 += w5 * m4
            o4_6 += w6 * m4
            o4_7 += w7 * m4
            o5_0 += w0 * m5
            o5_1 += w1 * m5
            o5_2 += w2 * m5
            o5_3 += w3 * m5
            o5_4 += w4 * m5
            o5_5 += w5 * m5
            o5_6 += w6 * m5
            o5_7 += w7 * m5
            o6_0 += w0 * m6
            o6_1 += w1 * m6
            o6_2 += w2 * m6
            o6_3 += w3 * m6
            o6_4 += w4 * m6
            o6_5 += w5 * m6
            o6_6 += w6 * m6
            o6_7 += w7 * m6
            o7_0 += w0 * m7
            o7_1 += w1 * m7
            o7_2 += w2 * m7
            o7_3 += w3 * m7
            o7_4 += w4 * m7
            o7_5 += w5 * m7
            o7_6 += w6 * m7
            o7_7 += w7 * m7
        out[j, 0] = o0_0
        out[j, 1] = o0_1
        out[j, 2] = o0_2
        out[j, 3] = o0_3
        out[j, 4] = o0_4
        out[j, 5] = o0_5
        out[j, 6] = o0_6
        out[j, 7] = o0_7
        out[j + 1, 0] = o1_0
        out[j + 1, 1] = o1_1
        out[j + 1, 2] = o1_2
        out[j + 1, 3] = o1_3
        out[j + 1, 4] = o1_4
        out[j + 1, 5] = o1_5
        out[j + 1, 6] = o1_6
        out[j + 1, 7] = o1_7
        out[j + 2, 0] = o2_0
        out[j + 2, 1] = o2_1
        out[j + 2, 2] = o2_2
        out[j + 2, 3] = o2_3
        out[j + 2, 4] = o2_4
        out[j + 2, 5] = o2_5
        out[j + 2, 6] = o2_6
        out[j + 2, 7] = o2_7
        out[j + 3, 0] = o3_0
        out[j + 3, 1] = o3_1
        out[j + 3, 2] = o3_2
        out[j + 3, 3] = o3_3
        out[j + 3, 4] = o3_4
        out[j + 3, 5] = o3_5
        out[j + 3, 6] = o3_6
        out[j + 3, 7] = o3_7
        out[j + 4, 0] = o4_0
        out[j + 4, 1] = o4_1
        out[j + 4, 2] = o4_2
        out[j + 4, 3] = o4_3
        out[j + 4, 4] = o4_4
        out[j + 4, 5] = o4_5
        out[j + 4, 6] = o4_6
        out[j + 4, 7] = o4_7
        out[j + 5, 0] = o5_0
        out[j + 5, 1] = o5_1
        out[j + 5, 2] = o5_2
        out[j + 5, 3] = o5_3
        out[j + 5, 4] = o5_4
        out[j + 5, 5] = o5_5
        out[j + 5, 6] = o5_6
        out[j + 5, 7] = o5_7
        out[j + 6, 0] = o6_0
        out[j + 6, 1] = o6_1
        out[j + 6, 2] = o6_2
        out[j + 6, 3] = o6_3
        out[j + 6, 4] = o6_4
        out[j + 6, 5] = o6_5
        out[j + 6, 6] = o6_6
        out[j + 6, 7] = o6_7
        out[j + 7, 0] = o7_0
        out[j + 7, 1] = o7_1
        out[j + 7, 2] = o7_2
        out[j + 7, 3] = o7_3
        out[j + 7, 4] = o7_4
        out[j + 7, 5] = o7_5
        out[j + 7, 6] = o7_6
        out[j + 7, 7] = o7_7
        j += 8
    while j + 4 <= K:
        o0_0 = 0.0
        o0_1 = 0.0
        o0_2 = 0.0
        o0_3 = 0.0
        o0_4 = 0.0
        o0_5 = 0.0
        o0_6 = 0.0
        o0_7 = 0.0
        o1_0 = 0.0
        o1_1 = 0.0
        o1_2 = 0.0
        o1_3 = 0.0
        o1_4 = 0.0
        o1_5 = 0.0
        o1_6 = 0.0
        o1_7 = 0.0
        o2_0 = 0.0
        o2_1 = 0.0
        o2_2 = 0.0
        o2_3 = 0.0
        o2_4 = 0.0
        o2_5 = 0.0
        o2_6 = 0.0
        o2_7 = 0.0
        o3_0 = 0.0
        o3_1 = 0.0
        o3_2 = 0.0
        o3_3 = 0.0
        o3_4 = 0.0
        o3_5 = 0.0
        o3_6 = 0.0
        o3_7 = 0.0
        for i in range(K):
            m0 = M[i, j]
            m1 = M[i, j + 1]
            m2 = M[i, j + 2]
            m3 = M[i, j + 3]
            w0 = src[t, i, 0]
            w1 = src[t, i, 1]
            w2 = src[t, i, 2]
            w3 = src[t, i, 3]
            w4 = src[t, i, 4]
            w5 = src[t, i, 5]
            w6 = src[t, i, 6]
            w7 = src[t, i, 7]
            o0_0 += w0 * m0
            o0_1 += w1 * m0
            o0_2 += w2 * m0
            o0_3 += w3 * m0
            o0_4 += w4 * m0
            o0_5 += w5 * m0
            o0_6 += w6 * m0
            o0_7 += w7 * m0
            o1_0 += w0 * m1
            o1_1 += w1 * m1
            o1_2 += w2 * m1
            o1_3 += w3 * m1
            o1_4 += w4 * m1
            o1_5 += w5 * m1
            o1_6 += w6 * m1
            o1_7 += w7 * m1
            o2_0 += w0 * m2
            o2_1 += w1 * m2
            o2_2 += w2 * m2
            o2_3 += w3 * m2
            o2_4 += w4 * m2
            o2_5 += w5 * m2
            o2_6 += w6 * m2
            o2_7 += w7 * m2
            o3_0 += w0 * m3
            o3_1 += w1 * m3
            o3_2 += w2 * m3
            o3_3 += w3 * m3
            o3_4 += w4 * m3
            o3_5 += w5 * m3
            o3_6 += w6 * m3
            o3_7 += w7 * m3
        out[j, 0] = o0_0
        out[j, 1] = o0_1
        out[j, 2] = o0_2
        out[j, 3] = o0_3
        out[j, 4] = o0_4
        out[j, 5] = o0_5
        out[j, 6] = o0_6
        out[j, 7] = o0_7
        out[j + 1, 0] = o1_0
        out[j + 1, 1] = o1_1
        out[j + 1, 2] = o1_2
        out[j + 1, 3] = o1_3
        out[j + 1, 4] = o1_4
        out[j + 1, 5] = o1_5
        out[j + 1, 6] = o1_6
        out[j + 1, 7] = o1_7
        out[j + 2, 0] = o2_0
        out[j + 2, 1] = o2_1
        out[j + 2, 2] = o2_2
        out[j + 2, 3] = o2_3
        out[j + 2, 4] = o2_4
        out[j + 2, 5] = o2_5
        out[j + 2, 6] = o2_6
        out[j + 2, 7] = o2_7
        out[j + 3, 0] = o3_0
        out[j + 3, 1] = o3_1
        out[j + 3, 2] = o3_2
        out[j + 3, 3] = o3_3
        out[j + 3, 4] = o3_4
        out[j + 3, 5] = o3_5
        out[j + 3, 6] = o3_6
        out[j + 3, 7] = o3_7
        j += 4
    while j < K:
        o0_0 = 0.0
        o0_1 = 0.0
        o0_2 = 0.0
        o0_3 = 0.0
        o0_4 = 0.0
        o0_5 = 0.0
        o0_6 = 0.0
        o0_7 = 0.0
        for i in range(K):
            m0 = M[i, j]
            o0_0 += src[t, i, 0] * m0
            o0_1 += src[t, i, 1] * m0
            o0_2 += src[t, i, 2] * m0
            o0_3 += src[t, i, 3] * m0
            o0_4 += src[t, i, 4] * m0
            o0_5 += src[t, i, 5] * m0
            o0_6 += src[t, i, 6] * m0
            o0_7 += src[t, i, 7] * m0
        out[j, 0] = o0_0
        out[j, 1] = o0_1
        out[j, 2] = o0_2
        out[j, 3] = o0_3
        out[j, 4] = o0_4
        out[j, 5] = o0_5
        out[j, 6] = o0_6
        out[j, 7] = o0_7
        j += 1


@njit(cache=True, inline="always", fastmath=_CONTRACT)
def _table_frames(etab, ridx, starts, last, rsel, t, fS, tf):
    """Row ``tf`` of ``fS`` (K, _BATCH) = the lanes' rows of the table ``etab`` (R, K) at
    step ``t``: a lane past its end takes its last row (``last``), whose values its benign
    frames replace. Eight states at a time, the lanes' rows transposed in registers (see
    gather_transposed8; the lanes are one register), the rest with the lanes written out."""
    K = etab.shape[1]
    rsel[0] = ridx[min(starts[0] + t, last[0])]
    rsel[1] = ridx[min(starts[1] + t, last[1])]
    rsel[2] = ridx[min(starts[2] + t, last[2])]
    rsel[3] = ridx[min(starts[3] + t, last[3])]
    rsel[4] = ridx[min(starts[4] + t, last[4])]
    rsel[5] = ridx[min(starts[5] + t, last[5])]
    rsel[6] = ridx[min(starts[6] + t, last[6])]
    rsel[7] = ridx[min(starts[7] + t, last[7])]
    k = 0
    while k + 8 <= K:
        gather_transposed8(etab, rsel, fS, tf, k)
        k += 8
    r0 = rsel[0]
    r1 = rsel[1]
    r2 = rsel[2]
    r3 = rsel[3]
    r4 = rsel[4]
    r5 = rsel[5]
    r6 = rsel[6]
    r7 = rsel[7]
    while k < K:
        v0 = etab[r0, k]
        v1 = etab[r1, k]
        v2 = etab[r2, k]
        v3 = etab[r3, k]
        v4 = etab[r4, k]
        v5 = etab[r5, k]
        v6 = etab[r6, k]
        v7 = etab[r7, k]
        fS[tf, k, 0] = v0
        fS[tf, k, 1] = v1
        fS[tf, k, 2] = v2
        fS[tf, k, 3] = v3
        fS[tf, k, 4] = v4
        fS[tf, k, 5] = v5
        fS[tf, k, 6] = v6
        fS[tf, k, 7] = v7
        k += 1


@njit(cache=True, inline="always", fastmath=_CONTRACT)
def _dot4_soa(x, Y, t, out):
    """``out[b] = _dot4(x[:, b], Y[t, :, b])`` for every lane (accumulators in locals)."""
    K = x.shape[0]
    s0_0 = s0_1 = s0_2 = s0_3 = s0_4 = s0_5 = s0_6 = s0_7 = 0.0
    s1_0 = s1_1 = s1_2 = s1_3 = s1_4 = s1_5 = s1_6 = s1_7 = 0.0
    s2_0 = s2_1 = s2_2 = s2_3 = s2_4 = s2_5 = s2_6 = s2_7 = 0.0
    s3_0 = s3_1 = s3_2 = s3_3 = s3_4 = s3_5 = s3_6 = s3_7 = 0.0
    k = 0
    while k + 4 <= K:
        s0_0 += x[k, 0] * Y[t, k, 0]
        s0_1 += x[k, 1] * Y[t, k, 1]
        s0_2 += x[k, 2] * Y[t, k, 2]
        s0_3 += x[k, 3] * Y[t, k, 3]
        s0_4 += x[k, 4] * Y[t, k, 4]
        s0_5 += x[k, 5] * Y[t, k, 5]
        s0_6 += x[k, 6] * Y[t, k, 6]
        s0_7 += x[k, 7] * Y[t, k, 7]
        s1_0 += x[k + 1, 0] * Y[t, k + 1, 0]
        s1_1 += x[k + 1, 1] * Y[t, k + 1, 1]
        s1_2 += x[k + 1, 2] * Y[t, k + 1, 2]
        s1_3 += x[k + 1, 3] * Y[t, k + 1, 3]
        s1_4 += x[k + 1, 4] * Y[t, k + 1, 4]
        s1_5 += x[k + 1, 5] * Y[t, k + 1, 5]
        s1_6 += x[k + 1, 6] * Y[t, k + 1, 6]
        s1_7 += x[k + 1, 7] * Y[t, k + 1, 7]
        s2_0 += x[k + 2, 0] * Y[t, k + 2, 0]
        s2_1 += x[k + 2, 1] * Y[t, k + 2, 1]
        s2_2 += x[k + 2, 2] * Y[t, k + 2, 2]
        s2_3 += x[k + 2, 3] * Y[t, k + 2, 3]
        s2_4 += x[k + 2, 4] * Y[t, k + 2, 4]
        s2_5 += x[k + 2, 5] * Y[t, k + 2, 5]
        s2_6 += x[k + 2, 6] * Y[t, k + 2, 6]
        s2_7 += x[k + 2, 7] * Y[t, k + 2, 7]
        s3_0 += x[k + 3, 0] * Y[t, k + 3, 0]
        s3_1 += x[k + 3, 1] * Y[t, k + 3, 1]
        s3_2 += x[k + 3, 2] * Y[t, k + 3, 2]
        s3_3 += x[k + 3, 3] * Y[t, k + 3, 3]
        s3_4 += x[k + 3, 4] * Y[t, k + 3, 4]
        s3_5 += x[k + 3, 5] * Y[t, k + 3, 5]
        s3_6 += x[k + 3, 6] * Y[t, k + 3, 6]
        s3_7 += x[k + 3, 7] * Y[t, k + 3, 7]
        k += 4
    while k < K:
        s0_0 += x[k, 0] * Y[t, k, 0]
        s0_1 += x[k, 1] * Y[t, k, 1]
        s0_2 += x[k, 2] * Y[t, k, 2]
        s0_3 += x[k, 3] * Y[t, k, 3]
        s0_4 += x[k, 4] * Y[t, k, 4]
        s0_5 += x[k, 5] * Y[t, k, 5]
        s0_6 += x[k, 6] * Y[t, k, 6]
        s0_7 += x[k, 7] * Y[t, k, 7]
        k += 1
    out[0] = (s0_0 + s1_0) + (s2_0 + s3_0)
    out[1] = (s0_1 + s1_1) + (s2_1 + s3_1)
    out[2] = (s0_2 + s1_2) + (s2_2 + s3_2)
    out[3] = (s0_3 + s1_3) + (s2_3 + s3_3)
    out[4] = (s0_4 + s1_4) + (s2_4 + s3_4)
    out[5] = (s0_5 + s1_5) + (s2_5 + s3_5)
    out[6] = (s0_6 + s1_6) + (s2_6 + s3_6)
    out[7] = (s0_7 + s1_7) + (s2_7 + s3_7)



@njit(cache=True)
def _fb_chunk_soa(pi, A, AT, guard, log_pi, log_A, src, ridx, fmode, etab, emax, offsets,
                  s0, s1, c, fbuf, abuf, sink, post, sym, X, gmT, gpT, gconst, gslots,
                  log_prob, bufs, lbufs, c_cnt, c_sw, c_sx, c_sxx, c_start):
    """Sequences ``s0:s1`` (chunk ``c``) in lockstep batches of :func:`_scaled_fb_soa`
    (the statistics sinks); results into chunk ``c``'s buffers. ``fbuf``/``abuf`` are
    the thread's work rows; fresh ones are made if they are too short."""
    L = _BATCH
    K = src.shape[1]
    # the table flushed here once (entries below _FLUSH to 0, as the per-step flush of
    # the other frame sources does) unless guarded
    etabF = _empty64(etab.size).reshape(etab.shape)
    for r in range(etab.shape[0]):
        for k in range(etab.shape[1]):
            v = etab[r, k]
            etabF[r, k] = v if guard or v >= _FLUSH else 0.0
    n_cnt = c_cnt.shape[1]
    F_d = c_sx.shape[1]
    G = gmT.shape[1]
    tmax = 1
    for s in range(s0, s1):
        if offsets[s + 1] - offsets[s] > tmax:
            tmax = offsets[s + 1] - offsets[s]
    need = L * tmax * K
    # a categorical table's frames are cheap to gather again: the backward pass does,
    # so they take a ring of _FRAME_RING rows (which stays in cache) instead of (tmax,
    # K, L) rows that leave L2 for long sequences (~9% of a K=16 E-step at T=5000);
    # fm masks a row index into the ring (-1: all rows kept)
    fm = -1
    if fmode == _FRAMES_TABLE and tmax > _FRAME_RING:
        fm = _FRAME_RING - 1
    fS = _lines_of(fbuf, need if fm < 0 else _FRAME_RING * K * L).reshape(
        (tmax if fm < 0 else _FRAME_RING, K, L))
    aS = _lines_of(abuf, need).reshape((tmax, K, L))
    xacc = _empty64(K * K * L).reshape((K, K, L))
    starts = np.zeros(L, dtype=np.int64)
    lens = np.zeros(L, dtype=np.int64)
    lp = np.zeros(L)
    ok = np.zeros(L, dtype=np.bool_)
    b_cnt = _empty64(L * (n_cnt + 1) * K).reshape((L, n_cnt + 1, K))   # a spare row: see
    b_sw = _empty64(K * L).reshape((K, L))                               # _scaled_fb_soa
    b_sx = _empty64(F_d * K * L).reshape((F_d, K, L))
    b_sxx = _empty64(F_d * K * L).reshape((F_d, K, L))
    b_start = _empty64(K * L).reshape((K, L))
    gacc = np.empty(G)
    T_x = tmax if fmode == _FRAMES_DIAG or sink == _SINK_DIAG else 0
    xS = _empty64(T_x * X.shape[1] * L).reshape((T_x, X.shape[1], L))
    for sb in range(s0, s1, L):
        B = min(L, s1 - sb)
        for b in range(L):
            if b < B:
                starts[b] = offsets[sb + b]
                lens[b] = offsets[sb + b + 1] - offsets[sb + b]
            else:
                starts[b] = 0
                lens[b] = 0
        _scaled_fb_soa(pi, A, AT, src, ridx, fmode, etabF, emax, gmT, gpT, gconst, gslots,
                       starts, lens, fS, fm, aS, xacc, guard, lp, ok, sink, sym, X,
                       b_cnt, b_sw, b_sx, b_sxx, b_start, bufs[c], xS)
        for b in range(B):
            s = sb + b
            a = starts[b]
            T = lens[b]
            if T == 0:
                log_prob[s] = 0.0
            elif ok[b]:
                log_prob[s] = lp[b]
                for k in range(K):
                    c_start[c, k] += b_start[k, b]
                if sink == _SINK_COUNTS:
                    for q in range(n_cnt):
                        for k in range(K):
                            c_cnt[c, q, k] += b_cnt[b, q, k]
                elif sink == _SINK_DIAG:
                    for k in range(K):
                        c_sw[c, k] += b_sw[k, b]
                    for f in range(F_d):
                        for k in range(K):
                            c_sx[c, f, k] += b_sx[f, k, b]
                            c_sxx[c, f, k] += b_sxx[f, k, b]
            else:
                # log space on the sequence's own frames, then sink its rows
                lf = np.empty((T, K))
                for t in range(T):
                    if fmode == _FRAMES_DIAG:
                        _gauss_row(X, a + t, gmT, gpT, gconst, gslots, lf, t, gacc)
                    else:
                        fr = _frame_row(ridx, fmode, a + t)
                        for k in range(K):
                            lf[t, k] = src[fr, k]
                pq = np.empty((T, K))
                log_prob[s] = _log_fb_seq(log_pi, log_A, lf, 0, T, pq, lbufs[c])
                for k in range(K):
                    c_start[c, k] += pq[0, k]
                for t in range(T):
                    _sink_row(sink, a + t, pq[t], post, sym, X, c_cnt, c_sw, c_sx,
                              c_sxx, c)


@njit(cache=True, parallel=True)
def _fb_chunks(pi, A, AT, guard, log_pi, log_A, src, ridx, fmode, etab, emax, offsets, bounds,
               fwork, awork, sink, post, sym, X, gmT, gpT, gconst, gslots, log_prob, bufs,
               lbufs, c_cnt, c_sw, c_sx, c_sxx, c_start):
    """The parallel region of :func:`_forward_backward`: one chunk of sequences per
    iteration, lockstep batches within, results into the per-chunk buffers."""
    K = src.shape[1]
    G = gmT.shape[1]
    n_chunks = bounds.shape[0] - 1
    n_cnt = c_cnt.shape[1]
    F_d = c_sx.shape[1]
    for c in prange(n_chunks):
        s0 = bounds[c]
        s1 = bounds[c + 1]
        # work rows for one batch: the longest run of _BATCH consecutive sequences; the
        # caller's per-thread work arrays when they are large enough (a fresh array per
        # chunk costs more in page faults than the recursion itself)
        rows = 1
        for s in range(s0, s1, _BATCH):
            e = min(s + _BATCH, s1)
            if offsets[e] - offsets[s] > rows:
                rows = offsets[e] - offsets[s]
        tid = get_thread_id()
        if tid < fwork.shape[0] and rows <= fwork.shape[1]:
            fbuf = fwork[tid]
            abuf = awork[tid]
        else:
            fbuf = np.empty((rows, K))
            abuf = np.empty((rows, K))
        nb = np.empty((_BATCH, K))
        beta = np.empty((_BATCH, K))
        gam = np.empty(K)
        ibuf = np.empty(K, dtype=np.int64)
        pow2 = ibuf.view(np.float64)
        starts = np.empty(_BATCH, dtype=np.int64)
        lens = np.empty(_BATCH, dtype=np.int64)
        base = np.empty(_BATCH, dtype=np.int64)
        lp = np.empty(_BATCH)
        ok = np.empty(_BATCH, dtype=np.bool_)
        b_cnt = np.empty((_BATCH, n_cnt, K))
        b_sw = np.empty((_BATCH, K))
        b_sx = np.empty((_BATCH, F_d, K))
        b_sxx = np.empty((_BATCH, F_d, K))
        b_start = np.empty((_BATCH, K))
        lrows = np.empty((_BATCH, K))
        gacc = np.empty(G)
        if sink != _SINK_POST and K <= _SOA_MAX_K:
            _fb_chunk_soa(pi, A, AT, guard, log_pi, log_A, src, ridx, fmode, etab, emax, offsets,
                          s0, s1, c, fbuf, abuf, sink, post, sym, X, gmT, gpT, gconst,
                          gslots, log_prob, bufs, lbufs, c_cnt, c_sw, c_sx, c_sxx, c_start)
            continue
        for sb in range(s0, s1, _BATCH):
            B = min(_BATCH, s1 - sb)
            for b in range(B):
                starts[b] = offsets[sb + b]
                lens[b] = offsets[sb + b + 1] - offsets[sb + b]
                base[b] = offsets[sb + b] - offsets[sb]
            _scaled_fb_batch(pi, A, AT, src, ridx, fmode, etab, emax, gmT, gpT, gconst,
                             gslots, lrows, gacc, starts[:B], lens[:B], base[:B],
                             fbuf, abuf, nb[:B], beta[:B], gam, ibuf, pow2, guard, lp[:B],
                             ok[:B], sink, post, sym, X, b_cnt[:B], b_sw[:B], b_sx[:B],
                             b_sxx[:B], b_start[:B])
            for b in range(B):
                s = sb + b
                a = starts[b]
                T = lens[b]
                if T == 0:
                    log_prob[s] = 0.0
                elif ok[b]:
                    if T > 1:
                        r0 = base[b]
                        bufs[c] += np.dot(abuf[r0:r0 + T - 1].T, fbuf[r0 + 1:r0 + T])
                    log_prob[s] = lp[b]
                    c_start[c] += b_start[b]
                    if sink == _SINK_COUNTS:
                        c_cnt[c] += b_cnt[b]
                    elif sink == _SINK_DIAG:
                        c_sw[c] += b_sw[b]
                        c_sx[c] += b_sx[b]
                        c_sxx[c] += b_sxx[b]
                else:
                    # log space on the sequence's own frames, then sink its rows
                    lf = np.empty((T, K))
                    for t in range(T):
                        if fmode == _FRAMES_DIAG:
                            _gauss_row(X, a + t, gmT, gpT, gconst, gslots, lf, t, gacc)
                        else:
                            fr = _frame_row(ridx, fmode, a + t)
                            for k in range(K):
                                lf[t, k] = src[fr, k]
                    pq = np.empty((T, K))
                    log_prob[s] = _log_fb_seq(log_pi, log_A, lf, 0, T, pq, lbufs[c])
                    for k in range(K):
                        c_start[c, k] += pq[0, k]
                    for t in range(T):
                        _sink_row(sink, a + t, pq[t], post, sym, X, c_cnt, c_sw, c_sx,
                                  c_sxx, c)


@njit(cache=True)
def _forward_backward(log_pi, log_A, src, ridx, fmode, offsets, bounds, fwork, awork, sink,
                      sym, X, n_sym, gmT, gpT, gconst, gslots):
    """Forward-backward over all sequences (chunks in parallel, lockstep batches within).

    Frames come from ``src`` (see :func:`_frame_row`), or with ``fmode`` _FRAMES_DIAG
    from ``X`` and the group means/precisions ``gmT``/``gpT`` (F, G), constants
    ``gconst`` (G,) and state->group map ``gslots`` (K,) (``src`` is then (0, K)).
    ``sink`` picks the output: posteriors (N, K), or the emission statistics they weight
    (per state, not written to an (N, K) array). Returns ``(log_prob (S,), post, xi_sum (K, K), start (K,),
    counts (n_sym, K), sum_w (K,), sum_x (F, K), sum_xx (F, K))``; ``post`` is (0, K)
    unless ``sink`` is _SINK_POST, the statistics are zeros unless their sink is chosen.

    Serial set-up and reduction around one parallel region (:func:`_fb_chunks`): in a
    ``parallel=True`` function every array expression becomes a parallel region with its
    own barrier, and on a shared machine each barrier can wait a scheduler time slice.
    """
    K = src.shape[1]
    S = offsets.shape[0] - 1
    n_chunks = bounds.shape[0] - 1
    F = X.shape[1]
    pi = np.exp(log_pi)
    A = np.exp(log_A)
    AT = np.ascontiguousarray(A.T)
    guard = _needs_guard(A)
    log_prob = np.empty(S)
    post = np.empty((src.shape[0] if sink == _SINK_POST else 0, K))
    bufs = np.zeros((n_chunks, K, K))       # per chunk: sum_t outer(alpha_t / g_t, w_{t+1})
    lbufs = np.zeros((n_chunks, K, K))      # per chunk: xi of sequences redone in log space
    n_cnt = n_sym if sink == _SINK_COUNTS else 0
    F_d = F if sink == _SINK_DIAG else 0
    c_cnt = np.zeros((n_chunks, n_cnt, K))
    c_sw = np.zeros((n_chunks, K))
    c_sx = np.zeros((n_chunks, F_d, K))
    c_sxx = np.zeros((n_chunks, F_d, K))
    c_start = np.zeros((n_chunks, K))
    # a table source (one row per symbol) is exponentiated once, not once per frame
    R = src.shape[0] if fmode == _FRAMES_TABLE else 0
    etab = np.empty((R, K))
    emax = np.empty(R)
    if fmode == _FRAMES_TABLE:
        tb = np.empty(K, dtype=np.int64)
        tp2 = tb.view(np.float64)
        for q in range(R):
            emax[q] = _max4r(src, q)
            if emax[q] > -np.inf:
                _exp_row(src, q, emax[q], etab, q, tb, tp2)
    _fb_chunks(pi, A, AT, guard, log_pi, log_A, src, ridx, fmode, etab, emax, offsets, bounds,
               fwork, awork, sink, post, sym, X, gmT, gpT, gconst, gslots, log_prob, bufs,
               lbufs, c_cnt, c_sw, c_sx, c_sxx, c_start)
    xi_sum = np.zeros((K, K))
    start = np.zeros(K)
    cnt = np.zeros((n_cnt, K))
    sw = np.zeros(K)
    sx = np.zeros((F_d, K))
    sxx = np.zeros((F_d, K))
    for c in range(n_chunks):
        for i in range(K):
            for j in range(K):
                xi_sum[i, j] += bufs[c, i, j] * A[i, j] + lbufs[c, i, j]
        for k in range(K):
            start[k] += c_start[c, k]
            sw[k] += c_sw[c, k]
        for q in range(n_cnt):
            for k in range(K):
                cnt[q, k] += c_cnt[c, q, k]
        for f in range(F_d):
            for k in range(K):
                sx[f, k] += c_sx[c, f, k]
                sxx[f, k] += c_sxx[c, f, k]
    return log_prob, post, xi_sum, start, cnt, sw, sx, sxx


def _batch_rows(offsets, bounds, soa=False):
    """Largest number of rows of one lockstep batch (work rows per thread); with ``soa``,
    what :func:`_fb_chunk_soa` needs: _BATCH times the longest sequence, and eight."""
    S = len(offsets) - 1
    rows = 1
    if S > 0:
        # each sequence's batch: from its chunk's start in steps of _BATCH (one pass, not
        # a loop over chunks: ~0.2 ms of a 200-sequence EM iteration)
        seq = np.arange(S)
        c = np.searchsorted(bounds, seq, side="right") - 1
        first = bounds[c] + (seq - bounds[c]) // _BATCH * _BATCH
        last = np.minimum(first + _BATCH, bounds[c + 1])
        rows = max(rows, int(np.max(offsets[last] - offsets[first])))
    if soa and len(offsets) > 1:
        # rows to spare (at least 7 elements): _fb_chunk_soa starts its rows on a cache
        # line (_lines_of)
        rows = max(rows, _BATCH * int(np.max(np.diff(offsets))) + 8)
    return rows


#: work arrays up to this many bytes (both together) are kept between calls (per
#: calling thread)
_WORK_KEEP_BYTES = 256 * 2**20


def _work_arrays(n_threads, rows, K):
    """Two (n_threads, >= rows, K) work arrays, reused between calls of the same thread."""
    return tuple(kept_empty(name, (n_threads, rows, K), (0, 1), _WORK_KEEP_BYTES // 2)
                 for name in ("numba_cpu.fwork", "numba_cpu.awork"))


def _n_chunks_fb(offsets):
    """Chunks for forward_backward: a multiple of the thread count, each about _BATCH
    sequences (one lockstep batch) or fewer."""
    S = len(offsets) - 1
    n = get_num_threads()
    per = -(-S // (n * _BATCH))           # batches per thread
    return max(1, min(S, n * per))


def forward_backward(log_startprob, log_transmat, log_frameprob, offsets):
    """All sequences: (log_prob (S,), posteriors (N, K), xi_sum (K, K)); see :mod:`.reference`."""
    log_pi, log_A, lfp, offsets = _as_arrays(log_startprob, log_transmat, log_frameprob, offsets)
    bounds = _chunk_bounds(offsets, _n_chunks_fb(offsets))
    fwork, awork = _work_arrays(get_num_threads(), _batch_rows(offsets, bounds), lfp.shape[1])
    with _blas_one_thread(), _dynamic_schedule(), _slp_vectorize():
        lp, post, xi = _forward_backward(log_pi, log_A, lfp, _NO_IDX, _FRAMES_LFP, offsets,
                                         bounds, fwork, awork, _SINK_POST, _NO_IDX, _NO_X, 0,
                                         _NO_X, _NO_X, _NO_F, _NO_IDX)[:3]
    return lp, post, xi


_NO_IDX = np.zeros(0, dtype=np.int64)
_NO_X = np.zeros((0, 0))
_NO_F = np.zeros(0)


def forward_backward_stats(log_startprob, log_transmat, offsets, log_frameprob=None, *,
                           log_table=None, symbols=None, counts_symbols=None,
                           n_symbols=0, diag_X=None, diag_params=None):
    """E-step statistics without the (N, K) posteriors (a fit's fast path; same numbers
    as summing ``forward_backward``'s posteriors, up to rounding).

    Frames: ``log_frameprob`` (N, K), or ``log_table`` (R, K) with ``symbols`` (N,)
    int64 in ``0..R-1`` (frame ``r`` is ``log_table[symbols[r]]``; a categorical model's
    per-symbol table, whose missing symbol is a row of zeros), or ``diag_params`` =
    ``(means (G, F), variances (G, F), slots (K,))`` with ``diag_X``: diagonal Gaussian
    log densities of ``diag_X`` (no NaN) computed as each frame is used. Emission statistics:
    ``counts_symbols`` (N,) int64 with ``n_symbols`` (categorical counts; negative =
    missing, skipped) or ``diag_X`` (N, F) float64 (posterior-weighted sums of x and x**2).

    Returns
    -------
    dict with ``log_prob`` (S,), ``xi_sum`` (K, K), ``start`` (K,) (posterior of the first
    frame summed over sequences) and either ``counts`` (K, n_symbols) or ``sum_w`` (K,),
    ``sum_x`` (K, F), ``sum_xx`` (K, F), all per state.
    """
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    gmT = gpT = _NO_X
    gconst, gslots = _NO_F, _NO_IDX
    if diag_params is not None:
        means, var, gslots = diag_params
        var = np.asarray(var, dtype=np.float64)
        gmT = np.ascontiguousarray(np.asarray(means, dtype=np.float64).T)
        gpT = np.ascontiguousarray((1.0 / var).T)
        gconst = -0.5 * (var.shape[1] * math.log(2 * math.pi) + np.sum(np.log(var), axis=1))
        gslots = np.ascontiguousarray(gslots, dtype=np.int64)
        src = np.zeros((0, len(gslots)))
        ridx, fmode = _NO_IDX, _FRAMES_DIAG
    elif log_table is not None:
        src = np.ascontiguousarray(log_table, dtype=np.float64)
        ridx = np.ascontiguousarray(symbols, dtype=np.int64)
        fmode = _FRAMES_TABLE
    else:
        src = np.ascontiguousarray(log_frameprob, dtype=np.float64)
        ridx, fmode = _NO_IDX, _FRAMES_LFP
    if counts_symbols is not None:
        sink, sym, X = _SINK_COUNTS, np.ascontiguousarray(counts_symbols, dtype=np.int64), _NO_X
    elif diag_X is not None:
        sink, sym, X = _SINK_DIAG, _NO_IDX, np.ascontiguousarray(diag_X, dtype=np.float64)
    else:
        raise ValueError("forward_backward_stats needs counts_symbols or diag_X.")
    log_pi = np.ascontiguousarray(log_startprob, dtype=np.float64)
    log_A = np.ascontiguousarray(log_transmat, dtype=np.float64)
    bounds = _chunk_bounds(offsets, _n_chunks_fb(offsets))
    fwork, awork = _work_arrays(get_num_threads(), _batch_rows(offsets, bounds,
                                                            src.shape[1] <= _SOA_MAX_K),
                                src.shape[1])
    with _blas_one_thread(), _dynamic_schedule(), _slp_vectorize():
        lp, _, xi, start, cnt, sw, sx, sxx = _forward_backward(
            log_pi, log_A, src, ridx, fmode, offsets, bounds, fwork, awork, sink, sym, X,
            int(n_symbols), gmT, gpT, gconst, gslots)
    out = {"log_prob": lp, "xi_sum": xi, "start": start}
    if sink == _SINK_COUNTS:
        out["counts"] = np.ascontiguousarray(cnt.T)
    else:
        out.update(sum_w=sw, sum_x=np.ascontiguousarray(sx.T), sum_xx=np.ascontiguousarray(sxx.T))
    return out


# ---------------------------------------------------------------------------
# score (forward only)
# ---------------------------------------------------------------------------
@njit(cache=True)
def _log_forward_seq(log_pi, log_A, lfp, a, b):
    T = b - a
    K = lfp.shape[1]
    cptr, cidx, _, _ = _finite_lists(log_A)     # structural zeros skipped (no bit changes)
    la = np.empty(K)
    nla = np.empty(K)
    for k in range(K):
        la[k] = log_pi[k] + lfp[a, k]
    for t in range(1, T):
        for j in range(K):
            m = -np.inf
            for q in range(cptr[j], cptr[j + 1]):
                i = cidx[q]
                v = la[i] + log_A[i, j]
                if v > m:
                    m = v
            if m == -np.inf:
                nla[j] = -np.inf
                continue
            acc = 0.0
            for q in range(cptr[j], cptr[j + 1]):
                i = cidx[q]
                acc += math.exp(la[i] + log_A[i, j] - m)
            nla[j] = m + math.log(acc) + lfp[a + t, j]
        for k in range(K):
            la[k] = nla[k]
    m = -np.inf
    for k in range(K):
        if la[k] > m:
            m = la[k]
    if m == -np.inf:
        return -np.inf
    acc = 0.0
    for k in range(K):
        acc += math.exp(la[k] - m)
    return m + math.log(acc)


@njit(cache=True)
def _scaled_forward_seq(pi, A, lfp, a, b, alpha, nb, f, ibuf, pow2, guard):
    T = b - a
    K = lfp.shape[1]
    log_prob = 0.0
    prod = 1.0
    for t in range(T):
        r = a + t
        m = _max4(lfp[r])
        if m == -np.inf:
            return -np.inf, False
        _exp_row(lfp, r, m, f, 0, ibuf, pow2)
        log_prob += m
        if t == 0:
            for k in range(K):
                nb[k] = pi[k]
        else:
            _vecmat(alpha, A, nb)
        c = _dot4(nb, f[0])
        if not c > _TINY:
            return -np.inf, False
        inv = 1.0 / c
        for k in range(K):
            alpha[k] = nb[k] * f[0, k] * inv
        if guard and _lost_mass(nb, alpha, lfp[r]):
            return -np.inf, False
        prod *= c
        if prod < 1e-20:
            log_prob += math.log(prod)
            prod = 1.0
    return log_prob + math.log(prod), True


@njit(cache=True, parallel=True)
def _score(log_pi, log_A, lfp, offsets, bounds):
    K = lfp.shape[1]
    S = offsets.shape[0] - 1
    n_chunks = bounds.shape[0] - 1
    pi = np.exp(log_pi)
    A = np.exp(log_A)
    guard = _needs_guard(A)
    log_prob = np.empty(S)
    for c in prange(n_chunks):
        alpha = np.empty(K)
        nb = np.empty(K)
        f = np.empty((1, K))
        ibuf = np.empty(K, dtype=np.int64)
        pow2 = ibuf.view(np.float64)
        for s in range(bounds[c], bounds[c + 1]):
            a = offsets[s]
            b = offsets[s + 1]
            if b == a:
                log_prob[s] = 0.0
                continue
            lp, ok = _scaled_forward_seq(pi, A, lfp, a, b, alpha, nb, f, ibuf, pow2, guard)
            if not ok:
                lp = _log_forward_seq(log_pi, log_A, lfp, a, b)
            log_prob[s] = lp
    return log_prob


def score(log_startprob, log_transmat, log_frameprob, offsets):
    """Log-likelihood of each sequence, shape (S,)."""
    log_pi, log_A, lfp, offsets = _as_arrays(log_startprob, log_transmat, log_frameprob, offsets)
    bounds = _chunk_bounds(offsets, _n_chunks(offsets))
    return _score(log_pi, log_A, lfp, offsets, bounds)


# ---------------------------------------------------------------------------
# Viterbi (max-plus, log space)
# ---------------------------------------------------------------------------
@njit(cache=True)
def _viterbi_seq(log_pi, log_A, lfp, a, b, back, delta, nd, states):
    T = b - a
    K = lfp.shape[1]
    for k in range(K):
        delta[k] = log_pi[k] + lfp[a, k]
    for t in range(1, T):
        # i ascending with a strict '>' keeps the lowest index on ties (np.argmax)
        for j in range(K):
            nd[j] = delta[0] + log_A[0, j]
            back[t, j] = 0
        for i in range(1, K):
            di = delta[i]
            for j in range(K):
                v = di + log_A[i, j]
                if v > nd[j]:
                    nd[j] = v
                    back[t, j] = i
        for k in range(K):
            delta[k] = nd[k] + lfp[a + t, k]
    best = 0
    for k in range(1, K):
        if delta[k] > delta[best]:
            best = k
    states[b - 1] = best
    for t in range(T - 1, 0, -1):
        best = back[t, best]
        states[a + t - 1] = best
    return delta[states[b - 1]]


@njit(cache=True, parallel=True)
def _viterbi(log_pi, log_A, lfp, offsets, bounds):
    N, K = lfp.shape
    S = offsets.shape[0] - 1
    n_chunks = bounds.shape[0] - 1
    log_prob = np.empty(S)
    states = np.empty(N, dtype=np.int64)
    for c in prange(n_chunks):
        T_max = 1
        for s in range(bounds[c], bounds[c + 1]):
            if offsets[s + 1] - offsets[s] > T_max:
                T_max = offsets[s + 1] - offsets[s]
        back = np.empty((T_max, K), dtype=np.int32)
        delta = np.empty(K)
        nd = np.empty(K)
        for s in range(bounds[c], bounds[c + 1]):
            a = offsets[s]
            b = offsets[s + 1]
            if b == a:
                log_prob[s] = 0.0
                continue
            log_prob[s] = _viterbi_seq(log_pi, log_A, lfp, a, b, back, delta, nd, states)
    return log_prob, states


def viterbi(log_startprob, log_transmat, log_frameprob, offsets):
    """All sequences: (log_prob (S,), states (N,) int64); ties go to the lowest state index."""
    log_pi, log_A, lfp, offsets = _as_arrays(log_startprob, log_transmat, log_frameprob, offsets)
    bounds = _chunk_bounds(offsets, _n_chunks(offsets))
    return _viterbi(log_pi, log_A, lfp, offsets, bounds)
