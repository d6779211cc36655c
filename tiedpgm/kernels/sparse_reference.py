"""NumPy log-space HMM kernels for a *sparse* transition matrix (the oracle of
:mod:`tiedpgm.kernels.sparse_numba`).

Cost per frame is proportional to the number of non-zero transitions, not K^2
(left-right and other sparse topologies; hmmlearn issue 100). The transition matrix
comes as a :class:`SparseLogTransmat` (built once by :func:`to_sparse`): the log
values of its non-zeros in CSR order, plus a CSC view (column pointers and the
CSR position of each CSC entry), so the forward pass gathers over incoming edges and
the backward pass over outgoing ones. Same outputs as :mod:`tiedpgm.kernels.reference`
(``xi_sum`` is returned dense, (K, K), zero off the support).
"""
from typing import NamedTuple

import numpy as np


class SparseLogTransmat(NamedTuple):
    """A (K, K) log transition matrix by its non-zeros.

    Attributes
    ----------
    n_states : int
    row_ptr : int64 (K + 1,)      CSR row pointers
    col_idx : int64 (nnz,)        CSR column of each non-zero
    log_val : float64 (nnz,)      log A_ij in CSR order
    col_ptr : int64 (K + 1,)      CSC column pointers
    row_idx : int64 (nnz,)        CSC row of each entry
    csr_pos : int64 (nnz,)        CSR position of each CSC entry
    """
    n_states: int
    row_ptr: np.ndarray
    col_idx: np.ndarray
    log_val: np.ndarray
    col_ptr: np.ndarray
    row_idx: np.ndarray
    csr_pos: np.ndarray


def to_sparse(transmat):
    """Build a :class:`SparseLogTransmat` from a dense (K, K) probability matrix."""
    A = np.asarray(transmat, dtype=np.float64)
    K = A.shape[0]
    # row-major order is CSR order; np.nonzero scans a bool mask ~1.7x faster than floats
    rows, cols = np.nonzero(A != 0)
    row_ptr = np.zeros(K + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=K), out=row_ptr[1:])
    order = np.lexsort((rows, cols))               # CSC order (by column, then row)
    col_ptr = np.zeros(K + 1, dtype=np.int64)
    np.cumsum(np.bincount(cols, minlength=K), out=col_ptr[1:])
    return SparseLogTransmat(K, row_ptr, cols.astype(np.int64), np.log(A[rows, cols]),
                             col_ptr, rows[order].astype(np.int64), order.astype(np.int64))


def support_unchanged(A, sp, vals):
    """Whether the dense matrix ``A`` still has exactly the non-zeros of ``sp``, with the
    values ``vals`` (in CSR order) on them: reads ``A`` once, no (K, K) copy."""
    rows = np.repeat(np.arange(sp.n_states), np.diff(sp.row_ptr))
    return bool(np.count_nonzero(A) == len(vals)
                and np.array_equal(A[rows, sp.col_idx], vals))


def transition_mstep(trans, prior, sp, old, out):
    """The transition M-step on the support of ``sp``: per row, the Dirichlet-MAP update
    ``max(prior - 1 + trans, 0)`` normalised, or the old values ``old`` (CSR order) where
    a row's total is 0. ``trans`` and ``prior`` are dense (K, K) (prior may be a
    broadcast view); the new values go to ``out`` (K, K, zero off the support) and are
    returned in CSR order."""
    rows = np.repeat(np.arange(sp.n_states), np.diff(sp.row_ptr))
    cols = sp.col_idx
    new = np.maximum(prior[rows, cols] - 1.0 + trans[rows, cols], 0.0)
    total = np.bincount(rows, weights=new, minlength=sp.n_states)[rows]
    vals = np.where(total > 0, new / np.where(total > 0, total, 1.0), old)
    out[rows, cols] = vals
    return vals


def to_dense_log(sp):
    """The dense (K, K) log matrix (-inf off the support); for tests."""
    out = np.full((sp.n_states, sp.n_states), -np.inf)
    rows = np.repeat(np.arange(sp.n_states), np.diff(sp.row_ptr))
    out[rows, sp.col_idx] = sp.log_val
    return out


def _segment_logsumexp(values, ptr):
    """logsumexp of ``values`` over consecutive segments ``ptr[k]:ptr[k+1]`` (-inf if empty)."""
    K = len(ptr) - 1
    counts = np.diff(ptr)
    seg = np.repeat(np.arange(K), counts)
    m = np.full(K, -np.inf)
    np.maximum.at(m, seg, values)
    m_safe = np.where(np.isfinite(m), m, 0.0)
    acc = np.zeros(K)
    np.add.at(acc, seg, np.exp(values - m_safe[seg]))
    with np.errstate(divide="ignore"):
        return np.log(acc) + m_safe


