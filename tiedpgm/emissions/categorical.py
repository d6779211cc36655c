"""Categorical emissions: one probability vector over symbols per tie group."""
import numpy as np

from ..kernels import emission_numba as _en
from ..kernels import safe_log
from . import _soft
from .base import EmissionFamily, where

#: With ``allow_missing=True`` this symbol marks a missing observation (likelihood 1).
MISSING_SYMBOL = -1


def _symbols(X):
    """The symbol column of validated ``X`` as contiguous int64 (N,)."""
    return np.ascontiguousarray(X[:, 0], dtype=np.int64)


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
        col = col.astype(np.int64, copy=False)
        # the fused E-step skips its own pass over symbols found valid here
        self._remember_valid(None)
        lo, hi = _en.int_range(col) if col.size else (-1, -1)
        if lo >= 0 and (self.n_features is None or hi < self.n_features):
            out = np.ascontiguousarray(col.reshape(-1, 1))     # all symbols valid
            if self.n_features is not None:
                self._remember_valid(out)
            return out
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
        return self.log_likelihood_states(X, None)

    def log_likelihood_states(self, X, slots=None):
        # one gather of rows of the (n_symbols, n_states) log table: no (G, N) temporary,
        # no transposed copy, no separate expansion from groups to states
        lt = safe_log(self.emissionprob)
        if slots is not None:
            lt = lt[slots]
        x = _symbols(X)
        if x.size and x.max() >= lt.shape[1]:
            raise IndexError(f"symbol {int(x.max())} is out of range for "
                             f"{lt.shape[1]} symbols.")
        return _en.cat_gather(np.ascontiguousarray(lt.T), x, _en.n_blocks(x.shape[0]))

    def empty_stats(self):
        return {"counts": np.zeros((self.n_groups, self.n_features))}

    def _counts(self, X, W):
        x = _symbols(X)
        W = np.ascontiguousarray(W, dtype=np.float64)
        return _en.cat_counts(x, W, self.n_features, _en.n_blocks(x.shape[0]))

    def accumulate(self, stats, X, group_posteriors):
        stats["counts"] += self._counts(X, group_posteriors)

    def fused_estep_args(self, X, slots=None):
        # frames straight from the (n_symbols + 1, n_states) log table (the extra row of
        # zeros is the missing symbol): no (N, K) log_frameprob, no (N, K) posteriors
        lt = safe_log(self.emissionprob)
        if slots is not None:
            lt = lt[slots]
        F = lt.shape[1]
        table = np.zeros((F + 1, lt.shape[0]))
        table[:F] = lt.T
        x = _symbols(X)
        lo, hi = (0, 0) if self._known_valid(X) or not x.size else _en.int_range(x)
        if lo < 0 or hi >= F:
            if hi >= F:
                return None
            ridx = np.where(x < 0, F, x)
        else:
            ridx = x
        return dict(log_table=table, symbols=ridx, counts_symbols=x, n_symbols=F)

    def add_state_stats(self, stats, res, slots=None):
        c = res["counts"]                             # (n_states, n_features)
        stats["counts"] += c if slots is None else _en.pool_columns(c, slots, self.n_groups)

    def accumulate_states(self, stats, X, posteriors, slots=None):
        c = self._counts(X, posteriors)              # (n_states, n_features)
        stats["counts"] += c if slots is None else _en.pool_columns(c, slots, self.n_groups)

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
