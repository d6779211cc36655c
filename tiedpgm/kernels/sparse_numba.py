"""Numba CPU kernels for a sparse transition matrix (same outputs as
:mod:`tiedpgm.kernels.sparse_reference`, the oracle they are tested against).

Per frame the forward pass gathers over each state's incoming edges (CSC) and the
backward pass over its outgoing edges (CSR), so the cost is O(nnz) per frame instead of
O(K^2). Forward-backward runs in probability space with per-frame scaling (frame
likelihoods ``exp(log_frameprob - max)``, one exp per state and frame; the log-space
recursion costs several exps per *edge*); a sequence whose scaled forward pass
underflows (a frame where every reachable state has probability below ~1e-308 relative
to the best state) is redone in log space. Sequences are processed in parallel in chunks
balanced by total length; each chunk accumulates expected transition counts into its
own buffer (one row of ``buf``), reduced serially at the end.
"""
import numpy as np
from numba import njit, prange

from .sparse_reference import SparseLogTransmat, to_sparse  # noqa: F401  (re-export)

__all__ = ["forward_backward", "score", "viterbi", "to_sparse"]


def _chunks(offsets, n_chunks):
    """Chunk boundaries (indices into the sequences) balanced by total length."""
    S = len(offsets) - 1
    n_chunks = max(1, min(n_chunks, S))
    targets = offsets[-1] * np.arange(1, n_chunks) / n_chunks
    cuts = np.searchsorted(offsets[1:], targets, side="left") + 1
    bounds = np.unique(np.concatenate([[0], np.minimum(cuts, S), [S]])).astype(np.int64)
    return bounds


def _n_chunks(offsets):
    from numba import get_num_threads
    return 4 * get_num_threads()


@njit(cache=True)
def _fwd_seq(lsp, col_ptr, row_idx, val_csc, lfp, a, b, alpha):
    K = lsp.shape[0]
    T = b - a
    for k in range(K):
        alpha[0, k] = lsp[k] + lfp[a, k]
    for t in range(1, T):
        for k in range(K):
            lo = col_ptr[k]
            hi = col_ptr[k + 1]
            m = -np.inf
            for p in range(lo, hi):
                v = alpha[t - 1, row_idx[p]] + val_csc[p]
                if v > m:
                    m = v
            if m == -np.inf:
                alpha[t, k] = -np.inf
                continue
            acc = 0.0
            for p in range(lo, hi):
                acc += np.exp(alpha[t - 1, row_idx[p]] + val_csc[p] - m)
            alpha[t, k] = m + np.log(acc) + lfp[a + t, k]
    m = -np.inf
    for k in range(K):
        if alpha[T - 1, k] > m:
            m = alpha[T - 1, k]
    if m == -np.inf:
        return -np.inf
    acc = 0.0
    for k in range(K):
        acc += np.exp(alpha[T - 1, k] - m)
    return m + np.log(acc)


@njit(cache=True)
def _bwd_seq(row_ptr, col_idx, log_val, lfp, a, b, beta, nxt):
    K = row_ptr.shape[0] - 1
    T = b - a
    for k in range(K):
        beta[T - 1, k] = 0.0
    for t in range(T - 2, -1, -1):
        for k in range(K):
            nxt[k] = lfp[a + t + 1, k] + beta[t + 1, k]
        for i in range(K):
            lo = row_ptr[i]
            hi = row_ptr[i + 1]
            m = -np.inf
            for p in range(lo, hi):
                v = log_val[p] + nxt[col_idx[p]]
                if v > m:
                    m = v
            if m == -np.inf:
                beta[t, i] = -np.inf
                continue
            acc = 0.0
            for p in range(lo, hi):
                acc += np.exp(log_val[p] + nxt[col_idx[p]] - m)
            beta[t, i] = m + np.log(acc)


