"""Composite HMMs: embedded training, connected-word decoding, learned tie groups."""
import itertools

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

import tiedpgm as tp
from tiedpgm.composite import pooled_log_likelihood, state_stats_from_labels

BACKEND = "numpy"    # the model layer is tested against the reference kernels


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
def _set_emissions(model, means, covars):
    model.emissions_.means = np.array(means, dtype=float)
    model.emissions_.covars = np.array(covars, dtype=float)


def _log_gauss_diag(X, mean, var):
    return -0.5 * np.sum(np.log(2 * np.pi * var) + (X - mean) ** 2 / var, axis=1)


def _brute_force(start, A, end, logb):
    """Enumerate every state path: (log P, posteriors (T, K), xi_sum (K, K))."""
    T, K = logb.shape
    paths, weights = [], []
    for path in itertools.product(range(K), repeat=T):
        p = start[path[0]] * end[path[-1]]
        for t in range(1, T):
            p *= A[path[t - 1], path[t]]
        if p == 0:
            continue
        paths.append(path)
        weights.append(p * np.exp(sum(logb[t, k] for t, k in enumerate(path))))
    weights = np.array(weights)
    total = weights.sum()
    post = np.zeros((T, K))
    xi = np.zeros((K, K))
    for path, w in zip(paths, weights):
        for t, k in enumerate(path):
            post[t, k] += w / total
        for t in range(1, T):
            xi[path[t - 1], path[t]] += w / total
    return np.log(total), post, xi


def _simulate(words_per_seq, unit_means, n_states, rng, sil_mean=None, sd=0.35, stay=0.6):
    """Frames for a list of transcripts: each state emits 1 + Geometric frames."""
    X, lengths = [], []
    for words in words_per_seq:
        frames = []
        seq = (["sil"] if sil_mean is not None else []) + list(words) + (
            ["sil"] if sil_mean is not None else [])
        for w in seq:
            means = [sil_mean] if w == "sil" else unit_means[w]
            for mu in means:
                dur = rng.geometric(1 - stay)
                frames.append(mu + sd * rng.standard_normal((dur, len(mu))))
        seq_x = np.concatenate(frames)
        X.append(seq_x)
        lengths.append(len(seq_x))
    return np.concatenate(X), np.array(lengths)


def _toy_grammar(rng, n_train=30, n_test=10, n_states=3, F=4):
    words = ["w0", "w1", "w2"]
    unit_means = {w: [rng.normal(0, 3, F) for _ in range(n_states)] for w in words}
    sil = np.zeros(F)
    train_tr = [list(rng.choice(words, rng.integers(1, 5))) for _ in range(n_train)]
    test_tr = [list(rng.choice(words, rng.integers(1, 5))) for _ in range(n_test)]
    Xtr, Ltr = _simulate(train_tr, unit_means, n_states, rng, sil)
    Xte, Lte = _simulate(test_tr, unit_means, n_states, rng, sil)
    units = [tp.Unit(w, n_states) for w in words] + [tp.Unit("sil", 1)]
    return units, (Xtr, Ltr, train_tr), (Xte, Lte, test_tr)


# ---------------------------------------------------------------------------------------
# one unit, one transcript == the plain HMM of that unit
# ---------------------------------------------------------------------------------------
def test_single_unit_composite_equals_plain_hmm():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(m, 1.0, size=(n, 2))
                        for n, m in [(7, -2), (5, 0), (9, 3), (6, -2), (4, 0), (8, 3)]])
    lengths = [21, 18]
    A = np.array([[0.6, 0.4, 0.0], [0.0, 0.7, 0.3], [0.0, 0.0, 1.0]])
    unit = tp.Unit("a", 3, transmat=np.column_stack([A, np.zeros(3)]))
    comp = tp.CompositeHMM([unit], require_exit=False, n_iter=6, tol=-np.inf,
                           backend=BACKEND).fit(X, lengths, transcripts=[["a"], ["a"]])

    plain = tp.GaussianHMM(3, covariance_type="diag", init_params="", params="stmc",
                           n_iter=6, tol=-np.inf, backend=BACKEND)
    plain.startprob_ = [1.0, 0.0, 0.0]
    plain.transmat_ = A
    # the composite's flat start: global mean and (sample) variance + min_covar
    plain.means_ = np.tile(X.mean(axis=0), (3, 1))
    plain.covars_ = np.tile(X.var(axis=0, ddof=1) + 1e-3, (3, 1))
    plain.fit(X, lengths)

    np.testing.assert_allclose(comp.history_, plain.monitor_.history, rtol=1e-10)
    np.testing.assert_allclose(comp.means_, plain.means_, rtol=1e-10)
    np.testing.assert_allclose(comp.covars_, np.diagonal(plain.covars_, axis1=1, axis2=2),
                               rtol=1e-10)
    np.testing.assert_allclose(comp.transitions_["a"][:, :3], plain.transmat_, rtol=1e-10,
                               atol=1e-14)
    assert comp.score(X, lengths, [["a"], ["a"]]) == pytest.approx(plain.score(X, lengths),
                                                                  rel=1e-10)


