# GENERATED FILE, do not edit by hand: made by tools/gen_lanes.py from the template
# tools/kernels_lanes.py.in (each template line containing {l} is written out here once
# per lane, l = 0..7). Edit the template, then regenerate with:
#     python3 tools/gen_lanes.py
# tests/test_generated_sources.py fails when this file and the template disagree.
"""Pair-HMM batch kernels with one pair per SIMD lane: forward scores and the MEA path.

Eight pairs of similar lengths (a *group*) run the plain row-by-row recurrence
together, one pair per vector lane: every table is laid out ``[..., j, lane]``, so each
cell's arithmetic is one vector operation across the eight pairs, and the Y chain along a
row (sequential in j) no longer blocks vectorisation. The recurrences, numerics and
flags are those of :mod:`.kernels_numba` (probability space, odds emissions, each
lane's rows scaled by sums of M and X cells, which bound the Y cells fed by them (every
other row, see below), cells below 1e-280 of the row scale flushed to zero, the same
underflow flag); see that module for the state layout (0 = M, 1..K = X_k, K+1..2K =
Y_k) and the Durbin structure the kernels exploit. Results equal the reference to
rounding; they are
not bit-identical to :mod:`.kernels_numba` (other scales and summation order), so an
MEA alignment can differ from the single-pair kernels' only where two alignments tie
exactly in real arithmetic.

Padding. A group is padded to its longest x and y with a sentinel symbol (code A, one
past the alphabet) whose emissions are all 0, so every padded cell of a lane is exactly
0 in both passes: lane results do not depend on the other lanes (sums only add +0.0),
a lane's forward total is read at its own (n, m), and its backward pass starts there
(the end-state values are put in by a per-lane scalar step on that row). Rows beyond a
lane's n are all zero; their scale is taken as 1.

Flushing. Cells below 1e-280 of the row scale are flushed every ``_FLUSH_EVERY`` rows
(and the flushed mass recorded for the flag as in :mod:`.kernels_numba`): tiny cells
only need to be stopped before they turn subnormal (slow arithmetic), and a cell takes
many rows to fall from 1e-280 to 2e-308. Values kept a few rows longer change results
by < 1e-280 relative. The forward pass's W slot is flushed and counted like a state
(it is a sum of states, so this only flags, and falls back, more readily).

Per-cell work. A row keeps only what the next row reads: M, the X states and, in the
forward pass, W = sum_s t(s->M) s of the cell (what it sends to M diagonally), so the
next row's M cell is one product, emission times W; the Y cells (and in the backward
pass, where Y is read only along its own row, all of them) stay in registers. The row
kernels sum only the M cells: the X sums follow from the previous row's sums in O(1)
per row (:func:`_forward_group`). The M emission comes from a per-row table of the
lane's odds already divided by its scale (:func:`_row_coefficients`). Products are
summed with :func:`_fma`, rounded once in scalar and vector code alike, so a lane's
result still does not depend on its lane. Together this halves the loads per cell and
cuts the two-pair forward loop from about 100 to 60 instructions per column.

Two rows per sweep. The forward rows stream the previous row and the Y profile from L2
(~0.8 KB per column of 8 lanes at 300-600 columns), which bounds the row kernels more
than their arithmetic: :func:`_fwd_rows2` computes two rows in one pass over the columns,
the first kept in registers only, halving that traffic; :func:`_bwd_rows2` does the
same in the backward pass (both M rows still go to BM). Sweeps start at odd rows, only
odd rows are rescaled and only even rows flushed, so a lane's values are the same
whichever rows its group sweeps in pairs. The MEA forward runs row by row: fused with
the posteriors and the MEA DP, two rows spill registers and run slower.

Vectorisation. In the row kernels the lanes are written out, one line per lane (loads,
then stores; generated from tools/kernels_lanes.py.in, edit that), and compiled
with LLVM's SLP vectoriser on: numba cannot tell LLVM that arrays do not alias, so a
loop over lanes would stay scalar. Row tables are (row, j, 8 * state + lane), so all
offsets within a column are constants (a 4-d [row, j, state, lane] layout costs one
runtime stride per state, and the address registers spill). Call the kernels only
through :func:`score_groups` and :func:`mea_groups`, which compile inside
:func:`_slp_vectorize` (the on-disk cache keeps whatever was compiled first). No
``fastmath``: contracting to fused multiply-adds where LLVM sees fit differs between
vector and scalar code, and lane results must not depend on the lane (the explicit
:func:`_fma` is the same everywhere). The per-row emission table is (lane, symbol): as
(symbol, lane) SLP scalarised half of its gathers. The fused forward/MEA kernels
count j in uint64: with signed indices LLVM re-derives the negative-index wraparound
in the loop there (register pressure) and the loop grows by a third.

MEA path, in two passes over a group: the backward pass first, keeping only its M
table (``BM``, (n+1, m+1, LANES)) and row scales; then the forward pass, which makes
each row's match posteriors (forward M * backward M * scale) as it goes and runs the
MEA DP on them in the same loop (max is exact, so the values and tie rule are the
reference's), with 1-byte traceback codes. One table of 8 bytes per cell is written
once and read once (a forward-first order would write the forward table, update it in
place to posteriors and read it again for the MEA).
"""
import numpy as np
from numba import njit, prange, types
from numba.extending import intrinsic

from ..kernels._llvm import wide_vectors
from ..kernels.numba_cpu import _slp_vectorize

LANES = 8
_TINY = 1e-280
_SMALL_TOTAL = 1e-200
_FLUSH_EVERY = 8   # even: only rows that two-row sweeps store (even rows) are due
NEG_INF = -np.inf


@intrinsic
def _fma(typingctx, a, b, c):
    """a * b + c, rounded once (llvm.fma): one instruction where the CPU has FMA, and
    the same value in scalar and vector code (LLVM's own contraction would not be)."""
    def codegen(context, builder, signature, args):
        return builder.fma(*args)
    return types.float64(types.float64, types.float64, types.float64), codegen


def lane_tables(om, fx, fy):
    """Odds tables extended by the sentinel symbol (all emissions 0):
    om2 (A+1, A+1), fxe (K, A+1), fye (K, A+1)."""
    A = om.shape[0]
    om2 = np.zeros((A + 1, A + 1))
    om2[:A, :A] = om
    fxe = np.zeros((fx.shape[0], A + 1))
    fxe[:, :A] = fx
    fye = np.zeros((fy.shape[0], A + 1))
    fye[:, :A] = fy
    return om2, fxe, fye


def make_groups(nx, ny):
    """Partition pairs into lane groups of similar lengths.

    Pairs are sorted by n, cut into blocks of 16 groups, sorted by m within a block and
    cut into groups of ``LANES``. Returns groups (G, LANES) int64 of pair indices (-1:
    empty lane) and the padded cells of each group (G,)."""
    nx = np.asarray(nx, dtype=np.int64)
    ny = np.asarray(ny, dtype=np.int64)
    P = nx.shape[0]
    order = np.lexsort((ny, nx))
    block = 16 * LANES
    parts = []
    for s in range(0, P, block):
        b = order[s:s + block]
        parts.append(b[np.lexsort((nx[b], ny[b]))])
    order = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    G = (P + LANES - 1) // LANES
    groups = np.full((G, LANES), -1, dtype=np.int64)
    groups.ravel()[:P] = order
    if P == 0:
        return groups, np.zeros(0, dtype=np.int64)
    used = groups >= 0
    gn = np.where(used, nx[groups], 0).max(axis=1)
    gm = np.where(used, ny[groups], 0).max(axis=1)
    return groups, (gn + 1) * (gm + 1)


# ----------------------------------------------------------------------- group setup
@njit(cache=True)
def _pack(xcat, xoff, ycat, yoff, grp, sent, xc, yc, nl, ml):
    """Codes of the group's pairs, lane-innermost, padded with the sentinel:
    xc[i, l] = x_{i+1} of lane l, yc[j, l] = y_{j+1}. Returns (nmax, mmax)."""
    nmax = 0
    mmax = 0
    for l in range(LANES):
        p = grp[l]
        n = 0
        m = 0
        if p >= 0:
            n = xoff[p + 1] - xoff[p]
            m = yoff[p + 1] - yoff[p]
        nl[l] = n
        ml[l] = m
        nmax = max(nmax, n)
        mmax = max(mmax, m)
    for i in range(nmax + 1):
        for l in range(LANES):
            xc[i, l] = sent
    for j in range(mmax + 1):
        for l in range(LANES):
            yc[j, l] = sent
    for l in range(LANES):
        p = grp[l]
        if p < 0:
            continue
        for i in range(nl[l]):
            xc[i, l] = xcat[xoff[p] + i]
        for j in range(ml[l]):
            yc[j, l] = ycat[yoff[p] + j]
    return nmax, mmax


@njit(cache=True)
def _y_prof(yc, mmax, trans, fye, PY):
    """PY[j, 8 * (2k) + l] = t(M->Y_k) fy_k(y_j), PY[j, 8 * (2k+1) + l] = t(Y_k->Y_k)
    fy_k(y_j) of lane l for j = 1..mmax; 0 at j = 0 and j = mmax + 1. The forward pass
    reads column j, the backward pass column j + 1."""
    S = trans.shape[0]
    K = (S - 1) // 2
    for k in range(K):
        yk = 1 + K + k
        a = trans[0, yk]
        b = trans[yk, yk]
        for l in range(LANES):
            PY[0, 16 * k + l] = 0.0
            PY[0, 8 * (2 * k + 1) + l] = 0.0
            PY[mmax + 1, 16 * k + l] = 0.0
            PY[mmax + 1, 8 * (2 * k + 1) + l] = 0.0
        for j in range(1, mmax + 1):
            for l in range(LANES):
                f = fye[k, yc[j - 1, l]]
                PY[j, 16 * k + l] = a * f
                PY[j, 8 * (2 * k + 1) + l] = b * f


@njit(cache=True)
def _norm_offset(xcat, xoff, ycat, yoff, p, lrx, lry):
    acc = 0.0
    for i in range(xoff[p], xoff[p + 1]):
        acc += lrx[xcat[i]]
    for j in range(yoff[p], yoff[p + 1]):
        acc += lry[ycat[j]]
    return acc


# ------------------------------------------------------------------- forward rows
@njit(cache=True)
def _fwd_row2(R, p, c, mmax, ER, yc, C, T, PY, out):
    """Forward row into R[c] from R[p] (two insert pairs). Slots s of lane l at
    R[., j, 8 * s + l]: 0 M, 1 X1, 2 X2, 3 W, where W = sum over the cell's states of
    t(state -> M) times its value (T: t(M->M), t(X1->M), t(X2->M), t(Y1->M), t(Y2->M)),
    what the cell sends to M of the next row's next column. The Y cells are needed only
    through W and along their own row, so they stay in registers.
    ER[l, a]: the M emission odds(x_i of lane l, a) over the lane's scale (gathered by
    y_j); C[8 * k + l]: t(M->X1), t(X1->X1), t(M->X2), t(X2->X2) times fx_k(x_i) over the
    scale. out[l] receives the sum of the row's M cells (the X sums follow from the
    previous row's sums, see :func:`_forward_group`)."""
    wide_vectors()
    t0 = T[0]
    t1 = T[1]
    t2 = T[2]
    t3 = T[3]
    t4 = T[4]
    ca1_0 = C[8 * 0 + 0]
    ca1_1 = C[8 * 0 + 1]
    ca1_2 = C[8 * 0 + 2]
    ca1_3 = C[8 * 0 + 3]
    ca1_4 = C[8 * 0 + 4]
    ca1_5 = C[8 * 0 + 5]
    ca1_6 = C[8 * 0 + 6]
    ca1_7 = C[8 * 0 + 7]
    cb1_0 = C[8 * 1 + 0]
    cb1_1 = C[8 * 1 + 1]
    cb1_2 = C[8 * 1 + 2]
    cb1_3 = C[8 * 1 + 3]
    cb1_4 = C[8 * 1 + 4]
    cb1_5 = C[8 * 1 + 5]
    cb1_6 = C[8 * 1 + 6]
    cb1_7 = C[8 * 1 + 7]
    ca2_0 = C[8 * 2 + 0]
    ca2_1 = C[8 * 2 + 1]
    ca2_2 = C[8 * 2 + 2]
    ca2_3 = C[8 * 2 + 3]
    ca2_4 = C[8 * 2 + 4]
    ca2_5 = C[8 * 2 + 5]
    ca2_6 = C[8 * 2 + 6]
    ca2_7 = C[8 * 2 + 7]
    cb2_0 = C[8 * 3 + 0]
    cb2_1 = C[8 * 3 + 1]
    cb2_2 = C[8 * 3 + 2]
    cb2_3 = C[8 * 3 + 3]
    cb2_4 = C[8 * 3 + 4]
    cb2_5 = C[8 * 3 + 5]
    cb2_6 = C[8 * 3 + 6]
    cb2_7 = C[8 * 3 + 7]
    # column 0: X only
    um0 = R[p, 0, 8 * 0 + 0]
    um1 = R[p, 0, 8 * 0 + 1]
    um2 = R[p, 0, 8 * 0 + 2]
    um3 = R[p, 0, 8 * 0 + 3]
    um4 = R[p, 0, 8 * 0 + 4]
    um5 = R[p, 0, 8 * 0 + 5]
    um6 = R[p, 0, 8 * 0 + 6]
    um7 = R[p, 0, 8 * 0 + 7]
    ux1_0 = R[p, 0, 8 * 1 + 0]
    ux1_1 = R[p, 0, 8 * 1 + 1]
    ux1_2 = R[p, 0, 8 * 1 + 2]
    ux1_3 = R[p, 0, 8 * 1 + 3]
    ux1_4 = R[p, 0, 8 * 1 + 4]
    ux1_5 = R[p, 0, 8 * 1 + 5]
    ux1_6 = R[p, 0, 8 * 1 + 6]
    ux1_7 = R[p, 0, 8 * 1 + 7]
    ux2_0 = R[p, 0, 8 * 2 + 0]
    ux2_1 = R[p, 0, 8 * 2 + 1]
    ux2_2 = R[p, 0, 8 * 2 + 2]
    ux2_3 = R[p, 0, 8 * 2 + 3]
    ux2_4 = R[p, 0, 8 * 2 + 4]
    ux2_5 = R[p, 0, 8 * 2 + 5]
    ux2_6 = R[p, 0, 8 * 2 + 6]
    ux2_7 = R[p, 0, 8 * 2 + 7]
    dw0 = R[p, 0, 8 * 3 + 0]
    dw1 = R[p, 0, 8 * 3 + 1]
    dw2 = R[p, 0, 8 * 3 + 2]
    dw3 = R[p, 0, 8 * 3 + 3]
    dw4 = R[p, 0, 8 * 3 + 4]
    dw5 = R[p, 0, 8 * 3 + 5]
    dw6 = R[p, 0, 8 * 3 + 6]
    dw7 = R[p, 0, 8 * 3 + 7]
    vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
    vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
    vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
    vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
    vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
    vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
    vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
    vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
    vx2_0 = _fma(cb2_0, ux2_0, ca2_0 * um0)
    vx2_1 = _fma(cb2_1, ux2_1, ca2_1 * um1)
    vx2_2 = _fma(cb2_2, ux2_2, ca2_2 * um2)
    vx2_3 = _fma(cb2_3, ux2_3, ca2_3 * um3)
    vx2_4 = _fma(cb2_4, ux2_4, ca2_4 * um4)
    vx2_5 = _fma(cb2_5, ux2_5, ca2_5 * um5)
    vx2_6 = _fma(cb2_6, ux2_6, ca2_6 * um6)
    vx2_7 = _fma(cb2_7, ux2_7, ca2_7 * um7)
    R[c, 0, 8 * 0 + 0] = 0.0
    R[c, 0, 8 * 0 + 1] = 0.0
    R[c, 0, 8 * 0 + 2] = 0.0
    R[c, 0, 8 * 0 + 3] = 0.0
    R[c, 0, 8 * 0 + 4] = 0.0
    R[c, 0, 8 * 0 + 5] = 0.0
    R[c, 0, 8 * 0 + 6] = 0.0
    R[c, 0, 8 * 0 + 7] = 0.0
    R[c, 0, 8 * 1 + 0] = vx1_0
    R[c, 0, 8 * 1 + 1] = vx1_1
    R[c, 0, 8 * 1 + 2] = vx1_2
    R[c, 0, 8 * 1 + 3] = vx1_3
    R[c, 0, 8 * 1 + 4] = vx1_4
    R[c, 0, 8 * 1 + 5] = vx1_5
    R[c, 0, 8 * 1 + 6] = vx1_6
    R[c, 0, 8 * 1 + 7] = vx1_7
    R[c, 0, 8 * 2 + 0] = vx2_0
    R[c, 0, 8 * 2 + 1] = vx2_1
    R[c, 0, 8 * 2 + 2] = vx2_2
    R[c, 0, 8 * 2 + 3] = vx2_3
    R[c, 0, 8 * 2 + 4] = vx2_4
    R[c, 0, 8 * 2 + 5] = vx2_5
    R[c, 0, 8 * 2 + 6] = vx2_6
    R[c, 0, 8 * 2 + 7] = vx2_7
    R[c, 0, 8 * 3 + 0] = _fma(t2, vx2_0, t1 * vx1_0)
    R[c, 0, 8 * 3 + 1] = _fma(t2, vx2_1, t1 * vx1_1)
    R[c, 0, 8 * 3 + 2] = _fma(t2, vx2_2, t1 * vx1_2)
    R[c, 0, 8 * 3 + 3] = _fma(t2, vx2_3, t1 * vx1_3)
    R[c, 0, 8 * 3 + 4] = _fma(t2, vx2_4, t1 * vx1_4)
    R[c, 0, 8 * 3 + 5] = _fma(t2, vx2_5, t1 * vx1_5)
    R[c, 0, 8 * 3 + 6] = _fma(t2, vx2_6, t1 * vx1_6)
    R[c, 0, 8 * 3 + 7] = _fma(t2, vx2_7, t1 * vx1_7)
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    s4 = 0.0
    s5 = 0.0
    s6 = 0.0
    s7 = 0.0
    cm0 = 0.0
    cm1 = 0.0
    cm2 = 0.0
    cm3 = 0.0
    cm4 = 0.0
    cm5 = 0.0
    cm6 = 0.0
    cm7 = 0.0
    cy1_0 = 0.0
    cy1_1 = 0.0
    cy1_2 = 0.0
    cy1_3 = 0.0
    cy1_4 = 0.0
    cy1_5 = 0.0
    cy1_6 = 0.0
    cy1_7 = 0.0
    cy2_0 = 0.0
    cy2_1 = 0.0
    cy2_2 = 0.0
    cy2_3 = 0.0
    cy2_4 = 0.0
    cy2_5 = 0.0
    cy2_6 = 0.0
    cy2_7 = 0.0
    for j in range(1, mmax + 1):
        e0 = ER[0, yc[j - 1, 0]]
        e1 = ER[1, yc[j - 1, 1]]
        e2 = ER[2, yc[j - 1, 2]]
        e3 = ER[3, yc[j - 1, 3]]
        e4 = ER[4, yc[j - 1, 4]]
        e5 = ER[5, yc[j - 1, 5]]
        e6 = ER[6, yc[j - 1, 6]]
        e7 = ER[7, yc[j - 1, 7]]
        um0 = R[p, j, 8 * 0 + 0]
        um1 = R[p, j, 8 * 0 + 1]
        um2 = R[p, j, 8 * 0 + 2]
        um3 = R[p, j, 8 * 0 + 3]
        um4 = R[p, j, 8 * 0 + 4]
        um5 = R[p, j, 8 * 0 + 5]
        um6 = R[p, j, 8 * 0 + 6]
        um7 = R[p, j, 8 * 0 + 7]
        ux1_0 = R[p, j, 8 * 1 + 0]
        ux1_1 = R[p, j, 8 * 1 + 1]
        ux1_2 = R[p, j, 8 * 1 + 2]
        ux1_3 = R[p, j, 8 * 1 + 3]
        ux1_4 = R[p, j, 8 * 1 + 4]
        ux1_5 = R[p, j, 8 * 1 + 5]
        ux1_6 = R[p, j, 8 * 1 + 6]
        ux1_7 = R[p, j, 8 * 1 + 7]
        ux2_0 = R[p, j, 8 * 2 + 0]
        ux2_1 = R[p, j, 8 * 2 + 1]
        ux2_2 = R[p, j, 8 * 2 + 2]
        ux2_3 = R[p, j, 8 * 2 + 3]
        ux2_4 = R[p, j, 8 * 2 + 4]
        ux2_5 = R[p, j, 8 * 2 + 5]
        ux2_6 = R[p, j, 8 * 2 + 6]
        ux2_7 = R[p, j, 8 * 2 + 7]
        uw0 = R[p, j, 8 * 3 + 0]
        uw1 = R[p, j, 8 * 3 + 1]
        uw2 = R[p, j, 8 * 3 + 2]
        uw3 = R[p, j, 8 * 3 + 3]
        uw4 = R[p, j, 8 * 3 + 4]
        uw5 = R[p, j, 8 * 3 + 5]
        uw6 = R[p, j, 8 * 3 + 6]
        uw7 = R[p, j, 8 * 3 + 7]
        a1_0 = PY[j, 8 * 0 + 0]
        a1_1 = PY[j, 8 * 0 + 1]
        a1_2 = PY[j, 8 * 0 + 2]
        a1_3 = PY[j, 8 * 0 + 3]
        a1_4 = PY[j, 8 * 0 + 4]
        a1_5 = PY[j, 8 * 0 + 5]
        a1_6 = PY[j, 8 * 0 + 6]
        a1_7 = PY[j, 8 * 0 + 7]
        b1_0 = PY[j, 8 * 1 + 0]
        b1_1 = PY[j, 8 * 1 + 1]
        b1_2 = PY[j, 8 * 1 + 2]
        b1_3 = PY[j, 8 * 1 + 3]
        b1_4 = PY[j, 8 * 1 + 4]
        b1_5 = PY[j, 8 * 1 + 5]
        b1_6 = PY[j, 8 * 1 + 6]
        b1_7 = PY[j, 8 * 1 + 7]
        a2_0 = PY[j, 8 * 2 + 0]
        a2_1 = PY[j, 8 * 2 + 1]
        a2_2 = PY[j, 8 * 2 + 2]
        a2_3 = PY[j, 8 * 2 + 3]
        a2_4 = PY[j, 8 * 2 + 4]
        a2_5 = PY[j, 8 * 2 + 5]
        a2_6 = PY[j, 8 * 2 + 6]
        a2_7 = PY[j, 8 * 2 + 7]
        b2_0 = PY[j, 8 * 3 + 0]
        b2_1 = PY[j, 8 * 3 + 1]
        b2_2 = PY[j, 8 * 3 + 2]
        b2_3 = PY[j, 8 * 3 + 3]
        b2_4 = PY[j, 8 * 3 + 4]
        b2_5 = PY[j, 8 * 3 + 5]
        b2_6 = PY[j, 8 * 3 + 6]
        b2_7 = PY[j, 8 * 3 + 7]
        vm0 = e0 * dw0
        vm1 = e1 * dw1
        vm2 = e2 * dw2
        vm3 = e3 * dw3
        vm4 = e4 * dw4
        vm5 = e5 * dw5
        vm6 = e6 * dw6
        vm7 = e7 * dw7
        vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
        vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
        vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
        vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
        vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
        vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
        vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
        vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
        vx2_0 = _fma(cb2_0, ux2_0, ca2_0 * um0)
        vx2_1 = _fma(cb2_1, ux2_1, ca2_1 * um1)
        vx2_2 = _fma(cb2_2, ux2_2, ca2_2 * um2)
        vx2_3 = _fma(cb2_3, ux2_3, ca2_3 * um3)
        vx2_4 = _fma(cb2_4, ux2_4, ca2_4 * um4)
        vx2_5 = _fma(cb2_5, ux2_5, ca2_5 * um5)
        vx2_6 = _fma(cb2_6, ux2_6, ca2_6 * um6)
        vx2_7 = _fma(cb2_7, ux2_7, ca2_7 * um7)
        vy1_0 = _fma(b1_0, cy1_0, a1_0 * cm0)
        vy1_1 = _fma(b1_1, cy1_1, a1_1 * cm1)
        vy1_2 = _fma(b1_2, cy1_2, a1_2 * cm2)
        vy1_3 = _fma(b1_3, cy1_3, a1_3 * cm3)
        vy1_4 = _fma(b1_4, cy1_4, a1_4 * cm4)
        vy1_5 = _fma(b1_5, cy1_5, a1_5 * cm5)
        vy1_6 = _fma(b1_6, cy1_6, a1_6 * cm6)
        vy1_7 = _fma(b1_7, cy1_7, a1_7 * cm7)
        vy2_0 = _fma(b2_0, cy2_0, a2_0 * cm0)
        vy2_1 = _fma(b2_1, cy2_1, a2_1 * cm1)
        vy2_2 = _fma(b2_2, cy2_2, a2_2 * cm2)
        vy2_3 = _fma(b2_3, cy2_3, a2_3 * cm3)
        vy2_4 = _fma(b2_4, cy2_4, a2_4 * cm4)
        vy2_5 = _fma(b2_5, cy2_5, a2_5 * cm5)
        vy2_6 = _fma(b2_6, cy2_6, a2_6 * cm6)
        vy2_7 = _fma(b2_7, cy2_7, a2_7 * cm7)
        w0 = _fma(t1, vx1_0, t0 * vm0)
        w1 = _fma(t1, vx1_1, t0 * vm1)
        w2 = _fma(t1, vx1_2, t0 * vm2)
        w3 = _fma(t1, vx1_3, t0 * vm3)
        w4 = _fma(t1, vx1_4, t0 * vm4)
        w5 = _fma(t1, vx1_5, t0 * vm5)
        w6 = _fma(t1, vx1_6, t0 * vm6)
        w7 = _fma(t1, vx1_7, t0 * vm7)
        w0 = _fma(t2, vx2_0, w0)
        w1 = _fma(t2, vx2_1, w1)
        w2 = _fma(t2, vx2_2, w2)
        w3 = _fma(t2, vx2_3, w3)
        w4 = _fma(t2, vx2_4, w4)
        w5 = _fma(t2, vx2_5, w5)
        w6 = _fma(t2, vx2_6, w6)
        w7 = _fma(t2, vx2_7, w7)
        w0 = _fma(t3, vy1_0, w0)
        w1 = _fma(t3, vy1_1, w1)
        w2 = _fma(t3, vy1_2, w2)
        w3 = _fma(t3, vy1_3, w3)
        w4 = _fma(t3, vy1_4, w4)
        w5 = _fma(t3, vy1_5, w5)
        w6 = _fma(t3, vy1_6, w6)
        w7 = _fma(t3, vy1_7, w7)
        w0 = _fma(t4, vy2_0, w0)
        w1 = _fma(t4, vy2_1, w1)
        w2 = _fma(t4, vy2_2, w2)
        w3 = _fma(t4, vy2_3, w3)
        w4 = _fma(t4, vy2_4, w4)
        w5 = _fma(t4, vy2_5, w5)
        w6 = _fma(t4, vy2_6, w6)
        w7 = _fma(t4, vy2_7, w7)
        s0 += vm0
        s1 += vm1
        s2 += vm2
        s3 += vm3
        s4 += vm4
        s5 += vm5
        s6 += vm6
        s7 += vm7
        R[c, j, 8 * 0 + 0] = vm0
        R[c, j, 8 * 0 + 1] = vm1
        R[c, j, 8 * 0 + 2] = vm2
        R[c, j, 8 * 0 + 3] = vm3
        R[c, j, 8 * 0 + 4] = vm4
        R[c, j, 8 * 0 + 5] = vm5
        R[c, j, 8 * 0 + 6] = vm6
        R[c, j, 8 * 0 + 7] = vm7
        R[c, j, 8 * 1 + 0] = vx1_0
        R[c, j, 8 * 1 + 1] = vx1_1
        R[c, j, 8 * 1 + 2] = vx1_2
        R[c, j, 8 * 1 + 3] = vx1_3
        R[c, j, 8 * 1 + 4] = vx1_4
        R[c, j, 8 * 1 + 5] = vx1_5
        R[c, j, 8 * 1 + 6] = vx1_6
        R[c, j, 8 * 1 + 7] = vx1_7
        R[c, j, 8 * 2 + 0] = vx2_0
        R[c, j, 8 * 2 + 1] = vx2_1
        R[c, j, 8 * 2 + 2] = vx2_2
        R[c, j, 8 * 2 + 3] = vx2_3
        R[c, j, 8 * 2 + 4] = vx2_4
        R[c, j, 8 * 2 + 5] = vx2_5
        R[c, j, 8 * 2 + 6] = vx2_6
        R[c, j, 8 * 2 + 7] = vx2_7
        R[c, j, 8 * 3 + 0] = w0
        R[c, j, 8 * 3 + 1] = w1
        R[c, j, 8 * 3 + 2] = w2
        R[c, j, 8 * 3 + 3] = w3
        R[c, j, 8 * 3 + 4] = w4
        R[c, j, 8 * 3 + 5] = w5
        R[c, j, 8 * 3 + 6] = w6
        R[c, j, 8 * 3 + 7] = w7
        dw0 = uw0
        dw1 = uw1
        dw2 = uw2
        dw3 = uw3
        dw4 = uw4
        dw5 = uw5
        dw6 = uw6
        dw7 = uw7
        cm0 = vm0
        cm1 = vm1
        cm2 = vm2
        cm3 = vm3
        cm4 = vm4
        cm5 = vm5
        cm6 = vm6
        cm7 = vm7
        cy1_0 = vy1_0
        cy1_1 = vy1_1
        cy1_2 = vy1_2
        cy1_3 = vy1_3
        cy1_4 = vy1_4
        cy1_5 = vy1_5
        cy1_6 = vy1_6
        cy1_7 = vy1_7
        cy2_0 = vy2_0
        cy2_1 = vy2_1
        cy2_2 = vy2_2
        cy2_3 = vy2_3
        cy2_4 = vy2_4
        cy2_5 = vy2_5
        cy2_6 = vy2_6
        cy2_7 = vy2_7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7


