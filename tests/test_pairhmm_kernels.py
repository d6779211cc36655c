"""Pair-HMM kernels against brute-force enumeration and against each other."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import tiedpgm as tp
from tiedpgm.pairhmm import kernels_numba as nk
from tiedpgm.pairhmm import kernels_reference as ref

BACKENDS = ["numpy", "numba"]


def random_model(rng, symmetric, K, A=3, backend="numba", tau=None):
    P = rng.dirichlet(np.ones(A * A)).reshape(A, A)
    q = rng.dirichlet(np.ones(A), size=2)
    tau = rng.uniform(0.05, 0.2) if tau is None else tau
    if symmetric:
        d = rng.uniform(0.02, 0.15, size=K)
        e = rng.uniform(0.1, 0.7, size=K)
    else:
        d = rng.uniform(0.02, 0.15, size=(K, 2))
        e = rng.uniform(0.1, 0.7, size=(K, 2))
    return tp.PairHMM("ACG"[:A], delta=d, epsilon=e, tau=tau, match_prob=P, insert_prob=q,
                      symmetric=symmetric, n_insert_pairs=K, backend=backend)


def enumerate_paths(model, x, y):
    """All state paths with their probabilities, from the model's parameters directly
    (Durbin's formulas written out, independent of the kernels)."""
    K = model.n_insert_pairs
    d = np.asarray(model._d)
    e = np.asarray(model._e)
    tau, P, q = model.tau_, model.match_prob_, model._q
    code = {c: i for i, c in enumerate(model.alphabet)}
    xs, ys = [code[c] for c in x], [code[c] for c in y]

    def trans(s, t):          # s, t: ("M",) or ("X"|"Y", k)
        if s[0] == "M":
            if t[0] == "M":
                return 1 - d.sum() - tau
            return d[t[1], 0 if t[0] == "X" else 1]
        side = 0 if s[0] == "X" else 1
        if t == s:
            return e[s[1], side]
        if t[0] == "M":
            return 1 - e[s[1], side] - tau
        return 0.0

    states = [("M",)] + [("X", k) for k in range(K)] + [("Y", k) for k in range(K)]
    out = []

    def rec(i, j, prev, path, prob):
        if i == len(xs) and j == len(ys):
            out.append((path, prob * tau))
        for t in states:
            if t[0] == "M" and i < len(xs) and j < len(ys):
                em, ni, nj = P[xs[i], ys[j]], i + 1, j + 1
            elif t[0] == "X" and i < len(xs):
                em, ni, nj = q[0, xs[i]], i + 1, j
            elif t[0] == "Y" and j < len(ys):
                em, ni, nj = q[1, ys[j]], i, j + 1
            else:
                continue
            p = prob * trans(prev, t) * em
            if p > 0:
                rec(ni, nj, t, path + [(t, ni, nj)], p)
    rec(0, 0, ("M",), [], 1.0)
    return out


CASES = [(sym, K) for sym in (True, False) for K in (1, 2)]
SEQS = [("", ""), ("A", ""), ("", "CG"), ("A", "C"), ("AC", "G"), ("ACG", "GA"),
        ("GAC", "CAGA"), ("ACGA", "CCAG"), ("AAAA", "A")]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("sym,K", CASES)
def test_forward_viterbi_posterior_equal_brute_force(sym, K, backend):
    rng = np.random.default_rng(10 * K + sym)
    model = random_model(rng, sym, K, backend=backend)
    for x, y in SEQS:
        paths = enumerate_paths(model, x, y)
        total = sum(p for _, p in paths)
        assert model.log_likelihood(x, y) == pytest.approx(math.log(total), rel=1e-10, abs=1e-12)
        best = max(p for _, p in paths)
        aln = model.viterbi(x, y)
        assert aln.log_prob == pytest.approx(math.log(best), rel=1e-10)
        assert len(aln.ops) == len(aln.path)
        if len(x) and len(y):
            post = model.posterior(x, y)
            brute = np.zeros((len(x), len(y)))
            for path, p in paths:
                for t, i, j in path:
                    if t[0] == "M":
                        brute[i - 1, j - 1] += p / total
            np.testing.assert_allclose(post, brute, rtol=1e-10, atol=1e-12)


def test_textbook_structure_one_pair():
    """P("A", "A") written out by hand: M then end, or X+Y gaps (not allowed X->Y)."""
    m = tp.PairHMM("AC", delta=0.1, epsilon=0.3, tau=0.2,
                   match_prob=[[0.4, 0.1], [0.1, 0.4]], insert_prob=[0.6, 0.4])
    # paths: M; X Y is impossible (no X->Y), so only M: (1 - 2*0.1 - 0.2) * 0.4 * 0.2
    assert math.exp(m.log_likelihood("A", "A")) == pytest.approx(0.6 * 0.4 * 0.2, rel=1e-12)
    # one empty side: Y only: delta * q * tau
    assert math.exp(m.log_likelihood("", "C")) == pytest.approx(0.1 * 0.4 * 0.2, rel=1e-12)
    assert math.exp(m.log_likelihood("", "")) == pytest.approx(0.2, rel=1e-12)


@pytest.mark.parametrize("sym,K", CASES)
def test_forward_equals_backward_and_rows_sum_to_one(sym, K):
    rng = np.random.default_rng(3)
    model = random_model(rng, sym, K)
    x = rng.integers(0, 3, 40).astype(np.uint8)
    y = rng.integers(0, 3, 33).astype(np.uint8)
    lf, _ = nk.forward_score(x, y, *model._fast_args())
    lb, _ = nk.backward_score(x, y, *model._fast_args())
    assert lf == pytest.approx(lb, rel=1e-12)
    lr, _ = ref.backward(x, y, *model._log_args())
    assert lr == pytest.approx(lf, rel=1e-10)
    pm, px, py = model.posterior(x, y, return_inserts=True)
    np.testing.assert_allclose(pm.sum(axis=1) + px, 1.0, atol=1e-10)
    np.testing.assert_allclose(pm.sum(axis=0) + py, 1.0, atol=1e-10)


def _codes(draw, n):
    return np.array(draw(st.lists(st.integers(0, 2), min_size=0, max_size=n)), dtype=np.uint8)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**31 - 1), sym=st.booleans(), K=st.sampled_from([1, 2]))
