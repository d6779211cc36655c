"""Bad input is refused with a ValueError that says what was wrong and where."""
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

import tiedpgm as tp


def _fitted_gaussian(**kw):
    m = tp.GaussianHMM(3, tie_groups=[0, 0, 1], backend="numpy", **kw)
    m.startprob_ = [0.5, 0.25, 0.25]
    m.transmat_ = np.full((3, 3), 1 / 3)
    m.group_means_ = [[0.0, 0.0], [1.0, 1.0]]
    m.group_covars_ = np.ones((2, 2))
    return m


def _fitted_categorical():
    m = tp.CategoricalHMM(2, n_features=3, backend="numpy")
    m.startprob_ = [0.5, 0.5]
    m.transmat_ = [[0.9, 0.1], [0.2, 0.8]]
    m.emissionprob_ = [[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]
    return m


X2 = np.zeros((10, 2))


@pytest.mark.parametrize("method", ["fit", "score", "score_samples", "decode", "predict"])
def test_lengths_not_summing(method):
    with pytest.raises(ValueError, match="lengths sum to 9 but X has 10 rows"):
        getattr(_fitted_gaussian(init_params=""), method)(X2, [4, 5])


def test_empty_sequence():
    with pytest.raises(ValueError, match="sequence 1 has length 0"):
        _fitted_gaussian().score(X2, [5, 0, 5])
    with pytest.raises(ValueError, match="0 rows"):
        _fitted_gaussian().score(np.zeros((0, 2)))


@pytest.mark.parametrize("X, match", [
    (np.array([[0], [1], [-1], [2]]), r"negative symbol -1 at row 2 \(sequence 1, position 0\)"),
    (np.array([[0], [1.5], [2], [1]]), r"non-integer symbol 1.5 at row 1 \(sequence 0, "
                                        r"position 1\)"),
    (np.array([[0], [1], [2], [3]]), r"symbol 3 at row 3 \(sequence 1, position 1\).*"
                                      r"n_features=3"),
    (np.array([[0], [1], [np.nan], [1]]), "non-integer symbol nan"),
    (np.array([0, 1, 2, 1]), r"shape \(4,\).*reshape\(-1, 1\)"),
    (np.array([["a"], ["b"], ["a"], ["b"]]), "dtype"),
])
@pytest.mark.parametrize("method", ["fit", "score", "decode"])
def test_bad_symbols(X, match, method):
    m = _fitted_categorical()
    with pytest.raises(ValueError, match=match):
        getattr(m, method)(X, [2, 2])


def test_symbol_beyond_n_features_in_fit():
    m = tp.CategoricalHMM(2, n_features=2, backend="numpy")
    with pytest.raises(ValueError, match="symbol 5 at row 1"):
        m.fit(np.array([[0], [5], [1]]))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("method", ["fit", "score", "predict_proba"])
def test_nonfinite_gaussian_X(bad, method):
    X = np.ones((10, 2))
    X[7, 1] = bad
    with pytest.raises(ValueError, match=r"at row 7 \(sequence 1, position 2\), column 1"):
        getattr(_fitted_gaussian(init_params=""), method)(X, [5, 5])


def test_wrong_number_of_features():
    with pytest.raises(ValueError, match="X has 3 features but the model has 2"):
        _fitted_gaussian().score(np.zeros((4, 3)))


@pytest.mark.parametrize("tie_groups, match", [
    ([0, 1], "tie_groups has 2 entries but the model has 3 states"),
    ([0, 0.5, 1], "integer group ids"),
    ([0, 2, 2], r"never uses \[1\]"),
    ([0, -1, 1], "must be >= 0"),
    ("abc", "sequence of integer group ids"),
])
def test_bad_tie_groups(tie_groups, match):
    X = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(ValueError, match=match):
        tp.GaussianHMM(3, tie_groups=tie_groups, backend="numpy").fit(X)
    with pytest.raises(ValueError, match=match):
        tp.CategoricalHMM(3, tie_groups=tie_groups, backend="numpy").fit(
            np.zeros((5, 1), dtype=int))


def test_non_stochastic_start_and_transitions():
    m = tp.GaussianHMM(3)
    with pytest.raises(ValueError, match="startprob_ sums to 0.9, not 1"):
        m.startprob_ = [0.5, 0.2, 0.2]
    with pytest.raises(ValueError, match="startprob_ has a negative entry"):
        m.startprob_ = [1.2, -0.2, 0.0]
    with pytest.raises(ValueError, match="transmat_ row 2 sums to 0.97, not 1"):
        m.transmat_ = [[1, 0, 0], [0, 1, 0], [0.5, 0.2, 0.27]]
    with pytest.raises(ValueError, match=r"transmat_ has shape \(2, 2\); expected \(3, 3\)"):
        m.transmat_ = np.eye(2)
    c = tp.CategoricalHMM(2)
    with pytest.raises(ValueError, match="emissionprob_ row 1 sums to"):
        c.emissionprob_ = [[0.5, 0.5], [0.5, 0.6]]


def test_per_state_values_that_break_a_tie():
    m = tp.GaussianHMM(4, tie_groups=[0, 1, 0, 1], covariance_type="diag")
    with pytest.raises(ValueError, match=r"means_ breaks tie group 1: states 1 and 3"):
        m.means_ = [[0, 0], [1, 1], [0, 0], [1, 2]]
    m.means_ = [[0, 0], [1, 1], [0, 0], [1, 1]]
    np.testing.assert_array_equal(m.group_means_, [[0, 0], [1, 1]])
    with pytest.raises(ValueError, match="covars_ breaks tie group 0: states 0 and 2"):
        m.covars_ = [[1, 1], [2, 2], [1, 3], [2, 2]]
    c = tp.CategoricalHMM(3, tie_groups=[0, 0, 1])
    with pytest.raises(ValueError, match="emissionprob_ breaks tie group 0"):
        c.emissionprob_ = [[0.5, 0.5], [0.4, 0.6], [1.0, 0.0]]
    with pytest.raises(ValueError, match=r"group means have shape \(4, 2\); expected \(2, 2\)"):
        m.group_means_ = np.zeros((4, 2))


def test_bad_covariances():
    m = tp.GaussianHMM(2, covariance_type="full")
    with pytest.raises(ValueError, match="group 1 is not positive definite"):
        m.covars_ = [np.eye(2), [[1, 2], [2, 1]]]
    d = tp.GaussianHMM(2, covariance_type="diag")
    with pytest.raises(ValueError, match="non-positive variance"):
        d.covars_ = [[1, 1], [0, 1]]
    with pytest.raises(ValueError, match="covariance_type='banana' is not known"):
        tp.GaussianHMM(2, covariance_type="banana").fit(X2)


@pytest.mark.parametrize("field", ["params", "init_params"])
def test_unknown_letters(field):
    with pytest.raises(ValueError, match=r"contains unknown letter\(s\) 'x'"):
        tp.GaussianHMM(2, backend="numpy", **{field: "stmx"}).fit(X2 + np.arange(10)[:, None])
    with pytest.raises(ValueError, match=r"unknown letter\(s\) 'm'"):
        tp.CategoricalHMM(2, backend="numpy", **{field: "stm"}).fit(np.zeros((4, 1), int))


@pytest.mark.parametrize("method", ["score", "score_samples", "decode", "predict",
                                    "predict_proba", "summarize"])
def test_score_before_fit(method):
    m = tp.GaussianHMM(2)
    with pytest.raises(NotFittedError, match="call fit"):
        getattr(m, method)(X2)
    assert issubclass(NotFittedError, ValueError)
    with pytest.raises(NotFittedError):
        m.sample(3)
    with pytest.raises(NotFittedError):
        m.n_parameters()


def test_impossible_sequence_is_an_error_not_nan():
    m = _fitted_categorical()
    m.set_params(init_params="")
    m.emissionprob_ = [[0.0, 0.5, 0.5], [0.0, 0.5, 0.5]]
    with pytest.raises(ValueError, match="sequence 1 has probability 0"):
        m.fit(np.array([[1], [2], [0]]), [2, 1])


def test_bad_backend_and_decoder():
    with pytest.raises(ValueError, match="backend='gpu' is not known"):
        tp.GaussianHMM(2, backend="gpu").fit(X2)
    with pytest.raises(ValueError, match="algorithm='best' is not known"):
        _fitted_gaussian().decode(X2, algorithm="best")


def test_load_rejects_other_files(tmp_path):
    np.savez(tmp_path / "x.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="not a tiedpgm model file"):
        tp.load(tmp_path / "x.npz")


@pytest.mark.parametrize("n", [7, 400_000])
def test_all_finite_agrees_with_numpy(n):
    """The parallel finiteness check of Gaussian X (small arrays take NumPy's path)."""
    from tiedpgm.kernels.emission_numba import all_finite
    rng = np.random.default_rng(n)
    X = rng.normal(size=(n, 3))
    assert all_finite(X)
    for bad in (np.nan, np.inf, -np.inf):
        Y = X.copy()
        Y[rng.integers(n), rng.integers(3)] = bad
        assert not all_finite(Y)
    # a sum that overflows says "not finite"; check_X then looks element by element
    Y = np.full((n, 3), 1e308)
    assert not all_finite(Y)
    m = _fitted_gaussian()
    np.testing.assert_array_equal(m._family().check_X(Y[:, :2], None), Y[:, :2])


def test_a_finite_check_is_not_carried_to_other_data():
    """The fused E-step skips its own finiteness pass only for the array check_X just
    found finite: NaN in the next call's data is still seen (here: marginalised), and a
    pickled model carries no such note."""
    import pickle
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    m = tp.GaussianHMM(2, allow_missing=True, backend="numba", n_iter=1, random_state=0)
    m.fit(X)
    Y = X.copy()
    Y[5, 1] = np.nan
    ref = tp.GaussianHMM(2, allow_missing=True, backend="numpy")
    for name in ("startprob_", "transmat_", "means_", "covars_"):
        setattr(ref, name, getattr(m, name))
    np.testing.assert_allclose(m.score(Y), ref.score(Y), rtol=1e-10)
    stats = m.summarize(Y)
    np.testing.assert_allclose(stats.log_prob, ref.score(Y), rtol=1e-10)
    assert "_valid_ref" not in pickle.loads(pickle.dumps(m))._family().__dict__


def test_a_symbol_check_is_not_carried_to_other_data():
    """The fused categorical E-step skips its own range pass only for the array check_X
    just found valid: a missing symbol in other data is still mapped (here: the same
    score as the reference), and int_range equals NumPy's min and max."""
    from tiedpgm.kernels.emission_numba import int_range
    rng = np.random.default_rng(1)
    for n in (1, 1000, (1 << 20) + 7):
        x = rng.integers(-5, 50, size=n)
        assert int_range(x) == (x.min(), x.max())
    X = rng.integers(3, size=(300, 1))
    m = tp.CategoricalHMM(2, n_features=3, allow_missing=True, backend="numba", n_iter=1,
                          random_state=0).fit(X)
    fam = m._family()
    checked = fam.check_X(X, None)
    Y = X.copy()
    Y[7, 0] = -1
    assert fam.fused_estep_args(checked)["symbols"] is not None
    args = fam.fused_estep_args(Y)
    assert args["symbols"][7] == 3 and args["counts_symbols"][7] == -1
    ref = tp.CategoricalHMM(2, n_features=3, allow_missing=True, backend="numpy")
    for name in ("startprob_", "transmat_", "emissionprob_"):
        setattr(ref, name, getattr(m, name))
    np.testing.assert_allclose(m.score(Y), ref.score(Y), rtol=1e-10)
    import pickle
    assert "_valid_ref" not in pickle.loads(pickle.dumps(m))._family().__dict__
