"""Numba CPU HMM kernels: same functions, shapes and results as :mod:`.reference`.

``forward_backward``, ``score`` and ``viterbi`` take the concatenated
``log_frameprob`` (N, K) and ``offsets`` (S + 1,) of the reference and are
parallel over sequences (``prange`` over chunks of sequences balanced by total
length; each chunk accumulates its own (K, K) buffer, reduced serially at the end).

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
nats below their row maximum count as zero.

Per step the cost is two K x K vector-matrix products (forward with the transition
matrix, backward with its transpose, both as contiguous ``axpy`` loops that LLVM
vectorises without reassociating sums -- no fastmath), one vectorised ``exp`` row and
O(K) normalisations. Expected transition counts are not accumulated per step: the
backward pass keeps ``alpha_t / g_t`` and ``w_{t+1} = b_{t+1} * beta_{t+1}`` and xi of
a whole sequence is ``A * (alpha/g)[:-1].T @ w[1:]``, one BLAS matrix product (BLAS is
held to one thread while numba's threads run). Memory is O(T K) per sequence.

Viterbi is max-plus in log space with ties broken towards the lowest state index
(``np.argmax`` semantics), so paths equal the reference exactly.
"""
import contextlib
import math

import numpy as np
from numba import get_num_threads, njit, prange

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
def _log_fb_seq(log_pi, log_A, lfp, a, b, post, xi_acc):
    """Log-space forward-backward of rows a:b (fallback). Adds xi into ``xi_acc``."""
    T = b - a
    K = lfp.shape[1]
    la = np.empty((T, K))
    for k in range(K):
        la[0, k] = log_pi[k] + lfp[a, k]
    tmp = np.empty(K)
    for t in range(1, T):
        for j in range(K):
            m = -np.inf
            for i in range(K):
                v = la[t - 1, i] + log_A[i, j]
                if v > m:
                    m = v
            if m == -np.inf:
                la[t, j] = -np.inf
                continue
            acc = 0.0
            for i in range(K):
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
            for j in range(K):
                xi_acc[i, j] += math.exp(la[t - 1, i] + log_A[i, j] + tmp[j])
        for i in range(K):
            m = -np.inf
            for j in range(K):
                v = log_A[i, j] + tmp[j]
                if v > m:
                    m = v
            if m == -np.inf:
                nb[i] = -np.inf
                continue
            acc = 0.0
            for j in range(K):
                acc += math.exp(log_A[i, j] + tmp[j] - m)
            nb[i] = m + math.log(acc) + log_prob
        for k in range(K):
            lb[k] = nb[k]
    return log_prob


@njit(cache=True)
def _scaled_fb_seq(pi, A, AT, lfp, a, b, post, fbuf, abuf, beta, nb, ibuf, pow2, guard):
    """Scaled forward-backward of rows a:b. Returns (log_prob, ok); ok False on underflow.

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


@njit(cache=True, parallel=True)
def _forward_backward(log_pi, log_A, lfp, offsets, bounds):
    N, K = lfp.shape
    S = offsets.shape[0] - 1
    n_chunks = bounds.shape[0] - 1
    pi = np.exp(log_pi)
    A = np.exp(log_A)
    AT = np.ascontiguousarray(A.T)
    guard = _needs_guard(A)
    log_prob = np.empty(S)
    post = np.empty((N, K))
    bufs = np.zeros((n_chunks, K, K))       # per chunk: sum_t outer(alpha_t / g_t, w_{t+1})
    lbufs = np.zeros((n_chunks, K, K))      # per chunk: xi of sequences redone in log space
    for c in prange(n_chunks):
        s0 = bounds[c]
        s1 = bounds[c + 1]
        T_max = 1
        for s in range(s0, s1):
            if offsets[s + 1] - offsets[s] > T_max:
                T_max = offsets[s + 1] - offsets[s]
        fbuf = np.empty((T_max, K))
        abuf = np.empty((T_max, K))
        beta = np.empty(K)
        nb = np.empty(K)
        ibuf = np.empty(K, dtype=np.int64)
        pow2 = ibuf.view(np.float64)
        for s in range(s0, s1):
            a = offsets[s]
            b = offsets[s + 1]
            if b == a:
                log_prob[s] = 0.0
                continue
            lp, ok = _scaled_fb_seq(pi, A, AT, lfp, a, b, post, fbuf, abuf, beta, nb, ibuf, pow2,
                                    guard)
            if ok:
                if b - a > 1:
                    bufs[c] += np.dot(abuf[:b - a - 1].T, fbuf[1:b - a])
                log_prob[s] = lp
            else:
                log_prob[s] = _log_fb_seq(log_pi, log_A, lfp, a, b, post, lbufs[c])
    xi_sum = np.zeros((K, K))
    for c in range(n_chunks):
        for i in range(K):
            for j in range(K):
                xi_sum[i, j] += bufs[c, i, j] * A[i, j] + lbufs[c, i, j]
    return log_prob, post, xi_sum


def forward_backward(log_startprob, log_transmat, log_frameprob, offsets):
    """All sequences: (log_prob (S,), posteriors (N, K), xi_sum (K, K)); see :mod:`.reference`."""
    log_pi, log_A, lfp, offsets = _as_arrays(log_startprob, log_transmat, log_frameprob, offsets)
    bounds = _chunk_bounds(offsets, _n_chunks(offsets))
    with _blas_one_thread():
        return _forward_backward(log_pi, log_A, lfp, offsets, bounds)


# ---------------------------------------------------------------------------
# score (forward only)
# ---------------------------------------------------------------------------
@njit(cache=True)
def _log_forward_seq(log_pi, log_A, lfp, a, b):
    T = b - a
    K = lfp.shape[1]
    la = np.empty(K)
    nla = np.empty(K)
    for k in range(K):
        la[k] = log_pi[k] + lfp[a, k]
    for t in range(1, T):
        for j in range(K):
            m = -np.inf
            for i in range(K):
                v = la[i] + log_A[i, j]
                if v > m:
                    m = v
            if m == -np.inf:
                nla[j] = -np.inf
                continue
            acc = 0.0
            for i in range(K):
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
