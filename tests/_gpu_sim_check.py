"""GPU kernel checks that run on the CPU under Numba's CUDA simulator.

Run as ``NUMBA_ENABLE_CUDASIM=1 python tests/_gpu_sim_check.py [case ...]``: the
variable must be set before numba is imported, so ``tests/test_gpu_sim.py`` runs this
file in a subprocess and turns each line of its JSON output into one test result.
Importing this module (to read ``CASES``) does not import numba.

Sizes are tiny (K <= 4, N <= 60): the simulator runs every GPU thread as a Python thread.
"""
import json
import os
import sys
import time
import traceback

import numpy as np

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


def _compare(log_pi, log_A, lfp, offsets, max_blocks=None):
    """Every GPU function against the reference, float64, rtol 1e-10."""
    from tiedpgm.kernels import reference
    g = _gpu()
    lp, post, xi = g.forward_backward(log_pi, log_A, lfp, offsets, max_blocks=max_blocks)
    r_lp, r_post, r_xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(lp, r_lp, rtol=RTOL)
    np.testing.assert_allclose(post, r_post, rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(xi, r_xi, rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(g.score(log_pi, log_A, lfp, offsets, max_blocks=max_blocks),
                               r_lp, rtol=RTOL)
    v_lp, v_states = g.viterbi(log_pi, log_A, lfp, offsets, max_blocks=max_blocks)
    r_vlp, r_states = reference.viterbi(log_pi, log_A, lfp, offsets)
    np.testing.assert_allclose(v_lp, r_vlp, rtol=RTOL)
    np.testing.assert_array_equal(v_states, r_states)
    assert post.dtype == np.float64 and v_states.dtype == np.int64


@case
def ragged_untied_k3():
    rng = np.random.default_rng(1)
    log_pi, log_A = random_model(rng, 3)
    lengths = [7, 1, 12, 2, 1, 9]
    _compare(log_pi, log_A, random_frames(rng, sum(lengths), 3), offsets_of(lengths))


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
        _compare(log_pi, log_A, lfp, offsets_of(lengths), max_blocks=max_blocks)


@case
def single_state_and_all_length_one():
    rng = np.random.default_rng(4)
    _compare(np.zeros(1), np.zeros((1, 1)), random_frames(rng, 9, 1), offsets_of([4, 1, 4]))
    log_pi, log_A = random_model(rng, 3)
    _compare(log_pi, log_A, random_frames(rng, 5, 3), offsets_of([1] * 5))


@case
def longer_sequence_k2():
    """One sequence of 60 frames (the 'very long' case at simulator scale)."""
    rng = np.random.default_rng(5)
    log_pi, log_A = random_model(rng, 2)
    _compare(log_pi, log_A, random_frames(rng, 60, 2, scale=5.0), offsets_of([60]))


@case
def impossible_sequence_is_redone_on_host():
    """A sequence of probability zero is flagged on the device; the host gives -inf/NaN."""
    from tiedpgm.kernels import reference
    g = _gpu()
    log_pi = safe_log([1.0, 0.0])
    log_A = safe_log([[1.0, 0.0], [0.0, 1.0]])
    lfp = np.log(np.full((7, 2), 0.5))
    lfp[4, 0] = -np.inf           # sequence 1 (rows 3..6) can never be in state 1 -> impossible
    offsets = offsets_of([3, 4])
    lp, post, xi = g.forward_backward(log_pi, log_A, lfp, offsets)
    r_lp, r_post, r_xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    assert np.isneginf(lp[1]) and np.isneginf(r_lp[1])
    np.testing.assert_allclose(lp[0], r_lp[0], rtol=RTOL)
    np.testing.assert_allclose(post[:3], r_post[:3], rtol=RTOL)
    assert np.isnan(post[3:]).all() and np.isnan(xi).all() and np.isnan(r_xi).all()
    assert np.isneginf(g.score(log_pi, log_A, lfp, offsets)[1])


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
    K = 3
    log_pi = np.full(K, -np.log(K))
    log_A = np.full((K, K), -np.log(K))
    lfp = np.zeros((6, K))
    offsets = offsets_of([4, 2])
    lp, states = g.viterbi(log_pi, log_A, lfp, offsets)
    r_lp, r_states = reference.viterbi(log_pi, log_A, lfp, offsets)
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
    lp, post, xi = g.forward_backward(log_pi, log_A, lfp, offsets, dtype=np.float32)
    r_lp, r_post, r_xi = reference.forward_backward(log_pi, log_A, lfp, offsets)
    assert post.dtype == np.float32 and lp.dtype == np.float64 and xi.dtype == np.float64
    np.testing.assert_allclose(lp, r_lp, rtol=RTOL_F32_LP)
    np.testing.assert_allclose(post, r_post, atol=ATOL_F32)
    np.testing.assert_allclose(xi, r_xi, atol=ATOL_F32 * len(lengths), rtol=1e-4)
    np.testing.assert_allclose(g.score(log_pi, log_A, lfp, offsets, dtype=np.float32), r_lp,
                               rtol=RTOL_F32_LP)
    v_lp, _ = g.viterbi(log_pi, log_A, lfp, offsets, dtype=np.float32)
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


def main(names):
    from numba import config
    if not config.ENABLE_CUDASIM:
        print("set NUMBA_ENABLE_CUDASIM=1 before running this script", file=sys.stderr)
        return 2
    failed = 0
    for name in names or list(CASES):
        t0 = time.perf_counter()
        try:
            CASES[name]()
            res = {"case": name, "ok": True}
        except Exception:  # noqa: BLE001 - reported to the parent test
            failed += 1
            res = {"case": name, "ok": False, "error": traceback.format_exc()}
        res["seconds"] = round(time.perf_counter() - t0, 2)
        print(json.dumps(res), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run with NUMBA_ENABLE_CUDASIM=1"
    sys.exit(main(sys.argv[1:]))
