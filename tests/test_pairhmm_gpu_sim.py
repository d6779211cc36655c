"""The pair-HMM GPU kernels (``backend="cupy"``), tested without a GPU.

* Every case of ``_pairhmm_gpu_sim_check.py`` runs under Numba's CUDA simulator in one
  subprocess (``NUMBA_ENABLE_CUDASIM=1`` must be set before numba is imported) and is
  compared there with the NumPy reference, float64 to rtol 1e-10; each case is reported
  here as its own test.
* The kernels are compiled to PTX for sm_90 with ``numba.cuda.compile_ptx`` (needs NVVM,
  not a driver), which catches code that runs in the simulator but does not type on the
  device (the simulator has no warp shuffles; the device code uses them).
* Without a GPU, ``backend='cupy'`` fails with a clear error that names backend='numba'.
"""
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pytest

import tiedpgm as tp
from _pairhmm_gpu_sim_check import CASES

HELPER = Path(__file__).with_name("_pairhmm_gpu_sim_check.py")


@pytest.fixture(scope="module")
def sim_results():
    env = dict(os.environ)
    env["NUMBA_ENABLE_CUDASIM"] = "1"
    root = str(Path(tp.__file__).resolve().parent.parent)
    tests = str(Path(__file__).resolve().parent)
    env["PYTHONPATH"] = os.pathsep.join([root, tests, env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", str(HELPER)],
                          env=env, capture_output=True, text=True, timeout=600)
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            rec = json.loads(line)
            results[rec["case"]] = rec
    if not results:
        pytest.fail(f"simulator run produced no results (rc={proc.returncode}):\n"
                    f"{proc.stdout}\n{proc.stderr}")
    return results, proc.stderr


@pytest.mark.parametrize("name", list(CASES))
def test_pairhmm_kernels_under_cuda_simulator(sim_results, name):
    results, stderr = sim_results
    assert name in results, f"case {name} did not report (crashed?):\n{stderr}"
    rec = results[name]
    assert rec["ok"], rec.get("error")


def _has_cuda_gpu():
    try:
        from tiedpgm.kernels._numba_cuda import cuda
        return cuda.is_available()
    except Exception:  # noqa: BLE001
        return False


def _nvvm_available():
    try:
        from numba.cuda.cudadrv import nvvm
        nvvm.NVVM()
        return True
    except Exception:  # noqa: BLE001 - any failure means "cannot compile PTX here"
        return False


SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"


@pytest.mark.skipif(SIMULATED, reason="PTX compilation needs the real numba.cuda target")
@pytest.mark.skipif(not _nvvm_available(), reason="NVVM (CUDA toolkit) not found")
@pytest.mark.skipif(_has_cuda_gpu(), reason="a real GPU compiles and runs them in "
                    "test_pairhmm_gpu.py (the faked compute capability must not leak there)")
@pytest.mark.parametrize("K", [1, 2])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_pairhmm_kernels_compile_to_ptx(dtype, K):
    import numba.cuda.dispatcher as dispatcher
    from tiedpgm.kernels._numba_cuda import cuda

    from tiedpgm.pairhmm import kernels_cuda
    kern = kernels_cuda.build(dtype, K, 32, sim=False)
    fake = SimpleNamespace(compute_capability=(9, 0))
    with mock.patch.object(dispatcher, "get_current_device", lambda: fake):
        for name, sig in kernels_cuda.signatures(dtype).items():
            ptx, _ = cuda.compile_ptx(kern[name].py_func, sig, cc=(9, 0),
                                      fastmath=dtype == "float32")
            assert ".entry" in ptx, name
            assert "shfl.sync" in ptx, name      # the warp exchange is real shuffles


@pytest.mark.skipif(_has_cuda_gpu(), reason="this machine has a GPU")
@pytest.mark.skipif(SIMULATED, reason="simulator active")
def test_backend_cupy_without_gpu_says_use_numba():
    model = tp.PairHMM(alphabet="ACGT", backend="cupy")     # accepted at construction
    with pytest.raises((RuntimeError, ImportError), match="backend='numba'"):
        model.score_many([("ACG", "AG")])
    with pytest.raises((RuntimeError, ImportError), match="backend='numba'"):
        tp.PairHMM(alphabet="ACGT").align_many([("ACG", "AG")], backend="cupy")


def test_unknown_backend_lists_cupy():
    with pytest.raises(ValueError, match="'cupy'"):
        tp.PairHMM(alphabet="ACGT", backend="gpu")


def test_gpu_lanes_must_be_a_warp_on_a_gpu():
    from tiedpgm.pairhmm import kernels_cuda
    with pytest.raises(ValueError, match="32"):
        kernels_cuda.build("float64", 1, 8, sim=False)
    with pytest.raises(ValueError, match="float64"):
        kernels_cuda.build("float16", 1)


def test_strip_layout_index_is_a_bijection():
    from tiedpgm.pairhmm import kernels_cuda
    for n, m, W in [(1, 1, 4), (9, 4, 4), (40, 3, 32), (3, 0, 4), (64, 5, 32)]:
        idx = kernels_cuda.cell_index(n, m, W).ravel()
        assert len(np.unique(idx)) == n * m
        assert idx.size == 0 or idx.max() < kernels_cuda.strip_cells(n, m, W)
