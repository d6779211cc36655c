"""Tied Baum-Welch for the pair HMM: monotone, pooled, recovers simulated parameters."""
import numpy as np
import pytest

import tiedpgm as tp

P_TRUE = np.array([[0.16, 0.01, 0.02, 0.01],
                   [0.01, 0.20, 0.01, 0.02],
                   [0.02, 0.01, 0.18, 0.01],
                   [0.01, 0.02, 0.01, 0.29]])


def true_model(**kw):
    args = dict(alphabet="ACGT", delta=0.06, epsilon=0.5, tau=0.04, match_prob=P_TRUE / P_TRUE.sum(),
                insert_prob=[0.1, 0.2, 0.3, 0.4])
    args.update(kw)
    return tp.PairHMM(**args)


def start_model(**kw):
    args = dict(alphabet="ACGT", delta=0.02, epsilon=0.2, tau=0.04)
    args.update(kw)
    return tp.PairHMM(**args)


@pytest.mark.parametrize("sym,K", [(True, 1), (False, 1), (True, 2)])
def test_em_is_monotone(sym, K):
    gen = true_model(n_insert_pairs=K, delta=[0.05, 0.01][:K], epsilon=[0.4, 0.85][:K])
    pairs = [(x, y) for x, y, _ in gen.sample(60, random_state=1)]
    init = dict(symmetric=sym, n_insert_pairs=K, delta=[0.02, 0.005][:K], epsilon=[0.2, 0.7][:K])
    m = start_model(**init)
    m.fit(pairs, n_iter=12, tol=-np.inf, learn_tau=True)   # warnings (a decrease) are errors
    h = np.array(m.monitor_.history)
    assert len(h) == 12
    assert np.all(np.diff(h) >= -1e-9 * np.abs(h[:-1]))
    assert h[-1] > h[0]
    assert m.backend_ == "numba" and m.n_pairs_ == 60


def test_parameters_recovered_from_2000_simulated_pairs():
    gen = true_model()
    pairs = [(x, y) for x, y, _ in gen.sample(2000, random_state=0)]
    m = start_model().fit(pairs, n_iter=200, tol=1e-4, learn_tau=True)
    assert m.monitor_.converged
    assert m.delta_[0] == pytest.approx(0.06, rel=0.15)
    assert m.epsilon_[0] == pytest.approx(0.5, abs=0.06)
    assert m.tau_ == pytest.approx(0.04, rel=0.1)
    np.testing.assert_allclose(m.match_prob_, gen.match_prob_, atol=0.015)
    np.testing.assert_allclose(m.insert_prob_, gen.insert_prob_, atol=0.03)


def test_tied_m_step_is_hand_computed_pooled_update():
    m = start_model(n_insert_pairs=1, tau=0.1)
    S = 3
    trans = np.zeros((S, S))
    trans[0] = [100.0, 10.0, 30.0]          # M->M, M->X, M->Y
    trans[1] = [8.0, 12.0, 0.0]             # X->M, X->X
    trans[2] = [27.0, 3.0, 0.0]             # Y->M, (Y->X is 0), Y->Y at [2, 2]
    trans[2, 2], trans[2, 1] = 3.0, 0.0
    trans[2] = [27.0, 0.0, 3.0]
    match = np.arange(16, dtype=float).reshape(4, 4) + 1
    ins_x = np.array([[1.0, 2.0, 3.0, 4.0]])
    ins_y = np.array([[4.0, 0.0, 0.0, 6.0]])
    stats = dict(trans=trans, end=np.full(S, 1 / 3), match=match, ins_x=ins_x, ins_y=ins_y)
    m._m_step(stats, learn_tau=False)
    # delta: X and Y gap-open counts pooled, (1 - tau) shared by the non-end moves of M
    assert m.delta_[0] == pytest.approx(0.9 * (10 + 30) / (2 * 140))
    # epsilon: X->X and Y->Y pooled over X->* and Y->* non-end moves
    assert m.epsilon_[0] == pytest.approx(0.9 * (12 + 3) / (8 + 12 + 27 + 3))
    np.testing.assert_allclose(m.match_prob_, (match + match.T) / (2 * match.sum()))
    np.testing.assert_allclose(m.insert_prob_, np.array([5, 2, 3, 10]) / 20)
    assert m.tau_ == 0.1
    # learn_tau: pairs / all expected transitions, tied over every state
    m._m_step(stats, learn_tau=True)
    assert m.tau_ == pytest.approx(1.0 / (trans.sum() + 1.0))
    # untied: separate X and Y values
    u = start_model(symmetric=False, tau=0.1)
    u._m_step(stats, learn_tau=False)
    np.testing.assert_allclose(u.delta_[0], [0.9 * 10 / 140, 0.9 * 30 / 140])
    np.testing.assert_allclose(u.epsilon_[0], [0.9 * 12 / 20, 0.9 * 3 / 30])
    np.testing.assert_allclose(u.match_prob_, match / match.sum())


def test_symmetric_fit_equals_untied_fit_on_mirrored_data():
    """Hard tying = pooling: the symmetric model's EM on pairs equals the untied model's
    EM on the pairs plus their mirror images (which keeps the untied model symmetric)."""
    gen = true_model()
    pairs = [(x, y) for x, y, _ in gen.sample(80, random_state=3)]
    sym = start_model().fit(pairs, n_iter=5, tol=-np.inf)
    unt = start_model(symmetric=False).fit(pairs + [(y, x) for x, y in pairs], n_iter=5,
                                           tol=-np.inf)
    np.testing.assert_allclose(unt.delta_[0], [sym.delta_[0]] * 2, rtol=1e-9)
    np.testing.assert_allclose(unt.epsilon_[0], [sym.epsilon_[0]] * 2, rtol=1e-9)
    np.testing.assert_allclose(unt.match_prob_, sym.match_prob_, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(np.array(unt.monitor_.history), 2 * np.array(sym.monitor_.history),
                               rtol=1e-10)


def test_fit_refuses_empty_and_numpy_backend_agrees():
    with pytest.raises(ValueError, match="empty"):
        start_model().fit([])
    gen = true_model()
    pairs = [(x, y) for x, y, _ in gen.sample(15, random_state=2)]
    a = start_model().fit(pairs, n_iter=3, tol=-np.inf)
    b = start_model(backend="numpy").fit(pairs, n_iter=3, tol=-np.inf)
    assert b.backend_ == "numpy"
    np.testing.assert_allclose(a.monitor_.history, b.monitor_.history, rtol=1e-10)
    np.testing.assert_allclose(a.match_prob_, b.match_prob_, rtol=1e-9)
