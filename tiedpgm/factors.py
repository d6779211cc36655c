"""Convolution as tied local Gaussian factors.

A response map ``Y`` is explained by local patches of an input ``X`` through
one Gaussian factor per output location::

    p(y[o, i, j] | x_ij, w_o, b_o) = N(y[o, i, j]; w_o . x_ij + b_o, sigma2[o])

where ``x_ij = X[:, i:i+kh, j:j+kw]`` (all input channels) is the patch under
output location ``(i, j)``. Tying the same ``(w_o, b_o)`` across every location
is parameter tying, and its maximum-likelihood estimate is one least-squares
problem over all patches pooled: learning one convolution filter. The M-step
only needs the pooled sufficient statistics ``sum_xxT`` and ``sum_xy`` (plus
``sum_x``, ``sum_y``, ``sum_yy`` and the count), which are accumulated image by
image without ever holding the full patch matrix.

Supported geometry: ``valid`` correlation (no padding), stride 1, no dilation,
the same convention as :func:`scipy.signal.correlate2d` ``(x, w, mode="valid")``
(no kernel flip). 1-D signals are handled as images of height 1. For ``same``
or ``full`` geometry pad ``X`` yourself (``np.pad``); strides and dilations are
not supported. Every output map sees all input channels (no groups).

Memory: hard-tied fits keep O((C kh kw)^2) statistics whatever the data size
(the input arrays themselves excepted); location-wise fits (``tying="none"``
or ``soft_strength``) keep ``H' W' (C kh kw + 1)^2`` floats, one Gram matrix
per output location.

Tying modes
-----------
``"shared"``
    one kernel per output map (a convolutional layer).
``"none"``
    locally connected: one weight vector and bias per output location, each
    fitted from the ``n_images`` patches at that location.
``"palindromic"`` (1-D), ``"rot90"`` (2-D, square kernels), ``"flip"``
    a shared kernel whose positions are further tied into symmetry groups
    (``w[k] = w[K-1-k]``; ``w`` equal to its 90-degree rotations; left-right
    mirror ``w[:, a, b] = w[:, a, kw-1-b]``). An integer array of
    ``kernel_shape`` is a user-given position -> group map. Each group is
    stored once (``group_coef_``); the estimate is the exact constrained MLE
    obtained by reducing the normal equations with the one-hot tie matrix
    ``T``: ``(T' S T) phi = T' r``, ``w = T phi``.

Priors (MAP)
------------
With ``ridge = lam`` and ``soft_strength = kappa`` the estimators minimise,
separately for each output map (``R`` and ``S`` are squared-error sums)::

    shared / symmetry:  sum_n,l (y_nl - w.x_nl - b)^2 + lam |w|^2
    none:               sum_l [ sum_n (y_nl - theta_l.[x_nl, 1])^2 + lam |w_l|^2 ]
    soft (kappa given): sum_l [ sum_n (y_nl - theta_l.[x_nl, 1])^2 + kappa |theta_l - mu|^2 ]
                        + lam |mu_w|^2,     mu = T phi obeys the symmetry ties

i.e. Gaussian priors ``w ~ N(0, sigma2/lam)`` and, for soft tying,
``theta_l | mu ~ N(mu, sigma2/kappa)`` around a shared vector ``mu`` (bias
included in ``theta_l`` and ``mu``; the ridge never penalises biases).
``kappa = 0`` gives the locally connected fit (and ``mu`` the mean of the
location-wise weights); ``kappa -> inf`` gives the convolutional fit. The soft
MAP is solved exactly: for fixed ``mu``, ``theta_l = (A_l + kappa I)^-1 (r_l +
kappa mu)``; eliminating ``theta_l`` leaves the symmetric system
``T' [kappa sum_l (A_l + kappa I)^-1 A_l + Lam] T phi = T' kappa sum_l (A_l +
kappa I)^-1 r_l`` with ``A_l = sum_n [x,1][x,1]'`` and ``r_l = sum_n [x,1] y``
at location ``l``. The noise variance of each map is the plug-in
``RSS / n_responses`` (one variance per output map, tied over locations).
"""
import numbers

import numpy as np
import scipy.linalg
import scipy.sparse

from ._validation import check_finite
from .ties import check_tie_groups, n_groups_of, onehot

__all__ = ["ConvFactorModel", "kernel_tie_groups"]

_TYINGS = ("shared", "none", "palindromic", "rot90", "flip")
_CHUNK_BYTES = 64 * 2 ** 20     # patch-matrix chunk size of the NumPy path


