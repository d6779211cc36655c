"""Rebuild the bundled presets: ``python3 -m tiedpgm.pairhmm.presets.build``.

protein.json: symmetric, two insert pairs. Emissions are ProbCons 1.12's defaults
(Defaults.h: emitPairsDefault, emitSingleDefault, computed by its authors from BLOCKS 5.0
with the BLOSUM62 program; ProbCons is public domain; the numbers in build.py were checked
against the float tables in Debian's /usr/bin/probcons 1.12), tempered for decoding: p_ab
proportional to q_a q_b (p_ab / (q_a q_b))^beta with beta = 0.6. Transitions start from
ProbCons' gapOpen2Default/gapExtend2Default (delta = (0.01195, 0.00801), epsilon =
(0.3966, 0.8989)) and are re-estimated by PairHMM.fit (Baum-Welch, learn_emissions=False,
tau learned from 0.002, at most 100 iterations, tol 1e-3) with the untempered emissions,
on unaligned pairs of the 15 Pfam *training* families (TRAIN_FAMILIES) drawn with equal
weight per family: about 20,000 residues per family (n = min(200, all pairs, 20000 // (2 x
mean length)) random pairs, seed 0); the held-out test families Pkinase and fn3 are never
used. beta and the training recipe were chosen by two-fold leave-family-out
cross-validation on 10 training families (MEA accuracy, 100 pairs per family, seed 0); see
presets/README.md.

dna.json: symmetric, one insert pair, wildcard N; trained the same way on 400 random
pairs of the Dfam MADE1 seed alignment, starting from p_aa = 0.2, p_ab = 0.0167.
"""
import json
import os
import sys

import numpy as np

import tiedpgm as tp
from tiedpgm.datasets import load_pfam_pairs

HERE = os.path.dirname(os.path.abspath(__file__))
AA = "ACDEFGHIKLMNPQRSTVWY"

# ProbCons 1.12 Defaults.h (public domain), two-insert-pair protein model, in ProbCons'
# alphabet order. initDistrib2Default is not used: a PairHMM begins as if from M.
PC_ALPHABET = "ARNDCQEGHILKMFPSTWYV"
PC_GAP_OPEN = (0.0119511066, 0.008008334786)        # gapOpen2Default (I1/J1, I2/J2)
PC_GAP_EXTEND = (0.3965826333, 0.8988758326)        # gapExtend2Default
PC_EMIT_SINGLE = (
    0.07831005, 0.05246024, 0.04433257, 0.05130349, 0.02189704, 0.03585766, 0.05615771,
    0.07783433, 0.02601093, 0.06511648, 0.09716489, 0.05877077, 0.02438117, 0.04463228,
    0.03940142, 0.05849916, 0.05115306, 0.01203523, 0.03124726, 0.07343426)
PC_EMIT_PAIRS_LOWER = """
0.02373072
0.00244502 0.01775118
0.00210228 0.00207782 0.01281864
0.00223549 0.00161657 0.00353540 0.01911178
0.00145515 0.00044701 0.00042479 0.00036798 0.01013470
0.00219102 0.00253532 0.00158223 0.00176784 0.00032102 0.00756604
0.00332218 0.00268865 0.00224738 0.00496800 0.00037956 0.00345128 0.01676565
0.00597898 0.00194865 0.00288882 0.00235249 0.00071206 0.00142432 0.00214860 0.04062876
0.00114353 0.00132105 0.00141205 0.00097077 0.00026421 0.00113901 0.00131767 0.00103704
 0.00867996
0.00318853 0.00138145 0.00104273 0.00105355 0.00094040 0.00100883 0.00124207 0.00142520
 0.00059716 0.01778263
0.00449576 0.00246811 0.00160275 0.00161966 0.00138494 0.00180553 0.00222063 0.00212853
 0.00111754 0.01071834 0.03583921
0.00331693 0.00595650 0.00257310 0.00252518 0.00046951 0.00312308 0.00428420 0.00259311
 0.00121376 0.00157852 0.00259626 0.01612228
0.00148878 0.00076734 0.00063401 0.00047808 0.00037421 0.00075546 0.00076105 0.00066504
 0.00042237 0.00224097 0.00461939 0.00096120 0.00409522
0.00165004 0.00090768 0.00084658 0.00069041 0.00052274 0.00059248 0.00078814 0.00115204
 0.00072545 0.00279948 0.00533369 0.00087222 0.00116111 0.01661038
0.00230618 0.00106268 0.00100282 0.00125381 0.00034766 0.00090111 0.00151550 0.00155601
 0.00049078 0.00103767 0.00157310 0.00154836 0.00046718 0.00060701 0.01846071
0.00631752 0.00224540 0.00301397 0.00285226 0.00094867 0.00191155 0.00293898 0.00381962
 0.00116422 0.00173565 0.00250962 0.00312633 0.00087787 0.00119036 0.00180037 0.01346609
0.00389995 0.00186053 0.00220144 0.00180488 0.00073798 0.00154526 0.00216760 0.00214841
 0.00077747 0.00248968 0.00302273 0.00250862 0.00093371 0.00107595 0.00147982 0.00487295
 0.01299436
0.00039119 0.00029139 0.00021006 0.00016015 0.00010666 0.00020592 0.00023815 0.00038786
 0.00019097 0.00039549 0.00076736 0.00028448 0.00016253 0.00085751 0.00015674 0.00026525
 0.00024961 0.00563625
0.00131840 0.00099430 0.00074960 0.00066005 0.00036626 0.00070192 0.00092548 0.00089301
 0.00131038 0.00127857 0.00219713 0.00100817 0.00054105 0.00368739 0.00047608 0.00102648
 0.00094759 0.00069226 0.00999315
0.00533241 0.00169359 0.00136609 0.00127915 0.00119152 0.00132844 0.00178697 0.00194579
 0.00071553 0.01117956 0.00914460 0.00210897 0.00197461 0.00256159 0.00135781 0.00241601
 0.00343452 0.00038538 0.00148001 0.02075171
"""
BETA = 0.6                  # emission tempering exponent (chosen by cross-validation)
RESIDUES_PER_FAMILY = 20000


