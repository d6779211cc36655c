"""Composite HMMs over a shared inventory of tied states (HTK HERest-style embedded training).

Each training sequence comes with a transcript. The transcript is expanded, through
a :class:`Lexicon`, into a chain of :class:`Unit` models (plus optional silence
between words); the chain is the sequence's own *composite* HMM. Its states are
copies of the states of a shared inventory (the states of all units), so EM pools
the statistics of every copy of an inventory state -- across positions and across
sequences -- before one M-step, and likewise for every use of a unit's transition
probabilities. Tie groups over the inventory (``tie_groups``, e.g. learned with
:func:`cluster_states`) pool further: several inventory states share one emission
distribution.

Conventions
-----------
- A unit of ``n`` states has a transition matrix of shape ``(n, n + 1)``; column ``n``
  is the *exit* (the non-emitting end state of HTK). Entry is always into state 0.
- Every composite transition probability is a product of shared parameters (a unit's
  exit times the silence/no-silence choice, say) and constants (1 / number of
  pronunciation variants, the word penalty at decoding). EM gives each shared factor
  the expected count of the composite edges that use it, and the M-step normalises
  the counts of each distribution (a unit state's outgoing row; the silence choice).
- With ``require_exit=True`` (HTK) a sequence must end by leaving its last unit through
  the exit; the exit factor is folded into the last frame's log-likelihood, so the
  kernels need no end state.

Kernels see arrays only: one (K, K) log transition matrix per distinct transcript.
Sequences with the same transcript are batched into one kernel call.
"""
import contextlib
import heapq
import warnings

import numpy as np
from sklearn.base import BaseEstimator

from . import ties
from ._validation import check_lengths, check_letters, check_positive_int
from .emissions import GaussianEmissions
from .emissions.base import EmissionFamily
from .engine import ConvergenceMonitor, run_em
from .kernels import get_kernels, resolve_backend, safe_log

__all__ = ["Unit", "Lexicon", "CompositeHMM", "cluster_states", "word_error_rate",
           "edit_distance"]

_START = -1
_END = -2
_LOG_2PI = np.log(2 * np.pi)
TOPOLOGIES = ("left-right", "bakis")


# ---------------------------------------------------------------------------------------
# units and lexicon
# ---------------------------------------------------------------------------------------
class Unit:
    """A unit model (word, phone, silence): ``n_states`` emitting states, entry into state 0.

    Parameters
    ----------
    name : str
    n_states : int
    topology : {"left-right", "bakis"}
        "left-right": each state goes to itself or to the next (the last one to the
        exit). "bakis": additionally skips one state forward.
    self_loop : float in (0, 1)
        Initial self-loop probability; the rest is spread over the forward edges.
    transmat : array-like, shape (n_states, n_states + 1), optional
        Initial transitions, last column = exit. Zeros are structural (kept at zero
        by EM). Overrides ``topology``/``self_loop``.
    """

    def __init__(self, name, n_states, topology="left-right", self_loop=0.6, transmat=None):
        if not isinstance(name, str) or not name:
            raise ValueError(f"Unit name must be a non-empty string, got {name!r}.")
        self.name = name
        self.n_states = check_positive_int(n_states, f"n_states of unit {name!r}")
        if topology not in TOPOLOGIES:
            raise ValueError(f"unit {name!r}: topology={topology!r} is not known; use one of "
                             f"{', '.join(map(repr, TOPOLOGIES))}.")
        self.topology = topology
        if not 0 < float(self_loop) < 1:
            raise ValueError(f"unit {name!r}: self_loop={self_loop} must lie in (0, 1).")
        self.self_loop = float(self_loop)
        n = self.n_states
        if transmat is None:
            A = np.zeros((n, n + 1))
            for i in range(n):
                A[i, i] = self.self_loop
                if topology == "bakis" and i + 2 <= n:
                    A[i, i + 1] = 0.75 * (1 - self.self_loop)
                    A[i, i + 2] = 0.25 * (1 - self.self_loop)
                else:
                    A[i, i + 1] = 1 - self.self_loop
        else:
            A = np.array(transmat, dtype=np.float64)
            if A.shape != (n, n + 1):
                raise ValueError(
                    f"unit {name!r}: transmat has shape {A.shape}; expected ({n}, {n + 1}) "
                    "(one row per state, the last column is the exit).")
            if not np.all(np.isfinite(A)) or np.any(A < 0):
                raise ValueError(f"unit {name!r}: transmat must be finite and >= 0.")
            bad = np.flatnonzero(np.abs(A.sum(axis=1) - 1) > 1e-8)
            if bad.size:
                raise ValueError(f"unit {name!r}: transmat row {int(bad[0])} sums to "
                                 f"{A[bad[0]].sum():.6g}, not 1; normalise the rows.")
        self.transmat = A

    def __repr__(self):
        return f"Unit({self.name!r}, n_states={self.n_states}, topology={self.topology!r})"

    def __eq__(self, other):
        return (isinstance(other, Unit) and self.name == other.name
                and self.n_states == other.n_states and self.topology == other.topology
                and np.array_equal(self.transmat, other.transmat))

    def __hash__(self):
        return hash((self.name, self.n_states, self.topology))


class Lexicon:
    """Word -> pronunciation(s), each a sequence of unit names.

    Parameters
    ----------
    pronunciations : dict
        ``word -> "unit"`` (whole-word model), ``word -> ["u1", "u2"]`` (one
        pronunciation) or ``word -> [["u1", "u2"], ["u3"]]`` (variants, equally likely).

    Examples
    --------
    >>> lex = Lexicon({"two": ["t", "uw"], "oh": "ow"})
    >>> lex.variants("two")
    [('t', 'uw')]
    """

    def __init__(self, pronunciations):
        if not isinstance(pronunciations, dict) or not pronunciations:
            raise ValueError("Lexicon needs a non-empty dict word -> pronunciation(s).")
        self._prons = {}
        for word, p in pronunciations.items():
            if isinstance(p, str):
                variants = [(p,)]
            else:
                p = list(p)
                if p and all(isinstance(v, str) for v in p):
                    variants = [tuple(p)]
                else:
                    variants = [tuple([v] if isinstance(v, str) else v) for v in p]
            if not variants or any(len(v) == 0 for v in variants):
                raise ValueError(f"word {word!r} has an empty pronunciation; give at least "
                                 "one unit name per pronunciation.")
            for v in variants:
                for u in v:
                    if not isinstance(u, str):
                        raise ValueError(f"word {word!r}: unit names must be strings, "
                                         f"found {u!r}.")
            self._prons[word] = variants

    @classmethod
    def whole_word(cls, units):
        """One whole-word model per unit: word ``u.name`` -> unit ``u.name``."""
        return cls({(u.name if isinstance(u, Unit) else u): (u.name if isinstance(u, Unit) else u)
                    for u in units})

    @property
    def words(self):
        """list of str, in insertion order."""
        return list(self._prons)

    def variants(self, word):
        """Pronunciations of ``word``: list of tuples of unit names."""
        return list(self._prons[word])

    def __contains__(self, word):
        return word in self._prons

    def __len__(self):
        return len(self._prons)

    def __repr__(self):
        return f"Lexicon({len(self)} words)"


