"""Numba CPU kernels for a *banded* sparse transition matrix (non-zeros on a few
diagonals: left-right / Bakis models), the fast layout behind
:mod:`tiedpgm.kernels.sparse_numba`.

The matrix is stored by diagonals: ``prob[o, i] = A[i, i + d_o]`` for each offset ``d_o``
(0 where the entry is off the support or outside the matrix). Every recursion is then a
few contiguous loops over the states (one per diagonal), which LLVM vectorises; there are
no index gathers. Same outputs and conventions as the CSR kernels and the oracles
(:mod:`tiedpgm.kernels.sparse_reference`, :mod:`tiedpgm.kernels.reference`):

* every recursion is exact whatever the dynamic range: no underflow, no fallback to
  detect one. Forward and backward variables are held in *extended-exponent* form,
  a float64 mantissa in [1, 2) and an int64 exponent (:func:`_exp_ext`, :func:`_pow2`):
  products add exponents, a sum of a state's few incoming (or outgoing) terms is taken
  relative to its largest term, and only a term below 2**-1022 of the largest term of
  its *own* sum is dropped. So no state is lost because another state fits the data far
  better (the failure of a recursion scaled per frame: a left-right sequence that runs
  through the states three times scored -26146 instead of -9778, with every scale factor
  far from underflow). Relative error ~1e-15 per step, as in the log-space oracle; the
  cost is one vectorised polynomial exp per state and frame plus integer operations, no
  logs. With 3 diagonals whose probabilities all lie in [2**-200, 1] (a left-right
  model, say) the transitions are plain float64 and each sum is taken relative to its
  largest source instead (:func:`plain_form`): one integer load and add fewer per term;
* the forward pass works on the window of states with non-zero alpha (exact zeros
  outside: states not yet reachable in a left-right model) and computes every alpha
  in it exactly. In ``forward_backward`` and ``forward_backward_stats`` it also trims
  the window's ends of states whose paths a bound *proves* negligible: beta_t is at
  most the product over the later frames of (largest row sum of A) x (largest density
  of the frame) (:func:`_suffix_bound`), so the paths through the trimmed states weigh
  at most D = sum of alpha_t(i) x that bound; the pass is accepted only if D <= 2**-60
  of the P it found, else the sequence is redone untrimmed (the issue sequence below
  is). Which states to trim is a guess (from how loose the bound has been so far,
  :data:`PRUNE_BITS`); only the check at the end makes it safe. So ``log_prob`` is
  exact to 2**-60 relative in P, and the posteriors to that absolute error. It keeps
  alpha compactly (:func:`_pack_row`): per frame, on the span of states within
  2**-1000 of the frame's largest alpha, as float64 relative to it; below that only
  the bound is kept;
* the backward pass works on the window of nodes that carry posterior mass: the
  successors of the previous window, less the ends whose posterior is below
  ``TOTAL_DROP / (T * K)`` (TOTAL_DROP = 2**-60). A node is dropped (beta set to 0 for
  the frames before) only when its posterior share over the paths the pass still
  follows is *certainly* below that bound -- computed from its alpha, or from the
  bound when only that was kept -- so all dropped paths together weigh less than
  2**-60 of P: posteriors, and each frame's expected transitions, are exact to that
  absolute error. If a node whose alpha was kept only as a bound might carry more, the
  sequence is redone with the exact (T, K) alpha stored (:func:`_ext_backward`; 16
  bytes per state and frame instead of ~8 bytes on the span). On the S1 benchmark
  (K=512, uniform start) the trimmed forward window covers ~126 states (all 512 in the
  first PRUNE_AFTER frames and without trimming), the stored span ~114 and the
  backward window ~47 (~44 before it is widened towards a multiple of
  :data:`WINDOW_PAD` states). Both passes compute their windows widened to multiples of
  WINDOW_PAD states where they can, by states whose values are exact zeros, and are
  compiled for 512-bit vectors where the CPU has them (:func:`~._llvm.wide_vectors`;
  ~10% faster on the S1 benchmark);
* ``forward_backward_stats`` (a fit's E-step) runs the same passes but takes its frames
  from a per-symbol table or computes diagonal Gaussian log densities on the states
  each pass needs (:func:`_frame`; with one feature, the forward pass computes them in
  its row loop, :func:`_fwd_row3g`), and hands each sequence's posteriors (kept
  compactly, on the backward windows) to statistics (:func:`_sink_seq`): no (N, K)
  array at all;
* ``score`` runs the forward pass without storing alpha (and without trimming);
* a sequence of probability 0 has log_prob -inf and NaN posteriors, and then the whole
  ``xi_sum`` is NaN;
* Viterbi ties go to the lowest state index.
"""
import math
from typing import NamedTuple

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.core.extending import intrinsic, overload

from ._llvm import wide_vectors
from ._scratch import kept_empty

__all__ = ["BandedTransmat", "to_banded", "banded_form", "forward_backward",
           "forward_backward_stats", "score", "viterbi"]

#: the banded layout is used when the non-zeros lie on at most this many diagonals ...
MAX_DIAGONALS = 16
#: ... and the diagonals hold at most this many slots per non-zero (fill >= 1/2)
MAX_SLOTS_PER_NONZERO = 2.0


class BandedTransmat(NamedTuple):
    """A (K, K) transition matrix by its diagonals.

    Attributes
    ----------
    n_states : int
    diag : int64 (n_diag,)           offsets d = j - i of the diagonals, ascending
    prob : float64 (n_diag, K)       prob[o, i] = A[i, i + diag[o]] (0 off the support)
    log_prob : float64 (n_diag, K)   its log (-inf off the support)
    """
    n_states: int
    diag: np.ndarray
    prob: np.ndarray
    log_prob: np.ndarray


def to_banded(sp):
    """:class:`BandedTransmat` of a
    :class:`~tiedpgm.kernels.sparse_reference.SparseLogTransmat` (any sparsity pattern;
    see :func:`banded_form` for when it pays)."""
    K = sp.n_states
    rows = np.repeat(np.arange(K, dtype=np.int64), np.diff(sp.row_ptr))
    d = sp.col_idx - rows
    diag = np.unique(d).astype(np.int64)
    o = np.searchsorted(diag, d)
    log_prob = np.full((len(diag), K), -np.inf)
    log_prob[o, rows] = sp.log_val
    prob = np.zeros((len(diag), K))
    prob[o, rows] = np.exp(sp.log_val)
    return BandedTransmat(K, diag, prob, log_prob)


def banded_form(sp):
    """:func:`to_banded` of ``sp`` when its non-zeros lie on few, well-filled diagonals
    (at most :data:`MAX_DIAGONALS`, at most :data:`MAX_SLOTS_PER_NONZERO` slots per
    non-zero); None otherwise (the CSR kernels are then used)."""
    K = sp.n_states
    nnz = len(sp.col_idx)
    if nnz == 0:
        return None
    rows = np.repeat(np.arange(K, dtype=np.int64), np.diff(sp.row_ptr))
    n_diag = len(np.unique(sp.col_idx - rows))
    if n_diag > MAX_DIAGONALS or n_diag * K > MAX_SLOTS_PER_NONZERO * nnz:
        return None
    return to_banded(sp)


def _chunks(offsets, n_chunks):
    """Chunk boundaries (indices into the sequences) balanced by total length."""
    S = len(offsets) - 1
    n_chunks = max(1, min(n_chunks, S))
    targets = offsets[-1] * np.arange(1, n_chunks) / n_chunks
    cuts = np.searchsorted(offsets[1:], targets, side="left") + 1
    return np.unique(np.concatenate([[0], np.minimum(cuts, S), [S]])).astype(np.int64)


def _n_chunks():
    # one chunk per thread: prange schedules statically, and each chunk allocates (T, K)
    # work arrays, whose first touch (page faults) costs more than a chunk's imbalance
    from numba import get_num_threads
    return get_num_threads()


# -- extended-exponent arithmetic ---------------------------------------------------------
# A positive number is held as a mantissa m in [0.5, 4) (normalised to [1, 2) where it is
# stored) and an int64 exponent e: m * 2**e. Exact zero is (0.0, _ZE). Products multiply
# mantissas and add exponents; a sum of a few terms is taken relative to its largest
# exponent, each term scaled by 2**(e_o - e_max) built from its bits, so nothing under- or
# overflows however far apart the states' probabilities drift. A term below 2**-1022 of
# the largest term of its own sum is dropped (its share of that sum is < 1e-307).
_ZE = -(1 << 60)                     # exponent of an exact zero (sums of two stay in int64)
_MANT_BITS = (1 << 52) - 1
_ONE_BITS = 1023 << 52
_LOG2E = 1.4426950408889634
_LN2 = 0.6931471805599453
_LN2_HI = 0.693145751953125          # ln 2 split so that k * _LN2_HI is exact
_LN2_LO = 1.4286068203094173e-06
#: a node whose posterior (its surviving share) is below TOTAL_DROP / (T * K) is dropped
#: from the backward pass's window: all dropped paths together weigh < TOTAL_DROP
TOTAL_DROP = 2.0 ** -60


