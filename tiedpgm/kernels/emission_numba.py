"""Numba kernels for the emission side of one EM iteration (categorical, diagonal Gaussian).

They replace NumPy expressions that made several passes (and temporary copies) over
(n_samples, n_states) arrays: building ``log_frameprob`` from group parameters and
expanding it to states, and summing posterior-weighted statistics. Each is one pass over
the rows, parallel over contiguous row blocks (``prange``; a block per thread and then
some), with per-block accumulators reduced serially at the end so results do not depend
on thread scheduling.

Shapes: ``x`` (N,) int64 symbols (negative = missing), ``X`` (N, F) float64,
``W`` (N, C) float64 posterior weights (states or groups), ``slots`` (K,) int64 the
group of each state.
"""
import numpy as np
from numba import get_num_threads, njit, prange

# rows per block below which one block is used (thread start-up dominates)
_MIN_BLOCK = 4096


def n_blocks(n):
    """Number of row blocks for ``n`` rows: a few per numba thread, at least _MIN_BLOCK rows."""
    return int(max(1, min(4 * get_num_threads(), n // _MIN_BLOCK)))


# ---------------------------------------------------------------------------
# categorical
# ---------------------------------------------------------------------------
@njit(cache=True, parallel=True)
def cat_gather(table, x, nb):
    """``out[r] = table[x[r]]`` (N, K); a negative (missing) symbol gives a row of zeros."""
    N = x.shape[0]
    K = table.shape[1]
    out = np.empty((N, K))
    for c in prange(nb):
        r0 = (N * c) // nb
        r1 = (N * (c + 1)) // nb
        for r in range(r0, r1):
            s = x[r]
            if s < 0:
                for k in range(K):
                    out[r, k] = 0.0
            else:
                for k in range(K):
                    out[r, k] = table[s, k]
    return out


@njit(cache=True, parallel=True)
def cat_counts(x, W, n_symbols, nb):
    """``counts[c, s] = sum_{r: x[r] = s} W[r, c]``, shape (C, n_symbols); rows with a
    missing (negative) or out-of-range symbol are skipped."""
    N, C = W.shape
    bufs = np.zeros((nb, n_symbols, C))
    for c in prange(nb):
        r0 = (N * c) // nb
        r1 = (N * (c + 1)) // nb
        for r in range(r0, r1):
            s = x[r]
            if s >= 0 and s < n_symbols:
                for k in range(C):
                    bufs[c, s, k] += W[r, k]
    out = np.zeros((C, n_symbols))
    for c in range(nb):
        for s in range(n_symbols):
            for k in range(C):
                out[k, s] += bufs[c, s, k]
    return out


# ---------------------------------------------------------------------------
# diagonal Gaussian (spherical and diag covariances)
# ---------------------------------------------------------------------------
@njit(cache=True, parallel=True)
def diag_gauss_loglik(X, meansT, precT, const, slots, nb):
    """Log density of every row under every *state*, shape (N, K).

    ``meansT``, ``precT`` (F, G): group means and precisions (1 / variance), transposed
    so the inner loop runs over groups; ``const`` (G,) = -0.5 (F log 2 pi + sum log var);
    ``slots`` (K,) maps states to groups (the expansion costs no extra pass).
    Computes ``const[g] - 0.5 sum_f (x_f - m_gf)^2 p_gf``. Returns ``(out, has_nan)``:
    ``has_nan`` is True when a row of X holds a NaN (its values are then NaN).
    """
    N, F = X.shape
    G = meansT.shape[1]
    K = slots.shape[0]
    out = np.empty((N, K))
    nan = np.zeros(nb, dtype=np.bool_)
    for c in prange(nb):
        r0 = (N * c) // nb
        r1 = (N * (c + 1)) // nb
        acc = np.empty(G)
        for r in range(r0, r1):
            for g in range(G):
                acc[g] = 0.0
            for f in range(F):
                xf = X[r, f]
                for g in range(G):
                    d = xf - meansT[f, g]
                    acc[g] += d * d * precT[f, g]
            if acc[0] != acc[0]:
                nan[c] = True
            for k in range(K):
                out[r, k] = const[slots[k]] - 0.5 * acc[slots[k]]
    return out, nan.any()


@njit(cache=True, parallel=True)
def diag_gauss_stats(X, W, nb):
    """Posterior-weighted sums: ``(sum_w (C,), sum_x (C, F), sum_xx (C, F))``."""
    N, F = X.shape
    C = W.shape[1]
    bw = np.zeros((nb, C))
    bx = np.zeros((nb, F, C))
    bxx = np.zeros((nb, F, C))
    for c in prange(nb):
        r0 = (N * c) // nb
        r1 = (N * (c + 1)) // nb
        sw = np.zeros(C)
        sx = np.zeros((F, C))
        sxx = np.zeros((F, C))
        for r in range(r0, r1):
            for k in range(C):
                sw[k] += W[r, k]
            for f in range(F):
                xf = X[r, f]
                xf2 = xf * xf
                for k in range(C):
                    w = W[r, k]
                    sx[f, k] += w * xf
                    sxx[f, k] += w * xf2
        bw[c] = sw
        bx[c] = sx
        bxx[c] = sxx
    sum_w = np.zeros(C)
    sum_x = np.zeros((C, F))
    sum_xx = np.zeros((C, F))
    for c in range(nb):
        for k in range(C):
            sum_w[k] += bw[c, k]
            for f in range(F):
                sum_x[k, f] += bx[c, f, k]
                sum_xx[k, f] += bxx[c, f, k]
    return sum_w, sum_x, sum_xx


def pool_columns(a, slots, n_groups):
    """Sum the leading (state) axis of ``a`` within groups: (K, ...) -> (n_groups, ...)."""
    out = np.zeros((n_groups,) + a.shape[1:])
    np.add.at(out, slots, a)
    return out
