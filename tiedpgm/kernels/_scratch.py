"""Work arrays kept between kernel calls, per calling thread.

A large fresh ``np.empty`` costs a page fault for each page the kernel then touches
(~300 per K=512 left-right E-step), so the kernels' scratch is kept for the next call of
the same thread, up to a size limit.
"""
import threading

import numpy as np

__all__ = ["kept_empty"]

_KEPT = threading.local()


def kept_empty(name, shape, grow_axes, limit):
    """A float64 array for ``name``: the one kept from an earlier call of this thread if
    its shape equals ``shape`` on every axis, or is at least as large on ``grow_axes``;
    else a fresh ``np.empty(shape)``, kept when it holds at most ``limit`` bytes. Its
    contents are whatever an earlier call left."""
    kept = getattr(_KEPT, "arrays", None)
    if kept is None:
        kept = _KEPT.arrays = {}
    cur = kept.get(name)
    if cur is not None and cur.ndim == len(shape) and all(
            c >= s if axis in grow_axes else c == s
            for axis, (c, s) in enumerate(zip(cur.shape, shape))):
        return cur
    arr = np.empty(shape)
    if arr.nbytes <= limit:
        kept[name] = arr
    return arr
