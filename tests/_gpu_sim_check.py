"""GPU kernel checks that run on the CPU under Numba's CUDA simulator.

Run as ``NUMBA_ENABLE_CUDASIM=1 python tests/_gpu_sim_check.py [case ...]``: the
variable must be set before numba is imported, so ``tests/test_gpu_sim.py`` runs this
file in a subprocess and turns each line of its JSON output into one test result.
Importing this module (to read ``CASES``) does not import numba.

Sizes are tiny (N <= 60): the simulator runs every GPU thread as a Python thread. The
warp kernels (K <= 32: 32 // P sequences per warp, P the next power of two >= K) run with
two warps per simulated block; K = 33 and 40 take the block kernel; cases marked "both"
run the same comparison with ``kernel="warp"`` and ``kernel="block"``.
"""
import os
import sys

import numpy as np

from _gpu_helpers import sim_main

from _hmm_helpers import offsets_of, random_frames, random_model
from tiedpgm.kernels import safe_log

RTOL = 1e-10          # float64, as for every backend (docs/gpu.md)
RTOL_F32_LP = 1e-5    # float32 log-likelihoods (relative)
ATOL_F32 = 1e-4       # float32 posteriors and xi (absolute; they are in [0, 1] / counts)

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def _gpu():
    from tiedpgm.kernels import cupy_gpu
    return cupy_gpu


BOTH = ("warp", "block")


def _compare(log_pi, log_A, lfp, offsets, max_blocks=None, kernels=("auto",)):
    """Every GPU function against the reference, float64, rtol 1e-10, for each kernel."""
    from tiedpgm.kernels import reference
    g = _gpu()
    r_lp, r_post, r_xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    r_vlp, r_states = reference.viterbi(log_pi, log_A, lfp, offsets)
    for kernel in kernels:
        kw = dict(max_blocks=max_blocks, kernel=kernel)
        lp, post, xi = g.forward_backward(log_pi, log_A, lfp, offsets, **kw)
        np.testing.assert_allclose(lp, r_lp, rtol=RTOL)
        np.testing.assert_allclose(post, r_post, rtol=RTOL, atol=1e-300)
        np.testing.assert_allclose(xi, r_xi, rtol=RTOL, atol=1e-300)
        np.testing.assert_allclose(g.score(log_pi, log_A, lfp, offsets, **kw), r_lp, rtol=RTOL)
        v_lp, v_states = g.viterbi(log_pi, log_A, lfp, offsets, **kw)
        np.testing.assert_allclose(v_lp, r_vlp, rtol=RTOL)
        np.testing.assert_array_equal(v_states, r_states)
        assert post.dtype == np.float64 and v_states.dtype == np.int64


@case
def ragged_untied_k3():
    rng = np.random.default_rng(1)
    log_pi, log_A = random_model(rng, 3)
    lengths = [7, 1, 12, 2, 1, 9]
    _compare(log_pi, log_A, random_frames(rng, sum(lengths), 3), offsets_of(lengths),
             kernels=BOTH)


@case
def ragged_structural_zeros_k4():
    rng = np.random.default_rng(2)
    log_pi, log_A = random_model(rng, 4, zeros=True)
    lengths = [1, 10, 3, 1, 14]
    _compare(log_pi, log_A, random_frames(rng, sum(lengths), 4, zeros=True), offsets_of(lengths))


@case
def grid_stride_one_and_two_blocks():
    """Fewer blocks than sequences: each block loops over several sequences."""
    rng = np.random.default_rng(3)
    log_pi, log_A = random_model(rng, 2, zeros=True)
    lengths = [4, 1, 6, 1, 3]
    lfp = random_frames(rng, sum(lengths), 2, zeros=True)
    for max_blocks in (1, 2):
        _compare(log_pi, log_A, lfp, offsets_of(lengths), max_blocks=max_blocks, kernels=BOTH)


@case
def warp_k16_two_sequences_per_warp():
    """K = 16: P = 16 lanes per sequence, 2 sequences per warp with different lengths
    (the warp steps to the longer one), 5 tasks over 2 blocks x 2 warps (grid-stride),
    then over one block (each warp several tasks)."""
    rng = np.random.default_rng(16)
    log_pi, log_A = random_model(rng, 16, zeros=True)
    lengths = [6, 1, 9, 3, 1, 5, 2, 1, 4]
    lfp = random_frames(rng, sum(lengths), 16, zeros=True)
    for max_blocks in (None, 1):
        _compare(log_pi, log_A, lfp, offsets_of(lengths), max_blocks=max_blocks)


