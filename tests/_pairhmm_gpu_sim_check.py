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


def _path_accuracy(pm, states, K):
    """Summed match posteriors along a state path (as the CPU batch_viterbi sums them)."""
    i = j = 0
    acc = 0.0
    for s in states:
        if s == 0:
            acc += pm[i, j]
            i, j = i + 1, j + 1
        elif s <= K:
            i += 1
        else:
            j += 1
    return acc


def _compare_viterbi(model, xs, ys, lanes, chunk_bytes=None, max_warps=None,
                     posteriors=True, r_post=None):
    """gpu.viterbi against the Numba CPU Viterbi (itself bit-identical to the reference):
    the same states and the same float64 path log-probability, exactly."""
    from tiedpgm.pairhmm import gpu
    from tiedpgm.pairhmm import kernels_numba as nk
    args = model._log_args()
    K = model.n_insert_pairs
    lp, flags, score, states, vlp = gpu.viterbi(xs, ys, *args, lanes=lanes,
                                                chunk_bytes=chunk_bytes, max_warps=max_warps,
                                                posteriors=posteriors)
    assert not flags.any()
    assert (lp is None and score is None) == (not posteriors)
    for p, (x, y) in enumerate(zip(xs, ys)):
        c_vlp, c_states = nk.viterbi(x, y, *args)
        assert states[p].dtype == np.int8
        np.testing.assert_array_equal(states[p], c_states, err_msg=f"pair {p}")
        assert vlp[p] == c_vlp, (p, vlp[p], c_vlp)
        if posteriors:
            r_lp, pm = r_post[p]
            np.testing.assert_allclose(lp[p], r_lp, rtol=RTOL, err_msg=f"pair {p}")
            np.testing.assert_allclose(score[p], _path_accuracy(pm, c_states, K), rtol=RTOL,
                                       atol=1e-300, err_msg=f"pair {p}")


COUNT_NAMES = ("trans", "end", "match", "ins_x", "ins_y")


def _compare_counts(model, xs, ys, lanes, chunk_bytes=None, max_warps=None, skip=()):
    """gpu.expected_counts against the reference's counts summed over the pairs not in
    ``skip`` (which must come back flagged), float64, rtol 1e-10."""
    from tiedpgm.pairhmm import gpu
    from tiedpgm.pairhmm import kernels_reference as ref
    args = model._log_args()
    lp, flags, *got = gpu.expected_counts(xs, ys, *args, lanes=lanes,
                                          chunk_bytes=chunk_bytes, max_warps=max_warps)
    assert flags.tolist() == [p in skip for p in range(len(xs))], flags
    want = None
    for p, (x, y) in enumerate(zip(xs, ys)):
        if p in skip:
            assert lp[p] == -np.inf
            continue
        r_lp, *r = ref.expected_counts(x, y, *args)
        np.testing.assert_allclose(lp[p], r_lp, rtol=RTOL, err_msg=f"pair {p}")
        want = r if want is None else [w + a for w, a in zip(want, r)]
    for name, g, w in zip(COUNT_NAMES, got, want):
        assert g.shape == w.shape, name
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=1e-14, err_msg=name)


def _compare_kernels(model, xs, ys, lanes, chunk_bytes=None, max_warps=None):
    """gpu.score / posterior_match / mea / viterbi / expected_counts against the reference
    (Viterbi: the Numba CPU kernel), float64, rtol 1e-10; Viterbi paths and scores
    identical."""
    from tiedpgm.pairhmm import gpu
    from tiedpgm.pairhmm import kernels_reference as ref
    args = model._log_args()
    lp, flags = gpu.score(xs, ys, *args, lanes=lanes, max_warps=max_warps)
    lp2, flags2, post = gpu.posterior_match(xs, ys, *args, lanes=lanes,
                                            chunk_bytes=chunk_bytes, max_warps=max_warps)
    lp3, flags3, score, ops = gpu.mea(xs, ys, *args, lanes=lanes, chunk_bytes=chunk_bytes,
                                      max_warps=max_warps)
    assert not flags.any() and not flags2.any() and not flags3.any()
    r_posts = []
    for p, (x, y) in enumerate(zip(xs, ys)):
        r_lp, r_post = ref.posterior(x, y, *args)
        for got in (lp[p], lp2[p], lp3[p]):
            np.testing.assert_allclose(got, r_lp, rtol=RTOL, err_msg=f"pair {p}")
        pm = r_post[0, 1:, 1:]
        r_posts.append((r_lp, pm))
        assert post[p].shape == (len(x), len(y))
        np.testing.assert_allclose(post[p], pm, rtol=RTOL, atol=1e-300, err_msg=f"pair {p}")
        r_score, r_ops = ref.mea(pm)
        assert _ops_str(ops[p]) == r_ops, (p, _ops_str(ops[p]), r_ops)
        np.testing.assert_allclose(score[p], r_score, rtol=RTOL, atol=1e-300)
    _compare_viterbi(model, xs, ys, lanes, chunk_bytes, max_warps, r_post=r_posts)
    _compare_counts(model, xs, ys, lanes, chunk_bytes, max_warps)


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
def viterbi_without_posteriors_and_exact_ties():
    """posteriors=False (the single-pair path of PairHMM.viterbi), one warp for all pairs,
    one chunk per pair. Two identical insert pairs make exact ties (X_1 vs X_2, Y_1 vs
    Y_2) wherever a gap is entered or left, and a two-letter alphabet with a diagonal
    match table puts gaps inside the paths: the lowest state index must win, as on the
    CPU (a kernel that lets a later state win a tie for M or for the end fails here)."""
    rng = np.random.default_rng(12)
    tie = tp.PairHMM("ACGT", delta=[0.05, 0.05], epsilon=[0.4, 0.4], tau=0.05,
                     n_insert_pairs=2, match_prob=0.9 * np.eye(4) / 4 + 0.1 / 16,
                     insert_prob=np.full((2, 4), 0.25))
    lens = [(9, 4), (4, 9), (8, 5), (6, 2), (3, 7), (10, 6), (0, 3), (2, 0), (0, 0)]
    xs, ys = _ragged(rng, lens, A=2)
    _compare_viterbi(tie, xs, ys, 4, chunk_bytes=1, max_warps=1, posteriors=False)
    xs, ys = _ragged(rng, LENS)
    _compare_viterbi(random_model(rng, False, 1), xs, ys, 4, posteriors=False)


