"""The pair-HMM GPU backend on a real NVIDIA GPU (marked ``gpu``; skipped elsewhere).

The kernels' logic is tested without a GPU under Numba's CUDA simulator in
``test_pairhmm_gpu_sim.py``; these are the same comparisons at real sizes (protein
alphabet, lengths up to 400, so up to 13 strips of 32 rows) on the device, against the
Numba CPU kernels (themselves equal to the NumPy reference, ``test_pairhmm_kernels.py``)
and, for a few small pairs, against the reference directly.

Tolerances: float64 1e-10 relative, as for every backend (Viterbi paths and path
log-probabilities exactly equal). float32 (see ``docs/gpu.md``):
log-likelihoods 2e-5 relative, match posteriors 5e-3 absolute, MEA expected accuracy 2e-3
absolute and identical alignments for at least 90% of the pairs (float32 posteriors
can flip a near-tie of the MEA recursion).
"""

import numpy as np
import pandas as pd
import pytest

import tiedpgm as tp
from tiedpgm.pairhmm import kernels_numba as nk
from tiedpgm.pairhmm import kernels_reference as ref

from _gpu_helpers import has_cuda_gpu
from _pairhmm_gpu_sim_check import _path_accuracy


HAS_GPU = has_cuda_gpu()
pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not HAS_GPU, reason="needs an NVIDIA GPU visible to "
                                 "numba.cuda (CUDA driver); the kernels are tested on the CPU "
                                 "under the CUDA simulator in test_pairhmm_gpu_sim.py")]

RTOL = 1e-10
F32_LP_RTOL = 2e-5
F32_POST_ATOL = 5e-3   # measured 3.2e-3 on an H100 (protein preset, lengths 100-400)
F32_ACC_ATOL = 2e-3
F32_SAME_OPS = 0.90


@pytest.fixture(scope="module")
def gpu():
    from tiedpgm.pairhmm import gpu
    return gpu


def random_model(rng, symmetric, K, A=20):
    P = rng.dirichlet(np.ones(A * A)).reshape(A, A)
    P = 0.5 * P + 0.5 * np.eye(A) / A
    q = rng.dirichlet(np.ones(A) * 5, size=2)
    tau = 0.01
    shape = K if symmetric else (K, 2)
    d = rng.uniform(0.01, 0.08, size=shape)
    e = rng.uniform(0.3, 0.9, size=shape)
    return tp.PairHMM("ACDEFGHIKLMNPQRSTVWY"[:A], delta=d, epsilon=e, tau=tau,
                      match_prob=P, insert_prob=q, symmetric=symmetric, n_insert_pairs=K)


def _pairs(rng, n_pairs, A=20, lo=1, hi=400):
    lens = [(1, 1), (1, 37), (37, 1), (32, 32), (33, 31), (64, 65), (400, 150)]
    while len(lens) < n_pairs:
        lens.append(tuple(rng.integers(lo, hi + 1, size=2)))
    xs = [rng.integers(0, A, n).astype(np.uint8) for n, _ in lens]
    ys = [rng.integers(0, A, m).astype(np.uint8) for _, m in lens]
    return xs, ys


