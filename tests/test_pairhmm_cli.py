"""``tiedpgm align`` / ``tiedpgm train-pairhmm`` as a user runs them (subprocess)."""
import json
import os
import subprocess
import sys

import pytest

from tiedpgm.datasets import load_pfam_pairs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "tiedpgm", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def fasta(tmp_path_factory):
    d = tmp_path_factory.mktemp("fa")
    pairs = load_pfam_pairs("fn3", n_pairs=3, seed=2)
    seqs = {}
    for p in pairs:
        seqs[p.id_x], seqs[p.id_y] = p.x, p.y
    one = d / "seqs.fasta"
    one.write_text("".join(f">{k}\n{v}\n" for k, v in list(seqs.items())[:3]))
    other = d / "other.fasta"
    other.write_text("".join(f">{k}\n{v}\n" for k, v in list(seqs.items())[3:5]))
    pf = d / "pairs.fasta"
    pf.write_text("".join(f">{p.id_x}\n{p.x}\n>{p.id_y}\n{p.y}\n" for p in pairs))
    bad = d / "bad.fasta"
    bad.write_text("this is not fasta\n")
    unk = d / "unk.fasta"
    unk.write_text(">s1\nACDE\n>s2\nAC1E\n")
    return dict(one=one, other=other, pairs=pf, bad=bad, unk=unk, dir=d)


def test_align_all_vs_all_tsv(fasta):
    r = run("align", str(fasta["one"]), "--quiet")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].split("\t") == ["id_x", "id_y", "log_likelihood", "log_odds",
                                    "expected_accuracy", "cigar", "aligned_x", "aligned_y"]
    assert len(lines) == 1 + 3


def test_align_one_vs_many_formats(fasta):
    out = fasta["dir"] / "out.txt"
    r = run("align", str(fasta["one"]), str(fasta["other"]), "--format", "cigar",
            "--method", "viterbi", "-o", str(out))
    assert r.returncode == 0, r.stderr
    rows = out.read_text().strip().splitlines()
    assert len(rows) == 3 * 2 and all(len(x.split("\t")) == 3 for x in rows)
    r = run("align", str(fasta["one"]), "--format", "fasta", "--threads", "1", "-q")
    assert r.returncode == 0 and r.stdout.count(">") == 6


def test_train_pairhmm(fasta):
    out = fasta["dir"] / "params.json"
    r = run("train-pairhmm", str(fasta["pairs"]), "-o", str(out), "--n-iter", "2", "-q")
    assert r.returncode == 0, r.stderr
    d = json.loads(out.read_text())
    assert d["training"]["pairs"] == 3 and d["n_insert_pairs"] == 2
    r = run("align", str(fasta["one"]), "--params", str(out), "-q", "--format", "cigar")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("args,msg", [
    (["align", "missing.fasta"], "no such file"),
    (["align", "BAD"], "is not FASTA"),
    (["align", "ONE", "--preset", "rna"], "unknown preset"),
    (["align", "ONE", "--method", "sw"], "unknown --method"),
    (["align", "UNK", "-q"], "'1' at position 2"),
    (["align", "ONE", "--params", "missing.json"], "no such parameter file"),
    (["train-pairhmm", "ONE"], "must be even"),
])
def test_bad_input_one_line_error(fasta, args, msg):
    sub = {"BAD": str(fasta["bad"]), "ONE": str(fasta["one"]), "UNK": str(fasta["unk"])}
    r = run(*[sub.get(a, a) for a in args], cwd=str(fasta["dir"]))
    assert r.returncode != 0
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and msg in err[0], r.stderr


def test_backend_cupy_without_gpu_is_one_line_error(fasta):
    from test_pairhmm_gpu import HAS_GPU
    if HAS_GPU:
        pytest.skip("a GPU is present: --backend cupy runs")
    r = run("align", str(fasta["one"]), "--backend", "cupy", "-q", cwd=str(fasta["dir"]))
    assert r.returncode != 0
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and "backend='numba'" in err[0], r.stderr
