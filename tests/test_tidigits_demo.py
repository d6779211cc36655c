"""The bundled TIDIGITS loader and the ``tiedpgm demo`` job."""
import numpy as np

import tiedpgm as tp
from tiedpgm.datasets import load_tidigits


def test_load_tidigits_shapes():
    d = load_tidigits()
    assert len(d) == 31 and len(d.lengths) == 31 and len(d.utterance_ids) == 31
    assert d.X.shape == (int(d.lengths.sum()), 13) == (6761, 13)
    assert d.X.dtype == np.float64 and d.X.flags.c_contiguous
    assert np.all(np.isfinite(d.X))
    assert d.lengths.dtype == np.int64 and d.lengths.min() > 0
    assert d.utterance_ids[0] == "man.ah.111a"
    assert d.transcripts[0] == ["one", "one", "one"]
    assert d.transcripts[d.utterance_ids.index("woman.ak.276317oa")] == \
        ["two", "seven", "six", "three", "one", "seven", "oh"]
    assert set(d.speakers) == {"man.ah", "woman.ak"}
    # 100 frames/s: utterances last between 1 and 5 seconds
    assert 100 <= d.lengths.min() and d.lengths.max() <= 500
    np.testing.assert_array_equal(d.sequence(1), d.X[172:172 + 122])


def test_train_test_split_partitions_the_utterances():
    d = load_tidigits()
    train, test = d.train_test_split(n_test=6)
    assert len(train) == 25 and len(test) == 6
    assert set(train.utterance_ids) | set(test.utterance_ids) == set(d.utterance_ids)
    assert len(train.X) + len(test.X) == len(d.X)
    assert {s for s in test.speakers} == {"man.ah", "woman.ak"}


def test_read_mfc_matches_header(tmp_path):
    from tiedpgm.datasets.tidigits import read_mfc
    values = np.arange(26, dtype=">f4")
    path = tmp_path / "x.mfc"
    path.write_bytes(np.array([26], dtype=">i4").tobytes() + values.tobytes())
    np.testing.assert_array_equal(read_mfc(path), values.reshape(2, 13))


def test_demo_function_reports_three_models():
    from tiedpgm.demo import format_table, run_tidigits_demo
    df = run_tidigits_demo(n_iter=2)
    assert list(df["model"]) == ["untied, 16 states", "tied, 32 states in 16 groups",
                                 "untied, 32 states"]
    assert list(df["n_groups"]) == [16, 16, 32]
    # diag: 13 means + 13 variances per group, plus start (K - 1) and transitions
    # K (K - 1); probabilities that EM drove to exactly 0 are not counted
    tied, untied = df.iloc[1], df.iloc[2]
    assert 16 * 26 < tied["n_parameters"] <= 31 + 32 * 31 + 16 * 26
    assert untied["n_parameters"] - tied["n_parameters"] >= 16 * 26 - 31 - 32 * 31
    assert np.all(np.isfinite(df["test_loglik_per_frame"]))
    assert np.all(df["test_bic"] > 0)
    assert "tied, 32 states in 16 groups" in format_table(df)


def test_demo_command_writes_summary(tmp_path, capsys):
    from tiedpgm.cli import main
    out = tmp_path / "report"
    assert main(["demo", "-o", str(out), "--n-iter", "1", "--quick", "-q"]) == 0
    text = (out / "hmm_summary.txt").read_text()
    assert "test ll/frame" in text and "tied, 32 states in 16 groups" in text
    assert (out / "hmm_summary.csv").exists()
    pairs = (out / "pairhmm_summary.txt").read_text()
    assert "Pkinase" in pairs and "fn3" in pairs and "Biopython" in pairs
    for name in ("pair_posterior.png", "summary.png", "pairhmm_trained.json"):
        assert (out / name).stat().st_size > 0
    printed = capsys.readouterr().out
    assert "test BIC" in printed and "accuracy" in printed


def test_tied_model_fits_tidigits_end_to_end():
    d = load_tidigits()
    m = tp.GaussianHMM(6, tie_groups=[0, 0, 1, 1, 2, 2], n_iter=3, random_state=0,
                       backend="numpy").fit(d.X[:1000], [172, 122, 229, 161, 316])
    assert m.group_means_.shape == (3, 13) and m.means_.shape == (6, 13)
