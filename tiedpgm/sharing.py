"""MAP estimators that share strength between related parameters, softly or hard.

Every estimator here is the maximum a posteriori estimate of a Gaussian model

    sum_i  lambda_i ||theta_i - x_i||^2 / 2  +  sum_(i,j) in E  w_ij ||theta_i - theta_j||^2 / (2 sigma^2)

whose normal equations are ``(Lambda + L / sigma^2) theta = Lambda x`` with ``L`` the
weighted graph Laplacian. ``prior_var = sigma^2 = 0`` ties the parameters of each
connected component hard (precision-weighted means, the pooled estimate);
``prior_var = inf`` leaves them independent. In between is partial pooling, and
:func:`random_intercept_eb`, :class:`SharedRidge` and :class:`TiedAR1` choose
``sigma^2`` from the data by maximising the marginal likelihood (empirical Bayes).

Public API
----------
pairwise_map, graph_map, hard_share, graph_laplacian, connected_groups,
random_intercept_eb, SharedRidge, TiedAR1, curriculum_fit, curriculum_demo.
"""
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.optimize
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as spla

__all__ = [
    "pairwise_map", "graph_map", "hard_share", "graph_laplacian", "connected_groups",
    "random_intercept_eb", "RandomInterceptFit", "SharedRidge", "TiedAR1",
    "curriculum_fit", "CurriculumPath", "curriculum_demo",
]

# Graphs with at most this many unknowns are solved by sparse LU (exact to
# round-off); larger ones by Jacobi-preconditioned conjugate gradients.
_DIRECT_MAX = 50_000


# --------------------------------------------------------------------------- validation

def _check_prior_var(prior_var, allow_auto=False):
    if allow_auto and isinstance(prior_var, str):
        if prior_var != "auto":
            raise ValueError(
                f"prior_var={prior_var!r} is not understood; give a number >= 0, "
                "np.inf, or 'auto' to estimate it by empirical Bayes.")
        return prior_var
    if isinstance(prior_var, bool) or not isinstance(prior_var, numbers.Real):
        extra = ", np.inf or 'auto'" if allow_auto else " or np.inf"
        raise ValueError(
            f"prior_var must be a number >= 0{extra}; got {prior_var!r}.")
    prior_var = float(prior_var)
    if np.isnan(prior_var) or prior_var < 0:
        raise ValueError(
            f"prior_var is {prior_var!r}; it is the variance of theta_i - theta_j and must "
            "be >= 0 (0 = hard sharing, np.inf = independent estimates).")
    return prior_var


def _as_values(x, name="x"):
    """Return (values float64 with ndim 1 or 2, index or None, columns or None)."""
    index = columns = None
    if isinstance(x, pd.DataFrame):
        index, columns = x.index, x.columns
        values = x.to_numpy(dtype=np.float64)
    elif isinstance(x, pd.Series):
        index = x.index
        values = x.to_numpy(dtype=np.float64)
    else:
        raw = np.asarray(x)
        if raw.dtype == object:
            raise ValueError(f"{name} has dtype object; expected numbers.")
        values = raw.astype(np.float64)
    if values.ndim not in (1, 2):
        raise ValueError(
            f"{name} has shape {values.shape}; expected (n_nodes,) for scalar parameters or "
            "(n_nodes, n_dims) for vector parameters.")
    if values.shape[0] == 0:
        raise ValueError(f"{name} is empty; give at least one observation.")
    bad = ~np.isfinite(values)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = index[idx[0]] if index is not None else idx[0]
        raise ValueError(
            f"{name} contains {float(values[idx])!r} at node {where!r}; observations must be finite: "
            "drop that node, or impute it and give it a small precision.")
    return values, index, columns


def _check_precision(precision, shape, name="precision", index=None):
    """Return precision broadcast to ``shape`` (float64), all finite and > 0.

    A pandas ``precision`` is aligned on ``index`` (the labels of x) when given.
    """
    if index is not None and isinstance(precision, (pd.Series, pd.DataFrame)):
        missing = pd.Index(index).difference(precision.index)
        if len(missing):
            raise ValueError(
                f"{name} has no entry for node(s) {list(missing[:5])}; give a precision for "
                "every label of x.")
        precision = precision.reindex(index)
    if isinstance(precision, (pd.Series, pd.DataFrame)):
        precision = precision.to_numpy(dtype=np.float64)
    prec = np.asarray(precision, dtype=np.float64)
    if prec.ndim == 0:
        prec = np.full(shape, float(prec))
    elif prec.shape == shape:
        pass
    elif len(shape) == 2 and prec.shape == shape[:1]:
        prec = np.repeat(prec[:, None], shape[1], axis=1)
    else:
        expected = f"{shape[:1]} or {shape}" if len(shape) == 2 else f"{shape}"
        raise ValueError(
            f"{name} has shape {prec.shape} but x has shape {shape}; expected a scalar, "
            f"shape {expected}: one precision per node (or per node and dimension).")
    bad = ~(np.isfinite(prec) & (prec > 0))
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} has {float(prec[idx])!r}{_at(idx)}; precisions "
            "(inverse variances) must be finite and > 0: drop nodes without an observation "
            "or give them a small positive precision.")
    return prec


def _at(idx):
    """' at i' / ' at (i, j)' / '' for a scalar, for error messages."""
    if len(idx) == 0:
        return ""
    return f" at {idx[0]}" if len(idx) == 1 else f" at {idx}"


def _node_ids(labels_or_ids, n_nodes, index, what):
    """Map node labels (or integer positions when ``index`` is None) to positions."""
    arr = np.asarray(labels_or_ids)
    if index is not None:
        pos = pd.Index(index).get_indexer(arr.ravel())
        if np.any(pos < 0):
            k = int(np.flatnonzero(pos < 0)[0])
            raise ValueError(
                f"{what} names node {arr.ravel()[k]!r}, which is not in the index of x "
                f"(first labels: {list(index[:5])}); edges must name labels of x.")
        return pos.reshape(arr.shape).astype(np.int64)
    if arr.size and not (np.issubdtype(arr.dtype, np.integer)
                         or (np.issubdtype(arr.dtype, np.floating)
                             and np.all(arr == np.round(arr)))):
        raise ValueError(
            f"{what} must hold integer node positions 0..{n_nodes - 1} when x is a plain "
            f"array; found {arr.ravel()[:3].tolist()}. Pass x as a pandas Series/DataFrame "
            "to name nodes by label.")
    ids = arr.astype(np.int64)
    bad = (ids < 0) | (ids >= n_nodes)
    if bad.any():
        k = int(np.flatnonzero(bad.ravel())[0])
        raise ValueError(
            f"{what} names node {int(ids.ravel()[k])}, but there are only {n_nodes} nodes "
            f"(0..{n_nodes - 1}); remove the edge or add the node to x.")
    return ids


