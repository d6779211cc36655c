"""Pair-HMM accuracy and speed beside the aligners users would pick instead.

Accuracy: held-out Pfam pairs (Pkinase, fn3; never used to train the protein preset),
fraction of the reference's aligned residue pairs recovered, for
  * tiedpgm MEA with the protein preset,
  * ProbCons run on each pair (subprocess, if ``probcons`` is on PATH),
  * Biopython global alignment, BLOSUM62, gap open -11, extend -1.
Speed: GCUPS (1e9 DP cells / s) on protein pairs of length 150-400 drawn from the
bundled Pfam sequences, for tiedpgm forward, tiedpgm forward+backward+posterior+MEA,
Biopython score-only global alignment and parasail (if importable) on the same pairs.

    python3 benchmarks/pairhmm_cpu.py --quick                 # ~1-2 minutes
    python3 benchmarks/pairhmm_cpu.py --out docs/benchmarks_pairhmm.md
"""
import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tiedpgm as tp  # noqa: E402
from tiedpgm.datasets import load_pfam_families, load_pfam_pairs  # noqa: E402
from tiedpgm.datasets.pfam import accuracy  # noqa: E402


def biopython_aligner(score_only=False):
    from Bio.Align import PairwiseAligner, substitution_matrices
    al = PairwiseAligner()
    al.mode = "global"
    al.substitution_matrix = substitution_matrices.load("BLOSUM62")
    al.open_gap_score = -11
    al.extend_gap_score = -1
    return al


def bio_pairs(aln):
    pairs = set()
    for (a0, a1), (b0, b1) in zip(*aln.aligned):
        for k in range(a1 - a0):
            pairs.add((a0 + k, b0 + k))
    return pairs


def probcons_pairs(x, y, exe):
    with tempfile.TemporaryDirectory() as d:
        fa = os.path.join(d, "in.fa")
        with open(fa, "w") as fh:
            fh.write(f">x\n{x}\n>y\n{y}\n")
        out = subprocess.run([exe, fa], capture_output=True, text=True, check=True).stdout
    rows, name = {}, None
    for line in out.splitlines():
        if line.startswith(">"):
            name = line[1:].strip()
            rows[name] = ""
        elif name:
            rows[name] += line.strip()
    pairs, i, j = set(), 0, 0
    for a, b in zip(rows["x"], rows["y"]):
        if a != "-" and b != "-":
            pairs.add((i, j))
        i += a != "-"
        j += b != "-"
    return pairs


def run_accuracy(n_pairs, seed):
    ph = tp.PairHMM.from_preset("protein")
    bio = biopython_aligner()
    exe = shutil.which("probcons")
    rows = []
    for fam in ("Pkinase", "fn3"):
        pairs = load_pfam_pairs(fam, n_pairs=n_pairs, seed=seed)
        t = time.perf_counter()
        df = ph.align_many(pairs, progress=False)
        t_mea = time.perf_counter() - t
        acc_mea = np.mean([accuracy(c, p) for c, p in zip(df.cigar, pairs)])
        t = time.perf_counter()
        acc_vit = np.mean([accuracy(c, p) for c, p in zip(
            ph.align_many(pairs, method="viterbi", progress=False).cigar, pairs)])
        t_vit = time.perf_counter() - t
        t = time.perf_counter()
        acc_bio = np.mean([accuracy(bio_pairs(bio.align(p.x, p.y)[0]), p) for p in pairs])
        t_bio = time.perf_counter() - t
        acc_pc = t_pc = float("nan")
        if exe:
            t = time.perf_counter()
            acc_pc = np.mean([accuracy(probcons_pairs(p.x, p.y, exe), p) for p in pairs])
            t_pc = time.perf_counter() - t
        rows.append((fam, len(pairs), acc_mea, acc_vit, acc_pc, acc_bio, t_mea, t_pc, t_bio, t_vit))
    return rows


def speed_pairs(n_pairs, seed):
    fams = load_pfam_families()
    seqs = []
    for f in fams.values():
        if f["type"] != "protein":
            continue
        for _, row in f["rows"]:
            s = "".join(c for c in row if c.isalpha()).upper()
            s = "".join(c for c in s if c in "ACDEFGHIKLMNPQRSTVWY")
            if 150 <= len(s) <= 400:
                seqs.append(s)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(seqs), size=(n_pairs, 2))
    return [(seqs[a], seqs[b]) for a, b in idx], len(seqs)


