"""LLVM helpers for the numba kernels.

:func:`wide_vectors`, called first thing in a jitted function, lets LLVM vectorise that
function's loops with 512-bit registers where the CPU has AVX-512. LLVM's default for
AVX-512 Intel CPUs is to prefer 256-bit vectors ("prefer-256-bit" tuning: wide
instructions can lower the clock of older parts), so numba's loops use half the
registers' width; the function attribute ``"prefer-vector-width"="512"`` lifts that for
one function, where a process-wide LLVM option would change every jitted function in the
process. Without AVX-512 the attribute does nothing. A function that LLVM inlines into
another takes the caller's setting, so the kernels mark every function whose loops are
hot.
"""
from numba import types
from numba.core.extending import intrinsic

__all__ = ["wide_vectors"]

_ATTRIBUTE = '"prefer-vector-width"="512"'


@intrinsic
def wide_vectors(typingctx):
    """Mark the calling jitted function ``"prefer-vector-width"="512"`` (no run-time
    cost)."""
    def codegen(context, builder, signature, args):
        # llvmlite's FunctionAttributes only admits the attributes it knows by name; a
        # string attribute is written out as given
        set.add(builder.function.attributes, _ATTRIBUTE)
        return context.get_dummy_value()
    return types.none(), codegen
