"""Rebuild the bundled presets: ``python3 -m tiedpgm.pairhmm.presets.build``.

protein.json: symmetric, two insert pairs, trained by PairHMM.fit (Baum-Welch, tau
learned) on unaligned pairs of the 15 Pfam *training* families (TRAIN_FAMILIES: 6 from
HMMER's examples, 9 from Biopython's Tests/Stockholm; at most 150 random pairs per
family, seed 0); the held-out test families Pkinase and fn3 are never used. EM starts
from BLOSUM62's implied target frequencies p_ab ~ q_a q_b 2^(s_ab / 2) (q = the
training residue frequencies), delta = (0.012, 0.009), epsilon = (0.4, 0.9), tau = 0.005.
Settings chosen by MEA accuracy on the validation family Cyclin_N (200 pairs, seed 0)
with Cyclin_N left out of training; the final fit includes it.

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


def build_protein(n_iter=60, per_family=150):
    from Bio.Align import substitution_matrices
    from tiedpgm.datasets.pfam import TRAIN_FAMILIES
    pairs = []
    for fam in TRAIN_FAMILIES:
        pairs += load_pfam_pairs(fam, n_pairs=per_family, seed=0)
    counts = np.zeros(len(AA))
    for p in pairs:
        for s in (p.x, p.y):
            for c in s:
                if c in AA:
                    counts[AA.index(c)] += 1
    q = counts / counts.sum()
    b62 = substitution_matrices.load("BLOSUM62")
    S = np.array([[b62[a][b] for b in AA] for a in AA], dtype=float)
    P = np.outer(q, q) * 2.0 ** (S / 2)
    P /= P.sum()
    m = tp.PairHMM(AA, delta=[0.012, 0.009], epsilon=[0.4, 0.9], tau=0.005, match_prob=P,
                   insert_prob=q, symmetric=True, n_insert_pairs=2, wildcard="BJOUXZ")
    m.fit(pairs, n_iter=n_iter, tol=1e-3, learn_tau=True, verbose=True)
    return m, len(pairs)


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
