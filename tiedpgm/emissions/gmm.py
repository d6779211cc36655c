"""Gaussian-mixture emissions: ``n_mix`` weighted Gaussians per tie group (hmmlearn's GMMHMM).

Statistics are per (slot, mixture component) and raw (``sum_w``, ``sum_x``, ``sum_xx`` or
``sum_xxT``), so chunks add. The M-step is hmmlearn 0.3's, with its conjugate priors, except
that covariances are centred on the *new* means (the exact M-step; hmmlearn 0.3 centres on
the previous means, a generalised-EM step), and the default ``covars_prior`` of the
spherical type gives the maximum-likelihood variance (hmmlearn's default mixes up
``n_mix`` and ``n_features`` there).

Missing values (NaN, with ``allow_missing``) are marginalised: diagonal types use the
observed features only; full/tied types use each component's marginal of the observed
block and, in the M-step, the expected statistics given it.

Partial tying (``slot_groups`` + ``tied_letters``) pools the statistics of a letter over
the states of each group: ``"mc"`` shares the Gaussian codebook of a group while every state
keeps its own mixture weights -- the tied-mixture (semi-continuous) HMM.
"""
import numpy as np
from scipy import linalg

from ..kernels import emission_numba
from ..ties import pool
from . import _soft
from .base import EmissionFamily, where
from .gaussian import (COVARIANCE_TYPES, _LOG_2PI, _floor_eigenvalues, _patterns,
                       conditional_fill)

_CACHE_MAX = 5e7     # cache component densities between log_likelihood and accumulate


def _mix_logsumexp(ld):
    """Per-group mixture log-likelihood (N, S) and component responsibilities (N, S, M)
    from component log densities (N, S, M)."""
    ld = np.ascontiguousarray(ld, dtype=np.float64)
    return emission_numba.mix_logsumexp(ld, emission_numba.n_blocks(len(ld)))


def gmm_covars_shape(covariance_type, n_slots, n_mix, n_features):
    return {"spherical": (n_slots, n_mix), "diag": (n_slots, n_mix, n_features),
            "full": (n_slots, n_mix, n_features, n_features),
            "tied": (n_slots, n_features, n_features)}[covariance_type]