MODELS = {
    "protein_preset": lambda rng: tp.PairHMM.from_preset("protein"),
    "random_sym_k1": lambda rng: random_model(rng, True, 1),
    "random_asym_k2": lambda rng: random_model(rng, False, 2),
    "random_asym_k1": lambda rng: random_model(rng, False, 1),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_float64_equals_cpu(gpu, name):
    rng = np.random.default_rng(list(MODELS).index(name))
    model = MODELS[name](rng)
    xs, ys = _pairs(rng, 60)
    args, fast = model._log_args(), model._fast_args()
    lp, flags = gpu.score(xs, ys, *args)
    # several chunks: every pair its own chunk for the first call
    lp2, flags2, post = gpu.posterior_match(xs, ys, *args, chunk_bytes=1)
    lp3, flags3, score, ops = gpu.mea(xs, ys, *args, chunk_bytes=8 * 2**20)
    assert not (flags.any() or flags2.any() or flags3.any())
    for p, (x, y) in enumerate(zip(xs, ys)):
        c_lp, c_flag, c_pm, _, _ = nk.posterior(x, y, *fast)
        assert not c_flag
        np.testing.assert_allclose([lp[p], lp2[p], lp3[p]], c_lp, rtol=RTOL, err_msg=str(p))
        np.testing.assert_allclose(post[p], c_pm, rtol=RTOL, atol=1e-250, err_msg=str(p))
        c_score, c_ops = nk.mea(c_pm)
        np.testing.assert_array_equal(ops[p], c_ops, err_msg=str(p))
        np.testing.assert_allclose(score[p], c_score, rtol=RTOL)


@pytest.mark.parametrize("name", list(MODELS))
def test_viterbi_float64_equals_cpu(gpu, name):
    """Identical state paths and path log-probabilities (exact, same sums and tie rule);
    forward log P and the summed match posteriors along the path to 1e-10."""
    rng = np.random.default_rng(10 + list(MODELS).index(name))
    model = MODELS[name](rng)
    K = model.n_insert_pairs
    xs, ys = _pairs(rng, 60)
    args, fast = model._log_args(), model._fast_args()
    lp, flags, score, states, vlp = gpu.viterbi(xs, ys, *args, chunk_bytes=8 * 2**20)
    _, flags2, none_lp, states2, vlp2 = gpu.viterbi(xs, ys, *args, posteriors=False,
                                                    chunk_bytes=1)
    assert not (flags.any() or flags2.any()) and none_lp is None
    for p, (x, y) in enumerate(zip(xs, ys)):
        c_vlp, c_states = nk.viterbi(x, y, *args)
        for st, v in ((states[p], vlp[p]), (states2[p], vlp2[p])):
            np.testing.assert_array_equal(st, c_states, err_msg=str(p))
            assert v == c_vlp, (p, v, c_vlp)
        c_lp, _, c_pm, _, _ = nk.posterior(x, y, *fast)
        np.testing.assert_allclose(lp[p], c_lp, rtol=RTOL, err_msg=str(p))
        np.testing.assert_allclose(score[p], _path_accuracy(c_pm, c_states, K), rtol=RTOL,
                                   err_msg=str(p))


def test_viterbi_float32_path_scores(gpu):
    """float32 Viterbi: the path's log-probability within the float32 log-likelihood
    tolerance of the float64 one (not yet measured on a GPU; paths may differ at
    near-ties)."""
    rng = np.random.default_rng(7)
    model = tp.PairHMM.from_preset("protein")
    xs, ys = _pairs(rng, 40, lo=100)
    args = model._log_args()
    _, _, _, _, v64 = gpu.viterbi(xs, ys, *args, posteriors=False)
    _, flags, _, st32, v32 = gpu.viterbi(xs, ys, *args, posteriors=False, dtype=np.float32)
    assert not flags.any()
    np.testing.assert_allclose(v32, v64, rtol=F32_LP_RTOL)
    for p, (x, y) in enumerate(zip(xs, ys)):     # a valid path, near-optimal in float64
        r = ref.path_log_prob(x, y, st32[p], *args)
        np.testing.assert_allclose(r, v64[p], rtol=F32_LP_RTOL)


COUNT_NAMES = ("trans", "end", "match", "ins_x", "ins_y")


@pytest.mark.parametrize("name", list(MODELS))
def test_expected_counts_float64_equal_cpu(gpu, name):
    """The E-step's summed counts against the Numba CPU kernel, rtol 1e-10 (atomic sums:
    equal to rounding, not bit for bit); several chunks."""
    rng = np.random.default_rng(20 + list(MODELS).index(name))
    model = MODELS[name](rng)
    xs, ys = _pairs(rng, 60)
    args, fast = model._log_args(), model._fast_args()
    lp, flags, *got = gpu.expected_counts(xs, ys, *args, chunk_bytes=16 * 2**20)
    assert not flags.any()
    want = [np.zeros_like(g) for g in got]
    for p, (x, y) in enumerate(zip(xs, ys)):
        c_lp, c_flag = nk.expected_counts(x, y, *fast, *want)
        assert not c_flag
        np.testing.assert_allclose(lp[p], c_lp, rtol=RTOL, err_msg=str(p))
    for n, g, w in zip(COUNT_NAMES, got, want):
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=1e-12 * np.abs(w).max(),
                                   err_msg=n)


def test_fit_backend_cupy_equals_numba():
    rng = np.random.default_rng(8)
    model = tp.PairHMM.from_preset("protein")
    alpha = model._encoder.alphabet
    xs, ys = _pairs(rng, 30)
    pairs = [("".join(alpha[c] for c in x), "".join(alpha[c] for c in y))
             for x, y in zip(xs, ys)]
    kw = dict(n_iter=3, learn_tau=True)
    m1 = tp.PairHMM.from_preset("protein").fit(pairs, backend="cupy", **kw)
    m2 = tp.PairHMM.from_preset("protein").fit(pairs, backend="numba", **kw)
    assert m1.backend_ == "cupy"
    for attr in ("delta_", "epsilon_", "tau_", "match_prob_", "insert_prob_"):
        np.testing.assert_allclose(getattr(m1, attr), getattr(m2, attr), rtol=RTOL,
                                   err_msg=attr)
    np.testing.assert_allclose(m1.monitor_.history, m2.monitor_.history, rtol=RTOL)