@njit(cache=True)
def _fwd_rows2(R, p, c, mmax, ER, yc, C, T, PY, out):
    """Two forward rows in one sweep (two insert pairs; slots and T as in
    :func:`_fwd_row2`): row i (A, from R[p] = row i-1, kept in registers only) and row
    i+1 (B, into R[c]; R[c] may be R[p]: column j of row i-1 is read before column j of
    row i+1 is written). Column j of B takes A's column j (this step) and W at j-1 (the
    previous step). ER rows 0..7 and C[0:32] are row A's coefficients, ER rows 8..15 and
    C[32:64] row B's. out[l], out[8 + l] receive the M sums of rows A and B."""
    wide_vectors()
    t0 = T[0]
    t1 = T[1]
    t2 = T[2]
    t3 = T[3]
    t4 = T[4]
    ca1_0 = C[8 * 0 + 0]
    ca1_1 = C[8 * 0 + 1]
    ca1_2 = C[8 * 0 + 2]
    ca1_3 = C[8 * 0 + 3]
    ca1_4 = C[8 * 0 + 4]
    ca1_5 = C[8 * 0 + 5]
    ca1_6 = C[8 * 0 + 6]
    ca1_7 = C[8 * 0 + 7]
    cb1_0 = C[8 * 1 + 0]
    cb1_1 = C[8 * 1 + 1]
    cb1_2 = C[8 * 1 + 2]
    cb1_3 = C[8 * 1 + 3]
    cb1_4 = C[8 * 1 + 4]
    cb1_5 = C[8 * 1 + 5]
    cb1_6 = C[8 * 1 + 6]
    cb1_7 = C[8 * 1 + 7]
    ca2_0 = C[8 * 2 + 0]
    ca2_1 = C[8 * 2 + 1]
    ca2_2 = C[8 * 2 + 2]
    ca2_3 = C[8 * 2 + 3]
    ca2_4 = C[8 * 2 + 4]
    ca2_5 = C[8 * 2 + 5]
    ca2_6 = C[8 * 2 + 6]
    ca2_7 = C[8 * 2 + 7]
    cb2_0 = C[8 * 3 + 0]
    cb2_1 = C[8 * 3 + 1]
    cb2_2 = C[8 * 3 + 2]
    cb2_3 = C[8 * 3 + 3]
    cb2_4 = C[8 * 3 + 4]
    cb2_5 = C[8 * 3 + 5]
    cb2_6 = C[8 * 3 + 6]
    cb2_7 = C[8 * 3 + 7]
    da1_0 = C[32 + 8 * 0 + 0]
    da1_1 = C[32 + 8 * 0 + 1]
    da1_2 = C[32 + 8 * 0 + 2]
    da1_3 = C[32 + 8 * 0 + 3]
    da1_4 = C[32 + 8 * 0 + 4]
    da1_5 = C[32 + 8 * 0 + 5]
    da1_6 = C[32 + 8 * 0 + 6]
    da1_7 = C[32 + 8 * 0 + 7]
    db1_0 = C[32 + 8 * 1 + 0]
    db1_1 = C[32 + 8 * 1 + 1]
    db1_2 = C[32 + 8 * 1 + 2]
    db1_3 = C[32 + 8 * 1 + 3]
    db1_4 = C[32 + 8 * 1 + 4]
    db1_5 = C[32 + 8 * 1 + 5]
    db1_6 = C[32 + 8 * 1 + 6]
    db1_7 = C[32 + 8 * 1 + 7]
    da2_0 = C[32 + 8 * 2 + 0]
    da2_1 = C[32 + 8 * 2 + 1]
    da2_2 = C[32 + 8 * 2 + 2]
    da2_3 = C[32 + 8 * 2 + 3]
    da2_4 = C[32 + 8 * 2 + 4]
    da2_5 = C[32 + 8 * 2 + 5]
    da2_6 = C[32 + 8 * 2 + 6]
    da2_7 = C[32 + 8 * 2 + 7]
    db2_0 = C[32 + 8 * 3 + 0]
    db2_1 = C[32 + 8 * 3 + 1]
    db2_2 = C[32 + 8 * 3 + 2]
    db2_3 = C[32 + 8 * 3 + 3]
    db2_4 = C[32 + 8 * 3 + 4]
    db2_5 = C[32 + 8 * 3 + 5]
    db2_6 = C[32 + 8 * 3 + 6]
    db2_7 = C[32 + 8 * 3 + 7]
    um0 = R[p, 0, 8 * 0 + 0]
    um1 = R[p, 0, 8 * 0 + 1]
    um2 = R[p, 0, 8 * 0 + 2]
    um3 = R[p, 0, 8 * 0 + 3]
    um4 = R[p, 0, 8 * 0 + 4]
    um5 = R[p, 0, 8 * 0 + 5]
    um6 = R[p, 0, 8 * 0 + 6]
    um7 = R[p, 0, 8 * 0 + 7]
    ux1_0 = R[p, 0, 8 * 1 + 0]
    ux1_1 = R[p, 0, 8 * 1 + 1]
    ux1_2 = R[p, 0, 8 * 1 + 2]
    ux1_3 = R[p, 0, 8 * 1 + 3]
    ux1_4 = R[p, 0, 8 * 1 + 4]
    ux1_5 = R[p, 0, 8 * 1 + 5]
    ux1_6 = R[p, 0, 8 * 1 + 6]
    ux1_7 = R[p, 0, 8 * 1 + 7]
    ux2_0 = R[p, 0, 8 * 2 + 0]
    ux2_1 = R[p, 0, 8 * 2 + 1]
    ux2_2 = R[p, 0, 8 * 2 + 2]
    ux2_3 = R[p, 0, 8 * 2 + 3]
    ux2_4 = R[p, 0, 8 * 2 + 4]
    ux2_5 = R[p, 0, 8 * 2 + 5]
    ux2_6 = R[p, 0, 8 * 2 + 6]
    ux2_7 = R[p, 0, 8 * 2 + 7]
    dw0 = R[p, 0, 8 * 3 + 0]
    dw1 = R[p, 0, 8 * 3 + 1]
    dw2 = R[p, 0, 8 * 3 + 2]
    dw3 = R[p, 0, 8 * 3 + 3]
    dw4 = R[p, 0, 8 * 3 + 4]
    dw5 = R[p, 0, 8 * 3 + 5]
    dw6 = R[p, 0, 8 * 3 + 6]
    dw7 = R[p, 0, 8 * 3 + 7]
    vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
    vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
    vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
    vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
    vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
    vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
    vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
    vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
    vx2_0 = _fma(cb2_0, ux2_0, ca2_0 * um0)
    vx2_1 = _fma(cb2_1, ux2_1, ca2_1 * um1)
    vx2_2 = _fma(cb2_2, ux2_2, ca2_2 * um2)
    vx2_3 = _fma(cb2_3, ux2_3, ca2_3 * um3)
    vx2_4 = _fma(cb2_4, ux2_4, ca2_4 * um4)
    vx2_5 = _fma(cb2_5, ux2_5, ca2_5 * um5)
    vx2_6 = _fma(cb2_6, ux2_6, ca2_6 * um6)
    vx2_7 = _fma(cb2_7, ux2_7, ca2_7 * um7)
    dwb0 = _fma(t2, vx2_0, t1 * vx1_0)
    dwb1 = _fma(t2, vx2_1, t1 * vx1_1)
    dwb2 = _fma(t2, vx2_2, t1 * vx1_2)
    dwb3 = _fma(t2, vx2_3, t1 * vx1_3)
    dwb4 = _fma(t2, vx2_4, t1 * vx1_4)
    dwb5 = _fma(t2, vx2_5, t1 * vx1_5)
    dwb6 = _fma(t2, vx2_6, t1 * vx1_6)
    dwb7 = _fma(t2, vx2_7, t1 * vx1_7)
    wx1_0 = db1_0 * vx1_0
    wx1_1 = db1_1 * vx1_1
    wx1_2 = db1_2 * vx1_2
    wx1_3 = db1_3 * vx1_3
    wx1_4 = db1_4 * vx1_4
    wx1_5 = db1_5 * vx1_5
    wx1_6 = db1_6 * vx1_6
    wx1_7 = db1_7 * vx1_7
    wx2_0 = db2_0 * vx2_0
    wx2_1 = db2_1 * vx2_1
    wx2_2 = db2_2 * vx2_2
    wx2_3 = db2_3 * vx2_3
    wx2_4 = db2_4 * vx2_4
    wx2_5 = db2_5 * vx2_5
    wx2_6 = db2_6 * vx2_6
    wx2_7 = db2_7 * vx2_7
    R[c, 0, 8 * 0 + 0] = 0.0
    R[c, 0, 8 * 0 + 1] = 0.0
    R[c, 0, 8 * 0 + 2] = 0.0
    R[c, 0, 8 * 0 + 3] = 0.0
    R[c, 0, 8 * 0 + 4] = 0.0
    R[c, 0, 8 * 0 + 5] = 0.0
    R[c, 0, 8 * 0 + 6] = 0.0
    R[c, 0, 8 * 0 + 7] = 0.0
    R[c, 0, 8 * 1 + 0] = wx1_0
    R[c, 0, 8 * 1 + 1] = wx1_1
    R[c, 0, 8 * 1 + 2] = wx1_2
    R[c, 0, 8 * 1 + 3] = wx1_3
    R[c, 0, 8 * 1 + 4] = wx1_4
    R[c, 0, 8 * 1 + 5] = wx1_5
    R[c, 0, 8 * 1 + 6] = wx1_6
    R[c, 0, 8 * 1 + 7] = wx1_7
    R[c, 0, 8 * 2 + 0] = wx2_0
    R[c, 0, 8 * 2 + 1] = wx2_1
    R[c, 0, 8 * 2 + 2] = wx2_2
    R[c, 0, 8 * 2 + 3] = wx2_3
    R[c, 0, 8 * 2 + 4] = wx2_4
    R[c, 0, 8 * 2 + 5] = wx2_5
    R[c, 0, 8 * 2 + 6] = wx2_6
    R[c, 0, 8 * 2 + 7] = wx2_7
    R[c, 0, 8 * 3 + 0] = _fma(t2, wx2_0, t1 * wx1_0)
    R[c, 0, 8 * 3 + 1] = _fma(t2, wx2_1, t1 * wx1_1)
    R[c, 0, 8 * 3 + 2] = _fma(t2, wx2_2, t1 * wx1_2)
    R[c, 0, 8 * 3 + 3] = _fma(t2, wx2_3, t1 * wx1_3)
    R[c, 0, 8 * 3 + 4] = _fma(t2, wx2_4, t1 * wx1_4)
    R[c, 0, 8 * 3 + 5] = _fma(t2, wx2_5, t1 * wx1_5)
    R[c, 0, 8 * 3 + 6] = _fma(t2, wx2_6, t1 * wx1_6)
    R[c, 0, 8 * 3 + 7] = _fma(t2, wx2_7, t1 * wx1_7)
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    s4 = 0.0
    s5 = 0.0
    s6 = 0.0
    s7 = 0.0
    sb0 = 0.0
    sb1 = 0.0
    sb2 = 0.0
    sb3 = 0.0
    sb4 = 0.0
    sb5 = 0.0
    sb6 = 0.0
    sb7 = 0.0
    cm0 = 0.0
    cm1 = 0.0
    cm2 = 0.0
    cm3 = 0.0
    cm4 = 0.0
    cm5 = 0.0
    cm6 = 0.0
    cm7 = 0.0
    cy1_0 = 0.0
    cy1_1 = 0.0
    cy1_2 = 0.0
    cy1_3 = 0.0
    cy1_4 = 0.0
    cy1_5 = 0.0
    cy1_6 = 0.0
    cy1_7 = 0.0
    cy2_0 = 0.0
    cy2_1 = 0.0
    cy2_2 = 0.0
    cy2_3 = 0.0
    cy2_4 = 0.0
    cy2_5 = 0.0
    cy2_6 = 0.0
    cy2_7 = 0.0
    bm0 = 0.0
    bm1 = 0.0
    bm2 = 0.0
    bm3 = 0.0
    bm4 = 0.0
    bm5 = 0.0
    bm6 = 0.0
    bm7 = 0.0
    by1_0 = 0.0
    by1_1 = 0.0
    by1_2 = 0.0
    by1_3 = 0.0
    by1_4 = 0.0
    by1_5 = 0.0
    by1_6 = 0.0
    by1_7 = 0.0
    by2_0 = 0.0
    by2_1 = 0.0
    by2_2 = 0.0
    by2_3 = 0.0
    by2_4 = 0.0
    by2_5 = 0.0
    by2_6 = 0.0
    by2_7 = 0.0
    for j in range(1, mmax + 1):
        e0 = ER[0, yc[j - 1, 0]]
        e1 = ER[1, yc[j - 1, 1]]
        e2 = ER[2, yc[j - 1, 2]]
        e3 = ER[3, yc[j - 1, 3]]
        e4 = ER[4, yc[j - 1, 4]]
        e5 = ER[5, yc[j - 1, 5]]
        e6 = ER[6, yc[j - 1, 6]]
        e7 = ER[7, yc[j - 1, 7]]
        f0 = ER[8 + 0, yc[j - 1, 0]]
        f1 = ER[8 + 1, yc[j - 1, 1]]
        f2 = ER[8 + 2, yc[j - 1, 2]]
        f3 = ER[8 + 3, yc[j - 1, 3]]
        f4 = ER[8 + 4, yc[j - 1, 4]]
        f5 = ER[8 + 5, yc[j - 1, 5]]
        f6 = ER[8 + 6, yc[j - 1, 6]]
        f7 = ER[8 + 7, yc[j - 1, 7]]
        um0 = R[p, j, 8 * 0 + 0]
        um1 = R[p, j, 8 * 0 + 1]
        um2 = R[p, j, 8 * 0 + 2]
        um3 = R[p, j, 8 * 0 + 3]
        um4 = R[p, j, 8 * 0 + 4]
        um5 = R[p, j, 8 * 0 + 5]
        um6 = R[p, j, 8 * 0 + 6]
        um7 = R[p, j, 8 * 0 + 7]
        ux1_0 = R[p, j, 8 * 1 + 0]
        ux1_1 = R[p, j, 8 * 1 + 1]
        ux1_2 = R[p, j, 8 * 1 + 2]
        ux1_3 = R[p, j, 8 * 1 + 3]
        ux1_4 = R[p, j, 8 * 1 + 4]
        ux1_5 = R[p, j, 8 * 1 + 5]
        ux1_6 = R[p, j, 8 * 1 + 6]
        ux1_7 = R[p, j, 8 * 1 + 7]
        ux2_0 = R[p, j, 8 * 2 + 0]
        ux2_1 = R[p, j, 8 * 2 + 1]
        ux2_2 = R[p, j, 8 * 2 + 2]
        ux2_3 = R[p, j, 8 * 2 + 3]
        ux2_4 = R[p, j, 8 * 2 + 4]
        ux2_5 = R[p, j, 8 * 2 + 5]
        ux2_6 = R[p, j, 8 * 2 + 6]
        ux2_7 = R[p, j, 8 * 2 + 7]
        uw0 = R[p, j, 8 * 3 + 0]
        uw1 = R[p, j, 8 * 3 + 1]
        uw2 = R[p, j, 8 * 3 + 2]
        uw3 = R[p, j, 8 * 3 + 3]
        uw4 = R[p, j, 8 * 3 + 4]
        uw5 = R[p, j, 8 * 3 + 5]
        uw6 = R[p, j, 8 * 3 + 6]
        uw7 = R[p, j, 8 * 3 + 7]
        a1_0 = PY[j, 8 * 0 + 0]
        a1_1 = PY[j, 8 * 0 + 1]
        a1_2 = PY[j, 8 * 0 + 2]
        a1_3 = PY[j, 8 * 0 + 3]
        a1_4 = PY[j, 8 * 0 + 4]
        a1_5 = PY[j, 8 * 0 + 5]
        a1_6 = PY[j, 8 * 0 + 6]
        a1_7 = PY[j, 8 * 0 + 7]
        b1_0 = PY[j, 8 * 1 + 0]
        b1_1 = PY[j, 8 * 1 + 1]
        b1_2 = PY[j, 8 * 1 + 2]
        b1_3 = PY[j, 8 * 1 + 3]
        b1_4 = PY[j, 8 * 1 + 4]
        b1_5 = PY[j, 8 * 1 + 5]
        b1_6 = PY[j, 8 * 1 + 6]
        b1_7 = PY[j, 8 * 1 + 7]
        a2_0 = PY[j, 8 * 2 + 0]
        a2_1 = PY[j, 8 * 2 + 1]
        a2_2 = PY[j, 8 * 2 + 2]
        a2_3 = PY[j, 8 * 2 + 3]
        a2_4 = PY[j, 8 * 2 + 4]
        a2_5 = PY[j, 8 * 2 + 5]
        a2_6 = PY[j, 8 * 2 + 6]
        a2_7 = PY[j, 8 * 2 + 7]
        b2_0 = PY[j, 8 * 3 + 0]
        b2_1 = PY[j, 8 * 3 + 1]
        b2_2 = PY[j, 8 * 3 + 2]
        b2_3 = PY[j, 8 * 3 + 3]
        b2_4 = PY[j, 8 * 3 + 4]
        b2_5 = PY[j, 8 * 3 + 5]
        b2_6 = PY[j, 8 * 3 + 6]
        b2_7 = PY[j, 8 * 3 + 7]
        vm0 = e0 * dw0
        vm1 = e1 * dw1
        vm2 = e2 * dw2
        vm3 = e3 * dw3
        vm4 = e4 * dw4
        vm5 = e5 * dw5
        vm6 = e6 * dw6
        vm7 = e7 * dw7
        vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
        vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
        vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
        vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
        vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
        vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
        vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
        vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
        vx2_0 = _fma(cb2_0, ux2_0, ca2_0 * um0)
        vx2_1 = _fma(cb2_1, ux2_1, ca2_1 * um1)
        vx2_2 = _fma(cb2_2, ux2_2, ca2_2 * um2)
        vx2_3 = _fma(cb2_3, ux2_3, ca2_3 * um3)
        vx2_4 = _fma(cb2_4, ux2_4, ca2_4 * um4)
        vx2_5 = _fma(cb2_5, ux2_5, ca2_5 * um5)
        vx2_6 = _fma(cb2_6, ux2_6, ca2_6 * um6)
        vx2_7 = _fma(cb2_7, ux2_7, ca2_7 * um7)
        vy1_0 = _fma(b1_0, cy1_0, a1_0 * cm0)
        vy1_1 = _fma(b1_1, cy1_1, a1_1 * cm1)
        vy1_2 = _fma(b1_2, cy1_2, a1_2 * cm2)
        vy1_3 = _fma(b1_3, cy1_3, a1_3 * cm3)
        vy1_4 = _fma(b1_4, cy1_4, a1_4 * cm4)
        vy1_5 = _fma(b1_5, cy1_5, a1_5 * cm5)
        vy1_6 = _fma(b1_6, cy1_6, a1_6 * cm6)
        vy1_7 = _fma(b1_7, cy1_7, a1_7 * cm7)
        vy2_0 = _fma(b2_0, cy2_0, a2_0 * cm0)
        vy2_1 = _fma(b2_1, cy2_1, a2_1 * cm1)
        vy2_2 = _fma(b2_2, cy2_2, a2_2 * cm2)
        vy2_3 = _fma(b2_3, cy2_3, a2_3 * cm3)
        vy2_4 = _fma(b2_4, cy2_4, a2_4 * cm4)
        vy2_5 = _fma(b2_5, cy2_5, a2_5 * cm5)
        vy2_6 = _fma(b2_6, cy2_6, a2_6 * cm6)
        vy2_7 = _fma(b2_7, cy2_7, a2_7 * cm7)
        w0 = _fma(t1, vx1_0, t0 * vm0)
        w1 = _fma(t1, vx1_1, t0 * vm1)
        w2 = _fma(t1, vx1_2, t0 * vm2)
        w3 = _fma(t1, vx1_3, t0 * vm3)
        w4 = _fma(t1, vx1_4, t0 * vm4)
        w5 = _fma(t1, vx1_5, t0 * vm5)
        w6 = _fma(t1, vx1_6, t0 * vm6)
        w7 = _fma(t1, vx1_7, t0 * vm7)
        w0 = _fma(t2, vx2_0, w0)
        w1 = _fma(t2, vx2_1, w1)
        w2 = _fma(t2, vx2_2, w2)
        w3 = _fma(t2, vx2_3, w3)
        w4 = _fma(t2, vx2_4, w4)
        w5 = _fma(t2, vx2_5, w5)
        w6 = _fma(t2, vx2_6, w6)
        w7 = _fma(t2, vx2_7, w7)
        w0 = _fma(t3, vy1_0, w0)
        w1 = _fma(t3, vy1_1, w1)
        w2 = _fma(t3, vy1_2, w2)
        w3 = _fma(t3, vy1_3, w3)
        w4 = _fma(t3, vy1_4, w4)
        w5 = _fma(t3, vy1_5, w5)
        w6 = _fma(t3, vy1_6, w6)
        w7 = _fma(t3, vy1_7, w7)
        w0 = _fma(t4, vy2_0, w0)
        w1 = _fma(t4, vy2_1, w1)
        w2 = _fma(t4, vy2_2, w2)
        w3 = _fma(t4, vy2_3, w3)
        w4 = _fma(t4, vy2_4, w4)
        w5 = _fma(t4, vy2_5, w5)
        w6 = _fma(t4, vy2_6, w6)
        w7 = _fma(t4, vy2_7, w7)
        s0 += vm0
        s1 += vm1
        s2 += vm2
        s3 += vm3
        s4 += vm4
        s5 += vm5
        s6 += vm6
        s7 += vm7
        wm0 = f0 * dwb0
        wm1 = f1 * dwb1
        wm2 = f2 * dwb2
        wm3 = f3 * dwb3
        wm4 = f4 * dwb4
        wm5 = f5 * dwb5
        wm6 = f6 * dwb6
        wm7 = f7 * dwb7
        wx1_0 = _fma(db1_0, vx1_0, da1_0 * vm0)
        wx1_1 = _fma(db1_1, vx1_1, da1_1 * vm1)
        wx1_2 = _fma(db1_2, vx1_2, da1_2 * vm2)
        wx1_3 = _fma(db1_3, vx1_3, da1_3 * vm3)
        wx1_4 = _fma(db1_4, vx1_4, da1_4 * vm4)
        wx1_5 = _fma(db1_5, vx1_5, da1_5 * vm5)
        wx1_6 = _fma(db1_6, vx1_6, da1_6 * vm6)
        wx1_7 = _fma(db1_7, vx1_7, da1_7 * vm7)
        wx2_0 = _fma(db2_0, vx2_0, da2_0 * vm0)
        wx2_1 = _fma(db2_1, vx2_1, da2_1 * vm1)
        wx2_2 = _fma(db2_2, vx2_2, da2_2 * vm2)
        wx2_3 = _fma(db2_3, vx2_3, da2_3 * vm3)
        wx2_4 = _fma(db2_4, vx2_4, da2_4 * vm4)
        wx2_5 = _fma(db2_5, vx2_5, da2_5 * vm5)
        wx2_6 = _fma(db2_6, vx2_6, da2_6 * vm6)
        wx2_7 = _fma(db2_7, vx2_7, da2_7 * vm7)
        wy1_0 = _fma(b1_0, by1_0, a1_0 * bm0)
        wy1_1 = _fma(b1_1, by1_1, a1_1 * bm1)
        wy1_2 = _fma(b1_2, by1_2, a1_2 * bm2)
        wy1_3 = _fma(b1_3, by1_3, a1_3 * bm3)
        wy1_4 = _fma(b1_4, by1_4, a1_4 * bm4)
        wy1_5 = _fma(b1_5, by1_5, a1_5 * bm5)
        wy1_6 = _fma(b1_6, by1_6, a1_6 * bm6)
        wy1_7 = _fma(b1_7, by1_7, a1_7 * bm7)
        wy2_0 = _fma(b2_0, by2_0, a2_0 * bm0)
        wy2_1 = _fma(b2_1, by2_1, a2_1 * bm1)
        wy2_2 = _fma(b2_2, by2_2, a2_2 * bm2)
        wy2_3 = _fma(b2_3, by2_3, a2_3 * bm3)
        wy2_4 = _fma(b2_4, by2_4, a2_4 * bm4)
        wy2_5 = _fma(b2_5, by2_5, a2_5 * bm5)
        wy2_6 = _fma(b2_6, by2_6, a2_6 * bm6)
        wy2_7 = _fma(b2_7, by2_7, a2_7 * bm7)
        ww0 = _fma(t1, wx1_0, t0 * wm0)
        ww1 = _fma(t1, wx1_1, t0 * wm1)
        ww2 = _fma(t1, wx1_2, t0 * wm2)
        ww3 = _fma(t1, wx1_3, t0 * wm3)
        ww4 = _fma(t1, wx1_4, t0 * wm4)
        ww5 = _fma(t1, wx1_5, t0 * wm5)
        ww6 = _fma(t1, wx1_6, t0 * wm6)
        ww7 = _fma(t1, wx1_7, t0 * wm7)
        ww0 = _fma(t2, wx2_0, ww0)
        ww1 = _fma(t2, wx2_1, ww1)
        ww2 = _fma(t2, wx2_2, ww2)
        ww3 = _fma(t2, wx2_3, ww3)
        ww4 = _fma(t2, wx2_4, ww4)
        ww5 = _fma(t2, wx2_5, ww5)
        ww6 = _fma(t2, wx2_6, ww6)
        ww7 = _fma(t2, wx2_7, ww7)
        ww0 = _fma(t3, wy1_0, ww0)
        ww1 = _fma(t3, wy1_1, ww1)
        ww2 = _fma(t3, wy1_2, ww2)
        ww3 = _fma(t3, wy1_3, ww3)
        ww4 = _fma(t3, wy1_4, ww4)
        ww5 = _fma(t3, wy1_5, ww5)
        ww6 = _fma(t3, wy1_6, ww6)
        ww7 = _fma(t3, wy1_7, ww7)
        ww0 = _fma(t4, wy2_0, ww0)
        ww1 = _fma(t4, wy2_1, ww1)
        ww2 = _fma(t4, wy2_2, ww2)
        ww3 = _fma(t4, wy2_3, ww3)
        ww4 = _fma(t4, wy2_4, ww4)
        ww5 = _fma(t4, wy2_5, ww5)
        ww6 = _fma(t4, wy2_6, ww6)
        ww7 = _fma(t4, wy2_7, ww7)
        sb0 += wm0
        sb1 += wm1
        sb2 += wm2
        sb3 += wm3
        sb4 += wm4
        sb5 += wm5
        sb6 += wm6
        sb7 += wm7
        R[c, j, 8 * 0 + 0] = wm0
        R[c, j, 8 * 0 + 1] = wm1
        R[c, j, 8 * 0 + 2] = wm2
        R[c, j, 8 * 0 + 3] = wm3
        R[c, j, 8 * 0 + 4] = wm4
        R[c, j, 8 * 0 + 5] = wm5
        R[c, j, 8 * 0 + 6] = wm6
        R[c, j, 8 * 0 + 7] = wm7
        R[c, j, 8 * 1 + 0] = wx1_0
        R[c, j, 8 * 1 + 1] = wx1_1
        R[c, j, 8 * 1 + 2] = wx1_2
        R[c, j, 8 * 1 + 3] = wx1_3
        R[c, j, 8 * 1 + 4] = wx1_4
        R[c, j, 8 * 1 + 5] = wx1_5
        R[c, j, 8 * 1 + 6] = wx1_6
        R[c, j, 8 * 1 + 7] = wx1_7
        R[c, j, 8 * 2 + 0] = wx2_0
        R[c, j, 8 * 2 + 1] = wx2_1
        R[c, j, 8 * 2 + 2] = wx2_2
        R[c, j, 8 * 2 + 3] = wx2_3
        R[c, j, 8 * 2 + 4] = wx2_4
        R[c, j, 8 * 2 + 5] = wx2_5
        R[c, j, 8 * 2 + 6] = wx2_6
        R[c, j, 8 * 2 + 7] = wx2_7
        R[c, j, 8 * 3 + 0] = ww0
        R[c, j, 8 * 3 + 1] = ww1
        R[c, j, 8 * 3 + 2] = ww2
        R[c, j, 8 * 3 + 3] = ww3
        R[c, j, 8 * 3 + 4] = ww4
        R[c, j, 8 * 3 + 5] = ww5
        R[c, j, 8 * 3 + 6] = ww6
        R[c, j, 8 * 3 + 7] = ww7
        dw0 = uw0
        dw1 = uw1
        dw2 = uw2
        dw3 = uw3
        dw4 = uw4
        dw5 = uw5
        dw6 = uw6
        dw7 = uw7
        dwb0 = w0
        dwb1 = w1
        dwb2 = w2
        dwb3 = w3
        dwb4 = w4
        dwb5 = w5
        dwb6 = w6
        dwb7 = w7
        cm0 = vm0
        cm1 = vm1
        cm2 = vm2
        cm3 = vm3
        cm4 = vm4
        cm5 = vm5
        cm6 = vm6
        cm7 = vm7
        cy1_0 = vy1_0
        cy1_1 = vy1_1
        cy1_2 = vy1_2
        cy1_3 = vy1_3
        cy1_4 = vy1_4
        cy1_5 = vy1_5
        cy1_6 = vy1_6
        cy1_7 = vy1_7
        cy2_0 = vy2_0
        cy2_1 = vy2_1
        cy2_2 = vy2_2
        cy2_3 = vy2_3
        cy2_4 = vy2_4
        cy2_5 = vy2_5
        cy2_6 = vy2_6
        cy2_7 = vy2_7
        bm0 = wm0
        bm1 = wm1
        bm2 = wm2
        bm3 = wm3
        bm4 = wm4
        bm5 = wm5
        bm6 = wm6
        bm7 = wm7
        by1_0 = wy1_0
        by1_1 = wy1_1
        by1_2 = wy1_2
        by1_3 = wy1_3
        by1_4 = wy1_4
        by1_5 = wy1_5
        by1_6 = wy1_6
        by1_7 = wy1_7
        by2_0 = wy2_0
        by2_1 = wy2_1
        by2_2 = wy2_2
        by2_3 = wy2_3
        by2_4 = wy2_4
        by2_5 = wy2_5
        by2_6 = wy2_6
        by2_7 = wy2_7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7
    out[8 + 0] = sb0
    out[8 + 1] = sb1
    out[8 + 2] = sb2
    out[8 + 3] = sb3
    out[8 + 4] = sb4
    out[8 + 5] = sb5
    out[8 + 6] = sb6
    out[8 + 7] = sb7


