"""Tied transitions (exact constrained MLE) and sparse-transition kernels."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tiedpgm as tp
from tiedpgm.hmm import check_transmat_ties_feasible, tied_transition_mle
from tiedpgm.kernels import reference as ref
from tiedpgm.kernels import sparse_reference as sref

from _hmm_helpers import available_backends, left_right_chain, random_stochastic


def _sparse_model(rng, K, nnz_per_row):
    A = np.zeros((K, K))
    for i in range(K):
        cols = rng.choice(K, size=min(nnz_per_row, K), replace=False)
        A[i, cols] = rng.random(len(cols)) + 0.1
    A /= A.sum(axis=1, keepdims=True)
    return A


def _sparse_kernels():
    out = [sref]
    if "numba" in available_backends():
        from tiedpgm.kernels import sparse_numba
        out.append(sparse_numba)
    return out


# -- sparse kernels equal the dense oracle --------------------------------------------------
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), K=st.integers(1, 7), nnz=st.integers(1, 3),
       lengths=st.lists(st.integers(1, 6), min_size=1, max_size=3))
def test_sparse_kernels_equal_dense(seed, K, nnz, lengths):
    rng = np.random.default_rng(seed)
    A = _sparse_model(rng, K, nnz)
    lsp = np.log(random_stochastic(rng, K))
    N = sum(lengths)
    lfp = rng.normal(size=(N, K))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    with np.errstate(divide="ignore"):
        ltm = np.log(A)
    lp_d, post_d, xi_d = ref.forward_backward(lsp, ltm, lfp, offsets)
    sp = sref.to_sparse(A)
    for k in _sparse_kernels():
        lp, post, xi = k.forward_backward(lsp, sp, lfp, offsets)
        if not np.all(np.isfinite(lp_d)):
            assert np.array_equal(np.isfinite(lp), np.isfinite(lp_d))
            continue
        np.testing.assert_allclose(lp, lp_d, rtol=1e-10)
        np.testing.assert_allclose(post, post_d, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(xi, xi_d, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(k.score(lsp, sp, lfp, offsets), lp_d, rtol=1e-10)
        vlp, vst = k.viterbi(lsp, sp, lfp, offsets)
        vlp_d, vst_d = ref.viterbi(lsp, ltm, lfp, offsets)
        np.testing.assert_allclose(vlp, vlp_d, rtol=1e-10)
        np.testing.assert_array_equal(vst, vst_d)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), K=st.integers(1, 9), nnz=st.integers(1, 4))
def test_sparse_form_and_its_cache_check_equal_the_oracle(seed, K, nnz):
    """Every kernel module's to_sparse gives the oracle's arrays bit for bit, and its
    support_unchanged (the cache check of a model's sparse form) sees each kind of edit."""
    rng = np.random.default_rng(seed)
    A = _sparse_model(rng, K, nnz)
    want = sref.to_sparse(A)
    rows = np.repeat(np.arange(K), np.diff(want.row_ptr))
    vals = A[rows, want.col_idx]
    i = int(rng.integers(K))
    changed = A.copy()
    changed[rows[0], want.col_idx[0]] *= 0.5                   # a value on the support
    added = A.copy()
    added[i, (want.col_idx[want.row_ptr[i]] + 1) % K] += 1.0   # maybe a new non-zero
    zeroed = A.copy()
    zeroed[rows[-1], want.col_idx[-1]] = 0.0                   # a support entry to zero
    for k in _sparse_kernels():
        sp = k.to_sparse(A)
        assert sp.n_states == want.n_states
        for got, exp in zip(sp[1:], want[1:]):
            np.testing.assert_array_equal(got, exp)
            assert got.dtype == exp.dtype
        assert k.support_unchanged(A.copy(), sp, vals)
        assert not k.support_unchanged(changed, sp, vals)
        assert not k.support_unchanged(added, sp, vals)
        assert not k.support_unchanged(zeroed, sp, vals)


@pytest.mark.parametrize("backend", available_backends())
def test_left_right_model_sparse_equals_dense(backend):
    K = 40
    A, X = left_right_chain(K)
    fits = []
    # the dense side is the NumPy oracle, so this checks the sparse kernels of `backend`
    for sparse, be in ((True, backend), (False, "numpy")):
        m = tp.GaussianHMM(K, init_params="mc", params="stmc", n_iter=3, random_state=0,
                           backend=be, sparse_transitions=sparse)
        m.startprob_ = np.eye(K)[0]
        m.transmat_ = A
        m.fit(X, [5 * K] * 3)
        fits.append(m)
    assert fits[0]._use_sparse() and not fits[1]._use_sparse()
    a, b = fits
    np.testing.assert_allclose(a.monitor_.history, b.monitor_.history, rtol=1e-10)
    np.testing.assert_allclose(a.transmat_, b.transmat_, rtol=1e-10, atol=1e-14)
    assert np.all(a.transmat_[A == 0] == 0)
    np.testing.assert_array_equal(a.predict(X, [5 * K] * 3), b.predict(X, [5 * K] * 3))
    np.testing.assert_allclose(a.score(X), b.score(X), rtol=1e-10)


@pytest.mark.parametrize("backend", available_backends())
def test_sparse_transition_mstep_equals_dense(backend):
    """The sparse path's M-step works on the non-zeros only: same update as the dense one
    with a per-entry prior, a row without counts (kept), entries whose counts vanish (the
    support shrinks, and the sparse form is rebuilt), and in-place edits afterwards."""
    K = 40
    A, X = left_right_chain(K)
    prior = 1.0 + np.random.default_rng(0).random((K, K))
    models = []
    for sparse in (True, False):
        m = tp.GaussianHMM(K, init_params="mc", params="st", random_state=0,
                           backend=backend, sparse_transitions=sparse, transmat_prior=prior)
        m.startprob_ = np.eye(K)[0]
        m.transmat_ = A
        m.fit(X[:50], [50])          # initialise the means and covariances
        models.append(m)
    a, b = models
    stats = a.summarize(X, [5 * K] * 3)
    stats.trans[3] = 0.0                                  # a row without counts
    stats.trans[5, 6] = 0.0                               # prior 1 + count 0: a new zero
    for m in models:
        m.transmat_prior = np.where(np.arange(K)[:, None] == 5, 1.0, prior)
        m.apply_summaries(stats)
    assert a._use_sparse() and not b._use_sparse()
    np.testing.assert_allclose(a.transmat_, b.transmat_, rtol=1e-14, atol=1e-300)
    assert a.transmat_[5, 6] == 0 and np.all(a.transmat_[A == 0] == 0)
    np.testing.assert_allclose(a.score(X), b.score(X), rtol=1e-12)
    a.transmat_[7, 7:9] = a.transmat_[7, 8:6:-1].copy()    # edited in place
    b.transmat_[7, 7:9] = b.transmat_[7, 8:6:-1].copy()
    np.testing.assert_allclose(a.score(X), b.score(X), rtol=1e-12)


@pytest.mark.parametrize("backend", available_backends())
def test_sparse_mstep_leaves_a_handed_out_transmat_alone(backend):
    """The sparse M-step writes into transmat_ in place unless the array was handed out
    through the getter: a caller's array keeps its values, and both routes give the
    same fit."""
    K = 40
    A, X = left_right_chain(K)
    fits = []
    for lend in (True, False):
        m = tp.GaussianHMM(K, init_params="mc", params="stmc", n_iter=3, random_state=0,
                           backend=backend, sparse_transitions=True)
        m.startprob_ = np.eye(K)[0]
        m.transmat_ = A
        held = m.transmat_ if lend else None
        m.fit(X, [5 * K] * 3)
        if lend:
            np.testing.assert_array_equal(held, A)
            assert m.transmat_ is not held
        fits.append(m)
    np.testing.assert_array_equal(fits[0].transmat_, fits[1].transmat_)
    assert not np.array_equal(fits[1].transmat_, A)


@pytest.mark.parametrize("backend", available_backends())
def test_one_long_left_right_sequence_sparse_equals_dense(backend):
    """The three sequences above as one: after the first pass through the states only
    the absorbing last state is left, thousands of nats worse per frame than the states
    behind it. The sparse kernels must not drop its mass (a recursion scaled per frame
    by its best state did, with every scale factor far from underflow, and the fit went
    elsewhere; see test_banded.py for the kernels alone)."""
    K = 40
    A, X = left_right_chain(K)
    fits = []
    for sparse, be in ((True, backend), (False, "numpy")):
        m = tp.GaussianHMM(K, init_params="", params="stmc", n_iter=3, backend=be,
                           sparse_transitions=sparse)
        m.startprob_ = np.eye(K)[0]
        m.transmat_ = A
        m.means_ = np.arange(K)[:, None] / 4
        m.covars_ = np.full((K, 1), 0.09)
        m.fit(X, [len(X)])
        fits.append(m)
    a, b = fits
    assert a._use_sparse() and not b._use_sparse()
    np.testing.assert_allclose(a.monitor_.history, b.monitor_.history, rtol=1e-10)
    np.testing.assert_allclose(a.transmat_, b.transmat_, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(a.means_, b.means_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.covars_, b.covars_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.score(X), b.score(X), rtol=1e-10)


def test_auto_rule():
    m = tp.GaussianHMM(64)
    m.transmat_ = np.eye(64)
    assert m._use_sparse()
    m.transmat_ = np.full((64, 64), 1 / 64)
    assert not m._use_sparse()
    with pytest.raises(ValueError, match="sparse_transitions='yes' is not known"):
        tp.GaussianHMM(2, sparse_transitions="yes").fit(np.arange(6.0)[:, None])


# -- tied transitions ---------------------------------------------------------------------------
def _duration_chain(K=6):
    """States 0..K-2 share one self-loop and one exit probability; the last is absorbing."""
    tt = -np.ones((K, K), dtype=int)
    A = np.zeros((K, K))
    for i in range(K - 1):
        tt[i, i], tt[i, i + 1] = 0, 1
        A[i, i], A[i, i + 1] = 0.6, 0.4
    A[K - 1, K - 1] = 1.0
    return tt, A


@pytest.mark.parametrize("sparse", [False, True])
def test_tied_transitions_every_iteration(sparse):
    rng = np.random.default_rng(1)
    K = 6
    tt, A = _duration_chain(K)
    X = np.concatenate([rng.normal(np.repeat(np.arange(K), rng.integers(2, 9, K)), 0.4)
                        for _ in range(4)])[:, None]
    m = tp.GaussianHMM(K, transmat_ties=tt, init_params="mc", random_state=0, n_iter=1,
                       backend="numpy", sparse_transitions=sparse)
    m.startprob_, m.transmat_ = np.eye(K)[0], A
    m.fit(X)
    m.set_params(init_params="")
    history = []
    for _ in range(8):
        stats = m.summarize(X)
        history.append(stats.log_prob)
        m.apply_summaries(stats)
        T = m.transmat_
        assert np.ptp(np.diag(T)[:-1]) < 1e-12
        assert np.ptp(np.diag(T, 1)) < 1e-12
        np.testing.assert_allclose(T.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        assert np.all(T[A == 0] == 0)
    assert np.all(np.diff(history) > -1e-9 * abs(history[0]))
    # the closed form for rows of identical pattern: pooled counts / pooled row totals
    xi = m.summarize(X).trans
    self_c = np.trace(xi[:-1, :-1])
    exit_c = np.diag(xi, 1).sum()
    m.apply_summaries(m.summarize(X))
    assert m.transmat_[0, 0] == pytest.approx(self_c / (self_c + exit_c), rel=1e-10)


def _kkt_residual(counts, tt, support, A):
    """Stationarity of the Lagrangian: C_v / theta_v = sum_i lambda_i n_iv for some lambda."""
    K = len(A)
    ids = {}
    for i in range(K):
        for j in range(K):
            if support[i, j]:
                key = ("t", tt[i, j]) if tt[i, j] >= 0 else ("f", i, j)
                ids.setdefault(key, len(ids))
    V = len(ids)
    Nm = np.zeros((K, V))
    C = np.zeros(V)
    theta = np.zeros(V)
    for i in range(K):
        for j in range(K):
            if support[i, j]:
                key = ("t", tt[i, j]) if tt[i, j] >= 0 else ("f", i, j)
                v = ids[key]
                Nm[i, v] += 1
                C[v] += counts[i, j]
                theta[v] = A[i, j]
    lam = np.linalg.lstsq(Nm.T, C / theta, rcond=None)[0]
    return np.max(np.abs(Nm.T @ lam - C / theta) / (C / theta))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_tied_mle_kkt_and_optimality(seed):
    """A general tie pattern (ids spanning rows that also hold free entries): the update
    satisfies the KKT conditions and beats every other feasible point we try."""
    rng = np.random.default_rng(seed)
    K = 4
    support = rng.random((K, K)) < 0.8
    support[np.arange(K), np.arange(K)] = True
    tt = np.where(support & (rng.random((K, K)) < 0.5), rng.integers(0, 2, (K, K)), -1)
    try:
        check_transmat_ties_feasible(tt, support)
    except ValueError:
        return
    counts = np.where(support, rng.uniform(0.5, 10, (K, K)), 0)
    A = tied_transition_mle(counts, tt, support, np.where(support, 1.0, 0) / support.sum(1, keepdims=True))
    np.testing.assert_allclose(A.sum(axis=1), 1, atol=1e-10)
    for e in np.unique(tt[tt >= 0]):
        assert np.ptp(A[tt == e]) < 1e-12
    assert _kkt_residual(counts, tt, support, A) < 1e-8
    obj = np.sum(counts[support] * np.log(A[support]))
    # random feasible points (projections of random matrices) never do better
    for _ in range(5):
        B = tied_transition_mle(np.where(support, rng.random((K, K)), 0), tt, support, A)
        assert np.sum(counts[support] * np.log(B[support])) <= obj + 1e-9


def test_bad_transition_ties():
    tt, A = _duration_chain(4)
    m = tp.GaussianHMM(4, transmat_ties=np.zeros((3, 3), int))
    with pytest.raises(ValueError, match=r"transmat_ties has shape \(3, 3\); expected \(4, 4\)"):
        m.fit(np.arange(8.0)[:, None])
    with pytest.raises(ValueError, match="transmat_ties has dtype"):
        tp.GaussianHMM(4, transmat_ties=tt + 0.5).fit(np.arange(8.0)[:, None])
    m = tp.GaussianHMM(4, transmat_ties=tt, init_params="mc")
    m.startprob_ = np.eye(4)[0]
    B = A.copy()
    B[1, 1], B[1, 2] = 0.5, 0.5
    m.transmat_ = B
    with pytest.raises(ValueError, match="transmat_ breaks transition tie 0"):
        m.fit(np.arange(8.0)[:, None])
    # id 0 twice in row 0 and alone in row 1: 2 theta = 1 and theta = 1 cannot both hold
    bad = -np.ones((2, 2), int)
    bad[0, 0] = bad[0, 1] = bad[1, 1] = 0
    m = tp.GaussianHMM(2, transmat_ties=bad, init_params="mc")
    m.startprob_, m.transmat_ = [1, 0], [[0.5, 0.5], [0, 1]]
    with pytest.raises(ValueError, match="transmat_ties cannot be satisfied"):
        m.fit(np.arange(8.0)[:, None])
    mix = -np.ones((2, 2), int)
    mix[0, 0] = mix[1, 0] = 0
    m = tp.GaussianHMM(2, transmat_ties=mix, init_params="mc")
    m.startprob_, m.transmat_ = [1, 0], [[1, 0], [0, 1]]
    m.transmat_ = [[0.5, 0.5], [0.0, 1.0]]
    with pytest.raises(ValueError, match="mixes structural zeros"):
        m.fit(np.arange(8.0)[:, None])


def test_tied_parameter_count():
    tt, A = _duration_chain(6)
    m = tp.GaussianHMM(6, transmat_ties=tt, params="t")
    m.startprob_, m.transmat_ = np.eye(6)[0], A
    m.means_, m.covars_ = np.zeros((6, 1)), np.ones((6, 1))
    assert m.n_parameters() == 1          # self-loop p (exit = 1 - p); last row fixed


def test_sparse_kernel_frame_far_below_an_unreachable_state():
    """A frame where every reachable state is ~1e-900 times less likely than an
    unreachable one (a scaled recursion would underflow): the sparse kernels are exact."""
    K = 4
    A = np.eye(K) * 0.5 + np.eye(K, k=1) * 0.5
    A[-1, -1] = 1.0
    lfp = np.zeros((6, K))
    lfp[3, :] = [-2000.0, -2000.0, -2000.0, 0.0]       # only state 3 likely; unreachable
    lsp = np.log(np.array([1.0, 1e-300, 1e-300, 1e-300]))
    offsets = np.array([0, 6])
    with np.errstate(divide="ignore"):
        dense = ref.forward_backward(lsp, np.log(A), lfp, offsets)
    for k in _sparse_kernels():
        got = k.forward_backward(lsp, sref.to_sparse(A), lfp, offsets)
        np.testing.assert_allclose(got[0], dense[0], rtol=1e-10)
        np.testing.assert_allclose(got[1], dense[1], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(got[2], dense[2], rtol=1e-10, atol=1e-12)
