"""Gaussian emissions: one mean and covariance per tie group.

The M-step follows hmmlearn 0.3 (Huang, Acero & Hon, *Spoken Language
Processing*, pp. 443-445), including its conjugate priors, with the per-state
sums replaced by sums over the states of each group.
"""
import numpy as np
from scipy import linalg

from ..kernels import emission_numba as _en
from ..ties import pool
from . import _soft
from .base import EmissionFamily, where

COVARIANCE_TYPES = ("spherical", "diag", "full", "tied")
_LOG_2PI = np.log(2 * np.pi)


def covars_shape(covariance_type, n_groups, n_features):
    """Compact shape of the covariance parameter for one covariance type."""
    return {"spherical": (n_groups,), "diag": (n_groups, n_features),
            "full": (n_groups, n_features, n_features),
            "tied": (n_features, n_features)}[covariance_type]


def full_covars(covars, covariance_type, n_groups, n_features):
    """Expand compact covariances to full matrices, shape (n_groups, n_features, n_features)."""
    if covariance_type == "full":
        return covars.copy()
    if covariance_type == "diag":
        return np.array([np.diag(c) for c in covars]).reshape(n_groups, n_features, n_features)
    if covariance_type == "tied":
        return np.tile(covars, (n_groups, 1, 1))
    return covars[:, None, None] * np.eye(n_features)[None]


def _floor_eigenvalues(cov, floor):
    """Return ``cov`` unchanged unless its smallest eigenvalue is below ``floor``.

    A group that collapses onto a few points would otherwise get a singular
    covariance (log-likelihood +inf); well-posed estimates are not touched, so
    results equal hmmlearn's whenever hmmlearn's are finite.
    """
    low = np.linalg.eigvalsh(0.5 * (cov + cov.T))[0]
    if low >= floor:
        return cov
    return 0.5 * (cov + cov.T) + (floor - low) * np.eye(cov.shape[0])


