"""Banded (few-diagonal) sparse-transition kernels against the dense log-space oracle."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tiedpgm.kernels import reference as ref
from tiedpgm.kernels import sparse_reference as sref

from _hmm_helpers import available_backends, left_right_chain

pytestmark = pytest.mark.skipif("numba" not in available_backends(),
                                reason="the banded kernels are numba kernels")


def _kernels():
    from tiedpgm.kernels import banded_numba, sparse_numba
    return banded_numba, sparse_numba


def _lfp_source(lfp):
    """The frame source (rows of log_frameprob) and scratch row of the internal passes."""
    banded, _ = _kernels()
    none = np.zeros((0, 0))
    return ((banded._FRAMES_LFP, lfp, np.zeros(0, np.int64), none, none, none, np.zeros(0)),
            np.empty((1, lfp.shape[1])))


def _banded_model(rng, K, diags, zero_frac):
    """Rows with non-zeros on the given diagonals (some dropped: zeros inside the band)."""
    A = np.zeros((K, K))
    for i in range(K):
        for d in diags:
            if 0 <= i + d < K and rng.random() >= zero_frac:
                A[i, i + d] = rng.random() + 0.1
        if not A[i].any():
            A[i, i] = 1.0
    return A / A.sum(axis=1, keepdims=True)


def _check_against_oracle(lsp, A, lfp, offsets):
    banded, sparse = _kernels()
    with np.errstate(divide="ignore"):
        ltm = np.log(A)
    lp_d, post_d, xi_d = ref.forward_backward(lsp, ltm, lfp, offsets)
    vlp_d, vst_d = ref.viterbi(lsp, ltm, lfp, offsets)
    sp = sref.to_sparse(A)
    band = banded.to_banded(sp)
    lp, post, xi = banded.forward_backward(lsp, band, lfp, offsets)
    if np.all(np.isfinite(lp_d)):
        np.testing.assert_allclose(lp, lp_d, rtol=1e-10)
        np.testing.assert_allclose(post, post_d, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(xi, xi_d, rtol=1e-10, atol=1e-12)
    else:
        # same conventions as the CSR kernel: -inf log_prob, NaN posteriors for that
        # sequence, xi_sum NaN on the support of the transition matrix
        np.testing.assert_array_equal(np.isfinite(lp), np.isfinite(lp_d))
        np.testing.assert_allclose(lp, lp_d, rtol=1e-10)
        bad = np.flatnonzero(~np.isfinite(lp_d))
        for s in range(len(lp)):
            rows = post[offsets[s]:offsets[s + 1]]
            assert np.all(np.isnan(rows)) == (s in bad)
        np.testing.assert_array_equal(np.isnan(xi), A > 0)
        np.testing.assert_array_equal(xi[A == 0], 0.0)
    np.testing.assert_allclose(banded.score(lsp, band, lfp, offsets), lp_d, rtol=1e-10)
    vlp, vst = banded.viterbi(lsp, band, lfp, offsets)
    np.testing.assert_allclose(vlp, vlp_d, rtol=1e-10)
    np.testing.assert_array_equal(vst, vst_d)
    # the CSR kernels agree, Viterbi paths included (also for probability-0 sequences)
    old = banded.MAX_DIAGONALS
    try:
        banded.MAX_DIAGONALS = 0                       # force the CSR layout
        lp2, post2, xi2 = sparse.forward_backward(lsp, sp, lfp, offsets)
        vlp2, vst2 = sparse.viterbi(lsp, sp, lfp, offsets)
    finally:
        banded.MAX_DIAGONALS = old
    np.testing.assert_allclose(lp2, lp, rtol=1e-10)
    np.testing.assert_allclose(post2, post, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(xi2, xi, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(vst2, vst)
    return lp


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), K=st.integers(1, 9),
       diags=st.lists(st.integers(-3, 3), min_size=1, max_size=4, unique=True),
       zero_frac=st.sampled_from([0.0, 0.3]),
       lengths=st.lists(st.integers(1, 7), min_size=1, max_size=3),
       start_zeros=st.booleans(), frame_zeros=st.booleans())
def test_banded_kernels_equal_oracle(seed, K, diags, zero_frac, lengths, start_zeros,
                                     frame_zeros):
    rng = np.random.default_rng(seed)
    A = _banded_model(rng, K, diags, zero_frac)
    p = rng.random(K) + 0.1
    if start_zeros and K > 1:
        p[rng.random(K) < 0.5] = 0.0                   # structural zeros in startprob
        if not p.any():
            p[-1] = 1.0
    with np.errstate(divide="ignore"):
        lsp = np.log(p / p.sum())
    N = sum(lengths)
    lfp = 3.0 * rng.normal(size=(N, K))
    if frame_zeros:
        lfp[rng.random((N, K)) < 0.3] = -np.inf        # impossible emissions
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    _check_against_oracle(lsp, A, lfp, offsets)


def test_probability_zero_sequence():
    """A sequence no path can produce: -inf, NaN posteriors, NaN xi_sum on the support;
    the other sequence keeps its numbers."""
    K = 3
    A = np.array([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]])
    lsp = np.log([1.0, 1e-300, 1e-300])
    lfp = np.zeros((5, K))
    lfp[3] = [0.0, -np.inf, -np.inf]                   # sequence 1 needs state 0 at t=1:
    offsets = np.array([0, 2, 5])                      # reachable only if it stayed
    lfp[4] = [-np.inf, -np.inf, 0.0]                   # ... but state 2 at t=2 is not
    lp = _check_against_oracle(lsp, A, lfp, offsets)
    assert np.isfinite(lp[0]) and lp[1] == -np.inf


def test_k1_and_length_one():
    rng = np.random.default_rng(3)
    lfp = rng.normal(size=(4, 1))
    _check_against_oracle(np.zeros(1), np.ones((1, 1)), lfp, np.array([0, 1, 4]))
    A = _banded_model(rng, 6, [0, 1, 2], 0.0)
    lfp = rng.normal(size=(3, 6))
    _check_against_oracle(np.log(np.full(6, 1 / 6)), A, lfp, np.array([0, 1, 2, 3]))


def test_long_left_right_sequences_use_windows():
    """Long left-right sequences where most states are astronomically unlikely at most
    frames: the forward pass works on the states it can reach, the backward pass on the
    nodes that carry posterior mass, and both stay exact."""
    rng = np.random.default_rng(7)
    K, T = 60, 400
    A = _banded_model(rng, K, [0, 1, 2], 0.0)
    means = np.linspace(-10, 10, K)
    x = np.concatenate([means[np.sort(rng.integers(0, K, T))] + rng.normal(size=T) * 0.3
                        for _ in range(3)])
    lfp = -0.5 * (x[:, None] - means[None, :]) ** 2 / 0.3
    offsets = np.array([0, T, 2 * T, 3 * T])
    for p in (np.full(K, 1 / K), np.eye(K)[0]):
        with np.errstate(divide="ignore"):
            lsp = np.log(p)
        _check_against_oracle(lsp, A, lfp, offsets)
    banded, _ = _kernels()
    band = banded.to_banded(sref.to_sparse(A))
    _, post, _ = banded.forward_backward(np.log(np.full(K, 1 / K)), band, lfp, offsets)
    # the backward windows really are narrower than K on this data (exact zeros outside)
    assert np.mean(post == 0.0) > 0.5
    # from state 0, frame t reaches states 0..2t only: the forward window grows from 1
    diag, PM, PE, H = banded.ext_form(band)
    KP = K + 2 * H
    AM, AE = np.zeros((T, KP)), np.full((T, KP), banded._ZE, dtype=np.int64)
    wlo, whi = np.empty(T, np.int64), np.empty(T, np.int64)
    with np.errstate(divide="ignore"):
        lsp0 = np.log(np.eye(K)[0])
    acc = np.empty(KP)
    banded._ext_forward(lsp0, 0, 1, diag, PM, PE, H, *_lfp_source(lfp), 0, T, AM, AE, True,
                        wlo, whi, np.empty(KP, np.int64), acc, False, acc, wlo, wlo, wlo,
                        wlo, np.zeros(0))
    assert np.all(whi[:10] - wlo[:10] <= 2 * np.arange(10) + 1)


def _issue_model():
    """(model, X) of the hmm issue: a K=40 left-right GaussianHMM fitted to one 600-frame
    sequence X that runs through its states three times."""
    import tiedpgm as tp
    K = 40
    A, X = left_right_chain(K)
    m = tp.GaussianHMM(K, init_params="mc", params="stmc", n_iter=3, random_state=0,
                       backend="numpy")
    m.startprob_ = np.eye(K)[0]
    m.transmat_ = A
    m.fit(X, [200] * 3)
    return m, X


def _issue_sequence():
    """(log_startprob, transmat, log_frameprob) of :func:`_issue_model`."""
    m, X = _issue_model()
    with np.errstate(divide="ignore"):
        lsp = np.log(m.startprob_)
    return lsp, m.transmat_, m._log_frameprob(X, m._family())


def test_left_right_sequence_far_from_the_best_states():
    """hmm issue: after its first pass through the states the sequence can only stay in
    the last state, which fits later frames thousands of nats worse than states behind
    it; a recursion scaled per frame by its best state loses that state's mass (log_prob
    -26146 instead of -9778, while no scale factor underflowed). Both sparse layouts
    must equal the oracle."""
    lsp, A, lfp = _issue_sequence()
    lp = _check_against_oracle(lsp, A, lfp, np.array([0, len(lfp)]))
    assert abs(lp[0] - (-9777.65957315)) < 1e-6


def _packed_pass(lsp, A, lfp):
    """Run the compact forward pass and the backward pass on it for one sequence; return
    (backward succeeded, compact alpha (T, K), posteriors)."""
    banded, _ = _kernels()
    band = banded.to_banded(sref.to_sparse(A))
    diag, PM, PE, H = banded.ext_form(band)
    T, K = lfp.shape
    KP = K + 2 * H
    XM, XE = np.zeros((2, KP)), np.full((2, KP), banded._ZE, dtype=np.int64)
    wlo, whi, sref_, slo, shi = (np.empty(T, np.int64) for _ in range(5))
    S, soff = np.empty(T * K), np.empty(T + 1, np.int64)
    fs, LR = _lfp_source(lfp)
    lp, mp, ep, _ = banded._ext_forward(lsp, 0, K, diag, PM, PE, H, fs, LR, 0, T, XM, XE,
                                        False, wlo, whi, np.empty(KP, np.int64),
                                        np.empty(KP), True, S, soff, sref_, slo, shi,
                                        np.zeros(0))
    Pc, poff, pl, ph = np.empty(T * K), *(np.empty(T, np.int64) for _ in range(3))
    ok = banded._packed_backward(diag, PM, PE, H, fs, LR, 0, T, S, soff, sref_, slo, shi,
                                 wlo, whi, mp, ep, Pc, poff, pl, ph,
                                 np.zeros((len(diag), K)), np.zeros((2, KP)),
                                 np.full((2, KP), banded._ZE, np.int64), np.full(K, -1.0))
    stored = np.full((T, K), np.nan)                 # the compact alpha, NaN off the span
    post = np.zeros((T, K))                          # the compact posteriors, 0 off them
    for t in range(T):
        stored[t, slo[t]:shi[t]] = S[soff[t]:soff[t + 1]]
        if ok:
            post[t, pl[t]:ph[t]] = Pc[poff[t]:poff[t] + ph[t] - pl[t]]
    return ok, stored, post


def test_alpha_kept_as_a_bound():
    """A node 1500 nats below the rest of its frame is stored only as a bound; the
    backward pass meets it (its successor carries posterior mass), proves its posterior
    negligible from the bound and drops it. When the bound is not enough (the issue's
    sequence), the sequence is redone with the exact alpha; both equal the oracle."""
    K, T = 6, 6
    A = np.eye(K) * 0.5 + np.eye(K, k=1) * 0.5
    A[-1, -1] = 1.0
    lfp = np.zeros((T, K))
    lfp[1, 2] = -1500.0
    lsp = np.log(np.full(K, 1 / K))
    ok, stored, post = _packed_pass(lsp, A, lfp)
    assert ok and stored[1, 2] == -1.0                 # only a bound was kept
    assert post[1, 2] == 0.0 and post[2, 3] > 0.01
    with np.errstate(divide="ignore"):
        ref_post = ref.forward_backward(lsp, np.log(A), lfp, np.array([0, T]))[1]
    np.testing.assert_allclose(post, ref_post, rtol=1e-10, atol=1e-12)
    _check_against_oracle(lsp, A, lfp, np.array([0, T]))
    # the issue's sequence (see the test below): the bound is not enough
    lsp, A, lfp = _issue_sequence()
    ok, _, _ = _packed_pass(lsp, A, lfp)
    assert not ok


def test_frame_far_below_an_unreachable_state():
    """Only an unreachable state explains frame 3 (reachable ones are e^-2000 times less
    likely): exact all the same (a scaled recursion would underflow here)."""
    K = 4
    A = np.eye(K) * 0.5 + np.eye(K, k=1) * 0.5
    A[-1, -1] = 1.0
    lfp = np.zeros((6, K))
    lfp[3, :] = [-2000.0, -2000.0, -2000.0, 0.0]
    lsp = np.log(np.array([1.0, 1e-300, 1e-300, 1e-300]))
    _check_against_oracle(lsp, A, lfp, np.array([0, 6]))


def test_layout_choice():
    banded, sparse = _kernels()
    K = 50
    lr = _banded_model(np.random.default_rng(0), K, [0, 1, 2], 0.0)
    band = banded.banded_form(sref.to_sparse(lr))
    assert band is not None and band.diag.tolist() == [0, 1, 2]
    assert band.prob.shape == (3, K)
    assert np.all(band.prob[2, -2:] == 0) and np.all(band.log_prob[2, -2:] == -np.inf)
    rng = np.random.default_rng(1)
    scattered = np.zeros((K, K))
    for i in range(K):
        scattered[i, rng.choice(K, 3, replace=False)] = 1 / 3
    assert banded.banded_form(sref.to_sparse(scattered)) is None


def test_exp_kernel_accuracy():
    """The vectorised exp of the extended-exponent kernels, over the whole range (no
    underflow: e**-10000 is a mantissa and an exponent)."""
    banded, _ = _kernels()
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-700.0, 700.0, 20_000), [0.0, -1e-300, -707.9, -708.5,
                                                             -745.5, 709.0]])
    mant, expo = banded.ext_of_log(x)
    assert np.all((mant >= 1.0) & (mant < 2.0))
    got = np.ldexp(mant, expo)
    want = np.exp(x)
    ok = want > 1e-300
    assert np.max(np.abs(got[ok] - want[ok]) / want[ok]) < 5e-16
    big = -rng.uniform(1e3, 1e6, 1000)                   # far below float64's range
    mant, expo = banded.ext_of_log(big)
    logs = np.log(mant) + expo * np.log(2.0)
    assert np.max(np.abs(logs - big) / np.abs(big)) < 1e-15
    mant, expo = banded.ext_of_log(np.array([-np.inf]))
    assert mant[0] == 0.0 and expo[0] == banded._ZE


def test_fp_control_is_restored():
    """The kernels leave the calling thread's floating-point control word as it was
    (subnormal numbers still exist after a call)."""
    banded, _ = _kernels()
    rng = np.random.default_rng(0)
    A = _banded_model(rng, 5, [0, 1], 0.0)
    band = banded.to_banded(sref.to_sparse(A))
    banded.forward_backward(np.log(np.full(5, 0.2)), band, rng.normal(size=(20, 5)),
                            np.array([0, 10, 20]))
    tiny = np.array([1e-300]) * np.array([1e-10])
    assert tiny[0] > 0.0                                # subnormals still exist here


# -- fused E-step: statistics summed in the backward pass, no (N, K) arrays ------------------
def _stats_from_posteriors(post, X=None, symbols=None, n_symbols=0):
    if symbols is not None:
        counts = np.zeros((post.shape[1], n_symbols))
        ok = symbols >= 0
        np.add.at(counts.T, symbols[ok], post[ok])
        return {"counts": counts}
    return {"sum_w": post.sum(axis=0), "sum_x": post.T @ X, "sum_xx": post.T @ X ** 2}


def _check_fused(lsp, A, offsets, frames, stats_want, lp_want, xi_want, start_want):
    banded, sparse = _kernels()
    sp = sref.to_sparse(A)
    results = [banded.forward_backward_stats(lsp, banded.to_banded(sp), offsets, **frames)]
    if banded.banded_form(sp) is not None:     # (else sparse_numba has no fused path)
        results.append(sparse.forward_backward_stats(lsp, sp, offsets, **frames))
    for res in results:
        np.testing.assert_allclose(res["log_prob"], lp_want, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(res["xi_sum"], xi_want, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(res["start"], start_want, rtol=1e-10, atol=1e-12)
        for k, v in stats_want.items():
            np.testing.assert_allclose(res[k], v, rtol=1e-10, atol=1e-10 * np.abs(v).max())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), K=st.integers(2, 12), F=st.integers(1, 3),
       n_groups=st.integers(1, 12), lengths=st.lists(st.integers(1, 40), min_size=1,
                                                     max_size=4))
def test_fused_gaussian_stats_equal_unfused_and_dense(seed, K, F, n_groups, lengths):
    """Diagonal Gaussian frames computed inside the passes (tied groups: several states
    per group), statistics summed in the backward pass: equal to the unfused banded path
    (posteriors of forward_backward on the (N, K) log densities), to the dense fused kernel
    and, through the posteriors, to the log-space oracle."""
    from tiedpgm.kernels import emission_numba as en
    from tiedpgm.kernels import numba_cpu
    rng = np.random.default_rng(seed)
    G = min(n_groups, K)
    slots = rng.integers(0, G, K)
    A = _banded_model(rng, K, [0, 1, 2], 0.2)
    lsp = np.log(rng.dirichlet(np.ones(K)))
    means = rng.normal(scale=3.0, size=(G, F))
    var = rng.uniform(0.05, 2.0, size=(G, F))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    X = rng.normal(scale=3.0, size=(offsets[-1], F))
    const = -0.5 * (F * np.log(2 * np.pi) + np.log(var).sum(axis=1))
    lfp = en.diag_gauss_loglik(X, np.ascontiguousarray(means.T),
                               np.ascontiguousarray((1 / var).T), const, slots, 1)[0]
    banded, _ = _kernels()
    lp, post, xi = banded.forward_backward(lsp, banded.to_banded(sref.to_sparse(A)), lfp,
                                           offsets)
    with np.errstate(divide="ignore"):
        ltm = np.log(A)
    post_ref = ref.forward_backward(lsp, ltm, lfp, offsets)[1]
    np.testing.assert_allclose(post, post_ref, rtol=1e-10, atol=1e-12)
    frames = dict(diag_params=(means, var, slots), diag_X=X)
    _check_fused(lsp, A, offsets, frames, _stats_from_posteriors(post, X), lp, xi,
                 post[offsets[:-1]].sum(axis=0))
    dense = numba_cpu.forward_backward_stats(lsp, ltm, offsets, **frames)
    _check_fused(lsp, A, offsets, frames, {k: dense[k] for k in ("sum_w", "sum_x", "sum_xx")},
                 dense["log_prob"], dense["xi_sum"], dense["start"])
    # the same statistics from a given log_frameprob
    res = banded.forward_backward_stats(lsp, banded.to_banded(sref.to_sparse(A)), offsets,
                                        lfp, diag_X=X)
    np.testing.assert_allclose(res["sum_xx"], dense["sum_xx"], rtol=1e-10,
                               atol=1e-10 * np.abs(dense["sum_xx"]).max())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), K=st.integers(2, 12), R=st.integers(1, 6),
       lengths=st.lists(st.integers(1, 40), min_size=1, max_size=4))
def test_fused_categorical_counts_equal_unfused_and_dense(seed, K, R, lengths):
    """Frames from a per-symbol log table (a missing symbol reads the table's row of
    zeros and adds no count): counts equal the unfused banded path and the dense kernel."""
    from tiedpgm.kernels import numba_cpu
    rng = np.random.default_rng(seed)
    A = _banded_model(rng, K, [0, 1], 0.0)
    lsp = np.log(rng.dirichlet(np.ones(K)))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    sym = rng.integers(-1, R, offsets[-1])
    table = np.zeros((R + 1, K))
    table[:R] = np.log(rng.dirichlet(np.ones(R), size=K)).T
    ridx = np.where(sym < 0, R, sym)
    banded, _ = _kernels()
    lp, post, xi = banded.forward_backward(lsp, banded.to_banded(sref.to_sparse(A)),
                                           table[ridx], offsets)
    frames = dict(log_table=table, symbols=ridx, counts_symbols=sym, n_symbols=R)
    _check_fused(lsp, A, offsets, frames, _stats_from_posteriors(post, symbols=sym,
                                                                 n_symbols=R),
                 lp, xi, post[offsets[:-1]].sum(axis=0))
    with np.errstate(divide="ignore"):
        dense = numba_cpu.forward_backward_stats(lsp, np.log(A), offsets, **frames)
    _check_fused(lsp, A, offsets, frames, {"counts": dense["counts"]}, dense["log_prob"],
                 dense["xi_sum"], dense["start"])


def test_fused_stats_exact_where_scaled_values_underflow():
    """The issue's 600-frame sequence (states thousands of nats apart; a bound on a packed
    alpha is not enough, so the exact-alpha backward runs) with Gaussian frames computed
    inside the passes: statistics equal the log-space oracle's posteriors summed."""
    m, X = _issue_model()
    fam = m._family()
    with np.errstate(divide="ignore"):
        lsp, ltm = np.log(m.startprob_), np.log(m.transmat_)
    offsets = np.array([0, len(X)])
    lp, post, xi = ref.forward_backward(lsp, ltm, m._log_frameprob(X, fam), offsets)
    assert abs(lp[0] - (-9777.65957315)) < 1e-6
    _check_fused(lsp, m.transmat_, offsets, fam.fused_estep_args(X, m._state_slots(fam)),
                 _stats_from_posteriors(post, X), lp, xi, post[0])


