"""Pfam (and one Dfam) seed alignments as pairwise reference alignments.

The Stockholm files in ``data/pfam/`` come from Debian's ``hmmer-examples`` package
(HMMER's tutorial and test-suite files) and from Biopython 1.88's source distribution
(``Tests/Stockholm/``, distributed under the Biopython License Agreement, a BSD-style
licence bundled as ``data/pfam/LICENSE.biopython.rst``); the Pfam and Dfam data
themselves are CC0. See ``data/README.md`` for the file-by-file provenance. Each pair of
rows of a seed alignment is projected to a pairwise reference alignment: columns
where both rows have a gap are dropped; a column where both rows carry an
upper-case residue is a reference aligned pair (lower-case residues, HMMER's
unaligned insert columns, are never counted as aligned).

Families: protein test families ``Pkinase`` and ``fn3`` (held out from training the
``protein`` preset); protein training families ``RRM_1``, ``SMC_N``, ``LuxC``,
``Patched``, ``Caudal_act``, ``globins4`` (from hmmer-examples) and ``Cyclin_N``,
``ArsP_1``, ``COX2_TM``, ``3Beta_HSD``, ``12TM_1``, ``7kD_DNA_binding``, ``HAT``,
``120_Rick_ant``, ``Alpha_E1_glycop`` (from Biopython); the preset's settings were chosen
by leave-family-out cross-validation within the training families (see
``tiedpgm/pairhmm/presets/README.md``); DNA family ``MADE1`` (Dfam).
"""
import itertools
from importlib import resources

import numpy as np

TEST_FAMILIES = ("Pkinase", "fn3")
#: Protein families from Debian's hmmer-examples (the original training set).
HMMER_TRAIN_FAMILIES = ("RRM_1", "SMC_N", "LuxC", "Patched", "Caudal_act", "globins4")
#: Protein Pfam seed alignments from Biopython's ``Tests/Stockholm/`` (added for training).
BIOPYTHON_TRAIN_FAMILIES = ("Cyclin_N", "ArsP_1", "COX2_TM", "3Beta_HSD", "12TM_1",
                            "7kD_DNA_binding", "HAT", "120_Rick_ant", "Alpha_E1_glycop")
TRAIN_FAMILIES = HMMER_TRAIN_FAMILIES + BIOPYTHON_TRAIN_FAMILIES
DNA_FAMILIES = ("MADE1",)
_ALL = TEST_FAMILIES + TRAIN_FAMILIES + DNA_FAMILIES


def _read_stockholm(text):
    rows, meta = {}, {}
    for line in text.splitlines():
        if line.startswith("#=GF"):
            parts = line.split(None, 2)
            if len(parts) == 3:
                meta.setdefault(parts[1], parts[2].strip())
            continue
        if not line.strip() or line.startswith("#") or line.startswith("//"):
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ValueError(f"malformed Stockholm line: {line[:60]!r}")
        rows[parts[0]] = rows.get(parts[0], "") + parts[1]
    return list(rows.items()), meta


class ReferencePair:
    """Two sequences and their reference pairwise alignment projected from a seed MSA.

    Attributes
    ----------
    family, id_x, id_y : str
    x, y : str
        Unaligned sequences (upper case).
    ops : str
        Reference alignment, one of ``M`` / ``I`` (x vs gap) / ``D`` (y vs gap) per column.
    reference_pairs : set of (i, j)
        0-based aligned residue pairs counted by :func:`accuracy`.
    """

    def __init__(self, family, id_x, row_x, id_y, row_y):
        self.family, self.id_x, self.id_y = family, id_x, id_y
        ops, pairs, i, j = [], set(), 0, 0
        for a, b in zip(row_x, row_y):
            ga, gb = not a.isalpha(), not b.isalpha()
            if ga and gb:
                continue
            if not ga and not gb:
                ops.append("M")
                if a.isupper() and b.isupper():
                    pairs.add((i, j))
                i, j = i + 1, j + 1
            elif not ga:
                ops.append("I")
                i += 1
            else:
                ops.append("D")
                j += 1
        self.x = "".join(c for c in row_x if c.isalpha()).upper()
        self.y = "".join(c for c in row_y if c.isalpha()).upper()
        self.ops = "".join(ops)
        self.reference_pairs = pairs

    def __iter__(self):            # unpacks as (x, y) records, so align_many(pairs) works
        return iter(self.records())

    def __len__(self):
        return 2

    def records(self):
        """(SeqRecord x, SeqRecord y) carrying the sequence ids."""
        from Bio.Seq import Seq
        from Bio.SeqRecord import SeqRecord
        return (SeqRecord(Seq(self.x), id=self.id_x, description=""),
                SeqRecord(Seq(self.y), id=self.id_y, description=""))

    def accuracy(self, predicted):
        return accuracy(predicted, self)

    def __repr__(self):
        return (f"ReferencePair({self.family}: {self.id_x} ({len(self.x)}) vs {self.id_y} "
                f"({len(self.y)}), {len(self.reference_pairs)} reference pairs)")


