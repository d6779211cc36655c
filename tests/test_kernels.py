"""HMM kernels: the NumPy reference against brute force and a hand-checked number, and
every backend against the reference (one test body per backend)."""
import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tiedpgm as tp  # noqa: F401  (imported the way users do)
from tiedpgm.kernels import get_kernels, reference, safe_log

from _hmm_helpers import offsets_of, random_frames, random_model


def _gpu_available():
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - any failure means "no usable GPU"
        return False


BACKENDS = [
    "numpy",
    "numba",
    pytest.param("cupy", marks=[pytest.mark.gpu, pytest.mark.skipif(
        not _gpu_available(), reason="backend 'cupy' needs CuPy and an NVIDIA GPU")]),
]

RTOL = 1e-10


@pytest.fixture(scope="module", params=BACKENDS)
def kernels(request):
    return get_kernels(request.param)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def brute_force(log_pi, log_A, lfp):
    """Enumerate all K**T paths of one sequence: (log_prob, posteriors, xi_sum, vit_lp, vit_path)."""
    T, K = lfp.shape
    paths = np.array(list(itertools.product(range(K), repeat=T)))
    with np.errstate(invalid="ignore"):
        joint = log_pi[paths[:, 0]] + lfp[0, paths[:, 0]]
        for t in range(1, T):
            joint = joint + log_A[paths[:, t - 1], paths[:, t]] + lfp[t, paths[:, t]]
    m = joint.max()
    log_prob = m + np.log(np.exp(joint - m).sum())
    w = np.exp(joint - log_prob)
    post = np.zeros((T, K))
    xi = np.zeros((K, K))
    for p, wp in zip(paths, w):
        post[np.arange(T), p] += wp
        for t in range(T - 1):
            xi[p[t], p[t + 1]] += wp
    best = int(np.argmax(joint))
    return log_prob, post, xi, joint[best], paths[best]


