"""Convolution as tied local Gaussian factors (tiedpgm.factors).

Oracles: np.linalg.lstsq on the explicit patch matrix, scipy.signal.correlate2d /
correlate, and per-location lstsq for the locally connected model.
"""
import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

import tiedpgm as tp

BACKENDS = ["numpy", "numba"]


def patch_matrix(X, kh, kw):
    """Explicit patch matrix (N*H'*W', C*kh*kw) of X (N, C, H, W), rows in (n, i, j) order."""
    N, C, H, W = X.shape
    rows = []
    for n in range(N):
        for i in range(H - kh + 1):
            for j in range(W - kw + 1):
                rows.append(X[n, :, i:i + kh, j:j + kw].ravel())
    return np.array(rows)


def conv_oracle(X, w, b):
    """Per-channel sums of scipy.signal.correlate2d: X (N, C, H, W), w (O, C, kh, kw)."""
    return np.stack([
        np.stack([sum(scipy.signal.correlate2d(x[c], w[o, c], mode="valid")
                      for c in range(X.shape[1])) + b[o] for o in range(w.shape[0])])
        for x in X])


def make_data(rng, N=30, C=2, H=9, W=10, O=2, k=(3, 3), noise=0.1):
    X = rng.normal(size=(N, C, H, W))
    w = rng.normal(size=(O, C) + k)
    b = rng.normal(size=O)
    Y = conv_oracle(X, w, b) + noise * rng.normal(size=(N, O, H - k[0] + 1, W - k[1] + 1))
    return X, Y, w, b


# --- shared MLE ---------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("bias", [True, False])
def test_shared_mle_equals_lstsq_on_patch_matrix(backend, bias):
    rng = np.random.default_rng(0)
    X, Y, _, _ = make_data(rng, k=(3, 4))
    m = tp.ConvFactorModel((3, 4), bias=bias, backend=backend).fit(X, Y)
    P = patch_matrix(X, 3, 4)
    A = np.c_[P, np.ones(len(P))] if bias else P
    Yf = Y.transpose(0, 2, 3, 1).reshape(-1, Y.shape[1])
    sol, res, *_ = np.linalg.lstsq(A, Yf, rcond=None)
    np.testing.assert_allclose(m.coef_, sol[:P.shape[1]].T.reshape(m.coef_.shape),
                               rtol=1e-9, atol=1e-11)
    if bias:
        np.testing.assert_allclose(m.intercept_, sol[-1], rtol=1e-9, atol=1e-11)
    rss = ((Yf - A @ sol) ** 2).sum(axis=0)
    np.testing.assert_allclose(m.noise_variance_, rss / len(Yf), rtol=1e-8)
    assert m.backend_ == backend


def test_backends_agree_on_statistics():
    from tiedpgm.factors import pooled_stats_numba, pooled_stats_numpy
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 3, 6, 13))
    Y = rng.normal(size=(7, 2, 2, 9))
    np.testing.assert_allclose(pooled_stats_numba(X, Y, 5, 5), pooled_stats_numpy(X, Y, 5, 5),
                               rtol=1e-10, atol=1e-10)


def test_predict_equals_correlate2d_single_channel():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(25, 8, 9))
    w = rng.normal(size=(3, 3))
    Y = np.stack([scipy.signal.correlate2d(x, w, mode="valid") for x in X]) + 0.7
    m = tp.ConvFactorModel((3, 3)).fit(X, Y)
    np.testing.assert_allclose(m.coef_[0, 0], w, rtol=1e-9)
    Xt = rng.normal(size=(4, 12, 7))
    out = m.predict(Xt)
    assert out.shape == (4, 10, 5)                      # no C_out axis, as Y at fit time
    expect = np.stack([scipy.signal.correlate2d(x, m.coef_[0, 0], mode="valid")
                       for x in Xt]) + m.intercept_[0]
    np.testing.assert_allclose(out, expect, rtol=1e-10, atol=1e-12)


