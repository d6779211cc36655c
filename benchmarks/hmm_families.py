"""GMM-HMM EM iteration vs hmmlearn, and sparse vs dense transitions at K=512.

Workloads (same synthetic data and start parameters on both sides):

    G1  GMMHMM, K=8 states, 4 mixtures, 13 features, diag, 200 sequences x 5000:
        one Baum-Welch EM iteration, tiedpgm (numba backend) vs hmmlearn 0.3 GMMHMM.
    S1  left-right GaussianHMM, K=512 states, 3 non-zeros per row, 20 sequences x 1000:
        one EM iteration with sparse_transitions=True vs False (both numba; a fit with
        n_iter=1 of a fresh model, and the mean iteration of a 10-iteration fit), the bare
        kernels: the fused sparse E-step a sparse fit runs (banded layout, Gaussian
        densities and statistics inside the passes), the forward-backward kernels on a
        given log_frameprob: sparse (banded layout, the default for this matrix), sparse
        with the CSR layout forced, dense.

``--quick`` shrinks the number of sequences 10x. Prints seconds, ratios and the machine.

Usage::

    python benchmarks/hmm_families.py [--quick] [--skip-hmmlearn]
"""
import argparse
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hmm_cpu import machine_description  # noqa: E402

import tiedpgm as tp  # noqa: E402


def _timed(fn, repeats=1):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _timed_fit(make, X, lengths, repeats):
    """Best time of ``fit`` alone on fresh models, made outside the timing (setting a
    model's parameters validates them against its tie groups, ~2 ms at K=512: no part of
    an EM iteration)."""
    best = np.inf
    for _ in range(repeats):
        m = make()
        t0 = time.perf_counter()
        m.fit(X, lengths)
        best = min(best, time.perf_counter() - t0)
    return best


