"""Hidden Markov models with tied emission parameters (hmmlearn-compatible surface).

States are grouped into **tie groups** (``tie_groups[k]`` is the group of state
``k``; ``None`` = every state its own group). All states of a group share one
emission distribution, stored once per group by an emission family
(:mod:`tiedpgm.emissions`). Baum-Welch sums the posterior-weighted statistics of
all states of a group before one M-step per group.

Beyond whole-distribution tying (see docs/tying_in_hmms.md): ``tie_params`` shares only
some emission letters of a group (partial tying; the family then keeps one parameter set
per state and pools those letters itself); ``sharing="soft"`` replaces hard pooling by a
MAP pull towards a group centre; ``transmat_ties`` ties transition probabilities (exact
constrained MLE, :func:`tied_transition_mle`); ``sparse_transitions`` runs the kernels on
the non-zeros of ``transmat_``; ``allow_missing`` marginalises NaN (or categorical -1);
``state_mask`` restricts the states of each frame; ``frozen_groups`` keeps chosen groups'
emissions fixed.

The E-step is exposed as a value, :class:`Stats` (``model.summarize(X, lengths)``),
that adds with ``+``; ``model.apply_summaries(stats)`` is the M-step. ``fit`` is
those two inside :func:`tiedpgm.engine.run_em`, so distributed EM only needs to
add the ``Stats`` of the shards.
"""
import numbers
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from . import ties
from ._validation import check_lengths, check_letters, check_positive_int, check_stochastic
from .emissions import (CategoricalEmissions, GaussianEmissions, GMMEmissions,
                        PoissonEmissions, add_stats)
from .emissions.gaussian import _LOG_2PI, COVARIANCE_TYPES
from .engine import ConvergenceMonitor, run_em
from .kernels import get_kernels, resolve_backend, safe_log

__all__ = ["Stats", "BaseHMM", "GaussianHMM", "CategoricalHMM", "PoissonHMM", "GMMHMM",
           "TiedMixtureHMM", "tied_transition_mle"]


@dataclass
class Stats:
    """Expected sufficient statistics of one E-step (a small picklable value).

    Two ``Stats`` computed under the same parameters on disjoint data add with
    ``+`` (``sum()`` works too), giving the statistics of the union; the M-step
    (:meth:`BaseHMM.apply_summaries`) only divides.

    Attributes
    ----------
    log_prob : float
        Total log-likelihood of the data under the parameters of the E-step.
    n_sequences, n_samples : int
    start : ndarray, shape (n_components,)
        Posterior of the first state of each sequence, summed over sequences.
    trans : ndarray, shape (n_components, n_components)
        Expected transition counts summed over sequences and time.
    emission : dict of str -> ndarray
        Emission statistics pooled per tie group (leading axis n_groups; per state under
        partial or soft tying), named for what they sum (``sum_w``, ``sum_wf`` -- the
        weight of the observed values per feature --, ``sum_x``, ``sum_xx``, ``sum_xxT``,
        ``counts``).
    """

    log_prob: float
    n_sequences: int
    n_samples: int
    start: np.ndarray
    trans: np.ndarray
    emission: dict = field(default_factory=dict)

    def __add__(self, other):
        if isinstance(other, numbers.Number) and other == 0:
            return self
        if not isinstance(other, Stats):
            return NotImplemented
        if self.start.shape != other.start.shape:
            raise ValueError(
                f"cannot add Stats of models with {self.start.shape[0]} and "
                f"{other.start.shape[0]} states.")
        return Stats(self.log_prob + other.log_prob, self.n_sequences + other.n_sequences,
                     self.n_samples + other.n_samples, self.start + other.start,
                     self.trans + other.trans, add_stats(self.emission, other.emission))

    __radd__ = __add__


#: ``sparse_transitions="auto"`` uses the sparse-transition kernels when the model has at
#: least this many states ...
SPARSE_MIN_STATES = 32
#: ... and at most this fraction of ``transmat_`` is non-zero (cost O(nnz) per frame
#: instead of O(K^2)).
SPARSE_MAX_DENSITY = 0.1


def check_transmat_ties(transmat_ties, n_components):
    """Validate ``transmat_ties``: (K, K) integers, equal ids >= 0 share one probability,
    negative entries are free. Returns int64 (K, K)."""
    t = np.asarray(transmat_ties)
    K = n_components
    if t.shape != (K, K):
        raise ValueError(f"transmat_ties has shape {t.shape}; expected ({K}, {K}): one tie "
                         "id per transition (-1 = free, equal ids >= 0 share one probability).")
    if t.dtype == bool or not np.issubdtype(t.dtype, np.integer):
        if not (np.issubdtype(t.dtype, np.floating) and np.all(np.isfinite(t))
                and np.all(t == np.round(t))):
            raise ValueError(f"transmat_ties has dtype {t.dtype}; expected integer tie ids "
                             "(-1 = free).")
    return t.astype(np.int64)


def _tie_variables(tt, support):
    """Map each non-zero transition to a variable: one per tie id, one per free entry.

    Returns (var_of_entry (K, K) int64, -1 outside ``support``; n_vars; names)."""
    K = tt.shape[0]
    var = np.full((K, K), -1, dtype=np.int64)
    ids = np.unique(tt[(tt >= 0) & support])
    for v, e in enumerate(ids):
        var[(tt == e) & support] = v
    free = (tt < 0) & support
    n_tied = len(ids)
    var[free] = n_tied + np.arange(int(free.sum()))
    return var, n_tied + int(free.sum()), ids


def check_transmat_respects_ties(transmat, tt):
    """Raise unless the entries of every tie class of ``transmat`` are equal."""
    for e in np.unique(tt[tt >= 0]):
        idx = np.argwhere(tt == e)
        vals = transmat[tt == e]
        if not np.allclose(vals, vals[0], rtol=1e-10, atol=0):
            k = int(np.flatnonzero(~np.isclose(vals, vals[0], rtol=1e-10, atol=0))[0])
            raise ValueError(
                f"transmat_ breaks transition tie {int(e)}: entries {tuple(idx[0])} = "
                f"{vals[0]:.6g} and {tuple(idx[k])} = {vals[k]:.6g} are tied but differ; give "
                "tied transitions identical values or add 't' to init_params.")


def check_transmat_ties_feasible(tt, support):
    """Raise unless some row-stochastic matrix with every non-zero entry > 0 meets the ties.

    Solved as a small linear programme: maximise ``m`` subject to each variable >= m and
    each row summing to 1."""
    from scipy.optimize import linprog
    var, V, ids = _tie_variables(tt, support)
    K = tt.shape[0]
    bad_zero = [int(e) for e in np.unique(tt[tt >= 0])
                if support[tt == e].any() and not support[tt == e].all()]
    if bad_zero:
        e = bad_zero[0]
        raise ValueError(
            f"transition tie {e} mixes structural zeros and non-zero entries of transmat_; "
            "tied transitions must be all zero or all non-zero.")
    rows = [i for i in range(K) if (var[i] >= 0).any()]
    A = np.zeros((len(rows), V + 1))
    for r, i in enumerate(rows):
        np.add.at(A[r], var[i][var[i] >= 0], 1.0)
    c = np.zeros(V + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-np.eye(V), np.ones((V, 1))])     # m - theta_v <= 0
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(V), A_eq=A, b_eq=np.ones(len(rows)),
                  bounds=[(0, 1)] * V + [(0, 1)], method="highs")
    if res.status != 0 or -res.fun <= 1e-9:
        raise ValueError(
            "transmat_ties cannot be satisfied: no row-stochastic transmat_ has all tied "
            "entries equal and every non-zero entry positive (e.g. a tie id used twice in one "
            "row and once, alone, in another); make rows that share a tie id structurally "
            "compatible.")


def tied_transition_mle(counts, tt, support, old, tol=1e-12, max_iter=200):
    """Exact constrained MLE of a transition matrix with tied entries.

    Maximises ``sum_ij counts_ij log A_ij`` over row-stochastic ``A`` supported on
    ``support`` with ``A_ij = theta_e`` for all entries of tie id ``e`` (free entries are
    their own variable). Stationarity gives ``theta_v = C_v / sum_i lambda_i n_iv`` (``C_v``
    pooled counts, ``n_iv`` occurrences of variable ``v`` in row ``i``); the multipliers
    ``lambda`` minimise the convex dual ``sum_i lambda_i - sum_v C_v log(n_v . lambda)``,
    solved by damped Newton. Without ties ``lambda_i`` are the row totals (one step).
    Rows with no counts keep their old free entries (rescaled).

    Returns
    -------
    ndarray, shape (K, K)
    """
    counts = np.where(support, counts, 0.0)
    var, V, _ = _tie_variables(tt, support)
    K = counts.shape[0]
    C = np.zeros(V)
    np.add.at(C, var[support], counts[support])
    Nmat = np.zeros((K, V))
    for i in range(K):
        vi = var[i][var[i] >= 0]
        np.add.at(Nmat[i], vi, 1.0)
    pos = C > 0
    rows = np.flatnonzero(Nmat[:, pos].sum(axis=1) > 0)
    Np = Nmat[np.ix_(rows, np.flatnonzero(pos))]          # (R, V+)
    Cp = C[pos]
    lam = counts[rows].sum(axis=1)

    def dual(l):
        d = l @ Np
        if np.any(d <= 0):
            return np.inf
        return l.sum() - Cp @ np.log(d)

    f = dual(lam)
    for _ in range(max_iter):
        d = lam @ Np
        grad = 1.0 - Np @ (Cp / d)
        if np.max(np.abs(grad)) < tol:
            break
        H = (Np * (Cp / d ** 2)) @ Np.T
        step = -np.linalg.lstsq(H, grad, rcond=None)[0]
        if -(grad @ step) < 1e-12 * max(1.0, abs(f)):
            # quadratic-convergence region: the decrease is below the resolution of f,
            # so take the pure Newton step (if it stays in the domain) without a search
            if np.all((lam + step) @ Np > 0):
                lam = lam + step
                f = dual(lam)
                continue
        t = 1.0
        while t > 1e-12:
            cand = lam + t * step
            fc = dual(cand)
            if fc <= f + 1e-4 * t * (grad @ step):
                break
            t *= 0.5
        if t <= 1e-12:
            break
        lam, f = cand, fc
    d = lam @ Np
    if np.any(d <= 0) or np.max(np.abs(1.0 - Np @ (Cp / d))) > 1e-8:
        raise ValueError("transition ties: the constrained M-step did not converge; the tie "
                         "pattern may be unsatisfiable (see check_transmat_ties_feasible).")
    theta = np.zeros(V)
    theta[pos] = Cp / (lam @ Np)
    new = np.where(support, theta[np.maximum(var, 0)], 0.0)
    resid = np.abs(new.sum(axis=1) - 1.0)
    for i in range(K):
        if i in set(rows.tolist()) and resid[i] < 1e-8:
            continue
        # a row without counts: keep its tied entries at the new values and its free
        # entries in their old proportions, if that can sum to 1; else keep the old row
        free = (tt[i] < 0) & support[i]
        tied_mass = new[i][~free].sum()
        old_free = old[i][free].sum()
        if old_free > 0 and tied_mass < 1:
            new[i][free] = old[i][free] * (1 - tied_mass) / old_free
        else:
            new[i] = old[i]
    return new


