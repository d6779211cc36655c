"""Benchmark tiedpgm.sharing.graph_map on 2-D grid graphs up to 10^6 nodes.

Solves (Lambda + L / prior_var) theta = Lambda x on a side x side grid (4-neighbour
edges, 2 side (side - 1) of them: 1 998 000 for side = 1000) and compares, at the sizes
they can handle, with

* a dense solve (numpy.linalg.solve on the N x N matrix; O(N^3) time, O(N^2) memory),
* a naive iterative solver (Gauss-Seidel sweeps in plain Python over adjacency lists,
  to max |change| < 1e-10).

Usage:  python benchmarks/sharing_graph.py [--max-side 1000] [--markdown docs/benchmarks_sharing.md]
"""
import argparse
import os
import platform
import time

import numpy as np

import tiedpgm as tp


def grid_edges(side):
    idx = np.arange(side * side).reshape(side, side)
    right = np.c_[idx[:, :-1].ravel(), idx[:, 1:].ravel()]
    down = np.c_[idx[:-1, :].ravel(), idx[1:, :].ravel()]
    return np.vstack([right, down])


def problem(side, seed=0):
    rng = np.random.default_rng(seed)
    n = side * side
    x = rng.normal(size=n)
    prec = rng.uniform(0.5, 2.0, n)
    return x, prec, grid_edges(side)


def dense_solve(x, prec, edges, prior_var):
    A = np.diag(prec)
    i, j = edges[:, 0], edges[:, 1]
    np.add.at(A, (i, i), 1 / prior_var)
    np.add.at(A, (j, j), 1 / prior_var)
    np.add.at(A, (i, j), -1 / prior_var)
    np.add.at(A, (j, i), -1 / prior_var)
    return np.linalg.solve(A, prec * x)


def gauss_seidel(x, prec, edges, prior_var, tol=1e-10, max_sweeps=10_000):
    n = len(x)
    nbrs = [[] for _ in range(n)]
    for a, b in edges.tolist():
        nbrs[a].append(b)
        nbrs[b].append(a)
    c = 1.0 / prior_var
    theta = x.tolist()
    xs, ps = x.tolist(), prec.tolist()
    for sweep in range(max_sweeps):
        change = 0.0
        for k in range(n):
            nb = nbrs[k]
            s = ps[k] * xs[k] + c * sum(theta[m] for m in nb)
            new = s / (ps[k] + c * len(nb))
            change = max(change, abs(new - theta[k]))
            theta[k] = new
        if change < tol:
            break
    return np.array(theta), sweep + 1


def timed(f, *args, repeat=1, **kw):
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f(*args, **kw)
        best = min(best, time.perf_counter() - t)
    return best, out


def cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-side", type=int, default=1000)
    ap.add_argument("--naive-side", type=int, default=64,
                    help="largest grid side for the dense and Gauss-Seidel baselines")
    ap.add_argument("--markdown", default=None, help="also write the tables to this file")
    args = ap.parse_args(argv)

    machine = (f"{cpu_model()}, {os.cpu_count()} logical cores, Python "
               f"{platform.python_version()}, NumPy {np.__version__}, "
               f"SciPy {__import__('scipy').__version__}")
    try:
        load = os.getloadavg()[0]
        machine += f"; 1-min load average at start {load:.1f}"
    except OSError:
        pass
    lines = [f"Machine: {machine}", ""]

    # --- 1. small sizes: graph_map vs dense vs naive Gauss-Seidel
    lines += ["### graph_map vs dense solve vs naive Gauss-Seidel", "",
              "| grid | nodes | edges | prior_var | graph_map (s) | dense solve (s) "
              "| Gauss-Seidel (s, sweeps) | max abs diff graph_map vs dense "
              "| max abs diff Gauss-Seidel vs dense |",
              "|---|---|---|---|---|---|---|---|---|"]
    for side in sorted({16, 32, args.naive_side}):
        x, prec, edges = problem(side)
        for pv in (1.0, 0.01):
            t_g, th = timed(tp.sharing.graph_map, x, prec, edges, pv, repeat=3)
            t_d, th_d = timed(dense_solve, x, prec, edges, pv)
            t_gs, (th_gs, sweeps) = timed(gauss_seidel, x, prec, edges, pv)
            lines.append(
                f"| {side}x{side} | {side * side:,} | {len(edges):,} | {pv:g} | {t_g:.4f} | "
                f"{t_d:.3f} | {t_gs:.2f} ({sweeps}) | {np.max(np.abs(th - th_d)):.1e} | "
                f"{np.max(np.abs(th_gs - th_d)):.1e} |")
            print(lines[-1], flush=True)

    # --- 2. scaling of graph_map up to 10^6 nodes
    lines += ["", "### graph_map scaling (solver='auto': sparse LU up to 50 000 nodes, "
              "Jacobi-preconditioned CG above; rtol 1e-10)", "",
              "| grid | nodes | edges | prior_var | build+solve (s) | relative residual |",
              "|---|---|---|---|---|---|"]
    sides = sorted({s for s in (100, 316) if s < args.max_side} | {args.max_side})
    for side in sides:
        x, prec, edges = problem(side)
        for pv in ((0.01, 1.0, 100.0) if side == args.max_side else (1.0,)):
            t, th = timed(tp.sharing.graph_map, x, prec, edges, pv)
            # residual of (Lambda + L/pv) theta = Lambda x
            i, j = edges[:, 0], edges[:, 1]
            Lth = np.zeros_like(th)
            d = th[i] - th[j]
            np.add.at(Lth, i, d)
            np.add.at(Lth, j, -d)
            res = np.linalg.norm(prec * th + Lth / pv - prec * x) / np.linalg.norm(prec * x)
            lines.append(f"| {side}x{side} | {side * side:,} | {len(edges):,} | {pv:g} | "
                         f"{t:.2f} | {res:.1e} |")
            print(lines[-1], flush=True)
        if side == args.max_side:
            t, _ = timed(tp.sharing.graph_map, x, prec, edges, 0.0)
            lines.append(f"| {side}x{side} | {side * side:,} | {len(edges):,} | 0 (hard) | "
                         f"{t:.2f} | exact |")
            print(lines[-1], flush=True)

    lines += ["", "Gauss-Seidel stops at max |change| < 1e-10 per sweep, so its error is set by "
              "that tolerance and grows with the condition number (small prior_var); a "
              "pure-Python sweep over 10^6 nodes costs seconds, so at prior_var = 0.01 "
              "(thousands of sweeps) it is out of reach at the 10^6 size. The dense solve "
              "needs N^2 * 8 bytes (8 TB at N = 10^6)."]
    text = "\n".join(lines)
    print()
    print(text)
    if args.markdown:
        header = ("# Benchmark: graph_map (tiedpgm.sharing)\n\n"
                  "Generated by `python benchmarks/sharing_graph.py --markdown "
                  f"{args.markdown}`. Times are wall-clock seconds (best of 3 for the "
                  "smallest graph_map runs, single runs otherwise) on a machine shared with "
                  "other jobs, so treat them as upper bounds.\n\n")
        with open(args.markdown, "w") as fh:
            fh.write(header + text + "\n")


if __name__ == "__main__":
    main()