@njit(cache=True)
def _scaled_fb_seq(pi, row_ptr, col_idx, val, col_ptr, row_idx, val_csc, fp, fmax, a, b,
                   alpha, beta, scale, post, xi):
    """Scaled forward-backward of one sequence; returns its log-likelihood, or NaN when
    the forward pass underflowed (the caller then uses the log-space recursion)."""
    K = pi.shape[0]
    T = b - a
    lp = 0.0
    bt = fp[a:b]
    for t in range(T):
        m = fmax[a + t]
        if m == -np.inf:
            return np.nan
        tot = 0.0
        if t == 0:
            for k in range(K):
                v = pi[k] * bt[0, k]
                alpha[0, k] = v
                tot += v
        else:
            for k in range(K):
                acc = 0.0
                for p in range(col_ptr[k], col_ptr[k + 1]):
                    acc += alpha[t - 1, row_idx[p]] * val_csc[p]
                v = acc * bt[t, k]
                alpha[t, k] = v
                tot += v
        if not (tot > 1e-290):
            return np.nan
        inv = 1.0 / tot
        for k in range(K):
            alpha[t, k] *= inv
        scale[t] = tot
        lp += np.log(tot) + m
    for k in range(K):
        beta[T - 1, k] = 1.0
    for t in range(T - 2, -1, -1):
        inv = 1.0 / scale[t + 1]
        for i in range(K):
            acc = 0.0
            for p in range(row_ptr[i], row_ptr[i + 1]):
                j = col_idx[p]
                acc += val[p] * bt[t + 1, j] * beta[t + 1, j]
            beta[t, i] = acc * inv
    for t in range(T):
        tot = 0.0
        for k in range(K):
            v = alpha[t, k] * beta[t, k]
            post[a + t, k] = v
            tot += v
        inv = 1.0 / tot
        for k in range(K):
            post[a + t, k] *= inv
    for t in range(T - 1):
        inv = 1.0 / scale[t + 1]
        for i in range(K):
            ai = alpha[t, i] * inv
            if ai == 0.0:
                continue
            for p in range(row_ptr[i], row_ptr[i + 1]):
                j = col_idx[p]
                xi[p] += ai * val[p] * bt[t + 1, j] * beta[t + 1, j]
    return lp


@njit(cache=True, parallel=True)
def _forward_backward(lsp, row_ptr, col_idx, log_val, col_ptr, row_idx, val_csc, lfp,
                      fp, fmax, offsets, bounds, log_prob, post, buf):
    K = lsp.shape[0]
    n_chunks = bounds.shape[0] - 1
    for c in prange(n_chunks):
        maxT = 0
        for s in range(bounds[c], bounds[c + 1]):
            if offsets[s + 1] - offsets[s] > maxT:
                maxT = offsets[s + 1] - offsets[s]
        alpha = np.empty((maxT, K))
        beta = np.empty((maxT, K))
        scale = np.empty(maxT)
        nxt = np.empty(K)
        xi = buf[c]
        pi = np.exp(lsp)
        val = np.exp(log_val)
        vcsc = np.exp(val_csc)
        for s in range(bounds[c], bounds[c + 1]):
            a = offsets[s]
            b = offsets[s + 1]
            T = b - a
            lp = _scaled_fb_seq(pi, row_ptr, col_idx, val, col_ptr, row_idx, vcsc, fp, fmax,
                                a, b, alpha, beta, scale, post, xi)
            if not np.isnan(lp):
                log_prob[s] = lp
                continue
            lp = _fwd_seq(lsp, col_ptr, row_idx, val_csc, lfp, a, b, alpha)
            log_prob[s] = lp
            if lp == -np.inf:
                for t in range(T):
                    for k in range(K):
                        post[a + t, k] = np.nan
                continue
            _bwd_seq(row_ptr, col_idx, log_val, lfp, a, b, beta, nxt)
            for t in range(T):
                m = -np.inf
                for k in range(K):
                    v = alpha[t, k] + beta[t, k]
                    if v > m:
                        m = v
                tot = 0.0
                for k in range(K):
                    e = np.exp(alpha[t, k] + beta[t, k] - m)
                    post[a + t, k] = e
                    tot += e
                for k in range(K):
                    post[a + t, k] /= tot
            for t in range(T - 1):
                for k in range(K):
                    nxt[k] = lfp[a + t + 1, k] + beta[t + 1, k] - lp
                for i in range(K):
                    ai = alpha[t, i]
                    if ai == -np.inf:
                        continue
                    for p in range(row_ptr[i], row_ptr[i + 1]):
                        xi[p] += np.exp(ai + log_val[p] + nxt[col_idx[p]])