_COMMON_DOC = """
    n_components : int
        Number of hidden states.
    tie_groups : array-like of int, shape (n_components,), optional
        Emission group of each state, ids ``0..n_groups-1`` each used at least once.
        ``None`` (default) = untied: every state its own group.
    startprob_prior : float or array, shape (n_components,)
        Dirichlet concentration for ``startprob_``; 1.0 = maximum likelihood.
    transmat_prior : float or array, shape (n_components, n_components)
        Dirichlet concentration for each row of ``transmat_``; 1.0 = maximum likelihood.
    algorithm : {"viterbi", "map"}
        Default decoder of :meth:`decode` and :meth:`predict`.
    random_state : None, int or numpy.random.Generator
        Seed; turned into a Generator in :meth:`fit`.
    n_iter : int
        Maximum number of EM iterations.
    tol : float
        Stop when the log-likelihood gains less than ``tol`` in one iteration.
    verbose : bool
        Print one line per EM iteration to stderr.
    params, init_params : str
        Letters of the parameters updated by EM (``params``) or initialised from
        data at the start of :meth:`fit` (``init_params``); see the class docstring.
        An unknown letter is an error.
    implementation : {"log", "scaling"}
        Accepted for hmmlearn compatibility; every backend works in log space.
    backend : {"auto", "numpy", "numba", "cupy"}
        Kernel backend, recorded as ``backend_`` by :meth:`fit`. "auto" = "cupy" when
        CuPy and a usable NVIDIA GPU are present and the problem is large
        (``n_samples * n_components**2 >= tiedpgm.kernels.GPU_AUTO_MIN_WORK``, 10**8),
        else "numba". With "cupy", ``fit`` keeps the data on the GPU and computes
        emission log-likelihoods and pooled statistics there (see docs/gpu.md, "Model
        layer"; missing data, ``state_mask`` and sparse transitions use the host path).
    gpu_dtype : {"float64", "float32"}
        Arithmetic of the forward-backward recursions on the GPU (``backend="cupy"``
        only; emission densities and statistics are always float64).
    tie_params : str, optional
        Emission letters shared within tie groups (default: all). E.g. ``"c"`` shares
        only the covariances of a group while each state keeps its own mean; the M-step
        is the exact MLE under that constraint. With partial (or soft) tying the family
        keeps one parameter set per *state*, so ``group_*_`` attributes have one row per
        state (tied rows equal).
    sharing : {"hard", "soft"}
        "soft": every state keeps its own emission parameters and EM maximises
        ``log L - sharing_strength * sum_k KL(centre_g || state_k)`` (a conjugate-prior
        MAP pulling the states of a group towards a common centre; see
        docs/tying_in_hmms.md). ``monitor_.history`` records this objective.
    sharing_strength : float >= 0
        kappa of soft tying: 0 = untied, -> infinity = hard tying.
    transmat_ties : array-like of int, shape (n_components, n_components), optional
        Transition tie ids: entries with the same id >= 0 share one probability, negative
        entries are free. The M-step is the exact constrained MLE; zeros of
        ``transmat_`` stay structural zeros.
    sparse_transitions : {"auto", True, False}
        Run forward-backward/Viterbi on the non-zeros of ``transmat_`` only (cost
        O(nnz) per frame). "auto": when ``n_components >= 32`` and at most 10% of
        ``transmat_`` is non-zero. Results equal the dense path to rounding.
    allow_missing : bool
        Marginalise missing observations: NaN for Gaussian, GMM and Poisson data, the
        symbol -1 for categorical data. Default False: they are refused.
    frozen_groups : list of int, optional
        Tie groups whose emission parameters EM keeps fixed (the others learn).
"""


def _common_init(self, tie_params, sharing, sharing_strength, transmat_ties,
                 sparse_transitions, allow_missing, frozen_groups, gpu_dtype="float64"):
    self.gpu_dtype = gpu_dtype
    self.tie_params = tie_params
    self.sharing = sharing
    self.sharing_strength = sharing_strength
    self.transmat_ties = transmat_ties
    self.sparse_transitions = sparse_transitions
    self.allow_missing = allow_missing
    self.frozen_groups = frozen_groups


