"""Sources generated from templates under tools/ are in step with them."""
import subprocess
import sys
from pathlib import Path

import pytest


def test_generated_kernels_match_their_templates():
    """tiedpgm/pairhmm/kernels_lanes.py and tiedpgm/kernels/numba_cpu.py are generated
    from tools/kernels_lanes.py.in and tools/numba_cpu.py.in (each per-lane statement
    written out once per SIMD lane) by tools/gen_lanes.py: fails when either file was
    edited by hand or a template was changed without regenerating. Needs a source
    checkout (tools/ is not in the wheel)."""
    root = Path(__file__).resolve().parents[1]
    gen = root / "tools" / "gen_lanes.py"
    if not gen.is_file() or not (root / "tiedpgm" / "pairhmm" / "kernels_lanes.py").is_file():
        pytest.skip("tools/gen_lanes.py not found: not a source checkout")
    r = subprocess.run([sys.executable, str(gen), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, (
        "kernels_lanes.py or numba_cpu.py differs from what tools/gen_lanes.py generates; "
        "run python3 tools/gen_lanes.py\n" + r.stdout[-4000:] + r.stderr)
