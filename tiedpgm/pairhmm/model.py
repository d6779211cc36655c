"""The pair HMM of Durbin et al. (1998), ch. 4, with tied insert states.

States: M emits an aligned pair (x_i, y_j) with joint probability p(a, b); X_k emits
x_i against a gap with q_X(a); Y_k emits y_j against a gap with q_Y(b). Begin behaves
as M; every state moves to the end state with probability tau; there are no X<->Y
moves. With one insert pair::

    M -> M: 1 - 2 delta - tau    M -> X, M -> Y: delta    M -> end: tau
    X -> X: epsilon              X -> M: 1 - epsilon - tau  X -> end: tau

``symmetric=True`` ties {X_k, Y_k} (one delta_k, epsilon_k and one insert
distribution q) and {p(a, b), p(b, a)}, so P(x, y) = P(y, x). ``n_insert_pairs=2``
adds a second pair of insert states (ProbCons' long-gap states) with its own delta_2,
epsilon_2; all insert states of one side share q.
"""
import json
import math
import os
from importlib import resources

import numpy as np

from .._validation import check_stochastic
from . import kernels_reference as ref
from .io import Encoder, _seq_id

OPS = "MID"
_BACKENDS = ("auto", "numba", "numpy", "cupy")
_OPS_BYTES = np.frombuffer(OPS.encode("ascii"), dtype=np.uint8)   # op code -> letter