class BaseHMM(BaseEstimator):
    """Shared machinery of tied HMMs: EM, inference, per-state views of group parameters.

    Subclasses name an emission family (``_make_family``) and the hmmlearn letters it
    estimates. Attributes that end in ``_`` are per-state views: reading
    ``means_`` gives ``group_means_[tie_groups]``; writing it checks that tied states
    hold identical values.

    The model counts as fitted once every parameter is set, by :meth:`fit` or by
    assigning ``startprob_``, ``transmat_`` and the emission attributes (as in hmmlearn).
    """

    _transition_letters = "st"
    _emission_letters = ""

    # -- helpers -------------------------------------------------------------------------
    @property
    def _letters(self):
        return self._transition_letters + self._emission_letters

    def _groups(self):
        n = check_positive_int(self.n_components, "n_components")
        return ties.check_tie_groups(self.tie_groups, n)

    def _n_groups(self):
        return ties.n_groups_of(self._groups())

    def _tie_letters(self):
        """Emission letters shared within tie groups (``tie_params``; default all)."""
        tp_ = getattr(self, "tie_params", None)
        if tp_ is None:
            return self._emission_letters
        if not isinstance(tp_, str):
            raise TypeError(f"tie_params must be a string of letters from "
                            f"{self._emission_letters!r}; got {tp_!r}.")
        unknown = sorted(set(tp_) - set(self._emission_letters))
        if unknown:
            raise ValueError(
                f"tie_params={tp_!r} contains unknown letter(s) {''.join(unknown)!r}; "
                f"{type(self).__name__} can tie {self._emission_letters!r} "
                f"(e.g. tie_params='c' shares covariances, means stay per state).")
        return tp_

    def _sharing(self):
        sharing = getattr(self, "sharing", "hard")
        if sharing not in ("hard", "soft"):
            raise ValueError(f"sharing={sharing!r} is not known; use 'hard' or 'soft'.")
        if sharing == "soft":
            k = getattr(self, "sharing_strength", 1.0)
            if (isinstance(k, bool) or not isinstance(k, numbers.Real) or not np.isfinite(k)
                    or k < 0):
                raise ValueError(f"sharing_strength must be a finite number >= 0; got {k!r}.")
        return sharing

    def _slot_level(self):
        """True when the family keeps one parameter set per *state* (partial or soft
        tying) and pools over ``tie_groups`` itself; False when it keeps one per group."""
        if self.tie_groups is None:
            return False
        return (self._sharing() == "soft"
                or set(self._tie_letters()) != set(self._emission_letters))

    def _slots(self):
        """State -> emission slot (the family's leading axis)."""
        if self._slot_level():
            return np.arange(check_positive_int(self.n_components, "n_components"))
        return self._groups()

    def _n_slots(self):
        return ties.n_groups_of(self._slots())

    def _family(self, n_features=None, create=True):
        """The emission family holding the group parameters (created on first use).

        Hyperparameters are refreshed from the estimator each time, so
        ``set_params`` takes effect at the next fit.
        """
        fam = self.__dict__.get("_emission")
        n_groups = self._n_slots()
        if fam is not None and not self._family_matches(fam, n_groups):
            fam = None
        if fam is None:
            if not create:
                return None
            fam = self._make_family(n_groups, n_features)
            self._emission = fam
        else:
            self._configure_family(fam)
        self._configure_tying(fam)
        return fam

    def _configure_tying(self, fam):
        """Tell the family how its slots are pooled (partial / soft tying)."""
        fam.allow_missing = bool(getattr(self, "allow_missing", False))
        if self._slot_level():
            fam.slot_groups = self._groups()
            fam.tied_letters = self._tie_letters()
            fam.soft_strength = (float(self.sharing_strength) if self._sharing() == "soft"
                                 else None)
        else:
            fam.slot_groups = None
            fam.tied_letters = ""
            fam.soft_strength = None

    def _family_matches(self, fam, n_groups):
        return fam.n_groups == n_groups

    def _make_family(self, n_groups, n_features):
        raise NotImplementedError

    def _configure_family(self, fam):
        pass

    # -- per-state start/transition parameters ---------------------------------------------
    @property
    def startprob_(self):
        """ndarray, shape (n_components,): initial state distribution."""
        try:
            return self.__dict__["_startprob"]
        except KeyError:
            raise AttributeError("startprob_ is not set; call fit or assign it.") from None

    @startprob_.setter
    def startprob_(self, value):
        p = np.array(value, dtype=np.float64, copy=True)
        if p.shape != (self.n_components,):
            raise ValueError(f"startprob_ has shape {p.shape}; expected ({self.n_components},) "
                             "for n_components states.")
        self._startprob = check_stochastic(p, "startprob_").copy()

    @property
    def transmat_(self):
        """ndarray, shape (n_components, n_components): row-stochastic transitions."""
        try:
            A = self.__dict__["_transmat"]
        except KeyError:
            raise AttributeError("transmat_ is not set; call fit or assign it.") from None
        # the caller may keep this array: the sparse M-step then leaves it alone (an id
        # only: a later array with the same id is merely not updated in place)
        self.__dict__["_transmat_lent"] = id(A)
        return A

    @transmat_.setter
    def transmat_(self, value):
        p = np.array(value, dtype=np.float64, copy=True)
        K = self.n_components
        if p.shape != (K, K):
            raise ValueError(f"transmat_ has shape {p.shape}; expected ({K}, {K}).")
        self._transmat = check_stochastic(p, "transmat_").copy()

    # -- per-state <-> per-group conversion ----------------------------------------------
    def _get_group_param(self, name):
        fam = self._family(create=False)
        value = None if fam is None else getattr(fam, name)
        if value is None:
            raise AttributeError(f"group {name} are not set; call fit or assign them.")
        return value

    def _set_group_param(self, name, value):
        self._family().set_group_param(name, value)

    def _per_state(self, group_values):
        return group_values[self._slots()]

    def _from_per_state(self, attr, value, letter=None):
        """Check ``value`` (one entry per state) respects the ties; return one per slot.

        Under partial or soft tying the family keeps one entry per state; the values of
        a hard-tied letter must still agree within each tie group."""
        value = np.array(value, dtype=np.float64, copy=True)
        K = self.n_components
        if value.ndim == 0 or value.shape[0] != K:
            raise ValueError(f"{attr} has shape {value.shape}; expected one entry per state "
                             f"({K}, ...).")
        groups = self._groups()
        if self._slot_level() and (self._sharing() == "soft" or letter is None
                                   or letter not in self._tie_letters()):
            return value
        ok, g, s0, s = ties.is_tie_consistent(value, groups)
        if not ok:
            idx = ties.members(groups)[g].tolist()
            raise ValueError(
                f"{attr} breaks tie group {g}: states {s0} and {s} are tied (group {g} = "
                f"states {idx}) but are given different values; give tied states identical "
                f"values or set group_{attr} (one row per group) instead.")
        if self._slot_level():
            return value
        first = np.array([m[0] for m in ties.members(groups)])
        return value[first]

    # -- validation ---------------------------------------------------------------------
    def _check_hyper(self):
        check_positive_int(self.n_components, "n_components")
        check_letters(self.params, self._letters, "params")
        check_letters(self.init_params, self._letters, "init_params")
        if self.implementation not in ("log", "scaling"):
            raise ValueError(f"implementation={self.implementation!r} is not known; use "
                             "'log' or 'scaling'.")
        if self.algorithm not in ("viterbi", "map"):
            raise ValueError(f"algorithm={self.algorithm!r} is not known; use 'viterbi' "
                             "or 'map'.")
        check_positive_int(self.n_iter, "n_iter")
        self._groups()
        self._tie_letters()
        self._sharing()
        self._transmat_ties()
        self._use_sparse()
        self._check_frozen()
        resolve_backend(self.backend)
        self._gpu_dtype()

    def _gpu_dtype(self):
        """``gpu_dtype`` validated, as a NumPy dtype."""
        d = getattr(self, "gpu_dtype", "float64")
        try:
            dt = np.dtype(d)
        except TypeError:
            dt = None
        if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ValueError(f"gpu_dtype={d!r} is not known; use 'float64' (default) or "
                             "'float32'.")
        return dt

    def _check_is_fitted(self):
        missing = [n for n in ("_startprob", "_transmat") if n not in self.__dict__]
        fam = self._family(create=False)
        missing = [n[1:] + "_" for n in missing]
        if fam is None:
            missing += [f"group_{n}_" for n in self._family_param_names()]
        else:
            missing += [f"group_{n}_" for n in fam.missing_params()]
        if missing:
            raise NotFittedError(
                f"This {type(self).__name__} has no {', '.join(missing)} yet; call fit(X) "
                "first (or assign every parameter).")
        K = self.n_components
        if self._startprob.shape != (K,) or self._transmat.shape != (K, K):
            raise ValueError(
                f"startprob_/transmat_ have shapes {self._startprob.shape}/"
                f"{self._transmat.shape} but n_components={K}; refit or assign them again.")

    def _family_param_names(self):
        return ()

    def _forget_data_shape(self, fam):
        """All emission parameters are about to be initialised: let X set n_features."""
        for name in fam.param_names:
            setattr(fam, name, None)
        fam.n_features = None

    def _validate_X(self, X, lengths, fam):
        X = np.asarray(X)
        if X.ndim != 2:
            fam.check_X(X, None)          # raises with the family's shape message
        offsets = check_lengths(lengths, X.shape[0])
        return fam.check_X(X, offsets), offsets

    def _backend_name(self):
        return getattr(self, "backend_", None) or resolve_backend(self.backend)

    def _kernels(self):
        return get_kernels(self._backend_name())

    @staticmethod
    def _is_gpu(kernels):
        return kernels.__name__.endswith(".cupy_gpu")

    def _kernel_options(self, kernels):
        """Keyword arguments only the GPU kernels take (their arithmetic dtype)."""
        return {"dtype": self._gpu_dtype()} if self._is_gpu(kernels) else {}

    # -- E-step / M-step as values -----------------------------------------------------------
    def _state_slots(self, fam):
        """State -> slot map for the family, or None when every state is its own slot."""
        slots = self._slots()
        if fam.n_groups == len(slots) and np.array_equal(slots, np.arange(len(slots))):
            return None
        return slots

    def _log_frameprob(self, X, fam, state_mask=None):
        # (n_samples, n_states) in one pass where the family can (no (N, G) temporary)
        lfp = fam.log_likelihood_states(X, self._state_slots(fam))
        if state_mask is not None:
            lfp = np.where(state_mask, lfp, -np.inf)     # a copy: families may cache ll
        return lfp

    def _frames(self, kernels, X, offsets, fam, state_mask=None):
        """``log_frameprob`` for inference: computed on the GPU (and left there) with
        backend "cupy" where the device path covers the model, else on the host."""
        if self._is_gpu(kernels) and state_mask is None and not self._use_sparse():
            device = _DeviceEStep.create(self, fam, X, offsets, state_mask)
            if device is not None:
                return device.frame_loglik(fam, self._state_slots(fam))
        return self._log_frameprob(X, fam, state_mask)

    def _check_state_mask(self, state_mask, n_samples, offsets):
        """Validate a per-frame state mask; return it as bool (n_samples, n_components)."""
        if state_mask is None:
            return None
        m = np.asarray(state_mask)
        K = self.n_components
        if m.shape != (n_samples, K):
            raise ValueError(
                f"state_mask has shape {m.shape}; expected ({n_samples}, {K}): one row per "
                "sample of X, one column per state (True = the state is allowed).")
        if m.dtype != bool:
            if not (np.issubdtype(m.dtype, np.integer) and np.all((m == 0) | (m == 1))):
                raise ValueError(f"state_mask has dtype {m.dtype}; expected booleans "
                                 "(True = the state is allowed at that frame).")
            m = m.astype(bool)
        empty = np.flatnonzero(~m.any(axis=1))
        if empty.size:
            from .emissions.base import where
            raise ValueError(
                f"state_mask allows no state at frame {where(empty[0], offsets)}; every "
                "frame needs at least one allowed state (a row of all False makes the "
                "sequence impossible).")
        return np.ascontiguousarray(m)

    # -- transitions: ties and sparse kernels -------------------------------------------
    def _transmat_ties(self):
        """Validated ``transmat_ties`` (K, K) int64 (negative = free) or None."""
        t = getattr(self, "transmat_ties", None)
        if t is None:
            return None
        return check_transmat_ties(t, self.n_components)

    def _use_sparse(self):
        """Whether the sparse-transition kernels run (see ``sparse_transitions``)."""
        opt = getattr(self, "sparse_transitions", "auto")
        if opt not in ("auto", True, False):
            raise ValueError(f"sparse_transitions={opt!r} is not known; use 'auto', True "
                             "or False.")
        if opt is False or "_transmat" not in self.__dict__:
            return False
        if opt is True:
            return True
        K = self.n_components
        return K >= SPARSE_MIN_STATES and (
            np.count_nonzero(self._transmat) <= SPARSE_MAX_DENSITY * K * K)

    def _sparse_kernels(self):
        backend = getattr(self, "backend_", None) or resolve_backend(self.backend)
        if backend == "numba":
            from .kernels import sparse_numba as sk
        else:
            from .kernels import sparse_reference as sk
        return sk

    def _sparse_transmat(self, checked=None):
        """CSR/CSC form of ``transmat_``, rebuilt only when ``transmat_`` changed.
        ``checked`` is the id of the matrix this form was last checked against, given
        when no code that could edit it has run since (within ``fit``, between its E-step
        and M-step); each call leaves that id in ``_sparse_checked``."""
        sk = self._sparse_kernels()
        A = self._transmat
        cache = self.__dict__.get("_sparse_cache")
        # identity and content, as transmat_ can be edited in place through the getter;
        # the content is checked on the support (its values, and no other non-zero), which
        # reads A once instead of comparing it with a (K, K) copy
        if cache is not None and cache[0] is A and (
                checked == id(A) or sk.support_unchanged(A, cache[1], cache[2])):
            sp = cache[1]
        else:
            sp = sk.to_sparse(A)
            self._cache_sparse(A, sp)
        self.__dict__["_sparse_checked"] = id(A)
        return sp

    def _cache_sparse(self, A, sp, vals=None):
        """Keep ``sp``, the sparse form of ``A``, with the values of ``A`` on its support
        (CSR order) for the check in :meth:`_sparse_transmat`."""
        if vals is None:
            vals = A[np.repeat(np.arange(sp.n_states), np.diff(sp.row_ptr)), sp.col_idx]
        self.__dict__["_sparse_cache"] = (A, sp, vals)

    def _sparse_transition_mstep(self, trans, checked=None):
        """The transition update of :meth:`apply_summaries` on the non-zeros of
        ``transmat_`` only, for the sparse kernels: the dense update makes eight (K, K)
        temporaries, which at K=512 cost a fifth of a left-right model's EM iteration.
        Same values up to the order of each row's sum. (``checked``: see
        :meth:`_sparse_transmat`.)"""
        sp = self._sparse_transmat(checked)
        K = self.n_components
        prior = np.broadcast_to(np.asarray(self.transmat_prior, dtype=np.float64), (K, K))
        # the update changes the support's entries only, so it can go into transmat_
        # itself unless that array was handed out (a fresh (K, K) array costs a page
        # fault per row where it is written: ~0.4 ms at K=512, 5% of a left-right EM
        # iteration)
        A = self._transmat
        if self.__dict__.get("_transmat_lent") == id(A):
            A = np.zeros((K, K))
        vals = self._sparse_kernels().transition_mstep(
            trans, prior, sp, self.__dict__["_sparse_cache"][2], A)
        self._transmat = A
        if np.all(vals > 0):     # the same support: only the values change
            self._cache_sparse(A, sp._replace(log_val=np.log(vals)), vals)

    def _run_fb(self, kernels, lfp, offsets):
        lsp = safe_log(self._startprob)
        if self._use_sparse():
            sk = self._sparse_kernels()
            return sk.forward_backward(lsp, self._sparse_transmat(), lfp, offsets)
        return kernels.forward_backward(lsp, safe_log(self._transmat), lfp, offsets,
                                        **self._kernel_options(kernels))

    def _run_score(self, kernels, lfp, offsets):
        lsp = safe_log(self._startprob)
        if self._use_sparse():
            return self._sparse_kernels().score(lsp, self._sparse_transmat(), lfp,
                                                       offsets)
        return kernels.score(lsp, safe_log(self._transmat), lfp, offsets,
                             **self._kernel_options(kernels))

    def _run_viterbi(self, kernels, lfp, offsets):
        lsp = safe_log(self._startprob)
        if self._use_sparse():
            return self._sparse_kernels().viterbi(lsp, self._sparse_transmat(), lfp,
                                                         offsets)
        return kernels.viterbi(lsp, safe_log(self._transmat), lfp, offsets,
                               **self._kernel_options(kernels))

    # -- E-step / M-step as values -----------------------------------------------------------
    @staticmethod
    def _check_log_prob(lp):
        bad = np.flatnonzero(~np.isfinite(lp))
        if bad.size:
            raise ValueError(
                f"sequence {int(bad[0])} has probability 0 under the current parameters "
                f"(log-likelihood {lp[bad[0]]}); a structural zero in startprob_/transmat_, "
                "the state_mask or an emission probability of 0 forbids it.")

    def _fused_estep(self, X, offsets, fam, kernels, slots):
        """E-step through the numba kernel that sums emission statistics as it goes (no
        (N, K) log_frameprob for categorical models, no (N, K) posteriors); None when the
        backend, transitions or family have no such path."""
        fused = getattr(kernels, "forward_backward_stats", None)
        if fused is None:
            return None
        args = fam.fused_estep_args(X, slots)
        if args is None:
            return None
        if self._use_sparse():
            # numba's sparse kernels have it for banded matrices only (None otherwise)
            sk = self._sparse_kernels()
            if not hasattr(sk, "forward_backward_stats"):
                return None
            res = sk.forward_backward_stats(safe_log(self._startprob),
                                            self._sparse_transmat(), offsets, **args)
            if res is None:
                return None
        else:
            res = fused(safe_log(self._startprob), safe_log(self._transmat), offsets, **args)
        self._check_log_prob(res["log_prob"])
        est = fam.empty_stats()
        fam.add_state_stats(est, res, slots)
        return Stats(log_prob=float(res["log_prob"].sum()), n_sequences=len(offsets) - 1,
                     n_samples=int(X.shape[0]), start=res["start"],
                     trans=np.asarray(res["xi_sum"], dtype=np.float64), emission=est)

    def _estep(self, X, offsets, fam, kernels, state_mask=None, device=None):
        """E-step; ``device`` (a :class:`_DeviceEStep`, backend "cupy") runs it with the data
        on the GPU when it can, else the host path below runs."""
        if device is None and state_mask is None and self._is_gpu(kernels):
            device = _DeviceEStep.create(self, fam, X, offsets, state_mask)
        if device is not None:
            stats = device.estep(self, fam)
            if stats is not None:
                return stats
        slots = self._state_slots(fam)
        if state_mask is None:
            stats = self._fused_estep(X, offsets, fam, kernels, slots)
            if stats is not None:
                return stats
        lp, post, xi = self._run_fb(kernels, self._log_frameprob(X, fam, state_mask), offsets)
        self._check_log_prob(lp)
        est = fam.empty_stats()
        fam.accumulate_states(est, X, post, slots)    # pools the states of each group
        return Stats(log_prob=float(lp.sum()), n_sequences=len(offsets) - 1,
                     n_samples=int(X.shape[0]), start=post[offsets[:-1]].sum(axis=0),
                     trans=np.asarray(xi, dtype=np.float64), emission=est)

    def summarize(self, X, lengths=None, state_mask=None):
        """E-step under the current parameters, returned as a value.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        lengths : array-like of int, shape (n_sequences,), optional
        state_mask : array-like of bool, shape (n_samples, n_components), optional
            States each frame may occupy (see :meth:`fit`).

        Returns
        -------
        Stats
            Add the ``Stats`` of several chunks with ``+`` and pass the sum to
            :meth:`apply_summaries`.
        """
        self._check_hyper()
        self._check_is_fitted()
        fam = self._family()
        X, offsets = self._validate_X(X, lengths, fam)
        mask = self._check_state_mask(state_mask, X.shape[0], offsets)
        return self._estep(X, offsets, fam, self._kernels(), mask)

    def _frozen_slots(self, fam):
        """Bool (n_slots,): slots whose emission parameters ``frozen_groups`` keeps fixed."""
        fg = self._check_frozen()
        if fg is None:
            return None
        groups = self._groups()
        frozen_state = np.isin(groups, fg)
        slots = self._slots()
        out = np.zeros(fam.n_groups, dtype=bool)
        out[slots[frozen_state]] = True
        return out

    def _check_frozen(self):
        fg = getattr(self, "frozen_groups", None)
        if fg is None or len(np.atleast_1d(fg)) == 0:
            return None
        groups = self._groups()
        G = ties.n_groups_of(groups)
        fg = np.atleast_1d(np.asarray(fg))
        if not np.issubdtype(fg.dtype, np.integer) or fg.ndim != 1:
            raise ValueError(f"frozen_groups must be a list of tie-group ids; got {fg.tolist()}.")
        bad = fg[(fg < 0) | (fg >= G)]
        if bad.size:
            raise ValueError(f"frozen_groups names group {int(bad[0])} but the model has "
                             f"{G} tie groups (ids 0..{G - 1}).")
        return fg

    def apply_summaries(self, stats):
        """M-step: re-estimate the parameters in ``params`` from pooled ``stats``.

        Start and transition probabilities use their Dirichlet priors; entries that
        are exactly zero stay zero (structural zeros). With ``transmat_ties`` the
        transition update is the exact constrained MLE (see :func:`tied_transition_mle`).
        A state (or group) that received no posterior weight keeps its parameters, and
        so do the groups in ``frozen_groups``.

        Parameters
        ----------
        stats : Stats
        """
        return self._m_step(stats)

    def _m_step(self, stats, sparse_checked=None):
        """:meth:`apply_summaries`; ``sparse_checked``: see :meth:`_sparse_transmat`."""
        fam = self._family()
        if "s" in self.params:
            new = np.maximum(self.startprob_prior - 1.0 + stats.start, 0.0)
            new = np.where(self._startprob == 0, 0.0, new)
            total = new.sum()
            if total > 0:
                self._startprob = new / total
        tt = self._transmat_ties() if "t" in self.params else None
        if "t" in self.params and tt is None and self._use_sparse():
            self._sparse_transition_mstep(stats.trans, sparse_checked)
        elif "t" in self.params:
            new = np.maximum(self.transmat_prior - 1.0 + stats.trans, 0.0)
            new = np.where(self._transmat == 0, 0.0, new)
            if tt is not None:
                self._transmat = tied_transition_mle(new, tt, self._transmat != 0,
                                                     self._transmat)
            else:
                total = new.sum(axis=1, keepdims=True)
                ok = total[:, 0] > 0
                self._transmat = np.where(ok[:, None], new / np.where(total > 0, total, 1.0),
                                          self._transmat)
        frozen = self._frozen_slots(fam)
        if frozen is not None:
            before = {k: np.array(v, copy=True) for k, v in fam.get_arrays().items()}
        fam.m_step(stats.emission, self.params)
        if frozen is not None:
            for name, old in before.items():
                cur = getattr(fam, name)
                if (isinstance(fam, GaussianEmissions) and name == "covars"
                        and fam.covariance_type == "tied"):
                    continue          # one covariance shared by all states: no group axis
                if cur.ndim and cur.shape[0] == fam.n_groups:
                    cur = np.array(cur, copy=True)
                    cur[frozen] = old[frozen]
                    setattr(fam, name, cur)
        return self

    # -- fit ------------------------------------------------------------------------------
    def _init(self, X, rng, fam):
        K = self.n_components
        init = 1.0 / K
        if "s" in self.init_params:
            self._startprob = rng.dirichlet(np.full(K, init))
        if "t" in self.init_params:
            self._transmat = rng.dirichlet(np.full(K, init), size=K)
        tt = self._transmat_ties()
        if tt is not None and "_transmat" in self.__dict__:
            check_transmat_ties_feasible(tt, self._transmat != 0)
            if "t" in self.init_params:
                # project the random start onto the tie constraints (the constrained
                # MLE with the random matrix as counts)
                self._transmat = tied_transition_mle(self._transmat, tt,
                                                     self._transmat != 0, self._transmat)
            else:
                check_transmat_respects_ties(self._transmat, tt)
        fam.initialize(X, rng, self.init_params)

    def fit(self, X, lengths=None, state_mask=None, client=None, **distributed_options):
        """Estimate parameters by Baum-Welch EM, pooling statistics within tie groups.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
            Sequences concatenated along axis 0. With ``client``, also any input of
            :func:`tiedpgm.distributed.fit` (list of arrays, files, a Dask bag).
        lengths : array-like of int, shape (n_sequences,), optional
            Length of each sequence in ``X``; must sum to ``n_samples``.
        state_mask : array-like of bool, shape (n_samples, n_components), optional
            ``state_mask[t, k]`` False forbids state ``k`` at frame ``t`` (partially
            labelled sequences): the E-step gives it posterior exactly 0. Every frame
            needs at least one allowed state. Not supported with ``client``.
        client : dask.distributed.Client, optional
            Run the E-step on a Dask cluster (:func:`tiedpgm.distributed.fit`); the
            result equals the local fit. ``distributed_options`` are passed on.

        Returns
        -------
        self
        """
        if client is not None:
            if state_mask is not None:
                raise ValueError("state_mask is not supported with client=; fit locally.")
            from .distributed import fit as distributed_fit
            return distributed_fit(self, X, client, lengths=lengths, **distributed_options)
        if distributed_options:
            raise TypeError(
                f"fit() got options {sorted(distributed_options)} that only apply with "
                "client= (a Dask client).")
        self._check_hyper()
        rng = np.random.default_rng(self.random_state)
        fam = self._family()
        if set(self._emission_letters) <= set(self.init_params):
            self._forget_data_shape(fam)
        X, offsets = self._validate_X(X, lengths, fam)
        mask = self._check_state_mask(state_mask, X.shape[0], offsets)
        backend = resolve_backend(self.backend, X.shape[0], self.n_components)
        kernels = get_kernels(backend)
        self._init(X, rng, fam)
        try:
            self._check_is_fitted()
        except NotFittedError as exc:
            raise ValueError(
                f"{exc.args[0].split(' yet;')[0]} after "
                f"initialisation: init_params={self.init_params!r} does not initialise them; "
                "assign them before fit or add their letters to init_params.") from None
        self.backend_ = backend
        self.monitor_ = ConvergenceMonitor(self.tol, self.n_iter, self.verbose)

        # backend "cupy": X goes to the GPU once and stays there for every iteration
        device = (_DeviceEStep.create(self, fam, X, offsets, mask)
                  if backend == "cupy" else None)

        checked = [None]

        def e_step():
            self.__dict__.pop("_sparse_checked", None)
            stats = self._estep(X, offsets, fam, kernels, mask, device=device)
            # the sparse form the E-step checked needs no second check in the M-step:
            # no other code runs in between
            checked[0] = self.__dict__.pop("_sparse_checked", None)
            return stats.log_prob + fam.log_prior(), stats

        run_em(e_step, lambda stats: self._m_step(stats, checked[0]), self.monitor_)
        return self

    def partial_fit(self, X, lengths=None, **options):
        """One stepwise-EM update from a new batch (streaming or out-of-core data).

        See :func:`tiedpgm.distributed.partial_fit` for the step-size rule and
        ``options`` (``kappa``, ``t0``, ``decay``).

        Returns
        -------
        self
        """
        from .distributed import partial_fit
        return partial_fit(self, X, lengths, **options)

    # -- inference ------------------------------------------------------------------------
    def _prepare(self, X, lengths, state_mask=None):
        self._check_hyper()
        self._check_is_fitted()
        fam = self._family()
        X, offsets = self._validate_X(X, lengths, fam)
        mask = self._check_state_mask(state_mask, X.shape[0], offsets)
        return X, offsets, fam, self._kernels(), mask

    def score(self, X, lengths=None, state_mask=None):
        """Total log-likelihood of ``X``.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        lengths : array-like of int, shape (n_sequences,), optional
        state_mask : array-like of bool, shape (n_samples, n_components), optional
            Restrict the states of each frame (see :meth:`fit`).

        Returns
        -------
        float
        """
        X, offsets, fam, k, mask = self._prepare(X, lengths, state_mask)
        return float(np.sum(self._run_score(k, self._frames(k, X, offsets, fam, mask),
                                            offsets)))

    def score_samples(self, X, lengths=None, state_mask=None):
        """Log-likelihood and state posteriors.

        Returns
        -------
        log_prob : float
        posteriors : ndarray, shape (n_samples, n_components)
        """
        X, offsets, fam, k, mask = self._prepare(X, lengths, state_mask)
        lp, post, _ = self._run_fb(k, self._frames(k, X, offsets, fam, mask), offsets)
        return float(np.sum(lp)), np.asarray(post, dtype=np.float64)

    def predict_proba(self, X, lengths=None, state_mask=None):
        """State posteriors P(state_t = k | sequence), shape (n_samples, n_components)."""
        return self.score_samples(X, lengths, state_mask)[1]

    def decode(self, X, lengths=None, algorithm=None, state_mask=None):
        """Most likely states.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        lengths : array-like of int, shape (n_sequences,), optional
        algorithm : {"viterbi", "map"}, optional
            "viterbi": the jointly most likely path; its log-prob is
            ``log P(X, path)`` summed over sequences. "map": the most likely state
            of each sample separately; its log-prob is the **sum of the logs** of the
            maximal posteriors, ``sum_t log max_k P(state_t = k | X)`` (hmmlearn
            0.3 sums the probabilities instead). Default: ``self.algorithm``.
        state_mask : array-like of bool, shape (n_samples, n_components), optional
            Restrict the states of each frame (see :meth:`fit`).

        Returns
        -------
        log_prob : float
        states : ndarray of int, shape (n_samples,)
        """
        algorithm = self.algorithm if algorithm is None else algorithm
        if algorithm not in ("viterbi", "map"):
            raise ValueError(f"algorithm={algorithm!r} is not known; use 'viterbi' or 'map'.")
        X, offsets, fam, k, mask = self._prepare(X, lengths, state_mask)
        lfp = self._frames(k, X, offsets, fam, mask)
        if algorithm == "viterbi":
            lp, states = self._run_viterbi(k, lfp, offsets)
            return float(np.sum(lp)), np.asarray(states, dtype=np.int64)
        _, post, _ = self._run_fb(k, lfp, offsets)
        states = np.argmax(post, axis=1)
        with np.errstate(divide="ignore"):
            return float(np.sum(np.log(post[np.arange(len(states)), states]))), states

    def predict(self, X, lengths=None, state_mask=None):
        """Most likely state of each sample (``decode(...)[1]``), shape (n_samples,)."""
        return self.decode(X, lengths, state_mask=state_mask)[1]


    def sample(self, n_samples=1, random_state=None, currstate=None):
        """Generate one sequence from the model.

        Parameters
        ----------
        n_samples : int
        random_state : None, int or Generator
            Defaults to ``self.random_state``.
        currstate : int, optional
            State of the first sample (instead of drawing it from ``startprob_``).

        Returns
        -------
        X : ndarray, shape (n_samples, n_features)
        states : ndarray of int, shape (n_samples,)
        """
        self._check_is_fitted()
        n_samples = check_positive_int(n_samples, "n_samples")
        rng = np.random.default_rng(self.random_state if random_state is None else random_state)
        fam = self._family()
        groups = self._slots()
        K = self.n_components
        cum_s = np.cumsum(self._startprob)
        cum_t = np.cumsum(self._transmat, axis=1)
        u = rng.random(n_samples)
        states = np.empty(n_samples, dtype=np.int64)
        state = (min(int(np.searchsorted(cum_s, u[0], side="right")), K - 1)
                 if currstate is None else int(currstate))
        states[0] = state
        for t in range(1, n_samples):
            # (searchsorted on a K-vector; min() guards rows summing to 1 - eps)
            state = min(int(np.searchsorted(cum_t[state], u[t], side="right")), K - 1)
            states[t] = state
        return fam.sample_n(groups[states], rng), states

    # -- persistence ----------------------------------------------------------------------
    def save(self, path):
        """Save to a documented non-pickle ``.npz`` file (see :mod:`tiedpgm.io`).

        Parameters
        ----------
        path : str or os.PathLike
            ``.npz`` is appended when missing.

        Returns
        -------
        str
            The path written.
        """
        from .io import save_model
        return save_model(self, path)

    # -- model size and selection --------------------------------------------------------------
    def n_parameters(self):
        """Free scalar parameters estimated by ``fit`` (letters in ``params``), after tying.

        Emission parameters count once per tie group (per letter under partial tying;
        once per state under soft tying). A start/transition entry that is exactly zero
        is structural and not counted: ``startprob_`` contributes (non-zeros - 1), each
        row of ``transmat_`` (its non-zeros - 1); with ``transmat_ties``, one per tie id
        and free entry minus the number of independent row constraints. For a dense untied model this equals
        hmmlearn's count.
        """
        self._check_is_fitted()
        n = 0
        if "s" in self.params:
            n += int(np.count_nonzero(self._startprob)) - 1
        if "t" in self.params:
            tt = self._transmat_ties()
            if tt is None:
                n += int(np.sum(np.maximum(np.count_nonzero(self._transmat, axis=1) - 1, 0)))
            else:
                # one scalar per tie id / free entry, minus the independent row constraints
                # (rows with the same tie pattern impose the same constraint: use its rank)
                support = self._transmat != 0
                var, V, _ = _tie_variables(tt, support)
                Nmat = np.zeros((self.n_components, V))
                for i in range(self.n_components):
                    np.add.at(Nmat[i], var[i][var[i] >= 0], 1.0)
                n += V - int(np.linalg.matrix_rank(Nmat))
        return n + self._family().n_parameters(self.params)

    def aic(self, X, lengths=None):
        """Akaike information criterion, ``-2 log L + 2 n_parameters()`` (lower is better)."""
        return -2 * self.score(X, lengths) + 2 * self.n_parameters()

    def bic(self, X, lengths=None):
        """Bayesian information criterion, ``-2 log L + n_parameters() log n_samples``."""
        n = len(np.asarray(X))
        return -2 * self.score(X, lengths) + self.n_parameters() * np.log(n)