@case
def warp_k8_four_sequences_per_warp():
    """K = 8: 4 sequences per warp; K = 5: 4 sequences of 8 lanes with 3 idle lanes each."""
    rng = np.random.default_rng(8)
    for K, lengths in ((8, [7, 1, 3, 10, 1, 2]), (5, [1, 8, 2, 6, 1, 1, 4])):
        log_pi, log_A = random_model(rng, K, zeros=True)
        lfp = random_frames(rng, sum(lengths), K, zeros=True)
        _compare(log_pi, log_A, lfp, offsets_of(lengths), max_blocks=1)


@case
def block_kernel_k33_and_k40():
    """K > 32 takes the block kernel (64 threads, some idle)."""
    rng = np.random.default_rng(33)
    for K, lengths in ((33, [3, 1, 5]), (40, [4, 1])):
        log_pi, log_A = random_model(rng, K, zeros=True)
        lfp = random_frames(rng, sum(lengths), K, zeros=True)
        _compare(log_pi, log_A, lfp, offsets_of(lengths))


@case
def warp_kernel_refuses_k33_and_unknown_kernel():
    g = _gpu()
    lfp = np.zeros((2, 33))
    for kernel, match in (("warp", "at most 32"), ("fast", "not one of")):
        try:
            g.score(np.zeros(33), np.zeros((33, 33)), lfp, offsets_of([2]), kernel=kernel)
        except ValueError as exc:
            assert match in str(exc), str(exc)
        else:
            raise AssertionError(f"kernel={kernel!r} with K=33 was accepted")


@case
def xi_reduction_is_deterministic():
    """Same inputs, same launch: bit-identical expected transition counts and posteriors."""
    g = _gpu()
    rng = np.random.default_rng(9)
    log_pi, log_A = random_model(rng, 4)
    lengths = [5, 1, 7, 3, 2, 6, 1, 4, 3]
    lfp = random_frames(rng, sum(lengths), 4)
    for kernel in BOTH:
        one = g.forward_backward(log_pi, log_A, lfp, offsets_of(lengths), kernel=kernel)
        two = g.forward_backward(log_pi, log_A, lfp, offsets_of(lengths), kernel=kernel)
        for x, y in zip(one, two):
            np.testing.assert_array_equal(x, y)


@case
def single_state_and_all_length_one():
    rng = np.random.default_rng(4)
    _compare(np.zeros(1), np.zeros((1, 1)), random_frames(rng, 9, 1), offsets_of([4, 1, 4]),
             kernels=BOTH)
    log_pi, log_A = random_model(rng, 3)
    _compare(log_pi, log_A, random_frames(rng, 5, 3), offsets_of([1] * 5), kernels=BOTH)


@case
def longer_sequence_k2():
    """One sequence of 60 frames (the 'very long' case at simulator scale)."""
    rng = np.random.default_rng(5)
    log_pi, log_A = random_model(rng, 2)
    _compare(log_pi, log_A, random_frames(rng, 60, 2, scale=5.0), offsets_of([60]))


