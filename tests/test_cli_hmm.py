"""``tiedpgm hmm fit|score|decode`` as a user runs them (subprocess), plus the model files."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import tiedpgm as tp
from tiedpgm.cli import main
from tiedpgm.datasets import load_tidigits
from tiedpgm.hmm_cli import load_data, load_model, save_model_json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, cwd, stdin=None):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "tiedpgm", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120, input=stdin)


def one_line_error(r):
    assert r.returncode == 1, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tiedpgm hmm: error: "), r.stderr
    return lines[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("hmmcli")
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(-2, 1, size=(30, 2)), rng.normal(2, 1, size=(30, 2))])
    np.save(d / "X.npy", X)
    np.savez(d / "d.npz", X=X, lengths=np.array([25, 35]))
    (d / "X.csv").write_text("a,b\n" + "".join(f"{float(r[0])!r},{float(r[1])!r}\n" for r in X))
    (d / "lengths.txt").write_text("20\n40\n")
    (d / "sym.csv").write_text("".join(f"{s}\n" for s in rng.integers(0, 3, size=50)))
    np.save(d / "counts.npy", rng.poisson(4.0, size=(50, 1)))
    (d / "bad.csv").write_text("1.0,2.0\n3.0,oops\n")
    (d / "ragged.csv").write_text("1.0,2.0\n3.0\n")
    return {"dir": d, "X": X}


@pytest.fixture(scope="module")
def tidigits_model(files):
    """One fit on the bundled data, shared by the score/decode tests."""
    d = files["dir"]
    r = run("hmm", "fit", "tidigits", "--model", "gaussian", "--n-components", "4",
            "--tie-groups", "0,0,1,1", "--n-iter", "3", "--seed", "1", "-o", "tid.json",
            cwd=d)
    assert r.returncode == 0, r.stderr
    return d / "tid.json", r


# ---------------------------------------------------------------------------- help
def test_help_texts(files):
    r = run("--help", cwd=files["dir"])
    assert r.returncode == 0 and "hmm" in r.stdout and "examples:" in r.stdout
    r = run("hmm", "--help", cwd=files["dir"])
    assert r.returncode == 0
    for word in ("fit", "score", "decode", "examples:"):
        assert word in r.stdout
    r = run("hmm", "fit", "--help", cwd=files["dir"])
    assert r.returncode == 0 and "--tie-groups" in r.stdout and "tiedpgm hmm fit" in r.stdout


# ---------------------------------------------------------------------------- bundled data
def test_fit_tidigits_writes_json_model_with_progress(tidigits_model):
    path, r = tidigits_model
    assert "iter" in r.stderr and "wrote" in r.stderr          # progress unless --quiet
    doc = json.loads(path.read_text())
    assert doc["class"] == "GaussianHMM" and doc["params"]["tie_groups"] == [0, 0, 1, 1]
    assert doc["params"]["random_state"] == 1
    m = load_model(path)
    np.testing.assert_array_equal(m.means_[0], m.means_[1])     # tie kept
    assert m.monitor_.iter == 3


def test_score_tidigits(tidigits_model):
    path, _ = tidigits_model
    d = path.parent
    data = load_tidigits()
    expected = load_model(path).score(data.X, data.lengths)
    r = run("hmm", "score", str(path), "tidigits", "-q", cwd=d)
    assert r.returncode == 0 and r.stderr == ""
    assert float(r.stdout) == pytest.approx(expected, rel=1e-10)
    r = run("hmm", "score", str(path), "tidigits", "--per-sequence", "--format", "json",
            "-q", "-o", "s.json", "--backend", "numpy", cwd=d)
    assert r.returncode == 0 and r.stdout == "", r.stderr
    doc = json.loads((d / "s.json").read_text())
    assert doc["n_sequences"] == len(data.lengths) == len(doc["sequences"])
    assert doc["sequences"][0]["sequence"] == data.utterance_ids[0]
    assert sum(s["log_likelihood"] for s in doc["sequences"]) == pytest.approx(expected,
                                                                               rel=1e-10)


def test_decode_tidigits(tidigits_model):
    path, _ = tidigits_model
    d = path.parent
    data = load_tidigits()
    _, expected = load_model(path).decode(data.X, data.lengths)
    r = run("hmm", "decode", str(path), "tidigits", "-q", cwd=d)
    assert r.returncode == 0, r.stderr
    assert [int(s) for s in r.stdout.split()] == expected.tolist()
    r = run("hmm", "decode", str(path), "tidigits", "--algorithm", "map", "--format", "tsv",
            "-o", "states.tsv", cwd=d)
    assert r.returncode == 0 and "map log-prob" in r.stderr
    rows = (d / "states.tsv").read_text().splitlines()
    assert rows[0] == "sequence\tposition\tstate" and len(rows) == 1 + len(data.X)
    assert rows[1].split("\t")[:2] == [data.utterance_ids[0], "0"]


# ---------------------------------------------------------------------------- file formats
def hmm_main(capsys, *argv):
    """Run ``tiedpgm hmm ...`` in this process (fast); return (exit status, stdout, stderr)."""
    rc = main(["hmm", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_npy_npz_csv_inputs_agree(files, capsys, monkeypatch):
    d = files["dir"]
    monkeypatch.chdir(d)
    rc, out, err = hmm_main(capsys, "fit", "X.npy", "--lengths", "20,40", "-k", "2",
                            "--n-iter", "5", "-q", "--backend", "numpy", "-o", "m.npz")
    assert rc == 0 and out == err == "", err
    m = tp.load(d / "m.npz")
    expected = m.score(files["X"], [20, 40])
    r = run("hmm", "score", "m.npz", "X.csv", "--lengths", "lengths.txt", "--per-sequence",
            "-q", cwd=d)
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.strip().splitlines()]
    assert rows[0] == ["sequence", "length", "log_likelihood"]
    assert [row[:2] for row in rows[1:]] == [["0", "20"], ["1", "40"]]
    assert sum(float(row[2]) for row in rows[1:]) == pytest.approx(expected, rel=1e-10)
    # .npz lengths (25, 35) are used when --lengths is absent
    rc, out, err = hmm_main(capsys, "decode", "m.npz", "d.npz", "--format", "json", "-q",
                            "--backend", "numpy")
    assert rc == 0, err
    doc = json.loads(out)
    assert [len(s["states"]) for s in doc["sequences"]] == [25, 35]
    assert doc["log_prob"] == pytest.approx(m.decode(files["X"], [25, 35])[0], rel=1e-10)


def test_fit_to_stdout_and_stdin_csv(files):
    d = files["dir"]
    csv = (d / "X.csv").read_text()
    r = run("hmm", "fit", "-", "-k", "2", "--n-iter", "2", "--covariance-type", "full", "-q",
            "--backend", "numpy", cwd=d, stdin=csv)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["params"]["covariance_type"] == "full"


@pytest.mark.parametrize("model, data, extra, cls", [
    ("categorical", "sym.csv", [], "CategoricalHMM"),
    ("poisson", "counts.npy", [], "PoissonHMM"),
    ("gmm", "X.npy", ["--n-mix", "2"], "GMMHMM"),
])
def test_other_families(files, capsys, monkeypatch, model, data, extra, cls):
    if not hasattr(tp, cls):
        pytest.skip(f"tiedpgm.{cls} not available")
    monkeypatch.chdir(files["dir"])
    out_path = f"{model}.json"
    rc, _, err = hmm_main(capsys, "fit", data, "--model", model, "-k", "2", "--n-iter", "2",
                          *extra, "-q", "--backend", "numpy", "-o", out_path)
    assert rc == 0, err
    assert json.loads((files["dir"] / out_path).read_text())["class"] == cls
    rc, out, err = hmm_main(capsys, "decode", out_path, data, "-q", "--backend", "numpy")
    assert rc == 0, err
    assert set(out.split()) <= {"0", "1"}


# ---------------------------------------------------------------------------- bad input
def test_bad_input_subprocess(files):
    d = files["dir"]
    err = one_line_error(run("hmm", "fit", "missing.npy", "-k", "2", cwd=d))
    assert "missing.npy" in err and "does not exist" in err
    err = one_line_error(run("hmm", "fit", "bad.csv", "-k", "2", cwd=d))
    assert "bad.csv line 2" in err and "'oops'" in err
    err = one_line_error(run("hmm", "fit", "X.npy", "-k", "2", "--model", "bogus", cwd=d))
    assert "unknown --model 'bogus'" in err


@pytest.mark.parametrize("argv, message", [
    (["fit", "X.npy", "-k", "2", "--lengths", "20,30"], "lengths sum to 50 but X has 60 rows"),
    (["fit", "X.npy", "-k", "2", "--lengths", "nofile.txt"], "neither a comma list"),
    (["fit", "ragged.csv", "-k", "2"], "ragged.csv line 2: 1 fields"),
    (["fit", "X.npy", "-k", "3", "--tie-groups", "0,1"], "--tie-groups has 2 entries"),
    (["fit", "X.npy", "-k", "2", "--tie-groups", "a,b"], "not a comma list of group ids"),
    (["fit", "X.npy", "-k", "2", "--format", "npz"], "give -o model.npz"),
    (["fit", "X.npy", "-k", "2", "--model", "poisson", "--covariance-type", "diag"],
     "--covariance-type does not apply"),
    (["score", "X.csv", "X.npy"], "is not valid JSON"),
    (["score", "lengths.txt", "X.npy"], "is not valid JSON"),
    (["decode", "X.npy", "X.npy"], "not a tiedpgm model"),
    (["score", "nomodel.json", "X.npy"], "model file 'nomodel.json' does not exist"),
    (["fit", "X.npy", "-k", "2", "--model", "categorical", "--n-mix", "2"],
     "--n-mix does not apply"),
])
def test_bad_input_messages(files, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(files["dir"])
    assert main(["hmm", *argv]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


def test_bad_options_after_fit(tidigits_model, capsys, monkeypatch):
    path, _ = tidigits_model
    monkeypatch.chdir(path.parent)
    assert main(["hmm", "decode", str(path), "tidigits", "--algorithm", "posterior"]) == 1
    assert "unknown --algorithm 'posterior'" in capsys.readouterr().err
    assert main(["hmm", "score", str(path), "tidigits", "--format", "xml"]) == 1
    assert "unknown --format 'xml'" in capsys.readouterr().err
    assert main(["hmm", "score", str(path), "X.npy", "-q"]) == 1     # 2 features, not 13
    assert capsys.readouterr().err.count("\n") == 1


# ---------------------------------------------------------------------------- model files
def test_json_model_round_trip_is_exact(tmp_path):
    data = load_tidigits()
    m = tp.GaussianHMM(3, covariance_type="full", tie_groups=[0, 0, 1], n_iter=2,
                       random_state=0, backend="numpy").fit(data.X[:300], [100, 200])
    save_model_json(m, tmp_path / "m.json")
    back = load_model(tmp_path / "m.json")
    for name in ("startprob_", "transmat_", "group_means_", "group_covars_"):
        np.testing.assert_array_equal(getattr(back, name), getattr(m, name))
    assert back.get_params() == m.get_params()
    assert back.monitor_.history == m.monitor_.history
    # JSON -> model -> JSON is a fixed point
    save_model_json(back, tmp_path / "m2.json")
    assert (tmp_path / "m.json").read_text() == (tmp_path / "m2.json").read_text()
    json.loads((tmp_path / "m.json").read_text(), parse_constant=pytest.fail)  # strict JSON


def test_load_data_sources(files):
    d = files["dir"]
    a = load_data(str(d / "X.npy"))
    b = load_data(str(d / "X.csv"), "60")
    np.testing.assert_array_equal(a.X, b.X)
    assert a.lengths.tolist() == [60] and a.ids == ["0"]
    c = load_data(str(d / "d.npz"), str(d / "lengths.txt"))    # --lengths overrides the npz
    assert c.lengths.tolist() == [20, 40]
