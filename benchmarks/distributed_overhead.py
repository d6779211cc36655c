"""Overhead of Dask-distributed EM over the local fit, and a 100-node projection.

Workload W1 of ``benchmarks/hmm_cpu.py``: categorical HMM, K=16 states, 20 symbols,
200 sequences x 5000 = 1M observations, same start parameters for both paths
(``init_params=""``, so only EM iterations are timed).

* local: ``model.fit(X, lengths)`` with the numba backend on all cores of this machine;
* distributed: ``tiedpgm.distributed.fit`` on a Dask cluster, one worker process per core
  with one thread and one numba thread each; the data are generated **on the workers**
  (a Dask bag of seeds), so the client never holds them.

Reported: seconds per EM iteration (best of ``--repeats`` fits of ``--n-iter``
iterations), the overhead ``dist / local - 1``, the per-core E-step throughput of one
chunk on one worker, the fixed cost of one distributed iteration (same fit on a tiny
data set), the sizes of what crosses the network per iteration (pickled parameters,
pickled statistics), and a projection for a 100-node cluster from those numbers.

Usage::

    python benchmarks/distributed_overhead.py                      # LocalCluster here
    python benchmarks/distributed_overhead.py --scheduler tcp://host:8786   # existing cluster
    python benchmarks/distributed_overhead.py --quick              # 10x smaller
"""
import argparse
import math
import os
import pickle
import sys
import time
import warnings

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
sys.path.insert(0, ROOT)

K, N_SYMBOLS, N_SEQ, LENGTH = 16, 20, 200, 5000


def generator_model():
    import tiedpgm as tp
    rng = np.random.default_rng(0)
    g = tp.CategoricalHMM(n_components=K, n_features=N_SYMBOLS)
    t = rng.dirichlet(np.full(K, 0.3), size=K) + np.eye(K) * 4
    g.startprob_ = np.full(K, 1 / K)
    g.transmat_ = t / t.sum(axis=1, keepdims=True)
    g.emissionprob_ = rng.dirichlet(np.full(N_SYMBOLS, 0.5), size=K)
    return g


def start_model(n_iter):
    import tiedpgm as tp
    rng = np.random.default_rng(1)
    m = tp.CategoricalHMM(n_components=K, n_features=N_SYMBOLS, n_iter=n_iter, tol=-np.inf,
                          init_params="", backend="numba")
    m.startprob_ = rng.dirichlet(np.ones(K))
    m.transmat_ = rng.dirichlet(np.ones(K), size=K)
    m.emissionprob_ = rng.dirichlet(np.ones(N_SYMBOLS), size=K)
    return m


def make_sequence(seed, length=LENGTH):
    return generator_model().sample(length, random_state=int(seed))[0]


