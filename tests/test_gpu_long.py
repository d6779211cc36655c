"""The chunked long-sequence GPU path (``cuda_long``) on a real GPU, against the CPU.

Skipped without a GPU; the same logic runs under the CUDA simulator in
``test_gpu_sim.py`` (cases ``long_*``).
"""
import numpy as np
import pytest

from tiedpgm.kernels import numba_cpu

from _hmm_helpers import random_frames, random_model
from test_gpu import F32_LP_RTOL, F32_POST_ATOL, HAS_GPU, RTOL

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not HAS_GPU, reason="needs an NVIDIA GPU visible to numba.cuda")]


@pytest.mark.parametrize("K", [1, 5, 16, 40])
@pytest.mark.parametrize("zeros", [False, True])
def test_chunked_equals_cpu(K, zeros):
    from tiedpgm.kernels import cuda_long
    rng = np.random.default_rng(K + 100 * zeros)
    log_pi, log_A = random_model(rng, K, zeros=zeros)
    lengths = [200_000, 1, 3_001, 77]
    off = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    lfp = random_frames(rng, off[-1], K, zeros=zeros)
    c_lp, c_post, c_xi = numba_cpu.forward_backward(log_pi, log_A, lfp, off)
    lp, post, xi = cuda_long.forward_backward(log_pi, log_A, lfp, off)
    np.testing.assert_allclose(lp, c_lp, rtol=RTOL)
    np.testing.assert_allclose(post, c_post, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(xi, c_xi, rtol=RTOL, atol=1e-9)
    np.testing.assert_allclose(cuda_long.score(log_pi, log_A, lfp, off), c_lp, rtol=RTOL)
    lp32, post32, xi32 = cuda_long.forward_backward(log_pi, log_A, lfp, off, dtype=np.float32)
    # float32 over 200,000 frames: error of a scaled recursion grows like T * eps
    np.testing.assert_allclose(lp32, c_lp, rtol=F32_LP_RTOL * 10)
    np.testing.assert_allclose(post32, c_post, atol=F32_POST_ATOL * 10)


@pytest.mark.parametrize("K", [3, 16, 40])
@pytest.mark.parametrize("frame_zeros", [False, True])
def test_chunked_viterbi_equals_cpu(K, frame_zeros):
    from tiedpgm.kernels import cuda_long
    rng = np.random.default_rng(K)
    log_pi, log_A = random_model(rng, K, zeros=True)
    lengths = [150_000, 1, 2_003]
    off = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    lfp = random_frames(rng, off[-1], K, zeros=frame_zeros)
    c_lp, c_states = numba_cpu.viterbi(log_pi, log_A, lfp, off)
    lp, states = cuda_long.viterbi(log_pi, log_A, lfp, off)
    np.testing.assert_allclose(lp, c_lp, rtol=RTOL)
    # A possible sequence with random real-valued frames has no exact ties: the same path.
    # With impossible frames (-inf) a long sequence can have probability 0; every path then
    # ties at -inf and there is no best path to compare (seen on an H100 with K=3).
    possible = np.isfinite(c_lp)
    assert possible.all() or frame_zeros
    for s in np.flatnonzero(possible):
        np.testing.assert_array_equal(states[off[s]:off[s + 1]], c_states[off[s]:off[s + 1]])
