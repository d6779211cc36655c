"""PairHMM model layer: symmetry, MEA mirror, score-based equivalents, inputs, outputs."""
import json
import math

import numpy as np
import pytest

import tiedpgm as tp
from tiedpgm.pairhmm import kernels_numba as nk

DNA_P = np.full((4, 4), 0.05 / 12)
np.fill_diagonal(DNA_P, 0.2375)
DNA_P /= DNA_P.sum()


def dna_model(**kw):
    args = dict(alphabet="ACGT", delta=0.02, epsilon=0.1, tau=0.01, match_prob=DNA_P)
    args.update(kw)
    return tp.PairHMM(**args)


def random_dna(rng, n):
    return "".join(rng.choice(list("ACGT"), size=n))


def mutate(rng, s, p=0.2):
    out = []
    for c in s:
        r = rng.random()
        if r < p / 3:
            continue
        if r < 2 * p / 3:
            out.append(c + rng.choice(list("ACGT")))
        elif r < p:
            out.append(rng.choice(list("ACGT")))
        else:
            out.append(c)
    return "".join(out)


@pytest.mark.parametrize("K", [1, 2])
def test_symmetric_likelihood_and_mea_mirror(K):
    rng = np.random.default_rng(0)
    m = dna_model(n_insert_pairs=K, delta=[0.02, 0.01][:K], epsilon=[0.3, 0.9][:K])
    for n in (1, 5, 30, 80):
        x = random_dna(rng, n)
        y = mutate(rng, x)
        a, b = m.log_likelihood(x, y), m.log_likelihood(y, x)
        assert a == pytest.approx(b, rel=1e-12)
        # the kernel itself is symmetric too (not only through the canonical orientation)
        cx, cy, *_ = m._encode_pair(x, y)
        k1 = nk.forward_score(cx, cy, *m._fast_args())[0]
        k2 = nk.forward_score(cy, cx, *m._fast_args())[0]
        assert k1 == pytest.approx(k2, rel=1e-12)
        axy, ayx = m.align(x, y), m.align(y, x)
        assert ayx == axy.mirror()
        assert ayx.ops == axy.ops.translate(str.maketrans("ID", "DI"))
        assert axy.expected_accuracy == ayx.expected_accuracy
        np.testing.assert_array_equal(m.posterior(y, x), m.posterior(x, y).T)
        vxy, vyx = m.viterbi(x, y), m.viterbi(y, x)
        assert vyx == vxy.mirror() and vyx.log_prob == vxy.log_prob


def test_mea_mirror_with_exact_ties():
    """Repeats produce exactly tied MEA choices; the canonical orientation breaks them once."""
    m = dna_model()
    for x, y in [("AAAA", "AA"), ("ACAC", "CA"), ("GGGG", "GGGG"), ("AT", "TA")]:
        assert m.align(y, x) == m.align(x, y).mirror()
        df = m.align_many([(x, y), (y, x)], progress=False)
        assert df.cigar[1] == df.cigar[0].translate(str.maketrans("ID", "DI"))


def test_asymmetric_model_is_not_symmetric():
    m = dna_model(symmetric=False, delta=[0.01, 0.1], epsilon=[0.2, 0.6],
                  insert_prob=[[0.7, 0.1, 0.1, 0.1], [0.25] * 4])
    assert m.log_likelihood("AAAC", "AC") != pytest.approx(m.log_likelihood("AC", "AAAC"))
    assert m.delta_.shape == (1, 2)


@pytest.mark.parametrize("symmetric", [True, False])
def test_viterbi_log_odds_equals_biopython_affine_score(symmetric):
    from Bio.Align import PairwiseAligner  # noqa: F401
    kw = {} if symmetric else dict(delta=[0.02, 0.03], epsilon=[0.1, 0.12])
    m = dna_model(symmetric=symmetric, **kw)
    s = m.affine_scores()
    gap_scores = [s[k] if symmetric else max(s[k].values()) for k in ("open", "extend", "end_open")]
    # precondition: an adjacent x-gap/y-gap pair never beats a match, which this model forbids
    assert s["substitution"].min() > 2 * max(gap_scores)
    aligner = m.pairwise_aligner()
    rng = np.random.default_rng(1)
    for n in (3, 10, 40, 90):
        x = random_dna(rng, n)
        y = mutate(rng, x, 0.3)
        if not y:
            continue
        v = m.viterbi(x, y)
        cx, cy, *_ = m._encode_pair(x, y)
        log_odds = v.log_prob - m._random_log_prob(cx, cy, s["eta"])
        assert log_odds == pytest.approx(aligner.score(x, y) + s["constant"], rel=1e-10, abs=1e-10)