# ---------------------------------------------------------------------------------------
# shared-state statistics = sum over sequences and positions (hand-built toy)
# ---------------------------------------------------------------------------------------
def test_shared_state_statistics_are_sums_over_all_copies():
    rng = np.random.default_rng(1)
    ta = np.array([[0.6, 0.4, 0.0], [0.0, 0.7, 0.3]])      # unit a: 2 states + exit
    tb = np.array([[0.5, 0.5]])                            # unit b: 1 state + exit
    units = [tp.Unit("a", 2, transmat=ta), tp.Unit("b", 1, transmat=tb)]
    transcripts = [["a", "b"], ["b", "a", "b"]]
    X = rng.normal(size=(9, 2))
    lengths = [4, 5]
    model = tp.CompositeHMM(units, n_iter=1, params="", backend=BACKEND)
    model.fit(X, lengths, transcripts=transcripts)
    means = rng.normal(size=(3, 2))              # inventory: a[0], a[1], b[0]
    covars = rng.uniform(0.5, 2.0, size=(3, 2))
    _set_emissions(model, means, covars)
    assert model.state_names_ == ["a[0]", "a[1]", "b[0]"]

    # composite 1 "a b": states a0 a1 b0 ; composite 2 "b a b": b0 a0 a1 b0'
    comp1 = (np.array([1.0, 0, 0]),
             np.array([[0.6, 0.4, 0.0], [0.0, 0.7, 0.3], [0.0, 0.0, 0.5]]),
             np.array([0, 0, 0.5]), [0, 1, 2])
    comp2 = (np.array([1.0, 0, 0, 0]),
             np.array([[0.5, 0.5, 0, 0], [0, 0.6, 0.4, 0], [0, 0, 0.7, 0.3], [0, 0, 0, 0.5]]),
             np.array([0, 0, 0, 0.5]), [2, 0, 1, 2])
    sum_w = np.zeros(3)
    sum_x = np.zeros((3, 2))
    sum_xx = np.zeros((3, 2))
    total = 0.0
    b_self = b_exit = a1_exit = 0.0
    for (start, A, end, inv), (lo, hi) in zip([comp1, comp2], [(0, 4), (4, 9)]):
        Xs = X[lo:hi]
        logb = np.column_stack([_log_gauss_diag(Xs, means[i], covars[i]) for i in inv])
        lp, post, xi = _brute_force(start, A, end, logb)
        total += lp
        for k, i in enumerate(inv):
            sum_w[i] += post[:, k].sum()
            sum_x[i] += post[:, k] @ Xs
            sum_xx[i] += post[:, k] @ Xs ** 2
        bs = [k for k, i in enumerate(inv) if i == 2]
        b_self += sum(xi[k, k] for k in bs)
        # b exits into the next unit, or out of the sequence at its last frame
        b_exit += sum(xi[k, k + 1] for k in bs if k + 1 < len(inv)) + post[-1, bs[-1]]
        a1 = inv.index(1)
        a1_exit += xi[a1, a1 + 1]

    st = model.state_statistics(X, lengths, transcripts)
    assert st["log_prob"] == pytest.approx(total, rel=1e-12)
    np.testing.assert_allclose(st["sum_w"], sum_w, rtol=1e-10)
    np.testing.assert_allclose(st["sum_x"], sum_x, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(st["sum_xx"], sum_xx, rtol=1e-10)
    # transition parameter counts: b's row is parameters 6 (self) and 7 (exit)
    np.testing.assert_allclose(st["trans"][6:8], [b_self, b_exit], rtol=1e-10)
    np.testing.assert_allclose(st["trans"][5], a1_exit, rtol=1e-10)
    assert st["trans"][7] == pytest.approx(3.0)          # three b tokens, each exits once


def test_composite_likelihood_with_exit_and_optional_silence_matches_enumeration():
    """'a' with optional silence s: paths a, s a, a s, s a s -- summed by hand."""
    rng = np.random.default_rng(2)
    units = [tp.Unit("a", 1, transmat=[[0.5, 0.5]]), tp.Unit("s", 1, transmat=[[0.2, 0.8]])]
    X = rng.normal(size=(3, 1))
    model = tp.CompositeHMM(units, silence="s", silence_prob=0.3, n_iter=1, params="",
                            backend=BACKEND).fit(X, [3], [["a"]])
    mu, var = np.array([[0.5], [-1.0]]), np.array([[1.0], [2.0]])
    _set_emissions(model, mu, var)
    b = {u: np.exp(_log_gauss_diag(X, mu[i], var[i])) for i, u in enumerate("as")}
    p, q = 0.3, 0.7
    trans = {("a", "a"): 0.5, ("s", "s"): 0.2, ("s", "a"): 0.8, ("a", "s"): 0.5 * p}
    total = 0.0
    for labels in itertools.product("as", repeat=3):
        runs = [k for k, _ in itertools.groupby(labels)]
        if runs not in (["a"], ["s", "a"], ["a", "s"], ["s", "a", "s"]):
            continue
        # start: silence or not; end: leave 'a' (and skip the silence) or leave 's'
        prob = (p if labels[0] == "s" else q) * (0.5 * q if labels[-1] == "a" else 0.8)
        for t, u in enumerate(labels):
            prob *= b[u][t] * (trans[labels[t - 1], u] if t else 1.0)
        total += prob
    assert model.score(X, [3], [["a"]]) == pytest.approx(np.log(total), rel=1e-12)


# ---------------------------------------------------------------------------------------
# EM on simulated grammar data, decoding
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def grammar_fit():
    rng = np.random.default_rng(3)
    units, train, test = _toy_grammar(rng)
    model = tp.CompositeHMM(units, silence="sil", n_iter=25, tol=-np.inf, backend=BACKEND)
    model.fit(train[0], train[1], transcripts=train[2])
    return model, train, test


def test_em_is_monotone_on_composite_models(grammar_fit):
    model, _, _ = grammar_fit
    h = np.array(model.monitor_.history)
    assert len(h) == 25
    assert np.all(np.diff(h) >= -1e-9 * np.abs(h[:-1]))
    assert h[-1] > h[0]


def test_decoding_recovers_the_generating_word_sequence(grammar_fit):
    model, _, (X, lengths, truth) = grammar_fit
    hyp = model.decode(X, lengths)
    assert tp.word_error_rate(truth, hyp) <= 0.1
    assert sum(h == list(t) for h, t in zip(hyp, truth)) >= 8


def test_forced_alignment_and_mixture_splitting(grammar_fit):
    model, (Xtr, Ltr, trtr), (X, lengths, truth) = grammar_fit
    lp, states = model.align(X, lengths, truth)
    assert states.shape == (len(X),) and np.all(np.isfinite(lp))
    mix = tp.CompositeHMM(model.units, silence="sil", n_mix=2, n_iter=5, tol=-np.inf,
                          backend=BACKEND).fit(Xtr, Ltr, transcripts=trtr)
    assert mix.emissions_.n_mix == 2 and mix.group_means_.shape == (10, 2, 4)
    h = np.array(mix.monitor_.history)               # EM after the split is monotone too
    assert np.all(np.diff(h) >= -1e-9 * np.abs(h[:-1]))
    assert tp.word_error_rate(truth, mix.decode(X, lengths)) <= 0.15


def test_tie_groups_pool_emissions_across_units(grammar_fit):
    model, (X, lengths, tr), _ = grammar_fit
    groups = np.arange(10)
    groups[9] = 0                                    # silence shares w0[0]'s Gaussian
    tied = tp.CompositeHMM(model.units, silence="sil", tie_groups=groups, n_iter=3,
                           backend=BACKEND).fit(X, lengths, transcripts=tr)
    assert tied.group_means_.shape == (9, 4)
    np.testing.assert_array_equal(tied.means_[9], tied.means_[0])


# ---------------------------------------------------------------------------------------
# learning tie groups
# ---------------------------------------------------------------------------------------
def test_cluster_states_recovers_known_groups():
    rng = np.random.default_rng(4)
    true = np.repeat(np.arange(4), 3)[rng.permutation(12)]
    centres = rng.normal(0, 4, size=(4, 3))
    labels = np.repeat(np.arange(12), 200)
    X = centres[true[labels]] + rng.normal(size=(len(labels), 3))
    stats = state_stats_from_labels(X, labels)
    groups = tp.cluster_states(stats, n_groups=4)
    assert adjusted_rand_score(true, groups) >= 0.9
    # the groups are plain tie_groups: any estimator takes them
    hmm = tp.GaussianHMM(12, tie_groups=groups, n_iter=2, random_state=0, backend=BACKEND)
    assert hmm.fit(X[:600]).group_means_.shape == (4, 3)
    # loss threshold: merging within a true group costs a few nats, across groups thousands
    groups_t = tp.cluster_states(stats, threshold=100.0)
    assert adjusted_rand_score(true, groups_t) >= 0.9
    # top-down with yes/no questions (the true groups hidden among random decoys)
    questions = {f"q{g}": np.flatnonzero(true == g) for g in range(4)}
    questions.update({f"decoy{k}": rng.choice(12, 6, replace=False) for k in range(6)})
    groups_tree = tp.cluster_states(stats, n_groups=4, method="tree", questions=questions)
    assert adjusted_rand_score(true, groups_tree) >= 0.9


def test_cluster_states_merge_costs_equal_hand_computed_losses():
    # three 1-D states: {0, 2}, {1, 3}, {10, 12}
    X = np.array([0.0, 2.0, 1.0, 3.0, 10.0, 12.0])[:, None]
    labels = np.array([0, 0, 1, 1, 2, 2])
    stats = state_stats_from_labels(X, labels)

    def L(points):                                   # ML Gaussian log-likelihood by hand
        v = np.var(points)
        return -0.5 * len(points) * (np.log(2 * np.pi * v) + 1)

    s0, s1, s2 = [0, 2], [1, 3], [10, 12]
    loss01 = L(s0) + L(s1) - L(s0 + s1)
    loss_all = L(s0 + s1) + L(s2) - L(s0 + s1 + s2)
    groups, info = tp.cluster_states(stats, n_groups=1, min_var=1e-12, return_info=True)
    assert [(m[0], m[1]) for m in info["merges"]] == [((0,), (1,)), ((2,), (0, 1))]
    assert info["merges"][0][2] == pytest.approx(loss01, rel=1e-12)
    assert info["merges"][1][2] == pytest.approx(loss_all, rel=1e-12)
    np.testing.assert_array_equal(groups, [0, 0, 0])
    assert pooled_log_likelihood(2, 2.0, 4.0, 1e-12) == pytest.approx(L(s0), rel=1e-12)
    two = tp.cluster_states(stats, n_groups=2)
    np.testing.assert_array_equal(two, [0, 0, 1])
    # the tree gains are the same numbers, from the top
    _, info = tp.cluster_states(stats, n_groups=3, method="tree", min_var=1e-12,
                                questions={"high": [2], "first": [0]}, return_info=True)
    assert info["splits"][0][2] == pytest.approx(loss_all, rel=1e-12)
    assert info["splits"][1][2] == pytest.approx(loss01, rel=1e-12)


def test_cluster_states_within_and_stopping_errors():
    stats = state_stats_from_labels(np.arange(8.0)[:, None], np.repeat(np.arange(4), 2))
    g = tp.cluster_states(stats, n_groups=2, within=[0, 0, 1, 1])
    np.testing.assert_array_equal(g, [0, 0, 1, 1])
    with pytest.raises(ValueError, match="n_groups= or threshold="):
        tp.cluster_states(stats)
    with pytest.raises(ValueError, match="questions"):
        tp.cluster_states(stats, n_groups=2, method="tree")


# ---------------------------------------------------------------------------------------
# word error rate
# ---------------------------------------------------------------------------------------
def test_word_error_rate():
    assert tp.word_error_rate("one two three", "one three four") == pytest.approx(2 / 3)
    wer, c = tp.word_error_rate([["a", "b"], ["c"]], [["a"], ["c", "d", "e"]],
                                return_counts=True)
    assert wer == pytest.approx(3 / 3)
    assert (c["deletions"], c["insertions"], c["substitutions"]) == (1, 2, 0)
    assert tp.word_error_rate(["a", "b"], ["a", "b"]) == 0.0


# ---------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------
@pytest.fixture
def small_model():
    units = [tp.Unit("one", 3), tp.Unit("two", 4), tp.Unit("sil", 1)]
    return tp.CompositeHMM(units, silence="sil", n_iter=2, backend=BACKEND)


def test_word_missing_from_lexicon(small_model):
    X = np.random.default_rng(0).normal(size=(40, 2))
    with pytest.raises(ValueError, match=r"sequence 1: word 'ten' .*not in the lexicon"):
        small_model.fit(X, [20, 20], transcripts=[["one"], ["two", "ten"]])


def test_sequence_shorter_than_minimum_path(small_model):
    X = np.random.default_rng(0).normal(size=(26, 2))
    with pytest.raises(ValueError, match=r"sequence 1 has 6 frames .*at least 7.*word 'two'"):
        small_model.fit(X, [20, 6], transcripts=[["one"], ["one", "two"]])


def test_empty_transcript(small_model):
    X = np.random.default_rng(0).normal(size=(40, 2))
    with pytest.raises(ValueError, match="sequence 0 has an empty transcript"):
        small_model.fit(X, [20, 20], transcripts=[[], ["two"]])
    with pytest.raises(ValueError, match="2 transcripts for 1 sequences"):
        small_model.fit(X, [40], transcripts=[["one"], ["two"]])
    with pytest.raises(ValueError, match="lexicon word 'three' uses unit 'three'"):
        tp.CompositeHMM(small_model.units, lexicon=tp.Lexicon({"three": "three"}),
                        backend=BACKEND).fit(X, [40], transcripts=[["three"]])


# ---------------------------------------------------------------------------------------
# API details
# ---------------------------------------------------------------------------------------
def test_pronunciation_variants_bakis_units_and_clone():
    from sklearn.base import clone
    rng = np.random.default_rng(5)
    units = [tp.Unit("p", 2, topology="bakis"), tp.Unit("q", 3, topology="bakis"),
             tp.Unit("r", 1)]
    np.testing.assert_allclose(units[1].transmat.sum(axis=1), 1.0)
    assert units[1].transmat[0, 2] > 0 and units[1].transmat[1, 3] > 0   # skips
    lex = tp.Lexicon({"x": [["p"], ["q"]], "y": ["p", "r"]})
    assert lex.variants("x") == [("p",), ("q",)] and lex.variants("y") == [("p", "r")]
    X = rng.normal(size=(30, 2))
    model = tp.CompositeHMM(units, lexicon=lex, n_iter=3, backend=BACKEND)
    model.fit(X, [10, 10, 10], transcripts=["x y", ["y"], ["x", "x"]])
    # bakis "p" (2 states) may skip its last state: "x x" fits in 2 frames
    assert np.isfinite(model.score(X[:2], [2], [["x", "x"]]))
    hyp = model.decode(X, [10, 10, 10])
    assert all(set(h) <= {"x", "y"} for h in hyp)
    twin = clone(model)
    assert twin.get_params()["lexicon"] is not None and not hasattr(twin, "emissions_")


@pytest.mark.parametrize("backend", ["numba"])
def test_fast_backend_agrees_with_reference(backend, grammar_fit):
    pytest.importorskip(backend)
    model, (X, lengths, tr), _ = grammar_fit
    a = tp.CompositeHMM(model.units, silence="sil", n_iter=4, tol=-np.inf, backend="numpy")
    b = tp.CompositeHMM(model.units, silence="sil", n_iter=4, tol=-np.inf, backend=backend)
    a.fit(X, lengths, transcripts=tr)
    b.fit(X, lengths, transcripts=tr)
    assert b.backend_ == backend
    np.testing.assert_allclose(a.history_, b.history_, rtol=1e-8)
    np.testing.assert_allclose(a.group_means_, b.group_means_, rtol=1e-7, atol=1e-9)