def _check_edges(edges, n_nodes, index=None, weights=None):
    """Return (i, j, w) int64/int64/float64 arrays with self-loops dropped."""
    if edges is None:
        edges = np.zeros((0, 2), dtype=np.int64)
    if isinstance(edges, pd.DataFrame):
        edges = edges.to_numpy()
    arr = np.asarray(edges, dtype=object if index is not None else None)
    if arr.size == 0:
        arr = arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(
            f"edges has shape {np.shape(edges)}; expected (n_edges, 2) pairs of nodes, "
            "e.g. [(0, 1), (1, 2)].")
    ij = _node_ids(arr, n_nodes, index, "edges")
    if weights is None:
        w = np.ones(len(ij))
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (len(ij),):
            raise ValueError(
                f"weights has shape {w.shape} but there are {len(ij)} edges; give one "
                "weight per edge.")
        bad = ~(np.isfinite(w) & (w > 0))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"weights[{k}] is {float(w[k])!r}; edge weights must be finite and > 0 "
                "(drop an edge rather than give it weight 0).")
    keep = ij[:, 0] != ij[:, 1]          # a self-loop adds nothing to the Laplacian
    return ij[keep, 0], ij[keep, 1], w[keep]


# --------------------------------------------------------------------------- graph kernels

def graph_laplacian(i, j, w, n_nodes):
    """Weighted graph Laplacian ``L = D - W`` as CSR, shape (n_nodes, n_nodes).

    ``i, j`` are int arrays of node positions (each undirected edge once), ``w`` the
    weights. Duplicate edges add up.
    """
    deg = np.bincount(i, weights=w, minlength=n_nodes) + np.bincount(j, weights=w,
                                                                     minlength=n_nodes)
    nodes = np.arange(n_nodes)
    rows = np.concatenate([i, j, nodes])
    cols = np.concatenate([j, i, nodes])
    vals = np.concatenate([-w, -w, deg])
    return sp.csr_matrix((vals, (rows, cols)), shape=(n_nodes, n_nodes))


def connected_groups(i, j, n_nodes):
    """Connected-component id (0..n_components-1) of each node, shape (n_nodes,)."""
    adj = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(n_nodes, n_nodes)).tocsr()
    _, labels = csgraph.connected_components(adj, directed=False)
    return labels.astype(np.int64)


def _weighted_group_means(x, prec, groups):
    """Precision-weighted mean of each group broadcast back to the nodes; x, prec (N, D)."""
    n_groups = int(groups.max()) + 1
    sum_w = np.zeros((n_groups, x.shape[1]))
    sum_wx = np.zeros((n_groups, x.shape[1]))
    np.add.at(sum_w, groups, prec)
    np.add.at(sum_wx, groups, prec * x)
    return (sum_wx / sum_w)[groups]


def _solve_spd(A, B, solver, rtol):
    """Solve A X = B for SPD sparse A, B (N, D). Returns (X, info dict)."""
    n = A.shape[0]
    if solver == "auto":
        solver = "direct" if n <= _DIRECT_MAX else "cg"
    if solver == "direct":
        lu = spla.splu(A.tocsc())
        return lu.solve(B), {"solver": "direct", "iterations": None}
    if solver != "cg":
        raise ValueError(f"solver={solver!r}; expected 'auto', 'direct' or 'cg'.")
    inv_diag = 1.0 / A.diagonal()
    out = np.empty_like(B)
    iters = []
    for d in range(B.shape[1]):
        sol, k = _pcg_jacobi(A, B[:, d], inv_diag, rtol, maxiter=20 * n + 100)
        if sol is None:
            # Too ill-conditioned (sigma^2 tiny relative to 1/precision): fall back to LU.
            sol = spla.splu(A.tocsc()).solve(B[:, d])
        out[:, d] = sol
        iters.append(k)
    return out, {"solver": "cg", "iterations": iters}


def _pcg_jacobi(A, b, inv_diag, rtol, maxiter):
    """Conjugate gradients with a Jacobi preconditioner; (x, iterations) or (None, k).

    A plain loop rather than scipy's ``cg``: a few fused vector updates per iteration,
    so the sparse mat-vec dominates. Stops at ||b - A x|| <= rtol ||b||.
    """
    b_norm = np.linalg.norm(b)
    if b_norm == 0:
        return np.zeros_like(b), 0
    x = b * inv_diag                      # exact when L = 0
    r = b - A @ x
    z = r * inv_diag
    p = z.copy()
    rz = r @ z
    tol = rtol * b_norm
    for k in range(1, maxiter + 1):
        if np.sqrt(r @ r) <= tol:
            return x, k - 1
        q = A @ p
        alpha = rz / (p @ q)
        x += alpha * p
        r -= alpha * q
        if k % 50 == 0:                   # refresh the recursive residual against drift
            r = b - A @ x
        np.multiply(r, inv_diag, out=z)
        rz_new = r @ z
        p *= rz_new / rz
        p += z
        rz = rz_new
    return None, maxiter


def _small_prior_var_correction(prec, resid, L0, comp, prior_var, max_iter=200):
    """Correction r for prior_var so small that Lambda is lost against L/prior_var.

    Solves ``L r = prior_var * Lambda (resid - r)`` with ``sum_comp Lambda r = 0`` by
    fixed-point iteration on the grounded Laplacian (one node per component pinned),
    which contracts by about ``prior_var * max(Lambda) / lambda_2(L)``. Returns None if
    it does not converge (the caller then uses the direct solve).
    """
    n = len(comp)
    roots = np.zeros(n, dtype=bool)
    _, first = np.unique(comp, return_index=True)
    roots[first] = True
    keep = np.flatnonzero(~roots)
    if keep.size == 0:
        return np.zeros_like(resid)
    lu = spla.splu(L0[keep][:, keep].tocsc())
    r = np.zeros_like(resid)
    for _ in range(max_iter):
        rhs = prior_var * prec * (resid - r)
        new = np.zeros_like(resid)
        new[keep] = lu.solve(np.ascontiguousarray(rhs[keep]))
        new -= _weighted_group_means(new, prec, comp)     # enforce sum_comp Lambda r = 0
        step = np.max(np.abs(new - r))
        r = new
        if step <= 1e-15 * max(np.max(np.abs(r)), 1e-300):
            return r
    return None