def assert_matches_reference(kern, log_pi, log_A, lfp, offsets):
    ref_lp, ref_post, ref_xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    lp, post, xi = kern.forward_backward(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(lp, ref_lp, rtol=RTOL)
    np.testing.assert_allclose(post, ref_post, rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(xi, ref_xi, rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(kern.score(log_pi, log_A, lfp, offsets), ref_lp, rtol=RTOL)
    ref_vlp, ref_path = reference.viterbi(log_pi, log_A, lfp, offsets)
    vlp, path = kern.viterbi(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(vlp, ref_vlp, rtol=RTOL)
    np.testing.assert_array_equal(path, ref_path)
    assert path.dtype == np.int64 and post.shape == lfp.shape and xi.shape == log_A.shape


# ---------------------------------------------------------------------------
# the oracle
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("zeros", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_reference_equals_brute_force(seed, zeros):
    rng = np.random.default_rng(seed)
    K = 3
    log_pi, log_A = random_model(rng, K, zeros)
    lengths = [1, 2, 5, 3, 4]
    offsets = offsets_of(lengths)
    lfp = random_frames(rng, offsets[-1], K, zeros)
    lp, post, xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    vlp, vpath = reference.viterbi(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(reference.score(log_pi, log_A, lfp, offsets), lp, rtol=RTOL)
    xi_total = np.zeros((K, K))
    for s in range(len(lengths)):
        a, b = offsets[s], offsets[s + 1]
        b_lp, b_post, b_xi, b_vlp, b_path = brute_force(log_pi, log_A, lfp[a:b])
        np.testing.assert_allclose(lp[s], b_lp, rtol=RTOL)
        np.testing.assert_allclose(post[a:b], b_post, rtol=RTOL, atol=1e-15)
        np.testing.assert_allclose(vlp[s], b_vlp, rtol=RTOL)
        np.testing.assert_array_equal(vpath[a:b], b_path)
        xi_total += b_xi
    np.testing.assert_allclose(xi, xi_total, rtol=RTOL, atol=1e-15)


def test_reference_occasionally_dishonest_casino():
    """Durbin, Eddy, Krogh & Mitchison, *Biological Sequence Analysis* (1998), sec. 3.2:
    fair die F (1/6 each face), loaded die L (six with 1/2, other faces 1/10),
    P(F->L) = 0.05, P(L->F) = 0.1; start 1/2, 1/2 (our choice; the book starts from a
    begin state). By hand, for the rolls "6 6":

        P = 1/2*1/6*(0.95*1/6 + 0.05*1/2) + 1/2*1/2*(0.1*1/6 + 0.9*1/2)
          = 1/12 * 11/60 + 1/4 * 7/15 = 11/720 + 84/720 = 19/144,
        P(first die loaded | 6 6) = (84/720) / (19/144) = 84/95,
        best path L L with probability 1/2 * 1/2 * 0.9 * 1/2 = 9/80.

    A longer sequence is checked against an exact (Fraction) forward recursion."""
    pi = [Fraction(1, 2), Fraction(1, 2)]
    A = [[Fraction(95, 100), Fraction(5, 100)], [Fraction(1, 10), Fraction(9, 10)]]
    emit = [[Fraction(1, 6)] * 6, [Fraction(1, 10)] * 5 + [Fraction(1, 2)]]
    as_log = lambda M: np.log(np.array(M, dtype=float))  # noqa: E731

    rolls = np.array([6, 6]) - 1
    lfp = as_log(emit)[:, rolls].T
    lp, post, xi = reference.forward_backward(as_log(pi), as_log(A), lfp, np.array([0, 2]))
    assert lp[0] == pytest.approx(np.log(19 / 144), rel=1e-14)
    assert post[0, 1] == pytest.approx(84 / 95, rel=1e-14)
    vlp, path = reference.viterbi(as_log(pi), as_log(A), lfp, np.array([0, 2]))
    assert vlp[0] == pytest.approx(np.log(9 / 80), rel=1e-14)
    assert path.tolist() == [1, 1]

    # exact forward recursion in rational arithmetic
    rolls = np.array([3, 1, 6, 6, 6, 2, 6, 5, 6, 6, 6, 1]) - 1
    alpha = [pi[k] * emit[k][rolls[0]] for k in range(2)]
    for o in rolls[1:]:
        alpha = [sum(alpha[i] * A[i][j] for i in range(2)) * emit[j][o] for j in range(2)]
    exact = sum(alpha)
    lfp = as_log(emit)[:, rolls].T
    got = reference.score(as_log(pi), as_log(A), lfp, np.array([0, len(rolls)]))[0]
    assert got == pytest.approx(np.log(float(exact)), rel=1e-13)


# ---------------------------------------------------------------------------
# every backend against the reference
# ---------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), K=st.integers(1, 6),
       lengths=st.lists(st.integers(1, 12), min_size=1, max_size=8),
       zeros=st.booleans())
def test_backend_matches_reference(kernels, seed, K, lengths, zeros):
    rng = np.random.default_rng(seed)
    lengths = [1] + lengths            # always a length-1 sequence
    log_pi, log_A = random_model(rng, K, zeros)
    offsets = offsets_of(lengths)
    lfp = random_frames(rng, offsets[-1], K, zeros)
    ref_lp = reference.score(log_pi, log_A, lfp, offsets)
    if not np.all(np.isfinite(ref_lp)):
        # structural zeros can make a sequence impossible; keep only possible ones
        keep = np.flatnonzero(np.isfinite(ref_lp))
        if keep.size == 0:
            return
        lengths = [lengths[s] for s in keep]
        lfp = np.concatenate([lfp[offsets[s]:offsets[s + 1]] for s in keep])
        offsets = offsets_of(lengths)
    assert_matches_reference(kernels, log_pi, log_A, lfp, offsets)


@pytest.mark.parametrize("K", [1, 2, 5, 8, 16, 33])
def test_backend_matches_reference_sizes(kernels, K):
    """Sizes that exercise the vectorised loops' remainders (K not a multiple of 4)."""
    rng = np.random.default_rng(K)
    log_pi, log_A = random_model(rng, K, zeros=K > 4)
    offsets = offsets_of([1, 40, 7, 1, 63, 2])
    lfp = random_frames(rng, offsets[-1], K)
    assert_matches_reference(kernels, log_pi, log_A, lfp, offsets)


def test_properties(kernels):
    """Posteriors sum to one; xi_sum sums to N - S; permuting states permutes outputs."""
    rng = np.random.default_rng(7)
    K = 5
    log_pi, log_A = random_model(rng, K, zeros=True)
    lengths = [1, 30, 17, 1, 52]
    offsets = offsets_of(lengths)
    lfp = random_frames(rng, offsets[-1], K)
    lp, post, xi = kernels.forward_backward(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(xi.sum(), offsets[-1] - len(lengths), rtol=1e-12)
    # xi rows sum to the posteriors of all but the last step of each sequence
    not_last = np.ones(offsets[-1], dtype=bool)
    not_last[offsets[1:] - 1] = False
    np.testing.assert_allclose(xi.sum(axis=1), post[not_last].sum(axis=0), rtol=1e-10)

    perm = rng.permutation(K)
    lp2, post2, xi2 = kernels.forward_backward(
        log_pi[perm], log_A[np.ix_(perm, perm)], lfp[:, perm], offsets)
    np.testing.assert_allclose(lp2, lp, rtol=RTOL)
    np.testing.assert_allclose(post2, post[:, perm], rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(xi2, xi[np.ix_(perm, perm)], rtol=RTOL, atol=1e-300)
    vlp, path = kernels.viterbi(log_pi, log_A, lfp, offsets)
    vlp2, path2 = kernels.viterbi(log_pi[perm], log_A[np.ix_(perm, perm)], lfp[:, perm], offsets)
    np.testing.assert_allclose(vlp2, vlp, rtol=RTOL)
    np.testing.assert_array_equal(perm[path2], path)


def test_viterbi_ties_go_to_lowest_index(kernels):
    """A uniform model makes every path tie: np.argmax semantics pick state 0 throughout."""
    K = 4
    log_pi = np.full(K, -np.log(K))
    log_A = np.full((K, K), -np.log(K))
    offsets = offsets_of([1, 6, 3])
    lfp = np.zeros((10, K))
    lfp[:, 0] = -1.0           # state 0 worse: ties among 1..3 go to state 1
    vlp, path = kernels.viterbi(log_pi, log_A, lfp, offsets)
    ref_vlp, ref_path = reference.viterbi(log_pi, log_A, lfp, offsets)
    np.testing.assert_array_equal(path, ref_path)
    np.testing.assert_array_equal(path, 1)
    np.testing.assert_allclose(vlp, ref_vlp, rtol=RTOL)


def test_impossible_sequence_gives_minus_inf(kernels):
    """A sequence of probability zero: log_prob -inf and NaN posteriors (the reference's
    convention; the model layer raises), other sequences unaffected, no crash."""
    log_pi = safe_log([1.0, 0.0])
    log_A = safe_log([[0.9, 0.1], [0.0, 1.0]])
    offsets = offsets_of([3, 4])
    lfp = np.log(np.full((7, 2), 0.5))
    lfp[4, 1] = -np.inf
    lfp[5, 0] = -np.inf        # sequence 1 needs 0 at t=1 and 1 at t=2, then 0 again
    lfp[6, 1] = -np.inf
    ref_lp, ref_post, _ = reference.forward_backward(log_pi, log_A, lfp, offsets)
    lp, post, xi = kernels.forward_backward(log_pi, log_A, lfp, offsets)
    assert np.isfinite(lp[0]) and lp[1] == -np.inf and ref_lp[1] == -np.inf
    np.testing.assert_allclose(lp[0], ref_lp[0], rtol=RTOL)
    np.testing.assert_allclose(post[:3], ref_post[:3], rtol=RTOL)
    assert np.all(np.isnan(post[3:]))
    np.testing.assert_array_equal(kernels.score(log_pi, log_A, lfp, offsets)[1], -np.inf)
    assert kernels.viterbi(log_pi, log_A, lfp, offsets)[0][1] == -np.inf


def test_peaked_frames_and_unreachable_states(kernels):
    """Frames hundreds of nats apart (probability space would underflow without the row
    maximum, or the log-space fallback) and a state alpha never reaches whose emissions
    are far better than the reachable ones (the backward variable must not overflow)."""
    rng = np.random.default_rng(3)
    K = 3
    log_pi = safe_log([1.0, 0.0, 0.0])
    log_A = safe_log([[0.5, 0.5, 0.0], [0.3, 0.7, 0.0], [0.0, 0.0, 1.0]])  # state 2 unreachable
    offsets = offsets_of([400, 50])
    lfp = rng.normal(size=(450, K)) * 5.0
    lfp[:, 2] += 50.0                  # unreachable state: frames e**50 more likely
    lfp[400:, 1] -= 800.0              # second sequence: state 1 is 800 nats down
    lfp[420:, 0] -= 1000.0             # ... and later state 0 even further
    assert_matches_reference(kernels, log_pi, log_A, lfp, offsets)


# ---------------------------------------------------------------------------
# long sequences: no underflow
# ---------------------------------------------------------------------------
def _factorised_case(T, K=4, seed=0):
    """All transition rows equal the start distribution, so states are i.i.d. and the
    likelihood, posteriors and xi_sum have closed forms."""
    rng = np.random.default_rng(seed)
    pi = rng.dirichlet(np.ones(K))
    A = np.tile(pi, (K, 1))
    lfp = rng.normal(size=(T, K)) * 2.0 - 3.0
    joint = np.log(pi) + lfp
    m = joint.max(axis=1, keepdims=True)
    per_step = m[:, 0] + np.log(np.exp(joint - m).sum(axis=1))
    post = np.exp(joint - per_step[:, None])
    xi = post[:-1].T @ post[1:]
    return np.log(pi), np.log(A), lfp, per_step.sum(), post, xi


def test_million_observations_numba():
    T = 10**6
    log_pi, log_A, lfp, log_prob, post_cf, xi_cf = _factorised_case(T)
    assert log_prob < -1e6             # far below what probability space can represent
    kern = get_kernels("numba")
    offsets = np.array([0, T])
    lp, post, xi = kern.forward_backward(log_pi, log_A, lfp, offsets)
    assert np.isfinite(lp[0])
    np.testing.assert_allclose(lp[0], log_prob, rtol=1e-10)
    np.testing.assert_allclose(kern.score(log_pi, log_A, lfp, offsets)[0], log_prob, rtol=1e-10)
    np.testing.assert_allclose(post, post_cf, rtol=1e-9)
    np.testing.assert_allclose(xi, xi_cf, rtol=1e-9)
    vlp, path = kern.viterbi(log_pi, log_A, lfp, offsets)
    # with i.i.d. states the best path is the best state of each step
    np.testing.assert_array_equal(path, np.argmax(log_pi + lfp, axis=1))
    np.testing.assert_allclose(vlp[0], np.max(log_pi + lfp, axis=1).sum(), rtol=1e-10)


def test_long_sequence_reference():
    """The reference on 2 * 10**5 observations (10**6 is slow in pure NumPy), and the
    numba kernel on the same data."""
    T = 2 * 10**5
    log_pi, log_A, lfp, log_prob, _, _ = _factorised_case(T, seed=1)
    offsets = np.array([0, T])
    ref = reference.score(log_pi, log_A, lfp, offsets)[0]
    assert np.isfinite(ref)
    np.testing.assert_allclose(ref, log_prob, rtol=1e-10)
    np.testing.assert_allclose(get_kernels("numba").score(log_pi, log_A, lfp, offsets)[0],
                               ref, rtol=1e-10)


@pytest.mark.parametrize("backend", ["numba"])
def test_left_right_chain_where_scaling_would_drop_a_lagging_state(backend):
    """Left-right chain with strongly varying frames: a state lagging by > 645 nats can
    later dominate and no other state can feed it, so a plain scaled recursion loses it
    (it gave 1723.89 here); the kernels must detect this and match the log-space oracle."""
    rng = np.random.default_rng(0)
    K, T = 40, 600
    A = np.zeros((K, K))
    for i in range(K):
        for d in range(3):
            if i + d < K:
                A[i, i + d] = 1.0
    A /= A.sum(axis=1, keepdims=True)
    pi = np.zeros(K)
    pi[0] = 1.0
    log_pi, log_A = safe_log(pi), safe_log(A)
    lfp = 10.0 * rng.normal(size=(T, K))
    offsets = np.array([0, T])
    kern = get_kernels(backend)
    ref_lp = reference.score(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(kern.score(log_pi, log_A, lfp, offsets), ref_lp, rtol=1e-10)
    lp, post, xi = kern.forward_backward(log_pi, log_A, lfp, offsets)
    r_lp, r_post, r_xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(lp, r_lp, rtol=1e-10)
    np.testing.assert_allclose(post, r_post, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(xi, r_xi, rtol=1e-8, atol=1e-10)


# ---------------------------------------------------------------------------
# forward_backward_stats (the fit's fused E-step) against the reference posteriors
# ---------------------------------------------------------------------------
def _stats_from_reference(log_pi, log_A, lfp, offsets):
    """(log_prob (S,), posteriors, xi_sum, start) of the reference; an empty sequence
    (which the reference does not take) has log_prob 0."""
    n = np.diff(offsets)
    nz = n > 0
    offs = np.concatenate(([0], np.cumsum(n[nz]))).astype(np.int64)
    lp, post, xi = reference.forward_backward(log_pi, log_A, lfp, offs)
    lp_all = np.zeros(len(n))
    lp_all[nz] = lp
    return lp_all, post, xi, post[offs[:-1]].sum(axis=0)


def _left_right(K):
    A = np.zeros((K, K))
    for i in range(K):
        for d in range(3):
            if i + d < K:
                A[i, i + d] = 1.0
    A /= A.sum(axis=1, keepdims=True)
    pi = np.zeros(K)
    pi[0] = 1.0
    return safe_log(pi), safe_log(A)


def _check_categorical_stats(log_pi, log_A, log_table, offsets, sym):
    """forward_backward_stats with categorical frames from ``log_table`` (n_sym, K)
    equals the reference (log_prob, xi_sum, start, counts); returns the reference
    log-likelihoods."""
    from tiedpgm.kernels import numba_cpu
    n_sym, K = log_table.shape
    lfp = log_table[sym]
    r_lp, post, r_xi, r_start = _stats_from_reference(log_pi, log_A, lfp, offsets)
    res = numba_cpu.forward_backward_stats(log_pi, log_A, offsets, log_table=log_table,
                                           symbols=sym, counts_symbols=sym, n_symbols=n_sym)
    counts = np.zeros((K, n_sym))
    for s in range(n_sym):
        counts[:, s] = post[sym == s].sum(axis=0)
    np.testing.assert_allclose(res["log_prob"], r_lp, rtol=RTOL)
    np.testing.assert_allclose(res["xi_sum"], r_xi, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(res["start"], r_start, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(res["counts"], counts, rtol=RTOL, atol=1e-12)
    return r_lp


# ragged lengths: empty, 1, 2, odd and even, more than one lockstep batch of 8
STATS_LENGTHS = [[7], [1, 2, 3], [0, 5, 1, 12, 2, 9, 4, 33, 6, 2, 17, 0, 8, 3, 25, 1, 40]]


# K=13: the lane kernel's blocks of eight and four outputs of the vector-matrix product,
# its 4 x 4 tiles of expected transitions and its counts eight states at a time, each
# with its remainder
@pytest.mark.parametrize("K", [1, 3, 8, 13, 16, 33])
@pytest.mark.parametrize("lengths", STATS_LENGTHS)
@pytest.mark.parametrize("zeros", [False, True])
def test_forward_backward_stats_categorical(K, lengths, zeros):
    rng = np.random.default_rng(K * 100 + len(lengths))
    log_pi, log_A = random_model(rng, K, zeros)
    n_sym = 5
    log_table = np.log(rng.dirichlet(np.ones(n_sym), size=K).T)       # (n_sym, K)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    sym = rng.integers(n_sym, size=offsets[-1])
    r_lp = _check_categorical_stats(log_pi, log_A, log_table, offsets, sym)
    assert np.all(np.isfinite(r_lp))


@pytest.mark.parametrize("n_sym", [2, 7, 40])
def test_forward_backward_stats_categorical_table_sizes(n_sym):
    """Tables of a few and of many symbols (the lane kernel gathers the lanes' rows
    eight states at a time, K=16)."""
    K = 16
    rng = np.random.default_rng(n_sym)
    log_pi, log_A = random_model(rng, K, False)
    log_table = np.log(rng.dirichlet(np.ones(n_sym), size=K).T)
    lengths = STATS_LENGTHS[2]
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    sym = rng.integers(n_sym, size=offsets[-1])
    _check_categorical_stats(log_pi, log_A, log_table, offsets, sym)


@pytest.mark.parametrize("K", [13, 16])
def test_forward_backward_stats_categorical_long_sequences(K):
    """Sequences longer than the lane kernel's ring of frame rows (numba_cpu._FRAME_RING,
    gathered again in the backward pass), wrapping it several times, beside short ones
    and with blocks of expected transitions that straddle the wrap."""
    from tiedpgm.kernels import numba_cpu
    rng = np.random.default_rng(K + 7)
    log_pi, log_A = random_model(rng, K, True)
    n_sym = 9
    log_table = np.log(rng.dirichlet(np.ones(n_sym), size=K).T)
    ring = numba_cpu._FRAME_RING
    lengths = [5 * ring + 3, 7, 2 * ring, ring + 1, 1, 3 * ring - 5, 0, ring]
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    sym = rng.integers(n_sym, size=offsets[-1])
    _check_categorical_stats(log_pi, log_A, log_table, offsets, sym)


@pytest.mark.parametrize("K", [3, 16])
def test_forward_backward_stats_symbol_no_state_emits(K):
    """A symbol that no state emits (a row of -inf in the table) makes its sequences
    impossible: log_prob -inf and NaN statistics, as in the reference; the sequences
    that share their lockstep batches keep their exact statistics."""
    from tiedpgm.kernels import numba_cpu
    rng = np.random.default_rng(K)
    log_pi, log_A = random_model(rng, K, False)
    n_sym = 5
    log_table = np.log(rng.dirichlet(np.ones(n_sym), size=K).T)
    log_table[n_sym - 1] = -np.inf
    lengths = STATS_LENGTHS[2]
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    sym = rng.integers(n_sym - 1, size=offsets[-1])
    sym[offsets[3] + 5] = n_sym - 1            # sequence 3 (length 12), mid-sequence
    sym[offsets[14]] = n_sym - 1               # sequence 14 (length 25), first symbol
    r_lp = _check_categorical_stats(log_pi, log_A, log_table, offsets, sym)
    assert r_lp[3] == -np.inf and r_lp[14] == -np.inf
    assert np.isfinite(np.delete(r_lp, [3, 14])).all()
    ok = np.ones(len(lengths), dtype=bool)
    ok[[3, 14]] = False
    keep = np.concatenate([np.arange(offsets[s], offsets[s + 1])
                           for s in range(len(lengths)) if ok[s]])
    offs_ok = np.concatenate(([0], np.cumsum(np.asarray(lengths)[ok]))).astype(np.int64)
    res_ok = numba_cpu.forward_backward_stats(log_pi, log_A, offs_ok, log_table=log_table,
                                              symbols=sym[keep], counts_symbols=sym[keep],
                                              n_symbols=n_sym)
    res = numba_cpu.forward_backward_stats(log_pi, log_A, offsets, log_table=log_table,
                                           symbols=sym, counts_symbols=sym, n_symbols=n_sym)
    np.testing.assert_array_equal(res["log_prob"][ok], res_ok["log_prob"])


@pytest.mark.parametrize("K", [2, 8, 13, 16, 33])
@pytest.mark.parametrize("lengths", STATS_LENGTHS)
@pytest.mark.parametrize("zeros", [False, True])
def test_forward_backward_stats_diag_gaussian(K, lengths, zeros):
    from tiedpgm.kernels import numba_cpu
    rng = np.random.default_rng(K * 1000 + len(lengths))
    log_pi, log_A = random_model(rng, K, zeros)
    F, G = 3, max(1, K - 1)                       # one tie group shared by two states
    means = rng.normal(size=(G, F)) * 2.0
    var = rng.uniform(0.3, 2.0, size=(G, F))
    slots = np.minimum(np.arange(K), G - 1)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    X = rng.normal(size=(offsets[-1], F)) * 2.0
    lfp = (-0.5 * (F * np.log(2 * np.pi) + np.log(var).sum(axis=1))[None, slots]
           - 0.5 * (((X[:, None, :] - means[slots][None]) ** 2) / var[slots][None]).sum(axis=2))
    r_lp, post, r_xi, r_start = _stats_from_reference(log_pi, log_A, lfp, offsets)
    assert np.all(np.isfinite(r_lp))
    res = numba_cpu.forward_backward_stats(log_pi, log_A, offsets, diag_X=X,
                                           diag_params=(means, var, slots))
    np.testing.assert_allclose(res["log_prob"], r_lp, rtol=RTOL)
    np.testing.assert_allclose(res["xi_sum"], r_xi, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(res["start"], r_start, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(res["sum_w"], post.sum(axis=0), rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(res["sum_x"], post.T @ X, rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(res["sum_xx"], post.T @ X ** 2, rtol=RTOL, atol=1e-10)


@pytest.mark.parametrize("K", [12, 40])
def test_forward_backward_stats_left_right_log_space_lanes(K):
    """Left-right chains with peaked frames: some lanes of a lockstep batch go to the
    log-space fallback, the others stay scaled; statistics must still be the oracle's."""
    from tiedpgm.kernels import numba_cpu
    rng = np.random.default_rng(K)
    log_pi, log_A = _left_right(K)
    n_sym = 30
    log_table = 10.0 * rng.normal(size=(n_sym, K))
    lengths = [600, 3, 450, 41, 1, 500, 77, 2, 300, 620]
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    sym = rng.integers(n_sym, size=offsets[-1])
    lfp = log_table[sym]
    r_lp, post, r_xi, r_start = _stats_from_reference(log_pi, log_A, lfp, offsets)
    res = numba_cpu.forward_backward_stats(log_pi, log_A, offsets, log_table=log_table,
                                           symbols=sym, counts_symbols=sym, n_symbols=n_sym)
    counts = np.zeros((K, n_sym))
    for s in range(n_sym):
        counts[:, s] = post[sym == s].sum(axis=0)
    np.testing.assert_allclose(res["log_prob"], r_lp, rtol=1e-10)
    np.testing.assert_allclose(res["xi_sum"], r_xi, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(res["start"], r_start, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(res["counts"], counts, rtol=1e-8, atol=1e-10)


def test_log_space_fallback_of_a_sparse_left_right_chain():
    """The benchmark's sparse case on the dense kernels: far-away Gaussian frames flush to
    zero, every sequence takes the log-space fallback, which runs over the finite entries
    of log_transmat only; results must be the oracle's."""
    from tiedpgm.kernels import numba_cpu
    rng = np.random.default_rng(3)
    K = 96
    A = np.zeros((K, K))
    for i in range(K):
        A[i, i:min(i + 3, K)] = rng.uniform(0.2, 1.0, min(3, K - i))
    A /= A.sum(axis=1, keepdims=True)
    log_pi, log_A = safe_log(np.full(K, 1.0 / K)), safe_log(A)
    means = np.linspace(-20, 20, K)
    lengths = [150, 1, 90, 0, 200]
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    X = np.concatenate([np.sort(rng.choice(means, n)) + rng.normal(scale=0.5, size=n)
                        for n in lengths])
    lfp = -0.5 * np.log(2 * np.pi) - 0.5 * (X[:, None] - means[None]) ** 2
    r_lp, r_post, r_xi, _ = _stats_from_reference(log_pi, log_A, lfp, offsets)
    lp, post, xi = numba_cpu.forward_backward(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(lp, r_lp, rtol=1e-10)
    np.testing.assert_allclose(post, r_post, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(xi, r_xi, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(numba_cpu.score(log_pi, log_A, lfp, offsets), r_lp, rtol=1e-10)
    res = numba_cpu.forward_backward_stats(log_pi, log_A, offsets, diag_X=X[:, None],
                                           diag_params=(means[:, None], np.ones((K, 1)),
                                                        np.arange(K)))
    np.testing.assert_allclose(res["log_prob"], r_lp, rtol=1e-10)
    np.testing.assert_allclose(res["xi_sum"], r_xi, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(res["sum_x"][:, 0], r_post.T @ X, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("K", [8, 16, 24])
def test_add_transposed8(K):
    """The lane kernel's counts sink adds eight rows of (K, 8), transposed, to one row of
    each of eight planes: every element once, nothing else touched."""
    from numba import njit
    from tiedpgm.kernels._llvm import add_transposed8

    @njit
    def add(src, k0, dst, rows):
        add_transposed8(src, k0, dst, rows)

    rng = np.random.default_rng(K)
    src = rng.random((K, 8))
    dst = rng.random((8, 5, K))
    rows = rng.integers(0, 5, 8)
    for k0 in range(0, K, 8):
        want = dst.copy()
        for lane in range(8):
            want[lane, rows[lane], k0:k0 + 8] += src[k0:k0 + 8, lane]
        add(src, k0, dst, rows)
        np.testing.assert_array_equal(dst, want)


@pytest.mark.parametrize("K", [8, 16, 24])
def test_gather_transposed8(K):
    """The lane kernel's categorical frames: eight lanes' rows of a (R, K) table, eight
    states at a time, stored transposed as rows of one step; nothing else touched."""
    from numba import njit
    from tiedpgm.kernels._llvm import gather_transposed8

    @njit
    def gather(src, rows, dst, t, k0):
        gather_transposed8(src, rows, dst, t, k0)

    rng = np.random.default_rng(K + 1)
    src = rng.random((5, K))
    rows = rng.integers(0, 5, 8)
    dst = rng.random((3, K, 8))
    for k0 in range(0, K, 8):
        want = dst.copy()
        want[1, k0:k0 + 8, :] = src[rows, k0:k0 + 8].T
        gather(src, rows, dst, 1, k0)
        np.testing.assert_array_equal(dst, want)
