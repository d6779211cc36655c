"""Smoke test: examples/conv_factors.py runs offline and writes its plot and table."""
import os
import subprocess
import sys

EXAMPLE = os.path.join(os.path.dirname(__file__), os.pardir, "examples", "conv_factors.py")


def test_conv_factors_example_quick(tmp_path):
    out = tmp_path / "report"
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, EXAMPLE, "--quick", "--output", str(out)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "held-out excess error" in proc.stdout
    assert (out / "conv_factors_sample_efficiency.png").stat().st_size > 0
    table = (out / "conv_factors_sample_efficiency.txt").read_text()
    assert "untied" in table and "tied" in table