# ---------------------------------------------------------------------------------------
# composite graphs
# ---------------------------------------------------------------------------------------
class _Graph:
    """A composite state graph under construction: states (inventory ids) and edges.

    Edges are ``(src, dst, log_const, param_ids)``; ``src`` may be ``_START`` and ``dst``
    ``_END``. The edge weight is ``log_const + sum(log theta[param_ids])``.
    """

    def __init__(self):
        self.inv = []
        self.edges = []
        self.entries = {}       # state -> word label (decoding graphs)
        self.words_of = []      # per state: index of the word slot (training graphs)

    def add_unit(self, spec, slot):
        """Add a copy of a unit; return (entry state, exits [(state, const, pids)])."""
        uoff, toff, mask = spec
        base = len(self.inv)
        n = mask.shape[0]
        self.inv.extend(range(uoff, uoff + n))
        self.words_of.extend([slot] * n)
        exits = []
        for i, j in zip(*np.nonzero(mask)):
            pid = toff + i * (n + 1) + j
            if j < n:
                self.edges.append((base + i, base + j, 0.0, (pid,)))
            else:
                exits.append((base + i, 0.0, (pid,)))
        return base, exits

    def connect(self, frontier, dst, const=0.0, pids=()):
        for src, c, p in frontier:
            self.edges.append((src, dst, c + const, p + pids))

    def add_pron(self, specs, frontier, pron, const, slot):
        for k, name in enumerate(pron):
            entry, exits = self.add_unit(specs[name], slot)
            self.connect(frontier, entry, const if k == 0 else 0.0)
            if k == 0:
                first = entry
            frontier = exits
        return first, frontier


class _Compiled:
    """Array form of a composite graph (what the kernels and the counting need)."""

    def __init__(self, g, n_params):
        self.K = len(g.inv)
        self.inv = np.asarray(g.inv, dtype=np.int64)
        self.entries = dict(g.entries)
        self.words_of = np.asarray(g.words_of, dtype=np.int64)
        width = max([len(e[3]) for e in g.edges] + [1])
        pid = np.full((len(g.edges), width), n_params, dtype=np.int64)   # pad -> log 1
        for k, e in enumerate(g.edges):
            pid[k, :len(e[3])] = e[3]
        src = np.array([e[0] for e in g.edges], dtype=np.int64)
        dst = np.array([e[1] for e in g.edges], dtype=np.int64)
        const = np.array([e[2] for e in g.edges], dtype=np.float64)
        kind = np.where(src == _START, 0, np.where(dst == _END, 2, 1))
        self.parts = []
        for k in range(3):
            sel = kind == k
            self.parts.append((src[sel], dst[sel], const[sel], pid[sel]))

    def weights(self, log_theta_ext):
        """(log_start (K,), log_trans (K, K), log_end (K,), per-part edge log-weights)."""
        K = self.K
        lws = [c + log_theta_ext[p].sum(axis=1) for (_, _, c, p) in self.parts]
        log_start = np.full(K, -np.inf)
        np.logaddexp.at(log_start, self.parts[0][1], lws[0])
        log_trans = np.full((K, K), -np.inf)
        np.logaddexp.at(log_trans, (self.parts[1][0], self.parts[1][1]), lws[1])
        log_end = np.full(K, -np.inf)
        np.logaddexp.at(log_end, self.parts[2][0], lws[2])
        return log_start, log_trans, log_end, lws

    def min_frames(self):
        """Fewest frames of any path from start to end (inf when none); BFS ignoring loops."""
        K = self.K
        adj = [[] for _ in range(K)]
        for s, d in zip(self.parts[1][0], self.parts[1][1]):
            if s != d:
                adj[s].append(d)
        dist = np.full(K, np.inf)
        queue = []
        for d in self.parts[0][1]:
            dist[d] = 1
            queue.append(int(d))
        head = 0
        while head < len(queue):
            s = queue[head]
            head += 1
            for d in adj[s]:
                if dist[d] > dist[s] + 1:
                    dist[d] = dist[s] + 1
                    queue.append(d)
        ends = self.parts[2][0]
        return (float(dist[ends].min()) if ends.size else np.inf), dist


@contextlib.contextmanager
def _one_kernel_thread(backend):
    """Run numba kernels on one thread inside the block (restored afterwards).

    Composite E-steps make one small kernel call per distinct transcript (a few
    sequences each), too little work to share between threads; waking the thread
    pool for every call costs more than the call, badly so when cores are shared.
    """
    if backend != "numba":
        yield
        return
    import numba
    n = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(n)


def _add_columns(out, rows, post, columns):
    """``out[rows, columns[k]] += post[:, k]`` for every k (columns may repeat)."""
    uniq, idx = np.unique(columns, return_inverse=True)
    out[rows[:, None], uniq[None, :]] += post @ ties.onehot(idx, len(uniq))


def _edge_share(lw, total, index):
    """exp(lw - total[index]) with 0 where the edge is impossible."""
    t = total[index]
    ok = np.isfinite(lw) & np.isfinite(t)
    out = np.zeros(lw.shape)
    out[ok] = np.exp(lw[ok] - t[ok])
    return out


