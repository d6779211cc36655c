"""Smoke tests: the TIDIGITS and Pfam examples run as scripts and write their outputs."""
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _run(script, *args, cwd):
    res = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=cwd,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


def test_tidigits_tied_hmm_example(tmp_path):
    out = _run("tidigits_tied_hmm.py", "--n-iter", "2", "--output", str(tmp_path), cwd=tmp_path)
    assert "tied, 32 states in 16 groups" in out
    assert (tmp_path / "tidigits_tied_hmm.png").stat().st_size > 0


def test_pfam_alignment_example(tmp_path):
    out = _run("pfam_alignment.py", "--n-test", "4", "--output", str(tmp_path), cwd=tmp_path)
    assert "Pkinase" in out and "fn3" in out
    assert (tmp_path / "pfam_posterior.png").stat().st_size > 0
