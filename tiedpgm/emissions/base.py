"""The emission-family interface: parameters *per tie group* and pooled statistics.

An emission family knows one kind of distribution (categorical, Gaussian, ...).
It owns one parameter set per **group** (not per state) and the sufficient
statistics that estimate it. The HMM never looks inside; it only

1. asks for ``log_likelihood(X)`` of shape (n_samples, n_groups) and expands it
   to states with ``[:, tie_groups]``;
2. pools the state posteriors to groups (``posteriors @ onehot(tie_groups)``,
   i.e. sums the posteriors of the states of a group) and hands them to
   ``accumulate(stats, X, group_posteriors)`` -- tying is *more adding before
   dividing*;
3. calls ``m_step(stats, letters)`` once per EM iteration -- the only division.

Fast paths (optional overrides; the defaults reduce to the three steps above):
``log_likelihood_states(X, slots)`` builds the (n_samples, n_states) array in one pass;
``accumulate_states(stats, X, posteriors, slots)`` sums per state and pools the small
statistics instead of the posteriors; ``fused_estep_args`` / ``add_state_stats`` let
the numba kernel ``forward_backward_stats`` sum the statistics during the backward pass
(categorical and diagonal Gaussian), so a fit's E-step writes no (N, K) array.

Extension points (for families and tying variants added later)
--------------------------------------------------------------
- **New family** (Poisson, GMM, tied mixture): subclass :class:`EmissionFamily`,
  set ``letters`` (hmmlearn's ``params`` letters it estimates, e.g. ``"l"``),
  ``param_names`` (names of its group arrays, used by persistence and the HMM's
  ``group_<name>_`` views) and implement the abstract methods. Statistics are a
  plain ``dict`` of arrays named for what they sum (``sum_w``, ``sum_x``,
  ``sum_xxT``); :func:`add_stats` adds two of them, so distributed EM works
  for every family without knowing it.
- **Partial tying** (``tie_params``: e.g. tie means in groups A but covariances
  in groups B): the HMM's emission groups become the common refinement of A and
  B; the family then pools a parameter's statistics a second time over its own,
  coarser map (``tiedpgm.ties.pool``) inside ``m_step``. ``log_likelihood``
  and ``accumulate`` keep their signatures.
- **Soft tying**: a family keeps one parameter per slot and adds the prior terms
  (pulling the slots of a group together) in ``m_step``; ``accumulate`` is
  unchanged.
"""
import weakref

import numpy as np


def add_stats(a, b):
    """Key-wise sum of two statistics dicts (new dict; inputs are not modified)."""
    if a.keys() != b.keys():
        raise ValueError(
            f"cannot add statistics with keys {sorted(a)} and {sorted(b)}; they come from "
            "different model types.")
    return {k: a[k] + b[k] for k in a}


