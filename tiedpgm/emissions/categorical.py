"""Categorical emissions: one probability vector over symbols per tie group."""
import numpy as np

from ..kernels import safe_log
from . import _soft
from .base import EmissionFamily, where

#: With ``allow_missing=True`` this symbol marks a missing observation (likelihood 1).
MISSING_SYMBOL = -1


class CategoricalEmissions(EmissionFamily):
    """Categorical distributions over ``n_features`` symbols, one per group.

    Parameters
    ----------
    n_groups : int
    n_features : int or None
        Number of symbols; ``None`` = learn from the data (max symbol + 1).
    emissionprob_prior : float or array, shape (n_groups, n_features)
        Dirichlet concentration; 1.0 = maximum likelihood (hmmlearn's default).

    Attributes
    ----------
    emissionprob : ndarray, shape (n_groups, n_features)
    """

    letters = "e"
    param_names = ("emissionprob",)

    def __init__(self, n_groups, n_features=None, emissionprob_prior=1.0):
        super().__init__(n_groups, n_features)
        self.emissionprob_prior = emissionprob_prior
        self.emissionprob = None

    def set_group_param(self, name, value):
        if name != "emissionprob":
            raise AttributeError(name)
        p = np.array(value, dtype=np.float64, copy=True)
        if p.ndim != 2 or p.shape[0] != self.n_groups or (
                self.n_features is not None and p.shape[1] != self.n_features):
            nf = "n_features" if self.n_features is None else self.n_features
            raise ValueError(
                f"group emission probabilities have shape {p.shape}; expected "
                f"({self.n_groups}, {nf}), one row per tie group.")
        from .._validation import check_stochastic
        check_stochastic(p, "emissionprob_")
        self.n_features = p.shape[1]
        self.emissionprob = p

    def check_X(self, X, offsets=None):
        """Return ``X`` as int64 of shape (n_samples, 1); refuse bad symbols."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != 1:
            raise ValueError(
                f"X has shape {X.shape}; CategoricalHMM expects symbols as a column of "
                "shape (n_samples, 1): use X.reshape(-1, 1).")
        if X.dtype == bool or not (np.issubdtype(X.dtype, np.integer)
                                   or np.issubdtype(X.dtype, np.floating)):
            raise ValueError(
                f"X has dtype {X.dtype}; symbols must be integers 0..n_features-1 "
                "(sklearn.preprocessing.LabelEncoder maps labels to them).")
        col = X[:, 0]
        if np.issubdtype(col.dtype, np.floating):
            bad = np.flatnonzero(~np.isfinite(col) | (col != np.round(col)))
            if bad.size:
                i = bad[0]
                raise ValueError(
                    f"X contains the non-integer symbol {float(col[i])!r} at {where(i, offsets)}; "
                    "symbols must be integers 0..n_features-1.")
        col = col.astype(np.int64)
        neg = np.flatnonzero((col < 0) & ~((col == MISSING_SYMBOL) & self.allow_missing))
        if neg.size:
            i = neg[0]
            raise ValueError(
                f"X contains the negative symbol {col[i]} at {where(i, offsets)}; symbols "
                "must be integers 0..n_features-1"
                + (" (or -1 for a missing observation, with allow_missing=True)."
                   if col[i] == MISSING_SYMBOL else "."))
        if self.n_features is not None and col.size:
            big = np.flatnonzero(col >= self.n_features)
            if big.size:
                i = big[0]
                raise ValueError(
                    f"X contains symbol {col[i]} at {where(i, offsets)} but the model has "
                    f"n_features={self.n_features} (symbols 0..{self.n_features - 1}); "
                    "raise n_features or re-encode the data.")
        return np.ascontiguousarray(col.reshape(-1, 1))

    def initialize(self, X, rng, letters):
        if self.n_features is None:
            self.n_features = int(X.max()) + 1
        if "e" in letters:
            p = rng.random((self.n_groups, self.n_features))
            self.emissionprob = p / p.sum(axis=1, keepdims=True)

    def log_likelihood(self, X):
        x = X[:, 0]
        miss = x < 0
        if not miss.any():
            return np.ascontiguousarray(safe_log(self.emissionprob)[:, x].T)
        out = np.ascontiguousarray(safe_log(self.emissionprob)[:, np.where(miss, 0, x)].T)
        out[miss] = 0.0          # a missing symbol has likelihood 1 under every state
        return out

    def empty_stats(self):
        return {"counts": np.zeros((self.n_groups, self.n_features))}

    def accumulate(self, stats, X, group_posteriors):
        x = X[:, 0]
        counts = stats["counts"]
        miss = x < 0
        if miss.any():
            x = x[~miss]
            group_posteriors = group_posteriors[~miss]
        for g in range(self.n_groups):
            counts[g] += np.bincount(x, weights=group_posteriors[:, g],
                                     minlength=self.n_features)[:self.n_features]

    def m_step(self, stats, letters):
        if "e" not in letters:
            return
        new = np.maximum(self.emissionprob_prior - 1.0 + stats["counts"], 0.0)
        if self.soft_strength is not None:
            tot = new.sum(axis=1, keepdims=True)
            theta, _ = _soft.soft_update(new, np.maximum(tot, 1e-300), self.slot_groups,
                                         self.soft_strength, "prob")
            self.emissionprob = theta / theta.sum(axis=1, keepdims=True)
            return
        pm = self._pool_map("e")
        if pm is not None:
            from ..ties import pool
            new = pool(new, *pm)[pm[0]]
        total = new.sum(axis=1, keepdims=True)
        # a group that received no weight keeps its parameters (0/0 otherwise)
        ok = total[:, 0] > 0
        self.emissionprob = np.where(ok[:, None], new / np.where(total > 0, total, 1.0),
                                     self.emissionprob)

    def log_prior(self):
        if self.soft_strength is None or self.emissionprob is None:
            return 0.0
        return -self.soft_strength * _soft.kl_penalty(self.emissionprob, self.slot_groups,
                                                      "prob")

    def n_parameters(self, letters):
        return self._count_slots("e") * (self.n_features - 1) if "e" in letters else 0

    def sample(self, group, rng):
        return np.array([rng.choice(self.n_features, p=self.emissionprob[group])])

    def sample_n(self, groups, rng):
        out = np.empty((len(groups), 1), dtype=np.int64)
        for g in range(self.n_groups):
            idx = np.flatnonzero(groups == g)
            if idx.size:
                out[idx, 0] = rng.choice(self.n_features, p=self.emissionprob[g], size=idx.size)
        return out
