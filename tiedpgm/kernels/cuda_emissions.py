"""Numba-CUDA kernels for the emission side of one EM iteration on the GPU.

``backend="cupy"`` keeps the observations on the device for a whole fit; each EM
iteration then needs, on the device,

1. the frame log-likelihoods ``log_frameprob`` (N, K) of every state, from the current
   (small) emission parameters -- categorical gather, diagonal/spherical Gaussian,
   full/tied Gaussian (through the inverse Cholesky factor computed on the host),
   Poisson, Gaussian mixtures (per-component densities reduced by log-sum-exp, with the
   component responsibilities kept for step 3);
2. the posteriors (:func:`tiedpgm.kernels.cupy_gpu.forward_backward` with
   ``keep_on_device=True``);
3. the posterior-weighted sums -- symbol counts, ``sum_w``, ``sum_x``, ``sum_xx`` or
   ``sum_xxT`` per state (per mixture component for mixtures), the posterior of the
   first frame of every sequence -- reduced on the device, so that only these small
   arrays come back to the host, where the model layer pools them within tie groups and
   runs the unchanged M-step.

Like :mod:`.cuda_kernels`, this module takes arrays only (never a model, never a tie):
parameters arrive already expanded to one row per state (or per mixture component).
Sums are computed by fixed "workers" (each a contiguous block of rows, one thread per
output entry, float64 accumulators, no atomics) and then summed over workers in a fixed
order, so results are deterministic run to run.

The same source runs under Numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``), where
"device arrays" are plain NumPy arrays; that is how the tests compare every kernel with
the host families on the CPU (``tests/test_gpu_em_sim.py``).
"""
import math
import warnings

import numpy as np
from numba import config as _numba_config

from ._numba_cuda import cuda

_LOG_2PI = math.log(2 * math.pi)
_THREADS = 256
_MAX_BLOCKS = 8192
# workers for the sums: at least this many rows each, at most this many workers ...
_MIN_ROWS_PER_WORKER = 64
_MAX_WORKERS = 4096
# ... and at most this many threads in all (about two waves on an H100)
_MAX_SUM_THREADS = 1 << 18

MODES = {"first": 0, "diag": 1, "full": 2}


def simulated():
    """True under Numba's CUDA simulator (device arrays are then NumPy arrays)."""
    return bool(_numba_config.ENABLE_CUDASIM)


# ---------------------------------------------------------------------------------------
# array helpers
# ---------------------------------------------------------------------------------------
def to_device(a, dtype=None):
    """``a`` as a C-contiguous array on the device (NumPy under the simulator)."""
    a = np.ascontiguousarray(a, dtype=dtype)
    if simulated():
        return a
    return cuda.to_device(a)


def empty(shape, dtype=np.float64):
    """An uninitialised device array."""
    if simulated():
        return np.empty(shape, dtype=dtype)
    return cuda.device_array(shape, dtype=dtype)


def to_host(a):
    """A device array (numba, CuPy or anything with ``__cuda_array_interface__``) as NumPy."""
    if isinstance(a, np.ndarray):
        return a
    if hasattr(a, "copy_to_host"):
        return a.copy_to_host()
    if hasattr(a, "get"):          # CuPy
        return a.get()
    return cuda.as_cuda_array(a).copy_to_host()


