"""EM with ``backend="cupy"`` on a real NVIDIA GPU (marked ``gpu``; skipped with a reason
elsewhere): the data stay on the device, emission log-likelihoods and statistics are
computed there (``tiedpgm.kernels.cuda_emissions``), and the fit must reach the same
parameters as ``backend="numba"``.

The same device code is checked against the host families on the CPU under Numba's CUDA
simulator in ``test_gpu_em_sim.py``; these tests are the end-to-end comparisons at real
sizes on the device.
"""

import numpy as np
import pytest

import tiedpgm as tp

from _gpu_helpers import has_cuda_gpu, has_cupy_gpu

HAS_GPU = has_cuda_gpu() and has_cupy_gpu()
pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not HAS_GPU, reason="needs CuPy and an NVIDIA GPU visible to "
                                 "numba.cuda; the device path is tested on the CPU under the "
                                 "CUDA simulator in test_gpu_em_sim.py")]

RTOL = 1e-8          # parameters after several EM iterations, float64


def _lengths(rng, n_seq=40):
    lengths = list(rng.integers(50, 500, size=n_seq))
    return lengths + [1, 2, 1200]        # length-1 sequences and one longer one


def _data(kind, rng, lengths, F):
    N = int(sum(lengths))
    if kind == "categorical":
        # symbols drift with a hidden regime so the states have something to find
        regime = (np.arange(N) // 37) % 3
        return ((rng.integers(0, 3, size=N) + 2 * regime) % F).reshape(-1, 1)
    if kind == "poisson":
        regime = (np.arange(N) // 29) % 3
        return rng.poisson(1.0 + 3.0 * regime[:, None], size=(N, F)).astype(np.float64)
    regime = (np.arange(N) // 31) % 3
    return rng.normal(size=(N, F)) + 2.5 * regime[:, None] + 0.3 * rng.normal(size=(1, F))


CONFIGS = {
    "categorical": (tp.CategoricalHMM, dict(), 6),
    "gaussian-spherical": (tp.GaussianHMM, dict(covariance_type="spherical"), 3),
    "gaussian-diag": (tp.GaussianHMM, dict(covariance_type="diag"), 3),
    "gaussian-full": (tp.GaussianHMM, dict(covariance_type="full"), 3),
    "gaussian-tied": (tp.GaussianHMM, dict(covariance_type="tied"), 3),
    "poisson": (tp.PoissonHMM, dict(), 2),
    "gmm-diag": (tp.GMMHMM, dict(n_mix=2, covariance_type="diag"), 2),
    "gmm-full": (tp.GMMHMM, dict(n_mix=2, covariance_type="full"), 2),
    "gmm-spherical": (tp.GMMHMM, dict(n_mix=2, covariance_type="spherical"), 2),
    "gmm-tied": (tp.GMMHMM, dict(n_mix=2, covariance_type="tied"), 2),
}


def _kind(name):
    return "categorical" if name == "categorical" else "poisson" if name == "poisson" else "real"


@pytest.fixture
def device_calls(monkeypatch):
    """Counts E-steps that really ran on the device (not a host fallback)."""
    from tiedpgm.hmm import _DeviceEStep
    calls = {"device": 0}
    real = _DeviceEStep.estep

    def spy(self, model, fam):
        out = real(self, model, fam)
        calls["device"] += out is not None
        return out
    monkeypatch.setattr(_DeviceEStep, "estep", spy)
    return calls


def _params(m):
    out = {"startprob_": m.startprob_, "transmat_": m.transmat_}
    out.update(m._family().get_arrays())
    return out


def _fit_pair(name, tied, seed=0, n_iter=5, **extra):
    cls, kw, F = CONFIGS[name]
    rng = np.random.default_rng(seed)
    lengths = _lengths(rng)
    X = _data(_kind(name), rng, lengths, F)
    K = 4
    tie = [0, 0, 1, 2] if tied else None
    common = dict(n_components=K, tie_groups=tie, n_iter=n_iter, tol=-np.inf,
                  random_state=seed, **kw, **extra)
    cpu = cls(backend="numba", **common).fit(X, lengths)
    gpu = cls(backend="cupy", **common).fit(X, lengths)
    return cpu, gpu, X, lengths


def _path_log_prob(model, X, lengths, path):
    """Log-probability of the joint (X, state path) under ``model``, summed over sequences."""
    from tiedpgm.kernels import safe_log
    fam = model._family()
    Xv, off = model._validate_X(X, lengths, fam)
    lfp = model._log_frameprob(Xv, fam, None)
    first = off[:-1]
    inner = np.setdiff1d(np.arange(1, len(path)), first)
    return (safe_log(model.startprob_)[path[first]].sum()
            + lfp[np.arange(len(path)), path].sum()
            + safe_log(model.transmat_)[path[inner - 1], path[inner]].sum())


@pytest.mark.parametrize("tied", [False, True], ids=["untied", "tied"])
@pytest.mark.parametrize("name", list(CONFIGS))
def test_fit_on_gpu_equals_numba(name, tied, device_calls):
    cpu, gpu, X, lengths = _fit_pair(name, tied)
    assert gpu.backend_ == "cupy" and cpu.backend_ == "numba"
    assert device_calls["device"] == 5, "the device E-step did not run every iteration"
    np.testing.assert_allclose(gpu.monitor_.history, cpu.monitor_.history, rtol=1e-9)
    pc, pg = _params(cpu), _params(gpu)
    for key in pc:
        np.testing.assert_allclose(pg[key], pc[key], rtol=RTOL, atol=1e-12, err_msg=key)
    # inference on the device (frames computed there) equals the CPU's
    np.testing.assert_allclose(gpu.score(X, lengths), cpu.score(X, lengths), rtol=1e-10)
    np.testing.assert_allclose(gpu.predict_proba(X, lengths), cpu.predict_proba(X, lengths),
                               rtol=1e-8, atol=1e-10)
    # Viterbi: the same best log-probability, and the device's path scores it under the
    # host's model. The paths themselves may differ where two paths tie: with tie groups
    # [0, 0, 1, 2] and hmmlearn's uniform start and transition initialisation, states 0 and
    # 1 stay interchangeable through EM, so swapping them ties exactly and rounding picks
    # (seen on an H100: 0.4% of 12,030 frames swapped)
    g_lp, g_path = gpu.decode(X, lengths)
    c_lp, c_path = cpu.decode(X, lengths)
    np.testing.assert_allclose(g_lp, c_lp, rtol=1e-10)
    np.testing.assert_allclose(_path_log_prob(cpu, X, lengths, g_path), c_lp, rtol=1e-10)


def test_partial_and_soft_tying_on_gpu(device_calls):
    """Per-state families (partial / soft tying) pool in the M-step: same path."""
    for extra in (dict(tie_params="c"), dict(sharing="soft", sharing_strength=5.0)):
        cpu, gpu, _, _ = _fit_pair("gaussian-diag", True, seed=1, n_iter=4, **extra)
        pc, pg = _params(cpu), _params(gpu)
        for key in pc:
            np.testing.assert_allclose(pg[key], pc[key], rtol=RTOL, atol=1e-12, err_msg=key)
    assert device_calls["device"] == 8


def test_tied_mixture_on_gpu(device_calls):
    rng = np.random.default_rng(2)
    lengths = _lengths(rng, 20)
    X = _data("real", rng, lengths, 2)
    common = dict(n_components=4, n_mix=3, tie_groups=[0, 0, 1, 1], n_iter=4, tol=-np.inf,
                  random_state=2)
    cpu = tp.TiedMixtureHMM(backend="numba", **common).fit(X, lengths)
    gpu = tp.TiedMixtureHMM(backend="cupy", **common).fit(X, lengths)
    pc, pg = _params(cpu), _params(gpu)
    for key in pc:
        np.testing.assert_allclose(pg[key], pc[key], rtol=RTOL, atol=1e-12, err_msg=key)
    assert device_calls["device"] == 4


def test_host_fallbacks_give_the_same_fit(device_calls):
    """Missing data and state masks take the host path under backend='cupy'."""
    rng = np.random.default_rng(3)
    lengths = _lengths(rng, 10)
    X = _data("real", rng, lengths, 3)
    X[5, 1] = np.nan
    common = dict(n_components=3, n_iter=3, tol=-np.inf, random_state=3, allow_missing=True)
    cpu = tp.GaussianHMM(backend="numba", **common).fit(X, lengths)
    gpu = tp.GaussianHMM(backend="cupy", **common).fit(X, lengths)
    np.testing.assert_allclose(gpu.means_, cpu.means_, rtol=RTOL)
    assert device_calls["device"] == 0
    mask = np.ones((len(X), 3), dtype=bool)
    mask[:10, 0] = False
    X2 = np.nan_to_num(X)
    cpu = tp.GaussianHMM(backend="numba", n_components=3, n_iter=3, tol=-np.inf,
                         random_state=3).fit(X2, lengths, state_mask=mask)
    gpu = tp.GaussianHMM(backend="cupy", n_components=3, n_iter=3, tol=-np.inf,
                         random_state=3).fit(X2, lengths, state_mask=mask)
    np.testing.assert_allclose(gpu.means_, cpu.means_, rtol=RTOL)
    assert device_calls["device"] == 0


def test_float32_recursions_track_float64():
    cls, kw, F = CONFIGS["gaussian-diag"]
    rng = np.random.default_rng(4)
    lengths = _lengths(rng)
    X = _data("real", rng, lengths, F)
    common = dict(n_components=4, n_iter=5, tol=-np.inf, random_state=4, backend="cupy", **kw)
    m64 = cls(**common).fit(X, lengths)
    m32 = cls(gpu_dtype="float32", **common).fit(X, lengths)
    np.testing.assert_allclose(m32.monitor_.history, m64.monitor_.history, rtol=1e-4)
    np.testing.assert_allclose(m32.means_, m64.means_, rtol=1e-2, atol=1e-2)


def test_auto_picks_cupy_for_a_large_problem_and_numba_for_a_small_one():
    from tiedpgm.kernels import GPU_AUTO_MIN_WORK
    K = 10
    N = GPU_AUTO_MIN_WORK // K ** 2          # 10**6 frames: just at the threshold
    rng = np.random.default_rng(5)
    X = rng.integers(0, 8, size=(N, 1))
    big = tp.CategoricalHMM(n_components=K, n_iter=1, random_state=0, backend="auto")
    assert big.fit(X, [N // 100] * 100).backend_ == "cupy"
    small = tp.CategoricalHMM(n_components=K, n_iter=1, random_state=0, backend="auto")
    assert small.fit(X[:1000], [100] * 10).backend_ == "numba"
