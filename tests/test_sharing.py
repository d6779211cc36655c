"""Tests for tiedpgm.sharing: closed forms, graph MAP, empirical Bayes, AR(1), curriculum."""
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import tiedpgm as tp

sh = tp.sharing


def dense_graph_map(x, prec, edges, s2, weights=None):
    """Oracle: dense normal equations (Lambda + L/s2) theta = Lambda x."""
    n = len(x)
    L = np.zeros((n, n))
    w = np.ones(len(edges)) if weights is None else weights
    for (i, j), wij in zip(edges, w):
        if i == j:
            continue
        L[i, i] += wij
        L[j, j] += wij
        L[i, j] -= wij
        L[j, i] -= wij
    A = np.diag(prec) + L / s2
    return np.linalg.solve(A, prec[:, None] * x.reshape(n, -1)).reshape(x.shape)


def random_graph(rng, n, p):
    edges = [(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < p]
    return np.array(edges, dtype=np.int64).reshape(-1, 2)


# --------------------------------------------------------------------------- pairwise / limits

def test_pairwise_equals_graph_map_on_two_nodes():
    x = np.array([1.3, -0.4])
    prec = np.array([2.0, 0.7])
    for s2 in (1e-3, 0.5, 3.0, 100.0):
        ti, tj = sh.pairwise_map(x[0], x[1], prec[0], prec[1], s2)
        theta = sh.graph_map(x, prec, [(0, 1)], s2)
        np.testing.assert_allclose(theta, [ti, tj], rtol=1e-12)
        # the closed form written out as in the issue
        ref = (prec[0] * (prec[1] * s2 + 1) * x[0] + prec[1] * x[1]) / (
            prec[0] * prec[1] * s2 + prec[0] + prec[1])
        np.testing.assert_allclose(ti, ref, rtol=1e-14)


def test_pairwise_limits():
    x_i, x_j, l_i, l_j = 2.0, -1.0, 3.0, 0.5
    pooled = (l_i * x_i + l_j * x_j) / (l_i + l_j)
    for f in (lambda s2: sh.pairwise_map(x_i, x_j, l_i, l_j, s2),
              lambda s2: tuple(sh.graph_map(np.array([x_i, x_j]), [l_i, l_j], [(0, 1)], s2))):
        # sigma = 1e-9 and 1e9, i.e. prior_var = sigma^2
        np.testing.assert_allclose(f(1e-18), [pooled, pooled], rtol=1e-12)
        np.testing.assert_allclose(f(1e18), [x_i, x_j], rtol=1e-12)
        np.testing.assert_allclose(f(1e-9), [pooled, pooled], rtol=1e-7)
        np.testing.assert_allclose(f(1e9), [x_i, x_j], rtol=1e-7)
        np.testing.assert_allclose(f(0.0), [pooled, pooled], rtol=1e-14)
        np.testing.assert_allclose(f(np.inf), [x_i, x_j], rtol=0)


# --------------------------------------------------------------------------- graph_map

@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("solver", ["direct", "cg"])
def test_graph_map_equals_dense_solve(seed, solver):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 30))
    edges = random_graph(rng, n, 0.2)
    prec = rng.uniform(0.1, 5.0, n)
    w = rng.uniform(0.2, 3.0, len(edges))
    s2 = float(rng.uniform(0.05, 5.0))
    x = rng.normal(size=n)
    got = sh.graph_map(x, prec, edges, s2, weights=w, solver=solver)
    np.testing.assert_allclose(got, dense_graph_map(x, prec, edges, s2, w), rtol=1e-8, atol=1e-10)
    X = rng.normal(size=(n, 3))
    got = sh.graph_map(X, prec, edges, s2, weights=w, solver=solver)
    np.testing.assert_allclose(got, dense_graph_map(X, prec, edges, s2, w), rtol=1e-8, atol=1e-10)


def test_graph_map_per_dimension_precision():
    rng = np.random.default_rng(1)
    n = 12
    edges = random_graph(rng, n, 0.3)
    X = rng.normal(size=(n, 2))
    P = rng.uniform(0.5, 2.0, size=(n, 2))
    got = sh.graph_map(X, P, edges, 0.7)
    for d in range(2):
        np.testing.assert_allclose(got[:, d], dense_graph_map(X[:, d], P[:, d], edges, 0.7),
                                   rtol=1e-10)


