"""Fast-path kernels (striped forward, specialised/batched Viterbi) against the reference."""
import numpy as np
import pytest

import tiedpgm as tp
from tiedpgm.pairhmm import kernels_numba as nk
from tiedpgm.pairhmm import kernels_reference as ref


def random_model(rng, symmetric, K, A=4, tau=None, zero_q=False):
    P = rng.dirichlet(np.ones(A * A)).reshape(A, A)
    q = rng.dirichlet(np.ones(A), size=2)
    if zero_q:
        q[:, 0] = 0.0
        q /= q.sum(axis=1, keepdims=True)
    tau = rng.uniform(0.01, 0.2) if tau is None else tau
    shape = K if symmetric else (K, 2)
    d = rng.uniform(0.02, 0.15, size=shape)
    e = rng.uniform(0.1, 0.98 - tau, size=shape)
    return tp.PairHMM("ACGT"[:A], delta=d, epsilon=e, tau=tau, match_prob=P, insert_prob=q,
                      symmetric=symmetric, n_insert_pairs=K)


# lengths around the 8-segment striping: empty, shorter than 8, multiples of 8 and not
LENGTHS = [(0, 0), (0, 9), (9, 0), (1, 1), (1, 8), (3, 7), (8, 8), (9, 17), (16, 15),
           (23, 64), (64, 23), (40, 41), (5, 120)]


@pytest.mark.parametrize("sym", [True, False])
@pytest.mark.parametrize("K", [1, 2])
@pytest.mark.parametrize("zero_q", [False, True])
def test_striped_forward_matches_reference(sym, K, zero_q):
    rng = np.random.default_rng(100 + 10 * K + 2 * sym + zero_q)
    model = random_model(rng, sym, K, zero_q=zero_q)
    fa, la = model._fast_args(), model._log_args()
    for n, m in LENGTHS:
        x = rng.integers(0, 4, n).astype(np.uint8)
        y = rng.integers(0, 4, m).astype(np.uint8)
        lr = ref.forward(x, y, *la)[0]
        lp, flag = nk.forward_score(x, y, *fa)
        assert not flag
        if np.isfinite(lr):
            assert lp == pytest.approx(lr, rel=1e-10, abs=1e-12)
        else:
            assert lp == -np.inf
        lb, _ = nk.backward_score(x, y, *fa)
        assert lp == pytest.approx(lb, rel=1e-10, abs=1e-12) or lb == lp


def test_striped_forward_protein_preset_long_pairs():
    rng = np.random.default_rng(7)
    for K in (1, 2):
        kw = {} if K == 2 else dict(n_insert_pairs=1, delta=0.02, epsilon=0.6)
        model = tp.PairHMM.from_preset("protein", **kw)
        for n, m in [(150, 400), (400, 151), (233, 233)]:
            x = rng.integers(0, 20, n).astype(np.uint8)
            y = rng.integers(0, 20, m).astype(np.uint8)
            lp, flag = nk.forward_score(x, y, *model._fast_args())
            lb, _ = nk.backward_score(x, y, *model._fast_args())
            assert not flag
            assert lp == pytest.approx(lb, rel=1e-12)
        x = rng.integers(0, 20, 60).astype(np.uint8)
        y = rng.integers(0, 20, 75).astype(np.uint8)
        lr = ref.forward(x, y, *model._log_args())[0]
        assert nk.forward_score(x, y, *model._fast_args())[0] == pytest.approx(lr, rel=1e-10)


def test_specialised_viterbi_identical_to_reference():
    rng = np.random.default_rng(21)
    for trial in range(120):
        K, sym = 1 + trial % 2, bool(trial % 3)
        model = random_model(rng, sym, K, A=2 + trial % 3, zero_q=trial % 7 == 0)
        la = model._log_args()
        A = la[2].shape[0]
        n, m = rng.integers(0, 14, 2)
        x = rng.integers(0, A, n).astype(np.uint8)
        y = x.copy() if trial % 5 == 0 else rng.integers(0, A, m).astype(np.uint8)
        v2, s2 = nk.viterbi(x, y, *la)
        if not np.isfinite(ref.forward(x, y, *la)[0]):   # impossible pair
            assert v2 == -np.inf and len(s2) == 0
            continue
        v1, s1 = ref.viterbi(x, y, *la)
        assert v1 == v2                      # same additions in the same order
        np.testing.assert_array_equal(s1, s2)