def timeit(fn, cells, repeat=1):
    """Best of ``repeat`` runs: (GCUPS by wall clock, seconds, GCUPS per CPU-second).

    CPU time (all threads of this process) is reported beside wall time because the
    benchmark machine may be shared: CPU-seconds are less disturbed by other jobs."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    return cells / best / 1e9, best, cells / best_cpu / 1e9


def run_speed(n_pairs, seed):
    import numba
    pairs, n_seqs = speed_pairs(n_pairs, seed)
    cells = float(sum(len(x) * len(y) for x, y in pairs))
    ph = tp.PairHMM.from_preset("protein")
    ph1 = tp.PairHMM.from_preset("protein", n_insert_pairs=1, delta=0.02, epsilon=0.6)
    enc = ph._encode_pairs(pairs)
    enc1 = ph1._encode_pairs(pairs)
    # warm up (compilation is cached on disk, but load it outside the timing)
    for m_, e_ in ((ph, enc), (ph1, enc1)):
        for kind in ("score", "mea", "viterbi"):
            m_._batch(e_[:2], kind, progress=False)
    res = []
    thr = numba.get_num_threads()
    rep = 3
    res.append((f"tiedpgm forward, 2 insert pairs ({thr} threads)",
                *timeit(lambda: ph._batch(enc, "score", progress=False), cells, rep)))
    res.append((f"tiedpgm forward, 1 insert pair ({thr} threads)",
                *timeit(lambda: ph1._batch(enc1, "score", progress=False), cells, rep)))
    res.append((f"tiedpgm fwd+bwd+posterior+MEA, 2 pairs ({thr} threads)",
                *timeit(lambda: ph._batch(enc, "mea", progress=False), cells, rep)))
    res.append((f"tiedpgm fwd+bwd+posterior+MEA, 1 pair ({thr} threads)",
                *timeit(lambda: ph1._batch(enc1, "mea", progress=False), cells, rep)))
    res.append((f"tiedpgm Viterbi + posterior (align_many viterbi), 2 pairs ({thr} threads)",
                *timeit(lambda: ph._batch(enc, "viterbi", progress=False), cells)))
    bio = biopython_aligner()
    res.append(("Biopython PairwiseAligner.score, global (1 thread)",
                *timeit(lambda: [bio.score(x, y) for x, y in pairs], cells)))
    try:
        import parasail
        m = parasail.blosum62
        res.append(("parasail sw_striped_16 (1 thread, integer scores)",
                    *timeit(lambda: [parasail.sw_striped_16(x, y, 11, 1, m) for x, y in pairs], cells)))
        res.append(("parasail nw_striped_16 (1 thread, integer scores)",
                    *timeit(lambda: [parasail.nw_striped_16(x, y, 11, 1, m) for x, y in pairs], cells)))
    except ImportError:
        pass
    return res, len(pairs), cells, n_seqs


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical cores, Python {platform.python_version()}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="40 accuracy pairs per family and "
                    "300 speed pairs instead of 200 and 10,000")
    ap.add_argument("--accuracy-pairs", type=int, default=None)
    ap.add_argument("--speed-pairs", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None, help="also write a Markdown report here")
    args = ap.parse_args(argv)
    n_acc = args.accuracy_pairs or (40 if args.quick else 200)
    n_speed = args.speed_pairs or (300 if args.quick else 10000)
    lines = [f"Machine: {machine()}", ""]
    acc = run_accuracy(n_acc, args.seed)
    lines += ["## Accuracy on held-out Pfam pairs (fraction of reference aligned pairs recovered)",
              "", "| family | pairs | tiedpgm MEA (protein preset) | tiedpgm Viterbi | ProbCons "
              "| Biopython BLOSUM62 -11/-1 | time MEA / ProbCons / Biopython (s) |",
              "|---|---|---|---|---|---|---|"]
    for fam, n, a_mea, a_vit, a_pc, a_bio, t_mea, t_pc, t_bio, _ in acc:
        lines.append(f"| {fam} | {n} | {a_mea:.3f} | {a_vit:.3f} | {a_pc:.3f} | {a_bio:.3f} | "
                     f"{t_mea:.2f} / {t_pc:.2f} / {t_bio:.2f} |")
    speed, n, cells, n_seqs = run_speed(n_speed, args.seed)
    lines += ["", f"## Speed: {n} pairs of Pfam protein sequences of length 150-400 "
              f"({n_seqs} distinct sequences, {cells / 1e6:.1f} M cells)", "",
              "| method | GCUPS (wall) | seconds | GCUPS per CPU-second |", "|---|---|---|---|"]
    for name, g, s, gc in speed:
        lines.append(f"| {name} | {g:.3f} | {s:.2f} | {gc:.3f} |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write("# Pair-HMM benchmarks (`benchmarks/pairhmm_cpu.py`)\n\n"
                     f"Command: `python3 benchmarks/pairhmm_cpu.py {' '.join(argv or sys.argv[1:])}`\n\n"
                     + text + "\n")


if __name__ == "__main__":
    main()
