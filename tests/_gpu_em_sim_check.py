"""The model layer's GPU path (``backend="cupy"``), checked on the CPU under Numba's CUDA
simulator.

Run as ``NUMBA_ENABLE_CUDASIM=1 python tests/_gpu_em_sim_check.py [case ...]``: the
variable must be set before numba is imported, so ``tests/test_gpu_em_sim.py`` runs this
file in a subprocess and turns each JSON line it prints into one test result. Importing
this module (to read ``CASES``) does not import numba.

Each case builds a small random model of one family, then compares, float64 to rtol
1e-10, the device path (``tiedpgm.hmm._DeviceEStep``: emission kernels of
``tiedpgm.kernels.cuda_emissions`` + ``cupy_gpu.forward_backward`` + device-side sums)
with the host path (``model._estep`` on the NumPy reference kernels): the frame
log-likelihoods, every statistic of one E-step, and the parameters after one M-step.
Sizes are tiny (K <= 4, N <= 40): the simulator runs every GPU thread as a Python thread.
"""
import copy
import sys

import numpy as np

from _gpu_helpers import sim_main

RTOL = 1e-10

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def _data(kind, rng, N, F):
    if kind == "categorical":
        return rng.integers(0, F, size=(N, 1))
    if kind == "poisson":
        return rng.poisson(3.0, size=(N, F)).astype(np.float64)
    return rng.normal(size=(N, F)) + rng.integers(0, 3, size=(N, 1)) * 2.0


LENGTHS = [9, 1, 14, 2, 10]


def _model(kind, seed=0, **kw):
    import tiedpgm as tp
    cls = {"categorical": tp.CategoricalHMM, "gaussian": tp.GaussianHMM,
           "poisson": tp.PoissonHMM, "gmm": tp.GMMHMM, "tiedmix": tp.TiedMixtureHMM}[kind]
    rng = np.random.default_rng(seed)
    F = 4 if kind == "categorical" else 2
    X = _data("gaussian" if kind in ("gmm", "tiedmix") else kind, rng, sum(LENGTHS), F)
    m = cls(random_state=seed, n_iter=1, backend="numpy", **kw)
    m.fit(X, LENGTHS)       # random parameters from the data (one host EM step)
    return m, m._validate_X(X, LENGTHS, m._family())


def _close(a, b, what):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=RTOL, atol=1e-300,
                               err_msg=what)


def _check(kind, seed=0, **kw):
    from tiedpgm.hmm import _DeviceEStep
    from tiedpgm.kernels import cuda_emissions as ce
    from tiedpgm.kernels import get_kernels
    m, (X, offsets) = _model(kind, seed, **kw)
    fam = m._family()
    slots = m._state_slots(fam)
    dev = _DeviceEStep.create(m, fam, X, offsets)
    assert dev is not None, "device path refused a supported model"
    # frame log-likelihoods
    _close(ce.to_host(dev.frame_loglik(fam, slots)), m._log_frameprob(X, fam), "lfp")
    # one E-step
    ref = get_kernels("numpy")
    host = m._estep(X, offsets, fam, ref)
    gpu = dev.estep(m, fam)
    _close(gpu.log_prob, host.log_prob, "log_prob")
    _close(gpu.start, host.start, "start")
    _close(gpu.trans, host.trans, "trans")
    assert gpu.emission.keys() == host.emission.keys()
    for k in host.emission:
        assert gpu.emission[k].shape == host.emission[k].shape, k
        _close(gpu.emission[k], host.emission[k], k)
    assert (gpu.n_samples, gpu.n_sequences) == (host.n_samples, host.n_sequences)
    # one M-step from each
    a, b = copy.deepcopy(m), copy.deepcopy(m)
    a.apply_summaries(host)
    b.apply_summaries(gpu)
    _close(b.startprob_, a.startprob_, "startprob_")
    _close(b.transmat_, a.transmat_, "transmat_")
    fa, fb = a._family(), b._family()
    for name, val in fa.get_arrays().items():
        _close(getattr(fb, name), val, name)


@case
def categorical_untied():
    _check("categorical", n_components=3)


@case
def categorical_tied():
    _check("categorical", n_components=4, tie_groups=[0, 0, 1, 1])


@case
def gaussian_diag_tied():
    _check("gaussian", n_components=3, covariance_type="diag", tie_groups=[0, 1, 1])


@case
def gaussian_spherical():
    _check("gaussian", n_components=3, covariance_type="spherical")


@case
def gaussian_full_tied():
    _check("gaussian", n_components=3, covariance_type="full", tie_groups=[0, 0, 1])


@case
def gaussian_tied_cov():
    _check("gaussian", n_components=2, covariance_type="tied")


@case
def gaussian_partial_tying():
    """tie_params='c': one parameter set per state, covariances pooled by the family."""
    _check("gaussian", n_components=3, covariance_type="diag", tie_groups=[0, 0, 1],
           tie_params="c")


@case
def poisson_tied():
    _check("poisson", n_components=3, tie_groups=[0, 1, 0])