def best_of(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scheduler", help="address of an existing Dask scheduler "
                    "(default: start a LocalCluster, one 1-thread worker process per core)")
    ap.add_argument("--n-workers", type=int, default=os.cpu_count())
    ap.add_argument("--n-iter", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--chunks-per-worker", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--nodes", type=int, default=100, help="nodes in the projection")
    ap.add_argument("--cores-per-node", type=int, default=32)
    ap.add_argument("--bandwidth-gbit", type=float, default=10.0)
    ap.add_argument("--latency-ms", type=float, default=1.0,
                    help="per-message latency assumed inside the projected cluster")
    args = ap.parse_args(argv)
    n_seq = N_SEQ // 10 if args.quick else N_SEQ

    import dask.bag as db
    import numba
    from distributed import Client, LocalCluster

    import tiedpgm as tp  # noqa: F401
    from tiedpgm import distributed as td

    os.environ["PYTHONPATH"] = os.path.abspath(ROOT) + os.pathsep + os.environ.get(
        "PYTHONPATH", "")
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.n_workers, threads_per_worker=1,
                               processes=True, dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    n_threads = sum(client.nthreads().values())
    n_obs = n_seq * LENGTH
    print(f"machine: {os.cpu_count()} logical cores; local numba threads "
          f"{numba.get_num_threads()}; Dask: {len(client.nthreads())} workers, "
          f"{n_threads} threads")
    print(f"W1: categorical K={K}, {N_SYMBOLS} symbols, {n_seq} x {LENGTH} = {n_obs:,} obs; "
          f"{args.n_iter} EM iterations per fit, best of {args.repeats}")

    # ---- local ---------------------------------------------------------------------
    seqs = [make_sequence(s) for s in range(n_seq)]
    X, lengths = np.concatenate(seqs), [len(s) for s in seqs]
    start_model(1).fit(X, lengths)                                # compile
    t_local, local = best_of(lambda: start_model(args.n_iter).fit(X, lengths), args.repeats)
    per_local = t_local / args.n_iter

    # ---- distributed (data generated on the workers) ----------------------------------
    n_parts = max(1, args.chunks_per_worker * n_threads)
    bag = db.from_sequence(range(n_seq), npartitions=n_parts).map(make_sequence)

    def dist_fit(n_iter, data=bag):
        return td.fit(start_model(n_iter), data, client)

    dist_fit(1)                                                    # compile on workers
    t_dist, dist = best_of(lambda: dist_fit(args.n_iter), args.repeats)
    # the data-loading step (sampling on the workers) is timed apart and subtracted:
    # it is paid once per fit, not per iteration
    t_load, _ = best_of(lambda: dist_fit(1), args.repeats)
    per_dist = (t_dist - t_load) / (args.n_iter - 1)
    gap = np.max(np.abs(dist.emissionprob_ - local.emissionprob_))

    # ---- per-core throughput, fixed cost, message sizes ------------------------------
    chunk_len = n_obs // n_parts
    one = start_model(1)
    Xc = X[:chunk_len]
    one.summarize(Xc, [chunk_len])
    numba.set_num_threads(1)
    t_chunk, stats = best_of(lambda: one.summarize(Xc, [chunk_len]), args.repeats)
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    per_core = chunk_len / t_chunk
    tiny = db.from_sequence(range(n_parts), npartitions=n_parts).map(make_sequence, 50)
    t_tiny5, _ = best_of(lambda: dist_fit(6, tiny), args.repeats)
    t_tiny1, _ = best_of(lambda: dist_fit(1, tiny), args.repeats)
    fixed = (t_tiny5 - t_tiny1) / 5
    stats_bytes = len(pickle.dumps(stats, protocol=pickle.HIGHEST_PROTOCOL))
    param_bytes = len(td._model_payload(start_model(1)))

    print()
    print("| path | s / EM iteration | obs / s | overhead vs local |")
    print("|---|---|---|---|")
    print(f"| local fit (numba, {numba.config.NUMBA_NUM_THREADS} threads) | {per_local:.4f} | "
          f"{n_obs / per_local:,.0f} | - |")
    print(f"| distributed ({n_threads} workers x 1 thread, {n_parts} chunks) | "
          f"{per_dist:.4f} | {n_obs / per_dist:,.0f} | {100 * (per_dist / per_local - 1):+.1f}% |")
    print()
    print(f"max |emissionprob_ dist - local| after {args.n_iter} iterations: {gap:.2e}")
    print(f"per-core E-step throughput (one {chunk_len:,}-obs chunk, 1 numba thread): "
          f"{per_core:,.0f} obs/s")
    print(f"fixed cost of one distributed iteration ({n_parts} tiny chunks): "
          f"{1e3 * fixed:.1f} ms")
    print(f"one-off data load on the workers (1-iteration fit): {t_load:.2f} s")
    print(f"per iteration on the network: parameters {param_bytes:,} B to each E-step "
          f"task, statistics {stats_bytes:,} B from each task")

    # ---- projection -----------------------------------------------------------------
    # Model of one iteration: E-step = n_obs / (tasks' total throughput); statistics
    # tree-reduced with fan-in 8 (depth x (latency + 8 messages of stats_bytes));
    # the scheduler at ~5,000 tasks/s (Dask's documented order of magnitude, ~200 us
    # per task) for the E-step and reduction tasks; parameters ride in the task specs.
    fanin = 8
    bw = args.bandwidth_gbit * 1e9 / 8
    lat = args.latency_ms * 1e-3
    nodes, cores = args.nodes, args.cores_per_node
    print()
    print(f"projection: {nodes} nodes x {cores} cores, {args.bandwidth_gbit:g} Gbit/s, "
          f"{args.latency_ms:g} ms latency, fan-in {fanin}, scheduler 5,000 tasks/s, "
          f"measured {per_core:,.0f} obs/s per core")
    layouts = [
        ("A: one 1-thread worker per core", nodes * cores, per_core),
        # numba's prange inside a task: assume 90% parallel efficiency on a node
        ("B: one worker per node, numba_threads=cores", nodes, per_core * cores * 0.9),
    ]
    for name, tasks, per_task in layouts:
        depth = max(1, math.ceil(math.log(tasks, fanin)))
        reduce_s = depth * (lat + fanin * stats_bytes / bw)
        sched_s = (tasks + tasks / (fanin - 1)) / 5000.0
        send_s = tasks * param_bytes / bw + lat
        print(f"  layout {name}: {tasks} E-step tasks, reduction depth {depth}")
        for n_proj in (1e8, 1e9, 1e10):
            comp = n_proj / (tasks * per_task)
            tot = comp + reduce_s + sched_s + send_s
            print(f"    {n_proj:.0e} obs: E-step {comp:.3f} s + reduce {reduce_s * 1e3:.1f} ms "
                  f"+ scheduler {sched_s * 1e3:.0f} ms + params {send_s * 1e3:.1f} ms = "
                  f"{tot:.3f} s/iteration, parallel efficiency {comp / tot:.0%}")
    client.close()
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        main()