@intrinsic
def _bits(typingctx, x):
    """The IEEE bits of a float64, as int64 (a bitcast: no conversion)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.int64(types.float64), codegen


@intrinsic
def _from_bits(typingctx, i):
    """The float64 whose IEEE bits are the int64 ``i``."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


@intrinsic
def _prefetch(typingctx, ary, i, j, write):
    """Hint the cache to load ary[i, j] (2-d C array; llvm.prefetch, to read or, with
    write (a literal 0 or 1), to write)."""
    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        arr = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, arr, [args[1], args[2]])
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        rw = ir.Constant(i32, signature.args[3].literal_value)
        builder.call(fn, [builder.bitcast(ptr, i8p), rw, ir.Constant(i32, 3),
                          ir.Constant(i32, 1)])
        return context.get_dummy_value()
    if not isinstance(write, types.IntegerLiteral):
        return None
    return types.none(ary, types.intp, types.intp, write), codegen


@njit(cache=True, inline="always")
def _pow2(k):
    """2.0**k for an integer k <= 1023; 0 for k < -1022."""
    return _from_bits((max(k, -1023) + 1023) << 52)


@njit(cache=True, fastmath={"contract"}, inline="always")
def _exp_ext(x):
    """exp(x) as (p, k): p * 2**k, p in [0.70, 1.42] to ~1 ulp; (0.0, _ZE) for x = -inf.

    Written so that a loop over it vectorises (numba's np.exp is a scalar libm call):
    k = rint(x / ln 2), r = x - k ln 2 (|r| <= ln(2) / 2, ln 2 in two parts), exp(r) by
    its Taylor polynomial to degree 13 (truncation error < 2e-17). No range limit: k is
    returned, not folded into a float64."""
    xc = max(x, -1e15)
    kf = np.rint(xc * _LOG2E)
    r = (xc - kf * _LN2_HI) - kf * _LN2_LO
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    ok = x > -np.inf
    return (p if ok else 0.0), (np.int64(kf) if ok else _ZE)


@njit(cache=True, inline="always")
def _norm_m(v):
    """Mantissa of v > 0 (a normal float64) in [1, 2); 0 for v = 0."""
    return _from_bits((_bits(v) & _MANT_BITS) | _ONE_BITS) if v != 0.0 else 0.0


@njit(cache=True, inline="always")
def _norm_e(v, e):
    """Exponent of v * 2**e once v is normalised by :func:`_norm_m`; _ZE for v = 0."""
    return e + ((_bits(v) >> 52) - 1023) if v != 0.0 else _ZE


@njit(cache=True)
def ext_of_log(log_val):
    """exp(log_val) in extended form: (mant (n,) in [1, 2), expo (n,) int64); (0, _ZE)
    where log_val is -inf. Exact to ~1 ulp whatever the magnitude (exp(log_val) as a
    float64 would underflow below e**-745)."""
    n = log_val.shape[0]
    mant = np.empty(n)
    expo = np.empty(n, dtype=np.int64)
    for i in range(n):
        p, k = _exp_ext(log_val[i])
        mant[i] = _norm_m(p)
        expo[i] = _norm_e(p, k)
    return mant, expo


def ext_form(band):
    """The banded matrix as padded extended-exponent arrays for the kernels:
    (diag (n,), mant (n, K + 2H), expo (n, K + 2H), H). Row o column H + i holds
    A[i, i + diag[o]] as mant * 2**expo (mant in [1, 2); (0, _ZE) off the support, and in
    the H-wide halos on both sides, which let every loop read its neighbours unchecked).
    At least 3 rows: fewer diagonals are padded with zero rows (the kernels' fused loops
    take 3 diagonals)."""
    K = band.n_states
    diag = np.asarray(band.diag, dtype=np.int64)
    nd = len(diag)
    H = 2 * int(np.max(np.abs(diag))) if nd else 0
    n = max(nd, 3)
    pdiag = np.concatenate([diag, np.full(n - nd, diag[0] if nd else 0, np.int64)])
    mant = np.zeros((n, K + 2 * H))
    expo = np.full((n, K + 2 * H), _ZE, dtype=np.int64)
    if nd:
        m, e = ext_of_log(np.ascontiguousarray(band.log_prob, dtype=np.float64).ravel())
        mant[:nd, H:H + K] = m.reshape(nd, K)
        expo[:nd, H:H + K] = e.reshape(nd, K)
    return pdiag, mant, expo, H


#: transition probabilities are used as plain float64 when all lie in [2**PLAIN_MIN_EXP, 1]
PLAIN_MIN_EXP = -200


def plain_form(band, diag, PM, PE, H):
    """(PM, PE) of :func:`ext_form` as the kernels take them: with 3 diagonals and every
    transition probability on them (within the matrix) at least 2**PLAIN_MIN_EXP, (the
    probabilities as float64 (n, K + 2H), None), else unchanged.

    With PE None the rows skip the exponent of each transition (an integer load and add
    per term): a sum is then taken relative to its largest *source* (alpha or beta)
    instead of its largest term. A term dropped for being below 2**-1022 of that is below
    2**(-1022 - PLAIN_MIN_EXP) of the largest term, and a term that underflows into the
    subnormals is below that too: the sums keep their ~1e-15 relative accuracy. The sum
    itself is at least 2**PLAIN_MIN_EXP of its largest source, so nothing overflows
    where the kernels divide by it or scale by its inverse."""
    if PM.shape[0] != 3:
        return PM, PE
    K = band.n_states
    for o, d in enumerate(band.diag):
        lo, hi = max(0, -d), min(K, K - d)      # rows i with 0 <= i + d < K
        e = PE[o, H + lo:H + hi]
        if len(e) and (e.min() < PLAIN_MIN_EXP or e.max() > 0):
            return PM, PE
    return PM * np.exp2(np.maximum(PE, -1100)), None


def _pe_at(PE, o, i):
    """PE[o, i], the exponent of a transition probability; 0 where PE is None (the
    probabilities are then plain float64, see :func:`plain_form`)."""


@overload(_pe_at, inline="always")
def _pe_at_impl(PE, o, i):
    # a compile-time choice: with None the add of the exponent is gone from the loops
    if isinstance(PE, types.NoneType):
        return lambda PE, o, i: 0
    return lambda PE, o, i: PE[o, i]


def _lfp_at(lsrc, j):
    """The log probability of state j in the frame lsrc: (lfp, r) for lfp[r, j], or
    (x, mT, pT, cst) for a diagonal Gaussian with one feature (:func:`_gauss_window`'s
    arithmetic, though a caller compiled with contraction may fuse it)."""


@overload(_lfp_at, inline="always")
def _lfp_at_impl(lsrc, j):
    if len(lsrc) == 2:
        return lambda lsrc, j: lsrc[0][lsrc[1], j]

    def gauss(lsrc, j):
        d = lsrc[0] - lsrc[1][0, j]
        return lsrc[3][j] - 0.5 * (d * d * lsrc[2][0, j])
    return gauss


@njit(cache=True, inline="always")
def _clear(M, E, lo, hi):
    """Set entries [lo, hi) of an extended row to exact zero (clipped to the row)."""
    lo = max(lo, 0)
    hi = min(hi, M.shape[0])
    for i in range(lo, hi):
        M[i] = 0.0
        E[i] = _ZE


# -- frame sources: where frame r's log probabilities come from -----------------------------
# A frame source is the tuple (mode, src, ridx, X, mT, pT, cst): mode _FRAMES_LFP reads row r
# of log_frameprob src (N, K); _FRAMES_TABLE row ridx[r] of a table src (R, K) (categorical:
# one row per symbol); _FRAMES_DIAG computes diagonal Gaussian log densities of X[r] on the
# states a pass needs, from per-state means mT and precisions pT (F, K) and constants cst
# (K,), so no (N, K) array is made (the backward pass needs only its window of states).
_FRAMES_LFP = 0
_FRAMES_TABLE = 1
_FRAMES_DIAG = 2
# what the backward pass does with each sequence's posteriors (see _sink_seq)
_SINK_POST = 0      # write them into post (N, K)
_SINK_COUNTS = 1    # categorical: counts[symbol[r], k] += gamma_r(k)
_SINK_DIAG = 2      # diagonal Gaussian: sum_w, sum_x, sum_xx += gamma, gamma x, gamma x**2


