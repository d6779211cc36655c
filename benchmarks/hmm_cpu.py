"""One Baum-Welch EM iteration: tiedpgm (numba backend) beside hmmlearn and friends.

Workloads (same synthetic data and start parameters for every library):

    W1  categorical, K=16 states, 20 symbols,          200 sequences x 5000
    W2  diagonal Gaussian, K=8 states, 13 features,   200 sequences x 5000
    W3  categorical, K=128 states, 20 symbols,         20 sequences x 5000

For each: seconds per EM iteration (best of ``--repeats`` for tiedpgm, one run for the
slower libraries), observations per second, speed-up of tiedpgm over the library, and
the fraction of the FLOP floor: (8 K**2 n_obs flops / this machine's float64 matmul
rate) / time. The bare numba E-step kernel (``forward_backward`` on a precomputed
``log_frameprob``, writing the (N, K) posteriors) is timed separately so kernel speed is
visible without the emission model; ``fit`` itself runs ``forward_backward_stats``, which
needs neither array. pomegranate 1.x and dynamax run only if importable.

Usage::

    python benchmarks/hmm_cpu.py            # full sizes (minutes: hmmlearn 'log' is slow)
    python benchmarks/hmm_cpu.py --quick    # 10x smaller, a smoke run
"""
import argparse
import math
import os
import platform
import sys
import time
import warnings
import zlib

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

WORKLOADS = {
    #      kind           K   n_features  n_seq  length
    "W1": ("categorical", 16, 20, 200, 5000),
    "W2": ("gaussian", 8, 13, 200, 5000),
    "W3": ("categorical", 128, 20, 20, 5000),
}


# ---------------------------------------------------------------------------
# machine
# ---------------------------------------------------------------------------
def machine_description():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        import numba
        threads = numba.get_num_threads()
    except ImportError:
        threads = "n/a"
    return f"{cpu}; {os.cpu_count()} logical cores; numba threads: {threads}"