def test_hard_sharing_is_component_weighted_means():
    rng = np.random.default_rng(3)
    n = 25
    edges = random_graph(rng, n, 0.06)
    x = rng.normal(size=(n, 2))
    prec = rng.uniform(0.1, 4.0, n)
    comp = sh.connected_groups(edges[:, 0], edges[:, 1], n)
    expected = np.empty_like(x)
    for c in np.unique(comp):
        m = comp == c
        expected[m] = (prec[m, None] * x[m]).sum(0) / prec[m].sum()
    np.testing.assert_allclose(sh.graph_map(x, prec, edges, 0.0), expected, rtol=1e-12)
    np.testing.assert_allclose(sh.graph_map(x, prec, edges, 1e-18), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sh.hard_share(x, prec, comp), expected, rtol=1e-12)


def test_no_edges_returns_x():
    x = np.array([1.0, 2.0, -3.0])
    for s2 in (0.0, 1.0, np.inf):
        np.testing.assert_array_equal(sh.graph_map(x, 1.0, np.zeros((0, 2), int), s2), x)
        np.testing.assert_array_equal(sh.graph_map(x, [1.0, 2.0, 3.0], [], s2), x)


def test_labels_are_kept():
    x = pd.Series([1.0, 3.0, 10.0], index=["a", "b", "c"], name="y")
    out = sh.graph_map(x, pd.Series([1.0, 1.0, 1.0], index=x.index), [("a", "b")], 0.0)
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["a", "b", "c"]
    np.testing.assert_allclose(out.to_numpy(), [2.0, 2.0, 10.0])
    df = pd.DataFrame({"u": [1.0, 3.0], "v": [0.0, 2.0]}, index=["p", "q"])
    out = sh.graph_map(df, 1.0, [("p", "q")], 0.0)
    assert list(out.columns) == ["u", "v"] and list(out.index) == ["p", "q"]
    out = sh.hard_share(x, 1.0, ["g1", "g1", "g2"])
    np.testing.assert_allclose(out.to_numpy(), [2.0, 2.0, 10.0])


def test_cg_large_chain_matches_direct():
    rng = np.random.default_rng(7)
    n = 3000
    i = np.arange(n - 1)
    edges = np.c_[i, i + 1]
    x = rng.normal(size=n)
    prec = rng.uniform(0.5, 2.0, n)
    a = sh.graph_map(x, prec, edges, 0.3, solver="cg")
    b = sh.graph_map(x, prec, edges, 0.3, solver="direct")
    np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


# --------------------------------------------------------------------------- hypothesis

finite = st.floats(-10, 10, allow_nan=False)
positive = st.floats(0.05, 20, allow_nan=False)


@settings(max_examples=30, deadline=None)
@given(x_i=finite, x_j=finite, l_i=positive, l_j=positive, s2=st.floats(1e-3, 1e3))
def test_pairwise_between_own_and_pooled(x_i, x_j, l_i, l_j, s2):
    ti, tj = sh.pairwise_map(x_i, x_j, l_i, l_j, s2)
    pooled = (l_i * x_i + l_j * x_j) / (l_i + l_j)
    lo, hi = sorted((x_i, pooled))
    assert lo - 1e-9 <= ti <= hi + 1e-9
    # total precision-weighted mass is conserved by the Laplacian
    np.testing.assert_allclose(l_i * ti + l_j * tj, l_i * x_i + l_j * x_j, rtol=1e-9, atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 12))
