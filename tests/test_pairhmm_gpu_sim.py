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
import os
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pytest

import tiedpgm as tp
from _gpu_helpers import check_sim_case, has_cuda_gpu, nvvm_available, run_sim_cases
from _pairhmm_gpu_sim_check import CASES

HELPER = Path(__file__).with_name("_pairhmm_gpu_sim_check.py")


@pytest.fixture(scope="module")
def sim_results():
    return run_sim_cases(HELPER)


@pytest.mark.parametrize("name", list(CASES))
def test_pairhmm_kernels_under_cuda_simulator(sim_results, name):
    check_sim_case(sim_results, name)




SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"


@pytest.mark.skipif(SIMULATED, reason="PTX compilation needs the real numba.cuda target")
@pytest.mark.skipif(not nvvm_available(), reason="NVVM (CUDA toolkit) not found")
@pytest.mark.skipif(has_cuda_gpu(), reason="a real GPU compiles and runs them in "
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


@pytest.mark.skipif(has_cuda_gpu(), reason="this machine has a GPU")
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