def _launch(n):
    """(blocks, threads) of a grid-stride loop over ``n`` items."""
    if simulated():
        return 2, 4          # every simulated thread is a Python thread: keep it small
    return max(1, min(-(-n // _THREADS), _MAX_BLOCKS)), _THREADS


def _run(kernel, n, *args):
    """Launch ``kernel`` as a grid-stride loop over ``n`` items. Small problems give small
    grids by design; numba's under-utilisation warning is not shown for them."""
    b, t = _launch(n)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*under-utilization")
        kernel[b, t](*args)


def _workers(n_rows, n_entries):
    """(n_workers, rows per worker) for sums with ``n_entries`` outputs per worker."""
    if simulated():
        P = min(3, max(1, n_rows))
    else:
        P = max(1, min(-(-n_rows // _MIN_ROWS_PER_WORKER), _MAX_WORKERS,
                       max(1, _MAX_SUM_THREADS // max(1, n_entries))))
    rows = max(1, -(-n_rows // P))
    return max(1, -(-n_rows // rows)), rows


# ---------------------------------------------------------------------------------------
# kernels: frame log-likelihoods
# ---------------------------------------------------------------------------------------
@cuda.jit
def _cat_loglik(x, table, out):
    """out[n, k] = table[x[n], k]."""
    N, K = out.shape
    for i in range(cuda.grid(1), N * K, cuda.gridsize(1)):
        n = i // K
        k = i - n * K
        out[n, k] = table[x[n], k]


@cuda.jit
def _diag_loglik(X, means, prec, const, out):
    """out[n, k] = const[k] - 0.5 sum_f (x_nf - means_kf)^2 prec_kf (as the host's
    ``emission_numba.diag_gauss_loglik``)."""
    N, K = out.shape
    F = X.shape[1]
    for i in range(cuda.grid(1), N * K, cuda.gridsize(1)):
        n = i // K
        k = i - n * K
        acc = 0.0
        for f in range(F):
            d = X[n, f] - means[k, f]
            acc += d * d * prec[k, f]
        out[n, k] = const[k] - 0.5 * acc


@cuda.jit
def _full_loglik(X, means, linv, const, out):
    """out[n, k] = const[k] - 0.5 |L_k^{-1} (x_n - means_k)|^2, ``linv`` (K, F, F) lower
    triangular (the inverse Cholesky factor of each covariance)."""
    N, K = out.shape
    F = X.shape[1]
    for i in range(cuda.grid(1), N * K, cuda.gridsize(1)):
        n = i // K
        k = i - n * K
        quad = 0.0
        for a in range(F):
            z = 0.0
            for b in range(a + 1):
                z += linv[k, a, b] * (X[n, b] - means[k, b])
            quad += z * z
        out[n, k] = const[k] - 0.5 * quad


@cuda.jit
def _poisson_loglik(X, loglam, lamsum, glr, out):
    """out[n, k] = sum_f x_nf log(lambda_kf) - sum_f lambda_kf - sum_f log(x_nf!)."""
    N, K = out.shape
    F = X.shape[1]
    for i in range(cuda.grid(1), N * K, cuda.gridsize(1)):
        n = i // K
        k = i - n * K
        acc = 0.0
        for f in range(F):
            acc += X[n, f] * loglam[k, f]
        out[n, k] = acc - lamsum[k] - glr[n]


@cuda.jit(device=True)
def _mix_reduce(resp, n, s, M, ll):
    """In place: resp[n, s, :] holds component log densities; leave responsibilities there
    and the mixture log-likelihood in ll[n, s] (as the host's ``_mix_reduce``: -inf when
    every term is -inf, NaN when a term is NaN, responsibilities NaN when ll is not
    finite)."""
    mx = -math.inf
    bad = False
    for m in range(M):
        v = resp[n, s, m]
        if v != v:
            bad = True
        elif v > mx:
            mx = v
    if bad or mx == -math.inf or mx == math.inf:
        ll[n, s] = math.nan if bad else mx
        for m in range(M):
            resp[n, s, m] = math.nan
        return
    tot = 0.0
    for m in range(M):
        e = math.exp(resp[n, s, m] - mx)
        resp[n, s, m] = e
        tot += e
    inv = 1.0 / tot
    for m in range(M):
        resp[n, s, m] *= inv
    ll[n, s] = mx + math.log(tot)


@cuda.jit
def _mix_diag(X, means, prec, const, ll, resp):
    """Diagonal mixtures: components c = s * M + m of ``means``, ``prec`` (S * M, F),
    ``const`` (S * M,) (log weight included)."""
    N, S, M = resp.shape
    F = X.shape[1]
    for i in range(cuda.grid(1), N * S, cuda.gridsize(1)):
        n = i // S
        s = i - n * S
        for m in range(M):
            c = s * M + m
            acc = 0.0
            for f in range(F):
                d = X[n, f] - means[c, f]
                acc += d * d * prec[c, f]
            resp[n, s, m] = const[c] - 0.5 * acc
        _mix_reduce(resp, n, s, M, ll)


@cuda.jit
def _mix_full(X, means, linv, const, ll, resp):
    """Full-covariance mixtures: ``linv`` (S * M, F, F) inverse Cholesky factors."""
    N, S, M = resp.shape
    F = X.shape[1]
    for i in range(cuda.grid(1), N * S, cuda.gridsize(1)):
        n = i // S
        s = i - n * S
        for m in range(M):
            c = s * M + m
            quad = 0.0
            for a in range(F):
                z = 0.0
                for b in range(a + 1):
                    z += linv[c, a, b] * (X[n, b] - means[c, b])
                quad += z * z
            resp[n, s, m] = const[c] - 0.5 * quad
        _mix_reduce(resp, n, s, M, ll)


@cuda.jit
def _expand(src, slots, out):
    """out[n, k] = src[n, slots[k]] (group columns to state columns)."""
    N, K = out.shape
    for i in range(cuda.grid(1), N * K, cuda.gridsize(1)):
        n = i // K
        k = i - n * K
        out[n, k] = src[n, slots[k]]


# ---------------------------------------------------------------------------------------
# kernels: statistics
# ---------------------------------------------------------------------------------------
@cuda.jit
def _mix_gamma(resp, post, slots, gam):
    """gam[n, s * M + m] = resp[n, s, m] * sum_{k: slots[k] = s} post[n, k]; 0 where that
    is NaN (a group of zero likelihood), as the host's ``mix_weights``."""
    N, S, M = resp.shape
    K = post.shape[1]
    for i in range(cuda.grid(1), N * S, cuda.gridsize(1)):
        n = i // S
        s = i - n * S
        g = 0.0
        for k in range(K):
            if slots[k] == s:
                g += post[n, k]
        for m in range(M):
            v = resp[n, s, m] * g
            gam[n, s * M + m] = 0.0 if v != v else v


@cuda.jit
def _moments(W, X, mode, rows, partial):
    """Worker p sums rows [p * rows, (p + 1) * rows): entry (c, d) of the row
    ``partial[p, c * D + d]`` is sum_r W[r, c] z_d(x_r) with z_0 = 1, z_{1..F} = x_f and
    then (mode 1) x_f^2 or (mode 2) x_a x_b."""
    P, CD = partial.shape
    N, C = W.shape
    F = X.shape[1]
    D = CD // C
    for i in range(cuda.grid(1), P * CD, cuda.gridsize(1)):
        p = i // CD
        j = i - p * CD
        c = j // D
        d = j - c * D
        r0 = p * rows
        r1 = r0 + rows
        if r1 > N:
            r1 = N
        acc = 0.0
        if d == 0:
            for r in range(r0, r1):
                acc += W[r, c]
        elif d <= F:
            f = d - 1
            for r in range(r0, r1):
                acc += W[r, c] * X[r, f]
        elif mode == 1:
            f = d - 1 - F
            for r in range(r0, r1):
                x = X[r, f]
                acc += W[r, c] * (x * x)
        else:
            e = d - 1 - F
            a = e // F
            b = e - a * F
            for r in range(r0, r1):
                acc += W[r, c] * X[r, a] * X[r, b]
        partial[p, j] = acc


@cuda.jit
def _cat_counts(x, W, rows, partial):
    """Worker p: partial[p, c * F + s] = sum over its rows with x_r = s of W[r, c]."""
    P, CF = partial.shape
    N, C = W.shape
    F = CF // C
    for i in range(cuda.grid(1), P * C, cuda.gridsize(1)):
        p = i // C
        c = i - p * C
        base = c * F
        for s in range(F):
            partial[p, base + s] = 0.0
        r1 = p * rows + rows
        if r1 > N:
            r1 = N
        for r in range(p * rows, r1):
            s = x[r]
            if s >= 0 and s < F:
                partial[p, base + s] += W[r, c]


@cuda.jit
def _sum_workers(partial, out):
    """out[j] = sum_p partial[p, j], in a fixed order."""
    P, J = partial.shape
    for j in range(cuda.grid(1), J, cuda.gridsize(1)):
        acc = 0.0
        for p in range(P):
            acc += partial[p, j]
        out[j] = acc


@cuda.jit
def _start_sum(post, starts, out):
    """out[k] = sum_s post[starts[s], k] (posterior of the first frame of each sequence)."""
    K = out.shape[0]
    S = starts.shape[0]
    for k in range(cuda.grid(1), K, cuda.gridsize(1)):
        acc = 0.0
        for s in range(S):
            acc += post[starts[s], k]
        out[k] = acc


# ---------------------------------------------------------------------------------------
# array-level entry points (small parameter arrays on the host, data on the device)
# ---------------------------------------------------------------------------------------
def _out(out, shape, dtype=np.float64):
    return empty(shape, dtype) if out is None else out


def categorical_loglik(x, log_table, out=None):
    """Frame log-likelihoods of symbols ``x`` (N,) int64 on the device under the states'
    log emission table ``log_table`` (n_symbols, K) (host): (N, K) on the device."""
    N = x.shape[0]
    K = log_table.shape[1]
    out = _out(out, (N, K))
    _run(_cat_loglik, N * K, x, to_device(log_table, np.float64), out)
    return out


def diag_gauss_loglik(X, means, prec, const, out=None):
    """Diagonal Gaussian log densities: ``means``, ``prec`` (K, F) and ``const`` (K,) =
    -0.5 (F log 2 pi + sum_f log var_kf), one row per state (host); (N, K) on the device."""
    N = X.shape[0]
    K = means.shape[0]
    out = _out(out, (N, K))
    _run(_diag_loglik, N * K, X, to_device(means, np.float64), to_device(prec, np.float64),
         to_device(const, np.float64), out)
    return out


def full_gauss_loglik(X, means, linv, const, out=None):
    """Full-covariance Gaussian log densities: ``linv`` (K, F, F) the inverse of the lower
    Cholesky factor of each state's covariance, ``const`` (K,) = -0.5 (F log 2 pi +
    log det); (N, K) on the device."""
    N = X.shape[0]
    K = means.shape[0]
    out = _out(out, (N, K))
    _run(_full_loglik, N * K, X, to_device(means, np.float64), to_device(linv, np.float64),
         to_device(const, np.float64), out)
    return out


def poisson_loglik(X, loglam, lamsum, glr, out=None):
    """Poisson log probabilities: ``loglam`` (K, F), ``lamsum`` (K,) per state (host);
    ``glr`` (N,) = sum_f log(x_nf!) on the device (constant across a fit)."""
    N = X.shape[0]
    K = loglam.shape[0]
    out = _out(out, (N, K))
    _run(_poisson_loglik, N * K, X, to_device(loglam, np.float64),
         to_device(lamsum, np.float64), glr, out)
    return out


def mixture_loglik(X, means, cov_factor, const, n_groups, n_mix, full, ll=None, resp=None):
    """Gaussian-mixture log-likelihoods per group and component responsibilities.

    Parameters
    ----------
    X : device array (N, F)
    means : ndarray (S * M, F)
    cov_factor : ndarray, (S * M, F) precisions (``full=False``) or (S * M, F, F) inverse
        Cholesky factors (``full=True``)
    const : ndarray (S * M,)
        log weight - 0.5 (F log 2 pi + log det) of each component.

    Returns
    -------
    ll : device array (N, S)
    resp : device array (N, S, M)
    """
    N = X.shape[0]
    S, M = n_groups, n_mix
    ll = _out(ll, (N, S))
    resp = _out(resp, (N, S, M))
    _run(_mix_full if full else _mix_diag, N * S, X, to_device(means, np.float64),
         to_device(cov_factor, np.float64), to_device(const, np.float64), ll, resp)
    return ll, resp


def expand_columns(src, slots, out=None, dtype=np.float64):
    """(N, G) group columns to (N, K) state columns through ``slots`` (K,) (host)."""
    N = src.shape[0]
    K = len(slots)
    out = _out(out, (N, K), dtype)
    _run(_expand, N * K, src, to_device(slots, np.int64), out)
    return out


def mixture_weights(resp, post, slots, out=None):
    """Component posterior weights (N, S * M) on the device: responsibilities times the
    posterior of the group, the group posterior summed over its states (``slots`` (K,))."""
    N, S, M = resp.shape
    out = _out(out, (N, S * M))
    _run(_mix_gamma, N * S, resp, post, to_device(slots, np.int64), out)
    return out


def _reduce(partial, J):
    out = empty(J)
    _run(_sum_workers, J, partial, out)
    return to_host(out)


def weighted_moments(W, X, mode):
    """Posterior-weighted sums over all rows, returned on the host.

    Parameters
    ----------
    W : device array (N, C)
        Weights (posteriors of states, or of mixture components); float64 or float32.
    X : device array (N, F) float64
    mode : {"first", "diag", "full"}

    Returns
    -------
    sum_w : (C,)
    sum_x : (C, F)
    second : None ("first"), sum_xx (C, F) ("diag") or sum_xxT (C, F, F) ("full")
    """
    N, C = W.shape
    F = X.shape[1]
    code = MODES[mode]
    D = 1 + F + (0 if code == 0 else F if code == 1 else F * F)
    P, rows = _workers(N, C * D)
    partial = empty((P, C * D))
    _run(_moments, P * C * D, W, X, code, rows, partial)
    out = _reduce(partial, C * D).reshape(C, D)
    sum_w = out[:, 0].copy()
    sum_x = np.ascontiguousarray(out[:, 1:1 + F])
    if code == 0:
        second = None
    elif code == 1:
        second = np.ascontiguousarray(out[:, 1 + F:])
    else:
        second = np.ascontiguousarray(out[:, 1 + F:]).reshape(C, F, F)
        second = 0.5 * (second + second.transpose(0, 2, 1))   # exactly symmetric
    return sum_w, sum_x, second


def categorical_counts(x, W, n_symbols):
    """counts[c, s] = sum_{r: x_r = s} W[r, c], shape (C, n_symbols), on the host."""
    N, C = W.shape
    P, rows = _workers(N, C * n_symbols)
    partial = empty((P, C * n_symbols))
    _run(_cat_counts, P * C, x, W, rows, partial)
    return _reduce(partial, C * n_symbols).reshape(C, n_symbols)


def start_sum(post, starts):
    """Posterior of the first frame summed over sequences, (K,) on the host; ``starts``
    (S,) int64 on the device."""
    K = post.shape[1]
    out = empty(K)
    _run(_start_sum, K, post, starts, out)
    return to_host(out)


def signatures():
    """``(kernel name, signature)`` of every kernel as the model layer launches it (float64
    data, posteriors float64 or float32), for compiling to PTX in tests without a GPU."""
    from numba import float32, float64, int64, void
    f1, f2, f3 = float64[::1], float64[:, ::1], float64[:, :, ::1]
    i1 = int64[::1]
    out = [("_cat_loglik", void(i1, f2, f2)),
           ("_diag_loglik", void(f2, f2, f2, f1, f2)),
           ("_full_loglik", void(f2, f2, f3, f1, f2)),
           ("_poisson_loglik", void(f2, f2, f1, f1, f2)),
           ("_mix_diag", void(f2, f2, f2, f1, f2, f3)),
           ("_mix_full", void(f2, f2, f3, f1, f2, f3)),
           ("_expand", void(f2, i1, f2)),
           ("_sum_workers", void(f2, f1)),
           ("_cat_loglik", void(i1, f2, float32[:, ::1])),
           ("_diag_loglik", void(f2, f2, f2, f1, float32[:, ::1])),
           ("_full_loglik", void(f2, f2, f3, f1, float32[:, ::1])),
           ("_poisson_loglik", void(f2, f2, f1, f1, float32[:, ::1])),
           ("_expand", void(f2, i1, float32[:, ::1]))]
    for post in (f2, float32[:, ::1]):
        out += [("_mix_gamma", void(f3, post, i1, f2)),
                ("_moments", void(post, f2, int64, int64, f2)),
                ("_cat_counts", void(i1, post, int64, f2)),
                ("_start_sum", void(post, i1, f1))]
    return out