@njit(cache=True)
def _fwd_mea_row2(R, p, c, mmax, ER, yc, C, T, PY, out, BMi, g, ARc, ARp, CDi):
    """As :func:`_fwd_row2`, and with it row i of the match posteriors
    (M times the backward M row BMi times g[l]) and of the MEA DP: ARc[j] from the
    previous MEA row ARp, and the traceback codes CDi[j] (0 if the max is the match
    term, else 1 if it is the x-gap term, else 2; computed as a product of two selects,
    which vectorises: nested selects do not)."""
    wide_vectors()
    t0 = T[0]
    t1 = T[1]
    t2 = T[2]
    t3 = T[3]
    t4 = T[4]
    ca1_0 = C[8 * 0 + 0]
    ca1_1 = C[8 * 0 + 1]
    ca1_2 = C[8 * 0 + 2]
    ca1_3 = C[8 * 0 + 3]
    ca1_4 = C[8 * 0 + 4]
    ca1_5 = C[8 * 0 + 5]
    ca1_6 = C[8 * 0 + 6]
    ca1_7 = C[8 * 0 + 7]
    cb1_0 = C[8 * 1 + 0]
    cb1_1 = C[8 * 1 + 1]
    cb1_2 = C[8 * 1 + 2]
    cb1_3 = C[8 * 1 + 3]
    cb1_4 = C[8 * 1 + 4]
    cb1_5 = C[8 * 1 + 5]
    cb1_6 = C[8 * 1 + 6]
    cb1_7 = C[8 * 1 + 7]
    ca2_0 = C[8 * 2 + 0]
    ca2_1 = C[8 * 2 + 1]
    ca2_2 = C[8 * 2 + 2]
    ca2_3 = C[8 * 2 + 3]
    ca2_4 = C[8 * 2 + 4]
    ca2_5 = C[8 * 2 + 5]
    ca2_6 = C[8 * 2 + 6]
    ca2_7 = C[8 * 2 + 7]
    cb2_0 = C[8 * 3 + 0]
    cb2_1 = C[8 * 3 + 1]
    cb2_2 = C[8 * 3 + 2]
    cb2_3 = C[8 * 3 + 3]
    cb2_4 = C[8 * 3 + 4]
    cb2_5 = C[8 * 3 + 5]
    cb2_6 = C[8 * 3 + 6]
    cb2_7 = C[8 * 3 + 7]
    # column 0: X only
    um0 = R[p, 0, 8 * 0 + 0]
    um1 = R[p, 0, 8 * 0 + 1]
    um2 = R[p, 0, 8 * 0 + 2]
    um3 = R[p, 0, 8 * 0 + 3]
    um4 = R[p, 0, 8 * 0 + 4]
    um5 = R[p, 0, 8 * 0 + 5]
    um6 = R[p, 0, 8 * 0 + 6]
    um7 = R[p, 0, 8 * 0 + 7]
    ux1_0 = R[p, 0, 8 * 1 + 0]
    ux1_1 = R[p, 0, 8 * 1 + 1]
    ux1_2 = R[p, 0, 8 * 1 + 2]
    ux1_3 = R[p, 0, 8 * 1 + 3]
    ux1_4 = R[p, 0, 8 * 1 + 4]
    ux1_5 = R[p, 0, 8 * 1 + 5]
    ux1_6 = R[p, 0, 8 * 1 + 6]
    ux1_7 = R[p, 0, 8 * 1 + 7]
    ux2_0 = R[p, 0, 8 * 2 + 0]
    ux2_1 = R[p, 0, 8 * 2 + 1]
    ux2_2 = R[p, 0, 8 * 2 + 2]
    ux2_3 = R[p, 0, 8 * 2 + 3]
    ux2_4 = R[p, 0, 8 * 2 + 4]
    ux2_5 = R[p, 0, 8 * 2 + 5]
    ux2_6 = R[p, 0, 8 * 2 + 6]
    ux2_7 = R[p, 0, 8 * 2 + 7]
    dw0 = R[p, 0, 8 * 3 + 0]
    dw1 = R[p, 0, 8 * 3 + 1]
    dw2 = R[p, 0, 8 * 3 + 2]
    dw3 = R[p, 0, 8 * 3 + 3]
    dw4 = R[p, 0, 8 * 3 + 4]
    dw5 = R[p, 0, 8 * 3 + 5]
    dw6 = R[p, 0, 8 * 3 + 6]
    dw7 = R[p, 0, 8 * 3 + 7]
    vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
    vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
    vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
    vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
    vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
    vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
    vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
    vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
    vx2_0 = _fma(cb2_0, ux2_0, ca2_0 * um0)
    vx2_1 = _fma(cb2_1, ux2_1, ca2_1 * um1)
    vx2_2 = _fma(cb2_2, ux2_2, ca2_2 * um2)
    vx2_3 = _fma(cb2_3, ux2_3, ca2_3 * um3)
    vx2_4 = _fma(cb2_4, ux2_4, ca2_4 * um4)
    vx2_5 = _fma(cb2_5, ux2_5, ca2_5 * um5)
    vx2_6 = _fma(cb2_6, ux2_6, ca2_6 * um6)
    vx2_7 = _fma(cb2_7, ux2_7, ca2_7 * um7)
    R[c, 0, 8 * 0 + 0] = 0.0
    R[c, 0, 8 * 0 + 1] = 0.0
    R[c, 0, 8 * 0 + 2] = 0.0
    R[c, 0, 8 * 0 + 3] = 0.0
    R[c, 0, 8 * 0 + 4] = 0.0
    R[c, 0, 8 * 0 + 5] = 0.0
    R[c, 0, 8 * 0 + 6] = 0.0
    R[c, 0, 8 * 0 + 7] = 0.0
    R[c, 0, 8 * 1 + 0] = vx1_0
    R[c, 0, 8 * 1 + 1] = vx1_1
    R[c, 0, 8 * 1 + 2] = vx1_2
    R[c, 0, 8 * 1 + 3] = vx1_3
    R[c, 0, 8 * 1 + 4] = vx1_4
    R[c, 0, 8 * 1 + 5] = vx1_5
    R[c, 0, 8 * 1 + 6] = vx1_6
    R[c, 0, 8 * 1 + 7] = vx1_7
    R[c, 0, 8 * 2 + 0] = vx2_0
    R[c, 0, 8 * 2 + 1] = vx2_1
    R[c, 0, 8 * 2 + 2] = vx2_2
    R[c, 0, 8 * 2 + 3] = vx2_3
    R[c, 0, 8 * 2 + 4] = vx2_4
    R[c, 0, 8 * 2 + 5] = vx2_5
    R[c, 0, 8 * 2 + 6] = vx2_6
    R[c, 0, 8 * 2 + 7] = vx2_7
    R[c, 0, 8 * 3 + 0] = _fma(t2, vx2_0, t1 * vx1_0)
    R[c, 0, 8 * 3 + 1] = _fma(t2, vx2_1, t1 * vx1_1)
    R[c, 0, 8 * 3 + 2] = _fma(t2, vx2_2, t1 * vx1_2)
    R[c, 0, 8 * 3 + 3] = _fma(t2, vx2_3, t1 * vx1_3)
    R[c, 0, 8 * 3 + 4] = _fma(t2, vx2_4, t1 * vx1_4)
    R[c, 0, 8 * 3 + 5] = _fma(t2, vx2_5, t1 * vx1_5)
    R[c, 0, 8 * 3 + 6] = _fma(t2, vx2_6, t1 * vx1_6)
    R[c, 0, 8 * 3 + 7] = _fma(t2, vx2_7, t1 * vx1_7)
    g0 = g[0]
    g1 = g[1]
    g2 = g[2]
    g3 = g[3]
    g4 = g[4]
    g5 = g[5]
    g6 = g[6]
    g7 = g[7]
    aw0 = 0.0
    aw1 = 0.0
    aw2 = 0.0
    aw3 = 0.0
    aw4 = 0.0
    aw5 = 0.0
    aw6 = 0.0
    aw7 = 0.0
    ad0 = ARp[0, 0]
    ad1 = ARp[0, 1]
    ad2 = ARp[0, 2]
    ad3 = ARp[0, 3]
    ad4 = ARp[0, 4]
    ad5 = ARp[0, 5]
    ad6 = ARp[0, 6]
    ad7 = ARp[0, 7]
    ARc[0, 0] = 0.0
    ARc[0, 1] = 0.0
    ARc[0, 2] = 0.0
    ARc[0, 3] = 0.0
    ARc[0, 4] = 0.0
    ARc[0, 5] = 0.0
    ARc[0, 6] = 0.0
    ARc[0, 7] = 0.0
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    s4 = 0.0
    s5 = 0.0
    s6 = 0.0
    s7 = 0.0
    cm0 = 0.0
    cm1 = 0.0
    cm2 = 0.0
    cm3 = 0.0
    cm4 = 0.0
    cm5 = 0.0
    cm6 = 0.0
    cm7 = 0.0
    cy1_0 = 0.0
    cy1_1 = 0.0
    cy1_2 = 0.0
    cy1_3 = 0.0
    cy1_4 = 0.0
    cy1_5 = 0.0
    cy1_6 = 0.0
    cy1_7 = 0.0
    cy2_0 = 0.0
    cy2_1 = 0.0
    cy2_2 = 0.0
    cy2_3 = 0.0
    cy2_4 = 0.0
    cy2_5 = 0.0
    cy2_6 = 0.0
    cy2_7 = 0.0
    one = np.uint64(1)
    for j in range(one, np.uint64(mmax) + one):
        e0 = ER[0, yc[j - one, 0]]
        e1 = ER[1, yc[j - one, 1]]
        e2 = ER[2, yc[j - one, 2]]
        e3 = ER[3, yc[j - one, 3]]
        e4 = ER[4, yc[j - one, 4]]
        e5 = ER[5, yc[j - one, 5]]
        e6 = ER[6, yc[j - one, 6]]
        e7 = ER[7, yc[j - one, 7]]
        um0 = R[p, j, 8 * 0 + 0]
        um1 = R[p, j, 8 * 0 + 1]
        um2 = R[p, j, 8 * 0 + 2]
        um3 = R[p, j, 8 * 0 + 3]
        um4 = R[p, j, 8 * 0 + 4]
        um5 = R[p, j, 8 * 0 + 5]
        um6 = R[p, j, 8 * 0 + 6]
        um7 = R[p, j, 8 * 0 + 7]
        ux1_0 = R[p, j, 8 * 1 + 0]
        ux1_1 = R[p, j, 8 * 1 + 1]
        ux1_2 = R[p, j, 8 * 1 + 2]
        ux1_3 = R[p, j, 8 * 1 + 3]
        ux1_4 = R[p, j, 8 * 1 + 4]
        ux1_5 = R[p, j, 8 * 1 + 5]
        ux1_6 = R[p, j, 8 * 1 + 6]
        ux1_7 = R[p, j, 8 * 1 + 7]
        ux2_0 = R[p, j, 8 * 2 + 0]
        ux2_1 = R[p, j, 8 * 2 + 1]
        ux2_2 = R[p, j, 8 * 2 + 2]
        ux2_3 = R[p, j, 8 * 2 + 3]
        ux2_4 = R[p, j, 8 * 2 + 4]
        ux2_5 = R[p, j, 8 * 2 + 5]
        ux2_6 = R[p, j, 8 * 2 + 6]
        ux2_7 = R[p, j, 8 * 2 + 7]
        uw0 = R[p, j, 8 * 3 + 0]
        uw1 = R[p, j, 8 * 3 + 1]
        uw2 = R[p, j, 8 * 3 + 2]
        uw3 = R[p, j, 8 * 3 + 3]
        uw4 = R[p, j, 8 * 3 + 4]
        uw5 = R[p, j, 8 * 3 + 5]
        uw6 = R[p, j, 8 * 3 + 6]
        uw7 = R[p, j, 8 * 3 + 7]
        a1_0 = PY[j, 8 * 0 + 0]
        a1_1 = PY[j, 8 * 0 + 1]
        a1_2 = PY[j, 8 * 0 + 2]
        a1_3 = PY[j, 8 * 0 + 3]
        a1_4 = PY[j, 8 * 0 + 4]
        a1_5 = PY[j, 8 * 0 + 5]
        a1_6 = PY[j, 8 * 0 + 6]
        a1_7 = PY[j, 8 * 0 + 7]
        b1_0 = PY[j, 8 * 1 + 0]
        b1_1 = PY[j, 8 * 1 + 1]
        b1_2 = PY[j, 8 * 1 + 2]
        b1_3 = PY[j, 8 * 1 + 3]
        b1_4 = PY[j, 8 * 1 + 4]
        b1_5 = PY[j, 8 * 1 + 5]
        b1_6 = PY[j, 8 * 1 + 6]
        b1_7 = PY[j, 8 * 1 + 7]
        a2_0 = PY[j, 8 * 2 + 0]
        a2_1 = PY[j, 8 * 2 + 1]
        a2_2 = PY[j, 8 * 2 + 2]
        a2_3 = PY[j, 8 * 2 + 3]
        a2_4 = PY[j, 8 * 2 + 4]
        a2_5 = PY[j, 8 * 2 + 5]
        a2_6 = PY[j, 8 * 2 + 6]
        a2_7 = PY[j, 8 * 2 + 7]
        b2_0 = PY[j, 8 * 3 + 0]
        b2_1 = PY[j, 8 * 3 + 1]
        b2_2 = PY[j, 8 * 3 + 2]
        b2_3 = PY[j, 8 * 3 + 3]
        b2_4 = PY[j, 8 * 3 + 4]
        b2_5 = PY[j, 8 * 3 + 5]
        b2_6 = PY[j, 8 * 3 + 6]
        b2_7 = PY[j, 8 * 3 + 7]
        vm0 = e0 * dw0
        vm1 = e1 * dw1
        vm2 = e2 * dw2
        vm3 = e3 * dw3
        vm4 = e4 * dw4
        vm5 = e5 * dw5
        vm6 = e6 * dw6
        vm7 = e7 * dw7
        vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
        vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
        vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
        vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
        vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
        vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
        vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
        vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
        vx2_0 = _fma(cb2_0, ux2_0, ca2_0 * um0)
        vx2_1 = _fma(cb2_1, ux2_1, ca2_1 * um1)
        vx2_2 = _fma(cb2_2, ux2_2, ca2_2 * um2)
        vx2_3 = _fma(cb2_3, ux2_3, ca2_3 * um3)
        vx2_4 = _fma(cb2_4, ux2_4, ca2_4 * um4)
        vx2_5 = _fma(cb2_5, ux2_5, ca2_5 * um5)
        vx2_6 = _fma(cb2_6, ux2_6, ca2_6 * um6)
        vx2_7 = _fma(cb2_7, ux2_7, ca2_7 * um7)
        vy1_0 = _fma(b1_0, cy1_0, a1_0 * cm0)
        vy1_1 = _fma(b1_1, cy1_1, a1_1 * cm1)
        vy1_2 = _fma(b1_2, cy1_2, a1_2 * cm2)
        vy1_3 = _fma(b1_3, cy1_3, a1_3 * cm3)
        vy1_4 = _fma(b1_4, cy1_4, a1_4 * cm4)
        vy1_5 = _fma(b1_5, cy1_5, a1_5 * cm5)
        vy1_6 = _fma(b1_6, cy1_6, a1_6 * cm6)
        vy1_7 = _fma(b1_7, cy1_7, a1_7 * cm7)
        vy2_0 = _fma(b2_0, cy2_0, a2_0 * cm0)
        vy2_1 = _fma(b2_1, cy2_1, a2_1 * cm1)
        vy2_2 = _fma(b2_2, cy2_2, a2_2 * cm2)
        vy2_3 = _fma(b2_3, cy2_3, a2_3 * cm3)
        vy2_4 = _fma(b2_4, cy2_4, a2_4 * cm4)
        vy2_5 = _fma(b2_5, cy2_5, a2_5 * cm5)
        vy2_6 = _fma(b2_6, cy2_6, a2_6 * cm6)
        vy2_7 = _fma(b2_7, cy2_7, a2_7 * cm7)
        w0 = _fma(t1, vx1_0, t0 * vm0)
        w1 = _fma(t1, vx1_1, t0 * vm1)
        w2 = _fma(t1, vx1_2, t0 * vm2)
        w3 = _fma(t1, vx1_3, t0 * vm3)
        w4 = _fma(t1, vx1_4, t0 * vm4)
        w5 = _fma(t1, vx1_5, t0 * vm5)
        w6 = _fma(t1, vx1_6, t0 * vm6)
        w7 = _fma(t1, vx1_7, t0 * vm7)
        w0 = _fma(t2, vx2_0, w0)
        w1 = _fma(t2, vx2_1, w1)
        w2 = _fma(t2, vx2_2, w2)
        w3 = _fma(t2, vx2_3, w3)
        w4 = _fma(t2, vx2_4, w4)
        w5 = _fma(t2, vx2_5, w5)
        w6 = _fma(t2, vx2_6, w6)
        w7 = _fma(t2, vx2_7, w7)
        w0 = _fma(t3, vy1_0, w0)
        w1 = _fma(t3, vy1_1, w1)
        w2 = _fma(t3, vy1_2, w2)
        w3 = _fma(t3, vy1_3, w3)
        w4 = _fma(t3, vy1_4, w4)
        w5 = _fma(t3, vy1_5, w5)
        w6 = _fma(t3, vy1_6, w6)
        w7 = _fma(t3, vy1_7, w7)
        w0 = _fma(t4, vy2_0, w0)
        w1 = _fma(t4, vy2_1, w1)
        w2 = _fma(t4, vy2_2, w2)
        w3 = _fma(t4, vy2_3, w3)
        w4 = _fma(t4, vy2_4, w4)
        w5 = _fma(t4, vy2_5, w5)
        w6 = _fma(t4, vy2_6, w6)
        w7 = _fma(t4, vy2_7, w7)
        s0 += vm0
        s1 += vm1
        s2 += vm2
        s3 += vm3
        s4 += vm4
        s5 += vm5
        s6 += vm6
        s7 += vm7
        R[c, j, 8 * 0 + 0] = vm0
        R[c, j, 8 * 0 + 1] = vm1
        R[c, j, 8 * 0 + 2] = vm2
        R[c, j, 8 * 0 + 3] = vm3
        R[c, j, 8 * 0 + 4] = vm4
        R[c, j, 8 * 0 + 5] = vm5
        R[c, j, 8 * 0 + 6] = vm6
        R[c, j, 8 * 0 + 7] = vm7
        pp0 = vm0 * BMi[j, 0] * g0
        pp1 = vm1 * BMi[j, 1] * g1
        pp2 = vm2 * BMi[j, 2] * g2
        pp3 = vm3 * BMi[j, 3] * g3
        pp4 = vm4 * BMi[j, 4] * g4
        pp5 = vm5 * BMi[j, 5] * g5
        pp6 = vm6 * BMi[j, 6] * g6
        pp7 = vm7 * BMi[j, 7] * g7
        au0 = ad0 + pp0
        au1 = ad1 + pp1
        au2 = ad2 + pp2
        au3 = ad3 + pp3
        au4 = ad4 + pp4
        au5 = ad5 + pp5
        au6 = ad6 + pp6
        au7 = ad7 + pp7
        av0 = ARp[j, 0]
        av1 = ARp[j, 1]
        av2 = ARp[j, 2]
        av3 = ARp[j, 3]
        av4 = ARp[j, 4]
        av5 = ARp[j, 5]
        av6 = ARp[j, 6]
        av7 = ARp[j, 7]
        ab0 = av0 if av0 > au0 else au0
        ab1 = av1 if av1 > au1 else au1
        ab2 = av2 if av2 > au2 else au2
        ab3 = av3 if av3 > au3 else au3
        ab4 = av4 if av4 > au4 else au4
        ab5 = av5 if av5 > au5 else au5
        ab6 = av6 if av6 > au6 else au6
        ab7 = av7 if av7 > au7 else au7
        ab0 = aw0 if aw0 > ab0 else ab0
        ab1 = aw1 if aw1 > ab1 else ab1
        ab2 = aw2 if aw2 > ab2 else ab2
        ab3 = aw3 if aw3 > ab3 else ab3
        ab4 = aw4 if aw4 > ab4 else ab4
        ab5 = aw5 if aw5 > ab5 else ab5
        ab6 = aw6 if aw6 > ab6 else ab6
        ab7 = aw7 if aw7 > ab7 else ab7
        k0 = (0.0 if ab0 == au0 else 1.0) * (1.0 if ab0 == av0 else 2.0)
        k1 = (0.0 if ab1 == au1 else 1.0) * (1.0 if ab1 == av1 else 2.0)
        k2 = (0.0 if ab2 == au2 else 1.0) * (1.0 if ab2 == av2 else 2.0)
        k3 = (0.0 if ab3 == au3 else 1.0) * (1.0 if ab3 == av3 else 2.0)
        k4 = (0.0 if ab4 == au4 else 1.0) * (1.0 if ab4 == av4 else 2.0)
        k5 = (0.0 if ab5 == au5 else 1.0) * (1.0 if ab5 == av5 else 2.0)
        k6 = (0.0 if ab6 == au6 else 1.0) * (1.0 if ab6 == av6 else 2.0)
        k7 = (0.0 if ab7 == au7 else 1.0) * (1.0 if ab7 == av7 else 2.0)
        ARc[j, 0] = ab0
        ARc[j, 1] = ab1
        ARc[j, 2] = ab2
        ARc[j, 3] = ab3
        ARc[j, 4] = ab4
        ARc[j, 5] = ab5
        ARc[j, 6] = ab6
        ARc[j, 7] = ab7
        CDi[j, 0] = np.int8(k0)
        CDi[j, 1] = np.int8(k1)
        CDi[j, 2] = np.int8(k2)
        CDi[j, 3] = np.int8(k3)
        CDi[j, 4] = np.int8(k4)
        CDi[j, 5] = np.int8(k5)
        CDi[j, 6] = np.int8(k6)
        CDi[j, 7] = np.int8(k7)
        aw0 = ab0
        aw1 = ab1
        aw2 = ab2
        aw3 = ab3
        aw4 = ab4
        aw5 = ab5
        aw6 = ab6
        aw7 = ab7
        ad0 = av0
        ad1 = av1
        ad2 = av2
        ad3 = av3
        ad4 = av4
        ad5 = av5
        ad6 = av6
        ad7 = av7
        R[c, j, 8 * 1 + 0] = vx1_0
        R[c, j, 8 * 1 + 1] = vx1_1
        R[c, j, 8 * 1 + 2] = vx1_2
        R[c, j, 8 * 1 + 3] = vx1_3
        R[c, j, 8 * 1 + 4] = vx1_4
        R[c, j, 8 * 1 + 5] = vx1_5
        R[c, j, 8 * 1 + 6] = vx1_6
        R[c, j, 8 * 1 + 7] = vx1_7
        R[c, j, 8 * 2 + 0] = vx2_0
        R[c, j, 8 * 2 + 1] = vx2_1
        R[c, j, 8 * 2 + 2] = vx2_2
        R[c, j, 8 * 2 + 3] = vx2_3
        R[c, j, 8 * 2 + 4] = vx2_4
        R[c, j, 8 * 2 + 5] = vx2_5
        R[c, j, 8 * 2 + 6] = vx2_6
        R[c, j, 8 * 2 + 7] = vx2_7
        R[c, j, 8 * 3 + 0] = w0
        R[c, j, 8 * 3 + 1] = w1
        R[c, j, 8 * 3 + 2] = w2
        R[c, j, 8 * 3 + 3] = w3
        R[c, j, 8 * 3 + 4] = w4
        R[c, j, 8 * 3 + 5] = w5
        R[c, j, 8 * 3 + 6] = w6
        R[c, j, 8 * 3 + 7] = w7
        dw0 = uw0
        dw1 = uw1
        dw2 = uw2
        dw3 = uw3
        dw4 = uw4
        dw5 = uw5
        dw6 = uw6
        dw7 = uw7
        cm0 = vm0
        cm1 = vm1
        cm2 = vm2
        cm3 = vm3
        cm4 = vm4
        cm5 = vm5
        cm6 = vm6
        cm7 = vm7
        cy1_0 = vy1_0
        cy1_1 = vy1_1
        cy1_2 = vy1_2
        cy1_3 = vy1_3
        cy1_4 = vy1_4
        cy1_5 = vy1_5
        cy1_6 = vy1_6
        cy1_7 = vy1_7
        cy2_0 = vy2_0
        cy2_1 = vy2_1
        cy2_2 = vy2_2
        cy2_3 = vy2_3
        cy2_4 = vy2_4
        cy2_5 = vy2_5
        cy2_6 = vy2_6
        cy2_7 = vy2_7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7