# ---------------------------------------------------------------------------
# tie groups over kernel positions
# ---------------------------------------------------------------------------
def kernel_tie_groups(kernel_shape, tying):
    """Position -> group map of a (kh, kw) kernel, shape (kh * kw,), row-major.

    ``tying`` is ``"shared"`` (every position its own group), ``"palindromic"``
    (1-D, ``kh == 1``), ``"rot90"`` (square kernels), ``"flip"`` (left-right
    mirror) or an integer array of shape ``(kh, kw)``.
    """
    kh, kw = kernel_shape
    if isinstance(tying, str):
        pos = np.arange(kh * kw).reshape(kh, kw)
        if tying == "shared":
            return pos.ravel()
        if tying == "palindromic":
            if kh != 1:
                raise ValueError(
                    f"tying='palindromic' ties w[k] with w[K-1-k] of a 1-D kernel, but the kernel "
                    f"is {kh}x{kw}; use tying='flip' (mirror) or 'rot90' for 2-D kernels.")
            orbit = [pos, pos[:, ::-1]]
        elif tying == "flip":
            orbit = [pos, pos[:, ::-1]]
        elif tying == "rot90":
            if kh != kw or kh == 1:
                raise ValueError(
                    f"tying='rot90' ties a square 2-D kernel with its 90-degree rotations, "
                    f"but the kernel is {kh}x{kw}; use a square kernel_shape such as (3, 3).")
            orbit = [np.rot90(pos, k) for k in range(4)]
        else:
            raise ValueError(f"tying={tying!r} is not known; use one of {_TYINGS} "
                             "or an integer array of kernel_shape.")
        # the transforms form a group, so {o[p] for o in orbit} is the orbit of position p;
        # label each position by the smallest member of its orbit, then relabel 0..G-1
        rep = np.min(np.stack([o.ravel() for o in orbit]), axis=0)
        return np.unique(rep, return_inverse=True)[1].astype(np.int64)
    raw = np.asarray(tying)
    if raw.shape != (kh, kw) and raw.shape != (kh * kw,) and not (kh == 1 and raw.shape == (kw,)):
        raise ValueError(
            f"tying array has shape {raw.shape}; give one group id per kernel position, "
            f"shape {(kh, kw) if kh > 1 else (kw,)}.")
    return check_tie_groups(raw.ravel(), kh * kw, name="tying", slot="kernel position")


# ---------------------------------------------------------------------------
# kernels: arrays in, arrays out; no validation, no model
# ---------------------------------------------------------------------------
def _patches(X, kh, kw):
    """(n, C, H, W) -> patch matrix (n * H' * W', C * kh * kw), rows in (n, i, j) order."""
    n, C, H, W = X.shape
    win = np.lib.stride_tricks.sliding_window_view(X, (kh, kw), axis=(2, 3))
    # win: (n, C, H', W', kh, kw) -> (n, H', W', C, kh, kw)
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * (H - kh + 1) * (W - kw + 1), C * kh * kw)