@pytest.mark.parametrize("K", [1, 2])
def test_batched_viterbi_equals_single_pair(K):
    rng = np.random.default_rng(5 + K)
    model = random_model(rng, True, K)
    seqs = ["".join(rng.choice(list("ACGT"), rng.integers(0, 40))) for _ in range(30)]
    pairs = [(seqs[i], seqs[(i * 7 + 3) % 30]) for i in range(30)] + [(seqs[4], seqs[4])]
    df = model.align_many(pairs, method="viterbi", progress=False)
    dn = model.align_many(pairs, method="viterbi", progress=False, backend="numpy")
    for p, (x, y) in enumerate(pairs):
        aln = model.align(x, y, method="viterbi")
        assert df.cigar[p] == aln.cigar == dn.cigar[p]
        assert df.expected_accuracy[p] == pytest.approx(aln.expected_accuracy, rel=1e-9)
        assert dn.expected_accuracy[p] == pytest.approx(aln.expected_accuracy, rel=1e-9)
        assert df.log_likelihood[p] == pytest.approx(model.log_likelihood(x, y), rel=1e-12)


@pytest.mark.parametrize("sym", [True, False])
@pytest.mark.parametrize("K", [1, 2])
def test_striped_posterior_matches_reference(sym, K):
    rng = np.random.default_rng(300 + 10 * K + sym)
    model = random_model(rng, sym, K, zero_q=K == 2)
    fa, la = model._fast_args(), model._log_args()
    for n, m in LENGTHS:
        x = rng.integers(0, 4, n).astype(np.uint8)
        y = rng.integers(0, 4, m).astype(np.uint8)
        lr, post = ref.posterior(x, y, *la)
        lp, flag, pm, px, py = nk.posterior(x, y, *fa)
        assert not flag
        if not np.isfinite(lr):
            assert lp == -np.inf
            continue
        assert lp == pytest.approx(lr, rel=1e-10, abs=1e-12)
        np.testing.assert_allclose(pm, post[0, 1:, 1:], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(px, post[1:1 + K, 1:, :].sum(axis=(0, 2)), rtol=1e-10,
                                   atol=1e-13)
        np.testing.assert_allclose(py, post[1 + K:, :, 1:].sum(axis=(0, 1)), rtol=1e-10,
                                   atol=1e-13)
        # the MEA-only path stores the same match posteriors, bit for bit
        lq, _, L, P = nk.posterior_match(x, y, *fa)
        assert lq == lp
        for i in range(n):
            for j in range(m):
                assert P[i + 1, nk._col_index(j + 1, L)] == pm[i, j]
        if n and m:
            s1, o1 = nk.mea(pm)
            s2, o2 = nk.mea_striped(P, m, L)
            assert s1 == s2
            np.testing.assert_array_equal(o1, o2)


@pytest.mark.parametrize("n,m", [(1, 1), (3, 3), (5, 12), (17, 9), (24, 40)])
def test_striped_mea_ties_like_reference(n, m):
    """Constant and zero posteriors: every cell is a tie; the striped MEA must break ties
    exactly like the reference."""
    L = nk._stripe_len(m)
    for val in (0.0, 0.25, 1.0):
        pm = np.full((n, m), val)
        P = np.zeros((n + 1, (L + 1) * 8))
        for i in range(n):
            for j in range(m):
                P[i + 1, nk._col_index(j + 1, L)] = val
        s_ref, ops_ref = ref.mea(pm)
        s2, o2 = nk.mea_striped(P, m, L)
        assert s2 == s_ref
        assert "".join("MID"[o] for o in o2) == ops_ref


def test_batched_mea_equals_single_pair_protein():
    rng = np.random.default_rng(9)
    model = tp.PairHMM.from_preset("protein")
    aa = np.array(list("ACDEFGHIKLMNPQRSTVWY"))
    seqs = ["".join(rng.choice(aa, rng.integers(1, 90))) for _ in range(12)]
    pairs = [(seqs[i], seqs[(i + 5) % 12]) for i in range(12)]
    df = model.align_many(pairs, progress=False)
    for p, (x, y) in enumerate(pairs):
        a = model.align(x, y)
        assert df.cigar[p] == a.cigar
        assert df.expected_accuracy[p] == pytest.approx(a.expected_accuracy, rel=1e-10)


# ----------------------------------------------------------- lane-group batch kernels
def _lane_pairs(rng, A, n_pairs):
    """Random pairs for the lane kernels: empty and length-1 sequences, very unequal
    lengths next to equal ones (so groups mix them), in a batch that is not a multiple
    of 8."""
    lengths = [(0, 0), (1, 1), (1, 0), (0, 3), (1, 47), (47, 1), (2, 60), (60, 60),
               (30, 31), (5, 5), (64, 2)]
    while len(lengths) < n_pairs:
        lengths.append(tuple(int(v) for v in rng.integers(0, 45, 2)))
    return [(rng.integers(0, A, n).astype(np.uint8), rng.integers(0, A, m).astype(np.uint8))
            for n, m in lengths]


def _lane_batch(model, pairs, kind):
    from tiedpgm.pairhmm import kernels_lanes as kl
    from tiedpgm.pairhmm.model import _chunks, _concat
    xcat, xoff = _concat([x for x, _ in pairs])
    ycat, yoff = _concat([y for _, y in pairs])
    groups, cost = kl.make_groups(np.diff(xoff), np.diff(yoff))
    cp, co = _chunks(cost, 2)
    args = (xcat, xoff, ycat, yoff, groups, cp, co) + model._fast_args()
    return kl.score_groups(*args) if kind == "score" else kl.mea_groups(*args)


@pytest.mark.parametrize("sym", [True, False])
@pytest.mark.parametrize("K", [1, 2])
def test_lane_batches_match_reference(sym, K):
    """Lane-group forward and MEA path against the log-space reference: log P to 1e-10,
    match posteriors through the MEA score, and an MEA-optimal alignment (ties may be
    broken differently from the reference only between exactly tied alignments)."""
    rng = np.random.default_rng(500 + 10 * K + sym)
    model = random_model(rng, sym, K, zero_q=K == 2 and not sym)
    la = model._log_args()
    pairs = _lane_pairs(rng, 4, 21)
    lp, flags = _lane_batch(model, pairs, "score")
    lq, flq, score, ops, off = _lane_batch(model, pairs, "mea")
    assert not flags.any() and not flq.any()
    for p, (x, y) in enumerate(pairs):
        lr, post = ref.posterior(x, y, *la)
        if not np.isfinite(lr):
            assert lp[p] == lq[p] == -np.inf
            continue
        assert lp[p] == pytest.approx(lr, rel=1e-10, abs=1e-12)
        assert lq[p] == lp[p]
        pm = post[0, 1:, 1:]
        s_ref, _ = ref.mea(pm)
        o = ops[off[p]:off[p] + len(x) + len(y)]
        o = o[o >= 0]
        i = j = 0
        acc = 0.0
        for c in o:
            if c == 0:
                acc += pm[i, j]
            i += c != 2
            j += c != 1
        assert (i, j) == (len(x), len(y))
        assert score[p] == pytest.approx(s_ref, rel=1e-10, abs=1e-13)
        assert acc == pytest.approx(s_ref, rel=1e-10, abs=1e-13)


@pytest.mark.parametrize("K", [1, 2])
def test_lane_results_do_not_depend_on_the_group(K):
    """A pair's lane result is bit-identical whatever pairs share its group (padding
    cells are exact zeros, and the rows swept two at a time depend on the group only
    through where it ends, not on the arithmetic), so batches of any size and order
    agree, scores and MEA path alike."""
    rng = np.random.default_rng(11 + K)
    model = random_model(rng, True, K)
    pairs = _lane_pairs(rng, 4, 19)
    lp, _, sc, ops, off = _lane_batch(model, pairs, "mea")
    ls, _ = _lane_batch(model, pairs, "score")
    for sub in ([3], [0, 5, 18], list(range(18, -1, -2))):
        lq, _, sq, oq, offq = _lane_batch(model, [pairs[p] for p in sub], "mea")
        lt, _ = _lane_batch(model, [pairs[p] for p in sub], "score")
        for t, p in enumerate(sub):
            assert lq[t] == lp[p] and sq[t] == sc[p] and lt[t] == ls[p]
            np.testing.assert_array_equal(oq[offq[t]:offq[t + 1]], ops[off[p]:off[p + 1]])


def _check_batches_equal_single_pair_calls(model, pairs):
    """score_many and align_many (lane kernels) against log_likelihood and align (the
    single-pair kernels)."""
    scores = model.score_many(pairs, progress=False)
    df = model.align_many(pairs, progress=False)
    for p, (x, y) in enumerate(pairs):
        assert scores[p] == pytest.approx(model.log_likelihood(x, y), rel=1e-12)
        a = model.align(x, y)
        assert df.cigar[p] == a.cigar
        assert df.log_likelihood[p] == pytest.approx(scores[p], rel=1e-12)
        assert df.expected_accuracy[p] == pytest.approx(a.expected_accuracy, rel=1e-10)


@pytest.mark.parametrize("K", [1, 2])
def test_lane_batches_equal_single_pair_calls(K):
    """score_many / align_many (lane groups) against log_likelihood / align (single-pair
    kernels), protein preset, 27 pairs of very different lengths."""
    kw = {} if K == 2 else dict(n_insert_pairs=1, delta=0.02, epsilon=0.6)
    model = tp.PairHMM.from_preset("protein", **kw)
    rng = np.random.default_rng(12 + K)
    aa = np.array(list("ACDEFGHIKLMNPQRSTVWY"))
    lens = [1, 2, 7, 80, 150, 33, 1, 120, 64]
    seqs = ["".join(rng.choice(aa, n)) for n in lens]
    pairs = [(seqs[i % 9], seqs[(i * 4 + 1) % 9]) for i in range(27)]
    _check_batches_equal_single_pair_calls(model, pairs)


@pytest.mark.parametrize("K", [1, 2])
def test_lane_batches_long_pairs_equal_single_pair_calls(K):
    """Hundreds of rows: the lane kernels' row scales (M sums plus X sums carried from
    row to row, never summed over the X cells) and the forward W slot over many
    flushes, against the single-pair kernels, with related and unrelated pairs."""
    kw = {} if K == 2 else dict(n_insert_pairs=1, delta=0.02, epsilon=0.6)
    model = tp.PairHMM.from_preset("protein", **kw)
    rng = np.random.default_rng(40 + K)
    aa = np.array(list("ACDEFGHIKLMNPQRSTVWY"))
    base = rng.choice(aa, 700)

    def related(n):
        keep = base[rng.random(base.size) > 0.1]
        sub = rng.random(keep.size) < 0.25
        keep[sub] = rng.choice(aa, sub.sum())
        return "".join(keep[:n])

    pairs = [(related(640), related(600)), (related(300), related(630)),
             ("".join(rng.choice(aa, 500)), related(520)), (related(630), related(9))]
    _check_batches_equal_single_pair_calls(model, pairs)


def test_lane_fma_is_fused():
    """The lane kernels' multiply-add rounds once: the double nearest 0.1 is 5.55e-18 too
    large, so 0.1 * 10 - 1 is 5.55e-17 rounded once and 0 with the product rounded
    first."""
    from numba import njit
    from tiedpgm.pairhmm.kernels_lanes import _fma
    f = njit(lambda a, b, c: _fma(a, b, c))
    assert f(0.1, 10.0, -1.0) == 5.551115123125783e-17
    assert 0.1 * 10.0 - 1.0 == 0.0

def test_lane_batch_underflow_falls_back_to_reference():
    """A pair whose total underflows the scaled kernels (1 vs 3000 residues) is flagged
    and recomputed in log space, in a batch with ordinary pairs."""
    model = tp.PairHMM("ACGT", delta=0.001, epsilon=0.05, tau=0.001)
    rng = np.random.default_rng(3)
    long_y = "".join(rng.choice(list("ACGT"), 3000))
    pairs = [("A", long_y), ("ACGT", "ACGA"), ("ACG", "ACG")]
    s = model.score_many(pairs, progress=False)
    for p, (x, y) in enumerate(pairs):
        cx, cy, *_ = model._encode_pair(x, y)
        if model._swap(cx, cy):
            cx, cy = cy, cx
        assert s[p] == pytest.approx(ref.forward(cx, cy, *model._log_args())[0], rel=1e-10)


def test_long_pairs_take_the_per_pair_mea_kernels(monkeypatch):
    """Pairs above _LANE_MAX_CELLS cells (their lane group's table would be 8x their own)
    are aligned by the per-pair kernels, mixed in one batch with lane groups."""
    from tiedpgm.pairhmm import model as pm
    model = tp.PairHMM.from_preset("protein")
    rng = np.random.default_rng(4)
    aa = np.array(list("ACDEFGHIKLMNPQRSTVWY"))
    seqs = ["".join(rng.choice(aa, n)) for n in (5, 40, 70, 12, 66, 90)]
    pairs = [(seqs[i], seqs[(i + 1) % 6]) for i in range(6)] + [(seqs[2], seqs[5])]
    base = model.align_many(pairs, progress=False)
    monkeypatch.setattr(pm, "_LANE_MAX_CELLS", 1500)
    mixed = model.align_many(pairs, progress=False)
    assert list(mixed.cigar) == list(base.cigar)
    np.testing.assert_allclose(mixed.log_likelihood, base.log_likelihood, rtol=1e-12)
    np.testing.assert_allclose(mixed.expected_accuracy, base.expected_accuracy, rtol=1e-10)