# ---------------------------------------------------------------------------------------
# diagonal Gaussian mixtures (for HHEd MU splitting)
# ---------------------------------------------------------------------------------------
class DiagGMMEmissions(EmissionFamily):
    """Mixtures of diagonal Gaussians, one mixture per group.

    Attributes
    ----------
    weights : ndarray, shape (n_groups, n_mix)
    means : ndarray, shape (n_groups, n_mix, n_features)
    covars : ndarray, shape (n_groups, n_mix, n_features)
    """

    letters = "wmc"
    param_names = ("weights", "means", "covars")

    def __init__(self, n_groups, n_features=None, n_mix=1, min_covar=1e-3,
                 covars_prior=1e-2, min_weight=1e-5):
        super().__init__(n_groups, n_features)
        self.n_mix = int(n_mix)
        self.min_covar = min_covar
        self.covars_prior = covars_prior
        self.min_weight = min_weight
        self.weights = self.means = self.covars = None

    @classmethod
    def from_gaussian(cls, fam):
        """Single-component mixtures equal to a diagonal :class:`GaussianEmissions`."""
        out = cls(fam.n_groups, fam.n_features, 1, fam.min_covar, fam.covars_prior)
        out.weights = np.ones((fam.n_groups, 1))
        out.means = fam.means[:, None, :].copy()
        out.covars = fam.covars[:, None, :].copy()
        return out

    def split(self, n_mix):
        """HTK HHEd ``MU``: split the heaviest component of every group until ``n_mix``.

        The split component's weight is halved and its two copies are moved
        +/- 0.2 standard deviations along every dimension.
        """
        while self.n_mix < n_mix:
            G, M, F = self.means.shape
            k = np.argmax(self.weights, axis=1)
            g = np.arange(G)
            sd = np.sqrt(self.covars[g, k])
            w = np.concatenate([self.weights, np.zeros((G, 1))], axis=1)
            mu = np.concatenate([self.means, np.zeros((G, 1, F))], axis=1)
            cv = np.concatenate([self.covars, np.zeros((G, 1, F))], axis=1)
            w[g, k] *= 0.5
            w[:, M] = w[g, k]
            mu[:, M] = self.means[g, k] - 0.2 * sd
            mu[g, k] = self.means[g, k] + 0.2 * sd
            cv[:, M] = self.covars[g, k]
            self.weights, self.means, self.covars = w, mu, cv
            self.n_mix = M + 1
        return self

    def _component_ll(self, X):
        prec = 1.0 / self.covars                                   # (G, M, F)
        quad = (np.einsum("gmf,gmf->gm", self.means ** 2, prec)[None]
                - 2 * np.einsum("nf,gmf->ngm", X, self.means * prec)
                + np.einsum("nf,gmf->ngm", X ** 2, prec))
        norm = self.n_features * _LOG_2PI + np.log(self.covars).sum(axis=2)
        with np.errstate(divide="ignore"):
            return np.log(self.weights)[None] - 0.5 * (norm[None] + quad)

    def log_likelihood(self, X):
        c = self._component_ll(X)
        m = c.max(axis=2, keepdims=True)
        return (np.log(np.exp(c - m).sum(axis=2, keepdims=True)) + m)[:, :, 0]

    def empty_stats(self):
        G, M, F = self.n_groups, self.n_mix, self.n_features
        return {"sum_w": np.zeros((G, M)), "sum_x": np.zeros((G, M, F)),
                "sum_xx": np.zeros((G, M, F))}

    def accumulate(self, stats, X, group_posteriors):
        c = self._component_ll(X)
        c -= c.max(axis=2, keepdims=True)
        resp = np.exp(c)
        resp /= resp.sum(axis=2, keepdims=True)
        w = resp * group_posteriors[:, :, None]                    # (N, G, M)
        stats["sum_w"] += w.sum(axis=0)
        stats["sum_x"] += np.einsum("ngm,nf->gmf", w, X)
        stats["sum_xx"] += np.einsum("ngm,nf->gmf", w, X ** 2)

    def m_step(self, stats, letters):
        sw = stats["sum_w"]
        seen = sw > 0
        tot = sw.sum(axis=1, keepdims=True)
        if "w" in letters:
            new = np.maximum(sw / np.where(tot > 0, tot, 1), self.min_weight)
            new /= new.sum(axis=1, keepdims=True)
            self.weights = np.where(tot > 0, new, self.weights)
        d = np.where(seen, sw, 1.0)[:, :, None]
        if "m" in letters:
            self.means = np.where(seen[:, :, None], stats["sum_x"] / d, self.means)
        if "c" in letters:
            mu = self.means
            num = stats["sum_xx"] - 2 * mu * stats["sum_x"] + mu ** 2 * sw[:, :, None]
            new = (self.covars_prior + num) / np.maximum(sw[:, :, None], 1e-5)
            self.covars = np.maximum(np.where(seen[:, :, None], new, self.covars),
                                     self.min_covar)

    def n_parameters(self, letters):
        G, M, F = self.n_groups, self.n_mix, self.n_features
        return (("w" in letters) * G * (M - 1) + ("m" in letters) * G * M * F
                + ("c" in letters) * G * M * F)