def test_sparse_fused_estep_without_a_banded_layout():
    """A scattered pattern has no banded layout: no fused statistics (the caller runs the
    CSR forward-backward on log_frameprob)."""
    _, sparse = _kernels()
    rng = np.random.default_rng(1)
    K = 30
    A = np.zeros((K, K))
    for i in range(K):
        A[i, rng.choice(K, 3, replace=False)] = 1 / 3
    X = rng.normal(size=(10, 1))
    res = sparse.forward_backward_stats(np.log(np.full(K, 1 / K)), sref.to_sparse(A),
                                        np.array([0, 10]),
                                        diag_params=(np.zeros((K, 1)), np.ones((K, 1)),
                                                     np.arange(K)), diag_X=X)
    assert res is None


@pytest.mark.parametrize("family", ["gaussian", "categorical"])
def test_fit_with_fused_sparse_estep_equals_unfused_and_dense(family):
    """A fit with sparse_transitions=True takes the fused banded E-step (tied emission
    groups, ragged lengths) and ends where the unfused sparse path and the dense path do."""
    import tiedpgm as tp
    rng = np.random.default_rng(3)
    K = 24
    A = _banded_model(rng, K, [0, 1, 2], 0.0)
    groups = np.arange(K) // 2
    lengths = [37, 5, 80, 1, 60]
    if family == "gaussian":
        X = rng.normal(scale=2.0, size=(sum(lengths), 2))

        def make(sparse):
            m = tp.GaussianHMM(K, covariance_type="diag", init_params="", n_iter=3,
                               tol=-np.inf, backend="numba", sparse_transitions=sparse,
                               tie_groups=groups)
            m.means_ = rng2().normal(size=(K // 2, 2))[groups]
            m.covars_ = np.full((K, 2), 1.5)
            return m
    else:
        X = rng.integers(0, 5, size=(sum(lengths), 1))

        def make(sparse):
            m = tp.CategoricalHMM(K, n_features=5, init_params="", n_iter=3, tol=-np.inf,
                                  backend="numba", sparse_transitions=sparse,
                                  tie_groups=groups)
            m.emissionprob_ = rng2().dirichlet(np.ones(5), size=K // 2)[groups]
            return m

    def rng2():
        return np.random.default_rng(5)

    def prepared(sparse):
        m = make(sparse)
        m.startprob_ = np.full(K, 1 / K)
        m.transmat_ = A
        return m

    fused = prepared(True)
    calls = []
    orig = fused._fused_estep

    def spy(*args):
        out = orig(*args)
        calls.append(out is not None)
        return out
    fused._fused_estep = spy
    fused.fit(X, lengths)
    assert calls and all(calls)
    unfused = prepared(True)
    unfused._fused_estep = lambda *args: None
    unfused.fit(X, lengths)
    dense = prepared(False).fit(X, lengths)
    names = ["startprob_", "transmat_"] + (["means_", "covars_"] if family == "gaussian"
                                           else ["emissionprob_"])
    for other in (unfused, dense):
        for name in names:
            np.testing.assert_allclose(getattr(fused, name), getattr(other, name),
                                       rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(fused.score(X, lengths), other.score(X, lengths),
                                   rtol=1e-10)


def _forward_windows(lsp, A, fs, LR, T, usuf):
    """(log P, accepted, widths of the forward windows) of one sequence of T frames."""
    banded, _ = _kernels()
    band = banded.to_banded(sref.to_sparse(A))
    diag, PM, PE, H = banded.ext_form(band)
    K = A.shape[0]
    KP = K + 2 * H
    wlo, whi, sref_, slo, shi = (np.empty(T, np.int64) for _ in range(5))
    lp, _, _, ok = banded._ext_forward(lsp, 0, K, diag, PM, PE, H, fs, LR, 0, T,
                                       np.zeros((2, KP)),
                                       np.full((2, KP), banded._ZE, np.int64), False, wlo,
                                       whi, np.empty(KP, np.int64), np.empty(KP), True,
                                       np.empty(T * K), np.empty(T + 1, np.int64), sref_,
                                       slo, shi, usuf)
    return lp, ok, whi - wlo


def test_forward_trims_its_window_only_with_a_proof():
    """The forward pass of the fused E-step trims states whose paths a bound on beta
    (the frames' largest densities) proves negligible: on a long left-right sequence it
    works on far fewer than K states, and log P is the exact one. On the issue's sequence
    (later frames fit states far behind) the proof fails and the caller's exact pass
    runs; the statistics equal the oracle either way (see the tests above)."""
    banded, _ = _kernels()
    rng = np.random.default_rng(2)
    K, T = 200, 1500
    A = _banded_model(rng, K, [0, 1, 2], 0.0)
    means = np.linspace(-20, 20, K)
    x = means[np.sort(rng.integers(0, K, T))] + rng.normal(scale=0.5, size=T)
    lfp = -0.5 * (x[:, None] - means[None, :]) ** 2 - 0.5 * np.log(2 * np.pi)
    lsp = np.log(np.full(K, 1 / K))
    fs, LR = _lfp_source(lfp)
    usuf = np.empty(T)
    banded._suffix_bound(fs, 0, T, 0.0, usuf)
    lp, ok, width = _forward_windows(lsp, A, fs, LR, T, usuf)
    lp_exact, _, width_exact = _forward_windows(lsp, A, fs, LR, T, np.zeros(0))
    assert ok and np.all(width_exact == K) and np.mean(width) < 0.5 * K
    np.testing.assert_allclose(lp, lp_exact, rtol=1e-14)
    lsp, A, lfp = _issue_sequence()
    fs, LR = _lfp_source(lfp)
    usuf = np.empty(len(lfp))
    banded._suffix_bound(fs, 0, len(lfp), 0.0, usuf)
    _, ok, _ = _forward_windows(lsp, A, fs, LR, len(lfp), usuf)
    assert not ok


@pytest.mark.parametrize("diags", [[0, 1, 2], [-1, 0, 1], [-2, 0, 3, 5]])
def test_trimmed_forward_on_long_sequences_equals_oracle(diags):
    """Sequences long enough for the forward pass to trim its window (bands with
    backward jumps and more than 3 diagonals included): posteriors, expected transitions
    and fused statistics equal the log-space oracle."""
    rng = np.random.default_rng(11)
    K, T = 40, 300
    A = _banded_model(rng, K, diags, 0.1)
    means = np.linspace(-8, 8, K)
    x = np.concatenate([means[np.sort(rng.integers(0, K, T))] + rng.normal(size=T) * 0.4
                        for _ in range(2)])
    lfp = -0.5 * (x[:, None] - means[None, :]) ** 2 / 0.3 - 0.5 * np.log(2 * np.pi * 0.3)
    offsets = np.array([0, T, 2 * T])
    lsp = np.log(np.full(K, 1 / K))
    _check_against_oracle(lsp, A, lfp, offsets)
    with np.errstate(divide="ignore"):
        lp, post, xi = ref.forward_backward(lsp, np.log(A), lfp, offsets)
    X = x[:, None]
    frames = dict(diag_params=(means[:, None], np.full((K, 1), 0.3), np.arange(K)), diag_X=X)
    _check_fused(lsp, A, offsets, frames, _stats_from_posteriors(post, X), lp, xi,
                 post[offsets[:-1]].sum(axis=0))


def test_plain_transitions_equal_the_exponent_form(monkeypatch):
    """With 3 diagonals and every transition probability >= 2**PLAIN_MIN_EXP the kernels
    take the probabilities as plain float64 (no exponent per transition), and a Gaussian
    with one feature has its densities computed inside the forward row: the results equal
    the extended-exponent path (forced by raising PLAIN_MIN_EXP above 0) and the oracle.
    A probability below that range, or a zero inside the band, keeps the exponents."""
    banded, _ = _kernels()
    rng = np.random.default_rng(5)
    K, T = 30, 200
    A = _banded_model(rng, K, [0, 1, 2], 0.0)
    band = banded.to_banded(sref.to_sparse(A))
    assert banded.plain_form(band, *banded.ext_form(band))[1] is None
    for small in (2.0 ** -300, 0.0):
        B = A.copy()
        B[3, 4] = small
        b = banded.to_banded(sref.to_sparse(B))
        assert banded.plain_form(b, *banded.ext_form(b))[1] is not None
    means = np.linspace(-6, 6, K)
    x = np.concatenate([means[np.sort(rng.integers(0, K, T))] + rng.normal(size=T) * 0.4
                        for _ in range(2)])
    offsets = np.array([0, T, 2 * T])
    lsp = np.log(np.full(K, 1 / K))
    lfp = -0.5 * (x[:, None] - means[None, :]) ** 2 / 0.3 - 0.5 * np.log(2 * np.pi * 0.3)
    _check_against_oracle(lsp, A, lfp, offsets)
    with np.errstate(divide="ignore"):
        lp, post, xi = ref.forward_backward(lsp, np.log(A), lfp, offsets)
    X1 = x[:, None]
    frames1 = dict(diag_params=(means[:, None], np.full((K, 1), 0.3), np.arange(K)),
                   diag_X=X1)
    _check_fused(lsp, A, offsets, frames1, _stats_from_posteriors(post, X1), lp, xi,
                 post[offsets[:-1]].sum(axis=0))
    X2 = np.column_stack([x, -x + rng.normal(size=2 * T) * 0.2])
    frames2 = dict(diag_params=(np.column_stack([means, -means]), np.full((K, 2), 0.3),
                                np.arange(K)), diag_X=X2)

    def run():
        return ([banded.forward_backward_stats(lsp, band, offsets, **f)
                 for f in (frames1, frames2)],
                banded.forward_backward(lsp, band, lfp, offsets),
                banded.score(lsp, band, lfp, offsets))
    got = run()
    monkeypatch.setattr(banded, "PLAIN_MIN_EXP", 1)
    want = run()
    for g, w in zip(got[0], want[0]):
        for k in w:
            np.testing.assert_allclose(g[k], w[k], rtol=1e-12, atol=1e-12 * np.abs(w[k]).max())
    for g, w in zip(got[1] + (got[2],), want[1] + (want[2],)):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)
