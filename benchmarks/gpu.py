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
* other libraries, each in a subprocess of its own per dtype (so that JAX's float64 switch
  and its GPU memory pool, and torch's caching allocator, stay out of this process), one
  EM iteration from the same start parameters, data already on the device:

  - ``torch``: a plain hand-written batched scaled forward-backward in PyTorch with the
    emission log-likelihoods computed on the device and the M-step statistics (equal
    lengths only: G1r is skipped);
  - ``dynamax``: one EM iteration exactly as ``fit_em`` runs it (its ``e_step`` vmapped
    over sequences, then ``m_step``), jitted once; lowering + XLA compile time is the
    compile column (equal lengths only: G1r is skipped);
  - ``pomegranate`` 1.x ``DenseHMM.fit(max_iter=1)`` on CUDA, the sequences passed as a
    list of equal-length batches small enough for its (batch, T, K, K) transition tensor
    (G1r would be one batch per distinct length, a Python loop over ~1,600 batches: skipped).

  Their per-sequence log-likelihoods at the start parameters are compared with tiedpgm's
  (numba CPU, float64) on the first sequences: the ``lp rel`` parity column.

Note that the tiedpgm row is the E-step (forward-backward with the expected transition
counts reduced on the device) on a given ``log_frameprob``, while the other libraries'
rows are whole EM iterations (emission log-likelihoods, forward-backward, M-step); for
these workloads the emission and M-step work is O(N K) against O(N K**2) for the
forward-backward. ``ratio`` is tiedpgm's throughput over the fastest other library's
in the same workload and dtype.

Throughput is observations per second; ``flop%`` is 8 K**2 flops per observation over
the GPU's nominal non-tensor peak of that dtype (a table of known models; blank when
the model is not in it). The first kernel launch compiles (numba JIT); compile time is
reported separately. The compile column is, for tiedpgm, the first call's extra time (numba
JIT); for dynamax, lowering plus XLA compilation of the jitted EM step; for torch and
pomegranate (no compilation), the first call's extra time (CUDA context, cuBLAS and
allocator warm-up). The timed runs come after it.