def probcons_emissions():
    """ProbCons' joint p(a, b) (symmetric, sums to 1) and q(a), in the order of AA."""
    vals = [float(v) for v in PC_EMIT_PAIRS_LOWER.split()]
    L = np.zeros((20, 20))
    L[np.tril_indices(20)] = vals            # row-major lower triangle, as in Defaults.h
    full = L + np.tril(L, -1).T
    perm = [PC_ALPHABET.index(a) for a in AA]
    return full[np.ix_(perm, perm)], np.array(PC_EMIT_SINGLE)[perm]


def temper(P, q, beta):
    """p_ab proportional to q_a q_b (p_ab / (q_a q_b))^beta: log-odds scaled by beta."""
    Q = np.outer(q, q)
    T = Q * (P / Q) ** beta
    return T / T.sum()


def balanced_pairs(families, residues=RESIDUES_PER_FAMILY, cap=200, seed=0):
    """About ``residues`` residues of random pairs from each family (equal family weight)."""
    from tiedpgm.datasets import load_pfam_families
    fams = load_pfam_families()
    pairs = []
    for fam in families:
        rows = fams[fam]["rows"]
        mean_len = np.mean([sum(c.isalpha() for c in r) for _, r in rows])
        n_all = len(rows) * (len(rows) - 1) // 2
        n = int(min(cap, n_all, max(1, residues // (2 * mean_len))))
        pairs += load_pfam_pairs(fam, n_pairs=n, seed=seed)
    return pairs


def build_protein(n_iter=100, beta=BETA):
    from tiedpgm.datasets.pfam import TRAIN_FAMILIES
    pairs = balanced_pairs(TRAIN_FAMILIES)
    P, q = probcons_emissions()
    m = tp.PairHMM(AA, delta=PC_GAP_OPEN, epsilon=PC_GAP_EXTEND, tau=0.002, match_prob=P,
                   insert_prob=q, symmetric=True, n_insert_pairs=2, wildcard="BJOUXZ")
    m.fit(pairs, n_iter=n_iter, tol=1e-3, learn_tau=True, learn_emissions=False, verbose=True)
    out = tp.PairHMM(AA, delta=m.delta_, epsilon=m.epsilon_, tau=m.tau_,
                     match_prob=temper(P, q, beta), insert_prob=q, symmetric=True,
                     n_insert_pairs=2, wildcard="BJOUXZ")
    out.monitor_ = m.monitor_
    return out, len(pairs)


def build_dna(n_iter=100):
    pairs = load_pfam_pairs("MADE1", n_pairs=400, seed=0)
    P = np.full((4, 4), 0.05 / 3)
    np.fill_diagonal(P, 0.2)
    m = tp.PairHMM("ACGT", delta=0.03, epsilon=0.5, tau=0.01, match_prob=P,
                   symmetric=True, wildcard="NRYKMSWBDHV")
    m.fit(pairs, n_iter=n_iter, tol=1e-3, learn_tau=True, verbose=True)
    return m, len(pairs)


def main(which=("protein", "dna")):
    for name in which:
        model, n = (build_protein if name == "protein" else build_dna)()
        d = model.to_dict()
        d["provenance"] = (__doc__.split("\n\n")[1 if name == "protein" else 2].replace("\n", " ")
                           + f" Pairs used: {n}; EM iterations: {model.monitor_.iter}; "
                           f"final log-likelihood {model.monitor_.history[-1]:.2f}.")
        with open(os.path.join(HERE, f"{name}.json"), "w") as fh:
            json.dump(d, fh, indent=1)
        print(name, model, file=sys.stderr)


if __name__ == "__main__":
    main(tuple(sys.argv[1:]) or ("protein", "dna"))