def forward_backward(log_startprob, sp, log_frameprob, offsets):
    """All sequences: (log_prob (S,), posteriors (N, K), xi_sum (K, K) dense)."""
    lfp = np.ascontiguousarray(log_frameprob, dtype=np.float64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    N, K = lfp.shape
    S = len(offsets) - 1
    bounds = _chunks(offsets, _n_chunks(offsets))
    nnz = len(sp.log_val)
    buf = np.zeros((len(bounds) - 1, nnz))
    log_prob = np.empty(S)
    post = np.empty((N, K))
    val_csc = np.ascontiguousarray(sp.log_val[sp.csr_pos])
    # frame likelihoods scaled by their row maximum, exponentiated once by NumPy's
    # vectorised exp (the scaled recursion then only multiplies and adds)
    fmax = lfp.max(axis=1) if N else np.zeros(0)
    with np.errstate(invalid="ignore"):
        fp = np.exp(lfp - np.where(np.isfinite(fmax), fmax, 0.0)[:, None])
    _forward_backward(np.ascontiguousarray(log_startprob, dtype=np.float64), sp.row_ptr,
                      sp.col_idx, sp.log_val, sp.col_ptr, sp.row_idx, val_csc, lfp, fp, fmax,
                      offsets, bounds, log_prob, post, buf)
    xi_nnz = buf.sum(axis=0)
    if not np.all(np.isfinite(log_prob)):
        xi_nnz[:] = np.nan
    xi = np.zeros((K, K))
    rows = np.repeat(np.arange(K), np.diff(sp.row_ptr))
    xi[rows, sp.col_idx] = xi_nnz
    return log_prob, post, xi


@njit(cache=True, parallel=True)
def _score(lsp, col_ptr, row_idx, val_csc, lfp, offsets, bounds, log_prob):
    K = lsp.shape[0]
    for c in prange(bounds.shape[0] - 1):
        maxT = 0
        for s in range(bounds[c], bounds[c + 1]):
            if offsets[s + 1] - offsets[s] > maxT:
                maxT = offsets[s + 1] - offsets[s]
        alpha = np.empty((maxT, K))
        for s in range(bounds[c], bounds[c + 1]):
            log_prob[s] = _fwd_seq(lsp, col_ptr, row_idx, val_csc, lfp, offsets[s],
                                   offsets[s + 1], alpha)


def score(log_startprob, sp, log_frameprob, offsets):
    """Log-likelihood of each sequence, shape (S,)."""
    lfp = np.ascontiguousarray(log_frameprob, dtype=np.float64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    bounds = _chunks(offsets, _n_chunks(offsets))
    out = np.empty(len(offsets) - 1)
    _score(np.ascontiguousarray(log_startprob, dtype=np.float64), sp.col_ptr, sp.row_idx,
           np.ascontiguousarray(sp.log_val[sp.csr_pos]), lfp, offsets, bounds, out)
    return out


@njit(cache=True, parallel=True)
def _viterbi(lsp, col_ptr, row_idx, val_csc, lfp, offsets, bounds, log_prob, states):
    K = lsp.shape[0]
    for c in prange(bounds.shape[0] - 1):
        maxT = 0
        for s in range(bounds[c], bounds[c + 1]):
            if offsets[s + 1] - offsets[s] > maxT:
                maxT = offsets[s + 1] - offsets[s]
        back = np.zeros((maxT, K), dtype=np.int64)
        delta = np.empty(K)
        nd = np.empty(K)
        for s in range(bounds[c], bounds[c + 1]):
            a = offsets[s]
            T = offsets[s + 1] - a
            for k in range(K):
                delta[k] = lsp[k] + lfp[a, k]
            for t in range(1, T):
                for k in range(K):
                    best = -np.inf
                    arg = 0
                    first = True
                    for p in range(col_ptr[k], col_ptr[k + 1]):
                        v = delta[row_idx[p]] + val_csc[p]
                        if first or v > best:
                            best = v
                            arg = row_idx[p]
                            first = False
                    back[t, k] = arg
                    nd[k] = best + lfp[a + t, k]
                for k in range(K):
                    delta[k] = nd[k]
            bk = 0
            for k in range(1, K):
                if delta[k] > delta[bk]:
                    bk = k
            log_prob[s] = delta[bk]
            states[a + T - 1] = bk
            for t in range(T - 1, 0, -1):
                states[a + t - 1] = back[t, states[a + t]]


def viterbi(log_startprob, sp, log_frameprob, offsets):
    """All sequences: (log_prob (S,), states (N,) int64)."""
    lfp = np.ascontiguousarray(log_frameprob, dtype=np.float64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    bounds = _chunks(offsets, _n_chunks(offsets))
    lp = np.empty(len(offsets) - 1)
    states = np.empty(lfp.shape[0], dtype=np.int64)
    _viterbi(np.ascontiguousarray(log_startprob, dtype=np.float64), sp.col_ptr, sp.row_idx,
             np.ascontiguousarray(sp.log_val[sp.csr_pos]), lfp, offsets, bounds, lp, states)
    return lp, states
