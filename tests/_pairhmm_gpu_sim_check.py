"""Pair-HMM GPU kernel checks that run on the CPU under Numba's CUDA simulator.

Run as ``NUMBA_ENABLE_CUDASIM=1 python tests/_pairhmm_gpu_sim_check.py [case ...]``: the
variable must be set before numba is imported, so ``tests/test_pairhmm_gpu_sim.py``
runs this file in a subprocess and turns each line of its JSON output into one test.
Importing this module (to read ``CASES``) does not import numba.

Sizes are tiny: the simulator runs every GPU thread as a Python thread. Most cases use
strips of 4 rows (``lanes=4``; the GPU always uses 32) so that lengths <= 14 already span
several strips; one case uses 32 lanes with 40 rows (two strips of a real warp).
"""
import os
import sys

import numpy as np

from _gpu_helpers import sim_main

import tiedpgm as tp

RTOL = 1e-10          # float64, as for every backend
RTOL_F32_LP = 1e-5    # float32 log-likelihoods (relative)
ATOL_F32_POST = 1e-4  # float32 posteriors (absolute)

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def random_model(rng, symmetric, K, A=4, zero_q=False):
    P = rng.dirichlet(np.ones(A * A)).reshape(A, A)
    q = rng.dirichlet(np.ones(A), size=2)
    if zero_q:
        q[:, 0] = 0.0
        q /= q.sum(axis=1, keepdims=True)
    tau = rng.uniform(0.01, 0.2)
    shape = K if symmetric else (K, 2)
    d = rng.uniform(0.02, 0.15, size=shape)
    e = rng.uniform(0.1, 0.98 - tau, size=shape)
    return tp.PairHMM("ACGT"[:A], delta=d, epsilon=e, tau=tau, match_prob=P, insert_prob=q,
                      symmetric=symmetric, n_insert_pairs=K)


def _ops_str(ops):
    return "".join("MID"[int(c)] for c in ops)


def _compare_kernels(model, xs, ys, lanes, chunk_bytes=None, max_warps=None):
    """gpu.score / posterior_match / mea against the reference, float64, rtol 1e-10."""
    from tiedpgm.pairhmm import gpu
    from tiedpgm.pairhmm import kernels_reference as ref
    args = model._log_args()
    lp, flags = gpu.score(xs, ys, *args, lanes=lanes, max_warps=max_warps)
    lp2, flags2, post = gpu.posterior_match(xs, ys, *args, lanes=lanes,
                                            chunk_bytes=chunk_bytes, max_warps=max_warps)
    lp3, flags3, score, ops = gpu.mea(xs, ys, *args, lanes=lanes, chunk_bytes=chunk_bytes,
                                      max_warps=max_warps)
    assert not flags.any() and not flags2.any() and not flags3.any()
    for p, (x, y) in enumerate(zip(xs, ys)):
        r_lp, r_post = ref.posterior(x, y, *args)
        for got in (lp[p], lp2[p], lp3[p]):
            np.testing.assert_allclose(got, r_lp, rtol=RTOL, err_msg=f"pair {p}")
        pm = r_post[0, 1:, 1:]
        assert post[p].shape == (len(x), len(y))
        np.testing.assert_allclose(post[p], pm, rtol=RTOL, atol=1e-300, err_msg=f"pair {p}")
        r_score, r_ops = ref.mea(pm)
        assert _ops_str(ops[p]) == r_ops, (p, _ops_str(ops[p]), r_ops)
        np.testing.assert_allclose(score[p], r_score, rtol=RTOL, atol=1e-300)


def _ragged(rng, lens, A=4):
    xs = [rng.integers(0, A, n).astype(np.uint8) for n, _ in lens]
    ys = [rng.integers(0, A, m).astype(np.uint8) for _, m in lens]
    return xs, ys


# ragged: length 1, empty sides, more rows than one 4-row strip, rows = multiple of 4
LENS = [(1, 1), (9, 4), (0, 3), (3, 0), (14, 2), (1, 6)]


@case
def symmetric_one_insert_pair():
    rng = np.random.default_rng(1)
    _compare_kernels(random_model(rng, True, 1), *_ragged(rng, LENS), lanes=4)


@case
def symmetric_two_insert_pairs_small_chunks():
    """chunk_bytes so small that every pair is its own chunk; one warp for all pairs."""
    rng = np.random.default_rng(2)
    _compare_kernels(random_model(rng, True, 2), *_ragged(rng, LENS), lanes=4,
                     chunk_bytes=1, max_warps=1)


@case
def asymmetric_one_insert_pair():
    rng = np.random.default_rng(3)
    _compare_kernels(random_model(rng, False, 1), *_ragged(rng, LENS), lanes=4)


@case
def asymmetric_two_insert_pairs():
    rng = np.random.default_rng(4)
    _compare_kernels(random_model(rng, False, 2), *_ragged(rng, LENS), lanes=4)


@case
def warp_of_32_lanes_two_strips():
    """The GPU's strip height: 40 rows = two strips of 32 (m kept tiny for speed)."""
    rng = np.random.default_rng(5)
    _compare_kernels(random_model(rng, False, 2), *_ragged(rng, [(40, 3)]),
                     lanes=32)


