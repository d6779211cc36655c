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
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.extending import intrinsic

__all__ = ["wide_vectors", "add_transposed8", "gather_transposed8", "prefetch_line"]

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


def _c_array(ty, dtype, ndim):
    """Whether the numba type ``ty`` is a C-contiguous ``ndim``-D array of ``dtype`` (the
    layout the intrinsics' vector loads and stores assume)."""
    return (isinstance(ty, types.Array) and ty.dtype == dtype and ty.ndim == ndim
            and ty.layout == "C")


def _shuffle(builder, a, b, mask):
    i32 = ir.IntType(32)
    return builder.shuffle_vector(a, b, ir.Constant(ir.VectorType(i32, len(mask)),
                                                    [ir.Constant(i32, m) for m in mask]))


def _transpose8(builder, rows):
    """The columns of eight <8 x double> rows: ``out[l][r] = rows[r][l]`` (three rounds of
    eight two-source shuffles)."""
    # rows 2i, 2i + 1 interleaved: even columns in ``ev``, odd in ``od``
    ev = [_shuffle(builder, rows[i], rows[i + 1], [0, 8, 2, 10, 4, 12, 6, 14])
          for i in range(0, 8, 2)]
    od = [_shuffle(builder, rows[i], rows[i + 1], [1, 9, 3, 11, 5, 13, 7, 15])
          for i in range(0, 8, 2)]
    # four rows: columns c and c + 4 of rows 4h .. 4h + 3, for c = 0, 1, 2, 3
    quads = []
    for h in range(2):
        lo, hi = 2 * h, 2 * h + 1
        quads.append([_shuffle(builder, ev[lo], ev[hi], [0, 1, 8, 9, 4, 5, 12, 13]),
                      _shuffle(builder, od[lo], od[hi], [0, 1, 8, 9, 4, 5, 12, 13]),
                      _shuffle(builder, ev[lo], ev[hi], [2, 3, 10, 11, 6, 7, 14, 15]),
                      _shuffle(builder, od[lo], od[hi], [2, 3, 10, 11, 6, 7, 14, 15])])
    cols = [None] * 8
    for c in range(4):
        cols[c] = _shuffle(builder, quads[0][c], quads[1][c], [0, 1, 2, 3, 8, 9, 10, 11])
        cols[c + 4] = _shuffle(builder, quads[0][c], quads[1][c], [4, 5, 6, 7, 12, 13, 14, 15])
    return cols


