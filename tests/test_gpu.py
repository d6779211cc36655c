"""The GPU backend on a real NVIDIA GPU (marked ``gpu``; skipped with a reason elsewhere).

The kernels' logic is also tested without a GPU, under Numba's CUDA simulator, in
``test_gpu_sim.py``; these tests are the same comparisons at real sizes on the device.
Tolerances: float64 1e-10 relative (as for every backend); float32 as documented in
``docs/gpu.md`` (log-likelihoods 1e-5 relative, posteriors 1e-4 absolute, expected
transition counts 1e-4 relative to the number of transitions).
"""

import numpy as np
import pytest

import tiedpgm as tp
from tiedpgm.kernels import numba_cpu, reference, safe_log

from _gpu_helpers import has_cuda_gpu, has_cupy_gpu
from _hmm_helpers import offsets_of, random_model


HAS_GPU = has_cuda_gpu()
pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not HAS_GPU, reason="needs an NVIDIA GPU visible to numba.cuda "
                                 "(CUDA driver); the kernels are tested on the CPU under the "
                                 "CUDA simulator in test_gpu_sim.py")]
needs_cupy = pytest.mark.skipif(not has_cupy_gpu(), reason="needs CuPy and an NVIDIA GPU")

RTOL = 1e-10
F32_LP_RTOL = 1e-5
F32_POST_ATOL = 1e-4


@pytest.fixture(scope="module")
def gpu():
    from tiedpgm.kernels import cupy_gpu
    return cupy_gpu


def _frames(rng, N, K, zeros=False, tie_groups=None):
    G = K if tie_groups is None else max(tie_groups) + 1
    lfp = rng.normal(size=(N, G)) * 3.0 - 2.0
    if zeros and G > 1:
        mask = rng.random((N, G)) < 0.2
        mask[np.arange(N), rng.integers(G, size=N)] = False
        lfp[mask] = -np.inf
    # tied states share one emission column (what the model layer hands the kernels)
    return lfp if tie_groups is None else np.ascontiguousarray(lfp[:, tie_groups])