@case
def gmm_diag_tied():
    _check("gmm", n_components=3, n_mix=2, covariance_type="diag", tie_groups=[0, 0, 1])


@case
def gmm_spherical():
    _check("gmm", n_components=2, n_mix=2, covariance_type="spherical")


@case
def gmm_full():
    _check("gmm", n_components=2, n_mix=2, covariance_type="full")


@case
def gmm_tied_cov_tied_states():
    _check("gmm", n_components=3, n_mix=2, covariance_type="tied", tie_groups=[0, 1, 1])


@case
def tied_mixture():
    _check("tiedmix", n_components=3, n_mix=2, tie_groups=[0, 0, 1])


@case
def float32_recursions():
    """gpu_dtype='float32': emission statistics stay float64, posteriors come from float32
    recursions, so statistics agree to float32 accuracy."""
    from tiedpgm.hmm import _DeviceEStep
    from tiedpgm.kernels import get_kernels
    m, (X, offsets) = _model("gaussian", 1, n_components=3, covariance_type="diag")
    m.gpu_dtype = "float32"
    fam = m._family()
    host = m._estep(X, offsets, fam, get_kernels("numpy"))
    gpu = _DeviceEStep.create(m, fam, X, offsets).estep(m, fam)
    np.testing.assert_allclose(gpu.log_prob, host.log_prob, rtol=1e-5)
    for k in host.emission:
        np.testing.assert_allclose(gpu.emission[k], host.emission[k], rtol=1e-3, atol=1e-3)


@case
def host_fallbacks():
    """What the device path does not cover falls back to the host path."""
    from tiedpgm.hmm import _DeviceEStep
    m, (X, offsets) = _model("gaussian", 2, n_components=2, allow_missing=True)
    fam = m._family()
    Xn = X.copy()
    Xn[3, 1] = np.nan
    assert _DeviceEStep.create(m, fam, Xn, offsets) is None            # missing values
    mask = np.ones((X.shape[0], 2), dtype=bool)
    assert _DeviceEStep.create(m, fam, X, offsets, mask) is None       # state mask
    c, (Xc, oc) = _model("categorical", 2, n_components=2, allow_missing=True)
    Xc = Xc.copy()
    Xc[0, 0] = -1
    assert _DeviceEStep.create(c, c._family(), Xc, oc) is None         # missing symbol
    # sparse transitions: estep says None, the host path runs
    m.sparse_transitions = True
    dev = _DeviceEStep.create(m, fam, X, offsets)
    assert dev is not None and dev.estep(m, fam) is None


@case
def em_fit_loop():
    """A few EM iterations through the device E-step equal the host's (run_em loop)."""
    from tiedpgm.engine import ConvergenceMonitor, run_em
    from tiedpgm.hmm import _DeviceEStep
    from tiedpgm.kernels import get_kernels
    m, (X, offsets) = _model("categorical", 3, n_components=3, tie_groups=[0, 1, 1])
    a, b = copy.deepcopy(m), copy.deepcopy(m)
    fa, fb = a._family(), b._family()
    dev = _DeviceEStep.create(b, fb, X, offsets)
    ref = get_kernels("numpy")

    def e_host():
        st = a._estep(X, offsets, fa, ref)
        return st.log_prob, st

    def e_gpu():
        st = b._estep(X, offsets, fb, ref, device=dev)
        return st.log_prob, st

    run_em(e_host, a.apply_summaries, ConvergenceMonitor(0.0, 3, False))
    run_em(e_gpu, b.apply_summaries, ConvergenceMonitor(0.0, 3, False))
    _close(b.transmat_, a.transmat_, "transmat_")
    _close(b.emissionprob_, a.emissionprob_, "emissionprob_")


@case
def inference_on_device():
    """score / posteriors / Viterbi from frames computed on the device (what score,
    predict_proba and decode do with backend='cupy') equal the host's."""
    from tiedpgm.kernels import cupy_gpu, get_kernels
    ref = get_kernels("numpy")
    for kind, kw in (("gmm", dict(n_components=3, n_mix=2, tie_groups=[0, 1, 1])),
                     ("gaussian", dict(n_components=2, covariance_type="full"))):
        m, (X, offsets) = _model(kind, 4, **kw)
        fam = m._family()
        lfp_h = m._log_frameprob(X, fam)
        lfp_d = m._frames(cupy_gpu, X, offsets, fam)
        assert not (isinstance(lfp_d, np.ndarray) and lfp_d is lfp_h)
        _close(m._run_score(cupy_gpu, lfp_d, offsets), m._run_score(ref, lfp_h, offsets),
               "score")
        _close(m._run_fb(cupy_gpu, lfp_d, offsets)[1], m._run_fb(ref, lfp_h, offsets)[1],
               "posteriors")
        v_d, v_h = m._run_viterbi(cupy_gpu, lfp_d, offsets), m._run_viterbi(ref, lfp_h, offsets)
        _close(v_d[0], v_h[0], "viterbi log-prob")
        np.testing.assert_array_equal(v_d[1], v_h[1])


if __name__ == "__main__":
    sys.exit(sim_main(CASES, sys.argv[1:]))