@case
def protein_preset_counts_and_viterbi():
    """20 letters: count indices beyond 255 (the symbol codes are uint8)."""
    rng = np.random.default_rng(14)
    model = tp.PairHMM.from_preset("protein")
    xs, ys = _ragged(rng, [(6, 4), (1, 5), (0, 2)], A=20)
    _compare_counts(model, xs, ys, 4)
    _compare_viterbi(model, xs, ys, 4, posteriors=False)


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
    for posteriors in (True, False):
        _, flags, _, states, vlp = gpu.viterbi(xs, ys, *model._log_args(), lanes=4,
                                               posteriors=posteriors)
        assert flags.tolist() == [True, False] and vlp[0] == -np.inf
        assert states[0] is None and states[1] is not None
    _compare_counts(model, xs, ys, 4, skip=(0,))     # the zero pair adds no counts
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
    # Viterbi alignments go to the GPU kernel (counted), pairs in both orientations
    from tiedpgm.pairhmm import gpu
    calls = []
    orig = gpu.viterbi
    gpu.viterbi = lambda *a, **k: calls.append(k.get("posteriors", True)) or orig(*a, **k)
    try:
        pd.testing.assert_frame_equal(model.align_many(pairs, method="viterbi",
                                                       backend="cupy"),
                                      model.align_many(pairs, method="viterbi",
                                                       backend="numba"), rtol=RTOL)
        gm = tp.PairHMM(**{**model.get_params(), "backend": "cupy"})
        for a, b in [("ACGTTA", "CGTA"), ("CGTA", "ACGTTA"), ("GGAT", "GGAT")]:
            got, want = gm.viterbi(a, b), model.viterbi(a, b)
            assert got == want and np.array_equal(got.path, want.path), (a, b)
            assert got.log_prob == want.log_prob
            np.testing.assert_allclose(got.expected_accuracy, want.expected_accuracy,
                                       rtol=RTOL)
    finally:
        gpu.viterbi = orig
    assert calls == [True, False, False, False], calls
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
def fit_with_backend_cupy_runs_estep_on_gpu():
    """EM with the E-step on the GPU equals EM on the Numba CPU kernels (two models, a
    pair with an empty side included); backend_ records 'cupy'."""
    from tiedpgm.pairhmm import gpu
    calls = []
    orig = gpu.expected_counts
    gpu.expected_counts = lambda *a, **k: calls.append(1) or orig(*a, **k)
    try:
        for seed, sym, K in [(9, True, 1), (13, False, 2)]:
            model = random_model(np.random.default_rng(seed), sym, K)
            pairs = [(a, b) for a, b, _ in model.sample(6, random_state=0)] + [("ACG", "")]
            kw = dict(n_iter=2, learn_tau=True)
            m1 = tp.PairHMM(**model.get_params()).fit(pairs, backend="cupy", **kw)
            m2 = tp.PairHMM(**model.get_params()).fit(pairs, backend="numba", **kw)
            assert m1.backend_ == "cupy" and m2.backend_ == "numba"
            for attr in ("delta_", "epsilon_", "tau_", "match_prob_", "insert_prob_"):
                np.testing.assert_allclose(getattr(m1, attr), getattr(m2, attr), rtol=RTOL,
                                           err_msg=attr)
            np.testing.assert_allclose(m1.monitor_.history, m2.monitor_.history, rtol=RTOL)
    finally:
        gpu.expected_counts = orig
    assert len(calls) == 4, calls


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
    # expected counts in float32 (summed in float64): measured ~1e-6 relative here
    c64 = gpu.expected_counts(xs, ys, *args, lanes=4)
    c32 = gpu.expected_counts(xs, ys, *args, lanes=4, dtype=np.float32)
    for name, g, w in zip(COUNT_NAMES, c32[2:], c64[2:]):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5, err_msg=name)
    _, _, _, st32, v32 = gpu.viterbi(xs, ys, *args, dtype=np.float32, lanes=4)
    _, _, _, st64, v64 = gpu.viterbi(xs, ys, *args, lanes=4)
    np.testing.assert_allclose(v32, v64, rtol=RTOL_F32_LP)


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