class _DeviceEStep:
    """The E-step of ``backend="cupy"`` with the observations resident on the GPU.

    Created once per ``fit`` (:meth:`create` uploads X, the sequence starts and any
    per-frame constant); each :meth:`estep` then uploads the current emission
    parameters (one small array per state), computes ``log_frameprob`` on the device
    (:mod:`tiedpgm.kernels.cuda_emissions`), runs ``cupy_gpu.forward_backward(...,
    keep_on_device=True)`` and reduces the posterior-weighted statistics on the device.
    Only per-state statistics, the (K, K) expected transition counts and the (S,)
    log-likelihoods come back; they are pooled within tie groups here and handed to the
    unchanged host M-step, so tying, partial/soft tying, priors and frozen groups work as
    on the CPU. The statistics equal the host families' (``accumulate_states``) up to the
    order of summation.

    :meth:`create` returns None (the host path runs instead) for what the device path
    does not cover: a ``state_mask``, missing observations (NaN, or the categorical
    symbol -1), a family other than categorical/Gaussian/Poisson/GMM, more than 1024
    states; :meth:`estep` returns None while the sparse-transition kernels are in use.
    """

    #: the families the device path covers, by emission class
    FAMILIES = (CategoricalEmissions, GaussianEmissions, PoissonEmissions, GMMEmissions)
    MAX_STATES = 1024

    def __init__(self, fam, X, offsets, dtype):
        from .kernels import cuda_emissions as ce
        self._ce = ce
        self.dtype = np.dtype(dtype)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.n_samples = int(X.shape[0])
        self.starts = ce.to_device(self.offsets[:-1], np.int64)
        if isinstance(fam, CategoricalEmissions):
            self.X = ce.to_device(X[:, 0], np.int64)
        else:
            self.X = ce.to_device(X, np.float64)
        self.glr = None
        if isinstance(fam, PoissonEmissions):
            from scipy.special import gammaln
            self.glr = ce.to_device(gammaln(X + 1).sum(axis=1), np.float64)
        self._bufs = {}
        self._resp = None

    @classmethod
    def create(cls, model, fam, X, offsets, state_mask=None):
        """Upload ``X`` for the device path, or None where it does not apply."""
        if state_mask is not None or not isinstance(fam, cls.FAMILIES):
            return None
        if model.n_components > cls.MAX_STATES or X.shape[0] == 0:
            return None
        if isinstance(fam, CategoricalEmissions):
            if X.size and X.min() < 0:
                return None                     # missing symbols: host path
        elif not np.isfinite(np.sum(X)):
            return None                         # NaN (allow_missing): host path
        return cls(fam, X, offsets, model._gpu_dtype())

    def _buffer(self, name, shape, dtype=np.float64):
        b = self._bufs.get(name)
        if b is None or tuple(b.shape) != tuple(shape) or b.dtype != np.dtype(dtype):
            b = self._ce.empty(shape, dtype)
            self._bufs[name] = b
        return b

    # -- frame log-likelihoods -------------------------------------------------------------
    @staticmethod
    def _inv_cholesky(covs, what):
        """(inverse lower Cholesky factors, log determinants) of (n, F, F) covariances."""
        from scipy import linalg
        F = covs.shape[-1]
        linv = np.empty_like(covs)
        logdet = np.empty(len(covs))
        eye = np.eye(F)
        for i, c in enumerate(covs):
            try:
                chol = linalg.cholesky(c, lower=True)
            except linalg.LinAlgError:
                raise ValueError(f"{what(i)} is not positive definite; raise min_covar or "
                                 "covars_prior, or use fewer groups.") from None
            linv[i] = linalg.solve_triangular(chol, eye, lower=True)
            logdet[i] = 2 * np.sum(np.log(np.diag(chol)))
        return linv, logdet

    def frame_loglik(self, fam, slots):
        """``log_frameprob`` (N, K) on the device under the family's current parameters
        (``slots`` (K,) state -> slot, None = one slot per state)."""
        ce = self._ce
        N = self.n_samples
        idx = (np.arange(fam.n_groups) if slots is None
               else np.asarray(slots, dtype=np.int64))
        K = len(idx)

        def out():
            return self._buffer("lfp", (N, K), self.dtype)

        if isinstance(fam, CategoricalEmissions):
            lt = safe_log(fam.emissionprob)[idx]                   # (K, n_symbols)
            return ce.categorical_loglik(self.X, np.ascontiguousarray(lt.T), out())
        if isinstance(fam, PoissonEmissions):
            lam = fam.lambdas
            return ce.poisson_loglik(self.X, np.log(lam)[idx], lam.sum(axis=1)[idx],
                                     self.glr, out())
        F = fam.n_features
        if isinstance(fam, GaussianEmissions):
            if fam.covariance_type in ("spherical", "diag"):
                var = fam._variances()
                const = -0.5 * (F * _LOG_2PI + np.sum(np.log(var), axis=1))
                return ce.diag_gauss_loglik(self.X, fam.means[idx], (1.0 / var)[idx],
                                            const[idx], out())
            covs = fam.full_covars()
            tied = fam.covariance_type == "tied"
            linv, logdet = self._inv_cholesky(
                covs[:1] if tied else covs,
                lambda g: "the tied covariance" if tied else f"the covariance of group {g}")
            if tied:
                linv, logdet = np.repeat(linv, fam.n_groups, 0), np.repeat(logdet, fam.n_groups)
            const = -0.5 * (F * _LOG_2PI + logdet)
            return ce.full_gauss_loglik(self.X, fam.means[idx], linv[idx], const[idx], out())
        # Gaussian mixtures: per-group log-likelihoods, responsibilities kept for the stats
        S, M = fam.n_groups, fam.n_mix
        ct = fam.covariance_type
        means = fam.means.reshape(S * M, F)
        with np.errstate(divide="ignore"):
            logw = np.log(fam.weights).reshape(S * M)
        if ct in ("spherical", "diag"):
            var = (fam.covars if ct == "diag" else
                   np.repeat(fam.covars[..., None], F, axis=-1)).reshape(S * M, F)
            const = logw - 0.5 * (F * _LOG_2PI + np.sum(np.log(var), axis=1))
            factor, full = 1.0 / var, False
        else:
            covs = (np.repeat(fam.covars[:, None], M, axis=1) if ct == "tied"
                    else fam.covars).reshape(S * M, F, F)
            factor, logdet = self._inv_cholesky(
                covs, lambda c: f"the covariance of group {c // M}, component {c % M}")
            const = logw - 0.5 * (F * _LOG_2PI + logdet)
            full = True
        ll, resp = ce.mixture_loglik(self.X, means, factor, const, S, M, full,
                                     self._buffer("mix_ll", (N, S)),
                                     self._buffer("mix_resp", (N, S, M)))
        self._resp = resp
        if slots is None:
            return ll
        return ce.expand_columns(ll, idx, out(), self.dtype)

    # -- statistics --------------------------------------------------------------------------
    def add_stats(self, fam, stats, post, slots):
        """Add the statistics of the device posteriors ``post`` (N, K) into ``stats``."""
        ce = self._ce

        def pooled(a):
            return a if slots is None else _pool_states(a, slots, fam.n_groups)

        if isinstance(fam, CategoricalEmissions):
            stats["counts"] += pooled(ce.categorical_counts(self.X, post, fam.n_features))
            return
        if isinstance(fam, PoissonEmissions):
            sw, sx, _ = ce.weighted_moments(post, self.X, "first")
            sw, sx = pooled(sw), pooled(sx)
            stats["sum_w"] += sw
            stats["sum_wf"] += sw[:, None]
            stats["sum_x"] += sx
            return
        ct = fam.covariance_type
        if isinstance(fam, GaussianEmissions):
            diag = ct in ("spherical", "diag")
            sw, sx, second = (pooled(a) for a in ce.weighted_moments(
                post, self.X, "diag" if diag else "full"))
            stats["sum_w"] += sw
            stats["sum_x"] += sx
            if diag:
                stats["sum_wf"] += sw[:, None]
                stats["sum_xx"] += second
            else:
                stats["sum_xxT"] += second
            return
        S, M, F = fam.n_groups, fam.n_mix, fam.n_features
        idx = np.arange(S) if slots is None else np.asarray(slots, dtype=np.int64)
        gam = ce.mixture_weights(self._resp, post, idx, self._buffer("mix_gam", (
            self.n_samples, S * M)))
        diag = ct in ("spherical", "diag")
        sw, sx, second = ce.weighted_moments(gam, self.X, "diag" if diag else "full")
        sw = sw.reshape(S, M)
        stats["sum_w"] += sw
        stats["sum_x"] += sx.reshape(S, M, F)
        if diag:
            stats["sum_wf"] += sw[:, :, None]
            stats["sum_xx"] += second.reshape(S, M, F)
        elif ct == "full":
            stats["sum_xxT"] += second.reshape(S, M, F, F)
        else:
            stats["sum_xxT"] += second.reshape(S, M, F, F).sum(axis=1)

    def estep(self, model, fam):
        """:class:`Stats` of one E-step on the GPU, or None (sparse transitions: host)."""
        if model._use_sparse():
            return None
        from .kernels import cupy_gpu
        slots = model._state_slots(fam)
        lfp = self.frame_loglik(fam, slots)
        lp, post, xi = cupy_gpu.forward_backward(
            safe_log(model._startprob), safe_log(model._transmat), lfp, self.offsets,
            dtype=self.dtype, keep_on_device=True)
        model._check_log_prob(lp)
        est = fam.empty_stats()
        self.add_stats(fam, est, post, slots)
        start = self._ce.start_sum(post, self.starts)
        self._resp = None
        return Stats(log_prob=float(np.sum(lp)), n_sequences=len(self.offsets) - 1,
                     n_samples=self.n_samples, start=start,
                     trans=np.asarray(xi, dtype=np.float64), emission=est)