@njit(cache=True)
def _fwd_row1(R, p, c, mmax, ER, yc, C, T, PY, out):
    """As :func:`_fwd_row2` with one insert pair: slots 0 M, 1 X, 2 W; T: t(M->M),
    t(X->M), t(Y->M); C: t(M->X), t(X->X) times fx(x_i) over the scale."""
    wide_vectors()
    t0 = T[0]
    t1 = T[1]
    t3 = T[2]
    ca1_0 = C[8 * 0 + 0]
    ca1_1 = C[8 * 0 + 1]
    ca1_2 = C[8 * 0 + 2]
    ca1_3 = C[8 * 0 + 3]
    ca1_4 = C[8 * 0 + 4]
    ca1_5 = C[8 * 0 + 5]
    ca1_6 = C[8 * 0 + 6]
    ca1_7 = C[8 * 0 + 7]
    cb1_0 = C[8 * 1 + 0]
    cb1_1 = C[8 * 1 + 1]
    cb1_2 = C[8 * 1 + 2]
    cb1_3 = C[8 * 1 + 3]
    cb1_4 = C[8 * 1 + 4]
    cb1_5 = C[8 * 1 + 5]
    cb1_6 = C[8 * 1 + 6]
    cb1_7 = C[8 * 1 + 7]
    um0 = R[p, 0, 8 * 0 + 0]
    um1 = R[p, 0, 8 * 0 + 1]
    um2 = R[p, 0, 8 * 0 + 2]
    um3 = R[p, 0, 8 * 0 + 3]
    um4 = R[p, 0, 8 * 0 + 4]
    um5 = R[p, 0, 8 * 0 + 5]
    um6 = R[p, 0, 8 * 0 + 6]
    um7 = R[p, 0, 8 * 0 + 7]
    ux1_0 = R[p, 0, 8 * 1 + 0]
    ux1_1 = R[p, 0, 8 * 1 + 1]
    ux1_2 = R[p, 0, 8 * 1 + 2]
    ux1_3 = R[p, 0, 8 * 1 + 3]
    ux1_4 = R[p, 0, 8 * 1 + 4]
    ux1_5 = R[p, 0, 8 * 1 + 5]
    ux1_6 = R[p, 0, 8 * 1 + 6]
    ux1_7 = R[p, 0, 8 * 1 + 7]
    dw0 = R[p, 0, 8 * 2 + 0]
    dw1 = R[p, 0, 8 * 2 + 1]
    dw2 = R[p, 0, 8 * 2 + 2]
    dw3 = R[p, 0, 8 * 2 + 3]
    dw4 = R[p, 0, 8 * 2 + 4]
    dw5 = R[p, 0, 8 * 2 + 5]
    dw6 = R[p, 0, 8 * 2 + 6]
    dw7 = R[p, 0, 8 * 2 + 7]
    vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
    vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
    vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
    vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
    vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
    vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
    vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
    vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
    R[c, 0, 8 * 0 + 0] = 0.0
    R[c, 0, 8 * 0 + 1] = 0.0
    R[c, 0, 8 * 0 + 2] = 0.0
    R[c, 0, 8 * 0 + 3] = 0.0
    R[c, 0, 8 * 0 + 4] = 0.0
    R[c, 0, 8 * 0 + 5] = 0.0
    R[c, 0, 8 * 0 + 6] = 0.0
    R[c, 0, 8 * 0 + 7] = 0.0
    R[c, 0, 8 * 1 + 0] = vx1_0
    R[c, 0, 8 * 1 + 1] = vx1_1
    R[c, 0, 8 * 1 + 2] = vx1_2
    R[c, 0, 8 * 1 + 3] = vx1_3
    R[c, 0, 8 * 1 + 4] = vx1_4
    R[c, 0, 8 * 1 + 5] = vx1_5
    R[c, 0, 8 * 1 + 6] = vx1_6
    R[c, 0, 8 * 1 + 7] = vx1_7
    R[c, 0, 8 * 2 + 0] = t1 * vx1_0
    R[c, 0, 8 * 2 + 1] = t1 * vx1_1
    R[c, 0, 8 * 2 + 2] = t1 * vx1_2
    R[c, 0, 8 * 2 + 3] = t1 * vx1_3
    R[c, 0, 8 * 2 + 4] = t1 * vx1_4
    R[c, 0, 8 * 2 + 5] = t1 * vx1_5
    R[c, 0, 8 * 2 + 6] = t1 * vx1_6
    R[c, 0, 8 * 2 + 7] = t1 * vx1_7
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    s4 = 0.0
    s5 = 0.0
    s6 = 0.0
    s7 = 0.0
    cm0 = 0.0
    cm1 = 0.0
    cm2 = 0.0
    cm3 = 0.0
    cm4 = 0.0
    cm5 = 0.0
    cm6 = 0.0
    cm7 = 0.0
    cy1_0 = 0.0
    cy1_1 = 0.0
    cy1_2 = 0.0
    cy1_3 = 0.0
    cy1_4 = 0.0
    cy1_5 = 0.0
    cy1_6 = 0.0
    cy1_7 = 0.0
    for j in range(1, mmax + 1):
        e0 = ER[0, yc[j - 1, 0]]
        e1 = ER[1, yc[j - 1, 1]]
        e2 = ER[2, yc[j - 1, 2]]
        e3 = ER[3, yc[j - 1, 3]]
        e4 = ER[4, yc[j - 1, 4]]
        e5 = ER[5, yc[j - 1, 5]]
        e6 = ER[6, yc[j - 1, 6]]
        e7 = ER[7, yc[j - 1, 7]]
        um0 = R[p, j, 8 * 0 + 0]
        um1 = R[p, j, 8 * 0 + 1]
        um2 = R[p, j, 8 * 0 + 2]
        um3 = R[p, j, 8 * 0 + 3]
        um4 = R[p, j, 8 * 0 + 4]
        um5 = R[p, j, 8 * 0 + 5]
        um6 = R[p, j, 8 * 0 + 6]
        um7 = R[p, j, 8 * 0 + 7]
        ux1_0 = R[p, j, 8 * 1 + 0]
        ux1_1 = R[p, j, 8 * 1 + 1]
        ux1_2 = R[p, j, 8 * 1 + 2]
        ux1_3 = R[p, j, 8 * 1 + 3]
        ux1_4 = R[p, j, 8 * 1 + 4]
        ux1_5 = R[p, j, 8 * 1 + 5]
        ux1_6 = R[p, j, 8 * 1 + 6]
        ux1_7 = R[p, j, 8 * 1 + 7]
        uw0 = R[p, j, 8 * 2 + 0]
        uw1 = R[p, j, 8 * 2 + 1]
        uw2 = R[p, j, 8 * 2 + 2]
        uw3 = R[p, j, 8 * 2 + 3]
        uw4 = R[p, j, 8 * 2 + 4]
        uw5 = R[p, j, 8 * 2 + 5]
        uw6 = R[p, j, 8 * 2 + 6]
        uw7 = R[p, j, 8 * 2 + 7]
        a1_0 = PY[j, 8 * 0 + 0]
        a1_1 = PY[j, 8 * 0 + 1]
        a1_2 = PY[j, 8 * 0 + 2]
        a1_3 = PY[j, 8 * 0 + 3]
        a1_4 = PY[j, 8 * 0 + 4]
        a1_5 = PY[j, 8 * 0 + 5]
        a1_6 = PY[j, 8 * 0 + 6]
        a1_7 = PY[j, 8 * 0 + 7]
        b1_0 = PY[j, 8 * 1 + 0]
        b1_1 = PY[j, 8 * 1 + 1]
        b1_2 = PY[j, 8 * 1 + 2]
        b1_3 = PY[j, 8 * 1 + 3]
        b1_4 = PY[j, 8 * 1 + 4]
        b1_5 = PY[j, 8 * 1 + 5]
        b1_6 = PY[j, 8 * 1 + 6]
        b1_7 = PY[j, 8 * 1 + 7]
        vm0 = e0 * dw0
        vm1 = e1 * dw1
        vm2 = e2 * dw2
        vm3 = e3 * dw3
        vm4 = e4 * dw4
        vm5 = e5 * dw5
        vm6 = e6 * dw6
        vm7 = e7 * dw7
        vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
        vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
        vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
        vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
        vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
        vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
        vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
        vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
        vy1_0 = _fma(b1_0, cy1_0, a1_0 * cm0)
        vy1_1 = _fma(b1_1, cy1_1, a1_1 * cm1)
        vy1_2 = _fma(b1_2, cy1_2, a1_2 * cm2)
        vy1_3 = _fma(b1_3, cy1_3, a1_3 * cm3)
        vy1_4 = _fma(b1_4, cy1_4, a1_4 * cm4)
        vy1_5 = _fma(b1_5, cy1_5, a1_5 * cm5)
        vy1_6 = _fma(b1_6, cy1_6, a1_6 * cm6)
        vy1_7 = _fma(b1_7, cy1_7, a1_7 * cm7)
        w0 = _fma(t1, vx1_0, t0 * vm0)
        w1 = _fma(t1, vx1_1, t0 * vm1)
        w2 = _fma(t1, vx1_2, t0 * vm2)
        w3 = _fma(t1, vx1_3, t0 * vm3)
        w4 = _fma(t1, vx1_4, t0 * vm4)
        w5 = _fma(t1, vx1_5, t0 * vm5)
        w6 = _fma(t1, vx1_6, t0 * vm6)
        w7 = _fma(t1, vx1_7, t0 * vm7)
        w0 = _fma(t3, vy1_0, w0)
        w1 = _fma(t3, vy1_1, w1)
        w2 = _fma(t3, vy1_2, w2)
        w3 = _fma(t3, vy1_3, w3)
        w4 = _fma(t3, vy1_4, w4)
        w5 = _fma(t3, vy1_5, w5)
        w6 = _fma(t3, vy1_6, w6)
        w7 = _fma(t3, vy1_7, w7)
        s0 += vm0
        s1 += vm1
        s2 += vm2
        s3 += vm3
        s4 += vm4
        s5 += vm5
        s6 += vm6
        s7 += vm7
        R[c, j, 8 * 0 + 0] = vm0
        R[c, j, 8 * 0 + 1] = vm1
        R[c, j, 8 * 0 + 2] = vm2
        R[c, j, 8 * 0 + 3] = vm3
        R[c, j, 8 * 0 + 4] = vm4
        R[c, j, 8 * 0 + 5] = vm5
        R[c, j, 8 * 0 + 6] = vm6
        R[c, j, 8 * 0 + 7] = vm7
        R[c, j, 8 * 1 + 0] = vx1_0
        R[c, j, 8 * 1 + 1] = vx1_1
        R[c, j, 8 * 1 + 2] = vx1_2
        R[c, j, 8 * 1 + 3] = vx1_3
        R[c, j, 8 * 1 + 4] = vx1_4
        R[c, j, 8 * 1 + 5] = vx1_5
        R[c, j, 8 * 1 + 6] = vx1_6
        R[c, j, 8 * 1 + 7] = vx1_7
        R[c, j, 8 * 2 + 0] = w0
        R[c, j, 8 * 2 + 1] = w1
        R[c, j, 8 * 2 + 2] = w2
        R[c, j, 8 * 2 + 3] = w3
        R[c, j, 8 * 2 + 4] = w4
        R[c, j, 8 * 2 + 5] = w5
        R[c, j, 8 * 2 + 6] = w6
        R[c, j, 8 * 2 + 7] = w7
        dw0 = uw0
        dw1 = uw1
        dw2 = uw2
        dw3 = uw3
        dw4 = uw4
        dw5 = uw5
        dw6 = uw6
        dw7 = uw7
        cm0 = vm0
        cm1 = vm1
        cm2 = vm2
        cm3 = vm3
        cm4 = vm4
        cm5 = vm5
        cm6 = vm6
        cm7 = vm7
        cy1_0 = vy1_0
        cy1_1 = vy1_1
        cy1_2 = vy1_2
        cy1_3 = vy1_3
        cy1_4 = vy1_4
        cy1_5 = vy1_5
        cy1_6 = vy1_6
        cy1_7 = vy1_7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7


@njit(cache=True)
def _fwd_rows1(R, p, c, mmax, ER, yc, C, T, PY, out):
    """As :func:`_fwd_rows2` with one insert pair (slots and T as in :func:`_fwd_row1`)."""
    wide_vectors()
    t0 = T[0]
    t1 = T[1]
    t3 = T[2]
    ca1_0 = C[8 * 0 + 0]
    ca1_1 = C[8 * 0 + 1]
    ca1_2 = C[8 * 0 + 2]
    ca1_3 = C[8 * 0 + 3]
    ca1_4 = C[8 * 0 + 4]
    ca1_5 = C[8 * 0 + 5]
    ca1_6 = C[8 * 0 + 6]
    ca1_7 = C[8 * 0 + 7]
    cb1_0 = C[8 * 1 + 0]
    cb1_1 = C[8 * 1 + 1]
    cb1_2 = C[8 * 1 + 2]
    cb1_3 = C[8 * 1 + 3]
    cb1_4 = C[8 * 1 + 4]
    cb1_5 = C[8 * 1 + 5]
    cb1_6 = C[8 * 1 + 6]
    cb1_7 = C[8 * 1 + 7]
    da1_0 = C[32 + 8 * 0 + 0]
    da1_1 = C[32 + 8 * 0 + 1]
    da1_2 = C[32 + 8 * 0 + 2]
    da1_3 = C[32 + 8 * 0 + 3]
    da1_4 = C[32 + 8 * 0 + 4]
    da1_5 = C[32 + 8 * 0 + 5]
    da1_6 = C[32 + 8 * 0 + 6]
    da1_7 = C[32 + 8 * 0 + 7]
    db1_0 = C[32 + 8 * 1 + 0]
    db1_1 = C[32 + 8 * 1 + 1]
    db1_2 = C[32 + 8 * 1 + 2]
    db1_3 = C[32 + 8 * 1 + 3]
    db1_4 = C[32 + 8 * 1 + 4]
    db1_5 = C[32 + 8 * 1 + 5]
    db1_6 = C[32 + 8 * 1 + 6]
    db1_7 = C[32 + 8 * 1 + 7]
    um0 = R[p, 0, 8 * 0 + 0]
    um1 = R[p, 0, 8 * 0 + 1]
    um2 = R[p, 0, 8 * 0 + 2]
    um3 = R[p, 0, 8 * 0 + 3]
    um4 = R[p, 0, 8 * 0 + 4]
    um5 = R[p, 0, 8 * 0 + 5]
    um6 = R[p, 0, 8 * 0 + 6]
    um7 = R[p, 0, 8 * 0 + 7]
    ux1_0 = R[p, 0, 8 * 1 + 0]
    ux1_1 = R[p, 0, 8 * 1 + 1]
    ux1_2 = R[p, 0, 8 * 1 + 2]
    ux1_3 = R[p, 0, 8 * 1 + 3]
    ux1_4 = R[p, 0, 8 * 1 + 4]
    ux1_5 = R[p, 0, 8 * 1 + 5]
    ux1_6 = R[p, 0, 8 * 1 + 6]
    ux1_7 = R[p, 0, 8 * 1 + 7]
    dw0 = R[p, 0, 8 * 2 + 0]
    dw1 = R[p, 0, 8 * 2 + 1]
    dw2 = R[p, 0, 8 * 2 + 2]
    dw3 = R[p, 0, 8 * 2 + 3]
    dw4 = R[p, 0, 8 * 2 + 4]
    dw5 = R[p, 0, 8 * 2 + 5]
    dw6 = R[p, 0, 8 * 2 + 6]
    dw7 = R[p, 0, 8 * 2 + 7]
    vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
    vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
    vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
    vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
    vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
    vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
    vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
    vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
    dwb0 = t1 * vx1_0
    dwb1 = t1 * vx1_1
    dwb2 = t1 * vx1_2
    dwb3 = t1 * vx1_3
    dwb4 = t1 * vx1_4
    dwb5 = t1 * vx1_5
    dwb6 = t1 * vx1_6
    dwb7 = t1 * vx1_7
    wx1_0 = db1_0 * vx1_0
    wx1_1 = db1_1 * vx1_1
    wx1_2 = db1_2 * vx1_2
    wx1_3 = db1_3 * vx1_3
    wx1_4 = db1_4 * vx1_4
    wx1_5 = db1_5 * vx1_5
    wx1_6 = db1_6 * vx1_6
    wx1_7 = db1_7 * vx1_7
    R[c, 0, 8 * 0 + 0] = 0.0
    R[c, 0, 8 * 0 + 1] = 0.0
    R[c, 0, 8 * 0 + 2] = 0.0
    R[c, 0, 8 * 0 + 3] = 0.0
    R[c, 0, 8 * 0 + 4] = 0.0
    R[c, 0, 8 * 0 + 5] = 0.0
    R[c, 0, 8 * 0 + 6] = 0.0
    R[c, 0, 8 * 0 + 7] = 0.0
    R[c, 0, 8 * 1 + 0] = wx1_0
    R[c, 0, 8 * 1 + 1] = wx1_1
    R[c, 0, 8 * 1 + 2] = wx1_2
    R[c, 0, 8 * 1 + 3] = wx1_3
    R[c, 0, 8 * 1 + 4] = wx1_4
    R[c, 0, 8 * 1 + 5] = wx1_5
    R[c, 0, 8 * 1 + 6] = wx1_6
    R[c, 0, 8 * 1 + 7] = wx1_7
    R[c, 0, 8 * 2 + 0] = t1 * wx1_0
    R[c, 0, 8 * 2 + 1] = t1 * wx1_1
    R[c, 0, 8 * 2 + 2] = t1 * wx1_2
    R[c, 0, 8 * 2 + 3] = t1 * wx1_3
    R[c, 0, 8 * 2 + 4] = t1 * wx1_4
    R[c, 0, 8 * 2 + 5] = t1 * wx1_5
    R[c, 0, 8 * 2 + 6] = t1 * wx1_6
    R[c, 0, 8 * 2 + 7] = t1 * wx1_7
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    s4 = 0.0
    s5 = 0.0
    s6 = 0.0
    s7 = 0.0
    sb0 = 0.0
    sb1 = 0.0
    sb2 = 0.0
    sb3 = 0.0
    sb4 = 0.0
    sb5 = 0.0
    sb6 = 0.0
    sb7 = 0.0
    cm0 = 0.0
    cm1 = 0.0
    cm2 = 0.0
    cm3 = 0.0
    cm4 = 0.0
    cm5 = 0.0
    cm6 = 0.0
    cm7 = 0.0
    cy1_0 = 0.0
    cy1_1 = 0.0
    cy1_2 = 0.0
    cy1_3 = 0.0
    cy1_4 = 0.0
    cy1_5 = 0.0
    cy1_6 = 0.0
    cy1_7 = 0.0
    bm0 = 0.0
    bm1 = 0.0
    bm2 = 0.0
    bm3 = 0.0
    bm4 = 0.0
    bm5 = 0.0
    bm6 = 0.0
    bm7 = 0.0
    by1_0 = 0.0
    by1_1 = 0.0
    by1_2 = 0.0
    by1_3 = 0.0
    by1_4 = 0.0
    by1_5 = 0.0
    by1_6 = 0.0
    by1_7 = 0.0
    for j in range(1, mmax + 1):
        e0 = ER[0, yc[j - 1, 0]]
        e1 = ER[1, yc[j - 1, 1]]
        e2 = ER[2, yc[j - 1, 2]]
        e3 = ER[3, yc[j - 1, 3]]
        e4 = ER[4, yc[j - 1, 4]]
        e5 = ER[5, yc[j - 1, 5]]
        e6 = ER[6, yc[j - 1, 6]]
        e7 = ER[7, yc[j - 1, 7]]
        f0 = ER[8 + 0, yc[j - 1, 0]]
        f1 = ER[8 + 1, yc[j - 1, 1]]
        f2 = ER[8 + 2, yc[j - 1, 2]]
        f3 = ER[8 + 3, yc[j - 1, 3]]
        f4 = ER[8 + 4, yc[j - 1, 4]]
        f5 = ER[8 + 5, yc[j - 1, 5]]
        f6 = ER[8 + 6, yc[j - 1, 6]]
        f7 = ER[8 + 7, yc[j - 1, 7]]
        um0 = R[p, j, 8 * 0 + 0]
        um1 = R[p, j, 8 * 0 + 1]
        um2 = R[p, j, 8 * 0 + 2]
        um3 = R[p, j, 8 * 0 + 3]
        um4 = R[p, j, 8 * 0 + 4]
        um5 = R[p, j, 8 * 0 + 5]
        um6 = R[p, j, 8 * 0 + 6]
        um7 = R[p, j, 8 * 0 + 7]
        ux1_0 = R[p, j, 8 * 1 + 0]
        ux1_1 = R[p, j, 8 * 1 + 1]
        ux1_2 = R[p, j, 8 * 1 + 2]
        ux1_3 = R[p, j, 8 * 1 + 3]
        ux1_4 = R[p, j, 8 * 1 + 4]
        ux1_5 = R[p, j, 8 * 1 + 5]
        ux1_6 = R[p, j, 8 * 1 + 6]
        ux1_7 = R[p, j, 8 * 1 + 7]
        uw0 = R[p, j, 8 * 2 + 0]
        uw1 = R[p, j, 8 * 2 + 1]
        uw2 = R[p, j, 8 * 2 + 2]
        uw3 = R[p, j, 8 * 2 + 3]
        uw4 = R[p, j, 8 * 2 + 4]
        uw5 = R[p, j, 8 * 2 + 5]
        uw6 = R[p, j, 8 * 2 + 6]
        uw7 = R[p, j, 8 * 2 + 7]
        a1_0 = PY[j, 8 * 0 + 0]
        a1_1 = PY[j, 8 * 0 + 1]
        a1_2 = PY[j, 8 * 0 + 2]
        a1_3 = PY[j, 8 * 0 + 3]
        a1_4 = PY[j, 8 * 0 + 4]
        a1_5 = PY[j, 8 * 0 + 5]
        a1_6 = PY[j, 8 * 0 + 6]
        a1_7 = PY[j, 8 * 0 + 7]
        b1_0 = PY[j, 8 * 1 + 0]
        b1_1 = PY[j, 8 * 1 + 1]
        b1_2 = PY[j, 8 * 1 + 2]
        b1_3 = PY[j, 8 * 1 + 3]
        b1_4 = PY[j, 8 * 1 + 4]
        b1_5 = PY[j, 8 * 1 + 5]
        b1_6 = PY[j, 8 * 1 + 6]
        b1_7 = PY[j, 8 * 1 + 7]
        vm0 = e0 * dw0
        vm1 = e1 * dw1
        vm2 = e2 * dw2
        vm3 = e3 * dw3
        vm4 = e4 * dw4
        vm5 = e5 * dw5
        vm6 = e6 * dw6
        vm7 = e7 * dw7
        vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
        vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
        vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
        vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
        vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
        vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
        vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
        vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
        vy1_0 = _fma(b1_0, cy1_0, a1_0 * cm0)
        vy1_1 = _fma(b1_1, cy1_1, a1_1 * cm1)
        vy1_2 = _fma(b1_2, cy1_2, a1_2 * cm2)
        vy1_3 = _fma(b1_3, cy1_3, a1_3 * cm3)
        vy1_4 = _fma(b1_4, cy1_4, a1_4 * cm4)
        vy1_5 = _fma(b1_5, cy1_5, a1_5 * cm5)
        vy1_6 = _fma(b1_6, cy1_6, a1_6 * cm6)
        vy1_7 = _fma(b1_7, cy1_7, a1_7 * cm7)
        w0 = _fma(t1, vx1_0, t0 * vm0)
        w1 = _fma(t1, vx1_1, t0 * vm1)
        w2 = _fma(t1, vx1_2, t0 * vm2)
        w3 = _fma(t1, vx1_3, t0 * vm3)
        w4 = _fma(t1, vx1_4, t0 * vm4)
        w5 = _fma(t1, vx1_5, t0 * vm5)
        w6 = _fma(t1, vx1_6, t0 * vm6)
        w7 = _fma(t1, vx1_7, t0 * vm7)
        w0 = _fma(t3, vy1_0, w0)
        w1 = _fma(t3, vy1_1, w1)
        w2 = _fma(t3, vy1_2, w2)
        w3 = _fma(t3, vy1_3, w3)
        w4 = _fma(t3, vy1_4, w4)
        w5 = _fma(t3, vy1_5, w5)
        w6 = _fma(t3, vy1_6, w6)
        w7 = _fma(t3, vy1_7, w7)
        s0 += vm0
        s1 += vm1
        s2 += vm2
        s3 += vm3
        s4 += vm4
        s5 += vm5
        s6 += vm6
        s7 += vm7
        wm0 = f0 * dwb0
        wm1 = f1 * dwb1
        wm2 = f2 * dwb2
        wm3 = f3 * dwb3
        wm4 = f4 * dwb4
        wm5 = f5 * dwb5
        wm6 = f6 * dwb6
        wm7 = f7 * dwb7
        wx1_0 = _fma(db1_0, vx1_0, da1_0 * vm0)
        wx1_1 = _fma(db1_1, vx1_1, da1_1 * vm1)
        wx1_2 = _fma(db1_2, vx1_2, da1_2 * vm2)
        wx1_3 = _fma(db1_3, vx1_3, da1_3 * vm3)
        wx1_4 = _fma(db1_4, vx1_4, da1_4 * vm4)
        wx1_5 = _fma(db1_5, vx1_5, da1_5 * vm5)
        wx1_6 = _fma(db1_6, vx1_6, da1_6 * vm6)
        wx1_7 = _fma(db1_7, vx1_7, da1_7 * vm7)
        wy1_0 = _fma(b1_0, by1_0, a1_0 * bm0)
        wy1_1 = _fma(b1_1, by1_1, a1_1 * bm1)
        wy1_2 = _fma(b1_2, by1_2, a1_2 * bm2)
        wy1_3 = _fma(b1_3, by1_3, a1_3 * bm3)
        wy1_4 = _fma(b1_4, by1_4, a1_4 * bm4)
        wy1_5 = _fma(b1_5, by1_5, a1_5 * bm5)
        wy1_6 = _fma(b1_6, by1_6, a1_6 * bm6)
        wy1_7 = _fma(b1_7, by1_7, a1_7 * bm7)
        ww0 = _fma(t1, wx1_0, t0 * wm0)
        ww1 = _fma(t1, wx1_1, t0 * wm1)
        ww2 = _fma(t1, wx1_2, t0 * wm2)
        ww3 = _fma(t1, wx1_3, t0 * wm3)
        ww4 = _fma(t1, wx1_4, t0 * wm4)
        ww5 = _fma(t1, wx1_5, t0 * wm5)
        ww6 = _fma(t1, wx1_6, t0 * wm6)
        ww7 = _fma(t1, wx1_7, t0 * wm7)
        ww0 = _fma(t3, wy1_0, ww0)
        ww1 = _fma(t3, wy1_1, ww1)
        ww2 = _fma(t3, wy1_2, ww2)
        ww3 = _fma(t3, wy1_3, ww3)
        ww4 = _fma(t3, wy1_4, ww4)
        ww5 = _fma(t3, wy1_5, ww5)
        ww6 = _fma(t3, wy1_6, ww6)
        ww7 = _fma(t3, wy1_7, ww7)
        sb0 += wm0
        sb1 += wm1
        sb2 += wm2
        sb3 += wm3
        sb4 += wm4
        sb5 += wm5
        sb6 += wm6
        sb7 += wm7
        R[c, j, 8 * 0 + 0] = wm0
        R[c, j, 8 * 0 + 1] = wm1
        R[c, j, 8 * 0 + 2] = wm2
        R[c, j, 8 * 0 + 3] = wm3
        R[c, j, 8 * 0 + 4] = wm4
        R[c, j, 8 * 0 + 5] = wm5
        R[c, j, 8 * 0 + 6] = wm6
        R[c, j, 8 * 0 + 7] = wm7
        R[c, j, 8 * 1 + 0] = wx1_0
        R[c, j, 8 * 1 + 1] = wx1_1
        R[c, j, 8 * 1 + 2] = wx1_2
        R[c, j, 8 * 1 + 3] = wx1_3
        R[c, j, 8 * 1 + 4] = wx1_4
        R[c, j, 8 * 1 + 5] = wx1_5
        R[c, j, 8 * 1 + 6] = wx1_6
        R[c, j, 8 * 1 + 7] = wx1_7
        R[c, j, 8 * 2 + 0] = ww0
        R[c, j, 8 * 2 + 1] = ww1
        R[c, j, 8 * 2 + 2] = ww2
        R[c, j, 8 * 2 + 3] = ww3
        R[c, j, 8 * 2 + 4] = ww4
        R[c, j, 8 * 2 + 5] = ww5
        R[c, j, 8 * 2 + 6] = ww6
        R[c, j, 8 * 2 + 7] = ww7
        dw0 = uw0
        dw1 = uw1
        dw2 = uw2
        dw3 = uw3
        dw4 = uw4
        dw5 = uw5
        dw6 = uw6
        dw7 = uw7
        dwb0 = w0
        dwb1 = w1
        dwb2 = w2
        dwb3 = w3
        dwb4 = w4
        dwb5 = w5
        dwb6 = w6
        dwb7 = w7
        cm0 = vm0
        cm1 = vm1
        cm2 = vm2
        cm3 = vm3
        cm4 = vm4
        cm5 = vm5
        cm6 = vm6
        cm7 = vm7
        cy1_0 = vy1_0
        cy1_1 = vy1_1
        cy1_2 = vy1_2
        cy1_3 = vy1_3
        cy1_4 = vy1_4
        cy1_5 = vy1_5
        cy1_6 = vy1_6
        cy1_7 = vy1_7
        bm0 = wm0
        bm1 = wm1
        bm2 = wm2
        bm3 = wm3
        bm4 = wm4
        bm5 = wm5
        bm6 = wm6
        bm7 = wm7
        by1_0 = wy1_0
        by1_1 = wy1_1
        by1_2 = wy1_2
        by1_3 = wy1_3
        by1_4 = wy1_4
        by1_5 = wy1_5
        by1_6 = wy1_6
        by1_7 = wy1_7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7
    out[8 + 0] = sb0
    out[8 + 1] = sb1
    out[8 + 2] = sb2
    out[8 + 3] = sb3
    out[8 + 4] = sb4
    out[8 + 5] = sb5
    out[8 + 6] = sb6
    out[8 + 7] = sb7


