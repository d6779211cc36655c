"""Missing observations are marginalised (allow_missing=True)."""
import itertools

import numpy as np
import pytest
from scipy.stats import multivariate_normal, poisson

import tiedpgm as tp

from _hmm_helpers import available_backends, random_gaussian_params, random_stochastic


def _brute_force(startprob, transmat, frame_lik):
    """sum over all state paths of P(path) prod_t p(x_t | state) -- frame_lik (T, K)."""
    T, K = frame_lik.shape
    total = 0.0
    for path in itertools.product(range(K), repeat=T):
        p = startprob[path[0]] * frame_lik[0, path[0]]
        for t in range(1, T):
            p *= transmat[path[t - 1], path[t]] * frame_lik[t, path[t]]
        total += p
    return np.log(total)


def _gauss_marginal(x, mean, cov):
    o = ~np.isnan(x)
    if not o.any():
        return 1.0             # a fully missing frame contributes likelihood 1
    return multivariate_normal(mean[o], cov[np.ix_(o, o)]).pdf(x[o])


X_MISSING = np.array([[0.3, np.nan, 1.0], [np.nan, np.nan, np.nan], [1.2, -0.4, np.nan],
                      [0.1, 0.2, 0.3]])


@pytest.mark.parametrize("backend", available_backends())
@pytest.mark.parametrize("ct", ["spherical", "diag", "full", "tied"])
def test_gaussian_marginal_equals_brute_force(ct, backend):
    rng = np.random.default_rng(0)
    K, F = 2, 3
    means, covars = random_gaussian_params(rng, K, F, ct)
    m = tp.GaussianHMM(K, covariance_type=ct, allow_missing=True, backend=backend)
    m.startprob_, m.transmat_ = random_stochastic(rng, K), random_stochastic(rng, K, K)
    m.means_, m.covars_ = means, covars
    full = m.covars_
    lik = np.array([[_gauss_marginal(x, m.means_[k], full[k]) for k in range(K)]
                    for x in X_MISSING])
    assert m.score(X_MISSING) == pytest.approx(
        _brute_force(m.startprob_, m.transmat_, lik), rel=1e-10)


@pytest.mark.parametrize("ct", ["spherical", "diag", "full", "tied"])
def test_gmm_marginal_equals_brute_force(ct):
    rng = np.random.default_rng(5)
    K, M, F = 2, 2, 3
    g = tp.GMMHMM(K, n_mix=M, covariance_type=ct, allow_missing=True, backend="numpy")
    g.startprob_, g.transmat_ = random_stochastic(rng, K), random_stochastic(rng, K, K)
    g.weights_ = random_stochastic(rng, K, M)
    g.means_ = rng.normal(size=(K, M, F))
    A = rng.normal(size=(K, M, F, F))
    full = A @ A.swapaxes(-1, -2) + F * np.eye(F)
    if ct == "tied":
        full = np.repeat(full[:, :1], M, axis=1)
        g.covars_ = full[:, 0]
    elif ct == "full":
        g.covars_ = full
    else:
        var = rng.uniform(0.5, 2, size=(K, M, F))
        if ct == "spherical":
            var = np.repeat(var[..., :1], F, axis=-1)
        full = var[..., None] * np.eye(F)
        g.covars_ = var if ct == "diag" else var[..., 0]
    lik = np.array([[sum(g.weights_[k, j] * _gauss_marginal(x, g.means_[k, j], full[k, j])
                         for j in range(M)) for k in range(K)] for x in X_MISSING])
    assert g.score(X_MISSING) == pytest.approx(
        _brute_force(g.startprob_, g.transmat_, lik), rel=1e-10)


def test_gmm_full_recovery_with_missing():
    true, X = _simulate("full", seed=4, n=2000)
    m = tp.GMMHMM(3, n_mix=1, covariance_type="full", allow_missing=True, n_iter=60,
                  tol=1e-6, random_state=0).fit(X)
    order = np.argsort(m.means_[:, 0, 0])
    np.testing.assert_allclose(m.means_[order, 0], true.means_, atol=0.15)
    np.testing.assert_allclose(m.covars_[order, 0], true.covars_, atol=0.25)