def test_small_pairs_equal_reference(gpu):
    rng = np.random.default_rng(3)
    for sym, K in [(True, 1), (True, 2), (False, 1), (False, 2)]:
        model = random_model(rng, sym, K, A=4)
        xs, ys = _pairs(rng, 9, A=4, hi=12)
        xs, ys = xs[:2] + xs[7:], ys[:2] + ys[7:]
        args = model._log_args()
        lp, _, score, ops = gpu.mea(xs, ys, *args)
        _, _, post = gpu.posterior_match(xs, ys, *args)
        for p, (x, y) in enumerate(zip(xs, ys)):
            r_lp, r_post = ref.posterior(x, y, *args)
            np.testing.assert_allclose(lp[p], r_lp, rtol=RTOL)
            np.testing.assert_allclose(post[p], r_post[0, 1:, 1:], rtol=RTOL, atol=1e-300)
            r_score, r_ops = ref.mea(r_post[0, 1:, 1:])
            assert "".join("MID"[c] for c in ops[p]) == r_ops
            np.testing.assert_allclose(score[p], r_score, rtol=RTOL)


def test_symmetric_model_swapped_pairs_score_equally(gpu):
    rng = np.random.default_rng(4)
    model = tp.PairHMM.from_preset("protein")
    xs, ys = _pairs(rng, 30)
    lp, _ = gpu.score(xs + ys, ys + xs, *model._log_args())
    np.testing.assert_allclose(lp[:30], lp[30:], rtol=1e-12)


@pytest.mark.parametrize("name", ["protein_preset", "random_asym_k2"])
def test_float32_within_documented_tolerance(gpu, name):
    rng = np.random.default_rng(5)
    model = MODELS[name](rng)
    xs, ys = _pairs(rng, 80, lo=100)
    args = model._log_args()
    lp64, _, sc64, ops64 = gpu.mea(xs, ys, *args)
    lp, flags = gpu.score(xs, ys, *args, dtype=np.float32)
    lp2, _, post = gpu.posterior_match(xs, ys, *args, dtype=np.float32)
    lp3, _, sc, ops = gpu.mea(xs, ys, *args, dtype=np.float32)
    _, _, post64 = gpu.posterior_match(xs, ys, *args)
    assert not flags.any()
    for got in (lp, lp2, lp3):
        np.testing.assert_allclose(got, lp64, rtol=F32_LP_RTOL)
    err = max(float(np.abs(a - b).max(initial=0.0)) for a, b in zip(post, post64))
    assert err <= F32_POST_ATOL, err
    mn = np.array([max(1, min(len(x), len(y))) for x, y in zip(xs, ys)])
    np.testing.assert_allclose(sc / mn, sc64 / mn, atol=F32_ACC_ATOL)
    same = np.mean([np.array_equal(a, b) for a, b in zip(ops, ops64)])
    assert same >= F32_SAME_OPS, same


def test_model_layer_backend_cupy_equals_numba():
    rng = np.random.default_rng(6)
    model = tp.PairHMM.from_preset("protein")
    alpha = model._encoder.alphabet
    xs, ys = _pairs(rng, 40)
    pairs = [("".join(alpha[c] for c in x), "".join(alpha[c] for c in y))
             for x, y in zip(xs, ys)]
    np.testing.assert_allclose(model.score_many(pairs, backend="cupy"),
                               model.score_many(pairs, backend="numba"), rtol=RTOL)
    pd.testing.assert_frame_equal(model.align_many(pairs, backend="cupy"),
                                  model.align_many(pairs, backend="numba"), rtol=RTOL)
    pd.testing.assert_frame_equal(model.align_many(pairs, method="viterbi", backend="cupy"),
                                  model.align_many(pairs, method="viterbi",
                                                   backend="numba"), rtol=RTOL)
    gm = tp.PairHMM.from_preset("protein", backend="cupy")
    x, y = pairs[4]
    np.testing.assert_allclose(gm.posterior(x, y), model.posterior(x, y), rtol=RTOL,
                               atol=1e-250)
    np.testing.assert_allclose(gm.log_likelihood(y, x), gm.log_likelihood(x, y), rtol=1e-12)
    assert gm.align(x, y) == model.align(x, y)
    for a, b in [(x, y), (y, x)]:
        got, want = gm.viterbi(a, b), model.viterbi(a, b)
        assert got == want and np.array_equal(got.path, want.path)
        assert got.log_prob == want.log_prob