@njit(cache=True)
def _fwd_mea_row1(R, p, c, mmax, ER, yc, C, T, PY, out, BMi, g, ARc, ARp, CDi):
    """As :func:`_fwd_row1`, and with it row i of the match posteriors and of the MEA DP
    as in :func:`_fwd_mea_row2`."""
    t0 = T[0]
    t1 = T[1]
    t3 = T[2]
    ca1_0 = C[8 * 0 + 0]
    ca1_1 = C[8 * 0 + 1]
    ca1_2 = C[8 * 0 + 2]
    ca1_3 = C[8 * 0 + 3]
    ca1_4 = C[8 * 0 + 4]
    ca1_5 = C[8 * 0 + 5]
    ca1_6 = C[8 * 0 + 6]
    ca1_7 = C[8 * 0 + 7]
    cb1_0 = C[8 * 1 + 0]
    cb1_1 = C[8 * 1 + 1]
    cb1_2 = C[8 * 1 + 2]
    cb1_3 = C[8 * 1 + 3]
    cb1_4 = C[8 * 1 + 4]
    cb1_5 = C[8 * 1 + 5]
    cb1_6 = C[8 * 1 + 6]
    cb1_7 = C[8 * 1 + 7]
    um0 = R[p, 0, 8 * 0 + 0]
    um1 = R[p, 0, 8 * 0 + 1]
    um2 = R[p, 0, 8 * 0 + 2]
    um3 = R[p, 0, 8 * 0 + 3]
    um4 = R[p, 0, 8 * 0 + 4]
    um5 = R[p, 0, 8 * 0 + 5]
    um6 = R[p, 0, 8 * 0 + 6]
    um7 = R[p, 0, 8 * 0 + 7]
    ux1_0 = R[p, 0, 8 * 1 + 0]
    ux1_1 = R[p, 0, 8 * 1 + 1]
    ux1_2 = R[p, 0, 8 * 1 + 2]
    ux1_3 = R[p, 0, 8 * 1 + 3]
    ux1_4 = R[p, 0, 8 * 1 + 4]
    ux1_5 = R[p, 0, 8 * 1 + 5]
    ux1_6 = R[p, 0, 8 * 1 + 6]
    ux1_7 = R[p, 0, 8 * 1 + 7]
    dw0 = R[p, 0, 8 * 2 + 0]
    dw1 = R[p, 0, 8 * 2 + 1]
    dw2 = R[p, 0, 8 * 2 + 2]
    dw3 = R[p, 0, 8 * 2 + 3]
    dw4 = R[p, 0, 8 * 2 + 4]
    dw5 = R[p, 0, 8 * 2 + 5]
    dw6 = R[p, 0, 8 * 2 + 6]
    dw7 = R[p, 0, 8 * 2 + 7]
    vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
    vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
    vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
    vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
    vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
    vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
    vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
    vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
    R[c, 0, 8 * 0 + 0] = 0.0
    R[c, 0, 8 * 0 + 1] = 0.0
    R[c, 0, 8 * 0 + 2] = 0.0
    R[c, 0, 8 * 0 + 3] = 0.0
    R[c, 0, 8 * 0 + 4] = 0.0
    R[c, 0, 8 * 0 + 5] = 0.0
    R[c, 0, 8 * 0 + 6] = 0.0
    R[c, 0, 8 * 0 + 7] = 0.0
    R[c, 0, 8 * 1 + 0] = vx1_0
    R[c, 0, 8 * 1 + 1] = vx1_1
    R[c, 0, 8 * 1 + 2] = vx1_2
    R[c, 0, 8 * 1 + 3] = vx1_3
    R[c, 0, 8 * 1 + 4] = vx1_4
    R[c, 0, 8 * 1 + 5] = vx1_5
    R[c, 0, 8 * 1 + 6] = vx1_6
    R[c, 0, 8 * 1 + 7] = vx1_7
    R[c, 0, 8 * 2 + 0] = t1 * vx1_0
    R[c, 0, 8 * 2 + 1] = t1 * vx1_1
    R[c, 0, 8 * 2 + 2] = t1 * vx1_2
    R[c, 0, 8 * 2 + 3] = t1 * vx1_3
    R[c, 0, 8 * 2 + 4] = t1 * vx1_4
    R[c, 0, 8 * 2 + 5] = t1 * vx1_5
    R[c, 0, 8 * 2 + 6] = t1 * vx1_6
    R[c, 0, 8 * 2 + 7] = t1 * vx1_7
    g0 = g[0]
    g1 = g[1]
    g2 = g[2]
    g3 = g[3]
    g4 = g[4]
    g5 = g[5]
    g6 = g[6]
    g7 = g[7]
    aw0 = 0.0
    aw1 = 0.0
    aw2 = 0.0
    aw3 = 0.0
    aw4 = 0.0
    aw5 = 0.0
    aw6 = 0.0
    aw7 = 0.0
    ad0 = ARp[0, 0]
    ad1 = ARp[0, 1]
    ad2 = ARp[0, 2]
    ad3 = ARp[0, 3]
    ad4 = ARp[0, 4]
    ad5 = ARp[0, 5]
    ad6 = ARp[0, 6]
    ad7 = ARp[0, 7]
    ARc[0, 0] = 0.0
    ARc[0, 1] = 0.0
    ARc[0, 2] = 0.0
    ARc[0, 3] = 0.0
    ARc[0, 4] = 0.0
    ARc[0, 5] = 0.0
    ARc[0, 6] = 0.0
    ARc[0, 7] = 0.0
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    s4 = 0.0
    s5 = 0.0
    s6 = 0.0
    s7 = 0.0
    cm0 = 0.0
    cm1 = 0.0
    cm2 = 0.0
    cm3 = 0.0
    cm4 = 0.0
    cm5 = 0.0
    cm6 = 0.0
    cm7 = 0.0
    cy1_0 = 0.0
    cy1_1 = 0.0
    cy1_2 = 0.0
    cy1_3 = 0.0
    cy1_4 = 0.0
    cy1_5 = 0.0
    cy1_6 = 0.0
    cy1_7 = 0.0
    one = np.uint64(1)
    for j in range(one, np.uint64(mmax) + one):
        e0 = ER[0, yc[j - one, 0]]
        e1 = ER[1, yc[j - one, 1]]
        e2 = ER[2, yc[j - one, 2]]
        e3 = ER[3, yc[j - one, 3]]
        e4 = ER[4, yc[j - one, 4]]
        e5 = ER[5, yc[j - one, 5]]
        e6 = ER[6, yc[j - one, 6]]
        e7 = ER[7, yc[j - one, 7]]
        um0 = R[p, j, 8 * 0 + 0]
        um1 = R[p, j, 8 * 0 + 1]
        um2 = R[p, j, 8 * 0 + 2]
        um3 = R[p, j, 8 * 0 + 3]
        um4 = R[p, j, 8 * 0 + 4]
        um5 = R[p, j, 8 * 0 + 5]
        um6 = R[p, j, 8 * 0 + 6]
        um7 = R[p, j, 8 * 0 + 7]
        ux1_0 = R[p, j, 8 * 1 + 0]
        ux1_1 = R[p, j, 8 * 1 + 1]
        ux1_2 = R[p, j, 8 * 1 + 2]
        ux1_3 = R[p, j, 8 * 1 + 3]
        ux1_4 = R[p, j, 8 * 1 + 4]
        ux1_5 = R[p, j, 8 * 1 + 5]
        ux1_6 = R[p, j, 8 * 1 + 6]
        ux1_7 = R[p, j, 8 * 1 + 7]
        uw0 = R[p, j, 8 * 2 + 0]
        uw1 = R[p, j, 8 * 2 + 1]
        uw2 = R[p, j, 8 * 2 + 2]
        uw3 = R[p, j, 8 * 2 + 3]
        uw4 = R[p, j, 8 * 2 + 4]
        uw5 = R[p, j, 8 * 2 + 5]
        uw6 = R[p, j, 8 * 2 + 6]
        uw7 = R[p, j, 8 * 2 + 7]
        a1_0 = PY[j, 8 * 0 + 0]
        a1_1 = PY[j, 8 * 0 + 1]
        a1_2 = PY[j, 8 * 0 + 2]
        a1_3 = PY[j, 8 * 0 + 3]
        a1_4 = PY[j, 8 * 0 + 4]
        a1_5 = PY[j, 8 * 0 + 5]
        a1_6 = PY[j, 8 * 0 + 6]
        a1_7 = PY[j, 8 * 0 + 7]
        b1_0 = PY[j, 8 * 1 + 0]
        b1_1 = PY[j, 8 * 1 + 1]
        b1_2 = PY[j, 8 * 1 + 2]
        b1_3 = PY[j, 8 * 1 + 3]
        b1_4 = PY[j, 8 * 1 + 4]
        b1_5 = PY[j, 8 * 1 + 5]
        b1_6 = PY[j, 8 * 1 + 6]
        b1_7 = PY[j, 8 * 1 + 7]
        vm0 = e0 * dw0
        vm1 = e1 * dw1
        vm2 = e2 * dw2
        vm3 = e3 * dw3
        vm4 = e4 * dw4
        vm5 = e5 * dw5
        vm6 = e6 * dw6
        vm7 = e7 * dw7
        vx1_0 = _fma(cb1_0, ux1_0, ca1_0 * um0)
        vx1_1 = _fma(cb1_1, ux1_1, ca1_1 * um1)
        vx1_2 = _fma(cb1_2, ux1_2, ca1_2 * um2)
        vx1_3 = _fma(cb1_3, ux1_3, ca1_3 * um3)
        vx1_4 = _fma(cb1_4, ux1_4, ca1_4 * um4)
        vx1_5 = _fma(cb1_5, ux1_5, ca1_5 * um5)
        vx1_6 = _fma(cb1_6, ux1_6, ca1_6 * um6)
        vx1_7 = _fma(cb1_7, ux1_7, ca1_7 * um7)
        vy1_0 = _fma(b1_0, cy1_0, a1_0 * cm0)
        vy1_1 = _fma(b1_1, cy1_1, a1_1 * cm1)
        vy1_2 = _fma(b1_2, cy1_2, a1_2 * cm2)
        vy1_3 = _fma(b1_3, cy1_3, a1_3 * cm3)
        vy1_4 = _fma(b1_4, cy1_4, a1_4 * cm4)
        vy1_5 = _fma(b1_5, cy1_5, a1_5 * cm5)
        vy1_6 = _fma(b1_6, cy1_6, a1_6 * cm6)
        vy1_7 = _fma(b1_7, cy1_7, a1_7 * cm7)
        w0 = _fma(t1, vx1_0, t0 * vm0)
        w1 = _fma(t1, vx1_1, t0 * vm1)
        w2 = _fma(t1, vx1_2, t0 * vm2)
        w3 = _fma(t1, vx1_3, t0 * vm3)
        w4 = _fma(t1, vx1_4, t0 * vm4)
        w5 = _fma(t1, vx1_5, t0 * vm5)
        w6 = _fma(t1, vx1_6, t0 * vm6)
        w7 = _fma(t1, vx1_7, t0 * vm7)
        w0 = _fma(t3, vy1_0, w0)
        w1 = _fma(t3, vy1_1, w1)
        w2 = _fma(t3, vy1_2, w2)
        w3 = _fma(t3, vy1_3, w3)
        w4 = _fma(t3, vy1_4, w4)
        w5 = _fma(t3, vy1_5, w5)
        w6 = _fma(t3, vy1_6, w6)
        w7 = _fma(t3, vy1_7, w7)
        s0 += vm0
        s1 += vm1
        s2 += vm2
        s3 += vm3
        s4 += vm4
        s5 += vm5
        s6 += vm6
        s7 += vm7
        R[c, j, 8 * 0 + 0] = vm0
        R[c, j, 8 * 0 + 1] = vm1
        R[c, j, 8 * 0 + 2] = vm2
        R[c, j, 8 * 0 + 3] = vm3
        R[c, j, 8 * 0 + 4] = vm4
        R[c, j, 8 * 0 + 5] = vm5
        R[c, j, 8 * 0 + 6] = vm6
        R[c, j, 8 * 0 + 7] = vm7
        pp0 = vm0 * BMi[j, 0] * g0
        pp1 = vm1 * BMi[j, 1] * g1
        pp2 = vm2 * BMi[j, 2] * g2
        pp3 = vm3 * BMi[j, 3] * g3
        pp4 = vm4 * BMi[j, 4] * g4
        pp5 = vm5 * BMi[j, 5] * g5
        pp6 = vm6 * BMi[j, 6] * g6
        pp7 = vm7 * BMi[j, 7] * g7
        au0 = ad0 + pp0
        au1 = ad1 + pp1
        au2 = ad2 + pp2
        au3 = ad3 + pp3
        au4 = ad4 + pp4
        au5 = ad5 + pp5
        au6 = ad6 + pp6
        au7 = ad7 + pp7
        av0 = ARp[j, 0]
        av1 = ARp[j, 1]
        av2 = ARp[j, 2]
        av3 = ARp[j, 3]
        av4 = ARp[j, 4]
        av5 = ARp[j, 5]
        av6 = ARp[j, 6]
        av7 = ARp[j, 7]
        ab0 = av0 if av0 > au0 else au0
        ab1 = av1 if av1 > au1 else au1
        ab2 = av2 if av2 > au2 else au2
        ab3 = av3 if av3 > au3 else au3
        ab4 = av4 if av4 > au4 else au4
        ab5 = av5 if av5 > au5 else au5
        ab6 = av6 if av6 > au6 else au6
        ab7 = av7 if av7 > au7 else au7
        ab0 = aw0 if aw0 > ab0 else ab0
        ab1 = aw1 if aw1 > ab1 else ab1
        ab2 = aw2 if aw2 > ab2 else ab2
        ab3 = aw3 if aw3 > ab3 else ab3
        ab4 = aw4 if aw4 > ab4 else ab4
        ab5 = aw5 if aw5 > ab5 else ab5
        ab6 = aw6 if aw6 > ab6 else ab6
        ab7 = aw7 if aw7 > ab7 else ab7
        k0 = (0.0 if ab0 == au0 else 1.0) * (1.0 if ab0 == av0 else 2.0)
        k1 = (0.0 if ab1 == au1 else 1.0) * (1.0 if ab1 == av1 else 2.0)
        k2 = (0.0 if ab2 == au2 else 1.0) * (1.0 if ab2 == av2 else 2.0)
        k3 = (0.0 if ab3 == au3 else 1.0) * (1.0 if ab3 == av3 else 2.0)
        k4 = (0.0 if ab4 == au4 else 1.0) * (1.0 if ab4 == av4 else 2.0)
        k5 = (0.0 if ab5 == au5 else 1.0) * (1.0 if ab5 == av5 else 2.0)
        k6 = (0.0 if ab6 == au6 else 1.0) * (1.0 if ab6 == av6 else 2.0)
        k7 = (0.0 if ab7 == au7 else 1.0) * (1.0 if ab7 == av7 else 2.0)
        ARc[j, 0] = ab0
        ARc[j, 1] = ab1
        ARc[j, 2] = ab2
        ARc[j, 3] = ab3
        ARc[j, 4] = ab4
        ARc[j, 5] = ab5
        ARc[j, 6] = ab6
        ARc[j, 7] = ab7
        CDi[j, 0] = np.int8(k0)
        CDi[j, 1] = np.int8(k1)
        CDi[j, 2] = np.int8(k2)
        CDi[j, 3] = np.int8(k3)
        CDi[j, 4] = np.int8(k4)
        CDi[j, 5] = np.int8(k5)
        CDi[j, 6] = np.int8(k6)
        CDi[j, 7] = np.int8(k7)
        aw0 = ab0
        aw1 = ab1
        aw2 = ab2
        aw3 = ab3
        aw4 = ab4
        aw5 = ab5
        aw6 = ab6
        aw7 = ab7
        ad0 = av0
        ad1 = av1
        ad2 = av2
        ad3 = av3
        ad4 = av4
        ad5 = av5
        ad6 = av6
        ad7 = av7
        R[c, j, 8 * 1 + 0] = vx1_0
        R[c, j, 8 * 1 + 1] = vx1_1
        R[c, j, 8 * 1 + 2] = vx1_2
        R[c, j, 8 * 1 + 3] = vx1_3
        R[c, j, 8 * 1 + 4] = vx1_4
        R[c, j, 8 * 1 + 5] = vx1_5
        R[c, j, 8 * 1 + 6] = vx1_6
        R[c, j, 8 * 1 + 7] = vx1_7
        R[c, j, 8 * 2 + 0] = w0
        R[c, j, 8 * 2 + 1] = w1
        R[c, j, 8 * 2 + 2] = w2
        R[c, j, 8 * 2 + 3] = w3
        R[c, j, 8 * 2 + 4] = w4
        R[c, j, 8 * 2 + 5] = w5
        R[c, j, 8 * 2 + 6] = w6
        R[c, j, 8 * 2 + 7] = w7
        dw0 = uw0
        dw1 = uw1
        dw2 = uw2
        dw3 = uw3
        dw4 = uw4
        dw5 = uw5
        dw6 = uw6
        dw7 = uw7
        cm0 = vm0
        cm1 = vm1
        cm2 = vm2
        cm3 = vm3
        cm4 = vm4
        cm5 = vm5
        cm6 = vm6
        cm7 = vm7
        cy1_0 = vy1_0
        cy1_1 = vy1_1
        cy1_2 = vy1_2
        cy1_3 = vy1_3
        cy1_4 = vy1_4
        cy1_5 = vy1_5
        cy1_6 = vy1_6
        cy1_7 = vy1_7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7


@njit(cache=True)
def _flush_row(R, c, S, mmax, out):
    """Flush cells below 1e-280 of slots 0..S-1 of R[c] to zero; out[l] += the flushed
    mass of lane l. One comparison serves the sum and the store (v >= _TINY for the
    store costs a second one; the values are never NaN)."""
    wide_vectors()
    f0 = 0.0
    f1 = 0.0
    f2 = 0.0
    f3 = 0.0
    f4 = 0.0
    f5 = 0.0
    f6 = 0.0
    f7 = 0.0
    for j in range(mmax + 1):
        for s in range(S):
            v0 = R[c, j, 8 * s + 0]
            v1 = R[c, j, 8 * s + 1]
            v2 = R[c, j, 8 * s + 2]
            v3 = R[c, j, 8 * s + 3]
            v4 = R[c, j, 8 * s + 4]
            v5 = R[c, j, 8 * s + 5]
            v6 = R[c, j, 8 * s + 6]
            v7 = R[c, j, 8 * s + 7]
            t0 = v0 < _TINY
            t1 = v1 < _TINY
            t2 = v2 < _TINY
            t3 = v3 < _TINY
            t4 = v4 < _TINY
            t5 = v5 < _TINY
            t6 = v6 < _TINY
            t7 = v7 < _TINY
            f0 += v0 if t0 else 0.0
            f1 += v1 if t1 else 0.0
            f2 += v2 if t2 else 0.0
            f3 += v3 if t3 else 0.0
            f4 += v4 if t4 else 0.0
            f5 += v5 if t5 else 0.0
            f6 += v6 if t6 else 0.0
            f7 += v7 if t7 else 0.0
            R[c, j, 8 * s + 0] = 0.0 if t0 else v0
            R[c, j, 8 * s + 1] = 0.0 if t1 else v1
            R[c, j, 8 * s + 2] = 0.0 if t2 else v2
            R[c, j, 8 * s + 3] = 0.0 if t3 else v3
            R[c, j, 8 * s + 4] = 0.0 if t4 else v4
            R[c, j, 8 * s + 5] = 0.0 if t5 else v5
            R[c, j, 8 * s + 6] = 0.0 if t6 else v6
            R[c, j, 8 * s + 7] = 0.0 if t7 else v7
    out[0] += f0
    out[1] += f1
    out[2] += f2
    out[3] += f3
    out[4] += f4
    out[5] += f5
    out[6] += f6
    out[7] += f7


@njit(cache=True)
def _row_coefficients(xv, inv, om2, fxe, trans, K, ER, C, l, h=0):
    """Lane l's coefficients for a row whose x residue is xv and whose scale is 1/inv:
    ER[8h + l, a] = odds(xv, a) * inv and C[32h + 8 * (2k) + l], C[32h + 8 * (2k+1) + l]
    = t(M->X_k), t(X_k->X_k) times fx_k(xv) * inv (the forward and backward passes take
    the same; h = 1 for the second row of :func:`_fwd_rows2`)."""
    for a in range(om2.shape[0]):
        ER[8 * h + l, a] = om2[xv, a] * inv
    for k in range(K):
        f = fxe[k, xv] * inv
        C[32 * h + 16 * k + l] = f * trans[0, 1 + k]
        C[32 * h + 8 * (2 * k + 1) + l] = f * trans[1 + k, 1 + k]


@njit(cache=True)
def _y_at(R, c, m, PY, k, l):
    """Forward Y_k of lane l at column m of row R[c], recomputed along the row from the
    stored M cells with the row kernels' arithmetic."""
    vy = 0.0
    for j in range(1, m + 1):
        vy = _fma(PY[j, 8 * (2 * k + 1) + l], vy, PY[j, 16 * k + l] * R[c, j - 1, l])
    return vy


@njit(cache=True)
def _forward_group(nmax, mmax, nl, ml, xc, yc, om2, fxe, PY, trans, end, R, ER, C, T, rs,
                   fl, lpo, flags, mea, BM, CB, lpb, bad, AR, CD, sc):
    """Scaled forward pass of one group. Fills lpo[l] (log P in odds space, -inf when 0)
    and flags[l] (underflow flag as in :func:`.kernels_numba.forward_score`).

    Each lane's rows are scaled by sums of M and X cells. The row kernels
    return only the M sum: row i's X_k sum is t(M->X_k) fx_k(x_i) (M sum of row i-1) +
    t(X_k->X_k) fx_k(x_i) (X_k sum of row i-1), over row i's scale, as every X cell is
    that combination of the cells above it (any positive scale is exact; this one is the
    row sum up to rounding and flushing).

    Only odd rows are rescaled (by the previous row's sum; an even row keeps scale 1,
    its values within one row's growth of the row above). Without ``mea``, an odd row i
    and row i+1 go through :func:`_fwd_rows2` in one sweep unless a lane ends at row i
    (its end cell is read from the stored row). The arithmetic of a cell is the same in
    both kernels and the flushed rows are even (stored) rows, so a lane's values do not
    depend on which rows its group sweeps in pairs, nor on ``mea``.

    With ``mea``, also the match posteriors and the MEA DP, row by row: BM holds the
    scaled backward M table, CB[i, l] its log scales and lpb[l] the backward log P (from
    :func:`_backward_group`); posterior = M * BM * exp(cumf + CB - lpb). Fills AR
    (rolling MEA rows), CD (traceback codes), sc[l] (MEA score) and sets bad[l] where
    the posterior scale is not finite."""
    wide_vectors()
    S = trans.shape[0]
    K = (S - 1) // 2
    two = K == 2
    W = K + 1   # the slot of W; slots 0..K are M and the X states
    acc = np.zeros(LANES)
    g = np.zeros(LANES)
    sm = np.zeros(LANES)
    sx = np.zeros((2, LANES))
    for s in range(S):
        T[s] = trans[s, 0]
    for l in range(LANES):
        fl[l] = 0.0
        lpo[l] = NEG_INF
        flags[l] = False
        sc[l] = 0.0
    if mea:
        for j in range(mmax + 1):
            for l in range(LANES):
                AR[0, j, l] = 0.0
    # row 0: the begin state, and W of the Y chains from it
    for j in range(mmax + 1):
        for s in range(W + 1):
            for l in range(LANES):
                R[0, j, 8 * s + l] = 0.0
    for l in range(LANES):
        R[0, 0, 8 * 0 + l] = 1.0
        R[0, 0, 8 * W + l] = T[0]
        vm = 1.0
        vy1 = 0.0
        vy2 = 0.0
        for j in range(1, mmax + 1):
            vy1 = _fma(PY[j, 8 * 1 + l], vy1, PY[j, 8 * 0 + l] * vm)
            w = T[1 + K] * vy1
            if two:
                vy2 = _fma(PY[j, 8 * 3 + l], vy2, PY[j, 8 * 2 + l] * vm)
                w = _fma(T[4], vy2, w)
            R[0, j, 8 * W + l] = w
            vm = 0.0
        sm[l] = 1.0
        sx[0, l] = 0.0
        sx[1, l] = 0.0
        rs[l] = 1.0
    _flush_row(R, 0, W + 1, mmax, fl)
    ob = np.zeros(2 * LANES)
    i = 0
    while i <= nmax:
        pair = not mea and i % 2 == 1 and i < nmax
        if pair:
            for l in range(LANES):
                if nl[l] == i:
                    pair = False
        if pair:
            c = (i + 1) % 2
            for l in range(LANES):
                mx = rs[l]
                inv = 1.0
                if mx > 0.0:
                    acc[l] += np.log(mx)
                    inv = 1.0 / mx
                _row_coefficients(xc[i - 1, l], inv, om2, fxe, trans, K, ER, C, l)
                _row_coefficients(xc[i, l], 1.0, om2, fxe, trans, K, ER, C, l, 1)
            if two:
                _fwd_rows2(R, c, c, mmax, ER, yc, C, T, PY, ob)
            else:
                _fwd_rows1(R, c, c, mmax, ER, yc, C, T, PY, ob)
            for l in range(LANES):
                xa1 = C[8 * 0 + l] * sm[l] + C[8 * 1 + l] * sx[0, l]
                xa2 = C[8 * 2 + l] * sm[l] + C[8 * 3 + l] * sx[1, l] if two else 0.0
                sx[0, l] = C[32 + 8 * 0 + l] * ob[l] + C[32 + 8 * 1 + l] * xa1
                sx[1, l] = C[32 + 8 * 2 + l] * ob[l] + C[32 + 8 * 3 + l] * xa2 if two else 0.0
                sm[l] = ob[8 + l]
                rs[l] = (sm[l] + sx[0, l]) + sx[1, l]
            if (i + 1) % _FLUSH_EVERY == 0:
                _flush_row(R, c, W + 1, mmax, fl)
            i += 1
        c = i % 2
        if i > 0 and not pair:
            p = 1 - c
            for l in range(LANES):
                mx = rs[l]
                inv = 1.0
                if i % 2 == 1 and mx > 0.0:
                    acc[l] += np.log(mx)
                    inv = 1.0 / mx
                _row_coefficients(xc[i - 1, l], inv, om2, fxe, trans, K, ER, C, l)
                g[l] = 0.0
                if mea and i <= nl[l] and lpb[l] != NEG_INF and not bad[l]:
                    gl = np.exp(acc[l] + CB[i, l] - lpb[l])
                    if np.isfinite(gl):
                        g[l] = gl
                    else:
                        bad[l] = True
            for l in range(LANES):
                sx[0, l] = C[8 * 0 + l] * sm[l] + C[8 * 1 + l] * sx[0, l]
                sx[1, l] = C[8 * 2 + l] * sm[l] + C[8 * 3 + l] * sx[1, l] if two else 0.0
            if mea:
                if two:
                    _fwd_mea_row2(R, p, c, mmax, ER, yc, C, T, PY, rs, BM[i], g, AR[c], AR[p],
                                  CD[i])
                else:
                    _fwd_mea_row1(R, p, c, mmax, ER, yc, C, T, PY, rs, BM[i], g, AR[c], AR[p],
                                  CD[i])
            elif two:
                _fwd_row2(R, p, c, mmax, ER, yc, C, T, PY, rs)
            else:
                _fwd_row1(R, p, c, mmax, ER, yc, C, T, PY, rs)
            # the row kernels left the row's M sums in rs
            for l in range(LANES):
                sm[l] = rs[l]
                rs[l] = (sm[l] + sx[0, l]) + sx[1, l]
            if i % _FLUSH_EVERY == 0:
                _flush_row(R, c, W + 1, mmax, fl)
        for l in range(LANES):
            if nl[l] != i:
                continue
            m = ml[l]
            tot = end[0] * R[c, m, l]
            for k in range(K):
                tot += end[1 + k] * R[c, m, 8 * (1 + k) + l]
            for k in range(K):
                tot += end[1 + K + k] * _y_at(R, c, m, PY, k, l)
            if tot == 0.0:
                flags[l] = fl[l] > 0.0
                lpo[l] = NEG_INF
            else:
                flags[l] = fl[l] > 0.0 and tot < _SMALL_TOTAL * rs[l]
                lpo[l] = np.log(tot) + acc[l]
            if mea and i > 0:
                sc[l] = AR[c, m, l]
        i += 1


@njit(cache=True)
def _workspace_dims(groups, g0, g1, xoff, yoff):
    nm = 0
    mm = 0
    for g in range(g0, g1):
        for l in range(LANES):
            p = groups[g, l]
            if p >= 0:
                nm = max(nm, xoff[p + 1] - xoff[p])
                mm = max(mm, yoff[p + 1] - yoff[p])
    return nm, mm


@njit(cache=True, parallel=True)
def _score_groups(xcat, xoff, ycat, yoff, groups, chunk_groups, chunk_off,
                  trans, end, om2, fxe, fye, lrx, lry):
    P = xoff.shape[0] - 1
    S = trans.shape[0]
    K = (S - 1) // 2
    sent = om2.shape[0] - 1
    out = np.empty(P)
    flags = np.zeros(P, dtype=np.bool_)
    for ch in prange(chunk_off.shape[0] - 1):
        nm = 0
        mm = 0
        for t in range(chunk_off[ch], chunk_off[ch + 1]):
            a, b = _workspace_dims(groups, chunk_groups[t], chunk_groups[t] + 1, xoff, yoff)
            nm = max(nm, a)
            mm = max(mm, b)
        xc = np.empty((nm + 1, LANES), dtype=np.uint8)
        yc = np.empty((mm + 1, LANES), dtype=np.uint8)
        nl = np.zeros(LANES, dtype=np.int64)
        ml = np.zeros(LANES, dtype=np.int64)
        PY = np.zeros((mm + 2, 2 * K * LANES))
        R = np.zeros((2, mm + 1, (K + 2) * LANES))
        ER = np.zeros((2 * LANES, om2.shape[0]))
        C = np.zeros(8 * LANES)
        T = np.zeros(S)
        rs = np.zeros(LANES)
        fl = np.zeros(LANES)
        lpo = np.zeros(LANES)
        fg = np.zeros(LANES, dtype=np.bool_)
        # the MEA tables, unused without mea
        BM = np.zeros((1, 1, LANES))
        CB = np.zeros((1, LANES))
        AR = np.zeros((1, 1, LANES))
        CD = np.zeros((1, 1, LANES), dtype=np.int8)
        lpb = np.zeros(LANES)
        bad = np.zeros(LANES, dtype=np.bool_)
        sc = np.zeros(LANES)
        for t in range(chunk_off[ch], chunk_off[ch + 1]):
            g = chunk_groups[t]
            nmax, mmax = _pack(xcat, xoff, ycat, yoff, groups[g], sent, xc, yc, nl, ml)
            _y_prof(yc, mmax, trans, fye, PY)
            _forward_group(nmax, mmax, nl, ml, xc, yc, om2, fxe, PY, trans, end, R, ER, C, T,
                           rs, fl, lpo, fg, False, BM, CB, lpb, bad, AR, CD, sc)
            for l in range(LANES):
                p = groups[g, l]
                if p < 0:
                    continue
                flags[p] = fg[l]
                if lpo[l] == NEG_INF:
                    out[p] = NEG_INF
                else:
                    out[p] = lpo[l] + _norm_offset(xcat, xoff, ycat, yoff, p, lrx, lry)
    return out, flags


