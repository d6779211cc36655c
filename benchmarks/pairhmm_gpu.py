"""Pair-HMM GPU backend: parity with the Numba CPU kernels and GCUPS on an NVIDIA GPU.

Self-contained: needs NumPy, Numba (with CUDA support) and this checkout (put on
``sys.path`` below); CuPy is not used. Workload: 100,000 random protein pairs, lengths
uniform in 150-400 (residues drawn from the protein preset's background q), scored with
``PairHMM.from_preset("protein")`` (two insert pairs, symmetric). Cells = sum of n*m.

Run from the repository root::

    PYTHONPATH=$PWD python benchmarks/pairhmm_gpu.py            # 100,000 pairs
    PYTHONPATH=$PWD python benchmarks/pairhmm_gpu.py --quick    # 10,000 pairs
    python benchmarks/pairhmm_gpu.py --sim                      # tiny, CUDA simulator

Rows: forward (log-likelihood per pair), posterior + MEA (forward, backward, match
posteriors, MEA recursion and traceback on the device; ops copied back), Viterbi
(max-plus recursion with one pointer byte per cell, traceback on the device; states
copied back; without posteriors) and the E-step of ``fit`` (forward storing all states,
backward adding expected counts; summed counts copied back), float32 and float64, each
timed end to end (host arrays in, NumPy results out) after a warm-up call, with
``cuda.synchronize()`` before reading the clock; compile time (first call on a few pairs)
is reported separately. "forward, kernel only" times the launch on data already on
the device. A naive baseline (one thread per pair, log space, rows in global memory) is
timed on the same pairs.
"""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="10x fewer pairs")
    ap.add_argument("--sim", action="store_true",
                    help="tiny run under Numba's CUDA simulator (checks this script)")
    ap.add_argument("--pairs", type=int, default=None, help="number of pairs")
    ap.add_argument("--parity", type=int, default=200, help="pairs checked against the CPU")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    return ap.parse_args()


ARGS = parse()
if ARGS.sim:
    os.environ["NUMBA_ENABLE_CUDASIM"] = "1"     # before numba is imported
sys.path.insert(0, str(ROOT))

import math  # noqa: E402

import numpy as np  # noqa: E402

import tiedpgm as tp  # noqa: E402
from tiedpgm.kernels._numba_cuda import cuda  # noqa: E402
from tiedpgm.pairhmm import gpu  # noqa: E402
from tiedpgm.pairhmm import kernels_cuda as kc  # noqa: E402
from tiedpgm.pairhmm import kernels_numba as nk  # noqa: E402


def make_pairs(model, n_pairs, lo, hi, seed):
    rng = np.random.default_rng(seed)
    q = model.insert_prob_
    q = q if q.ndim == 1 else q[0]
    A = len(q)
    n = rng.integers(lo, hi + 1, size=n_pairs)
    m = rng.integers(lo, hi + 1, size=n_pairs)
    xcat = rng.choice(A, size=int(n.sum()), p=q).astype(np.uint8)
    ycat = rng.choice(A, size=int(m.sum()), p=q).astype(np.uint8)
    xo = np.concatenate(([0], np.cumsum(n)))
    yo = np.concatenate(([0], np.cumsum(m)))
    xs = [xcat[xo[p]:xo[p + 1]] for p in range(n_pairs)]
    ys = [ycat[yo[p]:yo[p + 1]] for p in range(n_pairs)]
    return xs, ys


def sync():
    if not kc.simulated():
        cuda.synchronize()


def timed(fn):
    sync()
    t0 = time.perf_counter()
    out = fn()
    sync()
    return time.perf_counter() - t0, out


def gpu_name():
    if kc.simulated():
        return "CUDA simulator (CPU)"
    name = cuda.get_current_device().name
    return name.decode() if isinstance(name, bytes) else str(name)


