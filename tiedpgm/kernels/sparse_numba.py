"""Numba CPU kernels for a sparse transition matrix (same outputs as
:mod:`tiedpgm.kernels.sparse_reference`, the oracle they are tested against).

Per frame the forward pass gathers over each state's incoming edges (CSC) and the
backward pass over its outgoing edges (CSR), so the cost is O(nnz) per frame instead of
O(K^2). Forward-backward is exact whatever the dynamic range: alpha and beta are held
in extended-exponent form (a float64 mantissa and an int64 exponent per state, see
:mod:`tiedpgm.kernels.banded_numba`), so a state is never lost because another state
fits a frame far better (a recursion scaled per frame loses such states without any
scale factor underflowing, and a left-right sequence that runs through its states three
times then scored -26146 instead of -9778). One exp per state and frame in each pass,
no logs (the log-space recursion costs an exp per *edge*); results equal the log-space
oracle to ~1e-14 relative. Sequences are processed in parallel in chunks
balanced by total length; each chunk accumulates expected transition counts into its
own buffer (one row of ``buf``), reduced serially at the end.

When the non-zeros lie on a few well-filled diagonals (left-right / Bakis models: see
:func:`~tiedpgm.kernels.banded_numba.banded_form`), ``forward_backward`` and ``viterbi``
hand over to :mod:`tiedpgm.kernels.banded_numba`, whose loops are contiguous and
vectorised (forward-backward about 6x faster per frame on the K=512 left-right
benchmark); the CSR kernels below serve every other pattern, and ``score``.
``forward_backward_stats`` (a fit's fused E-step: frames and emission statistics inside
the passes, no (N, K) arrays) exists for the banded layout only.
"""
import numpy as np
from numba import njit, prange

from . import banded_numba
from .banded_numba import (_LN2, _ZE, _chunks, _exp_ext, _norm_e, _norm_m, _pow2,
                           banded_form, ext_of_log)
from .sparse_reference import SparseLogTransmat

__all__ = ["forward_backward", "forward_backward_stats", "score", "viterbi", "to_sparse",
           "support_unchanged", "transition_mstep"]


@njit(cache=True)
def _row_nnz(A, i):
    """(number of non-zeros in row i, column of the first one (K if none)), in one
    vectorised pass."""
    K = A.shape[1]
    c = 0
    first = K
    for j in range(K):
        nz = A[i, j] != 0
        c += nz
        first = min(first, j if nz else K)
    return c, first


@njit(cache=True)
def _sparse_arrays(A):
    K = A.shape[0]
    row_ptr = np.zeros(K + 1, dtype=np.int64)
    col_idx = np.empty(4 * K + 4, dtype=np.int64)
    vals = np.empty(4 * K + 4)
    col_ptr = np.zeros(K + 1, dtype=np.int64)
    nnz = 0
    # one pass: each row is counted (vectorised), then scanned while still in cache, from
    # its first non-zero to its last
    for i in range(K):
        c, j = _row_nnz(A, i)
        if nnz + c > col_idx.shape[0]:
            cap = max(2 * col_idx.shape[0], nnz + c)
            col_idx = np.concatenate((col_idx[:nnz], np.empty(cap - nnz, dtype=np.int64)))
            vals = np.concatenate((vals[:nnz], np.empty(cap - nnz)))
        for p in range(nnz, nnz + c):
            while A[i, j] == 0:
                j += 1
            col_idx[p] = j
            vals[p] = A[i, j]
            col_ptr[j + 1] += 1
            j += 1
        nnz += c
        row_ptr[i + 1] = nnz
    col_idx = col_idx[:nnz].copy()
    vals = vals[:nnz].copy()
    for j in range(K):
        col_ptr[j + 1] += col_ptr[j]
    # CSC order by a counting sort over the CSR entries: rows ascend within each column
    fill = col_ptr[:K].copy()
    row_idx = np.empty(nnz, dtype=np.int64)
    csr_pos = np.empty(nnz, dtype=np.int64)
    for i in range(K):
        for p in range(row_ptr[i], row_ptr[i + 1]):
            q = fill[col_idx[p]]
            row_idx[q] = i
            csr_pos[q] = p
            fill[col_idx[p]] = q + 1
    return row_ptr, col_idx, vals, col_ptr, row_idx, csr_pos


def to_sparse(transmat):
    """:func:`tiedpgm.kernels.sparse_reference.to_sparse` in one compiled pass over the
    matrix (~10x faster at K=512, where it was a twentieth of a left-right EM iteration);
    the same arrays, bit for bit."""
    A = np.ascontiguousarray(transmat, dtype=np.float64)
    row_ptr, col_idx, vals, col_ptr, row_idx, csr_pos = _sparse_arrays(A)
    return SparseLogTransmat(A.shape[0], row_ptr, col_idx, np.log(vals), col_ptr, row_idx,
                             csr_pos)


@njit(cache=True)
def _support_unchanged(A, row_ptr, col_idx, vals):
    for i in range(A.shape[0]):
        if _row_nnz(A, i)[0] != row_ptr[i + 1] - row_ptr[i]:
            return False
        for p in range(row_ptr[i], row_ptr[i + 1]):
            if A[i, col_idx[p]] != vals[p]:
                return False
    return True