# ------------------------------------------------------------------ backward rows
@njit(cache=True)
def _bwd_row2(R, p, c, mmax, ER, yc, C, T, PY, out, BM, i):
    """Backward row i into R[c] from R[p] = row i+1 (two insert pairs). Slots: 0 M, 1 X1,
    2 X2; the Y cells are needed only along their own row, so they stay in registers.
    ER, C: :func:`_row_coefficients` of x_{i+1} and the lane's scale; T: t(M->M),
    t(X1->M), t(X2->M), t(Y1->M), t(Y2->M). out[l] receives the sum of the row's M
    cells, out[8 + l] the sum of its terms em = odds(x_{i+1}, y_{j+1}) M(i+1, j+1) over
    the scale (with the previous row's X sums they give this row's); the M row also
    goes to BM[i]."""
    wide_vectors()
    t0 = T[0]
    t1 = T[1]
    t2 = T[2]
    t3 = T[3]
    t4 = T[4]
    ca1_0 = C[8 * 0 + 0]
    ca1_1 = C[8 * 0 + 1]
    ca1_2 = C[8 * 0 + 2]
    ca1_3 = C[8 * 0 + 3]
    ca1_4 = C[8 * 0 + 4]
    ca1_5 = C[8 * 0 + 5]
    ca1_6 = C[8 * 0 + 6]
    ca1_7 = C[8 * 0 + 7]
    cb1_0 = C[8 * 1 + 0]
    cb1_1 = C[8 * 1 + 1]
    cb1_2 = C[8 * 1 + 2]
    cb1_3 = C[8 * 1 + 3]
    cb1_4 = C[8 * 1 + 4]
    cb1_5 = C[8 * 1 + 5]
    cb1_6 = C[8 * 1 + 6]
    cb1_7 = C[8 * 1 + 7]
    ca2_0 = C[8 * 2 + 0]
    ca2_1 = C[8 * 2 + 1]
    ca2_2 = C[8 * 2 + 2]
    ca2_3 = C[8 * 2 + 3]
    ca2_4 = C[8 * 2 + 4]
    ca2_5 = C[8 * 2 + 5]
    ca2_6 = C[8 * 2 + 6]
    ca2_7 = C[8 * 2 + 7]
    cb2_0 = C[8 * 3 + 0]
    cb2_1 = C[8 * 3 + 1]
    cb2_2 = C[8 * 3 + 2]
    cb2_3 = C[8 * 3 + 3]
    cb2_4 = C[8 * 3 + 4]
    cb2_5 = C[8 * 3 + 5]
    cb2_6 = C[8 * 3 + 6]
    cb2_7 = C[8 * 3 + 7]
    # column mmax: no y_{j+1}
    nm0 = R[p, mmax, 8 * 0 + 0]
    nm1 = R[p, mmax, 8 * 0 + 1]
    nm2 = R[p, mmax, 8 * 0 + 2]
    nm3 = R[p, mmax, 8 * 0 + 3]
    nm4 = R[p, mmax, 8 * 0 + 4]
    nm5 = R[p, mmax, 8 * 0 + 5]
    nm6 = R[p, mmax, 8 * 0 + 6]
    nm7 = R[p, mmax, 8 * 0 + 7]
    ex1_0 = R[p, mmax, 8 * 1 + 0]
    ex1_1 = R[p, mmax, 8 * 1 + 1]
    ex1_2 = R[p, mmax, 8 * 1 + 2]
    ex1_3 = R[p, mmax, 8 * 1 + 3]
    ex1_4 = R[p, mmax, 8 * 1 + 4]
    ex1_5 = R[p, mmax, 8 * 1 + 5]
    ex1_6 = R[p, mmax, 8 * 1 + 6]
    ex1_7 = R[p, mmax, 8 * 1 + 7]
    ex2_0 = R[p, mmax, 8 * 2 + 0]
    ex2_1 = R[p, mmax, 8 * 2 + 1]
    ex2_2 = R[p, mmax, 8 * 2 + 2]
    ex2_3 = R[p, mmax, 8 * 2 + 3]
    ex2_4 = R[p, mmax, 8 * 2 + 4]
    ex2_5 = R[p, mmax, 8 * 2 + 5]
    ex2_6 = R[p, mmax, 8 * 2 + 6]
    ex2_7 = R[p, mmax, 8 * 2 + 7]
    bm0 = _fma(ca2_0, ex2_0, ca1_0 * ex1_0)
    bm1 = _fma(ca2_1, ex2_1, ca1_1 * ex1_1)
    bm2 = _fma(ca2_2, ex2_2, ca1_2 * ex1_2)
    bm3 = _fma(ca2_3, ex2_3, ca1_3 * ex1_3)
    bm4 = _fma(ca2_4, ex2_4, ca1_4 * ex1_4)
    bm5 = _fma(ca2_5, ex2_5, ca1_5 * ex1_5)
    bm6 = _fma(ca2_6, ex2_6, ca1_6 * ex1_6)
    bm7 = _fma(ca2_7, ex2_7, ca1_7 * ex1_7)
    R[c, mmax, 8 * 0 + 0] = bm0
    R[c, mmax, 8 * 0 + 1] = bm1
    R[c, mmax, 8 * 0 + 2] = bm2
    R[c, mmax, 8 * 0 + 3] = bm3
    R[c, mmax, 8 * 0 + 4] = bm4
    R[c, mmax, 8 * 0 + 5] = bm5
    R[c, mmax, 8 * 0 + 6] = bm6
    R[c, mmax, 8 * 0 + 7] = bm7
    BM[i, mmax, 0] = bm0
    BM[i, mmax, 1] = bm1
    BM[i, mmax, 2] = bm2
    BM[i, mmax, 3] = bm3
    BM[i, mmax, 4] = bm4
    BM[i, mmax, 5] = bm5
    BM[i, mmax, 6] = bm6
    BM[i, mmax, 7] = bm7
    R[c, mmax, 8 * 1 + 0] = cb1_0 * ex1_0
    R[c, mmax, 8 * 1 + 1] = cb1_1 * ex1_1
    R[c, mmax, 8 * 1 + 2] = cb1_2 * ex1_2
    R[c, mmax, 8 * 1 + 3] = cb1_3 * ex1_3
    R[c, mmax, 8 * 1 + 4] = cb1_4 * ex1_4
    R[c, mmax, 8 * 1 + 5] = cb1_5 * ex1_5
    R[c, mmax, 8 * 1 + 6] = cb1_6 * ex1_6
    R[c, mmax, 8 * 1 + 7] = cb1_7 * ex1_7
    R[c, mmax, 8 * 2 + 0] = cb2_0 * ex2_0
    R[c, mmax, 8 * 2 + 1] = cb2_1 * ex2_1
    R[c, mmax, 8 * 2 + 2] = cb2_2 * ex2_2
    R[c, mmax, 8 * 2 + 3] = cb2_3 * ex2_3
    R[c, mmax, 8 * 2 + 4] = cb2_4 * ex2_4
    R[c, mmax, 8 * 2 + 5] = cb2_5 * ex2_5
    R[c, mmax, 8 * 2 + 6] = cb2_6 * ex2_6
    R[c, mmax, 8 * 2 + 7] = cb2_7 * ex2_7
    s0 = bm0
    s1 = bm1
    s2 = bm2
    s3 = bm3
    s4 = bm4
    s5 = bm5
    s6 = bm6
    s7 = bm7
    se0 = 0.0
    se1 = 0.0
    se2 = 0.0
    se3 = 0.0
    se4 = 0.0
    se5 = 0.0
    se6 = 0.0
    se7 = 0.0
    py1_0 = 0.0
    py1_1 = 0.0
    py1_2 = 0.0
    py1_3 = 0.0
    py1_4 = 0.0
    py1_5 = 0.0
    py1_6 = 0.0
    py1_7 = 0.0
    py2_0 = 0.0
    py2_1 = 0.0
    py2_2 = 0.0
    py2_3 = 0.0
    py2_4 = 0.0
    py2_5 = 0.0
    py2_6 = 0.0
    py2_7 = 0.0
    for j in range(mmax - 1, -1, -1):
        e0 = ER[0, yc[j, 0]]
        e1 = ER[1, yc[j, 1]]
        e2 = ER[2, yc[j, 2]]
        e3 = ER[3, yc[j, 3]]
        e4 = ER[4, yc[j, 4]]
        e5 = ER[5, yc[j, 5]]
        e6 = ER[6, yc[j, 6]]
        e7 = ER[7, yc[j, 7]]
        um0 = R[p, j, 8 * 0 + 0]
        um1 = R[p, j, 8 * 0 + 1]
        um2 = R[p, j, 8 * 0 + 2]
        um3 = R[p, j, 8 * 0 + 3]
        um4 = R[p, j, 8 * 0 + 4]
        um5 = R[p, j, 8 * 0 + 5]
        um6 = R[p, j, 8 * 0 + 6]
        um7 = R[p, j, 8 * 0 + 7]
        ex1_0 = R[p, j, 8 * 1 + 0]
        ex1_1 = R[p, j, 8 * 1 + 1]
        ex1_2 = R[p, j, 8 * 1 + 2]
        ex1_3 = R[p, j, 8 * 1 + 3]
        ex1_4 = R[p, j, 8 * 1 + 4]
        ex1_5 = R[p, j, 8 * 1 + 5]
        ex1_6 = R[p, j, 8 * 1 + 6]
        ex1_7 = R[p, j, 8 * 1 + 7]
        ex2_0 = R[p, j, 8 * 2 + 0]
        ex2_1 = R[p, j, 8 * 2 + 1]
        ex2_2 = R[p, j, 8 * 2 + 2]
        ex2_3 = R[p, j, 8 * 2 + 3]
        ex2_4 = R[p, j, 8 * 2 + 4]
        ex2_5 = R[p, j, 8 * 2 + 5]
        ex2_6 = R[p, j, 8 * 2 + 6]
        ex2_7 = R[p, j, 8 * 2 + 7]
        a1_0 = PY[j + 1, 8 * 0 + 0]
        a1_1 = PY[j + 1, 8 * 0 + 1]
        a1_2 = PY[j + 1, 8 * 0 + 2]
        a1_3 = PY[j + 1, 8 * 0 + 3]
        a1_4 = PY[j + 1, 8 * 0 + 4]
        a1_5 = PY[j + 1, 8 * 0 + 5]
        a1_6 = PY[j + 1, 8 * 0 + 6]
        a1_7 = PY[j + 1, 8 * 0 + 7]
        q1_0 = PY[j + 1, 8 * 1 + 0]
        q1_1 = PY[j + 1, 8 * 1 + 1]
        q1_2 = PY[j + 1, 8 * 1 + 2]
        q1_3 = PY[j + 1, 8 * 1 + 3]
        q1_4 = PY[j + 1, 8 * 1 + 4]
        q1_5 = PY[j + 1, 8 * 1 + 5]
        q1_6 = PY[j + 1, 8 * 1 + 6]
        q1_7 = PY[j + 1, 8 * 1 + 7]
        a2_0 = PY[j + 1, 8 * 2 + 0]
        a2_1 = PY[j + 1, 8 * 2 + 1]
        a2_2 = PY[j + 1, 8 * 2 + 2]
        a2_3 = PY[j + 1, 8 * 2 + 3]
        a2_4 = PY[j + 1, 8 * 2 + 4]
        a2_5 = PY[j + 1, 8 * 2 + 5]
        a2_6 = PY[j + 1, 8 * 2 + 6]
        a2_7 = PY[j + 1, 8 * 2 + 7]
        q2_0 = PY[j + 1, 8 * 3 + 0]
        q2_1 = PY[j + 1, 8 * 3 + 1]
        q2_2 = PY[j + 1, 8 * 3 + 2]
        q2_3 = PY[j + 1, 8 * 3 + 3]
        q2_4 = PY[j + 1, 8 * 3 + 4]
        q2_5 = PY[j + 1, 8 * 3 + 5]
        q2_6 = PY[j + 1, 8 * 3 + 6]
        q2_7 = PY[j + 1, 8 * 3 + 7]
        em0 = e0 * nm0
        em1 = e1 * nm1
        em2 = e2 * nm2
        em3 = e3 * nm3
        em4 = e4 * nm4
        em5 = e5 * nm5
        em6 = e6 * nm6
        em7 = e7 * nm7
        h0 = _fma(ca1_0, ex1_0, t0 * em0)
        h1 = _fma(ca1_1, ex1_1, t0 * em1)
        h2 = _fma(ca1_2, ex1_2, t0 * em2)
        h3 = _fma(ca1_3, ex1_3, t0 * em3)
        h4 = _fma(ca1_4, ex1_4, t0 * em4)
        h5 = _fma(ca1_5, ex1_5, t0 * em5)
        h6 = _fma(ca1_6, ex1_6, t0 * em6)
        h7 = _fma(ca1_7, ex1_7, t0 * em7)
        h0 = _fma(ca2_0, ex2_0, h0)
        h1 = _fma(ca2_1, ex2_1, h1)
        h2 = _fma(ca2_2, ex2_2, h2)
        h3 = _fma(ca2_3, ex2_3, h3)
        h4 = _fma(ca2_4, ex2_4, h4)
        h5 = _fma(ca2_5, ex2_5, h5)
        h6 = _fma(ca2_6, ex2_6, h6)
        h7 = _fma(ca2_7, ex2_7, h7)
        h0 = _fma(a1_0, py1_0, h0)
        h1 = _fma(a1_1, py1_1, h1)
        h2 = _fma(a1_2, py1_2, h2)
        h3 = _fma(a1_3, py1_3, h3)
        h4 = _fma(a1_4, py1_4, h4)
        h5 = _fma(a1_5, py1_5, h5)
        h6 = _fma(a1_6, py1_6, h6)
        h7 = _fma(a1_7, py1_7, h7)
        bm0 = _fma(a2_0, py2_0, h0)
        bm1 = _fma(a2_1, py2_1, h1)
        bm2 = _fma(a2_2, py2_2, h2)
        bm3 = _fma(a2_3, py2_3, h3)
        bm4 = _fma(a2_4, py2_4, h4)
        bm5 = _fma(a2_5, py2_5, h5)
        bm6 = _fma(a2_6, py2_6, h6)
        bm7 = _fma(a2_7, py2_7, h7)
        b1_0 = _fma(cb1_0, ex1_0, t1 * em0)
        b1_1 = _fma(cb1_1, ex1_1, t1 * em1)
        b1_2 = _fma(cb1_2, ex1_2, t1 * em2)
        b1_3 = _fma(cb1_3, ex1_3, t1 * em3)
        b1_4 = _fma(cb1_4, ex1_4, t1 * em4)
        b1_5 = _fma(cb1_5, ex1_5, t1 * em5)
        b1_6 = _fma(cb1_6, ex1_6, t1 * em6)
        b1_7 = _fma(cb1_7, ex1_7, t1 * em7)
        b2_0 = _fma(cb2_0, ex2_0, t2 * em0)
        b2_1 = _fma(cb2_1, ex2_1, t2 * em1)
        b2_2 = _fma(cb2_2, ex2_2, t2 * em2)
        b2_3 = _fma(cb2_3, ex2_3, t2 * em3)
        b2_4 = _fma(cb2_4, ex2_4, t2 * em4)
        b2_5 = _fma(cb2_5, ex2_5, t2 * em5)
        b2_6 = _fma(cb2_6, ex2_6, t2 * em6)
        b2_7 = _fma(cb2_7, ex2_7, t2 * em7)
        py1_0 = _fma(q1_0, py1_0, t3 * em0)
        py1_1 = _fma(q1_1, py1_1, t3 * em1)
        py1_2 = _fma(q1_2, py1_2, t3 * em2)
        py1_3 = _fma(q1_3, py1_3, t3 * em3)
        py1_4 = _fma(q1_4, py1_4, t3 * em4)
        py1_5 = _fma(q1_5, py1_5, t3 * em5)
        py1_6 = _fma(q1_6, py1_6, t3 * em6)
        py1_7 = _fma(q1_7, py1_7, t3 * em7)
        py2_0 = _fma(q2_0, py2_0, t4 * em0)
        py2_1 = _fma(q2_1, py2_1, t4 * em1)
        py2_2 = _fma(q2_2, py2_2, t4 * em2)
        py2_3 = _fma(q2_3, py2_3, t4 * em3)
        py2_4 = _fma(q2_4, py2_4, t4 * em4)
        py2_5 = _fma(q2_5, py2_5, t4 * em5)
        py2_6 = _fma(q2_6, py2_6, t4 * em6)
        py2_7 = _fma(q2_7, py2_7, t4 * em7)
        s0 += bm0
        s1 += bm1
        s2 += bm2
        s3 += bm3
        s4 += bm4
        s5 += bm5
        s6 += bm6
        s7 += bm7
        se0 += em0
        se1 += em1
        se2 += em2
        se3 += em3
        se4 += em4
        se5 += em5
        se6 += em6
        se7 += em7
        R[c, j, 8 * 0 + 0] = bm0
        R[c, j, 8 * 0 + 1] = bm1
        R[c, j, 8 * 0 + 2] = bm2
        R[c, j, 8 * 0 + 3] = bm3
        R[c, j, 8 * 0 + 4] = bm4
        R[c, j, 8 * 0 + 5] = bm5
        R[c, j, 8 * 0 + 6] = bm6
        R[c, j, 8 * 0 + 7] = bm7
        BM[i, j, 0] = bm0
        BM[i, j, 1] = bm1
        BM[i, j, 2] = bm2
        BM[i, j, 3] = bm3
        BM[i, j, 4] = bm4
        BM[i, j, 5] = bm5
        BM[i, j, 6] = bm6
        BM[i, j, 7] = bm7
        R[c, j, 8 * 1 + 0] = b1_0
        R[c, j, 8 * 1 + 1] = b1_1
        R[c, j, 8 * 1 + 2] = b1_2
        R[c, j, 8 * 1 + 3] = b1_3
        R[c, j, 8 * 1 + 4] = b1_4
        R[c, j, 8 * 1 + 5] = b1_5
        R[c, j, 8 * 1 + 6] = b1_6
        R[c, j, 8 * 1 + 7] = b1_7
        R[c, j, 8 * 2 + 0] = b2_0
        R[c, j, 8 * 2 + 1] = b2_1
        R[c, j, 8 * 2 + 2] = b2_2
        R[c, j, 8 * 2 + 3] = b2_3
        R[c, j, 8 * 2 + 4] = b2_4
        R[c, j, 8 * 2 + 5] = b2_5
        R[c, j, 8 * 2 + 6] = b2_6
        R[c, j, 8 * 2 + 7] = b2_7
        nm0 = um0
        nm1 = um1
        nm2 = um2
        nm3 = um3
        nm4 = um4
        nm5 = um5
        nm6 = um6
        nm7 = um7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7
    out[8 + 0] = se0
    out[8 + 1] = se1
    out[8 + 2] = se2
    out[8 + 3] = se3
    out[8 + 4] = se4
    out[8 + 5] = se5
    out[8 + 6] = se6
    out[8 + 7] = se7