# ---------------------------------------------------------------------------------------
# the estimator
# ---------------------------------------------------------------------------------------
class CompositeHMM(BaseEstimator):
    """HMMs built per sequence from unit models over a shared inventory of tied states.

    Parameters
    ----------
    units : list of Unit
        The inventory: inventory state ``k`` is state ``i`` of unit ``u`` in the order
        given (see ``state_names_``). Unit names must be unique.
    lexicon : Lexicon, optional
        Default: whole-word models, one word per non-silence unit.
    silence : str, optional
        Name of the silence unit, optional at the start, between words and at the end.
    tie_groups : array-like of int, shape (n_inventory_states,), optional
        Inventory state -> emission group (e.g. from :func:`cluster_states`).
    covariance_type : {"diag", "spherical", "full", "tied"}
    n_mix : int
        Gaussians per group: after single-Gaussian training, mixtures are grown by
        splitting (HTK HHEd MU, doubling up to ``n_mix``), each followed by EM
        (diagonal covariances only).
    n_iter, tol : EM stopping rule (per stage).
    min_covar, covars_prior, covars_weight : see :class:`GaussianHMM`.
    transmat_prior : float
        Dirichlet concentration of transition rows (1 = maximum likelihood).
    init : {"flat", "uniform"} or dict
        "flat": every group gets the global mean and variance (HTK HCompV);
        "uniform": groups start from a uniform segmentation of each sequence along
        its transcript (no silence); a dict of per-inventory-state statistics
        (``state_statistics`` of a trained model): each group starts from the pooled
        statistics of its states (HTK HHEd TC), e.g. after :func:`cluster_states`.
    silence_prob : float in (0, 1)
        Initial probability of taking an optional silence.
    require_exit : bool
        True (HTK): a sequence ends by leaving its last unit through the exit.
        False: it may end in any state (hmmlearn semantics, no end state; meant for
        single-unit models or partial transcripts).
    word_penalty : float
        Log-probability added per word at decoding (negative = fewer insertions).
    params : str
        "t" transitions (unit rows and the silence choice), "m" means, "c" covariances,
        "w" mixture weights.
    backend : {"auto", "numpy", "numba", "cupy"}
    random_state : int, optional (k-means is not used; kept for API symmetry)
    verbose : bool

    Attributes
    ----------
    state_names_ : list of str, e.g. ``"two[3]"``
    transitions_ : dict unit name -> ndarray (n_states, n_states + 1)
    silence_prob_ : float
    emissions_ : EmissionFamily (group parameters), ``group_means_``, ``group_covars_``
    means_ : ndarray (n_inventory_states, n_features) for single Gaussians
    monitor_ : ConvergenceMonitor of the last EM stage; ``history_`` all stages
    backend_ : str
    """

    def __init__(self, units, lexicon=None, silence=None, tie_groups=None,
                 covariance_type="diag", n_mix=1, n_iter=20, tol=1e-2, min_covar=1e-3,
                 covars_prior=1e-2, covars_weight=1.0, transmat_prior=1.0, init="flat",
                 silence_prob=0.5, require_exit=True, word_penalty=0.0, params="tmcw",
                 backend="auto", random_state=None, verbose=False):
        self.units = units
        self.lexicon = lexicon
        self.silence = silence
        self.tie_groups = tie_groups
        self.covariance_type = covariance_type
        self.n_mix = n_mix
        self.n_iter = n_iter
        self.tol = tol
        self.min_covar = min_covar
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight
        self.transmat_prior = transmat_prior
        self.init = init
        self.silence_prob = silence_prob
        self.require_exit = require_exit
        self.word_penalty = word_penalty
        self.params = params
        self.backend = backend
        self.random_state = random_state
        self.verbose = verbose

    # -- structure -------------------------------------------------------------------------
    def _structure(self):
        """Validate units/lexicon/silence; build the inventory and parameter layout."""
        units = list(self.units)
        if not units or not all(isinstance(u, Unit) for u in units):
            raise ValueError("units must be a non-empty list of tiedpgm.Unit.")
        names = [u.name for u in units]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"unit names must be unique; {sorted(dup)} appear twice.")
        if self.silence is not None and self.silence not in names:
            raise ValueError(f"silence={self.silence!r} is not one of the units {names}.")
        lex = self.lexicon
        if lex is None:
            lex = Lexicon.whole_word([n for n in names if n != self.silence])
        if not isinstance(lex, Lexicon):
            lex = Lexicon(lex)
        for w in lex.words:
            for v in lex.variants(w):
                for u in v:
                    if u not in names:
                        raise ValueError(f"lexicon word {w!r} uses unit {u!r}, which is not "
                                         f"among the units {names}; add a Unit({u!r}, ...).")
        specs, uoff, toff = {}, 0, 0
        for u in units:
            mask = u.transmat > 0
            specs[u.name] = (uoff, toff, mask)
            uoff += u.n_states
            toff += u.n_states * (u.n_states + 1)
        n_states = uoff
        # parameter vector: all unit rows, then [P(silence), P(no silence)]
        dist = np.empty(toff + 2, dtype=np.int64)
        allowed = np.zeros(toff + 2, dtype=bool)
        row = 0
        for u in units:
            _, t0, mask = specs[u.name]
            n = u.n_states
            dist[t0:t0 + n * (n + 1)] = np.repeat(np.arange(row, row + n), n + 1)
            allowed[t0:t0 + n * (n + 1)] = mask.ravel()
            row += n
        dist[toff:] = row
        allowed[toff:] = self.silence is not None
        groups = ties.check_tie_groups(self.tie_groups, n_states, slot="inventory state")
        self._units, self._specs, self._lex = units, specs, lex
        self._n_inv, self._n_trans, self._dist, self._allowed = n_states, toff, dist, allowed
        self._groups = groups
        return groups

    @property
    def _p_sil(self):
        return self._n_trans

    def _initial_theta(self):
        theta = np.zeros(self._n_trans + 2)
        for u in self._units:
            _, t0, _ = self._specs[u.name]
            theta[t0:t0 + u.transmat.size] = u.transmat.ravel()
        if self.silence is not None:
            if not 0 < float(self.silence_prob) < 1:
                raise ValueError(f"silence_prob={self.silence_prob} must lie in (0, 1).")
            theta[self._p_sil] = float(self.silence_prob)
            theta[self._p_sil + 1] = 1 - float(self.silence_prob)
        return theta

    def _word_slots(self, seq, words):
        """Validate one transcript; return its list of words."""
        if isinstance(words, str):
            words = words.split()
        words = list(words)
        if not words:
            raise ValueError(f"sequence {seq} has an empty transcript; give at least one "
                             "word, or drop the sequence.")
        for pos, w in enumerate(words):
            if w not in self._lex:
                known = ", ".join(map(repr, self._lex.words[:12]))
                raise ValueError(
                    f"sequence {seq}: word {w!r} (position {pos} of transcript "
                    f"{' '.join(map(str, words))!r}) is not in the lexicon; add it to the "
                    f"Lexicon (known words: {known}{', ...' if len(self._lex) > 12 else ''}).")
        return words

    def _training_graph(self, words):
        g = _Graph()
        P = self._p_sil
        frontier = [(_START, 0.0, ())]
        sil = self.silence

        def optional_silence(frontier, slot):
            skip = [(s, c, p + (P + 1,)) for s, c, p in frontier]
            into = [(s, c, p + (P,)) for s, c, p in frontier]
            _, exits = g.add_pron(self._specs, into, (sil,), 0.0, slot)
            return skip + exits

        if sil is not None:
            frontier = optional_silence(frontier, -1)
        for k, w in enumerate(words):
            variants = self._lex.variants(w)
            lv = -np.log(len(variants))
            new = []
            for pron in variants:
                _, exits = g.add_pron(self._specs, frontier, pron, lv, k)
                new += exits
            frontier = new
            if sil is not None:
                frontier = optional_silence(frontier, -1)
        if self.require_exit:
            g.connect(frontier, _END)
        else:
            g.edges.extend((s, _END, 0.0, ()) for s in range(len(g.inv)))
        return _Compiled(g, len(self._dist))

    def _decoding_graph(self, lexicon=None):
        lex = self._lex if lexicon is None else lexicon
        if not isinstance(lex, Lexicon):
            lex = Lexicon(lex)
        g = _Graph()
        P = self._p_sil
        sil = self.silence
        words = lex.words
        lw = -np.log(len(words)) + float(self.word_penalty)
        entries, exits = [], []
        for wi, w in enumerate(words):
            variants = lex.variants(w)
            lv = -np.log(len(variants))
            for pron in variants:
                for u in pron:
                    if u not in self._specs:
                        raise ValueError(f"decoding lexicon word {w!r} uses unit {u!r}, "
                                         "which the model does not have.")
                entry, ex = g.add_pron(self._specs, [], pron, 0.0, wi)
                g.entries[entry] = w
                entries.append((entry, lw + lv))
                exits += ex
        to_sil = (P,) if sil is not None else ()
        no_sil = (P + 1,) if sil is not None else ()
        starts = [(_START, 0.0, no_sil)] + [(s, c, p + no_sil) for s, c, p in exits]
        for entry, c in entries:
            g.connect(starts, entry, c)
        ends = [(s, c, p + no_sil) for s, c, p in exits]
        if sil is not None:
            sil_entry, sil_exits = g.add_pron(
                self._specs, [(_START, 0.0, to_sil)] + [(s, c, p + to_sil) for s, c, p in exits],
                (sil,), 0.0, -1)
            for entry, c in entries:
                g.connect(sil_exits, entry, c)
            ends += sil_exits
        g.connect(ends, _END)
        return _Compiled(g, len(self._dist))

    # -- data -------------------------------------------------------------------------------
    def _make_family(self, n_features):
        if self.covariance_type not in ("diag", "spherical", "full", "tied"):
            raise ValueError(f"covariance_type={self.covariance_type!r} is not known; use "
                             "'diag', 'spherical', 'full' or 'tied'.")
        return GaussianEmissions(ties.n_groups_of(self._groups), n_features,
                                 covariance_type=self.covariance_type, min_covar=self.min_covar,
                                 covars_prior=self.covars_prior, covars_weight=self.covars_weight)

    def _validate(self, X, lengths, transcripts=None):
        X = np.asarray(X)
        fam = GaussianEmissions(1, getattr(self, "n_features_in_", None))
        if X.ndim != 2:
            fam.check_X(X, None)
        offsets = check_lengths(lengths, X.shape[0])
        X = fam.check_X(X, offsets)
        if transcripts is None:
            return X, offsets, None
        if isinstance(transcripts, str) or len(transcripts) != len(offsets) - 1:
            n = 1 if isinstance(transcripts, str) else len(transcripts)
            raise ValueError(f"got {n} transcripts for {len(offsets) - 1} sequences; give "
                             "one transcript (list of words) per sequence.")
        batches = {}
        for s, tr in enumerate(transcripts):
            words = tuple(self._word_slots(s, tr))
            batches.setdefault(words, []).append(s)
        out = []
        for words, seqs in batches.items():
            comp = self._training_graph(words)
            need, dist = comp.min_frames()
            for s in seqs:
                T = int(offsets[s + 1] - offsets[s])
                if T < need:
                    # the word during which the frames run out
                    reach = np.full(len(words), np.inf)
                    for k in range(len(words)):
                        sel = comp.words_of == k
                        reach[k] = dist[sel].max() if sel.any() else 0
                    k = int(np.argmax(reach > T)) if np.any(reach > T) else len(words) - 1
                    raise ValueError(
                        f"sequence {s} has {T} frames but its transcript "
                        f"{' '.join(words)!r} needs at least {int(need)} (each state "
                        f"emits at least one frame); the frames run out in word "
                        f"{words[k]!r} (position {k}); check the transcript or use units "
                        "with fewer states.")
            rows = np.concatenate([np.arange(offsets[s], offsets[s + 1]) for s in seqs])
            lens = np.array([offsets[s + 1] - offsets[s] for s in seqs])
            sub = np.zeros(len(seqs) + 1, dtype=np.int64)
            np.cumsum(lens, out=sub[1:])
            out.append((comp, rows, sub, seqs))
        return X, offsets, out

    # -- initialisation ----------------------------------------------------------------------
    def _flat_start(self, X, fam, batches):
        G, F = fam.n_groups, X.shape[1]
        if self.init == "flat":
            w = np.ones((len(X), 1))
        elif self.init == "uniform":
            w = np.zeros((len(X), G))
            for comp, rows, sub, seqs in batches:
                # canonical path: the states of the first pronunciation, no silence
                path = [k for k in range(comp.K) if comp.words_of[k] >= 0]
                first = {}
                for k in path:
                    first.setdefault((comp.words_of[k], comp.inv[k]), k)
                path = sorted(set(first.values()))
                for i in range(len(seqs)):
                    r = rows[sub[i]:sub[i + 1]]
                    seg = np.floor(np.linspace(0, len(path), len(r), endpoint=False)).astype(int)
                    w[r, self._groups[comp.inv[np.array(path)[seg]]]] = 1.0
            unused = np.flatnonzero(w.sum(axis=0) == 0)
            if self.silence is not None:
                uoff = self._specs[self.silence][0]
                n_sil = self._specs[self.silence][2].shape[0]
                unused = np.setdiff1d(unused, self._groups[uoff:uoff + n_sil])
            if unused.size:
                warnings.warn(f"init='uniform': groups {unused.tolist()} occur in no training "
                              "transcript; they start from the global statistics.",
                              RuntimeWarning, stacklevel=3)
        elif isinstance(self.init, dict):
            sw, sx, sxx = _check_stats(self.init)
            if sw.shape[0] != self._n_inv or sx.shape[1] != F:
                raise ValueError(
                    f"init statistics have shapes {sw.shape}, {sx.shape}; expected "
                    f"({self._n_inv},), ({self._n_inv}, {F}) (one row per inventory state, "
                    "e.g. from state_statistics of a model with the same units).")
        else:
            raise ValueError(f"init={self.init!r} is not known; use 'flat', 'uniform' or a "
                             "dict of state statistics.")
        fam.n_features = F
        fam.means = np.tile(X.mean(axis=0), (G, 1))
        fam.initialize(X, np.random.default_rng(0), "c")       # global covariance
        if self.init == "uniform":
            est = fam.empty_stats()
            fam.accumulate(est, X, w)
            fam.m_step(est, "mc")
        elif isinstance(self.init, dict):
            # pool the states' statistics over each group (HHEd TC-style tying)
            gw = ties.pool(sw, self._groups, G)
            seen = gw > 0
            mean = ties.pool(sx, self._groups, G) / np.where(seen, gw, 1.0)[:, None]
            fam.means = np.where(seen[:, None], mean, fam.means)
            if self.covariance_type in ("diag", "spherical"):
                var = ties.pool(sxx, self._groups, G) / np.where(seen, gw, 1.0)[:, None] - mean ** 2
                var = np.maximum(var, self.min_covar)
                if self.covariance_type == "spherical":
                    var = var.mean(axis=1)
                    fam.covars = np.where(seen, var, fam.covars)
                else:
                    fam.covars = np.where(seen[:, None], var, fam.covars)

    # -- E-step / M-step ------------------------------------------------------------------------
    def _log_theta_ext(self):
        return np.append(safe_log(self.theta_), 0.0)

    def _estep(self, X, batches, kernels, fam, state_stats=False):
        lte = self._log_theta_ext()
        ll = fam.log_likelihood(X)
        G = fam.n_groups
        gpost = np.zeros((len(X), G))
        spost = np.zeros((len(X), self._n_inv)) if state_stats else None
        counts = np.zeros(len(self.theta_) + 1)
        total = 0.0
        for comp, rows, sub, seqs in batches:
            ls, lt, le, lws = comp.weights(lte)
            cgroups = self._groups[comp.inv]
            lfp = ll[rows[:, None], cgroups[None, :]]
            last = sub[1:] - 1
            lfp[last] += le[None, :]
            lp, post, xi = kernels.forward_backward(ls, lt, np.ascontiguousarray(lfp), sub)
            bad = np.flatnonzero(~np.isfinite(lp))
            if bad.size:
                s = seqs[int(bad[0])]
                raise ValueError(
                    f"sequence {s} has probability 0 under the current parameters (transcript "
                    "cannot be aligned); check the transcript, the unit topologies, or "
                    "raise min_covar.")
            total += float(lp.sum())
            _add_columns(gpost, rows, post, cgroups)
            if state_stats:
                _add_columns(spost, rows, post, comp.inv)
            occ0 = post[sub[:-1]].sum(axis=0)
            occT = post[last].sum(axis=0)
            (s0, d0, _, p0), (s1, d1, _, p1), (s2, d2, _, p2) = comp.parts
            np.add.at(counts, p0, (occ0[d0] * _edge_share(lws[0], ls, d0))[:, None])
            np.add.at(counts, p1, (xi[s1, d1] * _edge_share(lws[1], lt, (s1, d1)))[:, None])
            np.add.at(counts, p2, (occT[s2] * _edge_share(lws[2], le, s2))[:, None])
        est = fam.empty_stats()
        fam.accumulate(est, X, gpost)
        out = {"log_prob": total, "trans": counts[:-1], "emission": est}
        if state_stats:
            sfam = GaussianEmissions(self._n_inv, X.shape[1], covariance_type="diag")
            sst = sfam.empty_stats()
            sfam.accumulate(sst, X, spost)
            out["states"] = sst
        return out

    def _m_step(self, stats, fam, letters):
        if "t" in letters:
            new = np.where(self._allowed,
                           np.maximum(self.transmat_prior - 1.0 + stats["trans"], 0.0), 0.0)
            new = np.where(self.theta_ == 0, 0.0, new)       # structural zeros stay zero
            tot = np.bincount(self._dist, weights=new)[self._dist]
            self.theta_ = np.where(tot > 0, new / np.where(tot > 0, tot, 1.0), self.theta_)
        fam.m_step(stats["emission"], letters)

    # -- fit --------------------------------------------------------------------------------
    def fit(self, X, lengths=None, transcripts=None):
        """Embedded re-estimation: Baum-Welch on each sequence's composite model.

        Statistics of every copy of an inventory state (over positions and sequences)
        and of every use of a transition are pooled before each M-step.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        lengths : array-like of int, shape (n_sequences,), optional
        transcripts : list of (list of str or str), length n_sequences
            Words of each sequence (a string is split on whitespace).

        Returns
        -------
        self
        """
        if transcripts is None:
            raise ValueError("CompositeHMM.fit needs transcripts=: one list of words per "
                             "sequence.")
        check_letters(self.params, "tmcw", "params")
        check_positive_int(self.n_iter, "n_iter")
        n_mix = check_positive_int(self.n_mix, "n_mix")
        if n_mix > 1 and self.covariance_type != "diag":
            raise ValueError(f"n_mix={n_mix} needs covariance_type='diag' (mixture splitting "
                             "is implemented for diagonal Gaussians).")
        backend = resolve_backend(self.backend)
        kernels = get_kernels(backend)
        self._structure()
        for attr in ("emissions_", "n_features_in_"):
            self.__dict__.pop(attr, None)
        X, offsets, batches = self._validate(X, lengths, transcripts)
        fam = self._make_family(X.shape[1])
        self.theta_ = self._initial_theta()
        self._flat_start(X, fam, batches)
        self.backend_ = backend
        self.history_ = []
        letters = self.params

        def stage(fam):
            monitor = ConvergenceMonitor(self.tol, self.n_iter, self.verbose)

            def e_step():
                with _one_kernel_thread(backend):
                    st = self._estep(X, batches, kernels, fam)
                return st["log_prob"], st

            run_em(e_step, lambda st: self._m_step(st, fam, letters), monitor)
            self.history_.extend(monitor.history)
            return monitor

        self.monitor_ = stage(fam)
        m = 1
        while m < n_mix:
            if not isinstance(fam, DiagGMMEmissions):
                fam = DiagGMMEmissions.from_gaussian(fam)
            m = min(2 * m, n_mix)
            fam.split(m)
            self.emissions_ = fam
            self.monitor_ = stage(fam)
        self.emissions_ = fam
        self.n_features_in_ = X.shape[1]
        return self

    # -- fitted views ----------------------------------------------------------------------
    def _check_fitted(self):
        if not hasattr(self, "emissions_"):
            from sklearn.exceptions import NotFittedError
            raise NotFittedError("This CompositeHMM is not fitted yet; call fit(X, lengths, "
                                 "transcripts=...) first.")

    @property
    def state_names_(self):
        self._structure()
        return [f"{u.name}[{i}]" for u in self._units for i in range(u.n_states)]

    @property
    def transitions_(self):
        self._check_fitted()
        out = {}
        for u in self._units:
            _, t0, _ = self._specs[u.name]
            n = u.n_states
            out[u.name] = self.theta_[t0:t0 + n * (n + 1)].reshape(n, n + 1).copy()
        return out

    @property
    def silence_prob_(self):
        self._check_fitted()
        return float(self.theta_[self._p_sil]) if self.silence is not None else 0.0

    @property
    def group_means_(self):
        self._check_fitted()
        return self.emissions_.means

    @property
    def group_covars_(self):
        self._check_fitted()
        return self.emissions_.covars

    @property
    def means_(self):
        """Per inventory state, shape (n_inventory_states, n_features) (or with a mixture axis)."""
        return self.group_means_[self._groups]

    @property
    def covars_(self):
        c = self.group_covars_
        return c if self.covariance_type == "tied" else c[self._groups]

    def n_parameters(self):
        """Free scalars: emission parameters per group, transition rows, silence choice."""
        self._check_fitted()
        fam = self.emissions_
        letters = "wmc" if isinstance(fam, DiagGMMEmissions) else "mc"
        n = fam.n_parameters(letters)
        free = self._allowed & (self.theta_ > 0)
        n += int(free.sum() - len(np.unique(self._dist[free])))
        return n

    # -- inference ------------------------------------------------------------------------
    def _prepare(self, X, lengths, transcripts=None):
        self._check_fitted()
        self._structure()
        X, offsets, batches = self._validate(X, lengths, transcripts)
        return X, offsets, batches, get_kernels(self.backend_)

    def score(self, X, lengths=None, transcripts=None):
        """Total log-likelihood of ``X`` given the transcripts (forced composite models)."""
        X, offsets, batches, kernels = self._prepare(X, lengths, transcripts)
        with _one_kernel_thread(self.backend_):
            return self._estep(X, batches, kernels, self.emissions_)["log_prob"]

    def state_statistics(self, X, lengths=None, transcripts=None):
        """Pooled single-Gaussian statistics of every inventory state under the posteriors.

        Returns
        -------
        dict
            ``sum_w`` (S,), ``sum_x`` (S, F), ``sum_xx`` (S, F): occupancy, first and
            second moments summed over all sequences and every position where the
            state occurs; ``log_prob``; ``trans`` (expected count of each transition
            parameter). Feed it to :func:`cluster_states`.
        """
        X, offsets, batches, kernels = self._prepare(X, lengths, transcripts)
        with _one_kernel_thread(self.backend_):
            st = self._estep(X, batches, kernels, self.emissions_, state_stats=True)
        out = dict(st["states"])
        out["log_prob"] = st["log_prob"]
        out["trans"] = st["trans"]
        return out

    def align(self, X, lengths=None, transcripts=None):
        """Forced Viterbi alignment.

        Returns
        -------
        log_prob : ndarray (n_sequences,)
        states : ndarray of int (n_samples,)
            Inventory state of each frame (index into ``state_names_``).
        """
        X, offsets, batches, kernels = self._prepare(X, lengths, transcripts)
        ll = self.emissions_.log_likelihood(X)
        lte = self._log_theta_ext()
        lp_out = np.empty(len(offsets) - 1)
        st_out = np.empty(len(X), dtype=np.int64)
        for comp, rows, sub, seqs in batches:
            ls, lt, le, _ = comp.weights(lte)
            lfp = ll[rows[:, None], self._groups[comp.inv][None, :]]
            lfp[sub[1:] - 1] += le[None, :]
            lp, states = kernels.viterbi(ls, lt, np.ascontiguousarray(lfp), sub)
            lp_out[seqs] = lp
            st_out[rows] = comp.inv[states]
        return lp_out, st_out

    def decode(self, X, lengths=None, lexicon=None, return_log_prob=False):
        """Connected-word recognition with a looped grammar.

        Any word of the lexicon, any number of times, optional silence before, between
        and after words; ``word_penalty`` is added per word.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        lengths : array-like of int, optional
        lexicon : Lexicon, optional
            Decoding vocabulary (default: the training lexicon). Variants of a word
            (e.g. one model per training token) all decode to the word.

        Returns
        -------
        list of list of str
            Recognised words per sequence (and the Viterbi log-probabilities if
            ``return_log_prob``).
        """
        X, offsets, _, kernels = self._prepare(X, lengths)
        comp = self._decoding_graph(lexicon)
        ls, lt, le, _ = comp.weights(self._log_theta_ext())
        lfp = self.emissions_.log_likelihood(X)[:, self._groups[comp.inv]]
        lfp[offsets[1:] - 1] += le[None, :]
        lp, states = kernels.viterbi(ls, lt, np.ascontiguousarray(lfp), offsets)
        out = []
        for s in range(len(offsets) - 1):
            path = states[offsets[s]:offsets[s + 1]]
            new = np.ones(len(path), dtype=bool)
            new[1:] = path[1:] != path[:-1]
            out.append([comp.entries[int(k)] for k, n in zip(path, new)
                        if n and int(k) in comp.entries])
        return (out, lp) if return_log_prob else out

    predict = decode