def _graph_map_arrays(x, prec, i, j, w, prior_var, solver="auto", rtol=1e-10):
    """Kernel: x, prec (N, D) float64; edges i, j, w. Returns theta (N, D)."""
    n = x.shape[0]
    if prior_var == np.inf or len(i) == 0:
        return x.copy()
    comp = connected_groups(i, j, n)
    hard = _weighted_group_means(x, prec, comp)
    if prior_var == 0:
        return hard
    # theta = hard + r with (Lambda + L/s2) r = Lambda (x - hard): exact, because L kills
    # the component means. Solving for the small correction r keeps full accuracy when
    # s2 -> 0 (A is then nearly singular, but its error only scales the tiny r), and the
    # right-hand side has no component-mean part, which CG would converge on slowest.
    resid = x - hard
    L0 = graph_laplacian(i, j, w, n)
    deg = L0.diagonal()
    linked = deg > 0
    if prior_var * np.min(prec[linked] / deg[linked, None]) < 1e-8:
        r = _small_prior_var_correction(prec, resid, L0, comp, prior_var)
        if r is not None:
            return hard + r
    L = L0 / prior_var
    if np.all(prec == prec[:, :1]):
        A = (L + sp.diags(prec[:, 0])).tocsr()
        r, _ = _solve_spd(A, prec * resid, solver, rtol)
        return hard + r
    r = np.empty_like(x)
    for d in range(x.shape[1]):
        A = (L + sp.diags(prec[:, d])).tocsr()
        r[:, d:d + 1], _ = _solve_spd(A, (prec[:, d] * resid[:, d])[:, None], solver, rtol)
    return hard + r


def _wrap(values, index, columns, like_1d):
    if like_1d:
        values = values[:, 0]
        return pd.Series(values, index=index) if index is not None else values
    if index is not None or columns is not None:
        return pd.DataFrame(values, index=index, columns=columns)
    return values


# --------------------------------------------------------------------------- public: closed forms

def pairwise_map(x_i, x_j, prec_i, prec_j, prior_var):
    """MAP of two parameters with Gaussian observations and a Gaussian tie.

    Observations ``x_i ~ N(theta_i, 1/prec_i)``, ``x_j ~ N(theta_j, 1/prec_j)`` and prior
    ``theta_i - theta_j ~ N(0, prior_var)`` give

        theta_i = [prec_i (prec_j s2 + 1) x_i + prec_j x_j] / (prec_i prec_j s2 + prec_i + prec_j)

    (and symmetrically for ``theta_j``), with ``s2 = prior_var``. ``prior_var=0`` gives
    both the precision-weighted mean; ``np.inf`` gives ``(x_i, x_j)``.

    Parameters
    ----------
    x_i, x_j : float or array-like, broadcastable
    prec_i, prec_j : float or array-like, > 0
    prior_var : float >= 0 or np.inf

    Returns
    -------
    (theta_i, theta_j) : tuple of float64 arrays (0-d for scalar input)
    """
    x_i = np.asarray(x_i, dtype=np.float64)
    x_j = np.asarray(x_j, dtype=np.float64)
    for name, v in (("x_i", x_i), ("x_j", x_j)):
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{name} contains NaN or inf ({v!r}); observations must be finite.")
    prec_i = _check_precision(prec_i, np.broadcast(x_i, x_j).shape, "prec_i")
    prec_j = _check_precision(prec_j, np.broadcast(x_i, x_j).shape, "prec_j")
    s2 = _check_prior_var(prior_var)
    if s2 == np.inf:
        return np.broadcast_to(x_i, prec_i.shape).copy(), np.broadcast_to(x_j, prec_j.shape).copy()
    den = prec_i * prec_j * s2 + prec_i + prec_j
    theta_i = (prec_i * (prec_j * s2 + 1) * x_i + prec_j * x_j) / den
    theta_j = (prec_j * (prec_i * s2 + 1) * x_j + prec_i * x_i) / den
    return theta_i, theta_j


def graph_map(x, precision, edges, prior_var, weights=None, *, solver="auto", rtol=1e-10):
    """MAP of parameters on a graph with Gaussian observations and Laplacian prior.

    Minimises ``sum_i prec_i ||theta_i - x_i||^2 / 2 + sum_(i,j) w_ij ||theta_i - theta_j||^2
    / (2 prior_var)``, i.e. solves ``(Lambda + L / prior_var) theta = Lambda x`` sparsely.

    Parameters
    ----------
    x : array-like, shape (n_nodes,) or (n_nodes, n_dims); or a pandas Series/DataFrame
        Observations. A pandas index names the nodes; ``edges`` then use these labels.
    precision : float or array-like, shape (n_nodes,) or (n_nodes, n_dims)
        Observation precisions, all > 0.
    edges : array-like, shape (n_edges, 2)
        Undirected edges as pairs of nodes (positions, or labels of ``x``'s index).
    prior_var : float >= 0 or np.inf
        ``0`` = hard sharing (precision-weighted mean per connected component),
        ``np.inf`` = no sharing (returns ``x``).
    weights : array-like, shape (n_edges,), optional
        Positive edge weights ``w_ij`` (default 1).
    solver : {"auto", "direct", "cg"}
        "direct" = sparse LU; "cg" = conjugate gradients with a Jacobi preconditioner
        (falls back to LU if it does not converge); "auto" picks LU up to 50 000 nodes.
    rtol : float
        Relative residual tolerance of CG.

    Returns
    -------
    theta : same type and shape as ``x`` (ndarray, Series or DataFrame with its labels)
    """
    values, index, columns = _as_values(x)
    like_1d = values.ndim == 1
    X = values[:, None] if like_1d else values
    prec = _check_precision(precision, X.shape if not like_1d else X.shape[:1],
                            index=index)
    prec = prec[:, None] if prec.ndim == 1 else prec
    if prec.shape != X.shape:
        prec = np.broadcast_to(prec, X.shape).copy()
    i, j, w = _check_edges(edges, X.shape[0], index, weights)
    s2 = _check_prior_var(prior_var)
    theta = _graph_map_arrays(X, prec, i, j, w, s2, solver=solver, rtol=rtol)
    return _wrap(theta, index, columns, like_1d)


