"""GPU backend: parity checks and timings in one run, for a machine with an NVIDIA GPU.

Workloads (issue 7; same synthetic data and start parameters for every library):

    G1   categorical, K=16, 20 symbols,          10,000 sequences x 1,000
    G1r  as G1, ragged lengths uniform in 200..1,800
    G2   diagonal Gaussian, K=8, 13 features,    10,000 sequences x 1,000
    G3   categorical, K=128, 20 symbols,          1,000 sequences x 1,000

For each workload and dtype (float64, float32) the script first checks parity of the
GPU kernels against tiedpgm's numba CPU backend (itself tested against the NumPy
reference) -- log-likelihoods, posteriors, expected transition counts, Viterbi -- and
then times, with ``log_frameprob`` already on the device:

* ``E-step``: ``cupy_gpu.forward_backward(..., keep_on_device=True)`` (posteriors stay
  on the device; log-likelihoods and the (K, K) expected transition counts, reduced on
  the device, come back), best of ``--repeats``;
* ``viterbi``: ``cupy_gpu.viterbi``;
* ``numba-cpu``: the same E-step on the CPU backend, for the speed-up column;
* if importable: a hand-written batched PyTorch forward-backward on the GPU (equal
  lengths only), dynamax ``fit_em`` one iteration (compile time reported separately)
  and pomegranate 1.x ``DenseHMM.fit`` one iteration on CUDA.

Throughput is observations per second; ``flop%`` is 8 K**2 flops per observation over
the GPU's nominal non-tensor peak of that dtype (a table of known models; blank when
the model is not in it). The first kernel launch compiles (numba JIT); compile time is
reported separately.

Self-contained: needs numpy, numba and this checkout (``sys.path`` is set to it); CuPy,
torch, jax/dynamax and pomegranate are optional. Usage::

    python benchmarks/gpu.py                 # full sizes (needs ~6 GB of GPU memory)
    python benchmarks/gpu.py --quick         # 10x fewer sequences
    python benchmarks/gpu.py --sim           # tiny sizes under the CUDA simulator (no GPU;
                                             # checks the script itself, timings meaningless)

Paste the printed table, with the GPU line, into ``docs/benchmarks.md``.
"""
import argparse
import math
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

WORKLOADS = {
    #       kind           K   n_features  n_seq   length (or (lo, hi) for ragged)
    "G1": ("categorical", 16, 20, 10_000, 1000),
    "G1r": ("categorical", 16, 20, 10_000, (200, 1800)),
    "G2": ("gaussian", 8, 13, 10_000, 1000),
    "G3": ("categorical", 128, 20, 1_000, 1000),
}

# nominal non-tensor peak flop/s (dense, boost clock) by model name fragment
PEAK = {
    "H100 SXM": {"float32": 67e12, "float64": 34e12},
    "H100 PCIe": {"float32": 51e12, "float64": 26e12},
    "H100": {"float32": 67e12, "float64": 34e12},
    "H200": {"float32": 67e12, "float64": 34e12},
    "A100": {"float32": 19.5e12, "float64": 9.7e12},
}


