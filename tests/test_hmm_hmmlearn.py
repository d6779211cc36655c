"""Untied tiedpgm models agree with hmmlearn 0.3.x given the same parameters."""
import numpy as np
import pytest

import tiedpgm as tp

from _hmm_helpers import backends, random_gaussian_params, random_stochastic

hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")

RTOL = 1e-8
COV_TYPES = ["spherical", "diag", "full", "tied"]
LENGTHS = [40, 1, 25, 34]


def _gaussian_pair(covariance_type, backend, seed=0, K=3, F=3):
    rng = np.random.default_rng(seed)
    startprob = random_stochastic(rng, K)
    transmat = random_stochastic(rng, K, K)
    means, covars = random_gaussian_params(rng, K, F, covariance_type)
    kw = dict(n_components=K, covariance_type=covariance_type, init_params="", n_iter=1)
    ours = tp.GaussianHMM(backend=backend, **kw)
    ref = hmmlearn_hmm.GaussianHMM(**kw)
    for m in (ours, ref):
        m.startprob_ = startprob
        m.transmat_ = transmat
        m.means_ = means
        m.covars_ = covars
    X = rng.normal(scale=3.0, size=(sum(LENGTHS), F))
    return ours, ref, X


def _categorical_pair(backend, seed=0, K=3, F=5):
    rng = np.random.default_rng(seed)
    kw = dict(n_components=K, init_params="", n_iter=1, n_features=F)
    ours = tp.CategoricalHMM(backend=backend, **kw)
    ref = hmmlearn_hmm.CategoricalHMM(**kw)
    startprob = random_stochastic(rng, K)
    transmat = random_stochastic(rng, K, K)
    emissionprob = random_stochastic(rng, K, F)
    for m in (ours, ref):
        m.startprob_ = startprob
        m.transmat_ = transmat
        m.emissionprob_ = emissionprob
    X = rng.integers(0, F, size=(sum(LENGTHS), 1))
    return ours, ref, X


def _pairs(backend):
    for ct in COV_TYPES:
        yield ct, _gaussian_pair(ct, backend)
    yield "categorical", _categorical_pair(backend)


def _cov_compact(ref):
    """hmmlearn's internal compact covariances (its spherical getter is buggy after fit)."""
    c = np.asarray(ref._covars_)
    if ref.covariance_type == "spherical" and c.ndim == 2:
        c = c[:, 0]
    return c


@backends
@pytest.mark.parametrize("kind", COV_TYPES + ["categorical"])
def test_inference_matches_hmmlearn(kind, backend):
    ours, ref, X = (_categorical_pair(backend) if kind == "categorical"
                    else _gaussian_pair(kind, backend))
    np.testing.assert_allclose(ours.score(X, LENGTHS), ref.score(X, LENGTHS), rtol=RTOL)
    lp, post = ours.score_samples(X, LENGTHS)
    lp_ref, post_ref = ref.score_samples(X, LENGTHS)
    np.testing.assert_allclose(lp, lp_ref, rtol=RTOL)
    np.testing.assert_allclose(post, post_ref, rtol=RTOL, atol=1e-12)
    vlp, path = ours.decode(X, LENGTHS, algorithm="viterbi")
    vlp_ref, path_ref = ref.decode(X, LENGTHS, algorithm="viterbi")
    np.testing.assert_allclose(vlp, vlp_ref, rtol=RTOL)
    np.testing.assert_array_equal(path, path_ref)
    # map: same states; our log-prob is the sum of logs of the max posteriors
    mlp, mpath = ours.decode(X, LENGTHS, algorithm="map")
    np.testing.assert_array_equal(mpath, ref.decode(X, LENGTHS, algorithm="map")[1])
    np.testing.assert_allclose(mlp, np.sum(np.log(post_ref.max(axis=1))), rtol=RTOL)
    np.testing.assert_array_equal(ours.predict(X, LENGTHS), ref.predict(X, LENGTHS))


