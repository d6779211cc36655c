"""``numba.cuda``, imported through one place so that a compatibility fix applies to every
GPU module.

numba-cuda up to at least 0.30.4 registers an overload for ``np.row_stack`` when its
typing context first loads (at the first kernel compilation); NumPy 2.5 removed that
alias of ``np.vstack``, so every kernel launch then fails with ``AttributeError: module
'numpy' has no attribute 'row_stack'``. Restoring the alias (the same function it always
named) before numba-cuda looks it up lets both releases work together.
"""
import numpy as np

if not hasattr(np, "row_stack"):
    np.row_stack = np.vstack

from numba import cuda  # noqa: E402  (after the fix above)

__all__ = ["cuda"]