def test_predict_multichannel_is_sum_over_channels():
    rng = np.random.default_rng(3)
    X, Y, _, _ = make_data(rng, C=3, O=4)
    m = tp.ConvFactorModel((3, 3)).fit(X, Y)
    out = m.predict(X[:5])
    assert out.shape == (5, 4, 7, 8)
    np.testing.assert_allclose(out, conv_oracle(X[:5], m.coef_, m.intercept_),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_1d_predict_equals_scipy_correlate(backend):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(20, 2, 30))
    w = rng.normal(size=(2, 5))
    Y = sum(np.stack([scipy.signal.correlate(x[c], w[c], mode="valid") for x in X])
            for c in range(2)) - 0.2
    m = tp.ConvFactorModel(5, backend=backend).fit(X, Y)
    assert m.coef_.shape == (1, 2, 5)
    np.testing.assert_allclose(m.coef_[0], w, rtol=1e-9)
    Xt = rng.normal(size=(3, 2, 17))
    expect = sum(np.stack([scipy.signal.correlate(x[c], m.coef_[0, c], mode="valid")
                           for x in Xt]) for c in range(2)) + m.intercept_[0]
    np.testing.assert_allclose(m.predict(Xt), expect, rtol=1e-10, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(0, 3),
       st.integers(0, 3), st.integers(0, 2 ** 31 - 1))
def test_property_predict_matches_oracle_and_matrix(C, kh, kw, extra_h, extra_w, seed):
    rng = np.random.default_rng(seed)
    H, W = kh + extra_h, kw + extra_w
    N = 3 + C * kh * kw
    X = rng.normal(size=(N, C, H, W))
    Y = rng.normal(size=(N, 2, H - kh + 1, W - kw + 1))
    m = tp.ConvFactorModel((kh, kw), backend="numba").fit(X, Y)
    m2 = tp.ConvFactorModel((kh, kw), backend="numpy").fit(X, Y)
    np.testing.assert_allclose(m.coef_, m2.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(m.predict(X), conv_oracle(X, m.coef_, m.intercept_),
                               rtol=1e-10, atol=1e-10)
    M = m.as_matrix()
    out = (M @ X[0].ravel()).reshape(2, H - kh + 1, W - kw + 1) + m.intercept_[:, None, None]
    np.testing.assert_allclose(out, m.predict(X[:1])[0], rtol=1e-10, atol=1e-10)


# --- as_matrix -----------------------------------------------------------------------------
def test_as_matrix_is_doubly_block_toeplitz():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(30, 6, 7))
    Y = rng.normal(size=(30, 4, 5))
    m = tp.ConvFactorModel((3, 3), bias=False).fit(X, Y)
    H, W = 9, 10
    Hp, Wp = H - 2, W - 2
    M = m.as_matrix((H, W))
    x = rng.normal(size=(H, W))
    np.testing.assert_allclose(M @ x.ravel(), m.predict(x[None])[0].ravel(), rtol=1e-12)
    np.testing.assert_allclose(M @ x.ravel(),
                               scipy.signal.correlate2d(x, m.coef_[0, 0], "valid").ravel(),
                               rtol=1e-12)
    D = M.toarray()
    assert D.shape == (Hp * Wp, H * W)
    blocks = D.reshape(Hp, Wp, H, W).transpose(0, 2, 1, 3)     # block (i, r): Wp x W
    for i in range(Hp):
        for r in range(H):
            # block Toeplitz: block (i, r) depends only on r - i ...
            np.testing.assert_array_equal(blocks[i, r], blocks[0, r - i] if r - i >= 0
                                          else np.zeros((Wp, W)))
            # ... and each block is Toeplitz: constant along its diagonals
            B = blocks[i, r]
            for j in range(1, Wp):
                np.testing.assert_array_equal(B[j, 1:], B[j - 1, :-1])
                assert np.all(B[j, 0] == 0) or j == 0
            a = r - i
            if 0 <= a < 3:
                np.testing.assert_array_equal(B[0, :3], m.coef_[0, 0, a])
            else:
                assert not B.any()
    assert M.nnz == Hp * Wp * 9