@njit(cache=True)
def _transition_mstep(trans, prior, row_ptr, col_idx, old, out, vals):
    for i in range(row_ptr.shape[0] - 1):
        total = 0.0
        for p in range(row_ptr[i], row_ptr[i + 1]):
            j = col_idx[p]
            vals[p] = max(prior[i, j] - 1.0 + trans[i, j], 0.0)
            total += vals[p]
        for p in range(row_ptr[i], row_ptr[i + 1]):
            vals[p] = vals[p] / total if total > 0 else old[p]
            out[i, col_idx[p]] = vals[p]


def transition_mstep(trans, prior, sp, old, out):
    """:func:`tiedpgm.kernels.sparse_reference.transition_mstep`, compiled (the same
    numbers: each row's total is summed in the same order)."""
    vals = np.empty(len(sp.col_idx))
    _transition_mstep(np.asarray(trans, dtype=np.float64), np.asarray(prior, dtype=np.float64),
                      sp.row_ptr, sp.col_idx, old, out, vals)
    return vals


def support_unchanged(A, sp, vals):
    """:func:`tiedpgm.kernels.sparse_reference.support_unchanged`, compiled (one pass, no
    temporaries)."""
    A = np.ascontiguousarray(A, dtype=np.float64)
    return bool(_support_unchanged(A, sp.row_ptr, sp.col_idx, vals))


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
def _exp_row(lfp, r, fp, fk):
    """(fp, fk)[j] = exp(lfp[r, j]) in extended form (a vectorised pass)."""
    for j in range(lfp.shape[1]):
        p, k = _exp_ext(lfp[r, j])
        fp[j] = p
        fk[j] = k


@njit(cache=True)
def _ext_fb_seq(lsp, row_ptr, col_idx, vm, ve, col_ptr, row_idx, vmc, vec, lfp, a, b, AM,
                AE, gM, gE, nM, nE, fp, fk, post, xi):
    """Forward-backward of one sequence in extended-exponent arithmetic (every alpha and
    beta as mant * 2**expo, see :mod:`.banded_numba`): exact, nothing under- or
    overflows. Posteriors into post[a:b], expected transitions added to xi (nnz,);
    returns the log-likelihood (-inf: NaN posteriors, xi untouched). A (CSR vm/ve, CSC
    vmc/vec) in extended form; AM/AE (T, K), gM/gE/nM/nE/fp/fk (K,) scratch. Each sum
    over a state's edges is one pass that rescales its running total when a larger term
    arrives."""
    K = lsp.shape[0]
    T = b - a
    for j in range(K):
        p, k = _exp_ext(lsp[j] + lfp[a, j])
        AM[0, j] = _norm_m(p)
        AE[0, j] = _norm_e(p, k)
    for t in range(1, T):
        _exp_row(lfp, a + t, fp, fk)
        for j in range(K):
            em = _ZE
            acc = 0.0
            for q in range(col_ptr[j], col_ptr[j + 1]):
                i = row_idx[q]
                x = AE[t - 1, i] + vec[q]
                m = AM[t - 1, i] * vmc[q]
                if x > em:
                    acc = acc * _pow2(em - x) + m
                    em = x
                else:
                    acc += m * _pow2(x - em)
            v = acc * fp[j]
            AM[t, j] = _norm_m(v)
            AE[t, j] = _norm_e(v, em + fk[j])
    e = _ZE
    for j in range(K):
        e = max(e, AE[T - 1, j])
    s = 0.0
    for j in range(K):
        s += AM[T - 1, j] * _pow2(AE[T - 1, j] - e)
    if s == 0.0:
        for t in range(T):
            for j in range(K):
                post[a + t, j] = np.nan
        return -np.inf
    lp = np.log(s) + e * _LN2
    inv_mp = 1.0 / _norm_m(s)
    ep = _norm_e(s, e)
    # backward: g = exp(lfp_{t+1}) beta_{t+1}; beta_t = A g; gamma_t = alpha_t beta_t / P
    _exp_row(lfp, b - 1, gM, gE)
    for j in range(K):
        post[b - 1, j] = AM[T - 1, j] * inv_mp * _pow2(AE[T - 1, j] - ep)
    for t in range(T - 2, -1, -1):
        _exp_row(lfp, a + t, fp, fk)
        for i in range(K):
            lo = row_ptr[i]
            hi = row_ptr[i + 1]
            em = _ZE
            acc = 0.0
            for q in range(lo, hi):
                j = col_idx[q]
                x = ve[q] + gE[j]
                m = vm[q] * gM[j]
                if x > em:
                    acc = acc * _pow2(em - x) + m
                    em = x
                else:
                    acc += m * _pow2(x - em)
            # alpha_t(i) 2**em / P (<= 1 / acc: no overflow)
            c = AM[t, i] * inv_mp * _pow2(AE[t, i] + em - ep)
            post[a + t, i] = c * acc
            if c != 0.0:
                for q in range(lo, hi):
                    j = col_idx[q]
                    xi[q] += c * vm[q] * gM[j] * _pow2(ve[q] + gE[j] - em)
            v = acc * fp[i]
            nM[i] = _norm_m(v)
            nE[i] = _norm_e(v, em + fk[i])
        for i in range(K):
            gM[i] = nM[i]
            gE[i] = nE[i]
    return lp