Self-contained: needs numpy, numba and this checkout (``sys.path`` is set to it); CuPy,
torch, jax/dynamax and pomegranate are optional (a library that does not import gets a
row that says why). On a GPU machine without a package registry, dynamax 1.0.3 and
pomegranate 1.1.2 travel as wheels together with what they need beyond numpy, scipy,
scikit-learn, torch, jax, optax, jaxtyping, networkx and tqdm: tfp-nightly (dynamax
imports ``tensorflow_probability.substrates.jax``, which needs no TensorFlow; the nightly
is the build that works with jax 0.11), dm-tree, gast, decorator, fastprogress 1.0.3
(1.1 pulls in fasthtml) and apricot-select 0.6.1 (an sdist only on PyPI; build the wheel
with ``pip wheel --no-deps``). Install them with ``pip install --no-index --no-deps
--target DIR WHEELS`` and run with ``PYTHONPATH=DIR``. Usage::

    python benchmarks/gpu.py                 # full sizes (needs ~6 GB of GPU memory)
    python benchmarks/gpu.py --quick         # 10x fewer sequences
    python benchmarks/gpu.py --sim           # tiny sizes under the CUDA simulator (no GPU;
                                             # checks the script itself, timings meaningless;
                                             # the other libraries run on the CPU)
    python benchmarks/gpu.py --sim --skip tiedpgm,cpu   # only the other libraries, on the CPU

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
def make_problem(name, shrink=1, sim=False, with_lfp=True):
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
        lfp = np.log(emis[:, X].T) if with_lfp else None
        params = dict(emissionprob=emis)
    else:
        X = rng.normal(size=(n, F))
        means, covars = rng.normal(size=(K, F)), rng.uniform(0.5, 2.0, size=(K, F))
        lfp = -0.5 * (np.log(2 * np.pi * covars).sum(axis=1)
                      + (X ** 2) @ (1 / covars).T - 2 * X @ (means / covars).T
                      + ((means ** 2) / covars).sum(axis=1)) if with_lfp else None
        params = dict(means=means, covars=covars)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    return dict(name=name, kind=kind, K=K, F=F, X=X, lengths=lengths, n=n, offsets=offsets,
                log_pi=np.log(startprob), log_A=np.log(transmat),
                lfp=None if lfp is None else np.ascontiguousarray(lfp), params=params,
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
# other libraries: each runs in a child process (``--child LIB``), one per dtype, and
# prints one ``@@RESULT {json}`` line per workload
# ---------------------------------------------------------------------------
def _equal_lengths(prob):
    if len(set(prob["lengths"].tolist())) != 1:
        raise NotImplementedError("equal lengths only (ragged: skipped)")
    return len(prob["lengths"]), int(prob["lengths"][0])


def _timed(fn, sync, repeats, budget_s=20.0):
    """(first call s, best later call s, result of the first call): the first call
    compiles / warms up; later calls stop once ``budget_s`` is spent."""
    sync()
    t0 = time.perf_counter()
    out = fn()
    sync()
    first = time.perf_counter() - t0
    best, spent = math.inf, 0.0
    for _ in range(max(1, repeats)):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        dt = time.perf_counter() - t0
        best, spent = min(best, dt), spent + dt
        if spent + dt > budget_s:
            break
    return first, best, out


def run_torch(prob, dtype, repeats, device, n_lp):
    """One EM iteration by a plain hand-written batched scaled forward-backward in PyTorch
    (time-major, equal lengths only): emission log-likelihoods on the device, forward and
    backward recursions with one (S, K) x (K, K) product per step, expected transition
    counts accumulated per step, then the M-step (start, transition and emission
    parameters). Parameters are not carried over between the timed calls."""
    import torch
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("torch has no CUDA device")
    S, T = _equal_lengths(prob)
    tdt = torch.float64 if dtype == "float64" else torch.float32
    dev = torch.device(device)
    K, F = prob["K"], prob["F"]
    as_t = lambda a: torch.as_tensor(np.asarray(a), dtype=tdt, device=dev)  # noqa: E731
    pi, A = as_t(prob["startprob"]), as_t(prob["transmat"])
    cat = prob["kind"] == "categorical"
    if cat:
        X = torch.as_tensor(prob["X"].reshape(S, T).T.copy(), device=dev)   # (T, S) int64
        logB_T = torch.log(as_t(prob["params"]["emissionprob"])).T.contiguous()  # (F, K)
    else:
        X = as_t(prob["X"].reshape(S, T, F).transpose(1, 0, 2).copy())     # (T, S, F)
        mu, var = as_t(prob["params"]["means"]), as_t(prob["params"]["covars"])

    def em():
        # E-step: emission log-likelihoods (T, S, K) on the device
        if cat:
            lfp = logB_T[X]
        else:
            lfp = -0.5 * (torch.log(2 * math.pi * var).sum(1) + (X * X) @ (1 / var).T
                          - 2 * X @ (mu / var).T + (mu * mu / var).sum(1))
        m = lfp.amax(dim=2, keepdim=True)
        b = torch.exp(lfp - m)
        alpha = torch.empty_like(b)
        c = torch.empty(T, S, 1, dtype=tdt, device=dev)
        a = pi * b[0]
        for t in range(T):
            if t:
                a = (alpha[t - 1] @ A) * b[t]
            c[t] = a.sum(dim=1, keepdim=True)
            alpha[t] = a / c[t]
        beta = torch.ones(S, K, dtype=tdt, device=dev)
        xi = torch.zeros(K, K, dtype=tdt, device=dev)
        post = torch.empty_like(b)
        post[T - 1] = alpha[T - 1]
        for t in range(T - 2, -1, -1):
            w = b[t + 1] * beta / c[t + 1]
            xi += alpha[t].T @ w
            beta = w @ A.T
            post[t] = alpha[t] * beta
        xi = xi * A
        lp = torch.log(c[:, :, 0]).sum(0) + m[:, :, 0].sum(0)
        # M-step
        new_pi = post[0].sum(0)
        new_pi = new_pi / new_pi.sum()
        new_A = xi / xi.sum(1, keepdim=True)
        g = post.reshape(-1, K)
        if cat:
            counts = torch.zeros(F, K, dtype=tdt, device=dev).index_add_(0, X.reshape(-1), g)
            new_em = (counts / counts.sum(0)).T
        else:
            Xf = X.reshape(-1, F)
            wsum = g.sum(0)[:, None]
            new_mu = (g.T @ Xf) / wsum
            new_em = ((g.T @ (Xf * Xf)) / wsum - new_mu * new_mu, new_mu)
        return lp, new_pi, new_A, new_em

    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    with torch.no_grad():
        first, best, out = _timed(em, sync, repeats)
    lp = out[0][:n_lp].double().cpu().numpy()
    return dict(sec=best, compile=max(first - best, 0.0), lp=lp.tolist(), what="EM iter")


def run_dynamax(prob, dtype, repeats, device, n_lp):
    """One EM iteration as dynamax's ``fit_em`` runs it (``e_step`` vmapped over the
    sequences, then ``m_step``), jitted once; compile = lowering + XLA compile."""
    import jax
    jax.config.update("jax_enable_x64", dtype == "float64")
    if device == "cuda" and jax.default_backend() != "gpu":
        raise RuntimeError(f"jax runs on {jax.default_backend()}, not the GPU")
    S, T = _equal_lengths(prob)
    import jax.numpy as jnp
    from functools import partial
    from dynamax.hidden_markov_model import CategoricalHMM, DiagonalGaussianHMM
    jdt = jnp.float64 if dtype == "float64" else jnp.float32
    p = prob["params"]
    if prob["kind"] == "categorical":
        X = jax.device_put(jnp.asarray(prob["X"].reshape(S, T, 1), jnp.int32))
        model = CategoricalHMM(prob["K"], 1, prob["F"])
        params, props = model.initialize(
            initial_probs=jnp.asarray(prob["startprob"], jdt),
            transition_matrix=jnp.asarray(prob["transmat"], jdt),
            emission_probs=jnp.asarray(p["emissionprob"], jdt)[:, None, :])
    else:
        X = jax.device_put(jnp.asarray(prob["X"].reshape(S, T, prob["F"]), jdt))
        model = DiagonalGaussianHMM(prob["K"], prob["F"])
        params, props = model.initialize(
            initial_probs=jnp.asarray(prob["startprob"], jdt),
            transition_matrix=jnp.asarray(prob["transmat"], jdt),
            emission_means=jnp.asarray(p["means"], jdt),
            emission_scale_diags=jnp.asarray(np.sqrt(p["covars"]), jdt))
    m_state = model.initialize_m_step_state(params, props)

    def em_step(params, m_state, X):
        # the body of dynamax's fit_em em_step (without the log prior)
        batch_stats, lls = jax.vmap(partial(model.e_step, params))(X, None)
        params, m_state = model.m_step(params, props, batch_stats, m_state)
        return params, m_state, lls

    t0 = time.perf_counter()
    compiled = jax.jit(em_step).lower(params, m_state, X).compile()
    compile_s = time.perf_counter() - t0

    def em():
        out = compiled(params, m_state, X)
        jax.block_until_ready(out)
        return out

    first, best, out = _timed(em, lambda: None, repeats)
    lp = np.asarray(out[2][:n_lp], dtype=np.float64)
    dt_ok = str(out[2].dtype) == dtype
    return dict(sec=best, compile=compile_s, lp=lp.tolist(), what="EM iter",
                note="" if dt_ok else f"ran in {out[2].dtype}")


def _pomegranate_batches(S, T, K, itemsize, cap_bytes=4 * 2**30):
    """Sequences per batch so that pomegranate's (batch, T-1, K, K) tensor stays < cap."""
    per_seq = max(1, (T - 1) * K * K * itemsize)
    return max(1, min(S, cap_bytes // per_seq))


def run_pomegranate(prob, dtype, repeats, device, n_lp):
    """pomegranate 1.x ``DenseHMM.fit`` with ``max_iter=1`` (one EM iteration), the data as
    a list of (batch, T, d) tensors (pomegranate's documented form for many sequences;
    it summarises batch after batch, which is the same EM)."""
    import torch
    from pomegranate.distributions import Categorical, Normal
    from pomegranate.hmm import DenseHMM
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("torch has no CUDA device")
    S, T = _equal_lengths(prob)
    tdt = torch.float64 if dtype == "float64" else torch.float32
    K, F = prob["K"], prob["F"]
    p = prob["params"]
    # copies: pomegranate updates its parameters in place
    as_t = lambda a: torch.tensor(np.array(a), dtype=tdt)  # noqa: E731
    if prob["kind"] == "categorical":
        dists = [Categorical(probs=as_t(row[None, :])) for row in p["emissionprob"]]
        X = torch.as_tensor(prob["X"].reshape(S, T, 1))
    else:
        dists = [Normal(means=as_t(mu), covs=as_t(cv), covariance_type="diag")
                 for mu, cv in zip(p["means"], p["covars"])]
        X = as_t(prob["X"].reshape(S, T, F))
    # ends = 1: no end transition, so log_probability is the usual HMM likelihood
    model = DenseHMM(dists, edges=as_t(prob["transmat"]), starts=as_t(prob["startprob"]),
                     ends=as_t(np.ones(K)), max_iter=1, verbose=False)
    X = X.to(device)
    # every floating parameter and buffer in ``dtype`` (pomegranate takes the model's dtype
    # from its first parameter, a float32 ``inertia``, so float64 needs this cast)
    model = model.to(device=device, dtype=tdt)
    bs = _pomegranate_batches(S, T, K, torch.finfo(tdt).bits // 8)
    batches = [X[i:i + bs] for i in range(0, S, bs)]
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    with torch.no_grad():
        lp = model.log_probability(X[:n_lp]).double().cpu().numpy()
        dt_ok = model.edges.dtype == tdt and model.distributions[0].dtype == tdt
        first, best, _ = _timed(lambda: model.fit(batches), sync, repeats)
    note = f"{len(batches)} batches of <= {bs}" if len(batches) > 1 else ""
    if not dt_ok:
        note += " (dtype not kept)"
    return dict(sec=best, compile=max(first - best, 0.0), lp=lp.tolist(), what="EM iter",
                note=note.strip())


OTHERS = {"torch": ("torch", run_torch), "dynamax": ("dynamax", run_dynamax),
          "pomegranate": ("pomegranate", run_pomegranate)}


def child_main(args):
    """Run one library in one dtype over the workloads; one JSON line per workload."""
    import json
    lib = args.child
    fn = OTHERS[lib][1]
    dtype = args.dtypes
    shrink = 10 if args.quick else 1
    for wname in args.workloads.split(","):
        prob = make_problem(wname, shrink, args.sim, with_lfp=False)
        res = dict(w=wname, lib=lib, dtype=dtype, n=prob["n"], K=prob["K"])
        try:
            res.update(fn(prob, dtype, args.repeats, args.device, args.parity_seqs))
        except NotImplementedError as exc:
            res.update(sec=None, note=str(exc))
        except Exception as exc:  # noqa: BLE001 - report and go on
            res.update(sec=None, note=f"{type(exc).__name__}: {exc}"[:160])
        print("@@RESULT " + json.dumps(res), flush=True)
        del prob
    return 0


def run_child(lib, dtype, args, timeout):
    """Run ``--child lib`` in a subprocess; return its rows (or one row saying why not)."""
    import json
    import subprocess
    cmd = [sys.executable, os.path.abspath(__file__), "--child", lib, "--dtypes", dtype,
           "--workloads", args.workloads, "--repeats", str(args.repeats),
           "--device", args.device, "--parity-seqs", str(args.parity_seqs)]
    cmd += ["--quick"] * args.quick + ["--sim"] * args.sim
    env = dict(os.environ)
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    env.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # share the GPU politely
    env["JAX_ENABLE_X64"] = "1" if dtype == "float64" else "0"
    if args.device == "cpu":
        env["JAX_PLATFORMS"] = "cpu"
        env["CUDA_VISIBLE_DEVICES"] = ""
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        out, err, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err, rc = f"timed out after {timeout} s", "timeout"
    rows = [json.loads(line[len("@@RESULT "):]) for line in out.splitlines()
            if line.startswith("@@RESULT ")]
    print(f"# {lib} {dtype}: {time.perf_counter() - t0:.1f} s", flush=True)
    done = {r["w"] for r in rows}
    for w in args.workloads.split(","):
        if w not in done:
            tail = (err or "").strip().splitlines()[-1:] or [""]
            rows.append(dict(w=w, lib=lib, dtype=dtype, sec=None,
                             note=f"child exit {rc}: {tail[0]}"[:160]))
    return rows


# ---------------------------------------------------------------------------
def _fmt(x, spec):
    return "" if x is None else format(x, spec)


class _EchoRows(list):
    """The result rows, each also printed as it arrives, so that a run cut short by a
    time limit still leaves its numbers in the log."""

    def append(self, row):
        super().append(row)
        shown = {k: (round(v, 5) if isinstance(v, float) else v) for k, v in row.items()
                 if k != "lp"}
        print(f"# row {shown}", flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10x fewer sequences")
    ap.add_argument("--sim", action="store_true",
                    help="tiny sizes under the CUDA simulator (no GPU needed; checks the "
                         "script); the other libraries then run on the CPU")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workloads", default="G1,G1r,G2,G3")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--skip", default="",
                    help="comma list: tiedpgm,cpu,torch,dynamax,pomegranate")
    ap.add_argument("--device", default=None, choices=("cuda", "cpu"),
                    help="where the other libraries run (default cuda; cpu with --sim)")
    ap.add_argument("--parity-seqs", type=int, default=200,
                    help="sequences compared for the parity columns")
    ap.add_argument("--child-timeout", type=int, default=None,
                    help="seconds per library and dtype (default 120 with --quick, else 300)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.device is None:
        args.device = "cpu" if args.sim else "cuda"
    if args.child:
        return child_main(args)
    skip = set(filter(None, args.skip.split(",")))
    need_gpu = "tiedpgm" not in skip
    if args.sim:
        if "numba" in sys.modules and os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
            sys.exit("--sim must be given before numba is imported")
        os.environ["NUMBA_ENABLE_CUDASIM"] = "1"
    try:
        from tiedpgm.kernels._numba_cuda import cuda
    except ImportError:
        sys.exit("benchmarks/gpu.py needs numba (pip install numba).")
    if need_gpu and not args.sim and not cuda.is_available():
        sys.exit("benchmarks/gpu.py needs an NVIDIA GPU with a CUDA driver visible to "
                 "numba.cuda, and found none. Run it on a GPU machine, or use --sim to check "
                 "the script on the CPU (timings then mean nothing).")

    from tiedpgm.kernels import numba_cpu as cpu
    gpu = None
    if need_gpu:
        from tiedpgm.kernels import cupy_gpu as gpu

    if args.sim:
        gpu_name, sync = "CUDA simulator (no GPU; timings meaningless)", lambda: None
    elif cuda.is_available():
        dev = cuda.get_current_device()
        name = dev.name.decode() if isinstance(dev.name, bytes) else str(dev.name)
        gpu_name = (f"{name}, compute capability {dev.compute_capability}, "
                    f"{dev.MULTIPROCESSOR_COUNT} SMs")
        sync = cuda.synchronize
    else:
        gpu_name, sync = "none", lambda: None
    import importlib.util
    others = [lib for lib, (mod, _) in OTHERS.items()
              if lib not in skip and importlib.util.find_spec(mod) is not None]
    missing = [lib for lib, (mod, _) in OTHERS.items()
               if lib not in skip and importlib.util.find_spec(mod) is None]
    shrink = 10 if args.quick else 1
    t_start = time.perf_counter()

    print(f"# GPU: {gpu_name}")
    print(f"# host: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"python {platform.python_version()}, numpy {np.__version__}")
    vers = []
    for mod in ("numba", "cupy", "torch", "jax", "dynamax", "pomegranate"):
        if importlib.util.find_spec(mod) is not None:
            try:
                from importlib.metadata import version
                vers.append(f"{mod} {version(mod if mod != 'cupy' else _cupy_dist())}")
            except Exception:  # noqa: BLE001
                vers.append(f"{mod} ?")
    print("# " + ", ".join(vers))
    if missing:
        print(f"# not installed, skipped: {', '.join(missing)}")
    rows, ref_lp = _EchoRows(), {}
    for wname in args.workloads.split(","):
        prob = make_problem(wname, shrink, args.sim)
        n, K = prob["n"], prob["K"]
        P = min(args.parity_seqs, len(prob["lengths"]))
        a = (prob["log_pi"], prob["log_A"], prob["lfp"], prob["offsets"])
        # tiedpgm's float64 log-likelihoods of the first P sequences: the parity reference
        ref_lp[wname] = cpu.forward_backward(a[0], a[1], a[2][: prob["offsets"][P]],
                                             prob["offsets"][: P + 1])[0]
        cpu_s = None
        if "cpu" not in skip:
            cpu_s = best_of(lambda: cpu.forward_backward(*a), 1, lambda: None)
        if need_gpu:
            for dtype in args.dtypes.split(","):
                par = parity(prob, dtype, gpu, cpu, args.parity_seqs)
                lfp_d = cuda.to_device(prob["lfp"].astype(dtype))
                a_d = (prob["log_pi"], prob["log_A"], lfp_d, prob["offsets"])
                t0 = time.perf_counter()
                gpu.forward_backward(*a_d, dtype=dtype, keep_on_device=True)
                sync()
                first = time.perf_counter() - t0
                fb = best_of(lambda: gpu.forward_backward(*a_d, dtype=dtype,
                                                          keep_on_device=True),
                             args.repeats, sync)
                vit = best_of(lambda: gpu.viterbi(*a_d, dtype=dtype), args.repeats, sync)
                rows.append(dict(w=wname, lib="tiedpgm-gpu", what="E-step", dtype=dtype,
                                 n=n, K=K, sec=fb, compile=max(first - fb, 0.0), par=par))
                rows.append(dict(w=wname, lib="tiedpgm-gpu", what="viterbi", dtype=dtype,
                                 n=n, K=K, sec=vit))
                lfp_d = a_d = None
        if cpu_s is not None:
            rows.append(dict(w=wname, lib="tiedpgm numba-cpu", what="E-step", dtype="float64",
                             n=n, K=K, sec=cpu_s))
        prob = a = None
    if need_gpu and not args.sim:
        _free_gpu_pools()
    print(f"# tiedpgm done: {time.perf_counter() - t_start:.1f} s", flush=True)

    timeout = args.child_timeout or (120 if args.quick else 300)
    for lib in others:
        for dtype in args.dtypes.split(","):
            for r in run_child(lib, dtype, args, timeout):
                lp = r.pop("lp", None)
                if lp is not None and r["w"] in ref_lp:
                    ref = ref_lp[r["w"]][: len(lp)]
                    r["lp_rel"] = float(np.max(np.abs(np.asarray(lp) - ref) / np.abs(ref)))
                rows.append(r)
    print(f"# total: {time.perf_counter() - t_start:.1f} s", flush=True)
    print_tables(rows, gpu_name)
    return 0


def _cupy_dist():
    from importlib.metadata import packages_distributions
    for d in packages_distributions().get("cupy", []):
        return d
    return "cupy"


def _free_gpu_pools():
    """Give CuPy's pooled device memory back before the other libraries run."""
    if "cupy" in sys.modules:
        try:
            import cupy
            cupy.get_default_memory_pool().free_all_blocks()
            cupy.get_default_pinned_memory_pool().free_all_blocks()
        except Exception:  # noqa: BLE001
            pass


def print_tables(rows, gpu_name):
    for r in rows:
        sec, n, K = r.get("sec"), r.get("n"), r.get("K")
        r["rate"] = n / sec if sec and n else None
        peak = peak_flops(gpu_name, r["dtype"]) if r["lib"] != "tiedpgm numba-cpu" else None
        r["flop"] = 8 * K * K * n / sec / peak if (sec and peak and n and K) else None
    # ratio: tiedpgm E-step over the fastest other library, same workload and dtype
    best_other = {}
    for r in rows:
        if r["lib"] in OTHERS and r.get("rate"):
            key = (r["w"], r["dtype"])
            if r["rate"] > best_other.get(key, (0, ""))[0]:
                best_other[key] = (r["rate"], r["lib"])
    for r in rows:
        if r["lib"] == "tiedpgm-gpu" and r.get("what") == "E-step" and r.get("rate"):
            bo = best_other.get((r["w"], r["dtype"]))
            if bo:
                r["ratio"] = r["rate"] / bo[0]

    print()
    print("| workload | library | what | dtype | obs | s | M obs/s | ratio vs fastest other | "
          "compile / warm-up s | flop% | parity (lp rel / post abs / xi rel / vit rel / path eq) | note |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        par = r.get("par")
        if par:
            par_s = (f"{par['lp_rel']:.1e} / {par['post_abs']:.1e} / {par['xi_rel']:.1e} / "
                     f"{par['vit_rel']:.1e} / {par['path_eq']:.4f}")
        elif r.get("lp_rel") is not None:
            par_s = f"{r['lp_rel']:.1e}"
        else:
            par_s = ""
        sec = r.get("sec")
        n = r.get("n")
        print(f"| {r['w']} | {r['lib']} | {r.get('what', '')} | {r['dtype']} | "
              f"{'' if n is None else f'{n:,}'} | {_fmt(sec, '.4f') or 'n/a'} | "
              f"{_fmt(r['rate'] and r['rate'] / 1e6, '.1f') or 'n/a'} | "
              f"{_fmt(r.get('ratio'), '.3g')} | {_fmt(r.get('compile'), '.2f')} | "
              f"{_fmt(r['flop'] and 100 * r['flop'], '.2f')} | {par_s} | {r.get('note', '')} |")

    # summary: one line per workload and dtype
    libs = [lib for lib in OTHERS if any(r["lib"] == lib for r in rows)]
    print()
    print("Summary, one EM iteration (tiedpgm: E-step), M obs/s (compile s):")
    print()
    print("| workload | dtype | tiedpgm-gpu | " + " | ".join(libs) +
          " | fastest other | tiedpgm / fastest other |")
    print("|---|---|---|" + "---|" * len(libs) + "---|---|")
    keys = []
    for r in rows:
        if r["lib"] != "tiedpgm numba-cpu" and (r["w"], r["dtype"]) not in keys:
            keys.append((r["w"], r["dtype"]))

    def cell(lib, w, dt):
        for r in rows:
            if r["lib"] == lib and r["w"] == w and r["dtype"] == dt and \
                    r.get("what", "E-step") != "viterbi":
                if not r.get("rate"):
                    return "n/a"
                comp = r.get("compile")
                return f"{r['rate'] / 1e6:.1f}" + ("" if comp is None else f" ({comp:.1f})")
        return ""

    for w, dt in keys:
        bo = best_other.get((w, dt))
        ratio = ""
        for r in rows:
            if r["lib"] == "tiedpgm-gpu" and r["w"] == w and r["dtype"] == dt and r.get("ratio"):
                ratio = f"{r['ratio']:.3g}x"
        print(f"| {w} | {dt} | {cell('tiedpgm-gpu', w, dt)} | " +
              " | ".join(cell(lib, w, dt) for lib in libs) +
              f" | {bo[1] if bo else ''} | {ratio} |")


if __name__ == "__main__":
    sys.exit(main())