def _pool_states(a, slots, n_groups):
    """Sum the leading (state) axis of ``a`` within slots: (K, ...) -> (n_groups, ...)."""
    out = np.zeros((n_groups,) + a.shape[1:])
    np.add.at(out, slots, a)
    return out


def _n_features_from_family(self):
    """Dimension of one observation (from the parameters)."""
    fam = self._family(create=False)
    if fam is None or fam.n_features is None:
        raise AttributeError("n_features is not known before fit or parameter assignment.")
    return fam.n_features


def _group_property(name, doc):
    """Property over the family's per-group array ``name`` (one row per tie group)."""
    def get(self):
        return self._get_group_param(name)

    def set_(self, value):
        self._set_group_param(name, value)
    return property(get, set_, doc=doc)


def _state_property(name, letter, doc):
    """Per-state view of the group array ``name``; setting it must respect the ties."""
    def get(self):
        return self._per_state(self._get_group_param(name))

    def set_(self, value):
        self._set_group_param(name, self._from_per_state(f"{name}_", value, letter))
    return property(get, set_, doc=doc)


class GaussianHMM(BaseHMM):
    __doc__ = """Hidden Markov model with Gaussian emissions shared within tie groups.

    Parameters
    ----------""" + _COMMON_DOC + """
    covariance_type : {"spherical", "diag", "full", "tied"}
        "tied" = one full covariance shared by *all* states (hmmlearn's meaning),
        independent of ``tie_groups``.
    min_covar : float
        Added to the diagonal of the data covariance that initialises ``covars_``;
        also a floor on variances (eigenvalues) after each M-step, which only acts
        on degenerate estimates (where hmmlearn 0.3 gives NaN or a crash).
    means_prior, means_weight, covars_prior, covars_weight : float or array
        Conjugate priors as in hmmlearn 0.3 (arrays broadcast against one row per
        tie group). Defaults match hmmlearn.

    Letters: 's' startprob, 't' transmat, 'm' means, 'c' covars.

    Attributes
    ----------
    startprob_ : ndarray, shape (n_components,)
    transmat_ : ndarray, shape (n_components, n_components)
    means_ : ndarray, shape (n_components, n_features)
        Per-state view of ``group_means_``; assignable if tied states agree.
    covars_ : ndarray, shape (n_components, n_features, n_features)
        Full matrices for every covariance type, as hmmlearn's ``covars_`` getter.
        Assign the compact shape ((n_components,) spherical, (n_components,
        n_features) diag, (n_components, n_features, n_features) full,
        (n_features, n_features) tied) or the full one.
    group_means_ : ndarray, shape (n_groups, n_features)
    group_covars_ : ndarray, compact: (n_groups,) spherical, (n_groups, n_features)
        diag, (n_groups, n_features, n_features) full, (n_features, n_features) tied.
    monitor_ : ConvergenceMonitor
    backend_ : str
    """

    _emission_letters = "mc"

    def __init__(self, n_components=1, covariance_type="diag", min_covar=1e-3,
                 startprob_prior=1.0, transmat_prior=1.0, means_prior=0, means_weight=0,
                 covars_prior=1e-2, covars_weight=1, algorithm="viterbi", random_state=None,
                 n_iter=10, tol=1e-2, verbose=False, params="stmc", init_params="stmc",
                 implementation="log", tie_groups=None, backend="auto", tie_params=None, sharing="hard",
                 sharing_strength=1.0, transmat_ties=None, sparse_transitions="auto",
                 allow_missing=False, frozen_groups=None, gpu_dtype="float64"):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.min_covar = min_covar
        self.startprob_prior = startprob_prior
        self.transmat_prior = transmat_prior
        self.means_prior = means_prior
        self.means_weight = means_weight
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight
        self.algorithm = algorithm
        self.random_state = random_state
        self.n_iter = n_iter
        self.tol = tol
        self.verbose = verbose
        self.params = params
        self.init_params = init_params
        self.implementation = implementation
        self.tie_groups = tie_groups
        self.backend = backend
        _common_init(self, tie_params, sharing, sharing_strength, transmat_ties,
                     sparse_transitions, allow_missing, frozen_groups, gpu_dtype)

    def _check_hyper(self):
        super()._check_hyper()
        self._check_hyper_cov()

    def _family_param_names(self):
        return GaussianEmissions.param_names

    def _family_matches(self, fam, n_groups):
        return fam.n_groups == n_groups and fam.covariance_type == self.covariance_type

    def _make_family(self, n_groups, n_features):
        self._check_hyper_cov()
        fam = GaussianEmissions(n_groups, n_features, covariance_type=self.covariance_type)
        self._configure_family(fam)
        return fam

    def _check_hyper_cov(self):
        if self.covariance_type not in COVARIANCE_TYPES:
            raise ValueError(
                f"covariance_type={self.covariance_type!r} is not known; use one of "
                f"{', '.join(repr(c) for c in COVARIANCE_TYPES)}.")

    def _configure_family(self, fam):
        fam.min_covar = self.min_covar
        fam.means_prior = self.means_prior
        fam.means_weight = self.means_weight
        fam.covars_prior = self.covars_prior
        fam.covars_weight = self.covars_weight

    n_features = property(_n_features_from_family)

    group_means_ = _group_property(
        "means", "ndarray, shape (n_groups, n_features): one mean per tie group.")
    group_covars_ = _group_property(
        "covars", "Covariance per tie group in the compact shape of ``covariance_type``.")
    means_ = _state_property(
        "means", "m", "ndarray, shape (n_components, n_features): per-state view of "
        "``group_means_``.")

    @property
    def covars_(self):
        """ndarray, shape (n_components, n_features, n_features), as hmmlearn's getter."""
        self._get_group_param("covars")
        return self._per_state(self._family().full_covars())

    @covars_.setter
    def covars_(self, value):
        ct = self.covariance_type
        self._check_hyper_cov()
        a = np.array(value, dtype=np.float64, copy=True)
        K = self.n_components
        if ct == "tied":
            if a.ndim == 3:     # the full per-state form from the getter
                ok, g, s0, s = ties.is_tie_consistent(a, np.zeros(len(a), dtype=np.int64))
                if not ok:
                    raise ValueError(
                        f"covars_ gives states {s0} and {s} different matrices but "
                        "covariance_type='tied' shares one covariance across all states; "
                        "give one (n_features, n_features) matrix.")
                a = a[0]
            self._set_group_param("covars", a)
            return
        if ct in ("spherical", "diag") and a.ndim == 3:
            diag = np.einsum("kii->ki", a)
            off = a - diag[:, :, None] * np.eye(a.shape[1])[None]
            if np.any(off != 0):
                raise ValueError(f"covars_ has non-zero off-diagonal entries but "
                                 f"covariance_type={ct!r}; give the {ct} shape.")
            a = diag if ct == "diag" else diag[:, 0]
            if ct == "spherical" and np.any(diag != diag[:, :1]):
                raise ValueError("covars_ has unequal diagonal entries but "
                                 "covariance_type='spherical'; give one variance per state.")
        if a.ndim == 0 or a.shape[0] != K:
            raise ValueError(f"covars_ has shape {a.shape}; expected one entry per state "
                             f"({K}, ...) for covariance_type={ct!r}.")
        self._set_group_param("covars", self._from_per_state("covars_", a, "c"))