def hard_share(x, precision, groups):
    """Hard sharing: every node gets the precision-weighted mean of its group.

    Parameters
    ----------
    x : array-like, shape (n_nodes,) or (n_nodes, n_dims); or a pandas Series/DataFrame
    precision : float or array-like, shape (n_nodes,) or (n_nodes, n_dims), > 0
    groups : array-like, shape (n_nodes,)
        Group label of each node (any hashable labels).

    Returns
    -------
    theta : same type and shape as ``x``; ``theta_i = sum_(k in g) prec_k x_k / sum prec_k``
    """
    values, index, columns = _as_values(x)
    like_1d = values.ndim == 1
    X = values[:, None] if like_1d else values
    prec = _check_precision(precision, X.shape if not like_1d else X.shape[:1],
                            index=index)
    prec = prec[:, None] if prec.ndim == 1 else prec
    groups = np.asarray(groups.to_numpy() if isinstance(groups, pd.Series) else groups)
    if groups.shape != (X.shape[0],):
        raise ValueError(
            f"groups has shape {groups.shape} but x has {X.shape[0]} nodes; give one group "
            "label per node.")
    codes, _ = pd.factorize(groups)
    if np.any(codes < 0):
        raise ValueError("groups contains missing labels (NaN/None); give every node a group.")
    theta = _weighted_group_means(X, np.broadcast_to(prec, X.shape), codes)
    return _wrap(theta, index, columns, like_1d)


# --------------------------------------------------------------------------- empirical Bayes

@dataclass
class RandomInterceptFit:
    """Result of :func:`random_intercept_eb`.

    Attributes
    ----------
    mean : float              grand mean mu (GLS estimate)
    prior_var : float         between-group variance tau^2 (= sigma^2 of the tie)
    noise_var : float         within-group residual variance
    estimates : pd.Series     shrunken group means mu + BLUP, indexed by group label
    random_effects : pd.Series  BLUPs b_i = estimates - mean
    group_means : pd.Series   raw (no pooling) group means
    group_sizes : pd.Series   number of observations per group
    shrinkage : pd.Series     weight on the raw mean, n tau^2 / (n tau^2 + noise_var)
    log_likelihood : float    maximised (restricted) log-likelihood
    reml : bool
    """
    mean: float
    prior_var: float
    noise_var: float
    estimates: pd.Series
    random_effects: pd.Series
    group_means: pd.Series
    group_sizes: pd.Series
    shrinkage: pd.Series
    log_likelihood: float
    reml: bool


def _ri_loglik(log_params, n, ybar, within_ss, reml):
    """(Restricted) log-likelihood of the random-intercept model from group statistics."""
    tau2, s2 = np.exp(log_params)
    v = s2 + n * tau2                  # n_i * var(ybar_i)
    wts = n / v                        # 1 / var(ybar_i)
    mu = np.sum(wts * ybar) / np.sum(wts)
    n_tot = n.sum()
    ll = -0.5 * (n_tot * np.log(2 * np.pi) + np.sum((n - 1) * np.log(s2) + np.log(v))
                 + within_ss / s2 + np.sum(wts * (ybar - mu) ** 2))
    if reml:
        ll += -0.5 * np.log(np.sum(wts)) + 0.5 * np.log(2 * np.pi)
    return ll, mu


def random_intercept_eb(y, groups, reml=True, prior_var=None):
    """Partial pooling of group means with the sharing strength chosen by empirical Bayes.

    Model: ``y_gk = mu + b_g + e_gk``, ``b_g ~ N(0, prior_var)``, ``e ~ N(0, noise_var)``,
    i.e. group parameters ``theta_g = mu + b_g`` tied with variance ``prior_var``. The
    variances maximise the marginal (``reml=False``) or restricted (``reml=True``)
    likelihood, as statsmodels ``MixedLM`` does; the shrunken estimates are the BLUPs
    ``mu + b_g``, ``b_g = n_g tau^2 / (n_g tau^2 + noise_var) * (ybar_g - mu)``.

    Parameters
    ----------
    y : array-like, shape (n_samples,)
    groups : array-like, shape (n_samples,)
        Group label of each observation.
    reml : bool
    prior_var : float, optional
        Fix ``tau^2`` instead of estimating it (``noise_var`` is still estimated).

    Returns
    -------
    RandomInterceptFit
    """
    yv, _, _ = _as_values(y, "y")
    if yv.ndim != 1:
        raise ValueError(f"y has shape {yv.shape}; expected a 1-D array of responses.")
    g = np.asarray(groups.to_numpy() if isinstance(groups, pd.Series) else groups)
    if g.shape != yv.shape:
        raise ValueError(
            f"groups has shape {g.shape} but y has shape {yv.shape}; give one group label "
            "per observation.")
    codes, labels = pd.factorize(g, sort=True)
    if np.any(codes < 0):
        raise ValueError("groups contains missing labels (NaN/None); give every row a group.")
    n_groups = len(labels)
    n = np.bincount(codes, minlength=n_groups).astype(np.float64)
    if n_groups < 2:
        raise ValueError("only one group found; partial pooling needs at least 2 groups.")
    if n.sum() <= n_groups:
        raise ValueError(
            f"{int(n.sum())} observations in {n_groups} groups: the within-group variance is "
            "not identified; give some groups at least 2 observations.")
    ybar = np.bincount(codes, weights=yv, minlength=n_groups) / n
    within_ss = float(np.sum((yv - ybar[codes]) ** 2))
    s2_start = max(within_ss / (n.sum() - n_groups), 1e-12)
    tau2_start = max(np.var(ybar) - np.mean(s2_start / n), 0.1 * s2_start)

    if prior_var is None:
        def nll(p):
            return -_ri_loglik(p, n, ybar, within_ss, reml)[0]
        start = np.log([tau2_start, s2_start])
    else:
        tau2_fixed = _check_prior_var(prior_var)

        def nll(p):
            return -_ri_loglik(np.array([np.log(max(tau2_fixed, 1e-300)), p[0]]), n, ybar,
                               within_ss, reml)[0]
        start = np.log([s2_start])
    if prior_var is None:
        res = scipy.optimize.minimize(nll, start, method="L-BFGS-B",
                                      options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000})
        # Polish with Nelder-Mead: the optimum can sit on a flat ridge when tau^2 -> 0.
        res = scipy.optimize.minimize(nll, res.x, method="Nelder-Mead",
                                      options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000})
        log_params = res.x
    else:
        res = scipy.optimize.minimize_scalar(
            lambda v: nll([v]), bounds=(start[0] - 30, start[0] + 30), method="bounded",
            options={"xatol": 1e-10})
        log_params = np.array([np.log(max(tau2_fixed, 1e-300)), res.x])
    ll, mu = _ri_loglik(log_params, n, ybar, within_ss, reml)
    tau2, s2 = np.exp(log_params)
    shrink = n * tau2 / (n * tau2 + s2)
    b = shrink * (ybar - mu)
    idx = pd.Index(labels, name=getattr(groups, "name", None))
    return RandomInterceptFit(
        mean=float(mu), prior_var=float(tau2), noise_var=float(s2),
        estimates=pd.Series(mu + b, index=idx), random_effects=pd.Series(b, index=idx),
        group_means=pd.Series(ybar, index=idx), group_sizes=pd.Series(n.astype(int), index=idx),
        shrinkage=pd.Series(shrink, index=idx), log_likelihood=float(ll), reml=bool(reml))


