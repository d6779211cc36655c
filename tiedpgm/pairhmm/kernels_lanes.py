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
lane's rows scaled by a row sum (forward: of the M and X cells, which bound the Y cells
fed by them), cells below 1e-280 of the row scale flushed to zero, the same underflow
flag); see that module for the state layout (0 = M, 1..K = X_k, K+1..2K = Y_k) and the
Durbin structure the kernels exploit. Results equal the reference to rounding; they are
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
by < 1e-280 relative.

Vectorisation. In the row kernels the lanes are written out, one line per lane (loads,
then stores; generated from tools/kernels_lanes.py.in, edit that), and compiled
with LLVM's SLP vectoriser on: numba cannot tell LLVM that arrays do not alias, so a
loop over lanes would stay scalar. Row tables are (row, j, 8 * state + lane), so all
offsets within a column are constants (a 4-d [row, j, state, lane] layout costs one
runtime stride per state, and the address registers spill). Call the kernels only
through :func:`score_groups` and :func:`mea_groups`, which compile inside
:func:`_slp_vectorize` (the on-disk cache keeps whatever was compiled first). No
``fastmath``: contracting to fused multiply-adds differs between vector and scalar
code, and lane results must not depend on the lane. The fused forward/MEA kernels
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
from numba import njit, prange

from ..kernels.numba_cpu import _slp_vectorize