# ---------------------------------------------------------------------------------------
# word error rate
# ---------------------------------------------------------------------------------------
def edit_distance(ref, hyp):
    """Levenshtein alignment of two word lists.

    Returns
    -------
    dict with ``substitutions``, ``deletions``, ``insertions``, ``errors`` (their sum)
    and ``n_ref``.
    """
    ref, hyp = list(ref), list(hyp)
    R, H = len(ref), len(hyp)
    # cost, then (sub, del, ins) of one optimal alignment
    D = np.zeros((R + 1, H + 1), dtype=np.int64)
    D[:, 0] = np.arange(R + 1)
    D[0, :] = np.arange(H + 1)
    for i in range(1, R + 1):
        for j in range(1, H + 1):
            D[i, j] = min(D[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]),
                          D[i - 1, j] + 1, D[i, j - 1] + 1)
    i, j, sub, dele, ins = R, H, 0, 0, 0
    while i > 0 or j > 0:
        if i > 0 and j > 0 and D[i, j] == D[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]):
            sub += ref[i - 1] != hyp[j - 1]
            i, j = i - 1, j - 1
        elif i > 0 and D[i, j] == D[i - 1, j] + 1:
            dele += 1
            i -= 1
        else:
            ins += 1
            j -= 1
    return {"substitutions": int(sub), "deletions": dele, "insertions": ins,
            "errors": int(D[R, H]), "n_ref": R}