# --------------------------------------------------------------------------- multi-task regression

def _task_stats(X, y, codes, n_tasks):
    """Per-task sums: sum_xxT (T, p, p), sum_xy (T, p), sum_yy, n."""
    p = X.shape[1]
    sum_xxT = np.zeros((n_tasks, p, p))
    np.add.at(sum_xxT, codes, X[:, :, None] * X[:, None, :])
    sum_xy = np.zeros((n_tasks, p))
    np.add.at(sum_xy, codes, X * y[:, None])
    return sum_xxT, sum_xy, float(y @ y), len(y)


def _block_system(sum_xxT, L, prior_var, noise_var):
    """Sparse M = blockdiag(sum_xxT)/noise_var + kron(L, I_p)/prior_var."""
    T, p, _ = sum_xxT.shape
    blocks = sp.block_diag(list(sum_xxT / noise_var), format="csr")
    return (blocks + sp.kron(L, sp.identity(p), format="csr") / prior_var).tocsc()


def _shared_solve(sum_xxT, sum_xy, L, comp, prior_var):
    """MAP task weights (T, p) for noise_var = 1 and the given prior_var (>= 0 or inf)."""
    T, p, _ = sum_xxT.shape
    if prior_var == np.inf:
        W = np.empty((T, p))
        for t in range(T):
            W[t] = _checked_lstsq(sum_xxT[t], sum_xy[t], f"task {t}")
        return W
    if prior_var == 0:
        n_comp = int(comp.max()) + 1
        pooled_xxT = np.zeros((n_comp, p, p))
        pooled_xy = np.zeros((n_comp, p))
        np.add.at(pooled_xxT, comp, sum_xxT)
        np.add.at(pooled_xy, comp, sum_xy)
        Wc = np.stack([_checked_lstsq(pooled_xxT[c], pooled_xy[c], f"component {c}")
                       for c in range(n_comp)])
        return Wc[comp]
    M = _block_system(sum_xxT, L, prior_var, 1.0)
    return spla.splu(M).solve(sum_xy.ravel()).reshape(T, p)


def _checked_lstsq(A, b, what):
    if np.linalg.matrix_rank(A) < A.shape[0]:
        raise ValueError(
            f"{what} has a rank-deficient design (rank {np.linalg.matrix_rank(A)} < "
            f"{A.shape[0]} coefficients); its weights are not identified without sharing: "
            "use a finite prior_var or give it more rows.")
    return np.linalg.solve(A, b)


def _log_evidence(log_params, sum_xxT, sum_xy, sum_yy, n, L, rank_L, fixed):
    """Restricted log marginal likelihood of y under the Laplacian prior.

    The prior on the task weights is N(0, (kron(L, I)/prior_var)^+) with a flat prior on
    the null space of L (one mean per connected component), so the evidence is the REML
    likelihood with those component means as the fixed effects (constants dropped).
    """
    params = dict(fixed)
    free = [k for k in ("prior_var", "noise_var") if k not in fixed]
    for k, v in zip(free, log_params):
        params[k] = np.exp(v)
    s2, v2 = params["noise_var"], params["prior_var"]
    T, p, _ = sum_xxT.shape
    M = _block_system(sum_xxT, L, v2, s2)
    lu = spla.splu(M)
    b = sum_xy.ravel() / s2
    logdet = np.sum(np.log(np.abs(lu.U.diagonal())))
    quad = b @ lu.solve(b)
    return (-0.5 * n * np.log(2 * np.pi * s2) - 0.5 * sum_yy / s2 + 0.5 * quad
            - 0.5 * logdet - 0.5 * rank_L * p * np.log(v2))


def _fit_evidence(sum_xxT, sum_xy, sum_yy, n, L, n_comp, fixed, start):
    rank_L = sum_xxT.shape[0] - n_comp
    free = [k for k in ("prior_var", "noise_var") if k not in fixed]

    def nll(lp):
        val = -_log_evidence(lp, sum_xxT, sum_xy, sum_yy, n, L, rank_L, fixed)
        return val if np.isfinite(val) else 1e300
    x0 = np.log([start[k] for k in free])
    # Bounds keep the search off the flat plateaus of the evidence as prior_var -> 0 or
    # inf (both limits have finite evidence); 1e-12..1e12 times the starting scale.
    bounds = [(v - 27.6, v + 27.6) for v in x0]
    res = scipy.optimize.minimize(nll, x0, method="L-BFGS-B", bounds=bounds,
                                  options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 500})
    res = scipy.optimize.minimize(nll, res.x, method="Nelder-Mead", bounds=bounds,
                                  options={"xatol": 1e-8, "fatol": 1e-12, "maxiter": 400})
    out = dict(fixed)
    out.update({k: float(np.exp(v)) for k, v in zip(free, res.x)})
    return out, -float(res.fun)


