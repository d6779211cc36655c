"""Input validation, in one place.

Every public entry point validates here, once, in Python; kernels trust their
inputs. Messages say what was found, what was expected and what to do.
"""
import numbers

import numpy as np


def check_lengths(lengths, n_samples):
    """Return int64 offsets (n_sequences + 1,) for ``lengths`` partitioning ``n_samples`` rows.

    ``lengths=None`` means one sequence of all rows.
    """
    if lengths is None:
        if n_samples == 0:
            raise ValueError("X has 0 rows; give at least one observation.")
        lengths = np.array([n_samples], dtype=np.int64)
    else:
        raw = np.asarray(lengths)
        if raw.ndim != 1:
            raise ValueError(
                f"lengths has shape {raw.shape}; expected a 1-D list of sequence lengths.")
        if raw.size == 0:
            raise ValueError("lengths is empty; give at least one sequence length.")
        if not np.issubdtype(raw.dtype, np.integer):
            if not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)):
                raise ValueError(
                    f"lengths must be integers; found {raw.tolist()[:10]}.")
        lengths = raw.astype(np.int64)
        bad = np.flatnonzero(lengths <= 0)
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"sequence {i} has length {int(lengths[i])}; every sequence needs at "
                "least one observation: drop empty sequences from lengths and X.")
        total = int(lengths.sum())
        if total != n_samples:
            raise ValueError(
                f"lengths sum to {total} but X has {n_samples} rows; lengths must "
                "partition X along axis 0.")
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def check_finite(X, name="X"):
    """Raise if X contains NaN or inf, naming the first bad row and column."""
    bad = ~np.isfinite(X)
    if bad.any():
        idx = np.argwhere(bad)[0]
        where = ", ".join(str(int(i)) for i in idx)
        raise ValueError(
            f"{name} contains {float(X[tuple(idx)])!r} at [{where}]; observations must be "
            "finite: remove or impute missing values first.")


def check_array_2d(X, name="X", dtype=np.float64):
    """Return X as a C-contiguous 2-D array of ``dtype``; 1-D input is refused."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(
            f"{name} has shape {X.shape}; expected a 2-D array (n_samples, n_features). "
            "Reshape a single feature with X.reshape(-1, 1).")
    if X.dtype == object:
        raise ValueError(f"{name} has dtype object; expected numbers.")
    return np.ascontiguousarray(X, dtype=dtype)


def check_stochastic(p, name, axis=-1, atol=1e-8):
    """Raise unless ``p`` is non-negative, finite and sums to 1 along ``axis``."""
    p = np.asarray(p, dtype=np.float64)
    if not np.all(np.isfinite(p)):
        raise ValueError(f"{name} contains NaN or inf; probabilities must be finite.")
    if np.any(p < 0):
        idx = np.argwhere(p < 0)[0]
        raise ValueError(
            f"{name} has a negative entry {p[tuple(idx)]:.3g} at {tuple(int(i) for i in idx)}; "
            "probabilities must be >= 0.")
    s = p.sum(axis=axis)
    off = np.abs(s - 1) > atol
    if np.any(off):
        if p.ndim == 1:
            raise ValueError(
                f"{name} sums to {float(s):.6g}, not 1; normalise it or leave it unset.")
        idx = np.argwhere(off)[0]
        raise ValueError(
            f"{name} row {', '.join(str(int(i)) for i in idx)} sums to "
            f"{float(s[tuple(idx)]):.6g}, not 1; normalise the rows or leave {name} unset.")
    return p


def check_letters(value, allowed, name):
    """Validate an hmmlearn-style letter code such as ``params="stmc"``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string of letters from {allowed!r}; got {value!r}.")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ValueError(
            f"{name}={value!r} contains unknown letter(s) {''.join(unknown)!r}; "
            f"allowed letters are {allowed!r}.")
    return value


def check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)