@case
def impossible_sequence_is_redone_on_host():
    """A sequence of probability zero is flagged on the device; the host gives -inf/NaN.
    On the warp kernel the other sequences of its warp carry on past it."""
    from tiedpgm.kernels import reference
    g = _gpu()
    log_pi = safe_log([1.0, 0.0])
    log_A = safe_log([[1.0, 0.0], [0.0, 1.0]])
    lfp = np.log(np.full((12, 2), 0.5))
    lfp[4, 0] = -np.inf           # sequence 1 (rows 3..6) can never be in state 1 -> impossible
    offsets = offsets_of([3, 4, 5])
    r_lp, r_post, r_xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    for kernel in BOTH:
        lp, post, xi = g.forward_backward(log_pi, log_A, lfp, offsets, kernel=kernel)
        assert np.isneginf(lp[1]) and np.isneginf(r_lp[1])
        np.testing.assert_allclose(lp[[0, 2]], r_lp[[0, 2]], rtol=RTOL)
        np.testing.assert_allclose(post[:3], r_post[:3], rtol=RTOL)
        np.testing.assert_allclose(post[7:], r_post[7:], rtol=RTOL)
        assert np.isnan(post[3:7]).all() and np.isnan(xi).all() and np.isnan(r_xi).all()
        assert np.isneginf(g.score(log_pi, log_A, lfp, offsets, kernel=kernel)[1])
    # K = 16 (two sequences per warp): an impossible sequence next to a possible one
    rng = np.random.default_rng(17)
    log_pi, log_A = random_model(rng, 16)
    log_A[:, 3] = -np.inf
    lengths = [5, 4, 2]
    lfp = random_frames(rng, sum(lengths), 16)
    lfp[6, :] = -np.inf
    lfp[6, 3] = 0.0               # row 1 of sequence 1 needs the unreachable state 3
    offsets = offsets_of(lengths)
    r_lp, r_post, _ = reference.forward_backward(log_pi, log_A, lfp, offsets)
    lp, post, _ = g.forward_backward(log_pi, log_A, lfp, offsets)
    assert np.isneginf(lp[1]) and np.isneginf(r_lp[1]) and np.isfinite(lp[[0, 2]]).all()
    np.testing.assert_allclose(lp[[0, 2]], r_lp[[0, 2]], rtol=RTOL)
    np.testing.assert_allclose(post[:5], r_post[:5], rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(post[9:], r_post[9:], rtol=RTOL, atol=1e-300)


@case
def underflowing_frame_is_redone_on_host():
    """A frame whose best state alpha can reach is 900 nats below its row maximum: the
    scale factor underflows, the device flags the sequence and the host redoes it."""
    from tiedpgm.kernels import reference
    g = _gpu()
    K = 4
    log_pi = safe_log([0.5, 0.5, 0.0, 0.0])
    log_A = safe_log([[0.5, 0.5, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0],
                      [0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]])
    rng = np.random.default_rng(18)
    lfp = random_frames(rng, 10, K)
    lfp[6, 2:] = 0.0
    lfp[6, :2] = -900.0
    offsets = offsets_of([5, 5])
    r_lp, r_post, r_xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    assert np.isfinite(r_lp).all()
    for kernel in BOTH:
        lp, post, xi = g.forward_backward(log_pi, log_A, lfp, offsets, kernel=kernel)
        np.testing.assert_allclose(lp, r_lp, rtol=RTOL)
        np.testing.assert_allclose(post, r_post, rtol=RTOL, atol=1e-300)
        np.testing.assert_allclose(xi, r_xi, rtol=RTOL, atol=1e-300)
        np.testing.assert_allclose(g.score(log_pi, log_A, lfp, offsets, kernel=kernel), r_lp,
                                   rtol=RTOL)


@case
def peaked_frames_and_unreachable_states():
    """Frames spanning hundreds of nats and a state alpha never reaches."""
    rng = np.random.default_rng(6)
    K = 3
    log_pi = safe_log([0.5, 0.5, 0.0])
    log_A = safe_log([[0.6, 0.4, 0.0], [0.3, 0.7, 0.0], [0.2, 0.2, 0.6]])
    lfp = random_frames(rng, 20, K, scale=1.0)
    lfp[:, 2] = 0.0                   # the unreachable state has the best frames
    lfp[:, :2] -= 300.0
    lfp[5, 0] -= 800.0                # beyond exp range between reachable states
    _compare(log_pi, log_A, lfp, offsets_of([8, 1, 11]))


@case
def viterbi_ties_go_to_lowest_index():
    g = _gpu()
    from tiedpgm.kernels import reference
    for K in (3, 16):
        log_pi = np.full(K, -np.log(K))
        log_A = np.full((K, K), -np.log(K))
        lfp = np.zeros((7, K))
        lfp[5, K - 1] = -1.0      # a tie among all but the last state
        offsets = offsets_of([4, 2, 1])
        r_lp, r_states = reference.viterbi(log_pi, log_A, lfp, offsets)
        for kernel in BOTH:
            lp, states = g.viterbi(log_pi, log_A, lfp, offsets, kernel=kernel)
            np.testing.assert_array_equal(states, r_states)
            np.testing.assert_allclose(lp, r_lp, rtol=RTOL)


@case
def float32_within_tolerance():
    from tiedpgm.kernels import reference
    g = _gpu()
    rng = np.random.default_rng(7)
    log_pi, log_A = random_model(rng, 4, zeros=True)
    lengths = [1, 13, 5, 1, 20]
    lfp = random_frames(rng, sum(lengths), 4, zeros=True)
    offsets = offsets_of(lengths)
    r_lp, r_post, r_xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    for kernel in BOTH:
        f32 = dict(dtype=np.float32, kernel=kernel)
        lp, post, xi = g.forward_backward(log_pi, log_A, lfp, offsets, **f32)
        assert post.dtype == np.float32 and lp.dtype == np.float64 and xi.dtype == np.float64
        np.testing.assert_allclose(lp, r_lp, rtol=RTOL_F32_LP)
        np.testing.assert_allclose(post, r_post, atol=ATOL_F32)
        np.testing.assert_allclose(xi, r_xi, atol=ATOL_F32 * len(lengths), rtol=1e-4)
        np.testing.assert_allclose(g.score(log_pi, log_A, lfp, offsets, **f32), r_lp,
                                   rtol=RTOL_F32_LP)
        v_lp, _ = g.viterbi(log_pi, log_A, lfp, offsets, **f32)
        np.testing.assert_allclose(v_lp, reference.viterbi(log_pi, log_A, lfp, offsets)[0],
                                   rtol=RTOL_F32_LP)


@case
def bad_dtype_is_refused():
    g = _gpu()
    try:
        g.forward_backward(np.zeros(1), np.zeros((1, 1)), np.zeros((2, 1)), offsets_of([2]),
                           dtype=np.int32)
    except ValueError as exc:
        assert "float64" in str(exc)
    else:
        raise AssertionError("dtype=np.int32 was accepted")


def _compare_chunked(log_pi, log_A, lfp, offsets, chunk_len, rtol=RTOL, atol=1e-300):
    """The chunked long-sequence path (cuda_long) against the reference.

    ``atol``: each chunk product keeps ~308 decades per row, so with frames spanning
    hundreds of nats values below ~1e-200 may lose digits or flush to 0 (docs/gpu.md)."""
    from tiedpgm.kernels import cuda_long, reference
    r_lp, r_post, r_xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    lp, post, xi = cuda_long.forward_backward(log_pi, log_A, lfp, offsets, chunk_len=chunk_len)
    np.testing.assert_allclose(lp, r_lp, rtol=rtol)
    np.testing.assert_allclose(post, r_post, rtol=rtol, atol=atol)
    np.testing.assert_allclose(xi, r_xi, rtol=rtol, atol=atol)
    np.testing.assert_allclose(cuda_long.score(log_pi, log_A, lfp, offsets, chunk_len=chunk_len),
                               r_lp, rtol=rtol)


@case
def long_chunked_ragged():
    """Chunk boundaries everywhere: lengths 1, shorter than, equal to and several chunks."""
    rng = np.random.default_rng(21)
    for K, lengths, L in [(3, [23], 5), (2, [1, 9, 4, 17], 4), (4, [30, 1, 2, 7], 7),
                          (1, [5, 3], 2)]:
        log_pi, log_A = random_model(rng, K)
        off = offsets_of(lengths)
        _compare_chunked(log_pi, log_A, random_frames(rng, off[-1], K), off, L)


@case
def long_chunked_zeros_wide_frames_and_impossible():
    rng = np.random.default_rng(22)
    log_pi, log_A = random_model(rng, 4, zeros=True)
    off = offsets_of([25, 3, 11])
    _compare_chunked(log_pi, log_A, random_frames(rng, off[-1], 4, zeros=True), off, 6)
    # frames spanning ~1000 nats across states; a sequence of probability zero (host redo)
    lfp = random_frames(rng, off[-1], 4, scale=400.0)
    _compare_chunked(log_pi, log_A, lfp, off, 4, atol=1e-200)
    lfp[30] = -np.inf
    _compare_chunked(log_pi, log_A, lfp, off, 4, atol=1e-200)


@case
def long_chunked_viterbi():
    """(max, +) chunk products, stitched boundary states, per-chunk paths: the reference's
    path and log-probability (random frames: no exact ties), an impossible sequence too."""
    from tiedpgm.kernels import cuda_long, reference
    rng = np.random.default_rng(24)
    for K, lengths, L, zeros in [(3, [23], 5, False), (2, [1, 9, 4, 17], 4, False),
                                 (4, [30, 1, 2, 7], 7, True), (1, [5, 3], 2, False)]:
        log_pi, log_A = random_model(rng, K, zeros=zeros)
        off = offsets_of(lengths)
        lfp = random_frames(rng, off[-1], K, zeros=zeros)
        if K == 4:
            lfp[35] = -np.inf   # the second sequence has probability zero
        lp, states = cuda_long.viterbi(log_pi, log_A, lfp, off, chunk_len=L)
        r_lp, r_states = reference.viterbi(log_pi, log_A, lfp, off)
        np.testing.assert_allclose(lp, r_lp, rtol=RTOL)
        np.testing.assert_array_equal(states, r_states)


@case
def long_chunked_dispatch():
    """kernel='auto' sends one long sequence to the chunked path, many short ones not."""
    from tiedpgm.kernels import cupy_gpu
    assert cupy_gpu._use_chunked(np.zeros((3, 3)), np.array([0, 5000]), "auto")
    assert not cupy_gpu._use_chunked(np.zeros((3, 3)), np.arange(0, 50_001, 5000), "auto")
    assert not cupy_gpu._use_chunked(np.zeros((65, 65)), np.array([0, 5000]), "auto")
    rng = np.random.default_rng(23)
    log_pi, log_A = random_model(rng, 2)
    off = offsets_of([40, 3])
    lfp = random_frames(rng, off[-1], 2)
    _compare(log_pi, log_A, lfp, off, kernels=("chunked",))


if __name__ == "__main__":
    assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run with NUMBA_ENABLE_CUDASIM=1"
    sys.exit(sim_main(CASES, sys.argv[1:]))