def _parse_graph(graph, labels):
    """Return (i, j, w) over task positions for graph=None/'complete'/edge list."""
    T = len(labels)
    if graph is None or (isinstance(graph, str) and graph == "complete"):
        i, j = np.triu_indices(T, k=1)
        # weight 1/T: sum_(i<j) (th_i - th_j)^2 / T = sum_i (th_i - mean)^2, the
        # random-effects prior with a flat prior on the common mean.
        return i.astype(np.int64), j.astype(np.int64), np.full(len(i), 1.0 / T)
    if isinstance(graph, str):
        raise ValueError(f"graph={graph!r}; expected None, 'complete' or a list of task pairs.")
    edges = list(graph)
    weights = None
    if edges and len(edges[0]) == 3:
        weights = [e[2] for e in edges]
        edges = [(e[0], e[1]) for e in edges]
    return _check_edges(edges, T, pd.Index(labels), weights)


class SharedRidge:
    """Multi-task linear regression with Laplacian soft sharing between task weights.

    Each task ``t`` has its own rows ``(X_t, y_t)`` and weights ``w_t``; the prior
    ``sum_(s,t) in graph c_st ||w_s - w_t||^2 / (2 prior_var)`` pulls neighbouring tasks
    together. ``prior_var=0`` is the pooled regression (one weight vector per connected
    component of the graph), ``np.inf`` the independent per-task fits, ``"auto"``
    chooses ``prior_var`` and ``noise_var`` by maximising the marginal likelihood.

    Parameters
    ----------
    graph : None, "complete", or list of (task_a, task_b) or (task_a, task_b, weight)
        Which tasks share. ``None``/"complete" links all tasks with weight 1/n_tasks,
        which is exactly the random-effects prior ``w_t ~ N(w_bar, prior_var I)``.
    prior_var : float >= 0, np.inf or "auto"
    noise_var : float > 0 or None
        Residual variance; estimated by empirical Bayes when None.
    fit_intercept : bool
        Add a per-task intercept (shared like the other weights).

    Attributes
    ----------
    coef_ : pd.DataFrame, shape (n_tasks, n_features)     indexed by task label
    intercept_ : pd.Series, shape (n_tasks,)
    prior_var_, noise_var_ : float
    log_evidence_ : float or None     restricted log marginal likelihood (finite prior_var)
    tasks_ : pd.Index
    """

    def __init__(self, graph=None, prior_var="auto", noise_var=None, fit_intercept=True):
        self.graph = graph
        self.prior_var = prior_var
        self.noise_var = noise_var
        self.fit_intercept = fit_intercept

    def get_params(self, deep=True):
        return {"graph": self.graph, "prior_var": self.prior_var,
                "noise_var": self.noise_var, "fit_intercept": self.fit_intercept}

    def set_params(self, **params):
        for k, v in params.items():
            if k not in self.get_params():
                raise ValueError(f"unknown parameter {k!r} for SharedRidge; valid: "
                                 f"{sorted(self.get_params())}.")
            setattr(self, k, v)
        return self

    def _design(self, X):
        Xv = np.asarray(X.to_numpy() if isinstance(X, pd.DataFrame) else X, dtype=np.float64)
        if Xv.ndim == 1:
            Xv = Xv[:, None]
        if Xv.ndim != 2:
            raise ValueError(f"X has shape {Xv.shape}; expected (n_samples, n_features).")
        if not np.all(np.isfinite(Xv)):
            raise ValueError("X contains NaN or inf; remove or impute missing values first.")
        if self.fit_intercept:
            Xv = np.hstack([np.ones((len(Xv), 1)), Xv])
        return Xv

    def fit(self, X, y, tasks):
        """Fit all tasks jointly.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n_samples, n_features)
        y : array-like, shape (n_samples,)
        tasks : array-like, shape (n_samples,)
            Task label of each row; the rows of one task are its design matrix.

        Returns
        -------
        self
        """
        feat_names = (list(X.columns) if isinstance(X, pd.DataFrame)
                      else None)
        Xv = self._design(X)
        yv, _, _ = _as_values(y, "y")
        if yv.ndim != 1 or len(yv) != len(Xv):
            raise ValueError(f"y has shape {yv.shape} but X has {len(Xv)} rows; expected "
                             f"y of shape ({len(Xv)},).")
        t = np.asarray(tasks.to_numpy() if isinstance(tasks, pd.Series) else tasks)
        if t.shape != (len(Xv),):
            raise ValueError(f"tasks has shape {t.shape} but X has {len(Xv)} rows; give "
                             "one task label per row.")
        codes, labels = pd.factorize(t, sort=True)
        T = len(labels)
        i, j, w = _parse_graph(self.graph, labels)
        L = graph_laplacian(i, j, w, T)
        comp = connected_groups(i, j, T)
        n_comp = int(comp.max()) + 1
        sum_xxT, sum_xy, sum_yy, n = _task_stats(Xv, yv, codes, T)
        prior_var = _check_prior_var(self.prior_var, allow_auto=True)
        if self.noise_var is not None and not (np.isfinite(self.noise_var)
                                               and self.noise_var > 0):
            raise ValueError(f"noise_var is {self.noise_var!r}; it must be > 0, or None to "
                             "estimate it.")
        self.log_evidence_ = None
        if prior_var == "auto" or (self.noise_var is None and 0 < prior_var < np.inf):
            fixed = {}
            if prior_var != "auto":
                fixed["prior_var"] = prior_var
            if self.noise_var is not None:
                fixed["noise_var"] = float(self.noise_var)
            W0 = _shared_solve(sum_xxT, sum_xy, L, comp, 0.0)
            resid = sum_yy - 2 * np.sum(W0 * sum_xy) + np.einsum("ti,tij,tj->", W0, sum_xxT, W0)
            s2_0 = max(resid / max(n - Xv.shape[1] * n_comp, 1), 1e-12)
            est, ll = _fit_evidence(sum_xxT, sum_xy, sum_yy, n, L, n_comp, fixed,
                                    {"prior_var": 0.1 * s2_0, "noise_var": s2_0})
            self.prior_var_, self.noise_var_ = est["prior_var"], est["noise_var"]
            self.log_evidence_ = ll
        else:
            self.prior_var_ = prior_var
            self.noise_var_ = None if self.noise_var is None else float(self.noise_var)
        ratio = (self.prior_var_ / self.noise_var_ if self.noise_var_ is not None
                 else self.prior_var_)
        W = _shared_solve(sum_xxT, sum_xy, L, comp, ratio)
        if self.noise_var_ is None:   # limits: plain least-squares residual variance
            resid = sum_yy - 2 * np.sum(W * sum_xy) + np.einsum("ti,tij,tj->", W, sum_xxT, W)
            self.noise_var_ = float(resid / max(n - 1, 1))
        self.tasks_ = pd.Index(labels)
        cols = feat_names if feat_names is not None else list(range(Xv.shape[1] - self.fit_intercept))
        if self.fit_intercept:
            self.intercept_ = pd.Series(W[:, 0], index=self.tasks_)
            self.coef_ = pd.DataFrame(W[:, 1:], index=self.tasks_, columns=cols)
        else:
            self.intercept_ = pd.Series(np.zeros(T), index=self.tasks_)
            self.coef_ = pd.DataFrame(W, index=self.tasks_, columns=cols)
        self.n_features_in_ = Xv.shape[1] - self.fit_intercept
        return self

    def predict(self, X, tasks):
        """Predict with each row's task weights; X (n, n_features), tasks (n,) -> (n,)."""
        if not hasattr(self, "coef_"):
            raise ValueError("this SharedRidge is not fitted yet; call fit(X, y, tasks) first.")
        Xv = self._design(X)
        t = np.asarray(tasks.to_numpy() if isinstance(tasks, pd.Series) else tasks)
        pos = self.tasks_.get_indexer(t)
        if np.any(pos < 0):
            k = int(np.flatnonzero(pos < 0)[0])
            raise ValueError(f"task {t[k]!r} was not seen in fit; known tasks: "
                             f"{list(self.tasks_[:5])}...")
        W = np.hstack([self.intercept_.to_numpy()[:, None], self.coef_.to_numpy()]) \
            if self.fit_intercept else self.coef_.to_numpy()
        return np.einsum("ij,ij->i", Xv, W[pos])


