"""The GPU backend's kernels, tested without a GPU.

* Every case of ``_gpu_sim_check.py`` runs under Numba's CUDA simulator in one
  subprocess (``NUMBA_ENABLE_CUDASIM=1`` must be set before numba is imported, so it
  cannot run in this process) and is compared there with the NumPy reference,
  float64 to rtol 1e-10; each case is reported here as its own test.
* The kernels are compiled to PTX for sm_90 with ``numba.cuda.compile_ptx`` (needs
  NVVM, not a driver; skipped where NVVM is missing), which catches what the simulator
  cannot: code that types in Python but not on the device, and the real warp intrinsics
  (the simulator emulates them); the warp kernels' PTX must have no local memory.
* Without a GPU, ``backend='cupy'`` and the GPU module fail with clear errors.
"""
import os
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pytest

from _gpu_helpers import check_sim_case, has_cuda_gpu, nvvm_available, run_sim_cases
from _gpu_sim_check import CASES

HELPER = Path(__file__).with_name("_gpu_sim_check.py")


@pytest.fixture(scope="module")
def sim_results():
    return run_sim_cases(HELPER)


@pytest.mark.parametrize("name", list(CASES))
def test_kernels_under_cuda_simulator(sim_results, name):
    check_sim_case(sim_results, name)




def _ptx_only(test):
    """Skip marks of the PTX tests."""
    marks = [
        pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") == "1",
                           reason="PTX compilation needs the real numba.cuda target, "
                           "not the simulator"),
        pytest.mark.skipif(not nvvm_available(), reason="NVVM (CUDA toolkit) not found"),
        pytest.mark.skipif(has_cuda_gpu(), reason="a real GPU compiles and runs them in "
                           "test_gpu.py (the faked compute capability below must not leak "
                           "into its launches)"),
    ]
    for mark in marks:
        test = mark(test)
    return test


def _compile_ptx(kern, sigs):
    import numba.cuda.dispatcher as dispatcher
    from tiedpgm.kernels._numba_cuda import cuda
    # device functions ask the current device for its compute capability; there is none
    fake = SimpleNamespace(compute_capability=(9, 0))
    out = {}
    with mock.patch.object(dispatcher, "get_current_device", lambda: fake):
        for name, sig in sigs.items():
            ptx, _ = cuda.compile_ptx(getattr(kern, name).py_func, sig, cc=(9, 0))
            assert ".entry" in ptx, name
            out[name] = ptx
    return out


@_ptx_only
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_kernels_compile_to_ptx(dtype):
    from tiedpgm.kernels import cuda_kernels, cuda_long
    _compile_ptx(cuda_kernels.build(dtype), cuda_kernels.signatures(dtype))
    _compile_ptx(cuda_long.build(dtype), cuda_long.signatures(dtype))


@_ptx_only
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("K", [1, 3, 16, 32])
def test_warp_kernels_compile_to_ptx_without_local_memory(dtype, K):
    """The warp kernels compile for sm_90 with the real warp intrinsics (the simulator
    emulates them), and a lane's transition column/row and running xi terms stay in
    registers: the state loops unroll, so no local-memory traffic appears."""
    from tiedpgm.kernels import cuda_kernels
    ptx = _compile_ptx(cuda_kernels.build_warp(dtype, K), cuda_kernels.warp_signatures(dtype))
    assert "shfl.sync" in ptx["forward"] or K == 1
    assert "bar.warp.sync" in ptx["forward_backward"]
    for name, text in ptx.items():
        assert "ld.local" not in text and "st.local" not in text, name


@pytest.mark.skipif(has_cuda_gpu(), reason="this machine has a GPU")
@pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", reason="simulator active")
def test_gpu_module_without_gpu_says_use_numba():
    from tiedpgm.kernels import cupy_gpu
    with pytest.raises(RuntimeError, match="backend='numba'"):
        cupy_gpu.forward_backward(np.zeros(1), np.zeros((1, 1)), np.zeros((2, 1)),
                                  np.array([0, 2]))


def test_cupy_backend_without_cupy_is_a_clear_error():
    pytest.importorskip("numba")
    try:
        import cupy  # noqa: F401
    except ImportError:
        from tiedpgm.kernels import get_kernels
        with pytest.raises(ImportError, match="tiedpgm\\[gpu\\]"):
            get_kernels("cupy")
    else:
        pytest.skip("CuPy is installed")


def test_auto_backend_is_still_numba():
    from tiedpgm.kernels import resolve_backend
    assert resolve_backend("auto") == "numba"