def _chunk_images(n_rows_per_image, n_cols):
    return max(1, int(_CHUNK_BYTES // (8 * max(1, n_rows_per_image * n_cols))))


def pooled_stats_numpy(X, Y, kh, kw):
    """Pooled statistics of the shared model by chunked patch extraction.

    X : (N, C, H, W) float64, Y : (N, O, H', W') float64.
    Returns the Gram matrix of ``z = [x, 1, y]`` summed over all images and
    locations, shape (D + 1 + O, D + 1 + O), D = C * kh * kw: its blocks are
    ``sum_xxT``, ``sum_x``, ``sum_xy``, ``n``, ``sum_y`` and ``sum_yyT``.
    """
    N, C, H, W = X.shape
    O = Y.shape[1]
    L = Y.shape[2] * Y.shape[3]
    D = C * kh * kw
    gram = np.zeros((D + 1 + O, D + 1 + O))
    step = _chunk_images(L, D + 1 + O)
    for s in range(0, N, step):
        Xc, Yc = X[s:s + step], Y[s:s + step]
        m = Xc.shape[0] * L
        Z = np.empty((m, D + 1 + O))
        Z[:, :D] = _patches(Xc, kh, kw)
        Z[:, D] = 1.0
        Z[:, D + 1:] = Yc.transpose(0, 2, 3, 1).reshape(m, O)
        gram += Z.T @ Z
    return gram


def local_stats(X, Y, kh, kw):
    """Per-location statistics of the locally connected model.

    Returns ``A`` (L, D+1, D+1) = sum_n [x,1][x,1]', ``r`` (L, D+1, O) = sum_n [x,1] y
    and ``syy`` (L, O) = sum_n y^2, with L = H' * W' locations in row-major order.
    """
    N, C, H, W = X.shape
    O = Y.shape[1]
    Hp, Wp = Y.shape[2], Y.shape[3]
    L, D = Hp * Wp, C * kh * kw
    A = np.zeros((L, D + 1, D + 1))
    r = np.zeros((L, D + 1, O))
    syy = np.zeros((L, O))
    step = _chunk_images(L, D + 1)
    for s in range(0, N, step):
        Xc, Yc = X[s:s + step], Y[s:s + step]
        n = Xc.shape[0]
        P = np.empty((L, n, D + 1))
        P[:, :, :D] = _patches(Xc, kh, kw).reshape(n, L, D).transpose(1, 0, 2)
        P[:, :, D] = 1.0
        Yl = Yc.reshape(n, O, L).transpose(2, 0, 1)          # (L, n, O)
        PT = P.transpose(0, 2, 1)
        A += PT @ P
        r += PT @ Yl
        syy += np.einsum("lno,lno->lo", Yl, Yl)
    return A, r, syy


def correlate_shared(X, coef, intercept):
    """Valid correlation: X (n, C, H, W), coef (O, C, kh, kw), intercept (O,) -> (n, O, H', W')."""
    n, C, H, W = X.shape
    O, _, kh, kw = coef.shape
    Hp, Wp = H - kh + 1, W - kw + 1
    out = np.empty((n, O, Hp, Wp))
    Wmat = coef.reshape(O, -1).T
    step = _chunk_images(Hp * Wp, C * kh * kw)
    for s in range(0, n, step):
        Xc = X[s:s + step]
        m = Xc.shape[0]
        out[s:s + m] = (_patches(Xc, kh, kw) @ Wmat + intercept).reshape(
            m, Hp, Wp, O).transpose(0, 3, 1, 2)
    return out


def correlate_local(X, coef, intercept):
    """Locally connected layer: coef (O, H', W', C, kh, kw), intercept (O, H', W')."""
    n, C, H, W = X.shape
    O, Hp, Wp = intercept.shape
    kh, kw = coef.shape[-2:]
    L, D = Hp * Wp, C * kh * kw
    Wl = coef.reshape(O, L, D)
    out = np.empty((n, O, Hp, Wp))
    step = _chunk_images(L, D)
    for s in range(0, n, step):
        Xc = X[s:s + step]
        m = Xc.shape[0]
        P = _patches(Xc, kh, kw).reshape(m, L, D)
        out[s:s + m] = (np.einsum("nld,old->nol", P, Wl) + intercept.reshape(O, L)).reshape(
            m, O, Hp, Wp)
    return out


# --- Numba path for the pooled statistics -------------------------------------------------
# sum_xxT[(c,a,b), (c',a',b')] = sum_n sum_{p in R_ab} X[n,c,p] X[n,c',p+d], d = (a'-a, b'-b),
# where R_ab = [a, a+H') x [b, b+W'). The product image summed over n is only ever needed
# through sums over such rectangles, so it is accumulated straight into the cells of the
# grid cut at rows {a, a+H'} and columns {b, b+W'}: O(n_shift * N * H * W) work instead of
# O(D^2 * N * H' * W') for the patch Gram, and no per-pixel buffer.
_NUMBA_KERNELS = None


def _cuts(n_out, k):
    """Sorted cut points {a, a + n_out : 0 <= a < k} below the input size, and the cell
    index of each row; cell ``i`` is ``[cuts[i], cuts[i + 1])``, the last one ends at the size."""
    size = n_out + k - 1
    cuts = np.unique(np.concatenate([np.arange(k), np.arange(k) + n_out]))
    cuts = cuts[cuts < size]
    cell = np.searchsorted(cuts, np.arange(size), side="right") - 1
    return cuts, cell.astype(np.int64)


def _get_numba_kernels():
    global _NUMBA_KERNELS
    if _NUMBA_KERNELS is not None:
        return _NUMBA_KERNELS
    import numba
    from numba import njit, prange

    @njit(cache=True, parallel=True, fastmath=True)
    def shift_row_sums(X, shifts, rowcell, n_rcell, n_threads):
        # X (N, C, H, W); shifts (S, 4) = (c, c2, dy, dx). Returns (S, n_rcell, W): for each
        # row cell, column-wise sums of sum_n X[n,c,p] X[n,c2,p+d] over p with p and p+d
        # inside the image. Column cells are summed afterwards (the map is linear), so the
        # inner loop is a plain vectorisable multiply-add along a row.
        N, C, H, W = X.shape
        S = shifts.shape[0]
        buf = np.zeros((n_threads, S, n_rcell, W))
        per = (N + n_threads - 1) // n_threads
        for t in prange(n_threads):
            for n in range(t * per, min(N, (t + 1) * per)):
                for s in range(S):
                    c, c2, dy, dx = shifts[s, 0], shifts[s, 1], shifts[s, 2], shifts[s, 3]
                    j0 = max(0, -dx)
                    j1 = min(W, W - dx)
                    for r in range(max(0, -dy), min(H, H - dy)):
                        out = buf[t, s, rowcell[r]]
                        a = X[n, c, r]
                        b = X[n, c2, r + dy]
                        for j in range(j0, j1):
                            out[j] += a[j] * b[j + dx]
        return buf.sum(axis=0)

    @njit(cache=True, parallel=True, fastmath=True)
    def cross_sums(X, Y, kh, kw, n_threads):
        # sum_n sum_{i,j} X[n,c,i+a,j+b] Y[n,o,i,j] -> (C, kh, kw, O)
        N, C, H, W = X.shape
        O, Hp, Wp = Y.shape[1], Y.shape[2], Y.shape[3]
        buf = np.zeros((n_threads, C, kh, kw, O))
        per = (N + n_threads - 1) // n_threads
        for t in prange(n_threads):
            for n in range(t * per, min(N, (t + 1) * per)):
                for c in range(C):
                    for o in range(O):
                        for a in range(kh):
                            for b in range(kw):
                                acc = 0.0
                                for i in range(Hp):
                                    for j in range(Wp):
                                        acc += X[n, c, i + a, j + b] * Y[n, o, i, j]
                                buf[t, c, a, b, o] += acc
        return buf.sum(axis=0)

    _NUMBA_KERNELS = (shift_row_sums, cross_sums, numba)
    return _NUMBA_KERNELS


def pooled_stats_numba(X, Y, kh, kw):
    """Same output as :func:`pooled_stats_numpy`, by shifted products (Numba)."""
    shift_row_sums, cross_sums, numba = _get_numba_kernels()
    N, C, H, W = X.shape
    O, Hp, Wp = Y.shape[1:]
    D = C * kh * kw
    n_threads = max(1, min(numba.get_num_threads(), N))
    rcuts, rowcell = _cuts(Hp, kh)
    ccuts, _ = _cuts(Wp, kw)
    # half of the shifts suffice: (c, c2, d) and (c2, c, -d) give transposed entries
    shifts = [(c, c2, dy, dx) for c in range(C) for c2 in range(c, C)
              for dy in range(-kh + 1, kh) for dx in range(-kw + 1, kw)
              if c2 > c or dy > 0 or (dy == 0 and dx >= 0)]
    shifts = np.array(shifts, dtype=np.int64)
    row_sums = shift_row_sums(X, shifts, rowcell, len(rcuts), n_threads)
    cells = np.add.reduceat(row_sums, ccuts, axis=2)         # (S, n_rcell, n_ccell)
    # integral over cells -> rectangle sums in O(1)
    integ = np.zeros((len(shifts), len(rcuts) + 1, len(ccuts) + 1))
    integ[:, 1:, 1:] = cells.cumsum(axis=1).cumsum(axis=2)
    rpos = {int(v): i for i, v in enumerate(rcuts)}
    rpos[H] = len(rcuts)
    cpos = {int(v): i for i, v in enumerate(ccuts)}
    cpos[W] = len(ccuts)
    index = {tuple(s): i for i, s in enumerate(shifts.tolist())}
    gram = np.zeros((D + 1 + O, D + 1 + O))
    idx = [(c, a, b) for c in range(C) for a in range(kh) for b in range(kw)]
    for p, (c, a, b) in enumerate(idx):
        i0, i1 = rpos[a], rpos[a + Hp]
        j0, j1 = cpos[b], cpos[b + Wp]
        for q in range(p, D):
            c2, a2, b2 = idx[q]
            key = (c, c2, a2 - a, b2 - b)
            s = index.get(key)
            if s is None:       # only (c, c2) with c < c2 and dy < 0 ... cannot happen for q >= p
                raise AssertionError(key)
            I = integ[s]
            gram[p, q] = gram[q, p] = I[i1, j1] - I[i0, j1] - I[i1, j0] + I[i0, j0]
    # sum_x over rectangles of the summed image, via its integral image
    Xsum = X.sum(axis=0)                                      # (C, H, W)
    integ_x = np.zeros((C, H + 1, W + 1))
    integ_x[:, 1:, 1:] = Xsum.cumsum(axis=1).cumsum(axis=2)
    for p, (c, a, b) in enumerate(idx):
        I = integ_x[c]
        gram[p, D] = gram[D, p] = (I[a + Hp, b + Wp] - I[a, b + Wp] - I[a + Hp, b] + I[a, b])
    gram[D, D] = N * Hp * Wp
    gram[:D, D + 1:] = cross_sums(X, Y, kh, kw, n_threads).reshape(D, O)
    gram[D + 1:, :D] = gram[:D, D + 1:].T
    Yf = Y.transpose(1, 0, 2, 3).reshape(O, -1)
    gram[D, D + 1:] = gram[D + 1:, D] = Yf.sum(axis=1)
    gram[D + 1:, D + 1:] = Yf @ Yf.T
    return gram


# ---------------------------------------------------------------------------
# the estimator
# ---------------------------------------------------------------------------
class ConvFactorModel:
    """Gaussian local factors with tied weights: a convolutional layer as a PGM.

    Parameters
    ----------
    kernel_shape : int or tuple of int
        ``K`` or ``(K,)`` for 1-D signals, ``(kh, kw)`` for images. The number
        of input channels is taken from ``X`` at fit time.
    tying : {"shared", "none", "palindromic", "rot90", "flip"} or int array, default "shared"
        How the local factors share weights (see the module docstring). An
        integer array of ``kernel_shape`` is a position -> group map.
    bias : bool, default True
        Fit an intercept per output map (per map and location if untied).
    ridge : float, default 0.0
        Gaussian prior precision ``lam`` on the weights (never on biases), in
        units of the noise variance: the MAP minimises ``RSS + lam |w|^2``.
    soft_strength : float or None, default None
        ``kappa``: soft tying of location-wise weights to a shared vector
        (``None`` = hard tying as given by ``tying``; needs ``tying != "none"``).
    backend : {"auto", "numpy", "numba"}, default "auto"
        How the pooled statistics of the shared model are accumulated:
        ``"numpy"`` chunks of the patch matrix and one Gram product per chunk,
        ``"numba"`` sums of shifted image products (much less work for large
        images). ``"auto"`` means ``"numba"``. Recorded as ``backend_``.

    Attributes
    ----------
    coef_ : ndarray
        Shared models: ``(n_outputs, n_channels, kh, kw)`` (``(n_outputs,
        n_channels, K)`` in 1-D); location-wise models: ``(n_outputs, H', W',
        n_channels, kh, kw)`` (``(n_outputs, L', n_channels, K)`` in 1-D).
    intercept_ : ndarray, shape (n_outputs,) or (n_outputs, H', W') / (n_outputs, L')
    group_coef_ : ndarray, shape (n_outputs, n_groups)
        Hard-tied models: the weights stored once per tie group.
    tie_groups_ : ndarray, shape (n_channels * kh * kw,)
        Weight position -> group id; ``coef_`` equals ``group_coef_[:, tie_groups_]``.
    shared_coef_, shared_intercept_ : ndarray
        Soft tying only: the shared vector ``mu`` the location-wise weights are pulled to.
    noise_variance_ : ndarray, shape (n_outputs,)
    n_images_, input_shape_, output_shape_, backend_
    """

    def __init__(self, kernel_shape, tying="shared", bias=True, ridge=0.0,
                 soft_strength=None, backend="auto"):
        self.kernel_shape = kernel_shape
        self.tying = tying
        self.bias = bias
        self.ridge = ridge
        self.soft_strength = soft_strength
        self.backend = backend

    # -- sklearn plumbing -------------------------------------------------------------
    _param_names = ("kernel_shape", "tying", "bias", "ridge", "soft_strength", "backend")

    def get_params(self, deep=True):
        return {k: getattr(self, k) for k in self._param_names}

    def set_params(self, **params):
        for k, v in params.items():
            if k not in self._param_names:
                raise ValueError(f"{k!r} is not a parameter of ConvFactorModel; "
                                 f"valid parameters are {self._param_names}.")
            setattr(self, k, v)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._param_names)
        return f"ConvFactorModel({args})"

    # -- validation -------------------------------------------------------------------
    def _kernel(self):
        ks = self.kernel_shape
        if isinstance(ks, numbers.Integral) and not isinstance(ks, bool):
            ks = (ks,)
        try:
            ks = tuple(ks)
        except TypeError:
            raise ValueError(f"kernel_shape must be an int or a tuple of 1 or 2 ints; "
                             f"got {self.kernel_shape!r}.") from None
        if len(ks) not in (1, 2) or not all(
                isinstance(k, numbers.Integral) and not isinstance(k, bool) and k >= 1
                for k in ks):
            raise ValueError(f"kernel_shape must be K or (K,) for 1-D or (kh, kw) for 2-D "
                             f"with positive integers; got {self.kernel_shape!r}.")
        ndim = len(ks)
        return ndim, ((1, int(ks[0])) if ndim == 1 else (int(ks[0]), int(ks[1])))

    def _check_hyper(self):
        ridge = self.ridge
        if not isinstance(ridge, numbers.Real) or not np.isfinite(ridge) or ridge < 0:
            raise ValueError(f"ridge must be a finite number >= 0; got {ridge!r}.")
        kappa = self.soft_strength
        if kappa is not None:
            if not isinstance(kappa, numbers.Real) or np.isnan(kappa) or kappa < 0:
                raise ValueError(f"soft_strength must be None or a number >= 0 "
                                 f"(np.inf = hard tying); got {kappa!r}.")
            if isinstance(self.tying, str) and self.tying == "none":
                raise ValueError("soft_strength pulls location-wise weights towards a shared "
                                 "kernel, so it needs tying='shared' (or a symmetry tying), "
                                 "not tying='none'.")
        if self.backend not in ("auto", "numpy", "numba"):
            raise ValueError(f"backend={self.backend!r} is not known; use 'auto', 'numpy' "
                             "or 'numba'.")
        return float(ridge), (None if kappa is None else float(kappa))

    def _as_nchw(self, X, name, ndim, channels=None):
        """Return X as float64 (N, C, H, W) and whether it had a channel axis."""
        X = np.asarray(X)
        if X.dtype == object or not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
            raise ValueError(f"{name} has dtype {X.dtype}; expected numbers.")
        X = X.astype(np.float64, copy=False)
        layout1 = "(n_images, length)" if ndim == 1 else "(n_images, height, width)"
        layout2 = ("(n_images, n_channels, length)" if ndim == 1
                   else "(n_images, n_channels, height, width)")
        if X.ndim == ndim + 1:
            X, had_channels = X[:, None], False
        elif X.ndim == ndim + 2:
            had_channels = True
        else:
            raise ValueError(f"{name} has shape {X.shape}; for a {ndim}-D kernel expected "
                             f"{layout1} or {layout2}.")
        if ndim == 1:
            X = X[:, :, None, :]
        if X.shape[0] == 0:
            raise ValueError(f"{name} has 0 images; give at least one.")
        if channels is not None and X.shape[1] != channels:
            raise ValueError(f"{name} has {X.shape[1]} channel(s) but the model was fitted with "
                             f"{channels}; give {name} in the layout used for fit.")
        check_finite(X, name)
        return np.ascontiguousarray(X), had_channels

    def _check_geometry(self, X, kernel, ndim, name="X"):
        kh, kw = kernel
        H, W = X.shape[2:]
        if kh > H or kw > W:
            shown_in = (W,) if ndim == 1 else (H, W)
            shown_k = (kw,) if ndim == 1 else (kh, kw)
            raise ValueError(f"kernel_shape {shown_k} is larger than the {name} input of spatial "
                             f"shape {shown_in}; 'valid' geometry needs a kernel no larger than "
                             "the input: use a smaller kernel or larger inputs.")
        return H - kh + 1, W - kw + 1

    def _check_Y(self, Y, X, out_hw, ndim):
        Y, had_out = self._as_nchw(Y, "Y", ndim)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} images but Y has {Y.shape[0]}; give one "
                             "response map per input image.")
        if Y.shape[2:] != out_hw:
            got = Y.shape[3:] if ndim == 1 else Y.shape[2:]
            want = out_hw[1:] if ndim == 1 else out_hw
            raise ValueError(f"Y has spatial shape {got} but 'valid' correlation of the input "
                             f"{X.shape[3:] if ndim == 1 else X.shape[2:]} with a kernel of "
                             f"{self.kernel_shape} gives {want} (input - kernel + 1); "
                             "check that X and Y belong together.")
        return Y, had_out

    def _check_fitted(self):
        if not hasattr(self, "noise_variance_"):
            raise ValueError("This ConvFactorModel is not fitted yet; call fit(X, Y) first.")

    # -- fitting ----------------------------------------------------------------------
    def fit(self, X, Y):
        """Estimate the weights, biases and noise variances (MLE, or MAP with priors).

        Parameters
        ----------
        X : array-like, shape (N, L) or (N, C, L) for 1-D kernels, (N, H, W) or
            (N, C, H, W) for 2-D kernels
        Y : array-like, shape (N, L') or (N, O, L'), resp. (N, H', W') or
            (N, O, H', W'), with ``H' = H - kh + 1`` and ``W' = W - kw + 1``

        Returns
        -------
        self
        """
        ndim, kernel = self._kernel()
        ridge, kappa = self._check_hyper()
        kh, kw = kernel
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, name)          # a refit with other settings leaves nothing stale
        X, had_channels = self._as_nchw(X, "X", ndim)
        out_hw = self._check_geometry(X, kernel, ndim)
        Y, had_out = self._check_Y(Y, X, out_hw, ndim)
        N, C, H, W = X.shape
        O = Y.shape[1]
        L = out_hw[0] * out_hw[1]
        D = C * kh * kw
        untied = isinstance(self.tying, str) and self.tying == "none"
        groups = None if untied else kernel_tie_groups(kernel, self.tying)
        n_pos = D + (1 if self.bias else 0)
        if untied and ridge == 0 and N < n_pos:
            raise ValueError(
                f"tying='none' fits {n_pos} parameters (weights{' + bias' if self.bias else ''}) "
                f"separately at each of the {L} output locations from the N={N} images at that "
                f"location; give at least {n_pos} images, or use tying='shared', ridge > 0 "
                "or soft_strength.")

        self.backend_ = "numba" if self.backend == "auto" else self.backend
        self.n_images_ = N
        self.ndim_ = ndim
        self.input_shape_ = (C, H, W)
        self.output_shape_ = (O,) + out_hw
        self._had_channels = had_channels
        self._had_out = had_out
        self.n_responses_ = N * O * L
        self.location_wise_ = bool(untied or kappa is not None)

        if groups is not None:
            # the same position map in every input channel, groups numbered per channel
            per = n_groups_of(groups)
            self.tie_groups_ = (np.arange(C)[:, None] * per + groups[None, :]).ravel()
            n_groups = C * per
            T = onehot(self.tie_groups_, n_groups)
        if untied or kappa is not None:
            A, r, syy = local_stats(X, Y, kh, kw)
            if untied:
                theta = self._solve_local(A, r, ridge)
            else:
                theta, mu = self._solve_soft(A, r, T, ridge, kappa)
                self.shared_coef_ = mu[:D].T.reshape((O, C, kh, kw))
                self.shared_intercept_ = mu[D].copy() if self.bias else np.zeros(O)
                self.group_coef_ = (T.T @ mu[:D] / T.sum(axis=0)[:, None]).T
            # RSS per map from the statistics: sum_l (syy - 2 theta'r + theta'A theta)
            rss = (syy.sum(axis=0) - 2 * np.einsum("ldo,ldo->o", theta, r)
                   + np.einsum("ldo,lde,leo->o", theta, A, theta))
            Hp, Wp = out_hw
            self.coef_ = theta[:, :D].transpose(2, 0, 1).reshape(O, Hp, Wp, C, kh, kw)
            self.intercept_ = theta[:, D].T.reshape(O, Hp, Wp).copy()
        else:
            if self.backend_ == "numba":
                gram = pooled_stats_numba(X, Y, kh, kw)
            else:
                gram = pooled_stats_numpy(X, Y, kh, kw)
            S, R, syy = gram[:D + 1, :D + 1], gram[:D + 1, D + 1:], np.diag(gram)[D + 1:]
            self.sum_xxT_ = S[:D, :D]
            self.sum_xy_ = R[:D]
            Ta = np.zeros((D + 1, n_groups + 1))
            Ta[:D, :n_groups] = T
            Ta[D, n_groups] = 1.0
            if not self.bias:
                Ta = Ta[:, :n_groups]
            Lam = np.zeros(Ta.shape[1])
            Lam[:n_groups] = ridge * T.sum(axis=0)       # |w|^2 = sum_g |g| phi_g^2
            phi = _solve_sym(Ta.T @ S @ Ta + np.diag(Lam), Ta.T @ R)
            theta = Ta @ phi                                # (D + 1, O)
            rss = syy - 2 * np.einsum("do,do->o", theta, R) + np.einsum(
                "do,de,eo->o", theta, S, theta)
            self.group_coef_ = phi[:n_groups].T.copy()
            self.coef_ = theta[:D].T.reshape(O, C, kh, kw)
            self.intercept_ = theta[D].copy()
        if ndim == 1:
            if self.location_wise_:
                self.coef_ = self.coef_[:, 0, :, :, 0, :]
                self.intercept_ = self.intercept_[:, 0, :]
            else:
                self.coef_ = self.coef_[:, :, 0, :]
            if kappa is not None:
                self.shared_coef_ = self.shared_coef_[:, :, 0, :]
        # cancellation can leave a perfect fit's RSS slightly negative: floor it
        syy_tot = syy.sum(axis=0) if syy.ndim > 1 else syy
        floor = np.finfo(float).eps * np.maximum(syy_tot, 1e-300)
        self.noise_variance_ = np.maximum(rss, floor) / (N * L)
        return self

    def _solve_local(self, A, r, ridge):
        """theta_l = (A_l + Lam)^-1 r_l, batched over locations; A (L, D+1, D+1), r (L, D+1, O).

        Returns theta (L, D+1, O), bias row zero when ``bias=False``. Locations whose
        system is singular get the min-norm least-squares solution.
        """
        P = A.shape[1] if self.bias else A.shape[1] - 1
        Lam = np.full(P, ridge)
        if self.bias:
            Lam[-1] = 0.0
        M = A[:, :P, :P] + np.diag(Lam)
        rr = r[:, :P]
        try:
            np.linalg.cholesky(M)
            theta = np.linalg.solve(M, rr)
        except np.linalg.LinAlgError:
            theta = np.stack([_solve_sym(M[l], rr[l]) for l in range(M.shape[0])])
        return theta if self.bias else _pad_r(theta)

    def _solve_soft(self, A, r, T, ridge, kappa):
        """Exact soft-tying MAP.

        A (L, D+1, D+1), r (L, D+1, O) -> theta (L, D+1, O), mu (D+1, O).
        """
        L, Dp1, _ = A.shape
        D = Dp1 - 1
        P = Dp1 if self.bias else D
        n_groups = T.shape[1]
        Ta = np.zeros((P, n_groups + (1 if self.bias else 0)))
        Ta[:D, :n_groups] = T
        if self.bias:
            Ta[D, n_groups] = 1.0
        Lam = np.zeros(Ta.shape[1])
        Lam[:n_groups] = ridge * T.sum(axis=0)
        if kappa == 0:
            # limit kappa -> 0: theta_l is the location-wise fit and (ridge = 0) mu the
            # tie-constrained mean of the theta_l
            theta = self._solve_local(A, r, 0.0)[:, :P]
            phi = np.linalg.lstsq(Ta, theta.mean(axis=0), rcond=None)[0]
            mu = Ta @ phi
        else:
            A, r = A[:, :P, :P], r[:, :P]
            if np.isinf(kappa):
                phi = _solve_sym(Ta.T @ A.sum(axis=0) @ Ta + np.diag(Lam), Ta.T @ r.sum(axis=0))
                mu = Ta @ phi
                theta = np.broadcast_to(mu, (L,) + mu.shape).copy()
            else:
                # (A_l + kappa I)^-1 by one eigendecomposition per location (A_l symmetric PSD)
                evals, evecs = np.linalg.eigh(A)
                Minv = np.einsum("lij,lj,lkj->lik", evecs, 1.0 / (evals + kappa), evecs)
                K = kappa * np.einsum("lij,ljk->ik", Minv, A)          # kappa sum_l M_l A_l
                K = 0.5 * (K + K.T)
                rhs = kappa * np.einsum("lij,ljo->io", Minv, r)
                phi = _solve_sym(Ta.T @ K @ Ta + np.diag(Lam), Ta.T @ rhs)
                mu = Ta @ phi
                theta = np.einsum("lij,ljo->lio", Minv, r + kappa * mu[None])
        if not self.bias:
            theta = _pad_r(theta)
            mu = np.concatenate([mu, np.zeros((1, mu.shape[1]))])
        return theta, mu

    # -- prediction and scores ----------------------------------------------------------
    @property
    def _local(self):
        return self.location_wise_

    def _coef4(self):
        """coef_ as (O, C, kh, kw) (shared) or (O, H', W', C, kh, kw) (location-wise)."""
        O, C = self.output_shape_[0], self.input_shape_[0]
        if not self._local:
            return self.coef_.reshape(O, C, -1, self.coef_.shape[-1])
        Hp, Wp = self.output_shape_[1:]
        return self.coef_.reshape(O, Hp, Wp, C, -1, self.coef_.shape[-1])

    def _predict4(self, X):
        if self._local:
            if X.shape[1:] != self.input_shape_:
                raise ValueError(
                    f"X has images of shape {_shape_str(X.shape[1:], self.ndim_)} but this "
                    f"location-wise model (tying='none' or soft) was fitted on "
                    f"{_shape_str(self.input_shape_, self.ndim_)}; it has weights only for "
                    "those output locations.")
            return correlate_local(X, self._coef4(), self.intercept_.reshape(self.output_shape_))
        return correlate_shared(X, self._coef4(), self.intercept_)

    def _unshape(self, out, had_out):
        if self.ndim_ == 1:
            out = out[:, :, 0, :]
        return out if had_out else out[:, 0]

    def predict(self, X):
        """Mean response ``w . x_ij + b`` at every output location.

        Parameters
        ----------
        X : array-like, shape as in :meth:`fit`

        Returns
        -------
        ndarray, shape (N, O, H', W') ((N, O, L') in 1-D); without the O axis
        when ``Y`` was given without it at fit time.
        """
        self._check_fitted()
        ndim, kernel = self.ndim_, self._kernel()[1]
        X, _ = self._as_nchw(X, "X", ndim, channels=self.input_shape_[0])
        self._check_geometry(X, kernel, ndim)
        return self._unshape(self._predict4(X), self._had_out)

    def log_likelihood(self, X, Y):
        """Total Gaussian log-likelihood ``sum log N(y; w.x + b, sigma2)`` of (X, Y)."""
        self._check_fitted()
        ndim, kernel = self.ndim_, self._kernel()[1]
        X, _ = self._as_nchw(X, "X", ndim, channels=self.input_shape_[0])
        out_hw = self._check_geometry(X, kernel, ndim)
        Y, _ = self._check_Y(Y, X, out_hw, ndim)
        if Y.shape[1] != self.output_shape_[0]:
            raise ValueError(f"Y has {Y.shape[1]} output map(s) but the model has "
                             f"{self.output_shape_[0]}.")
        resid = Y - self._predict4(X)
        var = self.noise_variance_
        n_per_map = Y.shape[0] * out_hw[0] * out_hw[1]
        rss = np.einsum("nohw,nohw->o", resid, resid)
        return float(np.sum(-0.5 * n_per_map * np.log(2 * np.pi * var) - 0.5 * rss / var))

    def n_parameters(self, input_shape=None, n_outputs=None, include_noise=False):
        """Number of free parameters: stored weights plus biases.

        Hard-tied models count one weight per tie group and one bias per output
        map; locally connected models count ``(weights + bias)`` per output
        location and map (the classic counts, e.g. 30*30*(9+1) = 9000 vs 9+1
        = 10 for a 3x3 kernel on 32x32 input). Soft tying counts the
        location-wise weights plus the shared vector (nominal, not effective,
        degrees of freedom). ``include_noise=True`` adds one variance per map.

        Parameters
        ----------
        input_shape : tuple, optional
            ``(H, W)``, ``(C, H, W)``, ``(L,)`` or ``(C, L)``; default: the fitted one.
        n_outputs : int, optional
            Number of output maps; default: the fitted one (or 1).
        """
        ndim, (kh, kw) = self._kernel()
        self._check_hyper()
        if input_shape is None:
            self._check_fitted()
            C, H, W = self.input_shape_
        else:
            shp = tuple(int(s) for s in input_shape)
            if len(shp) == ndim:
                shp = (1,) + shp
            if len(shp) != ndim + 1:
                want = "(L,) or (C, L)" if ndim == 1 else "(H, W) or (C, H, W)"
                raise ValueError(f"input_shape {input_shape!r} does not fit a {ndim}-D kernel; "
                                 f"give {want}.")
            C, H, W = (shp[0], 1, shp[1]) if ndim == 1 else shp
        if n_outputs is None:
            n_outputs = self.output_shape_[0] if hasattr(self, "output_shape_") else 1
        if kh > H or kw > W:
            raise ValueError(f"kernel_shape {self.kernel_shape} is larger than the input "
                             f"{input_shape}.")
        L = (H - kh + 1) * (W - kw + 1)
        b = 1 if self.bias else 0
        local = C * kh * kw + b
        if isinstance(self.tying, str) and self.tying == "none":
            k = L * local
        else:
            shared = C * n_groups_of(kernel_tie_groups((kh, kw), self.tying)) + b
            k = shared if self.soft_strength is None else L * local + shared
        return n_outputs * (k + (1 if include_noise else 0))

    def aic(self, X, Y):
        """Akaike criterion ``-2 log L + 2 k``, k = n_parameters(include_noise=True)."""
        return -2 * self.log_likelihood(X, Y) + 2 * self.n_parameters(include_noise=True)

    def bic(self, X, Y):
        """Bayesian criterion ``-2 log L + k log(n)``, n = number of scalar responses in Y."""
        ll = self.log_likelihood(X, Y)
        n = int(np.prod(np.shape(Y)))
        return -2 * ll + self.n_parameters(include_noise=True) * np.log(n)

    def as_matrix(self, input_shape=None):
        """The layer's linear part as a sparse matrix (bias excluded).

        ``as_matrix(shape) @ x.ravel() + intercept`` equals ``predict(x[None])[0].ravel()``
        (with ``intercept_`` repeated over locations). For a shared 2-D
        single-channel kernel the matrix is doubly block Toeplitz: block
        ``(i, i + a)`` of size W' x W holds the Toeplitz band of kernel row ``a``.

        Parameters
        ----------
        input_shape : tuple, optional
            ``(H, W)`` / ``(C, H, W)`` (or ``(L,)`` / ``(C, L)`` in 1-D); default: the fitted one.

        Returns
        -------
        scipy.sparse.csr_matrix, shape (O * H' * W', C * H * W)
        """
        self._check_fitted()
        ndim, (kh, kw) = self.ndim_, self._kernel()[1]
        if input_shape is None:
            C, H, W = self.input_shape_
        else:
            shp = tuple(int(s) for s in input_shape)
            if len(shp) == ndim:
                shp = (1,) + shp
            if len(shp) != ndim + 1:
                raise ValueError(f"input_shape {input_shape!r} does not fit a {ndim}-D model.")
            C, H, W = (shp[0], 1, shp[1]) if ndim == 1 else shp
        if C != self.input_shape_[0]:
            raise ValueError(f"input_shape has {C} channel(s) but the model has "
                             f"{self.input_shape_[0]}.")
        if kh > H or kw > W:
            raise ValueError(f"kernel_shape {self.kernel_shape} is larger than input_shape "
                             f"{input_shape}.")
        if self._local and (C, H, W) != self.input_shape_:
            raise ValueError("a location-wise model only has weights for the fitted input "
                             f"shape {_shape_str(self.input_shape_, ndim)}.")
        O = self.output_shape_[0]
        Hp, Wp = H - kh + 1, W - kw + 1
        coef = self._coef4()
        o, i, j, c, a, b = np.meshgrid(np.arange(O), np.arange(Hp), np.arange(Wp), np.arange(C),
                                       np.arange(kh), np.arange(kw), indexing="ij")
        rows = ((o * Hp + i) * Wp + j).ravel()
        cols = ((c * H + i + a) * W + j + b).ravel()
        if self._local:
            vals = coef[o, i, j, c, a, b].ravel()
        else:
            vals = coef[o, c, a, b].ravel()
        return scipy.sparse.csr_matrix((vals, (rows, cols)), shape=(O * Hp * Wp, C * H * W))


# ---------------------------------------------------------------------------
def _solve_sym(M, R):
    """Solve the symmetric PSD system M x = R; min-norm least squares if singular."""
    try:
        c = scipy.linalg.cho_factor(M, check_finite=False)
        x = scipy.linalg.cho_solve(c, R, check_finite=False)
        if np.all(np.isfinite(x)):
            return x
    except np.linalg.LinAlgError:
        pass
    return scipy.linalg.lstsq(M, R, check_finite=False)[0]


def _pad_r(r):
    return np.concatenate([r, np.zeros((r.shape[0], 1, r.shape[2]))], axis=1)


def _shape_str(shape, ndim):
    C, H, W = shape
    return str((C, W)) if ndim == 1 else str((C, H, W))
