"""Soft tying: MAP EM with states pulled towards a group centre (sharing='soft')."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tiedpgm as tp

GROUPS = [0, 0, 1, 1]


def _gauss_data(seed=0, n=150, spread=1.0):
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(m, 1.0, (n, 2)) for m in
                        (-3, -3 + spread, 3, 3 + spread)])
    return rng.permutation(X.reshape(4, n, 2), axis=1).reshape(-1, 2), [2 * n, 2 * n]


def _gauss(ct, **kw):
    kw.setdefault("tie_groups", GROUPS)
    m = tp.GaussianHMM(4, covariance_type=ct, init_params="",
                       covars_prior=0.0, min_covar=1e-10, backend="numpy", tol=-np.inf, **kw)
    m.startprob_ = np.full(4, 0.25)
    m.transmat_ = np.full((4, 4), 0.1) + 0.6 * np.eye(4)
    return m


def _set_gauss(m, ct, tied):
    means = np.array([[-3, -3], [-2, -2], [3, 3], [4, 4]], float)
    v = np.array([1.0, 1.3, 0.8, 1.1])
    if tied:
        means, v = means[[0, 0, 2, 2]], v[[0, 0, 2, 2]]
    m.means_ = means
    if ct == "diag":
        m.covars_ = np.repeat(v[:, None], 2, axis=1)
    elif ct == "spherical":
        m.covars_ = v
    else:
        m.covars_ = v[:, None, None] * np.array([[1.0, 0.2], [0.2, 1.0]])
    return m


@pytest.mark.parametrize("ct", ["spherical", "diag", "full"])
def test_kappa_zero_is_untied(ct):
    X, L = _gauss_data()
    a = _set_gauss(_gauss(ct, n_iter=6, sharing="soft", sharing_strength=0.0), ct, False).fit(X, L)
    b = _set_gauss(_gauss(ct, n_iter=6, tie_groups=None), ct, False).fit(X, L)
    np.testing.assert_allclose(a.means_, b.means_, rtol=1e-10)
    np.testing.assert_allclose(a.covars_, b.covars_, rtol=1e-10)
    np.testing.assert_allclose(a.monitor_.history, b.monitor_.history, rtol=1e-12)


@pytest.mark.parametrize("ct", ["spherical", "diag", "full"])
def test_kappa_huge_is_hard_tied(ct):
    X, L = _gauss_data()
    a = _set_gauss(_gauss(ct, n_iter=8, sharing="soft", sharing_strength=1e12), ct, True).fit(X, L)
    b = _set_gauss(_gauss(ct, n_iter=8), ct, True).fit(X, L)
    np.testing.assert_allclose(a.means_, b.means_, rtol=1e-6)
    np.testing.assert_allclose(a.covars_, b.covars_, rtol=1e-6)
    np.testing.assert_allclose(a.transmat_, b.transmat_, rtol=1e-6)
    # one M-step from *untied* parameters already collapses every group
    c = _set_gauss(_gauss(ct, n_iter=1, sharing="soft", sharing_strength=1e12), ct, False).fit(X, L)
    np.testing.assert_allclose(c.means_[0], c.means_[1], rtol=1e-9)
    np.testing.assert_allclose(c.covars_[2], c.covars_[3], rtol=1e-9)


def test_categorical_and_poisson_limits():
    rng = np.random.default_rng(0)
    Xc = rng.integers(0, 3, (300, 1))
    Xp = rng.poisson(3, (300, 2))
    for cls, X, attr in ((tp.CategoricalHMM, Xc, "emissionprob_"),
                         (tp.PoissonHMM, Xp, "lambdas_")):
        kw = dict(n_iter=8, random_state=0, backend="numpy", tol=-np.inf)
        unt = cls(4, **kw).fit(X)
        s0 = cls(4, tie_groups=GROUPS, sharing="soft", sharing_strength=0.0, **kw).fit(X)
        np.testing.assert_allclose(getattr(s0, attr), getattr(unt, attr), rtol=1e-10)
        # hard tying from a tie-consistent start
        hard = cls(4, tie_groups=GROUPS, n_iter=1, random_state=0, backend="numpy").fit(X)
        start = {a: getattr(hard, a) for a in ("startprob_", "transmat_", attr)}
        fits = []
        for extra in ({}, {"sharing": "soft", "sharing_strength": 1e12}):
            m = cls(4, tie_groups=GROUPS, init_params="", **kw, **extra)
            for a, v in start.items():
                setattr(m, a, v)
            fits.append(m.fit(X))
        np.testing.assert_allclose(getattr(fits[1], attr), getattr(fits[0], attr), rtol=1e-6)


def test_intermediate_kappa_between_untied_and_hard():
    """Truth nearly tied (states of a group 0.3 apart): soft tying sits between the two
    extremes in its parameters and is never worse than the worse of them held out."""
    X, L = _gauss_data(1, n=25, spread=0.3)
    Xt, Lt = _gauss_data(2, n=400, spread=0.3)
    fits = {}
    for name, kw in (("untied", {"tie_groups": None}), ("hard", {}),
                     ("soft", {"sharing": "soft", "sharing_strength": 20.0})):
        m = _gauss("diag", n_iter=30, **kw)
        fits[name] = _set_gauss(m, "diag", name == "hard").fit(X, L)
    gap = {k: np.abs(m.means_[0] - m.means_[1]).sum() for k, m in fits.items()}
    assert gap["hard"] < gap["soft"] < gap["untied"]
    held = {k: m.score(Xt, Lt) for k, m in fits.items()}
    assert held["soft"] >= min(held["untied"], held["hard"])


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 1000), kappa=st.floats(0.01, 100.0),
       ct=st.sampled_from(["spherical", "diag", "full"]))
def test_em_monotone_in_map_objective(seed, kappa, ct):
    X, L = _gauss_data(seed, n=40)
    m = _set_gauss(_gauss(ct, n_iter=10, sharing="soft", sharing_strength=kappa), ct, False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # the monitor warns on any decrease
        m.fit(X, L)
    h = np.array(m.monitor_.history)
    assert np.all(np.diff(h) >= -1e-9 * np.abs(h[:-1]))
    assert m.monitor_.history[-1] <= m.score(X, L) + 1e-9    # the penalty is <= 0


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 1000), kappa=st.floats(0.01, 100.0))
def test_em_monotone_discrete_families(seed, kappa):
    rng = np.random.default_rng(seed)
    for cls, X in ((tp.CategoricalHMM, rng.integers(0, 4, (120, 1))),
                   (tp.PoissonHMM, rng.poisson(4, (120, 2)))):
        m = cls(4, tie_groups=GROUPS, sharing="soft", sharing_strength=kappa, n_iter=10,
                random_state=seed, backend="numpy")
        m.fit(X)                                 # warnings are errors in the test config
        assert np.all(np.diff(m.monitor_.history) >= -1e-9 * np.abs(m.monitor_.history[0]))


def test_bad_soft_arguments():
    X = np.arange(10.0)[:, None]
    with pytest.raises(ValueError, match="sharing='medium' is not known"):
        tp.GaussianHMM(2, tie_groups=[0, 0], sharing="medium").fit(X)
    with pytest.raises(ValueError, match="sharing_strength must be a finite number >= 0"):
        tp.GaussianHMM(2, tie_groups=[0, 0], sharing="soft", sharing_strength=-1).fit(X)


@pytest.mark.parametrize("ct", ["spherical", "diag", "full", "tied"])
def test_gmm_soft_limits_and_monotone(ct):
    X, L = _gauss_data(3, n=60)
    kw = dict(n_components=4, n_mix=2, covariance_type=ct, n_iter=6, tol=-np.inf,
              backend="numpy", min_covar=1e-10)
    start = tp.GMMHMM(tie_groups=GROUPS, n_iter=1, random_state=0,
                      **{k: v for k, v in kw.items() if k != "n_iter"}).fit(X, L)
    params = {a: getattr(start, a) for a in ("startprob_", "transmat_", "weights_", "means_",
                                             "covars_")}

    def run(**extra):
        m = tp.GMMHMM(init_params="", **kw, **extra)
        for a, v in params.items():
            setattr(m, a, v)
        return m.fit(X, L)

    hard = run(tie_groups=GROUPS)
    soft_inf = run(tie_groups=GROUPS, sharing="soft", sharing_strength=1e12)
    for a in ("weights_", "means_", "covars_"):
        np.testing.assert_allclose(getattr(soft_inf, a), getattr(hard, a), rtol=1e-6,
                                   atol=1e-9)
    unt = run()
    soft0 = run(tie_groups=GROUPS, sharing="soft", sharing_strength=0.0)
    for a in ("weights_", "means_", "covars_"):
        np.testing.assert_allclose(getattr(soft0, a), getattr(unt, a), rtol=1e-10)
    mid = run(tie_groups=GROUPS, sharing="soft", sharing_strength=5.0)   # monotone: no warning
    assert np.all(np.diff(mid.monitor_.history) >= -1e-9 * abs(mid.monitor_.history[0]))