def test_numba_matches_reference(data, seed, sym, K):
    rng = np.random.default_rng(seed)
    model = random_model(rng, sym, K)
    x, y = _codes(data.draw, 7), _codes(data.draw, 7)
    fa, la = model._fast_args(), model._log_args()
    lr, post = ref.posterior(x, y, *la)
    ln, flag = nk.forward_score(x, y, *fa)
    assert not flag
    assert ln == pytest.approx(lr, rel=1e-10)
    lp, flag, pm, px, py = nk.posterior(x, y, *fa)
    assert lp == pytest.approx(lr, rel=1e-10)
    np.testing.assert_allclose(pm, post[0, 1:, 1:], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(px, post[1:1 + K, 1:, :].sum(axis=(0, 2)), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(py, post[1 + K:, :, 1:].sum(axis=(0, 1)), rtol=1e-10, atol=1e-13)
    r = ref.expected_counts(x, y, *la)
    S, A = model.n_states, 3
    bufs = [np.zeros((S, S)), np.zeros(S), np.zeros((A, A)), np.zeros((K, A)), np.zeros((K, A))]
    lc, flag = nk.expected_counts(x, y, *fa, *bufs)
    assert lc == pytest.approx(lr, rel=1e-10)
    for a, b in zip(r[1:], bufs):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)
    v1, s1 = ref.viterbi(x, y, *la)
    v2, s2 = nk.viterbi(x, y, *la)
    assert v2 == pytest.approx(v1, rel=1e-10)
    np.testing.assert_array_equal(s1, s2)
    if len(x) and len(y):
        m1 = ref.mea(pm)
        m2 = nk.mea(pm)
        assert m2[0] == pytest.approx(m1[0], rel=1e-12)
        assert "".join("MID"[o] for o in m2[1]) == m1[1]


def test_batch_kernels_match_single_pair():
    rng = np.random.default_rng(5)
    model = random_model(rng, True, 2)
    pairs = [(rng.integers(0, 3, rng.integers(0, 30)), rng.integers(0, 3, rng.integers(0, 30)))
             for _ in range(25)]
    scores = model.score_many(pairs, progress=False)
    single = [model.log_likelihood(x, y) for x, y in pairs]
    np.testing.assert_allclose(scores, single, rtol=1e-12)
    stats = model._batch(model._encode_pairs(pairs), "counts")
    ref_stats = model._batch(model._encode_pairs(pairs), "counts", backend="numpy")
    for key in ("trans", "end", "match", "ins_x", "ins_y"):
        np.testing.assert_allclose(stats[key], ref_stats[key], rtol=1e-10, atol=1e-10)
    assert stats["end"].sum() == pytest.approx(len(pairs), rel=1e-10)


def test_extreme_length_ratio_falls_back_to_log_space():
    """1 vs 1500 residues underflows a row-scaled table; the flag routes it to log space."""
    m = tp.PairHMM("ACGT", delta=0.05, epsilon=0.2, tau=0.01)
    x, y = "A", "ACGT" * 375
    cx, cy, *_ = m._encode_pair(x, y)
    _, flag = nk.forward_score(cx, cy, *m._fast_args())
    assert flag
    lp = m.log_likelihood(x, y)
    lr = ref.forward(cx, cy, *m._log_args())[0]
    assert np.isfinite(lp) and lp == pytest.approx(lr, rel=1e-10)
    assert m.score_many([(x, y)], progress=False)[0] == pytest.approx(lr, rel=1e-10)


def test_numba_matches_reference_on_longer_unbalanced_pairs():
    rng = np.random.default_rng(11)
    model = random_model(rng, False, 2, A=3, tau=0.01)
    for n, m in [(70, 12), (15, 60), (45, 40)]:
        x = rng.integers(0, 3, n).astype(np.uint8)
        y = rng.integers(0, 3, m).astype(np.uint8)
        lr, post = ref.posterior(x, y, *model._log_args())
        lp, flag, pm, px, py = nk.posterior(x, y, *model._fast_args())
        assert not flag
        assert lp == pytest.approx(lr, rel=1e-10)
        np.testing.assert_allclose(pm, post[0, 1:, 1:], rtol=1e-10, atol=1e-13)


def test_progress_bar_runs(capsys):
    model = random_model(np.random.default_rng(0), True, 1)
    pairs = [("ACG", "AC")] * 5
    s = model.score_many(pairs, progress=True)
    assert np.all(np.isfinite(s))