class CategoricalHMM(BaseHMM):
    __doc__ = """Hidden Markov model with categorical emissions shared within tie groups.

    Input ``X`` has shape (n_samples, 1) and holds integer symbols 0..n_features-1.

    Parameters
    ----------""" + _COMMON_DOC + """
    emissionprob_prior : float or array, shape (n_groups, n_features)
        Dirichlet concentration for the emission probabilities; 1.0 = maximum likelihood.
    n_features : int, optional
        Number of symbols; default: max symbol in the training data + 1.

    Letters: 's' startprob, 't' transmat, 'e' emissionprob.

    Attributes
    ----------
    startprob_ : ndarray, shape (n_components,)
    transmat_ : ndarray, shape (n_components, n_components)
    emissionprob_ : ndarray, shape (n_components, n_features)
        Per-state view of ``group_emissionprob_``; assignable if tied states agree.
    group_emissionprob_ : ndarray, shape (n_groups, n_features)
    monitor_ : ConvergenceMonitor
    backend_ : str
    """

    _emission_letters = "e"

    def __init__(self, n_components=1, startprob_prior=1.0, transmat_prior=1.0, *,
                 emissionprob_prior=1.0, n_features=None, algorithm="viterbi",
                 random_state=None, n_iter=10, tol=1e-2, verbose=False, params="ste",
                 init_params="ste", implementation="log", tie_groups=None, backend="auto", tie_params=None, sharing="hard",
                 sharing_strength=1.0, transmat_ties=None, sparse_transitions="auto",
                 allow_missing=False, frozen_groups=None, gpu_dtype="float64"):
        self.n_components = n_components
        self.startprob_prior = startprob_prior
        self.transmat_prior = transmat_prior
        self.emissionprob_prior = emissionprob_prior
        self.n_features = n_features
        self.algorithm = algorithm
        self.random_state = random_state
        self.n_iter = n_iter
        self.tol = tol
        self.verbose = verbose
        self.params = params
        self.init_params = init_params
        self.implementation = implementation
        self.tie_groups = tie_groups
        self.backend = backend
        _common_init(self, tie_params, sharing, sharing_strength, transmat_ties,
                     sparse_transitions, allow_missing, frozen_groups, gpu_dtype)

    def _family_param_names(self):
        return CategoricalEmissions.param_names

    def _family_matches(self, fam, n_groups):
        return fam.n_groups == n_groups and (
            self.n_features is None or fam.n_features is None
            or fam.n_features == self.n_features)

    def _make_family(self, n_groups, n_features):
        nf = self.n_features if self.n_features is not None else n_features
        if nf is not None:
            nf = check_positive_int(nf, "n_features")
        fam = CategoricalEmissions(n_groups, nf)
        self._configure_family(fam)
        return fam

    def _configure_family(self, fam):
        fam.emissionprob_prior = self.emissionprob_prior

    def _forget_data_shape(self, fam):
        super()._forget_data_shape(fam)
        fam.n_features = self.n_features

    group_emissionprob_ = _group_property(
        "emissionprob", "ndarray, shape (n_groups, n_features): one symbol distribution "
        "per tie group.")
    emissionprob_ = _state_property(
        "emissionprob", "e", "ndarray, shape (n_components, n_features): per-state view of "
        "``group_emissionprob_``.")


