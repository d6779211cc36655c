"""Tied HMMs: pooled M-step against a hand-written MLE, limiting cases, EM, recovery."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tiedpgm as tp
from tiedpgm.kernels import reference

from _hmm_helpers import available_backends, backends, random_gaussian_params, random_stochastic

COV_TYPES = ["spherical", "diag", "full", "tied"]
LENGTHS = [30, 1, 45, 24]
GROUPS = [0, 1, 0, 2, 1]          # non-contiguous on purpose


def _ml_gaussian(covariance_type, backend="numpy", seed=0, groups=GROUPS, F=2):
    """A tied model with priors switched off (pure maximum likelihood)."""
    rng = np.random.default_rng(seed)
    K, G = len(groups), max(groups) + 1
    m = tp.GaussianHMM(K, covariance_type=covariance_type, tie_groups=groups,
                       init_params="", n_iter=1, covars_prior=0.0, covars_weight=0.0,
                       backend=backend)
    m.startprob_ = random_stochastic(rng, K)
    m.transmat_ = random_stochastic(rng, K, K)
    m.group_means_, m.group_covars_ = random_gaussian_params(rng, K, F, covariance_type, G)
    X = rng.normal(scale=3.0, size=(sum(LENGTHS), F))
    return m, X


def _expected_transitions(m, X, lengths):
    """Start and transition counts from the oracle kernel (transitions are not tied)."""
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    lfp = np.log(np.stack([_state_pdf(m, X, k) for k in range(m.n_components)], axis=1))
    _, post, xi = reference.forward_backward(np.log(m.startprob_), np.log(m.transmat_),
                                             lfp, offsets)
    start = post[offsets[:-1]].sum(axis=0)
    return post, start / start.sum(), xi / xi.sum(axis=1, keepdims=True)


def _state_pdf(m, X, k):
    from scipy.stats import multivariate_normal
    return multivariate_normal(m.means_[k], m.covars_[k]).pdf(X)


@backends
@pytest.mark.parametrize("covariance_type", COV_TYPES)
def test_one_iteration_equals_pooled_mle_gaussian(covariance_type, backend):
    m, X = _ml_gaussian(covariance_type, backend)
    post, start, trans = _expected_transitions(m, X, LENGTHS)
    np.testing.assert_allclose(m.predict_proba(X, LENGTHS), post, rtol=1e-8, atol=1e-12)
    groups = np.asarray(GROUPS)
    G = groups.max() + 1
    means = np.empty((G, X.shape[1]))
    scatters = []
    weights = []
    for g in range(G):
        w = post[:, groups == g].sum(axis=1)          # pooled: summed over the group's states
        means[g] = w @ X / w.sum()
        d = X - means[g]
        scatters.append((w[:, None] * d).T @ d)
        weights.append(w.sum())
    m.fit(X, LENGTHS)
    np.testing.assert_allclose(m.startprob_, start, rtol=1e-8)
    np.testing.assert_allclose(m.transmat_, trans, rtol=1e-8)
    np.testing.assert_allclose(m.group_means_, means, rtol=1e-8)
    full = np.array([s / w for s, w in zip(scatters, weights)])
    expected = {"full": full,
                "diag": np.einsum("gii->gi", full),
                "spherical": np.einsum("gii->gi", full).mean(axis=1),
                "tied": sum(scatters) / len(X)}[covariance_type]
    np.testing.assert_allclose(m.group_covars_, expected, rtol=1e-8)
    # per-state views repeat the group rows
    np.testing.assert_array_equal(m.means_, m.group_means_[groups])


@backends
def test_one_iteration_equals_pooled_mle_categorical(backend):
    rng = np.random.default_rng(1)
    K, G, F = len(GROUPS), max(GROUPS) + 1, 6
    m = tp.CategoricalHMM(K, tie_groups=GROUPS, init_params="", n_iter=1, n_features=F,
                          backend=backend)
    m.startprob_ = random_stochastic(rng, K)
    m.transmat_ = random_stochastic(rng, K, K)
    m.group_emissionprob_ = random_stochastic(rng, G, F)
    X = rng.integers(0, F, size=(sum(LENGTHS), 1))
    post = m.predict_proba(X, LENGTHS)
    counts = np.zeros((G, F))
    for k, g in enumerate(GROUPS):
        for t, x in enumerate(X[:, 0]):
            counts[g, x] += post[t, k]
    m.fit(X, LENGTHS)
    np.testing.assert_allclose(m.group_emissionprob_, counts / counts.sum(axis=1, keepdims=True),
                               rtol=1e-8)
    np.testing.assert_allclose(m.emissionprob_, m.group_emissionprob_[GROUPS])


@pytest.mark.parametrize("covariance_type", COV_TYPES)
def test_singleton_groups_equal_untied(covariance_type):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(120, 2))
    X[60:] += 2.5
    kw = dict(n_components=3, covariance_type=covariance_type, random_state=7, n_iter=5,
              backend="numpy")
    untied = tp.GaussianHMM(**kw).fit(X, [60, 60])
    single = tp.GaussianHMM(tie_groups=[0, 1, 2], **kw).fit(X, [60, 60])
    assert untied.monitor_.history == single.monitor_.history
    np.testing.assert_array_equal(untied.means_, single.means_)
    np.testing.assert_array_equal(untied.covars_, single.covars_)
    np.testing.assert_array_equal(untied.transmat_, single.transmat_)
    # relabelled singletons: same model with the group rows permuted
    perm = tp.GaussianHMM(tie_groups=[2, 0, 1], **{**kw, "init_params": ""})
    fixed = tp.GaussianHMM(**{**kw, "init_params": ""})
    for m in (perm, fixed):
        m.startprob_, m.transmat_ = untied.startprob_, untied.transmat_
        m.means_, m.covars_ = untied.means_, untied.covars_
    perm.fit(X, [60, 60])
    fixed.fit(X, [60, 60])
    np.testing.assert_allclose(perm.means_, fixed.means_, rtol=1e-12)
    np.testing.assert_allclose(perm.covars_, fixed.covars_, rtol=1e-12)


def test_singleton_groups_equal_untied_categorical():
    X = np.random.default_rng(3).integers(0, 4, size=(200, 1))
    kw = dict(n_components=3, random_state=7, n_iter=5, backend="numpy")
    a = tp.CategoricalHMM(**kw).fit(X)
    b = tp.CategoricalHMM(tie_groups=[0, 1, 2], **kw).fit(X)
    np.testing.assert_array_equal(a.emissionprob_, b.emissionprob_)
    assert a.monitor_.history == b.monitor_.history


@pytest.mark.parametrize("covariance_type", COV_TYPES)
def test_one_group_is_a_single_pooled_distribution(covariance_type):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 3)) @ np.array([[1, 0.5, 0], [0, 1, 0.2], [0, 0, 2]])
    m = tp.GaussianHMM(4, covariance_type=covariance_type, tie_groups=[0] * 4, n_iter=3,
                       covars_prior=0.0, covars_weight=0.0, random_state=0, backend="numpy")
    m.fit(X, [100, 200])
    cov = np.cov(X.T, bias=True)
    np.testing.assert_allclose(m.group_means_[0], X.mean(axis=0), rtol=1e-10)
    expected = {"full": cov[None], "tied": cov, "diag": np.diag(cov)[None],
                "spherical": np.array([np.diag(cov).mean()])}[covariance_type]
    np.testing.assert_allclose(m.group_covars_, expected, rtol=1e-10)
    # every state emits the same: the sequence likelihood is the i.i.d. one
    from scipy.stats import multivariate_normal
    iid = multivariate_normal(m.means_[0], m.covars_[0]).logpdf(X).sum()
    np.testing.assert_allclose(m.score(X, [100, 200]), iid, rtol=1e-10)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), n_states=st.integers(2, 3),
       kind=st.sampled_from(["categorical", "diag", "full"]), data=st.data())
def test_em_never_decreases(seed, n_states, kind, data):
    groups = data.draw(st.lists(st.integers(0, n_states - 1), min_size=n_states,
                                max_size=n_states))
    groups = np.unique(groups, return_inverse=True)[1]
    rng = np.random.default_rng(seed)
    lengths = [120, 80, 100]
    if kind == "categorical":
        X = rng.integers(0, 5, size=(sum(lengths), 1))
        m = tp.CategoricalHMM(n_states, tie_groups=groups, n_features=5)
    else:
        X = rng.normal(size=(sum(lengths), 2))
        X[:150] += 3.0
        m = tp.GaussianHMM(n_states, covariance_type=kind, tie_groups=groups,
                           covars_prior=0.0, covars_weight=0.0)
    m.set_params(n_iter=12, tol=-np.inf, random_state=seed, backend="numpy")
    m.fit(X, lengths)   # a decrease beyond rounding warns, and warnings are errors
    h = np.array(m.monitor_.history)
    assert np.all(np.diff(h) >= -1e-9 * np.abs(h[:-1]))


def _true_tied_model():
    m = tp.GaussianHMM(4, covariance_type="diag", tie_groups=[0, 0, 1, 1])
    m.startprob_ = [0.25, 0.25, 0.25, 0.25]
    m.transmat_ = [[0.8, 0.1, 0.1, 0.0],
                   [0.1, 0.7, 0.0, 0.2],
                   [0.2, 0.0, 0.7, 0.1],
                   [0.0, 0.1, 0.2, 0.7]]
    m.group_means_ = [[0.0, 1.0], [3.0, -2.0]]
    m.group_covars_ = [[1.0, 0.5], [2.0, 1.0]]
    return m


def test_simulated_tied_model_is_recovered():
    backend = "numba" if "numba" in available_backends() else "numpy"
    true = _true_tied_model()
    X, _ = true.sample(200_000, random_state=11)
    lengths = [50_000] * 4
    m = tp.GaussianHMM(4, covariance_type="diag", tie_groups=[0, 0, 1, 1], init_params="",
                       n_iter=5, tol=-np.inf, backend=backend, covars_prior=0.0)
    m.startprob_ = true.startprob_
    m.transmat_ = [[0.7, 0.15, 0.15, 0.0], [0.15, 0.7, 0.0, 0.15],
                   [0.15, 0.0, 0.7, 0.15], [0.0, 0.15, 0.15, 0.7]]
    m.group_means_ = true.group_means_ + 0.3
    m.group_covars_ = true.group_covars_ * 1.3
    m.fit(X, lengths)
    assert m.backend_ == backend
    n_g = 100_000   # about half of the frames per group (stationary distribution)
    se_mean = np.sqrt(true.group_covars_ / n_g)
    assert np.all(np.abs(m.group_means_ - true.group_means_) < 6 * se_mean + 1e-3)
    se_var = true.group_covars_ * np.sqrt(2 / n_g)
    assert np.all(np.abs(m.group_covars_ - true.group_covars_) < 6 * se_var + 1e-3)
    assert np.all(m.transmat_[true.transmat_ == 0] == 0)     # structural zeros stay zero


def test_n_parameters_by_hand():
    K, F = 6, 3
    m = tp.GaussianHMM(K, covariance_type="diag", tie_groups=[0, 0, 1, 1, 2, 2])
    m.startprob_ = np.eye(K)[0]                               # 0 free (one non-zero)
    trans = np.zeros((K, K))
    for k in range(K):
        trans[k, k] = 0.5 if k < K - 1 else 1.0
        if k < K - 1:
            trans[k, k + 1] = 0.5
    m.transmat_ = trans                                       # 5 rows x 1 free + last row 0
    m.group_means_ = np.zeros((3, F))                         # 3 groups x 3
    m.group_covars_ = np.ones((3, F))                         # 3 groups x 3
    assert m.n_parameters() == 0 + 5 + 9 + 9
    m.set_params(params="mc")
    assert m.n_parameters() == 18
    full = tp.GaussianHMM(K, covariance_type="full", tie_groups=[0, 0, 1, 1, 2, 2], params="mc")
    full.startprob_, full.transmat_ = m.startprob_, m.transmat_
    full.group_means_ = np.zeros((3, F))
    full.group_covars_ = np.tile(np.eye(F), (3, 1, 1))
    assert full.n_parameters() == 9 + 3 * 6
    cat = tp.CategoricalHMM(4, tie_groups=[0, 1, 1, 0], n_features=5)
    cat.startprob_ = np.full(4, 0.25)
    cat.transmat_ = np.full((4, 4), 0.25)
    cat.group_emissionprob_ = np.full((2, 5), 0.2)
    assert cat.n_parameters() == 3 + 4 * 3 + 2 * 4
    X = np.zeros((10, 1), dtype=int)
    ll = cat.score(X)
    np.testing.assert_allclose(cat.bic(X), -2 * ll + 23 * np.log(10))
    np.testing.assert_allclose(cat.aic(X), -2 * ll + 46)


@pytest.mark.parametrize("covariance_type", COV_TYPES)
def test_save_load_round_trip(tmp_path, covariance_type):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 2))
    m = tp.GaussianHMM(4, covariance_type=covariance_type, tie_groups=[1, 0, 1, 0],
                       random_state=3, n_iter=3, backend="numpy",
                       means_prior=np.zeros((2, 2)), transmat_prior=1.5).fit(X, [30, 50])
    path = tmp_path / "model.npz"
    m.save(path)
    m2 = tp.load(path)
    assert type(m2) is tp.GaussianHMM
    assert m2.get_params().keys() == m.get_params().keys()
    for k, v in m.get_params().items():
        np.testing.assert_array_equal(np.asarray(m2.get_params()[k]), np.asarray(v))
    for attr in ("startprob_", "transmat_", "group_means_", "group_covars_", "means_",
                 "covars_"):
        np.testing.assert_array_equal(getattr(m2, attr), getattr(m, attr))
    assert m2.backend_ == m.backend_
    assert m2.monitor_.history == m.monitor_.history
    assert m2.score(X, [30, 50]) == m.score(X, [30, 50])


def test_save_load_round_trip_categorical(tmp_path):
    X = np.random.default_rng(6).integers(0, 3, size=(50, 1))
    m = tp.CategoricalHMM(3, tie_groups=[0, 0, 1], n_features=4, random_state=0,
                          backend="numpy", n_iter=2).fit(X)
    m.save(tmp_path / "cat")
    m2 = tp.load(tmp_path / "cat.npz")
    np.testing.assert_array_equal(m2.group_emissionprob_, m.group_emissionprob_)
    assert m2.tie_groups == m.tie_groups and m2.n_features == 4


def test_stats_add_and_apply_equal_fit():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(90, 2))
    lengths = [30, 20, 40]
    base = tp.GaussianHMM(3, tie_groups=[0, 1, 0], random_state=1, n_iter=1,
                          backend="numpy").fit(X, lengths)
    import copy
    import pickle
    a, b = copy.deepcopy(base), copy.deepcopy(base)
    a.set_params(init_params="").fit(X, lengths)
    s = b.summarize(X[:50], [30, 20]) + b.summarize(X[50:], [40])
    s = pickle.loads(pickle.dumps(s))
    assert s.n_sequences == 3 and s.n_samples == 90
    np.testing.assert_allclose(s.log_prob, a.monitor_.history[0], rtol=1e-12)
    assert sum([s, s]).n_samples == 180
    b.apply_summaries(s)
    np.testing.assert_allclose(b.means_, a.means_, rtol=1e-12)
    np.testing.assert_allclose(b.transmat_, a.transmat_, rtol=1e-12)


def test_sklearn_clone_and_params():
    from sklearn.base import clone
    m = tp.GaussianHMM(3, tie_groups=[0, 0, 1], covariance_type="full", random_state=0)
    c = clone(m)
    assert c.get_params() == m.get_params()
    assert not hasattr(c, "monitor_") and not hasattr(m, "monitor_")
    c.set_params(n_components=4, tie_groups=[0, 1, 1, 0])
    assert c.n_components == 4
    X = np.random.default_rng(0).normal(size=(60, 2))
    c.set_params(n_iter=2, backend="numpy").fit(X)
    assert c.means_.shape == (4, 2) and c.group_means_.shape == (2, 2)
    assert c.monitor_.iter == 2
