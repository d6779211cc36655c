"""Numba kernels for the emission side of one EM iteration (categorical, diagonal Gaussian,
Gaussian mixtures).

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


#: all_finite sums arrays of fewer elements with NumPy (a parallel region costs more)
_FINITE_PARALLEL = 1 << 20


@njit(cache=True, parallel=True, fastmath={"reassoc"})
def _block_sums(X, nb):
    n = X.shape[0]
    out = np.zeros(nb)
    for c in prange(nb):
        s = 0.0
        for i in range(c * n // nb, (c + 1) * n // nb):
            for j in range(X.shape[1]):
                s += X[i, j]
        out[c] = s
    return out


def all_finite(X):
    """Whether the float64 (N, F) array X is all finite, in one parallel pass: its sum is
    finite (in any order: reassociated, so it vectorises; a sum that overflows says False
    for finite X, and the caller then looks element by element). ~1.7x faster than
    ``np.isfinite(np.sum(X))`` on two cores."""
    with np.errstate(over="ignore", invalid="ignore"):
        if X.size < _FINITE_PARALLEL:
            return bool(np.isfinite(np.sum(X)))
        return bool(np.isfinite(np.sum(_block_sums(X, n_blocks(X.shape[0])))))


#: int_range takes NumPy's two passes over arrays of fewer elements
_RANGE_PARALLEL = 1 << 16


@njit(cache=True, parallel=True)
def _block_ranges(x, nb):
    n = x.shape[0]
    lo = np.empty(nb, dtype=np.int64)
    hi = np.empty(nb, dtype=np.int64)
    for c in prange(nb):
        a = x[c * n // nb]
        b = a
        for i in range(c * n // nb, (c + 1) * n // nb):
            v = x[i]
            a = min(a, v)
            b = max(b, v)
        lo[c] = a
        hi[c] = b
    return lo, hi


def int_range(x):
    """``(x.min(), x.max())`` of a non-empty int64 (N,) array in one parallel pass (NumPy
    takes a pass for each)."""
    if x.size < _RANGE_PARALLEL:
        return int(x.min()), int(x.max())
    lo, hi = _block_ranges(x, n_blocks(x.shape[0]))
    return int(lo.min()), int(hi.max())


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


# ---------------------------------------------------------------------------
# mixtures
# ---------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _mix_reduce(acc, S, M, r, ll, resp):
    """Row ``r`` of :func:`mix_logsumexp`'s outputs from the row's component log densities
    ``acc`` (S * M,), component c = s * M + m."""
    for s in range(S):
        mx = -np.inf
        bad = False
        for m in range(M):
            v = acc[s * M + m]
            if v != v:
                bad = True
            elif v > mx:
                mx = v
        if bad or mx == -np.inf or mx == np.inf:
            ll[r, s] = np.nan if bad else mx
            for m in range(M):
                resp[r, s, m] = np.nan
            continue
        tot = 0.0
        for m in range(M):
            e = np.exp(acc[s * M + m] - mx)
            resp[r, s, m] = e
            tot += e
        inv = 1.0 / tot
        for m in range(M):
            resp[r, s, m] *= inv
        ll[r, s] = mx + np.log(tot)


@njit(cache=True, parallel=True)
def mix_logsumexp(ld, nb):
    """Mixture log-likelihoods and component responsibilities from component log
    densities ``ld`` (N, S, M): ``ll[n, s] = log sum_m exp(ld[n, s, m])`` (-inf where every
    term is -inf, NaN where a term is NaN, as scipy.special.logsumexp) and
    ``resp[n, s, m] = exp(ld[n, s, m] - ll[n, s])`` (NaN where ll is not finite).
    One exp per term."""
    N, S, M = ld.shape
    ll = np.empty((N, S))
    resp = np.empty((N, S, M))
    for c in prange(nb):
        acc = np.empty(S * M)
        for r in range((N * c) // nb, (N * (c + 1)) // nb):
            for s in range(S):
                for m in range(M):
                    acc[s * M + m] = ld[r, s, m]
            _mix_reduce(acc, S, M, r, ll, resp)
    return ll, resp


@njit(cache=True, parallel=True)
def diag_mix_loglik(X, meansT, precT, const, S, M, nb):
    """Diagonal-Gaussian mixtures without missing values, fused: component log densities
    ``const[c] - 0.5 sum_f (x_f - mu_cf)^2 prec_cf`` (components c = s * M + m, held
    per row only) reduced at once to what :func:`mix_logsumexp` returns, ``(ll, resp)``."""
    N, F = X.shape
    C = S * M
    ll = np.empty((N, S))
    resp = np.empty((N, S, M))
    for c in prange(nb):
        acc = np.empty(C)
        for r in range((N * c) // nb, (N * (c + 1)) // nb):
            for g in range(C):
                acc[g] = 0.0
            for f in range(F):
                xf = X[r, f]
                for g in range(C):
                    d = xf - meansT[f, g]
                    acc[g] += d * d * precT[f, g]
            for g in range(C):
                acc[g] = const[g] - 0.5 * acc[g]
            _mix_reduce(acc, S, M, r, ll, resp)
    return ll, resp


@njit(cache=True, parallel=True)
def mix_weights(resp, gp, nb):
    """Component posterior weights ``resp * gp``, (N, S, M) x (N, S) -> (N, S * M); 0 where
    that is NaN (a group of zero likelihood)."""
    N, S, M = resp.shape
    out = np.empty((N, S * M))
    bs = (N + nb - 1) // nb
    for b in prange(nb):
        for n in range(b * bs, min(N, (b + 1) * bs)):
            for s in range(S):
                g = gp[n, s]
                for m in range(M):
                    v = resp[n, s, m] * g
                    out[n, s * M + m] = 0.0 if v != v else v
    return out


def pool_columns(a, slots, n_groups):
    """Sum the leading (state) axis of ``a`` within groups: (K, ...) -> (n_groups, ...)."""
    out = np.zeros((n_groups,) + a.shape[1:])
    np.add.at(out, slots, a)
    return out
