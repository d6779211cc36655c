"""PoissonHMM, GMMHMM and TiedMixtureHMM: hmmlearn parity, pooled M-steps, bad input."""
import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import tiedpgm as tp

from _hmm_helpers import backends, random_stochastic

hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")

RTOL = 1e-8
LENGTHS = [40, 1, 25, 34]
COV_TYPES = ["spherical", "diag", "full", "tied"]


def _close(a, b, rtol=RTOL):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)


def _gmm_params(rng, K, M, F, ct):
    w = random_stochastic(rng, K, M)
    mu = rng.normal(scale=3.0, size=(K, M, F))
    if ct == "spherical":
        cv = rng.uniform(0.5, 2.0, size=(K, M))
    elif ct == "diag":
        cv = rng.uniform(0.5, 2.0, size=(K, M, F))
    elif ct == "full":
        A = rng.normal(size=(K, M, F, F))
        cv = A @ A.swapaxes(-1, -2) + F * np.eye(F)
    else:
        A = rng.normal(size=(K, F, F))
        cv = A @ A.swapaxes(-1, -2) + F * np.eye(F)
    return w, mu, cv


# -- hmmlearn parity ------------------------------------------------------------------
@backends
def test_poisson_matches_hmmlearn(backend):
    rng = np.random.default_rng(0)
    K, F = 3, 2
    sp, tm = random_stochastic(rng, K), random_stochastic(rng, K, K)
    lam = rng.uniform(1, 8, size=(K, F))
    X = rng.poisson(4, size=(sum(LENGTHS), F))
    ours = tp.PoissonHMM(K, init_params="", n_iter=1, backend=backend)
    ref = hmmlearn_hmm.PoissonHMM(K, init_params="", n_iter=1)
    for m in (ours, ref):
        m.startprob_, m.transmat_, m.lambdas_ = sp, tm, lam
    _close(ours.score(X, LENGTHS), ref.score(X, LENGTHS))
    _close(ours.predict_proba(X, LENGTHS), ref.predict_proba(X, LENGTHS))
    ours.fit(X, LENGTHS)
    ref.fit(X, LENGTHS)
    for a in ("startprob_", "transmat_", "lambdas_"):
        _close(getattr(ours, a), getattr(ref, a))


@backends
@pytest.mark.parametrize("ct", COV_TYPES)
def test_gmm_matches_hmmlearn(ct, backend):
    rng = np.random.default_rng(1)
    K, M, F = 3, 2, 2
    sp, tm = random_stochastic(rng, K), random_stochastic(rng, K, K)
    w, mu, cv = _gmm_params(rng, K, M, F, ct)
    X = rng.normal(scale=3.0, size=(sum(LENGTHS), F))
    # hmmlearn's spherical default prior depends on n_mix; give the same value to both
    cp = -(M + 2) / 2 if ct == "spherical" else None
    kw = dict(n_components=K, n_mix=M, covariance_type=ct, init_params="", n_iter=1)
    ours = tp.GMMHMM(backend=backend, covars_prior=cp, covars_centre="previous", **kw)
    ref = hmmlearn_hmm.GMMHMM(covars_prior=cp, **kw)
    for m in (ours, ref):
        m.startprob_, m.transmat_, m.weights_, m.means_, m.covars_ = sp, tm, w, mu, cv
    _close(ours.score(X, LENGTHS), ref.score(X, LENGTHS))
    ours.fit(X, LENGTHS)
    ref.fit(X, LENGTHS)
    for a in ("startprob_", "transmat_", "weights_", "means_"):
        _close(getattr(ours, a), getattr(ref, a))
    _close(ours.covars_, np.asarray(ref.covars_))


@pytest.mark.parametrize("ct", COV_TYPES)
def test_gmm_default_centre_is_exact_mstep(ct):
    """covars_centre='new' (default) agrees with hmmlearn whenever the means do not move."""
    rng = np.random.default_rng(2)
    K, M, F = 2, 2, 2
    sp, tm = random_stochastic(rng, K), random_stochastic(rng, K, K)
    w, mu, cv = _gmm_params(rng, K, M, F, ct)
    X = rng.normal(scale=3.0, size=(60, F))
    cp = -(M + 2) / 2 if ct == "spherical" else None
    kw = dict(n_components=K, n_mix=M, covariance_type=ct, init_params="", n_iter=1,
              params="stcw")
    ours = tp.GMMHMM(backend="numpy", covars_prior=cp, **kw)
    ref = hmmlearn_hmm.GMMHMM(covars_prior=cp, **kw)
    for m in (ours, ref):
        m.startprob_, m.transmat_, m.weights_, m.means_, m.covars_ = sp, tm, w, mu, cv
    ours.fit(X)
    ref.fit(X)
    _close(ours.covars_, np.asarray(ref.covars_))