def test_log_odds_definition():
    m = dna_model()
    x, y = "ACGTAC", "ACTTAC"
    eta = 0.02
    q = m.insert_prob_
    lr = 2 * math.log(eta) + 12 * math.log(1 - eta) + sum(math.log(q["ACGT".index(c)]) for c in x + y)
    assert m.log_odds(x, y, eta=eta) == pytest.approx(m.log_likelihood(x, y) - lr, rel=1e-12)
    with pytest.raises(ValueError, match="eta"):
        m.log_odds(x, y, eta=1.5)
    with pytest.raises(ValueError, match="n_insert_pairs=1"):
        dna_model(n_insert_pairs=2, delta=[0.01, 0.01], epsilon=[0.1, 0.5]).affine_scores()


def test_sequence_types_agree():
    from Bio.Seq import Seq
    from Bio.SeqRecord import SeqRecord
    m = dna_model()
    ref_lp = m.log_likelihood("ACGTT", "AGGT")
    for x, y in [(b"ACGTT", b"AGGT"), (Seq("ACGTT"), Seq("AGGT")),
                 (SeqRecord(Seq("ACGTT"), id="s1"), SeqRecord(Seq("AGGT"), id="s2")),
                 (np.array([0, 1, 2, 3, 3]), np.array([0, 2, 2, 3])), ("acgtt", "aggt")]:
        assert m.log_likelihood(x, y) == ref_lp
    aln = m.align(SeqRecord(Seq("ACGTT"), id="s1"), "AGGT")
    assert aln.id_x == "s1"


def test_unknown_symbols_and_wildcard():
    from Bio.Seq import Seq
    from Bio.SeqRecord import SeqRecord
    m = dna_model()
    with pytest.raises(ValueError, match=r"'Z' at position 3, not in alphabet 'ACGT'"):
        m.log_likelihood("ACGZ", "ACG")
    with pytest.raises(ValueError, match=r"sequence 'chr7'.*'N' at position 1.*wildcard"):
        m.log_likelihood("ACG", SeqRecord(Seq("AN"), id="chr7"))
    with pytest.raises(ValueError, match="Remove gap"):
        m.align("AC-G", "ACG")
    with pytest.raises(ValueError, match="code 7 at position 0"):
        m.log_likelihood(np.array([7, 0]), "AC")
    with pytest.raises(TypeError, match="give a str"):
        m.log_likelihood(3.5, "AC")
    w = dna_model(wildcard="NX")
    # a wildcard emits with the background: an all-wildcard insert has emission factor 1
    assert math.isfinite(w.log_likelihood("ACNGT", "ACGGT"))
    p = w.posterior("ACNGT", "ACGGT")
    assert p.shape == (5, 5)
    with pytest.raises(ValueError, match="also in the alphabet"):
        dna_model(wildcard="A")


def test_empty_sequences_as_the_model_defines():
    m = dna_model()
    assert m.log_likelihood("", "") == pytest.approx(math.log(0.01), rel=1e-12)
    # "" vs "AC": begin -> Y -> Y -> end = delta * q * eps * q * tau
    want = math.log(0.02 * 0.25 * 0.1 * 0.25 * 0.01)
    assert m.log_likelihood("", "AC") == pytest.approx(want, rel=1e-12)
    assert m.log_likelihood("AC", "") == pytest.approx(want, rel=1e-12)
    a = m.align("", "AC")
    assert a.cigar == "2D" and a.aligned_x == "--" and a.expected_accuracy == 1.0
    assert m.align("AC", "").cigar == "2I"
    assert m.posterior("", "AC").shape == (0, 2)


@pytest.mark.parametrize("kw,msg", [
    (dict(tau=0.0), "tau"), (dict(tau=1.0), "tau"), (dict(tau=-0.1), "tau"),
    (dict(delta=-0.1), "delta"), (dict(delta=0.6), "M -> M"), (dict(epsilon=1.0), "epsilon"),
    (dict(epsilon=0.995), "epsilon \\+ tau"),
    (dict(match_prob=np.full((4, 4), 0.1)), "sums to 1.6"),
    (dict(insert_prob=[0.5, 0.5, 0.5, 0.5]), "sums to 2"),
    (dict(insert_prob=[[0.25] * 4, [0.5, 0.1, 0.1, 0.1]], symmetric=False), "row 1 sums"),
    (dict(match_prob=np.full((3, 3), 1 / 9)), "shape"),
    (dict(n_insert_pairs=3), "n_insert_pairs"), (dict(delta=[0.1, 0.2, 0.3]), "delta has shape"),
    (dict(delta=[[0.1, 0.2]]), "symmetric=True ties"), (dict(backend="gpu"), "backend"),
])
def test_bad_parameters_refused(kw, msg):
    with pytest.raises(ValueError, match=msg):
        dna_model(**kw)