LANES = 8
_TINY = 1e-280
_SMALL_TOTAL = 1e-200
_FLUSH_EVERY = 8
NEG_INF = -np.inf


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
def _fwd_row2(R, p, c, mmax, om2, xr, yc, C, PY, out):
    """Forward row into R[c] from R[p] (two insert pairs: states s = M, X1, X2, Y1, Y2
    of lane l at R[., j, 8 * s + l]).
    C (9 * LANES,): per-lane coefficients C[8 * k + l] (transitions times the lane's
    scale, X emission of the row); xr (LANES,) the row's x codes. out[l] receives the
    sum of the row's M and X cells (the lane's next scale; Y cells are fed by the M
    cells of the same row and stay within a bounded factor of them)."""
    xo0 = xr[0]
    xo1 = xr[1]
    xo2 = xr[2]
    xo3 = xr[3]
    xo4 = xr[4]
    xo5 = xr[5]
    xo6 = xr[6]
    xo7 = xr[7]
    # column 0: X only
    dm0 = R[p, 0, 8 * 0 + 0]
    dm1 = R[p, 0, 8 * 0 + 1]
    dm2 = R[p, 0, 8 * 0 + 2]
    dm3 = R[p, 0, 8 * 0 + 3]
    dm4 = R[p, 0, 8 * 0 + 4]
    dm5 = R[p, 0, 8 * 0 + 5]
    dm6 = R[p, 0, 8 * 0 + 6]
    dm7 = R[p, 0, 8 * 0 + 7]
    dx1_0 = R[p, 0, 8 * 1 + 0]
    dx1_1 = R[p, 0, 8 * 1 + 1]
    dx1_2 = R[p, 0, 8 * 1 + 2]
    dx1_3 = R[p, 0, 8 * 1 + 3]
    dx1_4 = R[p, 0, 8 * 1 + 4]
    dx1_5 = R[p, 0, 8 * 1 + 5]
    dx1_6 = R[p, 0, 8 * 1 + 6]
    dx1_7 = R[p, 0, 8 * 1 + 7]
    dx2_0 = R[p, 0, 8 * 2 + 0]
    dx2_1 = R[p, 0, 8 * 2 + 1]
    dx2_2 = R[p, 0, 8 * 2 + 2]
    dx2_3 = R[p, 0, 8 * 2 + 3]
    dx2_4 = R[p, 0, 8 * 2 + 4]
    dx2_5 = R[p, 0, 8 * 2 + 5]
    dx2_6 = R[p, 0, 8 * 2 + 6]
    dx2_7 = R[p, 0, 8 * 2 + 7]
    dy1_0 = R[p, 0, 8 * 3 + 0]
    dy1_1 = R[p, 0, 8 * 3 + 1]
    dy1_2 = R[p, 0, 8 * 3 + 2]
    dy1_3 = R[p, 0, 8 * 3 + 3]
    dy1_4 = R[p, 0, 8 * 3 + 4]
    dy1_5 = R[p, 0, 8 * 3 + 5]
    dy1_6 = R[p, 0, 8 * 3 + 6]
    dy1_7 = R[p, 0, 8 * 3 + 7]
    dy2_0 = R[p, 0, 8 * 4 + 0]
    dy2_1 = R[p, 0, 8 * 4 + 1]
    dy2_2 = R[p, 0, 8 * 4 + 2]
    dy2_3 = R[p, 0, 8 * 4 + 3]
    dy2_4 = R[p, 0, 8 * 4 + 4]
    dy2_5 = R[p, 0, 8 * 4 + 5]
    dy2_6 = R[p, 0, 8 * 4 + 6]
    dy2_7 = R[p, 0, 8 * 4 + 7]
    vx1_0 = C[8 * 5 + 0] * dm0 + C[8 * 6 + 0] * dx1_0
    vx1_1 = C[8 * 5 + 1] * dm1 + C[8 * 6 + 1] * dx1_1
    vx1_2 = C[8 * 5 + 2] * dm2 + C[8 * 6 + 2] * dx1_2
    vx1_3 = C[8 * 5 + 3] * dm3 + C[8 * 6 + 3] * dx1_3
    vx1_4 = C[8 * 5 + 4] * dm4 + C[8 * 6 + 4] * dx1_4
    vx1_5 = C[8 * 5 + 5] * dm5 + C[8 * 6 + 5] * dx1_5
    vx1_6 = C[8 * 5 + 6] * dm6 + C[8 * 6 + 6] * dx1_6
    vx1_7 = C[8 * 5 + 7] * dm7 + C[8 * 6 + 7] * dx1_7
    vx2_0 = C[8 * 7 + 0] * dm0 + C[8 * 8 + 0] * dx2_0
    vx2_1 = C[8 * 7 + 1] * dm1 + C[8 * 8 + 1] * dx2_1
    vx2_2 = C[8 * 7 + 2] * dm2 + C[8 * 8 + 2] * dx2_2
    vx2_3 = C[8 * 7 + 3] * dm3 + C[8 * 8 + 3] * dx2_3
    vx2_4 = C[8 * 7 + 4] * dm4 + C[8 * 8 + 4] * dx2_4
    vx2_5 = C[8 * 7 + 5] * dm5 + C[8 * 8 + 5] * dx2_5
    vx2_6 = C[8 * 7 + 6] * dm6 + C[8 * 8 + 6] * dx2_6
    vx2_7 = C[8 * 7 + 7] * dm7 + C[8 * 8 + 7] * dx2_7
    s0 = vx1_0 + vx2_0
    s1 = vx1_1 + vx2_1
    s2 = vx1_2 + vx2_2
    s3 = vx1_3 + vx2_3
    s4 = vx1_4 + vx2_4
    s5 = vx1_5 + vx2_5
    s6 = vx1_6 + vx2_6
    s7 = vx1_7 + vx2_7
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
    R[c, 0, 8 * 3 + 0] = 0.0
    R[c, 0, 8 * 3 + 1] = 0.0
    R[c, 0, 8 * 3 + 2] = 0.0
    R[c, 0, 8 * 3 + 3] = 0.0
    R[c, 0, 8 * 3 + 4] = 0.0
    R[c, 0, 8 * 3 + 5] = 0.0
    R[c, 0, 8 * 3 + 6] = 0.0
    R[c, 0, 8 * 3 + 7] = 0.0
    R[c, 0, 8 * 4 + 0] = 0.0
    R[c, 0, 8 * 4 + 1] = 0.0
    R[c, 0, 8 * 4 + 2] = 0.0
    R[c, 0, 8 * 4 + 3] = 0.0
    R[c, 0, 8 * 4 + 4] = 0.0
    R[c, 0, 8 * 4 + 5] = 0.0
    R[c, 0, 8 * 4 + 6] = 0.0
    R[c, 0, 8 * 4 + 7] = 0.0
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
        e0 = om2[xo0, yc[j - 1, 0]]
        e1 = om2[xo1, yc[j - 1, 1]]
        e2 = om2[xo2, yc[j - 1, 2]]
        e3 = om2[xo3, yc[j - 1, 3]]
        e4 = om2[xo4, yc[j - 1, 4]]
        e5 = om2[xo5, yc[j - 1, 5]]
        e6 = om2[xo6, yc[j - 1, 6]]
        e7 = om2[xo7, yc[j - 1, 7]]
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
        uy1_0 = R[p, j, 8 * 3 + 0]
        uy1_1 = R[p, j, 8 * 3 + 1]
        uy1_2 = R[p, j, 8 * 3 + 2]
        uy1_3 = R[p, j, 8 * 3 + 3]
        uy1_4 = R[p, j, 8 * 3 + 4]
        uy1_5 = R[p, j, 8 * 3 + 5]
        uy1_6 = R[p, j, 8 * 3 + 6]
        uy1_7 = R[p, j, 8 * 3 + 7]
        uy2_0 = R[p, j, 8 * 4 + 0]
        uy2_1 = R[p, j, 8 * 4 + 1]
        uy2_2 = R[p, j, 8 * 4 + 2]
        uy2_3 = R[p, j, 8 * 4 + 3]
        uy2_4 = R[p, j, 8 * 4 + 4]
        uy2_5 = R[p, j, 8 * 4 + 5]
        uy2_6 = R[p, j, 8 * 4 + 6]
        uy2_7 = R[p, j, 8 * 4 + 7]
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
        h0 = C[8 * 0 + 0] * dm0 + C[8 * 1 + 0] * dx1_0
        h1 = C[8 * 0 + 1] * dm1 + C[8 * 1 + 1] * dx1_1
        h2 = C[8 * 0 + 2] * dm2 + C[8 * 1 + 2] * dx1_2
        h3 = C[8 * 0 + 3] * dm3 + C[8 * 1 + 3] * dx1_3
        h4 = C[8 * 0 + 4] * dm4 + C[8 * 1 + 4] * dx1_4
        h5 = C[8 * 0 + 5] * dm5 + C[8 * 1 + 5] * dx1_5
        h6 = C[8 * 0 + 6] * dm6 + C[8 * 1 + 6] * dx1_6
        h7 = C[8 * 0 + 7] * dm7 + C[8 * 1 + 7] * dx1_7
        h2_0 = C[8 * 2 + 0] * dx2_0 + C[8 * 3 + 0] * dy1_0
        h2_1 = C[8 * 2 + 1] * dx2_1 + C[8 * 3 + 1] * dy1_1
        h2_2 = C[8 * 2 + 2] * dx2_2 + C[8 * 3 + 2] * dy1_2
        h2_3 = C[8 * 2 + 3] * dx2_3 + C[8 * 3 + 3] * dy1_3
        h2_4 = C[8 * 2 + 4] * dx2_4 + C[8 * 3 + 4] * dy1_4
        h2_5 = C[8 * 2 + 5] * dx2_5 + C[8 * 3 + 5] * dy1_5
        h2_6 = C[8 * 2 + 6] * dx2_6 + C[8 * 3 + 6] * dy1_6
        h2_7 = C[8 * 2 + 7] * dx2_7 + C[8 * 3 + 7] * dy1_7
        vm0 = e0 * ((h0 + h2_0) + C[8 * 4 + 0] * dy2_0)
        vm1 = e1 * ((h1 + h2_1) + C[8 * 4 + 1] * dy2_1)
        vm2 = e2 * ((h2 + h2_2) + C[8 * 4 + 2] * dy2_2)
        vm3 = e3 * ((h3 + h2_3) + C[8 * 4 + 3] * dy2_3)
        vm4 = e4 * ((h4 + h2_4) + C[8 * 4 + 4] * dy2_4)
        vm5 = e5 * ((h5 + h2_5) + C[8 * 4 + 5] * dy2_5)
        vm6 = e6 * ((h6 + h2_6) + C[8 * 4 + 6] * dy2_6)
        vm7 = e7 * ((h7 + h2_7) + C[8 * 4 + 7] * dy2_7)
        vx1_0 = C[8 * 5 + 0] * um0 + C[8 * 6 + 0] * ux1_0
        vx1_1 = C[8 * 5 + 1] * um1 + C[8 * 6 + 1] * ux1_1
        vx1_2 = C[8 * 5 + 2] * um2 + C[8 * 6 + 2] * ux1_2
        vx1_3 = C[8 * 5 + 3] * um3 + C[8 * 6 + 3] * ux1_3
        vx1_4 = C[8 * 5 + 4] * um4 + C[8 * 6 + 4] * ux1_4
        vx1_5 = C[8 * 5 + 5] * um5 + C[8 * 6 + 5] * ux1_5
        vx1_6 = C[8 * 5 + 6] * um6 + C[8 * 6 + 6] * ux1_6
        vx1_7 = C[8 * 5 + 7] * um7 + C[8 * 6 + 7] * ux1_7
        vx2_0 = C[8 * 7 + 0] * um0 + C[8 * 8 + 0] * ux2_0
        vx2_1 = C[8 * 7 + 1] * um1 + C[8 * 8 + 1] * ux2_1
        vx2_2 = C[8 * 7 + 2] * um2 + C[8 * 8 + 2] * ux2_2
        vx2_3 = C[8 * 7 + 3] * um3 + C[8 * 8 + 3] * ux2_3
        vx2_4 = C[8 * 7 + 4] * um4 + C[8 * 8 + 4] * ux2_4
        vx2_5 = C[8 * 7 + 5] * um5 + C[8 * 8 + 5] * ux2_5
        vx2_6 = C[8 * 7 + 6] * um6 + C[8 * 8 + 6] * ux2_6
        vx2_7 = C[8 * 7 + 7] * um7 + C[8 * 8 + 7] * ux2_7
        vy1_0 = a1_0 * cm0 + b1_0 * cy1_0
        vy1_1 = a1_1 * cm1 + b1_1 * cy1_1
        vy1_2 = a1_2 * cm2 + b1_2 * cy1_2
        vy1_3 = a1_3 * cm3 + b1_3 * cy1_3
        vy1_4 = a1_4 * cm4 + b1_4 * cy1_4
        vy1_5 = a1_5 * cm5 + b1_5 * cy1_5
        vy1_6 = a1_6 * cm6 + b1_6 * cy1_6
        vy1_7 = a1_7 * cm7 + b1_7 * cy1_7
        vy2_0 = a2_0 * cm0 + b2_0 * cy2_0
        vy2_1 = a2_1 * cm1 + b2_1 * cy2_1
        vy2_2 = a2_2 * cm2 + b2_2 * cy2_2
        vy2_3 = a2_3 * cm3 + b2_3 * cy2_3
        vy2_4 = a2_4 * cm4 + b2_4 * cy2_4
        vy2_5 = a2_5 * cm5 + b2_5 * cy2_5
        vy2_6 = a2_6 * cm6 + b2_6 * cy2_6
        vy2_7 = a2_7 * cm7 + b2_7 * cy2_7
        s0 += (vm0 + vx1_0) + vx2_0
        s1 += (vm1 + vx1_1) + vx2_1
        s2 += (vm2 + vx1_2) + vx2_2
        s3 += (vm3 + vx1_3) + vx2_3
        s4 += (vm4 + vx1_4) + vx2_4
        s5 += (vm5 + vx1_5) + vx2_5
        s6 += (vm6 + vx1_6) + vx2_6
        s7 += (vm7 + vx1_7) + vx2_7
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
        R[c, j, 8 * 3 + 0] = vy1_0
        R[c, j, 8 * 3 + 1] = vy1_1
        R[c, j, 8 * 3 + 2] = vy1_2
        R[c, j, 8 * 3 + 3] = vy1_3
        R[c, j, 8 * 3 + 4] = vy1_4
        R[c, j, 8 * 3 + 5] = vy1_5
        R[c, j, 8 * 3 + 6] = vy1_6
        R[c, j, 8 * 3 + 7] = vy1_7
        R[c, j, 8 * 4 + 0] = vy2_0
        R[c, j, 8 * 4 + 1] = vy2_1
        R[c, j, 8 * 4 + 2] = vy2_2
        R[c, j, 8 * 4 + 3] = vy2_3
        R[c, j, 8 * 4 + 4] = vy2_4
        R[c, j, 8 * 4 + 5] = vy2_5
        R[c, j, 8 * 4 + 6] = vy2_6
        R[c, j, 8 * 4 + 7] = vy2_7
        # the previous row's column j is column j - 1 of the next step: carried, not
        # loaded again
        dm0 = um0
        dm1 = um1
        dm2 = um2
        dm3 = um3
        dm4 = um4
        dm5 = um5
        dm6 = um6
        dm7 = um7
        dx1_0 = ux1_0
        dx1_1 = ux1_1
        dx1_2 = ux1_2
        dx1_3 = ux1_3
        dx1_4 = ux1_4
        dx1_5 = ux1_5
        dx1_6 = ux1_6
        dx1_7 = ux1_7
        dx2_0 = ux2_0
        dx2_1 = ux2_1
        dx2_2 = ux2_2
        dx2_3 = ux2_3
        dx2_4 = ux2_4
        dx2_5 = ux2_5
        dx2_6 = ux2_6
        dx2_7 = ux2_7
        dy1_0 = uy1_0
        dy1_1 = uy1_1
        dy1_2 = uy1_2
        dy1_3 = uy1_3
        dy1_4 = uy1_4
        dy1_5 = uy1_5
        dy1_6 = uy1_6
        dy1_7 = uy1_7
        dy2_0 = uy2_0
        dy2_1 = uy2_1
        dy2_2 = uy2_2
        dy2_3 = uy2_3
        dy2_4 = uy2_4
        dy2_5 = uy2_5
        dy2_6 = uy2_6
        dy2_7 = uy2_7
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
def _fwd_mea_row2(R, p, c, mmax, om2, xr, yc, C, PY, out, BMi, g, ARc, ARp, CDi):
    """As :func:`_fwd_row2`, and with it row i of the match posteriors
    (M times the backward M row BMi times g[l]) and of the MEA DP: ARc[j] from the
    previous MEA row ARp, and the traceback codes CDi[j] (0 if the max is the match
    term, else 1 if it is the x-gap term, else 2; computed as a product of two selects,
    which vectorises: nested selects do not)."""
    xo0 = xr[0]
    xo1 = xr[1]
    xo2 = xr[2]
    xo3 = xr[3]
    xo4 = xr[4]
    xo5 = xr[5]
    xo6 = xr[6]
    xo7 = xr[7]
    # column 0: X only
    dm0 = R[p, 0, 8 * 0 + 0]
    dm1 = R[p, 0, 8 * 0 + 1]
    dm2 = R[p, 0, 8 * 0 + 2]
    dm3 = R[p, 0, 8 * 0 + 3]
    dm4 = R[p, 0, 8 * 0 + 4]
    dm5 = R[p, 0, 8 * 0 + 5]
    dm6 = R[p, 0, 8 * 0 + 6]
    dm7 = R[p, 0, 8 * 0 + 7]
    dx1_0 = R[p, 0, 8 * 1 + 0]
    dx1_1 = R[p, 0, 8 * 1 + 1]
    dx1_2 = R[p, 0, 8 * 1 + 2]
    dx1_3 = R[p, 0, 8 * 1 + 3]
    dx1_4 = R[p, 0, 8 * 1 + 4]
    dx1_5 = R[p, 0, 8 * 1 + 5]
    dx1_6 = R[p, 0, 8 * 1 + 6]
    dx1_7 = R[p, 0, 8 * 1 + 7]
    dx2_0 = R[p, 0, 8 * 2 + 0]
    dx2_1 = R[p, 0, 8 * 2 + 1]
    dx2_2 = R[p, 0, 8 * 2 + 2]
    dx2_3 = R[p, 0, 8 * 2 + 3]
    dx2_4 = R[p, 0, 8 * 2 + 4]
    dx2_5 = R[p, 0, 8 * 2 + 5]
    dx2_6 = R[p, 0, 8 * 2 + 6]
    dx2_7 = R[p, 0, 8 * 2 + 7]
    dy1_0 = R[p, 0, 8 * 3 + 0]
    dy1_1 = R[p, 0, 8 * 3 + 1]
    dy1_2 = R[p, 0, 8 * 3 + 2]
    dy1_3 = R[p, 0, 8 * 3 + 3]
    dy1_4 = R[p, 0, 8 * 3 + 4]
    dy1_5 = R[p, 0, 8 * 3 + 5]
    dy1_6 = R[p, 0, 8 * 3 + 6]
    dy1_7 = R[p, 0, 8 * 3 + 7]
    dy2_0 = R[p, 0, 8 * 4 + 0]
    dy2_1 = R[p, 0, 8 * 4 + 1]
    dy2_2 = R[p, 0, 8 * 4 + 2]
    dy2_3 = R[p, 0, 8 * 4 + 3]
    dy2_4 = R[p, 0, 8 * 4 + 4]
    dy2_5 = R[p, 0, 8 * 4 + 5]
    dy2_6 = R[p, 0, 8 * 4 + 6]
    dy2_7 = R[p, 0, 8 * 4 + 7]
    vx1_0 = C[8 * 5 + 0] * dm0 + C[8 * 6 + 0] * dx1_0
    vx1_1 = C[8 * 5 + 1] * dm1 + C[8 * 6 + 1] * dx1_1
    vx1_2 = C[8 * 5 + 2] * dm2 + C[8 * 6 + 2] * dx1_2
    vx1_3 = C[8 * 5 + 3] * dm3 + C[8 * 6 + 3] * dx1_3
    vx1_4 = C[8 * 5 + 4] * dm4 + C[8 * 6 + 4] * dx1_4
    vx1_5 = C[8 * 5 + 5] * dm5 + C[8 * 6 + 5] * dx1_5
    vx1_6 = C[8 * 5 + 6] * dm6 + C[8 * 6 + 6] * dx1_6
    vx1_7 = C[8 * 5 + 7] * dm7 + C[8 * 6 + 7] * dx1_7
    vx2_0 = C[8 * 7 + 0] * dm0 + C[8 * 8 + 0] * dx2_0
    vx2_1 = C[8 * 7 + 1] * dm1 + C[8 * 8 + 1] * dx2_1
    vx2_2 = C[8 * 7 + 2] * dm2 + C[8 * 8 + 2] * dx2_2
    vx2_3 = C[8 * 7 + 3] * dm3 + C[8 * 8 + 3] * dx2_3
    vx2_4 = C[8 * 7 + 4] * dm4 + C[8 * 8 + 4] * dx2_4
    vx2_5 = C[8 * 7 + 5] * dm5 + C[8 * 8 + 5] * dx2_5
    vx2_6 = C[8 * 7 + 6] * dm6 + C[8 * 8 + 6] * dx2_6
    vx2_7 = C[8 * 7 + 7] * dm7 + C[8 * 8 + 7] * dx2_7
    s0 = vx1_0 + vx2_0
    s1 = vx1_1 + vx2_1
    s2 = vx1_2 + vx2_2
    s3 = vx1_3 + vx2_3
    s4 = vx1_4 + vx2_4
    s5 = vx1_5 + vx2_5
    s6 = vx1_6 + vx2_6
    s7 = vx1_7 + vx2_7
    R[c, 0, 8 * 0 + 0] = 0.0
    R[c, 0, 8 * 0 + 1] = 0.0
    R[c, 0, 8 * 0 + 2] = 0.0
    R[c, 0, 8 * 0 + 3] = 0.0
    R[c, 0, 8 * 0 + 4] = 0.0
    R[c, 0, 8 * 0 + 5] = 0.0
    R[c, 0, 8 * 0 + 6] = 0.0
    R[c, 0, 8 * 0 + 7] = 0.0
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
    R[c, 0, 8 * 3 + 0] = 0.0
    R[c, 0, 8 * 3 + 1] = 0.0
    R[c, 0, 8 * 3 + 2] = 0.0
    R[c, 0, 8 * 3 + 3] = 0.0
    R[c, 0, 8 * 3 + 4] = 0.0
    R[c, 0, 8 * 3 + 5] = 0.0
    R[c, 0, 8 * 3 + 6] = 0.0
    R[c, 0, 8 * 3 + 7] = 0.0
    R[c, 0, 8 * 4 + 0] = 0.0
    R[c, 0, 8 * 4 + 1] = 0.0
    R[c, 0, 8 * 4 + 2] = 0.0
    R[c, 0, 8 * 4 + 3] = 0.0
    R[c, 0, 8 * 4 + 4] = 0.0
    R[c, 0, 8 * 4 + 5] = 0.0
    R[c, 0, 8 * 4 + 6] = 0.0
    R[c, 0, 8 * 4 + 7] = 0.0
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
        e0 = om2[xo0, yc[j - one, 0]]
        e1 = om2[xo1, yc[j - one, 1]]
        e2 = om2[xo2, yc[j - one, 2]]
        e3 = om2[xo3, yc[j - one, 3]]
        e4 = om2[xo4, yc[j - one, 4]]
        e5 = om2[xo5, yc[j - one, 5]]
        e6 = om2[xo6, yc[j - one, 6]]
        e7 = om2[xo7, yc[j - one, 7]]
        dm0 = R[p, j - one, 8 * 0 + 0]
        dm1 = R[p, j - one, 8 * 0 + 1]
        dm2 = R[p, j - one, 8 * 0 + 2]
        dm3 = R[p, j - one, 8 * 0 + 3]
        dm4 = R[p, j - one, 8 * 0 + 4]
        dm5 = R[p, j - one, 8 * 0 + 5]
        dm6 = R[p, j - one, 8 * 0 + 6]
        dm7 = R[p, j - one, 8 * 0 + 7]
        dx1_0 = R[p, j - one, 8 * 1 + 0]
        dx1_1 = R[p, j - one, 8 * 1 + 1]
        dx1_2 = R[p, j - one, 8 * 1 + 2]
        dx1_3 = R[p, j - one, 8 * 1 + 3]
        dx1_4 = R[p, j - one, 8 * 1 + 4]
        dx1_5 = R[p, j - one, 8 * 1 + 5]
        dx1_6 = R[p, j - one, 8 * 1 + 6]
        dx1_7 = R[p, j - one, 8 * 1 + 7]
        dx2_0 = R[p, j - one, 8 * 2 + 0]
        dx2_1 = R[p, j - one, 8 * 2 + 1]
        dx2_2 = R[p, j - one, 8 * 2 + 2]
        dx2_3 = R[p, j - one, 8 * 2 + 3]
        dx2_4 = R[p, j - one, 8 * 2 + 4]
        dx2_5 = R[p, j - one, 8 * 2 + 5]
        dx2_6 = R[p, j - one, 8 * 2 + 6]
        dx2_7 = R[p, j - one, 8 * 2 + 7]
        dy1_0 = R[p, j - one, 8 * 3 + 0]
        dy1_1 = R[p, j - one, 8 * 3 + 1]
        dy1_2 = R[p, j - one, 8 * 3 + 2]
        dy1_3 = R[p, j - one, 8 * 3 + 3]
        dy1_4 = R[p, j - one, 8 * 3 + 4]
        dy1_5 = R[p, j - one, 8 * 3 + 5]
        dy1_6 = R[p, j - one, 8 * 3 + 6]
        dy1_7 = R[p, j - one, 8 * 3 + 7]
        dy2_0 = R[p, j - one, 8 * 4 + 0]
        dy2_1 = R[p, j - one, 8 * 4 + 1]
        dy2_2 = R[p, j - one, 8 * 4 + 2]
        dy2_3 = R[p, j - one, 8 * 4 + 3]
        dy2_4 = R[p, j - one, 8 * 4 + 4]
        dy2_5 = R[p, j - one, 8 * 4 + 5]
        dy2_6 = R[p, j - one, 8 * 4 + 6]
        dy2_7 = R[p, j - one, 8 * 4 + 7]
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
        h0 = C[8 * 0 + 0] * dm0 + C[8 * 1 + 0] * dx1_0
        h1 = C[8 * 0 + 1] * dm1 + C[8 * 1 + 1] * dx1_1
        h2 = C[8 * 0 + 2] * dm2 + C[8 * 1 + 2] * dx1_2
        h3 = C[8 * 0 + 3] * dm3 + C[8 * 1 + 3] * dx1_3
        h4 = C[8 * 0 + 4] * dm4 + C[8 * 1 + 4] * dx1_4
        h5 = C[8 * 0 + 5] * dm5 + C[8 * 1 + 5] * dx1_5
        h6 = C[8 * 0 + 6] * dm6 + C[8 * 1 + 6] * dx1_6
        h7 = C[8 * 0 + 7] * dm7 + C[8 * 1 + 7] * dx1_7
        h2_0 = C[8 * 2 + 0] * dx2_0 + C[8 * 3 + 0] * dy1_0
        h2_1 = C[8 * 2 + 1] * dx2_1 + C[8 * 3 + 1] * dy1_1
        h2_2 = C[8 * 2 + 2] * dx2_2 + C[8 * 3 + 2] * dy1_2
        h2_3 = C[8 * 2 + 3] * dx2_3 + C[8 * 3 + 3] * dy1_3
        h2_4 = C[8 * 2 + 4] * dx2_4 + C[8 * 3 + 4] * dy1_4
        h2_5 = C[8 * 2 + 5] * dx2_5 + C[8 * 3 + 5] * dy1_5
        h2_6 = C[8 * 2 + 6] * dx2_6 + C[8 * 3 + 6] * dy1_6
        h2_7 = C[8 * 2 + 7] * dx2_7 + C[8 * 3 + 7] * dy1_7
        vm0 = e0 * ((h0 + h2_0) + C[8 * 4 + 0] * dy2_0)
        vm1 = e1 * ((h1 + h2_1) + C[8 * 4 + 1] * dy2_1)
        vm2 = e2 * ((h2 + h2_2) + C[8 * 4 + 2] * dy2_2)
        vm3 = e3 * ((h3 + h2_3) + C[8 * 4 + 3] * dy2_3)
        vm4 = e4 * ((h4 + h2_4) + C[8 * 4 + 4] * dy2_4)
        vm5 = e5 * ((h5 + h2_5) + C[8 * 4 + 5] * dy2_5)
        vm6 = e6 * ((h6 + h2_6) + C[8 * 4 + 6] * dy2_6)
        vm7 = e7 * ((h7 + h2_7) + C[8 * 4 + 7] * dy2_7)
        vx1_0 = C[8 * 5 + 0] * um0 + C[8 * 6 + 0] * ux1_0
        vx1_1 = C[8 * 5 + 1] * um1 + C[8 * 6 + 1] * ux1_1
        vx1_2 = C[8 * 5 + 2] * um2 + C[8 * 6 + 2] * ux1_2
        vx1_3 = C[8 * 5 + 3] * um3 + C[8 * 6 + 3] * ux1_3
        vx1_4 = C[8 * 5 + 4] * um4 + C[8 * 6 + 4] * ux1_4
        vx1_5 = C[8 * 5 + 5] * um5 + C[8 * 6 + 5] * ux1_5
        vx1_6 = C[8 * 5 + 6] * um6 + C[8 * 6 + 6] * ux1_6
        vx1_7 = C[8 * 5 + 7] * um7 + C[8 * 6 + 7] * ux1_7
        vx2_0 = C[8 * 7 + 0] * um0 + C[8 * 8 + 0] * ux2_0
        vx2_1 = C[8 * 7 + 1] * um1 + C[8 * 8 + 1] * ux2_1
        vx2_2 = C[8 * 7 + 2] * um2 + C[8 * 8 + 2] * ux2_2
        vx2_3 = C[8 * 7 + 3] * um3 + C[8 * 8 + 3] * ux2_3
        vx2_4 = C[8 * 7 + 4] * um4 + C[8 * 8 + 4] * ux2_4
        vx2_5 = C[8 * 7 + 5] * um5 + C[8 * 8 + 5] * ux2_5
        vx2_6 = C[8 * 7 + 6] * um6 + C[8 * 8 + 6] * ux2_6
        vx2_7 = C[8 * 7 + 7] * um7 + C[8 * 8 + 7] * ux2_7
        vy1_0 = a1_0 * cm0 + b1_0 * cy1_0
        vy1_1 = a1_1 * cm1 + b1_1 * cy1_1
        vy1_2 = a1_2 * cm2 + b1_2 * cy1_2
        vy1_3 = a1_3 * cm3 + b1_3 * cy1_3
        vy1_4 = a1_4 * cm4 + b1_4 * cy1_4
        vy1_5 = a1_5 * cm5 + b1_5 * cy1_5
        vy1_6 = a1_6 * cm6 + b1_6 * cy1_6
        vy1_7 = a1_7 * cm7 + b1_7 * cy1_7
        vy2_0 = a2_0 * cm0 + b2_0 * cy2_0
        vy2_1 = a2_1 * cm1 + b2_1 * cy2_1
        vy2_2 = a2_2 * cm2 + b2_2 * cy2_2
        vy2_3 = a2_3 * cm3 + b2_3 * cy2_3
        vy2_4 = a2_4 * cm4 + b2_4 * cy2_4
        vy2_5 = a2_5 * cm5 + b2_5 * cy2_5
        vy2_6 = a2_6 * cm6 + b2_6 * cy2_6
        vy2_7 = a2_7 * cm7 + b2_7 * cy2_7
        s0 += (vm0 + vx1_0) + vx2_0
        s1 += (vm1 + vx1_1) + vx2_1
        s2 += (vm2 + vx1_2) + vx2_2
        s3 += (vm3 + vx1_3) + vx2_3
        s4 += (vm4 + vx1_4) + vx2_4
        s5 += (vm5 + vx1_5) + vx2_5
        s6 += (vm6 + vx1_6) + vx2_6
        s7 += (vm7 + vx1_7) + vx2_7
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
        R[c, j, 8 * 3 + 0] = vy1_0
        R[c, j, 8 * 3 + 1] = vy1_1
        R[c, j, 8 * 3 + 2] = vy1_2
        R[c, j, 8 * 3 + 3] = vy1_3
        R[c, j, 8 * 3 + 4] = vy1_4
        R[c, j, 8 * 3 + 5] = vy1_5
        R[c, j, 8 * 3 + 6] = vy1_6
        R[c, j, 8 * 3 + 7] = vy1_7
        R[c, j, 8 * 4 + 0] = vy2_0
        R[c, j, 8 * 4 + 1] = vy2_1
        R[c, j, 8 * 4 + 2] = vy2_2
        R[c, j, 8 * 4 + 3] = vy2_3
        R[c, j, 8 * 4 + 4] = vy2_4
        R[c, j, 8 * 4 + 5] = vy2_5
        R[c, j, 8 * 4 + 6] = vy2_6
        R[c, j, 8 * 4 + 7] = vy2_7
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
def _fwd_row1(R, p, c, mmax, om2, xr, yc, C, PY, out):
    """As :func:`_fwd_row2` with one insert pair (states M, X, Y; C rows 0, 1, 3, 5, 6)."""
    xo0 = xr[0]
    xo1 = xr[1]
    xo2 = xr[2]
    xo3 = xr[3]
    xo4 = xr[4]
    xo5 = xr[5]
    xo6 = xr[6]
    xo7 = xr[7]
    dm0 = R[p, 0, 8 * 0 + 0]
    dm1 = R[p, 0, 8 * 0 + 1]
    dm2 = R[p, 0, 8 * 0 + 2]
    dm3 = R[p, 0, 8 * 0 + 3]
    dm4 = R[p, 0, 8 * 0 + 4]
    dm5 = R[p, 0, 8 * 0 + 5]
    dm6 = R[p, 0, 8 * 0 + 6]
    dm7 = R[p, 0, 8 * 0 + 7]
    dx1_0 = R[p, 0, 8 * 1 + 0]
    dx1_1 = R[p, 0, 8 * 1 + 1]
    dx1_2 = R[p, 0, 8 * 1 + 2]
    dx1_3 = R[p, 0, 8 * 1 + 3]
    dx1_4 = R[p, 0, 8 * 1 + 4]
    dx1_5 = R[p, 0, 8 * 1 + 5]
    dx1_6 = R[p, 0, 8 * 1 + 6]
    dx1_7 = R[p, 0, 8 * 1 + 7]
    dy1_0 = R[p, 0, 8 * 2 + 0]
    dy1_1 = R[p, 0, 8 * 2 + 1]
    dy1_2 = R[p, 0, 8 * 2 + 2]
    dy1_3 = R[p, 0, 8 * 2 + 3]
    dy1_4 = R[p, 0, 8 * 2 + 4]
    dy1_5 = R[p, 0, 8 * 2 + 5]
    dy1_6 = R[p, 0, 8 * 2 + 6]
    dy1_7 = R[p, 0, 8 * 2 + 7]
    vx1_0 = C[8 * 5 + 0] * dm0 + C[8 * 6 + 0] * dx1_0
    vx1_1 = C[8 * 5 + 1] * dm1 + C[8 * 6 + 1] * dx1_1
    vx1_2 = C[8 * 5 + 2] * dm2 + C[8 * 6 + 2] * dx1_2
    vx1_3 = C[8 * 5 + 3] * dm3 + C[8 * 6 + 3] * dx1_3
    vx1_4 = C[8 * 5 + 4] * dm4 + C[8 * 6 + 4] * dx1_4
    vx1_5 = C[8 * 5 + 5] * dm5 + C[8 * 6 + 5] * dx1_5
    vx1_6 = C[8 * 5 + 6] * dm6 + C[8 * 6 + 6] * dx1_6
    vx1_7 = C[8 * 5 + 7] * dm7 + C[8 * 6 + 7] * dx1_7
    s0 = vx1_0
    s1 = vx1_1
    s2 = vx1_2
    s3 = vx1_3
    s4 = vx1_4
    s5 = vx1_5
    s6 = vx1_6
    s7 = vx1_7
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
    R[c, 0, 8 * 2 + 0] = 0.0
    R[c, 0, 8 * 2 + 1] = 0.0
    R[c, 0, 8 * 2 + 2] = 0.0
    R[c, 0, 8 * 2 + 3] = 0.0
    R[c, 0, 8 * 2 + 4] = 0.0
    R[c, 0, 8 * 2 + 5] = 0.0
    R[c, 0, 8 * 2 + 6] = 0.0
    R[c, 0, 8 * 2 + 7] = 0.0
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
        e0 = om2[xo0, yc[j - 1, 0]]
        e1 = om2[xo1, yc[j - 1, 1]]
        e2 = om2[xo2, yc[j - 1, 2]]
        e3 = om2[xo3, yc[j - 1, 3]]
        e4 = om2[xo4, yc[j - 1, 4]]
        e5 = om2[xo5, yc[j - 1, 5]]
        e6 = om2[xo6, yc[j - 1, 6]]
        e7 = om2[xo7, yc[j - 1, 7]]
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
        uy1_0 = R[p, j, 8 * 2 + 0]
        uy1_1 = R[p, j, 8 * 2 + 1]
        uy1_2 = R[p, j, 8 * 2 + 2]
        uy1_3 = R[p, j, 8 * 2 + 3]
        uy1_4 = R[p, j, 8 * 2 + 4]
        uy1_5 = R[p, j, 8 * 2 + 5]
        uy1_6 = R[p, j, 8 * 2 + 6]
        uy1_7 = R[p, j, 8 * 2 + 7]
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
        vm0 = e0 * ((C[8 * 0 + 0] * dm0 + C[8 * 1 + 0] * dx1_0) + C[8 * 3 + 0] * dy1_0)
        vm1 = e1 * ((C[8 * 0 + 1] * dm1 + C[8 * 1 + 1] * dx1_1) + C[8 * 3 + 1] * dy1_1)
        vm2 = e2 * ((C[8 * 0 + 2] * dm2 + C[8 * 1 + 2] * dx1_2) + C[8 * 3 + 2] * dy1_2)
        vm3 = e3 * ((C[8 * 0 + 3] * dm3 + C[8 * 1 + 3] * dx1_3) + C[8 * 3 + 3] * dy1_3)
        vm4 = e4 * ((C[8 * 0 + 4] * dm4 + C[8 * 1 + 4] * dx1_4) + C[8 * 3 + 4] * dy1_4)
        vm5 = e5 * ((C[8 * 0 + 5] * dm5 + C[8 * 1 + 5] * dx1_5) + C[8 * 3 + 5] * dy1_5)
        vm6 = e6 * ((C[8 * 0 + 6] * dm6 + C[8 * 1 + 6] * dx1_6) + C[8 * 3 + 6] * dy1_6)
        vm7 = e7 * ((C[8 * 0 + 7] * dm7 + C[8 * 1 + 7] * dx1_7) + C[8 * 3 + 7] * dy1_7)
        vx1_0 = C[8 * 5 + 0] * um0 + C[8 * 6 + 0] * ux1_0
        vx1_1 = C[8 * 5 + 1] * um1 + C[8 * 6 + 1] * ux1_1
        vx1_2 = C[8 * 5 + 2] * um2 + C[8 * 6 + 2] * ux1_2
        vx1_3 = C[8 * 5 + 3] * um3 + C[8 * 6 + 3] * ux1_3
        vx1_4 = C[8 * 5 + 4] * um4 + C[8 * 6 + 4] * ux1_4
        vx1_5 = C[8 * 5 + 5] * um5 + C[8 * 6 + 5] * ux1_5
        vx1_6 = C[8 * 5 + 6] * um6 + C[8 * 6 + 6] * ux1_6
        vx1_7 = C[8 * 5 + 7] * um7 + C[8 * 6 + 7] * ux1_7
        vy1_0 = a1_0 * cm0 + b1_0 * cy1_0
        vy1_1 = a1_1 * cm1 + b1_1 * cy1_1
        vy1_2 = a1_2 * cm2 + b1_2 * cy1_2
        vy1_3 = a1_3 * cm3 + b1_3 * cy1_3
        vy1_4 = a1_4 * cm4 + b1_4 * cy1_4
        vy1_5 = a1_5 * cm5 + b1_5 * cy1_5
        vy1_6 = a1_6 * cm6 + b1_6 * cy1_6
        vy1_7 = a1_7 * cm7 + b1_7 * cy1_7
        s0 += vm0 + vx1_0
        s1 += vm1 + vx1_1
        s2 += vm2 + vx1_2
        s3 += vm3 + vx1_3
        s4 += vm4 + vx1_4
        s5 += vm5 + vx1_5
        s6 += vm6 + vx1_6
        s7 += vm7 + vx1_7
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
        R[c, j, 8 * 2 + 0] = vy1_0
        R[c, j, 8 * 2 + 1] = vy1_1
        R[c, j, 8 * 2 + 2] = vy1_2
        R[c, j, 8 * 2 + 3] = vy1_3
        R[c, j, 8 * 2 + 4] = vy1_4
        R[c, j, 8 * 2 + 5] = vy1_5
        R[c, j, 8 * 2 + 6] = vy1_6
        R[c, j, 8 * 2 + 7] = vy1_7
        dm0 = um0
        dm1 = um1
        dm2 = um2
        dm3 = um3
        dm4 = um4
        dm5 = um5
        dm6 = um6
        dm7 = um7
        dx1_0 = ux1_0
        dx1_1 = ux1_1
        dx1_2 = ux1_2
        dx1_3 = ux1_3
        dx1_4 = ux1_4
        dx1_5 = ux1_5
        dx1_6 = ux1_6
        dx1_7 = ux1_7
        dy1_0 = uy1_0
        dy1_1 = uy1_1
        dy1_2 = uy1_2
        dy1_3 = uy1_3
        dy1_4 = uy1_4
        dy1_5 = uy1_5
        dy1_6 = uy1_6
        dy1_7 = uy1_7
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
def _fwd_mea_row1(R, p, c, mmax, om2, xr, yc, C, PY, out, BMi, g, ARc, ARp, CDi):
    """As :func:`_fwd_row1`, and with it row i of the match posteriors
    (M times the backward M row BMi times g[l]) and of the MEA DP: ARc[j] from the
    previous MEA row ARp, and the traceback codes CDi[j] (0 if the max is the match
    term, else 1 if it is the x-gap term, else 2; computed as a product of two selects,
    which vectorises: nested selects do not)."""
    xo0 = xr[0]
    xo1 = xr[1]
    xo2 = xr[2]
    xo3 = xr[3]
    xo4 = xr[4]
    xo5 = xr[5]
    xo6 = xr[6]
    xo7 = xr[7]
    dm0 = R[p, 0, 8 * 0 + 0]
    dm1 = R[p, 0, 8 * 0 + 1]
    dm2 = R[p, 0, 8 * 0 + 2]
    dm3 = R[p, 0, 8 * 0 + 3]
    dm4 = R[p, 0, 8 * 0 + 4]
    dm5 = R[p, 0, 8 * 0 + 5]
    dm6 = R[p, 0, 8 * 0 + 6]
    dm7 = R[p, 0, 8 * 0 + 7]
    dx1_0 = R[p, 0, 8 * 1 + 0]
    dx1_1 = R[p, 0, 8 * 1 + 1]
    dx1_2 = R[p, 0, 8 * 1 + 2]
    dx1_3 = R[p, 0, 8 * 1 + 3]
    dx1_4 = R[p, 0, 8 * 1 + 4]
    dx1_5 = R[p, 0, 8 * 1 + 5]
    dx1_6 = R[p, 0, 8 * 1 + 6]
    dx1_7 = R[p, 0, 8 * 1 + 7]
    dy1_0 = R[p, 0, 8 * 2 + 0]
    dy1_1 = R[p, 0, 8 * 2 + 1]
    dy1_2 = R[p, 0, 8 * 2 + 2]
    dy1_3 = R[p, 0, 8 * 2 + 3]
    dy1_4 = R[p, 0, 8 * 2 + 4]
    dy1_5 = R[p, 0, 8 * 2 + 5]
    dy1_6 = R[p, 0, 8 * 2 + 6]
    dy1_7 = R[p, 0, 8 * 2 + 7]
    vx1_0 = C[8 * 5 + 0] * dm0 + C[8 * 6 + 0] * dx1_0
    vx1_1 = C[8 * 5 + 1] * dm1 + C[8 * 6 + 1] * dx1_1
    vx1_2 = C[8 * 5 + 2] * dm2 + C[8 * 6 + 2] * dx1_2
    vx1_3 = C[8 * 5 + 3] * dm3 + C[8 * 6 + 3] * dx1_3
    vx1_4 = C[8 * 5 + 4] * dm4 + C[8 * 6 + 4] * dx1_4
    vx1_5 = C[8 * 5 + 5] * dm5 + C[8 * 6 + 5] * dx1_5
    vx1_6 = C[8 * 5 + 6] * dm6 + C[8 * 6 + 6] * dx1_6
    vx1_7 = C[8 * 5 + 7] * dm7 + C[8 * 6 + 7] * dx1_7
    s0 = vx1_0
    s1 = vx1_1
    s2 = vx1_2
    s3 = vx1_3
    s4 = vx1_4
    s5 = vx1_5
    s6 = vx1_6
    s7 = vx1_7
    R[c, 0, 8 * 0 + 0] = 0.0
    R[c, 0, 8 * 0 + 1] = 0.0
    R[c, 0, 8 * 0 + 2] = 0.0
    R[c, 0, 8 * 0 + 3] = 0.0
    R[c, 0, 8 * 0 + 4] = 0.0
    R[c, 0, 8 * 0 + 5] = 0.0
    R[c, 0, 8 * 0 + 6] = 0.0
    R[c, 0, 8 * 0 + 7] = 0.0
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
    R[c, 0, 8 * 1 + 0] = vx1_0
    R[c, 0, 8 * 1 + 1] = vx1_1
    R[c, 0, 8 * 1 + 2] = vx1_2
    R[c, 0, 8 * 1 + 3] = vx1_3
    R[c, 0, 8 * 1 + 4] = vx1_4
    R[c, 0, 8 * 1 + 5] = vx1_5
    R[c, 0, 8 * 1 + 6] = vx1_6
    R[c, 0, 8 * 1 + 7] = vx1_7
    R[c, 0, 8 * 2 + 0] = 0.0
    R[c, 0, 8 * 2 + 1] = 0.0
    R[c, 0, 8 * 2 + 2] = 0.0
    R[c, 0, 8 * 2 + 3] = 0.0
    R[c, 0, 8 * 2 + 4] = 0.0
    R[c, 0, 8 * 2 + 5] = 0.0
    R[c, 0, 8 * 2 + 6] = 0.0
    R[c, 0, 8 * 2 + 7] = 0.0
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
        e0 = om2[xo0, yc[j - one, 0]]
        e1 = om2[xo1, yc[j - one, 1]]
        e2 = om2[xo2, yc[j - one, 2]]
        e3 = om2[xo3, yc[j - one, 3]]
        e4 = om2[xo4, yc[j - one, 4]]
        e5 = om2[xo5, yc[j - one, 5]]
        e6 = om2[xo6, yc[j - one, 6]]
        e7 = om2[xo7, yc[j - one, 7]]
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
        uy1_0 = R[p, j, 8 * 2 + 0]
        uy1_1 = R[p, j, 8 * 2 + 1]
        uy1_2 = R[p, j, 8 * 2 + 2]
        uy1_3 = R[p, j, 8 * 2 + 3]
        uy1_4 = R[p, j, 8 * 2 + 4]
        uy1_5 = R[p, j, 8 * 2 + 5]
        uy1_6 = R[p, j, 8 * 2 + 6]
        uy1_7 = R[p, j, 8 * 2 + 7]
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
        vm0 = e0 * ((C[8 * 0 + 0] * dm0 + C[8 * 1 + 0] * dx1_0) + C[8 * 3 + 0] * dy1_0)
        vm1 = e1 * ((C[8 * 0 + 1] * dm1 + C[8 * 1 + 1] * dx1_1) + C[8 * 3 + 1] * dy1_1)
        vm2 = e2 * ((C[8 * 0 + 2] * dm2 + C[8 * 1 + 2] * dx1_2) + C[8 * 3 + 2] * dy1_2)
        vm3 = e3 * ((C[8 * 0 + 3] * dm3 + C[8 * 1 + 3] * dx1_3) + C[8 * 3 + 3] * dy1_3)
        vm4 = e4 * ((C[8 * 0 + 4] * dm4 + C[8 * 1 + 4] * dx1_4) + C[8 * 3 + 4] * dy1_4)
        vm5 = e5 * ((C[8 * 0 + 5] * dm5 + C[8 * 1 + 5] * dx1_5) + C[8 * 3 + 5] * dy1_5)
        vm6 = e6 * ((C[8 * 0 + 6] * dm6 + C[8 * 1 + 6] * dx1_6) + C[8 * 3 + 6] * dy1_6)
        vm7 = e7 * ((C[8 * 0 + 7] * dm7 + C[8 * 1 + 7] * dx1_7) + C[8 * 3 + 7] * dy1_7)
        vx1_0 = C[8 * 5 + 0] * um0 + C[8 * 6 + 0] * ux1_0
        vx1_1 = C[8 * 5 + 1] * um1 + C[8 * 6 + 1] * ux1_1
        vx1_2 = C[8 * 5 + 2] * um2 + C[8 * 6 + 2] * ux1_2
        vx1_3 = C[8 * 5 + 3] * um3 + C[8 * 6 + 3] * ux1_3
        vx1_4 = C[8 * 5 + 4] * um4 + C[8 * 6 + 4] * ux1_4
        vx1_5 = C[8 * 5 + 5] * um5 + C[8 * 6 + 5] * ux1_5
        vx1_6 = C[8 * 5 + 6] * um6 + C[8 * 6 + 6] * ux1_6
        vx1_7 = C[8 * 5 + 7] * um7 + C[8 * 6 + 7] * ux1_7
        vy1_0 = a1_0 * cm0 + b1_0 * cy1_0
        vy1_1 = a1_1 * cm1 + b1_1 * cy1_1
        vy1_2 = a1_2 * cm2 + b1_2 * cy1_2
        vy1_3 = a1_3 * cm3 + b1_3 * cy1_3
        vy1_4 = a1_4 * cm4 + b1_4 * cy1_4
        vy1_5 = a1_5 * cm5 + b1_5 * cy1_5
        vy1_6 = a1_6 * cm6 + b1_6 * cy1_6
        vy1_7 = a1_7 * cm7 + b1_7 * cy1_7
        s0 += vm0 + vx1_0
        s1 += vm1 + vx1_1
        s2 += vm2 + vx1_2
        s3 += vm3 + vx1_3
        s4 += vm4 + vx1_4
        s5 += vm5 + vx1_5
        s6 += vm6 + vx1_6
        s7 += vm7 + vx1_7
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
        R[c, j, 8 * 2 + 0] = vy1_0
        R[c, j, 8 * 2 + 1] = vy1_1
        R[c, j, 8 * 2 + 2] = vy1_2
        R[c, j, 8 * 2 + 3] = vy1_3
        R[c, j, 8 * 2 + 4] = vy1_4
        R[c, j, 8 * 2 + 5] = vy1_5
        R[c, j, 8 * 2 + 6] = vy1_6
        R[c, j, 8 * 2 + 7] = vy1_7
        dm0 = um0
        dm1 = um1
        dm2 = um2
        dm3 = um3
        dm4 = um4
        dm5 = um5
        dm6 = um6
        dm7 = um7
        dx1_0 = ux1_0
        dx1_1 = ux1_1
        dx1_2 = ux1_2
        dx1_3 = ux1_3
        dx1_4 = ux1_4
        dx1_5 = ux1_5
        dx1_6 = ux1_6
        dx1_7 = ux1_7
        dy1_0 = uy1_0
        dy1_1 = uy1_1
        dy1_2 = uy1_2
        dy1_3 = uy1_3
        dy1_4 = uy1_4
        dy1_5 = uy1_5
        dy1_6 = uy1_6
        dy1_7 = uy1_7
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
    """Flush cells below 1e-280 of R[c] to zero; out[l] += the flushed mass of lane l."""
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
            f0 += v0 if v0 < _TINY else 0.0
            f1 += v1 if v1 < _TINY else 0.0
            f2 += v2 if v2 < _TINY else 0.0
            f3 += v3 if v3 < _TINY else 0.0
            f4 += v4 if v4 < _TINY else 0.0
            f5 += v5 if v5 < _TINY else 0.0
            f6 += v6 if v6 < _TINY else 0.0
            f7 += v7 if v7 < _TINY else 0.0
            R[c, j, 8 * s + 0] = v0 if v0 >= _TINY else 0.0
            R[c, j, 8 * s + 1] = v1 if v1 >= _TINY else 0.0
            R[c, j, 8 * s + 2] = v2 if v2 >= _TINY else 0.0
            R[c, j, 8 * s + 3] = v3 if v3 >= _TINY else 0.0
            R[c, j, 8 * s + 4] = v4 if v4 >= _TINY else 0.0
            R[c, j, 8 * s + 5] = v5 if v5 >= _TINY else 0.0
            R[c, j, 8 * s + 6] = v6 if v6 >= _TINY else 0.0
            R[c, j, 8 * s + 7] = v7 if v7 >= _TINY else 0.0
    out[0] += f0
    out[1] += f1
    out[2] += f2
    out[3] += f3
    out[4] += f4
    out[5] += f5
    out[6] += f6
    out[7] += f7


