"""Partial tying (``tie_params``): share some emission parameters of a tie group."""
import numpy as np
import pytest

import tiedpgm as tp

from _hmm_helpers import random_stochastic

GROUPS = np.array([0, 0, 1, 1])


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(m, s, (150, 2)) for m, s in
                        [(-3, 1.0), (0, 1.0), (3, 2.0), (6, 2.0)]])
    return rng.permutation(X.reshape(4, 150, 2), axis=1).reshape(-1, 2), [300, 300]


@pytest.mark.parametrize("ct", ["spherical", "diag", "full"])
def test_shared_covariances_unshared_means(ct):
    X, L = _data()
    m = tp.GaussianHMM(4, covariance_type=ct, tie_groups=GROUPS, tie_params="c", n_iter=15,
                       random_state=0, backend="numpy").fit(X, L)
    c = m.covars_
    np.testing.assert_array_equal(c[0], c[1])
    np.testing.assert_array_equal(c[2], c[3])
    assert not np.allclose(c[0], c[2])
    assert not np.allclose(m.means_[0], m.means_[1])
    assert not np.allclose(m.means_[2], m.means_[3])


@pytest.mark.parametrize("ct", ["diag", "full"])
def test_shared_covariance_update_is_constrained_mle(ct):
    """mu_k = sum_t g_tk x_t / sum_t g_tk;  Sigma_g = sum_{k in g} sum_t g_tk (x-mu_k)(x-mu_k)^T
    / sum_{k in g} sum_t g_tk  (the covariance MLE with per-state means)."""
    rng = np.random.default_rng(1)
    X, L = _data(1)
    m = tp.GaussianHMM(4, covariance_type=ct, tie_groups=GROUPS, tie_params="c",
                       init_params="", covars_prior=0.0, min_covar=1e-12, backend="numpy")
    m.startprob_, m.transmat_ = random_stochastic(rng, 4), random_stochastic(rng, 4, 4)
    m.means_ = rng.normal(scale=3, size=(4, 2))
    cov = np.array([[1.5, 0.3], [0.3, 1.0]]) if ct == "full" else np.array([1.5, 1.0])
    m.covars_ = np.array([cov, cov, 2 * cov, 2 * cov])
    gam = m.predict_proba(X, L)
    n = gam.sum(axis=0)
    mu = gam.T @ X / n[:, None]
    scat = np.einsum("tk,tkf,tkg->kfg", gam, X[:, None] - mu, X[:, None] - mu)
    expected = []
    for g in (0, 1):
        k = GROUPS == g
        expected += [scat[k].sum(axis=0) / n[k].sum()] * 2
    expected = np.array(expected)
    m.apply_summaries(m.summarize(X, L))
    np.testing.assert_allclose(m.means_, mu, rtol=1e-10)
    np.testing.assert_allclose(m.covars_, expected if ct == "full" else
                               expected * np.eye(2), rtol=1e-10, atol=1e-13)


def test_shared_means_unshared_covariances_is_precision_weighted():
    """tie_params='m': the shared mean given the per-state variances maximises the
    likelihood: m_g = sum_k (s_k / v_k) / sum_k (n_k / v_k) (per feature)."""
    rng = np.random.default_rng(2)
    X, L = _data(2)
    m = tp.GaussianHMM(4, covariance_type="diag", tie_groups=GROUPS, tie_params="m",
                       init_params="", params="m", backend="numpy")
    m.startprob_, m.transmat_ = random_stochastic(rng, 4), random_stochastic(rng, 4, 4)
    m.means_ = np.repeat(rng.normal(scale=3, size=(2, 2)), 2, axis=0)
    var = rng.uniform(0.5, 3, size=(4, 2))
    m.covars_ = var
    gam = m.predict_proba(X, L)
    s, n = gam.T @ X, gam.sum(axis=0)[:, None]
    exp = np.array([(s[GROUPS == g] / var[GROUPS == g]).sum(0)
                    / (n[GROUPS == g] / var[GROUPS == g]).sum(0) for g in (0, 1)])
    m.apply_summaries(m.summarize(X, L))
    np.testing.assert_allclose(m.means_, exp[GROUPS], rtol=1e-10)
    m.set_params(params="stmc", n_iter=10)
    m.fit(X, L)                                  # monotone (warnings are errors)
    np.testing.assert_array_equal(m.means_[0], m.means_[1])
    assert not np.allclose(m.covars_[0], m.covars_[1])


def test_full_tie_params_equals_default_tying():
    X, L = _data(3)
    kw = dict(n_components=4, tie_groups=GROUPS, n_iter=5, random_state=0, backend="numpy")
    a = tp.GaussianHMM(**kw).fit(X, L)
    b = tp.GaussianHMM(tie_params="cm", **kw).fit(X, L)
    np.testing.assert_allclose(a.means_, b.means_, rtol=1e-12)
    np.testing.assert_allclose(a.monitor_.history, b.monitor_.history, rtol=1e-12)


def test_partial_counts_and_setters():
    m = tp.GaussianHMM(4, covariance_type="diag", tie_groups=GROUPS, tie_params="c")
    m.means_ = np.arange(8.0).reshape(4, 2)            # means untied: any values
    with pytest.raises(ValueError, match="covars_ breaks tie group 1"):
        m.covars_ = [[1, 1], [1, 1], [2, 2], [3, 3]]
    m.covars_ = [[1, 1], [1, 1], [2, 2], [2, 2]]
    m.startprob_, m.transmat_ = np.full(4, 0.25), np.full((4, 4), 0.25)
    assert m.n_parameters() == 3 + 12 + 4 * 2 + 2 * 2


@pytest.mark.parametrize("tp_, match", [
    ("cx", r"tie_params='cx' contains unknown letter\(s\) 'x'"),
    (3, "tie_params must be a string"),
])
def test_bad_tie_params(tp_, match):
    with pytest.raises((ValueError, TypeError), match=match):
        tp.GaussianHMM(2, tie_groups=[0, 0], tie_params=tp_).fit(np.zeros((6, 1)) + np.arange(6)[:, None])


@pytest.mark.parametrize("tie_params", ["w", "c", "wc"])
def test_gmm_partial_tying(tie_params):
    X, L = _data(4)
    m = tp.GMMHMM(4, n_mix=2, covariance_type="diag", tie_groups=GROUPS, tie_params=tie_params,
                  n_iter=6, random_state=0, backend="numpy").fit(X, L)
    for letter, attr in (("w", "weights_"), ("c", "covars_"), ("m", "means_")):
        v = getattr(m, attr)
        if letter in tie_params:
            np.testing.assert_array_equal(v[0], v[1])
            np.testing.assert_array_equal(v[2], v[3])
        else:
            assert not np.allclose(v[0], v[1])
    assert m.n_parameters() == 3 + 12 + (2 if "w" in tie_params else 4) * 1 \
        + 4 * 2 * 2 + (2 if "c" in tie_params else 4) * 2 * 2