# ------------------------------------------------------------------ naive baseline
def build_naive(dtype_name, K):
    """One thread per pair, log space, two rows of all states in global scratch."""
    from numba import float32, float64
    ftype = float64 if dtype_name == "float64" else float32
    NEGV = kc.NEG[dtype_name]
    S = 1 + 2 * K

    @cuda.jit(device=True, fastmath=dtype_name == "float32")
    def lse(a, b):
        if a > b:
            return a + math.log(ftype(1.0) + math.exp(b - a))
        return b + math.log(ftype(1.0) + math.exp(a - b))

    @cuda.jit(fastmath=dtype_name == "float32")
    def naive(xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, rows, roff, log_prob):
        p = cuda.grid(1)
        if p >= xoff.shape[0] - 1:
            return
        n = xoff[p + 1] - xoff[p]
        m = yoff[p + 1] - yoff[p]
        base = roff[p]
        W = m + 1
        neg = ftype(NEGV)
        for i in range(n + 1):
            cur = base + (i % 2) * S * W
            prv = base + ((i + 1) % 2) * S * W
            for j in range(m + 1):
                for s in range(S):
                    rows[cur + s * W + j] = neg
                if i == 0 and j == 0:
                    rows[cur + j] = 0.0
                    continue
                if i >= 1 and j >= 1:
                    acc = neg
                    for s in range(S):
                        acc = lse(acc, rows[prv + s * W + j - 1] + lt[s, 0])
                    rows[cur + j] = acc + lm[xcat[xoff[p] + i - 1], ycat[yoff[p] + j - 1]]
                for k in range(K):
                    sx = 1 + k
                    sy = 1 + K + k
                    if i >= 1:
                        v = lse(rows[prv + j] + lt[0, sx], rows[prv + sx * W + j] + lt[sx, sx])
                        rows[cur + sx * W + j] = v + lix[k, xcat[xoff[p] + i - 1]]
                    if j >= 1:
                        v = lse(rows[cur + j - 1] + lt[0, sy],
                                rows[cur + sy * W + j - 1] + lt[sy, sy])
                        rows[cur + sy * W + j] = v + liy[k, ycat[yoff[p] + j - 1]]
        last = base + (n % 2) * S * W
        acc = neg
        for s in range(S):
            acc = lse(acc, rows[last + s * W + m] + le[s])
        log_prob[p] = acc

    return naive


def run_naive(xs, ys, args, dtype_name, K):
    kern = build_naive(dtype_name, K)
    tabs = [cuda.to_device(a) for a in gpu._tables(args, dtype_name)]
    b = gpu._Batch(cuda, xs, ys)
    S = 1 + 2 * K
    sizes = 2 * S * (b.m + 1)
    roff = np.concatenate(([0], np.cumsum(sizes)))[:-1].astype(np.int64)
    rows = cuda.device_array(int(sizes.sum()), dtype=dtype_name)
    out = cuda.device_array(b.P, dtype=np.float64)
    d_roff = cuda.to_device(roff)
    threads = 1 if kc.simulated() else 128
    blocks = math.ceil(b.P / threads)

    def go():
        kern[blocks, threads](b.d_x, b.d_xoff, b.d_y, b.d_yoff, *tabs, rows, d_roff, out)
        return out
    return go


def forward_kernel_only(xs, ys, args, dtype_name):
    """A closure that launches the score kernel on data already on the device."""
    name = dtype_name
    lanes = gpu._lanes(None)
    tabs_h = gpu._tables(args, name)
    K = tabs_h[3].shape[0]
    kern = kc.build(name, K, lanes)
    tabs = [cuda.to_device(a) for a in tabs_h]
    b = gpu._Batch(cuda, xs, ys)
    blocks, threads, warps = gpu._grid(cuda, b.P, lanes, None)
    bnd = cuda.device_array((1 + K, warps * (int(b.m.max()) + 1)), dtype=name)
    d_lp = cuda.device_array(b.P, dtype=np.float64)
    d_order = cuda.to_device(b.order)

    def go():
        kern["score"][blocks, threads](b.d_x, b.d_xoff, b.d_y, b.d_yoff, d_order, *tabs,
                                       bnd, d_lp)
        return d_lp
    return go