# ------------------------------------------------------------------------ Alignment
class Alignment:
    """A pairwise alignment of x (query) and y.

    Attributes
    ----------
    ops : str
        One letter per column: ``M`` x_i with y_j, ``I`` x_i against a gap,
        ``D`` y_j against a gap.
    log_prob : float
        Log joint probability of x, y and this alignment under the model (Viterbi: the
        best state path; MEA: summed over the insert-state labels of the columns).
    expected_accuracy : float
        Sum of the match posteriors of the aligned pairs divided by min(len(x), len(y))
        (ProbCons' definition); 1.0 when a sequence is empty.
    path : ndarray of int, shape (n_columns,)
        Hidden state of each column (0 = M, 1..K = X_k, K+1..2K = Y_k); for MEA the
        insert states are those of the most probable labelling of the columns.
    """

    def __init__(self, x, y, ops, log_prob=float("nan"), expected_accuracy=float("nan"),
                 path=None, id_x="x", id_y="y", method="viterbi"):
        self.x, self.y, self.ops = x, y, ops
        self.log_prob = float(log_prob)
        self.expected_accuracy = float(expected_accuracy)
        self.path = path
        self.id_x, self.id_y, self.method = id_x, id_y, method

    def __repr__(self):
        return (f"Alignment({self.id_x} vs {self.id_y}, method={self.method!r}, "
                f"cigar={self.cigar!r}, log_prob={self.log_prob:.6g}, "
                f"expected_accuracy={self.expected_accuracy:.4f})")

    def __str__(self):
        mid = "".join("|" if (o == "M" and a == b) else ("." if o == "M" else " ")
                      for o, a, b in zip(self.ops, self.aligned_x, self.aligned_y))
        return f"{self.aligned_x}\n{mid}\n{self.aligned_y}"

    def __eq__(self, other):
        return isinstance(other, Alignment) and (self.x, self.y, self.ops) == (
            other.x, other.y, other.ops)

    @property
    def cigar(self):
        """Run-length encoded ops, e.g. ``'3M1I2M'``."""
        if not self.ops:
            return ""
        out, run, prev = [], 0, self.ops[0]
        for o in self.ops:
            if o == prev:
                run += 1
            else:
                out.append(f"{run}{prev}")
                run, prev = 1, o
        out.append(f"{run}{prev}")
        return "".join(out)

    def _aligned(self, seq, consume):
        out, k = [], 0
        for o in self.ops:
            if o in consume:
                out.append(seq[k])
                k += 1
            else:
                out.append("-")
        return "".join(out)

    @property
    def aligned_x(self):
        return self._aligned(self.x, "MI")

    @property
    def aligned_y(self):
        return self._aligned(self.y, "MD")

    def aligned_pairs(self):
        """Set of 0-based (i, j) index pairs of the match columns."""
        pairs, i, j = set(), 0, 0
        for o in self.ops:
            if o == "M":
                pairs.add((i, j))
                i, j = i + 1, j + 1
            elif o == "I":
                i += 1
            else:
                j += 1
        return pairs

    def mirror(self):
        """The same alignment with the roles of x and y swapped (I <-> D)."""
        ops = self.ops.translate(str.maketrans("ID", "DI"))
        path = None if self.path is None else self._mirror_path(np.asarray(self.path))
        out = Alignment(self.y, self.x, ops, self.log_prob, self.expected_accuracy, path,
                        self.id_y, self.id_x, self.method)
        out._n_insert_pairs = getattr(self, "_n_insert_pairs", None)
        return out

    def _mirror_path(self, p):
        K = getattr(self, "_n_insert_pairs", None)
        if K is None:
            K = max(1, (int(p.max()) + 1) // 2) if p.size else 1
        out = p.copy()
        xs = (p >= 1) & (p <= K)
        ys = p > K
        out[xs] = p[xs] + K
        out[ys] = p[ys] - K
        return out

    def to_biopython(self):
        """Return a :class:`Bio.Align.Alignment` (target x, query y)."""
        from Bio.Align import Alignment as BioAlignment
        from Bio.Seq import Seq
        from Bio.SeqRecord import SeqRecord
        coords = [[0], [0]]
        i = j = 0
        prev = None
        for o in self.ops:
            if o != prev and prev is not None:
                coords[0].append(i)
                coords[1].append(j)
            if o == "M":
                i, j = i + 1, j + 1
            elif o == "I":
                i += 1
            else:
                j += 1
            prev = o
        coords[0].append(i)
        coords[1].append(j)
        recs = [SeqRecord(Seq(self.x), id=str(self.id_x)),
                SeqRecord(Seq(self.y), id=str(self.id_y))]
        return BioAlignment(recs, np.array(coords))


# ------------------------------------------------------------------------- PairHMM
def _as_2d_param(value, K, symmetric, name):
    """Canonical (K, 2) array [insert pair, side X/Y] for delta or epsilon."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full((K, 2), float(arr))
    if arr.ndim == 1:
        if arr.shape[0] == K:
            return np.repeat(arr[:, None], 2, axis=1)
        if K == 1 and arr.shape[0] == 2 and not symmetric:
            return arr[None, :].copy()
    if arr.ndim == 2 and arr.shape == (K, 2):
        if symmetric and np.any(arr[:, 0] != arr[:, 1]):
            raise ValueError(
                f"{name} gives different X and Y values {arr.tolist()} but symmetric=True ties "
                "X and Y; pass one value per insert pair or use symmetric=False.")
        return arr.copy()
    shapes = f"a number or {K} value(s), one per insert pair"
    if not symmetric:
        shapes += f", or shape ({K}, 2) for (X, Y) of each pair"
    raise ValueError(f"{name} has shape {arr.shape}; expected {shapes}.")


class PairHMM:
    """Global pair HMM (Durbin et al. ch. 4) with tied insert states.

    Parameters
    ----------
    alphabet : str
        Symbols, e.g. ``"ACGT"``; input letters are upper-cased.
    delta : float or array-like, shape (n_insert_pairs,) or (n_insert_pairs, 2)
        Gap-open probability M -> X_k (and M -> Y_k). (K, 2) gives (X, Y) values and
        needs ``symmetric=False``.
    epsilon : float or array-like, same shapes as ``delta``
        Gap-extend probability X_k -> X_k.
    tau : float
        Probability of moving to the end state, the same from every state, in (0, 1).
    match_prob : array-like, shape (A, A), optional
        Joint emission p(a, b) of M, summing to 1; symmetrised ``(P + P.T) / 2`` when
        ``symmetric=True``. Default: half identity, half independent uniform.
    insert_prob : array-like, shape (A,) or (2, A), optional
        Insert emission q (shared by X and Y) or (q_X, q_Y). Default: uniform.
    symmetric : bool
        Tie X with Y (delta, epsilon, q) and p(a, b) with p(b, a).
    n_insert_pairs : {1, 2}
        Number of insert-state pairs; 2 adds a long-gap pair as in ProbCons.
    wildcard : str, optional
        Letters (e.g. ``"NX"``) read as an unknown residue that emits with the background
        (its emission is marginalised over the alphabet).
    backend : {"auto", "numba", "numpy", "cupy"}
        Kernel backend; "auto" = numba. The NumPy reference is for checking. "cupy" runs
        forward (``score_many``, ``log_likelihood``), posteriors, MEA and Viterbi
        alignments and the E-step of :meth:`fit` on an NVIDIA GPU in float64
        (:mod:`tiedpgm.pairhmm.gpu`; needs numba-cuda and a GPU, else a RuntimeError says
        to use "numba"; see ``docs/gpu.md``).

    Notes
    -----
    Unlike scikit-learn estimators, the constructor validates the parameters: a
    pair HMM is mostly used with given parameters, and an invalid model should fail
    where it is written. ``get_params`` returns the constructor arguments unchanged.
    """

    def __init__(self, alphabet="ACDEFGHIKLMNPQRSTVWY", delta=0.05, epsilon=0.4, tau=0.01,
                 match_prob=None, insert_prob=None, symmetric=True, n_insert_pairs=1,
                 wildcard=None, backend="auto"):
        self.alphabet = alphabet
        self.delta = delta
        self.epsilon = epsilon
        self.tau = tau
        self.match_prob = match_prob
        self.insert_prob = insert_prob
        self.symmetric = symmetric
        self.n_insert_pairs = n_insert_pairs
        self.wildcard = wildcard
        self.backend = backend
        self._encoder = Encoder(alphabet, wildcard)
        A = len(self._encoder.alphabet)
        if n_insert_pairs not in (1, 2) or isinstance(n_insert_pairs, bool):
            raise ValueError(f"n_insert_pairs must be 1 or 2; got {n_insert_pairs!r}.")
        if backend not in _BACKENDS:
            raise ValueError(f"backend={backend!r} is not known; use 'auto', 'numba', 'numpy' "
                             "or 'cupy'.")
        K = n_insert_pairs
        sym = bool(symmetric)
        d = _as_2d_param(delta, K, sym, "delta")
        e = _as_2d_param(epsilon, K, sym, "epsilon")
        if match_prob is None:
            match_prob = 0.5 * np.eye(A) / A + 0.5 / (A * A)
        P = np.asarray(match_prob, dtype=np.float64)
        if P.shape != (A, A):
            raise ValueError(f"match_prob has shape {P.shape}; expected ({A}, {A}) for "
                             f"alphabet {self._encoder.alphabet!r}.")
        check_stochastic(P.ravel(), "match_prob (all entries together)")
        if insert_prob is None:
            insert_prob = np.full(A, 1.0 / A)
        q = np.asarray(insert_prob, dtype=np.float64)
        if q.shape == (A,):
            q = np.vstack([q, q])
        if q.shape != (2, A):
            raise ValueError(f"insert_prob has shape {q.shape}; expected ({A},) or (2, {A}).")
        check_stochastic(q, "insert_prob")
        if sym:
            P = (P + P.T) / 2
            q = np.vstack([(q[0] + q[1]) / 2] * 2)
        self._set(d, e, float(tau), P, q)

    # -- parameters ----------------------------------------------------------------
    def _set(self, d, e, tau, P, q):
        tau_ok = isinstance(tau, float) and 0.0 < tau < 1.0
        if not tau_ok:
            raise ValueError(f"tau = {tau!r} is outside (0, 1); tau is the probability of "
                             "ending and must be strictly between 0 and 1.")
        for name, v in (("delta", d), ("epsilon", e)):
            if not np.all(np.isfinite(v)) or np.any(v < 0) or np.any(v >= 1):
                raise ValueError(f"{name} = {v.tolist()} is outside [0, 1); it is a probability.")
        mm = 1.0 - d.sum() - tau
        if mm < 0:
            raise ValueError(
                f"M -> M = 1 - sum(delta) - tau = {mm:.4g} < 0: the row of M is not stochastic; "
                f"need {'2*' if d.shape[0] == 1 else 'the sum of all '}delta + tau <= 1.")
        bad = np.argwhere(1.0 - e - tau < 0)
        if bad.size:
            k, side = bad[0]
            raise ValueError(
                f"insert state {'XY'[side]}{k + 1}: 1 - epsilon - tau = "
                f"{1 - e[k, side] - tau:.4g} < 0, the row is not stochastic; "
                "need epsilon + tau <= 1.")
        self._d, self._e, self._tau, self._P, self._q = d, e, tau, P, q
        self._tables_cache = None

    @property
    def n_states(self):
        return 1 + 2 * self.n_insert_pairs

    @property
    def state_names(self):
        K = self.n_insert_pairs
        return ["M"] + [f"X{k + 1}" for k in range(K)] + [f"Y{k + 1}" for k in range(K)]

    @property
    def delta_(self):
        """Gap open: shape (K,) if symmetric, else (K, 2) for (X, Y)."""
        return self._d[:, 0].copy() if self.symmetric else self._d.copy()

    @property
    def epsilon_(self):
        return self._e[:, 0].copy() if self.symmetric else self._e.copy()

    @property
    def tau_(self):
        return self._tau

    @property
    def match_prob_(self):
        return self._P.copy()

    @property
    def insert_prob_(self):
        """Shape (A,) if symmetric, else (2, A) for (q_X, q_Y)."""
        return self._q[0].copy() if self.symmetric else self._q.copy()

    @property
    def transmat_(self):
        """(S, S + 1) transition matrix over (M, X_1.., Y_1.., end); begin uses row M."""
        t = self._tables()
        return np.hstack([t["trans"], t["end"][:, None]])

    def get_params(self, deep=True):
        keys = ("alphabet", "delta", "epsilon", "tau", "match_prob", "insert_prob",
                "symmetric", "n_insert_pairs", "wildcard", "backend")
        return {k: getattr(self, k) for k in keys}

    def set_params(self, **params):
        args = self.get_params()
        unknown = set(params) - set(args)
        if unknown:
            raise ValueError(f"unknown parameter(s) {sorted(unknown)}; valid: {sorted(args)}.")
        args.update(params)
        self.__init__(**args)
        return self

    def _tables(self):
        if self._tables_cache is not None:
            return self._tables_cache
        K, S = self.n_insert_pairs, self.n_states
        d, e, tau = self._d, self._e, self._tau
        T = np.zeros((S, S))
        T[0, 0] = 1.0 - d.sum() - tau
        for k in range(K):
            xk, yk = 1 + k, 1 + K + k
            T[0, xk], T[0, yk] = d[k, 0], d[k, 1]
            T[xk, xk], T[xk, 0] = e[k, 0], 1.0 - e[k, 0] - tau
            T[yk, yk], T[yk, 0] = e[k, 1], 1.0 - e[k, 1] - tau
        T = np.maximum(T, 0.0)
        end = np.full(S, tau)
        P, q = self._P, self._q
        A = P.shape[0]
        if self._encoder.wildcard:
            # the wildcard emits with the background: p(*, b) = sum_a p(a, b), q(*) = 1
            Pw = np.zeros((A + 1, A + 1))
            Pw[:A, :A] = P
            Pw[A, :A] = P.sum(axis=0)
            Pw[:A, A] = P.sum(axis=1)
            Pw[A, A] = 1.0
            qw = np.hstack([q, np.ones((2, 1))])
        else:
            Pw, qw = P, q
        rx = np.where(qw[0] > 0, qw[0], 1.0)
        ry = np.where(qw[1] > 0, qw[1], 1.0)
        with np.errstate(divide="ignore"):
            tabs = dict(
                trans=T, end=end,
                om=np.ascontiguousarray(Pw / np.outer(rx, ry)),
                fx=np.ascontiguousarray(np.repeat((qw[0] / rx)[None], K, axis=0)),
                fy=np.ascontiguousarray(np.repeat((qw[1] / ry)[None], K, axis=0)),
                lrx=np.log(rx), lry=np.log(ry),
                log_trans=np.log(T), log_end=np.log(end), log_match=np.log(Pw),
                log_ins_x=np.ascontiguousarray(np.repeat(np.log(qw[0])[None], K, axis=0)),
                log_ins_y=np.ascontiguousarray(np.repeat(np.log(qw[1])[None], K, axis=0)),
                log_qx=np.log(qw[0]), log_qy=np.log(qw[1]))
        self._tables_cache = tabs
        return tabs

    def _fast_args(self):
        t = self._tables()
        return (t["trans"], t["end"], t["om"], t["fx"], t["fy"], t["lrx"], t["lry"])

    def _log_args(self):
        t = self._tables()
        return (t["log_trans"], t["log_end"], t["log_match"], t["log_ins_x"], t["log_ins_y"])

    def _use_numba(self, backend=None):
        """True for every backend but "numpy" (CPU work of "cupy" runs on Numba)."""
        b = self.backend if backend is None else backend
        if b not in _BACKENDS:
            raise ValueError(f"backend={b!r} is not known; use 'auto', 'numba', 'numpy' "
                             "or 'cupy'.")
        return b != "numpy"

    def _use_gpu(self, backend=None):
        """True for backend "cupy"; raises a clear error when no GPU can run it."""
        b = self.backend if backend is None else backend
        if not self._use_numba(b) or b != "cupy":
            return False
        from . import gpu
        gpu.require_device()
        return True

    # -- persistence ---------------------------------------------------------------
    def to_dict(self):
        """JSON-ready parameters (lists, not arrays)."""
        return {
            "format": "tiedpgm.PairHMM/1",
            "alphabet": self._encoder.alphabet,
            "symmetric": bool(self.symmetric),
            "n_insert_pairs": int(self.n_insert_pairs),
            "wildcard": self.wildcard,
            "delta": self.delta_.tolist(),
            "epsilon": self.epsilon_.tolist(),
            "tau": self._tau,
            "match_prob": self._P.tolist(),
            "insert_prob": self.insert_prob_.tolist(),
        }

    @classmethod
    def from_dict(cls, d, **overrides):
        if not isinstance(d, dict) or "alphabet" not in d:
            raise ValueError("parameters must be a dict as written by PairHMM.to_dict() "
                             "(keys alphabet, delta, epsilon, tau, match_prob, insert_prob, ...).")
        missing = [k for k in ("delta", "epsilon", "tau", "match_prob", "insert_prob")
                   if k not in d]
        if missing:
            raise ValueError(f"parameter dict lacks {missing}; write it with PairHMM.to_dict().")
        args = {k: d[k] for k in ("alphabet", "delta", "epsilon", "tau", "match_prob",
                                  "insert_prob", "symmetric", "n_insert_pairs", "wildcard")
                if k in d}
        args.update(overrides)
        return cls(**args)

    def save(self, path):
        with open(path, "w") as fh:
            json.dump(self.to_dict(), fh, indent=1)

    @classmethod
    def load(cls, path, **overrides):
        if not os.path.exists(path):
            raise FileNotFoundError(f"no such parameter file: {path}")
        try:
            with open(path) as fh:
                d = json.load(fh)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path} is not valid JSON: {exc}") from exc
        return cls.from_dict(d, **overrides)

    @classmethod
    def from_preset(cls, name, **overrides):
        """Ready-to-use parameters.

        ``"protein"``: 20 amino acids, symmetric, two insert pairs, tuned for MEA
        alignment. Emissions are ProbCons 1.12's defaults tempered towards the background
        (log-odds scaled by 0.6); transitions and tau were learned by :meth:`fit`
        (Baum-Welch) on unaligned pairs from the bundled Pfam training families
        (``tiedpgm.datasets.pfam.TRAIN_FAMILIES``: 15 Pfam seeds from HMMER's examples and
        Biopython's test files; never the held-out test families Pkinase and fn3). See
        ``tiedpgm/pairhmm/presets/README.md``.

        ``"dna"``: ACGT, symmetric, one insert pair, wildcard N; trained with :meth:`fit`
        (Baum-Welch) on pairs from the bundled Dfam MADE1 seed alignment.

        ``overrides`` (e.g. ``wildcard="X"``, ``backend="numpy"``) replace stored values.
        """
        names = ("protein", "dna")
        if name not in names:
            raise ValueError(f"unknown preset {name!r}; choose one of {names}.")
        text = resources.files("tiedpgm.pairhmm").joinpath("presets", f"{name}.json").read_text()
        return cls.from_dict(json.loads(text), **overrides)

    # -- encoding ------------------------------------------------------------------
    def _encode_pair(self, x, y, idx=None):
        sx = "x" if idx is None else f"pair {idx} x"
        sy = "y" if idx is None else f"pair {idx} y"
        id_x, id_y = _seq_id(x, sx), _seq_id(y, sy)
        cx, tx = self._encoder.encode(x, f"sequence {id_x!r}" if id_x != sx else sx)
        cy, ty = self._encoder.encode(y, f"sequence {id_y!r}" if id_y != sy else sy)
        return cx, cy, tx, ty, id_x, id_y

    def _swap(self, cx, cy):
        """True when a symmetric model should evaluate the pair as (y, x).

        A symmetric model evaluates every pair in one canonical orientation (shorter
        first, then by codes) and mirrors the result, so swapping x and y returns
        bit-identical mirrored output.
        """
        if not self.symmetric:
            return False
        if len(cx) != len(cy):
            return len(cx) > len(cy)
        return cx.tobytes() > cy.tobytes()

    # -- single-pair inference -------------------------------------------------------
    def _score_codes(self, cx, cy, backend=None):
        if self._swap(cx, cy):
            cx, cy = cy, cx
        if self._use_gpu(backend):
            from . import gpu
            lp, flags = gpu.score([cx], [cy], *self._log_args())
            if not flags[0]:
                return float(lp[0])
        elif self._use_numba(backend):
            from . import kernels_numba as nk
            lp, flag = nk.forward_score(cx, cy, *self._fast_args())
            if not flag:
                return float(lp)
        return float(ref.forward(cx, cy, *self._log_args())[0])

    def log_likelihood(self, x, y):
        """log P(x, y) summed over all alignments (forward algorithm)."""
        cx, cy, *_ = self._encode_pair(x, y)
        return self._score_codes(cx, cy)

    def _random_log_prob(self, cx, cy, eta):
        t = self._tables()
        n, m = len(cx), len(cy)
        return (2 * math.log(eta) + (n + m) * math.log1p(-eta)
                + float(t["log_qx"][cx].sum()) + float(t["log_qy"][cy].sum()))

    def _eta(self, eta):
        eta = self._tau if eta is None else float(eta)
        if not 0.0 < eta < 1.0:
            raise ValueError(f"eta = {eta!r} is outside (0, 1); it is the random model's "
                             "end probability.")
        return eta

    def log_odds(self, x, y, eta=None):
        """log P(x, y | model) - log P(x, y | random), Durbin §4.2.

        The random model emits x and y independently with q_X and q_Y and geometric
        lengths of end probability ``eta`` (default: tau).
        """
        cx, cy, *_ = self._encode_pair(x, y)
        return self._score_codes(cx, cy) - self._random_log_prob(cx, cy, self._eta(eta))

    def _posterior_codes(self, cx, cy, backend=None):
        """(log P, post_m (n, m), post_x (n,), post_y (m,)) in the given orientation."""
        if self._swap(cx, cy):
            lp, pm, px, py = self._posterior_raw(cy, cx, backend)
            return lp, pm.T, py, px
        return self._posterior_raw(cx, cy, backend)

    def _posterior_raw(self, cx, cy, backend=None):
        if self._use_gpu(backend):
            # the GPU computes match posteriors only; P(x_i in X) = 1 - sum_j P(x_i ~ y_j)
            from . import gpu
            lp, flags, post = gpu.posterior_match([cx], [cy], *self._log_args())
            if not flags[0]:
                pm = post[0]
                px = np.clip(1.0 - pm.sum(axis=1), 0.0, 1.0)
                py = np.clip(1.0 - pm.sum(axis=0), 0.0, 1.0)
                return self._symmetrize_same(cx, cy, float(lp[0]), pm, px, py)
        elif self._use_numba(backend):
            from . import kernels_numba as nk
            lp, flag, pm, px, py = nk.posterior(cx, cy, *self._fast_args())
            if not flag:
                return self._symmetrize_same(cx, cy, float(lp), pm, px, py)
        lp, post = ref.posterior(cx, cy, *self._log_args())
        K = self.n_insert_pairs
        pm = post[0, 1:, 1:].copy()
        px = post[1:1 + K, 1:, :].sum(axis=(0, 2))
        py = post[1 + K:, :, 1:].sum(axis=(0, 1))
        return self._symmetrize_same(cx, cy, float(lp), pm, px, py)

    def _symmetrize_same(self, cx, cy, lp, pm, px, py):
        """For x == y under a symmetric model the exact posterior is symmetric; remove
        the rounding asymmetry so that (x, x) and its transpose agree bit for bit."""
        if self.symmetric and len(cx) == len(cy) and np.array_equal(cx, cy):
            pm = (pm + pm.T) / 2
            px = py = (px + py) / 2
        return lp, pm, px, py

    def _check_possible(self, lp, id_x, id_y):
        if not np.isfinite(lp):
            raise ValueError(f"the pair ({id_x}, {id_y}) has probability 0 under this model "
                             "(a structural zero forbids every alignment).")

    def posterior(self, x, y, return_inserts=False):
        """Match posteriors P(x_i aligned to y_j | x, y), shape (len(x), len(y)).

        With ``return_inserts=True`` also return P(x_i in an X state), shape (n,), and
        P(y_j in a Y state), shape (m,); for every i, ``post[i].sum() + px[i] == 1``.
        """
        cx, cy, _, _, id_x, id_y = self._encode_pair(x, y)
        lp, pm, px, py = self._posterior_codes(cx, cy)
        self._check_possible(lp, id_x, id_y)
        return (pm, px, py) if return_inserts else pm

    def _ops_from_states(self, states):
        K = self.n_insert_pairs
        return "".join("M" if s == 0 else ("I" if s <= K else "D") for s in states)

    def _viterbi_codes(self, cx, cy, backend=None):
        if self._use_gpu(backend):
            from . import gpu
            _, flags, _, states, vlp = gpu.viterbi([cx], [cy], *self._log_args(),
                                                   posteriors=False)
            if not flags[0]:
                return float(vlp[0]), states[0].astype(np.int64)
        if self._use_numba(backend):
            from . import kernels_numba as nk
            lp, states = nk.viterbi(cx, cy, *self._log_args())
        else:
            lp, states = ref.viterbi(cx, cy, *self._log_args())
        return float(lp), np.asarray(states)

    def _label_ops(self, cx, cy, ops):
        """(log P(x, y, ops) summed over insert labels, most probable state labels)."""
        K, S = self.n_insert_pairs, self.n_states
        lt, le, lm, lx, ly = self._log_args()
        col_states = {"M": [0], "I": list(range(1, 1 + K)), "D": list(range(1 + K, S))}
        fwd = np.full(S, -np.inf)
        fwd[0] = 0.0
        vit = fwd.copy()
        back = []
        i = j = 0
        for o in ops:
            nf = np.full(S, -np.inf)
            nv = np.full(S, -np.inf)
            ptr = np.zeros(S, dtype=np.int64)
            if o == "M":
                i, j = i + 1, j + 1
            elif o == "I":
                i += 1
            else:
                j += 1
            for s in col_states[o]:
                e = lm[cx[i - 1], cy[j - 1]] if s == 0 else (
                    lx[s - 1, cx[i - 1]] if s <= K else ly[s - 1 - K, cy[j - 1]])
                nf[s] = ref._lse(fwd + lt[:, s]) + e
                c = vit + lt[:, s]
                ptr[s] = int(np.argmax(c))
                nv[s] = c[ptr[s]] + e
            fwd, vit = nf, nv
            back.append(ptr)
        total = ref._lse(fwd + le)
        s = int(np.argmax(vit + le))
        path = []
        for ptr in back[::-1]:
            path.append(s)
            s = int(ptr[s])
        return float(total), np.array(path[::-1], dtype=np.int64)

    def _align_codes(self, cx, cy, tx, ty, id_x, id_y, method, backend=None):
        if self._swap(cx, cy):
            return self._align_codes(cy, cx, ty, tx, id_y, id_x, method, backend).mirror()
        lp, pm, px, py = self._posterior_raw(cx, cy, backend)
        self._check_possible(lp, id_x, id_y)
        if method == "viterbi":
            vlp, states = self._viterbi_codes(cx, cy, backend)
            ops = self._ops_from_states(states)
            path = states
        else:
            if self._use_numba(backend):
                from . import kernels_numba as nk
                _, ops_arr = nk.mea(pm)
                ops = "".join(OPS[o] for o in ops_arr)
            else:
                ops = ref.mea(pm)[1]
            vlp, path = self._label_ops(cx, cy, ops)
        acc = _expected_accuracy(pm, ops)
        aln = Alignment(tx, ty, ops, vlp, acc, path, id_x, id_y, method)
        aln._n_insert_pairs = self.n_insert_pairs
        return aln

    def viterbi(self, x, y):
        """Most probable state path as an :class:`Alignment` (log_prob = its log P)."""
        return self.align(x, y, method="viterbi")

    def align(self, x, y, method="mea"):
        """Align x (query) to y.

        Parameters
        ----------
        method : {"mea", "viterbi"}
            ``"mea"``: maximum expected accuracy (ProbCons): maximise the summed match
            posteriors of the aligned pairs. ``"viterbi"``: most probable state path.

        Returns
        -------
        Alignment
        """
        if method not in ("mea", "viterbi"):
            raise ValueError(f"method={method!r} is not known; use 'mea' or 'viterbi'.")
        cx, cy, tx, ty, id_x, id_y = self._encode_pair(x, y)
        return self._align_codes(cx, cy, tx, ty, id_x, id_y, method)

    # -- score-based equivalents -----------------------------------------------------
    def affine_scores(self, eta=None):
        """Log-odds substitution matrix and affine gap scores equivalent to Viterbi.

        With one insert pair, the log-odds (vs the random model, end probability
        ``eta``) of any alignment equals its affine-gap score plus ``constant``
        (Durbin §4.2, with the end-gap correction of the end state):

        * ``substitution[a, b] = log(p_ab / (q_a q_b)) + log(1 - 2 delta - tau) - 2 log(1 - eta)``
        * internal and leading gaps:
          ``open = log(delta (1 - eps - tau) / ((1 - 2 delta - tau)(1 - eta)))``
          for the first gap column, ``extend = log(eps / (1 - eta))`` for each further one
        * trailing gaps (followed by the end state): ``end_open = log(delta / (1 - eta))``
        * ``constant = log(tau) - 2 log(eta)``

        Returns a dict with these keys; with ``symmetric=False`` the gap entries are
        dicts ``{"x": ..., "y": ...}`` for gaps in x ('D' columns) and in y ('I').
        """
        if self.n_insert_pairs != 1:
            raise ValueError("affine-gap equivalents exist only for n_insert_pairs=1; a "
                             "second insert pair makes gap costs non-affine.")
        eta = self._eta(eta)
        t = self._tables()
        tau = self._tau
        A = len(self._encoder.alphabet)
        mm = t["trans"][0, 0]
        l1e = math.log1p(-eta)
        with np.errstate(divide="ignore"):
            sub = (t["log_match"][:A, :A] - t["log_qx"][:A, None] - t["log_qy"][None, :A]
                   + math.log(mm) - 2 * l1e)

        def gaps(side):   # side 0: X states (x vs gap, 'I'), 1: Y states ('D')
            d, e = self._d[0, side], self._e[0, side]
            return dict(open=math.log(d * (1 - e - tau) / (mm * (1 - eta))),
                        extend=math.log(e / (1 - eta)) if e > 0 else -math.inf,
                        end_open=math.log(d / (1 - eta)))
        gx, gy = gaps(0), gaps(1)
        out = dict(alphabet=self._encoder.alphabet, substitution=sub,
                   constant=math.log(tau) - 2 * math.log(eta), eta=eta)
        if self.symmetric:
            out.update(gx)
        else:
            for key in gx:
                out[key] = {"x": gy[key], "y": gx[key]}
        return out

    def pairwise_aligner(self, eta=None):
        """A Biopython ``PairwiseAligner`` (global) scoring like this model's Viterbi.

        ``aligner.score(x, y) + affine_scores(eta)["constant"]`` equals the log-odds of
        the Viterbi alignment whenever the best-scoring alignment has no gap in x
        directly next to a gap in y (which this model forbids).
        """
        from Bio.Align import PairwiseAligner, substitution_matrices
        s = self.affine_scores(eta)
        A = len(s["alphabet"])
        arr = substitution_matrices.Array(alphabet=s["alphabet"], dims=2,
                                          data=np.asarray(s["substitution"]).reshape(A, A))
        al = PairwiseAligner()
        al.mode = "global"
        al.substitution_matrix = arr
        x_g = {k: (s[k] if self.symmetric else s[k]["y"]) for k in ("open", "extend", "end_open")}
        y_g = {k: (s[k] if self.symmetric else s[k]["x"]) for k in ("open", "extend", "end_open")}
        # target = x, query = y: an 'I' column (x_i vs gap) is a gap in the query, which
        # Biopython >= 1.86 calls a deletion (older: query_*_gap_score)
        new_names = "open_internal_deletion_score" in dir(al)
        for kind, g in (("deletion", x_g), ("insertion", y_g)):
            old_side = "query" if kind == "deletion" else "target"
            for where in ("internal", "left", "right"):
                open_ = g["end_open"] if where == "right" else g["open"]
                if new_names:
                    setattr(al, f"open_{where}_{kind}_score", open_)
                    setattr(al, f"extend_{where}_{kind}_score", g["extend"])
                else:  # pragma: no cover - older Biopython
                    setattr(al, f"{old_side}_{where}_open_gap_score", open_)
                    setattr(al, f"{old_side}_{where}_extend_gap_score", g["extend"])
        return al

    # -- batches ------------------------------------------------------------------------
    def _encode_pairs(self, pairs):
        enc = []
        for p, pair in enumerate(pairs):
            try:
                x, y = pair
            except (TypeError, ValueError):
                raise ValueError(f"pairs[{p}] is not a (x, y) pair of sequences.") from None
            enc.append(self._encode_pair(x, y, p))
        return enc

    def _batch(self, enc, kind, backend=None, progress=None, desc=""):
        return _run_batch(self, enc, kind, backend, progress, desc)

    def score_many(self, pairs, progress=None, backend=None):
        """log P(x, y) for every pair, in parallel; returns ndarray (n_pairs,)."""
        enc = self._encode_pairs(pairs)
        return self._batch(enc, "score", backend, progress, "score")["log_prob"]

    def align_many(self, pairs, method="mea", eta=None, progress=None, backend=None):
        """Align every pair in parallel; returns a pandas DataFrame with columns
        id_x, id_y, log_likelihood, log_odds, expected_accuracy, cigar, aligned_x, aligned_y.

        ``progress``: None shows a tqdm bar for more than 1,000 pairs; True/False force it.
        """
        import pandas as pd
        if method not in ("mea", "viterbi"):
            raise ValueError(f"method={method!r} is not known; use 'mea' or 'viterbi'.")
        eta = self._eta(eta)
        enc = self._encode_pairs(pairs)
        res = self._batch(enc, method, backend, progress, "align")
        rows = []
        for p, (cx, cy, tx, ty, id_x, id_y) in enumerate(enc):
            lp = res["log_prob"][p]
            ops, acc = res["ops"][p], res["expected_accuracy"][p]
            if ops is None:
                self._check_possible(lp, id_x, id_y)
            aln = Alignment(tx, ty, ops)
            rows.append((id_x, id_y, lp, lp - self._random_log_prob(cx, cy, eta), acc,
                         aln.cigar, aln.aligned_x, aln.aligned_y))
        return pd.DataFrame(rows, columns=["id_x", "id_y", "log_likelihood", "log_odds",
                                           "expected_accuracy", "cigar", "aligned_x",
                                           "aligned_y"])

    # -- training ------------------------------------------------------------------------
    def fit(self, pairs, n_iter=50, tol=1e-4, learn_tau=False, learn_emissions=True,
            verbose=False, progress=False, backend=None):
        """Baum-Welch EM on unaligned pairs, tied statistics pooled.

        Expected counts are **summed over all pairs** (not averaged per pair as in
        ProbCons), then pooled within each tie group before one M-step: with
        ``symmetric=True`` the X_k and Y_k counts of delta_k, epsilon_k and q are added,
        and the match counts C are symmetrised, p = (C + C^T) / (2 sum C).

        Parameters
        ----------
        pairs : sequence of (x, y)
        n_iter : int
            Maximum number of EM iterations.
        tol : float
            Stop when the log-likelihood gains less than ``tol``.
        learn_tau : bool
            False (default): tau stays fixed, it only sets the length distribution, and
            the other parameters of each row share the remaining 1 - tau. True: tau is
            re-estimated as (number of pairs) / (expected number of transitions), one
            value tied across all states (the MLE, since every row is (1 - tau) times a
            free distribution).
        learn_emissions : bool
            Re-estimate p and q (default) or keep them fixed.
        backend : {None, "auto", "numba", "numpy", "cupy"}
            Overrides ``self.backend`` for this call. With "cupy" the expected counts are
            computed on the GPU (float64) and ``backend_`` records "cupy".

        Returns
        -------
        self
            With ``monitor_`` (log-likelihood history), ``backend_`` and ``n_pairs_``.
        """
        from ..engine import ConvergenceMonitor, run_em
        enc = self._encode_pairs(pairs)
        if not enc:
            raise ValueError("pairs is empty; give at least one (x, y) pair to fit.")
        backend_ = ("cupy" if self._use_gpu(backend) else
                    "numpy" if not self._use_numba(backend) else "numba")

        def e_step():
            r = self._batch(enc, "counts", backend, progress, "E-step")
            return float(np.sum(r["log_prob"])), r

        def m_step(stats):
            self._m_step(stats, learn_tau, learn_emissions)

        self.monitor_ = ConvergenceMonitor(tol, n_iter, verbose)
        run_em(e_step, m_step, self.monitor_)
        self.backend_ = backend_
        self.n_pairs_ = len(enc)
        return self

    def _m_step(self, stats, learn_tau=False, learn_emissions=True):
        """Closed-form tied M-step from summed counts (see :meth:`fit`)."""
        K = self.n_insert_pairs
        c = stats["trans"]
        A = len(self._encoder.alphabet)
        if learn_tau:
            tau = float(stats["end"].sum() / (c.sum() + stats["end"].sum()))
        else:
            tau = self._tau
        free = 1.0 - tau
        xs = np.arange(1, 1 + K)
        ys = np.arange(1 + K, 1 + 2 * K)
        row_m = c[0].sum()
        d = np.empty((K, 2))
        e = np.empty((K, 2))
        if self.symmetric:
            d[:, 0] = d[:, 1] = free * (c[0, xs] + c[0, ys]) / (2 * row_m)
            stay = c[xs, xs] + c[ys, ys]
            leave = c[xs, 0] + c[ys, 0]
            e[:, 0] = e[:, 1] = free * stay / np.maximum(stay + leave, 1e-300)
        else:
            d[:, 0] = free * c[0, xs] / row_m
            d[:, 1] = free * c[0, ys] / row_m
            e[:, 0] = free * c[xs, xs] / np.maximum(c[xs, xs] + c[xs, 0], 1e-300)
            e[:, 1] = free * c[ys, ys] / np.maximum(c[ys, ys] + c[ys, 0], 1e-300)
        P, q = self._P, self._q
        if learn_emissions:
            C = stats["match"][:A, :A]
            qx = stats["ins_x"][:, :A].sum(axis=0)
            qy = stats["ins_y"][:, :A].sum(axis=0)
            if self.symmetric:
                P = (C + C.T) / (2 * C.sum())
                qq = qx + qy
                q = np.vstack([qq / qq.sum()] * 2)
            else:
                P = C / C.sum()
                q = np.vstack([qx / max(qx.sum(), 1e-300), qy / max(qy.sum(), 1e-300)])
                for side in (0, 1):     # no observed inserts on a side: keep the old q
                    if (qx, qy)[side].sum() == 0:
                        q[side] = self._q[side]
        self._set(d, e, tau, P, q)

    def sample(self, n_pairs, random_state=None):
        """Draw (x, y, ops) triples from the model; x, y are str over the alphabet."""
        rng = np.random.default_rng(random_state)
        t = self._tables()
        T, tau = t["trans"], self._tau
        K, S = self.n_insert_pairs, self.n_states
        A = len(self._encoder.alphabet)
        P, q = self._P, self._q
        Pflat = P.ravel() / P.sum()
        alpha = self._encoder.alphabet
        out = []
        for _ in range(n_pairs):
            s, x, y, ops = 0, [], [], []
            while True:
                row = np.append(T[s], tau)
                s = int(rng.choice(S + 1, p=row / row.sum()))
                if s == S:
                    break
                if s == 0:
                    ab = int(rng.choice(A * A, p=Pflat))
                    x.append(alpha[ab // A])
                    y.append(alpha[ab % A])
                    ops.append("M")
                elif s <= K:
                    x.append(alpha[int(rng.choice(A, p=q[0]))])
                    ops.append("I")
                else:
                    y.append(alpha[int(rng.choice(A, p=q[1]))])
                    ops.append("D")
            out.append(("".join(x), "".join(y), "".join(ops)))
        return out

    def __repr__(self):
        d = np.round(self.delta_, 4).tolist()
        e = np.round(self.epsilon_, 4).tolist()
        return (f"PairHMM(alphabet={self._encoder.alphabet!r}, delta={d}, epsilon={e}, "
                f"tau={self._tau:.4g}, symmetric={self.symmetric}, "
                f"n_insert_pairs={self.n_insert_pairs})")


def _expected_accuracy(pm, ops):
    n, m = pm.shape
    if min(n, m) == 0:
        return 1.0
    i = j = 0
    acc = 0.0
    for o in ops:
        if o == "M":
            acc += pm[i, j]
            i, j = i + 1, j + 1
        elif o == "I":
            i += 1
        else:
            j += 1
    return acc / min(n, m)


# --------------------------------------------------------------------------- batches
_BLOCK = 1000     # pairs per kernel call when a progress bar is shown
_BLOCK_GPU = 20000   # the same for backend="cupy" (enough pairs to fill a GPU)
# MEA through lane groups keeps an 8-byte table over 8 lanes of the group's largest
# (n+1) x (m+1); pairs above this many cells take the per-pair kernels (8 bytes per own
# cell), so one very long pair does not need eight times its table
_LANE_MAX_CELLS = 1 << 21


def _chunks(cells, n_chunks):
    """Partition pair indices into n_chunks chunks balanced by DP cells (greedy LPT)."""
    import heapq
    order = np.argsort(-cells, kind="stable")
    heap = [(0, c) for c in range(n_chunks)]
    members = [[] for _ in range(n_chunks)]
    for p in order:
        load, c = heapq.heappop(heap)
        members[c].append(int(p))
        heapq.heappush(heap, (load + int(cells[p]), c))
    off = np.zeros(n_chunks + 1, dtype=np.int64)
    off[1:] = np.cumsum([len(m) for m in members])
    flat = np.array([p for m in members for p in m], dtype=np.int64)
    return flat, off


def _concat(seqs):
    off = np.zeros(len(seqs) + 1, dtype=np.int64)
    off[1:] = np.cumsum([len(s) for s in seqs])
    cat = np.concatenate(seqs).astype(np.uint8) if seqs else np.zeros(0, np.uint8)
    if cat.size == 0:
        cat = np.zeros(1, np.uint8)     # numba wants a non-empty buffer to slice
    return cat, off


def _run_batch(model, enc, kind, backend, progress, desc):
    """Run the kernels over encoded pairs in their canonical orientation.

    kind: "score" -> log_prob; "counts" -> log_prob + summed expected counts;
    "mea" / "viterbi" -> log_prob, ops (str per pair, in the caller's orientation) of the
    MEA / Viterbi alignment, and its expected_accuracy.
    Pairs flagged by the fast kernels (extreme dynamic range) are redone in log space.
    """
    P = len(enc)
    K, S = model.n_insert_pairs, model.n_states
    A = model._tables()["om"].shape[0]
    swaps = [model._swap(e[0], e[1]) for e in enc]
    xs = [e[1] if sw else e[0] for e, sw in zip(enc, swaps)]
    ys = [e[0] if sw else e[1] for e, sw in zip(enc, swaps)]
    out = {"log_prob": np.empty(P)}
    if kind == "counts":
        out.update(trans=np.zeros((S, S)), end=np.zeros(S), match=np.zeros((A, A)),
                   ins_x=np.zeros((K, A)), ins_y=np.zeros((K, A)))
    if kind in ("mea", "viterbi"):
        out["ops"] = [None] * P
        out["expected_accuracy"] = np.empty(P)
    use_numba = model._use_numba(backend)
    use_gpu = model._use_gpu(backend)
    show = (P > _BLOCK) if progress is None else bool(progress)
    step = _BLOCK_GPU if use_gpu else _BLOCK
    blocks = [np.arange(s, min(s + step, P)) for s in range(0, P, step)] if show \
        else [np.arange(P)]
    bar = None
    if show:
        from tqdm import tqdm
        bar = tqdm(total=P, desc=desc, unit="pair", leave=False)
    try:
        for idx in blocks:
            flagged = list(idx) if not use_numba else []
            if use_gpu and len(idx):
                flagged = _run_gpu_block(model, xs, ys, idx, kind, out)
            elif use_numba and len(idx):
                flagged = _run_numba_block(model, xs, ys, idx, kind, out)
            for p in flagged:
                _run_reference_pair(model, xs[p], ys[p], p, kind, out, use_numba)
            if bar is not None:
                bar.update(len(idx))
    finally:
        if bar is not None:
            bar.close()
    if kind in ("mea", "viterbi"):
        for p in range(P):
            ops = out["ops"][p]
            if ops is not None and swaps[p]:
                out["ops"][p] = ops.translate(str.maketrans("ID", "DI"))
    return out


def _run_numba_block(model, xs, ys, idx, kind, out, lanes=True):
    import numba
    from . import kernels_numba as nk
    if len(idx) == 0:
        return []
    if kind == "mea" and lanes:
        big = np.array([(len(xs[p]) + 1) * (len(ys[p]) + 1) > _LANE_MAX_CELLS for p in idx],
                       dtype=bool)
        if big.any():
            return (_run_numba_block(model, xs, ys, idx[~big], kind, out)
                    + _run_numba_block(model, xs, ys, idx[big], kind, out, lanes=False))
    bx, by = [xs[p] for p in idx], [ys[p] for p in idx]
    xcat, xoff = _concat(bx)
    ycat, yoff = _concat(by)
    use_lanes = lanes and kind in ("score", "mea")
    if use_lanes:
        # eight pairs of similar lengths per vector lane group; prange over chunks of
        # groups balanced by padded cells
        from . import kernels_lanes as kl
        groups, gcells = kl.make_groups(np.diff(xoff), np.diff(yoff))
        cp, co = _chunks(gcells, max(1, min(len(groups), numba.get_num_threads())))
        args = (xcat, xoff, ycat, yoff, groups, cp, co) + model._fast_args()
    else:
        cells = np.array([(len(a) + 1) * (len(b) + 1) for a, b in zip(bx, by)],
                         dtype=np.int64)
        cp, co = _chunks(cells, max(1, min(len(idx), numba.get_num_threads())))
        args = (xcat, xoff, ycat, yoff, cp, co) + model._fast_args()
    if kind == "score":
        lp, flags = kl.score_groups(*args)   # use_lanes: always for scores
    elif kind == "counts":
        lp, flags, *counts = nk.batch_counts(*args)
        _add_counts(out, counts)
    else:
        if kind == "viterbi":
            res = nk.batch_viterbi(*args, *model._log_args())
        elif use_lanes:
            res = kl.mea_groups(*args)
        else:
            res = nk.batch_mea(*args)
        lp, flags, score, ops_cat, ops_off = res
        for t, p in enumerate(idx):
            if flags[t] or not np.isfinite(lp[t]):
                continue
            L = len(bx[t]) + len(by[t])
            ops = ops_cat[ops_off[t]:ops_off[t] + L]
            out["ops"][p] = _OPS_BYTES[ops[ops >= 0]].tobytes().decode("ascii")
            mn = min(len(bx[t]), len(by[t]))
            out["expected_accuracy"][p] = score[t] / mn if mn else 1.0
    out["log_prob"][idx] = lp
    return [int(idx[t]) for t in np.flatnonzero(flags)]


def _add_counts(out, counts):
    """Add one block's expected counts (trans, end, match, ins_x, ins_y) into ``out``."""
    for key, c in zip(("trans", "end", "match", "ins_x", "ins_y"), counts):
        out[key] += c


def _run_gpu_block(model, xs, ys, idx, kind, out):
    """Score, count, MEA- or Viterbi-align the pairs ``idx`` on the GPU (float64);
    returns the flagged ones."""
    from . import gpu
    bx, by = [xs[p] for p in idx], [ys[p] for p in idx]
    if kind == "score":
        lp, flags = gpu.score(bx, by, *model._log_args())
    elif kind == "counts":
        lp, flags, *counts = gpu.expected_counts(bx, by, *model._log_args())
        _add_counts(out, counts)
    else:
        if kind == "viterbi":
            lp, flags, score, ops, _ = gpu.viterbi(bx, by, *model._log_args())
            K = model.n_insert_pairs     # states -> op codes: 0 = M, 1 = I, 2 = D
            ops = [None if s is None else (s > 0).astype(np.int8) + (s > K) for s in ops]
        else:
            lp, flags, score, ops = gpu.mea(bx, by, *model._log_args())
        for t, p in enumerate(idx):
            if flags[t]:
                continue
            out["ops"][p] = _OPS_BYTES[ops[t]].tobytes().decode("ascii")
            mn = min(len(bx[t]), len(by[t]))
            out["expected_accuracy"][p] = score[t] / mn if mn else 1.0
    out["log_prob"][idx] = lp
    return [int(idx[t]) for t in np.flatnonzero(flags)]


def _run_reference_pair(model, cx, cy, p, kind, out, use_numba=False):
    args = model._log_args()
    if kind == "score":
        out["log_prob"][p] = ref.forward(cx, cy, *args)[0]
    elif kind == "counts":
        lp, *counts = ref.expected_counts(cx, cy, *args)
        out["log_prob"][p] = lp
        if np.isfinite(lp):
            _add_counts(out, counts)
    else:
        lp, post = ref.posterior(cx, cy, *args)
        out["log_prob"][p] = lp
        if np.isfinite(lp):
            pm = post[0, 1:, 1:]
            if kind == "viterbi":
                if use_numba:     # same result, faster
                    from . import kernels_numba as nk
                    states = nk.viterbi(cx, cy, *args)[1]
                else:
                    states = ref.viterbi(cx, cy, *args)[1]
                ops = model._ops_from_states(states)
                out["ops"][p] = ops
                out["expected_accuracy"][p] = _expected_accuracy(pm, ops)
                return
            score, ops = ref.mea(pm)
            out["ops"][p] = ops
            mn = min(len(cx), len(cy))
            out["expected_accuracy"][p] = score / mn if mn else 1.0
