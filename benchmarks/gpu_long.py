"""Few long sequences on the GPU: one block per sequence against the chunked path.

Times ``cupy_gpu.forward_backward`` (one block walks each sequence) and
``cuda_long.forward_backward`` (the time axis cut into chunks, stitched exactly) on a
single sequence of 10**6 frames and on 4 sequences of 250,000, for K in (8, 16, 64),
float64 and float32, after checking both against the numba CPU backend. Needs a GPU.

    python benchmarks/gpu_long.py [--frames 1000000]
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))


def _time(fn, repeats=3):
    from tiedpgm.kernels._numba_cuda import cuda
    fn()
    cuda.synchronize()
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        cuda.synchronize()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    from tiedpgm.kernels import cuda_long, cupy_gpu, numba_cpu
    rng = np.random.default_rng(0)
    rows = ["| K | sequences | dtype | one block per sequence s | chunked s | speed-up | "
            "lp rel err (chunked vs CPU) | post abs err |", "|---|---|---|---|---|---|---|---|"]
    for K in (8, 16, 64):
        A = rng.dirichlet(np.ones(K), size=K)
        pi = rng.dirichlet(np.ones(K))
        log_A, log_pi = np.log(A), np.log(pi)
        lfp = rng.normal(size=(args.frames, K)) * 2.0 - 2.0
        for S in (1, 4):
            off = np.linspace(0, args.frames, S + 1).astype(np.int64)
            c_lp, c_post, _ = numba_cpu.forward_backward(log_pi, log_A, lfp, off)
            import cupy
            d_lfp = {np.float64: cupy.asarray(lfp), np.float32: cupy.asarray(lfp, dtype=np.float32)}
            for dt in (np.float64, np.float32):
                lp, post, _ = cuda_long.forward_backward(log_pi, log_A, d_lfp[dt], off, dtype=dt)
                lp_err = np.max(np.abs(lp - c_lp) / np.abs(c_lp))
                post_err = np.max(np.abs(post - c_post))
                t_block = _time(lambda: cupy_gpu.forward_backward(
                    log_pi, log_A, d_lfp[dt], off, dtype=dt, keep_on_device=True))
                t_chunk = _time(lambda: cuda_long.forward_backward(
                    log_pi, log_A, d_lfp[dt], off, dtype=dt, keep_on_device=True))
                rows.append(f"| {K} | {S} x {args.frames // S:,} | {np.dtype(dt).name} | "
                            f"{t_block:.3f} | {t_chunk:.3f} | {t_block / t_chunk:.1f} | "
                            f"{lp_err:.1e} | {post_err:.1e} |")
                print(rows[-1], flush=True)
    from tiedpgm.kernels._numba_cuda import cuda
    print(f"\n# GPU: {cuda.get_current_device().name.decode() if isinstance(cuda.get_current_device().name, bytes) else cuda.get_current_device().name}")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
