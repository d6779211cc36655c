"""The model layer's GPU path (``backend="cupy"``: data on the device, emission
log-likelihoods and statistics computed there), tested without a GPU.

* Every case of ``_gpu_em_sim_check.py`` runs under Numba's CUDA simulator in one
  subprocess (``NUMBA_ENABLE_CUDASIM=1`` must be set before numba is imported) and
  compares the device path with the host path there, float64 to rtol 1e-10: frame
  log-likelihoods, every E-step statistic, the parameters after one M-step, for each
  family (categorical, Gaussian x 4 covariance types, Poisson, GMM x 4, tied mixture),
  tied and untied; plus the host fallbacks and a short EM loop.
* The emission kernels are compiled to PTX for sm_90 (needs NVVM, not a driver).
* ``backend="auto"`` and ``gpu_dtype`` are checked on the CPU.
"""
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pytest

import tiedpgm as tp
from _gpu_helpers import check_sim_case, has_cuda_gpu, nvvm_available, run_sim_cases
from _gpu_em_sim_check import CASES

HELPER = Path(__file__).with_name("_gpu_em_sim_check.py")


@pytest.fixture(scope="module")
def sim_results():
    return run_sim_cases(HELPER)


@pytest.mark.parametrize("name", list(CASES))
def test_device_em_under_cuda_simulator(sim_results, name):
    check_sim_case(sim_results, name)




@pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") == "1",
                    reason="PTX compilation needs the real numba.cuda target, not the simulator")
@pytest.mark.skipif(not nvvm_available(), reason="NVVM (CUDA toolkit) not found")
@pytest.mark.skipif(has_cuda_gpu(), reason="a real GPU compiles and runs them in "
                    "test_gpu_em.py (the faked compute capability must not leak there)")
def test_emission_kernels_compile_to_ptx():
    import numba.cuda.dispatcher as dispatcher
    from tiedpgm.kernels._numba_cuda import cuda

    from tiedpgm.kernels import cuda_emissions as ce
    fake = SimpleNamespace(compute_capability=(9, 0))
    with mock.patch.object(dispatcher, "get_current_device", lambda: fake):
        for name, sig in ce.signatures():
            ptx, _ = cuda.compile_ptx(getattr(ce, name).py_func, sig, cc=(9, 0))
            assert ".entry" in ptx, name


# -- backend="auto" -------------------------------------------------------------------------
def test_auto_backend_small_problem_is_numba():
    from tiedpgm.kernels import resolve_backend
    assert resolve_backend("auto") == "numba"            # size unknown
    assert resolve_backend("auto", 1000, 4) == "numba"   # small
    assert resolve_backend(None, 1000, 4) == "numba"


def test_auto_backend_large_problem_needs_a_usable_gpu(monkeypatch):
    import tiedpgm.kernels as kernels
    big = (kernels.GPU_AUTO_MIN_WORK // 16 + 1, 4)
    monkeypatch.setattr(kernels, "_GPU_USABLE", False)
    assert kernels.resolve_backend("auto", *big) == "numba"
    monkeypatch.setattr(kernels, "_GPU_USABLE", True)
    assert kernels.resolve_backend("auto", *big) == "cupy"
    assert kernels.resolve_backend("auto", big[0] - 2, 4) == "numba"     # just below
    # more states than the GPU kernels take: numba
    assert kernels.resolve_backend("auto", 10**9, kernels.GPU_AUTO_MAX_STATES + 1) == "numba"
    # an explicit choice is never changed
    assert kernels.resolve_backend("numpy", *big) == "numpy"


def test_fit_records_the_auto_choice(monkeypatch):
    """fit passes the problem size to resolve_backend and records its answer."""
    import tiedpgm.kernels as kernels
    seen = {}
    real = kernels.resolve_backend

    def spy(backend, n_samples=None, n_components=None):
        seen["args"] = (backend, n_samples, n_components)
        return real(backend, n_samples, n_components)

    monkeypatch.setattr(tp.hmm, "resolve_backend", spy)
    X = np.random.default_rng(0).integers(0, 3, size=(50, 1))
    m = tp.CategoricalHMM(n_components=2, n_iter=1, random_state=0).fit(X)
    assert seen["args"] == ("auto", 50, 2)
    assert m.backend_ == "numba"


def test_no_gpu_probe_for_small_problems(monkeypatch):
    """A small fit with backend='auto' never imports CuPy or probes for a GPU."""
    import tiedpgm.kernels as kernels

    def boom():
        raise AssertionError("probed for a GPU on a small problem")
    monkeypatch.setattr(kernels, "_GPU_USABLE", None)
    monkeypatch.setattr(kernels, "_probe_gpu", boom)
    X = np.random.default_rng(0).normal(size=(40, 2))
    assert tp.GaussianHMM(n_components=2, n_iter=1, random_state=0).fit(X).backend_ == "numba"


def test_import_needs_no_cupy():
    code = ("import sys; import tiedpgm; "
            "assert 'cupy' not in sys.modules, 'cupy imported'; "
            "assert 'tiedpgm.kernels.cuda_emissions' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120,
                   env={**os.environ, "PYTHONPATH": str(Path(tp.__file__).resolve()
                                                        .parent.parent)})


# -- gpu_dtype --------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [tp.GaussianHMM, tp.CategoricalHMM, tp.PoissonHMM, tp.GMMHMM,
                                 tp.TiedMixtureHMM])
def test_gpu_dtype_is_a_parameter(cls):
    from sklearn.base import clone
    m = cls(n_components=2, gpu_dtype="float32")
    assert m.get_params()["gpu_dtype"] == "float32"
    assert clone(m).gpu_dtype == "float32"
    assert cls(n_components=2).gpu_dtype == "float64"


def test_bad_gpu_dtype_is_refused():
    X = np.random.default_rng(0).normal(size=(20, 1))
    with pytest.raises(ValueError, match="gpu_dtype='float16'.*float64"):
        tp.GaussianHMM(n_components=2, gpu_dtype="float16").fit(X)