def _check_f64(gpu, oracle, log_pi, log_A, lfp, offsets, **kw):
    lp, post, xi = gpu.forward_backward(log_pi, log_A, lfp, offsets, **kw)
    r_lp, r_post, r_xi = oracle.forward_backward(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(lp, r_lp, rtol=RTOL)
    np.testing.assert_allclose(post, r_post, rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(xi, r_xi, rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(gpu.score(log_pi, log_A, lfp, offsets, **kw), r_lp, rtol=RTOL)
    v_lp, states = gpu.viterbi(log_pi, log_A, lfp, offsets, **kw)
    r_vlp, r_states = oracle.viterbi(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(v_lp, r_vlp, rtol=RTOL)
    np.testing.assert_array_equal(states, r_states)


# kernel "auto" is the warp kernel for K <= 32 and the block kernel above; for K <= 32 the
# block kernel is checked too
@pytest.mark.parametrize("K, zeros, tied, kernel", [
    (1, False, False, "auto"), (1, False, False, "block"), (3, True, False, "auto"),
    (3, True, False, "block"), (8, False, True, "auto"),
    (16, True, False, "auto"), (16, True, False, "block"), (32, True, False, "auto"),
    (33, False, False, "auto"), (128, True, True, "auto")])
def test_float64_matches_reference_ragged(gpu, K, zeros, tied, kernel):
    rng = np.random.default_rng(K)
    log_pi, log_A = random_model(rng, K, zeros)
    lengths = np.concatenate(([1, 1, 2], rng.integers(1, 120, size=40), [1]))
    groups = list(np.arange(K) // 2) if tied and K > 1 else None
    lfp = _frames(rng, int(lengths.sum()), K, zeros, groups)
    _check_f64(gpu, reference, log_pi, log_A, lfp, offsets_of(lengths), kernel=kernel)


@pytest.mark.parametrize("K", [3, 16])
def test_warp_kernels_grid_stride_and_deterministic(gpu, K):
    """Few blocks (each warp loops over many tasks of sequences) give the same answers,
    and two runs give bit-identical results (fixed-order xi reduction)."""
    rng = np.random.default_rng(200 + K)
    log_pi, log_A = random_model(rng, K, zeros=True)
    lengths = np.where(rng.random(500) < 0.3, 1, rng.integers(2, 300, size=500))
    lfp = _frames(rng, int(lengths.sum()), K, zeros=True)
    offsets = offsets_of(lengths)
    _check_f64(gpu, numba_cpu, log_pi, log_A, lfp, offsets, max_blocks=3)
    one = gpu.forward_backward(log_pi, log_A, lfp, offsets)
    two = gpu.forward_backward(log_pi, log_A, lfp, offsets)
    for x, y in zip(one, two):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("K", [3, 16])
def test_viterbi_ties_go_to_lowest_index(gpu, K):
    log_pi = np.full(K, -np.log(K))
    log_A = np.full((K, K), -np.log(K))
    lfp = np.zeros((300, K))
    lfp[::7, K - 1] = -1.0
    offsets = offsets_of([100, 1, 150, 49])
    r_lp, r_states = reference.viterbi(log_pi, log_A, lfp, offsets)
    for kernel in ("warp", "block"):
        lp, states = gpu.viterbi(log_pi, log_A, lfp, offsets, kernel=kernel)
        np.testing.assert_array_equal(states, r_states)
        np.testing.assert_allclose(lp, r_lp, rtol=RTOL)


def test_float64_many_sequences_and_length_one(gpu):
    rng = np.random.default_rng(11)
    K = 16
    log_pi, log_A = random_model(rng, K, zeros=True)
    lengths = np.where(rng.random(3000) < 0.5, 1, rng.integers(200, 1800, size=3000))
    lfp = _frames(rng, int(lengths.sum()), K, zeros=True)
    # numba_cpu is itself checked against the reference (test_kernels.py) and is fast
    _check_f64(gpu, numba_cpu, log_pi, log_A, lfp, offsets_of(lengths))


def test_float64_one_very_long_sequence(gpu):
    rng = np.random.default_rng(12)
    K = 4
    log_pi, log_A = random_model(rng, K)
    lfp = _frames(rng, 1_000_000, K)
    offsets = offsets_of([len(lfp)])
    lp, post, xi = gpu.forward_backward(log_pi, log_A, lfp, offsets)
    c_lp, c_post, c_xi = numba_cpu.forward_backward(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(lp, c_lp, rtol=RTOL)
    np.testing.assert_allclose(post, c_post, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(xi, c_xi, rtol=1e-9)
    v_lp, states = gpu.viterbi(log_pi, log_A, lfp, offsets)
    c_vlp, c_states = numba_cpu.viterbi(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(v_lp, c_vlp, rtol=RTOL)
    np.testing.assert_array_equal(states, c_states)


@pytest.mark.parametrize("K, kernel", [(8, "auto"), (16, "auto"), (16, "block"), (32, "auto"),
                                       (128, "auto")])
def test_float32_within_documented_tolerance(gpu, K, kernel):
    rng = np.random.default_rng(100 + K)
    log_pi, log_A = random_model(rng, K, zeros=True)
    lengths = np.concatenate(([1, 1], rng.integers(200, 1800, size=30)))
    lfp = _frames(rng, int(lengths.sum()), K, zeros=True)
    offsets = offsets_of(lengths)
    f32 = dict(dtype=np.float32, kernel=kernel)
    lp, post, xi = gpu.forward_backward(log_pi, log_A, lfp, offsets, **f32)
    c_lp, c_post, c_xi = numba_cpu.forward_backward(log_pi, log_A, lfp, offsets)
    assert post.dtype == np.float32
    np.testing.assert_allclose(lp, c_lp, rtol=F32_LP_RTOL)
    np.testing.assert_allclose(post, c_post, atol=F32_POST_ATOL)
    n_trans = offsets[-1] - len(lengths)
    np.testing.assert_allclose(xi / n_trans, c_xi / n_trans, atol=F32_POST_ATOL)
    np.testing.assert_allclose(gpu.score(log_pi, log_A, lfp, offsets, **f32), c_lp,
                               rtol=F32_LP_RTOL)
    v_lp, _ = gpu.viterbi(log_pi, log_A, lfp, offsets, **f32)
    np.testing.assert_allclose(v_lp, numba_cpu.viterbi(log_pi, log_A, lfp, offsets)[0],
                               rtol=F32_LP_RTOL)


@pytest.mark.parametrize("kernel", ["warp", "block"])
def test_impossible_sequence_gives_minus_inf(gpu, kernel):
    log_pi = safe_log([1.0, 0.0])
    log_A = safe_log([[1.0, 0.0], [0.0, 1.0]])
    lfp = np.log(np.full((12, 2), 0.5))
    lfp[4, 0] = -np.inf
    lp, post, xi = gpu.forward_backward(log_pi, log_A, lfp, offsets_of([3, 4, 5]), kernel=kernel)
    assert np.isneginf(lp[1]) and np.isfinite(lp[[0, 2]]).all()
    assert np.isnan(post[3:7]).all() and np.isnan(xi).all()
    assert np.isfinite(post[7:]).all()


@needs_cupy
def test_cupy_inputs_and_posteriors_kept_on_device(gpu):
    import cupy
    rng = np.random.default_rng(13)
    K = 8
    log_pi, log_A = random_model(rng, K)
    lengths = rng.integers(1, 500, size=100)
    lfp = _frames(rng, int(lengths.sum()), K)
    offsets = offsets_of(lengths)
    lp, post, xi = gpu.forward_backward(cupy.asarray(log_pi), cupy.asarray(log_A),
                                        cupy.asarray(lfp), cupy.asarray(offsets),
                                        keep_on_device=True)
    assert isinstance(post, cupy.ndarray)
    c_lp, c_post, c_xi = numba_cpu.forward_backward(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(lp, c_lp, rtol=RTOL)
    np.testing.assert_allclose(post.get(), c_post, rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(xi, c_xi, rtol=RTOL)


@needs_cupy
def test_model_fit_on_gpu_equals_cpu():
    rng = np.random.default_rng(14)
    X = rng.normal(size=(3000, 2)) + np.repeat(rng.normal(scale=3, size=(30, 2)), 100, axis=0)
    lengths = [100] * 30
    kw = dict(n_components=4, covariance_type="diag", tie_groups=[0, 0, 1, 2], n_iter=10,
              random_state=0)
    cpu = tp.GaussianHMM(backend="numba", **kw).fit(X, lengths)
    gpu_model = tp.GaussianHMM(backend="cupy", **kw).fit(X, lengths)
    assert gpu_model.backend_ == "cupy"
    np.testing.assert_allclose(gpu_model.transmat_, cpu.transmat_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(gpu_model.means_, cpu.means_, rtol=1e-8)
    np.testing.assert_allclose(gpu_model.score(X, lengths), cpu.score(X, lengths), rtol=1e-10)