def test_gmm_and_poisson_and_categorical_marginals():
    rng = np.random.default_rng(1)
    K = 2
    sp, tm = random_stochastic(rng, K), random_stochastic(rng, K, K)
    g = tp.GMMHMM(K, n_mix=2, covariance_type="diag", allow_missing=True, backend="numpy")
    g.startprob_, g.transmat_ = sp, tm
    g.weights_ = random_stochastic(rng, K, 2)
    g.means_ = rng.normal(size=(K, 2, 3))
    g.covars_ = rng.uniform(0.5, 2, size=(K, 2, 3))
    lik = np.array([[sum(g.weights_[k, j] * _gauss_marginal(x, g.means_[k, j],
                                                            np.diag(g.covars_[k, j]))
                         for j in range(2)) for k in range(K)] for x in X_MISSING])
    assert g.score(X_MISSING) == pytest.approx(_brute_force(sp, tm, lik), rel=1e-10)

    p = tp.PoissonHMM(K, allow_missing=True, backend="numpy")
    p.startprob_, p.transmat_ = sp, tm
    p.lambdas_ = rng.uniform(1, 5, size=(K, 2))
    Xp = np.array([[1, np.nan], [np.nan, np.nan], [3, 0], [np.nan, 2]])
    lik = np.array([[np.prod([poisson(p.lambdas_[k, f]).pmf(x[f]) for f in range(2)
                              if not np.isnan(x[f])]) for k in range(K)] for x in Xp])
    assert p.score(Xp) == pytest.approx(_brute_force(sp, tm, lik), rel=1e-10)

    c = tp.CategoricalHMM(K, n_features=3, allow_missing=True, backend="numpy")
    c.startprob_, c.transmat_ = sp, tm
    c.emissionprob_ = random_stochastic(rng, K, 3)
    Xc = np.array([[0], [-1], [2], [-1]])
    lik = np.array([[1.0 if x[0] < 0 else c.emissionprob_[k, x[0]] for k in range(K)]
                    for x in Xc])
    assert c.score(Xc) == pytest.approx(_brute_force(sp, tm, lik), rel=1e-10)
    assert c.predict_proba(Xc).shape == (4, K)


def _simulate(ct, seed=0, n=3000):
    rng = np.random.default_rng(seed)
    true = tp.GaussianHMM(3, covariance_type=ct, init_params="")
    true.startprob_ = [1 / 3] * 3
    true.transmat_ = [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]]
    true.means_ = [[-4.0, 0.0], [0.0, 4.0], [4.0, -2.0]]
    true.covars_ = ([[1.0, 0.5], [0.8, 1.2], [1.5, 0.7]] if ct == "diag" else
                    [[[1.0, 0.3], [0.3, 0.8]], [[0.8, -0.2], [-0.2, 1.0]],
                     [[1.5, 0.4], [0.4, 0.7]]])
    X, _ = true.sample(n, random_state=seed)
    X[rng.random(X.shape) < 0.2] = np.nan
    return true, X


@pytest.mark.parametrize("ct", ["diag", "full"])
def test_recovery_with_20_percent_missing(ct):
    true, X = _simulate(ct)
    m = tp.GaussianHMM(3, covariance_type=ct, allow_missing=True, n_iter=100, tol=1e-6,
                       random_state=0).fit(X)
    order = np.argsort(m.means_[:, 0])
    np.testing.assert_allclose(m.means_[order], true.means_, atol=0.15)
    np.testing.assert_allclose(m.covars_[order], true.covars_, atol=0.2)
    np.testing.assert_allclose(m.transmat_[np.ix_(order, order)], true.transmat_, atol=0.03)


def test_poisson_recovery_with_missing():
    rng = np.random.default_rng(3)
    true = tp.PoissonHMM(2, init_params="")
    true.startprob_, true.transmat_ = [0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]]
    true.lambdas_ = [[1.0, 10.0], [8.0, 2.0]]
    X, _ = true.sample(3000, random_state=1)
    X = X.astype(float)
    X[rng.random(X.shape) < 0.2] = np.nan
    m = tp.PoissonHMM(2, allow_missing=True, n_iter=50, random_state=0).fit(X)
    order = np.argsort(m.lambdas_[:, 0])
    np.testing.assert_allclose(m.lambdas_[order], true.lambdas_, rtol=0.08)


def test_missing_refused_where_not_allowed():
    X = np.ones((6, 2))
    X[4, 1] = np.nan
    with pytest.raises(ValueError, match=r"nan at row 4, column 1.*allow_missing=True"):
        tp.GaussianHMM(2).fit(X)
    X[4, 1] = np.inf
    with pytest.raises(ValueError, match=r"inf at row 4, column 1"):
        tp.GaussianHMM(2, allow_missing=True).fit(X)
    with pytest.raises(ValueError, match=r"negative symbol -1 at row 1.*allow_missing=True"):
        tp.CategoricalHMM(2).fit(np.array([[0], [-1], [1]]))
    with pytest.raises(ValueError, match="negative symbol -2"):
        tp.CategoricalHMM(2, allow_missing=True).fit(np.array([[0], [-2], [1]]))