# --------------------------------------------------------------------------- AR(1)

class TiedAR1:
    """AR(1) with a time-varying coefficient, tied hard, untied, or softly along time.

    ``x[n, t] = theta_t x[n, t-1] + eps``, ``eps ~ N(0, noise_var)``, for N sequences of
    T + 1 steps. ``"none"`` estimates each theta_t from the N pairs at step t; ``"hard"``
    pools all N*T pairs into one theta; ``"soft"`` pulls neighbouring theta_t together
    (chain graph) with ``prior_var`` chosen by empirical Bayes when "auto".

    Parameters
    ----------
    tying : {"hard", "none", "soft"}
    prior_var : float >= 0, np.inf or "auto"  (used by "soft")

    Attributes
    ----------
    theta_ : ndarray, shape (T,)
        Estimates under the chosen tying.
    theta_untied_ : ndarray, shape (T,)
        Per-step least squares.
    theta_tied_ : float
        Pooled least squares (the precision-weighted mean of ``theta_untied_``).
    noise_var_ : float
        Residual variance of the untied fit.
    var_untied_ : ndarray, shape (T,)
        Sampling variance of each ``theta_untied_[t]``.
    var_tied_ : float
        Sampling variance of ``theta_tied_``.
    sq_bias_ : float
        :math:`s^2 = \\frac1T \\sum_t (\\theta_t - \\bar\\theta)^2` with
        :math:`\\theta_t` = ``theta_untied_`` and :math:`\\bar\\theta` = ``theta_tied_``.
    sq_bias_debiased_ : float
        :math:`s^2` minus its expected noise part, clipped at 0.
    variance_removed_ : float
        ``mean(var_untied_) - var_tied_``.
    tie_wins_ : bool
        ``sq_bias_debiased_ < variance_removed_``: tying lowers the mean squared error.
    """

    def __init__(self, tying="hard", prior_var="auto"):
        self.tying = tying
        self.prior_var = prior_var

    def get_params(self, deep=True):
        return {"tying": self.tying, "prior_var": self.prior_var}

    def set_params(self, **params):
        for k, v in params.items():
            if k not in self.get_params():
                raise ValueError(f"unknown parameter {k!r} for TiedAR1.")
            setattr(self, k, v)
        return self

    def fit(self, X):
        """X : array-like, shape (n_sequences, T + 1), one row per sequence. Returns self."""
        if self.tying not in ("hard", "none", "soft"):
            raise ValueError(f"tying={self.tying!r}; expected 'hard', 'none' or 'soft'.")
        Xv = np.asarray(X, dtype=np.float64)
        if Xv.ndim != 2 or Xv.shape[1] < 2:
            raise ValueError(f"X has shape {Xv.shape}; expected (n_sequences, T + 1) with "
                             "T >= 1: one row per sequence, one column per time step.")
        if not np.all(np.isfinite(Xv)):
            idx = tuple(int(i) for i in np.argwhere(~np.isfinite(Xv))[0])
            raise ValueError(f"X contains {float(Xv[idx])!r} at {idx}; observations must be finite.")
        prev, cur = Xv[:, :-1], Xv[:, 1:]
        N, T = prev.shape
        sum_xx = np.sum(prev ** 2, axis=0)
        sum_xy = np.sum(prev * cur, axis=0)
        if np.any(sum_xx <= 0):
            t = int(np.flatnonzero(sum_xx <= 0)[0])
            raise ValueError(f"all sequences are 0 at step {t}; theta_{t + 1} is not identified.")
        self.theta_untied_ = sum_xy / sum_xx
        self.theta_tied_ = float(sum_xy.sum() / sum_xx.sum())
        resid = np.sum((cur - self.theta_untied_ * prev) ** 2)
        dof = N * T - T
        if dof <= 0:
            raise ValueError(f"{N} sequences cannot identify {T} untied coefficients and the "
                             "noise variance; give at least 2 sequences.")
        self.noise_var_ = float(resid / dof)
        self.var_untied_ = self.noise_var_ / sum_xx
        self.var_tied_ = float(self.noise_var_ / sum_xx.sum())
        self.sq_bias_ = float(np.mean((self.theta_untied_ - self.theta_tied_) ** 2))
        # E[mean (th_untied - th_tied)^2] = s^2_true + mean(var_untied) - var_tied.
        self.variance_removed_ = float(np.mean(self.var_untied_) - self.var_tied_)
        self.sq_bias_debiased_ = max(0.0, self.sq_bias_ - self.variance_removed_)
        self.tie_wins_ = bool(self.sq_bias_debiased_ < self.variance_removed_)
        self.prior_var_ = None
        if self.tying == "none":
            self.theta_ = self.theta_untied_.copy()
        elif self.tying == "hard":
            self.theta_ = np.full(T, self.theta_tied_)
        else:
            i = np.arange(T - 1, dtype=np.int64)
            j = i + 1
            w = np.ones(T - 1)
            pv = _check_prior_var(self.prior_var, allow_auto=True)
            if pv == "auto":
                if T < 2:
                    pv = np.inf
                else:
                    L = graph_laplacian(i, j, w, T)
                    est, _ = _fit_evidence(sum_xx[:, None, None], sum_xy[:, None],
                                           float(np.sum(cur ** 2)), N * T, L, 1, {},
                                           {"prior_var": max(self.sq_bias_, 1e-6),
                                            "noise_var": self.noise_var_})
                    pv = est["prior_var"] / est["noise_var"] * self.noise_var_
            self.prior_var_ = pv
            self.theta_ = _graph_map_arrays(self.theta_untied_[:, None],
                                            (sum_xx / self.noise_var_)[:, None],
                                            i, j, w, pv)[:, 0]
        return self