def _as_words(x):
    return x.split() if isinstance(x, str) else list(x)


def word_error_rate(ref, hyp, return_counts=False):
    """Word error rate (S + D + I) / N by Levenshtein alignment.

    Parameters
    ----------
    ref, hyp : list of str (one utterance), or lists of those (a corpus; errors and
        reference words are summed before dividing). Strings are split on whitespace.

    Returns
    -------
    float (and the summed counts dict if ``return_counts``)
    """
    single = isinstance(ref, str) or (len(ref) > 0 and isinstance(list(ref)[0], str))
    if single or len(ref) == 0:
        pairs = [(ref, hyp)]
    else:
        ref, hyp = list(ref), list(hyp)
        if len(ref) != len(hyp):
            raise ValueError(f"got {len(ref)} references but {len(hyp)} hypotheses; give "
                             "one hypothesis per reference.")
        pairs = list(zip(ref, hyp))
    tot = {"substitutions": 0, "deletions": 0, "insertions": 0, "errors": 0, "n_ref": 0}
    for r, h in pairs:
        c = edit_distance(_as_words(r), _as_words(h))
        for k in tot:
            tot[k] += c[k]
    if tot["n_ref"] == 0:
        raise ValueError("the reference has no words; the word error rate is undefined.")
    wer = tot["errors"] / tot["n_ref"]
    return (wer, tot) if return_counts else wer