@backends
@pytest.mark.parametrize("kind", COV_TYPES + ["categorical"])
def test_one_em_iteration_matches_hmmlearn(kind, backend):
    ours, ref, X = (_categorical_pair(backend) if kind == "categorical"
                    else _gaussian_pair(kind, backend))
    ours.fit(X, LENGTHS)
    ref.fit(X, LENGTHS)
    assert ours.monitor_.iter == 1
    np.testing.assert_allclose(ours.monitor_.history, ref.monitor_.history, rtol=RTOL)
    np.testing.assert_allclose(ours.startprob_, ref.startprob_, rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(ours.transmat_, ref.transmat_, rtol=RTOL, atol=1e-14)
    if kind == "categorical":
        np.testing.assert_allclose(ours.emissionprob_, ref.emissionprob_, rtol=RTOL, atol=1e-14)
    else:
        np.testing.assert_allclose(ours.means_, ref.means_, rtol=RTOL)
        np.testing.assert_allclose(ours.group_covars_, _cov_compact(ref), rtol=RTOL)
        if kind != "spherical":
            np.testing.assert_allclose(ours.covars_, ref.covars_, rtol=RTOL)


@pytest.mark.parametrize("kind", COV_TYPES + ["categorical"])
def test_several_iterations_match_hmmlearn(kind):
    ours, ref, X = (_categorical_pair("numpy", seed=3) if kind == "categorical"
                    else _gaussian_pair(kind, "numpy", seed=3))
    ours.set_params(n_iter=5, tol=-np.inf)
    ref.set_params(n_iter=5, tol=-np.inf)
    ref.monitor_.n_iter, ref.monitor_.tol = 5, -np.inf   # hmmlearn builds it in __init__
    ours.fit(X, LENGTHS)
    ref.fit(X, LENGTHS)
    np.testing.assert_allclose(ours.monitor_.history, ref.monitor_.history, rtol=RTOL)
    np.testing.assert_allclose(ours.transmat_, ref.transmat_, rtol=1e-7, atol=1e-12)


def test_n_parameters_matches_hmmlearn_count():
    for ct in COV_TYPES:
        ours, ref, X = _gaussian_pair(ct, "numpy")
        ref._check()
        expected = sum(ref._get_n_fit_scalars_per_param()[p] for p in ref.params)
        assert ours.n_parameters() == expected
    ours, ref, X = _categorical_pair("numpy")
    ref._check()
    expected = sum(ref._get_n_fit_scalars_per_param()[p] for p in ref.params)
    assert ours.n_parameters() == expected


GAUSS_PRIORS = dict(startprob_prior=2.0, transmat_prior=3.0, means_prior=0.5,
                    means_weight=2.0, covars_prior=0.1, covars_weight=5.0)


@pytest.mark.parametrize("kind", COV_TYPES + ["categorical"])
def test_priors_match_hmmlearn(kind):
    if kind == "categorical":
        ours, ref, X = _categorical_pair("numpy", seed=4)
        priors = dict(startprob_prior=2.0, transmat_prior=3.0, emissionprob_prior=1.5)
    else:
        ours, ref, X = _gaussian_pair(kind, "numpy", seed=4)
        priors = GAUSS_PRIORS
    ours.set_params(**priors)
    ref.set_params(**priors)
    ours.fit(X, LENGTHS)
    ref.fit(X, LENGTHS)
    np.testing.assert_allclose(ours.startprob_, ref.startprob_, rtol=RTOL)
    np.testing.assert_allclose(ours.transmat_, ref.transmat_, rtol=RTOL)
    if kind == "categorical":
        np.testing.assert_allclose(ours.emissionprob_, ref.emissionprob_, rtol=RTOL)
    else:
        np.testing.assert_allclose(ours.means_, ref.means_, rtol=RTOL)
        np.testing.assert_allclose(ours.group_covars_, _cov_compact(ref), rtol=RTOL)


def test_structural_zeros_stay_zero_like_hmmlearn():
    ours, ref, X = _gaussian_pair("diag", "numpy", seed=5)
    trans = np.array([[0.6, 0.4, 0.0], [0.0, 0.7, 0.3], [0.2, 0.0, 0.8]])
    for m in (ours, ref):
        m.startprob_ = [1.0, 0.0, 0.0]
        m.transmat_ = trans
        m.set_params(n_iter=3, tol=-np.inf)
    ref.monitor_.n_iter, ref.monitor_.tol = 3, -np.inf
    ours.fit(X, LENGTHS)
    ref.fit(X, LENGTHS)
    assert np.all(ours.transmat_[trans == 0] == 0) and np.all(ours.startprob_[1:] == 0)
    np.testing.assert_allclose(ours.transmat_, ref.transmat_, rtol=RTOL)