class GaussianEmissions(EmissionFamily):
    """Multivariate normal distributions, one per group.

    Parameters
    ----------
    n_groups : int
    n_features : int or None
    covariance_type : {"spherical", "diag", "full", "tied"}
        "tied" shares one full covariance across *all* groups (hmmlearn's meaning).
    min_covar : float
        Added to the diagonal of the data covariance used for initialisation, and a
        floor on variances (eigenvalues for full/tied) after each M-step. The floor
        only acts on degenerate estimates, where hmmlearn 0.3 yields NaN or a crash.
    means_prior, means_weight : float or array broadcastable to (n_groups, n_features)
        Normal prior on the means (weight 0 = maximum likelihood).
    covars_prior, covars_weight : float or array
        Inverse-gamma (spherical, diag) or inverse-Wishart (full, tied) prior.

    Attributes
    ----------
    means : ndarray, shape (n_groups, n_features)
    covars : ndarray, compact shape per type
        (n_groups,) spherical, (n_groups, n_features) diag,
        (n_groups, n_features, n_features) full, (n_features, n_features) tied.
    """

    letters = "mc"
    param_names = ("means", "covars")

    def __init__(self, n_groups, n_features=None, covariance_type="diag", min_covar=1e-3,
                 means_prior=0.0, means_weight=0.0, covars_prior=1e-2, covars_weight=1.0):
        super().__init__(n_groups, n_features)
        if covariance_type not in COVARIANCE_TYPES:
            raise ValueError(
                f"covariance_type={covariance_type!r} is not known; use one of "
                f"{', '.join(repr(c) for c in COVARIANCE_TYPES)}.")
        self.covariance_type = covariance_type
        self.min_covar = min_covar
        self.means_prior = means_prior
        self.means_weight = means_weight
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight
        self.means = None
        self.covars = None

    # -- parameters ---------------------------------------------------------------------
    def set_group_param(self, name, value):
        a = np.array(value, dtype=np.float64, copy=True)
        if not np.all(np.isfinite(a)):
            raise ValueError(f"group {name} contain NaN or inf; parameters must be finite.")
        if name == "means":
            if a.ndim != 2 or a.shape[0] != self.n_groups or (
                    self.n_features is not None and a.shape[1] != self.n_features):
                nf = "n_features" if self.n_features is None else self.n_features
                raise ValueError(f"group means have shape {a.shape}; expected "
                                 f"({self.n_groups}, {nf}), one row per tie group.")
            self.n_features = a.shape[1]
            self.means = a
        elif name == "covars":
            ct = self.covariance_type
            nf = self.n_features
            if nf is None:
                nf = a.shape[-1] if ct in ("diag", "full", "tied") and a.ndim >= 1 else None
            if nf is None:
                if a.shape != (self.n_groups,):
                    raise ValueError(f"spherical covariances have shape {a.shape}; expected "
                                     f"({self.n_groups},), one variance per tie group.")
            else:
                expected = covars_shape(ct, self.n_groups, nf)
                if a.shape != expected:
                    raise ValueError(
                        f"{ct!r} covariances have shape {a.shape}; expected {expected}.")
                self.n_features = nf
            self._check_covars(a)
            self.covars = a
        else:
            raise AttributeError(name)

    def _check_covars(self, a):
        ct = self.covariance_type
        if ct in ("spherical", "diag"):
            if np.any(a <= 0):
                idx = tuple(int(i) for i in np.argwhere(a <= 0)[0])
                raise ValueError(
                    f"{ct} covariance of group {idx[0]} has the non-positive variance "
                    f"{a[idx]:.3g}; variances must be > 0.")
            return
        mats = a[None] if ct == "tied" else a
        for g, c in enumerate(mats):
            what = "the tied covariance" if ct == "tied" else f"the covariance of group {g}"
            if not np.allclose(c, c.T, rtol=1e-10, atol=0):
                raise ValueError(f"{what} is not symmetric; use (C + C.T) / 2.")
            try:
                np.linalg.cholesky(c)
            except np.linalg.LinAlgError:
                raise ValueError(f"{what} is not positive definite; add a small multiple "
                                 "of the identity (min_covar) or use a prior.") from None

    # -- data ---------------------------------------------------------------------------
    def check_X(self, X, offsets=None):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(
                f"X has shape {X.shape}; expected a 2-D array (n_samples, n_features). "
                "Reshape a single feature with X.reshape(-1, 1).")
        if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
            raise ValueError(f"X has dtype {X.dtype}; expected numbers.")
        X = np.ascontiguousarray(X, dtype=np.float64)
        # the fused E-step skips its own pass over an X found finite here (~6 ms per EM
        # iteration at 1e6 x 13)
        self._remember_valid(None)
        if X.shape[1] == (self.n_features or X.shape[1]) and _en.all_finite(X):
            self._remember_valid(X)
            return X             # all finite (one pass, no temporaries)
        bad = ~np.isfinite(X)
        if self.allow_missing:
            bad &= ~np.isnan(X)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise ValueError(
                f"X contains {float(X[r, c])!r} at {where(r, offsets)}, column {c}; observations "
                "must be finite: remove or impute missing values first"
                + (", or pass allow_missing=True to marginalise NaN." if np.isnan(X[r, c])
                   and not self.allow_missing else "."))
        if self.n_features is not None and X.shape[1] != self.n_features:
            raise ValueError(
                f"X has {X.shape[1]} features but the model has {self.n_features}; "
                "give data with the same columns as the parameters.")
        return X

    def initialize(self, X, rng, letters):
        """Means by k-means over groups, covariances from the data (as hmmlearn).

        With missing values, k-means and the covariance use the complete rows (or the
        column means when too few rows are complete)."""
        self.n_features = X.shape[1]
        if not ("m" in letters or "c" in letters):
            return
        if np.isnan(X).any():
            complete = X[~np.isnan(X).any(axis=1)]
            if len(complete) >= max(2 * self.n_groups, 2):
                X = complete
            else:
                X = np.where(np.isnan(X), np.nanmean(X, axis=0), X)
        if "m" in letters:
            from sklearn.cluster import KMeans
            n_distinct = len(np.unique(X, axis=0)) if len(X) <= 100_000 else len(X)
            if n_distinct < self.n_groups:
                raise ValueError(
                    f"X has {n_distinct} distinct rows, fewer than the {self.n_groups} tie "
                    "groups whose means k-means should initialise; give more data, fewer "
                    "groups, or set group_means_ and drop 'm' from init_params.")
            from threadpoolctl import threadpool_limits
            seed = int(rng.integers(2**31 - 1))
            # one OpenMP thread: k-means is only the initialisation, and sklearn's
            # spinning OpenMP threads are 10-40x slower when cores are shared (with
            # numba's pool or other processes)
            with threadpool_limits(1, user_api="openmp"):
                km = KMeans(n_clusters=self.n_groups, random_state=seed, n_init=10).fit(X)
            self.means = km.cluster_centers_.astype(np.float64)
        if "c" in letters:
            nf = self.n_features
            if len(X) > 1:
                cv = np.atleast_2d(np.cov(X.T)) + self.min_covar * np.eye(nf)
            else:
                cv = self.min_covar * np.eye(nf)
            ct = self.covariance_type
            if ct == "tied":
                self.covars = cv.copy()
            elif ct == "full":
                self.covars = np.tile(cv, (self.n_groups, 1, 1))
            elif ct == "diag":
                self.covars = np.tile(np.diag(cv), (self.n_groups, 1))
            else:
                self.covars = np.full(self.n_groups, cv.mean())

    def full_covars(self):
        """Covariances as full matrices, shape (n_groups, n_features, n_features)."""
        return full_covars(self.covars, self.covariance_type, self.n_groups, self.n_features)

    # -- EM -----------------------------------------------------------------------------
    def log_likelihood(self, X):
        if self.covariance_type in ("spherical", "diag"):
            return self.log_likelihood_states(X, None)
        nan = np.isnan(X)
        if nan.any():
            return self._log_likelihood_missing(X, nan)
        return self._log_likelihood(X)

    def log_likelihood_states(self, X, slots=None):
        if self.covariance_type not in ("spherical", "diag"):
            return super().log_likelihood_states(X, slots)
        # one pass over X (numba, parallel): direct (x - m)^2 / var per group, written
        # straight to the states of the group; NaN rows take the marginal path below
        var = self._variances()
        const = -0.5 * (self.n_features * _LOG_2PI + np.sum(np.log(var), axis=1))
        idx = np.arange(self.n_groups) if slots is None else np.asarray(slots, dtype=np.int64)
        X = np.ascontiguousarray(X, dtype=np.float64)
        out, has_nan = _en.diag_gauss_loglik(X, np.ascontiguousarray(self.means.T),
                                             np.ascontiguousarray((1.0 / var).T), const, idx,
                                             _en.n_blocks(X.shape[0]))
        if has_nan:
            ll = self._log_likelihood_missing(X, np.isnan(X))
            out = np.ascontiguousarray(ll if slots is None else ll[:, slots])
        return out

    def _variances(self):
        """Diagonal variances, shape (n_groups, n_features) (spherical/diag only)."""
        if self.covariance_type == "diag":
            return self.covars
        return np.repeat(self.covars[:, None], self.n_features, axis=1)

    def _log_likelihood_missing(self, X, nan):
        """Marginal log density of the observed coordinates of every row."""
        ct = self.covariance_type
        obs = (~nan).astype(np.float64)
        X0 = np.where(nan, 0.0, X)
        if ct in ("spherical", "diag"):
            var = self._variances()
            prec = 1.0 / var
            quad = (obs @ (self.means ** 2 * prec).T - 2.0 * X0 @ (self.means * prec).T
                    + (X0 ** 2) @ prec.T)
            return -0.5 * (obs.sum(axis=1)[:, None] * _LOG_2PI + obs @ np.log(var).T + quad)
        out = np.empty((X.shape[0], self.n_groups))
        complete = ~nan.any(axis=1)
        if complete.any():
            out[complete] = self._log_likelihood(X[complete])
        full = self.full_covars()
        for rows, o in _patterns(nan):
            if len(o) == 0:
                out[rows] = 0.0
                continue
            xo = X[np.ix_(rows, o)]
            for g in range(self.n_groups):
                chol = self._cholesky(full[g][np.ix_(o, o)], f"the covariance of group {g}")
                z = linalg.solve_triangular(chol, (xo - self.means[g, o]).T, lower=True)
                out[rows, g] = -0.5 * (len(o) * _LOG_2PI + 2 * np.sum(np.log(np.diag(chol)))
                                       + np.sum(z ** 2, axis=0))
        return out

    def _log_likelihood(self, X):
        ct = self.covariance_type
        nf = self.n_features
        if ct in ("spherical", "diag"):
            var = self.covars if ct == "diag" else np.repeat(self.covars[:, None], nf, axis=1)
            prec = 1.0 / var
            # expanded quadratic form: three BLAS products, no (N, G, F) temporary
            quad = (np.sum(self.means ** 2 * prec, axis=1)
                    - 2.0 * X @ (self.means * prec).T
                    + (X ** 2) @ prec.T)
            return -0.5 * (nf * _LOG_2PI + np.sum(np.log(var), axis=1) + quad)
        out = np.empty((X.shape[0], self.n_groups))
        if ct == "tied":
            chol = self._cholesky(self.covars, "the tied covariance")
        for g in range(self.n_groups):
            if ct == "full":
                chol = self._cholesky(self.covars[g], f"the covariance of group {g}")
            z = linalg.solve_triangular(chol, (X - self.means[g]).T, lower=True)
            out[:, g] = -0.5 * (nf * _LOG_2PI + 2 * np.sum(np.log(np.diag(chol)))
                                + np.sum(z ** 2, axis=0))
        return out

    @staticmethod
    def _cholesky(cov, what):
        try:
            return linalg.cholesky(cov, lower=True)
        except linalg.LinAlgError:
            raise ValueError(f"{what} is not positive definite; raise min_covar or "
                             "covars_prior, or use fewer groups.") from None

    def empty_stats(self):
        G, F = self.n_groups, self.n_features
        stats = {"sum_w": np.zeros(G), "sum_x": np.zeros((G, F))}
        if self.covariance_type in ("spherical", "diag"):
            stats["sum_wf"] = np.zeros((G, F))     # weight of the observed values per feature
            stats["sum_xx"] = np.zeros((G, F))
        else:
            stats["sum_xxT"] = np.zeros((G, F, F))
        return stats

    def fused_estep_args(self, X, slots=None):
        # densities computed inside the kernel as each frame is used: no (N, K) array
        if self.covariance_type not in ("spherical", "diag"):
            return None
        known = self._known_valid(X)        # checked by check_X in this call
        X = np.ascontiguousarray(X, dtype=np.float64)
        if not (known or _en.all_finite(X)):
            return None          # missing values (or a sum that overflows): general path
        idx = np.arange(self.n_groups) if slots is None else np.asarray(slots, dtype=np.int64)
        return dict(diag_params=(self.means, self._variances(), idx), diag_X=X)

    def add_state_stats(self, stats, res, slots=None):
        parts = [res["sum_w"], res["sum_x"], res["sum_xx"]]
        if slots is not None:
            parts = [_en.pool_columns(a, slots, self.n_groups) for a in parts]
        self._add_diag_stats(stats, *parts)

    def _diag_stats(self, X, w):
        """(sum_w, sum_x, sum_xx) over the columns of ``w`` in one numba pass, or None
        when X has missing values."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        sw, sx, sxx = _en.diag_gauss_stats(X, np.ascontiguousarray(w, dtype=np.float64),
                                           _en.n_blocks(X.shape[0]))
        if not (np.isfinite(sx).all() and np.isfinite(sxx).all()):
            return None          # NaN in X (finite X and weights give finite sums)
        return sw, sx, sxx

    def _add_diag_stats(self, stats, sw, sx, sxx):
        stats["sum_w"] += sw
        stats["sum_x"] += sx
        stats["sum_wf"] += sw[:, None]
        stats["sum_xx"] += sxx

    def accumulate_states(self, stats, X, posteriors, slots=None):
        if "sum_xx" not in stats:
            return super().accumulate_states(stats, X, posteriors, slots)
        res = self._diag_stats(X, posteriors)
        if res is None:
            return super().accumulate_states(stats, X, posteriors, slots)
        if slots is not None:
            res = [_en.pool_columns(a, slots, self.n_groups) for a in res]
        self._add_diag_stats(stats, *res)

    def accumulate(self, stats, X, group_posteriors):
        w = group_posteriors
        if "sum_xx" in stats:
            res = self._diag_stats(X, w)
            if res is not None:
                return self._add_diag_stats(stats, *res)
        nan = np.isnan(X)
        if nan.any():
            return self._accumulate_missing(stats, X, w, nan)
        stats["sum_w"] += w.sum(axis=0)
        stats["sum_x"] += w.T @ X
        if "sum_xx" in stats:
            stats["sum_wf"] += w.sum(axis=0)[:, None]
            stats["sum_xx"] += w.T @ X ** 2
        else:
            for g in range(self.n_groups):
                stats["sum_xxT"][g] += (X * w[:, g:g + 1]).T @ X

    def _accumulate_missing(self, stats, X, w, nan):
        """Diagonal types: statistics of the observed values only (the likelihood
        factorises over features). Full/tied: expected statistics E[x], E[x x^T] given the
        observed block under each group (EM with the missing values latent)."""
        stats["sum_w"] += w.sum(axis=0)
        if "sum_xx" in stats:
            obs = (~nan).astype(np.float64)
            X0 = np.where(nan, 0.0, X)
            stats["sum_wf"] += w.T @ obs
            stats["sum_x"] += w.T @ X0
            stats["sum_xx"] += w.T @ X0 ** 2
            return
        complete = ~nan.any(axis=1)
        Xc, wc = X[complete], w[complete]
        stats["sum_x"] += wc.T @ Xc
        for g in range(self.n_groups):
            stats["sum_xxT"][g] += (Xc * wc[:, g:g + 1]).T @ Xc
        full = self.full_covars()
        F = self.n_features
        for rows, o in _patterns(nan):
            m = np.setdiff1d(np.arange(F), o)
            for g in range(self.n_groups):
                xh, cc = conditional_fill(X, rows, o, m, self.means[g], full[g])
                wg = w[rows, g]
                stats["sum_x"][g] += wg @ xh
                stats["sum_xxT"][g] += (xh * wg[:, None]).T @ xh + wg.sum() * cc

    def _precisions(self):
        """Precisions per slot: (S, F) diagonal or (S, F, F) full; ones for 'tied'."""
        ct = self.covariance_type
        if ct in ("spherical", "diag"):
            return 1.0 / self._variances()
        if ct == "full":
            return np.linalg.inv(self.covars)
        return np.ones((self.n_groups, self.n_features))

    def _centre_mean(self, prec):
        """Soft tying: optimal group centre of the means given the precisions."""
        g = self.slot_groups
        G = int(g.max()) + 1
        if prec.ndim == 2:
            return pool(prec * self.means, g, G) / pool(prec, g, G)
        num = pool(np.einsum("kij,kj->ki", prec, self.means), g, G)
        return np.linalg.solve(pool(prec, g, G), num[..., None])[..., 0]

    def m_step(self, stats, letters):
        sum_w = stats["sum_w"]
        S, F = self.n_groups, self.n_features
        ct = self.covariance_type
        diagish = ct in ("spherical", "diag")
        wf = stats["sum_wf"] if diagish else np.broadcast_to(sum_w[:, None], (S, F))
        seen = sum_w > 0     # a group with no weight keeps its parameters (0/0 otherwise)
        mw, mp = self.means_weight, self.means_prior
        kappa = self.soft_strength
        centre = None
        if "m" in letters:
            a = mw * mp + stats["sum_x"]
            b = mw + wf
            pm = self._pool_map("m")
            with np.errstate(invalid="ignore", divide="ignore"):
                if kappa is not None:
                    new, centre = _soft.soft_means(a, np.where(b > 0, b, 1e-300),
                                                   self._precisions(), self.slot_groups,
                                                   kappa)
                elif pm is None:
                    new = a / b
                else:
                    g, G = pm
                    if ct == "tied" or self._pool_map("c") is not None:
                        new = (pool(a, g, G) / pool(b, g, G))[g]
                    else:
                        # shared mean, per-state covariances: precision-weighted (exact
                        # given the covariances; an ECM step)
                        P = self._precisions()
                        if P.ndim == 2:
                            new = (pool(P * a, g, G) / pool(P * b, g, G))[g]
                        else:
                            num = pool(np.einsum("kij,kj->ki", P, a), g, G)
                            den = pool(P * b[:, :1, None], g, G)
                            new = np.linalg.solve(den, num[..., None])[..., 0][g]
                    seen = pool(sum_w, g, G)[g] > 0
            self.means = np.where(seen[:, None], new, self.means)
        if "c" not in letters:
            return
        cp, cw = self.covars_prior, self.covars_weight
        means = self.means
        meandiff = means - mp
        if kappa is not None:
            if centre is None:
                centre = self._centre_mean(self._precisions())
            dev = means - centre[self.slot_groups]
        pm = self._pool_map("c")
        if diagish:
            c_n = (mw * meandiff ** 2 + stats["sum_xx"] - 2 * means * stats["sum_x"]
                   + means ** 2 * wf)
            c_d = max(cw - 1, 0) + wf
            if kappa is not None:
                a = cp + c_n + kappa * dev ** 2
                if ct == "spherical":
                    a, c_d = a.mean(axis=1), c_d.mean(axis=1)
                new, _ = _soft.soft_update(a, np.maximum(c_d, 1e-300), self.slot_groups,
                                           kappa, "var")
            else:
                if pm is not None:
                    g, G = pm
                    c_n = pool(c_n, g, G)[g]
                    c_d = max(cw - 1, 0) + pool(wf, g, G)[g]
                    seen = pool(sum_w, g, G)[g] > 0
                if ct == "spherical":
                    new = (F * cp + c_n.sum(axis=1)) / np.maximum(c_d, 1e-5).sum(axis=1)
                else:
                    new = (cp + c_n) / np.maximum(c_d, 1e-5)
            if ct == "spherical":
                self.covars = np.where(seen, new, self.covars)
            else:
                self.covars = np.where(seen[:, None], new, self.covars)
            self.covars = np.maximum(self.covars, self.min_covar)
            return
        c_n = np.empty((S, F, F))
        for g in range(S):
            obsmean = np.outer(stats["sum_x"][g], means[g])
            c_n[g] = (mw * np.outer(meandiff[g], meandiff[g]) + stats["sum_xxT"][g]
                      - obsmean - obsmean.T + np.outer(means[g], means[g]) * sum_w[g])
        cvweight = max(cw - F, 0)
        if ct == "tied":
            self.covars = _floor_eigenvalues((cp + c_n.sum(axis=0)) / (cvweight + sum_w.sum()),
                                             self.min_covar)
            return
        with np.errstate(invalid="ignore", divide="ignore"):
            if kappa is not None:
                a = cp + c_n + kappa * dev[:, :, None] * dev[:, None, :]
                new, _ = _soft.soft_update(a, np.maximum(cvweight + sum_w, 1e-300),
                                           self.slot_groups, kappa, "cov")
            else:
                n = sum_w
                if pm is not None:
                    g, G = pm
                    c_n, n = pool(c_n, g, G)[g], pool(sum_w, g, G)[g]
                    seen = n > 0
                new = (cp + c_n) / (cvweight + n[:, None, None])
        new = np.where(seen[:, None, None], new, self.covars)
        self.covars = np.array([_floor_eigenvalues(c, self.min_covar) for c in new])

    def log_prior(self):
        """Soft tying: ``-kappa * sum_k KL(N(m_g, C_g) || N(mu_k, Sigma_k))`` at the optimal
        group centres (0 otherwise)."""
        if self.soft_strength is None or not self.has_params():
            return 0.0
        g = self.slot_groups
        ct = self.covariance_type
        P = self._precisions()
        dev = self.means - self._centre_mean(P)[g]
        if ct in ("spherical", "diag"):
            var = self._variances()
            kl = _soft.kl_penalty(var, g, "var") + 0.5 * np.sum(dev ** 2 / var)
        elif ct == "full":
            quad = np.einsum("ki,kij,kj->k", dev, P, dev)
            kl = _soft.kl_penalty(self.covars, g, "cov") + 0.5 * np.sum(quad)
        else:
            Pt = np.linalg.inv(self.covars)
            kl = 0.5 * np.einsum("ki,ij,kj->", dev, Pt, dev)
        return -self.soft_strength * float(kl)

    def n_parameters(self, letters):
        F = self.n_features
        n = self._count_slots("m") * F if "m" in letters else 0
        if "c" in letters:
            G = self._count_slots("c")
            n += {"spherical": G, "diag": G * F, "full": G * F * (F + 1) // 2,
                  "tied": F * (F + 1) // 2}[self.covariance_type]
        return n

    def sample(self, group, rng):
        cov = self.full_covars()[group]
        return rng.multivariate_normal(self.means[group], cov)

    def sample_n(self, groups, rng):
        out = np.empty((len(groups), self.n_features))
        full = self.full_covars()
        for g in range(self.n_groups):
            idx = np.flatnonzero(groups == g)
            if idx.size:
                out[idx] = rng.multivariate_normal(self.means[g], full[g], size=idx.size)
        return out


def conditional_fill(X, rows, o, m, mu, cov):
    """Missing values of ``X[rows]`` (observed columns ``o``, missing ``m``) under
    N(mu, cov): returns the rows with E[x_m | x_o] filled in, shape (len(rows), F), and
    the conditional covariance of x_m (zero outside the m x m block), shape (F, F)."""
    F = len(mu)
    xh = np.empty((len(rows), F))
    cc = np.zeros((F, F))
    if len(o):
        xo = X[np.ix_(rows, o)]
        K = linalg.solve(cov[np.ix_(o, o)], cov[np.ix_(o, m)], assume_a="pos").T
        xh[:, o] = xo
        xh[:, m] = mu[m] + (xo - mu[o]) @ K.T
        cc[np.ix_(m, m)] = cov[np.ix_(m, m)] - K @ cov[np.ix_(o, m)]
    else:
        xh[:] = mu
        cc = cov.copy()
    return xh, cc


def _patterns(nan):
    """Rows grouped by missingness pattern: list of (row indices, observed columns),
    only for rows with at least one missing value."""
    rows = np.flatnonzero(nan.any(axis=1))
    if rows.size == 0:
        return []
    pats, inv = np.unique(nan[rows], axis=0, return_inverse=True)
    inv = np.asarray(inv).reshape(-1)
    return [(rows[inv == i], np.flatnonzero(~p)) for i, p in enumerate(pats)]
