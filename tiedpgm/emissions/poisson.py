"""Poisson emissions: one rate vector per tie group (independent counts per feature).

The M-step is the Gamma-prior MAP ``lambdas = (lambdas_prior + sum_x) / (lambdas_weight +
sum_w)`` with the per-state sums replaced by sums over the states of each group. With the
default prior (0, 0) this is hmmlearn 0.3's update; with a non-zero prior hmmlearn 0.3
uses the total weight of *all* states in place of ``sum_w``, which we take to be a bug. Missing counts (NaN, with ``allow_missing``) are marginalised: a feature that is
missing at a frame contributes nothing to its likelihood or to its rate's statistics.
"""
import numpy as np
from scipy.special import gammaln

from . import _soft
from .base import EmissionFamily, where


class PoissonEmissions(EmissionFamily):
    """Independent Poisson counts per feature, one rate vector per group.

    Parameters
    ----------
    n_groups : int
    n_features : int or None
    lambdas_prior, lambdas_weight : float or array broadcastable to (n_groups, n_features)
        Gamma prior (shape-like ``lambdas_prior``, rate-like ``lambdas_weight``);
        0, 0 = maximum likelihood.

    Attributes
    ----------
    lambdas : ndarray, shape (n_groups, n_features)
    """

    letters = "l"
    param_names = ("lambdas",)

    def __init__(self, n_groups, n_features=None, lambdas_prior=0.0, lambdas_weight=0.0):
        super().__init__(n_groups, n_features)
        self.lambdas_prior = lambdas_prior
        self.lambdas_weight = lambdas_weight
        self.lambdas = None

    def set_group_param(self, name, value):
        if name != "lambdas":
            raise AttributeError(name)
        a = np.array(value, dtype=np.float64, copy=True)
        if a.ndim != 2 or a.shape[0] != self.n_groups or (
                self.n_features is not None and a.shape[1] != self.n_features):
            nf = "n_features" if self.n_features is None else self.n_features
            raise ValueError(f"group lambdas have shape {a.shape}; expected "
                             f"({self.n_groups}, {nf}), one row per tie group.")
        if not np.all(np.isfinite(a)) or np.any(a <= 0):
            idx = tuple(int(i) for i in np.argwhere(~(np.isfinite(a) & (a > 0)))[0])
            raise ValueError(f"lambdas of group {idx[0]} has the rate {a[idx]!r} at feature "
                             f"{idx[1]}; Poisson rates must be finite and > 0.")
        self.n_features = a.shape[1]
        self.lambdas = a

    def check_X(self, X, offsets=None):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(
                f"X has shape {X.shape}; expected a 2-D array of counts (n_samples, "
                "n_features). Reshape a single feature with X.reshape(-1, 1).")
        if X.dtype == bool or not (np.issubdtype(X.dtype, np.integer)
                                   or np.issubdtype(X.dtype, np.floating)):
            raise ValueError(f"X has dtype {X.dtype}; PoissonHMM expects non-negative "
                             "integer counts.")
        X = np.ascontiguousarray(X, dtype=np.float64)
        nan = np.isnan(X)
        if nan.any() and not self.allow_missing:
            r, c = np.argwhere(nan)[0]
            raise ValueError(
                f"X contains nan at {where(r, offsets)}, column {c}; pass allow_missing=True "
                "to marginalise missing counts, or remove them.")
        bad = ~nan & ((X < 0) | ~np.isfinite(X) | (X != np.round(X)))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise ValueError(
                f"X contains {float(X[r, c])!r} at {where(r, offsets)}, column {c}; Poisson "
                "observations must be non-negative integer counts.")
        if self.n_features is not None and X.shape[1] != self.n_features:
            raise ValueError(
                f"X has {X.shape[1]} features but the model has {self.n_features}; "
                "give data with the same columns as the parameters.")
        return X

    def initialize(self, X, rng, letters):
        """Rates drawn from a Gamma matching the data's mean and variance (as hmmlearn)."""
        self.n_features = X.shape[1]
        if "l" in letters:
            mean, var = np.nanmean(X), np.nanvar(X)
            if not (mean > 0 and var > 0):
                mean, var = max(mean, 1e-3) if np.isfinite(mean) else 1.0, 1.0
            self.lambdas = rng.gamma(shape=mean ** 2 / var, scale=var / mean,
                                     size=(self.n_groups, self.n_features))
            self.lambdas = np.maximum(self.lambdas, 1e-10)

    def log_likelihood(self, X):
        loglam = np.log(self.lambdas)
        nan = np.isnan(X)
        if not nan.any():
            return X @ loglam.T - self.lambdas.sum(axis=1) - gammaln(X + 1).sum(axis=1)[:, None]
        obs = (~nan).astype(np.float64)
        X0 = np.where(nan, 0.0, X)
        return X0 @ loglam.T - obs @ self.lambdas.T - gammaln(X0 + 1).sum(axis=1)[:, None]

    def empty_stats(self):
        G, F = self.n_groups, self.n_features
        return {"sum_w": np.zeros(G), "sum_wf": np.zeros((G, F)), "sum_x": np.zeros((G, F))}

    def accumulate(self, stats, X, group_posteriors):
        w = group_posteriors
        stats["sum_w"] += w.sum(axis=0)
        nan = np.isnan(X)
        if nan.any():
            stats["sum_wf"] += w.T @ (~nan).astype(np.float64)
            stats["sum_x"] += w.T @ np.where(nan, 0.0, X)
        else:
            stats["sum_wf"] += w.sum(axis=0)[:, None]
            stats["sum_x"] += w.T @ X

    def m_step(self, stats, letters):
        if "l" not in letters:
            return
        a = self.lambdas_prior + stats["sum_x"]
        b = self.lambdas_weight + stats["sum_wf"]
        seen = stats["sum_wf"] > 0
        if self.soft_strength is not None:
            new, _ = _soft.soft_update(a, np.where(b > 0, b, 1e-300), self.slot_groups,
                                       self.soft_strength, "rate")
        else:
            pm = self._pool_map("l")
            if pm is not None:
                g, G = pm
                from ..ties import pool
                a, b = pool(a, g, G)[g], pool(b, g, G)[g]
                seen = pool(stats["sum_wf"], g, G)[g] > 0
            with np.errstate(invalid="ignore", divide="ignore"):
                new = a / b
        new = np.where(seen, new, self.lambdas)
        self.lambdas = np.maximum(new, 1e-300)

    def log_prior(self):
        if self.soft_strength is None or self.lambdas is None:
            return 0.0
        return -self.soft_strength * _soft.kl_penalty(self.lambdas, self.slot_groups, "rate")

    def n_parameters(self, letters):
        return self._count_slots("l") * self.n_features if "l" in letters else 0

    def sample(self, group, rng):
        return rng.poisson(self.lambdas[group]).astype(np.float64)

    def sample_n(self, groups, rng):
        return rng.poisson(self.lambdas[groups]).astype(np.int64)