# -- tied M-steps equal hand-written pooled MLEs --------------------------------------------
def test_poisson_tied_mstep_is_pooled_mle():
    rng = np.random.default_rng(3)
    groups = np.array([0, 1, 0, 1])
    m = tp.PoissonHMM(4, tie_groups=groups, init_params="", backend="numpy")
    m.startprob_, m.transmat_ = random_stochastic(rng, 4), random_stochastic(rng, 4, 4)
    m.group_lambdas_ = rng.uniform(1, 6, size=(2, 3))
    X = rng.poisson(3, size=(80, 3))
    post = m.predict_proba(X)
    gp = post @ np.eye(2)[groups]
    expected = (gp.T @ X) / gp.sum(axis=0)[:, None]
    m.apply_summaries(m.summarize(X))
    _close(m.group_lambdas_, expected, rtol=1e-12)


def test_gmm_tied_mstep_is_pooled_mle():
    rng = np.random.default_rng(4)
    groups = np.array([0, 0, 1])
    K, M, F = 3, 2, 2
    m = tp.GMMHMM(K, n_mix=M, tie_groups=groups, covariance_type="diag", init_params="",
                  backend="numpy")
    m.startprob_, m.transmat_ = random_stochastic(rng, K), random_stochastic(rng, K, K)
    w, mu, cv = _gmm_params(rng, 2, M, F, "diag")
    m.group_weights_, m.group_means_, m.group_covars_ = w, mu, cv
    X = rng.normal(scale=3, size=(90, F))
    gp = m.predict_proba(X) @ np.eye(2)[groups]                 # (N, G)
    dens = np.stack([np.stack([np.log(w[g, j]) + multivariate_normal(
        mu[g, j], np.diag(cv[g, j])).logpdf(X) for j in range(M)], axis=1) for g in range(2)],
        axis=1)                                                    # (N, G, M)
    gam = np.exp(dens - logsumexp(dens, axis=2, keepdims=True)) * gp[:, :, None]
    n = gam.sum(axis=0)
    w_new = n / n.sum(axis=1, keepdims=True)
    mu_new = np.einsum("ngm,nf->gmf", gam, X) / n[..., None]
    var_new = np.einsum("ngm,ngmf->gmf", gam, (X[:, None, None, :] - mu_new) ** 2) / n[..., None]
    m.apply_summaries(m.summarize(X))
    _close(m.group_weights_, w_new, rtol=1e-10)
    _close(m.group_means_, mu_new, rtol=1e-10)
    _close(m.group_covars_, var_new, rtol=1e-10)


def test_tied_mixture_pools_codebook_keeps_weights():
    rng = np.random.default_rng(5)
    K, M, F = 3, 3, 2
    m = tp.TiedMixtureHMM(K, n_mix=M, init_params="", backend="numpy")
    m.startprob_, m.transmat_ = random_stochastic(rng, K), random_stochastic(rng, K, K)
    _, mu, cv = _gmm_params(rng, 1, M, F, "diag")
    w = random_stochastic(rng, K, M)
    m.weights_ = w
    m.means_ = np.repeat(mu, K, axis=0)
    m.covars_ = np.repeat(cv, K, axis=0)
    X = rng.normal(scale=3, size=(120, F))
    post = m.predict_proba(X)                                         # (N, K)
    logn = np.stack([multivariate_normal(mu[0, j], np.diag(cv[0, j])).logpdf(X)
                     for j in range(M)], axis=1)                      # (N, M)
    dens = np.log(w)[None] + logn[:, None, :]                         # (N, K, M)
    gam = np.exp(dens - logsumexp(dens, axis=2, keepdims=True)) * post[:, :, None]
    n_km = gam.sum(axis=0)
    n_m = n_km.sum(axis=0)
    mu_new = (gam.sum(axis=1).T @ X) / n_m[:, None]
    m.apply_summaries(m.summarize(X))
    _close(m.weights_, n_km / n_km.sum(axis=1, keepdims=True), rtol=1e-10)
    _close(m.codebook_means_[0], mu_new, rtol=1e-10)
    assert np.all(m.means_ == m.means_[:1])
    m.set_params(init_params="stmcw", n_iter=5, random_state=0)
    m.fit(X)                         # warnings are errors: a decrease would fail here
    assert np.all(m.means_ == m.means_[:1]) and not np.allclose(m.weights_[0], m.weights_[1])
    assert m.n_parameters() == (K - 1) + K * (K - 1) + K * (M - 1) + M * F + M * F