class PoissonHMM(BaseHMM):
    __doc__ = """Hidden Markov model with independent Poisson counts, rates shared within tie groups.

    Parameters
    ----------""" + _COMMON_DOC + """
    lambdas_prior, lambdas_weight : float or array, shape (n_groups, n_features)
        Gamma prior on the rates: ``lambdas = (lambdas_prior + sum_x) / (lambdas_weight +
        sum_w)``; 0, 0 (default) = maximum likelihood, as hmmlearn 0.3 (whose update with
        a non-zero prior uses the total weight of all states instead of ``sum_w``).

    Letters: 's' startprob, 't' transmat, 'l' lambdas.

    Attributes
    ----------
    startprob_, transmat_
    lambdas_ : ndarray, shape (n_components, n_features)
        Per-state view of ``group_lambdas_``; assignable if tied states agree.
    group_lambdas_ : ndarray, shape (n_groups, n_features)
    monitor_, backend_
    """

    _emission_letters = "l"

    def __init__(self, n_components=1, startprob_prior=1.0, transmat_prior=1.0,
                 lambdas_prior=0.0, lambdas_weight=0.0, algorithm="viterbi",
                 random_state=None, n_iter=10, tol=1e-2, verbose=False, params="stl",
                 init_params="stl", implementation="log", tie_groups=None, backend="auto",
                 tie_params=None, sharing="hard", sharing_strength=1.0, transmat_ties=None,
                 sparse_transitions="auto", allow_missing=False, frozen_groups=None,
                 gpu_dtype="float64"):
        self.n_components = n_components
        self.startprob_prior = startprob_prior
        self.transmat_prior = transmat_prior
        self.lambdas_prior = lambdas_prior
        self.lambdas_weight = lambdas_weight
        self.algorithm = algorithm
        self.random_state = random_state
        self.n_iter = n_iter
        self.tol = tol
        self.verbose = verbose
        self.params = params
        self.init_params = init_params
        self.implementation = implementation
        self.tie_groups = tie_groups
        self.backend = backend
        _common_init(self, tie_params, sharing, sharing_strength, transmat_ties,
                     sparse_transitions, allow_missing, frozen_groups, gpu_dtype)

    def _family_param_names(self):
        return PoissonEmissions.param_names

    def _make_family(self, n_groups, n_features):
        fam = PoissonEmissions(n_groups, n_features)
        self._configure_family(fam)
        return fam

    def _configure_family(self, fam):
        fam.lambdas_prior = self.lambdas_prior
        fam.lambdas_weight = self.lambdas_weight

    n_features = property(_n_features_from_family)

    group_lambdas_ = _group_property(
        "lambdas", "ndarray, shape (n_groups, n_features): one rate vector per tie group.")
    lambdas_ = _state_property(
        "lambdas", "l", "ndarray, shape (n_components, n_features): per-state view of "
        "``group_lambdas_``.")