@njit(cache=True)
def _forward_group(nmax, mmax, nl, ml, xc, yc, om2, fxe, PY, trans, end, R, C, rs, fl,
                   xr, lpo, flags, mea, BM, CB, lpb, bad, AR, CD, sc):
    """Scaled forward pass of one group. Fills lpo[l] (log P in odds space, -inf when 0)
    and flags[l] (underflow flag as in :func:`.kernels_numba.forward_score`).

    With ``mea``, also the match posteriors and the MEA DP, row by row: BM holds the
    scaled backward M table, CB[i, l] its log scales and lpb[l] the backward log P (from
    :func:`_backward_group`); posterior = M * BM * exp(cumf + CB - lpb). Fills AR
    (rolling MEA rows), CD (traceback codes), sc[l] (MEA score) and sets bad[l] where
    the posterior scale is not finite."""
    S = trans.shape[0]
    K = (S - 1) // 2
    two = K == 2
    x1, x2 = 1, K
    y1, y2 = 1 + K, 2 * K
    acc = np.zeros(LANES)
    g = np.zeros(LANES)
    for l in range(LANES):
        fl[l] = 0.0
        lpo[l] = NEG_INF
        flags[l] = False
        sc[l] = 0.0
    if mea:
        for j in range(mmax + 1):
            for l in range(LANES):
                AR[0, j, l] = 0.0
    # row 0: the begin state and the Y chains from it
    for j in range(mmax + 1):
        for s in range(S):
            for l in range(LANES):
                R[0, j, 8 * s + l] = 0.0
    for l in range(LANES):
        R[0, 0, 8 * 0 + l] = 1.0
        tot = 1.0
        for k in range(K):
            sy = 1 + K + k
            vm = 1.0
            vy = 0.0
            for j in range(1, mmax + 1):
                vy = PY[j, 16 * k + l] * vm + PY[j, 8 * (2 * k + 1) + l] * vy
                R[0, j, 8 * sy + l] = vy
                tot += vy
                vm = 0.0
        rs[l] = tot
    _flush_row(R, 0, S, mmax, fl)
    for i in range(nmax + 1):
        c = i % 2
        if i > 0:
            p = 1 - c
            for l in range(LANES):
                mx = rs[l]
                inv = 1.0
                if mx > 0.0:
                    acc[l] += np.log(mx)
                    inv = 1.0 / mx
                xv = xc[i - 1, l]
                xr[l] = xv
                f1 = fxe[0, xv] * inv
                f2 = fxe[K - 1, xv] * inv
                C[8 * 0 + l] = trans[0, 0] * inv
                C[8 * 1 + l] = trans[x1, 0] * inv
                C[8 * 2 + l] = trans[x2, 0] * inv if two else 0.0
                C[8 * 3 + l] = trans[y1, 0] * inv
                C[8 * 4 + l] = trans[y2, 0] * inv if two else 0.0
                C[8 * 5 + l] = f1 * trans[0, x1]
                C[8 * 6 + l] = f1 * trans[x1, x1]
                C[8 * 7 + l] = f2 * trans[0, x2] if two else 0.0
                C[8 * 8 + l] = f2 * trans[x2, x2] if two else 0.0
                g[l] = 0.0
                if mea and i <= nl[l] and lpb[l] != NEG_INF and not bad[l]:
                    gl = np.exp(acc[l] + CB[i, l] - lpb[l])
                    if np.isfinite(gl):
                        g[l] = gl
                    else:
                        bad[l] = True
            if mea:
                if two:
                    _fwd_mea_row2(R, p, c, mmax, om2, xr, yc, C, PY, rs, BM[i], g, AR[c], AR[p],
                                  CD[i])
                else:
                    _fwd_mea_row1(R, p, c, mmax, om2, xr, yc, C, PY, rs, BM[i], g, AR[c], AR[p],
                                  CD[i])
            elif two:
                _fwd_row2(R, p, c, mmax, om2, xr, yc, C, PY, rs)
            else:
                _fwd_row1(R, p, c, mmax, om2, xr, yc, C, PY, rs)
            if i % _FLUSH_EVERY == 0:
                _flush_row(R, c, S, mmax, fl)
        for l in range(LANES):
            if nl[l] != i:
                continue
            tot = 0.0
            for s in range(S):
                tot += end[s] * R[c, ml[l], 8 * s + l]
            if tot == 0.0:
                flags[l] = fl[l] > 0.0
                lpo[l] = NEG_INF
            else:
                flags[l] = fl[l] > 0.0 and tot < _SMALL_TOTAL * rs[l]
                lpo[l] = np.log(tot) + acc[l]
            if mea and i > 0:
                sc[l] = AR[c, ml[l], l]


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
        R = np.zeros((2, mm + 1, S * LANES))
        C = np.zeros(9 * LANES)
        rs = np.zeros(LANES)
        fl = np.zeros(LANES)
        xr = np.zeros(LANES, dtype=np.uint8)
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
            _forward_group(nmax, mmax, nl, ml, xc, yc, om2, fxe, PY, trans, end, R, C, rs,
                           fl, xr, lpo, fg, False, BM, CB, lpb, bad, AR, CD, sc)
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
def _bwd_row2(R, p, c, mmax, om2, xr, yc, C, PY, out, BM, i):
    """Backward row into R[c] from R[p] = row i+1 (two insert pairs). C[8 * k + l]: the
    lane's coefficients for the row, each a transition times the lane's scale (and times
    the X emission of x_{i+1} for the transitions into X), k = 0..8: M->M, M->X1, M->X2,
    X1->M, X1->X1, X2->M, X2->X2, Y1->M, Y2->M (per-lane values, like the forward's, keep
    LLVM's SLP vectoriser bundling lanes rather than states); xr the codes x_{i+1}.
    out[l] receives the row sum; the M row also goes to BM[i]."""
    xo0 = xr[0]
    xo1 = xr[1]
    xo2 = xr[2]
    xo3 = xr[3]
    xo4 = xr[4]
    xo5 = xr[5]
    xo6 = xr[6]
    xo7 = xr[7]
    # column mmax: no y_{j+1}
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
    bm0 = C[8 * 1 + 0] * ex1_0 + C[8 * 2 + 0] * ex2_0
    bm1 = C[8 * 1 + 1] * ex1_1 + C[8 * 2 + 1] * ex2_1
    bm2 = C[8 * 1 + 2] * ex1_2 + C[8 * 2 + 2] * ex2_2
    bm3 = C[8 * 1 + 3] * ex1_3 + C[8 * 2 + 3] * ex2_3
    bm4 = C[8 * 1 + 4] * ex1_4 + C[8 * 2 + 4] * ex2_4
    bm5 = C[8 * 1 + 5] * ex1_5 + C[8 * 2 + 5] * ex2_5
    bm6 = C[8 * 1 + 6] * ex1_6 + C[8 * 2 + 6] * ex2_6
    bm7 = C[8 * 1 + 7] * ex1_7 + C[8 * 2 + 7] * ex2_7
    b1_0 = C[8 * 4 + 0] * ex1_0
    b1_1 = C[8 * 4 + 1] * ex1_1
    b1_2 = C[8 * 4 + 2] * ex1_2
    b1_3 = C[8 * 4 + 3] * ex1_3
    b1_4 = C[8 * 4 + 4] * ex1_4
    b1_5 = C[8 * 4 + 5] * ex1_5
    b1_6 = C[8 * 4 + 6] * ex1_6
    b1_7 = C[8 * 4 + 7] * ex1_7
    b2_0 = C[8 * 6 + 0] * ex2_0
    b2_1 = C[8 * 6 + 1] * ex2_1
    b2_2 = C[8 * 6 + 2] * ex2_2
    b2_3 = C[8 * 6 + 3] * ex2_3
    b2_4 = C[8 * 6 + 4] * ex2_4
    b2_5 = C[8 * 6 + 5] * ex2_5
    b2_6 = C[8 * 6 + 6] * ex2_6
    b2_7 = C[8 * 6 + 7] * ex2_7
    s0 = (bm0 + b1_0) + b2_0
    s1 = (bm1 + b1_1) + b2_1
    s2 = (bm2 + b1_2) + b2_2
    s3 = (bm3 + b1_3) + b2_3
    s4 = (bm4 + b1_4) + b2_4
    s5 = (bm5 + b1_5) + b2_5
    s6 = (bm6 + b1_6) + b2_6
    s7 = (bm7 + b1_7) + b2_7
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
    R[c, mmax, 8 * 1 + 0] = b1_0
    R[c, mmax, 8 * 1 + 1] = b1_1
    R[c, mmax, 8 * 1 + 2] = b1_2
    R[c, mmax, 8 * 1 + 3] = b1_3
    R[c, mmax, 8 * 1 + 4] = b1_4
    R[c, mmax, 8 * 1 + 5] = b1_5
    R[c, mmax, 8 * 1 + 6] = b1_6
    R[c, mmax, 8 * 1 + 7] = b1_7
    R[c, mmax, 8 * 2 + 0] = b2_0
    R[c, mmax, 8 * 2 + 1] = b2_1
    R[c, mmax, 8 * 2 + 2] = b2_2
    R[c, mmax, 8 * 2 + 3] = b2_3
    R[c, mmax, 8 * 2 + 4] = b2_4
    R[c, mmax, 8 * 2 + 5] = b2_5
    R[c, mmax, 8 * 2 + 6] = b2_6
    R[c, mmax, 8 * 2 + 7] = b2_7
    R[c, mmax, 8 * 3 + 0] = 0.0
    R[c, mmax, 8 * 3 + 1] = 0.0
    R[c, mmax, 8 * 3 + 2] = 0.0
    R[c, mmax, 8 * 3 + 3] = 0.0
    R[c, mmax, 8 * 3 + 4] = 0.0
    R[c, mmax, 8 * 3 + 5] = 0.0
    R[c, mmax, 8 * 3 + 6] = 0.0
    R[c, mmax, 8 * 3 + 7] = 0.0
    R[c, mmax, 8 * 4 + 0] = 0.0
    R[c, mmax, 8 * 4 + 1] = 0.0
    R[c, mmax, 8 * 4 + 2] = 0.0
    R[c, mmax, 8 * 4 + 3] = 0.0
    R[c, mmax, 8 * 4 + 4] = 0.0
    R[c, mmax, 8 * 4 + 5] = 0.0
    R[c, mmax, 8 * 4 + 6] = 0.0
    R[c, mmax, 8 * 4 + 7] = 0.0
    for j in range(mmax - 1, -1, -1):
        em0 = om2[xo0, yc[j, 0]] * R[p, j + 1, 8 * 0 + 0]
        em1 = om2[xo1, yc[j, 1]] * R[p, j + 1, 8 * 0 + 1]
        em2 = om2[xo2, yc[j, 2]] * R[p, j + 1, 8 * 0 + 2]
        em3 = om2[xo3, yc[j, 3]] * R[p, j + 1, 8 * 0 + 3]
        em4 = om2[xo4, yc[j, 4]] * R[p, j + 1, 8 * 0 + 4]
        em5 = om2[xo5, yc[j, 5]] * R[p, j + 1, 8 * 0 + 5]
        em6 = om2[xo6, yc[j, 6]] * R[p, j + 1, 8 * 0 + 6]
        em7 = om2[xo7, yc[j, 7]] * R[p, j + 1, 8 * 0 + 7]
        py1_0 = R[c, j + 1, 8 * 3 + 0]
        py1_1 = R[c, j + 1, 8 * 3 + 1]
        py1_2 = R[c, j + 1, 8 * 3 + 2]
        py1_3 = R[c, j + 1, 8 * 3 + 3]
        py1_4 = R[c, j + 1, 8 * 3 + 4]
        py1_5 = R[c, j + 1, 8 * 3 + 5]
        py1_6 = R[c, j + 1, 8 * 3 + 6]
        py1_7 = R[c, j + 1, 8 * 3 + 7]
        py2_0 = R[c, j + 1, 8 * 4 + 0]
        py2_1 = R[c, j + 1, 8 * 4 + 1]
        py2_2 = R[c, j + 1, 8 * 4 + 2]
        py2_3 = R[c, j + 1, 8 * 4 + 3]
        py2_4 = R[c, j + 1, 8 * 4 + 4]
        py2_5 = R[c, j + 1, 8 * 4 + 5]
        py2_6 = R[c, j + 1, 8 * 4 + 6]
        py2_7 = R[c, j + 1, 8 * 4 + 7]
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
        h0 = (C[8 * 0 + 0] * em0 + C[8 * 1 + 0] * ex1_0) + (C[8 * 2 + 0] * ex2_0 + a1_0 * py1_0)
        h1 = (C[8 * 0 + 1] * em1 + C[8 * 1 + 1] * ex1_1) + (C[8 * 2 + 1] * ex2_1 + a1_1 * py1_1)
        h2 = (C[8 * 0 + 2] * em2 + C[8 * 1 + 2] * ex1_2) + (C[8 * 2 + 2] * ex2_2 + a1_2 * py1_2)
        h3 = (C[8 * 0 + 3] * em3 + C[8 * 1 + 3] * ex1_3) + (C[8 * 2 + 3] * ex2_3 + a1_3 * py1_3)
        h4 = (C[8 * 0 + 4] * em4 + C[8 * 1 + 4] * ex1_4) + (C[8 * 2 + 4] * ex2_4 + a1_4 * py1_4)
        h5 = (C[8 * 0 + 5] * em5 + C[8 * 1 + 5] * ex1_5) + (C[8 * 2 + 5] * ex2_5 + a1_5 * py1_5)
        h6 = (C[8 * 0 + 6] * em6 + C[8 * 1 + 6] * ex1_6) + (C[8 * 2 + 6] * ex2_6 + a1_6 * py1_6)
        h7 = (C[8 * 0 + 7] * em7 + C[8 * 1 + 7] * ex1_7) + (C[8 * 2 + 7] * ex2_7 + a1_7 * py1_7)
        bm0 = h0 + a2_0 * py2_0
        bm1 = h1 + a2_1 * py2_1
        bm2 = h2 + a2_2 * py2_2
        bm3 = h3 + a2_3 * py2_3
        bm4 = h4 + a2_4 * py2_4
        bm5 = h5 + a2_5 * py2_5
        bm6 = h6 + a2_6 * py2_6
        bm7 = h7 + a2_7 * py2_7
        b1_0 = C[8 * 3 + 0] * em0 + C[8 * 4 + 0] * ex1_0
        b1_1 = C[8 * 3 + 1] * em1 + C[8 * 4 + 1] * ex1_1
        b1_2 = C[8 * 3 + 2] * em2 + C[8 * 4 + 2] * ex1_2
        b1_3 = C[8 * 3 + 3] * em3 + C[8 * 4 + 3] * ex1_3
        b1_4 = C[8 * 3 + 4] * em4 + C[8 * 4 + 4] * ex1_4
        b1_5 = C[8 * 3 + 5] * em5 + C[8 * 4 + 5] * ex1_5
        b1_6 = C[8 * 3 + 6] * em6 + C[8 * 4 + 6] * ex1_6
        b1_7 = C[8 * 3 + 7] * em7 + C[8 * 4 + 7] * ex1_7
        b2_0 = C[8 * 5 + 0] * em0 + C[8 * 6 + 0] * ex2_0
        b2_1 = C[8 * 5 + 1] * em1 + C[8 * 6 + 1] * ex2_1
        b2_2 = C[8 * 5 + 2] * em2 + C[8 * 6 + 2] * ex2_2
        b2_3 = C[8 * 5 + 3] * em3 + C[8 * 6 + 3] * ex2_3
        b2_4 = C[8 * 5 + 4] * em4 + C[8 * 6 + 4] * ex2_4
        b2_5 = C[8 * 5 + 5] * em5 + C[8 * 6 + 5] * ex2_5
        b2_6 = C[8 * 5 + 6] * em6 + C[8 * 6 + 6] * ex2_6
        b2_7 = C[8 * 5 + 7] * em7 + C[8 * 6 + 7] * ex2_7
        c1_0 = C[8 * 7 + 0] * em0 + q1_0 * py1_0
        c1_1 = C[8 * 7 + 1] * em1 + q1_1 * py1_1
        c1_2 = C[8 * 7 + 2] * em2 + q1_2 * py1_2
        c1_3 = C[8 * 7 + 3] * em3 + q1_3 * py1_3
        c1_4 = C[8 * 7 + 4] * em4 + q1_4 * py1_4
        c1_5 = C[8 * 7 + 5] * em5 + q1_5 * py1_5
        c1_6 = C[8 * 7 + 6] * em6 + q1_6 * py1_6
        c1_7 = C[8 * 7 + 7] * em7 + q1_7 * py1_7
        c2_0 = C[8 * 8 + 0] * em0 + q2_0 * py2_0
        c2_1 = C[8 * 8 + 1] * em1 + q2_1 * py2_1
        c2_2 = C[8 * 8 + 2] * em2 + q2_2 * py2_2
        c2_3 = C[8 * 8 + 3] * em3 + q2_3 * py2_3
        c2_4 = C[8 * 8 + 4] * em4 + q2_4 * py2_4
        c2_5 = C[8 * 8 + 5] * em5 + q2_5 * py2_5
        c2_6 = C[8 * 8 + 6] * em6 + q2_6 * py2_6
        c2_7 = C[8 * 8 + 7] * em7 + q2_7 * py2_7
        s0 += ((bm0 + b1_0) + (b2_0 + c1_0)) + c2_0
        s1 += ((bm1 + b1_1) + (b2_1 + c1_1)) + c2_1
        s2 += ((bm2 + b1_2) + (b2_2 + c1_2)) + c2_2
        s3 += ((bm3 + b1_3) + (b2_3 + c1_3)) + c2_3
        s4 += ((bm4 + b1_4) + (b2_4 + c1_4)) + c2_4
        s5 += ((bm5 + b1_5) + (b2_5 + c1_5)) + c2_5
        s6 += ((bm6 + b1_6) + (b2_6 + c1_6)) + c2_6
        s7 += ((bm7 + b1_7) + (b2_7 + c1_7)) + c2_7
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
        R[c, j, 8 * 3 + 0] = c1_0
        R[c, j, 8 * 3 + 1] = c1_1
        R[c, j, 8 * 3 + 2] = c1_2
        R[c, j, 8 * 3 + 3] = c1_3
        R[c, j, 8 * 3 + 4] = c1_4
        R[c, j, 8 * 3 + 5] = c1_5
        R[c, j, 8 * 3 + 6] = c1_6
        R[c, j, 8 * 3 + 7] = c1_7
        R[c, j, 8 * 4 + 0] = c2_0
        R[c, j, 8 * 4 + 1] = c2_1
        R[c, j, 8 * 4 + 2] = c2_2
        R[c, j, 8 * 4 + 3] = c2_3
        R[c, j, 8 * 4 + 4] = c2_4
        R[c, j, 8 * 4 + 5] = c2_5
        R[c, j, 8 * 4 + 6] = c2_6
        R[c, j, 8 * 4 + 7] = c2_7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7