@njit(cache=True, parallel=True)
def _forward_backward(lsp, row_ptr, col_idx, vm, ve, col_ptr, row_idx, vmc, vec, lfp,
                      offsets, bounds, log_prob, post, buf):
    K = lsp.shape[0]
    n_chunks = bounds.shape[0] - 1
    for c in prange(n_chunks):
        maxT = 0
        for s in range(bounds[c], bounds[c + 1]):
            if offsets[s + 1] - offsets[s] > maxT:
                maxT = offsets[s + 1] - offsets[s]
        AM = np.empty((maxT, K))
        AE = np.empty((maxT, K), dtype=np.int64)
        gM = np.empty(K)
        gE = np.empty(K, dtype=np.int64)
        nM = np.empty(K)
        nE = np.empty(K, dtype=np.int64)
        fp = np.empty(K)
        fk = np.empty(K, dtype=np.int64)
        xi = buf[c]
        for s in range(bounds[c], bounds[c + 1]):
            log_prob[s] = _ext_fb_seq(lsp, row_ptr, col_idx, vm, ve, col_ptr, row_idx, vmc,
                                      vec, lfp, offsets[s], offsets[s + 1], AM, AE, gM, gE,
                                      nM, nE, fp, fk, post, xi)


def forward_backward(log_startprob, sp, log_frameprob, offsets):
    """All sequences: (log_prob (S,), posteriors (N, K), xi_sum (K, K) dense)."""
    band = banded_form(sp)
    if band is not None:
        return banded_numba.forward_backward(log_startprob, band, log_frameprob, offsets)
    lfp = np.ascontiguousarray(log_frameprob, dtype=np.float64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    N, K = lfp.shape
    S = len(offsets) - 1
    bounds = _chunks(offsets, _n_chunks(offsets))
    nnz = len(sp.log_val)
    buf = np.zeros((len(bounds) - 1, nnz))
    log_prob = np.empty(S)
    post = np.empty((N, K))
    vm, ve = ext_of_log(np.ascontiguousarray(sp.log_val, dtype=np.float64))
    _forward_backward(np.ascontiguousarray(log_startprob, dtype=np.float64), sp.row_ptr,
                      sp.col_idx, vm, ve, sp.col_ptr, sp.row_idx,
                      np.ascontiguousarray(vm[sp.csr_pos]), np.ascontiguousarray(ve[sp.csr_pos]),
                      lfp, offsets, bounds, log_prob, post, buf)
    xi_nnz = buf.sum(axis=0)
    if not np.all(np.isfinite(log_prob)):
        xi_nnz[:] = np.nan
    xi = np.zeros((K, K))
    rows = np.repeat(np.arange(K), np.diff(sp.row_ptr))
    xi[rows, sp.col_idx] = xi_nnz
    return log_prob, post, xi


def forward_backward_stats(log_startprob, sp, offsets, log_frameprob=None, **frames):
    """E-step statistics without (N, K) arrays for a banded ``sp``: the arguments and the
    result dict of :func:`tiedpgm.kernels.numba_cpu.forward_backward_stats`, with the
    sparse matrix in place of the dense log transition matrix (see
    :func:`tiedpgm.kernels.banded_numba.forward_backward_stats`). None when ``sp`` has no
    banded layout: the caller then runs :func:`forward_backward` on its log_frameprob."""
    band = banded_form(sp)
    if band is None:
        return None
    return banded_numba.forward_backward_stats(log_startprob, band, offsets, log_frameprob,
                                               **frames)


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
    """Log-likelihood of each sequence, shape (S,): the banded extended-exponent forward
    pass where the layout qualifies, else the log-space recursion on the CSR layout
    (both exact whatever underflows)."""
    band = banded_form(sp)
    if band is not None:
        return banded_numba.score(log_startprob, band, log_frameprob, offsets)
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
                    # rows ascend within a column: a strict '>' keeps the lowest on
                    # ties; no finite candidate points to state 0, as in the oracle
                    best = -np.inf
                    arg = 0
                    for p in range(col_ptr[k], col_ptr[k + 1]):
                        v = delta[row_idx[p]] + val_csc[p]
                        if v > best:
                            best = v
                            arg = row_idx[p]
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
    band = banded_form(sp)
    if band is not None:
        return banded_numba.viterbi(log_startprob, band, log_frameprob, offsets)
    lfp = np.ascontiguousarray(log_frameprob, dtype=np.float64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    bounds = _chunks(offsets, _n_chunks(offsets))
    lp = np.empty(len(offsets) - 1)
    states = np.empty(lfp.shape[0], dtype=np.int64)
    _viterbi(np.ascontiguousarray(log_startprob, dtype=np.float64), sp.col_ptr, sp.row_idx,
             np.ascontiguousarray(sp.log_val[sp.csr_pos]), lfp, offsets, bounds, lp, states)
    return lp, states