@njit(cache=True, inline="always")
def _gauss_window(X, r, mT, pT, cst, lo, hi, out):
    """out[0, k] = const_k - 0.5 sum_f (x_f - m_fk)**2 p_fk for k in [lo, hi): the
    arithmetic of :func:`tiedpgm.kernels.emission_numba.diag_gauss_loglik` (and of the
    dense fused kernel). Inlined only into passes compiled without contraction, so the
    forward and backward passes get the same bits (the forward row's copy of it for one
    feature, :func:`_lfp_at`, compiles to the same bits: LLVM leaves it unfused).
    (The sum starts from the first feature's term, as 0 + term is exact; unsigned
    indices, so LLVM vectorises.)"""
    F = X.shape[1]
    n = hi - lo
    c0 = np.uint64(lo)
    x0 = X[r, 0]
    if F == 1:
        for i0 in range(n):
            i = c0 + np.uint64(i0)
            d = x0 - mT[0, i]
            out[0, i] = cst[i] - 0.5 * (d * d * pT[0, i])
        return
    for i0 in range(n):
        i = c0 + np.uint64(i0)
        d = x0 - mT[0, i]
        out[0, i] = d * d * pT[0, i]
    for f in range(1, F):
        xf = X[r, f]
        for i0 in range(n):
            i = c0 + np.uint64(i0)
            d = xf - mT[f, i]
            out[0, i] += d * d * pT[f, i]
    for i0 in range(n):
        i = c0 + np.uint64(i0)
        out[0, i] = cst[i] - 0.5 * out[0, i]


@njit(cache=True)
def _suffix_bound(fs, a, b, log_rho, usuf):
    """usuf[t] = sum over frames s > t of a bound on log(rho max_k b_s(k)), for the frames
    a:b: a bound on every log beta_t (rho = the largest row sum of the transition
    matrix). The frame bounds: the row maximum of log_frameprob; of a table, its row
    maximum (kept in the frame source's cst); of a diagonal Gaussian, its largest
    normalising constant (the density at its mean)."""
    mode = fs[0]
    cst = fs[6]
    gmax = -np.inf
    if mode == _FRAMES_DIAG:
        for k in range(cst.shape[0]):
            gmax = max(gmax, cst[k])
    T = b - a
    usuf[T - 1] = 0.0
    for t in range(T - 1, 0, -1):
        r = a + t
        if mode == _FRAMES_DIAG:
            m = gmax
        elif mode == _FRAMES_TABLE:
            m = cst[fs[2][r]]
        else:
            src = fs[1]
            m = -np.inf
            for k in range(src.shape[1]):
                m = max(m, src[r, k])
        usuf[t - 1] = usuf[t] + log_rho + m


@njit(cache=True, inline="always")
def _frame(fs, r, lo, hi, LR):
    """(array, row) holding frame r's log probabilities for the states [lo, hi) of the
    frame source fs; LR (1, K) is the scratch row the Gaussian densities go to."""
    mode = fs[0]
    if mode == _FRAMES_TABLE:
        return fs[1], fs[2][r]
    if mode == _FRAMES_DIAG:
        _gauss_window(fs[3], r, fs[4], fs[5], fs[6], lo, hi, LR)
        return LR, 0
    return fs[1], r


# -- forward: every node exactly (extended exponents), on the window of non-zero alpha -----
@njit(cache=True, fastmath={"contract"}, inline="always")
def _fwd_row3(diag, PM, PE, XM, XE, rp, lsrc, clo, chi, H, ro):
    """alpha_t = (alpha_{t-1} A) * exp(lfp_t) on states [clo, chi), 3 diagonals (fused:
    one pass, everything in registers): alpha_{t-1} is row rp of XM, XE, alpha_t goes to
    row ro, lfp_t comes from lsrc (see :func:`_lfp_at`). Rows are padded (state i at
    column H + i) and indexed in place with unsigned indices (a slice costs two atomic
    reference-count updates; a signed index a wraparound check that stops LLVM
    vectorising). The exponents of the transitions are left out when PE is None (see
    :func:`plain_form`). Returns the largest exponent of alpha_t (_ZE if all are 0),
    which the window's trimming and packing need: a reduction here saves them a pass over
    the row."""
    n = chi - clo
    s0 = np.uint64(H + clo - diag[0])
    s1 = np.uint64(H + clo - diag[1])
    s2 = np.uint64(H + clo - diag[2])
    u = np.uint64(H + clo)
    c0 = np.uint64(clo)
    emax = _ZE
    for j0 in range(n):
        j = np.uint64(j0)
        x0 = XE[rp, s0 + j] + _pe_at(PE, 0, s0 + j)
        x1 = XE[rp, s1 + j] + _pe_at(PE, 1, s1 + j)
        x2 = XE[rp, s2 + j] + _pe_at(PE, 2, s2 + j)
        em = max(max(x0, x1), x2)
        acc = (XM[rp, s0 + j] * PM[0, s0 + j] * _pow2(x0 - em)
               + XM[rp, s1 + j] * PM[1, s1 + j] * _pow2(x1 - em)
               + XM[rp, s2 + j] * PM[2, s2 + j] * _pow2(x2 - em))
        p, k = _exp_ext(_lfp_at(lsrc, c0 + j))
        v = acc * p
        e = _norm_e(v, em + k)
        XM[ro, u + j] = _norm_m(v)
        XE[ro, u + j] = e
        emax = max(emax, e)
    return emax


@njit(cache=True, fastmath={"contract"})
def _fwd_row3g(diag, PM, PE, XM, XE, rp, x, mT, pT, cst, clo, chi, H, ro):
    """:func:`_fwd_row3` with the log densities of a diagonal Gaussian with one feature
    (x, the frame; means mT, precisions pT (1, K); constants cst (K,)) computed in the
    same loop: no pass of their own over the window, nor a row to store them in."""
    wide_vectors()
    return _fwd_row3(diag, PM, PE, XM, XE, rp, (x, mT, pT, cst), clo, chi, H, ro)


@njit(cache=True, fastmath={"contract"})
def _fwd_row(diag, PM, PE, XM, XE, rp, lfp, rl, clo, chi, H, ro, em, acc):
    """:func:`_fwd_row3` for any number of diagonals (one pass per diagonal over the
    scratch rows em, acc (K + 2H,)); returns the largest exponent of alpha_t."""
    wide_vectors()
    nd = diag.shape[0]
    if nd == 3:
        return _fwd_row3(diag, PM, PE, XM, XE, rp, (lfp, rl), clo, chi, H, ro)
    n = chi - clo
    Mp = XM[rp]
    Ep = XE[rp]
    emw = em[:n]
    accw = acc[:n]
    emw[:] = _ZE
    accw[:] = 0.0
    for o in range(nd):
        s = H + clo - diag[o]
        es = Ep[s:s + n]
        for j in range(n):
            emw[j] = max(emw[j], es[j] + _pe_at(PE, o, s + j))
    for o in range(nd):
        s = H + clo - diag[o]
        ms = Mp[s:s + n]
        es = Ep[s:s + n]
        pm = PM[o, s:s + n]
        for j in range(n):
            accw[j] += ms[j] * pm[j] * _pow2(es[j] + _pe_at(PE, o, s + j) - emw[j])
    row = lfp[rl, clo:chi]
    mo = XM[ro, H + clo:H + chi]
    eo = XE[ro, H + clo:H + chi]
    emax = _ZE
    for j in range(n):
        p, k = _exp_ext(row[j])
        v = accw[j] * p
        e = _norm_e(v, emw[j] + k)
        mo[j] = _norm_m(v)
        eo[j] = e
        emax = max(emax, e)
    return emax


#: the forward and backward passes compute their windows in multiples of this many
#: states where they can (2 x 8 lanes of LLVM's vector body with 512-bit registers)
WINDOW_PAD = 16
#: a stored alpha more than 2**PACK_RANGE below its frame's largest is kept only as a bound
PACK_RANGE = 1000
#: the forward pass trims its window from this frame on (the looseness of the bound on
#: beta is estimated from the frames before) ...
PRUNE_AFTER = 32
#: ... aiming to leave out paths below 2**-PRUNE_BITS / (T K) of P (it must prove 2**-60)
PRUNE_BITS = 100
#: ... and assuming the bound stays at most this many times as loose per frame as so far
PRUNE_SLACK = 1.5