@case
def symmetric_model_scores_swapped_pairs_equally():
    from tiedpgm.pairhmm import gpu
    rng = np.random.default_rng(6)
    model = random_model(rng, True, 2)
    xs, ys = _ragged(rng, [(7, 3), (2, 9), (5, 5)])
    lp, _ = gpu.score(xs + ys, ys + xs, *model._log_args(), lanes=4)
    np.testing.assert_allclose(lp[:3], lp[3:], rtol=1e-12)


@case
def structural_zero_is_flagged_and_redone_on_cpu():
    """q(A) = 0: an 'A' facing only gaps has probability 0 -> flagged; the model returns
    the CPU answer (-inf) for it and the GPU answer for the others."""
    from tiedpgm.pairhmm import gpu
    rng = np.random.default_rng(7)
    model = random_model(rng, False, 1, zero_q=True)
    xs = [np.array([0, 1], np.uint8), np.array([1, 2], np.uint8)]
    ys = [np.zeros(0, np.uint8), np.array([3], np.uint8)]
    lp, flags = gpu.score(xs, ys, *model._log_args(), lanes=4)
    assert flags.tolist() == [True, False] and lp[0] == -np.inf
    pairs = [("AC", ""), ("CG", "T"), ("ACG", "AT")]
    got = model.score_many(pairs, backend="cupy")
    np.testing.assert_allclose(got, model.score_many(pairs, backend="numba"), rtol=RTOL)
    assert got[0] == -np.inf


@case
def model_layer_backend_cupy_equals_numba():
    import pandas as pd
    rng = np.random.default_rng(8)
    model = random_model(rng, True, 2)
    pairs = [("ACGTAC", "CGA"), ("AC", "ACGGTA"), ("A", "C"), ("GGAT", "GGAT"), ("T", "")]
    np.testing.assert_allclose(model.score_many(pairs, backend="cupy"),
                               model.score_many(pairs, backend="numba"), rtol=RTOL)
    pd.testing.assert_frame_equal(model.align_many(pairs, backend="cupy"),
                                  model.align_many(pairs, backend="numba"), rtol=RTOL)
    # Viterbi alignments run on the CPU kernels with backend='cupy'
    pd.testing.assert_frame_equal(model.align_many(pairs[:2], method="viterbi",
                                                   backend="cupy"),
                                  model.align_many(pairs[:2], method="viterbi",
                                                   backend="numba"), rtol=RTOL)
    gm = tp.PairHMM(**{**model.get_params(), "backend": "cupy"})
    x, y = "ACGTTA", "CGTA"
    np.testing.assert_allclose(gm.log_likelihood(x, y), model.log_likelihood(x, y),
                               rtol=RTOL)
    np.testing.assert_allclose(gm.log_likelihood(y, x), gm.log_likelihood(x, y), rtol=1e-12)
    pm, px, py = gm.posterior(x, y, return_inserts=True)
    r_pm, r_px, r_py = model.posterior(x, y, return_inserts=True)
    np.testing.assert_allclose(pm, r_pm, rtol=RTOL)
    np.testing.assert_allclose(px, r_px, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(py, r_py, rtol=1e-8, atol=1e-12)
    assert gm.align(x, y) == model.align(x, y)
    assert gm.align(y, x) == gm.align(x, y).mirror()


@case
def fit_with_backend_cupy_uses_cpu_estep():
    rng = np.random.default_rng(9)
    model = random_model(rng, True, 1)
    pairs = [(a, b) for a, b, _ in model.sample(6, random_state=0)]
    m1 = tp.PairHMM(**model.get_params()).fit(pairs, n_iter=2, backend="cupy")
    m2 = tp.PairHMM(**model.get_params()).fit(pairs, n_iter=2, backend="numba")
    assert m1.backend_ == "numba"
    np.testing.assert_allclose(m1.delta_, m2.delta_, rtol=RTOL)


@case
def float32_within_tolerance():
    from tiedpgm.pairhmm import gpu
    from tiedpgm.pairhmm import kernels_reference as ref
    rng = np.random.default_rng(10)
    model = random_model(rng, False, 2)
    xs, ys = _ragged(rng, [(6, 5), (1, 3)])
    args = model._log_args()
    lp, _ = gpu.score(xs, ys, *args, dtype=np.float32, lanes=4)
    lp2, _, post = gpu.posterior_match(xs, ys, *args, dtype=np.float32, lanes=4)
    for p in range(2):
        r_lp, r_post = ref.posterior(xs[p], ys[p], *args)
        np.testing.assert_allclose([lp[p], lp2[p]], r_lp, rtol=RTOL_F32_LP)
        np.testing.assert_allclose(post[p], r_post[0, 1:, 1:], atol=ATOL_F32_POST)


@case
def bad_dtype_is_refused():
    from tiedpgm.pairhmm import gpu
    model = random_model(np.random.default_rng(0), True, 1)
    try:
        gpu.score([np.zeros(2, np.uint8)], [np.zeros(2, np.uint8)], *model._log_args(),
                  dtype=np.int32)
    except ValueError as exc:
        assert "float64" in str(exc)
    else:
        raise AssertionError("dtype=np.int32 was accepted")


if __name__ == "__main__":
    assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run with NUMBA_ENABLE_CUDASIM=1"
    sys.exit(sim_main(CASES, sys.argv[1:]))