def peak_flops(gpu_name, dtype):
    for key, val in PEAK.items():
        if key in gpu_name:
            return val[dtype]
    return None


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------
def make_problem(name, shrink=1, sim=False):
    kind, K, F, n_seq, length = WORKLOADS[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    if sim:
        K, n_seq = min(K, 4), 6
        length = (1, 12) if isinstance(length, tuple) else 8
    n_seq = max(2, n_seq // shrink)
    if isinstance(length, tuple):
        lengths = rng.integers(length[0], length[1] + 1, size=n_seq)
    else:
        lengths = np.full(n_seq, length)
    n = int(lengths.sum())
    startprob = rng.dirichlet(np.ones(K))
    transmat = rng.dirichlet(np.ones(K), size=K)
    if kind == "categorical":
        X = rng.integers(0, F, size=n)
        emis = rng.dirichlet(np.ones(F), size=K)
        lfp = np.log(emis[:, X].T)
        params = dict(emissionprob=emis)
    else:
        X = rng.normal(size=(n, F))
        means, covars = rng.normal(size=(K, F)), rng.uniform(0.5, 2.0, size=(K, F))
        lfp = -0.5 * (np.log(2 * np.pi * covars).sum(axis=1)
                      + (X ** 2) @ (1 / covars).T - 2 * X @ (means / covars).T
                      + ((means ** 2) / covars).sum(axis=1))
        params = dict(means=means, covars=covars)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    return dict(name=name, kind=kind, K=K, F=F, X=X, lengths=lengths, n=n, offsets=offsets,
                log_pi=np.log(startprob), log_A=np.log(transmat),
                lfp=np.ascontiguousarray(lfp), params=params,
                startprob=startprob, transmat=transmat)


def best_of(fn, repeats, sync):
    best = math.inf
    for _ in range(repeats):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t0)
    return best


# ---------------------------------------------------------------------------
# parity
# ---------------------------------------------------------------------------
def parity(prob, dtype, gpu, cpu, n_seq=200):
    """Max errors of the GPU kernels against the numba CPU backend on the first sequences."""
    S = min(n_seq, len(prob["lengths"]))
    off = prob["offsets"][: S + 1]
    lfp = prob["lfp"][: off[-1]]
    args = (prob["log_pi"], prob["log_A"], lfp, off)
    lp, post, xi = gpu.forward_backward(*args, dtype=dtype)
    c_lp, c_post, c_xi = cpu.forward_backward(*args)
    v_lp, states = gpu.viterbi(*args, dtype=dtype)
    c_vlp, c_states = cpu.viterbi(*args)
    return dict(
        lp_rel=float(np.max(np.abs(lp - c_lp) / np.abs(c_lp))),
        post_abs=float(np.max(np.abs(post - c_post))),
        xi_rel=float(np.max(np.abs(xi - c_xi)) / np.max(np.abs(c_xi))),
        vit_rel=float(np.max(np.abs(v_lp - c_vlp) / np.abs(c_vlp))),
        path_eq=float(np.mean(states == c_states)))


# ---------------------------------------------------------------------------
# other libraries (optional); each returns seconds for one E-step / EM iteration
# ---------------------------------------------------------------------------
def run_torch(prob, dtype, repeats):
    """A plain batched scaled forward-backward in PyTorch (equal lengths only)."""
    import torch
    if not torch.cuda.is_available():
        raise RuntimeError("torch has no CUDA device")
    if len(set(prob["lengths"].tolist())) != 1:
        raise RuntimeError("equal lengths only")
    tdt = torch.float64 if dtype == "float64" else torch.float32
    dev = torch.device("cuda")
    S, T, K = len(prob["lengths"]), int(prob["lengths"][0]), prob["K"]
    lfp = torch.as_tensor(prob["lfp"].reshape(S, T, K), dtype=tdt, device=dev)
    pi = torch.as_tensor(np.exp(prob["log_pi"]), dtype=tdt, device=dev)
    A = torch.as_tensor(np.exp(prob["log_A"]), dtype=tdt, device=dev)

    def estep():
        m = lfp.amax(dim=2, keepdim=True)
        b = torch.exp(lfp - m)
        alpha = torch.empty_like(b)
        c = torch.empty(S, T, dtype=tdt, device=dev)
        a = pi * b[:, 0]
        for t in range(T):
            if t:
                a = (alpha[:, t - 1] @ A) * b[:, t]
            c[:, t] = a.sum(dim=1)
            alpha[:, t] = a / c[:, t:t + 1]
        beta = torch.ones(S, K, dtype=tdt, device=dev)
        xi = torch.zeros(K, K, dtype=tdt, device=dev)
        post = torch.empty_like(b)
        post[:, -1] = alpha[:, -1]
        for t in range(T - 2, -1, -1):
            w = b[:, t + 1] * beta / c[:, t + 1:t + 2]
            xi += A * (alpha[:, t].T @ w)
            beta = w @ A.T
            post[:, t] = alpha[:, t] * beta
        return torch.log(c).sum(dim=1) + m.squeeze(2).sum(dim=1), post, xi

    estep()
    return best_of(estep, repeats, torch.cuda.synchronize), None


def run_dynamax(prob, dtype, repeats):
    import jax
    if dtype == "float64":
        jax.config.update("jax_enable_x64", True)
    if jax.default_backend() != "gpu":
        raise RuntimeError(f"jax runs on {jax.default_backend()}, not the GPU")
    if len(set(prob["lengths"].tolist())) != 1:
        raise RuntimeError("equal lengths only")
    import jax.numpy as jnp
    from dynamax.hidden_markov_model import CategoricalHMM, DiagonalGaussianHMM
    jdt = jnp.float64 if dtype == "float64" else jnp.float32
    p = prob["params"]
    S = len(prob["lengths"])
    if prob["kind"] == "categorical":
        X = jnp.asarray(prob["X"].reshape(S, -1, 1))
        model = CategoricalHMM(prob["K"], 1, prob["F"])
        params, props = model.initialize(
            initial_probs=jnp.asarray(prob["startprob"], jdt),
            transition_matrix=jnp.asarray(prob["transmat"], jdt),
            emission_probs=jnp.asarray(p["emissionprob"], jdt)[:, None, :])
    else:
        X = jnp.asarray(prob["X"].reshape(S, -1, prob["F"]), jdt)
        model = DiagonalGaussianHMM(prob["K"], prob["F"])
        params, props = model.initialize(
            initial_probs=jnp.asarray(prob["startprob"], jdt),
            transition_matrix=jnp.asarray(prob["transmat"], jdt),
            emission_means=jnp.asarray(p["means"], jdt),
            emission_scale_diags=jnp.asarray(np.sqrt(p["covars"]), jdt))

    def em():
        out, _ = model.fit_em(params, props, X, num_iters=1, verbose=False)
        jax.block_until_ready(out)

    t0 = time.perf_counter()
    em()
    compile_s = time.perf_counter() - t0
    return best_of(em, 1, lambda: None), compile_s


def run_pomegranate(prob, dtype, repeats):
    import torch
    from pomegranate.distributions import Categorical, Normal
    from pomegranate.hmm import DenseHMM
    if not torch.cuda.is_available():
        raise RuntimeError("torch has no CUDA device")
    if len(set(prob["lengths"].tolist())) != 1:
        raise RuntimeError("equal lengths only in one tensor")
    tdt = torch.float64 if dtype == "float64" else torch.float32
    p = prob["params"]
    if prob["kind"] == "categorical":
        dists = [Categorical(probs=[row]) for row in p["emissionprob"]]
        X = torch.as_tensor(prob["X"].reshape(len(prob["lengths"]), -1, 1))
    else:
        dists = [Normal(means=mu, covs=cv, covariance_type="diag")
                 for mu, cv in zip(p["means"], p["covars"])]
        X = torch.as_tensor(prob["X"].reshape(len(prob["lengths"]), -1, prob["F"]), dtype=tdt)
    model = DenseHMM(dists, edges=prob["transmat"], starts=prob["startprob"], max_iter=1,
                     tol=-1.0).cuda()
    X = X.cuda()
    return best_of(lambda: model.fit(X), 1, torch.cuda.synchronize), None


def importable(name):
    try:
        __import__(name)
        return True
    except Exception:  # noqa: BLE001 - any import failure means "skip it"
        return False


# ---------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10x fewer sequences")
    ap.add_argument("--sim", action="store_true",
                    help="tiny sizes under the CUDA simulator (no GPU needed; checks the script)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workloads", default="G1,G1r,G2,G3")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--skip", default="", help="comma list: torch,dynamax,pomegranate,cpu")
    args = ap.parse_args(argv)
    if args.sim:
        if "numba" in sys.modules and os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
            sys.exit("--sim must be given before numba is imported")
        os.environ["NUMBA_ENABLE_CUDASIM"] = "1"
    try:
        from tiedpgm.kernels._numba_cuda import cuda
    except ImportError:
        sys.exit("benchmarks/gpu.py needs numba (pip install numba).")
    if not args.sim and not cuda.is_available():
        sys.exit("benchmarks/gpu.py needs an NVIDIA GPU with a CUDA driver visible to "
                 "numba.cuda, and found none. Run it on a GPU machine, or use --sim to check "
                 "the script on the CPU (timings then mean nothing).")

    from tiedpgm.kernels import cupy_gpu as gpu
    from tiedpgm.kernels import numba_cpu as cpu

    if args.sim:
        gpu_name, sync = "CUDA simulator (no GPU; timings meaningless)", lambda: None
    else:
        dev = cuda.get_current_device()
        name = dev.name.decode() if isinstance(dev.name, bytes) else str(dev.name)
        gpu_name = (f"{name}, compute capability {dev.compute_capability}, "
                    f"{dev.MULTIPROCESSOR_COUNT} SMs")
        sync = cuda.synchronize
    skip = set(filter(None, args.skip.split(",")))
    others = [(lib, fn) for lib, mod, fn in (("torch", "torch", run_torch),
                                             ("dynamax", "dynamax", run_dynamax),
                                             ("pomegranate", "pomegranate", run_pomegranate))
              if lib not in skip and not args.sim and importable(mod)]
    shrink = 10 if args.quick else 1

    print(f"# GPU: {gpu_name}")
    print(f"# host: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"python {platform.python_version()}, numpy {np.__version__}")
    rows = []
    for wname in args.workloads.split(","):
        prob = make_problem(wname, shrink, args.sim)
        n, K = prob["n"], prob["K"]
        cpu_s = None
        if "cpu" not in skip:
            a = (prob["log_pi"], prob["log_A"], prob["lfp"], prob["offsets"])
            cpu.forward_backward(a[0], a[1], a[2][:2], np.array([0, 2]))  # compile
            cpu_s = best_of(lambda: cpu.forward_backward(*a), 1, lambda: None)
        for dtype in args.dtypes.split(","):
            par = parity(prob, dtype, gpu, cpu)
            lfp_d = cuda.to_device(prob["lfp"].astype(dtype))
            a = (prob["log_pi"], prob["log_A"], lfp_d, prob["offsets"])
            t0 = time.perf_counter()
            gpu.forward_backward(*a, dtype=dtype, keep_on_device=True)
            sync()
            first = time.perf_counter() - t0
            fb = best_of(lambda: gpu.forward_backward(*a, dtype=dtype, keep_on_device=True),
                         args.repeats, sync)
            vit = best_of(lambda: gpu.viterbi(*a, dtype=dtype), args.repeats, sync)
            peak = peak_flops(gpu_name, dtype)
            rows.append(dict(w=wname, lib="tiedpgm-gpu E-step", dtype=dtype, n=n, sec=fb,
                             compile=first - fb, flop=(8 * K * K * n / fb / peak) if peak else None,
                             par=par, cpu=cpu_s))
            rows.append(dict(w=wname, lib="tiedpgm-gpu viterbi", dtype=dtype, n=n, sec=vit))
            del lfp_d
            for lib, fn in others:
                try:
                    sec, comp = fn(prob, dtype, args.repeats)
                    rows.append(dict(w=wname, lib=lib, dtype=dtype, n=n, sec=sec, compile=comp))
                except Exception as exc:  # noqa: BLE001 - report and go on
                    rows.append(dict(w=wname, lib=lib, dtype=dtype, n=n, sec=None,
                                     note=f"{type(exc).__name__}: {exc}"[:60]))
        if cpu_s is not None:
            rows.append(dict(w=wname, lib="tiedpgm numba-cpu E-step", dtype="float64", n=n,
                             sec=cpu_s))

    print()
    print("| workload | library | dtype | obs | s | M obs/s | compile s | flop% | "
          "parity (lp rel / post abs / xi rel / vit rel / path eq) | note |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        sec = r.get("sec")
        rate = f"{r['n'] / sec / 1e6:.1f}" if sec else "n/a"
        par = r.get("par")
        par_s = (f"{par['lp_rel']:.1e} / {par['post_abs']:.1e} / {par['xi_rel']:.1e} / "
                 f"{par['vit_rel']:.1e} / {par['path_eq']:.4f}") if par else ""
        comp = r.get("compile")
        flop = r.get("flop")
        print(f"| {r['w']} | {r['lib']} | {r['dtype']} | {r['n']:,} | "
              f"{sec:.4f} | {rate} | {'' if comp is None else f'{comp:.2f}'} | "
              f"{'' if flop is None else f'{100 * flop:.2f}'} | {par_s} | {r.get('note', '')} |"
              if sec else
              f"| {r['w']} | {r['lib']} | {r['dtype']} | {r['n']:,} | n/a | n/a | | | | "
              f"{r.get('note', '')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
