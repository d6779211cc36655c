"""Smoke test: examples/partial_pooling.py runs and writes its plots."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_partial_pooling_example_runs(tmp_path):
    out = tmp_path / "report"
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "partial_pooling.py"),
         "--output", str(out), "--n-splits", "2"],
        capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "partial pooling (EB)" in proc.stdout
    assert "no pooling" in proc.stdout and "complete pooling" in proc.stdout
    for name in ("shrinkage.png", "heldout_vs_prior_var.png"):
        assert (out / name).stat().st_size > 1000