def matmul_rate(n=2000, repeats=3):
    """float64 matmul flops per second (numpy's BLAS, all cores)."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n))
    b = rng.random((n, n))
    a @ b
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n**3 / best


# ---------------------------------------------------------------------------
# data and start parameters
# ---------------------------------------------------------------------------
def make_problem(name, shrink=1):
    kind, K, F, n_seq, length = WORKLOADS[name]
    n_seq = max(2, n_seq // shrink)
    rng = np.random.default_rng(zlib.crc32(name.encode()))   # hash() varies per process
    lengths = np.full(n_seq, length)
    n = int(lengths.sum())
    params = {"startprob": rng.dirichlet(np.ones(K)),
              "transmat": rng.dirichlet(np.ones(K), size=K)}
    if kind == "categorical":
        X = rng.integers(0, F, size=(n, 1))
        params["emissionprob"] = rng.dirichlet(np.ones(F), size=K)
    else:
        X = rng.normal(size=(n, F))
        params["means"] = rng.normal(size=(K, F))
        params["covars"] = rng.uniform(0.5, 2.0, size=(K, F))
    return dict(name=name, kind=kind, K=K, F=F, X=X, lengths=lengths, n=n, params=params)


def log_frameprob(prob):
    """Per-state log emission probabilities under the start parameters, shape (n, K)."""
    p, X = prob["params"], prob["X"]
    if prob["kind"] == "categorical":
        return np.log(p["emissionprob"][:, X[:, 0]].T)
    m, v = p["means"], p["covars"]
    return -0.5 * (np.log(2 * np.pi * v).sum(axis=1)
                   + (((X[:, None, :] - m[None]) ** 2) / v[None]).sum(axis=2))


def time_best(fn, repeats):
    """Best wall-clock seconds of ``repeats`` calls, and the process CPU seconds of that call."""
    best = (math.inf, math.inf)
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        best = min(best, (time.perf_counter() - t0, time.process_time() - c0))
    return best


# ---------------------------------------------------------------------------
# libraries; each returns (wall, cpu) seconds for one EM iteration (or raises)
# ---------------------------------------------------------------------------
def run_tiedpgm(prob, repeats):
    import tiedpgm as tp

    p = prob["params"]

    def make():
        if prob["kind"] == "categorical":
            m = tp.CategoricalHMM(n_components=prob["K"], n_features=prob["F"], init_params="",
                                  n_iter=1, tol=-np.inf, backend="numba", random_state=0)
            m.emissionprob_ = p["emissionprob"]
        else:
            m = tp.GaussianHMM(n_components=prob["K"], covariance_type="diag", init_params="",
                               n_iter=1, tol=-np.inf, backend="numba", random_state=0)
            m.means_ = p["means"]
            m.covars_ = p["covars"]
        m.startprob_ = p["startprob"]
        m.transmat_ = p["transmat"]
        return m

    # warm up (numba compiles or loads its cache) on two short sequences
    small = prob["X"][: 2 * min(prob["lengths"][0], 200)]
    make().fit(small, [len(small) // 2, len(small) - len(small) // 2])
    return time_best(lambda: make().fit(prob["X"], prob["lengths"]), repeats)


def run_tiedpgm_kernel(prob, repeats):
    """The bare numba E-step: forward_backward on precomputed log_frameprob."""
    from tiedpgm.kernels import get_kernels

    kern = get_kernels("numba")
    p = prob["params"]
    lfp = log_frameprob(prob)
    offsets = np.concatenate(([0], np.cumsum(prob["lengths"]))).astype(np.int64)
    args = (np.log(p["startprob"]), np.log(p["transmat"]), lfp, offsets)
    kern.forward_backward(args[0], args[1], lfp[: offsets[1]], offsets[:2])
    return time_best(lambda: kern.forward_backward(*args), repeats)


def run_hmmlearn(prob, implementation):
    from hmmlearn import hmm

    p = prob["params"]
    if prob["kind"] == "categorical":
        m = hmm.CategoricalHMM(n_components=prob["K"], n_features=prob["F"], init_params="",
                               n_iter=1, tol=-np.inf, implementation=implementation,
                               random_state=0)
        m.emissionprob_ = p["emissionprob"]
    else:
        m = hmm.GaussianHMM(n_components=prob["K"], covariance_type="diag", init_params="",
                            n_iter=1, tol=-np.inf, implementation=implementation,
                            random_state=0)
        m.means_ = p["means"]
        m.covars_ = p["covars"]
    m.startprob_ = p["startprob"]
    m.transmat_ = p["transmat"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return time_best(lambda: m.fit(prob["X"], prob["lengths"]), 1)


def run_pomegranate(prob):
    import torch
    from pomegranate.distributions import Categorical, Normal
    from pomegranate.hmm import DenseHMM

    p = prob["params"]
    if prob["kind"] == "categorical":
        dists = [Categorical(probs=[row]) for row in p["emissionprob"]]
    else:
        dists = [Normal(means=mu, covs=cv, covariance_type="diag")
                 for mu, cv in zip(p["means"], p["covars"])]
    model = DenseHMM(dists, edges=p["transmat"], starts=p["startprob"], max_iter=1, tol=-1.0)
    length = int(prob["lengths"][0])      # equal lengths: one (n_seq, length, d) tensor
    X = prob["X"].reshape(len(prob["lengths"]), length, -1)
    X = torch.tensor(X)
    return time_best(lambda: model.fit(X), 1)


def run_dynamax(prob):
    import jax
    import jax.numpy as jnp
    from dynamax.hidden_markov_model import CategoricalHMM, DiagonalGaussianHMM

    jax.config.update("jax_enable_x64", True)
    p = prob["params"]
    n_seq = len(prob["lengths"])
    X = jnp.asarray(prob["X"].reshape(n_seq, int(prob["lengths"][0]), -1))
    if prob["kind"] == "categorical":
        model = CategoricalHMM(prob["K"], 1, prob["F"])
        params, props = model.initialize(
            initial_probs=jnp.asarray(p["startprob"]), transition_matrix=jnp.asarray(p["transmat"]),
            emission_probs=jnp.asarray(p["emissionprob"])[:, None, :])
    else:
        model = DiagonalGaussianHMM(prob["K"], prob["F"])
        params, props = model.initialize(
            initial_probs=jnp.asarray(p["startprob"]), transition_matrix=jnp.asarray(p["transmat"]),
            emission_means=jnp.asarray(p["means"]), emission_scale_diags=jnp.sqrt(p["covars"]))
    model.fit_em(params, props, X, num_iters=1, verbose=False)        # compile
    return time_best(lambda: model.fit_em(params, props, X, num_iters=1, verbose=False), 1)


def importable(name):
    try:
        __import__(name)
        return True
    except Exception:  # noqa: BLE001 - any import failure means "skip it"
        return False


# ---------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10x fewer sequences (smoke run)")
    ap.add_argument("--repeats", type=int, default=3, help="tiedpgm runs per timing (best of)")
    ap.add_argument("--workloads", default="W1,W2,W3")
    ap.add_argument("--skip", default="", help="comma list of libraries to skip, e.g. 'hmmlearn-log'")
    args = ap.parse_args(argv)
    shrink = 10 if args.quick else 1
    skip = set(filter(None, args.skip.split(",")))

    print("machine:", machine_description())
    rate = matmul_rate()
    print(f"float64 matmul rate (2000x2000, numpy BLAS): {rate / 1e9:.1f} GFLOP/s")
    print("note: wall-clock timings on a shared machine are noisy; ratios are within one run")
    print()

    header = (f"{'workload':<28} {'library':<24} {'s/iter':>9} {'cpu s':>8} {'obs/s':>11} "
              f"{'tiedpgm x':>10} {'floor':>7}")
    print(header)
    print("-" * len(header))
    for name in args.workloads.split(","):
        prob = make_problem(name, shrink)
        desc = f"{name} {prob['kind'][:4]} K={prob['K']} n={prob['n']}"
        floor = 8.0 * prob["K"] ** 2 * prob["n"] / rate
        runs = [("tiedpgm numba", lambda: run_tiedpgm(prob, args.repeats)),
                ("tiedpgm kernel E-step", lambda: run_tiedpgm_kernel(prob, args.repeats)),
                ("hmmlearn scaling", lambda: run_hmmlearn(prob, "scaling")),
                ("hmmlearn log", lambda: run_hmmlearn(prob, "log"))]
        if importable("pomegranate"):
            runs.append(("pomegranate", lambda: run_pomegranate(prob)))
        if importable("dynamax"):
            runs.append(("dynamax", lambda: run_dynamax(prob)))
        t_tp = None
        for lib, fn in runs:
            if lib.split()[0] in skip or lib.replace(" ", "-") in skip:
                continue
            try:
                sec, cpu = fn()
            except Exception as exc:  # noqa: BLE001 - report and go on with the others
                print(f"{desc:<28} {lib:<24} failed: {type(exc).__name__}: {exc}"[:160])
                continue
            if lib == "tiedpgm numba":
                t_tp = sec
            ratio = "" if t_tp is None or lib.startswith("tiedpgm") else f"{sec / t_tp:.1f}"
            print(f"{desc:<28} {lib:<24} {sec:>9.4f} {cpu:>8.3f} {prob['n'] / sec:>11.3g} "
                  f"{ratio:>10} {floor / sec:>7.1%}", flush=True)
        for lib in ("pomegranate", "dynamax"):
            if not importable(lib):
                print(f"{desc:<28} {lib:<24} skipped (not installed)")
    print()
    print("s/iter: wall clock; cpu s: process CPU time of that run (all threads); "
          "tiedpgm x = (library s/iter) / (tiedpgm s/iter); "
          "floor = (8 K^2 n flops / matmul rate) / s")


if __name__ == "__main__":
    main()