# ---------------------------------------------------------------------------------------
# learning tie groups
# ---------------------------------------------------------------------------------------
def _check_stats(stats):
    try:
        w = np.asarray(stats["sum_w"], dtype=np.float64)
        x = np.asarray(stats["sum_x"], dtype=np.float64)
        xx = np.asarray(stats["sum_xx"], dtype=np.float64)
    except (KeyError, TypeError):
        raise ValueError("stats must be a dict with 'sum_w' (S,), 'sum_x' (S, F) and "
                         "'sum_xx' (S, F), e.g. CompositeHMM.state_statistics(...) or "
                         "tiedpgm.composite.state_stats_from_labels(X, labels).") from None
    if w.ndim != 1 or x.ndim != 2 or xx.shape != x.shape or x.shape[0] != w.shape[0]:
        raise ValueError(f"stats have shapes sum_w {w.shape}, sum_x {x.shape}, sum_xx "
                         f"{xx.shape}; expected (S,), (S, F), (S, F).")
    if np.any(w < 0) or not (np.all(np.isfinite(x)) and np.all(np.isfinite(xx))):
        raise ValueError("stats must be finite with non-negative occupancies sum_w.")
    return w, x, xx


def state_stats_from_labels(X, labels, n_states=None):
    """Single-Gaussian statistics of hard-labelled frames: dict sum_w, sum_x, sum_xx."""
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    S = int(labels.max()) + 1 if n_states is None else int(n_states)
    onehot = ties.onehot(labels, S)
    return {"sum_w": onehot.sum(axis=0), "sum_x": onehot.T @ X, "sum_xx": onehot.T @ X ** 2}