@njit(cache=True, inline="always")
def _pack_row(XM, XE, r, H, lo, hi, R, S, off):
    """Store row r of the extended alpha (non-zero on [lo, hi), largest exponent R, which
    is reached there) compactly: [rlo, rhi) is the span of the entries
    >= 2**(R - PACK_RANGE), and S[off + j - rlo] = alpha_j / 2**R there (a float64 in
    [2**-PACK_RANGE, 2)), -1.0 for an entry inside the span that is smaller (known only to
    be below 2**(R - PACK_RANGE)), 0.0 for an exact zero. Returns (rlo, rhi). (The span's
    ends are found by scanning in from the window's ends, which stops at once unless the
    window holds more than PACK_RANGE bits; the copy is vectorised: unsigned indices, no
    wraparound checks.)"""
    floor = R - PACK_RANGE
    rlo = lo
    while XE[r, H + rlo] < floor:        # (stops at the largest entry at the latest)
        rlo += 1
    rhi = hi
    while XE[r, H + rhi - 1] < floor:
        rhi -= 1
    u = np.uint64(H + rlo)
    w = np.uint64(off)
    for j0 in range(rhi - rlo):
        j = np.uint64(j0)
        m = XM[r, u + j]
        e = XE[r, u + j]
        v = m * _pow2(max(e - R, -1023))
        S[w + j] = v if e >= floor else (-1.0 if m != 0.0 else 0.0)
    return rlo, rhi


@njit(cache=True)
def _ext_forward(lsp, plo, phi, diag, PM, PE, H, fs, LR, a, b, AM, AE, store, wlo, whi,
                 em, acc, pack, S, soff, sref, slo, shi, usuf):
    """Forward pass of frames a:b (of the frame source fs, scratch row LR: see
    :func:`_frame`), every alpha exact as mant * 2**expo. Row t of alpha
    goes to AM/AE[t] (store) or AM/AE[t % 2]; it is filled on [wlo[t], whi[t]), the
    non-zeros (exact zeros outside, on a margin wide enough for the next frame's reads).
    With pack, each row is also stored compactly by :func:`_pack_row` (8 bytes per state
    on the span that can matter, contiguous in S from soff[t]; sref, slo, shi its R and
    span).

    With usuf (T,) non-empty (usuf[t] >= log of every beta_t, see :func:`_suffix_bound`)
    the window is also trimmed at its ends, from frame PRUNE_AFTER on, of states whose
    alpha is so far below the frame's largest that, at the rate the bound has been loose
    so far, their paths should weigh below 2**-PRUNE_BITS of P; the sum D of
    alpha_t(i) exp(usuf[t]) over the trimmed states bounds the weight of every path left
    out, and the pass is only accepted (ok) if D <= 2**-60 of the P it found (then log P
    and the posteriors are exact to that bound; otherwise the caller reruns without
    usuf). Returns (log P, mant of P in [1, 2), expo of P, ok); (-inf, 0, _ZE, ok) if the
    P found is 0."""
    wide_vectors()
    K = lsp.shape[0]
    nd = diag.shape[0]
    dmin = diag[0]
    dmax = diag[0]
    for o in range(nd):
        dmin = min(dmin, diag[o])
        dmax = max(dmax, diag[o])
    W = dmax - dmin
    T = b - a
    if pack:
        soff[0] = 0
    prune = usuf.shape[0] > 0
    gauss1 = fs[0] == _FRAMES_DIAG and fs[3].shape[1] == 1 and nd == 3
    # the bound D on the paths left out, as dm * 2**de (integer exponents, so that a trim
    # costs no exp or log)
    dm = 0.0
    de = _ZE
    e0 = _ZE
    base_bits = PRUNE_BITS + np.log2(T * K)
    for t in range(T):
        r = t if store else t & 1
        Mt = AM[r]
        Et = AE[r]
        if t == 0:
            clo = plo
            chi = phi
            lfp, rl = _frame(fs, a, clo, chi, LR)
            e = _ZE                          # the largest exponent of the row
            for j in range(clo, chi):
                p, k = _exp_ext(lsp[j] + lfp[rl, j])
                Mt[H + j] = _norm_m(p)
                Et[H + j] = _norm_e(p, k)
                e = max(e, Et[H + j])
        else:
            rp = t - 1 if store else (t - 1) & 1
            clo = max(0, wlo[t - 1] + dmin)
            chi = min(K, whi[t - 1] + dmax)
            # widened to a multiple of WINDOW_PAD states where the matrix allows (a scalar
            # remainder costs as much per state as a vector iteration does for 16): the
            # states added read the exact zeros cleared beyond the previous window, so
            # their alpha is an exact 0, and the window is trimmed back to the non-zeros
            # below
            pad = (clo - chi) % WINDOW_PAD
            x = min(pad, K - chi)
            chi += x
            clo -= min(pad - x, clo)
            if gauss1:
                e = _fwd_row3g(diag, PM, PE, AM, AE, rp, fs[3][a + t, 0], fs[4], fs[5],
                               fs[6], clo, chi, H, r)
            else:
                lfp, rl = _frame(fs, a + t, clo, chi, LR)
                e = _fwd_row(diag, PM, PE, AM, AE, rp, lfp, rl, clo, chi, H, r, em, acc)
        lo = clo
        while lo < chi and Mt[H + lo] == 0.0:
            lo += 1
        hi = chi
        while hi > lo and Mt[H + hi - 1] == 0.0:
            hi -= 1
        if hi <= lo:
            return -np.inf, 0.0, _ZE, dm == 0.0
        if prune:
            if t == 0:
                e0 = e
            elif t >= PRUNE_AFTER:
                # bits per frame by which the bound has outgrown the largest alpha
                loose = max(((usuf[0] - usuf[t]) / _LN2 - (e - e0)) / t, 0.0)
                margin = base_bits + PRUNE_SLACK * loose * (T - 1 - t)
                thr = e - np.int64(margin) if margin < 1e15 else _ZE   # (NaN: no trim)
                nd = 0
                ed = _ZE
                while Et[H + lo] < thr:          # (the largest stays: lo < hi)
                    ed = max(ed, Et[H + lo])
                    nd += 1
                    lo += 1
                while Et[H + hi - 1] < thr:
                    ed = max(ed, Et[H + hi - 1])
                    nd += 1
                    hi -= 1
                if nd:
                    # each trimmed alpha < 2**(ed + 1), exp(usuf[t]) < 2**(ceil(.) + 1)
                    # (usuf[t] is finite here: else margin is not); a term scaled by
                    # less than 2**-1000 is counted as 2**-1000, so D stays a bound
                    x = ed + 2 + np.int64(np.ceil(usuf[t] * _LOG2E))
                    if x > de:
                        dm = dm * _pow2(max(de - x, -1000)) + nd
                        de = x
                    else:
                        dm += nd * _pow2(max(x - de, -1000))
        wlo[t] = lo
        whi[t] = hi
        # exact zeros where the next frame reads beyond the window (widened by up to
        # WINDOW_PAD - 1 states)
        _clear(Mt, Et, H + lo - W - WINDOW_PAD, H + lo)
        _clear(Mt, Et, H + hi, H + hi + W + WINDOW_PAD)
        if pack:
            rlo, rhi = _pack_row(AM, AE, r, H, lo, hi, e, S, soff[t])
            sref[t] = e
            slo[t] = rlo
            shi[t] = rhi
            soff[t + 1] = soff[t] + (rhi - rlo)
    r = (T - 1) if store else (T - 1) & 1
    Mt = AM[r]
    Et = AE[r]
    e = _ZE
    for j in range(wlo[T - 1], whi[T - 1]):
        e = max(e, Et[H + j])
    s = 0.0
    for j in range(wlo[T - 1], whi[T - 1]):
        s += Mt[H + j] * _pow2(Et[H + j] - e)
    lp = np.log(s) + e * _LN2
    return lp, _norm_m(s), _norm_e(s, e), dm == 0.0 or np.log2(dm) + de <= lp * _LOG2E - 60