# --- parameter counts ----------------------------------------------------------------------
def test_parameter_counts_classic():
    # 32x32 input, 3x3 kernel, one map: 30*30*(9+1) = 9000 vs 9+1 = 10 (bias included)
    assert tp.ConvFactorModel((3, 3), tying="none").n_parameters((32, 32)) == 9000
    assert tp.ConvFactorModel((3, 3)).n_parameters((32, 32)) == 10
    # 32x32x3 -> 28x28x8 with 5x5: 28*28*8*(5*5*3+1) = 476,672 vs 8*(75+1) = 608
    none = tp.ConvFactorModel((5, 5), tying="none").n_parameters((3, 32, 32), n_outputs=8)
    shared = tp.ConvFactorModel((5, 5)).n_parameters((3, 32, 32), n_outputs=8)
    assert (none, shared) == (476_672, 608)
    assert none / shared == pytest.approx(784)
    # without biases the counts are 9 / 8100 and 600 / 470,400
    assert tp.ConvFactorModel((3, 3), bias=False).n_parameters((32, 32)) == 9
    assert tp.ConvFactorModel((3, 3), tying="none", bias=False).n_parameters((32, 32)) == 8100


def test_parameter_counts_match_fitted_arrays():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(12, 3, 7, 7))
    Y = rng.normal(size=(12, 2, 5, 5))
    for tying in ["shared", "none", "rot90", "flip"]:
        m = tp.ConvFactorModel((3, 3), tying=tying, ridge=1.0).fit(X, Y)
        stored = (m.coef_.size if tying == "none" else m.group_coef_.size) + m.intercept_.size
        assert m.n_parameters() == stored
        assert m.n_parameters(include_noise=True) == stored + 2
    assert tp.ConvFactorModel((3, 3), tying="rot90").n_parameters((3, 7, 7)) == 3 * 3 + 1
    assert tp.ConvFactorModel((3, 3), tying="flip").n_parameters((7, 7)) == 6 + 1
    assert tp.ConvFactorModel(5, tying="palindromic").n_parameters((20,)) == 3 + 1


def test_aic_bic_and_log_likelihood():
    rng = np.random.default_rng(7)
    X, Y, _, _ = make_data(rng, O=1)
    m = tp.ConvFactorModel((3, 3)).fit(X, Y)
    resid = Y - m.predict(X)
    var = m.noise_variance_[0]
    ll = np.sum(-0.5 * np.log(2 * np.pi * var) - 0.5 * resid ** 2 / var)
    assert m.log_likelihood(X, Y) == pytest.approx(ll, rel=1e-12)
    k = m.n_parameters(include_noise=True)
    assert m.aic(X, Y) == pytest.approx(-2 * ll + 2 * k)
    assert m.bic(X, Y) == pytest.approx(-2 * ll + k * np.log(Y.size))
    # the MLE maximises the likelihood: the true-ish shared model beats the untied one on BIC
    u = tp.ConvFactorModel((3, 3), tying="none").fit(X, Y)
    assert u.log_likelihood(X, Y) > m.log_likelihood(X, Y)
    assert m.bic(X, Y) < u.bic(X, Y)