class EmissionFamily:
    """Abstract emission family owning one parameter set per tie group.

    Parameters
    ----------
    n_groups : int
        Number of tie groups (distinct emission distributions).
    n_features : int or None
        Dimension of one observation; ``None`` until known (set by the first
        parameter array or by :meth:`initialize`).

    Attributes
    ----------
    letters : str
        hmmlearn ``params``/``init_params`` letters this family estimates.
    param_names : tuple of str
        Names of the per-group parameter arrays (attributes of the instance).
    """

    letters = ""
    param_names = ()
    #: (n_slots,) coarse tie group of each slot when the HMM keeps one parameter set per
    #: state (partial or soft tying); None = every slot is already a tie group.
    slot_groups = None
    #: letters whose statistics are pooled over ``slot_groups`` (hard partial tying).
    tied_letters = ""
    #: soft tying strength kappa (None = hard tying).
    soft_strength = None
    #: whether missing observations (NaN, or the categorical sentinel -1) are marginalised.
    allow_missing = False

    def __init__(self, n_groups, n_features=None):
        self.n_groups = int(n_groups)
        self.n_features = None if n_features is None else int(n_features)

    # -- parameters -----------------------------------------------------------------
    def has_params(self):
        """True when every parameter array is set."""
        return all(getattr(self, name, None) is not None for name in self.param_names)

    def missing_params(self):
        return [name for name in self.param_names if getattr(self, name, None) is None]

    def get_arrays(self):
        """Dict ``name -> array`` of the set group parameters (for persistence)."""
        return {name: getattr(self, name) for name in self.param_names
                if getattr(self, name, None) is not None}

    def set_group_param(self, name, value):
        """Validate and store one group parameter array; raises ValueError."""
        raise NotImplementedError

    # -- data -----------------------------------------------------------------------
    def check_X(self, X, offsets):
        """Validate observations; return them in the dtype the family computes with."""
        raise NotImplementedError

    def _remember_valid(self, X):
        """Note that the array ``X`` (None: no array) was just checked and found valid for
        the fused E-step as it is (Gaussian: all finite; categorical: every symbol in
        ``0..n_features-1``), so that a pass of the same call over the same array (the
        fused E-step) can skip its own check (:meth:`_known_valid`). A weak reference: it
        dies with the array, and it is not pickled (:meth:`__getstate__`)."""
        self._valid_ref = None if X is None else weakref.ref(X)

    def _known_valid(self, X):
        ref = getattr(self, "_valid_ref", None)
        return ref is not None and ref() is X

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_valid_ref", None)
        return state

    def initialize(self, X, rng, letters):
        """Initialise the parameters named by ``letters`` from data (hmmlearn style)."""
        raise NotImplementedError

    # -- EM ---------------------------------------------------------------------------
    def log_likelihood(self, X):
        """Log density of every row under every group, shape (n_samples, n_groups)."""
        raise NotImplementedError

    def empty_stats(self):
        """Zeroed sufficient statistics: dict of arrays with a leading group axis."""
        raise NotImplementedError

    def accumulate(self, stats, X, group_posteriors):
        """Add the posterior-weighted statistics of ``X`` into ``stats`` (in place).

        ``group_posteriors`` (n_samples, n_groups) are state posteriors summed over
        the states of each group.
        """
        raise NotImplementedError

    def log_likelihood_states(self, X, slots=None):
        """Log density of every row under every *state*, shape (n_samples, n_states),
        C-contiguous float64 (possibly an array the family caches: do not write into it).

        ``slots`` (n_states,) maps states to groups; ``None`` = one group per state.
        Families override this to build the state-level array in one pass."""
        ll = self.log_likelihood(X)
        if slots is None:
            return np.ascontiguousarray(ll, dtype=np.float64)
        return np.ascontiguousarray(ll[:, slots], dtype=np.float64)

    def accumulate_states(self, stats, X, posteriors, slots=None):
        """:meth:`accumulate` from *state* posteriors (n_samples, n_states): pools them to
        groups over ``slots`` (``None`` = one group per state) first. Families whose
        statistics are linear in the weights override this to sum per state and pool the
        (small) statistics instead of the posteriors."""
        if slots is not None:
            from ..ties import onehot
            posteriors = posteriors @ onehot(slots, self.n_groups)
        self.accumulate(stats, X, posteriors)

    def fused_estep_args(self, X, slots=None):
        """Keyword arguments of the numba kernel ``forward_backward_stats`` (frames and an
        emission-statistics sink) that let one E-step skip the (N, K) posteriors, or None
        when the family (or this X, e.g. with missing values) has no such fast path."""
        return None

    def add_state_stats(self, stats, res, slots=None):
        """Add the per-state statistics ``res`` of ``forward_backward_stats`` into
        ``stats``, pooled over ``slots`` (``None`` = one group per state)."""
        raise NotImplementedError

    def m_step(self, stats, letters):
        """Re-estimate the parameters named in ``letters`` from pooled ``stats``."""
        raise NotImplementedError

    def log_prior(self):
        """Log prior / penalty term of the objective EM maximises (0 unless soft tying)."""
        return 0.0

    def _pool_map(self, letter):
        """(slot -> group map, n_groups) when ``letter`` is hard-pooled over slot groups."""
        if (self.slot_groups is not None and self.soft_strength is None
                and letter in self.tied_letters):
            return self.slot_groups, int(self.slot_groups.max()) + 1
        return None

    def _count_slots(self, letter):
        """Number of distinct parameter sets of ``letter`` (for n_parameters)."""
        pm = self._pool_map(letter)
        return self.n_groups if pm is None else pm[1]

    def n_parameters(self, letters):
        """Number of free scalars estimated for ``letters``, counted once per group."""
        raise NotImplementedError

    def sample(self, group, rng):
        """Draw one observation (n_features,) from group ``group``."""
        raise NotImplementedError

    def sample_n(self, groups, rng):
        """One observation per entry of ``groups`` (n,), shape (n, n_features).

        Families override this with a vectorised draw; the default loops.
        """
        return np.array([self.sample(g, rng) for g in groups])


def where(row, offsets):
    """Describe a row of concatenated data: ``'row 17 (sequence 3, position 2)'``."""
    row = int(row)
    if offsets is None or len(offsets) <= 2:
        return f"row {row}"
    s = int(np.searchsorted(offsets, row, side="right") - 1)
    return f"row {row} (sequence {s}, position {row - int(offsets[s])})"