# ---------------------------------------------------------------------------- main
def main():
    model = tp.PairHMM.from_preset("protein")
    args = model._log_args()
    fast = model._fast_args()
    K = model.n_insert_pairs
    if ARGS.sim:
        n_pairs, lo, hi, n_par = 3, 2, 6, 3
    else:
        n_pairs = ARGS.pairs or (10_000 if ARGS.quick else 100_000)
        lo, hi, n_par = 150, 400, min(ARGS.parity, n_pairs)
    xs, ys = make_pairs(model, n_pairs, lo, hi, ARGS.seed)
    cells = float(sum(len(x) * len(y) for x, y in zip(xs, ys)))
    print(f"# pair HMM on the GPU: {gpu_name()}")
    print(f"{n_pairs} pairs, lengths {lo}-{hi}, {cells / 1e9:.3f} G cells; preset 'protein' "
          f"(K={K}); numba {__import__('numba').__version__}, numpy {np.__version__}\n")

    # ---- parity against the Numba CPU kernels
    px, py = xs[:n_par], ys[:n_par]
    cpu_lp, cpu_acc, cpu_ops = [], [], []
    for x, y in zip(px, py):
        lp, flag, pm, _, _ = nk.posterior(x, y, *fast)
        sc, ops = nk.mea(pm)
        cpu_lp.append(lp)
        cpu_acc.append(sc / min(len(x), len(y)))
        cpu_ops.append(ops)
    cpu_lp, cpu_acc = np.array(cpu_lp), np.array(cpu_acc)
    cpu_vit = [nk.viterbi(x, y, *args) for x, y in zip(px, py)]
    cpu_vlp = np.array([v[0] for v in cpu_vit])
    mn = np.array([min(len(x), len(y)) for x, y in zip(px, py)])
    print("| parity vs numba CPU | max rel err log P | max abs err accuracy | same MEA ops |")
    print("|---|---|---|---|")
    compile_s = {}
    for dt in ("float64", "float32"):
        t0 = time.perf_counter()
        gpu.score(xs[:2], ys[:2], *args, dtype=dt)
        compile_s[("forward", dt)] = time.perf_counter() - t0
        t0 = time.perf_counter()
        gpu.mea(xs[:2], ys[:2], *args, dtype=dt)
        compile_s[("posterior + MEA", dt)] = time.perf_counter() - t0
        lp, _ = gpu.score(px, py, *args, dtype=dt)
        lp2, _, sc, ops = gpu.mea(px, py, *args, dtype=dt)
        err = max(np.max(np.abs(lp / cpu_lp - 1)), np.max(np.abs(lp2 / cpu_lp - 1)))
        acc_err = np.max(np.abs(sc / mn - cpu_acc))
        same = np.mean([np.array_equal(a, b) for a, b in zip(ops, cpu_ops)])
        print(f"| {dt} ({n_par} pairs) | {err:.2e} | {acc_err:.2e} | {same:.1%} |",
              flush=True)
    print()
    print("| Viterbi parity vs numba CPU | max rel err path log P | same paths |")
    print("|---|---|---|")
    for dt in ("float64", "float32"):
        t0 = time.perf_counter()
        gpu.viterbi(xs[:2], ys[:2], *args, dtype=dt, posteriors=False)
        compile_s[("Viterbi", dt)] = time.perf_counter() - t0
        _, _, _, st, vlp = gpu.viterbi(px, py, *args, dtype=dt, posteriors=False)
        err = np.max(np.abs(vlp / cpu_vlp - 1))
        same = np.mean([np.array_equal(a, v[1]) for a, v in zip(st, cpu_vit)])
        print(f"| {dt} ({n_par} pairs) | {err:.2e} | {same:.1%} |", flush=True)
    print()

    # ---- timings (each row printed as soon as it is measured)
    print("| what | dtype | seconds | GCUPS | compile s |")
    print("|---|---|---|---|---|", flush=True)

    class Rows(list):
        def append(self, row):
            what, dt, t, c = row
            cs = "" if c is None else f"{c:.1f}"
            print(f"| {what} | {dt} | {t:.3f} | {cells / t / 1e9:.2f} | {cs} |", flush=True)
            super().append(row)
    rows = Rows()
    for dt in ("float32", "float64"):
        go = forward_kernel_only(xs, ys, args, dt)
        go()
        t, _ = timed(go)
        rows.append(("forward, kernel only (one warp per pair)", dt, t, None))
        if not ARGS.sim:     # warm-up (compiled already; allocations, caches)
            gpu.score(xs[:64], ys[:64], *args, dtype=dt)
        t, _ = timed(lambda: gpu.score(xs, ys, *args, dtype=dt))
        rows.append(("forward, end to end", dt, t, compile_s[("forward", dt)]))
        if not ARGS.sim:
            gpu.mea(xs[:64], ys[:64], *args, dtype=dt)
        t, _ = timed(lambda: gpu.mea(xs, ys, *args, dtype=dt))
        rows.append(("posterior + MEA, end to end", dt, t, compile_s[("posterior + MEA", dt)]))
        if not ARGS.sim:
            gpu.viterbi(xs[:64], ys[:64], *args, dtype=dt, posteriors=False)
        t, _ = timed(lambda: gpu.viterbi(xs, ys, *args, dtype=dt, posteriors=False))
        rows.append(("Viterbi (no posteriors), end to end", dt, t,
                     compile_s[("Viterbi", dt)]))
        t0 = time.perf_counter()
        gpu.expected_counts(xs[:2], ys[:2], *args, dtype=dt)
        c = time.perf_counter() - t0
        t, _ = timed(lambda: gpu.expected_counts(xs, ys, *args, dtype=dt))
        rows.append(("expected counts (E-step), end to end", dt, t, c))
        if not ARGS.no_naive:
            try:
                t0 = time.perf_counter()
                go = run_naive(xs[:2], ys[:2], args, dt, K)
                go()
                sync()
                c = time.perf_counter() - t0
                go = run_naive(xs, ys, args, dt, K)
                lp_naive = go().copy_to_host()
                t, _ = timed(go)
                ref_lp, _ = gpu.score(xs[:n_par], ys[:n_par], *args, dtype="float64")
                bad = np.max(np.abs(lp_naive[:n_par] / ref_lp - 1))
                rows.append((f"naive forward, one thread per pair (rel err {bad:.1e})", dt, t,
                             c))
            except Exception as exc:  # noqa: BLE001 - the baseline must not stop the table
                print(f"naive baseline ({dt}) failed: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