@intrinsic
def add_transposed8(typingctx, src, k0, dst, rows):
    """``dst[l, rows[l], k0 + r] += src[k0 + r, l]`` for ``l, r = 0 .. 7``: eight rows of
    ``src`` (K, 8), transposed in registers, added to one row of each of the eight
    planes of ``dst`` (8, R, K); both float64 and C-contiguous, ``rows`` int64 (no bounds
    checks: the caller keeps ``k0 + 8 <= K`` and ``0 <= rows[l] < R``). Each element
    gets one add, as a scalar loop would give it; a scalar loop spends four
    instructions on each (two loads, the add, the store), which made the categorical
    counts a seventh of an E-step."""
    if not (_c_array(src, types.float64, 2) and _c_array(dst, types.float64, 3)
            and _c_array(rows, types.int64, 1) and isinstance(k0, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        src_v, k0_v, dst_v, rows_v = args
        s = context.make_array(signature.args[0])(context, builder, src_v)
        d = context.make_array(signature.args[2])(context, builder, dst_v)
        r = context.make_array(signature.args[3])(context, builder, rows_v)
        i64 = ir.IntType(64)
        vec_p = ir.VectorType(ir.DoubleType(), 8).as_pointer()
        k0_v = context.cast(builder, k0_v, signature.args[1], types.int64)
        base = builder.mul(k0_v, ir.Constant(i64, 8))
        src_rows = [builder.load(builder.bitcast(
            builder.gep(s.data, [builder.add(base, ir.Constant(i64, 8 * i))]), vec_p),
            align=8) for i in range(8)]
        cols = _transpose8(builder, src_rows)
        n_rows, K = cgutils.unpack_tuple(builder, d.shape, 3)[1:]
        plane = builder.mul(n_rows, K)
        for lane in range(8):
            q = builder.load(builder.gep(r.data, [ir.Constant(i64, lane)]))
            at = builder.add(builder.add(builder.mul(ir.Constant(i64, lane), plane),
                                         builder.mul(q, K)), k0_v)
            p = builder.bitcast(builder.gep(d.data, [at]), vec_p)
            builder.store(builder.fadd(builder.load(p, align=8), cols[lane]), p, align=8)
        return context.get_dummy_value()
    return types.none(src, k0, dst, rows), codegen


@intrinsic
def gather_transposed8(typingctx, src, rows, dst, t, k0):
    """``dst[t, k0 + r, l] = src[rows[l], k0 + r]`` for ``l, r = 0 .. 7``: eight entries of
    eight rows of ``src`` (R, K), transposed in registers, stored as eight rows of
    ``dst`` (T, K, 8); both float64 and C-contiguous, ``rows`` int64 (no bounds checks:
    the caller keeps ``k0 + 8 <= K`` and ``0 <= rows[l] < R``). Eight loads, 24 shuffles
    and eight stores where element by element it took 64 loads and the inserts that
    packed them."""
    if not (_c_array(src, types.float64, 2) and _c_array(dst, types.float64, 3)
            and _c_array(rows, types.int64, 1) and isinstance(t, types.Integer)
            and isinstance(k0, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        src_v, rows_v, dst_v, t_v, k0_v = args
        s = context.make_array(signature.args[0])(context, builder, src_v)
        r = context.make_array(signature.args[1])(context, builder, rows_v)
        d = context.make_array(signature.args[2])(context, builder, dst_v)
        i64 = ir.IntType(64)
        vec_p = ir.VectorType(ir.DoubleType(), 8).as_pointer()
        t_v = context.cast(builder, t_v, signature.args[3], types.int64)
        k0_v = context.cast(builder, k0_v, signature.args[4], types.int64)
        K = cgutils.unpack_tuple(builder, s.shape, 2)[1]
        src_rows = []
        for lane in range(8):
            q = builder.load(builder.gep(r.data, [ir.Constant(i64, lane)]))
            at = builder.add(builder.mul(q, K), k0_v)
            src_rows.append(builder.load(builder.bitcast(builder.gep(s.data, [at]), vec_p),
                                         align=8))
        cols = _transpose8(builder, src_rows)
        Kd = cgutils.unpack_tuple(builder, d.shape, 3)[1]
        base = builder.mul(builder.add(builder.mul(t_v, Kd), k0_v), ir.Constant(i64, 8))
        for j in range(8):
            p = builder.gep(d.data, [builder.add(base, ir.Constant(i64, 8 * j))])
            builder.store(cols[j], builder.bitcast(p, vec_p), align=8)
        return context.get_dummy_value()
    return types.none(src, rows, dst, t, k0), codegen


@intrinsic
def prefetch_line(typingctx, arr, t, k):
    """Ask for the cache line holding ``arr[t, k, 0]`` (a C-contiguous 3-D float64
    array) ahead of its use (``prefetcht0``; a prefetch does not fault, so no bounds
    check is needed)."""
    if not (_c_array(arr, types.float64, 3) and isinstance(t, types.Integer)
            and isinstance(k, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        a = context.make_array(signature.args[0])(context, builder, args[0])
        t_v = context.cast(builder, args[1], signature.args[1], types.int64)
        k_v = context.cast(builder, args[2], signature.args[2], types.int64)
        shape = cgutils.unpack_tuple(builder, a.shape, 3)
        at = builder.mul(builder.add(builder.mul(t_v, shape[1]), k_v), shape[2])
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]),
            "llvm.prefetch.p0")
        builder.call(fn, [builder.bitcast(builder.gep(a.data, [at]), i8p),
                          ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()
    return types.none(arr, t, k), codegen