@njit(cache=True)
def _bwd_rows2(R, p, c, mmax, ER, yc, C, T, PY, out, BM, i):
    """Two backward rows in one sweep (two insert pairs; slots and T as in
    :func:`_bwd_row2`): row i+1 (A, from R[p] = row i+2, kept in registers only) and row
    i (B, into R[c]; R[c] may be R[p]: column j of row i+2 is read before column j of
    row i is written). ER rows 0..7 and C[0:32] are row A's coefficients, ER rows 8..15
    and C[32:64] row B's. out[l], out[8 + l], out[16 + l], out[24 + l] receive the M and
    em sums of rows A and B; both M rows also go to BM."""
    wide_vectors()
    t0 = T[0]
    t1 = T[1]
    t2 = T[2]
    t3 = T[3]
    t4 = T[4]
    ca1_0 = C[8 * 0 + 0]
    ca1_1 = C[8 * 0 + 1]
    ca1_2 = C[8 * 0 + 2]
    ca1_3 = C[8 * 0 + 3]
    ca1_4 = C[8 * 0 + 4]
    ca1_5 = C[8 * 0 + 5]
    ca1_6 = C[8 * 0 + 6]
    ca1_7 = C[8 * 0 + 7]
    cb1_0 = C[8 * 1 + 0]
    cb1_1 = C[8 * 1 + 1]
    cb1_2 = C[8 * 1 + 2]
    cb1_3 = C[8 * 1 + 3]
    cb1_4 = C[8 * 1 + 4]
    cb1_5 = C[8 * 1 + 5]
    cb1_6 = C[8 * 1 + 6]
    cb1_7 = C[8 * 1 + 7]
    ca2_0 = C[8 * 2 + 0]
    ca2_1 = C[8 * 2 + 1]
    ca2_2 = C[8 * 2 + 2]
    ca2_3 = C[8 * 2 + 3]
    ca2_4 = C[8 * 2 + 4]
    ca2_5 = C[8 * 2 + 5]
    ca2_6 = C[8 * 2 + 6]
    ca2_7 = C[8 * 2 + 7]
    cb2_0 = C[8 * 3 + 0]
    cb2_1 = C[8 * 3 + 1]
    cb2_2 = C[8 * 3 + 2]
    cb2_3 = C[8 * 3 + 3]
    cb2_4 = C[8 * 3 + 4]
    cb2_5 = C[8 * 3 + 5]
    cb2_6 = C[8 * 3 + 6]
    cb2_7 = C[8 * 3 + 7]
    da1_0 = C[32 + 8 * 0 + 0]
    da1_1 = C[32 + 8 * 0 + 1]
    da1_2 = C[32 + 8 * 0 + 2]
    da1_3 = C[32 + 8 * 0 + 3]
    da1_4 = C[32 + 8 * 0 + 4]
    da1_5 = C[32 + 8 * 0 + 5]
    da1_6 = C[32 + 8 * 0 + 6]
    da1_7 = C[32 + 8 * 0 + 7]
    db1_0 = C[32 + 8 * 1 + 0]
    db1_1 = C[32 + 8 * 1 + 1]
    db1_2 = C[32 + 8 * 1 + 2]
    db1_3 = C[32 + 8 * 1 + 3]
    db1_4 = C[32 + 8 * 1 + 4]
    db1_5 = C[32 + 8 * 1 + 5]
    db1_6 = C[32 + 8 * 1 + 6]
    db1_7 = C[32 + 8 * 1 + 7]
    da2_0 = C[32 + 8 * 2 + 0]
    da2_1 = C[32 + 8 * 2 + 1]
    da2_2 = C[32 + 8 * 2 + 2]
    da2_3 = C[32 + 8 * 2 + 3]
    da2_4 = C[32 + 8 * 2 + 4]
    da2_5 = C[32 + 8 * 2 + 5]
    da2_6 = C[32 + 8 * 2 + 6]
    da2_7 = C[32 + 8 * 2 + 7]
    db2_0 = C[32 + 8 * 3 + 0]
    db2_1 = C[32 + 8 * 3 + 1]
    db2_2 = C[32 + 8 * 3 + 2]
    db2_3 = C[32 + 8 * 3 + 3]
    db2_4 = C[32 + 8 * 3 + 4]
    db2_5 = C[32 + 8 * 3 + 5]
    db2_6 = C[32 + 8 * 3 + 6]
    db2_7 = C[32 + 8 * 3 + 7]
    # column mmax: no y_{j+1}
    nm0 = R[p, mmax, 8 * 0 + 0]
    nm1 = R[p, mmax, 8 * 0 + 1]
    nm2 = R[p, mmax, 8 * 0 + 2]
    nm3 = R[p, mmax, 8 * 0 + 3]
    nm4 = R[p, mmax, 8 * 0 + 4]
    nm5 = R[p, mmax, 8 * 0 + 5]
    nm6 = R[p, mmax, 8 * 0 + 6]
    nm7 = R[p, mmax, 8 * 0 + 7]
    ex1_0 = R[p, mmax, 8 * 1 + 0]
    ex1_1 = R[p, mmax, 8 * 1 + 1]
    ex1_2 = R[p, mmax, 8 * 1 + 2]
    ex1_3 = R[p, mmax, 8 * 1 + 3]
    ex1_4 = R[p, mmax, 8 * 1 + 4]
    ex1_5 = R[p, mmax, 8 * 1 + 5]
    ex1_6 = R[p, mmax, 8 * 1 + 6]
    ex1_7 = R[p, mmax, 8 * 1 + 7]
    ex2_0 = R[p, mmax, 8 * 2 + 0]
    ex2_1 = R[p, mmax, 8 * 2 + 1]
    ex2_2 = R[p, mmax, 8 * 2 + 2]
    ex2_3 = R[p, mmax, 8 * 2 + 3]
    ex2_4 = R[p, mmax, 8 * 2 + 4]
    ex2_5 = R[p, mmax, 8 * 2 + 5]
    ex2_6 = R[p, mmax, 8 * 2 + 6]
    ex2_7 = R[p, mmax, 8 * 2 + 7]
    bm0 = _fma(ca2_0, ex2_0, ca1_0 * ex1_0)
    bm1 = _fma(ca2_1, ex2_1, ca1_1 * ex1_1)
    bm2 = _fma(ca2_2, ex2_2, ca1_2 * ex1_2)
    bm3 = _fma(ca2_3, ex2_3, ca1_3 * ex1_3)
    bm4 = _fma(ca2_4, ex2_4, ca1_4 * ex1_4)
    bm5 = _fma(ca2_5, ex2_5, ca1_5 * ex1_5)
    bm6 = _fma(ca2_6, ex2_6, ca1_6 * ex1_6)
    bm7 = _fma(ca2_7, ex2_7, ca1_7 * ex1_7)
    b1_0 = cb1_0 * ex1_0
    b1_1 = cb1_1 * ex1_1
    b1_2 = cb1_2 * ex1_2
    b1_3 = cb1_3 * ex1_3
    b1_4 = cb1_4 * ex1_4
    b1_5 = cb1_5 * ex1_5
    b1_6 = cb1_6 * ex1_6
    b1_7 = cb1_7 * ex1_7
    b2_0 = cb2_0 * ex2_0
    b2_1 = cb2_1 * ex2_1
    b2_2 = cb2_2 * ex2_2
    b2_3 = cb2_3 * ex2_3
    b2_4 = cb2_4 * ex2_4
    b2_5 = cb2_5 * ex2_5
    b2_6 = cb2_6 * ex2_6
    b2_7 = cb2_7 * ex2_7
    cm0 = _fma(da2_0, b2_0, da1_0 * b1_0)
    cm1 = _fma(da2_1, b2_1, da1_1 * b1_1)
    cm2 = _fma(da2_2, b2_2, da1_2 * b1_2)
    cm3 = _fma(da2_3, b2_3, da1_3 * b1_3)
    cm4 = _fma(da2_4, b2_4, da1_4 * b1_4)
    cm5 = _fma(da2_5, b2_5, da1_5 * b1_5)
    cm6 = _fma(da2_6, b2_6, da1_6 * b1_6)
    cm7 = _fma(da2_7, b2_7, da1_7 * b1_7)
    BM[i + 1, mmax, 0] = bm0
    BM[i + 1, mmax, 1] = bm1
    BM[i + 1, mmax, 2] = bm2
    BM[i + 1, mmax, 3] = bm3
    BM[i + 1, mmax, 4] = bm4
    BM[i + 1, mmax, 5] = bm5
    BM[i + 1, mmax, 6] = bm6
    BM[i + 1, mmax, 7] = bm7
    BM[i, mmax, 0] = cm0
    BM[i, mmax, 1] = cm1
    BM[i, mmax, 2] = cm2
    BM[i, mmax, 3] = cm3
    BM[i, mmax, 4] = cm4
    BM[i, mmax, 5] = cm5
    BM[i, mmax, 6] = cm6
    BM[i, mmax, 7] = cm7
    R[c, mmax, 8 * 0 + 0] = cm0
    R[c, mmax, 8 * 0 + 1] = cm1
    R[c, mmax, 8 * 0 + 2] = cm2
    R[c, mmax, 8 * 0 + 3] = cm3
    R[c, mmax, 8 * 0 + 4] = cm4
    R[c, mmax, 8 * 0 + 5] = cm5
    R[c, mmax, 8 * 0 + 6] = cm6
    R[c, mmax, 8 * 0 + 7] = cm7
    R[c, mmax, 8 * 1 + 0] = db1_0 * b1_0
    R[c, mmax, 8 * 1 + 1] = db1_1 * b1_1
    R[c, mmax, 8 * 1 + 2] = db1_2 * b1_2
    R[c, mmax, 8 * 1 + 3] = db1_3 * b1_3
    R[c, mmax, 8 * 1 + 4] = db1_4 * b1_4
    R[c, mmax, 8 * 1 + 5] = db1_5 * b1_5
    R[c, mmax, 8 * 1 + 6] = db1_6 * b1_6
    R[c, mmax, 8 * 1 + 7] = db1_7 * b1_7
    R[c, mmax, 8 * 2 + 0] = db2_0 * b2_0
    R[c, mmax, 8 * 2 + 1] = db2_1 * b2_1
    R[c, mmax, 8 * 2 + 2] = db2_2 * b2_2
    R[c, mmax, 8 * 2 + 3] = db2_3 * b2_3
    R[c, mmax, 8 * 2 + 4] = db2_4 * b2_4
    R[c, mmax, 8 * 2 + 5] = db2_5 * b2_5
    R[c, mmax, 8 * 2 + 6] = db2_6 * b2_6
    R[c, mmax, 8 * 2 + 7] = db2_7 * b2_7
    nb0 = bm0
    nb1 = bm1
    nb2 = bm2
    nb3 = bm3
    nb4 = bm4
    nb5 = bm5
    nb6 = bm6
    nb7 = bm7
    s0 = bm0
    s1 = bm1
    s2 = bm2
    s3 = bm3
    s4 = bm4
    s5 = bm5
    s6 = bm6
    s7 = bm7
    se0 = 0.0
    se1 = 0.0
    se2 = 0.0
    se3 = 0.0
    se4 = 0.0
    se5 = 0.0
    se6 = 0.0
    se7 = 0.0
    sb0 = cm0
    sb1 = cm1
    sb2 = cm2
    sb3 = cm3
    sb4 = cm4
    sb5 = cm5
    sb6 = cm6
    sb7 = cm7
    sf0 = 0.0
    sf1 = 0.0
    sf2 = 0.0
    sf3 = 0.0
    sf4 = 0.0
    sf5 = 0.0
    sf6 = 0.0
    sf7 = 0.0
    py1_0 = 0.0
    py1_1 = 0.0
    py1_2 = 0.0
    py1_3 = 0.0
    py1_4 = 0.0
    py1_5 = 0.0
    py1_6 = 0.0
    py1_7 = 0.0
    py2_0 = 0.0
    py2_1 = 0.0
    py2_2 = 0.0
    py2_3 = 0.0
    py2_4 = 0.0
    py2_5 = 0.0
    py2_6 = 0.0
    py2_7 = 0.0
    qy1_0 = 0.0
    qy1_1 = 0.0
    qy1_2 = 0.0
    qy1_3 = 0.0
    qy1_4 = 0.0
    qy1_5 = 0.0
    qy1_6 = 0.0
    qy1_7 = 0.0
    qy2_0 = 0.0
    qy2_1 = 0.0
    qy2_2 = 0.0
    qy2_3 = 0.0
    qy2_4 = 0.0
    qy2_5 = 0.0
    qy2_6 = 0.0
    qy2_7 = 0.0
    for j in range(mmax - 1, -1, -1):
        e0 = ER[0, yc[j, 0]]
        e1 = ER[1, yc[j, 1]]
        e2 = ER[2, yc[j, 2]]
        e3 = ER[3, yc[j, 3]]
        e4 = ER[4, yc[j, 4]]
        e5 = ER[5, yc[j, 5]]
        e6 = ER[6, yc[j, 6]]
        e7 = ER[7, yc[j, 7]]
        f0 = ER[8 + 0, yc[j, 0]]
        f1 = ER[8 + 1, yc[j, 1]]
        f2 = ER[8 + 2, yc[j, 2]]
        f3 = ER[8 + 3, yc[j, 3]]
        f4 = ER[8 + 4, yc[j, 4]]
        f5 = ER[8 + 5, yc[j, 5]]
        f6 = ER[8 + 6, yc[j, 6]]
        f7 = ER[8 + 7, yc[j, 7]]
        um0 = R[p, j, 8 * 0 + 0]
        um1 = R[p, j, 8 * 0 + 1]
        um2 = R[p, j, 8 * 0 + 2]
        um3 = R[p, j, 8 * 0 + 3]
        um4 = R[p, j, 8 * 0 + 4]
        um5 = R[p, j, 8 * 0 + 5]
        um6 = R[p, j, 8 * 0 + 6]
        um7 = R[p, j, 8 * 0 + 7]
        ex1_0 = R[p, j, 8 * 1 + 0]
        ex1_1 = R[p, j, 8 * 1 + 1]
        ex1_2 = R[p, j, 8 * 1 + 2]
        ex1_3 = R[p, j, 8 * 1 + 3]
        ex1_4 = R[p, j, 8 * 1 + 4]
        ex1_5 = R[p, j, 8 * 1 + 5]
        ex1_6 = R[p, j, 8 * 1 + 6]
        ex1_7 = R[p, j, 8 * 1 + 7]
        ex2_0 = R[p, j, 8 * 2 + 0]
        ex2_1 = R[p, j, 8 * 2 + 1]
        ex2_2 = R[p, j, 8 * 2 + 2]
        ex2_3 = R[p, j, 8 * 2 + 3]
        ex2_4 = R[p, j, 8 * 2 + 4]
        ex2_5 = R[p, j, 8 * 2 + 5]
        ex2_6 = R[p, j, 8 * 2 + 6]
        ex2_7 = R[p, j, 8 * 2 + 7]
        a1_0 = PY[j + 1, 8 * 0 + 0]
        a1_1 = PY[j + 1, 8 * 0 + 1]
        a1_2 = PY[j + 1, 8 * 0 + 2]
        a1_3 = PY[j + 1, 8 * 0 + 3]
        a1_4 = PY[j + 1, 8 * 0 + 4]
        a1_5 = PY[j + 1, 8 * 0 + 5]
        a1_6 = PY[j + 1, 8 * 0 + 6]
        a1_7 = PY[j + 1, 8 * 0 + 7]
        q1_0 = PY[j + 1, 8 * 1 + 0]
        q1_1 = PY[j + 1, 8 * 1 + 1]
        q1_2 = PY[j + 1, 8 * 1 + 2]
        q1_3 = PY[j + 1, 8 * 1 + 3]
        q1_4 = PY[j + 1, 8 * 1 + 4]
        q1_5 = PY[j + 1, 8 * 1 + 5]
        q1_6 = PY[j + 1, 8 * 1 + 6]
        q1_7 = PY[j + 1, 8 * 1 + 7]
        a2_0 = PY[j + 1, 8 * 2 + 0]
        a2_1 = PY[j + 1, 8 * 2 + 1]
        a2_2 = PY[j + 1, 8 * 2 + 2]
        a2_3 = PY[j + 1, 8 * 2 + 3]
        a2_4 = PY[j + 1, 8 * 2 + 4]
        a2_5 = PY[j + 1, 8 * 2 + 5]
        a2_6 = PY[j + 1, 8 * 2 + 6]
        a2_7 = PY[j + 1, 8 * 2 + 7]
        q2_0 = PY[j + 1, 8 * 3 + 0]
        q2_1 = PY[j + 1, 8 * 3 + 1]
        q2_2 = PY[j + 1, 8 * 3 + 2]
        q2_3 = PY[j + 1, 8 * 3 + 3]
        q2_4 = PY[j + 1, 8 * 3 + 4]
        q2_5 = PY[j + 1, 8 * 3 + 5]
        q2_6 = PY[j + 1, 8 * 3 + 6]
        q2_7 = PY[j + 1, 8 * 3 + 7]
        em0 = e0 * nm0
        em1 = e1 * nm1
        em2 = e2 * nm2
        em3 = e3 * nm3
        em4 = e4 * nm4
        em5 = e5 * nm5
        em6 = e6 * nm6
        em7 = e7 * nm7
        h0 = _fma(ca1_0, ex1_0, t0 * em0)
        h1 = _fma(ca1_1, ex1_1, t0 * em1)
        h2 = _fma(ca1_2, ex1_2, t0 * em2)
        h3 = _fma(ca1_3, ex1_3, t0 * em3)
        h4 = _fma(ca1_4, ex1_4, t0 * em4)
        h5 = _fma(ca1_5, ex1_5, t0 * em5)
        h6 = _fma(ca1_6, ex1_6, t0 * em6)
        h7 = _fma(ca1_7, ex1_7, t0 * em7)
        h0 = _fma(ca2_0, ex2_0, h0)
        h1 = _fma(ca2_1, ex2_1, h1)
        h2 = _fma(ca2_2, ex2_2, h2)
        h3 = _fma(ca2_3, ex2_3, h3)
        h4 = _fma(ca2_4, ex2_4, h4)
        h5 = _fma(ca2_5, ex2_5, h5)
        h6 = _fma(ca2_6, ex2_6, h6)
        h7 = _fma(ca2_7, ex2_7, h7)
        h0 = _fma(a1_0, py1_0, h0)
        h1 = _fma(a1_1, py1_1, h1)
        h2 = _fma(a1_2, py1_2, h2)
        h3 = _fma(a1_3, py1_3, h3)
        h4 = _fma(a1_4, py1_4, h4)
        h5 = _fma(a1_5, py1_5, h5)
        h6 = _fma(a1_6, py1_6, h6)
        h7 = _fma(a1_7, py1_7, h7)
        bm0 = _fma(a2_0, py2_0, h0)
        bm1 = _fma(a2_1, py2_1, h1)
        bm2 = _fma(a2_2, py2_2, h2)
        bm3 = _fma(a2_3, py2_3, h3)
        bm4 = _fma(a2_4, py2_4, h4)
        bm5 = _fma(a2_5, py2_5, h5)
        bm6 = _fma(a2_6, py2_6, h6)
        bm7 = _fma(a2_7, py2_7, h7)
        b1_0 = _fma(cb1_0, ex1_0, t1 * em0)
        b1_1 = _fma(cb1_1, ex1_1, t1 * em1)
        b1_2 = _fma(cb1_2, ex1_2, t1 * em2)
        b1_3 = _fma(cb1_3, ex1_3, t1 * em3)
        b1_4 = _fma(cb1_4, ex1_4, t1 * em4)
        b1_5 = _fma(cb1_5, ex1_5, t1 * em5)
        b1_6 = _fma(cb1_6, ex1_6, t1 * em6)
        b1_7 = _fma(cb1_7, ex1_7, t1 * em7)
        b2_0 = _fma(cb2_0, ex2_0, t2 * em0)
        b2_1 = _fma(cb2_1, ex2_1, t2 * em1)
        b2_2 = _fma(cb2_2, ex2_2, t2 * em2)
        b2_3 = _fma(cb2_3, ex2_3, t2 * em3)
        b2_4 = _fma(cb2_4, ex2_4, t2 * em4)
        b2_5 = _fma(cb2_5, ex2_5, t2 * em5)
        b2_6 = _fma(cb2_6, ex2_6, t2 * em6)
        b2_7 = _fma(cb2_7, ex2_7, t2 * em7)
        py1_0 = _fma(q1_0, py1_0, t3 * em0)
        py1_1 = _fma(q1_1, py1_1, t3 * em1)
        py1_2 = _fma(q1_2, py1_2, t3 * em2)
        py1_3 = _fma(q1_3, py1_3, t3 * em3)
        py1_4 = _fma(q1_4, py1_4, t3 * em4)
        py1_5 = _fma(q1_5, py1_5, t3 * em5)
        py1_6 = _fma(q1_6, py1_6, t3 * em6)
        py1_7 = _fma(q1_7, py1_7, t3 * em7)
        py2_0 = _fma(q2_0, py2_0, t4 * em0)
        py2_1 = _fma(q2_1, py2_1, t4 * em1)
        py2_2 = _fma(q2_2, py2_2, t4 * em2)
        py2_3 = _fma(q2_3, py2_3, t4 * em3)
        py2_4 = _fma(q2_4, py2_4, t4 * em4)
        py2_5 = _fma(q2_5, py2_5, t4 * em5)
        py2_6 = _fma(q2_6, py2_6, t4 * em6)
        py2_7 = _fma(q2_7, py2_7, t4 * em7)
        s0 += bm0
        s1 += bm1
        s2 += bm2
        s3 += bm3
        s4 += bm4
        s5 += bm5
        s6 += bm6
        s7 += bm7
        se0 += em0
        se1 += em1
        se2 += em2
        se3 += em3
        se4 += em4
        se5 += em5
        se6 += em6
        se7 += em7
        fm0 = f0 * nb0
        fm1 = f1 * nb1
        fm2 = f2 * nb2
        fm3 = f3 * nb3
        fm4 = f4 * nb4
        fm5 = f5 * nb5
        fm6 = f6 * nb6
        fm7 = f7 * nb7
        g0 = _fma(da1_0, b1_0, t0 * fm0)
        g1 = _fma(da1_1, b1_1, t0 * fm1)
        g2 = _fma(da1_2, b1_2, t0 * fm2)
        g3 = _fma(da1_3, b1_3, t0 * fm3)
        g4 = _fma(da1_4, b1_4, t0 * fm4)
        g5 = _fma(da1_5, b1_5, t0 * fm5)
        g6 = _fma(da1_6, b1_6, t0 * fm6)
        g7 = _fma(da1_7, b1_7, t0 * fm7)
        g0 = _fma(da2_0, b2_0, g0)
        g1 = _fma(da2_1, b2_1, g1)
        g2 = _fma(da2_2, b2_2, g2)
        g3 = _fma(da2_3, b2_3, g3)
        g4 = _fma(da2_4, b2_4, g4)
        g5 = _fma(da2_5, b2_5, g5)
        g6 = _fma(da2_6, b2_6, g6)
        g7 = _fma(da2_7, b2_7, g7)
        g0 = _fma(a1_0, qy1_0, g0)
        g1 = _fma(a1_1, qy1_1, g1)
        g2 = _fma(a1_2, qy1_2, g2)
        g3 = _fma(a1_3, qy1_3, g3)
        g4 = _fma(a1_4, qy1_4, g4)
        g5 = _fma(a1_5, qy1_5, g5)
        g6 = _fma(a1_6, qy1_6, g6)
        g7 = _fma(a1_7, qy1_7, g7)
        cm0 = _fma(a2_0, qy2_0, g0)
        cm1 = _fma(a2_1, qy2_1, g1)
        cm2 = _fma(a2_2, qy2_2, g2)
        cm3 = _fma(a2_3, qy2_3, g3)
        cm4 = _fma(a2_4, qy2_4, g4)
        cm5 = _fma(a2_5, qy2_5, g5)
        cm6 = _fma(a2_6, qy2_6, g6)
        cm7 = _fma(a2_7, qy2_7, g7)
        c1_0 = _fma(db1_0, b1_0, t1 * fm0)
        c1_1 = _fma(db1_1, b1_1, t1 * fm1)
        c1_2 = _fma(db1_2, b1_2, t1 * fm2)
        c1_3 = _fma(db1_3, b1_3, t1 * fm3)
        c1_4 = _fma(db1_4, b1_4, t1 * fm4)
        c1_5 = _fma(db1_5, b1_5, t1 * fm5)
        c1_6 = _fma(db1_6, b1_6, t1 * fm6)
        c1_7 = _fma(db1_7, b1_7, t1 * fm7)
        c2_0 = _fma(db2_0, b2_0, t2 * fm0)
        c2_1 = _fma(db2_1, b2_1, t2 * fm1)
        c2_2 = _fma(db2_2, b2_2, t2 * fm2)
        c2_3 = _fma(db2_3, b2_3, t2 * fm3)
        c2_4 = _fma(db2_4, b2_4, t2 * fm4)
        c2_5 = _fma(db2_5, b2_5, t2 * fm5)
        c2_6 = _fma(db2_6, b2_6, t2 * fm6)
        c2_7 = _fma(db2_7, b2_7, t2 * fm7)
        qy1_0 = _fma(q1_0, qy1_0, t3 * fm0)
        qy1_1 = _fma(q1_1, qy1_1, t3 * fm1)
        qy1_2 = _fma(q1_2, qy1_2, t3 * fm2)
        qy1_3 = _fma(q1_3, qy1_3, t3 * fm3)
        qy1_4 = _fma(q1_4, qy1_4, t3 * fm4)
        qy1_5 = _fma(q1_5, qy1_5, t3 * fm5)
        qy1_6 = _fma(q1_6, qy1_6, t3 * fm6)
        qy1_7 = _fma(q1_7, qy1_7, t3 * fm7)
        qy2_0 = _fma(q2_0, qy2_0, t4 * fm0)
        qy2_1 = _fma(q2_1, qy2_1, t4 * fm1)
        qy2_2 = _fma(q2_2, qy2_2, t4 * fm2)
        qy2_3 = _fma(q2_3, qy2_3, t4 * fm3)
        qy2_4 = _fma(q2_4, qy2_4, t4 * fm4)
        qy2_5 = _fma(q2_5, qy2_5, t4 * fm5)
        qy2_6 = _fma(q2_6, qy2_6, t4 * fm6)
        qy2_7 = _fma(q2_7, qy2_7, t4 * fm7)
        sb0 += cm0
        sb1 += cm1
        sb2 += cm2
        sb3 += cm3
        sb4 += cm4
        sb5 += cm5
        sb6 += cm6
        sb7 += cm7
        sf0 += fm0
        sf1 += fm1
        sf2 += fm2
        sf3 += fm3
        sf4 += fm4
        sf5 += fm5
        sf6 += fm6
        sf7 += fm7
        BM[i + 1, j, 0] = bm0
        BM[i + 1, j, 1] = bm1
        BM[i + 1, j, 2] = bm2
        BM[i + 1, j, 3] = bm3
        BM[i + 1, j, 4] = bm4
        BM[i + 1, j, 5] = bm5
        BM[i + 1, j, 6] = bm6
        BM[i + 1, j, 7] = bm7
        BM[i, j, 0] = cm0
        BM[i, j, 1] = cm1
        BM[i, j, 2] = cm2
        BM[i, j, 3] = cm3
        BM[i, j, 4] = cm4
        BM[i, j, 5] = cm5
        BM[i, j, 6] = cm6
        BM[i, j, 7] = cm7
        R[c, j, 8 * 0 + 0] = cm0
        R[c, j, 8 * 0 + 1] = cm1
        R[c, j, 8 * 0 + 2] = cm2
        R[c, j, 8 * 0 + 3] = cm3
        R[c, j, 8 * 0 + 4] = cm4
        R[c, j, 8 * 0 + 5] = cm5
        R[c, j, 8 * 0 + 6] = cm6
        R[c, j, 8 * 0 + 7] = cm7
        R[c, j, 8 * 1 + 0] = c1_0
        R[c, j, 8 * 1 + 1] = c1_1
        R[c, j, 8 * 1 + 2] = c1_2
        R[c, j, 8 * 1 + 3] = c1_3
        R[c, j, 8 * 1 + 4] = c1_4
        R[c, j, 8 * 1 + 5] = c1_5
        R[c, j, 8 * 1 + 6] = c1_6
        R[c, j, 8 * 1 + 7] = c1_7
        R[c, j, 8 * 2 + 0] = c2_0
        R[c, j, 8 * 2 + 1] = c2_1
        R[c, j, 8 * 2 + 2] = c2_2
        R[c, j, 8 * 2 + 3] = c2_3
        R[c, j, 8 * 2 + 4] = c2_4
        R[c, j, 8 * 2 + 5] = c2_5
        R[c, j, 8 * 2 + 6] = c2_6
        R[c, j, 8 * 2 + 7] = c2_7
        nm0 = um0
        nm1 = um1
        nm2 = um2
        nm3 = um3
        nm4 = um4
        nm5 = um5
        nm6 = um6
        nm7 = um7
        nb0 = bm0
        nb1 = bm1
        nb2 = bm2
        nb3 = bm3
        nb4 = bm4
        nb5 = bm5
        nb6 = bm6
        nb7 = bm7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7
    out[8 + 0] = se0
    out[8 + 1] = se1
    out[8 + 2] = se2
    out[8 + 3] = se3
    out[8 + 4] = se4
    out[8 + 5] = se5
    out[8 + 6] = se6
    out[8 + 7] = se7
    out[16 + 0] = sb0
    out[16 + 1] = sb1
    out[16 + 2] = sb2
    out[16 + 3] = sb3
    out[16 + 4] = sb4
    out[16 + 5] = sb5
    out[16 + 6] = sb6
    out[16 + 7] = sb7
    out[24 + 0] = sf0
    out[24 + 1] = sf1
    out[24 + 2] = sf2
    out[24 + 3] = sf3
    out[24 + 4] = sf4
    out[24 + 5] = sf5
    out[24 + 6] = sf6
    out[24 + 7] = sf7


@njit(cache=True)
def _bwd_rows1(R, p, c, mmax, ER, yc, C, T, PY, out, BM, i):
    """As :func:`_bwd_rows2` with one insert pair (slots and T as in :func:`_bwd_row1`)."""
    t0 = T[0]
    t1 = T[1]
    t3 = T[2]
    ca1_0 = C[8 * 0 + 0]
    ca1_1 = C[8 * 0 + 1]
    ca1_2 = C[8 * 0 + 2]
    ca1_3 = C[8 * 0 + 3]
    ca1_4 = C[8 * 0 + 4]
    ca1_5 = C[8 * 0 + 5]
    ca1_6 = C[8 * 0 + 6]
    ca1_7 = C[8 * 0 + 7]
    cb1_0 = C[8 * 1 + 0]
    cb1_1 = C[8 * 1 + 1]
    cb1_2 = C[8 * 1 + 2]
    cb1_3 = C[8 * 1 + 3]
    cb1_4 = C[8 * 1 + 4]
    cb1_5 = C[8 * 1 + 5]
    cb1_6 = C[8 * 1 + 6]
    cb1_7 = C[8 * 1 + 7]
    da1_0 = C[32 + 8 * 0 + 0]
    da1_1 = C[32 + 8 * 0 + 1]
    da1_2 = C[32 + 8 * 0 + 2]
    da1_3 = C[32 + 8 * 0 + 3]
    da1_4 = C[32 + 8 * 0 + 4]
    da1_5 = C[32 + 8 * 0 + 5]
    da1_6 = C[32 + 8 * 0 + 6]
    da1_7 = C[32 + 8 * 0 + 7]
    db1_0 = C[32 + 8 * 1 + 0]
    db1_1 = C[32 + 8 * 1 + 1]
    db1_2 = C[32 + 8 * 1 + 2]
    db1_3 = C[32 + 8 * 1 + 3]
    db1_4 = C[32 + 8 * 1 + 4]
    db1_5 = C[32 + 8 * 1 + 5]
    db1_6 = C[32 + 8 * 1 + 6]
    db1_7 = C[32 + 8 * 1 + 7]
    nm0 = R[p, mmax, 8 * 0 + 0]
    nm1 = R[p, mmax, 8 * 0 + 1]
    nm2 = R[p, mmax, 8 * 0 + 2]
    nm3 = R[p, mmax, 8 * 0 + 3]
    nm4 = R[p, mmax, 8 * 0 + 4]
    nm5 = R[p, mmax, 8 * 0 + 5]
    nm6 = R[p, mmax, 8 * 0 + 6]
    nm7 = R[p, mmax, 8 * 0 + 7]
    ex1_0 = R[p, mmax, 8 * 1 + 0]
    ex1_1 = R[p, mmax, 8 * 1 + 1]
    ex1_2 = R[p, mmax, 8 * 1 + 2]
    ex1_3 = R[p, mmax, 8 * 1 + 3]
    ex1_4 = R[p, mmax, 8 * 1 + 4]
    ex1_5 = R[p, mmax, 8 * 1 + 5]
    ex1_6 = R[p, mmax, 8 * 1 + 6]
    ex1_7 = R[p, mmax, 8 * 1 + 7]
    bm0 = ca1_0 * ex1_0
    bm1 = ca1_1 * ex1_1
    bm2 = ca1_2 * ex1_2
    bm3 = ca1_3 * ex1_3
    bm4 = ca1_4 * ex1_4
    bm5 = ca1_5 * ex1_5
    bm6 = ca1_6 * ex1_6
    bm7 = ca1_7 * ex1_7
    b1_0 = cb1_0 * ex1_0
    b1_1 = cb1_1 * ex1_1
    b1_2 = cb1_2 * ex1_2
    b1_3 = cb1_3 * ex1_3
    b1_4 = cb1_4 * ex1_4
    b1_5 = cb1_5 * ex1_5
    b1_6 = cb1_6 * ex1_6
    b1_7 = cb1_7 * ex1_7
    cm0 = da1_0 * b1_0
    cm1 = da1_1 * b1_1
    cm2 = da1_2 * b1_2
    cm3 = da1_3 * b1_3
    cm4 = da1_4 * b1_4
    cm5 = da1_5 * b1_5
    cm6 = da1_6 * b1_6
    cm7 = da1_7 * b1_7
    BM[i + 1, mmax, 0] = bm0
    BM[i + 1, mmax, 1] = bm1
    BM[i + 1, mmax, 2] = bm2
    BM[i + 1, mmax, 3] = bm3
    BM[i + 1, mmax, 4] = bm4
    BM[i + 1, mmax, 5] = bm5
    BM[i + 1, mmax, 6] = bm6
    BM[i + 1, mmax, 7] = bm7
    BM[i, mmax, 0] = cm0
    BM[i, mmax, 1] = cm1
    BM[i, mmax, 2] = cm2
    BM[i, mmax, 3] = cm3
    BM[i, mmax, 4] = cm4
    BM[i, mmax, 5] = cm5
    BM[i, mmax, 6] = cm6
    BM[i, mmax, 7] = cm7
    R[c, mmax, 8 * 0 + 0] = cm0
    R[c, mmax, 8 * 0 + 1] = cm1
    R[c, mmax, 8 * 0 + 2] = cm2
    R[c, mmax, 8 * 0 + 3] = cm3
    R[c, mmax, 8 * 0 + 4] = cm4
    R[c, mmax, 8 * 0 + 5] = cm5
    R[c, mmax, 8 * 0 + 6] = cm6
    R[c, mmax, 8 * 0 + 7] = cm7
    R[c, mmax, 8 * 1 + 0] = db1_0 * b1_0
    R[c, mmax, 8 * 1 + 1] = db1_1 * b1_1
    R[c, mmax, 8 * 1 + 2] = db1_2 * b1_2
    R[c, mmax, 8 * 1 + 3] = db1_3 * b1_3
    R[c, mmax, 8 * 1 + 4] = db1_4 * b1_4
    R[c, mmax, 8 * 1 + 5] = db1_5 * b1_5
    R[c, mmax, 8 * 1 + 6] = db1_6 * b1_6
    R[c, mmax, 8 * 1 + 7] = db1_7 * b1_7
    nb0 = bm0
    nb1 = bm1
    nb2 = bm2
    nb3 = bm3
    nb4 = bm4
    nb5 = bm5
    nb6 = bm6
    nb7 = bm7
    s0 = bm0
    s1 = bm1
    s2 = bm2
    s3 = bm3
    s4 = bm4
    s5 = bm5
    s6 = bm6
    s7 = bm7
    se0 = 0.0
    se1 = 0.0
    se2 = 0.0
    se3 = 0.0
    se4 = 0.0
    se5 = 0.0
    se6 = 0.0
    se7 = 0.0
    sb0 = cm0
    sb1 = cm1
    sb2 = cm2
    sb3 = cm3
    sb4 = cm4
    sb5 = cm5
    sb6 = cm6
    sb7 = cm7
    sf0 = 0.0
    sf1 = 0.0
    sf2 = 0.0
    sf3 = 0.0
    sf4 = 0.0
    sf5 = 0.0
    sf6 = 0.0
    sf7 = 0.0
    py1_0 = 0.0
    py1_1 = 0.0
    py1_2 = 0.0
    py1_3 = 0.0
    py1_4 = 0.0
    py1_5 = 0.0
    py1_6 = 0.0
    py1_7 = 0.0
    qy1_0 = 0.0
    qy1_1 = 0.0
    qy1_2 = 0.0
    qy1_3 = 0.0
    qy1_4 = 0.0
    qy1_5 = 0.0
    qy1_6 = 0.0
    qy1_7 = 0.0
    for j in range(mmax - 1, -1, -1):
        e0 = ER[0, yc[j, 0]]
        e1 = ER[1, yc[j, 1]]
        e2 = ER[2, yc[j, 2]]
        e3 = ER[3, yc[j, 3]]
        e4 = ER[4, yc[j, 4]]
        e5 = ER[5, yc[j, 5]]
        e6 = ER[6, yc[j, 6]]
        e7 = ER[7, yc[j, 7]]
        f0 = ER[8 + 0, yc[j, 0]]
        f1 = ER[8 + 1, yc[j, 1]]
        f2 = ER[8 + 2, yc[j, 2]]
        f3 = ER[8 + 3, yc[j, 3]]
        f4 = ER[8 + 4, yc[j, 4]]
        f5 = ER[8 + 5, yc[j, 5]]
        f6 = ER[8 + 6, yc[j, 6]]
        f7 = ER[8 + 7, yc[j, 7]]
        um0 = R[p, j, 8 * 0 + 0]
        um1 = R[p, j, 8 * 0 + 1]
        um2 = R[p, j, 8 * 0 + 2]
        um3 = R[p, j, 8 * 0 + 3]
        um4 = R[p, j, 8 * 0 + 4]
        um5 = R[p, j, 8 * 0 + 5]
        um6 = R[p, j, 8 * 0 + 6]
        um7 = R[p, j, 8 * 0 + 7]
        ex1_0 = R[p, j, 8 * 1 + 0]
        ex1_1 = R[p, j, 8 * 1 + 1]
        ex1_2 = R[p, j, 8 * 1 + 2]
        ex1_3 = R[p, j, 8 * 1 + 3]
        ex1_4 = R[p, j, 8 * 1 + 4]
        ex1_5 = R[p, j, 8 * 1 + 5]
        ex1_6 = R[p, j, 8 * 1 + 6]
        ex1_7 = R[p, j, 8 * 1 + 7]
        a1_0 = PY[j + 1, 8 * 0 + 0]
        a1_1 = PY[j + 1, 8 * 0 + 1]
        a1_2 = PY[j + 1, 8 * 0 + 2]
        a1_3 = PY[j + 1, 8 * 0 + 3]
        a1_4 = PY[j + 1, 8 * 0 + 4]
        a1_5 = PY[j + 1, 8 * 0 + 5]
        a1_6 = PY[j + 1, 8 * 0 + 6]
        a1_7 = PY[j + 1, 8 * 0 + 7]
        q1_0 = PY[j + 1, 8 * 1 + 0]
        q1_1 = PY[j + 1, 8 * 1 + 1]
        q1_2 = PY[j + 1, 8 * 1 + 2]
        q1_3 = PY[j + 1, 8 * 1 + 3]
        q1_4 = PY[j + 1, 8 * 1 + 4]
        q1_5 = PY[j + 1, 8 * 1 + 5]
        q1_6 = PY[j + 1, 8 * 1 + 6]
        q1_7 = PY[j + 1, 8 * 1 + 7]
        em0 = e0 * nm0
        em1 = e1 * nm1
        em2 = e2 * nm2
        em3 = e3 * nm3
        em4 = e4 * nm4
        em5 = e5 * nm5
        em6 = e6 * nm6
        em7 = e7 * nm7
        h0 = _fma(ca1_0, ex1_0, t0 * em0)
        h1 = _fma(ca1_1, ex1_1, t0 * em1)
        h2 = _fma(ca1_2, ex1_2, t0 * em2)
        h3 = _fma(ca1_3, ex1_3, t0 * em3)
        h4 = _fma(ca1_4, ex1_4, t0 * em4)
        h5 = _fma(ca1_5, ex1_5, t0 * em5)
        h6 = _fma(ca1_6, ex1_6, t0 * em6)
        h7 = _fma(ca1_7, ex1_7, t0 * em7)
        bm0 = _fma(a1_0, py1_0, h0)
        bm1 = _fma(a1_1, py1_1, h1)
        bm2 = _fma(a1_2, py1_2, h2)
        bm3 = _fma(a1_3, py1_3, h3)
        bm4 = _fma(a1_4, py1_4, h4)
        bm5 = _fma(a1_5, py1_5, h5)
        bm6 = _fma(a1_6, py1_6, h6)
        bm7 = _fma(a1_7, py1_7, h7)
        b1_0 = _fma(cb1_0, ex1_0, t1 * em0)
        b1_1 = _fma(cb1_1, ex1_1, t1 * em1)
        b1_2 = _fma(cb1_2, ex1_2, t1 * em2)
        b1_3 = _fma(cb1_3, ex1_3, t1 * em3)
        b1_4 = _fma(cb1_4, ex1_4, t1 * em4)
        b1_5 = _fma(cb1_5, ex1_5, t1 * em5)
        b1_6 = _fma(cb1_6, ex1_6, t1 * em6)
        b1_7 = _fma(cb1_7, ex1_7, t1 * em7)
        py1_0 = _fma(q1_0, py1_0, t3 * em0)
        py1_1 = _fma(q1_1, py1_1, t3 * em1)
        py1_2 = _fma(q1_2, py1_2, t3 * em2)
        py1_3 = _fma(q1_3, py1_3, t3 * em3)
        py1_4 = _fma(q1_4, py1_4, t3 * em4)
        py1_5 = _fma(q1_5, py1_5, t3 * em5)
        py1_6 = _fma(q1_6, py1_6, t3 * em6)
        py1_7 = _fma(q1_7, py1_7, t3 * em7)
        s0 += bm0
        s1 += bm1
        s2 += bm2
        s3 += bm3
        s4 += bm4
        s5 += bm5
        s6 += bm6
        s7 += bm7
        se0 += em0
        se1 += em1
        se2 += em2
        se3 += em3
        se4 += em4
        se5 += em5
        se6 += em6
        se7 += em7
        fm0 = f0 * nb0
        fm1 = f1 * nb1
        fm2 = f2 * nb2
        fm3 = f3 * nb3
        fm4 = f4 * nb4
        fm5 = f5 * nb5
        fm6 = f6 * nb6
        fm7 = f7 * nb7
        g0 = _fma(da1_0, b1_0, t0 * fm0)
        g1 = _fma(da1_1, b1_1, t0 * fm1)
        g2 = _fma(da1_2, b1_2, t0 * fm2)
        g3 = _fma(da1_3, b1_3, t0 * fm3)
        g4 = _fma(da1_4, b1_4, t0 * fm4)
        g5 = _fma(da1_5, b1_5, t0 * fm5)
        g6 = _fma(da1_6, b1_6, t0 * fm6)
        g7 = _fma(da1_7, b1_7, t0 * fm7)
        cm0 = _fma(a1_0, qy1_0, g0)
        cm1 = _fma(a1_1, qy1_1, g1)
        cm2 = _fma(a1_2, qy1_2, g2)
        cm3 = _fma(a1_3, qy1_3, g3)
        cm4 = _fma(a1_4, qy1_4, g4)
        cm5 = _fma(a1_5, qy1_5, g5)
        cm6 = _fma(a1_6, qy1_6, g6)
        cm7 = _fma(a1_7, qy1_7, g7)
        c1_0 = _fma(db1_0, b1_0, t1 * fm0)
        c1_1 = _fma(db1_1, b1_1, t1 * fm1)
        c1_2 = _fma(db1_2, b1_2, t1 * fm2)
        c1_3 = _fma(db1_3, b1_3, t1 * fm3)
        c1_4 = _fma(db1_4, b1_4, t1 * fm4)
        c1_5 = _fma(db1_5, b1_5, t1 * fm5)
        c1_6 = _fma(db1_6, b1_6, t1 * fm6)
        c1_7 = _fma(db1_7, b1_7, t1 * fm7)
        qy1_0 = _fma(q1_0, qy1_0, t3 * fm0)
        qy1_1 = _fma(q1_1, qy1_1, t3 * fm1)
        qy1_2 = _fma(q1_2, qy1_2, t3 * fm2)
        qy1_3 = _fma(q1_3, qy1_3, t3 * fm3)
        qy1_4 = _fma(q1_4, qy1_4, t3 * fm4)
        qy1_5 = _fma(q1_5, qy1_5, t3 * fm5)
        qy1_6 = _fma(q1_6, qy1_6, t3 * fm6)
        qy1_7 = _fma(q1_7, qy1_7, t3 * fm7)
        sb0 += cm0
        sb1 += cm1
        sb2 += cm2
        sb3 += cm3
        sb4 += cm4
        sb5 += cm5
        sb6 += cm6
        sb7 += cm7
        sf0 += fm0
        sf1 += fm1
        sf2 += fm2
        sf3 += fm3
        sf4 += fm4
        sf5 += fm5
        sf6 += fm6
        sf7 += fm7
        BM[i + 1, j, 0] = bm0
        BM[i + 1, j, 1] = bm1
        BM[i + 1, j, 2] = bm2
        BM[i + 1, j, 3] = bm3
        BM[i + 1, j, 4] = bm4
        BM[i + 1, j, 5] = bm5
        BM[i + 1, j, 6] = bm6
        BM[i + 1, j, 7] = bm7
        BM[i, j, 0] = cm0
        BM[i, j, 1] = cm1
        BM[i, j, 2] = cm2
        BM[i, j, 3] = cm3
        BM[i, j, 4] = cm4
        BM[i, j, 5] = cm5
        BM[i, j, 6] = cm6
        BM[i, j, 7] = cm7
        R[c, j, 8 * 0 + 0] = cm0
        R[c, j, 8 * 0 + 1] = cm1
        R[c, j, 8 * 0 + 2] = cm2
        R[c, j, 8 * 0 + 3] = cm3
        R[c, j, 8 * 0 + 4] = cm4
        R[c, j, 8 * 0 + 5] = cm5
        R[c, j, 8 * 0 + 6] = cm6
        R[c, j, 8 * 0 + 7] = cm7
        R[c, j, 8 * 1 + 0] = c1_0
        R[c, j, 8 * 1 + 1] = c1_1
        R[c, j, 8 * 1 + 2] = c1_2
        R[c, j, 8 * 1 + 3] = c1_3
        R[c, j, 8 * 1 + 4] = c1_4
        R[c, j, 8 * 1 + 5] = c1_5
        R[c, j, 8 * 1 + 6] = c1_6
        R[c, j, 8 * 1 + 7] = c1_7
        nm0 = um0
        nm1 = um1
        nm2 = um2
        nm3 = um3
        nm4 = um4
        nm5 = um5
        nm6 = um6
        nm7 = um7
        nb0 = bm0
        nb1 = bm1
        nb2 = bm2
        nb3 = bm3
        nb4 = bm4
        nb5 = bm5
        nb6 = bm6
        nb7 = bm7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7
    out[8 + 0] = se0
    out[8 + 1] = se1
    out[8 + 2] = se2
    out[8 + 3] = se3
    out[8 + 4] = se4
    out[8 + 5] = se5
    out[8 + 6] = se6
    out[8 + 7] = se7
    out[16 + 0] = sb0
    out[16 + 1] = sb1
    out[16 + 2] = sb2
    out[16 + 3] = sb3
    out[16 + 4] = sb4
    out[16 + 5] = sb5
    out[16 + 6] = sb6
    out[16 + 7] = sb7
    out[24 + 0] = sf0
    out[24 + 1] = sf1
    out[24 + 2] = sf2
    out[24 + 3] = sf3
    out[24 + 4] = sf4
    out[24 + 5] = sf5
    out[24 + 6] = sf6
    out[24 + 7] = sf7