# -- backward: on the window of nodes that carry posterior mass ------------------------------
@njit(cache=True, fastmath={"contract"}, inline="always")
def _bwd_row3(diag, PM, PE, G, GE, rg, AM, AE, ra, lfp, rl, clo, chi, H, inv_mp, ep, ro,
              pc, pb, xi):
    """One backward step on states [clo, chi), 3 diagonals (fused): from
    w = exp(lfp_{t+1}) beta_{t+1} (row rg of G, GE), beta_t = A w; the posterior
    alpha_t beta_t / P of state clo + i into pc[pb + i], expected transitions
    alpha_t(i) A_ij w(j) / P added to xi (3, K), and exp(lfp_t) beta_t into row ro of G,
    GE for the next step. alpha_t is row ra of AM, AE; lfp_t row rl of lfp.

    Rows are indexed in place, not sliced (a slice costs two atomic reference-count
    updates, which on a window of ~50 states cost more than the arithmetic), with
    unsigned indices (no wraparound check, so LLVM vectorises)."""
    n = chi - clo
    d0 = diag[0]
    d1 = diag[1]
    d2 = diag[2]
    u = np.uint64(H + clo)
    w0 = np.uint64(H + clo + d0)
    w1 = np.uint64(H + clo + d1)
    w2 = np.uint64(H + clo + d2)
    c0 = np.uint64(clo)
    q = np.uint64(pb)
    for i0 in range(n):
        i = np.uint64(i0)
        x0 = _pe_at(PE, 0, u + i) + GE[rg, w0 + i]
        x1 = _pe_at(PE, 1, u + i) + GE[rg, w1 + i]
        x2 = _pe_at(PE, 2, u + i) + GE[rg, w2 + i]
        em = max(max(x0, x1), x2)
        t0 = PM[0, u + i] * G[rg, w0 + i] * _pow2(x0 - em)
        t1 = PM[1, u + i] * G[rg, w1 + i] * _pow2(x1 - em)
        t2 = PM[2, u + i] * G[rg, w2 + i] * _pow2(x2 - em)
        acc = t0 + t1 + t2
        # alpha_t(i) 2**em / P (<= 1 / acc: no overflow)
        c = AM[ra, u + i] * inv_mp * _pow2(AE[ra, u + i] + em - ep)
        pc[q + i] = c * acc
        xi[0, c0 + i] += c * t0
        xi[1, c0 + i] += c * t1
        xi[2, c0 + i] += c * t2
        p, k = _exp_ext(lfp[rl, c0 + i])
        v = acc * p
        G[ro, u + i] = _norm_m(v)
        GE[ro, u + i] = _norm_e(v, em + k)


@njit(cache=True, fastmath={"contract"})
def _bwd_row(diag, PM, PE, G, GE, rg, AM, AE, ra, lfp, rl, clo, chi, H, inv_mp, ep, ro,
             pc, pb, xi, em, acc, cb):
    """:func:`_bwd_row3` for any number of diagonals (a pass per diagonal; scratch em, acc,
    cb (K + 2H,))."""
    nd = diag.shape[0]
    if nd == 3:
        _bwd_row3(diag, PM, PE, G, GE, rg, AM, AE, ra, lfp, rl, clo, chi, H, inv_mp, ep, ro,
                  pc, pb, xi)
        return
    n = chi - clo
    gM = G[rg]
    gE = GE[rg]
    emw = em[:n]
    accw = acc[:n]
    cw = cb[:n]
    emw[:] = _ZE
    accw[:] = 0.0
    for o in range(nd):
        d = diag[o]
        ge = gE[H + clo + d:H + chi + d]
        for i in range(n):
            emw[i] = max(emw[i], _pe_at(PE, o, H + clo + i) + ge[i])
    for o in range(nd):
        d = diag[o]
        pm = PM[o, H + clo:H + chi]
        gm = gM[H + clo + d:H + chi + d]
        ge = gE[H + clo + d:H + chi + d]
        for i in range(n):
            x = _pe_at(PE, o, H + clo + i) + ge[i]
            accw[i] += pm[i] * gm[i] * _pow2(x - emw[i])
    am = AM[ra, H + clo:H + chi]
    ae = AE[ra, H + clo:H + chi]
    row = lfp[rl, clo:chi]
    mo = G[ro, H + clo:H + chi]
    eo = GE[ro, H + clo:H + chi]
    po = pc[pb:pb + n]
    for i in range(n):
        c = am[i] * inv_mp * _pow2(ae[i] + emw[i] - ep)
        cw[i] = c
        po[i] = c * accw[i]
        p, k = _exp_ext(row[i])
        v = accw[i] * p
        mo[i] = _norm_m(v)
        eo[i] = _norm_e(v, emw[i] + k)
    for o in range(nd):
        d = diag[o]
        pm = PM[o, H + clo:H + chi]
        gm = gM[H + clo + d:H + chi + d]
        ge = gE[H + clo + d:H + chi + d]
        xs = xi[o, clo:chi]
        for i in range(n):
            x = _pe_at(PE, o, H + clo + i) + ge[i]
            xs[i] += cw[i] * pm[i] * gm[i] * _pow2(x - emw[i])


@njit(cache=True, inline="always")
def _trim(pc, pb, clo, chi, tau):
    """[lo, hi): [clo, chi) less its ends where the posterior (of state j at
    pc[pb + j - clo]) is below tau."""
    lo = clo
    while lo < chi and pc[pb + lo - clo] < tau:
        lo += 1
    hi = chi
    while hi > lo and pc[pb + hi - 1 - clo] < tau:
        hi -= 1
    return lo, hi


@njit(cache=True)
def _ext_backward(diag, PM, PE, H, fs, LR, a, b, AM, AE, wlo, whi, mp, ep, Pc, poff, pl, ph,
                  xi, G, GE, em, acc, cb):
    """Backward pass after :func:`_ext_forward` (store=True; P = mp * 2**ep): posteriors
    compactly into Pc (those of frame a + t on the states [pl[t], ph[t]) from Pc[poff[t]];
    zero elsewhere), expected transitions added to xi (n, K).

    Works on a window per frame: the nodes whose successors in the window of frame t + 1
    are non-zero, less the ends where the posterior is below TOTAL_DROP / (T K). A dropped
    node is one whose posterior share, over the paths the pass still follows, is below
    that bound; every path through it is then left out at earlier frames, so all the
    paths left out together weigh below TOTAL_DROP of P: posteriors and per-frame
    expected transitions are exact to that absolute error (the forward pass, and so
    log P, is exact). G, GE (2, K + 2H) are scratch."""
    K = AM.shape[1] - 2 * H
    nd = diag.shape[0]
    dmin = diag[0]
    dmax = diag[0]
    for o in range(nd):
        dmin = min(dmin, diag[o])
        dmax = max(dmax, diag[o])
    W = dmax - dmin
    T = b - a
    tau = TOTAL_DROP / (T * K)
    inv_mp = 1.0 / mp
    # frame T - 1: beta = 1
    t = T - 1
    clo = wlo[t]
    chi = whi[t]
    poff[t] = 0
    pl[t] = clo
    ph[t] = chi
    Mt = AM[t]
    Et = AE[t]
    for j in range(clo, chi):
        Pc[j - clo] = Mt[H + j] * inv_mp * _pow2(Et[H + j] - ep)
    nxt = chi - clo
    lo, hi = _trim(Pc, 0, clo, chi, tau)
    gM = G[t & 1]
    gE = GE[t & 1]
    lfp, rl = _frame(fs, a + t, lo, hi, LR)
    for j in range(lo, hi):
        p, k = _exp_ext(lfp[rl, j])
        gM[H + j] = p
        gE[H + j] = k
    _clear(gM, gE, H + min(clo, lo - W), H + lo)
    _clear(gM, gE, H + hi, H + max(chi, hi + W))
    for t in range(T - 2, -1, -1):
        clo = max(wlo[t], lo - dmax)
        chi = max(min(whi[t], hi - dmin), clo)
        poff[t] = nxt
        pl[t] = clo
        ph[t] = chi
        if chi == clo:                       # (cannot happen while P > 0)
            lo = hi = 0
            continue
        lfp, rl = _frame(fs, a + t, clo, chi, LR)
        _bwd_row(diag, PM, PE, G, GE, (t + 1) & 1, AM, AE, t, lfp, rl, clo, chi, H,
                 inv_mp, ep, t & 1, Pc, nxt, xi, em, acc, cb)
        lo, hi = _trim(Pc, nxt, clo, chi, tau)
        nxt += chi - clo
        oM = G[t & 1]
        oE = GE[t & 1]
        _clear(oM, oE, H + min(clo, lo - W), H + lo)
        _clear(oM, oE, H + hi, H + max(chi, hi + W))