def gmm_workload(n_seq, length, skip_hmmlearn, repeats):
    K, M, F = 8, 4, 13
    rng = np.random.default_rng(0)
    sp = np.full(K, 1 / K)
    tm = 0.5 * np.eye(K) + 0.5 / K
    w = rng.dirichlet(np.ones(M), size=K)
    mu = rng.normal(scale=2.0, size=(K, M, F))
    cv = rng.uniform(0.5, 2.0, size=(K, M, F))
    states = rng.integers(0, K, n_seq * length)
    X = mu[states, rng.integers(0, M, len(states))] + rng.normal(size=(len(states), F))
    lengths = [length] * n_seq
    kw = dict(n_components=K, n_mix=M, covariance_type="diag", init_params="", n_iter=1,
              tol=-np.inf)

    def make(cls, **extra):
        m = cls(**kw, **extra)
        m.startprob_, m.transmat_, m.weights_, m.means_, m.covars_ = sp, tm, w, mu, cv
        return m

    ours = make(tp.GMMHMM, backend="numba", covars_centre="previous")
    ours.fit(X[:2000], [2000])                       # compile the kernels once
    t_ours = _timed(lambda: make(tp.GMMHMM, backend="numba",
                                 covars_centre="previous").fit(X, lengths), repeats)
    rows = [("G1 GMMHMM EM iteration", f"{n_seq}x{length}", "tiedpgm (numba)", t_ours, None)]
    if not skip_hmmlearn:
        from hmmlearn import hmm
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_ref = _timed(lambda: make(hmm.GMMHMM).fit(X, lengths))
            a, b = make(tp.GMMHMM, covars_centre="previous"), make(hmm.GMMHMM)
            a.fit(X[:20000], [length] * (20000 // length) if length <= 20000 else None)
            b.fit(X[:20000], [length] * (20000 // length) if length <= 20000 else None)
            diff = float(np.max(np.abs(a.means_ - b.means_)))
        rows.append(("G1 GMMHMM EM iteration", f"{n_seq}x{length}", "hmmlearn 0.3", t_ref,
                     t_ref / t_ours))
        print(f"  (check: max |means_ difference| after one EM step on a slice: {diff:.2e})")
    return rows


def sparse_workload(n_seq, length, repeats):
    K = 512
    rng = np.random.default_rng(1)
    A = np.zeros((K, K))
    for i in range(K):
        A[i, i:min(i + 3, K)] = rng.uniform(0.2, 1.0, min(3, K - i))
    A /= A.sum(axis=1, keepdims=True)
    means = np.linspace(-20, 20, K)[:, None]
    X = np.concatenate([means[np.sort(rng.integers(0, K, length)), 0][:, None]
                        + rng.normal(scale=0.5, size=(length, 1)) for _ in range(n_seq)])
    lengths = [length] * n_seq

    def make(sparse, n_iter=1):
        m = tp.GaussianHMM(K, init_params="", n_iter=n_iter, tol=-np.inf, backend="numba",
                           sparse_transitions=sparse, min_covar=1e-3)
        m.startprob_ = np.full(K, 1 / K)
        m.transmat_ = A
        m.means_ = means
        m.covars_ = np.full((K, 1), 1.0)
        return m

    # each path compiled and timed on its own, sparse first: a dense fit before the
    # sparse timings left them ~8% slower for dozens of fits (cause not found). A sparse
    # fit takes ~10 ms, so it gets at least 10 runs (the first after compiling is slow)
    make(True).fit(X[:length], [length])              # compile
    t_sparse = _timed_fit(lambda: make(True), X, lengths, max(repeats, 10))
    # also per iteration of a 10-iteration fit (what a fit to convergence pays: the
    # sparse form of a fresh transmat_ is built once)
    t_sparse10 = _timed_fit(lambda: make(True, 10), X, lengths, repeats) / 10
    make(False).fit(X[:length], [length])
    t_dense = _timed_fit(lambda: make(False), X, lengths, repeats)
    t_dense10 = _timed_fit(lambda: make(False, 10), X, lengths, 1) / 10
    a, b = make(True), make(False)
    diff = abs(a.score(X, lengths) - b.score(X, lengths)) / abs(b.score(X, lengths))
    print(f"  (check: relative score difference sparse vs dense: {diff:.2e})")
    # the forward-backward kernels alone, on the same log_frameprob
    from tiedpgm.kernels import banded_numba, numba_cpu, sparse_numba
    from tiedpgm.kernels.sparse_reference import to_sparse
    lfp = a._log_frameprob(X, a._family())
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    lsp = np.log(a.startprob_)
    with np.errstate(divide="ignore"):
        ltm = np.log(A)
    sp = to_sparse(A)
    fam = a._family()
    fused_args = fam.fused_estep_args(X, a._state_slots(fam))
    k_fused = _timed(lambda: sparse_numba.forward_backward_stats(lsp, sp, offsets,
                                                                 **fused_args),
                     max(repeats, 10))
    k_sparse = _timed(lambda: sparse_numba.forward_backward(lsp, sp, lfp, offsets),
                      max(repeats, 10))
    # the same kernel with the banded layout switched off (CSR gathers, as before issue 6)
    banded_numba.MAX_DIAGONALS, saved = 0, banded_numba.MAX_DIAGONALS
    try:
        k_csr = _timed(lambda: sparse_numba.forward_backward(lsp, sp, lfp, offsets), repeats)
    finally:
        banded_numba.MAX_DIAGONALS = saved
    k_dense = _timed(lambda: numba_cpu.forward_backward(lsp, ltm, lfp, offsets), repeats)
    # the sparse kernels are exact (extended exponents): same numbers as the dense kernel
    lp_s = sparse_numba.forward_backward(lsp, sp, lfp, offsets)[0]
    lp_d = numba_cpu.forward_backward(lsp, ltm, lfp, offsets)[0]
    print(f"  (check: sparse vs dense forward-backward log_prob, max relative difference "
          f"{np.max(np.abs(lp_s - lp_d) / np.abs(lp_d)):.2e}; sparse kernel "
          f"{k_sparse / len(lfp) * 1e6:.2f} us/frame, EM iteration "
          f"{t_sparse / len(lfp) * 1e6:.2f} us/frame, fused E-step kernel "
          f"{k_fused / len(lfp) * 1e6:.2f} us/frame)")
    w = "S1 left-right K=512, 3 nnz/row"
    frames = f"{n_seq}x{length}"
    it10 = " (EM iteration, mean of a 10-iteration fit)"
    return [(w + " (EM iteration)", frames, "sparse (numba)", t_sparse, None),
            (w + " (EM iteration)", frames, "dense (numba)", t_dense, t_dense / t_sparse),
            (w + it10, frames, "sparse (numba)", t_sparse10, None),
            (w + it10, frames, "dense (numba)", t_dense10, t_dense10 / t_sparse10),
            (w + " (E-step kernel)", frames, "sparse fused, banded layout (numba)", k_fused,
             None),
            (w + " (forward-backward kernel)", frames, "sparse, banded layout (numba)",
             k_sparse, None),
            (w + " (forward-backward kernel)", frames, "sparse, CSR layout (numba)", k_csr,
             k_csr / k_sparse),
            (w + " (forward-backward kernel)", frames, "dense (numba)", k_dense,
             k_dense / k_sparse)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10x fewer sequences")
    ap.add_argument("--skip-hmmlearn", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--gmm-sequences", type=int, default=None,
                    help="sequences of 5000 frames for G1 (default 200; hmmlearn's GMM "
                         "statistics need about 16 MB per sequence)")
    args = ap.parse_args(argv)
    shrink = 10 if args.quick else 1
    print(f"machine: {machine_description()}")
    rows = gmm_workload(args.gmm_sequences or 200 // shrink, 5000, args.skip_hmmlearn,
                        args.repeats)
    rows += sparse_workload(20 // shrink if 20 // shrink else 1, 1000, args.repeats)
    print()
    print("| workload | data | implementation | seconds | tiedpgm speed-up |")
    print("|---|---|---|---:|---:|")
    for w, d, impl, t, r in rows:
        print(f"| {w} | {d} | {impl} | {t:.4g} | {'' if r is None else f'{r:.1f}x'} |")


if __name__ == "__main__":
    main()