@njit(cache=True)
def _bwd_row1(R, p, c, mmax, ER, yc, C, T, PY, out, BM, i):
    """As :func:`_bwd_row2` with one insert pair (slots 0 M, 1 X; T: t(M->M), t(X->M),
    t(Y->M))."""
    t0 = T[0]
    t1 = T[1]
    t3 = T[2]
    ca1_0 = C[8 * 0 + 0]
    ca1_1 = C[8 * 0 + 1]
    ca1_2 = C[8 * 0 + 2]
    ca1_3 = C[8 * 0 + 3]
    ca1_4 = C[8 * 0 + 4]
    ca1_5 = C[8 * 0 + 5]
    ca1_6 = C[8 * 0 + 6]
    ca1_7 = C[8 * 0 + 7]
    cb1_0 = C[8 * 1 + 0]
    cb1_1 = C[8 * 1 + 1]
    cb1_2 = C[8 * 1 + 2]
    cb1_3 = C[8 * 1 + 3]
    cb1_4 = C[8 * 1 + 4]
    cb1_5 = C[8 * 1 + 5]
    cb1_6 = C[8 * 1 + 6]
    cb1_7 = C[8 * 1 + 7]
    nm0 = R[p, mmax, 8 * 0 + 0]
    nm1 = R[p, mmax, 8 * 0 + 1]
    nm2 = R[p, mmax, 8 * 0 + 2]
    nm3 = R[p, mmax, 8 * 0 + 3]
    nm4 = R[p, mmax, 8 * 0 + 4]
    nm5 = R[p, mmax, 8 * 0 + 5]
    nm6 = R[p, mmax, 8 * 0 + 6]
    nm7 = R[p, mmax, 8 * 0 + 7]
    ex1_0 = R[p, mmax, 8 * 1 + 0]
    ex1_1 = R[p, mmax, 8 * 1 + 1]
    ex1_2 = R[p, mmax, 8 * 1 + 2]
    ex1_3 = R[p, mmax, 8 * 1 + 3]
    ex1_4 = R[p, mmax, 8 * 1 + 4]
    ex1_5 = R[p, mmax, 8 * 1 + 5]
    ex1_6 = R[p, mmax, 8 * 1 + 6]
    ex1_7 = R[p, mmax, 8 * 1 + 7]
    bm0 = ca1_0 * ex1_0
    bm1 = ca1_1 * ex1_1
    bm2 = ca1_2 * ex1_2
    bm3 = ca1_3 * ex1_3
    bm4 = ca1_4 * ex1_4
    bm5 = ca1_5 * ex1_5
    bm6 = ca1_6 * ex1_6
    bm7 = ca1_7 * ex1_7
    R[c, mmax, 8 * 0 + 0] = bm0
    R[c, mmax, 8 * 0 + 1] = bm1
    R[c, mmax, 8 * 0 + 2] = bm2
    R[c, mmax, 8 * 0 + 3] = bm3
    R[c, mmax, 8 * 0 + 4] = bm4
    R[c, mmax, 8 * 0 + 5] = bm5
    R[c, mmax, 8 * 0 + 6] = bm6
    R[c, mmax, 8 * 0 + 7] = bm7
    BM[i, mmax, 0] = bm0
    BM[i, mmax, 1] = bm1
    BM[i, mmax, 2] = bm2
    BM[i, mmax, 3] = bm3
    BM[i, mmax, 4] = bm4
    BM[i, mmax, 5] = bm5
    BM[i, mmax, 6] = bm6
    BM[i, mmax, 7] = bm7
    R[c, mmax, 8 * 1 + 0] = cb1_0 * ex1_0
    R[c, mmax, 8 * 1 + 1] = cb1_1 * ex1_1
    R[c, mmax, 8 * 1 + 2] = cb1_2 * ex1_2
    R[c, mmax, 8 * 1 + 3] = cb1_3 * ex1_3
    R[c, mmax, 8 * 1 + 4] = cb1_4 * ex1_4
    R[c, mmax, 8 * 1 + 5] = cb1_5 * ex1_5
    R[c, mmax, 8 * 1 + 6] = cb1_6 * ex1_6
    R[c, mmax, 8 * 1 + 7] = cb1_7 * ex1_7
    s0 = bm0
    s1 = bm1
    s2 = bm2
    s3 = bm3
    s4 = bm4
    s5 = bm5
    s6 = bm6
    s7 = bm7
    se0 = 0.0
    se1 = 0.0
    se2 = 0.0
    se3 = 0.0
    se4 = 0.0
    se5 = 0.0
    se6 = 0.0
    se7 = 0.0
    py1_0 = 0.0
    py1_1 = 0.0
    py1_2 = 0.0
    py1_3 = 0.0
    py1_4 = 0.0
    py1_5 = 0.0
    py1_6 = 0.0
    py1_7 = 0.0
    for j in range(mmax - 1, -1, -1):
        e0 = ER[0, yc[j, 0]]
        e1 = ER[1, yc[j, 1]]
        e2 = ER[2, yc[j, 2]]
        e3 = ER[3, yc[j, 3]]
        e4 = ER[4, yc[j, 4]]
        e5 = ER[5, yc[j, 5]]
        e6 = ER[6, yc[j, 6]]
        e7 = ER[7, yc[j, 7]]
        um0 = R[p, j, 8 * 0 + 0]
        um1 = R[p, j, 8 * 0 + 1]
        um2 = R[p, j, 8 * 0 + 2]
        um3 = R[p, j, 8 * 0 + 3]
        um4 = R[p, j, 8 * 0 + 4]
        um5 = R[p, j, 8 * 0 + 5]
        um6 = R[p, j, 8 * 0 + 6]
        um7 = R[p, j, 8 * 0 + 7]
        ex1_0 = R[p, j, 8 * 1 + 0]
        ex1_1 = R[p, j, 8 * 1 + 1]
        ex1_2 = R[p, j, 8 * 1 + 2]
        ex1_3 = R[p, j, 8 * 1 + 3]
        ex1_4 = R[p, j, 8 * 1 + 4]
        ex1_5 = R[p, j, 8 * 1 + 5]
        ex1_6 = R[p, j, 8 * 1 + 6]
        ex1_7 = R[p, j, 8 * 1 + 7]
        a1_0 = PY[j + 1, 8 * 0 + 0]
        a1_1 = PY[j + 1, 8 * 0 + 1]
        a1_2 = PY[j + 1, 8 * 0 + 2]
        a1_3 = PY[j + 1, 8 * 0 + 3]
        a1_4 = PY[j + 1, 8 * 0 + 4]
        a1_5 = PY[j + 1, 8 * 0 + 5]
        a1_6 = PY[j + 1, 8 * 0 + 6]
        a1_7 = PY[j + 1, 8 * 0 + 7]
        q1_0 = PY[j + 1, 8 * 1 + 0]
        q1_1 = PY[j + 1, 8 * 1 + 1]
        q1_2 = PY[j + 1, 8 * 1 + 2]
        q1_3 = PY[j + 1, 8 * 1 + 3]
        q1_4 = PY[j + 1, 8 * 1 + 4]
        q1_5 = PY[j + 1, 8 * 1 + 5]
        q1_6 = PY[j + 1, 8 * 1 + 6]
        q1_7 = PY[j + 1, 8 * 1 + 7]
        em0 = e0 * nm0
        em1 = e1 * nm1
        em2 = e2 * nm2
        em3 = e3 * nm3
        em4 = e4 * nm4
        em5 = e5 * nm5
        em6 = e6 * nm6
        em7 = e7 * nm7
        h0 = _fma(ca1_0, ex1_0, t0 * em0)
        h1 = _fma(ca1_1, ex1_1, t0 * em1)
        h2 = _fma(ca1_2, ex1_2, t0 * em2)
        h3 = _fma(ca1_3, ex1_3, t0 * em3)
        h4 = _fma(ca1_4, ex1_4, t0 * em4)
        h5 = _fma(ca1_5, ex1_5, t0 * em5)
        h6 = _fma(ca1_6, ex1_6, t0 * em6)
        h7 = _fma(ca1_7, ex1_7, t0 * em7)
        bm0 = _fma(a1_0, py1_0, h0)
        bm1 = _fma(a1_1, py1_1, h1)
        bm2 = _fma(a1_2, py1_2, h2)
        bm3 = _fma(a1_3, py1_3, h3)
        bm4 = _fma(a1_4, py1_4, h4)
        bm5 = _fma(a1_5, py1_5, h5)
        bm6 = _fma(a1_6, py1_6, h6)
        bm7 = _fma(a1_7, py1_7, h7)
        b1_0 = _fma(cb1_0, ex1_0, t1 * em0)
        b1_1 = _fma(cb1_1, ex1_1, t1 * em1)
        b1_2 = _fma(cb1_2, ex1_2, t1 * em2)
        b1_3 = _fma(cb1_3, ex1_3, t1 * em3)
        b1_4 = _fma(cb1_4, ex1_4, t1 * em4)
        b1_5 = _fma(cb1_5, ex1_5, t1 * em5)
        b1_6 = _fma(cb1_6, ex1_6, t1 * em6)
        b1_7 = _fma(cb1_7, ex1_7, t1 * em7)
        py1_0 = _fma(q1_0, py1_0, t3 * em0)
        py1_1 = _fma(q1_1, py1_1, t3 * em1)
        py1_2 = _fma(q1_2, py1_2, t3 * em2)
        py1_3 = _fma(q1_3, py1_3, t3 * em3)
        py1_4 = _fma(q1_4, py1_4, t3 * em4)
        py1_5 = _fma(q1_5, py1_5, t3 * em5)
        py1_6 = _fma(q1_6, py1_6, t3 * em6)
        py1_7 = _fma(q1_7, py1_7, t3 * em7)
        s0 += bm0
        s1 += bm1
        s2 += bm2
        s3 += bm3
        s4 += bm4
        s5 += bm5
        s6 += bm6
        s7 += bm7
        se0 += em0
        se1 += em1
        se2 += em2
        se3 += em3
        se4 += em4
        se5 += em5
        se6 += em6
        se7 += em7
        R[c, j, 8 * 0 + 0] = bm0
        R[c, j, 8 * 0 + 1] = bm1
        R[c, j, 8 * 0 + 2] = bm2
        R[c, j, 8 * 0 + 3] = bm3
        R[c, j, 8 * 0 + 4] = bm4
        R[c, j, 8 * 0 + 5] = bm5
        R[c, j, 8 * 0 + 6] = bm6
        R[c, j, 8 * 0 + 7] = bm7
        BM[i, j, 0] = bm0
        BM[i, j, 1] = bm1
        BM[i, j, 2] = bm2
        BM[i, j, 3] = bm3
        BM[i, j, 4] = bm4
        BM[i, j, 5] = bm5
        BM[i, j, 6] = bm6
        BM[i, j, 7] = bm7
        R[c, j, 8 * 1 + 0] = b1_0
        R[c, j, 8 * 1 + 1] = b1_1
        R[c, j, 8 * 1 + 2] = b1_2
        R[c, j, 8 * 1 + 3] = b1_3
        R[c, j, 8 * 1 + 4] = b1_4
        R[c, j, 8 * 1 + 5] = b1_5
        R[c, j, 8 * 1 + 6] = b1_6
        R[c, j, 8 * 1 + 7] = b1_7
        nm0 = um0
        nm1 = um1
        nm2 = um2
        nm3 = um3
        nm4 = um4
        nm5 = um5
        nm6 = um6
        nm7 = um7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7
    out[8 + 0] = se0
    out[8 + 1] = se1
    out[8 + 2] = se2
    out[8 + 3] = se3
    out[8 + 4] = se4
    out[8 + 5] = se5
    out[8 + 6] = se6
    out[8 + 7] = se7


@njit(cache=True)
def _traceback_group(nl, ml, ok, CD, sc, score, ops, ops_off, groups, g):
    """MEA traceback of every lane with ok[l] from its own (n, m), with the reference's
    rule (codes 0 match, 1 x-gap, 2 y-gap; row 0 -> y-gap, column 0 -> x-gap); writes
    score[p] and the ops of pair p at ops[ops_off[p]:]."""
    for l in range(LANES):
        p = groups[g, l]
        if p < 0 or not ok[l]:
            continue
        n = nl[l]
        m = ml[l]
        score[p] = sc[l] if n > 0 else 0.0
        # written back to front, then reversed
        k = 0
        i = n
        j = m
        base = ops_off[p]
        while i > 0 or j > 0:
            if i == 0:
                o = 2
            elif j == 0:
                o = 1
            else:
                o = CD[i, j, l]
            ops[base + k] = o
            if o == 0:
                i -= 1
                j -= 1
            elif o == 1:
                i -= 1
            else:
                j -= 1
            k += 1
        for a in range(k // 2):
            tmp = ops[base + a]
            ops[base + a] = ops[base + k - 1 - a]
            ops[base + k - 1 - a] = tmp


@njit(cache=True)
def _backward_group(nmax, mmax, nl, ml, xc, yc, om2, fxe, PY, trans, end, R, ER, C, T,
                    rs, fl, BM, CB, lpb, bad):
    """Scaled backward pass of one group: BM[i] = the scaled backward M row i, CB[i, l]
    its log scale, lpb[l] the log P from the begin state (odds space; -inf when 0).
    bad[l] is set where :func:`.kernels_numba.posterior_match` would flag the pair's
    backward pass (zero row, underflow at (0, 0)). Rows are scaled by the sum of their
    M and X cells, the X sums again from the previous row's (as in
    :func:`_forward_group`): row i's X_k sum is t(X_k->M) (sum of the row's em terms) +
    t(X_k->X_k) fx_k(x_{i+1}) (X_k sum of row i+1), over the scale. As in
    :func:`_forward_group`, only odd rows are rescaled, and an odd row i and row i-1 go
    through :func:`_bwd_rows2` in one sweep unless a lane ends at row i."""
    S = trans.shape[0]
    K = (S - 1) // 2
    two = K == 2
    cumb = np.zeros(LANES)
    ob = np.zeros(4 * LANES)
    sx = np.zeros((2, LANES))
    for s in range(S):
        T[s] = trans[s, 0]
    for l in range(LANES):
        fl[l] = 0.0
        rs[l] = 0.0
        bad[l] = False
        lpb[l] = NEG_INF
    for j in range(mmax + 1):
        for s in range(K + 1):
            for l in range(LANES):
                R[(nmax + 1) % 2, j, 8 * s + l] = 0.0
    i = nmax
    while i >= 0:
        pair = i % 2 == 1
        for l in range(LANES):
            if nl[l] == i:
                pair = False
        c = i % 2
        p = 1 - c
        for l in range(LANES):
            inv = 1.0
            if i < nl[l] and i % 2 == 1:
                mx = rs[l]
                if mx > 0.0:
                    cumb[l] += np.log(mx)
                    inv = 1.0 / mx
                else:
                    bad[l] = True
            CB[i, l] = cumb[l]
            _row_coefficients(xc[i, l], inv, om2, fxe, trans, K, ER, C, l)
            if pair:
                CB[i - 1, l] = cumb[l]
                _row_coefficients(xc[i - 1, l], 1.0, om2, fxe, trans, K, ER, C, l, 1)
        if pair:
            if two:
                _bwd_rows2(R, p, p, mmax, ER, yc, C, T, PY, ob, BM, i - 1)
            else:
                _bwd_rows1(R, p, p, mmax, ER, yc, C, T, PY, ob, BM, i - 1)
            for l in range(LANES):
                xa1 = T[1] * ob[8 + l] + C[8 * 1 + l] * sx[0, l]
                xa2 = T[2] * ob[8 + l] + C[8 * 3 + l] * sx[1, l] if two else 0.0
                if i <= nl[l] and (ob[l] + xa1) + xa2 == 0.0:
                    bad[l] = True
                sx[0, l] = T[1] * ob[24 + l] + C[32 + 8 * 1 + l] * xa1
                sx[1, l] = T[2] * ob[24 + l] + C[32 + 8 * 3 + l] * xa2 if two else 0.0
                rs[l] = (ob[16 + l] + sx[0, l]) + sx[1, l]
            i -= 1
            c = p
        else:
            if two:
                _bwd_row2(R, p, c, mmax, ER, yc, C, T, PY, ob, BM, i)
            else:
                _bwd_row1(R, p, c, mmax, ER, yc, C, T, PY, ob, BM, i)
            for l in range(LANES):
                sx[0, l] = T[1] * ob[8 + l] + C[8 * 1 + l] * sx[0, l]
                sx[1, l] = T[2] * ob[8 + l] + C[8 * 3 + l] * sx[1, l] if two else 0.0
                rs[l] = (ob[l] + sx[0, l]) + sx[1, l]
        # the end state of lanes whose x ends at this row (the row kernel left their
        # row at 0: x_{i+1} is the sentinel)
        for l in range(LANES):
            if nl[l] != i:
                continue
            m = ml[l]
            tot = end[0]
            R[c, m, 8 * 0 + l] = end[0]
            BM[i, m, l] = end[0]
            for k in range(K):
                R[c, m, 8 * (1 + k) + l] = end[1 + k]
                sx[k, l] = end[1 + k]
            vy1 = end[1 + K]
            vy2 = end[2 * K]
            for j in range(m - 1, -1, -1):
                ey1 = vy1
                vy1 = PY[j + 1, 8 * 1 + l] * ey1
                bm = PY[j + 1, 8 * 0 + l] * ey1
                if two:
                    ey2 = vy2
                    vy2 = PY[j + 1, 8 * 3 + l] * ey2
                    bm += PY[j + 1, 8 * 2 + l] * ey2
                R[c, j, 8 * 0 + l] = bm
                BM[i, j, l] = bm
                tot += bm
            rs[l] = (tot + sx[0, l]) + sx[1, l]
        if i % _FLUSH_EVERY == 0:
            _flush_row(R, c, K + 1, mmax, fl)
        for l in range(LANES):
            if i <= nl[l] and rs[l] == 0.0:
                bad[l] = True
        i -= 1
    for l in range(LANES):
        b00 = R[0, 0, 8 * 0 + l]
        if fl[l] > 0.0 and b00 < _SMALL_TOTAL * rs[l]:
            bad[l] = True
        if b00 > 0.0:
            lpb[l] = np.log(b00) + cumb[l]


@njit(cache=True, parallel=True)
def _mea_groups(xcat, xoff, ycat, yoff, groups, chunk_groups, chunk_off,
                trans, end, om2, fxe, fye, lrx, lry):
    P = xoff.shape[0] - 1
    S = trans.shape[0]
    K = (S - 1) // 2
    sent = om2.shape[0] - 1
    ops_off = np.zeros(P + 1, dtype=np.int64)
    for p in range(P):
        ops_off[p + 1] = ops_off[p] + (xoff[p + 1] - xoff[p]) + (yoff[p + 1] - yoff[p])
    ops = np.full(ops_off[P], -1, dtype=np.int8)
    out = np.empty(P)
    score = np.zeros(P)
    flags = np.zeros(P, dtype=np.bool_)
    for ch in prange(chunk_off.shape[0] - 1):
        nm = 0
        mm = 0
        for t in range(chunk_off[ch], chunk_off[ch + 1]):
            a, b = _workspace_dims(groups, chunk_groups[t], chunk_groups[t] + 1, xoff, yoff)
            nm = max(nm, a)
            mm = max(mm, b)
        xc = np.empty((nm + 1, LANES), dtype=np.uint8)
        yc = np.empty((mm + 1, LANES), dtype=np.uint8)
        nl = np.zeros(LANES, dtype=np.int64)
        ml = np.zeros(LANES, dtype=np.int64)
        PY = np.zeros((mm + 2, 2 * K * LANES))
        R = np.zeros((2, mm + 1, (K + 2) * LANES))
        ER = np.zeros((2 * LANES, om2.shape[0]))
        C = np.zeros(8 * LANES)
        T = np.zeros(S)
        rs = np.zeros(LANES)
        fl = np.zeros(LANES)
        BM = np.zeros((nm + 1, mm + 1, LANES))
        CB = np.zeros((nm + 1, LANES))
        CD = np.zeros((nm + 1, mm + 1, LANES), dtype=np.int8)
        AR = np.zeros((2, mm + 1, LANES))
        lpo = np.zeros(LANES)
        lpb = np.zeros(LANES)
        sc = np.zeros(LANES)
        fg = np.zeros(LANES, dtype=np.bool_)
        bad = np.zeros(LANES, dtype=np.bool_)
        ok = np.zeros(LANES, dtype=np.bool_)
        for t in range(chunk_off[ch], chunk_off[ch + 1]):
            g = chunk_groups[t]
            nmax, mmax = _pack(xcat, xoff, ycat, yoff, groups[g], sent, xc, yc, nl, ml)
            _y_prof(yc, mmax, trans, fye, PY)
            _backward_group(nmax, mmax, nl, ml, xc, yc, om2, fxe, PY, trans, end, R, ER, C,
                            T, rs, fl, BM, CB, lpb, bad)
            _forward_group(nmax, mmax, nl, ml, xc, yc, om2, fxe, PY, trans, end, R, ER, C, T,
                           rs, fl, lpo, fg, True, BM, CB, lpb, bad, AR, CD, sc)
            for l in range(LANES):
                p = groups[g, l]
                ok[l] = False
                if p < 0:
                    continue
                if lpo[l] == NEG_INF:
                    out[p] = NEG_INF
                    flags[p] = fg[l]
                    continue
                out[p] = lpo[l] + _norm_offset(xcat, xoff, ycat, yoff, p, lrx, lry)
                flags[p] = fg[l] or bad[l] or lpb[l] == NEG_INF
                ok[l] = not flags[p]
            _traceback_group(nl, ml, ok, CD, sc, score, ops, ops_off, groups, g)
    return out, flags, score, ops, ops_off


# ----------------------------------------------------------------------- entry points
def score_groups(xcat, xoff, ycat, yoff, groups, chunk_groups, chunk_off,
                 trans, end, om, fx, fy, lrx, lry):
    """log P(x, y) of every pair (concatenated codes and offsets as in
    :func:`.kernels_numba.batch_score`), eight pairs per lane group: ``groups`` (G,
    LANES) from :func:`make_groups`, split into prange chunks by ``chunk_groups`` /
    ``chunk_off`` (group indices of chunk c at chunk_groups[chunk_off[c]:chunk_off[c+1]]).
    Returns (log_probs (P,), flags (P,) bool)."""
    om2, fxe, fye = lane_tables(om, fx, fy)
    with _slp_vectorize():
        return _score_groups(xcat, xoff, ycat, yoff, groups, chunk_groups, chunk_off,
                             trans, end, om2, fxe, fye, lrx, lry)


def mea_groups(xcat, xoff, ycat, yoff, groups, chunk_groups, chunk_off,
               trans, end, om, fx, fy, lrx, lry):
    """Forward, backward, match posteriors and MEA of every pair, lane groups as in
    :func:`score_groups`. Returns what :func:`.kernels_numba.batch_mea` returns:
    (log_probs, flags, mea_scores, ops_cat int8, ops_off)."""
    om2, fxe, fye = lane_tables(om, fx, fy)
    with _slp_vectorize():
        return _mea_groups(xcat, xoff, ycat, yoff, groups, chunk_groups, chunk_off,
                           trans, end, om2, fxe, fye, lrx, lry)
