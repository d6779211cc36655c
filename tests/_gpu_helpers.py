"""What the GPU tests share: finding a GPU, and running a file of CUDA-simulator cases.

The simulator needs ``NUMBA_ENABLE_CUDASIM=1`` before numba is imported, so each
``_*_sim_check.py`` file runs in a subprocess (:func:`run_sim_cases`) and prints one JSON
line per case (:func:`sim_main`); the ``test_*_sim.py`` files turn each line into a test.
Importing this module imports neither numba nor CuPy.
"""
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"


def has_cuda_gpu():
    """numba.cuda sees a real GPU (never under the simulator)."""
    if SIMULATED:
        return False
    try:
        from tiedpgm.kernels._numba_cuda import cuda
        return cuda.is_available()
    except Exception:  # noqa: BLE001 - any failure means "no usable GPU"
        return False


def has_cupy_gpu():
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001
        return False


def nvvm_available():
    """NVVM is there to compile PTX (no driver needed)."""
    try:
        from numba.cuda.cudadrv import nvvm
        nvvm.NVVM()
        return True
    except Exception:  # noqa: BLE001 - any failure means "cannot compile PTX here"
        return False


def run_sim_cases(helper, timeout=600):
    """Run ``helper`` (a ``_*_sim_check.py`` file) under the simulator in a subprocess,
    against the same tiedpgm this process imported; ({case: record}, stderr)."""
    import pytest

    import tiedpgm
    env = dict(os.environ)
    env["NUMBA_ENABLE_CUDASIM"] = "1"
    root = str(Path(tiedpgm.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root, str(Path(helper).resolve().parent),
                                         env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", str(helper)],
                          env=env, capture_output=True, text=True, timeout=timeout)
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            rec = json.loads(line)
            results[rec["case"]] = rec
    if not results:
        pytest.fail(f"simulator run produced no results (rc={proc.returncode}):\n"
                    f"{proc.stdout}\n{proc.stderr}")
    return results, proc.stderr


def check_sim_case(sim_results, name):
    results, stderr = sim_results
    assert name in results, f"case {name} did not report (crashed?):\n{stderr}"
    assert results[name]["ok"], results[name].get("error")


def sim_main(cases, names):
    """Run ``cases`` (all, or those named) and print one JSON line each; exit status."""
    from numba import config
    if not config.ENABLE_CUDASIM:
        print("set NUMBA_ENABLE_CUDASIM=1 before running this script", file=sys.stderr)
        return 2
    # the simulator's barriers hand the GIL between one Python thread per GPU thread; a
    # short switch interval makes them about 4x faster
    sys.setswitchinterval(5e-4)
    failed = 0
    for name in names or list(cases):
        t0 = time.perf_counter()
        try:
            cases[name]()
            res = {"case": name, "ok": True}
        except Exception:  # noqa: BLE001 - reported to the parent test
            failed += 1
            res = {"case": name, "ok": False, "error": traceback.format_exc()}
        res["seconds"] = round(time.perf_counter() - t0, 2)
        print(json.dumps(res), flush=True)
    return 1 if failed else 0