@njit(cache=True, fastmath={"contract"})
def _bwd_row3p(diag, PM, PE, G, GE, rg, AS, abase, R, lfp, rl, clo, chi, H, inv_mp, ep,
               tau, ro, pc, pb, xi):
    """:func:`_bwd_row3` with alpha_t(clo + i) = AS[abase + i] * 2**R (packed by
    :func:`_pack_row`). An entry -1.0 (alpha below 2**(R - PACK_RANGE)) gets posterior 0
    and is dropped (beta 0 for the frames before) when its posterior is certainly below
    tau; returns how many such entries were not certainly below tau (the caller then
    needs the exact alpha: 0 means the step is exact to the stated bound)."""
    wide_vectors()
    n = chi - clo
    d0 = diag[0]
    d1 = diag[1]
    d2 = diag[2]
    u = np.uint64(H + clo)
    w0 = np.uint64(H + clo + d0)
    w1 = np.uint64(H + clo + d1)
    w2 = np.uint64(H + clo + d2)
    c0 = np.uint64(clo)
    ab = np.uint64(abase)
    q = np.uint64(pb)
    kr = R - ep
    bad = 0
    for i0 in range(n):
        i = np.uint64(i0)
        x0 = _pe_at(PE, 0, u + i) + GE[rg, w0 + i]
        x1 = _pe_at(PE, 1, u + i) + GE[rg, w1 + i]
        x2 = _pe_at(PE, 2, u + i) + GE[rg, w2 + i]
        em = max(max(x0, x1), x2)
        t0 = PM[0, u + i] * G[rg, w0 + i] * _pow2(x0 - em)
        t1 = PM[1, u + i] * G[rg, w1 + i] * _pow2(x1 - em)
        t2 = PM[2, u + i] * G[rg, w2 + i] * _pow2(x2 - em)
        acc = t0 + t1 + t2
        av = AS[ab + i]
        # alpha_t(i) 2**em / P (<= 1 / acc for a stored alpha; 0 for a bound)
        c = max(av * inv_mp * _pow2(min(kr + em, 1020)), 0.0)
        # a bound: posterior <= 2**(R - PACK_RANGE + 1) beta / P (the exponent capped
        # where the bound is >= tau anyway: acc >= 2**PLAIN_MIN_EXP, inv_mp > 1/2)
        bnd = _pow2(min(kr + em + 1 - PACK_RANGE, 1000)) * inv_mp * acc
        bad += 1 if (av < 0.0 and bnd >= tau) else 0
        pc[q + i] = c * acc
        xi[0, c0 + i] += c * t0
        xi[1, c0 + i] += c * t1
        xi[2, c0 + i] += c * t2
        p, k = _exp_ext(lfp[rl, c0 + i])
        v = (acc if av >= 0.0 else 0.0) * p
        G[ro, u + i] = _norm_m(v)
        GE[ro, u + i] = _norm_e(v, em + k)
    return bad


@njit(cache=True)
def _packed_backward(diag, PM, PE, H, fs, LR, a, b, S, soff, sref, slo, shi, wlo, whi, mp,
                     ep, Pc, poff, pl, ph, xi, G, GE, negs):
    """:func:`_ext_backward` (3 diagonals) on the compact alpha of :func:`_ext_forward`
    (pack). Returns False as soon as a node whose alpha was kept only as a bound might
    carry posterior mass >= tau (Pc and xi are then partly written: the caller discards
    them and uses the exact stored alpha)."""
    wide_vectors()
    K = negs.shape[0]
    dmin = min(min(diag[0], diag[1]), diag[2])
    dmax = max(max(diag[0], diag[1]), diag[2])
    W = dmax - dmin
    T = b - a
    tau = TOTAL_DROP / (T * K)
    inv_mp = 1.0 / mp
    t = T - 1
    clo = wlo[t]
    chi = whi[t]
    R = sref[t]
    gM = G[t & 1]
    gE = GE[t & 1]
    poff[t] = 0
    pl[t] = clo
    ph[t] = chi
    for j in range(clo, chi):
        if slo[t] <= j < shi[t]:
            av = S[soff[t] + j - slo[t]]
        else:
            av = -1.0
        if av >= 0.0:
            Pc[j - clo] = av * inv_mp * _pow2(R - ep)
        elif _pow2(min(R + 1 - PACK_RANGE - ep, 0)) * inv_mp >= tau:
            return False
        else:
            Pc[j - clo] = 0.0
    nxt = chi - clo
    lo, hi = _trim(Pc, 0, clo, chi, tau)
    lfp, rl = _frame(fs, a + t, lo, hi, LR)
    for j in range(lo, hi):
        p, k = _exp_ext(lfp[rl, j])
        keep = Pc[j - clo] > 0.0 or (slo[t] <= j < shi[t]
                                     and S[soff[t] + j - slo[t]] == 0.0)
        gM[H + j] = p if keep else 0.0
        gE[H + j] = k if keep else _ZE
    _clear(gM, gE, H + min(clo, lo - W - WINDOW_PAD), H + lo)
    _clear(gM, gE, H + hi, H + max(chi, hi + W + WINDOW_PAD))
    prefetch = fs[0] == _FRAMES_LFP
    for t in range(T - 2, -1, -1):
        clo = max(wlo[t], lo - dmax)
        chi = max(min(whi[t], hi - dmin), clo)
        # widen the window to a multiple of WINDOW_PAD states (a scalar remainder costs
        # as much per state as a vector iteration does for 16) by nodes whose successors
        # all lie outside the surviving window of frame t + 1, where beta is an exact 0
        # (cleared WINDOW_PAD beyond what the window reads): they get posterior 0, and
        # add 0 to xi
        pad = (clo - chi) % WINDOW_PAD
        if pad and chi == hi - dmin:
            x = min(pad, whi[t] - chi)
            chi += x
            pad -= x
        if pad and clo == lo - dmax:
            clo -= min(pad, clo - wlo[t])
        poff[t] = nxt
        pl[t] = clo
        ph[t] = chi
        if chi == clo:                       # (cannot happen while P > 0)
            lo = hi = 0
            continue
        rg = (t + 1) & 1
        ro = t & 1
        R = sref[t]
        if prefetch and t >= 2:              # the rows two steps ahead (backwards)
            for j in range(clo, chi, 8):
                _prefetch(fs[1], a + t - 2, j, 0)
        lfp, rl = _frame(fs, a + t, clo, chi, LR)
        # [clo, chi) = bound-only part, stored part, bound-only part
        m0 = min(max(clo, slo[t]), chi)
        m1 = max(min(chi, shi[t]), m0)
        bad = 0
        if m0 > clo:
            bad += _bwd_row3p(diag, PM, PE, G, GE, rg, negs, 0, R, lfp, rl, clo, m0, H,
                              inv_mp, ep, tau, ro, Pc, nxt, xi)
        if m1 > m0:
            bad += _bwd_row3p(diag, PM, PE, G, GE, rg, S, soff[t] + m0 - slo[t], R, lfp,
                              rl, m0, m1, H, inv_mp, ep, tau, ro, Pc, nxt + m0 - clo, xi)
        if chi > m1:
            bad += _bwd_row3p(diag, PM, PE, G, GE, rg, negs, 0, R, lfp, rl, m1, chi, H,
                              inv_mp, ep, tau, ro, Pc, nxt + m1 - clo, xi)
        if bad:
            return False
        lo, hi = _trim(Pc, nxt, clo, chi, tau)
        nxt += chi - clo
        oM = G[ro]
        oE = GE[ro]
        _clear(oM, oE, H + min(clo, lo - W - WINDOW_PAD), H + lo)
        _clear(oM, oE, H + hi, H + max(chi, hi + W + WINDOW_PAD))
    return True


# -- batch entry points ----------------------------------------------------------------------
@njit(cache=True)
def _max_len(offsets, s0, s1):
    m = 0
    for s in range(s0, s1):
        if offsets[s + 1] - offsets[s] > m:
            m = offsets[s + 1] - offsets[s]
    return m


@njit(cache=True)
def _sink_seq(sink, a, T, Pc, poff, pl, ph, post, sym, X, cnt, sw, sx, sxx, start):
    """Hand the posteriors of frames a:a + T (compact in Pc, see :func:`_ext_backward`) to
    the sink: rows of post (N, K), or per-state statistics: start (K,) += frame a's row
    and counts cnt (n_symbols, K) of the symbols sym (N,) (negative: missing, skipped), or
    sw (K,), sx, sxx (F, K) += gamma, gamma x, gamma x**2 of the rows of X (N, F).
    (The Gaussian sums index with unsigned integers, so LLVM vectorises them.)"""
    for t in range(T):
        r = a + t
        lo = pl[t]
        hi = ph[t]
        q = poff[t] - lo
        if sink == _SINK_POST:
            for j in range(lo, hi):
                post[r, j] = Pc[q + j]
            continue
        if t == 0:
            for j in range(lo, hi):
                start[j] += Pc[q + j]
        if sink == _SINK_COUNTS:
            v = sym[r]
            if v >= 0 and v < cnt.shape[0]:
                for j in range(lo, hi):
                    cnt[v, j] += Pc[q + j]
        else:
            n = hi - lo
            c0 = np.uint64(lo)
            p0 = np.uint64(poff[t])
            for j0 in range(n):
                j = np.uint64(j0)
                sw[c0 + j] += Pc[p0 + j]
            for f in range(X.shape[1]):
                xf = X[r, f]
                xf2 = xf * xf
                for j0 in range(n):
                    j = np.uint64(j0)
                    sx[f, c0 + j] += Pc[p0 + j] * xf
                    sxx[f, c0 + j] += Pc[p0 + j] * xf2


