"""Smoke test: examples/tidigits_connected_digits.py --quick runs and writes its table."""
import csv
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_connected_digits_example_quick(tmp_path):
    out = tmp_path / "report"
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "tidigits_connected_digits.py"),
         "--quick", "--output", str(out)],
        capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    for setup in ("tied (embedded)", "untied (per token)", "cluster_states"):
        assert setup in proc.stdout
    assert "31 utterances" in proc.stdout
    with open(out / "tidigits_connected_digits.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3
    for r in rows:
        assert 0.0 <= float(r["wer"]) <= 2.0 and int(r["n_words"]) > 0
    assert (out / "tidigits_connected_digits.txt").stat().st_size > 100
