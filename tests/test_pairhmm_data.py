"""Bundled Pfam reference alignments and the accuracy measure."""
import pytest

import tiedpgm as tp
from tiedpgm.datasets import load_pfam_families, load_pfam_pairs
from tiedpgm.datasets.pfam import ReferencePair, accuracy


def test_families_and_pairs():
    fams = load_pfam_families()
    assert {"Pkinase", "fn3", "RRM_1", "MADE1"} <= set(fams)
    assert fams["Pkinase"]["accession"].startswith("PF00069")
    assert fams["Pkinase"]["split"] == "test" and fams["RRM_1"]["split"] == "train"
    pairs = load_pfam_pairs("fn3", n_pairs=20, seed=1)
    assert len(pairs) == 20
    again = load_pfam_pairs("fn3", n_pairs=20, seed=1)
    assert [(p.id_x, p.id_y) for p in pairs] == [(p.id_x, p.id_y) for p in again]
    for p in pairs:
        assert p.x.isalpha() and p.y.isalpha() and p.x.isupper()
        assert p.ops.count("M") + p.ops.count("I") == len(p.x)
        assert p.ops.count("M") + p.ops.count("D") == len(p.y)
        assert accuracy(p.ops, p) == 1.0
    assert len(load_pfam_pairs("globins4")) == 6
    with pytest.raises(ValueError, match="unknown family"):
        load_pfam_pairs("nope")


def test_projection_drops_all_gap_columns_and_lowercase():
    rp = ReferencePair("t", "a", "AC..Dk-E", "b", "A.G.DkFE")
    assert rp.x == "ACDKE" and rp.y == "AGDKFE"
    assert rp.ops == "MIDMMDM"
    # the lower-case (unaligned insert) column is not a reference pair
    assert rp.reference_pairs == {(0, 0), (2, 2), (4, 5)}
    assert accuracy("MIDMMDM", rp) == 1.0
    assert accuracy("1M1I1D2M1D1M", rp) == 1.0
    assert accuracy({(0, 0)}, rp) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="not one of"):
        accuracy("MXM", rp)


def test_preset_aligns_held_out_pairs_well():
    ph = tp.PairHMM.from_preset("protein")
    pairs = load_pfam_pairs("Pkinase", n_pairs=6, seed=0)
    df = ph.align_many(pairs, progress=False)
    assert list(df.id_x) == [p.id_x for p in pairs]
    accs = [accuracy(c, p) for c, p in zip(df.cigar, pairs)]
    assert sum(accs) / len(accs) > 0.6
    aln = ph.align(*pairs[0])
    assert aln.cigar == df.cigar[0] and accuracy(aln, pairs[0]) == accs[0]