@njit(cache=True)
def _fb_chunk(lsp, plo, phi, diag, PM, PE, H, log_rho, fmode, src, ridx, X, mT, pT, cst,
              offsets, s0, s1, log_prob, sink, post, sym, cnt, sw, sx, sxx, start, xi, S,
              Pc):
    """Sequences s0:s1 of the frame source (fmode, src, ridx, X, mT, pT, cst) (see
    :func:`_frame`); posteriors to the sink (see :func:`_sink_seq`; post must be zero on
    entry: only the windows are written), expected transitions added to xi (n, K); S and
    Pc (>= the longest sequence's length x K) are scratch for the compact alpha and
    posteriors. (A function of its own, not the body of the prange: parfor lowering
    mishandles its conditional reallocation.)"""
    K = lsp.shape[0]
    KP = K + 2 * H
    nd = diag.shape[0]
    maxT = _max_len(offsets, s0, s1)
    fs = (fmode, src, ridx, X, mT, pT, cst)
    LR = np.empty((1, K))
    XM = np.zeros((2, KP))
    XE = np.full((2, KP), _ZE, dtype=np.int64)
    G = np.zeros((2, KP))
    GE = np.full((2, KP), _ZE, dtype=np.int64)
    wlo = np.empty(maxT, dtype=np.int64)
    whi = np.empty(maxT, dtype=np.int64)
    em = np.empty(KP, dtype=np.int64)
    acc = np.empty(KP)
    cb = np.empty(KP)
    fast = nd == 3
    # compact alpha and posteriors: pages are touched only as far as the windows reach
    soff = np.empty(maxT + 1, dtype=np.int64)
    sref = np.empty(maxT, dtype=np.int64)
    slo = np.empty(maxT, dtype=np.int64)
    shi = np.empty(maxT, dtype=np.int64)
    poff = np.empty(maxT, dtype=np.int64)
    pl = np.empty(maxT, dtype=np.int64)
    ph = np.empty(maxT, dtype=np.int64)
    negs = np.full(K, -1.0)
    xs = np.zeros((nd, K))
    usuf = np.empty(maxT)
    ok = False
    AM = np.zeros((0, KP))                 # exact (T, K) alpha: allocated when needed
    AE = np.zeros((0, KP), dtype=np.int64)
    for s in range(s0, s1):
        a = offsets[s]
        b = offsets[s + 1]
        if fast:
            _suffix_bound(fs, a, b, log_rho, usuf)
            lp, mp, ep, ok = _ext_forward(lsp, plo, phi, diag, PM, PE, H, fs, LR, a, b, XM,
                                          XE, False, wlo, whi, em, acc, True, S, soff, sref,
                                          slo, shi, usuf[:b - a])
        if fast and ok:
            log_prob[s] = lp
            if lp == -np.inf:
                if sink == _SINK_POST:
                    post[a:b] = np.nan
                continue
            xs[:] = 0.0
            if _packed_backward(diag, PM, PE, H, fs, LR, a, b, S, soff, sref, slo, shi, wlo,
                                whi, mp, ep, Pc, poff, pl, ph, xs, G, GE, negs):
                xi += xs
                _sink_seq(sink, a, b - a, Pc, poff, pl, ph, post, sym, X, cnt, sw, sx, sxx,
                          start)
                continue
            # a bound was not enough: exact alpha
        if AM.shape[0] < maxT:
            AM = np.zeros((maxT, KP))
            AE = np.full((maxT, KP), _ZE, dtype=np.int64)
        lp, mp, ep, _ = _ext_forward(lsp, plo, phi, diag, PM, PE, H, fs, LR, a, b, AM, AE,
                                     True, wlo, whi, em, acc, False, S, soff, sref, slo, shi,
                                     usuf[:0])
        log_prob[s] = lp
        if lp == -np.inf:
            if sink == _SINK_POST:
                post[a:b] = np.nan
            continue
        _ext_backward(diag, PM, PE, H, fs, LR, a, b, AM, AE, wlo, whi, mp, ep, Pc, poff, pl,
                      ph, xi, G, GE, em, acc, cb)
        _sink_seq(sink, a, b - a, Pc, poff, pl, ph, post, sym, X, cnt, sw, sx, sxx, start)


@njit(cache=True, parallel=True)
def _forward_backward(lsp, plo, phi, diag, PM, PE, H, log_rho, fmode, src, ridx, X, mT, pT,
                      cst, offsets, bounds, log_prob, sink, post, sym, cnt, sw, sx, sxx,
                      start, buf, work):
    for c in prange(bounds.shape[0] - 1):
        _fb_chunk(lsp, plo, phi, diag, PM, PE, H, log_rho, fmode, src, ridx, X, mT, pT, cst,
                  offsets, bounds[c], bounds[c + 1], log_prob, sink, post, sym, cnt[c],
                  sw[c], sx[c], sxx[c], start[c], buf[c], work[c, 0], work[c, 1])


_NO_IDX = np.zeros(0, dtype=np.int64)
_NO_X = np.zeros((0, 0))
_NO_F = np.zeros(0)
#: scratch of at most this many bytes is kept between calls (per calling thread)
WORKSPACE_KEEP = 64 << 20


def _workspace(n_chunks, size):
    """(n_chunks, 2, size) float64 scratch for the compact alpha and posteriors, kept for
    the next call of the same thread up to WORKSPACE_KEEP bytes (its first touch cost ~300
    page faults per K=512 left-right E-step; see :mod:`._scratch`)."""
    return kept_empty("banded_numba.workspace", (n_chunks, 2, size), (0, 2), WORKSPACE_KEEP)


def _run_fb(log_startprob, band, offsets, K, fmode, src, ridx, X, mT, pT, cst, sink, post,
            sym, n_symbols):
    """Forward-backward of every sequence into the sink; returns (log_prob (S,), xi_sum
    (K, K) dense, start (K,), counts (n_symbols, K), sum_w (K,), sum_x, sum_xx (F, K))
    (the statistics of the sink, empty for the others)."""
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    S = len(offsets) - 1
    bounds = _chunks(offsets, _n_chunks())
    n = len(bounds) - 1
    diag, PM, PE, H = ext_form(band)
    PM, PE = plain_form(band, diag, PM, PE, H)
    buf = np.zeros((n, len(diag), K))
    F = X.shape[1] if sink == _SINK_DIAG else 0
    Kc = K if sink != _SINK_POST else 0
    cnt = np.zeros((n, n_symbols if sink == _SINK_COUNTS else 0, Kc))
    sw = np.zeros((n, Kc))
    sx = np.zeros((n, F, Kc))
    sxx = np.zeros((n, F, Kc))
    start = np.zeros((n, Kc))
    log_prob = np.empty(S)
    lsp = np.ascontiguousarray(log_startprob, dtype=np.float64)
    plo, phi = _start_window(lsp)
    if phi > plo:
        with np.errstate(divide="ignore"):
            log_rho = float(np.log(np.max(np.asarray(band.prob).sum(axis=0))))
        _forward_backward(lsp, plo, phi, diag, PM, PE, H, log_rho, fmode, src, ridx, X, mT,
                          pT, cst, offsets, bounds, log_prob, sink, post, sym, cnt, sw, sx,
                          sxx, start, buf, _workspace(n, int(np.max(np.diff(offsets))) * K))
    else:                                # no start state: every sequence has probability 0
        log_prob[:] = -np.inf
        if sink == _SINK_POST:
            post[:] = np.nan
    xi = buf.sum(axis=0)[:len(band.diag)]
    if not np.all(np.isfinite(log_prob)):
        xi[:] = np.nan                   # on the support only, as the CSR kernels do
    xi[band.log_prob == -np.inf] = 0.0   # (the kernel adds exact zeros there anyway)
    return (log_prob, _xi_dense(band, xi), start.sum(axis=0), cnt.sum(axis=0),
            sw.sum(axis=0), sx.sum(axis=0), sxx.sum(axis=0))


def _start_window(lsp):
    """[lo, hi) of the states with a non-zero start probability ((0, 0) if none)."""
    nz = np.flatnonzero(lsp > -np.inf)
    return (int(nz[0]), int(nz[-1]) + 1) if len(nz) else (0, 0)