def _forward(log_startprob, sp, lfp):
    T, K = lfp.shape
    log_alpha = np.empty((T, K))
    log_alpha[0] = log_startprob + lfp[0]
    src_csc = sp.row_idx
    val_csc = sp.log_val[sp.csr_pos]
    for t in range(1, T):
        log_alpha[t] = _segment_logsumexp(log_alpha[t - 1][src_csc] + val_csc, sp.col_ptr) + lfp[t]
    m = np.max(log_alpha[-1])
    lp = -np.inf if not np.isfinite(m) else float(m + np.log(np.sum(np.exp(log_alpha[-1] - m))))
    return lp, log_alpha


def _backward(sp, lfp):
    T, K = lfp.shape
    log_beta = np.empty((T, K))
    log_beta[-1] = 0.0
    for t in range(T - 2, -1, -1):
        nxt = lfp[t + 1] + log_beta[t + 1]
        log_beta[t] = _segment_logsumexp(sp.log_val + nxt[sp.col_idx], sp.row_ptr)
    return log_beta


def forward_backward(log_startprob, sp, log_frameprob, offsets):
    """All sequences: (log_prob (S,), posteriors (N, K), xi_sum (K, K) dense)."""
    N, K = log_frameprob.shape
    S = len(offsets) - 1
    log_prob = np.empty(S)
    post = np.empty((N, K))
    xi_nnz = np.zeros(len(sp.log_val))
    rows = np.repeat(np.arange(K), np.diff(sp.row_ptr))
    for s in range(S):
        a, b = offsets[s], offsets[s + 1]
        lfp = log_frameprob[a:b]
        lp, la = _forward(log_startprob, sp, lfp)
        log_prob[s] = lp
        if not np.isfinite(lp):
            post[a:b] = np.nan
            xi_nnz[:] = np.nan
            continue
        lb = _backward(sp, lfp)
        g = la + lb
        m = np.max(g, axis=1, keepdims=True)
        e = np.exp(g - m)
        post[a:b] = e / e.sum(axis=1, keepdims=True)
        for t in range(b - a - 1):
            xi_nnz += np.exp(la[t][rows] + sp.log_val + (lfp[t + 1] + lb[t + 1])[sp.col_idx] - lp)
    xi = np.zeros((K, K))
    xi[rows, sp.col_idx] = xi_nnz
    return log_prob, post, xi


def score(log_startprob, sp, log_frameprob, offsets):
    """Log-likelihood of each sequence, shape (S,)."""
    return np.array([_forward(log_startprob, sp, log_frameprob[offsets[s]:offsets[s + 1]])[0]
                     for s in range(len(offsets) - 1)])


def viterbi(log_startprob, sp, log_frameprob, offsets):
    """All sequences: (log_prob (S,), states (N,) int64); ties go to the lowest state."""
    S = len(offsets) - 1
    K = sp.n_states
    log_prob = np.empty(S)
    states = np.empty(log_frameprob.shape[0], dtype=np.int64)
    src_csc = sp.row_idx
    val_csc = sp.log_val[sp.csr_pos]
    for s in range(S):
        a, b = offsets[s], offsets[s + 1]
        lfp = log_frameprob[a:b]
        T = b - a
        back = np.zeros((T, K), dtype=np.int64)
        delta = log_startprob + lfp[0]
        for t in range(1, T):
            cand = delta[src_csc] + val_csc
            best = np.full(K, -np.inf)
            arg = np.zeros(K, dtype=np.int64)
            # per column: max over incoming, lowest row index on ties (CSC rows ascend);
            # a column with no finite candidate points to state 0, as the dense oracle's
            # argmax over a column of -inf does
            for k in range(K):
                lo, hi = sp.col_ptr[k], sp.col_ptr[k + 1]
                if hi > lo:
                    j = lo + int(np.argmax(cand[lo:hi]))
                    if cand[j] > -np.inf:
                        best[k] = cand[j]
                        arg[k] = src_csc[j]
            back[t] = arg
            delta = best + lfp[t]
        st = np.empty(T, dtype=np.int64)
        st[-1] = int(np.argmax(delta))
        log_prob[s] = float(delta[st[-1]])
        for t in range(T - 1, 0, -1):
            st[t - 1] = back[t, st[t]]
        states[a:b] = st
    return log_prob, states