@njit(cache=True)
def _bwd_row1(R, p, c, mmax, om2, xr, yc, C, PY, out, BM, i):
    """As :func:`_bwd_row2` with one insert pair (states M, X, Y; C rows 0, 1, 3, 4, 7)."""
    xo0 = xr[0]
    xo1 = xr[1]
    xo2 = xr[2]
    xo3 = xr[3]
    xo4 = xr[4]
    xo5 = xr[5]
    xo6 = xr[6]
    xo7 = xr[7]
    ex1_0 = R[p, mmax, 8 * 1 + 0]
    ex1_1 = R[p, mmax, 8 * 1 + 1]
    ex1_2 = R[p, mmax, 8 * 1 + 2]
    ex1_3 = R[p, mmax, 8 * 1 + 3]
    ex1_4 = R[p, mmax, 8 * 1 + 4]
    ex1_5 = R[p, mmax, 8 * 1 + 5]
    ex1_6 = R[p, mmax, 8 * 1 + 6]
    ex1_7 = R[p, mmax, 8 * 1 + 7]
    bm0 = C[8 * 1 + 0] * ex1_0
    bm1 = C[8 * 1 + 1] * ex1_1
    bm2 = C[8 * 1 + 2] * ex1_2
    bm3 = C[8 * 1 + 3] * ex1_3
    bm4 = C[8 * 1 + 4] * ex1_4
    bm5 = C[8 * 1 + 5] * ex1_5
    bm6 = C[8 * 1 + 6] * ex1_6
    bm7 = C[8 * 1 + 7] * ex1_7
    b1_0 = C[8 * 4 + 0] * ex1_0
    b1_1 = C[8 * 4 + 1] * ex1_1
    b1_2 = C[8 * 4 + 2] * ex1_2
    b1_3 = C[8 * 4 + 3] * ex1_3
    b1_4 = C[8 * 4 + 4] * ex1_4
    b1_5 = C[8 * 4 + 5] * ex1_5
    b1_6 = C[8 * 4 + 6] * ex1_6
    b1_7 = C[8 * 4 + 7] * ex1_7
    s0 = bm0 + b1_0
    s1 = bm1 + b1_1
    s2 = bm2 + b1_2
    s3 = bm3 + b1_3
    s4 = bm4 + b1_4
    s5 = bm5 + b1_5
    s6 = bm6 + b1_6
    s7 = bm7 + b1_7
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
    R[c, mmax, 8 * 1 + 0] = b1_0
    R[c, mmax, 8 * 1 + 1] = b1_1
    R[c, mmax, 8 * 1 + 2] = b1_2
    R[c, mmax, 8 * 1 + 3] = b1_3
    R[c, mmax, 8 * 1 + 4] = b1_4
    R[c, mmax, 8 * 1 + 5] = b1_5
    R[c, mmax, 8 * 1 + 6] = b1_6
    R[c, mmax, 8 * 1 + 7] = b1_7
    R[c, mmax, 8 * 2 + 0] = 0.0
    R[c, mmax, 8 * 2 + 1] = 0.0
    R[c, mmax, 8 * 2 + 2] = 0.0
    R[c, mmax, 8 * 2 + 3] = 0.0
    R[c, mmax, 8 * 2 + 4] = 0.0
    R[c, mmax, 8 * 2 + 5] = 0.0
    R[c, mmax, 8 * 2 + 6] = 0.0
    R[c, mmax, 8 * 2 + 7] = 0.0
    for j in range(mmax - 1, -1, -1):
        em0 = om2[xo0, yc[j, 0]] * R[p, j + 1, 8 * 0 + 0]
        em1 = om2[xo1, yc[j, 1]] * R[p, j + 1, 8 * 0 + 1]
        em2 = om2[xo2, yc[j, 2]] * R[p, j + 1, 8 * 0 + 2]
        em3 = om2[xo3, yc[j, 3]] * R[p, j + 1, 8 * 0 + 3]
        em4 = om2[xo4, yc[j, 4]] * R[p, j + 1, 8 * 0 + 4]
        em5 = om2[xo5, yc[j, 5]] * R[p, j + 1, 8 * 0 + 5]
        em6 = om2[xo6, yc[j, 6]] * R[p, j + 1, 8 * 0 + 6]
        em7 = om2[xo7, yc[j, 7]] * R[p, j + 1, 8 * 0 + 7]
        py1_0 = R[c, j + 1, 8 * 2 + 0]
        py1_1 = R[c, j + 1, 8 * 2 + 1]
        py1_2 = R[c, j + 1, 8 * 2 + 2]
        py1_3 = R[c, j + 1, 8 * 2 + 3]
        py1_4 = R[c, j + 1, 8 * 2 + 4]
        py1_5 = R[c, j + 1, 8 * 2 + 5]
        py1_6 = R[c, j + 1, 8 * 2 + 6]
        py1_7 = R[c, j + 1, 8 * 2 + 7]
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
        bm0 = (C[8 * 0 + 0] * em0 + C[8 * 1 + 0] * ex1_0) + a1_0 * py1_0
        bm1 = (C[8 * 0 + 1] * em1 + C[8 * 1 + 1] * ex1_1) + a1_1 * py1_1
        bm2 = (C[8 * 0 + 2] * em2 + C[8 * 1 + 2] * ex1_2) + a1_2 * py1_2
        bm3 = (C[8 * 0 + 3] * em3 + C[8 * 1 + 3] * ex1_3) + a1_3 * py1_3
        bm4 = (C[8 * 0 + 4] * em4 + C[8 * 1 + 4] * ex1_4) + a1_4 * py1_4
        bm5 = (C[8 * 0 + 5] * em5 + C[8 * 1 + 5] * ex1_5) + a1_5 * py1_5
        bm6 = (C[8 * 0 + 6] * em6 + C[8 * 1 + 6] * ex1_6) + a1_6 * py1_6
        bm7 = (C[8 * 0 + 7] * em7 + C[8 * 1 + 7] * ex1_7) + a1_7 * py1_7
        b1_0 = C[8 * 3 + 0] * em0 + C[8 * 4 + 0] * ex1_0
        b1_1 = C[8 * 3 + 1] * em1 + C[8 * 4 + 1] * ex1_1
        b1_2 = C[8 * 3 + 2] * em2 + C[8 * 4 + 2] * ex1_2
        b1_3 = C[8 * 3 + 3] * em3 + C[8 * 4 + 3] * ex1_3
        b1_4 = C[8 * 3 + 4] * em4 + C[8 * 4 + 4] * ex1_4
        b1_5 = C[8 * 3 + 5] * em5 + C[8 * 4 + 5] * ex1_5
        b1_6 = C[8 * 3 + 6] * em6 + C[8 * 4 + 6] * ex1_6
        b1_7 = C[8 * 3 + 7] * em7 + C[8 * 4 + 7] * ex1_7
        c1_0 = C[8 * 7 + 0] * em0 + q1_0 * py1_0
        c1_1 = C[8 * 7 + 1] * em1 + q1_1 * py1_1
        c1_2 = C[8 * 7 + 2] * em2 + q1_2 * py1_2
        c1_3 = C[8 * 7 + 3] * em3 + q1_3 * py1_3
        c1_4 = C[8 * 7 + 4] * em4 + q1_4 * py1_4
        c1_5 = C[8 * 7 + 5] * em5 + q1_5 * py1_5
        c1_6 = C[8 * 7 + 6] * em6 + q1_6 * py1_6
        c1_7 = C[8 * 7 + 7] * em7 + q1_7 * py1_7
        s0 += (bm0 + b1_0) + c1_0
        s1 += (bm1 + b1_1) + c1_1
        s2 += (bm2 + b1_2) + c1_2
        s3 += (bm3 + b1_3) + c1_3
        s4 += (bm4 + b1_4) + c1_4
        s5 += (bm5 + b1_5) + c1_5
        s6 += (bm6 + b1_6) + c1_6
        s7 += (bm7 + b1_7) + c1_7
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
        R[c, j, 8 * 2 + 0] = c1_0
        R[c, j, 8 * 2 + 1] = c1_1
        R[c, j, 8 * 2 + 2] = c1_2
        R[c, j, 8 * 2 + 3] = c1_3
        R[c, j, 8 * 2 + 4] = c1_4
        R[c, j, 8 * 2 + 5] = c1_5
        R[c, j, 8 * 2 + 6] = c1_6
        R[c, j, 8 * 2 + 7] = c1_7
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7


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
def _backward_group(nmax, mmax, nl, ml, xc, yc, om2, fxe, PY, trans, end, R, C, rs, fl,
                    xr, BM, CB, lpb, bad):
    """Scaled backward pass of one group: BM[i] = the scaled backward M row i, CB[i, l]
    its log scale, lpb[l] the log P from the begin state (odds space; -inf when 0).
    bad[l] is set where :func:`.kernels_numba.posterior_match` would flag the pair's
    backward pass (zero row, underflow at (0, 0))."""
    S = trans.shape[0]
    K = (S - 1) // 2
    two = K == 2
    cumb = np.zeros(LANES)
    for l in range(LANES):
        fl[l] = 0.0
        rs[l] = 0.0
        bad[l] = False
        lpb[l] = NEG_INF
    for j in range(mmax + 1):
        for s in range(S):
            for l in range(LANES):
                R[(nmax + 1) % 2, j, 8 * s + l] = 0.0
    for i in range(nmax, -1, -1):
        c = i % 2
        p = 1 - c
        for l in range(LANES):
            inv = 1.0
            if i < nl[l]:
                mx = rs[l]
                if mx > 0.0:
                    cumb[l] += np.log(mx)
                    inv = 1.0 / mx
                else:
                    bad[l] = True
            CB[i, l] = cumb[l]
            xv = xc[i, l]
            xr[l] = xv
            f1 = fxe[0, xv] * inv
            f2 = fxe[K - 1, xv] * inv
            C[8 * 0 + l] = trans[0, 0] * inv
            C[8 * 1 + l] = trans[0, 1] * f1
            C[8 * 2 + l] = trans[0, K] * f2
            C[8 * 3 + l] = trans[1, 0] * inv
            C[8 * 4 + l] = trans[1, 1] * f1
            C[8 * 5 + l] = trans[K, 0] * inv
            C[8 * 6 + l] = trans[K, K] * f2
            C[8 * 7 + l] = trans[1 + K, 0] * inv
            C[8 * 8 + l] = trans[2 * K, 0] * inv
        if two:
            _bwd_row2(R, p, c, mmax, om2, xr, yc, C, PY, rs, BM, i)
        else:
            _bwd_row1(R, p, c, mmax, om2, xr, yc, C, PY, rs, BM, i)
        # the end state of lanes whose x ends at this row (the row kernel left their
        # row at 0: x_{i+1} is the sentinel)
        for l in range(LANES):
            if nl[l] != i:
                continue
            m = ml[l]
            tot = 0.0
            for s in range(S):
                R[c, m, 8 * s + l] = end[s]
                tot += end[s]
            BM[i, m, l] = end[0]
            vy1 = end[1 + K]
            vy2 = end[2 * K]
            for j in range(m - 1, -1, -1):
                ey1 = vy1
                vy1 = PY[j + 1, 8 * 1 + l] * ey1
                bm = PY[j + 1, 8 * 0 + l] * ey1
                R[c, j, 8 * (1 + K) + l] = vy1
                tot += vy1
                if two:
                    ey2 = vy2
                    vy2 = PY[j + 1, 8 * 3 + l] * ey2
                    bm += PY[j + 1, 8 * 2 + l] * ey2
                    R[c, j, 8 * 4 + l] = vy2
                    tot += vy2
                R[c, j, 8 * 0 + l] = bm
                BM[i, j, l] = bm
                tot += bm
            rs[l] = tot
        if i % _FLUSH_EVERY == 0:
            _flush_row(R, c, S, mmax, fl)
        for l in range(LANES):
            if i <= nl[l] and rs[l] == 0.0:
                bad[l] = True
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
        R = np.zeros((2, mm + 1, S * LANES))
        C = np.zeros(9 * LANES)
        rs = np.zeros(LANES)
        fl = np.zeros(LANES)
        xr = np.zeros(LANES, dtype=np.uint8)
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
            _backward_group(nmax, mmax, nl, ml, xc, yc, om2, fxe, PY, trans, end, R, C, rs,
                            fl, xr, BM, CB, lpb, bad)
            _forward_group(nmax, mmax, nl, ml, xc, yc, om2, fxe, PY, trans, end, R, C, rs,
                           fl, xr, lpo, fg, True, BM, CB, lpb, bad, AR, CD, sc)
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