def test_soft_tends_to_hard_and_permutation(seed, n):
    rng = np.random.default_rng(seed)
    edges = random_graph(rng, n, 0.4)
    x = rng.normal(size=n)
    prec = rng.uniform(0.2, 3.0, n)
    hard = sh.graph_map(x, prec, edges, 0.0)
    np.testing.assert_allclose(sh.graph_map(x, prec, edges, 1e-18), hard, rtol=1e-10, atol=1e-12)
    perm = rng.permutation(n)
    inv = np.argsort(perm)
    soft = sh.graph_map(x, prec, edges, 0.8)
    soft_p = sh.graph_map(x[perm], prec[perm], inv[edges] if len(edges) else edges, 0.8)
    np.testing.assert_allclose(soft_p, soft[perm], rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------- empirical Bayes

@pytest.fixture(scope="module")
def random_intercept_data():
    rng = np.random.default_rng(2024)
    G = 40
    n = rng.integers(1, 8, G)
    g = np.repeat([f"g{k:02d}" for k in range(G)], n)
    codes = np.repeat(np.arange(G), n)
    y = 3.0 + rng.normal(0, 1.0, G)[codes] + rng.normal(0, 1.5, len(codes))
    return pd.DataFrame({"y": y, "g": g})


@pytest.mark.parametrize("reml", [True, False])
def test_empirical_bayes_matches_mixedlm(random_intercept_data, reml):
    import statsmodels.formula.api as smf
    df = random_intercept_data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # statsmodels' own convergence chatter
        m = smf.mixedlm("y ~ 1", df, groups=df["g"]).fit(reml=reml)
    fit = sh.random_intercept_eb(df["y"], df["g"], reml=reml)
    # our optimum is at least as good as statsmodels'; parameters agree to its tolerance
    assert fit.log_likelihood >= m.llf - 1e-8
    np.testing.assert_allclose(fit.log_likelihood, m.llf, rtol=1e-9)
    np.testing.assert_allclose(fit.prior_var, m.cov_re.iloc[0, 0], rtol=1e-3)
    np.testing.assert_allclose(fit.noise_var, m.scale, rtol=1e-3)
    np.testing.assert_allclose(fit.mean, m.fe_params.iloc[0], rtol=1e-4)
    blup = pd.Series({k: v.iloc[0] for k, v in m.random_effects.items()})
    blup = blup.loc[fit.random_effects.index]
    np.testing.assert_allclose(fit.random_effects.to_numpy(), blup.to_numpy(), atol=1e-4)
    pred = m.fittedvalues.groupby(df["g"]).first().loc[fit.estimates.index]
    np.testing.assert_allclose(fit.estimates.to_numpy(), pred.to_numpy(), atol=1e-4)
    assert list(fit.estimates.index) == sorted(df["g"].unique())


def test_eb_estimates_are_graph_map_on_star(random_intercept_data):
    """BLUPs = graph MAP with the grand mean as a (highly uncertain) hub node."""
    df = random_intercept_data
    fit = sh.random_intercept_eb(df["y"], df["g"])
    G = len(fit.group_means)
    x = np.r_[fit.group_means.to_numpy(), fit.mean]
    prec = np.r_[fit.group_sizes.to_numpy() / fit.noise_var, 1e12]   # hub pinned at mu
    edges = np.c_[np.arange(G), np.full(G, G)]
    theta = sh.graph_map(x, prec, edges, fit.prior_var)
    np.testing.assert_allclose(theta[:G], fit.estimates.to_numpy(), rtol=1e-8)


def test_shared_ridge_auto_is_reml_random_intercept(random_intercept_data):
    df = random_intercept_data
    fit = sh.random_intercept_eb(df["y"], df["g"], reml=True)
    model = sh.SharedRidge(prior_var="auto").fit(np.zeros((len(df), 0)), df["y"], df["g"])
    np.testing.assert_allclose(model.prior_var_, fit.prior_var, rtol=1e-4)
    np.testing.assert_allclose(model.noise_var_, fit.noise_var, rtol=1e-4)
    np.testing.assert_allclose(model.intercept_.to_numpy(), fit.estimates.to_numpy(), atol=1e-4)


def test_shared_ridge_limits_and_labels():
    rng = np.random.default_rng(5)
    T, n_t, p = 4, 15, 2
    tasks = np.repeat(["t0", "t1", "t2", "t3"], n_t)
    X = rng.normal(size=(T * n_t, p))
    W = rng.normal(size=(T, p))
    codes = np.repeat(np.arange(T), n_t)
    y = np.einsum("ij,ij->i", X, W[codes]) + 0.3 * rng.normal(size=T * n_t)
    Xd = pd.DataFrame(X, columns=["a", "b"])
    graph = [("t0", "t1"), ("t1", "t2")]          # t3 is its own component
    pooled = sh.SharedRidge(graph, prior_var=0.0, fit_intercept=False).fit(Xd, y, tasks)
    indep = sh.SharedRidge(graph, prior_var=np.inf, fit_intercept=False).fit(Xd, y, tasks)
    m = codes < 3
    w_pool = np.linalg.lstsq(X[m], y[m], rcond=None)[0]
    np.testing.assert_allclose(pooled.coef_.loc["t1"].to_numpy(), w_pool, rtol=1e-10)
    for t in range(T):
        mt = codes == t
        w_t = np.linalg.lstsq(X[mt], y[mt], rcond=None)[0]
        np.testing.assert_allclose(indep.coef_.iloc[t].to_numpy(), w_t, rtol=1e-10)
    np.testing.assert_allclose(pooled.coef_.loc["t3"].to_numpy(), indep.coef_.loc["t3"], rtol=1e-10)
    near0 = sh.SharedRidge(graph, prior_var=1e-10, noise_var=1.0, fit_intercept=False).fit(Xd, y, tasks)
    np.testing.assert_allclose(near0.coef_.to_numpy(), pooled.coef_.to_numpy(), rtol=1e-6, atol=1e-7)
    nearinf = sh.SharedRidge(graph, prior_var=1e10, noise_var=1.0, fit_intercept=False).fit(Xd, y, tasks)
    np.testing.assert_allclose(nearinf.coef_.to_numpy(), indep.coef_.to_numpy(), rtol=1e-6, atol=1e-7)
    assert list(pooled.coef_.columns) == ["a", "b"]
    assert list(pooled.coef_.index) == ["t0", "t1", "t2", "t3"]
    auto = sh.SharedRidge(graph).fit(Xd, y, tasks)
    assert auto.prior_var_ > 0 and auto.noise_var_ > 0
    assert auto.predict(Xd, tasks).shape == (T * n_t,)
    assert auto.get_params()["graph"] is graph


# --------------------------------------------------------------------------- AR(1)

def simulate_ar(theta, N, rng, noise=1.0):
    T = len(theta)
    X = np.empty((N, T + 1))
    X[:, 0] = rng.normal(0, 2.0, N)
    for t in range(T):
        X[:, t + 1] = theta[t] * X[:, t] + noise * rng.normal(size=N)
    return X


def test_ar1_tied_wins_for_constant_theta():
    rng = np.random.default_rng(11)
    theta = np.full(20, 0.6)
    mse = {"hard": 0.0, "none": 0.0, "soft": 0.0}
    votes = 0
    for _ in range(5):
        X = simulate_ar(theta, 30, rng)
        for tying in mse:
            m = tp.sharing.TiedAR1(tying=tying).fit(X)
            mse[tying] += np.mean((m.theta_ - theta) ** 2)
        votes += m.tie_wins_
    assert mse["hard"] < mse["none"]
    assert mse["soft"] < mse["none"]
    assert votes >= 4


def test_ar1_untied_wins_for_varying_theta_large_n():
    rng = np.random.default_rng(12)
    theta = 0.8 * np.sin(np.linspace(0, 3 * np.pi, 20))
    X = simulate_ar(theta, 2000, rng)
    hard = sh.TiedAR1("hard").fit(X)
    none = sh.TiedAR1("none").fit(X)
    soft = sh.TiedAR1("soft").fit(X)
    assert np.mean((none.theta_ - theta) ** 2) < np.mean((hard.theta_ - theta) ** 2)
    assert np.mean((soft.theta_ - theta) ** 2) < np.mean((hard.theta_ - theta) ** 2)
    assert not hard.tie_wins_


def test_ar1_reported_quantities_match_definitions():
    rng = np.random.default_rng(13)
    X = simulate_ar(np.linspace(0.2, 0.7, 8), 50, rng)
    m = sh.TiedAR1("hard").fit(X)
    prev, cur = X[:, :-1], X[:, 1:]
    th_t = (prev * cur).sum(0) / (prev ** 2).sum(0)
    th_bar = (prev * cur).sum() / (prev ** 2).sum()
    np.testing.assert_allclose(m.theta_untied_, th_t, rtol=1e-12)
    np.testing.assert_allclose(m.theta_tied_, th_bar, rtol=1e-12)
    np.testing.assert_allclose(m.sq_bias_, np.sum((th_t - th_bar) ** 2) / len(th_t), rtol=1e-12)
    s2 = np.sum((cur - th_t * prev) ** 2) / (X.size - len(X) - len(th_t))
    np.testing.assert_allclose(m.var_untied_, s2 / (prev ** 2).sum(0), rtol=1e-12)
    np.testing.assert_allclose(m.var_tied_, s2 / (prev ** 2).sum(), rtol=1e-12)
    assert m.tie_wins_ == (m.sq_bias_debiased_ < m.variance_removed_)


# --------------------------------------------------------------------------- curriculum

def test_curriculum_reaches_better_optimum_than_tying_at_once():
    demo = sh.curriculum_demo()
    cur, tied = demo["curriculum"], demo["tied"]
    assert cur.thetas.shape == (len(cur.penalties), 2)
    assert cur.penalties[0] == 0 and cur.penalties[-1] == 1e4
    # untied at the start, tied at the end, in a different basin than tying at once
    assert abs(cur.thetas[0, 0] - cur.thetas[0, 1]) > 2
    assert abs(cur.theta[0] - cur.theta[1]) < 1e-3
    assert cur.theta[0] < 0 < tied.theta[0]
    assert demo["curriculum_loss"] < demo["tied_loss"] - 0.3


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("prec, match", [
    ([1.0, -1.0, 1.0], "precision has -1.0"),
    ([1.0, 0.0, 1.0], "precision has 0.0"),
    ([1.0, 1.0], r"precision has shape \(2,\) but x has shape \(3,\)"),
])
def test_bad_precision(prec, match):
    with pytest.raises(ValueError, match=match):
        sh.graph_map([1.0, 2.0, 3.0], prec, [(0, 1)], 1.0)


def test_bad_inputs():
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="names node 5, but there are only 3 nodes"):
        sh.graph_map(x, 1.0, [(0, 5)], 1.0)
    with pytest.raises(ValueError, match="names node 'z', which is not in the index"):
        sh.graph_map(pd.Series(x, index=list("abc")), 1.0, [("a", "z")], 1.0)
    with pytest.raises(ValueError, match="x contains nan at node 1"):
        sh.graph_map([1.0, np.nan, 3.0], 1.0, [(0, 1)], 1.0)
    with pytest.raises(ValueError, match=r"edges has shape \(3,\)"):
        sh.graph_map(x, 1.0, [0, 1, 2], 1.0)
    with pytest.raises(ValueError, match="weights has shape"):
        sh.graph_map(x, 1.0, [(0, 1)], 1.0, weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="prior_var is -1.0"):
        sh.graph_map(x, 1.0, [(0, 1)], -1.0)
    with pytest.raises(ValueError, match="prec_j has -2.0"):
        sh.pairwise_map(1.0, 2.0, 1.0, -2.0, 1.0)
    with pytest.raises(ValueError, match="x_i contains NaN"):
        sh.pairwise_map(np.nan, 2.0, 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="groups has shape"):
        sh.hard_share(x, 1.0, [0, 1])
    with pytest.raises(ValueError, match="groups has shape"):
        sh.random_intercept_eb([1.0, 2.0, 3.0], [0, 1])
    with pytest.raises(ValueError, match="y contains nan"):
        sh.random_intercept_eb([1.0, np.nan, 3.0, 4.0], [0, 0, 1, 1])
    with pytest.raises(ValueError, match="tying='tied'"):
        sh.TiedAR1("tied").fit(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"X contains nan at \(1, 2\)"):
        Xb = np.ones((3, 4))
        Xb[1, 2] = np.nan
        sh.TiedAR1("hard").fit(Xb)
    with pytest.raises(ValueError, match="y has shape"):
        sh.SharedRidge().fit(np.ones((4, 1)), np.ones(3), [0, 0, 1, 1])
    with pytest.raises(ValueError, match="rank-deficient"):
        sh.SharedRidge(prior_var=np.inf).fit(np.ones((4, 2)), np.ones(4), [0, 0, 1, 1])
    with pytest.raises(ValueError, match="schedule"):
        sh.curriculum_fit(lambda t: (0.0, 0 * t), [0.0, 1.0], [(0, 1)], [-1.0])


def test_estimators_clone():
    from sklearn.base import clone
    m = sh.SharedRidge(graph=[("a", "b")], prior_var=0.5, noise_var=None, fit_intercept=False)
    c = clone(m)
    assert c.get_params() == m.get_params() and c is not m
    assert not hasattr(c, "coef_")
    a = clone(sh.TiedAR1(tying="soft", prior_var=0.1))
    assert a.get_params() == {"tying": "soft", "prior_var": 0.1}
    assert not hasattr(a, "theta_")


def test_ar1_soft_limits():
    rng = np.random.default_rng(21)
    X = simulate_ar(np.linspace(0.1, 0.8, 10), 40, rng)
    hard = sh.TiedAR1("hard").fit(X)
    none = sh.TiedAR1("none").fit(X)
    np.testing.assert_allclose(sh.TiedAR1("soft", prior_var=0.0).fit(X).theta_, hard.theta_,
                               rtol=1e-12)
    np.testing.assert_allclose(sh.TiedAR1("soft", prior_var=np.inf).fit(X).theta_, none.theta_,
                               rtol=1e-12)
    soft = sh.TiedAR1("soft").fit(X)
    assert 0 < soft.prior_var_ < np.inf
    assert np.var(soft.theta_) < np.var(none.theta_)
