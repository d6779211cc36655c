"""Shared helpers for the HMM model-layer tests (not a test module)."""
import importlib

import numpy as np
import pytest


def available_backends():
    out = ["numpy"]
    try:
        importlib.import_module("tiedpgm.kernels.numba_cpu")
        out.append("numba")
    except Exception:  # pragma: no cover - while the numba file is missing
        pass
    return out


backends = pytest.mark.parametrize("backend", available_backends())


def random_stochastic(rng, *shape):
    p = rng.random(shape) + 0.1
    return p / p.sum(axis=-1, keepdims=True)


def random_gaussian_params(rng, K, F, covariance_type, n_groups=None):
    G = K if n_groups is None else n_groups
    means = rng.normal(scale=3.0, size=(G, F))
    if covariance_type == "spherical":
        covars = rng.uniform(0.5, 2.0, size=G)
    elif covariance_type == "diag":
        covars = rng.uniform(0.5, 2.0, size=(G, F))
    else:
        n = 1 if covariance_type == "tied" else G
        A = rng.normal(size=(n, F, F))
        covars = A @ A.transpose(0, 2, 1) + F * np.eye(F)
        if covariance_type == "tied":
            covars = covars[0]
    return means, covars


def left_right_chain(K=40, seed=0):
    """(transmat (K, K), X (600, 1)): a left-right chain (self, +1, +2 equally likely)
    and three 200-frame passes through its states (state k emits around k / 4)."""
    rng = np.random.default_rng(seed)
    A = np.zeros((K, K))
    for i in range(K):
        A[i, i:min(i + 3, K)] = 1.0
    A /= A.sum(axis=1, keepdims=True)
    X = np.concatenate([rng.normal(np.repeat(np.arange(K), 5)[:, None] / 4, 0.3)
                        for _ in range(3)])
    return A, X


def random_model(rng, K, zeros=False):
    """Random (log_startprob, log_transmat); with ``zeros`` some entries are structural zeros."""
    from tiedpgm.kernels import safe_log
    pi = rng.dirichlet(np.ones(K))
    A = rng.dirichlet(np.ones(K), size=K)
    if zeros and K > 1:
        A[rng.random((K, K)) < 0.35] = 0.0
        A[np.arange(K), (np.arange(K) + 1) % K] += 0.2   # every row keeps an exit
        A /= A.sum(axis=1, keepdims=True)
        pi[rng.integers(K)] = 0.0
        pi[(np.argmax(pi) + 1) % K] += 0.1
        pi /= pi.sum()
    return safe_log(pi), safe_log(A)


def random_frames(rng, N, K, zeros=False, scale=3.0):
    """Random (N, K) log frame probabilities; with ``zeros`` some are -inf (never a whole row)."""
    lfp = rng.normal(size=(N, K)) * scale - 2.0
    if zeros and K > 1:
        mask = rng.random((N, K)) < 0.2
        mask[np.arange(N), rng.integers(K, size=N)] = False
        lfp[mask] = -np.inf
    return lfp


def offsets_of(lengths):
    return np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