# --------------------------------------------------------------------------- curriculum

@dataclass
class CurriculumPath:
    """Result of :func:`curriculum_fit`.

    Attributes
    ----------
    penalties : ndarray, shape (n_steps,)
        The schedule :math:`\\lambda_k`.
    thetas : ndarray, shape (n_steps, ...)
        Optimum reached at each :math:`\\lambda_k` (each of ``theta0``'s shape).
    losses : ndarray, shape (n_steps,)
        User loss (without penalty) at each optimum.
    objectives : ndarray, shape (n_steps,)
        Loss plus penalty at each optimum.
    """
    penalties: np.ndarray
    thetas: np.ndarray
    losses: np.ndarray
    objectives: np.ndarray

    @property
    def theta(self):
        """Final parameters, shape theta0.shape."""
        return self.thetas[-1]


def curriculum_fit(loss_grad, theta0, edges, schedule, weights=None, *, maxiter=1000):
    """Optimise a loss with a soft-sharing penalty whose weight grows along a schedule.

    At step k minimises ``loss(theta) + lambda_k / 2 * sum_(i,j) w_ij ||theta_i - theta_j||^2``
    starting from the optimum of step k-1 (L-BFGS), so a schedule ``0 -> large`` starts
    untied and tightens the tie gradually.

    Parameters
    ----------
    loss_grad : callable theta -> (loss: float, grad: array like theta)
    theta0 : array-like, shape (n_nodes,) or (n_nodes, n_dims)
    edges : array-like, shape (n_edges, 2)  pairs of node positions
    schedule : array-like of float >= 0, shape (n_steps,)  penalty weights lambda_k
    weights : array-like, shape (n_edges,), optional

    Returns
    -------
    CurriculumPath
    """
    theta = np.array(theta0, dtype=np.float64)
    if theta.ndim not in (1, 2) or not np.all(np.isfinite(theta)):
        raise ValueError(f"theta0 has shape {theta.shape} or non-finite values; expected a "
                         "finite (n_nodes,) or (n_nodes, n_dims) array.")
    shape = theta.shape
    i, j, w = _check_edges(edges, shape[0], None, weights)
    L = graph_laplacian(i, j, w, shape[0])
    sched = np.atleast_1d(np.asarray(schedule, dtype=np.float64))
    if sched.ndim != 1 or sched.size == 0 or not np.all(np.isfinite(sched)) or np.any(sched < 0):
        raise ValueError(f"schedule must be a non-empty 1-D list of finite weights >= 0; got "
                         f"{np.asarray(schedule).tolist()[:5]}.")
    thetas, losses, objs = [], [], []
    for lam in sched:
        def fun(flat, lam=lam):
            th = flat.reshape(shape)
            f, g = loss_grad(th)
            Lth = L @ th
            pen = 0.5 * lam * float(np.sum(th * Lth))
            return f + pen, (np.asarray(g, dtype=np.float64) + lam * Lth).ravel()
        res = scipy.optimize.minimize(fun, theta.ravel(), jac=True, method="L-BFGS-B",
                                      options={"maxiter": maxiter, "gtol": 1e-10})
        theta = res.x.reshape(shape)
        thetas.append(theta.copy())
        losses.append(float(loss_grad(theta)[0]))
        objs.append(float(res.fun))
    return CurriculumPath(sched, np.array(thetas), np.array(losses), np.array(objs))


def curriculum_demo(n_steps=37):
    """Small non-convex problem where tightening a tie gradually beats tying at once.

    Two scalar parameters: ``theta_0`` has a tilted double-well loss
    ``(t^2 - 1)^2 + 0.5 t`` (global minimum near -1, a worse local one near +1) and
    ``theta_1`` a weak quadratic ``0.05 (t - 2)^2``. Both start at 0.1, just left of the
    double well's barrier. Tied from the start, the summed gradient points right and the
    optimiser settles in the worse well; untied, ``theta_0`` first falls into the good
    well and the tightening tie then drags the weak ``theta_1`` over to it.

    Returns
    -------
    dict with ``loss_grad``, ``theta0``, ``edges``, ``curriculum`` (CurriculumPath,
    schedule 0 -> 1e4), ``tied`` (CurriculumPath, penalty 1e4 from the start), and the
    final losses ``curriculum_loss`` and ``tied_loss`` (curriculum_loss < tied_loss).
    """
    def loss_grad(th):
        f = (th[0] ** 2 - 1) ** 2 + 0.5 * th[0] + 0.05 * (th[1] - 2) ** 2
        return float(f), np.array([4 * th[0] * (th[0] ** 2 - 1) + 0.5, 0.1 * (th[1] - 2)])
    theta0 = np.array([0.1, 0.1])
    edges = [(0, 1)]
    schedule = np.concatenate([[0.0], np.geomspace(1e-3, 1e4, n_steps - 1)])
    cur = curriculum_fit(loss_grad, theta0, edges, schedule)
    tied = curriculum_fit(loss_grad, theta0, edges, [1e4])
    return {"loss_grad": loss_grad, "theta0": theta0, "edges": edges,
            "curriculum": cur, "tied": tied,
            "curriculum_loss": float(cur.losses[-1]), "tied_loss": float(tied.losses[-1])}
