"""Hidden Markov models with tied emission parameters (hmmlearn-compatible surface).

States are grouped into **tie groups** (``tie_groups[k]`` is the group of state
``k``; ``None`` = every state its own group). All states of a group share one
emission distribution, stored once per group by an emission family
(:mod:`tiedpgm.emissions`). Baum-Welch sums the posterior-weighted statistics of
all states of a group before one M-step per group.

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
from .emissions import CategoricalEmissions, GaussianEmissions, add_stats
from .emissions.gaussian import COVARIANCE_TYPES
from .engine import ConvergenceMonitor, run_em
from .kernels import get_kernels, resolve_backend, safe_log

__all__ = ["Stats", "BaseHMM", "GaussianHMM", "CategoricalHMM"]


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
        Emission statistics pooled per tie group (leading axis n_groups), named
        for what they sum (``sum_w``, ``sum_x``, ``sum_xx``, ``sum_xxT``, ``counts``).
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
        Kernel backend; "auto" = numba on the CPU. Recorded as ``backend_``.
"""


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

    def _family(self, n_features=None, create=True):
        """The emission family holding the group parameters (created on first use).

        Hyperparameters are refreshed from the estimator each time, so
        ``set_params`` takes effect at the next fit.
        """
        fam = self.__dict__.get("_emission")
        n_groups = self._n_groups()
        if fam is not None and not self._family_matches(fam, n_groups):
            fam = None
        if fam is None:
            if not create:
                return None
            fam = self._make_family(n_groups, n_features)
            self._emission = fam
        else:
            self._configure_family(fam)
        return fam

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
            return self.__dict__["_transmat"]
        except KeyError:
            raise AttributeError("transmat_ is not set; call fit or assign it.") from None

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
        return group_values[self._groups()]

    def _from_per_state(self, attr, value, per_state_axis=0):
        """Check ``value`` (one entry per state) respects the ties; return one per group."""
        value = np.array(value, dtype=np.float64, copy=True)
        K = self.n_components
        if value.ndim == 0 or value.shape[0] != K:
            raise ValueError(f"{attr} has shape {value.shape}; expected one entry per state "
                             f"({K}, ...).")
        groups = self._groups()
        ok, g, s0, s = ties.is_tie_consistent(value, groups)
        if not ok:
            idx = ties.members(groups)[g].tolist()
            raise ValueError(
                f"{attr} breaks tie group {g}: states {s0} and {s} are tied (group {g} = "
                f"states {idx}) but are given different values; give tied states identical "
                f"values or set group_{attr} (one row per group) instead.")
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
        resolve_backend(self.backend)

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

    def _kernels(self):
        return get_kernels(getattr(self, "backend_", None) or self.backend)

    # -- E-step / M-step as values -----------------------------------------------------------
    def _log_frameprob(self, X, fam):
        return np.ascontiguousarray(fam.log_likelihood(X)[:, self._groups()])

    def _estep(self, X, offsets, fam, kernels):
        groups = self._groups()
        lp, post, xi = kernels.forward_backward(
            safe_log(self._startprob), safe_log(self._transmat),
            self._log_frameprob(X, fam), offsets)
        bad = np.flatnonzero(~np.isfinite(lp))
        if bad.size:
            raise ValueError(
                f"sequence {int(bad[0])} has probability 0 under the current parameters "
                f"(log-likelihood {lp[bad[0]]}); a structural zero in startprob_/transmat_ "
                "or an emission probability of 0 forbids it.")
        if fam.n_groups == len(groups) and np.array_equal(groups, np.arange(len(groups))):
            gpost = post                      # untied: nothing to pool
        else:
            gpost = post @ ties.onehot(groups, fam.n_groups)   # sum over each group's states
        est = fam.empty_stats()
        fam.accumulate(est, X, gpost)
        return Stats(log_prob=float(lp.sum()), n_sequences=len(offsets) - 1,
                     n_samples=int(X.shape[0]), start=post[offsets[:-1]].sum(axis=0),
                     trans=np.asarray(xi, dtype=np.float64), emission=est)

    def summarize(self, X, lengths=None):
        """E-step under the current parameters, returned as a value.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        lengths : array-like of int, shape (n_sequences,), optional

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
        return self._estep(X, offsets, fam, self._kernels())

    def apply_summaries(self, stats):
        """M-step: re-estimate the parameters in ``params`` from pooled ``stats``.

        Start and transition probabilities use their Dirichlet priors; entries that
        are exactly zero stay zero (structural zeros). A state (or group) that
        received no posterior weight keeps its parameters.

        Parameters
        ----------
        stats : Stats
        """
        fam = self._family()
        if "s" in self.params:
            new = np.maximum(self.startprob_prior - 1.0 + stats.start, 0.0)
            new = np.where(self._startprob == 0, 0.0, new)
            total = new.sum()
            if total > 0:
                self._startprob = new / total
        if "t" in self.params:
            new = np.maximum(self.transmat_prior - 1.0 + stats.trans, 0.0)
            new = np.where(self._transmat == 0, 0.0, new)
            total = new.sum(axis=1, keepdims=True)
            ok = total[:, 0] > 0
            self._transmat = np.where(ok[:, None], new / np.where(total > 0, total, 1.0),
                                      self._transmat)
        fam.m_step(stats.emission, self.params)
        return self

    # -- fit ------------------------------------------------------------------------------
    def _init(self, X, rng, fam):
        K = self.n_components
        init = 1.0 / K
        if "s" in self.init_params:
            self._startprob = rng.dirichlet(np.full(K, init))
        if "t" in self.init_params:
            self._transmat = rng.dirichlet(np.full(K, init), size=K)
        fam.initialize(X, rng, self.init_params)

    def fit(self, X, lengths=None):
        """Estimate parameters by Baum-Welch EM, pooling statistics within tie groups.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
            Sequences concatenated along axis 0.
        lengths : array-like of int, shape (n_sequences,), optional
            Length of each sequence in ``X``; must sum to ``n_samples``.

        Returns
        -------
        self
        """
        self._check_hyper()
        backend = resolve_backend(self.backend)
        kernels = get_kernels(backend)
        rng = np.random.default_rng(self.random_state)
        fam = self._family()
        if set(self._emission_letters) <= set(self.init_params):
            self._forget_data_shape(fam)
        X, offsets = self._validate_X(X, lengths, fam)
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

        def e_step():
            stats = self._estep(X, offsets, fam, kernels)
            return stats.log_prob, stats

        run_em(e_step, self.apply_summaries, self.monitor_)
        return self

    # -- inference ------------------------------------------------------------------------
    def _prepare(self, X, lengths):
        self._check_hyper()
        self._check_is_fitted()
        fam = self._family()
        X, offsets = self._validate_X(X, lengths, fam)
        return X, offsets, fam, self._kernels()

    def score(self, X, lengths=None):
        """Total log-likelihood of ``X``.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        lengths : array-like of int, shape (n_sequences,), optional

        Returns
        -------
        float
        """
        X, offsets, fam, k = self._prepare(X, lengths)
        return float(np.sum(k.score(safe_log(self._startprob), safe_log(self._transmat),
                                    self._log_frameprob(X, fam), offsets)))

    def score_samples(self, X, lengths=None):
        """Log-likelihood and state posteriors.

        Returns
        -------
        log_prob : float
        posteriors : ndarray, shape (n_samples, n_components)
        """
        X, offsets, fam, k = self._prepare(X, lengths)
        lp, post, _ = k.forward_backward(safe_log(self._startprob), safe_log(self._transmat),
                                         self._log_frameprob(X, fam), offsets)
        return float(np.sum(lp)), post

    def predict_proba(self, X, lengths=None):
        """State posteriors P(state_t = k | sequence), shape (n_samples, n_components)."""
        return self.score_samples(X, lengths)[1]

    def decode(self, X, lengths=None, algorithm=None):
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

        Returns
        -------
        log_prob : float
        states : ndarray of int, shape (n_samples,)
        """
        algorithm = self.algorithm if algorithm is None else algorithm
        if algorithm not in ("viterbi", "map"):
            raise ValueError(f"algorithm={algorithm!r} is not known; use 'viterbi' or 'map'.")
        X, offsets, fam, k = self._prepare(X, lengths)
        lsp, ltm = safe_log(self._startprob), safe_log(self._transmat)
        lfp = self._log_frameprob(X, fam)
        if algorithm == "viterbi":
            lp, states = k.viterbi(lsp, ltm, lfp, offsets)
            return float(np.sum(lp)), np.asarray(states, dtype=np.int64)
        _, post, _ = k.forward_backward(lsp, ltm, lfp, offsets)
        states = np.argmax(post, axis=1)
        with np.errstate(divide="ignore"):
            return float(np.sum(np.log(post[np.arange(len(states)), states]))), states

    def predict(self, X, lengths=None):
        """Most likely state of each sample (``decode(...)[1]``), shape (n_samples,)."""
        return self.decode(X, lengths)[1]

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
        groups = self._groups()
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

        Emission parameters count once per tie group. A start/transition entry that
        is exactly zero is structural and not counted: ``startprob_`` contributes
        (non-zeros - 1), each row of ``transmat_`` (its non-zeros - 1). For a dense
        untied model this equals hmmlearn's count.
        """
        self._check_is_fitted()
        n = 0
        if "s" in self.params:
            n += int(np.count_nonzero(self._startprob)) - 1
        if "t" in self.params:
            n += int(np.sum(np.maximum(np.count_nonzero(self._transmat, axis=1) - 1, 0)))
        return n + self._family().n_parameters(self.params)

    def aic(self, X, lengths=None):
        """Akaike information criterion, ``-2 log L + 2 n_parameters()`` (lower is better)."""
        return -2 * self.score(X, lengths) + 2 * self.n_parameters()

    def bic(self, X, lengths=None):
        """Bayesian information criterion, ``-2 log L + n_parameters() log n_samples``."""
        n = len(np.asarray(X))
        return -2 * self.score(X, lengths) + self.n_parameters() * np.log(n)


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
                 implementation="log", tie_groups=None, backend="auto"):
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

    @property
    def n_features(self):
        """Dimension of one observation (from the parameters)."""
        fam = self._family(create=False)
        if fam is None or fam.n_features is None:
            raise AttributeError("n_features is not known before fit or parameter assignment.")
        return fam.n_features

    @property
    def group_means_(self):
        """ndarray, shape (n_groups, n_features): one mean per tie group."""
        return self._get_group_param("means")

    @group_means_.setter
    def group_means_(self, value):
        self._set_group_param("means", value)

    @property
    def group_covars_(self):
        """Covariance per tie group in the compact shape of ``covariance_type``."""
        return self._get_group_param("covars")

    @group_covars_.setter
    def group_covars_(self, value):
        self._set_group_param("covars", value)

    @property
    def means_(self):
        """ndarray, shape (n_components, n_features): per-state view of group_means_."""
        return self._per_state(self.group_means_)

    @means_.setter
    def means_(self, value):
        self._set_group_param("means", self._from_per_state("means_", value))

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
        self._set_group_param("covars", self._from_per_state("covars_", a))


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
                 init_params="ste", implementation="log", tie_groups=None, backend="auto"):
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

    @property
    def group_emissionprob_(self):
        """ndarray, shape (n_groups, n_features): one symbol distribution per tie group."""
        return self._get_group_param("emissionprob")

    @group_emissionprob_.setter
    def group_emissionprob_(self, value):
        self._set_group_param("emissionprob", value)

    @property
    def emissionprob_(self):
        """ndarray, shape (n_components, n_features): per-state view of group_emissionprob_."""
        return self._per_state(self.group_emissionprob_)

    @emissionprob_.setter
    def emissionprob_(self, value):
        self._set_group_param("emissionprob", self._from_per_state("emissionprob_", value))