class GMMHMM(BaseHMM):
    __doc__ = """Hidden Markov model with Gaussian-mixture emissions shared within tie groups.

    Parameters
    ----------""" + _COMMON_DOC + """
    n_mix : int
        Number of Gaussian components per mixture.
    covariance_type : {"spherical", "diag", "full", "tied"}
        "tied": the components of one mixture share a full covariance (hmmlearn's meaning).
    covars_centre : {"new", "previous"}
        Centre of the covariance update: "new" (default) the means just re-estimated
        (the exact M-step); "previous" the means of the E-step, which reproduces
        hmmlearn 0.3's GMMHMM exactly (a generalised-EM step).
    min_covar : float
        Added to the data covariance that initialises ``covars_``; floor on variances.
    weights_prior, means_prior, means_weight, covars_prior, covars_weight
        Conjugate priors as hmmlearn 0.3's GMMHMM; the ``None`` covariance defaults give
        the maximum-likelihood update for every covariance type.

    ``tie_params`` letters: 'w' weights, 'm' means, 'c' covars; ``"mc"`` shares the
    Gaussian codebook of a group while each state keeps its own weights (see
    :class:`TiedMixtureHMM`). Tying means but not covariances is refused (no closed form).
    ``sharing="soft"`` pulls each state's weights and each of its components (matched by
    index) towards the group's centre.

    Letters: 's' startprob, 't' transmat, 'm' means, 'c' covars, 'w' weights.

    Attributes
    ----------
    weights_ : ndarray, shape (n_components, n_mix)
    means_ : ndarray, shape (n_components, n_mix, n_features)
    covars_ : ndarray, hmmlearn's compact shapes: (n_components, n_mix) spherical,
        (n_components, n_mix, n_features) diag, (n_components, n_mix, n_features,
        n_features) full, (n_components, n_features, n_features) tied.
    group_weights_, group_means_, group_covars_ : one row per tie group (per state under
        partial tying).
    """

    _emission_letters = "mcw"

    def __init__(self, n_components=1, n_mix=1, min_covar=1e-3, startprob_prior=1.0,
                 transmat_prior=1.0, weights_prior=1.0, means_prior=0.0, means_weight=0.0,
                 covars_prior=None, covars_weight=None, algorithm="viterbi",
                 covariance_type="diag", random_state=None, n_iter=10, tol=1e-2,
                 verbose=False, params="stmcw", init_params="stmcw", implementation="log",
                 tie_groups=None, backend="auto", tie_params=None, sharing="hard",
                 sharing_strength=1.0, transmat_ties=None, sparse_transitions="auto",
                 allow_missing=False, frozen_groups=None, covars_centre="new",
                 gpu_dtype="float64"):
        self.n_components = n_components
        self.n_mix = n_mix
        self.covars_centre = covars_centre
        self.min_covar = min_covar
        self.startprob_prior = startprob_prior
        self.transmat_prior = transmat_prior
        self.weights_prior = weights_prior
        self.means_prior = means_prior
        self.means_weight = means_weight
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight
        self.algorithm = algorithm
        self.covariance_type = covariance_type
        self.random_state = random_state
        self.n_iter = n_iter
        self.tol = tol
        self.verbose = verbose
        self.params = params
        self.init_params = init_params
        self.implementation = implementation
        self.tie_groups = tie_groups
        self.backend = backend
        _common_init(self, tie_params, sharing, sharing_strength, transmat_ties,
                     sparse_transitions, allow_missing, frozen_groups, gpu_dtype)

    def _check_hyper(self):
        super()._check_hyper()
        if self.covariance_type not in COVARIANCE_TYPES:
            raise ValueError(
                f"covariance_type={self.covariance_type!r} is not known; use one of "
                f"{', '.join(repr(c) for c in COVARIANCE_TYPES)}.")
        check_positive_int(self.n_mix, "n_mix")
        if self.covars_centre not in ("new", "previous"):
            raise ValueError(f"covars_centre={self.covars_centre!r} is not known; use 'new' "
                             "or 'previous'.")
        tl = self._tie_letters()
        if "m" in tl and "c" not in tl:
            raise ValueError(
                f"tie_params={tl!r} ties the mixture means but not the covariances; this "
                "constraint has no closed-form M-step for mixtures: use 'mc' (a shared "
                "codebook) or 'c'.")

    def _family_param_names(self):
        return GMMEmissions.param_names

    def _family_matches(self, fam, n_groups):
        return (fam.n_groups == n_groups and fam.covariance_type == self.covariance_type
                and fam.n_mix == self.n_mix)

    def _make_family(self, n_groups, n_features):
        if self.covariance_type not in COVARIANCE_TYPES:
            raise ValueError(
                f"covariance_type={self.covariance_type!r} is not known; use one of "
                f"{', '.join(repr(c) for c in COVARIANCE_TYPES)}.")
        fam = GMMEmissions(n_groups, n_features, n_mix=check_positive_int(self.n_mix, "n_mix"),
                           covariance_type=self.covariance_type)
        self._configure_family(fam)
        return fam

    def _configure_family(self, fam):
        for name in ("min_covar", "weights_prior", "means_prior", "means_weight",
                     "covars_prior", "covars_weight", "covars_centre"):
            setattr(fam, name, getattr(self, name))

    n_features = property(_n_features_from_family)

    group_weights_ = _group_property("weights", "ndarray (n_groups, n_mix): mixture weights.")
    group_means_ = _group_property("means", "ndarray (n_groups, n_mix, n_features).")
    group_covars_ = _group_property("covars", "Covariances per group, compact shape.")
    weights_ = _state_property("weights", "w", "ndarray (n_components, n_mix), per state.")
    means_ = _state_property("means", "m", "ndarray (n_components, n_mix, n_features), "
                             "per state.")
    covars_ = _state_property("covars", "c", "Covariances per state, hmmlearn's compact shape.")


class TiedMixtureHMM(GMMHMM):
    __doc__ = """Tied-mixture (semi-continuous) HMM: one Gaussian codebook per tie group.

    All states of a tie group share the ``n_mix`` Gaussians (means and covariances) of
    the group's codebook; every state keeps its own mixture weights (HTK's tied-mixture
    systems). ``tie_groups=None`` (default) = one codebook shared by all states. This is
    :class:`GMMHMM` with ``tie_params="mc"``; the M-step pools the component statistics
    of all states of a codebook.

    Parameters
    ----------
    As :class:`GMMHMM` (``tie_params`` is fixed to ``"mc"``); ``tie_groups`` assigns each
    state to a codebook.

    Attributes
    ----------
    weights_ : ndarray, shape (n_components, n_mix)     per-state weights
    codebook_means_ : ndarray, shape (n_codebooks, n_mix, n_features)
    codebook_covars_ : ndarray, codebook covariances (compact shape)
    means_, covars_ : per-state views of the codebook of each state
    """

    def __init__(self, n_components=1, n_mix=8, min_covar=1e-3, startprob_prior=1.0,
                 transmat_prior=1.0, weights_prior=1.0, means_prior=0.0, means_weight=0.0,
                 covars_prior=None, covars_weight=None, algorithm="viterbi",
                 covariance_type="diag", random_state=None, n_iter=10, tol=1e-2,
                 verbose=False, params="stmcw", init_params="stmcw", implementation="log",
                 tie_groups=None, backend="auto", transmat_ties=None,
                 sparse_transitions="auto", allow_missing=False, frozen_groups=None,
                 covars_centre="new", gpu_dtype="float64"):
        super().__init__(
            n_components=n_components, n_mix=n_mix, min_covar=min_covar,
            startprob_prior=startprob_prior, transmat_prior=transmat_prior,
            weights_prior=weights_prior, means_prior=means_prior, means_weight=means_weight,
            covars_prior=covars_prior, covars_weight=covars_weight, algorithm=algorithm,
            covariance_type=covariance_type, random_state=random_state, n_iter=n_iter,
            tol=tol, verbose=verbose, params=params, init_params=init_params,
            implementation=implementation, tie_groups=tie_groups, backend=backend,
            transmat_ties=transmat_ties, sparse_transitions=sparse_transitions,
            allow_missing=allow_missing, frozen_groups=frozen_groups,
            covars_centre=covars_centre, gpu_dtype=gpu_dtype)
        del self.tie_params, self.sharing, self.sharing_strength

    tie_params = "mc"
    sharing = "hard"
    sharing_strength = 1.0

    def _groups(self):
        n = check_positive_int(self.n_components, "n_components")
        if self.tie_groups is None:
            return np.zeros(n, dtype=np.int64)
        return ties.check_tie_groups(self.tie_groups, n)

    def _slot_level(self):
        return True

    def _codebook(self, name):
        arr = self._get_group_param(name)
        first = np.array([m[0] for m in ties.members(self._groups())])
        return arr[first]

    @property
    def codebook_means_(self):
        """ndarray (n_codebooks, n_mix, n_features): the shared Gaussian means."""
        return self._codebook("means")

    @property
    def codebook_covars_(self):
        """Codebook covariances, one per tie group (compact shape)."""
        return self._codebook("covars")
