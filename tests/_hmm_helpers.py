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