# --- symmetry tying ------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_rot90_tying_is_rotation_equivariant_and_constrained_mle(backend):
    rng = np.random.default_rng(8)
    X, Y, _, _ = make_data(rng, C=2, O=2, H=10, W=10, k=(3, 3))
    m = tp.ConvFactorModel((3, 3), tying="rot90", backend=backend).fit(X, Y)
    for k in range(4):
        np.testing.assert_array_equal(np.rot90(m.coef_, k, axes=(2, 3)), m.coef_)
    assert m.group_coef_.shape == (2, 2 * 3)                 # corners, edges, centre per channel
    Xt = rng.normal(size=(3, 2, 8, 11))
    for k in (1, 2, 3):
        rotated_in = np.rot90(Xt, k, axes=(2, 3))
        np.testing.assert_allclose(m.predict(rotated_in),
                                   np.rot90(m.predict(Xt), k, axes=(2, 3)), rtol=1e-10,
                                   atol=1e-12)
    # exact constrained MLE: lstsq on the patch matrix times the one-hot tie matrix
    from tiedpgm.ties import onehot
    T = onehot(m.tie_groups_)
    P = patch_matrix(X, 3, 3) @ T
    A = np.c_[P, np.ones(len(P))]
    sol = np.linalg.lstsq(A, Y.transpose(0, 2, 3, 1).reshape(-1, 2), rcond=None)[0]
    np.testing.assert_allclose(m.group_coef_, sol[:-1].T, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(m.intercept_, sol[-1], rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("K", [4, 5])
def test_palindromic_annihilates_antisymmetric_input(K):
    rng = np.random.default_rng(9)
    X = rng.normal(size=(40, 25))
    Y = rng.normal(size=(40, 26 - K))
    m = tp.ConvFactorModel(K, tying="palindromic", bias=False).fit(X, Y)
    w = m.coef_[0, 0]
    np.testing.assert_array_equal(w, w[::-1])
    assert m.group_coef_.shape == (1, (K + 1) // 2)
    # antisymmetric windows (z[k] = -z[K-1-k]) give exactly zero
    Z = rng.normal(size=(6, K))
    Z = Z - Z[:, ::-1]
    np.testing.assert_allclose(m.predict(Z), 0.0, atol=1e-12)
    # a long input all of whose windows are antisymmetric: (-1)^t for even K
    if K % 2 == 0:
        alt = (-1.0) ** np.arange(30) * 2.5
        np.testing.assert_allclose(m.predict(alt[None]), 0.0, atol=1e-12)
    # in general only the symmetric part of each window is seen
    x = rng.normal(size=30)
    win = np.lib.stride_tricks.sliding_window_view(x, K)
    np.testing.assert_allclose(m.predict(x[None])[0], 0.5 * (win + win[:, ::-1]) @ w,
                               rtol=1e-10, atol=1e-12)


def test_flip_tying_is_mirror_equivariant():
    rng = np.random.default_rng(10)
    X, Y, _, _ = make_data(rng, C=1, O=1, k=(2, 3))
    m = tp.ConvFactorModel((2, 3), tying="flip").fit(X, Y)
    np.testing.assert_array_equal(m.coef_, m.coef_[..., ::-1])
    Xt = rng.normal(size=(3, 1, 6, 9))
    np.testing.assert_allclose(m.predict(Xt[..., ::-1]), m.predict(Xt)[..., ::-1], rtol=1e-10)


def test_user_tie_map_and_all_singletons_equal_shared():
    rng = np.random.default_rng(11)
    X, Y, _, _ = make_data(rng, k=(2, 2))
    a = tp.ConvFactorModel((2, 2), tying=np.arange(4).reshape(2, 2)).fit(X, Y)
    b = tp.ConvFactorModel((2, 2)).fit(X, Y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-12)
    c = tp.ConvFactorModel((2, 2), tying=[[0, 0], [0, 0]]).fit(X, Y)
    assert np.all(c.coef_ == c.coef_[:, :, :1, :1])


# --- locally connected and soft tying -------------------------------------------------------
def test_untied_equals_per_location_lstsq():
    rng = np.random.default_rng(12)
    X, Y, _, _ = make_data(rng, N=25, C=2, O=2, H=6, W=7, k=(2, 3))
    m = tp.ConvFactorModel((2, 3), tying="none").fit(X, Y)
    assert m.coef_.shape == (2, 5, 5, 2, 2, 3)
    rss = 0.0
    for i in range(5):
        for j in range(5):
            A = np.c_[X[:, :, i:i + 2, j:j + 3].reshape(25, -1), np.ones(25)]
            sol = np.linalg.lstsq(A, Y[:, :, i, j], rcond=None)[0]
            np.testing.assert_allclose(m.coef_[:, i, j].reshape(2, -1), sol[:-1].T,
                                       rtol=1e-8, atol=1e-10)
            np.testing.assert_allclose(m.intercept_[:, i, j], sol[-1], rtol=1e-8, atol=1e-10)
            rss = rss + ((Y[:, :, i, j] - A @ sol) ** 2).sum(axis=0)
    np.testing.assert_allclose(m.noise_variance_, rss / (25 * 25), rtol=1e-7)
    out = m.predict(X)
    M = m.as_matrix()
    np.testing.assert_allclose(M @ X[0].ravel() + m.intercept_.ravel(), out[0].ravel(),
                               rtol=1e-10, atol=1e-12)


def test_untied_1d_shapes():
    rng = np.random.default_rng(13)
    X = rng.normal(size=(10, 12))
    Y = rng.normal(size=(10, 10))
    m = tp.ConvFactorModel(3, tying="none").fit(X, Y)
    assert m.coef_.shape == (1, 10, 1, 3) and m.intercept_.shape == (1, 10)
    for t in range(10):
        sol = np.linalg.lstsq(np.c_[X[:, t:t + 3], np.ones(10)], Y[:, t], rcond=None)[0]
        np.testing.assert_allclose(m.coef_[0, t, 0], sol[:3], rtol=1e-8)
    assert m.predict(X).shape == (10, 10)


@pytest.mark.parametrize("tying", ["shared", "rot90"])
def test_soft_tying_limits(tying):
    rng = np.random.default_rng(14)
    X, Y, _, _ = make_data(rng, N=25, C=1, O=2, H=7, W=7, k=(3, 3))
    hard = tp.ConvFactorModel((3, 3), tying=tying).fit(X, Y)
    none = tp.ConvFactorModel((3, 3), tying="none").fit(X, Y)
    big = tp.ConvFactorModel((3, 3), tying=tying, soft_strength=1e9).fit(X, Y)
    inf = tp.ConvFactorModel((3, 3), tying=tying, soft_strength=np.inf).fit(X, Y)
    small = tp.ConvFactorModel((3, 3), tying=tying, soft_strength=1e-9).fit(X, Y)
    zero = tp.ConvFactorModel((3, 3), tying=tying, soft_strength=0.0).fit(X, Y)
    for soft in (big, inf):
        np.testing.assert_allclose(soft.coef_, np.broadcast_to(
            hard.coef_[:, None, None], soft.coef_.shape), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(soft.shared_coef_, hard.coef_, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(soft.noise_variance_, hard.noise_variance_, rtol=1e-6)
    for soft in (small, zero):
        np.testing.assert_allclose(soft.coef_, none.coef_, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(soft.intercept_, none.intercept_, rtol=1e-5, atol=1e-6)
    # in between: the training fit interpolates monotonically
    rss = [tp.ConvFactorModel((3, 3), tying=tying, soft_strength=k).fit(X, Y).noise_variance_[0]
           for k in (0.0, 1.0, 10.0, 100.0, 1e4)]
    assert all(a <= b + 1e-12 for a, b in zip(rss, rss[1:]))
    assert rss[0] < rss[-1] <= hard.noise_variance_[0] + 1e-12


def test_soft_tying_is_the_exact_map():
    """The gradient of the documented objective vanishes at the returned (theta, mu)."""
    rng = np.random.default_rng(15)
    X, Y, _, _ = make_data(rng, N=6, C=1, O=1, H=5, W=5, k=(2, 2))
    kappa, lam = 3.0, 0.5
    m = tp.ConvFactorModel((2, 2), soft_strength=kappa, ridge=lam).fit(X, Y)
    mu = np.r_[m.shared_coef_.ravel(), m.shared_intercept_]
    grad_mu = lam * np.r_[mu[:4], 0.0]
    for i in range(4):
        for j in range(4):
            A = np.c_[X[:, 0, i:i + 2, j:j + 2].reshape(6, -1), np.ones(6)]
            th = np.r_[m.coef_[0, i, j].ravel(), m.intercept_[0, i, j]]
            g = -A.T @ (Y[:, 0, i, j] - A @ th) + kappa * (th - mu)
            np.testing.assert_allclose(g, 0, atol=1e-9)
            grad_mu -= kappa * (th - mu)
    np.testing.assert_allclose(grad_mu, 0, atol=1e-9)


def test_ridge_shared_matches_augmented_lstsq():
    rng = np.random.default_rng(16)
    X, Y, _, _ = make_data(rng, O=1, C=1)
    lam = 7.0
    m = tp.ConvFactorModel((3, 3), ridge=lam).fit(X, Y)
    P = patch_matrix(X, 3, 3)
    A = np.r_[np.c_[P, np.ones(len(P))], np.c_[np.sqrt(lam) * np.eye(9), np.zeros(9)]]
    y = np.r_[Y.ravel(), np.zeros(9)]
    sol = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(m.coef_.ravel(), sol[:9], rtol=1e-9)
    np.testing.assert_allclose(m.intercept_, sol[9:], rtol=1e-9)


# --- estimator manners and bad input --------------------------------------------------------
def test_sklearn_manners():
    from sklearn.base import clone
    m = tp.ConvFactorModel((3, 3), tying="rot90", ridge=0.1)
    assert m.get_params()["tying"] == "rot90"
    c = clone(m)
    assert c.get_params() == m.get_params() and not hasattr(c, "coef_")
    with pytest.raises(ValueError, match="not fitted"):
        m.predict(np.zeros((1, 5, 5)))
    # nothing validated in __init__
    tp.ConvFactorModel("nonsense", tying="bogus", ridge=-1)


@pytest.mark.parametrize("kwargs, X, Y, match", [
    (dict(kernel_shape=(5, 5)), np.zeros((3, 4, 8)), np.zeros((3, 1, 4)), "larger than"),
    (dict(kernel_shape=7), np.zeros((3, 5)), np.zeros((3, 1)), "larger than"),
    (dict(kernel_shape=(3, 3)), np.zeros((3, 8, 8)), np.zeros((3, 5, 6)), "spatial shape"),
    (dict(kernel_shape=(3, 3)), np.zeros((3, 8, 8)), np.zeros((4, 6, 6)), "one response map"),
    (dict(kernel_shape=(3, 3)), np.zeros((3, 8)), np.zeros((3, 6)), "expected"),
    (dict(kernel_shape=(3, 3), tying="none"), np.ones((5, 8, 8)), np.ones((5, 6, 6)),
     "at least 10 images"),
    (dict(kernel_shape=(3, 3)), np.full((3, 8, 8), np.nan), np.zeros((3, 6, 6)), "finite"),
    (dict(kernel_shape=(3, 3)), np.zeros((3, 8, 8)), np.full((3, 6, 6), np.inf), "finite"),
    (dict(kernel_shape=(3, 2), tying="rot90"), np.zeros((3, 8, 8)), np.zeros((3, 6, 7)),
     "square"),
    (dict(kernel_shape=(3, 3), tying="palindromic"), np.zeros((3, 8, 8)), np.zeros((3, 6, 6)),
     "1-D"),
    (dict(kernel_shape=(3, 3), tying="bogus"), np.zeros((3, 8, 8)), np.zeros((3, 6, 6)),
     "not known"),
    (dict(kernel_shape=(3, 3), ridge=-1.0), np.zeros((3, 8, 8)), np.zeros((3, 6, 6)), "ridge"),
    (dict(kernel_shape=(3, 3), tying="none", soft_strength=1.0), np.zeros((30, 8, 8)),
     np.zeros((30, 6, 6)), "soft_strength"),
    (dict(kernel_shape=(3, 3, 3)), np.zeros((3, 8, 8)), np.zeros((3, 6, 6)), "kernel_shape"),
])
def test_bad_input_is_a_clear_value_error(kwargs, X, Y, match):
    with pytest.raises(ValueError, match=match):
        tp.ConvFactorModel(**kwargs).fit(X, Y)


def test_untied_ridge_allows_few_images_and_predict_checks_shape():
    rng = np.random.default_rng(17)
    X = rng.normal(size=(4, 8, 8))
    Y = rng.normal(size=(4, 6, 6))
    m = tp.ConvFactorModel((3, 3), tying="none", ridge=1.0).fit(X, Y)
    assert np.all(np.isfinite(m.coef_))
    with pytest.raises(ValueError, match="location-wise"):
        m.predict(rng.normal(size=(2, 9, 9)))
    s = tp.ConvFactorModel((3, 3)).fit(X, Y)
    with pytest.raises(ValueError, match="channel"):
        s.predict(rng.normal(size=(2, 2, 9, 9)))
    with pytest.raises(ValueError, match="finite"):
        s.predict(np.full((1, 9, 9), np.nan))