def _xi_dense(band, xi_diag):
    K = band.n_states
    xi = np.zeros((K, K))
    for o, d in enumerate(band.diag):
        lo, hi = max(0, -d), min(K, K - d)
        i = np.arange(lo, hi)
        xi[i, i + d] = xi_diag[o, lo:hi]
    return xi


def forward_backward(log_startprob, band, log_frameprob, offsets):
    """All sequences: (log_prob (S,), posteriors (N, K), xi_sum (K, K) dense)."""
    lfp = np.ascontiguousarray(log_frameprob, dtype=np.float64)
    post = np.zeros(lfp.shape)           # (calloc: the kernel writes the windows only)
    lp, xi = _run_fb(log_startprob, band, offsets, lfp.shape[1], _FRAMES_LFP, lfp, _NO_IDX,
                     _NO_X, _NO_X, _NO_X, _NO_F, _SINK_POST, post, _NO_IDX, 0)[:2]
    return lp, post, xi


def forward_backward_stats(log_startprob, band, offsets, log_frameprob=None, *,
                           log_table=None, symbols=None, counts_symbols=None,
                           n_symbols=0, diag_X=None, diag_params=None):
    """E-step statistics without (N, K) arrays: the arguments and the result of
    :func:`tiedpgm.kernels.numba_cpu.forward_backward_stats` (same numbers as summing
    :func:`forward_backward`'s posteriors, up to rounding), with the banded matrix
    ``band`` in place of the dense log transition matrix.

    Frames: ``log_frameprob`` (N, K), or ``log_table`` (R, K) with ``symbols`` (N,), or
    ``diag_params`` = ``(means (G, F), variances (G, F), slots (K,))`` with ``diag_X``
    (N, F) (diagonal Gaussian log densities computed as each pass needs them: every
    state in the forward pass, the backward pass's window only). Statistics:
    ``counts_symbols`` (N,) with ``n_symbols``, or ``diag_X``.

    Returns
    -------
    dict with ``log_prob`` (S,), ``xi_sum`` (K, K), ``start`` (K,) and either ``counts``
    (K, n_symbols) or ``sum_w`` (K,), ``sum_x`` (K, F), ``sum_xx`` (K, F), per state.
    """
    K = band.n_states
    mT = pT = _NO_X
    cst, ridx, src = _NO_F, _NO_IDX, _NO_X
    X = _NO_X if diag_X is None else np.ascontiguousarray(diag_X, dtype=np.float64)
    if diag_params is not None:
        # per-state copies (F, K) of the group parameters: the passes read them
        # contiguously over the states, and the arithmetic is the dense kernel's
        means, var, slots = diag_params
        var = np.asarray(var, dtype=np.float64)
        slots = np.asarray(slots, dtype=np.int64)
        mT = np.ascontiguousarray(np.asarray(means, dtype=np.float64)[slots].T)
        pT = np.ascontiguousarray((1.0 / var)[slots].T)
        cst = (-0.5 * (var.shape[1] * math.log(2 * math.pi)
                       + np.sum(np.log(var), axis=1)))[slots]
        fmode = _FRAMES_DIAG
    elif log_table is not None:
        src = np.ascontiguousarray(log_table, dtype=np.float64)
        ridx = np.ascontiguousarray(symbols, dtype=np.int64)
        cst = src.max(axis=1)            # (row maxima: the forward pass's bound)
        fmode = _FRAMES_TABLE
    else:
        src = np.ascontiguousarray(log_frameprob, dtype=np.float64)
        fmode = _FRAMES_LFP
    if counts_symbols is not None:
        sink, sym = _SINK_COUNTS, np.ascontiguousarray(counts_symbols, dtype=np.int64)
    elif diag_X is not None:
        sink, sym = _SINK_DIAG, _NO_IDX
    else:
        raise ValueError("forward_backward_stats needs counts_symbols or diag_X.")
    lp, xi, start, cnt, sw, sx, sxx = _run_fb(log_startprob, band, offsets, K, fmode, src,
                                              ridx, X, mT, pT, cst, sink, _NO_X, sym,
                                              int(n_symbols))
    out = {"log_prob": lp, "xi_sum": xi, "start": start}
    if sink == _SINK_COUNTS:
        out["counts"] = np.ascontiguousarray(cnt.T)
    else:
        out.update(sum_w=sw, sum_x=np.ascontiguousarray(sx.T),
                   sum_xx=np.ascontiguousarray(sxx.T))
    return out


@njit(cache=True, parallel=True)
def _score(lsp, plo, phi, diag, PM, PE, H, lfp, offsets, bounds, log_prob):
    K = lsp.shape[0]
    KP = K + 2 * H
    fs = (_FRAMES_LFP, lfp, offsets, lfp, lfp, lfp, lsp)     # (only lfp is read)
    for c in prange(bounds.shape[0] - 1):
        maxT = _max_len(offsets, bounds[c], bounds[c + 1])
        AM = np.zeros((2, KP))
        AE = np.full((2, KP), _ZE, dtype=np.int64)
        wlo = np.empty(maxT, dtype=np.int64)
        whi = np.empty(maxT, dtype=np.int64)
        em = np.empty(KP, dtype=np.int64)
        acc = np.empty(KP)
        LR = np.empty((1, K))
        for s in range(bounds[c], bounds[c + 1]):
            log_prob[s] = _ext_forward(lsp, plo, phi, diag, PM, PE, H, fs, LR, offsets[s],
                                       offsets[s + 1], AM, AE, False, wlo, whi, em, acc,
                                       False, acc, wlo, wlo, wlo, wlo, acc[:0])[0]


def score(log_startprob, band, log_frameprob, offsets):
    """Log-likelihood of each sequence, shape (S,), by the extended-exponent forward
    recursion (exact whatever the dynamic range; no (T, K) storage)."""
    lfp = np.ascontiguousarray(log_frameprob, dtype=np.float64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    bounds = _chunks(offsets, _n_chunks())
    out = np.empty(len(offsets) - 1)
    lsp = np.ascontiguousarray(log_startprob, dtype=np.float64)
    plo, phi = _start_window(lsp)
    if phi <= plo:
        out[:] = -np.inf
        return out
    diag, PM, PE, H = ext_form(band)
    PM, PE = plain_form(band, diag, PM, PE, H)
    _score(lsp, plo, phi, diag, PM, PE, H, lfp, offsets, bounds, out)
    return out


@njit(cache=True, parallel=True)
def _viterbi(lsp, diag, LP, lfp, offsets, bounds, log_prob, states):
    K = lsp.shape[0]
    nd = diag.shape[0]
    for c in prange(bounds.shape[0] - 1):
        maxT = _max_len(offsets, bounds[c], bounds[c + 1])
        back = np.zeros((maxT, K), dtype=np.int64)
        delta = np.empty(K)
        best = np.empty(K)
        for s in range(bounds[c], bounds[c + 1]):
            a = offsets[s]
            T = offsets[s + 1] - a
            for k in range(K):
                delta[k] = lsp[k] + lfp[a, k]
            for t in range(1, T):
                bt = back[t]
                for k in range(K):
                    best[k] = -np.inf
                    bt[k] = 0
                # diagonals by decreasing offset = incoming edges by increasing source
                # state, so a strict '>' keeps the lowest source on ties, and a state
                # with no finite candidate points to state 0 (as argmax over a dense
                # column of -inf does in the oracle)
                for o in range(nd - 1, -1, -1):
                    d = diag[o]
                    lo = LP[o]
                    for i in range(max(0, -d), min(K, K - d)):
                        j = i + d
                        v = delta[i] + lo[i]
                        if v > best[j]:
                            best[j] = v
                            bt[j] = i
                for k in range(K):
                    delta[k] = best[k] + lfp[a + t, k]
            bk = 0
            for k in range(1, K):
                if delta[k] > delta[bk]:
                    bk = k
            log_prob[s] = delta[bk]
            states[a + T - 1] = bk
            for t in range(T - 1, 0, -1):
                states[a + t - 1] = back[t, states[a + t]]


def viterbi(log_startprob, band, log_frameprob, offsets):
    """All sequences: (log_prob (S,), states (N,) int64); ties go to the lowest state."""
    lfp = np.ascontiguousarray(log_frameprob, dtype=np.float64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    bounds = _chunks(offsets, _n_chunks())
    lp = np.empty(len(offsets) - 1)
    states = np.empty(lfp.shape[0], dtype=np.int64)
    _viterbi(np.ascontiguousarray(log_startprob, dtype=np.float64), band.diag, band.log_prob,
             lfp, offsets, bounds, lp, states)
    return lp, states