def _pairs_of(ops):
    pairs, i, j = set(), 0, 0
    for o in ops:
        if o == "M":
            pairs.add((i, j))
            i, j = i + 1, j + 1
        elif o == "I":
            i += 1
        elif o == "D":
            j += 1
        else:
            raise ValueError(f"alignment op {o!r} is not one of 'M', 'I', 'D'.")
    return pairs


def _expand_cigar(cigar):
    import re
    return "".join(op * int(n) for n, op in re.findall(r"(\d+)([MID])", cigar))


def accuracy(predicted, reference):
    """Fraction of the reference's aligned residue pairs that ``predicted`` recovers.

    Parameters
    ----------
    predicted : Alignment, str (ops like ``'MMID'`` or a CIGAR like ``'2M1I1D'``) or set
        of (i, j) pairs, with x/y in the reference's orientation.
    reference : ReferencePair or set of (i, j)
    """
    ref = reference.reference_pairs if isinstance(reference, ReferencePair) else set(reference)
    if hasattr(predicted, "aligned_pairs"):
        pred = predicted.aligned_pairs()
    elif isinstance(predicted, str):
        ops = _expand_cigar(predicted) if any(c.isdigit() for c in predicted) else predicted
        pred = _pairs_of(ops)
    else:
        pred = set(predicted)
    if not ref:
        return float("nan")
    return len(pred & ref) / len(ref)


def load_pfam_families():
    """Return {family: {"accession", "type", "rows": [(id, aligned row), ...]}}."""
    out = {}
    base = resources.files("tiedpgm.datasets").joinpath("data", "pfam")
    for fam in _ALL:
        rows, meta = _read_stockholm(base.joinpath(f"{fam}.sto").read_text())
        out[fam] = {"accession": meta.get("AC", ""), "description": meta.get("DE", ""),
                    "type": "dna" if fam in DNA_FAMILIES else "protein",
                    "split": "test" if fam in TEST_FAMILIES else "train",
                    "rows": rows}
    return out


def load_pfam_pairs(family, n_pairs=None, seed=0):
    """Reference pairwise alignments from one family's seed alignment.

    Parameters
    ----------
    family : str or sequence of str
        A family name (see :func:`load_pfam_families`), ``"train"`` (all protein
        training families) or ``"test"`` (Pkinase and fn3).
    n_pairs : int, optional
        Draw this many distinct pairs of rows uniformly at random (per family); default
        all pairs.
    seed : int
        Seed of the draw.

    Returns
    -------
    list of ReferencePair
        Each unpacks as ``(x_record, y_record)``, so ``model.align_many(pairs)`` works.
    """
    fams = load_pfam_families()
    if isinstance(family, str):
        names = {"train": TRAIN_FAMILIES, "test": TEST_FAMILIES}.get(family, (family,))
    else:
        names = tuple(family)
    rng = np.random.default_rng(seed)
    out = []
    for name in names:
        if name not in fams:
            raise ValueError(f"unknown family {name!r}; bundled: {sorted(fams)} "
                             "(or 'train' / 'test').")
        rows = fams[name]["rows"]
        combos = list(itertools.combinations(range(len(rows)), 2))
        if n_pairs is not None and n_pairs < len(combos):
            pick = rng.choice(len(combos), size=n_pairs, replace=False)
            combos = [combos[k] for k in sorted(pick)]
        for a, b in combos:
            out.append(ReferencePair(name, rows[a][0], rows[a][1], rows[b][0], rows[b][1]))
    return out