def pooled_log_likelihood(sum_w, sum_x, sum_xx, min_var=1e-3):
    """Log-likelihood of the pooled frames under their own ML diagonal Gaussian.

    ``-0.5 * n * (F (1 + log 2 pi) + sum_f log var_f)`` with ``var = sum_xx/n - mean**2``
    floored at ``min_var`` (HTK's TB/NC criterion). 0 for an empty pool.
    """
    n = float(sum_w)
    if n <= 0:
        return 0.0
    mean = np.atleast_1d(np.asarray(sum_x, dtype=np.float64)) / n
    var = np.maximum(np.atleast_1d(np.asarray(sum_xx, dtype=np.float64)) / n - mean ** 2,
                     min_var)
    F = mean.shape[-1]
    return float(-0.5 * n * (F * (1 + _LOG_2PI) + np.log(var).sum()))


def cluster_states(stats, n_groups=None, threshold=None, *, method="merge", questions=None,
                   state_names=None, within=None, min_var=1e-3, min_occupancy=0.0,
                   return_info=False):
    """Learn tie groups: states whose pooled single Gaussian loses least likelihood share.

    Parameters
    ----------
    stats : dict
        ``sum_w`` (S,), ``sum_x`` (S, F), ``sum_xx`` (S, F): per-state occupancy and
        moments (``CompositeHMM.state_statistics`` or :func:`state_stats_from_labels`).
    n_groups : int, optional
        Stop when this many groups remain (merge) or exist (tree).
    threshold : float, optional
        Merge: stop before a merge that loses more than ``threshold`` nats (HTK NC).
        Tree: stop when no split gains at least ``threshold`` (HTK TB). At least one of
        ``n_groups``/``threshold`` is needed; with both, whichever stops first.
    method : {"merge", "tree"}
        "merge": bottom-up agglomerative clustering, each step merging the two groups
        with the smallest loss ``L(a) + L(b) - L(a u b)``. "tree": top-down splitting
        with yes/no ``questions``, each step taking the split of largest gain.
    questions : dict name -> (iterable of state indices or names, or callable(name) -> bool)
        Needed for "tree".
    state_names : list of str, optional
        Names for questions given as names/callables (e.g. ``model.state_names_``).
    within : array-like of int (S,), optional
        Class per state: only states of the same class may share (merge) / each class
        is the root of its own tree (HTK builds one tree per phone state).
    min_var : float
        Variance floor in the pooled likelihood.
    min_occupancy : float
        Tree: both sides of a split need at least this occupancy.
    return_info : bool
        Also return a dict: ``merges`` [(states_a, states_b, loss)] or ``splits``
        [(states, question, gain)], and ``log_likelihood`` of the final grouping.

    Returns
    -------
    tie_groups : ndarray of int64, shape (S,)
        Group ids ``0..G-1`` numbered by first state; pass as ``tie_groups=``.
    """
    w, x, xx = _check_stats(stats)
    S = len(w)
    if n_groups is None and threshold is None:
        raise ValueError("cluster_states needs n_groups= or threshold= (or both) to know "
                         "when to stop.")
    if n_groups is not None:
        n_groups = check_positive_int(n_groups, "n_groups")
        if n_groups > S:
            raise ValueError(f"n_groups={n_groups} exceeds the {S} states.")
    cls = np.zeros(S, dtype=np.int64) if within is None else np.asarray(within)
    if cls.shape != (S,):
        raise ValueError(f"within has shape {cls.shape}; expected one class per state ({S},).")

    def L(idx):
        idx = list(idx)
        return pooled_log_likelihood(w[idx].sum(), x[idx].sum(axis=0), xx[idx].sum(axis=0),
                                     min_var)

    if method == "merge":
        groups = {i: (i,) for i in range(S)}
        ll = {i: L((i,)) for i in range(S)}
        heap = []
        for i in range(S):
            for j in range(i + 1, S):
                if cls[i] == cls[j]:
                    heapq.heappush(heap, (ll[i] + ll[j] - L((i, j)), i, j))
        merges = []
        next_id = S
        while len(groups) > (n_groups or 1) and heap:
            cost, i, j = heapq.heappop(heap)
            if i not in groups or j not in groups:
                continue
            if threshold is not None and cost > threshold:
                break
            new = tuple(sorted(groups[i] + groups[j]))
            merges.append((groups[i], groups[j], float(cost)))
            del groups[i], groups[j]
            lnew = L(new)
            c_new = cls[new[0]]
            for k, mem in groups.items():
                if cls[mem[0]] == c_new:
                    heapq.heappush(heap, (ll[k] + lnew - L(mem + new), k, next_id))
            groups[next_id] = new
            ll[next_id] = lnew
            next_id += 1
        leaves = list(groups.values())
        info = {"merges": merges}
    elif method == "tree":
        if not questions:
            raise ValueError("method='tree' needs questions={name: states or callable}.")
        qsets = {}
        for name, q in questions.items():
            if callable(q):
                if state_names is None:
                    raise ValueError(f"question {name!r} is a callable; give state_names= "
                                     "to ask it about each state.")
                qsets[name] = {i for i, s in enumerate(state_names) if q(s)}
            else:
                members = set()
                for v in q:
                    if isinstance(v, str):
                        if state_names is None or v not in state_names:
                            raise ValueError(f"question {name!r} names state {v!r}, which is "
                                             "not in state_names.")
                        members.add(list(state_names).index(v))
                    else:
                        members.add(int(v))
                qsets[name] = members
        leaves = [tuple(np.flatnonzero(cls == c).tolist()) for c in np.unique(cls)]
        splits = []
        while n_groups is None or len(leaves) < n_groups:
            best = None
            for li, leaf in enumerate(leaves):
                base = L(leaf)
                for name, qs in qsets.items():
                    yes = tuple(i for i in leaf if i in qs)
                    no = tuple(i for i in leaf if i not in qs)
                    if not yes or not no:
                        continue
                    if min(w[list(yes)].sum(), w[list(no)].sum()) < min_occupancy:
                        continue
                    gain = L(yes) + L(no) - base
                    if best is None or gain > best[0]:
                        best = (gain, li, name, yes, no)
            if best is None or (threshold is not None and best[0] < threshold):
                break
            gain, li, name, yes, no = best
            splits.append((leaves[li], name, float(gain)))
            leaves[li:li + 1] = [yes, no]
        info = {"splits": splits}
    else:
        raise ValueError(f"method={method!r} is not known; use 'merge' or 'tree'.")
    tie_groups = np.empty(S, dtype=np.int64)
    for g, mem in enumerate(sorted(leaves, key=min)):
        tie_groups[list(mem)] = g
    if return_info:
        info["log_likelihood"] = float(sum(L(m) for m in leaves))
        return tie_groups, info
    return tie_groups
