"""Soft tying: the MAP M-step that pulls the slots of a tie group towards a centre.

Each slot (state) ``k`` of group ``g`` keeps its own parameter ``theta_k``; the group
has a centre ``phi_g`` (a distribution of the same family). EM maximises

    J(theta, phi) = log p(X | theta) - kappa * sum_k KL(p_{phi_g(k)} || p_{theta_k})

kappa = 0 is the untied model; kappa -> infinity forces theta_k = phi_g (hard tying).
For every family here the update of ``theta_k`` given ``phi`` is a weighted average of
its own statistics and the centre, ``theta_k = (a_k + kappa phi) / (b_k + kappa)``, and
the update of ``phi`` given ``theta`` is a (geometric / harmonic / precision-weighted)
mean. The M-step solves the joint maximisation over (theta, phi): closed form for
Gaussian means, a fixed point started at its first-order solution
``phi = sum_k a_k/(b_k+kappa) / sum_k b_k/(b_k+kappa)`` (exact as kappa -> infinity)
otherwise.
"""
import numpy as np


def _group_mean(values, groups, G, weights=None):
    """Mean of ``values`` (S, ...) over the slots of each group -> (G, ...)."""
    out = np.zeros((G,) + values.shape[1:])
    np.add.at(out, groups, values)
    cnt = np.bincount(groups, minlength=G).astype(float)
    return out / cnt.reshape((G,) + (1,) * (values.ndim - 1))


def centre_of(theta, groups, kind):
    """Optimal centre phi_g given the slot parameters (argmin of sum KL(phi || theta_k))."""
    G = int(groups.max()) + 1
    if kind == "rate":          # Poisson rates: geometric mean
        return np.exp(_group_mean(np.log(theta), groups, G))
    if kind == "prob":          # categorical: normalised geometric mean
        with np.errstate(divide="ignore"):
            g = np.exp(_group_mean(np.log(theta), groups, G))
        return g / g.sum(axis=-1, keepdims=True)
    if kind == "var":           # variances: harmonic mean
        return 1.0 / _group_mean(1.0 / theta, groups, G)
    if kind == "cov":           # covariance matrices: inverse of the mean precision
        return np.linalg.inv(_group_mean(np.linalg.inv(theta), groups, G))
    raise ValueError(kind)


def _xlogx_term(x):
    """(1 + x) log(1 + x) - x, accurate for small x (KL terms of nearly equal parameters)."""
    return (1.0 + x) * np.log1p(x) - x


def _x_minus_log1p(x):
    """x - log(1 + x), accurate for small x."""
    return x - np.log1p(x)


def kl_penalty(theta, groups, kind, dim=None):
    """sum_k KL(p_phi || p_theta_k) at the optimal centre (for the monitored objective).

    Written in terms of the relative differences ``x = phi/theta - 1`` so that nearly
    tied parameters (large kappa) do not lose the penalty to cancellation."""
    phi = centre_of(theta, groups, kind)[groups]
    if kind in ("rate", "prob"):
        with np.errstate(divide="ignore", invalid="ignore"):
            x = phi / theta - 1.0
            t = np.where(theta > 0, theta * _xlogx_term(x), np.where(phi > 0, np.inf, 0.0))
        return float(np.sum(t))
    if kind == "var":           # per scalar variance: 1/2 (c/s - 1 - log c/s)
        return float(0.5 * np.sum(_x_minus_log1p(phi / theta - 1.0) * (1 if dim is None else dim)))
    if kind == "cov":
        from scipy.linalg import eigh
        tot = 0.0
        for C, S in zip(phi, theta):
            lam = eigh(C, S, eigvals_only=True)       # eigenvalues of S^-1 C
            tot += 0.5 * np.sum(_x_minus_log1p(lam - 1.0))
        return float(tot)
    raise ValueError(kind)


def soft_update(a, b, groups, kappa, kind, max_iter=1000, tol=1e-14):
    """Joint maximiser of the soft-tied objective for one parameter block.

    Parameters
    ----------
    a : ndarray (S, ...)   numerator statistics of each slot (e.g. sum_x)
    b : ndarray (S, ...)   denominators broadcastable to ``a`` (e.g. sum_w)
    groups : int64 (S,)    tie group of each slot
    kappa : float
    kind : {"rate", "prob", "var", "cov"}

    Returns
    -------
    theta : ndarray like ``a``;  phi : ndarray (G, ...)
    """
    G = int(groups.max()) + 1
    b = np.broadcast_to(b, a.shape) if kind != "cov" else b
    if kind == "cov":
        bb = b.reshape(-1, 1, 1)
    else:
        bb = b
    if kappa == 0:
        with np.errstate(invalid="ignore", divide="ignore"):
            theta = a / bb
        return theta, centre_of(theta, groups, kind)
    w = 1.0 / (bb + kappa)
    num = np.zeros((G,) + a.shape[1:])
    den = np.zeros((G,) + bb.shape[1:])
    np.add.at(num, groups, a * w)
    np.add.at(den, groups, bb * w)
    phi = num / den                                  # first-order solution
    if kind == "prob":
        phi = phi / phi.sum(axis=-1, keepdims=True)
    for _ in range(max_iter):
        theta = (a + kappa * phi[groups]) / (bb + kappa)
        new = centre_of(theta, groups, kind)
        change = np.max(np.abs(new - phi) / np.maximum(np.abs(phi), 1e-300))
        phi = new
        if change < tol:
            break
    theta = (a + kappa * phi[groups]) / (bb + kappa)
    return theta, phi


def soft_means(a, b, prec, groups, kappa):
    """Gaussian means under soft tying, closed form given the precisions.

    ``mu_k = (a_k + kappa m) / (b_k + kappa)`` with the centre
    ``m = [sum_k P_k b_k/(b_k+kappa)]^{-1} sum_k P_k a_k/(b_k+kappa)``.

    Parameters
    ----------
    a : (S, F)  sum_x (+ prior)   b : (S,) or (S, F)  weights
    prec : (S, F) diagonal precisions or (S, F, F) full precisions
    """
    G = int(groups.max()) + 1
    S, F = a.shape
    bF = np.broadcast_to(b.reshape(S, -1), (S, F))
    w = 1.0 / (bF + kappa)
    if prec.ndim == 2:
        num = np.zeros((G, F))
        den = np.zeros((G, F))
        np.add.at(num, groups, prec * a * w)
        np.add.at(den, groups, prec * bF * w)
        m = num / den
    else:
        num = np.zeros((G, F))
        den = np.zeros((G, F, F))
        # b is per slot for full covariances
        wk = w[:, 0]
        np.add.at(num, groups, np.einsum("kij,kj->ki", prec, a) * wk[:, None])
        np.add.at(den, groups, prec * (bF[:, 0] * wk)[:, None, None])
        m = np.linalg.solve(den, num[..., None])[..., 0]
    mu = (a + kappa * m[groups]) / (bF + kappa)
    return mu, m