# -- singleton groups == untied ---------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda **k: tp.PoissonHMM(3, **k),
    lambda **k: tp.GMMHMM(3, n_mix=2, covariance_type="full", **k),
])
def test_singleton_groups_equal_untied(make):
    rng = np.random.default_rng(6)
    if isinstance(make(), tp.PoissonHMM):
        X = rng.poisson(3, size=(150, 2))
    else:
        X = rng.normal(size=(150, 2)) + np.repeat(np.arange(3), 50)[:, None]
    a = make(n_iter=4, random_state=0, backend="numpy").fit(X)
    b = make(n_iter=4, random_state=0, backend="numpy", tie_groups=[0, 1, 2]).fit(X)
    np.testing.assert_allclose(a.monitor_.history, b.monitor_.history, rtol=1e-12)
    np.testing.assert_allclose(a.transmat_, b.transmat_, rtol=1e-12)


def test_families_sample_and_fit_recover():
    true = tp.PoissonHMM(2, init_params="")
    true.startprob_, true.transmat_ = [0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]]
    true.lambdas_ = [[1.0, 10.0], [8.0, 2.0]]
    X, _ = true.sample(3000, random_state=1)
    m = tp.PoissonHMM(2, n_iter=50, random_state=0).fit(X)
    order = np.argsort(m.lambdas_[:, 0])
    np.testing.assert_allclose(m.lambdas_[order], true.lambdas_, rtol=0.1)


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize("X, match", [
    (np.array([[1], [-2], [3]]), r"-2.0 at row 1, column 0; Poisson observations must be"),
    (np.array([[1.5], [2], [3]]), r"1.5 at row 0"),
    (np.array([[1], [np.nan], [3]]), r"nan at row 1, column 0; pass allow_missing=True"),
])
def test_poisson_bad_input(X, match):
    with pytest.raises(ValueError, match=match):
        tp.PoissonHMM(2, backend="numpy").fit(X)


def test_gmm_bad_input():
    with pytest.raises(ValueError, match="ties the mixture means but not the covariances"):
        tp.GMMHMM(2, tie_groups=[0, 0], tie_params="m").fit(np.zeros((5, 1)))
    m = tp.GMMHMM(2, n_mix=3)
    with pytest.raises(ValueError, match=r"group weights have shape \(2, 2\); expected \(2, 3\)"):
        m.weights_ = np.full((2, 2), 0.5)
    with pytest.raises(ValueError, match="unknown letter"):
        tp.GMMHMM(2, tie_params="mz").fit(np.zeros((5, 1)))
    X = np.ones((6, 2))
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"nan at row 3, column 1.*allow_missing=True"):
        tp.GMMHMM(2, covariance_type="full").fit(X)
    with pytest.raises(ValueError, match="covars_centre='old' is not known"):
        tp.GMMHMM(2, covars_centre="old").fit(np.zeros((5, 1)))


@pytest.mark.parametrize("ct", ["diag", "spherical"])
def test_gmm_fused_diag_densities_equal_component_path(ct):
    """The fused numba path (diagonal/spherical, no missing values) gives the same
    group log-likelihoods and component responsibilities as component log densities
    followed by logsumexp, including a component of weight zero and a group whose
    every component has weight zero (log-likelihood -inf, no statistics)."""
    rng = np.random.default_rng(3)
    m = tp.GMMHMM(3, n_mix=3, covariance_type=ct, init_params="stmcw", random_state=0)
    X = rng.normal(size=(400, 4)) * 3
    m.fit(X[:200])
    fam = m._family()
    w = fam.weights.copy()
    w[0, 1] = 0.0
    w[0] /= w[0].sum()
    fam.weights = w
    ll, resp = fam._mix_posteriors(X)
    ld = fam._component_logdens(X)
    with np.errstate(divide="ignore", under="ignore"):
        ref = logsumexp(ld, axis=2)
        ref_resp = np.exp(ld - ref[:, :, None])
    np.testing.assert_allclose(ll, ref, rtol=1e-12)
    np.testing.assert_allclose(resp, ref_resp, rtol=1e-10, atol=1e-300)
    assert np.all(resp[:, 0, 1] == 0.0)
    fam.weights = np.where(np.arange(3)[:, None] == 2, 0.0, w)
    ll, resp = fam._mix_posteriors(X)
    assert np.all(ll[:, 2] == -np.inf) and np.all(np.isnan(resp[:, 2]))
    stats = fam.empty_stats()
    fam.accumulate(stats, X, np.full((len(X), 3), 1 / 3))
    assert np.all(np.isfinite(stats["sum_x"])) and np.all(stats["sum_w"][2] == 0.0)