class GMMEmissions(EmissionFamily):
    """Mixtures of ``n_mix`` Gaussians, one mixture per slot (tie group or state).

    Attributes
    ----------
    weights : ndarray (n_groups, n_mix)
    means : ndarray (n_groups, n_mix, n_features)
    covars : ndarray: (n_groups, n_mix) spherical, (n_groups, n_mix, n_features) diag,
        (n_groups, n_mix, n_features, n_features) full, (n_groups, n_features, n_features)
        tied (one covariance shared by the components of a mixture, as hmmlearn).
    """

    letters = "wmc"
    param_names = ("weights", "means", "covars")

    def __init__(self, n_groups, n_features=None, n_mix=1, covariance_type="diag",
                 min_covar=1e-3, weights_prior=1.0, means_prior=0.0, means_weight=0.0,
                 covars_prior=None, covars_weight=None, covars_centre="new"):
        super().__init__(n_groups, n_features)
        self.covars_centre = covars_centre
        if covariance_type not in COVARIANCE_TYPES:
            raise ValueError(
                f"covariance_type={covariance_type!r} is not known; use one of "
                f"{', '.join(repr(c) for c in COVARIANCE_TYPES)}.")
        self.n_mix = int(n_mix)
        self.covariance_type = covariance_type
        self.min_covar = min_covar
        self.weights_prior = weights_prior
        self.means_prior = means_prior
        self.means_weight = means_weight
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight
        self.weights = self.means = self.covars = None
        self._cache = None

    # -- parameters ---------------------------------------------------------------------
    def set_group_param(self, name, value):
        a = np.array(value, dtype=np.float64, copy=True)
        S, M = self.n_groups, self.n_mix
        if not np.all(np.isfinite(a)):
            raise ValueError(f"group {name} contain NaN or inf; parameters must be finite.")
        if name == "weights":
            if a.shape != (S, M):
                raise ValueError(f"group weights have shape {a.shape}; expected ({S}, {M}) "
                                 "(n_groups, n_mix).")
            from .._validation import check_stochastic
            check_stochastic(a, "weights_")
            self.weights = a
        elif name == "means":
            if a.ndim != 3 or a.shape[:2] != (S, M) or (
                    self.n_features is not None and a.shape[2] != self.n_features):
                nf = "n_features" if self.n_features is None else self.n_features
                raise ValueError(f"group means have shape {a.shape}; expected ({S}, {M}, {nf}) "
                                 "(n_groups, n_mix, n_features).")
            self.n_features = a.shape[2]
            self.means = a
        elif name == "covars":
            ct = self.covariance_type
            nf = self.n_features
            if nf is None and ct != "spherical":
                nf = a.shape[-1]
            if nf is None:
                expected = (S, M)
            else:
                expected = gmm_covars_shape(ct, S, M, nf)
                self.n_features = nf
            if a.shape != expected:
                raise ValueError(f"{ct!r} mixture covariances have shape {a.shape}; "
                                 f"expected {expected}.")
            if ct in ("spherical", "diag"):
                if np.any(a <= 0):
                    idx = tuple(int(i) for i in np.argwhere(a <= 0)[0])
                    raise ValueError(f"{ct} covariance of group {idx[0]}, component {idx[1]} "
                                     f"has the non-positive variance {a[idx]:.3g}.")
            else:
                mats = a.reshape(-1, a.shape[-2], a.shape[-1])
                for i, c in enumerate(mats):
                    what = (f"the covariance of group {i}" if ct == "tied" else
                            f"the covariance of group {i // M}, component {i % M}")
                    if not np.allclose(c, c.T, rtol=1e-10, atol=0):
                        raise ValueError(f"{what} is not symmetric; use (C + C.T) / 2.")
                    try:
                        np.linalg.cholesky(c)
                    except np.linalg.LinAlgError:
                        raise ValueError(f"{what} is not positive definite.") from None
            self.covars = a
        else:
            raise AttributeError(name)
        self._cache = None

    # -- data -------------------------------------------------------------------------
    def check_X(self, X, offsets=None):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(
                f"X has shape {X.shape}; expected a 2-D array (n_samples, n_features). "
                "Reshape a single feature with X.reshape(-1, 1).")
        if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
            raise ValueError(f"X has dtype {X.dtype}; expected numbers.")
        X = np.ascontiguousarray(X, dtype=np.float64)
        bad = ~np.isfinite(X)
        if self.allow_missing:
            bad &= ~np.isnan(X)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            hint = ""
            if np.isnan(X[r, c]):
                hint = " or pass allow_missing=True to marginalise NaN"
            raise ValueError(
                f"X contains {float(X[r, c])!r} at {where(r, offsets)}, column {c}; observations "
                f"must be finite: remove or impute missing values{hint}.")
        if self.n_features is not None and X.shape[1] != self.n_features:
            raise ValueError(
                f"X has {X.shape[1]} features but the model has {self.n_features}; "
                "give data with the same columns as the parameters.")
        return X

    def initialize(self, X, rng, letters):
        """k-means over the slots (or the tie groups when means are tied), then k-means
        with ``n_mix`` clusters inside each (as hmmlearn); uniform weights (random when
        the means are tied but weights are not, to break the symmetry)."""
        from sklearn.cluster import KMeans
        from threadpoolctl import threadpool_limits
        self.n_features = F = X.shape[1]
        if np.isnan(X).any():
            X = np.where(np.isnan(X), np.nanmean(X, axis=0), X)
        S, M = self.n_groups, self.n_mix
        mpool = self._pool_map("m")
        groups, G = (np.arange(S), S) if mpool is None else mpool
        cv = (np.atleast_2d(np.cov(X.T)) if len(X) > 1 else np.zeros((F, F))) \
            + self.min_covar * np.eye(F)
        if "m" in letters:
            seed = int(rng.integers(2**31 - 1))
            with threadpool_limits(1, user_api="openmp"):
                if G > 1 and len(X) >= G:
                    labels = KMeans(n_clusters=G, random_state=seed, n_init=10).fit_predict(X)
                else:
                    labels = np.zeros(len(X), dtype=int)
                gm = np.empty((G, M, F))
                for c in range(G):
                    Xc = X[labels == c]
                    if len(np.unique(Xc, axis=0)) >= M:
                        gm[c] = KMeans(n_clusters=M, random_state=seed, n_init=10).fit(
                            Xc).cluster_centers_
                    else:
                        gm[c] = rng.multivariate_normal(X.mean(axis=0), cv, size=M)
            self.means = gm[groups]
        if "w" in letters:
            if mpool is not None and self._pool_map("w") is None and M > 1:
                self.weights = rng.dirichlet(np.full(M, 2.0), size=S)
            else:
                self.weights = np.full((S, M), 1.0 / M)
        if "c" in letters:
            ct = self.covariance_type
            if ct == "tied":
                self.covars = np.tile(cv, (S, 1, 1))
            elif ct == "full":
                self.covars = np.tile(cv, (S, M, 1, 1))
            elif ct == "diag":
                self.covars = np.tile(np.diag(cv), (S, M, 1))
            else:
                self.covars = np.full((S, M), cv.mean())
        self._cache = None

    # -- densities --------------------------------------------------------------------
    def _component_logdens(self, X):
        """log w_sm + log N(x; mu_sm, Sigma_sm), shape (n_samples, n_slots, n_mix)."""
        S, M, F = self.n_groups, self.n_mix, self.n_features
        N = X.shape[0]
        ct = self.covariance_type
        means = self.means.reshape(S * M, F)
        with np.errstate(divide="ignore"):
            logw = np.log(self.weights).reshape(S * M)
        if ct in ("spherical", "diag"):
            var = (self.covars if ct == "diag" else
                   np.repeat(self.covars[..., None], F, axis=-1)).reshape(S * M, F)
            prec = 1.0 / var
            nan = np.isnan(X)
            if nan.any():
                obs = (~nan).astype(np.float64)
                X0 = np.where(nan, 0.0, X)
                quad = (obs @ (means ** 2 * prec).T - 2.0 * X0 @ (means * prec).T
                        + (X0 ** 2) @ prec.T)
                out = -0.5 * (obs.sum(axis=1)[:, None] * _LOG_2PI + obs @ np.log(var).T + quad)
            else:
                quad = (np.sum(means ** 2 * prec, axis=1) - 2.0 * X @ (means * prec).T
                        + (X ** 2) @ prec.T)
                out = -0.5 * (F * _LOG_2PI + np.sum(np.log(var), axis=1) + quad)
            out += logw
            return out.reshape(N, S, M)
        out = np.empty((N, S * M))
        nan = np.isnan(X)
        complete = ~nan.any(axis=1)
        pats = _patterns(nan) if not complete.all() else []
        Xc = X if complete.all() else X[complete]
        for c in range(S * M):
            s = c // M
            cov = self.covars[s] if ct == "tied" else self.covars[s, c % M]
            try:
                chol = linalg.cholesky(cov, lower=True)
            except linalg.LinAlgError:
                raise ValueError(f"the covariance of group {s}, component {c % M} is not "
                                 "positive definite; raise min_covar.") from None
            z = linalg.solve_triangular(chol, (Xc - means[c]).T, lower=True)
            val = -0.5 * (F * _LOG_2PI + 2 * np.sum(np.log(np.diag(chol)))
                          + np.sum(z ** 2, axis=0)) + logw[c]
            if complete.all():
                out[:, c] = val
                continue
            out[complete, c] = val
            for rows, o in pats:        # marginal of the observed block
                if len(o) == 0:
                    out[rows, c] = logw[c]
                    continue
                ch = linalg.cholesky(cov[np.ix_(o, o)], lower=True)
                z = linalg.solve_triangular(ch, (X[np.ix_(rows, o)] - means[c, o]).T,
                                            lower=True)
                out[rows, c] = -0.5 * (len(o) * _LOG_2PI + 2 * np.sum(np.log(np.diag(ch)))
                                       + np.sum(z ** 2, axis=0)) + logw[c]
        return out.reshape(N, S, M)

    def _mix_posteriors(self, X):
        """(ll (N, S), resp (N, S, M)): per-group log-likelihoods and each component's
        share of its group's density."""
        ct = self.covariance_type
        if ct not in ("spherical", "diag") or np.isnan(X).any():
            return _mix_logsumexp(self._component_logdens(X))
        S, M, F = self.n_groups, self.n_mix, self.n_features
        var = (self.covars if ct == "diag" else
               np.repeat(self.covars[..., None], F, axis=-1)).reshape(S * M, F)
        with np.errstate(divide="ignore"):
            logw = np.log(self.weights).reshape(S * M)
        const = logw - 0.5 * (F * _LOG_2PI + np.sum(np.log(var), axis=1))
        X = np.ascontiguousarray(X, dtype=np.float64)
        return emission_numba.diag_mix_loglik(
            X, np.ascontiguousarray(self.means.reshape(S * M, F).T),
            np.ascontiguousarray((1.0 / var).T), const, S, M,
            emission_numba.n_blocks(len(X)))

    def _token(self, X):
        return (id(X), X.shape, id(self.weights), id(self.means), id(self.covars))

    def log_likelihood(self, X):
        ll, resp = self._mix_posteriors(X)
        if resp.size <= _CACHE_MAX:
            self._cache = (self._token(X), X, resp)
        return ll

    # -- EM -----------------------------------------------------------------------------
    def empty_stats(self):
        S, M, F = self.n_groups, self.n_mix, self.n_features
        st = {"sum_w": np.zeros((S, M)), "sum_x": np.zeros((S, M, F))}
        ct = self.covariance_type
        if ct in ("spherical", "diag"):
            st["sum_wf"] = np.zeros((S, M, F))
            st["sum_xx"] = np.zeros((S, M, F))
        elif ct == "full":
            st["sum_xxT"] = np.zeros((S, M, F, F))
        else:
            st["sum_xxT"] = np.zeros((S, F, F))
        return st

    def accumulate(self, stats, X, group_posteriors):
        S, M, F = self.n_groups, self.n_mix, self.n_features
        c = self._cache
        if c is not None and c[0] == self._token(X) and c[1] is X:
            resp = c[2]
        else:
            resp = self._mix_posteriors(X)[1]
        self._cache = None
        gam = emission_numba.mix_weights(
            resp, np.ascontiguousarray(group_posteriors, dtype=np.float64),
            emission_numba.n_blocks(len(resp)))
        stats["sum_w"] += gam.sum(axis=0).reshape(S, M)
        nan = np.isnan(X)
        ct = self.covariance_type
        if nan.any() and ct in ("full", "tied"):
            return self._accumulate_missing_full(stats, X, gam, nan)
        if nan.any():
            obs = (~nan).astype(np.float64)
            X0 = np.where(nan, 0.0, X)
            stats["sum_wf"] += (gam.T @ obs).reshape(S, M, F)
            stats["sum_x"] += (gam.T @ X0).reshape(S, M, F)
            stats["sum_xx"] += (gam.T @ X0 ** 2).reshape(S, M, F)
            return
        stats["sum_x"] += (gam.T @ X).reshape(S, M, F)
        if ct in ("spherical", "diag"):
            stats["sum_wf"] += gam.sum(axis=0).reshape(S, M)[:, :, None]
            stats["sum_xx"] += (gam.T @ X ** 2).reshape(S, M, F)
        elif ct == "full":
            for k in range(S * M):
                stats["sum_xxT"][k // M, k % M] += (X * gam[:, k:k + 1]).T @ X
        else:
            gs = gam.reshape(-1, S, M).sum(axis=2)
            for s in range(S):
                stats["sum_xxT"][s] += (X * gs[:, s:s + 1]).T @ X

    def _accumulate_missing_full(self, stats, X, gam, nan):
        """Full/tied covariances with missing values: expected statistics E[x], E[x x^T]
        of each component given the observed block (EM with the missing values latent)."""
        S, M, F = self.n_groups, self.n_mix, self.n_features
        ct = self.covariance_type
        complete = ~nan.any(axis=1)
        Xc, gc = X[complete], gam[complete]
        pats = _patterns(nan)
        for c in range(S * M):
            s, m = divmod(c, M)
            cov = self.covars[s] if ct == "tied" else self.covars[s, m]
            mu = self.means[s, m]
            sx = gc[:, c] @ Xc
            sxx = (Xc * gc[:, c:c + 1]).T @ Xc
            for rows, o in pats:
                mis = np.setdiff1d(np.arange(F), o)
                xh, cc = conditional_fill(X, rows, o, mis, mu, cov)
                wg = gam[rows, c]
                sx += wg @ xh
                sxx += (xh * wg[:, None]).T @ xh + wg.sum() * cc
            stats["sum_x"][s, m] += sx
            if ct == "full":
                stats["sum_xxT"][s, m] += sxx
            else:
                stats["sum_xxT"][s] += sxx

    def _priors(self):
        """hmmlearn's covariance prior defaults (exact MLE for each covariance type)."""
        ct, F, M = self.covariance_type, self.n_features, self.n_mix
        cp, cw = self.covars_prior, self.covars_weight
        if ct == "full":
            return (0.0 if cp is None else cp), (-(1.0 + F + 1.0) if cw is None else cw)
        if ct == "tied":
            return (0.0 if cp is None else cp), (-(M + F + 1.0) if cw is None else cw)
        if ct == "diag":
            return (-1.5 if cp is None else cp), (0.0 if cw is None else cw)
        return (-(F + 2.0) / 2.0 if cp is None else cp), (0.0 if cw is None else cw)

    def m_step(self, stats, letters):
        S, M, F = self.n_groups, self.n_mix, self.n_features
        ct = self.covariance_type
        sum_w, sum_x = stats["sum_w"], stats["sum_x"]
        wf = stats["sum_wf"] if "sum_wf" in stats else None
        slot_seen = sum_w.sum(axis=1) > 0
        old_means = self.means
        kappa = self.soft_strength
        centre = None
        if "w" in letters:
            am1 = np.broadcast_to(np.asarray(self.weights_prior, dtype=float) - 1.0, (S, M))
            w_n = sum_w + am1
            pm = self._pool_map("w")
            if pm is not None:
                g, G = pm
                w_n = pool(sum_w, g, G)[g] + am1
            w_d = w_n.sum(axis=1, keepdims=True)
            ok = (w_d[:, 0] > 0) & (slot_seen if pm is None else pool(
                sum_w.sum(axis=1), *pm)[pm[0]] > 0)
            if kappa is not None:
                a = np.maximum(w_n, 0)
                theta, _ = _soft.soft_update(a, np.broadcast_to(np.maximum(
                    a.sum(axis=1, keepdims=True), 1e-300), (S, M)), self.slot_groups, kappa,
                    "prob")
                self.weights = np.where(ok[:, None], theta / theta.sum(axis=1, keepdims=True),
                                        self.weights)
            else:
                self.weights = np.where(ok[:, None], np.maximum(w_n, 0) / np.where(
                    w_d > 0, w_d, 1.0), self.weights)
        pm_m, pm_c = self._pool_map("m"), self._pool_map("c")
        lam = np.broadcast_to(np.asarray(self.means_weight, dtype=float), (S, M))
        mus = np.broadcast_to(np.asarray(self.means_prior, dtype=float), (S, M, F))
        if wf is None:
            wf = np.broadcast_to(sum_w[:, :, None], (S, M, F))
        if "m" in letters:
            m_n = lam[:, :, None] * mus + sum_x
            m_d = lam[:, :, None] + wf
            if pm_m is not None:
                g, G = pm_m
                m_n = pool(sum_x, g, G)[g] + lam[:, :, None] * mus
                m_d = pool(np.ascontiguousarray(wf), g, G)[g] + lam[:, :, None]
            with np.errstate(invalid="ignore", divide="ignore"):
                if kappa is not None:
                    new, centre = _soft.soft_means(
                        m_n.reshape(S * M, F), np.maximum(m_d, 1e-300).reshape(S * M, F),
                        self._flat_precisions(), self._flat_groups(), kappa)
                    new = new.reshape(S, M, F)
                else:
                    new = m_n / m_d
            self.means = np.where(m_d > 0, new, self.means)
        if "c" not in letters:
            return
        cp, cw = self._priors()
        # "previous": scatter around the E-step means, as hmmlearn 0.3 (a GEM step)
        mu = old_means if self.covars_centre == "previous" else self.means
        d = self.means - mus
        if kappa is not None:
            if centre is None:
                centre = self._mean_centre(self._flat_precisions())
            dev = (self.means.reshape(S * M, F) - centre[self._flat_groups()]).reshape(S, M, F)
        if ct in ("spherical", "diag"):
            scat = stats["sum_xx"] - 2 * mu * sum_x + mu ** 2 * wf          # (S, M, F)
            n_f = np.asarray(wf)
            if pm_c is not None:
                g, G = pm_c
                scat, n_f = pool(scat, g, G)[g], pool(np.ascontiguousarray(wf), g, G)[g]
            if ct == "diag":
                c_n = lam[:, :, None] * d ** 2 + 2 * np.broadcast_to(cw, (S, M, F)) + scat
                c_d = n_f + 1 + 2 * (np.broadcast_to(cp, (S, M, F)) + 1)
            else:
                c_n = lam * np.einsum("smf,smf->sm", d, d) + 2 * np.broadcast_to(
                    cw, (S, M)) + scat.sum(axis=2)
                c_d = n_f.sum(axis=2) + F + 2 * (np.broadcast_to(cp, (S, M)) + 1)
            with np.errstate(invalid="ignore", divide="ignore"):
                if kappa is not None:
                    gf = self._flat_groups()
                    if ct == "diag":
                        a = (c_n + kappa * dev ** 2).reshape(S * M, F)
                        b = np.maximum(c_d, 1e-300).reshape(S * M, F)
                    else:
                        a = (c_n + kappa * np.sum(dev ** 2, axis=2)).reshape(S * M) / F
                        b = np.maximum(c_d, 1e-300).reshape(S * M) / F
                    new, _ = _soft.soft_update(a, b, gf, kappa, "var")
                    new = new.reshape(c_n.shape)
                else:
                    new = c_n / c_d
            ok = c_d > 0
            self.covars = np.maximum(np.where(ok & np.isfinite(new), new, self.covars),
                                     self.min_covar)
            return
        sxxT = stats["sum_xxT"]
        if ct == "full":
            outer = sum_x[..., :, None] * mu[..., None, :]
            scat = (sxxT - outer - np.swapaxes(outer, -1, -2)
                    + sum_w[..., None, None] * mu[..., :, None] * mu[..., None, :])
            n = sum_w
            if pm_c is not None:
                g, G = pm_c
                scat, n = pool(scat, g, G)[g], pool(sum_w, g, G)[g]
            psi = np.broadcast_to(cp, (S, M, F, F))
            c_n = np.swapaxes(psi, -1, -2) + lam[..., None, None] * d[..., :, None] * \
                d[..., None, :] + scat
            c_d = (n + 1 + np.broadcast_to(cw, (S, M)) + F + 1)[..., None, None]
        else:
            outer = np.einsum("smf,smg->sfg", sum_x, mu)
            scat = (sxxT - outer - np.swapaxes(outer, -1, -2)
                    + np.einsum("sm,smf,smg->sfg", sum_w, mu, mu))
            n = sum_w.sum(axis=1)
            if pm_c is not None:
                g, G = pm_c
                scat, n = pool(scat, g, G)[g], pool(n, g, G)[g]
            psi = np.broadcast_to(cp, (S, F, F))
            c_n = (np.einsum("sm,smf,smg->sfg", lam, d, d) + np.swapaxes(psi, -1, -2) + scat)
            c_d = (n + M + np.broadcast_to(cw, (S,)) + F + 1)[:, None, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            if kappa is not None:
                if ct == "full":
                    a = (c_n + kappa * dev[..., :, None] * dev[..., None, :]).reshape(-1, F, F)
                    new, _ = _soft.soft_update(a, np.maximum(c_d, 1e-300).reshape(-1), 
                                               self._flat_groups(), kappa, "cov")
                else:
                    a = c_n + kappa * np.einsum("smf,smg->sfg", dev, dev)
                    new, _ = _soft.soft_update(a, np.maximum(c_d, 1e-300).reshape(-1),
                                               self.slot_groups, kappa, "cov")
                new = new.reshape(c_n.shape)
            else:
                new = c_n / c_d
        ok = np.broadcast_to(c_d > 0, new.shape) & np.isfinite(new)
        new = np.where(ok, new, self.covars)
        shp = new.shape
        flat = new.reshape(-1, F, F)
        self.covars = np.array([_floor_eigenvalues(c, self.min_covar) for c in flat]).reshape(shp)

    # -- soft tying helpers ------------------------------------------------------------
    def _flat_groups(self):
        """Group of each (slot, component), flattened: component m of group g -> g*M + m."""
        M = self.n_mix
        return (self.slot_groups[:, None] * M + np.arange(M)[None, :]).reshape(-1)

    def _flat_precisions(self):
        """Precisions of the (slot, component) Gaussians: (S*M, F) diagonal or (S*M, F, F)."""
        S, M, F = self.n_groups, self.n_mix, self.n_features
        ct = self.covariance_type
        if ct == "diag":
            return (1.0 / self.covars).reshape(S * M, F)
        if ct == "spherical":
            return np.repeat((1.0 / self.covars).reshape(S * M, 1), F, axis=1)
        if ct == "full":
            return np.linalg.inv(self.covars).reshape(S * M, F, F)
        return np.repeat(np.linalg.inv(self.covars)[:, None], M, axis=1).reshape(S * M, F, F)

    def _mean_centre(self, prec):
        gf = self._flat_groups()
        G = int(gf.max()) + 1
        mu = self.means.reshape(-1, self.n_features)
        if prec.ndim == 2:
            return pool(prec * mu, gf, G) / pool(prec, gf, G)
        num = pool(np.einsum("kij,kj->ki", prec, mu), gf, G)
        return np.linalg.solve(pool(prec, gf, G), num[..., None])[..., 0]

    def log_prior(self):
        """Soft tying: ``-kappa`` times the KL divergences of the weights and of every
        component Gaussian from their group centres (components matched by index)."""
        if self.soft_strength is None or not self.has_params():
            return 0.0
        S, M, F = self.n_groups, self.n_mix, self.n_features
        ct = self.covariance_type
        kl = _soft.kl_penalty(self.weights, self.slot_groups, "prob")
        P = self._flat_precisions()
        gf = self._flat_groups()
        dev = self.means.reshape(S * M, F) - self._mean_centre(P)[gf]
        if ct in ("diag", "spherical"):
            var = 1.0 / P
            if ct == "diag":
                kl += _soft.kl_penalty(var, gf, "var")
            else:
                kl += _soft.kl_penalty(var[:, 0], gf, "var", dim=F)
            kl += 0.5 * np.sum(dev ** 2 / var)
        else:
            if ct == "full":
                kl += _soft.kl_penalty(self.covars.reshape(S * M, F, F), gf, "cov")
            else:
                kl += _soft.kl_penalty(self.covars, self.slot_groups, "cov")
            kl += 0.5 * np.einsum("ki,kij,kj->", dev, P, dev)
        return -self.soft_strength * float(kl)

    def n_parameters(self, letters):
        M, F = self.n_mix, self.n_features
        n = 0
        if "w" in letters:
            n += self._count_slots("w") * (M - 1)
        if "m" in letters:
            n += self._count_slots("m") * M * F
        if "c" in letters:
            G = self._count_slots("c")
            n += G * {"spherical": M, "diag": M * F, "full": M * F * (F + 1) // 2,
                      "tied": F * (F + 1) // 2}[self.covariance_type]
        return n

    def full_covars(self):
        """Covariances as full matrices, shape (n_groups, n_mix, n_features, n_features)."""
        M, F = self.n_mix, self.n_features
        ct = self.covariance_type
        if ct == "full":
            return self.covars.copy()
        if ct == "tied":
            return np.repeat(self.covars[:, None], M, axis=1)
        var = self.covars if ct == "diag" else np.repeat(self.covars[..., None], F, axis=-1)
        return var[..., :, None] * np.eye(F)

    def sample(self, group, rng):
        return self.sample_n(np.array([group]), rng)[0]

    def sample_n(self, groups, rng):
        full = self.full_covars()
        out = np.empty((len(groups), self.n_features))
        comp = np.array([rng.choice(self.n_mix, p=self.weights[g]) for g in groups], dtype=int)
        for i, (g, m) in enumerate(zip(groups, comp)):
            out[i] = rng.multivariate_normal(self.means[g, m], full[g, m])
        return out
