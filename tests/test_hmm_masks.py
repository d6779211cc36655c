"""Per-frame state masks (partially labelled sequences) and per-group freezing."""
import itertools

import numpy as np
import pytest

import tiedpgm as tp

from _hmm_helpers import available_backends, random_stochastic


def _model(backend="numpy", K=3, seed=0, **kw):
    rng = np.random.default_rng(seed)
    m = tp.GaussianHMM(K, init_params="", backend=backend, **kw)
    m.startprob_, m.transmat_ = random_stochastic(rng, K), random_stochastic(rng, K, K)
    m.means_ = rng.normal(scale=2, size=(K, 2))
    m.covars_ = rng.uniform(0.5, 2, size=(K, 2))
    return m


def _mask(rng, N, K):
    mask = rng.random((N, K)) < 0.6
    mask[np.arange(N), rng.integers(0, K, N)] = True
    return mask


@pytest.mark.parametrize("backend", available_backends())
def test_mask_honoured_exactly(backend):
    rng = np.random.default_rng(1)
    m = _model(backend)
    X = rng.normal(size=(30, 2))
    L = [10, 20]
    mask = _mask(rng, 30, 3)
    post = m.predict_proba(X, L, state_mask=mask)
    assert np.all(post[~mask] == 0)
    np.testing.assert_allclose(post.sum(axis=1), 1, rtol=1e-12)
    states = m.predict(X, L, state_mask=mask)
    assert mask[np.arange(30), states].all()
    stats = m.summarize(X, L, state_mask=mask)
    m.apply_summaries(stats)
    m.set_params(n_iter=3)
    m.fit(X, L, state_mask=mask)
    assert np.all(m.predict_proba(X, L, state_mask=mask)[~mask] == 0)


def test_masked_score_equals_brute_force():
    rng = np.random.default_rng(2)
    m = _model(K=2)
    X = rng.normal(size=(4, 2))
    mask = np.array([[1, 1], [1, 0], [0, 1], [1, 1]], bool)
    lik = np.exp(m._family().log_likelihood(X))
    total = 0.0
    for path in itertools.product(range(2), repeat=4):
        if not all(mask[t, k] for t, k in enumerate(path)):
            continue
        p = m.startprob_[path[0]] * lik[0, path[0]]
        for t in range(1, 4):
            p *= m.transmat_[path[t - 1], path[t]] * lik[t, path[t]]
        total += p
    assert m.score(X, state_mask=mask) == pytest.approx(np.log(total), rel=1e-12)


def test_full_labels_give_supervised_counts():
    """A mask with one allowed state per frame makes EM count the labelled transitions."""
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 3, 200)
    X = rng.normal(size=(200, 2)) + labels[:, None]
    m = _model(params="stmc")
    m.fit(X, state_mask=np.eye(3, dtype=bool)[labels])
    counts = np.zeros((3, 3))
    np.add.at(counts, (labels[:-1], labels[1:]), 1)
    np.testing.assert_allclose(m.transmat_, counts / counts.sum(1, keepdims=True), rtol=1e-10)
    np.testing.assert_allclose(m.means_, [X[labels == k].mean(0) for k in range(3)], rtol=1e-10)


def test_bad_masks():
    m = _model()
    X = np.zeros((6, 2))
    with pytest.raises(ValueError, match=r"state_mask has shape \(6, 2\); expected \(6, 3\)"):
        m.score(X, state_mask=np.ones((6, 2), bool))
    with pytest.raises(ValueError, match="state_mask has dtype float64"):
        m.score(X, state_mask=np.full((6, 3), 0.5))
    bad = np.ones((6, 3), bool)
    bad[4] = False
    with pytest.raises(ValueError, match=r"allows no state at frame row 4 \(sequence 1, "
                                         r"position 1\)"):
        m.fit(X, [3, 3], state_mask=bad)


def test_frozen_groups():
    rng = np.random.default_rng(4)
    X = np.concatenate([rng.normal(c, 1, (100, 2)) for c in (-3, 0, 3)])
    m = tp.GaussianHMM(3, tie_groups=[0, 1, 2], frozen_groups=[2], n_iter=5, random_state=0,
                       init_params="st", backend="numpy")
    m.means_ = [[-1.0, -1.0], [0.5, 0.5], [9.0, 9.0]]
    m.covars_ = np.ones((3, 2))
    m.fit(X)
    np.testing.assert_array_equal(m.means_[2], [9.0, 9.0])
    np.testing.assert_array_equal(m.covars_[2], np.eye(2))
    assert not np.allclose(m.means_[0], [-1, -1])
    c = tp.CategoricalHMM(2, frozen_groups=[0], n_iter=3, random_state=0, init_params="st",
                          n_features=2)
    c.emissionprob_ = [[0.5, 0.5], [0.9, 0.1]]
    c.fit(rng.integers(0, 2, (50, 1)))
    np.testing.assert_array_equal(c.emissionprob_[0], [0.5, 0.5])
    with pytest.raises(ValueError, match="frozen_groups names group 5 but the model has 3"):
        tp.GaussianHMM(3, frozen_groups=[5], n_iter=1).fit(X)