def test_impossible_pair_refused():
    P = np.diag([0.25] * 4)
    m = dna_model(match_prob=P)
    assert m.log_likelihood("A", "C") == -math.inf or m.log_likelihood("A", "C") < 0
    m0 = tp.PairHMM("AC", delta=0.0, epsilon=0.0, tau=0.1, match_prob=[[0.5, 0], [0, 0.5]])
    assert m0.log_likelihood("A", "C") == -math.inf
    with pytest.raises(ValueError, match="probability 0"):
        m0.align("A", "C")


def test_alignment_object():
    m = dna_model()
    a = m.align("ACGTACGT", "ACGACGTT")
    assert a.cigar and set(a.ops) <= set("MID")
    assert a.aligned_x.replace("-", "") == "ACGTACGT"
    assert a.aligned_y.replace("-", "") == "ACGACGTT"
    assert len(a.aligned_x) == len(a.aligned_y) == len(a.ops)
    assert 0 < a.expected_accuracy <= 1 and a.log_prob < 0
    bio = a.to_biopython()
    assert bio[0] == a.aligned_x and bio[1] == a.aligned_y
    assert "Alignment(" in repr(a) and str(a).count("\n") == 2
    v = m.viterbi("ACGTACGT", "ACGACGTT")
    assert v.log_prob >= a.log_prob - 1e-12


def test_save_load_presets(tmp_path):
    m = dna_model(symmetric=False, delta=[0.02, 0.03], epsilon=[0.1, 0.2], n_insert_pairs=1)
    path = tmp_path / "p.json"
    m.save(path)
    m2 = tp.PairHMM.load(path)
    assert m2.log_likelihood("ACGT", "AGT") == m.log_likelihood("ACGT", "AGT")
    assert json.loads(path.read_text())["symmetric"] is False
    for name in ("protein", "dna"):
        p = tp.PairHMM.from_preset(name)
        assert p.symmetric and 0 < p.tau_ < 1
    prot = tp.PairHMM.from_preset("protein")
    assert prot.n_insert_pairs == 2 and len(prot.alphabet) == 20
    assert math.isfinite(prot.log_likelihood("HEAGAWGHEE", "PAWHEAE"))
    assert math.isfinite(prot.log_likelihood("HEAGAWGHEX", "PAWHEAE"))   # X is a wildcard
    with pytest.raises(ValueError, match="unknown preset"):
        tp.PairHMM.from_preset("rna")
    with pytest.raises(FileNotFoundError):
        tp.PairHMM.load(tmp_path / "missing.json")
    with pytest.raises(ValueError, match="lacks"):
        tp.PairHMM.from_dict({"alphabet": "AC"})


def test_score_many_align_many():
    rng = np.random.default_rng(4)
    m = dna_model(n_insert_pairs=2, delta=[0.02, 0.01], epsilon=[0.3, 0.9])
    pairs = []
    for _ in range(12):
        x = random_dna(rng, int(rng.integers(1, 60)))
        pairs.append((x, mutate(rng, x)))
    pairs.append(("", "ACG"))
    scores = m.score_many(pairs)
    np.testing.assert_allclose(scores, [m.log_likelihood(x, y) for x, y in pairs], rtol=1e-12)
    df = m.align_many(pairs, progress=False)
    assert list(df.columns) == ["id_x", "id_y", "log_likelihood", "log_odds", "expected_accuracy",
                                "cigar", "aligned_x", "aligned_y"]
    for k, (x, y) in enumerate(pairs):
        a = m.align(x, y)
        assert df.cigar[k] == a.cigar
        assert df.expected_accuracy[k] == pytest.approx(a.expected_accuracy, rel=1e-10)
        assert df.log_odds[k] == pytest.approx(m.log_odds(x, y), rel=1e-10)
    dv = m.align_many(pairs[:3], method="viterbi", progress=False)
    assert dv.cigar[0] == m.viterbi(*pairs[0]).cigar
    with pytest.raises(ValueError, match="pairs\\[1\\]"):
        m.score_many([("A", "C"), "ACG"])
